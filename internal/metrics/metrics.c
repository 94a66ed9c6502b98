/* metrics.c: the worker's metric registry (mutex-protected) and its Prometheus text exposition. */
#include "metrics/metrics.h"

#include "util/err.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One sample: a label value (NULL for none; the topic for lag) and, for lag, the partition. */
typedef struct series {
    char *label;
    int partition;
    int seen; /* metrics_stats_apply's mark */
    double v;
} series;

typedef struct family {
    series *s;
    size_t n, cap;
} family;

/* Families in rendering order; the histogram is rendered after F_DELIVERY_ERRORS. */
enum {
    F_CONSUMED,
    F_PRODUCED,
    F_DLQ,
    F_DELIVERY_ERRORS,
    F_LAG,
    F_INFLIGHT,
    F_STUCK,
    F_ASSIGNED,
    F_REBALANCES,
    F_NER_RELOADS,
    F_FETCH_REQUESTS,
    F_FETCH_INFLIGHT,
    F_FETCH_BYTES,
    F_READY,
    F_BUILD,
    F_COMMITS,
    F_CONSUMER_BLOCKED,
    F_COUNT
};

typedef struct family_def {
    const char *name, *type, *label, *help;
} family_def;

static const family_def defs[F_COUNT] = {
    {"news_ingest_messages_consumed_total", "counter", "topic",
     "Messages consumed from the input topic."},
    {"news_ingest_records_produced_total", "counter", "topic",
     "Messages delivered (records, dead-letter copies, entity events) by destination topic."},
    {"news_ingest_dlq_total", "counter", "reason",
     "Messages sent to the dead-letter topic, by reason."},
    {"news_ingest_delivery_errors_total", "counter", "topic",
     "Failed delivery reports, by destination topic."},
    {"news_ingest_consumer_lag", "gauge", "topic",
     "Consumer lag in messages per assigned partition (librdkafka statistics)."},
    {"news_ingest_inflight_messages", "gauge", NULL,
     "Messages consumed whose outputs are not all delivered yet."},
    {"news_ingest_stuck_partitions", "gauge", NULL,
     "Partitions that cannot advance because a delivery failed."},
    {"news_ingest_assigned_partitions", "gauge", NULL, "Partitions assigned to this worker."},
    {"news_ingest_rebalances_total", "counter", NULL, "Consumer group rebalances seen."},
    {"news_ingest_ner_reloads_total", "counter", "result",
     "Reloads of the entity model and knowledge base (SIGHUP), by result (ok, error)."},
    {"news_ingest_fetch_requests_total", "counter", "result",
     "URLs fetched for URL-only messages, by outcome (ok, http_4xx, fetch_failed, too_large, "
     "robots_disallowed)."},
    {"news_ingest_fetch_inflight", "gauge", NULL, "Fetches running now."},
    {"news_ingest_fetch_bytes_total", "counter", NULL, "Decoded bytes received by fetches."},
    {"news_ingest_ready", "gauge", NULL, "1 when the worker is ready (what /readyz answers)."},
    {"news_ingest_build_info", "gauge", "version", "Build information; always 1."},
    {"news_ingest_commits_total", "counter", "result",
     "Offset commits acknowledged (ok) or refused (error) by the group coordinator."},
    {"news_ingest_consumer_blocked", "gauge", NULL,
     "1 while the consumer cannot read a fetch response from a broker (a message batch larger "
     "than receive.message.max.bytes): the partitions it leads cannot advance."},
};

#define NBOUNDS 16
/* A histogram's fixed part: name, help and bucket bounds (ascending). */
typedef struct hist_def {
    const char *name, *help;
    double bounds[NBOUNDS];
    int after; /* rendered after this family */
} hist_def;

enum { H_PROCESSING, H_FETCH, H_COUNT };
static const hist_def hdefs[H_COUNT] = {
    {"news_ingest_processing_seconds",
     "Processing time per message in seconds.",
     {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      10},
     F_DELIVERY_ERRORS},
    {"news_ingest_fetch_seconds",
     "Time per fetched URL in seconds, from submission to the end (queueing and retries "
     "included).",
     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300},
     F_FETCH_REQUESTS},
};

typedef struct hist {
    unsigned long long b[NBOUNDS + 1]; /* per bucket, not cumulative; last = above the top */
    unsigned long long count;
    double sum;
} hist;

struct metrics {
    pthread_mutex_t lock;
    family f[F_COUNT];
    hist h[H_COUNT];
};

/* series_find: the sample with this label (NULL = none) and partition; created when asked.
 * Caller holds the lock. NULL when absent or out of memory. */
