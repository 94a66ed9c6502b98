/* eval_ner.c: the named-entity tagger on ANERcorp's test split: exact-span micro P/R/F1 (CoNLL
 * chunking) overall and per type beside the published numbers, then speed, load time and memory,
 * then the knowledge base's matches in train.txt against its gold names. */
#include "entities/entities.h"
#include "entities/kb.h"
#include "entities/ner.h"
#include "entities/ner_train.h"
#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_TOKENS 2000000 /* tokens tagged for the speed figure */

/* The test corpus: words and gold tags, sentences as token offsets. */
typedef struct conll {
    char *buf;
    const char **word;
    size_t *len;
    ner_tag *gold;
    unsigned *gaz; /* knowledge-base hints of each token (ner_words_gaz) */
    size_t ntok;
    size_t *sent; /* nsent + 1 offsets */
    size_t nsent;
} conll;

static void conll_free(conll *c)
{
    free(c->buf), free(c->word), free(c->len), free(c->gold), free(c->sent), free(c->gaz);
}

/* conll_read: "WORD ... TAG" lines; 0 or -1 with a message on stderr. */
static int conll_read(const char *path, conll *c)
{
    size_t len;
    memset(c, 0, sizeof *c);
    if (!(c->buf = eval_read_gz(path, &len)))
        return fprintf(stderr, "ner: cannot read %s\n", path), -1;
    size_t lines = 2;
    for (size_t i = 0; i < len; i++) lines += c->buf[i] == '\n';
    c->word = malloc(lines * sizeof *c->word), c->len = malloc(lines * sizeof *c->len);
    c->gold = malloc(lines * sizeof *c->gold), c->sent = malloc((lines + 1) * sizeof *c->sent);
    if (!c->word || !c->len || !c->gold || !c->sent) return -1;
    c->sent[0] = 0;
    size_t line = 0;
    for (char *p = c->buf, *nl; p < c->buf + len; p = nl + 1) {
        if (!(nl = memchr(p, '\n', (size_t)(c->buf + len - p)))) nl = c->buf + len;
        *nl = '\0', line++;
        char *w = p + strspn(p, " \t\r"), *t = nl;
        if (!*w) {
            if (c->sent[c->nsent] < c->ntok) c->sent[++c->nsent] = c->ntok;
            continue;
        }
        while (t > w && strchr(" \t\r", t[-1])) *--t = '\0';
        while (t > w && !strchr(" \t", t[-1])) t--;
        size_t wl = strcspn(w, " \t");
        int tag = t > w + wl ? ner_tag_parse(t, strlen(t)) : -1;
        if (tag < 0) return fprintf(stderr, "ner: %s:%zu: expected WORD TAG\n", path, line), -1;
        w[wl] = '\0';
        c->word[c->ntok] = w, c->len[c->ntok] = wl, c->gold[c->ntok++] = (ner_tag)tag;
    }
    if (c->sent[c->nsent] < c->ntok) c->sent[++c->nsent] = c->ntok;
    return 0;
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* hints: the knowledge-base hints of every sentence of c (as the annotator gives them to the
 * tagger) into c->gaz; the KB load time in *ms. 0 or -1 with a message on stderr. */
static int hints(conll *c, double *ms, double *cpu_ms)
{
    static char path[4096];
    char err[512];
    const char *kp = ner_data_path(NER_KB_ENV, NER_KB_REL, path, sizeof path);
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
    ner_kb *kb = ner_kb_load(kp, err, sizeof err);
    *ms = 1000 * (now(CLOCK_MONOTONIC) - t0);
    *cpu_ms = 1000 * (now(CLOCK_THREAD_CPUTIME_ID) - c0);
    if (!kb) return fprintf(stderr, "ner: %s\n", err), -1;
    c->gaz = calloc(c->ntok + 1, sizeof *c->gaz);
    int rc = c->gaz ? 0 : -1;
    for (size_t s = 0; !rc && s < c->nsent; s++) {
        size_t a = c->sent[s];
        rc = ner_words_gaz(kb, c->word + a, c->len + a, c->sent[s + 1] - a, c->gaz + a, err,
                           sizeof err);
    }
    ner_kb_destroy(kb);
    if (rc) fprintf(stderr, "ner: KB hints: %s\n", c->gaz ? err : "out of memory");
    return rc ? -1 : 0;
}

/* rss_kb: resident set size of this process in KiB (0 when unknown). */
static long rss_kb(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    if (f) fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* tag_all: tags c into pred as `news-ingest tag --conll` does (one document, consistency within
 * NER_DOC_WINDOW sentences); 0 or -1. */
static int tag_all(const ner_model *m, const conll *c, ner_tag *pred)
{
    return ner_model_tag_doc(m, (const char *const *)c->word, c->len, c->sent, c->nsent, c->gaz,
                             NER_DOC_WINDOW, pred, NULL, 0)
               ? -1
               : 0;
}

static void print_scores(const conll *c, const ner_tag *pred)
{
    ner_span_counts sc = {0};
    for (size_t s = 0; s < c->nsent; s++)
        ner_spans_score(c->gold + c->sent[s], pred + c->sent[s], c->sent[s + 1] - c->sent[s], &sc);
    static const char *names[] = {"all (micro)", "PER", "ORG", "LOC", "MISC"};
    printf("| Type | Precision | Recall | F1 | Gold | Predicted | Correct |\n"
           "|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < 5; k++) {
        double p, r, f;
        ner_span_prf(&sc, k, &p, &r, &f);
        printf("| %s | %.2f | %.2f | %.2f | %zu | %zu | %zu |\n", names[k], 100 * p, 100 * r,
               100 * f, sc.tp[k] + sc.fn[k], sc.tp[k] + sc.fp[k], sc.tp[k]);
    }
    double p, r, f;
    ner_span_prf(&sc, 0, &p, &r, &f);
    printf("\n| System (ANERcorp, CAMeL Lab split) | Micro F1 |\n|---|---|\n"
           "| AraELECTRA (published) | 83.95 |\n| AraBERTv0.2 (published) | 83.7 |\n"
           "| BiLSTM-CRF (published) | 81.7 |\n| mBERT (published) | 78.4 |\n"
           "| **news-ingest tagger (this model)** | **%.2f** |\n"
           "| lexicon from train (published) | 52 |\n\n",
           100 * f);
}

/* print_speed: tokens/s/core of tag_all (tagging and document consistency) over repeated passes
 * (thread CPU time). */
static int print_speed(const ner_model *m, const conll *c, ner_tag *pred)
{
    size_t tokens = 0;
    double t0 = now(CLOCK_THREAD_CPUTIME_ID);
    while (tokens < BENCH_TOKENS) {
        if (tag_all(m, c, pred)) return -1;
        tokens += c->ntok;
    }
    double cpu = now(CLOCK_THREAD_CPUTIME_ID) - t0;
    printf("| Tagger speed (ner_model_tag_doc: tags + document consistency, thread CPU time) | "
           "%.0f tokens/s/core (%zu tokens in "
           "%.3f s) |\n",
           cpu > 0 ? (double)tokens / cpu : 0, tokens, cpu);
    return 0;
}

/* gold_span: tokens [a, b) are exactly one gold name of type k (1..4). */
static int gold_span(const conll *c, size_t a, size_t b, int k)
{
    if (c->gold[a] != (ner_tag)(2 * k - 1)) return 0;
    for (size_t i = a + 1; i < b; i++)
        if (c->gold[i] != (ner_tag)(2 * k)) return 0;
    return b >= c->ntok || c->gold[b] != (ner_tag)(2 * k);
}

/* print_kb: the knowledge base's matches in train.txt (no training involved) against the gold
 * names: the share with the same extent and type, for one-word names of up to 3 letters, other
 * one-word names and names of two or more words (what ann_kb_conf's values rest on). */
static int print_kb(const char *shared_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/anercorp/train.txt", shared_dir);
    conll c;
    double ms, cpu;
    if (conll_read(path, &c) || hints(&c, &ms, &cpu)) return conll_free(&c), -1;
    size_t n[3] = {0}, ok[3] = {0}, near[3] = {0};
    for (size_t s = 0; s < c.nsent; s++)
        for (size_t a = c.sent[s]; a < c.sent[s + 1]; a++) {
            unsigned g = c.gaz[a];
            if (!(g & NER_GAZ_BEGIN)) continue;
            int k = g & NER_GAZ_PER ? 1 : g & NER_GAZ_ORG ? 2 : g & NER_GAZ_LOC ? 3 : 4;
            unsigned bit = 1u << (k - 1);
            size_t b = a + 1;
            while (b < c.sent[s + 1] && (c.gaz[b] & bit) && !(c.gaz[b] & NER_GAZ_BEGIN)) b++;
            size_t letters = 0;
            for (size_t i = 0; i < c.len[a]; i++)
                letters += ((unsigned char)c.word[a][i] & 0xC0) != 0x80;
            int cls = b - a > 1 ? 2 : letters > 3;
            int over = 0;
            for (size_t i = a; i < b; i++)
                over |= c.gold[i] == (ner_tag)(2 * k - 1) || c.gold[i] == (ner_tag)(2 * k);
            n[cls]++, ok[cls] += gold_span(&c, a, b, k), near[cls] += over;
        }
    printf("| KB matches in train.txt | matches | same extent and type | overlapping a name of "
           "the type |\n|---|---|---|---|\n");
    static const char *names[] = {"one word of up to 3 letters (as written)", "one longer word",
                                  "two or more words"};
    for (int k = 0; k < 3; k++)
        printf("| %s | %zu | %.3f | %.3f |\n", names[k], n[k],
               n[k] ? (double)ok[k] / (double)n[k] : 0, n[k] ? (double)near[k] / (double)n[k] : 0);
    printf("\n");
    conll_free(&c);
    return 0;
}

int eval_ner(const char *shared_dir, int verbose)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/data/anercorp/test.txt", shared_dir);
    conll c;
    if (conll_read(path, &c)) return conll_free(&c), 1;
    static char mbuf[4096];
    const char *mp = ner_data_path(NER_MODEL_ENV, NER_MODEL_REL, mbuf, sizeof mbuf);
    double kb_ms = 0, kb_cpu = 0;
    if (hints(&c, &kb_ms, &kb_cpu)) return conll_free(&c), 1;
    long rss0 = rss_kb();
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
    ner_model *m = ner_model_load(mp, err, sizeof err);
    double load_ms = 1000 * (now(CLOCK_MONOTONIC) - t0);
    double load_cpu_ms = 1000 * (now(CLOCK_THREAD_CPUTIME_ID) - c0);
    long rss1 = rss_kb();
    ner_tag *pred = malloc((c.ntok + 1) * sizeof *pred);
    if (!m || !pred) {
        fprintf(stderr, "ner: %s\n", m ? "out of memory" : err);
        return ner_model_destroy(m), free(pred), conll_free(&c), 1;
    }
    printf("## Named entities: ANERcorp test split (%zu sentences, %zu tokens), model %s, "
           "knowledge-base hints as in the annotator, names spread within %d sentences as by "
           "`tag --conll`\n\n",
           c.nsent, c.ntok, mp, NER_DOC_WINDOW);
    int rc = tag_all(m, &c, pred);
    if (!rc) print_scores(&c, pred);
    if (!rc && verbose)
        for (size_t i = 0; i < c.ntok; i++)
            if (pred[i] != c.gold[i])
                fprintf(stderr, "%zu %s gold %s predicted %s\n", i, c.word[i],
                        ner_tag_name(c.gold[i]), ner_tag_name(pred[i]));
    printf("| Measure | Value |\n|---|---|\n| Model load | %.1f ms wall, %.1f ms CPU |\n"
           "| Model memory (RSS delta at load) | %.1f MiB |\n"
           "| KB load (hints for the tagger, as in the annotator) | %.1f ms wall, %.1f ms CPU |\n",
           load_ms, load_cpu_ms, (double)(rss1 - rss0) / 1024, kb_ms, kb_cpu);
    if (!rc) rc = print_speed(m, &c, pred);
    printf("\n");
    if (!rc) rc = print_kb(shared_dir);
    ner_model_destroy(m);
    free(pred);
    conll_free(&c);
    return rc ? 1 : 0;
}
