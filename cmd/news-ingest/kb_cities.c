/* kb_cities.c: `news-ingest kb-cities`: the cities of world-cities.csv as knowledge-base lines
 * (LOC, Arabic and English names, country), for the generated block at the end of
 * data/kb/entities.tsv (`make kb-cities`). A city is left out when the KB already knows its name
 * or another city has the same Arabic name; a one-word name matches alone only for a city of
 * 300,000 people or more whose name the unlabelled text does not show to be an ordinary word
 * (written with and without ال, the clusters file's counts), other one-word cities are left
 * out; a one-word English name never matches alone (Nice, Mobile). */
#include "cmd.h"

#include "entities/kb.h"
#include "entities/ner.h"
#include "entities/ner_train.h"
#include "util/err.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#define PROG "news-ingest kb-cities"
#define MAX_ROWS 20000

typedef struct city {
    char country_ar[256], country_en[256], ar[256], en[256], pop[32];
    char *key; /* the Arabic name's normalized words (duplicate check) */
} city;

/* field: the k-th comma-separated, optionally quoted field of line into out. */
static void field(const char *line, int k, char *out, size_t cap)
{
    const char *p = line;
    for (int i = 0; i < k && *p; i++) {
        int q = 0;
        while (*p && (q || *p != ',')) q ^= *p++ == '"';
        if (*p) p++;
    }
    size_t n = 0;
    for (int q = 0; *p && (q || *p != ','); p++) {
        if (*p == '"')
            q ^= 1;
        else if (*p != '\r' && *p != '\n' && n + 1 < cap)
            out[n++] = *p;
    }
    out[n] = '\0';
}

/* norm_key: the normalized words of s joined by spaces (owned); NULL when it has none. */
static char *norm_key(const char *s, size_t *nwords)
{
    ner_tokens t = {0};
    char err[256], *k = NULL;
    *nwords = 0;
    if (ner_tokenize(s, strlen(s), &t, err, sizeof err) || !t.n) return ner_tokens_free(&t), NULL;
    size_t len = 1;
    for (size_t i = 0; i < t.n; i++) len += strlen(t.v[i].norm) + 1;
    if ((k = calloc(len, 1)))
        for (size_t i = 0; i < t.n; i++) {
            if (i) strcat(k, " ");
            strcat(k, t.v[i].norm);
        }
    *nwords = t.n;
    ner_tokens_free(&t);
    return k;
}

/* known: the KB matches the whole of s. */
static int known(const ner_kb *kb, const char *s)
{
    ner_tokens t = {0};
    ner_kb_match *m = NULL;
    size_t n = 0;
    char err[256];
    int r = !ner_tokenize(s, strlen(s), &t, err, sizeof err) && t.n &&
            !ner_kb_find(kb, &t, &m, &n, err, sizeof err) && n == 1 && m[0].first == 0 &&
            m[0].last == t.n;
    free(m);
    ner_tokens_free(&t);
    return r;
}

/* country_code: the ISO code whose English or Arabic display name is the city's country. */
static const char *country_code(const city *c)
{
    for (const char *const *cc = uloc_getISOCountries(); *cc; cc++) {
        static const char *langs[] = {"en", "ar"};
        for (int l = 0; l < 2; l++) {
            char loc[16], out[512];
            UChar buf[256];
            UErrorCode st = U_ZERO_ERROR;
            int32_t olen = 0;
            snprintf(loc, sizeof loc, "und_%s", *cc);
            int32_t n = uloc_getDisplayCountry(loc, langs[l], buf, 256, &st);
            if (U_SUCCESS(st)) u_strToUTF8(out, sizeof out, &olen, buf, n, &st);
            if (U_SUCCESS(st) && !strcmp(out, l ? c->country_ar : c->country_en)) return *cc;
        }
    }
    return NULL;
}

/* slug: kb:city-<english name>-<cc> in ASCII letters, digits and single dashes. */
static void slug(const city *c, const char *cc, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "kb:city-");
    int dash = 1;
    for (const char *p = c->en; *p && n + 4 < cap; p++) {
        char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (ok)
            out[n++] = ch, dash = 0;
        else if (!dash)
            out[n++] = '-', dash = 1;
    }
    if (dash && n > 8) n--;
    if (cc && n + 4 < cap)
        out[n++] = '-', out[n++] = (char)(cc[0] + 32), out[n++] = (char)(cc[1] + 32);
    out[n] = '\0';
}

/* ordinary: a one-word Arabic name the unlabelled text writes with and without ال (looked up
 * as written and with ال put in front, so a leading ب ك ل و ف is not taken for a clitic). */
static int ordinary(const ner_word_stats *st, const char *ar)
{
    char def[300];
    snprintf(def, sizeof def, "ال%s", ar);
    uint64_t key, def_key;
    int ord, def_ord;
    ner_word_stats_get(st, ar, strlen(ar), &key, &ord);
    int def_known = ner_word_stats_get(st, def, strlen(def), &def_key, &def_ord);
    if (ord || def_ord) return 1;
    /* بورصة: its own key lost a ب taken for a clitic; the text writes البورصة, a common noun */
    return def_key != key && def_known;
}

/* alone: a one-word Arabic city name may match by itself: a city of at least MIN_ALONE people
 * (world-cities.csv's Arabic names of small towns are often ordinary words: كتاب، ناس، واقع)
 * whose name is not an ordinary word. */
#define MIN_ALONE 300000
static int alone(const ner_word_stats *cl, const city *c)
{
    return atol(c->pop) >= MIN_ALONE && !ordinary(cl, c->ar);
}

