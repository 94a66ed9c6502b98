/* tagger.c: the averaged-perceptron tagger at run time: the feature weight table, emission
 * scores and constrained Viterbi decoding over BIO tags. */
#include "entities/kb.h"
#include "tagger_internal.h"
#include "tagger_mem.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STACK_WORDS 128 /* sentences up to this length are tagged without malloc */

ner_model *ner_model_new(size_t nfeat)
{
    ner_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    size_t slots = 16;
    while (slots < nfeat + nfeat / 2 + 1) slots *= 2; /* load <= 2/3 */
    m->slots = ner_table_calloc(slots, sizeof *m->slots);
    m->keys = calloc(slots, sizeof *m->keys);
    if (!m->slots || !m->keys) {
        ner_model_destroy(m);
        return NULL;
    }
    m->mask = slots - 1;
    m->cap = nfeat;
    m->conf_scale = NER_CONF_SCALE;
    return m;
}

void ner_model_destroy(ner_model *m)
{
    if (!m) return;
    free(m->slots);
    free(m->keys);
    ner_lex_free(&m->lex);
    ner_clusters_free(&m->cl);
    ner_lex_free(&m->gz);
    free(m);
}

static inline uint32_t fingerprint(uint64_t key)
{
    return (uint32_t)(key >> 16) | 1u;
}

/* find: the slot of key, NULL when absent (fingerprint and position: 47 bits of the key). */
static inline const ner_slot *find(const ner_model *m, uint64_t key)
{
    uint32_t fp = fingerprint(key);
    for (uint64_t s = key & m->mask;; s = (s + 1) & m->mask) {
        const ner_slot *sl = &m->slots[s];
        if (sl->fp == fp) return sl;
        if (!sl->fp) return NULL;
    }
}

int ner_model_add(ner_model *m, uint64_t key, const int32_t *w)
{
    if (m->n >= m->cap) return NI_ERR_NOMEM;
    for (int t = 0; t < NER_NTAGS; t++)
        if (w[t] > NER_MAX_WEIGHT || w[t] < -NER_MAX_WEIGHT) return NI_ERR_INVALID;
    uint64_t s = key & m->mask;
    for (; m->slots[s].fp; s = (s + 1) & m->mask)
        if (m->keys[s] == key || m->slots[s].fp == fingerprint(key)) return NI_ERR_INVALID;
    m->slots[s].fp = fingerprint(key);
    for (int t = 0; t < NER_NTAGS; t++) m->slots[s].w[t] = (int16_t)w[t];
    m->keys[s] = key;
    m->n++;
    return NI_OK;
}

int ner_tag_allowed(int prev, int cur)
{
    if (cur == NER_O || cur % 2 == 1) return 1; /* O and B-X follow anything */
    return prev == cur || prev == cur - 1;      /* I-X only after B-X or I-X */
}

void ner_viterbi(const int64_t *e, size_t n, const int32_t trans[NER_NTAGS + 1][NER_NTAGS],
                 uint8_t *back, ner_tag *tags)
{
    const int64_t NONE = -((int64_t)1 << 50); /* disallowed: never the best once any is allowed */
    int64_t tr[NER_NTAGS + 1][NER_NTAGS], score[NER_NTAGS], next[NER_NTAGS];
    for (int p = 0; p <= NER_NTAGS; p++)
        for (int t = 0; t < NER_NTAGS; t++) tr[p][t] = ner_tag_allowed(p, t) ? trans[p][t] : NONE;
    for (int t = 0; t < NER_NTAGS; t++) score[t] = e[t] + tr[NER_NTAGS][t];
    for (size_t i = 1; i < n; i++) {
        for (int t = 0; t < NER_NTAGS; t++) {
            int64_t best = score[0] + tr[0][t];
            int arg = 0;
            for (int p = 1; p < NER_NTAGS; p++) {
                int64_t s = score[p] + tr[p][t];
                if (s > best) best = s, arg = p;
            }
            next[t] = best + e[i * NER_NTAGS + t];
            back[i * NER_NTAGS + t] = (uint8_t)arg;
        }
        memcpy(score, next, sizeof score);
    }
    int best = 0;
    for (int t = 1; t < NER_NTAGS; t++)
        if (score[t] > score[best]) best = t;
    for (size_t i = n; i-- > 0;) {
        tags[i] = (ner_tag)best;
        if (i) best = back[i * NER_NTAGS + best];
    }
}

