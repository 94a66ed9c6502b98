/* record.c: stage 4, builds the news.article/1 record (cJSON tree) from a normalized article. */
#include "record/record.h"
#include "record_internal.h"

#include "extract/datetime.h"
#include "normalize/normalize.h"
#include "util/err.h"
#include "util/quality.h"
#include "util/sbuf.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The facts computed before the tree is built; freed by facts_free. */
typedef struct facts {
    sbuf text;       /* title + "\n" + body */
    size_t body_off; /* body starts at text.data + body_off */
    char *canonical; /* canonical URL, NULL when no URL is known */
    char *domain;    /* host of the canonical URL (or the URL), NULL when none */
    char *search;    /* normalize_search_text(title + "\n" + body) */
    size_t search_len;
    char published[40];
    const char *published_source; /* NULL when published is unknown */
    unsigned quality;
    const char *language, *direction; /* static or the article's */
    char id[33], sha256[65], simhash[17];
    size_t words; /* of the body */
} facts;

static void facts_free(facts *f)
{
    sbuf_free(&f->text);
    free(f->canonical);
    free(f->domain);
    free(f->search);
}

static int is_absolute(const char *u)
{
    return u && (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8));
}

/* record_url: the URL field: the input's hint, else the page's own, else NULL. */
static const char *record_url(const record_input *in)
{
    if (in->url && *in->url) return in->url;
    return in->article->url && *in->article->url ? in->article->url : NULL;
}

/* urls: canonical URL and domain; an unusable URL just leaves them NULL. */
static int urls(const record_input *in, facts *f, char *errstr, size_t errlen)
{
    const char *url = record_url(in);
    const char *cands[3] = {is_absolute(in->article->canonical_url) ? in->article->canonical_url
                                                                    : NULL,
                            is_absolute(in->final_url) ? in->final_url : NULL, url};
    for (int i = 0; i < 3 && !f->canonical; i++) {
        if (!cands[i]) continue;
        int rc = normalize_url_canonical(cands[i], &f->canonical, errstr, errlen);
        if (rc && rc != NI_ERR_INVALID) return rc;
    }
    const char *host_of = f->canonical ? f->canonical : url;
    if (!host_of) return NI_OK;
    int rc = normalize_url_host(host_of, &f->domain, errstr, errlen);
    return rc == NI_ERR_INVALID ? NI_OK : rc;
}

/* published: the publication time and where it came from; a time-only dateline takes the
 * calendar date of the fetch time (flagged date_from_fetch). */
static void published(const record_input *in, facts *f)
{
    const article *a = in->article;
    article_datetime dt = a->published;
    const char *source = a->published_origin == ARTICLE_TIME_METADATA ? "metadata" : "page";
    if (!dt.year && dt.hour < 0 && in->date_hint &&
        !extract_datetime_parse_iso(in->date_hint, strlen(in->date_hint), &dt))
        source = "http_last_modified";
    if (!dt.year && dt.hour >= 0 && in->fetched_at) {
        article_datetime fetched = ARTICLE_DATETIME_NONE;
        if (extract_datetime_parse_iso(in->fetched_at, strlen(in->fetched_at), &fetched) ||
            !fetched.year)
            return;
        dt.year = fetched.year;
        dt.month = fetched.month;
        dt.day = fetched.day;
        source = "page_time+fetched_date";
        f->quality |= QUALITY_DATE_FROM_FETCH;
    }
    if (extract_datetime_format(&dt, f->published, sizeof f->published) == NI_OK)
        f->published_source = source;
}

int record_body_append(const article *a, sbuf *b)
{
    size_t need = 0;
    for (size_t i = 0; i < a->nblocks; i++) need += strlen(a->blocks[i].text) + 2;
    if (sbuf_reserve(b, need)) return NI_ERR_NOMEM;
    for (size_t i = 0; i < a->nblocks; i++) {
        if (i) sbuf_append(b, "\n\n", 2);
        sbuf_append_str(b, a->blocks[i].text);
    }
    return NI_OK;
}

