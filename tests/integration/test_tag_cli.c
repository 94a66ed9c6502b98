/* test_tag_cli.c: `news-ingest tag --conll` (the built binary): order, blank lines, exit codes. */
#include "entities/ner.h"
#include "support.h"
#include "support_proc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* run_tag: news-ingest tag ARGS... (NULL-terminated) with stdin in. */
static void run_tag(support_run_result *r, const char *in, const char *a1, const char *a2,
                    const char *a3)
{
    char *argv[] = {(char *)support_cli(), "tag", (char *)a1, (char *)a2, (char *)a3, NULL};
    support_run(argv, in, in ? strlen(in) : 0, 0, r);
}

/* check_line: "token<TAB>TAG" with the given token and a tag ner_tag_parse knows; the tag. */
static int check_line(const char *line, size_t len, const char *token)
{
    const char *tab = memchr(line, '\t', len);
    cr_assert_not_null(tab, "no tab in '%.*s'", (int)len, line);
    cr_assert_eq((size_t)(tab - line), strlen(token), "'%.*s' for %s", (int)len, line, token);
    cr_assert_eq(memcmp(line, token, strlen(token)), 0, "'%.*s' for %s", (int)len, line, token);
    int tag = ner_tag_parse(tab + 1, len - (size_t)(tab + 1 - line));
    cr_assert_geq(tag, 0, "bad tag in '%.*s'", (int)len, line);
    return tag;
}

Test(tag_cli, keeps_order_and_blank_lines)
{
    const char *in = "قال O\nالرئيس\tO\nسمير B-PERS\nنجار\n\nزار\nمدينة x y\nحلب\n\n\n"
                     "Paris\n";
    const char *want[] = {"قال",   "الرئيس", "سمير", "نجار", "",     "زار",
                          "مدينة", "حلب",    "",     "",     "Paris"};
    support_run_result r;
    const char *model = support_path("models/ner-ar.model");
    run_tag(&r, in, "--conll", "--model", model);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    const char *p = r.out;
    int prev = NER_O;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "output ends before line %zu: %s", i + 1, r.out);
        if (!*want[i]) {
            cr_assert_eq(nl, p, "line %zu should be blank", i + 1);
            prev = NER_O;
        } else {
            int tag = check_line(p, (size_t)(nl - p), want[i]);
            if (tag != NER_O && tag % 2 == 0) cr_assert(prev == tag || prev == tag - 1);
            prev = tag;
        }
        p = nl + 1;
    }
    cr_assert_str_eq(p, "", "extra output: %s", p);
    support_run_result_free(&r);
}

Test(tag_cli, empty_input_gives_empty_output)
{
    support_run_result r;
    run_tag(&r, "", "--conll", "--model", support_path("models/ner-ar.model"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    support_run_result_free(&r);
}

Test(tag_cli, missing_model_exits_2_naming_the_file)
{
    support_run_result r;
    run_tag(&r, "a\n", "--conll", "--model", "/nonexistent/dir/ner.model");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent/dir/ner.model"), "%s", r.err);
    cr_assert_str_eq(r.out, "");
    support_run_result_free(&r);
    setenv("NEWS_INGEST_NER_MODEL", "/nonexistent/env.model", 1);
    run_tag(&r, "a\n", "--conll", NULL, NULL);
    unsetenv("NEWS_INGEST_NER_MODEL");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent/env.model"), "%s", r.err);
    support_run_result_free(&r);
}

Test(tag_cli, malformed_model_exits_2_naming_file_and_line)
{
    /* The committed model's first line (its format header), then garbage. */
    char *model = support_read(support_path("models/ner-ar.model"), NULL);
    model[strcspn(model, "\n")] = '\0';
    char bad[256];
    int n = snprintf(bad, sizeof bad, "%.200s\nwhat\n", model);
    free(model);
    const char *p = support_write("bad.model", bad, (size_t)n);
    char path[4096], want[4200];
    snprintf(path, sizeof path, "%s", p);
    snprintf(want, sizeof want, "%s:2:", path);
    support_run_result r;
    run_tag(&r, "a\n", "--conll", "--model", path);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, want), "%s", r.err);
    support_run_result_free(&r);
}

Test(tag_cli, usage_errors_exit_2)
{
    support_run_result r;
    run_tag(&r, "a\n", "--model", support_path("models/ner-ar.model"), NULL);
    cr_assert_eq(r.status, 2, "tag without --conll");
    support_run_result_free(&r);
    run_tag(&r, "a\n", "--conll", "--bogus", NULL);
    cr_assert_eq(r.status, 2);
    support_run_result_free(&r);
}

Test(tag_cli, default_model_is_found_next_to_the_executable)
{
    /* The build directory's parent is the source tree here, so <exe>/../models/ is found. */
    char exe_models[4096];
    snprintf(exe_models, sizeof exe_models, "%s/../models/ner-ar.model",
             getenv("NI_BUILD_DIR") ? getenv("NI_BUILD_DIR") : ".");
    FILE *f = fopen(exe_models, "r");
    if (!f) cr_skip_test("no model next to the build directory (%s)", exe_models);
    fclose(f);
    unsetenv("NEWS_INGEST_NER_MODEL");
    support_run_result r;
    run_tag(&r, "حلب\n", "--conll", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    check_line(r.out, strcspn(r.out, "\n"), "حلب");
    support_run_result_free(&r);
}

/* tag_of: the tag printed for the n-th (0-based) line of out that starts with token. */
static int tag_of(const char *out, const char *token, int n)
{
    size_t tl = strlen(token);
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > tl && !memcmp(p, token, tl) && p[tl] == '\t' && n-- == 0)
            return check_line(p, len, token);
        p += len + (nl != NULL);
    }
    cr_assert_fail("no line %d for %s in: %s", n, token, out);
    return -1;
}

Test(tag_cli, a_name_stands_for_its_surname_within_a_document_only)
{
    const char *model = support_path("models/ner-ar.model");
    const char *one = "قال\nوزير\nالدفاع\nدونالد\nرامسفيلد\n\nكان\nرامسفيلد\nهناك\n";
    const char *two = "قال\nوزير\nالدفاع\nدونالد\nرامسفيلد\n\n-DOCSTART- -X- O\n\nكان\n"
                      "رامسفيلد\nهناك\n";
    support_run_result r;
    run_tag(&r, one, "--conll", "--model", model);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(tag_of(r.out, "رامسفيلد", 0), NER_I_PER);
    cr_assert_eq(tag_of(r.out, "رامسفيلد", 1), NER_B_PER, "%s", r.out);
    support_run_result_free(&r);
    run_tag(&r, two, "--conll", "--model", model);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(tag_of(r.out, "رامسفيلد", 1), NER_O, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\n\n-DOCSTART- -X- O\n\nكان\t"), "%s", r.out);
    support_run_result_free(&r);
}
