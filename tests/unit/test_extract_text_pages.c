/* test_extract_text_pages.c: the text-page extractor on more browser renderings written for the
 * project (issue 10, second round): each test is one class of fundus rendering failure - a
 * question headline read as the first paragraph, notices above the body, a photo credit or a
 * byline of names taken for the headline, the headline amid its byline, datelines glued to other
 * words, an author's bio after the body. */
#include "extract/extract.h"
#include "extract/text_date.h"
#include "util/err.h"

#include "support_extract.h"
#include "support_text_pages.h"

#include <criterion/criterion.h>
#include <string.h>

#define HEADLINE "Harbour board votes to rebuild the old stone pier"
#define B3                                                                                         \
    "Fishermen who use the inner harbour welcomed the vote but asked the board to keep the "       \
    "slipway "                                                                                     \
    "open while the builders are at work on the pier.\n"
#define B4                                                                                         \
    "The work is expected to cost about four million and will be paid for by the town, the "       \
    "county "                                                                                      \
    "and a fund for coastal defences set up last year.\n"

/* A headline that ends with a question mark reads as a paragraph; the title is still looked for
 * on it when it is short and ends no sentence with a full stop. */
Test(extract_text_pages, question_headline_before_the_prose)
{
    article *a = support_extract_text(
        "Home\nNews\nSport\n"
        "Can the old stone pier be saved before the winter storms arrive?\n" B1 B2);
    cr_expect_str_eq(a->title ? a->title : "",
                     "Can the old stone pier be saved before the winter storms arrive?");
    cr_expect(!support_article_has(a, "winter storms arrive?"),
              "the title is not repeated in the body");
    cr_expect(support_article_has(a, "rebuild the old stone pier"));
    article_destroy(a);
}

/* Two notices above the article make a run of prose of their own; the body starts at the first
 * run with a real share of the page's prose, and the headline above it is found. */
Test(extract_text_pages, notices_above_the_article_are_not_its_start)
{
    article *a = support_extract_text("Please turn on JavaScript to use this page.\n"
                                      "We use cookies to improve this site for you.\n"
                                      "Home\nNews\nRegion\nSport\nWeather\nTravel\n" HEADLINE
                                      "\nBy Mara Quill\n" B1 B2 B3 B4);
    cr_expect_str_eq(a->title ? a->title : "", HEADLINE);
    cr_expect(!support_article_has(a, "JavaScript"));
    cr_expect(!support_article_has(a, "cookies"));
    cr_expect(support_article_has(a, "coastal defences"));
    article_destroy(a);
}

/* A photo caption with its credit, right above the prose, is no headline. */
Test(extract_text_pages, photo_credit_is_no_headline)
{
    article *a =
        support_extract_text("Home\nNews\n" HEADLINE "\nMara Quill\nShare\n"
                             "Workers on the old stone pier at low tide on Monday morning, "
                             "Credit: Ben Dahl/Coast Agency\n" B1 B2);
    cr_expect_str_eq(a->title ? a->title : "", HEADLINE);
    article_destroy(a);
}

/* A byline of names without a prefix ("Anna Roth and AP") above the share buttons is no
 * headline. */
Test(extract_text_pages, byline_of_names_is_no_headline)
{
    article *a = support_extract_text("Home\nNews\nSport\n" HEADLINE
                                      "\nAnna Roth and AP\nListen\nShare\n" B1 B2);
    cr_expect_str_eq(a->title ? a->title : "", HEADLINE);
    article_destroy(a);
}

/* The headline inside a run of short lines, between a section label and its byline, stands out
 * by its length: it is not one item of a list of headlines. */
Test(extract_text_pages, headline_amid_its_byline_stands_out)
{
    article *a = support_extract_text(
        "Menu\nHome\nRegion\nToday's paper\n" HEADLINE "\nMara Quill\nShare\n\n"
        "Coast Desk\nTides and winds for the harbour this week\nWeather\n\n"
        "Maps\nTides\n" B1 B2);
    cr_expect_str_eq(a->title ? a->title : "", HEADLINE);
    article_destroy(a);
}

/* A dateline glued to the next label by the rendering ("2021Updated") is read. */
Test(extract_text_pages, dateline_glued_to_the_next_label)
{
    article *a =
        support_extract_text("Home\nNews\n" HEADLINE "\n"
                             "Published: 10:04, 5 Nov 2021Updated: 11:30, 5 Nov 2021\n" B1 B2);
    cr_expect_eq(a->published.year, 2021);
    cr_expect_eq(a->published.month, 11);
    cr_expect_eq(a->published.day, 5);
    article_destroy(a);
}

/* A numeric dateline with a dotted clock ("22.11.2024 07.57") reads as a number on its own;
 * near the headline it is still the date. */
Test(extract_text_pages, numeric_dateline_near_the_headline)
{
    article *a = support_extract_text("Home\nNews\n" HEADLINE "\n" B1 "\n22.11.2024 07.57\n" B2 B3);
    cr_expect_eq(a->published.year, 2024);
    cr_expect_eq(a->published.month, 11);
    cr_expect_eq(a->published.day, 22);
    article_destroy(a);
}

