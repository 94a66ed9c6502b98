/* test_worker_faults.c: the worker in-process against librdkafka's mock cluster under faults:
 * SIGTERM during a rebalance, oversized messages and records, permanent produce errors; each
 * test prints what it counted (lost, duplicated) so a failure explains itself. */
#include "kafka/kafka.h"
#include "metrics/health.h"
#include "metrics/metrics.h"
#include "support.h"
#include "support_kafka.h"
#include "support_proc.h"
#include "util/sbuf.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARTITIONS 4

static double value(support_worker *w, const char *family, const char *label)
{
    return metrics_value(support_worker_metrics(w), family, label);
}

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One reading of the output topic against pages [0, n) of support_page. */
typedef struct tally {
    int found, dups, foreign, missing;
    int by[3]; /* records by worker "w1", "w2", other */
} tally;

static tally count(const support_msgs *msgs, int n)
{
    tally t = {0};
    int *seen = calloc((size_t)n, sizeof *seen);
    cr_assert_not_null(seen);
    for (size_t i = 0; i < msgs->n; i++) {
        cJSON *r = cJSON_Parse(msgs->v[i].value);
        const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(r, "url"));
        const cJSON *ing = cJSON_GetObjectItem(r, "ingest");
        const char *who = cJSON_GetStringValue(cJSON_GetObjectItem(ing, "worker"));
        int k = -1;
        if (url && sscanf(url, "https://news.example/story-%d", &k) == 1 && k >= 0 && k < n) {
            if (seen[k]++)
                t.dups++;
            else
                t.found++;
        } else {
            t.foreign++;
        }
        t.by[who && !strcmp(who, "w1") ? 0 : who && !strcmp(who, "w2") ? 1 : 2]++;
        cJSON_Delete(r);
    }
    t.missing = n - t.found;
    free(seen);
    return t;
}

/* read_all: "articles" until pages [0, n) all have a record or timeout_ms passed. */
static tally read_all(const char *b, int n, int timeout_ms)
{
    support_msgs out = support_consume(b, "articles", (size_t)n, timeout_ms);
    support_msgs_free(&out); /* the first n arrived (or the timeout): now read everything */
    out = support_consume(b, "articles", (size_t)n * 4, 3000);
    tally t = count(&out, n);
    for (int waited = 0; t.missing > 0 && waited < timeout_ms; waited += 2000) {
        support_msgs_free(&out);
        nap_ms(2000);
        out = support_consume(b, "articles", (size_t)n * 4, 3000);
        t = count(&out, n);
    }
    support_msgs_free(&out);
    return t;
}

static void print(const char *what, const tally *t, int n)
{
    cr_log_info("%s: %d inputs, %d lost, %d duplicated, %d foreign; records by w1 %d, w2 %d", what,
                n, t->missing, t->dups, t->foreign, t->by[0], t->by[1]);
    printf("fault[%s]: inputs=%d lost=%d duplicated=%d\n", what, n, t->missing, t->dups);
}

/* A producer thread: pages [0, n) in chunks of `chunk`, a pause of pause_ms after each, so
 * input keeps arriving while the test moves partitions or kills workers. */
typedef struct feeder {
    const char *b;
    int n, chunk, pause_ms;
    pthread_t tid;
} feeder;

static void *feed_main(void *arg)
{
    feeder *f = arg;
    for (int i = 0; i < f->n; i += f->chunk) {
        support_produce_pages(f->b, "pages", i, i + f->chunk <= f->n ? f->chunk : f->n - i);
        nap_ms(f->pause_ms);
    }
    return NULL;
}

static void feed_start(feeder *f)
{
    cr_assert_eq(pthread_create(&f->tid, NULL, feed_main, f), 0);
}

static void feed_join(feeder *f)
{
    pthread_join(f->tid, NULL);
}

typedef struct committed_arg_t {
    const char *b, *group;
    int64_t want;
    int parts;
} committed_arg_t;

/* committed_reached_1: the group's committed offsets on "pages" sum to at least want. */
static int committed_reached_1(void *arg)
{
    committed_arg_t *a = arg;
    return support_committed(a->b, a->group, "pages", a->parts) >= a->want;
}

