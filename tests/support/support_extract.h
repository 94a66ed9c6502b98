/* support_extract.h: the HTML and text-page extractors run on a page string, and an article's body
 * as text. */
#ifndef NI_TEST_SUPPORT_EXTRACT_H
#define NI_TEST_SUPPORT_EXTRACT_H

#include "extract/extract.h"

/* support_extract_html: extract_html on html with ctx; asserts success; the caller frees the
 * article with article_destroy. */
article *support_extract_html(extract_ctx *ctx, const char *html);

/* support_extract_text: extract_text on the text page s; asserts success; the caller frees the
 * article with article_destroy. */
article *support_extract_text(const char *s);

/* support_article_has: some block of a's body contains needle. */
int support_article_has(const article *a, const char *needle);

/* support_article_body: the paragraphs and headings joined with "\n\n" (static buffer). */
const char *support_article_body(const article *a);

#endif
