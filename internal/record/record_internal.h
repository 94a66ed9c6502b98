/* record_internal.h: helpers shared by the record files only (not part of the stage API). */
#ifndef NI_RECORD_INTERNAL_H
#define NI_RECORD_INTERNAL_H

#include <stddef.h>

/* record_text_scan: one pass over the whitespace tokens of text: *words = record_word_count and
 * *simhash = record_simhash (either pointer may be NULL to skip that result). */
void record_text_scan(const char *text, size_t len, size_t *words, unsigned long long *simhash);

#endif
