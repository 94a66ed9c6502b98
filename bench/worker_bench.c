/* worker_bench.c: the worker benchmark (issue 3): pages/s, MB/s, per-message latency and RSS of
 * `news-ingest run` through the embedded (mock) broker, next to a pass-through copy loop on the
 * same broker in the same run. Not a test: it prints figures.
 * Usage: news-ingest-worker-bench [SHARED_DIR] [-n MESSAGES] [-l LATENCY_MESSAGES] [-r RATE]
 *        [-t THREADS] [-X PROP=VALUE]... [-b BROKERS [-p BROKER_PID]]
 *        (-b: an outside broker, e.g. Apache Kafka from scripts/kafka.sh, holding empty topics
 *        pages, articles, pages.dlq, entities and copy; -p its process for the CPU figures)
 *        (defaults ../shared, 12000, 3000, 1000/s or half the
 *        measured worker rate when lower, online CPUs at most 16; THREADS goes to the worker as
 *        --threads, each -X as -X PROP=VALUE). The worker and the pipeline alone both annotate
 *        entities with the committed model and KB (models/, data/kb/ above the executable's
 *        directory). */
#include "config/config.h"
#include "entities/entities.h"
#include "kafka/kafka.h"
#include "pipeline/pipeline.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PARTITIONS "16"
#define INPUT_TOPIC "pages"
#define OUTPUT_TOPIC "articles"
#define DLQ_TOPIC "pages.dlq"
#define COPY_TOPIC "copy"
#define STALL_S 60.0       /* no progress for this long: the run fails */
#define METRICS_POLL_MS 10 /* /metrics polling period while the worker catches up */
#define MAX_SEEDS 256
#define MAX_X 8       /* -X properties passed on to the worker */
#define COPY_PASSES 3 /* pass-through passes (short and noisy: the median is compared) */

/* CPU seconds used by the client side (copy loop or worker) and by the broker. */
typedef struct cpu_use {
    double client, broker;
} cpu_use;

/* The seed pages, cycled as message values. */
typedef struct seeds {
    char *data[MAX_SEEDS];
    size_t len[MAX_SEEDS];
    size_t n;
} seeds;

/* Settings, the broker, and the figures measured. */
typedef struct bench {
    const char *shared;
    char bin[PATH_MAX];         /* the news-ingest executable next to this one */
    char dir[64];               /* temporary directory (bootstrap file) */
    char bsfile[128];           /* the broker's bootstrap file */
    char brokers[1024];         /* its bootstrap list */
    long n, lat_n;              /* preloaded and latency messages */
    double rate;                /* latency phase: messages/s (0 = automatic) */
    seeds s;                    /* seed pages */
    double bytes;               /* value bytes preloaded */
    double copy_s[COPY_PASSES]; /* pass-through: first consumed -> last delivery */
    int copy_med;               /* the median pass */
    double pipe_s, pipe_cpu;    /* the pipeline alone over the same pages, 1 thread */
    double worker_s;            /* worker: first consumed -> last record counted */
    double first_out_s;         /* worker: first consumed -> first output delivered */
    double steady_s, steady_n;  /* worker: from the first output on, pages consumed since */
    double articles, dlq;       /* the worker's counters at the end of the catch-up */
    double *lat;                /* latencies, ms */
    long lat_got;
    long hwm_kb, rss_kb; /* worker VmHWM, VmRSS */
    double drain_s;
    cpu_use copy_cpu[COPY_PASSES], worker_cpu; /* over the measured intervals */
    double threads[4]; /* worker CPU by thread kind at the end of the catch-up */
    int nthreads;      /* the worker's --threads */
    double events;     /* entity events delivered by the worker in the catch-up */
    char *x[MAX_X];    /* -X properties for the worker */
    int nx;
    int worker_status;
    char load0[64], load1[64];
    const char *outside; /* -b: an outside broker's bootstrap list (NULL: the mock) */
    pid_t outside_pid;   /* -p: its process (0: unknown) */
} bench;

static pid_t broker_pid, worker_pid; /* 0 once reaped */
static bench *current;               /* for cleanup: its temporary files */

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- child processes ---------------------------------------------------------------------- */

/* reap: waits up to timeout_s for pid; its wait status, or -1 when it is still running. */
static int reap(pid_t pid, double timeout_s)
{
    int st;
    for (double t0 = mono();; sleep_s(0.005)) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return st;
        if (r < 0 || mono() - t0 >= timeout_s) return r < 0 ? 0 : -1;
    }
}

/* stop_child: SIGTERM, then SIGKILL after timeout_s; *pid becomes 0. */
static void stop_child(pid_t *pid, double timeout_s)
{
    if (*pid <= 0) return;
    kill(*pid, SIGTERM);
    if (reap(*pid, timeout_s) < 0) {
        kill(*pid, SIGKILL);
        reap(*pid, 5);
    }
    *pid = 0;
}

/* cleanup (atexit): no child outlives the bench, even after an error. */
static void cleanup(void)
{
    stop_child(&worker_pid, 30);
    stop_child(&broker_pid, 10);
    if (current && current->dir[0]) {
        remove(current->bsfile); /* the broker removes it on a clean exit */
        rmdir(current->dir);
    }
}

