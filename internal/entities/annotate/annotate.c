/* annotate.c: ner_annotate: the linked entities of an article's title and body, with mentions,
 * first-mention sentence and salience. */
#include "annotate_internal.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

#define SENTENCE_MAX 400 /* bytes of a first-mention sentence at most */

/* first_invalid: the byte offset of the first ill-formed UTF-8 sequence in s[0..len), or len. */
static size_t first_invalid(const char *s, size_t len)
{
    int32_t i = 0, n = (int32_t)len; /* len <= INT32_MAX / 2 */
    while (i < n) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) return (size_t)at;
    }
    return len;
}

/* cp_count: code points in s[0..len). */
static size_t cp_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ends_at: a sentence ends with the character that ends at byte e (exclusive) of s. */
static int ends_at(const char *s, size_t e)
{
    unsigned char c = (unsigned char)s[e - 1];
    if (c == '.' || c == '!' || c == '?' || c == '\n') return 1;
    return e >= 2 && (unsigned char)s[e - 2] == 0xD8 && c == 0x9F; /* ؟ */
}

/* sentence_at: the sentence around bytes [b0, b1) of s[0..len), trimmed, at most SENTENCE_MAX
 * bytes cut at spaces (or at a character boundary); owned, NULL when out of memory. */
static char *sentence_at(const char *s, size_t len, size_t b0, size_t b1)
{
    size_t a = b0, e = b1;
    while (a > 0 && !ends_at(s, a)) a--;
    while (e < len && !ends_at(s, e)) e++;
    if (e < len && s[e] != '\n') e++; /* keep the full stop */
    if (e > len) e = len;
    while (a < e && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t')) a++;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\n' || s[e - 1] == '\t')) e--;
    if (e - a > SENTENCE_MAX) {
        if (b0 > a + SENTENCE_MAX / 3) { /* start a little before the mention */
            size_t from = b0 - SENTENCE_MAX / 3;
            while (from < b0 && s[from] != ' ') from++;
            a = from < b0 ? from + 1 : b0;
        }
        if (e - a > SENTENCE_MAX) {
            size_t cut = a + SENTENCE_MAX;
            while (cut > b1 && s[cut] != ' ') cut--;
            if (s[cut] != ' ') cut = a + SENTENCE_MAX;
            while (cut > a && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
            e = cut;
        }
    }
    return strndup(s + a, e - a);
}

/* is_named: PER, ORG, LOC or MISC (not a rule type). */
static int is_named(const char *type)
{
    return !strcmp(type, "PER") || !strcmp(type, "ORG") || !strcmp(type, "LOC") ||
           !strcmp(type, "MISC");
}

