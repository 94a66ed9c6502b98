/* message.c: a consumed Kafka message (value, headers, timestamp) -> pipeline input. */
#include "kafka/message.h"

#include "util/err.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

char *kafka_time_iso(int64_t ms, char buf[32])
{
    int64_t ms_part = ms % 1000, sec = ms / 1000;
    if (ms_part < 0) { /* floor division for times before 1970 */
        ms_part += 1000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    char date[24];
    if (!gmtime_r(&t, &tm) || !strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm)) {
        snprintf(buf, 32, "1970-01-01T00:00:00.000Z");
        return buf;
    }
    snprintf(buf, 32, "%s.%03dZ", date, (int)ms_part);
    return buf;
}

void kafka_page_clear(kafka_page *p)
{
    if (!p) return;
    free(p->body);
    free(p->url);
    free(p->fetched_at);
    free(p->charset);
    free(p->final_url);
    free(p->date_hint);
    memset(p, 0, sizeof *p);
}

/* header_get: *out = a copy of the last header named name (case-insensitive; header values are
 * not NUL-terminated), NULL when absent or empty. NI_OK or NI_ERR_NOMEM. */
static int header_get(const rd_kafka_headers_t *hdrs, const char *name, char **out)
{
    const char *hname, *found = NULL;
    const void *val;
    size_t size, found_size = 0;
    for (size_t i = 0; hdrs && !rd_kafka_header_get_all(hdrs, i, &hname, &val, &size); i++) {
        if (strcasecmp(hname, name)) continue;
        found = val;
        found_size = val ? size : 0;
    }
    *out = found && found_size ? strndup(found, found_size) : NULL;
    return found && found_size && !*out ? NI_ERR_NOMEM : NI_OK;
}

/* dup_or_null: a copy of s, NULL when s is NULL or empty; NI_OK or NI_ERR_NOMEM. */
static int dup_or_null(const char *s, char **out)
{
    *out = s && *s ? strdup(s) : NULL;
    return s && *s && !*out ? NI_ERR_NOMEM : NI_OK;
}

/* media_is: whether content type ct (parameters ignored, case-insensitive) is media. */
static int media_is(const char *ct, const char *media)
{
    ct += strspn(ct, " \t");
    size_t n = strcspn(ct, "; \t");
    return n == strlen(media) && !strncasecmp(ct, media, n);
}

/* ct_charset: the charset parameter of content type ct as a new string, or NULL. */
static char *ct_charset(const char *ct)
{
    for (const char *p = strchr(ct, ';'); p; p = strchr(p, ';')) {
        p++;
        p += strspn(p, " \t");
        if (strncasecmp(p, "charset", 7)) continue;
        const char *v = p + 7 + strspn(p + 7, " \t");
        if (*v != '=') continue;
        v++;
        v += strspn(v, " \t");
        size_t n = *v == '"' ? strcspn(++v, "\"") : strcspn(v, "; \t");
        return n ? strndup(v, n) : NULL;
    }
    return NULL;
}

/* ct_type: the page type content type ct names (AUTO for anything else, NULL included). */
static page_type ct_type(const char *ct)
{
    page_type t = PAGE_TYPE_AUTO;
    if (ct && page_type_parse(ct, &t) != NI_OK) t = PAGE_TYPE_AUTO;
    return t;
}

/* first_nonblank: offset of the first byte that is not blank or a UTF-8 BOM. */
static size_t first_nonblank(const char *v, size_t len)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(v, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) i++;
    return i;
}

/* b64_decode: standard base64 (blanks ignored; padding optional, but correct when present) ->
 * a new NUL-terminated buffer in *out of *outlen bytes. NI_ERR_ENVELOPE on invalid input. */
static int b64_decode(const char *in, size_t len, char **out, size_t *outlen, char *errstr,
                      size_t errlen)
{
    char *clean = malloc(len + 4);
    char *buf = malloc(len / 4 * 3 + 4);
    if (!clean || !buf) {
        free(clean);
        free(buf);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory decoding base64");
    }
    size_t n = 0, pad = 0;
    int bad = 0;
    for (size_t i = 0; i < len && !bad; i++) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '=')
            pad++;
        else if (pad)
            bad = 1; /* data after padding */
        else
            clean[n++] = c;
    }
    size_t data = n;
    bad = bad || pad > 2 || data % 4 == 1 || (pad && (data + pad) % 4) || len > INT_MAX / 2;
    while (n % 4) clean[n++] = '=';
    /* EVP_DecodeBlock rejects characters outside the alphabet and counts padding as zeros */
    int got = bad ? -1 : EVP_DecodeBlock((unsigned char *)buf, (unsigned char *)clean, (int)n);
    free(clean);
    if (got < 0 || (size_t)got != n / 4 * 3) {
        free(buf);
        return ni_err_set(errstr, errlen, NI_ERR_ENVELOPE, "envelope body is not valid base64");
    }
    *outlen = (size_t)got - (n - data);
    buf[*outlen] = '\0';
    *out = buf;
    return NI_OK;
}

