/* annotate_link.c: document coreference (a surname after the full name) and entity ids. */
#include "annotate_internal.h"
#include "normalize/normalize.h"
#include "util/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Words (normalized, article removed) before a mention that make it a place. */
static const char *const place_words[] = {
    "مدينه", "بلده",  "قريه", "محافظه", "منطقه", "ريف",   "ناحيه", "مخيم", "حي",   "ولايه",
    "اقليم", "بلدات", "قري",  "مدن",    "عاصمه", "مناطق", "قضاء",  "شمال", "جنوب", "شرق",
    "غرب",   "شرقي",  "غربي", "شمالي",  "جنوبي", "وسط",   "اطراف", "محيط", "مدخل", "سجن",
};
/* Words before a mention that make a place of a KB place name (prepositions of place). */
static const char *const place_preps[] = {"في",  "الي", "من",  "نحو",    "قرب", "داخل",
                                          "عبر", "حول", "بين", "بمدينه", "وفي", "باتجاه"};
/* Words before a mention that make it a person: titles and verbs of saying. */
static const char *const person_words[] = {
    "رئيس",  "سيد",  "سيده",  "وزير", "وزيره", "متحدث", "ناطق",  "قيادي", "قائد",  "زعيم",
    "مسؤول", "شيخ",  "جنرال", "عميد", "لواء",  "عقيد",  "نائب",  "سفير",  "مبعوث", "مستشار",
    "دكتور", "امين", "مدير",  "قال",  "قالت",  "اضاف",  "اضافت", "اكد",   "اكدت",  "اوضح",
    "نوه",   "اشار", "صرح",   "ذكر",  "شدد",   "دعا",   "اعتبر", "يقول",  "راي",   "تابع",
};

static int is_per(const char *type)
{
    return !strcmp(type, "PER");
}

static int in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; w && i < n; i++)
        if (!strcmp(w, list[i])) return 1;
    return 0;
}
#define IN(w, list) in_list(w, list, sizeof list / sizeof list[0])

/* ntok: the span's word count (0 for a rule span). */
static size_t ntok(const ann_span *s)
{
    return s->t1 - s->t0;
}

/* part_of: the words of s are the last (or, for a person mention or a model span of another
 * type, the first) words of the longer name full: a model's ORG "إلهام" after "إلهام أحمد" is
 * the person. */
static int part_of(const ann_field *fields, const ann_span *s, const ann_span *full)
{
    size_t k = ntok(s), n = ntok(full);
    if (!k || k >= n) return 0;
    const ner_tokens *ts = &fields[s->field].toks, *tf = &fields[full->field].toks;
    int suffix = 1, prefix = is_per(s->type) || (s->src == ANN_MODEL && !s->kb);
    for (size_t i = 0; i < k; i++) {
        const char *w = ts->v[s->t0 + i].norm;
        suffix &= !strcmp(w, tf->v[full->t1 - k + i].norm);
        prefix &= !strcmp(w, tf->v[full->t0 + i].norm);
    }
    return suffix || prefix;
}

#define COREF_SCAN 256 /* full names looked at on each side of a mention, at most */

/* full_name_for: the full person name (an index of sp among full[0..nf), which are in text
 * order) s is part of: the nearest one before it, else the first after it; ANN_NO_LINK when
 * none. */
