/* test_worker_e2e.c: the built `news-ingest run` against a broker helper process, seen only from
 * outside (kcat, libcurl, signals, exit status): kill -9, SIGTERM, /readyz and /metrics, bad
 * configuration. */
#include "support.h"
#include "support_kafka.h"
#include "support_proc.h"
#include "support_spawn.h"
#include "support_worker.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PARTITIONS 4
#define GRACE_MS 10000 /* the workers' --grace-ms */
#define GRACE_ARG "10000"
#define URL_FMT "https://e2e.example/page-%d"

/* ---- processes ---- */

/* worker_start_with: `news-ingest run` on bs in group, HTTP on a free port (*port), plus the
 * NULL-terminated extra arguments (may be NULL). */
static support_proc *worker_start_with(const char *bs, const char *group, const char *id, int *port,
                                       char *const *extra)
{
    const char *args[40] = {"--brokers",   bs, "--group",    group,
                            "--worker-id", id, "--grace-ms", GRACE_ARG};
    int n = 8;
    for (size_t i = 0; extra && extra[i] && n < 39; i++) args[n++] = extra[i];
    args[n] = NULL;
    return support_cli_worker_start(args, port);
}

/* worker_start: `news-ingest run` on bs in group, HTTP on a free port (*port). */
static support_proc *worker_start(const char *bs, const char *group, const char *id, int *port)
{
    return worker_start_with(bs, group, id, port, NULL);
}

/* ---- HTTP ---- */

/* wait_metric: polls until series >= want; the last value seen. */
static double wait_metric(int port, const char *series, double want, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    double v;
    while ((v = support_metric(port, series)) < want && support_now_ms() < end)
        support_sleep_ms(50);
    return v;
}

/* wait_ready: polls /readyz until 200; 1 when it came. */
static int wait_ready(int port, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    while (support_http_call(port, "GET", "/readyz", 3000, NULL) != 200) {
        if (support_now_ms() >= end) return 0;
        support_sleep_ms(100);
    }
    return 1;
}

/* ---- Kafka through kcat ---- */

/* envelopes: a file of "key<TAB>json envelope" lines for pages [first, first+n). */
static const char *envelopes(int first, int n)
{
    char *all = NULL;
    size_t len = 0;
    for (int i = first; i < first + n; i++) {
        char url[64];
        snprintf(url, sizeof url, URL_FMT, i);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "url", url);
        cJSON_AddStringToObject(e, "content_type", "text/plain");
        cJSON_AddStringToObject(e, "body", support_page(i));
        char *json = cJSON_PrintUnformatted(e);
        cJSON_Delete(e);
        cr_assert_not_null(json);
        size_t add = strlen(url) + strlen(json) + 2;
        all = realloc(all, len + add + 1);
        cr_assert_not_null(all);
        len += (size_t)snprintf(all + len, add + 1, "%s\t%s\n", url, json);
        free(json);
    }
    char name[64];
    snprintf(name, sizeof name, "envelopes-%d-%d", first, n);
    const char *path = support_write(name, all, len);
    free(all);
    return path;
}

/* produce_start: kcat publishing pages [first, first+n) as JSON envelopes keyed by URL. */
static support_proc *produce_start(const char *bs, int first, int n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", envelopes(first, n));
    char *argv[] = {
        "/usr/bin/kcat", "-P", "-b", (char *)bs, "-t", "pages", "-K", "\t", "-l", path, NULL};
    return support_spawn(argv, NULL);
}

static void produce(const char *bs, int first, int n)
{
    support_proc *p = produce_start(bs, first, n);
    int st = support_proc_wait(p, 30000);
    cr_assert_eq(st, 0, "kcat -P: status %d: %s", st, support_proc_stderr(p));
    support_proc_free(p);
}

/* articles: every record value on "articles", one per line (kcat -C -e); caller frees. */
static char *articles(const char *bs)
{
    char *argv[] = {"/usr/bin/kcat", "-C", "-b", (char *)bs, "-t",    "articles", "-o",
                    "beginning",     "-e", "-q", "-f",       "%s\\n", NULL};
    support_proc *p = support_spawn(argv, NULL);
    int st = support_proc_wait(p, 60000);
    cr_assert_eq(st, 0, "kcat -C: status %d: %s", st, support_proc_stderr(p));
    char *out = strdup(support_proc_stdout(p));
    support_proc_free(p);
    return out;
}

/* One reading of the output topic against pages [0, n). */
typedef struct tally {
    int records, found, dups, foreign;
    int by_first; /* records whose ingest.worker is "w1" */
    int *seen;    /* per page: how many records */
} tally;

static void tally_free(tally *t)
{
    free(t->seen);
    t->seen = NULL;
}

