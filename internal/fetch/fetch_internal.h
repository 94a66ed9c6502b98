/* fetch_internal.h: the fetcher's state, shared by fetch.c (queues) and transfer.c (libcurl). */
#ifndef NI_FETCH_FETCH_INTERNAL_H
#define NI_FETCH_FETCH_INTERNAL_H

#include "fetch/fetch.h"
#include "util/sbuf.h"

#include <curl/curl.h>
#include <pthread.h>

#define ROBOTS_MAX_BYTES (512 * 1024) /* RFC 9309 asks crawlers to read at least 500 KiB */
#define ROBOTS_RETRY_TTL_MS 60000     /* robots.txt unreachable: pages allowed, asked again soon */
#define BACKOFF_MAX_MS 300000

enum { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_READY };

typedef struct fetch_host fetch_host;

/* One URL being fetched (or a host's robots.txt when done is NULL and robots is set). */
typedef struct fetch_req {
    struct fetch_req *next;        /* in its host's queue */
    struct fetch_req *active_next; /* among the running transfers */
    char *url;
    char *path; /* path + query, for robots.txt */
    fetch_done_fn done;
    void *opaque;
    fetch_host *host;
    int robots;
    int attempts;
    long status;          /* last HTTP status */
    long long not_before; /* earliest start of the next attempt (monotonic ms) */
    long long t0;         /* submission (monotonic ms) */
    CURL *easy;
    sbuf body;
    size_t limit;
    int too_large;
    char curl_err[CURL_ERROR_SIZE];
} fetch_req;

/* One scheme://host:port: its waiting requests and politeness state. */
struct fetch_host {
    fetch_host *next;
    char *key;
    fetch_req *head, *tail;
    int busy;          /* a transfer to this host is running */
    long long next_ok; /* earliest start of its next request (monotonic ms) */
    int robots_state;
    char *robots; /* robots.txt text; NULL allows everything */
    long long robots_expiry;
};

struct fetcher {
    fetch_options o; /* user_agent and ca_file owned */
    char *agent;     /* robots.txt product token */
    CURLM *multi;
    pthread_t thread;
    pthread_mutex_t lock; /* submissions, stop, stats */
    fetch_req *sub_head, *sub_tail;
    int stop;
    int joined;        /* fetcher_stop ran */
    fetch_host *hosts; /* the thread's own */
    fetch_req *active; /* running transfers */
    int running;
    fetch_stats st;
};

long long fetch_now_ms(void);
long fetch_backoff_ms(const fetcher *f, int attempts);
void fetch_req_free(fetch_req *r);
/* fetch_req_finish: result to the submitter (counted), r freed. */
void fetch_req_finish(fetcher *f, fetch_req *r, int rc, const char *reason);
void fetch_stats_count(fetcher *f, int rc);
/* fetch_host_push: r at the end of h's queue. */
void fetch_host_push(fetch_host *h, fetch_req *r);

/* transfer.c */
/* fetch_strcat3: a + b + c in a fresh string the caller frees; NULL when out of memory. */
char *fetch_strcat3(const char *a, const char *b, const char *c);
/* fetch_url_split: r->path from r->url and the host key; NI_ERR_FETCH for a URL libcurl cannot
 * parse or that is not http(s). */
int fetch_url_split(fetch_req *r, char *key, size_t keylen, char *errstr, size_t errlen);
/* fetch_req_fill: moves what the transfer got (body on success, type, final URL, date) to res. */
void fetch_req_fill(fetch_req *r, fetch_result *res);
void fetch_transfer_start(fetcher *f, fetch_req *r);
void fetch_robots_start(fetcher *f, fetch_host *h);
/* fetch_transfers_harvest: every finished transfer classified: done, retried or ended. */
void fetch_transfers_harvest(fetcher *f);
void fetch_transfers_cancel(fetcher *f);

#endif
