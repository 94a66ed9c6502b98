/* test_extract_html.c: the HTML extractor on small pages written for these tests (English and
 * Arabic): content vs page chrome, subheadings, captions, metadata, robustness. */
#include "extract/extract.h"
#include "support_extract.h"
#include "util/err.h"
#include "util/quality.h"

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

TestSuite(extract_html, .init = setup, .fini = teardown);

/* run: extracts html (must succeed). body: its paragraphs joined (static buffer). */
static article *run(const char *html)
{
    return support_extract_html(ctx, html);
}

static const char *body(const article *a)
{
    return support_article_body(a);
}

static int has_block(const article *a, article_block_kind kind, const char *text)
{
    for (size_t i = 0; i < a->nblocks; i++)
        if (a->blocks[i].kind == kind && !strcmp(a->blocks[i].text, text)) return 1;
    return 0;
}

#define P1                                                                                         \
    "The harbour council voted on Tuesday to rebuild the old stone pier, ending a debate that "    \
    "had run for more than six years."
#define P2                                                                                         \
    "Engineers said the new pier would rest on the original foundations, which survived two "      \
    "storms, and would open to walkers next spring."
#define P3                                                                                         \
    "Fishermen, who had asked for deeper berths, said they were satisfied with the plan but "      \
    "wanted the work to start before the winter season."

static const char *english_page =
    "<!DOCTYPE html><html lang=\"en\"><head><title>Council rebuilds the pier | Coast "
    "Gazette</title>"
    "<meta property=\"og:site_name\" content=\"Coast Gazette\">"
    "<meta property=\"og:title\" content=\"Council rebuilds the pier | Coast Gazette\">"
    "<meta name=\"author\" content=\"Mara Quill\">"
    "<meta property=\"article:published_time\" content=\"2021-11-05T13:04:00+03:00\">"
    "<meta name=\"keywords\" content=\"harbour, pier, council\">"
    "<link rel=\"canonical\" href=\"https://gazette.example/pier\"></head><body>"
    "<header><a href=\"/\">Home</a> <a href=\"/world\">World news</a></header>"
    "<nav><ul><li><a href=\"/a\">Sports section</a></li><li><a href=\"/b\">Weather "
    "section</a></li></ul></nav>"
    "<div class=\"layout\"><article><h1>Council rebuilds the pier</h1>"
    "<div class=\"share-tools\"><a href=\"#\">Share</a> <a href=\"#\">Print</a></div>"
    "<div class=\"article-body\"><p>" P1 "</p>"
    "<figure><img src=\"p.jpg\"><figcaption>The old pier at low tide.</figcaption></figure>"
    "<p>" P2 "</p><h2>What fishermen want</h2><p>" P3 "</p>"
    "<div class=\"related-articles\"><h3>Related articles</h3><ul>"
    "<li><a href=\"/x\">Lighthouse keeper retires after forty years on the rocks</a></li>"
    "<li><a href=\"/y\">Ferry timetable changes for the holiday season this "
    "year</a></li></ul></div>"
    "</div></article>"
    "<aside class=\"sidebar\"><h3>Most read</h3><p>A sidebar story about a town fair that is long "
    "enough to be scored as a paragraph.</p></aside></div>"
    "<footer><p>Copyright the Coast Gazette, all rights reserved, contact and legal "
    "notices.</p></footer>"
    "</body></html>";

Test(extract_html, content_found_chrome_removed)
{
    article *a = run(english_page);
    const char *b = body(a);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, P1), "body: %s", b);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, P2), "body: %s", b);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, P3), "body: %s", b);
    cr_expect_null(strstr(b, "Home"), "nav leaked: %s", b);
    cr_expect_null(strstr(b, "Sports section"), "nav leaked: %s", b);
    cr_expect_null(strstr(b, "Share"), "share leaked: %s", b);
    cr_expect_null(strstr(b, "Lighthouse keeper"), "related leaked: %s", b);
    cr_expect_null(strstr(b, "town fair"), "sidebar leaked: %s", b);
    cr_expect_null(strstr(b, "Copyright"), "footer leaked: %s", b);
    cr_expect_null(strstr(b, "Council rebuilds the pier"), "title repeated in body: %s", b);
    article_destroy(a);
}

Test(extract_html, subheading_kept_caption_separated)
{
    article *a = run(english_page);
    cr_expect(has_block(a, ARTICLE_BLOCK_HEADING, "What fishermen want"), "body: %s", body(a));
    cr_expect_null(strstr(body(a), "low tide"), "caption in body: %s", body(a));
    cr_assert_eq(a->ncaptions, 1);
    cr_expect_str_eq(a->captions[0], "The old pier at low tide.");
    article_destroy(a);
}

