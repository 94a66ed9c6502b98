/* eval_readability.c: PLACEHOLDER (replaced by the evaluation work). */
#include "eval.h"

#include <stdio.h>

int eval_readability(const char *shared_dir, int verbose)
{
    printf("readability: not implemented yet\n");
    return 0;
}
