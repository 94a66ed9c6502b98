/* ner.h: entity annotation building blocks: tokens, the statistical tagger, the knowledge base. */
#ifndef NI_ENTITIES_NER_H
#define NI_ENTITIES_NER_H

#include <stddef.h>
#include <stdint.h>

/* ---- tokens (tokens.c) ------------------------------------------------------------------ */

/* One word of a text field (ICU word break), with Arabic clitics split off: text/len are the
 * bytes of the word without its proclitics (و ف ب ل ك ال, when they are not part of the word),
 * start/end are Unicode code point offsets of that span in the field. */
typedef struct ner_token {
    const char *text; /* points into the field (not NUL-terminated) */
    size_t len;
    size_t start, end;   /* code points, [start, end) */
    const char *surface; /* the whole word with its clitics, in the field */
    size_t surface_len;
    char *norm;         /* normalized form (search_text conventions, clitics removed); owned */
    unsigned prefixes;  /* NER_CLITIC_* bits split off */
    int sentence_start; /* 1 when the token begins a sentence */
} ner_token;

enum {
    NER_CLITIC_WA = 1u << 0, /* و */
    NER_CLITIC_FA = 1u << 1, /* ف */
    NER_CLITIC_BI = 1u << 2, /* ب */
    NER_CLITIC_LI = 1u << 3, /* ل */
    NER_CLITIC_KA = 1u << 4, /* ك */
    NER_CLITIC_AL = 1u << 5, /* ال */
};

typedef struct ner_tokens {
    ner_token *v;
    size_t n, cap;
} ner_tokens;

/* ner_tokenize: appends the words of text[0..len) (UTF-8) to out (punctuation and spaces are
 * not tokens; numbers are). NI_OK, or NI_ERR_NOMEM / NI_ERR_CHARSET with errstr filled. */
int ner_tokenize(const char *text, size_t len, ner_tokens *out, char *errstr, size_t errlen);
/* ner_tokens_free: NULL-safe; leaves *t empty. */
void ner_tokens_free(ner_tokens *t);

/* ---- tags ------------------------------------------------------------------------------- */

typedef enum ner_tag {
    NER_O,
    NER_B_PER,
    NER_I_PER,
    NER_B_ORG,
    NER_I_ORG,
    NER_B_LOC,
    NER_I_LOC,
    NER_B_MISC,
    NER_I_MISC,
    NER_NTAGS
} ner_tag;

/* ner_tag_name: "O", "B-PER", ...; ner_tag_parse: the reverse, PERS accepted as PER; -1 when
 * unknown. */
const char *ner_tag_name(ner_tag t);
int ner_tag_parse(const char *s, size_t len);

/* ---- statistical tagger (tagger.c) ------------------------------------------------------ */

typedef struct ner_model ner_model;

/* ner_model_load: reads a model file written by ner_model_train. NULL with errstr naming the
 * file (and line or byte offset) on a missing or malformed file. */
ner_model *ner_model_load(const char *path, char *errstr, size_t errlen);
/* ner_model_destroy: NULL is a no-op. */
void ner_model_destroy(ner_model *m);

/* ner_model_tag: BIO tags for one sentence of words (UTF-8, as written: clitics attached);
 * gaz[i] (may be NULL) are knowledge-base hints per word (NER_GAZ_* bits). The model is
 * read-only: threads may share it. NI_OK, or NI_ERR_NOMEM. */
int ner_model_tag(const ner_model *m, const char *const *words, const size_t *lens, size_t n,
                  const unsigned *gaz, ner_tag *tags, char *errstr, size_t errlen);

/* ner_model_tag_conf: ner_model_tag, and with conf non-NULL the confidence of each span of the
 * tags it gives: the probability of exactly that span (type and extent) under the model's scores
 * read as a linear-chain distribution, p(tags) proportional to exp(score / NER_CONF_SCALE)
 * (forward-backward), into conf[i] of each of the span's words, 0 for O words. NI_OK, or
 * NI_ERR_NOMEM with errstr filled. */