/* text: title + "\n" + body in one buffer. */
static int text(const article *a, facts *f)
{
    if (sbuf_reserve(&f->text, (a->title ? strlen(a->title) : 0) + 1)) return NI_ERR_NOMEM;
    if (a->title) sbuf_append_str(&f->text, a->title);
    sbuf_append_char(&f->text, '\n');
    f->body_off = f->text.len;
    return record_body_append(a, &f->text);
}

/* hashes: language (unless guessed with the search text), direction, id, fingerprints and the
 * body's word count. */
static void hashes(const article *a, facts *f)
{
    if (a->language && *a->language) f->language = a->language;
    f->direction = a->direction && *a->direction ? a->direction : normalize_direction(f->language);
    const char *body = f->text.data + f->body_off;
    size_t len = f->text.len - f->body_off;
    unsigned long long sim;
    record_id(f->canonical, a->title, body, f->id);
    record_sha256_hex(body, len, f->sha256);
    record_text_scan(body, len, &f->words, &sim);
    snprintf(f->simhash, sizeof f->simhash, "%016llx", sim);
}

static int facts_fill(const record_input *in, facts *f, char *errstr, size_t errlen)
{
    if (text(in->article, f)) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    int rc = urls(in, f, errstr, errlen);
    if (rc) return rc;
    /* A few KB of title + body settle the dominant script and stopwords: the guess reads them
     * while the search text is folded. */
    const char *lang = in->article->language;
    rc = normalize_search_text_guess(f->text.data, f->text.len, &f->search, &f->search_len,
                                     RECORD_LANGUAGE_SAMPLE, lang && *lang ? NULL : &f->language,
                                     errstr, errlen);
    if (rc) return rc;
    published(in, f);
    f->quality |= in->article->quality | (in->page ? in->page->quality : 0);
    hashes(in->article, f);
    return NI_OK;
}

typedef record_builder builder;

/* 16 bytes tested at once (GCC/Clang vector extension; plain SSE2/NEON code on x86-64/arm64). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* any_special: some byte of x needs a JSON escape (controls, '"', '\\'). */
static inline int any_special(bytes16 x)
{
    bytes16 m = (bytes16)((x < 0x20) | (x == '"') | (x == '\\'));
    uint64_t lo, hi;
    memcpy(&lo, &m, 8);
    memcpy(&hi, (const char *)&m + 8, 8);
    return (lo | hi) != 0;
}

/* escape_byte: the escape of one special byte c at o, as cJSON writes it; returns its length. */
static size_t escape_byte(unsigned char c, char *o)
{
    static const char short_esc[] = {['"'] = '"',  ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
                                     ['\n'] = 'n', ['\r'] = 'r',  ['\t'] = 't'};
    static const char hex[] = "0123456789abcdef";
    o[0] = '\\';
    if (c < sizeof short_esc && short_esc[c]) {
        o[1] = short_esc[c];
        return 2;
    }
    memcpy(o + 1, "u00", 3);
    o[4] = hex[c >> 4];
    o[5] = hex[c & 15];
    return 6;
}

/* first_special: index of the first byte of s[0..k) JSON must escape, k when none. */
static size_t first_special(const char *s, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        unsigned char c = (unsigned char)s[j];
        if (c < 0x20 || c == '"' || c == '\\') return j;
    }
    return k;
}

size_t record_json_string(const char *s, size_t len, char *out)
{
    char *o = out;
    size_t i = 0;
    *o++ = '"';
    while (i < len) { /* 16 bytes at a time: copied whole, kept up to the first special byte */
        bytes16 x = {0};
        size_t k = len - i < 16 ? len - i : 16;
        if (k == 16)
            memcpy(&x, s + i, 16);
        else
            memcpy(&x, s + i, k); /* the tail: zero padding looks special, scanned up to k */
        memcpy(o, &x, 16);        /* out has room (RECORD_JSON_STRING_MAX) */
        size_t at = any_special(x) ? first_special(s + i, k) : k;
        o += at, i += at;
        if (at < k) o += escape_byte((unsigned char)s[i++], o);
    }
    *o++ = '"';
    *o = '\0';
    return (size_t)(o - out);
}

