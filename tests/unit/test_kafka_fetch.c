/* test_kafka_fetch.c: which messages ask the worker to fetch their page, and the fetched page as
 * a pipeline input. */
#include "kafka/message.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static rd_kafka_headers_t *hdrs(const char *const *kv)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(4);
    for (size_t i = 0; kv && kv[i]; i += 2) rd_kafka_header_add(h, kv[i], -1, kv[i + 1], -1);
    return h;
}

/* wants: the URL kafka_page_decode_fetch asks to fetch for value with headers kv
 * (NULL-terminated pairs); "" when no fetch. */
static const char *wants(const char *value, const char *const *kv)
{
    static char buf[256];
    rd_kafka_headers_t *h = hdrs(kv);
    kafka_page pg;
    char *url = NULL, err[256];
    kafka_page_decode_fetch(value, value ? strlen(value) : 0, h, 0, 0, &pg, &url, err, sizeof err);
    snprintf(buf, sizeof buf, "%s", url ? url : "");
    free(url);
    kafka_page_clear(&pg);
    rd_kafka_headers_destroy(h);
    return buf;
}

Test(kafka_fetch, null_or_empty_value_with_url_and_fetch_headers)
{
    const char *on[] = {"url", "https://a.example/1", "fetch", "1", NULL};
    const char *yes[] = {"URL", "https://a.example/2", "Fetch", "true", NULL};
    const char *no_marker[] = {"url", "https://a.example/3", NULL};
    const char *off[] = {"url", "https://a.example/4", "fetch", "0", NULL};
    cr_assert_str_eq(wants(NULL, on), "https://a.example/1");
    cr_assert_str_eq(wants("", on), "https://a.example/1");
    cr_assert_str_eq(wants(NULL, yes), "https://a.example/2", "header names in any case");
    cr_assert_str_eq(wants(NULL, no_marker), "", "a null value without the marker is no fetch");
    cr_assert_str_eq(wants(NULL, off), "");
    cr_assert_str_eq(wants("<html><p>page</p></html>", on), "", "a value is the page itself");
}

Test(kafka_fetch, envelope_with_url_and_no_body)
{
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/x\"}", NULL), "https://b.example/x");
    cr_assert_str_eq(wants("  \n{\"url\":\"https://b.example/y\",\"fetched_at\":null}", NULL),
                     "https://b.example/y");
    const char *json[] = {"content-type", "application/json", NULL};
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/z\"}", json), "https://b.example/z");
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/x\",\"body\":\"<p>hi</p>\"}", NULL), "");
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/x\",\"text\":null}", NULL), "",
                     "a body member of any value means the message is not URL-only");
    cr_assert_str_eq(wants("{\"url\":\"\"}", NULL), "");
    cr_assert_str_eq(wants("{\"url\":5}", NULL), "");
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/x\"", NULL), "", "not valid JSON");
    const char *html[] = {"content-type", "text/html", NULL};
    cr_assert_str_eq(wants("{\"url\":\"https://b.example/x\"}", html), "");
}

Test(kafka_fetch, fetched_page_as_input)
{
    fetch_result r = {0};
    r.url = "https://c.example/a";
    r.final_url = "https://c.example/b";
    r.body = "\xc7\xe1\xe3";
    r.len = 3;
    r.content_type = "text/plain; charset=\"windows-1256\"";
    r.last_modified = 1793692800LL;
    kafka_page pg;
    char err[256];
    cr_assert_eq(kafka_page_from_fetch(&r, 1000, &pg, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(pg.in.bytes, r.body);
    cr_assert_eq(pg.in.len, 3);
    cr_assert_eq(pg.in.hints.type, PAGE_TYPE_TEXT);
    cr_assert_str_eq(pg.in.hints.charset, "windows-1256");
    cr_assert_eq(pg.in.hints.max_bytes, 1000);
    cr_assert_str_eq(pg.in.url, "https://c.example/a");
    cr_assert_str_eq(pg.in.final_url, "https://c.example/b");
    cr_assert_str_eq(pg.in.date_hint, "2026-11-03T08:00:00.000Z");
    cr_assert_not_null(pg.in.fetched_at);
    kafka_page_clear(&pg);
    r.content_type = NULL;
    r.last_modified = -1;
    cr_assert_eq(kafka_page_from_fetch(&r, 0, &pg, err, sizeof err), NI_OK);
    cr_assert_eq(pg.in.hints.type, PAGE_TYPE_AUTO);
    cr_assert_null(pg.in.hints.charset);
    cr_assert_null(pg.in.date_hint);
    kafka_page_clear(&pg);
}

/* decode_fetch: kafka_page_decode_fetch of value (len from strlen; NULL = a tombstone) with
 * headers kv: the URL into url (or ""), the decoded body's first bytes into body (or ""). */
static int decode_fetch(const char *value, const char *const *kv, char url[128], char body[64])
{
    rd_kafka_headers_t *h = hdrs(kv);
    kafka_page pg;
    char *u = NULL, err[256];
    int rc = kafka_page_decode_fetch(value, value ? strlen(value) : 0, h, 0, 0, &pg, &u, err,
                                     sizeof err);
    snprintf(url, 128, "%s", u ? u : "");
    snprintf(body, 64, "%.*s", rc || u ? 0 : (int)pg.in.len, rc || u ? "" : pg.in.bytes);
    if (u) cr_assert_null(pg.in.bytes, "a fetch leaves the page empty");
    free(u);
    kafka_page_clear(&pg);
    rd_kafka_headers_destroy(h);
    return rc;
}

Test(kafka_fetch, decode_once_fetch_or_page)
{
    char url[128], body[64];
    const char *on[] = {"url", "https://a.example/1", "fetch", "1", NULL};
    cr_assert_eq(decode_fetch(NULL, on, url, body), NI_OK);
    cr_assert_str_eq(url, "https://a.example/1", "a tombstone asking for a fetch");
    cr_assert_eq(decode_fetch("", on, url, body), NI_OK);
    cr_assert_str_eq(url, "https://a.example/1", "an empty value asking for a fetch");
    cr_assert_eq(decode_fetch("{\"url\":\"https://b.example/x\"}", NULL, url, body), NI_OK);
    cr_assert_str_eq(url, "https://b.example/x", "a URL-only envelope");
    cr_assert_eq(
        decode_fetch("{\"url\":\"https://b.example/x\",\"body\":\"<p>hi</p>\"}", NULL, url, body),
        NI_OK);
    cr_assert_str_eq(url, "");
    cr_assert_str_eq(body, "<p>hi</p>", "an envelope with a body is decoded, not fetched");
    cr_assert_eq(decode_fetch("<p>raw</p>", on, url, body), NI_OK);
    cr_assert_str_eq(url, "");
    cr_assert_str_eq(body, "<p>raw</p>", "a value is the page itself");
    const char *no_marker[] = {"url", "https://a.example/3", NULL};
    cr_assert_eq(decode_fetch(NULL, no_marker, url, body), NI_ERR_TOMBSTONE);
    cr_assert_str_eq(url, "");
    cr_assert_eq(decode_fetch("{\"url\":\"https://b.example/x\",\"text\":null}", NULL, url, body),
                 NI_ERR_ENVELOPE, "a body member of any value: not URL-only, and no body");
    cr_assert_str_eq(url, "");
    cr_assert_eq(decode_fetch("{\"url\":\"https://b.example/x\"", NULL, url, body), NI_ERR_ENVELOPE,
                 "not valid JSON");
    cr_assert_eq(decode_fetch("{\"url\":\"\"}", NULL, url, body), NI_ERR_ENVELOPE);
}
