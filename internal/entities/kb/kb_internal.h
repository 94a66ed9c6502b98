/* kb_internal.h: the knowledge base's tables, what kb.c builds and kb_match.c and the annotator
 * read (not public). */
#ifndef NI_ENTITIES_KB_INTERNAL_H
#define NI_ENTITIES_KB_INTERNAL_H

#include "entities/kb.h"

#include <stddef.h>
#include <stdint.h>

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
