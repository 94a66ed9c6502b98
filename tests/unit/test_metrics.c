/* test_metrics.c: unit tests of the metric registry, its Prometheus exposition and stats_apply. */
#include "metrics/metrics.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static metrics *m;
static sbuf out = SBUF_INIT;

static void setup(void)
{
    m = metrics_create("1.2.3");
    cr_assert_not_null(m);
}

static void teardown(void)
{
    metrics_destroy(m);
    sbuf_free(&out);
}

static const char *render(void)
{
    sbuf_reset(&out);
    cr_assert_eq(metrics_render(m, &out), NI_OK);
    cr_assert_not_null(out.data);
    return out.data;
}

/* has_line: the exposition holds exactly this line. */
static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n') return 1;
    return 0;
}

TestSuite(metrics, .init = setup, .fini = teardown);

Test(metrics, every_family_has_help_and_type)
{
    const char *fams[][2] = {{"news_ingest_messages_consumed_total", "counter"},
                             {"news_ingest_records_produced_total", "counter"},
                             {"news_ingest_dlq_total", "counter"},
                             {"news_ingest_delivery_errors_total", "counter"},
                             {"news_ingest_processing_seconds", "histogram"},
                             {"news_ingest_consumer_lag", "gauge"},
                             {"news_ingest_inflight_messages", "gauge"},
                             {"news_ingest_stuck_partitions", "gauge"},
                             {"news_ingest_assigned_partitions", "gauge"},
                             {"news_ingest_rebalances_total", "counter"},
                             {"news_ingest_ner_reloads_total", "counter"},
                             {"news_ingest_ready", "gauge"},
                             {"news_ingest_build_info", "gauge"}};
    const char *text = render();
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        char type[128], help[128];
        snprintf(type, sizeof type, "# TYPE %s %s", fams[i][0], fams[i][1]);
        snprintf(help, sizeof help, "# HELP %s ", fams[i][0]);
        cr_assert(has_line(text, type), "missing %s in:\n%s", type, text);
        cr_assert(strstr(text, help), "missing %s", help);
    }
    cr_assert(has_line(text, "news_ingest_build_info{version=\"1.2.3\"} 1"), "%s", text);
    cr_assert(has_line(text, "news_ingest_inflight_messages 0"), "%s", text);
    cr_assert(has_line(text, "news_ingest_rebalances_total 0"), "%s", text);
    cr_assert_eq(text[strlen(text) - 1], '\n');
}

Test(metrics, counters_and_gauges_move)
{
    metrics_consumed_inc(m, "pages");
    metrics_consumed_inc(m, "pages");
    metrics_produced_inc(m, "articles");
    metrics_produced_inc(m, "pages.dlq");
    metrics_dlq_inc(m, "too_large");
    metrics_delivery_error_inc(m, "articles");
    metrics_rebalances_inc(m);
    metrics_inflight_set(m, 17);
    metrics_stuck_set(m, 1);
    metrics_assigned_set(m, 4);
    metrics_ready_set(m, 1);
    metrics_ner_reload_inc(m, 1);
    metrics_ner_reload_inc(m, 0);
    metrics_ner_reload_inc(m, 0);
    cr_assert_eq(metrics_value(m, "news_ingest_ner_reloads_total", "ok"), 1);
    cr_assert_eq(metrics_value(m, "news_ingest_ner_reloads_total", "error"), 2);
    cr_assert_eq(metrics_value(m, "news_ingest_messages_consumed", "pages"), 2);
    cr_assert_eq(metrics_value(m, "news_ingest_messages_consumed_total", "pages"), 2);
    cr_assert_eq(metrics_value(m, "news_ingest_messages_consumed", "other"), 0);
    cr_assert_eq(metrics_value(m, "news_ingest_dlq", "too_large"), 1);
    cr_assert_eq(metrics_value(m, "news_ingest_rebalances", ""), 1);
    cr_assert_eq(metrics_value(m, "news_ingest_inflight_messages", ""), 17);
    cr_assert_eq(metrics_value(m, "no_such_family", ""), 0);
    const char *text = render();
    cr_assert(has_line(text, "news_ingest_messages_consumed_total{topic=\"pages\"} 2"), "%s", text);
    cr_assert(has_line(text, "news_ingest_records_produced_total{topic=\"articles\"} 1"));
    cr_assert(has_line(text, "news_ingest_records_produced_total{topic=\"pages.dlq\"} 1"));
    cr_assert(has_line(text, "news_ingest_dlq_total{reason=\"too_large\"} 1"));
    cr_assert(has_line(text, "news_ingest_delivery_errors_total{topic=\"articles\"} 1"));
    cr_assert(has_line(text, "news_ingest_rebalances_total 1"));
    cr_assert(has_line(text, "news_ingest_ner_reloads_total{result=\"error\"} 2"), "%s", text);
    cr_assert(has_line(text, "news_ingest_inflight_messages 17"));
    cr_assert(has_line(text, "news_ingest_stuck_partitions 1"));
    cr_assert(has_line(text, "news_ingest_assigned_partitions 4"));
    cr_assert(has_line(text, "news_ingest_ready 1"));
    metrics_inflight_set(m, 3);
    metrics_ready_set(m, 0);
    text = render();
    cr_assert(has_line(text, "news_ingest_inflight_messages 3"));
    cr_assert(has_line(text, "news_ingest_ready 0"));
}

