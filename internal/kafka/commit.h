/* commit.h: per partition, what the worker consumed, asked to commit and saw acknowledged. */
#ifndef NI_KAFKA_COMMIT_H
#define NI_KAFKA_COMMIT_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

/*
 * The worker's honest view of its commits: for every partition it holds, the next offset it has
 * consumed, the highest offset it asked to commit (stored for auto-commit or committed
 * explicitly) and the highest one the group coordinator acknowledged (commit callback). A drain
 * is clean only when nothing asked is unacknowledged; "uncommitted" (consumed, not acknowledged)
 * bounds what a crash replays. Single-threaded: the worker's main thread (dispatch, store,
 * commit callback, rebalance callback) calls these.
 */
typedef struct kafka_commits kafka_commits;

/* kafka_commits_create: NULL when out of memory. kafka_commits_destroy: NULL is a no-op. */
kafka_commits *kafka_commits_create(void);
void kafka_commits_destroy(kafka_commits *c);

/* kafka_commits_consumed: offset of (topic, partition) was consumed. NI_OK or NI_ERR_NOMEM. */
int kafka_commits_consumed(kafka_commits *c, const char *topic, int32_t partition, int64_t offset);
/* kafka_commits_asked: the offsets in l (elements without an error) are to be committed. */
void kafka_commits_asked(kafka_commits *c, const rd_kafka_topic_partition_list_t *l);
/* kafka_commits_result: a commit's outcome (the commit callback's err and offsets): acknowledged
 * offsets move; returns 1 when every partition of l committed, 0 when any failed, -1 when there
 * was nothing to commit (err _NO_OFFSET or an empty list). */
int kafka_commits_result(kafka_commits *c, rd_kafka_resp_err_t err,
                         const rd_kafka_topic_partition_list_t *l);
/* kafka_commits_forget: the partition is given up; returns how many offsets it consumed or asked
 * to commit that were never acknowledged (inputs the next owner processes again), 0 when none. */
long kafka_commits_forget(kafka_commits *c, const char *topic, int32_t partition);
/* kafka_commits_uncommitted: messages consumed and not acknowledged as committed, summed over
 * the held partitions. */
long kafka_commits_uncommitted(const kafka_commits *c);
/* kafka_commits_behind: offsets consumed or asked and not acknowledged over the held partitions
 * (the drain calls it once every consumed message is delivered), and in
 * desc (may be NULL) the first partitions as "topic[p] committed A of B", comma-separated. */
long kafka_commits_behind(const kafka_commits *c, char *desc, size_t desclen);

#endif
