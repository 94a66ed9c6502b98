/* test_config.c: unit tests of the worker configuration (flags > env > file > defaults). */
#include "config/config.h"
#include "log/log.h"
#include "page/page.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXARGS 32

static config cfg;
static char err[1024];

/* load: config_load with argv "run" + args and env, both NULL-terminated lists. */
static int load_v(const char *const *args, const char *const *env)
{
    char *argv[MAXARGS], *envp[MAXARGS];
    int argc = 0, n = 0;
    argv[argc++] = "run";
    for (; args && *args; args++) argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    for (; env && *env; env++) envp[n++] = (char *)*env;
    envp[n] = NULL;
    err[0] = '\0';
    return config_load(&cfg, argc, argv, envp, err, sizeof err);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOENV ((const char *const[]){NULL})

static void fini(void)
{
    config_free(&cfg);
}

/* file_with: a temporary properties file holding text; its path in a static buffer. */
static const char *file_with(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_config_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

TestSuite(config, .fini = fini);

Test(config, defaults)
{
    cr_assert_eq(load_v(ARGS("--brokers", "k1:9092,k2:9092"), NOENV), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.brokers, "k1:9092,k2:9092");
    cr_assert_str_eq(cfg.group, "news-ingest");
    cr_assert_str_eq(cfg.input_topic, "pages");
    cr_assert_str_eq(cfg.output_topic, "articles");
    cr_assert_str_eq(cfg.dlq_topic, "pages.dlq");
    cr_assert_str_eq(cfg.entities_topic, "entities");
    cr_assert_str_eq(cfg.http_listen, "0.0.0.0:8080");
    cr_assert_str_eq(cfg.log_level, "info");
    cr_assert_null(cfg.bootstrap_file);
    char host[256] = "";
    cr_assert_eq(gethostname(host, sizeof host - 1), 0);
    cr_assert_str_eq(cfg.worker_id, host);
    cr_assert_eq(cfg.max_bytes, PAGE_DEFAULT_MAX_BYTES);
    cr_assert_eq(cfg.max_inflight, 1000);
    cr_assert_eq(cfg.grace_ms, 25000);
    cr_assert_eq(cfg.flush_timeout_ms, 10000);
    cr_assert_eq(cfg.embedded_brokers, 3);
    cr_assert_eq(cfg.embedded_partitions, 4);
    cr_assert_eq(cfg.stats_interval_ms, 5000);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cr_assert_eq(cfg.threads, cpus < 1 ? 1 : cpus > 16 ? 16 : cpus);
    cr_assert_null(cfg.ner_model, "no default path here: the command picks it");
    cr_assert_null(cfg.kb);
    cr_assert_eq(cfg.props.n, 0);
}

Test(config, threads_range_and_empty_paths)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--threads", "0"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "--threads=0") && strstr(err, "out of range"), "%s", err);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--threads", "65"), NOENV), NI_ERR_INVALID);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--threads", "64", "--kb", ""),
                        ARGS("NEWS_INGEST_NER_MODEL=")),
                 NI_OK, "%s", err);
    cr_assert_eq(cfg.threads, 64);
    cr_assert_null(cfg.kb, "an empty path means the default");
    cr_assert_null(cfg.ner_model);
}

Test(config, precedence_flag_env_file_default)
{
    const char *path = file_with("brokers=file:1\ngroup=g-file\ndlq-topic=d-file\n");
    char cenv[128];
    snprintf(cenv, sizeof cenv, "NEWS_INGEST_CONFIG=%s", path);
    const char *env[] = {cenv, "NEWS_INGEST_GROUP=g-env", "NEWS_INGEST_INPUT_TOPIC=in-env", NULL};
    cr_assert_eq(load_v(ARGS("--group", "g-flag"), env), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.group, "g-flag");
    cr_assert_str_eq(cfg.input_topic, "in-env");
    cr_assert_str_eq(cfg.dlq_topic, "d-file");
    cr_assert_str_eq(cfg.brokers, "file:1");
    cr_assert_str_eq(cfg.output_topic, "articles");
    config_free(&cfg);
    cr_assert_eq(load_v(NULL, env), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.group, "g-env");
    config_free(&cfg);
    const char *env2[] = {cenv, NULL};
    cr_assert_eq(load_v(NULL, env2), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.group, "g-file");
    cr_assert_str_eq(cfg.input_topic, "pages");
    /* --config beats NEWS_INGEST_CONFIG */
    config_free(&cfg);
    char p2[64];
    snprintf(p2, sizeof p2, "%s", file_with("brokers=other:2\n"));
    cr_assert_eq(load_v(ARGS("--config", p2), env2), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.brokers, "other:2");
    cr_assert_str_eq(cfg.group, "news-ingest");
    unlink(path);
    unlink(p2);
}