Test(metrics, label_values_escaped)
{
    metrics_dlq_inc(m, "a\"b\\c\nd");
    const char *text = render();
    cr_assert(has_line(text, "news_ingest_dlq_total{reason=\"a\\\"b\\\\c\\nd\"} 1"), "%s", text);
    cr_assert_eq(metrics_value(m, "news_ingest_dlq", "a\"b\\c\nd"), 1);
}

/* bucket: the cumulative count rendered for le. */
static long long bucket(const char *text, const char *le)
{
    char key[128];
    snprintf(key, sizeof key, "news_ingest_processing_seconds_bucket{le=\"%s\"} ", le);
    const char *p = strstr(text, key);
    cr_assert_not_null(p, "no bucket le=%s", le);
    return atoll(p + strlen(key));
}

Test(metrics, histogram_cumulative)
{
    const double obs[] = {0.00005, 0.0003, 0.001, 0.003, 0.2, 20};
    for (size_t i = 0; i < 6; i++) metrics_processing_observe(m, obs[i]);
    const char *text = render();
    cr_assert_eq(bucket(text, "0.0001"), 1);
    cr_assert_eq(bucket(text, "0.00025"), 1);
    cr_assert_eq(bucket(text, "0.0005"), 2);
    cr_assert_eq(bucket(text, "0.001"), 3, "le is inclusive");
    cr_assert_eq(bucket(text, "0.005"), 4);
    cr_assert_eq(bucket(text, "0.1"), 4);
    cr_assert_eq(bucket(text, "0.25"), 5);
    cr_assert_eq(bucket(text, "10"), 5);
    cr_assert_eq(bucket(text, "+Inf"), 6);
    cr_assert(has_line(text, "news_ingest_processing_seconds_count 6"), "%s", text);
    /* buckets never decrease, in rendering order */
    long long prev = -1, n = 0;
    const char *key = "news_ingest_processing_seconds_bucket{le=\"";
    for (const char *p = text; (p = strstr(p, key)) != NULL; p++, n++) {
        long long v = atoll(strstr(p, "} ") + 2);
        cr_assert(v >= prev);
        prev = v;
    }
    cr_assert_eq(n, 17, "16 bounds and +Inf");
    cr_assert_eq(metrics_value(m, "news_ingest_processing_seconds", ""), 6);
    cr_assert_float_eq(metrics_value(m, "news_ingest_processing_seconds_sum", ""), 20.20435, 1e-9);
    const char *sum = strstr(text, "news_ingest_processing_seconds_sum ");
    cr_assert_not_null(sum);
    cr_assert_float_eq(strtod(sum + 35, NULL), 20.20435, 1e-9);
}

