/* html.c: HTML page -> article: parses with myhtml, walks the tree once (iteratively) collecting
 * paragraphs and metadata, then selects the main content (html_content.c, html_meta.c). */
#include "extract/extract.h"

#include "extract/html_depth.h"
#include "extract/vocab.h"
#include "extract_internal.h"
#include "html_internal.h"
#include "util/err.h"
#include "util/quality.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers shared with the other html_*.c files ---- */

const char *extract_html_attr(myhtml_tree_node_t *node, const char *key, size_t *len)
{
    myhtml_tree_attr_t *a = myhtml_attribute_by_key(node, key, strlen(key));
    size_t l = 0;
    const char *v = a ? myhtml_attribute_value(a, &l) : NULL;
    if (len) *len = v ? l : 0;
    return v;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int extract_html_set(char **field, const char *s, size_t len)
{
    if (!s) return NI_OK;
    while (len && is_space((unsigned char)*s)) s++, len--;
    while (len && is_space((unsigned char)s[len - 1])) len--;
    if (!len) return NI_OK;
    return article_field_set(field, s, len);
}

/* append_collapsed: appends s to b turning whitespace runs into one space (no leading space when
 * b is empty or already ends in one). Returns the number of characters appended. */
static int append_collapsed(sbuf *b, const char *s, size_t len, int *nomem)
{
    int chars = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            if (!b->len || b->data[b->len - 1] == ' ') continue;
            c = ' ';
        }
        if (sbuf_append_char(b, (char)c)) *nomem = 1;
        if ((c & 0xC0) != 0x80) chars++;
    }
    return chars;
}

