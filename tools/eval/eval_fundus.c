/* eval_fundus.c: the fundus pages (../shared/data/fundus): HTML pages and their text renderings
 * through pipeline_process(), scored per fold of publishers (body paragraphs, title, date,
 * authors), with trafilatura's output (tools/eval/peer_trafilatura.py) scored the same way. */
#include "eval.h"

#include "pipeline/pipeline.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#define FUNDUS_FOLDS 2
#define FUNDUS_MATCH_SHARE 0.8 /* share of a gold paragraph's n-grams the body must hold */
#define FUNDUS_GRAM 4

/* What one extractor said about one page (strings borrowed). */
typedef struct fundus_got {
    const char *title, *author, *date, *body;
} fundus_got;

/* One page's scores for one extractor. */
typedef struct fundus_score {
    const char *name;
    double p, r, f1;
    int title, date, author; /* 1 right, 0 wrong */
    char *why_title, *why_date, *why_author;
} fundus_score;

typedef struct fundus_run {
    const char *label; /* "HTML news-ingest", ... */
    fundus_score *pages;
    int *fold;
    size_t n;
} fundus_run;

/* fundus_fold: the fold of a publisher: FNV-1a 32 of its name, lowest bit (deterministic). */
static int fundus_fold(const char *publisher)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *s = (const unsigned char *)publisher; *s; s++)
        h = (h ^ *s) * 16777619u;
    return (int)(h & 1u);
}

/* ---- tokens: runs of letters/digits lower-cased; each Han, kana or Thai-family character is a
 * token of its own (those scripts do not separate words with spaces). ---- */

typedef struct toks {
    uint64_t *h;
    size_t n, cap;
} toks;

static void toks_push(toks *t, const char *s, size_t len)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->h = realloc(t->h, t->cap * sizeof *t->h);
    }
    t->h[t->n++] = XXH3_64bits(s, len);
}

static int char_token(UChar32 c)
{
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &e);
    return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
           sc == USCRIPT_THAI || sc == USCRIPT_LAO || sc == USCRIPT_KHMER || sc == USCRIPT_MYANMAR;
}

static char *norm_text(const char *s, int fold);

/* toks_add: appends the tokens of raw, in NFC (a page's decomposed "u" + U+0308 and a composed
 * "ü" read alike), to t. */
static void toks_add(toks *t, const char *raw)
{
    char *n = norm_text(raw, 0);
    const char *s = n && (n[0] || !raw[0]) ? n : raw; /* bytes ICU rejects: as they are */
    int32_t len = (int32_t)strlen(s), i = 0;
    char word[256];
    size_t w = 0;
    while (i <= len) {
        UChar32 c = 0;
        if (i < len)
            U8_NEXT(s, i, len, c);
        else
            i++, c = -1;
        int letter = c >= 0 && (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK));
        if (letter && !char_token(c) && w + 4 < sizeof word) {
            UBool err = 0;
            U8_APPEND((uint8_t *)word, w, sizeof word, u_tolower(c), err);
            (void)err;
            continue;
        }
        if (w) toks_push(t, word, w), w = 0;
        if (letter) {
            UBool err = 0;
            U8_APPEND((uint8_t *)word, w, sizeof word, c, err);
            (void)err;
            toks_push(t, word, w), w = 0;
        }
    }
    free(n);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* grams: hashes of the n-grams of t[from, from+len) (n <= len), sorted when sort is set. */
static uint64_t *grams(const uint64_t *t, size_t len, size_t n, size_t *count, int sort)
{
    size_t k = len >= n ? len - n + 1 : 0;
    uint64_t *g = malloc((k ? k : 1) * sizeof *g);
    for (size_t i = 0; i < k; i++) g[i] = XXH3_64bits_withSeed(t + i, n * sizeof *t, n);
    if (sort) qsort(g, k, sizeof *g, cmp_u64);
    *count = k;
    return g;
}

static int has(const uint64_t *set, size_t n, uint64_t v)
{
    return bsearch(&v, set, n, sizeof v, cmp_u64) != NULL;
}

/* body_prf: paragraph-level precision and recall of body against the gold paragraphs.
 * Recall: share of gold paragraphs found in the body, a paragraph of k tokens being found when
 * at least FUNDUS_MATCH_SHARE of its n-grams (n = min(4, k)) occur in the body's token stream.
 * Precision: share of the body's tokens that lie in at least one body n-gram (n = min(4, body
 * tokens)) occurring in the gold token stream (all gold paragraphs in a row). */
