/* test_page.c: unit tests of page decoding: charsets, BOMs, mismatches, cleaning, limits, types. */
#include "page/page.h"
#include "util/err.h"
#include "util/quality.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>

/* Arabic news prose written for these tests. */
static const char AR[] =
    "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية، وقالت إن الموسم "
    "القادم سيشهد زيادة في إنتاج القمح والشعير بعد هطول أمطار غزيرة خلال الشتاء الماضي.";
static const char FR[] =
    "Le marché de la ville était très animé ce matin, et les élèves sont allés à l'école.";

/* encode: utf8 converted to charset by ICU (the input bytes a page in that charset would have). */
static char *encode(const char *utf8, const char *charset, size_t *len)
{
    size_t cap = strlen(utf8) * 4 + 8;
    char *out = malloc(cap);
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucnv_convert(charset, "UTF-8", out, (int32_t)cap, utf8, -1, &st);
    cr_assert(U_SUCCESS(st), "encoding to %s: %s", charset, u_errorName(st));
    *len = (size_t)n;
    return out;
}

/* decode: page_decode that must succeed. */
static page *decode(const char *b, size_t len, page_type type, const char *charset)
{
    page_hints h = {type, charset, 0};
    page *p = NULL;
    char err[256] = "";
    int rc = page_decode(b, len, &h, &p, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "page_decode: %d %s", rc, err);
    cr_assert_not_null(p);
    cr_assert_eq(strlen(p->text), p->len);
    return p;
}

/* decode_fails: page_decode that must fail with rc and an explanation. */
static void decode_fails(const char *b, size_t len, size_t max, int want)
{
    page_hints h = {PAGE_TYPE_AUTO, NULL, max};
    page *p = (page *)1;
    char err[256] = "";
    cr_assert_eq(page_decode(b, len, &h, &p, err, sizeof err), want, "%s", err);
    cr_assert_null(p);
    cr_assert_neq(err[0], '\0');
}

Test(page_decode, utf8_fast_path_is_a_copy)
{
    page *p = decode(AR, strlen(AR), PAGE_TYPE_AUTO, NULL);
    cr_assert_str_eq(p->text, AR);
    cr_assert_str_eq(p->charset, "UTF-8");
    cr_assert_eq(p->quality, 0u);
    cr_assert_eq(p->type, PAGE_TYPE_TEXT);
    page_destroy(p);
}

Test(page_decode, windows1256_declared)
{
    size_t n;
    char *b = encode(AR, "windows-1256", &n);
    cr_assert_lt(n, strlen(AR)); /* one byte per letter: really not UTF-8 */
    page *p = decode(b, n, PAGE_TYPE_TEXT, "windows-1256");
    cr_assert_str_eq(p->text, AR);
    cr_assert_str_eq(p->charset, "windows-1256");
    cr_assert(p->quality & QUALITY_CHARSET_CONVERTED);
    cr_assert_not(p->quality & (QUALITY_CHARSET_GUESSED | QUALITY_INVALID_BYTES));
    page_destroy(p);
    free(b);
}

Test(page_decode, windows1256_detected_when_undeclared)
{
    size_t n;
    char *b = encode(AR, "windows-1256", &n);
    page *p = decode(b, n, PAGE_TYPE_TEXT, NULL);
    cr_assert_str_eq(p->text, AR);
    cr_assert(p->quality & QUALITY_CHARSET_GUESSED);
    cr_assert(p->quality & QUALITY_CHARSET_CONVERTED);
    page_destroy(p);
    free(b);
}

Test(page_decode, iso8859_1_declared)
{
    size_t n;
    char *b = encode(FR, "ISO-8859-1", &n);
    page *p = decode(b, n, PAGE_TYPE_TEXT, "ISO-8859-1");
    cr_assert_str_eq(p->text, FR);
    cr_assert(p->quality & QUALITY_CHARSET_CONVERTED);
    page_destroy(p);
    free(b);
}

Test(page_decode, utf16_with_bom)
{
    const char *names[] = {"UTF-16LE", "UTF-16BE", "UTF-32LE"};
    const char *boms[] = {"\xFF\xFE", "\xFE\xFF", "\xFF\xFE\x00\x00"};
    size_t bomlens[] = {2, 2, 4};
    for (int i = 0; i < 3; i++) {
        size_t n;
        char *b = encode(AR, names[i], &n);
        char *all = malloc(n + 4);
        memcpy(all, boms[i], bomlens[i]);
        memcpy(all + bomlens[i], b, n);
        page *p = decode(all, n + bomlens[i], PAGE_TYPE_AUTO, NULL);
        cr_assert_str_eq(p->text, AR, "%s", names[i]);
        cr_assert_str_eq(p->charset, names[i]);
        cr_assert(p->quality & QUALITY_CHARSET_CONVERTED);
        cr_assert_not(p->quality & QUALITY_NUL_REMOVED);
        page_destroy(p);
        free(all);
        free(b);
    }
}