/* Eight int16 lanes (GCC/Clang vector extension): one add for the first eight tags' weights. */
typedef int16_t ner_v8 __attribute__((vector_size(16)));
_Static_assert(NER_NTAGS == 9, "emissions adds tags 0..7 as one vector and tag 8 alone");

/* emissions: the score of every tag at every position into e[n][NER_NTAGS]. */
static void emissions(const ner_model *m, const ner_word *ws, size_t n, int64_t *e)
{
    uint64_t keys[NER_MAX_FEATS];
    for (size_t i = 0; i < n; i++) {
        /* |sum| <= NER_MAX_FEATS * NER_MAX_WEIGHT: int16 lanes, the first 8 tags in one vector */
        ner_v8 acc = {0};
        int16_t last = 0;
        size_t k = ner_features(ws, n, i, keys);
        for (size_t j = 0; j < k; j++) {
            const ner_slot *sl = find(m, keys[j]);
            if (!sl) continue;
            ner_v8 w;
            memcpy(&w, sl->w, sizeof w);
            acc += w;
            last = (int16_t)(last + sl->w[8]);
        }
        for (int t = 0; t < 8; t++) e[i * NER_NTAGS + t] = acc[t];
        e[i * NER_NTAGS + 8] = last;
    }
}

/* span_conf: for the spans of tags (any BIO sequence), the probability of exactly that span under
 * p(tags) proportional to exp(score / scale) (forward-backward over the emissions e and
 * the transitions, scaled per position), into conf[i] of each of its words; 0 for O words. fb is
 * scratch of 2 * n * NER_NTAGS + n doubles. */
static void span_conf(const int64_t *e, size_t n, const int32_t trans[NER_NTAGS + 1][NER_NTAGS],
                      double scale, const ner_tag *tags, double *fb, double *conf)
{
    enum { T = NER_NTAGS };
    double tr[T + 1][T], *al = fb, *be = fb + n * T, *E = be, *c = fb + 2 * n * T;
    int pre[T][T], npre[T] = {0}, suc[T][T], nsuc[T] = {0}; /* allowed, in ascending order */
    for (int p = 0; p <= T; p++)
        for (int t = 0; t < T; t++) tr[p][t] = ner_tag_allowed(p, t) ? exp(trans[p][t] / scale) : 0;
    for (int p = 0; p < T; p++)
        for (int t = 0; t < T; t++)
            if (ner_tag_allowed(p, t)) pre[t][npre[t]++] = p, suc[p][nsuc[p]++] = t;
    for (size_t i = 0; i < n; i++) { /* emissions into be (overwritten from the end below) */
        int64_t mx = e[i * T];
        for (int t = 1; t < T; t++) mx = e[i * T + t] > mx ? e[i * T + t] : mx;
        for (int t = 0; t < T; t++) E[i * T + t] = exp((double)(e[i * T + t] - mx) / scale);
    }
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int t = 0; t < T; t++) {
            double a = 0;
            if (!i)
                a = tr[T][t];
            else /* disallowed transitions (tr 0) add exactly nothing: skipped */
                for (int k = 0; k < npre[t]; k++)
                    a += al[(i - 1) * T + pre[t][k]] * tr[pre[t][k]][t];
            sum += al[i * T + t] = a * E[i * T + t];
        }
        c[i] = sum > 0 ? sum : 1e-300;
        for (int t = 0; t < T; t++) al[i * T + t] /= c[i];
    }
    /* backward, in place of E: be[i] needs E[i + 1] and be[i + 1]; keep E[i + 1] in ep */
    double ep[T], bn[T];
    for (int t = 0; t < T; t++) ep[t] = E[(n - 1) * T + t], be[(n - 1) * T + t] = 1;
    for (size_t i = n - 1; i-- > 0;) {
        for (int q = 0; q < T; q++) bn[q] = ep[q] * be[(i + 1) * T + q] / c[i + 1];
        for (int t = 0; t < T; t++) ep[t] = E[i * T + t];
        for (int t = 0; t < T; t++) {
            double b = 0;
            for (int k = 0; k < nsuc[t]; k++) b += tr[t][suc[t][k]] * bn[suc[t][k]];
            be[i * T + t] = b;
        }
    }
    /* be now holds beta; the emissions E[i] for i > a are needed again: recompute per span */
    for (size_t a = 0; a < n;) {
        int t = tags[a];
        if (t == NER_O || t % 2 == 0) { /* O, or an I-X without its B-X: no span */
            conf[a++] = 0;
            continue;
        }
        size_t b = a + 1;
        while (b < n && (int)tags[b] == t + 1) b++;
        double p = al[a * T + t], mx;
        int prev = t;
        for (size_t i = a + 1; i < b; i++) {
            mx = (double)e[i * T];
            for (int k = 1; k < T; k++) mx = (double)e[i * T + k] > mx ? (double)e[i * T + k] : mx;
            p *= tr[prev][t + 1] * exp(((double)e[i * T + t + 1] - mx) / scale) / c[i];
            prev = t + 1;
        }
        if (b < n) {
            mx = (double)e[b * T];
            for (int k = 1; k < T; k++) mx = (double)e[b * T + k] > mx ? (double)e[b * T + k] : mx;
            double end = 0;
            for (int q = 0; q < T; q++)
                if (q != t + 1)
                    end += tr[prev][q] * exp(((double)e[b * T + q] - mx) / scale) * be[b * T + q];
            p *= end / c[b];
        }
        p = p < 0 ? 0 : p > 1 ? 1 : p;
        for (size_t i = a; i < b; i++) conf[i] = p;
        a = b;
    }
}

