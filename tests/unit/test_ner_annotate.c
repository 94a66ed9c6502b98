/* test_ner_annotate.c: unit tests of ner_annotate: linking, coreference, ids, offsets, salience
 * and bad input, with the committed model and knowledge base. */
#include "annotate_internal.h"
#include "entities/entities.h"
#include "support.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static ner_resources *res;

/* load_once: the committed model and KB, loaded once in the runner before the tests fork (each
 * test then shares the loaded copy instead of parsing the files again). NULL on failure. */
static ner_resources *load_once(char *err, size_t errlen)
{
    if (res) return res;
    char model[4096], kb[4096];
    strcpy(model, support_path("models/ner-ar.model"));
    strcpy(kb, support_path("data/kb/entities.tsv"));
    return res = ner_resources_load(model, kb, err, errlen);
}

__attribute__((constructor)) static void preload(void)
{
    char err[512];
    load_once(err, sizeof err); /* a failure is reported by the first test's load */
}

static void load(void)
{
    char err[512] = "";
    cr_assert_not_null(load_once(err, sizeof err), "%s", err);
}

static void unload(void)
{
    /* the loaded copy belongs to the runner; each test's process ends with it */
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

/* find_id: the entity with this id, or NULL. */
static const ner_entity *find_id(const ner_entities *e, const char *id)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].id, id)) return &e->v[i];
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

/* named: entities of type PER, ORG, LOC or MISC. */
static size_t named(const ner_entities *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++) {
        const char *t = e->v[i].type;
        n += !strcmp(t, "PER") || !strcmp(t, "ORG") || !strcmp(t, "LOC") || !strcmp(t, "MISC");
    }
    return n;
}

/* My own sentences: a spokesman, a commander named after a town, the town, an amount. */
static const char *const story_title = "مسؤول يتحدث عن الأزمة";
static const char *const story_body =
    "صرح المتحدث باسم الحكومة سامر الخطيب للصحفيين في العاصمة بأن المفاوضات مستمرة. وأضاف "
    "الخطيب أن الوفد سيعود الأسبوع المقبل.\n\nوقال القيادي في المجلس المحلي شيار كوباني إن القصف "
    "طال أطراف مدينة كوباني أمس. وأكد كوباني أن الأهالي غادروا منازلهم.\n\nوأعلنت الوزارة "
    "تخصيص 25 مليون دولار لإعادة الإعمار.";

Test(ner_annotate, town_and_person_named_after_it)
{
    ner_entities e = annotate(story_title, story_body);
    const ner_entity *per = with_mention(&e, "شيار كوباني");
    const ner_entity *loc = with_mention(&e, "مدينة كوباني");
    cr_assert_not_null(per);
    cr_assert_not_null(loc);
    cr_assert_str_eq(per->type, "PER");
    cr_assert_str_eq(loc->type, "LOC");
    cr_assert_str_eq(loc->id, "kb:kobani");
    cr_assert_neq(per, loc);
    /* the later bare surname after a verb of saying is the person */
    cr_assert_eq(per->nmentions, 2);
    cr_assert_str_eq(per->mentions[1].text, "كوباني");
    cr_assert_eq(loc->nmentions, 1);
    check_offsets(&e, story_title, story_body);
    ner_entities_free(&e);
}

Test(ner_annotate, surname_links_to_full_name)
{
    ner_entities e = annotate(story_title, story_body);
    const ner_entity *x = with_mention(&e, "سامر الخطيب");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->type, "PER");
    cr_assert_str_eq(x->source, "model");
    cr_assert_str_eq(x->name, "سامر الخطيب");
    cr_assert_eq(x->nmentions, 2);
    cr_assert_str_eq(x->mentions[1].text, "الخطيب");
    cr_assert_gt(x->mentions[1].start, x->mentions[0].end);
    cr_assert_not_null(strstr(x->sentence, "سامر الخطيب"));
    cr_assert_null(strstr(x->sentence, "الوفد"), "sentence: %s", x->sentence);
    ner_entities_free(&e);
}

/* is_hashed_id: "<prefix><16 lowercase hex digits>". */
static int is_hashed_id(const char *id, const char *prefix)
{
    size_t p = strlen(prefix);
    if (strncmp(id, prefix, p) || strlen(id) != p + 16) return 0;
    return strspn(id + p, "0123456789abcdef") == 16;
}

