/* html_content.c: main-content detection over the collected blocks (text and link density,
 * class/tag priors, JSON-LD articleBody as a strong signal) and boilerplate filtering. */
#include "extract/datetime.h"
#include "extract/vocab.h"
#include "html_internal.h"
#include "util/err.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_TEXT(d, b) ((d)->text.data + (b)->off)

/* Flags inherited by every descendant once resolved. */
#define HE_INHERIT (HE_DROP | HE_CAPTION | HE_FIGURE | HE_SEL)

/* Prose characters that outweigh a weak chrome class word. */
#define HTML_PROSE_MIN 300
/* An ancestor holding this many times the chosen container's prose, with at most this link
 * density, becomes the container (climb_to_prose). */
#define HTML_CLIMB_GAIN 1.5f
#define HTML_CLIMB_LINKS 0.35f
/* Paragraph score from which a container's class/tag prior counts in full (3, 5, 8, 12, 20
 * compared on both folds: 8). */
#define HTML_PRIOR_FULL 8.f
/* A lead (standfirst) lies at most this many blocks after the <h1> and before the body, and has
 * at least this many characters and words (window 6/12/20/30, 40/60/100 characters, 5/8/12 words
 * compared on both folds). */
#define HTML_LEAD_WINDOW 20
#define HTML_LEAD_CHARS 60
#define HTML_LEAD_WORDS 8
/* A bold name alone among the body's first this many paragraphs (or its last) is a byline. */
#define HTML_SIGNOFF_FIRST 3

/* sum_up: adds each element's counter into its parent (children come after parents). */
static void sum_up(html_doc *d, size_t field)
{
    for (size_t i = d->nelems; i-- > 1;) {
        html_elem *e = &d->elems[i];
        if (e->parent < 0) continue;
        int *src = (int *)((char *)e + field), *dst = (int *)((char *)&d->elems[e->parent] + field);
        *dst += *src;
    }
}

/* class_word_outweighed: a chrome class word does not drop an element that holds most of the
 * page's prose, nor (a weak word) one whose text is mostly prose paragraphs; its prior is
 * cleared. */
static int class_word_outweighed(html_elem *e, int page_prose)
{
    int most = page_prose > 0 && e->prose * 2 >= page_prose;
    int reads = (e->flags & HE_WEAK) && e->prose >= HTML_PROSE_MIN && e->prose * 3 >= e->raw * 2;
    if (!most && !reads) return 0;
    e->flags &= ~(unsigned)(HE_NEG | HE_WEAK);
    e->weight += 25;
    return 1;
}

/* resolve_flags: chrome (structural or by class, unless it holds half of the page's text) and
 * caption areas, inherited down the tree. */
static void resolve_flags(html_doc *d)
{
    for (size_t i = 0; i < d->nblocks; i++) {
        const html_block *b = &d->blocks[i];
        d->elems[b->elem].raw += b->chars;
        if (b->kind == HB_PARA && b->chars >= 80 && b->link * 4 < b->chars)
            d->elems[b->elem].prose += b->chars;
    }
    sum_up(d, offsetof(html_elem, raw));
    sum_up(d, offsetof(html_elem, prose));
    int total = d->elems[0].raw, prose = d->elems[0].prose;
    /* HE_STRONG: holds an <article> or itemprop=articleBody with a quarter of the text; scope:
     * the text of the nearest such article element above */
    for (size_t i = d->nelems; i-- > 1;) {
        html_elem *e = &d->elems[i];
        if (((e->flags & HE_ABODY) || e->tag == MyHTML_TAG_ARTICLE) && e->raw * 4 >= total)
            e->flags |= HE_STRONG, e->scope = e->raw;
        if (e->parent >= 0) d->elems[e->parent].flags |= e->flags & HE_STRONG;
    }
    for (size_t i = 0; i < d->nelems; i++) {
        html_elem *e = &d->elems[i];
        if (!e->scope && e->parent >= 0) e->scope = d->elems[e->parent].scope;
        int main_part = e->raw * 2 >= total || (e->scope && e->raw * 2 >= e->scope);
        int chrome = (e->flags & HE_BOILER) && !main_part && !(e->flags & HE_STRONG);
        chrome |= (e->flags & HE_NEG) && !main_part && !(e->flags & HE_STRONG) &&
                  !class_word_outweighed(e, prose);
        if (chrome) e->flags |= HE_DROP;
        if (e->raw > 400)
            e->flags &= ~(unsigned)(HE_CAPTION | HE_FIGURE); /* a wrapper, not a caption */
        if (e->parent >= 0) e->flags |= d->elems[e->parent].flags & HE_INHERIT;
    }
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        if (d->elems[b->elem].flags & (HE_CAPTION | HE_FIGURE)) b->kind = HB_CAPTION;
    }
}

