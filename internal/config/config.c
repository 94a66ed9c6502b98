/* config.c: the worker's settings: one option table drives flags, environment, file and usage. */
#define _GNU_SOURCE /* memmem */
#include "config/config.h"

#include "log/log.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define ENV_PREFIX "NEWS_INGEST_"
#define ENV_KAFKA "KAFKA_"
#define FILE_MAX_BYTES (1u << 20)
#define MAX_THREADS 64
#define MAX_DEFAULT_THREADS 16
#define MAX_DEFAULT_THREADS_S "16"

typedef enum opt_type { OPT_STRING, OPT_INT, OPT_SIZE, OPT_BOOL } opt_type;
typedef int (*opt_check)(const char *value, char *errstr, size_t errlen);

/* One option: flag "--<name>", variable NEWS_INGEST_<NAME>, file key "<name>". */
typedef struct opt_def {
    const char *name;
    size_t off;
    opt_type type;
    const char *def;   /* default as text; NULL = none (see shown) */
    const char *shown; /* default as printed by usage when def is NULL */
    int min, max;      /* OPT_INT range */
    opt_check check;   /* extra check of OPT_STRING values, or NULL */
    const char *metavar;
    const char *help;
} opt_def;

static int check_level(const char *v, char *errstr, size_t errlen);
static int check_listen(const char *v, char *errstr, size_t errlen);
static int check_confidence(const char *v, char *errstr, size_t errlen);

