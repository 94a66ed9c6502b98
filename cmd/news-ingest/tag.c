/* tag.c: `news-ingest tag --conll`: CoNLL tokens on stdin -> token<TAB>BIO tag on stdout. */
#include "cmd.h"

#include "entities/kb.h"
#include "entities/ner.h"
#include "util/err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "news-ingest tag"
#define MODEL_REL CMD_NER_MODEL_REL
#define DOCSTART "-DOCSTART-" /* a line starting with it ends a document */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest tag --conll [--model PATH] [--kb PATH] < TOKENS > TAGGED\n"
            "\n"
            "Tags CoNLL tokens with the named-entity model: reads one token per line (the\n"
            "first whitespace-separated column; other columns are ignored), a blank line\n"
            "between sentences, and writes \"token<TAB>tag\" per token in the same order with\n"
            "the blank lines kept. Tags are BIO over PER, ORG, LOC, MISC. The words' matches\n"
            "in the knowledge base are given to the model as hints, as in the worker. A line\n"
            "starting with -DOCSTART- ends a document and is copied; a document is held in\n"
            "memory until its end, and a name the model tagged in it stands for the same\n"
            "untagged words within %d sentences either side.\n"
            "\n"
            "options:\n"
            "  --conll           the input and output format (required)\n"
            "  -m, --model PATH  model file (default: $NEWS_INGEST_NER_MODEL, else\n"
            "                    <executable dir>/../" MODEL_REL ", else ./" MODEL_REL ")\n"
            "  -k, --kb PATH     knowledge base (default: $NEWS_INGEST_KB, else <executable\n"
            "                    dir>/../" CMD_KB_REL ", else ./" CMD_KB_REL ")\n"
            "  --confidence      a third column: the confidence (0..1) of the model span the\n"
            "                    token is in, before the document step (0: O, or tagged by\n"
            "                    the document step)\n"
            "  --conf-scale T    the temperature of that confidence (calibration runs)\n"
            "  -h, --help        this text\n"
            "\n"
            "exit status: 0 ok, 1 read/write failure, 2 usage error or missing/malformed "
            "model or knowledge base.\n",
            NER_DOC_WINDOW);
}

/* A document being read: its words (owned copies), per-word hints and tags, and its sentences
 * (sentence k is words [sent[k], sent[k + 1]); the ones before `open` ended with a blank line). */
typedef struct doc {
    char **words;
    size_t *lens;
    ner_tag *tags;
    unsigned *gaz;
    double *conf; /* with --confidence */
    size_t n, cap;
    size_t *sent;
    size_t nsent, scap;
} doc;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return NI_OK;
    size_t c = *cap ? 2 * *cap : 64;
    while (c < need) c *= 2;
    void *v = realloc(*p, c * size);
    if (!v) return NI_ERR_NOMEM;
    *p = v, *cap = c;
    return NI_OK;
}

static int push(doc *d, const char *w, size_t len)
{
    size_t c = d->cap, need = d->n + 1;
    if (grow((void **)&d->words, &c, need, sizeof *d->words) ||
        (c = d->cap, grow((void **)&d->lens, &c, need, sizeof *d->lens)) ||
        (c = d->cap, grow((void **)&d->tags, &c, need, sizeof *d->tags)) ||
        (c = d->cap, grow((void **)&d->gaz, &c, need, sizeof *d->gaz)) ||
        (c = d->cap, grow((void **)&d->conf, &c, need, sizeof *d->conf)))
        return NI_ERR_NOMEM;
    d->cap = c;
    if (!(d->words[d->n] = strndup(w, len))) return NI_ERR_NOMEM;
    d->lens[d->n++] = len;
    return NI_OK;
}

/* end_sentence: closes the sentence being read (words since the last boundary). */
static int end_sentence(doc *d, const ner_kb *kb)
{
    if (grow((void **)&d->sent, &d->scap, d->nsent + 2, sizeof *d->sent)) return NI_ERR_NOMEM;
    if (!d->nsent) d->sent[0] = 0;
    size_t a = d->sent[d->nsent];
    d->sent[++d->nsent] = d->n;
    if (d->n == a) return NI_OK; /* an empty sentence (no words array yet) */
    char err[256];
    int rc = ner_words_gaz(kb, (const char *const *)d->words + a, d->lens + a, d->n - a, d->gaz + a,
                           err, sizeof err);
    if (rc) fprintf(stderr, PROG ": %s\n", err);
    return rc;
}

