/* test_extract_classes.c: the HTML extractor's failure classes on unseen news sites (issue 10),
 * each on a small page written for this test: class words matched as whole words, negations,
 * prose outweighing a weak class word, and the class-word splitter itself. */
#include "extract/extract.h"
#include "html_internal.h"
#include "support_extract.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static extract_ctx *ctx;

static void setup(void)
{
    char err[256];
    ctx = extract_ctx_create(err, sizeof err);
    cr_assert_not_null(ctx, "%s", err);
}

static void teardown(void)
{
    extract_ctx_destroy(ctx);
}

TestSuite(extract_classes, .init = setup, .fini = teardown);

/* run: extracts html (must succeed). body: its paragraphs joined (static buffer). */
static article *run(const char *html)
{
    return support_extract_html(ctx, html);
}

static const char *body(const article *a)
{
    return support_article_body(a);
}

#define Q1                                                                                         \
    "The valley's orchard growers gathered in the school hall on Thursday to decide whether the "  \
    "cooperative should buy a second cold store before the apple harvest begins."
#define Q2                                                                                         \
    "Members who spoke in favour said last year's crop had rotted on pallets while trucks waited " \
    "for space, and that the loan would be repaid within four seasons."
#define Q3                                                                                         \
    "Those against the purchase, mostly smaller growers, argued that renting space in the town "   \
    "depot would cost less and leave the cooperative free of debt for now."
#define Q4                                                                                         \
    "The vote was carried by a narrow margin, and the board said it would publish the tender "     \
    "for the building in the regional bulletin within the month."

Test(extract_classes, chrome_words_inside_other_words_do_not_drop_text)
{
    /* each paragraph in a container whose class holds a chrome word only inside another word or
     * after a negation; none of them holds half of the page's text */
    const char *html =
        "<html class=\"no-js cookie-consent\"><body class=\"no-sidebars\">"
        "<nav><a href=\"/\">Home</a> <a href=\"/farming\">Farming</a></nav>"
        "<div class=\"page\"><h1>Growers vote for a cold store</h1>"
        "<div class=\"commentary-column\"><p class=\"selectionShareable\">" Q1 "</p></div>"
        "<div class=\"has-ads\"><p>" Q2 "</p></div>"
        "<div class=\"no-print\"><p>" Q3 "</p></div>"
        "<div class=\"node-promoted\"><p>" Q4 "</p></div>"
        "<div class=\"share-buttons\"><a href=\"#\">Share this story with a friend</a></div>"
        "</div></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_not_null(strstr(b, Q1), "selectionShareable/commentary dropped: %s", b);
    cr_expect_not_null(strstr(b, Q2), "has-ads dropped: %s", b);
    cr_expect_not_null(strstr(b, Q3), "no-print dropped: %s", b);
    cr_expect_not_null(strstr(b, Q4), "node-promoted dropped: %s", b);
    cr_expect_null(strstr(b, "Share this story"), "share widget kept: %s", b);
    article_destroy(a);
}

Test(extract_classes, prose_outweighs_weak_class_word)
{
    /* a layout grid named after a sidebar and a page-builder widget wrapper around the article's
     * sections; a real sidebar of links beside them */
    const char *html =
        "<html><body><main><article><h1>Growers vote for a cold store</h1>"
        "<div class=\"sidebar-grid\"><div class=\"sidebar-grid__content\"><p>" Q1 "</p><p>" Q2
        "</p></div></div>"
        "<div class=\"sidebar-grid\"><div class=\"elementor-widget-container\"><p>" Q3 "</p><p>" Q4
        "</p></div></div>"
        "</article><div class=\"sidebar\"><ul><li><a href=\"/1\">Market prices for the week "
        "ahead</a></li><li><a href=\"/2\">Weather warning for the valley tonight</a></li></ul>"
        "</div></main></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_not_null(strstr(b, Q1), "body: %s", b);
    cr_expect_not_null(strstr(b, Q2), "body: %s", b);
    cr_expect_not_null(strstr(b, Q3), "body: %s", b);
    cr_expect_not_null(strstr(b, Q4), "body: %s", b);
    cr_expect_null(strstr(b, "Market prices"), "sidebar kept: %s", b);
    article_destroy(a);
}

