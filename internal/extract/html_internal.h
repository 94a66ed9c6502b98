/* html_internal.h: the HTML extractor's working state, shared by html.c, html_meta.c and
 * html_content.c only (not part of the stage API). */
#ifndef NI_EXTRACT_HTML_INTERNAL_H
#define NI_EXTRACT_HTML_INTERNAL_H

#include "extract/article.h"
#include "util/sbuf.h"

#include <myhtml/api.h>
#include <stddef.h>

/* Deepest element nesting the walk descends into; deeper markup is skipped (QUALITY_MARKUP_DEEP).
 */
#define HTML_MAX_DEPTH 1024

/* Element flags. */
enum {
    HE_BOILER = 1u << 0,  /* structural page chrome (nav, aside, footer, role=navigation) */
    HE_NEG = 1u << 1,     /* class/id says chrome (share, related, comment, sidebar...) */
    HE_POS = 1u << 2,     /* class/id says content (article, body, content, story...) */
    HE_CAPTION = 1u << 3, /* figure caption or credit */
    HE_ABODY = 1u << 4,   /* itemprop=articleBody */
    HE_BYLINE = 1u << 5,  /* author/byline element */
    HE_BLOCK = 1u << 6,   /* splits paragraphs */
    HE_DROP = 1u << 7,    /* effective: not article text (computed after the walk) */
    HE_SEL = 1u << 8,     /* effective: inside the selected content (computed) */
    HE_FIGURE = 1u << 9,  /* <figure>: text inside is caption unless it is a paragraph */
    HE_STRONG = 1u << 10, /* holds the page's <article>/articleBody (never dropped as chrome) */
    HE_WEAK = 1u << 11,   /* HE_NEG by a weak chrome word only: kept when its text reads as prose */
    HE_LEAD = 1u << 12,   /* class/id says lead or standfirst */
};

/* What the words of a class/id say (extract_html_class_what). */
enum {
    HC_NEG_STRONG = 1u << 0, /* chrome even beside a content word, even when it reads as prose */
    HC_NEG = 1u << 1,        /* chrome unless a content word is beside it or the text is prose */
    HC_POS = 1u << 2,        /* content */
    HC_CAPTION = 1u << 3,    /* caption or credit */
    HC_BYLINE = 1u << 4,     /* author/byline */
    HC_LEAD = 1u << 5,       /* lead, standfirst, summary before the body */
};

/* extract_html_class_what: HC_* bits of a class or id value s[0..len): its words (cut at
 * non-letters and camelCase humps, lower-cased) looked up whole, or joined with a known part
 * ("sharebar", "topnav"); a word after no/non/not/has/without... is ignored. Never fails. */
unsigned extract_html_class_what(const char *s, size_t len);

typedef struct html_elem {
    int parent; /* index into html_doc.elems, -1 for the root */
    int owner;  /* nearest block-level element (self when block) */
    int tag;    /* myhtml_tag_id_t */
    unsigned flags;
    float weight; /* class/id/tag prior added to the content score */
    float score;  /* paragraph score collected from descendants */
    int text;     /* characters of block text below (not counting dropped text) */
    int link;     /* of which inside links */
    int raw;      /* characters of block text below, all of it */
    int prose;    /* of which in paragraphs of 80+ characters with few links */
    int kprose;   /* prose below that is not dropped as chrome */
    int matched;  /* characters of blocks found in the JSON-LD articleBody */
    int scope;    /* raw text of the nearest <article>/articleBody element at or above, or 0 */
} html_elem;

enum { HB_PARA = 0, HB_HEADING, HB_ITEM, HB_CAPTION };

typedef struct html_block {
    size_t off, len; /* text in html_doc.text */
    int elem;        /* owning block element */
    int chars, link; /* characters, of which inside links */
    int commas;
    int kind;         /* HB_* */
    int level;        /* heading level 1-6 */
    int in_ld;        /* found in the JSON-LD articleBody */
    int lead;         /* the article's lead, between the <h1> and the body */
    int bold;         /* characters inside <b>/<strong> */
    int signoff;      /* the author's name alone, bold, opening or closing the body */
    const char *href; /* URL of the block's only link (owned by the tree), NULL when none */
} html_block;

/* Metadata candidates found in the page (each owned, NULL when absent). */
typedef struct html_meta {
    char *title_tag, *meta_title, *ld_headline, *ld_name, *h1;
    char *og_title, *tw_title; /* og:title and twitter:title as stated */
    int title_rank, author_rank;
    char *ld_author, *meta_author, *rel_author, *byline;
    char *byline_in; /* a prefixed byline nested in the first one */
    int byline_elem; /* element index of the first byline */
    char *og_site, *ld_publisher;
    char *ld_date, *meta_date, *time_date, *ld_any_date;
    int meta_date_rank;
    char *og_url, *canonical, *ld_url;
    char *lang, *dir, *meta_lang, *ld_lang;
    char *description, *ld_body;
} html_meta;

typedef struct html_doc {
    myhtml_tree_t *tree;
    html_elem *elems;
    size_t nelems, cap_elems;
    html_block *blocks;
    size_t nblocks, cap_blocks;
    sbuf text; /* block texts, each NUL-terminated */
    sbuf cur;  /* the paragraph being collected */
    int cur_chars, cur_link, cur_links;
    const char *cur_href;
    int link_depth, br_run;
    int bold_depth, cur_bold; /* inside <b>/<strong>; the paragraph's bold characters */
    unsigned quality;
    int nomem;
    html_meta meta;
    article *out; /* keywords are added as they are found */
} html_doc;

/* extract_html_meta_element: records metadata carried by element node (meta, link, title, script
 * ld+json, html lang/dir, time). Returns nonzero when the element's subtree is metadata only. */
int extract_html_meta_element(html_doc *d, myhtml_tree_node_t *node, int tag);
/* extract_html_meta_finish: chooses title, author, site, time, URLs, language into d->out. NI_OK or
 * NI_ERR_NOMEM. */
int extract_html_meta_finish(html_doc *d);
/* extract_html_author_names_site: s[0..len) names the page's site (its stated name, publisher or
 * host). */
int extract_html_author_names_site(const html_doc *d, const char *s, size_t len);
/* extract_html_meta_free: frees every candidate. */
void extract_html_meta_free(html_meta *m);

/* extract_html_content_select: scores the collected blocks, selects the article content and appends
 * its paragraphs, headings and captions to d->out. NI_OK or NI_ERR_NOMEM. */
int extract_html_content_select(html_doc *d);

/* extract_html_attr: value of attribute key on node (NUL-terminated, owned by the tree) or NULL. */
const char *extract_html_attr(myhtml_tree_node_t *node, const char *key, size_t *len);
/* extract_html_node_text: text below node, whitespace collapsed, at most max bytes, into a fresh
 * string (NULL when out of memory or empty). Iterative. */
char *extract_html_node_text(myhtml_tree_node_t *node, size_t max);
/* extract_html_set: replaces *field with a trimmed copy of s (empty -> unchanged);
 * NI_OK/NI_ERR_NOMEM. */
int extract_html_set(char **field, const char *s, size_t len);

#endif
