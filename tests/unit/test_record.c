/* test_record.c: unit tests of the record stage (record_build, ids, hashes, word counts, entities
 * and entity events). */
#include "extract/article.h"
#include "extract/datetime.h"
#include "normalize/normalize.h"
#include "page/page.h"
#include "record/record.h"
#include "support.h"
#include "support_proc.h"
#include "util/err.h"
#include "util/quality.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* A record built from an article, kept with its JSON text (validated against the schema). */
typedef struct built {
    cJSON *rec;
    char *json;
} built;

static built build(const article *a, const page *pg, const char *url, const char *fetched_at)
{
    record_input in = {a, pg, url, fetched_at, NULL, NULL, NULL, NULL};
    built b = {NULL, NULL};
    char err[256] = "";
    int rc = record_build(&in, &b.rec, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "record_build failed: %s", err);
    cr_assert_not_null(b.rec);
    b.json = cJSON_PrintUnformatted(b.rec);
    cr_assert_not_null(b.json);
    support_schema_assert(b.json);
    return b;
}

static void built_free(built *b)
{
    cJSON_Delete(b->rec);
    free(b->json);
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    cr_assert_not_null(it, "missing field %s", key);
    return cJSON_IsNull(it) ? NULL : cJSON_GetStringValue(it);
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    cr_assert_not_null(it, "missing field %s", key);
    return it;
}

static int flag(const cJSON *rec, const char *name)
{
    const cJSON *q = get(get(rec, "quality"), name);
    cr_assert(cJSON_IsBool(q), "quality.%s is not a boolean", name);
    return cJSON_IsTrue(q);
}

/* sample: an article with every field set (caller destroys). */
static article *sample(void)
{
    article *a = article_create();
    cr_assert_not_null(a);
    cr_assert_eq(article_field_set(&a->title, "Harbour bridge reopens after repairs", -1), 0);
    cr_assert_eq(article_field_set(&a->author, "Rana Khoury", -1), 0);
    cr_assert_eq(article_field_set(&a->site_name, "The Coast Daily", -1), 0);
    cr_assert_eq(article_block_add(a, ARTICLE_BLOCK_PARAGRAPH,
                                   "The harbour bridge reopened on Monday after six weeks.", -1),
                 0);
    cr_assert_eq(article_block_add(a, ARTICLE_BLOCK_HEADING, "Traffic returns", -1), 0);
    cr_assert_eq(article_block_add(a, ARTICLE_BLOCK_PARAGRAPH,
                                   "Buses will use the bridge again from Tuesday, 7 a.m.", -1),
                 0);
    cr_assert_eq(article_caption_add(a, "The bridge at dawn", -1), 0);
    cr_assert_eq(article_related_add(a, "Ferry timetable changes", "https://coast.example/ferry"),
                 0);
    cr_assert_eq(article_related_add(a, "Road works list", NULL), 0);
    cr_assert_eq(article_keyword_add(a, "bridges", -1), 0);
    cr_assert_eq(article_keyword_add(a, "traffic", -1), 0);
    a->views = 734;
    a->published = (article_datetime){2021, 11, 5, 13, 4, 0, 1, 180};
    a->published_origin = ARTICLE_TIME_METADATA;
    return a;
}

static const char *sample_body = "The harbour bridge reopened on Monday after six weeks.\n\n"
                                 "Traffic returns\n\n"
                                 "Buses will use the bridge again from Tuesday, 7 a.m.";

