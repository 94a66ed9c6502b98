/* annotate_spans.c: the candidate spans of one field: KB matches, model spans (tagged per
 * sentence with the KB matches as hints) and rule matches, merged. */
#include "annotate_internal.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* kb_span: the span of KB match m. */
static ann_span kb_span(const ann_field *f, const ner_kb_match *m)
{
    return (ann_span){.field = f->field,
                      .start = m->start,
                      .end = m->end,
                      .b0 = (size_t)(m->text - f->text),
                      .b1 = (size_t)(m->text - f->text) + m->len,
                      .t0 = m->first,
                      .t1 = m->last,
                      .type = ann_type_static(m->entry->type),
                      .src = ANN_KB,
                      .kb = m->entry,
                      .conf = ann_kb_conf(m),
                      .link = ANN_NO_LINK};
}

/* The work arrays of one field: per token its KB hints, tag and whether punctuation precedes
 * it; the words of the sentence being tagged (tokens and punctuation marks, as in ANERcorp). */
typedef struct field_work {
    const ner_kb *kb;
    unsigned *gaz;
    ner_tag *tags;
    unsigned char *brk;
    ner_kb_match *m;
    size_t nm;
    const char **words;
    size_t *lens;
    unsigned *wgaz;
    ner_tag *wtags;
    double *wconf; /* the model's span confidence of each word of the sentence */
    double *conf;  /* ... of each token of the field (0: O, or tagged by document consistency) */
    size_t *wtok;  /* token index of a word, SIZE_MAX for punctuation */
    size_t nw, capw;
} field_work;

static void field_work_free(field_work *w)
{
    free(w->gaz), free(w->tags), free(w->brk), free(w->m);
    free(w->words), free(w->lens), free(w->wgaz), free(w->wtags), free(w->wtok);
    free(w->wconf), free(w->conf);
}

#define MAX_PUNCT 4 /* punctuation marks of one gap passed to the tagger */

/* add_word: appends a word (tok = its token, SIZE_MAX for punctuation). */
static int add_word(field_work *w, const char *s, size_t len, unsigned gaz, size_t tok)
{
    if (w->nw == w->capw) {
        size_t cap = w->capw ? 2 * w->capw : 64;
        const char **words = realloc(w->words, cap * sizeof *words);
        if (words) w->words = words;
        size_t *lens = realloc(w->lens, cap * sizeof *lens);
        if (lens) w->lens = lens;
        unsigned *g = realloc(w->wgaz, cap * sizeof *g);
        if (g) w->wgaz = g;
        ner_tag *t = realloc(w->wtags, cap * sizeof *t);
        if (t) w->wtags = t;
        size_t *k = realloc(w->wtok, cap * sizeof *k);
        if (k) w->wtok = k;
        double *c = realloc(w->wconf, cap * sizeof *c);
        if (c) w->wconf = c;
        if (!words || !lens || !g || !t || !k || !c) return NI_ERR_NOMEM;
        w->capw = cap;
    }
    w->words[w->nw] = s, w->lens[w->nw] = len, w->wgaz[w->nw] = gaz, w->wtok[w->nw] = tok;
    w->nw++;
    return NI_OK;
}

/* add_punct: the punctuation marks of text[from, to) as words (up to MAX_PUNCT, stopping at a
 * newline); *seen set when there is any. */
static int add_punct(field_work *w, const char *text, size_t from, size_t to, int *seen)
{
    int32_t i = (int32_t)from, n = (int32_t)to, k = 0;
    while (i < n) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(text, i, n, c);
        if (c == '\n') break;
        if (c < 0 || u_isUWhiteSpace(c) || u_charType(c) == U_FORMAT_CHAR) continue;
        *seen = 1;
        if (k++ < MAX_PUNCT && add_word(w, text + at, (size_t)(i - at), 0, SIZE_MAX))
            return NI_ERR_NOMEM;
    }
    return NI_OK;
}

