/* vocab.h: the one table of page-chrome words (widgets, related blocks, labels), Arabic and
 * English. */
#ifndef NI_EXTRACT_VOCAB_H
#define NI_EXTRACT_VOCAB_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/umachine.h>
#include <unicode/utf8.h>

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

/* vocab_classify_folded: vocab_classify(s, len) from fold[0..fold_len) = vocab_fold(s, len), for
 * callers that already hold the folded form. */
vocab_kind vocab_classify_folded(size_t len, const char *fold, size_t fold_len);

/* vocab_prefix: when s starts with a vocabulary word of kind `kind` followed by a space or colon,
 * returns the byte length of that prefix (with the separator), else 0. */
size_t vocab_prefix(const char *s, size_t len, vocab_kind kind);

#define VOCAB_KINDS (VOCAB_SITE + 1)

/* vocab_prefix_all: vocab_prefix for every kind in one pass: out[kind] (out[VOCAB_NONE] = 0). */
void vocab_prefix_all(const char *s, size_t len, size_t out[VOCAB_KINDS]);

/* vocab_prefix_all_folded / vocab_suffix_folded: the same results from callers that hold
 * fold[0..fold_len) = vocab_fold(s, len): a line whose first/last folded token starts/ends no
 * entry is rejected without folding again. */
void vocab_prefix_all_folded(const char *s, size_t len, const char *fold, size_t fold_len,
                             size_t out[VOCAB_KINDS]);
size_t vocab_suffix_folded(const char *s, size_t len, const char *fold, size_t fold_len,
                           vocab_kind kind);

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

/* vocab_fold_words: vocab_fold, and *words = the tokens of s between VOCAB_CH_SPACE characters
 * that hold a letter or digit (VOCAB_CH_ALNUM), counted in the same pass. */
size_t vocab_fold_words(const char *s, size_t len, char *out, size_t cap, int *words);

/* Character classes of the light matching, cached for U+0000..U+07FF (the 1- and 2-byte UTF-8
 * range: ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic) so the hot loops skip ICU. */
#define VOCAB_CHARS_N 0x800
enum {
    VOCAB_CH_SPACE = 1, /* white space or invisible format character (trimmed, splits words) */
    VOCAB_CH_ALNUM = 2, /* letter or digit */
    VOCAB_CH_WORD = 4,  /* letter, digit, mark or '©' (what vocabulary matching keeps) */
    VOCAB_CH_ALPHA = 8, /* alphabetic */
    VOCAB_CH_FOLD_LETTER = 16, /* its vocab_fold form is a letter */
    VOCAB_CH_FOLD_SLOW = 32,   /* its fold leaves the table range: use the slow path */
    VOCAB_CH_SPECIAL = 64,     /* FOLD_SLOW, or '/' (the "/ي" rule): vocab_fold's careful path */
};

typedef struct vocab_chars {
    uint8_t cls[VOCAB_CHARS_N];  /* VOCAB_CH_* bits */
    int16_t fold[VOCAB_CHARS_N]; /* vocab_fold form of the code point, -1 when dropped */
} vocab_chars;

/* vocab_chars_get: the table (built from ICU on first use, thread-safe); never NULL. */
const vocab_chars *vocab_chars_get(void);

/* vocab_char_is_space_slow / vocab_char_is_alnum_slow: VOCAB_CH_SPACE / VOCAB_CH_ALNUM for any
 * code point (ICU), for code points outside the table. */
int vocab_char_is_space_slow(UChar32 c);
int vocab_char_is_alnum_slow(UChar32 c);

/* vocab_next_cp_slow: U8_NEXT on s[*i] (3- and 4-byte and ill-formed sequences). */
UChar32 vocab_next_cp_slow(const char *s, int32_t *i, int32_t n);

/* vocab_next_cp: the code point at s[*i] (ASCII and 2-byte fast paths), *i advanced past it;
 * negative for an ill-formed sequence (as ICU's U8_NEXT). */
static inline UChar32 vocab_next_cp(const char *s, int32_t *i, int32_t n)
{
    unsigned char b = (unsigned char)s[*i];
    if (b < 0x80) {
        (*i)++;
        return b;
    }
    if (b >= 0xC2 && b < 0xE0 && *i + 1 < n && ((unsigned char)s[*i + 1] & 0xC0) == 0x80) {
        UChar32 c = ((b & 0x1F) << 6) | ((unsigned char)s[*i + 1] & 0x3F);
        *i += 2;
        return c;
    }
    return vocab_next_cp_slow(s, i, n);
}

#endif
