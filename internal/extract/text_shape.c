/* text_shape.c: shapes of a single text-page line that speak against a headline. */
#include "extract/text_shape.h"

#include <ctype.h>
#include <string.h>

/* Caption and credit words that mark a credit when a colon follows (folded, lower case). */
static const char *const credit_words[] = {"credit", "credits", "photo",  "photos",  "foto",
                                           "fotos",  "bild",    "image",  "picture", "quelle",
                                           "fuente", "source",  "crédit", "kuva",    "zdjęcie"};

/* credit_word_at: fold[i..] is a credit word followed by ':' (optionally one space before). */
static int credit_word_at(const char *f, size_t n, size_t i)
{
    for (size_t k = 0; k < sizeof credit_words / sizeof *credit_words; k++) {
        size_t m = strlen(credit_words[k]), e = i + m;
        if (e > n || memcmp(f + i, credit_words[k], m)) continue;
        if (e < n && f[e] == ' ') e++;
        if (e < n && f[e] == ':') return 1;
    }
    return 0;
}

/* paren_credit: the line ends with "(... / ...)": an agency or photographer's credit. */
static int paren_credit(const char *s, size_t len)
{
    if (len < 3 || s[len - 1] != ')') return 0;
    for (size_t i = len - 1; i-- > 0;) {
        if (s[i] == '(') return 0;
        if (s[i] == '/') return 1;
    }
    return 0;
}

int text_shape_credit(const text_line *l)
{
    if (l->kind != TEXT_LINE_TEXT || !l->fold) return 0;
    const char *f = l->fold;
    size_t n = l->fold_len;
    for (const char *c = f; (c = memchr(c, 0xC2, (size_t)(f + n - c))) && c + 1 < f + n; c++)
        if ((unsigned char)c[1] == 0xA9) return 1; /* © */
    int colon = memchr(f, ':', n) != NULL;         /* a credit word needs one */
    for (size_t i = 0; colon && i + 1 < n; i++)
        if ((i == 0 || f[i - 1] == ' ' || f[i - 1] == '(') && strchr("cpfbiqskz", f[i]) &&
            credit_word_at(f, n, i))
            return 1;
    return paren_credit(l->s, l->len);
}

/* connector: a word that joins names in a byline. */
static int connector(const char *w, size_t n)
{
    static const char *const joins[] = {"and", "und", "&",   "y",    "et",
                                        "e",   "og",  "och", "with", "mit"};
    for (size_t k = 0; k < sizeof joins / sizeof *joins; k++)
        if (strlen(joins[k]) == n && !memcmp(w, joins[k], n)) return 1;
    return 0;
}

int text_shape_names(const text_line *l)
{
    if (l->kind != TEXT_LINE_TEXT || l->end_punct || l->words < 2 || l->words > 8) return 0;
    int caps = 0, joins = 0, other = 0;
    for (size_t i = 0; i < l->len;) {
        size_t e = i;
        while (e < l->len && l->s[e] != ' ') e++;
        const unsigned char *w = (const unsigned char *)l->s + i;
        size_t n = e - i;
        if (n && w[n - 1] == ',') n--, joins++;
        if (n && connector((const char *)w, n))
            joins++;
        else if (n && isupper(w[0]))
            caps++;
        else if (n)
            other++;
        for (size_t k = 0; k < n; k++)
            if (isdigit(w[k]) || (k == 0 && w[k] >= 0x80)) return 0;
        i = e + 1;
    }
    if (other || caps < 2) return 0;
    return joins ? caps <= 6 : caps <= 4;
}
