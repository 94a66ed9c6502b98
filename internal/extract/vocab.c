/* vocab.c: PLACEHOLDER (replaced by the text-extraction work). */
#include "extract/vocab.h"

vocab_kind vocab_classify(const char *s, size_t len)
{
    return VOCAB_NONE;
}

size_t vocab_prefix(const char *s, size_t len, vocab_kind kind)
{
    return 0;
}
