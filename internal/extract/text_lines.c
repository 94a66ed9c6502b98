/* text_lines.c: splitting a text page into trimmed lines and classifying each one on its own. */
#include "extract/text_lines.h"

#include "extract/datetime.h"
#include "util/err.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* is_space: white space or an invisible format character (never an ill-formed sequence). */
static inline int is_space(const vocab_chars *t, UChar32 c)
{
    if (c < 0) return 0;
    return c < VOCAB_CHARS_N ? t->cls[c] & VOCAB_CH_SPACE : vocab_char_is_space_slow(c);
}

/* trim: narrows [*s, *s + *len) to its visible part. */
static void trim(const vocab_chars *t, const char **s, size_t *len)
{
    int32_t b = 0, e = (int32_t)*len;
    while (b < e) {
        int32_t at = b;
        if (!is_space(t, vocab_next_cp(*s, &b, e))) {
            b = at;
            break;
        }
    }
    while (e > b) {
        int32_t at = e;
        UChar32 c;
        U8_PREV(*s, b, e, c);
        if (!is_space(t, c)) {
            e = at;
            break;
        }
    }
    *s += b;
    *len = (size_t)(e - b);
}

/* ends_punct: the last character before closing quotes/brackets is sentence punctuation. */
static int ends_punct(const vocab_chars *t, const char *s, size_t len)
{
    int32_t i = (int32_t)len;
    while (i > 0) {
        UChar32 c;
        U8_PREV(s, 0, i, c);
        if (c < 0) return 0;
        if (is_space(t, c) || c == '"' || c == '\'' || c == ')' || c == ']' || c == 0xBB ||
            c == 0x201D || c == 0x2019 || c == 0x00AB)
            continue;
        return c == '.' || c == '!' || c == '?' || c == 0x061F || c == 0x2026 || c == ':' ||
               c == 0x06D4 || c == ';' || c == 0x061B || c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
    }
    return 0;
}

int text_number_parse(const char *s, size_t len, long long *v)
{
    char f[64];
    if (len == 0 || len > 30) return NI_ERR_PARSE;
    size_t n = vocab_fold(s, len, f, sizeof f), digits = 0;
    long long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)f[i])) {
            if (++digits > 15) return NI_ERR_PARSE;
            x = x * 10 + (f[i] - '0');
        } else if (!((f[i] == ',' || f[i] == '.' || f[i] == ' ') && digits && i + 1 < n)) {
            return NI_ERR_PARSE;
        }
    }
    if (!digits) return NI_ERR_PARSE;
    *v = x;
    return NI_OK;
}

static int is_url(const char *s, size_t len)
{
    if (memchr(s, ' ', len)) return 0;
    return (len > 8 && !strncmp(s, "https://", 8)) || (len > 7 && !strncmp(s, "http://", 7)) ||
           (len > 4 && !strncmp(s, "www.", 4));
}

/* views_line: "734 مشاهدة", "Views: 1,234". */
static int views_line(text_line *l, const size_t *pre)
{
    size_t p = pre[VOCAB_VIEWS];
    if (p && text_number_parse(l->s + p, l->len - p, &l->number) == NI_OK) return 1;
    const char *sp = memchr(l->s, ' ', l->len);
    if (!sp || vocab_classify(sp, l->len - (size_t)(sp - l->s)) != VOCAB_VIEWS) return 0;
    return text_number_parse(l->s, (size_t)(sp - l->s), &l->number) == NI_OK;
}

/* caption_line: "X- أرشيفية", "X (أرشيفية)", "Photo: X", "(Photo: X)". */
static int caption_line(const text_line *l, const size_t *pre)
{
    if (l->words > 30) return 0;
    size_t at = vocab_suffix_folded(l->s, l->len, l->fold, l->fold_len, VOCAB_CAPTION);
    for (size_t i = at; at && i < l->len && strchr(" -(|/,_", l->s[i]); i++)
        if (l->s[i] != ' ') return 1; /* a marked separator, not a plain space */
    size_t p = pre[VOCAB_CAPTION];
    return p && memchr(l->s, ':', p);
}

/* byline: "بقلم: ..." / "By ..." on a short line; English names start with a capital. */
static int byline(text_line *l, const size_t *pre)
{
    size_t p = pre[VOCAB_AUTHOR];
    if (!p || l->words > 12) return 0;
    unsigned char c = (unsigned char)l->s[p];
    if (c < 0x80 && !isupper(c)) return 0;
    l->rest = p;
    return 1;
}

/* has_digit: the folded line holds a digit (any script folds to ASCII): datelines, numbers and
 * counters all need one. */
static int has_digit(const text_line *l)
{
    for (size_t i = 0; i < l->fold_len; i++)
        if ((unsigned char)(l->fold[i] - '0') < 10) return 1;
    return 0;
}

