/* message.h: a consumed Kafka message -> pipeline input (raw page with headers, or envelope). */
#ifndef NI_KAFKA_MESSAGE_H
#define NI_KAFKA_MESSAGE_H

#include "fetch/fetch.h"
#include "pipeline/pipeline.h"

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

/* The decoded input: `in` points into the message value or into buffers owned here. */
typedef struct kafka_page {
    pipeline_input in;
    int envelope; /* 1 when the value was a JSON envelope */
    char *body;   /* envelope: decoded body (owned) */
    char *url;    /* owned copies (NULL when absent) */
    char *fetched_at;
    char *charset;
    char *final_url;      /* fetched pages: the URL after redirects */
    char *date_hint;      /* fetched pages: Last-Modified (ISO 8601) */
    char fetched_buf[40]; /* fetched_at from the message timestamp */
} kafka_page;

/*
 * kafka_page_decode: the message value with its headers (hdrs may be NULL) and timestamp
 * (milliseconds since the epoch, < 0 = none) as a pipeline input:
 * - Envelope: when the content-type header is application/json, or there is no content-type
 *   header and the first non-blank byte is '{', the value must be a JSON object with a string
 *   "body" (or "html"/"text"), optional strings "url", "fetched_at", "content_type", "charset",
 *   and "body_encoding" ("base64" decodes the body; absent/"identity"/"utf-8" keep it).
 *   Anything else (not JSON, not an object, no body, wrong types, bad base64) is
 *   NI_ERR_ENVELOPE with the reason in errstr. A JSON-string body is UTF-8 (charset hint
 *   "UTF-8"); a declared charset applies to a base64 body. Headers fill what the envelope lacks.
 * - Raw page: headers "url", "content-type" (text/plain, text/html; a "; charset=" parameter is
 *   honoured), "charset", "fetched-at" (header names case-insensitive).
 * The fetch time falls back to the message timestamp (ISO 8601 UTC with milliseconds).
 * in.hints.max_bytes is set to max_bytes (0: PAGE_DEFAULT_MAX_BYTES applies); a raw value or an
 * envelope's decoded body over it is NI_ERR_TOO_LARGE (an envelope value may be 4/3 of it +
 * 64 KiB: base64 and fields). An empty value is a raw page; a null value (value NULL, a
 * tombstone) is NI_ERR_TOMBSTONE: it goes to the dead-letter topic, never becomes a record.
 * On error *out holds nothing to free. On success the caller calls kafka_page_clear; value must
 * outlive *out (raw pages are not copied); *out must not be moved (in.fetched_at may point
 * into fetched_buf).
 */
int kafka_page_decode(const void *value, size_t len, const rd_kafka_headers_t *hdrs,
                      int64_t timestamp_ms, size_t max_bytes, kafka_page *out, char *errstr,
                      size_t errlen);

/* kafka_page_decode_fetch: kafka_page_decode for a worker that fetches pages, parsing the value
 * once. A message asks for a fetch when it is an empty or null value with a "url" header and a
 * "fetch: 1" (or true/yes) header, or a JSON envelope (by the rules above, within the size limit
 * and well-formed) with a non-empty string "url" and no "body"/"html"/"text": then NI_OK with *url
 * the URL to fetch (the caller frees it) and *out holding nothing; any other message is decoded
 * as kafka_page_decode does, with *url NULL. */
int kafka_page_decode_fetch(const void *value, size_t len, const rd_kafka_headers_t *hdrs,
                            int64_t timestamp_ms, size_t max_bytes, kafka_page *out, char **url,
                            char *errstr, size_t errlen);

/* kafka_page_clear: frees what decode allocated; NULL-safe; leaves *p zeroed. */
void kafka_page_clear(kafka_page *p);

/* kafka_page_from_fetch: a fetched page (r->rc == NI_OK) as a pipeline input: the body, the
 * type and charset of its Content-Type, url = the URL asked for, final_url after redirects,
 * fetched_at = now, date_hint = Last-Modified. r must outlive *out; clear with kafka_page_clear.
 * NI_OK or NI_ERR_NOMEM (nothing to free then). */
int kafka_page_from_fetch(const fetch_result *r, size_t max_bytes, kafka_page *out, char *errstr,
                          size_t errlen);

/* kafka_time_iso: ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf[32]; returns buf. */
char *kafka_time_iso(int64_t ms, char buf[32]);

#endif
