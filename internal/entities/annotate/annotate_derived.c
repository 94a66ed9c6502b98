/* annotate_derived.c: words derived from a known name (its adjective or people, a plural or a
 * pejorative form: داعشي، داعشيات) and plurals or duals of place words (البلدتين) are not
 * names. */
#include "annotate_internal.h"
#include "kb_internal.h"

#include <string.h>

/* kb_has_name: the KB holds a one-word name key of a type other than LOC (a place's adjective
 * is ann_nationality's). */
static int kb_has_name(const ner_kb *kb, const char *key, size_t len)
{
    const kb_group *g = kb_group_find(kb, key, len);
    for (uint32_t x = g ? g->begin : 0; g && x < g->end; x++)
        if (kb->names[x].ntok == 1 && strcmp(kb->entries[kb->names[x].entry].type, "LOC")) return 1;
    return 0;
}

int ann_derived_word(const ner_kb *kb, const char *norm)
{
    /* normalized endings (ة written ه): adjective, people, plurals, a trailing ن */
    static const char *const ends[] = {"يات", "يين", "يون", "يه", "ي", "ات", "ون", "ين", "ن"};
    size_t n = strlen(norm);
    for (size_t k = 0; kb && k < sizeof ends / sizeof ends[0]; k++) {
        size_t e = strlen(ends[k]);
        if (n < e + 8 || strcmp(norm + n - e, ends[k])) continue; /* 4 letters left at least */
        if (kb_has_name(kb, norm, n - e)) return 1;
    }
    return 0;
}

int ann_place_plural(const char *norm)
{
    /* dual and plural endings, with ة written ت before them (بلدتين -> بلده) or none (مخيمين) */
    static const char *const ends[][2] = {{"تين", "ه"}, {"تان", "ه"}, {"ين", ""}, {"ان", ""}};
    char stem[128];
    size_t n = strlen(norm);
    if (ann_place_word(norm, 1)) return 1;
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
        size_t e = strlen(ends[k][0]), r = strlen(ends[k][1]);
        if (n < e + 4 || n - e + r >= sizeof stem || strcmp(norm + n - e, ends[k][0])) continue;
        memcpy(stem, norm, n - e);
        memcpy(stem + n - e, ends[k][1], r + 1);
        if (ann_place_word(stem, 0)) return 1;
    }
    return 0;
}