/* tag_sentence: the model's tags for tokens [s, e) with the punctuation between them. */
static int tag_sentence(const ner_resources *r, const ann_field *f, field_work *w, size_t s,
                        size_t e, char *errstr, size_t errlen)
{
    const ner_token *t = f->toks.v;
    int rc = NI_OK;
    w->nw = 0;
    for (size_t i = s; i < e && !rc; i++) {
        int seen = 0;
        if (i > s)
            rc = add_punct(w, f->text, (size_t)(t[i - 1].surface + t[i - 1].surface_len - f->text),
                           (size_t)(t[i].surface - f->text), &seen);
        w->brk[i] = (unsigned char)seen;
        if (!rc) rc = add_word(w, t[i].surface, t[i].surface_len, w->gaz[i], i);
    }
    int seen = 0;
    size_t tail = (size_t)(t[e - 1].surface + t[e - 1].surface_len - f->text);
    if (!rc)
        rc = add_punct(w, f->text, tail, e < f->toks.n ? (size_t)(t[e].surface - f->text) : f->len,
                       &seen);
    if (rc) return ni_err_set(errstr, errlen, rc, "entities: out of memory");
    rc = ner_model_tag_conf(r->model, w->words, w->lens, w->nw, w->wgaz, w->wtags, w->wconf, errstr,
                            errlen);
    for (size_t k = 0; !rc && k < w->nw; k++)
        if (w->wtok[k] != SIZE_MAX)
            w->tags[w->wtok[k]] = w->wtags[k], w->conf[w->wtok[k]] = w->wconf[k];
    return rc;
}

/* consistent: a name the model tagged in the field stands for the same words it left untagged
 * anywhere in the field (the article is the document: ner_tags_propagate with no window). */
static int consistent(const ann_field *f, field_work *w, char *errstr, size_t errlen)
{
    size_t n = f->toks.n;
    uint64_t *keys = malloc(2 * n * sizeof *keys);
    size_t *sentence = malloc(n * sizeof *sentence);
    int rc = keys && sentence ? NI_OK : NI_ERR_NOMEM;
    for (size_t i = 0, s = 0; !rc && i < n; i++) {
        const ner_token *t = &f->toks.v[i];
        s += i && t->sentence_start;
        keys[i] = ner_name_key(t->surface, t->surface_len, &keys[n + i]), sentence[i] = s;
    }
    if (!rc) rc = ner_tags_propagate(keys, keys + n, sentence, w->tags, n, 0);
    free(keys), free(sentence);
    return rc ? ni_err_set(errstr, errlen, rc, "entities: out of memory") : NI_OK;
}

/* tag_field: KB hints per token, then the model's tags sentence by sentence. */
static int tag_field(const ner_resources *r, const ann_field *f, field_work *w, char *errstr,
                     size_t errlen)
{
    size_t n = f->toks.n;
    w->kb = r->kb;
    w->gaz = calloc(n, sizeof *w->gaz);
    w->tags = calloc(n, sizeof *w->tags);
    w->brk = calloc(n, 1);
    w->conf = calloc(n, sizeof *w->conf);
    if (!w->gaz || !w->tags || !w->brk || !w->conf)
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "entities: out of memory");
    int rc = ner_kb_find(r->kb, &f->toks, &w->m, &w->nm, errstr, errlen);
    if (rc) return rc;
    for (size_t k = 0; k < w->nm; k++) {
        const char *ty = w->m[k].entry->type;
        unsigned bit = !strcmp(ty, "PER")   ? NER_GAZ_PER
                       : !strcmp(ty, "ORG") ? NER_GAZ_ORG
                       : !strcmp(ty, "LOC") ? NER_GAZ_LOC
                                            : NER_GAZ_MISC;
        for (size_t i = w->m[k].first; i < w->m[k].last; i++)
            w->gaz[i] |= bit | (i == w->m[k].first ? NER_GAZ_BEGIN : 0);
    }
    for (size_t s = 0; s < n && !rc;) {
        size_t e = s + 1;
        while (e < n && !f->toks.v[e].sentence_start) e++;
        rc = tag_sentence(r, f, w, s, e, errstr, errlen);
        s = e;
    }
    return rc ? rc : consistent(f, w, errstr, errlen);
}

/* model_type: the type of tag t (B-X or I-X). */
static const char *model_type(ner_tag t)
{
    static const char *const types[] = {"PER", "ORG", "LOC", "MISC"};
    return types[(t - 1) / 2];
}

/* Titles and verbs of saying the model sometimes takes into a person's name. */
static const char *const per_lead[] = {
    "رئيس", "سيد",  "سيده", "وزير", "متحدث", "ناطق", "قيادي", "قائد", "زعيم", "مسؤول", "قال",
    "قالت", "اضاف", "اكد",  "اكدت", "اوضح",  "نوه",  "اشار",  "صرح",  "ذكر",  "شدد",   "تابع",
};

