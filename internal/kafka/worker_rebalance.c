/* worker_rebalance.c: the worker's offsets and group membership: completed offsets stored,
 * commits and their results, pause and resume, and rebalances (a revoke waits for the jobs,
 * flushes and commits before the partitions are given up). */
#include "log/log.h"
#include "worker_internal.h"

#include <stdio.h>
#include <string.h>

#define COMMIT_NUDGE_MS 20 /* at most this often an early commit asked by backpressure */

/* kafka_worker_offsets_store: hands the committable offsets to the consumer (auto-commit commits
 * them). */
void kafka_worker_offsets_store(kafka_worker *w, int all)
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

void kafka_worker_paused_set(kafka_worker *w, int pause)
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

/* kafka_worker_on_commit: every commit's outcome (auto-commits, and the synchronous ones of
 * kafka_worker_commit_sync): acknowledged offsets move, the result is counted, a refusal is logged.
 */
void kafka_worker_on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
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

/* kafka_worker_commit_sync: commits the stored offsets of the assignment now, serving its result
 * through on_commit; librdkafka's code (_NO_OFFSET when there was nothing new). */
rd_kafka_resp_err_t kafka_worker_commit_sync(kafka_worker *w, const char *when)
{
    rd_kafka_resp_err_t err =
        rd_kafka_commit_queue(w->consumer, NULL, NULL, kafka_worker_on_commit, w);
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

/* kafka_worker_commit_nudge: an immediate asynchronous commit when backpressure waits for commits
 * (at most one per COMMIT_NUDGE_MS, and one at a time unless its result takes longer than a second:
 * during a rebalance the coordinator holds commits). */
void kafka_worker_commit_nudge(kafka_worker *w)
{
    long long now = kafka_mono_ms();
    if (now < w->commit_nudge || (w->nudged && now < w->commit_nudge + RETRY_BACKOFF_MS)) return;
    w->commit_nudge = now + COMMIT_NUDGE_MS;
    kafka_worker_offsets_store(w, 0);
    w->nudged = !rd_kafka_commit(w->consumer, NULL, 1); /* the result comes to on_commit */
}

/* partitions_revoke: wait for the jobs in the pipeline threads, flush (both bounded), commit what
 * is complete, forget the partitions. */
static void partitions_revoke(kafka_worker *w, rd_kafka_topic_partition_list_t *parts)
{
    if (!rd_kafka_assignment_lost(w->consumer)) {
        long long end = kafka_mono_ms() + w->cfg->flush_timeout_ms;
        if (w->deadline && w->deadline < end) end = w->deadline;
        if (!kafka_worker_jobs_wait(w, end))
            log_warn("revoke: jobs still running at the flush timeout");
        long long left = end - kafka_mono_ms();
        rd_kafka_flush(w->producer, left > 0 ? (int)left : 0);
        kafka_worker_offsets_store(w, 1);
        kafka_worker_commit_sync(w, "revoke"); /* before the partitions are given up */
    }
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < parts->cnt; i++)
        kafka_offsets_forget(w->offsets, parts->elems[i].topic, parts->elems[i].partition);
    pthread_mutex_unlock(&w->mu);
    commits_forget(w, parts);
}

void kafka_worker_on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
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