/* flush: tags and prints the document (a blank line after each sentence that had one), then
 * empties it. */
static int want_conf; /* --confidence */

static int flush(const ner_model *m, const ner_kb *kb, doc *d)
{
    size_t blank = d->nsent; /* sentences that ended with a blank line */
    int rc = d->nsent && d->sent[d->nsent] == d->n ? NI_OK : end_sentence(d, kb);
    if (rc) return rc;
    char err[256];
    rc = ner_model_tag_doc_conf(m, (const char *const *)d->words, d->lens, d->sent, d->nsent,
                                d->gaz, NER_DOC_WINDOW, d->tags, want_conf ? d->conf : NULL, err,
                                sizeof err);
    if (rc) fprintf(stderr, PROG ": %s\n", err);
    for (size_t s = 0; s < d->nsent; s++) {
        for (size_t i = d->sent[s]; i < d->sent[s + 1]; i++) {
            if (!rc && want_conf)
                printf("%s\t%s\t%.4f\n", d->words[i], ner_tag_name(d->tags[i]), d->conf[i]);
            else if (!rc)
                printf("%s\t%s\n", d->words[i], ner_tag_name(d->tags[i]));
            free(d->words[i]);
        }
        if (!rc && s < blank) putchar('\n');
    }
    d->n = d->nsent = 0;
    return rc;
}

static void doc_free(doc *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->words[i]);
    free(d->words), free(d->lens), free(d->tags), free(d->gaz), free(d->sent), free(d->conf);
}

/* tag_stream: every document of in to stdout; NI_OK or the first error. */
static int tag_stream(const ner_model *m, const ner_kb *kb, FILE *in)
{
    doc d = {0};
    char *line = NULL;
    size_t cap = 0;
    int rc = NI_OK;
    for (ssize_t len; !rc && (len = getline(&line, &cap, in)) >= 0;) {
        const char *w = line + strspn(line, " \t\r\n");
        size_t wl = strcspn(w, " \t\r\n");
        if (wl == sizeof DOCSTART - 1 && !memcmp(w, DOCSTART, wl)) {
            rc = flush(m, kb, &d);
            if (!rc) fputs(line, stdout);
        } else {
            rc = wl ? push(&d, w, wl) : end_sentence(&d, kb);
        }
    }
    if (!rc && ferror(in)) rc = NI_ERR_IO;
    if (!rc && d.n)
        rc = flush(m, kb, &d);
    else if (!rc)
        for (size_t s = 0; s < d.nsent; s++) putchar('\n');
    doc_free(&d);
    free(line);
    return rc;
}

int cmd_tag(int argc, char **argv)
{
    static const struct option longs[] = {{"conll", no_argument, 0, 'c'},
                                          {"model", required_argument, 0, 'm'},
                                          {"kb", required_argument, 0, 'k'},
                                          {"confidence", no_argument, 0, 'C'},
                                          {"conf-scale", required_argument, 0, 'T'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *model = NULL, *kbpath = NULL;
    int conll = 0;
    double scale = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "m:k:h", longs, NULL)) != -1;) {
        if (c == 'c')
            conll = 1;
        else if (c == 'C')
            want_conf = 1;
        else if (c == 'T')
            scale = atof(optarg);
        else if (c == 'm')
            model = optarg;
        else if (c == 'k')
            kbpath = optarg;
        else if (c == 'h')
            return usage(stdout), 0;
        else
            return usage(stderr), 2;
    }
    if (!conll || optind != argc) return usage(stderr), 2;
    char err[512];
    ner_model *m = ner_model_load(model ? model : cmd_data_path("NEWS_INGEST_NER_MODEL", MODEL_REL),
                                  err, sizeof err);
    ner_kb *kb = m ? ner_kb_load(kbpath ? kbpath : cmd_data_path("NEWS_INGEST_KB", CMD_KB_REL), err,
                                 sizeof err)
                   : NULL;
    if (!kb) {
        fprintf(stderr, PROG ": %s\n", err);
        ner_model_destroy(m);
        return 2;
    }
    if (scale > 0) ner_model_set_conf_scale(m, scale);
    int rc = tag_stream(m, kb, stdin);
    ner_kb_destroy(kb);
    ner_model_destroy(m);
    if (fflush(stdout) || ferror(stdout)) rc = NI_ERR_IO;
    if (rc) fprintf(stderr, PROG ": %s\n", rc == NI_ERR_IO ? "read/write failure" : "failed");
    return rc ? 1 : 0;
}