/* Every option: name, a valid value, and how the loaded field reads back. */
typedef struct opt_case {
    const char *name, *value, *want;
} opt_case;

static const opt_case cases[] = {
    {"brokers", "b1:9092,b2:9092", "b1:9092,b2:9092"},
    {"group", "grp", "grp"},
    {"input-topic", "raw", "raw"},
    {"output-topic", "out", "out"},
    {"dlq-topic", "dead", "dead"},
    {"entities-topic", "ents", "ents"},
    {"http-listen", "127.0.0.1:9100", "127.0.0.1:9100"},
    {"log-level", "debug", "debug"},
    {"bootstrap-file", "/tmp/bootstrap.txt", "/tmp/bootstrap.txt"},
    {"worker-id", "pod-7", "pod-7"},
    {"max-bytes", "5M", "5242880"},
    {"max-inflight", "77", "77"},
    {"grace-ms", "1234", "1234"},
    {"flush-timeout-ms", "4321", "4321"},
    {"embedded-brokers", "2", "2"},
    {"embedded-partitions", "9", "9"},
    {"stats-interval-ms", "250", "250"},
    {"threads", "3", "3"},
    {"ner-model", "/opt/m/ner.model", "/opt/m/ner.model"},
    {"kb", "/opt/kb/e.tsv", "/opt/kb/e.tsv"},
    {"commit-interval-ms", "120", "120"},
    {"max-delivery-attempts", "7", "7"},
    {"stall-ms", "4500", "4500"},
    {"fetch", "true", "1"},
    {"fetch-concurrency", "5", "5"},
    {"fetch-host-delay-ms", "250", "250"},
    {"fetch-timeout-ms", "9000", "9000"},
    {"fetch-retries", "2", "2"},
    {"fetch-ignore-robots", "1", "1"},
    {"fetch-user-agent", "crawler/2 (+ops)", "crawler/2 (+ops)"},
    {"fetch-ca-file", "/etc/ca.pem", "/etc/ca.pem"},
    {"min-entity-confidence", "0.95", "0.95"},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* field_text: the loaded value of option name as text (static buffer). */
static const char *field_text(const char *name)
{
    static char buf[256];
    struct {
        const char *name;
        const char *s;
        long long n;
    } f[] = {{"brokers", cfg.brokers, 0},
             {"group", cfg.group, 0},
             {"input-topic", cfg.input_topic, 0},
             {"output-topic", cfg.output_topic, 0},
             {"dlq-topic", cfg.dlq_topic, 0},
             {"entities-topic", cfg.entities_topic, 0},
             {"http-listen", cfg.http_listen, 0},
             {"log-level", cfg.log_level, 0},
             {"bootstrap-file", cfg.bootstrap_file, 0},
             {"worker-id", cfg.worker_id, 0},
             {"max-bytes", NULL, (long long)cfg.max_bytes},
             {"max-inflight", NULL, cfg.max_inflight},
             {"grace-ms", NULL, cfg.grace_ms},
             {"flush-timeout-ms", NULL, cfg.flush_timeout_ms},
             {"embedded-brokers", NULL, cfg.embedded_brokers},
             {"embedded-partitions", NULL, cfg.embedded_partitions},
             {"stats-interval-ms", NULL, cfg.stats_interval_ms},
             {"threads", NULL, cfg.threads},
             {"commit-interval-ms", NULL, cfg.commit_interval_ms},
             {"max-delivery-attempts", NULL, cfg.max_delivery_attempts},
             {"stall-ms", NULL, cfg.stall_ms},
             {"ner-model", cfg.ner_model, 0},
             {"kb", cfg.kb, 0},
             {"fetch", NULL, cfg.fetch},
             {"fetch-concurrency", NULL, cfg.fetch_concurrency},
             {"fetch-host-delay-ms", NULL, cfg.fetch_host_delay_ms},
             {"fetch-timeout-ms", NULL, cfg.fetch_timeout_ms},
             {"fetch-retries", NULL, cfg.fetch_retries},
             {"fetch-ignore-robots", NULL, cfg.fetch_ignore_robots},
             {"fetch-user-agent", cfg.fetch_user_agent, 0},
             {"fetch-ca-file", cfg.fetch_ca_file, 0},

             {"min-entity-confidence", cfg.min_entity_confidence, 0}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (strcmp(f[i].name, name) != 0) continue;
        if (f[i].s) return f[i].s;
        snprintf(buf, sizeof buf, "%lld", f[i].n);
        return buf;
    }
    cr_assert_fail("no field for %s", name);
    return NULL;
}

static void env_var(char *buf, size_t len, const char *name, const char *value)
{
    size_t n = (size_t)snprintf(buf, len, "NEWS_INGEST_");
    for (; *name; name++) buf[n++] = *name == '-' ? '_' : (char)(*name - 32 * (*name >= 'a'));
    snprintf(buf + n, len - n, "=%s", value);
}

Test(config, every_option_by_flag)
{
    for (size_t i = 0; i < NCASES; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", cases[i].name);
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", flag, cases[i].value), NOENV), NI_OK, "%s: %s",
                     flag, err);
        cr_assert_str_eq(field_text(cases[i].name), cases[i].want, "%s", flag);
        config_free(&cfg);
    }
}

