/* ner_train.h: the tagger's offline side, the training library (internal/entities/train/): model
 * training, exact-span scoring, and the word facts the data-building commands need. Linked by the
 * news-ingest command (train-ner, train-clusters, kb-cities), the evaluation tool and the tests,
 * never by the worker's runtime. */
#ifndef NI_ENTITIES_NER_TRAIN_H
#define NI_ENTITIES_NER_TRAIN_H

#include "entities/ner.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- scoring (score.c) ------------------------------------------------------------------ */

/* Exact-span counts, CoNLL (conlleval) chunking: [0] all types, [1..4] PER ORG LOC MISC. */
typedef struct ner_span_counts {
    size_t tp[5], fp[5], fn[5];
} ner_span_counts;

/* ner_spans_score: adds the counts of one sentence's predicted vs gold tags to c. */
void ner_spans_score(const ner_tag *gold, const ner_tag *pred, size_t n, ner_span_counts *c);
/* ner_span_f1: precision, recall, F1 (0 when undefined) of type k. */
void ner_span_prf(const ner_span_counts *c, int k, double *p, double *r, double *f1);

/* ---- training (tagger_train.c) ---------------------------------------------------------- */

/* ner_model_train: trains on a CoNLL file (word TAG per line, blank line between sentences),
 * with the hints of the knowledge base at kb_path (ner_kb_load; NULL: no hints), deterministic
 * for a given seed, and writes the model to out_path. NI_OK or an NI_ERR_* code with errstr
 * naming the file and line. */
int ner_model_train(const char *conll_path, const char *kb_path, int iterations, unsigned seed,
                    const char *out_path, char *errstr, size_t errlen);

#define NER_DEFAULT_ITERATIONS 20 /* chosen on a held-out tenth of train.txt */
#define NER_DEFAULT_PRUNE 3       /* |quantized weight| below this is dropped */
#define NER_DEFAULT_DROPOUT 0.4
#define NER_DEFAULT_O_BIAS -100 /* chosen by 5-fold cross-validation on train.txt */
#define NER_DEFAULT_GAZ_DROPOUT 0.0
#define NER_DEFAULT_ENSEMBLE 5 /* chosen by 5-fold cross-validation on train.txt */

typedef struct ner_train_opts {
    int iterations;            /* passes over the training sentences */
    unsigned seed;             /* sentence order shuffling */
    double dev_fraction;       /* fraction of the sentences held out and scored each pass */
    int dev_fold;              /* 0: the held-out part is the last one; k: the k-th of that size */
    int prune;                 /* quantized averaged weights with |w| < prune are dropped */
    double dropout;            /* probability a feature occurrence sits out a training step */
    double gaz_dropout;        /* probability a training sentence gets no KB hints */
    const char *kb_path;       /* knowledge base for the hint features (NULL: no hints) */
    const char *clusters_path; /* word clusters file for the cluster features (NULL: none) */
    const char *gaz_dir;       /* gazetteer lists for the gazetteer features (NULL: none) */
    int lexicon;               /* lexicon features (names seen in training, jackknifed) */
    int ensemble;              /* runs with their own seeds whose averaged weights are averaged */
    int o_bias;     /* subtracted from the O weight of the bias feature (recall vs precision) */
    size_t window;  /* held-out scoring: document consistency window (ner_model_tag_doc) */
    FILE *progress; /* per-pass report (NULL: quiet) */
    /* a second CoNLL corpus (WikiFANE as wikifane-conll writes it): trained on with
     * domain-conjoined features, never held out (NULL: none) */
    const char *aux_path;
} ner_train_opts;

/* ner_train_opts_default: the committed model's settings (the NER_DEFAULT_* values, seed 1, the
 * training lexicon, the document window), no resource paths, quiet. Never fails. */
ner_train_opts ner_train_opts_default(void);

/* ner_train_run: ner_model_train with every option. */
int ner_train_run(const char *conll_path, const ner_train_opts *o, const char *out_path,
                  char *errstr, size_t errlen);

/* ---- word facts for the data-building commands (forms.c) ---------------------------------- */

/* ner_train_form: the key of the tagger's light stem of the UTF-8 word w[0..len) (the form word
 * clusters are learned over); *article (may be NULL) gets whether the article ال was taken off.
 * Never fails. */
uint64_t ner_train_form(const char *w, size_t len, int *article);
/* ner_train_mix64: the tagger's 64-bit hash mixer (splitmix64 finalizer). */
uint64_t ner_train_mix64(uint64_t x);

/* What unlabelled text says about word forms: the ال counts of a clusters file. */
typedef struct ner_word_stats ner_word_stats;

/* ner_word_stats_load: the clusters file at path (checksum verified). NULL with errstr naming the
 * file and line on error; the caller frees it with ner_word_stats_destroy. */
ner_word_stats *ner_word_stats_load(const char *path, char *errstr, size_t errlen);
/* ner_word_stats_destroy: NULL is a no-op. */
void ner_word_stats_destroy(ner_word_stats *s);
/* ner_word_stats_get: for the UTF-8 word w[0..len): its light-stem key (ner_train_form) in *key,
 * and in *ordinary whether the text writes it with ال often enough and not always, as the tagger
 * takes an ordinary word (NER_ORDINARY_LO/HI of the tagger). Returns 1 when the text knows the
 * form, 0 when not (then *ordinary is 0). */
int ner_word_stats_get(const ner_word_stats *s, const char *w, size_t len, uint64_t *key,
                       int *ordinary);

#endif