static const char *stats_v1 =
    "{\"name\":\"rdkafka#consumer-1\",\"client_id\":\"news-ingest\",\"type\":\"consumer\","
    "\"ts\":5123456789,\"time\":1790000000,\"age\":5001234,\"replyq\":0,\"msg_cnt\":0,"
    "\"msg_size\":0,\"msg_max\":100000,\"msg_size_max\":1073741824,\"metadata_cache_cnt\":1,"
    "\"brokers\":{\"127.0.0.1:40101/1\":{\"name\":\"127.0.0.1:40101/1\",\"nodeid\":1,"
    "\"state\":\"UP\",\"rtt\":{\"min\":80,\"max\":900,\"avg\":200},"
    "\"toppars\":{\"pages-0\":{\"topic\":\"pages\",\"partition\":0}}}},"
    "\"topics\":{"
    "\"pages\":{\"topic\":\"pages\",\"age\":4990,\"metadata_age\":4000,"
    "\"batchsize\":{\"min\":0,\"max\":0},\"partitions\":{"
    "\"0\":{\"partition\":0,\"broker\":1,\"leader\":1,\"desired\":true,\"unknown\":false,"
    "\"fetch_state\":\"active\",\"query_offset\":-1001,\"next_offset\":120,\"app_offset\":118,"
    "\"stored_offset\":118,\"committed_offset\":120,\"lo_offset\":0,\"hi_offset\":170,"
    "\"ls_offset\":170,\"consumer_lag\":50,\"consumer_lag_stored\":70,\"rxmsgs\":120},"
    "\"1\":{\"partition\":1,\"broker\":2,\"leader\":2,\"desired\":true,\"unknown\":false,"
    "\"fetch_state\":\"active\",\"committed_offset\":30,\"hi_offset\":30,\"ls_offset\":30,"
    "\"consumer_lag\":0,"
    "\"consumer_lag_stored\":0},"
    "\"2\":{\"partition\":2,\"broker\":3,\"leader\":3,\"desired\":false,\"unknown\":false,"
    "\"fetch_state\":\"none\",\"hi_offset\":-1,\"consumer_lag\":-1,\"consumer_lag_stored\":-1},"
    "\"-1\":{\"partition\":-1,\"broker\":-1,\"leader\":-1,\"desired\":false,\"unknown\":false,"
    "\"fetch_state\":\"none\",\"consumer_lag\":7,\"consumer_lag_stored\":-1}}},"
    "\"side\":{\"topic\":\"side\",\"partitions\":{"
    "\"3\":{\"partition\":3,\"consumer_lag\":12345678901,\"consumer_lag_stored\":1}}}},"
    "\"cgrp\":{\"state\":\"up\",\"stateage\":4000,\"join_state\":\"steady\","
    "\"rebalance_age\":3900,\"rebalance_cnt\":1,\"assignment_size\":3}}";

/* the next report: partition 0 was revoked, partition 1 grew, side unchanged */
static const char *stats_v2 =
    "{\"name\":\"rdkafka#consumer-1\",\"type\":\"consumer\",\"topics\":{"
    "\"pages\":{\"topic\":\"pages\",\"partitions\":{"
    "\"0\":{\"partition\":0,\"desired\":false,\"fetch_state\":\"none\",\"consumer_lag\":-1},"
    "\"1\":{\"partition\":1,\"desired\":true,\"fetch_state\":\"active\",\"consumer_lag\":9}}},"
    "\"side\":{\"topic\":\"side\",\"partitions\":{"
    "\"3\":{\"partition\":3,\"consumer_lag\":4}}}}}";

Test(metrics, stats_apply_sets_and_removes_lag)
{
    char err[256] = "";
    cr_assert_eq(metrics_stats_apply(m, stats_v1, strlen(stats_v1), err, sizeof err), NI_OK, "%s",
                 err);
    const char *text = render();
    cr_assert(has_line(text, "news_ingest_consumer_lag{topic=\"pages\",partition=\"0\"} 50"), "%s",
              text);
    cr_assert(has_line(text, "news_ingest_consumer_lag{topic=\"pages\",partition=\"1\"} 0"));
    cr_assert(
        has_line(text, "news_ingest_consumer_lag{topic=\"side\",partition=\"3\"} 12345678901"));
    cr_assert_null(strstr(text, "partition=\"2\""), "lag -1 is not reported");
    cr_assert_null(strstr(text, "partition=\"-1\""), "the UA partition is skipped");
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 50);

    cr_assert_eq(metrics_stats_apply(m, stats_v2, strlen(stats_v2), err, sizeof err), NI_OK);
    text = render();
    cr_assert_null(strstr(text, "topic=\"pages\",partition=\"0\""), "revoked partition stays:\n%s",
                   text);
    cr_assert(has_line(text, "news_ingest_consumer_lag{topic=\"pages\",partition=\"1\"} 9"));
    cr_assert(has_line(text, "news_ingest_consumer_lag{topic=\"side\",partition=\"3\"} 4"));
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 0);
}

/* nothing committed yet (librdkafka's consumer_lag is -1): lag from the position, else from the
 * low watermark; an end offset under read_committed is the last stable offset */
