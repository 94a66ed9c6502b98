/* test_util.c: unit tests of the util module (sbuf, file reading, error reasons). */
#include "util/err.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(sbuf, appends_and_steals)
{
    sbuf b = SBUF_INIT;
    cr_assert_eq(sbuf_append_str(&b, "abc"), NI_OK);
    cr_assert_eq(sbuf_printf(&b, "-%d-", 42), NI_OK);
    for (int i = 0; i < 1000; i++) sbuf_append_char(&b, 'x');
    cr_assert_eq(b.len, 3 + 4 + 1000);
    char *s = sbuf_steal(&b);
    cr_assert_eq(strncmp(s, "abc-42-x", 8), 0);
    cr_assert_null(b.data);
    free(s);
}

Test(sbuf, steal_of_empty_is_empty_string)
{
    sbuf b = SBUF_INIT;
    char *s = sbuf_steal(&b);
    cr_assert_str_eq(s, "");
    free(s);
}

Test(util_file_read, missing_file_is_io_error)
{
    char *out = NULL, err[128] = "";
    size_t len = 0;
    cr_assert_eq(util_file_read("/nonexistent/x", 0, &out, &len, err, sizeof err), NI_ERR_IO);
    cr_assert_null(out);
    cr_assert_neq(err[0], '\0');
}

Test(util_file_read, limit_gives_too_large)
{
    char *out = NULL, err[128] = "";
    size_t len = 0;
    cr_assert_eq(util_file_read("/etc/services", 16, &out, &len, err, sizeof err),
                 NI_ERR_TOO_LARGE);
    cr_assert_str_eq(ni_err_reason(NI_ERR_TOO_LARGE), "too_large");
}