static unsigned what(const char *s)
{
    return extract_html_class_what(s, strlen(s));
}

Test(extract_classes, class_words_split_and_negated)
{
    cr_expect(what("share-buttons") & HC_NEG_STRONG);
    cr_expect(what("shareBar") & HC_NEG_STRONG);
    cr_expect(what("sharebar") & HC_NEG_STRONG, "a known part joins a class word");
    cr_expect_eq(what("selectionShareable") & (HC_NEG | HC_NEG_STRONG), 0);
    cr_expect_eq(what("commentary") & (HC_NEG | HC_NEG_STRONG), 0);
    cr_expect(what("comments-list") & HC_NEG_STRONG);
    cr_expect_eq(what("has-ads"), 0);
    cr_expect_eq(what("no-print"), 0);
    cr_expect_eq(what("noPrint"), 0);
    cr_expect(what("print-only") & HC_NEG);
    cr_expect_eq(what("non-paywall") & HC_NEG, 0);
    cr_expect(what("paywall") & HC_NEG);
    cr_expect_eq(what("node-promoted"), 0);
    cr_expect_eq(what("header-adjust"), 0, "ad inside a word");
    cr_expect(what("top-ad ad-slot") & HC_NEG);
    cr_expect(what("articleBody") & HC_POS);
    cr_expect(what("story_content") & HC_POS);
    cr_expect(what("writeBy") & HC_BYLINE);
    cr_expect_eq(what("powered-by") & HC_BYLINE, 0);
    cr_expect(what("author-name") & HC_BYLINE);
    /* generated names (CSS modules) say nothing, however their letters fall */
    cr_expect_eq(what("Typography_text__P3otY storyline_paragraph_p__qSR5N") & HC_NEG_STRONG, 0);
    cr_expect_eq(what("Story_body__pqAdH") & (HC_NEG | HC_NEG_STRONG), 0);
    cr_expect(what("sr-only") & HC_NEG_STRONG);
}

Test(extract_classes, character_references_in_jsonld_and_meta_decoded)
{
    const char *html =
        "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"headline\":\"Growers say &quot;yes&quot; to a &#8216;second&#8217; store\","
        "\"author\":{\"@type\":\"Person\",\"name\":\"J&ouml;rg M&uuml;ller\"}}</script>"
        "</head><body><p>" Q1 "</p></body></html>";
    article *a = run(html);
    cr_expect_str_eq(a->title, "Growers say \"yes\" to a \xe2\x80\x98second\xe2\x80\x99 store");
    cr_expect_str_eq(a->author, "J\xc3\xb6rg M\xc3\xbcller");
    article_destroy(a);
    const char *meta =
        "<html><head><meta property=\"og:title\" content=\"K&amp;uuml;hlt&amp;uuml;rme "
        "gesprengt\"></head><body><p>" Q2 "</p></body></html>";
    a = run(meta);
    cr_expect_str_eq(a->title, "K\xc3\xbchlt\xc3\xbcrme gesprengt", "doubly encoded: %s", a->title);
    article_destroy(a);
}

/* date_of: the published date of a page as "YYYY-MM-DD" (static buffer, "" when none). */
static const char *date_of(const char *html)
{
    static char buf[16];
    article *a = run(html);
    buf[0] = '\0';
    if (a->published.year)
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", a->published.year, a->published.month,
                 a->published.day);
    article_destroy(a);
    return buf;
}

Test(extract_classes, dates_in_more_metadata_shapes)
{
    /* a meta name with colons, a space before the offset */
    cr_expect_str_eq(date_of("<html><head><meta name=\"article:published:time\" "
                             "content=\"2024-10-23T15:48:15+00:00\"></head><body><p>" Q1
                             "</p></body></html>"),
                     "2024-10-23");
    cr_expect_str_eq(date_of("<html><head><meta name=\"date.available\" content=\"2026-01-06 "
                             "14:02:09 +01:00\"></head><body><p>" Q1 "</p></body></html>"),
                     "2026-01-06");
    /* JSON-LD datePublished on a type that is not an article, with a UTC suffix */
    cr_expect_str_eq(date_of("<html><head><script type=\"application/ld+json\">{\"@type\":"
                             "\"ClaimReview\",\"datePublished\":\"2020-01-05 10:00:00 UTC\"}"
                             "</script></head><body><p>" Q1 "</p></body></html>"),
                     "2020-01-05");
}

