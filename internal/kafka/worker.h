/* worker.h: the long-running worker: consume pages, run the pipeline on N threads, produce
 * records, entity events and DLQ copies, commit after delivery. */
#ifndef NI_KAFKA_WORKER_H
#define NI_KAFKA_WORKER_H

#include "config/config.h"
#include "entities/entities.h"
#include "metrics/health.h"
#include "metrics/metrics.h"

#include <signal.h>
#include <stddef.h>

typedef struct kafka_worker kafka_worker;

/* kafka_worker_create: builds the consumer and producer from cfg (borrowed, must outlive the
 * worker), starts cfg->threads pipeline threads and subscribes to the input topic. ner (may be
 * NULL: records get no entities, no events are produced) is the model + KB pair: the worker
 * takes its own reference, the caller keeps (and gives back) its own. m and h are borrowed.
 * NULL with errstr filled when a client or thread cannot be created (bad configuration:
 * NI_ERR_INVALID's message). */
kafka_worker *kafka_worker_create(const config *cfg, ner_resources *ner, metrics *m, health *h,
                                  char *errstr, size_t errlen);

/* kafka_worker_run: the loop until *stop becomes non-zero, then the drain: stop consuming,
 * finish in-flight work, flush the producer, commit, close the consumer, all within
 * cfg->grace_ms. When *reload (may be NULL) becomes non-zero the worker clears it and loads the
 * model cfg->ner_model and the KB cfg->kb again on a thread of its own while it keeps consuming;
 * the new pair serves the messages processed after the swap; a failed load is logged and counted
 * (news_ingest_ner_reloads_total) and the old pair stays. NI_OK after a clean drain; NI_ERR with
 * errstr filled when the grace period ran out with outputs undelivered (their inputs stay
 * uncommitted) or a fatal client error. */
int kafka_worker_run(kafka_worker *w, volatile sig_atomic_t *stop, volatile sig_atomic_t *reload,
                     char *errstr, size_t errlen);

/* kafka_worker_destroy: stops and joins the threads, destroys the clients, gives back the
 * worker's reference on the model + KB; NULL is a no-op. */
void kafka_worker_destroy(kafka_worker *w);

#endif
