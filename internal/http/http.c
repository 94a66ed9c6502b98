/* http.c: /livez, /healthz, /readyz and /metrics served by libmicrohttpd's internal thread. */
#include "http/http.h"

#include "log/log.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define LIVE_STALE_MS 30000
#define TEXT_PLAIN "text/plain; charset=utf-8"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct http_server {
    struct MHD_Daemon *d;
    metrics *m;
    health *h;
    int port;
    atomic_int starting; /* 1 while MHD_start_daemon runs: its errors go to first_error */
    char first_error[256];
};

/* ---- responses ---- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
                             const char *body, size_t len, int allow)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (allow) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
    return reply(c, status, TEXT_PLAIN, text, strlen(text), 0);
}

/* reply_verdict: 200 with ok_text, or 503 with the reason and a newline. */
static enum MHD_Result reply_verdict(struct MHD_Connection *c, int ok, const char *ok_text,
                                     const char *why)
{
    if (ok) return reply_text(c, MHD_HTTP_OK, ok_text);
    char body[520];
    snprintf(body, sizeof body, "%s\n", why);
    return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, body);
}

static enum MHD_Result reply_metrics(http_server *s, struct MHD_Connection *c)
{
    metrics_ready_set(s->m, health_ready(s->h, NULL, 0));
    sbuf out = SBUF_INIT;
    enum MHD_Result rc;
    if (metrics_render(s->m, &out) == NI_OK && out.data)
        rc = reply(c, MHD_HTTP_OK, METRICS_TYPE, out.data, out.len, 0);
    else
        rc = reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    sbuf_free(&out);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    http_server *s = cls;
    char why[512];
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        const char *body = "method not allowed\n";
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, TEXT_PLAIN, body, strlen(body), 1);
    }
    if (strcmp(url, "/livez") == 0 || strcmp(url, "/healthz") == 0)
        return reply_verdict(c, health_live(s->h, LIVE_STALE_MS, why, sizeof why), "ok\n", why);
    if (strcmp(url, "/readyz") == 0)
        return reply_verdict(c, health_ready(s->h, why, sizeof why), "ready\n", why);
    if (strcmp(url, "/metrics") == 0) return reply_metrics(s, c);
    return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* on_mhd_log: libmicrohttpd's messages: kept for errstr while starting, else logged. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    http_server *s = cls;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    if (atomic_load(&s->starting)) {
        if (!s->first_error[0]) snprintf(s->first_error, sizeof s->first_error, "%s", msg);
        return;
    }
    log_debug("http server message", "detail", msg);
}

/* ---- listening address ---- */

typedef struct listen_addr {
    struct sockaddr_storage sa;
    unsigned int flags; /* MHD_USE_IPv6 / MHD_USE_DUAL_STACK as the address needs */
    int any;            /* host was empty: dual stack, IPv4 fallback */
} listen_addr;

static void addr_any6(listen_addr *a, int port)
{
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;
    memset(a, 0, sizeof *a);
    s6->sin6_family = AF_INET6;
    s6->sin6_addr = in6addr_any;
    s6->sin6_port = htons((uint16_t)port);
    a->flags = MHD_USE_DUAL_STACK;
}

static void addr_any4(listen_addr *a, int port)
{
    struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;
    memset(a, 0, sizeof *a);
    s4->sin_family = AF_INET;
    s4->sin_addr.s_addr = htonl(INADDR_ANY);
    s4->sin_port = htons((uint16_t)port);
}

/* addr_resolve: a numeric address or host name (first result) with the port; a dotted-digit
 * host that is not an IPv4 address is refused without asking DNS. */
static int addr_resolve(listen_addr *a, const char *host, int port, char *errstr, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (strspn(host, "0123456789.") == strlen(host)) hints.ai_flags |= AI_NUMERICHOST;
    int e = getaddrinfo(host, NULL, &hints, &res);
    if (e != 0 || !res)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "host \"%s\": %s", host,
                          e ? gai_strerror(e) : "no address");
    memset(a, 0, sizeof *a);
    memcpy(&a->sa, res->ai_addr, res->ai_addrlen);
    if (res->ai_family == AF_INET6) {
        ((struct sockaddr_in6 *)&a->sa)->sin6_port = htons((uint16_t)port);
        a->flags = MHD_USE_IPv6;
    } else {
        ((struct sockaddr_in *)&a->sa)->sin_port = htons((uint16_t)port);
    }
    freeaddrinfo(res);
    return NI_OK;
}

