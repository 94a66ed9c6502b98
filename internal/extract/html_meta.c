/* html_meta.c: HTML metadata: <title>, meta/OpenGraph tags, JSON-LD (cJSON), <link rel=canonical>,
 * <html lang dir>, <time datetime>, bylines; and the choice among the candidates. */
#include "extract/datetime.h"
#include "extract/vocab.h"
#include "html_internal.h"
#include "util/err.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void extract_html_meta_free(html_meta *m)
{
    char **f[] = {&m->title_tag, &m->ld_name,     &m->meta_title,   &m->ld_headline,
                  &m->h1,        &m->ld_author,   &m->meta_author,  &m->rel_author,
                  &m->byline,    &m->og_site,     &m->ld_publisher, &m->ld_date,
                  &m->meta_date, &m->ld_any_date, &m->time_date,    &m->og_url,
                  &m->canonical, &m->ld_url,      &m->lang,         &m->dir,
                  &m->meta_lang, &m->ld_lang,     &m->description,  &m->ld_body,
                  &m->byline_in, &m->og_title,    &m->tw_title};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
}

/* set_first: stores s in *field unless a value is already there. */
static void set_first(html_doc *d, char **field, const char *s, size_t len)
{
    if (!*field && extract_html_set(field, s, len)) d->nomem = 1;
}

static int is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || s[0] == '/';
}

/* keyword_add: adds one trimmed keyword unless empty or already present. */
static void keyword_add(html_doc *d, const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (!len || len > 100) return;
    article *a = d->out;
    for (size_t i = 0; i < a->nkeywords; i++)
        if (strlen(a->keywords[i]) == len && !memcmp(a->keywords[i], s, len)) return;
    if (article_keyword_add(a, s, len)) d->nomem = 1;
}

/* keywords_split: a comma-separated list (Latin or Arabic comma). */
static void keywords_split(html_doc *d, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        int sep = i == len || s[i] == ',' || s[i] == ';';
        size_t w = 1;
        if (!sep && i + 1 < len && s[i] == '\xd8' && s[i + 1] == '\x8c') sep = 1, w = 2;
        if (!sep) continue;
        keyword_add(d, s + start, i - start);
        start = i + w;
        i += w - 1;
    }
}

/* ---- <meta> ---- */

/* Keys in order of preference (Readability's order where it has one). Keys are lower-cased with
 * "dc."/"dcterms." written "dc:"/"dcterm:". */
static const char *const title_keys[] = {
    "dc:title", "dcterm:title",  "og:title",     "weibo:article:title", "weibo:webpage:title",
    "title",    "twitter:title", "parsely-title"};
static const char *const author_keys[] = {"dc:creator",     "dcterm:creator", "author",
                                          "parsely-author", "article:author", "sailthru.author"};
static const char *const date_keys[] = {
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "pubdate",
    "sailthru.date",
    "dc:date.issued",
    "dcterm:issued",
    "dc:date",
    "dcterm:date",
    "dcterm:created",
    "date",
    "article:published:time",
    "og:published_time",
    "article:published",
    "published_date",
    "publish_date",
    "publication_date",
    "date.published",
    "date.available",
    "date.created",
    "dc:date.created",
    "datecreated",
    "release_date",
};

static int key_in(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(key, list[i])) return (int)i + 1;
    return 0;
}

#define KEY_IN(key, list) key_in(key, list, sizeof list / sizeof *list)

/* set_ranked: keeps the value of the best-ranked key seen (lowest rank; a key found in a
 * property attribute ranks before the same key in a name attribute). */
static void set_ranked(html_doc *d, char **field, int *rank, int r, const char *c, size_t cl)
{
    if (*field && *rank <= r) return;
    char *old = *field;
    *field = NULL;
    set_first(d, field, c, cl);
    if (*field) {
        free(old);
        *rank = r;
    } else {
        *field = old;
    }
}

