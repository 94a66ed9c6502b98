/* support_proc.c: running child processes for the tests (the CLI, the schema validator). */
#define _XOPEN_SOURCE 700
#include "support_proc.h"

#include "support.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void cloexec(int fd)
{
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* pipe_cloexec: a pipe whose ends are not inherited by exec'd children (dup2 copies are). */
static int pipe_cloexec(int fds[2])
{
    if (pipe(fds)) return -1;
    cloexec(fds[0]);
    cloexec(fds[1]);
    return 0;
}

/* open_pty: a pseudo-terminal pair; *master for reading, returns the slave fd (or -1). */
static int open_pty(int *master)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY);
    if (*master < 0 || grantpt(*master) || unlockpt(*master)) return -1;
    const char *name = ptsname(*master);
    int slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    cloexec(*master);
    return slave;
}

static void child(char *const argv[], int in_r, int out_w, int err_w)
{
    dup2(in_r, 0);
    dup2(out_w, 1);
    dup2(err_w, 2);
    execv(argv[0], argv);
    _exit(127);
}

/* pump: moves bytes between the parent's pipe ends until stdout and stderr are closed. */
static void pump(int in_w, const char *in, size_t in_len, int out_r, int err_r, sbuf *out,
                 sbuf *err)
{
    size_t off = 0;
    char buf[65536];
    while (out_r >= 0 || err_r >= 0) {
        struct pollfd p[3] = {{out_r, POLLIN, 0}, {err_r, POLLIN, 0}, {in_w, POLLOUT, 0}};
        if (poll(p, 3, -1) < 0 && errno != EINTR) break;
        if (in_w >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = off < in_len ? write(in_w, in + off, in_len - off) : 0;
            if (n > 0) off += (size_t)n;
            if (n <= 0 || off >= in_len) close(in_w), in_w = -1;
        }
        int *fds[2] = {&out_r, &err_r};
        sbuf *bufs[2] = {out, err};
        for (int i = 0; i < 2; i++) {
            if (*fds[i] < 0 || !(p[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            ssize_t n = read(*fds[i], buf, sizeof buf);
            if (n > 0)
                cr_assert_eq(sbuf_append(bufs[i], buf, (size_t)n), 0);
            else if (n == 0 || errno != EINTR)
                close(*fds[i]), *fds[i] = -1;
        }
    }
    if (in_w >= 0) close(in_w);
}

void support_run(char *const argv[], const char *in, size_t in_len, int stderr_tty,
                 support_run_result *r)
{
    int pin[2], pout[2], perr[2];
    cr_assert_eq(pipe_cloexec(pin), 0);
    cr_assert_eq(pipe_cloexec(pout), 0);
    if (stderr_tty) {
        perr[1] = open_pty(&perr[0]);
        cr_assert_geq(perr[1], 0, "cannot open a pseudo-terminal");
    } else {
        cr_assert_eq(pipe_cloexec(perr), 0);
    }
    signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork failed");
    if (pid == 0) child(argv, pin[0], pout[1], perr[1]);
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    sbuf out = SBUF_INIT, err = SBUF_INIT;
    pump(pin[1], in ? in : "", in ? in_len : 0, pout[0], perr[0], &out, &err);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out_len = out.len;
    r->out = sbuf_steal(&out);
    r->err_len = err.len;
    r->err = sbuf_steal(&err);
}

void support_run_result_free(support_run_result *r)
{
    if (!r) return;
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *support_cli(void)
{
    static char buf[4096];
    const char *b = getenv("NI_BUILD_DIR");
    snprintf(buf, sizeof buf, "%s/news-ingest", b && *b ? b : "build");
    return buf;
}

/* The validator process of this test process. */
static FILE *val_in, *val_out;

static void validator_start(void)
{
    int to[2], from[2];
    cr_assert_eq(pipe_cloexec(to), 0);
    cr_assert_eq(pipe_cloexec(from), 0);
    char script[4096], schema[4096];
    snprintf(script, sizeof script, "%s", support_path("tests/support/validate_record.py"));
    snprintf(schema, sizeof schema, "%s", support_path("schema/news.article-1.schema.json"));
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork failed");
    if (pid == 0) {
        char *argv[] = {"/usr/bin/python3", script, schema, NULL};
        child(argv, to[0], from[1], 2);
    }
    close(to[0]);
    close(from[1]);
    signal(SIGPIPE, SIG_IGN);
    val_in = fdopen(to[1], "w");
    val_out = fdopen(from[0], "r");
    cr_assert(val_in && val_out);
}

const char *support_schema_check(const char *json)
{
    static char answer[4096];
    cr_assert_null(strchr(json, '\n'), "a record must be a single line");
    if (!val_in) validator_start();
    fputs(json, val_in);
    fputc('\n', val_in);
    fflush(val_in);
    cr_assert_not_null(fgets(answer, sizeof answer, val_out),
                       "the schema validator (python3-jsonschema) did not answer");
    answer[strcspn(answer, "\n")] = '\0';
    return strcmp(answer, "ok") ? answer : NULL;
}

void support_schema_assert(const char *json)
{
    const char *e = support_schema_check(json);
    cr_assert_null(e, "record not valid against the schema: %s\nrecord: %.300s", e, json);
}

static char tmpdir[256];

static void tmpdir_remove(void)
{
    char cmd[300];
    if (!tmpdir[0]) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) { /* best effort */
    }
}

const char *support_tmpdir(void)
{
    static pid_t owner;
    if (tmpdir[0] && owner == getpid()) return tmpdir;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ni-test-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp failed");
    if (!owner) atexit(tmpdir_remove);
    owner = getpid();
    return tmpdir;
}

const char *support_write(const char *name, const void *data, size_t len)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", support_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len, "short write to %s", path);
    cr_assert_eq(fclose(f), 0);
    return path;
}
