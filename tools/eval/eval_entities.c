/* eval_entities.c: document-level entity scoring of a record against a seed's gold annotation
 * (gold "entities", "neutral_names", "chrome_only_names"), and where the model and KB are. */
#include "eval.h"

#include "normalize/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* key: the matching form of a name: the search text (hamza, taa marbuta, alef maqsura,
 * diacritics, case folded) without a leading article ال, since mention spans leave out attached
 * clitics; fresh string, NULL when out of memory or s is NULL. */
static char *key(const char *s)
{
    char *out = NULL;
    if (!s || normalize_search_text(s, strlen(s), &out, NULL, 0)) return NULL;
    if (!strncmp(out, "\xD8\xA7\xD9\x84", 4) && strlen(out) > 8 && out[4] != ' ')
        memmove(out, out + 4, strlen(out + 4) + 1);
    return out;
}

/* names_match: some string of the array names (strings) has the key k. */
static int names_match(const cJSON *names, const char *k)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, names)
    {
        char *g = cJSON_IsString(it) ? key(it->valuestring) : NULL;
        int eq = g && !strcmp(g, k);
        free(g);
        if (eq) return 1;
    }
    return 0;
}

/* The keys of one record entity: name, names.ar, names.en, every mention's text. */
typedef struct ent_keys {
    char **v;
    size_t n;
} ent_keys;

static void keys_add(ent_keys *k, const cJSON *s)
{
    char *x = cJSON_IsString(s) ? key(s->valuestring) : NULL;
    char **grown = x ? realloc(k->v, (k->n + 1) * sizeof *k->v) : NULL;
    if (!grown) return free(x);
    k->v = grown;
    k->v[k->n++] = x;
}

static ent_keys entity_keys(const cJSON *e)
{
    ent_keys k = {0};
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(e, "names"), *m;
    keys_add(&k, cJSON_GetObjectItemCaseSensitive(e, "name"));
    keys_add(&k, cJSON_GetObjectItemCaseSensitive(names, "ar"));
    keys_add(&k, cJSON_GetObjectItemCaseSensitive(names, "en"));
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(e, "mentions"))
        keys_add(&k, cJSON_GetObjectItemCaseSensitive(m, "text"));
    return k;
}

static void keys_free(ent_keys *k)
{
    for (size_t i = 0; i < k->n; i++) free(k->v[i]);
    free(k->v);
}

static int keys_match(const ent_keys *k, const cJSON *names)
{
    for (size_t i = 0; i < k->n; i++)
        if (names_match(names, k->v[i])) return 1;
    return 0;
}

static const char *type_of(const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

static int named_type(const char *t)
{
    return !strcmp(t, "PER") || !strcmp(t, "ORG") || !strcmp(t, "LOC") || !strcmp(t, "MISC");
}

/* gold_match: 2 when a gold entity of e's type matches k, 1 when only one of another type
 * does, 0 when none. */
static int gold_match(const cJSON *gold_ents, const ent_keys *k, const char *type)
{
    const cJSON *g;
    int other = 0;
    cJSON_ArrayForEach(g, gold_ents)
    {
        if (!keys_match(k, cJSON_GetObjectItemCaseSensitive(g, "names"))) continue;
        if (!strcmp(type_of(g), type)) return 2;
        other = 1;
    }
    return other;
}

static const char *entity_name(const cJSON *e)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
    return cJSON_IsString(n) ? n->valuestring : "?";
}

/* recall: gold entities found with the same type, and with any type. */
static void recall(const cJSON *gold_ents, const cJSON *rec_ents, eval_ent_counts *c, int verbose)
{
    const cJSON *g, *e;
    cJSON_ArrayForEach(g, gold_ents)
    {
        int typed = 0, any = 0;
        const cJSON *names = cJSON_GetObjectItemCaseSensitive(g, "names");
        cJSON_ArrayForEach(e, rec_ents)
        {
            ent_keys k = entity_keys(e);
            if (keys_match(&k, names)) any = 1, typed |= !strcmp(type_of(e), type_of(g));
            keys_free(&k);
        }
        c->gold++, c->found_typed += typed, c->found_any += any;
        if (verbose && !typed)
            printf("  missed %s %s%s\n", type_of(g), g->string, any ? " (found, other type)" : "");
    }
}

/* precision: each record entity of a named type judged against gold, chrome and neutral names. */
static void precision(const cJSON *gold, const cJSON *rec_ents, eval_ent_counts *c, int verbose)
{
    const cJSON *gold_ents = cJSON_GetObjectItemCaseSensitive(gold, "entities");
    const cJSON *chrome = cJSON_GetObjectItemCaseSensitive(gold, "chrome_only_names");
    const cJSON *neutral = cJSON_GetObjectItemCaseSensitive(gold, "neutral_names"), *e;
    cJSON_ArrayForEach(e, rec_ents)
    {
        const char *type = type_of(e);
        if (!named_type(type)) continue;
        ent_keys k = entity_keys(e);
        int g = gold_match(gold_ents, &k, type);
        const char *what = NULL;
        c->predicted++;
        if (g == 2)
            c->correct++;
        else if (keys_match(&k, chrome))
            c->chrome++, what = "FROM CHROME";
        else if (g == 1)
            c->wrong_type++, what = "wrong type";
        else if (keys_match(&k, neutral))
            c->neutral++;
        else
            c->wrong++, what = "false positive";
        if (verbose && what) printf("  %s: %s %s\n", what, type, entity_name(e));
        keys_free(&k);
    }
}

void eval_entities_score(const cJSON *gold, const cJSON *rec, eval_ent_counts *c, int verbose)
{
    const cJSON *rec_ents = cJSON_GetObjectItemCaseSensitive(rec, "entities");
    recall(cJSON_GetObjectItemCaseSensitive(gold, "entities"), rec_ents, c, verbose);
    precision(gold, rec_ents, c, verbose);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

void eval_entities_row(const char *name, const eval_ent_counts *c)
{
    double judged = c->correct + c->wrong_type + c->wrong + c->chrome;
    printf("| %s | %d | %.3f | %.3f | %d | %d | %d | %d | %d | %d | %.3f | %.3f |\n", name, c->gold,
           ratio(c->found_typed, c->gold), ratio(c->found_any, c->gold), c->predicted, c->correct,
           c->wrong_type, c->neutral, c->wrong, c->chrome, ratio(c->correct, judged),
           ratio(c->correct + c->wrong_type, judged));
}

void eval_entities_header(void)
{
    printf("| seed | gold | recall typed | recall untyped | predicted | correct | wrong type | "
           "neutral | wrong | from chrome | precision typed | precision untyped |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void eval_entities_add(eval_ent_counts *t, const eval_ent_counts *c)
{
    t->gold += c->gold, t->found_typed += c->found_typed, t->found_any += c->found_any;
    t->predicted += c->predicted, t->correct += c->correct, t->wrong_type += c->wrong_type;
    t->neutral += c->neutral, t->wrong += c->wrong, t->chrome += c->chrome;
}