/* meta_key: one meta key with its content. */
static void meta_key(html_doc *d, const char *key, const char *c, size_t cl, int by_name)
{
    html_meta *m = &d->meta;
    int r;
    if (!strcmp(key, "og:title")) set_first(d, &m->og_title, c, cl);
    if (!strcmp(key, "twitter:title")) set_first(d, &m->tw_title, c, cl);
    if ((r = KEY_IN(key, title_keys)) && (r = 2 * r + by_name))
        set_ranked(d, &m->meta_title, &m->title_rank, r, c, cl);
    else if ((r = KEY_IN(key, author_keys)) && (r = 2 * r + by_name)) {
        if (!is_url(c)) set_ranked(d, &m->meta_author, &m->author_rank, r, c, cl);
    } else if ((r = KEY_IN(key, date_keys)))
        set_ranked(d, &m->meta_date, &m->meta_date_rank, r, c, cl);
    else if (!strcmp(key, "og:site_name"))
        set_first(d, &m->og_site, c, cl);
    else if (!strcmp(key, "og:url"))
        set_first(d, &m->og_url, c, cl);
    else if (!strcmp(key, "description") || !strcmp(key, "og:description"))
        set_first(d, &m->description, c, cl);
    else if (!strcmp(key, "keywords") || !strcmp(key, "news_keywords"))
        keywords_split(d, c, cl);
    else if (!strcmp(key, "article:tag"))
        keyword_add(d, c, cl);
}

/* meta_keys: each whitespace-separated key of attribute value k. */
static void meta_keys(html_doc *d, const char *k, size_t kl, const char *c, size_t cl, int by_name)
{
    size_t i = 0;
    while (i < kl) {
        while (i < kl && isspace((unsigned char)k[i])) i++;
        size_t start = i;
        while (i < kl && !isspace((unsigned char)k[i])) i++;
        char key[64];
        size_t n = 0;
        if (i == start || i - start >= sizeof key - 2) continue;
        for (size_t j = start; j < i; j++) key[n++] = (char)tolower((unsigned char)k[j]);
        key[n] = '\0';
        if (!strncmp(key, "dcterms.", 8) || !strncmp(key, "dcterms:", 8))
            memmove(key + 6, key + 7, n - 6), key[6] = ':';
        else if (!strncmp(key, "dc.", 3) || !strncmp(key, "dcterm.", 7))
            key[key[2] == '.' ? 2 : 6] = ':';
        meta_key(d, key, c, cl, by_name);
    }
}

static void on_meta(html_doc *d, myhtml_tree_node_t *node)
{
    size_t kl = 0, cl = 0;
    const char *c = extract_html_attr(node, "content", &cl);
    const char *he = extract_html_attr(node, "http-equiv", NULL);
    if (!c) return;
    if (he && !strcasecmp(he, "content-language")) set_first(d, &d->meta.meta_lang, c, cl);
    const char *attrs[] = {"property", "name", "itemprop"};
    for (int i = 0; i < 3; i++) {
        const char *k = extract_html_attr(node, attrs[i], &kl);
        if (k) meta_keys(d, k, kl, c, cl, i > 0);
    }
}

/* ---- JSON-LD ---- */

static const char *ld_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsArray(v)) v = cJSON_GetArrayItem(v, 0);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* ld_name: a string, or the "name" of an object, or of the first object of an array. */
static const char *ld_name(const cJSON *v)
{
    if (cJSON_IsArray(v)) v = cJSON_GetArrayItem(v, 0);
    if (cJSON_IsString(v)) return v->valuestring;
    return cJSON_IsObject(v) ? ld_str(v, "name") : NULL;
}

static int ld_is_article(const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "@type");
    int n = cJSON_IsArray(t) ? cJSON_GetArraySize(t) : 1;
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_IsArray(t) ? cJSON_GetArrayItem(t, i) : t;
        if (!cJSON_IsString(x)) continue;
        const char *s = x->valuestring;
        if (strstr(s, "Article") || strstr(s, "BlogPosting") || !strcmp(s, "Report")) return 1;
    }
    return 0;
}

/* ld_authors: author names joined with ", " (string, object or array; a Person without a name
 * by its givenName and familyName). */
