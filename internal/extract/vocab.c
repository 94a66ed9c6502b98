/* vocab.c: the one table of page-chrome words (Arabic and English) and their light matching. */
#include "extract/vocab.h"

#include "text/fold.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

typedef struct vocab_entry {
    vocab_kind kind;
    const char *text;
} vocab_entry;

/* The chrome vocabulary. Spelling variants of alef/hamza, ى/ي, ة/ه, diacritics and "/ي" need no
 * extra rows: entries and input are both compared in the vocab_fold form. */
static const vocab_entry vocab_table[] = {
    /* widgets: sharing, printing, font size, comments */
    {VOCAB_WIDGET, "حجم الخط"},
    {VOCAB_WIDGET, "تكبير الخط"},
    {VOCAB_WIDGET, "تصغير الخط"},
    {VOCAB_WIDGET, "طباعة"},
    {VOCAB_WIDGET, "اطبع"},
    {VOCAB_WIDGET, "شارك"},
    {VOCAB_WIDGET, "شارك الخبر"},
    {VOCAB_WIDGET, "شارك المقال"},
    {VOCAB_WIDGET, "شارك على"},
    {VOCAB_WIDGET, "مشاركة"},
    {VOCAB_WIDGET, "انشر"},
    {VOCAB_WIDGET, "أرسل لصديق"},
    {VOCAB_WIDGET, "إرسال"},
    {VOCAB_WIDGET, "نسخ الرابط"},
    {VOCAB_WIDGET, "الرابط المختصر"},
    {VOCAB_WIDGET, "رابط مختصر"},
    {VOCAB_WIDGET, "تعليق"},
    {VOCAB_WIDGET, "التعليقات"},
    {VOCAB_WIDGET, "أضف تعليق"},
    {VOCAB_WIDGET, "استمع"},
    {VOCAB_WIDGET, "إعلان"},
    {VOCAB_WIDGET, "فيسبوك"},
    {VOCAB_WIDGET, "تويتر"},
    {VOCAB_WIDGET, "واتساب"},
    {VOCAB_WIDGET, "تلغرام"},
    {VOCAB_WIDGET, "تيليجرام"},
    {VOCAB_WIDGET, "share"},
    {VOCAB_WIDGET, "share this"},
    {VOCAB_WIDGET, "share this article"},
    {VOCAB_WIDGET, "share on"},
    {VOCAB_WIDGET, "print"},
    {VOCAB_WIDGET, "email"},
    {VOCAB_WIDGET, "e-mail"},
    {VOCAB_WIDGET, "tweet"},
    {VOCAB_WIDGET, "facebook"},
    {VOCAB_WIDGET, "twitter"},
    {VOCAB_WIDGET, "whatsapp"},
    {VOCAB_WIDGET, "linkedin"},
    {VOCAB_WIDGET, "telegram"},
    {VOCAB_WIDGET, "reddit"},
    {VOCAB_WIDGET, "pinterest"},
    {VOCAB_WIDGET, "copy link"},
    {VOCAB_WIDGET, "comments"},
    {VOCAB_WIDGET, "comment"},
    {VOCAB_WIDGET, "font size"},
    {VOCAB_WIDGET, "text size"},
    {VOCAB_WIDGET, "save"},
    {VOCAB_WIDGET, "follow"},
    {VOCAB_WIDGET, "follow us"},
    {VOCAB_WIDGET, "subscribe"},
    {VOCAB_WIDGET, "advertisement"},
    {VOCAB_WIDGET, "listen"},
    {VOCAB_WIDGET, "listen to this article"},
    /* heads of read-also / related blocks */
    {VOCAB_RELATED, "اقرأ/ي أيضًا"},
    {VOCAB_RELATED, "اقرأ كذلك"},
    {VOCAB_RELATED, "اقرأ المزيد"},
    {VOCAB_RELATED, "اقرأ/ي"},
    {VOCAB_RELATED, "مقالات ذات صلة"},
    {VOCAB_RELATED, "أخبار ذات صلة"},
    {VOCAB_RELATED, "مواضيع ذات صلة"},
    {VOCAB_RELATED, "موضوعات ذات صلة"},
    {VOCAB_RELATED, "ذات صلة"},
    {VOCAB_RELATED, "أخبار متعلقة"},
    {VOCAB_RELATED, "مقالات مقترحة"},
    {VOCAB_RELATED, "قد يهمك"},
    {VOCAB_RELATED, "قد يهمك أيضًا"},
    {VOCAB_RELATED, "شاهد أيضًا"},
    {VOCAB_RELATED, "طالع أيضًا"},
    {VOCAB_RELATED, "الأكثر قراءة"},
    {VOCAB_RELATED, "الأكثر مشاهدة"},
    {VOCAB_RELATED, "read more"},
    {VOCAB_RELATED, "read also"},
    {VOCAB_RELATED, "also read"},
    {VOCAB_RELATED, "read next"},
    {VOCAB_RELATED, "related"},
    {VOCAB_RELATED, "related articles"},
    {VOCAB_RELATED, "related stories"},
    {VOCAB_RELATED, "related news"},
    {VOCAB_RELATED, "related content"},
    {VOCAB_RELATED, "related coverage"},
    {VOCAB_RELATED, "more stories"},
    {VOCAB_RELATED, "more on this story"},
    {VOCAB_RELATED, "you may also like"},
    {VOCAB_RELATED, "you might also like"},
    {VOCAB_RELATED, "recommended"},
    {VOCAB_RELATED, "see also"},
    {VOCAB_RELATED, "most read"},
    {VOCAB_RELATED, "most popular"},
    {VOCAB_RELATED, "trending"},
    /* heads of keyword / tag lists */
    {VOCAB_KEYWORDS, "كلمات مفتاحية"},
    {VOCAB_KEYWORDS, "الكلمات المفتاحية"},
    {VOCAB_KEYWORDS, "كلمات دلالية"},
    {VOCAB_KEYWORDS, "الكلمات الدلالية"},
    {VOCAB_KEYWORDS, "الوسوم"},
    {VOCAB_KEYWORDS, "وسوم"},
    {VOCAB_KEYWORDS, "tags"},
    {VOCAB_KEYWORDS, "tagged"},
    {VOCAB_KEYWORDS, "keywords"},
    {VOCAB_KEYWORDS, "topics"},
    /* view-counter labels */
    {VOCAB_VIEWS, "مشاهدة"},
    {VOCAB_VIEWS, "مشاهدات"},
    {VOCAB_VIEWS, "المشاهدات"},
    {VOCAB_VIEWS, "عدد المشاهدات"},
    {VOCAB_VIEWS, "قراءة"},
    {VOCAB_VIEWS, "زيارة"},
    {VOCAB_VIEWS, "views"},
    {VOCAB_VIEWS, "view"},
    {VOCAB_VIEWS, "reads"},
    /* navigation */
    {VOCAB_MORE, "المزيد"},
    {VOCAB_MORE, "عرض المزيد"},
    {VOCAB_MORE, "الرئيسية"},
    {VOCAB_MORE, "القائمة"},
    {VOCAB_MORE, "بحث"},
    {VOCAB_MORE, "more"},
    {VOCAB_MORE, "show more"},
    {VOCAB_MORE, "load more"},
    {VOCAB_MORE, "home"},
    {VOCAB_MORE, "menu"},
    {VOCAB_MORE, "search"},
    {VOCAB_MORE, "skip to content"},
    /* byline prefixes */
    {VOCAB_AUTHOR, "بقلم"},
    {VOCAB_AUTHOR, "كتب"},
    {VOCAB_AUTHOR, "كتبت"},
    {VOCAB_AUTHOR, "كتبه"},
    {VOCAB_AUTHOR, "إعداد"},
    {VOCAB_AUTHOR, "الكاتب"},
    {VOCAB_AUTHOR, "by"},
    {VOCAB_AUTHOR, "written by"},
    {VOCAB_AUTHOR, "author"},
    {VOCAB_AUTHOR, "words by"},
    {VOCAB_AUTHOR, "posted by"},
    {VOCAB_AUTHOR, "reporting by"},
    {VOCAB_AUTHOR, "von"},
    {VOCAB_AUTHOR, "geschrieben von"},
    {VOCAB_AUTHOR, "ein beitrag von"},
    {VOCAB_AUTHOR, "autor"},
    {VOCAB_AUTHOR, "autorin"},
    {VOCAB_AUTHOR, "autoren"},
    {VOCAB_AUTHOR, "par"},
    {VOCAB_AUTHOR, "por"},
    {VOCAB_AUTHOR, "di"},
    {VOCAB_AUTHOR, "door"},
    {VOCAB_AUTHOR, "av"},
    {VOCAB_AUTHOR, "af"},
    {VOCAB_AUTHOR, "tekst"},
    {VOCAB_AUTHOR, "texto"},
    {VOCAB_AUTHOR, "حوار"},
    {VOCAB_AUTHOR, "تقرير"},
    {VOCAB_AUTHOR, "تحرير"},
    /* image captions and credits */
    {VOCAB_CAPTION, "أرشيفية"},
    {VOCAB_CAPTION, "صورة أرشيفية"},
    {VOCAB_CAPTION, "أرشيف"},
    {VOCAB_CAPTION, "صورة"},
    {VOCAB_CAPTION, "الصورة"},
    {VOCAB_CAPTION, "photo"},
    {VOCAB_CAPTION, "file photo"},
    {VOCAB_CAPTION, "image"},
    {VOCAB_CAPTION, "picture"},
    {VOCAB_CAPTION, "credit"},
    {VOCAB_CAPTION, "photograph"},
    /* site footers */
    {VOCAB_SITE, "©"},
    {VOCAB_SITE, "جميع الحقوق محفوظة"},
    {VOCAB_SITE, "all rights reserved"},
    {VOCAB_SITE, "copyright"},
};