/* author_of: the author of a page (static buffer, "" when none). */
static const char *author_of(const char *html)
{
    static char buf[256];
    article *a = run(html);
    snprintf(buf, sizeof buf, "%s", a->author ? a->author : "");
    article_destroy(a);
    return buf;
}

Test(extract_classes, bylines_cleaned_and_non_names_rejected)
{
    /* byline prefixes in other languages, a trailing dateline */
    cr_expect_str_eq(author_of("<html><body><div class=\"author\">Von: Nadia Kessler</div><p>" Q1
                               "</p></body></html>"),
                     "Nadia Kessler");
    cr_expect_str_eq(author_of("<html><body><div class=\"byline\">Por Lucía Ortega</div><p>" Q1
                               "</p></body></html>"),
                     "Lucía Ortega");
    cr_expect_str_eq(
        author_of("<html><body><div class=\"writeBy\">Autor: Ben Adler und Lea Sommer, "
                  "Basel 05.01.2025, 15:23</div><p>" Q1 "</p></body></html>"),
        "Ben Adler und Lea Sommer, Basel");
    /* an e-mail address is not a name; the byline element is */
    cr_expect_str_eq(
        author_of("<html><head><meta name=\"author\" content=\"n.kessler@news.example\">"
                  "</head><body><span class=\"author-name\">Nadia Kessler</span><p>" Q1
                  "</p></body></html>"),
        "Nadia Kessler");
    /* the site named as author gives way to a person's byline, and stays when it is all there is */
    const char *site_and_person =
        "<html><head><meta property=\"og:site_name\" content=\"Valley Courier\">"
        "<meta name=\"author\" content=\"Valley Courier\"></head><body>"
        "<p class=\"byline\">By Tom Reyes</p><p>" Q1 "</p></body></html>";
    cr_expect_str_eq(author_of(site_and_person), "Tom Reyes");
    cr_expect_str_eq(author_of("<html><head><meta property=\"og:site_name\" content=\"Valley "
                               "Courier\"><meta name=\"author\" content=\"Valley Courier\"></head>"
                               "<body><p>" Q1 "</p></body></html>"),
                     "Valley Courier");
}

#define S1 "The council opened the new ferry landing on Monday after two years of work on the pier"
#define S2 "Passengers can now board from the south side where the water stays deep at low tide"
#define S3 "The operator said the first boats would run every hour until the end of the summer"
#define S4 "Residents who had asked for a shelter at the landing will get one before the winter"
#define S5 "The old landing will close next month and the land will become a small public garden"

Test(extract_classes, short_block_with_content_class_loses_to_article_prose)
{
    /* the article's paragraphs (no class words, a few links) against one short block whose class
     * says content (a newsletter call) */
    const char *html =
        "<html><body><main><div><section>"
        "<p>" S1 " (<a href=\"/a\">map</a>).</p><p>" S2 ".</p><p>" S3
        " (<a href=\"/t\">times</a>).</p>"
        "<p>" S4 ".</p><p>" S5 ".</p></section></div>"
        "<div class=\"story-content\"><div><p>Sign up to our free morning newsletter to keep "
        "reading "
        "every story about the harbour and the ferries and the island towns</p></div></div>"
        "</main></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_not_null(strstr(b, S1), "body: %s", b);
    cr_expect_not_null(strstr(b, S5), "body: %s", b);
    cr_expect_null(strstr(b, "newsletter"), "the short block won: %s", b);
    article_destroy(a);
}

