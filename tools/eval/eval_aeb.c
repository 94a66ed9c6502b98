/* eval_aeb.c: the Article Extraction Benchmark: every page through pipeline_process(), the
 * record's body scored with AEB's metric (word 4-gram shingles, per-page normalized, averaged). */
#include "eval.h"

#include "pipeline/pipeline.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct page_score {
    const char *id;
    double f1;
} page_score;

static const struct {
    const char *name;
    double f1;
} peers[] = {
    {"go-trafilatura", 0.960}, {"trafilatura", 0.958},      {"newspaper4k", 0.949},
    {"Readability.js", 0.947}, {"readability-lxml", 0.922}, {"goose3", 0.896},
    {"jusText", 0.804},        {"whole-page text", 0.665},
};

static double page_f1(eval_counts c)
{
    double p = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0,
           r = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
    if (c.fp == 0 && c.fn == 0) return 1.0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static int cmp_score(const void *a, const void *b)
{
    double x = ((const page_score *)a)->f1, y = ((const page_score *)b)->f1;
    return x < y ? -1 : x > y;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* body_of: the record's body for one page ("" when the pipeline failed; reported on stderr). */
static char *body_of(pipeline *p, const char *path, const char *url, double *secs)
{
    size_t len = 0;
    char *html = eval_read_gz(path, &len);
    if (!html) {
        fprintf(stderr, "aeb: cannot read %s\n", path);
        return strdup("");
    }
    pipeline_input in = {.bytes = html, .len = len, .hints = {PAGE_TYPE_HTML, NULL, 0}, .url = url};
    pipeline_output out;
    pipeline_error err;
    double t0 = now();
    int rc = pipeline_process(p, &in, &out, &err);
    *secs += now() - t0;
    free(html);
    if (rc) {
        fprintf(stderr, "aeb: %s: %s stage: %s\n", path, err.stage, err.message);
        return strdup("");
    }
    cJSON *rec = cJSON_Parse(out.json);
    pipeline_output_free(&out);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(rec, "body");
    char *s = strdup(cJSON_IsString(body) ? body->valuestring : "");
    cJSON_Delete(rec);
    return s;
}

/* peer_score: trafilatura's bodies (eval_peer_dir/trafilatura-aeb.json) scored as ours; counts is
 * reused as scratch. Leaves label empty when the file is missing. */
static void peer_score(const cJSON *gt, eval_counts *counts, size_t n, eval_prf *m, char *label,
                       size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/trafilatura-aeb.json", eval_peer_dir);
    char *text = eval_read_gz(path, NULL);
    cJSON *peer = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!peer) {
        fprintf(stderr, "aeb: no peer output %s\n", path);
        return;
    }
    size_t k = 0;
    for (const cJSON *e = gt->child; e && k < n; e = e->next, k++) {
        const cJSON *truth = cJSON_GetObjectItemCaseSensitive(e, "articleBody");
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(peer, e->string), "body");
        counts[k] = eval_shingles(cJSON_IsString(truth) ? truth->valuestring : "",
                                  cJSON_IsString(body) ? body->valuestring : "", 4);
    }
    *m = eval_prf_mean(counts, n);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(peer, "_meta"), "version");
    snprintf(label, cap, "trafilatura %s", cJSON_IsString(v) ? v->valuestring : "");
    cJSON_Delete(peer);
}

int eval_aeb(const char *shared_dir, int verbose)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/aeb/ground-truth.json", shared_dir);
    char *gt_text = eval_read_gz(path, NULL);
    cJSON *gt = gt_text ? cJSON_Parse(gt_text) : NULL;
    free(gt_text);
    char errstr[256];
    pipeline *p = gt ? pipeline_create(errstr, sizeof errstr) : NULL;
    if (!p) {
        fprintf(stderr, "aeb: cannot load %s\n", path);
        cJSON_Delete(gt);
        return 1;
    }
    size_t n = (size_t)cJSON_GetArraySize(gt), k = 0;
    eval_counts *counts = calloc(n, sizeof *counts);
    page_score *scores = calloc(n, sizeof *scores);
    double secs = 0;
    for (const cJSON *e = gt->child; e; e = e->next, k++) {
        const cJSON *truth = cJSON_GetObjectItemCaseSensitive(e, "articleBody");
        const cJSON *url = cJSON_GetObjectItemCaseSensitive(e, "url");
        snprintf(path, sizeof path, "%s/data/aeb/html/%s.html.gz", shared_dir, e->string);
        char *body = body_of(p, path, cJSON_IsString(url) ? url->valuestring : NULL, &secs);
        counts[k] = eval_shingles(cJSON_IsString(truth) ? truth->valuestring : "", body, 4);
        scores[k] = (page_score){e->string, page_f1(counts[k])};
        free(body);
    }
    eval_prf m = eval_prf_mean(counts, n), pm = {0, 0, 0};
    char peer_label[64] = "";
    if (eval_peer_dir) peer_score(gt, counts, n, &pm, peer_label, sizeof peer_label);
    printf("\n## AEB (%zu pages, word 4-gram shingles)\n\n", n);
    printf("| extractor | precision | recall | F1 |\n|---|---|---|---|\n");
    printf("| **news-ingest** | %.3f | %.3f | **%.3f** |\n", m.precision, m.recall, m.f1);
    if (peer_label[0])
        printf("| %s (run here) | %.3f | %.3f | %.3f |\n", peer_label, pm.precision, pm.recall,
               pm.f1);
    for (size_t i = 0; i < sizeof peers / sizeof *peers; i++)
        printf("| %s (published) | | | %.3f |\n", peers[i].name, peers[i].f1);
    if (verbose) {
        qsort(scores, n, sizeof *scores, cmp_score);
        printf("\nper page F1, worst first:\n");
        for (size_t i = 0; i < n; i++) printf("%.3f %s\n", scores[i].f1, scores[i].id);
        fprintf(stderr, "aeb: pipeline %.1f pages/s (one thread, %.3f s)\n", (double)n / secs,
                secs);
    }
    free(counts);
    free(scores);
    pipeline_destroy(p);
    cJSON_Delete(gt);
    return 0;
}
