/* test_datetime.c: unit tests of ISO 8601 parsing/formatting and dateline recognition. */
#include "extract/datetime.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <string.h>

static article_datetime line(const char *s)
{
    article_datetime dt = ARTICLE_DATETIME_NONE;
    cr_assert_eq(extract_datetime_parse_line(s, strlen(s), &dt), NI_OK, "not a dateline: %s", s);
    return dt;
}

static void not_line(const char *s)
{
    article_datetime dt = ARTICLE_DATETIME_NONE;
    cr_assert_eq(extract_datetime_parse_line(s, strlen(s), &dt), NI_ERR_PARSE, "dateline: %s", s);
}

static void ymdhm(article_datetime dt, int y, int mo, int d, int h, int mi)
{
    cr_assert_eq(dt.year, y);
    cr_assert_eq(dt.month, mo);
    cr_assert_eq(dt.day, d);
    cr_assert_eq(dt.hour, h);
    if (h >= 0) cr_assert_eq(dt.minute, mi);
}

Test(datetime_iso, date_only)
{
    article_datetime dt;
    cr_assert_eq(extract_datetime_parse_iso("2021-11-05", 10, &dt), NI_OK);
    ymdhm(dt, 2021, 11, 5, -1, 0);
    cr_assert_eq(dt.has_offset, 0);
}

Test(datetime_iso, full_with_offset)
{
    const char *s = "2021-11-05T13:04:09+03:00";
    article_datetime dt;
    cr_assert_eq(extract_datetime_parse_iso(s, strlen(s), &dt), NI_OK);
    ymdhm(dt, 2021, 11, 5, 13, 4);
    cr_assert_eq(dt.second, 9);
    cr_assert_eq(dt.has_offset, 1);
    cr_assert_eq(dt.offset_minutes, 180);
}

Test(datetime_iso, space_fraction_zulu_negative)
{
    article_datetime dt;
    const char *a = "2021-11-05 13:04", *b = "2026-01-01T12:00:00.123Z",
               *c = "2020-02-29T23:59-0530";
    cr_assert_eq(extract_datetime_parse_iso(a, strlen(a), &dt), NI_OK);
    ymdhm(dt, 2021, 11, 5, 13, 4);
    cr_assert_eq(dt.has_offset, 0);
    cr_assert_eq(extract_datetime_parse_iso(b, strlen(b), &dt), NI_OK);
    cr_assert_eq(dt.has_offset, 1);
    cr_assert_eq(dt.offset_minutes, 0);
    cr_assert_eq(extract_datetime_parse_iso(c, strlen(c), &dt), NI_OK);
    cr_assert_eq(dt.offset_minutes, -330);
}

Test(datetime_iso, rejects_invalid)
{
    const char *bad[] = {"2021-13-01", "2021-02-30",         "2021-11-05T25:00",
                         "2021-11-5",  "2021-11-05X",        "11:20",
                         "",           "2021-11-05T13:04+3x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        article_datetime dt = ARTICLE_DATETIME_NONE;
        cr_assert_eq(extract_datetime_parse_iso(bad[i], strlen(bad[i]), &dt), NI_ERR_PARSE, "%s",
                     bad[i]);
        cr_assert_eq(dt.year, 0, "dt touched for %s", bad[i]);
    }
}

Test(datetime_format, date_time_offset)
{
    char buf[40];
    article_datetime d = {2021, 11, 5, -1, 0, 0, 0, 0};
    cr_assert_eq(extract_datetime_format(&d, buf, sizeof buf), NI_OK);
    cr_assert_str_eq(buf, "2021-11-05");
    d.hour = 13, d.minute = 4;
    cr_assert_eq(extract_datetime_format(&d, buf, sizeof buf), NI_OK);
    cr_assert_str_eq(buf, "2021-11-05T13:04:00");
    d.has_offset = 1, d.offset_minutes = -90;
    cr_assert_eq(extract_datetime_format(&d, buf, sizeof buf), NI_OK);
    cr_assert_str_eq(buf, "2021-11-05T13:04:00-01:30");
    d.offset_minutes = 0;
    cr_assert_eq(extract_datetime_format(&d, buf, sizeof buf), NI_OK);
    cr_assert_str_eq(buf, "2021-11-05T13:04:00Z");
}