static series *series_find(family *f, const char *label, int partition, int create)
{
    for (size_t i = 0; i < f->n; i++) {
        const char *l = f->s[i].label;
        if (f->s[i].partition == partition && (l == label || (l && label && !strcmp(l, label))))
            return &f->s[i];
    }
    if (!create) return NULL;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        series *s = realloc(f->s, cap * sizeof *s);
        if (!s) return NULL;
        f->s = s;
        f->cap = cap;
    }
    char *copy = label ? strdup(label) : NULL;
    if (label && !copy) return NULL;
    f->s[f->n] = (series){copy, partition, 0, 0};
    return &f->s[f->n++];
}

static void series_remove(family *f, size_t i)
{
    free(f->s[i].label);
    f->s[i] = f->s[--f->n];
}

/* add / set: one update under the lock; a sample that cannot be allocated is skipped. */
static void update(metrics *m, int fam, const char *label, double v, int add)
{
    if (!m) return;
    if (defs[fam].label && !label) label = "";
    pthread_mutex_lock(&m->lock);
    series *s = series_find(&m->f[fam], defs[fam].label ? label : NULL, 0, 1);
    if (s) s->v = add ? s->v + v : v;
    pthread_mutex_unlock(&m->lock);
}

metrics *metrics_create(const char *version)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    pthread_mutex_init(&m->lock, NULL);
    int ok = 1;
    for (int i = 0; i < F_COUNT && ok; i++)
        if (!defs[i].label) ok = series_find(&m->f[i], NULL, 0, 1) != NULL;
    series *b = ok ? series_find(&m->f[F_BUILD], version ? version : "", 0, 1) : NULL;
    if (!b) {
        metrics_destroy(m);
        return NULL;
    }
    b->v = 1;
    return m;
}

