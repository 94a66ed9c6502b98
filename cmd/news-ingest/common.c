/* common.c: what several commands share: signal flag, bootstrap file. */
#include "cmd.h"

#include "util/err.h"

#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1; /* only a flag: the loops check it */
}

volatile sig_atomic_t *cmd_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return &stop;
}

int cmd_bootstrap_file_write(const char *path, const char *list)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return NI_ERR_IO;
    FILE *f = fopen(tmp, "w");
    if (!f) return NI_ERR_IO;
    int ok = fprintf(f, "%s\n", list) > 0;
    ok = !fclose(f) && ok;
    if (!ok || rename(tmp, path)) {
        remove(tmp);
        return NI_ERR_IO;
    }
    return NI_OK;
}
