/* test_worker.c: the worker in-process against librdkafka's mock cluster: records out, commits,
 * dead letters, broker failures, rebalances, failed deliveries. */
#include "kafka/kafka.h"
#include "metrics/health.h"
#include "metrics/metrics.h"
#include "support.h"
#include "support_kafka.h"
#include "support_proc.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTITIONS 4

static kafka_embedded *cluster(int brokers, int partitions)
{
    const char *topics[] = {"pages", "articles", "pages.dlq", "entities"};
    char err[512] = "";
    kafka_embedded *e = kafka_embedded_create(brokers, partitions, topics, 4, err, sizeof err);
    cr_assert_not_null(e, "embedded cluster: %s", err);
    return e;
}

/* record_url: the record's url field (static copy), NULL when not a JSON record. */
static const char *record_field(const char *json, const char *key)
{
    static char buf[256];
    cJSON *r = cJSON_Parse(json);
    const char *v = r ? cJSON_GetStringValue(cJSON_GetObjectItem(r, key)) : NULL;
    if (v) snprintf(buf, sizeof buf, "%s", v);
    cJSON_Delete(r);
    return v ? buf : NULL;
}

/* distinct_urls: how many of pages [0, n) have at least one record in msgs; *dups gets the
 * number of records beyond the first per page. */
static int distinct_urls(const support_msgs *msgs, int n, int *dups)
{
    int *seen = calloc((size_t)n, sizeof *seen), found = 0;
    *dups = 0;
    for (size_t i = 0; i < msgs->n; i++) {
        const char *url = record_field(msgs->v[i].value, "url");
        int k = -1;
        if (url && sscanf(url, "https://news.example/story-%d", &k) == 1 && k >= 0 && k < n) {
            if (seen[k]++)
                (*dups)++;
            else
                found++;
        }
    }
    free(seen);
    return found;
}

typedef struct committed_arg {
    const char *b, *group;
    int64_t want;
} committed_arg;

static int committed_reached(void *arg)
{
    committed_arg *a = arg;
    return support_committed(a->b, a->group, "pages", PARTITIONS) >= a->want;
}

static double value(support_worker *w, const char *family, const char *label)
{
    return metrics_value(support_worker_metrics(w), family, label);
}

Test(worker, pages_in_records_out_offsets_committed, .timeout = 120)
{
    kafka_embedded *e = cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    support_produce_pages(b, "pages", 0, 40);
    const char *args[] = {"--brokers", b, "--group", "g1", NULL};
    support_worker *w = support_worker_start(args);
    support_msgs out = support_consume(b, "articles", 40, 30000);
    cr_assert_eq(out.n, 40, "records: %zu of 40", out.n);
    for (size_t i = 0; i < out.n; i++) {
        support_msg *m = &out.v[i];
        support_schema_assert(m->value);
        cr_assert_not_null(m->key);
        cr_assert_str_eq(m->key, record_field(m->value, "id"), "key is not the record id");
        cr_assert_str_eq(support_header(m, "content-type"), "application/json");
        cr_assert_str_eq(support_header(m, "schema"), "news.article/1");
        cr_assert_str_eq(support_header(m, "ingest.source.topic"), "pages");
        cJSON *r = cJSON_Parse(m->value);
        const cJSON *ing = cJSON_GetObjectItem(r, "ingest");
        cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(ing, "topic")), "pages");
        char off[32];
        snprintf(off, sizeof off, "%.0f", cJSON_GetObjectItem(ing, "offset")->valuedouble);
        cr_assert_str_eq(support_header(m, "ingest.source.offset"), off);
        cJSON_Delete(r);
    }
    int dups;
    cr_assert_eq(distinct_urls(&out, 40, &dups), 40);
    committed_arg ca = {b, "g1", 40};
    cr_assert(support_wait(committed_reached, &ca, 15000), "offsets not committed: %lld",
              (long long)support_committed(b, "g1", "pages", PARTITIONS));
    cr_assert_eq(value(w, "news_ingest_messages_consumed_total", "pages"), 40);
    cr_assert_eq(value(w, "news_ingest_records_produced_total", "articles"), 40);
    cr_assert(health_ready(support_worker_health(w), NULL, 0), "worker not ready");
    cr_assert_eq(support_worker_stop(w), 0);
    cr_assert_eq(support_committed(b, "g1", "pages", PARTITIONS), 40);
    support_msgs_free(&out);
    kafka_embedded_destroy(e);
}

/* poison: the bad inputs of the DLQ test, in the order they are produced. */
typedef struct poison {
    const char *value;
    size_t len;
    const char *reason;
} poison;

