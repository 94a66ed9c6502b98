/* fetch_bench.c: the fetcher's throughput, per-URL latency and memory against a local server.
 * Not a test: it prints figures. Usage: news-ingest-fetch-bench PORT [-n URLS] [-H HOSTS]
 * [-c CONCURRENCY] [-d HOST_DELAY_MS] [-p PATH]: URLs http://127.0.0.<1..HOSTS>:PORT<PATH>?i=<k>,
 * round-robin over the hosts (defaults 1000, 50, 16, 1000, /page/en-html-wind-farm.html). The
 * latency of a URL is from its submission to its callback: queueing behind the host delay and
 * the concurrency cap included, which is what a message waits for its page. */
#include "fetch/fetch.h"
#include "util/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct tally {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    double *lat;
    size_t n, ok, want;
    unsigned long long bytes;
} tally;

static void on_done(void *opaque, fetch_result *r)
{
    tally *t = opaque;
    pthread_mutex_lock(&t->lock);
    t->lat[t->n++] = r->seconds;
    t->ok += r->rc == NI_OK;
    t->bytes += r->len;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    fetch_result_destroy(r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return n ? v[i] : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: news-ingest-fetch-bench PORT [-n URLS] [-H HOSTS] "
                        "[-c CONCURRENCY] [-d HOST_DELAY_MS] [-p PATH]\n");
        return 2;
    }
    int port = atoi(argv[1]), n = 1000, hosts = 50, opt;
    const char *path = "/page/en-html-wind-farm.html";
    fetch_options o;
    fetch_options_default(&o);
    optind = 2;
    while ((opt = getopt(argc, argv, "n:H:c:d:p:")) != -1) {
        if (opt == 'n') n = atoi(optarg);
        if (opt == 'H') hosts = atoi(optarg);
        if (opt == 'c') o.concurrency = atoi(optarg);
        if (opt == 'd') o.host_delay_ms = atol(optarg);
        if (opt == 'p') path = optarg;
    }
    char err[256];
    fetcher *f = fetcher_create(&o, err, sizeof err);
    if (!f || n < 1 || hosts < 1 || hosts > 254) {
        fprintf(stderr, "fetch-bench: %s\n", f ? "bad -n or -H" : err);
        return 2;
    }
    tally t = {PTHREAD_MUTEX_INITIALIZER,
               PTHREAD_COND_INITIALIZER,
               calloc((size_t)n, sizeof(double)),
               0,
               0,
               (size_t)n,
               0};
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.%d:%d%s?i=%d", 1 + i % hosts, port, path, i);
        fetcher_submit(f, url, on_done, &t, err, sizeof err);
    }
    pthread_mutex_lock(&t.lock);
    while (t.n < t.want) pthread_cond_wait(&t.cond, &t.lock);
    pthread_mutex_unlock(&t.lock);
    double wall = now_s() - t0;
    fetch_stats st;
    fetcher_stats_get(f, &st);
    fetcher_destroy(f);
    qsort(t.lat, t.n, sizeof *t.lat, cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("urls %d over %d hosts, concurrency %d, host delay %ld ms: %zu ok, %.2f s wall\n", n,
           hosts, o.concurrency, o.host_delay_ms, t.ok, wall);
    printf("throughput %.1f pages/s, %.2f MB/s (decoded bodies)\n", t.n / wall,
           (double)t.bytes / 1e6 / wall);
    printf("latency per URL (submit to callback): p50 %.3f s, p99 %.3f s, max %.3f s\n",
           pct(t.lat, t.n, 0.5), pct(t.lat, t.n, 0.99), t.lat[t.n - 1]);
    printf("cpu %.2f s user + %.2f s sys; peak RSS %.1f MB\n",
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss / 1024.0);
    free(t.lat);
    return t.ok == (size_t)n ? 0 : 1;
}