static tally count(const char *text, int n)
{
    tally t = {0};
    t.seen = calloc((size_t)n, sizeof *t.seen);
    cr_assert_not_null(t.seen);
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        cJSON *r = cJSON_ParseWithLength(s, len);
        const char *schema = cJSON_GetStringValue(cJSON_GetObjectItem(r, "schema"));
        const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(r, "url"));
        int k = -1;
        if (len && (!schema || strcmp(schema, "news.article/1")))
            t.foreign++;
        else if (len)
            t.records++;
        const cJSON *ing = cJSON_GetObjectItem(r, "ingest");
        const char *who = cJSON_GetStringValue(cJSON_GetObjectItem(ing, "worker"));
        if (who && !strcmp(who, "w1")) t.by_first++;
        if (url && sscanf(url, URL_FMT, &k) == 1 && k >= 0 && k < n && t.seen[k]++ == 0)
            t.found++;
        else if (url && k >= 0 && k < n)
            t.dups++;
        cJSON_Delete(r);
        s += len + (nl != NULL);
    }
    return t;
}

/* wait_all: reads "articles" until pages [0, n) all have a record or timeout_ms passed. */
static tally wait_all(const char *bs, int n, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    for (;;) {
        char *text = articles(bs);
        tally t = count(text, n);
        free(text);
        if (t.found == n || support_now_ms() >= end) return t;
        tally_free(&t);
        support_sleep_ms(1000);
    }
}

/* report: logs the duplicates (expected with at-least-once) and the missing pages. */
static void report(const char *what, const tally *t, int n)
{
    char list[1024] = "";
    size_t len = 0;
    int missing = 0;
    for (int i = 0; i < n; i++) {
        if (t->seen[i] == 0) missing++;
        if (t->seen[i] != 1 && len < 300)
            len += (size_t)snprintf(list + len, sizeof list - len, " %d:%d", i, t->seen[i]);
    }
    cr_log_info("%s: %d inputs, %d records, %d with a record, %d missing, %d duplicates%s%s", what,
                n, t->records, t->found, missing, t->dups, len ? "; page:records where not 1:" : "",
                list);
}

/* ---- 5. kill -9 mid-stream ---- */