/* all_generic: every token of [t0, t1) outside [k0, k1) is a generic word. */
static int all_generic(const ann_field *f, size_t t0, size_t t1, size_t k0, size_t k1)
{
    for (size_t i = t0; i < t1; i++)
        if ((i < k0 || i >= k1) && !ann_generic_word(f->toks.v[i].norm)) return 0;
    return 1;
}

/* trim_model: narrows a model span [*t0, *t1): a person's leading title or verb, a KB name of
 * another type at its start (a person's name does not begin with an organization); returns 0
 * when nothing is left. */
static int trim_model(const ann_field *f, const ann_spans *kb, size_t *t0, size_t *t1,
                      const char *type)
{
    int per = !strcmp(type, "PER");
    while (*t1 - *t0 > 1 && ann_common_word(f->toks.v[*t0].norm)) (*t0)++; /* محيط X */
    while (per && *t1 - *t0 > 1 &&
           ann_in_words(f->toks.v[*t0].norm, per_lead, sizeof per_lead / sizeof per_lead[0]))
        (*t0)++;
    for (size_t k = 0; k < kb->n; k++) {
        const ann_span *m = &kb->v[k];
        if (m->t0 <= *t0 && m->t1 > *t0 && m->t1 < *t1 && m->type != type) *t0 = m->t1;
        if (m->t0 > *t0 && m->t0 < *t1 && m->t1 >= *t1 && m->type != type && (m->t1 > *t1 || !per))
            *t1 = m->t0;
    }
    return *t1 > *t0;
}

/* Words before a one-word name that make it a place (prepositions and place nouns). */
static const char *const place_before[] = {"في", "الي", "من", "نحو", "قرب", "داخل", "عبر", "حول"};

/* name_word: token i can be a first name before a surname: no proclitic, letters, not a function,
 * generic or title word, not in the KB and not tagged. */
static int name_word(const ann_field *f, const field_work *w, size_t i)
{
    const ner_token *t = &f->toks.v[i];
    return !t->prefixes && !w->gaz[i] && w->tags[i] == NER_O && !ann_not_a_name(f, i, i + 1) &&
           !ann_in_words(t->norm, per_lead, sizeof per_lead / sizeof per_lead[0]);
}

/* person_over_place: the model calls a person what the KB knows as a one-word place, with no
 * place word before it (حقي كوباني, not مدينة كوباني): the KB match is dropped and the span
 * takes the word before it when that can be a first name. */
static int person_over_place(const ann_field *f, ann_spans *kb, size_t *t0, size_t t1,
                             const char *type, const field_work *w)
{
    if (strcmp(type, "PER") || t1 - *t0 != 1) return 0;
    ann_span *m = NULL;
    for (size_t k = 0; k < kb->n; k++)
        if (kb->v[k].t0 == *t0 && kb->v[k].t1 == t1) m = &kb->v[k];
    if (!m || strcmp(m->type, "LOC") || !*t0 || f->toks.v[*t0].sentence_start || w->brk[*t0])
        return 0;
    const char *prev = f->toks.v[*t0 - 1].norm;
    if (ann_in_words(prev, place_before, sizeof place_before / sizeof place_before[0]) ||
        ann_generic_word(prev))
        return 0;
    if (!name_word(f, w, *t0 - 1)) return 0;
    m->drop = 1;
    (*t0)--;
    return 1;
}

/* outlet_name: tokens [t0, t1) begin with an outlet word or follow one in the same phrase. */
static int outlet_name(const ann_field *f, const field_work *w, size_t t0, size_t t1)
{
    if (t1 - t0 > 1 && ann_outlet_word(f->toks.v[t0].norm)) return 1;
    return t0 && !f->toks.v[t0].sentence_start && !w->brk[t0] &&
           ann_outlet_word(f->toks.v[t0 - 1].norm);
}

/* month_span: tokens [t0, t1) are a month's name (نيسان، كانون الثاني), never an entity's. */
static int month_span(const ann_field *f, size_t t0, size_t t1)
{
    static const char *const ord[] = {"الاول", "الثاني"};
    const ner_token *t = &f->toks.v[t0];
    if (!ner_rules_month_word(t->surface, t->surface_len)) return 0;
    return t1 - t0 == 1 || (t1 - t0 == 2 && ann_in_words(f->toks.v[t0 + 1].norm, ord, 2));
}