#define VOCAB_N (sizeof vocab_table / sizeof vocab_table[0])
#define VOCAB_MAXLEN 64             /* folded entry bytes */
#define FOLD_TMP (4 * VOCAB_MAXLEN) /* fold_trim's buffer: longer inputs never match */

static char vocab_folded[VOCAB_N][VOCAB_MAXLEN];
static size_t vocab_folded_len[VOCAB_N];
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

/* is_word_char: letters, digits, marks (and '©', which is the only symbol entry). */
static int is_word_char(UChar32 c)
{
    if (c < 0x80) return isalnum(c);
    if (c >= 0x0621 && c <= 0x064A) return 1;
    return c == 0xA9 || u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK);
}

/* trim: the [*b, *e) range of s without leading/trailing non-word characters. */
static void trim(const char *s, size_t len, size_t *b, size_t *e)
{
    const vocab_chars *t = vocab_chars_get();
    int32_t i = 0, n = (int32_t)len, start = n, end = 0;
    while (i < n) {
        int32_t at = i;
        UChar32 c = vocab_next_cp(s, &i, n);
        if (c >= 0 && (c < VOCAB_CHARS_N ? t->cls[c] & VOCAB_CH_WORD : is_word_char(c))) {
            if (start == n) start = at;
            end = i;
        }
    }
    *b = start == n ? 0 : (size_t)start;
    *e = start == n ? 0 : (size_t)end;
}

