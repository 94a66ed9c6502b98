/* test_normalize.c: unit tests of normalization: display text, articles, search text, URLs,
 * language guess and direction. */
#include "extract/article.h"
#include "normalize/normalize.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* text_is: normalize_text(in) must give want. */
static void text_is(const char *in, const char *want)
{
    char *out = NULL, err[128] = "";
    cr_assert_eq(normalize_text(in, strlen(in), &out, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(out, want, "normalize_text(\"%s\")", in);
    free(out);
}

/* search_is: normalize_search_text(in) must give want. */
static void search_is(const char *in, const char *want)
{
    char *out = NULL, err[128] = "";
    cr_assert_eq(normalize_search_text(in, strlen(in), &out, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(out, want, "normalize_search_text(\"%s\")", in);
    free(out);
}

/* url_is: normalize_url_canonical(in) must give want (NULL: must be rejected). */
static void url_is(const char *in, const char *want)
{
    char *out = NULL, err[128] = "";
    int rc = normalize_url_canonical(in, &out, err, sizeof err);
    if (!want) {
        cr_assert_eq(rc, NI_ERR_INVALID, "%s accepted as %s", in, out ? out : "");
        cr_assert_null(out);
        cr_assert_neq(err[0], '\0');
        return;
    }
    cr_assert_eq(rc, NI_OK, "%s: %s", in, err);
    cr_assert_str_eq(out, want, "normalize_url_canonical(\"%s\")", in);
    free(out);
}

Test(normalize_text, nfc_composes)
{
    text_is("caf\x65\xCC\x81", "caf\xC3\xA9"); /* e + U+0301 -> é */
    text_is("\xC3\xA9", "\xC3\xA9");
}

Test(normalize_text, nfc_orders_arabic_marks)
{
    /* beh + shadda (ccc 33) + fatha (ccc 30) -> canonical order fatha, shadda */
    text_is("\xD8\xA8\xD9\x91\xD9\x8E", "\xD8\xA8\xD9\x8E\xD9\x91");
}

Test(normalize_text, unicode_spaces_collapsed_and_trimmed)
{
    text_is("\xC2\xA0 a\xC2\xA0\xC2\xA0"
            "b\xE2\x80\x83"
            "c\xE3\x80\x80"
            "d \n\n\t e  ",
            "a b c d e");
    text_is("  \n\t ", "");
    text_is("", "");
}

Test(normalize_text, invisible_controls_dropped_zwj_zwnj_kept)
{
    text_is("a\xE2\x80\x8B"
            "b\xE2\x80\x8F"
            "c\xE2\x80\xAB"
            "d\xEF\xBB\xBF"
            "e\xE2\x81\xA6"
            "f",
            "abcdef");
    const char *fa =
        "\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85"; /* ZWNJ */
    text_is(fa, fa);
    text_is("a\xE2\x80\x8D"
            "b",
            "a\xE2\x80\x8D"
            "b"); /* ZWJ */
}

Test(normalize_text, arabic_kept_as_is)
{
    text_is("  قال الوزير   إن الاجتماع\nانتهى  ", "قال الوزير إن الاجتماع انتهى");
}

Test(normalize_text, supplementary_characters_kept)
{
    text_is("a \xF0\x9F\x98\x80  \xF0\x9D\x90\x80 b", "a \xF0\x9F\x98\x80 \xF0\x9D\x90\x80 b");
}

Test(normalize_text, ill_formed_input_gives_replacement_character)
{
    text_is("a\xFF"
            "b",
            "a\xEF\xBF\xBD"
            "b");
    text_is("\xFF\xFE\xFDxyz", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDxyz");
}

Test(normalize_article, fields_blocks_and_lists)
{
    article *a = article_create();
    cr_assert_not_null(a);
    article_field_set(&a->title, "  عنوان\xC2\xA0الخبر  ", (size_t)-1);
    article_field_set(&a->author, " \xE2\x80\x8F ", (size_t)-1);
    article_field_set(&a->site_name, "Site\nName", (size_t)-1);
    article_block_add(a, ARTICLE_BLOCK_PARAGRAPH, "first line\nsecond line", (size_t)-1);
    article_block_add(a, ARTICLE_BLOCK_PARAGRAPH, " \n ", (size_t)-1);
    article_block_add(a, ARTICLE_BLOCK_HEADING, "Heading", (size_t)-1);
    article_caption_add(a, "", 0);
    article_caption_add(a, " photo ", (size_t)-1);
    article_keyword_add(a, "\xE2\x80\x8B", (size_t)-1);
    article_keyword_add(a, "economy", (size_t)-1);
    article_related_add(a, "  ", "https://example.org/a");
    article_related_add(a, " Other story ", NULL);
    char err[128] = "";
    cr_assert_eq(normalize_article(a, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(a->title, "عنوان الخبر");
    cr_assert_null(a->author);
    cr_assert_str_eq(a->site_name, "Site Name");
    cr_assert_eq(a->nblocks, 2u);
    cr_assert_str_eq(a->blocks[0].text, "first line second line");
    cr_assert_str_eq(a->blocks[1].text, "Heading");
    cr_assert_eq(a->blocks[1].kind, ARTICLE_BLOCK_HEADING);
    cr_assert_eq(a->ncaptions, 1u);
    cr_assert_str_eq(a->captions[0], "photo");
    cr_assert_eq(a->nkeywords, 1u);
    cr_assert_str_eq(a->keywords[0], "economy");
    cr_assert_eq(a->nrelated, 1u);
    cr_assert_str_eq(a->related[0].title, "Other story");
    cr_assert_null(a->related[0].url);
    article_destroy(a);
}

Test(normalize_search_text, arabic_diacritics_and_tatweel_removed)
{
    search_is("أَحْمَدُ", "احمد");
    search_is("جـــميل", "جميل");
    search_is("مُحَمَّدٌ", "محمد");
    search_is("ٱلرَّحْمَٰنِ", "الرحمن"); /* wasla alef, superscript alef */
}

Test(normalize_search_text, arabic_letter_folding)
{
    search_is("إعلان أمس آخر", "اعلان امس اخر");
    search_is("مستشفى المدينة", "مستشفي المدينه");
    search_is("ﻻ ﷲ", "لا الله"); /* presentation forms (NFKC) */
}

Test(normalize_search_text, fast_and_icu_paths_agree)
{
    /* Tanween alone stays on the UTF-8 fast path; a presentation form sends the same text
     * through ICU NFKC_Casefold: both must fold alike. */
    search_is("سوقاً جديداً للخضار", "سوقا جديدا للخضار");
    search_is("سوقاً جديداً للخضار ﻻ", "سوقا جديدا للخضار لا");
    search_is("ؤ", "ؤ"); /* waw + combining hamza composes (U+0654 is not simply removed) */
    search_is("Emoji \xF0\x9F\x98\x80 OK", "emoji \xF0\x9F\x98\x80 ok");
}

Test(normalize_search_text, digits_to_ascii)
{
    search_is("عام ٢٠٢١ و ۱۴۰۰", "عام 2021 و 1400");
}

Test(normalize_search_text, case_folding_and_spaces)
{
    search_is("  Hello\xC2\xA0WORLD\n\nStraße ＡＢＣ  ", "hello world strasse abc");
    search_is("", "");
}

Test(normalize_url_canonical, lower_case_default_port_fragment)
{
    url_is("HTTP://Example.COM:80/Path/Page.html#top", "http://example.com/Path/Page.html");
    url_is("https://News.Example.org:443", "https://news.example.org/");
    url_is("https://example.org:8443/x", "https://example.org:8443/x");
    url_is("http://example.org:443/x", "http://example.org:443/x");
    url_is("  https://example.org/a b \n", "https://example.org/a b");
    url_is("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a");
}

Test(normalize_url_canonical, tracking_parameters_removed)
{
    url_is("https://example.org/a?utm_source=x&id=5&fbclid=abc&UTM_Medium=y&p=2#c",
           "https://example.org/a?id=5&p=2");
    url_is("https://example.org/a?utm_campaign=z&gclid=1", "https://example.org/a");
    url_is("https://example.org?q=1", "https://example.org/?q=1");
    url_is("https://example.org/a?utm=keep&&x=", "https://example.org/a?utm=keep&x=");
}

Test(normalize_url_canonical, rejects_non_http_and_relative)
{
    url_is("ftp://example.org/file", NULL);
    url_is("/news/item", NULL);
    url_is("//example.org/x", NULL);
    url_is("https://", NULL);
    url_is("https://:80/x", NULL);
    url_is("https://example.org:8o/x", NULL);
    url_is("javascript:alert(1)", NULL);
    url_is("", NULL);
}

Test(normalize_url_host, host_without_www)
{
    char *out = NULL, err[128];
    cr_assert_eq(normalize_url_host("https://WWW.Example.com:8080/x?y#z", &out, err, sizeof err),
                 NI_OK);
    cr_assert_str_eq(out, "example.com");
    free(out);
    cr_assert_eq(normalize_url_host("https://user@news.example.com", &out, err, sizeof err), NI_OK);
    cr_assert_str_eq(out, "news.example.com");
    free(out);
    cr_assert_eq(normalize_url_host("news/item.html", &out, err, sizeof err), NI_ERR_INVALID);
    cr_assert_null(out);
}

/* lang_is: normalize_language_guess(text) must give want. */
static void lang_is(const char *text, const char *want)
{
    cr_assert_str_eq(normalize_language_guess(text, strlen(text)), want, "%s", text);
}

Test(normalize_language_guess, scripts_and_stopwords)
{
    lang_is("قال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة.", "ar");
    lang_is("The minister said that the talks with the unions were productive and that a deal "
            "is close.",
            "en");
    lang_is("Le ministre a déclaré que les discussions avec les syndicats sont productives et "
            "qu'un accord est proche.",
            "fr");
    const char *fa =
        "وزیر گفت که گفتگوها با اتحادیه‌ها پربار بود";
    lang_is(fa, "fa");
    lang_is("وزیر نے کہا کہ یونینوں کے ساتھ بات چیت مثبت رہی اور معاہدہ قریب ہے۔", "ur");
    lang_is("Der Minister sagte, die Gespräche mit den Gewerkschaften seien produktiv und eine "
            "Einigung sei nicht mehr weit.",
            "de");
    lang_is("El ministro dijo que las conversaciones con los sindicatos fueron productivas.", "es");
    lang_is("Министр заявил, что переговоры с профсоюзами были продуктивными.", "ru");
    lang_is("大臣は組合との交渉が生産的だったと述べた。", "ja");
    lang_is("部长表示与工会的谈判富有成效。", "zh");
    lang_is("השר אמר כי השיחות היו פוריות.", "he");
    lang_is("12345 !!! 2021-11-05", "und");
    lang_is("", "und");
}

Test(normalize_direction, rtl_languages)
{
    cr_assert_str_eq(normalize_direction("ar"), "rtl");
    cr_assert_str_eq(normalize_direction("ar-SY"), "rtl");
    cr_assert_str_eq(normalize_direction("FA"), "rtl");
    cr_assert_str_eq(normalize_direction("he_IL"), "rtl");
    cr_assert_str_eq(normalize_direction("ckb"), "rtl");
    cr_assert_str_eq(normalize_direction("az-Arab"), "rtl");
    cr_assert_str_eq(normalize_direction("en-US"), "ltr");
    cr_assert_str_eq(normalize_direction("arn"), "ltr");
    cr_assert_str_eq(normalize_direction(NULL), "ltr");
}
