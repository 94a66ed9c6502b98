/* rules.h: pattern rules for DATE, TIME, MONEY, PERCENT, QUANTITY, URL, HASHTAG (Arabic, English).
 */
#ifndef NI_ENTITIES_RULES_H
#define NI_ENTITIES_RULES_H

#include <stddef.h>

typedef enum ner_rule_type {
    NER_RULE_DATE,
    NER_RULE_TIME,
    NER_RULE_MONEY,
    NER_RULE_PERCENT,
    NER_RULE_QUANTITY,
    NER_RULE_URL,
    NER_RULE_HASHTAG,
} ner_rule_type;

typedef struct ner_rule_match {
    ner_rule_type type;
    size_t start, end;           /* Unicode code points into the text, [start, end) */
    size_t byte_start, byte_end; /* the same span in bytes */
    int has_number;              /* MONEY, PERCENT, QUANTITY: the value as a number */
    double number; /* "25 مليون دولار" -> 25000000; "١١ ألف" -> 11000 */
    char unit[8];  /* ISO 4217 for MONEY ("USD"), "%" for PERCENT, else "" */
    char iso[32];  /* DATE "2019-03-23" / "2019-03" / "2019", TIME "14:30", else "" */
} ner_rule_match;

/* ner_rule_type_name: "DATE", "TIME", ... */
const char *ner_rule_type_name(ner_rule_type t);

/* ner_rules_find: every rule match in text[0..len) (UTF-8), non-overlapping, in text order, into
 * a fresh array *out (caller frees with free()) of *n matches (*out may be NULL when *n is 0).
 * Digits may be ASCII or Arabic-Indic (٠-٩, ۰-۹); Arabic number words (ألف، آلاف، مليون، ملايين،
 * مليار، and the units/tens) scale numbers. Invalid UTF-8 is skipped, never read past len.
 * NI_OK or NI_ERR_NOMEM with errstr filled. */
int ner_rules_find(const char *text, size_t len, ner_rule_match **out, size_t *n, char *errstr,
                   size_t errlen);

/* ner_rules_month_word: the word w[0..len) (UTF-8, proclitics allowed) is a month name or the
 * head of one (نيسان، آذار، كانون، تشرين، March ...). */
int ner_rules_month_word(const char *w, size_t len);

#endif
