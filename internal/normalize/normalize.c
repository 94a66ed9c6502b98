/* normalize.c: display text normal form (NFC, spaces, invisible controls) and the article pass. */
#include "normalize/normalize.h"

#include "normalize_internal.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* needs_nfc: c may change under NFC (quick check not YES, or a combining mark whose order
 * against the previous one is not canonical). *last_ccc tracks the previous class. */
static int needs_nfc(UChar32 c, uint8_t *last_ccc)
{
    if (c < 0x300) {
        *last_ccc = 0;
        return 0;
    }
    uint8_t ccc = u_getCombiningClass(c);
    int bad =
        (ccc && *last_ccc > ccc) || u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES;
    *last_ccc = ccc;
    return bad;
}

/* nfc_utf8: NFC of s[0..*len) (UTF-8) into a fresh buffer replacing s; updates *len. */
static int nfc_utf8(char **s, size_t *len, char *errstr, size_t errlen)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    int32_t n = 0, cap = (int32_t)*len + 1;
    UChar *u = malloc((size_t)cap * sizeof *u);
    UChar *v = malloc((size_t)cap * 3 * sizeof *v); /* NFC grows at most 3x */
    if (u && v) u_strFromUTF8WithSub(u, cap, &n, *s, (int32_t)*len, 0xFFFD, NULL, &st);
    int32_t m = u && v && U_SUCCESS(st) ? unorm2_normalize(nfc, u, n, v, cap * 3, &st) : 0;
    char *o = u && v && U_SUCCESS(st) ? malloc((size_t)m * 3 + 1) : NULL;
    int32_t olen = 0;
    if (o) u_strToUTF8(o, m * 3 + 1, &olen, v, m, &st);
    free(u);
    free(v);
    if (!o || U_FAILURE(st)) {
        free(o);
        return ni_err_set(errstr, errlen, o || U_FAILURE(st) ? NI_ERR_CHARSET : NI_ERR_NOMEM,
                          "NFC normalization failed: %s", u_errorName(st));
    }
    free(*s);
    *s = o;
    *len = (size_t)olen;
    return NI_OK;
}

/* put_fffd: appends U+FFFD for an ill-formed input sequence, first growing the buffer so that it
 * also holds the rest bytes of input still to come. */
static int put_fffd(char **o, size_t *n, size_t *cap, size_t rest)
{
    if (*n + 3 + rest + 1 > *cap) {
        size_t want = *n + 3 + rest + 1 + *cap / 2;
        char *g = realloc(*o, want);
        if (!g) return NI_ERR_NOMEM;
        *o = g;
        *cap = want;
    }
    memcpy(*o + *n, "\xEF\xBF\xBD", 3);
    *n += 3;
    return NI_OK;
}

/* next_cp: decodes the code point at s[*i] into *c (negative when ill-formed), advances *i and
 * returns its NP_* bits (ASCII inline, the BMP table otherwise). */
static inline uint8_t next_cp(const uint8_t *s, size_t len, size_t *i, UChar32 *c)
{
    UChar32 b = s[*i];
    if (b < 0x80) {
        (*i)++;
        *c = b;
        return b == ' ' || (b >= '\t' && b <= '\r') ? NP_SPACE
               : b < 0x20 || b == 0x7F              ? NP_INVISIBLE
                                                    : 0;
    }
    if (b >= 0xC2 && b < 0xE0 && *i + 1 < len && (s[*i + 1] & 0xC0) == 0x80) {
        *c = ((b & 0x1F) << 6) | (s[*i + 1] & 0x3F); /* two-byte: the common non-ASCII case */
        *i += 2;
        return normalize_props(*c);
    }
    int32_t j = 0, m = (int32_t)(len - *i < 4 ? len - *i : 4);
    U8_NEXT(s + *i, j, m, *c);
    *i += (size_t)j;
    return *c < 0 ? 0 : normalize_props(*c);
}

/* The cleaning of U+0000..U+07FF for the branch-free loop of clean: CLEAN_KEEP (the character
 * stays as it is), CLEAN_SPACE (collapses into one space; CLEAN_BLANK too when it is U+0020),
 * CLEAN_SLOW (NFC may change it: the general step tracks combining classes); neither KEEP nor
 * SPACE: dropped. */
#define CLEAN_TAB_N 0x800
enum { CLEAN_KEEP = 1, CLEAN_SPACE = 2, CLEAN_SLOW = 4, CLEAN_BLANK = 8 };
static uint8_t clean_tab[CLEAN_TAB_N];
static pthread_once_t clean_once = PTHREAD_ONCE_INIT;