Test(worker, poison_messages_go_to_dlq_and_partition_keeps_going, .timeout = 120)
{
    kafka_embedded *e = cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    static char garbage[3000], big[30000];
    for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (char)((i * 7919u + 13u) % 256u);
    memset(big, 'a', sizeof big);
    for (size_t i = 80; i < sizeof big; i += 80) big[i] = '\n';
    poison bad[] = {
        {garbage, sizeof garbage, "binary_content"},
        {big, sizeof big, "too_large"},
        {"{\"url\": \"https://news.example/x\", \"body\": 12}", 0, "bad_envelope"},
        {"{\"url\": \"https://news.example/y\", \"body\": \"trunc", 0, "bad_envelope"},
    };
    bad[2].len = strlen(bad[2].value);
    bad[3].len = strlen(bad[3].value);
    const char *key = "same-partition";
    for (int i = 0; i < 3; i++) {
        const char *hdrs[] = {"url", support_page_url(i), NULL};
        support_produce(b, "pages", key, support_page(i), strlen(support_page(i)), hdrs);
    }
    for (size_t i = 0; i < 4; i++) support_produce(b, "pages", key, bad[i].value, bad[i].len, NULL);
    for (int i = 3; i < 6; i++) {
        const char *hdrs[] = {"url", support_page_url(i), NULL};
        support_produce(b, "pages", key, support_page(i), strlen(support_page(i)), hdrs);
    }
    const char *args[] = {"--brokers", b, "--group", "g2", "--max-bytes", "20000", NULL};
    support_worker *w = support_worker_start(args);
    support_msgs dlq = support_consume(b, "pages.dlq", 4, 30000);
    support_msgs rec = support_consume(b, "articles", 6, 30000);
    cr_assert_eq(dlq.n, 4, "dead letters: %zu of 4", dlq.n);
    cr_assert_eq(rec.n, 6, "records: %zu of 6 (the partition did not keep going)", rec.n);
    int64_t first_bad = -1;
    for (size_t i = 0; i < dlq.n; i++) {
        support_msg *m = &dlq.v[i];
        cr_assert_eq(m->len, bad[i].len, "dead letter %zu is not the original bytes", i);
        cr_assert(!memcmp(m->value, bad[i].value, m->len));
        cr_assert_str_eq(m->key, key, "original key lost");
        cr_assert_str_eq(support_header(m, "ingest.error.reason"), bad[i].reason);
        cr_assert_not_null(support_header(m, "ingest.error.stage"));
        cr_assert_gt(strlen(support_header(m, "ingest.error.message")), 5);
        cr_assert_str_eq(support_header(m, "ingest.source.topic"), "pages");
        cr_assert_not_null(support_header(m, "ingest.source.partition"));
        cr_assert_not_null(support_header(m, "ingest.source.timestamp"));
        cr_assert_not_null(support_header(m, "ingest.worker"));
        int64_t off = atoll(support_header(m, "ingest.source.offset"));
        if (i == 0) first_bad = off;
        cr_assert_eq(off, first_bad + (int64_t)i, "source offsets out of order");
    }
    cr_assert_str_eq(support_header(&dlq.v[1], "ingest.error.stage"), "message");
    cr_assert_eq(value(w, "news_ingest_dlq_total", "bad_envelope"), 2);
    cr_assert_eq(value(w, "news_ingest_dlq_total", "too_large"), 1);
    cr_assert_eq(value(w, "news_ingest_dlq_total", "binary_content"), 1);
    committed_arg ca = {b, "g2", 10};
    cr_assert(support_wait(committed_reached, &ca, 15000), "offsets of the poison not committed");
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&dlq);
    support_msgs_free(&rec);
    kafka_embedded_destroy(e);
}

typedef struct produced_arg {
    support_worker *w;
    double want;
} produced_arg;

static int produced_reached(void *arg)
{
    produced_arg *a = arg;
    return value(a->w, "news_ingest_records_produced_total", "articles") >= a->want;
}

