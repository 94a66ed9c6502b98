/* worker.c: the worker: the main thread consumes, tracks offsets, serves delivery reports and
 * rebalances; N pipeline threads turn messages into records, entity events or DLQ copies and
 * produce them; offsets are committed after delivery. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "kafka/worker.h"

#include "fetch/fetch.h"
#include "kafka/commit.h"
#include "kafka/dlq.h"
#include "kafka/kafka.h"
#include "kafka/message.h"
#include "kafka/offsets.h"
#include "log/log.h"
#include "pipeline/pipeline.h"
#include "util/err.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_BACKOFF_MS 1000 /* between attempts of an output whose delivery failed */
#define HOUSEKEEPING_MS 5     /* offsets store, gauges, retries, liveness: at most this often */
#define QUEUE_PER_THREAD 32   /* jobs dispatched and not yet emitted, per thread */
#define COMMIT_NUDGE_MS 20    /* at most this often an early commit asked by backpressure */
#define EVENT_SCHEMA "news.entity_event/1"

/* An output whose delivery failed: produced again after RETRY_BACKOFF_MS. Owns its copies. */
typedef struct retry {
    struct retry *next;
    kafka_ticket *ticket;
    char *topic;
    void *key, *value;
    size_t key_len, len;
    rd_kafka_headers_t *hdrs;
    long long due_ms;
    long refusals; /* produce-time refusals of this copy */
} retry;

/* A consumed message from dispatch to its outputs; owns msg and out. Jobs are processed in
 * parallel but their outputs are produced in dispatch order (see emit). */
typedef struct job {
    struct kafka_worker *w;
    struct job *next;  /* work queue */
    struct job *onext; /* dispatch order */
    rd_kafka_message_t *msg;
    kafka_ticket *ticket;
    int done;    /* processed (or dropped): ready to emit */
    int dropped; /* discarded: no outputs, the ticket stays open */
    int rc;
    double t0;
    fetch_result *fetched; /* URL-only message: what the fetcher got (owned) */
    pipeline_output out;
    pipeline_error perr;
} job;

typedef struct pipe_thread {
    struct kafka_worker *w;
    pipeline *pipe;
    pthread_t tid;
    int started;
} pipe_thread;

