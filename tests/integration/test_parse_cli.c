/* test_parse_cli.c: end-to-end tests of `news-ingest parse` (the built binary) and bad inputs. */
#include "support.h"
#include "support_proc.h"
#include "util/sbuf.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/utypes.h>

#define MAX_ARGS 64

/* A finished run: the process result and its stdout records (each schema-validated). */
typedef struct run {
    support_run_result res;
    cJSON *recs[MAX_ARGS];
    int nrecs;
} run;

/* run_cli: news-ingest parse ARGS... (NULL-terminated), stdin from in; stderr a tty if asked. */
static void run_argv(run *r, char **args, int nargs, const char *in, size_t in_len, int tty)
{
    char *argv[MAX_ARGS + 3] = {(char *)support_cli(), "parse"};
    cr_assert_leq(nargs, MAX_ARGS);
    for (int i = 0; i < nargs; i++) argv[2 + i] = args[i];
    argv[2 + nargs] = NULL;
    memset(r, 0, sizeof *r);
    support_run(argv, in, in_len, tty, &r->res);
    char *line = r->res.out, *nl;
    while (line && *line && (nl = strchr(line, '\n'))) {
        *nl = '\0';
        support_schema_assert(line);
        cr_assert_lt(r->nrecs, MAX_ARGS);
        r->recs[r->nrecs] = cJSON_Parse(line);
        cr_assert_not_null(r->recs[r->nrecs]);
        r->nrecs++;
        *nl = '\n';
        line = nl + 1;
    }
    cr_assert(!line || !*line, "stdout does not end with a newline: %s", line);
}

static void run_cli(run *r, const char *in, size_t in_len, ...)
{
    char *args[MAX_ARGS];
    int n = 0;
    va_list ap;
    va_start(ap, in_len);
    for (char *a; (a = va_arg(ap, char *));) args[n++] = a;
    va_end(ap);
    run_argv(r, args, n, in, in_len, 0);
}

static void run_free(run *r)
{
    for (int i = 0; i < r->nrecs; i++) cJSON_Delete(r->recs[i]);
    support_run_result_free(&r->res);
}

static const cJSON *get(const cJSON *obj, const char *path)
{
    char key[64];
    const cJSON *it = obj;
    for (const char *p = path; it && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        it = cJSON_GetObjectItemCaseSensitive(it, key);
        p += n + (p[n] == '.');
    }
    cr_assert_not_null(it, "missing %s", path);
    return it;
}

static const char *str(const cJSON *obj, const char *path)
{
    const cJSON *it = get(obj, path);
    return cJSON_IsNull(it) ? NULL : cJSON_GetStringValue(it);
}

static int flag(const cJSON *rec, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "quality.%s", name);
    return cJSON_IsTrue(get(rec, path));
}

/* count_lines: lines in s. */
static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++) n += *s == '\n';
    return n;
}

/* article_page: a small text page whose body carries marker (a new string, caller frees). */
static char *article_page(const char *marker)
{
    sbuf b = SBUF_INIT;
    sbuf_printf(&b,
                "Council approves %s plan for the harbour\n\n"
                "The city council approved the %s plan on Tuesday after a long debate about "
                "costs, traffic and the future of the old harbour district.\n\n"
                "Members said the work would start in the spring and take about two years, "
                "with the first new quay open to boats before the summer season.\n\n"
                "Residents who spoke at the meeting asked for more parking and a new bus line to "
                "the waterfront, and the council promised a public hearing in March.\n",
                marker, marker);
    return sbuf_steal(&b);
}

static const char *write_page(const char *name, const char *marker)
{
    char *p = article_page(marker);
    const char *path = support_write(name, p, strlen(p));
    free(p);
    return path;
}

static int body_has(const cJSON *rec, const char *needle)
{
    const char *b = str(rec, "body");
    return b && strstr(b, needle);
}

