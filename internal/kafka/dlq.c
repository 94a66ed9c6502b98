/* dlq.c: final produce errors, values cut to the producer's limit, dead-lettered outputs. */
#include "kafka/dlq.h"

#include <stdio.h>
#include <string.h>

int kafka_err_too_large(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE;
}

int kafka_err_permanent(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
        return 1;
    default:
        return 0;
    }
}

size_t kafka_headers_size(const rd_kafka_headers_t *h)
{
    size_t n = 0;
    const char *name;
    const void *v;
    size_t len;
    for (size_t i = 0; h && !rd_kafka_header_get_all(h, i, &name, &v, &len); i++)
        n += strlen(name) + len + 8; /* + varint lengths */
    return n;
}

size_t kafka_dlq_fit(size_t limit, size_t key_len, const rd_kafka_headers_t *h, size_t len)
{
    size_t used = key_len + kafka_headers_size(h) + KAFKA_DLQ_MARGIN;
    if (used >= limit) return 0;
    return len <= limit - used ? len : limit - used;
}

void kafka_dlq_mark_truncated(rd_kafka_headers_t *h, size_t orig)
{
    const void *v;
    size_t n;
    if (!rd_kafka_header_get_last(h, "ingest.error.truncated", &v, &n)) return;
    char s[32];
    snprintf(s, sizeof s, "%zu", orig);
    rd_kafka_header_add(h, "ingest.error.truncated", -1, s, -1);
}

rd_kafka_headers_t *kafka_dlq_output_headers(const rd_kafka_headers_t *out, const char *payload,
                                             const char *reason, const char *message,
                                             const char *worker)
{
    rd_kafka_headers_t *h = out ? rd_kafka_headers_copy(out) : rd_kafka_headers_new(8);
    if (!h) return NULL;
    rd_kafka_header_add(h, "ingest.error.stage", -1, "produce", -1);
    rd_kafka_header_add(h, "ingest.error.reason", -1, reason, -1);
    rd_kafka_header_add(h, "ingest.error.message", -1, message, -1);
    rd_kafka_header_add(h, "ingest.error.payload", -1, payload, -1);
    rd_kafka_header_add(h, "ingest.worker", -1, worker ? worker : "", -1);
    return h;
}
