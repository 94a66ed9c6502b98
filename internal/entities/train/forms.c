/* forms.c: the tagger's word forms and unlabelled-text counts for the commands that build data
 * (train-clusters, kb-cities), read through the training interface. */
#include "entities/ner_train.h"
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"

#include <stdlib.h>

struct ner_word_stats {
    ner_clusters cl;
};

uint64_t ner_train_form(const char *w, size_t len, int *article)
{
    ner_word nw;
    ner_word_analyze(w, len, 0, &nw);
    if (article) *article = (nw.clitics & NER_CLITIC_AL) != 0;
    return nw.h[NER_H_LSTEM];
}

uint64_t ner_train_mix64(uint64_t x)
{
    return ner_mix64(x);
}

ner_word_stats *ner_word_stats_load(const char *path, char *errstr, size_t errlen)
{
    ner_word_stats *s = calloc(1, sizeof *s);
    if (!s) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (ner_clusters_read(path, &s->cl, errstr, errlen)) {
        free(s);
        return NULL;
    }
    return s;
}

void ner_word_stats_destroy(ner_word_stats *s)
{
    if (!s) return;
    ner_clusters_free(&s->cl);
    free(s);
}

int ner_word_stats_get(const ner_word_stats *s, const char *w, size_t len, uint64_t *key,
                       int *ordinary)
{
    ner_word nw;
    ner_word_analyze(w, len, 0, &nw);
    ner_clusters_mark(&s->cl, &nw, 1);
    *key = nw.h[NER_H_LSTEM];
    *ordinary = nw.al > NER_ORDINARY_LO && nw.al <= NER_ORDINARY_HI + 1;
    return nw.al != 0;
}
