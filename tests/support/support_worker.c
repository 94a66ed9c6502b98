/* support_worker.c: the built worker as a process: start on a free HTTP port, stop by SIGTERM,
 * its HTTP endpoints (support_worker.h). */
#include "support_worker.h"

#include "support_proc.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

support_proc *support_cli_worker_start(const char *const *args, int *port)
{
    char *argv[64] = {(char *)support_cli(),
                      "run",
                      "--http-listen",
                      "127.0.0.1:0",
                      "-X",
                      "consumer.session.timeout.ms=6000",
                      "-X",
                      "consumer.heartbeat.interval.ms=500",
                      "--stats-interval-ms",
                      "500"};
    int argc = 10;
    for (size_t i = 0; args && args[i]; i++) {
        cr_assert_lt(argc, 63, "too many worker arguments");
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    support_proc *p = support_spawn(argv, support_env(NULL));
    const char *line = support_proc_wait_line(p, "\"http listening\"", 30000);
    cr_assert_not_null(line, "worker logged no \"http listening\": %s", support_proc_stderr(p));
    cJSON *j = cJSON_Parse(line);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(j, "port"));
    *port = v ? atoi(v) : 0;
    cJSON_Delete(j);
    cr_assert_gt(*port, 0, "no port in: %s", line);
    return p;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    char **buf = arg;
    size_t old = *buf ? strlen(*buf) : 0, add = size * n;
    char *b = realloc(*buf, old + add + 1);
    cr_assert_not_null(b);
    memcpy(b + old, data, add);
    b[old + add] = '\0';
    *buf = b;
    return add;
}

long support_http_call(int port, const char *method, const char *path, long timeout_ms, char **body)
{
    static int init;
    if (!init) init = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    char *buf = NULL;
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (body)
        *body = buf ? buf : calloc(1, 1);
    else
        free(buf);
    return status;
}

double support_metric_in(const char *text, const char *series)
{
    double sum = -1;
    size_t n = strlen(series);
    for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
        if (strncmp(s, series, n) || (!strchr(series, '{') && s[n] != ' ' && s[n] != '{')) continue;
        const char *sp = strchr(s, ' ');
        const char *nl = strchr(s, '\n');
        if (sp && (!nl || sp < nl)) sum = (sum < 0 ? 0 : sum) + strtod(sp + 1, NULL);
    }
    return sum;
}

double support_metric(int port, const char *series)
{
    char *body;
    long st = support_http_call(port, "GET", "/metrics", 10000, &body);
    double v = st == 200 ? support_metric_in(body, series) : -1;
    free(body);
    return v;
}
