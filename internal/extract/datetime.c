/* datetime.c: PLACEHOLDER (replaced by the dateline work). */
#include "extract/datetime.h"

#include "util/err.h"

#include <stdio.h>

int extract_datetime_parse_iso(const char *s, size_t len, article_datetime *dt)
{
    return NI_ERR_PARSE;
}

int extract_datetime_parse_line(const char *s, size_t len, article_datetime *dt)
{
    return NI_ERR_PARSE;
}

int extract_datetime_format(const article_datetime *dt, char *buf, size_t buflen)
{
    if (!dt->year) return NI_ERR_INVALID;
    snprintf(buf, buflen, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
    return NI_OK;
}
