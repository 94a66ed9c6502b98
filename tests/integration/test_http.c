/* test_http.c: the health/metrics HTTP endpoint on a real socket, with libcurl as the client. */
#include "http/http.h"
#include "metrics/health.h"
#include "metrics/metrics.h"
#include "util/sbuf.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static metrics *m;
static health *h;
static http_server *srv;
static char err[256];

typedef struct response {
    long status;
    sbuf body, headers;
    char type[128];
} response;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    return sbuf_append(ud, p, size * n) == 0 ? size * n : 0;
}

/* fetch: one request to the test server; method "GET", "HEAD" or "POST". */
static void fetch(const char *method, const char *path, response *r)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", http_server_port(srv), path);
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (strcmp(method, "POST") == 0) curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    char *type = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    snprintf(r->type, sizeof r->type, "%s", type ? type : "");
    curl_easy_cleanup(c);
    if (!r->body.data) sbuf_append(&r->body, "", 0);
}

static void response_free(response *r)
{
    sbuf_free(&r->body);
    sbuf_free(&r->headers);
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m = metrics_create("9.9.9");
    h = health_create();
    cr_assert(m && h);
    srv = http_server_create("127.0.0.1:0", m, h, err, sizeof err);
    cr_assert_not_null(srv, "%s", err);
    cr_assert_gt(http_server_port(srv), 0);
}

static void teardown(void)
{
    http_server_destroy(srv);
    health_destroy(h);
    metrics_destroy(m);
    curl_global_cleanup();
}

TestSuite(http, .init = setup, .fini = teardown);

Test(http, livez_and_healthz)
{
    response r;
    const char *paths[] = {"/livez", "/healthz"};
    for (int i = 0; i < 2; i++) {
        fetch("GET", paths[i], &r);
        cr_assert_eq(r.status, 200, "%s", paths[i]);
        cr_assert_str_eq(r.body.data, "ok\n");
        cr_assert(strstr(r.type, "text/plain"), "%s", r.type);
        response_free(&r);
    }
}

