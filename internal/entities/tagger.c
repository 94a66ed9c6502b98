/* tagger.c: the averaged-perceptron tagger at run time: the feature weight table, emission
 * scores and constrained Viterbi decoding over BIO tags. */
#include "entities/tagger_internal.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define STACK_WORDS 128 /* sentences up to this length are tagged without malloc */

ner_model *ner_model_new(size_t nfeat)
{
    ner_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    size_t slots = 16;
    while (slots < 2 * nfeat + 2) slots *= 2;
    m->slots = calloc(slots, sizeof *m->slots);
    m->w = calloc((nfeat + 1) * NER_NTAGS, sizeof *m->w);
    m->keys = calloc(nfeat + 1, sizeof *m->keys);
    if (!m->slots || !m->w || !m->keys) {
        ner_model_destroy(m);
        return NULL;
    }
    m->mask = slots - 1;
    m->rows = 1;
    m->cap = nfeat + 1;
    return m;
}

void ner_model_destroy(ner_model *m)
{
    if (!m) return;
    free(m->slots);
    free(m->w);
    free(m->keys);
    free(m);
}

/* find: the row of key, 0 when absent. */
static inline uint32_t find(const ner_model *m, uint64_t key)
{
    uint32_t fp = (uint32_t)(key >> 16);
    for (uint64_t s = key & m->mask;; s = (s + 1) & m->mask) {
        const ner_slot *sl = &m->slots[s];
        if (!sl->row) return 0;
        if (sl->fp == fp) return sl->row; /* low bits by position, high bits by fp */
    }
}

int ner_model_add(ner_model *m, uint64_t key, const int32_t *w)
{
    if (m->rows >= m->cap) return NI_ERR_NOMEM;
    uint64_t s = key & m->mask;
    for (; m->slots[s].row; s = (s + 1) & m->mask)
        if (m->keys[m->slots[s].row] == key) return NI_ERR_INVALID;
    size_t r = m->rows++;
    m->slots[s].fp = (uint32_t)(key >> 16);
    m->slots[s].row = (uint32_t)r;
    m->keys[r] = key;
    memcpy(m->w + r * NER_NTAGS, w, NER_NTAGS * sizeof *w);
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
    int64_t score[NER_NTAGS], next[NER_NTAGS];
    const int64_t NONE = INT64_MIN / 4;
    for (int t = 0; t < NER_NTAGS; t++)
        score[t] = ner_tag_allowed(NER_NTAGS, t) ? e[t] + trans[NER_NTAGS][t] : NONE;
    for (size_t i = 1; i < n; i++) {
        for (int t = 0; t < NER_NTAGS; t++) {
            int64_t best = NONE;
            int arg = 0;
            for (int p = 0; p < NER_NTAGS; p++) {
                if (!ner_tag_allowed(p, t) || score[p] == NONE) continue;
                int64_t s = score[p] + trans[p][t];
                if (s > best) best = s, arg = p;
            }
            next[t] = best == NONE ? NONE : best + e[i * NER_NTAGS + t];
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

/* emissions: the score of every tag at every position into e[n][NER_NTAGS]. */
static void emissions(const ner_model *m, const ner_word *ws, size_t n, int64_t *e)
{
    uint64_t keys[NER_MAX_FEATS];
    for (size_t i = 0; i < n; i++) {
        int32_t acc[NER_NTAGS] = {0};
        size_t k = ner_features(ws, n, i, keys);
        for (size_t j = 0; j < k; j++) {
            uint32_t r = find(m, keys[j]);
            if (!r) continue;
            const int32_t *w = m->w + (size_t)r * NER_NTAGS;
            for (int t = 0; t < NER_NTAGS; t++) acc[t] += w[t];
        }
        for (int t = 0; t < NER_NTAGS; t++) e[i * NER_NTAGS + t] = acc[t];
    }
}

int ner_model_tag(const ner_model *m, const char *const *words, const size_t *lens, size_t n,
                  const unsigned *gaz, ner_tag *tags, char *errstr, size_t errlen)
{
    if (!n) return NI_OK;
    ner_word ws_stack[STACK_WORDS];
    int64_t e_stack[STACK_WORDS * NER_NTAGS];
    uint8_t back_stack[STACK_WORDS * NER_NTAGS];
    ner_word *ws = ws_stack;
    int64_t *e = e_stack;
    uint8_t *back = back_stack;
    if (n > STACK_WORDS) {
        ws = malloc(n * sizeof *ws);
        e = malloc(n * NER_NTAGS * sizeof *e);
        back = malloc(n * NER_NTAGS);
        if (!ws || !e || !back) {
            free(ws), free(e), free(back);
            return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "tagger: out of memory (%zu words)", n);
        }
    }
    for (size_t i = 0; i < n; i++) ner_word_analyze(words[i], lens[i], gaz ? gaz[i] : 0, &ws[i]);
    emissions(m, ws, n, e);
    ner_viterbi(e, n, m->trans, back, tags);
    if (n > STACK_WORDS) free(ws), free(e), free(back);
    return NI_OK;
}
