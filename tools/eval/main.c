/* main.c: news-ingest-eval entry point: `news-ingest-eval [-v] [--peer DIR]
 * all|seeds|aeb|readability|ner|fundus SHARED`.
 */
#include "eval.h"

#include <stdio.h>
#include <string.h>

const char *eval_peer_dir = NULL;

int main(int argc, char **argv)
{
    int verbose = 0, i = 1;
    for (;;) {
        if (i < argc && !strcmp(argv[i], "-v"))
            verbose = 1, i++;
        else if (i + 1 < argc && !strcmp(argv[i], "--peer"))
            eval_peer_dir = argv[i + 1], i += 2;
        else
            break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: news-ingest-eval [-v] [--peer DIR] "
                        "all|seeds|aeb|readability|ner|fundus SHARED_DIR\n");
        return 2;
    }
    const char *what = argv[i], *dir = argv[i + 1];
    int all = !strcmp(what, "all"), rc = 0;
    if (all || !strcmp(what, "seeds")) rc |= eval_seeds(dir, verbose);
    if (all || !strcmp(what, "aeb")) rc |= eval_aeb(dir, verbose);
    if (all || !strcmp(what, "readability")) rc |= eval_readability(dir, verbose);
    if (all || !strcmp(what, "ner")) rc |= eval_ner(dir, verbose);
    if (all || !strcmp(what, "fundus")) rc |= eval_fundus(dir, verbose);
    return rc;
}
