/* tagger_gaz.c: the gazetteers as soft features, marked on a sentence's words from the model's
 * table (built from outside name lists by train/gaz_build.c at training time, saved in the
 * model). */
#include "tagger_internal.h"

void ner_gaz_mark(const ner_lex *x, ner_word *ws, size_t n)
{
    for (size_t i = 0; i < n; i++) ws[i].gzl = 0;
    if (!x->n) return;
    for (size_t i = 0; i < n;) {
        uint8_t bv;
        size_t best = ner_lex_longest(x, ws, i, n, &bv);
        if (!best) {
            i++;
            continue;
        }
        uint8_t many = best > 1 ? NER_GZL_MULTI : 0;
        ws[i].gzl = (uint8_t)((bv & NER_LEX_TYPE) | NER_LEX_BEGIN | many);
        for (size_t j = i + 1; j < i + best; j++) ws[j].gzl = (uint8_t)((bv & NER_LEX_TYPE) | many);
        i += best;
    }
}
