/* news_ingest_bench.c: single-thread throughput of the whole pipeline (pages/s, MB/s, peak RSS),
 * with and without entity annotation, and the entity model's load time, memory and tagger speed.
 * Usage: news-ingest-bench [SHARED_DIR [EXAMPLES_DIR]]  (defaults ../shared and examples; the
 * model and KB from $NEWS_INGEST_NER_MODEL / $NEWS_INGEST_KB, else beside the executable). */
#include "entities/entities.h"
#include "extract/extract.h"
#include "normalize/normalize.h"
#include "page/page.h"
#include "pipeline/pipeline.h"
#include "record/record.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define TEXT_SECONDS 3.0
#define HTML_PASSES 2
#define TAG_SECONDS 1.0

typedef struct corpus {
    char **data;
    size_t *len;
    size_t n, bytes;
} corpus;

/* The measurement of one corpus. */
typedef struct result {
    const char *name;
    size_t inputs;
    unsigned long long pages, failed, bytes;
    double cpu, wall;
    long rss_kb;
} result;

static double now(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read_any: whole file, gunzipped when it ends in .gz; NULL on failure. */
static char *read_any(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb"); /* reads plain files transparently */
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int r;
    while (buf && (r = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    gzclose(f);
    *len = n;
    return buf;
}

/* corpus_add_glob: adds every file matching pattern; returns how many were added. */
static size_t corpus_add_glob(corpus *c, const char *pattern)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g)) return 0;
    size_t added = 0;
    c->data = realloc(c->data, (c->n + g.gl_pathc) * sizeof *c->data);
    c->len = realloc(c->len, (c->n + g.gl_pathc) * sizeof *c->len);
    for (size_t i = 0; c->data && c->len && i < g.gl_pathc; i++) {
        size_t len;
        char *d = read_any(g.gl_pathv[i], &len);
        if (!d) continue;
        c->data[c->n] = d;
        c->len[c->n++] = len;
        c->bytes += len;
        added++;
    }
    globfree(&g);
    return added;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->data[i]);
    free(c->data);
    free(c->len);
}

/* run: passes over the corpus until min_seconds of CPU time or max_passes passes are done. */
static result run(pipeline *p, const ner_resources *ner, const corpus *c, page_type type,
                  double min_seconds, int max_passes)
{
    result r = {.inputs = c->n};
    pipeline_input in = {.hints = {.type = type}, .fetched_at = "2026-11-21T10:00:00Z", .ner = ner};
    double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
    for (int pass = 0; c->n && pass < max_passes; pass++) {
        for (size_t i = 0; i < c->n; i++) {
            in.bytes = c->data[i];
            in.len = c->len[i];
            pipeline_output out;
            pipeline_error err;
            if (pipeline_process(p, &in, &out, &err)) r.failed++;
            pipeline_output_free(&out);
            r.pages++;
            r.bytes += c->len[i];
        }
        if (now(CLOCK_THREAD_CPUTIME_ID) - c0 >= min_seconds) break;
    }
    r.cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
    r.wall = now(CLOCK_MONOTONIC) - w0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.rss_kb = ru.ru_maxrss;
    return r;
}

/* The stages a text page goes through, as the engine runs them. */
enum { UPTO_PAGE, UPTO_EXTRACT, UPTO_NORMALIZE, UPTO_ENTITIES, UPTO_RECORD, STAGES };
static const char *const stage_names[STAGES] = {"page (decode)", "extract", "normalize",
                                                "entities (annotate)", "record (build + JSON)"};

/* annotate: the entities stage as the engine runs it (title, joined body). */
static int annotate(const ner_resources *ner, const article *a, ner_entities *e, char *err,
                    size_t errlen)
{
    sbuf body = SBUF_INIT;
    const char *title = a->title ? a->title : "";
    int rc = record_body_append(a, &body);
    if (!rc)
        rc = ner_annotate(ner, title, strlen(title), body.data ? body.data : "", body.len,
                          a->language, e, err, errlen);
    sbuf_free(&body);
    return rc;
}

/* run_upto: the stages up to and including `last` on one input (the entities stage only with
 * ner); 0 when they all succeeded. */
static int run_upto(extract_ctx *x, const ner_resources *ner, const pipeline_input *in, int last)
{
    char err[256], *json = NULL, id[33];
    size_t len;
    page *pg = NULL;
    article *a = NULL;
    ner_entities e = {0};
    int rc = page_decode(in->bytes, in->len, &in->hints, &pg, err, sizeof err);
    if (!rc && last >= UPTO_EXTRACT) rc = extract_article(x, pg, &a, err, sizeof err);
    if (!rc && last >= UPTO_NORMALIZE) rc = normalize_article(a, err, sizeof err);
    if (!rc && last >= UPTO_ENTITIES && ner) rc = annotate(ner, a, &e, err, sizeof err);
    if (!rc && last >= UPTO_RECORD) {
        record_input ri = {a, pg, in->url, in->fetched_at, in->ingest, ner ? &e : NULL, NULL, NULL};
        rc = record_json(&ri, &json, &len, id, err, sizeof err);
    }
    free(json);
    ner_entities_free(&e);
    article_destroy(a);
    page_destroy(pg);
    return rc;
}

