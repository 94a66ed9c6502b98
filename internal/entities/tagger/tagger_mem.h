/* tagger_mem.h: memory for the tagger's large lookup tables (feature weights), aligned and
 * advised to be backed by huge pages so that random lookups miss the TLB less. */
#ifndef NI_ENTITIES_TAGGER_MEM_H
#define NI_ENTITIES_TAGGER_MEM_H

#include <stddef.h>

/* ner_table_calloc: n * size zeroed bytes (NULL when out of memory or on overflow); tables of
 * 2 MiB or more are 2 MiB-aligned and advised MADV_HUGEPAGE (ignored where unsupported). The
 * caller frees with free(). */
void *ner_table_calloc(size_t n, size_t size);

#endif
