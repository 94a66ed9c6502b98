/* kafka.h: librdkafka clients from the configuration, and the embedded (mock) cluster. */
#ifndef NI_KAFKA_KAFKA_H
#define NI_KAFKA_KAFKA_H

#include "config/config.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stddef.h>

/*
 * kafka_conf_new: a librdkafka configuration for the consumer (CONFIG_SCOPE_CONSUMER) or the
 * producer (CONFIG_SCOPE_PRODUCER): the worker's defaults, then every pass-through property of
 * that scope or both in order, then the settings at-least-once depends on (bootstrap.servers,
 * group.id, enable.auto.offset.store=false; enable.idempotence=true, acks=all), which a
 * pass-through value cannot weaken. NI_OK with *out the caller owns (rd_kafka_new takes it), or
 * NI_ERR_INVALID naming the property and librdkafka's reason (*out NULL).
 */
int kafka_conf_new(const config *cfg, config_scope role, rd_kafka_conf_t **out, char *errstr,
                   size_t errlen);

/* The in-process Kafka-protocol cluster (librdkafka's mock cluster) for trying the service and
 * for tests. Not for data that matters: it keeps about 5 MiB per partition, in memory. */
typedef struct kafka_embedded kafka_embedded;

/* kafka_embedded_create: starts a mock cluster of `brokers` brokers with each of topics[0..n)
 * created with `partitions` partitions (replication = min(3, brokers)). NULL on failure
 * (errstr filled). */
kafka_embedded *kafka_embedded_create(int brokers, int partitions, const char *const *topics,
                                      size_t ntopics, char *errstr, size_t errlen);
/* kafka_embedded_bootstraps: "127.0.0.1:port,..." valid until destroy. */
const char *kafka_embedded_bootstraps(const kafka_embedded *e);
/* kafka_embedded_mock: the mock cluster handle (tests: broker down/up, leader moves). */
rd_kafka_mock_cluster_t *kafka_embedded_mock(kafka_embedded *e);
/* kafka_embedded_destroy: stops the cluster; NULL is a no-op. */
void kafka_embedded_destroy(kafka_embedded *e);

#endif
