/* test_ner_kb.c: unit tests of the knowledge base: ICU countries, the TSV file and its errors, and
 * the matcher (normalized, clitic-aware, longest first, non-overlapping). */
#include "entities/kb.h"
#include "support.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The curated file in the project. */
#define KB_FILE "data/kb/entities.tsv"

/* write_tsv: text into a fresh temporary file; its path in path (PATH_MAX-ish buffer). */
static void write_tsv(char *path, const char *text)
{
    strcpy(path, "/tmp/test_ner_kb_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    size_t n = strlen(text);
    cr_assert_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* load_text: a KB from text written to a temporary file (asserts success). */
static ner_kb *load_text(const char *text)
{
    char path[64], err[512] = "";
    write_tsv(path, text);
    ner_kb *kb = ner_kb_load(path, err, sizeof err);
    unlink(path);
    cr_assert_not_null(kb, "load failed: %s", err);
    return kb;
}

/* The matches of one text. */
typedef struct found {
    ner_tokens toks;
    ner_kb_match *m;
    size_t n;
} found;

static found find(const ner_kb *kb, const char *s)
{
    found f = {0};
    char err[256] = "";
    cr_assert_eq(ner_tokenize(s, strlen(s), &f.toks, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(ner_kb_find(kb, &f.toks, &f.m, &f.n, err, sizeof err), NI_OK, "%s", err);
    return f;
}

static void found_free(found *f)
{
    ner_tokens_free(&f->toks);
    free(f->m);
}

/* id_of: the id of the single entity s matches as a whole (NULL when none or several). */
static const char *id_of(const ner_kb *kb, const char *s)
{
    static char id[64];
    found f = find(kb, s);
    const char *r = NULL;
    if (f.n == 1 && f.m[0].first == 0 && f.m[0].last == f.toks.n) {
        snprintf(id, sizeof id, "%s", f.m[0].entry->id);
        r = id;
    }
    found_free(&f);
    return r;
}

/* span_is: match i of f covers text (exactly) at the code points where it occurs in s. */
static void span_is(const found *f, size_t i, const char *s, const char *text)
{
    cr_assert_lt(i, f->n);
    const ner_kb_match *m = &f->m[i];
    cr_assert(m->len == strlen(text) && !memcmp(m->text, text, m->len),
              "match %zu: '%.*s', expected '%s'", i, (int)m->len, m->text, text);
    size_t cp = 0;
    for (const char *p = s; p < m->text; p++) cp += ((unsigned char)*p & 0xC0) != 0x80;
    cr_assert_eq(m->start, cp, "match %zu start %zu, expected %zu", i, m->start, cp);
    size_t n = 0;
    for (size_t k = 0; k < m->len; k++) n += ((unsigned char)m->text[k] & 0xC0) != 0x80;
    cr_assert_eq(m->end, cp + n, "match %zu end", i);
}

static const char *small_kb =
    "# a small knowledge base for the tests\n"
    "kb:syrian-democratic-forces\tORG\tقوات سوريا الديمقراطية\tSyrian Democratic Forces\t"
    "قسد|SDF|قوات سورية الديمقراطية\tSY\n"
    "kb:raqqa\tLOC\tالرقة\tRaqqa\t\tSY\n"
    "kb:beirut\tLOC\tبيروت\tBeirut\t\tLB\n"
    "kb:mofa\tORG\tوزارة الخارجية\t\t\t\n"
    "kb:mofa-syria\tORG\tوزارة الخارجية السورية\tSyrian Ministry of Foreign Affairs\t\tSY\n"
    "kb:united-nations\tORG\tالأمم المتحدة\tUnited Nations\tUN\t\n"
    "SY\tLOC\t\t\tسورية|الجمهورية العربية السورية\t\n"
    "OM\tLOC\tسلطنة عمان\t\t!عمان\t\n"
    "kb:amman\tLOC\tعمّان\tAmman\t!عمّان|العاصمة الأردنية عمان\tJO\n";

Test(ner_kb, countries_come_from_icu_in_both_languages)
{
    char err[256] = "";
    ner_kb *kb = ner_kb_load(NULL, err, sizeof err);
    cr_assert_not_null(kb, "%s", err);
    cr_assert_geq(ner_kb_size(kb), 240);
    const ner_kb_entry *sy = ner_kb_lookup(kb, "SY");
    cr_assert_not_null(sy);
    cr_assert_str_eq(sy->name_ar, "سوريا");
    cr_assert_str_eq(sy->name_en, "Syria");
    cr_assert_str_eq(sy->type, "LOC");
    cr_assert_str_eq(sy->country, "SY");
    cr_assert_str_eq(id_of(kb, "سوريا"), "SY");
    cr_assert_str_eq(id_of(kb, "Syria"), "SY");
    cr_assert_str_eq(id_of(kb, "والعراق"), "IQ");
    cr_assert_str_eq(id_of(kb, "United States"), "US");
    cr_assert_null(ner_kb_lookup(kb, "kb:nothing"));
    cr_assert_null(ner_kb_lookup(kb, "ZZ"));
    ner_kb_destroy(kb);
    ner_kb_destroy(NULL);
}

Test(ner_kb, every_form_of_an_entity_matches_its_id)
{
    ner_kb *kb = load_text(small_kb);
    const char *forms[] = {"قسد",
                           "\"قسد\"",
                           "«قسد»",
                           "لقسد",
                           "وقسد",
                           "SDF",
                           "قوات سوريا الديمقراطية",
                           "لقوات سوريا الديمقراطية",
                           "قوات سورية الديمقراطية",
                           "قُوّات سوريا الديمقراطيّة",
                           "Syrian Democratic Forces"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        const char *id = id_of(kb, forms[i]);
        cr_assert_not_null(id, "%s: no single match", forms[i]);
        cr_assert_str_eq(id, "kb:syrian-democratic-forces", "%s", forms[i]);
    }
    ner_kb_destroy(kb);
}

Test(ner_kb, capital_abbreviations_need_their_capitals)
{
    ner_kb *kb = load_text(small_kb);
    cr_assert_str_eq(id_of(kb, "UN"), "kb:united-nations");
    cr_assert_null(id_of(kb, "un"));
    cr_assert_null(id_of(kb, "sdf"));
    cr_assert_str_eq(id_of(kb, "وSDF"), "kb:syrian-democratic-forces");
    ner_kb_destroy(kb);
}

Test(ner_kb, capitals_after_the_first_word)
{
    /* Only the second word must keep its capitals: the first matches in any case. The many
     * filler names make the arena reuse memory that earlier names wrote. */
    char *text = malloc(64 * 1024);
    cr_assert_not_null(text);
    size_t k = (size_t)sprintf(text, "kb:x-unit\tORG\t\tNorth NRG\t\t\n");
    for (int i = 0; i < 500; i++)
        k += (size_t)sprintf(text + k, "kb:f%d\tLOC\t\tPlace%d Town%d\t\t\n", i, i, i);
    ner_kb *kb = load_text(text);
    free(text);
    cr_assert_str_eq(id_of(kb, "North NRG"), "kb:x-unit");
    cr_assert_str_eq(id_of(kb, "north NRG"), "kb:x-unit");
    cr_assert_null(id_of(kb, "North nrg"));
    ner_kb_destroy(kb);
}

Test(ner_kb, longest_match_wins)
{
    ner_kb *kb = load_text(small_kb);
    const char *s = "قالت وزارة الخارجية السورية إن وزارة الخارجية التركية";
    found f = find(kb, s);
    cr_assert_eq(f.n, 2, "%zu matches", f.n); /* التركية is not تركيا */
    cr_assert_str_eq(f.m[0].entry->id, "kb:mofa-syria");
    cr_assert_eq(f.m[0].last - f.m[0].first, 3);
    span_is(&f, 0, s, "وزارة الخارجية السورية");
    cr_assert_str_eq(f.m[1].entry->id, "kb:mofa");
    span_is(&f, 1, s, "وزارة الخارجية");
    found_free(&f);
    ner_kb_destroy(kb);
}

Test(ner_kb, matches_are_in_order_and_do_not_overlap)
{
    ner_kb *kb = load_text(small_kb);
    const char *s = "سوريا وقسد في الرقة وبيروت، والأمم المتحدة وسورية";
    found f = find(kb, s);
    const char *ids[] = {"SY",        "kb:syrian-democratic-forces", "kb:raqqa",
                         "kb:beirut", "kb:united-nations",           "SY"};
    cr_assert_eq(f.n, 6, "%zu matches", f.n);
    for (size_t i = 0; i < f.n; i++) {
        cr_assert_str_eq(f.m[i].entry->id, ids[i], "match %zu", i);
        if (i) cr_assert_geq(f.m[i].first, f.m[i - 1].last);
    }
    found_free(&f);
    ner_kb_destroy(kb);
}

Test(ner_kb, spans_exclude_proclitics_but_keep_the_names_article)
{
    ner_kb *kb = load_text(small_kb);
    const char *s = "وبيروت وبالرقة للرقة الرقة لقسد والأمم المتحدة";
    found f = find(kb, s);
    cr_assert_eq(f.n, 6, "%zu matches", f.n);
    span_is(&f, 0, s, "بيروت");
    span_is(&f, 1, s, "الرقة");
    span_is(&f, 2, s, "رقة"); /* لل = ل + ال: no "الرقة" in the text */
    span_is(&f, 3, s, "الرقة");
    span_is(&f, 4, s, "قسد");
    span_is(&f, 5, s, "الأمم المتحدة");
    found_free(&f);
    ner_kb_destroy(kb);
}

Test(ner_kb, a_name_does_not_cross_a_sentence_or_lose_its_article)
{
    ner_kb *kb = load_text(small_kb);
    cr_assert_null(id_of(kb, "قوات سوريا. الديمقراطية"));
    cr_assert_null(id_of(kb, "رقة")); /* "thinness", not الرقة */
    cr_assert_null(id_of(kb, "ورقة"));
    found f = find(kb, "قوات سوريا. الديمقراطية");
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.m[0].entry->id, "SY");
    found_free(&f);
    ner_kb_destroy(kb);
}

Test(ner_kb, country_lines_add_names_and_exclusions_drop_them)
{
    ner_kb *kb = load_text(small_kb);
    cr_assert_str_eq(id_of(kb, "سورية"), "SY");
    cr_assert_str_eq(id_of(kb, "الجمهورية العربية السورية"), "SY");
    cr_assert_str_eq(id_of(kb, "سوريا"), "SY"); /* ICU's name stays */
    cr_assert_str_eq(ner_kb_lookup(kb, "OM")->name_ar, "سلطنة عمان");
    cr_assert_str_eq(id_of(kb, "سلطنة عمان"), "OM");
    cr_assert_null(id_of(kb, "عمان")); /* Oman or Amman: neither */
    cr_assert_null(id_of(kb, "عُمان")); /* ICU's form, excluded too */
    cr_assert_str_eq(id_of(kb, "العاصمة الأردنية عمان"), "kb:amman");
    cr_assert_str_eq(ner_kb_lookup(kb, "kb:amman")->country, "JO");
    cr_assert_null(ner_kb_lookup(kb, "kb:mofa")->name_en);
    cr_assert_null(ner_kb_lookup(kb, "kb:mofa")->country);
    ner_kb_destroy(kb);
}

/* expect_error: loading text fails, naming the file and line, with reason in the message. */
static void expect_error(const char *text, unsigned line, const char *reason)
{
    char path[64], err[512] = "", where[96];
    write_tsv(path, text);
    ner_kb *kb = ner_kb_load(path, err, sizeof err);
    unlink(path);
    cr_assert_null(kb, "loaded a malformed file (%s)", reason);
    snprintf(where, sizeof where, "%s:%u: ", path, line);
    cr_assert(strstr(err, where) == err, "error '%s' does not start with '%s'", err, where);
    cr_assert_not_null(strstr(err, reason), "error '%s' does not say '%s'", err, reason);
}

Test(ner_kb, malformed_files_name_the_file_and_line)
{
    const char *ok = "# comment\n\nkb:a\tLOC\tأ\tA\t\t\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%skb:b\tLOC\tب\tB\t\n", ok);
    expect_error(buf, 4, "columns");
    snprintf(buf, sizeof buf, "%skb:b\tLOC\tب\tB\t\t\t\n", ok);
    expect_error(buf, 4, "columns");
    snprintf(buf, sizeof buf, "%skb:b\tPLACE\tب\tB\t\t\n", ok);
    expect_error(buf, 4, "bad type");
    snprintf(buf, sizeof buf, "%skb:b\tLOC\t\t\tب\t\n", ok);
    expect_error(buf, 4, "empty name");
    snprintf(buf, sizeof buf, "%skb:a\tLOC\tب\tB\t\t\n", ok);
    expect_error(buf, 4, "duplicate id");
    snprintf(buf, sizeof buf, "SY\tLOC\tسوريا\t\t\t\nSY\tLOC\t\t\tسورية\t\n");
    expect_error(buf, 2, "duplicate id");
    snprintf(buf, sizeof buf, "%sKB:B\tLOC\tب\tB\t\t\n", ok);
    expect_error(buf, 4, "bad id");
    snprintf(buf, sizeof buf, "%sZZ\tLOC\tب\tB\t\t\n", ok);
    expect_error(buf, 4, "bad id");
    snprintf(buf, sizeof buf, "%skb:b\tLOC\tب\tB\t\tSYR\n", ok);
    expect_error(buf, 4, "bad country");
    snprintf(buf, sizeof buf, "%skb:b\tLOC\tب\tB\t!!!\t\n", ok);
    expect_error(buf, 4, "no words");
    snprintf(buf, sizeof buf, "%skb:b\tLOC\tب\tB\tأ\t\n", ok);
    expect_error(buf, 4, "already names kb:a");
}

Test(ner_kb, a_missing_file_is_named)
{
    char err[256] = "";
    cr_assert_null(ner_kb_load("/nonexistent/kb.tsv", err, sizeof err));
    cr_assert_not_null(strstr(err, "/nonexistent/kb.tsv"), "%s", err);
}

Test(ner_kb, crlf_lines_and_spaces_around_aliases)
{
    ner_kb *kb = load_text("kb:raqqa\tLOC\tالرقة\tRaqqa\t Raqqa City | الرقه \tSY\r\n");
    cr_assert_str_eq(id_of(kb, "Raqqa City"), "kb:raqqa");
    cr_assert_str_eq(ner_kb_lookup(kb, "kb:raqqa")->country, "SY");
    ner_kb_destroy(kb);
}

/* ---- the curated file ------------------------------------------------------------------------ */

static ner_kb *load_project_kb(void)
{
    char err[512] = "";
    ner_kb *kb = ner_kb_load(support_path(KB_FILE), err, sizeof err);
    cr_assert_not_null(kb, "%s", err);
    return kb;
}

Test(ner_kb, the_curated_file_loads_with_500_entries_and_unique_ids)
{
    ner_kb *kb = load_project_kb();
    char *text = support_read(support_path(KB_FILE), NULL);
    size_t lines = 0, curated = 0, countries = 0;
    char **ids = NULL;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#' || !l[0]) continue;
        char *tab = strchr(l, '\t');
        cr_assert_not_null(tab, "line without columns: %s", l);
        *tab = '\0';
        ids = realloc(ids, (lines + 1) * sizeof *ids);
        ids[lines++] = l;
        const ner_kb_entry *e = ner_kb_lookup(kb, l);
        cr_assert_not_null(e, "id %s of the file is not in the KB", l);
        cr_assert_str_eq(e->id, l);
        cr_assert(e->name_ar || e->name_en, "%s has no name", l);
        if (strncmp(l, "kb:", 3) == 0)
            curated++;
        else
            countries++;
    }
    for (size_t i = 0; i < lines; i++)
        for (size_t j = i + 1; j < lines; j++)
            cr_assert_str_neq(ids[i], ids[j], "duplicate id %s", ids[i]);
    cr_assert_geq(curated, 500, "%zu curated entries", curated);
    char err[256];
    ner_kb *icu = ner_kb_load(NULL, err, sizeof err);
    cr_assert_eq(ner_kb_size(kb), ner_kb_size(icu) + curated);
    ner_kb_destroy(icu);
    free(ids);
    free(text);
    ner_kb_destroy(kb);
}

Test(ner_kb, the_curated_file_links_the_usual_forms)
{
    ner_kb *kb = load_project_kb();
    const char *pairs[][2] = {
        {"قسد", "kb:syrian-democratic-forces"},
        {"«قسد»", "kb:syrian-democratic-forces"},
        {"لقسد", "kb:syrian-democratic-forces"},
        {"SDF", "kb:syrian-democratic-forces"},
        {"قوات سوريا الديمقراطية", "kb:syrian-democratic-forces"},
        {"وداعش", "kb:isis"},
        {"تنظيم الدولة الإسلامية", "kb:isis"},
        {"الأمم المتحدة", "kb:united-nations"},
        {"بدمشق", "kb:damascus"},
        {"وبغداد", "kb:baghdad"},
        {"دير الزور", "kb:deir-ez-zor"},
        {"رجب طيب أردوغان", "kb:recep-tayyip-erdogan"},
        {"سوريا", "SY"},
        {"وسورية", "SY"},
        {"Syria", "SY"},
        {"تركيا", "TR"},
        {"الولايات المتحدة الأمريكية", "US"},
        {"وزارة الخارجية السورية", "kb:syria-foreign-ministry"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *id = id_of(kb, pairs[i][0]);
        cr_assert_not_null(id, "%s: no single match", pairs[i][0]);
        cr_assert_str_eq(id, pairs[i][1], "%s", pairs[i][0]);
    }
    /* ordinary words that are also names are not matched alone */
    const char *words[] = {"مالي", "عمان", "العديد", "الباب", "us", "الخبر", "مسقط", "الميادين"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        cr_assert_null(id_of(kb, words[i]), "%s matched", words[i]);
    ner_kb_destroy(kb);
}

Test(ner_kb, two_word_names_also_match_without_their_space)
{
    ner_kb *kb = load_text("kb:deir\tLOC\tدير الزور\tDeir ez-Zor\t\tSY\n"
                           "kb:ras\tLOC\tرأس العين\tRas al-Ain\t\tSY\n"
                           "kb:glued\tLOC\tرأسالعين\tRasalain\t\tSY\n");
    cr_assert_str_eq(id_of(kb, "ديرالزور"), "kb:deir");
    cr_assert_str_eq(id_of(kb, "دير الزور"), "kb:deir");
    cr_assert_str_eq(id_of(kb, "ودير الزور"), "kb:deir");
    /* a listed name wins over another entry's spelling variant, and loading does not fail */
    cr_assert_str_eq(id_of(kb, "رأسالعين"), "kb:glued");
    cr_assert_str_eq(id_of(kb, "رأس العين"), "kb:ras");
    ner_kb_destroy(kb);
}

Test(ner_kb, no_match_across_a_quote_or_bracket)
{
    ner_kb *kb = load_text("kb:deir\tLOC\tدير الزور\tDeir ez-Zor\t\tSY\n");
    const char *across[] = {"دير \"الزور\"", "دير (الزور)", "دير «الزور»"};
    for (size_t i = 0; i < 3; i++) {
        found f = find(kb, across[i]);
        cr_assert_eq(f.n, 0, "%s matched", across[i]);
        found_free(&f);
    }
    cr_assert_str_eq(id_of(kb, "دير - الزور") ? "x" : "none", "x", "a dash is not a bracket");
    ner_kb_destroy(kb);
}

Test(ner_kb, world_cities_join_the_committed_kb)
{
    char err[512] = "";
    ner_kb *kb = ner_kb_load(support_path(KB_FILE), err, sizeof err);
    cr_assert_not_null(kb, "%s", err);
    const ner_kb_entry *m = ner_kb_lookup(kb, "kb:city-munich-de");
    cr_assert_not_null(m, "world-cities.csv's Munich");
    cr_assert_str_eq(m->type, "LOC");
    cr_assert_str_eq(m->name_en, "Munich");
    cr_assert_str_eq(m->country, "DE");
    cr_assert_str_eq(id_of(kb, "ميونخ"), "kb:city-munich-de");
    cr_assert_str_eq(id_of(kb, "وميونخ"), "kb:city-munich-de");
    /* a one-word town whose name the unlabelled text uses as an ordinary word (فرح "joy") is
     * left out, and a one-word English name never matches alone */
    cr_assert_null(ner_kb_lookup(kb, "kb:city-farah-af"));
    cr_assert_null(id_of(kb, "فرح"));
    cr_assert_null(id_of(kb, "Munich"));
    /* no city cuts a longer curated name (مدينة تل once took تل أبيض's first word) */
    cr_assert_str_eq(id_of(kb, "تل أبيض"), "kb:tell-abyad");
    found f = find(kb, "سيطرت القوات على مدينة تل أبيض");
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.m[0].entry->id, "kb:tell-abyad");
    found_free(&f);
    ner_kb_destroy(kb);
}