static void ld_authors(html_doc *d, const cJSON *v)
{
    sbuf b = SBUF_INIT;
    int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 1;
    for (int i = 0; i < n && i < 8; i++) {
        const cJSON *x = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, i) : v;
        const char *name = ld_name(x), *given = ld_str(x, "givenName"), *fam;
        if ((!name || !name[0]) && given && (fam = ld_str(x, "familyName"))) {
            if (b.len) sbuf_append_str(&b, ", "); /* a Person stated by its parts */
            sbuf_append_str(&b, given);
            sbuf_append_str(&b, " ");
            sbuf_append_str(&b, fam);
            continue;
        }
        if (!name || !name[0] || is_url(name)) continue;
        if (b.len) sbuf_append_str(&b, ", ");
        sbuf_append_str(&b, name);
    }
    if (b.len) set_first(d, &d->meta.ld_author, b.data, b.len);
    sbuf_free(&b);
}

static void ld_keywords(html_doc *d, const cJSON *v)
{
    if (cJSON_IsString(v)) keywords_split(d, v->valuestring, strlen(v->valuestring));
    for (int i = 0; cJSON_IsArray(v) && i < cJSON_GetArraySize(v); i++) {
        const cJSON *x = cJSON_GetArrayItem(v, i);
        if (cJSON_IsString(x)) keyword_add(d, x->valuestring, strlen(x->valuestring));
    }
}

static void ld_article(html_doc *d, const cJSON *o)
{
    html_meta *m = &d->meta;
    const char *s;
    if ((s = ld_str(o, "headline"))) set_first(d, &m->ld_headline, s, strlen(s));
    if ((s = ld_str(o, "name"))) set_first(d, &m->ld_name, s, strlen(s));
    ld_authors(d, cJSON_GetObjectItemCaseSensitive(o, "author"));
    if ((s = ld_str(o, "datePublished")) || (s = ld_str(o, "dateCreated")))
        set_first(d, &m->ld_date, s, strlen(s));
    if ((s = ld_name(cJSON_GetObjectItemCaseSensitive(o, "publisher"))))
        set_first(d, &m->ld_publisher, s, strlen(s));
    if ((s = ld_str(o, "articleBody"))) set_first(d, &m->ld_body, s, strlen(s));
    if ((s = ld_str(o, "inLanguage"))) set_first(d, &m->ld_lang, s, strlen(s));
    if ((s = ld_str(o, "url")) && is_url(s)) set_first(d, &m->ld_url, s, strlen(s));
    if (!d->out->nkeywords) ld_keywords(d, cJSON_GetObjectItemCaseSensitive(o, "keywords"));
}

/* ld_visit: arrays, @graph, a mainEntity and article objects, at most `depth` levels down
 * (bounded). */
static void ld_visit(html_doc *d, const cJSON *j, int depth)
{
    if (depth > 4 || !j) return;
    if (cJSON_IsArray(j)) {
        for (int i = 0; i < cJSON_GetArraySize(j); i++)
            ld_visit(d, cJSON_GetArrayItem(j, i), depth + 1);
        return;
    }
    if (!cJSON_IsObject(j)) return;
    ld_visit(d, cJSON_GetObjectItemCaseSensitive(j, "@graph"), depth + 1);
    if (!ld_is_article(j)) /* a WebPage whose mainEntity is the article */
        ld_visit(d, cJSON_GetObjectItemCaseSensitive(j, "mainEntity"), depth + 1);
    const char *s;
    if (ld_is_article(j))
        ld_article(d, j);
    else if ((s = ld_str(j, "datePublished"))) /* a WebPage, a review, a video ... */
        set_first(d, &d->meta.ld_any_date, s, strlen(s));
}

static void on_ldjson(html_doc *d, myhtml_tree_node_t *node)
{
    myhtml_tree_node_t *t = myhtml_node_child(node);
    size_t len = 0;
    const char *s = t ? myhtml_node_text(t, &len) : NULL;
    /* the JSON value itself, without CDATA/comment wrappers around it */
    size_t a = 0, b = len;
    for (size_t i = 0; i + 9 <= len && i < 64; i++)
        if (!memcmp(s + i, "<![CDATA[", 9)) a = i + 9;
    while (a < len && s[a] != '{' && s[a] != '[') a++;
    while (b > a && s[b - 1] != '}' && s[b - 1] != ']') b--;
    if (b <= a) return;
    cJSON *j = cJSON_ParseWithLength(s + a, b - a);
    if (!j) return;
    ld_visit(d, j, 0);
    cJSON_Delete(j);
}