static void plain16_check(void);

static void clean_tab_init(void)
{
    for (UChar32 c = 0; c < CLEAN_TAB_N; c++) {
        size_t i = 0;
        uint8_t u[2], pr;
        UChar32 d;
        int32_t k = 0;
        U8_APPEND_UNSAFE(u, k, c);
        pr = next_cp(u, (size_t)k, &i, &d);
        clean_tab[c] = c == ' '                    ? CLEAN_SPACE | CLEAN_BLANK
                       : pr & NP_SPACE             ? CLEAN_SPACE
                       : pr & NP_INVISIBLE         ? 0
                       : pr & NP_NFC && c >= 0x300 ? CLEAN_SLOW
                                                   : CLEAN_KEEP;
    }
    plain16_check();
}

/* The output of one clean pass: the buffer, its length and capacity, a pending space. */
typedef struct clean_out {
    char *o;
    size_t n, cap;
    int space;
} clean_out;

/* clean_step: the general step for the character in[start..i) decoded as c (negative when
 * ill-formed) with properties pr; NI_OK or NI_ERR_NOMEM. */
static int clean_step(clean_out *st, const char *in, size_t start, size_t i, size_t len, UChar32 c,
                      uint8_t pr, int *nfc, uint8_t *ccc)
{
    if (pr & NP_SPACE) {
        st->space = 1;
        return NI_OK;
    }
    if (c >= 0 && (pr & NP_INVISIBLE)) return NI_OK;
    if (st->space && st->n) st->o[st->n++] = ' ';
    st->space = 0;
    if (c < 0) return put_fffd(&st->o, &st->n, &st->cap, len - i);
    if (pr & NP_NFC)
        *nfc |= needs_nfc(c, ccc);
    else
        *ccc = 0;
    memcpy(st->o + st->n, in + start, i - start);
    st->n += i - start;
    return NI_OK;
}

/* clean: whitespace collapsed and trimmed, invisibles dropped; *nfc set when NFC may change it.
 * One- and two-byte characters take the table and are written without branches (two bytes
 * stored, the length added); a pending space goes before the next kept character. */
static int clean(const char *in, size_t len, char **out, size_t *outlen, int *nfc)
{
    clean_out st = {malloc(len + 4), 0, len + 4, 0};
    const uint8_t *s = (const uint8_t *)in;
    size_t i = 0;
    uint8_t ccc = 0;
    pthread_once(&clean_once, clean_tab_init);
    while (st.o && i < len) {
        unsigned b = s[i], b1 = i + 1 < len ? s[i + 1] : 0, two = b >= 0x80;
        UChar32 c = two ? (UChar32)((b & 0x1F) << 6 | (b1 & 0x3F)) : (UChar32)b;
        size_t start = i;
        uint8_t e = CLEAN_SLOW;
        if (!two || (b >= 0xC2 && b < 0xE0 && (b1 & 0xC0) == 0x80)) e = clean_tab[c];
        if (e & CLEAN_SLOW) {
            uint8_t pr = next_cp(s, len, &i, &c);
            if (clean_step(&st, in, start, i, len, c, pr, nfc, &ccc)) break;
            continue;
        }
        i += 1 + two;
        size_t keep = e & CLEAN_KEEP, lead = keep && st.space && st.n;
        st.o[st.n] = ' ';
        st.n += lead;
        st.o[st.n] = (char)b;
        st.o[st.n + 1] = (char)b1;
        st.n += keep << two;
        st.space = keep ? 0 : (st.space | ((e & CLEAN_SPACE) != 0));
        ccc = keep ? 0 : ccc;
    }
    if (!st.o || i < len) {
        free(st.o);
        return NI_ERR_NOMEM;
    }
    st.o[st.n] = '\0';
    *out = st.o;
    *outlen = st.n;
    return NI_OK;
}

/* slow_kept: the general test of already_clean for the character at s[i]: the index after it
 * when it is kept unchanged with NFC not needed so far, else 0. */
static size_t slow_kept(const uint8_t *s, size_t len, size_t i, uint8_t *ccc)
{
    UChar32 c;
    uint8_t pr = next_cp(s, len, &i, &c);
    if (c < 0 || (pr & (NP_SPACE | NP_INVISIBLE))) return 0;
    if (!(pr & NP_NFC)) *ccc = 0;
    return !(pr & NP_NFC) || !needs_nfc(c, ccc) ? i : 0;
}

