/* eval.h: the accuracy evaluation (news-ingest-eval): seeds, AEB and Readability test pages. */
#ifndef NI_EVAL_H
#define NI_EVAL_H

#include <stddef.h>

/* Each evaluator prints its table on stdout, returns 0 or 1 on a setup failure (missing data). */
int eval_seeds(const char *shared_dir, int verbose);
int eval_aeb(const char *shared_dir, int verbose);
int eval_readability(const char *shared_dir, int verbose);
int eval_ner(const char *shared_dir, int verbose); /* ANERcorp test split, tagger speed */

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

#endif