/* env_string: *out = the string member name of obj, NULL when absent or null. NI_OK, or
 * NI_ERR_ENVELOPE when the member has another type. */
static int env_string(const cJSON *obj, const char *name, const char **out, char *errstr,
                      size_t errlen)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (!it || cJSON_IsNull(it)) return NI_OK;
    if (!cJSON_IsString(it))
        return ni_err_set(errstr, errlen, NI_ERR_ENVELOPE, "envelope field \"%s\" is not a string",
                          name);
    *out = it->valuestring;
    return NI_OK;
}

/* The envelope's string fields. */
typedef struct envelope {
    const char *body, *body_key, *url, *fetched_at, *content_type, *charset, *encoding;
} envelope;

/* env_fields: reads the fields of object root into *e; NI_ERR_ENVELOPE when the body is missing
 * or a field has the wrong type. */
static int env_fields(const cJSON *root, envelope *e, char *errstr, size_t errlen)
{
    static const char *const body_keys[] = {"body", "html", "text"};
    int rc = NI_OK;
    memset(e, 0, sizeof *e);
    for (size_t i = 0; i < 3 && !e->body && !rc; i++) {
        rc = env_string(root, body_keys[i], &e->body, errstr, errlen);
        e->body_key = body_keys[i];
    }
    if (!rc && !e->body)
        return ni_err_set(errstr, errlen, NI_ERR_ENVELOPE,
                          "envelope has no \"body\" (or \"html\"/\"text\") string");
    if (!rc) rc = env_string(root, "url", &e->url, errstr, errlen);
    if (!rc) rc = env_string(root, "fetched_at", &e->fetched_at, errstr, errlen);
    if (!rc) rc = env_string(root, "content_type", &e->content_type, errstr, errlen);
    if (!rc) rc = env_string(root, "charset", &e->charset, errstr, errlen);
    if (!rc) rc = env_string(root, "body_encoding", &e->encoding, errstr, errlen);
    return rc;
}

/* env_body: the envelope's body, base64-decoded when so encoded, into out->body / out->in. */
static int env_body(const envelope *e, size_t limit, kafka_page *out, char *errstr, size_t errlen)
{
    const char *enc = e->encoding;
    size_t len = strlen(e->body);
    int rc = NI_OK;
    if (enc && !strcasecmp(enc, "base64")) {
        rc = b64_decode(e->body, len, &out->body, &len, errstr, errlen);
    } else if (!enc || !*enc || !strcasecmp(enc, "identity") || !strcasecmp(enc, "utf-8")) {
        if (!(out->body = strdup(e->body))) rc = NI_ERR_NOMEM;
    } else {
        return ni_err_set(errstr, errlen, NI_ERR_ENVELOPE,
                          "envelope body_encoding \"%.40s\" is not base64 or identity", enc);
    }
    if (rc) return rc == NI_ERR_NOMEM ? ni_err_set(errstr, errlen, rc, "out of memory") : rc;
    if (len > limit)
        return ni_err_set(errstr, errlen, NI_ERR_TOO_LARGE,
                          "envelope body of %zu bytes is over the limit of %zu bytes", len, limit);
    out->in.bytes = out->body;
    out->in.len = len;
    return NI_OK;
}

/* env_meta: url, fetched_at, type and charset from the envelope, headers as the fallback. The
 * body of a JSON string is UTF-8 whatever charset the original page had; a declared charset
 * applies to a base64 body (the bytes as fetched). */