/* fold_trim: vocab_fold then trim into out; returns the length (0 when too long or empty). */
static size_t fold_trim(const char *s, size_t len, char *out, size_t cap)
{
    char tmp[FOLD_TMP];
    if (2 * len + 1 > sizeof tmp) return 0;
    size_t n = vocab_fold(s, len, tmp, sizeof tmp), b, e;
    trim(tmp, n, &b, &e);
    if (e - b >= cap) return 0;
    memcpy(out, tmp + b, e - b);
    out[e - b] = '\0';
    return e - b;
}

/* Entries bucketed by folded length: vocab_order[vocab_bucket[n] .. vocab_bucket[n + 1]). */
static size_t vocab_order[VOCAB_N], vocab_bucket[VOCAB_MAXLEN + 1];

/* The quick rejection tests: every entry's first token (up to its first space, trailing non-word
 * characters removed) and last token (after its last space, leading ones removed), as ranges of
 * vocab_folded. A line that starts with no first token / ends with no last token of a kind has no
 * prefix / suffix of that kind. */
static size_t first_end[VOCAB_N], last_start[VOCAB_N];
/* Entries by first-token length (first_order[first_bucket[n] .. first_bucket[n + 1])) and by kind
 * (kind_order[kind_bucket[k] .. kind_bucket[k + 1])). */
static size_t first_order[VOCAB_N], first_bucket[VOCAB_MAXLEN + 1];
static size_t kind_order[VOCAB_N], kind_bucket[VOCAB_KINDS + 1];
static int suffix_exact[VOCAB_KINDS]; /* the last-token test is exact for the kind's entries */

/* plain_entry: every token of f is at least two letters (then folding a suffix of a line and the
 * whole line agree on the last token: the "/ي" rule cannot differ). */
static int plain_entry(const char *f, size_t n)
{
    int32_t i = 0, len = (int32_t)n, run = 0;
    while (i < len) {
        UChar32 c = vocab_next_cp(f, &i, len);
        if (c == ' ' && run < 2) return 0;
        if (c != ' ' && !u_isalpha(c)) return 0;
        run = c == ' ' ? 0 : run + 1;
    }
    return run >= 2;
}

static void vocab_init(void)
{
    for (int k = 0; k < VOCAB_KINDS; k++) suffix_exact[k] = 1;
    for (size_t i = 0; i < VOCAB_N; i++) {
        const char *t = vocab_table[i].text, *f = vocab_folded[i];
        size_t n = vocab_folded_len[i] = fold_trim(t, strlen(t), vocab_folded[i], VOCAB_MAXLEN);
        const char *sp = memchr(f, ' ', n), *last = f + n;
        size_t b, e;
        trim(f, sp ? (size_t)(sp - f) : n, &b, &e);
        first_end[i] = e;
        while (last > f && last[-1] != ' ') last--;
        trim(last, (size_t)(f + n - last), &b, &e);
        last_start[i] = (size_t)(last - f) + b;
        if (!plain_entry(f, n)) suffix_exact[vocab_table[i].kind] = 0;
    }
    size_t k = 0;
    for (size_t n = 0; n < VOCAB_MAXLEN; n++) {
        vocab_bucket[n] = k;
        for (size_t i = 0; i < VOCAB_N; i++)
            if (vocab_folded_len[i] == n) vocab_order[k++] = i;
    }
    vocab_bucket[VOCAB_MAXLEN] = k;
    k = 0;
    for (size_t n = 0; n < VOCAB_MAXLEN; n++) {
        first_bucket[n] = k;
        for (size_t i = 0; i < VOCAB_N; i++)
            if (first_end[i] == n) first_order[k++] = i;
    }
    first_bucket[VOCAB_MAXLEN] = k;
    k = 0;
    for (int kind = 0; kind < VOCAB_KINDS; kind++) {
        kind_bucket[kind] = k;
        for (size_t i = 0; i < VOCAB_N; i++)
            if ((int)vocab_table[i].kind == kind) kind_order[k++] = i;
    }
    kind_bucket[VOCAB_KINDS] = k;
}