void metrics_destroy(metrics *m)
{
    if (!m) return;
    for (int i = 0; i < F_COUNT; i++) {
        for (size_t j = 0; j < m->f[i].n; j++) free(m->f[i].s[j].label);
        free(m->f[i].s);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void metrics_consumed_inc(metrics *m, const char *topic)
{
    update(m, F_CONSUMED, topic, 1, 1);
}

void metrics_produced_inc(metrics *m, const char *topic)
{
    update(m, F_PRODUCED, topic, 1, 1);
}

void metrics_dlq_inc(metrics *m, const char *reason)
{
    update(m, F_DLQ, reason, 1, 1);
}

void metrics_delivery_error_inc(metrics *m, const char *topic)
{
    update(m, F_DELIVERY_ERRORS, topic, 1, 1);
}

void metrics_delivery_errors_declare(metrics *m, const char *topic)
{
    update(m, F_DELIVERY_ERRORS, topic, 0, 1);
}

void metrics_rebalances_inc(metrics *m)
{
    update(m, F_REBALANCES, NULL, 1, 1);
}

void metrics_ner_reload_inc(metrics *m, int ok)
{
    update(m, F_NER_RELOADS, ok ? "ok" : "error", 1, 1);
}

void metrics_commit_inc(metrics *m, int ok)
{
    update(m, F_COMMITS, ok ? "ok" : "error", 1, 1);
}

void metrics_inflight_set(metrics *m, long n)
{
    update(m, F_INFLIGHT, NULL, (double)n, 0);
}

void metrics_stuck_set(metrics *m, long n)
{
    update(m, F_STUCK, NULL, (double)n, 0);
}

void metrics_consumer_blocked_set(metrics *m, int blocked)
{
    update(m, F_CONSUMER_BLOCKED, NULL, blocked ? 1 : 0, 0);
}

void metrics_assigned_set(metrics *m, long n)
{
    update(m, F_ASSIGNED, NULL, (double)n, 0);
}

void metrics_ready_set(metrics *m, int ready)
{
    update(m, F_READY, NULL, ready ? 1 : 0, 0);
}

static void hist_observe(metrics *m, int which, double seconds)
{
    if (!m || isnan(seconds)) return;
    if (seconds < 0) seconds = 0;
    size_t b = 0;
    while (b < NBOUNDS && seconds > hdefs[which].bounds[b]) b++;
    pthread_mutex_lock(&m->lock);
    m->h[which].b[b]++;
    m->h[which].count++;
    m->h[which].sum += seconds;
    pthread_mutex_unlock(&m->lock);
}

void metrics_processing_observe(metrics *m, double seconds)
{
    hist_observe(m, H_PROCESSING, seconds);
}

void metrics_fetch_observe(metrics *m, const char *result, double seconds)
{
    update(m, F_FETCH_REQUESTS, result, 1, 1);
    hist_observe(m, H_FETCH, seconds);
}

void metrics_fetch_set(metrics *m, long inflight, unsigned long long bytes)
{
    update(m, F_FETCH_INFLIGHT, NULL, (double)inflight, 0);
    update(m, F_FETCH_BYTES, NULL, (double)bytes, 0);
}

void metrics_lag_set(metrics *m, const char *topic, int partition, long long lag)
{
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    family *f = &m->f[F_LAG];
    series *s = series_find(f, topic ? topic : "", partition, lag >= 0);
    if (s && lag >= 0) s->v = (double)lag;
    if (s && lag < 0) series_remove(f, (size_t)(s - f->s));
    pthread_mutex_unlock(&m->lock);
}

/* ---- librdkafka statistics ---- */

typedef struct lag_entry {
    const char *topic; /* borrowed from the parsed JSON */
    int partition;
    double lag;
} lag_entry;

/* num: a number field of o, or -1 when absent. */
static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* partition_lag: end offset (ls_offset under read_committed, else hi_offset) minus the committed
 * offset; while nothing is committed, minus the position (app_offset), else the low watermark,
 * so a partition stuck before its first commit still shows its lag. librdkafka's consumer_lag
 * when the offsets are absent; -1 for a partition not assigned here or without an end offset. */
static double partition_lag(const cJSON *p)
{
    const cJSON *desired = cJSON_GetObjectItemCaseSensitive(p, "desired");
    if (cJSON_IsFalse(desired)) return -1;
    double end = num(p, "ls_offset") >= 0 ? num(p, "ls_offset") : num(p, "hi_offset");
    if (end < 0) return num(p, "consumer_lag");
    double from = num(p, "committed_offset");
    if (from < 0) from = num(p, "app_offset");
    if (from < 0) from = num(p, "lo_offset");
    if (from < 0) from = 0;
    return end > from ? end - from : 0;
}

/* stats_collect: every partition id >= 0 with a lag >= 0 (partition_lag) of the "topics" object
 * into a fresh array (*n entries); NI_ERR_PARSE when "topics" is not an object. */
static int stats_collect(const cJSON *root, lag_entry **out, size_t *n)
{
    const cJSON *topics = cJSON_GetObjectItemCaseSensitive(root, "topics"), *t, *p;
    *out = NULL;
    *n = 0;
    if (!topics) return NI_OK;
    if (!cJSON_IsObject(topics)) return NI_ERR_PARSE;
    size_t cap = 0;
    cJSON_ArrayForEach(t, topics)
    {
        const cJSON *parts = cJSON_GetObjectItemCaseSensitive(t, "partitions");
        if (!cJSON_IsObject(parts)) continue;
        cJSON_ArrayForEach(p, parts)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "partition");
            int pid = cJSON_IsNumber(id) ? id->valueint : atoi(p->string ? p->string : "-1");
            double lag = pid < 0 ? -1 : partition_lag(p);
            if (lag < 0) continue;
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                lag_entry *v = realloc(*out, cap * sizeof *v);
                if (!v) return NI_ERR_NOMEM;
                *out = v;
            }
            (*out)[(*n)++] = (lag_entry){t->string, pid, lag};
        }
    }
    return NI_OK;
}

/* lag_replace: the lag family becomes exactly entries[0..n) (caller holds the lock). */
static void lag_replace(family *f, const lag_entry *e, size_t n)
{
    for (size_t i = 0; i < f->n; i++) f->s[i].seen = 0;
    for (size_t i = 0; i < n; i++) {
        series *s = series_find(f, e[i].topic, e[i].partition, 1);
        if (!s) continue;
        s->v = e[i].lag;
        s->seen = 1;
    }
    for (size_t i = f->n; i-- > 0;)
        if (!f->s[i].seen) series_remove(f, i);
}

int metrics_stats_apply(metrics *m, const char *json, size_t len, char *errstr, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return ni_err_set(errstr, errlen, NI_ERR_PARSE, "statistics JSON cannot be parsed");
    }
    /* A producer's statistics carry no consumer lag: they must not clear the consumer's. */
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "consumer") != 0) {
        cJSON_Delete(root);
        return NI_OK;
    }
    lag_entry *e;
    size_t n;
    int rc = stats_collect(root, &e, &n);
    if (rc == NI_OK) {
        pthread_mutex_lock(&m->lock);
        lag_replace(&m->f[F_LAG], e, n);
        pthread_mutex_unlock(&m->lock);
    }
    free(e);
    cJSON_Delete(root);
    if (rc == NI_ERR_PARSE)
        return ni_err_set(errstr, errlen, rc, "statistics JSON: \"topics\" is not an object");
    if (rc != NI_OK) return ni_err_set(errstr, errlen, rc, "out of memory");
    return NI_OK;
}

/* ---- reading ---- */

