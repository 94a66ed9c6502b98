/* test_worker_fetch.c: the worker fetching URL-only messages from a real HTTP server (the
 * fixture on loopback): records like `parse` gives, dead letters per failure, commits, kill -9. */
#include "kafka/kafka.h"
#include "metrics/metrics.h"
#include "support.h"
#include "support_http.h"
#include "support_kafka.h"
#include "support_proc.h"
#include "support_spawn.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTITIONS 4

static void start(void)
{
    support_http_start(4);
}

TestSuite(worker_fetch, .init = start, .fini = support_http_stop, .timeout = 180);

/* ask: a URL-only message: null value with url and fetch headers. */
static void ask(const char *b, const char *url)
{
    const char *h[] = {"url", url, "fetch", "1", NULL};
    support_produce(b, "pages", NULL, NULL, 0, h);
}

/* ask_envelope: a URL-only message as a JSON envelope. */
static void ask_envelope(const char *b, const char *url)
{
    char v[600];
    snprintf(v, sizeof v, "{\"url\":\"%s\",\"fetched_at\":null}", url);
    support_produce(b, "pages", NULL, v, strlen(v), NULL);
}

/* by_url: the message of msgs whose record (or DLQ url header) is url; NULL when none. */
static const support_msg *by_url(const support_msgs *m, const char *url, int dlq)
{
    for (size_t i = 0; i < m->n; i++) {
        if (dlq) {
            const char *u = support_header(&m->v[i], "url");
            if (u && !strcmp(u, url)) return &m->v[i];
            if (m->v[i].value && strstr(m->v[i].value, url)) return &m->v[i];
            continue;
        }
        cJSON *r = cJSON_Parse(m->v[i].value);
        const char *u = cJSON_GetStringValue(cJSON_GetObjectItem(r, "url"));
        int hit = u && !strcmp(u, url);
        cJSON_Delete(r);
        if (hit) return &m->v[i];
    }
    return NULL;
}

static char *field(const char *json, const char *key)
{
    cJSON *r = cJSON_Parse(json);
    cJSON *v = cJSON_GetObjectItem(r, key);
    char *s = v ? cJSON_PrintUnformatted(v) : strdup("(absent)");
    cJSON_Delete(r);
    return s;
}

/* parse_record: `news-ingest parse --url url FILE` (one record line; caller frees). */
static char *parse_record(const char *url, const char *file)
{
    char *argv[] = {(char *)support_cli(),      "parse", "--url", (char *)url,
                    (char *)support_path(file), NULL};
    support_run_result r;
    support_run(argv, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 0, "parse: %s", r.err);
    char *line = strdup(r.out);
    support_run_result_free(&r);
    return line;
}

/* same_fields: the record and parse's record agree on every field a fetch must not change. */
static void same_fields(const char *got, const char *want, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        char *a = field(got, keys[i]), *b = field(want, keys[i]);
        cr_assert_str_eq(a, b, "%s differs", keys[i]);
        free(a);
        free(b);
    }
}

static void dlq_reason(const support_msgs *dlq, const char *url, const char *reason)
{
    const support_msg *m = by_url(dlq, url, 1);
    cr_assert_not_null(m, "no dead letter for %s", url);
    cr_assert_str_eq(support_header(m, "ingest.error.reason"), reason, "%s", url);
    cr_assert_str_eq(support_header(m, "ingest.error.stage"), "fetch", "%s", url);
}

