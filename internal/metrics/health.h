/* health.h: the worker's readiness facts and the /readyz verdict built from them. */
#ifndef NI_METRICS_HEALTH_H
#define NI_METRICS_HEALTH_H

#include <stddef.h>

/*
 * The worker thread sets the facts; the HTTP thread asks health_ready. All fields are atomics
 * behind these functions, so both may run at once. Ready means: the consumer has joined the
 * group and holds at least one partition (a rebalance that leaves it none, or no join yet, is
 * not ready), the producer has reached a broker, no partition is stuck, and the worker is not
 * draining.
 */
typedef struct health health;

/* health_create: NULL when out of memory. health_destroy: NULL is a no-op. */
health *health_create(void);
void health_destroy(health *h);

void health_assigned_set(health *h, int partitions); /* after every assign/revoke */
void health_producer_up_set(health *h, int up);      /* producer reached a broker */
void health_stuck_set(health *h, int partitions);    /* partitions that cannot advance */
void health_draining_set(health *h, int draining);   /* shutdown started */
void health_beat(health *h);                         /* worker loop alive (for /livez) */
/* health_consumer_blocked_set: why the consumer cannot read a fetch response (e.g. a message
 * batch larger than receive.message.max.bytes): not ready, "stuck: the consumer cannot read from
 * a broker: <why>"; NULL clears it. */
void health_consumer_blocked_set(health *h, const char *why);

/* health_client_error_set: the Kafka clients' last error (code != 0 and its text, e.g. "Local:
 * Authentication failure: SASL authentication error: ..."), shown after the reason while not
 * ready; NULL text clears it (so does reaching a broker or getting partitions). A symptom
 * (e.g. "all brokers down" after a failed login) does not replace a stored cause. Returns 1
 * when code was not reported since the last clear (the caller logs each cause once, its
 * repeats quietly, even when two causes alternate). */
int health_client_error_set(health *h, int code, const char *text, int symptom);

/* health_ready: 1 when ready; else 0 and why (one short sentence, e.g. "draining: shutdown in
 * progress", "not joined: waiting to join the consumer group", "not assigned: waiting for a
 * partition assignment", "stuck: 1 partition cannot commit (delivery failed)", "producer: no broker
 * reached yet"). */
int health_ready(health *h, char *why, size_t whylen);

/* health_live: 1 while the worker loop has beaten within stale_ms (0 disables the check);
 * else 0 and why. */
int health_live(health *h, long stale_ms, char *why, size_t whylen);

#endif
