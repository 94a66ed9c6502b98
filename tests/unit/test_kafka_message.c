/* test_kafka_message.c: unit tests of Kafka message decoding (raw pages with headers, JSON
 * envelopes, base64, size limits, fetch time) and the message -> record path (no broker). */
#include "kafka/message.h"
#include "pipeline/pipeline.h"
#include "support_proc.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>

/* A short Arabic news item written for these tests. */
#define AR_TITLE "افتتاح مكتبة عامة جديدة في وسط المدينة"
#define AR_P1                                                                                                                                                           \
    "افتتحت البلدية صباح اليوم مكتبة عامة جديدة في وسط المدينة، تضم أكثر من عشرين ألف كتاب في " \
    "مجالات العلوم والأدب والتاريخ، إلى جانب قاعة للمطالعة تتسع لمئتي زائر."
#define AR_P2                                                                                                                                                              \
    "وقال رئيس البلدية في كلمة خلال حفل الافتتاح إن المشروع استغرق عامين من العمل، وإن المكتبة " \
    "ستفتح أبوابها يومياً من الثامنة صباحاً حتى التاسعة مساءً."
#define AR_P3                                                                                                                                                        \
    "وأضاف أن المكتبة تقدم برامج أسبوعية للأطفال وورشاً في الكتابة والقراءة، كما توفر خدمة " \
    "الإعارة الإلكترونية لسكان الأحياء البعيدة."
#define AR_P4                                                                                                                                                                \
    "وشهد الحفل حضور عدد من الكتاب والمثقفين الذين أشادوا بالمبادرة، وعبروا عن أملهم في أن تصبح " \
    "المكتبة مركزاً ثقافياً للشباب."

static const char ar_text[] = AR_TITLE "\n\n" AR_P1 "\n\n" AR_P2 "\n\n" AR_P3 "\n\n" AR_P4 "\n";
static const char ar_html[] =
    "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><title>" AR_TITLE "</title></head>"
    "<body><nav><a href=\"/\">الرئيسية</a></nav><article><h1>" AR_TITLE "</h1><p>" AR_P1
    "</p><p>" AR_P2 "</p><p>" AR_P3 "</p><p>" AR_P4 "</p></article></body></html>";

