/* test_deploy.c: the Dockerfile and deploy/ (Kubernetes, Compose) agree with the built binary. */
#include "config/config.h"
#include "support.h"
#include "support_proc.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* props_file: librdkafka's property table (for NEWS_INGEST_KAFKA_* names) in the tmpdir. */
static const char *props_file(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/rdkafka-props.txt", support_tmpdir());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot create %s", path);
    rd_kafka_conf_properties_show(f);
    cr_assert_eq(fclose(f), 0);
    return path;
}

/* check: runs check_deploy.py on the source tree, or on the copy under dir when dir != NULL. */
static void check(const char *dir, support_run_result *r)
{
    char script[4096], root[4096], props[4096], deploy[4096], dockerfile[4096];
    snprintf(script, sizeof script, "%s", support_path("tests/support/check_deploy.py"));
    snprintf(root, sizeof root, "%s", support_path(""));
    snprintf(props, sizeof props, "%s", props_file());
    char *argv[16] = {"/usr/bin/python3", script, "--binary",        (char *)support_cli(),
                      "--root",           root,   "--rdkafka-props", props};
    if (dir) {
        snprintf(deploy, sizeof deploy, "%s/deploy", dir);
        snprintf(dockerfile, sizeof dockerfile, "%s/Dockerfile", dir);
        argv[8] = "--deploy", argv[9] = deploy;
        argv[10] = "--dockerfile", argv[11] = dockerfile;
    }
    support_run(argv, NULL, 0, 0, r);
}

/* copy_tree: deploy/ and the Dockerfile copied into the tmpdir; returns the tmpdir. */
static const char *copy_tree(void)
{
    const char *dir = support_tmpdir();
    char src_deploy[4096], src_docker[4096];
    snprintf(src_deploy, sizeof src_deploy, "%s", support_path("deploy"));
    snprintf(src_docker, sizeof src_docker, "%s", support_path("Dockerfile"));
    char *argv[] = {"/bin/cp", "-R", src_deploy, src_docker, (char *)dir, NULL};
    support_run_result r;
    support_run(argv, NULL, 0, 0, &r);
    cr_assert_eq(r.status, 0, "cp failed: %s", r.err);
    support_run_result_free(&r);
    return dir;
}

/* mutate: in the copy's file rel, replaces every `from` by `to` (which must occur). */
static void mutate(const char *dir, const char *rel, const char *from, const char *to)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *text = support_read(path, NULL);
    sbuf out = SBUF_INIT;
    int hits = 0;
    const char *p = text;
    for (const char *q; (q = strstr(p, from)); p = q + strlen(from), hits++) {
        cr_assert_eq(sbuf_append(&out, p, (size_t)(q - p)), 0);
        cr_assert_eq(sbuf_append_str(&out, to), 0);
    }
    cr_assert_eq(sbuf_append_str(&out, p), 0);
    cr_assert_gt(hits, 0, "%s does not contain %s", rel, from);
    support_write(rel, out.data, out.len);
    sbuf_free(&out);
    free(text);
}

/* broken: the checker fails on the copy with `from` -> `to` in rel, naming `reason`. */
static void broken(const char *rel, const char *from, const char *to, const char *reason)
{
    const char *dir = copy_tree();
    mutate(dir, rel, from, to);
    support_run_result r;
    check(dir, &r);
    cr_assert_eq(r.status, 1, "checker exit %d on %s with %s -> %s:\n%s%s", r.status, rel, from, to,
                 r.out, r.err);
    cr_assert_not_null(strstr(r.out, reason), "no \"%s\" in:\n%s", reason, r.out);
    support_run_result_free(&r);
}

/* A worker environment as check_deploy.py --print-env gives it (NAME=value strings). */
typedef struct worker_env {
    support_run_result res;
    char *v[64];
} worker_env;

/* env_get: the value of name in e, or NULL. */
static const char *env_get(const worker_env *e, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; e->v[i]; i++)
        if (!strncmp(e->v[i], name, n) && e->v[i][n] == '=') return e->v[i] + n + 1;
    return NULL;
}

