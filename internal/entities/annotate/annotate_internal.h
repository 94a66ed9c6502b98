/* annotate_internal.h: what the files of ner_annotate share (not public): the candidate spans of
 * a field (KB, model, rule), their merge, coreference and ids. The files depend one way:
 * annotate_span.c (one span, the list) <- annotate_trig.c (word lists, names from the words
 * around them) <- annotate_spans.c (a field's spans) <- annotate.c (also using annotate_link.c
 * and resources.c). */
#ifndef NI_ENTITIES_ANNOTATE_INTERNAL_H
#define NI_ENTITIES_ANNOTATE_INTERNAL_H

#include "entities/entities.h"
#include "entities/rules.h"

#include <stddef.h>
#include <string.h>

/* ann_in_words: w is one of list[0..n). */
static inline int ann_in_words(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, list[i])) return 1;
    return 0;
}

struct ner_resources {
    _Atomic long refs;
    ner_model *model;
    ner_kb *kb;
};

typedef enum ann_source { ANN_KB, ANN_MODEL, ANN_RULE } ann_source;

/* One field being annotated: its text and tokens. */
typedef struct ann_field {
    ner_field field;
    const char *text;
    size_t len;
    ner_tokens toks;
    size_t para_end;    /* code point where the first paragraph ends (the body before "\n\n") */
    const double *conf; /* while its spans are found: the model's confidence of each token */
} ann_field;

#define ANN_NO_LINK ((size_t)-1)

/* One mention candidate. */
typedef struct ann_span {
    ner_field field;
    size_t start, end; /* code points in the field, [start, end) */
    size_t b0, b1;     /* bytes in the field, [b0, b1) */
    size_t t0, t1;     /* tokens [t0, t1) of the field (t0 == t1: a rule span) */
    const char *type;  /* static type name */
    ann_source src;
    const ner_kb_entry *kb; /* the KB entry, or NULL */
    ner_rule_match rule;    /* src == ANN_RULE: the rule's value */
    size_t link;            /* coreference: index of the span it refers to, or ANN_NO_LINK */
    int drop;
    double conf; /* 0..1: model spans the tagger's span probability, KB and rules by what matched */
    char *id;    /* set by ann_assign_ids (owned) */
} ann_span;

/* Confidences of the spans that are not the tagger's (see the README's Entities section): rule
 * matches and names found from the words around them (a place word, a title) are set, not
 * measured (ANERcorp has neither); KB matches are measured. */
#define ANN_CONF_RULE 0.9
#define ANN_CONF_TRIGGER 0.75
/* KB matches: the share of the KB's matches in ANERcorp train.txt that overlap a gold name of
 * their type (news-ingest-eval ner; no training involved). */
#define ANN_CONF_KB_WORDS 0.81 /* a name of two or more words (same extent too: 0.62) */
#define ANN_CONF_KB_WORD 0.90  /* one word of four letters or more */
#define ANN_CONF_KB_SHORT 0.92 /* one word of up to three letters (قسد) */

/* ann_kb_conf: the confidence of KB match m (a longer, unambiguous name is surer than a short
 * alias). */
double ann_kb_conf(const ner_kb_match *m);

typedef struct ann_spans {
    ann_span *v;
    size_t n, cap;
} ann_spans;

/* ann_type_static: the static name for a type string ("PER" ...), "MISC" when unknown. */
const char *ann_type_static(const char *type);

/* ann_field_spans: tokenizes f (into f->toks), finds KB matches, model spans and rule matches,
 * merges them (rules over overlapping model spans; KB over model spans unless the model's span is
 * clearly the same name, wider, or a person whose name holds a place) and appends the survivors
 * to out in text order. NI_OK or NI_ERR_NOMEM / NI_ERR_CHARSET with errstr filled. */
int ann_field_spans(const ner_resources *r, ann_field *f, ann_spans *out, char *errstr,
                    size_t errlen);

/* ann_model_span: a model span over tokens [t0, t1) of f (a written article ال kept). */
ann_span ann_model_span(const ann_field *f, size_t t0, size_t t1, const char *type);
/* ann_spans_push: appends a copy of sp; NI_OK or NI_ERR_NOMEM (s unchanged). */
int ann_spans_push(ann_spans *s, const ann_span *sp);
/* ann_not_a_name: tokens [t0, t1) are clearly not a name: no letter at all, or one word that is
 * a function, generic or common word, a single letter, an adverb or a noun with a pronoun. */
int ann_not_a_name(const ann_field *f, size_t t0, size_t t1);
/* ann_generic_word: a normalized word is one a name of an organization or place may be written
 * with around a KB name without being another name (قوات، تنظيم، ريف، شمال). */
int ann_generic_word(const char *norm);
/* ann_common_word: a normalized word (no article) is a common noun or adjective of news text
 * that is never a name by itself (نيران، محيط، كبيرة). */
int ann_common_word(const char *norm);
/* ann_nationality: a normalized word (no article) is the adjective or people of a place the KB
 * knows (تركية، العراقي، السوريين: تركيا، العراق، سوريا). */
int ann_nationality(const ner_kb *kb, const char *norm);
/* ann_derived_word: a normalized word (no article) is a one-word name the KB knows (not a place)
 * with an adjective, people or plural ending (داعشي، داعشيات، داعشن: داعش). */
int ann_derived_word(const ner_kb *kb, const char *norm);
/* ann_place_word: a normalized word is a place word before a name, singular (قريه، بلده) or,
 * with many set, plural or dual (قري، بلدات، بلدتي). */
int ann_place_word(const char *norm, int many);
/* ann_place_plural: a normalized word is a plural or dual of a place word (بلدات، البلدتين،
 * القريتين، مخيمين): a common noun, never a name by itself. */
int ann_place_plural(const char *norm);
/* ann_outlet_word: a normalized word names an outlet before its name (وكاله، صحيفه، قناه ...). */
int ann_outlet_word(const char *norm);

/* ann_trigger_spans: after the model spans of f are merged with its KB spans (kb; both kept
 * or dropped by their drop flags), completes person spans of the model (عبد/أبو/بن and the
 * word after; a word another person span of the field has) and adds to model the names the
 * words around them give: places after a place word (قرية X، بلدتي X وY), before "في ريف Y"
 * (X is a place when Y is), persons after a title (السيد X Y، مدير ORG X Y). tags and brk are
 * the model's tag and "punctuation before" of each token. NI_OK or NI_ERR_NOMEM. */
int ann_trigger_spans(const ann_field *f, const ner_kb *kb, const ner_tag *tags,
                      const unsigned char *brk, ann_spans *kb_spans, ann_spans *model);

/* ann_corefer: links later partial person mentions (a surname after the full name) to the full
 * name across both fields, unless the previous word says the mention is a place. The spans are
 * in text order, title first. NI_OK or NI_ERR_NOMEM. */
int ann_corefer(const ann_field *fields, ann_spans *s);

/* ann_assign_ids: every kept span's id (KB id, the linked span's id, or type + XXH3 of the
 * normalized name / rule value). NI_OK or NI_ERR_NOMEM. */
int ann_assign_ids(const ann_field *fields, ann_spans *s, char *errstr, size_t errlen);

/* ann_span_norm: the normalized name of a token span (token norms joined by spaces); owned. NULL
 * when out of memory. */
char *ann_span_norm(const ann_field *f, const ann_span *sp);

/* ann_spans_free: frees ids and the array; NULL-safe. */
void ann_spans_free(ann_spans *s);

#endif