/* fnv2: the hash of a two-letter ending as ner_word_analyze computes it (NER_H_SUF1 + 1). */
static uint64_t fnv2(uint32_t a, uint32_t b)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = (h ^ a) * 0x100000001b3ULL;
    return (h ^ b) * 0x100000001b3ULL;
}

/* ordinary_words: a one-word span on a word the unlabelled text shows is an ordinary noun or
 * adjective (written with and without the article ال: between NER_ORDINARY_LO and
 * NER_ORDINARY_HI fifteenths of its occurrences), that neither the KB nor the names seen in
 * training know, is no name (الثأر، مسؤولون سابقون). Kept: a word right after a title, place or
 * organization word (وكالة أعماق، مدينة X), and a person's one-word name unless it has a plural
 * ending (ون، ين): first names are often ordinary words (سلوى، بدر، شمس). */
static void ordinary_words(const ner_word *ws, size_t n, ner_tag *tags)
{
    const uint64_t un = fnv2(0x0648, 0x0646), in = fnv2(0x064A, 0x0646); /* ون، ين */
    for (size_t i = 0; i < n; i++) {
        if (tags[i] == NER_O || tags[i] % 2 == 0 || (i + 1 < n && tags[i + 1] == tags[i] + 1))
            continue;
        if (i && ws[i - 1].trigger && ws[i - 1].trigger != NER_TRIG_SAY) continue; /* وكالة X */
        uint64_t end = ws[i].h[NER_H_SUF1 + 1];
        if (tags[i] == NER_B_PER && end != un && end != in) continue;
        unsigned al = ws[i].al;
        if (al > NER_ORDINARY_LO && al <= NER_ORDINARY_HI + 1 && !ws[i].gaz && !ws[i].lex)
            tags[i] = NER_O;
    }
}

