/* sbuf.c: growable string buffer and small file helpers. */
#include "util/sbuf.h"

#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sbuf_reserve(sbuf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap) return NI_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return NI_ERR_NOMEM;
    b->data = d;
    b->cap = cap;
    return NI_OK;
}

int sbuf_append(sbuf *b, const char *s, size_t n)
{
    if (sbuf_reserve(b, n) != NI_OK) return NI_ERR_NOMEM;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return NI_OK;
}

int sbuf_append_str(sbuf *b, const char *s)
{
    return sbuf_append(b, s, strlen(s));
}

int sbuf_append_char(sbuf *b, char c)
{
    return sbuf_append(b, &c, 1);
}

int sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sbuf_reserve(b, (size_t)n) != NI_OK) return NI_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return NI_OK;
}

void sbuf_reset(sbuf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

char *sbuf_steal(sbuf *b)
{
    char *s = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void sbuf_free(sbuf *b)
{
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *util_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int util_file_read(const char *path, size_t max_bytes, char **out, size_t *len, char *errstr,
                   size_t errlen)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) return ni_err_set(errstr, errlen, NI_ERR_IO, "cannot open: %s", strerror(errno));
    sbuf b = SBUF_INIT;
    char chunk[65536];
    size_t n;
    int rc = NI_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (max_bytes && b.len + n > max_bytes) {
            rc = ni_err_set(errstr, errlen, NI_ERR_TOO_LARGE, "larger than the %zu-byte limit",
                            max_bytes);
            break;
        }
        if (sbuf_append(&b, chunk, n) != NI_OK) {
            rc = ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (rc == NI_OK && ferror(f))
        rc = ni_err_set(errstr, errlen, NI_ERR_IO, "read error: %s", strerror(errno));
    if (!is_stdin) fclose(f);
    if (rc != NI_OK) {
        sbuf_free(&b);
        return rc;
    }
    *len = b.len;
    *out = sbuf_steal(&b);
    return *out ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
}