static size_t full_name_for(const ann_field *fields, const ann_spans *sp, const size_t *full,
                            size_t nf, size_t i)
{
    size_t lo = 0, hi = nf; /* first full name at or after i */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (full[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo, seen = 0; k-- > 0 && seen < COREF_SCAN; seen++)
        if (part_of(fields, &sp->v[i], &sp->v[full[k]])) return full[k];
    for (size_t k = lo, seen = 0; k < nf && seen < COREF_SCAN; k++, seen++)
        if (full[k] != i && part_of(fields, &sp->v[i], &sp->v[full[k]])) return full[k];
    return ANN_NO_LINK;
}

/* link_one: links span i to the full name j when the context allows it. */
static void link_one(const ann_field *fields, ann_spans *sp, size_t i, size_t j)
{
    ann_span *s = &sp->v[i];
    const ann_span *full = &sp->v[j];
    if (s->kb && s->kb == full->kb) return;
    const ner_token *tok = &fields[s->field].toks.v[s->t0];
    const char *prev = s->t0 ? fields[s->field].toks.v[s->t0 - 1].norm : NULL;
    if (IN(prev, place_words)) {
        if (is_per(s->type) && !s->kb) s->type = "LOC";
        return;
    }
    int person =
        is_per(s->type) || IN(prev, person_words) ||
        (ntok(s) == 1 && !(tok->prefixes & (NER_CLITIC_BI | NER_CLITIC_LI | NER_CLITIC_KA)) &&
         !IN(prev, place_preps));
    if (!person) return;
    s->link = j;
    s->type = full->type;
    s->kb = full->kb;
    s->src = full->src;
}

int ann_corefer(const ann_field *fields, ann_spans *sp)
{
    size_t *full = malloc((sp->n + 1) * sizeof *full), nf = 0;
    if (!full) return NI_ERR_NOMEM;
    for (size_t j = 0; j < sp->n; j++) /* spans are in text order, title first */
        if (!sp->v[j].drop && sp->v[j].src != ANN_RULE && is_per(sp->v[j].type) &&
            ntok(&sp->v[j]) >= 2)
            full[nf++] = j;
    for (size_t i = 0; nf && i < sp->n; i++) {
        if (sp->v[i].drop || sp->v[i].src == ANN_RULE) continue;
        size_t j = full_name_for(fields, sp, full, nf, i);
        if (j != ANN_NO_LINK) link_one(fields, sp, i, j);
    }
    free(full);
    return NI_OK;
}

char *ann_span_norm(const ann_field *f, const ann_span *sp)
{
    size_t len = 1;
    for (size_t i = sp->t0; i < sp->t1; i++) len += strlen(f->toks.v[i].norm) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    for (size_t i = sp->t0; i < sp->t1; i++) {
        size_t l = strlen(f->toks.v[i].norm);
        if (i > sp->t0) *p++ = ' ';
        memcpy(p, f->toks.v[i].norm, l);
        p += l;
    }
    *p = '\0';
    return s;
}

/* hashed_id: "<type lowercase>:<16 hex of XXH3-64 of key>". */
static char *hashed_id(const char *type, const char *key)
{
    char buf[32];
    size_t k = 0;
    for (; type[k] && k < 12; k++) buf[k] = (char)tolower((unsigned char)type[k]);
    snprintf(buf + k, sizeof buf - k, ":%016llx",
             (unsigned long long)XXH3_64bits(key, strlen(key)));
    return strdup(buf);
}

/* rule_key: the text a rule entity's id hashes: its value, else its normalized text. */
static char *rule_key(const ann_field *f, const ann_span *s)
{
    const ner_rule_match *r = &s->rule;
    char buf[96];
    if (r->iso[0]) return strdup(r->iso);
    if (r->has_number) {
        snprintf(buf, sizeof buf, "%.17g %s", r->number, r->unit);
        return strdup(buf);
    }
    char *out = NULL;
    if (normalize_search_text(f->text + s->b0, s->b1 - s->b0, &out, NULL, 0)) return NULL;
    return out;
}

/* span_id: the id of s (following coreference links, at most n steps). */
static char *span_id(const ann_field *fields, const ann_spans *sp, size_t i)
{
    for (size_t steps = 0; sp->v[i].link != ANN_NO_LINK && steps < sp->n; steps++)
        i = sp->v[i].link;
    const ann_span *s = &sp->v[i];
    if (s->kb) return strdup(s->kb->id);
    char *key =
        s->src == ANN_RULE ? rule_key(&fields[s->field], s) : ann_span_norm(&fields[s->field], s);
    char *id = key ? hashed_id(s->type, key) : NULL;
    free(key);
    return id;
}

int ann_assign_ids(const ann_field *fields, ann_spans *sp, char *errstr, size_t errlen)
{
    for (size_t i = 0; i < sp->n; i++) {
        if (sp->v[i].drop) continue;
        if (!(sp->v[i].id = span_id(fields, sp, i)))
            return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "entities: out of memory");
    }
    return NI_OK;
}