Test(extract_classes, byline_with_site_and_dateline_keeps_the_person)
{
    cr_expect_str_eq(author_of("<html><head><meta property=\"og:site_name\" content=\"Valley "
                               "Courier\"></head><body><div class=\"byline\">von Tom Reyes, "
                               "Valley Courier Stand: 28. April 2023, 05:00 Uhr</div><p>" Q1
                               "</p></body></html>"),
                     "Tom Reyes");
    cr_expect_str_eq(author_of("<html><body><div class=\"author\">Veröffentlicht am 27.04.24 um "
                               "07:39 Uhr</div><p>" Q1 "</p></body></html>"),
                     "", "a dateline is no name");
}

Test(extract_classes, dateline_in_the_page_when_metadata_has_none)
{
    const char *html = "<html><body><nav><a href=\"/\">Home</a> 3 March 2025</nav><main>"
                       "<h1>Growers vote for a cold store</h1>"
                       "<div class=\"info\">erstellt: 01. April 2025, 15:25 in: Region | 0</div>"
                       "<p>" Q1 "</p><p>" Q2 "</p></main></body></html>";
    cr_expect_str_eq(date_of(html), "2025-04-01");
}

Test(extract_classes, summary_given_as_jsonld_article_body_does_not_replace_the_body)
{
    /* the JSON-LD articleBody is only the summary bullets above the article */
    const char *html =
        "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"articleBody\":\"Growers in the valley voted to buy a second cold store for the apple "
        "harvest. The loan is to be repaid within four seasons, the board said. Smaller growers "
        "wanted to rent space in the town depot instead.\"}</script></head><body><div>"
        "<ul class=\"bullets\"><li>Growers in the valley voted to buy a second cold store for the "
        "apple harvest.</li><li>The loan is to be repaid within four seasons, the board said.</li>"
        "<li>Smaller growers wanted to rent space in the town depot instead.</li></ul>"
        "<div class=\"story\"><p>" Q1 "</p><p>" Q2 "</p><p>" Q3 "</p><p>" Q4
        "</p></div></div></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_not_null(strstr(b, Q1), "body: %s", b);
    cr_expect_not_null(strstr(b, Q4), "body: %s", b);
    article_destroy(a);
}

Test(extract_classes, title_suffix_naming_the_host_cut_a_site_name_kept)
{
    article *a =
        run("<html><head><link rel=\"canonical\" href=\"https://www.valley-news.example/a/1\">"
            "<meta property=\"og:title\" content=\"Growers vote for a cold store - "
            "Valley-News.example\"></head><body><p>" Q1 "</p></body></html>");
    cr_expect_str_eq(a->title, "Growers vote for a cold store");
    article_destroy(a);
    a = run("<html><head><link rel=\"canonical\" href=\"https://www.valley-news.example/a/1\">"
            "<meta property=\"og:title\" content=\"Growers vote for a cold store | Valley News\">"
            "</head><body><p>" Q1 "</p></body></html>");
    cr_expect_str_eq(a->title, "Growers vote for a cold store | Valley News",
                     "the publisher's metadata title keeps a bare site name");
    article_destroy(a);
}

Test(extract_classes, jsonld_person_stated_by_given_and_family_name)
{
    cr_expect_str_eq(
        author_of("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
                  "\"author\":[{\"@type\":\"Person\",\"givenName\":\"Nadia\",\"familyName\":"
                  "\"Kessler\"},{\"@type\":\"Person\",\"givenName\":\"Tom\",\"familyName\":"
                  "\"Reyes\"}]}</script></head><body><p>" Q1 "</p></body></html>"),
        "Nadia Kessler, Tom Reyes");
}

Test(extract_classes, prefixed_byline_nested_among_brand_label_and_dates)
{
    /* the byline box holds a brand label, the prefixed name and dated items: the name is read */
    cr_expect_str_eq(
        author_of("<html><head><meta property=\"og:site_name\" content=\"Valley Courier\">"
                  "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":"
                  "{\"@type\":\"Organization\",\"name\":\"Valley Courier\"}}</script></head><body>"
                  "<div class=\"authors\"><span class=\"authors__brand\">orchard</span><ul><li "
                  "class=\"authors__item\">von Nadia Kessler</li></ul><ul><li>05.01.2025</li>"
                  "<li>3 Min. Lesezeit</li></ul></div><p>" Q1 "</p></body></html>"),
        "Nadia Kessler");
}