static int block_counts(const html_doc *d, const html_block *b)
{
    return !(d->elems[b->elem].flags & HE_DROP) && b->kind != HB_CAPTION;
}

/* totals: text and link characters of the kept blocks below each element. */
static void totals(html_doc *d)
{
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        if (!block_counts(d, b)) continue;
        d->elems[b->elem].text += b->chars;
        d->elems[b->elem].link += b->link;
        if (b->kind == HB_PARA && b->chars >= 80 && b->link * 4 < b->chars)
            d->elems[b->elem].kprose += b->chars;
    }
    sum_up(d, offsetof(html_elem, kprose));
    sum_up(d, offsetof(html_elem, text));
    sum_up(d, offsetof(html_elem, link));
}

static float link_density(const html_elem *e)
{
    return e->text > 0 ? (float)e->link / (float)e->text : 0.f;
}

static float tag_weight(int tag)
{
    switch (tag) {
    case MyHTML_TAG_DIV:
        return 5;
    case MyHTML_TAG_PRE:
    case MyHTML_TAG_TD:
    case MyHTML_TAG_BLOCKQUOTE:
        return 3;
    case MyHTML_TAG_ADDRESS:
    case MyHTML_TAG_OL:
    case MyHTML_TAG_UL:
    case MyHTML_TAG_DL:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_DT:
    case MyHTML_TAG_LI:
    case MyHTML_TAG_FORM:
        return -3;
    case MyHTML_TAG_H1:
    case MyHTML_TAG_H2:
    case MyHTML_TAG_H3:
    case MyHTML_TAG_H4:
    case MyHTML_TAG_H5:
    case MyHTML_TAG_H6:
    case MyHTML_TAG_TH:
        return -5;
    default:
        return 0;
    }
}

/* is_paragraph_tag: elements that are a paragraph themselves (their container is the parent);
 * text directly inside any other block (a div with <br>-separated text) counts for that block. */
static int is_paragraph_tag(int tag)
{
    switch (tag) {
    case MyHTML_TAG_P:
    case MyHTML_TAG_PRE:
    case MyHTML_TAG_LI:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_DT:
    case MyHTML_TAG_TD:
    case MyHTML_TAG_TH:
    case MyHTML_TAG_BLOCKQUOTE:
    case MyHTML_TAG_H1:
    case MyHTML_TAG_H2:
    case MyHTML_TAG_H3:
    case MyHTML_TAG_H4:
    case MyHTML_TAG_H5:
    case MyHTML_TAG_H6:
    case MyHTML_TAG_ADDRESS:
        return 1;
    default:
        return 0;
    }
}

/* score_blocks: each paragraph of 25+ characters gives its container 1 + commas + length/100
 * (at most 3), scaled by its link-free share; the grandparent gets half, the next a sixth. */