Test(extract_html, meta_and_og_metadata)
{
    article *a = run(english_page);
    /* og:title is the publisher's statement and stays verbatim, suffix included. */
    cr_expect_str_eq(a->title, "Council rebuilds the pier | Coast Gazette");
    cr_expect_str_eq(a->site_name, "Coast Gazette");
    cr_expect_str_eq(a->author, "Mara Quill");
    cr_expect_str_eq(a->canonical_url, "https://gazette.example/pier");
    cr_expect_str_eq(a->language, "en");
    cr_expect_eq(a->published_origin, ARTICLE_TIME_METADATA);
    cr_expect_eq(a->published.year, 2021);
    cr_expect_eq(a->published.month, 11);
    cr_expect_eq(a->published.hour, 13);
    cr_assert_eq(a->nkeywords, 3);
    cr_expect_str_eq(a->keywords[1], "pier");
    cr_expect_eq(a->views, ARTICLE_VIEWS_NONE);
    article_destroy(a);
}

#define AR1                                                                                                                                                                  \
    "أعلنت البلدية اليوم عن خطة لترميم السوق القديم في وسط المدينة، وقالت إن الأعمال ستبدأ مطلع " \
    "الشهر المقبل وتستمر عامًا كاملًا."
#define AR2                                                                                                                                                               \
    "وأضاف رئيس البلدية أن التجار سيحصلون على محال مؤقتة قرب الساحة العامة، وأن الطرق المؤدية " \
    "إلى السوق ستبقى مفتوحة أمام المارة."

static const char *arabic_page =
    "<html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>ترميم السوق القديم - أخبار "
    "المدينة</title>"
    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
    "{\"@type\":\"WebSite\",\"name\":\"أخبار المدينة\"},"
    "{\"@type\":\"NewsArticle\",\"headline\":\"ترميم السوق "
    "القديم\",\"datePublished\":\"2022-03-14T09:30:00+02:00\","
    "\"author\":[{\"@type\":\"Person\",\"name\":\"سلمى "
    "حداد\"}],\"publisher\":{\"@type\":\"Organization\",\"name\":\"أخبار المدينة\"}}]}"
    "</script><link rel=\"canonical\" href=\"https://city.example/news/1\"></head><body>"
    "<nav><a href=\"/\">الرئيسية</a> <a href=\"/s\">رياضة</a></nav>"
    "<main><h1>ترميم السوق القديم</h1><div class=\"post-content\"><p>" AR1 "</p><p>" AR2 "</p>"
    "<div class=\"read-also\"><span>اقرأ أيضًا:</span> <a href=\"/n/2\">افتتاح مكتبة عامة جديدة في "
    "الحي الشمالي للمدينة</a></div>"
    "<div class=\"social-share\"><a href=\"#\">شارك</a> <a href=\"#\">طباعة</a></div></div></main>"
    "<footer>جميع الحقوق محفوظة لأخبار المدينة</footer></body></html>";

Test(extract_html, arabic_jsonld_graph_lang_dir)
{
    article *a = run(arabic_page);
    const char *b = body(a);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, AR1), "body: %s", b);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, AR2), "body: %s", b);
    cr_expect_eq(a->nblocks, 2, "body: %s", b);
    cr_expect_null(strstr(b, "مكتبة عامة"), "read-also leaked: %s", b);
    cr_expect_null(strstr(b, "طباعة"), "widget leaked: %s", b);
    cr_expect_str_eq(a->title, "ترميم السوق القديم");
    cr_expect_str_eq(a->author, "سلمى حداد");
    cr_expect_str_eq(a->site_name, "أخبار المدينة");
    cr_expect_str_eq(a->language, "ar");
    cr_expect_str_eq(a->direction, "rtl");
    cr_expect_str_eq(a->canonical_url, "https://city.example/news/1");
    cr_expect_eq(a->published.year, 2022);
    cr_expect_eq(a->published.day, 14);
    article_destroy(a);
}

Test(extract_html, jsonld_article_body_when_markup_has_none)
{
    const char *html =
        "<html><head><script "
        "type=\"application/ld+json\">[{\"@type\":\"Article\",\"headline\":\"Tides\","
        "\"articleBody\":\"" P1 "\\n" P2 "\\n" P3 "\"}]</script></head>"
        "<body><div id=\"app\"><a href=\"/\">Home</a></div></body></html>";
    article *a = run(html);
    cr_assert_eq(a->nblocks, 3, "body: %s", body(a));
    cr_expect_str_eq(a->blocks[1].text, P2);
    cr_expect_str_eq(a->title, "Tides");
    article_destroy(a);
}

