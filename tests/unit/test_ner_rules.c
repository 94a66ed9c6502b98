/* test_ner_rules.c: unit tests of the pattern rules (DATE, TIME, MONEY, PERCENT, QUANTITY, URL,
 * HASHTAG): values, offsets in code points and bytes, clitics, bad and huge input. */
#include "entities/rules.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* cps: code points in s[0..len) (lead bytes). */
static size_t cps(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* find: every match of text, checked for order, no overlap and consistent offsets. */
static ner_rule_match *find(const char *text, size_t *n)
{
    ner_rule_match *m = NULL;
    char err[128] = "";
    size_t len = strlen(text);
    cr_assert_eq(ner_rules_find(text, len, &m, n, err, sizeof err), NI_OK, "%s", err);
    for (size_t i = 0; i < *n; i++) {
        cr_assert_lt(m[i].byte_start, m[i].byte_end);
        cr_assert_leq(m[i].byte_end, len);
        cr_assert_eq(m[i].start, cps(text, m[i].byte_start), "code point start of match %zu", i);
        cr_assert_eq(m[i].end, cps(text, m[i].byte_end), "code point end of match %zu", i);
        if (i) cr_assert_geq(m[i].byte_start, m[i - 1].byte_end, "matches overlap");
    }
    return m;
}

/* span: the bytes of m in text, in a static buffer. */
static const char *span(const char *text, const ner_rule_match *m)
{
    static char buf[512];
    size_t k = m->byte_end - m->byte_start;
    cr_assert_lt(k, sizeof buf);
    memcpy(buf, text + m->byte_start, k);
    buf[k] = '\0';
    return buf;
}

/* has: text must have a match of type with exactly the text want; returns a copy of it. */
static ner_rule_match has(const char *text, ner_rule_type type, const char *want)
{
    size_t n;
    ner_rule_match *m = find(text, &n), r = {0};
    for (size_t i = 0; i < n; i++) {
        if (m[i].type == type && strcmp(span(text, &m[i]), want) == 0) {
            r = m[i];
            free(m);
            return r;
        }
    }
    for (size_t i = 0; i < n; i++)
        cr_log_error("got %s [%s]", ner_rule_type_name(m[i].type), span(text, &m[i]));
    free(m);
    cr_assert_fail("no %s \"%s\" in \"%s\"", ner_rule_type_name(type), want, text);
    return r;
}

/* date_is / time_is: the match's iso value. */
static void date_is(const char *text, const char *want, const char *iso)
{
    ner_rule_match m = has(text, NER_RULE_DATE, want);
    cr_assert_str_eq(m.iso, iso, "%s", text);
    cr_assert_eq(m.has_number, 0);
}

static void time_is(const char *text, const char *want, const char *iso)
{
    cr_assert_str_eq(has(text, NER_RULE_TIME, want).iso, iso, "%s", text);
}

/* value_is: a MONEY/PERCENT/QUANTITY match with its number and unit. */
static void value_is(const char *text, ner_rule_type type, const char *want, double v,
                     const char *unit)
{
    ner_rule_match m = has(text, type, want);
    cr_assert_eq(m.has_number, 1, "%s", text);
    cr_assert_float_eq(m.number, v, 1e-6 * (v > 1 ? v : 1), "%s: %f", text, m.number);
    cr_assert_str_eq(m.unit, unit, "%s", text);
    cr_assert_str_eq(m.iso, "");
}

/* count: how many matches text has. */
static size_t count(const char *text)
{
    size_t n;
    free(find(text, &n));
    return n;
}

Test(rules, type_names)
{
    cr_assert_str_eq(ner_rule_type_name(NER_RULE_DATE), "DATE");
    cr_assert_str_eq(ner_rule_type_name(NER_RULE_QUANTITY), "QUANTITY");
    cr_assert_str_eq(ner_rule_type_name(NER_RULE_HASHTAG), "HASHTAG");
}

Test(rules, dates_arabic_months)
{
    date_is("وقع ذلك في 23 آذار 2019 في المدينة", "23 آذار 2019", "2019-03-23");
    date_is("في 23 مارس/آذار 2019.", "23 مارس/آذار 2019", "2019-03-23");
    date_is("في 23 آذار / مارس 2019", "23 آذار / مارس 2019", "2019-03-23");
    date_is("في 5 كانون الثاني 2020", "5 كانون الثاني 2020", "2020-01-05");
    date_is("في 5 كانون الأول 2020", "5 كانون الأول 2020", "2020-12-05");
    date_is("يوم 1 تشرين الثاني 2018 ", "1 تشرين الثاني 2018", "2018-11-01");
    date_is("صدر في 9 أغسطس 2021", "9 أغسطس 2021", "2021-08-09");
    date_is("الأحد، ٢٣ آذار ٢٠١٩", "٢٣ آذار ٢٠١٩", "2019-03-23");
    date_is("في ۲۳ حزيران ۲۰۱۹", "۲۳ حزيران ۲۰۱۹", "2019-06-23");
    date_is("يوم السبت 5 أيار 2018 قال", "5 أيار 2018", "2018-05-05");
    date_is("Sunday, March 3, 2019.", "March 3, 2019", "2019-03-03");
    date_is("منذ 15 أيار الماضي", "15 أيار", "--05-15");
    date_is("في أيار 2018 اندلعت", "أيار 2018", "2018-05");
    date_is("في يونيو/حزيران 2014", "يونيو/حزيران 2014", "2014-06");
}

Test(rules, dates_numeric_and_english)
{
    date_is("نشر 2019/03/23 مساء", "2019/03/23", "2019-03-23");
    date_is("on 2019-03-23 at", "2019-03-23", "2019-03-23");
    date_is("بتاريخ 23-03-2019", "23-03-2019", "2019-03-23");
    date_is("بتاريخ 23/3/2019", "23/3/2019", "2019-03-23");
    date_is("بتاريخ ٢٣/٠٣/٢٠١٩", "٢٣/٠٣/٢٠١٩", "2019-03-23");
    date_is("It began on March 23, 2019 in", "March 23, 2019", "2019-03-23");
    date_is("It began on 23 March 2019.", "23 March 2019", "2019-03-23");
    date_is("By Sept. 4 2020 the", "Sept. 4 2020", "2020-09-04");
    date_is("in June 2014 the", "June 2014", "2014-06");
    date_is("the 4th of July 1990", "4th of July 1990", "1990-07-04");
    date_is("في 1 آب 1870 ", "1 آب 1870", "1870-08-01");
    date_is("خلال عام 2019", "2019", "2019");
    date_is("خلال العام 2015 وما بعده", "2015", "2015");
    date_is("ولعام 2020 ", "2020", "2020");
    date_is("elections in 2019, said", "2019", "2019");
}

Test(rules, dates_rejected)
{
    cr_assert_eq(count("بلغ العدد 2019 شخصا"), 0);
    cr_assert_eq(count("منذ 1400 عام و 23/03/1870"), 0);
    cr_assert_eq(count("في 23 من الشهر"), 0);
    cr_assert_eq(count("31/02/2019 و 2019/13/01 و 32 آذار في"), 0);
    cr_assert_eq(count("you may 5 times"), 0);
    cr_assert_eq(count("رقم 0933-12-2019-55"), 0);
}

Test(rules, times)
{
    time_is("عند الساعة 14:30 بتوقيت", "14:30", "14:30");
    time_is("الساعة 9:05 pm", "9:05 pm", "21:05");
    time_is("at 12:15 a.m. local", "12:15 a.m.", "00:15");
    time_is("الساعة 10:30 مساءً", "10:30 مساءً", "22:30");
    time_is("الساعة ١٠:٣٠ ص", "١٠:٣٠ ص", "10:30");
    time_is("الساعة 10:30 م", "10:30 م", "22:30");
    time_is("الساعة العاشرة أو 10 صباحاً", "10 صباحاً", "10:00");
    time_is("الساعة 3 عصرا", "3 عصرا", "15:00");
    time_is("at 7pm", "7pm", "19:00");
    cr_assert_eq(count("النتيجة 3:1 و 25:61 و 10 م"), 0);
}

Test(rules, money_arabic)
{
    value_is("بقيمة 25 مليون دولار للمشروع", NER_RULE_MONEY, "25 مليون دولار", 25e6, "USD");
    value_is("نحو 100 ألف ليرة سورية", NER_RULE_MONEY, "100 ألف ليرة سورية", 1e5, "SYP");
    value_is("خصص ٣ مليارات دينار عراقي", NER_RULE_MONEY, "٣ مليارات دينار عراقي", 3e9, "IQD");
    value_is("وبلغ 5 ملايين جنيه مصري", NER_RULE_MONEY, "5 ملايين جنيه مصري", 5e6, "EGP");
    value_is("بـ40 ألف جنيه إسترليني", NER_RULE_MONEY, "40 ألف جنيه إسترليني", 4e4, "GBP");
    value_is("بمبلغ 700 ريال", NER_RULE_MONEY, "700 ريال", 700, "SAR");
    value_is("قيمتها 20 مليون ريال قطري", NER_RULE_MONEY, "20 مليون ريال قطري", 2e7, "QAR");
    value_is("500 درهم", NER_RULE_MONEY, "500 درهم", 500, "AED");
    value_is("مليار يورو", NER_RULE_MONEY, "مليار يورو", 1e9, "EUR");
    value_is("قرض بـ2.5 مليار دولار", NER_RULE_MONEY, "2.5 مليار دولار", 2.5e9, "USD");
    value_is("نحو 50 ألف دينار أردني", NER_RULE_MONEY, "50 ألف دينار أردني", 5e4, "JOD");
    value_is("نحو 50 ألف دينار كويتي", NER_RULE_MONEY, "50 ألف دينار كويتي", 5e4, "KWD");
    value_is("نحو 50 ألف دينار", NER_RULE_MONEY, "50 ألف دينار", 5e4, "");
    value_is("تجاوز 15 ألف ليرة لبنانية", NER_RULE_MONEY, "15 ألف ليرة لبنانية", 15e3, "LBP");
    value_is("بقيمة ملياري دولار", NER_RULE_MONEY, "ملياري دولار", 2e9, "USD");
    value_is("نحو مليوني ليرة سورية", NER_RULE_MONEY, "مليوني ليرة سورية", 2e6, "SYP");
    value_is("غرامة 200 شيكل", NER_RULE_MONEY, "200 شيكل", 200, "ILS");
    value_is("نحو 30 ليرة تركية", NER_RULE_MONEY, "30 ليرة تركية", 30, "TRY");
    value_is("ثلاثة آلاف دولار أميركي", NER_RULE_MONEY, "ثلاثة آلاف دولار أميركي", 3000, "USD");
    value_is("مليونين و500 ألف دولار", NER_RULE_MONEY, "مليونين و500 ألف دولار", 2.5e6, "USD");
}

Test(rules, money_english)
{
    value_is("a $25 million deal", NER_RULE_MONEY, "$25 million", 25e6, "USD");
    value_is("cost US$ 3 billion", NER_RULE_MONEY, "US$ 3 billion", 3e9, "USD");
    value_is("worth €1.5bn", NER_RULE_MONEY, "€1.5bn", 1.5e9, "EUR");
    value_is("£40,000 fine", NER_RULE_MONEY, "£40,000", 4e4, "GBP");
    value_is("paid 300 dollars", NER_RULE_MONEY, "300 dollars", 300, "USD");
    value_is("paid 12 million euros", NER_RULE_MONEY, "12 million euros", 12e6, "EUR");
    value_is("about 5,000 SYP", NER_RULE_MONEY, "5,000 SYP", 5000, "SYP");
}

Test(rules, percent)
{
    value_is("ارتفع 15% خلال", NER_RULE_PERCENT, "15%", 15, "%");
    value_is("ارتفع 15 ٪ خلال", NER_RULE_PERCENT, "15 ٪", 15, "%");
    value_is("ارتفع ١٥٪ خلال", NER_RULE_PERCENT, "١٥٪", 15, "%");
    value_is("نسبة 2.5 بالمئة", NER_RULE_PERCENT, "2.5 بالمئة", 2.5, "%");
    value_is("نسبة 40 بالمائة", NER_RULE_PERCENT, "40 بالمائة", 40, "%");
    value_is("نسبة 12٫5 في المئة", NER_RULE_PERCENT, "12٫5 في المئة", 12.5, "%");
    value_is("rose 7 percent", NER_RULE_PERCENT, "7 percent", 7, "%");
    value_is("rose 7 per cent", NER_RULE_PERCENT, "7 per cent", 7, "%");
    value_is("نحو خمسة بالمئة", NER_RULE_PERCENT, "خمسة بالمئة", 5, "%");
}

Test(rules, quantity)
{
    value_is("نزح 11 ألف شخص", NER_RULE_QUANTITY, "11 ألف", 11000, "");
    value_is("نزح ١١ ألف شخص", NER_RULE_QUANTITY, "١١ ألف", 11000, "");
    value_is("نحو ثلاثة آلاف مقاتل", NER_RULE_QUANTITY, "ثلاثة آلاف", 3000, "");
    value_is("يسكنها 2.5 مليون نسمة", NER_RULE_QUANTITY, "2.5 مليون", 2.5e6, "");
    value_is("يسكنها ٢٫٥ مليون نسمة", NER_RULE_QUANTITY, "٢٫٥ مليون", 2.5e6, "");
    value_is("بعد 1,500 كيلومتر", NER_RULE_QUANTITY, "1,500 كيلومتر", 1500, "");
    value_is("بعد ١٬٥٠٠ كم", NER_RULE_QUANTITY, "١٬٥٠٠ كم", 1500, "");
    value_is("إنتاج 300 ألف برميل يوميا", NER_RULE_QUANTITY, "300 ألف برميل", 3e5, "");
    value_is("نقل 20 طنا من", NER_RULE_QUANTITY, "20 طنا", 20, "");
    value_is("some 40 km away", NER_RULE_QUANTITY, "40 km", 40, "");
    value_is("some 5km away", NER_RULE_QUANTITY, "5km", 5, "");
    value_is("about 1.2 million people", NER_RULE_QUANTITY, "1.2 million", 1.2e6, "");
    value_is("مئة وخمسون ألفا من", NER_RULE_QUANTITY, "مئة وخمسون ألفا", 150000, "");
    value_is("خمسة وعشرين ألف نازح", NER_RULE_QUANTITY, "خمسة وعشرين ألف", 25000, "");
    value_is("ثلاث مئة ألف", NER_RULE_QUANTITY, "ثلاث مئة ألف", 300000, "");
    value_is("نحو ألفين من", NER_RULE_QUANTITY, "ألفين", 2000, "");
    value_is("مليون وثلاثة أشخاص", NER_RULE_QUANTITY, "مليون", 1e6, "");
    value_is("مليون وخمسمئة ألف", NER_RULE_QUANTITY, "مليون وخمسمئة ألف", 1.5e6, "");
    value_is("نحو نصف مليون لاجئ", NER_RULE_QUANTITY, "نصف مليون", 5e5, "");
    value_is("بلغت مليار ونصف", NER_RULE_QUANTITY, "مليار ونصف", 1.5e9, "");
    value_is("ثلاثة ملايين ونصف وخمسة", NER_RULE_QUANTITY, "ثلاثة ملايين ونصف", 3.5e6, "");
    value_is("خمسة ملايين ونصف مليون نسمة", NER_RULE_QUANTITY, "خمسة ملايين ونصف مليون", 5.5e6, "");
    value_is("مليون ونصف المليون دولار", NER_RULE_MONEY, "مليون ونصف المليون دولار", 1.5e6, "USD");
    cr_assert_eq(count("نصف الطريق وربع الساعة"), 0);
    cr_assert_eq(count("عشرات القتلى وآلاف النازحين وملايين الدولارات"), 0);
    cr_assert_eq(count("قتل 500 مقاتل و ثلاثة مدنيين"), 0);
}

Test(rules, clitics_not_in_span)
{
    ner_rule_match m = has("قرض بـ25 مليون دولار", NER_RULE_MONEY, "25 مليون دولار");
    cr_assert_eq(m.start, 6);
    m = has("نزح و11 ألف", NER_RULE_QUANTITY, "11 ألف");
    cr_assert_eq(m.start, 5);
    m = has("ووثلاثة آلاف", NER_RULE_QUANTITY, "ثلاثة آلاف");
    cr_assert_eq(m.start, 2);
    m = has("وبمليون دولار", NER_RULE_MONEY, "مليون دولار");
    cr_assert_eq(m.byte_start, 4);
    has("ولعام 2020", NER_RULE_DATE, "2020");
}

Test(rules, urls)
{
    has("المصدر: https://example.org/a/b?x=1&y=2.", NER_RULE_URL,
        "https://example.org/a/b?x=1&y=2");
    has("see http://Example.com/path, and", NER_RULE_URL, "http://Example.com/path");
    has("موقع www.example.net/news، حيث", NER_RULE_URL, "www.example.net/news");
    has("(https://en.example.org/wiki/Foo_(bar))", NER_RULE_URL,
        "https://en.example.org/wiki/Foo_(bar)");
    has("الرابط https://example.org/خبر", NER_RULE_URL, "https://example.org/");
    cr_assert_eq(count("http:// and www. alone, www.. too"), 0);
}

Test(rules, hashtags)
{
    has("وسم #سوريا انتشر", NER_RULE_HASHTAG, "#سوريا");
    has("tag #Syria_news, trending", NER_RULE_HASHTAG, "#Syria_news");
    has("#عاجل_2019 الآن", NER_RULE_HASHTAG, "#عاجل_2019");
    cr_assert_eq(count("# alone, #2019 and a&#39;b"), 0);
}

Test(rules, none_without_numbers)
{
    const char *plain = "قال المتحدث باسم الوزارة إن المفاوضات مستمرة بين الأطراف في المدينة. "
                        "The talks went on in the city without any result.";
    size_t n;
    ner_rule_match *m = find(plain, &n);
    cr_assert_eq(n, 0);
    cr_assert_null(m);
    cr_assert_eq(count(""), 0);
}

Test(rules, offsets_and_order)
{
    const char *s = "في 23 آذار 2019 دفع 25 مليون دولار، أي 15% عند 14:30 #سوريا https://x.org";
    size_t n;
    ner_rule_match *m = find(s, &n);
    cr_assert_eq(n, 6);
    ner_rule_type want[] = {NER_RULE_DATE, NER_RULE_MONEY,   NER_RULE_PERCENT,
                            NER_RULE_TIME, NER_RULE_HASHTAG, NER_RULE_URL};
    const char *text[] = {"23 آذار 2019", "25 مليون دولار", "15%",
                          "14:30",        "#سوريا",         "https://x.org"};
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(m[i].type, want[i], "match %zu", i);
        cr_assert_str_eq(span(s, &m[i]), text[i]);
    }
    cr_assert_eq(m[0].start, 3);
    cr_assert_eq(m[0].end, 15);
    cr_assert_eq(m[0].byte_start, 5);
    free(m);
}

