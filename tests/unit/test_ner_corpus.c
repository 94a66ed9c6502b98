/* test_ner_corpus.c: the tagger's training-corpus tools: WikiFANE's class map and conventions,
 * the 8-gram overlap check, and training on a second corpus with domain-conjoined features. */
#include "entities/ner.h"
#include "entities/ner_train.h"
#include "entities/tagger_corpus.h"
#include "support.h"
#include "support_proc.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char classes[] = "# a table of our own\n"
                              "Population-Center\tLOC\tcities\n"
                              "Politician\tPER\ta person\n"
                              "Group\tO\tgroups of people\n"
                              "Book\tMISC\ttitles\n";

static ner_classmap *map_ok(void)
{
    char err[256] = "";
    ner_classmap *m = ner_classmap_parse(classes, strlen(classes), "classes.tsv", err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    return m;
}

/* convert: text through ner_fane_convert with the test map; the CoNLL text (caller frees). */
static char *convert(const char *text, const ner_spelling *sp, ner_fane_stats *st)
{
    ner_classmap *m = map_ok();
    sbuf out = SBUF_INIT;
    char err[256] = "";
    int rc = ner_fane_convert(text, strlen(text), m, sp, &out, st, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "%s", err);
    ner_classmap_destroy(m);
    return out.data ? out.data : strdup("");
}

Test(ner_fane, class_map_types_and_bad_lines)
{
    ner_classmap *m = map_ok();
    cr_assert_eq(ner_classmap_type(m, "Politician", 10), 1);
    cr_assert_eq(ner_classmap_type(m, "Population-Center", 17), 3);
    cr_assert_eq(ner_classmap_type(m, "Book", 4), 4);
    cr_assert_eq(ner_classmap_type(m, "Group", 5), 0);
    cr_assert_eq(ner_classmap_type(m, "Nation", 6), -1);
    ner_classmap_destroy(m);
    ner_classmap_destroy(NULL);
    char err[256] = "";
    const char bad[] = "Politician\tPER\tok\nNation\tCOUNTRY\tno such type\n";
    cr_assert_null(ner_classmap_parse(bad, strlen(bad), "c.tsv", err, sizeof err));
    cr_assert(strstr(err, "c.tsv:2"), "%s", err);
}

Test(ner_fane, the_shipped_table_maps_every_class_of_the_gold_file)
{
    char path[4096], err[256] = "";
    snprintf(path, sizeof path, "%s", support_path("data/ner/wikifane-classes.tsv"));
    size_t len;
    char *text = support_read(path, &len);
    ner_classmap *m = ner_classmap_parse(text, len, path, err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    const char *some[] = {"Nation", "Religious_PER", "GPE-Cluster", "Water-Body", "Sharp", "Air"};
    const int want[] = {3, 1, 3, 3, 0, 4};
    for (size_t i = 0; i < sizeof some / sizeof *some; i++)
        cr_assert_eq(ner_classmap_type(m, some[i], strlen(some[i])), want[i], "%s", some[i]);
    ner_classmap_destroy(m);
    free(text);
}

Test(ner_fane, marks_crlf_and_classes)
{
    /* BOM, U+200E before tokens, CRLF, a blank token ending the sentence, a class mapped to O. */
    const char in[] = "\xEF\xBB\xBF\xE2\x80\x8E"
                      "زار\tO\r\n\xE2\x80\x8E"
                      "الوزير\tO\r\n\xE2\x80\x8E"
                      "سمير\tB-Politician\r\n\xE2\x80\x8E"
                      "نجار\tI-Politician\r\n\xE2\x80\x8E"
                      "العرب\tB-Group\r\n"
                      "\t\r\n\xE2\x80\x8E"
                      "حلب\tB-Population-Center\r\n";
    ner_fane_stats st;
    char *out = convert(in, NULL, &st);
    cr_assert_str_eq(out, "زار\tO\nالوزير\tO\nسمير\tB-PER\nنجار\tI-PER\nالعرب\tO\n\n"
                          "حلب\tB-LOC\n\n");
    cr_assert_eq(st.marks, 7);
    cr_assert_eq(st.sentences, 2);
    cr_assert_eq(st.entities[1], 1);
    cr_assert_eq(st.entities[3], 1);
    free(out);
}

Test(ner_fane, split_clitics_are_joined_as_anercorp_writes_them)
{
    const char in[] = "و\tO\nل\tO\nالمدينة\tB-Population-Center\n" /* و ل المدينة -> وللمدينة */
                      "مكتبة\tO\nها\tO\n"                          /* ة + ها -> مكتبتها */
                      "ب\tO\nحلب\tB-Population-Center\n" /* بحلب, the name's tag */
                      "600000\tO\nكم\tO\n"               /* the kilometre stays */
                      "و\tO\n5\tO\n";                    /* no letter after: stays */
    ner_fane_stats st;
    char *out = convert(in, NULL, &st);
    cr_assert_str_eq(out, "وللمدينة\tB-LOC\nمكتبتها\tO\nبحلب\tB-LOC\n600000\tO\nكم\tO\n"
                          "و\tO\n5\tO\n\n");
    cr_assert_eq(st.proclitics, 3);
    cr_assert_eq(st.enclitics, 1);
    free(out);
}

Test(ner_fane, an_inside_tag_after_a_dropped_class_starts_a_name)
{
    const char in[] = "كتاب\tB-Book\nو\tI-Book\nقلم\tI-Book\nالعرب\tB-Group\nحلب\tI-Group\n"
                      "مدينة\tB-Population-Center\n";
    char *out = convert(in, NULL, NULL);
    cr_assert_str_eq(out, "كتاب\tB-MISC\nوقلم\tI-MISC\nالعرب\tO\nحلب\tO\nمدينة\tB-LOC\n\n");
    free(out);
}

Test(ner_fane, unknown_class_and_malformed_line_name_the_line)
{
    ner_classmap *m = map_ok();
    sbuf out = SBUF_INIT;
    char err[256] = "";
    const char in[] = "زار\tO\nباريس\tB-Nation\n";
    cr_assert_eq(ner_fane_convert(in, strlen(in), m, NULL, &out, NULL, err, sizeof err),
                 NI_ERR_PARSE);
    cr_assert(strstr(err, "line 2") && strstr(err, "Nation"), "%s", err);
    const char in2[] = "زار\tO\nباريس\tX-Politician\n";
    cr_assert_eq(ner_fane_convert(in2, strlen(in2), m, NULL, &out, NULL, err, sizeof err),
                 NI_ERR_PARSE);
    cr_assert(strstr(err, "line 2"), "%s", err);
    sbuf_free(&out);
    ner_classmap_destroy(m);
}

Test(ner_fane, words_take_their_usual_spelling)
{
    ner_spelling *sp = ner_spelling_create();
    cr_assert_not_null(sp);
    const char *seen[] = {"أحمد", "أحمد", "احمد", "إلى", "الى", "إلى", "مَدينة"};
    for (size_t i = 0; i < sizeof seen / sizeof *seen; i++)
        cr_assert_eq(ner_spelling_add(sp, seen[i], strlen(seen[i])), NI_OK);
    ner_fane_stats st;
    char *out = convert("احمد\tB-Politician\nذهب\tO\nالى\tO\nمدينة\tO\n", sp, &st);
    cr_assert_str_eq(out, "أحمد\tB-PER\nذهب\tO\nإلى\tO\nمدينة\tO\n\n");
    cr_assert_eq(st.respelled, 2);
    free(out);
    ner_spelling_destroy(sp);
    ner_spelling_destroy(NULL);
}

/* ---- overlap ------------------------------------------------------------------------------ */

static size_t scan(ner_overlap *o, const char *text)
{
    size_t grams = 0, hits = 0;
    ner_overlap_reset(o);
    ner_overlap_scan(o, text, strlen(text), &grams, &hits);
    return ner_overlap_found(o, NULL);
}

Test(ner_overlap, eight_words_in_a_row_are_found_whatever_the_spelling)
{
    ner_overlap *o = ner_overlap_create();
    cr_assert_not_null(o);
    const char ref[] = "قال وزير الخارجية إن المحادثات مع الجانب الآخر ستستأنف في القاهرة";
    cr_assert_eq(ner_overlap_add_ref(o, ref, strlen(ref)), NI_OK);
    size_t total;
    ner_overlap_found(o, &total);
    cr_assert_eq(total, 4); /* 11 words */
    /* the same words in running text: other alef and ta marbuta forms, punctuation, a mark */
    cr_assert_eq(scan(o, "وقال: \"قال وزير الخارجيه ان المحادثاتَ مع الجانب الاخر، ستستأنف\""), 2);
    cr_assert_eq(scan(o, "قال وزير الخارجية إن المحادثات مع الجانب"), 0); /* 7 words */
    cr_assert_eq(scan(o, "قال وزير الداخلية إن المحادثات مع الجانب الآخر ستستأنف"), 0);
    cr_assert_eq(scan(o, ref), 4);
    ner_overlap_destroy(o);
    ner_overlap_destroy(NULL);
}

Test(ner_overlap, the_check_command_passes_wikifane_and_fails_the_test_split_itself)
{
    char test[4096], fane[4096], classes_path[4096];
    snprintf(test, sizeof test, "%s", support_shared_path("data/anercorp/test.txt"));
    snprintf(fane, sizeof fane, "%s",
             support_shared_path("data/arabic/wikifane-WikiFANE_Gold_2014_500K.txt.gz"));
    snprintf(classes_path, sizeof classes_path, "%s",
             support_path("data/ner/wikifane-classes.tsv"));
    char conll[4096];
    snprintf(conll, sizeof conll, "%s/wf.conll", support_tmpdir());
    support_run_result r;
    char *conv[] = {
        (char *)support_cli(), "wikifane-conll", "-c", classes_path, "-o", conll, fane, NULL};
    support_run(conv, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "entities PER"), "%s", r.err);
    support_run_result_free(&r);
    char *ok[] = {(char *)support_cli(), "ner-overlap", test, conll, NULL};
    support_run(ok, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "distinct 8-grams"), "%s", r.out);
    support_run_result_free(&r);
    char *self[] = {(char *)support_cli(), "ner-overlap", test, test, NULL};
    support_run(self, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "OVER THE LIMIT"), "%s", r.out);
    support_run_result_free(&r);
}