Test(worker_e2e, kill9_mid_stream_then_restart_loses_nothing, .timeout = 150)
{
    const int n = 300, half = 150;
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int port;
    char *small[] = {"--max-inflight", "50", NULL}; /* what one kill may replay */
    support_proc *w = worker_start_with(bs, "e2e-kill", "w1", &port, small);
    produce(bs, 0, half);
    double before =
        wait_metric(port, "news_ingest_records_produced_total{topic=\"articles\"}", 1, 30000);
    cr_assert_geq(before, 1, "no record before the kill: %s", support_proc_stderr(w));
    support_proc *more = produce_start(bs, half, n - half); /* the stream goes on */
    cr_assert_eq(support_proc_signal(w, SIGKILL), 0);
    cr_assert_eq(support_proc_wait(w, 5000), 128 + SIGKILL);
    support_proc_free(w);
    cr_assert_eq(support_proc_wait(more, 30000), 0, "kcat -P: %s", support_proc_stderr(more));
    support_proc_free(more);
    w = worker_start(bs, "e2e-kill", "w2", &port);
    tally t = wait_all(bs, n, 60000);
    cr_log_info("kill -9 after %.0f records (last poll); records by the killed worker: %d, by "
                "its successor: %d",
                before, t.by_first, t.records - t.by_first);
    report("kill -9 and restart", &t, n);
    cr_assert_eq(t.foreign, 0, "lines on articles that are not records");
    cr_assert_eq(t.found, n, "inputs without a record: %d", n - t.found);
    cr_assert_eq(t.records, n + t.dups, "records not accounted for");
    /* one kill replays at most --max-inflight consumed-but-uncommitted inputs */
    cr_assert_leq(t.dups, 50, "%d duplicates after one kill -9, above --max-inflight 50", t.dups);
    tally_free(&t);
    cr_assert_eq(support_proc_stop(w, 15000), 0);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

/* ---- 5b. kill -9 at random points under load: duplicates bounded ---- */

#define KILL_INFLIGHT 100 /* the workers' --max-inflight: what one kill -9 may replay at most */

Test(worker_e2e, kill9_at_random_points_duplicates_bounded, .timeout = 300)
{
    const int n = 1500, kills = 4, chunk = n / (kills + 1);
    unsigned seed = (unsigned)support_now_ms() ^ (unsigned)getpid();
    srand(seed);
    char bs[512], inflight[16];
    snprintf(inflight, sizeof inflight, "%d", KILL_INFLIGHT);
    char *extra[] = {"--max-inflight", inflight, "--commit-interval-ms", "100", NULL};
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int port, sent = 0;
    for (int k = 0; k < kills; k++) {
        char id[16];
        snprintf(id, sizeof id, "k%d", k);
        support_proc *w = worker_start_with(bs, "e2e-kills", id, &port, extra);
        support_proc *feed = produce_start(bs, sent, chunk); /* input arrives while it works */
        sent += chunk;
        double before =
            wait_metric(port, "news_ingest_records_produced_total{topic=\"articles\"}", 1, 60000);
        int delay = rand() % 1500;
        support_sleep_ms(delay);
        double at = support_metric(port, "news_ingest_records_produced_total{topic=\"articles\"}");
        cr_assert_eq(support_proc_signal(w, SIGKILL), 0);
        cr_assert_eq(support_proc_wait(w, 5000), 128 + SIGKILL);
        cr_log_info(
            "kill %d: %d ms after the first record (%.0f records by then, %.0f at the kill)", k + 1,
            delay, before, at);
        support_proc_free(w);
        cr_assert_eq(support_proc_wait(feed, 30000), 0, "kcat -P: %s", support_proc_stderr(feed));
        support_proc_free(feed);
    }
    support_proc *w = worker_start_with(bs, "e2e-kills", "last", &port, extra);
    produce(bs, sent, n - sent);
    tally t = wait_all(bs, n, 120000);
    int bound = kills * KILL_INFLIGHT;
    cr_log_info("kill -9 x%d (seed %u): bound on duplicates %d (kills x --max-inflight)", kills,
                seed, bound);
    report("kill -9 at random points", &t, n);
    printf("fault[kill -9 x%d at random points]: inputs=%d lost=%d duplicated=%d bound=%d\n", kills,
           n, n - t.found, t.dups, bound);
    cr_assert_eq(t.foreign, 0, "lines on articles that are not records");
    cr_assert_eq(t.found, n, "inputs without a record: %d", n - t.found);
    cr_assert_leq(t.dups, bound, "%d duplicates after %d kills, above the bound %d (seed %u)",
                  t.dups, kills, bound, seed);
    tally_free(&t);
    cr_assert_eq(support_proc_stop(w, 15000), 0);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

/* ---- 6. SIGTERM during load ---- */

Test(worker_e2e, sigterm_under_load_exits_0_within_grace_then_nothing_missing, .timeout = 150)
{
    const int n = 300, half = 150;
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int port;
    support_proc *w = worker_start(bs, "e2e-term", "w1", &port);
    produce(bs, 0, half);
    double before =
        wait_metric(port, "news_ingest_records_produced_total{topic=\"articles\"}", 1, 30000);
    cr_assert_geq(before, 1, "no record before SIGTERM: %s", support_proc_stderr(w));
    support_proc *more = produce_start(bs, half, n - half); /* input keeps arriving */
    long long t0 = support_now_ms();
    cr_assert_eq(support_proc_signal(w, SIGTERM), 0);
    int st = support_proc_wait(w, GRACE_MS + 5000);
    long long took = support_now_ms() - t0;
    cr_log_info("SIGTERM after %.0f records: exit status %d after %lld ms (grace %d ms)", before,
                st, took, GRACE_MS);
    cr_assert_eq(st, 0, "exit status %d: %s", st, support_proc_stderr(w));
    cr_assert_leq(took, GRACE_MS, "exit took %lld ms, beyond the grace period", took);
    cr_assert_not_null(strstr(support_proc_stderr(w), "drain"), "no drain logged");
    support_proc_free(w);
    cr_assert_eq(support_proc_wait(more, 30000), 0, "kcat -P: %s", support_proc_stderr(more));
    support_proc_free(more);
    int64_t committed = support_committed(bs, "e2e-term", "pages", PARTITIONS);
    cr_assert_gt(committed, 0, "nothing committed by the drain");
    w = worker_start(bs, "e2e-term", "w2", &port);
    tally t = wait_all(bs, n, 60000);
    cr_log_info("SIGTERM: the first worker committed %lld inputs and delivered %d records",
                (long long)committed, t.by_first);
    report("SIGTERM and restart", &t, n);
    cr_assert_eq(t.foreign, 0, "lines on articles that are not records");
    cr_assert_eq(t.found, n, "inputs without a record: %d", n - t.found);
    cr_assert_eq(t.dups, 0, "a clean drain committed everything it delivered, yet %d duplicates",
                 t.dups);
    cr_assert_eq(t.by_first, committed, "the first worker delivered %d records, committed %lld",
                 t.by_first, (long long)committed);
    tally_free(&t);
    cr_assert_eq(support_proc_stop(w, 15000), 0);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

/* ---- 6b. SIGTERM while a rebalance is in progress ---- */

/* rebalance_seen: w's consumer has learnt that its group is rebalancing (librdkafka's cgrp
 * debug line), or its rebalance callback ran; a copy of the line or NULL. */
static const char *rebalance_seen(support_proc *w, int timeout_ms)
{
    const char *line = support_proc_wait_line(w, "is rebalancing", timeout_ms);
    return line ? line : support_proc_wait_line(w, "\"partitions revoked\"", 0);
}

Test(worker_e2e, sigterm_during_a_rebalance_reports_the_drain_truthfully, .timeout = 240)
{
    const int n = 1500, chunk = 50;
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int p1, p2;
    char *debug[] = {"--log-level", "debug", "-X", "consumer.debug=cgrp", NULL};
    support_proc *w1 = worker_start_with(bs, "e2e-rebal", "w1", &p1, debug);
    cr_assert(wait_ready(p1, 30000), "w1 never ready: %s", support_proc_stderr(w1));
    int next = 0;
    produce(bs, next, chunk);
    next += chunk;
    support_proc *w2 = worker_start(bs, "e2e-rebal", "w2", &p2);
    /* input keeps arriving until w1 sees the rebalance begin; then SIGTERM, in the middle of it */
    const char *seen = NULL;
    while (!seen && next < n) {
        produce(bs, next, chunk);
        next += chunk;
        seen = rebalance_seen(w1, 0);
    }
    if (!seen) seen = rebalance_seen(w1, 30000);
    cr_assert_not_null(seen, "w1 never saw the rebalance: %s", support_proc_stderr(w1));
    cr_assert_eq(support_proc_signal(w1, SIGTERM), 0);
    int sent = next;
    if (next < n) produce(bs, next, n - next);
    int st = support_proc_wait(w1, GRACE_MS + 10000);
    const char *err1 = support_proc_stderr(w1);
    int clean = strstr(err1, "drained: every consumed message delivered and committed") != NULL;
    int failed = strstr(err1, "final commit failed") != NULL;
    cr_log_info("SIGTERM after %d inputs sent, when w1 logged: %.200s", sent, seen);
    cr_log_info("w1: exit status %d, clean drain logged %d, failed commit logged %d", st, clean,
                failed);
    if (getenv("NI_TEST_DUMP")) fprintf(stderr, "%s", err1);
    tally t = wait_all(bs, n, 90000);
    report("SIGTERM during a rebalance (w1 = signalled worker)", &t, n);
    printf("fault[sigterm during rebalance]: inputs=%d lost=%d duplicated=%d exit=%d\n", n,
           n - t.found, t.dups, st);
    cr_assert_eq(t.foreign, 0, "lines on articles that are not records");
    cr_assert_eq(t.found, n, "inputs without a record: %d", n - t.found);
    if (st == 0) {
        cr_assert(clean, "exit 0 without the drain line: %s", err1);
        cr_assert_eq(t.dups, 0,
                     "w1 reported a clean drain (exit 0: every output delivered and committed), "
                     "yet %d inputs were processed again",
                     t.dups);
    } else {
        cr_assert_eq(st, 1, "exit status %d: %s", st, err1);
        cr_assert_not(clean, "exit 1, yet the log claims a clean drain");
        cr_assert(failed, "exit 1 without a \"final commit failed\" line: %s", err1);
    }
    tally_free(&t);
    support_proc_free(w1);
    cr_assert_eq(support_proc_stop(w2, 15000), 0);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

/* ---- 7. /readyz and /metrics ---- */

static const char *const families[] = {
    "# TYPE news_ingest_messages_consumed_total counter",
    "# TYPE news_ingest_records_produced_total counter",
    "# TYPE news_ingest_dlq_total counter",
    "# TYPE news_ingest_processing_seconds histogram",
    "# TYPE news_ingest_consumer_lag gauge",
    "# TYPE news_ingest_inflight_messages gauge",
    "# TYPE news_ingest_rebalances_total counter",
    "# TYPE news_ingest_build_info gauge",
    "# TYPE news_ingest_commits_total counter",
    "# TYPE news_ingest_delivery_errors_total counter",
    "# TYPE news_ingest_consumer_blocked gauge",
};

/* publish_files: `news-ingest produce` of one file written from data (no content-type: the
 * worker sniffs). */
static void publish_file(const char *bs, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", support_write(name, data, len));
    char *argv[] = {(char *)support_cli(), "produce", "--brokers", (char *)bs, path, NULL};
    support_proc *p = support_spawn(argv, NULL);
    int st = support_proc_wait(p, 30000);
    cr_assert_eq(st, 0, "produce: status %d: %s", st, support_proc_stderr(p));
    support_proc_free(p);
}

/* readyz_before_join: /readyz right after the port is known: 503 with a reason. */
static void readyz_before_join(int port)
{
    char *body;
    long st = support_http_call(port, "GET", "/readyz", 3000, &body);
    cr_assert_eq(st, 503, "/readyz before joining: %ld %s", st, body);
    cr_assert_gt(strlen(body), 3, "503 without a reason");
    cr_assert_neq(strncmp(body, "ready", 5), 0, "the reason says ready: %s", body);
    cr_log_info("/readyz before joining: 503 %s", body);
    free(body);
}

static void metrics_have_families(int port)
{
    char *body;
    cr_assert_eq(support_http_call(port, "GET", "/metrics", 3000, &body), 200);
    for (size_t i = 0; i < sizeof families / sizeof *families; i++)
        cr_assert_not_null(strstr(body, families[i]), "/metrics lacks \"%s\"", families[i]);
    cr_assert_geq(support_metric_in(body, "news_ingest_build_info{version="), 1);
    cr_assert_eq(support_metric_in(body, "news_ingest_consumer_blocked"), 0);
    free(body);
}

/* lag_reported: librdkafka reports a partition's lag once it has a position (after traffic). */
static void lag_reported(int port)
{
    double lag = wait_metric(port, "news_ingest_consumer_lag{topic=\"pages\",", 0, 10000);
    cr_assert_geq(lag, 0, "no news_ingest_consumer_lag sample from the statistics");
}

static void counters_move(const char *bs, int port)
{
    const char *consumed = "news_ingest_messages_consumed_total{topic=\"pages\"}";
    const char *produced = "news_ingest_records_produced_total{topic=\"articles\"}";
    const char *seconds = "news_ingest_processing_seconds_count";
    double c0 = support_metric(port, consumed), p0 = support_metric(port, produced),
           s0 = support_metric(port, seconds);
    double d0 = support_metric(port, "news_ingest_dlq_total{");
    for (int i = 0; i < 3; i++)
        publish_file(bs, "page.txt", support_page(i), strlen(support_page(i)));
    cr_assert_geq(wait_metric(port, produced, (p0 < 0 ? 0 : p0) + 3, 30000), (p0 < 0 ? 0 : p0) + 3,
                  "records_produced did not move");
    cr_assert_geq(support_metric(port, consumed), (c0 < 0 ? 0 : c0) + 3,
                  "messages_consumed stayed");
    cr_assert_geq(support_metric(port, seconds), (s0 < 0 ? 0 : s0) + 3,
                  "processing_seconds stayed");
    cr_assert_leq(support_metric(port, "news_ingest_dlq_total{"), d0 < 0 ? 0 : d0,
                  "dlq moved on pages");
    const char *ok = "news_ingest_commits_total{result=\"ok\"}";
    cr_assert_geq(wait_metric(port, ok, 1, 30000), 1, "no acknowledged commit after 3 records");
    cr_assert_eq(support_metric(port, "news_ingest_delivery_errors_total{topic=\"articles\"}"), 0,
                 "the delivery-error series of the output topic is not there at 0");
    static char garbage[3000];
    for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (char)((i * 7919u + 13u) % 256u);
    publish_file(bs, "poison.bin", garbage, sizeof garbage);
    double d1 = wait_metric(port, "news_ingest_dlq_total{", (d0 < 0 ? 0 : d0) + 1, 30000);
    cr_assert_geq(d1, (d0 < 0 ? 0 : d0) + 1, "dlq_total did not move after a poison message");
}

static void other_routes(int port)
{
    cr_assert_eq(support_http_call(port, "GET", "/livez", 3000, NULL), 200);
    cr_assert_eq(support_http_call(port, "GET", "/healthz", 3000, NULL), 200);
    cr_assert_eq(support_http_call(port, "GET", "/no-such-path", 3000, NULL), 404);
    cr_assert_eq(support_http_call(port, "POST", "/metrics", 3000, NULL), 405);
    cr_assert_eq(support_http_call(port, "DELETE", "/readyz", 3000, NULL), 405);
}

/* drain_seen: SIGTERM with the broker stopped: /readyz 503 "draining" until it resumes. */
static void drain_seen(support_proc *broker, support_proc *w, int port)
{
    cr_assert_eq(support_proc_signal(broker, SIGSTOP), 0);
    cr_assert_eq(support_proc_signal(w, SIGTERM), 0);
    long long end = support_now_ms() + 8000;
    char *body = NULL;
    long st = 0;
    while (support_now_ms() < end) {
        free(body);
        st = support_http_call(port, "GET", "/readyz", 3000, &body);
        if (st == 503 && strstr(body, "draining")) break;
        support_sleep_ms(50);
    }
    cr_log_info("/readyz while draining: %ld %s", st, body);
    cr_assert_eq(st, 503, "/readyz during the drain: %ld %s", st, body);
    cr_assert_not_null(strstr(body, "draining"), "503 without \"draining\": %s", body);
    free(body);
    cr_assert_eq(support_proc_signal(broker, SIGCONT), 0);
    int status = support_proc_wait(w, GRACE_MS + 5000);
    cr_assert_eq(status, 0, "exit status %d after the drain: %s", status, support_proc_stderr(w));
}

Test(worker_e2e, readyz_and_metrics_from_outside, .timeout = 120)
{
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int port;
    support_proc *w = worker_start(bs, "e2e-http", "w1", &port);
    readyz_before_join(port);
    cr_assert(wait_ready(port, 30000), "/readyz never 200: %s", support_proc_stderr(w));
    cr_assert_geq(support_metric(port, "news_ingest_rebalances_total"), 1,
                  "joined without a rebalance");
    char *body;
    cr_assert_eq(support_http_call(port, "GET", "/readyz", 3000, &body), 200);
    cr_assert_str_eq(body, "ready\n");
    free(body);
    metrics_have_families(port);
    counters_move(bs, port);
    lag_reported(port);
    other_routes(port);
    drain_seen(broker, w, port);
    support_proc_free(w);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

/* ---- 8. bad configuration ---- */

/* listener: a TCP socket listening on 127.0.0.1 (a broker address that records connects). */
static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert(fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) && !listen(fd, 16) &&
              !getsockname(fd, (struct sockaddr *)&a, &len));
    *port = ntohs(a.sin_port);
    return fd;
}

/* bad_run: `run` with args and env exits 2 within 5 s, one stderr line containing expect, and
 * (when fd >= 0) nobody connected to the listener fd. */
static void bad_run(char *const *args, const char *const *env, const char *expect, int fd)
{
    char *argv[32] = {(char *)support_cli(), "run"};
    int argc = 2;
    for (size_t i = 0; args[i] && argc < 31; i++) argv[argc++] = args[i];
    argv[argc] = NULL;
    support_proc *p = support_spawn(argv, support_env(env));
    long long t0 = support_now_ms();
    int st = support_proc_wait(p, 5000);
    const char *err = support_proc_stderr(p);
    cr_log_info("bad configuration (%s): status %d after %lld ms: %s", expect, st,
                support_now_ms() - t0, err);
    cr_assert_eq(st, 2, "status %d (want 2 within 5 s) for %s: %s", st, expect, err);
    cr_assert_not_null(strstr(err, expect), "message lacks \"%s\": %s", expect, err);
    const char *nl = strchr(err, '\n');
    cr_assert(nl && nl[1] == '\0', "not one clear line: %s", err);
    if (fd >= 0) {
        int c = accept(fd, NULL, NULL);
        cr_assert(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
                  "the process connected to the broker before failing (%s)", expect);
    }
    support_proc_free(p);
}

Test(worker_e2e, bad_configuration_fails_fast_with_status_2, .timeout = 60)
{
    int port, fd = listener(&port);
    char b[64];
    snprintf(b, sizeof b, "127.0.0.1:%d", port);
    char *http0[] = {"--http-listen", "127.0.0.1:0"};
    char *unknown[] = {"--brokers", b, http0[0], http0[1], "-X", "no.such.property=1", NULL};
    bad_run(unknown, NULL, "no.such.property", fd);
    char *plain[] = {"--brokers", b, http0[0], http0[1], NULL};
    const char *env_unknown[] = {"NEWS_INGEST_KAFKA_NO_SUCH_PROPERTY=1", NULL};
    bad_run(plain, env_unknown, "NEWS_INGEST_KAFKA_NO_SUCH_PROPERTY", fd);
    char *bad_value[] = {
        "--brokers", b, http0[0], http0[1], "-X", "consumer.session.timeout.ms=abc", NULL};
    bad_run(bad_value, NULL, "session.timeout.ms", fd);
    char *no_brokers[] = {http0[0], http0[1], NULL};
    bad_run(no_brokers, NULL, "NEWS_INGEST_BROKERS", -1);
    char *bad_flag[] = {"--brokers", b, http0[0], http0[1], "--no-such-flag", NULL};
    bad_run(bad_flag, NULL, "--no-such-flag", fd);
    close(fd);
}

Test(worker_e2e, topic_loops_bad_topics_brokers_and_port_fail_with_status_2, .timeout = 90)
{
    int port, fd = listener(&port);
    char b[64];
    snprintf(b, sizeof b, "127.0.0.1:%d", port);
    char *h0 = "--http-listen", *h1 = "127.0.0.1:0";
    /* an output topic equal to the input topic would consume its own records forever */
    const char *loops[][2] = {
        {"--output-topic", "pages"}, {"--dlq-topic", "pages"}, {"--entities-topic", "pages"}};
    for (size_t i = 0; i < 3; i++) {
        char *args[] = {"--brokers", b, h0, h1, (char *)loops[i][0], (char *)loops[i][1], NULL};
        bad_run(args, NULL, loops[i][0], fd);
    }
    char *loop_env[] = {"--brokers", b, h0, h1, "--input-topic", "raw", NULL};
    const char *env_dlq[] = {"NEWS_INGEST_DLQ_TOPIC=raw", NULL};
    bad_run(loop_env, env_dlq, "NEWS_INGEST_DLQ_TOPIC=raw", fd);
    /* Kafka's topic name rules */
    char long_name[260];
    memset(long_name, 'a', 250);
    long_name[250] = '\0';
    const char *names[] = {"a/b", "..", ".", "pages dlq", "café", long_name};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *args[] = {"--brokers", b, h0, h1, "--output-topic", (char *)names[i], NULL};
        bad_run(args, NULL, "--output-topic", fd);
    }
    /* an empty input topic: one line naming the option and where it came from */
    const char *env_empty[] = {"NEWS_INGEST_INPUT_TOPIC=", NULL};
    char *plain[] = {"--brokers", b, h0, h1, NULL};
    bad_run(plain, env_empty, "NEWS_INGEST_INPUT_TOPIC", fd);
    char *empty_flag[] = {"--brokers", b, h0, h1, "--input-topic", "", NULL};
    bad_run(empty_flag, NULL, "--input-topic", fd);
    /* malformed broker lists */
    const char *lists[] = {"::::,,,", ",", "host:1,,host:2", "host:notaport", "host:0", ":9092"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        char *args[] = {"--brokers", (char *)lists[i], h0, h1, NULL};
        bad_run(args, NULL, "--brokers", -1);
    }
    /* the HTTP port already in use: configuration, status 2 */
    char busy[64];
    snprintf(busy, sizeof busy, "127.0.0.1:%d", port); /* the listener holds it */
    char *in_use[] = {"--brokers", b, h0, busy, NULL};
    bad_run(in_use, NULL, "in use", fd);
    close(fd);
}

Test(worker_e2e, run_help_lists_variables_and_X, .timeout = 30)
{
    char *argv[] = {(char *)support_cli(), "run", "--help", NULL};
    support_proc *p = support_spawn(argv, NULL);
    cr_assert_eq(support_proc_wait(p, 5000), 0);
    const char *out = support_proc_stdout(p);
    cr_assert_not_null(strstr(out, "NEWS_INGEST_BROKERS"), "help: %s", out);
    cr_assert_not_null(strstr(out, "-X"), "help lacks -X: %s", out);
    cr_assert_not_null(strstr(out, "NEWS_INGEST_KAFKA_"), "help lacks the -X variable: %s", out);
    const char *entity_opts[] = {"--threads N  NEWS_INGEST_THREADS",
                                 "--ner-model PATH  NEWS_INGEST_NER_MODEL",
                                 "--kb PATH  NEWS_INGEST_KB"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_not_null(strstr(out, entity_opts[i]), "help lacks %s: %s", entity_opts[i], out);
    support_proc_free(p);
}

/* secret_run: `run` with a password and extra, against a dead address, SIGTERM after 2 s; its
 * stderr (static copy). */
static const char *secret_run(const char *extra_x)
{
    static char err[1 << 20];
    int port, fd = listener(&port);
    close(fd); /* the port is now free: nobody listens there */
    char b[64];
    snprintf(b, sizeof b, "127.0.0.1:%d", port);
    char *argv[] = {(char *)support_cli(),
                    "run",
                    "--brokers",
                    b,
                    "--http-listen",
                    "127.0.0.1:0",
                    "--log-level",
                    "debug",
                    "-X",
                    "sasl.password=hunter2-secret",
                    "-X",
                    (char *)extra_x,
                    NULL};
    if (!extra_x) argv[10] = NULL;
    support_proc *p = support_spawn(argv, support_env(NULL));
    cr_assert_not_null(support_proc_wait_line(p, "\"worker started\"", 10000),
                       "worker did not start: %s", support_proc_stderr(p));
    support_sleep_ms(2000);
    support_proc_signal(p, SIGTERM);
    int st = support_proc_wait(p, GRACE_MS + 5000);
    cr_assert_eq(st, 0, "status %d after SIGTERM: %s", st, support_proc_stderr(p));
    snprintf(err, sizeof err, "%s", support_proc_stderr(p));
    cr_assert_null(strstr(support_proc_stdout(p), "hunter2-secret"), "secret on stdout");
    support_proc_free(p);
    return err;
}

Test(worker_e2e, no_secret_in_logs, .timeout = 60)
{
    const char *err = secret_run(NULL);
    cr_assert_gt(strlen(err), 0);
    cr_assert_null(strstr(err, "hunter2-secret"), "secret leaked:\n%s", err);
    err = secret_run("debug=conf"); /* librdkafka dumps its configuration at debug */
    cr_assert_not_null(strstr(err, "sasl.password"), "no configuration dump: %.2000s", err);
    cr_assert_null(strstr(err, "hunter2-secret"), "secret leaked with debug=conf:\n%s", err);
}

/* ---- entities: SIGHUP reload, bad model or KB ---- */

#define MADE_UP_ID "kb:test-zarqunia"
#define MADE_UP_LINE MADE_UP_ID "\tLOC\tزرقونيا\tZarqunia\t\t\n"

/* file_append: appends text to path. */
static void file_append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fputs(text, f) >= 0 && fclose(f) == 0, 1);
}

/* publish_page: one JSON envelope (url, text body) through kcat. */
static void publish_page(const char *bs, const char *url, const char *body)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "url", url);
    cJSON_AddStringToObject(e, "content_type", "text/plain");
    cJSON_AddStringToObject(e, "body", body);
    char *json = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    size_t len = strlen(url) + strlen(json) + 3;
    char *line = malloc(len);
    snprintf(line, len, "%s\t%s\n", url, json);
    free(json);
    char path[4096];
    snprintf(path, sizeof path, "%s", support_write("one-envelope", line, strlen(line)));
    free(line);
    char *argv[] = {
        "/usr/bin/kcat", "-P", "-b", (char *)bs, "-t", "pages", "-K", "\t", "-l", path, NULL};
    support_proc *p = support_spawn(argv, NULL);
    cr_assert_eq(support_proc_wait(p, 30000), 0, "kcat -P: %s", support_proc_stderr(p));
    support_proc_free(p);
}