/* hdrs: headers from name/value pairs ending with NULL. */
static rd_kafka_headers_t *hdrs(const char *name, ...)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(8);
    va_list ap;
    va_start(ap, name);
    for (const char *n = name; n; n = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        cr_assert_eq(rd_kafka_header_add(h, n, -1, v, v ? -1 : 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    va_end(ap);
    return h;
}

/* dec: decodes value (must succeed) into *p. */
static void dec(kafka_page *p, const char *v, size_t len, const rd_kafka_headers_t *h, int64_t ts,
                size_t max)
{
    char err[256] = "";
    int rc = kafka_page_decode(v, len, h, ts, max, p, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "decode failed: %d %s", rc, err);
}

static void decs(kafka_page *p, const char *v, const rd_kafka_headers_t *h)
{
    dec(p, v, strlen(v), h, -1, 0);
}

/* dec_err: decoding v must fail with want, errstr containing needle, *out zeroed. */
static void dec_err(const char *v, size_t len, const rd_kafka_headers_t *h, size_t max, int want,
                    const char *needle)
{
    kafka_page p;
    memset(&p, 0x5a, sizeof p);
    char err[256] = "";
    int rc = kafka_page_decode(v, len, h, -1, max, &p, err, sizeof err);
    cr_assert_eq(rc, want, "got %d (%s) for %.60s", rc, err, v);
    cr_assert(strstr(err, needle), "error \"%s\" lacks \"%s\"", err, needle);
    kafka_page zero;
    memset(&zero, 0, sizeof zero);
    cr_assert_eq(memcmp(&p, &zero, sizeof p), 0, "nothing left to free after an error");
}

static void env_err(const char *v, int want, const char *needle)
{
    dec_err(v, strlen(v), NULL, 0, want, needle);
}

/* b64: standard base64 of data (OpenSSL), padding dropped when pad is 0; caller frees. */
static char *b64(const char *data, size_t len, int pad)
{
    char *out = malloc(len / 3 * 4 + 8);
    int n = EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
    cr_assert_geq(n, 0);
    while (!pad && n > 0 && out[n - 1] == '=') out[--n] = '\0';
    return out;
}

/* envelope_json: {"<body_key>": body, ...extra} printed by cJSON; caller frees. */
static char *envelope_json(const char *body_key, const char *body, const char *extra_json)
{
    cJSON *o = extra_json ? cJSON_Parse(extra_json) : cJSON_CreateObject();
    cr_assert_not_null(o);
    cJSON_AddStringToObject(o, body_key, body);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* ---- raw pages ------------------------------------------------------------------------- */

Test(kafka_message, raw_page_without_headers_is_not_copied)
{
    kafka_page p;
    dec(&p, ar_text, sizeof ar_text - 1, NULL, -1, 0);
    cr_assert_eq(p.envelope, 0);
    cr_assert_eq(p.in.bytes, ar_text, "a raw page points into the value");
    cr_assert_eq(p.in.len, sizeof ar_text - 1);
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_AUTO);
    cr_assert_null(p.in.hints.charset);
    cr_assert_null(p.in.url);
    cr_assert_null(p.in.fetched_at, "no header, no timestamp");
    cr_assert_eq(p.in.hints.max_bytes, 0);
    kafka_page_clear(&p);
}

Test(kafka_message, raw_page_every_header)
{
    rd_kafka_headers_t *h =
        hdrs("url", "https://news.example/a/1", "content-type", "text/plain", "charset",
             "windows-1256", "fetched-at", "2024-03-01T10:00:00Z", NULL);
    kafka_page p;
    dec(&p, "abc", 3, h, 1700000000000LL, 4096);
    cr_assert_str_eq(p.in.url, "https://news.example/a/1");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_TEXT);
    cr_assert_str_eq(p.in.hints.charset, "windows-1256");
    cr_assert_str_eq(p.in.fetched_at, "2024-03-01T10:00:00Z", "the header wins over the timestamp");
    cr_assert_eq(p.in.hints.max_bytes, 4096);
    cr_assert_eq(p.in.url, p.url, "owned copy");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, header_names_are_case_insensitive_last_wins)
{
    rd_kafka_headers_t *h = hdrs("URL", "https://news.example/old", "Content-Type", "TEXT/HTML",
                                 "Url", "https://news.example/new", "CHARSET", "utf-8",
                                 "Fetched-At", "2024-01-02T03:04:05Z", "x-other", "1", NULL);
    kafka_page p;
    decs(&p, "<p>x</p>", h);
    cr_assert_str_eq(p.in.url, "https://news.example/new");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_HTML);
    cr_assert_str_eq(p.in.hints.charset, "utf-8");
    cr_assert_str_eq(p.in.fetched_at, "2024-01-02T03:04:05Z");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, header_values_are_copied_not_nul_terminated)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(4);
    const char buf[] = "https://news.example/abcXXXXXXXX";
    rd_kafka_header_add(h, "url", -1, buf, 23); /* "https://news.example/ab" */
    rd_kafka_header_add(h, "charset", -1, "", 0);
    rd_kafka_header_add(h, "fetched-at", -1, NULL, 0);
    kafka_page p;
    dec(&p, "x", 1, h, -1, 0);
    cr_assert_str_eq(p.in.url, "https://news.example/ab");
    cr_assert_neq(p.in.url, buf);
    cr_assert_null(p.in.hints.charset, "an empty header is absent");
    cr_assert_null(p.in.fetched_at, "a NULL header is absent");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, content_type_to_page_type)
{
    static const struct {
        const char *ct;
        page_type want;
    } cases[] = {
        {"text/plain", PAGE_TYPE_TEXT},
        {"text/html", PAGE_TYPE_HTML},
        {"application/xhtml+xml", PAGE_TYPE_HTML},
        {"Text/HTML; charset=UTF-8", PAGE_TYPE_HTML},
        {" text/plain;format=flowed", PAGE_TYPE_TEXT},
        {"image/png", PAGE_TYPE_AUTO},
        {"application/octet-stream", PAGE_TYPE_AUTO},
        {"text/htmlx", PAGE_TYPE_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rd_kafka_headers_t *h = hdrs("content-type", cases[i].ct, NULL);
        kafka_page p;
        decs(&p, "{\"body\":\"x\"}", h);
        cr_assert_eq(p.envelope, 0, "%s: a content type other than JSON means a raw page",
                     cases[i].ct);
        cr_assert_eq(p.in.hints.type, cases[i].want, "content type \"%s\"", cases[i].ct);
        kafka_page_clear(&p);
        rd_kafka_headers_destroy(h);
    }
}

Test(kafka_message, charset_parameter)
{
    static const struct {
        const char *ct, *charset_hdr, *want;
    } cases[] = {
        {"text/html; charset=windows-1256", NULL, "windows-1256"},
        {"text/html;charset=\"ISO-8859-6\"", NULL, "ISO-8859-6"},
        {"text/plain; format=flowed; CharSet = koi8-r", NULL, "koi8-r"},
        {"text/html; charset=windows-1256", "utf-8", "utf-8"}, /* the header wins */
        {"text/plain; format=flowed", NULL, NULL},
        {"text/plain; charset=", NULL, NULL},
        {"text/plain; notcharset=x", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rd_kafka_headers_t *h = cases[i].charset_hdr ? hdrs("content-type", cases[i].ct, "charset",
                                                            cases[i].charset_hdr, NULL)
                                                     : hdrs("content-type", cases[i].ct, NULL);
        kafka_page p;
        decs(&p, "page", h);
        if (cases[i].want)
            cr_assert_str_eq(p.in.hints.charset, cases[i].want, "%s", cases[i].ct);
        else
            cr_assert_null(p.in.hints.charset, "%s", cases[i].ct);
        kafka_page_clear(&p);
        rd_kafka_headers_destroy(h);
    }
}

Test(kafka_message, empty_value_is_a_raw_page)
{
    kafka_page p;
    dec(&p, "", 0, NULL, -1, 0);
    cr_assert_eq(p.envelope, 0);
    cr_assert_eq(p.in.len, 0);
    kafka_page_clear(&p);
}

/* a null value (tombstone) never becomes a record, whatever the headers say */
Test(kafka_message, null_value_is_a_tombstone_error)
{
    dec_err(NULL, 0, NULL, 0, NI_ERR_TOMBSTONE, "tombstone");
    rd_kafka_headers_t *h = hdrs("content-type", "text/plain", "url", "https://x.example/a", NULL);
    dec_err(NULL, 0, h, 0, NI_ERR_TOMBSTONE, "null value");
    rd_kafka_headers_destroy(h);
    cr_assert_str_eq(ni_err_reason(NI_ERR_TOMBSTONE), "tombstone");
}

Test(kafka_message, brace_under_a_page_content_type_is_raw)
{
    rd_kafka_headers_t *h = hdrs("content-type", "text/plain", NULL);
    kafka_page p;
    decs(&p, "{not json at all", h);
    cr_assert_eq(p.envelope, 0);
    cr_assert_eq(p.in.len, 16);
    kafka_page_clear(&p);
    decs(&p, "[1, 2]", NULL); /* no content type, not '{': raw */
    cr_assert_eq(p.envelope, 0);
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

/* ---- envelopes ------------------------------------------------------------------------- */

Test(kafka_message, envelope_body_with_fields)
{
    const char *v =
        "{\"url\":\"https://news.example/e/7\",\"fetched_at\":\"2024-05-06T07:08:09Z\","
        "\"content_type\":\"text/html\",\"body\":\"<p>\\u0645\\u0631\\u062d\\u0628\\u0627"
        "</p>\"}";
    kafka_page p;
    decs(&p, v, NULL);
    cr_assert_eq(p.envelope, 1);
    cr_assert_str_eq(p.in.bytes, "<p>مرحبا</p>");
    cr_assert_eq(p.in.len, strlen("<p>مرحبا</p>"));
    cr_assert_eq(p.in.bytes, p.body);
    cr_assert_str_eq(p.in.url, "https://news.example/e/7");
    cr_assert_str_eq(p.in.fetched_at, "2024-05-06T07:08:09Z");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_HTML);
    cr_assert_str_eq(p.in.hints.charset, "UTF-8", "a JSON string is UTF-8");
    kafka_page_clear(&p);
}

Test(kafka_message, envelope_html_and_text_keys)
{
    kafka_page p;
    decs(&p, "{\"html\":\"<p>x</p>\"}", NULL);
    cr_assert_str_eq(p.in.bytes, "<p>x</p>");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_HTML, "\"html\" implies HTML");
    kafka_page_clear(&p);

    decs(&p, "{\"text\":\"plain words\"}", NULL);
    cr_assert_str_eq(p.in.bytes, "plain words");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_TEXT, "\"text\" implies text");
    kafka_page_clear(&p);

    decs(&p, "{\"text\":\"<p>x</p>\",\"content_type\":\"text/html\"}", NULL);
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_HTML, "content_type wins over the key");
    kafka_page_clear(&p);

    decs(&p, "{\"body\":\"b\",\"html\":\"h\",\"text\":\"t\"}", NULL);
    cr_assert_str_eq(p.in.bytes, "b", "body first");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_AUTO);
    kafka_page_clear(&p);

    decs(&p, "{\"body\":null,\"html\":\"h\"}", NULL);
    cr_assert_str_eq(p.in.bytes, "h", "null is absent");
    kafka_page_clear(&p);
}

