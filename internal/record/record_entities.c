/* record_entities.c: the record's `entities` array and the per-entity events (news.entity_event/1).
 */
#include "record/record.h"
#include "record_internal.h"

#include <stdlib.h>
#include <string.h>

#define EVENT_SCHEMA "news.entity_event/1"

/* Printed bytes of the structure around each entity and mention (keys, brackets, numbers),
 * counted into the print buffer's estimate. */
#define ENTITY_OVERHEAD 180
#define MENTION_OVERHEAD 64

cJSON *record_builder_str(record_builder *b, const char *s)
{
    b->bytes += strlen(s);
    return b->ref ? cJSON_CreateStringReference(s) : cJSON_CreateString(s);
}

/* put: adds item under the static key; 0 when item is NULL or out of memory (item freed). */
static int put(cJSON *obj, const char *key, cJSON *item)
{
    if (!item) return 0;
    if (!cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        return 0;
    }
    return 1;
}

/* milli: s clamped to 0..1 in thousandths, rounded. */
static unsigned milli(double s)
{
    if (!(s > 0)) return 0;
    return s >= 1 ? 1000 : (unsigned)(s * 1000 + 0.5);
}

/* salience3: s clamped to 0..1 and rounded to 3 decimals. */
static double salience3(double s)
{
    return milli(s) / 1000.0;
}

/* Numbers when printing (ref): cJSON prints every number through "%1.15g" and a sscanf check,
 * the bulk of an entity's cost; integers and 3-decimal fractions are printed here instead, as a
 * raw item with the same text ("%1.15g" of an integer below 2^53 is its digits; of k/1000 the
 * shortest decimal). Copies (record_build) keep number items. */

/* uint: v (below 2^53) as a number item. */
static cJSON *uint_item(const record_builder *b, size_t v)
{
    if (!b->ref) return cJSON_CreateNumber((double)v);
    char buf[24], *p = buf + sizeof buf;
    *--p = '\0';
    do *--p = (char)('0' + v % 10);
    while (v /= 10);
    return cJSON_CreateRaw(p);
}

/* salience_item: the rounded salience (or confidence) as a number item ("0", "1", "0.5",
 * "0.875"). */
static cJSON *salience_item(const record_builder *b, double s)
{
    unsigned k = milli(s);
    if (!b->ref || k == 0 || k == 1000) return cJSON_CreateNumber(salience3(s));
    char buf[8] = {'0', '.', (char)('0' + k / 100), (char)('0' + k / 10 % 10), (char)('0' + k % 10),
                   '\0'};
    for (int i = 4; buf[i] == '0'; i--) buf[i] = '\0';
    return cJSON_CreateRaw(buf);
}

/* names: {ar, en} with the known names; NULL (nothing added) when neither is known. */
static int names(record_builder *b, cJSON *o, const ner_entity *e)
{
    if (!e->name_ar && !e->name_en) return 1;
    cJSON *n = cJSON_CreateObject();
    if (!put(o, "names", n)) return 0;
    return (!e->name_ar || put(n, "ar", record_builder_str(b, e->name_ar))) &&
           (!e->name_en || put(n, "en", record_builder_str(b, e->name_en)));
}

static cJSON *mentions(record_builder *b, const ner_entity *e)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < e->nmentions; i++) {
        const ner_mention *m = &e->mentions[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) return cJSON_Delete(o), cJSON_Delete(arr), NULL;
        b->bytes += MENTION_OVERHEAD;
        if (!put(o, "text", record_builder_str(b, m->text ? m->text : "")) ||
            !put(o, "field", cJSON_CreateStringReference(ner_field_name(m->field))) ||
            !put(o, "start", uint_item(b, m->start)) || !put(o, "end", uint_item(b, m->end)))
            return cJSON_Delete(arr), NULL;
    }
    return arr;
}

/* value: a rule entity's value (DATE/TIME: the ISO text first, else the number, else the ISO
 * text) and unit; 1 when there is none. */
static int value(record_builder *b, cJSON *o, const ner_entity *e)
{
    int timeish = !strcmp(e->type, "DATE") || !strcmp(e->type, "TIME");
    cJSON *v = NULL;
    if (e->iso[0] && (timeish || !e->has_number))
        v = record_builder_str(b, e->iso);
    else if (e->has_number)
        v = cJSON_CreateNumber(e->number);
    else
        return 1;
    return put(o, "value", v) && (!e->unit[0] || put(o, "unit", record_builder_str(b, e->unit)));
}

static cJSON *entity(record_builder *b, const ner_entity *e)
{
    cJSON *o = cJSON_CreateObject();
    b->bytes += ENTITY_OVERHEAD;
    if (o && put(o, "id", record_builder_str(b, e->id)) &&
        put(o, "type", cJSON_CreateStringReference(e->type)) &&
        put(o, "name", record_builder_str(b, e->name ? e->name : "")) && names(b, o, e) &&
        put(o, "mentions", mentions(b, e)) && put(o, "count", uint_item(b, e->nmentions)) &&
        put(o, "salience", salience_item(b, e->salience)) &&
        put(o, "confidence", salience_item(b, e->confidence)) &&
        put(o, "source", cJSON_CreateStringReference(e->source)) && value(b, o, e))
        return o;
    cJSON_Delete(o);
    return NULL;
}

cJSON *record_entities_tree(record_builder *b, const ner_entities *e)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && e && i < e->n; i++) {
        cJSON *o = entity(b, &e->v[i]);
        if (!o || !cJSON_AddItemToArray(arr, o)) return cJSON_Delete(o), cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateStringReference(s) : cJSON_CreateNull();
}

char *record_event_json(const ner_entity *e, const char *article_id, const char *url,
                        const char *title, const char *published_at)
{
    record_builder b = {.ref = 1};
    cJSON *o = cJSON_CreateObject();
    int ok = o && put(o, "schema", cJSON_CreateStringReference(EVENT_SCHEMA)) &&
             put(o, "entity_id", cJSON_CreateStringReference(e->id)) &&
             put(o, "type", cJSON_CreateStringReference(e->type)) &&
             put(o, "name", cJSON_CreateStringReference(e->name ? e->name : "")) &&
             put(o, "article_id", cJSON_CreateStringReference(article_id)) &&
             put(o, "url", str_or_null(url)) && put(o, "title", str_or_null(title)) &&
             put(o, "published_at", str_or_null(published_at)) &&
             put(o, "count", cJSON_CreateNumber((double)e->nmentions)) &&
             put(o, "salience", cJSON_CreateNumber(salience3(e->salience))) &&
             put(o, "confidence", cJSON_CreateNumber(salience3(e->confidence))) &&
             put(o, "sentence", str_or_null(e->sentence)) && value(&b, o, e);
    char *json = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return json;
}

void record_events_free(record_event *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i].key), free(v[i].json);
    free(v);
}
