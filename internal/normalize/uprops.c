/* uprops.c: the code-point properties normalization tests per character, read from ICU once into
 * BMP lookup tables (so the hot loops make no ICU calls for ordinary letters). */
#include "normalize_internal.h"
#include "text/fold.h"

#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

const int normalize_scripts[] = {USCRIPT_ARABIC,   USCRIPT_HEBREW, USCRIPT_CYRILLIC,
                                 USCRIPT_GREEK,    USCRIPT_HAN,    USCRIPT_HIRAGANA,
                                 USCRIPT_KATAKANA, USCRIPT_HANGUL, USCRIPT_DEVANAGARI,
                                 USCRIPT_THAI,     USCRIPT_LATIN};
const int normalize_nscripts = sizeof normalize_scripts / sizeof normalize_scripts[0];

uint8_t normalize_bmp_props[0x10000];
uint8_t normalize_bmp_scripts[0x10000];
uint16_t normalize_bmp_fold[0x10000];
atomic_int normalize_tables_ready;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* invisible: zero-width and bidi formatting characters and controls dropped from text (ZWJ/ZWNJ
 * kept: they shape Persian and Indic words). */
static int invisible(UChar32 c)
{
    return c == 0x00AD || c == 0x061C || c == 0x200B || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF ||
           (u_charType(c) == U_CONTROL_CHAR && !u_isUWhiteSpace(c));
}

/* compute: the NP_* bits of c from ICU. */
static uint8_t compute(UChar32 c)
{
    uint8_t p = 0, ccc = u_getCombiningClass(c);
    if (u_isUWhiteSpace(c)) p |= NP_SPACE;
    if (invisible(c)) p |= NP_INVISIBLE;
    if (ccc || u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES) p |= NP_NFC;
    /* U+0653-U+0655 compose with alef/waw/yeh: those need the real normalizer. */
    int removable = text_arabic_mark(c) && !(c >= 0x0653 && c <= 0x0655);
    if (removable) p |= NP_AR_MARK;
    if (c >= 0x80 && !removable && !u_isUWhiteSpace(c) &&
        (ccc || u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES ||
         u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_NFKC_CASEFOLDED)))
        p |= NP_NFKC_CF;
    if (u_isalpha(c)) p |= NP_ALPHA;
    return p;
}

/* fold_of: normalize_fold's value: text_fold's TEXT_FOLD_SEARCH, 0 when dropped. */
static UChar32 fold_of(UChar32 c)
{
    UChar32 f = text_fold(c, TEXT_FOLD_SEARCH);
    return f == TEXT_FOLD_DROP ? 0 : f;
}

/* script_of: normalize_script's value computed from ICU. */
static uint8_t script_of(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &st);
    for (int i = 0; U_SUCCESS(st) && i < normalize_nscripts; i++)
        if (normalize_scripts[i] == (int)sc) return (uint8_t)(i + 1);
    return 0;
}

static void build(void)
{
    for (UChar32 c = 0; c < 0x10000; c++) {
        normalize_bmp_props[c] = compute(c);
        normalize_bmp_scripts[c] = script_of(c);
        normalize_bmp_fold[c] = (uint16_t)fold_of(c);
    }
    atomic_store_explicit(&normalize_tables_ready, 1, memory_order_release);
}

uint8_t normalize_props_slow(UChar32 c)
{
    if (c >= 0x10000) return compute(c);
    pthread_once(&once, build);
    return normalize_bmp_props[c];
}

uint8_t normalize_script_slow(UChar32 c)
{
    if (c >= 0x10000) return script_of(c);
    pthread_once(&once, build);
    return normalize_bmp_scripts[c];
}

UChar32 normalize_fold_slow(UChar32 c)
{
    if (c >= 0x10000) return fold_of(c);
    pthread_once(&once, build);
    return normalize_bmp_fold[c];
}
