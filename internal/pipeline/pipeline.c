/* pipeline.c: the engine running every stage in order, freeing between stages, counting. */
#include "pipeline/pipeline.h"

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "record/record.h"
#include "util/err.h"
#include "util/quality.h"
#include "util/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STAGE_PAGE, STAGE_EXTRACT, STAGE_NORMALIZE, STAGE_ENTITIES, STAGE_RECORD };
static const char *const stage_names[] = {"page", "extract", "normalize", "entities", "record"};

struct pipeline {
    extract_ctx *extract;
    pipeline_stats stats;
};

pipeline *pipeline_create(char *errstr, size_t errlen)
{
    pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    p->extract = extract_ctx_create(errstr, errlen);
    if (!p->extract) {
        free(p);
        return NULL;
    }
    return p;
}

void pipeline_destroy(pipeline *p)
{
    if (!p) return;
    extract_ctx_destroy(p->extract);
    free(p);
}

pipeline_stats pipeline_stats_get(const pipeline *p)
{
    return p->stats;
}

/* fail: records a stage failure in *err and the counters; returns rc. */
static int fail(pipeline *p, pipeline_error *err, int stage, int rc)
{
    p->stats.failed++;
    p->stats.failed_by_stage[stage]++;
    err->stage = stage_names[stage];
    err->code = rc;
    if (!err->message[0]) snprintf(err->message, sizeof err->message, "%s", ni_err_reason(rc));
    return rc;
}

void pipeline_output_free(pipeline_output *out)
{
    if (!out) return;
    free(out->json);
    record_events_free(out->events, out->nevents);
    memset(out, 0, sizeof *out);
}

/* annotate: the entities stage on the title and body exactly as the record prints them (mention
 * offsets index those strings); the article's language, else the record's guess (the same
 * sample of title + "\n" + body). */
static int annotate(const pipeline_input *in, const article *a, ner_entities *ents, char *errstr,
                    size_t errlen)
{
    sbuf text = SBUF_INIT;
    size_t tlen = a->title ? strlen(a->title) : 0;
    if (sbuf_append(&text, a->title ? a->title : "", tlen) || sbuf_append_char(&text, '\n') ||
        record_body_append(a, &text)) {
        sbuf_free(&text);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory joining the body");
    }
    const char *lang = a->language && *a->language
                           ? a->language
                           : normalize_language_guess(text.data, text.len < RECORD_LANGUAGE_SAMPLE
                                                                     ? text.len
                                                                     : RECORD_LANGUAGE_SAMPLE);
    int rc = ner_annotate(in->ner, text.data, tlen, text.data + tlen + 1, text.len - tlen - 1, lang,
                          ents, errstr, errlen);
    sbuf_free(&text);
    return rc;
}

/* to_output: the record and, when asked, its entity events into out. */
static int to_output(pipeline *p, const pipeline_input *in, const record_input *ri,
                     pipeline_output *out, pipeline_error *err)
{
    int rc = record_json(ri, &out->json, &out->len, out->id, err->message, sizeof err->message);
    if (rc == NI_OK && in->events)
        rc = record_events(ri, out->id, &out->events, &out->nevents, err->message,
                           sizeof err->message);
    if (rc == NI_OK) return NI_OK;
    pipeline_output_free(out);
    return fail(p, err, STAGE_RECORD, rc);
}

/* to_record: stages 3 to 5 on an extracted article; fills *out. */
static int to_record(pipeline *p, const pipeline_input *in, const page *pg, article *a,
                     pipeline_output *out, pipeline_error *err)
{
    int rc = normalize_article(a, err->message, sizeof err->message);
    if (rc) return fail(p, err, STAGE_NORMALIZE, rc);
    if (a->nblocks == 0) a->quality |= QUALITY_BODY_EMPTY;
    if (!a->title) a->quality |= QUALITY_TITLE_MISSING;
    ner_entities ents = {0};
    if (in->ner && (rc = annotate(in, a, &ents, err->message, sizeof err->message)))
        return fail(p, err, STAGE_ENTITIES, rc);
    record_input ri = {a,
                       pg,
                       in->url,
                       in->fetched_at,
                       in->ingest,
                       in->ner ? &ents : NULL,
                       in->final_url,
                       in->date_hint};
    rc = to_output(p, in, &ri, out, err);
    ner_entities_free(&ents);
    return rc;
}

int pipeline_process(pipeline *p, const pipeline_input *in, pipeline_output *out,
                     pipeline_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    p->stats.bytes_in += in->len;

    page *pg = NULL;
    int rc = page_decode(in->bytes, in->len, &in->hints, &pg, err->message, sizeof err->message);
    if (rc) return fail(p, err, STAGE_PAGE, rc);

    article *a = NULL;
    rc = extract_article(p->extract, pg, &a, err->message, sizeof err->message);
    if (rc) {
        page_destroy(pg);
        return fail(p, err, STAGE_EXTRACT, rc);
    }

    rc = to_record(p, in, pg, a, out, err);
    article_destroy(a);
    page_destroy(pg);
    if (rc) return rc;
    p->stats.processed++;
    return NI_OK;
}
