/* test_extract_renderings.c: the text-page extractor on browser renderings of news pages
 * (issue 10): pages written for this test in the shape of a browser's innerText: navigation and
 * breadcrumbs without blank lines, a notice above the article, the headline followed by a
 * standfirst, a byline and a dateline in other languages. */
#include "extract/extract.h"
#include "util/err.h"

#include "support_extract.h"
#include "support_text_pages.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define NOTICE                                                                                     \
    "We use cookies and similar tools to give you the best experience on our pages, and you can "  \
    "change your choice at any time in the settings of this page.\n"

Test(extract_renderings, headline_after_breadcrumbs_before_byline)
{
    const char *text =
        "Home\nNews\nRegion\nSport\nWeather\n" NOTICE
        "Politics\nBusiness\nCulture\nTravel\nNews\nRegion\n"
        "Harbour board votes to rebuild the old stone pier\n"
        "The decision ends six years of debate in the town, and the work on the pier will start "
        "before the winter storms.\n"
        "By Mara Quill\n"
        "November 5, 2021 10:04 AM\n" B1 B2
        "Most read\nLighthouse keeper retires\nFerry timetable changes\n";
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes to rebuild the old stone pier");
    cr_expect_str_eq(a->author ? a->author : "", "Mara Quill");
    cr_expect_eq(a->published.year, 2021);
    cr_expect_eq(a->published.day, 5);
    article_destroy(a);
}

Test(extract_renderings, dateline_inside_a_byline_line_near_the_headline)
{
    const char *text =
        "Home\nNews\nRegion\nMonday, 3 March 2025\n"
        "Harbour board votes to rebuild the old stone pier\n"
        "Mara Quill \xc2\xb7 Coast Gazette \xc2\xb7 Posted: Nov 05, 2021 10:04 AM | 4 "
        "minute read\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_eq(a->published.year, 2021, "the page's date, not today's in the header");
    cr_expect_eq(a->published.month, 11);
    cr_expect_eq(a->published.day, 5);
    article_destroy(a);
}

#define JA1                                                                                        \
    "港の委員会は火曜日、古い石の桟橋を建て直すことを決めた。六年以上続いた議論に区切りがついた。"
#define JA2                                                                                                                                      \
    "技術者によると、新しい桟橋は二度の嵐に耐えた元の基礎の上に築かれ、来年の春には歩行者に開放さ" \
    "れる予定だという。"

Test(extract_renderings, paragraphs_without_spaces_are_prose)
{
    const char *text =
        "ホーム\nニュース\n地域\n港の委員会、古い桟橋の建て直しを決定\n" JA1 "\n" JA2 "\n";
    article *a = support_extract_text(text);
    cr_assert_geq(a->nblocks, 2, "body blocks: %zu", a->nblocks);
    cr_expect_str_eq(a->blocks[0].text, JA1);
    cr_expect_str_eq(a->title ? a->title : "", "港の委員会、古い桟橋の建て直しを決定");
    article_destroy(a);
}

Test(extract_renderings, reader_comments_after_a_long_stretch_of_chrome_are_not_body)
{
    char text[8192];
    size_t n = (size_t)snprintf(
        text, sizeof text, "Home\nNews\nHarbour board votes to rebuild the old stone pier\n" B1 B2);
    for (int i = 0; i < 45; i++) /* related headlines, author box, footer links */
        n += (size_t)snprintf(text + n, sizeof text - n, "Ferry timetable story %d\n", i);
    snprintf(text + n, sizeof text - n,
             "I have walked on that pier every morning for thirty years and I think the board is "
             "wasting money that the town needs for the school and the library.\n"
             "The foundations were never the problem, the problem was the ferry company that "
             "refused to pay for the repairs when they were cheap.\n");
    article *a = support_extract_text(text);
    for (size_t i = 0; i < a->nblocks; i++)
        cr_expect_null(strstr(a->blocks[i].text, "thirty years"), "comment kept: %s",
                       a->blocks[i].text);
    cr_expect_eq(a->nblocks, 2);
    article_destroy(a);
}

