/* ner_corpus.c: `news-ingest wikifane-conll` (WikiFANE as ANERcorp-style CoNLL, a second training
 * corpus) and `news-ingest ner-overlap` (8-gram overlap of texts with ANERcorp test). */
#include "cmd.h"

#include "entities/tagger_corpus.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_SOURCE_BYTES (1u << 30)

/* read_all: the whole of a file, gzip-compressed or plain, into a fresh NUL-terminated buffer the
 * caller frees. NI_OK, NI_ERR_IO or NI_ERR_TOO_LARGE (errstr names the file), NI_ERR_NOMEM. */
static int read_all(const char *path, char **out, size_t *len, char *errstr, size_t errlen)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot open", path);
    sbuf b = SBUF_INIT;
    int rc = NI_OK, n;
    while (!rc && (rc = sbuf_reserve(&b, 1 << 16)) == NI_OK &&
           (n = gzread(f, b.data + b.len, 1 << 16)) > 0) {
        b.len += (size_t)n;
        if (b.len > MAX_SOURCE_BYTES) rc = NI_ERR_TOO_LARGE;
    }
    int bad = !gzeof(f);
    gzclose(f);
    if (!rc && bad) rc = NI_ERR_IO;
    if (rc) {
        sbuf_free(&b);
        return ni_err_set(errstr, errlen, rc, "%s: %s", path,
                          rc == NI_ERR_NOMEM ? "out of memory" : "cannot read");
    }
    b.data[b.len] = '\0';
    *len = b.len;
    *out = b.data;
    return NI_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

typedef int (*line_fn)(void *ctx, const char *text, size_t len);

/* each_line_of_json: fn on the title and on each line of the text of one JSON-lines article. */
static int each_line_of_json(const char *line, line_fn fn, void *ctx)
{
    cJSON *j = cJSON_Parse(line);
    if (!j) return NI_OK; /* a malformed line says nothing about overlap or spelling */
    int rc = NI_OK;
    const char *fields[] = {"title", "text"};
    for (int k = 0; k < 2 && !rc; k++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, fields[k]);
        if (!cJSON_IsString(s)) continue;
        for (const char *p = s->valuestring; *p && !rc;) {
            size_t n = strcspn(p, "\n");
            rc = fn(ctx, p, n);
            p += n + (p[n] == '\n');
        }
    }
    cJSON_Delete(j);
    return rc;
}

/* each_sentence: fn on each sentence of a source: a JSON-lines corpus (.jsonl, .jsonl.gz: title
 * and text lines) or CoNLL (first column, blank line between sentences; words joined by spaces). */
static int each_sentence(const char *path, line_fn fn, void *ctx, char *errstr, size_t errlen)
{
    char *buf;
    size_t len;
    int rc = read_all(path, &buf, &len, errstr, errlen);
    if (rc) return rc;
    int json = ends_with(path, ".jsonl") || ends_with(path, ".jsonl.gz");
    sbuf s = SBUF_INIT;
    for (char *p = buf, *end = buf + len; !rc && p <= end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        *e = '\0';
        size_t w = strcspn(p, " \t\r");
        if (json) {
            rc = each_line_of_json(p, fn, ctx);
        } else if (w) {
            rc = (s.len && sbuf_append_char(&s, ' ')) || sbuf_append(&s, p, w) ? NI_ERR_NOMEM : 0;
        } else if (s.len) {
            rc = fn(ctx, s.data, s.len);
            sbuf_reset(&s);
        }
        p = e + 1;
    }
    if (!rc && s.len) rc = fn(ctx, s.data, s.len);
    sbuf_free(&s);
    free(buf);
    if (rc) ni_err_set(errstr, errlen, rc, "%s: out of memory", path);
    return rc;
}

/* ---- wikifane-conll ------------------------------------------------------------------------- */

static int spelling_line(void *ctx, const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        while (i < len && text[i] == ' ') i++;
        size_t a = i;
        while (i < len && text[i] != ' ') i++;
        if (i > a && ner_spelling_add(ctx, text + a, i - a)) return NI_ERR_NOMEM;
    }
    return NI_OK;
}

static void fane_usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest wikifane-conll [OPTIONS] WIKIFANE.txt[.gz]\n"
            "\n"
            "Writes WikiFANE (token<TAB>tag lines over its fine-grained classes) as CoNLL\n"
            "word<TAB>TAG lines in ANERcorp's conventions, for train-ner --aux: classes\n"
            "mapped to PER/ORG/LOC/MISC/O by the class table, U+200E marks removed, split\n"
            "clitics joined to their word, and each word given its most frequent written\n"
            "form (hamza on alef) in the spelling sources. Counts go to stderr.\n"
            "\n"
            "options:\n"
            "  -c, --classes PATH  class table (default data/ner/wikifane-classes.tsv)\n"
            "  -s, --spelling PATH text whose spelling is followed: JSON lines (.jsonl,\n"
            "                      .jsonl.gz; title and text) or CoNLL; repeatable\n"
            "  -o, --output PATH   output file (default stdout)\n"
            "  -h, --help          this text\n"
            "\n"
            "exit status: 0 written, 1 failure, 2 usage error, unreadable or malformed input.\n");
}

static int fane_write(const char *path, const sbuf *b)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) return NI_ERR_IO;
    int bad = fwrite(b->data, 1, b->len, f) != b->len;
    bad |= path ? fclose(f) != 0 : fflush(f) != 0;
    return bad ? NI_ERR_IO : NI_OK;
}

