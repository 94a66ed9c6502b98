/* run.c: `news-ingest run`: wires configuration, logs, metrics, HTTP and the Kafka worker. */
#include "cmd.h"

#include "config/config.h"
#include "entities/entities.h"
#include "http/http.h"
#include "kafka/kafka.h"
#include "kafka/worker.h"
#include "log/log.h"
#include "metrics/health.h"
#include "metrics/metrics.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char **environ;

#define PROG "news-ingest run"

/* check_kafka: both client configurations build (bad properties fail before connecting). */
static int check_kafka(const config *cfg, char *errstr, size_t errlen)
{
    rd_kafka_conf_t *c = NULL;
    int rc = kafka_conf_new(cfg, CONFIG_SCOPE_CONSUMER, &c, errstr, errlen);
    if (c) rd_kafka_conf_destroy(c);
    c = NULL;
    if (!rc) rc = kafka_conf_new(cfg, CONFIG_SCOPE_PRODUCER, &c, errstr, errlen);
    if (c) rd_kafka_conf_destroy(c);
    return rc;
}

/* embedded_props: the mock cluster's needs first (its group join waits session.timeout.ms -
 * 1000), then the user's properties, which still win. */
static int embedded_props(config *cfg)
{
    config_props p = {0};
    int rc = config_props_add(&p, CONFIG_SCOPE_CONSUMER, "session.timeout.ms", "6000");
    if (!rc) rc = config_props_add(&p, CONFIG_SCOPE_CONSUMER, "heartbeat.interval.ms", "1000");
    for (size_t i = 0; !rc && i < cfg->props.n; i++)
        rc =
            config_props_add(&p, cfg->props.v[i].scope, cfg->props.v[i].key, cfg->props.v[i].value);
    if (rc) {
        config_props_free(&p);
        return rc;
    }
    config_props_free(&cfg->props);
    cfg->props = p;
    return NI_OK;
}

/* embedded_start: the in-process cluster; cfg->brokers becomes its bootstrap list. */
static kafka_embedded *embedded_start(config *cfg, char *errstr, size_t errlen)
{
    const char *topics[] = {cfg->input_topic, cfg->output_topic, cfg->dlq_topic,
                            cfg->entities_topic};
    size_t ntopics = cfg->entities_topic && *cfg->entities_topic ? 4 : 3;
    kafka_embedded *e = kafka_embedded_create(cfg->embedded_brokers, cfg->embedded_partitions,
                                              topics, ntopics, errstr, errlen);
    if (!e) return NULL;
    char *b = strdup(kafka_embedded_bootstraps(e));
    if (!b || embedded_props(cfg) ||
        (cfg->bootstrap_file && cmd_bootstrap_file_write(cfg->bootstrap_file, b))) {
        free(b);
        kafka_embedded_destroy(e);
        ni_err_set(errstr, errlen, NI_ERR_IO, "embedded broker: cannot write the bootstrap file");
        return NULL;
    }
    free(cfg->brokers);
    cfg->brokers = b;
    log_warn("embedded broker started: for trying the service and tests, not for data that "
             "matters (in memory, about 5 MiB per partition)",
             "bootstrap_servers", b, "bootstrap_file", cfg->bootstrap_file);
    return e;
}

/* ner_load: the entity model and KB from --ner-model/--kb, else their default places
 * (cmd_data_path); the chosen paths are kept in cfg so that a reload (SIGHUP) reads the same
 * files. NULL with errstr naming the file (and line) when one is missing or malformed. */
static ner_resources *ner_load(config *cfg, char *errstr, size_t errlen)
{
    if (!cfg->ner_model)
        cfg->ner_model = strdup(cmd_data_path("NEWS_INGEST_NER_MODEL", CMD_NER_MODEL_REL));
    if (!cfg->kb) cfg->kb = strdup(cmd_data_path("NEWS_INGEST_KB", CMD_KB_REL));
    if (!cfg->ner_model || !cfg->kb) {
        ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
        return NULL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ner_resources *r = ner_resources_load(cfg->ner_model, cfg->kb, errstr, errlen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char ms[32];
    snprintf(ms, sizeof ms, "%.0f",
             (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (r)
        log_info("entity model and knowledge base loaded", "model", cfg->ner_model, "kb", cfg->kb,
                 "ms", ms);
    return r;
}

/* serve: the worker loop until a signal, HTTP already listening; the process exit status. */
static int serve(const config *cfg, ner_resources *ner, metrics *m, health *h, http_server *http)
{
    char err[512] = "";
    char port[16];
    snprintf(port, sizeof port, "%d", http_server_port(http));
    log_info("http listening", "listen", cfg->http_listen, "port", port);
    kafka_worker *w = kafka_worker_create(cfg, ner, m, h, err, sizeof err);
    int status = 2;
    if (w) {
        volatile sig_atomic_t *flag = cmd_signals_install(); /* again: harmless */
        char threads[16];
        snprintf(threads, sizeof threads, "%d", cfg->threads);
        log_info("worker started", "input_topic", cfg->input_topic, "output_topic",
                 cfg->output_topic, "dlq_topic", cfg->dlq_topic, "entities_topic",
                 cfg->entities_topic, "group", cfg->group, "worker", cfg->worker_id, "threads",
                 threads);
        status = kafka_worker_run(w, flag, cmd_reload_install(), err, sizeof err) ? 1 : 0;
    }
    if (status) log_error("worker stopped with an error", "error", err);
    kafka_worker_destroy(w);
    if (!status) log_info("worker stopped");
    return status;
}

int cmd_run(int argc, char **argv)
{
    cmd_signals_install(); /* before anything starts, so a early SIGTERM still drains */
    cmd_reload_install();  /* an early SIGHUP must not end the process */
    config cfg;
    char err[512] = "";
    int rc = config_load(&cfg, argc, argv, environ, err, sizeof err);
    if (rc == 1) return 0;
    log_level level = LOG_INFO;
    if (!rc) rc = log_level_parse(cfg.log_level, &level, err, sizeof err);
    if (!rc) rc = check_kafka(&cfg, err, sizeof err);
    if (!rc) log_level_set(level);
    metrics *m = rc ? NULL : metrics_create(NI_VERSION);
    health *h = rc ? NULL : health_create();
    if (!rc && (!m || !h)) rc = ni_err_set(err, sizeof err, NI_ERR_NOMEM, "out of memory");
    /* the port is configuration too: one in use is found before anything else starts */
    http_server *http = rc ? NULL : http_server_create(cfg.http_listen, m, h, err, sizeof err);
    if (!rc && !http) rc = NI_ERR_INVALID;
    ner_resources *ner = rc ? NULL : ner_load(&cfg, err, sizeof err);
    if (rc || !ner) {
        fprintf(stderr, PROG ": %s\n", err);
        http_server_destroy(http);
        health_destroy(h);
        metrics_destroy(m);
        config_free(&cfg);
        return 2;
    }
    kafka_embedded *e = NULL;
    int status = 1;
    if (!strcmp(cfg.brokers, "embedded") && !(e = embedded_start(&cfg, err, sizeof err)))
        log_error("embedded broker not started", "error", err);
    else
        status = serve(&cfg, ner, m, h, http);
    http_server_destroy(http);
    ner_resources_unref(ner);
    health_destroy(h);
    metrics_destroy(m);
    kafka_embedded_destroy(e);
    config_free(&cfg);
    return status;
}