static void on_signal(int sig)
{
    if (worker_pid > 0) kill(worker_pid, SIGKILL);
    if (broker_pid > 0) kill(broker_pid, SIGKILL);
    if (current && current->dir[0]) unlink(current->bsfile), rmdir(current->dir);
    _exit(128 + sig);
}

/* spawn: argv[0] = path; quiet sends the child's stdout to /dev/null. The child dies with us. */
static pid_t spawn(char *const *argv, int quiet)
{
    pid_t pid = fork();
    if (pid != 0) return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = quiet ? open("/dev/null", O_WRONLY) : -1;
    if (fd >= 0) dup2(fd, STDOUT_FILENO);
    execv(argv[0], argv);
    fprintf(stderr, "worker-bench: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* wait_bootstrap: the broker's bootstrap list from its file; 0 or -1. */
static int wait_bootstrap(bench *b)
{
    for (double t0 = mono(); mono() - t0 < 20; sleep_s(0.05)) {
        FILE *f = fopen(b->bsfile, "r");
        if (!f) {
            if (reap(broker_pid, 0) >= 0) return broker_pid = 0, -1;
            continue;
        }
        int ok = fgets(b->brokers, sizeof b->brokers, f) != NULL;
        fclose(f);
        b->brokers[strcspn(b->brokers, "\n")] = '\0';
        if (ok && b->brokers[0]) return 0;
    }
    return -1;
}

static int broker_start(bench *b)
{
    if (b->outside) { /* not ours: never signalled, only its CPU time read */
        snprintf(b->brokers, sizeof b->brokers, "%s", b->outside);
        return 0;
    }
    if (!mkdtemp(strcpy(b->dir, "/tmp/ni-worker-bench-XXXXXX"))) return -1;
    snprintf(b->bsfile, sizeof b->bsfile, "%s/bootstrap", b->dir);
    char *argv[] = {b->bin,    "broker",     "--partitions",     PARTITIONS, "--topic", INPUT_TOPIC,
                    "--topic", OUTPUT_TOPIC, "--topic",          DLQ_TOPIC,  "--topic", "entities",
                    "--topic", COPY_TOPIC,   "--bootstrap-file", b->bsfile,  NULL};
    broker_pid = spawn(argv, 1);
    if (broker_pid < 0 || wait_bootstrap(b)) {
        fprintf(stderr, "worker-bench: the broker did not start\n");
        return -1;
    }
    return 0;
}

/* free_port: a port the kernel just handed out on 127.0.0.1 (bound to 0, then closed). */
static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
        !getsockname(fd, (struct sockaddr *)&a, &len))
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* worker_start: `news-ingest run` on the broker, HTTP on port, plus the -X given to the bench. */
static int worker_start(bench *b, int port)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char threads[16];
    snprintf(threads, sizeof threads, "%d", b->nthreads);
    char *argv[18 + 2 * MAX_X] = {b->bin,          "run",     "--brokers",
                                  b->brokers,      "--group", "bench-worker",
                                  "--http-listen", listen,    "--log-level",
                                  "warn",          "-X",      "consumer.session.timeout.ms=6000",
                                  "--threads",     threads};
    int argc = 14;
    for (int i = 0; i < b->nx; i++) argv[argc++] = "-X", argv[argc++] = b->x[i];
    worker_pid = spawn(argv, 0);
    return worker_pid > 0 ? 0 : -1;
}

/* stat_cpu_s: user + system CPU seconds from a /proc stat file, -1 when unknown. */
static double stat_cpu_s(const char *path)
{
    char buf[1024];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* cpu_s: the CPU seconds of process pid (all its threads). */
static double cpu_s(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    return stat_cpu_s(path);
}

/* threads_cpu: the CPU seconds pid's threads have used so far: [0] its main thread, [1]
 * librdkafka's ("rdk:*"), [2] the pipeline threads ("ni:pipe*"), [3] the others (HTTP). */
static void threads_cpu(pid_t pid, double out[4])
{
    char path[64], comm[64];
    snprintf(path, sizeof path, "/proc/%d/task/*/comm", (int)pid);
    glob_t g;
    out[0] = out[1] = out[2] = out[3] = 0;
    if (glob(path, 0, NULL, &g)) return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");
        int ok = f && fgets(comm, sizeof comm, f);
        if (f) fclose(f);
        pid_t tid = (pid_t)atol(g.gl_pathv[i] + strlen(path) - strlen("*/comm"));
        strcpy(g.gl_pathv[i] + strlen(g.gl_pathv[i]) - strlen("comm"), "stat");
        double t = ok ? stat_cpu_s(g.gl_pathv[i]) : -1;
        int kind = tid == pid                     ? 0
                   : !strncmp(comm, "rdk:", 4)    ? 1
                   : !strncmp(comm, "ni:pipe", 7) ? 2
                                                  : 3;
        if (t > 0) out[kind] += t;
    }
    globfree(&g);
}

/* cpu_mark: CPU seconds of the client side (pid) and of the broker, now. */
static cpu_use cpu_mark(pid_t client)
{
    pid_t broker = current && current->outside ? current->outside_pid : broker_pid;
    return (cpu_use){cpu_s(client), broker > 0 ? cpu_s(broker) : 0};
}

