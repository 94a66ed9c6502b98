/* support_spawn.h: background processes for the end-to-end tests (the broker helper, the worker,
 * kcat): start, signal, wait with a timeout, read their output; never left behind. */
#ifndef NI_TEST_SUPPORT_SPAWN_H
#define NI_TEST_SUPPORT_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct support_proc support_proc;

/* support_spawn: starts argv (argv[0] a path, NULL-terminated) in the background with stdin
 * /dev/null, stdout and stderr to files in support_tmpdir(); envp NULL = this process's
 * environment. The child gets SIGKILL when the test process dies (even by a Criterion timeout);
 * a live child is also killed and reaped at exit() and by support_proc_free. Aborts the test when
 * the process cannot be started. Free with support_proc_free. */
support_proc *support_spawn(char *const argv[], char *const envp[]);

/* support_proc_pid: the child's process id. */
pid_t support_proc_pid(const support_proc *p);

/* support_proc_signal: sends sig to the child unless it was already reaped; 0 or -1. */
int support_proc_signal(support_proc *p, int sig);

/* support_proc_wait: waits up to timeout_ms for the child to end; its exit status, or 128 +
 * signal number when killed, or -1 on timeout (the child keeps running). Later calls return the
 * same status. */
int support_proc_wait(support_proc *p, int timeout_ms);

/* support_proc_stdout, support_proc_stderr: everything the child wrote so far, NUL-terminated;
 * owned by the handle and valid until the next call of either on p or support_proc_free. */
const char *support_proc_stdout(support_proc *p);
const char *support_proc_stderr(support_proc *p);

/* support_proc_wait_line: waits up to timeout_ms for a stderr line containing needle; a copy of
 * the first such line (without its newline, owned by the handle, valid until the next call on
 * p), or NULL on timeout or when the child ended without writing it. */
const char *support_proc_wait_line(support_proc *p, const char *needle, int timeout_ms);

/* support_proc_stop: SIGTERM, then the exit status within timeout_ms (-1 if none: the child is
 * killed then); its stderr is logged when the status is not 0. Frees p. */
int support_proc_stop(support_proc *p, int timeout_ms);

/* support_proc_free: SIGKILL when still running, reap, forget; NULL is a no-op. */
void support_proc_free(support_proc *p);

/* support_wait_file: waits up to timeout_ms for path to exist; 1 when it does, else 0. */
int support_wait_file(const char *path, int timeout_ms);

/* support_env: this process's environment without the NEWS_INGEST_* variables, plus extra (a
 * NULL-terminated list of "NAME=value", may be NULL); a static array valid until the next call. */
char *const *support_env(const char *const *extra);

/* support_sleep_ms: sleeps ms milliseconds. support_now_ms: a monotonic clock in ms. */
void support_sleep_ms(int ms);
long long support_now_ms(void);

#endif