/* word_start: offset of the first word character of f[0..n), n when none. */
static size_t word_start(const char *f, size_t n)
{
    const vocab_chars *t = vocab_chars_get();
    int32_t i = 0, len = (int32_t)n;
    while (i < len) {
        int32_t at = i;
        UChar32 c = vocab_next_cp(f, &i, len);
        if (c >= 0 && (c < VOCAB_CHARS_N ? t->cls[c] & VOCAB_CH_WORD : is_word_char(c)))
            return (size_t)at;
    }
    return n;
}

/* word_end: offset just past the last word character of f[0..n), 0 when none. */
static size_t word_end(const char *f, size_t n)
{
    const vocab_chars *t = vocab_chars_get();
    int32_t e = (int32_t)n;
    while (e > 0) {
        int32_t at = e;
        UChar32 c;
        U8_PREV(f, 0, e, c);
        if (c >= 0 && (c < VOCAB_CHARS_N ? t->cls[c] & VOCAB_CH_WORD : is_word_char(c)))
            return (size_t)at;
    }
    return 0;
}

/* may_have_prefix: the folded line's first token is some entry's first token. The token ends at
 * a space or colon (prefix matching splits words there). */
static int may_have_prefix(const char *f, size_t n)
{
    size_t b = word_start(f, n), e = b, tb, te;
    while (e < n && f[e] != ' ' && f[e] != ':' &&
           !(n - e >= 3 && !memcmp(f + e, "\xEF\xBC\x9A", 3)))
        e++;
    if (b == n) return 0;
    trim(f + b, e - b, &tb, &te);
    if (te >= VOCAB_MAXLEN) return 0;
    for (size_t k = first_bucket[te]; k < first_bucket[te + 1]; k++)
        if (!memcmp(vocab_folded[first_order[k]], f + b, te)) return 1;
    return 0;
}

/* may_have_suffix: the folded line (trailing non-word characters removed) ends with the last
 * token of an entry of kind; always true when that test is not exact for the kind. */
static int may_have_suffix(const char *f, size_t n, vocab_kind kind)
{
    if (!suffix_exact[kind]) return 1;
    size_t e = word_end(f, n);
    for (size_t k = kind_bucket[kind]; k < kind_bucket[kind + 1]; k++) {
        size_t i = kind_order[k], m = vocab_folded_len[i] - last_start[i];
        if (m <= e && !memcmp(vocab_folded[i] + last_start[i], f + e - m, m)) return 1;
    }
    return 0;
}

/* lookup: kind of the folded, trimmed word f (restricted to `kind` unless VOCAB_NONE). */
static vocab_kind lookup(const char *f, size_t n, vocab_kind kind)
{
    pthread_once(&vocab_once, vocab_init);
    if (!n || n >= VOCAB_MAXLEN) return VOCAB_NONE;
    for (size_t k = vocab_bucket[n]; k < vocab_bucket[n + 1]; k++) {
        size_t i = vocab_order[k];
        if (kind != VOCAB_NONE && vocab_table[i].kind != kind) continue;
        if (!memcmp(vocab_folded[i], f, n)) return vocab_table[i].kind;
    }
    return VOCAB_NONE;
}

vocab_kind vocab_classify(const char *s, size_t len)
{
    char f[VOCAB_MAXLEN];
    size_t n = fold_trim(s, len, f, sizeof f);
    return lookup(f, n, VOCAB_NONE);
}

vocab_kind vocab_classify_folded(size_t len, const char *fold, size_t fold_len)
{
    size_t b, e;
    if (2 * len + 1 > FOLD_TMP) return VOCAB_NONE; /* what fold_trim accepts */
    trim(fold, fold_len, &b, &e);
    return lookup(fold + b, e - b, VOCAB_NONE);
}

/* is_sep: byte length of a word separator (space, NBSP, colon, fullwidth colon) at s, else 0. */
static size_t is_sep(const char *s, size_t len)
{
    if (*s == ' ' || *s == ':' || *s == '\t') return 1;
    if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
    if (len >= 3 && !memcmp(s, "\xEF\xBC\x9A", 3)) return 3;
    return 0;
}

/* match_all: records in out[] the prefix length j for every kind with an entry equal to f. */
static void match_all(const char *f, size_t n, size_t j, size_t out[VOCAB_KINDS])
{
    pthread_once(&vocab_once, vocab_init);
    if (!n || n >= VOCAB_MAXLEN) return;
    for (size_t k = vocab_bucket[n]; k < vocab_bucket[n + 1]; k++) {
        size_t i = vocab_order[k];
        if (!memcmp(vocab_folded[i], f, n)) out[vocab_table[i].kind] = j; /* longest wins */
    }
}

void vocab_prefix_all(const char *s, size_t len, size_t out[VOCAB_KINDS])
{
    char f[4 * VOCAB_MAXLEN];
    size_t fl = 0, last = 0;
    int words = 0;
    memset(out, 0, VOCAB_KINDS * sizeof *out);
    for (size_t i = 0; i < len && i < 2 * VOCAB_MAXLEN && words < 5; i++) {
        size_t sep = is_sep(s + i, len - i);
        if (!sep) continue;
        words++;
        if (fl && fl + 1 < sizeof f) f[fl++] = ' '; /* fold the new word onto the folded prefix */
        size_t add = vocab_fold(s + last, i - last, f + fl, sizeof f - fl);
        if (fl + add >= sizeof f) return;
        fl += add;
        size_t b, e, j = i;
        trim(f, fl, &b, &e);
        while (j < len && (sep = is_sep(s + j, len - j))) j += sep;
        while (j < len && (s[j] == '-' || s[j] == '|' || s[j] == ' ')) j++;
        if (j < len) match_all(f + b, e - b, j, out);
        last = j;
        i = j - 1;
    }
    out[VOCAB_NONE] = 0;
}