static const char *stats_uncommitted =
    "{\"type\":\"consumer\",\"topics\":{\"pages\":{\"partitions\":{"
    "\"0\":{\"partition\":0,\"desired\":true,\"committed_offset\":-1001,\"app_offset\":12,"
    "\"lo_offset\":0,\"hi_offset\":40,\"ls_offset\":-1,\"consumer_lag\":-1},"
    "\"1\":{\"partition\":1,\"desired\":true,\"committed_offset\":-1001,\"app_offset\":-1001,"
    "\"lo_offset\":5,\"hi_offset\":25,\"ls_offset\":-1,\"consumer_lag\":-1},"
    "\"2\":{\"partition\":2,\"desired\":true,\"committed_offset\":3,\"lo_offset\":0,"
    "\"hi_offset\":10,\"ls_offset\":8,\"consumer_lag\":5}}}}}";

Test(metrics, stats_lag_before_the_first_commit)
{
    char err[256] = "";
    cr_assert_eq(
        metrics_stats_apply(m, stats_uncommitted, strlen(stats_uncommitted), err, sizeof err),
        NI_OK, "%s", err);
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 28, "from the position");
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:1"), 20, "from the low mark");
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:2"), 5, "ls_offset - commit");
}

Test(metrics, stats_bad_json_leaves_gauges)
{
    char err[256] = "";
    cr_assert_eq(metrics_stats_apply(m, stats_v1, strlen(stats_v1), err, sizeof err), NI_OK);
    const char *bad[] = {"{\"type\":\"consumer\",\"topics\":{", "not json", "[1,2]",
                         "{\"type\":\"consumer\",\"topics\":[]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        cr_assert_eq(metrics_stats_apply(m, bad[i], strlen(bad[i]), err, sizeof err), NI_ERR_PARSE,
                     "%s", bad[i]);
        cr_assert(err[0], "errstr filled");
        cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 50);
        cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "side:3"), 12345678901.0);
    }
    /* a truncated buffer: only len bytes are read */
    cr_assert_eq(metrics_stats_apply(m, stats_v2, 20, err, sizeof err), NI_ERR_PARSE);
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 50);
}

Test(metrics, producer_stats_do_not_clear_lag)
{
    const char *prod = "{\"name\":\"rdkafka#producer-2\",\"type\":\"producer\",\"topics\":{"
                       "\"articles\":{\"partitions\":{\"0\":{\"partition\":0,"
                       "\"consumer_lag\":-1}}}}}";
    cr_assert_eq(metrics_stats_apply(m, stats_v1, strlen(stats_v1), NULL, 0), NI_OK);
    cr_assert_eq(metrics_stats_apply(m, prod, strlen(prod), NULL, 0), NI_OK);
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:0"), 50);
}

Test(metrics, lag_set_and_remove)
{
    metrics_lag_set(m, "pages", 5, 42);
    cr_assert(has_line(render(), "news_ingest_consumer_lag{topic=\"pages\",partition=\"5\"} 42"));
    metrics_lag_set(m, "pages", 5, 43);
    cr_assert_eq(metrics_value(m, "news_ingest_consumer_lag", "pages:5"), 43);
    metrics_lag_set(m, "pages", 5, -1);
    cr_assert_null(strstr(render(), "partition=\"5\""));
}

#define THREADS 4
#define INCS 20000

static void *incrementer(void *arg)
{
    for (int i = 0; i < INCS; i++) {
        metrics_consumed_inc(m, (const char *)arg);
        metrics_processing_observe(m, 0.001);
    }
    return NULL;
}

Test(metrics, concurrent_updates_are_counted)
{
    pthread_t t[THREADS];
    const char *topics[] = {"a", "b", "a", "b"};
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, incrementer, (void *)topics[i]), 0);
    for (int i = 0; i < 50; i++) render();
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    cr_assert_eq(metrics_value(m, "news_ingest_messages_consumed", "a"), 2 * INCS);
    cr_assert_eq(metrics_value(m, "news_ingest_messages_consumed", "b"), 2 * INCS);
    cr_assert_eq(metrics_value(m, "news_ingest_processing_seconds_count", ""), THREADS * INCS);
}

Test(metrics, destroy_null_is_noop)
{
    metrics_destroy(NULL);
    metrics_consumed_inc(NULL, "x");
    cr_assert_eq(metrics_value(NULL, "news_ingest_ready", ""), 0);
}