Test(parse_cli, examples_parse_to_valid_records)
{
    char *args[8];
    const char *names[] = {"ar-text-desalination.txt", "en-text-library.txt",
                           "ar-html-olive-harvest.html", "en-html-wind-farm.html"};
    for (int i = 0; i < 4; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "examples/%s", names[i]);
        args[i] = strdup(support_path(rel));
    }
    run r;
    run_argv(&r, args, 4, NULL, 0, 0);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 4);
    cr_assert_str_eq(str(r.recs[0], "direction"), "rtl");
    cr_assert_str_eq(str(r.recs[1], "direction"), "ltr");
    cr_assert(body_has(r.recs[0], "تحلية"), "Arabic text page body");
    cr_assert(body_has(r.recs[2], "الزيتون"), "windows-1256 HTML decoded to Arabic");
    cr_assert(flag(r.recs[2], "charset_converted"));
    cr_assert(body_has(r.recs[3], "turbines"));
    for (int i = 0; i < 4; i++) {
        cr_assert_gt(get(r.recs[i], "stats.words")->valuedouble, 50, "example %d", i);
        cr_assert_not(flag(r.recs[i], "body_empty"));
        free(args[i]);
    }
    run_free(&r);
}

Test(parse_cli, many_files_in_input_order)
{
    char *args[30];
    char marker[32], name[32];
    for (int i = 0; i < 30; i++) {
        snprintf(marker, sizeof marker, "zq%03dmark", i);
        snprintf(name, sizeof name, "page-%02d.txt", 29 - i); /* names sort against the order */
        args[i] = strdup(write_page(name, marker));
    }
    run r;
    run_argv(&r, args, 30, NULL, 0, 0);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 30);
    for (int i = 0; i < 30; i++) {
        snprintf(marker, sizeof marker, "zq%03dmark", i);
        cr_assert(body_has(r.recs[i], marker), "record %d out of order", i);
    }
    cr_assert_eq(r.res.err_len, 0, "no progress line when stderr is not a terminal: %s", r.res.err);
    run_free(&r);
    /* On a terminal, the same run shows a progress line. */
    run_argv(&r, args, 30, NULL, 0, 1);
    cr_assert_eq(r.res.status, 0);
    cr_assert_eq(r.nrecs, 30);
    cr_assert_not_null(strstr(r.res.err, "30/30 files"), "progress: %s", r.res.err);
    cr_assert_not_null(strchr(r.res.err, '\r'));
    run_free(&r);
    for (int i = 0; i < 30; i++) free(args[i]);
}

Test(parse_cli, few_files_on_a_terminal_show_no_progress)
{
    char *a = strdup(write_page("a.txt", "alpha")), *b = strdup(write_page("b.txt", "beta"));
    char *args[] = {a, b};
    run r;
    run_argv(&r, args, 2, NULL, 0, 1);
    cr_assert_eq(r.nrecs, 2);
    cr_assert_null(strstr(r.res.err, "files"), "progress with only 2 files: %s", r.res.err);
    run_free(&r);
    free(a);
    free(b);
}

Test(parse_cli, unreadable_file_among_good_ones)
{
    char *a = strdup(write_page("good1.txt", "firstgood"));
    char *b = strdup(write_page("good2.txt", "secondgood"));
    char missing[512];
    snprintf(missing, sizeof missing, "%s/does-not-exist.txt", support_tmpdir());
    run r;
    run_cli(&r, NULL, 0, a, missing, b, NULL);
    cr_assert_eq(r.res.status, 1);
    cr_assert_eq(r.nrecs, 2, "the good files still give records");
    cr_assert(body_has(r.recs[0], "firstgood"));
    cr_assert(body_has(r.recs[1], "secondgood"));
    cr_assert_eq(count_lines(r.res.err), 1, "exactly one stderr line: %s", r.res.err);
    char want[600];
    snprintf(want, sizeof want, "news-ingest parse: %s: read: ", missing);
    cr_assert_eq(strncmp(r.res.err, want, strlen(want)), 0, "stderr: %s", r.res.err);
    run_free(&r);
    free(a);
    free(b);
}

Test(parse_cli, stdin_dash)
{
    char *p = article_page("fromstdin");
    run r;
    run_cli(&r, p, strlen(p), "--content-type", "text/plain", "-", NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "fromstdin"));
    run_free(&r);
    free(p);
}