Test(config, every_option_by_env)
{
    for (size_t i = 0; i < NCASES; i++) {
        char var[128];
        env_var(var, sizeof var, cases[i].name, cases[i].value);
        const char *env[] = {"NEWS_INGEST_BROKERS=x:1", var, NULL};
        if (strcmp(cases[i].name, "brokers") == 0) env[0] = "UNRELATED=1";
        cr_assert_eq(load_v(NULL, env), NI_OK, "%s: %s", var, err);
        cr_assert_str_eq(field_text(cases[i].name), cases[i].want, "%s", var);
        config_free(&cfg);
    }
}

Test(config, every_option_by_file)
{
    for (size_t i = 0; i < NCASES; i++) {
        char text[256];
        snprintf(text, sizeof text, "brokers = x:1\n%s = %s\n", cases[i].name, cases[i].value);
        const char *path = file_with(text);
        cr_assert_eq(load_v(ARGS("--config", path), NOENV), NI_OK, "%s: %s", text, err);
        cr_assert_str_eq(field_text(cases[i].name), cases[i].want, "%s", text);
        config_free(&cfg);
        unlink(path);
    }
}

Test(config, usage_lists_every_variable)
{
    FILE *f = tmpfile();
    config_usage(f);
    long len = ftell(f);
    cr_assert(len > 0);
    char *text = calloc(1, (size_t)len + 1);
    rewind(f);
    cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    for (size_t i = 0; i < NCASES; i++) {
        char var[128], flag[64];
        env_var(var, sizeof var, cases[i].name, "");
        var[strlen(var) - 1] = '\0'; /* drop '=' */
        snprintf(flag, sizeof flag, "--%s ", cases[i].name);
        cr_assert(strstr(text, var), "usage lacks %s", var);
        cr_assert(strstr(text, flag), "usage lacks %s", flag);
    }
    /* every variable usage names is one this test covers (so the tables agree) */
    size_t seen = 0;
    for (const char *p = text; (p = strstr(p, "NEWS_INGEST_")) != NULL; p++) {
        char name[64];
        size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if (strncmp(name, "NEWS_INGEST_KAFKA_", 18) == 0 || strcmp(name, "NEWS_INGEST_CONFIG") == 0)
            continue;
        int found = 0;
        for (size_t i = 0; i < NCASES && !found; i++) {
            char var[128];
            env_var(var, sizeof var, cases[i].name, "");
            found = strncmp(var, name, n) == 0 && var[n] == '=';
        }
        cr_assert(found, "usage names %s, which the test does not cover", name);
        seen++;
    }
    cr_assert(seen >= NCASES);
    cr_assert(strstr(text, "-X "));
    cr_assert(strstr(text, "NEWS_INGEST_KAFKA_"));
    cr_assert(strstr(text, "NEWS_INGEST_CONFIG"));
    cr_assert(strstr(text, "--config"));
    cr_assert(strstr(text, "-X security.protocol=SASL_SSL"));
    cr_assert(strstr(text, "sasl.password="));
    cr_assert(strstr(text, "default: 0.0.0.0:8080"));
    free(text);
}

