/* article.c: ownership of the article structure (create, destroy, field setters, appenders). */
#include "extract/article.h"

#include "util/err.h"
#include "util/sbuf.h"

#include <stdlib.h>
#include <string.h>

article *article_create(void)
{
    article *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->published = (article_datetime)ARTICLE_DATETIME_NONE;
    a->views = ARTICLE_VIEWS_NONE;
    return a;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void article_destroy(article *a)
{
    if (!a) return;
    free(a->title);
    free(a->author);
    free(a->site_name);
    free(a->url);
    free(a->canonical_url);
    free(a->language);
    free(a->direction);
    free(a->description);
    for (size_t i = 0; i < a->nblocks; i++) free(a->blocks[i].text);
    free(a->blocks);
    free_strings(a->captions, a->ncaptions);
    for (size_t i = 0; i < a->nrelated; i++) {
        free(a->related[i].title);
        free(a->related[i].url);
    }
    free(a->related);
    free_strings(a->keywords, a->nkeywords);
    free(a);
}

int article_field_set(char **field, const char *s, size_t len)
{
    char *copy = NULL;
    if (s) {
        copy = util_strndup(s, len == (size_t)-1 ? strlen(s) : len);
        if (!copy) return NI_ERR_NOMEM;
    }
    free(*field);
    *field = copy;
    return NI_OK;
}

/* grow: makes room for one more element of size sz in *v (capacity *cap). */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap) return NI_OK;
    size_t c = *cap ? *cap * 2 : 8;
    void *p = realloc(*v, c * sz);
    if (!p) return NI_ERR_NOMEM;
    *v = p;
    *cap = c;
    return NI_OK;
}

int article_block_add(article *a, article_block_kind kind, const char *text, size_t len)
{
    if (grow((void **)&a->blocks, &a->cap_blocks, a->nblocks, sizeof *a->blocks))
        return NI_ERR_NOMEM;
    char *t = util_strndup(text, len == (size_t)-1 ? strlen(text) : len);
    if (!t) return NI_ERR_NOMEM;
    a->blocks[a->nblocks++] = (article_block){t, kind};
    return NI_OK;
}

static int string_add(char ***v, size_t *n, size_t *cap, const char *text, size_t len)
{
    if (grow((void **)v, cap, *n, sizeof **v)) return NI_ERR_NOMEM;
    char *t = util_strndup(text, len == (size_t)-1 ? strlen(text) : len);
    if (!t) return NI_ERR_NOMEM;
    (*v)[(*n)++] = t;
    return NI_OK;
}

int article_caption_add(article *a, const char *text, size_t len)
{
    return string_add(&a->captions, &a->ncaptions, &a->cap_captions, text, len);
}

int article_keyword_add(article *a, const char *text, size_t len)
{
    return string_add(&a->keywords, &a->nkeywords, &a->cap_keywords, text, len);
}

int article_related_add(article *a, const char *title, const char *url)
{
    if (grow((void **)&a->related, &a->cap_related, a->nrelated, sizeof *a->related))
        return NI_ERR_NOMEM;
    article_link l = {strdup(title), url ? strdup(url) : NULL};
    if (!l.title || (url && !l.url)) {
        free(l.title);
        free(l.url);
        return NI_ERR_NOMEM;
    }
    a->related[a->nrelated++] = l;
    return NI_OK;
}
