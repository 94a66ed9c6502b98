/* search.c: the indexing form of text: ICU NFKC_Casefold, then Arabic orthographic folding.
 *
 * The Arabic folding follows the conventions of CAMeL Tools (camel_tools.utils.dediac and
 * normalize_alef_ar / normalize_alef_maksura_ar / normalize_teh_marbuta_ar) and of Lucene's
 * ArabicNormalizer (Larkey et al., "Light Stemming for Arabic Information Retrieval"):
 * diacritics and tatweel removed, hamzated/madda/wasla alef -> bare alef, alef maksura -> yeh,
 * teh marbuta -> heh; Arabic-Indic and Persian digits become ASCII digits.
 */
#include "normalize/normalize.h"

#include "normalize/normalize_internal.h"
#include "util/err.h"

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

/* fold_fast: the whole indexing form straight from UTF-8 when no character needs ICU's
 * NFKC_Casefold (ASCII, already-stable letters, whitespace, removable Arabic marks): *out set.
 * Returns 0 (nothing allocated) as soon as one does, 1 when done, -1 when out of memory.
 * Unchanged characters are copied in runs (in[run..start) is kept but not yet written). */
static int fold_fast(const char *in, size_t len, char **out)
{
    const uint8_t *s = (const uint8_t *)in;
    char *o = malloc(len + 1);
    size_t i = 0, n = 0, run = 0;
    int space = 0, icu = 0;
    if (!o) return -1;
    while (i < len && !icu) {
        size_t start = i;
        UChar32 c = s[i];
        if (c < 0x80)
            i++;
        else if (c >= 0xC2 && c < 0xE0 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
            c = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            i += 2;
        } else {
            int32_t j = 0, m = (int32_t)(len - i < 4 ? len - i : 4);
            U8_NEXT(s + i, j, m, c);
            i += (size_t)j;
            if ((icu = c < 0)) break;
        }
        if ((icu = c >= 0x80 && (normalize_props(c) & NP_NFKC_CF))) break;
        UChar32 f = normalize_fold(c);
        if (f == c && f != ' ') {
            if (space) o[n++] = ' ', space = 0; /* run == start here */
            continue;
        }
        memcpy(o + n, in + run, start - run);
        n += start - run;
        run = i;
        if (f == ' ') space = n > 0;
        if (f == ' ' || f == 0) continue;
        if (space) o[n++] = ' ', space = 0;
        U8_APPEND_UNSAFE(o, n, f);
    }
    if (icu) {
        free(o);
        return 0;
    }
    memcpy(o + n, in + run, len - run);
    n += len - run;
    o[n] = '\0';
    *out = o;
    return 1;
}

int normalize_search_text(const char *in, size_t len, char **out, char *errstr, size_t errlen)
{
    *out = NULL;
    int fast = fold_fast(in, len, out);
    if (fast) {
        return fast > 0 ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
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