/* entity_ids_of: the entity ids of the record whose url is url, space-separated with a space on
 * each side (static); NULL while there is no such record. Waits up to timeout_ms. */
static const char *entity_ids_of(const char *bs, const char *url, int timeout_ms)
{
    static char ids[4096];
    long long end = support_now_ms() + timeout_ms;
    for (;;) {
        char *text = articles(bs);
        int found = 0;
        for (char *s = strtok(text, "\n"); s && !found; s = strtok(NULL, "\n")) {
            cJSON *r = cJSON_Parse(s);
            const char *u = cJSON_GetStringValue(cJSON_GetObjectItem(r, "url"));
            if (u && !strcmp(u, url)) {
                found = 1;
                size_t n = (size_t)snprintf(ids, sizeof ids, " ");
                const cJSON *e;
                cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "entities"))
                {
                    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
                    if (id && n < sizeof ids)
                        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s ", id);
                }
            }
            cJSON_Delete(r);
        }
        free(text);
        if (found) return ids;
        if (support_now_ms() >= end) return NULL;
        support_sleep_ms(500);
    }
}

/* made_up_page: an Arabic page (written for this test) about a town that does not exist. */
static const char *made_up_page(int i)
{
    static char page[1024];
    snprintf(page, sizeof page,
             "اجتماع في زرقونيا لبحث مشروع المياه رقم %d\n\n"
             "عقد مسؤولون من زرقونيا اجتماعا صباح اليوم لبحث مشروع جديد للمياه في المنطقة، "
             "وقال رئيس البلدية إن العمل سيبدأ الشهر المقبل.\n\n"
             "وأضاف أن سكان زرقونيا ينتظرون المشروع منذ سنوات.\n",
             i);
    return page;
}