Test(extract_classes, title_decoration_cut_when_another_statement_agrees_with_h1)
{
    /* og:title decorated, twitter:title and <h1> the bare headline: two statements win */
    article *a =
        run("<html><head><meta property=\"og:title\" content=\"Growers vote for a cold "
            "store | Courier | 05.01.2025\"><meta name=\"twitter:title\" content=\"Growers "
            "vote for a cold store\"></head><body><h1>Growers vote for a cold store</h1>"
            "<p>" Q1 "</p></body></html>");
    cr_expect_str_eq(a->title, "Growers vote for a cold store");
    article_destroy(a);
    /* the <h1> alone against the metadata title: the publisher's title stays */
    a = run("<html><head><meta property=\"og:title\" content=\"Growers vote for a cold store | "
            "Courier\"></head><body><h1>Growers vote for a cold store</h1><p>" Q1
            "</p></body></html>");
    cr_expect_str_eq(a->title, "Growers vote for a cold store | Courier");
    article_destroy(a);
}

#define LEAD "Growers in the valley voted for a second cold store, and the smaller farms want a say"

Test(extract_classes, lead_between_headline_and_body_kept)
{
    /* the standfirst sits in the article's header, outside the body's container, classed lead */
    const char *html = "<html><body><article><header class=\"story__hero\"><h1>Growers vote for "
                       "a cold store</h1><div class=\"story__lead\"><p>" LEAD "</p></div>"
                       "<p class=\"story__lead\">Published 10:48, Tue, Nov 19, 2019 | Updated "
                       "11:05, Tue, Nov 19, 2019 and more</p></header><div class=\"story-body\">"
                       "<p>" Q1 "</p><p>" Q2 "</p><p>" Q3 "</p></div></article></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_eq(strncmp(b, LEAD, strlen(LEAD)), 0, "lead first: %s", b);
    cr_expect_null(strstr(b, "Published"), "a dateline is no lead: %s", b);
    cr_expect_not_null(strstr(b, Q3), "body: %s", b);
    article_destroy(a);
    /* a block there that nothing calls a lead stays out (a teaser, a promotion) */
    html = "<html><body><article><header><h1>Growers vote for a cold store</h1><div "
           "class=\"box\"><p>" LEAD "</p></div></header><div class=\"story-body\"><p>" Q1
           "</p><p>" Q2 "</p><p>" Q3 "</p></div></article></body></html>";
    a = run(html);
    b = body(a);
    cr_expect_null(strstr(b, LEAD), "body: %s", b);
    article_destroy(a);
}

Test(extract_classes, lead_marked_by_data_attribute_after_h2_headline)
{
    /* generated class names; the lead is named in a data-* attribute; the headline is an <h2> */
    const char *html = "<html><body><main><div class=\"x9Ab3\"><h2>Growers vote for a cold "
                       "store</h2><div class=\"qS4nT\" data-qa=\"Article.Intro\">" LEAD "</div>"
                       "</div><div class=\"k2LmP\"><p>" Q1 "</p><p>" Q2 "</p><p>" Q3 "</p></div>"
                       "</main></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_eq(strncmp(b, LEAD, strlen(LEAD)), 0, "lead first: %s", b);
    article_destroy(a);
}

Test(extract_classes, lead_class_words)
{
    cr_expect(what("article__desc") & HC_LEAD);
    cr_expect(what("preface") & HC_LEAD);
    cr_expect(what("epigraph") & HC_LEAD);
    cr_expect(what("c-summary__intro") & HC_LEAD);
    cr_expect_eq(what("leader-board") & HC_LEAD, 0, "lead inside another word");
}

