/* tagger_internal.h: what the tagger's files share: word analysis, feature keys, the weight table,
 * Viterbi decoding, span scoring and the training options (not public). */
#ifndef NI_ENTITIES_TAGGER_INTERNAL_H
#define NI_ENTITIES_TAGGER_INTERNAL_H

#include "entities/ner.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- word analysis and features (tagger_feat.c) ----------------------------------------- */

/* Hashes of one word's forms (FNV-1a of the UTF-8 bytes). */
enum {
    NER_H_RAW,  /* as written, without format and control characters */
    NER_H_NORM, /* normalized: no marks/tatweel/format chars, alef/ya/ta marbuta unified */
    NER_H_STEM, /* normalized with proclitics (و ف, then ب ك ل + ال, or ال) removed */
    NER_H_PRE1, /* first 1..4 code points of the normalized form */
    NER_H_SUF1 = NER_H_PRE1 + 4,  /* last 1..4 code points */
    NER_H_SHAPE = NER_H_SUF1 + 4, /* letter/digit class runs */
    NER_H_LSTEM, /* the stem, or without a bare [وف]?[بكل]? when it has no ال */
    NER_H_SPRE2, /* first 2 and 3 code points of the stem */
    NER_H_SPRE3,
    NER_H_COUNT
};

/* Trigger classes (ner_word.trigger): the next or the same word is often a name of this class. */
enum { NER_TRIG_PER = 1, NER_TRIG_ORG, NER_TRIG_LOC, NER_TRIG_SAY };

/* One analyzed word. */
typedef struct ner_word {
    uint64_t h[NER_H_COUNT];
    uint8_t len;     /* normalized length bucket */
    uint8_t trigger; /* NER_TRIG_* class of the stem, 0 when none */
    uint8_t clitics; /* NER_CLITIC_* bits removed for the stem */
    uint8_t gaz;     /* NER_GAZ_* hints */
    uint8_t lex;     /* NER_LEX_TYPE | NER_LEX_SURE | NER_LEX_BEGIN of a lexicon match, 0 none */
    uint16_t cl;     /* word cluster: 0 no cluster table, NER_CL_UNKNOWN, or NER_CL_KNOWN | path */
    uint8_t al;      /* 1 + the share (0..15) of the form's occurrences in unlabelled text written
                        with the article ال; 0 when unknown */
    uint8_t gzl; /* gazetteer lists of its longest match: NER_GAZ_PER/ORG/LOC bits, NER_LEX_BEGIN
                    on the first word, NER_GZL_MULTI when it has several words; 0 none */
} ner_word;

/* ner_mix64: the splitmix64 finalizer (hash mixing for keys). */
uint64_t ner_mix64(uint64_t x);

#define NER_MAX_FEATS 64
#define NER_KEY_MASK 0xffffffffffffULL /* feature keys are 48-bit hashes */

/* ner_word_analyze: fills *out for the UTF-8 word w[0..len) (ill-formed bytes are tolerated). */
void ner_word_analyze(const char *w, size_t len, unsigned gaz, ner_word *out);
/* ner_features: the feature keys of position i of ws[0..n) into keys (NER_MAX_FEATS); count. */
size_t ner_features(const ner_word *ws, size_t n, size_t i, uint64_t *keys);
/* ner_bias_key: the key of the feature every position has. */
uint64_t ner_bias_key(void);

/* The lexicon: names (word sequences) seen as entities in training, with their usual type and how
 * sure that is. Keys chain the words' hashes (ner_lex_key); a value holds the type (1..4 = PER ORG
 * LOC MISC, 0 = only a prefix of longer names), NER_LEX_PREFIX when longer names continue it, and
 * the share of the sequence's occurrences that were that entity (NER_LEX_SURE, 2 bits). */
enum {
    NER_LEX_TYPE = 7,
    NER_LEX_SURE = 3 << 3,
    NER_LEX_SURE_SHIFT = 3,
    NER_LEX_BEGIN = 1 << 5, /* in ner_word.lex: the first word of the match */
    NER_LEX_PREFIX = 1 << 6,
};
#define NER_LEX_MAX_WORDS 8