/* 16 bytes tested at once (GCC/Clang vector extension: SSE2/NEON code). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* in_range: lanes of x within lo..hi. */
static inline bytes16 in_range(bytes16 x, unsigned char lo, unsigned char hi)
{
    return (bytes16)(x >= lo) & (bytes16)(x <= hi);
}

/* arabic_kept: lanes where t, following the lead byte 0xD8 (d8) or 0xD9 (d9), completes a letter
 * of U+0600..U+067F that clean keeps as it is (not the marks U+0610-061A and U+064B-065F, U+0670,
 * nor U+061C): the clean_tab entries, checked once by plain16_ready. */
static inline bytes16 arabic_kept(bytes16 t, bytes16 d8, bytes16 d9)
{
    bytes16 trail = in_range(t, 0x80, 0xBF);
    bytes16 ok8 = ~in_range(t, 0x90, 0x9A) & (bytes16)(t != 0x9C);
    bytes16 ok9 = ~in_range(t, 0x8B, 0x9F) & (bytes16)(t != 0xB0);
    return trail & ((d8 & ok8) | (d9 & ok9));
}

/* plain16: clean keeps s[0..16) as it is given the character before it (s[-1] and s[16] are
 * read): printable ASCII, blanks not after a blank, and kept Arabic letters checked as byte
 * pairs (a lead in the last lane pairs with s[16]). */
static int plain16(const uint8_t *s)
{
    bytes16 x, prev, next;
    memcpy(&x, s, 16);
    memcpy(&prev, s - 1, 16);
    memcpy(&next, s + 1, 16);
    bytes16 ascii = in_range(x, 0x20, 0x7E) & ~((bytes16)(x == ' ') & (bytes16)(prev == ' '));
    bytes16 lead = arabic_kept(next, (bytes16)(x == 0xD8), (bytes16)(x == 0xD9));
    bytes16 trail = arabic_kept(x, (bytes16)(prev == 0xD8), (bytes16)(prev == 0xD9));
    bytes16 ok = ascii | lead | trail;
    uint64_t lo, hi;
    memcpy(&lo, &ok, 8);
    memcpy(&hi, (const char *)&ok + 8, 8);
    return (lo & hi) == ~0ull;
}

/* plain16_check: the byte ranges plain16 keeps agree with clean_tab (else it stays unused). */
static int plain16_ok;

static void plain16_check(void)
{
    int ok = 1;
    for (UChar32 c = 0; c < 0x80; c++)
        ok &= (c >= 0x21 && c <= 0x7E) == ((clean_tab[c] & CLEAN_KEEP) != 0);
    for (UChar32 c = 0x600; c < 0x680; c++) {
        int mark =
            (c >= 0x610 && c <= 0x61A) || c == 0x61C || (c >= 0x64B && c <= 0x65F) || c == 0x670;
        ok &= !mark == ((clean_tab[c] & CLEAN_KEEP) != 0);
    }
    plain16_ok = ok;
}

/* already_clean: clean would return in[0..len) unchanged and NFC would not be run (single blanks
 * between kept characters, nothing dropped). Reads without writing; stops at the first change. */
static int already_clean(const char *in, size_t len)
{
    const uint8_t *s = (const uint8_t *)in;
    size_t i = 0;
    int blank = 1; /* the previous character was a blank, or none */
    uint8_t ccc = 0;
    size_t next_try = 1; /* 16 plain bytes are skipped at once from here (not right after a miss) */
    pthread_once(&clean_once, clean_tab_init);
    while (i < len) { /* letters and blanks alternate: no branch tells them apart */
        if (i >= next_try && i + 17 <= len && plain16_ok) {
            if (plain16(s + i)) {
                i += 16 + (s[i + 15] >= 0xC0); /* a lead in the last lane takes its trail */
                blank = s[i - 1] == ' ', ccc = 0;
                continue;
            }
            next_try = i + 16;
        }
        unsigned b = s[i], b1 = i + 1 < len ? s[i + 1] : 0, two = b >> 7, m = 0u - two;
        unsigned valid = (two ^ 1u) | ((b - 0xC2u < 0x1Eu) & ((b1 & 0xC0) == 0x80));
        uint8_t e = clean_tab[(b & ~m) | (((b & 0x1F) << 6 | (b1 & 0x3F)) & m)]; /* no branch */
        e = valid ? e : CLEAN_SLOW;
        unsigned kept = e & CLEAN_KEEP, single = (e >> 3 & 1) & !blank; /* CLEAN_BLANK */
        if (kept | single) {
            i += 1 + two;
            blank = (int)single;
            ccc = kept ? 0 : ccc;
            continue;
        }
        if (!(e & CLEAN_SLOW) || !(i = slow_kept(s, len, i, &ccc))) return 0;
        blank = 0;
    }
    return !blank || len == 0;
}