#define F(field) offsetof(config, field)
static const opt_def opts[] = {
    {"brokers", F(brokers), OPT_STRING, NULL, "(required)", 0, 0, NULL, "LIST",
     "Kafka bootstrap servers host:port,...; \"embedded\" starts a built-in broker (for\n"
     "      trying the service and tests, not for data that matters)"},
    {"group", F(group), OPT_STRING, "news-ingest", NULL, 0, 0, NULL, "ID", "consumer group id"},
    {"input-topic", F(input_topic), OPT_STRING, "pages", NULL, 0, 0, NULL, "TOPIC",
     "topic of raw pages"},
    {"output-topic", F(output_topic), OPT_STRING, "articles", NULL, 0, 0, NULL, "TOPIC",
     "topic of article records"},
    {"dlq-topic", F(dlq_topic), OPT_STRING, "pages.dlq", NULL, 0, 0, NULL, "TOPIC",
     "dead-letter topic for pages that cannot become records"},
    {"entities-topic", F(entities_topic), OPT_STRING, "entities", NULL, 0, 0, NULL, "TOPIC",
     "topic of entity events; empty disables them"},
    {"http-listen", F(http_listen), OPT_STRING, "0.0.0.0:8080", NULL, 0, 0, check_listen,
     "HOST:PORT", "health and metrics endpoint ([::]:PORT for IPv6, port 0 picks a free one)"},
    {"log-level", F(log_level), OPT_STRING, "info", NULL, 0, 0, check_level, "LEVEL",
     "debug, info, warn or error"},
    {"bootstrap-file", F(bootstrap_file), OPT_STRING, NULL, "(none)", 0, 0, NULL, "PATH",
     "embedded broker only: write its bootstrap list to this file"},
    {"worker-id", F(worker_id), OPT_STRING, NULL, "(host name)", 0, 0, NULL, "NAME",
     "this worker's name in records and dead-letter headers"},
    {"max-bytes", F(max_bytes), OPT_SIZE, "16M", NULL, 0, 0, NULL, "SIZE",
     "page size limit; larger pages go to the dead-letter topic (suffixes k, M, G)"},
    {"max-inflight", F(max_inflight), OPT_INT, "1000", NULL, 1, 1000000, NULL, "N",
     "messages consumed but not yet committable; above it the partitions pause"},
    {"grace-ms", F(grace_ms), OPT_INT, "25000", NULL, 1, INT_MAX, NULL, "MS",
     "shutdown grace period after SIGTERM/SIGINT"},
    {"flush-timeout-ms", F(flush_timeout_ms), OPT_INT, "10000", NULL, 0, INT_MAX, NULL, "MS",
     "bound on the producer flush when partitions are revoked"},
    {"embedded-brokers", F(embedded_brokers), OPT_INT, "3", NULL, 1, 32, NULL, "N",
     "embedded broker only: number of brokers"},
    {"embedded-partitions", F(embedded_partitions), OPT_INT, "4", NULL, 1, 1024, NULL, "N",
     "embedded broker only: partitions per topic"},
    {"stats-interval-ms", F(stats_interval_ms), OPT_INT, "5000", NULL, 0, INT_MAX, NULL, "MS",
     "librdkafka statistics interval (consumer lag metrics); 0 disables"},
    {"threads", F(threads), OPT_INT, NULL, "online CPUs, at most " MAX_DEFAULT_THREADS_S, 1,
     MAX_THREADS, NULL, "N", "pipeline threads (each runs its own pipeline; model and KB shared)"},
    {"ner-model", F(ner_model), OPT_STRING, NULL,
     "<exe dir>/../models/ner-ar.model, else ./models/ner-ar.model", 0, 0, NULL, "PATH",
     "entity tagger model, loaded at start and again on SIGHUP"},
    {"kb", F(kb), OPT_STRING, NULL,
     "<exe dir>/../data/kb/entities.tsv, else ./data/kb/entities.tsv", 0, 0, NULL, "PATH",
     "entity knowledge base (TSV), loaded at start and again on SIGHUP"},
    {"commit-interval-ms", F(commit_interval_ms), OPT_INT, "250", NULL, 10, 600000, NULL, "MS",
     "commit the offsets of delivered inputs this often (and on revoke and shutdown)"},
    {"max-delivery-attempts", F(max_delivery_attempts), OPT_INT, "5", NULL, 1, 1000000, NULL, "N",
     "a record or entity event refused for good (too large, invalid, not authorized) goes to\n"
     "      the dead-letter topic after N attempts; transient errors are retried without end"},
    {"stall-ms", F(stall_ms), OPT_INT, "60000", NULL, 100, INT_MAX, NULL, "MS",
     "a partition whose oldest consumed message has been unfinished this long counts as\n"
     "      stuck (/readyz 503, news_ingest_stuck_partitions)"},
    {"fetch", F(fetch), OPT_BOOL, "0", NULL, 0, 1, NULL, "[=0|1]",
     "fetch the page of a message that carries only its URL (needs egress; off by default)"},
    {"fetch-concurrency", F(fetch_concurrency), OPT_INT, "16", NULL, 1, 1024, NULL, "N",
     "fetches running at once in all (one at a time per host)"},
    {"fetch-host-delay-ms", F(fetch_host_delay_ms), OPT_INT, "1000", NULL, 0, 3600000, NULL, "MS",
     "pause between the end of one request to a host and the next"},
    {"fetch-timeout-ms", F(fetch_timeout_ms), OPT_INT, "15000", NULL, 1, 3600000, NULL, "MS",
     "bound on one whole transfer"},
    {"fetch-retries", F(fetch_retries), OPT_INT, "3", NULL, 0, 100, NULL, "N",
     "retries of a 408/429/5xx answer, a timeout or a connection failure (backoff doubles)"},
    {"fetch-ignore-robots", F(fetch_ignore_robots), OPT_BOOL, "0", NULL, 0, 1, NULL, "[=0|1]",
     "fetch URLs robots.txt disallows (robots.txt is honoured by default)"},
    {"fetch-user-agent", F(fetch_user_agent), OPT_STRING, "news-ingest/" NI_VERSION, NULL, 0, 0,
     NULL, "TEXT", "User-Agent of fetches; its first word is the robots.txt product token"},
    {"fetch-ca-file", F(fetch_ca_file), OPT_STRING, NULL, "(the system's)", 0, 0, NULL, "PATH",
     "CA certificates that verify fetched https servers"},
    {"min-entity-confidence", F(min_entity_confidence), OPT_STRING, "0.8", NULL, 0, 0,
     check_confidence, "X",
     "entity events only for entities with confidence >= X (0..1; records keep every\n"
     "      entity); 0.8: events at least 90 % right on cross-validation (README)"},
};
#undef F
#define NOPTS (sizeof opts / sizeof opts[0])

/* ---- value parsing ---- */

static int check_level(const char *v, char *errstr, size_t errlen)
{
    log_level lv;
    return log_level_parse(v, &lv, errstr, errlen);
}

static int check_port(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 5 || strspn(p, "0123456789") != n) return 0;
    return atol(p) <= 65535;
}

