/* kb_match.c: the KB matcher: at each token the longest KB name under any proclitic reading of
 * its first word, left to right, non-overlapping. */
#include "entities/kb.h"

#include "kb_internal.h"
#include "normalize/normalize.h"
#include "tokens_internal.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

int ner_text_has_bracket(const char *s, size_t len)
{
    for (int32_t i = 0, n = (int32_t)len; i < n;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) continue;
        int8_t t = u_charType(c);
        if (t == U_START_PUNCTUATION || t == U_END_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
            t == U_FINAL_PUNCTUATION || u_hasBinaryProperty(c, UCHAR_QUOTATION_MARK))
            return 1;
    }
    return 0;
}

/* The normalized whole words of a field's tokens (clitics kept); own[i] when keys[i] was made
 * here (else it is the token's own norm). */
typedef struct word_keys {
    char **keys;
    unsigned char *own;
    size_t n;
} word_keys;

static void word_keys_free(word_keys *w)
{
    for (size_t i = 0; w->keys && i < w->n; i++)
        if (w->own[i]) free(w->keys[i]);
    free(w->keys);
    free(w->own);
}

static int word_keys_fill(word_keys *w, const ner_tokens *toks, char *errstr, size_t errlen)
{
    w->n = 0;
    w->keys = calloc(toks->n + 1, sizeof *w->keys);
    w->own = calloc(toks->n + 1, 1);
    if (!w->keys || !w->own) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < toks->n; i++, w->n++) {
        const ner_token *t = &toks->v[i];
        if (!t->prefixes) {
            w->keys[i] = t->norm;
            continue;
        }
        int rc = normalize_search_text(t->surface, t->surface_len, &w->keys[i], errstr, errlen);
        if (rc) return rc;
        w->own[i] = 1;
    }
    return NI_OK;
}

/* same_text: s[0..n) is exactly the NUL-terminated x. */
static int same_text(const char *s, size_t n, const char *x)
{
    return strlen(x) == n && !memcmp(s, x, n);
}

/* name_fits: nm's words 1.. are the whole words of the tokens after i (same sentence), and the
 * words that must keep their capitals have them (first[0..first_len): the first word as read). */
static int name_fits(const kb_name *nm, const ner_tokens *toks, const word_keys *w, size_t i,
                     const char *first, size_t first_len)
{
    if (i + nm->ntok > toks->n) return 0;
    if (nm->exact && nm->exact[0] && !same_text(first, first_len, nm->exact[0])) return 0;
    for (uint32_t j = 1; j < nm->ntok; j++) {
        const ner_token *t = &toks->v[i + j], *p = t - 1;
        if (t->sentence_start || strcmp(w->keys[i + j], nm->keys[j])) return 0;
        const char *gap = p->surface + p->surface_len;
        if (t->surface > gap && ner_text_has_bracket(gap, (size_t)(t->surface - gap))) return 0;
        if (nm->exact && nm->exact[j] && !same_text(t->surface, t->surface_len, nm->exact[j]))
            return 0;
    }
    return 1;
}

/* reading_key: the name key of reading r of the word whose normalized form is word: a suffix of
 * it, or "ا" + suffix in buf. NULL when the stripped letters are not two-byte Arabic letters. */
static const char *reading_key(const char *word, const ner_clitic_reading *r, char *buf, size_t cap,
                               size_t *len)
{
    size_t wl = strlen(word), skip = 2 * (size_t)r->key_at;
    if (skip > wl) return NULL;
    for (size_t q = 0; q < skip; q += 2)
        if ((unsigned char)word[q] < 0xD8 || (unsigned char)word[q] > 0xDB) return NULL;
    *len = wl - skip;
    if (!r->alef) return word + skip;
    if (*len + 3 > cap) return NULL;
    memcpy(buf, "\xD8\xA7", 2);
    memcpy(buf + 2, word + skip, *len + 1);
    *len += 2;
    return buf;
}

/* The best name found at one token. */
typedef struct best {
    const kb_name *name;
    ner_clitic_reading r;
} best;

/* best_at: the longest name starting at token i (readings with fewer letters stripped win ties). */
static best best_at(const ner_kb *kb, const ner_tokens *toks, const word_keys *w, size_t i,
                    const ner_letters *L)
{
    ner_clitic_reading r[16];
    best b = {0};
    char buf[512];
    int nr = ner_clitic_readings(L, r, 16);
    for (int k = 0; k < nr; k++) {
        size_t len;
        const char *key = reading_key(w->keys[i], &r[k], buf, sizeof buf, &len);
        const kb_group *g = key ? kb_group_find(kb, key, len) : NULL;
        for (uint32_t x = g ? g->begin : 0; g && x < g->end; x++) {
            const kb_name *nm = &kb->names[x];
            if (b.name && nm->ntok <= b.name->ntok) break;
            const ner_token *t = &toks->v[i];
            size_t at = r[k].key_at ? L->at[r[k].key_at] : 0;
            if (name_fits(nm, toks, w, i, t->surface + at, t->surface_len - at)) {
                b = (best){nm, r[k]};
                break;
            }
        }
    }
    return b;
}

/* span_of: the match of name b at tokens [i, i + ntok) with its span. */
static ner_kb_match span_of(const ner_kb *kb, const ner_tokens *toks, size_t i, const best *b,
                            const ner_letters *L)
{
    const ner_token *t0 = &toks->v[i], *tl = &toks->v[i + b->name->ntok - 1];
    size_t scp = t0->start; /* code point where the whole first word starts */
    for (int32_t q = 0, n = (int32_t)(t0->text - t0->surface); q < n; scp--)
        U8_FWD_1(t0->surface, q, n);
    size_t off = b->r.span_at ? L->at[b->r.span_at] : 0;
    size_t cp = b->r.span_at ? L->cp[b->r.span_at] : 0;
    const char *text = t0->surface + off;
    return (ner_kb_match){.first = i,
                          .last = i + b->name->ntok,
                          .entry = &kb->entries[b->name->entry],
                          .start = scp + cp,
                          .end = tl->end,
                          .text = text,
                          .len = (size_t)(tl->text + tl->len - text)};
}

int ner_kb_find(const ner_kb *kb, const ner_tokens *toks, ner_kb_match **out, size_t *n,
                char *errstr, size_t errlen)
{
    *out = NULL;
    *n = 0;
    word_keys w = {0};
    size_t cap = 0;
    int rc = word_keys_fill(&w, toks, errstr, errlen);
    for (size_t i = 0; !rc && i < toks->n;) {
        ner_letters L;
        ner_letters_scan(toks->v[i].surface, toks->v[i].surface_len, &L);
        best b = best_at(kb, toks, &w, i, &L);
        if (!b.name) {
            i++;
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            ner_kb_match *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
                break;
            }
            *out = v;
        }
        (*out)[(*n)++] = span_of(kb, toks, i, &b, &L);
        i += b.name->ntok;
    }
    word_keys_free(&w);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
