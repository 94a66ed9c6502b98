/* support_kafka.c: Kafka helpers for the worker tests (produce, read back, commits, worker). */
#include "support_kafka.h"

#include "entities/entities.h"
#include "kafka/worker.h"
#include "support.h"
#include "support_proc.h"
#include "support_spawn.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int support_wait(int (*cond)(void *), void *arg, int timeout_ms)
{
    for (int waited = 0;; waited += 50) {
        int v = cond(arg);
        if (v || waited >= timeout_ms) return v;
        sleep_ms(50);
    }
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstraps, const char *group)
{
    char err[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    int ok = rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, err, sizeof err) == 0 &&
             rd_kafka_conf_set(c, "log_level", "2", err, sizeof err) == 0 &&
             (!group || rd_kafka_conf_set(c, "group.id", group, err, sizeof err) == 0) &&
             (type != RD_KAFKA_CONSUMER ||
              rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof err) == 0);
    cr_assert(ok, "test client config: %s", err);
    rd_kafka_t *rk = rd_kafka_new(type, c, err, sizeof err);
    cr_assert_not_null(rk, "test client: %s", err);
    return rk;
}

const char *support_page_url(int i)
{
    static __thread char url[64];
    snprintf(url, sizeof url, "https://news.example/story-%d", i);
    return url;
}

const char *support_page(int i)
{
    static __thread char page[1024];
    if (i % 2 == 0)
        snprintf(page, sizeof page,
                 "مكتبة جديدة تفتح أبوابها في حي الميناء رقم %d\n\n"
                 "افتتحت البلدية صباح اليوم مكتبة عامة جديدة في حي الميناء تضم أكثر من عشرة آلاف "
                 "كتاب وقاعة للمطالعة وركنا للأطفال.\n\n"
                 "وقال مدير المكتبة إن ساعات العمل تمتد من التاسعة صباحا حتى الثامنة مساء طوال "
                 "أيام الأسبوع باستثناء يوم الجمعة.\n",
                 i);
    else
        snprintf(page, sizeof page,
                 "New library opens in the harbour district, story %d\n\n"
                 "The city council opened a new public library in the harbour district this "
                 "morning, with more than ten thousand books, a reading room and a corner for "
                 "children.\n\n"
                 "The director said the library will be open from nine in the morning until eight "
                 "in the evening every day except Friday.\n",
                 i);
    return page;
}

static void produce_one(rd_kafka_t *rk, const char *topic, const char *key, const void *value,
                        size_t len, const char *const *hdr_kv)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(4);
    for (size_t i = 0; hdr_kv && hdr_kv[i]; i += 2)
        rd_kafka_header_add(h, hdr_kv[i], -1, hdr_kv[i + 1], -1);
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
                                    RD_KAFKA_V_VALUE((void *)value, len), RD_KAFKA_V_HEADERS(h),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(rk, 50);
    cr_assert_eq(err, 0, "produce: %s", rd_kafka_err2str(err));
}

static int failed_deliveries;
static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    if (m->err) __atomic_add_fetch(&failed_deliveries, 1, __ATOMIC_SEQ_CST);
}

static rd_kafka_t *producer(const char *bootstraps)
{
    char err[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, err, sizeof err);
    rd_kafka_conf_set(c, "log_level", "2", err, sizeof err);
    rd_kafka_conf_set(c, "enable.idempotence", "true", err, sizeof err);
    rd_kafka_conf_set(c, "message.max.bytes", "33554432", err, sizeof err); /* oversize tests */
    rd_kafka_conf_set_dr_msg_cb(c, on_dr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
    cr_assert_not_null(rk, "test producer: %s", err);
    return rk;
}

static void producer_done(rd_kafka_t *rk)
{
    cr_assert_eq(rd_kafka_flush(rk, 30000), 0, "test producer: flush timed out");
    rd_kafka_destroy(rk);
    cr_assert_eq(__atomic_exchange_n(&failed_deliveries, 0, __ATOMIC_SEQ_CST), 0,
                 "test producer: deliveries failed");
}

void support_produce(const char *bootstraps, const char *topic, const char *key, const void *value,
                     size_t len, const char *const *hdr_kv)
{
    rd_kafka_t *rk = producer(bootstraps);
    produce_one(rk, topic, key, value, len, hdr_kv);
    producer_done(rk);
}

void support_produce_pages(const char *bootstraps, const char *topic, int first, int n)
{
    rd_kafka_t *rk = producer(bootstraps);
    for (int i = first; i < first + n; i++) {
        const char *page = support_page(i);
        const char *hdrs[] = {"url", support_page_url(i), "content-type", "text/plain", NULL};
        produce_one(rk, topic, support_page_url(i), page, strlen(page), hdrs);
    }
    producer_done(rk);
}

/* partitions_of: the topic's partition count from metadata (0 when unknown). */
static int partitions_of(rd_kafka_t *rk, const char *topic)
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

static void keep(support_msgs *out, const rd_kafka_message_t *m)
{
    out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
    cr_assert_not_null(out->v);
    support_msg *s = &out->v[out->n++];
    memset(s, 0, sizeof *s);
    s->partition = m->partition;
    s->offset = m->offset;
    if (m->key) {
        s->key = strndup(m->key, m->key_len);
        s->key_len = m->key_len;
    }
    s->value = malloc(m->len + 1);
    memcpy(s->value, m->payload ? m->payload : "", m->len);
    s->value[m->len] = 0;
    s->len = m->len;
    rd_kafka_headers_t *h = NULL;
    if (!rd_kafka_message_headers(m, &h) && h) s->hdrs = rd_kafka_headers_copy(h);
}

support_msgs support_consume(const char *bootstraps, const char *topic, size_t want, int timeout_ms)
{
    support_msgs out = {NULL, 0};
    static int readers;
    char group[64]; /* assign() needs a group; a fresh one that never commits */
    snprintf(group, sizeof group, "support-reader-%d-%d", (int)getpid(), readers++);
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, bootstraps, group);
    int np = partitions_of(rk, topic);
    cr_assert_gt(np, 0, "topic %s has no partitions", topic);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(np);
    for (int p = 0; p < np; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    cr_assert_eq(rd_kafka_assign(rk, l), 0);
    rd_kafka_topic_partition_list_destroy(l);
    for (int idle = 0; out.n < want && idle < timeout_ms;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            idle += 100;
            continue;
        }
        if (!m->err) {
            keep(&out, m);
            idle = 0;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

void support_msgs_free(support_msgs *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].key);
        free(m->v[i].value);
        if (m->v[i].hdrs) rd_kafka_headers_destroy(m->v[i].hdrs);
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

const char *support_header(const support_msg *m, const char *name)
{
    static __thread char buf[1024];
    const void *v;
    size_t n;
    if (!m->hdrs || rd_kafka_header_get_last(m->hdrs, name, &v, &n)) return NULL;
    snprintf(buf, sizeof buf, "%.*s", (int)n, (const char *)v);
    return buf;
}

int64_t support_committed(const char *bootstraps, const char *group, const char *topic,
                          int partitions)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, bootstraps, group);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++) rd_kafka_topic_partition_list_add(l, topic, p);
    int64_t sum = -1;
    if (rd_kafka_committed(rk, l, 10000) == 0) {
        sum = 0;
        for (int i = 0; i < l->cnt; i++)
            if (l->elems[i].offset > 0) sum += l->elems[i].offset;
    }
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    return sum;
}

