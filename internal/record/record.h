/* record.h: stage 4, normalized article -> canonical JSON record (schema news.article/1). */
#ifndef NI_RECORD_RECORD_H
#define NI_RECORD_RECORD_H

#include "entities/entities.h"
#include "extract/article.h"
#include "page/page.h"
#include "util/sbuf.h"

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
    const record_ingest *ingest;  /* NULL: no `ingest` object (the parse command) */
    const ner_entities *entities; /* the annotated article's entities; NULL: `entities` is [] */
    const char
        *final_url; /* where a fetch ended (redirects): canonical unless the page names one */
    const char *date_hint; /* ISO 8601 (HTTP Last-Modified): published_at when the page has none,
                              source "http_last_modified" */
} record_input;

/* record_build: the record as a cJSON tree the caller frees with cJSON_Delete. Fills id, url,
 * canonical_url, source, title, author, published_at(+_source), language, direction, body,
 * images, related, keywords, stats, search_text, fingerprint, quality, entities (from
 * in->entities), and ingest when given. Errors: NI_ERR_NOMEM, NI_ERR_CHARSET (normalization
 * failed); *out NULL, errstr filled. */
int record_build(const record_input *in, cJSON **out, char *errstr, size_t errlen);

/* record_json: the same record printed as one line of JSON (cJSON_PrintUnformatted's output)
 * into a fresh buffer *out the caller frees with free(); *len its length, id[33] the record id.
 * The tree references the article's strings instead of copying them and is printed into one
 * buffer sized up front. Errors as record_build; *out NULL. */
int record_json(const record_input *in, char **out, size_t *len, char id[33], char *errstr,
                size_t errlen);

/* One entity event: what an alerting consumer needs about one entity of one article. */
typedef struct record_event {
    char *key;  /* the entity id (owned) */
    char *json; /* the event, one line of JSON (owned) */
    size_t len;
    double confidence; /* the entity's (for --min-entity-confidence) */
} record_event;

/* record_events: one event per entity of in->entities (none when NULL) for the record whose id
 * is id, into a fresh array *out of *n (caller frees with record_events_free). Value fields:
 * schema "news.entity_event/1", entity_id, type, name, article_id, url, title, published_at,
 * count, salience, confidence, sentence (the first mention's), and value/unit when the entity
 * has one.
 * NI_OK, or NI_ERR_NOMEM with errstr filled and *out NULL. */
int record_events(const record_input *in, const char *id, record_event **out, size_t *n,
                  char *errstr, size_t errlen);
/* record_events_free: frees the n events and the array; NULL is a no-op. */
void record_events_free(record_event *v, size_t n);

/* Bytes of title + "\n" + body the language guess reads (normalize_search_text_guess). */
#define RECORD_LANGUAGE_SAMPLE 4096

/* record_body_append: appends the record's `body` (the article's blocks joined by a blank line)
 * to b. The entities stage annotates this very string, so mention offsets index `body`. NI_OK or
 * NI_ERR_NOMEM (b keeps what it had). */
int record_body_append(const article *a, sbuf *b);

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
