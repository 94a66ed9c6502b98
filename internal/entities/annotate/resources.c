/* resources.c: the model and the knowledge base loaded together and shared by reference count. */
#include "annotate_internal.h"
#include "util/err.h"

#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

ner_resources *ner_resources_load(const char *model_path, const char *kb_path, char *errstr,
                                  size_t errlen)
{
    ner_resources *r = calloc(1, sizeof *r);
    if (!r) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    atomic_init(&r->refs, 1);
    r->model = ner_model_load(model_path, errstr, errlen);
    if (r->model) r->kb = ner_kb_load(kb_path, errstr, errlen);
    if (!r->model || !r->kb) {
        ner_model_destroy(r->model);
        free(r);
        return NULL;
    }
    return r;
}

ner_resources *ner_resources_ref(ner_resources *r)
{
    if (r) atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
    return r;
}

void ner_resources_unref(ner_resources *r)
{
    if (!r || atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1) return;
    ner_model_destroy(r->model);
    ner_kb_destroy(r->kb);
    free(r);
}

const ner_model *ner_resources_model(const ner_resources *r)
{
    return r ? r->model : NULL;
}

const ner_kb *ner_resources_kb(const ner_resources *r)
{
    return r ? r->kb : NULL;
}

const char *ner_field_name(ner_field f)
{
    return f == NER_FIELD_TITLE ? "title" : "body";
}

const char *ner_data_path(const char *env, const char *rel, char *buf, size_t len)
{
    const char *v = env ? getenv(env) : NULL;
    if (v && *v) return v;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return rel;
    exe[n] = '\0';
    int w = snprintf(buf, len, "%s/../%s", dirname(exe), rel);
    return w > 0 && (size_t)w < len && !access(buf, R_OK) ? buf : rel;
}
