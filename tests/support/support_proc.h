/* support_proc.h: test helpers that run processes: the built CLI and the schema validator. */
#ifndef NI_TEST_SUPPORT_PROC_H
#define NI_TEST_SUPPORT_PROC_H

#include <stddef.h>

/* What a finished child process produced. */
typedef struct support_run_result {
    int status; /* exit status, or 128 + signal number when killed */
    char *out;  /* stdout, NUL-terminated */
    size_t out_len;
    char *err; /* stderr, NUL-terminated */
    size_t err_len;
} support_run_result;

/* support_run: runs argv (argv[0] a path, NULL-terminated), feeding in[0..in_len) on stdin (in
 * NULL = empty stdin); when stderr_tty is set the child's stderr is a pseudo-terminal. Fills *r
 * (free with support_run_result_free); aborts the test when the process cannot be started. */
void support_run(char *const argv[], const char *in, size_t in_len, int stderr_tty,
                 support_run_result *r);
/* support_run_result_free: frees out/err; NULL-safe. */
void support_run_result_free(support_run_result *r);

/* support_cli: path of the built news-ingest executable (NI_BUILD_DIR/news-ingest). */
const char *support_cli(void);

/* support_schema_check: validates one record (single-line JSON) against
 * schema/news.article-1.schema.json with the Python validator (started once per test process).
 * Returns NULL when valid, else the validator's "error: ..." line (static buffer). Aborts the test
 * when the validator cannot run. */
const char *support_schema_check(const char *json);
/* support_schema_assert: asserts that json is a schema-valid record. */
void support_schema_assert(const char *json);

/* support_tmpdir: a fresh private directory for this test process (removed at exit); static. */
const char *support_tmpdir(void);
/* support_write: writes len bytes to "<support_tmpdir()>/<name>"; returns the path (static
 * buffer, overwritten by the next call); aborts the test on failure. */
const char *support_write(const char *name, const void *data, size_t len);

#endif
