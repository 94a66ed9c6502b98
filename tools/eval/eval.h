/* eval.h: the accuracy evaluation (news-ingest-eval): seeds, AEB and Readability test pages. */
#ifndef NI_EVAL_H
#define NI_EVAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Each evaluator prints its table on stdout, returns 0 or 1 on a setup failure (missing data). */
int eval_seeds(const char *shared_dir, int verbose);
int eval_aeb(const char *shared_dir, int verbose);
int eval_readability(const char *shared_dir, int verbose);
int eval_ner(const char *shared_dir, int verbose); /* ANERcorp test split, tagger speed */
/* fundus pages (HTML and text renderings), two folds of publishers; trafilatura's output from
 * eval_peer_dir scored beside ours when present. */
int eval_fundus(const char *shared_dir, int verbose);

/* eval_peer_dir: the folder tools/eval/peer_trafilatura.py wrote (--peer), or NULL. */
extern const char *eval_peer_dir;

/* Shingle/token matching counts of one page. */
typedef struct eval_counts {
    double tp, fp, fn;
} eval_counts;

/* eval_shingles: AEB's published metric for one page: tokens are runs of Unicode word characters
 * (letters, digits, underscore), 4-gram shingles counted as multisets, tp/fp/fn normalized to sum
 * to 1 (both empty: all 0). */
eval_counts eval_shingles(const char *truth, const char *pred, int n);

/* Averaging as AEB does: mean precision over pages with tp+fp>0, mean recall over pages with
 * tp+fn>0, F1 of the two means. */
typedef struct eval_prf {
    double precision, recall, f1;
} eval_prf;
eval_prf eval_prf_mean(const eval_counts *pages, size_t n);

/* eval_token_f1: bag-of-words F1 between two texts (tokens as above). */
double eval_token_f1(const char *truth, const char *pred);

/* eval_read_gz: reads a (possibly gzip-compressed) file; caller frees; NULL on failure. */
char *eval_read_gz(const char *path, size_t *len);

/* Document-level entity counts of one or more seed records (see eval_entities_score). */
typedef struct eval_ent_counts {
    int gold, found_typed, found_any; /* gold entities; found with the same type; with any type */
    int predicted;                    /* record entities of type PER, ORG, LOC or MISC */
    int correct;                      /* matching a gold entity of the same type */
    int wrong_type; /* matching only a gold entity of another type: wrong typed, right untyped */
    int neutral;    /* matching a neutral name only: not counted either way */
    int wrong;      /* matching nothing */
    int chrome;     /* matching a chrome-only name (target 0); wrong as well */
} eval_ent_counts;

/* eval_entities_score: adds one record's counts to *c. A record entity matches a gold entity when
 * its name, names.ar/en or a mention text equals one of the gold names after search-text
 * normalization (hamza, taa marbuta, diacritics, case) and without a leading ال. Precision judges
 * in this order: same-type gold, chrome-only, other-type gold, neutral, else wrong. With verbose,
 * prints misses and false positives. */
void eval_entities_score(const cJSON *gold, const cJSON *rec, eval_ent_counts *c, int verbose);
void eval_entities_add(eval_ent_counts *total, const eval_ent_counts *c);
/* eval_entities_header / _row: the table (recall over gold; precision typed = correct / (correct
 * + wrong type + wrong + chrome), untyped counts wrong type as right). */
void eval_entities_header(void);
void eval_entities_row(const char *name, const eval_ent_counts *c);

#endif