static void score_blocks(html_doc *d)
{
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        if (!block_counts(d, b) || b->kind == HB_HEADING || b->chars < 25) continue;
        float s = 1.f + (float)b->commas + (b->chars >= 300 ? 3.f : (float)b->chars / 100.f);
        s *= 1.f - (float)b->link / (float)b->chars;
        int a = is_paragraph_tag(d->elems[b->elem].tag) ? d->elems[b->elem].parent : b->elem;
        for (int level = 0; a >= 0 && level < 3; level++, a = d->elems[a].parent)
            d->elems[a].score += level == 0 ? s : level == 1 ? s / 2 : s / 6;
    }
}

static float final_score(const html_doc *d, int i)
{
    const html_elem *e = &d->elems[i];
    if (e->score <= 0 || (e->flags & HE_DROP)) return 0;
    /* class/tag priors count in full only for containers holding a few paragraphs */
    float prior = (e->weight + tag_weight(e->tag)) *
                  (e->score >= HTML_PRIOR_FULL ? 1.f : e->score / HTML_PRIOR_FULL);
    return (e->score + prior) * (1.f - link_density(e));
}

static int is_ancestor(const html_doc *d, int anc, int i)
{
    for (; i >= 0; i = d->elems[i].parent)
        if (i == anc) return 1;
    return 0;
}

/* best_by_score: Readability-style choice of the top-scoring container, moved up to a common
 * ancestor when several near-equal candidates share it, or when the parent scores higher. */
static int best_by_score(html_doc *d)
{
    int top = -1;
    float best = 0;
    for (size_t i = 0; i < d->nelems; i++) {
        float f = final_score(d, (int)i);
        if (f > best) best = f, top = (int)i;
    }
    if (top < 0) return -1;
    for (int a = d->elems[top].parent; a > 0; a = d->elems[a].parent) {
        int near = 0;
        for (size_t i = 0; i < d->nelems; i++)
            if ((int)i != top && final_score(d, (int)i) >= 0.75f * best &&
                is_ancestor(d, a, (int)i))
                near++;
        if (near >= 3) {
            top = a;
            break;
        }
    }
    float last = final_score(d, top);
    for (int p = d->elems[top].parent; p > 0 && d->elems[p].tag != MyHTML_TAG_BODY;
         p = d->elems[p].parent) {
        float f = final_score(d, p);
        if (f <= 0) continue;
        if (f < last / 3) break;
        if (f > last) {
            top = p;
            break;
        }
        last = f;
    }
    return top;
}

/* climb_to_prose: moves top up to an ancestor holding clearly more of the page's kept prose (the
 * article's sections each in a wrapper of their own), while that ancestor is not mostly links
 * and stays below <body>. */
static int climb_to_prose(const html_doc *d, int top)
{
    for (int p = d->elems[top].parent; p > 0; p = d->elems[p].parent) {
        const html_elem *e = &d->elems[p];
        if (e->tag == MyHTML_TAG_BODY || e->tag == MyHTML_TAG_HTML || (e->flags & HE_DROP)) break;
        if (link_density(e) > HTML_CLIMB_LINKS) break;
        if ((float)e->kprose >= HTML_CLIMB_GAIN * (float)d->elems[top].kprose) top = p;
    }
    return top;
}

/* best_by_ld: when the JSON-LD articleBody is found in the page, the deepest element holding
 * 90% of the matched text; -1 otherwise. */
static int best_by_ld(html_doc *d)
{
    const char *ld = d->meta.ld_body;
    if (!ld || strlen(ld) < 200) return -1;
    sbuf norm = SBUF_INIT;
    int chars = 0;
    for (const char *p = ld; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isspace(c) && (!norm.len || norm.data[norm.len - 1] == ' ')) continue;
        if (sbuf_append_char(&norm, isspace(c) ? ' ' : (char)c)) {
            sbuf_free(&norm);
            return -1;
        }
        if ((c & 0xC0) != 0x80) chars++;
    }
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        if (!block_counts(d, b) || b->chars < 20) continue;
        char save = BLOCK_TEXT(d, b)[b->len < 80 ? b->len : 80];
        BLOCK_TEXT(d, b)[b->len < 80 ? b->len : 80] = '\0';
        b->in_ld = strstr(norm.data, BLOCK_TEXT(d, b)) != NULL;
        BLOCK_TEXT(d, b)[b->len < 80 ? b->len : 80] = save;
        if (b->in_ld) d->elems[b->elem].matched += b->chars;
    }
    sbuf_free(&norm);
    sum_up(d, offsetof(html_elem, matched));
    int g = d->elems[0].matched, top = -1;
    if (g * 2 < chars) return -1;
    for (size_t i = 0; i < d->nelems; i++)
        if (d->elems[i].matched * 10 >= g * 9) top = (int)i;
    return top;
}