Test(ner_annotate, unknown_person_gets_deterministic_id)
{
    ner_entities a = annotate(story_title, story_body), b = annotate(story_title, story_body);
    const ner_entity *x = with_mention(&a, "سامر الخطيب"), *y = with_mention(&b, "سامر الخطيب");
    cr_assert_not_null(x);
    cr_assert_not_null(y);
    cr_assert(is_hashed_id(x->id, "per:"), "id %s", x->id);
    cr_assert_str_eq(x->id, y->id);
    const ner_entity *z = with_mention(&a, "شيار كوباني");
    cr_assert_not_null(z);
    cr_assert(is_hashed_id(z->id, "per:"), "id %s", z->id);
    cr_assert_str_neq(x->id, z->id);
    ner_entities_free(&a);
    ner_entities_free(&b);
}

Test(ner_annotate, money_rule_carries_value)
{
    ner_entities e = annotate(story_title, story_body);
    const ner_entity *m = with_mention(&e, "25 مليون دولار");
    cr_assert_not_null(m);
    cr_assert_str_eq(m->type, "MONEY");
    cr_assert_str_eq(m->source, "rule");
    cr_assert(m->has_number);
    cr_assert_float_eq(m->number, 25000000.0, 1e-6);
    cr_assert_str_eq(m->unit, "USD");
    cr_assert(is_hashed_id(m->id, "money:"), "id %s", m->id);
    ner_entities_free(&e);
}

Test(ner_annotate, salience_orders_entities)
{
    const char *title = "قسد تعلن السيطرة على قرية جديدة";
    const char *body = "قالت قوات سوريا الديمقراطية إن مقاتليها دخلوا القرية قرب منبج. وأكد بيان "
                       "قسد أن الهجوم انتهى.\n\nوزار وفد من قسد مدينة الرقة بعد أسبوع.";
    ner_entities e = annotate(title, body);
    cr_assert_geq(e.n, 3);
    cr_assert_str_eq(e.v[0].id, "kb:syrian-democratic-forces");
    cr_assert_float_eq(e.v[0].salience, 1.0, 1e-9); /* title + first paragraph + most mentions */
    for (size_t i = 0; i < e.n; i++) {
        cr_assert(e.v[i].salience >= 0 && e.v[i].salience <= 1);
        if (i) cr_assert_geq(e.v[i - 1].salience, e.v[i].salience);
    }
    const ner_entity *manbij = find_id(&e, "kb:manbij"), *raqqa = find_id(&e, "kb:raqqa");
    cr_assert_not_null(manbij);
    cr_assert_not_null(raqqa);
    cr_assert_gt(manbij->salience, raqqa->salience); /* first paragraph */
    check_offsets(&e, title, body);
    ner_entities_free(&e);
}

Test(ner_annotate, no_letters)
{
    const char *body = "123 456 !!! ... ٣٤٥ ،،، -- ** 2020 / 7.5";
    ner_entities e = annotate("؟؟ 42 ...", body);
    cr_assert_eq(named(&e), 0);
    check_offsets(&e, "؟؟ 42 ...", body);
    ner_entities_free(&e);
}

Test(ner_annotate, long_paragraph)
{
    static const char unit[] = "زار الوفد منبج "; /* 3 words */
    size_t reps = 34000, ul = strlen(unit);       /* 102,000 words, no full stop */
    char *body = malloc(reps * ul + 1);
    cr_assert_not_null(body);
    for (size_t i = 0; i < reps; i++) memcpy(body + i * ul, unit, ul);
    body[reps * ul] = '\0';
    ner_entities e = annotate("", body);
    const ner_entity *m = find_id(&e, "kb:manbij");
    cr_assert_not_null(m);
    cr_assert_eq(m->nmentions, reps);
    cr_assert_leq(strlen(m->sentence), 400);
    cr_assert_not_null(strstr(m->sentence, "منبج"));
    cr_assert_leq(e.n, 10); /* the repeated verb and noun are no names */
    ner_entities_free(&e);
    free(body);
}

Test(ner_annotate, mixed_scripts)
{
    const char *title = "Reuters: قوات سوريا الديمقراطية تنتشر قرب 東京 и Москва";
    const char *body = "نقلت وكالة رويترز أن قسد دخلت دير الزور. The SDF said Syria was calm. "
                       "北京 said nothing.";
    ner_entities e = annotate(title, body);
    const ner_entity *sdf = find_id(&e, "kb:syrian-democratic-forces");
    cr_assert_not_null(sdf);
    cr_assert_eq(sdf->nmentions, 3);
    cr_assert_not_null(find_id(&e, "SY"));
    cr_assert_not_null(find_id(&e, "kb:deir-ez-zor"));
    check_offsets(&e, title, body);
    ner_entities_free(&e);
}

