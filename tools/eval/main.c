/* main.c: news-ingest-eval entry point: `news-ingest-eval [-v] all|seeds|aeb|readability|ner
 * SHARED`.
 */
#include "eval.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int verbose = 0, i = 1;
    if (i < argc && !strcmp(argv[i], "-v")) verbose = 1, i++;
    if (argc - i != 2) {
        fprintf(stderr, "usage: news-ingest-eval [-v] all|seeds|aeb|readability|ner SHARED_DIR\n");
        return 2;
    }
    const char *what = argv[i], *dir = argv[i + 1];
    int all = !strcmp(what, "all"), rc = 0;
    if (all || !strcmp(what, "seeds")) rc |= eval_seeds(dir, verbose);
    if (all || !strcmp(what, "aeb")) rc |= eval_aeb(dir, verbose);
    if (all || !strcmp(what, "readability")) rc |= eval_readability(dir, verbose);
    if (all || !strcmp(what, "ner")) rc |= eval_ner(dir, verbose);
    return rc;
}
