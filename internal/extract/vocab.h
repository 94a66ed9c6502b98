/* vocab.h: the one table of page-chrome words (widgets, related blocks, labels), Arabic and English. */
#ifndef NI_EXTRACT_VOCAB_H
#define NI_EXTRACT_VOCAB_H

#include <stddef.h>

typedef enum vocab_kind {
    VOCAB_NONE = 0,
    VOCAB_WIDGET,    /* share/print/font-size buttons: "حجم الخط:", "طباعة", "شارك", "Share" */
    VOCAB_RELATED,   /* heads a read-also/related block: "اقرأ/ي أيضًا", "مقالات ذات صلة", "Read more" */
    VOCAB_KEYWORDS,  /* heads a keyword/tag list: "كلمات مفتاحية", "Tags" */
    VOCAB_VIEWS,     /* view-counter label: "مشاهدة", "views" */
    VOCAB_MORE,      /* navigation "more" links: "المزيد", "More" */
    VOCAB_AUTHOR,    /* byline prefixes: "بقلم", "كتب", "By" */
    VOCAB_CAPTION,   /* caption markers: "أرشيفية", "(Photo:" */
} vocab_kind;

/* vocab_classify: the kind of a whole short line/label (after trimming spaces and trailing
 * colons), VOCAB_NONE when it is not a chrome label. */
vocab_kind vocab_classify(const char *s, size_t len);

/* vocab_prefix: when s starts with a vocabulary word of kind `kind` followed by a space or colon,
 * returns the byte length of that prefix (with the separator), else 0. */
size_t vocab_prefix(const char *s, size_t len, vocab_kind kind);

#endif
