/* test_pipeline.c: the engine with the entities stage, on the committed model and knowledge base:
 * mention offsets slice the record's title and body, nothing comes from removed chrome, one event
 * per entity, output freeing. */
#include "entities/entities.h"
#include "pipeline/pipeline.h"
#include "support.h"
#include "support_proc.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

/* A page written for these tests: a navigation block naming a city found nowhere else (حلب), a
 * title, a dateline and three paragraphs. */
static const char page_text[] =
    "الرئيسية\n"
    "أخبار حلب\n"
    "منوعات\n"
    "\n"
    "وفد من دمشق يزور مدينة الرقة لبحث إعادة الإعمار\n"
    "الأربعاء ٣ أيار ٢٠٢٣ - ١٠:١٥ ص\n"
    "\n"
    "وصل وفد حكومي من دمشق صباح اليوم إلى مدينة الرقة، حيث التقى ممثلين عن قوات سوريا "
    "الديمقراطية لبحث ملف إعادة إعمار الجسور والمدارس في المدينة.\n"
    "\n"
    "وقال مصدر مطلع إن الجانبين ناقشا تخصيص 25 مليون دولار لإصلاح شبكة المياه، وإن لجنة "
    "مشتركة ستتابع العمل خلال الأشهر المقبلة.\n"
    "\n"
    "وأضاف المصدر أن قسد ستتولى حماية فرق العمل في الأحياء الشمالية من الرقة، على أن يعود "
    "الوفد إلى دمشق نهاية الأسبوع.\n"
    "\n"
    "شارك\n"
    "طباعة\n";

static ner_resources *res;
static pipeline *pl;

static void setup(void)
{
    char model[4096], err[512];
    snprintf(model, sizeof model, "%s", support_path("models/ner-ar.model"));
    res = ner_resources_load(model, support_path("data/kb/entities.tsv"), err, sizeof err);
    cr_assert_not_null(res, "%s", err);
    pl = pipeline_create(err, sizeof err);
    cr_assert_not_null(pl, "%s", err);
}

static void teardown(void)
{
    pipeline_destroy(pl);
    ner_resources_unref(res);
}

TestSuite(pipeline, .init = setup, .fini = teardown);

/* run: the test page through the engine; the parsed record (caller deletes), *out kept. */
static cJSON *run(const ner_resources *r, int events, pipeline_output *out)
{
    pipeline_input in = {.bytes = page_text,
                         .len = strlen(page_text),
                         .hints = {PAGE_TYPE_TEXT, NULL, 0},
                         .fetched_at = "2023-05-03T12:00:00Z",
                         .ner = r,
                         .events = events};
    pipeline_error err;
    int rc = pipeline_process(pl, &in, out, &err);
    cr_assert_eq(rc, NI_OK, "%s: %s", err.stage, err.message);
    support_schema_assert(out->json);
    cJSON *rec = cJSON_ParseWithLength(out->json, out->len);
    cr_assert_not_null(rec);
    return rec;
}

/* slice: the code points [start, end) of s as a fresh string; NULL when out of range. */
static char *slice(const char *s, size_t start, size_t end)
{
    int32_t len = (int32_t)strlen(s), i = 0, from = -1;
    for (size_t cp = 0; i <= len; cp++) {
        if (cp == start) from = i;
        if (cp == end) break;
        if (i == len) return NULL;
        U8_FWD_1(s, i, len);
    }
    if (from < 0 || end < start) return NULL;
    char *out = malloc((size_t)(i - from) + 1);
    memcpy(out, s + from, (size_t)(i - from));
    out[i - from] = '\0';
    return out;
}

static const char *field_of(const cJSON *rec, const char *field)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, field));
    cr_assert_not_null(s, "record has no %s", field);
    return s;
}

/* has_entity: some entity of type has a mention whose text contains text. */
static int has_entity(const cJSON *ents, const char *type, const char *text)
{
    const cJSON *e, *m;
    cJSON_ArrayForEach(e, ents)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "type")), type)) continue;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "mentions"))
        {
            if (strstr(cJSON_GetStringValue(cJSON_GetObjectItem(m, "text")), text)) return 1;
        }
    }
    return 0;
}

