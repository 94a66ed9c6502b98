/* normalize_internal.h: per-code-point properties shared by the normalize files (not public). */
#ifndef NI_NORMALIZE_INTERNAL_H
#define NI_NORMALIZE_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <unicode/umachine.h>

/* Property bits of one code point, taken from ICU once (table for the BMP). */
enum {
    NP_SPACE = 1,     /* Unicode White_Space */
    NP_INVISIBLE = 2, /* zero-width/bidi formatting or control character dropped from text */
    NP_NFC = 4,       /* NFC may change it or its neighbours (ccc != 0 or NFC_QC != Yes) */
    NP_NFKC_CF = 8,   /* NFKC_Casefold may change it (search text needs ICU); not set for ASCII
                         or for Arabic marks the search folding removes anyway */
    NP_AR_MARK = 16,  /* Arabic-block nonspacing mark (harakat, Quranic marks): search removes it */
    NP_ALPHA = 32,    /* Alphabetic */
};

/* The BMP tables (filled once by normalize_props_slow; read only after ready is set). */
extern uint8_t normalize_bmp_props[0x10000];
extern uint8_t normalize_bmp_scripts[0x10000];
extern uint16_t normalize_bmp_fold[0x10000];
extern atomic_int normalize_tables_ready;

/* normalize_props_slow / normalize_script_slow: the values from ICU (building the BMP tables on
 * first use); the inline versions below are what the hot loops call. */
uint8_t normalize_props_slow(UChar32 c);
uint8_t normalize_script_slow(UChar32 c);
UChar32 normalize_fold_slow(UChar32 c);

/* normalize_props: NP_* bits of c (c >= 0). */
static inline uint8_t normalize_props(UChar32 c)
{
    if (c < 0x10000 && atomic_load_explicit(&normalize_tables_ready, memory_order_acquire))
        return normalize_bmp_props[c];
    return normalize_props_slow(c);
}

/* normalize_script: 1 + index into normalize_scripts, 0 for other scripts (c >= 0). */
static inline uint8_t normalize_script(UChar32 c)
{
    if (c < 0x10000 && atomic_load_explicit(&normalize_tables_ready, memory_order_acquire))
        return normalize_bmp_scripts[c];
    return normalize_script_slow(c);
}

/* normalize_fold: the search folding of one code point after NFKC_Casefold: 0 when removed
 * (controls, Arabic marks, tatweel), ' ' for any whitespace, the folded letter or ASCII digit
 * otherwise (ASCII upper case lower-cased). */
static inline UChar32 normalize_fold(UChar32 c)
{
    if (c < 0x10000 && atomic_load_explicit(&normalize_tables_ready, memory_order_acquire))
        return normalize_bmp_fold[c];
    return normalize_fold_slow(c);
}

/* normalize_search_text_icu: normalize_search_text always through ICU NFKC_Casefold (the
 * reference the UTF-8 fast path must equal); same contract. */
int normalize_search_text_icu(const char *in, size_t len, char **out, char *errstr, size_t errlen);

/* normalize_text_plain: normalize_text one code point at a time and always through ICU NFC (the
 * reference the table-driven loop must equal); same contract. */
int normalize_text_plain(const char *in, size_t len, char **out, char *errstr, size_t errlen);

/* The letters a language guess counts, filled a character at a time (lang.c): per script slot
 * (normalize_script, 0 = other scripts), Arabic/Persian/Urdu votes, and the bytes read. */
#define NORMALIZE_GUESS_LETTERS 1000 /* this many letters settle the script */
#define NORMALIZE_LANG_TAB_N 0x800
enum { NORMALIZE_LANG_LETTER = 0x80 };
typedef struct normalize_lang_counts {
    size_t counts[12], votes[4], letters, end;
} normalize_lang_counts;

/* normalize_lang_tab: for U+0000..U+07FF, NORMALIZE_LANG_LETTER | script slot (low 4 bits) |
 * vote << 4; built on first use. normalize_lang_add: counts that entry. */
const uint8_t *normalize_lang_tab(void);
static inline void normalize_lang_add(normalize_lang_counts *lc, uint8_t e)
{
    lc->letters += e >> 7;
    lc->counts[e & 15] += e >> 7;
    lc->votes[e >> 4 & 3]++;
}

/* normalize_lang_add_slow: counts a character beyond the table (c < 0: ill-formed, skipped). */
void normalize_lang_add_slow(normalize_lang_counts *lc, UChar32 c);

/* normalize_lang_decide: normalize_language_guess from the counts of text[0..lc->end). */
const char *normalize_lang_decide(const normalize_lang_counts *lc, const char *text);

/* The scripts normalize_script distinguishes, in index order. */
extern const int normalize_scripts[];
extern const int normalize_nscripts;

#endif
