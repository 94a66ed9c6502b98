/* worker_jobs.c: the worker's job queue: a consumed message becomes a job, N pipeline threads
 * (and the fetcher, with --fetch) turn it into a record or a failure, and the outputs of done
 * jobs leave in dispatch order. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "kafka/kafka.h"
#include "kafka/message.h"
#include "util/err.h"
#include "worker_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ner_take: a reference on the current model + KB pair (NULL when none); thread-safe. */
static ner_resources *ner_take(kafka_worker *w)
{
    pthread_mutex_lock(&w->nmu);
    ner_resources *r = w->ner ? ner_resources_ref(w->ner) : NULL;
    pthread_mutex_unlock(&w->nmu);
    return r;
}

static const rd_kafka_headers_t *msg_headers(const rd_kafka_message_t *msg)
{
    rd_kafka_headers_t *hdrs = NULL;
    return rd_kafka_message_headers(msg, &hdrs) ? NULL : hdrs;
}

/* page_run: a decoded page through the pipeline (consumes pg); NI_OK with *out, or *perr. */
static int page_run(kafka_worker *w, pipeline *pipe, const rd_kafka_message_t *msg,
                    const ner_resources *ner, kafka_page *pg, pipeline_output *out,
                    pipeline_error *perr)
{
    char received[32], processed[32];
    kafka_time_iso(kafka_wall_ms(), received);
    record_ingest g = {rd_kafka_topic_name(msg->rkt),
                       (int)msg->partition,
                       (long long)msg->offset,
                       received,
                       kafka_time_iso(kafka_wall_ms(), processed),
                       NI_VERSION,
                       w->cfg->worker_id};
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

/* job_page: the job's message (or its fetched page) as a page in *pg; with --fetch, a message
 * asking for a fetch sets *url instead (decoded once: a page is never parsed twice). NI_OK, or
 * the failure's code with perr->message filled. */
static int job_page(kafka_worker *w, const job *j, kafka_page *pg, char **url, pipeline_error *perr)
{
    const rd_kafka_message_t *msg = j->msg;
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(msg, &tt);
    const rd_kafka_headers_t *h = msg_headers(msg);
    *url = NULL;
    if (j->fetched && j->fetched->rc) {
        snprintf(perr->message, sizeof perr->message, "%.120s: %.120s", j->fetched->url,
                 j->fetched->errstr);
        return j->fetched->rc;
    }
    if (j->fetched)
        return kafka_page_from_fetch(j->fetched, w->cfg->max_bytes, pg, perr->message,
                                     sizeof perr->message);
    if (w->fetch)
        return kafka_page_decode_fetch(msg->payload, msg->len, h, ts, w->cfg->max_bytes, pg, url,
                                       perr->message, sizeof perr->message);
    return kafka_page_decode(msg->payload, msg->len, h, ts, w->cfg->max_bytes, pg, perr->message,
                             sizeof perr->message);
}

/* fetch_begin: the job waits for url at the fetcher (takes url); 1 when submitted, 0 when the
 * job was dropped because the fetcher stopped (its input is not committed). */
static int fetch_begin(kafka_worker *w, job *j, char *url)
{
    int rc = fetcher_submit(w->fetch, url, on_fetched, j, NULL, 0);
    free(url);
    if (rc == NI_OK) return 1;
    j->dropped = 1; /* stopping (or out of memory) */
    return 0;
}

/* job_process: one message through the pipeline into j->out, or the failure into j->perr; 1
 * when the job waits for a fetch (on_fetched queues it again). */
static int job_process(pipe_thread *pt, job *j)
{
    kafka_worker *w = pt->w;
    if (!j->fetched) j->t0 = kafka_mono_s();
    if (j->dropped) return 0; /* a fetch cancelled by a stopping worker */
    kafka_page pg;
    char *url = NULL;
    int rc = job_page(w, j, &pg, &url, &j->perr);
    if (url) return fetch_begin(w, j, url);
    if (rc) {
        j->perr.stage = j->fetched ? "fetch" : "message";
        j->perr.code = j->rc = rc;
        return 0;
    }
    ner_resources *ner = ner_take(w);
    j->rc = page_run(w, pt->pipe, j->msg, ner, &pg, &j->out, &j->perr);
    ner_resources_unref(ner);
    return 0;
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
        kafka_worker_outputs_send(w, e);
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

/* kafka_worker_job_dispatch: a consumed message gets a ticket and goes to the pipeline threads
 * (main thread). */
void kafka_worker_job_dispatch(kafka_worker *w, rd_kafka_message_t *msg)
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
        kafka_worker_fatal_set(w, "out of memory tracking an offset");
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

/* kafka_worker_jobs_wait: serves delivery reports until no job is queued or running, or until
 * deadline (monotonic ms); 1 when none is left. */
int kafka_worker_jobs_wait(kafka_worker *w, long long deadline)
{
    while (atomic_load(&w->pending) > 0) {
        if (kafka_mono_ms() >= deadline) return 0;
        health_beat(w->h);
        rd_kafka_poll(w->producer, 1);
    }
    return 1;
}

/* kafka_worker_threads_start: cfg->threads pipeline threads, each with its own pipeline. */
int kafka_worker_threads_start(kafka_worker *w, char *errstr, size_t errlen)
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

/* kafka_worker_threads_stop: the threads drop what is queued and exit; joined. */
void kafka_worker_threads_stop(kafka_worker *w)
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