Test(worker_fetch, url_only_messages_become_records_or_dead_letters)
{
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    char u[8][512];
    snprintf(u[0], 512, "%s", support_http_url(1, "/page/en-html-wind-farm.html"));
    snprintf(u[1], 512, "%s", support_http_url(2, "/redirect/2/nodate"));
    snprintf(u[2], 512, "%s", support_http_url(3, "/status/404"));
    snprintf(u[3], 512, "%s", support_http_url(1, "/flaky/w/2/page/en-text-library.txt"));
    snprintf(u[4], 512, "%s", support_http_url(2, "/private/en-text-library.txt"));
    snprintf(u[5], 512, "%s", support_http_url(3, "/big/50000000"));
    snprintf(u[6], 512, "%s", support_http_url(4, "/cp1256/ar-text-desalination.txt"));
    ask(b, u[0]);
    ask_envelope(b, u[1]);
    for (int i = 2; i < 7; i++) ask(b, u[i]);
    support_produce_pages(b, "pages", 0, 1); /* an ordinary page among them */
    const char *args[] = {"--brokers", b,
                          "--group",   "gf",
                          "--threads", "2",
                          "--fetch",   "--fetch-host-delay-ms",
                          "100",       "--max-bytes",
                          "200000",    NULL};
    support_worker *w = support_worker_start(args);
    support_msgs rec = support_consume(b, "articles", 5, 60000);
    support_msgs dlq = support_consume(b, "pages.dlq", 3, 30000);
    cr_assert_eq(rec.n, 5, "records: %zu", rec.n);
    cr_assert_eq(dlq.n, 3, "dead letters: %zu", dlq.n);
    int64_t committed = support_committed(b, "gf", "pages", PARTITIONS);
    for (int i = 0; i < 600 && committed < 8; i++) {
        support_sleep_ms(100);
        committed = support_committed(b, "gf", "pages", PARTITIONS);
    }
    cr_assert_eq(committed, 8, "committed %lld of 8", (long long)committed);

    /* a fetched page is the record parse gives for the same file */
    const char *keys[] = {"id",           "title",         "body",     "author",
                          "published_at", "canonical_url", "language", NULL};
    char *want = parse_record(u[0], "examples/en-html-wind-farm.html");
    const support_msg *m = by_url(&rec, u[0], 0);
    cr_assert_not_null(m, "no record for %s", u[0]);
    same_fields(m->value, want, keys);
    support_schema_assert(m->value);
    free(want);

    /* redirects: url stays, canonical_url is where they ended; Last-Modified dates a dateless page
     */
    m = by_url(&rec, u[1], 0);
    cr_assert_not_null(m, "no record for %s", u[1]);
    char *canon = field(m->value, "canonical_url"), *src = field(m->value, "published_at_source");
    char *pub = field(m->value, "published_at");
    char want_canon[600];
    snprintf(want_canon, sizeof want_canon, "\"%s\"", support_http_url(2, "/nodate"));
    cr_assert_str_eq(canon, want_canon);
    cr_assert_str_eq(src, "\"http_last_modified\"");
    cr_assert(strstr(pub, "2026-11-03T08:00:00"), "published_at %s", pub);
    support_schema_assert(m->value);
    free(canon), free(src), free(pub);

    /* a windows-1256 page whose charset is only in the HTTP header */
    want = parse_record(u[6], "examples/ar-text-desalination.txt");
    m = by_url(&rec, u[6], 0);
    cr_assert_not_null(m, "no record for %s", u[6]);
    const char *body_keys[] = {"title", "body", NULL};
    same_fields(m->value, want, body_keys);
    free(want);

    cr_assert_not_null(by_url(&rec, u[3], 0), "503 twice then 200 gives a record");
    cr_assert_eq(support_http_count("/flaky/w/"), 3);
    dlq_reason(&dlq, u[2], "http_4xx");
    dlq_reason(&dlq, u[4], "robots_disallowed");
    dlq_reason(&dlq, u[5], "too_large");
    cr_assert_eq(support_http_count("/private/"), 0, "robots.txt disallows it");

    metrics *mx = support_worker_metrics(w);
    cr_assert_eq(metrics_value(mx, "news_ingest_fetch_requests_total", "ok"), 4);
    cr_assert_eq(metrics_value(mx, "news_ingest_fetch_requests_total", "http_4xx"), 1);
    cr_assert_eq(metrics_value(mx, "news_ingest_fetch_requests_total", "robots_disallowed"), 1);
    cr_assert_eq(metrics_value(mx, "news_ingest_fetch_requests_total", "too_large"), 1);
    cr_assert_eq(metrics_value(mx, "news_ingest_fetch_seconds_count", ""), 7);
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&rec);
    support_msgs_free(&dlq);
    kafka_embedded_destroy(e);
}

Test(worker_fetch, off_by_default_a_url_only_envelope_is_a_dead_letter)
{
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    const char *url = support_http_url(1, "/page/en-text-library.txt?off");
    ask_envelope(b, url);
    const char *args[] = {"--brokers", b, "--group", "g0", NULL};
    support_worker *w = support_worker_start(args);
    support_msgs dlq = support_consume(b, "pages.dlq", 1, 30000);
    cr_assert_eq(dlq.n, 1);
    cr_assert_str_eq(support_header(&dlq.v[0], "ingest.error.reason"), "bad_envelope");
    cr_assert_eq(support_http_count("?off"), 0, "nothing fetched without --fetch");
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&dlq);
    kafka_embedded_destroy(e);
}

/* ---- kill -9 while fetches run ---- */

static support_proc *fetching_worker(const char *bs)
{
    char *argv[] = {(char *)support_cli(),
                    "run",
                    "--brokers",
                    (char *)bs,
                    "--group",
                    "gk",
                    "-X",
                    "consumer.session.timeout.ms=6000",
                    "-X",
                    "consumer.heartbeat.interval.ms=500",
                    "--fetch",
                    "--fetch-host-delay-ms",
                    "0",
                    "--http-listen",
                    "127.0.0.1:0",
                    "--grace-ms",
                    "5000",
                    NULL};
    support_proc *p = support_spawn(argv, support_env(NULL));
    cr_assert_not_null(support_proc_wait_line(p, "\"http listening\"", 15000), "%s",
                       support_proc_stderr(p));
    return p;
}

Test(worker_fetch, kill9_mid_fetch_then_restart_every_input_ends)
{
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    enum { N = 8 };
    char urls[N][512];
    for (int i = 0; i < N; i++) {
        char path[64];
        snprintf(path, sizeof path, "/slow/2?kill=%d", i);
        snprintf(urls[i], 512, "%s", support_http_url(1 + i % 4, path));
        ask(bs, urls[i]);
    }
    support_proc *w = fetching_worker(bs);
    while (support_http_count("?kill=") < 1) support_sleep_ms(20);
    support_proc_signal(w, SIGKILL);
    cr_assert_eq(support_proc_wait(w, 10000), 128 + SIGKILL);
    support_proc_free(w);
    int before = support_http_count("?kill=");
    w = fetching_worker(bs);
    support_msgs rec = support_consume(bs, "articles", N, 90000);
    int missing = 0;
    for (int i = 0; i < N; i++) missing += by_url(&rec, urls[i], 0) == NULL;
    printf("kill -9 mid-fetch: %d requests before the kill, %d inputs, %zu records, %d missing, "
           "%zu duplicated\n",
           before, N, rec.n, missing, rec.n > N ? rec.n - N : 0);
    cr_assert_eq(missing, 0, "%d of %d inputs have no record; worker: %s", missing, N,
                 support_proc_stderr(w));
    support_proc_signal(w, SIGTERM);
    cr_assert_eq(support_proc_wait(w, 30000), 0, "%s", support_proc_stderr(w));
    support_proc_free(w);
    support_msgs_free(&rec);
    support_proc_signal(broker, SIGTERM);
    support_proc_wait(broker, 10000);
    support_proc_free(broker);
}
