/* err.h: the project's one error convention: return 0 or a negative NI_ERR_* code, fill errstr. */
#ifndef NI_UTIL_ERR_H
#define NI_UTIL_ERR_H

#include <stddef.h>

/*
 * Every fallible function returns NI_OK (0) on success or one of the negative codes below, and,
 * when the caller passed a non-NULL errstr of errlen bytes, writes one human-readable sentence
 * there (the librdkafka idiom). Outputs are only valid on NI_OK. Codes map to the short reason
 * strings used in logs and dead-letter headers (ni_err_reason).
 */
enum {
    NI_OK = 0,
    NI_ERR = -1,                   /* unspecified failure */
    NI_ERR_NOMEM = -2,             /* allocation failed */
    NI_ERR_IO = -3,                /* file or stream could not be read */
    NI_ERR_TOO_LARGE = -4,         /* input over the configured size limit */
    NI_ERR_BINARY = -5,            /* input is not text (binary garbage) */
    NI_ERR_CHARSET = -6,           /* charset unknown or conversion impossible */
    NI_ERR_PARSE = -7,             /* markup or structure could not be parsed */
    NI_ERR_NO_ARTICLE = -8,        /* no article text found */
    NI_ERR_INVALID = -9,           /* invalid argument or configuration */
    NI_ERR_ENVELOPE = -10,         /* a message's JSON envelope is malformed */
    NI_ERR_DELIVERY = -11,         /* a Kafka delivery failed */
    NI_ERR_HTTP_4XX = -12,         /* a fetched URL answered a client error (404, 410, ...) */
    NI_ERR_FETCH = -13,            /* a URL could not be fetched (retries spent, TLS, bad URL) */
    NI_ERR_ROBOTS = -14,           /* robots.txt disallows fetching the URL */
    NI_ERR_CANCELLED = -15,        /* the work was abandoned because the component stopped */
    NI_ERR_TOMBSTONE = -20,        /* a Kafka message with a null value (nothing to process) */
    NI_ERR_RECORD_TOO_LARGE = -21, /* a record larger than the producer's message.max.bytes */
};

/* ni_err_reason: the short snake_case code for rc ("too_large"); never NULL. */
const char *ni_err_reason(int rc);

/* ni_err_set: printf-style write of one sentence into errstr (NULL-safe); returns rc. */
int ni_err_set(char *errstr, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
