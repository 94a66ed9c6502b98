/* support_spawn.c: background processes for the end-to-end tests, killed and reaped at the end. */
#define _GNU_SOURCE
#include "support_spawn.h"

#include "support_proc.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_PROCS 64

struct support_proc {
    pid_t pid;
    int reaped, status;
    char out_path[4096], err_path[4096];
    char *out, *err, *line; /* last reads, owned */
};

/* The live handles of this process (Criterion runs each test in its own forked child). */
static support_proc *live[MAX_PROCS];
static pid_t live_owner;

void support_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

long long support_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* reap: SIGKILL unless reaped, then waitpid; records the status. */
static void reap(support_proc *p)
{
    if (p->reaped || p->pid <= 0) return;
    kill(p->pid, SIGKILL);
    int st = 0;
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
    }
    p->reaped = 1;
    p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void kill_all(void)
{
    if (live_owner != getpid()) return;
    for (int i = 0; i < MAX_PROCS; i++)
        if (live[i]) reap(live[i]);
}

static void track(support_proc *p, int add)
{
    if (live_owner != getpid()) {
        memset(live, 0, sizeof live);
        if (!live_owner) atexit(kill_all); /* after support_tmpdir's: runs before it */
        live_owner = getpid();
    }
    for (int i = 0; i < MAX_PROCS; i++) {
        if (add ? live[i] != NULL : live[i] != p) continue;
        live[i] = add ? p : NULL;
        return;
    }
    cr_assert(!add, "more than %d processes at once", MAX_PROCS);
}

/* child: stdio redirected, dies with the test process, then exec. */
static void child(char *const argv[], char *const envp[], pid_t parent, const support_proc *p)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int in = open("/dev/null", O_RDONLY);
    int out = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    signal(SIGPIPE, SIG_DFL);
    execve(argv[0], argv, envp ? envp : environ);
    _exit(127);
}

support_proc *support_spawn(char *const argv[], char *const envp[])
{
    static int seq;
    support_proc *p = calloc(1, sizeof *p);
    cr_assert_not_null(p);
    const char *dir = support_tmpdir();
    seq++;
    snprintf(p->out_path, sizeof p->out_path, "%s/proc-%d.out", dir, seq);
    snprintf(p->err_path, sizeof p->err_path, "%s/proc-%d.err", dir, seq);
    track(p, 1);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) child(argv, envp, parent, p);
    if (pid < 0) {
        track(p, 0);
        free(p);
    }
    cr_assert_gt(pid, 0, "fork failed: %s", strerror(errno));
    p->pid = pid;
    return p;
}

pid_t support_proc_pid(const support_proc *p)
{
    return p->pid;
}

int support_proc_signal(support_proc *p, int sig)
{
    return p->reaped ? -1 : kill(p->pid, sig);
}

int support_proc_wait(support_proc *p, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    while (!p->reaped) {
        int st = 0;
        pid_t r = waitpid(p->pid, &st, WNOHANG);
        if (r == p->pid) {
            p->reaped = 1;
            p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        } else if (r < 0 && errno != EINTR) {
            return -1;
        } else if (support_now_ms() >= end) {
            return -1;
        } else {
            support_sleep_ms(10);
        }
    }
    return p->status;
}

/* slurp: the whole file into *buf (replacing the previous read); "" when unreadable. */
static const char *slurp(const char *path, char **buf)
{
    free(*buf);
    *buf = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
            *buf = realloc(*buf, len + n + 1);
            cr_assert_not_null(*buf);
            memcpy(*buf + len, tmp, n);
            len += n;
        }
        fclose(f);
    }
    if (!*buf) *buf = calloc(1, 1);
    cr_assert_not_null(*buf);
    (*buf)[len] = '\0';
    return *buf;
}

const char *support_proc_stdout(support_proc *p)
{
    return slurp(p->out_path, &p->out);
}

const char *support_proc_stderr(support_proc *p)
{
    return slurp(p->err_path, &p->err);
}

/* find_line: a copy of the first complete line of text containing needle, or NULL. */
static char *find_line(const char *text, const char *needle)
{
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        if (!nl) return NULL; /* a line still being written */
        const char *hit = strstr(s, needle);
        if (hit && hit < nl) return strndup(s, (size_t)(nl - s));
        s = nl + 1;
    }
    return NULL;
}

const char *support_proc_wait_line(support_proc *p, const char *needle, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    free(p->line);
    p->line = NULL;
    for (;;) {
        int ended = support_proc_wait(p, 0) >= 0; /* before reading: no line lost at exit */
        p->line = find_line(support_proc_stderr(p), needle);
        if (p->line || ended || support_now_ms() >= end) return p->line;
        support_sleep_ms(20);
    }
}

int support_proc_stop(support_proc *p, int timeout_ms)
{
    support_proc_signal(p, SIGTERM);
    int st = support_proc_wait(p, timeout_ms);
    if (st != 0) cr_log_warn("stderr of the stopped process:\n%.4000s", support_proc_stderr(p));
    support_proc_free(p);
    return st;
}

void support_proc_free(support_proc *p)
{
    if (!p) return;
    reap(p);
    track(p, 0);
    free(p->out);
    free(p->err);
    free(p->line);
    free(p);
}

int support_wait_file(const char *path, int timeout_ms)
{
    long long end = support_now_ms() + timeout_ms;
    struct stat st;
    while (stat(path, &st) != 0) {
        if (support_now_ms() >= end) return 0;
        support_sleep_ms(20);
    }
    return 1;
}

char *const *support_env(const char *const *extra)
{
    static char *env[1024];
    size_t n = 0;
    for (char **e = environ; *e && n < 1000; e++)
        if (strncmp(*e, "NEWS_INGEST_", 12)) env[n++] = *e;
    for (size_t i = 0; extra && extra[i] && n < 1023; i++) env[n++] = (char *)extra[i];
    env[n] = NULL;
    return env;
}