/* stage_split: CPU microseconds per page spent in each stage, from cumulative runs (decode;
 * decode + extract; ...) of at least min_seconds each. */
static void stage_split(const corpus *c, const ner_resources *ner, double min_seconds,
                        double us[STAGES])
{
    char errstr[256];
    extract_ctx *x = extract_ctx_create(errstr, sizeof errstr);
    pipeline_input in = {.hints = {.type = PAGE_TYPE_AUTO}, .fetched_at = "2026-11-21T10:00:00Z"};
    double prev = 0;
    for (int last = 0; x && c->n && last < STAGES; last++) {
        unsigned long long pages = 0;
        double c0 = now(CLOCK_THREAD_CPUTIME_ID), t;
        do {
            for (size_t i = 0; i < c->n; i++, pages++) {
                in.bytes = c->data[i];
                in.len = c->len[i];
                run_upto(x, ner, &in, last);
            }
        } while ((t = now(CLOCK_THREAD_CPUTIME_ID) - c0) < min_seconds);
        double per = t / (double)pages * 1e6;
        us[last] = per - prev;
        prev = per;
    }
    extract_ctx_destroy(x);
}

/* vm_rss_kb: the process's resident set now (VmRSS), in KB; 0 when unknown. */
static long vm_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

/* The entity figures. */
typedef struct ner_figures {
    double load_ms;      /* wall time of ner_resources_load */
    long rss_added_kb;   /* VmRSS after the load minus before */
    double tokens_per_s; /* ner_model_tag, per CPU-second */
    unsigned long long tokens;
} ner_figures;

/* load_ner: the model and KB, timed and measured; NULL with a message on stderr. */
static ner_resources *load_ner(ner_figures *f)
{
    char mb[4096], kb[4096], err[512];
    const char *mp = ner_data_path(NER_MODEL_ENV, NER_MODEL_REL, mb, sizeof mb);
    const char *kp = ner_data_path(NER_KB_ENV, NER_KB_REL, kb, sizeof kb);
    long rss0 = vm_rss_kb();
    double w0 = now(CLOCK_MONOTONIC);
    ner_resources *r = ner_resources_load(mp, kp, err, sizeof err);
    f->load_ms = (now(CLOCK_MONOTONIC) - w0) * 1e3;
    f->rss_added_kb = vm_rss_kb() - rss0;
    if (!r) fprintf(stderr, "news-ingest-bench: no entity figures: %s\n", err);
    return r;
}

/* tag_sentences: ner_model_tag over the tokens of t, sentence by sentence; tokens tagged. */
static size_t tag_sentences(const ner_model *m, const ner_tokens *t, const char **w, size_t *l,
                            ner_tag *tags)
{
    size_t done = 0;
    for (size_t a = 0; a < t->n;) {
        size_t b = a + 1;
        while (b < t->n && !t->v[b].sentence_start) b++;
        for (size_t i = a; i < b; i++) w[i - a] = t->v[i].surface, l[i - a] = t->v[i].surface_len;
        if (ner_model_tag(m, w, l, b - a, NULL, tags, NULL, 0)) return done;
        done += b - a;
        a = b;
    }
    return done;
}

/* tag_speed: tokens/s/core of the tagger alone on the text corpus (tokenized beforehand). */
static void tag_speed(const ner_resources *r, const corpus *c, ner_figures *f)
{
    ner_tokens t = {0};
    char err[256];
    for (size_t i = 0; i < c->n; i++)
        if (ner_tokenize(c->data[i], c->len[i], &t, err, sizeof err)) break;
    const char **w = malloc((t.n + 1) * sizeof *w);
    size_t *l = malloc((t.n + 1) * sizeof *l);
    ner_tag *tags = malloc((t.n + 1) * sizeof *tags);
    double c0 = now(CLOCK_THREAD_CPUTIME_ID), cpu = 0;
    while (w && l && tags && t.n && (cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0) < TAG_SECONDS)
        f->tokens += tag_sentences(ner_resources_model(r), &t, w, l, tags);
    f->tokens_per_s = cpu > 0 ? (double)f->tokens / cpu : 0;
    free(w), free(l), free(tags);
    ner_tokens_free(&t);
}

/* print_ner: the entity section: load, memory, annotated throughput against the plain run. */
static void print_ner(const ner_figures *f, const result *plain, const result *annotated)
{
    double a = annotated->cpu > 0 ? (double)annotated->pages / annotated->cpu : 0;
    double b = plain->cpu > 0 ? (double)plain->pages / plain->cpu : 0;
    printf("\nEntities (model + knowledge base, `entities` stage):\n\n| figure | value |\n"
           "|---|---|\n");
    printf("| model + KB load (wall) | %.1f ms |\n", f->load_ms);
    printf("| resident memory added by the load (VmRSS after - before) | %.1f MB |\n",
           (double)f->rss_added_kb / 1024.0);
    printf("| annotated text pages/s/core (pipeline with entities) | %.0f |\n", a);
    printf("| text pages/s/core without entities (same loop) | %.0f |\n", b);
    printf("| tagger tokens/s/core (ner_model_tag alone, %llu tokens of the text pages) | %.0f |\n",
           f->tokens, f->tokens_per_s);
}

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10)) continue;
        const char *v = strchr(line, ':');
        if (v) snprintf(buf, len, "%s", v + 2);
        buf[strcspn(buf, "\n")] = '\0';
        break;
    }
    if (f) fclose(f);
}

