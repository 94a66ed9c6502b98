/* test_extract_text.c: unit tests of the text-page extractor on own fixtures and the seeds. */
#include "extract/extract.h"
#include "support.h"
#include "util/err.h"

#include "support_extract.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* extract_str: runs extract_text on s (caller destroys the article). */
static article *extract_fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/text/%s", name);
    char *s = support_read(support_path(rel), NULL);
    article *a = support_extract_text(s);
    free(s);
    return a;
}

static void block_is(const article *a, size_t i, article_block_kind kind, const char *start)
{
    cr_assert_lt(i, a->nblocks);
    cr_assert_eq(a->blocks[i].kind, kind, "block %zu: %s", i, a->blocks[i].text);
    cr_assert_eq(strncmp(a->blocks[i].text, start, strlen(start)), 0, "block %zu: %s", i,
                 a->blocks[i].text);
}

Test(extract_text, english_byline_share_related_tags)
{
    article *a = extract_fixture("en_byline.txt");
    cr_assert_str_eq(a->title, "Council approves new riverside park after two-year debate");
    cr_assert_str_eq(a->author, "Jane Doe");
    cr_assert_eq(a->published_origin, ARTICLE_TIME_PAGE);
    cr_assert_eq(a->published.year, 2021);
    cr_assert_eq(a->published.month, 11);
    cr_assert_eq(a->published.day, 5);
    cr_assert_eq(a->published.hour, 10);
    cr_assert_eq(a->published.minute, 4);
    cr_assert_eq(a->nblocks, 6);
    block_is(a, 0, ARTICLE_BLOCK_PARAGRAPH, "The city council voted");
    block_is(a, 3, ARTICLE_BLOCK_HEADING, "Construction timeline");
    block_is(a, 5, ARTICLE_BLOCK_PARAGRAPH, "The department said");
    cr_assert_not(support_article_has(a, "Tom Allen, council member"), "pull quote attribution");
    cr_assert_not(support_article_has(a, "Share"));
    cr_assert_not(support_article_has(a, "Mayor presents"));
    cr_assert_eq(a->nrelated, 2);
    cr_assert_str_eq(a->related[1].title, "New bus lines planned for eastern districts");
    cr_assert_eq(a->nkeywords, 3);
    cr_assert_str_eq(a->keywords[1], "city council");
    cr_assert_eq(a->views, ARTICLE_VIEWS_NONE);
    article_destroy(a);
}

Test(extract_text, arabic_levantine_date_byline_related_quote)
{
    article *a = extract_fixture("ar_levant.txt");
    cr_assert_str_eq(a->title, "افتتاح مكتبة عامة جديدة في حي الميدان");
    cr_assert_str_eq(a->author, "سامر الخطيب");
    cr_assert_eq(a->published.year, 2023);
    cr_assert_eq(a->published.month, 11);
    cr_assert_eq(a->published.day, 14);
    cr_assert_eq(a->published.hour, 9);
    cr_assert_eq(a->published.minute, 30);
    cr_assert_eq(a->views, 1250);
    cr_assert_eq(a->nblocks, 5);
    block_is(a, 3, ARTICLE_BLOCK_HEADING, "خطط التوسعة");
    cr_assert(support_article_has(a, "(تعرف/ي أيضاً إلى مكتبات الأحياء الأخرى)"),
              "inline mention stays");
    cr_assert_not(support_article_has(a, "رئيس البلدية\n"));
    for (size_t i = 0; i < a->nblocks; i++)
        cr_assert_str_neq(a->blocks[i].text, "رئيس البلدية", "quote attribution leaked");
    cr_assert_eq(a->nrelated, 2);
    cr_assert_str_eq(a->related[0].title, "المجلس البلدي يقر موازنة العام المقبل");
    cr_assert_not(support_article_has(a, "الرئيسية"));
    cr_assert_not(support_article_has(a, "شارك"));
    article_destroy(a);
}

