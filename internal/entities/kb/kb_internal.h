/* kb_internal.h: what tokens.c shares with the KB matcher (not public): the letters of one word
 * and the readings of its Arabic proclitics. */
#ifndef NI_ENTITIES_KB_INTERNAL_H
#define NI_ENTITIES_KB_INTERNAL_H

#include "entities/kb.h"

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

/* ---- the knowledge base (kb.c builds it, kb_match.c reads it) ---------------------------- */

/* One indexed name of an entry: its words' normalized forms. */
typedef struct kb_name {
    const char *full;   /* keys joined with ' ' (duplicate and exclusion checks) */
    const char **keys;  /* ntok normalized words, clitics kept (the whole word) */
    const char **exact; /* NULL, or per word NULL or the exact text it must have (short capitals) */
    uint32_t entry, ntok;
    uint32_t line; /* TSV line, 0 for a name from ICU */
    uint8_t icu, dropped;
} kb_name;

/* The names sharing a first word: names[begin, end), most words first. */
typedef struct kb_group {
    const char *key;
    uint32_t begin, end;
} kb_group;

typedef struct kb_block kb_block;

struct ner_kb {
    ner_kb_entry *entries;
    size_t nentries, entries_cap;
    kb_name *names;
    size_t nnames, names_cap;
    kb_group *groups;
    size_t ngroups;
    uint32_t *group_slots, *id_slots; /* open addressing: index + 1, 0 = empty */
    size_t group_mask, id_mask;
    kb_block *arena;
};

/* kb_hash: the hash of s[0..len) both tables use. */
uint64_t kb_hash(const char *s, size_t len);
/* kb_group_find: the group whose first word is key[0..len), or NULL. */
const kb_group *kb_group_find(const ner_kb *kb, const char *key, size_t len);

#endif
