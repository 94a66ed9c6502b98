/* support_kafka.h: test helpers around a Kafka cluster: produce pages, read topics back, read
 * committed offsets, run the worker in a thread. */
#ifndef NI_TEST_SUPPORT_KAFKA_H
#define NI_TEST_SUPPORT_KAFKA_H

#include "config/config.h"
#include "kafka/kafka.h"
#include "metrics/health.h"
#include "metrics/metrics.h"
#include "support_spawn.h"

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

/* One message read back from a topic (all strings NUL-terminated copies). */
typedef struct support_msg {
    int32_t partition;
    int64_t offset;
    char *key; /* NULL when the message had none */
    size_t key_len;
    char *value;
    size_t len;
    rd_kafka_headers_t *hdrs; /* may be NULL */
} support_msg;

typedef struct support_msgs {
    support_msg *v;
    size_t n;
} support_msgs;

/* support_cluster: librdkafka's mock cluster in this process with the worker's four topics
 * (pages, articles, pages.dlq, entities); aborts the test when it cannot start. Destroy with
 * kafka_embedded_destroy. */
kafka_embedded *support_cluster(int brokers, int partitions);

/* support_broker_start: `news-ingest broker` as a process of its own; its bootstrap list into
 * bs. Aborts the test when it writes none. Stop it by PID (support_proc_signal). */
support_proc *support_broker_start(char *bs, size_t bslen);

/* support_produce: one message, waits for its delivery; aborts the test on failure. hdr_kv is a
 * NULL-terminated list of header name/value pairs (may be NULL). */
void support_produce(const char *bootstraps, const char *topic, const char *key, const void *value,
                     size_t len, const char *const *hdr_kv);

/* support_page: the i-th synthetic test page (a short Arabic or English text article with a
 * unique title and URL "https://news.example/<i>"); static buffer. */
const char *support_page(int i);
/* support_page_url: "https://news.example/story-<i>"; static buffer. */
const char *support_page_url(int i);

/* support_produce_pages: pages [first, first+n) of support_page, each with a url and a
 * content-type header; one producer, waits for every delivery. */
void support_produce_pages(const char *bootstraps, const char *topic, int first, int n);

/* support_consume: reads topic from the beginning of every partition until `want` messages were
 * read or timeout_ms passed with nothing new; returns what it read (possibly fewer). */
support_msgs support_consume(const char *bootstraps, const char *topic, size_t want,
                             int timeout_ms);
/* support_msgs_free: NULL-safe. */
void support_msgs_free(support_msgs *m);
/* support_header: the last value of header name as a NUL-terminated static copy, or NULL. */
const char *support_header(const support_msg *m, const char *name);

/* support_committed: the sum over partitions of group's committed offsets on topic (a partition
 * without a commit counts 0); -1 when they cannot be read. */
int64_t support_committed(const char *bootstraps, const char *group, const char *topic,
                          int partitions);

/* A worker running in its own thread, configured like `run` with the given arguments. */
typedef struct support_worker support_worker;
/* support_worker_start: args is a NULL-terminated list of `run` options (e.g. "--brokers",
 * b, "--group", g, NULL); "--http-listen 127.0.0.1:0" and short timeouts are added first. The
 * model and KB are --ner-model/--kb when given, else the committed ones of the source tree. */
support_worker *support_worker_start(const char *const *args);
/* support_worker_reload: asks the worker to reload its model and KB (what SIGHUP does). */
void support_worker_reload(support_worker *w);
/* support_worker_signal: sets the stop flag (what SIGTERM does) without waiting. */
void support_worker_signal(support_worker *w);
/* support_worker_stop: sets the stop flag and joins; returns kafka_worker_run's result. */
int support_worker_stop(support_worker *w);
metrics *support_worker_metrics(support_worker *w);
health *support_worker_health(support_worker *w);

/* support_wait: polls cond(arg) every 50 ms until true or timeout_ms; returns the last value. */
int support_wait(int (*cond)(void *), void *arg, int timeout_ms);

#endif