/* cpu_since: the CPU used since m. */
static cpu_use cpu_since(pid_t client, cpu_use m)
{
    cpu_use now = cpu_mark(client);
    return (cpu_use){now.client - m.client, now.broker - m.broker};
}

/* ---- inputs and clients -------------------------------------------------------------------- */

static int seeds_load(bench *b)
{
    char pat[PATH_MAX];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/seeds/*.txt", b->shared);
    if (glob(pat, 0, NULL, &g)) {
        fprintf(stderr, "worker-bench: no pages match %s\n", pat);
        return -1;
    }
    for (size_t i = 0; i < g.gl_pathc && b->s.n < MAX_SEEDS; i++) {
        FILE *f = fopen(g.gl_pathv[i], "rb");
        char *buf = f ? malloc(1 << 20) : NULL;
        size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
        if (f) fclose(f);
        if (!len) {
            free(buf);
            continue;
        }
        b->s.data[b->s.n] = buf;
        b->s.len[b->s.n++] = len;
    }
    globfree(&g);
    return b->s.n ? 0 : -1;
}

static void seeds_free(seeds *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->data[i]);
}

/* client: a client built like the worker's (kafka_conf_new: same defaults and forced settings);
 * extra = NULL-terminated key/value pairs of this role. NULL after a message on stderr. */
static rd_kafka_t *client(const bench *b, config_scope role, const char *group,
                          const char *const *extra, void *opaque,
                          void (*dr)(rd_kafka_t *, const rd_kafka_message_t *, void *))
{
    config cfg = {.brokers = (char *)b->brokers, .group = (char *)group};
    char err[512];
    rd_kafka_conf_t *c = NULL;
    int rc = config_props_add(&cfg.props, role, "log_level", "3");
    for (size_t i = 0; !rc && extra && extra[i]; i += 2)
        rc = config_props_add(&cfg.props, role, extra[i], extra[i + 1]);
    if (!rc) rc = kafka_conf_new(&cfg, role, &c, err, sizeof err);
    config_props_free(&cfg.props);
    if (rc) {
        fprintf(stderr, "worker-bench: client: %s\n", err);
        return NULL;
    }
    rd_kafka_conf_set_opaque(c, opaque);
    if (dr) rd_kafka_conf_set_dr_msg_cb(c, dr);
    rd_kafka_type_t type = role == CONFIG_SCOPE_CONSUMER ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
    rd_kafka_t *rk = rd_kafka_new(type, c, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(c);
        fprintf(stderr, "worker-bench: client: %s\n", err);
    }
    return rk;
}

/* produce: one message with url and content-type headers, copied; 0 or -1. */
static int produce(rd_kafka_t *rk, const char *url, const void *value, size_t len)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(2);
    rd_kafka_header_add(h, "url", -1, url, -1);
    rd_kafka_header_add(h, "content-type", -1, "text/plain", -1);
    rd_kafka_resp_err_t e;
    while (
        (e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(INPUT_TOPIC), RD_KAFKA_V_KEY(url, strlen(url)),
                               RD_KAFKA_V_VALUE((void *)value, len), RD_KAFKA_V_HEADERS(h),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
        RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(rk, 10);
    if (!e) return 0;
    rd_kafka_headers_destroy(h);
    fprintf(stderr, "worker-bench: produce: %s\n", rd_kafka_err2str(e));
    return -1;
}

static int failed_deliveries;
static void count_failures(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    if (m->err) failed_deliveries++;
}

/* finish: flush and destroy a producer; 0 when every message was delivered. */
static int finish(rd_kafka_t *rk)
{
    int left = rd_kafka_flush(rk, 60000) ? rd_kafka_outq_len(rk) : 0;
    rd_kafka_destroy(rk);
    int failed = failed_deliveries;
    failed_deliveries = 0;
    if (left || failed) fprintf(stderr, "worker-bench: %d undelivered\n", left + failed);
    return left || failed ? -1 : 0;
}

/* partitions: the topic's partition count (0 when unknown). */
static int partitions(rd_kafka_t *rk, const char *topic)
{
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    int n = 0;
    if (rd_kafka_metadata(rk, 0, t, &md, 10000) == 0) {
        if (md->topic_cnt == 1 && !md->topics[0].err) n = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(t);
    return n;
}

/* held: messages the topic holds (sum of high - low watermarks), -1 when unknown. */
static long held(rd_kafka_t *rk, const char *topic)
{
    int np = partitions(rk, topic);
    long sum = np > 0 ? 0 : -1;
    for (int p = 0; p < np && sum >= 0; p++) {
        int64_t lo, hi;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000))
            sum = -1;
        else
            sum += (long)(hi - lo);
    }
    return sum;
}

/* preload: N pages (the seeds cycled, url unique per message), all delivered and all kept. */
static int preload(bench *b)
{
    rd_kafka_t *rk = client(b, CONFIG_SCOPE_PRODUCER, NULL, NULL, NULL, count_failures);
    if (!rk) return -1;
    char url[96];
    int rc = 0;
    for (long i = 0; i < b->n && !rc; i++) {
        size_t k = (size_t)i % b->s.n;
        snprintf(url, sizeof url, "https://bench.example/%ld", i);
        rc = produce(rk, url, b->s.data[k], b->s.len[k]);
        b->bytes += (double)b->s.len[k];
        rd_kafka_poll(rk, 0);
    }
    if (!rc && rd_kafka_flush(rk, 60000)) rc = -1;
    long kept = rc ? -1 : held(rk, INPUT_TOPIC);
    if (finish(rk) || rc) return -1;
    if (kept != b->n) {
        fprintf(stderr, "worker-bench: topic holds %ld of %ld (mock log limit?)\n", kept, b->n);
        return -1;
    }
    return 0;
}

/* ---- pass-through ---------------------------------------------------------------------------- */

typedef struct copy_loop {
    rd_kafka_t *consumer;
    long consumed, delivered, failed;
    double first, last; /* first consumed, last delivery report */
    cpu_use cpu0;       /* at the first consumed */
} copy_loop;

/* copy_delivered: the input offset is stored only after its copy is delivered (same partition
 * in and out, so delivery order is offset order). */
static void copy_delivered(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    copy_loop *c = opaque;
    if (m->err) {
        c->failed++;
        return;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, INPUT_TOPIC, m->partition)->offset =
        (int64_t)(intptr_t)m->_private + 1;
    rd_kafka_offsets_store(c->consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
    c->delivered++;
    c->last = mono();
}

/* copy_one: the value, key and headers unchanged to the copy topic; 0 or -1. */
static int copy_one(rd_kafka_t *p, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h)) h = NULL;
    if (h) h = rd_kafka_headers_copy(h);
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(
                p, RD_KAFKA_V_TOPIC(COPY_TOPIC), RD_KAFKA_V_PARTITION(m->partition),
                RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_VALUE(m->payload, m->len),
                RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_OPAQUE((void *)(intptr_t)m->offset), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(p, 10);
    if (!e) return 0;
    if (h) rd_kafka_headers_destroy(h);
    fprintf(stderr, "worker-bench: copy: %s\n", rd_kafka_err2str(e));
    return -1;
}

/* copy_run: consume -> produce until N copies are delivered (or a stall); 0 or -1. */
static int copy_run(bench *b, copy_loop *c, rd_kafka_t *p)
{
    int rc = 0;
    for (double seen = mono(); !rc && c->delivered + c->failed < b->n;) {
        int more = c->consumed < b->n;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c->consumer, more ? 10 : 0);
        rd_kafka_poll(p, more ? 0 : 10);
        if (m && !m->err) {
            if (!c->consumed++) c->first = mono(), c->cpu0 = cpu_mark(getpid());
            rc = copy_one(p, m);
            seen = mono();
        }
        if (m) rd_kafka_message_destroy(m);
        if (mono() - seen > STALL_S) rc = -1;
    }
    return rc || c->failed ? -1 : 0;
}

