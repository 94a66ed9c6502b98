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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARTITIONS 4

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
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    support_produce_pages(b, "pages", 0, 40);
    const char *args[] = {"--brokers", b, "--group", "g1", "--threads", "2", NULL};
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
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    static char garbage[3000], big[30000];
    for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (char)((i * 7919u + 13u) % 256u);
    memset(big, 'a', sizeof big);
    for (size_t i = 80; i < sizeof big; i += 80) big[i] = '\n';
    /* across librdkafka's 1 MB message.max.bytes: under it the dead letter is whole, over it a
     * marked prefix */
    const size_t under = 960000, over = 1200000;
    char *huge = malloc(over);
    cr_assert_not_null(huge);
    memset(huge, 'b', over);
    for (size_t i = 80; i < over; i += 80) huge[i] = '\n';
    poison bad[] = {
        {garbage, sizeof garbage, "binary_content"},
        {big, sizeof big, "too_large"},
        {"{\"url\": \"https://news.example/x\", \"body\": 12}", 0, "bad_envelope"},
        {"{\"url\": \"https://news.example/y\", \"body\": \"trunc", 0, "bad_envelope"},
        {huge, under, "too_large"},
        {huge, over, "too_large"},
    };
    const size_t nbad = sizeof bad / sizeof *bad;
    bad[2].len = strlen(bad[2].value);
    bad[3].len = strlen(bad[3].value);
    const char *key = "same-partition";
    for (int i = 0; i < 3; i++) {
        const char *hdrs[] = {"url", support_page_url(i), NULL};
        support_produce(b, "pages", key, support_page(i), strlen(support_page(i)), hdrs);
    }
    for (size_t i = 0; i < nbad; i++)
        support_produce(b, "pages", key, bad[i].value, bad[i].len, NULL);
    for (int i = 3; i < 6; i++) {
        const char *hdrs[] = {"url", support_page_url(i), NULL};
        support_produce(b, "pages", key, support_page(i), strlen(support_page(i)), hdrs);
    }
    const char *args[] = {"--brokers", b,           "--group", "g2", "--max-bytes",
                          "20000",     "--threads", "2",       NULL};
    support_worker *w = support_worker_start(args);
    committed_arg ca = {b, "g2", 12};
    int advanced = support_wait(committed_reached, &ca, 60000);
    /* one more than expected may arrive within the wait: nothing else must */
    support_msgs dlq = support_consume(b, "pages.dlq", nbad + 1, 5000);
    support_msgs rec = support_consume(b, "articles", 7, 5000);
    int dups, found = distinct_urls(&rec, 6, &dups);
    cr_log_info("poison: %zu dead letters (want %zu), %zu records, %d of pages 0-5 found, %d "
                "duplicated; committed %lld of 12",
                dlq.n, nbad, rec.n, found, dups,
                (long long)support_committed(b, "g2", "pages", PARTITIONS));
    printf("fault[poison]: inputs=12 lost=%d duplicated=%d\n",
           (int)(6 - found) + (int)(dlq.n < nbad ? nbad - dlq.n : 0),
           dups + (int)(dlq.n > nbad ? dlq.n - nbad : 0));
    cr_assert(advanced, "the poison's offsets were not committed");
    cr_assert_eq(found, 6, "pages 0-5 with a record: %d of 6", found);
    cr_assert_eq(dups, 0, "duplicate records: %d", dups);
    cr_assert_eq(rec.n, 6, "records: %zu, want exactly 6 (one per page)", rec.n);
    for (size_t i = 0; i < rec.n; i++)
        cr_assert_str_eq(support_header(&rec.v[i], "ingest.source.partition"),
                         support_header(&rec.v[0], "ingest.source.partition"));
    cr_assert_eq(dlq.n, nbad, "dead letters: %zu, want exactly %zu", dlq.n, nbad);
    int64_t first_bad = -1;
    for (size_t i = 0; i < dlq.n; i++) {
        support_msg *m = &dlq.v[i];
        const char *trunc = support_header(m, "ingest.error.truncated");
        if (bad[i].len < 1000000) {
            cr_assert_eq(m->len, bad[i].len, "dead letter %zu is not the original bytes", i);
            cr_assert_null(trunc, "dead letter %zu marked truncated", i);
        } else {
            cr_assert_lt(m->len, bad[i].len, "dead letter %zu above message.max.bytes", i);
            cr_assert_not_null(trunc, "dead letter %zu cut but not marked", i);
            cr_assert_eq(atoll(trunc), (long long)bad[i].len, "truncated header: %s", trunc);
        }
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
    cr_assert_eq(value(w, "news_ingest_dlq_total", "too_large"), 3);
    cr_assert_eq(value(w, "news_ingest_dlq_total", "binary_content"), 1);
    cr_assert_eq(support_worker_stop(w), 0);
    free(huge);
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

static int delivery_failed(void *arg)
{
    return value(arg, "news_ingest_delivery_errors_total", "articles") +
               value(arg, "news_ingest_delivery_errors_total", "entities") >=
           1;
}

Test(worker, broker_down_and_leader_moves_lose_nothing, .timeout = 180)
{
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    rd_kafka_mock_cluster_t *mock = kafka_embedded_mock(e);
    const int n = 300, more = 100;
    support_produce_pages(b, "pages", 0, n);
    /* librdkafka gives a message up after 2 s, so an outage longer than that is the worker's
     * own retries' to ride out */
    const char *args[] = {"--brokers", b,   "--group", "g3",
                          "--threads", "2", "-X",      "producer.message.timeout.ms=2000",
                          NULL};
    rd_kafka_mock_coordinator_set(mock, "group", "g3", 1);
    support_worker *w = support_worker_start(args);
    produced_arg pa = {w, 20};
    cr_assert(support_wait(produced_reached, &pa, 30000), "no records before the failures");
    for (int p = 0; p < PARTITIONS; p++) {
        rd_kafka_mock_partition_set_leader(mock, "articles", p, 2);
        rd_kafka_mock_partition_set_leader(mock, "entities", p, 2);
        rd_kafka_mock_partition_set_leader(mock, "pages", p, p % 2 ? 1 : 3);
    }
    rd_kafka_mock_broker_set_down(mock, 2);
    support_produce_pages(b, "pages", n, more); /* records for these meet the outage */
    /* the outage lasts until the worker's own retry path has run (a failed delivery report) */
    int retried = support_wait(delivery_failed, w, 60000);
    double errors = value(w, "news_ingest_delivery_errors_total", "articles") +
                    value(w, "news_ingest_delivery_errors_total", "entities");
    double stuck_during = value(w, "news_ingest_stuck_partitions", "");
    rd_kafka_mock_broker_set_up(mock, 2);
    for (int p = 0; p < PARTITIONS; p++) rd_kafka_mock_partition_set_leader(mock, "articles", p, 3);
    const int all = n + more;
    support_msgs out = support_consume(b, "articles", (size_t)all, 60000);
    support_msgs_free(&out);
    out = support_consume(b, "articles", (size_t)all * 2, 5000); /* everything, duplicates too */
    int dups;
    int found = distinct_urls(&out, all, &dups);
    cr_log_info("broker down past message.timeout.ms: %.0f failed deliveries retried by the worker "
                "(stuck partitions during the outage: %.0f); %d of %d inputs have a record, %d "
                "duplicates",
                errors, stuck_during, found, all, dups);
    printf("fault[broker down past message.timeout.ms]: inputs=%d lost=%d duplicated=%d "
           "delivery_errors=%.0f\n",
           all, all - found, dups, errors);
    cr_assert(retried, "the outage never failed a delivery: the worker's retries did not run");
    cr_assert_eq(found, all, "inputs without a record: %d", all - found);
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

/* A producer thread: pages [first, first+n) in chunks of 20 with a pause after each, so input
 * keeps arriving while partitions move. */
typedef struct feeder {
    const char *b;
    int first, n;
    pthread_t tid;
} feeder;

static void *feed_main(void *arg)
{
    feeder *f = arg;
    for (int i = 0; i < f->n; i += 20) {
        support_produce_pages(f->b, "pages", f->first + i, i + 20 <= f->n ? 20 : f->n - i);
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

Test(worker, two_workers_split_then_one_takes_over, .timeout = 240)
{
    kafka_embedded *e = support_cluster(3, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    const char *args[] = {"--brokers", b, "--group", "g4", "--threads", "2", NULL};
    support_worker *w1 = support_worker_start(args);
    support_worker *w2 = support_worker_start(args);
    split_arg s = {w1, w2};
    cr_assert(support_wait(split, &s, 40000), "partitions not split: %d + %d", assigned(w1),
              assigned(w2));
    /* phase 1: both hold partitions; every input exactly once */
    support_produce_pages(b, "pages", 0, 80);
    support_msgs out = support_consume(b, "articles", 80, 30000);
    support_msgs_free(&out);
    out = support_consume(b, "articles", 81, 3000);
    int dups1, found1 = distinct_urls(&out, 80, &dups1);
    double c1 = value(w1, "news_ingest_messages_consumed_total", "pages");
    double c2 = value(w2, "news_ingest_messages_consumed_total", "pages");
    cr_log_info("phase 1 (split): 80 inputs, %d lost, %d duplicated; consumed %.0f + %.0f",
                80 - found1, dups1, c1, c2);
    printf("fault[two workers, phase 1 split]: inputs=80 lost=%d duplicated=%d\n", 80 - found1,
           dups1);
    cr_assert_eq(found1, 80, "phase 1: inputs without a record: %d", 80 - found1);
    cr_assert_eq(dups1, 0, "phase 1: duplicates without any rebalance: %d", dups1);
    cr_assert_eq(out.n, 80, "phase 1: records %zu", out.n);
    cr_assert(c1 > 0 && c2 > 0, "one worker did all the work: %.0f / %.0f", c1, c2);
    cr_assert_eq(c1 + c2, 80);
    support_msgs_free(&out);
    /* phase 2: w1 stops while input keeps arriving: its partitions move with messages in flight */
    feeder f = {b, 80, 400, 0};
    cr_assert_eq(pthread_create(&f.tid, NULL, feed_main, &f), 0);
    produced_arg pa = {w1, value(w1, "news_ingest_records_produced_total", "articles") + 40};
    cr_assert(support_wait(produced_reached, &pa, 60000), "w1 produced nothing in phase 2");
    double moved_at = value(w1, "news_ingest_inflight_messages", "");
    int rc1 = support_worker_stop(w1);
    cr_assert(support_wait(all_assigned, w2, 40000), "survivor holds %d partitions", assigned(w2));
    pthread_join(f.tid, NULL);
    out = support_consume(b, "articles", 480, 60000);
    support_msgs_free(&out);
    out = support_consume(b, "articles", 960, 5000);
    int dups, found = distinct_urls(&out, 480, &dups);
    cr_log_info("phase 2 (w1 stopped with %.0f messages in flight, result %d): 480 inputs, %d "
                "lost, %d duplicated",
                moved_at, rc1, 480 - found, dups);
    printf("fault[two workers, phase 2 one leaves under load]: inputs=400 lost=%d duplicated=%d\n",
           480 - found, dups);
    cr_assert_eq(found, 480, "inputs without a record: %d", 480 - found);
    if (rc1 == 0) cr_assert_eq(dups, 0, "w1 drained cleanly, yet %d inputs were redone", dups);
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
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    support_produce_pages(b, "pages", 0, 1);
    /* The next produce requests (the worker's) fail with a non-retriable error. */
    rd_kafka_mock_push_request_errors(kafka_embedded_mock(e), 0 /* Produce */, 2,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    const char *args[] = {"--brokers", b, "--group", "g5", "--threads", "1", NULL};
    support_worker *w = support_worker_start(args);
    health *h = support_worker_health(w);
    cr_assert(support_wait(stuck, w, 30000), "a failed delivery did not hold the partition");
    char why[256] = "";
    cr_assert_not(health_ready(h, why, sizeof why));
    cr_assert(strstr(why, "stuck"), "readiness reason: %s", why);
    cr_assert_eq(support_committed(b, "g5", "pages", PARTITIONS), 0, "committed past a failure");
    cr_assert(support_wait(unstuck_and_delivered, w, 30000), "the retry never delivered");
    /* the failed request may carry the record or one of its entity events: both hold it */
    cr_assert_geq(value(w, "news_ingest_delivery_errors_total", "articles") +
                      value(w, "news_ingest_delivery_errors_total", "entities"),
                  1);
    committed_arg ca = {b, "g5", 1};
    cr_assert(support_wait(committed_reached, &ca, 15000), "not committed after the retry");
    cr_assert_eq(support_worker_stop(w), 0);
    kafka_embedded_destroy(e);
}

/* ---- entities ---- */

/* entity_page: an Arabic text page (written for this test) naming places and bodies the
 * committed knowledge base knows (Damascus); static buffer. */
static const char *entity_page(int i)
{
    static char page[1024];
    snprintf(page, sizeof page,
             "وفد من الأمم المتحدة يزور دمشق في جولة رقم %d\n\n"
             "وصل وفد من الأمم المتحدة إلى دمشق صباح اليوم للقاء مسؤولين في وزارة الخارجية، "
             "وقال المتحدث باسم الوفد إن الزيارة تستمر ثلاثة أيام.\n\n"
             "وأضاف أن الوفد سيزور أيضا مدينة حلب قبل أن يعود إلى بيروت.\n",
             i);
    return page;
}

static void produce_entity_pages(const char *b, int n)
{
    for (int i = 0; i < n; i++) {
        const char *hdrs[] = {"url", support_page_url(i), "content-type", "text/plain", NULL};
        support_produce(b, "pages", support_page_url(i), entity_page(i), strlen(entity_page(i)),
                        hdrs);
    }
}

/* pair: one (record id, entity id) of a record's entities array. */
typedef struct pair {
    char article[40], entity[128];
    int matched;
} pair;

/* record_pairs: every (record id, entity id) of the records into v (at most max); the count.
 * *damascus: records whose entities include the knowledge base's Damascus. */
static size_t record_pairs(const support_msgs *recs, pair *v, size_t max, int *damascus)
{
    size_t n = 0;
    *damascus = 0;
    for (size_t i = 0; i < recs->n; i++) {
        cJSON *r = cJSON_Parse(recs->v[i].value);
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(r, "id"));
        cr_assert_not_null(id);
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "entities"))
        {
            const char *eid = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
            cr_assert_not_null(eid, "entity without an id");
            if (!strcmp(eid, "kb:damascus")) (*damascus)++;
            cr_assert_lt(n, max);
            snprintf(v[n].article, sizeof v[n].article, "%s", id);
            snprintf(v[n].entity, sizeof v[n].entity, "%s", eid);
            v[n++].matched = 0;
        }
        cJSON_Delete(r);
    }
    return n;
}

/* event_match: the event's (article_id, entity_id) marks its pair; asserts it has one. */
static void event_match(const support_msg *m, pair *v, size_t n)
{
    cr_assert_not_null(m->key, "event without a key");
    cr_assert_str_eq(support_header(m, "content-type"), "application/json");
    cr_assert_str_eq(support_header(m, "schema"), "news.entity_event/1");
    cr_assert_str_eq(support_header(m, "ingest.source.topic"), "pages");
    cr_assert_not_null(support_header(m, "ingest.source.offset"));
    cJSON *e = cJSON_Parse(m->value);
    cr_assert_not_null(e, "event is not JSON: %s", m->value);
    const char *eid = cJSON_GetStringValue(cJSON_GetObjectItem(e, "entity_id"));
    const char *aid = cJSON_GetStringValue(cJSON_GetObjectItem(e, "article_id"));
    cr_assert(eid && aid, "event lacks entity_id or article_id: %s", m->value);
    cr_assert_str_eq(m->key, eid, "event key is not the entity id");
    size_t i = 0;
    while (i < n && (v[i].matched || strcmp(v[i].article, aid) || strcmp(v[i].entity, eid))) i++;
    cr_assert_lt(i, n, "event (%s, %s) matches no record entity (or a second time)", aid, eid);
    v[i].matched = 1;
    cJSON_Delete(e);
}

Test(worker, entity_events_one_per_record_entity, .timeout = 120)
{
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    const int n = 6;
    produce_entity_pages(b, n);
    const char *args[] = {"--brokers", b, "--group", "g6", "--threads", "3", NULL};
    support_worker *w = support_worker_start(args);
    support_msgs recs = support_consume(b, "articles", (size_t)n, 30000);
    cr_assert_eq(recs.n, (size_t)n, "records: %zu of %d", recs.n, n);
    static pair v[1024];
    int damascus;
    size_t np = record_pairs(&recs, v, 1024, &damascus);
    cr_assert_eq(damascus, n, "records naming Damascus linked to kb:damascus: %d of %d", damascus,
                 n);
    cr_log_info("entity events: %d records, %zu record entities", n, np);
    support_msgs ev = support_consume(b, "entities", np + 1, 3000);
    cr_assert_eq(ev.n, np, "entity events: %zu, record entities: %zu", ev.n, np);
    for (size_t i = 0; i < ev.n; i++) event_match(&ev.v[i], v, np);
    committed_arg ca = {b, "g6", n};
    cr_assert(support_wait(committed_reached, &ca, 15000), "offsets not committed");
    cr_assert_eq(value(w, "news_ingest_records_produced_total", "entities"), (double)np);
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&recs);
    support_msgs_free(&ev);
    kafka_embedded_destroy(e);
}

Test(worker, empty_entities_topic_produces_no_events, .timeout = 120)
{
    kafka_embedded *e = support_cluster(1, PARTITIONS);
    const char *b = kafka_embedded_bootstraps(e);
    produce_entity_pages(b, 3);
    const char *args[] = {"--brokers", b, "--group", "g7", "--entities-topic", "", NULL};
    support_worker *w = support_worker_start(args);
    support_msgs recs = support_consume(b, "articles", 3, 30000);
    cr_assert_eq(recs.n, 3);
    static pair v[1024];
    int damascus;
    cr_assert_gt(record_pairs(&recs, v, 1024, &damascus), 0, "records lost their entities");
    committed_arg ca = {b, "g7", 3};
    cr_assert(support_wait(committed_reached, &ca, 15000), "offsets not committed");
    support_msgs ev = support_consume(b, "entities", 1, 2000);
    cr_assert_eq(ev.n, 0, "an entity event was produced with --entities-topic \"\"");
    cr_assert_eq(support_worker_stop(w), 0);
    support_msgs_free(&recs);
    support_msgs_free(&ev);
    kafka_embedded_destroy(e);
}