static int check_listen(const char *v, char *errstr, size_t errlen)
{
    const char *colon = strrchr(v, ':');
    if (!colon || !check_port(colon + 1))
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "expected host:port with a port 0-65535");
    size_t hl = (size_t)(colon - v);
    int bracketed = hl >= 2 && v[0] == '[' && v[hl - 1] == ']';
    if (!bracketed && memchr(v, ':', hl))
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "an IPv6 host goes in brackets, e.g. [::]:8080");
    if (!bracketed && (memchr(v, '[', hl) || memchr(v, ']', hl)))
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "unbalanced brackets in the host");
    return NI_OK;
}

static int parse_int(const char *s, int min, int max, int *out, char *errstr, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))) || *end ||
        errno)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "not an integer");
    if (v < min || v > max)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "out of range %d..%d", min, max);
    *out = (int)v;
    return NI_OK;
}

static const char *const bool_yes[] = {"1", "true", "yes", "on"};
static const char *const bool_no[] = {"0", "false", "no", "off"};

/* bool_word: 1 when s is one of the boolean words (any case). */
static int bool_word(const char *s)
{
    for (size_t i = 0; i < 4; i++)
        if (!strcasecmp(s, bool_yes[i]) || !strcasecmp(s, bool_no[i])) return 1;
    return 0;
}

/* parse_bool: 1/0, true/false, yes/no, on/off (any case). */
static int parse_bool(const char *s, int *out, char *errstr, size_t errlen)
{
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(s, bool_yes[i])) return *out = 1, NI_OK;
        if (!strcasecmp(s, bool_no[i])) return *out = 0, NI_OK;
    }
    return ni_err_set(errstr, errlen, NI_ERR_INVALID, "not a boolean (1/0, true/false)");
}

/* parse_size: "16777216", "512k", "5M", "1G" (also "5MB", "5MiB"); must be positive. */
static int parse_size(const char *s, size_t *out, char *errstr, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10), mult = 1;
    if (!isdigit((unsigned char)s[0]) || errno) goto bad;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1ull << 10;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1ull << 20;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1ull << 30;
        end++;
        break;
    default:
        break;
    }
    if (mult > 1 && *end == 'i') end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) goto bad;
    if (v == 0 || v > SIZE_MAX / mult)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID, "must be a positive size");
    *out = (size_t)(v * mult);
    return NI_OK;
bad:
    return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                      "not a size (a number with an optional k, M or G suffix)");
}

/* opt_set: parses value into the option's field; on error errstr is "<where>: <why>". */
static int opt_set(config *cfg, const opt_def *o, const char *value, const char *where,
                   char *errstr, size_t errlen)
{
    char why[256] = "";
    int rc = NI_OK;
    void *field = (char *)cfg + o->off;
    if (o->type == OPT_INT) {
        rc = parse_int(value, o->min, o->max, field, why, sizeof why);
    } else if (o->type == OPT_SIZE) {
        rc = parse_size(value, field, why, sizeof why);
    } else if (o->type == OPT_BOOL) {
        rc = parse_bool(value, field, why, sizeof why);
    } else {
        if (o->check) rc = o->check(value, why, sizeof why);
        char *copy = rc == NI_OK ? strdup(value) : NULL;
        if (rc == NI_OK && !copy) rc = ni_err_set(why, sizeof why, NI_ERR_NOMEM, "out of memory");
        if (copy) {
            free(*(char **)field);
            *(char **)field = copy;
        }
    }
    if (rc != NI_OK) return ni_err_set(errstr, errlen, rc, "%s: %s", where, why);
    return NI_OK;
}

static const opt_def *opt_find(const char *name, size_t n)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const char *a = opts[i].name;
        size_t j = 0;
        for (; j < n && a[j]; j++)
            if (a[j] != name[j] && !(a[j] == '-' && name[j] == '_')) break;
        if (j == n && !a[j]) return &opts[i];
    }
    return NULL;
}

/* env_name: "NEWS_INGEST_<NAME>" for an option into buf. */
static void env_name(const opt_def *o, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%s", ENV_PREFIX);
    for (const char *p = o->name; *p && n + 1 < len; p++)
        buf[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    buf[n < len ? n : len - 1] = '\0';
}

/* ---- pass-through properties ---- */

int config_props_add(config_props *p, config_scope scope, const char *key, const char *value)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        config_prop *v = realloc(p->v, cap * sizeof *v);
        if (!v) return NI_ERR_NOMEM;
        p->v = v;
        p->cap = cap;
    }
    config_prop *e = &p->v[p->n];
    e->scope = scope;
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return NI_ERR_NOMEM;
    }
    p->n++;
    return NI_OK;
}

