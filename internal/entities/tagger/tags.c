/* tags.c: the BIO tag names of the entity tagger and their parsing (PERS accepted as PER). */
#include "entities/ner.h"

#include <string.h>

static const char *const tag_names[NER_NTAGS] = {"O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
                                                 "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

const char *ner_tag_name(ner_tag t)
{
    return (unsigned)t < NER_NTAGS ? tag_names[t] : "O";
}

/* type_index: 0 PER, 1 ORG, 2 LOC, 3 MISC for the type name s[0..len), else -1. */
static int type_index(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int type;
    } types[] = {{"PER", 0}, {"PERS", 0}, {"ORG", 1}, {"LOC", 2}, {"MISC", 3}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].name) == len && !memcmp(types[i].name, s, len)) return types[i].type;
    return -1;
}

int ner_tag_parse(const char *s, size_t len)
{
    if (!s) return -1;
    if (len == 1 && s[0] == 'O') return NER_O;
    if (len < 3 || (s[0] != 'B' && s[0] != 'I') || s[1] != '-') return -1;
    int type = type_index(s + 2, len - 2);
    if (type < 0) return -1;
    return 1 + 2 * type + (s[0] == 'I');
}