int normalize_text(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    *out = NULL;
    if (already_clean(in, len)) {
        *out = util_strndup(in, len);
        return *out ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    char *o = NULL;
    size_t n = 0;
    int nfc = 0;
    if (clean(in, len, &o, &n, &nfc))
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    int rc = nfc ? nfc_utf8(&o, &n, errstr, errlen) : NI_OK;
    if (rc) {
        free(o);
        return rc;
    }
    *out = o;
    return NI_OK;
}

int normalize_text_plain(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    sbuf b = SBUF_INIT;
    int space = 0, rc = NI_OK;
    for (int32_t i = 0; rc == NI_OK && (size_t)i < len;) {
        UChar32 c;
        U8_NEXT(in, i, (int32_t)len, c);
        uint8_t pr = c < 0 ? 0 : normalize_props(c);
        if (pr & NP_SPACE) space = b.len > 0;
        if (pr & (NP_SPACE | NP_INVISIBLE)) continue;
        if (space) rc = sbuf_append_char(&b, ' ');
        space = 0;
        char u[4];
        int32_t k = 0;
        U8_APPEND_UNSAFE(u, k, c < 0 ? 0xFFFD : c);
        if (rc == NI_OK) rc = sbuf_append(&b, u, (size_t)k);
    }
    size_t n = b.len;
    *out = rc == NI_OK ? sbuf_steal(&b) : NULL;
    sbuf_free(&b);
    if (!*out) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    rc = nfc_utf8(out, &n, errstr, errlen);
    if (rc) free(*out), *out = NULL;
    return rc;
}

/* field: normalizes *f in place; an empty result becomes NULL. */
static int field(char **f, char *errstr, size_t errlen)
{
    if (!*f) return NI_OK;
    size_t len = strlen(*f);
    if (!already_clean(*f, len)) { /* the common case keeps the string */
        char *o;
        int rc = normalize_text(*f, len, &o, errstr, errlen);
        if (rc) return rc;
        free(*f);
        *f = o;
    }
    if (!**f) free(*f), *f = NULL;
    return NI_OK;
}

/* strings: normalizes an array of strings in place, dropping the empty ones. */
static int strings(char **v, size_t *n, char *errstr, size_t errlen)
{
    size_t k = 0;
    int rc = NI_OK;
    for (size_t i = 0; i < *n; i++) {
        if (rc == NI_OK) rc = field(&v[i], errstr, errlen);
        if (v[i]) v[k++] = v[i];
    }
    *n = k;
    return rc;
}

/* blocks: normalizes the body blocks, dropping the empty ones (a block is one paragraph). */
static int blocks(article *a, char *errstr, size_t errlen)
{
    size_t k = 0;
    int rc = NI_OK;
    for (size_t i = 0; i < a->nblocks; i++) {
        if (rc == NI_OK) rc = field(&a->blocks[i].text, errstr, errlen);
        if (a->blocks[i].text) a->blocks[k++] = a->blocks[i];
    }
    a->nblocks = k;
    return rc;
}

/* related: normalizes related links; entries without a title are dropped. */
static int related(article *a, char *errstr, size_t errlen)
{
    size_t k = 0;
    int rc = NI_OK;
    for (size_t i = 0; i < a->nrelated; i++) {
        article_link *l = &a->related[i];
        if (rc == NI_OK) rc = field(&l->title, errstr, errlen);
        if (rc == NI_OK) rc = field(&l->url, errstr, errlen);
        if (l->title)
            a->related[k++] = *l;
        else
            free(l->url);
    }
    a->nrelated = k;
    return rc;
}

int normalize_article(article *a, char *errstr, size_t errlen)
{
    char **fields[] = {&a->title,         &a->author,   &a->site_name, &a->url,
                       &a->canonical_url, &a->language, &a->direction, &a->description};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int rc = field(fields[i], errstr, errlen);
        if (rc) return rc;
    }
    int rc = blocks(a, errstr, errlen);
    if (rc == NI_OK) rc = strings(a->captions, &a->ncaptions, errstr, errlen);
    if (rc == NI_OK) rc = strings(a->keywords, &a->nkeywords, errstr, errlen);
    if (rc == NI_OK) rc = related(a, errstr, errlen);
    return rc;
}
