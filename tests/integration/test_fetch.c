/* test_fetch.c: the fetcher against a real HTTP server on loopback (tests/support/http_fixture.py).
 */
#include "fetch/fetch.h"
#include "page/page.h"
#include "support.h"
#include "support_http.h"
#include "support_proc.h"
#include "support_spawn.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int port;

static void server_start(void)
{
    port = support_http_start(4);
}

TestSuite(fetch, .init = server_start, .fini = support_http_stop, .timeout = 120);

/* ---- one fetch, waited for ---- */

typedef struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    fetch_result **slots;
    size_t n, done;
} waiter;

static void on_done(void *opaque, fetch_result *r)
{
    waiter *w = opaque;
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < w->n; i++)
        if (!w->slots[i]) {
            w->slots[i] = r;
            break;
        }
    w->done++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void waiter_init(waiter *w, size_t n)
{
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->slots = calloc(n, sizeof *w->slots);
    w->n = n;
    w->done = 0;
}

static void waiter_wait(waiter *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->done < w->n) pthread_cond_wait(&w->cond, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

static void waiter_free(waiter *w)
{
    for (size_t i = 0; i < w->n; i++) fetch_result_destroy(w->slots[i]);
    free(w->slots);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
}

static fetch_options quick(void)
{
    fetch_options o;
    fetch_options_default(&o);
    o.host_delay_ms = 0;
    o.backoff_ms = 50;
    o.timeout_ms = 20000;
    return o;
}

static const char *url_of(int host, const char *path)
{
    return support_http_url(host, path);
}

/* fetch_one: fetches url with o and returns the result (caller destroys it). */
static fetch_result *fetch_one(const fetch_options *o, const char *url)
{
    char err[256];
    fetcher *f = fetcher_create(o, err, sizeof err);
    cr_assert_not_null(f, "%s", err);
    waiter w;
    waiter_init(&w, 1);
    cr_assert_eq(fetcher_submit(f, url, on_done, &w, err, sizeof err), NI_OK, "%s", err);
    waiter_wait(&w);
    fetcher_destroy(f);
    fetch_result *r = w.slots[0];
    w.slots[0] = NULL;
    waiter_free(&w);
    return r;
}

Test(fetch, page_bytes_type_date_and_final_url)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/page/en-html-wind-farm.html"));
    size_t len;
    char *want = support_read(support_path("examples/en-html-wind-farm.html"), &len);
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_eq(r->len, len);
    cr_assert_eq(memcmp(r->body, want, len), 0);
    cr_assert_str_eq(r->content_type, "text/html; charset=utf-8");
    cr_assert_eq(r->last_modified, 1793692800LL); /* Tue, 03 Nov 2026 08:00:00 GMT */
    cr_assert_str_eq(r->final_url, url_of(1, "/page/en-html-wind-farm.html"));
    cr_assert_eq(r->attempts, 1);
    cr_assert_eq(r->http_status, 200);
    free(want);
    fetch_result_destroy(r);
}

Test(fetch, redirect_chain_records_the_final_url)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/redirect/4/page/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_str_eq(r->url, url_of(1, "/redirect/4/page/en-text-library.txt"));
    cr_assert_str_eq(r->final_url, url_of(1, "/page/en-text-library.txt"));
    cr_assert_str_eq(r->content_type, "text/plain; charset=utf-8");
    fetch_result_destroy(r);
}

Test(fetch, more_than_five_redirects_fail_without_retry)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/redirect/6/page/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_ERR_FETCH, "rc %d: %s", r->rc, r->errstr);
    cr_assert_eq(r->attempts, 1);
    cr_assert_null(r->body);
    fetch_result_destroy(r);
}

Test(fetch, not_found_and_gone_are_client_errors_at_once)
{
    fetch_options o = quick();
    const char *paths[] = {"/status/404", "/status/410", "/status/403"};
    for (int i = 0; i < 3; i++) {
        fetch_result *r = fetch_one(&o, url_of(1, paths[i]));
        cr_assert_eq(r->rc, NI_ERR_HTTP_4XX, "%s: rc %d %s", paths[i], r->rc, r->errstr);
        cr_assert_eq(r->attempts, 1);
        cr_assert_eq(r->http_status, atoi(paths[i] + 8));
        cr_assert_str_eq(ni_err_reason(r->rc), "http_4xx");
        fetch_result_destroy(r);
    }
    cr_assert_eq(support_http_count("/status/404"), 1);
}

