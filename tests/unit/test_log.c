/* test_log.c: unit tests of the JSON-lines logger (levels, fields, redaction, whole lines). */
#include "log/log.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *capture;

static void setup(void)
{
    capture = tmpfile();
    cr_assert_not_null(capture);
    log_stream_set(capture);
    log_level_set(LOG_INFO);
}

static void teardown(void)
{
    log_stream_set(NULL);
    fclose(capture);
}

/* lines_read: every captured line parsed; *n lines; each must be a JSON object. */
static cJSON **lines_read(size_t *n)
{
    static char buf[1 << 16];
    static cJSON *out[4096];
    *n = 0;
    rewind(capture);
    while (fgets(buf, sizeof buf, capture)) {
        size_t len = strlen(buf);
        cr_assert(len > 0 && buf[len - 1] == '\n', "line not newline-terminated: %s", buf);
        cr_assert(*n < sizeof out / sizeof out[0]);
        out[*n] = cJSON_Parse(buf);
        cr_assert_not_null(out[*n], "not JSON: %s", buf);
        cr_assert(cJSON_IsObject(out[*n]));
        (*n)++;
    }
    return out;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

TestSuite(log, .init = setup, .fini = teardown);

Test(log, line_has_ts_level_msg_and_fields)
{
    log_info("consumer started", "topic", "pages", "partition", "3");
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(str(l[0], "level"), "info");
    cr_assert_str_eq(str(l[0], "msg"), "consumer started");
    cr_assert_str_eq(str(l[0], "topic"), "pages");
    cr_assert_str_eq(str(l[0], "partition"), "3");
    const char *ts = str(l[0], "ts");
    cr_assert_not_null(ts);
    int y, mo, d, h, mi, s, ms;
    char z = 0;
    cr_assert_eq(strlen(ts), 24, "ts %s", ts);
    cr_assert_eq(sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z), 8);
    cr_assert_eq(z, 'Z');
    cr_assert(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
    cJSON_Delete(l[0]);
}

Test(log, levels_below_threshold_are_filtered)
{
    log_debug("hidden");
    log_info("shown info");
    log_warn("shown warn");
    log_level_set(LOG_ERROR);
    cr_assert_eq(log_level_get(), LOG_ERROR);
    log_warn("hidden warn");
    log_error("shown error");
    log_level_set(LOG_DEBUG);
    log_debug("shown debug");
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, 4);
    const char *want[][2] = {{"info", "shown info"},
                             {"warn", "shown warn"},
                             {"error", "shown error"},
                             {"debug", "shown debug"}};
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(str(l[i], "level"), want[i][0]);
        cr_assert_str_eq(str(l[i], "msg"), want[i][1]);
        cJSON_Delete(l[i]);
    }
}

Test(log, secrets_are_redacted)
{
    log_info("config", "sasl.password", "hunter2", "ssl.key.password", "k3y",
             "NEWS_INGEST_KAFKA_SASL_PASSWORD", "envpw", "sasl.oauthbearer.config", "a=b",
             "sasl.username", "alice");
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(str(l[0], "sasl.password"), "[redacted]");
    cr_assert_str_eq(str(l[0], "ssl.key.password"), "[redacted]");
    cr_assert_str_eq(str(l[0], "NEWS_INGEST_KAFKA_SASL_PASSWORD"), "[redacted]");
    cr_assert_str_eq(str(l[0], "sasl.oauthbearer.config"), "[redacted]");
    cr_assert_str_eq(str(l[0], "sasl.username"), "alice");
    char *text = cJSON_PrintUnformatted(l[0]);
    cr_assert_null(strstr(text, "hunter2"));
    cr_assert_null(strstr(text, "envpw"));
    free(text);
    cJSON_Delete(l[0]);
}