/* select_siblings: marks top and its siblings that score well or read as paragraphs. */
static void select_siblings(html_doc *d, int top)
{
    int parent = d->elems[top].parent;
    float t = final_score(d, top), threshold = t * 0.2f > 10 ? t * 0.2f : 10;
    d->elems[top].flags |= HE_SEL;
    for (size_t i = 0; parent >= 0 && i < d->nelems; i++) {
        html_elem *e = &d->elems[i];
        if (e->parent != parent || (int)i == top || (e->flags & HE_DROP)) continue;
        float f = final_score(d, (int)i);
        int para = e->tag == MyHTML_TAG_P && e->text > 80 && link_density(e) < 0.25f;
        if (f >= threshold || para) e->flags |= HE_SEL;
    }
}

/* propagate_sel: everything below a selected element is selected. */
static void propagate_sel(html_doc *d)
{
    for (size_t i = 0; i < d->nelems; i++) {
        html_elem *e = &d->elems[i];
        if (e->parent >= 0) e->flags |= d->elems[e->parent].flags & HE_SEL;
    }
}

/* ---- output ---- */

typedef struct emitter {
    html_doc *d;
    int paragraphs;
    int in_related;
} emitter;

static int same_title(const html_doc *d, const char *s)
{
    return d->out->title && !strcmp(d->out->title, s);
}

/* emit_block: one selected block into the article (or captions/related), filtered. */
static int emit_block(emitter *em, html_block *b)
{
    html_doc *d = em->d;
    const char *s = BLOCK_TEXT(d, b);
    if (b->kind == HB_CAPTION) return article_caption_add(d->out, s, b->len);
    vocab_kind k = b->chars < 80 ? vocab_classify(s, b->len) : VOCAB_NONE;
    if (k != VOCAB_NONE) {
        if (k == VOCAB_RELATED) em->in_related = 1;
        return NI_OK;
    }
    if (b->link * 2 > b->chars) {
        if (em->in_related && b->href) return article_related_add(d->out, s, b->href);
        return NI_OK;
    }
    em->in_related = 0;
    if (b->kind == HB_HEADING) {
        if (b->level == 1 && (!em->paragraphs || same_title(d, s))) return NI_OK;
        return article_block_add(d->out, ARTICLE_BLOCK_HEADING, s, b->len);
    }
    em->paragraphs++;
    return article_block_add(d->out, ARTICLE_BLOCK_PARAGRAPH, s, b->len);
}

/* drop_trailing_headings: a heading with nothing after it is a section label, not content. */
static void drop_trailing_headings(article *a)
{
    while (a->nblocks && a->blocks[a->nblocks - 1].kind == ARTICLE_BLOCK_HEADING)
        free(a->blocks[--a->nblocks].text);
}

static int emit(html_doc *d, int all)
{
    emitter em = {d, 0, 0};
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        unsigned f = d->elems[b->elem].flags;
        if (b->signoff || (!b->lead && ((f & HE_DROP) || (!all && !(f & HE_SEL))))) continue;
        if (emit_block(&em, b)) return NI_ERR_NOMEM;
    }
    drop_trailing_headings(d->out);
    return NI_OK;
}

/* article_scope: the element whose captions belong to the article: the nearest <article> at or
 * above top, else top's parent. */
