/* record.h: stage 4, normalized article -> canonical JSON record (schema news.article/1). */
#ifndef NI_RECORD_RECORD_H
#define NI_RECORD_RECORD_H

#include "extract/article.h"
#include "page/page.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define RECORD_SCHEMA "news.article/1"

/* Transport facts the Kafka worker adds as the record's `ingest` object (all strings borrowed). */
typedef struct record_ingest {
    const char *topic;
    int partition;
    long long offset;
    const char *received_at;  /* ISO 8601 UTC, when the worker consumed the message */
    const char *processed_at; /* ISO 8601 UTC, when the record was built */
    const char *version;      /* news-ingest version */
    const char *worker;       /* worker id (host/pod name), NULL to omit */
} record_ingest;

/* What the record needs beyond the article: the message/command-line facts. */
typedef struct record_input {
    const article *article; /* normalized (stage 3) */
    const page *page;       /* decoded page (quality flags, charset) */
    const char *url;        /* URL given with the input (header, --url); wins over the page's */
    const char *fetched_at; /* ISO 8601 fetch time, NULL when unknown */
    const record_ingest *ingest; /* NULL: no `ingest` object (the parse command) */
} record_input;

/* record_build: the record as a cJSON tree the caller frees with cJSON_Delete. Fills id, url,
 * canonical_url, source, title, author, published_at(+_source), language, direction, body,
 * images, related, keywords, stats, search_text, fingerprint, quality, entities ([]), and ingest
 * when given. Errors: NI_ERR_NOMEM, NI_ERR_CHARSET (normalization failed); *out NULL, errstr
 * filled. */
int record_build(const record_input *in, cJSON **out, char *errstr, size_t errlen);

/* record_json: the same record printed as one line of JSON (cJSON_PrintUnformatted's output)
 * into a fresh buffer *out the caller frees with free(); *len its length, id[33] the record id.
 * The tree references the article's strings instead of copying them and is printed into one
 * buffer sized up front. Errors as record_build; *out NULL. */
int record_json(const record_input *in, char **out, size_t *len, char id[33], char *errstr,
                size_t errlen);

/* record_id: 32 lowercase hex chars (128-bit XXH3) of canonical_url when non-NULL, else of
 * title + "\n" + body; written to id[33]. */
void record_id(const char *canonical_url, const char *title, const char *body, char id[33]);

/* record_simhash: 64-bit simhash over word 3-gram shingles of text (whitespace-split). */
unsigned long long record_simhash(const char *text, size_t len);

/* record_word_count: whitespace-separated tokens of text that contain a letter or digit (any
 * script); the record's stats.words. */
size_t record_word_count(const char *text, size_t len);

/* record_sha256_hex: lowercase hex SHA-256 of data into hex[65]. */
void record_sha256_hex(const char *data, size_t len, char hex[65]);

#endif
