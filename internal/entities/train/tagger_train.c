/* tagger_train.c: averaged structured perceptron training (Collins 2002) on a CoNLL file, with
 * Viterbi decoding under the BIO constraints, lazy averaging, a seeded sentence order, optional
 * held-out scoring per pass, and integer quantization of the averaged weights. */
#include "entities/kb.h"
#include "entities/ner_train.h"
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCALE 10.0 /* averaged weights are stored as round(w * SCALE) */
#define MAX_CORPUS_BYTES (512u << 20)

/* The corpus: tokens in file order, sentences as [start, end) token ranges. */
typedef struct corpus {
    char *buf;
    char *abuf; /* the second corpus's text (ner_train_opts.aux_path) */
    const char **word;
    size_t *len;
    ner_tag *gold;  /* as written */
    ner_tag *train; /* gold with an I-X that cannot follow its predecessor turned into B-X */
    unsigned *gaz;  /* knowledge-base hints of each token (NULL: none) */
    size_t ntok, cap;
    size_t *sent; /* nsent + 1 start offsets */
    size_t nsent, scap;
    size_t nmain; /* sentences of the main corpus; those after it are the second corpus's */
} corpus;

#define LEX_FOLDS 5 /* the training lexicon features of a block come from the other blocks */

/* The trainer's state: per-token feature ids, lazily allocated weight rows. */
typedef struct trainer {
    const corpus *c;
    size_t ntrain;         /* sentences trained on */
    size_t dev_lo, dev_hi; /* the held-out sentences [dev_lo, dev_hi) */
    size_t window;         /* their document consistency window */
    uint64_t *fkeys;       /* key of each feature id */
    uint32_t *frow;        /* weight row of each feature id, 0 = never updated */
    size_t nfeat, fcap;
    uint64_t *map; /* open addressing: key -> id + 1 in the low 32 bits of mapv */
    uint32_t *mapv;
    size_t mapcap;
    size_t *toff; /* features of token i: fid[toff[i] .. toff[i + 1]) */
    uint32_t *fid;
    int32_t *w; /* rows x NER_NTAGS current weights */
    int64_t *u; /* rows x NER_NTAGS sums of c * update, for averaging */
    size_t rows, rcap;
    int32_t tw[NER_NTAGS + 1][NER_NTAGS];
    int64_t tu[NER_NTAGS + 1][NER_NTAGS];
    int64_t step;
    uint64_t seed, drop; /* drop: dropout probability times 2^53 */
    uint64_t gaz_drop;   /* hint dropout probability (per sentence) times 2^53 */
    ner_word *ws;        /* every token analyzed, lexicon marks jackknifed */
    double *acc;         /* rows x NER_NTAGS sums of the members' averaged weights */
    size_t acc_rows;
    double tacc[NER_NTAGS + 1][NER_NTAGS];
    int members;     /* members summed in acc (0: the model is the current run's average) */
    ner_lex lex;     /* the lexicon of all training sentences (the model's) */
    ner_clusters cl; /* word clusters (the model's; may be empty) */
    ner_lex gz;      /* gazetteer names (the model's; may be empty) */
    int use_lex;
    int o_bias;
    uint8_t *fdom; /* with a second corpus: 0 a shared feature, 1/2 its copy for corpus 1/2 */
} trainer;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return NI_OK;
    size_t n = *cap ? *cap : 1024;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * size);
    if (!q) return NI_ERR_NOMEM;
    *p = q;
    *cap = n;
    return NI_OK;
}

/* ---- reading ---------------------------------------------------------------------------- */

static void corpus_free(corpus *c)
{
    free(c->buf), free(c->word), free(c->len), free(c->gold), free(c->train), free(c->sent);
    free(c->abuf);
    free(c->gaz);
}

static int add_sentence_end(corpus *c)
{
    if (c->sent[c->nsent] == c->ntok) return NI_OK; /* no empty sentences */
    if (grow((void **)&c->sent, &c->scap, c->nsent + 3, sizeof *c->sent)) return NI_ERR_NOMEM;
    c->sent[++c->nsent] = c->ntok;
    return NI_OK;
}