static int by_key(const void *a, const void *b)
{
    const city *x = *(const city *const *)a, *y = *(const city *const *)b;
    return strcmp(x->key, y->key);
}

/* A set of strings already written (ids, English names): open addressing, never full. */
#define SEEN_SLOTS (1u << 16)
static char *seen[SEEN_SLOTS];

/* seen_add: 1 when s was new (and is now in the set). */
static int seen_add(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = s; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    size_t i = h & (SEEN_SLOTS - 1);
    for (; seen[i]; i = (i + 1) & (SEEN_SLOTS - 1))
        if (!strcmp(seen[i], s)) return 0;
    return (seen[i] = strdup(s)) != NULL;
}

/* emit: one KB line for city c (or nothing when it is left out). */
static void emit(const ner_kb *kb, const ner_word_stats *cl, const city *c, size_t nwords)
{
    if (!c->key || !c->en[0] || known(kb, c->ar) || known(kb, c->en)) return;
    const char *cc = country_code(c);
    char id[300], aliases[1024] = "", en[300];
    slug(c, cc, id, sizeof id);
    snprintf(en, sizeof en, "en:%s", c->en);
    for (char *p = en; *p; p++) *p = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
    if (ner_kb_lookup(kb, id) || !seen_add(id) || !seen_add(en) || !seen_add(c->key)) return;
    if (nwords == 1 && !alone(cl, c)) return; /* مدينة X would also cut مدينة X Y (تل أبيض) */
    static const char *const heads[] = {"ولاية ", "محافظة ", "مدينة ", "إقليم ", "مقاطعة "};
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) { /* ولاية قندهار: قندهار too */
        size_t hl = strlen(heads[h]);
        const char *rest = c->ar + hl;
        size_t nw;
        char *rk = strncmp(c->ar, heads[h], hl) || !*rest ? NULL : norm_key(rest, &nw);
        int fresh = rk && !known(kb, rest) && seen_add(rk);
        free(rk);
        if (!fresh) continue;
        int one = !strchr(rest, ' ');
        snprintf(aliases + strlen(aliases), sizeof aliases - strlen(aliases), "%s%s%s",
                 aliases[0] ? "|" : "", one && ordinary(cl, rest) ? "!" : "", rest);
    }
    if (!strchr(c->en, ' ') && !strchr(c->en, '-'))
        snprintf(aliases + strlen(aliases), sizeof aliases - strlen(aliases), "%s!%s",
                 aliases[0] ? "|" : "", c->en);
    printf("%s\tLOC\t%s\t%s\t%s\t%s\n", id, c->ar, c->en, aliases, cc ? cc : "");
}

int cmd_kb_cities(int argc, char **argv)
{
    const char *kbp = "data/kb/entities.tsv", *clp = "models/ner-ar.clusters";
    optind = 1;
    for (int o; (o = getopt(argc, argv, "k:c:")) != -1;) {
        if (o == 'k')
            kbp = optarg;
        else if (o == 'c')
            clp = optarg;
        else
            return fprintf(stderr, "usage: " PROG " [-k KB] [-c CLUSTERS] world-cities.csv\n"), 2;
    }
    if (optind + 1 != argc)
        return fprintf(stderr, "usage: " PROG " [-k KB] [-c CLUSTERS] CSV\n"), 2;
    char err[512], line[4096];
    ner_kb *kb = ner_kb_load(kbp, err, sizeof err);
    ner_word_stats *cl = kb ? ner_word_stats_load(clp, err, sizeof err) : NULL;
    FILE *f = cl ? fopen(argv[optind], "r") : NULL;
    city *v = f ? calloc(MAX_ROWS, sizeof *v) : NULL;
    city **sorted = v ? calloc(MAX_ROWS, sizeof *sorted) : NULL;
    if (!sorted) {
        fprintf(stderr, PROG ": %s\n", !kb || !cl ? err : f ? "out of memory" : argv[optind]);
        return ner_kb_destroy(kb), ner_word_stats_destroy(cl), f ? fclose(f) : 0, free(v), 2;
    }
    size_t n = 0, *words = calloc(MAX_ROWS, sizeof *words);
    for (size_t ln = 0; fgets(line, sizeof line, f) && n < MAX_ROWS; ln++) {
        if (!ln) continue;
        city *c = &v[n];
        field(line, 0, c->country_ar, 256), field(line, 1, c->country_en, 256);
        field(line, 2, c->ar, 256), field(line, 3, c->en, 256), field(line, 4, c->pop, 32);
        if ((c->key = norm_key(c->ar, &words[n]))) sorted[n] = c, n++;
    }
    fclose(f);
    qsort(sorted, n, sizeof *sorted, by_key);
    printf("# ---- cities: generated by `make kb-cities` from world-cities.csv (CC BY 4.0); do not "
           "edit below ----\n");
    for (size_t i = 0; i < n; i++) { /* in file order, the duplicates out */
        city *c = &v[i];
        city **hit = bsearch(&c, sorted, n, sizeof *sorted, by_key);
        int dup = (hit > sorted && !strcmp(hit[-1]->key, c->key)) ||
                  (hit + 1 < sorted + n && !strcmp(hit[1]->key, c->key));
        if (!dup) emit(kb, cl, c, words[i]);
    }
    for (size_t i = 0; i < n; i++) free(v[i].key);
    for (size_t i = 0; i < SEEN_SLOTS; i++) free(seen[i]);
    free(v), free(sorted), free(words);
    ner_word_stats_destroy(cl);
    ner_kb_destroy(kb);
    return fflush(stdout) ? 1 : 0;
}
