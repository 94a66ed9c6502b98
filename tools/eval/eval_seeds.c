/* eval_seeds.c: the seed pages (../shared/seeds): every page through pipeline_process() with the
 * entities stage, the record scored against the hand annotation (title, body F1, leaked
 * boilerplate, metadata; document-level entity recall and precision). */
#include "eval.h"

#include "entities/entities.h"
#include "pipeline/pipeline.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEDS_FETCHED_AT "2026-01-01T12:00:00Z"

typedef struct seed_score {
    int title, author, url, views, time; /* 1 right, 0 wrong */
    double f1;
    int leaked, boilerplate;
    eval_ent_counts ents;
} seed_score;

/* ws_norm: s with NBSP/space runs collapsed to one space and trimmed (fresh string). */
static char *ws_norm(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(n + 1);
    int space = 1;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (!sp && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) sp = 2;
        if (sp) {
            if (sp == 2) i++;
            if (!space) out[o++] = ' ';
            space = 1;
            continue;
        }
        out[o++] = s[i];
        space = 0;
    }
    while (o && out[o - 1] == ' ') o--;
    out[o] = '\0';
    return out;
}

static const char *str_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* same_str: both NULL, or equal after whitespace normalization. */
static int same_str(const char *gold, const char *got)
{
    if (!gold || !got) return !gold && !got;
    char *a = ws_norm(gold), *b = ws_norm(got);
    int eq = !strcmp(a, b);
    free(a), free(b);
    return eq;
}

/* views_ok: gold views (number or null) against record stats.views. */
static int views_ok(const cJSON *gold, const cJSON *rec)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(gold, "views");
    const cJSON *v =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "stats"), "views");
    if (!cJSON_IsNumber(g)) return !cJSON_IsNumber(v);
    return cJSON_IsNumber(v) && v->valuedouble == g->valuedouble;
}

/* time_ok: gold published_time "HH:MM" (and published_date when stated) against published_at. */
static int time_ok(const cJSON *gold, const cJSON *rec)
{
    const char *gt = str_item(gold, "published_time"), *gd = str_item(gold, "published_date");
    const char *at = str_item(rec, "published_at");
    if (!gt && !gd) return !at;
    if (!at) return 0;
    if (gd && strncmp(at, gd, strlen(gd))) return 0;
    const char *t = strchr(at, 'T');
    if (gt) return t && !strncmp(t + 1, gt, strlen(gt));
    return 1;
}

/* leaked: how many gold boilerplate lines are a whole paragraph or line of the body. */
static int leaked(const cJSON *gold, const char *body, int *total, int verbose)
{
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(gold, "boilerplate_lines"), *it;
    int n = 0;
    *total = 0;
    cJSON_ArrayForEach(it, bl)
    {
        if (!cJSON_IsString(it)) continue;
        (*total)++;
        char *want = ws_norm(it->valuestring), *copy = strdup(body), *save = NULL;
        for (char *p = strtok_r(copy, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
            char *line = ws_norm(p);
            int hit = *want && !strcmp(line, want);
            free(line);
            if (hit) {
                n++;
                if (verbose) printf("  leaked: %s\n", want);
                break;
            }
        }
        free(want), free(copy);
    }
    return n;
}

/* detail: in verbose mode, one line per wrong field. */
static void detail(const char *field, int ok, const char *gold, const char *got)
{
    if (!ok) printf("  %s: want %s, got %s\n", field, gold ? gold : "null", got ? got : "null");
}

/* score_seed: one seed page and its annotation. */
static int score_seed(pipeline *p, const ner_resources *ner, const char *txt, const cJSON *gold,
                      seed_score *s, int verbose)
{
    size_t len = 0;
    char *bytes = eval_read_gz(txt, &len);
    if (!bytes) return fprintf(stderr, "seeds: cannot read %s\n", txt), 1;
    pipeline_input in = {.bytes = bytes,
                         .len = len,
                         .hints = {PAGE_TYPE_TEXT, NULL, 0},
                         .fetched_at = SEEDS_FETCHED_AT,
                         .ner = ner};
    pipeline_output out;
    pipeline_error err;
    int rc = pipeline_process(p, &in, &out, &err);
    free(bytes);
    if (rc) return fprintf(stderr, "seeds: %s: %s stage: %s\n", txt, err.stage, err.message), 1;
    cJSON *rec = cJSON_Parse(out.json);
    pipeline_output_free(&out);
    const char *body = str_item(rec, "body") ? str_item(rec, "body") : "";
    s->title = same_str(str_item(gold, "title"), str_item(rec, "title"));
    s->f1 = eval_token_f1(str_item(gold, "body"), body);
    s->author = same_str(str_item(gold, "author"), str_item(rec, "author"));
    s->url = same_str(str_item(gold, "url"), str_item(rec, "url"));
    s->views = views_ok(gold, rec);
    s->time = time_ok(gold, rec);
    if (verbose) {
        detail("title", s->title, str_item(gold, "title"), str_item(rec, "title"));
        detail("author", s->author, str_item(gold, "author"), str_item(rec, "author"));
        detail("url", s->url, str_item(gold, "url"), str_item(rec, "url"));
        detail("published_at", s->time, str_item(gold, "published_time"),
               str_item(rec, "published_at"));
        if (!s->views) printf("  views wrong\n");
    }
    s->leaked = leaked(gold, body, &s->boilerplate, verbose);
    if (ner) eval_entities_score(gold, rec, &s->ents, verbose);
    cJSON_Delete(rec);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_seeds: sorted names of the .txt files in dir (caller frees each and the array). */
static char **list_seeds(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    *n = 0;
    if (!d) return NULL;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt")) continue;
        v = realloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n) qsort(v, *n, sizeof *v, cmp_name);
    return v;
}

static cJSON *read_gold(const char *dir, const char *name)
{
    char path[8192];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 4 || (size_t)n + 7 >= sizeof path) return NULL;
    memcpy(path + n - 4, ".gold.json", 11); /* x.txt -> x.gold.json */
    char *text = eval_read_gz(path, NULL);
    cJSON *g = text ? cJSON_Parse(text) : NULL;
    free(text);
    return g;
}