Test(log, key_is_secret)
{
    cr_assert(log_key_is_secret("sasl.password"));
    cr_assert(log_key_is_secret("SSL_KEY_PEM"));
    cr_assert(log_key_is_secret("ssl.key.pem"));
    cr_assert(log_key_is_secret("sasl.oauthbearer.client.secret"));
    cr_assert(log_key_is_secret("api_token"));
    cr_assert_not(log_key_is_secret("bootstrap.servers"));
    cr_assert_not(log_key_is_secret("ssl.key.location"));
    cr_assert_not(log_key_is_secret(NULL));
}

Test(log, null_value_and_escaping)
{
    log_warn("odd \"quoted\"\nmsg", "url", (const char *)NULL, "path", "a\\b\tc");
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, 1, "a newline in a value must not split the line");
    cr_assert_str_eq(str(l[0], "msg"), "odd \"quoted\"\nmsg");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(l[0], "url")));
    cr_assert_str_eq(str(l[0], "path"), "a\\b\tc");
    cJSON_Delete(l[0]);
}

Test(log, level_parse)
{
    log_level lv = LOG_ERROR;
    char err[128] = "";
    cr_assert_eq(log_level_parse("DEBUG", &lv, err, sizeof err), NI_OK);
    cr_assert_eq(lv, LOG_DEBUG);
    cr_assert_eq(log_level_parse("Warning", &lv, err, sizeof err), NI_OK);
    cr_assert_eq(lv, LOG_WARN);
    cr_assert_eq(log_level_parse("warn", &lv, err, sizeof err), NI_OK);
    cr_assert_eq(lv, LOG_WARN);
    cr_assert_eq(log_level_parse("error", &lv, err, sizeof err), NI_OK);
    cr_assert_eq(lv, LOG_ERROR);
    cr_assert_eq(log_level_parse("info", &lv, err, sizeof err), NI_OK);
    cr_assert_eq(lv, LOG_INFO);
    cr_assert_eq(log_level_parse("verbose", &lv, err, sizeof err), NI_ERR_INVALID);
    cr_assert(strstr(err, "verbose"), "error names the value: %s", err);
    cr_assert_eq(lv, LOG_INFO, "unchanged on error");
}

#define WRITERS 4
#define PER_WRITER 500

static void *writer(void *arg)
{
    char id[8], seq[16], pad[301];
    snprintf(id, sizeof id, "%d", (int)(long)arg);
    memset(pad, 'a' + (int)(long)arg, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    for (int i = 0; i < PER_WRITER; i++) {
        snprintf(seq, sizeof seq, "%d", i);
        log_info("tick", "writer", id, "seq", seq, "pad", pad);
    }
    return NULL;
}

Test(log, concurrent_writers_give_whole_lines)
{
    pthread_t t[WRITERS];
    for (long i = 0; i < WRITERS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, writer, (void *)i), 0);
    for (int i = 0; i < WRITERS; i++) pthread_join(t[i], NULL);
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, WRITERS * PER_WRITER);
    int next[WRITERS] = {0};
    for (size_t i = 0; i < n; i++) {
        int w = atoi(str(l[i], "writer")), s = atoi(str(l[i], "seq"));
        cr_assert(w >= 0 && w < WRITERS);
        cr_assert_eq(s, next[w], "writer %d lines out of order", w);
        next[w]++;
        const char *pad = str(l[i], "pad");
        cr_assert_eq(strlen(pad), 300);
        cr_assert_eq(pad[0], 'a' + w);
        cr_assert_eq(pad[299], 'a' + w);
        cJSON_Delete(l[i]);
    }
    cr_assert_eq(log_dropped(), 0);
}

Test(log, field_named_like_a_builtin_is_renamed)
{
    log_info("real message", "msg", "field value", "level", "x");
    size_t n;
    cJSON **l = lines_read(&n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(str(l[0], "msg"), "real message");
    cr_assert_str_eq(str(l[0], "level"), "info");
    cr_assert_str_eq(str(l[0], "_msg"), "field value");
    cr_assert_str_eq(str(l[0], "_level"), "x");
    int members = 0;
    for (cJSON *c = l[0]->child; c; c = c->next) members++;
    cr_assert_eq(members, 5);
    cJSON_Delete(l[0]);
}