/* add_token: "WORD ... TAG" (first and last whitespace-separated fields). */
static int add_token(corpus *c, char *l, const char *path, size_t line, char *errstr, size_t errlen)
{
    size_t wl = strcspn(l, " \t");
    char *end = l + strlen(l), *t = end;
    while (t > l && t[-1] != ' ' && t[-1] != '\t') t--;
    int tag = t > l + wl ? ner_tag_parse(t, (size_t)(end - t)) : -1;
    if (tag < 0)
        return ni_err_set(errstr, errlen, NI_ERR_PARSE,
                          "%s:%zu: expected \"WORD TAG\" (TAG O, "
                          "B-X or I-X with X PER/PERS/ORG/LOC/MISC)",
                          path, line);
    size_t need = c->ntok + 1;
    size_t cap = c->cap;
    if (grow((void **)&c->word, &cap, need, sizeof *c->word)) return NI_ERR_NOMEM;
    cap = c->cap;
    if (grow((void **)&c->len, &cap, need, sizeof *c->len)) return NI_ERR_NOMEM;
    cap = c->cap;
    if (grow((void **)&c->gold, &cap, need, sizeof *c->gold)) return NI_ERR_NOMEM;
    cap = c->cap;
    if (grow((void **)&c->train, &cap, need, sizeof *c->train)) return NI_ERR_NOMEM;
    c->cap = cap;
    l[wl] = '\0';
    c->word[c->ntok] = l;
    c->len[c->ntok] = wl;
    c->gold[c->ntok] = (ner_tag)tag;
    int prev = c->ntok > c->sent[c->nsent] ? c->train[c->ntok - 1] : NER_NTAGS;
    c->train[c->ntok] = ner_tag_allowed(prev, tag) ? (ner_tag)tag : (ner_tag)(tag - 1);
    c->ntok++;
    return NI_OK;
}

static int corpus_read(corpus *c, const char *path, char *errstr, size_t errlen)
{
    size_t len = 0;
    char err[256], **buf = c->buf ? &c->abuf : &c->buf; /* a second file appends */
    if (util_file_read(path, MAX_CORPUS_BYTES, buf, &len, err, sizeof err))
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot read: %s", path, err);
    if (grow((void **)&c->sent, &c->scap, c->nsent + 2, sizeof *c->sent)) return NI_ERR_NOMEM;
    if (!c->nsent) c->sent[0] = 0;
    size_t line = 0, first = c->nsent;
    for (char *p = *buf, *nl; p < *buf + len; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(*buf + len - p));
        if (!nl) nl = *buf + len;
        *nl = '\0';
        line++;
        if (nl > p && nl[-1] == '\r') nl[-1] = '\0';
        char *l = p + strspn(p, " \t");
        int rc = *l ? add_token(c, l, path, line, errstr, errlen) : add_sentence_end(c);
        if (rc == NI_ERR_NOMEM) return ni_err_set(errstr, errlen, rc, "%s: out of memory", path);
        if (rc) return rc;
    }
    if (add_sentence_end(c)) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    if (c->nsent == first) return ni_err_set(errstr, errlen, NI_ERR_PARSE, "%s: no tokens", path);
    return NI_OK;
}

/* corpus_hints: the KB hints of every sentence, as the annotator computes them. */
static int corpus_hints(corpus *c, const char *kb_path, char *errstr, size_t errlen)
{
    ner_kb *kb = ner_kb_load(kb_path, errstr, errlen);
    if (!kb) return NI_ERR_IO;
    c->gaz = calloc(c->ntok + 1, sizeof *c->gaz);
    int rc = c->gaz ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    for (size_t s = 0; !rc && s < c->nsent; s++) {
        size_t a = c->sent[s];
        rc = ner_words_gaz(kb, c->word + a, c->len + a, c->sent[s + 1] - a, c->gaz + a, errstr,
                           errlen);
    }
    ner_kb_destroy(kb);
    return rc;
}

/* ---- features ------------------------------------------------------------------------------ */

static uint64_t slot_of(uint64_t key, size_t cap)
{
    return (key ^ (key >> 29)) & (cap - 1);
}

