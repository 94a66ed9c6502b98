/* test_fast_paths.c: the speed paths agree with the plain ones (folded-input vocabulary matching,
 * fold + word count in one pass, record_json against record_build printed by cJSON, JSON string
 * escaping against cJSON). */
#include "extract/extract.h"
#include "extract/vocab.h"
#include "normalize/normalize.h"
#include "normalize_internal.h"
#include "page/page.h"
#include "record/record.h"
#include "record_internal.h"
#include "support.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <criterion/criterion.h>
#include <glob.h>
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
    record_input in = {a, &pg, url, "2026-11-21T10:00:00Z", NULL, NULL, NULL, NULL};
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

/* cjson_literal: s printed by cJSON as a string item (caller frees). */
static char *cjson_literal(const char *s)
{
    cJSON *item = cJSON_CreateString(s);
    cr_assert_not_null(item);
    char *p = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    cr_assert_not_null(p);
    return p;
}

/* same_literal: record_json_string(s) is what cJSON prints for s. */
static void same_literal(const char *s)
{
    size_t len = strlen(s);
    char *fast = malloc(RECORD_JSON_STRING_MAX(len)), *want = cjson_literal(s);
    cr_assert_not_null(fast);
    size_t n = record_json_string(s, len, fast);
    cr_assert_str_eq(fast, want, "escaping %zu bytes", len);
    cr_assert_eq(n, strlen(want));
    free(fast);
    free(want);
}

Test(fast_paths, json_string_escapes_like_cjson)
{
    char s[40];
    for (int c = 1; c < 256; c++) /* each byte alone, then at every offset of a longer run */
        for (size_t at = 0; at < 20; at += at < 2 ? 1 : 7) {
            memset(s, 'a', sizeof s);
            s[at] = (char)c;
            s[at + 1 + c % 17] = '\0';
            same_literal(s);
        }
    same_literal("");
    same_literal("\"\\\"\\\n\n\t\x01\x1f\x7f ok");
    same_literal("العنوان\n\nفقرة \"مقتبسة\" \\ ثم\tنهاية");
}

/* gz_read: a gzipped file through gzip -dc (NULL when it cannot be read; caller frees). */
static char *gz_read(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    sbuf b = SBUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) cr_assert_eq(sbuf_append(&b, chunk, n), 0);
    cr_assert_eq(pclose(f), 0, "%s", path);
    return sbuf_steal(&b);
}

/* corpus_file: one page of the corpus glob patterns below (gzipped ones unpacked). */
static char *corpus_file(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && !strcmp(path + n - 3, ".gz") ? gz_read(path) : support_read(path, NULL);
}

/* same_record_of_page: the page through decode, extract and normalize; record_json equals
 * record_build's tree printed by cJSON. Returns 1 when the page gave an article. */
static int same_record_of_page(extract_ctx *x, const char *path)
{
    char *bytes = corpus_file(path), err[256], id[33], *json = NULL;
    page_hints hints = {.max_bytes = PAGE_DEFAULT_MAX_BYTES};
    page *pg = NULL;
    article *a = NULL;
    int ok = page_decode(bytes, strlen(bytes), &hints, &pg, err, sizeof err) == NI_OK &&
             extract_article(x, pg, &a, err, sizeof err) == NI_OK &&
             normalize_article(a, err, sizeof err) == NI_OK;
    if (ok) {
        record_input in = {a, pg, NULL, "2026-11-21T10:00:00Z", NULL, NULL, NULL, NULL};
        cJSON *tree = NULL;
        size_t len = 0;
        cr_assert_eq(record_build(&in, &tree, err, sizeof err), NI_OK, "%s", err);
        cr_assert_eq(record_json(&in, &json, &len, id, err, sizeof err), NI_OK, "%s", err);
        char *want = cJSON_PrintUnformatted(tree);
        cr_assert_str_eq(json, want, "%s", path);
        cr_assert_eq(len, strlen(want), "%s", path);
        free(want);
        free(json);
        cJSON_Delete(tree);
    }
    article_destroy(a);
    page_destroy(pg);
    free(bytes);
    return ok;
}

