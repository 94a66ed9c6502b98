/* extract.h: stage 2, page -> article: text-page and HTML-page extractors behind one call. */
#ifndef NI_EXTRACT_EXTRACT_H
#define NI_EXTRACT_EXTRACT_H

#include "extract/article.h"
#include "page/page.h"

#include <stddef.h>

/* Reusable per-thread extraction state (the HTML parser instance). */
typedef struct extract_ctx extract_ctx;

/* extract_ctx_create: NULL when out of memory or the parser cannot start (errstr filled). */
extract_ctx *extract_ctx_create(char *errstr, size_t errlen);
/* extract_ctx_destroy: NULL is a no-op. */
void extract_ctx_destroy(extract_ctx *ctx);

/* extract_article: runs the extractor for pg->type. On success *out is a new article the caller
 * frees with article_destroy; a page without article text still succeeds with no blocks (the
 * engine flags it). Errors: NI_ERR_PARSE, NI_ERR_NOMEM (errstr filled, *out NULL). */
int extract_article(extract_ctx *ctx, const page *pg, article **out, char *errstr, size_t errlen);

/* The two extractors, called by extract_article; same contract. */
int extract_text(const page *pg, article **out, char *errstr, size_t errlen);
int extract_html(extract_ctx *ctx, const page *pg, article **out, char *errstr, size_t errlen);

#endif
