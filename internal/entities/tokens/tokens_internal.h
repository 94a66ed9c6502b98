/* tokens_internal.h: what tokens.c shares with the KB matcher and the annotator (not public): the
 * letters of one word and the readings of its Arabic proclitics. */
#ifndef NI_ENTITIES_TOKENS_INTERNAL_H
#define NI_ENTITIES_TOKENS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/umachine.h>

/* Letters kept per word: enough for any stack of proclitics and any exception-table word. */
#define NER_MAXL 32

/* The letters of one word: marks (Mn), tatweel and format characters are skipped. */
typedef struct ner_letters {
    UChar32 c[NER_MAXL];   /* letters as written */
    UChar32 f[NER_MAXL];   /* folded: أ إ آ ٱ -> ا, ى -> ي, ة -> ه */
    uint32_t at[NER_MAXL]; /* byte offset of the letter in the word */
    uint32_t cp[NER_MAXL]; /* code point offset of the letter in the word */
    int m;                 /* letters stored */
    int more;              /* the word has more than NER_MAXL letters */
    int arabic;            /* the first letter is Arabic script */
} ner_letters;

/* ner_letters_scan: fills *L from the UTF-8 word w[0..len) (ill-formed bytes count as one
 * letter each). Never fails. */
void ner_letters_scan(const char *w, size_t len, ner_letters *L);

/* ner_clitic_split: the tokenizer's reading of L: how many leading letters are proclitics (0 for
 * non-Arabic words) and their NER_CLITIC_* bits in *prefixes. Rules: [و|ف] [ب|ل|ك] [ال] in that
 * order, لل = ل + ال; و ف ب ل are split when at least 3 letters remain (ك: 4), any of them before
 * ال when 2 remain after the article, ال when 2 remain; never when the rest of the word is in the
 * exception table of words that begin with these letters (بغداد، لبنان، وزير، الله ...). */
int ner_clitic_split(const ner_letters *L, unsigned *prefixes);

/* One possible proclitic reading of a word for the KB matcher: the name key is the normalized
 * word from letter key_at on (with "ا" put back in front when alef is set: لل = ل + ال), the
 * mention span starts at letter span_at. */
typedef struct ner_clitic_reading {
    int key_at, span_at, alef;
} ner_clitic_reading;

/* ner_clitic_readings: every reading of L (the whole word first, then fewer letters; each key at
 * least 2 letters) into r[0..cap); returns how many. Non-Arabic words have one, the whole word. */
int ner_clitic_readings(const ner_letters *L, ner_clitic_reading *r, int cap);

#endif
