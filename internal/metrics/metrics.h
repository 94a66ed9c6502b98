/* metrics.h: the worker's counters, gauges and histogram, rendered in Prometheus text format. */
#ifndef NI_METRICS_METRICS_H
#define NI_METRICS_METRICS_H

#include "util/sbuf.h"

#include <stddef.h>

/*
 * One registry per process. Every update and metrics_render are thread-safe (the worker thread
 * updates, the HTTP thread renders). Label values are copied. Families rendered (with # HELP and
 * # TYPE lines):
 *   news_ingest_messages_consumed_total{topic}     counter
 *   news_ingest_records_produced_total{topic}      counter (delivered records, DLQ copies and
 *                                                  entity events, by destination topic)
 *   news_ingest_dlq_total{reason}                  counter
 *   news_ingest_delivery_errors_total{topic}       counter (failed delivery reports)
 *   news_ingest_processing_seconds                 histogram, per message (buckets 0.0001 ..
 *                                                  10 s, _bucket{le}, _sum, _count)
 *   news_ingest_consumer_lag{topic,partition}      gauge (from librdkafka statistics)
 *   news_ingest_inflight_messages                  gauge
 *   news_ingest_stuck_partitions                   gauge
 *   news_ingest_assigned_partitions                gauge
 *   news_ingest_rebalances_total                   counter
 *   news_ingest_ner_reloads_total{result}          counter (SIGHUP reloads: "ok", "error")
 *   news_ingest_fetch_requests_total{result}       counter (URL-only messages fetched, by
 *                                                  outcome)
 *   news_ingest_fetch_seconds                      histogram, per fetched URL
 *   news_ingest_fetch_inflight                     gauge
 *   news_ingest_fetch_bytes_total                  counter
 *   news_ingest_ready                              gauge 0/1 (what /readyz answers)
 *   news_ingest_build_info{version}                gauge 1
 *   news_ingest_commits_total{result}              counter (offset commits: "ok", "error")
 *   news_ingest_consumer_blocked                   gauge 0/1 (a fetch response the consumer
 *                                                  cannot read)
 */
typedef struct metrics metrics;

/* metrics_create: NULL when out of memory. */
metrics *metrics_create(const char *version);
/* metrics_destroy: NULL is a no-op. */
void metrics_destroy(metrics *m);

void metrics_consumed_inc(metrics *m, const char *topic);
void metrics_produced_inc(metrics *m, const char *topic);
void metrics_dlq_inc(metrics *m, const char *reason);
void metrics_delivery_error_inc(metrics *m, const char *topic);
/* metrics_delivery_errors_declare: the topic's delivery-error series exists (0) before any. */
void metrics_delivery_errors_declare(metrics *m, const char *topic);
void metrics_rebalances_inc(metrics *m);
/* metrics_ner_reload_inc: one reload of the model and KB, ok or not. */
void metrics_ner_reload_inc(metrics *m, int ok);
/* metrics_commit_inc: one offset commit acknowledged (ok) or refused. */
void metrics_commit_inc(metrics *m, int ok);
void metrics_processing_observe(metrics *m, double seconds);
/* metrics_fetch_observe: one fetched URL's outcome ("ok", "http_4xx", ...) and duration. */
void metrics_fetch_observe(metrics *m, const char *result, double seconds);
/* metrics_fetch_set: the fetcher's running transfers and bytes received so far. */
void metrics_fetch_set(metrics *m, long inflight, unsigned long long bytes);
void metrics_inflight_set(metrics *m, long n);
void metrics_stuck_set(metrics *m, long n);
void metrics_assigned_set(metrics *m, long n);
void metrics_consumer_blocked_set(metrics *m, int blocked);
void metrics_ready_set(metrics *m, int ready);
/* metrics_lag_set: lag < 0 removes the series (partition no longer assigned). */
void metrics_lag_set(metrics *m, const char *topic, int partition, long long lag);

/* metrics_stats_apply: reads librdkafka's statistics JSON (stats_cb) and sets
 * news_ingest_consumer_lag for every partition of every topic with "consumer_lag" >= 0 and
 * partition id >= 0, removing series of partitions that no longer report. NI_OK, or
 * NI_ERR_PARSE (errstr filled) when the JSON cannot be read; the gauges are unchanged then. */
int metrics_stats_apply(metrics *m, const char *json, size_t len, char *errstr, size_t errlen);

/* metrics_value: the current value of a sample (tests, logs): family name (counters with or
 * without _total; news_ingest_processing_seconds[_count|_sum] reads the histogram) and the one
 * label value ("" for none; "topic:partition" for the lag); 0 when absent. */
double metrics_value(metrics *m, const char *family, const char *label);

/* metrics_render: appends the whole exposition to out; NI_OK or NI_ERR_NOMEM. */
int metrics_render(metrics *m, sbuf *out);

#endif
