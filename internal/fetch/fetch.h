/* fetch.h: pages fetched by URL on a thread of their own (libcurl multi), politely. */
#ifndef NI_FETCH_FETCH_H
#define NI_FETCH_FETCH_H

#include <stddef.h>

/*
 * A fetcher owns one thread that runs every transfer with libcurl's multi interface. Politeness:
 * at most `concurrency` transfers in all, at most one per host (scheme, host and port), and a
 * host gets its next request no sooner than `host_delay_ms` after its previous one ended.
 * robots.txt is fetched once per host (before its first page) and cached for `robots_ttl_ms`.
 * Retries: 408, 429, 5xx, timeouts and connection failures are retried up to `retries` times
 * after `backoff_ms`, doubling each time (a longer Retry-After wins, and a 429's Retry-After also
 * holds back the whole host). Redirects are followed (at most 5, http and https only); TLS peers
 * are verified; gzip, deflate and br are accepted and decoded.
 */
typedef struct fetch_options {
    int concurrency;        /* transfers at once in all (>= 1) */
    long host_delay_ms;     /* gap between the end of one request to a host and the next */
    long timeout_ms;        /* whole transfer, connection included */
    size_t max_bytes;       /* decoded body limit: past it the transfer is aborted */
    int retries;            /* retries of a retryable failure */
    long backoff_ms;        /* first retry delay */
    int ignore_robots;      /* 1: robots.txt is neither fetched nor honoured */
    long robots_ttl_ms;     /* how long a host's robots.txt is kept */
    const char *user_agent; /* copied; its first word is the robots.txt product token */
    const char *ca_file;    /* copied; NULL: the system's CA certificates */
} fetch_options;

/* fetch_options_default: concurrency 16, host delay 1000 ms, timeout 15000 ms, max_bytes 10 MiB,
 * 3 retries from 1000 ms, robots honoured for an hour, User-Agent "news-ingest/VERSION". */
void fetch_options_default(fetch_options *o);

/* What one fetch ended with. rc is NI_OK (a 2xx body), NI_ERR_HTTP_4XX (404, 410 and other
 * client errors but 408/429: not retried), NI_ERR_FETCH (retries spent, or a failure retrying
 * cannot mend), NI_ERR_TOO_LARGE (the body passed max_bytes), NI_ERR_ROBOTS (robots.txt
 * disallows the URL) or NI_ERR_CANCELLED (the fetcher was destroyed first). */
typedef struct fetch_result {
    int rc;
    char errstr[256]; /* one sentence when rc != NI_OK: status and last error */
    char *url;        /* the URL asked for */
    char *final_url;  /* after redirects (NULL when nothing was fetched) */
    long http_status; /* last HTTP status seen, 0 for none */
    int attempts;     /* requests made for this URL (robots.txt not counted) */
    char *body;       /* NUL-terminated; NULL unless rc == NI_OK */
    size_t len;
    char *content_type;      /* the response's Content-Type, NULL when absent */
    long long last_modified; /* Last-Modified as seconds since the epoch, -1 when absent */
    double seconds;          /* from submission to the end */
} fetch_result;

/* fetch_result_destroy: frees r and its strings; NULL is a no-op. */
void fetch_result_destroy(fetch_result *r);

/* Called once per submitted URL, on the fetcher's thread; the callee owns r. */
typedef void (*fetch_done_fn)(void *opaque, fetch_result *r);

/* Counters the fetcher keeps (read with fetcher_stats_get). */
typedef struct fetch_stats {
    unsigned long long ok, http_4xx, failed, too_large, robots, retries;
    unsigned long long bytes; /* decoded body bytes received, robots.txt included */
    long inflight;            /* transfers running now */
} fetch_stats;

typedef struct fetcher fetcher;

/* fetcher_create: starts the thread. NULL on a bad option or when libcurl or the thread cannot
 * be set up (errstr filled). Destroy with fetcher_destroy. */
fetcher *fetcher_create(const fetch_options *o, char *errstr, size_t errlen);

/* fetcher_submit: queues url; done(opaque, result) is called exactly once, later, on the
 * fetcher's thread, even when the URL is malformed (rc NI_ERR_FETCH). Thread-safe. NI_OK, or
 * NI_ERR_NOMEM / NI_ERR_CANCELLED (fetcher stopped; done is not called then). */
int fetcher_submit(fetcher *f, const char *url, fetch_done_fn done, void *opaque, char *errstr,
                   size_t errlen);

/* fetcher_stats_get: a consistent copy of the counters. Thread-safe. */
void fetcher_stats_get(fetcher *f, fetch_stats *out);

/* fetcher_stop: stops the thread; transfers still queued or running end with NI_ERR_CANCELLED
 * (their callbacks run before this returns); later submissions are refused. Idempotent;
 * NULL-safe. The fetcher stays valid until fetcher_destroy. */
void fetcher_stop(fetcher *f);

/* fetcher_destroy: fetcher_stop, then frees. NULL is a no-op. */
void fetcher_destroy(fetcher *f);

/* fetch_robots_allowed: whether the robots.txt text allows path (path + query of a URL, starting
 * with '/') to the product token agent (case-insensitive): the group naming the token, else the
 * "*" group; the longest matching Allow/Disallow pattern wins ('*' and a final '$' understood),
 * Allow on a tie; no matching rule allows. 1 allowed, 0 disallowed. */
int fetch_robots_allowed(const char *robots, const char *agent, const char *path);

#endif