/* family_index: the family named name, with or without its "_total"; -1 when none. */
static int family_index(const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < F_COUNT; i++)
        if (strncmp(defs[i].name, name, n) == 0 &&
            (!defs[i].name[n] || !strcmp(defs[i].name + n, "_total")))
            return i;
    return -1;
}

/* metrics_value: also "news_ingest_processing_seconds[_count|_sum]" for the histogram, and
 * "topic:partition" as the label of news_ingest_consumer_lag. */
double metrics_value(metrics *m, const char *name, const char *label)
{
    if (!m || !name) return 0;
    double v = 0;
    int fam = family_index(name);
    const char *l = fam >= 0 && defs[fam].label ? (label ? label : "") : NULL;
    const char *colon = fam == F_LAG ? strrchr(l, ':') : NULL;
    char topic[256];
    if (colon) {
        snprintf(topic, sizeof topic, "%.*s", (int)(colon - l), l);
        l = topic;
    }
    pthread_mutex_lock(&m->lock);
    for (int h = 0; h < H_COUNT; h++) {
        size_t hl = strlen(hdefs[h].name);
        if (strncmp(name, hdefs[h].name, hl)) continue;
        if (!name[hl] || !strcmp(name + hl, "_count")) v = (double)m->h[h].count;
        if (!strcmp(name + hl, "_sum")) v = m->h[h].sum;
    }
    series *s = fam >= 0 ? series_find(&m->f[fam], l, colon ? atoi(colon + 1) : 0, 0) : NULL;
    if (s) v = s->v;
    pthread_mutex_unlock(&m->lock);
    return v;
}

/* ---- exposition ---- */

static int value_append(sbuf *out, double v)
{
    if (isinf(v)) return sbuf_append_str(out, v > 0 ? "+Inf" : "-Inf");
    if (isnan(v)) return sbuf_append_str(out, "NaN");
    if (v == floor(v) && fabs(v) < 1e15) return sbuf_printf(out, "%.0f", v);
    return sbuf_printf(out, "%.17g", v);
}

/* escape_append: a label value with backslash, double quote and newline escaped. */
static int escape_append(sbuf *out, const char *s)
{
    int rc = NI_OK;
    for (; *s && rc == NI_OK; s++) {
        if (*s == '\\')
            rc = sbuf_append(out, "\\\\", 2);
        else if (*s == '"')
            rc = sbuf_append(out, "\\\"", 2);
        else if (*s == '\n')
            rc = sbuf_append(out, "\\n", 2);
        else
            rc = sbuf_append_char(out, *s);
    }
    return rc;
}

static int header_append(sbuf *out, const char *name, const char *type, const char *help)
{
    return sbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int family_render(const family_def *d, const family *f, sbuf *out)
{
    int rc = header_append(out, d->name, d->type, d->help);
    for (size_t i = 0; i < f->n && rc == NI_OK; i++) {
        const series *s = &f->s[i];
        rc = sbuf_append_str(out, d->name);
        if (rc == NI_OK && d->label) {
            rc = sbuf_printf(out, "{%s=\"", d->label);
            if (rc == NI_OK) rc = escape_append(out, s->label);
            if (rc == NI_OK && d == &defs[F_LAG])
                rc = sbuf_printf(out, "\",partition=\"%d", s->partition);
            if (rc == NI_OK) rc = sbuf_append(out, "\"}", 2);
        }
        if (rc == NI_OK) rc = sbuf_append_char(out, ' ');
        if (rc == NI_OK) rc = value_append(out, s->v);
        if (rc == NI_OK) rc = sbuf_append_char(out, '\n');
    }
    return rc;
}

static int histogram_render(const hist_def *d, const hist *h, sbuf *out)
{
    int rc = header_append(out, d->name, "histogram", d->help);
    unsigned long long cum = 0;
    for (size_t b = 0; b < NBOUNDS && rc == NI_OK; b++) {
        cum += h->b[b];
        rc = sbuf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", d->name, d->bounds[b], cum);
    }
    if (rc == NI_OK)
        rc = sbuf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum ", d->name, h->count, d->name);
    if (rc == NI_OK) rc = value_append(out, h->sum);
    if (rc == NI_OK) rc = sbuf_printf(out, "\n%s_count %llu\n", d->name, h->count);
    return rc;
}

int metrics_render(metrics *m, sbuf *out)
{
    int rc = NI_OK;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < F_COUNT && rc == NI_OK; i++) {
        rc = family_render(&defs[i], &m->f[i], out);
        for (int h = 0; h < H_COUNT && rc == NI_OK; h++)
            if (hdefs[h].after == i) rc = histogram_render(&hdefs[h], &m->h[h], out);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}
