/* page_internal.h: helpers shared by the page-decoding files (not part of the stage API). */
#ifndef NI_PAGE_INTERNAL_H
#define NI_PAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/utypes.h>

/* What one pass over bytes as UTF-8 found. */
typedef struct page_scan {
    int valid;      /* well-formed UTF-8 */
    int dirty;      /* NUL, CR, C0/C1 controls or DEL present: needs the cleaning path */
    size_t ctrl;    /* control bytes other than tab, LF, CR (NUL included) */
    size_t mb;      /* well-formed multi-byte sequences */
    size_t invalid; /* ill-formed sequences */
} page_scan;

/* Cleaned UTF-8 being written: CR/CRLF -> LF, NUL and controls dropped, counts for the binary
 * test. buf holds at least 4 free bytes per code point still to come (the caller sizes it). */
typedef struct page_sink {
    char *buf;
    size_t len;
    size_t cps;  /* code points seen (kept or dropped) */
    size_t bad;  /* U+FFFD written plus controls dropped */
    size_t ctrl; /* controls dropped (NUL included) */
    int prev_cr; /* last code point was CR (a following LF is swallowed) */
    unsigned quality;
} page_sink;

/* page_utf8_scan: validates s as UTF-8 and notes what the cleaning path would change. */
void page_utf8_scan(const char *s, size_t len, page_scan *sc);

/* page_sink_put: appends code point c (U+FFFD for undecodable input) to the sink. */
void page_sink_put(page_sink *k, int32_t c);

/* page_utf8_clean: s as UTF-8 into k (ill-formed sequences -> U+FFFD); returns how many were
 * ill-formed. k->buf must hold 3 * len + 1 bytes. */
size_t page_utf8_clean(const char *s, size_t len, page_sink *k);

/* page_charset_convert: bytes in charset `name` into k through ICU ucnv (k->buf sized by this
 * function: it allocates it). *invalid = undecodable sequences (each became U+FFFD). Returns
 * NI_OK, NI_ERR_CHARSET (unknown name or ICU failure), NI_ERR_NOMEM; errstr filled. */
int page_charset_convert(const char *name, const char *bytes, size_t len, page_sink *k,
                         size_t *invalid, char *errstr, size_t errlen);

/* page_charset_label: the ICU converter name for a declared label (WHATWG aliases such as
 * "iso-8859-1" -> "windows-1252"), or NULL when ICU does not know the label. */
const char *page_charset_label(const char *label, char *buf, size_t cap);

/* page_charset_is_utf8: the label names UTF-8. */
int page_charset_is_utf8(const char *name);

/* page_charset_ascii_compatible: ASCII bytes decode to the same ASCII text in charset name. */
int page_charset_ascii_compatible(const char *name);

/* page_charset_std_name: IANA/MIME name of an ICU converter name into out[cap]. */
void page_charset_std_name(const char *name, char *out, size_t cap);

/* page_charset_detect: up to max candidate charset names (static strings) by ICU ucsdet,
 * best first, skipping UTF-8 when skip_utf8 and EBCDIC always; returns how many. */
int page_charset_detect(const char *bytes, size_t len, int html, int skip_utf8, const char **names,
                        int max);

/* page_charset_bom: the charset a byte-order mark names, its length in *bomlen; NULL if none. */
const char *page_charset_bom(const char *bytes, size_t len, size_t *bomlen);

/* page_charset_meta: charset label from <meta charset>, http-equiv content-type or an XML
 * declaration in the first 4 KB into out[cap]; 0 when none, 1 when found. */
int page_charset_meta(const char *bytes, size_t len, char *out, size_t cap);

#endif