Test(parse_cli, url_canonicalized_and_id_stable)
{
    const char *path = write_page("u.txt", "urltest");
    char *file = strdup(path);
    const char *url =
        "HTTPS://News.Example.COM:443/city/harbour-plan?utm_source=tw&id=7&fbclid=x#c";
    run r1, r2, r3;
    run_cli(&r1, NULL, 0, "--url", url, file, NULL);
    cr_assert_eq(r1.res.status, 0, "stderr: %s", r1.res.err);
    cr_assert_eq(r1.nrecs, 1);
    cr_assert_str_eq(str(r1.recs[0], "url"), url);
    cr_assert_str_eq(str(r1.recs[0], "canonical_url"),
                     "https://news.example.com/city/harbour-plan?id=7");
    cr_assert_str_eq(str(r1.recs[0], "source.domain"), "news.example.com");
    /* Same canonical URL, other tracking parameters: same id. */
    run_cli(&r2, NULL, 0, "--url", "https://news.example.com/city/harbour-plan?id=7&utm_medium=x",
            file, NULL);
    cr_assert_eq(r2.nrecs, 1);
    cr_assert_str_eq(str(r1.recs[0], "id"), str(r2.recs[0], "id"));
    run_cli(&r3, NULL, 0, "--url", "https://news.example.com/city/other", file, NULL);
    cr_assert_eq(r3.nrecs, 1);
    cr_assert_str_neq(str(r1.recs[0], "id"), str(r3.recs[0], "id"));
    run_free(&r1);
    run_free(&r2);
    run_free(&r3);
    free(file);
}