/* scope_split: strips a "consumer."/"producer." prefix from *key and says which scope. */
static config_scope scope_split(const char **key)
{
    if (strncmp(*key, "consumer.", 9) == 0) {
        *key += 9;
        return CONFIG_SCOPE_CONSUMER;
    }
    if (strncmp(*key, "producer.", 9) == 0) {
        *key += 9;
        return CONFIG_SCOPE_PRODUCER;
    }
    return CONFIG_SCOPE_BOTH;
}

/* props_add_kv: key (possibly scoped) and value appended; NI_ERR_INVALID on an empty key. */
static int props_add_kv(config_props *p, const char *key, const char *value, char *errstr,
                        size_t errlen)
{
    config_scope scope = scope_split(&key);
    if (!*key)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "expected [consumer.|producer.]property=value, the property is empty");
    int rc = config_props_add(p, scope, key, value);
    if (rc != NI_OK) return ni_err_set(errstr, errlen, rc, "out of memory");
    return NI_OK;
}

int config_props_parse(config_props *p, const char *arg, char *errstr, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "expected [consumer.|producer.]property=value, no '=' in \"%s\"", arg);
    char *key = strndup(arg, (size_t)(eq - arg));
    if (!key) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    int rc = props_add_kv(p, key, eq + 1, errstr, errlen);
    free(key);
    return rc;
}

void config_props_free(config_props *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        free(p->v[i].value);
    }
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}

/* prop_check: the last added property against librdkafka (scratch conf); errstr names where. */
static int prop_check(const config_props *p, rd_kafka_conf_t *scratch, const char *where,
                      char *errstr, size_t errlen)
{
    const config_prop *e = &p->v[p->n - 1];
    char why[512];
    if (rd_kafka_conf_set(scratch, e->key, e->value, why, sizeof why) == RD_KAFKA_CONF_OK)
        return NI_OK;
    if (log_key_is_secret(e->key) && *e->value && strstr(why, e->value))
        snprintf(why, sizeof why, "invalid value for \"%s\"", e->key);
    return ni_err_set(errstr, errlen, NI_ERR_INVALID, "%s: %s", where, why);
}

/* prop_where: "<prefix><key>=<value>" with a secret value shown as [redacted]. */
static void prop_where(char *buf, size_t len, const char *prefix, const char *key,
                       const char *value)
{
    snprintf(buf, len, "%s%s=%s", prefix, key, log_key_is_secret(key) ? "[redacted]" : value);
}

/* ---- one load ---- */

typedef struct loader {
    config *cfg;
    rd_kafka_conf_t *scratch;
    char *errstr;
    size_t errlen;
    char src[NOPTS][160]; /* where each option's value came from (for error messages) */
} loader;

/* opt_apply: opt_set, and on success where is remembered as the option's source. */
static int opt_apply(loader *ld, const opt_def *o, const char *value, const char *where)
{
    int rc = opt_set(ld->cfg, o, value, where, ld->errstr, ld->errlen);
    if (rc == NI_OK) snprintf(ld->src[o - opts], sizeof ld->src[0], "%s", where);
    return rc;
}

/* prop_add_checked: a pass-through key=value (key may be scoped) added and checked. */
static int prop_add_checked(loader *ld, const char *key, const char *value, const char *where)
{
    char why[256];
    int rc = props_add_kv(&ld->cfg->props, key, value, why, sizeof why);
    if (rc != NI_OK) return ni_err_set(ld->errstr, ld->errlen, rc, "%s: %s", where, why);
    return prop_check(&ld->cfg->props, ld->scratch, where, ld->errstr, ld->errlen);
}

static int apply_defaults(loader *ld)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (!opts[i].def) continue;
        int rc = opt_apply(ld, &opts[i], opts[i].def, "default");
        if (rc != NI_OK) return rc;
    }
    return NI_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* file_line: one "key = value" line of the properties file. */
