/* transfer.c: one libcurl transfer per request: options, body limit, outcome and retries. */
#include "fetch_internal.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- URLs ---- */

char *fetch_strcat3(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *s = malloc(na + nb + nc + 1);
    if (!s) return NULL;
    memcpy(s, a, na);
    memcpy(s + na, b, nb);
    memcpy(s + na + nb, c, nc + 1);
    return s;
}

static char *url_part(CURLU *u, CURLUPart what, unsigned flags)
{
    char *v = NULL;
    return curl_url_get(u, what, &v, flags) == CURLUE_OK ? v : NULL;
}

int fetch_url_split(fetch_req *r, char *key, size_t keylen, char *errstr, size_t errlen)
{
    CURLU *u = curl_url();
    int rc = NI_ERR_FETCH;
    if (!u || curl_url_set(u, CURLUPART_URL, r->url, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return ni_err_set(errstr, errlen, rc, "malformed URL");
    }
    char *scheme = url_part(u, CURLUPART_SCHEME, 0), *host = url_part(u, CURLUPART_HOST, 0);
    char *port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    char *path = url_part(u, CURLUPART_PATH, 0), *query = url_part(u, CURLUPART_QUERY, 0);
    if (!scheme || !host || !port || (strcmp(scheme, "http") && strcmp(scheme, "https")))
        ni_err_set(errstr, errlen, rc, "not an http or https URL");
    else if (!(r->path = fetch_strcat3(path ? path : "/", query ? "?" : "", query ? query : "")))
        ni_err_set(errstr, errlen, rc = NI_ERR_NOMEM, "out of memory");
    else {
        snprintf(key, keylen, "%s://%s:%s", scheme, host, port);
        rc = NI_OK;
    }
    curl_free(scheme), curl_free(host), curl_free(port), curl_free(path), curl_free(query);
    curl_url_cleanup(u);
    return rc;
}

/* ---- starting ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    fetch_req *r = arg;
    size_t len = size * n;
    if (r->body.len + len > r->limit) {
        r->too_large = 1;
        return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
    }
    return sbuf_append(&r->body, p, len) == NI_OK ? len : 0;
}

static CURL *easy_new(fetcher *f, fetch_req *r, const char *url)
{
    CURL *e = curl_easy_init();
    if (!e) return NULL;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->o.user_agent);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes */
    curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->limit);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (f->o.ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, f->o.ca_file);
    return e;
}

/* start: the request's transfer on the multi handle; the host is busy until it ends. */
static void start(fetcher *f, fetch_req *r, const char *url)
{
    r->curl_err[0] = 0;
    r->too_large = 0;
    sbuf_reset(&r->body);
    r->easy = easy_new(f, r, url);
    if (!r->easy || curl_multi_add_handle(f->multi, r->easy) != CURLM_OK) {
        if (r->robots) {
            r->host->robots_state = ROBOTS_READY; /* cannot ask: pages allowed for a while */
            r->host->robots_expiry = fetch_now_ms() + ROBOTS_RETRY_TTL_MS;
            fetch_req_free(r);
        } else
            fetch_req_finish(f, r, NI_ERR_NOMEM, "a transfer could not be started");
        return;
    }
    r->host->busy = 1;
    r->active_next = f->active;
    f->active = r;
    f->running++;
    pthread_mutex_lock(&f->lock);
    f->st.inflight = f->running;
    pthread_mutex_unlock(&f->lock);
}

void fetch_transfer_start(fetcher *f, fetch_req *r)
{
    r->attempts++;
    r->limit = f->o.max_bytes;
    start(f, r, r->url);
}

void fetch_robots_start(fetcher *f, fetch_host *h)
{
    fetch_req *r = calloc(1, sizeof *r);
    char *url = fetch_strcat3(h->key, "/robots.txt", "");
    if (!r || !url) {
        free(r);
        free(url);
        return; /* out of memory: asked again at the next pass */
    }
    r->url = url;
    r->robots = 1;
    r->host = h;
    r->limit = ROBOTS_MAX_BYTES;
    r->t0 = fetch_now_ms();
    h->robots_state = ROBOTS_FETCHING;
    start(f, r, url);
}

/* ---- ending ---- */