/* passthrough: one copy pass in its own consumer group; 0 or -1. */
static int passthrough(bench *b, int pass)
{
    static const char *const cons[] = {"session.timeout.ms", "6000", NULL};
    copy_loop c = {0};
    char group[32];
    snprintf(group, sizeof group, "bench-copy-%d", pass + 1);
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, INPUT_TOPIC, RD_KAFKA_PARTITION_UA);
    c.consumer = client(b, CONFIG_SCOPE_CONSUMER, group, cons, NULL, NULL);
    rd_kafka_t *p = client(b, CONFIG_SCOPE_PRODUCER, NULL, NULL, &c, copy_delivered);
    /* warm-up: the copy topic's metadata before the clock starts (else the first delivery
     * waits about 0.9 s for the lazy topic lookup) */
    int rc = c.consumer && p && partitions(p, COPY_TOPIC) > 0 ? 0 : -1;
    if (!rc) rc = !rd_kafka_subscribe(c.consumer, sub) ? copy_run(b, &c, p) : -1;
    if (!rc) b->copy_cpu[pass] = cpu_since(getpid(), c.cpu0);
    rd_kafka_topic_partition_list_destroy(sub);
    if (p && rd_kafka_flush(p, 10000)) rc = -1;
    if (c.consumer && !rc && rd_kafka_commit(c.consumer, NULL, 0)) rc = -1;
    if (c.consumer) rd_kafka_consumer_close(c.consumer), rd_kafka_destroy(c.consumer);
    if (p) rd_kafka_destroy(p);
    b->copy_s[pass] = c.last - c.first;
    if (rc)
        fprintf(stderr, "worker-bench: pass-through: %ld of %ld delivered, %ld failed\n",
                c.delivered, b->n, c.failed);
    return rc;
}

/* copy_median: the index of the median pass by time. */
static int copy_median(const bench *b)
{
    for (int i = 0; i < COPY_PASSES; i++) {
        int below = 0, same = 0;
        for (int j = 0; j < COPY_PASSES; j++) {
            below += b->copy_s[j] < b->copy_s[i];
            same += b->copy_s[j] == b->copy_s[i];
        }
        if (below <= COPY_PASSES / 2 && below + same > COPY_PASSES / 2) return i;
    }
    return 0;
}

/* ---- the pipeline alone ---------------------------------------------------------------------- */