void vocab_prefix_all_folded(const char *s, size_t len, const char *fold, size_t fold_len,
                             size_t out[VOCAB_KINDS])
{
    pthread_once(&vocab_once, vocab_init);
    if (may_have_prefix(fold, fold_len))
        vocab_prefix_all(s, len, out);
    else
        memset(out, 0, VOCAB_KINDS * sizeof *out);
}

size_t vocab_prefix(const char *s, size_t len, vocab_kind kind)
{
    size_t out[VOCAB_KINDS];
    vocab_prefix_all(s, len, out);
    return kind > VOCAB_NONE && kind < VOCAB_KINDS ? out[kind] : 0;
}

/* is_suffix_sep: separators before a trailing caption word. */
static int is_suffix_sep(char c)
{
    return c == ' ' || c == '-' || c == '(' || c == '_' || c == '/' || c == '|' || c == ',';
}

size_t vocab_suffix(const char *s, size_t len, vocab_kind kind)
{
    size_t end = len;
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ':' || s[end - 1] == ')')) end--;
    int words = 0;
    for (size_t i = end; i > 0 && end - i < 2 * VOCAB_MAXLEN && words < 4; i--) {
        if (!is_suffix_sep(s[i - 1])) continue;
        words++;
        char f[VOCAB_MAXLEN];
        size_t n = fold_trim(s + i, end - i, f, sizeof f);
        if (n && lookup(f, n, kind) == kind) {
            size_t b = i;
            while (b > 0 && is_suffix_sep(s[b - 1])) b--;
            return b;
        }
    }
    return 0;
}

size_t vocab_suffix_folded(const char *s, size_t len, const char *fold, size_t fold_len,
                           vocab_kind kind)
{
    pthread_once(&vocab_once, vocab_init);
    if (kind > VOCAB_NONE && kind < VOCAB_KINDS && !may_have_suffix(fold, fold_len, kind)) return 0;
    return vocab_suffix(s, len, kind);
}

/* fold_char: the folded code point of c (TEXT_FOLD_VOCAB), or -1 to drop it. */
static UChar32 fold_char(UChar32 c)
{
    return text_fold(c, TEXT_FOLD_VOCAB);
}

/* slash_variant: s[i] is '/' followed by one letter and then a non-letter ("/ي "). */
static int slash_variant(const char *s, int32_t i, int32_t n)
{
    UChar32 a, b = ' ';
    i++;
    if (i >= n) return 0;
    U8_NEXT(s, i, n, a);
    if (i < n) U8_NEXT(s, i, n, b);
    return a >= 0 && u_isalpha(a) && !(b >= 0 && u_isalpha(b));
}

/* folded_letter: the folded code point f counts as a letter (for the "/ي" rule). */
static int folded_letter(UChar32 f)
{
    return f < 0x80 ? isalpha(f) : (f >= 0x0621 && f <= 0x064A) || u_isalpha(f);
}

static vocab_chars vocab_char_table;
/* fold_emit[c]: the UTF-8 of c's fold (bytes 0-1), its length 0-2 (byte 2; 0 = dropped) and
 * EMIT_* bits (byte 3), for the branch-free loop of fold_core. */
static uint32_t fold_emit[VOCAB_CHARS_N];
enum { EMIT_SPACE = 1u << 24, EMIT_LETTER = 1u << 25 };
static pthread_once_t chars_once = PTHREAD_ONCE_INIT;

/* chars_init: the classes and folds of U+0000..U+07FF, from the slow functions. */
static void chunk_check(void);

static void chars_init(void)
{
    for (UChar32 c = 0; c < VOCAB_CHARS_N; c++) {
        UChar32 f = fold_char(c);
        uint8_t k = 0;
        if (c < 0x80 ? c == ' ' || (c >= '\t' && c <= '\r') : vocab_char_is_space_slow(c))
            k |= VOCAB_CH_SPACE;
        if (vocab_char_is_alnum_slow(c)) k |= VOCAB_CH_ALNUM;
        if (is_word_char(c)) k |= VOCAB_CH_WORD;
        if (u_isalpha(c)) k |= VOCAB_CH_ALPHA;
        if (f >= 0 && folded_letter(f)) k |= VOCAB_CH_FOLD_LETTER;
        if (f >= VOCAB_CHARS_N) k |= VOCAB_CH_FOLD_SLOW | VOCAB_CH_SPECIAL, f = -1;
        if (c == '/') k |= VOCAB_CH_SPECIAL;
        vocab_char_table.fold[c] = (int16_t)f;
        vocab_char_table.cls[c] = k;
        uint32_t e = 0;
        if (f >= 0 && f < 0x80)
            e = (uint32_t)f | 1u << 16;
        else if (f >= 0x80)
            e = (0xC0u | (uint32_t)f >> 6) | (0x80u | ((uint32_t)f & 0x3F)) << 8 | 2u << 16;
        if (f == ' ') e |= EMIT_SPACE;
        if (k & VOCAB_CH_FOLD_LETTER) e |= EMIT_LETTER;
        fold_emit[c] = e;
    }
    chunk_check();
}

