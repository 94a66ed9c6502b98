/* test_html_depth.c: the depth guard in front of the HTML parser: deep nesting is flattened
 * (quality.markup_deep), tags inside comments and raw text do not count, ordinary pages pass
 * unchanged; a page with 200,000 nested elements becomes a record. */
#include "extract/html_depth.h"
#include "pipeline/pipeline.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* flat: the guard's copy with a limit, or NULL when it leaves the page alone (static copy). */
static const char *flat(const char *html, int limit)
{
    static char buf[4096];
    char *out = NULL;
    size_t len = 0;
    cr_assert_eq(extract_html_depth_flatten(html, strlen(html), limit, &out, &len), NI_OK);
    if (!out) return NULL;
    cr_assert_lt(len, sizeof buf);
    memcpy(buf, out, len);
    buf[len] = '\0';
    free(out);
    return buf;
}

Test(html_depth, nesting_beyond_the_limit_is_flattened_text_kept)
{
    const char *deep = "<div><div><div><div><p>x</p></div></div></div></div><p>after</p>";
    cr_assert_str_eq(flat(deep, 3), "<div><div><div>x</div></div></div><p>after</p>");
    cr_assert_null(flat(deep, 5), "within the limit the page is used as it is");
}

Test(html_depth, self_closing_beyond_the_limit_is_left_out)
{
    cr_assert_str_eq(flat("<b><i><u><div/><div/><div/>t", 3), "<b><i><u>t");
}

Test(html_depth, comments_raw_text_and_attributes_hold_no_tags)
{
    cr_assert_null(flat("<!-- <div><div><div><div> --><script>if (a<b) x = '<div><div><div>'"
                        "</script><style>p>q{}</style><a title=\"<div><div><div><div>\">t</a>",
                        3));
    cr_assert_null(flat("<textarea><div><div><div><div></textarea><p>ok", 3));
}

Test(html_depth, siblings_that_close_each_other_do_not_nest)
{
    static char buf[8192];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "<ul>");
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(buf + n, sizeof buf - n, "<li>%d", i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "</ul><table><tr><td>a<td>b<tr><td>c");
    for (int i = 0; i < 100; i++) n += (size_t)snprintf(buf + n, sizeof buf - n, "<p>p%d", i);
    cr_assert_null(flat(buf, 8), "unclosed li, td, tr and p counted as nesting");
    cr_assert_null(flat("<div></div><div></div><div></div><div></div><br><img src=x>", 2));
}

/* deep_page: an HTML article with `depth` nested divs (holding a sentence) between its
 * paragraphs; caller frees. */
static char *deep_page(int depth, size_t *len)
{
    sbuf b = SBUF_INIT;
    int ok = !sbuf_append_str(&b, "<!DOCTYPE html><html><head><title>Water project starts in "
                                  "the harbour district</title></head><body><article>"
                                  "<h1>Water project starts in the harbour district</h1>"
                                  "<p>The city council approved a new water network for the "
                                  "harbour district on Monday, and work starts next month.</p>");
    for (int i = 0; ok && i < depth; i++) ok = !sbuf_append(&b, "<div>", 5);
    ok = ok && !sbuf_append_str(&b, "deep sentence");
    for (int i = 0; ok && i < depth; i++) ok = !sbuf_append(&b, "</div>", 6);
    ok = ok && !sbuf_append_str(&b, "<p>The mayor said the network will serve twelve thousand "
                                    "homes when it is finished in two years.</p></article>"
                                    "</body></html>");
    cr_assert(ok, "out of memory");
    *len = b.len;
    return sbuf_steal(&b);
}

/* markup_deep: the record of page through the pipeline; its quality.markup_deep. */
static int markup_deep(const char *html, size_t len)
{
    char err[256];
    pipeline *pl = pipeline_create(err, sizeof err);
    cr_assert_not_null(pl, "%s", err);
    pipeline_input in = {.bytes = html,
                         .len = len,
                         .hints = {PAGE_TYPE_HTML, NULL, 0},
                         .url = "https://news.example/deep",
                         .fetched_at = "2026-12-07T00:00:00Z"};
    pipeline_output out = {0};
    pipeline_error perr;
    int rc = pipeline_process(pl, &in, &out, &perr);
    cr_assert_eq(rc, NI_OK, "%s: %s", perr.stage, perr.message);
    cJSON *rec = cJSON_ParseWithLength(out.json, out.len);
    cr_assert_not_null(rec);
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "body"));
    cr_assert(body && strstr(body, "twelve thousand homes"), "article text lost: %s", out.json);
    int deep =
        cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "quality"), "markup_deep"));
    cJSON_Delete(rec);
    pipeline_output_free(&out);
    pipeline_destroy(pl);
    return deep;
}

Test(html_depth, two_hundred_thousand_nested_elements_become_a_record, .timeout = 120)
{
    size_t len;
    char *html = deep_page(200000, &len);
    cr_assert(markup_deep(html, len), "200,000 nested divs without quality.markup_deep");
    free(html);
    html = deep_page(20, &len);
    cr_assert_not(markup_deep(html, len), "20 nested divs flagged markup_deep");
    free(html);
}
