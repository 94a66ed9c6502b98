/* fuzz_tagger.c: libFuzzer target for the entity tagger: arbitrary bytes split into words (ASCII
 * whitespace) tagged by the committed model, with and without gazetteer hints, and as a document
 * of sentences (a newline ends one) with its names spread (BIO must hold); a leading 0x01 byte
 * instead feeds the rest to the model file parser. */
#include "entities/ner.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORDS 4096

static const ner_model *model(void)
{
    static ner_model *m;
    char err[512];
    if (!m && !(m = ner_model_load(NI_FUZZ_NER_MODEL, err, sizeof err))) {
        fprintf(stderr, "fuzz_tagger: %s\n", err);
        abort();
    }
    return m;
}

/* parse_model: the bytes as a model file; loading must succeed or fail cleanly with a message. */
static void parse_model(const uint8_t *data, size_t size)
{
    char path[64], err[512] = "";
    snprintf(path, sizeof path, "/tmp/fuzz_tagger.%d.model", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, size, f);
    fclose(f);
    ner_model *m = ner_model_load(path, err, sizeof err);
    if (!m && !strstr(err, path)) abort(); /* the error names the file */
    ner_model_destroy(m);
    remove(path);
}

static void check_bio(const ner_tag *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)t[i] >= NER_NTAGS) abort();
        if (t[i] != NER_O && t[i] % 2 == 0 && (!i || (t[i - 1] != t[i] && t[i - 1] != t[i] - 1)))
            abort();
    }
}

/* LLVMFuzzerInitialize: the committed files load once before the first input, so loading (slow
 * under ASan on a busy machine) never counts against one input's time limit. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    (void)model();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size && data[0] == 1) {
        parse_model(data + 1, size - 1);
        return 0;
    }
    static const char *words[MAX_WORDS];
    static size_t lens[MAX_WORDS];
    static unsigned gaz[MAX_WORDS];
    static ner_tag tags[MAX_WORDS];
    static size_t sent[MAX_WORDS + 1];
    size_t n = 0, ns = 0;
    for (size_t i = 0; i < size && n < MAX_WORDS;) {
        while (i < size && strchr(" \t\n\r", data[i]) && data[i])
            if (data[i++] == '\n' && n > sent[ns]) sent[++ns] = n;
        size_t s = i;
        while (i < size && !(strchr(" \t\n\r", data[i]) && data[i])) i++;
        if (i > s) {
            words[n] = (const char *)data + s, lens[n] = i - s;
            gaz[n++] = data[s] & 0x1f;
        }
    }
    if (ner_model_tag(model(), words, lens, n, NULL, tags, NULL, 0) != NI_OK) abort();
    check_bio(tags, n);
    if (ner_model_tag(model(), words, lens, n, gaz, tags, NULL, 0) != NI_OK) abort();
    check_bio(tags, n);
    if (n > sent[ns]) sent[++ns] = n;
    if (ner_model_tag_doc(model(), words, lens, sent, ns, gaz, size % 7, tags, NULL, 0) != NI_OK)
        abort();
    check_bio(tags, n);
    return 0;
}