Test(record, full_article_fields)
{
    article *a = sample();
    page pg = {.quality = QUALITY_CHARSET_CONVERTED};
    built b = build(a, &pg, NULL, NULL);
    cr_assert_str_eq(str(b.rec, "schema"), "news.article/1");
    cr_assert_str_eq(str(b.rec, "title"), "Harbour bridge reopens after repairs");
    cr_assert_str_eq(str(b.rec, "author"), "Rana Khoury");
    cr_assert_str_eq(str(get(b.rec, "source"), "name"), "The Coast Daily");
    cr_assert_str_eq(str(b.rec, "body"), sample_body);
    const cJSON *images = get(b.rec, "images");
    cr_assert_eq(cJSON_GetArraySize(images), 1);
    cr_assert_str_eq(str(cJSON_GetArrayItem(images, 0), "caption"), "The bridge at dawn");
    const cJSON *rel = get(b.rec, "related");
    cr_assert_eq(cJSON_GetArraySize(rel), 2);
    cr_assert_str_eq(str(cJSON_GetArrayItem(rel, 0), "url"), "https://coast.example/ferry");
    cr_assert_str_eq(str(cJSON_GetArrayItem(rel, 1), "title"), "Road works list");
    cr_assert_null(str(cJSON_GetArrayItem(rel, 1), "url"));
    const cJSON *kw = get(b.rec, "keywords");
    cr_assert_eq(cJSON_GetArraySize(kw), 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(kw, 1)), "traffic");
    const cJSON *st = get(b.rec, "stats");
    cr_assert_eq(get(st, "views")->valuedouble, 734);
    cr_assert_eq(get(st, "paragraphs")->valuedouble, 3);
    cr_assert_eq(get(st, "words")->valuedouble, 9 + 2 + 10); /* "7" and "a.m." count */
    cr_assert_eq(cJSON_GetArraySize(get(b.rec, "entities")), 0);
    cr_assert(cJSON_IsArray(get(b.rec, "entities")));
    cr_assert(flag(b.rec, "charset_converted"));
    cr_assert_not(flag(b.rec, "invalid_bytes"));
    cr_assert_eq(cJSON_GetArraySize(get(b.rec, "quality")), QUALITY_COUNT);
    built_free(&b);
    article_destroy(a);
}

Test(record, published_from_metadata)
{
    article *a = sample();
    built b = build(a, NULL, NULL, "2026-01-02T03:04:05Z");
    char want[40];
    cr_assert_eq(extract_datetime_format(&a->published, want, sizeof want), NI_OK);
    cr_assert_str_eq(str(b.rec, "published_at"), want);
    cr_assert_eq(strncmp(want, "2021-11-05", 10), 0, "the page's date, not the fetch date");
    cr_assert_str_eq(str(b.rec, "published_at_source"), "metadata");
    cr_assert_not(flag(b.rec, "date_from_fetch"));
    built_free(&b);
    a->published_origin = ARTICLE_TIME_PAGE;
    b = build(a, NULL, NULL, NULL);
    cr_assert_str_eq(str(b.rec, "published_at_source"), "page");
    built_free(&b);
    article_destroy(a);
}

Test(record, time_only_takes_fetch_date)
{
    article *a = sample();
    a->published = (article_datetime){0, 0, 0, 11, 20, 0, 0, 0};
    a->published_origin = ARTICLE_TIME_PAGE;
    built b = build(a, NULL, NULL, "2026-11-21T10:00:00Z");
    const char *p = str(b.rec, "published_at");
    cr_assert_not_null(p, "a time-only page with a fetch time must get a date");
    cr_assert_eq(strncmp(p, "2026-11-21T11:20", 16), 0, "published_at %s", p);
    cr_assert_null(strchr(p + 10, 'Z'), "the page's time has no known offset: %s", p);
    cr_assert_str_eq(str(b.rec, "published_at_source"), "page_time+fetched_date");
    cr_assert(flag(b.rec, "date_from_fetch"));
    built_free(&b);
    article_destroy(a);
}

Test(record, time_only_without_fetch_time_is_null)
{
    article *a = sample();
    a->published = (article_datetime){0, 0, 0, 11, 20, 0, 0, 0};
    a->published_origin = ARTICLE_TIME_PAGE;
    built b = build(a, NULL, NULL, NULL);
    cr_assert_null(str(b.rec, "published_at"));
    cr_assert_null(str(b.rec, "published_at_source"));
    cr_assert_not(flag(b.rec, "date_from_fetch"));
    built_free(&b);
    a->published = (article_datetime)ARTICLE_DATETIME_NONE;
    a->published_origin = ARTICLE_TIME_NONE;
    b = build(a, NULL, NULL, "2026-11-21T10:00:00Z");
    cr_assert_null(str(b.rec, "published_at"), "no date at all stays null");
    cr_assert_not(flag(b.rec, "date_from_fetch"));
    built_free(&b);
    article_destroy(a);
}

