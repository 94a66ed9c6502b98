/* log.c: JSON-lines logging (cJSON) with a process-wide level, a locked writer and redaction. */
#include "log/log.h"

#include "util/err.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static atomic_int g_level = LOG_INFO;
static atomic_ulong g_dropped;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *g_stream; /* NULL = stderr; guarded by g_lock */

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name, log_level *out, char *errstr, size_t errlen)
{
    for (int i = LOG_DEBUG; name && i <= LOG_ERROR; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *out = (log_level)i;
            return NI_OK;
        }
    }
    if (name && strcasecmp(name, "warning") == 0) {
        *out = LOG_WARN;
        return NI_OK;
    }
    return ni_err_set(errstr, errlen, NI_ERR_INVALID,
                      "unknown log level \"%s\" (use debug, info, warn or error)",
                      name ? name : "");
}

void log_level_set(log_level level)
{
    atomic_store(&g_level, (int)level);
}

log_level log_level_get(void)
{
    return (log_level)atomic_load(&g_level);
}

void log_stream_set(FILE *f)
{
    pthread_mutex_lock(&g_lock);
    g_stream = f;
    pthread_mutex_unlock(&g_lock);
}

int log_key_is_secret(const char *key)
{
    static const char *const marks[] = {"password",    "secret",  "sasl.oauthbearer.config",
                                        "ssl.key.pem", "ssl_key", "token"};
    char low[256];
    size_t n = 0;
    if (!key) return 0;
    for (; key[n] && n + 1 < sizeof low; n++) {
        char c = key[n];
        low[n] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    low[n] = '\0';
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(low, marks[i])) return 1;
    return 0;
}

unsigned long log_dropped(void)
{
    return atomic_load(&g_dropped);
}

/* ts_format: "2026-11-21T10:00:00.123Z" (UTC, milliseconds) into buf (>= 32 bytes). */
static void ts_format(char *buf, size_t len)
{
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", now.tv_nsec / 1000000L);
}

/* line_build: the JSON object of one line, NULL when out of memory. */
static cJSON *line_build(log_level level, const char *msg, va_list ap)
{
    char ts[40];
    ts_format(ts, sizeof ts);
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "ts", ts) &&
             cJSON_AddStringToObject(o, "level", level_names[level]) &&
             cJSON_AddStringToObject(o, "msg", msg ? msg : "");
    const char *key;
    char renamed[128];
    while (ok && (key = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        if (val && log_key_is_secret(key)) val = "[redacted]";
        if (cJSON_GetObjectItemCaseSensitive(o, key)) { /* never two members of one name */
            snprintf(renamed, sizeof renamed, "_%s", key);
            key = renamed;
        }
        ok = val ? cJSON_AddStringToObject(o, key, val) != NULL
                 : cJSON_AddNullToObject(o, key) != NULL;
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* line_emit: writes text plus a newline (text has room for one more byte) with one fwrite
 * under the lock. */
static void line_emit(char *text)
{
    size_t n = strlen(text);
    text[n] = '\n';
    pthread_mutex_lock(&g_lock);
    FILE *f = g_stream ? g_stream : stderr;
    fwrite(text, 1, n + 1, f);
    fflush(f);
    pthread_mutex_unlock(&g_lock);
}

void log_write(log_level level, const char *msg, ...)
{
    if ((int)level < atomic_load(&g_level) || level < LOG_DEBUG || level > LOG_ERROR) return;
    va_list ap;
    va_start(ap, msg);
    cJSON *o = line_build(level, msg, ap);
    va_end(ap);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    char *line = text ? realloc(text, strlen(text) + 2) : NULL;
    if (!line) {
        free(text);
        atomic_fetch_add(&g_dropped, 1);
        return;
    }
    line_emit(line);
    free(line);
}