/* feature_id: the id of key, a new one when unseen; UINT32_MAX when out of memory. */
static uint32_t feature_id(trainer *t, uint64_t key)
{
    if (2 * (t->nfeat + 1) > t->mapcap) { /* rehash at half load */
        size_t cap = t->mapcap ? 2 * t->mapcap : 1u << 16;
        uint64_t *map = calloc(cap, sizeof *map);
        uint32_t *mapv = calloc(cap, sizeof *mapv);
        if (!map || !mapv) return free(map), free(mapv), UINT32_MAX;
        for (size_t i = 0; i < t->mapcap; i++) {
            if (!t->mapv[i]) continue;
            uint64_t s = slot_of(t->map[i], cap);
            while (mapv[s]) s = (s + 1) & (cap - 1);
            map[s] = t->map[i], mapv[s] = t->mapv[i];
        }
        free(t->map), free(t->mapv);
        t->map = map, t->mapv = mapv, t->mapcap = cap;
    }
    uint64_t s = slot_of(key, t->mapcap);
    for (; t->mapv[s]; s = (s + 1) & (t->mapcap - 1))
        if (t->map[s] == key) return t->mapv[s] - 1;
    size_t cap = t->fcap;
    if (grow((void **)&t->fkeys, &cap, t->nfeat + 1, sizeof *t->fkeys)) return UINT32_MAX;
    cap = t->fcap;
    if (grow((void **)&t->frow, &cap, t->nfeat + 1, sizeof *t->frow)) return UINT32_MAX;
    t->fcap = cap;
    t->fkeys[t->nfeat] = key;
    t->frow[t->nfeat] = 0;
    t->map[s] = key;
    t->mapv[s] = (uint32_t)++t->nfeat;
    return (uint32_t)(t->nfeat - 1);
}

/* find_id: the id of key, UINT32_MAX when unseen. */
static uint32_t find_id(const trainer *t, uint64_t key)
{
    if (!t->mapcap) return UINT32_MAX;
    for (uint64_t s = slot_of(key, t->mapcap); t->mapv[s]; s = (s + 1) & (t->mapcap - 1))
        if (t->map[s] == key) return t->mapv[s] - 1;
    return UINT32_MAX;
}

/* dom_key: the copy of a feature for corpus d (1 the main one, 2 the second) when training on
 * two corpora with domain-conjoined features (Daume 2007): each feature is emitted as itself,
 * shared by both corpora, and as its corpus's copy; the saved model holds shared + main copy, so
 * what the second corpus teaches differently stays in its own copies. */
static uint64_t dom_key(uint64_t key, int d)
{
    return ner_mix64(key ^ (uint64_t)d * 0xd6e8feb86659fd93ULL) & NER_KEY_MASK;
}

/* conjoined: whether the trainer has a second corpus (domain-conjoined features). */
static int conjoined(const trainer *t)
{
    return t->c->nmain < t->c->nsent;
}

/* hint: the KB hints of training token i, dropped for a seeded fraction of the sentences (so the
 * model does not lean on hints the way names seen in training would let it). */
static unsigned hint(const trainer *t, size_t s, size_t i)
{
    if (!t->c->gaz) return 0;
    uint64_t z = (uint64_t)(s + 1) * 0x9e3779b97f4a7c15ULL ^ t->seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (z >> 11) < t->gaz_drop ? 0 : t->c->gaz[i];
}

/* extract: feature ids of every training token (from t->ws). */
static int extract(trainer *t)
{
    const corpus *c = t->c;
    size_t ntok = c->ntok, cap = 0, used = 0;
    t->toff = malloc((ntok + 1) * sizeof *t->toff);
    if (!t->toff) return NI_ERR_NOMEM;
    uint64_t keys[NER_MAX_FEATS];
    size_t dcap = 0;
    for (size_t s = 0; s < c->nsent; s++) {
        size_t a = c->sent[s], n = c->sent[s + 1] - a;
        int dev = s >= t->dev_lo && s < t->dev_hi, d = !conjoined(t) ? 0 : s < c->nmain ? 1 : 2;
        for (size_t i = 0; i < n; i++) {
            size_t k = dev ? 0 : ner_features(t->ws + a, n, i, keys);
            if (grow((void **)&t->fid, &cap, used + 2 * k, sizeof *t->fid)) return NI_ERR_NOMEM;
            t->toff[a + i] = used;
            for (size_t j = 0; j < k; j++) {
                uint32_t id = feature_id(t, keys[j]);
                uint32_t di = id == UINT32_MAX || !d ? id : feature_id(t, dom_key(keys[j], d));
                if (id == UINT32_MAX || di == UINT32_MAX) return NI_ERR_NOMEM;
                t->fid[used++] = id;
                if (!d) continue;
                if (grow((void **)&t->fdom, &dcap, t->nfeat, 1)) return NI_ERR_NOMEM;
                t->fdom[id] = 0, t->fdom[di] = (uint8_t)d;
                t->fid[used++] = di;
            }
        }
    }
    t->toff[ntok] = used;
    return NI_OK;
}

/* ---- the lexicon ----------------------------------------------------------------------------- */