/* ner_load: the committed model and KB (relative to the executable's directory's parent). */
static ner_resources *ner_load(const bench *b, char *err, size_t errlen)
{
    char dir[PATH_MAX], model[PATH_MAX + 32], kb[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s", b->bin);
    snprintf(model, sizeof model, "%s/../models/ner-ar.model", dirname(dir));
    snprintf(kb, sizeof kb, "%s/../data/kb/entities.tsv", dir);
    return ner_resources_load(model, kb, err, errlen);
}

/* pipeline_alone: the same N pages through pipeline_process in this process (no Kafka), with
 * entities and their events as the worker runs them: the ceiling of one worker pipeline
 * thread; 0 or -1. */
static int pipeline_alone(bench *b)
{
    char err[512], url[96];
    pipeline *p = pipeline_create(err, sizeof err);
    ner_resources *ner = p ? ner_load(b, err, sizeof err) : NULL;
    if (!ner) {
        fprintf(stderr, "worker-bench: pipeline: %s\n", err);
        pipeline_destroy(p);
        return -1;
    }
    int rc = 0;
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    double t0 = mono();
    for (long i = 0; i < b->n && !rc; i++) {
        size_t k = (size_t)i % b->s.n;
        snprintf(url, sizeof url, "https://bench.example/%ld", i);
        pipeline_input in = {.bytes = b->s.data[k],
                             .len = b->s.len[k],
                             .hints = {PAGE_TYPE_TEXT, NULL, 0},
                             .url = url,
                             .ner = ner,
                             .events = 1};
        pipeline_output out;
        pipeline_error perr;
        rc = pipeline_process(p, &in, &out, &perr);
        if (!rc)
            pipeline_output_free(&out);
        else
            fprintf(stderr, "worker-bench: pipeline: %s: %s\n", perr.stage, perr.message);
    }
    b->pipe_s = mono() - t0;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    b->pipe_cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    pipeline_destroy(p);
    ner_resources_unref(ner);
    return rc ? -1 : 0;
}

/* ---- the worker: catch-up through /metrics --------------------------------------------------- */

typedef struct text {
    char *p;
    size_t n;
} text;

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    text *t = arg;
    size_t add = size * nmemb;
    char *np = realloc(t->p, t->n + add + 1);
    if (!np) return 0;
    memcpy(np + t->n, data, add);
    t->p = np;
    t->n += add;
    t->p[t->n] = '\0';
    return add;
}

/* metric_sum: the sum of the samples whose line starts with prefix (name plus labels). */
static double metric_sum(const char *body, const char *prefix)
{
    double sum = 0;
    size_t n = strlen(prefix);
    for (const char *l = body; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (strncmp(l, prefix, n)) continue;
        const char *sp = strchr(l + n, ' ');
        if (sp) sum += strtod(sp + 1, NULL);
    }
    return sum;
}

/* The counters the catch-up watches. */
typedef struct counters {
    double consumed, articles, dlq, events;
} counters;

/* scrape: one GET /metrics; 0 with *c, -1 when the worker does not answer (yet). */
static int scrape(CURL *curl, counters *c)
{
    text t = {NULL, 0};
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    int rc = curl_easy_perform(curl) == CURLE_OK && t.p ? 0 : -1;
    if (!rc) {
        c->consumed = metric_sum(t.p, "news_ingest_messages_consumed_total{topic=\"" INPUT_TOPIC);
        c->articles = metric_sum(t.p, "news_ingest_records_produced_total{topic=\"" OUTPUT_TOPIC);
        c->dlq = metric_sum(t.p, "news_ingest_records_produced_total{topic=\"" DLQ_TOPIC);
        c->events = metric_sum(t.p, "news_ingest_records_produced_total{topic=\"entities");
    }
    free(t.p);
    return rc;
}

/* Catch-up marks: first consumed, first output delivered (and the consumed count then). */
typedef struct marks {
    double start, first_out, consumed_then;
    cpu_use cpu0;
} marks;

/* catch_up_mark: notes the first consumed and the first output. */
static void catch_up_mark(marks *k, const counters *c, double now)
{
    if (!k->start && c->consumed > 0) k->start = now, k->cpu0 = cpu_mark(worker_pid);
    if (!k->first_out && c->articles + c->dlq > 0)
        k->first_out = now, k->consumed_then = c->consumed;
}

/* catch_up_done: the figures once articles + dead letters reach N. */
static void catch_up_done(bench *b, const marks *k, const counters *c, double now)
{
    b->worker_s = now - k->start;
    b->steady_s = now - k->first_out;
    b->steady_n = (double)b->n - k->consumed_then;
    b->first_out_s = k->first_out - k->start;
    b->worker_cpu = cpu_since(worker_pid, k->cpu0);
    threads_cpu(worker_pid, b->threads);
    b->articles = c->articles;
    b->dlq = c->dlq;
    b->events = c->events;
}

