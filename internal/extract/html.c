/* html.c: PLACEHOLDER (replaced by the HTML-extraction work): empty article. */
#include "extract/extract.h"

#include "util/err.h"

int extract_html(extract_ctx *ctx, const page *pg, article **out, char *errstr, size_t errlen)
{
    (void)ctx;
    (void)pg;
    *out = article_create();
    return *out ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
}
