/* record.c: stage 4, builds the news.article/1 record (cJSON tree) from a normalized article. */
#include "record/record.h"

#include "extract/datetime.h"
#include "normalize/normalize.h"
#include "util/err.h"
#include "util/quality.h"
#include "util/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LANGUAGE_SAMPLE 4096 /* bytes of title + body the language guess looks at */

/* The facts computed before the tree is built; freed by facts_free. */
typedef struct facts {
    sbuf text;       /* title + "\n" + body */
    size_t body_off; /* body starts at text.data + body_off */
    char *canonical; /* canonical URL, NULL when no URL is known */
    char *domain;    /* host of the canonical URL (or the URL), NULL when none */
    char *search;    /* normalize_search_text(title + "\n" + body) */
    char published[40];
    const char *published_source; /* NULL when published is unknown */
    unsigned quality;
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
    const char *cands[2] = {
        is_absolute(in->article->canonical_url) ? in->article->canonical_url : NULL, url};
    for (int i = 0; i < 2 && !f->canonical; i++) {
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

/* text: title + "\n" + body (blocks joined by a blank line) in one buffer. */
static int text(const article *a, facts *f)
{
    size_t need = (a->title ? strlen(a->title) : 0) + 1;
    for (size_t i = 0; i < a->nblocks; i++) need += strlen(a->blocks[i].text) + 2;
    if (sbuf_reserve(&f->text, need)) return NI_ERR_NOMEM;
    if (a->title) sbuf_append_str(&f->text, a->title);
    sbuf_append_char(&f->text, '\n');
    f->body_off = f->text.len;
    for (size_t i = 0; i < a->nblocks; i++) {
        if (i) sbuf_append(&f->text, "\n\n", 2);
        sbuf_append_str(&f->text, a->blocks[i].text);
    }
    return NI_OK;
}

static int facts_fill(const record_input *in, facts *f, char *errstr, size_t errlen)
{
    if (text(in->article, f)) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    int rc = urls(in, f, errstr, errlen);
    if (rc) return rc;
    rc = normalize_search_text(f->text.data, f->text.len, &f->search, errstr, errlen);
    if (rc) return rc;
    published(in, f);
    f->quality |= in->article->quality | (in->page ? in->page->quality : 0);
    return NI_OK;
}

/* Tree helpers: each returns 0 when out of memory (the item is then freed). */
static int put(cJSON *obj, const char *key, cJSON *item)
{
    if (!item) return 0;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return 0;
    }
    return 1;
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *string_array(char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) return cJSON_Delete(s), cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *images(const article *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < a->ncaptions; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) || !put(o, "caption", str_or_null(a->captions[i])))
            return cJSON_Delete(o), cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *related(const article *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < a->nrelated; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) return cJSON_Delete(o), cJSON_Delete(arr), NULL;
        if (!put(o, "title", str_or_null(a->related[i].title)) ||
            !put(o, "url", str_or_null(a->related[i].url)))
            return cJSON_Delete(arr), NULL;
    }
    return arr;
}

static cJSON *source(const record_input *in, const facts *f)
{
    cJSON *o = cJSON_CreateObject();
    if (o && put(o, "domain", str_or_null(f->domain)) &&
        put(o, "name", str_or_null(in->article->site_name)))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *stats(const article *a, const facts *f)
{
    const char *body = f->text.data + f->body_off;
    size_t words = record_word_count(body, f->text.len - f->body_off);
    cJSON *o = cJSON_CreateObject();
    if (o &&
        put(o, "views",
            a->views >= 0 ? cJSON_CreateNumber((double)a->views) : cJSON_CreateNull()) &&
        put(o, "words", cJSON_CreateNumber((double)words)) &&
        put(o, "paragraphs", cJSON_CreateNumber((double)a->nblocks)))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *fingerprint(const facts *f)
{
    const char *body = f->text.data + f->body_off;
    size_t len = f->text.len - f->body_off;
    char sha[65], sim[17];
    record_sha256_hex(body, len, sha);
    snprintf(sim, sizeof sim, "%016llx", record_simhash(body, len));
    cJSON *o = cJSON_CreateObject();
    if (o && put(o, "sha256", cJSON_CreateString(sha)) &&
        put(o, "simhash", cJSON_CreateString(sim)))
        return o;
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

/* tree: the record object in schema field order; NULL when out of memory. */
static cJSON *tree(const record_input *in, const facts *f)
{
    const article *a = in->article;
    /* A few KB of title + body settle the dominant script and stopwords. */
    size_t sample = f->text.len < LANGUAGE_SAMPLE ? f->text.len : LANGUAGE_SAMPLE;
    const char *lang =
        a->language && *a->language ? a->language : normalize_language_guess(f->text.data, sample);
    const char *dir = a->direction && *a->direction ? a->direction : normalize_direction(lang);
    char id[33];
    record_id(f->canonical, a->title, f->text.data + f->body_off, id);
    cJSON *r = cJSON_CreateObject();
    int ok = r && put(r, "schema", cJSON_CreateString(RECORD_SCHEMA)) &&
             put(r, "id", cJSON_CreateString(id)) && put(r, "url", str_or_null(record_url(in))) &&
             put(r, "canonical_url", str_or_null(f->canonical)) &&
             put(r, "source", source(in, f)) && put(r, "title", str_or_null(a->title)) &&
             put(r, "author", str_or_null(a->author)) &&
             put(r, "published_at", str_or_null(f->published_source ? f->published : NULL)) &&
             put(r, "published_at_source", str_or_null(f->published_source)) &&
             put(r, "language", cJSON_CreateString(lang)) &&
             put(r, "direction", cJSON_CreateString(dir)) &&
             put(r, "body", cJSON_CreateString(f->text.data + f->body_off)) &&
             put(r, "images", images(a)) && put(r, "related", related(a)) &&
             put(r, "keywords", string_array(a->keywords, a->nkeywords)) &&
             put(r, "stats", stats(a, f)) && put(r, "search_text", cJSON_CreateString(f->search)) &&
             put(r, "fingerprint", fingerprint(f)) && put(r, "quality", quality(f->quality)) &&
             put(r, "entities", cJSON_CreateArray());
    if (ok) return r;
    cJSON_Delete(r);
    return NULL;
}

int record_build(const record_input *in, cJSON **out, char *errstr, size_t errlen)
{
    *out = NULL;
    facts f = {.text = SBUF_INIT};
    int rc = facts_fill(in, &f, errstr, errlen);
    if (rc == NI_OK) {
        *out = tree(in, &f);
        if (!*out)
            rc = ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory building the record");
    }
    facts_free(&f);
    return rc;
}