typedef struct ner_lex {
    uint64_t *keys;
    uint8_t *val; /* 0 = empty slot */
    size_t mask, n, cap;
} ner_lex;

/* ner_lex_init: an empty lexicon with room for n keys; NI_OK or NI_ERR_NOMEM. */
int ner_lex_init(ner_lex *x, size_t n);
/* ner_lex_free: frees x's tables, leaves it empty (a zeroed ner_lex is empty). */
void ner_lex_free(ner_lex *x);
/* ner_lex_put: ORs val (nonzero) into key's value; NI_ERR_NOMEM when full. */
int ner_lex_put(ner_lex *x, uint64_t key, uint8_t val);
/* ner_lex_get: the value of key, 0 when absent. */
uint8_t ner_lex_get(const ner_lex *x, uint64_t key);
/* ner_lex_key: the key of a sequence extended by w (first: w starts it; prev ignored). */
uint64_t ner_lex_key(uint64_t prev, const ner_word *w, int first);
/* ner_lex_longest: the word count of the longest table name starting at ws[i] (at most
 * NER_LEX_MAX_WORDS, within ws[0..n)), its value in *val; 0 (and *val 0) when none. */
size_t ner_lex_longest(const ner_lex *x, const ner_word *ws, size_t i, size_t n, uint8_t *val);
/* ner_lex_mark: sets ws[].lex from the longest lexicon names, left to right, non-overlapping. */
void ner_lex_mark(const ner_lex *x, ner_word *ws, size_t n);

/* Word clusters (tagger_clusters.c): a bit-string path of NER_CL_BITS bits per word form (the
 * light stem's hash, NER_H_LSTEM), learned from unlabelled text by `news-ingest train-clusters`;
 * the tagger's features use prefixes of the path (NER_CL_PREFIXES). */
#define NER_CL_BITS 10
#define NER_CL_KNOWN 0x8000u
#define NER_CL_UNKNOWN 1u
#define NER_CL_PATH 0x3FFu /* the path bits of a value */
#define NER_CL_AL_SHIFT 10 /* then 4 bits: the share of its occurrences written with ال, 0..15 */
/* A word written with the article in more than NER_ORDINARY_LO and at most NER_ORDINARY_HI
 * fifteenths of its occurrences in unlabelled text is an ordinary word (tagger.c). */
#ifndef NER_ORDINARY_LO
#define NER_ORDINARY_LO 1
#endif
#ifndef NER_ORDINARY_HI
#define NER_ORDINARY_HI 13
#endif

typedef struct ner_clusters {
    uint64_t *keys;
    uint16_t *val; /* 0 = empty slot, else NER_CL_KNOWN | al << NER_CL_AL_SHIFT | path */
    size_t mask, n, cap;
} ner_clusters;

/* ner_clusters_init: an empty table with room for n words; NI_OK or NI_ERR_NOMEM. */
int ner_clusters_init(ner_clusters *x, size_t n);
/* ner_clusters_free: frees x's tables, leaves it empty (a zeroed table is empty). */
void ner_clusters_free(ner_clusters *x);
/* ner_clusters_put: sets key's path (< 2^NER_CL_BITS) and ال share (0..15); NI_ERR_NOMEM when
 * full, NI_ERR_INVALID for a duplicate key or a value out of range. */
int ner_clusters_put(ner_clusters *x, uint64_t key, unsigned path, unsigned al);
/* ner_clusters_get: key's value (NER_CL_KNOWN | ...); NER_CL_UNKNOWN when absent; 0 when x is
 * empty. */
uint16_t ner_clusters_get(const ner_clusters *x, uint64_t key);
/* ner_clusters_mark: sets ws[].cl and ws[].al from x. */
void ner_clusters_mark(const ner_clusters *x, ner_word *ws, size_t n);
/* ner_clusters_read: the clusters file at path (format in tagger_clusters.c, checksum verified)
 * into *x (emptied first). NI_OK, NI_ERR_IO / NI_ERR_PARSE naming the file and line, or
 * NI_ERR_NOMEM; *x is empty on error. */
