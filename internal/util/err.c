/* err.c: reason codes and errstr filling for the NI_ERR_* convention. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *ni_err_reason(int rc)
{
    switch (rc) {
    case NI_OK:
        return "ok";
    case NI_ERR_NOMEM:
        return "out_of_memory";
    case NI_ERR_IO:
        return "io_error";
    case NI_ERR_TOO_LARGE:
        return "too_large";
    case NI_ERR_BINARY:
        return "binary_content";
    case NI_ERR_CHARSET:
        return "charset_error";
    case NI_ERR_PARSE:
        return "parse_error";
    case NI_ERR_NO_ARTICLE:
        return "no_article";
    case NI_ERR_INVALID:
        return "invalid_argument";
    case NI_ERR_ENVELOPE:
        return "bad_envelope";
    case NI_ERR_DELIVERY:
        return "delivery_failed";
    case NI_ERR_HTTP_4XX:
        return "http_4xx";
    case NI_ERR_FETCH:
        return "fetch_failed";
    case NI_ERR_ROBOTS:
        return "robots_disallowed";
    case NI_ERR_CANCELLED:
        return "cancelled";
    case NI_ERR_TOMBSTONE:
        return "tombstone";
    case NI_ERR_RECORD_TOO_LARGE:
        return "record_too_large";
    default:
        return "error";
    }
}

int ni_err_set(char *errstr, size_t errlen, int rc, const char *fmt, ...)
{
    if (errstr && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}