static int env_meta(const envelope *e, const rd_kafka_headers_t *hdrs, int base64, kafka_page *out)
{
    int rc =
        e->url && *e->url ? dup_or_null(e->url, &out->url) : header_get(hdrs, "url", &out->url);
    if (!rc)
        rc = e->fetched_at && *e->fetched_at ? dup_or_null(e->fetched_at, &out->fetched_at)
                                             : header_get(hdrs, "fetched-at", &out->fetched_at);
    page_type t = ct_type(e->content_type);
    if (t == PAGE_TYPE_AUTO && !strcmp(e->body_key, "html")) t = PAGE_TYPE_HTML;
    if (t == PAGE_TYPE_AUTO && !strcmp(e->body_key, "text")) t = PAGE_TYPE_TEXT;
    out->in.hints.type = t;
    if (rc || !base64) return rc ? rc : dup_or_null("UTF-8", &out->charset);
    if (e->charset && *e->charset) return dup_or_null(e->charset, &out->charset);
    if (e->content_type && (out->charset = ct_charset(e->content_type))) return NI_OK;
    return header_get(hdrs, "charset", &out->charset);
}

/* env_url_only: the non-empty string "url" of envelope object root when it has no body, html or
 * text member (of any value): the message asks for a fetch. NULL otherwise. */
static const char *env_url_only(const cJSON *root)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(root, "url");
    if (!cJSON_IsObject(root) || !cJSON_IsString(url) || !*url->valuestring) return NULL;
    if (cJSON_GetObjectItemCaseSensitive(root, "body") ||
        cJSON_GetObjectItemCaseSensitive(root, "html") ||
        cJSON_GetObjectItemCaseSensitive(root, "text"))
        return NULL;
    return url->valuestring;
}

/* decode_envelope: value[0..len) as a JSON envelope into *out; when url is not NULL, a URL-only
 * envelope sets *url instead (a copy) and leaves *out empty. */