/* catch_up: polls /metrics until articles + dead letters reach N; 0 or -1. */
static int catch_up(bench *b, CURL *curl)
{
    counters c = {0}, prev = {-1, -1, -1, -1};
    marks k = {0};
    for (double seen = mono();; sleep_s(METRICS_POLL_MS / 1000.0)) {
        if (reap(worker_pid, 0) >= 0) {
            worker_pid = 0;
            fprintf(stderr, "worker-bench: the worker exited\n");
            return -1;
        }
        if (scrape(curl, &c)) c = prev;
        double now = mono();
        catch_up_mark(&k, &c, now);
        if (c.articles + c.dlq >= (double)b->n) return catch_up_done(b, &k, &c, now), 0;
        if (memcmp(&c, &prev, sizeof c)) seen = now;
        if (now - seen > STALL_S) break;
        prev = c;
    }
    fprintf(stderr, "worker-bench: the worker stalled at %.0f records, %.0f dead letters\n",
            c.articles, c.dlq);
    return -1;
}

static int worker_catch_up(bench *b)
{
    int port = free_port();
    if (port < 0 || worker_start(b, port)) return -1;
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    CURL *curl = curl_easy_init();
    if (!curl) return -1;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    int rc = catch_up(b, curl);
    curl_easy_cleanup(curl);
    return rc;
}

/* ---- latency -----------------------------------------------------------------------------------
 */

typedef struct reader {
    bench *b;
    rd_kafka_t *rk;
    atomic_int sent_all; /* set by the sending side once its messages are delivered */
} reader;

/* sent_at: the send time (ms since the epoch) in a latency record's url, -1 if it is none. */
static long long sent_at(const rd_kafka_message_t *m)
{
    cJSON *r = cJSON_ParseWithLength(m->payload, m->len);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(r, "url");
    const char *s = cJSON_IsString(u) ? u->valuestring : NULL;
    const char *t = s && strstr(s, "/lat/") ? strstr(s, "?t=") : NULL;
    long long v = t ? strtoll(t + 3, NULL, 10) : -1;
    cJSON_Delete(r);
    return v;
}

static void *reader_main(void *arg)
{
    reader *r = arg;
    bench *b = r->b;
    for (double seen = mono(); b->lat_got < b->lat_n;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(r->rk, 50);
        long long t = m && !m->err ? sent_at(m) : -1;
        if (t >= 0) {
            b->lat[b->lat_got++] = (double)(wall_ms() - t);
            seen = mono();
        }
        if (m) rd_kafka_message_destroy(m);
        if (atomic_load(&r->sent_all) && mono() - seen > 15) break;
    }
    return NULL;
}

/* reader_assign: every output partition from its current end (nothing of the catch-up). */
static int reader_assign(rd_kafka_t *rk)
{
    int np = partitions(rk, OUTPUT_TOPIC), rc = np > 0 ? 0 : -1;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(np > 0 ? np : 1);
    for (int p = 0; p < np && !rc; p++) {
        int64_t lo, hi;
        rc = rd_kafka_query_watermark_offsets(rk, OUTPUT_TOPIC, p, &lo, &hi, 10000) ? -1 : 0;
        rd_kafka_topic_partition_list_add(l, OUTPUT_TOPIC, p)->offset = hi;
    }
    if (!rc && rd_kafka_assign(rk, l)) rc = -1;
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* paced_send: lat_n pages at b->rate per second, the send time in the url; 0 or -1. */
static int paced_send(bench *b)
{
    static const char *const prod[] = {"linger.ms", "0", NULL};
    rd_kafka_t *rk = client(b, CONFIG_SCOPE_PRODUCER, NULL, prod, NULL, count_failures);
    if (!rk) return -1;
    if (partitions(rk, INPUT_TOPIC) <= 0) { /* warm-up: else the first sends wait ~1 s */
        finish(rk);
        return -1;
    }
    struct timespec t0, due;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char url[128];
    int rc = 0;
    for (long i = 0; i < b->lat_n && !rc; i++) {
        double off = (double)i / b->rate;
        long long ns = (long long)t0.tv_nsec + (long long)((off - (double)(long)off) * 1e9);
        due.tv_sec = t0.tv_sec + (time_t)off + (time_t)(ns / 1000000000);
        due.tv_nsec = (long)(ns % 1000000000);
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
        size_t k = (size_t)i % b->s.n;
        snprintf(url, sizeof url, "https://bench.example/lat/%ld?t=%lld", i, wall_ms());
        rc = produce(rk, url, b->s.data[k], b->s.len[k]);
        rd_kafka_poll(rk, 0);
    }
    return finish(rk) || rc ? -1 : 0;
}

static int latency(bench *b)
{
    static const char *const cons[] = {"fetch.wait.max.ms", "10", "enable.auto.commit", "false",
                                       NULL};
    reader r = {.b = b};
    atomic_init(&r.sent_all, 0);
    b->lat = calloc((size_t)b->lat_n, sizeof *b->lat);
    r.rk = b->lat ? client(b, CONFIG_SCOPE_CONSUMER, "bench-latency", cons, NULL, NULL) : NULL;
    pthread_t th;
    int rc = r.rk && !reader_assign(r.rk) ? 0 : -1;
    if (!rc && pthread_create(&th, NULL, reader_main, &r)) rc = -1;
    if (!rc) {
        sleep_s(1); /* the reader's fetches started from the recorded ends */
        rc = paced_send(b);
        atomic_store(&r.sent_all, 1);
        pthread_join(th, NULL);
    }
    if (r.rk) rd_kafka_consumer_close(r.rk), rd_kafka_destroy(r.rk);
    return rc;
}

/* ---- figures --------------------------------------------------------------------------------- */

/* status_kb: a "Name:   123 kB" field of /proc/<pid>/status, -1 when absent. */
static long status_kb(pid_t pid, const char *name)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    size_t n = strlen(name);
    while (f && v < 0 && fgets(line, sizeof line, f))
        if (!strncmp(line, name, n) && line[n] == ':') v = strtol(line + n + 1, NULL, 10);
    if (f) fclose(f);
    return v;
}

