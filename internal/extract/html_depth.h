/* html_depth.h: the depth guard in front of the HTML parser (private to the HTML extractor). */
#ifndef NI_EXTRACT_HTML_DEPTH_H
#define NI_EXTRACT_HTML_DEPTH_H

#include <myhtml/api.h>
#include <stddef.h>

/* Deepest element nesting handed to the parser; tags that would open deeper are removed (their
 * text stays). myhtml's scope checks cost time proportional to the open-element stack per tag,
 * so unbounded nesting costs quadratic time. */
#define HTML_GUARD_DEPTH 256

/*
 * extract_html_depth_flatten: scans html[0..len) like a tokenizer (comments, raw-text elements
 * such as script and style, quoted attribute values, void and self-closing tags, siblings that
 * close each other such as p and li) and tracks the open elements. When the nesting would pass
 * `limit`, the start tags that go deeper and the end tags that close them are left out of a
 * copy: NI_OK with *out a malloc'd copy (caller frees) of *out_len bytes. When the page stays
 * within the limit: NI_OK with *out NULL (use the original). NI_ERR_NOMEM when the copy cannot
 * be made.
 */
int extract_html_depth_flatten(const char *html, size_t len, int limit, char **out,
                               size_t *out_len);

/* extract_html_parse_guarded: myhtml_parse of html[0..len) as UTF-8 after the depth guard;
 * sets QUALITY_MARKUP_DEEP in *quality when tags were left out. The parser's status, or
 * MyHTML_STATUS_ERROR_MEMORY_ALLOCATION when the guard's copy cannot be made. */
mystatus_t extract_html_parse_guarded(myhtml_tree_t *tree, const char *html, size_t len,
                                      unsigned *quality);

#endif