static void body_prf(const char *const *gold, size_t ng, const char *body, double *p, double *r)
{
    toks b = {0}, g = {0};
    toks_add(&b, body ? body : "");
    size_t *gstart = malloc((ng + 1) * sizeof *gstart);
    for (size_t i = 0; i < ng; i++) {
        gstart[i] = g.n;
        toks_add(&g, gold[i]);
        toks_push(&g, "\n", 1); /* a boundary no body n-gram matches */
    }
    gstart[ng] = g.n;
    uint64_t *bset[FUNDUS_GRAM + 1] = {0};
    size_t bn[FUNDUS_GRAM + 1] = {0};
    for (size_t n = 1; n <= FUNDUS_GRAM; n++) bset[n] = grams(b.h, b.n, n, &bn[n], 1);
    size_t found = 0, paras = 0;
    for (size_t i = 0; i < ng; i++) {
        size_t len = gstart[i + 1] - gstart[i] - 1, n = len < FUNDUS_GRAM ? len : FUNDUS_GRAM, k;
        if (!len) continue;
        paras++;
        uint64_t *pg = grams(g.h + gstart[i], len, n, &k, 0);
        size_t hit = 0;
        for (size_t j = 0; j < k; j++) hit += has(bset[n], bn[n], pg[j]);
        found += (double)hit >= FUNDUS_MATCH_SHARE * (double)k;
        free(pg);
    }
    *r = paras ? (double)found / (double)paras : 1.0;
    size_t n = b.n < FUNDUS_GRAM ? b.n : FUNDUS_GRAM, gk, bk, covered = 0;
    if (b.n) {
        uint64_t *gs = grams(g.h, g.n, n, &gk, 1), *bg = grams(b.h, b.n, n, &bk, 0);
        char *cov = calloc(b.n, 1);
        for (size_t j = 0; j < bk; j++)
            if (has(gs, gk, bg[j])) memset(cov + j, 1, n);
        for (size_t j = 0; j < b.n; j++) covered += cov[j];
        free(cov), free(gs), free(bg);
    }
    *p = b.n ? (double)covered / (double)b.n : 0.0;
    for (size_t k2 = 1; k2 <= FUNDUS_GRAM; k2++) free(bset[k2]);
    free(gstart), free(b.h), free(g.h);
}

/* ---- title, date, authors ---- */

/* norm_text: NFC, Unicode white space runs as one space, trimmed; lower-cased when fold. */
static char *norm_text(const char *s, int fold)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, s, -1, &e);
    e = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)n + 1) * sizeof *u), *v = malloc(((size_t)n * 3 + 4) * sizeof *v);
    u_strFromUTF8(u, n + 1, NULL, s, -1, &e);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
    int32_t m = U_SUCCESS(e) ? unorm2_normalize(nfc, u, n, v, n * 3 + 4, &e) : 0;
    if (U_FAILURE(e)) m = 0;
    char *out = malloc((size_t)m * 4 + 1);
    size_t o = 0;
    int space = 1;
    for (int32_t i = 0; i < m;) {
        UChar32 c;
        U16_NEXT(v, i, m, c);
        if (u_isUWhiteSpace(c) || c == 0x200B || c == 0xFEFF) {
            if (!space) out[o++] = ' ';
            space = 1;
            continue;
        }
        if (fold) c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        UBool err = 0;
        U8_APPEND((uint8_t *)out, o, (size_t)m * 4 + 1, c, err);
        (void)err;
        space = 0;
    }
    while (o && out[o - 1] == ' ') o--;
    out[o] = '\0';
    free(u), free(v);
    return out;
}

typedef struct ymd {
    int y, m, d, has_time, has_off, hh, mm, off_min;
} ymd;

/* parse_date: "YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|±HH[:]MM]"; 0 when it is not one. */
static int parse_date(const char *s, ymd *t)
{
    memset(t, 0, sizeof *t);
    if (!s || sscanf(s, "%4d-%2d-%2d", &t->y, &t->m, &t->d) != 3) return 0;
    const char *x = s + 10;
    if ((*x == 'T' || *x == ' ') && sscanf(x + 1, "%2d:%2d", &t->hh, &t->mm) == 2) {
        t->has_time = 1;
        x += 6;
        while (*x && *x != 'Z' && *x != '+' && *x != '-') x++;
        if (*x == 'Z') t->has_off = 1;
        int oh = 0, om = 0;
        if ((*x == '+' || *x == '-') && sscanf(x + 1, "%2d", &oh) == 1) {
            const char *mpos = x + 3 + (x[3] == ':');
            if (sscanf(mpos, "%2d", &om) != 1) om = 0;
            t->has_off = 1, t->off_min = (*x == '-' ? -1 : 1) * (oh * 60 + om);
        }
    }
    return 1;
}

