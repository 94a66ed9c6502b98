/* extract.c: extraction context (the HTML parser instance) and dispatch by page type. */
#include "extract/extract.h"

#include "extract_internal.h"
#include "util/err.h"

#include <stdlib.h>

extract_ctx *extract_ctx_create(char *errstr, size_t errlen)
{
    extract_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    ctx->myhtml = myhtml_create();
    if (!ctx->myhtml ||
        myhtml_init(ctx->myhtml, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK) {
        ni_err_set(errstr, errlen, NI_ERR, "cannot initialise the HTML parser");
        extract_ctx_destroy(ctx);
        return NULL;
    }
    return ctx;
}

void extract_ctx_destroy(extract_ctx *ctx)
{
    if (!ctx) return;
    if (ctx->myhtml) myhtml_destroy(ctx->myhtml);
    free(ctx);
}

int extract_article(extract_ctx *ctx, const page *pg, article **out, char *errstr, size_t errlen)
{
    if (pg->type == PAGE_TYPE_HTML) return extract_html(ctx, pg, out, errstr, errlen);
    return extract_text(pg, out, errstr, errlen);
}
