/* dlq.h: what a dead letter needs beyond the worker: which produce errors are final, how much
 * of a value fits the producer's limit, the headers of a dead-lettered output. */
#ifndef NI_KAFKA_DLQ_H
#define NI_KAFKA_DLQ_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

/* Room kept under message.max.bytes for the record batch framing around one message. */
#define KAFKA_DLQ_MARGIN 1024

/* kafka_err_too_large: err says the message is larger than a producer or broker accepts. */
int kafka_err_too_large(rd_kafka_resp_err_t err);
/* kafka_err_permanent: err will not go away by producing the same message again (too large,
 * invalid record, authorization); transient errors (timeouts, leaders, brokers down) are not. */
int kafka_err_permanent(rd_kafka_resp_err_t err);

/* kafka_headers_size: the bytes librdkafka counts for h against message.max.bytes (names and
 * values; 0 for NULL). */
size_t kafka_headers_size(const rd_kafka_headers_t *h);

/* kafka_dlq_fit: how many bytes of a len-byte value fit with key_len and h under limit
 * (message.max.bytes) less KAFKA_DLQ_MARGIN; len when all of it fits, 0 when nothing does. */
size_t kafka_dlq_fit(size_t limit, size_t key_len, const rd_kafka_headers_t *h, size_t len);

/* kafka_dlq_mark_truncated: h says the value is a prefix of an original of orig bytes
 * ("ingest.error.truncated": orig); an earlier mark is kept (it names the first original). */
void kafka_dlq_mark_truncated(rd_kafka_headers_t *h, size_t orig);

/* kafka_dlq_output_headers: the headers of a dead-lettered output (a record or an entity event
 * whose production failed for good): a copy of its own headers (may be NULL) plus
 * ingest.error.stage "produce", .reason, .message, .payload (payload names what the value is:
 * "record", "entity_event") and ingest.worker. The caller destroys the result; NULL when out of
 * memory. */
rd_kafka_headers_t *kafka_dlq_output_headers(const rd_kafka_headers_t *out, const char *payload,
                                             const char *reason, const char *message,
                                             const char *worker);

#endif