Test(config, x_flag_scopes)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "consumer.fetch.wait.max.ms=10", "-X",
                             "producer.linger.ms=5", "-Xclient.id=abc"),
                        NOENV),
                 NI_OK, "%s", err);
    cr_assert_eq(cfg.props.n, 3);
    cr_assert_eq(cfg.props.v[0].scope, CONFIG_SCOPE_CONSUMER);
    cr_assert_str_eq(cfg.props.v[0].key, "fetch.wait.max.ms");
    cr_assert_str_eq(cfg.props.v[0].value, "10");
    cr_assert_eq(cfg.props.v[1].scope, CONFIG_SCOPE_PRODUCER);
    cr_assert_str_eq(cfg.props.v[1].key, "linger.ms");
    cr_assert_eq(cfg.props.v[2].scope, CONFIG_SCOPE_BOTH);
    cr_assert_str_eq(cfg.props.v[2].key, "client.id");
    cr_assert_str_eq(cfg.props.v[2].value, "abc");
}

Test(config, env_kafka_mapping)
{
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_KAFKA_SASL_USERNAME=alice",
                         "NEWS_INGEST_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS=20",
                         "NEWS_INGEST_KAFKA_PRODUCER_QUEUE_BUFFERING_MAX_MS=7", NULL};
    cr_assert_eq(load_v(NULL, env), NI_OK, "%s", err);
    cr_assert_eq(cfg.props.n, 3);
    cr_assert_eq(cfg.props.v[0].scope, CONFIG_SCOPE_BOTH);
    cr_assert_str_eq(cfg.props.v[0].key, "sasl.username");
    cr_assert_str_eq(cfg.props.v[0].value, "alice");
    cr_assert_eq(cfg.props.v[1].scope, CONFIG_SCOPE_CONSUMER);
    cr_assert_str_eq(cfg.props.v[1].key, "fetch.wait.max.ms");
    cr_assert_eq(cfg.props.v[2].scope, CONFIG_SCOPE_PRODUCER);
    cr_assert_str_eq(cfg.props.v[2].key, "queue.buffering.max.ms");
    cr_assert_str_eq(cfg.props.v[2].value, "7");
}

Test(config, props_in_order_file_env_flags)
{
    const char *path = file_with("client.id=from-file\nconsumer.fetch.wait.max.ms=30\n");
    const char *env[] = {"NEWS_INGEST_KAFKA_CLIENT_ID=from-env", NULL};
    cr_assert_eq(
        load_v(ARGS("-X", "client.id=from-flag", "--config", path, "--brokers", "x:1"), env), NI_OK,
        "%s", err);
    cr_assert_eq(cfg.props.n, 4);
    const char *want[][2] = {{"client.id", "from-file"},
                             {"fetch.wait.max.ms", "30"},
                             {"client.id", "from-env"},
                             {"client.id", "from-flag"}};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(cfg.props.v[i].key, want[i][0]);
        cr_assert_str_eq(cfg.props.v[i].value, want[i][1]);
    }
    cr_assert_eq(cfg.props.v[1].scope, CONFIG_SCOPE_CONSUMER);
    unlink(path);
}