Test(ner_annotate, invisible_characters_inside_names)
{
    /* ZWNJ inside سوريا, RLE/PDF around قسد, ZWSP inside دير */
    const char *title = "قوات سو\u200cريا الديمقراطية تنتشر";
    const char *body = "قال مصدر إن \u202bقسد\u202c دخلت د\u200bير الزور أمس.";
    ner_entities e = annotate(title, body);
    const ner_entity *sdf = find_id(&e, "kb:syrian-democratic-forces");
    cr_assert_not_null(sdf);
    cr_assert_eq(sdf->nmentions, 2);
    cr_assert_str_eq(sdf->mentions[0].text, "قوات سو\u200cريا الديمقراطية");
    cr_assert_eq(sdf->mentions[1].start, 13); /* after the RLE at code point 12 */
    const ner_entity *dz = find_id(&e, "kb:deir-ez-zor");
    cr_assert_not_null(dz);
    cr_assert_str_eq(dz->mentions[0].text, "د\u200bير الزور");
    check_offsets(&e, title, body);
    ner_entities_free(&e);
}

Test(ner_annotate, invalid_utf8_is_a_clear_error)
{
    const char body[] = "قالت قسد \xff\xfe إن";
    ner_entities e = {(ner_entity *)1, 7};
    char err[256] = "";
    int rc = ner_annotate(res, "ok", 2, body, sizeof body - 1, "ar", &e, err, sizeof err);
    cr_assert_eq(rc, NI_ERR_CHARSET);
    cr_assert_not_null(strstr(err, "UTF-8"), "%s", err);
    cr_assert_not_null(strstr(err, "body"), "%s", err);
    cr_assert_null(e.v);
    cr_assert_eq(e.n, 0);
    ner_entities_free(&e);
}

Test(ner_annotate, english_article_names)
{
    const char *body = "The SDF said Syria was calm.";
    ner_entities e;
    char err[256] = "";
    cr_assert_eq(ner_annotate(res, NULL, 0, body, strlen(body), "en", &e, err, sizeof err), NI_OK);
    const ner_entity *sy = find_id(&e, "SY");
    cr_assert_not_null(sy);
    cr_assert_str_eq(sy->name, sy->name_en);
    cr_assert_str_eq(sy->name_en, "Syria");
    ner_entities_free(&e);
}

Test(ner_annotate, resources_refcount)
{
    ner_resources *r2 = ner_resources_ref(res);
    cr_assert_eq(r2, res);
    ner_resources_unref(r2); /* res still usable */
    cr_assert_not_null(ner_resources_model(res));
    cr_assert_not_null(ner_resources_kb(res));
    cr_assert_str_eq(ner_field_name(NER_FIELD_TITLE), "title");
    cr_assert_str_eq(ner_field_name(NER_FIELD_BODY), "body");
    ner_resources_unref(NULL);
    char err[512] = "";
    cr_assert_null(ner_resources_load("/nonexistent/model", support_path("data/kb/entities.tsv"),
                                      err, sizeof err));
    cr_assert_not_null(strstr(err, "/nonexistent/model"), "%s", err);
}

/* typed: the entity of this type with a mention whose text is s, or NULL (asserts the type when
 * found). */
static const ner_entity *typed(const ner_entities *e, const char *s, const char *type)
{
    const ner_entity *x = with_mention(e, s);
    cr_assert_not_null(x, "no entity mentioned as %s", s);
    cr_assert_str_eq(x->type, type, "%s: %s", s, x->type);
    return x;
}

/* no_name: no entity has a mention whose text is s. */
static void no_name(const ner_entities *e, const char *s)
{
    const ner_entity *x = with_mention(e, s);
    cr_assert_null(x, "%s is an entity (%s %s)", s, x ? x->type : "", x ? x->id : "");
}

