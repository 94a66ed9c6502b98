/* record_internal.h: helpers shared by the record files only (not part of the stage API). */
#ifndef NI_RECORD_INTERNAL_H
#define NI_RECORD_INTERNAL_H

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

#endif
