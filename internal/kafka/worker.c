/* worker.c: the worker loop: message -> page -> record -> delivery -> commit, with DLQ. */
#include "kafka/worker.h"

#include "kafka/kafka.h"
#include "kafka/message.h"
#include "kafka/offsets.h"
#include "log/log.h"
#include "pipeline/pipeline.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_BACKOFF_MS 1000 /* between attempts of an output whose delivery failed */
#define HOUSEKEEPING_MS 5     /* offsets store, gauges, retries, liveness: at most this often */

/* An output whose delivery failed: produced again after RETRY_BACKOFF_MS. Owns its copies. */
typedef struct retry {
    struct retry *next;
    kafka_ticket *ticket;
    char *topic;
    void *key, *value;
    size_t key_len, len;
    rd_kafka_headers_t *hdrs;
    long long due_ms;
} retry;

struct kafka_worker {
    const config *cfg;
    metrics *m;
    health *h;
    rd_kafka_t *consumer, *producer;
    kafka_offsets *offsets;
    pipeline *pipe;
    retry *retries;
    int paused;             /* assignment paused by backpressure or drain */
    int producer_up;        /* a metadata request succeeded */
    long long up_check;     /* next producer check (monotonic ms) */
    long long deadline;     /* drain deadline (monotonic ms), 0 while running */
    long long housekeeping; /* next offsets store, gauges, retries (monotonic ms) */
    char fatal[512];        /* non-empty: stop with this error */
};

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* header_add: a NUL-terminated header value; printf-style. */
static void header_addf(rd_kafka_headers_t *h, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void header_addf(rd_kafka_headers_t *h, const char *name, const char *fmt, ...)
{
    char v[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    rd_kafka_header_add(h, name, -1, v, -1);
}

/* ---- retries of failed outputs ---------------------------------------------------------- */

/* retry_schedule: keeps copies of a failed output (the ticket's reference stays held); takes
 * hdrs (may be NULL). */
static void retry_schedule(kafka_worker *w, kafka_ticket *t, const char *topic, const void *key,
                           size_t key_len, const void *value, size_t len, rd_kafka_headers_t *hdrs)
{
    retry *r = calloc(1, sizeof *r);
    if (r) {
        r->topic = strdup(topic);
        r->key = key_len ? malloc(key_len) : NULL;
        r->value = len ? malloc(len) : NULL;
    }
    if (!r || !r->topic || (key_len && !r->key) || (len && !r->value)) {
        snprintf(w->fatal, sizeof w->fatal, "out of memory keeping a failed output for retry");
        if (r) free(r->topic), free(r->key), free(r->value), free(r);
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return;
    }
    if (key_len) memcpy(r->key, key, key_len);
    if (len) memcpy(r->value, value, len);
    r->key_len = key_len;
    r->len = len;
    r->hdrs = hdrs;
    r->ticket = t;
    r->due_ms = mono_ms() + RETRY_BACKOFF_MS;
    r->next = w->retries;
    w->retries = r;
}

static void retry_free(retry *r)
{
    free(r->topic);
    free(r->key);
    free(r->value);
    if (r->hdrs) rd_kafka_headers_destroy(r->hdrs);
    free(r);
}

/* retries_serve: produces every due retry again; a refused one waits another backoff. */
static void retries_serve(kafka_worker *w)
{
    long long now = mono_ms();
    for (retry **pp = &w->retries; *pp;) {
        retry *r = *pp;
        if (r->due_ms > now) {
            pp = &r->next;
            continue;
        }
        rd_kafka_headers_t *h = r->hdrs ? rd_kafka_headers_copy(r->hdrs) : NULL;
        rd_kafka_resp_err_t err = rd_kafka_producev(
            w->producer, RD_KAFKA_V_TOPIC(r->topic), RD_KAFKA_V_KEY(r->key, r->key_len),
            RD_KAFKA_V_VALUE(r->value, r->len), RD_KAFKA_V_HEADERS(h),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(r->ticket), RD_KAFKA_V_END);
        if (err) {
            if (h) rd_kafka_headers_destroy(h);
            r->due_ms = now + RETRY_BACKOFF_MS;
            pp = &r->next;
            continue;
        }
        kafka_ticket_retried(w->offsets, r->ticket);
        *pp = r->next;
        retry_free(r);
    }
}

/* ---- producing -------------------------------------------------------------------------- */

/* produce: one output of ticket t; QUEUE_FULL is waited out (serving delivery reports), never
 * dropped. On success the producer owns hdrs (and value when msgflags has F_FREE). */
static rd_kafka_resp_err_t produce(kafka_worker *w, const char *topic, const void *key,
                                   size_t key_len, void *value, size_t len,
                                   rd_kafka_headers_t *hdrs, int msgflags, kafka_ticket *t)
{
    rd_kafka_resp_err_t err;
    kafka_ticket_ref(t);
    while ((err = rd_kafka_producev(w->producer, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, len),
                                    RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(msgflags),
                                    RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(w->producer, 50);
    if (err) kafka_ticket_done(w->offsets, t); /* the worker's own reference keeps it open */
    return err;
}

static void source_headers(rd_kafka_headers_t *h, const rd_kafka_message_t *msg)
{
    header_addf(h, "ingest.source.topic", "%s", rd_kafka_topic_name(msg->rkt));
    header_addf(h, "ingest.source.partition", "%d", (int)msg->partition);
    header_addf(h, "ingest.source.offset", "%lld", (long long)msg->offset);
}

/* send_record: the record to the output topic, key = id. A refusal (e.g. larger than
 * message.max.bytes) fills *perr for the DLQ and returns its code. */
static int send_record(kafka_worker *w, const rd_kafka_message_t *msg, kafka_ticket *t,
                       pipeline_output *out, pipeline_error *perr)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(5);
    rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
    rd_kafka_header_add(h, "schema", -1, "news.article/1", -1);
    source_headers(h, msg);
    rd_kafka_resp_err_t err = produce(w, w->cfg->output_topic, out->id, strlen(out->id), out->json,
                                      out->len, h, RD_KAFKA_MSG_F_FREE, t);
    if (!err) return NI_OK;
    rd_kafka_headers_destroy(h);
    free(out->json);
    perr->stage = "produce";
    perr->code = err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? NI_ERR_TOO_LARGE : NI_ERR_DELIVERY;
    snprintf(perr->message, sizeof perr->message, "record not produced to %s: %s",
             w->cfg->output_topic, rd_kafka_err2str(err));
    return perr->code;
}

/* dlq_headers: the original headers plus the ingest.error.* and ingest.source.* ones. */
static rd_kafka_headers_t *dlq_headers(kafka_worker *w, const rd_kafka_message_t *msg,
                                       const pipeline_error *perr)
{
    rd_kafka_headers_t *orig = NULL;
    rd_kafka_headers_t *h = rd_kafka_message_headers(msg, &orig) || !orig
                                ? rd_kafka_headers_new(8)
                                : rd_kafka_headers_copy(orig);
    rd_kafka_timestamp_type_t tt;
    header_addf(h, "ingest.error.stage", "%s", perr->stage ? perr->stage : "unknown");
    header_addf(h, "ingest.error.reason", "%s", ni_err_reason(perr->code));
    header_addf(h, "ingest.error.message", "%s", perr->message);
    source_headers(h, msg);
    header_addf(h, "ingest.source.timestamp", "%lld",
                (long long)rd_kafka_message_timestamp(msg, &tt));
    header_addf(h, "ingest.worker", "%s", w->cfg->worker_id ? w->cfg->worker_id : "");
    return h;
}

/* send_dlq: the original bytes and key to the DLQ with the reason; a refused copy is kept for
 * retry (the partition stops advancing at it), never dropped. */
static void send_dlq(kafka_worker *w, const rd_kafka_message_t *msg, kafka_ticket *t,
                     const pipeline_error *perr)
{
    const char *reason = ni_err_reason(perr->code);
    metrics_dlq_inc(w->m, reason);
    log_warn("message sent to the dead-letter topic", "topic", rd_kafka_topic_name(msg->rkt),
             "stage", perr->stage, "reason", reason, "error", perr->message);
    rd_kafka_headers_t *h = dlq_headers(w, msg, perr);
    rd_kafka_resp_err_t err = produce(w, w->cfg->dlq_topic, msg->key, msg->key_len, msg->payload,
                                      msg->len, h, RD_KAFKA_MSG_F_COPY, t);
    if (!err) return;
    log_error("dead-letter copy refused; retrying", "topic", w->cfg->dlq_topic, "error",
              rd_kafka_err2str(err));
    kafka_ticket_ref(t);
    kafka_ticket_failed(w->offsets, t);
    retry_schedule(w, t, w->cfg->dlq_topic, msg->key, msg->key_len, msg->payload, msg->len, h);
}

/* ---- one message ------------------------------------------------------------------------ */

/* to_record: message -> page -> pipeline; NI_OK with *out, or the failure in *perr. */
static int to_record(kafka_worker *w, const rd_kafka_message_t *msg, pipeline_output *out,
                     pipeline_error *perr)
{
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_timestamp_type_t tt;
    if (rd_kafka_message_headers(msg, &hdrs)) hdrs = NULL;
    kafka_page pg;
    int rc = kafka_page_decode(msg->payload, msg->len, hdrs, rd_kafka_message_timestamp(msg, &tt),
                               w->cfg->max_bytes, &pg, perr->message, sizeof perr->message);
    if (rc) {
        perr->stage = "message";
        perr->code = rc;
        return rc;
    }
    char received[32], processed[32];
    kafka_time_iso(wall_ms(), received);
    record_ingest g = {
        rd_kafka_topic_name(msg->rkt),        (int)msg->partition, (long long)msg->offset, received,
        kafka_time_iso(wall_ms(), processed), NI_VERSION,          w->cfg->worker_id};
    pg.in.ingest = &g;
    rc = pipeline_process(w->pipe, &pg.in, out, perr);
    kafka_page_clear(&pg);
    return rc;
}

static void process(kafka_worker *w, const rd_kafka_message_t *msg)
{
    double t0 = mono_s();
    const char *topic = rd_kafka_topic_name(msg->rkt);
    metrics_consumed_inc(w->m, topic);
    kafka_ticket *t = kafka_offsets_track(w->offsets, topic, msg->partition, msg->offset);
    if (!t) {
        snprintf(w->fatal, sizeof w->fatal, "out of memory tracking an offset");
        return;
    }
    pipeline_output out;
    pipeline_error perr;
    int rc = to_record(w, msg, &out, &perr);
    if (rc == NI_OK) rc = send_record(w, msg, t, &out, &perr);
    if (rc != NI_OK) send_dlq(w, msg, t, &perr);
    kafka_ticket_done(w->offsets, t); /* the worker's own reference */
    metrics_processing_observe(w->m, mono_s() - t0);
}

/* ---- delivery, offsets, rebalances ------------------------------------------------------ */

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    kafka_worker *w = opaque;
    kafka_ticket *t = m->_private;
    const char *topic = rd_kafka_topic_name(m->rkt);
    if (!m->err || m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        if (!m->err) metrics_produced_inc(w->m, topic);
        kafka_ticket_done(w->offsets, t); /* purged: only at destroy, nothing is committed then */
        return;
    }
    char src[64];
    snprintf(src, sizeof src, "%d@%lld", (int)kafka_ticket_partition(t),
             (long long)kafka_ticket_offset(t));
    metrics_delivery_error_inc(w->m, topic);
    log_error("delivery failed; the input partition holds until a retry succeeds", "topic", topic,
              "error", rd_kafka_err2str(m->err), "source_topic", kafka_ticket_topic(t),
              "source_partition_offset", src);
    kafka_ticket_failed(w->offsets, t);
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h)) h = NULL;
    retry_schedule(w, t, topic, m->key, m->key_len, m->payload, m->len,
                   h ? rd_kafka_headers_copy(h) : NULL);
}