Test(ner_annotate, places_after_a_place_word)
{
    const char *body = "قصفت الطائرات قرية المزيرعة وبلدتي الصالحية والحويقة في ريف حماة. ودخلت "
                       "القوات بلدة الشويحة وكفيرية. وسيطرت الفصائل على قرى الدشيشة والمطلة، "
                       "ليتمكن الأهالي من العودة.";
    ner_entities e = annotate(NULL, body);
    typed(&e, "المزيرعة", "LOC");
    typed(&e, "الصالحية", "LOC");
    typed(&e, "الحويقة", "LOC");
    typed(&e, "الشويحة", "LOC");
    typed(&e, "كفيرية", "LOC"); /* the whole word after و, not ك + فيرية */
    typed(&e, "الدشيشة", "LOC");
    typed(&e, "المطلة", "LOC");
    no_name(&e, "ليتمكن");
    no_name(&e, "يتمكن");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, place_before_a_district)
{
    const char *body = "انفجرت عبوة ناسفة في تلعيشة في ريف إدلب الجنوبي، وقتل مدني من معرشمارين "
                       "بريف إدلب.";
    ner_entities e = annotate(NULL, body);
    typed(&e, "تلعيشة", "LOC");
    typed(&e, "معرشمارين", "LOC");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, place_words_without_a_name)
{
    const char *body = "زار الوفد المدينة القديمة وأسواقها، ثم قرية كبيرة في منطقة العمليات. "
                       "وفتحت القوات نيران رشاشاتها على محيط البلدة.";
    ner_entities e = annotate(NULL, body);
    no_name(&e, "القديمة");
    no_name(&e, "أسواقها");
    no_name(&e, "كبيرة");
    no_name(&e, "العمليات");
    no_name(&e, "نيران");
    no_name(&e, "محيط");
    no_name(&e, "محيط البلدة");
    cr_assert_eq(e.n, 0, "%zu entities, first %s", e.n, e.n ? e.v[0].name : "");
    ner_entities_free(&e);
}

Test(ner_annotate, person_after_a_title)
{
    const char *body = "وقال المتحدث باسم المجلس المحلي كمال حداد، إن الوضع هادئ. وقال السيد سامي "
                       "نصار إن الطريق مفتوح. وقال رئيس البلدية يجب إعادة الإعمار، وأكد مسؤول محلي "
                       "كبير أن العمل بدأ.";
    ner_entities e = annotate(NULL, body);
    typed(&e, "كمال حداد", "PER");
    typed(&e, "سامي نصار", "PER");
    no_name(&e, "يجب إعادة");
    no_name(&e, "محلي كبير");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, compound_names_are_not_split)
{
    const char *body = "وقال مدير المكتب سامر عبد الرحمن إن الاجتماع تأجل.";
    ner_entities e = annotate(NULL, body);
    const ner_entity *x = typed(&e, "سامر عبد الرحمن", "PER");
    cr_assert_eq(x->nmentions, 1);
    no_name(&e, "عبد الرحمن");
    no_name(&e, "الرحمن");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, name_completed_from_the_document)
{
    const char *body = "كتب هشام الحلبي مقالا، ثم رد هشام الحلبي على المنتقدين.";
    ner_entities e = annotate(NULL, body);
    const ner_entity *x = typed(&e, "هشام الحلبي", "PER");
    cr_assert_eq(x->nmentions, 2);
    for (size_t k = 0; k < x->nmentions; k++) cr_assert_str_eq(x->mentions[k].text, "هشام الحلبي");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, quoted_and_elided_article_mentions)
{
    /* قوات "قسد": the mention is the name inside the quotes. للبيت الأبيض: ل + ال are written
     * لل, the article's alef is not in the text, so the mention starts after لل ("بيت الأبيض");
     * the entity's name keeps the article. */
    const char *body = "وقالت قوات \"قسد\" إن الهجوم فشل، وأكد مصدر أن للبيت الأبيض موقفا واضحا.";
    ner_entities e = annotate(NULL, body);
    const ner_entity *sdf = typed(&e, "قسد", "ORG");
    cr_assert_str_eq(sdf->id, "kb:syrian-democratic-forces");
    const ner_entity *wh = typed(&e, "بيت الأبيض", "ORG");
    cr_assert_str_eq(wh->name, "البيت الأبيض");
    check_offsets(&e, NULL, body);
    ner_entities_free(&e);
}

Test(ner_annotate, nationality_and_common_words)
{
    const ner_kb *kb = ner_resources_kb(res);
    cr_assert(ann_nationality(kb, "تركيه"));   /* التركية: تركيا */
    cr_assert(ann_nationality(kb, "عراقي"));   /* العراقي: العراق */
    cr_assert(ann_nationality(kb, "سوريين"));  /* السوريين: سوريا */
    cr_assert(ann_nationality(kb, "لبنانيه")); /* اللبنانية: لبنان */
    cr_assert_not(ann_nationality(kb, "حمدي"));
    cr_assert_not(ann_nationality(kb, "تركيا"));
    cr_assert_not(ann_nationality(kb, "ي"));
    cr_assert(ann_common_word("نيران"));
    cr_assert(ann_common_word("محيط"));
    cr_assert_not(ann_common_word("منبج"));
}