int ner_model_tag_conf(const ner_model *m, const char *const *words, const size_t *lens, size_t n,
                       const unsigned *gaz, ner_tag *tags, double *conf, char *errstr,
                       size_t errlen)
{
    if (!n) return NI_OK;
    ner_word ws_stack[STACK_WORDS];
    int64_t e_stack[STACK_WORDS * NER_NTAGS];
    uint8_t back_stack[STACK_WORDS * NER_NTAGS];
    ner_word *ws = ws_stack;
    int64_t *e = e_stack;
    uint8_t *back = back_stack;
    double *fb = conf ? malloc((2 * NER_NTAGS + 1) * n * sizeof *fb) : NULL;
    if (n > STACK_WORDS) {
        ws = malloc(n * sizeof *ws);
        e = malloc(n * NER_NTAGS * sizeof *e);
        back = malloc(n * NER_NTAGS);
    }
    if (!ws || !e || !back || (conf && !fb)) {
        if (n > STACK_WORDS) free(ws), free(e), free(back);
        free(fb);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "tagger: out of memory (%zu words)", n);
    }
    for (size_t i = 0; i < n; i++) ner_word_analyze(words[i], lens[i], gaz ? gaz[i] : 0, &ws[i]);
    ner_lex_mark(&m->lex, ws, n);
    ner_clusters_mark(&m->cl, ws, n);
    ner_gaz_mark(&m->gz, ws, n);
    emissions(m, ws, n, e);
    ner_viterbi(e, n, m->trans, back, tags);
    ordinary_words(ws, n, tags);
    if (conf) span_conf(e, n, m->trans, m->conf_scale, tags, fb, conf);
    free(fb);
    if (n > STACK_WORDS) free(ws), free(e), free(back);
    return NI_OK;
}

void ner_model_set_conf_scale(ner_model *m, double scale)
{
    if (scale > 0) m->conf_scale = scale;
}

int ner_model_tag(const ner_model *m, const char *const *words, const size_t *lens, size_t n,
                  const unsigned *gaz, ner_tag *tags, char *errstr, size_t errlen)
{
    return ner_model_tag_conf(m, words, lens, n, gaz, tags, NULL, errstr, errlen);
}

/* gaz_bit: the NER_GAZ_* bit of a KB type name (0 for an unknown one). */
static unsigned gaz_bit(const char *type)
{
    static const char *names[] = {"PER", "ORG", "LOC", "MISC"};
    for (unsigned k = 0; k < 4; k++)
        if (type && !strcmp(type, names[k])) return 1u << k;
    return 0;
}

/* word_at: the index of the word whose code point range holds cp (starts[0..n) ascending). */
static size_t word_at(const size_t *starts, size_t n, size_t cp)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (starts[mid] <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* mark: the hints of the KB matches in the words joined in text (word starts in starts). */
static int mark(const ner_kb *kb, const char *text, size_t len, const size_t *starts, size_t n,
                unsigned *gaz, char *errstr, size_t errlen)
{
    ner_tokens toks = {0};
    ner_kb_match *ms = NULL;
    size_t nm = 0;
    int rc = ner_tokenize(text, len, &toks, errstr, errlen);
    if (!rc) rc = ner_kb_find(kb, &toks, &ms, &nm, errstr, errlen);
    for (size_t i = 0; !rc && i < nm; i++) {
        unsigned bit = gaz_bit(ms[i].entry->type);
        size_t a = word_at(starts, n, toks.v[ms[i].first].start);
        size_t b = word_at(starts, n, toks.v[ms[i].last - 1].start);
        if (!bit) continue;
        gaz[a] |= NER_GAZ_BEGIN;
        for (size_t w = a; w <= b; w++) gaz[w] |= bit;
    }
    free(ms);
    ner_tokens_free(&toks);
    return rc;
}

int ner_words_gaz(const ner_kb *kb, const char *const *words, const size_t *lens, size_t n,
                  unsigned *gaz, char *errstr, size_t errlen)
{
    size_t bytes = n + 1;
    for (size_t i = 0; i < n; i++) bytes += lens[i];
    char *text = malloc(bytes);
    size_t *starts = malloc((n + 1) * sizeof *starts);
    if (!text || !starts) {
        free(text), free(starts);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "tagger: out of memory (%zu words)", n);
    }
    size_t len = 0, cps = 0;
    for (size_t i = 0; i < n; i++) {
        gaz[i] = 0;
        starts[i] = cps;
        for (size_t j = 0; j < lens[i]; j++) /* code points: bytes that do not continue one */
            if (((unsigned char)words[i][j] & 0xC0) != 0x80) cps++;
        memcpy(text + len, words[i], lens[i]);
        len += lens[i];
        text[len++] = ' ', cps++;
    }
    int rc = n ? mark(kb, text, len, starts, n, gaz, errstr, errlen) : NI_OK;
    free(text), free(starts);
    return rc;
}