Test(kafka_message, envelope_leading_whitespace_and_bom)
{
    kafka_page p;
    decs(&p, " \r\n\t {\"body\":\"x\"} \n", NULL);
    cr_assert_eq(p.envelope, 1);
    cr_assert_str_eq(p.in.bytes, "x");
    kafka_page_clear(&p);
    decs(&p, "\xEF\xBB\xBF{\"body\":\"y\"}", NULL);
    cr_assert_eq(p.envelope, 1);
    cr_assert_str_eq(p.in.bytes, "y");
    kafka_page_clear(&p);
}

Test(kafka_message, content_type_json_forces_envelope)
{
    rd_kafka_headers_t *h = hdrs("Content-Type", "application/json; charset=utf-8", NULL);
    kafka_page p;
    decs(&p, "  {\"body\":\"x\",\"content_type\":\"text/plain\"}", h);
    cr_assert_eq(p.envelope, 1);
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_TEXT);
    kafka_page_clear(&p);
    const char *not_json = "plain page text";
    dec_err(not_json, strlen(not_json), h, 0, NI_ERR_ENVELOPE, "not valid JSON");
    const char *arr = "[{\"body\":\"x\"}]";
    dec_err(arr, strlen(arr), h, 0, NI_ERR_ENVELOPE, "not a JSON object");
    dec(&p, "", 0, h, -1, 0); /* empty: a raw page whatever the headers say */
    cr_assert_eq(p.envelope, 0);
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, envelope_headers_are_the_fallback)
{
    rd_kafka_headers_t *h = hdrs("url", "https://news.example/h", "fetched-at",
                                 "2020-01-01T00:00:00Z", "charset", "windows-1256", NULL);
    kafka_page p;
    dec(&p, "{\"body\":\"x\"}", 12, h, 1700000000000LL, 0);
    cr_assert_str_eq(p.in.url, "https://news.example/h");
    cr_assert_str_eq(p.in.fetched_at, "2020-01-01T00:00:00Z");
    cr_assert_str_eq(p.in.hints.charset, "UTF-8",
                     "the charset header does not apply to a JSON string");
    kafka_page_clear(&p);
    const char *v = "{\"body\":\"x\",\"url\":\"https://news.example/e\",\"fetched_at\":"
                    "\"2021-02-03T04:05:06Z\"}";
    dec(&p, v, strlen(v), h, 1700000000000LL, 0);
    cr_assert_str_eq(p.in.url, "https://news.example/e", "the envelope wins");
    cr_assert_str_eq(p.in.fetched_at, "2021-02-03T04:05:06Z", "the envelope wins");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, envelope_base64_with_and_without_padding)
{
    const char *samples[] = {"a", "ab", "abc", "abcd", "", "\x00\xff\x10 binary", ar_text};
    size_t lens[] = {1, 2, 3, 4, 0, 11, sizeof ar_text - 1};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (int pad = 0; pad <= 1; pad++) {
            char *enc = b64(samples[i], lens[i], pad);
            char *v = envelope_json("body", enc, "{\"body_encoding\":\"base64\"}");
            kafka_page p;
            decs(&p, v, NULL);
            cr_assert_eq(p.in.len, lens[i], "sample %zu pad %d: %zu bytes", i, pad, p.in.len);
            cr_assert_eq(memcmp(p.in.bytes, samples[i], lens[i]), 0, "sample %zu pad %d", i, pad);
            cr_assert_eq(p.in.bytes[p.in.len], '\0', "NUL-terminated");
            kafka_page_clear(&p);
            free(v);
            free(enc);
        }
    }
}