/* store_offsets: hands the committable offsets to the consumer (auto-commit commits them). */
static void store_offsets(kafka_worker *w, int all)
{
    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(w->offsets, all);
    if (!l) return;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(w->consumer, l);
    if (err && err != RD_KAFKA_RESP_ERR__STATE)
        log_warn("offsets not stored", "error", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(l);
}

static void set_paused(kafka_worker *w, int pause)
{
    rd_kafka_topic_partition_list_t *a = NULL;
    if (rd_kafka_assignment(w->consumer, &a)) return;
    if (pause)
        rd_kafka_pause_partitions(w->consumer, a);
    else
        rd_kafka_resume_partitions(w->consumer, a);
    rd_kafka_topic_partition_list_destroy(a);
    w->paused = pause;
}

static void assignment_changed(kafka_worker *w)
{
    rd_kafka_topic_partition_list_t *a = NULL;
    int n = 0;
    if (!rd_kafka_assignment(w->consumer, &a)) {
        n = a->cnt;
        rd_kafka_topic_partition_list_destroy(a);
    }
    health_assigned_set(w->h, n);
    metrics_assigned_set(w->m, n);
}

/* revoke: flush (bounded), commit what is complete, forget the partitions. */
static void revoke(kafka_worker *w, rd_kafka_topic_partition_list_t *parts)
{
    if (!rd_kafka_assignment_lost(w->consumer)) {
        int timeout = w->cfg->flush_timeout_ms;
        if (w->deadline) {
            long long left = w->deadline - mono_ms();
            timeout = left < 0 ? 0 : left < timeout ? (int)left : timeout;
        }
        rd_kafka_flush(w->producer, timeout);
        store_offsets(w, 1);
        rd_kafka_resp_err_t err = rd_kafka_commit(w->consumer, NULL, 0);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
            log_warn("commit at revoke failed", "error", rd_kafka_err2str(err));
    }
    for (int i = 0; i < parts->cnt; i++)
        kafka_offsets_forget(w->offsets, parts->elems[i].topic, parts->elems[i].partition);
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    kafka_worker *w = opaque;
    int coop = !strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE");
    char n[16];
    snprintf(n, sizeof n, "%d", parts->cnt);
    metrics_rebalances_inc(w->m);
    rd_kafka_error_t *e = NULL;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        log_info("partitions assigned", "count", n);
        if (coop)
            e = rd_kafka_incremental_assign(rk, parts);
        else
            rd_kafka_assign(rk, parts);
        if (w->paused) rd_kafka_pause_partitions(rk, parts);
    } else {
        log_info("partitions revoked", "count", n);
        revoke(w, parts);
        if (coop)
            e = rd_kafka_incremental_unassign(rk, parts);
        else
            rd_kafka_assign(rk, NULL);
    }
    if (e) {
        log_error("assignment change failed", "error", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
    assignment_changed(w);
}

/* ---- client callbacks ------------------------------------------------------------------- */

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    kafka_worker *w = opaque;
    char why[128];
    if (metrics_stats_apply(w->m, json, len, why, sizeof why))
        log_warn("statistics not understood", "error", why);
    return 0; /* librdkafka frees json */
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    kafka_worker *w = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[256];
        rd_kafka_fatal_error(rk, why, sizeof why);
        snprintf(w->fatal, sizeof w->fatal, "%s: fatal error: %s", rd_kafka_name(rk), why);
        return;
    }
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && rk == w->producer) {
        w->producer_up = 0;
        health_producer_up_set(w->h, 0);
    }
    log_warn("kafka client error", "client", rd_kafka_name(rk), "error",
             rd_kafka_err2str((rd_kafka_resp_err_t)err), "reason", reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    log_level l = level <= 3   ? LOG_ERROR
                  : level == 4 ? LOG_WARN
                  : level <= 6 ? LOG_INFO
                               : LOG_DEBUG;
    log_write(l, buf, "client", rd_kafka_name(rk), "facility", fac, (const char *)NULL);
}