static int decode_envelope(const char *value, size_t len, const rd_kafka_headers_t *hdrs,
                           size_t limit, kafka_page *out, char **url, char *errstr, size_t errlen)
{
    size_t skip = first_nonblank(value, len);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(value + skip, len - skip, &end, 0);
    if (!root) {
        size_t at = end && end >= value ? (size_t)(end - value) : skip;
        return ni_err_set(errstr, errlen, NI_ERR_ENVELOPE,
                          "envelope is not valid JSON (error near byte %zu of %zu)", at, len);
    }
    size_t tail = end ? (size_t)(end - value) : len;
    int rc = NI_OK;
    envelope e;
    if (tail < len && first_nonblank(end, len - tail) < len - tail)
        rc = ni_err_set(errstr, errlen, NI_ERR_ENVELOPE,
                        "envelope has trailing bytes after the JSON value (at byte %zu)", tail);
    else if (!cJSON_IsObject(root))
        rc = ni_err_set(errstr, errlen, NI_ERR_ENVELOPE, "envelope is not a JSON object");
    const char *only = !rc && url ? env_url_only(root) : NULL;
    if (only) {
        *url = strdup(only);
        cJSON_Delete(root);
        return *url ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    if (!rc) rc = env_fields(root, &e, errstr, errlen);
    if (!rc) rc = env_body(&e, limit, out, errstr, errlen);
    if (!rc) rc = env_meta(&e, hdrs, e.encoding && !strcasecmp(e.encoding, "base64"), out);
    if (rc == NI_ERR_NOMEM) ni_err_set(errstr, errlen, rc, "out of memory decoding an envelope");
    out->envelope = 1;
    cJSON_Delete(root);
    return rc;
}

/* envelope_limit: the largest envelope value for a body limit: base64 grows the body by 4/3,
 * the other fields get 64 KiB; the decoded body is then held to the limit itself. */
static size_t envelope_limit(size_t limit)
{
    size_t grown = limit / 3 * 4 + 4 + 65536;
    return grown > limit ? grown : SIZE_MAX; /* overflow */
}

/* decode_raw: value[0..len) as the page itself, described by the headers. */
static int decode_raw(const char *value, size_t len, const rd_kafka_headers_t *hdrs, const char *ct,
                      kafka_page *out, char *errstr, size_t errlen)
{
    out->in.bytes = value;
    out->in.len = len;
    out->in.hints.type = ct_type(ct);
    int rc = header_get(hdrs, "url", &out->url);
    if (!rc) rc = header_get(hdrs, "fetched-at", &out->fetched_at);
    if (!rc) rc = header_get(hdrs, "charset", &out->charset);
    if (!rc && !out->charset && ct) out->charset = ct_charset(ct); /* a hint: NULL is fine */
    if (rc) return ni_err_set(errstr, errlen, rc, "out of memory copying message headers");
    return NI_OK;
}

/* header_true: header name says 1, true or yes. */
static int header_true(const rd_kafka_headers_t *hdrs, const char *name)
{
    char *v = NULL;
    header_get(hdrs, name, &v);
    int yes = v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
    free(v);
    return yes;
}

/* decoded_finish: the input's hints, URL and fetch time from what decoding kept in *p. */
static void decoded_finish(kafka_page *p, int64_t timestamp_ms, size_t max_bytes)
{
    p->in.hints.max_bytes = max_bytes;
    p->in.hints.charset = p->charset;
    p->in.url = p->url;
    p->in.fetched_at = p->fetched_at;
    if (!p->fetched_at && timestamp_ms >= 0)
        p->in.fetched_at = kafka_time_iso(timestamp_ms, p->fetched_buf);
}

/* message_decode: kafka_page_decode; when url is not NULL, a message asking for a fetch sets *url
 * (a copy) and leaves *out empty (kafka_page_decode_fetch). */
static int message_decode(const void *value, size_t len, const rd_kafka_headers_t *hdrs,
                          int64_t timestamp_ms, size_t max_bytes, kafka_page *out, char **url,
                          char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (url && (!value || !len) && header_true(hdrs, "fetch")) {
        if (header_get(hdrs, "url", url))
            return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        if (*url) return NI_OK;
    }
    size_t limit = max_bytes ? max_bytes : PAGE_DEFAULT_MAX_BYTES;
    if (!value) /* never a record: an empty one would replace the article on a compacted topic */
        return ni_err_set(errstr, errlen, NI_ERR_TOMBSTONE,
                          "null value (a tombstone): there is no page to process");
    const char *v = value;
    char *ct = NULL;
    int rc = header_get(hdrs, "content-type", &ct);
    if (rc) return ni_err_set(errstr, errlen, rc, "out of memory copying message headers");
    int is_env = !len ? 0
                 : ct ? media_is(ct, "application/json")
                      : first_nonblank(v, len) < len && v[first_nonblank(v, len)] == '{';
    size_t value_limit = is_env ? envelope_limit(limit) : limit;
    if (len > value_limit) {
        free(ct);
        return ni_err_set(errstr, errlen, NI_ERR_TOO_LARGE,
                          "message value of %zu bytes is over the limit of %zu bytes", len,
                          value_limit);
    }
    rc = is_env ? decode_envelope(v, len, hdrs, limit, out, url, errstr, errlen)
                : decode_raw(v, len, hdrs, ct, out, errstr, errlen);
    free(ct);
    if (rc) {
        kafka_page_clear(out);
        return rc;
    }
    if (!url || !*url) decoded_finish(out, timestamp_ms, max_bytes);
    return NI_OK;
}

int kafka_page_decode(const void *value, size_t len, const rd_kafka_headers_t *hdrs,
                      int64_t timestamp_ms, size_t max_bytes, kafka_page *out, char *errstr,
                      size_t errlen)
{
    return message_decode(value, len, hdrs, timestamp_ms, max_bytes, out, NULL, errstr, errlen);
}

int kafka_page_decode_fetch(const void *value, size_t len, const rd_kafka_headers_t *hdrs,
                            int64_t timestamp_ms, size_t max_bytes, kafka_page *out, char **url,
                            char *errstr, size_t errlen)
{
    *url = NULL;
    return message_decode(value, len, hdrs, timestamp_ms, max_bytes, out, url, errstr, errlen);
}

/* ---- pages fetched by the worker ---- */

int kafka_page_from_fetch(const fetch_result *r, size_t max_bytes, kafka_page *out, char *errstr,
                          size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *ct = r->content_type;
    out->in.bytes = r->body ? r->body : "";
    out->in.len = r->len;
    out->in.hints.type = ct_type(ct);
    out->in.hints.max_bytes = max_bytes;
    int rc = dup_or_null(r->url, &out->url);
    if (!rc) rc = dup_or_null(r->final_url, &out->final_url);
    if (!rc && ct) out->charset = ct_charset(ct); /* a hint: NULL is fine */
    if (!rc && r->last_modified >= 0)
        rc =
            dup_or_null(kafka_time_iso(r->last_modified * 1000, out->fetched_buf), &out->date_hint);
    if (rc) {
        kafka_page_clear(out);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory copying a fetched page");
    }
    out->in.hints.charset = out->charset;
    out->in.url = out->url;
    out->in.final_url = out->final_url;
    out->in.date_hint = out->date_hint;
    out->in.fetched_at = kafka_time_iso((int64_t)time(NULL) * 1000, out->fetched_buf);
    return NI_OK;
}
