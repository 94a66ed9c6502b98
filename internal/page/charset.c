/* charset.c: charset labels, BOM and <meta> sniffing, ICU ucsdet detection and ucnv conversion. */
#include "page_internal.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/utf16.h>

#define META_SCAN_BYTES 4096
#define DETECT_BYTES 65536
#define META_TAG_BYTES 512

/* WHATWG Encoding Standard: labels whose decoder is a superset charset. */
static const struct {
    const char *label, *name;
} aliases[] = {
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"l1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"cp819", "windows-1252"},
    {"iso-8859-9", "windows-1254"},
    {"latin5", "windows-1254"},
    {"tis-620", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"gb2312", "GB18030"},
    {"gbk", "GB18030"},
    {"x-gbk", "GB18030"},
    {"euc-kr", "windows-949"},
    {"ks_c_5601-1987", "windows-949"},
};

const char *page_charset_label(const char *label, char *buf, size_t cap)
{
    size_t n = strlen(label);
    while (n && (label[n - 1] == ' ' || label[n - 1] == '"' || label[n - 1] == '\'')) n--;
    if (n == 0 || n >= cap) return NULL;
    memcpy(buf, label, n);
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcasecmp(buf, aliases[i].label)) return aliases[i].name;
    UErrorCode st = U_ZERO_ERROR;
    if (ucnv_countAliases(buf, &st) > 0 && U_SUCCESS(st)) return buf;
    st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(buf, &st);
    ucnv_close(c);
    return U_SUCCESS(st) ? buf : NULL;
}

int page_charset_is_utf8(const char *name)
{
    return !strcasecmp(name, "UTF-8") || !strcasecmp(name, "utf8");
}

int page_charset_ascii_compatible(const char *name)
{
    static const char probe[] = "<a b=\"c+d~{e\">\n";
    UChar u[64];
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    if (U_FAILURE(st)) return 0;
    int32_t n = ucnv_toUChars(c, u, 64, probe, (int32_t)(sizeof probe - 1), &st);
    ucnv_close(c);
    if (U_FAILURE(st) || n != (int32_t)(sizeof probe - 1)) return 0;
    for (int32_t i = 0; i < n; i++)
        if (u[i] != (UChar)probe[i]) return 0;
    return 1;
}

void page_charset_std_name(const char *name, char *out, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    const char *std = NULL;
    if (U_SUCCESS(st)) {
        const char *icu = ucnv_getName(c, &st);
        if (U_SUCCESS(st)) std = ucnv_getStandardName(icu, "IANA", &st);
        if (!std || U_FAILURE(st)) {
            st = U_ZERO_ERROR;
            std = ucnv_getStandardName(icu, "MIME", &st);
        }
        ucnv_close(c);
    }
    snprintf(out, cap, "%s", std && U_SUCCESS(st) ? std : name);
}

const char *page_charset_bom(const char *bytes, size_t len, size_t *bomlen)
{
    const unsigned char *u = (const unsigned char *)bytes;
    static const struct {
        const char *sig;
        size_t n;
        const char *name;
    } boms[] = {
        {"\xEF\xBB\xBF", 3, "UTF-8"},        {"\xFF\xFE\x00\x00", 4, "UTF-32LE"},
        {"\x00\x00\xFE\xFF", 4, "UTF-32BE"}, {"\xFF\xFE", 2, "UTF-16LE"},
        {"\xFE\xFF", 2, "UTF-16BE"},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        if (len >= boms[i].n && !memcmp(u, boms[i].sig, boms[i].n)) {
            *bomlen = boms[i].n;
            return boms[i].name;
        }
    }
    *bomlen = 0;
    return NULL;
}

/* find_ci: first case-insensitive occurrence of needle (lower case) in s[0..len), or NULL. */
static const char *find_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    const char *end = s + len;
    while ((size_t)(end - s) >= n) {
        const char *p = needle[0] == '<' ? memchr(s, '<', (size_t)(end - s) - n + 1) : s;
        if (!p) return NULL;
        if (!strncasecmp(p, needle, n)) return p;
        s = p + 1;
    }
    return NULL;
}

/* label_after: the label following "charset"/"encoding" (spaces, '=', quotes skipped). */
static int label_after(const char *p, const char *end, char *out, size_t cap)
{
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p >= end || *p != '=') return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')) p++;
    size_t n = 0;
    while (p + n < end && n + 1 < cap &&
           (strchr("-_.:", p[n]) || (p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'z') ||
            (p[n] >= 'A' && p[n] <= 'Z')))
        n++;
    if (n == 0) return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

