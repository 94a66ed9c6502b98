/* html_depth.c: the depth guard: nesting beyond a limit is flattened before myhtml parses. */
#include "extract/html_depth.h"

#include "util/err.h"
#include "util/quality.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 15 /* longer names are compared by their first 15 bytes */

typedef struct open_el {
    char name[NAME_MAX_LEN + 1];
} open_el;

typedef struct guard {
    const char *s;
    size_t len, pos;
    open_el *stack;
    int depth, limit;
    long excess;    /* start tags left out and not yet closed */
    char *out;      /* the copy, once something was left out */
    size_t out_len; /* bytes of s copied to out so far: s[0..copied) */
    size_t copied;
} guard;

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list)) return 1;
    return 0;
}

static const char *const void_tags[] = {"area",  "base",  "br",     "col",  "embed", "hr",
                                        "img",   "input", "link",   "meta", "param", "source",
                                        "track", "wbr",   "keygen", NULL};
static const char *const raw_tags[] = {"script", "style",   "textarea", "title", "xmp",
                                       "iframe", "noembed", "noframes", NULL};

/* sibling_group: tags a same-group start tag closes (p closes p, li closes li, ...); 0 none. */
static int sibling_group(const char *name)
{
    static const char *const groups[][4] = {{"p", NULL},
                                            {"li", NULL},
                                            {"dd", "dt", NULL},
                                            {"td", "th", NULL},
                                            {"tr", NULL},
                                            {"option", "optgroup", NULL},
                                            {"rb", "rt", "rp", NULL},
                                            {"thead", "tbody", "tfoot", NULL}};
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        if (name_in(name, groups[g])) return (int)g + 1;
    return 0;
}

/* drop: leaves s[from..to) out of the copy (starting the copy when needed); 0 on NOMEM. */
static int drop(guard *g, size_t from, size_t to)
{
    if (!g->out && !(g->out = malloc(g->len ? g->len : 1))) return 0;
    memcpy(g->out + g->out_len, g->s + g->copied, from - g->copied);
    g->out_len += from - g->copied;
    g->copied = to;
    return 1;
}

/* skip_to: the position after the first occurrence of lit at or after pos, else len. */
static size_t skip_to(const guard *g, size_t pos, const char *lit)
{
    size_t n = strlen(lit);
    while (pos + n <= g->len) {
        const char *p = memchr(g->s + pos, lit[0], g->len - pos);
        if (!p || (size_t)(p - g->s) + n > g->len) return g->len;
        pos = (size_t)(p - g->s);
        if (!strncasecmp(p, lit, n)) return pos + n;
        pos++;
    }
    return g->len;
}

/* tag_end: the position after the '>' that ends the tag whose attributes start at pos (quoted
 * values after '=' may hold '>'); *self when it ends with "/>". */
static size_t tag_end(const guard *g, size_t pos, int *self)
{
    char quote = 0, prev = 0;
    *self = 0;
    for (; pos < g->len; pos++) {
        char c = g->s[pos];
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if ((c == '"' || c == '\'') && prev == '=') {
            quote = c;
            continue;
        }
        if (c == '>') {
            *self = prev == '/';
            return pos + 1;
        }
        if (!isspace((unsigned char)c)) prev = c;
    }
    return g->len;
}

/* close_to: an end tag: pops the open elements down to the one named name (when open). */
static void close_to(guard *g, const char *name)
{
    for (int i = g->depth - 1; i >= 0; i--) {
        if (!strcmp(g->stack[i].name, name)) {
            g->depth = i;
            return;
        }
    }
}

/* open_el_push: a start tag; 0 when it must be left out (too deep). */
static int open_push(guard *g, const char *name)
{
    int grp = sibling_group(name);
    if (grp && g->depth && sibling_group(g->stack[g->depth - 1].name) == grp) g->depth--;
    if (g->depth >= g->limit) return 0;
    memcpy(g->stack[g->depth].name, name, NAME_MAX_LEN + 1);
    g->depth++;
    return 1;
}

/* one_tag: the markup at g->pos ('<'); moves g->pos past it; 0 on NOMEM. */
static int one_tag(guard *g)
{
    size_t start = g->pos, p = start + 1;
    if (p < g->len && g->s[p] == '!') {
        g->pos = g->len - p >= 3 && !strncmp(g->s + p, "!--", 3) ? skip_to(g, p + 3, "-->")
                                                                 : skip_to(g, p, ">");
        return 1;
    }
    if (p < g->len && g->s[p] == '?') {
        g->pos = skip_to(g, p, ">");
        return 1;
    }
    int end = p < g->len && g->s[p] == '/';
    p += end;
    if (p >= g->len || !isalpha((unsigned char)g->s[p])) {
        g->pos = start + 1; /* a lone '<' is text */
        return 1;
    }
    char name[NAME_MAX_LEN + 1];
    size_t n = 0;
    for (; p < g->len && !isspace((unsigned char)g->s[p]) && g->s[p] != '/' && g->s[p] != '>'; p++)
        if (n < NAME_MAX_LEN) name[n++] = (char)tolower((unsigned char)g->s[p]);
    name[n] = '\0';
    int self;
    g->pos = tag_end(g, p, &self);
    if (end) {
        if (g->excess > 0 && !name_in(name, void_tags)) {
            g->excess--;
            return drop(g, start, g->pos);
        }
        close_to(g, name);
        return 1;
    }
    if (name_in(name, void_tags)) return 1;
    if (name_in(name, raw_tags)) { /* the element ends at its end tag: nothing stays open */
        char close[NAME_MAX_LEN + 4] = "</";
        strcat(close, name);
        size_t after = skip_to(g, g->pos, close);
        g->pos = after < g->len ? skip_to(g, after, ">") : g->len;
        return g->depth < g->limit ? 1 : drop(g, start, g->pos);
    }
    if (!strcmp(name, "plaintext")) { /* the rest is text */
        g->pos = g->len;
        return 1;
    }
    if (open_push(g, name)) return 1;
    if (!self) g->excess++; /* "<div/>" left out opens nothing; "<div>" waits for its end tag */
    return drop(g, start, g->pos);
}

int extract_html_depth_flatten(const char *html, size_t len, int limit, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    guard g = {html, len, 0, NULL, 0, limit > 0 ? limit : 1, 0, NULL, 0, 0};
    if (!(g.stack = malloc((size_t)g.limit * sizeof *g.stack))) return NI_ERR_NOMEM;
    int ok = 1;
    while (ok && g.pos < len) {
        const char *lt = memchr(html + g.pos, '<', len - g.pos);
        if (!lt) break;
        g.pos = (size_t)(lt - html);
        ok = one_tag(&g);
    }
    free(g.stack);
    if (!ok) {
        free(g.out);
        return NI_ERR_NOMEM;
    }
    if (g.out) {
        memcpy(g.out + g.out_len, html + g.copied, len - g.copied);
        *out = g.out;
        *out_len = g.out_len + (len - g.copied);
    }
    return NI_OK;
}

mystatus_t extract_html_parse_guarded(myhtml_tree_t *tree, const char *html, size_t len,
                                      unsigned *quality)
{
    char *flat = NULL;
    size_t flat_len = 0;
    if (extract_html_depth_flatten(html, len, HTML_GUARD_DEPTH, &flat, &flat_len))
        return MyHTML_STATUS_ERROR_MEMORY_ALLOCATION;
    if (flat) *quality |= QUALITY_MARKUP_DEEP;
    mystatus_t st = myhtml_parse(tree, MyENCODING_UTF_8, flat ? flat : html, flat ? flat_len : len);
    free(flat); /* the tree keeps copies of what it needs */
    return st;
}
