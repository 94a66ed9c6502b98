/* train_clusters.c: `news-ingest train-clusters`: word clusters for the tagger from unlabelled
 * text: a class bigram model over the tagger's word forms (the light stem, NER_H_LSTEM), its
 * classes found by the exchange algorithm (Kneser & Ney 1993, Martin et al. 1998), top-down:
 * 16 classes, then each split in 4 three times, so every word gets a 10-bit path whose prefixes
 * (4, 6, 8 bits) are coarser classes, as Brown clusters' bit strings are. Deterministic. */
#include "cmd.h"

#include "entities/ner.h"
#include "entities/ner_train.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>
#include <zlib.h>

#define PROG "news-ingest train-clusters"
#define BOUND_TOK UINT32_MAX /* a sentence boundary in the token stream */
#define TOP_CLASSES 16       /* the first level; then three 4-way splits: 1024 classes */
#define SPLIT 4
#define LEVELS 4
#define DEFAULT_MIN_COUNT 5
#define DEFAULT_PASSES 10

/* ---- the vocabulary and the token stream ------------------------------------------------- */

typedef struct vocab {
    uint64_t *key;  /* slots: word key (NER_H_LSTEM), 0 = empty */
    uint32_t *slot; /* slots: word id */
    size_t mask;
    uint64_t *wkey; /* per word id */
    uint64_t *count;
    uint64_t *al; /* occurrences written with the article ال */
    size_t *form; /* offset of the first surface form in forms */
    size_t n, cap;
    char *forms;
    size_t flen, fcap;
    uint32_t *tok; /* the stream: word ids and BOUND_TOK */
    size_t ntok, tcap;
} vocab;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 1024;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * size);
    if (!q) return -1;
    *p = q, *cap = n;
    return 0;
}

static int vocab_rehash(vocab *v)
{
    size_t slots = (v->mask + 1) * 2;
    uint64_t *key = calloc(slots, sizeof *key);
    uint32_t *slot = calloc(slots, sizeof *slot);
    if (!key || !slot) return free(key), free(slot), -1;
    for (size_t i = 0; i < v->n; i++) {
        size_t s = ner_train_mix64(v->wkey[i]) & (slots - 1);
        while (key[s]) s = (s + 1) & (slots - 1);
        key[s] = v->wkey[i], slot[s] = (uint32_t)i;
    }
    free(v->key), free(v->slot);
    v->key = key, v->slot = slot, v->mask = slots - 1;
    return 0;
}

/* vocab_id: the id of key (added with surface form w when new); -1 when out of memory. */
static int64_t vocab_id(vocab *v, uint64_t key, const char *w, size_t len)
{
    if (!key) key = 1;
    size_t s = ner_train_mix64(key) & v->mask;
    for (; v->key[s]; s = (s + 1) & v->mask)
        if (v->key[s] == key) return v->slot[s];
    if (grow((void **)&v->wkey, &v->cap, v->n + 1, sizeof *v->wkey) ||
        grow((void **)&v->forms, &v->fcap, v->flen + len + 1, 1))
        return -1;
    size_t cap = v->cap;
    uint64_t *c = realloc(v->count, cap * sizeof *c);
    if (c) v->count = c;
    uint64_t *a = c ? realloc(v->al, cap * sizeof *a) : NULL;
    if (a) v->al = a;
    size_t *f = a ? realloc(v->form, cap * sizeof *f) : NULL;
    if (!f) return -1;
    v->form = f;
    v->key[s] = key, v->slot[s] = (uint32_t)v->n;
    v->wkey[v->n] = key, v->count[v->n] = v->al[v->n] = 0, v->form[v->n] = v->flen;
    memcpy(v->forms + v->flen, w, len), v->flen += len, v->forms[v->flen++] = '\0';
    if (++v->n * 2 > v->mask && vocab_rehash(v)) return -1;
    return (int64_t)v->n - 1;
}

static int push(vocab *v, uint32_t id)
{
    if (id == BOUND_TOK && (!v->ntok || v->tok[v->ntok - 1] == BOUND_TOK)) return 0;
    if (grow((void **)&v->tok, &v->tcap, v->ntok + 1, sizeof *v->tok)) return -1;
    v->tok[v->ntok++] = id;
    return 0;
}