int ner_model_tag_conf(const ner_model *m, const char *const *words, const size_t *lens, size_t n,
                       const unsigned *gaz, ner_tag *tags, double *conf, char *errstr,
                       size_t errlen);

/* The temperature of the model's scores (integer weights, 10 per unit) in ner_model_tag_conf,
 * chosen on the held-out folds of train.txt (scripts/ner-calibration.sh, 8,605 spans): log loss
 * 2.28 at 10, 1.00 at 60, 0.73 at 120, 0.705 at 150, 0.707 at 170, 0.73 at 200; calibration
 * error 0.04 at 150. */
#define NER_CONF_SCALE 150.0

/* ner_model_set_conf_scale: another temperature for m (> 0; for calibration runs only). */
void ner_model_set_conf_scale(ner_model *m, double scale);

/* ---- document consistency (tagger_doc.c) ------------------------------------------------- */

/* Sentences either side within which a name the model tagged stands for the same words left
 * untagged, where the text's article boundaries are unknown (a CoNLL stream). Chosen by 5-fold
 * cross-validation on train.txt (held-out F1: 2: 0.7281, 3: 0.7295, 5: 0.7329, 10: 0.7322,
 * 20: 0.7302, 40: 0.7258; none: 0.7197). */
#define NER_DOC_WINDOW 5

/* ner_name_key: what ner_tags_propagate compares of a word (UTF-8, as written): a hash of its
 * normalized form with its length (capped at 3) in the low two bits, 0 for a word of fewer than
 * two letters (never part of a spread name); *bare gets the same of the form without a leading
 * و ف ب ل ك (a found name also stands for the word with one attached), 0 when it has none. */
uint64_t ner_name_key(const char *w, size_t len, uint64_t *bare);

/* ner_tags_propagate: makes the tags of n words of one document consistent: a name the tags give
 * (B-X I-X ..., and the last word of a two-or-more-word person name) is given, with its type, to
 * the same words where they stand untagged (keys, or bare for the first word) within window
 * sentences either side (0: the whole document), longest names first; a name tagged with several
 * types takes the one most of its occurrences in reach have. keys/bare are ner_name_key's;
 * sentence[i] is word i's sentence number (nondecreasing); a one-word name needs three letters.
 * tags change in place. NI_OK or NI_ERR_NOMEM (tags then unchanged). */
int ner_tags_propagate(const uint64_t *keys, const uint64_t *bare, const size_t *sentence,
                       ner_tag *tags, size_t n, size_t window);

/* ner_model_tag_doc: ner_model_tag for every sentence of a document, then ner_tags_propagate over
 * it. Sentence k is words [sent[k], sent[k + 1]) of words/lens/gaz/tags (gaz may be NULL); the
 * indexes are absolute, so a part of a larger corpus is tagged by passing sent + first. NI_OK, or
 * NI_ERR_NOMEM with errstr filled. */
int ner_model_tag_doc(const ner_model *m, const char *const *words, const size_t *lens,
                      const size_t *sent, size_t nsent, const unsigned *gaz, size_t window,
                      ner_tag *tags, char *errstr, size_t errlen);

/* ner_model_tag_doc_conf: ner_model_tag_doc, and with conf non-NULL each word's span confidence
 * from its sentence's tags before the document consistency step (ner_model_tag_conf; 0 for a
 * word the consistency step tagged). */
int ner_model_tag_doc_conf(const ner_model *m, const char *const *words, const size_t *lens,
                           const size_t *sent, size_t nsent, const unsigned *gaz, size_t window,
                           ner_tag *tags, double *conf, char *errstr, size_t errlen);

/* Knowledge-base hints a tagger feature may use (set by the KB matcher). */
enum {
    NER_GAZ_PER = 1u << 0,
    NER_GAZ_ORG = 1u << 1,
    NER_GAZ_LOC = 1u << 2,
    NER_GAZ_MISC = 1u << 3,
    NER_GAZ_BEGIN = 1u << 4, /* first word of the match */
};

/* The bits of a word's cluster path in a clusters file (models/ner-ar.clusters, written by
 * `news-ingest train-clusters`, read with the model). */
#define NER_CL_BITS 10

#endif