/* days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static long utc_day(const ymd *t)
{
    long mins = days_from_civil(t->y, t->m, t->d) * 1440 + t->hh * 60 + t->mm - t->off_min;
    return mins >= 0 ? mins / 1440 : -((-mins + 1439) / 1440);
}

/* same_day: the same calendar day as stated, or (both with a time and an offset) in UTC. */
static int same_day(const char *gold, const char *got)
{
    ymd a, b;
    if (!parse_date(gold, &a)) return !got;
    if (!parse_date(got, &b)) return 0;
    if (a.y == b.y && a.m == b.m && a.d == b.d) return 1;
    return a.has_time && a.has_off && b.has_time && b.has_off && utc_day(&a) == utc_day(&b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* split_names: an author string cut at , ; & | / and the words "and", "und", "y", "et", "e",
 * "og", "och", "ve", "и" between spaces; each piece normalized (NFC, white space, case fold), empty
 * pieces dropped; sorted, duplicates dropped. Returns the count; caller frees names[i] and names.
 */
static size_t split_names(const char *s, char ***names)
{
    static const char *const words[] = {" and ", " und ", " y ",  " et ", " e ",
                                        " og ",  " och ", " ve ", " и "};
    char *f = norm_text(s ? s : "", 1);
    size_t n = 0, cap = 8;
    char **out = malloc(cap * sizeof *out);
    for (char *p = f; *p;) {
        size_t cut = strcspn(p, ",;&|/"), skip = 1;
        for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
            char *q = strstr(p, words[w]);
            if (q && (size_t)(q - p) < cut) cut = (size_t)(q - p), skip = strlen(words[w]);
        }
        char *piece = strndup(p, cut), *nn = norm_text(piece, 1);
        free(piece);
        if (*nn && n == cap) out = realloc(out, (cap *= 2) * sizeof *out);
        if (*nn)
            out[n++] = nn;
        else
            free(nn);
        p += cut;
        if (*p) p += skip > strlen(p) ? strlen(p) : skip;
    }
    free(f);
    qsort(out, n, sizeof *out, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u && !strcmp(out[u - 1], out[i]))
            free(out[i]);
        else
            out[u++] = out[i];
    }
    *names = out;
    return u;
}

/* same_authors: the gold list and the got string as equal sets of normalized names. */
static int same_authors(const cJSON *gold, const char *got)
{
    char **a = NULL, **b = NULL, *joined = calloc(1, 1);
    size_t jl = 0;
    for (const cJSON *x = gold ? gold->child : NULL; x; x = x->next) {
        if (!cJSON_IsString(x)) continue;
        size_t l = strlen(x->valuestring);
        joined = realloc(joined, jl + l + 2);
        memcpy(joined + jl, x->valuestring, l);
        jl += l;
        joined[jl++] = ';', joined[jl] = '\0';
    }
    size_t na = split_names(joined, &a), nb = split_names(got, &b), i;
    int eq = na == nb;
    for (i = 0; eq && i < na; i++) eq = !strcmp(a[i], b[i]);
    for (i = 0; i < na; i++) free(a[i]);
    for (i = 0; i < nb; i++) free(b[i]);
    free(a), free(b), free(joined);
    return eq;
}