/* has_alnum: whether w[0..len) has a letter or a digit (punctuation is not counted). */
static int has_alnum(const char *w, size_t len)
{
    for (size_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)w, i, len, c);
        if (c >= 0 && u_isalnum(c)) return 1;
    }
    return 0;
}

/* add_word: one word as written (clitics attached) to the stream. */
static int add_word(vocab *v, const char *w, size_t len)
{
    if (!len || !has_alnum(w, len)) return 0;
    int article;
    int64_t id = vocab_id(v, ner_train_form(w, len, &article), w, len);
    if (id < 0) return -1;
    v->count[id]++;
    v->al[id] += article;
    return push(v, (uint32_t)id);
}

/* add_text: the words of one sentence or line of running text (the runtime tokenizer's words). */
static int add_text(vocab *v, const char *s, size_t len)
{
    ner_tokens toks = {0};
    char err[256];
    int rc = ner_tokenize(s, len, &toks, err, sizeof err) == NI_ERR_NOMEM ? -1 : 0;
    for (size_t i = 0; !rc && i < toks.n; i++)
        rc = add_word(v, toks.v[i].surface, toks.v[i].surface_len);
    ner_tokens_free(&toks);
    return rc ? rc : push(v, BOUND_TOK);
}

/* gz_line: the next line of f (without its newline) in *buf; 0 at the end. */
static int gz_line(gzFile f, char **buf, size_t *cap, size_t *len)
{
    *len = 0;
    for (;;) {
        if (grow((void **)buf, cap, *len + 65536, 1)) return -1;
        if (!gzgets(f, *buf + *len, (int)(*cap - *len))) return *len > 0;
        *len += strlen(*buf + *len);
        if (*len && (*buf)[*len - 1] == '\n') {
            (*buf)[--*len] = '\0';
            if (*len && (*buf)[*len - 1] == '\r') (*buf)[--*len] = '\0';
            return 1;
        }
    }
}

/* add_article: a JSON line's "title" and "text" (one sentence per line). */
static int add_article(vocab *v, const char *line)
{
    cJSON *j = cJSON_Parse(line);
    if (!j) return 1;
    int rc = 0;
    const char *fields[] = {"title", "text"};
    for (int k = 0; k < 2 && !rc; k++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, fields[k]);
        if (!cJSON_IsString(s)) continue;
        for (const char *p = s->valuestring; *p && !rc;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            rc = add_text(v, p, n);
            p += n + (nl != NULL);
        }
    }
    cJSON_Delete(j);
    return rc;
}

/* read_source: a JSON-lines corpus (name ends .jsonl or .jsonl.gz) or a CoNLL file (first column,
 * blank line between sentences; gzip or plain). 0, 1 unreadable or malformed, -1 no memory. */
static int read_source(vocab *v, const char *path)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return fprintf(stderr, PROG ": %s: cannot open\n", path), 1;
    int json = strstr(path, ".jsonl") != NULL, rc = 0, more;
    char *buf = NULL;
    size_t cap = 0, len, line = 0;
    while (!rc && (more = gz_line(f, &buf, &cap, &len)) == 1) {
        line++;
        if (json) {
            if ((rc = add_article(v, buf)) > 0)
                fprintf(stderr, PROG ": %s:%zu: not a JSON object\n", path, line);
            continue;
        }
        size_t w = strcspn(buf, " \t");
        rc = w ? add_word(v, buf, w) : push(v, BOUND_TOK);
    }
    if (!rc && more < 0) rc = -1;
    free(buf);
    gzclose(f);
    return rc ? rc : push(v, BOUND_TOK);
}

/* ---- the class bigram model -------------------------------------------------------------- */

/* The words kept (ids 0..nw-1, most frequent first), RARE = nw (every other word) and BOUND =
 * nw + 1, with each one's bigram neighbours in both directions (CSR). */