/* A name being counted: its key, occurrences as each type, occurrences as words. */
typedef struct lex_count {
    uint64_t key;
    uint32_t as[5]; /* [type 1..4] */
    uint32_t occ;
    uint8_t used, prefix, full;
} lex_count;

typedef struct lex_counts {
    lex_count *v;
    size_t mask, n;
} lex_counts;

/* lc_find: the entry of key, created when add is set (NULL when absent or full). */
static lex_count *lc_find(lex_counts *lc, uint64_t key, int add)
{
    size_t s = (size_t)(key ^ (key >> 29)) & lc->mask;
    for (; lc->v[s].used; s = (s + 1) & lc->mask)
        if (lc->v[s].key == key) return &lc->v[s];
    if (!add || 2 * (lc->n + 1) > lc->mask) return NULL;
    lc->n++;
    lc->v[s].used = 1, lc->v[s].key = key;
    return &lc->v[s];
}

/* in_lex: whether sentence s feeds a lexicon built without the sentences [lo, hi). */
static int in_lex(const trainer *t, size_t s, size_t lo, size_t hi)
{
    return s < t->c->nmain && !(s >= t->dev_lo && s < t->dev_hi) && !(s >= lo && s < hi);
}

/* lc_names: every gold name of the sentences feeding the lexicon, with its type. */
static void lc_names(const trainer *t, lex_counts *lc, size_t lo, size_t hi)
{
    const corpus *c = t->c;
    for (size_t s = 0; s < c->nsent; s++) {
        if (!in_lex(t, s, lo, hi)) continue;
        for (size_t i = c->sent[s], e; i < c->sent[s + 1]; i = e) {
            e = i + 1;
            if (c->train[i] == NER_O) continue;
            while (e < c->sent[s + 1] && c->train[e] == c->train[i] + 1) e++;
            uint64_t k = 0;
            for (size_t j = i; j < e && j - i < NER_LEX_MAX_WORDS; j++) {
                k = ner_lex_key(k, &t->ws[j], j == i);
                lex_count *x = lc_find(lc, k, 1);
                if (!x) continue;
                if (j + 1 < e) x->prefix = 1;
                if (j + 1 == e) x->full = 1, x->as[(c->train[i] + 1) / 2]++;
            }
        }
    }
}

/* lc_occurrences: how often each full name occurs as words in the same sentences. */
static void lc_occurrences(const trainer *t, lex_counts *lc, size_t lo, size_t hi)
{
    const corpus *c = t->c;
    for (size_t s = 0; s < c->nsent; s++) {
        if (!in_lex(t, s, lo, hi)) continue;
        for (size_t i = c->sent[s]; i < c->sent[s + 1]; i++) {
            uint64_t k = 0;
            for (size_t j = i; j < c->sent[s + 1] && j - i < NER_LEX_MAX_WORDS; j++) {
                k = ner_lex_key(k, &t->ws[j], j == i);
                lex_count *x = lc_find(lc, k, 0);
                if (!x) break;
                if (x->full) x->occ++;
                if (!x->prefix) break;
            }
        }
    }
}

/* lc_value: the lexicon value of a counted name. */
static uint8_t lc_value(const lex_count *x)
{
    uint8_t v = x->prefix ? NER_LEX_PREFIX : 0;
    if (!x->full) return v;
    int best = 1;
    for (int k = 2; k <= 4; k++)
        if (x->as[k] > x->as[best]) best = k;
    double share = x->occ ? (double)x->as[best] / x->occ : 1;
    int sure = share < 0.25 ? 0 : share < 0.5 ? 1 : share < 0.8 ? 2 : 3;
    return (uint8_t)(v | best | sure << NER_LEX_SURE_SHIFT);
}

/* lex_build: the lexicon of the names of the lexicon sentences outside [lo, hi) into x. */
static int lex_build(const trainer *t, size_t lo, size_t hi, ner_lex *x)
{
    size_t slots = 16;
    while (slots < 4 * t->c->ntok) slots *= 2;
    lex_counts lc = {calloc(slots, sizeof *lc.v), slots - 1, 0};
    if (!lc.v) return NI_ERR_NOMEM;
    lc_names(t, &lc, lo, hi);
    lc_occurrences(t, &lc, lo, hi);
    int rc = ner_lex_init(x, lc.n);
    for (size_t i = 0; !rc && i <= lc.mask; i++)
        if (lc.v[i].used) rc = ner_lex_put(x, lc.v[i].key, lc_value(&lc.v[i]));
    free(lc.v);
    return rc;
}