/* made_up_record: publishes made_up_page(i) as URL_FMT i; whether its record has MADE_UP_ID. */
static int made_up_record(const char *bs, int i)
{
    char url[64];
    snprintf(url, sizeof url, URL_FMT, i);
    publish_page(bs, url, made_up_page(i));
    const char *ids = entity_ids_of(bs, url, 30000);
    cr_assert_not_null(ids, "no record for %s", url);
    cr_log_info("%s: entity ids:%s", url, ids);
    return strstr(ids, " " MADE_UP_ID " ") != NULL;
}

Test(worker_e2e, sighup_reloads_the_kb_while_consuming, .timeout = 150)
{
    size_t len;
    char *kb = support_read(support_path("data/kb/entities.tsv"), &len);
    char kb_path[4096];
    snprintf(kb_path, sizeof kb_path, "%s", support_write("entities-copy.tsv", kb, len));
    free(kb);
    char bs[512];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int port;
    char *extra[] = {"--kb", kb_path, NULL};
    support_proc *w = worker_start_with(bs, "e2e-hup", "w1", &port, extra);
    cr_assert(wait_ready(port, 30000), "/readyz never 200: %s", support_proc_stderr(w));
    cr_assert_not(made_up_record(bs, 1000), "the made-up name is linked before it is in the KB");
    const char *ok = "news_ingest_ner_reloads_total{result=\"ok\"}";
    const char *bad = "news_ingest_ner_reloads_total{result=\"error\"}";
    const int n = 200;
    support_proc *load = produce_start(bs, 0, n); /* consumption goes on during the reload */
    file_append(kb_path, MADE_UP_LINE);
    cr_assert_eq(support_proc_signal(w, SIGHUP), 0);
    cr_assert_geq(wait_metric(port, ok, 1, 30000), 1, "no reload: %s", support_proc_stderr(w));
    cr_assert_eq(support_proc_wait(load, 30000), 0, "kcat -P: %s", support_proc_stderr(load));
    support_proc_free(load);
    cr_assert(made_up_record(bs, 1001), "after SIGHUP the new KB entry is not linked");
    tally t = wait_all(bs, n, 60000);
    report("SIGHUP during load", &t, n);
    cr_assert_eq(t.found, n, "inputs without a record after the reload: %d", n - t.found);
    tally_free(&t);
    /* a malformed KB: the reload fails, is counted, and the loaded pair stays */
    file_append(kb_path, "kb:broken-line-without-columns\n");
    cr_assert_eq(support_proc_signal(w, SIGHUP), 0);
    cr_assert_geq(wait_metric(port, bad, 1, 30000), 1, "failed reload not counted");
    cr_assert_not_null(strstr(support_proc_stderr(w), "entities-copy.tsv:"),
                       "the failed reload does not name the file and line");
    cr_assert(made_up_record(bs, 1002), "a failed reload dropped the loaded KB");
    cr_assert_eq(support_http_call(port, "GET", "/readyz", 3000, NULL), 200,
                 "not ready after a failed reload");
    cr_assert_eq(support_proc_stop(w, 15000), 0);
    cr_assert_eq(support_proc_stop(broker, 10000), 0);
}