/* ---- dead letters counted on delivery; every delivery failure in a metric ---- */

static int dlq_errors_seen(void *arg)
{
    return value(arg, "news_ingest_delivery_errors_total", "pages.dlq") >= 1;
}

static int dlq_delivered_3(void *arg)
{
    return value(arg, "news_ingest_dlq_total", "binary_content") >= 3;
}

/* rendered: whether /metrics' text has line. */
static int rendered(support_worker *w, const char *line)
{
    sbuf out = SBUF_INIT;
    cr_assert_eq(metrics_render(support_worker_metrics(w), &out), 0);
    int found = out.data && strstr(out.data, line) != NULL;
    sbuf_free(&out);
    return found;
}

Test(worker_faults, dlq_counted_when_delivered_and_failures_counted, .timeout = 180)
{
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    rd_kafka_mock_cluster_t *mock = kafka_embedded_mock(e);
    /* the dead-letter topic lives on broker 3 only; the rest and the group on brokers 1-2 */
    rd_kafka_mock_coordinator_set(mock, "group", "gd", 1);
    for (int p = 0; p < PARTITIONS; p++) {
        rd_kafka_mock_partition_set_leader(mock, "pages.dlq", p, 3);
        rd_kafka_mock_partition_set_leader(mock, "pages", p, 1);
        rd_kafka_mock_partition_set_leader(mock, "articles", p, 2);
        rd_kafka_mock_partition_set_leader(mock, "entities", p, 2);
    }
    static char garbage[2000];
    for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (char)((i * 7919u + 13u) % 256u);
    for (int i = 0; i < 3; i++) {
        garbage[0] = (char)i;
        support_produce(b, "pages", "poison", garbage, sizeof garbage, NULL);
    }
    rd_kafka_mock_broker_set_down(mock, 3);
    const char *args[] = {"--brokers", b,   "--group", "gd",
                          "--threads", "2", "-X",      "producer.message.timeout.ms=1500",
                          NULL};
    support_worker *w = support_worker_start(args);
    cr_assert(rendered(w, "news_ingest_delivery_errors_total{topic=\"articles\"} 0"),
              "no delivery-error series before the first failure");
    cr_assert(support_wait(dlq_errors_seen, w, 60000), "failed dead-letter deliveries not counted");
    double while_down = value(w, "news_ingest_dlq_total", "binary_content");
    double errors = value(w, "news_ingest_delivery_errors_total", "pages.dlq");
    cr_log_info("DLQ broker down: %.0f delivery errors, dlq_total %.0f", errors, while_down);
    cr_assert_eq(while_down, 0, "%.0f dead letters counted while none could be delivered",
                 while_down);
    rd_kafka_mock_broker_set_up(mock, 3);
    cr_assert(support_wait(dlq_delivered_3, w, 60000), "dead letters not counted after delivery");
    support_msgs dlq = support_consume(b, "pages.dlq", 3, 15000);
    double counted = value(w, "news_ingest_dlq_total", "binary_content");
    printf("fault[dlq broker down]: inputs=3 lost=%d duplicated=%d delivery_errors=%.0f\n",
           3 - (int)(dlq.n < 3 ? dlq.n : 3), dlq.n > 3 ? (int)dlq.n - 3 : 0, errors);
    cr_assert_eq(dlq.n, 3, "dead letters on the topic: %zu of 3", dlq.n);
    cr_assert_eq(counted, (double)dlq.n, "dlq_total %.0f, dead letters delivered %zu", counted,
                 dlq.n);
    support_msgs_free(&dlq);
    cr_assert_eq(support_worker_stop(w), 0);
    kafka_embedded_destroy(e);
}

/* ---- SIGTERM while a rebalance is in progress (in-process: stop set in the revoke) ---- */

