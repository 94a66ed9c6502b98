/* rules_internal.h: what the pattern-rule files share (not public): the decoded text, the word
 * tables and the number/date/time readers. The files depend one way (test_layout checks it):
 * rules_words.c (characters, word tables, digits) <- rules_date.c <- rules_num.c <- rules.c. */
#ifndef NI_ENTITIES_RULES_INTERNAL_H
#define NI_ENTITIES_RULES_INTERNAL_H

#include "entities/rules.h"

#include <stddef.h>
#include <unicode/umachine.h>

/* The text decoded once: cp[i] is the i-th code point (U+FFFD for an ill-formed byte sequence),
 * at byte boff[i]; boff[n] == len. */
typedef struct rules_text {
    const UChar32 *cp;
    const size_t *boff;
    size_t n;
} rules_text;

/* Word kinds in the tables (bit numbers for rules_word_find's mask). */
enum {
    RW_UNIT,    /* واحد .. عشرة: value */
    RW_TEN,     /* عشرون .. تسعين */
    RW_HUNDRED, /* مئة .. تسعمئة */
    RW_FRAC,   /* نصف, ربع: part of the next scale or of the last one (مليار ونصف) */
    RW_SCALE,  /* ألف, مليون, million: value is the scale */
    RW_SCALE2, /* dual: ألفين, مليونان: twice the scale, alone */
    RW_SCALEP, /* plural: آلاف, ملايين, millions: needs a number before */
    RW_CUR,    /* currency noun: fam, default ISO code (may be "") */
    RW_CUR_ADJ,    /* currency adjective: fam, ISO code */
    RW_MONTH,      /* month name (value 1..12); fam 1 for English (capital letter required) */
    RW_MONTH_HEAD, /* كانون (fam 1), تشرين (fam 2): a second word (RW_MONTH_ORD) follows */
    RW_MONTH_ORD,  /* الأول (1), الثاني (2) */
    RW_PCT,        /* بالمئة, percent */
    RW_PCT_HEAD,   /* في, per: RW_PCT2 follows */
    RW_PCT2,       /* المئة, cent */
    RW_MEASURE,    /* كيلومتر, طن, km ... */
    RW_YEAR_CUE,   /* عام, in: a year follows */
    RW_AM,         /* صباحا, am */
    RW_PM,         /* مساء, pm */
    RW_NOON,       /* ظهرا: 1..6 are afternoon hours */
    RW_ORDINAL,    /* st, nd, rd, th after a day number */
    RW_OF,         /* من, of: between a day and a month */
    RW_NKINDS
};
#define RW_BIT(k) (1u << (k))

typedef struct rules_word {
    const char *w; /* as written (UTF-8); looked up folded */
    unsigned char kind;
    unsigned char fam; /* currency family, month script, month head */
    double v;
    const char *code; /* ISO 4217 for currencies, else NULL */
} rules_word;

/* ---- characters, words, digits (rules_words.c) ------------------------------------------- */

/* Arabic letters (after folding) that are proclitics: و ف ب ل ك. */
int rules_is_clitic(UChar32 c);
/* rules_is_wordch: a letter, a combining mark or tatweel (part of a word). */
int rules_is_wordch(UChar32 c);
/* rules_digit: 0..9 for a decimal digit of any script, else -1. */
int rules_digit(UChar32 c);
/* rules_is_space: ' ', NBSP, thin and narrow spaces (not newlines). */
int rules_is_space(UChar32 c);

/* rules_word_end: the end of the word starting at i (i itself when t->cp[i] is no word char). */
size_t rules_word_end(const rules_text *t, size_t i);

/* rules_word_find: the table entry of a kind in mask for the word [i, end), trying the whole word
 * and then without up to two leading proclitics when clitics is set; *at is where the matched
 * part starts. NULL when none. Thread-safe (the index is built once). */
const rules_word *rules_word_find(const rules_text *t, size_t i, size_t end, unsigned mask,
                                  int clitics, size_t *at);

/* rules_skip_sp: i after at most max spaces. */
size_t rules_skip_sp(const rules_text *t, size_t i, int max);

/* rules_at: the code point at i, 0 past the end. */
static inline UChar32 rules_at(const rules_text *t, size_t i)
{
    return i < t->n ? t->cp[i] : 0;
}

/* rules_is_digit_at: a digit is at i. */
static inline int rules_is_digit_at(const rules_text *t, size_t i)
{
    return i < t->n && rules_digit(t->cp[i]) >= 0;
}

/* rules_digits: the run of digits at p (its value while it fits in 9 digits, *nd digits); returns
 * its end. */
size_t rules_digits(const rules_text *t, size_t p, long *val, int *nd);
/* rules_number_end: no digit, nor a separator and a digit, follows p (a number ends there). */
int rules_number_end(const rules_text *t, size_t p);
/* rules_word_of: the table word of a kind in mask at p (no clitics), its end in *we. */
const rules_word *rules_word_of(const rules_text *t, size_t p, unsigned mask, size_t *we);
/* rules_set: fills m (no byte offsets, no iso); returns 1. */
int rules_set(ner_rule_match *m, ner_rule_type type, size_t s, size_t e, int has, double v,
              const char *unit);

/* Dates and times (rules_date.c), each at the digit or month word i; 1 when *m is filled. */
int rules_numdate_at(const rules_text *t, size_t i, ner_rule_match *m);
int rules_daymonth_at(const rules_text *t, size_t i, ner_rule_match *m);
int rules_monthfirst_at(const rules_text *t, size_t i, ner_rule_match *m);
int rules_cueyear_at(const rules_text *t, size_t i, ner_rule_match *m);
int rules_time_at(const rules_text *t, size_t i, ner_rule_match *m);

/* ---- numbers, money, quantities (rules_num.c; rules.c calls them) ------------------------- */

/* rules_try_digit: the longest DATE/TIME/MONEY/PERCENT/QUANTITY at the digit i into *m (start,
 * end in code points only; ties go to the earlier kind in that list); returns 1 when found. */
int rules_try_digit(const rules_text *t, size_t i, ner_rule_match *m);
/* rules_run_end: the end of the digits and separated digits ("1,500.25", "2019/03") from i: where
 * the scan resumes when no rule matched at i. */
size_t rules_run_end(const rules_text *t, size_t i);
/* rules_try_word: a number phrase or month-first date starting with the word [i, end). */
int rules_try_word(const rules_text *t, size_t i, size_t end, ner_rule_match *m);
/* rules_try_symbol: "$25 million", "€3", "£1.5bn" at the currency sign i. */
int rules_try_symbol(const rules_text *t, size_t i, ner_rule_match *m);

#endif
