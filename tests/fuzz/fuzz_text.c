/* fuzz_text.c: libFuzzer target for text pages: page_decode + extract_text + normalize + record
 * through pipeline_process with type TEXT. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_pipeline(data, size, PAGE_TYPE_TEXT);
}