/* analyze_all: every token into t->ws with its hints; with the lexicon on, the model's lexicon
 * into t->lex and each block's lexicon marks from the other blocks (jackknifing). */
static int analyze_all(trainer *t)
{
    const corpus *c = t->c;
    t->ws = malloc((c->ntok + 1) * sizeof *t->ws);
    if (!t->ws) return NI_ERR_NOMEM;
    for (size_t s = 0; s < c->nsent; s++)
        for (size_t i = c->sent[s]; i < c->sent[s + 1]; i++)
            ner_word_analyze(c->word[i], c->len[i], hint(t, s, i), &t->ws[i]);
    ner_clusters_mark(&t->cl, t->ws, c->ntok);
    for (size_t s = 0; s < c->nsent; s++)
        ner_gaz_mark(&t->gz, t->ws + c->sent[s], c->sent[s + 1] - c->sent[s]);
    if (!t->use_lex) return NI_OK;
    int rc = lex_build(t, 0, 0, &t->lex);
    for (size_t s = c->nmain; !rc && s < c->nsent; s++) /* the second corpus: main's names */
        ner_lex_mark(&t->lex, t->ws + c->sent[s], c->sent[s + 1] - c->sent[s]);
    for (size_t b = 0; !rc && b < LEX_FOLDS; b++) {
        ner_lex x = {0};
        size_t lo = c->nmain * b / LEX_FOLDS, hi = c->nmain * (b + 1) / LEX_FOLDS;
        rc = lex_build(t, lo, hi, &x);
        for (size_t s = lo; !rc && s < hi; s++)
            if (s < t->dev_lo || s >= t->dev_hi)
                ner_lex_mark(&x, t->ws + c->sent[s], c->sent[s + 1] - c->sent[s]);
        ner_lex_free(&x);
    }
    return rc;
}

/* ---- the perceptron ------------------------------------------------------------------------ */

/* row: the weight row of feature id f, allocated on first update; NULL when out of memory. */
static size_t row(trainer *t, uint32_t f)
{
    if (t->frow[f]) return t->frow[f];
    size_t cap = t->rcap;
    if (grow((void **)&t->w, &cap, t->rows + 1 + (t->rows == 0), NER_NTAGS * sizeof *t->w))
        return 0;
    cap = t->rcap;
    if (grow((void **)&t->u, &cap, t->rows + 1 + (t->rows == 0), NER_NTAGS * sizeof *t->u))
        return 0;
    t->rcap = cap;
    if (!t->rows) t->rows = 1; /* row 0 means none */
    memset(t->w + t->rows * NER_NTAGS, 0, NER_NTAGS * sizeof *t->w);
    memset(t->u + t->rows * NER_NTAGS, 0, NER_NTAGS * sizeof *t->u);
    return t->frow[f] = (uint32_t)t->rows++;
}

/* dropped: whether feature occurrence j sits out the current step (feature dropout). */
static int dropped(const trainer *t, size_t j)
{
    if (!t->drop) return 0;
    uint64_t z = (uint64_t)j * 0x9e3779b97f4a7c15ULL ^ (uint64_t)t->step * 0xbf58476d1ce4e5b9ULL;
    z ^= t->seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (z >> 11) < t->drop;
}

static int update_token(trainer *t, size_t tok, int gold, int pred)
{
    for (size_t j = t->toff[tok]; j < t->toff[tok + 1]; j++) {
        if (dropped(t, j)) continue;
        size_t r = row(t, t->fid[j]);
        if (!r) return NI_ERR_NOMEM;
        t->w[r * NER_NTAGS + gold]++, t->u[r * NER_NTAGS + gold] += t->step;
        t->w[r * NER_NTAGS + pred]--, t->u[r * NER_NTAGS + pred] -= t->step;
    }
    return NI_OK;
}

/* learn: decodes sentence s with the current weights and updates on the differences. */
static int learn(trainer *t, size_t s, int64_t *e, uint8_t *back, ner_tag *pred)
{
    const corpus *c = t->c;
    size_t a = c->sent[s], n = c->sent[s + 1] - a;
    for (size_t i = 0; i < n; i++) {
        int64_t *ei = e + i * NER_NTAGS;
        memset(ei, 0, NER_NTAGS * sizeof *ei);
        for (size_t j = t->toff[a + i]; j < t->toff[a + i + 1]; j++) {
            uint32_t r = t->frow[t->fid[j]];
            if (r && !dropped(t, j))
                for (int k = 0; k < NER_NTAGS; k++) ei[k] += t->w[r * NER_NTAGS + k];
        }
    }
    ner_viterbi(e, n, t->tw, back, pred);
    const ner_tag *gold = c->train + a;
    for (size_t i = 0; i < n; i++) {
        if (gold[i] != pred[i] && update_token(t, a + i, gold[i], pred[i])) return NI_ERR_NOMEM;
        int gp = i ? gold[i - 1] : NER_NTAGS, pp = i ? pred[i - 1] : NER_NTAGS;
        if (gp == pp && gold[i] == pred[i]) continue;
        t->tw[gp][gold[i]]++, t->tu[gp][gold[i]] += t->step;
        t->tw[pp][pred[i]]--, t->tu[pp][pred[i]] -= t->step;
    }
    t->step++;
    return NI_OK;
}

