/* eval_seeds.c: PLACEHOLDER (replaced by the evaluation work). */
#include "eval.h"

#include <stdio.h>

int eval_seeds(const char *shared_dir, int verbose)
{
    printf("seeds: not implemented yet\n");
    return 0;
}
