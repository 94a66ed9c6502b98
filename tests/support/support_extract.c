/* support_extract.c: the HTML and text-page extractors run on a page string, and an article's body
 * as text. */
#include "support_extract.h"

#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

article *support_extract_html(extract_ctx *ctx, const char *html)
{
    page pg = {0};
    pg.text = (char *)html;
    pg.len = strlen(html);
    pg.type = PAGE_TYPE_HTML;
    article *a = NULL;
    char err[256] = "";
    int rc = extract_html(ctx, &pg, &a, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "extract_html: %d %s", rc, err);
    cr_assert_not_null(a);
    return a;
}

article *support_extract_text(const char *s)
{
    page pg = {.text = (char *)s, .len = strlen(s), .type = PAGE_TYPE_TEXT};
    article *a = NULL;
    char err[128];
    cr_assert_eq(extract_text(&pg, &a, err, sizeof err), NI_OK, "%s", err);
    cr_assert_not_null(a);
    return a;
}

int support_article_has(const article *a, const char *needle)
{
    for (size_t i = 0; i < a->nblocks; i++)
        if (strstr(a->blocks[i].text, needle)) return 1;
    return 0;
}

const char *support_article_body(const article *a)
{
    static char buf[65536];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->nblocks; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "\n\n" : "", a->blocks[i].text);
    return buf;
}
