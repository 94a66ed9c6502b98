/* page.h: stage 1, message bytes -> page: content type, charset detection and UTF-8 decoding. */
#ifndef NI_PAGE_PAGE_H
#define NI_PAGE_PAGE_H

#include <stddef.h>

typedef enum page_type { PAGE_TYPE_AUTO = 0, PAGE_TYPE_TEXT, PAGE_TYPE_HTML } page_type;

/* What the caller knows about the bytes (all optional: zero/NULL = unknown). */
typedef struct page_hints {
    page_type type;      /* declared content type, PAGE_TYPE_AUTO to sniff */
    const char *charset; /* declared charset (header, --charset); wins over <meta> and detection
                            unless the bytes prove it wrong; a BOM wins over it */
    size_t max_bytes;    /* size limit; 0 = PAGE_DEFAULT_MAX_BYTES */
} page_hints;

#define PAGE_DEFAULT_MAX_BYTES (16u * 1024 * 1024)

typedef struct page {
    char *text;       /* UTF-8, NUL-terminated, valid UTF-8, no NUL or stray control bytes */
    size_t len;       /* bytes in text */
    page_type type;   /* resolved: TEXT or HTML */
    char charset[32]; /* charset the bytes were decoded from ("UTF-8", "windows-1256", ...) */
    unsigned quality; /* QUALITY_* flags from util/quality.h */
} page;

/* page_type_parse: "text/plain" / "text/html" / "application/xhtml+xml" (parameters ignored) /
 * "auto" -> type; returns NI_OK or NI_ERR_INVALID for anything else (NULL included). */
int page_type_parse(const char *content_type, page_type *out);

/* page_decode: sniffs the type when hints->type is AUTO, finds the charset (BOM, hint, HTML meta,
 * ICU detection; a declared charset the bytes prove wrong is replaced: QUALITY_CHARSET_MISMATCH),
 * converts to UTF-8 replacing invalid sequences, drops NUL/control bytes, CR/CRLF -> LF. On
 * success *out is a new page the caller frees with page_destroy. Errors: NI_ERR_TOO_LARGE (over
 * the limit), NI_ERR_BINARY (not text), NI_ERR_CHARSET, NI_ERR_NOMEM; *out is then NULL. */
int page_decode(const char *bytes, size_t len, const page_hints *hints, page **out, char *errstr,
                size_t errlen);

/* page_destroy: frees the page; NULL is a no-op. */
void page_destroy(page *p);

#endif