Test(kafka_message, envelope_base64_line_breaks_and_charset)
{
    kafka_page p;
    /* "شكرا" in windows-1256 (D4 DF D1 C7), wrapped; the declared charset applies to the bytes */
    decs(&p,
         "{\"body\":\"1N/R\\r\\nxw==\\n\",\"body_encoding\":\"BASE64\","
         "\"content_type\":\"text/plain; charset=windows-1256\"}",
         NULL);
    cr_assert_eq(p.in.len, 4);
    cr_assert_eq(memcmp(p.in.bytes, "\xD4\xDF\xD1\xC7", 4), 0);
    cr_assert_str_eq(p.in.hints.charset, "windows-1256", "from the content_type parameter");
    cr_assert_eq(p.in.hints.type, PAGE_TYPE_TEXT);
    kafka_page_clear(&p);
    decs(&p,
         "{\"body\":\"YQ\",\"body_encoding\":\"base64\",\"charset\":\"ISO-8859-6\","
         "\"content_type\":\"text/plain; charset=windows-1256\"}",
         NULL);
    cr_assert_str_eq(p.in.hints.charset, "ISO-8859-6", "the charset field wins");
    kafka_page_clear(&p);
    rd_kafka_headers_t *h = hdrs("charset", "koi8-r", NULL);
    decs(&p, "{\"body\":\"YQ\",\"body_encoding\":\"base64\"}", h);
    cr_assert_str_eq(p.in.hints.charset, "koi8-r", "the header as the fallback");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

Test(kafka_message, envelope_identity_encodings)
{
    const char *encs[] = {"identity", "utf-8", "UTF-8", ""};
    for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
        char *v = envelope_json("body", "YWJj", NULL);
        cJSON *o = cJSON_Parse(v);
        cJSON_AddStringToObject(o, "body_encoding", encs[i]);
        free(v);
        v = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        kafka_page p;
        decs(&p, v, NULL);
        cr_assert_str_eq(p.in.bytes, "YWJj", "encoding \"%s\" keeps the body", encs[i]);
        kafka_page_clear(&p);
        free(v);
    }
}