typedef struct graph {
    size_t nw;
    uint64_t *count;   /* nw + 2 */
    size_t *ro, *lo;   /* nw + 3 offsets into rn/rc and ln/lc */
    uint32_t *rn, *ln; /* right / left neighbour ids */
    uint64_t *rc, *lc; /* their bigram counts */
    uint32_t *order;   /* vocab id of each kept word */
} graph;

static const vocab *sort_vocab;

static int by_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const vocab *v = sort_vocab;
    if (v->count[x] != v->count[y]) return v->count[x] > v->count[y] ? -1 : 1;
    return v->wkey[x] < v->wkey[y] ? -1 : v->wkey[x] > v->wkey[y];
}

static int by_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* csr: neighbour lists from sorted unique pairs (hi << 32 | lo with counts). */
static int csr(size_t ids, const uint64_t *pair, const uint64_t *cnt, size_t np, int right,
               size_t **off, uint32_t **nb, uint64_t **nc)
{
    *off = calloc(ids + 1, sizeof **off);
    *nb = malloc((np + 1) * sizeof **nb);
    *nc = malloc((np + 1) * sizeof **nc);
    if (!*off || !*nb || !*nc) return -1;
    for (size_t i = 0; i < np; i++) (*off)[(right ? pair[i] >> 32 : pair[i] & 0xffffffff) + 1]++;
    for (size_t i = 0; i < ids; i++) (*off)[i + 1] += (*off)[i];
    size_t *fill = malloc(ids * sizeof *fill);
    if (!fill) return -1;
    memcpy(fill, *off, ids * sizeof *fill);
    for (size_t i = 0; i < np; i++) {
        uint32_t a = (uint32_t)(pair[i] >> 32), b = (uint32_t)pair[i];
        size_t at = fill[right ? a : b]++;
        (*nb)[at] = right ? b : a, (*nc)[at] = cnt[i];
    }
    free(fill);
    return 0;
}

/* graph_build: the kept words (count >= min_count) and their bigrams. */
static int graph_build(vocab *v, uint64_t min_count, graph *g)
{
    uint32_t *ids = malloc((v->n + 1) * sizeof *ids), *map = malloc((v->n + 1) * sizeof *map);
    if (!ids || !map) return free(ids), free(map), -1;
    for (size_t i = 0; i < v->n; i++) ids[i] = (uint32_t)i;
    sort_vocab = v;
    qsort(ids, v->n, sizeof *ids, by_count);
    size_t nw = 0;
    while (nw < v->n && v->count[ids[nw]] >= min_count) nw++;
    for (size_t i = 0; i < v->n; i++) map[ids[i]] = i < nw ? (uint32_t)i : (uint32_t)nw;
    g->nw = nw, g->order = ids;
    g->count = calloc(nw + 2, sizeof *g->count);
    uint64_t *pair = malloc((v->ntok + 1) * sizeof *pair);
    if (!g->count || !pair) return free(map), free(pair), -1;
    size_t np = 0;
    for (size_t i = 0; i < v->ntok; i++) {
        uint32_t a = v->tok[i] == BOUND_TOK ? (uint32_t)nw + 1 : map[v->tok[i]];
        g->count[a]++;
        uint32_t b = i + 1 < v->ntok ? v->tok[i + 1] : BOUND_TOK;
        uint32_t bb = b == BOUND_TOK ? (uint32_t)nw + 1 : map[b];
        if (!(a == nw + 1 && bb == nw + 1)) pair[np++] = (uint64_t)a << 32 | bb;
    }
    free(map);
    qsort(pair, np, sizeof *pair, by_u64);
    uint64_t *cnt = malloc((np + 1) * sizeof *cnt);
    if (!cnt) return free(pair), -1;
    size_t u = 0;
    for (size_t i = 0; i < np; i++) {
        if (u && pair[u - 1] == pair[i]) {
            cnt[u - 1]++;
            continue;
        }
        pair[u] = pair[i], cnt[u++] = 1;
    }
    int rc = csr(nw + 2, pair, cnt, u, 1, &g->ro, &g->rn, &g->rc);
    if (!rc) rc = csr(nw + 2, pair, cnt, u, 0, &g->lo, &g->ln, &g->lc);
    fprintf(stderr,
            PROG ": %zu tokens, %zu word forms, %zu kept (count >= %" PRIu64
                 "), %zu distinct bigrams\n",
            v->ntok, v->n, nw, min_count, u);
    free(pair), free(cnt);
    return rc;
}