Test(ner_annotate, every_entity_has_a_confidence_by_its_source)
{
    ner_entities e = annotate(story_title, story_body);
    cr_assert_gt(e.n, 3);
    for (size_t i = 0; i < e.n; i++)
        cr_assert(e.v[i].confidence > 0 && e.v[i].confidence <= 1, "%s: %f", e.v[i].name,
                  e.v[i].confidence);
    const ner_entity *loc = with_mention(&e, "مدينة كوباني");
    cr_assert_not_null(loc);
    cr_assert_str_eq(loc->source, "kb");
    cr_assert_float_eq(loc->confidence, ANN_CONF_KB_WORDS, 1e-9, "a two-word KB name: %f",
                       loc->confidence);
    const ner_entity *money = with_mention(&e, "25 مليون دولار");
    cr_assert_not_null(money);
    cr_assert_float_eq(money->confidence, ANN_CONF_RULE, 1e-9);
    const ner_entity *per = with_mention(&e, "سامر الخطيب");
    cr_assert_not_null(per);
    cr_assert_str_eq(per->source, "model");
    /* the highest of its mentions: the full name the model tagged, not the bare surname */
    cr_assert_gt(per->confidence, 0.5, "%f", per->confidence);
    ner_entities_free(&e);
}

/* ---- error classes seen on pages nobody tuned for (sentences of our own) -------------------- */

TestSuite(ner_errors, .init = load, .fini = unload);

Test(ner_errors, mentions_never_hold_quotes_or_brackets)
{
    const char *texts[] = {"أعلن تنظيم \"داعش\" مسؤوليته عن الهجوم.",
                           "أعلن تنظيم «داعش» مسؤوليته عن الهجوم.",
                           "قال القيادي (محمد علي) إن قوات [قسد] انسحبت من ريف \"دير الزور\"."};
    for (size_t k = 0; k < 3; k++) {
        ner_entities e = annotate(NULL, texts[k]);
        cr_assert_gt(e.n, 0, "%s", texts[k]);
        for (size_t i = 0; i < e.n; i++)
            for (size_t m = 0; m < e.v[i].nmentions; m++)
                cr_assert(
                    !ner_text_has_bracket(e.v[i].mentions[m].text, strlen(e.v[i].mentions[m].text)),
                    "mention «%s»", e.v[i].mentions[m].text);
        ner_entities_free(&e);
    }
    ner_entities e = annotate(NULL, texts[0]);
    const ner_entity *x = with_mention(&e, "داعش");
    cr_assert_not_null(x, "the name inside the quotes is still found");
    cr_assert_str_eq(x->type, "ORG");
    ner_entities_free(&e);
}

