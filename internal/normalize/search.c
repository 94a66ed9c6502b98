/* search.c: the indexing form of text: ICU NFKC_Casefold, then Arabic orthographic folding.
 *
 * The Arabic folding follows the conventions of CAMeL Tools (camel_tools.utils.dediac and
 * normalize_alef_ar / normalize_alef_maksura_ar / normalize_teh_marbuta_ar) and of Lucene's
 * ArabicNormalizer (Larkey et al., "Light Stemming for Arabic Information Retrieval"):
 * diacritics and tatweel removed, hamzated/madda/wasla alef -> bare alef, alef maksura -> yeh,
 * teh marbuta -> heh; Arabic-Indic and Persian digits become ASCII digits.
 */
#include "normalize/normalize.h"

#include "normalize_internal.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* fold_utf16: folds u[0..n) in place (it never grows), collapsing and trimming whitespace. */
static int32_t fold_utf16(UChar *u, int32_t n)
{
    int32_t i = 0, k = 0;
    int space = 0;
    while (i < n) {
        UChar32 c;
        U16_NEXT(u, i, n, c);
        c = normalize_fold(c);
        if (c == ' ') {
            space = k > 0;
            continue;
        }
        if (c == 0) continue;
        if (space) u[k++] = ' ';
        space = 0;
        U16_APPEND_UNSAFE(u, k, c);
    }
    return k;
}

/* nfkc_cf: NFKC_Casefold of u[0..n) into a fresh buffer (*out, *outlen). */
static int nfkc_cf(const UChar *u, int32_t n, UChar **out, int32_t *outlen)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) return NI_ERR_CHARSET;
    int32_t cap = n + n / 2 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        UChar *v = malloc((size_t)cap * sizeof *v);
        if (!v) return NI_ERR_NOMEM;
        st = U_ZERO_ERROR;
        int32_t m = unorm2_normalize(nf, u, n, v, cap, &st);
        if (U_SUCCESS(st)) {
            *out = v;
            *outlen = m;
            return NI_OK;
        }
        free(v);
        if (st != U_BUFFER_OVERFLOW_ERROR) return NI_ERR_CHARSET;
        cap = m + 1;
    }
    return NI_ERR_CHARSET;
}

/* The search folding of U+0000..U+07FF as emit entries for the branch-free loop of fold_fast:
 * the fold's UTF-8 (bytes 0-1) and length 0-2 (byte 2; 0 = dropped or space), SEARCH_SPACE for
 * whitespace, SEARCH_SLOW when the general step must decide (NFKC_Casefold, longer folds). */
#define SEARCH_TAB_N 0x800
enum { SEARCH_SPACE = 1u << 24, SEARCH_SLOW = 1u << 25 };
static uint32_t search_tab[SEARCH_TAB_N];
static pthread_once_t search_once = PTHREAD_ONCE_INIT;

static void chunk_check(void);

static void search_tab_init(void)
{
    for (UChar32 c = 0; c < SEARCH_TAB_N; c++) {
        UChar32 f = normalize_fold(c);
        uint32_t e = 0;
        if (c >= 0x80 && (normalize_props(c) & NP_NFKC_CF))
            e = SEARCH_SLOW;
        else if (f == ' ')
            e = SEARCH_SPACE;
        else if (f > 0 && f < 0x80)
            e = (uint32_t)f | 1u << 16;
        else if (f >= 0x80 && f < SEARCH_TAB_N)
            e = (0xC0u | (uint32_t)f >> 6) | (0x80u | ((uint32_t)f & 0x3F)) << 8 | 2u << 16;
        else if (f != 0)
            e = SEARCH_SLOW;
        search_tab[c] = e;
    }
    chunk_check();
}

/* 16 bytes tested at once (GCC/Clang vector extension: SSE2/NEON code). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static inline bytes16 in_range(bytes16 x, unsigned char lo, unsigned char hi)
{
    return (bytes16)(x >= lo) & (bytes16)(x <= hi);
}

/* same8 / same9: lanes where t, after the lead byte 0xD8 / 0xD9, completes a character the search
 * folding keeps as it is; swap8 / swap9: letters it folds to another two-byte letter (آ أ إ ة,
 * ى ٱ). Checked against the table once (chunk_check). */