struct support_worker {
    config cfg;
    metrics *m;
    health *h;
    kafka_worker *w;
    pthread_t thread;
    volatile sig_atomic_t stop, reload;
    int rc;
};

static void *worker_main(void *arg)
{
    support_worker *s = arg;
    char err[512] = "";
    s->rc = kafka_worker_run(s->w, &s->stop, &s->reload, err, sizeof err);
    if (s->rc) cr_log_info("worker stopped with: %s", err);
    return NULL;
}

support_worker *support_worker_start(const char *const *args)
{
    const char *argv[64] = {"run",
                            "--log-level",
                            "warn",
                            "--http-listen",
                            "127.0.0.1:0",
                            "-X",
                            "consumer.session.timeout.ms=6000",
                            "-X",
                            "consumer.heartbeat.interval.ms=500",
                            "--stats-interval-ms",
                            "500",
                            "--grace-ms",
                            "20000"};
    int argc = 13;
    for (size_t i = 0; args[i]; i++) {
        cr_assert_lt(argc, 63);
        argv[argc++] = args[i];
    }
    char *env[] = {NULL};
    support_worker *s = calloc(1, sizeof *s);
    char err[512] = "";
    cr_assert_eq(config_load(&s->cfg, argc, (char **)argv, env, err, sizeof err), 0, "config: %s",
                 err);
    s->m = metrics_create("test");
    s->h = health_create();
    if (!s->cfg.ner_model) s->cfg.ner_model = strdup(support_path("models/ner-ar.model"));
    if (!s->cfg.kb) s->cfg.kb = strdup(support_path("data/kb/entities.tsv"));
    ner_resources *ner = ner_resources_load(s->cfg.ner_model, s->cfg.kb, err, sizeof err);
    cr_assert_not_null(ner, "entity resources: %s", err);
    s->w = kafka_worker_create(&s->cfg, ner, s->m, s->h, err, sizeof err);
    ner_resources_unref(ner); /* the worker holds its own reference */
    cr_assert_not_null(s->w, "worker: %s", err);
    cr_assert_eq(pthread_create(&s->thread, NULL, worker_main, s), 0);
    return s;
}

void support_worker_reload(support_worker *s)
{
    s->reload = 1;
}

void support_worker_signal(support_worker *s)
{
    s->stop = 1;
}

int support_worker_stop(support_worker *s)
{
    s->stop = 1;
    pthread_join(s->thread, NULL);
    int rc = s->rc;
    kafka_worker_destroy(s->w);
    health_destroy(s->h);
    metrics_destroy(s->m);
    config_free(&s->cfg);
    free(s);
    return rc;
}

metrics *support_worker_metrics(support_worker *w)
{
    return w->m;
}

health *support_worker_health(support_worker *w)
{
    return w->h;
}

kafka_embedded *support_cluster(int brokers, int partitions)
{
    const char *topics[] = {"pages", "articles", "pages.dlq", "entities"};
    char err[512] = "";
    kafka_embedded *e = kafka_embedded_create(brokers, partitions, topics, 4, err, sizeof err);
    cr_assert_not_null(e, "embedded cluster: %s", err);
    return e;
}

support_proc *support_broker_start(char *bs, size_t bslen)
{
    static int n;
    char file[4096];
    snprintf(file, sizeof file, "%s/bootstrap-%d", support_tmpdir(), n++);
    char *argv[] = {(char *)support_cli(), "broker", "--bootstrap-file", file, NULL};
    support_proc *p = support_spawn(argv, NULL);
    cr_assert(support_wait_file(file, 15000), "broker helper wrote no bootstrap file: %s",
              support_proc_stderr(p));
    char *list = support_read(file, NULL);
    list[strcspn(list, "\r\n")] = '\0';
    cr_assert_gt(strlen(list), 0);
    snprintf(bs, bslen, "%s", list);
    free(list);
    return p;
}