Test(worker_faults, stop_inside_a_revoke_reports_the_drain_truthfully, .timeout = 240)
{
    const int n = 3000;
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    feeder f = {b, n, 25, 20, 0};
    feed_start(&f); /* input keeps arriving during the rebalance */
    const char *a1[] = {"--brokers",   b,    "--group", "gt", "--threads", "2",
                        "--worker-id", "w1", NULL};
    const char *a2[] = {"--brokers",   b,    "--group", "gt", "--threads", "2",
                        "--worker-id", "w2", NULL};
    support_worker *w1 = support_worker_start(a1);
    long long waited = 0;
    while (value(w1, "news_ingest_records_produced_total", "articles") < 50 && waited < 60000)
        nap_ms(5), waited += 5;
    double r0 = value(w1, "news_ingest_rebalances_total", "");
    cr_assert_geq(r0, 1, "w1 never joined");
    support_worker *w2 = support_worker_start(a2);
    /* the trigger: w1's rebalance callback has begun (w2 joined), then the stop flag */
    for (waited = 0; value(w1, "news_ingest_rebalances_total", "") <= r0 && waited < 60000;
         waited++)
        nap_ms(1);
    cr_assert_gt(value(w1, "news_ingest_rebalances_total", ""), r0, "no rebalance began");
    double at_signal = value(w1, "news_ingest_records_produced_total", "articles");
    support_worker_signal(w1);
    int rc = support_worker_stop(w1);
    feed_join(&f);
    tally t = read_all(b, n, 60000);
    cr_log_info("stop after %.0f records of w1, inside its rebalance: drain result %d", at_signal,
                rc);
    print("stop inside a revoke", &t, n);
    cr_assert_eq(t.missing, 0, "inputs without a record: %d", t.missing);
    cr_assert_eq(t.foreign, 0);
    if (rc == 0)
        cr_assert_eq(t.dups, 0,
                     "w1 reported a clean drain (every output delivered and committed), yet the "
                     "next owner redid %d inputs",
                     t.dups);
    cr_assert_eq(support_worker_stop(w2), 0);
    kafka_embedded_destroy(e);
}

/* ---- oversized inputs and records never stall their partition ---- */

/* text_page: a text article of about `size` bytes (paragraphs of one repeated sentence) with a
 * title naming n; caller frees. */
static char *text_page(int n, size_t size)
{
    static const char sent[] = "The council met again on Monday to discuss the harbour water "
                               "network and the schools that will be repaired this year. ";
    char *p = malloc(size + 256);
    cr_assert_not_null(p);
    size_t len = (size_t)snprintf(p, 256, "Harbour council meeting number %d\n\n", n);
    while (len + sizeof sent + 2 < size) {
        memcpy(p + len, sent, sizeof sent - 1);
        len += sizeof sent - 1;
        if ((len / (sizeof sent - 1)) % 8 == 0) p[len++] = '\n';
    }
    p[len] = '\0';
    return p;
}

/* expect_dead: the dead letter of source offset off with reason; it carries the original key,
 * and the original bytes (or, when marked truncated, a prefix of them). */
static void expect_dead(const support_msgs *dlq, int64_t off, const char *reason, const char *orig,
                        size_t orig_len)
{
    const support_msg *m = NULL;
    int n = 0;
    for (size_t i = 0; i < dlq->n; i++) {
        const char *o = support_header(&dlq->v[i], "ingest.source.offset");
        if (o && atoll(o) == off) m = &dlq->v[i], n++;
    }
    cr_assert_eq(n, 1, "dead letters of offset %lld: %d (want 1)", (long long)off, n);
    cr_assert_str_eq(support_header(m, "ingest.error.reason"), reason, "offset %lld",
                     (long long)off);
    const char *trunc = support_header(m, "ingest.error.truncated");
    cr_log_info("dead letter of offset %lld: %s, %zu of %zu bytes%s%s", (long long)off, reason,
                m->len, orig_len, trunc ? ", truncated: " : "", trunc ? trunc : "");
    if (m->len == orig_len) {
        cr_assert_null(trunc, "a whole copy marked truncated");
        cr_assert(!memcmp(m->value, orig, orig_len), "not the original bytes");
    } else {
        cr_assert_not_null(trunc, "a shortened copy (%zu of %zu bytes) not marked truncated",
                           m->len, orig_len);
        cr_assert_lt(m->len, orig_len);
        cr_assert(!memcmp(m->value, orig, m->len), "the truncated copy is not a prefix");
    }
}

