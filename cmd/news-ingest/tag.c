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

static void usage(FILE *f)
{
    fprintf(f, "usage: news-ingest tag --conll [--model PATH] [--kb PATH] < TOKENS > TAGGED\n"
               "\n"
               "Tags CoNLL tokens with the named-entity model: reads one token per line (the\n"
               "first whitespace-separated column; other columns are ignored), a blank line\n"
               "between sentences, and writes \"token<TAB>tag\" per token in the same order with\n"
               "the blank lines kept. Tags are BIO over PER, ORG, LOC, MISC. The words' matches\n"
               "in the knowledge base are given to the model as hints, as in the worker.\n"
               "\n"
               "options:\n"
               "  --conll           the input and output format (required)\n"
               "  -m, --model PATH  model file (default: $NEWS_INGEST_NER_MODEL, else\n"
               "                    <executable dir>/../" MODEL_REL ", else ./" MODEL_REL ")\n"
               "  -k, --kb PATH     knowledge base (default: $NEWS_INGEST_KB, else <executable\n"
               "                    dir>/../" CMD_KB_REL ", else ./" CMD_KB_REL ")\n"
               "  -h, --help        this text\n"
               "\n"
               "exit status: 0 ok, 1 read/write failure, 2 usage error or missing/malformed "
               "model or knowledge base.\n");
}

/* A sentence being read: tokens (owned copies). */
typedef struct sentence {
    char **words;
    size_t *lens;
    ner_tag *tags;
    unsigned *gaz;
    size_t n, cap;
} sentence;

static int push(sentence *s, const char *w, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **words = realloc(s->words, cap * sizeof *words);
        if (words) s->words = words;
        size_t *lens = realloc(s->lens, cap * sizeof *lens);
        if (lens) s->lens = lens;
        ner_tag *tags = realloc(s->tags, cap * sizeof *tags);
        if (tags) s->tags = tags;
        unsigned *gaz = realloc(s->gaz, cap * sizeof *gaz);
        if (gaz) s->gaz = gaz;
        if (!words || !lens || !tags || !gaz) return NI_ERR_NOMEM;
        s->cap = cap;
    }
    if (!(s->words[s->n] = strndup(w, len))) return NI_ERR_NOMEM;
    s->lens[s->n++] = len;
    return NI_OK;
}

/* flush: tags and prints the sentence, then empties it. */
static int flush(const ner_model *m, const ner_kb *kb, sentence *s)
{
    char err[256];
    const char *const *w = (const char *const *)s->words;
    int rc = ner_words_gaz(kb, w, s->lens, s->n, s->gaz, err, sizeof err);
    if (!rc) rc = ner_model_tag(m, w, s->lens, s->n, s->gaz, s->tags, err, sizeof err);
    if (rc) fprintf(stderr, PROG ": %s\n", err);
    for (size_t i = 0; i < s->n; i++) {
        if (!rc) printf("%s\t%s\n", s->words[i], ner_tag_name(s->tags[i]));
        free(s->words[i]);
    }
    s->n = 0;
    return rc;
}

/* tag_stream: every sentence of in to stdout; NI_OK or the first error. */
static int tag_stream(const ner_model *m, const ner_kb *kb, FILE *in)
{
    sentence s = {0};
    char *line = NULL;
    size_t cap = 0;
    int rc = NI_OK;
    for (ssize_t len; !rc && (len = getline(&line, &cap, in)) >= 0;) {
        const char *w = line + strspn(line, " \t\r\n");
        size_t wl = strcspn(w, " \t\r\n");
        if (wl) {
            rc = push(&s, w, wl);
        } else {
            rc = flush(m, kb, &s);
            putchar('\n');
        }
    }
    if (!rc && ferror(in)) rc = NI_ERR_IO;
    if (!rc) rc = flush(m, kb, &s);
    for (size_t i = 0; i < s.n; i++) free(s.words[i]);
    free(s.words), free(s.lens), free(s.tags), free(s.gaz), free(line);
    return rc;
}

int cmd_tag(int argc, char **argv)
{
    static const struct option longs[] = {{"conll", no_argument, 0, 'c'},
                                          {"model", required_argument, 0, 'm'},
                                          {"kb", required_argument, 0, 'k'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    const char *model = NULL, *kbpath = NULL;
    int conll = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "m:k:h", longs, NULL)) != -1;) {
        if (c == 'c')
            conll = 1;
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
    int rc = tag_stream(m, kb, stdin);
    ner_kb_destroy(kb);
    ner_model_destroy(m);
    if (fflush(stdout) || ferror(stdout)) rc = NI_ERR_IO;
    if (rc) fprintf(stderr, PROG ": %s\n", rc == NI_ERR_IO ? "read/write failure" : "failed");
    return rc ? 1 : 0;
}