Test(page_decode, utf8_bom_stripped_and_wins_over_hint)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", AR);
    page *p = decode(buf, strlen(buf), PAGE_TYPE_AUTO, "windows-1256");
    cr_assert_str_eq(p->text, AR);
    cr_assert_eq(p->quality, 0u);
    page_destroy(p);
}

Test(page_decode, declared_utf8_but_windows1256)
{
    size_t n;
    char *b = encode(AR, "windows-1256", &n);
    page *p = decode(b, n, PAGE_TYPE_TEXT, "utf-8");
    cr_assert_str_eq(p->text, AR);
    cr_assert(p->quality & QUALITY_CHARSET_MISMATCH);
    cr_assert_not(p->quality & QUALITY_INVALID_BYTES);
    page_destroy(p);
    free(b);
}

Test(page_decode, declared_windows1252_but_utf8)
{
    page *p = decode(AR, strlen(AR), PAGE_TYPE_TEXT, "windows-1252");
    cr_assert_str_eq(p->text, AR);
    cr_assert_str_eq(p->charset, "UTF-8");
    cr_assert(p->quality & QUALITY_CHARSET_MISMATCH);
    page_destroy(p);
}

Test(page_decode, html_meta_charset)
{
    char html[2048];
    snprintf(html, sizeof html,
             "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" "
             "content=\"text/html; charset=windows-1256\"><title>خبر</title></head>"
             "<body><p>%s</p></body></html>",
             AR);
    size_t n;
    char *b = encode(html, "windows-1256", &n);
    page *p = decode(b, n, PAGE_TYPE_AUTO, NULL);
    cr_assert_eq(p->type, PAGE_TYPE_HTML);
    cr_assert_str_eq(p->text, html);
    cr_assert_str_eq(p->charset, "windows-1256");
    cr_assert_not(p->quality & QUALITY_CHARSET_GUESSED);
    page_destroy(p);
    free(b);
}

Test(page_decode, html5_meta_charset_short_form)
{
    const char *html = "<html><head><meta charset='ISO-8859-1'></head><body>caf\xE9</body></html>";
    page *p = decode(html, strlen(html), PAGE_TYPE_HTML, NULL);
    cr_assert(strstr(p->text, "café"));
    page_destroy(p);
}

Test(page_decode, meta_utf16_on_ascii_page_means_utf8)
{
    const char *html = "<html><head><meta charset=\"utf-16\"></head><body>مرحبا</body></html>";
    page *p = decode(html, strlen(html), PAGE_TYPE_HTML, NULL);
    cr_assert_str_eq(p->text, html);
    page_destroy(p);
}

Test(page_decode, unknown_hint_falls_back)
{
    page *p = decode(AR, strlen(AR), PAGE_TYPE_TEXT, "no-such-charset-xyz");
    cr_assert_str_eq(p->text, AR);
    page_destroy(p);
}

Test(page_decode, invalid_utf8_replaced_and_flagged)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s \xFF\xC3 %s", AR, AR);
    page *p = decode(buf, strlen(buf), PAGE_TYPE_TEXT, NULL);
    cr_assert(p->quality & QUALITY_INVALID_BYTES);
    cr_assert_not(p->quality & QUALITY_CHARSET_MISMATCH);
    cr_assert(strstr(p->text, " \xEF\xBF\xBD\xEF\xBF\xBD "), "%s", p->text);
    cr_assert_eq(strncmp(p->text, AR, strlen(AR)), 0);
    page_destroy(p);
}

Test(page_decode, nul_removed)
{
    const char b[] = "first line\0 of the page\0";
    page *p = decode(b, sizeof b - 1, PAGE_TYPE_TEXT, NULL);
    cr_assert_str_eq(p->text, "first line of the page");
    cr_assert(p->quality & QUALITY_NUL_REMOVED);
    cr_assert_not(p->quality & QUALITY_CONTROL_REMOVED);
    page_destroy(p);
}

Test(page_decode, controls_removed_tab_and_newline_kept)
{
    const char *b = "a stray\x01 byte\x1b here\tand\x7F there\n\xC2\x85"
                    "done";
    page *p = decode(b, strlen(b), PAGE_TYPE_TEXT, NULL);
    cr_assert_str_eq(p->text, "a stray byte here\tand there\ndone");
    cr_assert(p->quality & QUALITY_CONTROL_REMOVED);
    cr_assert_not(p->quality & QUALITY_NUL_REMOVED);
    page_destroy(p);
}