/* avg_w, avg_t: the averaged weight of row r tag k, of transition p -> k (over the members of an
 * ensemble once they are summed). */
static double avg_w(const trainer *t, size_t r, int k)
{
    if (t->members) return r < t->acc_rows ? t->acc[r * NER_NTAGS + k] / t->members : 0;
    return (double)t->w[r * NER_NTAGS + k] - (double)t->u[r * NER_NTAGS + k] / (double)t->step;
}

static double avg_t(const trainer *t, int p, int k)
{
    if (t->members) return t->tacc[p][k] / t->members;
    return (double)t->tw[p][k] - (double)t->tu[p][k] / (double)t->step;
}

static int32_t quantize(double avg, int prune)
{
    long long q = llround(avg * SCALE);
    if (q > NER_MAX_WEIGHT) q = NER_MAX_WEIGHT;
    if (q < -NER_MAX_WEIGHT) q = -NER_MAX_WEIGHT;
    return llabs(q) < prune ? 0 : (int32_t)q;
}

/* averaged: the model of the averaged, quantized, pruned weights; NULL when out of memory. */
static ner_model *averaged(const trainer *t, int prune)
{
    size_t keep = 0;
    int32_t q[NER_NTAGS];
    for (int pass = 0; pass < 2; pass++) {
        ner_model *m = pass ? ner_model_new(keep) : NULL;
        if (pass && !m) return NULL;
        for (size_t f = 0; f < t->nfeat; f++) {
            size_t r = t->frow[f], r1 = 0; /* r1: the main corpus's copy (folded in) */
            if (conjoined(t)) {
                if (t->fdom[f]) continue;
                uint32_t id = find_id(t, dom_key(t->fkeys[f], 1));
                r1 = id == UINT32_MAX ? 0 : t->frow[id];
            }
            if (!r && !r1) continue;
            int any = 0;
            for (int k = 0; k < NER_NTAGS; k++)
                any |= (q[k] = quantize((r ? avg_w(t, r, k) : 0) + (r1 ? avg_w(t, r1, k) : 0),
                                        prune)) != 0;
            if (t->fkeys[f] == ner_bias_key()) {
                q[NER_O] -= t->o_bias;
                if (q[NER_O] < -NER_MAX_WEIGHT) q[NER_O] = -NER_MAX_WEIGHT;
                any = 1;
            }
            if (!any) continue;
            if (!pass)
                keep++;
            else if (ner_model_add(m, t->fkeys[f], q) == NI_ERR_NOMEM) /* 47-bit clash: skip */
                return ner_model_destroy(m), NULL;
        }
        if (!pass) continue;
        if (ner_lex_init(&m->lex, t->lex.n)) return ner_model_destroy(m), NULL;
        for (size_t i = 0; t->lex.val && i <= t->lex.mask; i++)
            if (t->lex.val[i]) ner_lex_put(&m->lex, t->lex.keys[i], t->lex.val[i]);
        if (t->gz.n && ner_lex_init(&m->gz, t->gz.n)) return ner_model_destroy(m), NULL;
        for (size_t i = 0; t->gz.n && i <= t->gz.mask; i++)
            if (t->gz.val[i]) ner_lex_put(&m->gz, t->gz.keys[i], t->gz.val[i]);
        if (t->cl.n && ner_clusters_init(&m->cl, t->cl.n)) return ner_model_destroy(m), NULL;
        for (size_t i = 0; t->cl.n && i <= t->cl.mask; i++)
            if (t->cl.val[i])
                ner_clusters_put(&m->cl, t->cl.keys[i], t->cl.val[i] & NER_CL_PATH,
                                 t->cl.val[i] >> NER_CL_AL_SHIFT & 15);
        for (int p = 0; p <= NER_NTAGS; p++)
            for (int k = 0; k < NER_NTAGS; k++) m->trans[p][k] = quantize(avg_t(t, p, k), 0);
        return m;
    }
    return NULL;
}