Test(parse_cli, fetched_at_completes_a_time_only_dateline)
{
    const char *page = "Headline one\nHeadline two\n\n"
                       "Storm closes the coastal road for a day\n\n11:20\n\n"
                       "Storm closes the coastal road for a day\n\n"
                       "Heavy rain and strong winds closed the coastal road on Friday, and "
                       "police asked drivers to use the mountain route until the water drains.\n\n"
                       "The road authority said crews would work through the night to clear "
                       "the mud and fallen trees from the two worst stretches near the port.\n";
    const char *path = support_write("time.txt", page, strlen(page));
    run r;
    run_cli(&r, NULL, 0, "--fetched-at", "2026-11-21T10:00:00+03:00", path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    const char *p = str(r.recs[0], "published_at");
    cr_assert_not_null(p);
    cr_assert_eq(strncmp(p, "2026-11-21T11:20", 16), 0, "published_at %s", p);
    cr_assert_str_eq(str(r.recs[0], "published_at_source"), "page_time+fetched_date");
    cr_assert(flag(r.recs[0], "date_from_fetch"));
    cr_assert(!body_has(r.recs[0], "11:20"), "the time line is not body text");
    run_free(&r);
    /* Without --fetched-at the time alone gives no date. */
    run_cli(&r, NULL, 0, path, NULL);
    cr_assert_eq(r.nrecs, 1);
    cr_assert_null(str(r.recs[0], "published_at"));
    cr_assert_not(flag(r.recs[0], "date_from_fetch"));
    run_free(&r);
}

Test(parse_cli, bad_options_exit_2_with_usage)
{
    const char *bad[][2] = {{"--bogus", NULL},
                            {"--content-type", "image/png"},
                            {"--fetched-at", "yesterday"},
                            {"--max-bytes", "lots"}};
    for (int i = 0; i < 4; i++) {
        run r;
        run_cli(&r, NULL, 0, bad[i][0], bad[i][1] ? bad[i][1] : "x", "x", NULL);
        cr_assert_eq(r.res.status, 2, "%s", bad[i][0]);
        cr_assert_not_null(strstr(r.res.err, "usage: news-ingest parse"), "%s", bad[i][0]);
        cr_assert_eq(r.res.out_len, 0);
        run_free(&r);
    }
    char *help[] = {(char *)support_cli(), "parse", "--help", NULL};
    support_run_result res;
    support_run(help, NULL, 0, 0, &res);
    cr_assert_eq(res.status, 0);
    const char *opts[] = {"--content-type", "--url",       "--fetched-at", "--charset",
                          "--max-bytes",    "--ner-model", "--kb",         "--no-entities"};
    for (int i = 0; i < 8; i++) cr_assert_not_null(strstr(res.out, opts[i]), "%s", opts[i]);
    support_run_result_free(&res);
    char *argv[] = {(char *)support_cli(), "--help", NULL};
    support_run(argv, NULL, 0, 0, &res);
    cr_assert_eq(res.status, 0);
    cr_assert_not_null(strstr(res.out, "parse"), "news-ingest --help lists the commands");
    support_run_result_free(&res);
}

/* ---- bad input: each gives a record with the right flags, or one clear error line ---- */

/* arabic_page: UTF-8 Arabic article text (caller frees). */
static char *arabic_page(void)
{
    sbuf b = SBUF_INIT;
    sbuf_append_str(&b, "افتتاح سوق جديد للمزارعين في وسط المدينة\n\n");
    for (int i = 0; i < 6; i++)
        sbuf_append_str(
            &b, "افتتحت البلدية سوقاً جديداً للمزارعين في وسط المدينة، يعرض فيه أكثر من خمسين مزارعاً "
                "منتجاتهم من الخضار والفواكه مباشرة إلى المستهلكين كل يوم جمعة وسبت.\n\n");
    return sbuf_steal(&b);
}

Test(bad_input, invalid_utf8_bytes_replaced)
{
    char *p = arabic_page();
    size_t n = strlen(p);
    p[n / 2] = (char)0xff; /* a stray byte inside the text */
    p[n / 3] = (char)0xc3; /* a truncated two-byte sequence */
    p[n / 3 + 1] = ' ';
    const char *path = support_write("invalid.txt", p, n);
    run r;
    run_cli(&r, NULL, 0, path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(flag(r.recs[0], "invalid_bytes"));
    cr_assert(body_has(r.recs[0], "للمزارعين"), "the valid text stays Arabic");
    run_free(&r);
    free(p);
}

Test(bad_input, nul_bytes_removed)
{
    char *p = article_page("nulcase");
    size_t n = strlen(p);
    size_t at = (size_t)(strstr(p, "approved") - p);
    p[at + 3] = '\0'; /* "app\0oved" */
    const char *path = support_write("nul.txt", p, n);
    run r;
    run_cli(&r, NULL, 0, path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(flag(r.recs[0], "nul_removed"));
    cr_assert(body_has(r.recs[0], "nulcase"), "text after the NUL is kept");
    run_free(&r);
    free(p);
}

Test(bad_input, empty_input_gives_flagged_record)
{
    const char *path = support_write("empty.txt", "", 0);
    run r;
    run_cli(&r, NULL, 0, path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(flag(r.recs[0], "body_empty"));
    cr_assert(flag(r.recs[0], "title_missing"));
    cr_assert_str_eq(str(r.recs[0], "body"), "");
    run_free(&r);
}

Test(bad_input, binary_garbage_is_a_clear_error)
{
    size_t n = 65536;
    unsigned char *g = malloc(n);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    const char *path = support_write("garbage.bin", g, n);
    char *file = strdup(path);
    run r;
    run_cli(&r, NULL, 0, file, NULL);
    cr_assert_eq(r.res.status, 1);
    cr_assert_eq(r.nrecs, 0);
    cr_assert_eq(count_lines(r.res.err), 1, "stderr: %s", r.res.err);
    char want[600];
    snprintf(want, sizeof want, "news-ingest parse: %s: page: ", file);
    cr_assert_eq(strncmp(r.res.err, want, strlen(want)), 0, "stderr: %s", r.res.err);
    run_free(&r);
    free(file);
    free(g);
}

Test(bad_input, fifty_megabytes_over_the_limit_then_allowed)
{
    char *para = article_page("bigpage");
    size_t plen = strlen(para), n = 50u * 1024 * 1024;
    char *big = malloc(n);
    for (size_t off = 0; off < n; off += plen)
        memcpy(big + off, para, off + plen <= n ? plen : n - off);
    for (size_t i = n - 1; i > n - 64; i--) big[i] = '\n';
    char *file = strdup(support_write("big.txt", big, n));
    free(big);
    run r;
    run_cli(&r, NULL, 0, file, NULL);
    cr_assert_eq(r.res.status, 1);
    cr_assert_eq(r.nrecs, 0);
    cr_assert_eq(count_lines(r.res.err), 1, "stderr: %s", r.res.err);
    cr_assert_not_null(strstr(r.res.err, "limit"), "stderr: %s", r.res.err);
    cr_assert_not_null(strstr(r.res.err, "--max-bytes"), "the error says how to raise it");
    run_free(&r);
    run_cli(&r, NULL, 0, "--max-bytes", "64M", file, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "bigpage"));
    run_free(&r);
    free(file);
    free(para);
}

Test(bad_input, deep_nesting_html)
{
    size_t depth = 10000;
    const char *inner = "<p>Deep inside the page the article says the harbour plan passed.</p>";
    size_t n = depth * 11 + strlen(inner) + 64;
    char *h = malloc(n), *w = h;
    w += sprintf(w, "<html><body>");
    for (size_t i = 0; i < depth; i++) w += sprintf(w, "<div>");
    w += sprintf(w, "%s", inner);
    for (size_t i = 0; i < depth; i++) w += sprintf(w, "</div>");
    const char *path = support_write("deep.html", h, (size_t)(w - h));
    run r;
    run_cli(&r, NULL, 0, "--content-type", "text/html", path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "harbour plan") || flag(r.recs[0], "markup_deep"),
              "the deep text is either found or flagged as skipped");
    run_free(&r);
    free(h);
}

Test(bad_input, unclosed_tags)
{
    const char *h = "<html><head><title>Market day returns to the square</title><body><article>"
                    "<h1>Market day returns to the square<p>The weekly market returned to the old "
                    "square on Saturday with forty stalls selling bread, cheese and vegetables"
                    "<p>Traders said the new layout <b>gives more room <i>to shoppers and "
                    "families with prams, and the council plans to keep it for the winter";
    const char *path = support_write("unclosed.html", h, strlen(h));
    run r;
    run_cli(&r, NULL, 0, path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "forty stalls"));
    cr_assert(body_has(r.recs[0], "families with prams"));
    run_free(&r);
}

Test(bad_input, utf8_declared_windows_1252)
{
    char *p = arabic_page();
    const char *path = support_write("utf8-as-1252.txt", p, strlen(p));
    run r;
    run_cli(&r, NULL, 0, "--charset", "windows-1252", path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "للمزارعين"), "the Arabic text survives the wrong declaration");
    cr_assert(flag(r.recs[0], "charset_mismatch"));
    run_free(&r);
    free(p);
}