Test(worker_faults, oversized_inputs_and_records_never_stall_their_partition, .timeout = 180)
{
    kafka_embedded *e =
        support_cluster(1, 1); /* one partition: a stall stops everything after it */
    const char *b = kafka_embedded_bootstraps(e);
    char *over_limit = text_page(100, 3u << 20);    /* above --max-bytes: too_large */
    char *big_record = text_page(101, 1500u << 10); /* a record above message.max.bytes */
    const char *k = "one-key";
    struct {
        const char *value;
        size_t len;
        int page; /* support_page number, -1 for the oversized ones */
    } in[] = {{NULL, 0, 0},
              {over_limit, strlen(over_limit), -1},
              {NULL, 0, 1},
              {big_record, strlen(big_record), -1},
              {NULL, 0, 2}};
    for (size_t i = 0; i < 5; i++) {
        const char *hdrs[] = {
            "content-type", "text/plain", "url",
            in[i].page >= 0 ? support_page_url(in[i].page) : "https://news.example/big", NULL};
        const char *v = in[i].page >= 0 ? support_page(in[i].page) : in[i].value;
        support_produce(b, "pages", k, v, in[i].page >= 0 ? strlen(v) : in[i].len, hdrs);
    }
    const char *args[] = {"--brokers",   b,    "--group", "gbig", "--threads", "2",
                          "--max-bytes", "2M", NULL};
    support_worker *w = support_worker_start(args);
    committed_arg_t ca = {b, "gbig", 5, 1};
    int advanced = support_wait(committed_reached_1, &ca, 60000);
    support_msgs rec = support_consume(b, "articles", 4, 5000);
    support_msgs dlq = support_consume(b, "pages.dlq", 3, 5000);
    tally t = count(&rec, 3);
    print("oversized inputs and records", &t, 3);
    cr_log_info("committed %lld of 5; %zu records, %zu dead letters; stuck %.0f",
                (long long)support_committed(b, "gbig", "pages", 1), rec.n, dlq.n,
                value(w, "news_ingest_stuck_partitions", ""));
    cr_assert(advanced, "the partition did not advance past the oversized messages");
    cr_assert_eq(t.found, 3, "pages after the oversized messages without a record");
    cr_assert_eq(rec.n, 3, "records: %zu, want exactly 3", rec.n);
    cr_assert_eq(dlq.n, 2, "dead letters: %zu, want exactly 2", dlq.n);
    expect_dead(&dlq, 1, "too_large", over_limit, strlen(over_limit));
    expect_dead(&dlq, 3, "record_too_large", big_record, strlen(big_record));
    cr_assert_eq(value(w, "news_ingest_stuck_partitions", ""), 0);
    support_msgs_free(&rec);
    support_msgs_free(&dlq);
    cr_assert_eq(support_worker_stop(w), 0);
    free(over_limit);
    free(big_record);
    kafka_embedded_destroy(e);
}

/* ---- permanent produce errors: dead-lettered after the retry budget ---- */

