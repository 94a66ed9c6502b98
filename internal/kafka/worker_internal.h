/* worker_internal.h: the kafka worker's private state and the functions its files share (worker.c
 * lifecycle and client callbacks, worker_loop.c, worker_jobs.c, worker_output.c,
 * worker_rebalance.c); for internal/kafka/ only, the public API is worker.h. */
#ifndef NI_KAFKA_WORKER_INTERNAL_H
#define NI_KAFKA_WORKER_INTERNAL_H

#include "fetch/fetch.h"
#include "kafka/commit.h"
#include "kafka/offsets.h"
#include "kafka/worker.h"
#include "pipeline/pipeline.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define RETRY_BACKOFF_MS 1000        /* between attempts of an output whose delivery failed */
#define KAFKA_BLOCKED_HOLD_MS 120000 /* a receive-limit failure not repeated this long is over */

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
    /* mu also guards these: the consumer failed to read a fetch response (receive limit) */
    long long blocked_until; /* monotonic ms: blocked while now is before it */
    char blocked[200];       /* the client's error text */
};

static inline long long kafka_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline double kafka_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline long long kafka_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- worker.c: shared state, client callbacks, reload ---- */

/* kafka_worker_fatal_set: the first fatal error wins (the loop stops with it); thread-safe. */
void kafka_worker_fatal_set(kafka_worker *w, const char *why);
/* kafka_worker_fatal_has: 1 once a fatal error was set; thread-safe. */
int kafka_worker_fatal_has(kafka_worker *w);
/* kafka_worker_ticket_ref, kafka_worker_ticket_done: kafka_ticket_ref/_done under mu. */
void kafka_worker_ticket_ref(kafka_worker *w, kafka_ticket *t);
void kafka_worker_ticket_done(kafka_worker *w, kafka_ticket *t);
/* kafka_worker_inflight: messages consumed and not yet completed (kafka_offsets_inflight). */
long kafka_worker_inflight(kafka_worker *w);
/* kafka_worker_blocked: 1 with the consumer's error text in why while it cannot read a fetch
 * response (a message batch larger than receive.message.max.bytes: librdkafka drops the
 * connection and fails again at every reconnect); 0 once that error was not seen for
 * KAFKA_BLOCKED_HOLD_MS. Thread-safe. */
int kafka_worker_blocked(kafka_worker *w, char *why, size_t whylen);
/* kafka_worker_producer_check: until a metadata request succeeds, one try a second (readiness). */
void kafka_worker_producer_check(kafka_worker *w);
/* kafka_worker_reload_serve: joins a finished loader; starts one when *reload (may be NULL) is
 * set and none runs. A failure is logged and counted, never fatal. */
void kafka_worker_reload_serve(kafka_worker *w, volatile sig_atomic_t *reload);

/* ---- worker_jobs.c: the job queue, the pipeline threads, in-order emission ---- */

/* kafka_worker_job_dispatch: a consumed message (taken over) gets a ticket and goes to the
 * pipeline threads (main thread); out of memory sets the fatal error and drops msg. */
void kafka_worker_job_dispatch(kafka_worker *w, rd_kafka_message_t *msg);
/* kafka_worker_jobs_wait: serves delivery reports until no job is queued or running, or until
 * deadline (monotonic ms); 1 when none is left. */
int kafka_worker_jobs_wait(kafka_worker *w, long long deadline);
/* kafka_worker_threads_start: cfg->threads pipeline threads, each with its own pipeline; NI_OK,
 * or an error with errstr filled (started threads are stopped by kafka_worker_threads_stop). */
int kafka_worker_threads_start(kafka_worker *w, char *errstr, size_t errlen);
/* kafka_worker_threads_stop: the threads drop what is queued and exit; joined, freed. */
void kafka_worker_threads_stop(kafka_worker *w);

/* ---- worker_output.c: records, entity events, dead letters, retries, delivery reports ---- */

/* kafka_worker_outputs_send: the outputs of a processed job (record + events, or a dead
 * letter); refusals are kept for retry, never dropped; gives back the job's ticket reference. */
void kafka_worker_outputs_send(kafka_worker *w, job *j);
/* kafka_worker_retries_serve: produces every due retry again; a refused one waits another
 * backoff (or becomes a dead letter, see README "Dead letters"). */
void kafka_worker_retries_serve(kafka_worker *w);
/* kafka_worker_retries_free: frees every retry still kept (at destroy). */
void kafka_worker_retries_free(kafka_worker *w);
/* kafka_worker_on_delivery: the producer's delivery report callback (opaque = the worker). */
void kafka_worker_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);

/* ---- worker_rebalance.c: offsets stored and committed, pause, rebalances ---- */

/* kafka_worker_offsets_store: hands the committable offsets (all: every completed prefix) to
 * the consumer; auto-commit commits them. A refusal is logged. */
void kafka_worker_offsets_store(kafka_worker *w, int all);
/* kafka_worker_paused_set: pauses or resumes the whole assignment. */
void kafka_worker_paused_set(kafka_worker *w, int pause);
/* kafka_worker_on_commit: the consumer's offset commit callback (opaque = the worker). */
void kafka_worker_on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t *offsets, void *opaque);
/* kafka_worker_commit_sync: commits the stored offsets now, its result served through
 * kafka_worker_on_commit; librdkafka's code (_NO_OFFSET when there was nothing new), logged. */
rd_kafka_resp_err_t kafka_worker_commit_sync(kafka_worker *w, const char *when);
/* kafka_worker_commit_nudge: an early asynchronous commit for backpressure (rate-limited). */
void kafka_worker_commit_nudge(kafka_worker *w);
/* kafka_worker_on_rebalance: the consumer's rebalance callback (opaque = the worker). */
void kafka_worker_on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t *parts, void *opaque);

#endif
