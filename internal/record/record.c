/* record.c: PLACEHOLDER (replaced by the record work): title and body only. */
#include "record/record.h"

#include "util/err.h"
#include "util/sbuf.h"

#include <string.h>

void record_id(const char *canonical_url, const char *title, const char *body, char id[33])
{
    memset(id, '0', 32);
    id[32] = '\0';
}

int record_build(const record_input *in, cJSON **out, char *errstr, size_t errlen)
{
    const article *a = in->article;
    char id[33];
    sbuf body = SBUF_INIT;
    for (size_t i = 0; i < a->nblocks; i++) {
        if (i) sbuf_append(&body, "\n\n", 2);
        sbuf_append_str(&body, a->blocks[i].text);
    }
    record_id(NULL, a->title, body.data, id);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "schema", RECORD_SCHEMA);
    cJSON_AddStringToObject(r, "id", id);
    cJSON_AddStringToObject(r, "title", a->title ? a->title : "");
    cJSON_AddStringToObject(r, "body", body.data ? body.data : "");
    sbuf_free(&body);
    *out = r;
    return NI_OK;
}