Test(config, file_comments_blank_lines_and_spaces)
{
    const char *path = file_with("# worker settings\n\n   \nbrokers=a:1\r\n  # indented comment\n"
                                 "  group =  spaced group  \n\nsasl.username=bob\n# end");
    cr_assert_eq(load_v(ARGS("--config", path), NOENV), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.brokers, "a:1");
    cr_assert_str_eq(cfg.group, "spaced group");
    cr_assert_eq(cfg.props.n, 1);
    cr_assert_str_eq(cfg.props.v[0].key, "sasl.username");
    cr_assert_str_eq(cfg.props.v[0].value, "bob");
    unlink(path);
}

Test(config, bad_integer)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--max-inflight", "12abc"), NOENV),
                 NI_ERR_INVALID);
    cr_assert(strstr(err, "--max-inflight=12abc"), "%s", err);
    cr_assert(strstr(err, "not an integer"), "%s", err);
    cr_assert_null(cfg.brokers, "freed on error");
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--max-inflight", "0"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "out of range"), "%s", err);
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_GRACE_MS=-5", NULL};
    cr_assert_eq(load_v(NULL, env), NI_ERR_INVALID);
    cr_assert(strstr(err, "NEWS_INGEST_GRACE_MS=-5"), "%s", err);
    const char *path = file_with("brokers=x:1\n\nembedded-brokers=many\n");
    cr_assert_eq(load_v(ARGS("--config", path), NOENV), NI_ERR_INVALID);
    char want[128];
    snprintf(want, sizeof want, "%s:3: embedded-brokers=many", path);
    cr_assert(strstr(err, want), "%s", err);
    unlink(path);
}

Test(config, sizes)
{
    const char *ok[][2] = {
        {"512k", "524288"}, {"1G", "1073741824"}, {"5MiB", "5242880"}, {"1000", "1000"}};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--max-bytes", ok[i][0]), NOENV), NI_OK, "%s",
                     err);
        cr_assert_str_eq(field_text("max-bytes"), ok[i][1]);
        config_free(&cfg);
    }
    const char *bad[] = {"5X", "0", "", "k", "-1", " 5M", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--max-bytes", bad[i]), NOENV), NI_ERR_INVALID,
                     "accepted \"%s\"", bad[i]);
        cr_assert(strstr(err, "--max-bytes="), "%s", err);
    }
}

Test(config, log_level_and_listen_checked)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--log-level", "loud"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "--log-level=loud"), "%s", err);
    const char *bad[] = {"8080", "host:", "host:99999", "::1:8080", "[::1:80", "h:8o"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--http-listen", bad[i]), NOENV),
                     NI_ERR_INVALID, "accepted %s", bad[i]);
        cr_assert(strstr(err, "--http-listen="), "%s", err);
    }
    const char *good[] = {"[::]:8080", ":9000", "localhost:0", "[::1]:1"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--http-listen", good[i]), NOENV), NI_OK,
                     "%s: %s", good[i], err);
        cr_assert_str_eq(cfg.http_listen, good[i]);
        config_free(&cfg);
    }
}

Test(config, unknown_property_by_flag)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "foo.bar=1"), NOENV), NI_ERR_INVALID);
    cr_assert_str_eq(err, "-X foo.bar=1: No such configuration property: \"foo.bar\"");
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "producer.acks=lots"), NOENV),
                 NI_ERR_INVALID);
    cr_assert(strstr(err, "-X producer.acks=lots: "), "%s", err);
    cr_assert(strstr(err, "acks"), "%s", err);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "nokey"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "-X nokey"), "%s", err);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "consumer.=1"), NOENV), NI_ERR_INVALID);
}

Test(config, unknown_property_by_env)
{
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_KAFKA_FOO_BAR=1", NULL};
    cr_assert_eq(load_v(NULL, env), NI_ERR_INVALID);
    cr_assert_str_eq(err, "NEWS_INGEST_KAFKA_FOO_BAR=1: No such configuration property: "
                          "\"foo.bar\"");
}

