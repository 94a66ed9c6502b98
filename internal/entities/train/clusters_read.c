/* clusters_read.c: reads a word clusters file (format in tagger/tagger_clusters.c; written by
 * `news-ingest train-clusters`) into the tagger's cluster table, its checksum verified. */
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define CL_MAGIC "news-ingest-ner-clusters 2"
#define CL_MAX_BYTES (64u << 20)
#define CL_MAX_WORDS (1u << 22)

/* ---- the file ------------------------------------------------------------------------------ */

static int cl_bad(const char *path, size_t line, const char *what, char *errstr, size_t errlen)
{
    return ni_err_set(errstr, errlen, NI_ERR_PARSE, "%s:%zu: malformed word clusters: %s", path,
                      line, what);
}

/* cl_hex: n hex digits at s into *v; 0 when they are not there. */
static int cl_hex(const char *s, int n, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < n; i++) {
        int c = s[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return 0;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return 1;
}

/* cl_word: one "KEY PATH COUNT AL FORM" line into x. */
static int cl_word(const char *l, ner_clusters *x, const char **what)
{
    uint64_t key;
    unsigned path = 0;
    *what = "expected KEY PATH COUNT AL FORM";
    if (!cl_hex(l, 16, &key) || l[16] != ' ') return NI_ERR_PARSE;
    for (int i = 0; i < NER_CL_BITS; i++) {
        char c = l[17 + i];
        if (c != '0' && c != '1') return NI_ERR_PARSE;
        path = path << 1 | (unsigned)(c - '0');
    }
    if (l[17 + NER_CL_BITS] != ' ') return NI_ERR_PARSE;
    char *e;
    errno = 0;
    unsigned long long count = strtoull(l + 18 + NER_CL_BITS, &e, 10), al;
    if (e == l + 18 + NER_CL_BITS || *e != ' ' || !count || errno) return NI_ERR_PARSE;
    const char *a = e + 1;
    al = strtoull(a, &e, 10);
    if (e == a || *e != ' ' || al > count || errno) return NI_ERR_PARSE;
    int rc = ner_clusters_put(x, key, path, (unsigned)((al * 15 + count / 2) / count));
    if (rc == NI_ERR_INVALID) *what = "duplicate key";
    return rc;
}

/* cl_parse: buf[0..len) (NUL-terminated lines in place) into x. */
static int cl_parse(const char *path, char *buf, size_t len, ner_clusters *x, char *errstr,
                    size_t errlen)
{
    char *p = buf, *end = buf + len;
    size_t line = 0;
    unsigned long long n = 0;
    uint64_t sum = 0; /* of the bytes before the last line, taken before lines are cut */
    if (len && buf[len - 1] == '\n') {
        size_t last = len - 1;
        while (last && buf[last - 1] != '\n') last--;
        sum = XXH3_64bits(buf, last);
    }
    const char *what = "unexpected end of file";
    for (char *l; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        *nl = '\0', l = p, p = nl + 1, line++;
        if (line == 1 && strcmp(l, CL_MAGIC)) return cl_bad(path, line, CL_MAGIC, errstr, errlen);
        if (line == 2 && strcmp(l, "bits 10"))
            return cl_bad(path, line, "expected \"bits 10\"", errstr, errlen);
        if (line == 3) {
            char *e;
            errno = 0;
            n = strncmp(l, "words ", 6) ? 0 : strtoull(l + 6, &e, 10);
            if (strncmp(l, "words ", 6) || e == l + 6 || *e || errno || n > CL_MAX_WORDS)
                return cl_bad(path, line, "expected \"words N\"", errstr, errlen);
            if (ner_clusters_init(x, (size_t)n))
                return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "%s: out of memory", path);
        }
        if (line > 3 && line <= 3 + n) {
            int rc = cl_word(l, x, &what);
            if (rc == NI_ERR_NOMEM)
                return ni_err_set(errstr, errlen, rc, "%s: out of memory", path);
            if (rc) return cl_bad(path, line, what, errstr, errlen);
        }
        if (line == 4 + n) {
            uint64_t want;
            if (strncmp(l, "checksum ", 9) || !cl_hex(l + 9, 16, &want) || l[25])
                return cl_bad(path, line, "expected \"checksum H\"", errstr, errlen);
            if (want != sum || p != end)
                return cl_bad(path, line, "checksum mismatch", errstr, errlen);
            return NI_OK;
        }
    }
    return cl_bad(path, line, what, errstr, errlen);
}

int ner_clusters_read(const char *path, ner_clusters *x, char *errstr, size_t errlen)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    ner_clusters_free(x);
    if (util_file_read(path, CL_MAX_BYTES, &buf, &len, err, sizeof err))
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot read word clusters: %s", path,
                          err);
    int rc = cl_parse(path, buf, len, x, errstr, errlen);
    free(buf);
    if (rc) ner_clusters_free(x);
    return rc;
}
