/* tagger_clusters.c: the word cluster table the tagger's features read (train/clusters_read.c
 * reads its file):
 *
 *   news-ingest-ner-clusters 2
 *   bits 10
 *   words N                then N lines: 16 hex digits of the word's key (NER_H_LSTEM), a
 *                          space, its path (10 characters 0/1), its count in the training text,
 *                          how many of those occurrences were written with the article ال, and
 *                          one surface form (for reading; the key is what is looked up)
 *   checksum H             XXH3-64 (16 hex digits) of every byte before this line
 */
#include "tagger_internal.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

int ner_clusters_init(ner_clusters *x, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2) cap *= 2; /* load <= 1/2 */
    x->keys = calloc(cap, sizeof *x->keys);
    x->val = calloc(cap, sizeof *x->val);
    x->mask = cap - 1;
    x->n = 0;
    x->cap = n;
    if (x->keys && x->val) return NI_OK;
    ner_clusters_free(x);
    return NI_ERR_NOMEM;
}

void ner_clusters_free(ner_clusters *x)
{
    free(x->keys), free(x->val);
    memset(x, 0, sizeof *x);
}

static size_t cl_slot(const ner_clusters *x, uint64_t key)
{
    size_t s = (size_t)ner_mix64(key) & x->mask;
    while (x->val[s] && x->keys[s] != key) s = (s + 1) & x->mask;
    return s;
}

int ner_clusters_put(ner_clusters *x, uint64_t key, unsigned path, unsigned al)
{
    if (!x->val || path >= (1u << NER_CL_BITS) || al > 15) return NI_ERR_INVALID;
    size_t s = cl_slot(x, key);
    if (x->val[s]) return NI_ERR_INVALID;
    if (x->n >= x->cap) return NI_ERR_NOMEM;
    x->keys[s] = key, x->val[s] = (uint16_t)(NER_CL_KNOWN | al << NER_CL_AL_SHIFT | path), x->n++;
    return NI_OK;
}

uint16_t ner_clusters_get(const ner_clusters *x, uint64_t key)
{
    if (!x->n) return 0;
    uint16_t v = x->val[cl_slot(x, key)];
    return v ? v : NER_CL_UNKNOWN;
}

void ner_clusters_mark(const ner_clusters *x, ner_word *ws, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint16_t v = ner_clusters_get(x, ws[i].h[NER_H_LSTEM]);
        ws[i].cl = v & NER_CL_KNOWN ? (uint16_t)(v & (NER_CL_KNOWN | NER_CL_PATH)) : v;
        ws[i].al = v & NER_CL_KNOWN ? (uint8_t)(1 + (v >> NER_CL_AL_SHIFT & 15)) : 0;
    }
}
