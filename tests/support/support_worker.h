/* support_worker.h: the built `news-ingest run` as a process of its own (end-to-end and
 * real-broker tests): started on a free HTTP port read from its log, stopped by PID with SIGTERM,
 * its probes and /metrics read over HTTP. */
#ifndef NI_TEST_SUPPORT_WORKER_H
#define NI_TEST_SUPPORT_WORKER_H

#include "support_spawn.h"

/* support_cli_worker_start: `news-ingest run` with the test options (--http-listen 127.0.0.1:0,
 * -X consumer.session.timeout.ms=6000, -X consumer.heartbeat.interval.ms=500,
 * --stats-interval-ms 500) followed by args (a NULL-terminated list of `run` options, at most
 * 48; later ones win). *port = its HTTP port. Aborts the test when the worker logs no
 * "http listening" within 30 s. Stop it with support_proc_stop. */
support_proc *support_cli_worker_start(const char *const *args, int *port);

/* support_http_call: method on http://127.0.0.1:port/path within timeout_ms; the status (0 when
 * there was no answer), the body in *body (caller frees; body may be NULL). */
long support_http_call(int port, const char *method, const char *path, long timeout_ms,
                       char **body);

/* support_metric_in: the sum of the samples of series in /metrics text (a whole name, or a prefix
 * from the name into its labels, e.g. "news_ingest_dlq_total{"); -1 when there is none. */
double support_metric_in(const char *text, const char *series);

/* support_metric: support_metric_in of the worker's /metrics on port (10 s timeout); -1 when it
 * does not answer 200. */
double support_metric(int port, const char *series);

#endif