/* Tree helpers: each returns 0 when out of memory (the item is then freed). Keys are string
 * literals or quality names (static), so they are never copied. */
static int put(cJSON *obj, const char *key, cJSON *item)
{
    if (!item) return 0;
    if (!cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        return 0;
    }
    return 1;
}

static cJSON *str(builder *b, const char *s)
{
    return record_builder_str(b, s);
}

/* long_str: s[0..len) as a string item; when printing (ref), escaped here into a raw item (the
 * same bytes cJSON would print, found faster for long text). */
static cJSON *long_str(builder *b, const char *s, size_t len)
{
    if (!b->ref || len > (SIZE_MAX - 18) / 6) return str(b, s);
    sbuf_reset(&b->scratch);
    if (sbuf_reserve(&b->scratch, RECORD_JSON_STRING_MAX(len))) return NULL;
    size_t n = record_json_string(s, len, b->scratch.data);
    b->bytes += n;
    return cJSON_CreateRaw(b->scratch.data);
}

static cJSON *str_or_null(builder *b, const char *s)
{
    return s ? str(b, s) : cJSON_CreateNull();
}

static cJSON *string_array(builder *b, char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *s = str(b, v[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) return cJSON_Delete(s), cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *images(builder *b, const article *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < a->ncaptions; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) ||
            !put(o, "caption", str_or_null(b, a->captions[i])))
            return cJSON_Delete(o), cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *related(builder *b, const article *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < a->nrelated; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) return cJSON_Delete(o), cJSON_Delete(arr), NULL;
        if (!put(o, "title", str_or_null(b, a->related[i].title)) ||
            !put(o, "url", str_or_null(b, a->related[i].url)))
            return cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *source(builder *b, const record_input *in, const facts *f)
{
    cJSON *o = cJSON_CreateObject();
    if (o && put(o, "domain", str_or_null(b, f->domain)) &&
        put(o, "name", str_or_null(b, in->article->site_name)))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *stats(const article *a, const facts *f)
{
    cJSON *o = cJSON_CreateObject();
    if (o &&
        put(o, "views",
            a->views >= 0 ? cJSON_CreateNumber((double)a->views) : cJSON_CreateNull()) &&
        put(o, "words", cJSON_CreateNumber((double)f->words)) &&
        put(o, "paragraphs", cJSON_CreateNumber((double)a->nblocks)))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *fingerprint(builder *b, const facts *f)
{
    cJSON *o = cJSON_CreateObject();
    if (o && put(o, "sha256", str(b, f->sha256)) && put(o, "simhash", str(b, f->simhash))) return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *quality(unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; o && i < QUALITY_COUNT; i++)
        if (!put(o, quality_name(i), cJSON_CreateBool((flags >> i) & 1u)))
            return cJSON_Delete(o), NULL;
    return o;
}

/* ingest: the worker's transport facts; NULL when out of memory. */
static cJSON *ingest(builder *b, const record_ingest *g)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    int ok = put(o, "topic", str(b, g->topic)) &&
             put(o, "partition", cJSON_CreateNumber(g->partition)) &&
             put(o, "offset", cJSON_CreateNumber((double)g->offset)) &&
             put(o, "received_at", str(b, g->received_at)) &&
             put(o, "processed_at", str(b, g->processed_at)) &&
             put(o, "version", str(b, g->version)) &&
             (!g->worker || put(o, "worker", str(b, g->worker)));
    if (ok) return o;
    cJSON_Delete(o);
    return NULL;
}

/* tree: the record object in schema field order; NULL when out of memory. */
static cJSON *tree(builder *b, const record_input *in, const facts *f)
{
    const article *a = in->article;
    cJSON *r = cJSON_CreateObject();
    int ok = r && put(r, "schema", str(b, RECORD_SCHEMA)) && put(r, "id", str(b, f->id)) &&
             put(r, "url", str_or_null(b, record_url(in))) &&
             put(r, "canonical_url", str_or_null(b, f->canonical)) &&
             put(r, "source", source(b, in, f)) && put(r, "title", str_or_null(b, a->title)) &&
             put(r, "author", str_or_null(b, a->author)) &&
             put(r, "published_at", str_or_null(b, f->published_source ? f->published : NULL)) &&
             put(r, "published_at_source", str_or_null(b, f->published_source)) &&
             put(r, "language", str(b, f->language)) && put(r, "direction", str(b, f->direction)) &&
             put(r, "body", long_str(b, f->text.data + f->body_off, f->text.len - f->body_off)) &&
             put(r, "images", images(b, a)) && put(r, "related", related(b, a)) &&
             put(r, "keywords", string_array(b, a->keywords, a->nkeywords)) &&
             put(r, "stats", stats(a, f)) &&
             put(r, "search_text", long_str(b, f->search, f->search_len)) &&
             put(r, "fingerprint", fingerprint(b, f)) && put(r, "quality", quality(f->quality)) &&
             put(r, "entities", record_entities_tree(b, in->entities)) &&
             (!in->ingest || put(r, "ingest", ingest(b, in->ingest)));
    if (ok) return r;
    cJSON_Delete(r);
    return NULL;
}

/* print: the tree as one line into a buffer sized from the string bytes (cJSON's growing buffer
 * as the fallback when escapes need more); NULL when out of memory. */
static char *print(const cJSON *r, const builder *b, size_t *len)
{
    size_t cap = 2 * b->bytes + 4096;
    char *buf = cap < INT_MAX ? malloc(cap) : NULL;
    if (buf && cJSON_PrintPreallocated((cJSON *)r, buf, (int)cap, 0)) {
        *len = strlen(buf);
        char *fit = realloc(buf, *len + 1);
        return fit ? fit : buf;
    }
    free(buf);
    buf = cJSON_PrintUnformatted(r);
    if (buf) *len = strlen(buf);
    return buf;
}

int record_json(const record_input *in, char **out, size_t *len, char id[33], char *errstr,
                size_t errlen)
{
    *out = NULL;
    *len = 0;
    facts f = {.text = SBUF_INIT};
    builder b = {.ref = 1, .scratch = SBUF_INIT};
    int rc = facts_fill(in, &f, errstr, errlen);
    if (rc == NI_OK) {
        cJSON *r = tree(&b, in, &f);
        sbuf_free(&b.scratch);
        *out = r ? print(r, &b, len) : NULL;
        cJSON_Delete(r);
        if (!*out)
            rc = ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory printing the record");
        else
            memcpy(id, f.id, sizeof f.id);
    }
    facts_free(&f);
    return rc;
}

int record_build(const record_input *in, cJSON **out, char *errstr, size_t errlen)
{
    *out = NULL;
    facts f = {.text = SBUF_INIT};
    int rc = facts_fill(in, &f, errstr, errlen);
    if (rc == NI_OK) {
        builder b = {.ref = 0, .scratch = SBUF_INIT};
        *out = tree(&b, in, &f);
        if (!*out)
            rc = ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory building the record");
    }
    facts_free(&f);
    return rc;
}

int record_events(const record_input *in, const char *id, record_event **out, size_t *n,
                  char *errstr, size_t errlen)
{
    *out = NULL;
    *n = 0;
    const ner_entities *e = in->entities;
    if (!e || !e->n) return NI_OK;
    record_event *v = calloc(e->n, sizeof *v);
    if (!v) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory building events");
    facts f = {.text = SBUF_INIT};
    published(in, &f);
    const char *when = f.published_source ? f.published : NULL;
    for (size_t i = 0; i < e->n; i++) {
        v[i].key = strdup(e->v[i].id);
        v[i].json = record_event_json(&e->v[i], id, record_url(in), in->article->title, when);
        if (!v[i].key || !v[i].json) {
            record_events_free(v, e->n);
            return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory building events");
        }
        v[i].len = strlen(v[i].json);
        v[i].confidence = e->v[i].confidence;
    }
    *out = v;
    *n = e->n;
    return NI_OK;
}
