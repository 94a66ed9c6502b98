/* metrics.c: the scoring shared by the evaluators (AEB shingle matching, token F1, gz reading). */
#include "eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>
#include <zlib.h>

typedef struct tokens {
    uint64_t *h; /* hash of each token */
    size_t n, cap;
} tokens;

static int is_word(UChar32 c)
{
    return c == '_' || (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

/* tokenize: hashes of the runs of word characters in s. */
static tokens tokenize(const char *s)
{
    tokens t = {0};
    int32_t len = (int32_t)strlen(s), i = 0, start = -1;
    while (i <= len) {
        int32_t at = i;
        UChar32 c = 0;
        if (i < len)
            U8_NEXT(s, i, len, c);
        else
            i++;
        int w = at < len && c >= 0 && is_word(c);
        if (w && start < 0) start = at;
        if (!w && start >= 0) {
            if (t.n == t.cap) {
                t.cap = t.cap ? t.cap * 2 : 256;
                t.h = realloc(t.h, t.cap * sizeof *t.h);
            }
            t.h[t.n++] = XXH3_64bits(s + start, (size_t)(at - start));
            start = -1;
        }
    }
    return t;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* grams: sorted hashes of the n-grams of t (a text shorter than n is one shingle, as in AEB). */
static uint64_t *grams(const tokens *t, int n, size_t *count)
{
    size_t k = t->n == 0 ? 0 : (t->n >= (size_t)n ? t->n - (size_t)n + 1 : 1);
    uint64_t *g = malloc((k ? k : 1) * sizeof *g);
    for (size_t i = 0; i < k; i++) {
        size_t m = t->n - i < (size_t)n ? t->n - i : (size_t)n;
        g[i] = XXH3_64bits_withSeed(t->h + i, m * sizeof *t->h, 0);
    }
    qsort(g, k, sizeof *g, cmp_u64);
    *count = k;
    return g;
}

/* match: tp/fp/fn between two sorted multisets. */
static eval_counts match(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            common++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    eval_counts c = {(double)common, (double)(nb - common), (double)(na - common)};
    return c;
}

eval_counts eval_shingles(const char *truth, const char *pred, int n)
{
    tokens tt = tokenize(truth ? truth : ""), tp = tokenize(pred ? pred : "");
    size_t na, nb;
    uint64_t *a = grams(&tt, n, &na), *b = grams(&tp, n, &nb);
    eval_counts c = match(a, na, b, nb);
    double s = c.tp + c.fp + c.fn;
    if (s > 0) c.tp /= s, c.fp /= s, c.fn /= s;
    free(a), free(b), free(tt.h), free(tp.h);
    return c;
}

double eval_token_f1(const char *truth, const char *pred)
{
    tokens tt = tokenize(truth ? truth : ""), tp = tokenize(pred ? pred : "");
    size_t na, nb;
    uint64_t *a = grams(&tt, 1, &na), *b = grams(&tp, 1, &nb);
    eval_counts c = match(a, na, b, nb);
    free(a), free(b), free(tt.h), free(tp.h);
    if (na == 0 && nb == 0) return 1.0;
    if (c.tp == 0) return 0.0;
    double p = c.tp / (c.tp + c.fp), r = c.tp / (c.tp + c.fn);
    return 2 * p * r / (p + r);
}

static double score(double tp, double other)
{
    return tp + other > 0 ? tp / (tp + other) : 0.0;
}

eval_prf eval_prf_mean(const eval_counts *pages, size_t n)
{
    double ps = 0, rs = 0;
    size_t pn = 0, rn = 0;
    for (size_t i = 0; i < n; i++) {
        const eval_counts *c = &pages[i];
        int none = c->fp == 0 && c->fn == 0;
        if (c->tp + c->fp > 0) ps += none ? 1.0 : score(c->tp, c->fp), pn++;
        if (c->tp + c->fn > 0) rs += none ? 1.0 : score(c->tp, c->fn), rn++;
    }
    eval_prf m = {pn ? ps / (double)pn : 0, rn ? rs / (double)rn : 0, 0};
    if (m.precision + m.recall > 0) m.f1 = 2 * m.precision * m.recall / (m.precision + m.recall);
    return m;
}

char *eval_read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int r;
    while (buf && (r = gzread(f, buf + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)r;
        if (n + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    gzclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}