Test(config, unknown_property_by_file)
{
    const char *path = file_with("brokers=x:1\n# comment\nfoo.bar = 1\n");
    cr_assert_eq(load_v(ARGS("--config", path), NOENV), NI_ERR_INVALID);
    char want[256];
    snprintf(want, sizeof want, "%s:3: foo.bar=1: No such configuration property: \"foo.bar\"",
             path);
    cr_assert_str_eq(err, want);
    unlink(path);
}

Test(config, secret_values_stay_out_of_errors)
{
    cr_assert_eq(load_v(ARGS("-X", "sasl.password=hunter2"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "no brokers"), "%s", err);
    cr_assert_eq(
        load_v(ARGS("--brokers", "x:1", "-X", "sasl.password=hunter2", "-X", "x.y=1"), NOENV),
        NI_ERR_INVALID);
    cr_assert(strstr(err, "x.y"), "%s", err);
    cr_assert_null(strstr(err, "hunter2"));
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "-X", "sasl.password=hunter2"), NOENV), NI_OK,
                 "%s", err);
    cr_assert_str_eq(cfg.props.v[0].value, "hunter2");
}

Test(config, missing_brokers)
{
    cr_assert_eq(load_v(ARGS("--group", "g"), NOENV), NI_ERR_INVALID);
    cr_assert_str_eq(err, "no brokers: set --brokers or NEWS_INGEST_BROKERS (use \"embedded\" "
                          "for the built-in broker)");
    const char *env[] = {"NEWS_INGEST_BROKERS=", NULL};
    cr_assert_eq(load_v(NULL, env), NI_ERR_INVALID);
    cr_assert(strstr(err, "no brokers"), "%s", err);
}

Test(config, unknown_flag_and_stray_argument)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--bogus", "1"), NOENV), NI_ERR_INVALID);
    cr_assert_str_eq(err, "unknown option --bogus");
    cr_assert_eq(load_v(ARGS("-q", "--brokers", "x:1"), NOENV), NI_ERR_INVALID);
    cr_assert_str_eq(err, "unknown option -q");
    cr_assert_eq(load_v(ARGS("--brokers"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "--brokers needs a value"), "%s", err);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "stray"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "stray"), "%s", err);
}

Test(config, argv_not_permuted)
{
    char *argv[] = {"run", "stray", "--brokers", "x:1", NULL};
    char *envp[] = {NULL};
    cr_assert_eq(config_load(&cfg, 4, argv, envp, err, sizeof err), NI_ERR_INVALID);
    cr_assert_str_eq(argv[1], "stray");
    cr_assert_str_eq(argv[2], "--brokers");
}

Test(config, missing_file)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--config", "/nonexistent/ni.properties"), NOENV),
                 NI_ERR_IO);
    cr_assert(strstr(err, "--config /nonexistent/ni.properties"), "%s", err);
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_CONFIG=/nonexistent/b", NULL};
    cr_assert_eq(load_v(NULL, env), NI_ERR_IO);
    cr_assert(strstr(err, "NEWS_INGEST_CONFIG=/nonexistent/b"), "%s", err);
}

Test(config, file_line_without_equals)
{
    const char *path = file_with("brokers=x:1\njust words\n");
    cr_assert_eq(load_v(ARGS("--config", path), NOENV), NI_ERR_INVALID);
    char want[128];
    snprintf(want, sizeof want, "%s:2:", path);
    cr_assert(strstr(err, want), "%s", err);
    unlink(path);
}

Test(config, help_prints_usage, .init = cr_redirect_stdout)
{
    cr_assert_eq(load_v(ARGS("--bogus", "--help"), NOENV), 1);
    cr_assert_null(cfg.brokers);
    cr_assert_eq(load_v(ARGS("-h"), NOENV), 1);
    fflush(stdout);
    char buf[256];
    FILE *out = cr_get_redirected_stdout();
    cr_assert(fgets(buf, sizeof buf, out));
    cr_assert(strstr(buf, "Usage: news-ingest run"), "%s", buf);
}

