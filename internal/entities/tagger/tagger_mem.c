/* tagger_mem.c: huge-page-friendly zeroed allocation for the tagger's large tables: the weight
 * table (12 MB for the shipped model) is probed at random, 64 times per word, and with 4 KiB
 * pages most probes also miss the TLB. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "tagger_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *ner_table_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    if (bytes < HUGE_PAGE) return calloc(n ? n : 1, size ? size : 1);
    size_t rounded = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, rounded)) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only: a refusal changes nothing */
#endif
    memset(p, 0, rounded);
    return p;
}
