/* config.h: the worker's settings from flags > environment > properties file > defaults. */
#ifndef NI_CONFIG_CONFIG_H
#define NI_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdio.h>

/* Where a librdkafka property goes: both clients, only the consumer, only the producer. */
typedef enum config_scope {
    CONFIG_SCOPE_BOTH,
    CONFIG_SCOPE_CONSUMER,
    CONFIG_SCOPE_PRODUCER
} config_scope;

/* One librdkafka property to pass through, in the order given (later ones win). */
typedef struct config_prop {
    config_scope scope;
    char *key; /* librdkafka name, e.g. "sasl.password" */
    char *value;
} config_prop;

typedef struct config_props {
    config_prop *v;
    size_t n, cap;
} config_props;

/* The worker's settings. Strings are owned by the config (config_free). */
typedef struct config {
    char *brokers;           /* bootstrap list, or "embedded" for the in-process mock cluster */
    char *group;             /* consumer group id; default "news-ingest" */
    char *input_topic;       /* default "pages" */
    char *output_topic;      /* default "articles" */
    char *dlq_topic;         /* default "pages.dlq" */
    char *entities_topic;    /* default "entities"; "" disables entity events */
    char *http_listen;       /* host:port, default "0.0.0.0:8080"; port 0 picks a free port */
    char *log_level;         /* default "info" */
    char *bootstrap_file;    /* embedded only: write the bootstrap list here; NULL = don't */
    char *worker_id;         /* default: the host name (the pod name in Kubernetes) */
    size_t max_bytes;        /* page size limit; default PAGE_DEFAULT_MAX_BYTES */
    int max_inflight;        /* messages consumed but not yet committed-ready; default 1000 */
    int grace_ms;            /* shutdown grace period; default 25000 */
    int flush_timeout_ms;    /* bound on a flush at revoke; default 10000 */
    int embedded_brokers;    /* default 3 */
    int embedded_partitions; /* default 4 */
    int stats_interval_ms;   /* librdkafka statistics (consumer lag); default 5000 */
    int threads;             /* pipeline threads; default online CPUs, 1..16 */
    char *ner_model;         /* entity model path; NULL: the caller's default (cmd_data_path) */
    char *kb;                /* knowledge base path; NULL: the caller's default */
    int fetch;               /* 1: messages with only a URL are fetched; default 0 */
    int fetch_concurrency;   /* default 16 */
    int fetch_host_delay_ms; /* default 1000 */
    int fetch_timeout_ms;    /* default 15000 */
    int fetch_retries;       /* default 3 */
    int fetch_ignore_robots; /* default 0 */
    char *fetch_user_agent;  /* default "news-ingest/VERSION" */
    char *fetch_ca_file;     /* NULL: the system's CA certificates */

    /* Commits and delivery (defaults 250, 5, 60000): commit stored offsets this often; dead-letter
     * an output refused for good after this many attempts; count a partition as stuck when its
     * oldest consumed message stays unfinished this long (ms). */
    int commit_interval_ms;
    int max_delivery_attempts;
    int stall_ms;
    /* entity events below this confidence are not produced; default "0.8" */
    char *min_entity_confidence;
    config_props props; /* librdkafka pass-through: file, then env, then -X flags */
} config;

/*
 * config_load: fills *cfg from defaults, then the properties file (--config FILE or
 * NEWS_INGEST_CONFIG), then the environment (envp, NULL-terminated "NAME=value" strings), then
 * the command-line arguments argv[1..argc) of `run` (argv[0] is the command name).
 * Options (flag / environment / file key):
 *   --brokers / NEWS_INGEST_BROKERS / brokers, --group / NEWS_INGEST_GROUP / group, ... every
 *   field above: flag "--<name>" with dashes, variable NEWS_INGEST_<NAME> upper-case with
 *   underscores, file key "<name>" with dashes.
 *   -X [consumer.|producer.]<prop>=<value>; NEWS_INGEST_KAFKA_<PROP> (lower-cased, '_' -> '.',
 *   a leading "consumer."/"producer." scopes it); in the file any other key is a librdkafka
 *   property with the same scoping.
 * Every pass-through property is checked against librdkafka (rd_kafka_conf_set on a scratch
 * configuration of the right type), so an unknown property or bad value fails here.
 * Returns NI_OK; 1 when --help was given (usage printed to stdout, caller exits 0); or
 * NI_ERR_INVALID / NI_ERR_IO with one sentence in errstr naming the option and why (caller
 * exits 2). Missing brokers is an error. On error *cfg is freed. The caller frees with
 * config_free.
 */
int config_load(config *cfg, int argc, char **argv, char **envp, char *errstr, size_t errlen);

/* config_min_entity_confidence: min_entity_confidence as a number (0 when unset). */
double config_min_entity_confidence(const config *cfg);

/* config_free: frees every string and the property list; NULL-safe; leaves *cfg zeroed. */
void config_free(config *cfg);

/* config_usage: the `run --help` text: every option with its variable and default. */
void config_usage(FILE *f);

/* config_props_add: appends a copy of key/value with a scope; NI_OK or NI_ERR_NOMEM. */
int config_props_add(config_props *p, config_scope scope, const char *key, const char *value);
/* config_props_parse: "[consumer.|producer.]prop=value" (the -X form) appended to p; NI_OK, or
 * NI_ERR_INVALID when there is no '=' or the key is empty. */
int config_props_parse(config_props *p, const char *arg, char *errstr, size_t errlen);
/* config_props_free: NULL-safe. */
void config_props_free(config_props *p);

#endif