Test(worker_e2e, bad_model_or_kb_exits_2_naming_the_file, .timeout = 60)
{
    int port, fd = listener(&port);
    char b[64];
    snprintf(b, sizeof b, "127.0.0.1:%d", port);
    const char *good = "kb:fine-one\tLOC\tمكان\tPlace\t\t\nkb:fine-two\tORG\tهيئة\tBody\t\t\n";
    size_t glen = strlen(good);
    char *text = malloc(glen + 64);
    snprintf(text, glen + 64, "%skb:third-line-has-no-columns\n", good);
    char kb_path[4096];
    snprintf(kb_path, sizeof kb_path, "%s", support_write("bad-kb.tsv", text, strlen(text)));
    free(text);
    char where[4200];
    snprintf(where, sizeof where, "%s:3", kb_path);
    char *bad_kb[] = {"--brokers", b, "--http-listen", "127.0.0.1:0", "--kb", kb_path, NULL};
    bad_run(bad_kb, NULL, where, fd);
    char *no_model[] = {"--brokers", b, "--http-listen", "127.0.0.1:0", NULL};
    const char *env[] = {"NEWS_INGEST_NER_MODEL=/nonexistent/ner.model", NULL};
    bad_run(no_model, env, "/nonexistent/ner.model", fd);
    close(fd);
}