Test(extract_classes, bold_name_opening_or_closing_the_body_is_the_byline)
{
    const char *site = "<html><head><meta property=\"og:site_name\" content=\"Valley Courier\">"
                       "<meta name=\"author\" content=\"Valley Courier\"></head><body><div>";
    char html[2048];
    snprintf(html, sizeof html,
             "%s<p>\xc2\xa0</p><p><strong>Nadia Kessler/Tom Reyes</strong></p><p>" Q1 "</p><p>" Q2
             "</p><p>" Q3 "</p></div></body></html>",
             site);
    article *a = run(html);
    cr_expect_str_eq(a->author, "Nadia Kessler/Tom Reyes");
    cr_expect_null(strstr(body(a), "Nadia"), "the name leaves the body: %s", body(a));
    article_destroy(a);
    snprintf(html, sizeof html,
             "%s<p>" Q1 "</p><p>" Q2 "</p><p>" Q3 "</p><p>" Q4
             "</p><p style=\"text-align:right\"><b>L\xc3\xaa Ph\xc6\xb0\xc6\xa1ng</b></p></div>"
             "</body></html>",
             site);
    a = run(html);
    cr_expect_str_eq(a->author, "L\xc3\xaa Ph\xc6\xb0\xc6\xa1ng");
    article_destroy(a);
    /* a stated person stays; a bold line that is no name is no byline */
    cr_expect_str_eq(author_of("<html><head><meta name=\"author\" content=\"Ada Brandt\"></head>"
                               "<body><div><p>" Q1 "</p><p>" Q2 "</p><p><b>Tom Reyes</b></p></div>"
                               "</body></html>"),
                     "Ada Brandt");
    cr_expect_str_eq(author_of("<html><body><div><p>" Q1 "</p><p>" Q2 "</p><p><b>Read the full "
                               "report here</b></p></div></body></html>"),
                     "");
}

Test(extract_classes, lead_as_a_deck_heading_after_many_header_lines)
{
    /* the deck is an <h2> under 80 characters; bylines, dates and a caption come between */
    const char *html =
        "<html><body><main><h1>Growers vote for a cold store</h1>"
        "<h2 class=\"deck\">The vote came days after the old store flooded in the "
        "spring rain</h2><div class=\"meta\"><span>Nadia Kessler</span><span>Posted: "
        "Aug 08, 2024</span><span>1</span><span>2</span><span>3</span><span>4</span>"
        "<span>5</span><span>6</span><span>7</span><span>8</span><span>9</span>"
        "<span>10</span></div><div class=\"story-body\"><p>" Q1 "</p><p>" Q2 "</p><p>" Q3
        "</p></div></main></body></html>";
    article *a = run(html);
    const char *b = body(a);
    cr_expect_not_null(strstr(b, "The vote came days after"), "body: %s", b);
    article_destroy(a);
}

Test(extract_classes, kicker_before_the_headline_in_jsonld_left_out)
{
    const char *fmt =
        "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"headline\":\"%s: Growers vote for a cold store\"}</script><meta "
        "property=\"og:title\" content=\"Growers vote for a cold store\"></head><body>"
        "<p>" Q1 "</p></body></html>";
    char html[1024];
    snprintf(html, sizeof html, fmt, "Apple harvest");
    article *a = run(html);
    cr_expect_str_eq(a->title, "Growers vote for a cold store");
    article_destroy(a);
    /* more than a label before the colon: the JSON-LD headline stays */
    snprintf(html, sizeof html, fmt, "After two wet summers and a flooded depot in the valley");
    a = run(html);
    cr_expect_str_eq(a->title, "After two wet summers and a flooded depot in the valley: Growers "
                               "vote for a cold store");
    article_destroy(a);
}

Test(extract_classes, jsonld_article_as_the_main_entity_of_a_page)
{
    cr_expect_str_eq(
        author_of("<html><head><meta name=\"dc.creator\" content=\"Kessler, Nadia\"><script "
                  "type=\"application/ld+json\">{\"mainEntity\":{\"@type\":\"NewsArticle\","
                  "\"author\":[{\"@type\":\"Person\",\"name\":\"Nadia Kessler\"}]}}</script>"
                  "</head><body><p>" Q1 "</p></body></html>"),
        "Nadia Kessler");
}