Test(record, no_url_id_from_title_and_body)
{
    article *a = sample();
    built b = build(a, NULL, NULL, NULL);
    cr_assert_null(str(b.rec, "url"));
    cr_assert_null(str(b.rec, "canonical_url"));
    cr_assert_null(str(get(b.rec, "source"), "domain"));
    char id[33];
    record_id(NULL, a->title, sample_body, id);
    cr_assert_str_eq(str(b.rec, "id"), id);
    built_free(&b);
    article_destroy(a);
}

/* canonical: what normalize_url_canonical makes of url (caller frees). */
static char *canonical(const char *url)
{
    char *c = NULL, err[256];
    cr_assert_eq(normalize_url_canonical(url, &c, err, sizeof err), NI_OK, "%s", err);
    return c;
}

Test(record, url_hint_wins_and_sets_canonical_and_id)
{
    article *a = sample();
    cr_assert_eq(article_field_set(&a->url, "https://coast.example/page-says", -1), 0);
    const char *hint = "https://Coast.Example/news/bridge?utm_source=x&id=7#top";
    built b = build(a, NULL, hint, NULL);
    cr_assert_str_eq(str(b.rec, "url"), hint);
    char *want = canonical(hint);
    cr_assert_str_eq(str(b.rec, "canonical_url"), want);
    char id[33];
    record_id(want, NULL, NULL, id);
    cr_assert_str_eq(str(b.rec, "id"), id);
    cr_assert_str_neq(id, "00000000000000000000000000000000");
    cr_assert_not_null(str(get(b.rec, "source"), "domain"));
    free(want);
    built_free(&b);
    /* Without a hint the page's own URL is used. */
    b = build(a, NULL, NULL, NULL);
    cr_assert_str_eq(str(b.rec, "url"), "https://coast.example/page-says");
    built_free(&b);
    article_destroy(a);
}

Test(record, absolute_canonical_link_wins_relative_is_ignored)
{
    article *a = sample();
    const char *hint = "https://coast.example/news/bridge?utm_source=x";
    cr_assert_eq(article_field_set(&a->canonical_url, "https://coast.example/canonical/7", -1), 0);
    built b = build(a, NULL, hint, NULL);
    char *want = canonical("https://coast.example/canonical/7");
    cr_assert_str_eq(str(b.rec, "canonical_url"), want);
    free(want);
    built_free(&b);
    cr_assert_eq(article_field_set(&a->canonical_url, "/canonical/7", -1), 0);
    b = build(a, NULL, hint, NULL);
    want = canonical(hint);
    cr_assert_str_eq(str(b.rec, "canonical_url"), want);
    free(want);
    built_free(&b);
    article_destroy(a);
}

Test(record, language_direction_search_text_fingerprint)
{
    article *a = sample();
    built b = build(a, NULL, NULL, NULL);
    char *text = NULL, err[256];
    size_t n = strlen(a->title) + 1 + strlen(sample_body);
    char *joined = malloc(n + 1);
    snprintf(joined, n + 1, "%s\n%s", a->title, sample_body);
    cr_assert_str_eq(str(b.rec, "language"), normalize_language_guess(joined, n));
    cr_assert_str_eq(str(b.rec, "direction"), normalize_direction(str(b.rec, "language")));
    cr_assert_eq(normalize_search_text(joined, n, &text, err, sizeof err), NI_OK);
    cr_assert_str_eq(str(b.rec, "search_text"), text);
    char sha[65], sim[17];
    record_sha256_hex(sample_body, strlen(sample_body), sha);
    snprintf(sim, sizeof sim, "%016llx", record_simhash(sample_body, strlen(sample_body)));
    cr_assert_str_eq(str(get(b.rec, "fingerprint"), "sha256"), sha);
    cr_assert_str_eq(str(get(b.rec, "fingerprint"), "simhash"), sim);
    free(text);
    free(joined);
    built_free(&b);
    /* A declared language and direction are kept. */
    cr_assert_eq(article_field_set(&a->language, "ar", -1), 0);
    cr_assert_eq(article_field_set(&a->direction, "rtl", -1), 0);
    b = build(a, NULL, NULL, NULL);
    cr_assert_str_eq(str(b.rec, "language"), "ar");
    cr_assert_str_eq(str(b.rec, "direction"), "rtl");
    built_free(&b);
    article_destroy(a);
}

