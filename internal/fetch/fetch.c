/* fetch.c: the fetcher's thread: per-host queues, politeness, robots.txt, retries (libcurl multi).
 */
#include "fetch_internal.h"

#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

long long fetch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fetch_options_default(fetch_options *o)
{
    *o = (fetch_options){.concurrency = 16,
                         .host_delay_ms = 1000,
                         .timeout_ms = 15000,
                         .max_bytes = 10u << 20,
                         .retries = 3,
                         .backoff_ms = 1000,
                         .robots_ttl_ms = 3600000,
                         .user_agent = "news-ingest/" NI_VERSION};
}

void fetch_result_destroy(fetch_result *r)
{
    if (!r) return;
    free(r->url);
    free(r->final_url);
    free(r->body);
    free(r->content_type);
    free(r);
}

/* ---- requests and hosts ---- */

void fetch_req_free(fetch_req *r)
{
    if (!r) return;
    if (r->easy) curl_easy_cleanup(r->easy);
    sbuf_free(&r->body);
    free(r->url);
    free(r->path);
    free(r);
}

/* req_finish: hands the outcome to the submitter and frees r (robots requests have no
 * submitter). Counted in the stats. */
void fetch_req_finish(fetcher *f, fetch_req *r, int rc, const char *fmt_reason)
{
    fetch_result *res = calloc(1, sizeof *res);
    if (res) {
        res->rc = rc;
        res->url = r->url;
        r->url = NULL;
        res->attempts = r->attempts;
        res->http_status = r->status;
        res->last_modified = -1;
        res->seconds = (double)(fetch_now_ms() - r->t0) / 1000.0;
        if (fmt_reason) snprintf(res->errstr, sizeof res->errstr, "%s", fmt_reason);
        fetch_req_fill(r, res);
    }
    fetch_stats_count(f, rc);
    fetch_done_fn done = r->done;
    void *opaque = r->opaque;
    fetch_req_free(r);
    if (done && res)
        done(opaque, res);
    else
        fetch_result_destroy(res);
}

/* host_find: the host record for key, created when missing; NULL when out of memory. */
static fetch_host *host_find(fetcher *f, const char *key)
{
    for (fetch_host *h = f->hosts; h; h = h->next)
        if (!strcmp(h->key, key)) return h;
    fetch_host *h = calloc(1, sizeof *h);
    if (!h || !(h->key = strdup(key))) {
        free(h);
        return NULL;
    }
    h->next = f->hosts;
    f->hosts = h;
    return h;
}

void fetch_host_push(fetch_host *h, fetch_req *r)
{
    r->next = NULL;
    r->host = h;
    if (h->tail)
        h->tail->next = r;
    else
        h->head = r;
    h->tail = r;
}

/* host_pop_ready: unlinks the first waiting request whose retry time has come; *wait is lowered
 * to the time until the earliest that has not. */
static fetch_req *host_pop_ready(fetch_host *h, long long now, long *wait)
{
    for (fetch_req **p = &h->head, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
        fetch_req *r = *p;
        if (r->not_before > now) {
            if (r->not_before - now < *wait) *wait = (long)(r->not_before - now);
            continue;
        }
        *p = r->next;
        if (h->tail == r) h->tail = prev;
        r->next = NULL;
        return r;
    }
    return NULL;
}

/* place: a submitted request into its host's queue; a URL that cannot be fetched ends now. */
static void place(fetcher *f, fetch_req *r)
{
    char key[1024], err[256];
    if (fetch_url_split(r, key, sizeof key, err, sizeof err) != NI_OK) {
        fetch_req_finish(f, r, NI_ERR_FETCH, err);
        return;
    }
    fetch_host *h = host_find(f, key);
    if (!h) {
        fetch_req_finish(f, r, NI_ERR_NOMEM, "out of memory");
        return;
    }
    fetch_host_push(h, r);
}

/* ---- scheduling ---- */

static int robots_due(const fetcher *f, const fetch_host *h, long long now)
{
    if (f->o.ignore_robots || h->robots_state == ROBOTS_FETCHING) return 0;
    return h->robots_state == ROBOTS_UNKNOWN || h->robots_expiry <= now;
}

/* host_serve: starts what host h may start now; lowers *wait to its next chance. */
static void host_serve(fetcher *f, fetch_host *h, long long now, long *wait)
{
    while (h->head && !h->busy && f->running < f->o.concurrency) {
        if (h->next_ok > now) {
            if (h->next_ok - now < *wait) *wait = (long)(h->next_ok - now);
            return;
        }
        if (robots_due(f, h, now)) {
            fetch_robots_start(f, h);
            return;
        }
        if (h->robots_state == ROBOTS_FETCHING && !f->o.ignore_robots) return;
        fetch_req *r = host_pop_ready(h, now, wait);
        if (!r) return;
        if (!f->o.ignore_robots && h->robots &&
            !fetch_robots_allowed(h->robots, f->agent, r->path)) {
            fetch_req_finish(f, r, NI_ERR_ROBOTS, "robots.txt disallows this URL");
            continue;
        }
        fetch_transfer_start(f, r);
    }
}

/* schedule: starts every transfer politeness allows; the ms until something may change. */
static long schedule(fetcher *f)
{
    long long now = fetch_now_ms();
    long wait = 1000;
    for (fetch_host *h = f->hosts; h; h = h->next) host_serve(f, h, now, &wait);
    return wait < 1 ? 1 : wait;
}

/* ---- the thread ---- */

