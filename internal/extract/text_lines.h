/* text_lines.h: a text page as classified lines (the input model of the text extractor). */
#ifndef NI_EXTRACT_TEXT_LINES_H
#define NI_EXTRACT_TEXT_LINES_H

#include "extract/article.h"
#include "extract/vocab.h"

#include <stddef.h>

/* What a line is on its own, before the page-level reading. */
typedef enum text_line_kind {
    TEXT_LINE_BLANK = 0,
    TEXT_LINE_TEXT,          /* prose, a title or a link title */
    TEXT_LINE_DATE,          /* a dateline or bare time (dt) */
    TEXT_LINE_URL,           /* a bare http(s) URL */
    TEXT_LINE_NUMBER,        /* a bare number (number) */
    TEXT_LINE_VIEWS,         /* a number with a views label on the same line (number) */
    TEXT_LINE_LABEL,         /* a chrome word (label); for related/keyword heads, rest > 0 when
                                the line goes on after the label */
    TEXT_LINE_CAPTION,       /* an image caption or credit */
    TEXT_LINE_BYLINE,        /* "بقلم ..." / "By ..." (name starts at rest) */
    TEXT_LINE_WIDGET_BYLINE, /* a widget word followed by more text ("طباعة <title> <name>") */
} text_line_kind;

typedef struct text_line {
    const char *s; /* trimmed text (not NUL-terminated), points into the page */
    size_t len;
    text_line_kind kind;
    vocab_kind label;    /* TEXT_LINE_LABEL */
    size_t rest;         /* byte offset of the text after a prefix label, 0 when none */
    int words;           /* whitespace-separated tokens holding a letter or digit */
    int end_punct;       /* ends with sentence punctuation (. ! ? ؟ … :) before closing quotes */
    int block;           /* index of the blank-line-separated block */
    article_datetime dt; /* TEXT_LINE_DATE */
    long long number;    /* TEXT_LINE_NUMBER, TEXT_LINE_VIEWS */
    char *own;           /* s when the line was joined from hard-wrapped lines (owned; holds the
                            fold too) */
    char *fold;          /* vocab_fold form of TEXT lines (NUL-terminated, in folds or own), NULL
                            for the others */
    size_t fold_len;
} text_line;

typedef struct text_lines {
    text_line *v;
    size_t n;
    char *folds; /* the lines' folded forms, one buffer for the page */
} text_lines;

/* text_lines_split: splits text into trimmed, classified lines (blank lines included); a block of
 * hard-wrapped prose lines (each long, the last ending a sentence) becomes one line. Returns
 * NI_OK or NI_ERR_NOMEM (out emptied); free with text_lines_free. */
int text_lines_split(const char *text, size_t len, text_lines *out);

/* text_lines_free: frees what text_lines_split allocated; an empty/zeroed set is a no-op. */
void text_lines_free(text_lines *t);

/* text_number_parse: a whole string that is a number ("734", "1,234", "١٢٣"); NI_OK and *v, or
 * NI_ERR_PARSE. */
int text_number_parse(const char *s, size_t len, long long *v);

#endif
