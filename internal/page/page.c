/* page.c: stage 1: size limit, binary signatures, charset choice, UTF-8 output, type sniffing. */
#include "page/page.h"

#include "page_internal.h"
#include "util/err.h"
#include "util/quality.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HARD_MAX_BYTES ((size_t)INT32_MAX / 4) /* ICU lengths are int32_t */
#define DETECT_TRIES 3
#define SNIFF_BYTES 4096

/* How the bytes were decoded. */
typedef struct decoded {
    page_sink k;
    char charset[32];
    unsigned quality;
} decoded;

int page_type_parse(const char *ct, page_type *out)
{
    if (!ct) return NI_ERR_INVALID;
    while (*ct == ' ' || *ct == '\t') ct++;
    size_t n = strcspn(ct, "; \t");
    static const struct {
        const char *name;
        page_type type;
    } types[] = {{"text/html", PAGE_TYPE_HTML},
                 {"application/xhtml+xml", PAGE_TYPE_HTML},
                 {"text/plain", PAGE_TYPE_TEXT},
                 {"auto", PAGE_TYPE_AUTO}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strlen(types[i].name) == n && !strncasecmp(ct, types[i].name, n)) {
            *out = types[i].type;
            return NI_OK;
        }
    }
    return NI_ERR_INVALID;
}

/* binary_magic: the file format a well-known binary signature at the start names, or NULL. */
static const char *binary_magic(const char *b, size_t len)
{
    static const struct {
        const char *sig;
        size_t n;
        const char *name;
    } magics[] = {
        {"\x89PNG\r\n\x1a\n", 8, "PNG"},
        {"%PDF-", 5, "PDF"},
        {"PK\x03\x04", 4, "ZIP"},
        {"\x1f\x8b", 2, "gzip"},
        {"GIF87a", 6, "GIF"},
        {"GIF89a", 6, "GIF"},
        {"\xff\xd8\xff", 3, "JPEG"},
        {"\x7f"
         "ELF",
         4, "ELF"},
        {"\xfd"
         "7zXZ",
         5, "xz"},
        {"7z\xbc\xaf\x27\x1c", 6, "7z"},
        {"\x28\xb5\x2f\xfd", 4, "zstd"},
    };
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (len >= magics[i].n && !memcmp(b, magics[i].sig, magics[i].n)) return magics[i].name;
    return NULL;
}

/* decode_utf8: s as UTF-8 into d: one copy when the scan found nothing to fix. */
static int decode_utf8(const char *s, size_t len, const page_scan *sc, decoded *d)
{
    int fast = sc->valid && !sc->dirty;
    d->k.buf = malloc(fast ? len + 1 : len * 3 + 1);
    if (!d->k.buf) return NI_ERR_NOMEM;
    if (fast) {
        memcpy(d->k.buf, s, len);
        d->k.len = d->k.cps = len;
    } else if (page_utf8_clean(s, len, &d->k)) {
        d->quality |= QUALITY_INVALID_BYTES;
    }
    if (!d->charset[0]) snprintf(d->charset, sizeof d->charset, "UTF-8");
    return NI_OK;
}

/* convert: bytes in ICU charset name into d; *invalid = undecodable sequences. */
static int convert(const char *name, const char *b, size_t len, decoded *d, size_t *invalid,
                   char *errstr, size_t errlen)
{
    int rc = page_charset_convert(name, b, len, &d->k, invalid, errstr, errlen);
    if (rc) return rc;
    page_charset_std_name(name, d->charset, sizeof d->charset);
    if (!page_charset_is_utf8(d->charset)) d->quality |= QUALITY_CHARSET_CONVERTED;
    if (*invalid) d->quality |= QUALITY_INVALID_BYTES;
    return NI_OK;
}

/* utf16_plausible: UTF-16 text repeats a few high bytes (the script's block): the most common
 * byte at positions hi, hi + 2, ... covers at least 40% of them. */
static int utf16_plausible(const char *b, size_t len, size_t hi)
{
    size_t counts[256] = {0}, pairs = len / 2, best = 0;
    for (size_t i = hi; i < pairs * 2; i += 2) counts[(unsigned char)b[i]]++;
    for (int v = 0; v < 256; v++)
        if (counts[v] > best) best = counts[v];
    return pairs >= 4 && best * 10 >= pairs * 4;
}

/* candidates: charsets worth trying for bytes nothing (reliable) declared: ICU ucsdet's best
 * guesses (UTF-8 left out when skip_utf8) and UTF-16 only when the bytes look like it (ICU's
 * UTF-16 guess accepts random bytes). Returns how many were written to names. */