const vocab_chars *vocab_chars_get(void)
{
    pthread_once(&chars_once, chars_init);
    return &vocab_char_table;
}

UChar32 vocab_next_cp_slow(const char *s, int32_t *i, int32_t n)
{
    UChar32 c;
    U8_NEXT(s, *i, n, c);
    return c;
}

int vocab_char_is_space_slow(UChar32 c)
{
    if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
    if (c >= 0x0600 && c <= 0x06FF) return 0;
    return c == 0xA0 || u_isUWhiteSpace(c) || u_charType(c) == U_FORMAT_CHAR;
}

int vocab_char_is_alnum_slow(UChar32 c)
{
    if (c < 0x80) return isalnum(c);
    if (c >= 0x0621 && c <= 0x064A) return 1;
    return u_isalnum(c);
}

/* put_cp: appends the UTF-8 of c at out[*o] when it fits below cap; *o always advances. */
static inline void put_cp(char *out, size_t cap, size_t *o, UChar32 c)
{
    if (c < 0x80) {
        if (*o + 1 < cap) out[*o] = (char)c;
        (*o)++;
    } else if (c < 0x800) {
        if (*o + 2 < cap)
            out[*o] = (char)(0xC0 | (c >> 6)), out[*o + 1] = (char)(0x80 | (c & 0x3F));
        *o += 2;
    } else {
        uint8_t buf[4];
        int32_t k = 0;
        U8_APPEND_UNSAFE(buf, k, c);
        if (*o + (size_t)k < cap) memcpy(out + *o, buf, (size_t)k);
        *o += (size_t)k;
    }
}

/* 16 bytes tested at once (GCC/Clang vector extension: SSE2/NEON code). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static inline bytes16 in_range(bytes16 x, unsigned char lo, unsigned char hi)
{
    return (bytes16)(x >= lo) & (bytes16)(x <= hi);
}

/* same8 / same9: lanes where t, after the lead byte 0xD8 / 0xD9, completes a character vocab_fold
 * keeps as it is (no space, no careful step); word8 / word9: those that are letters. The ranges
 * are checked against the tables once (chunk_check). */
static inline bytes16 word8(bytes16 t)
{
    return in_range(t, 0xA0, 0xA1) | in_range(t, 0xA7, 0xA8) | in_range(t, 0xAA, 0xBF);
}

static inline bytes16 same8(bytes16 t)
{
    return word8(t) | in_range(t, 0x86, 0x8F) | (bytes16)(t == 0x9B) | in_range(t, 0x9D, 0x9F);
}

static inline bytes16 word9(bytes16 t)
{
    return in_range(t, 0x81, 0x88) | (bytes16)(t == 0x8A) | in_range(t, 0xAE, 0xAF) |
           in_range(t, 0xB2, 0xBF);
}

static inline bytes16 same9(bytes16 t)
{
    return word9(t) | in_range(t, 0xAA, 0xAD);
}

/* swap8 / swap9: letters whose fold is another two-byte letter (آ أ ؤ إ ئ ة, ى ٱ): copied, then
 * patched in place. */
static inline bytes16 swap8(bytes16 t)
{
    return in_range(t, 0xA2, 0xA6) | (bytes16)(t == 0xA9);
}

static inline bytes16 swap9(bytes16 t)
{
    return (bytes16)(t == 0x89) | (bytes16)(t == 0xB1);
}

/* mask16: bit j set when lane j of v is set. */
static inline unsigned mask16(bytes16 v)
{
    uint64_t lo, hi;
    const uint64_t high = 0x8080808080808080ull, gather = 0x0002040810204081ull;
    memcpy(&lo, &v, 8);
    memcpy(&hi, (const char *)&v + 8, 8);
    return (unsigned)(((lo & high) * gather) >> 56) | (unsigned)(((hi & high) * gather) >> 56) << 8;
}

/* A chunk of 16 bytes vocab_fold copies (s[-1] and s[16] are read: a lead byte in the last lane
 * takes its trail): ASCII other than capitals, '/' and white space, blanks not after a blank, and
 * Arabic letters and signs whose fold is themselves or another two-byte letter (swaps: bit j set
 * at its lead byte), checked as byte pairs. words: bit j set where a letter or digit starts;
 * blanks: bit j set for a blank. */
typedef struct chunk16 {
    int same;
    unsigned words, blanks, swaps;
} chunk16;