Test(extract_renderings, headline_length_beats_a_name_above_a_dateline)
{
    /* a section name and an author line compete; the headline has a headline's length */
    const char *text = "Home\nNews\nCoast\nHarbour board votes to rebuild the old stone pier\n"
                       "Photo: Coast Gazette\nMara Quill\nNovember 5, 2021 10:04 AM\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes to rebuild the old stone pier");
    article_destroy(a);
}

Test(extract_renderings, byline_block_without_prefix_and_widget_text_not_a_name)
{
    const char *text = "Home\nNews\nCoast\nHarbour board votes to rebuild the old stone pier\n"
                       "Share this article in your social network\n"
                       "Mara Quill\nNovember 5, 2021 10:04 AM\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->author ? a->author : "", "Mara Quill");
    article_destroy(a);
}

Test(extract_renderings, a_notice_repeated_in_the_page_is_not_body)
{
    const char *text =
        "Home\nNews\nHarbour board votes to rebuild the old stone pier\n" B1
        "This advertisement has not loaded yet, but your article continues below.\n" B2
        "This advertisement has not loaded yet, but your article continues below.\n";
    article *a = support_extract_text(text);
    cr_expect_eq(a->nblocks, 2);
    for (size_t i = 0; i < a->nblocks; i++)
        cr_expect_null(strstr(a->blocks[i].text, "advertisement"), "%s", a->blocks[i].text);
    article_destroy(a);
}

Test(extract_renderings, a_page_of_one_repeated_paragraph_keeps_it)
{
    const char *text = "Harbour board votes to rebuild the old stone pier\n\n" B1 "\n" B1 "\n" B1;
    article *a = support_extract_text(text);
    cr_expect_geq(a->nblocks, 1, "the body is not emptied");
    article_destroy(a);
}

/* A headline closing a run of short lines, then a line holding a clock time or a numeric date
 * among other words (the parser reads only part of it): the dated line is no headline and ends
 * the run; the line before it is the headline. */
Test(extract_renderings, a_dated_line_is_no_headline_and_ends_the_run)
{
    const char *text = "Home\nNews\nColumns\nAbout us\nSearch\n"
                       "Harbour board votes on the pier\n"
                       "Column by Mara Quill - 05.11.2021 at 10:04 - 12 comments so far\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes on the pier");
    article_destroy(a);
    text = "Home\nNews\nColumns\nAbout us\nSearch\n"
           "Harbour board votes on the pier\n"
           "Written by the desk, updated at 10:04 after the vote today\n" B1 B2;
    a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes on the pier");
    article_destroy(a);
}

/* A headline inside a run of short lines (a kicker above, the author's name and role below) is
 * still the headline: a run costs a line less than the evidence a headline gathers. */
Test(extract_renderings, headline_inside_a_run_of_short_lines)
{
    const char *text = "Home\nNews\nSport\n"
                       "Listen to the latest episode of our weekly harbour podcast\n"
                       "Coastal towns\n"
                       "Harbour board votes to rebuild the old stone pier\n"
                       "Mara Quill\nHarbour reporter\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes to rebuild the old stone pier");
    article_destroy(a);
}

/* A promotion the page repeats in its navigation is weaker evidence than the line that closes
 * the navigation right before the prose. */
Test(extract_renderings, repeated_promotion_loses_to_the_line_before_the_prose)
{
    const char *text = "Home\nNews\nSport\n"
                       "Ten quiet places to walk along the coast this summer\n"
                       "Weather\nTravel\nCulture\n"
                       "Ten quiet places to walk along the coast this summer\n"
                       "\nRegion\nOpinion\n"
                       "Harbour board votes to rebuild the old stone pier\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->title ? a->title : "", "Harbour board votes to rebuild the old stone pier");
    article_destroy(a);
}

/* The author's name alone on a line after the body opens the author box: the bio, the tags, the
 * related headlines and the offers after it are not body. */