Test(config, props_parse_and_free)
{
    config_props p = {0};
    cr_assert_eq(config_props_parse(&p, "producer.acks=all", err, sizeof err), NI_OK);
    cr_assert_eq(config_props_parse(&p, "a.b=x=y", err, sizeof err), NI_OK);
    cr_assert_eq(config_props_parse(&p, "noequals", err, sizeof err), NI_ERR_INVALID);
    cr_assert_eq(config_props_parse(&p, "=v", err, sizeof err), NI_ERR_INVALID);
    cr_assert_eq(p.n, 2);
    cr_assert_eq(p.v[0].scope, CONFIG_SCOPE_PRODUCER);
    cr_assert_str_eq(p.v[0].key, "acks");
    cr_assert_str_eq(p.v[1].value, "x=y");
    config_props_free(&p);
    cr_assert_eq(p.n, 0);
    cr_assert_null(p.v);
    config_props_free(NULL);
    config_free(NULL);
}

Test(config, unknown_environment_variable_warned)
{
    FILE *logs = tmpfile();
    log_stream_set(logs);
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_BROKER=typo:1",
                         "NEWS_INGEST_CONFIG=", "OTHER_THING=1", NULL};
    cr_assert_eq(load_v(NULL, env), NI_OK, "%s", err);
    log_stream_set(NULL);
    char line[512] = "";
    rewind(logs);
    cr_assert(fgets(line, sizeof line, logs));
    cr_assert(strstr(line, "\"NEWS_INGEST_BROKER\""), "%s", line);
    cr_assert(strstr(line, "\"warn\""), "%s", line);
    cr_assert_null(fgets(line, sizeof line, logs), "one warning only: %s", line);
    fclose(logs);
}

Test(config, grace_must_be_positive)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--grace-ms", "0"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "--grace-ms=0: out of range"), "%s", err);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--flush-timeout-ms", "0"), NOENV), NI_OK, "%s",
                 err);
    cr_assert_eq(cfg.flush_timeout_ms, 0);
}

Test(config, no_arguments_at_all)
{
    char *envp[] = {"NEWS_INGEST_BROKERS=embedded", NULL};
    cr_assert_eq(config_load(&cfg, 0, NULL, envp, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(cfg.brokers, "embedded");
}

Test(config, boolean_flags)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1"), NOENV), NI_OK, "%s", err);
    cr_assert_eq(cfg.fetch, 0, "fetching is off by default");
    config_free(&cfg);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--fetch"), NOENV), NI_OK, "%s", err);
    cr_assert_eq(cfg.fetch, 1);
    config_free(&cfg);
    cr_assert_eq(load_v(ARGS("--fetch=off", "--brokers", "x:1"), NOENV), NI_OK, "%s", err);
    cr_assert_eq(cfg.fetch, 0);
    config_free(&cfg);
    cr_assert_eq(load_v(ARGS("--fetch", "--brokers", "x:1"), NOENV), NI_OK, "%s", err);
    cr_assert_eq(cfg.fetch, 1, "a bare flag followed by another option");
    config_free(&cfg);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--fetch=maybe"), NOENV), NI_ERR_INVALID);
    cr_assert(strstr(err, "--fetch=maybe"), "%s", err);
    const char *env[] = {"NEWS_INGEST_BROKERS=x:1", "NEWS_INGEST_FETCH=yes", NULL};
    cr_assert_eq(load_v(NULL, env), NI_OK, "%s", err);
    cr_assert_eq(cfg.fetch, 1);
    config_free(&cfg);
}

Test(config, min_entity_confidence_checked)
{
    cr_assert_eq(load_v(ARGS("--brokers", "x:1"), NOENV), NI_OK, "%s", err);
    cr_assert_float_eq(config_min_entity_confidence(&cfg), 0.8, 1e-9);
    config_free(&cfg);
    cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--min-entity-confidence", "0"), NOENV), NI_OK);
    cr_assert_float_eq(config_min_entity_confidence(&cfg), 0, 1e-9);
    config_free(&cfg);
    const char *bad[] = {"1.5", "-0.1", "abc", "0.5x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(load_v(ARGS("--brokers", "x:1", "--min-entity-confidence", bad[i]), NOENV),
                     NI_ERR_INVALID, "%s accepted", bad[i]);
        cr_assert(strstr(err, "min-entity-confidence"), "%s", err);
    }
}