static int file_line(loader *ld, const char *path, int lineno, char *line)
{
    char where[1024];
    line = trim(line);
    if (!*line || *line == '#') return NI_OK;
    char *eq = strchr(line, '=');
    if (!eq)
        return ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID, "%s:%d: expected key=value", path,
                          lineno);
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    if (strcmp(key, "config") == 0)
        return ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID,
                          "%s:%d: config cannot name another file", path, lineno);
    const opt_def *o = opt_find(key, strlen(key));
    snprintf(where, sizeof where, "%s:%d: ", path, lineno);
    size_t n = strlen(where);
    if (o) {
        snprintf(where + n, sizeof where - n, "%s=%s", key, value);
        return opt_apply(ld, o, value, where);
    }
    prop_where(where + n, sizeof where - n, "", key, value);
    return prop_add_checked(ld, key, value, where);
}

static int apply_file(loader *ld, const char *path, const char *named_by)
{
    char *text = NULL, why[256];
    size_t len = 0;
    int rc = util_file_read(path, FILE_MAX_BYTES, &text, &len, why, sizeof why);
    if (rc != NI_OK)
        return ni_err_set(ld->errstr, ld->errlen, rc == NI_ERR_NOMEM ? rc : NI_ERR_IO, "%s%s: %s",
                          named_by, path, why);
    int lineno = 0;
    for (char *line = text, *next; rc == NI_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        rc = file_line(ld, path, ++lineno, line);
    }
    free(text);
    return rc;
}

/* env_kafka: NEWS_INGEST_KAFKA_<PROP>=value: lower-cased, '_' -> '.'. */
static int env_kafka(loader *ld, const char *var, const char *name, const char *value)
{
    char key[256], where[1024];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof key; n++)
        key[n] = name[n] == '_' ? '.' : (char)tolower((unsigned char)name[n]);
    key[n] = '\0';
    snprintf(where, sizeof where, "%.*s=%s", (int)(value - 1 - var), var,
             log_key_is_secret(key) ? "[redacted]" : value);
    return prop_add_checked(ld, key, value, where);
}

/* env_option: NEWS_INGEST_<NAME>=value for a table option; unknown names are warned about. */
static int env_option(loader *ld, const char *var, const char *eq)
{
    for (size_t j = 0; j < NOPTS; j++) {
        char want[128];
        env_name(&opts[j], want, sizeof want);
        if (strlen(want) == (size_t)(eq - var) && strncmp(var, want, strlen(want)) == 0)
            return opt_apply(ld, &opts[j], eq + 1, var);
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - var), var);
    if (strcmp(name, ENV_PREFIX "CONFIG") != 0)
        log_warn("unknown environment variable ignored", "name", name);
    return NI_OK;
}

static int apply_env(loader *ld, char **envp)
{
    const size_t pl = strlen(ENV_PREFIX), kl = strlen(ENV_KAFKA);
    for (size_t i = 0; envp && envp[i]; i++) {
        const char *var = envp[i], *eq = strchr(var, '=');
        if (!eq || strncmp(var, ENV_PREFIX, pl) != 0) continue;
        const char *name = var + pl;
        size_t nl = (size_t)(eq - name);
        int rc;
        if (nl > kl && strncmp(name, ENV_KAFKA, kl) == 0) {
            char prop[256];
            snprintf(prop, sizeof prop, "%.*s", (int)(nl - kl), name + kl);
            rc = env_kafka(ld, var, prop, eq + 1);
        } else {
            rc = env_option(ld, var, eq);
        }
        if (rc != NI_OK) return rc;
    }
    return NI_OK;
}

static const char *env_get(char **envp, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; envp && envp[i]; i++)
        if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=') return envp[i] + n + 1;
    return NULL;
}

/* ---- flags ---- */

enum { FLAG_HELP = 'h', FLAG_PROP = 'X', FLAG_CONFIG = 0x100, FLAG_OPT = 0x200 };

typedef struct flag_arg {
    int code; /* FLAG_PROP, or FLAG_OPT + option index */
    const char *value;
} flag_arg;

typedef struct flag_scan {
    flag_arg *v;
    size_t n;
    const char *config; /* --config FILE, or NULL */
    int help;
} flag_scan;

static void longopts_build(struct option *lo)
{
    for (size_t i = 0; i < NOPTS; i++)
        lo[i] = (struct option){opts[i].name,
                                opts[i].type == OPT_BOOL ? optional_argument : required_argument,
                                NULL, FLAG_OPT + (int)i};
    lo[NOPTS] = (struct option){"config", required_argument, NULL, FLAG_CONFIG};
    lo[NOPTS + 1] = (struct option){"help", no_argument, NULL, FLAG_HELP};
    lo[NOPTS + 2] = (struct option){NULL, 0, NULL, 0};
}

