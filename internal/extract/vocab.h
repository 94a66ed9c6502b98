/* vocab.h: the one table of page-chrome words (widgets, related blocks, labels), Arabic and
 * English. */
#ifndef NI_EXTRACT_VOCAB_H
#define NI_EXTRACT_VOCAB_H

#include <stddef.h>

typedef enum vocab_kind {
    VOCAB_NONE = 0,
    VOCAB_WIDGET, /* share/print/font-size buttons: "حجم الخط:", "طباعة", "شارك", "Share" */
    VOCAB_RELATED, /* heads a read-also/related block: "اقرأ/ي أيضًا", "مقالات ذات صلة", "Read more"
                    */
    VOCAB_KEYWORDS, /* heads a keyword/tag list: "كلمات مفتاحية", "Tags" */
    VOCAB_VIEWS,    /* view-counter label: "مشاهدة", "views" */
    VOCAB_MORE,     /* navigation "more" links: "المزيد", "More" */
    VOCAB_AUTHOR,   /* byline prefixes: "بقلم", "كتب", "By" */
    VOCAB_CAPTION,  /* caption markers: "أرشيفية", "(Photo:" */
    VOCAB_SITE, /* site-name prefixes and footers: "©", "جميع الحقوق محفوظة", "All rights reserved"
                 */
} vocab_kind;

/* vocab_classify: the kind of a whole short line/label (after trimming spaces and trailing
 * colons), VOCAB_NONE when it is not a chrome label. */
vocab_kind vocab_classify(const char *s, size_t len);

/* vocab_prefix: when s starts with a vocabulary word of kind `kind` followed by a space or colon,
 * returns the byte length of that prefix (with the separator), else 0. */
size_t vocab_prefix(const char *s, size_t len, vocab_kind kind);

#define VOCAB_KINDS (VOCAB_SITE + 1)

/* vocab_prefix_all: vocab_prefix for every kind in one pass: out[kind] (out[VOCAB_NONE] = 0). */
void vocab_prefix_all(const char *s, size_t len, size_t out[VOCAB_KINDS]);

/* vocab_suffix: when s ends with a vocabulary word of kind `kind` (after trailing spaces, colons
 * and closing parentheses) that follows a space, dash or opening parenthesis, returns the byte
 * offset where that word and its separator start ("داعش- أرشيفية" -> 8), else 0. */
size_t vocab_suffix(const char *s, size_t len, vocab_kind kind);

/* vocab_fold: the light matching form of s into out (cap bytes, always NUL-terminated when cap >
 * 0): lower case, Arabic diacritics/tatweel/format characters removed, أ إ آ ٱ -> ا, ى -> ي,
 * ة -> ه, ؤ -> و, ئ -> ي, every decimal digit (Arabic-Indic, Persian) -> ASCII, Unicode spaces ->
 * one ' ', a slash variant "/ي" after a word removed ("اقرأ/ي" -> "اقرا"). Returns the folded
 * length (what was written when it is < cap; cap >= 2 * len + 1 always suffices). Invalid
 * UTF-8 sequences are skipped. */
size_t vocab_fold(const char *s, size_t len, char *out, size_t cap);

#endif
