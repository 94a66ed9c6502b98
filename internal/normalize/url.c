/* url.c: canonical form and host of absolute http(s) URLs (a small bounded RFC 3986 split). */
#include "normalize/normalize.h"

#include "util/err.h"
#include "util/sbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_MAX 8192

/* The parts of an absolute URL, as spans of the input. */
typedef struct url_parts {
    int https;
    const char *userinfo, *host, *port, *path, *query;
    size_t nuserinfo, nhost, nport, npath, nquery;
} url_parts;

/* split: parses s[0..len) (surrounding spaces already trimmed) into p; NI_ERR_INVALID when it is
 * not an absolute http(s) URL with a host. */
static int split(const char *s, size_t len, url_parts *p)
{
    memset(p, 0, sizeof *p);
    size_t i = 0;
    if (len >= 7 && !strncasecmp(s, "http://", 7))
        i = 7;
    else if (len >= 8 && !strncasecmp(s, "https://", 8))
        i = 8, p->https = 1;
    else
        return NI_ERR_INVALID;
    size_t auth = i;
    while (i < len && !strchr("/?#", s[i])) i++;
    const char *a = s + auth, *at = NULL;
    size_t na = i - auth;
    for (size_t j = 0; j < na; j++)
        if (a[j] == '@') at = a + j;
    if (at) {
        p->userinfo = a;
        p->nuserinfo = (size_t)(at - a);
        na -= p->nuserinfo + 1;
        a = at + 1;
    }
    const char *colon = NULL;
    if (na && a[0] == '[') { /* IPv6 literal: a port can only follow "]" */
        const char *rb = memchr(a, ']', na);
        if (!rb) return NI_ERR_INVALID;
        if (rb + 1 < a + na && rb[1] != ':') return NI_ERR_INVALID;
        if (rb + 1 < a + na) colon = rb + 1;
    } else {
        colon = memchr(a, ':', na);
    }
    p->host = a;
    p->nhost = colon ? (size_t)(colon - a) : na;
    if (colon) {
        p->port = colon + 1;
        p->nport = na - p->nhost - 1;
        for (size_t j = 0; j < p->nport; j++)
            if (!isdigit((unsigned char)p->port[j])) return NI_ERR_INVALID;
    }
    if (p->nhost == 0) return NI_ERR_INVALID;
    for (size_t j = 0; j < p->nhost; j++)
        if ((unsigned char)p->host[j] <= ' ' || strchr("\\<>\"", p->host[j])) return NI_ERR_INVALID;
    p->path = s + i;
    while (i < len && s[i] != '?' && s[i] != '#') i++;
    p->npath = (size_t)(s + i - p->path);
    if (i < len && s[i] == '?') {
        p->query = s + ++i;
        while (i < len && s[i] != '#') i++;
        p->nquery = (size_t)(s + i - p->query);
    }
    return NI_OK;
}

/* trim: the span of url without surrounding ASCII whitespace; NI_ERR_INVALID when too long. */
static int trim(const char *url, const char **s, size_t *len)
{
    if (!url) return NI_ERR_INVALID;
    size_t n = strnlen(url, URL_MAX + 1);
    if (n > URL_MAX) return NI_ERR_INVALID;
    while (n && isspace((unsigned char)*url)) url++, n--;
    while (n && isspace((unsigned char)url[n - 1])) n--;
    *s = url;
    *len = n;
    return NI_OK;
}

/* tracking_param: a query parameter that only tracks the click (utm_*, fbclid, gclid). */
static int tracking_param(const char *q, size_t n)
{
    size_t k = 0;
    while (k < n && q[k] != '=') k++;
    return (k >= 4 && !strncasecmp(q, "utm_", 4)) || (k == 6 && !strncasecmp(q, "fbclid", 6)) ||
           (k == 5 && !strncasecmp(q, "gclid", 5));
}

/* append_lower: appends s[0..n) lower-cased (ASCII) to b. */
static int append_lower(sbuf *b, const char *s, size_t n)
{
    int rc = sbuf_reserve(b, n);
    for (size_t i = 0; rc == NI_OK && i < n; i++)
        b->data[b->len++] = (char)tolower((unsigned char)s[i]);
    if (rc == NI_OK) b->data[b->len] = '\0';
    return rc;
}

/* append_query: the query without tracking parameters (others in order); "?" only when any. */
static int append_query(sbuf *b, const char *q, size_t n)
{
    int rc = NI_OK, first = 1;
    size_t i = 0;
    while (rc == NI_OK && i < n) {
        size_t k = i;
        while (k < n && q[k] != '&') k++;
        if (k > i && !tracking_param(q + i, k - i)) {
            rc = sbuf_append(b, first ? "?" : "&", 1);
            if (rc == NI_OK) rc = sbuf_append(b, q + i, k - i);
            first = 0;
        }
        i = k + 1;
    }
    return rc;
}

int normalize_url_canonical(const char *url, char **out, char *errstr, size_t errlen)
{
    *out = NULL;
    const char *s;
    size_t len;
    url_parts p;
    if (trim(url, &s, &len) || split(s, len, &p))
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "not an absolute http(s) URL");
    sbuf b = SBUF_INIT;
    int rc = sbuf_append_str(&b, p.https ? "https://" : "http://");
    if (rc == NI_OK && p.userinfo) rc = sbuf_append(&b, p.userinfo, p.nuserinfo + 1);
    if (rc == NI_OK) rc = append_lower(&b, p.host, p.nhost);
    const char *dflt = p.https ? "443" : "80";
    int keep_port = p.nport && !(p.nport == strlen(dflt) && !memcmp(p.port, dflt, p.nport));
    if (rc == NI_OK && keep_port) rc = sbuf_append(&b, p.port - 1, p.nport + 1);
    if (rc == NI_OK) rc = p.npath ? sbuf_append(&b, p.path, p.npath) : sbuf_append(&b, "/", 1);
    if (rc == NI_OK) rc = append_query(&b, p.query, p.nquery);
    if (rc) {
        sbuf_free(&b);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    *out = sbuf_steal(&b);
    return NI_OK;
}

int normalize_url_host(const char *url, char **out, char *errstr, size_t errlen)
{
    *out = NULL;
    const char *s;
    size_t len;
    url_parts p;
    if (trim(url, &s, &len) || split(s, len, &p))
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "not an absolute http(s) URL");
    if (p.nhost > 4 && !strncasecmp(p.host, "www.", 4)) p.host += 4, p.nhost -= 4;
    sbuf b = SBUF_INIT;
    if (append_lower(&b, p.host, p.nhost)) {
        sbuf_free(&b);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    *out = sbuf_steal(&b);
    return NI_OK;
}