static const char *yes(int ok)
{
    return ok ? "ok" : "WRONG";
}

/* print_totals: the summary row and the targets. */
static void print_totals(const seed_score *t, int n, double min_f1)
{
    printf("| **total (%d)** | %d/%d | mean %.4f, min %.4f | %d/%d | %d/%d | %d/%d | %d/%d | "
           "%d/%d |\n",
           n, t->title, n, n ? t->f1 / n : 0, min_f1, t->leaked, t->boilerplate, t->author, n,
           t->url, n, t->views, n, t->time, n);
    printf("\nTargets: every title right, body F1 >= 0.98, zero boilerplate lines leaked.\n\n");
}

/* load_ner: the committed model and KB (see ner_data_path); NULL with a message on stderr. */
static ner_resources *load_ner(void)
{
    char mb[4096], kb[4096], err[512];
    const char *mp = ner_data_path(NER_MODEL_ENV, NER_MODEL_REL, mb, sizeof mb);
    const char *kp = ner_data_path(NER_KB_ENV, NER_KB_REL, kb, sizeof kb);
    ner_resources *r = ner_resources_load(mp, kp, err, sizeof err);
    if (!r) fprintf(stderr, "seeds: entities not scored: %s\n", err);
    return r;
}

/* print_entities: the document-level entity table, one row per seed and the total. */
static void print_entities(char **names, const seed_score *v, const int *ok, size_t n)
{
    eval_ent_counts tot = {0};
    printf("### Entities, document level (gold entities of each seed)\n\n");
    eval_entities_header();
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        eval_entities_row(names[i], &v[i].ents);
        eval_entities_add(&tot, &v[i].ents);
    }
    eval_entities_row("**total**", &tot);
    printf("\nTargets: typed recall >= 0.85, precision >= 0.85, no entity from the chrome.\n\n");
}

int eval_seeds(const char *shared_dir, int verbose)
{
    char dir[4096], path[8192], err[256];
    snprintf(dir, sizeof dir, "%s/seeds", shared_dir);
    size_t n = 0;
    char **names = list_seeds(dir, &n);
    if (!n) return fprintf(stderr, "seeds: no seeds/*.txt under %s\n", shared_dir), 1;
    pipeline *p = pipeline_create(err, sizeof err);
    if (!p) return fprintf(stderr, "seeds: %s\n", err), 1;
    printf("## Seeds (%s)\n\n| seed | title | body F1 | boilerplate leaked | author | url | "
           "views | time |\n|---|---|---|---|---|---|---|---|\n",
           dir);
    seed_score tot = {0}, *each = calloc(n, sizeof *each);
    int *ok = calloc(n, sizeof *ok);
    ner_resources *ner = load_ner();
    double min_f1 = 1.0;
    int scored = 0, rc = !ner || !each || !ok;
    for (size_t i = 0; each && ok && i < n; i++) {
        cJSON *gold = read_gold(dir, names[i]);
        seed_score s = {0};
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (verbose) printf("%s\n", names[i]);
        if (!gold || score_seed(p, ner, path, gold, &s, verbose)) {
            fprintf(stderr, "seeds: %s: no gold annotation or not processed\n", names[i]);
            rc = 1;
        } else {
            printf("| %s | %s | %.4f | %d/%d | %s | %s | %s | %s |\n", names[i], yes(s.title), s.f1,
                   s.leaked, s.boilerplate, yes(s.author), yes(s.url), yes(s.views), yes(s.time));
            tot.title += s.title, tot.f1 += s.f1, tot.leaked += s.leaked;
            tot.boilerplate += s.boilerplate, tot.author += s.author, tot.url += s.url;
            tot.views += s.views, tot.time += s.time;
            min_f1 = s.f1 < min_f1 ? s.f1 : min_f1;
            scored++;
            each[i] = s, ok[i] = 1;
        }
        cJSON_Delete(gold);
    }
    pipeline_destroy(p);
    print_totals(&tot, scored, min_f1);
    if (ner && each && ok) print_entities(names, each, ok, n);
    ner_resources_unref(ner);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names), free(each), free(ok);
    return rc;
}