static int article_scope(const html_doc *d, int top)
{
    for (int a = top; a >= 0; a = d->elems[a].parent)
        if (d->elems[a].tag == MyHTML_TAG_ARTICLE) return a;
    return d->elems[top].parent >= 0 ? d->elems[top].parent : top;
}

/* harvest_extras: captions of the article outside the selected container (a <figure> beside the
 * body) and links under a "related"/"read also" label anywhere on the page (sidebars included). */
static int harvest_extras(html_doc *d, int top)
{
    int scope = article_scope(d, top), in_related = 0;
    for (size_t i = 0; i < d->nblocks; i++) {
        html_block *b = &d->blocks[i];
        unsigned f = d->elems[b->elem].flags;
        if (f & HE_SEL) continue; /* emitted already */
        const char *s = BLOCK_TEXT(d, b);
        int rc = NI_OK;
        if (b->kind == HB_CAPTION && !(f & HE_DROP) && is_ancestor(d, scope, b->elem))
            rc = article_caption_add(d->out, s, b->len);
        else if (b->chars < 80 && vocab_classify(s, b->len) == VOCAB_RELATED)
            in_related = 1;
        else if (in_related && b->href && b->link * 2 > b->chars)
            rc = article_related_add(d->out, s, b->href);
        else
            in_related = 0;
        if (rc) return rc;
    }
    return NI_OK;
}

/* body_chars: characters of the article's paragraphs so far. */
static size_t body_chars(const article *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nblocks; i++) n += strlen(a->blocks[i].text);
    return n;
}

/* emit_ld_body: the JSON-LD articleBody, one paragraph per line, replacing the blocks. */
static int emit_ld_body(html_doc *d)
{
    article *a = d->out;
    for (size_t i = 0; i < a->nblocks; i++) free(a->blocks[i].text);
    a->nblocks = 0;
    const char *s = d->meta.ld_body;
    while (*s) {
        size_t n = strcspn(s, "\n");
        size_t t = n;
        while (t && isspace((unsigned char)s[t - 1])) t--;
        const char *p = s;
        while (p < s + t && isspace((unsigned char)*p)) p++;
        if (p < s + t && article_block_add(a, ARTICLE_BLOCK_PARAGRAPH, p, (size_t)(s + t - p)))
            return NI_ERR_NOMEM;
        s += n + (s[n] == '\n');
    }
    return NI_OK;
}

/* first_block_of: index of the first block of the selected content (HE_SEL, set on top and
 * everything below it), d->nblocks when none. */
static size_t first_block_of(const html_doc *d)
{
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->elems[d->blocks[i].elem].flags & HE_SEL) return i;
    return d->nblocks;
}

/* in_navigation: element i lies in a <nav>, <aside>, <footer> or <menu> (dates there belong to
 * other pages or to today). */
static int in_navigation(const html_doc *d, int i)
{
    for (; i >= 0; i = d->elems[i].parent) {
        int t = d->elems[i].tag;
        if (t == MyHTML_TAG_NAV || t == MyHTML_TAG_ASIDE || t == MyHTML_TAG_FOOTER ||
            t == MyHTML_TAG_MENU)
            return 1;
    }
    return 0;
}

/* date_from_text: when the metadata gives no date, the first dated dateline in a short block
 * outside navigation, from the <h1> (else 10 blocks before the content) to 10 blocks into the
 * content, a dateline inside a longer line included ("Von X, 05.01.2025, 15:23 Uhr"). */
static void date_from_text(html_doc *d, int top)
{
    if (d->out->published_origin != ARTICLE_TIME_NONE || top < 0) return;
    size_t body = first_block_of(d), from = body > 10 ? body - 10 : 0;
    for (size_t i = from; i < body; i++)
        if (d->blocks[i].kind == HB_HEADING && d->blocks[i].level == 1) {
            from = i;
            break;
        }
    for (size_t i = from; i < d->nblocks && i < body + 10; i++) {
        const html_block *b = &d->blocks[i];
        article_datetime dt;
        if (b->chars > 200 || b->kind == HB_CAPTION || in_navigation(d, b->elem) ||
            extract_datetime_find(BLOCK_TEXT(d, b), b->len, &dt) != NI_OK)
            continue;
        d->out->published = dt;
        d->out->published_origin = ARTICLE_TIME_PAGE;
        return;
    }
}