int cmd_wikifane_conll(int argc, char **argv)
{
    static const struct option longs[] = {{"classes", required_argument, 0, 'c'},
                                          {"spelling", required_argument, 0, 's'},
                                          {"output", required_argument, 0, 'o'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *classes = "data/ner/wikifane-classes.tsv", *out = NULL;
    const char *spell[16];
    int nspell = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "c:s:o:h", longs, NULL)) != -1;) {
        if (c == 'c')
            classes = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 's' && nspell < 16)
            spell[nspell++] = optarg;
        else if (c == 'h')
            return fane_usage(stdout), 0;
        else
            return fane_usage(stderr), 2;
    }
    if (argc - optind != 1) return fane_usage(stderr), 2;
    char err[512], *text = NULL, *ctext = NULL;
    size_t len = 0, clen = 0;
    ner_classmap *m = NULL;
    ner_spelling *sp = ner_spelling_create();
    sbuf b = SBUF_INIT;
    ner_fane_stats st;
    int rc = sp ? read_all(classes, &ctext, &clen, err, sizeof err) : NI_ERR_NOMEM;
    if (!rc && !(m = ner_classmap_parse(ctext, clen, classes, err, sizeof err))) rc = NI_ERR_PARSE;
    for (int k = 0; !rc && k < nspell; k++)
        rc = each_sentence(spell[k], spelling_line, sp, err, sizeof err);
    if (!rc) rc = read_all(argv[optind], &text, &len, err, sizeof err);
    if (!rc) rc = ner_fane_convert(text, len, m, nspell ? sp : NULL, &b, &st, err, sizeof err);
    if (!rc && fane_write(out, &b))
        rc = ni_err_set(err, sizeof err, NI_ERR_IO, "%s: cannot write", out ? out : "stdout");
    if (!rc)
        fprintf(stderr,
                "wikifane-conll: %zu lines -> %zu words in %zu sentences; %zu marks removed, "
                "%zu proclitics and %zu enclitics joined, %zu words respelled; entities PER %zu "
                "ORG %zu LOC %zu MISC %zu\n",
                st.lines, st.tokens, st.sentences, st.marks, st.proclitics, st.enclitics,
                st.respelled, st.entities[1], st.entities[2], st.entities[3], st.entities[4]);
    else
        fprintf(stderr, "news-ingest wikifane-conll: %s\n", err);
    free(text), free(ctext), sbuf_free(&b);
    ner_classmap_destroy(m);
    ner_spelling_destroy(sp);
    return !rc ? 0 : rc == NI_ERR_NOMEM ? 1 : 2;
}

/* ---- ner-overlap ---------------------------------------------------------------------------- */

typedef struct scan_ctx {
    ner_overlap *o;
    size_t grams, hits;
} scan_ctx;

static int ref_line(void *ctx, const char *text, size_t len)
{
    return ner_overlap_add_ref(ctx, text, len);
}

static int scan_line(void *ctx, const char *text, size_t len)
{
    scan_ctx *s = ctx;
    ner_overlap_scan(s->o, text, len, &s->grams, &s->hits);
    return NI_OK;
}

static void overlap_usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest ner-overlap [--max SHARE] TEST.conll SOURCE...\n"
            "\n"
            "Prints, for each source (CoNLL, or JSON lines .jsonl/.jsonl.gz: title and text;\n"
            "gzip or plain), how many of the test file's distinct 8-grams of words it contains\n"
            "(words compared with alef/ya/ta marbuta forms and marks folded, punctuation\n"
            "ignored). Run before training on a source, so ANERcorp's test part never leaks in.\n"
            "\n"
            "options:\n"
            "  -m, --max SHARE  fail when a source holds more than this share of the test\n"
            "                   8-grams (default 0.005)\n"
            "  -h, --help       this text\n"
            "\n"
            "exit status: 0 every source under the limit, 1 a source over it, 2 usage error or\n"
            "unreadable input.\n");
}

int cmd_ner_overlap(int argc, char **argv)
{
    static const struct option longs[] = {
        {"max", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    double max = 0.005;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "m:h", longs, NULL)) != -1;) {
        char *e = NULL;
        if (c == 'm' && (max = strtod(optarg, &e), e != optarg && !*e && max >= 0 && max <= 1))
            continue;
        if (c == 'h') return overlap_usage(stdout), 0;
        return overlap_usage(stderr), 2;
    }
    if (argc - optind < 2) return overlap_usage(stderr), 2;
    char err[512];
    scan_ctx s = {.o = ner_overlap_create()};
    int rc = s.o ? each_sentence(argv[optind], ref_line, s.o, err, sizeof err) : NI_ERR_NOMEM;
    int over = 0;
    for (int k = optind + 1; !rc && k < argc; k++) {
        s.grams = s.hits = 0;
        ner_overlap_reset(s.o);
        rc = each_sentence(argv[k], scan_line, &s, err, sizeof err);
        if (rc) break;
        size_t total, found = ner_overlap_found(s.o, &total);
        double share = total ? (double)found / (double)total : 0;
        over |= share > max;
        printf("%s: %zu of the %zu distinct 8-grams of %s found (%.4f%%); %zu of its %zu "
               "8-grams are in it%s\n",
               argv[k], found, total, argv[optind], 100 * share, s.hits, s.grams,
               share > max ? " -- OVER THE LIMIT" : "");
    }
    ner_overlap_destroy(s.o);
    if (rc)
        return fprintf(stderr, "news-ingest ner-overlap: %s\n", err), rc == NI_ERR_NOMEM ? 1 : 2;
    return over;
}