Test(datetime_format, no_date_is_invalid)
{
    char buf[40];
    article_datetime d = {0, 0, 0, 11, 20, 0, 0, 0};
    cr_assert_eq(extract_datetime_format(&d, buf, sizeof buf), NI_ERR_INVALID);
}

Test(datetime_format, round_trip)
{
    const char *s = "1999-12-31T23:59:58+05:45";
    article_datetime dt;
    char buf[40];
    cr_assert_eq(extract_datetime_parse_iso(s, strlen(s), &dt), NI_OK);
    cr_assert_eq(extract_datetime_format(&dt, buf, sizeof buf), NI_OK);
    cr_assert_str_eq(buf, s);
}

Test(datetime_line, bare_time)
{
    ymdhm(line("11:20"), 0, 0, 0, 11, 20);
    ymdhm(line("  ١١:٢٠ "), 0, 0, 0, 11, 20);
}

Test(datetime_line, egyptian_month_pm)
{
    ymdhm(line("الجمعة 05/نوفمبر/2021 - 01:04 م"), 2021, 11, 5, 13, 4);
    ymdhm(line("السبت ٠٦/ديسمبر/٢٠٢٥ - ١٠:٣٠ ص"), 2025, 12, 6, 10, 30);
}

Test(datetime_line, levantine_months)
{
    ymdhm(line("الثلاثاء 14 تشرين الثاني 2023"), 2023, 11, 14, -1, 0);
    ymdhm(line("3 كانون الثاني 2024، 09:15"), 2024, 1, 3, 9, 15);
    ymdhm(line("١٢ أيلول ٢٠٢٢"), 2022, 9, 12, -1, 0);
    ymdhm(line("1 تشرين الأول 2020"), 2020, 10, 1, -1, 0);
    ymdhm(line("7 آب 2019"), 2019, 8, 7, -1, 0);
}

Test(datetime_line, persian_digits_and_hamza_variants)
{
    ymdhm(line("۵ اكتوبر ۲۰۲۱"), 2021, 10, 5, -1, 0);
    ymdhm(line("٥ إبريل ٢٠٢١"), 2021, 4, 5, -1, 0);
}

Test(datetime_line, english)
{
    ymdhm(line("Friday, November 5, 2021 1:04 PM"), 2021, 11, 5, 13, 4);
    ymdhm(line("Updated: Nov 5, 2021 10:04 AM"), 2021, 11, 5, 10, 4);
    ymdhm(line("Published 12 March 2020"), 2020, 3, 12, -1, 0);
    ymdhm(line("12:30 a.m."), 0, 0, 0, 0, 30);
    ymdhm(line("2021-11-05T13:04:00Z"), 2021, 11, 5, 13, 4);
}

Test(datetime_line, numeric_orders)
{
    ymdhm(line("05/11/2021"), 2021, 11, 5, -1, 0);
    ymdhm(line("11/25/2021"), 2021, 11, 25, -1, 0);
    ymdhm(line("2021/11/05 13:04"), 2021, 11, 5, 13, 4);
    ymdhm(line("05.11.21"), 2021, 11, 5, -1, 0);
}

Test(datetime_line, gmt_offset)
{
    article_datetime dt = line("05 نوفمبر 2021 13:04 GMT+3");
    ymdhm(dt, 2021, 11, 5, 13, 4);
    cr_assert_eq(dt.has_offset, 1);
    cr_assert_eq(dt.offset_minutes, 180);
}

Test(datetime_line, rejects_other_lines)
{
    not_line("734");
    not_line("2021");
    not_line("مشاهدة");
    not_line("داعش يسجل حضوره بعد إعلان قسد الانتصار عليه");
    not_line("Trump met Xi on November 5, 2021 in Beijing");
    not_line("Score 2:1");
    not_line("31/02/2021");
    not_line("");
}

