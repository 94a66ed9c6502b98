/* worker_loop.c: the worker's main loop (housekeeping, backpressure, one message at a time to
 * the pipeline threads) and its drain on stop (deliver, flush, commit, close). */
#include "log/log.h"
#include "util/err.h"
#include "worker_internal.h"

#include <stdio.h>

#define HOUSEKEEPING_MS 5   /* offsets store, gauges, retries, liveness: at most this often */
#define QUEUE_PER_THREAD 32 /* jobs dispatched and not yet emitted, per thread */

static void gauges(kafka_worker *w)
{
    pthread_mutex_lock(&w->mu);
    long n = kafka_offsets_inflight(w->offsets);
    int stuck = kafka_offsets_stuck(w->offsets) +
                kafka_offsets_stalled(w->offsets, kafka_mono_ms(), w->cfg->stall_ms);
    pthread_mutex_unlock(&w->mu);
    metrics_inflight_set(w->m, n);
    metrics_stuck_set(w->m, stuck);
    if (w->fetch) {
        fetch_stats st;
        fetcher_stats_get(w->fetch, &st);
        metrics_fetch_set(w->m, st.inflight, st.bytes);
    }
    health_stuck_set(w->h, stuck);
    char why[200];
    int blocked = kafka_worker_blocked(w, why, sizeof why);
    health_consumer_blocked_set(w->h, blocked ? why : NULL);
    metrics_consumer_blocked_set(w->m, blocked);
}

/* backpressure: pause the assignment while more than max_inflight messages are in flight or
 * consumed and not yet committed (what a crash would replay), resume at half of it. */
static void backpressure(kafka_worker *w, long n)
{
    long uncommitted = kafka_commits_uncommitted(w->commits);
    if (uncommitted >= w->cfg->max_inflight / 2) kafka_worker_commit_nudge(w);
    if (uncommitted > n) n = uncommitted;
    if (!w->paused && n >= w->cfg->max_inflight) {
        kafka_worker_paused_set(w, 1);
        log_debug("paused: too many messages in flight");
    } else if (w->paused && n <= w->cfg->max_inflight / 2) {
        kafka_worker_paused_set(w, 0);
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
    long long now = kafka_mono_ms();
    if (now >= w->housekeeping) { /* at most every HOUSEKEEPING_MS while messages stream */
        w->housekeeping = now + HOUSEKEEPING_MS;
        health_beat(w->h);
        kafka_worker_producer_check(w);
        kafka_worker_retries_serve(w);
        kafka_worker_offsets_store(w, 0);
        gauges(w);
        kafka_worker_reload_serve(w, reload);
    }
    if (atomic_load(&w->pending) >= (long)QUEUE_PER_THREAD * w->nthreads) {
        rd_kafka_poll(w->producer, 1);
        return;
    }
    rd_kafka_poll(w->producer, 0);
    long n = kafka_worker_inflight(w);
    backpressure(w, n);
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(w->consumer, n > 0 ? 5 : 100);
    if (!msg) return;
    if (msg->err) {
        consumer_error(w, msg);
        rd_kafka_message_destroy(msg);
        return;
    }
    kafka_worker_job_dispatch(w, msg);
}

/* final_commit: commits what is stored until the coordinator acknowledges it or until deadline;
 * a refusal while the group rebalances is retried after serving the consumer (its rebalance
 * callbacks: partitions leaving are committed by partitions_revoke, new ones stay paused). */
static void final_commit(kafka_worker *w, long long deadline)
{
    for (;;) {
        if (!kafka_commits_behind(w->commits, NULL, 0)) return; /* nothing unacknowledged */
        kafka_worker_commit_sync(w, "drain");
        if (!kafka_commits_behind(w->commits, NULL, 0) || kafka_mono_ms() >= deadline) return;
        health_beat(w->h);
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(w->consumer, 100);
        if (msg) rd_kafka_message_destroy(msg); /* not tracked: never committed by this worker */
        kafka_worker_offsets_store(w, 1);
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
    w->deadline = kafka_mono_ms() + grace - grace / 5; /* a fifth is kept for commit and close */
    log_info("draining: consumption stopped");
    kafka_worker_paused_set(w, 1);
    if (!kafka_worker_jobs_wait(w, w->deadline)) atomic_store(&w->discard, 1);
    while (kafka_worker_inflight(w) > 0 && kafka_mono_ms() < w->deadline) {
        health_beat(w->h);
        rd_kafka_poll(w->producer, 50);
        kafka_worker_retries_serve(w);
        kafka_worker_offsets_store(w, 0);
    }
    long long left = w->deadline - kafka_mono_ms();
    rd_kafka_flush(w->producer, left > 0 ? (int)left : 0);
    kafka_worker_offsets_store(w, 1);
    final_commit(w, w->deadline + grace / 10);
    atomic_store(&w->discard, 1);
    fetcher_stop(w->fetch); /* fetches still running are cancelled: their jobs are dropped */
    kafka_worker_jobs_wait(w, kafka_mono_ms() +
                                  grace / 10); /* dropped jobs give their messages back */
    rd_kafka_consumer_close(w->consumer);      /* revokes what is left: commit_sync again */
    gauges(w);
    long pending = kafka_worker_inflight(w);
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
    while (!*stop && !kafka_worker_fatal_has(w)) step(w, reload);
    if (kafka_worker_fatal_has(w)) {
        pthread_mutex_lock(&w->mu);
        ni_err_set(errstr, errlen, NI_ERR, "%s", w->fatal);
        pthread_mutex_unlock(&w->mu);
        health_draining_set(w->h, 1);
        return NI_ERR;
    }
    return drain(w, errstr, errlen);
}