Test(bad_input, windows_1256_declared_utf8)
{
    char *p = arabic_page();
    size_t cap = strlen(p) * 2 + 16;
    char *cp = malloc(cap);
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucnv_convert("windows-1256", "UTF-8", cp, (int32_t)cap, p, -1, &st);
    cr_assert(U_SUCCESS(st) && n > 0, "ICU conversion to windows-1256: %s", u_errorName(st));
    cr_assert_lt((size_t)n, strlen(p), "one byte per Arabic letter");
    const char *path = support_write("cp1256.txt", cp, (size_t)n);
    run r;
    run_cli(&r, NULL, 0, "--charset", "utf-8", path, NULL);
    cr_assert_eq(r.res.status, 0, "stderr: %s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert(body_has(r.recs[0], "للمزارعين"), "decoded as windows-1256 after all");
    cr_assert(flag(r.recs[0], "charset_mismatch"));
    cr_assert(flag(r.recs[0], "charset_converted"));
    run_free(&r);
    free(cp);
    free(p);
}

/* ---- entities ---------------------------------------------------------------------------- */

/* entity_page: an Arabic page naming a city and an armed group known to the KB (caller frees). */
static char *entity_page(void)
{
    sbuf b = SBUF_INIT;
    sbuf_append_str(&b, "قوات سوريا الديمقراطية تعلن فتح طريق جديد قرب دمشق\n\n");
    for (int i = 0; i < 3; i++)
        sbuf_append_str(&b, "قالت قوات سوريا الديمقراطية في بيان إن الطريق الواصل إلى دمشق "
                            "سيفتح أمام المدنيين خلال أيام، بعد أشهر من الإغلاق بسبب المعارك.\n\n");
    return sbuf_steal(&b);
}

/* entity_named: the record entity whose names.en is en, NULL when none. */
static const cJSON *entity_named(const cJSON *rec, const char *en)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, get(rec, "entities"))
    {
        const char *n =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "names"), "en"));
        if (n && !strcmp(n, en)) return e;
    }
    return NULL;
}