/* flags_scan: getopt_long over a copy of argv (the caller's stays unpermuted); the first error
 * is kept in errstr, but a --help anywhere wins. */
static int flags_scan(int argc, char **argv, flag_scan *fs, char *errstr, size_t errlen)
{
    struct option lo[NOPTS + 3];
    longopts_build(lo);
    char **av = calloc((size_t)argc + 1, sizeof *av);
    fs->v = calloc((size_t)argc + 1, sizeof *fs->v);
    if (!av || !fs->v) {
        free(av);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    if (argc > 0) memcpy(av, argv, (size_t)argc * sizeof *av);
    int rc = NI_OK, c;
    opterr = 0;
    optind = 0; /* glibc: 0 resets getopt fully (ordering mode, permutation state); like 1 */
    while ((c = getopt_long(argc, av, ":hX:", lo, NULL)) != -1) {
        const char *opt = av[optind - 1];
        if (c == FLAG_HELP) {
            fs->help = 1;
        } else if (c == FLAG_CONFIG) {
            fs->config = optarg;
        } else if (c == FLAG_PROP || c >= FLAG_OPT) {
            const char *val = optarg;
            if (!val && c >= FLAG_OPT && optind < argc && bool_word(av[optind]))
                val = av[optind++]; /* "--fetch 0" as well as "--fetch=0" */
            fs->v[fs->n++] = (flag_arg){c, val ? val : "1"}; /* a bare boolean flag is on */
        } else if (rc == NI_OK && c == ':') {
            rc = ni_err_set(errstr, errlen, NI_ERR_INVALID, "option %s needs a value", opt);
        } else if (rc == NI_OK && optopt && optopt != '?') {
            rc = ni_err_set(errstr, errlen, NI_ERR_INVALID, "unknown option -%c", optopt);
        } else if (rc == NI_OK) {
            rc = ni_err_set(errstr, errlen, NI_ERR_INVALID, "unknown option %s", opt);
        }
    }
    if (rc == NI_OK && optind < argc)
        rc = ni_err_set(errstr, errlen, NI_ERR_INVALID, "unexpected argument \"%s\"", av[optind]);
    free(av);
    return fs->help ? NI_OK : rc;
}

static int apply_flags(loader *ld, const flag_scan *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        const flag_arg *a = &fs->v[i];
        char where[1024];
        int rc;
        if (a->code == FLAG_PROP) {
            const char *eq = strchr(a->value, '=');
            if (!eq || eq == a->value)
                return ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID,
                                  "-X %s: expected [consumer.|producer.]property=value", a->value);
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)(eq - a->value), a->value);
            prop_where(where, sizeof where, "-X ", key, eq + 1);
            rc = prop_add_checked(ld, key, eq + 1, where);
        } else {
            const opt_def *o = &opts[a->code - FLAG_OPT];
            snprintf(where, sizeof where, "--%s=%s", o->name, a->value);
            rc = opt_apply(ld, o, a->value, where);
        }
        if (rc != NI_OK) return rc;
    }
    return NI_OK;
}

/* src_of: the source of the option named name ("--output-topic=x", "NEWS_INGEST_...=x",
 * "file:line: key=x" or "default"). */
static const char *src_of(const loader *ld, const char *name)
{
    const opt_def *o = opt_find(name, strlen(name));
    return o ? ld->src[o - opts] : name;
}

/* topic_check: a Kafka topic name: 1..249 of [a-zA-Z0-9._-], not "." or "..". */
static int topic_check(const loader *ld, const char *name, const char *t)
{
    size_t n = strlen(t);
    const char *why = NULL;
    if (!n)
        why = "the topic name is empty";
    else if (n > 249)
        why = "a topic name has at most 249 characters";
    else if (!strcmp(t, ".") || !strcmp(t, ".."))
        why = "\".\" and \"..\" are not topic names";
    else if (strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
        why = "a topic name has only letters, digits, '.', '_' and '-'";
    if (!why) return NI_OK;
    return ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID, "%s: %s", src_of(ld, name), why);
}

/* topics_check: every topic valid; no output topic is the input topic (each record or dead
 * letter would be consumed again: a loop). The entities topic may be empty (off). */
