/* test_ner_annotate.c: unit tests of ner_annotate: linking, coreference, ids, offsets, salience
 * and bad input, with the committed model and knowledge base. */
#include "entities/entities.h"
#include "support.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static ner_resources *res;

static void load(void)
{
    char err[512] = "";
    char model[4096], kb[4096];
    strcpy(model, support_path("models/ner-ar.model"));
    strcpy(kb, support_path("data/kb/entities.tsv"));
    res = ner_resources_load(model, kb, err, sizeof err);
    cr_assert_not_null(res, "%s", err);
}

static void unload(void)
{
    ner_resources_unref(res);
}

TestSuite(ner_annotate, .init = load, .fini = unload);

/* annotate: the entities of title/body (asserts success). */
static ner_entities annotate(const char *title, const char *body)
{
    ner_entities e;
    char err[512] = "";
    int rc = ner_annotate(res, title, title ? strlen(title) : 0, body, body ? strlen(body) : 0,
                          "ar", &e, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "%s", err);
    return e;
}

/* with_mention: the entity with a mention whose text is s, or NULL. */
static const ner_entity *with_mention(const ner_entities *e, const char *s)
{
    for (size_t i = 0; i < e->n; i++)
        for (size_t k = 0; k < e->v[i].nmentions; k++)
            if (!strcmp(e->v[i].mentions[k].text, s)) return &e->v[i];
    return NULL;
}

/* slice: code points [start, end) of s, as a fresh string. */
static char *slice(const char *s, size_t start, size_t end)
{
    int32_t i = 0, n = (int32_t)strlen(s), a = -1;
    size_t cp = 0;
    while (i < n && cp < end) {
        if (cp == start) a = i;
        U8_FWD_1(s, i, n);
        cp++;
    }
    if (start == end) a = i;
    cr_assert_geq(a, 0, "start %zu out of range", start);
    cr_assert_eq(cp, end, "end %zu out of range", end);
    return strndup(s + a, (size_t)(i - a));
}

/* check_offsets: every mention slices its field to its text. */
static void check_offsets(const ner_entities *e, const char *title, const char *body)
{
    for (size_t i = 0; i < e->n; i++)
        for (size_t k = 0; k < e->v[i].nmentions; k++) {
            const ner_mention *m = &e->v[i].mentions[k];
            char *got = slice(m->field == NER_FIELD_TITLE ? title : body, m->start, m->end);
            cr_assert_str_eq(got, m->text);
            free(got);
        }
}

Test(ner_annotate, sdf_forms_are_one_entity)
{
    const char *title = "قسد تعلن السيطرة على قرية جديدة";
    const char *body = "قالت قوات سوريا الديمقراطية إن مقاتليها دخلوا القرية. وأكد بيان \"قسد\" "
                       "أن الهجوم انتهى، ونقلت الصحف عن مصدر مقرب لقسد أن SDF ستواصل العمليات.";
    ner_entities e = annotate(title, body);
    const ner_entity *x = with_mention(&e, "قوات سوريا الديمقراطية");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->id, "kb:syrian-democratic-forces");
    cr_assert_str_eq(x->type, "ORG");
    cr_assert_str_eq(x->source, "kb");
    cr_assert_eq(with_mention(&e, "قسد"), x);
    cr_assert_eq(with_mention(&e, "SDF"), x);
    cr_assert_eq(x->nmentions, 5, "mentions: %zu", x->nmentions);
    cr_assert_eq(x->mentions[0].field, NER_FIELD_TITLE);
    cr_assert_not_null(x->name_en);
    cr_assert_str_eq(x->name, x->name_ar);
    check_offsets(&e, title, body);
    ner_entities_free(&e);
}

Test(ner_annotate, empty_fields)
{
    ner_entities e = annotate(NULL, NULL);
    cr_assert_eq(e.n, 0);
    ner_entities_free(&e);
    e = annotate("", "");
    cr_assert_eq(e.n, 0);
    ner_entities_free(&e);
}
