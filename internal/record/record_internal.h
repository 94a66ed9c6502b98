/* record_internal.h: helpers shared by the record files and the pipeline engine (not the stage
 * API). */
#ifndef NI_RECORD_INTERNAL_H
#define NI_RECORD_INTERNAL_H

#include "entities/entities.h"
#include "extract/article.h"
#include "util/sbuf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* record_text_scan: one pass over the whitespace tokens of text: *words = record_word_count and
 * *simhash = record_simhash (either pointer may be NULL to skip that result). */
void record_text_scan(const char *text, size_t len, size_t *words, unsigned long long *simhash);

/* record_json_string: s[0..len) (no NUL inside) as the quoted JSON string literal cJSON prints for
 * it (same escapes, \u00xx in lower case), into out, which holds at least
 * RECORD_JSON_STRING_MAX(len) bytes (slack for 16-byte stores); NUL-terminated. Returns the
 * literal's length. */
#define RECORD_JSON_STRING_MAX(len) (6 * (len) + 18)
size_t record_json_string(const char *s, size_t len, char *out);

/* The tree under construction: strings are copied, or referenced when the tree is printed before
 * the facts and the article go away (ref; long strings are then escaped up front into raw items,
 * through scratch); bytes estimates the printed size beyond the fixed 4 KB (strings, and the
 * structure of the variable-length arrays) for the print buffer. */
typedef struct record_builder {
    int ref;
    size_t bytes;
    sbuf scratch;
} record_builder;

/* record_builder_str: a string item for s (copied or referenced, see ref); NULL when out of
 * memory. */
cJSON *record_builder_str(record_builder *b, const char *s);

/* record_entities_tree: the record's `entities` array for e (NULL: empty); NULL when out of
 * memory. Strings follow b's ref rule. */
cJSON *record_entities_tree(record_builder *b, const ner_entities *e);

/* record_event_json: the entity event of e (see record_events) as one line of JSON in a fresh
 * string the caller frees; article facts as given (url, title, published_at NULL -> null). NULL
 * when out of memory. */
char *record_event_json(const ner_entity *e, const char *article_id, const char *url,
                        const char *title, const char *published_at);

#endif