/* env_print: the environment of `which` (kubernetes|compose) in the tree or the copy in dir. */
static void env_print(worker_env *e, const char *which, const char *dir)
{
    char script[4096], root[4096], deploy[4200], dockerfile[4200];
    snprintf(script, sizeof script, "%s", support_path("tests/support/check_deploy.py"));
    snprintf(root, sizeof root, "%s", support_path(""));
    snprintf(deploy, sizeof deploy, "%s/deploy", dir ? dir : root);
    snprintf(dockerfile, sizeof dockerfile, "%s/Dockerfile", dir ? dir : root);
    char *argv[] = {"/usr/bin/python3", script, "--print-env",  (char *)which, "--root", root,
                    "--deploy",         deploy, "--dockerfile", dockerfile,    NULL};
    memset(e, 0, sizeof *e);
    support_run(argv, NULL, 0, 0, &e->res);
    cr_assert_eq(e->res.status, 0, "--print-env %s: %s%s", which, e->res.out, e->res.err);
    int n = 0;
    for (char *line = strtok(e->res.out, "\n"); line; line = strtok(NULL, "\n")) {
        cr_assert_lt(n, 63, "too many variables");
        e->v[n++] = line;
    }
    cr_assert_geq(n, 5, "only %d variables for %s", n, which);
}

/* env_load: config_load (the worker's own configuration code) on the environment, no flags. */
static int env_load(worker_env *e, config *cfg, char *err, size_t errlen)
{
    char *argv[] = {"run", NULL};
    memset(cfg, 0, sizeof *cfg);
    return config_load(cfg, 1, argv, e->v, err, errlen);
}

/* assert_loads: the environment loads and the main settings are the ones it names. */
static void assert_loads(const char *which)
{
    worker_env e;
    env_print(&e, which, NULL);
    config cfg;
    char err[512] = "";
    int rc = env_load(&e, &cfg, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "%s environment rejected: %s", which, err);
    cr_assert_str_eq(cfg.brokers, env_get(&e, "NEWS_INGEST_BROKERS"));
    cr_assert_str_eq(cfg.group, env_get(&e, "NEWS_INGEST_GROUP"));
    cr_assert_str_eq(cfg.input_topic, env_get(&e, "NEWS_INGEST_INPUT_TOPIC"));
    cr_assert_eq(cfg.grace_ms, atoi(env_get(&e, "NEWS_INGEST_GRACE_MS")));
    size_t kafka = 0;
    for (int i = 0; e.v[i]; i++) kafka += !strncmp(e.v[i], "NEWS_INGEST_KAFKA_", 18);
    cr_assert_eq(cfg.props.n, kafka, "%zu librdkafka properties for %zu variables", cfg.props.n,
                 kafka);
    config_free(&cfg);
    support_run_result_free(&e.res);
}

Test(deploy, kubernetes_environment_loads_with_sasl_enabled)
{
    assert_loads("kubernetes");
}

Test(deploy, compose_environment_loads)
{
    assert_loads("compose");
}

/* rejected: with from -> to in the copy's ConfigMap, config_load fails naming `name`. */
static void rejected(const char *from, const char *to, const char *name)
{
    const char *dir = copy_tree();
    mutate(dir, "deploy/kubernetes/configmap.yaml", from, to);
    worker_env e;
    env_print(&e, "kubernetes", dir);
    config cfg;
    char err[512] = "";
    cr_assert_neq(env_load(&e, &cfg, err, sizeof err), NI_OK, "%s -> %s was accepted", from, to);
    cr_assert_not_null(strstr(err, name), "the error does not name %s: %s", name, err);
    support_run_result_free(&e.res);
}

Test(deploy, bad_grace_in_the_configmap_is_rejected)
{
    rejected("NEWS_INGEST_GRACE_MS: \"25000\"", "NEWS_INGEST_GRACE_MS: \"25s\"",
             "NEWS_INGEST_GRACE_MS");
}

Test(deploy, bad_sasl_protocol_in_the_configmap_is_rejected)
{
    rejected("\"SASL_SSL\"", "\"SASL_TLS\"", "security.protocol");
}