int ner_clusters_read(const char *path, ner_clusters *x, char *errstr, size_t errlen);

/* Gazetteers (tagger_gaz.c): outside name lists as a ner_lex whose values are list bits. */
#define NER_GZL_MULTI 8

/* ner_gaz_build: the gazetteer table from the lists under dir (../shared/data/arabic: nerar/
 * dico-mono-{PERS,ORG,LOC}.norm and world-cities.csv) into *x (emptied first). NI_OK, NI_ERR_IO
 * naming the file, or NI_ERR_NOMEM; *x is empty on error. */
int ner_gaz_build(const char *dir, ner_lex *x, char *errstr, size_t errlen);
/* ner_gaz_mark: sets ws[].gzl from the longest gazetteer names, left to right. */
void ner_gaz_mark(const ner_lex *x, ner_word *ws, size_t n);

/* ---- the model (tagger.c) ---------------------------------------------------------------- */

/* One slot of the feature table: fp = (key >> 16) | 1 (0 = empty) and the weights inline, so a
 * lookup touches one slot. */
typedef struct ner_slot {
    uint32_t fp;
    int16_t w[NER_NTAGS + 1]; /* the last one is padding (0) */
} ner_slot;

#define NER_MAX_WEIGHT 500 /* |weight| bound: NER_MAX_FEATS (64) features sum within int16 */

struct ner_model {
    ner_slot *slots;
    uint64_t *keys;                          /* key of each used slot (saving, duplicate checks) */
    uint64_t mask;                           /* slots - 1 */
    size_t n, cap;                           /* features added, features room was made for */
    int32_t trans[NER_NTAGS + 1][NER_NTAGS]; /* [prev][cur]; prev NER_NTAGS = sentence start */
    ner_lex lex;                             /* names seen in training (may be empty) */
    ner_clusters cl;                         /* word clusters (may be empty) */
    ner_lex gz;                              /* gazetteer names (may be empty) */
    double conf_scale;                       /* ner_model_tag_conf's temperature */
};

/* ner_model_new: an empty model with room for nfeat features; NULL when out of memory. */
ner_model *ner_model_new(size_t nfeat);
/* ner_model_add: adds feature key with weights w[NER_NTAGS]; NI_OK, NI_ERR_NOMEM when the model
 * is full, NI_ERR_INVALID for a duplicate key or a weight beyond NER_MAX_WEIGHT. */
int ner_model_add(ner_model *m, uint64_t key, const int32_t *w);
/* ner_model_save: writes m to path (text format, see tagger_io.c). NI_OK or NI_ERR_IO. */
int ner_model_save(const ner_model *m, const char *path, char *errstr, size_t errlen);
/* ner_tag_allowed: 0 when cur may not follow prev under BIO (prev NER_NTAGS = start). */
int ner_tag_allowed(int prev, int cur);
/* ner_viterbi: best allowed tag sequence for emission scores e[n][NER_NTAGS] and trans; back is
 * scratch of n * NER_NTAGS bytes. */
void ner_viterbi(const int64_t *e, size_t n, const int32_t trans[NER_NTAGS + 1][NER_NTAGS],
                 uint8_t *back, ner_tag *tags);

/* ---- spans (tags.c) --------------------------------------------------------------------- */

/* Exact-span counts, CoNLL (conlleval) chunking: [0] all types, [1..4] PER ORG LOC MISC. */
typedef struct ner_span_counts {
    size_t tp[5], fp[5], fn[5];
} ner_span_counts;

/* ner_spans_score: adds the counts of one sentence's predicted vs gold tags to c. */
void ner_spans_score(const ner_tag *gold, const ner_tag *pred, size_t n, ner_span_counts *c);
/* ner_span_f1: precision, recall, F1 (0 when undefined) of type k. */
void ner_span_prf(const ner_span_counts *c, int k, double *p, double *r, double *f1);

/* ---- training (tagger_train.c) ---------------------------------------------------------- */

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

/* ner_train_run: ner_model_train with every option. */
int ner_train_run(const char *conll_path, const ner_train_opts *o, const char *out_path,
                  char *errstr, size_t errlen);

#endif