Test(record, empty_article_is_valid_with_flags)
{
    article *a = article_create();
    a->quality = QUALITY_BODY_EMPTY | QUALITY_TITLE_MISSING;
    built b = build(a, NULL, NULL, NULL);
    cr_assert_str_eq(str(b.rec, "body"), "");
    cr_assert_null(str(b.rec, "title"));
    cr_assert_null(str(b.rec, "author"));
    cr_assert(cJSON_IsNull(get(get(b.rec, "stats"), "views")));
    cr_assert_eq(get(get(b.rec, "stats"), "words")->valuedouble, 0);
    cr_assert(flag(b.rec, "body_empty"));
    cr_assert(flag(b.rec, "title_missing"));
    built_free(&b);
    article_destroy(a);
}

Test(record, id_hashes)
{
    char a[33], b[33], c[33], want[33];
    record_id("https://coast.example/a", "T", "B", a);
    record_id("https://coast.example/a", "other", "other", b);
    record_id("https://coast.example/b", "T", "B", c);
    cr_assert_str_eq(a, b, "with a URL only the URL counts");
    cr_assert_str_neq(a, c);
    cr_assert_eq(strspn(a, "0123456789abcdef"), 32);
    XXH128_hash_t h = XXH3_128bits("T\nB", 3);
    snprintf(want, sizeof want, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    record_id(NULL, "T", "B", a);
    cr_assert_str_eq(a, want);
}

Test(record, sha256_known_vector)
{
    char hex[65];
    record_sha256_hex("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    record_sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static int hamming(unsigned long long a, unsigned long long b)
{
    return __builtin_popcountll(a ^ b);
}

/* words_text: n pseudo-random words from a small vocabulary, seeded (caller frees). */
static char *words_text(int n, unsigned seed)
{
    static const char *const vocab[] = {"river",  "council", "market", "بلدية", "مياه",    "road",
                                        "school", "vote",    "budget", "محطة",  "harbour", "rain",
                                        "farm",   "power",   "جامعة",  "bridge"};
    char *s = malloc((size_t)n * 16 + 1);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        len += (size_t)sprintf(s + len, "%s%s", i ? " " : "", vocab[(seed >> 16) % 16]);
    }
    return s;
}

Test(record, simhash_near_duplicates_are_close)
{
    char *a = words_text(300, 1), *far = words_text(300, 99);
    char *near = strdup(a);
    memcpy(strstr(near, " ") + 1, "XXXX", 4); /* change one word's letters */
    unsigned long long ha = record_simhash(a, strlen(a));
    cr_assert_eq(ha, record_simhash(a, strlen(a)));
    cr_assert_leq(hamming(ha, record_simhash(near, strlen(near))), 6);
    cr_assert_geq(hamming(ha, record_simhash(far, strlen(far))), 12);
    cr_assert_eq(record_simhash("", 0), 0);
    cr_assert_neq(record_simhash("two words", 9), 0);
    /* Whitespace differences do not change the shingles. */
    cr_assert_eq(record_simhash("a b  c\n\nd", 9), record_simhash("a b c d", 7));
    free(a);
    free(near);
    free(far);
}

Test(record, word_count)
{
    const char *s = "Hello , world 42 — ... مرحبا\n\n(بالعالم) -- x";
    cr_assert_eq(record_word_count(s, strlen(s)), 6);
    cr_assert_eq(record_word_count("", 0), 0);
    cr_assert_eq(record_word_count("  \n ", 4), 0);
}

Test(record, validator_rejects_broken_records)
{
    article *a = sample();
    built b = build(a, NULL, NULL, NULL);
    cr_assert_null(support_schema_check(b.json), "the good record must pass");
    /* Each mutation must be caught. */
    cJSON *r = cJSON_Duplicate(b.rec, 1);
    cJSON_DeleteItemFromObject(r, "id");
    char *j = cJSON_PrintUnformatted(r);
    cr_assert_not_null(support_schema_check(j), "missing id accepted");
    free(j);
    cJSON_AddStringToObject(r, "id", "xyz");
    j = cJSON_PrintUnformatted(r);
    cr_assert_not_null(support_schema_check(j), "bad id accepted");
    free(j);
    cJSON_Delete(r);
    r = cJSON_Duplicate(b.rec, 1);
    cJSON_AddStringToObject(r, "surprise", "drift");
    j = cJSON_PrintUnformatted(r);
    cr_assert_not_null(support_schema_check(j), "unknown top-level field accepted");
    free(j);
    cJSON_Delete(r);
    r = cJSON_Duplicate(b.rec, 1);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "fingerprint"), "simhash",
                              cJSON_CreateString("12"));
    j = cJSON_PrintUnformatted(r);
    cr_assert_not_null(support_schema_check(j), "short simhash accepted");
    free(j);
    cJSON_Delete(r);
    r = cJSON_Duplicate(b.rec, 1);
    cJSON_ReplaceItemInObject(r, "canonical_url",
                              cJSON_CreateString("https://coast.example/a?utm_source=x"));
    j = cJSON_PrintUnformatted(r);
    cr_assert_not_null(support_schema_check(j), "utm_ in canonical_url accepted");
    free(j);
    cJSON_Delete(r);
    cr_assert_not_null(support_schema_check("{\"schema\":\"news.article/1\"}"));
    cr_assert_not_null(support_schema_check("not json"));
    built_free(&b);
    article_destroy(a);
}