/* classify: the kind of a trimmed line whose fold and word count are set; cheap tests first. */
static void classify(const vocab_chars *t, text_line *l)
{
    if (l->len == 0) {
        l->kind = TEXT_LINE_BLANK;
        return;
    }
    l->end_punct = ends_punct(t, l->s, l->len);
    size_t p, pre[VOCAB_KINDS] = {0};
    if (l->words > 40) { /* too long for a label, dateline or byline */
        l->kind = TEXT_LINE_TEXT;
        return;
    }
    vocab_prefix_all_folded(l->s, l->len, l->fold, l->fold_len, pre);
    int digit = has_digit(l);
    if (digit && extract_datetime_parse_line(l->s, l->len, &l->dt) == NI_OK)
        l->kind = TEXT_LINE_DATE;
    else if (is_url(l->s, l->len))
        l->kind = TEXT_LINE_URL;
    else if (digit && text_number_parse(l->s, l->len, &l->number) == NI_OK)
        l->kind = TEXT_LINE_NUMBER;
    else if (digit && l->words <= 4 && views_line(l, pre))
        l->kind = TEXT_LINE_VIEWS;
    else if ((l->label = vocab_classify_folded(l->len, l->fold, l->fold_len)) != VOCAB_NONE)
        l->kind = TEXT_LINE_LABEL;
    else if ((p = pre[VOCAB_RELATED]) && l->words <= 40)
        l->kind = TEXT_LINE_LABEL, l->label = VOCAB_RELATED, l->rest = p;
    else if ((p = pre[VOCAB_KEYWORDS]) && memchr(l->s, ':', p))
        l->kind = TEXT_LINE_LABEL, l->label = VOCAB_KEYWORDS, l->rest = p;
    else if (pre[VOCAB_SITE])
        l->kind = TEXT_LINE_LABEL, l->label = VOCAB_SITE;
    else if (caption_line(l, pre))
        l->kind = TEXT_LINE_CAPTION;
    else if (byline(l, pre))
        l->kind = TEXT_LINE_BYLINE;
    else if ((p = pre[VOCAB_WIDGET]) && l->words <= 20)
        l->kind = TEXT_LINE_WIDGET_BYLINE, l->rest = p;
    else
        l->kind = TEXT_LINE_TEXT;
}

/* unspaced_words: words of scripts written without spaces (Han, kana): one per two characters,
 * the run's first character already counted as a token. */
static int unspaced_words(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i + 2 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* U+3040..U+30FF (kana), U+3400..U+9FFF (Han): lead bytes E3 81..E3 83, E3 90..E9 BF */
        if (c == 0xE3 && (unsigned char)s[i + 1] >= 0x81 && (unsigned char)s[i + 1] <= 0x83)
            n++;
        else if ((c == 0xE3 && (unsigned char)s[i + 1] >= 0x90) || (c >= 0xE4 && c <= 0xE9))
            n++;
    }
    return n / 2;
}

/* fold_classify: folds line l into fold (2 * l->len + 1 bytes) and classifies it; only TEXT
 * lines keep their fold. Returns the bytes of fold used (0 when released). */
static size_t fold_classify(const vocab_chars *t, text_line *l, char *fold)
{
    l->fold = fold;
    l->fold_len = vocab_fold_words(l->s, l->len, fold, 2 * l->len + 1, &l->words);
    if ((size_t)l->words * 12 < l->len) l->words += unspaced_words(l->s, l->len); /* few spaces */
    classify(t, l);
    if (l->kind == TEXT_LINE_TEXT) return l->fold_len + 1;
    l->fold = NULL;
    l->fold_len = 0;
    return 0;
}

/* wrapped: lines v[0..n) are one hard-wrapped paragraph: all prose of >= 5 words, only the last
 * ending a sentence. */
static int wrapped(const text_line *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].kind != TEXT_LINE_TEXT || v[i].words < (i + 1 < n ? 5 : 1) ||
            v[i].end_punct != (i + 1 == n))
            return 0;
    return 1;
}

/* join: v[0] becomes the n lines joined by spaces (text and fold in one owned buffer); the
 * others become blank. */
static int join(const vocab_chars *t, text_line *v, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) len += v[i].len + 1;
    char *s = malloc(len + 2 * len + 1);
    if (!s) return NI_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(s + o, v[i].s, v[i].len);
        o += v[i].len;
        s[o++] = ' ';
        if (i) v[i] = (text_line){.s = v[i].s, .kind = TEXT_LINE_BLANK, .block = v[i].block};
    }
    v[0].own = s;
    v[0].s = s;
    v[0].len = o - 1;
    fold_classify(t, &v[0], s + len);
    return NI_OK;
}

int text_lines_split(const char *text, size_t len, text_lines *out)
{
    const vocab_chars *t = vocab_chars_get();
    size_t cap = 1, block = 0, used = 0;
    for (const char *nl = text; len && (nl = memchr(nl, '\n', (size_t)(text + len - nl))); nl++)
        cap++;
    *out = (text_lines){0};
    out->v = calloc(cap, sizeof *out->v);
    out->folds = malloc(2 * len + cap + 1);
    if (!out->v || !out->folds) {
        text_lines_free(out);
        return NI_ERR_NOMEM;
    }
    const char *s = text, *end = text + len;
    while (s < end || out->n == 0) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        text_line *l = &out->v[out->n++];
        l->s = s;
        l->len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        s += l->len + 1;
        trim(t, &l->s, &l->len);
        used += fold_classify(t, l, out->folds + used);
        if (l->kind == TEXT_LINE_BLANK && out->n > 1 && out->v[out->n - 2].kind != TEXT_LINE_BLANK)
            block++;
        l->block = (int)block;
        if (!nl) break;
    }
    for (size_t b = 0, e; b < out->n; b = e + 1) {
        for (e = b; e < out->n && out->v[e].kind != TEXT_LINE_BLANK;) e++;
        if (e - b >= 2 && wrapped(out->v + b, e - b) && join(t, out->v + b, e - b)) {
            text_lines_free(out);
            return NI_ERR_NOMEM;
        }
    }
    return NI_OK;
}

void text_lines_free(text_lines *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->v[i].own);
    free(t->v);
    free(t->folds);
    *t = (text_lines){0};
}