/* ---- elements ---- */

static void set_text(html_doc *d, char **field, myhtml_tree_node_t *node, size_t max)
{
    if (*field) return;
    *field = extract_html_node_text(node, max);
}

int extract_html_meta_element(html_doc *d, myhtml_tree_node_t *node, int tag)
{
    html_meta *m = &d->meta;
    size_t l;
    const char *v;
    if (myhtml_node_namespace(node) != MyHTML_NAMESPACE_HTML) return 0;
    if ((v = extract_html_attr(node, "itemprop", NULL)) && !strcasecmp(v, "datePublished")) {
        const char *c = extract_html_attr(node, "content", &l);
        if (!c) c = extract_html_attr(node, "datetime", &l);
        if (c) set_first(d, &m->time_date, c, l);
    }
    switch (tag) {
    case MyHTML_TAG_HTML:
    case MyHTML_TAG_BODY:
        if ((v = extract_html_attr(node, "lang", &l)) ||
            (v = extract_html_attr(node, "xml:lang", &l)))
            set_first(d, &m->lang, v, l);
        if ((v = extract_html_attr(node, "dir", &l))) set_first(d, &m->dir, v, l);
        return 0;
    case MyHTML_TAG_TITLE:
        set_text(d, &m->title_tag, node, 2048);
        return 1;
    case MyHTML_TAG_META:
        on_meta(d, node);
        return 1;
    case MyHTML_TAG_LINK:
        v = extract_html_attr(node, "rel", NULL);
        if (v && !strcasecmp(v, "canonical") && (v = extract_html_attr(node, "href", &l)))
            set_first(d, &m->canonical, v, l);
        return 1;
    case MyHTML_TAG_SCRIPT:
        v = extract_html_attr(node, "type", NULL);
        if (v && strstr(v, "ld+json")) on_ldjson(d, node);
        return 1;
    case MyHTML_TAG_H1:
        set_text(d, &m->h1, node, 2048);
        return 0;
    case MyHTML_TAG_TIME:
        if ((v = extract_html_attr(node, "datetime", &l))) set_first(d, &m->time_date, v, l);
        return 0;
    case MyHTML_TAG_A:
        v = extract_html_attr(node, "rel", NULL);
        if (v && !strcasecmp(v, "author")) set_text(d, &m->rel_author, node, 256);
        return 0;
    default:
        return 0;
    }
}

/* ---- choosing ---- */

/* same_text: equal after ASCII case folding and ignoring whitespace differences. */
static int same_text(const char *a, const char *b)
{
    while (*a && *b) {
        if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
            while (isspace((unsigned char)*a)) a++;
            while (isspace((unsigned char)*b)) b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
        a++, b++;
    }
    while (isspace((unsigned char)*a)) a++;
    while (isspace((unsigned char)*b)) b++;
    return !*a && !*b;
}

static int word_count(const char *s, size_t len)
{
    int n = 0, in = 0;
    for (size_t i = 0; i < len; i++) {
        int sp = isspace((unsigned char)s[i]);
        if (!sp && !in) n++;
        in = !sp;
    }
    return n;
}

/* sep_at: length of a title separator (" | ", " - ", " – ", " — ", " » ", " / ", " :: ") at
 * s+i, 0 when none. */
static size_t sep_at(const char *s, size_t len, size_t i)
{
    static const char *const seps[] = {
        " | ",  " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " \xc2\xbb ", " / ",
        " \\ ", " > ", " :: ",           " \xc2\xb7 "};
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t n = strlen(seps[k]);
        if (i + n <= len && !memcmp(s + i, seps[k], n)) return n;
    }
    return 0;
}

