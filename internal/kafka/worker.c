/* worker.c: the worker's lifecycle (clients, threads, fetcher; destroy), its shared state
 * (fatal error, locked tickets), the Kafka clients' callbacks and the model + KB reload. The
 * loop and drain are in worker_loop.c, the job queue in worker_jobs.c, outputs and retries in
 * worker_output.c, offsets and rebalances in worker_rebalance.c. */
#include "kafka/kafka.h"
#include "log/log.h"
#include "util/err.h"
#include "worker_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kafka_worker_fatal_set: the first fatal error wins; thread-safe. */
void kafka_worker_fatal_set(kafka_worker *w, const char *why)
{
    pthread_mutex_lock(&w->mu);
    if (!w->fatal[0]) snprintf(w->fatal, sizeof w->fatal, "%s", why);
    pthread_mutex_unlock(&w->mu);
}

int kafka_worker_fatal_has(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    int f = w->fatal[0] != '\0';
    pthread_mutex_unlock(&w->mu);
    return f;
}

void kafka_worker_ticket_ref(kafka_worker *w, kafka_ticket *t)
{
    pthread_mutex_lock(&w->mu);
    kafka_ticket_ref(t);
    pthread_mutex_unlock(&w->mu);
}

void kafka_worker_ticket_done(kafka_worker *w, kafka_ticket *t)
{
    pthread_mutex_lock(&w->mu);
    kafka_ticket_done(w->offsets, t);
    pthread_mutex_unlock(&w->mu);
}

long kafka_worker_inflight(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    long n = kafka_offsets_inflight(w->offsets);
    pthread_mutex_unlock(&w->mu);
    return n;
}

/* ner_swap: r becomes the current pair (the worker takes over the caller's reference); the old
 * one is given back once the messages using it are done. */
static void ner_swap(kafka_worker *w, ner_resources *r)
{
    pthread_mutex_lock(&w->nmu);
    ner_resources *old = w->ner;
    w->ner = r;
    pthread_mutex_unlock(&w->nmu);
    ner_resources_unref(old);
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    kafka_worker *w = opaque;
    char why[128];
    if (metrics_stats_apply(w->m, json, len, why, sizeof why))
        log_warn("statistics not understood", "error", why);
    return 0; /* librdkafka frees json */
}

/* read_blocked: err says the consumer could not read a fetch response larger than its
 * receive.message.max.bytes; remembered for kafka_worker_blocked. */
static int read_blocked(kafka_worker *w, rd_kafka_t *rk, int err, const char *reason)
{
    if (rk != w->consumer || err != RD_KAFKA_RESP_ERR__BAD_MSG || !reason ||
        !strstr(reason, "receive.message.max.bytes"))
        return 0;
    pthread_mutex_lock(&w->mu);
    w->blocked_until = kafka_mono_ms() + KAFKA_BLOCKED_HOLD_MS;
    snprintf(w->blocked, sizeof w->blocked, "%s", reason);
    pthread_mutex_unlock(&w->mu);
    return 1;
}

int kafka_worker_blocked(kafka_worker *w, char *why, size_t whylen)
{
    pthread_mutex_lock(&w->mu);
    int b = w->blocked_until && kafka_mono_ms() < w->blocked_until;
    if (b) snprintf(why, whylen, "%s", w->blocked);
    pthread_mutex_unlock(&w->mu);
    return b;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    kafka_worker *w = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[256], msg[512];
        rd_kafka_fatal_error(rk, why, sizeof why);
        snprintf(msg, sizeof msg, "%s: fatal error: %s", rd_kafka_name(rk), why);
        kafka_worker_fatal_set(w, msg);
        return;
    }
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && rk == w->producer) {
        w->producer_up = 0;
        health_producer_up_set(w->h, 0);
    }
    int blocked = read_blocked(w, rk, err, reason);
    /* the cause goes to /readyz; a new cause is logged once, its repeats (every reconnect) at
     * debug; a failed login or a message too large to read is an error: it will not heal
     * without a configuration change */
    char text[200];
    snprintf(text, sizeof text, "%s: %s", rd_kafka_err2str((rd_kafka_resp_err_t)err), reason);
    int is_new =
        health_client_error_set(w->h, err, text, err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN);
    int auth = err == RD_KAFKA_RESP_ERR__AUTHENTICATION;
    log_level l = !is_new ? LOG_DEBUG : auth || blocked ? LOG_ERROR : LOG_WARN;
    const char *msg = auth      ? "kafka authentication failed"
                      : blocked ? "kafka consumer cannot read a message batch; its partitions "
                                  "do not advance until consumer.receive.message.max.bytes is "
                                  "raised"
                                : "kafka client error";
    log_write(l, msg, "client", rd_kafka_name(rk), "error",
              rd_kafka_err2str((rd_kafka_resp_err_t)err), "reason", reason, (const char *)NULL);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    log_level l = level <= 3   ? LOG_ERROR
                  : level == 4 ? LOG_WARN
                  : level <= 6 ? LOG_INFO
                               : LOG_DEBUG;
    log_write(l, buf, "client", rd_kafka_name(rk), "facility", fac, (const char *)NULL);
}

