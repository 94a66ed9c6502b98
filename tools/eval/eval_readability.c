/* eval_readability.c: Mozilla Readability's test pages: every source.html through
 * pipeline_process(), the record compared with expected-metadata.json and expected.html. */
#include "eval.h"

#include "pipeline/pipeline.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <myhtml/api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Accuracy comparison: both strings are whitespace-normalized (Unicode White_Space characters,
 * e.g. U+00A0 and U+3000, count as spaces; runs collapse to one space; leading/trailing spaces
 * dropped) and compared byte-for-byte after ASCII lower-casing (other letters must match exactly).
 * A null record field matches an empty expectation ("") and nothing else. */
static void normalize_ws(const char *s, char *out, size_t cap)
{
    int32_t i = 0, len = (int32_t)strlen(s);
    size_t n = 0;
    int space = 1;
    while (i < len && n + 5 < cap) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c >= 0 && u_isUWhiteSpace(c)) {
            if (!space) out[n++] = ' ';
            space = 1;
            continue;
        }
        for (int32_t k = at; k < i; k++) out[n++] = (char)tolower((unsigned char)s[k]);
        space = 0;
    }
    while (n && out[n - 1] == ' ') n--;
    out[n] = '\0';
}

static int same(const char *expected, const char *got)
{
    static char a[8192], b[8192];
    normalize_ws(expected, a, sizeof a);
    if (!got) return a[0] == '\0';
    normalize_ws(got, b, sizeof b);
    return !strcmp(a, b);
}

/* html_text: the text of an HTML document (text nodes outside script/style, space-separated). */
static char *html_text(myhtml_t *mh, const char *html, size_t len)
{
    myhtml_tree_t *tree = myhtml_tree_create();
    myhtml_tree_init(tree, mh);
    myhtml_parse(tree, MyENCODING_UTF_8, html, len);
    size_t cap = len + 2, n = 0;
    char *out = malloc(cap);
    myhtml_tree_node_t *root = myhtml_tree_get_document(tree), *x = myhtml_node_child(root);
    while (x) {
        myhtml_tag_id_t tag = myhtml_node_tag_id(x);
        size_t l = 0;
        const char *t = tag == MyHTML_TAG__TEXT ? myhtml_node_text(x, &l) : NULL;
        if (t && n + l + 2 <= cap) {
            memcpy(out + n, t, l);
            n += l;
            out[n++] = ' ';
        }
        int skip = tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE;
        myhtml_tree_node_t *c = skip ? NULL : myhtml_node_child(x);
        if (c) {
            x = c;
            continue;
        }
        while (x != root && !myhtml_node_next(x)) x = myhtml_node_parent(x);
        x = x == root ? NULL : myhtml_node_next(x);
    }
    out[n] = '\0';
    myhtml_tree_destroy(tree);
    return out;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

typedef struct tally {
    int n, title, byline_n, byline, lang_n, lang, site_n, site;
    double f1;
} tally;

static char *read_file(const char *dir, const char *sub, const char *name, size_t *len)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name) >= (int)sizeof path) return NULL;
    return eval_read_gz(path, len);
}

/* one_page: scores one test folder; 0 when it was not a test folder. */
static int one_page(pipeline *p, myhtml_t *mh, const char *dir, const char *sub, tally *t,
                    int verbose)
{
    size_t len = 0, elen = 0;
    char *meta_text = read_file(dir, sub, "expected-metadata.json", NULL);
    char *src = meta_text ? read_file(dir, sub, "source.html", &len) : NULL;
    char *exp = src ? read_file(dir, sub, "expected.html", &elen) : NULL;
    cJSON *meta = exp ? cJSON_Parse(meta_text) : NULL;
    free(meta_text);
    if (!meta) {
        free(src), free(exp);
        return 0;
    }
    pipeline_input in = {.bytes = src, .len = len, .hints = {PAGE_TYPE_HTML, NULL, 0}};
    pipeline_output out;
    pipeline_error err;
    cJSON *rec = NULL;
    if (pipeline_process(p, &in, &out, &err) == 0) {
        rec = cJSON_Parse(out.json);
        pipeline_output_free(&out);
    } else {
        fprintf(stderr, "readability: %s: %s stage: %s\n", sub, err.stage, err.message);
    }
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(rec, "source");
    const char *title = str_of(rec, "title"), *author = str_of(rec, "author");
    const char *lang = str_of(rec, "language"), *site = str_of(source, "name");
    const char *body = str_of(rec, "body"), *e;
    t->n++;
    int ok = same(str_of(meta, "title"), title);
    t->title += ok;
    if (verbose && !ok)
        printf("title   %-40s exp [%s] got [%s]\n", sub, str_of(meta, "title"), title);
    if ((e = str_of(meta, "byline"))) {
        t->byline_n++, ok = same(e, author), t->byline += ok;
        if (verbose && !ok) printf("byline  %-40s exp [%s] got [%s]\n", sub, e, author);
    }
    if ((e = str_of(meta, "lang"))) t->lang_n++, t->lang += same(e, lang);
    if ((e = str_of(meta, "siteName"))) {
        t->site_n++, ok = same(e, site), t->site += ok;
        if (verbose && !ok) printf("site    %-40s exp [%s] got [%s]\n", sub, e, site);
    }
    char *etext = html_text(mh, exp, elen);
    double f1 = eval_token_f1(etext, body ? body : "");
    t->f1 += f1;
    if (verbose && f1 < 0.9) printf("content %-40s F1 %.3f\n", sub, f1);
    free(etext), free(src), free(exp);
    cJSON_Delete(meta);
    cJSON_Delete(rec);
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double ratio(int a, int n)
{
    return n ? (double)a / n : 0;
}

int eval_readability(const char *shared_dir, int verbose)
{
    char dir[4096], errstr[256];
    snprintf(dir, sizeof dir, "%s/data/readability", shared_dir);
    DIR *dp = opendir(dir);
    pipeline *p = dp ? pipeline_create(errstr, sizeof errstr) : NULL;
    myhtml_t *mh = myhtml_create();
    if (!dp || !p || !mh || myhtml_init(mh, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0)) {
        fprintf(stderr, "readability: cannot open %s\n", dir);
        if (dp) closedir(dp);
        pipeline_destroy(p);
        if (mh) myhtml_destroy(mh);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (de->d_name[0] == '.') continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof *names, cmp_str);
    tally t = {0};
    for (size_t i = 0; i < n; i++) {
        one_page(p, mh, dir, names[i], &t, verbose);
        free(names[i]);
    }
    free(names);
    printf("\n## Readability test pages (%d pages)\n\n", t.n);
    printf("| field | pages | accuracy |\n|---|---|---|\n");
    printf("| title | %d | %.3f |\n", t.n, ratio(t.title, t.n));
    printf("| byline (author) | %d | %.3f |\n", t.byline_n, ratio(t.byline, t.byline_n));
    printf("| lang | %d | %.3f |\n", t.lang_n, ratio(t.lang, t.lang_n));
    printf("| siteName (source.name) | %d | %.3f |\n", t.site_n, ratio(t.site, t.site_n));
    printf("| content token F1 (mean) | %d | %.3f |\n", t.n, t.n ? t.f1 / t.n : 0);
    myhtml_destroy(mh);
    pipeline_destroy(p);
    return 0;
}
