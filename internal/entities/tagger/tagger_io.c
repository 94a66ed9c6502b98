/* tagger_io.c: the tagger's model file, read (train/model_save.c writes it): a text file of
 * integer weights.
 *
 *   news-ingest-ner-model 1
 *   tags O B-PER I-PER B-ORG I-ORG B-LOC I-LOC B-MISC I-MISC
 *   transitions            then 10 lines of 9 weights: from each tag, then from the start
 *   features N             then N lines: 12 hex digits of the feature key, then TAG:WEIGHT
 *                          for each tag (0..8) with a nonzero weight, in tag order
 *   lexicon N              then N lines: 16 hex digits of a name key (ner_lex_key), a space
 *                          and its value (1..127, see NER_LEX_*), keys ascending
 *   clusters N             then N lines: 16 hex digits of a word key (NER_H_LSTEM), a space,
 *                          its cluster path (decimal, < 2^NER_CL_BITS), a space and its ال share
 *                          (0..15), keys ascending
 *                          (the word clusters the model was trained with; N may be 0)
 *   gazetteer N            then N lines as the lexicon's: name keys and list bits (0..127)
 *   end
 */
#include "tagger_internal.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC NER_MODEL_MAGIC
#define MAX_MODEL_BYTES (256u << 20)

/* ---- reading ---------------------------------------------------------------------------- */

/* A model file being read, line by line (lines are NUL-terminated in place). */
typedef struct reader {
    const char *path;
    char *p, *end;
    size_t line;
    char *errstr;
    size_t errlen;
} reader;

static int bad(reader *r, const char *what)
{
    return ni_err_set(r->errstr, r->errlen, NI_ERR_PARSE, "%s:%zu: malformed NER model: %s",
                      r->path, r->line, what);
}

/* next_line: the next line (without its newline) or NULL at the end of the file. */
static char *next_line(reader *r)
{
    if (r->p >= r->end) return NULL;
    char *l = r->p, *nl = memchr(l, '\n', (size_t)(r->end - l));
    if (nl)
        *nl = '\0', r->p = nl + 1;
    else
        r->p = r->end;
    r->line++;
    return l;
}

/* expect: the next line must be exactly want. */
static int expect(reader *r, const char *want)
{
    char *l = next_line(r);
    if (!l) return bad(r, "unexpected end of file");
    if (strcmp(l, want)) return bad(r, want);
    return NI_OK;
}

/* ints: NER_NTAGS decimal int32 weights from s (all of it). */
static int ints(reader *r, char *s, int32_t *w)
{
    for (int t = 0; t < NER_NTAGS; t++) {
        errno = 0;
        char *e;
        long v = strtol(s, &e, 10);
        if (e == s || *e != (t + 1 < NER_NTAGS ? ' ' : '\0') || errno || v < INT32_MIN ||
            v > INT32_MAX)
            return bad(r, "expected 9 integer weights");
        w[t] = (int32_t)v;
        s = e;
    }
    return NI_OK;
}

/* small_int: an optional '-' and 1..6 decimal digits at s; end in *e; 0 when there are none. */
static int small_int(const char *s, const char **e, long *v)
{
    int neg = *s == '-';
    const char *p = s + neg;
    long x = 0;
    while (*p >= '0' && *p <= '9' && p - s < 7) x = 10 * x + (*p++ - '0');
    *e = p, *v = neg ? -x : x;
    return p > s + neg;
}

/* hex48: 12 lowercase/uppercase hex digits at s; -1 when they are not there. */
static int64_t hex48(const char *s)
{
    int64_t x = 0;
    for (int i = 0; i < 12; i++) {
        int c = s[i], d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (d < 0) return -1;
        x = x << 4 | d;
    }
    return x;
}

/* sparse: " TAG:WEIGHT" pairs (tags increasing) from s (all of it) into w. */
static int sparse(reader *r, const char *s, int32_t *w)
{
    memset(w, 0, NER_NTAGS * sizeof *w);
    for (int last = -1; *s;) {
        const char *e;
        long v;
        if (*s != ' ' || s[1] < '0' || s[1] > '8' || s[1] - '0' <= last || s[2] != ':')
            return bad(r, "expected TAG:WEIGHT with TAG 0..8 increasing");
        last = s[1] - '0';
        if (!small_int(s + 3, &e, &v) || (*e && *e != ' ') || v < -NER_MAX_WEIGHT ||
            v > NER_MAX_WEIGHT)
            return bad(r, "bad weight (an integer within +-500 expected)");
        w[last] = (int32_t)v;
        s = e;
    }
    return NI_OK;
}

/* hex64: 16 hex digits at s into *v; 0 when they are not there. */
static int hex64(const char *s, uint64_t *v)
{
    int64_t hi = hex48(s), lo = hi < 0 ? -1 : hex48(s + 4);
    if (lo < 0) return 0;
    *v = (uint64_t)hi << 16 | ((uint64_t)lo & 0xffff);
    return 1;
}

