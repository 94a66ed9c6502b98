/* tags.c: the BIO tag names of the entity tagger and their parsing (PERS accepted as PER). */
#include "entities/ner.h"
#include "tagger_internal.h"

#include <string.h>

static const char *const tag_names[NER_NTAGS] = {"O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
                                                 "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

const char *ner_tag_name(ner_tag t)
{
    return (unsigned)t < NER_NTAGS ? tag_names[t] : "O";
}

/* type_index: 0 PER, 1 ORG, 2 LOC, 3 MISC for the type name s[0..len), else -1. */
static int type_index(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int type;
    } types[] = {{"PER", 0}, {"PERS", 0}, {"ORG", 1}, {"LOC", 2}, {"MISC", 3}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].name) == len && !memcmp(types[i].name, s, len)) return types[i].type;
    return -1;
}

int ner_tag_parse(const char *s, size_t len)
{
    if (!s) return -1;
    if (len == 1 && s[0] == 'O') return NER_O;
    if (len < 3 || (s[0] != 'B' && s[0] != 'I') || s[1] != '-') return -1;
    int type = type_index(s + 2, len - 2);
    if (type < 0) return -1;
    return 1 + 2 * type + (s[0] == 'I');
}

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
