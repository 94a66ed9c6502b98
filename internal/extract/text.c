/* text.c: PLACEHOLDER (replaced by the text-extraction work): every non-empty line a paragraph. */
#include "extract/extract.h"

#include "util/err.h"

#include <string.h>

int extract_text(const page *pg, article **out, char *errstr, size_t errlen)
{
    article *a = article_create();
    if (!a) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    const char *s = pg->text, *end = pg->text + pg->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (n && article_block_add(a, ARTICLE_BLOCK_PARAGRAPH, s, n)) break;
        s += n + 1;
    }
    *out = a;
    return NI_OK;
}
