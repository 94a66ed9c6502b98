/* fuzz_html.c: libFuzzer target for HTML pages: the whole pipeline_process with type HTML. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_pipeline(data, size, PAGE_TYPE_HTML);
}