/* held_out: scores m on the sentences after the training ones into *sc. */
static int held_out(const trainer *t, const ner_model *m, ner_span_counts *sc)
{
    const corpus *c = t->c;
    memset(sc, 0, sizeof *sc);
    ner_tag *pred = malloc((c->ntok + 1) * sizeof *pred);
    if (!pred) return NI_ERR_NOMEM;
    int rc = ner_model_tag_doc(m, (const char *const *)c->word, c->len, c->sent + t->dev_lo,
                               t->dev_hi - t->dev_lo, c->gaz, t->window, pred, NULL, 0);
    for (size_t s = t->dev_lo; !rc && s < t->dev_hi; s++) {
        size_t a = c->sent[s], n = c->sent[s + 1] - a;
        ner_spans_score(c->gold + a, pred + a, n, sc);
    }
    free(pred);
    return NI_OK;
}

/* shuffle: Fisher-Yates with splitmix64 from the seed (same seed, same order). */
static void shuffle(size_t *v, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        size_t j = (size_t)(z % i), x = v[i - 1];
        v[i - 1] = v[j], v[j] = x;
    }
}

static void report(const trainer *t, const ner_train_opts *o, int pass)
{
    if (!o->progress) return;
    if (pass)
        fprintf(o->progress, "pass %d: %zu features updated", pass, t->rows ? t->rows - 1 : 0);
    else
        fprintf(o->progress, "ensemble of %d: %zu features", t->members, t->rows ? t->rows - 1 : 0);
    ner_model *m = t->dev_lo < t->dev_hi ? averaged(t, o->prune) : NULL;
    ner_span_counts sc;
    if (m && !held_out(t, m, &sc)) {
        double p, r, f;
        ner_span_prf(&sc, 0, &p, &r, &f);
        fprintf(o->progress, ", held-out P %.4f R %.4f F1 %.4f (%zu features kept)", p, r, f, m->n);
        static const char *types[] = {"", "PER", "ORG", "LOC", "MISC"};
        for (int k = 1; k <= 4; k++) {
            ner_span_prf(&sc, k, &p, &r, &f);
            fprintf(o->progress, " %s %.4f", types[k], f);
        }
    }
    ner_model_destroy(m);
    fputc('\n', o->progress);
}

/* add_member: adds the current run's averaged weights to the ensemble sums. */
static int add_member(trainer *t)
{
    if (t->rows > t->acc_rows) {
        double *a = realloc(t->acc, t->rows * NER_NTAGS * sizeof *a);
        if (!a) return NI_ERR_NOMEM;
        memset(a + t->acc_rows * NER_NTAGS, 0, (t->rows - t->acc_rows) * NER_NTAGS * sizeof *a);
        t->acc = a, t->acc_rows = t->rows;
    }
    for (size_t r = 1; r < t->rows; r++)
        for (int k = 0; k < NER_NTAGS; k++) t->acc[r * NER_NTAGS + k] += avg_w(t, r, k);
    for (int p = 0; p <= NER_NTAGS; p++)
        for (int k = 0; k < NER_NTAGS; k++) t->tacc[p][k] += avg_t(t, p, k);
    return NI_OK;
}

/* restart: zero weights for the next member of an ensemble, with its own seed. */
static void restart(trainer *t, uint64_t seed, uint64_t *state)
{
    if (t->rows) {
        memset(t->w, 0, t->rows * NER_NTAGS * sizeof *t->w);
        memset(t->u, 0, t->rows * NER_NTAGS * sizeof *t->u);
    }
    memset(t->tw, 0, sizeof t->tw), memset(t->tu, 0, sizeof t->tu);
    t->seed = seed, *state = seed;
}