Test(extract_html, title_tag_site_suffix_removed)
{
    const char *html = "<html><head><title>Night trains return to the northern line - Rail Weekly"
                       "</title></head><body><p>" P1 "</p></body></html>";
    article *a = run(html);
    cr_expect_str_eq(a->title, "Night trains return to the northern line");
    article_destroy(a);
}

Test(extract_html, double_br_splits_paragraphs)
{
    const char *html =
        "<html><body><div class=\"content\">" P1 "<br><br>" P2 "<br>" P3 "</div></body></html>";
    article *a = run(html);
    cr_assert_eq(a->nblocks, 2, "body: %s", body(a));
    cr_expect_str_eq(a->blocks[0].text, P1);
    cr_expect_str_eq(a->blocks[1].text, P2 " " P3);
    article_destroy(a);
}

Test(extract_html, deep_nesting_returns)
{
    const int depth = 10000;
    size_t cap = (size_t)depth * 5 + 1024;
    char *html = malloc(cap), *p = html;
    p += sprintf(p, "<html><body><p>%s</p>", P1);
    for (int i = 0; i < depth; i++) memcpy(p, "<div>", 5), p += 5;
    strcpy(p, "deep text</body></html>");
    article *a = run(html);
    cr_expect(a->quality & QUALITY_MARKUP_DEEP);
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, P1), "body: %s", body(a));
    article_destroy(a);
    free(html);
}

Test(extract_html, unclosed_tags)
{
    article *a = run("<html><body><div class=\"story\"><p>" P1 "<p>" P2 "<p><b>" P3);
    cr_expect_eq(a->nblocks, 3, "body: %s", body(a));
    cr_expect(has_block(a, ARTICLE_BLOCK_PARAGRAPH, P3), "body: %s", body(a));
    article_destroy(a);
}

Test(extract_html, empty_documents)
{
    const char *pages[] = {"", "<html></html>", "   ", "<!-- only a comment -->"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        article *a = run(pages[i]);
        cr_expect_eq(a->nblocks, 0, "page %zu", i);
        cr_expect_null(a->title, "page %zu", i);
        article_destroy(a);
    }
}

Test(extract_html, garbage_markup)
{
    const char *pages[] = {"<<<>>>&&&;;<a<b<c </ </> <!-- <![CDATA[ ]]>",
                           "<script type=\"application/ld+json\">{\"@graph\":[[[[{</script>",
                           "<table><td><li><h2><tr><p>x</table></h2>\xef\xbf\xbd\xef\xbf\xbd"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) article_destroy(run(pages[i]));
}

#define FERRY1                                                                                     \
    "<p>The ferry service between the two islands resumed on Monday after a three-week "           \
    "suspension caused by repairs to the main landing stage, the operator said.</p>"
#define FERRY2                                                                                     \
    "<p>Passengers queued from early morning, and the first crossing left on time with "           \
    "every seat taken, according to harbour staff who counted the tickets sold.</p>"

/* A <figure> beside the body container and a "Read more" list after it, both inside <article>. */
static const char *figure_page =
    "<html><body><article><h1>Ferry service resumes</h1>"
    "<figure><img src=\"f.jpg\"><figcaption>The ferry at the island pier.</figcaption></figure>"
    "<div class=\"story-body\">" FERRY1 FERRY2 "</div>"
    "<div class=\"related\"><h3>Read more</h3><ul>"
    "<li><a href=\"/news/harbour-repairs\">Harbour repairs finished early</a></li>"
    "<li><a href=\"/news/new-timetable\">New winter timetable published</a></li></ul></div>"
    "</article></body></html>";

Test(extract_html, caption_beside_body_and_related_links)
{
    article *a = run(figure_page);
    cr_assert_eq(a->ncaptions, 1);
    cr_expect_str_eq(a->captions[0], "The ferry at the island pier.");
    cr_assert_eq(a->nrelated, 2);
    cr_expect_str_eq(a->related[0].title, "Harbour repairs finished early");
    cr_expect_str_eq(a->related[0].url, "/news/harbour-repairs");
    for (size_t i = 0; i < a->nblocks; i++) {
        cr_expect_null(strstr(a->blocks[i].text, "ferry at the island pier"));
        cr_expect_null(strstr(a->blocks[i].text, "Harbour repairs"));
    }
    cr_expect_eq(a->nblocks, 2);
    article_destroy(a);
}