static void graph_free(graph *g)
{
    free(g->count), free(g->ro), free(g->lo), free(g->rn), free(g->ln), free(g->rc), free(g->lc);
    free(g->order);
}

static inline double xlogx(int64_t x)
{
    return x > 0 ? (double)x * log((double)x) : 0.0;
}

/* The exchange state at one level: K classes plus RARE's (K) and BOUND's (K + 1). */
typedef struct exch {
    const graph *g;
    size_t k, dim;     /* classes; dim = k + 2 */
    uint32_t *cls;     /* nw + 2 */
    int64_t *n;        /* dim x dim class bigram counts */
    int64_t *nc;       /* dim class counts */
    int64_t *out, *in; /* dim scratch: the moving word's bigrams by neighbour class */
    uint32_t *touched; /* classes with a nonzero out or in */
    size_t nt;
} exch;

/* gather: word w's bigram counts by neighbour class into out/in (touched listed); *self = w w. */
static void gather(exch *x, size_t w, int64_t *self)
{
    const graph *g = x->g;
    *self = 0, x->nt = 0;
    for (int dir = 0; dir < 2; dir++) {
        const size_t *off = dir ? g->lo : g->ro;
        const uint32_t *nb = dir ? g->ln : g->rn;
        const uint64_t *nc = dir ? g->lc : g->rc;
        int64_t *acc = dir ? x->in : x->out;
        for (size_t j = off[w]; j < off[w + 1]; j++) {
            if (nb[j] == w) {
                if (!dir) *self = (int64_t)nc[j];
                continue;
            }
            uint32_t c = x->cls[nb[j]];
            if (!x->out[c] && !x->in[c]) x->touched[x->nt++] = c;
            acc[c] += (int64_t)nc[j];
        }
    }
}

/* place: adds (sign 1) or removes (-1) word w with its gathered counts to/from class k. */
static void place(exch *x, size_t w, uint32_t k, int64_t self, int sign)
{
    for (size_t t = 0; t < x->nt; t++) {
        uint32_t c = x->touched[t];
        x->n[k * x->dim + c] += sign * x->out[c];
        x->n[c * x->dim + k] += sign * x->in[c];
    }
    x->n[k * x->dim + k] += sign * self;
    x->nc[k] += sign * (int64_t)x->g->count[w];
}

/* gain: the log-likelihood change of adding the (removed) word w to class k. */
static double gain(const exch *x, size_t w, uint32_t k, int64_t self)
{
    double d = 0;
    const int64_t *row = x->n + (size_t)k * x->dim;
    for (size_t t = 0; t < x->nt; t++) {
        uint32_t c = x->touched[t];
        if (c == k) continue;
        int64_t o = x->out[c], i = x->in[c];
        if (o) d += xlogx(row[c] + o) - xlogx(row[c]);
        if (i) d += xlogx(x->n[c * x->dim + k] + i) - xlogx(x->n[c * x->dim + k]);
    }
    int64_t kk = row[k];
    d += xlogx(kk + x->out[k] + x->in[k] + self) - xlogx(kk);
    int64_t cw = (int64_t)x->g->count[w];
    return d - 2 * (xlogx(x->nc[k] + cw) - xlogx(x->nc[k]));
}

/* exchange_pass: every kept word moved to its best class among the allowed ones (all K at the
 * first level, else the SPLIT children of its parent); the number of words moved. */