Test(datetime_iso, space_before_offset_or_utc_suffix)
{
    article_datetime dt;
    cr_assert_eq(extract_datetime_parse_iso("2026-01-06 14:02:09 +01:00", 26, &dt), NI_OK);
    cr_expect_eq(dt.offset_minutes, 60);
    cr_expect_eq(dt.has_offset, 1);
    cr_assert_eq(extract_datetime_parse_iso("2020-01-05 10:00:00 UTC", 23, &dt), NI_OK);
    cr_expect_eq(dt.hour, 10);
    cr_expect_eq(dt.has_offset, 1);
    cr_expect_eq(dt.offset_minutes, 0);
    cr_expect_neq(extract_datetime_parse_iso("2020-01-05 10:00:00 UTCX", 24, &dt), NI_OK);
}

Test(datetime_line, european_languages_labels_and_zones)
{
    ymdhm(line("16.05.2024, 11:26 Uhr"), 2024, 5, 16, 11, 26);
    ymdhm(line("Veröffentlicht am 27.04.24 um 07:39 Uhr"), 2024, 4, 27, 7, 39);
    ymdhm(line("Stand: 28. April 2023, 05:00 Uhr"), 2023, 4, 28, 5, 0);
    ymdhm(line("mardi 3 septembre 2024"), 2024, 9, 3, -1, 0);
    ymdhm(line("5 de mayo de 2024"), 2024, 5, 5, -1, 0);
    ymdhm(line("14 października 2025"), 2025, 10, 14, -1, 0);
    ymdhm(line("October 23, 2025 5:50 pm CET"), 2025, 10, 23, 17, 50);
    ymdhm(line("2 Şubat 2025 Pazar"), 2025, 2, 2, -1, 0);
    /* a time before "am" still reads it as the English am */
    ymdhm(line("5 Nov 2021 10:04 am"), 2021, 11, 5, 10, 4);
}

/* found: extract_datetime_find on s (must succeed). */
static article_datetime found(const char *s)
{
    article_datetime dt = ARTICLE_DATETIME_NONE;
    cr_assert_eq(extract_datetime_find(s, strlen(s), &dt), NI_OK, "no date in [%s]", s);
    return dt;
}

Test(datetime_find, dateline_inside_a_longer_line)
{
    ymdhm(found("Anna Roth \xc2\xb7 Valley News \xc2\xb7 Posted: Aug 08, 2024 4:00 AM EDT | Last "
                "Updated: August 8"),
          2024, 8, 8, 4, 0);
    ymdhm(found("16.05.2024, 11:26 Uhr \xe2\x80\xa2 Lesezeit: 5 Minuten"), 2024, 5, 16, 11, 26);
    ymdhm(found("Publiziert17. Dezember 2024, 12:17"), 2024, 12, 17, 12, 17);
    ymdhm(found("22.11.2024 07.57"), 2024, 11, 22, -1, 0);
    ymdhm(found("9. September 2025 um 15:46 Uhr / Frank Hall"), 2025, 9, 9, 15, 46);
    /* CJK year, month, day, hour and minute marks, a weekday in brackets */
    ymdhm(found("2025\xe5\xb9\xb4"
                "1\xe6\x9c\x88"
                "14\xe6\x97\xa5 01\xe6\x99\x82"
                "28\xe5\x88\x86"),
          2025, 1, 14, 1, 28);
    ymdhm(found("2025\xe5\xb9\xb4"
                "1\xe6\x9c\x88"
                "14\xe6\x97\xa5\xef\xbc\x88\xe7\x81\xab\xef\xbc\x89"),
          2025, 1, 14, -1, 0);
    /* parts cut at a spaced dash too */
    ymdhm(found("Kolumne von Anna Roth - 28.04.2024 um 08:52 Uhr - 12 Kommentare"), 2024, 4, 28, 8,
          52);
    ymdhm(found("Ana Ruiz \xe2\x80\x93 3 de mayo de 2024 \xe2\x80\x93 Opini\xc3\xb3n"), 2024, 5, 3,
          -1, 0);
    article_datetime dt;
    cr_expect_neq(extract_datetime_find("Read 5 stories about 2024", 25, &dt), NI_OK);
    cr_expect_neq(extract_datetime_find("11:20 | Sport", 13, &dt), NI_OK, "a time is no date");
}
