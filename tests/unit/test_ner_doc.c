/* test_ner_doc.c: document consistency (ner_name_key, ner_tags_propagate, ner_model_tag_doc). */
#include "entities/ner.h"
#include "support.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <string.h>

#define MAXW 32

/* A document of space-separated words, "|" between sentences, with the given tags. */
typedef struct doc {
    const char *w[MAXW];
    size_t len[MAXW], sent[MAXW];
    uint64_t keys[2 * MAXW];
    ner_tag tags[MAXW];
    size_t n;
    char buf[1024];
} doc;

/* doc_make: the words of text, the first ntags tagged as given, the rest O. */
static void doc_make(doc *d, const char *text, const ner_tag *tags, size_t ntags)
{
    memset(d, 0, sizeof *d);
    cr_assert_lt(strlen(text), sizeof d->buf);
    strcpy(d->buf, text);
    size_t s = 0;
    for (char *save = NULL, *t = strtok_r(d->buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (!strcmp(t, "|")) {
            s++;
            continue;
        }
        cr_assert_lt(d->n, MAXW);
        d->w[d->n] = t, d->len[d->n] = strlen(t), d->sent[d->n] = s;
        d->tags[d->n] = d->n < ntags ? tags[d->n] : NER_O;
        d->n++;
    }
    for (size_t i = 0; i < d->n; i++)
        d->keys[i] = ner_name_key(d->w[i], d->len[i], &d->keys[MAXW + i]);
}

static void propagate(doc *d, size_t window)
{
    cr_assert_eq(ner_tags_propagate(d->keys, d->keys + MAXW, d->sent, d->tags, d->n, window),
                 NI_OK);
}

Test(ner_doc, a_tagged_name_spreads_within_the_window_only)
{
    /* sentence 0: found; 4: four sentences on; 9: nine on */
    const ner_tag t[] = {NER_O, NER_B_LOC};
    doc d;
    doc_make(&d, "زار مومباي | أ | ب | ج | في مومباي | ه | و | ز | ح | في مومباي", t,
             sizeof t / sizeof *t);
    propagate(&d, 4);
    cr_assert_eq(d.tags[1], NER_B_LOC);
    cr_assert_eq(d.tags[6], NER_B_LOC, "four sentences on");
    cr_assert_eq(d.tags[5], NER_O);
    cr_assert_eq(d.tags[12], NER_O, "nine sentences on");
    propagate(&d, 0);
    cr_assert_eq(d.tags[12], NER_B_LOC, "window 0 is the whole document");
}

Test(ner_doc, multi_word_names_spread_whole_and_longest_first)
{
    const ner_tag t[] = {NER_B_ORG, NER_I_ORG, NER_I_ORG, NER_O, NER_B_LOC};
    doc d;
    doc_make(&d, "حزب العمال الكردستاني في تركيا | بيان حزب العمال الكردستاني و تركيا", t,
             sizeof t / sizeof *t);
    propagate(&d, 5);
    cr_assert_eq(d.tags[6], NER_B_ORG);
    cr_assert_eq(d.tags[7], NER_I_ORG);
    cr_assert_eq(d.tags[8], NER_I_ORG);
    cr_assert_eq(d.tags[9], NER_O);
    cr_assert_eq(d.tags[10], NER_B_LOC);
}

Test(ner_doc, an_attached_clitic_is_looked_through_but_a_first_letter_is_not)
{
    const ner_tag t[] = {NER_B_PER, NER_O, NER_B_PER};
    doc d;
    /* ولرامسفيلد = و + ل + رامسفيلد; يليه is a word of its own, not بيليه without ب */
    doc_make(&d, "رامسفيلد و بيليه | ولرامسفيلد قال يليه", t, sizeof t / sizeof *t);
    propagate(&d, 0);
    cr_assert_eq(d.tags[3], NER_B_PER);
    cr_assert_eq(d.tags[5], NER_O);
}

Test(ner_doc, a_persons_surname_alone_is_that_person_and_types_are_voted)
{
    const ner_tag t[] = {NER_B_PER, NER_I_PER, NER_O, NER_B_LOC, NER_B_ORG, NER_O, NER_B_ORG};
    doc d;
    doc_make(&d, "سلفادور دالي في فيغيراس | فيغيراس و فيغيراس و فيغيراس | دالي و فيغيراس", t,
             sizeof t / sizeof *t);
    propagate(&d, 0);
    cr_assert_eq(d.tags[9], NER_B_PER, "surname after the full name");
    cr_assert_eq(d.tags[8], NER_B_ORG, "two ORG votes against one LOC");
    cr_assert_eq(d.tags[11], NER_B_ORG);
    cr_assert_eq(d.tags[3], NER_B_LOC, "tagged words keep their tags");
}

Test(ner_doc, short_words_and_punctuation_never_spread)
{
    uint64_t bare;
    cr_assert_eq(ner_name_key(".", 1, &bare), 0);
    cr_assert_eq(ner_name_key("ب", 2, &bare), 0);
    cr_assert_neq(ner_name_key("أبو", strlen("أبو"), &bare), 0);
    cr_assert_eq(ner_name_key("أبو", strlen("أبو"), &bare), ner_name_key("ابو", 6, &bare),
                 "normalized: hamza forms are one");
    const ner_tag t[] = {NER_B_MISC, NER_O, NER_B_PER};
    doc d;
    doc_make(&d, "دي و . | دي . و .", t, sizeof t / sizeof *t);
    propagate(&d, 0);
    for (size_t i = 3; i < d.n; i++) cr_assert_eq(d.tags[i], NER_O, "word %zu", i);
}

Test(ner_doc, tagged_words_are_left_as_they_are)
{
    const ner_tag t[] = {NER_B_LOC, NER_O, NER_B_PER};
    doc d;
    doc_make(&d, "حلب و حلب", t, sizeof t / sizeof *t);
    propagate(&d, 0);
    cr_assert_eq(d.tags[2], NER_B_PER);
}

Test(ner_doc, the_model_over_a_document)
{
    char err[256];
    ner_model *m = ner_model_load(support_path("models/ner-ar.model"), err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    const char *w[] = {"قال", "وزير", "الدفاع", "دونالد", "رامسفيلد", "كان", "رامسفيلد", "هناك"};
    size_t lens[8], sent[] = {0, 5, 8};
    for (int i = 0; i < 8; i++) lens[i] = strlen(w[i]);
    ner_tag alone[8], in_doc[8];
    cr_assert_eq(ner_model_tag(m, w + 5, lens + 5, 3, NULL, alone + 5, err, sizeof err), NI_OK);
    cr_assert_eq(alone[6], NER_O, "the model alone misses the surname");
    cr_assert_eq(
        ner_model_tag_doc(m, w, lens, sent, 2, NULL, NER_DOC_WINDOW, in_doc, err, sizeof err),
        NI_OK);
    cr_assert_eq(in_doc[3], NER_B_PER);
    cr_assert_eq(in_doc[4], NER_I_PER);
    cr_assert_eq(in_doc[6], NER_B_PER, "the surname after the full name");
    cr_assert_eq(
        ner_model_tag_doc(m, w, lens, sent + 1, 1, NULL, NER_DOC_WINDOW, in_doc, err, sizeof err),
        NI_OK);
    cr_assert_eq(in_doc[6], NER_O, "the second sentence alone");
    ner_model_destroy(m);
}

Test(ner_doc, a_first_name_alone_is_extended_to_the_full_name)
{
    const ner_tag t[] = {NER_O,     NER_B_PER, NER_I_PER, NER_O,     NER_O,
                         NER_B_PER, NER_O,     NER_O,     NER_B_PER, NER_B_LOC};
    doc d;
    doc_make(&d, "كتب هشام الحلبي مقالا | رد هشام الحلبي و هشام حلب", t, sizeof t / sizeof *t);
    propagate(&d, 0);
    cr_assert_eq(d.tags[5], NER_B_PER);
    cr_assert_eq(d.tags[6], NER_I_PER, "the surname joins the first name");
    cr_assert_eq(d.tags[8], NER_B_PER, "a one-word name before a tagged word stays");
    cr_assert_eq(d.tags[9], NER_B_LOC);
}
