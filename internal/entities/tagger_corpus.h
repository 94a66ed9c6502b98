/* tagger_corpus.h: training-corpus tools for the tagger: WikiFANE's token/tag lines turned into
 * ANERcorp-style CoNLL (class map, clitics joined, spelling aligned, marks removed), and the
 * 8-gram overlap of a text with ANERcorp's test split (so a second corpus or unlabelled text
 * is checked not to contain it before use). Training-time only. */
#ifndef NI_ENTITIES_TAGGER_CORPUS_H
#define NI_ENTITIES_TAGGER_CORPUS_H

#include "util/sbuf.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the class map -------------------------------------------------------------------------- */

typedef struct ner_classmap ner_classmap;

/* ner_classmap_parse: the map from text ("class<TAB>type<TAB>why" lines, type PER/ORG/LOC/MISC
 * or O, '#' comments); name is used in messages. NULL on a malformed line or no memory, with
 * errstr naming the line. The caller frees with ner_classmap_destroy. */
ner_classmap *ner_classmap_parse(const char *text, size_t len, const char *name, char *errstr,
                                 size_t errlen);
/* ner_classmap_type: 0 for O, 1..4 for PER ORG LOC MISC, -1 when the class is not in the map. */
int ner_classmap_type(const ner_classmap *m, const char *cls, size_t len);
/* ner_classmap_destroy: frees m; NULL is a no-op. */
void ner_classmap_destroy(ner_classmap *m);

/* ---- spelling ------------------------------------------------------------------------------- */

/* The usual written form (hamza on alef kept, marks and tatweel dropped) of each form folded the
 * way WikiFANE writes (أ إ آ ٱ as ا), counted over reference text. */
typedef struct ner_spelling ner_spelling;

/* ner_spelling_create: an empty table; NULL when out of memory. Free with ner_spelling_destroy. */
ner_spelling *ner_spelling_create(void);
/* ner_spelling_add: counts one written word (UTF-8); NI_OK or NI_ERR_NOMEM. */
int ner_spelling_add(ner_spelling *sp, const char *w, size_t len);
/* ner_spelling_destroy: frees sp; NULL is a no-op. */
void ner_spelling_destroy(ner_spelling *sp);

/* ---- WikiFANE ------------------------------------------------------------------------------- */

typedef struct ner_fane_stats {
    size_t lines, tokens, sentences; /* read; tokens and sentences written */
    size_t marks;                    /* U+200E/U+200F/U+FEFF removed */
    size_t proclitics, enclitics;    /* clitic tokens joined to their word */
    size_t respelled;                /* words given their usual written form */
    size_t entities[5];              /* written entity spans: [1..4] PER ORG LOC MISC */
} ner_fane_stats;

/* ner_fane_convert: WikiFANE text ("token<TAB>tag" lines, CRLF or LF, a blank token between
 * sentences, BIO over its classes) as CoNLL "word<TAB>TAG" lines with a blank line after each
 * sentence appended to out: classes mapped by m (I- of a class mapped to O is O), marks removed,
 * the clitic tokens it splits off (و ف ب ل ك before a word; ه ها هم هما هن كما كن ي نا ني after
 * one) joined to their word as ANERcorp writes them (ل + ال as لل, ة before a suffix as ت), the
 * joined word taking its first non-O tag, and each word respelled by sp (may be NULL). NI_OK;
 * NI_ERR_PARSE naming the line for a class not in m or a malformed tag; NI_ERR_NOMEM. st may be
 * NULL. */
int ner_fane_convert(const char *text, size_t len, const ner_classmap *m, const ner_spelling *sp,
                     sbuf *out, ner_fane_stats *st, char *errstr, size_t errlen);

/* ---- 8-gram overlap ------------------------------------------------------------------------- */

#define NER_OVERLAP_N 8

/* The 8-grams of a reference (ANERcorp test) and which of them a source was seen to contain.
 * Words are compared folded (alef, ya and ta marbuta forms, marks and tatweel ignored); tokens
 * without a letter or digit are skipped and punctuation at a word's ends is cut, so tokenized
 * and running text compare alike. */
typedef struct ner_overlap ner_overlap;

/* ner_overlap_create: an empty reference; NULL when out of memory. Free with
 * ner_overlap_destroy. */
ner_overlap *ner_overlap_create(void);
/* ner_overlap_add_ref: adds the 8-grams of one sentence or line of reference text (words
 * separated by white space); NI_OK or NI_ERR_NOMEM. */
int ner_overlap_add_ref(ner_overlap *o, const char *text, size_t len);
/* ner_overlap_scan: counts the 8-grams of one sentence or line of source text: *grams += all,
 * *hits += those in the reference; marks the reference 8-grams found. */
void ner_overlap_scan(ner_overlap *o, const char *text, size_t len, size_t *grams, size_t *hits);
/* ner_overlap_found: distinct reference 8-grams marked found since the last reset, and (in
 * *total) how many the reference has. */
size_t ner_overlap_found(const ner_overlap *o, size_t *total);
/* ner_overlap_reset: clears the found marks. */
void ner_overlap_reset(ner_overlap *o);
/* ner_overlap_destroy: frees o; NULL is a no-op. */
void ner_overlap_destroy(ner_overlap *o);

#endif