void fetch_req_fill(fetch_req *r, fetch_result *res)
{
    if (!r->easy) return;
    char *s = NULL;
    if (curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
        res->final_url = strdup(s);
    s = NULL;
    if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
        res->content_type = strdup(s);
    curl_off_t t = -1;
    if (curl_easy_getinfo(r->easy, CURLINFO_FILETIME_T, &t) == CURLE_OK && t >= 0)
        res->last_modified = (long long)t;
    if (res->rc == NI_OK) {
        res->len = r->body.len;
        res->body = sbuf_steal(&r->body);
    }
}

/* robots_done: the host's rules from a robots.txt transfer (a 4xx or no answer allows all). */
static void robots_done(fetcher *f, fetch_req *r, CURLcode cc)
{
    fetch_host *h = r->host;
    long long now = fetch_now_ms();
    free(h->robots);
    h->robots = NULL;
    h->robots_state = ROBOTS_READY;
    h->robots_expiry = now + f->o.robots_ttl_ms;
    if ((cc == CURLE_OK || r->too_large) && r->status >= 200 && r->status < 300)
        h->robots = sbuf_steal(&r->body);
    else if (!(r->status >= 400 && r->status < 500))
        h->robots_expiry = now + ROBOTS_RETRY_TTL_MS;
    fetch_req_free(r);
}

enum { END_OK, END_4XX, END_RETRY, END_FAIL, END_TOO_LARGE };

static int classify(fetch_req *r, CURLcode cc)
{
    if (r->too_large || cc == CURLE_FILESIZE_EXCEEDED) return END_TOO_LARGE;
    if (cc == CURLE_OK) {
        long s = r->status;
        if (s >= 200 && s < 300) return END_OK;
        if (s == 408 || s == 429 || s >= 500) return END_RETRY;
        if (s >= 400) return END_4XX;
        return END_FAIL;
    }
    switch (cc) {
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_OUT_OF_MEMORY:
        return END_FAIL;
    default:
        return END_RETRY;
    }
}

/* retry_later: r back in its host's queue after the backoff (or a longer Retry-After, which on a
 * 429 also holds back the host). */
static void retry_later(fetcher *f, fetch_req *r)
{
    long long now = fetch_now_ms(), delay = fetch_backoff_ms(f, r->attempts);
    curl_off_t after = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &after);
    if (after > 0 && after * 1000 > delay)
        delay = after * 1000 < BACKOFF_MAX_MS ? after * 1000 : BACKOFF_MAX_MS;
    if (r->status == 429 && now + delay > r->host->next_ok) r->host->next_ok = now + delay;
    r->not_before = now + delay;
    curl_easy_cleanup(r->easy);
    r->easy = NULL;
    fetch_host_push(r->host, r);
    pthread_mutex_lock(&f->lock);
    f->st.retries++;
    pthread_mutex_unlock(&f->lock);
}

static void what_failed(const fetch_req *r, CURLcode cc, char *buf, size_t n)
{
    const char *why = r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc);
    if (cc == CURLE_OK)
        snprintf(buf, n, "HTTP %ld after %d attempt(s)", r->status, r->attempts);
    else if (r->status)
        snprintf(buf, n, "%.160s (HTTP %ld) after %d attempt(s)", why, r->status, r->attempts);
    else
        snprintf(buf, n, "%.160s after %d attempt(s)", why, r->attempts);
}

static void transfer_done(fetcher *f, fetch_req *r, CURLcode cc)
{
    char why[256];
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    curl_off_t got = 0;
    curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
    pthread_mutex_lock(&f->lock);
    f->st.bytes += (unsigned long long)(got > 0 ? got : 0);
    pthread_mutex_unlock(&f->lock);
    if (r->robots) {
        robots_done(f, r, cc);
        return;
    }
    int end = classify(r, cc);
    if (end == END_RETRY && r->attempts <= f->o.retries) {
        retry_later(f, r);
        return;
    }
    what_failed(r, cc, why, sizeof why);
    if (end == END_OK)
        fetch_req_finish(f, r, NI_OK, NULL);
    else if (end == END_TOO_LARGE) {
        snprintf(why, sizeof why, "the body passed %zu bytes", r->limit);
        fetch_req_finish(f, r, NI_ERR_TOO_LARGE, why);
    } else
        fetch_req_finish(f, r, end == END_4XX ? NI_ERR_HTTP_4XX : NI_ERR_FETCH, why);
}

/* detach: the transfer off the multi handle; the host may start its next one after the delay. */
static fetch_req *detach(fetcher *f, CURL *e)
{
    fetch_req *r = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
    curl_multi_remove_handle(f->multi, e);
    for (fetch_req **p = &f->active; *p; p = &(*p)->active_next)
        if (*p == r) {
            *p = r->active_next;
            break;
        }
    r->host->busy = 0;
    r->host->next_ok = fetch_now_ms() + f->o.host_delay_ms;
    f->running--;
    pthread_mutex_lock(&f->lock);
    f->st.inflight = f->running;
    pthread_mutex_unlock(&f->lock);
    return r;
}

void fetch_transfers_harvest(fetcher *f)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(f->multi, &left)))
        if (m->msg == CURLMSG_DONE) {
            CURLcode cc = m->data.result;
            transfer_done(f, detach(f, m->easy_handle), cc);
        }
}

void fetch_transfers_cancel(fetcher *f)
{
    while (f->active) {
        fetch_req *r = detach(f, f->active->easy);
        if (r->robots)
            fetch_req_free(r);
        else
            fetch_req_finish(f, r, NI_ERR_CANCELLED, "the fetcher stopped");
    }
}