/* strip_site: removes a " | Site" suffix or "Site | " prefix naming site from *t in place. */
static void strip_site(char *t, const char *site)
{
    size_t len = strlen(t), sl = site ? strlen(site) : 0;
    if (!sl || len <= sl + 3) return;
    for (size_t i = 0; i + 3 <= len; i++) {
        size_t n = sep_at(t, len, i);
        if (!n) continue;
        if (i + n < len && same_text(t + i + n, site)) {
            t[i] = '\0';
            return;
        }
        char save = t[i];
        t[i] = '\0';
        int pre = same_text(t, site);
        t[i] = save;
        if (pre) {
            memmove(t, t + i + n, len - i - n + 1);
            return;
        }
    }
}

/* clean_title_tag: Readability's rule: <title> without its last " | part" (the site), or when
 * that leaves fewer than 3 words without its first part; back to the whole title when the result
 * has 4 words or fewer (unless only a hierarchical "a / b > c" part was cut). New string or NULL.
 */
static char *clean_title_tag(const char *t)
{
    size_t len = strlen(t), first = 0, first_n = 0, last = 0, last_n = 0, nseps = 0;
    int hier = 0;
    for (size_t i = 0; i < len; i++) {
        size_t n = sep_at(t, len, i);
        if (!n) continue;
        if (!first_n) first = i, first_n = n;
        last = i, last_n = n, nseps++;
        hier |= t[i + 1] == '/' || t[i + 1] == '\\' || t[i + 1] == '>' || t[i + 1] == '\xc2';
    }
    if (!last_n) return strdup(t);
    const char *cur = t;
    size_t cl = last;
    if (word_count(t, last) < 3) cur = t + first + first_n, cl = strlen(cur);
    int words = word_count(cur, cl);
    if (words <= 4 && (!hier || words != word_count(t, len) - (int)nseps - 1)) return strdup(t);
    return strndup(cur, cl);
}

/* ld_title: the JSON-LD headline; its name instead when only the name appears in the <title>,
 * or when there is no headline and the name is not the site's. */
static const char *ld_title(const html_meta *m, const char *site)
{
    const char *h = m->ld_headline, *n = m->ld_name, *t = m->title_tag;
    if (n && site && same_text(n, site)) n = NULL;
    if (h && n && t && !strstr(t, h) && strstr(t, n)) return n;
    return h ? h : n;
}

/* choose_title: the first of JSON-LD headline, meta title (Dublin Core, OpenGraph, Twitter...),
 * cleaned <title>, <h1>. Metadata titles are the publisher's own statement and are kept as they
 * are but for a suffix that is the page's host name; a " | Site" part naming the stated site is
 * removed from <title> and <h1> only, where site decoration is the norm. */
static size_t compact(const char *s, size_t len, char *out, size_t cap);
static const char *page_host(const html_meta *m);

/* strip_host: cuts a " - example.com" suffix from t (in place) when it is the page's own host
 * name with its domain ("Headline - Example.de"): a site decoration even in the metadata, where a
 * bare site name (" | Site") is left as the publisher states it. */
static void strip_host(char *t, const char *host)
{
    char a[128], b[128];
    size_t hl = host ? strcspn(host, "/:?#") : 0, len = strlen(t);
    if (hl < 4 || hl >= sizeof b || !memchr(host, '.', hl)) return;
    compact(host, hl, b, sizeof b);
    for (size_t i = len; i-- > 1;) {
        size_t n = sep_at(t, len, i);
        if (!n) continue;
        size_t rest = len - i - n;
        if (rest < sizeof a && memchr(t + i + n, '.', rest) &&
            compact(t + i + n, rest, a, sizeof a) && !strcmp(a, b))
            t[i] = '\0';
        return; /* the last separator only */
    }
}

/* space_at: the byte length of a white-space character at s (ASCII, U+00A0, U+3000), else 0. */
static size_t space_at(const char *s)
{
    if (isspace((unsigned char)*s)) return 1;
    if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) return 2;
    if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* text_prefix: the byte length of t's part that equals p (white-space runs alike, ASCII case
 * folded), 0 when p is not a prefix of t. */
static size_t text_prefix(const char *t, const char *p)
{
    const char *s = t;
    while (*s && *p) {
        size_t a = space_at(s), b = space_at(p);
        if (a && b) {
            while ((a = space_at(s))) s += a;
            while ((b = space_at(p))) p += b;
            continue;
        }
        if (tolower((unsigned char)*s) != tolower((unsigned char)*p)) return 0;
        s++, p++;
    }
    return *p ? 0 : (size_t)(s - t);
}