static int topics_check(const loader *ld)
{
    const config *c = ld->cfg;
    struct {
        const char *name, *topic, *what;
    } outs[] = {{"output-topic", c->output_topic, "records"},
                {"dlq-topic", c->dlq_topic, "dead letters"},
                {"entities-topic", c->entities_topic, "entity events"}};
    int rc = topic_check(ld, "input-topic", c->input_topic ? c->input_topic : "");
    for (size_t i = 0; rc == NI_OK && i < sizeof outs / sizeof *outs; i++) {
        const char *t = outs[i].topic ? outs[i].topic : "";
        if (i == 2 && !*t) continue;
        rc = topic_check(ld, outs[i].name, t);
        if (rc == NI_OK && !strcmp(t, c->input_topic))
            rc = ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID,
                            "%s: the input topic too; its %s would be consumed again (a loop)",
                            src_of(ld, outs[i].name), outs[i].what);
    }
    return rc;
}

/* broker_check: one bootstrap entry: [proto://]host[:port], host a name or an address
 * ("[v6]" in brackets), port 1..65535; NULL when fine, else why. */
static const char *broker_check(const char *e, size_t n)
{
    const char *sep = memmem(e, n, "://", 3);
    if (sep) {
        n -= (size_t)(sep + 3 - e);
        e = sep + 3;
    }
    const char *host = e, *port = NULL;
    size_t hl = n;
    if (n && e[0] == '[') {
        const char *close = memchr(e, ']', n);
        if (!close || close == e + 1) return "an IPv6 address in brackets is expected";
        hl = (size_t)(close + 1 - e);
        if (hl < n && e[hl] != ':') return "expected host:port";
        if (hl < n) port = e + hl + 1;
    } else {
        const char *colon = memchr(e, ':', n);
        if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - e)))
            return "an IPv6 address goes in brackets, e.g. [::1]:9092";
        if (colon) {
            hl = (size_t)(colon - e);
            port = colon + 1;
        }
        if (!hl) return "the host is empty";
        for (size_t i = 0; i < hl; i++)
            if (!isalnum((unsigned char)host[i]) && !strchr(".-_", host[i]))
                return "the host has a character a host name cannot have";
    }
    if (!port) return NULL;
    size_t pl = n - (size_t)(port - e);
    char p[8];
    if (!pl || pl > 5 || strspn(port, "0123456789") < pl) return "the port is not a number";
    snprintf(p, sizeof p, "%.*s", (int)pl, port);
    return atol(p) >= 1 && atol(p) <= 65535 ? NULL : "the port is not in 1..65535";
}

/* brokers_check: "embedded", or a comma-separated list of broker entries (spaces around an
 * entry allowed, no empty entry). */
static int brokers_check(const loader *ld)
{
    const char *b = ld->cfg->brokers;
    if (!strcmp(b, "embedded")) return NI_OK;
    for (const char *p = b;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && isspace((unsigned char)*p)) p++, n--;
        while (n && isspace((unsigned char)p[n - 1])) n--;
        const char *why = n ? broker_check(p, n) : "an empty entry in the list";
        if (why)
            return ni_err_set(ld->errstr, ld->errlen, NI_ERR_INVALID,
                              "%s: %s (expected host:port,host:port,...)", src_of(ld, "brokers"),
                              why);
        if (!end) return NI_OK;
        p = end + 1;
    }
}

/* finish: the required and derived settings once every source is applied. */
static int finish(const loader *ld, char *errstr, size_t errlen)
{
    config *cfg = ld->cfg;
    if (!cfg->brokers || !*cfg->brokers)
        return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                          "no brokers: set --brokers or NEWS_INGEST_BROKERS (use \"embedded\" for "
                          "the built-in broker)");
    int rc = brokers_check(ld);
    if (rc == NI_OK) rc = topics_check(ld);
    if (rc != NI_OK) return rc;
    char **unset_if_empty[] = {&cfg->bootstrap_file, &cfg->ner_model, &cfg->kb,
                               &cfg->fetch_ca_file};
    for (size_t i = 0; i < sizeof unset_if_empty / sizeof *unset_if_empty; i++) {
        if (*unset_if_empty[i] && !**unset_if_empty[i]) {
            free(*unset_if_empty[i]);
            *unset_if_empty[i] = NULL;
        }
    }
    if (cfg->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->threads = n < 1 ? 1 : n > MAX_DEFAULT_THREADS ? MAX_DEFAULT_THREADS : (int)n;
    }
    if (!cfg->worker_id || !*cfg->worker_id) {
        char host[256] = "";
        if (gethostname(host, sizeof host - 1) != 0 || !*host)
            snprintf(host, sizeof host, "%s", "news-ingest");
        free(cfg->worker_id);
        cfg->worker_id = strdup(host);
        if (!cfg->worker_id) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    return NI_OK;
}