static int candidates(const char *b, size_t len, int html, int skip_utf8,
                      const char *names[DETECT_TRIES + 2])
{
    const char *detected[DETECT_TRIES];
    int nd = page_charset_detect(b, len, html, skip_utf8, detected, DETECT_TRIES), n = 0;
    for (int i = 0; i < nd; i++)
        if (strncasecmp(detected[i], "UTF-16", 6)) names[n++] = detected[i];
    if (utf16_plausible(b, len, 1)) names[n++] = "UTF-16LE";
    if (utf16_plausible(b, len, 0)) names[n++] = "UTF-16BE";
    return n;
}

/* try_detected: decodes with the first ICU-detected charset (other than `exclude`) that decodes
 * every byte; 1 and d filled when one did, 0 (d untouched) otherwise. */
static int try_detected(const char *b, size_t len, int html, const char *exclude, decoded *d)
{
    const char *names[DETECT_TRIES + 2];
    int n = candidates(b, len, html, 1, names);
    char std[32] = "";
    if (exclude) page_charset_std_name(exclude, std, sizeof std);
    for (int i = 0; i < n; i++) {
        decoded t = {0};
        size_t invalid = 0;
        page_charset_std_name(names[i], t.charset, sizeof t.charset);
        if (!strcasecmp(t.charset, std)) continue;
        if (convert(names[i], b, len, &t, &invalid, NULL, 0) == NI_OK && invalid == 0) {
            t.quality |= d->quality;
            *d = t;
            return 1;
        }
        free(t.k.buf);
    }
    return 0;
}

/* decode_declared: the declared charset unless the bytes prove it wrong (then MISMATCH). */
static int decode_declared(const char *b, size_t len, const char *name, const page_scan *sc,
                           int html, decoded *d, char *errstr, size_t errlen)
{
    if (page_charset_is_utf8(name)) {
        if (!sc->valid && sc->invalid >= sc->mb && try_detected(b, len, html, NULL, d)) {
            d->quality |= QUALITY_CHARSET_MISMATCH;
            return NI_OK;
        }
        return decode_utf8(b, len, sc, d);
    }
    if (sc->valid && page_charset_ascii_compatible(name)) {
        if (sc->mb)
            d->quality |= QUALITY_CHARSET_MISMATCH; /* real UTF-8 text */
        else
            page_charset_std_name(name, d->charset, sizeof d->charset); /* ASCII: same bytes */
        if (sc->mb || !memchr(b, 0x1B, len)) return decode_utf8(b, len, sc, d); /* ESC: ISO-2022 */
        d->charset[0] = '\0';
    }
    size_t invalid = 0;
    int rc = convert(name, b, len, d, &invalid, errstr, errlen);
    if (rc || invalid == 0) return rc;
    decoded alt = {0};
    if (try_detected(b, len, html, name, &alt)) {
        free(d->k.buf);
        *d = alt;
        d->quality |= QUALITY_CHARSET_MISMATCH;
    }
    return NI_OK;
}

/* decode_guessed: nothing declared a charset: valid UTF-8 is UTF-8 unless it is full of control
 * bytes (UTF-16 without BOM); else the ICU-detected charset that decodes with the fewest
 * undecodable and control characters. */
static int decode_guessed(const char *b, size_t len, const page_scan *sc, int html, decoded *d)
{
    int heavy = sc->ctrl * 8 > len;
    if (sc->valid && !heavy) return decode_utf8(b, len, sc, d);
    const char *names[DETECT_TRIES + 3];
    int n = candidates(b, len, html, 0, names);
    if (sc->valid) names[n++] = "UTF-8";
    decoded best = {0};
    size_t best_score = SIZE_MAX;
    for (int i = 0; i < n && best_score > 0; i++) {
        decoded t = {0};
        size_t invalid = sc->invalid;
        int rc = page_charset_is_utf8(names[i]) ? decode_utf8(b, len, sc, &t)
                                                : convert(names[i], b, len, &t, &invalid, NULL, 0);
        if (rc == NI_OK && invalid + t.k.bad < best_score) {
            free(best.k.buf);
            best = t;
            best_score = invalid + t.k.bad;
        } else {
            free(t.k.buf);
        }
    }
    if (!best.k.buf) return decode_utf8(b, len, sc, d);
    *d = best;
    d->quality |= QUALITY_CHARSET_GUESSED;
    return NI_OK;
}

/* declared_charset: the hint's charset, else (HTML) the <meta> one; NULL when none is usable. */
static const char *declared_charset(const char *b, size_t len, const page_hints *h, char *buf,
                                    size_t cap)
{
    if (h->charset) {
        const char *name = page_charset_label(h->charset, buf, cap);
        if (name) return name;
    }
    char meta[40];
    if (h->type == PAGE_TYPE_TEXT || !page_charset_meta(b, len, meta, sizeof meta)) return NULL;
    const char *name = page_charset_label(meta, buf, cap);
    /* A meta tag we could read is ASCII: "utf-16" there means UTF-8 (WHATWG). */
    if (name && !page_charset_ascii_compatible(name)) return "UTF-8";
    return name;
}