char *extract_html_node_text(myhtml_tree_node_t *root, size_t max)
{
    sbuf b = SBUF_INIT;
    int nomem = 0;
    myhtml_tree_node_t *n = myhtml_node_child(root);
    while (n && b.len < max) {
        myhtml_tag_id_t tag = myhtml_node_tag_id(n);
        if (tag == MyHTML_TAG__TEXT) {
            size_t l = 0;
            const char *t = myhtml_node_text(n, &l);
            if (t) append_collapsed(&b, t, l, &nomem);
        } else if (tag == MyHTML_TAG_BR && b.len) {
            append_collapsed(&b, " ", 1, &nomem);
        }
        myhtml_tree_node_t *c =
            tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE ? NULL : myhtml_node_child(n);
        if (c) {
            n = c;
            continue;
        }
        while (n != root && !myhtml_node_next(n)) n = myhtml_node_parent(n);
        n = n == root ? NULL : myhtml_node_next(n);
    }
    while (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    if (nomem || !b.len) {
        sbuf_free(&b);
        return NULL;
    }
    return sbuf_steal(&b);
}

/* ---- class/id hints (language-neutral structural cues, html_class.c) ---- */

/* class_what: HC_* bits of node's class and id. */
static unsigned class_what(myhtml_tree_node_t *node)
{
    unsigned what = 0;
    size_t l;
    const char *keys[] = {"class", "id"};
    for (int k = 0; k < 2; k++) {
        const char *v = extract_html_attr(node, keys[k], &l);
        if (v) what |= extract_html_class_what(v, l);
    }
    return what;
}

/* data_says_lead: a data-* attribute of node names a lead ("data-qa=Article.Intro",
 * data-gu-name=standfirst): pages that style by generated class names mark parts there. */
static int data_says_lead(myhtml_tree_node_t *node)
{
    for (myhtml_tree_attr_t *a = myhtml_node_attribute_first(node); a;
         a = myhtml_attribute_next(a)) {
        size_t kl = 0, vl = 0;
        const char *k = myhtml_attribute_key(a, &kl), *v = myhtml_attribute_value(a, &vl);
        if (k && v && kl > 5 && !strncmp(k, "data-", 5) && vl < 64 &&
            (extract_html_class_what(v, vl) & HC_LEAD))
            return 1;
    }
    return 0;
}

static int attr_is(myhtml_tree_node_t *node, const char *key, const char *value)
{
    size_t l;
    const char *v = extract_html_attr(node, key, &l);
    return v && l == strlen(value) && !strncasecmp(v, value, l);
}

/* ---- tag classes ---- */

static int is_block_tag(int tag)
{
    switch (tag) {
    case MyHTML_TAG_ADDRESS:
    case MyHTML_TAG_ARTICLE:
    case MyHTML_TAG_ASIDE:
    case MyHTML_TAG_BLOCKQUOTE:
    case MyHTML_TAG_BODY:
    case MyHTML_TAG_CAPTION:
    case MyHTML_TAG_CENTER:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_DETAILS:
    case MyHTML_TAG_DIALOG:
    case MyHTML_TAG_DIR:
    case MyHTML_TAG_DIV:
    case MyHTML_TAG_DL:
    case MyHTML_TAG_DT:
    case MyHTML_TAG_FIELDSET:
    case MyHTML_TAG_FIGCAPTION:
    case MyHTML_TAG_FIGURE:
    case MyHTML_TAG_FOOTER:
    case MyHTML_TAG_FORM:
    case MyHTML_TAG_H1:
    case MyHTML_TAG_H2:
    case MyHTML_TAG_H3:
    case MyHTML_TAG_H4:
    case MyHTML_TAG_H5:
    case MyHTML_TAG_H6:
    case MyHTML_TAG_HEADER:
    case MyHTML_TAG_HGROUP:
    case MyHTML_TAG_HTML:
    case MyHTML_TAG_LI:
    case MyHTML_TAG_MAIN:
    case MyHTML_TAG_MENU:
    case MyHTML_TAG_NAV:
    case MyHTML_TAG_OL:
    case MyHTML_TAG_P:
    case MyHTML_TAG_PRE:
    case MyHTML_TAG_SECTION:
    case MyHTML_TAG_SUMMARY:
    case MyHTML_TAG_TABLE:
    case MyHTML_TAG_TBODY:
    case MyHTML_TAG_TD:
    case MyHTML_TAG_TFOOT:
    case MyHTML_TAG_TH:
    case MyHTML_TAG_THEAD:
    case MyHTML_TAG_TR:
    case MyHTML_TAG_UL:
    case MyHTML_TAG_LEGEND:
    case MyHTML_TAG_LISTING:
    case MyHTML_TAG_XMP:
        return 1;
    default:
        return 0;
    }
}

/* is_skipped_tag: elements whose content is never article text. */
static int is_skipped_tag(int tag)
{
    switch (tag) {
    case MyHTML_TAG_SCRIPT:
    case MyHTML_TAG_STYLE:
    case MyHTML_TAG_NOSCRIPT:
    case MyHTML_TAG_TEMPLATE:
    case MyHTML_TAG_IFRAME:
    case MyHTML_TAG_OBJECT:
    case MyHTML_TAG_EMBED:
    case MyHTML_TAG_SELECT:
    case MyHTML_TAG_TEXTAREA:
    case MyHTML_TAG_BUTTON:
    case MyHTML_TAG_INPUT:
    case MyHTML_TAG_CANVAS:
    case MyHTML_TAG_VIDEO:
    case MyHTML_TAG_AUDIO:
    case MyHTML_TAG_MAP:
    case MyHTML_TAG_SVG:
    case MyHTML_TAG_MATH:
    case MyHTML_TAG_NOFRAMES:
    case MyHTML_TAG_NOEMBED:
    case MyHTML_TAG_DATALIST:
    case MyHTML_TAG_OPTION:
    case MyHTML_TAG_PARAM:
        return 1;
    default:
        return 0;
    }
}

static int is_boiler_tag(int tag)
{
    return tag == MyHTML_TAG_NAV || tag == MyHTML_TAG_ASIDE || tag == MyHTML_TAG_FOOTER ||
           tag == MyHTML_TAG_HEADER || tag == MyHTML_TAG_MENU || tag == MyHTML_TAG_DIALOG;
}

static int is_hidden(myhtml_tree_node_t *node)
{
    size_t l;
    if (extract_html_attr(node, "hidden", NULL)) return 1;
    const char *st = extract_html_attr(node, "style", &l);
    if (!st) return 0;
    char buf[256];
    size_t n = 0;
    for (size_t i = 0; i < l && n + 1 < sizeof buf; i++)
        if (!is_space((unsigned char)st[i])) buf[n++] = (char)tolower((unsigned char)st[i]);
    buf[n] = '\0';
    return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

/* classify: flags and prior weight of an element from its tag, class/id, role and itemprop. */
static unsigned classify(myhtml_tree_node_t *node, int tag, float *weight)
{
    unsigned f = is_block_tag(tag) ? HE_BLOCK : 0;
    *weight = 0;
    if (is_boiler_tag(tag)) f |= HE_BOILER;
    if (tag == MyHTML_TAG_FIGCAPTION) f |= HE_CAPTION;
    if (tag == MyHTML_TAG_FIGURE) f |= HE_FIGURE;
    if (tag == MyHTML_TAG_ARTICLE) *weight += 10;
    /* the classes of <html> and <body> describe the page (no-sidebars, cookie-open), not text */
    unsigned what = tag == MyHTML_TAG_HTML || tag == MyHTML_TAG_BODY ? 0 : class_what(node);
    if (what & HC_NEG_STRONG)
        f |= HE_NEG;
    else if ((what & HC_NEG) && !(what & HC_POS))
        f |= HE_NEG | HE_WEAK;
    else if (what & HC_POS)
        f |= HE_POS;
    if (what & HC_CAPTION) f |= HE_CAPTION;
    if (what & HC_BYLINE) f |= HE_BYLINE;
    int texty = tag == MyHTML_TAG_P || tag == MyHTML_TAG_DIV || tag == MyHTML_TAG_H2 ||
                tag == MyHTML_TAG_H3 || tag == MyHTML_TAG_SECTION;
    if ((what & HC_LEAD) || (texty && data_says_lead(node))) f |= HE_LEAD;
    *weight += (f & HE_NEG) ? -25 : (f & HE_POS) ? 25 : 0;
    if (attr_is(node, "itemprop", "articleBody")) f |= HE_ABODY | HE_POS, *weight += 50;
    if (attr_is(node, "itemprop", "author") || attr_is(node, "rel", "author")) f |= HE_BYLINE;
    const char *roles[] = {"navigation", "complementary", "contentinfo", "banner",
                           "menu",       "dialog",        "alert"};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (attr_is(node, "role", roles[i])) f |= HE_BOILER;
    if (attr_is(node, "role", "main") || attr_is(node, "role", "article")) *weight += 10;
    if (f & (HE_NEG | HE_BOILER | HE_CAPTION | HE_BYLINE | HE_FIGURE)) f |= HE_BLOCK;
    return f;
}

/* ---- the walk ---- */

typedef struct walker {
    html_doc *d;
    int stack[HTML_MAX_DEPTH];
    int depth;
    int skip; /* skipped-subtree entries on the stack */
} walker;

/* byline_enter: the first byline element's text; inside it, the first nested byline element whose
 * text opens with a byline word ("von Jana Roth" among brand labels and dates). */
static void byline_enter(walker *w, myhtml_tree_node_t *node, int i)
{
    html_meta *m = &w->d->meta;
    if (!m->byline) {
        m->byline = extract_html_node_text(node, 256);
        m->byline_elem = i;
        return;
    }
    if (m->byline_in) return;
    int inside = 0;
    for (int k = 0; k < w->depth && !inside; k++) inside = w->stack[k] == m->byline_elem;
    if (!inside) return;
    char *t = extract_html_node_text(node, 256);
    if (t && vocab_prefix(t, strlen(t), VOCAB_AUTHOR))
        m->byline_in = t;
    else
        free(t);
}

/* push: enters element i (-1: a skipped subtree, walked for metadata only); 0 when too deep. */
static int push(walker *w, int i)
{
    if (w->depth >= HTML_MAX_DEPTH) {
        w->d->quality |= QUALITY_MARKUP_DEEP;
        return 0;
    }
    w->skip += i < 0;
    w->stack[w->depth++] = i;
    return 1;
}

static int owner_now(const walker *w)
{
    return w->depth ? w->d->elems[w->stack[w->depth - 1]].owner : -1;
}

static int count_commas(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || (i + 1 < len && s[i] == '\xd8' && s[i + 1] == '\x8c')) n++;
    return n;
}

/* flush: ends the paragraph being collected and stores it as a block. */
static void flush(walker *w)
{
    html_doc *d = w->d;
    while (d->cur.len && d->cur.data[d->cur.len - 1] == ' ') d->cur.data[--d->cur.len] = '\0';
    int owner = owner_now(w);
    if (d->cur.len && owner >= 0) {
        if (d->nblocks == d->cap_blocks) {
            size_t c = d->cap_blocks ? d->cap_blocks * 2 : 64;
            html_block *nb = realloc(d->blocks, c * sizeof *nb);
            if (!nb) {
                d->nomem = 1;
                goto done;
            }
            d->blocks = nb, d->cap_blocks = c;
        }
        html_block *b = &d->blocks[d->nblocks];
        memset(b, 0, sizeof *b);
        b->off = d->text.len;
        b->len = d->cur.len;
        if (sbuf_append(&d->text, d->cur.data, d->cur.len + 1)) {
            d->nomem = 1;
            goto done;
        }
        b->elem = owner;
        b->chars = d->cur_chars;
        b->link = d->cur_link;
        b->bold = d->cur_bold;
        b->commas = count_commas(d->cur.data, d->cur.len);
        b->href = d->cur_links == 1 && d->cur_link * 10 >= d->cur_chars * 9 ? d->cur_href : NULL;
        int tag = d->elems[owner].tag;
        if (tag >= MyHTML_TAG_H1 && tag <= MyHTML_TAG_H6) {
            b->kind = HB_HEADING;
            b->level = tag - MyHTML_TAG_H1 + 1;
        } else if (tag == MyHTML_TAG_LI || tag == MyHTML_TAG_DD || tag == MyHTML_TAG_DT) {
            b->kind = HB_ITEM;
        }
        d->nblocks++;
    }
done:
    sbuf_reset(&d->cur);
    d->cur_chars = d->cur_link = d->cur_links = d->cur_bold = 0;
    d->cur_href = NULL;
    d->br_run = 0;
}

static void on_text(walker *w, myhtml_tree_node_t *node)
{
    html_doc *d = w->d;
    size_t l = 0;
    const char *t = myhtml_node_text(node, &l);
    if (!t || !l) return;
    int c = append_collapsed(&d->cur, t, l, &d->nomem);
    d->cur_chars += c;
    if (d->link_depth) d->cur_link += c;
    if (d->bold_depth) d->cur_bold += c;
    for (size_t i = 0; i < l; i++)
        if (!is_space((unsigned char)t[i])) {
            d->br_run = 0;
            break;
        }
}

/* enter: visits node on the way down; returns 1 when it was pushed (children to be visited). */
static int enter(walker *w, myhtml_tree_node_t *node)
{
    html_doc *d = w->d;
    int tag = (int)myhtml_node_tag_id(node);
    if (tag == MyHTML_TAG__TEXT) {
        if (!w->skip) on_text(w, node);
        return 0;
    }
    if (tag == MyHTML_TAG__COMMENT || tag == MyHTML_TAG__DOCTYPE) return 0;
    if (w->skip) {
        /* inside hidden/non-text markup: only metadata (JSON-LD, meta, link) is collected */
        if (tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_META || tag == MyHTML_TAG_LINK)
            return !extract_html_meta_element(d, node, tag) && push(w, -1);
        return push(w, -1);
    }
    if (extract_html_meta_element(d, node, tag)) return 0;
    if (tag == MyHTML_TAG_BR) {
        if (++d->br_run >= 2)
            flush(w);
        else
            append_collapsed(&d->cur, " ", 1, &d->nomem);
        return 0;
    }
    if (tag == MyHTML_TAG_HR) flush(w);
    if (myhtml_node_is_void_element(node)) return 0;
    if (is_skipped_tag(tag) || myhtml_node_namespace(node) != MyHTML_NAMESPACE_HTML ||
        is_hidden(node))
        return push(w, -1);
    if (w->depth >= HTML_MAX_DEPTH) {
        d->quality |= QUALITY_MARKUP_DEEP;
        return 0;
    }
    if (d->nelems == d->cap_elems) {
        size_t c = d->cap_elems ? d->cap_elems * 2 : 256;
        html_elem *ne = realloc(d->elems, c * sizeof *ne);
        if (!ne) {
            d->nomem = 1;
            return 0;
        }
        d->elems = ne, d->cap_elems = c;
    }
    int i = (int)d->nelems++;
    html_elem *e = &d->elems[i];
    memset(e, 0, sizeof *e);
    e->tag = tag;
    e->parent = w->depth ? w->stack[w->depth - 1] : -1;
    e->flags = classify(node, tag, &e->weight);
    if (e->flags & HE_BLOCK) flush(w);
    if (e->flags & HE_BYLINE) byline_enter(w, node, i);
    e->owner = (e->flags & HE_BLOCK) || e->parent < 0 ? i : d->elems[e->parent].owner;
    if (tag == MyHTML_TAG_B || tag == MyHTML_TAG_STRONG) d->bold_depth++;
    if (tag == MyHTML_TAG_A) {
        d->link_depth++;
        if (++d->cur_links == 1) d->cur_href = extract_html_attr(node, "href", NULL);
    }
    return push(w, i);
}

static void leave(walker *w)
{
    html_doc *d = w->d;
    int i = w->stack[w->depth - 1];
    if (i < 0) {
        w->skip--;
        w->depth--;
        return;
    }
    if (d->elems[i].flags & HE_BLOCK) flush(w);
    if (d->elems[i].tag == MyHTML_TAG_A && d->link_depth) d->link_depth--;
    int t = d->elems[i].tag;
    if ((t == MyHTML_TAG_B || t == MyHTML_TAG_STRONG) && d->bold_depth) d->bold_depth--;
    w->depth--;
}

/* walk: pre/post-order over the tree using the nodes' parent links (no recursion). */
static void walk(html_doc *d, myhtml_tree_node_t *root)
{
    walker *w = malloc(sizeof *w);
    if (!w) {
        d->nomem = 1;
        return;
    }
    w->d = d;
    w->depth = w->skip = 0;
    myhtml_tree_node_t *n = root;
    while (n && !d->nomem) {
        int pushed = enter(w, n);
        myhtml_tree_node_t *c = pushed ? myhtml_node_child(n) : NULL;
        if (c) {
            n = c;
            continue;
        }
        if (pushed) leave(w);
        while (n != root && !myhtml_node_next(n)) {
            n = myhtml_node_parent(n);
            leave(w);
        }
        n = n == root ? NULL : myhtml_node_next(n);
    }
    flush(w);
    free(w);
}

static void doc_free(html_doc *d)
{
    free(d->elems);
    free(d->blocks);
    sbuf_free(&d->text);
    sbuf_free(&d->cur);
    extract_html_meta_free(&d->meta);
    if (d->tree) myhtml_tree_destroy(d->tree);
}

int extract_html(extract_ctx *ctx, const page *pg, article **out, char *errstr, size_t errlen)
{
    *out = NULL;
    html_doc d;
    memset(&d, 0, sizeof d);
    d.out = article_create();
    d.tree = myhtml_tree_create();
    if (!d.out || !d.tree || myhtml_tree_init(d.tree, ctx->myhtml) != MyHTML_STATUS_OK) {
        if (d.tree) myhtml_tree_destroy(d.tree);
        article_destroy(d.out);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory starting the HTML tree");
    }
    myhtml_tree_parse_flags_set(d.tree, MyHTML_TREE_PARSE_FLAGS_WITHOUT_DOCTYPE_IN_TREE);
    if (pg->len &&
        extract_html_parse_guarded(d.tree, pg->text, pg->len, &d.quality) != MyHTML_STATUS_OK) {
        article_destroy(d.out);
        doc_free(&d);
        return ni_err_set(errstr, errlen, NI_ERR_PARSE, "the HTML parser rejected the page");
    }
    myhtml_tree_node_t *root = myhtml_tree_get_node_html(d.tree);
    if (root) walk(&d, root);
    int rc = d.nomem ? NI_ERR_NOMEM : extract_html_meta_finish(&d);
    if (!rc) rc = extract_html_content_select(&d);
    d.out->quality |= d.quality;
    article *a = d.out;
    doc_free(&d);
    if (rc) {
        article_destroy(a);
        return ni_err_set(errstr, errlen, rc, "out of memory extracting the HTML page");
    }
    *out = a;
    return NI_OK;
}