Test(worker, broker_down_and_leader_moves_lose_nothing, .timeout = 180)
{
    kafka_embedded *e = cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    rd_kafka_mock_cluster_t *mock = kafka_embedded_mock(e);
    const int n = 300;
    support_produce_pages(b, "pages", 0, n);
    const char *args[] = {"--brokers", b, "--group", "g3", NULL};
    support_worker *w = support_worker_start(args);
    produced_arg pa = {w, 20};
    cr_assert(support_wait(produced_reached, &pa, 30000), "no records before the failures");
    rd_kafka_mock_broker_set_down(mock, 2);
    for (int p = 0; p < PARTITIONS; p++) {
        rd_kafka_mock_partition_set_leader(mock, "articles", p, 1 + (p + 1) % 3);
        rd_kafka_mock_partition_set_leader(mock, "pages", p, 1 + (p + 2) % 3);
    }
    support_wait(produced_reached, &(produced_arg){w, 100}, 5000);
    rd_kafka_mock_broker_set_up(mock, 2);
    for (int p = 0; p < PARTITIONS; p++) rd_kafka_mock_partition_set_leader(mock, "articles", p, 2);
    support_msgs out = support_consume(b, "articles", (size_t)n, 60000);
    int dups;
    int found = distinct_urls(&out, n, &dups);
    cr_log_info("broker failures: %d of %d inputs have a record, %d duplicates", found, n, dups);
    cr_assert_eq(found, n, "inputs without a record: %d", n - found);
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&out);
    kafka_embedded_destroy(e);
}

static int assigned(support_worker *w)
{
    return (int)value(w, "news_ingest_assigned_partitions", "");
}

typedef struct split_arg {
    support_worker *a, *b;
} split_arg;

static int split(void *arg)
{
    split_arg *s = arg;
    return assigned(s->a) > 0 && assigned(s->b) > 0 &&
           assigned(s->a) + assigned(s->b) == PARTITIONS;
}

static int all_assigned(void *arg)
{
    return assigned(arg) == PARTITIONS;
}

Test(worker, two_workers_split_then_one_takes_over, .timeout = 180)
{
    kafka_embedded *e = cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    const char *args[] = {"--brokers", b, "--group", "g4", NULL};
    support_worker *w1 = support_worker_start(args);
    support_worker *w2 = support_worker_start(args);
    split_arg s = {w1, w2};
    cr_assert(support_wait(split, &s, 40000), "partitions not split: %d + %d", assigned(w1),
              assigned(w2));
    support_produce_pages(b, "pages", 0, 80);
    support_msgs out = support_consume(b, "articles", 80, 30000);
    double c1 = value(w1, "news_ingest_messages_consumed_total", "pages");
    double c2 = value(w2, "news_ingest_messages_consumed_total", "pages");
    cr_assert(c1 > 0 && c2 > 0, "one worker did all the work: %.0f / %.0f", c1, c2);
    cr_assert_eq(c1 + c2, 80);
    cr_assert_eq(support_worker_stop(w1), 0);
    cr_assert(support_wait(all_assigned, w2, 40000), "survivor holds %d partitions", assigned(w2));
    support_produce_pages(b, "pages", 80, 80);
    support_msgs_free(&out);
    out = support_consume(b, "articles", 160, 30000);
    int dups;
    cr_assert_eq(distinct_urls(&out, 160, &dups), 160);
    cr_log_info("rebalance: 160 inputs, %d duplicate records", dups);
    cr_assert_eq(support_worker_stop(w2), 0);
    support_msgs_free(&out);
    kafka_embedded_destroy(e);
}

static int stuck(void *arg)
{
    return value(arg, "news_ingest_stuck_partitions", "") > 0;
}

static int unstuck_and_delivered(void *arg)
{
    return value(arg, "news_ingest_stuck_partitions", "") == 0 &&
           value(arg, "news_ingest_records_produced_total", "articles") >= 1;
}

Test(worker, failed_delivery_holds_the_partition_until_a_retry_succeeds, .timeout = 120)
{
    kafka_embedded *e = cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    support_produce_pages(b, "pages", 0, 1);
    /* The next produce requests (the worker's) fail with a non-retriable error. */
    rd_kafka_mock_push_request_errors(kafka_embedded_mock(e), 0 /* Produce */, 2,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    const char *args[] = {"--brokers", b, "--group", "g5", NULL};
    support_worker *w = support_worker_start(args);
    health *h = support_worker_health(w);
    cr_assert(support_wait(stuck, w, 30000), "a failed delivery did not hold the partition");
    char why[256] = "";
    cr_assert_not(health_ready(h, why, sizeof why));
    cr_assert(strstr(why, "stuck"), "readiness reason: %s", why);
    cr_assert_eq(support_committed(b, "g5", "pages", PARTITIONS), 0, "committed past a failure");
    cr_assert(support_wait(unstuck_and_delivered, w, 30000), "the retry never delivered");
    cr_assert_geq(value(w, "news_ingest_delivery_errors_total", "articles"), 1);
    committed_arg ca = {b, "g5", 1};
    cr_assert(support_wait(committed_reached, &ca, 15000), "not committed after the retry");
    cr_assert_eq(support_worker_stop(w), 0);
    kafka_embedded_destroy(e);
}
