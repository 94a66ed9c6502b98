/* kb.h: the knowledge base of canonical entities and its matcher over tokens. */
#ifndef NI_ENTITIES_KB_H
#define NI_ENTITIES_KB_H

#include "entities/ner.h"

#include <stddef.h>

/* One canonical entity (strings owned by the KB). */
typedef struct ner_kb_entry {
    const char *id;      /* stable: ISO 3166 alpha-2 for countries ("SY"), else "kb:<slug>" */
    const char *type;    /* "PER", "ORG", "LOC" or "MISC" */
    const char *name_ar; /* canonical Arabic name, NULL when unknown */
    const char *name_en; /* canonical English name, NULL when unknown */
    const char *country; /* ISO 3166 alpha-2 the entity belongs to, NULL when none */
} ner_kb_entry;

/* A KB name found in a token sequence: tokens [first, last). The span is the matched text in the
 * field: from the first token's name start (its proclitics excluded, but an article the name
 * itself begins with kept: "بالرقة" -> "الرقة" for the name الرقة) to the end of token last-1. */
typedef struct ner_kb_match {
    size_t first, last;
    const ner_kb_entry *entry;
    size_t start, end; /* code points in the field, [start, end) */
    const char *text;  /* the span's bytes in the field (not NUL-terminated) */
    size_t len;
} ner_kb_match;

typedef struct ner_kb ner_kb;

/* ner_kb_load: the countries from ICU's locale data (uloc_getISOCountries with Arabic and English
 * display names) plus the entries and aliases of the TSV file at path (NULL = countries only).
 * Names and aliases are matched on normalized forms (search_text conventions). NULL on a missing
 * or malformed file with errstr naming the file and line. */
ner_kb *ner_kb_load(const char *path, char *errstr, size_t errlen);
/* ner_kb_destroy: NULL is a no-op. */
void ner_kb_destroy(ner_kb *kb);
/* ner_kb_size: entries loaded. */
size_t ner_kb_size(const ner_kb *kb);
/* ner_kb_lookup: the entry with this id, or NULL. */
const ner_kb_entry *ner_kb_lookup(const ner_kb *kb, const char *id);

/* ner_kb_find: every KB name in toks, longest match first, non-overlapping, in token order, into
 * a fresh array *out (caller frees with free()) of *n matches. Clitic-aware: a name's first word
 * is tried against every proclitic reading of a token (the whole word first, so a name that
 * begins with و ف ب ل ك wins, then with و ف / ب ل ك / ال split off, لل = ل + ال), the
 * following words against whole tokens of the same sentence, all on normalized forms
 * (search_text conventions); a short all-capital Latin alias (SDF) needs the same capitals. The KB
 * is read-only: threads may share it. NI_OK or NI_ERR_NOMEM. */
int ner_kb_find(const ner_kb *kb, const ner_tokens *toks, ner_kb_match **out, size_t *n,
                char *errstr, size_t errlen);

/* ner_text_has_bracket: s[0..len) (UTF-8) holds a quotation mark or an opening/closing bracket
 * (any script: " ' ( ) [ ] « » “ ” ﴾ ﴿ ...). A name never spans one: the KB matcher does not match
 * across one and the annotator cuts model spans at one. */
int ner_text_has_bracket(const char *s, size_t len);

/* ner_words_gaz: the knowledge-base hints of one sentence of words (as written, clitics attached:
 * CoNLL tokens) into gaz[0..n) (NER_GAZ_<type> on every word of a ner_kb_find match over the
 * words joined by spaces, NER_GAZ_BEGIN on its first), as the annotator computes them over
 * tokens; for ner_model_tag. NI_OK, or NI_ERR_NOMEM with errstr filled. */
int ner_words_gaz(const ner_kb *kb, const char *const *words, const size_t *lens, size_t n,
                  unsigned *gaz, char *errstr, size_t errlen);

#endif