Test(kafka_message, envelope_bad_base64)
{
    const char *bad[] = {"Y",           "YQ=",  "YQ===", "YQ==YQ==", "Y!==", "YW=j",
                         "YWJj\\u00e9", "YW-j", "YW_j",  "=",        "A===", "YWJ\\f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char v[128];
        snprintf(v, sizeof v, "{\"body\":\"%s\",\"body_encoding\":\"base64\"}", bad[i]);
        env_err(v, NI_ERR_ENVELOPE, "base64");
    }
    env_err("{\"body\":\"YQ\",\"body_encoding\":\"gzip\"}", NI_ERR_ENVELOPE, "gzip");
}

Test(kafka_message, envelope_malformed)
{
    env_err("{\"url\":\"https://news.example/x\"}", NI_ERR_ENVELOPE, "no \"body\"");
    env_err("{}", NI_ERR_ENVELOPE, "no \"body\"");
    env_err("{\"body\":42}", NI_ERR_ENVELOPE, "\"body\" is not a string");
    env_err("{\"body\":{\"a\":1}}", NI_ERR_ENVELOPE, "\"body\" is not a string");
    env_err("{\"html\":[\"x\"]}", NI_ERR_ENVELOPE, "\"html\" is not a string");
    env_err("{\"body\":\"x\",\"url\":7}", NI_ERR_ENVELOPE, "\"url\" is not a string");
    env_err("{\"body\":\"x\",\"fetched_at\":true}", NI_ERR_ENVELOPE, "\"fetched_at\"");
    env_err("{\"body\":\"x\",\"content_type\":1}", NI_ERR_ENVELOPE, "\"content_type\"");
    env_err("{\"body\":\"x\",\"charset\":[]}", NI_ERR_ENVELOPE, "\"charset\"");
    env_err("{\"body\":\"x\",\"body_encoding\":0}", NI_ERR_ENVELOPE, "\"body_encoding\"");
    env_err("{\"body\":\"trunc", NI_ERR_ENVELOPE, "not valid JSON");
    env_err("{\"body\":\"x\"", NI_ERR_ENVELOPE, "not valid JSON");
    env_err("{\"body\":\"x\",}", NI_ERR_ENVELOPE, "not valid JSON");
    env_err("{\"body\":\"x\"} trailing", NI_ERR_ENVELOPE, "trailing");
    env_err("{\"body\":\"x\"}{}", NI_ERR_ENVELOPE, "trailing");
    env_err("{", NI_ERR_ENVELOPE, "not valid JSON");
}