int page_charset_meta(const char *bytes, size_t len, char *out, size_t cap)
{
    size_t lim = len < META_SCAN_BYTES ? len : META_SCAN_BYTES;
    const char *s = bytes, *end = bytes + lim;
    if (lim > 5 && !strncmp(s, "<?xml", 5)) {
        const char *close = memchr(s, '>', lim);
        const char *enc = find_ci(s, close ? (size_t)(close - s) : lim, "encoding");
        if (enc && label_after(enc + 8, close ? close : end, out, cap)) return 1;
    }
    while (s < end) {
        const char *m = find_ci(s, (size_t)(end - s), "<meta");
        if (!m) return 0;
        size_t room = (size_t)(end - m) < META_TAG_BYTES ? (size_t)(end - m) : META_TAG_BYTES;
        const char *close = memchr(m, '>', room);
        const char *tag_end = close ? close : m + room;
        const char *cs = find_ci(m, (size_t)(tag_end - m), "charset");
        if (cs && label_after(cs + 7, tag_end, out, cap)) return 1;
        s = m + 5;
    }
    return 0;
}

int page_charset_detect(const char *bytes, size_t len, int html, int skip_utf8, const char **names,
                        int max)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&st);
    if (U_FAILURE(st)) return 0;
    ucsdet_enableInputFilter(d, html ? 1 : 0);
    ucsdet_setText(d, bytes, (int32_t)(len < DETECT_BYTES ? len : DETECT_BYTES), &st);
    int32_t n = 0;
    const UCharsetMatch **m = ucsdet_detectAll(d, &n, &st);
    int k = 0;
    for (int32_t i = 0; U_SUCCESS(st) && i < n && k < max; i++) {
        const char *name = ucsdet_getName(m[i], &st);
        if (U_FAILURE(st) || !name) break;
        if (!strncmp(name, "IBM42", 5)) continue; /* EBCDIC: never a web page */
        if (skip_utf8 && page_charset_is_utf8(name)) continue;
        names[k++] = name;
    }
    ucsdet_close(d);
    return k;
}

/* to_u_sub: ICU to-Unicode callback: counts each undecodable sequence, writes U+FFFD. */
static void to_u_sub(const void *ctx, UConverterToUnicodeArgs *args, const char *cu, int32_t n,
                     UConverterCallbackReason reason, UErrorCode *err)
{
    if (reason > UCNV_IRREGULAR) return;
    (*(size_t *)ctx)++;
    *err = U_ZERO_ERROR;
    static const UChar sub = 0xFFFD;
    ucnv_cbToUWriteUChars(args, &sub, 1, 0, err);
}

/* to_utf16: bytes -> fresh UTF-16 buffer (*out, *outlen) counting undecodable sequences. */
static int to_utf16(UConverter *c, const char *bytes, size_t len, UChar **out, int32_t *outlen,
                    size_t *invalid)
{
    int32_t cap = (int32_t)len + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        UChar *u = malloc((size_t)cap * sizeof *u);
        if (!u) return NI_ERR_NOMEM;
        UErrorCode st = U_ZERO_ERROR;
        *invalid = 0;
        ucnv_resetToUnicode(c);
        int32_t n = ucnv_toUChars(c, u, cap, bytes, (int32_t)len, &st);
        if (U_SUCCESS(st) || st == U_STRING_NOT_TERMINATED_WARNING) {
            *out = u;
            *outlen = n;
            return NI_OK;
        }
        free(u);
        if (st != U_BUFFER_OVERFLOW_ERROR) return NI_ERR_CHARSET;
        cap = n + 1;
    }
    return NI_ERR_CHARSET;
}

int page_charset_convert(const char *name, const char *bytes, size_t len, page_sink *k,
                         size_t *invalid, char *errstr, size_t errlen)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    if (U_FAILURE(st))
        return ni_err_set(errstr, errlen, NI_ERR_CHARSET, "unknown charset \"%s\"", name);
    size_t count = 0;
    ucnv_setToUCallBack(c, to_u_sub, &count, NULL, NULL, &st);
    UChar *u = NULL;
    int32_t n = 0;
    int rc = U_SUCCESS(st) ? to_utf16(c, bytes, len, &u, &n, &count) : NI_ERR_CHARSET;
    ucnv_close(c);
    if (rc == NI_OK && !(k->buf = malloc((size_t)n * 3 + 1))) rc = NI_ERR_NOMEM;
    if (rc) {
        free(u);
        return ni_err_set(errstr, errlen, rc, "cannot convert from %s: %s", name,
                          rc == NI_ERR_NOMEM ? "out of memory" : "ICU conversion failed");
    }
    for (int32_t i = 0; i < n;) {
        UChar32 cp;
        U16_NEXT(u, i, n, cp);
        if (U_IS_SURROGATE(cp)) {
            count++;
            cp = 0xFFFD;
        }
        page_sink_put(k, cp);
    }
    free(u);
    *invalid = count;
    return NI_OK;
}
