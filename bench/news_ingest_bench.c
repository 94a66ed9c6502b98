/* news_ingest_bench.c: single-thread throughput of the whole pipeline (pages/s, MB/s, peak RSS).
 * Usage: news-ingest-bench [SHARED_DIR [EXAMPLES_DIR]]  (defaults ../shared and examples). */
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
#include <zlib.h>

#define TEXT_SECONDS 3.0
#define HTML_PASSES 2

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
static result run(pipeline *p, const corpus *c, page_type type, double min_seconds, int max_passes)
{
    result r = {.inputs = c->n};
    pipeline_input in = {.hints = {.type = type}, .fetched_at = "2026-11-21T10:00:00Z"};
    double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
    for (int pass = 0; c->n && pass < max_passes; pass++) {
        for (size_t i = 0; i < c->n; i++) {
            in.bytes = c->data[i];
            in.len = c->len[i];
            pipeline_output out;
            pipeline_error err;
            if (pipeline_process(p, &in, &out, &err)) r.failed++;
            free(out.json);
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
enum { UPTO_PAGE, UPTO_EXTRACT, UPTO_NORMALIZE, UPTO_RECORD, STAGES };
static const char *const stage_names[STAGES] = {"page (decode)", "extract", "normalize",
                                                "record (build + JSON)"};

/* run_upto: the stages up to and including `last` on one input; 0 when they all succeeded. */
static int run_upto(extract_ctx *x, const pipeline_input *in, int last)
{
    char err[256], *json = NULL, id[33];
    size_t len;
    page *pg = NULL;
    article *a = NULL;
    int rc = page_decode(in->bytes, in->len, &in->hints, &pg, err, sizeof err);
    if (!rc && last >= UPTO_EXTRACT) rc = extract_article(x, pg, &a, err, sizeof err);
    if (!rc && last >= UPTO_NORMALIZE) rc = normalize_article(a, err, sizeof err);
    if (!rc && last >= UPTO_RECORD) {
        record_input ri = {a, pg, in->url, in->fetched_at, in->ingest, NULL};
        rc = record_json(&ri, &json, &len, id, err, sizeof err);
    }
    free(json);
    article_destroy(a);
    page_destroy(pg);
    return rc;
}

/* stage_split: CPU microseconds per page spent in each stage, from cumulative runs (decode;
 * decode + extract; ...) of at least min_seconds each. */
static void stage_split(const corpus *c, double min_seconds, double us[STAGES])
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
                run_upto(x, &in, last);
            }
        } while ((t = now(CLOCK_THREAD_CPUTIME_ID) - c0) < min_seconds);
        double per = t / (double)pages * 1e6;
        us[last] = per - prev;
        prev = per;
    }
    extract_ctx_destroy(x);
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
    run(p, &text, PAGE_TYPE_AUTO, 0, 1); /* warm-up: ICU data, allocator */
    result rt = run(p, &text, PAGE_TYPE_AUTO, TEXT_SECONDS, 1 << 30);
    rt.name = "text pages (seeds + examples)";
    result rh = run(p, &html, PAGE_TYPE_HTML, 1e9, HTML_PASSES);
    rh.name = "AEB HTML pages";
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
    if (text.n) {
        double us[STAGES] = {0}, total = 0;
        stage_split(&text, TEXT_SECONDS / 3, us);
        for (int k = 0; k < STAGES; k++) total += us[k];
        printf("\nText pages, CPU time per page by stage (cumulative runs of the stages, %.1f s "
               "each):\n\n| stage | us/page | share |\n|---|---|---|\n",
               TEXT_SECONDS / 3);
        for (int k = 0; k < STAGES; k++)
            printf("| %s | %.1f | %.0f%% |\n", stage_names[k], us[k],
                   total > 0 ? 100 * us[k] / total : 0);
        printf("| total | %.1f | 100%% |\n", total);
    }
    corpus_free(&text);
    corpus_free(&html);
    return 0;
}