/* agreed_headline: the <h1> when title is "<h1> | tail" and another metadata title (JSON-LD,
 * og:title, twitter:title) states the <h1> alone: two statements of the bare headline outweigh
 * one decorated one. NULL otherwise. Not applied to a JSON-LD headline: Mozilla's expectations
 * keep a decorated one there ("Headline - Author - Medium" against og:title = <h1>). */
static const char *agreed_headline(const html_meta *m, const char *title)
{
    const char *h = m->h1;
    size_t n = h && title ? text_prefix(title, h) : 0;
    if (!n || !title[n] || !sep_at(title, strlen(title), n)) return NULL;
    const char *other[] = {m->ld_headline, m->og_title, m->tw_title};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        if (other[i] && same_text(other[i], h)) return h;
    return NULL;
}

/* kicker_before: t is "<kicker>: <h>" with a kicker of at most HTML_KICKER_WORDS words (3/5/8
 * compared on both folds: 5 and 8 alike, 3 loses on B; a topic
 * label before the headline: "Neue Leipziger Schule: Judy Lybke, ..." against og:title h). */
#define HTML_KICKER_WORDS 5
static int kicker_before(const char *t, const char *h)
{
    size_t tl = strlen(t), hl = strlen(h);
    if (!hl || tl < hl + 3 || strcmp(t + tl - hl, h)) return 0;
    size_t k = tl - hl;
    return t[k - 1] == ' ' && t[k - 2] == ':' && word_count(t, k) <= HTML_KICKER_WORDS;
}

static int choose_title(html_doc *d, const char *site)
{
    html_meta *m = &d->meta;
    char *tag = m->title_tag ? clean_title_tag(m->title_tag) : NULL;
    if (m->title_tag && !tag) return NI_ERR_NOMEM;
    const char *ld = ld_title(m, site);
    if (ld && m->og_title && kicker_before(ld, m->og_title)) ld = m->og_title;
    char *c[] = {ld ? strdup(ld) : NULL, m->meta_title, tag, m->h1};
    if (ld && !c[0]) return free(tag), NI_ERR_NOMEM;
    const size_t nc = sizeof c / sizeof *c;
    const char *best = NULL;
    for (size_t i = 0; i < nc; i++) {
        if (c[i] && i >= 2) strip_site(c[i], site);
        if (c[i]) strip_host(c[i], page_host(m));
        if (!best && c[i] && c[i][0]) best = c[i];
    }
    const char *agreed = best && best != c[0] ? agreed_headline(m, best) : NULL;
    if (agreed) best = agreed;
    int rc = best ? extract_html_set(&d->out->title, best, strlen(best)) : NI_OK;
    free(tag);
    free(c[0]);
    return rc;
}

/* author_site: what names the site rather than a person: the stated site or publisher name and
 * the first label of the page's host. */
typedef struct author_site {
    const char *names[2];
    char label[64];
} author_site;

/* compact: the ASCII letters and digits of s lower-cased, other bytes as they are, into out. */
static size_t compact(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || isalnum(c)) out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
    return n;
}

/* names_site: s's compact form contains the site's name or host label (3+ bytes). */
static int names_site(const author_site *as, const char *s, size_t len)
{
    char a[512], b[256];
    if (!compact(s, len, a, sizeof a)) return 0;
    for (int i = 0; i < 2; i++)
        if (as->names[i] && compact(as->names[i], strlen(as->names[i]), b, sizeof b) >= 3 &&
            strstr(a, b))
            return 1;
    return strlen(as->label) >= 3 && strstr(a, as->label) != NULL;
}

/* has_letter: s holds a letter (any script). */
static int has_letter(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80 || isalpha((unsigned char)s[i])) return 1;
    return 0;
}

/* slug: "chuck-ross": lower-case ASCII words joined by '-' without a space. */
static int is_slug(const char *s, size_t len)
{
    int dash = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-')
            dash = 1;
        else if (!islower(c) && !isdigit(c))
            return 0;
    }
    return dash;
}

