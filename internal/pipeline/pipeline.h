/* pipeline.h: the engine: message -> page -> article -> annotated article -> record (+ events). */
#ifndef NI_PIPELINE_PIPELINE_H
#define NI_PIPELINE_PIPELINE_H

#include "entities/entities.h"
#include "page/page.h"
#include "record/record.h"

#include <stddef.h>

/*
 * The engine owns the stage contract: it calls each stage in order, hands the previous stage's
 * output to the next, frees every intermediate buffer, and counts records and failures per stage.
 * Stages never count themselves. One pipeline per thread (it holds the HTML parser).
 */
typedef struct pipeline pipeline;

typedef struct pipeline_input {
    const char *bytes; /* raw page, not necessarily NUL-terminated */
    size_t len;
    page_hints hints;            /* type, charset, size limit */
    const char *url;             /* optional */
    const char *fetched_at;      /* optional ISO 8601 */
    const record_ingest *ingest; /* optional: the worker's transport facts */
    const ner_resources *ner;    /* model + KB for the entities stage; NULL: `entities` is [] */
    int events;                  /* non-zero: also build one entity event per entity */
    const char *final_url;       /* optional: where a fetch ended after redirects */
    const char *date_hint;       /* optional ISO 8601 (HTTP Last-Modified): used as
                                    published_at only when the page states no date */
} pipeline_input;

typedef struct pipeline_output {
    char *json; /* the record, one line, no trailing newline; caller frees with free() */
    size_t len;
    char id[33];          /* record id */
    record_event *events; /* entity events when in->events (owned) */
    size_t nevents;
} pipeline_output;

/* pipeline_output_free: frees json and events; leaves *out empty. NULL is a no-op. */
void pipeline_output_free(pipeline_output *out);

/* Where and why a message failed (for stderr lines and dead-letter headers). */
typedef struct pipeline_error {
    const char *stage; /* "page", "extract", "normalize", "entities", "record" */
    int code;          /* NI_ERR_* */
    char message[256];
} pipeline_error;

typedef struct pipeline_stats {
    unsigned long long processed, failed;
    unsigned long long failed_by_stage[5]; /* page, extract, normalize, entities, record */
    unsigned long long bytes_in;
} pipeline_stats;

/* pipeline_create: NULL on failure (errstr filled). */
pipeline *pipeline_create(char *errstr, size_t errlen);
/* pipeline_destroy: NULL is a no-op. */
void pipeline_destroy(pipeline *p);

/* pipeline_process: NI_OK and *out filled (caller frees with pipeline_output_free), or a negative
 * NI_ERR_* code with *err saying which stage failed and why (out->json NULL). */
int pipeline_process(pipeline *p, const pipeline_input *in, pipeline_output *out,
                     pipeline_error *err);

/* pipeline_stats_get: counters since creation. */
pipeline_stats pipeline_stats_get(const pipeline *p);

#endif
