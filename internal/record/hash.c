/* hash.c: the record's hashes (id, simhash, sha256) and word counting over whitespace tokens. */
#include "record/record.h"
#include "record_internal.h"

#include "util/sbuf.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#define XXH_INLINE_ALL /* the shingle hashes are short: inlined XXH3 skips the call and dispatch   \
                        */
#include <xxhash.h>

static const char hexdigits[] = "0123456789abcdef";

static void hex_bytes(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[b[i] >> 4];
        out[2 * i + 1] = hexdigits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

void record_id(const char *canonical_url, const char *title, const char *body, char id[33])
{
    XXH128_hash_t h;
    if (canonical_url) {
        h = XXH3_128bits(canonical_url, strlen(canonical_url));
    } else {
        XXH3_state_t *st = XXH3_createState();
        if (!st) { /* out of memory: hash the body alone rather than fail */
            h = XXH3_128bits(body ? body : "", body ? strlen(body) : 0);
        } else {
            XXH3_128bits_reset(st);
            if (title) XXH3_128bits_update(st, title, strlen(title));
            XXH3_128bits_update(st, "\n", 1);
            if (body) XXH3_128bits_update(st, body, strlen(body));
            h = XXH3_128bits_digest(st);
            XXH3_freeState(st);
        }
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    hex_bytes(c.digest, sizeof c.digest, id);
}

static EVP_MD *sha256_md; /* fetched once: EVP_Digest would look the algorithm up per call */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_init(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void record_sha256_hex(const char *data, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    pthread_once(&sha256_once, sha256_init);
    const EVP_MD *alg = sha256_md ? sha256_md : EVP_sha256();
    if (!EVP_Digest(data, len, md, &mdlen, alg, NULL) || mdlen != 32) {
        memset(md, 0, 32); /* only on an OpenSSL failure (out of memory) */
    }
    hex_bytes(md, 32, hex);
}

/* space_tab: the ASCII white space that separates tokens. */
static const unsigned char space_tab[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

/* 16 bytes tested at once (GCC/Clang vector extension). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* low_mask16: bit j set when byte j of s[0..16) is <= 0x20 (white space and other controls). */
static inline unsigned low_mask16(const char *s)
{
    bytes16 x;
    memcpy(&x, s, 16);
    bytes16 m = (bytes16)(x <= 0x20);
    uint64_t lo, hi;
    memcpy(&lo, &m, 8);
    memcpy(&hi, (const char *)&m + 8, 8);
    const uint64_t high = 0x8080808080808080ull, gather = 0x0002040810204081ull;
    return (unsigned)(((lo & high) * gather) >> 56) | (unsigned)(((hi & high) * gather) >> 56) << 8;
}

/* token_end: the first white-space byte of s[i..len), len when none; whole blocks of 16 bytes
 * without a byte <= 0x20 are skipped at once. */
static inline size_t token_end(const char *s, size_t len, size_t i)
{
    while (i + 16 <= len) {
        unsigned m = low_mask16(s + i);
        for (; m; m &= m - 1) { /* usually the first candidate is a space */
            size_t j = i + (size_t)__builtin_ctz(m);
            if (space_tab[(unsigned char)s[j]]) return j;
        }
        i += 16;
    }
    while (i < len && !space_tab[(unsigned char)s[i]]) i++;
    return i;
}

/* next_token: the next whitespace-separated token of s[*pos..len) as [*start, *end); 0 at end. */
static inline int next_token(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    while (i < len && space_tab[(unsigned char)s[i]]) i++;
    if (i >= len) return 0;
    *start = i;
    *end = *pos = token_end(s, len, i);
    return 1;
}

/* has_alnum: the token contains a letter or digit (any script; ASCII and Arabic letters without
 * ICU). */
static int has_alnum(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            if ((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')) return 1;
            i++;
            continue;
        }
        if ((b == 0xD8 || b == 0xD9) && i + 1 < len) { /* U+0600..U+067F */
            unsigned cp = ((b & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
            if (((unsigned char)s[i + 1] & 0xC0) == 0x80 && cp >= 0x0621 && cp <= 0x064A) return 1;
        }
        UChar32 c;
        int32_t j = (int32_t)i;
        U8_NEXT(s, j, (int32_t)len, c);
        i = (size_t)j;
        if (c >= 0 && u_isalnum(c)) return 1;
    }
    return 0;
}

/* Simhash counters: per bit of the 64-bit shingle hashes, how many hashes had it set. The hot
 * loop adds 8 bytes of a precomputed table per hash (one 8-bit lane per bit), flushed into the
 * wide counters before a lane can overflow. */
typedef struct simhash_acc {
    uint64_t lanes[8]; /* lanes[k] byte j: count of bit 8k+j since the last flush */
    uint32_t counts[64];
    unsigned pending, total;
} simhash_acc;

static uint64_t spread[256]; /* spread[b] byte j = bit j of b */

static pthread_once_t spread_once = PTHREAD_ONCE_INIT;

static void spread_init(void)
{
    for (int b = 0; b < 256; b++) {
        uint64_t v = 0;
        for (int j = 0; j < 8; j++) v |= (uint64_t)((b >> j) & 1) << (8 * j);
        spread[b] = v;
    }
}

static void simhash_flush(simhash_acc *a)
{
    for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 8; j++)
            a->counts[8 * k + j] += (uint32_t)(a->lanes[k] >> (8 * j)) & 255;
        a->lanes[k] = 0;
    }
    a->pending = 0;
}

static void simhash_add(simhash_acc *a, uint64_t h)
{
    for (int k = 0; k < 8; k++) a->lanes[k] += spread[(h >> (8 * k)) & 255];
    a->total++;
    if (++a->pending == 255) simhash_flush(a);
}

/* shingle_hash: XXH3-64 of words w[0..n) joined by one space; hashed in place when the text
 * already has single spaces between them, else through scratch. */
static uint64_t shingle_hash(const char *s, const size_t w[][2], int n, sbuf *scratch)
{
    int contiguous = 1;
    for (int k = 1; k < n; k++) contiguous &= w[k][0] == w[k - 1][1] + 1 && s[w[k - 1][1]] == ' ';
    if (contiguous) return XXH3_64bits(s + w[0][0], w[n - 1][1] - w[0][0]);
    sbuf_reset(scratch);
    for (int k = 0; k < n; k++) {
        if (k && sbuf_append_char(scratch, ' ')) return 0;
        if (sbuf_append(scratch, s + w[k][0], w[k][1] - w[k][0])) return 0;
    }
    return XXH3_64bits(scratch->data, scratch->len);
}

void record_text_scan(const char *text, size_t len, size_t *words, unsigned long long *simhash)
{
    simhash_acc acc = {{0}, {0}, 0, 0};
    pthread_once(&spread_once, spread_init);
    size_t w[3][2], pos = 0, a, b, n = 0;
    int nw = 0, nshingles = 0;
    sbuf scratch = SBUF_INIT;
    while (next_token(text, len, &pos, &a, &b)) {
        if (words) n += has_alnum(text + a, b - a);
        if (!simhash) continue;
        w[0][0] = w[1][0], w[0][1] = w[1][1]; /* the window slides by one word */
        w[1][0] = w[2][0], w[1][1] = w[2][1];
        w[2][0] = a, w[2][1] = b;
        if (++nw < 3) continue;
        simhash_add(&acc, shingle_hash(text, (const size_t(*)[2])w, 3, &scratch));
        nshingles++;
    }
    if (words) *words = n;
    if (!simhash) return;
    /* A text of one or two words is one shingle. */
    if (!nshingles && nw)
        simhash_add(&acc, shingle_hash(text, (const size_t(*)[2])w + 3 - nw, nw, &scratch));
    sbuf_free(&scratch);
    simhash_flush(&acc);
    uint64_t h = 0; /* bit i set when more hashes had it set than not */
    for (int i = 0; i < 64; i++)
        if (2 * (uint64_t)acc.counts[i] > acc.total) h |= (uint64_t)1 << i;
    *simhash = h;
}

unsigned long long record_simhash(const char *text, size_t len)
{
    unsigned long long h;
    record_text_scan(text, len, NULL, &h);
    return h;
}

size_t record_word_count(const char *text, size_t len)
{
    size_t n;
    record_text_scan(text, len, &n, NULL);
    return n;
}
