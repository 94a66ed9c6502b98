/* score.c: exact-span scoring of predicted against gold BIO tags, CoNLL (conlleval) chunking, for
 * training's held-out passes and the evaluation tool. */
#include "entities/ner_train.h"

/* A chunk: [start, end) of type (1..4). */
typedef struct chunk {
    size_t start, end;
    int type;
} chunk;

static int tag_type(int t)
{
    return t == NER_O ? 0 : (t + 1) / 2;
}

/* next_chunk: the next chunk at or after *i in t[0..n) as conlleval reads it (an I-X after O or
 * another type starts a chunk); 0 when there is none. */
static int next_chunk(const ner_tag *t, size_t n, size_t *i, chunk *c)
{
    while (*i < n && t[*i] == NER_O) (*i)++;
    if (*i >= n) return 0;
    c->start = *i;
    c->type = tag_type(t[*i]);
    for ((*i)++; *i < n && t[*i] != NER_O && (t[*i] % 2 == 0) && tag_type(t[*i]) == c->type;)
        (*i)++;
    c->end = *i;
    return 1;
}

/* count: adds one chunk to the counts of its type and of all types. */
static void count(size_t *v, int type)
{
    v[0]++;
    v[type]++;
}

void ner_spans_score(const ner_tag *gold, const ner_tag *pred, size_t n, ner_span_counts *c)
{
    size_t gi = 0, pi = 0;
    chunk g, p;
    int hg = next_chunk(gold, n, &gi, &g), hp = next_chunk(pred, n, &pi, &p);
    while (hg || hp) {
        if (hg && hp && g.start == p.start && g.end == p.end && g.type == p.type) {
            count(c->tp, g.type);
            hg = next_chunk(gold, n, &gi, &g);
            hp = next_chunk(pred, n, &pi, &p);
        } else if (hg && (!hp || g.start < p.start || (g.start == p.start && g.end <= p.end))) {
            count(c->fn, g.type);
            hg = next_chunk(gold, n, &gi, &g);
        } else {
            count(c->fp, p.type);
            hp = next_chunk(pred, n, &pi, &p);
        }
    }
}

void ner_span_prf(const ner_span_counts *c, int k, double *p, double *r, double *f1)
{
    double tp = (double)c->tp[k], fp = (double)c->fp[k], fn = (double)c->fn[k];
    *p = tp + fp > 0 ? tp / (tp + fp) : 0;
    *r = tp + fn > 0 ? tp / (tp + fn) : 0;
    *f1 = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}