Test(worker_faults, permanent_produce_errors_dead_lettered_after_the_budget, .timeout = 120)
{
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    support_produce_pages(b, "pages", 0, 1);
    /* the worker's next three produce requests are refused for good (no ACL on the topic) */
    rd_kafka_mock_push_request_errors(
        kafka_embedded_mock(e), 0 /* Produce */, 3, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    const char *args[] = {"--brokers",
                          b,
                          "--group",
                          "gperm",
                          "--threads",
                          "1",
                          "--entities-topic",
                          "",
                          "--max-delivery-attempts",
                          "3",
                          NULL};
    support_worker *w = support_worker_start(args);
    committed_arg_t ca = {b, "gperm", 1, PARTITIONS};
    int advanced = support_wait(committed_reached_1, &ca, 60000);
    support_msgs dlq = support_consume(b, "pages.dlq", 2, 5000);
    support_msgs rec = support_consume(b, "articles", 1, 3000);
    double errors = value(w, "news_ingest_delivery_errors_total", "articles");
    cr_log_info("permanent errors: %.0f delivery errors, %zu dead letters, %zu records", errors,
                dlq.n, rec.n);
    printf("fault[permanent produce error]: inputs=1 lost=%d duplicated=%d\n",
           dlq.n + rec.n ? 0 : 1, dlq.n + rec.n > 1 ? (int)(dlq.n + rec.n) - 1 : 0);
    cr_assert(advanced, "the partition never advanced past a permanently refused record");
    cr_assert_geq(errors, 3, "delivery errors counted: %.0f (the budget is 3)", errors);
    cr_assert_eq(rec.n, 0, "a record despite the refusals");
    cr_assert_eq(dlq.n, 1, "dead letters: %zu", dlq.n);
    cr_assert_str_eq(support_header(&dlq.v[0], "ingest.error.reason"), "delivery_failed");
    cr_assert_str_eq(support_header(&dlq.v[0], "ingest.error.stage"), "produce");
    cr_assert_str_eq(support_header(&dlq.v[0], "ingest.error.payload"), "record");
    cr_assert_str_eq(support_header(&dlq.v[0], "ingest.source.offset"), "0");
    cr_assert_eq(value(w, "news_ingest_dlq_total", "delivery_failed"), 1);
    support_msgs_free(&dlq);
    support_msgs_free(&rec);
    cr_assert_eq(support_worker_stop(w), 0);
    kafka_embedded_destroy(e);
}

/* ---- a partition that cannot advance shows in /readyz and the metrics ---- */

static int stuck_seen(void *arg)
{
    return value(arg, "news_ingest_stuck_partitions", "") >= 1;
}

static int delivered_4_unstuck(void *arg)
{
    return value(arg, "news_ingest_records_produced_total", "articles") >= 4 &&
           value(arg, "news_ingest_stuck_partitions", "") == 0;
}

Test(worker_faults, unanswered_deliveries_show_as_stuck_then_recover, .timeout = 180)
{
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    rd_kafka_mock_cluster_t *mock = kafka_embedded_mock(e);
    rd_kafka_mock_coordinator_set(mock, "group", "gstall", 1);
    for (int p = 0; p < PARTITIONS; p++) {
        rd_kafka_mock_partition_set_leader(mock, "pages", p, 1);
        rd_kafka_mock_partition_set_leader(mock, "articles", p, 3);
        rd_kafka_mock_partition_set_leader(mock, "pages.dlq", p, 2);
    }
    support_produce_pages(b, "pages", 0, 4);
    /* the records' broker does not answer; librdkafka waits its message.timeout.ms (300 s) */
    rd_kafka_mock_broker_set_down(mock, 3);
    const char *args[] = {"--brokers",        b,  "--group",    "gstall", "--threads", "1",
                          "--entities-topic", "", "--stall-ms", "2000",   NULL};
    support_worker *w = support_worker_start(args);
    int seen = support_wait(stuck_seen, w, 60000);
    char why[256] = "";
    int ready = health_ready(support_worker_health(w), why, sizeof why);
    int64_t committed = support_committed(b, "gstall", "pages", PARTITIONS);
    cr_log_info("records' broker down: stuck %.0f, ready %d (%s), committed %lld",
                value(w, "news_ingest_stuck_partitions", ""), ready, why, (long long)committed);
    cr_assert(seen, "a partition that cannot advance is not in news_ingest_stuck_partitions");
    cr_assert_not(ready, "/readyz would answer 200 while a partition cannot advance");
    cr_assert(strstr(why, "stuck"), "readiness reason: %s", why);
    cr_assert_eq(committed, 0, "committed past undelivered records");
    rd_kafka_mock_broker_set_up(mock, 3);
    cr_assert(support_wait(delivered_4_unstuck, w, 60000),
              "no recovery after the broker came back");
    support_msgs rec = support_consume(b, "articles", 5, 5000);
    tally t = count(&rec, 4);
    print("records' broker silent, then back", &t, 4);
    cr_assert_eq(t.missing, 0);
    cr_assert_eq(rec.n, 4, "records: %zu", rec.n);
    support_msgs_free(&rec);
    cr_assert_eq(support_worker_stop(w), 0);
    kafka_embedded_destroy(e);
}
