/* support_http.h: the HTTP fixture server (tests/support/http_fixture.py) for the fetch tests. */
#ifndef NI_TEST_SUPPORT_HTTP_H
#define NI_TEST_SUPPORT_HTTP_H

/* support_http_start: starts the fixture on 127.0.0.1 .. 127.0.0.<hosts> (one port) serving
 * examples/; returns the port. Aborts the test when it does not start. One per test process. */
int support_http_start(int hosts);
/* support_http_start_tls: the same, plus https on 127.0.0.1 with cert/key (PEM files) on the
 * port support_http_tls_port gives. */
int support_http_start_tls(int hosts, const char *cert, const char *key);
int support_http_tls_port(void);
/* support_http_stop: SIGTERM, reap. */
void support_http_stop(void);
/* support_http_url: "http://127.0.0.<host>:<port><path>"; one of four rotating static buffers. */
const char *support_http_url(int host, const char *path);
/* support_http_log: the request log's path ("<ms> begin|end <host:port> <path>" lines). */
const char *support_http_log(void);
/* support_http_count: requests (begin lines) whose path contains needle. */
int support_http_count(const char *needle);

#endif
