/* normalize.c: PLACEHOLDER (replaced by the normalization work): copies. */
#include "normalize/normalize.h"

#include "util/err.h"
#include "util/sbuf.h"

#include <string.h>

int normalize_text(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    *out = util_strndup(in, len);
    return *out ? NI_OK : NI_ERR_NOMEM;
}

int normalize_article(article *a, char *errstr, size_t errlen)
{
    return NI_OK;
}

int normalize_search_text(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    return normalize_text(in, len, out, errstr, errlen);
}

int normalize_url_canonical(const char *url, char **out, char *errstr, size_t errlen)
{
    return normalize_text(url, strlen(url), out, errstr, errlen);
}

int normalize_url_host(const char *url, char **out, char *errstr, size_t errlen)
{
    return NI_ERR_INVALID;
}

const char *normalize_language_guess(const char *text, size_t len)
{
    return "und";
}

const char *normalize_direction(const char *language)
{
    return "ltr";
}
