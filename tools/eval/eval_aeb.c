/* eval_aeb.c: PLACEHOLDER (replaced by the evaluation work). */
#include "eval.h"

#include <stdio.h>

int eval_aeb(const char *shared_dir, int verbose)
{
    printf("aeb: not implemented yet\n");
    return 0;
}
