/* worker.h: the long-running worker: consume pages, run the pipeline, produce records/DLQ,
 * commit after delivery. */
#ifndef NI_KAFKA_WORKER_H
#define NI_KAFKA_WORKER_H

#include "config/config.h"
#include "metrics/health.h"
#include "metrics/metrics.h"

#include <signal.h>
#include <stddef.h>

typedef struct kafka_worker kafka_worker;

/* kafka_worker_create: builds the consumer and producer from cfg (borrowed, must outlive the
 * worker) and subscribes to the input topic. m and h are borrowed. NULL with errstr filled when
 * a client cannot be created (bad configuration: NI_ERR_INVALID's message). */
kafka_worker *kafka_worker_create(const config *cfg, metrics *m, health *h, char *errstr,
                                  size_t errlen);

/* kafka_worker_run: the loop until *stop becomes non-zero, then the drain: stop consuming,
 * finish in-flight work, flush the producer, commit, close the consumer, all within
 * cfg->grace_ms. NI_OK after a clean drain; NI_ERR with errstr filled when the grace period ran
 * out with outputs undelivered (their inputs stay uncommitted) or a fatal client error. */
int kafka_worker_run(kafka_worker *w, volatile sig_atomic_t *stop, char *errstr, size_t errlen);

/* kafka_worker_destroy: NULL is a no-op. */
void kafka_worker_destroy(kafka_worker *w);

#endif