static inline chunk16 chunk_scan(const unsigned char *s)
{
    bytes16 x, prev, next;
    memcpy(&x, s, 16);
    memcpy(&prev, s - 1, 16);
    memcpy(&next, s + 1, 16);
    bytes16 lead8 = (bytes16)(x == 0xD8), lead9 = (bytes16)(x == 0xD9);
    bytes16 after8 = (bytes16)(prev == 0xD8), after9 = (bytes16)(prev == 0xD9);
    bytes16 blank = (bytes16)(x == ' ');
    bytes16 ascii = in_range(x, 0x21, 0x7E) & ~in_range(x, 'A', 'Z') & (bytes16)(x != '/');
    bytes16 swap = (lead8 & swap8(next)) | (lead9 & swap9(next));
    bytes16 same = ascii | (blank & (bytes16)(prev != ' ')) | (lead8 & same8(next)) |
                   (lead9 & same9(next)) | (after8 & (same8(x) | swap8(x))) |
                   (after9 & (same9(x) | swap9(x))) | swap;
    bytes16 word = in_range(x, '0', '9') | in_range(x, 'a', 'z') | (lead8 & word8(next)) |
                   (lead9 & word9(next)) | swap;
    return (chunk16){mask16(same) == 0xFFFF, mask16(word), mask16(blank), mask16(swap)};
}

/* chunk_words: tokens of a chunk (between blanks) whose first letter or digit lies in it, given
 * whether the token in progress before it already has one (*counted, updated). A segmented OR-scan:
 * seen bit j = a letter or digit at or before j with no blank after it up to j. */
static inline int chunk_words(chunk16 k, int *counted)
{
    unsigned go = ~k.blanks & 0xFFFF, seen = k.words, g = go;
    for (unsigned d = 1; d < 16; d <<= 1) {
        seen |= g & (seen << d);
        g &= g << d;
    }
    unsigned run = (go & ~(go + 1)) & 0xFFFF; /* lanes before the first blank */
    seen |= *counted ? run : 0;
    unsigned before = ((seen << 1) | (unsigned)*counted) & 0xFFFF;
    *counted = (int)(seen >> 15 & 1);
    return __builtin_popcount(k.words & ~before);
}

static int chunk_ok; /* the ranges above agree with the tables (else chunks stay unused) */

/* lane0: lane 0 of a vector test on a byte. */
static int lane0(bytes16 (*test)(bytes16), unsigned char b)
{
    bytes16 v = {b};
    return test(v)[0] != 0;
}

/* chunk_check: every character chunk_scan passes is one fold_core copies as it is, with the
 * classes its word count and state assume. */
static void chunk_check(void)
{
    const vocab_chars *t = &vocab_char_table;
    int ok = (t->cls[' '] & VOCAB_CH_SPACE) && t->fold[' '] == ' ' &&
             !(t->cls[' '] & (VOCAB_CH_SPECIAL | VOCAB_CH_ALNUM));
    for (UChar32 c = 0; c < VOCAB_CHARS_N; c++) {
        int same, word, lead = c >> 6 | 0xC0, trail = (c & 0x3F) | 0x80;
        if (c < 0x80)
            same = c > ' ' && c < 0x7F && !(c >= 'A' && c <= 'Z') && c != '/',
            word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
        else if (lead == 0xD8 || lead == 0xD9)
            same = lane0(lead == 0xD8 ? same8 : same9, (unsigned char)trail),
            word = lane0(lead == 0xD8 ? word8 : word9, (unsigned char)trail);
        else
            continue;
        unsigned k = t->cls[c];
        int swap = c >= 0x80 && lane0(lead == 0xD8 ? swap8 : swap9, (unsigned char)trail);
        ok &= !(swap && same); /* a swap is a two-byte letter folded to another */
        ok &=
            !swap || (t->fold[c] >= 0x80 && (fold_emit[c] >> 16 & 3) == 2 && (k & VOCAB_CH_ALNUM) &&
                      (k & VOCAB_CH_FOLD_LETTER) && !(k & (VOCAB_CH_SPACE | VOCAB_CH_SPECIAL)));
        if (!same) continue;
        ok &= t->fold[c] == c && !(k & (VOCAB_CH_SPACE | VOCAB_CH_SPECIAL));
        ok &= word == ((k & VOCAB_CH_ALNUM) != 0);
        ok &= (word && !(c >= '0' && c <= '9')) == ((k & VOCAB_CH_FOLD_LETTER) != 0);
    }
    chunk_ok = ok;
}

/* The state of one vocab_fold pass. */
typedef struct fold_state {
    const vocab_chars *t;
    const char *s;
    int32_t i, n;
    char *out;
    size_t o, cap;
    int prev_letter, last_space;
    int counted, words; /* word count: inside a counted token; tokens counted */
} fold_state;

/* count_class: one step of the word count over an input character of classes k. */
static inline void count_class(fold_state *st, unsigned k)
{
    int alnum = (k & VOCAB_CH_ALNUM) != 0, space = (k & VOCAB_CH_SPACE) != 0;
    st->words += alnum & !st->counted & !space;
    st->counted = (st->counted | alnum) & !space;
}

static unsigned class_of(const vocab_chars *t, UChar32 c)
{
    if (c < 0) return 0;
    if (c < VOCAB_CHARS_N) return t->cls[c];
    return (vocab_char_is_space_slow(c) ? VOCAB_CH_SPACE : 0u) |
           (vocab_char_is_alnum_slow(c) ? VOCAB_CH_ALNUM : 0u);
}

/* fold_careful: the general step for code point c (already counted): the "/ي" rule, folds beyond
 * the table, bounded writes. */