Test(extract_renderings, author_box_after_the_body_ends_it)
{
    const char *text = "Home\nNews\nRegion\n"
                       "Harbour board votes to rebuild the old stone pier\n"
                       "By Mara Quill\n" B1 B2 "Mara Quill\nHarbour reporter\n"
                       "She has written about the coast and its towns since 2015, and before that "
                       "reported on fishing for a weekly paper in the north.\n"
                       "Ferry timetable changes for the summer season\n"
                       "The ferry company will add two crossings a day from June, a spokesman said "
                       "on Monday, after a winter of complaints from commuters.\n";
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->author ? a->author : "", "Mara Quill");
    cr_assert_eq(a->nblocks, 2, "body blocks: %zu", a->nblocks);
    cr_expect_not_null(strstr(a->blocks[1].text, "original foundations"));
    for (size_t i = 0; i < a->nblocks; i++)
        cr_expect_null(strstr(a->blocks[i].text, "since 2015"), "bio kept: %s", a->blocks[i].text);
    article_destroy(a);
}

/* After the body, teasers of other articles: a headline, a section label and a paragraph each,
 * five in a row: the list is not body, the article's paragraphs around a subheading are. */
Test(extract_renderings, a_list_of_teasers_after_the_body_is_not_body)
{
    const char *text =
        "Home\nNews\nRegion\n"
        "Harbour board votes to rebuild the old stone pier\n" B1 "What comes next\n" B2 TEASER(
            "Ferry timetable changes", "Travel",
            "The ferry company will add two crossings a day from June, a spokesman said.")
            TEASER("Lighthouse keeper retires", "People",
                   "After forty years at the lamp the keeper hands over the keys in May.")
                TEASER("New cycle path opens", "Transport",
                       "The path along the river links the two villages for the first time.")
                    TEASER("Market moves to the square", "Business",
                           "Traders will set up their stalls by the fountain from Saturday.")
                        TEASER("School wins science prize", "Education",
                               "Pupils built a tide gauge that sends its readings to a website.");
    article *a = support_extract_text(text);
    cr_expect_eq(a->nblocks, 3, "body blocks: %zu", a->nblocks);
    for (size_t i = 0; i < a->nblocks; i++)
        cr_expect_null(strstr(a->blocks[i].text, "council"), "teaser kept: %s", a->blocks[i].text);
    article_destroy(a);
}

/* No dateline near the headline: the first line anywhere that holds a dated dateline among other
 * words (here at the foot of the article) gives the date. */
Test(extract_renderings, a_dated_line_far_from_the_headline_gives_the_date)
{
    const char *text = "Home\nNews\nRegion\n"
                       "Harbour board votes to rebuild the old stone pier\n" B1 B2
                       "Share\nPrint\nMail\nMore on this\nHarbour\nPier\nCouncil\nTown\nCoast\n"
                       "Mara Quill - 28.04.2024 at 08:52 - 12 comments\n";
    article *a = support_extract_text(text);
    cr_expect_eq(a->published.year, 2024);
    cr_expect_eq(a->published.month, 4);
    cr_expect_eq(a->published.day, 28);
    article_destroy(a);
}

/* A byline prefix before a single Latin word or a label is no author ("By LOGIN", "Story : Coast
 * Gazette" after "By"); the name after it is. */
Test(extract_renderings, a_single_word_or_a_label_after_by_is_no_author)
{
    const char *text = "Home\nNews\nBy LOGIN\nRegion\n"
                       "Harbour board votes to rebuild the old stone pier\n"
                       "By Mara Quill\n" B1 B2;
    article *a = support_extract_text(text);
    cr_expect_str_eq(a->author ? a->author : "", "Mara Quill");
    article_destroy(a);
    a = support_extract_text("Home\nNews\nBy Story : Coast Gazette\nRegion\n"
                             "Harbour board votes to rebuild the old stone pier\n"
                             "By Mara Quill\n" B1 B2);
    cr_expect_str_eq(a->author ? a->author : "", "Mara Quill");
    article_destroy(a);
}