Test(extract_text, title_site_suffix_caption_inline_related_keywords)
{
    article *a = extract_fixture("ar_suffix.txt");
    cr_assert_str_eq(a->title, "وزارة الصحة تطلق حملة تطعيم جديدة للأطفال");
    cr_assert_str_eq(a->site_name, "شبكة الأخبار المحلية");
    cr_assert_eq(a->published.day, 6);
    cr_assert_eq(a->published.hour, 13);
    cr_assert_eq(a->ncaptions, 1);
    cr_assert_str_eq(a->captions[0], "طفل يتلقى اللقاح (أرشيفية)");
    cr_assert_eq(a->nrelated, 1);
    cr_assert_str_eq(a->related[0].title, "الصحة العالمية تشيد ببرامج التطعيم في المنطقة");
    cr_assert_eq(a->nkeywords, 3, "the site-name line is not a keyword");
    cr_assert_eq(a->nblocks, 3);
    cr_assert_null(a->author);
    article_destroy(a);
}

Test(extract_text, english_without_chrome_keeps_every_paragraph)
{
    article *a = extract_fixture("en_plain.txt");
    cr_assert_str_eq(a->title, "Volunteers clean up the old harbour");
    cr_assert_eq(a->nblocks, 3);
    block_is(a, 2, ARTICLE_BLOCK_PARAGRAPH, "Organisers said");
    cr_assert_null(a->author);
    cr_assert_eq(a->published_origin, ARTICLE_TIME_NONE);
    article_destroy(a);
}

Test(extract_text, arabic_without_title_keeps_every_paragraph)
{
    article *a = extract_fixture("ar_plain.txt");
    cr_assert_null(a->title, "a first line that is a paragraph is not a title");
    cr_assert_eq(a->nblocks, 3);
    block_is(a, 0, ARTICLE_BLOCK_PARAGRAPH, "شهدت المدينة");
    block_is(a, 2, ARTICLE_BLOCK_PARAGRAPH, "ودعا الدفاع المدني");
    article_destroy(a);
}

Test(extract_text, hard_wrapped_paragraphs_are_joined)
{
    article *a = extract_fixture("en_wrapped.txt");
    cr_assert_str_eq(a->title, "Harbour ferry returns after winter repairs");
    cr_assert_eq(a->nblocks, 2);
    cr_assert(support_article_has(
        a, "after three months of repairs to its engine and hull, the operator"));
    article_destroy(a);
}

Test(extract_text, empty_and_blank_pages)
{
    char empty[] = "", blank[] = "\n \n\xc2\xa0\n";
    article *a = support_extract_text(empty);
    cr_assert_eq(a->nblocks, 0);
    cr_assert_null(a->title);
    article_destroy(a);
    a = support_extract_text(blank);
    cr_assert_eq(a->nblocks, 0);
    article_destroy(a);
}

/* seed: the extracted article of a seed page against its gold title/author. */
Test(extract_text, seeds_title_author_views)
{
    static const struct {
        const char *file, *title, *author;
        long long views;
    } seeds[] = {
        {"000_e6464e923dd467ee.txt", "داعش يسجل حضوره بعد إعلان قسد الانتصار عليه", NULL, 734},
        {"003_655eaff437bae11a.txt",
         "قسد تواجه الإرهاب.. تقرير يرصد عمليات قوات سوريا الديمقراطية ضد داعش خلال اكتوبر",
         "علي رجب", ARTICLE_VIEWS_NONE},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "seeds/%s", seeds[i].file);
        char *s = support_read(support_shared_path(rel), NULL);
        article *a = support_extract_text(s);
        cr_assert_str_eq(a->title, seeds[i].title);
        if (seeds[i].author)
            cr_assert_str_eq(a->author, seeds[i].author);
        else
            cr_assert_null(a->author);
        cr_assert_eq(a->views, seeds[i].views);
        cr_assert_not(support_article_has(a, "حجم الخط"));
        cr_assert_not(support_article_has(a, "شارك"));
        article_destroy(a);
        free(s);
    }
}
