/* offsets.h: per-partition completion tracking: which input offsets may be committed. */
#ifndef NI_KAFKA_OFFSETS_H
#define NI_KAFKA_OFFSETS_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

/*
 * Messages of one partition are consumed in offset order; each one gets a ticket. Every output
 * of the message (record, DLQ copy, entity events) takes a reference on the ticket before it is
 * produced and gives it back from its delivery report. A message is complete when all its
 * outputs are delivered and the worker has released its own reference. The committable offset
 * of a partition is (highest offset such that it and every earlier tracked offset are complete)
 * + 1. A failed delivery marks the ticket failed: the partition stops advancing at it (stuck)
 * until the output is delivered on a retry. Single-threaded: the worker loop and the delivery
 * report callbacks (served by rd_kafka_poll on the same thread) call these.
 */
typedef struct kafka_offsets kafka_offsets;
typedef struct kafka_ticket kafka_ticket;

/* kafka_offsets_create: NULL when out of memory. kafka_offsets_destroy: NULL is a no-op; frees
 * every ticket and partition, pending or not. */
kafka_offsets *kafka_offsets_create(void);
void kafka_offsets_destroy(kafka_offsets *o);

/* kafka_offsets_track: a new ticket for a consumed message holding the worker's reference (one
 * reference). Offsets of a partition must arrive increasing; an offset at or below the last
 * tracked one (a re-delivery after a seek) restarts the partition's tracking from it. NULL when
 * out of memory. */
kafka_ticket *kafka_offsets_track(kafka_offsets *o, const char *topic, int32_t partition,
                                  int64_t offset);
/* kafka_ticket_ref: one more pending output. */
void kafka_ticket_ref(kafka_ticket *t);
/* kafka_ticket_done: one reference given back (delivered output, or the worker's own); when the
 * last goes, the ticket is complete and its partition may advance. */
void kafka_ticket_done(kafka_offsets *o, kafka_ticket *t);
/* kafka_ticket_failed: an output failed permanently: the reference is kept (the worker retries
 * the output and calls done or failed again); the partition is stuck until then. */
void kafka_ticket_failed(kafka_offsets *o, kafka_ticket *t);
/* kafka_ticket_failures: how many times an output of the ticket failed (all outputs, all
 * attempts). */
long kafka_ticket_failures(const kafka_ticket *t);
/* kafka_ticket_retried: the failed output was produced again; the partition is no longer
 * counted stuck because of this ticket (until it fails again). */
void kafka_ticket_retried(kafka_offsets *o, kafka_ticket *t);

/* kafka_ticket_topic / _partition / _offset: what the ticket stands for. */
const char *kafka_ticket_topic(const kafka_ticket *t);
int32_t kafka_ticket_partition(const kafka_ticket *t);
int64_t kafka_ticket_offset(const kafka_ticket *t);

/* kafka_offsets_committable: the partitions whose committable offset moved since the last call
 * (or all tracked partitions with a committable offset when all is set), as a new list the
 * caller destroys; NULL when there is nothing to commit. */
rd_kafka_topic_partition_list_t *kafka_offsets_committable(kafka_offsets *o, int all);

/* kafka_offsets_forget: stops tracking a partition (revoked). Tickets still referenced stay
 * valid until their last kafka_ticket_done/failed, which then only frees them. */
void kafka_offsets_forget(kafka_offsets *o, const char *topic, int32_t partition);

/* kafka_offsets_inflight: tickets not yet complete (all partitions, forgotten ones included). */
long kafka_offsets_inflight(const kafka_offsets *o);
/* kafka_offsets_stuck: partitions currently stuck on a failed output. */
int kafka_offsets_stuck(const kafka_offsets *o);
/* kafka_offsets_stalled: partitions not stuck on a failed output whose oldest incomplete
 * message was tracked more than limit_ms before now_ms (CLOCK_MONOTONIC ms): its outputs are
 * neither delivered nor failed (still in the pipeline, or in flight to a broker that does not
 * answer), so the partition cannot advance. */
int kafka_offsets_stalled(const kafka_offsets *o, long long now_ms, long limit_ms);

#endif
