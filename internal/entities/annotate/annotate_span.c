/* annotate_span.c: one candidate span and the span list: type names, a model span over tokens
 * (a written article kept), KB match confidence, appending and freeing. */
#include "annotate_internal.h"
#include "tokens_internal.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

const char *ann_type_static(const char *type)
{
    static const char *const names[] = {"PER",   "ORG",     "LOC",      "MISC", "DATE",   "TIME",
                                        "MONEY", "PERCENT", "QUANTITY", "URL",  "HASHTAG"};
    for (size_t i = 0; type && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(type, names[i])) return names[i];
    return "MISC";
}

/* tok_begin: the start (code point and byte) of token i as a name: after its proclitics, but
 * with a written article ال kept (والباغوز -> الباغوز). */
static void tok_begin(const ann_field *f, size_t i, size_t *cp, size_t *byte)
{
    const ner_token *t = &f->toks.v[i];
    *cp = t->start;
    *byte = (size_t)(t->text - f->text);
    if (!(t->prefixes & NER_CLITIC_AL)) return;
    ner_letters L;
    unsigned pre;
    ner_letters_scan(t->surface, t->surface_len, &L);
    int k = ner_clitic_split(&L, &pre);
    if (k < 2 || L.c[k - 1] != 0x0644 || (L.c[k - 2] != 0x0627 && L.c[k - 2] != 0x0671)) return;
    *cp = t->start - (L.cp[k] - L.cp[k - 2]);
    *byte = (size_t)(t->surface - f->text) + L.at[k - 2];
}

int ann_spans_push(ann_spans *s, const ann_span *sp)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 32;
        ann_span *v = realloc(s->v, cap * sizeof *v);
        if (!v) return NI_ERR_NOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *sp;
    return NI_OK;
}

double ann_kb_conf(const ner_kb_match *m)
{
    if (m->last - m->first > 1) return ANN_CONF_KB_WORDS;
    return m->end - m->start > 3 ? ANN_CONF_KB_WORD : ANN_CONF_KB_SHORT;
}

ann_span ann_model_span(const ann_field *f, size_t t0, size_t t1, const char *type)
{
    ann_span sp = {
        .field = f->field, .t0 = t0, .t1 = t1, .type = type, .src = ANN_MODEL, .link = ANN_NO_LINK};
    const ner_token *last = &f->toks.v[t1 - 1];
    for (size_t i = t0; f->conf && i < t1; i++)
        if (f->conf[i] > sp.conf) sp.conf = f->conf[i];
    tok_begin(f, t0, &sp.start, &sp.b0);
    sp.end = last->end;
    sp.b1 = (size_t)(last->text - f->text) + last->len;
    return sp;
}

void ann_spans_free(ann_spans *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free(s->v[i].id);
    free(s->v);
    memset(s, 0, sizeof *s);
}
