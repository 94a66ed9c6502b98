/* support_http.c: starts and reads the HTTP fixture server for the fetch tests. */
#include "support_http.h"

#include "support.h"
#include "support_proc.h"
#include "support_spawn.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static support_proc *server;
static int port, tls_port;
static char log_path[512];

int support_http_start(int hosts)
{
    return support_http_start_tls(hosts, NULL, NULL);
}

int support_http_start_tls(int hosts, const char *cert, const char *key)
{
    char root[512], port_file[512], script[512], nhosts[16];
    snprintf(root, sizeof root, "%s", support_path("examples"));
    snprintf(script, sizeof script, "%s", support_path("tests/support/http_fixture.py"));
    snprintf(log_path, sizeof log_path, "%s/http.log", support_tmpdir());
    snprintf(port_file, sizeof port_file, "%s/http.port", support_tmpdir());
    snprintf(nhosts, sizeof nhosts, "%d", hosts);
    char *argv[16] = {"/usr/bin/python3", script,    "--root",  root,   "--log", log_path,
                      "--port-file",      port_file, "--hosts", nhosts, NULL};
    if (cert) {
        argv[10] = "--tls-cert", argv[11] = (char *)cert;
        argv[12] = "--tls-key", argv[13] = (char *)key, argv[14] = NULL;
    }
    server = support_spawn(argv, NULL);
    cr_assert(support_wait_file(port_file, 30000), "the HTTP fixture did not start: %s",
              support_proc_stderr(server));
    char *s = support_read(port_file, NULL);
    port = atoi(s);
    const char *nl = strchr(s, '\n');
    tls_port = nl ? atoi(nl + 1) : 0;
    free(s);
    cr_assert_gt(port, 0);
    return port;
}

void support_http_stop(void)
{
    support_proc_signal(server, SIGTERM);
    support_proc_wait(server, 10000);
    support_proc_free(server);
    server = NULL;
}

const char *support_http_url(int host, const char *path)
{
    static char buf[4][512];
    static int next;
    char *u = buf[next++ % 4];
    snprintf(u, 512, "http://127.0.0.%d:%d%s", host, port, path);
    return u;
}

int support_http_tls_port(void)
{
    return tls_port;
}

const char *support_http_log(void)
{
    return log_path;
}

int support_http_count(const char *needle)
{
    char *log = support_read(log_path, NULL);
    int n = 0;
    for (char *l = strtok(log, "\n"); l; l = strtok(NULL, "\n"))
        if (strstr(l, " begin ") && strstr(l, needle)) n++;
    free(log);
    return n;
}