Test(pipeline, mention_offsets_slice_title_and_body)
{
    pipeline_output out;
    cJSON *rec = run(res, 0, &out);
    const cJSON *ents = cJSON_GetObjectItem(rec, "entities"), *e, *m;
    cr_assert_gt(cJSON_GetArraySize(ents), 2, "%s", out.json);
    cr_assert(has_entity(ents, "LOC", "دمشق"), "no LOC دمشق: %s", out.json);
    cr_assert(has_entity(ents, "ORG", "قوات سوريا الديمقراطية") || has_entity(ents, "ORG", "قسد"),
              "no ORG SDF: %s", out.json);
    size_t mentions = 0, in_title = 0;
    cJSON_ArrayForEach(e, ents)
    {
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "mentions"))
        {
            const char *field = cJSON_GetStringValue(cJSON_GetObjectItem(m, "field"));
            const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(m, "text"));
            double start = cJSON_GetObjectItem(m, "start")->valuedouble;
            double end = cJSON_GetObjectItem(m, "end")->valuedouble;
            char *got = slice(field_of(rec, field), (size_t)start, (size_t)end);
            cr_assert_not_null(got, "%s [%g, %g) out of range", field, start, end);
            cr_assert_str_eq(got, text, "%s [%g, %g)", field, start, end);
            free(got);
            mentions++, in_title += !strcmp(field, "title");
        }
        cr_assert_eq(cJSON_GetObjectItem(e, "count")->valuedouble,
                     cJSON_GetArraySize(cJSON_GetObjectItem(e, "mentions")));
    }
    cr_assert_gt(mentions, 3);
    cr_assert_gt(in_title, 0, "the title names دمشق and الرقة");
    cJSON_Delete(rec);
    pipeline_output_free(&out);
}

Test(pipeline, nothing_from_removed_chrome)
{
    pipeline_output out;
    cJSON *rec = run(res, 0, &out);
    cr_assert_null(strstr(field_of(rec, "body"), "حلب"), "the navigation line was not removed");
    cr_assert_null(strstr(field_of(rec, "title"), "حلب"));
    cr_assert_null(strstr(out.json, "حلب"), "an entity from the chrome: %s", out.json);
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(rec, "entities"))
    {
        const cJSON *en = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "names"), "en");
        cr_assert(!en || strcmp(cJSON_GetStringValue(en), "Aleppo"), "Aleppo from the chrome");
    }
    cJSON_Delete(rec);
    pipeline_output_free(&out);
}

Test(pipeline, one_event_per_entity)
{
    pipeline_output out;
    cJSON *rec = run(res, 1, &out);
    const cJSON *ents = cJSON_GetObjectItem(rec, "entities");
    cr_assert_gt(cJSON_GetArraySize(ents), 0);
    cr_assert_eq(out.nevents, (size_t)cJSON_GetArraySize(ents));
    for (size_t i = 0; i < out.nevents; i++) {
        const char *id =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, (int)i), "id"));
        cr_assert_str_eq(out.events[i].key, id);
        cJSON *ev = cJSON_ParseWithLength(out.events[i].json, out.events[i].len);
        cr_assert_not_null(ev);
        cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(ev, "entity_id")), id);
        cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(ev, "article_id")), out.id);
        const char *sentence = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "sentence"));
        cr_assert(sentence && *sentence, "event %zu has no sentence: %s", i, out.events[i].json);
        cJSON_Delete(ev);
    }
    cJSON_Delete(rec);
    pipeline_output_free(&out);
    cr_assert_null(out.json);
    cr_assert_null(out.events);
    cr_assert_eq(out.nevents, 0);
    pipeline_output_free(NULL);
}

Test(pipeline, no_resources_no_entities_no_events)
{
    pipeline_output out;
    cJSON *rec = run(NULL, 1, &out);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "entities")), 0);
    cr_assert_eq(out.nevents, 0);
    cr_assert_null(out.events);
    cJSON_Delete(rec);
    pipeline_output_free(&out);
    rec = run(res, 0, &out); /* annotated, events not asked for */
    cr_assert_gt(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "entities")), 0);
    cr_assert_eq(out.nevents, 0);
    cJSON_Delete(rec);
    pipeline_output_free(&out);
    pipeline_stats st = pipeline_stats_get(pl);
    cr_assert_eq(st.processed, 2);
    cr_assert_eq(st.failed, 0);
}

Test(pipeline, failures_counted_per_stage)
{
    char junk[512];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)(i * 7 % 9); /* NULs and controls */
    pipeline_input in = {.bytes = junk,
                         .len = sizeof junk,
                         .hints = {PAGE_TYPE_AUTO, NULL, 0},
                         .ner = res,
                         .events = 1};
    pipeline_output out;
    pipeline_error err;
    int rc = pipeline_process(pl, &in, &out, &err);
    pipeline_stats st = pipeline_stats_get(pl);
    cr_assert_neq(rc, NI_OK, "binary bytes gave a record: %s", out.json ? out.json : "");
    cr_assert_null(out.json);
    cr_assert_null(out.events);
    cr_assert_str_eq(err.stage, "page");
    cr_assert_eq(st.failed, 1);
    cr_assert_eq(st.failed_by_stage[0], 1);
    cr_assert_eq(st.failed_by_stage[3] + st.failed_by_stage[4], 0);
}