/* kafka_worker_producer_check: until a metadata request succeeds, one try a second (readiness). */
void kafka_worker_producer_check(kafka_worker *w)
{
    if (w->producer_up || kafka_mono_ms() < w->up_check) return;
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(w->producer, 0, NULL, &md, 200) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(md);
        w->producer_up = 1;
        health_producer_up_set(w->h, 1);
        log_info("producer reached the brokers");
        return;
    }
    w->up_check = kafka_mono_ms() + 1000;
}

static void *loader_main(void *arg)
{
    kafka_worker *w = arg;
    char err[512] = "";
    double t0 = kafka_mono_s();
    ner_resources *r = ner_resources_load(w->cfg->ner_model, w->cfg->kb, err, sizeof err);
    if (r) {
        ner_swap(w, r);
        char ms[32];
        snprintf(ms, sizeof ms, "%.0f", (kafka_mono_s() - t0) * 1000);
        log_info("entity model and knowledge base reloaded", "model", w->cfg->ner_model, "kb",
                 w->cfg->kb, "ms", ms);
    } else {
        log_error("entity reload failed; the previous model and knowledge base stay", "error", err);
    }
    metrics_ner_reload_inc(w->m, r != NULL);
    atomic_store(&w->loading, 2);
    return NULL;
}

/* kafka_worker_reload_serve: joins a finished loader; starts one when asked and none runs. */
void kafka_worker_reload_serve(kafka_worker *w, volatile sig_atomic_t *reload)
{
    if (atomic_load(&w->loading) == 2) {
        pthread_join(w->loader, NULL);
        atomic_store(&w->loading, 0);
    }
    if (!reload || !*reload || atomic_load(&w->loading)) return;
    *reload = 0;
    if (!w->cfg->ner_model || !w->cfg->kb) {
        log_error("entity reload asked, but no model and knowledge base paths are configured");
        metrics_ner_reload_inc(w->m, 0);
        return;
    }
    log_info("reloading the entity model and knowledge base", "model", w->cfg->ner_model, "kb",
             w->cfg->kb);
    atomic_store(&w->loading, 1);
    if (pthread_create(&w->loader, NULL, loader_main, w)) {
        atomic_store(&w->loading, 0);
        log_error("entity reload: cannot start a thread");
        metrics_ner_reload_inc(w->m, 0);
    }
}

/* client: a consumer or producer with the worker's callbacks; NULL with errstr filled. */
static rd_kafka_t *client(kafka_worker *w, config_scope role, char *errstr, size_t errlen)
{
    rd_kafka_conf_t *c = NULL;
    if (kafka_conf_new(w->cfg, role, &c, errstr, errlen)) return NULL;
    char mmb[32] = "1000000";
    size_t mmb_len = sizeof mmb;
    if (role == CONFIG_SCOPE_PRODUCER) {
        rd_kafka_conf_get(c, "message.max.bytes", mmb, &mmb_len);
        w->max_message_bytes = (size_t)strtoull(mmb, NULL, 10);
    }
    rd_kafka_conf_set_opaque(c, w);
    rd_kafka_conf_set_error_cb(c, on_error);
    rd_kafka_conf_set_log_cb(c, on_log);
    if (role == CONFIG_SCOPE_CONSUMER) {
        rd_kafka_conf_set_rebalance_cb(c, kafka_worker_on_rebalance);
        rd_kafka_conf_set_stats_cb(c, on_stats);
        rd_kafka_conf_set_offset_commit_cb(c, kafka_worker_on_commit);
    } else {
        rd_kafka_conf_set_dr_msg_cb(c, kafka_worker_on_delivery);
    }
    char why[512];
    rd_kafka_type_t type = role == CONFIG_SCOPE_CONSUMER ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
    rd_kafka_t *rk = rd_kafka_new(type, c, why, sizeof why);
    if (!rk) {
        rd_kafka_conf_destroy(c); /* rd_kafka_new takes it only on success */
        ni_err_set(errstr, errlen, NI_ERR_INVALID, "%s: %s",
                   role == CONFIG_SCOPE_CONSUMER ? "consumer" : "producer", why);
    }
    return rk;
}

