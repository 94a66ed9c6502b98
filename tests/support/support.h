/* support.h: helpers shared by the Criterion tests (paths to the source tree and fixtures). */
#ifndef NI_TEST_SUPPORT_H
#define NI_TEST_SUPPORT_H

#include <stddef.h>

/* support_path: "<NI_SOURCE_DIR>/<rel>" in a static buffer (tests run with NI_SOURCE_DIR set). */
const char *support_path(const char *rel);
/* support_shared_path: "<NI_SHARED_DIR>/<rel>" (the read-only ../shared data); skips the test
 * (Criterion's skip, with the reason) when the shared folder is absent. */
const char *support_shared_path(const char *rel);
/* support_read: whole file, NUL-terminated, caller frees; aborts the test on failure. */
char *support_read(const char *path, size_t *len);

#endif