static size_t exchange_pass(exch *x, int top)
{
    size_t moved = 0;
    for (size_t w = 0; w < x->g->nw; w++) {
        int64_t self;
        gather(x, w, &self);
        uint32_t from = x->cls[w], best = from;
        place(x, w, from, self, -1);
        double bg = gain(x, w, from, self);
        uint32_t lo = top ? 0 : from / SPLIT * SPLIT, hi = top ? (uint32_t)x->k : lo + SPLIT;
        for (uint32_t k = lo; k < hi; k++) {
            if (k == from) continue;
            double d = gain(x, w, k, self);
            if (d > bg + 1e-9) bg = d, best = k;
        }
        place(x, w, best, self, 1);
        x->cls[w] = best, moved += best != from;
        for (size_t t = 0; t < x->nt; t++) x->out[x->touched[t]] = x->in[x->touched[t]] = 0;
    }
    return moved;
}

/* level_run: K classes from the start classes in cls (fixed ids set here), passes until few move.
 */
static int level_run(const graph *g, uint32_t *cls, size_t k, int top, int passes)
{
    exch x = {.g = g, .k = k, .dim = k + 2, .cls = cls};
    x.n = calloc(x.dim * x.dim, sizeof *x.n);
    x.nc = calloc(x.dim, sizeof *x.nc);
    x.out = calloc(x.dim, sizeof *x.out);
    x.in = calloc(x.dim, sizeof *x.in);
    x.touched = malloc(x.dim * sizeof *x.touched);
    int rc = x.n && x.nc && x.out && x.in && x.touched ? 0 : -1;
    cls[g->nw] = (uint32_t)k, cls[g->nw + 1] = (uint32_t)k + 1;
    for (size_t a = 0; !rc && a < g->nw + 2; a++) {
        x.nc[cls[a]] += (int64_t)g->count[a];
        for (size_t j = g->ro[a]; j < g->ro[a + 1]; j++)
            x.n[cls[a] * x.dim + cls[g->rn[j]]] += (int64_t)g->rc[j];
    }
    for (int p = 1; !rc && p <= passes; p++) {
        size_t moved = exchange_pass(&x, top);
        fprintf(stderr, PROG ": %zu classes, pass %d: %zu words moved\n", k, p, moved);
        if (moved * 1000 < g->nw) break;
    }
    free(x.n), free(x.nc), free(x.out), free(x.in), free(x.touched);
    return rc;
}

/* cluster: the 10-bit path of every kept word into cls (nw + 2). */
static int cluster(const graph *g, uint32_t *cls, int passes)
{
    for (size_t w = 0; w < g->nw; w++) cls[w] = (uint32_t)(w % TOP_CLASSES);
    size_t k = TOP_CLASSES;
    int rc = level_run(g, cls, k, 1, passes);
    for (int l = 1; !rc && l < LEVELS; l++) {
        size_t *seen = calloc(k, sizeof *seen);
        if (!seen) return -1;
        for (size_t w = 0; w < g->nw; w++) /* children round robin, most frequent first */
            cls[w] = cls[w] * SPLIT + (uint32_t)(seen[cls[w]]++ % SPLIT);
        free(seen);
        k *= SPLIT;
        rc = level_run(g, cls, k, 0, passes);
    }
    return rc;
}

/* ---- output ------------------------------------------------------------------------------ */

static const uint32_t *sort_cls;
static const graph *sort_graph;

static int by_path(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_cls[x] != sort_cls[y]) return sort_cls[x] < sort_cls[y] ? -1 : 1;
    return x < y ? -1 : x > y; /* ids are by count, then key */
}