static int subscribe(kafka_worker *w, char *errstr, size_t errlen)
{
    rd_kafka_poll_set_consumer(w->consumer);
    rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(t, w->cfg->input_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(w->consumer, t);
    rd_kafka_topic_partition_list_destroy(t);
    if (!err) return NI_OK;
    return ni_err_set(errstr, errlen, NI_ERR_INVALID, "subscribe to %s: %s", w->cfg->input_topic,
                      rd_kafka_err2str(err));
}

/* fetch_start: the fetcher when --fetch is on. */
static int fetch_start(kafka_worker *w, char *errstr, size_t errlen)
{
    const config *c = w->cfg;
    if (!c->fetch) return NI_OK;
    fetch_options o;
    fetch_options_default(&o);
    o.concurrency = c->fetch_concurrency;
    o.host_delay_ms = c->fetch_host_delay_ms;
    o.timeout_ms = c->fetch_timeout_ms;
    o.retries = c->fetch_retries;
    o.ignore_robots = c->fetch_ignore_robots;
    o.max_bytes = c->max_bytes ? c->max_bytes : PAGE_DEFAULT_MAX_BYTES;
    if (c->fetch_user_agent && *c->fetch_user_agent) o.user_agent = c->fetch_user_agent;
    o.ca_file = c->fetch_ca_file;
    w->fetch = fetcher_create(&o, errstr, errlen);
    return w->fetch ? NI_OK : NI_ERR_INVALID;
}

kafka_worker *kafka_worker_create(const config *cfg, ner_resources *ner, metrics *m, health *h,
                                  char *errstr, size_t errlen)
{
    kafka_worker *w = calloc(1, sizeof *w);
    if (!w) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->cfg = cfg;
    w->m = m;
    w->h = h;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->qmu, NULL);
    pthread_mutex_init(&w->nmu, NULL);
    pthread_cond_init(&w->qcond, NULL);
    w->ner = ner ? ner_resources_ref(ner) : NULL;
    w->offsets = kafka_offsets_create();
    w->commits = kafka_commits_create();
    int ok = w->offsets && w->commits;
    if (!ok) ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    ok = ok && (w->producer = client(w, CONFIG_SCOPE_PRODUCER, errstr, errlen));
    ok = ok && (w->consumer = client(w, CONFIG_SCOPE_CONSUMER, errstr, errlen));
    ok = ok && !fetch_start(w, errstr, errlen);
    ok = ok && !kafka_worker_threads_start(w, errstr, errlen) && !subscribe(w, errstr, errlen);
    const char *outs[] = {cfg->output_topic, cfg->dlq_topic, cfg->entities_topic};
    for (size_t i = 0; ok && i < 3; i++)
        if (outs[i] && *outs[i]) metrics_delivery_errors_declare(m, outs[i]);
    if (!ok) {
        kafka_worker_destroy(w);
        return NULL;
    }
    return w;
}

void kafka_worker_destroy(kafka_worker *w)
{
    if (!w) return;
    fetcher_stop(w->fetch); /* before the threads: cancelled jobs come back to them */
    kafka_worker_threads_stop(w);
    fetcher_destroy(w->fetch);
    if (atomic_load(&w->loading)) pthread_join(w->loader, NULL);
    if (w->consumer) rd_kafka_destroy(w->consumer);
    if (w->producer) {
        rd_kafka_flush(w->producer, 0);
        rd_kafka_purge(w->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(w->producer, 0); /* purged delivery reports release their tickets */
        rd_kafka_destroy(w->producer);
    }
    kafka_worker_retries_free(w);
    kafka_offsets_destroy(w->offsets);
    kafka_commits_destroy(w->commits);
    ner_resources_unref(w->ner);
    pthread_cond_destroy(&w->qcond);
    pthread_mutex_destroy(&w->nmu);
    pthread_mutex_destroy(&w->qmu);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