/* cut_dateline: the length of s without a trailing date/time ("Anna Roth 05.01.2025, 15:23",
 * "Joshua Sokol May 20, 2019") or, failing that, without everything from the separator before its
 * first digit ("James Akinaka • 8h"). */
static size_t cut_dateline(const char *s, size_t len)
{
    article_datetime whole;
    if (extract_datetime_parse_line(s, len, &whole) == NI_OK) return 0; /* a dateline, no name */
    size_t first_digit = len;
    for (size_t i = 1; i < len; i++) {
        if (isdigit((unsigned char)s[i]) && first_digit == len) first_digit = i;
        if (s[i - 1] != ' ' || s[i] == ' ') continue;
        article_datetime dt;
        if (extract_datetime_parse_line(s + i, len - i, &dt) != NI_OK) continue;
        while (i && strchr(" ,;|-", s[i - 1])) i--;
        return i;
    }
    static const char *const seps[] = {
        ",", "|", "\xe2\x80\xa2", "\xc2\xb7", " - ", "\xe2\x80\x93", "\xe2\x80\x94"};
    size_t cut = 0;
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t n = strlen(seps[k]);
        for (size_t i = 1; i + n <= first_digit; i++)
            if (!memcmp(s + i, seps[k], n) && i > cut) cut = i;
    }
    if (first_digit < len && cut) {
        while (cut && s[cut - 1] == ' ') cut--;
        return cut;
    }
    return len;
}

/* has_digit: s[0..len) holds an ASCII digit. */
static int has_digit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isdigit((unsigned char)s[i])) return 1;
    return 0;
}

/* clean_author: a byline without its "By"/"Von:"-style prefix and a trailing dateline, in *len;
 * NULL when it does not look like a name (too long, no letter, a digit, an e-mail address, a URL,
 * a slug) or, with person set, when it names the site itself. */
static const char *clean_author(const char *s, const author_site *as, int person, size_t *out_len)
{
    if (!s) return NULL;
    size_t len = strlen(s), p = vocab_prefix(s, len, VOCAB_AUTHOR);
    s += p, len -= p;
    while (len && (isspace((unsigned char)*s) || *s == ':')) s++, len--;
    size_t whole = len;
    len = cut_dateline(s, len);
    for (size_t i = len; len < whole && i-- > 1;) /* "Name, Site <date>": the site's part goes */
        if (s[i] == ',' && names_site(as, s + i + 1, len - i - 1)) {
            len = i;
            break;
        }
    if (!len || len > 120 || word_count(s, len) > 12 || !has_letter(s, len)) return NULL;
    if (has_digit(s, len) || memchr(s, '@', len) || is_url(s) || is_slug(s, len)) return NULL;
    if (person && names_site(as, s, len)) return NULL;
    *out_len = len;
    return s;
}

int extract_html_author_names_site(const html_doc *d, const char *s, size_t len)
{
    const html_meta *m = &d->meta;
    author_site as = {{m->og_site, m->ld_publisher}, ""};
    const char *host = page_host(m);
    size_t hl = host ? strcspn(host, ".") : 0;
    if (hl < sizeof as.label) compact(host, hl, as.label, sizeof as.label);
    return names_site(&as, s, len);
}

static int choose_author(html_doc *d, const char *host)
{
    html_meta *m = &d->meta;
    author_site as = {{m->og_site, m->ld_publisher}, ""};
    size_t hl = host ? strcspn(host, ".") : 0;
    if (hl < sizeof as.label) compact(host, hl, as.label, sizeof as.label);
    const char *c[] = {m->ld_author, m->meta_author, m->rel_author, m->byline_in, m->byline};
    /* a person's name first; the site named as its own author when nothing else is stated */
    for (int person = 1; person >= 0; person--)
        for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
            size_t len = 0;
            const char *s = clean_author(c[i], &as, person, &len);
            if (s) return extract_html_set(&d->out->author, s, len);
        }
    return NI_OK;
}

