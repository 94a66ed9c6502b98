/* worker_output.c: the worker's outputs: records, entity events and dead letters produced (on
 * the pipeline threads, in input order), delivery reports, and the retries of refused or failed
 * outputs (a dead letter cut to fit, a record refused for good dead-lettered). */
#include "kafka/dlq.h"
#include "log/log.h"
#include "util/err.h"
#include "worker_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_SCHEMA "news.entity_event/1"

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

/* retry_schedule: keeps copies of a failed output (the ticket's reference stays held); takes
 * hdrs (may be NULL). Caller holds mu. */
static retry *retry_schedule(kafka_worker *w, kafka_ticket *t, const char *topic, const void *key,
                             size_t key_len, const void *value, size_t len,
                             rd_kafka_headers_t *hdrs)
{
    retry *r = calloc(1, sizeof *r);
    if (r) {
        r->topic = strdup(topic);
        r->key = key_len ? malloc(key_len) : NULL;
        r->value = len ? malloc(len) : NULL;
    }
    if (!r || !r->topic || (key_len && !r->key) || (len && !r->value)) {
        if (!w->fatal[0])
            snprintf(w->fatal, sizeof w->fatal, "out of memory keeping a failed output for retry");
        if (r) free(r->topic), free(r->key), free(r->value), free(r);
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return NULL;
    }
    if (key_len) memcpy(r->key, key, key_len);
    if (len) memcpy(r->value, value, len);
    r->key_len = key_len;
    r->len = len;
    r->hdrs = hdrs;
    r->ticket = t;
    r->due_ms = kafka_mono_ms() + RETRY_BACKOFF_MS;
    r->next = w->retries;
    w->retries = r;
    return r;
}

static void retry_free(retry *r)
{
    free(r->topic);
    free(r->key);
    free(r->value);
    if (r->hdrs) rd_kafka_headers_destroy(r->hdrs);
    free(r);
}

/* retry_cut: a dead-letter copy too large for the producer or the broker is cut to what fits
 * (at most half of it, when the broker refused what the producer took), marked truncated. */
static void retry_cut(kafka_worker *w, retry *r, size_t orig)
{
    if (!r->hdrs) r->hdrs = rd_kafka_headers_new(2);
    kafka_dlq_mark_truncated(r->hdrs, orig);
    size_t fit = kafka_dlq_fit(w->max_message_bytes, r->key_len, r->hdrs, r->len);
    r->len = fit < r->len ? fit : r->len / 2;
    r->due_ms = 0;
}

/* retry_convert: the next attempt of a failed output after err: a dead-letter copy that is too
 * large is cut; a record or entity event refused for good max_delivery_attempts times becomes a
 * dead letter (its own bytes and headers, ingest.error.payload naming it); anything else is
 * produced again as it is. Caller holds mu. */
static void retry_convert(kafka_worker *w, retry *r, rd_kafka_resp_err_t err)
{
    long failures = kafka_ticket_failures(r->ticket) + r->refusals;
    int to_dlq = !strcmp(r->topic, w->cfg->dlq_topic);
    if (to_dlq && kafka_err_too_large(err)) {
        retry_cut(w, r, r->len);
        return;
    }
    if (to_dlq || !kafka_err_permanent(err) || failures < w->cfg->max_delivery_attempts) return;
    int record = !strcmp(r->topic, w->cfg->output_topic);
    int code = record && kafka_err_too_large(err) ? NI_ERR_RECORD_TOO_LARGE : NI_ERR_DELIVERY;
    char why[256], n[24];
    snprintf(why, sizeof why, "%s not delivered to %s after %ld attempts: %s",
             record ? "record" : "entity event", r->topic, failures, rd_kafka_err2str(err));
    rd_kafka_headers_t *h = kafka_dlq_output_headers(r->hdrs, record ? "record" : "entity_event",
                                                     ni_err_reason(code), why, w->cfg->worker_id);
    char *topic = strdup(w->cfg->dlq_topic);
    if (!h || !topic) {
        if (h) rd_kafka_headers_destroy(h);
        free(topic);
        return; /* out of memory: produced again as it is */
    }
    snprintf(n, sizeof n, "%ld", failures);
    log_warn("output refused for good; sent to the dead-letter topic", "topic", r->topic,
             "attempts", n, "error", rd_kafka_err2str(err));
    if (r->hdrs) rd_kafka_headers_destroy(r->hdrs);
    r->hdrs = h;
    free(r->topic);
    r->topic = topic;
    r->due_ms = 0;
    size_t fit = kafka_dlq_fit(w->max_message_bytes, r->key_len, r->hdrs, r->len);
    if (fit < r->len) retry_cut(w, r, r->len);
}