Test(record, ingest_object_when_given_absent_otherwise)
{
    article *a = sample();
    page pg = {0};
    record_ingest g = {
        "pages", 3,         1234567890123LL, "2026-11-21T10:00:00.125Z", "2026-11-21T10:00:00.250Z",
        "0.1.0", "worker-7"};
    record_input in = {a, &pg, NULL, NULL, &g, NULL, NULL, NULL};
    char *json = NULL, id[33], err[256] = "";
    size_t len = 0;
    cr_assert_eq(record_json(&in, &json, &len, id, err, sizeof err), NI_OK, "%s", err);
    support_schema_assert(json);
    cJSON *rec = cJSON_Parse(json);
    const cJSON *ing = get(rec, "ingest");
    cr_assert_str_eq(str(ing, "topic"), "pages");
    cr_assert_eq(get(ing, "partition")->valuedouble, 3);
    cr_assert_eq(get(ing, "offset")->valuedouble, 1234567890123.0);
    cr_assert_str_eq(str(ing, "received_at"), "2026-11-21T10:00:00.125Z");
    cr_assert_str_eq(str(ing, "processed_at"), "2026-11-21T10:00:00.250Z");
    cr_assert_str_eq(str(ing, "version"), "0.1.0");
    cr_assert_str_eq(str(ing, "worker"), "worker-7");
    cJSON_Delete(rec);
    free(json);
    built b = build(a, &pg, NULL, NULL);
    cr_assert_null(cJSON_GetObjectItem(b.rec, "ingest"));
    cJSON *bad = cJSON_Duplicate(b.rec, 1);
    cJSON_AddItemToObject(bad, "ingest", cJSON_Parse("{\"topic\":\"pages\"}"));
    char *j = cJSON_PrintUnformatted(bad);
    cr_assert_not_null(support_schema_check(j), "ingest without partition/offset accepted");
    free(j);
    cJSON_Delete(bad);
    built_free(&b);
    article_destroy(a);
}

/* ---- entities and entity events --------------------------------------------------------- */

static ner_mention m_title[] = {{NER_FIELD_TITLE, 9, 13, "دمشق"}};
static ner_mention m_place[] = {{NER_FIELD_TITLE, 9, 13, "دمشق"}, {NER_FIELD_BODY, 4, 8, "دمشق"}};
static ner_mention m_person[] = {{NER_FIELD_BODY, 20, 29, "سامر خليل"}};
static ner_mention m_money[] = {{NER_FIELD_BODY, 40, 54, "25 مليون دولار"}};
static ner_mention m_date[] = {{NER_FIELD_BODY, 60, 70, "2019-03-23"}};
static ner_mention m_quote[] = {{NER_FIELD_BODY, 72, 77, "\"Q\"\\x"}};

