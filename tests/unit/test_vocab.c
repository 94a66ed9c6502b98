/* test_vocab.c: unit tests of the chrome vocabulary and its light matching form. */
#include "extract/vocab.h"

#include <criterion/criterion.h>
#include <string.h>

static vocab_kind cls(const char *s)
{
    return vocab_classify(s, strlen(s));
}

Test(vocab, classifies_arabic_widgets_and_variants)
{
    cr_assert_eq(cls("حجم الخط:"), VOCAB_WIDGET);
    cr_assert_eq(cls("طباعة"), VOCAB_WIDGET);
    cr_assert_eq(cls(" شارك "), VOCAB_WIDGET);
    cr_assert_eq(cls("اقرأ/ي أيضًا:\xc2\xa0"), VOCAB_RELATED);
    cr_assert_eq(cls("إقرأ أيضاً"), VOCAB_RELATED);
    cr_assert_eq(cls("اقرا ايضا"), VOCAB_RELATED);
    cr_assert_eq(cls("مقالات ذات صلة"), VOCAB_RELATED);
    cr_assert_eq(cls("كلمات مفتاحية"), VOCAB_KEYWORDS);
    cr_assert_eq(cls("مشاهدة"), VOCAB_VIEWS);
    cr_assert_eq(cls("مشاهده"), VOCAB_VIEWS);
    cr_assert_eq(cls("المزيد \xc2\xa0"), VOCAB_MORE);
}

Test(vocab, classifies_english)
{
    cr_assert_eq(cls("Share"), VOCAB_WIDGET);
    cr_assert_eq(cls("PRINT"), VOCAB_WIDGET);
    cr_assert_eq(cls("Related articles"), VOCAB_RELATED);
    cr_assert_eq(cls("Read more:"), VOCAB_RELATED);
    cr_assert_eq(cls("Tags:"), VOCAB_KEYWORDS);
    cr_assert_eq(cls("views"), VOCAB_VIEWS);
}

Test(vocab, ordinary_lines_are_none)
{
    cr_assert_eq(cls("داعش يسجل حضوره بعد إعلان قسد الانتصار عليه"), VOCAB_NONE);
    cr_assert_eq(cls("Share prices fell on Monday"), VOCAB_NONE);
    cr_assert_eq(cls(""), VOCAB_NONE);
    cr_assert_eq(cls("::"), VOCAB_NONE);
}

Test(vocab, prefixes)
{
    const char *a = "بقلم: محمد علي", *b = "By Jane Doe", *c = "طباعة قسد تواجه الإرهاب.. علي رجب";
    const char *d = "اقرأ أيضاً: عنوان آخر", *e = "Bypass road opens";
    cr_assert_eq(vocab_prefix(a, strlen(a), VOCAB_AUTHOR), strlen("بقلم: "));
    cr_assert_eq(vocab_prefix(b, strlen(b), VOCAB_AUTHOR), 3);
    cr_assert_eq(vocab_prefix(c, strlen(c), VOCAB_WIDGET), strlen("طباعة "));
    cr_assert_eq(vocab_prefix(d, strlen(d), VOCAB_RELATED), strlen("اقرأ أيضاً: "));
    cr_assert_eq(vocab_prefix(e, strlen(e), VOCAB_AUTHOR), 0);
    cr_assert_eq(vocab_prefix(b, strlen(b), VOCAB_WIDGET), 0);
    cr_assert_eq(vocab_prefix("By", 2, VOCAB_AUTHOR), 0);
}

Test(vocab, suffixes)
{
    const char *a = "داعش- أرشيفية", *b = "جنود في الميدان (أرشيفية)", *c = "أرشيفية";
    cr_assert_eq(vocab_suffix(a, strlen(a), VOCAB_CAPTION), strlen("داعش"));
    cr_assert_eq(vocab_suffix(b, strlen(b), VOCAB_CAPTION), strlen("جنود في الميدان"));
    cr_assert_eq(vocab_suffix(c, strlen(c), VOCAB_CAPTION), 0);
    cr_assert_eq(vocab_suffix("a house", 7, VOCAB_CAPTION), 0);
}

Test(vocab, fold_form)
{
    char out[128];
    const char *s = "أَيْضًا  إقرأ/ي ٱلمـدينة مشاهدى ٣٤ ۵";
    size_t n = vocab_fold(s, strlen(s), out, sizeof out);
    cr_assert_str_eq(out, "ايضا اقرا المدينه مشاهدي 34 5");
    cr_assert_eq(n, strlen(out));
    cr_assert_eq(vocab_fold("And/Or", 6, out, sizeof out), 6);
    cr_assert_str_eq(out, "and/or");
}

Test(vocab, fold_truncates_but_reports_length)
{
    char out[4];
    size_t n = vocab_fold("abcdef", 6, out, sizeof out);
    cr_assert_eq(n, 6);
    cr_assert_eq(strlen(out), 3);
}