Test(kafka_message, envelope_truncated_at_every_length)
{
    const char *v =
        "{\"url\":\"https://news.example/t\",\"body\":\"YWJj\",\"body_encoding\":\"base64\"}";
    size_t n = strlen(v);
    for (size_t len = 1; len < n; len++) dec_err(v, len, NULL, 0, NI_ERR_ENVELOPE, "envelope");
    kafka_page p;
    dec(&p, v, n, NULL, -1, 0);
    cr_assert_str_eq(p.in.bytes, "abc");
    kafka_page_clear(&p);
}

/* ---- fetch time ------------------------------------------------------------------------ */

Test(kafka_message, time_iso)
{
    char buf[32];
    cr_assert_str_eq(kafka_time_iso(0, buf), "1970-01-01T00:00:00.000Z");
    cr_assert_str_eq(kafka_time_iso(1700000000123LL, buf), "2023-11-14T22:13:20.123Z");
    cr_assert_str_eq(kafka_time_iso(951782400007LL, buf), "2000-02-29T00:00:00.007Z");
    cr_assert_str_eq(kafka_time_iso(-1, buf), "1969-12-31T23:59:59.999Z");
    cr_assert_eq(kafka_time_iso(5, buf), buf);
}

Test(kafka_message, timestamp_is_the_fallback_fetch_time)
{
    kafka_page p;
    dec(&p, "page", 4, NULL, 1700000000123LL, 0);
    cr_assert_str_eq(p.in.fetched_at, "2023-11-14T22:13:20.123Z");
    cr_assert_null(p.fetched_at, "the owned copy is for headers/envelopes");
    kafka_page_clear(&p);
    dec(&p, "{\"body\":\"x\"}", 12, NULL, 0, 0);
    cr_assert_str_eq(p.in.fetched_at, "1970-01-01T00:00:00.000Z");
    kafka_page_clear(&p);
    rd_kafka_headers_t *h = hdrs("fetched-at", "", NULL);
    dec(&p, "page", 4, h, 1700000000123LL, 0);
    cr_assert_str_eq(p.in.fetched_at, "2023-11-14T22:13:20.123Z", "an empty header is absent");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
}