static void loadavg(char *buf, size_t len)
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f || !fgets(buf, (int)len, f)) snprintf(buf, len, "unknown");
    if (f) fclose(f);
    char *sp = strchr(buf, ' ');
    for (int i = 0; sp && i < 2; i++) sp = strchr(sp + 1, ' ');
    if (sp) *sp = '\0'; /* the three averages */
    buf[strcspn(buf, "\n")] = '\0';
}

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        const char *v = strchr(line, ':');
        if (strncmp(line, "model name", 10) || !v) continue;
        snprintf(buf, len, "%s", v + 2);
        buf[strcspn(buf, "\n")] = '\0';
        break;
    }
    if (f) fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* pct: nearest-rank percentile of the sorted latencies. */
static double pct(const bench *b, double q)
{
    long i = (long)(q * (double)b->lat_got + 0.999999) - 1;
    return b->lat[i < 0 ? 0 : i];
}

/* report_rates: the throughput rows; the worker's share of the pass-through in *share. */
static void report_rates(const bench *b, double *share)
{
    int med = b->copy_med;
    double mb = b->bytes / 1e6, copy = (double)b->n / b->copy_s[med],
           alone = (double)b->n / b->pipe_s, work = (double)b->n / b->worker_s,
           steady = b->steady_n / b->steady_s;
    printf("| pass-through copy loop, median of %d passes | %.0f pages/s, %.1f MB/s (passes:",
           COPY_PASSES, copy, mb / b->copy_s[med]);
    for (int i = 0; i < COPY_PASSES; i++) printf(" %.0f", (double)b->n / b->copy_s[i]);
    printf(" pages/s) |\n| pipeline alone (1 thread, no Kafka) | %.0f pages/s, %.1f MB/s; %.0f us "
           "CPU/page |\n",
           alone, mb / b->pipe_s, 1e6 * b->pipe_cpu / (double)b->n);
    printf("| worker, first consumed -> %ld outputs | %.0f pages/s, %.1f MB/s: **%.0f%% of "
           "pass-through**, %.0f%% of the pipeline alone |\n",
           b->n, work, mb / b->worker_s, 100.0 * work / copy, 100.0 * work / alone);
    printf("| worker, steady (after its first output, %.2f s in) | %.0f pages/s, %.1f MB/s: %.0f%% "
           "of pass-through, %.0f%% of the pipeline alone |\n",
           b->first_out_s, steady, steady * b->bytes / (double)b->n / 1e6, 100.0 * steady / copy,
           100.0 * steady / alone);
    printf("| CPU in those intervals | median copy pass %.2f s + broker %.2f s; worker %.2f s "
           "(%.0f us/page) + broker %.2f s |\n",
           b->copy_cpu[med].client, b->copy_cpu[med].broker, b->worker_cpu.client,
           1e6 * b->worker_cpu.client / (double)b->n, b->worker_cpu.broker);
    printf("| worker CPU by thread, since its start | main (consume, offsets, delivery reports) "
           "%.2f s (%.0f us/page), %d pipeline threads (pipeline, produce) %.2f s (%.0f us/page), "
           "librdkafka %.2f s, other %.2f s |\n",
           b->threads[0], 1e6 * b->threads[0] / (double)b->n, b->nthreads, b->threads[2],
           1e6 * b->threads[2] / (double)b->n, b->threads[1], b->threads[3]);
    *share = 100.0 * work / copy;
}