/* hand_entities: six entities covering names known/unknown, rule values and units. */
static ner_entities hand_entities(ner_entity v[6])
{
    memset(v, 0, 6 * sizeof *v);
    v[0] = (ner_entity){.id = "kb:damascus",
                        .type = "LOC",
                        .name = "دمشق",
                        .name_ar = "دمشق",
                        .name_en = "Damascus",
                        .source = "kb",
                        .mentions = m_place,
                        .nmentions = 2,
                        .salience = 0.87654,
                        .confidence = 0.93,
                        .sentence = "بلدية دمشق تفتح الجسر."};
    v[1] = (ner_entity){.id = "per:00112233aabbccdd",
                        .type = "PER",
                        .name = "سامر خليل",
                        .source = "model",
                        .mentions = m_person,
                        .nmentions = 1,
                        .salience = 0.25};
    v[2] = (ner_entity){.id = "money:0000000000000001",
                        .type = "MONEY",
                        .name = "25 مليون دولار",
                        .source = "rule",
                        .mentions = m_money,
                        .nmentions = 1,
                        .salience = 0.1,
                        .has_number = 1,
                        .number = 25000000,
                        .unit = "USD"};
    v[3] = (ner_entity){.id = "date:0000000000000002",
                        .type = "DATE",
                        .name = "2019-03-23",
                        .source = "rule",
                        .mentions = m_date,
                        .nmentions = 1,
                        .salience = 0.05,
                        .has_number = 1,
                        .number = 2019,
                        .iso = "2019-03-23"};
    v[4] = (ner_entity){.id = "org:0000000000000003",
                        .type = "ORG",
                        .name = "Q",
                        .name_en = "Quote \"Co\"",
                        .source = "model",
                        .mentions = m_quote,
                        .nmentions = 1,
                        .salience = 0.0004};
    v[5] = (ner_entity){.id = "SY",
                        .type = "LOC",
                        .name = "سوريا",
                        .name_ar = "سوريا",
                        .source = "kb",
                        .mentions = m_title,
                        .nmentions = 1,
                        .salience = 1.0};
    return (ner_entities){v, 6};
}

static const cJSON *entity_at(const cJSON *rec, int i)
{
    const cJSON *e = cJSON_GetArrayItem(get(rec, "entities"), i);
    cr_assert_not_null(e, "no entity %d", i);
    return e;
}

static double num(const cJSON *obj, const char *key)
{
    const cJSON *it = get(obj, key);
    cr_assert(cJSON_IsNumber(it), "%s is not a number", key);
    return it->valuedouble;
}

Test(record, entities_fields_as_given)
{
    article *a = sample();
    ner_entity v[6];
    ner_entities ents = hand_entities(v);
    record_input in = {a, NULL, NULL, NULL, NULL, &ents, NULL, NULL};
    cJSON *rec = NULL;
    char err[256] = "";
    cr_assert_eq(record_build(&in, &rec, err, sizeof err), NI_OK, "%s", err);
    char *json = cJSON_PrintUnformatted(rec);
    support_schema_assert(json);
    cr_assert_eq(cJSON_GetArraySize(get(rec, "entities")), 6);

    const cJSON *e = entity_at(rec, 0), *ms = get(e, "mentions");
    cr_assert_str_eq(str(e, "id"), "kb:damascus");
    cr_assert_str_eq(str(e, "type"), "LOC");
    cr_assert_str_eq(str(e, "name"), "دمشق");
    cr_assert_str_eq(str(get(e, "names"), "ar"), "دمشق");
    cr_assert_str_eq(str(get(e, "names"), "en"), "Damascus");
    cr_assert_str_eq(str(e, "source"), "kb");
    cr_assert_eq(num(e, "count"), 2);
    cr_assert_eq(num(e, "salience"), 0.877);
    cr_assert_eq(num(e, "confidence"), 0.93);
    cr_assert_eq(cJSON_GetArraySize(ms), 2);
    cr_assert_str_eq(str(cJSON_GetArrayItem(ms, 0), "field"), "title");
    cr_assert_str_eq(str(cJSON_GetArrayItem(ms, 1), "field"), "body");
    cr_assert_str_eq(str(cJSON_GetArrayItem(ms, 1), "text"), "دمشق");
    cr_assert_eq(num(cJSON_GetArrayItem(ms, 1), "start"), 4);
    cr_assert_eq(num(cJSON_GetArrayItem(ms, 1), "end"), 8);
    cr_assert_null(cJSON_GetObjectItem(e, "value"));
    cr_assert_null(cJSON_GetObjectItem(e, "unit"));

    e = entity_at(rec, 1); /* no known names: no `names` */
    cr_assert_null(cJSON_GetObjectItem(e, "names"));
    cr_assert_str_eq(str(e, "source"), "model");
    cr_assert_eq(num(e, "salience"), 0.25);

    e = entity_at(rec, 2); /* a number with a unit */
    cr_assert_eq(num(e, "value"), 25000000);
    cr_assert_str_eq(str(e, "unit"), "USD");
    cr_assert(strstr(json, "\"value\":25000000,\"unit\":\"USD\""), "%s", json);

    e = entity_at(rec, 3); /* a date with a number and an ISO text: the ISO text */
    cr_assert_str_eq(str(e, "value"), "2019-03-23");
    cr_assert_null(cJSON_GetObjectItem(e, "unit"));

    e = entity_at(rec, 4); /* English name only; escapes kept; salience rounds to 0 */
    cr_assert_null(cJSON_GetObjectItem(get(e, "names"), "ar"));
    cr_assert_str_eq(str(get(e, "names"), "en"), "Quote \"Co\"");
    cr_assert_str_eq(str(cJSON_GetArrayItem(get(e, "mentions"), 0), "text"), "\"Q\"\\x");
    cr_assert_eq(num(e, "salience"), 0);

    e = entity_at(rec, 5);
    cr_assert_str_eq(str(e, "id"), "SY");
    cr_assert_null(cJSON_GetObjectItem(get(e, "names"), "en"));
    cr_assert_eq(num(e, "salience"), 1);
    free(json);
    cJSON_Delete(rec);
    article_destroy(a);
}