/* ---- size limits ----------------------------------------------------------------------- */

Test(kafka_message, raw_value_too_large)
{
    char pg[101];
    memset(pg, 'x', sizeof pg);
    dec_err(pg, 101, NULL, 100, NI_ERR_TOO_LARGE, "101 bytes");
    dec_err(pg, 101, NULL, 100, NI_ERR_TOO_LARGE, "100 bytes");
    kafka_page p;
    dec(&p, pg, 100, NULL, -1, 100);
    cr_assert_eq(p.in.len, 100, "exactly the limit is allowed");
    kafka_page_clear(&p);
}

Test(kafka_message, default_limit_when_zero)
{
    size_t n = PAGE_DEFAULT_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, 'a', n);
    dec_err(big, n, NULL, 0, NI_ERR_TOO_LARGE, "over the limit");
    kafka_page p;
    dec(&p, big, n - 1, NULL, -1, 0);
    cr_assert_eq(p.in.len, n - 1);
    kafka_page_clear(&p);
    free(big);
}

Test(kafka_message, decoded_body_too_large)
{
    char body[121];
    memset(body, 'z', 120);
    body[120] = '\0';
    char *enc = b64(body, 120, 1);
    char *v = envelope_json("body", enc, "{\"body_encoding\":\"base64\"}");
    dec_err(v, strlen(v), NULL, 100, NI_ERR_TOO_LARGE, "envelope body of 120 bytes");
    kafka_page p;
    dec(&p, v, strlen(v), NULL, -1, 120);
    cr_assert_eq(p.in.len, 120, "a base64 envelope may exceed the limit; its body may not");
    kafka_page_clear(&p);
    free(v);
    v = envelope_json("body", body, NULL);
    dec_err(v, strlen(v), NULL, 119, NI_ERR_TOO_LARGE, "120 bytes");
    free(v);
    free(enc);
}

Test(kafka_message, envelope_value_too_large)
{
    size_t n = 100 / 3 * 4 + 4 + 65536 + 1; /* over the envelope allowance for a 100-byte limit */
    char *v = malloc(n);
    memset(v, ' ', n);
    memcpy(v, "{\"body\":\"x\"}", 12);
    char needle[64];
    snprintf(needle, sizeof needle, "%zu bytes", n);
    dec_err(v, n, NULL, 100, NI_ERR_TOO_LARGE, needle);
    kafka_page p;
    dec(&p, v, n - 1, NULL, -1, 100);
    cr_assert_str_eq(p.in.bytes, "x");
    kafka_page_clear(&p);
    free(v);
}

/* ---- clear ----------------------------------------------------------------------------- */

Test(kafka_message, clear_is_null_safe_and_idempotent)
{
    kafka_page_clear(NULL);
    kafka_page p;
    rd_kafka_headers_t *h = hdrs("url", "https://news.example/c", "charset", "utf-8", NULL);
    const char *v = "{\"body\":\"x\",\"fetched_at\":\"2024-01-01T00:00:00Z\"}";
    dec(&p, v, strlen(v), h, 5, 0);
    cr_assert_not_null(p.body);
    cr_assert_not_null(p.url);
    kafka_page_clear(&p);
    kafka_page zero;
    memset(&zero, 0, sizeof zero);
    cr_assert_eq(memcmp(&p, &zero, sizeof p), 0, "zeroed after clear");
    kafka_page_clear(&p);
    cr_assert_eq(memcmp(&p, &zero, sizeof p), 0);
    rd_kafka_headers_destroy(h);
}

