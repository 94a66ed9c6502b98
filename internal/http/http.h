/* http.h: the health and metrics HTTP endpoint (libmicrohttpd, its own thread). */
#ifndef NI_HTTP_HTTP_H
#define NI_HTTP_HTTP_H

#include "metrics/health.h"
#include "metrics/metrics.h"

#include <stddef.h>

/*
 * Routes (GET and HEAD; other methods 405 with an Allow header; unknown paths 404):
 *   /livez, /healthz  200 "ok\n" while the worker loop is alive (health_live, 30 s), else 503
 *   /readyz           200 "ready\n" or 503 with health_ready's reason and a newline
 *   /metrics          200, Content-Type "text/plain; version=0.0.4; charset=utf-8",
 *                     metrics_render's output (news_ingest_ready updated first)
 * Every method but GET and HEAD gets 405, on every path. Probes keep answering with hundreds of
 * idle or slow connections open (epoll, a pool of two threads, a 10 s idle timeout, a connection
 * limit just under the file-descriptor limit; see http.c). The server borrows m and h; they must
 * outlive it.
 */
typedef struct http_server http_server;

/* http_server_create: listens on "host:port" ("0.0.0.0:8080", "127.0.0.1:0", "[::]:8080",
 * ":8080" = all addresses) and serves from libmicrohttpd's internal threads; raises the
 * process's soft file-descriptor limit to its hard limit. NULL on failure (bad address, port in
 * use) with errstr filled. */
http_server *http_server_create(const char *listen, metrics *m, health *h, char *errstr,
                                size_t errlen);
/* http_server_port: the port actually bound (useful with port 0). */
int http_server_port(const http_server *s);
/* http_server_destroy: stops the thread, closes the socket; NULL is a no-op. */
void http_server_destroy(http_server *s);

#endif
