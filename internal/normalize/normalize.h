/* normalize.h: stage 3, article -> normalized article; the text/URL normal forms records use. */
#ifndef NI_NORMALIZE_NORMALIZE_H
#define NI_NORMALIZE_NORMALIZE_H

#include "extract/article.h"

#include <stddef.h>

/* All functions returning char ** outputs give a fresh NUL-terminated string the caller frees with
 * free(). Errors: NI_ERR_NOMEM, NI_ERR_CHARSET (ICU failure), errstr filled, *out NULL. Inputs
 * must be valid UTF-8 (the page stage guarantees it). */

/* normalize_text: NFC, NBSP and other Unicode spaces to ' ', runs of whitespace collapsed to one
 * space, leading/trailing whitespace and zero-width/bidi controls (except ZWJ/ZWNJ) removed. */
int normalize_text(const char *in, size_t len, char **out, char *errstr, size_t errlen);

/* normalize_article: normalize_text on every text field in place; empty blocks, captions,
 * related entries and keywords are dropped; an empty title/author becomes NULL. */
int normalize_article(article *a, char *errstr, size_t errlen);

/* normalize_search_text: the indexing form: NFKC, case-folded, Arabic diacritics and tatweel
 * removed, أ إ آ ٱ -> ا, ى -> ي, ة -> ه, Arabic-Indic and Persian digits -> ASCII, whitespace
 * collapsed. */
int normalize_search_text(const char *in, size_t len, char **out, char *errstr, size_t errlen);

/* normalize_search_text_guess: normalize_search_text, with *outlen its length (when outlen is not
 * NULL) and *language = normalize_language_guess(in, min(len, sample)) found in the same pass
 * (when language is not NULL; set even on error). */
int normalize_search_text_guess(const char *in, size_t len, char **out, size_t *outlen,
                                size_t sample, const char **language, char *errstr, size_t errlen);

/* normalize_url_canonical: absolute http(s) URL with lower-cased scheme and host, no default port,
 * no fragment, no utm_* / fbclid / gclid query parameters (others kept in order), "/" path when
 * empty. NI_ERR_INVALID when url is not an absolute http(s) URL. */
int normalize_url_canonical(const char *url, char **out, char *errstr, size_t errlen);

/* normalize_url_host: lower-cased host of an absolute URL without "www."; NI_ERR_INVALID when
 * there is none. */
int normalize_url_host(const char *url, char **out, char *errstr, size_t errlen);

/* normalize_language_guess: BCP 47 tag guessed from the dominant script (and, for Latin text, a
 * short stopword vote) of text; never NULL ("und" when there are no letters). Static string. */
const char *normalize_language_guess(const char *text, size_t len);

/* normalize_direction: "rtl" for right-to-left languages (ar, fa, he, ur, ...), else "ltr". */
const char *normalize_direction(const char *language);

#endif
