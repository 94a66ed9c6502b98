/* extract_internal.h: definitions shared by the extractors only (not part of the stage API). */
#ifndef NI_EXTRACT_INTERNAL_H
#define NI_EXTRACT_INTERNAL_H

#include <myhtml/api.h>

struct extract_ctx {
    myhtml_t *myhtml;
};

#endif