/* cmp_by_id: spans by id, then text order. */
static int cmp_by_id(const void *a, const void *b)
{
    const ann_span *x = *(const ann_span *const *)a, *y = *(const ann_span *const *)b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    if (x->field != y->field) return x->field < y->field ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* kb_name: the KB entry's name in the article's language (Arabic unless lang is another). */
static const char *kb_name(const ner_kb_entry *e, const char *lang)
{
    int ar = !lang || !strncmp(lang, "ar", 2);
    const char *first = ar ? e->name_ar : e->name_en, *second = ar ? e->name_en : e->name_ar;
    return first ? first : second ? second : e->id;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* entity_fill: entity e from the group g[0..n) of spans sharing one id; NI_ERR_NOMEM. */
static int entity_fill(const ann_field *f, const ann_span *const *g, size_t n, const char *lang,
                       ner_entity *e)
{
    const ann_span *head = g[0];
    for (size_t i = 0; i < n; i++)
        if (g[i]->kb && !head->kb) head = g[i];
    e->id = strdup(head->id);
    e->type = head->kb ? ann_type_static(head->kb->type) : head->type;
    e->source = head->kb ? "kb" : head->src == ANN_RULE ? "rule" : "model";
    e->mentions = calloc(n, sizeof *e->mentions);
    if (!e->id || !e->mentions) return NI_ERR_NOMEM;
    size_t longest = 0;
    for (size_t i = 0; i < n; i++) {
        const ann_span *s = g[i];
        ner_mention *m = &e->mentions[e->nmentions];
        *m = (ner_mention){.field = s->field, .start = s->start, .end = s->end};
        if (!(m->text = strndup(f[s->field].text + s->b0, s->b1 - s->b0))) return NI_ERR_NOMEM;
        e->nmentions++;
        if (s->conf > e->confidence) e->confidence = s->conf;
        if (s->b1 - s->b0 > g[longest]->b1 - g[longest]->b0) longest = i;
        if (s->src == ANN_RULE && !e->has_number && !e->iso[0]) {
            e->has_number = s->rule.has_number;
            e->number = s->rule.number;
            memcpy(e->unit, s->rule.unit, sizeof e->unit);
            memcpy(e->iso, s->rule.iso, sizeof e->iso);
        }
    }
    if (head->kb) {
        e->name = strdup(kb_name(head->kb, lang));
        e->name_ar = dup_or_null(head->kb->name_ar);
        e->name_en = dup_or_null(head->kb->name_en);
        if (!e->name || (head->kb->name_ar && !e->name_ar) || (head->kb->name_en && !e->name_en))
            return NI_ERR_NOMEM;
    } else {
        size_t k = head->src == ANN_RULE ? 0 : longest;
        if (!(e->name = strdup(e->mentions[k].text))) return NI_ERR_NOMEM;
    }
    const ann_span *s = g[0];
    e->sentence = sentence_at(f[s->field].text, f[s->field].len, s->b0, s->b1);
    return e->sentence ? NI_OK : NI_ERR_NOMEM;
}

/*
 * Salience, deterministic, in 0..1:
 *   0.4 when the entity is mentioned in the title,
 * + 0.2 when it is mentioned in the first paragraph of the body (up to the first blank line),
 * + 0.4 * count / the highest count among the article's PER/ORG/LOC/MISC entities;
 * halved for rule entities (dates, amounts, URLs ...), which rank below the named ones.
 */
static void score(ner_entities *out, const ann_field *f)
{
    size_t maxc = 1;
    for (size_t i = 0; i < out->n; i++)
        if (is_named(out->v[i].type) && out->v[i].nmentions > maxc) maxc = out->v[i].nmentions;
    for (size_t i = 0; i < out->n; i++) {
        ner_entity *e = &out->v[i];
        int title = 0, first = 0;
        for (size_t k = 0; k < e->nmentions; k++) {
            title |= e->mentions[k].field == NER_FIELD_TITLE;
            first |= e->mentions[k].field == NER_FIELD_BODY &&
                     e->mentions[k].start < f[NER_FIELD_BODY].para_end;
        }
        double c = (double)e->nmentions / (double)maxc;
        double s = 0.4 * title + 0.2 * first + 0.4 * (c > 1 ? 1 : c);
        e->salience = is_named(e->type) ? s : s / 2;
    }
}

static int cmp_entity(const void *a, const void *b)
{
    const ner_entity *x = a, *y = b;
    if (x->salience != y->salience) return x->salience > y->salience ? -1 : 1;
    const ner_mention *p = &x->mentions[0], *q = &y->mentions[0];
    if (p->field != q->field) return p->field < q->field ? -1 : 1;
    if (p->start != q->start) return p->start < q->start ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* build: one entity per distinct id of the kept spans, scored and ordered. */
static int build(const ann_field *f, const ann_spans *sp, const char *lang, ner_entities *out)
{
    const ann_span **v = malloc((sp->n + 1) * sizeof *v);
    size_t n = 0;
    if (!v) return NI_ERR_NOMEM;
    for (size_t i = 0; i < sp->n; i++)
        if (!sp->v[i].drop) v[n++] = &sp->v[i];
    qsort(v, n, sizeof *v, cmp_by_id);
    out->v = calloc(n + 1, sizeof *out->v);
    int rc = out->v ? NI_OK : NI_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i + 1;
        while (j < n && !strcmp(v[j]->id, v[i]->id)) j++;
        rc = entity_fill(f, v + i, j - i, lang, &out->v[out->n++]);
        i = j;
    }
    free(v);
    if (rc) return rc;
    score(out, f);
    qsort(out->v, out->n, sizeof *out->v, cmp_entity);
    return NI_OK;
}

/* field_init: field f over text[0..len) (NULL = empty); the body's first paragraph end. */
static void field_init(ann_field *f, ner_field which, const char *text, size_t len)
{
    *f = (ann_field){.field = which, .text = text ? text : "", .len = text ? len : 0};
    size_t end = 0;
    while (end + 1 < f->len && !(f->text[end] == '\n' && f->text[end + 1] == '\n')) end++;
    f->para_end = cp_count(f->text, end + 1 < f->len ? end : f->len);
}

int ner_annotate(const ner_resources *r, const char *title, size_t title_len, const char *body,
                 size_t body_len, const char *lang, ner_entities *out, char *errstr, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!r) return ni_err_set(errstr, errlen, NI_ERR_INVALID, "entities: no model and KB");
    ann_field f[2];
    field_init(&f[NER_FIELD_TITLE], NER_FIELD_TITLE, title, title_len);
    field_init(&f[NER_FIELD_BODY], NER_FIELD_BODY, body, body_len);
    for (int k = 0; k < 2; k++) {
        if (f[k].len > INT32_MAX / 2)
            return ni_err_set(errstr, errlen, NI_ERR_INVALID, "entities: %s is too long",
                              ner_field_name(f[k].field));
        size_t bad = first_invalid(f[k].text, f[k].len);
        if (bad < f[k].len)
            return ni_err_set(errstr, errlen, NI_ERR_CHARSET,
                              "entities: %s is not valid UTF-8 (byte %zu)",
                              ner_field_name(f[k].field), bad);
    }
    ann_spans sp = {0};
    int rc = NI_OK;
    for (int k = 0; k < 2 && !rc; k++) rc = ann_field_spans(r, &f[k], &sp, errstr, errlen);
    if (!rc && (rc = ann_corefer(f, &sp)))
        ni_err_set(errstr, errlen, rc, "entities: out of memory");
    if (!rc) rc = ann_assign_ids(f, &sp, errstr, errlen);
    if (!rc && (rc = build(f, &sp, lang, out)))
        ni_err_set(errstr, errlen, rc, "entities: out of memory");
    ann_spans_free(&sp);
    ner_tokens_free(&f[0].toks);
    ner_tokens_free(&f[1].toks);
    if (rc) ner_entities_free(out);
    return rc;
}

void ner_entities_free(ner_entities *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n; i++) {
        ner_entity *x = &e->v[i];
        for (size_t k = 0; k < x->nmentions; k++) free(x->mentions[k].text);
        free(x->mentions);
        free(x->id), free(x->name), free(x->name_ar), free(x->name_en), free(x->sentence);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}
