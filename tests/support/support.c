/* support.c: path and file helpers for the tests. */
#include "support.h"

#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

const char *support_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", env_or("NI_SOURCE_DIR", "."), rel);
    return buf;
}

const char *support_shared_path(const char *rel)
{
    static char buf[4096];
    const char *dir = env_or("NI_SHARED_DIR", "../shared");
    snprintf(buf, sizeof buf, "%s/README.md", dir);
    if (access(buf, R_OK) != 0) cr_skip_test("needs the shared data (%s), which is absent", dir);
    snprintf(buf, sizeof buf, "%s/%s", dir, rel);
    return buf;
}

char *support_read(const char *path, size_t *len)
{
    char *out = NULL, err[256];
    size_t n = 0;
    int rc = util_file_read(path, 0, &out, &n, err, sizeof err);
    cr_assert_eq(rc, 0, "reading %s: %s", path, err);
    if (len) *len = n;
    return out;
}