struct kafka_worker {
    const config *cfg;
    metrics *m;
    health *h;
    rd_kafka_t *consumer, *producer;
    /* mu guards offsets, retries and fatal: the pipeline threads, the main thread and delivery
     * reports (wherever rd_kafka_poll runs) all take and give back ticket references. */
    pthread_mutex_t mu;
    kafka_offsets *offsets;
    kafka_commits *commits; /* main thread only (dispatch, store, commit and rebalance callbacks) */
    long commit_lost;       /* inputs delivered whose commit failed before their partition left */
    long long commit_nudge; /* earliest next commit asked by backpressure (monotonic ms) */
    int nudged;             /* an early commit is waiting for its result */
    size_t max_message_bytes; /* the producer's message.max.bytes */
    retry *retries;
    char fatal[512]; /* non-empty: stop with this error */
    /* qmu guards the job queue and the dispatch-order list. */
    pthread_mutex_t qmu;
    pthread_cond_t qcond;
    job *head, *tail;    /* waiting for a thread */
    job *ohead, *otail;  /* every job not yet emitted, in dispatch order */
    int emitting;        /* a thread is producing the done prefix of the order list */
    atomic_long pending; /* jobs dispatched and not yet emitted */
    int quit;            /* threads exit once the queue is empty */
    atomic_int discard;  /* queued jobs are dropped, refused produces not waited out */
    pipe_thread *threads;
    int nthreads;
    fetcher *fetch; /* NULL unless --fetch */
    /* nmu guards ner (the current model + KB pair, the worker's reference). */
    pthread_mutex_t nmu;
    ner_resources *ner;
    pthread_t loader;
    atomic_int loading;     /* 1 while the loader thread runs, 2 when it finished unjoined */
    int paused;             /* assignment paused by backpressure or drain */
    int producer_up;        /* a metadata request succeeded */
    long long up_check;     /* next producer check (monotonic ms) */
    long long deadline;     /* drain deadline (monotonic ms), 0 while running */
    long long housekeeping; /* next offsets store, gauges, retries (monotonic ms) */
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

/* set_fatal: the first fatal error wins; thread-safe. */
static void set_fatal(kafka_worker *w, const char *why)
{
    pthread_mutex_lock(&w->mu);
    if (!w->fatal[0]) snprintf(w->fatal, sizeof w->fatal, "%s", why);
    pthread_mutex_unlock(&w->mu);
}

static int has_fatal(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    int f = w->fatal[0] != '\0';
    pthread_mutex_unlock(&w->mu);
    return f;
}

/* ---- tickets (locked wrappers around kafka_offsets) ------------------------------------- */

static void ticket_ref(kafka_worker *w, kafka_ticket *t)
{
    pthread_mutex_lock(&w->mu);
    kafka_ticket_ref(t);
    pthread_mutex_unlock(&w->mu);
}

static void ticket_done(kafka_worker *w, kafka_ticket *t)
{
    pthread_mutex_lock(&w->mu);
    kafka_ticket_done(w->offsets, t);
    pthread_mutex_unlock(&w->mu);
}

static long inflight(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    long n = kafka_offsets_inflight(w->offsets);
    pthread_mutex_unlock(&w->mu);
    return n;
}

/* ---- retries of failed outputs ---------------------------------------------------------- */

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
    r->due_ms = mono_ms() + RETRY_BACKOFF_MS;
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

/* retries_serve: produces every due retry again; a refused one waits another backoff. */
static void retries_serve(kafka_worker *w)
{
    long long now = mono_ms();
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

/* ---- producing (pipeline threads) -------------------------------------------------------- */

/* produce: one output of ticket t; QUEUE_FULL is waited out (serving delivery reports), never
 * dropped, unless the worker is discarding (grace period over). On success the producer owns
 * hdrs (and value when msgflags has F_FREE). */
static rd_kafka_resp_err_t produce(kafka_worker *w, const char *topic, const void *key,
                                   size_t key_len, void *value, size_t len,
                                   rd_kafka_headers_t *hdrs, int msgflags, kafka_ticket *t)
{
    rd_kafka_resp_err_t err;
    ticket_ref(w, t);
    while ((err = rd_kafka_producev(w->producer, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, len),
                                    RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(msgflags),
                                    RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL &&
           !atomic_load(&w->discard))
        rd_kafka_poll(w->producer, 10);
    if (err) {
        metrics_delivery_error_inc(w->m, topic);
        ticket_done(w, t); /* the job's own reference keeps it open */
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
    const char *reason = ni_err_reason(perr->code); /* counted when delivered (on_delivery) */
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

/* ---- one message (pipeline threads) ------------------------------------------------------ */

/* ner_take: a reference on the current model + KB pair (NULL when none); thread-safe. */
static ner_resources *ner_take(kafka_worker *w)
{
    pthread_mutex_lock(&w->nmu);
    ner_resources *r = w->ner ? ner_resources_ref(w->ner) : NULL;
    pthread_mutex_unlock(&w->nmu);
    return r;
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

static const rd_kafka_headers_t *msg_headers(const rd_kafka_message_t *msg)
{
    rd_kafka_headers_t *hdrs = NULL;
    return rd_kafka_message_headers(msg, &hdrs) ? NULL : hdrs;
}

/* page_run: a decoded page through the pipeline (consumes pg); NI_OK with *out, or *perr. */
static int page_run(kafka_worker *w, pipeline *pipe, const rd_kafka_message_t *msg,
                    const ner_resources *ner, kafka_page *pg, pipeline_output *out,
                    pipeline_error *perr);

/* to_record: message (or its fetched page) -> page -> pipeline; NI_OK with *out, or the failure
 * in *perr. */
static int to_record(kafka_worker *w, pipeline *pipe, const job *j, const ner_resources *ner,
                     pipeline_output *out, pipeline_error *perr)
{
    const rd_kafka_message_t *msg = j->msg;
    rd_kafka_timestamp_type_t tt;
    kafka_page pg;
    const char *stage = j->fetched ? "fetch" : "message";
    int rc = j->fetched ? j->fetched->rc : NI_OK;
    if (rc)
        snprintf(perr->message, sizeof perr->message, "%.120s: %.120s", j->fetched->url,
                 j->fetched->errstr);
    else if (j->fetched)
        rc = kafka_page_from_fetch(j->fetched, w->cfg->max_bytes, &pg, perr->message,
                                   sizeof perr->message);
    else
        rc = kafka_page_decode(msg->payload, msg->len, msg_headers(msg),
                               rd_kafka_message_timestamp(msg, &tt), w->cfg->max_bytes, &pg,
                               perr->message, sizeof perr->message);
    if (rc) {
        perr->stage = stage;
        perr->code = rc;
        return rc;
    }
    return page_run(w, pipe, msg, ner, &pg, out, perr);
}

static int page_run(kafka_worker *w, pipeline *pipe, const rd_kafka_message_t *msg,
                    const ner_resources *ner, kafka_page *pg, pipeline_output *out,
                    pipeline_error *perr)
{
    char received[32], processed[32];
    kafka_time_iso(wall_ms(), received);
    record_ingest g = {
        rd_kafka_topic_name(msg->rkt),        (int)msg->partition, (long long)msg->offset, received,
        kafka_time_iso(wall_ms(), processed), NI_VERSION,          w->cfg->worker_id};
    pg->in.ingest = &g;
    pg->in.ner = ner;
    pg->in.events = ner && w->cfg->entities_topic && *w->cfg->entities_topic;
    int rc = pipeline_process(pipe, &pg->in, out, perr);
    kafka_page_clear(pg);
    return rc;
}

static void job_queue(kafka_worker *w, job *j);

/* on_fetched: the fetcher's answer for a job (fetcher thread): back to the pipeline threads. A
 * fetch cancelled by a stopping worker drops the job (its offset stays uncommitted). */
static void on_fetched(void *opaque, fetch_result *r)
{
    job *j = opaque;
    j->fetched = r;
    if (r->rc == NI_ERR_CANCELLED)
        j->dropped = 1;
    else
        metrics_fetch_observe(j->w->m, ni_err_reason(r->rc), r->seconds);
    job_queue(j->w, j);
}

/* fetch_begin: a URL-only message goes to the fetcher; 1 when the job now waits for it (or was
 * dropped because the fetcher stopped), 0 when the message is processed as it is. */
static int fetch_begin(kafka_worker *w, job *j)
{
    if (!w->fetch || j->fetched) return 0;
    char *url = kafka_fetch_url(j->msg->payload, j->msg->len, msg_headers(j->msg));
    if (!url) return 0;
    int rc = fetcher_submit(w->fetch, url, on_fetched, j, NULL, 0);
    free(url);
    if (rc == NI_OK) return 1;
    j->dropped = 1; /* stopping (or out of memory): the input is not committed */
    return 0;
}

/* job_process: one message through the pipeline into j->out, or the failure into j->perr; 1
 * when the job waits for a fetch (on_fetched queues it again). */
static int job_process(pipe_thread *pt, job *j)
{
    kafka_worker *w = pt->w;
    if (!j->fetched) j->t0 = mono_s();
    if (fetch_begin(w, j)) return 1;
    if (j->dropped) return 0;
    ner_resources *ner = ner_take(w);
    j->rc = to_record(w, pt->pipe, j, ner, &j->out, &j->perr);
    ner_resources_unref(ner);
    return 0;
}

/* job_emit: the outputs of a processed job; gives back the job's ticket reference. */
static void job_emit(kafka_worker *w, job *j)
{
    if (j->dropped) return; /* its ticket stays open: the input is not committed */
    int rc = j->rc;
    if (rc == NI_OK) rc = send_record(w, j->msg, j->ticket, &j->out, &j->perr);
    if (rc == NI_OK)
        send_events(w, j->msg, j->ticket, &j->out);
    else
        send_dlq(w, j->msg, j->ticket, &j->perr);
    ticket_done(w, j->ticket);
    metrics_processing_observe(w->m, mono_s() - j->t0);
}

static void job_free(kafka_worker *w, job *j)
{
    pipeline_output_free(&j->out);
    fetch_result_destroy(j->fetched);
    rd_kafka_message_destroy(j->msg);
    free(j);
    atomic_fetch_sub(&w->pending, 1);
}

/* emit: marks j done; the thread that finds no other emitting produces the done prefix of the
 * dispatch order, so outputs leave in input order (a re-scrape never overtakes an older one). */
static void emit(kafka_worker *w, job *j)
{
    pthread_mutex_lock(&w->qmu);
    j->done = 1;
    if (w->emitting) {
        pthread_mutex_unlock(&w->qmu);
        return;
    }
    w->emitting = 1;
    while (w->ohead && w->ohead->done) {
        job *e = w->ohead;
        w->ohead = e->onext;
        if (!w->ohead) w->otail = NULL;
        pthread_mutex_unlock(&w->qmu);
        job_emit(w, e);
        job_free(w, e);
        pthread_mutex_lock(&w->qmu);
    }
    w->emitting = 0;
    pthread_mutex_unlock(&w->qmu);
}

/* job_pop: the next job, waiting for one; NULL when the worker quits and the queue is empty. */
static job *job_pop(kafka_worker *w)
{
    pthread_mutex_lock(&w->qmu);
    while (!w->head && !w->quit) pthread_cond_wait(&w->qcond, &w->qmu);
    job *j = w->head;
    if (j) {
        w->head = j->next;
        if (!w->head) w->tail = NULL;
    }
    pthread_mutex_unlock(&w->qmu);
    return j;
}

static void *pipe_main(void *arg)
{
    pipe_thread *pt = arg;
    kafka_worker *w = pt->w;
    job *j;
    while ((j = job_pop(w))) {
        if (atomic_load(&w->discard))
            j->dropped = 1;
        else if (job_process(pt, j))
            continue; /* waits for its page: the fetcher queues it again */
        emit(w, j);
    }
    return NULL;
}

/* work_push: j at the end of the work queue, a thread woken; the caller holds qmu. */
static void work_push(kafka_worker *w, job *j)
{
    j->next = NULL;
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    pthread_cond_signal(&w->qcond);
}

/* dispatch: a consumed message gets a ticket and goes to the pipeline threads (main thread). */
static void dispatch(kafka_worker *w, rd_kafka_message_t *msg)
{
    const char *topic = rd_kafka_topic_name(msg->rkt);
    metrics_consumed_inc(w->m, topic);
    job *j = malloc(sizeof *j);
    pthread_mutex_lock(&w->mu);
    kafka_ticket *t =
        j ? kafka_offsets_track(w->offsets, topic, msg->partition, msg->offset) : NULL;
    pthread_mutex_unlock(&w->mu);
    if (t && kafka_commits_consumed(w->commits, topic, msg->partition, msg->offset)) t = NULL;
    if (!t) {
        set_fatal(w, "out of memory tracking an offset");
        free(j);
        rd_kafka_message_destroy(msg);
        return;
    }
    memset(j, 0, sizeof *j);
    j->w = w;
    j->msg = msg;
    j->ticket = t;
    atomic_fetch_add(&w->pending, 1);
    pthread_mutex_lock(&w->qmu);
    work_push(w, j);
    if (w->otail)
        w->otail->onext = j;
    else
        w->ohead = j;
    w->otail = j;
    pthread_mutex_unlock(&w->qmu);
}

/* job_queue: j (already in the dispatch order) back on the work queue (any thread). */
static void job_queue(kafka_worker *w, job *j)
{
    pthread_mutex_lock(&w->qmu);
    work_push(w, j);
    pthread_mutex_unlock(&w->qmu);
}

/* jobs_wait: serves delivery reports until no job is queued or running, or until deadline
 * (monotonic ms); 1 when none is left. */
static int jobs_wait(kafka_worker *w, long long deadline)
{
    while (atomic_load(&w->pending) > 0) {
        if (mono_ms() >= deadline) return 0;
        health_beat(w->h);
        rd_kafka_poll(w->producer, 1);
    }
    return 1;
}

/* ---- delivery, offsets, rebalances ------------------------------------------------------ */

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

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    kafka_worker *w = opaque;
    kafka_ticket *t = m->_private;
    const char *topic = rd_kafka_topic_name(m->rkt);
    if (!m->err || m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        if (!m->err) delivered(w, m, topic);
        ticket_done(w, t); /* purged: only at destroy, nothing is committed then */
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

/* store_offsets: hands the committable offsets to the consumer (auto-commit commits them). */
static void store_offsets(kafka_worker *w, int all)
{
    pthread_mutex_lock(&w->mu);
    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(w->offsets, all);
    pthread_mutex_unlock(&w->mu);
    if (!l) return;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(w->consumer, l);
    if (err && err != RD_KAFKA_RESP_ERR__STATE)
        log_warn("offsets not stored", "error", rd_kafka_err2str(err));
    kafka_commits_asked(w->commits, l); /* the elements librdkafka took */
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

/* ---- commits ------------------------------------------------------------------------------ */

/* on_commit: every commit's outcome (auto-commits, and the synchronous ones of commit_sync):
 * acknowledged offsets move, the result is counted, a refusal is logged. */
static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    kafka_worker *w = opaque;
    w->nudged = 0;
    int ok = kafka_commits_result(w->commits, err, offsets);
    if (ok < 0) return; /* nothing to commit */
    metrics_commit_inc(w->m, ok);
    if (ok) return;
    const char *why = rd_kafka_err2str(err);
    for (int i = 0; !err && offsets && i < offsets->cnt; i++)
        if (offsets->elems[i].err) why = rd_kafka_err2str(offsets->elems[i].err);
    log_warn("offset commit failed", "error", why);
}

/* commit_sync: commits the stored offsets of the assignment now, serving its result through
 * on_commit; librdkafka's code (_NO_OFFSET when there was nothing new). */
static rd_kafka_resp_err_t commit_sync(kafka_worker *w, const char *when)
{
    rd_kafka_resp_err_t err = rd_kafka_commit_queue(w->consumer, NULL, NULL, on_commit, w);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        log_warn("commit failed", "when", when, "error", rd_kafka_err2str(err));
    return err;
}

/* commits_forget: the revoked partitions leave the commit view; what they delivered but could
 * not commit is logged and kept for the drain's verdict. */
static void commits_forget(kafka_worker *w, const rd_kafka_topic_partition_list_t *parts)
{
    for (int i = 0; i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &parts->elems[i];
        long lost = kafka_commits_forget(w->commits, p->topic, p->partition);
        if (!lost) continue;
        w->commit_lost += lost;
        char n[32], part[16];
        snprintf(n, sizeof n, "%ld", lost);
        snprintf(part, sizeof part, "%d", (int)p->partition);
        log_error("partition given up with delivered inputs not committed; the next owner "
                  "processes them again",
                  "topic", p->topic, "partition", part, "inputs", n);
    }
}

/* commit_nudge: an immediate asynchronous commit when backpressure waits for commits (at most
 * one per COMMIT_NUDGE_MS, and one at a time unless its result takes longer than a second: during
 * a rebalance the coordinator holds commits). */
static void commit_nudge(kafka_worker *w)
{
    long long now = mono_ms();
    if (now < w->commit_nudge || (w->nudged && now < w->commit_nudge + RETRY_BACKOFF_MS)) return;
    w->commit_nudge = now + COMMIT_NUDGE_MS;
    store_offsets(w, 0);
    w->nudged = !rd_kafka_commit(w->consumer, NULL, 1); /* the result comes to on_commit */
}

/* partitions_revoke: wait for the jobs in the pipeline threads, flush (both bounded), commit what
 * is complete, forget the partitions. */
static void partitions_revoke(kafka_worker *w, rd_kafka_topic_partition_list_t *parts)
{
    if (!rd_kafka_assignment_lost(w->consumer)) {
        long long end = mono_ms() + w->cfg->flush_timeout_ms;
        if (w->deadline && w->deadline < end) end = w->deadline;
        if (!jobs_wait(w, end)) log_warn("revoke: jobs still running at the flush timeout");
        long long left = end - mono_ms();
        rd_kafka_flush(w->producer, left > 0 ? (int)left : 0);
        store_offsets(w, 1);
        commit_sync(w, "revoke"); /* before the partitions are given up */
    }
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < parts->cnt; i++)
        kafka_offsets_forget(w->offsets, parts->elems[i].topic, parts->elems[i].partition);
    pthread_mutex_unlock(&w->mu);
    commits_forget(w, parts);
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
        partitions_revoke(w, parts);
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
        char why[256], msg[512];
        rd_kafka_fatal_error(rk, why, sizeof why);
        snprintf(msg, sizeof msg, "%s: fatal error: %s", rd_kafka_name(rk), why);
        set_fatal(w, msg);
        return;
    }
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && rk == w->producer) {
        w->producer_up = 0;
        health_producer_up_set(w->h, 0);
    }
    /* the cause goes to /readyz; a new cause is logged once, its repeats (every reconnect) at
     * debug; a failed login is an error: it will not heal without a configuration change */
    char text[200];
    snprintf(text, sizeof text, "%s: %s", rd_kafka_err2str((rd_kafka_resp_err_t)err), reason);
    int is_new =
        health_client_error_set(w->h, err, text, err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN);
    log_level l = !is_new                                    ? LOG_DEBUG
                  : err == RD_KAFKA_RESP_ERR__AUTHENTICATION ? LOG_ERROR
                                                             : LOG_WARN;
    log_write(l,
              err == RD_KAFKA_RESP_ERR__AUTHENTICATION ? "kafka authentication failed"
                                                       : "kafka client error",
              "client", rd_kafka_name(rk), "error", rd_kafka_err2str((rd_kafka_resp_err_t)err),
              "reason", reason, (const char *)NULL);
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

/* ---- reload of the model and KB (SIGHUP) ------------------------------------------------- */

static void *loader_main(void *arg)
{
    kafka_worker *w = arg;
    char err[512] = "";
    double t0 = mono_s();
    ner_resources *r = ner_resources_load(w->cfg->ner_model, w->cfg->kb, err, sizeof err);
    if (r) {
        ner_swap(w, r);
        char ms[32];
        snprintf(ms, sizeof ms, "%.0f", (mono_s() - t0) * 1000);
        log_info("entity model and knowledge base reloaded", "model", w->cfg->ner_model, "kb",
                 w->cfg->kb, "ms", ms);
    } else {
        log_error("entity reload failed; the previous model and knowledge base stay", "error", err);
    }
    metrics_ner_reload_inc(w->m, r != NULL);
    atomic_store(&w->loading, 2);
    return NULL;
}

/* reload_serve: joins a finished loader; starts one when asked and none runs. */
static void reload_serve(kafka_worker *w, volatile sig_atomic_t *reload)
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

/* ---- lifecycle -------------------------------------------------------------------------- */

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
        rd_kafka_conf_set_rebalance_cb(c, on_rebalance);
        rd_kafka_conf_set_stats_cb(c, on_stats);
        rd_kafka_conf_set_offset_commit_cb(c, on_commit);
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

/* threads_start: cfg->threads pipeline threads, each with its own pipeline. */
static int threads_start(kafka_worker *w, char *errstr, size_t errlen)
{
    int n = w->cfg->threads > 0 ? w->cfg->threads : 1;
    w->threads = calloc((size_t)n, sizeof *w->threads);
    if (!w->threads) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    w->nthreads = n;
    for (int i = 0; i < n; i++) {
        pipe_thread *pt = &w->threads[i];
        pt->w = w;
        if (!(pt->pipe = pipeline_create(errstr, errlen))) return NI_ERR_NOMEM;
        if (pthread_create(&pt->tid, NULL, pipe_main, pt))
            return ni_err_set(errstr, errlen, NI_ERR, "cannot start pipeline thread %d", i + 1);
        pt->started = 1;
        char name[16];
        snprintf(name, sizeof name, "ni:pipe%d", (i + 1) % 100);
        pthread_setname_np(pt->tid, name); /* for top -H and the benchmark's CPU split */
    }
    return NI_OK;
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
    ok = ok && !threads_start(w, errstr, errlen) && !subscribe(w, errstr, errlen);
    const char *outs[] = {cfg->output_topic, cfg->dlq_topic, cfg->entities_topic};
    for (size_t i = 0; ok && i < 3; i++)
        if (outs[i] && *outs[i]) metrics_delivery_errors_declare(m, outs[i]);
    if (!ok) {
        kafka_worker_destroy(w);
        return NULL;
    }
    return w;
}

static void gauges(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    long n = kafka_offsets_inflight(w->offsets);
    int stuck = kafka_offsets_stuck(w->offsets) +
                kafka_offsets_stalled(w->offsets, mono_ms(), w->cfg->stall_ms);
    pthread_mutex_unlock(&w->mu);
    metrics_inflight_set(w->m, n);
    metrics_stuck_set(w->m, stuck);
    if (w->fetch) {
        fetch_stats st;
        fetcher_stats_get(w->fetch, &st);
        metrics_fetch_set(w->m, st.inflight, st.bytes);
    }
    health_stuck_set(w->h, stuck);
}

/* backpressure: pause the assignment while more than max_inflight messages are in flight or
 * consumed and not yet committed (what a crash would replay), resume at half of it. */
static void backpressure(kafka_worker *w, long n)
{
    long uncommitted = kafka_commits_uncommitted(w->commits);
    if (uncommitted >= w->cfg->max_inflight / 2) commit_nudge(w);
    if (uncommitted > n) n = uncommitted;
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

/* step: one turn of the main loop: housekeeping, then at most one message to the threads. While
 * the threads have a full queue, only delivery reports are served (no pause: prefetched
 * messages stay in librdkafka's queue). */
static void step(kafka_worker *w, volatile sig_atomic_t *reload)
{
    long long now = mono_ms();
    if (now >= w->housekeeping) { /* at most every HOUSEKEEPING_MS while messages stream */
        w->housekeeping = now + HOUSEKEEPING_MS;
        health_beat(w->h);
        check_producer(w);
        retries_serve(w);
        store_offsets(w, 0);
        gauges(w);
        reload_serve(w, reload);
    }
    if (atomic_load(&w->pending) >= (long)QUEUE_PER_THREAD * w->nthreads) {
        rd_kafka_poll(w->producer, 1);
        return;
    }
    rd_kafka_poll(w->producer, 0);
    long n = inflight(w);
    backpressure(w, n);
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(w->consumer, n > 0 ? 5 : 100);
    if (!msg) return;
    if (msg->err) {
        consumer_error(w, msg);
        rd_kafka_message_destroy(msg);
        return;
    }
    dispatch(w, msg);
}

/* final_commit: commits what is stored until the coordinator acknowledges it or until deadline;
 * a refusal while the group rebalances is retried after serving the consumer (its rebalance
 * callbacks: partitions leaving are committed by partitions_revoke, new ones stay paused). */
static void final_commit(kafka_worker *w, long long deadline)
{
    for (;;) {
        if (!kafka_commits_behind(w->commits, NULL, 0)) return; /* nothing unacknowledged */
        commit_sync(w, "drain");
        if (!kafka_commits_behind(w->commits, NULL, 0) || mono_ms() >= deadline) return;
        health_beat(w->h);
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(w->consumer, 100);
        if (msg) rd_kafka_message_destroy(msg); /* not tracked: never committed by this worker */
        store_offsets(w, 1);
    }
}

/* drain_verdict: NI_OK only when every delivered input's offset was acknowledged; else the
 * failed final commit, logged and in errstr. */
static int drain_verdict(kafka_worker *w, char *errstr, size_t errlen)
{
    char desc[256];
    long behind = kafka_commits_behind(w->commits, desc, sizeof desc);
    long lost = w->commit_lost + behind;
    if (!lost) {
        log_info("drained: every consumed message delivered and committed");
        return NI_OK;
    }
    char n[32];
    snprintf(n, sizeof n, "%ld", lost);
    log_error("final commit failed: delivered inputs not committed; they will be processed again",
              "inputs", n, "partitions", desc);
    return ni_err_set(errstr, errlen, NI_ERR,
                      "final commit failed: %ld delivered inputs not committed (processed again "
                      "after restart)",
                      lost);
}

/* drain: no more consuming; finish the jobs, deliver what is in flight, commit, leave. */
static int drain(kafka_worker *w, char *errstr, size_t errlen)
{
    health_draining_set(w->h, 1);
    long long grace = w->cfg->grace_ms;
    w->deadline = mono_ms() + grace - grace / 5; /* a fifth is kept for commit and close */
    log_info("draining: consumption stopped");
    set_paused(w, 1);
    if (!jobs_wait(w, w->deadline)) atomic_store(&w->discard, 1);
    while (inflight(w) > 0 && mono_ms() < w->deadline) {
        health_beat(w->h);
        rd_kafka_poll(w->producer, 50);
        retries_serve(w);
        store_offsets(w, 0);
    }
    long long left = w->deadline - mono_ms();
    rd_kafka_flush(w->producer, left > 0 ? (int)left : 0);
    store_offsets(w, 1);
    final_commit(w, w->deadline + grace / 10);
    atomic_store(&w->discard, 1);
    fetcher_stop(w->fetch); /* fetches still running are cancelled: their jobs are dropped */
    jobs_wait(w, mono_ms() + grace / 10); /* dropped jobs give their messages back */
    rd_kafka_consumer_close(w->consumer); /* revokes what is left: commit_sync again */
    gauges(w);
    long pending = inflight(w);
    if (pending)
        return ni_err_set(errstr, errlen, NI_ERR,
                          "grace period ran out with %ld messages undelivered; their offsets "
                          "stay uncommitted",
                          pending);
    return drain_verdict(w, errstr, errlen);
}

int kafka_worker_run(kafka_worker *w, volatile sig_atomic_t *stop, volatile sig_atomic_t *reload,
                     char *errstr, size_t errlen)
{
    while (!*stop && !has_fatal(w)) step(w, reload);
    if (has_fatal(w)) {
        pthread_mutex_lock(&w->mu);
        ni_err_set(errstr, errlen, NI_ERR, "%s", w->fatal);
        pthread_mutex_unlock(&w->mu);
        health_draining_set(w->h, 1);
        return NI_ERR;
    }
    return drain(w, errstr, errlen);
}

/* threads_stop: the threads drop what is queued and exit; joined. */
static void threads_stop(kafka_worker *w)
{
    pthread_mutex_lock(&w->qmu);
    w->quit = 1;
    atomic_store(&w->discard, 1);
    pthread_cond_broadcast(&w->qcond);
    pthread_mutex_unlock(&w->qmu);
    for (int i = 0; i < w->nthreads; i++) {
        if (w->threads[i].started) pthread_join(w->threads[i].tid, NULL);
        pipeline_destroy(w->threads[i].pipe);
    }
    free(w->threads);
    w->threads = NULL;
}

void kafka_worker_destroy(kafka_worker *w)
{
    if (!w) return;
    fetcher_stop(w->fetch); /* before the threads: cancelled jobs come back to them */
    threads_stop(w);
    fetcher_destroy(w->fetch);
    if (atomic_load(&w->loading)) pthread_join(w->loader, NULL);
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
    kafka_commits_destroy(w->commits);
    ner_resources_unref(w->ner);
    pthread_cond_destroy(&w->qcond);
    pthread_mutex_destroy(&w->nmu);
    pthread_mutex_destroy(&w->qmu);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