/* addr_parse: "host:port", "[v6]:port", ":port" (all addresses), "[::]:port" (dual stack). */
static int addr_parse(const char *listen, listen_addr *a, char *errstr, size_t errlen)
{
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || !colon[1] || *end || port < 0 || port > 65535 || colon[1] == '-')
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "\"%s\": expected host:port with a port 0-65535", listen ? listen : "");
    char host[256];
    size_t hl = (size_t)(colon - listen);
    if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
        listen++;
        hl -= 2;
    } else if (memchr(listen, ':', hl) || memchr(listen, '[', hl) || memchr(listen, ']', hl)) {
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "\"%s\": an IPv6 host goes in brackets, e.g. [::]:8080", listen);
    }
    if (hl >= sizeof host) return ni_err_set(errstr, errlen, NI_ERR_INVALID, "host too long");
    snprintf(host, sizeof host, "%.*s", (int)hl, listen);
    if (!*host || strcmp(host, "::") == 0) {
        addr_any6(a, (int)port);
        a->any = !*host;
        return NI_OK;
    }
    return addr_resolve(a, host, (int)port, errstr, errlen);
}

/* ---- server ---- */

/* Connections: the probes must keep answering while many clients sit idle or send slowly.
 * libmicrohttpd runs epoll in a pool of HTTP_THREADS threads (an idle or slow connection costs
 * no thread), closes a connection after HTTP_IDLE_S seconds without a byte, and accepts up to
 * the process's file-descriptor limit (its soft limit raised to the hard one) less
 * HTTP_FD_RESERVE for Kafka's sockets and files, at most HTTP_MAX_CONNECTIONS. No per-address
 * limit: behind a node-local proxy or on loopback the probes share the abuser's address. */
#define HTTP_THREADS 2
#define HTTP_IDLE_S 10
#define HTTP_FD_RESERVE 256
#define HTTP_MAX_CONNECTIONS 16384

/* connection_limit: see above; raises the soft RLIMIT_NOFILE to the hard limit first. */
static unsigned int connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 64;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit up = {rl.rlim_max, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &up) == 0) rl.rlim_cur = rl.rlim_max;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > HTTP_MAX_CONNECTIONS + HTTP_FD_RESERVE)
        return HTTP_MAX_CONNECTIONS;
    return rl.rlim_cur > 2 * HTTP_FD_RESERVE ? (unsigned int)(rl.rlim_cur - HTTP_FD_RESERVE)
                                             : (unsigned int)(rl.rlim_cur / 2);
}

static struct MHD_Daemon *daemon_start(http_server *s, const listen_addr *a)
{
    unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    const struct sockaddr *sa = (const struct sockaddr *)&a->sa;
    uint16_t port = ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *)sa)->sin6_port
                                                    : ((const struct sockaddr_in *)sa)->sin_port);
    s->first_error[0] = '\0';
    /* the port argument only names the port in libmicrohttpd's messages: SOCK_ADDR binds */
    return MHD_start_daemon(
        flags | a->flags, port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_S, MHD_OPTION_CONNECTION_LIMIT,
        connection_limit(), MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)HTTP_THREADS,
        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_END);
}

http_server *http_server_create(const char *listen, metrics *m, health *h, char *errstr,
                                size_t errlen)
{
    listen_addr a;
    if (addr_parse(listen, &a, errstr, errlen) != NI_OK) return NULL;
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->m = m;
    s->h = h;
    atomic_init(&s->starting, 1);
    s->d = daemon_start(s, &a);
    if (!s->d && a.any) { /* no IPv6 here: all IPv4 addresses */
        addr_any4(&a, ntohs(((struct sockaddr_in6 *)&a.sa)->sin6_port));
        s->d = daemon_start(s, &a);
    }
    atomic_store(&s->starting, 0);
    if (!s->d) {
        ni_err_set(errstr, errlen, NI_ERR_IO, "http-listen %s: %s", listen,
                   s->first_error[0] ? s->first_error : "cannot start the HTTP server");
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

int http_server_port(const http_server *s)
{
    return s ? s->port : 0;
}

void http_server_destroy(http_server *s)
{
    if (!s) return;
    MHD_stop_daemon(s->d);
    free(s);
}