static int load(loader *ld, const flag_scan *fs, char **envp)
{
    int rc = apply_defaults(ld);
    const char *path = fs->config, *named_by = "--config ";
    if (!path) {
        path = env_get(envp, ENV_PREFIX "CONFIG");
        named_by = ENV_PREFIX "CONFIG=";
    }
    if (rc == NI_OK && path && *path) rc = apply_file(ld, path, named_by);
    if (rc == NI_OK) rc = apply_env(ld, envp);
    if (rc == NI_OK) rc = apply_flags(ld, fs);
    if (rc == NI_OK) rc = finish(ld, ld->errstr, ld->errlen);
    return rc;
}

int config_load(config *cfg, int argc, char **argv, char **envp, char *errstr, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    flag_scan fs = {0};
    if (argc < 0 || !argv) argc = 0;
    int rc = flags_scan(argc, argv, &fs, errstr, errlen);
    if (rc == NI_OK && fs.help) {
        config_usage(stdout);
        free(fs.v);
        return 1;
    }
    loader ld = {cfg, rc == NI_OK ? rd_kafka_conf_new() : NULL, errstr, errlen, {{0}}};
    if (rc == NI_OK) rc = load(&ld, &fs, envp);
    if (ld.scratch) rd_kafka_conf_destroy(ld.scratch);
    free(fs.v);
    if (rc != NI_OK) config_free(cfg);
    return rc;
}

void config_free(config *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < NOPTS; i++)
        if (opts[i].type == OPT_STRING) free(*(char **)((char *)cfg + opts[i].off));
    config_props_free(&cfg->props);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- usage ---- */

void config_usage(FILE *f)
{
    fputs("Usage: news-ingest run [OPTIONS]\n\n"
          "Consumes raw pages from Kafka, publishes article records, and sends what cannot\n"
          "become a record to the dead-letter topic. Settings: flags > environment > properties\n"
          "file > defaults.\n\nOptions (flag, environment variable, default):\n",
          f);
    for (size_t i = 0; i < NOPTS; i++) {
        const opt_def *o = &opts[i];
        char env[128];
        env_name(o, env, sizeof env);
        const char *def = o->def ? o->def : o->shown;
        fprintf(f, "  --%s %s  %s  default: %s%s%s\n      %s\n", o->name, o->metavar, env,
                o->def && !*o->def ? "\"" : "", def, o->def && !*o->def ? "\"" : "", o->help);
    }
    fputs("  --config FILE  " ENV_PREFIX "CONFIG  default: (none)\n"
          "      properties file of key=value lines (# comments): the option names above; any\n"
          "      other key is a librdkafka property (consumer./producer. prefixes scope it)\n"
          "  -X [consumer.|producer.]PROP=VALUE  " ENV_PREFIX ENV_KAFKA "<PROP>  (repeatable)\n"
          "      any librdkafka property, for both clients or only the consumer/producer; in the\n"
          "      variable, dots become underscores, e.g. " ENV_PREFIX ENV_KAFKA
          "CONSUMER_FETCH_WAIT_MAX_MS\n"
          "  -h, --help\n      this text\n\n"
          "SASL/SSL are set by -X pass-through, e.g.\n"
          "  -X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN -X sasl.username=... "
          "-X sasl.password=...\n"
          "Secrets (passwords, keys, tokens) are never logged.\n",
          f);
}

/* ---- entity events ---- */

/* confidence_value: s as a number in 0..1 into *v; 0 when it is not one. */
static int confidence_value(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = s ? strtod(s, &end) : 0;
    return s && end != s && !*end && !errno && *v >= 0 && *v <= 1;
}

static int check_confidence(const char *v, char *errstr, size_t errlen)
{
    double x;
    if (confidence_value(v, &x)) return NI_OK;
    return ni_err_set(errstr, errlen, NI_ERR_INVALID, "expected a number from 0 to 1");
}

double config_min_entity_confidence(const config *cfg)
{
    double x;
    return confidence_value(cfg->min_entity_confidence, &x) ? x : 0;
}