Test(http, readyz_follows_health)
{
    response r;
    fetch("GET", "/readyz", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_str_eq(r.body.data, "not joined: waiting to join the consumer group\n");
    response_free(&r);
    health_assigned_set(h, 0);
    fetch("GET", "/readyz", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_str_eq(r.body.data, "not assigned: waiting for a partition assignment\n");
    response_free(&r);
    health_assigned_set(h, 3);
    health_producer_up_set(h, 1);
    fetch("GET", "/readyz", &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body.data, "ready\n");
    response_free(&r);
    health_draining_set(h, 1);
    fetch("GET", "/readyz", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_str_eq(r.body.data, "draining: shutdown in progress\n");
    response_free(&r);
}

Test(http, metrics_exposition)
{
    response r;
    fetch("GET", "/metrics", &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.type, "text/plain; version=0.0.4; charset=utf-8");
    const char *fams[] = {"news_ingest_messages_consumed_total",
                          "news_ingest_records_produced_total",
                          "news_ingest_dlq_total",
                          "news_ingest_processing_seconds",
                          "news_ingest_consumer_lag",
                          "news_ingest_inflight_messages",
                          "news_ingest_rebalances_total",
                          "news_ingest_build_info"};
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        char type[128];
        snprintf(type, sizeof type, "# TYPE %s ", fams[i]);
        cr_assert(strstr(r.body.data, type), "no %s", fams[i]);
    }
    cr_assert(strstr(r.body.data, "\nnews_ingest_ready 0\n"));
    cr_assert(strstr(r.body.data, "news_ingest_build_info{version=\"9.9.9\"} 1\n"));
    cr_assert_null(strstr(r.body.data, "news_ingest_messages_consumed_total{"));
    response_free(&r);

    metrics_consumed_inc(m, "pages");
    metrics_consumed_inc(m, "pages");
    metrics_dlq_inc(m, "no_article");
    health_assigned_set(h, 1);
    health_producer_up_set(h, 1);
    fetch("GET", "/metrics", &r);
    cr_assert(strstr(r.body.data, "\nnews_ingest_messages_consumed_total{topic=\"pages\"} 2\n"),
              "%s", r.body.data);
    cr_assert(strstr(r.body.data, "\nnews_ingest_dlq_total{reason=\"no_article\"} 1\n"));
    cr_assert(strstr(r.body.data, "\nnews_ingest_ready 1\n"), "ready follows /readyz");
    response_free(&r);
}

Test(http, unknown_path_404)
{
    response r;
    fetch("GET", "/nope", &r);
    cr_assert_eq(r.status, 404);
    response_free(&r);
    fetch("GET", "/metrics/extra", &r);
    cr_assert_eq(r.status, 404);
    response_free(&r);
}

Test(http, post_is_405_with_allow)
{
    response r;
    fetch("POST", "/metrics", &r);
    cr_assert_eq(r.status, 405);
    cr_assert(strstr(r.headers.data, "Allow: GET, HEAD\r\n"), "%s", r.headers.data);
    response_free(&r);
}

Test(http, head_has_no_body)
{
    response r;
    fetch("HEAD", "/metrics", &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.type, "text/plain; version=0.0.4; charset=utf-8");
    cr_assert_eq(r.body.len, 0);
    response_free(&r);
    fetch("HEAD", "/readyz", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_eq(r.body.len, 0);
    response_free(&r);
}

Test(http, port_in_use)
{
    char addr[64], e2[256] = "";
    snprintf(addr, sizeof addr, "127.0.0.1:%d", http_server_port(srv));
    http_server *second = http_server_create(addr, m, h, e2, sizeof e2);
    cr_assert_null(second);
    cr_assert(strstr(e2, addr), "%s", e2);
    cr_assert(strstr(e2, "in use") || strstr(e2, "bind"), "%s", e2);
}

Test(http, bad_addresses)
{
    const char *bad[] = {"nonsense", "127.0.0.1:99999", "127.0.0.1:", "::1:80",
                         "[::1:80",  "999.1.1.1:80",    NULL};
    for (int i = 0; i < 7; i++) {
        char e2[256] = "";
        cr_assert_null(http_server_create(bad[i], m, h, e2, sizeof e2), "%s accepted",
                       bad[i] ? bad[i] : "NULL");
        cr_assert(e2[0], "errstr empty for %s", bad[i] ? bad[i] : "NULL");
    }
}

Test(http, destroy_null_is_noop)
{
    http_server_destroy(NULL);
    cr_assert_eq(http_server_port(NULL), 0);
}

/* ---- raw sockets: methods curl would not send as-is, idle and slow clients ---- */

/* tcp_open: a blocking TCP connection to the test server; -1 when refused. */
static int tcp_open(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    a.sin_port = htons((uint16_t)http_server_port(srv));
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
    if (fd >= 0) close(fd);
    return -1;
}

/* raw: sends req on a new connection, reads until the server closes it or 10 s pass; the bytes
 * received (static, NUL-terminated). */
static const char *raw(const char *req)
{
    static char buf[8192];
    size_t n = 0;
    buf[0] = '\0';
    int fd = tcp_open();
    cr_assert_geq(fd, 0, "connect: %s", strerror(errno));
    cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    struct pollfd p = {fd, POLLIN, 0};
    while (n < sizeof buf - 1 && poll(&p, 1, 10000) > 0) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n") && strstr(buf, "method not allowed\n")) break;
    }
    close(fd);
    return buf;
}

Test(http, every_method_but_get_and_head_is_405_on_every_path)
{
    const char *methods[] = {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "POST", "BREW"};
    const char *paths[] = {"/livez", "/healthz", "/readyz", "/metrics", "/nope"};
    const char *bodies[] = {"", "Content-Length: 5\r\n\r\nhello"};
    for (size_t m_ = 0; m_ < sizeof methods / sizeof *methods; m_++)
        for (size_t p = 0; p < sizeof paths / sizeof *paths; p++)
            for (size_t b = 0; b < 2; b++) {
                char req[512];
                snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\n%s", methods[m_], paths[p],
                         b ? bodies[1] : "\r\n");
                const char *resp = raw(req);
                cr_assert(!strncmp(resp, "HTTP/1.1 405 ", 13), "%s %s (body %zu): \"%.80s\"",
                          methods[m_], paths[p], b, resp);
                cr_assert(strstr(resp, "Allow: GET, HEAD\r\n"), "%s %s: no Allow: %s", methods[m_],
                          paths[p], resp);
            }
}

#define IDLE_CONNECTIONS 500
#define SLOW_CONNECTIONS 200
#define PROBES 10

/* probe_livez: GET /livez with a generous 10 s bound (a busy machine is no failure; a server
 * that stopped answering is); the status, 0 without an answer. */
static long probe_livez(void)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/livez", http_server_port(srv));
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

Test(http, probes_answer_with_500_idle_and_200_slow_connections_open, .timeout = 120)
{
    struct rlimit rl;
    cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    cr_assert_geq(rl.rlim_cur, IDLE_CONNECTIONS + SLOW_CONNECTIONS + 64, "fd limit too low");
    int *fds = malloc((IDLE_CONNECTIONS + SLOW_CONNECTIONS) * sizeof *fds);
    cr_assert_not_null(fds);
    for (int i = 0; i < IDLE_CONNECTIONS + SLOW_CONNECTIONS; i++) {
        fds[i] = tcp_open();
        cr_assert_geq(fds[i], 0, "connection %d refused: %s", i, strerror(errno));
        if (i >= IDLE_CONNECTIONS) { /* slowloris: a request that never ends */
            const char *start = "GET /livez HTTP/1.1\r\nHost: x\r\n";
            cr_assert_eq(write(fds[i], start, strlen(start)), (ssize_t)strlen(start));
        }
    }
    int ok = 0, closed = 0;
    for (int k = 0; k < PROBES; k++) {
        for (int i = IDLE_CONNECTIONS; i < IDLE_CONNECTIONS + SLOW_CONNECTIONS; i++) {
            char hdr[32]; /* one more header line each round: never idle, never complete */
            int n = snprintf(hdr, sizeof hdr, "X-Slow-%d: %d\r\n", k, i);
            if (send(fds[i], hdr, (size_t)n, MSG_NOSIGNAL) != n) closed++;
        }
        long st = probe_livez();
        cr_log_info("probe %d with %d idle and %d slow connections opened (%d sends refused "
                    "so far): %ld",
                    k, IDLE_CONNECTIONS, SLOW_CONNECTIONS, closed, st);
        ok += st == 200;
        struct timespec pause = {0, 200 * 1000000L};
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < IDLE_CONNECTIONS + SLOW_CONNECTIONS; i++) close(fds[i]);
    free(fds);
    cr_assert_eq(ok, PROBES, "only %d of %d probes answered 200", ok, PROBES);
}