static int run(trainer *t, const ner_train_opts *o, const char *out_path, char *errstr,
               size_t errlen)
{
    const corpus *c = t->c;
    size_t maxn = 0;
    for (size_t s = 0; s < c->nsent; s++)
        if (c->sent[s + 1] - c->sent[s] > maxn) maxn = c->sent[s + 1] - c->sent[s];
    int64_t *e = malloc(maxn * NER_NTAGS * sizeof *e);
    uint8_t *back = malloc(maxn * NER_NTAGS);
    ner_tag *pred = malloc(maxn * sizeof *pred);
    size_t *order = malloc(t->ntrain * sizeof *order);
    uint64_t state = o->seed;
    t->seed = o->seed;
    t->o_bias = o->o_bias;
    t->window = o->window;
    t->drop = (uint64_t)(o->dropout * 9007199254740992.0);
    t->gaz_drop = (uint64_t)(o->gaz_dropout * 9007199254740992.0);
    t->use_lex = o->lexicon;
    int rc = !e || !back || !pred || !order ? NI_ERR_NOMEM : analyze_all(t);
    if (!rc) rc = extract(t);
    for (size_t s = 0, k = 0; s < c->nsent; s++)
        if (s < t->dev_lo || s >= t->dev_hi) order[k++] = s;
    int members = o->ensemble > 1 ? o->ensemble : 1;
    for (int j = 0; !rc && j < members; j++) {
        if (j) restart(t, o->seed + (uint64_t)j * 0x632be59bd9b4e019ULL, &state);
        t->step = 1;
        for (int pass = 1; !rc && pass <= o->iterations; pass++) {
            shuffle(order, t->ntrain, &state);
            for (size_t s = 0; !rc && s < t->ntrain; s++) rc = learn(t, order[s], e, back, pred);
            if (!rc) report(t, o, pass);
        }
        if (!rc && members > 1) rc = add_member(t);
    }
    if (!rc && members > 1) t->members = members, report(t, o, 0); /* the ensemble */
    free(e), free(back), free(pred), free(order);
    if (rc) return ni_err_set(errstr, errlen, rc, "training: out of memory");
    ner_model *m = averaged(t, o->prune);
    if (!m) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "training: out of memory");
    rc = ner_model_save(m, out_path, errstr, errlen);
    ner_model_destroy(m);
    return rc;
}

int ner_train_run(const char *conll_path, const ner_train_opts *o, const char *out_path,
                  char *errstr, size_t errlen)
{
    if (!conll_path || !o || !out_path || o->iterations < 1 || o->dev_fraction < 0 ||
        o->dev_fraction >= 1)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "training: invalid arguments");
    corpus c = {0};
    int rc = corpus_read(&c, conll_path, errstr, errlen);
    c.nmain = c.nsent;
    if (!rc && o->aux_path) rc = corpus_read(&c, o->aux_path, errstr, errlen);
    if (!rc && o->kb_path) rc = corpus_hints(&c, o->kb_path, errstr, errlen);
    if (!rc) {
        trainer t = {.c = &c};
        if (o->clusters_path) rc = ner_clusters_read(o->clusters_path, &t.cl, errstr, errlen);
        if (!rc && o->gaz_dir) rc = ner_gaz_build(o->gaz_dir, &t.gz, errstr, errlen);
        size_t ndev = (size_t)floor(c.nmain * o->dev_fraction);
        if (ndev >= c.nmain) ndev = c.nmain - 1;
        t.dev_hi = o->dev_fold ? ndev * (size_t)o->dev_fold : c.nmain;
        if (t.dev_hi > c.nmain) t.dev_hi = c.nmain;
        t.dev_lo = t.dev_hi - ndev;
        t.ntrain = c.nsent - ndev;
        if (!rc) rc = run(&t, o, out_path, errstr, errlen);
        ner_clusters_free(&t.cl);
        ner_lex_free(&t.gz);
        free(t.fkeys), free(t.frow), free(t.map), free(t.mapv), free(t.toff), free(t.fid);
        free(t.w), free(t.u), free(t.ws), free(t.acc), free(t.fdom);
        ner_lex_free(&t.lex);
    }
    corpus_free(&c);
    return rc;
}

ner_train_opts ner_train_opts_default(void)
{
    return (ner_train_opts){.iterations = NER_DEFAULT_ITERATIONS,
                            .seed = 1,
                            .prune = NER_DEFAULT_PRUNE,
                            .dropout = NER_DEFAULT_DROPOUT,
                            .gaz_dropout = NER_DEFAULT_GAZ_DROPOUT,
                            .o_bias = NER_DEFAULT_O_BIAS,
                            .lexicon = 1,
                            .ensemble = NER_DEFAULT_ENSEMBLE,
                            .window = NER_DOC_WINDOW};
}

int ner_model_train(const char *conll_path, const char *kb_path, int iterations, unsigned seed,
                    const char *out_path, char *errstr, size_t errlen)
{
    ner_train_opts o = ner_train_opts_default();
    o.iterations = iterations, o.seed = seed, o.kb_path = kb_path;
    return ner_train_run(conll_path, &o, out_path, errstr, errlen);
}