static void row(const result *r)
{
    double mb = (double)r->bytes / 1e6;
    printf("| %s | %zu | %llu | %llu | %.0f | %.1f | %.0f | %.1f |\n", r->name, r->inputs, r->pages,
           r->failed, r->cpu > 0 ? (double)r->pages / r->cpu : 0, r->cpu > 0 ? mb / r->cpu : 0,
           r->wall > 0 ? (double)r->pages / r->wall : 0, (double)r->rss_kb / 1024.0);
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : "../shared";
    const char *examples = argc > 2 ? argv[2] : "examples";
    char pat[4096], errstr[256], cpu[256];
    corpus text = {0}, html = {0};
    snprintf(pat, sizeof pat, "%s/seeds/*.txt", shared);
    size_t nseeds = corpus_add_glob(&text, pat);
    snprintf(pat, sizeof pat, "%s/*.txt", examples);
    size_t nex = corpus_add_glob(&text, pat);
    snprintf(pat, sizeof pat, "%s/data/aeb/html/*.gz", shared);
    corpus_add_glob(&html, pat);
    if (!text.n && !html.n) {
        fprintf(stderr, "news-ingest-bench: no pages under %s (seeds, data/aeb) or %s\n", shared,
                examples);
        return 1;
    }
    pipeline *p = pipeline_create(errstr, sizeof errstr);
    if (!p) {
        fprintf(stderr, "news-ingest-bench: %s\n", errstr);
        return 1;
    }
    run(p, NULL, &text, PAGE_TYPE_AUTO, 0, 1); /* warm-up: ICU data, allocator */
    result rt = run(p, NULL, &text, PAGE_TYPE_AUTO, TEXT_SECONDS, 1 << 30);
    rt.name = "text pages (seeds + examples)";
    result rh = run(p, NULL, &html, PAGE_TYPE_HTML, 1e9, HTML_PASSES);
    rh.name = "AEB HTML pages";
    ner_figures nf = {0};
    ner_resources *ner = load_ner(&nf);
    result re = {0};
    if (ner) {
        run(p, ner, &text, PAGE_TYPE_AUTO, 0, 1);
        re = run(p, ner, &text, PAGE_TYPE_AUTO, TEXT_SECONDS, 1 << 30);
        re.name = "text pages + entities";
        tag_speed(ner, &text, &nf);
    }
    pipeline_destroy(p);

    cpu_model(cpu, sizeof cpu);
    printf("news-ingest %s benchmark: whole pipeline (decode, extract, normalize, record JSON), "
           "one thread, in-memory inputs.\n\n",
           NI_VERSION);
    printf("- CPU: %s\n", cpu);
    printf("- text: %zu seed + %zu example pages (%.1f KB average), looped for >= %.0f s CPU\n",
           nseeds, nex, text.n ? (double)text.bytes / (double)text.n / 1024 : 0, TEXT_SECONDS);
    printf("- AEB: %zu HTML pages (%.1f KB average, gunzipped before timing), %d passes\n", html.n,
           html.n ? (double)html.bytes / (double)html.n / 1024 : 0, HTML_PASSES);
    printf("- pages/s and MB/s per CPU-second of the thread; peak RSS is the process maximum "
           "(getrusage ru_maxrss) after the run, inputs included\n\n");
    printf("| corpus | inputs | pages run | failed | pages/s (CPU) | MB/s (CPU) | pages/s (wall) | "
           "peak RSS MB |\n|---|---|---|---|---|---|---|---|\n");
    row(&rt);
    row(&rh);
    if (ner) row(&re);
    if (text.n) {
        double us[STAGES] = {0}, total = 0;
        stage_split(&text, ner, TEXT_SECONDS / 3, us);
        for (int k = 0; k < STAGES; k++) total += us[k];
        printf("\nText pages, CPU time per page by stage (cumulative runs of the stages, %.1f s "
               "each):\n\n| stage | us/page | share |\n|---|---|---|\n",
               TEXT_SECONDS / 3);
        for (int k = 0; k < STAGES; k++)
            printf("| %s | %.1f | %.0f%% |\n", stage_names[k], us[k],
                   total > 0 ? 100 * us[k] / total : 0);
        printf("| total | %.1f | 100%% |\n", total);
    }
    if (ner) print_ner(&nf, &rt, &re);
    ner_resources_unref(ner);
    corpus_free(&text);
    corpus_free(&html);
    return 0;
}
