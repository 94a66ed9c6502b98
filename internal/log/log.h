/* log.h: structured logs: one JSON object per line on stderr ({"ts","level","msg",fields...}). */
#ifndef NI_LOG_LOG_H
#define NI_LOG_LOG_H

#include <stdio.h>

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* log_level_parse: "debug", "info", "warn"/"warning", "error" (any case) into *out; NI_OK, or
 * NI_ERR_INVALID with errstr filled. */
int log_level_parse(const char *name, log_level *out, char *errstr, size_t errlen);
/* log_level_set / log_level_get: the process-wide threshold (default LOG_INFO). */
void log_level_set(log_level level);
log_level log_level_get(void);
/* log_stream_set: where lines go (default stderr; tests pass a tmpfile). NULL restores stderr. */
void log_stream_set(FILE *f);

/*
 * log_write: when level >= the threshold, writes one line
 *   {"ts":"2026-11-21T10:00:00.123Z","level":"info","msg":"...","key":"value",...}
 * The variadic part is key/value string pairs ending with a NULL key; a NULL value is written
 * as null. A value whose key names a secret (log_key_is_secret) is written as "[redacted]".
 * Thread-safe: each line is written with one call, whole. Never fails visibly (a line that
 * cannot be built is dropped and counted in log_dropped()).
 */
void log_write(log_level level, const char *msg, ...);
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__, (const char *)NULL)
#define log_info(...) log_write(LOG_INFO, __VA_ARGS__, (const char *)NULL)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__, (const char *)NULL)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__, (const char *)NULL)

/* log_key_is_secret: 1 when a configuration key holds a secret (contains "password", "secret",
 * "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "token"), else 0. */
int log_key_is_secret(const char *key);

/* log_dropped: lines that could not be built (out of memory). */
unsigned long log_dropped(void);

#endif