/* words: the number of space-separated words of s[0..len). */
static int words(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) n++;
    return n;
}

/* kept_or_in_header: element i is kept, or dropped only as part of a <header> (the article's
 * header holds its headline and lead). */
static int kept_or_in_header(const html_doc *d, int i)
{
    for (; i >= 0 && (d->elems[i].flags & HE_DROP); i = d->elems[i].parent) {
        int p = d->elems[i].parent;
        if (p < 0 || !(d->elems[p].flags & HE_DROP))
            return d->elems[i].tag == MyHTML_TAG_HEADER && !(d->elems[i].flags & HE_NEG);
    }
    return 1;
}

/* reads_as_lead: a kept block of prose (a paragraph, or a subtitle heading), not a label,
 * not mostly links. */
static int reads_as_lead(const html_doc *d, const html_block *b)
{
    const char *s = BLOCK_TEXT(d, b);
    if (b->kind == HB_CAPTION || !kept_or_in_header(d, b->elem)) return 0;
    if (b->chars < HTML_LEAD_CHARS || b->link * 4 > b->chars) return 0;
    if (b->kind == HB_HEADING && b->level == 1) return 0;
    if (b->chars < 80 && vocab_classify(s, b->len) != VOCAB_NONE) return 0;
    article_datetime dt; /* a dateline ("Published 10:48, Tue, Nov 19, 2019 | Updated ...") */
    if (b->chars <= 200 && extract_datetime_find(s, b->len, &dt) == NI_OK) return 0;
    if (words(s, b->len) < HTML_LEAD_WORDS || in_navigation(d, b->elem)) return 0;
    for (int a = b->elem; a >= 0; a = d->elems[a].parent) /* said to be a lead, or a <header> */
        if (d->elems[a].flags & HE_LEAD) return 1;
    return 0;
}

/* below_body: i and j share an ancestor below <body> (the same article's parts). */
static int below_body(const html_doc *d, int i, int j)
{
    for (int a = d->elems[i].parent; a >= 0; a = d->elems[a].parent) {
        int t = d->elems[a].tag;
        if (t == MyHTML_TAG_BODY || t == MyHTML_TAG_HTML) return 0;
        if (is_ancestor(d, a, j)) return 1;
    }
    return 0;
}

/* mark_lead: the prose blocks between the last <h1> (else <h2>) before the body (HTML_LEAD_WINDOW
 * blocks at most, in the same part of the page) and the body: the lead or standfirst that a
 * page puts in the article's header, outside the body's container. */
static void mark_lead(html_doc *d, int top)
{
    size_t body = first_block_of(d);
    while (body < d->nblocks && !block_counts(d, &d->blocks[body])) body++; /* a dropped header */
    size_t h = body;
    for (int level = 1; level <= 2 && h == body; level++) /* the <h1>, else an <h2> */
        for (size_t i = body; i-- > 0 && body - i <= HTML_LEAD_WINDOW;)
            if (d->blocks[i].kind == HB_HEADING && d->blocks[i].level == level) {
                h = i;
                break;
            }
    if (h == body || !below_body(d, d->blocks[h].elem, top)) return;
    for (size_t i = h + 1; i < body; i++) {
        html_block *b = &d->blocks[i];
        b->lead = reads_as_lead(d, b);
        for (size_t j = h + 1; b->lead && j < i; j++) /* said twice (two layouts): once */
            b->lead = !d->blocks[j].lead || strcmp(BLOCK_TEXT(d, &d->blocks[j]), BLOCK_TEXT(d, b));
    }
}