/* keep_for_retry: an output refused at produce time: one more reference held as failed (the
 * partition stops advancing) and copies kept for retry; takes hdrs. Thread-safe. */
static void keep_for_retry(kafka_worker *w, kafka_ticket *t, const char *topic, const void *key,
                           size_t key_len, const void *value, size_t len, rd_kafka_headers_t *hdrs,
                           rd_kafka_resp_err_t err)
{
    pthread_mutex_lock(&w->mu);
    kafka_ticket_ref(t);
    kafka_ticket_failed(w->offsets, t);
    retry *r = retry_schedule(w, t, topic, key, key_len, value, len, hdrs);
    if (r) retry_convert(w, r, err);
    pthread_mutex_unlock(&w->mu);
}

/* kafka_worker_retries_serve: produces every due retry again; a refused one waits another backoff.
 */
void kafka_worker_retries_serve(kafka_worker *w)
{
    long long now = kafka_mono_ms();
    pthread_mutex_lock(&w->mu);
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
            metrics_delivery_error_inc(w->m, r->topic);
            r->refusals++;
            r->due_ms = now + RETRY_BACKOFF_MS;
            retry_convert(w, r, err);
            pp = &r->next;
            continue;
        }
        kafka_ticket_retried(w->offsets, r->ticket);
        *pp = r->next;
        retry_free(r);
    }
    pthread_mutex_unlock(&w->mu);
}

/* produce: one output of ticket t; QUEUE_FULL is waited out (serving delivery reports), never
 * dropped, unless the worker is discarding (grace period over). On success the producer owns
 * hdrs (and value when msgflags has F_FREE). */
