/* test_fast_paths.c: the speed paths agree with the plain ones (folded-input vocabulary matching,
 * fold + word count in one pass, record_json against record_build printed by cJSON). */
#include "extract/extract.h"
#include "extract/vocab.h"
#include "normalize/normalize.h"
#include "record/record.h"
#include "support.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines that exercise every vocabulary kind, spelling variants and the near misses. */
static const char *const lines[] = {
    "حجم الخط:",
    "اقرأ/ي أيضًا: عنوان آخر عن المدينة",
    "إقرأ أيضاً",
    "- | Share this article",
    "Share! now",
    "Tags:economy, ports",
    "كلمات مفتاحية: المياه، الطاقة",
    "بقلم: سعاد الخطيب",
    "By Jane Doe | Nov 5, 2021",
    "Bypass road opens",
    "جنود في الميدان (أرشيفية)",
    "محطة التحلية- أرشيفية",
    "A harbour at dawn (File photo)",
    "© 2026 مدينة نيوز جميع الحقوق محفوظة",
    "734 مشاهدة",
    "Views: 1,234",
    "طباعة قسد تواجه الإرهاب.. علي رجب",
    "الجمعة 05/نوفمبر/2021 - 01:04 م",
    "Photo: the new reading room",
    "x\xe2\x80\x8c/ي share",
    "  \xc2\xa0 ",
    "",
};
#define NLINES (sizeof lines / sizeof *lines)

Test(fast_paths, folded_vocabulary_matches_plain)
{
    char f[1024];
    for (size_t i = 0; i < NLINES; i++) {
        const char *s = lines[i];
        size_t len = strlen(s), n = vocab_fold(s, len, f, sizeof f);
        cr_assert_eq(vocab_classify_folded(len, f, n), vocab_classify(s, len), "%s", s);
        size_t a[VOCAB_KINDS], b[VOCAB_KINDS];
        vocab_prefix_all(s, len, a);
        vocab_prefix_all_folded(s, len, f, n, b);
        cr_assert_arr_eq(a, b, sizeof a, "%s", s);
        for (int k = VOCAB_NONE + 1; k < VOCAB_KINDS; k++)
            cr_assert_eq(vocab_suffix_folded(s, len, f, n, k), vocab_suffix(s, len, k), "%s", s);
    }
}

Test(fast_paths, rejections_still_find_matches)
{
    char f[256];
    const char *a = "اقرأ/ي أيضًا: عنوان آخر", *b = "محطة التحلية- أرشيفية";
    size_t out[VOCAB_KINDS], n = vocab_fold(a, strlen(a), f, sizeof f);
    vocab_prefix_all_folded(a, strlen(a), f, n, out);
    cr_assert_eq(out[VOCAB_RELATED], strlen("اقرأ/ي أيضًا: "));
    n = vocab_fold(b, strlen(b), f, sizeof f);
    cr_assert_eq(vocab_suffix_folded(b, strlen(b), f, n, VOCAB_CAPTION), strlen("محطة التحلية"));
}

Test(fast_paths, fold_words_counts_in_the_same_pass)
{
    char a[256], b[256];
    int words = -1;
    const char *s = "Hello, world — ٣٤ اقرأ/ي x\xe2\x80\x8cy ...";
    size_t n = vocab_fold_words(s, strlen(s), a, sizeof a, &words);
    cr_assert_eq(n, vocab_fold(s, strlen(s), b, sizeof b));
    cr_assert_str_eq(a, b);
    /* Hello, | world | ٣٤ | اقرأ/ي | x | y (ZWNJ splits) ; "—" and "..." hold no letter */
    cr_assert_eq(words, 6);
    cr_assert_eq(vocab_fold_words("", 0, a, sizeof a, &words), 0);
    cr_assert_eq(words, 0);
}

Test(fast_paths, fold_with_a_tight_buffer_is_a_prefix)
{
    const char *s = "أَيْضًا  إقرأ/ي ٱلمـدينة ABC";
    char roomy[256], tight[9];
    size_t n = vocab_fold(s, strlen(s), roomy, sizeof roomy);
    cr_assert_eq(vocab_fold(s, strlen(s), tight, sizeof tight), n);
    cr_assert_eq(strncmp(tight, roomy, sizeof tight - 1), 0);
    cr_assert_eq(tight[sizeof tight - 1], '\0');
}

/* article_of: a text page extracted and normalized (caller destroys). */
static article *article_of(const char *text, page *pg)
{
    *pg = (page){.text = (char *)text, .len = strlen(text), .type = PAGE_TYPE_TEXT};
    article *a = NULL;
    char err[256];
    cr_assert_eq(extract_text(pg, &a, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(normalize_article(a, err, sizeof err), NI_OK, "%s", err);
    return a;
}

static void same_record(const char *rel, const char *url)
{
    char *text = support_read(support_path(rel), NULL), err[256], id[33], *json = NULL;
    page pg;
    article *a = article_of(text, &pg);
    record_input in = {a, &pg, url, "2026-11-21T10:00:00Z", NULL};
    cJSON *tree = NULL;
    size_t len = 0;
    cr_assert_eq(record_build(&in, &tree, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(record_json(&in, &json, &len, id, err, sizeof err), NI_OK, "%s", err);
    char *want = cJSON_PrintUnformatted(tree);
    cr_assert_str_eq(json, want, "%s", rel);
    cr_assert_eq(len, strlen(want));
    cr_assert_str_eq(id, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(tree, "id")));
    free(want);
    free(json);
    cJSON_Delete(tree);
    article_destroy(a);
    free(text);
}

Test(fast_paths, record_json_prints_what_record_build_builds)
{
    same_record("tests/fixtures/text/ar_levant.txt", NULL);
    same_record("tests/fixtures/text/en_byline.txt", "https://Example.org/a?utm_source=x#top");
    same_record("tests/fixtures/text/ar_suffix.txt", NULL);
    same_record("tests/fixtures/text/en_wrapped.txt", NULL);
}