static char *why(const char *exp, const char *got)
{
    char buf[600];
    snprintf(buf, sizeof buf, "exp [%.250s] got [%.250s]", exp ? exp : "", got ? got : "(null)");
    return strdup(buf);
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* score_page: one extractor's output for one gold entry. */
static fundus_score score_page(const char *name, const cJSON *gold, const fundus_got *got)
{
    fundus_score s = {0};
    s.name = name;
    const char *keys[] = {"summary", "paragraphs", "subheadlines"};
    const char **paras = NULL;
    size_t np = 0;
    for (size_t k = 0; k < 3; k++) {
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(gold, keys[k]);
        for (const cJSON *x = arr ? arr->child : NULL; x; x = x->next)
            if (cJSON_IsString(x)) {
                paras = realloc(paras, (np + 1) * sizeof *paras);
                paras[np++] = x->valuestring;
            }
    }
    body_prf(paras, np, got->body, &s.p, &s.r);
    free(paras);
    s.f1 = s.p + s.r > 0 ? 2 * s.p * s.r / (s.p + s.r) : 0;
    const char *gt = str_of(gold, "title");
    char *a = norm_text(gt ? gt : "", 0), *b = norm_text(got->title ? got->title : "", 0);
    s.title = !strcmp(a, b);
    free(a), free(b);
    if (!s.title) s.why_title = why(gt, got->title);
    const char *gd = str_of(gold, "publishing_date");
    s.date = same_day(gd, got->date);
    if (!s.date) s.why_date = why(gd, got->date);
    const cJSON *ga = cJSON_GetObjectItemCaseSensitive(gold, "authors");
    s.author = same_authors(ga, got->author);
    if (!s.author) {
        char *g = cJSON_PrintUnformatted(ga);
        s.why_author = why(g, got->author);
        free(g);
    }
    return s;
}

/* ---- running the pipeline ---- */

/* record_of: the record of one page (NULL when the file is missing or the pipeline failed; the
 * failure is reported on stderr). Caller deletes. */
static cJSON *record_of(pipeline *p, const char *path, page_type type, const cJSON *gold)
{
    size_t len = 0;
    char *bytes = eval_read_gz(path, &len);
    if (!bytes) return NULL;
    char fetched[32] = "";
    const char *crawl = str_of(gold, "crawl_date");
    if (crawl && strlen(crawl) >= 19)
        snprintf(fetched, sizeof fetched, "%.10sT%.8sZ", crawl, crawl + 11);
    pipeline_input in = {.bytes = bytes,
                         .len = len,
                         .hints = {type, NULL, 0},
                         .url = str_of(gold, "url"),
                         .fetched_at = fetched[0] ? fetched : NULL};
    pipeline_output out;
    pipeline_error err;
    cJSON *rec = NULL;
    if (pipeline_process(p, &in, &out, &err) == 0) {
        rec = cJSON_Parse(out.json);
        pipeline_output_free(&out);
    } else {
        fprintf(stderr, "fundus: %s: %s stage: %s\n", path, err.stage, err.message);
        rec = cJSON_CreateObject();
    }
    free(bytes);
    return rec;
}

static fundus_got got_of_record(const cJSON *rec)
{
    fundus_got g = {str_of(rec, "title"), str_of(rec, "author"), str_of(rec, "published_at"),
                    str_of(rec, "body")};
    return g;
}

/* ---- reporting ---- */

typedef struct fold_sum {
    int n, title, date, author;
    double p, r, f1;
} fold_sum;

static fold_sum fold_total(const fundus_run *run, int fold)
{
    fold_sum t = {0};
    for (size_t i = 0; i < run->n; i++) {
        if (fold >= 0 && run->fold[i] != fold) continue;
        const fundus_score *s = &run->pages[i];
        t.n++, t.title += s->title, t.date += s->date, t.author += s->author;
        t.p += s->p, t.r += s->r, t.f1 += s->f1;
    }
    return t;
}

static void print_row(const fundus_run *run, int fold)
{
    fold_sum t = fold_total(run, fold);
    double n = t.n ? t.n : 1;
    char f[8];
    snprintf(f, sizeof f, fold < 0 ? "all" : "%c", 'A' + fold);
    printf("| %s | %s | %d | %.3f | %.3f | **%.3f** | %.3f | %.3f | %.3f |\n", run->label, f, t.n,
           t.p / n, t.r / n, t.f1 / n, t.title / n, t.date / n, t.author / n);
}

static int cmp_f1(const void *a, const void *b)
{
    double x = ((const fundus_score *)a)->f1, y = ((const fundus_score *)b)->f1;
    return x < y ? -1 : x > y;
}

/* print_worst: the 20 worst body pages and every wrong title, date and author of a run. */
static void print_worst(const fundus_run *run)
{
    fundus_score *s = malloc(run->n * sizeof *s);
    memcpy(s, run->pages, run->n * sizeof *s);
    qsort(s, run->n, sizeof *s, cmp_f1);
    printf("\n### %s: worst body F1 (P R F1 page)\n\n", run->label);
    for (size_t i = 0; i < run->n && i < 20; i++)
        printf("%.3f %.3f %.3f %s\n", s[i].p, s[i].r, s[i].f1, s[i].name);
    free(s);
    printf("\n### %s: wrong fields\n\n", run->label);
    for (size_t i = 0; i < run->n; i++) {
        const fundus_score *x = &run->pages[i];
        if (x->why_title) printf("title  %s %s\n", x->name, x->why_title);
        if (x->why_date) printf("date   %s %s\n", x->name, x->why_date);
        if (x->why_author) printf("author %s %s\n", x->name, x->why_author);
    }
}

static void run_free(fundus_run *run)
{
    for (size_t i = 0; i < run->n; i++)
        free(run->pages[i].why_title), free(run->pages[i].why_date), free(run->pages[i].why_author);
    free(run->pages), free(run->fold);
}

static cJSON *read_json(const char *path)
{
    char *t = eval_read_gz(path, NULL);
    cJSON *j = t ? cJSON_Parse(t) : NULL;
    free(t);
    return j;
}

/* run_add: appends one page's score to a run. */
static void run_add(fundus_run *run, fundus_score s, int fold)
{
    run->pages = realloc(run->pages, (run->n + 1) * sizeof *run->pages);
    run->fold = realloc(run->fold, (run->n + 1) * sizeof *run->fold);
    run->pages[run->n] = s, run->fold[run->n++] = fold;
}

int eval_fundus(const char *shared_dir, int verbose)
{
    char path[4096], errstr[256];
    snprintf(path, sizeof path, "%s/data/fundus/gold.json", shared_dir);
    cJSON *gold = read_json(path);
    pipeline *p = gold ? pipeline_create(errstr, sizeof errstr) : NULL;
    if (!p) {
        fprintf(stderr, "fundus: cannot load %s\n", path);
        cJSON_Delete(gold);
        return 1;
    }
    cJSON *peer = NULL;
    if (eval_peer_dir) {
        snprintf(path, sizeof path, "%s/trafilatura-fundus.json", eval_peer_dir);
        peer = read_json(path);
        if (!peer) fprintf(stderr, "fundus: no peer output %s\n", path);
    }
    fundus_run html = {"HTML, news-ingest", NULL, NULL, 0}, traf = {NULL, NULL, NULL, 0},
               text = {"text rendering, news-ingest", NULL, NULL, 0};
    char traf_label[64] = "HTML, trafilatura";
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(peer, "_meta");
    if (str_of(meta, "version"))
        snprintf(traf_label, sizeof traf_label, "HTML, trafilatura %s", str_of(meta, "version"));
    traf.label = traf_label;
    int publishers[FUNDUS_FOLDS] = {0};
    cJSON *seen = cJSON_CreateObject();
    for (const cJSON *g = gold->child; g; g = g->next) {
        const char *pub = str_of(g, "publisher");
        int fold = fundus_fold(pub ? pub : "");
        if (pub && !cJSON_GetObjectItemCaseSensitive(seen, pub))
            cJSON_AddTrueToObject(seen, pub), publishers[fold]++;
        snprintf(path, sizeof path, "%s/data/fundus/pages/%s", shared_dir, g->string);
        cJSON *rec = record_of(p, path, PAGE_TYPE_HTML, g);
        fundus_got got = got_of_record(rec);
        run_add(&html, score_page(g->string, g, &got), fold);
        cJSON_Delete(rec);
        const cJSON *pe = cJSON_GetObjectItemCaseSensitive(peer, g->string);
        if (pe) {
            fundus_got pg = {str_of(pe, "title"), str_of(pe, "author"), str_of(pe, "date"),
                             str_of(pe, "body")};
            run_add(&traf, score_page(g->string, g, &pg), fold);
        }
        size_t stem = strlen(g->string) > 8 ? strlen(g->string) - 8 : 0; /* ".html.gz" */
        snprintf(path, sizeof path, "%s/data/fundus/text/%.*s.txt", shared_dir, (int)stem,
                 g->string);
        if ((rec = record_of(p, path, PAGE_TYPE_TEXT, g)) != NULL) {
            got = got_of_record(rec);
            run_add(&text, score_page(g->string, g, &got), fold);
            cJSON_Delete(rec);
        }
    }
    printf("\n## fundus (%d pages, %d publishers; fold A %d publishers, fold B %d)\n\n",
           cJSON_GetArraySize(gold), publishers[0] + publishers[1], publishers[0], publishers[1]);
    printf("| input, extractor | fold | pages | body P | body R | body F1 | title | date | author "
           "|\n|---|---|---|---|---|---|---|---|---|\n");
    fundus_run *runs[] = {&html, &traf, &text};
    for (size_t k = 0; k < 3; k++)
        for (int f = 0; runs[k]->n && f < FUNDUS_FOLDS; f++) print_row(runs[k], f);
    if (verbose)
        for (size_t k = 0; k < 3; k++)
            if (runs[k]->n) print_worst(runs[k]);
    for (size_t k = 0; k < 3; k++) run_free(runs[k]);
    cJSON_Delete(seen);
    cJSON_Delete(peer);
    cJSON_Delete(gold);
    pipeline_destroy(p);
    return 0;
}
