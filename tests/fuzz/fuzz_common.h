/* fuzz_common.h: the pipeline run shared by the text and HTML fuzz targets. */
#ifndef NI_FUZZ_COMMON_H
#define NI_FUZZ_COMMON_H

#include "normalize/normalize.h"
#include "pipeline/pipeline.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* fuzz_normal_forms: the record's normal forms on the raw input (must not crash). */
static void fuzz_normal_forms(const char *text, size_t len)
{
    char *out = NULL;
    if (normalize_search_text(text, len, &out, NULL, 0) == NI_OK) free(out);
    if (normalize_url_canonical(text, &out, NULL, 0) == NI_OK) free(out);
    if (normalize_url_host(text, &out, NULL, 0) == NI_OK) free(out);
    normalize_direction(normalize_language_guess(text, len));
}

/* fuzz_pipeline: one page through the engine as type; a record must be JSON with an id. */
static int fuzz_pipeline(const uint8_t *data, size_t size, page_type type)
{
    static pipeline *p;
    if (!p && !(p = pipeline_create(NULL, 0))) abort();
    pipeline_input in = {.bytes = (const char *)data,
                         .len = size,
                         .hints = {type, NULL, 0},
                         .fetched_at = "2021-11-05T10:00:00Z"};
    pipeline_output out;
    pipeline_error err;
    if (pipeline_process(p, &in, &out, &err) == NI_OK) {
        cJSON *rec = cJSON_Parse(out.json);
        if (!rec || !cJSON_IsString(cJSON_GetObjectItem(rec, "id"))) abort();
        cJSON *body = cJSON_GetObjectItem(rec, "body");
        if (cJSON_IsString(body)) fuzz_normal_forms(body->valuestring, strlen(body->valuestring));
        cJSON_Delete(rec);
        pipeline_output_free(&out);
    } else if (out.json || !err.stage) {
        abort();
    }
    return 0;
}

#endif