/* same_json: record_json prints exactly what cJSON prints for record_build's tree. */
static void same_json(const record_input *in)
{
    cJSON *tree = NULL;
    char *json = NULL, id[33], err[256] = "";
    size_t len = 0;
    cr_assert_eq(record_build(in, &tree, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(record_json(in, &json, &len, id, err, sizeof err), NI_OK, "%s", err);
    char *want = cJSON_PrintUnformatted(tree);
    cr_assert_eq(len, strlen(want));
    cr_assert_str_eq(json, want);
    support_schema_assert(json);
    free(want), free(json);
    cJSON_Delete(tree);
}

Test(record, record_json_equals_record_build_with_entities)
{
    article *a = sample();
    ner_entity v[6];
    ner_entities ents = hand_entities(v);
    record_input in = {a, NULL, NULL, "2026-11-21T10:00:00Z", NULL, &ents, NULL, NULL};
    same_json(&in);
    /* Many entities with many short mentions: far more structure than text. */
    enum { NE = 400, NM = 40 };
    ner_entity *many = calloc(NE, sizeof *many);
    ner_mention *ms = calloc(NM, sizeof *ms);
    char ids[NE][24];
    for (int j = 0; j < NM; j++)
        ms[j] = (ner_mention){NER_FIELD_BODY, 100000u + j, 100001u + j, "x"};
    for (int i = 0; i < NE; i++) {
        snprintf(ids[i], sizeof ids[i], "misc:%016x", i);
        many[i] = (ner_entity){.id = ids[i],
                               .type = "MISC",
                               .name = "x",
                               .source = "model",
                               .mentions = ms,
                               .nmentions = NM,
                               .salience = i / (double)NE};
    }
    ner_entities big = {many, NE};
    in.entities = &big;
    same_json(&in);
    free(many), free(ms);
    article_destroy(a);
}

Test(record, schema_rejects_broken_entities)
{
    article *a = sample();
    ner_entity v[6];
    ner_entities ents = hand_entities(v);
    record_input in = {a, NULL, NULL, NULL, NULL, &ents, NULL, NULL};
    cJSON *rec = NULL;
    char err[256] = "";
    cr_assert_eq(record_build(&in, &rec, err, sizeof err), NI_OK, "%s", err);
    static const char *const breaks[] = {"mentions", "type", "names", "salience", "id"};
    for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++) {
        cJSON *r = cJSON_Duplicate(rec, 1);
        cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "entities"), 0);
        if (!strcmp(breaks[i], "type"))
            cJSON_ReplaceItemInObject(e, "type", cJSON_CreateString("PERSON"));
        else if (!strcmp(breaks[i], "names"))
            cJSON_ReplaceItemInObject(e, "names", cJSON_CreateObject());
        else if (!strcmp(breaks[i], "salience"))
            cJSON_ReplaceItemInObject(e, "salience", cJSON_CreateNumber(1.5));
        else
            cJSON_DeleteItemFromObject(e, breaks[i]);
        char *j = cJSON_PrintUnformatted(r);
        cr_assert_not_null(support_schema_check(j), "broken entity (%s) accepted", breaks[i]);
        free(j);
        cJSON_Delete(r);
    }
    cJSON_Delete(rec);
    article_destroy(a);
}