/* page_host: the host of the page's canonical/og/JSON-LD URL without "www.", or NULL. */
static const char *page_host(const html_meta *m)
{
    const char *url = m->canonical ? m->canonical : m->og_url ? m->og_url : m->ld_url;
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p) return NULL;
    p += 3;
    return strncasecmp(p, "www.", 4) ? p : p + 4;
}

static void choose_date(html_doc *d)
{
    const char *c[] = {d->meta.ld_date, d->meta.meta_date, d->meta.time_date, d->meta.ld_any_date};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        article_datetime dt = ARTICLE_DATETIME_NONE;
        if (c[i] && extract_datetime_parse_iso(c[i], strlen(c[i]), &dt) == NI_OK && dt.year) {
            d->out->published = dt;
            d->out->published_origin = ARTICLE_TIME_METADATA;
            return;
        }
    }
}

static const char *first_of(const char *a, const char *b, const char *c)
{
    return a ? a : b ? b : c;
}

static int set_opt(char **field, const char *s)
{
    return s ? extract_html_set(field, s, strlen(s)) : NI_OK;
}

/* has_char_ref: s holds "&name;" or "&#digits;" (a character reference left undecoded: in
 * JSON-LD strings, which are script text, or in doubly encoded attributes). */
static int has_char_ref(const char *s)
{
    for (const char *p = s; (p = strchr(p, '&')) != NULL; p++) {
        size_t n = 1;
        while (n < 12 && (isalnum((unsigned char)p[n]) || (n == 1 && p[n] == '#'))) n++;
        if (n > 2 && p[n] == ';') return 1;
    }
    return 0;
}

/* decode_refs: *field with its character references decoded once, the way a browser decodes a
 * <title> (myhtml's RCDATA fragment parse, every HTML5 named reference), white space collapsed.
 * NI_OK (unchanged when nothing to decode) or NI_ERR_NOMEM. */
static int decode_refs(html_doc *d, char **field)
{
    if (!*field || !has_char_ref(*field)) return NI_OK;
    myhtml_tree_t *t = myhtml_tree_create();
    if (!t || myhtml_tree_init(t, myhtml_tree_get_myhtml(d->tree)) != MyHTML_STATUS_OK) {
        if (t) myhtml_tree_destroy(t);
        return NI_ERR_NOMEM;
    }
    char *text = NULL;
    if (myhtml_parse_fragment_single(t, MyENCODING_UTF_8, *field, strlen(*field), MyHTML_TAG_TITLE,
                                     MyHTML_NAMESPACE_HTML) == MyHTML_STATUS_OK) {
        myhtml_tree_node_t *root = myhtml_tree_get_node_html(t);
        text = root ? extract_html_node_text(root, 4096) : NULL;
    }
    myhtml_tree_destroy(t);
    if (text) free(*field), *field = text;
    return NI_OK;
}

int extract_html_meta_finish(html_doc *d)
{
    html_meta *m = &d->meta;
    article *a = d->out;
    const char *site = first_of(m->ld_publisher, m->og_site, NULL);
    int rc = choose_title(d, site);
    rc = rc ? rc : choose_author(d, page_host(m));
    rc = rc ? rc : set_opt(&a->site_name, site);
    rc = rc ? rc : set_opt(&a->url, first_of(m->og_url, m->ld_url, NULL));
    rc = rc ? rc : set_opt(&a->canonical_url, m->canonical);
    rc = rc ? rc : set_opt(&a->language, first_of(m->lang, m->meta_lang, m->ld_lang));
    rc = rc ? rc : set_opt(&a->description, m->description);
    if (!rc && m->dir && (!strcasecmp(m->dir, "rtl") || !strcasecmp(m->dir, "ltr"))) {
        char dir[4] = {(char)tolower((unsigned char)m->dir[0]),
                       (char)tolower((unsigned char)m->dir[1]),
                       (char)tolower((unsigned char)m->dir[2]), 0};
        rc = extract_html_set(&a->direction, dir, 3);
    }
    rc = rc ? rc : decode_refs(d, &a->title);
    rc = rc ? rc : decode_refs(d, &a->author);
    rc = rc ? rc : decode_refs(d, &a->site_name);
    choose_date(d);
    return rc || d->nomem ? NI_ERR_NOMEM : NI_OK;
}