/* lexicon: "<name> N" and its N "KEY VALUE" lines into x (the lexicon, the gazetteer). */
static int lexicon(reader *r, const char *name, ner_lex *x)
{
    char *l = next_line(r), *e, want[64];
    size_t nl = (size_t)snprintf(want, sizeof want, "%s ", name);
    if (!l) return bad(r, "unexpected end of file");
    errno = 0;
    unsigned long long n = strncmp(l, want, nl) ? 0 : strtoull(l + nl, &e, 10);
    if (strncmp(l, want, nl) || e == l + nl || *e || errno || n > (1u << 24))
        return bad(r, name[0] == 'l' ? "expected \"lexicon N\"" : "expected \"gazetteer N\"");
    if (ner_lex_init(x, (size_t)n))
        return ni_err_set(r->errstr, r->errlen, NI_ERR_NOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < n; i++) {
        uint64_t key;
        const char *v;
        long val;
        if (!(l = next_line(r))) return bad(r, "unexpected end of file");
        if (!hex64(l, &key) || l[16] != ' ' || !small_int(l + 17, &v, &val) || *v || val < 1 ||
            val > 127)
            return bad(r, "expected a 16-digit hex name key and a value 1..127");
        if (ner_lex_get(x, key)) return bad(r, "duplicate name key");
        ner_lex_put(x, key, (uint8_t)val);
    }
    return NI_OK;
}

/* clusters: "clusters N" and its N "KEY PATH" lines into m->cl. */
static int clusters(reader *r, ner_model *m)
{
    char *l = next_line(r), *e;
    if (!l) return bad(r, "unexpected end of file");
    errno = 0;
    unsigned long long n = strncmp(l, "clusters ", 9) ? 0 : strtoull(l + 9, &e, 10);
    if (strncmp(l, "clusters ", 9) || e == l + 9 || *e || errno || n > (1u << 22))
        return bad(r, "expected \"clusters N\"");
    if (!n) return NI_OK;
    if (ner_clusters_init(&m->cl, (size_t)n))
        return ni_err_set(r->errstr, r->errlen, NI_ERR_NOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < n; i++) {
        uint64_t key;
        const char *v;
        long path, al;
        if (!(l = next_line(r))) return bad(r, "unexpected end of file");
        if (!hex64(l, &key) || l[16] != ' ' || !small_int(l + 17, &v, &path) || *v != ' ' ||
            path < 0 || path >= (1 << NER_CL_BITS) || !small_int(v + 1, &v, &al) || *v || al < 0 ||
            al > 15)
            return bad(r, "expected a 16-digit hex word key, a cluster path and an ال share");
        if (ner_clusters_put(&m->cl, key, (unsigned)path, (unsigned)al))
            return bad(r, "duplicate word key");
    }
    return NI_OK;
}

/* feature: one "KEY TAG:WEIGHT..." line into m. */
static int feature(reader *r, ner_model *m)
{
    char *l = next_line(r);
    if (!l) return bad(r, "unexpected end of file");
    int32_t w[NER_NTAGS];
    int64_t key = hex48(l);
    if (key < 0) return bad(r, "expected a 12-digit hex feature key");
    int rc = sparse(r, l + 12, w);
    if (rc) return rc;
    rc = ner_model_add(m, (uint64_t)key, w);
    return rc == NI_ERR_INVALID ? bad(r, "duplicate feature key") : rc;
}

static int header(reader *r)
{
    char tags[256] = "tags";
    for (int t = 0; t < NER_NTAGS; t++) strcat(strcat(tags, " "), ner_tag_name((ner_tag)t));
    int rc = expect(r, MAGIC);
    if (!rc) rc = expect(r, tags);
    if (!rc) rc = expect(r, "transitions");
    return rc;
}

static int body(reader *r, ner_model **out)
{
    int32_t trans[NER_NTAGS + 1][NER_NTAGS];
    for (int p = 0; p <= NER_NTAGS; p++) {
        char *l = next_line(r);
        if (!l) return bad(r, "unexpected end of file");
        int rc = ints(r, l, trans[p]);
        if (rc) return rc;
    }
    char *l = next_line(r), *e;
    if (!l) return bad(r, "unexpected end of file");
    errno = 0;
    unsigned long long nfeat = strncmp(l, "features ", 9) ? 0 : strtoull(l + 9, &e, 10);
    if (strncmp(l, "features ", 9) || e == l + 9 || *e || errno || nfeat > (1u << 26))
        return bad(r, "expected \"features N\"");
    ner_model *m = ner_model_new((size_t)nfeat);
    if (!m) return ni_err_set(r->errstr, r->errlen, NI_ERR_NOMEM, "%s: out of memory", r->path);
    memcpy(m->trans, trans, sizeof trans);
    int rc = NI_OK;
    for (size_t i = 0; i < nfeat && !rc; i++) rc = feature(r, m);
    if (!rc) rc = lexicon(r, "lexicon", &m->lex);
    if (!rc) rc = clusters(r, m);
    if (!rc) rc = lexicon(r, "gazetteer", &m->gz);
    if (!rc) rc = expect(r, "end");
    if (!rc && next_line(r)) rc = bad(r, "data after \"end\"");
    if (rc)
        ner_model_destroy(m);
    else
        *out = m;
    return rc;
}

ner_model *ner_model_load(const char *path, char *errstr, size_t errlen)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    if (!path) {
        ni_err_set(errstr, errlen, NI_ERR_INVALID, "NER model: no path given");
        return NULL;
    }
    if (util_file_read(path, MAX_MODEL_BYTES, &buf, &len, err, sizeof err)) {
        ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot read NER model: %s", path, err);
        return NULL;
    }
    reader r = {path, buf, buf + len, 0, errstr, errlen};
    ner_model *m = NULL;
    if (!header(&r)) body(&r, &m);
    free(buf);
    return m;
}