/* check_producer: until a metadata request succeeds, one try a second (readiness). */
static void check_producer(kafka_worker *w)
{
    if (w->producer_up || mono_ms() < w->up_check) return;
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(w->producer, 0, NULL, &md, 200) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(md);
        w->producer_up = 1;
        health_producer_up_set(w->h, 1);
        log_info("producer reached the brokers");
        return;
    }
    w->up_check = mono_ms() + 1000;
}

/* ---- lifecycle -------------------------------------------------------------------------- */

/* client: a consumer or producer with the worker's callbacks; NULL with errstr filled. */
static rd_kafka_t *client(kafka_worker *w, config_scope role, char *errstr, size_t errlen)
{
    rd_kafka_conf_t *c = NULL;
    if (kafka_conf_new(w->cfg, role, &c, errstr, errlen)) return NULL;
    rd_kafka_conf_set_opaque(c, w);
    rd_kafka_conf_set_error_cb(c, on_error);
    rd_kafka_conf_set_log_cb(c, on_log);
    if (role == CONFIG_SCOPE_CONSUMER) {
        rd_kafka_conf_set_rebalance_cb(c, on_rebalance);
        rd_kafka_conf_set_stats_cb(c, on_stats);
    } else {
        rd_kafka_conf_set_dr_msg_cb(c, on_delivery);
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

kafka_worker *kafka_worker_create(const config *cfg, metrics *m, health *h, char *errstr,
                                  size_t errlen)
{
    kafka_worker *w = calloc(1, sizeof *w);
    if (!w) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->cfg = cfg;
    w->m = m;
    w->h = h;
    w->offsets = kafka_offsets_create();
    if (!w->offsets) ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    if (w->offsets) w->pipe = pipeline_create(errstr, errlen);
    if (w->pipe) w->producer = client(w, CONFIG_SCOPE_PRODUCER, errstr, errlen);
    if (w->producer) w->consumer = client(w, CONFIG_SCOPE_CONSUMER, errstr, errlen);
    if (!w->consumer || subscribe(w, errstr, errlen)) {
        kafka_worker_destroy(w);
        return NULL;
    }
    return w;
}

static void gauges(kafka_worker *w)
{
    metrics_inflight_set(w->m, kafka_offsets_inflight(w->offsets));
    int stuck = kafka_offsets_stuck(w->offsets);
    metrics_stuck_set(w->m, stuck);
    health_stuck_set(w->h, stuck);
}

/* backpressure: pause the assignment above max_inflight, resume at half of it. */
static void backpressure(kafka_worker *w)
{
    long n = kafka_offsets_inflight(w->offsets);
    if (!w->paused && n >= w->cfg->max_inflight) {
        set_paused(w, 1);
        log_debug("paused: too many messages in flight");
    } else if (w->paused && n <= w->cfg->max_inflight / 2) {
        set_paused(w, 0);
        log_debug("resumed");
    }
}

static void consumer_error(kafka_worker *w, const rd_kafka_message_t *msg)
{
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
    log_warn("consumer error", "topic", msg->rkt ? rd_kafka_topic_name(msg->rkt) : NULL, "error",
             rd_kafka_message_errstr(msg));
}

/* step: one turn of the loop: housekeeping, then at most one message. */
static void step(kafka_worker *w)
{
    long long now = mono_ms();
    if (now >= w->housekeeping) { /* at most every HOUSEKEEPING_MS while messages stream */
        w->housekeeping = now + HOUSEKEEPING_MS;
        health_beat(w->h);
        check_producer(w);
        retries_serve(w);
        store_offsets(w, 0);
        gauges(w);
    }
    rd_kafka_poll(w->producer, 0);
    backpressure(w);
    int busy = kafka_offsets_inflight(w->offsets) > 0;
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(w->consumer, busy ? 5 : 100);
    if (!msg) return;
    if (msg->err)
        consumer_error(w, msg);
    else
        process(w, msg);
    rd_kafka_message_destroy(msg);
}

/* drain: no more consuming; deliver what is in flight, commit, leave the group. */
static int drain(kafka_worker *w, char *errstr, size_t errlen)
{
    health_draining_set(w->h, 1);
    long long grace = w->cfg->grace_ms;
    w->deadline = mono_ms() + grace - grace / 5; /* a fifth is kept for commit and close */
    log_info("draining: consumption stopped");
    set_paused(w, 1);
    while (kafka_offsets_inflight(w->offsets) > 0 && mono_ms() < w->deadline) {
        health_beat(w->h);
        rd_kafka_poll(w->producer, 50);
        retries_serve(w);
        store_offsets(w, 0);
    }
    long long left = w->deadline - mono_ms();
    rd_kafka_flush(w->producer, left > 0 ? (int)left : 0);
    store_offsets(w, 1);
    rd_kafka_resp_err_t err = rd_kafka_commit(w->consumer, NULL, 0);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        log_warn("final commit failed", "error", rd_kafka_err2str(err));
    rd_kafka_consumer_close(w->consumer);
    gauges(w);
    long pending = kafka_offsets_inflight(w->offsets);
    if (pending)
        return ni_err_set(errstr, errlen, NI_ERR,
                          "grace period ran out with %ld messages undelivered; their offsets "
                          "stay uncommitted",
                          pending);
    log_info("drained: every consumed message delivered and committed");
    return NI_OK;
}

int kafka_worker_run(kafka_worker *w, volatile sig_atomic_t *stop, char *errstr, size_t errlen)
{
    while (!*stop && !w->fatal[0]) step(w);
    if (w->fatal[0]) {
        ni_err_set(errstr, errlen, NI_ERR, "%s", w->fatal);
        health_draining_set(w->h, 1);
        return NI_ERR;
    }
    return drain(w, errstr, errlen);
}

void kafka_worker_destroy(kafka_worker *w)
{
    if (!w) return;
    if (w->consumer) rd_kafka_destroy(w->consumer);
    if (w->producer) {
        rd_kafka_flush(w->producer, 0);
        rd_kafka_purge(w->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(w->producer, 0); /* purged delivery reports release their tickets */
        rd_kafka_destroy(w->producer);
    }
    while (w->retries) {
        retry *r = w->retries;
        w->retries = r->next;
        retry_free(r);
    }
    kafka_offsets_destroy(w->offsets);
    pipeline_destroy(w->pipe);
    free(w);
}