Test(page_decode, crlf_and_cr_become_lf)
{
    const char *b = "one\r\ntwo\rthree\n\r\nfour\r";
    page *p = decode(b, strlen(b), PAGE_TYPE_TEXT, NULL);
    cr_assert_str_eq(p->text, "one\ntwo\nthree\n\nfour\n");
    cr_assert_eq(p->quality, 0u);
    page_destroy(p);
}

Test(page_decode, empty_input)
{
    page *p = decode("", 0, PAGE_TYPE_AUTO, NULL);
    cr_assert_eq(p->len, 0u);
    cr_assert_str_eq(p->text, "");
    cr_assert_eq(p->type, PAGE_TYPE_TEXT);
    page_destroy(p);
}

Test(page_decode, binary_signatures_rejected)
{
    decode_fails("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, 0, NI_ERR_BINARY);
    decode_fails("%PDF-1.7\n%\xE2\xE3", 12, 0, NI_ERR_BINARY);
    decode_fails("\x1f\x8b\x08\0\0\0\0\0", 8, 0, NI_ERR_BINARY);
}

Test(page_decode, binary_garbage_rejected)
{
    char b[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof b; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (char)(x >> 16);
    }
    decode_fails(b, sizeof b, 0, NI_ERR_BINARY);
    page_hints h = {PAGE_TYPE_TEXT, "utf-8", 0}; /* declared, still garbage */
    page *p = NULL;
    char err[256] = "";
    cr_assert_eq(page_decode(b, sizeof b, &h, &p, err, sizeof err), NI_ERR_BINARY);
    cr_assert_null(p);
}

Test(page_decode, size_limit)
{
    page_hints h = {PAGE_TYPE_TEXT, NULL, 10};
    page *p = NULL;
    char err[256] = "";
    cr_assert_eq(page_decode("0123456789A", 11, &h, &p, err, sizeof err), NI_ERR_TOO_LARGE);
    cr_assert_null(p);
    cr_assert(strstr(err, "10-byte"), "%s", err);
    cr_assert_eq(page_decode("0123456789", 10, &h, &p, err, sizeof err), NI_OK);
    page_destroy(p);
}

Test(page_decode, fifty_megabytes_over_default_limit)
{
    size_t n = 50u * 1024 * 1024;
    char *b = malloc(n);
    cr_assert_not_null(b);
    memset(b, 'a', n);
    decode_fails(b, n, 0, NI_ERR_TOO_LARGE);
    free(b);
}

Test(page_decode, utf16_without_bom_detected)
{
    size_t n;
    char *b = encode(AR, "UTF-16LE", &n);
    page *p = decode(b, n, PAGE_TYPE_TEXT, NULL);
    cr_assert_str_eq(p->text, AR);
    cr_assert(p->quality & QUALITY_CHARSET_GUESSED);
    cr_assert_not(p->quality & QUALITY_NUL_REMOVED);
    page_destroy(p);
    free(b);
}

Test(page_decode, type_sniffing)
{
    const char *html[] = {"  <!DOCTYPE html><p>x", "\n<div class=a>x</div>", "<!-- c --><p>x",
                          "Title\n<p>a</p><p>b</p><br/><b>c</b><i>d</i>"};
    for (int i = 0; i < 4; i++) {
        page *p = decode(html[i], strlen(html[i]), PAGE_TYPE_AUTO, NULL);
        cr_assert_eq(p->type, PAGE_TYPE_HTML, "%s", html[i]);
        page_destroy(p);
    }
    const char *text = "Prices rose 3% while x < 5 and y > 2.\nSecond line.";
    page *p = decode(text, strlen(text), PAGE_TYPE_AUTO, NULL);
    cr_assert_eq(p->type, PAGE_TYPE_TEXT);
    page_destroy(p);
    p = decode(html[0], strlen(html[0]), PAGE_TYPE_TEXT, NULL);
    cr_assert_eq(p->type, PAGE_TYPE_TEXT);
    page_destroy(p);
}

Test(page_type_parse, media_types)
{
    page_type t = PAGE_TYPE_AUTO;
    cr_assert_eq(page_type_parse("text/html; charset=utf-8", &t), NI_OK);
    cr_assert_eq(t, PAGE_TYPE_HTML);
    cr_assert_eq(page_type_parse("text/plain", &t), NI_OK);
    cr_assert_eq(t, PAGE_TYPE_TEXT);
    cr_assert_eq(page_type_parse("Application/XHTML+XML", &t), NI_OK);
    cr_assert_eq(t, PAGE_TYPE_HTML);
    cr_assert_eq(page_type_parse("auto", &t), NI_OK);
    cr_assert_eq(t, PAGE_TYPE_AUTO);
    cr_assert_eq(page_type_parse("image/png", &t), NI_ERR_INVALID);
    cr_assert_eq(page_type_parse("text/htmlx", &t), NI_ERR_INVALID);
    page_destroy(NULL);
}
