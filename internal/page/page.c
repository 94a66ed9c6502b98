/* page.c: PLACEHOLDER (replaced by the page-decoding work): copies bytes as UTF-8. */
#include "page/page.h"

#include "util/err.h"
#include "util/sbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int page_type_parse(const char *ct, page_type *out)
{
    if (!strncasecmp(ct, "text/html", 9)) *out = PAGE_TYPE_HTML;
    else if (!strncasecmp(ct, "text/plain", 10)) *out = PAGE_TYPE_TEXT;
    else if (!strcasecmp(ct, "auto")) *out = PAGE_TYPE_AUTO;
    else return NI_ERR_INVALID;
    return NI_OK;
}

int page_decode(const char *bytes, size_t len, const page_hints *hints, page **out, char *errstr,
                size_t errlen)
{
    page *p = calloc(1, sizeof *p);
    if (!p || !(p->text = util_strndup(bytes, len))) {
        free(p);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    p->len = strlen(p->text);
    p->type = hints->type != PAGE_TYPE_AUTO ? hints->type
              : (memchr(bytes, '<', len) ? PAGE_TYPE_HTML : PAGE_TYPE_TEXT);
    strcpy(p->charset, "UTF-8");
    *out = p;
    return NI_OK;
}

void page_destroy(page *p)
{
    if (!p) return;
    free(p->text);
    free(p);
}
