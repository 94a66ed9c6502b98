/* fuzz_ner.c: libFuzzer target for entity annotation: arbitrary bytes -> ner_tokenize,
 * ner_kb_find and ner_annotate (title = first line, body = the rest) with the committed model and
 * KB; token, match and mention offsets must lie within their field. */
#include "entities/entities.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static const ner_resources *resources(void)
{
    static ner_resources *r;
    char err[512];
    if (!r && !(r = ner_resources_load(NI_FUZZ_NER_MODEL, NI_FUZZ_KB, err, sizeof err))) {
        fprintf(stderr, "fuzz_ner: %s\n", err);
        abort();
    }
    return r;
}

/* cps: code points of s[0..len) as the tokenizer counts them (an ill-formed sequence is one). */
static size_t cps(const char *s, size_t len)
{
    size_t n = 0;
    for (int32_t i = 0, m = (int32_t)len; i < m; n++) {
        UChar32 c;
        U8_NEXT(s, i, m, c);
        (void)c;
    }
    return n;
}

/* check_tokens: tokens and KB matches of s lie within it. */
static void check_tokens(const char *s, size_t len)
{
    ner_tokens toks = {0};
    ner_kb_match *m = NULL;
    size_t nm = 0, ncp = cps(s, len);
    if (ner_tokenize(s, len, &toks, NULL, 0)) return;
    for (size_t i = 0; i < toks.n; i++) {
        const ner_token *t = &toks.v[i];
        if (t->start >= t->end || t->end > ncp || t->surface < s ||
            t->surface + t->surface_len > s + len || t->text < t->surface ||
            t->text + t->len > t->surface + t->surface_len)
            abort();
    }
    if (!ner_kb_find(ner_resources_kb(resources()), &toks, &m, &nm, NULL, 0))
        for (size_t i = 0; i < nm; i++)
            if (m[i].first >= m[i].last || m[i].last > toks.n || m[i].end > ncp ||
                m[i].start >= m[i].end || m[i].text < s || m[i].text + m[i].len > s + len)
                abort();
    free(m);
    ner_tokens_free(&toks);
}

/* LLVMFuzzerInitialize: the committed files load once before the first input, so loading (slow
 * under ASan on a busy machine) never counts against one input's time limit. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    (void)resources();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t tl = nl ? (size_t)(nl - s) : size;
    const char *body = nl ? nl + 1 : s + size;
    size_t bl = size - (size_t)(body - s);
    check_tokens(s, size);
    ner_entities e;
    char err[256];
    int rc = ner_annotate(resources(), s, tl, body, bl, "ar", &e, err, sizeof err);
    if (rc && rc != NI_ERR_CHARSET) abort();
    size_t lim[2] = {cps(s, tl), cps(body, bl)};
    for (size_t i = 0; !rc && i < e.n; i++) {
        const ner_entity *x = &e.v[i];
        if (!x->id || !x->name || !x->nmentions || x->salience < 0 || x->salience > 1) abort();
        for (size_t k = 0; k < x->nmentions; k++) {
            const ner_mention *m = &x->mentions[k];
            if (m->start >= m->end || m->end > lim[m->field] || !m->text) abort();
        }
    }
    ner_entities_free(&e);
    return 0;
}
