/* sbuf.h: growable byte/string buffer (always NUL-terminated) used by every stage. */
#ifndef NI_UTIL_SBUF_H
#define NI_UTIL_SBUF_H

#include <stddef.h>

typedef struct sbuf {
    char *data; /* NUL-terminated when non-NULL; owned by the sbuf */
    size_t len;
    size_t cap;
} sbuf;

#define SBUF_INIT                                                                                  \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Appends; return NI_OK or NI_ERR_NOMEM (the buffer keeps its previous content on error). */
int sbuf_append(sbuf *b, const char *s, size_t n);
int sbuf_append_str(sbuf *b, const char *s);
int sbuf_append_char(sbuf *b, char c);
int sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes; NI_OK or NI_ERR_NOMEM. */
int sbuf_reserve(sbuf *b, size_t n);
/* Empties without freeing. */
void sbuf_reset(sbuf *b);
/* Hands the string to the caller (who frees it with free()); the sbuf is left empty. Never NULL
 * unless out of memory: an empty buffer yields "". */
char *sbuf_steal(sbuf *b);
/* Frees the content; NULL-safe. */
void sbuf_free(sbuf *b);

/* util_strndup: copy of n bytes plus NUL, NULL on allocation failure. */
char *util_strndup(const char *s, size_t n);

/* util_file_read: reads a whole file ("-" = stdin) into a fresh NUL-terminated buffer the caller
 * frees. Reading stops with NI_ERR_TOO_LARGE past max_bytes (0 = no limit). On error returns
 * NI_ERR_IO/NI_ERR_TOO_LARGE/NI_ERR_NOMEM and fills errstr. */
int util_file_read(const char *path, size_t max_bytes, char **out, size_t *len, char *errstr,
                   size_t errlen);

#endif