Test(fetch, unavailable_twice_then_one_page)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/flaky/a/2/page/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_eq(r->attempts, 3);
    cr_assert_eq(support_http_count("/flaky/a/"), 3);
    /* Retry-After: 1 wins over the 50 ms backoff: two waits of a second at least */
    cr_assert_geq(r->seconds, 2.0, "retried after %.3f s", r->seconds);
    fetch_result_destroy(r);
}

Test(fetch, retries_spent_end_as_fetch_failed_with_the_status)
{
    fetch_options o = quick();
    o.retries = 1;
    fetch_result *r = fetch_one(&o, url_of(1, "/flaky/b/9/page/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_ERR_FETCH, "rc %d", r->rc);
    cr_assert_eq(r->attempts, 2);
    cr_assert_eq(r->http_status, 503);
    cr_assert_not_null(strstr(r->errstr, "HTTP 503"), "%s", r->errstr);
    cr_assert_eq(support_http_count("/flaky/b/"), 2);
    fetch_result_destroy(r);
}

Test(fetch, slow_server_past_the_timeout)
{
    fetch_options o = quick();
    o.timeout_ms = 300;
    o.retries = 1;
    fetch_result *r = fetch_one(&o, url_of(1, "/slow/20"));
    cr_assert_eq(r->rc, NI_ERR_FETCH, "rc %d", r->rc);
    cr_assert_eq(r->attempts, 2);
    cr_assert_not_null(strstr(r->errstr, "timed out"), "%s", r->errstr);
    fetch_result_destroy(r);
}

Test(fetch, body_past_max_bytes_is_not_downloaded_whole)
{
    const char *paths[] = {"/big/50000000", "/big/50000000/length"};
    for (int i = 0; i < 2; i++) {
        fetch_options o = quick();
        o.max_bytes = 100000;
        char err[256];
        fetcher *f = fetcher_create(&o, err, sizeof err);
        waiter w;
        waiter_init(&w, 1);
        fetcher_submit(f, url_of(1, paths[i]), on_done, &w, err, sizeof err);
        waiter_wait(&w);
        fetch_stats st;
        fetcher_stats_get(f, &st);
        fetcher_destroy(f);
        cr_assert_eq(w.slots[0]->rc, NI_ERR_TOO_LARGE, "%s: rc %d %s", paths[i], w.slots[0]->rc,
                     w.slots[0]->errstr);
        cr_assert_null(w.slots[0]->body);
        cr_assert_lt(st.bytes, 5000000ull, "%s: %llu bytes read", paths[i], st.bytes);
        cr_assert_eq(st.too_large, 1);
        waiter_free(&w);
    }
}

Test(fetch, gzip_is_decoded)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/gzip/ar-html-olive-harvest.html"));
    size_t len;
    char *want = support_read(support_path("examples/ar-html-olive-harvest.html"), &len);
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_eq(r->len, len);
    cr_assert_eq(memcmp(r->body, want, len), 0);
    free(want);
    fetch_result_destroy(r);
}

Test(fetch, header_charset_reaches_page_decoding)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(1, "/cp1256/ar-text-desalination.txt"));
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_str_eq(r->content_type, "text/plain; charset=windows-1256");
    size_t len;
    char *want = support_read(support_path("examples/ar-text-desalination.txt"), &len);
    cr_assert_lt(r->len, len, "windows-1256 takes one byte per Arabic letter");
    const char *cs = strstr(r->content_type, "charset=") + 8;
    page_hints h = {PAGE_TYPE_TEXT, cs, 0};
    page *p = NULL;
    char err[256];
    cr_assert_eq(page_decode(r->body, r->len, &h, &p, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(p->charset, "windows-1256");
    cr_assert_not_null(strstr(p->text, "تحلية"), "decoded: %.200s", p->text);
    page_destroy(p);
    free(want);
    fetch_result_destroy(r);
}

Test(fetch, robots_disallow_is_honoured_unless_ignored)
{
    fetch_options o = quick();
    fetch_result *r = fetch_one(&o, url_of(2, "/private/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_ERR_ROBOTS, "rc %d %s", r->rc, r->errstr);
    cr_assert_str_eq(ni_err_reason(r->rc), "robots_disallowed");
    cr_assert_eq(r->attempts, 0);
    cr_assert_eq(support_http_count("/private/"), 0, "a disallowed URL was requested");
    cr_assert_geq(support_http_count("/robots.txt"), 1);
    fetch_result_destroy(r);
    o.ignore_robots = 1;
    r = fetch_one(&o, url_of(2, "/private/en-text-library.txt"));
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_eq(support_http_count("/private/"), 1);
    fetch_result_destroy(r);
}

Test(fetch, not_http_or_malformed)
{
    fetch_options o = quick();
    const char *urls[] = {"ftp://127.0.0.1/x", "not a url", ""};
    for (int i = 0; i < 3; i++) {
        fetch_result *r = fetch_one(&o, urls[i]);
        cr_assert_eq(r->rc, NI_ERR_FETCH, "%s: rc %d", urls[i], r->rc);
        cr_assert_eq(r->attempts, 0);
        fetch_result_destroy(r);
    }
}

/* begins: monotonic ms of every begin line for host (ip:port) and a path containing needle. */
static size_t begins(const char *host, const char *needle, long long *out, size_t cap)
{
    char *log = support_read(support_http_log(), NULL);
    size_t n = 0;
    for (char *l = strtok(log, "\n"); l; l = strtok(NULL, "\n")) {
        long long t;
        char kind[16], h[64], path[400];
        if (sscanf(l, "%lld %15s %63s %399s", &t, kind, h, path) == 4 && !strcmp(kind, "begin") &&
            !strcmp(h, host) && strstr(path, needle) && n < cap)
            out[n++] = t;
    }
    free(log);
    return n;
}

Test(fetch, one_host_spaced_by_the_delay_others_proceed)
{
    fetch_options o = quick();
    o.host_delay_ms = 700;
    char err[256];
    fetcher *f = fetcher_create(&o, err, sizeof err);
    waiter w;
    waiter_init(&w, 5);
    for (int i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof path, "/page/en-text-library.txt?n=%d", i);
        fetcher_submit(f, url_of(3, path), on_done, &w, err, sizeof err);
    }
    fetcher_submit(f, url_of(4, "/page/en-text-library.txt?other"), on_done, &w, err, sizeof err);
    waiter_wait(&w);
    fetcher_destroy(f);
    for (int i = 0; i < 5; i++) cr_assert_eq(w.slots[i]->rc, NI_OK, "%s", w.slots[i]->errstr);
    char h3[64], h4[64];
    snprintf(h3, sizeof h3, "127.0.0.3:%d", port);
    snprintf(h4, sizeof h4, "127.0.0.4:%d", port);
    long long t3[8], t4[2];
    size_t n3 = begins(h3, "/", t3, 8), n4 = begins(h4, "?other", t4, 2);
    cr_assert_eq(n3, 5, "robots.txt and 4 pages expected, %zu requests", n3);
    cr_assert_eq(n4, 1);
    for (size_t i = 1; i < n3; i++)
        cr_assert_geq(t3[i] - t3[i - 1], 700, "requests %zu and %zu to one host %lld ms apart",
                      i - 1, i, t3[i] - t3[i - 1]);
    cr_assert_lt(t4[0], t3[n3 - 1], "the other host waited for the first one");
    waiter_free(&w);
}

Test(fetch, concurrency_limits_transfers_in_all)
{
    fetch_options o = quick();
    o.concurrency = 2;
    o.ignore_robots = 1;
    char err[256];
    fetcher *f = fetcher_create(&o, err, sizeof err);
    waiter w;
    waiter_init(&w, 4);
    for (int h = 1; h <= 4; h++) fetcher_submit(f, url_of(h, "/slow/1"), on_done, &w, err, 256);
    waiter_wait(&w);
    fetcher_destroy(f);
    char *log = support_read(support_http_log(), NULL);
    int open = 0, most = 0;
    for (char *l = strtok(log, "\n"); l; l = strtok(NULL, "\n")) {
        if (!strstr(l, "/slow/1")) continue;
        open += strstr(l, " begin ") ? 1 : -1;
        if (open > most) most = open;
    }
    free(log);
    cr_assert_eq(most, 2, "at most %d transfers ran at once", most);
    waiter_free(&w);
}

Test(fetch, destroy_cancels_what_is_running_and_queued)
{
    fetch_options o = quick();
    o.ignore_robots = 1;
    char err[256];
    fetcher *f = fetcher_create(&o, err, sizeof err);
    waiter w;
    waiter_init(&w, 2);
    fetcher_submit(f, url_of(1, "/slow/30"), on_done, &w, err, sizeof err);
    fetcher_submit(f, url_of(1, "/slow/30?queued"), on_done, &w, err, sizeof err);
    while (support_http_count("/slow/30") < 1) support_sleep_ms(20);
    fetcher_destroy(f);
    cr_assert_eq(w.done, 2, "every callback ran before destroy returned");
    for (int i = 0; i < 2; i++) cr_assert_eq(w.slots[i]->rc, NI_ERR_CANCELLED);
    waiter_free(&w);
}

/* ---- robots.txt rules alone ---- */

Test(fetch_robots, groups_longest_match_and_wildcards)
{
    const char *txt = "User-agent: *\nDisallow: /\n\n"
                      "User-agent: other-bot\nUser-agent: news-ingest\n"
                      "Disallow: /news/private\nAllow: /news/private/open\n"
                      "Disallow: /*.pdf$\nDisallow: /tmp # comment\nDisallow:\n";
    cr_assert_eq(fetch_robots_allowed(txt, "news-ingest", "/news/1"), 1);
    cr_assert_eq(fetch_robots_allowed(txt, "NEWS-INGEST", "/news/private/x"), 0);
    cr_assert_eq(fetch_robots_allowed(txt, "news-ingest", "/news/private/open/a"), 1);
    cr_assert_eq(fetch_robots_allowed(txt, "news-ingest", "/a/b.pdf"), 0);
    cr_assert_eq(fetch_robots_allowed(txt, "news-ingest", "/a/b.pdf?x=1"), 1);
    cr_assert_eq(fetch_robots_allowed(txt, "news-ingest", "/tmp/x"), 0);
    cr_assert_eq(fetch_robots_allowed(txt, "someone-else", "/news/1"), 0, "the * group");
    cr_assert_eq(fetch_robots_allowed(txt, "news", "/news/private/x"), 0, "not a word match");
}

Test(fetch_robots, empty_and_tie)
{
    cr_assert_eq(fetch_robots_allowed("", "news-ingest", "/x"), 1);
    cr_assert_eq(fetch_robots_allowed("User-agent: *\nDisallow: /x\nAllow: /x\n", "a", "/x"), 1);
    cr_assert_eq(fetch_robots_allowed("Disallow: /\n", "a", "/x"), 1, "a rule outside any group");
}

/* ---- TLS ---- */

static char tls_dir[512];

/* tls_start: a CA and a certificate for 127.0.0.1 it signs (openssl), then the fixture with
 * https. */
static void tls_start(void)
{
    snprintf(tls_dir, sizeof tls_dir, "%s", support_tmpdir());
    char script[2048];
    snprintf(
        script, sizeof script,
        "set -e; cd '%s'; ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
        "openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=news-ingest-test-ca;"
        "openssl req $ec -keyout srv.key -out srv.csr -subj /CN=127.0.0.1;"
        "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext;"
        "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out srv.pem",
        tls_dir);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    support_run_result r;
    support_run(argv, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 0, "openssl: %s", r.err);
    support_run_result_free(&r);
    char cert[600], key[600];
    snprintf(cert, sizeof cert, "%s/srv.pem", tls_dir);
    snprintf(key, sizeof key, "%s/srv.key", tls_dir);
    port = support_http_start_tls(1, cert, key);
}

TestSuite(fetch_tls, .init = tls_start, .fini = support_http_stop, .timeout = 120);

Test(fetch_tls, verified_with_the_ca_refused_without)
{
    char url[512], ca[600];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/page/en-text-library.txt",
             support_http_tls_port());
    snprintf(ca, sizeof ca, "%s/ca.pem", tls_dir);
    fetch_options o = quick();
    o.ca_file = ca;
    fetch_result *r = fetch_one(&o, url);
    cr_assert_eq(r->rc, NI_OK, "%s", r->errstr);
    cr_assert_str_eq(r->content_type, "text/plain; charset=utf-8");
    fetch_result_destroy(r);
    o.ca_file = NULL; /* the system's CAs do not know this one */
    r = fetch_one(&o, url);
    cr_assert_eq(r->rc, NI_ERR_FETCH, "rc %d: %s", r->rc, r->errstr);
    cr_assert_eq(r->attempts, 1, "a certificate failure is not retried");
    cr_assert_null(r->body);
    fetch_result_destroy(r);
}