/* for_corpus: calls fn on every seed, example, AEB and Readability page; returns the pages that
 * gave an article. */
static size_t for_corpus(int (*fn)(extract_ctx *, const char *))
{
    const char *shared[] = {"seeds/*.txt", "data/aeb/html/*.html.gz",
                            "data/readability/*/source.html"};
    char err[256], pat[4200];
    extract_ctx *x = extract_ctx_create(err, sizeof err);
    cr_assert_not_null(x, "%s", err);
    size_t done = 0;
    for (size_t k = 0; k < 4; k++) {
        snprintf(pat, sizeof pat, "%s",
                 k < 3 ? support_shared_path(shared[k]) : support_path("examples/*"));
        glob_t g;
        cr_assert_eq(glob(pat, 0, NULL, &g), 0, "no pages match %s", pat);
        for (size_t i = 0; i < g.gl_pathc; i++) done += (size_t)fn(x, g.gl_pathv[i]);
        globfree(&g);
    }
    extract_ctx_destroy(x);
    return done;
}

Test(fast_paths, record_json_prints_what_cjson_prints_for_every_corpus_page)
{
    cr_assert_gt(for_corpus(same_record_of_page), 300);
}

/* same_text_forms: s[0..len) cleans and folds alike on the table paths and the plain ones. */
static void same_text_forms(const char *s, size_t len, const char *what)
{
    char err[256], *fast = NULL, *plain = NULL;
    cr_assert_eq(normalize_text(s, len, &fast, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(normalize_text_plain(s, len, &plain, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(fast, plain, "normalize_text of %s", what);
    free(fast);
    free(plain);
    cr_assert_eq(normalize_search_text(s, len, &fast, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(normalize_search_text_icu(s, len, &plain, err, sizeof err), NI_OK, "%s", err);
    cr_assert_str_eq(fast, plain, "search text of %s", what);
    free(fast);
    /* The guess read along the fold equals the separate one, samples cut anywhere. */
    const size_t samples[] = {0, 1, 7, 100, 1001, 4095, 4096, len / 2, len};
    for (size_t k = 0; k < sizeof samples / sizeof *samples; k++) {
        const char *lang = NULL;
        size_t n = 0, cut = samples[k] < len ? samples[k] : len;
        cr_assert_eq(
            normalize_search_text_guess(s, len, &fast, &n, samples[k], &lang, err, sizeof err),
            NI_OK, "%s", err);
        cr_assert_str_eq(fast, plain, "search text of %s", what);
        cr_assert_eq(n, strlen(plain));
        cr_assert_str_eq(lang, normalize_language_guess(s, cut), "guess of %s at %zu", what, cut);
        free(fast);
    }
    free(plain);
}

/* same_fold: vocab_fold_words with a roomy buffer (16-byte copies) equals the character by
 * character path (a buffer of exactly 2 * len bytes is not roomy), words included. */
static void same_fold(const char *s, size_t len, const char *what)
{
    char *roomy = malloc(2 * len + 2), *plain = malloc(2 * len + 2);
    int wr = -1, wp = -2;
    cr_assert(roomy && plain);
    size_t nr = vocab_fold_words(s, len, roomy, 2 * len + 1, &wr);
    size_t np = vocab_fold_words(s, len, plain, len ? 2 * len : 1, &wp);
    cr_assert_eq(nr, np, "fold length of a line of %s", what);
    cr_assert_eq(memcmp(roomy, plain, nr), 0, "fold of a line of %s", what);
    cr_assert_eq(wr, wp, "words of a line of %s", what);
    free(roomy);
    free(plain);
}

/* same_article_blocks: normalize_article keeps, rewrites and drops paragraphs as the plain path
 * says (a non-empty plain form, in order). */
static void same_article_blocks(article *a, const char *what)
{
    char err[256], **want = calloc(a->nblocks + 1, sizeof *want);
    size_t n = 0;
    cr_assert_not_null(want);
    for (size_t i = 0; i < a->nblocks; i++) {
        const char *t = a->blocks[i].text;
        cr_assert_eq(normalize_text_plain(t, strlen(t), &want[n], err, sizeof err), NI_OK);
        if (*want[n])
            n++;
        else
            free(want[n]);
    }
    cr_assert_eq(normalize_article(a, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(a->nblocks, n, "%s", what);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(a->blocks[i].text, want[i], "%s", what);
        free(want[i]);
    }
    free(want);
}

/* same_forms_of_page: the page text, its raw title and paragraphs, and the normalized record
 * text (title, blank line, body) through both paths. Returns 1 when the page gave an article. */
static int same_forms_of_page(extract_ctx *x, const char *path)
{
    char *bytes = corpus_file(path), err[256];
    page_hints hints = {.max_bytes = PAGE_DEFAULT_MAX_BYTES};
    page *pg = NULL;
    article *a = NULL;
    int ok = page_decode(bytes, strlen(bytes), &hints, &pg, err, sizeof err) == NI_OK;
    if (ok) same_text_forms(pg->text, pg->len, path);
    for (const char *l = ok ? pg->text : NULL, *e; l && l < pg->text + pg->len; l = e + 1) {
        e = memchr(l, '\n', (size_t)(pg->text + pg->len - l));
        if (!e) e = pg->text + pg->len;
        same_fold(l, (size_t)(e - l), path);
    }
    ok = ok && extract_article(x, pg, &a, err, sizeof err) == NI_OK;
    if (ok && a->title) same_text_forms(a->title, strlen(a->title), path);
    sbuf text = SBUF_INIT;
    for (size_t i = 0; ok && i < a->nblocks; i++) {
        same_text_forms(a->blocks[i].text, strlen(a->blocks[i].text), path);
        cr_assert_eq(sbuf_append_str(&text, i ? "\n\n" : "\n"), 0);
        cr_assert_eq(sbuf_append_str(&text, a->blocks[i].text), 0);
    }
    if (ok) same_text_forms(text.data ? text.data : "", text.len, path);
    sbuf_free(&text);
    if (ok) same_article_blocks(a, path);
    article_destroy(a);
    page_destroy(pg);
    free(bytes);
    return ok;
}

Test(fast_paths, text_and_search_forms_match_the_plain_paths_on_every_corpus_page)
{
    cr_assert_gt(for_corpus(same_forms_of_page), 300);
    static const char marks[] = "  a\xe2\x80\x8b  b\t\xc2\xa0"
                                "c\xff \xd9\x8e\xd8\xa7\xd9\x8b ";
    static const char ligature[] =
        "\xef\xbb\xbf\xef\xac\x81 \xd8\xa3\xd9\x84\xd9\x80\xd9\x80\xd9\x88";
    same_text_forms(marks, sizeof marks - 1, "marks");
    same_text_forms(ligature, sizeof ligature - 1, "ligature");
}

/* Every change clean makes, placed at each character boundary of a long plain text: the 16-byte
 * skip of already-clean text must notice it wherever it falls in a block. */
Test(fast_paths, cleaning_notices_a_change_at_any_offset)
{
    static const char base[] = "قال المدير إن المحطة الجديدة ستنتج المياه لمدينة كاملة، "
                               "and the plant opens in May 2027 with 40 staff.";
    static const char *const changes[] = {
        " ",            /* makes a double blank next to a blank, or a trailing/leading one */
        "\t",           /* other white space */
        "\xc2\xa0",     /* NBSP */
        "\xd9\x8b",     /* tanween (a mark: NFC checks it) */
        "\xd9\xb0",     /* superscript alef */
        "\xd8\x9c",     /* Arabic letter mark (invisible) */
        "\xd8\x90",     /* an honorific sign (a mark) */
        "\xe2\x80\x8b", /* zero-width space */
        "\x01",         /* a control */
    };
    char buf[512], err[256], *fast, *plain;
    for (size_t k = 0; k < sizeof changes / sizeof *changes; k++)
        for (size_t at = 0; at <= sizeof base - 1; at++) {
            if (((unsigned char)base[at] & 0xC0) == 0x80) continue; /* inside a character */
            size_t n = strlen(changes[k]);
            memcpy(buf, base, at);
            memcpy(buf + at, changes[k], n);
            memcpy(buf + at + n, base + at, sizeof base - at);
            size_t len = sizeof base - 1 + n;
            cr_assert_eq(normalize_text(buf, len, &fast, err, sizeof err), NI_OK);
            cr_assert_eq(normalize_text_plain(buf, len, &plain, err, sizeof err), NI_OK);
            cr_assert_str_eq(fast, plain, "change %zu at %zu", k, at);
            free(fast);
            free(plain);
        }
}

/* Every character the 16-byte fold copy must not take, at each offset of a long line. */
Test(fast_paths, fold_copies_notice_every_change_at_any_offset)
{
    static const char base[] = "قال المدير إن المحطة الجديدة ستنتج المياه لمدينة كاملة، "
                               "and the plant opens in may 2027 with 40 staff.";
    static const char *const changes[] = {
        " ",        "\t",       "A",        "/",        "\xc2\xa0", "\xd9\x8b",     "\xd9\x80",
        "\xd9\xa3", "\xd8\xa9", "\xd8\xa3", "\xd9\x89", "\xd9\xb1", "\xe2\x80\x9c", "\xe2\x80\x8c",
        "\xd8\x9c",
    };
    char buf[512];
    for (size_t k = 0; k < sizeof changes / sizeof *changes; k++)
        for (size_t at = 0; at <= sizeof base - 1; at++) {
            if (((unsigned char)base[at] & 0xC0) == 0x80) continue; /* inside a character */
            size_t n = strlen(changes[k]);
            memcpy(buf, base, at);
            memcpy(buf + at, changes[k], n);
            memcpy(buf + at + n, base + at, sizeof base - at);
            same_fold(buf, sizeof base - 1 + n, changes[k]);
        }
}

/* Every character the 16-byte search copy must not take (or must patch), at each offset. */
Test(fast_paths, search_copies_notice_every_change_at_any_offset)
{
    static const char base[] = "قال المدير ان المحطه الجديده ستنتج المياه لمدينه كامله، "
                               "and the plant opens in may 2027 with 40 staff.";
    static const char *const changes[] = {
        " ",        "  ",           "\t",       "\n\n",         "A",        "\xc2\xa0",
        "\xd9\x8b", "\xd9\x80",     "\xd9\xa3", "\xd8\xa9",     "\xd8\xa3", "\xd9\x89",
        "\xd9\xb1", "\xe2\x80\x9c", "\xd8\x9c", "\xef\xac\x81", "\x01",
    };
    char buf[512], err[256], *fast, *icu;
    for (size_t k = 0; k < sizeof changes / sizeof *changes; k++)
        for (size_t at = 0; at <= sizeof base - 1; at++) {
            if (((unsigned char)base[at] & 0xC0) == 0x80) continue; /* inside a character */
            size_t n = strlen(changes[k]), len = sizeof base - 1 + n;
            memcpy(buf, base, at);
            memcpy(buf + at, changes[k], n);
            memcpy(buf + at + n, base + at, sizeof base - at);
            cr_assert_eq(normalize_search_text(buf, len, &fast, err, sizeof err), NI_OK);
            cr_assert_eq(normalize_search_text_icu(buf, len, &icu, err, sizeof err), NI_OK);
            cr_assert_str_eq(fast, icu, "change %zu at %zu", k, at);
            free(fast);
            free(icu);
        }
}
