/* entities.h: stage 4, normalized article -> annotated article: linked entities with mentions. */
#ifndef NI_ENTITIES_ENTITIES_H
#define NI_ENTITIES_ENTITIES_H

#include "entities/kb.h"
#include "entities/ner.h"

#include <stddef.h>

/*
 * ner_annotate runs, per field (title, body): the tokenizer, the knowledge-base matcher, the
 * statistical tagger (with the KB matches as hint features) and the rules (rules.h); merges model
 * spans, KB matches and rule matches; links every span to one entity (a KB id, or a deterministic
 * id from type + normalized name); links later partial mentions (a surname after the full name)
 * to the same person unless the context says otherwise; scores salience.
 */

/* The model and the knowledge base, loaded together, shared read-only by every pipeline thread
 * and reference-counted so that a reload (SIGHUP) can swap in a new pair while messages still use
 * the old one. */
typedef struct ner_resources ner_resources;

/* ner_resources_load: loads the model at model_path and the KB at kb_path (the TSV; the ICU
 * countries are always added). The caller holds the one reference. NULL with errstr naming the
 * file (and line) that is missing or malformed. */
ner_resources *ner_resources_load(const char *model_path, const char *kb_path, char *errstr,
                                  size_t errlen);
/* ner_resources_ref: one more reference (thread-safe); returns r. */
ner_resources *ner_resources_ref(ner_resources *r);
/* ner_resources_unref: gives a reference back (thread-safe); the last one frees. NULL: no-op. */
void ner_resources_unref(ner_resources *r);
const ner_model *ner_resources_model(const ner_resources *r);

/* Where the model and KB live, relative to the project (or install) root, and the variables that
 * name them. */
#define NER_MODEL_REL "models/ner-ar.model"
#define NER_MODEL_ENV "NEWS_INGEST_NER_MODEL"
#define NER_KB_REL "data/kb/entities.tsv"
#define NER_KB_ENV "NEWS_INGEST_KB"

/* ner_data_path: where to load a data file from when no option names it: $env when set and
 * non-empty, else <executable dir>/../rel when readable (built tree or install prefix), else rel
 * (the working directory). Returns env's value, buf (len bytes, filled) or rel; never NULL. */
const char *ner_data_path(const char *env, const char *rel, char *buf, size_t len);
const ner_kb *ner_resources_kb(const ner_resources *r);

typedef enum ner_field { NER_FIELD_TITLE, NER_FIELD_BODY } ner_field;
/* ner_field_name: "title" or "body". */
const char *ner_field_name(ner_field f);

typedef struct ner_mention {
    ner_field field;
    size_t start, end; /* Unicode code points into the field, [start, end), clitics excluded */
    char *text;        /* the span's text as written (owned, NUL-terminated) */
} ner_mention;

typedef struct ner_entity {
    char *id;              /* KB id ("SY", "kb:sdf"), else "<type lowercase>:<16 hex>" (owned) */
    const char *type;      /* "PER" "ORG" "LOC" "MISC" "DATE" "TIME" "MONEY" "PERCENT" "QUANTITY"
                              "URL" "HASHTAG" (static) */
    char *name;            /* canonical name in the article's language (owned) */
    char *name_ar;         /* NULL when unknown (owned) */
    char *name_en;         /* NULL when unknown (owned) */
    const char *source;    /* "kb", "model" or "rule" (static) */
    ner_mention *mentions; /* in text order, title first (owned) */
    size_t nmentions;
    double salience;   /* 0..1 (see ner_annotate) */
    double confidence; /* 0..1: the highest of its mentions' (tagger: the span's probability;
                          KB and rules: by what matched; see the README) */
    /* Value of a rule entity: a number (has_number) with a unit ("USD", "%", ...; "" when none),
     * and/or an ISO 8601 text (DATE "2019-03-23", TIME "14:30"; "" when none). */
    int has_number;
    double number;
    char unit[8];
    char iso[32];
    char *sentence; /* the sentence of the first mention (owned) */
} ner_entity;

typedef struct ner_entities {
    ner_entity *v; /* ordered by salience, highest first, then first mention */
    size_t n;
} ner_entities;

/* ner_annotate: the entities of title and body (UTF-8, NULL or empty allowed) into *out (caller
 * frees with ner_entities_free); lang is the article's BCP 47 language ("ar", "en", ...; NULL =
 * "ar") and picks `name`. Salience: see the implementation's comment (title mentions, first
 * paragraph, frequency). NI_OK, or NI_ERR_NOMEM / NI_ERR_CHARSET with errstr filled and *out
 * empty. */
int ner_annotate(const ner_resources *r, const char *title, size_t title_len, const char *body,
                 size_t body_len, const char *lang, ner_entities *out, char *errstr, size_t errlen);
/* ner_entities_free: NULL-safe; leaves *e empty. */
void ner_entities_free(ner_entities *e);

#endif
