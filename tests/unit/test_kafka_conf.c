/* test_kafka_conf.c: the librdkafka configurations the worker builds (defaults, overrides). */
#include "config/config.h"
#include "kafka/kafka.h"

#include <criterion/criterion.h>
#include <string.h>

/* conf_get: property key of the role's configuration made from `run` with extra args. */
static void conf_get(config_scope role, const char *const *extra, const char *key, char *out,
                     size_t outlen)
{
    const char *argv[16] = {"run", "--brokers", "127.0.0.1:9"};
    int argc = 3;
    for (size_t i = 0; extra && extra[i]; i++) argv[argc++] = extra[i];
    char *env[] = {NULL};
    config cfg;
    char err[256] = "";
    cr_assert_eq(config_load(&cfg, argc, (char **)argv, env, err, sizeof err), 0, "%s", err);
    rd_kafka_conf_t *c = NULL;
    cr_assert_eq(kafka_conf_new(&cfg, role, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(rd_kafka_conf_get(c, key, out, &outlen), RD_KAFKA_CONF_OK);
    rd_kafka_conf_destroy(c);
    config_free(&cfg);
}

/* producer_partitioner: the "partitioner" of the producer configuration made from args. */
static void producer_partitioner(const char *const *extra, char *out, size_t outlen)
{
    conf_get(CONFIG_SCOPE_PRODUCER, extra, "partitioner", out, outlen);
}

Test(kafka_conf, outputs_use_murmur2_random_by_default)
{
    char v[64];
    producer_partitioner(NULL, v, sizeof v);
    cr_assert_str_eq(v, "murmur2_random", "Java's partitioner for record and event keys");
}

Test(kafka_conf, partitioner_overridable_with_X)
{
    char v[64];
    const char *x[] = {"-X", "producer.partitioner=consistent_random", NULL};
    producer_partitioner(x, v, sizeof v);
    cr_assert_str_eq(v, "consistent_random");
    const char *both[] = {"-X", "partitioner=fnv1a", NULL};
    producer_partitioner(both, v, sizeof v);
    cr_assert_str_eq(v, "fnv1a");
}

Test(kafka_conf, consumer_prefetch_queue_16_mb_by_default_overridable)
{
    char v[64];
    conf_get(CONFIG_SCOPE_CONSUMER, NULL, "queued.max.messages.kbytes", v, sizeof v);
    cr_assert_str_eq(v, "16384", "librdkafka's 64 MB would hold the steady RSS over 128 MB");
    const char *x[] = {"-X", "consumer.queued.max.messages.kbytes=65536", NULL};
    conf_get(CONFIG_SCOPE_CONSUMER, x, "queued.max.messages.kbytes", v, sizeof v);
    cr_assert_str_eq(v, "65536");
}