/* ---- a second corpus in training ------------------------------------------------------------ */

/* repeat: n copies of s. */
static char *repeat(const char *s, int n)
{
    size_t l = strlen(s);
    char *out = malloc(l * (size_t)n + 1);
    for (int i = 0; i < n; i++) memcpy(out + l * (size_t)i, s, l);
    out[l * (size_t)n] = '\0';
    return out;
}

/* train_two: trains on main (+ aux as a second corpus when aux_path); the model. */
static ner_model *train_two(const char *main_path, const char *aux_path, const char *name)
{
    ner_train_opts o = {
        .iterations = 10, .seed = 1, .lexicon = 1, .ensemble = 1, .aux_path = aux_path};
    char out[4096], err[256] = "";
    snprintf(out, sizeof out, "%s/%s", support_tmpdir(), name);
    cr_assert_eq(ner_train_run(main_path, &o, out, err, sizeof err), NI_OK, "%s", err);
    ner_model *m = ner_model_load(out, err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    return m;
}

static ner_tag tag_of_second(const ner_model *m)
{
    const char *w[] = {"قال", "سمير", "إن", "الوفد", "وصل"};
    size_t lens[5];
    ner_tag tags[5];
    for (int i = 0; i < 5; i++) lens[i] = strlen(w[i]);
    cr_assert_eq(ner_model_tag(m, w, lens, 5, NULL, tags, NULL, 0), NI_OK);
    return tags[1];
}

Test(ner_aux, a_second_corpus_convention_does_not_override_the_first)
{
    /* Sentences of our own: the main corpus calls سمير a person, a larger second corpus an
     * organization. Trained as one corpus the majority wins; as a second corpus with
     * domain-conjoined features the main corpus's convention stays. */
    char *main_text = repeat("قال O\nسمير B-PER\nإن O\nالوفد O\nوصل O\n\nزار O\nحلب B-LOC\n\n", 4);
    char *aux_text = repeat("قال O\nسمير B-ORG\nإن O\nالوفد O\nوصل O\n\n", 30);
    char main_path[4096], aux_path[4096];
    snprintf(main_path, sizeof main_path, "%s",
             support_write("main.conll", main_text, strlen(main_text)));
    snprintf(aux_path, sizeof aux_path, "%s",
             support_write("aux.conll", aux_text, strlen(aux_text)));
    size_t ml = strlen(main_text), al = strlen(aux_text);
    char *both = malloc(ml + al + 1);
    memcpy(both, main_text, ml), memcpy(both + ml, aux_text, al + 1);
    char both_path[4096];
    snprintf(both_path, sizeof both_path, "%s", support_write("both.conll", both, ml + al));
    ner_model *one = train_two(both_path, NULL, "one.model");
    cr_assert_eq(tag_of_second(one), NER_B_ORG, "as one corpus: %s",
                 ner_tag_name(tag_of_second(one)));
    ner_model *two = train_two(main_path, aux_path, "two.model");
    cr_assert_eq(tag_of_second(two), NER_B_PER, "as a second corpus: %s",
                 ner_tag_name(tag_of_second(two)));
    ner_model_destroy(one), ner_model_destroy(two);
    free(main_text), free(aux_text), free(both);
}