/* ---- message -> record ----------------------------------------------------------------- */

/* to_cp1256: s converted to windows-1256 with ICU; caller frees. */
static char *to_cp1256(const char *s, size_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t cap = strlen(s) * 2 + 1;
    char *out = malloc(cap);
    int32_t n = ucnv_convert("windows-1256", "UTF-8", out, (int32_t)cap, s, -1, &st);
    cr_assert(U_SUCCESS(st), "%s", u_errorName(st));
    *len = (size_t)n;
    return out;
}

/* check_record: processes p's input; asserts a schema-valid record with the page's text. */
static void check_record(pipeline *pl, const kafka_page *p, const char *want_url, const char *what)
{
    pipeline_output out = {0};
    pipeline_error perr = {0};
    int rc = pipeline_process(pl, &p->in, &out, &perr);
    cr_assert_eq(rc, NI_OK, "%s: %s %s", what, perr.stage, perr.message);
    support_schema_assert(out.json);
    cJSON *rec = cJSON_ParseWithLength(out.json, out.len);
    cr_assert_not_null(rec, "%s", what);
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "body"));
    cr_assert(body && strstr(body, "مكتبة عامة جديدة") && strstr(body, "مركزاً ثقافياً"),
              "%s: body %.200s", what, body ? body : "(none)");
    const cJSON *url = cJSON_GetObjectItem(rec, "url");
    if (want_url)
        cr_assert_str_eq(cJSON_GetStringValue(url), want_url, "%s", what);
    else
        cr_assert(cJSON_IsNull(url), "%s", what);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "language")), "ar", "%s", what);
    cJSON_Delete(rec);
    pipeline_output_free(&out);
}

Test(kafka_message, every_input_form_becomes_a_record)
{
    char err[256];
    pipeline *pl = pipeline_create(err, sizeof err);
    cr_assert_not_null(pl, "%s", err);
    kafka_page p;
    const char *url = "https://news.example/culture/library";

    rd_kafka_headers_t *h = hdrs("url", url, "content-type", "text/plain; charset=utf-8", NULL);
    dec(&p, ar_text, sizeof ar_text - 1, h, 1700000000000LL, 0);
    check_record(pl, &p, url, "raw text");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);

    dec(&p, ar_html, sizeof ar_html - 1, NULL, 1700000000000LL, 0);
    check_record(pl, &p, NULL, "raw html, no headers");
    kafka_page_clear(&p);

    size_t cplen;
    char *cp = to_cp1256(ar_text, &cplen);
    h = hdrs("URL", url, "Content-Type", "text/plain", "Charset", "windows-1256", NULL);
    dec(&p, cp, cplen, h, -1, 0);
    check_record(pl, &p, url, "raw windows-1256 text");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);

    char *enc = b64(cp, cplen, 0);
    char *v = envelope_json("body", enc,
                            "{\"url\":\"https://news.example/culture/library\",\"body_encoding\":"
                            "\"base64\",\"content_type\":\"text/plain; charset=windows-1256\"}");
    dec(&p, v, strlen(v), NULL, -1, 0);
    check_record(pl, &p, url, "envelope, base64 windows-1256");
    kafka_page_clear(&p);
    free(v);
    free(enc);
    free(cp);

    v = envelope_json("html", ar_html, "{\"fetched_at\":\"2024-05-06T07:08:09Z\"}");
    dec(&p, v, strlen(v), NULL, -1, 0);
    check_record(pl, &p, NULL, "envelope html");
    kafka_page_clear(&p);
    free(v);

    v = envelope_json("body", ar_text, "{\"url\":\"https://news.example/culture/library\"}");
    h = hdrs("content-type", "application/json", NULL);
    dec(&p, v, strlen(v), h, 1700000000000LL, 0);
    check_record(pl, &p, url, "envelope body, JSON content type");
    kafka_page_clear(&p);
    rd_kafka_headers_destroy(h);
    free(v);

    pipeline_destroy(pl);
}