static void fold_careful(fold_state *st, UChar32 c, int count)
{
    if (c < 0) return;
    if (c == '/' && st->prev_letter && slash_variant(st->s, st->i - 1, st->n)) {
        int32_t at = st->i;
        U8_FWD_1(st->s, st->i, st->n); /* the variant letter (still a letter of the word count) */
        if (count) count_class(st, class_of(st->t, vocab_next_cp(st->s, &at, st->n)));
        return;
    }
    UChar32 f = fold_char(c);
    if (f < 0 || (f == ' ' && st->last_space)) return;
    st->prev_letter = folded_letter(f);
    st->last_space = f == ' ';
    put_cp(st->out, st->cap, &st->o, f);
}

/* fold_core: vocab_fold, and when count is set the vocab_fold_words count in the same pass. The
 * hot loop handles table characters; unchecked writes when cap > 2 * len (folds never grow a
 * table character). */
static inline size_t fold_core(const char *s, size_t len, char *out, size_t cap, int count,
                               int *words)
{
    const vocab_chars *t = vocab_chars_get();
    const unsigned char *p = (const unsigned char *)s;
    const int32_t n = (int32_t)len;
    const int roomy = cap > 2 * len;
    int32_t i = 0;
    size_t o = 0;
    int prev_letter = 0, last_space = 1, counted = 0, nw = 0;
    int32_t next_try = 1; /* 16 bytes kept as they are are copied at once from here */
    while (i < n) {       /* the state lives in registers; fold_careful gets a copy */
        if (roomy && chunk_ok && i >= next_try && i + 17 <= n && !(last_space && p[i] == ' ')) {
            chunk16 k = chunk_scan(p + i);
            if (k.same) {
                int32_t w = 16 + (p[i + 15] >= 0xC0); /* a lead in the last lane takes its trail */
                memcpy(out + o, s + i, 17);
                for (unsigned sw = k.swaps; sw; sw &= sw - 1) { /* patch the swapped letters */
                    int j = __builtin_ctz(sw);
                    uint32_t e = fold_emit[(p[i + j] & 0x1F) << 6 | (p[i + j + 1] & 0x3F)];
                    out[o + (size_t)j] = (char)(e & 0xFF);
                    out[o + (size_t)j + 1] = (char)(e >> 8 & 0xFF);
                }
                if (count) nw += chunk_words(k, &counted);
                o += (size_t)w, i += w;
                last_space = p[i - 1] == ' ';
                prev_letter = p[i - 1] < 0x80 ? p[i - 1] >= 'a' && p[i - 1] <= 'z'
                                              : (int)(k.words >> (w == 17 ? 15 : 14) & 1);
                continue;
            }
            next_try = i + 16;
        }
        unsigned b = p[i], b1 = i + 1 < n ? p[i + 1] : 0, two = b >= 0x80;
        UChar32 c = two ? (UChar32)((b & 0x1F) << 6 | (b1 & 0x3F)) : (UChar32)b;
        if (two && !(b >= 0xC2 && b < 0xE0 && (b1 & 0xC0) == 0x80 && i + 1 < n)) {
            c = vocab_next_cp_slow(s, &i, n); /* 3- and 4-byte or ill-formed: rare */
            goto careful;
        }
        i += 1 + (int32_t)two;
        unsigned k = t->cls[c];
        if (count) {
            int alnum = (k & VOCAB_CH_ALNUM) != 0, space = (k & VOCAB_CH_SPACE) != 0;
            nw += alnum & !counted & !space;
            counted = (counted | alnum) & !space;
        }
        if ((k & VOCAB_CH_SPECIAL) || !roomy) goto careful_counted;
        /* Branch-free: write both bytes, advance by the fold's length (0 when dropped or a
         * repeated space); the state changes only when something was written. */
        uint32_t e = fold_emit[c];
        int sp = (e & EMIT_SPACE) != 0;
        size_t w = (e >> 16 & 3) & -(size_t) !(sp & last_space);
        out[o] = (char)(e & 0xFF);
        out[o + 1] = (char)(e >> 8 & 0xFF);
        o += w;
        last_space = w ? sp : last_space;
        prev_letter = w ? (e & EMIT_LETTER) != 0 : prev_letter;
        continue;
    careful:
        if (count) {
            fold_state c0 = {.t = t, .counted = counted, .words = nw};
            count_class(&c0, class_of(t, c));
            counted = c0.counted, nw = c0.words;
        }
    careful_counted:;
        fold_state st = {t, s, i, n, out, o, cap, prev_letter, last_space, counted, nw};
        fold_careful(&st, c, count);
        i = st.i, o = st.o, prev_letter = st.prev_letter, last_space = st.last_space;
        counted = st.counted, nw = st.words;
    }
    if (o > 0 && last_space) o--;
    if (cap) out[o < cap ? o : cap - 1] = '\0';
    if (count) *words = nw;
    return o;
}

size_t vocab_fold(const char *s, size_t len, char *out, size_t cap)
{
    return fold_core(s, len, out, cap, 0, NULL);
}

size_t vocab_fold_words(const char *s, size_t len, char *out, size_t cap, int *words)
{
    return fold_core(s, len, out, cap, 1, words);
}
