/* quality.h: quality flags a record carries (set by page decoding, extraction and the engine). */
#ifndef NI_UTIL_QUALITY_H
#define NI_UTIL_QUALITY_H

enum {
    QUALITY_INVALID_BYTES = 1u << 0,     /* undecodable bytes replaced with U+FFFD */
    QUALITY_CHARSET_CONVERTED = 1u << 1, /* input was not UTF-8 and was converted */
    QUALITY_CHARSET_GUESSED = 1u << 2,   /* nothing declared the charset; ICU detection chose it */
    QUALITY_CHARSET_MISMATCH = 1u << 3,  /* declared charset was wrong; another one was used */
    QUALITY_NUL_REMOVED = 1u << 4,       /* NUL bytes removed */
    QUALITY_CONTROL_REMOVED = 1u << 5,   /* other C0/C1 control characters removed */
    QUALITY_BODY_EMPTY = 1u << 6,        /* no article text was found */
    QUALITY_TITLE_MISSING = 1u << 7,     /* no title was found */
    QUALITY_DATE_FROM_FETCH = 1u << 8,   /* published date taken from the fetch time */
    QUALITY_MARKUP_DEEP = 1u << 9,       /* HTML nesting beyond the walk limit was skipped */
    QUALITY_BODY_TRUNCATED = 1u << 10,   /* body cut at the configured maximum length */
};

#define QUALITY_COUNT 11

/* quality_name: the record key for flag bit i (0 <= i < QUALITY_COUNT), e.g. "invalid_bytes". */
const char *quality_name(int bit);

#endif