/* name_shaped: 2 to 4 words, each opening with a capital (or a non-ASCII letter), letters and
 * . - ' only, under 48 bytes: "Lena Kovac", "Lê Phương". */
static int name_shaped(const char *s, size_t len)
{
    if (len >= 48) return 0;
    int n = words(s, len);
    if (n < 2 || n > 4) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 0 || s[i - 1] == ' ') {
            if (!isupper(c) && c < 0xC0) return 0;
        } else if (c < 0x80 && !isalpha(c) && !strchr(" .-'", c)) {
            return 0;
        }
    }
    return 1;
}

/* names_shaped: one to three name_shaped names joined by "/", "&" or ",". */
static int names_shaped(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && !strchr("/&,", s[j])) j++;
        size_t a = i, b = j;
        while (a < b && s[a] == ' ') a++;
        while (b > a && s[b - 1] == ' ') b--;
        if (++n > 3 || !name_shaped(s + a, b - a)) return 0;
        i = j + 1;
    }
    return 1;
}

/* signoff_at: block i (a kept paragraph of the body) is a name (or names) alone set in bold. */
static int signoff_at(const html_doc *d, size_t i)
{
    const html_block *b = &d->blocks[i];
    return b->kind == HB_PARA && b->bold == b->chars && names_shaped(BLOCK_TEXT(d, b), b->len);
}

/* take_signoff: when the metadata names no person (nothing, or the site), the author's name set
 * alone in bold as the body's first or last paragraph becomes the author and leaves the body. */
static int take_signoff(html_doc *d)
{
    const char *a = d->out->author;
    if (a && !extract_html_author_names_site(d, a, strlen(a))) return NI_OK;
    size_t at = d->nblocks, last = d->nblocks;
    int seen = 0; /* the first HTML_SIGNOFF_FIRST paragraphs, or the last one */
    for (size_t i = 0; i < d->nblocks; i++) {
        const html_block *b = &d->blocks[i];
        if (!(d->elems[b->elem].flags & HE_SEL) || !block_counts(d, b) || b->kind != HB_PARA ||
            b->chars < 3)
            continue;
        if (++seen <= HTML_SIGNOFF_FIRST && at == d->nblocks && signoff_at(d, i)) at = i;
        last = i;
    }
    if (at == d->nblocks && seen > HTML_SIGNOFF_FIRST && signoff_at(d, last)) at = last;
    if (at == d->nblocks || seen < 2) return NI_OK;
    d->blocks[at].signoff = 1;
    return extract_html_set(&d->out->author, BLOCK_TEXT(d, &d->blocks[at]), d->blocks[at].len);
}

int extract_html_content_select(html_doc *d)
{
    if (!d->nelems) return NI_OK;
    resolve_flags(d);
    totals(d);
    score_blocks(d);
    /* the JSON-LD container wins unless it lies inside the scored one (a partial articleBody) */
    int ld = best_by_ld(d), top = best_by_score(d);
    if (top >= 0) top = climb_to_prose(d, top);
    /* ... nor when it holds much less prose than the scored one (a summary as articleBody) */
    if (ld >= 0 &&
        (top < 0 || (!is_ancestor(d, top, ld) && d->elems[ld].kprose * 2 >= d->elems[top].kprose)))
        top = ld, d->elems[top].flags |= HE_SEL;
    else if (top >= 0)
        select_siblings(d, top);
    propagate_sel(d);
    if (top >= 0) mark_lead(d, top);
    int rc = top >= 0 ? take_signoff(d) : NI_OK;
    rc = rc ? rc : emit(d, top < 0);
    if (!rc && top >= 0) rc = harvest_extras(d, top);
    if (rc) return rc;
    date_from_text(d, top);
    size_t ldn = d->meta.ld_body ? strlen(d->meta.ld_body) : 0;
    if (ldn >= 200 && body_chars(d->out) * 2 < ldn) rc = emit_ld_body(d);
    return rc;
}