/* write_clusters: the clusters file (see tagger_clusters.c) at path. */
static int write_clusters(const vocab *v, const graph *g, const uint32_t *cls, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    uint32_t *ids = malloc((g->nw + 1) * sizeof *ids);
    if (!m || !ids) return free(ids), m ? fclose(m) : 0, free(text), -1;
    for (size_t w = 0; w < g->nw; w++) ids[w] = (uint32_t)w;
    sort_cls = cls, sort_graph = g;
    qsort(ids, g->nw, sizeof *ids, by_path);
    fprintf(m, "news-ingest-ner-clusters 2\nbits %d\nwords %zu\n", NER_CL_BITS, g->nw);
    for (size_t i = 0; i < g->nw; i++) {
        uint32_t w = ids[i], vid = g->order[w];
        fprintf(m, "%016" PRIx64 " ", v->wkey[vid]);
        for (int b = NER_CL_BITS - 1; b >= 0; b--) fputc('0' + (int)(cls[w] >> b & 1), m);
        fprintf(m, " %" PRIu64 " %" PRIu64 " %s\n", v->count[vid], v->al[vid],
                v->forms + v->form[vid]);
    }
    free(ids);
    if (fclose(m)) return free(text), -1;
    FILE *f = fopen(path, "w");
    if (!f) return free(text), fprintf(stderr, PROG ": %s: cannot write\n", path), 1;
    fwrite(text, 1, len, f);
    fprintf(f, "checksum %016" PRIx64 "\n", (uint64_t)XXH3_64bits(text, len));
    free(text);
    if (fclose(f)) return fprintf(stderr, PROG ": %s: cannot write\n", path), 1;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest train-clusters [OPTIONS] TEXT...\n"
            "\n"
            "Learns word clusters for the entity tagger from unlabelled text: each TEXT is a\n"
            "JSON-lines file of articles (name containing .jsonl; its \"title\" and \"text\",\n"
            "one sentence per line) or a CoNLL file (first column, blank line between\n"
            "sentences), either gzip-compressed or plain. Words are the tagger's forms\n"
            "(normalized, proclitics removed); the classes of a class bigram model are found\n"
            "by the exchange algorithm: 16, then each split in 4 three times (a 10-bit path\n"
            "per word). The same inputs and options give a byte-identical file.\n"
            "\n"
            "options:\n"
            "  -o, --output PATH   clusters file to write (default models/ner-ar.clusters)\n"
            "  -m, --min-count N   words seen fewer times share one class (default %d)\n"
            "  -p, --passes N      exchange passes per level at most (default %d)\n"
            "  -h, --help          this text\n"
            "\n"
            "exit status: 0 written, 1 failed, 2 usage error or unreadable input.\n",
            DEFAULT_MIN_COUNT, DEFAULT_PASSES);
}

int cmd_train_clusters(int argc, char **argv)
{
    static const struct option longs[] = {{"output", required_argument, 0, 'o'},
                                          {"min-count", required_argument, 0, 'm'},
                                          {"passes", required_argument, 0, 'p'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *out = "models/ner-ar.clusters";
    long min_count = DEFAULT_MIN_COUNT, passes = DEFAULT_PASSES;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "o:m:p:h", longs, NULL)) != -1;) {
        char *e = NULL;
        long v = optarg && c != 'o' ? strtol(optarg, &e, 10) : 0;
        int ok = c == 'o' || (e && e != optarg && !*e && v >= 1 && v <= 1000000);
        if (c == 'o')
            out = optarg;
        else if (c == 'm')
            min_count = v;
        else if (c == 'p')
            passes = v;
        else if (c == 'h')
            return usage(stdout), 0;
        if (!ok || c == '?') {
            if (c != '?') fprintf(stderr, PROG ": bad value for -%c: %s\n", c, optarg);
            return usage(stderr), 2;
        }
    }
    if (optind >= argc) return usage(stderr), 2;
    vocab v = {0};
    v.mask = 1023;
    v.key = calloc(v.mask + 1, sizeof *v.key);
    v.slot = calloc(v.mask + 1, sizeof *v.slot);
    int rc = v.key && v.slot ? 0 : -1;
    for (int i = optind; !rc && i < argc; i++) rc = read_source(&v, argv[i]);
    graph g = {0};
    uint32_t *cls = NULL;
    if (!rc) rc = graph_build(&v, (uint64_t)min_count, &g);
    if (!rc && !(cls = calloc(g.nw + 2, sizeof *cls))) rc = -1;
    if (!rc) rc = cluster(&g, cls, (int)passes);
    if (!rc) rc = write_clusters(&v, &g, cls, out);
    free(cls);
    graph_free(&g);
    free(v.key), free(v.slot), free(v.wkey), free(v.count), free(v.al), free(v.form), free(v.forms),
        free(v.tok);
    if (rc < 0) return fprintf(stderr, PROG ": out of memory\n"), 1;
    if (rc) return 2;
    fprintf(stderr, PROG ": wrote %s\n", out);
    return 0;
}