/* take_submitted: moves the submissions into the hosts; 1 when the fetcher is stopping. */
static int take_submitted(fetcher *f)
{
    pthread_mutex_lock(&f->lock);
    fetch_req *r = f->sub_head;
    f->sub_head = f->sub_tail = NULL;
    int stop = f->stop;
    pthread_mutex_unlock(&f->lock);
    while (r) {
        fetch_req *next = r->next;
        if (stop)
            fetch_req_finish(f, r, NI_ERR_CANCELLED, "the fetcher stopped");
        else
            place(f, r);
        r = next;
    }
    return stop;
}

/* cancel_all: running transfers and queued requests end as cancelled; hosts freed. */
static void cancel_all(fetcher *f)
{
    fetch_transfers_cancel(f);
    while (f->hosts) {
        fetch_host *h = f->hosts;
        f->hosts = h->next;
        while (h->head) {
            fetch_req *r = h->head;
            h->head = r->next;
            fetch_req_finish(f, r, NI_ERR_CANCELLED, "the fetcher stopped");
        }
        free(h->robots);
        free(h->key);
        free(h);
    }
}

static void *fetch_main(void *arg)
{
    fetcher *f = arg;
    while (!take_submitted(f)) {
        long wait = schedule(f);
        curl_multi_poll(f->multi, NULL, 0, (int)wait, NULL);
        int running;
        curl_multi_perform(f->multi, &running);
        fetch_transfers_harvest(f);
    }
    cancel_all(f);
    return NULL;
}

/* ---- public ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int options_check(const fetch_options *o, char *errstr, size_t errlen)
{
    if (o->concurrency < 1 || o->host_delay_ms < 0 || o->timeout_ms < 1 || o->retries < 0 ||
        o->backoff_ms < 0 || o->robots_ttl_ms < 0 || !o->max_bytes)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "fetch options out of range");
    if (!o->user_agent || !*o->user_agent)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "fetch user agent is empty");
    return NI_OK;
}

/* agent_token: the User-Agent's first word without its version ("news-ingest/1" -> news-ingest). */
static char *agent_token(const char *ua)
{
    size_t n = strcspn(ua, " /");
    return util_strndup(ua, n ? n : strlen(ua));
}

fetcher *fetcher_create(const fetch_options *o, char *errstr, size_t errlen)
{
    if (options_check(o, errstr, errlen) != NI_OK) return NULL;
    pthread_once(&curl_once, curl_init_once);
    fetcher *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->o = *o;
    f->o.user_agent = strdup(o->user_agent);
    f->o.ca_file = o->ca_file ? strdup(o->ca_file) : NULL;
    f->agent = agent_token(o->user_agent);
    f->multi = curl_multi_init();
    pthread_mutex_init(&f->lock, NULL);
    int ok = f->o.user_agent && f->agent && f->multi && (!o->ca_file || f->o.ca_file);
    if (ok && pthread_create(&f->thread, NULL, fetch_main, f) == 0) return f;
    ni_err_set(errstr, errlen, NI_ERR_NOMEM, "the fetcher could not be started");
    if (f->multi) curl_multi_cleanup(f->multi);
    pthread_mutex_destroy(&f->lock);
    free((char *)f->o.user_agent);
    free((char *)f->o.ca_file);
    free(f->agent);
    free(f);
    return NULL;
}

int fetcher_submit(fetcher *f, const char *url, fetch_done_fn done, void *opaque, char *errstr,
                   size_t errlen)
{
    fetch_req *r = calloc(1, sizeof *r);
    if (!r || !(r->url = strdup(url ? url : ""))) {
        free(r);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    r->done = done;
    r->opaque = opaque;
    r->t0 = fetch_now_ms();
    pthread_mutex_lock(&f->lock);
    int stop = f->stop;
    if (!stop) {
        if (f->sub_tail)
            f->sub_tail->next = r;
        else
            f->sub_head = r;
        f->sub_tail = r;
    }
    pthread_mutex_unlock(&f->lock);
    if (stop) {
        fetch_req_free(r);
        return ni_err_set(errstr, errlen, NI_ERR_CANCELLED, "the fetcher is stopping");
    }
    curl_multi_wakeup(f->multi);
    return NI_OK;
}

void fetcher_stats_get(fetcher *f, fetch_stats *out)
{
    pthread_mutex_lock(&f->lock);
    *out = f->st;
    pthread_mutex_unlock(&f->lock);
}

void fetch_stats_count(fetcher *f, int rc)
{
    pthread_mutex_lock(&f->lock);
    if (rc == NI_OK)
        f->st.ok++;
    else if (rc == NI_ERR_HTTP_4XX)
        f->st.http_4xx++;
    else if (rc == NI_ERR_TOO_LARGE)
        f->st.too_large++;
    else if (rc == NI_ERR_ROBOTS)
        f->st.robots++;
    else if (rc != NI_ERR_CANCELLED)
        f->st.failed++;
    pthread_mutex_unlock(&f->lock);
}

void fetcher_stop(fetcher *f)
{
    if (!f) return;
    pthread_mutex_lock(&f->lock);
    int joined = f->joined;
    f->stop = f->joined = 1;
    pthread_mutex_unlock(&f->lock);
    if (joined) return;
    curl_multi_wakeup(f->multi);
    pthread_join(f->thread, NULL);
    take_submitted(f); /* anything submitted while the thread was ending */
}

void fetcher_destroy(fetcher *f)
{
    if (!f) return;
    fetcher_stop(f);
    curl_multi_cleanup(f->multi);
    pthread_mutex_destroy(&f->lock);
    free((char *)f->o.user_agent);
    free((char *)f->o.ca_file);
    free(f->agent);
    free(f);
}

long fetch_backoff_ms(const fetcher *f, int attempts)
{
    long long d = f->o.backoff_ms;
    for (int i = 1; i < attempts && d < BACKOFF_MAX_MS; i++) d *= 2;
    return d > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : (long)d;
}