static rd_kafka_resp_err_t produce(kafka_worker *w, const char *topic, const void *key,
                                   size_t key_len, void *value, size_t len,
                                   rd_kafka_headers_t *hdrs, int msgflags, kafka_ticket *t)
{
    rd_kafka_resp_err_t err;
    kafka_worker_ticket_ref(w, t);
    while ((err = rd_kafka_producev(w->producer, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, len),
                                    RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(msgflags),
                                    RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL &&
           !atomic_load(&w->discard))
        rd_kafka_poll(w->producer, 10);
    if (err) {
        metrics_delivery_error_inc(w->m, topic);
        kafka_worker_ticket_done(w, t); /* the job's own reference keeps it open */
    }
    return err;
}

static void source_headers(rd_kafka_headers_t *h, const rd_kafka_message_t *msg)
{
    header_addf(h, "ingest.source.topic", "%s", rd_kafka_topic_name(msg->rkt));
    header_addf(h, "ingest.source.partition", "%d", (int)msg->partition);
    header_addf(h, "ingest.source.offset", "%lld", (long long)msg->offset);
}

/* send_record: the record to the output topic, key = id; the producer takes out->json. A
 * refusal (e.g. larger than message.max.bytes) fills *perr for the DLQ and returns its code. */
static int send_record(kafka_worker *w, const rd_kafka_message_t *msg, kafka_ticket *t,
                       pipeline_output *out, pipeline_error *perr)
{
    rd_kafka_headers_t *h = rd_kafka_headers_new(5);
    rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
    rd_kafka_header_add(h, "schema", -1, RECORD_SCHEMA, -1);
    source_headers(h, msg);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
    if (kafka_dlq_fit(w->max_message_bytes, strlen(out->id), h, out->len) == out->len)
        err = produce(w, w->cfg->output_topic, out->id, strlen(out->id), out->json, out->len, h,
                      RD_KAFKA_MSG_F_FREE, t);
    if (!err) {
        out->json = NULL; /* the producer frees it */
        return NI_OK;
    }
    rd_kafka_headers_destroy(h);
    perr->stage = "produce";
    perr->code = kafka_err_too_large(err) ? NI_ERR_RECORD_TOO_LARGE : NI_ERR_DELIVERY;
    if (perr->code == NI_ERR_RECORD_TOO_LARGE)
        snprintf(perr->message, sizeof perr->message,
                 "record of %zu bytes is larger than the producer's message.max.bytes (%zu)",
                 out->len, w->max_message_bytes);
    else
        snprintf(perr->message, sizeof perr->message, "record not produced to %s: %s",
                 w->cfg->output_topic, rd_kafka_err2str(err));
    return perr->code;
}

/* send_events: one message per entity event to the entities topic, key = entity id; a refused
 * one is kept for retry (the partition holds at it), never dropped. */
static void send_events(kafka_worker *w, const rd_kafka_message_t *msg, kafka_ticket *t,
                        const pipeline_output *out)
{
    const char *topic = w->cfg->entities_topic;
    double min_conf = config_min_entity_confidence(w->cfg);
    for (size_t i = 0; i < out->nevents; i++) {
        const record_event *e = &out->events[i];
        if (e->confidence < min_conf) continue; /* --min-entity-confidence */
        rd_kafka_headers_t *h = rd_kafka_headers_new(5);
        rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
        rd_kafka_header_add(h, "schema", -1, EVENT_SCHEMA, -1);
        source_headers(h, msg);
        rd_kafka_resp_err_t err =
            produce(w, topic, e->key, strlen(e->key), e->json, e->len, h, RD_KAFKA_MSG_F_COPY, t);
        if (!err) continue;
        log_error("entity event refused; retrying", "topic", topic, "error", rd_kafka_err2str(err));
        keep_for_retry(w, t, topic, e->key, strlen(e->key), e->json, e->len, h, err);
    }
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
    const char *reason =
        ni_err_reason(perr->code); /* counted when delivered (kafka_worker_on_delivery) */
    log_warn("message sent to the dead-letter topic", "topic", rd_kafka_topic_name(msg->rkt),
             "stage", perr->stage, "reason", reason, "error", perr->message);
    rd_kafka_headers_t *h = dlq_headers(w, msg, perr);
    size_t len = kafka_dlq_fit(w->max_message_bytes, msg->key_len, h, msg->len);
    if (len < msg->len) { /* the original cannot be produced: its first bytes, marked */
        kafka_dlq_mark_truncated(h, msg->len);
        len = kafka_dlq_fit(w->max_message_bytes, msg->key_len, h, msg->len);
    }
    rd_kafka_resp_err_t err = produce(w, w->cfg->dlq_topic, msg->key, msg->key_len, msg->payload,
                                      len, h, RD_KAFKA_MSG_F_COPY, t);
    if (!err) return;
    log_error("dead-letter copy refused; retrying", "topic", w->cfg->dlq_topic, "error",
              rd_kafka_err2str(err));
    keep_for_retry(w, t, w->cfg->dlq_topic, msg->key, msg->key_len, msg->payload, len, h, err);
}

/* kafka_worker_outputs_send: the outputs of a processed job; gives back the job's ticket reference.
 */
void kafka_worker_outputs_send(kafka_worker *w, job *j)
{
    if (j->dropped) return; /* its ticket stays open: the input is not committed */
    int rc = j->rc;
    if (rc == NI_OK) rc = send_record(w, j->msg, j->ticket, &j->out, &j->perr);
    if (rc == NI_OK)
        send_events(w, j->msg, j->ticket, &j->out);
    else
        send_dlq(w, j->msg, j->ticket, &j->perr);
    kafka_worker_ticket_done(w, j->ticket);
    metrics_processing_observe(w->m, kafka_mono_s() - j->t0);
}

/* delivered: counts a delivered output; a dead letter by the reason in its header. */
static void delivered(kafka_worker *w, const rd_kafka_message_t *m, const char *topic)
{
    metrics_produced_inc(w->m, topic);
    if (strcmp(topic, w->cfg->dlq_topic)) return;
    rd_kafka_headers_t *h = NULL;
    const void *v = NULL;
    size_t n = 0;
    char reason[64] = "unknown";
    if (!rd_kafka_message_headers(m, &h) &&
        !rd_kafka_header_get_last(h, "ingest.error.reason", &v, &n) && v)
        snprintf(reason, sizeof reason, "%.*s", (int)n, (const char *)v);
    metrics_dlq_inc(w->m, reason);
}

void kafka_worker_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    kafka_worker *w = opaque;
    kafka_ticket *t = m->_private;
    const char *topic = rd_kafka_topic_name(m->rkt);
    if (!m->err || m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        if (!m->err) delivered(w, m, topic);
        kafka_worker_ticket_done(w, t); /* purged: only at destroy, nothing is committed then */
        return;
    }
    char src[64];
    pthread_mutex_lock(&w->mu);
    snprintf(src, sizeof src, "%d@%lld", (int)kafka_ticket_partition(t),
             (long long)kafka_ticket_offset(t));
    char *src_topic = strdup(kafka_ticket_topic(t));
    kafka_ticket_failed(w->offsets, t);
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h)) h = NULL;
    retry *r = retry_schedule(w, t, topic, m->key, m->key_len, m->payload, m->len,
                              h ? rd_kafka_headers_copy(h) : NULL);
    if (r) retry_convert(w, r, m->err);
    pthread_mutex_unlock(&w->mu);
    metrics_delivery_error_inc(w->m, topic);
    log_error("delivery failed; the input partition holds until a retry succeeds", "topic", topic,
              "error", rd_kafka_err2str(m->err), "source_topic", src_topic,
              "source_partition_offset", src);
    free(src_topic);
}

void kafka_worker_retries_free(kafka_worker *w)
{
    while (w->retries) {
        retry *r = w->retries;
        w->retries = r->next;
        retry_free(r);
    }
}