Test(parse_cli, records_carry_entities)
{
    char *p = entity_page();
    const char *path = support_write("entities.txt", p, strlen(p));
    run r;
    run_cli(&r, NULL, 0, (char *)path, NULL);
    cr_assert_eq(r.res.status, 0, "%s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    const cJSON *city = entity_named(r.recs[0], "Damascus");
    const cJSON *group = entity_named(r.recs[0], "Syrian Democratic Forces");
    cr_assert_not_null(city, "no Damascus: %s", r.res.out);
    cr_assert_not_null(group, "no SDF: %s", r.res.out);
    cr_assert_str_eq(str(city, "type"), "LOC");
    cr_assert_str_eq(str(group, "type"), "ORG");
    cr_assert_geq(get(city, "count")->valuedouble, 4, "title + 3 paragraphs");
    cr_assert_str_eq(str(cJSON_GetArrayItem(get(group, "mentions"), 0), "field"), "title");
    run_free(&r);
    run_cli(&r, NULL, 0, "--no-entities", (char *)path, NULL);
    cr_assert_eq(r.res.status, 0, "%s", r.res.err);
    cr_assert_eq(r.nrecs, 1);
    cr_assert_eq(cJSON_GetArraySize(get(r.recs[0], "entities")), 0);
    run_free(&r);
    free(p);
}

/* bad_data: parse with option opt naming a file holding content: exit 2 before any page, one
 * stderr line naming the file and line want_line. */
static void bad_data(const char *opt, const char *name, const char *content, const char *want_line)
{
    char path[4096], where[4200], *p = entity_page();
    snprintf(path, sizeof path, "%s", support_write(name, content, strlen(content)));
    const char *page = support_write("page.txt", p, strlen(p));
    run r;
    run_cli(&r, NULL, 0, opt, path, (char *)page, NULL);
    cr_assert_eq(r.res.status, 2, "%s: status %d: %s", opt, r.res.status, r.res.err);
    cr_assert_eq(r.res.out_len, 0, "a record was printed: %s", r.res.out);
    snprintf(where, sizeof where, "%s:%s", path, want_line);
    cr_assert_not_null(strstr(r.res.err, where), "%s: want %s in: %s", opt, where, r.res.err);
    cr_assert_eq(count_lines(r.res.err), 1, "%s", r.res.err);
    run_free(&r);
    free(p);
}

Test(parse_cli, malformed_kb_or_model_exits_2_naming_file_and_line)
{
    bad_data("--kb", "bad.tsv", "# a comment line\nkb:x\tLOC\tمكان\tPlace\t\tSY\nkb:y\tLOC\tبلدة\n",
             "3");
    /* The committed model's first line (its format header), then garbage. */
    char *model = support_read(support_path("models/ner-ar.model"), NULL);
    model[strcspn(model, "\n")] = '\0';
    sbuf bad = SBUF_INIT;
    sbuf_printf(&bad, "%s\nthis is not a model\n", model);
    bad_data("--ner-model", "bad.model", bad.data, "2");
    sbuf_free(&bad);
    free(model);
    char *p = entity_page();
    const char *page = support_write("page.txt", p, strlen(p));
    run r;
    run_cli(&r, NULL, 0, "--kb", "/nonexistent/kb.tsv", (char *)page, NULL);
    cr_assert_eq(r.res.status, 2);
    cr_assert_not_null(strstr(r.res.err, "/nonexistent/kb.tsv"), "%s", r.res.err);
    run_free(&r);
    free(p);
}