Test(ner_errors, bracket_test_is_general)
{
    const char *yes[] = {"\"", "'", "«", "»", "“", "”", "(", ")", "[", "]", "﴾", "a (b"};
    const char *no[] = {"", "abc", "دير الزور", "-", ",", ".", "،"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        cr_assert(ner_text_has_bracket(yes[i], strlen(yes[i])), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        cr_assert(!ner_text_has_bracket(no[i], strlen(no[i])), "%s", no[i]);
}

Test(ner_errors, month_names_are_never_names)
{
    /* the model alone tags نيسان here (as ORG) */
    ner_entities e = annotate(NULL, "سيطرت القوات على قرية الحويجة في نيسان .");
    cr_assert_not_null(with_mention(&e, "الحويجة"));
    const ner_entity *m = with_mention(&e, "نيسان");
    cr_assert(!m || !strcmp(m->type, "DATE"), "نيسان as %s", m ? m->type : "");
    ner_entities_free(&e);
    e = annotate(NULL, "وصل الوفد في كانون الثاني إلى بيروت.");
    for (size_t i = 0; i < e.n; i++)
        cr_assert(!strstr(e.v[i].name, "كانون") || !strcmp(e.v[i].type, "DATE"), "%s as %s",
                  e.v[i].name, e.v[i].type);
    ner_entities_free(&e);
}

Test(ner_errors, an_outlet_word_makes_an_organization)
{
    /* the model alone calls أنا برس a person */
    ner_entities e = annotate(NULL, "وقالت وكالة أنا برس إن قوات النظام سيطرت على البلدة.");
    const ner_entity *x = with_mention(&e, "أنا برس");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->type, "ORG");
    ner_entities_free(&e);
}

Test(ner_errors, kb_names_match_their_spelling_variants)
{
    /* a missing space, ة written ه, hamza left out, ى for ي */
    const struct {
        const char *text, *id;
    } cases[] = {{"وصل الوفد إلى ديرالزور أمس.", "kb:deir-ez-zor"},
                 {"وصل الوفد إلى الرقه أمس.", "kb:raqqa"},
                 {"وصل الوفد إلى ادلب أمس.", NULL},
                 {"وصل الوفد إلى رأسالعين أمس.", NULL}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ner_entities e = annotate(NULL, cases[k].text);
        int kb = 0;
        for (size_t i = 0; i < e.n; i++)
            kb |= !strcmp(e.v[i].source, "kb") && !strcmp(e.v[i].type, "LOC") &&
                  (!cases[k].id || !strcmp(e.v[i].id, cases[k].id));
        cr_assert(kb, "no KB place in: %s", cases[k].text);
        ner_entities_free(&e);
    }
}

Test(ner_errors, words_derived_from_a_known_name_are_not_names)
{
    /* the model alone tags داعشيات (MISC) here */
    ner_entities e = annotate(NULL, "وقال المسؤول إن \"داعشيات\" شاركن في الهجمات على القرية.");
    cr_assert_null(with_mention(&e, "داعشيات"));
    ner_entities_free(&e);
    const ner_kb *kb = ner_resources_kb(res);
    const char *derived[] = {"داعشيات", "داعشي", "داعشيه", "داعشيين", "داعشن"};
    const char *not_derived[] = {"داعش", "عمران", "السوريين", "دمشقي", "داعشيةكبيرة"};
    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
        cr_assert(ann_derived_word(kb, derived[i]), "%s", derived[i]);
    for (size_t i = 0; i < sizeof not_derived / sizeof *not_derived; i++)
        cr_assert(!ann_derived_word(kb, not_derived[i]), "%s", not_derived[i]);
}

Test(ner_errors, a_quoted_name_after_an_outlet_word_is_an_organization)
{
    /* the model alone finds nothing in the quotes after وكالة */
    ner_entities e = annotate(NULL, "وروجت وكالة \"أعماق\" الناطقة باسم التنظيم لهجمات جديدة.");
    const ner_entity *x = with_mention(&e, "أعماق");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->type, "ORG");
    ner_entities_free(&e);
    e = annotate(NULL, "وقالت الوكالة إن \"الهجمات\" مستمرة."); /* no outlet word before it */
    cr_assert_null(with_mention(&e, "الهجمات"));
    ner_entities_free(&e);
}

Test(ner_errors, a_place_ending_a_name_after_a_title_is_part_of_the_person)
{
    /* عفرين alone is a KB place; after a title and an affiliation it ends a person's name */
    ner_entities e = annotate(NULL, "وصرح القيادي بقسد آزاد عفرين، بأن القوات تقدمت نحو القرية.");
    const ner_entity *x = with_mention(&e, "آزاد عفرين");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->type, "PER");
    ner_entities_free(&e);
    e = annotate(NULL, "وصرح القيادي بقسد من عفرين، بأن القوات تقدمت."); /* no name before it */
    x = with_mention(&e, "عفرين");
    cr_assert(x && !strcmp(x->type, "LOC"), "عفرين as %s", x ? x->type : "nothing");
    ner_entities_free(&e);
}

Test(ner_errors, plurals_and_duals_of_place_words_are_not_names)
{
    /* a model trained with WikiFANE as a second corpus tags البلدتين (ORG) here */
    ner_entities e = annotate(NULL, "وسيطر الجيش على كامل البلدتين، بعد اشتباكات استمرت يومين.");
    cr_assert_null(with_mention(&e, "البلدتين"));
    ner_entities_free(&e);
    const char *yes[] = {"بلدتين", "قريتين", "مدينتان", "مخيمين", "بلدات", "قري"};
    const char *no[] = {"بلده", "حلب", "مدينه", "بنيامين", "عين"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        cr_assert(ann_place_plural(yes[i]), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert(!ann_place_plural(no[i]), "%s", no[i]);
}