static inline bytes16 swap8(bytes16 t)
{
    return in_range(t, 0xA2, 0xA3) | (bytes16)(t == 0xA5) | (bytes16)(t == 0xA9);
}

static inline bytes16 same8(bytes16 t)
{
    return (in_range(t, 0x80, 0x8F) | (bytes16)(t == 0x9B) | in_range(t, 0x9D, 0xBF)) & ~swap8(t);
}

static inline bytes16 swap9(bytes16 t)
{
    return (bytes16)(t == 0x89) | (bytes16)(t == 0xB1);
}

static inline bytes16 same9(bytes16 t)
{
    return in_range(t, 0x81, 0x88) | (bytes16)(t == 0x8A) | in_range(t, 0xAA, 0xAF) |
           in_range(t, 0xB2, 0xB4) | in_range(t, 0xB9, 0xBF);
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

/* chunk_swaps: the lead bytes of swapped letters in s[0..16) when the search folding copies it
 * (s[-1] and s[16] are read; a lead byte in the last lane takes its trail): ASCII other than
 * capitals, controls and white space, blanks not after a blank, Arabic letters and signs kept or
 * swapped, checked as byte pairs. -1 when it does not. */
static inline int chunk_swaps(const uint8_t *s)
{
    bytes16 x, prev, next;
    memcpy(&x, s, 16);
    memcpy(&prev, s - 1, 16);
    memcpy(&next, s + 1, 16);
    bytes16 lead8 = (bytes16)(x == 0xD8), lead9 = (bytes16)(x == 0xD9);
    bytes16 after8 = (bytes16)(prev == 0xD8), after9 = (bytes16)(prev == 0xD9);
    bytes16 ascii = in_range(x, 0x21, 0x7E) & ~in_range(x, 'A', 'Z');
    bytes16 blank = (bytes16)(x == ' ') & (bytes16)(prev != ' ');
    bytes16 swap = (lead8 & swap8(next)) | (lead9 & swap9(next));
    bytes16 same = ascii | blank | swap | (lead8 & same8(next)) | (lead9 & same9(next)) |
                   (after8 & (same8(x) | swap8(x))) | (after9 & (same9(x) | swap9(x)));
    return mask16(same) == 0xFFFF ? (int)mask16(swap) : -1;
}

static int chunk_ok; /* the ranges above agree with search_tab (else chunks stay unused) */

/* lane0: lane 0 of a vector test on a byte. */
static int lane0(bytes16 (*test)(bytes16), unsigned char b)
{
    bytes16 v = {b};
    return test(v)[0] != 0;
}

/* chunk_check: what chunk_swaps passes, the table folds alike (kept: the same bytes; swapped:
 * another two-byte letter). */
static void chunk_check(void)
{
    int ok = search_tab[' '] == SEARCH_SPACE;
    for (UChar32 c = 0x21; c < 0x7F; c++)
        ok &= (c >= 'A' && c <= 'Z') || search_tab[c] == ((uint32_t)c | 1u << 16);
    for (UChar32 c = 0x600; c < 0x680; c++) {
        unsigned char t = (unsigned char)(0x80 | (c & 0x3F));
        int d8 = c < 0x640, same = lane0(d8 ? same8 : same9, t),
            swap = lane0(d8 ? swap8 : swap9, t);
        uint32_t e = search_tab[c], bytes = (d8 ? 0xD8u : 0xD9u) | (uint32_t)t << 8;
        ok &= !(same && swap);
        ok &= !same || e == (bytes | 2u << 16);
        ok &= !swap || ((e >> 16) == 2 && (e & 0xFFFF) != bytes);
    }
    chunk_ok = ok;
}

/* The state of one fold_fast pass: output length and a pending space. */
typedef struct fold_out {
    char *o;
    size_t n;
    int space;
} fold_out;

/* fold_slow_step: the general step for code point c (any, or negative when ill-formed): 0 when
 * the text needs ICU, else 1 with c folded into st. */
static int fold_slow_step(fold_out *st, UChar32 c)
{
    if (c < 0 || (c >= 0x80 && (normalize_props(c) & NP_NFKC_CF))) return 0;
    UChar32 f = normalize_fold(c);
    if (f == ' ') st->space = 1;
    if (f == ' ' || f == 0) return 1;
    if (st->space && st->n) st->o[st->n++] = ' ';
    st->space = 0;
    U8_APPEND_UNSAFE(st->o, st->n, f);
    return 1;
}

/* fold_next: folds the character at s[*i] into st and moves *i past it; *cp is its code point
 * (negative when ill-formed) and *slow tells it came from the general step. One- and two-byte
 * characters take the table and write without branches; a pending space is written before the
 * next kept character when something precedes it. Returns 0 when the text needs ICU. */
static inline __attribute__((always_inline)) int fold_next(const uint8_t *s, size_t len, size_t *i,
                                                           fold_out *st, UChar32 *cp, int *slow)
{
    size_t at = *i;
    unsigned b = s[at], b1 = at + 1 < len ? s[at + 1] : 0, two = b >= 0x80;
    UChar32 c = two ? (UChar32)((b & 0x1F) << 6 | (b1 & 0x3F)) : (UChar32)b;
    if (two && !(b >= 0xC2 && b < 0xE0 && (b1 & 0xC0) == 0x80)) {
        int32_t j = 0, m = (int32_t)(len - at < 4 ? len - at : 4);
        U8_NEXT(s + at, j, m, c); /* 3- and 4-byte or ill-formed: the general step */
        *i = at + (size_t)j, *cp = c, *slow = 1;
        return fold_slow_step(st, c);
    }
    *i = at + 1 + two, *cp = c, *slow = 0;
    uint32_t e = search_tab[c];
    if (e & SEARCH_SLOW) return fold_slow_step(st, c);
    size_t w = e >> 16 & 3, lead = w && st->space && st->n, n = st->n;
    st->o[n] = ' ';
    n += lead;
    st->o[n] = (char)(e & 0xFF);
    st->o[n + 1] = (char)(e >> 8 & 0xFF);
    st->n = n + w;
    st->space = w ? 0 : (st->space | ((e & SEARCH_SPACE) != 0));
    return 1;
}

/* fold_counting: fold_next over s[*i..) while it is inside the guess's sample s[0..lim) and the
 * guess still wants letters, counting them into lc as normalize_language_guess(s, lim) would (a
 * character running past lim is ill-formed to it). Returns 0 when the text needs ICU. */
static int fold_counting(const uint8_t *s, size_t len, size_t lim, size_t *i, fold_out *st,
                         normalize_lang_counts *lc)
{
    const uint8_t *tab = normalize_lang_tab();
    while (*i < lim && lc->letters < NORMALIZE_GUESS_LETTERS) {
        UChar32 c;
        int slow;
        if (!fold_next(s, len, i, st, &c, &slow)) return 0;
        if (*i > lim) break; /* cut by the sample's end: not a letter to the guess */
        if (slow)
            normalize_lang_add_slow(lc, c);
        else
            normalize_lang_add(lc, tab[c]);
    }
    lc->end = *i < lim ? *i : lim;
    return 1;
}

/* fold_chunk: copies s[*i..) 16 bytes at once when the folding keeps them (swapped letters
 * patched, a final blank left pending); 0 when it does not. */
static int fold_chunk(const uint8_t *s, size_t *i, fold_out *st)
{
    size_t at = *i;
    int swaps = chunk_swaps(s + at);
    if (swaps < 0 || (st->space && s[at] == ' ')) return 0;
    if (st->space && st->n) st->o[st->n++] = ' ';
    char *o = st->o + st->n;
    size_t w = 16 + (s[at + 15] >= 0xC0); /* a lead in the last lane takes its trail */
    memcpy(o, s + at, 17);
    for (unsigned sw = (unsigned)swaps; sw; sw &= sw - 1) {
        int j = __builtin_ctz(sw);
        uint32_t e = search_tab[(s[at + j] & 0x1F) << 6 | (s[at + j + 1] & 0x3F)];
        o[j] = (char)(e & 0xFF);
        o[j + 1] = (char)(e >> 8 & 0xFF);
    }
    st->space = s[at + w - 1] == ' ';
    st->n += w - (size_t)st->space;
    *i = at + w;
    return 1;
}

/* fold_fast: the whole indexing form straight from UTF-8 when no character needs ICU's
 * NFKC_Casefold (ASCII, already-stable letters, whitespace, removable Arabic marks): *out and
 * *outlen set, and the language guess's counts of in[0..lim) when lc is not NULL. Returns 0
 * (nothing allocated) as soon as a character needs ICU, 1 when done, -1 when out of memory. */
static int fold_fast(const char *in, size_t len, char **out, size_t *outlen, size_t lim,
                     normalize_lang_counts *lc)
{
    const uint8_t *s = (const uint8_t *)in;
    fold_out st = {malloc(len + 4), 0, 0};
    size_t i = 0;
    int ok = 1;
    if (!st.o) return -1;
    pthread_once(&search_once, search_tab_init);
    if (lc) ok = fold_counting(s, len, lim, &i, &st, lc);
    size_t next_try = i > 0 ? i : 1; /* chunks from here (not right after one that failed) */
    while (ok && i < len) {
        if (chunk_ok && i >= next_try && i + 17 <= len) {
            if (fold_chunk(s, &i, &st)) continue;
            next_try = i + 16;
        }
        UChar32 c;
        int slow;
        ok = fold_next(s, len, &i, &st, &c, &slow);
    }
    if (!ok) {
        free(st.o);
        return 0;
    }
    st.o[st.n] = '\0';
    *out = st.o;
    *outlen = st.n;
    return 1;
}

int normalize_search_text(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    return normalize_search_text_guess(in, len, out, NULL, 0, NULL, errstr, errlen);
}

int normalize_search_text_guess(const char *in, size_t len, char **out, size_t *outlen,
                                size_t sample, const char **language, char *errstr, size_t errlen)
{
    normalize_lang_counts lc = {{0}, {0}, 0, 0};
    size_t n = 0, lim = sample < len ? sample : len;
    *out = NULL;
    int fast = fold_fast(in, len, out, &n, lim, language ? &lc : NULL);
    if (fast < 0) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    if (language)
        *language = fast ? normalize_lang_decide(&lc, in) : normalize_language_guess(in, lim);
    int rc = fast ? NI_OK : normalize_search_text_icu(in, len, out, errstr, errlen);
    if (outlen) *outlen = rc == NI_OK ? (fast ? n : strlen(*out)) : 0;
    return rc;
}

int normalize_search_text_icu(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    *out = NULL;
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0, m = 0, olen = 0;
    UChar *u = malloc((len + 1) * sizeof *u), *v = NULL;
    if (!u) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    u_strFromUTF8WithSub(u, (int32_t)len + 1, &n, in, (int32_t)len, 0xFFFD, NULL, &st);
    int rc = U_SUCCESS(st) ? nfkc_cf(u, n, &v, &m) : NI_ERR_CHARSET;
    free(u);
    if (rc == NI_OK) m = fold_utf16(v, m);
    char *o = rc == NI_OK ? malloc((size_t)m * 3 + 1) : NULL;
    if (rc == NI_OK && !o) rc = NI_ERR_NOMEM;
    if (o) u_strToUTF8(o, m * 3 + 1, &olen, v, m, &st);
    free(v);
    if (rc == NI_OK && U_FAILURE(st)) rc = NI_ERR_CHARSET;
    if (rc) {
        free(o);
        return ni_err_set(errstr, errlen, rc, "search-text normalization failed: %s",
                          rc == NI_ERR_NOMEM ? "out of memory" : u_errorName(st));
    }
    *out = o;
    return NI_OK;
}