Test(rules, adjacency)
{
    size_t n;
    const char *s = "15%20% 2019/03/23 23:59 5 آذار 2019، 25 مليون دولار";
    ner_rule_match *m = find(s, &n);
    cr_assert_eq(n, 6);
    cr_assert_str_eq(span(s, &m[0]), "15%");
    cr_assert_str_eq(span(s, &m[1]), "20%");
    cr_assert_eq(m[2].type, NER_RULE_DATE, "a date wins over a bare number");
    cr_assert_eq(m[3].type, NER_RULE_TIME);
    cr_assert_str_eq(span(s, &m[4]), "5 آذار 2019");
    cr_assert_eq(m[5].type, NER_RULE_MONEY, "money wins over quantity");
    free(m);
    cr_assert_eq(count("COVID19 و H5N1"), 0);
}

Test(rules, invalid_utf8)
{
    const char s[] = "\xff 25 \xd8 مليون\xc3 \xe2\x82 15%\xf0\x9f #\xd8\xb3\xff 2019/03/23\xe0";
    ner_rule_match *m = NULL;
    size_t n;
    char err[64];
    cr_assert_eq(ner_rules_find(s, sizeof s - 1, &m, &n, err, sizeof err), NI_OK);
    int pct = 0, date = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_leq(m[i].byte_end, sizeof s - 1);
        pct += m[i].type == NER_RULE_PERCENT;
        date += m[i].type == NER_RULE_DATE && strcmp(m[i].iso, "2019-03-23") == 0;
    }
    cr_assert_eq(pct, 1);
    cr_assert_eq(date, 1);
    free(m);
    /* a truncated sequence at the very end */
    cr_assert_eq(ner_rules_find("15\xd9", 3, &m, &n, err, sizeof err), NI_OK);
    cr_assert_eq(n, 0);
    free(m);
}

Test(rules, huge_digits_and_separators)
{
    const char unit[] = "1,000.5/2-3:4٫5٬666 ";
    size_t ul = sizeof unit - 1, len = 1 << 20, n;
    char *s = malloc(len + 1);
    cr_assert_not_null(s);
    for (size_t i = 0; i < len; i++) s[i] = i % 7 == 6 ? ',' : (char)('0' + i % 10);
    ner_rule_match *m = NULL;
    cr_assert_eq(ner_rules_find(s, len, &m, &n, NULL, 0), NI_OK);
    cr_assert_eq(n, 0);
    free(m);
    size_t k = 0;
    while (k + ul <= len) memcpy(s + k, unit, ul), k += ul;
    cr_assert_eq(ner_rules_find(s, k, &m, &n, NULL, 0), NI_OK);
    cr_assert_eq(n, 0, "%zu matches in separators", n);
    free(m);
    free(s);
}
