/* kafka.c: librdkafka configurations from the worker's settings, and the embedded mock cluster. */
#include "kafka/kafka.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* set: one property; NI_OK or NI_ERR_INVALID naming it and librdkafka's reason. */
static int set(rd_kafka_conf_t *c, const char *key, const char *value, char *errstr, size_t errlen)
{
    char why[256];
    if (rd_kafka_conf_set(c, key, value, why, sizeof why) == RD_KAFKA_CONF_OK) return NI_OK;
    return ni_err_set(errstr, errlen, NI_ERR_INVALID, "%s: %s", key, why);
}

/* defaults: what the worker sets unless a pass-through property says otherwise. */
static int defaults(const config *cfg, config_scope role, rd_kafka_conf_t *c, char *errstr,
                    size_t errlen)
{
    char stats[32], commit[32];
    snprintf(stats, sizeof stats, "%d", cfg->stats_interval_ms);
    snprintf(commit, sizeof commit, "%d",
             cfg->commit_interval_ms > 0 ? cfg->commit_interval_ms : 250);
    int rc = set(c, "client.id", "news-ingest", errstr, errlen);
    if (!rc && role == CONFIG_SCOPE_CONSUMER) {
        static const char *const kv[][2] = {
            {"partition.assignment.strategy", "cooperative-sticky"},
            {"auto.offset.reset", "earliest"},
            {"enable.auto.commit", "true"},
            {"fetch.wait.max.ms", "100"},
            /* the prefetch queue (librdkafka: 64 MB): 16 MB keeps several seconds of pages
             * ahead and the steady RSS under 128 MB (README, "Worker against Apache Kafka");
             * one larger message is still fetched whole when the queue is empty */
            {"queued.max.messages.kbytes", "16384"},
        };
        for (size_t i = 0; !rc && i < sizeof kv / sizeof kv[0]; i++)
            rc = set(c, kv[i][0], kv[i][1], errstr, errlen);
        if (!rc) rc = set(c, "statistics.interval.ms", stats, errstr, errlen);
        if (!rc) rc = set(c, "auto.commit.interval.ms", commit, errstr, errlen);
    } else if (!rc) {
        rc = set(c, "linger.ms", "5", errstr, errlen);
        if (!rc) rc = set(c, "compression.type", "lz4", errstr, errlen);
        /* murmur2_random: the Java client's partitioner (Kafka Streams and kafkajs too), so a key
         * lands where a Java producer puts it; a topic-level property librdkafka takes on the
         * global configuration, overridden by a later -X producer.partitioner= */
        if (!rc) rc = set(c, "partitioner", "murmur2_random", errstr, errlen);
    }
    return rc;
}

/* forced: the settings at-least-once depends on; applied last. */
static int forced(const config *cfg, config_scope role, rd_kafka_conf_t *c, char *errstr,
                  size_t errlen)
{
    int rc = set(c, "bootstrap.servers", cfg->brokers, errstr, errlen);
    if (!rc && role == CONFIG_SCOPE_CONSUMER) {
        rc = set(c, "group.id", cfg->group, errstr, errlen);
        if (!rc) rc = set(c, "enable.auto.offset.store", "false", errstr, errlen);
    } else if (!rc) {
        rc = set(c, "enable.idempotence", "true", errstr, errlen);
        if (!rc) rc = set(c, "acks", "all", errstr, errlen);
    }
    return rc;
}

int kafka_conf_new(const config *cfg, config_scope role, rd_kafka_conf_t **out, char *errstr,
                   size_t errlen)
{
    *out = NULL;
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    if (!c) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    int rc = defaults(cfg, role, c, errstr, errlen);
    for (size_t i = 0; !rc && i < cfg->props.n; i++) {
        const config_prop *p = &cfg->props.v[i];
        if (p->scope == CONFIG_SCOPE_BOTH || p->scope == role)
            rc = set(c, p->key, p->value, errstr, errlen);
    }
    if (!rc) rc = forced(cfg, role, c, errstr, errlen);
    if (rc) {
        rd_kafka_conf_destroy(c);
        return rc;
    }
    *out = c;
    return NI_OK;
}

struct kafka_embedded {
    rd_kafka_t *rk; /* owns the mock cluster's thread */
    rd_kafka_mock_cluster_t *mock;
    char *bootstraps;
};

kafka_embedded *kafka_embedded_create(int brokers, int partitions, const char *const *topics,
                                      size_t ntopics, char *errstr, size_t errlen)
{
    kafka_embedded *e = calloc(1, sizeof *e);
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    char why[256] = "out of memory";
    if (!e || !c || rd_kafka_conf_set(c, "log_level", "3", why, sizeof why) != RD_KAFKA_CONF_OK ||
        !(e->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, why, sizeof why))) {
        if (c) rd_kafka_conf_destroy(c); /* rd_kafka_new takes it only on success */
        free(e);
        ni_err_set(errstr, errlen, NI_ERR, "embedded broker: %s", why);
        return NULL;
    }
    c = NULL; /* owned by e->rk */
    e->mock = rd_kafka_mock_cluster_new(e->rk, brokers);
    if (!e->mock) {
        ni_err_set(errstr, errlen, NI_ERR, "embedded broker: cannot start %d mock brokers",
                   brokers);
        kafka_embedded_destroy(e);
        return NULL;
    }
    int rf = brokers < 3 ? brokers : 3;
    for (size_t i = 0; i < ntopics; i++) {
        if (!topics[i] || !*topics[i]) continue;
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(e->mock, topics[i], partitions, rf);
        if (err) {
            ni_err_set(errstr, errlen, NI_ERR, "embedded broker: topic %s: %s", topics[i],
                       rd_kafka_err2str(err));
            kafka_embedded_destroy(e);
            return NULL;
        }
    }
    e->bootstraps = strdup(rd_kafka_mock_cluster_bootstraps(e->mock));
    if (!e->bootstraps) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        kafka_embedded_destroy(e);
        return NULL;
    }
    return e;
}

const char *kafka_embedded_bootstraps(const kafka_embedded *e)
{
    return e->bootstraps;
}

rd_kafka_mock_cluster_t *kafka_embedded_mock(kafka_embedded *e)
{
    return e->mock;
}

void kafka_embedded_destroy(kafka_embedded *e)
{
    if (!e) return;
    if (e->mock) rd_kafka_mock_cluster_destroy(e->mock);
    if (e->rk) rd_kafka_destroy(e->rk);
    free(e->bootstraps);
    free(e);
}