/* events_valid: every event passes the news.entity_event/1 schema (validate_record.py). */
static void events_valid(const record_event *ev, size_t n)
{
    sbuf in = SBUF_INIT;
    for (size_t i = 0; i < n; i++)
        sbuf_append(&in, ev[i].json, ev[i].len), sbuf_append(&in, "\n", 1);
    char script[4096], schema[4096];
    snprintf(script, sizeof script, "%s", support_path("tests/support/validate_record.py"));
    snprintf(schema, sizeof schema, "%s", support_path("schema/news.entity-event-1.schema.json"));
    char *argv[] = {"/usr/bin/python3", script, schema, NULL};
    support_run_result r;
    support_run(argv, in.data, in.len, 0, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    size_t oks = 0;
    for (const char *p = r.out; (p = strstr(p, "ok\n")); p += 3) oks++;
    cr_assert_eq(oks, n, "validator: %s", r.out);
    support_run_result_free(&r);
    sbuf_free(&in);
}

Test(record, one_event_per_entity)
{
    article *a = sample();
    ner_entity v[6];
    ner_entities ents = hand_entities(v);
    record_input in = {a, NULL, "https://coast.example/bridge", NULL, NULL, &ents, NULL, NULL};
    char *json = NULL, id[33], err[256] = "";
    size_t len = 0, n = 0;
    cr_assert_eq(record_json(&in, &json, &len, id, err, sizeof err), NI_OK, "%s", err);
    record_event *ev = NULL;
    cr_assert_eq(record_events(&in, id, &ev, &n, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(ev[i].key, v[i].id);
        cr_assert_eq(ev[i].len, strlen(ev[i].json));
        cJSON *o = cJSON_Parse(ev[i].json);
        cr_assert_not_null(o, "%s", ev[i].json);
        cr_assert_str_eq(str(o, "schema"), "news.entity_event/1");
        cr_assert_str_eq(str(o, "entity_id"), v[i].id);
        cr_assert_str_eq(str(o, "type"), v[i].type);
        cr_assert_str_eq(str(o, "name"), v[i].name);
        cr_assert_eq(ev[i].confidence, v[i].confidence);
        cr_assert_eq(num(o, "confidence"), round(v[i].confidence * 1000) / 1000);
        cr_assert_str_eq(str(o, "article_id"), id);
        cr_assert_str_eq(str(o, "url"), "https://coast.example/bridge");
        cr_assert_str_eq(str(o, "title"), "Harbour bridge reopens after repairs");
        cr_assert_str_eq(str(o, "published_at"), "2021-11-05T13:04:00+03:00");
        cr_assert_eq(num(o, "count"), (double)v[i].nmentions);
        cJSON_Delete(o);
    }
    cJSON *o = cJSON_Parse(ev[0].json);
    cr_assert_str_eq(str(o, "sentence"), "بلدية دمشق تفتح الجسر.");
    cr_assert_eq(num(o, "salience"), 0.877);
    cJSON_Delete(o);
    o = cJSON_Parse(ev[1].json);
    cr_assert_null(str(o, "sentence")); /* none given: null */
    cr_assert_null(cJSON_GetObjectItem(o, "value"));
    cJSON_Delete(o);
    o = cJSON_Parse(ev[2].json);
    cr_assert_eq(num(o, "value"), 25000000);
    cr_assert_str_eq(str(o, "unit"), "USD");
    cJSON_Delete(o);
    events_valid(ev, n);
    record_events_free(ev, n);
    /* No entities: no events. */
    in.entities = NULL;
    ev = (record_event *)1;
    cr_assert_eq(record_events(&in, id, &ev, &n, err, sizeof err), NI_OK);
    cr_assert_null(ev);
    cr_assert_eq(n, 0);
    record_events_free(NULL, 0);
    free(json);
    article_destroy(a);
}