static void report(bench *b)
{
    char cpu[256];
    double share;
    cpu_model(cpu, sizeof cpu);
    qsort(b->lat, (size_t)b->lat_got, sizeof *b->lat, cmp_double);
    printf("\nworker benchmark: %ld seed text pages (%zu files cycled, %.1f MB, %.0f B/page), "
           "%s broker, %s partitions\n",
           b->n, b->s.n, b->bytes / 1e6, b->bytes / (double)b->n,
           b->outside ? "outside (-b)" : "embedded", b->outside ? "its own" : PARTITIONS);
    printf("machine: %ld cores (%s), shared by the broker, the worker and this bench; "
           "load average %s at start, %s at end\n\n| measure | value |\n|---|---|\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, b->load0, b->load1);
    report_rates(b, &share);
    printf("| worker outputs | %.0f records, %.0f dead letters, %.0f entity events |\n",
           b->articles, b->dlq, b->events);
    if (b->lat_got)
        printf("| latency at %.0f pages/s (%ld of %ld) | p50 %.0f ms, p99 %.0f ms, max %.0f ms |\n",
               b->rate, b->lat_got, b->lat_n, pct(b, 0.50), pct(b, 0.99), b->lat[b->lat_got - 1]);
    printf("| worker RSS | peak %.1f MB, steady %.1f MB |\n", (double)b->hwm_kb / 1024.0,
           (double)b->rss_kb / 1024.0);
    printf("| worker SIGTERM | exit %d, drained in %.2f s |\n", b->worker_status, b->drain_s);
    printf("\nworker: news-ingest run --threads %d, default settings plus "
           "consumer.session.timeout.ms=6000",
           b->nthreads);
    for (int i = 0; i < b->nx; i++) printf(", %s", b->x[i]);
    printf("\npass-through: same client settings (kafka_conf_new), value/key/headers copied to the "
           "same partition, offsets stored after delivery\nlatency: send time in the url (ms), "
           "sender linger.ms=0, reader fetch.wait.max.ms=10\n");
    printf("\ntargets: worker >= 50%% of pass-through: %s; steady RSS <= 128 MB: %s\n",
           share >= 50 ? "met" : "NOT met",
           b->rss_kb >= 0 && b->rss_kb <= 128 * 1024 ? "met" : "NOT met");
}

/* ---- main ------------------------------------------------------------------------------------ */

/* options: SHARED_DIR anywhere among the flags (POSIX getopt stops at the first operand). */
static int options(bench *b, int argc, char **argv)
{
    int c;
    while (optind < argc) {
        if ((c = getopt(argc, argv, "n:l:r:t:X:b:p:h")) == -1) {
            b->shared = argv[optind++];
            continue;
        }
        if (c == 'n')
            b->n = atol(optarg);
        else if (c == 'l')
            b->lat_n = atol(optarg);
        else if (c == 'r')
            b->rate = atof(optarg);
        else if (c == 't')
            b->nthreads = atoi(optarg);
        else if (c == 'X' && b->nx < MAX_X)
            b->x[b->nx++] = optarg;
        else if (c == 'b')
            b->outside = optarg;
        else if (c == 'p')
            b->outside_pid = (pid_t)atoi(optarg);
        else
            return -1;
    }
    if (!b->nthreads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        b->nthreads = n < 1 ? 1 : n > 16 ? 16 : (int)n;
    }
    return b->n > 0 && b->lat_n > 0 && b->rate >= 0 && b->nthreads > 0 ? 0 : -1;
}

/* locate: the news-ingest executable in this executable's directory. */
static int locate(bench *b)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return -1;
    self[n] = '\0';
    snprintf(b->bin, sizeof b->bin, "%s/news-ingest", dirname(self));
    return access(b->bin, X_OK);
}

/* shutdown: SIGTERM to the worker, timed until it exits; then the broker. */
static void shutdown_all(bench *b)
{
    double t0 = mono();
    kill(worker_pid, SIGTERM);
    int st = reap(worker_pid, 40);
    b->drain_s = mono() - t0;
    b->worker_status = st < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (st >= 0) worker_pid = 0;
    stop_child(&worker_pid, 0);
    stop_child(&broker_pid, 10);
}

static int phases(bench *b)
{
    printf("pipeline alone...\n");
    if (fflush(stdout), pipeline_alone(b)) return -1;
    printf("broker...\n");
    if (broker_start(b)) return -1;
    printf("preloading %ld pages...\n", b->n);
    if (fflush(stdout), preload(b)) return -1;
    for (int i = 0; i < COPY_PASSES; i++) {
        printf("pass-through copy loop, pass %d...\n", i + 1);
        if (fflush(stdout), passthrough(b, i)) return -1;
    }
    b->copy_med = copy_median(b);
    printf("worker catch-up...\n");
    if (fflush(stdout), worker_catch_up(b)) return -1;
    double half = (double)b->n / b->worker_s / 2;
    if (!b->rate) b->rate = half < 1000 ? half : 1000;
    printf("latency: %ld pages at %.0f/s...\n", b->lat_n, b->rate);
    if (fflush(stdout), latency(b)) return -1;
    b->hwm_kb = status_kb(worker_pid, "VmHWM");
    b->rss_kb = status_kb(worker_pid, "VmRSS");
    shutdown_all(b);
    return 0;
}

int main(int argc, char **argv)
{
    static bench b = {.shared = "../shared", .n = 12000, .lat_n = 3000};
    if (options(&b, argc, argv)) {
        fprintf(stderr,
                "usage: news-ingest-worker-bench [SHARED_DIR] [-n MESSAGES] "
                "[-l LATENCY_MESSAGES] [-r RATE] [-t THREADS] [-X WORKER_PROPERTY=VALUE]... "
                "[-b BROKERS [-p BROKER_PID]]\n");
        return 2;
    }
    if (locate(&b) || seeds_load(&b)) {
        fprintf(stderr, "worker-bench: needs news-ingest next to it and %s/seeds/*.txt\n",
                b.shared);
        return 1;
    }
    current = &b;
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    loadavg(b.load0, sizeof b.load0);
    int rc = phases(&b);
    loadavg(b.load1, sizeof b.load1);
    if (!rc) report(&b);
    curl_global_cleanup();
    seeds_free(&b.s);
    free(b.lat);
    return rc ? 1 : 0;
}