/* merge_model: what model span [t0, t1) becomes against the KB matches: dropped (a KB match
 * says it better), kept, or a KB person name inside it takes its wider span. */
static void merge_model(const ann_field *f, const field_work *w, ann_spans *kb, size_t t0,
                        size_t t1, const char *type, ann_spans *out, int *rc)
{
    if (month_span(f, t0, t1)) return;
    if (outlet_name(f, w, t0, t1)) type = ann_type_static("ORG");
    if (!trim_model(f, kb, &t0, &t1, type)) return;
    if (t1 - t0 == 1 && strcmp(type, "MISC") && strcmp(type, "PER") &&
        ann_nationality(w->kb, f->toks.v[t0].norm))
        return; /* التركية alone: an adjective (MISC) or a surname (PER: البغدادي) */
    if (t1 - t0 == 1 && ann_derived_word(w->kb, f->toks.v[t0].norm)) return; /* داعشيات */
    if (t1 - t0 == 1 && ann_place_plural(f->toks.v[t0].norm)) return;        /* البلدتين */
    size_t inside = 0, cross = 0, same = 0, last = 0;
    for (size_t k = 0; k < kb->n; k++) {
        ann_span *m = &kb->v[k];
        if (m->t1 <= t0 || m->t0 >= t1) continue;
        if (m->t0 >= t0 && m->t1 <= t1 && (m->t0 > t0 || m->t1 < t1)) {
            inside++, last = k;
            same += m->type == type;
        } else {
            cross++; /* equal to, inside of, or crossing the model span: the KB wins */
        }
    }
    if (cross == 1 && !inside && person_over_place(f, kb, &t0, t1, type, w)) cross = 0;
    if (cross) return;
    if (!inside) {
        if (!ann_not_a_name(f, t0, t1)) {
            ann_span sp = ann_model_span(f, t0, t1, type);
            if (ann_spans_push(out, &sp)) *rc = NI_ERR_NOMEM;
        }
        return;
    }
    ann_span *m = &kb->v[last];
    if (inside == 1 && all_generic(f, t0, t1, m->t0, m->t1)) return; /* قوات قسد: the KB name */
    if (inside == 1 && same == 1 && !strcmp(type, "PER")) { /* the same person, more names */
        ann_span wide = ann_model_span(f, t0, t1, type);
        m->t0 = wide.t0, m->t1 = wide.t1, m->start = wide.start, m->end = wide.end;
        m->b0 = wide.b0, m->b1 = wide.b1;
        return;
    }
    if (same && !strcmp(type, "PER")) return; /* several people: trust the KB's split */
    ann_span sp = ann_model_span(f, t0, t1, type);
    if (ann_spans_push(out, &sp)) *rc = NI_ERR_NOMEM;
    if (strcmp(type, "PER")) return;   /* an ORG holding a place: both stay (nested) */
    for (size_t k = 0; k < kb->n; k++) /* a person named after a place: حقي كوباني */
        if (kb->v[k].t0 >= t0 && kb->v[k].t1 <= t1) kb->v[k].drop = 1;
}

/* model_spans: the tagged chunks (never across punctuation) merged with the KB spans into out. */
static int model_spans(const ann_field *f, const field_work *w, ann_spans *kb, ann_spans *out)
{
    int rc = NI_OK;
    for (size_t i = 0; i < f->toks.n && !rc;) {
        ner_tag t = w->tags[i];
        if (t == NER_O || t >= NER_NTAGS) {
            i++;
            continue;
        }
        ner_tag in = t % 2 ? t + 1 : t; /* I-X of the chunk's type */
        size_t e = i + 1;
        while (e < f->toks.n && w->tags[e] == in && !w->brk[e] && !f->toks.v[e].sentence_start) e++;
        merge_model(f, w, kb, i, e, model_type(t), out, &rc);
        i = e;
    }
    return rc;
}

/* overlaps: code point spans a and b share a character. */
static int overlaps(const ann_span *a, const ann_span *b)
{
    return a->start < b->end && b->start < a->end;
}

/* rule_spans: the rule matches of the field as spans; a KB match overlapping one wins unless the
 * rule's span holds it and is longer; model spans overlapping one are dropped. */