Test(extract_text_pages, text_date_find_cases)
{
    static const struct {
        const char *s;
        int y, m, d;
    } ok[] = {
        {"PUBLISHED FRI, APR 28 20232:23 PM EDT", 2023, 4, 28},
        {"Published: 22:04, 22 Apr 2024Updated: 22:05, 22 Apr 2024", 2024, 4, 22},
        {"\xe5\x85\xac\xe9\x96\x8b\xe6\x97\xa5\xef\xbc\x9a"
         "2025/01/31 11:30\xe3\x80\x80\xe6\x9b\xb4\xe6\x96\xb0\xe6\x97\xa5\xef\xbc\x9a"
         "2025/01/31 11:30",
         2025, 1, 31},
        {"Geschrieben am 15. April 2025 in Nachrichten", 2025, 4, 15},
        {"17:41 JST,\xe2\x80\x82October 13, 2024", 2024, 10, 13}, /* an en space */
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        article_datetime dt = {0};
        cr_expect_eq(text_date_find(ok[i].s, strlen(ok[i].s), &dt), NI_OK, "%s", ok[i].s);
        cr_expect(dt.year == ok[i].y && dt.month == ok[i].m && dt.day == ok[i].d, "%s: %d-%d-%d",
                  ok[i].s, dt.year, dt.month, dt.day);
    }
    static const char caption[] = "Crowds in the meadow of the old town, on 15 May 2025, in "
                                  "the rain (a caption: no dateline)";
    static const char *const no[] = {"Politik 27.04.2023 01:54 min", "Stand: 10:49 Uhr", "",
                                     caption, "Harbour board votes to rebuild the old stone pier"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        article_datetime dt = {0};
        cr_expect_eq(text_date_find(no[i], strlen(no[i]), &dt), NI_ERR_PARSE, "%s", no[i]);
    }
}

/* "Today" with a clock time near the headline is the time of the article on the fetch date. */
Test(extract_text_pages, todays_clock_time_near_the_headline)
{
    article *a =
        support_extract_text("Home\nNews\n" HEADLINE "\nPubliziert heute um 12:19 Uhr\n" B1 B2);
    cr_expect_eq(a->published.year, 0, "no calendar date stated");
    cr_expect_eq(a->published.hour, 12);
    cr_expect_eq(a->published.minute, 19);
    article_destroy(a);
}

Test(extract_text_pages, text_date_today_cases)
{
    static const struct {
        const char *s;
        int h, m;
    } ok[] = {{"Heute, 12:37 Uhr", 12, 37}, {"today at 9:30", 9, 30}, {"Aujourd'hui 08.05", 8, 5}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        article_datetime dt = {0};
        cr_expect_eq(text_date_today(ok[i].s, strlen(ok[i].s), &dt), NI_OK, "%s", ok[i].s);
        cr_expect(dt.year == 0 && dt.hour == ok[i].h && dt.minute == ok[i].m, "%s: %d:%d", ok[i].s,
                  dt.hour, dt.minute);
    }
    static const char *const no[] = {"Heute im Programm", "heutige Ausgabe 12:30", "12:37 Uhr",
                                     "today at 29:30", ""};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        article_datetime dt = {0};
        cr_expect_eq(text_date_today(no[i], strlen(no[i]), &dt), NI_ERR_PARSE, "%s", no[i]);
    }
}

/* Twenty lines without a paragraph after the body (share buttons, tags, most-read headlines)
 * end it: the teaser paragraph after them is not body. */
Test(extract_text_pages, twenty_lines_of_chrome_end_the_body)
{
    article *a =
        support_extract_text("Home\nNews\n" HEADLINE "\n" B1 B2 B3
                             "Share\nPost\nMail\nPrint\nTags\nHarbour\nPier\nTown council\n"
                             "Most read\nFerry timetable changes\nLighthouse keeper retires\n"
                             "New bakery opens on the quay\nSchool wins rowing cup\nWeather\n"
                             "Tides\nEvents\nJobs\nContact\nAbout us\nNewsletter\nArchive\n"
                             "Subscribers read first: the ferry company plans to double its summer "
                             "crossings next year, the owners said on Friday.\n"
                             "The new timetable will be published in the spring, after talks with "
                             "the harbour board and the town.\n");
    cr_expect(support_article_has(a, "slipway"));
    cr_expect(!support_article_has(a, "ferry company"), "a teaser after the chrome is not body");
    article_destroy(a);
}

/* Four teasers in a row after the body (a headline, a section label and a paragraph each) are a
 * list of other articles, not body. */
Test(extract_text_pages, four_teasers_after_the_body_are_not_body)
{
    article *a = support_extract_text(
        "Home\nNews\n" HEADLINE "\n" B1 "What comes next\n" B2 TEASER(
            "Ferry timetable changes", "Travel",
            "The ferry company will add two crossings a day from June, a spokesman said.")
            TEASER("Lighthouse keeper retires", "People",
                   "After forty years at the lamp the keeper hands over the keys in May.")
                TEASER("New cycle path opens", "Transport",
                       "The path along the river links the two villages for the first time.")
                    TEASER("Market moves to the square", "Business",
                           "Traders will set up their stalls by the fountain from Saturday."));
    cr_expect(support_article_has(a, "original foundations"));
    cr_expect(!support_article_has(a, "council"), "a teaser is not body");
    article_destroy(a);
}

/* An author's name alone on a line after the body, followed by a bio that starts with it, ends
 * the article even when no byline named the author. */
Test(extract_text_pages, author_bio_after_the_body_ends_it)
{
    article *a =
        support_extract_text("Home\nNews\n" HEADLINE "\n" B1 B2 B3 "Mara Quill\n"
                             "Mara Quill is a reporter who has covered the coast and its harbours "
                             "for ten years and lives in the town.\n"
                             "Most read\nLighthouse keeper retires\nFerry timetable changes\n");
    cr_expect(support_article_has(a, "slipway"));
    cr_expect(!support_article_has(a, "covered the coast"), "the bio is not body");
    article_destroy(a);
}