Test(deploy, files_agree_with_the_binary)
{
    support_run_result r;
    check(NULL, &r);
    cr_assert_eq(r.status, 0, "check_deploy.py exit %d:\n%s%s", r.status, r.out, r.err);
    cr_assert_not_null(strstr(r.out, "ok: "), "%s", r.out);
    support_run_result_free(&r);
}

Test(deploy, unchanged_copy_passes)
{
    const char *dir = copy_tree();
    support_run_result r;
    check(dir, &r);
    cr_assert_eq(r.status, 0, "check_deploy.py exit %d on a copy:\n%s%s", r.status, r.out, r.err);
    support_run_result_free(&r);
}

Test(deploy, wrong_readiness_path_fails)
{
    broken("deploy/kubernetes/deployment.yaml", "path: /readyz", "path: /ready",
           "readinessProbe path '/ready' is not /readyz");
}

Test(deploy, wrong_liveness_path_fails)
{
    broken("deploy/kubernetes/deployment.yaml",
           "path: /livez\n              port: http\n"
           "            periodSeconds: 10",
           "path: /alive\n              port: http\n            periodSeconds: 10",
           "livenessProbe path '/alive'");
}

Test(deploy, container_port_off_the_http_port_fails)
{
    broken("deploy/kubernetes/deployment.yaml", "containerPort: 8080", "containerPort: 9000",
           "containerPort named http is 9000");
}

Test(deploy, service_target_port_fails)
{
    broken("deploy/kubernetes/service.yaml", "targetPort: http", "targetPort: 9000",
           "targetPort 9000 is not the HTTP port");
}

Test(deploy, unknown_variable_fails)
{
    broken("deploy/kubernetes/configmap.yaml", "NEWS_INGEST_LOG_LEVEL", "NEWS_INGEST_LOGLEVEL",
           "NEWS_INGEST_LOGLEVEL is not a variable of `news-ingest run --help`");
}

Test(deploy, unknown_kafka_property_fails)
{
    broken("deploy/kubernetes/secret.example.yaml", "NEWS_INGEST_KAFKA_SASL_USERNAME",
           "NEWS_INGEST_KAFKA_SASL_USER", "sasl.user is not a librdkafka property");
}

Test(deploy, grace_period_not_above_worker_grace_fails)
{
    broken("deploy/kubernetes/deployment.yaml", "terminationGracePeriodSeconds: 30",
           "terminationGracePeriodSeconds: 25", "terminationGracePeriodSeconds 25 is not above");
}

Test(deploy, keda_replicas_above_partitions_fail)
{
    broken("deploy/kubernetes/scaledobject.yaml", "maxReplicaCount: 12", "maxReplicaCount: 13",
           "maxReplicaCount 13 is not between");
}

Test(deploy, keda_group_other_than_the_workers_fails)
{
    broken("deploy/kubernetes/scaledobject.yaml", "consumerGroup: \"news-ingest\"",
           "consumerGroup: \"other\"", "consumerGroup 'other' is not the ConfigMap's");
}

Test(deploy, dockerfile_cmd_and_runtime_libraries)
{
    broken("Dockerfile", "CMD [\"run\"]", "CMD [\"--help\"]", "CMD is not [\"run\"]");
    broken("Dockerfile", " libcjson1 ", " ", "libcjson.so.1 (package libcjson1) is not installed");
}

Test(deploy, compose_scrape_target_and_stop_grace)
{
    broken("deploy/compose/prometheus.yml", "worker:8080", "worker:9000",
           "no scrape target worker:8080");
    broken("deploy/compose/compose.yaml", "stop_grace_period: 30s", "stop_grace_period: 10s",
           "stop_grace_period '10s' is not above");
}

Test(deploy, entity_data_outside_the_binary_lookup_is_rejected)
{
    broken("Dockerfile", "/usr/local/models/ner-ar.model", "/opt/ner-ar.model",
           "models/ner-ar.model is not copied to /usr/local/models/ner-ar.model");
}

Test(deploy, entity_data_missing_from_the_image_is_rejected)
{
    broken("Dockerfile", "COPY data/kb/entities.tsv", "# COPY data/kb/entities.tsv",
           "data/kb/entities.tsv is not copied");
}