static int rule_spans(const ann_field *f, ann_spans *kb, ann_spans *model, ann_spans *rules,
                      char *errstr, size_t errlen)
{
    ner_rule_match *rm = NULL;
    size_t n = 0;
    int rc = ner_rules_find(f->text, f->len, &rm, &n, errstr, errlen);
    for (size_t i = 0; !rc && i < n; i++) {
        ann_span sp = {.field = f->field,
                       .start = rm[i].start,
                       .end = rm[i].end,
                       .b0 = rm[i].byte_start,
                       .b1 = rm[i].byte_end,
                       .type = ann_type_static(ner_rule_type_name(rm[i].type)),
                       .src = ANN_RULE,
                       .rule = rm[i],
                       .conf = ANN_CONF_RULE,
                       .link = ANN_NO_LINK};
        for (size_t k = 0; k < kb->n && !sp.drop; k++) {
            ann_span *m = &kb->v[k];
            if (!m->drop && overlaps(m, &sp)) {
                if (sp.start <= m->start && sp.end >= m->end &&
                    sp.end - sp.start > m->end - m->start)
                    m->drop = 1;
                else
                    sp.drop = 1;
            }
        }
        for (size_t k = 0; k < model->n && !sp.drop; k++)
            if (overlaps(&model->v[k], &sp)) model->v[k].drop = 1;
        if (!sp.drop) rc = ann_spans_push(rules, &sp);
    }
    free(rm);
    return rc;
}

/* unbracket: a model span with a quotation mark or bracket inside keeps the words after the last
 * one (تنظيم "داعش" -> داعش): a name never spans one. */
static void unbracket(const ann_field *f, ann_span *sp)
{
    const char *t = f->text;
    if (sp->src != ANN_MODEL || !ner_text_has_bracket(t + sp->b0, sp->b1 - sp->b0)) return;
    size_t k = sp->t1 - 1;
    while (k > sp->t0) {
        const ner_token *a = &f->toks.v[k - 1], *b = &f->toks.v[k];
        const char *gap = a->surface + a->surface_len;
        if (b->surface > gap && ner_text_has_bracket(gap, (size_t)(b->surface - gap))) break;
        k--;
    }
    ann_span w = ann_model_span(f, k, sp->t1, sp->type);
    sp->t0 = w.t0, sp->start = w.start, sp->b0 = w.b0;
    if (ner_text_has_bracket(t + sp->b0, sp->b1 - sp->b0)) sp->drop = 1; /* inside a word */
}

static int cmp_span(const void *a, const void *b)
{
    const ann_span *x = a, *y = b;
    if (x->field != y->field) return x->field < y->field ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;
    return 0;
}

int ann_field_spans(const ner_resources *r, ann_field *f, ann_spans *out, char *errstr,
                    size_t errlen)
{
    field_work w = {0};
    ann_spans kb = {0}, model = {0}, rules = {0};
    size_t n0 = out->n;
    int rc = ner_tokenize(f->text, f->len, &f->toks, errstr, errlen);
    if (!rc && f->toks.n) rc = tag_field(r, f, &w, errstr, errlen);
    f->conf = w.conf;
    for (size_t k = 0; !rc && k < w.nm; k++) {
        ann_span sp = kb_span(f, &w.m[k]);
        rc = ann_spans_push(&kb, &sp);
    }
    if (!rc) rc = model_spans(f, &w, &kb, &model);
    if (!rc) rc = ann_trigger_spans(f, r->kb, w.tags, w.brk, &kb, &model);
    if (!rc && f->len) rc = rule_spans(f, &kb, &model, &rules, errstr, errlen);
    for (size_t k = 0; !rc && k < kb.n; k++)
        if (!kb.v[k].drop) rc = ann_spans_push(out, &kb.v[k]);
    for (size_t k = 0; !rc && k < model.n; k++) {
        unbracket(f, &model.v[k]);
        if (!model.v[k].drop) rc = ann_spans_push(out, &model.v[k]);
    }
    for (size_t k = 0; !rc && k < rules.n; k++) rc = ann_spans_push(out, &rules.v[k]);
    if (rc == NI_ERR_NOMEM) ni_err_set(errstr, errlen, rc, "entities: out of memory");
    if (!rc && out->n > n0) qsort(out->v + n0, out->n - n0, sizeof *out->v, cmp_span);
    f->conf = NULL;
    field_work_free(&w);
    free(kb.v);
    free(model.v);
    free(rules.v);
    return rc;
}