/* decode_bytes: BOM first, then the declared charset, then detection. */
static int decode_bytes(const char *b, size_t len, const page_hints *h, decoded *d, char *errstr,
                        size_t errlen)
{
    size_t bomlen;
    page_scan sc;
    const char *bom = page_charset_bom(b, len, &bomlen);
    if (bom && page_charset_is_utf8(bom)) {
        page_utf8_scan(b + bomlen, len - bomlen, &sc);
        return decode_utf8(b + bomlen, len - bomlen, &sc, d);
    }
    if (bom) {
        size_t invalid;
        return convert(bom, b + bomlen, len - bomlen, d, &invalid, errstr, errlen);
    }
    char buf[64];
    int html = h->type != PAGE_TYPE_TEXT;
    const char *declared = declared_charset(b, len, h, buf, sizeof buf);
    page_utf8_scan(b, len, &sc);
    if (declared) return decode_declared(b, len, declared, &sc, html, d, errstr, errlen);
    return decode_guessed(b, len, &sc, html, d);
}

/* looks_like_markup: the text starts with a tag or declaration, or is dense with tags. */
static int looks_like_markup(const char *s, size_t len)
{
    static const char *const starts[] = {"<!doctype", "<html", "<head",   "<body",   "<div",
                                         "<p>",       "<p ",   "<meta",   "<!--",    "<?xml",
                                         "<title",    "<link", "<script", "<article"};
    size_t i = 0, lim = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    while (i < lim && isspace((unsigned char)s[i])) i++;
    for (size_t j = 0; j < sizeof starts / sizeof starts[0]; j++) {
        size_t n = strlen(starts[j]);
        if (i + n <= len && !strncasecmp(s + i, starts[j], n)) return 1;
    }
    int tags = 0;
    for (; i + 2 < lim && tags < 5; i++) {
        const char *lt = memchr(s + i, '<', lim - 2 - i);
        if (!lt) break;
        i = (size_t)(lt - s);
        size_t j = i + 1 + (s[i + 1] == '/');
        size_t k = j;
        while (k < lim && isalnum((unsigned char)s[k])) k++;
        if (k > j && isalpha((unsigned char)s[j]) && k < lim && strchr(" \t\n>/", s[k])) tags++;
    }
    return tags >= 5;
}

/* is_binary: undecodable and control characters make up too much of the text. */
static int is_binary(const page_sink *k)
{
    return k->cps && (k->bad * 4 > k->cps || (k->cps >= 64 && k->ctrl * 10 > k->cps));
}

int page_decode(const char *bytes, size_t len, const page_hints *hints, page **out, char *errstr,
                size_t errlen)
{
    static const page_hints none = {0};
    const page_hints *h = hints ? hints : &none;
    size_t max = h->max_bytes ? h->max_bytes : PAGE_DEFAULT_MAX_BYTES;
    *out = NULL;
    if (max > HARD_MAX_BYTES) max = HARD_MAX_BYTES;
    if (len > max)
        return ni_err_set(errstr, errlen, NI_ERR_TOO_LARGE,
                          "page is %zu bytes, over the %zu-byte size limit", len, max);
    if (!bytes && len) return ni_err_set(errstr, errlen, NI_ERR_INVALID, "no page bytes");
    const char *magic = binary_magic(bytes, len);
    if (magic)
        return ni_err_set(errstr, errlen, NI_ERR_BINARY,
                          "binary content (%s signature), not a text page", magic);
    decoded d = {0};
    int rc = decode_bytes(bytes ? bytes : "", len, h, &d, errstr, errlen);
    if (rc == NI_ERR_NOMEM) ni_err_set(errstr, errlen, rc, "out of memory decoding the page");
    if (rc == NI_OK && is_binary(&d.k))
        rc = ni_err_set(errstr, errlen, NI_ERR_BINARY,
                        "binary content: %zu of %zu characters are undecodable or controls",
                        d.k.bad, d.k.cps);
    page *p = rc ? NULL : calloc(1, sizeof *p);
    if (!p) {
        free(d.k.buf);
        return rc ? rc : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    char *shrunk = realloc(d.k.buf, d.k.len + 1);
    if (shrunk) d.k.buf = shrunk;
    d.k.buf[d.k.len] = '\0';
    p->text = d.k.buf;
    p->len = d.k.len;
    p->quality = d.quality | d.k.quality;
    p->type = h->type != PAGE_TYPE_AUTO            ? h->type
              : looks_like_markup(p->text, p->len) ? PAGE_TYPE_HTML
                                                   : PAGE_TYPE_TEXT;
    snprintf(p->charset, sizeof p->charset, "%s", d.charset);
    *out = p;
    return NI_OK;
}

void page_destroy(page *p)
{
    if (!p) return;
    free(p->text);
    free(p);
}
