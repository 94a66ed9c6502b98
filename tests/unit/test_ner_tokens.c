/* test_ner_tokens.c: unit tests of the entity tokenizer: ICU words, code point offsets, Arabic
 * proclitic splitting, normalized forms, sentence starts and bad input. */
#include "entities/ner.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tok: the tokens of s (asserts success). */
static ner_tokens tok(const char *s)
{
    ner_tokens t = {0};
    char err[256] = "";
    int rc = ner_tokenize(s, strlen(s), &t, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "tokenize failed: %s", err);
    return t;
}

/* cps: code points in s[0..n) (valid UTF-8). */
static size_t cps(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* cp_of: the code point offset of the first occurrence of needle in s. */
static size_t cp_of(const char *s, const char *needle)
{
    const char *p = strstr(s, needle);
    cr_assert_not_null(p, "%s not in text", needle);
    return cps(s, (size_t)(p - s));
}

/* same: the token's text is exactly s. */
static int same(const char *text, size_t len, const char *s)
{
    return strlen(s) == len && !memcmp(text, s, len);
}

/* expect_word: token i is word (text), surface, norm, prefixes, at the code points where text
 * first appears in s. */
static void expect_word(const ner_tokens *t, size_t i, const char *s, const char *surface,
                        const char *text, const char *norm, unsigned prefixes)
{
    cr_assert_lt(i, t->n);
    const ner_token *k = &t->v[i];
    cr_assert(same(k->text, k->len, text), "token %zu: text '%.*s', expected '%s'", i, (int)k->len,
              k->text, text);
    cr_assert(same(k->surface, k->surface_len, surface), "token %zu: surface '%.*s', expected '%s'",
              i, (int)k->surface_len, k->surface, surface);
    cr_assert_str_eq(k->norm, norm, "token %zu", i);
    cr_assert_eq(k->prefixes, prefixes, "token %zu (%s): prefixes %#x, expected %#x", i, text,
                 k->prefixes, prefixes);
    size_t start = cps(s, (size_t)(k->text - s));
    cr_assert_eq(k->start, start, "token %zu: start %zu, expected %zu", i, k->start, start);
    cr_assert_eq(k->end, start + cps(k->text, k->len), "token %zu: end %zu", i, k->end);
}

Test(ner_tokens, arabic_latin_and_emoji_offsets_are_code_points)
{
    const char *s = "abc 😀 سوريا، def 2024 ٣٥";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 5, "%zu tokens", t.n);
    cr_assert_eq(t.v[0].start, 0);
    cr_assert_eq(t.v[0].end, 3);
    cr_assert_eq(t.v[1].start, 6); /* the emoji is one code point, and not a word */
    cr_assert_eq(t.v[1].end, 11);
    cr_assert_eq(t.v[2].start, 13);
    cr_assert_eq(t.v[2].end, 16);
    expect_word(&t, 1, s, "سوريا", "سوريا", "سوريا", 0);
    expect_word(&t, 3, s, "2024", "2024", "2024", 0);
    expect_word(&t, 4, s, "٣٥", "٣٥", "35", 0);
    ner_tokens_free(&t);
}

Test(ner_tokens, proclitics_are_split_off)
{
    const char *s = "والرئيس للرقة وبالرقة لقسد فالقوات كالعادة وبغداد ولبنان";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 8);
    expect_word(&t, 0, s, "والرئيس", "رئيس", "رئيس", NER_CLITIC_WA | NER_CLITIC_AL);
    expect_word(&t, 1, s, "للرقة", "رقة", "رقه", NER_CLITIC_LI | NER_CLITIC_AL);
    expect_word(&t, 2, s, "وبالرقة", "رقة", "رقه", NER_CLITIC_WA | NER_CLITIC_BI | NER_CLITIC_AL);
    expect_word(&t, 3, s, "لقسد", "قسد", "قسد", NER_CLITIC_LI);
    expect_word(&t, 4, s, "فالقوات", "قوات", "قوات", NER_CLITIC_FA | NER_CLITIC_AL);
    expect_word(&t, 5, s, "كالعادة", "عادة", "عاده", NER_CLITIC_KA | NER_CLITIC_AL);
    expect_word(&t, 6, s, "وبغداد", "بغداد", "بغداد", NER_CLITIC_WA);
    expect_word(&t, 7, s, "ولبنان", "لبنان", "لبنان", NER_CLITIC_WA);
    ner_tokens_free(&t);
}

Test(ner_tokens, words_that_begin_with_clitic_letters_stay_whole)
{
    const char *s = "بغداد بيروت لبنان ليبيا فلسطين كركوك ولاية وزير الله الذي وهو لها بين كان";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 14);
    for (size_t i = 0; i < t.n; i++) {
        cr_assert_eq(t.v[i].prefixes, 0, "token %zu '%.*s' split (%#x)", i, (int)t.v[i].surface_len,
                     t.v[i].surface, t.v[i].prefixes);
        cr_assert_eq(t.v[i].text, t.v[i].surface);
        cr_assert_eq(t.v[i].len, t.v[i].surface_len);
    }
    ner_tokens_free(&t);
}

Test(ner_tokens, article_kept_when_too_little_would_remain)
{
    const char *s = "الي لله للرقة";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 3);
    cr_assert_eq(t.v[0].prefixes, 0); /* ال + one letter: not an article */
    cr_assert_eq(t.v[1].prefixes, 0); /* ل + له: too short */
    cr_assert_eq(t.v[2].prefixes, NER_CLITIC_LI | NER_CLITIC_AL);
    ner_tokens_free(&t);
}

Test(ner_tokens, diacritics_and_tatweel_stay_in_the_span_out_of_the_norm)
{
    const char *s = "وَبِالرَّقَّةِ أَحْمَد ســوريا مستشفى إلى";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 5);
    expect_word(&t, 0, s, "وَبِالرَّقَّةِ", "رَّقَّةِ", "رقه", NER_CLITIC_WA | NER_CLITIC_BI | NER_CLITIC_AL);
    expect_word(&t, 1, s, "أَحْمَد", "أَحْمَد", "احمد", 0);
    expect_word(&t, 2, s, "ســوريا", "ســوريا", "سوريا", 0);
    expect_word(&t, 3, s, "مستشفى", "مستشفى", "مستشفي", 0);
    expect_word(&t, 4, s, "إلى", "إلى", "الي", 0);
    ner_tokens_free(&t);
}

Test(ner_tokens, latin_words_are_case_folded_and_never_split)
{
    const char *s = "The SDF, Wall-Street and al-Bab";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 7);
    expect_word(&t, 1, s, "SDF", "SDF", "sdf", 0);
    expect_word(&t, 3, s, "Street", "Street", "street", 0);
    expect_word(&t, 5, s, "al", "al", "al", 0);
    ner_tokens_free(&t);
}

Test(ner_tokens, empty_text_and_text_without_letters)
{
    ner_tokens t = {0};
    char err[128];
    cr_assert_eq(ner_tokenize("", 0, &t, err, sizeof err), NI_OK);
    cr_assert_eq(t.n, 0);
    const char *s = " ... !!! ،،، 😀😀 — «» \n\n\t";
    cr_assert_eq(ner_tokenize(s, strlen(s), &t, err, sizeof err), NI_OK);
    cr_assert_eq(t.n, 0);
    ner_tokens_free(&t);
}

Test(ner_tokens, zero_width_and_bidi_controls_neither_split_nor_shift)
{
    /* ZWNJ inside a word, RLM/LRM around words, ZWSP inside a Latin word, RLE..PDF, a BOM. */
    const char *s = "\xEF\xBB\xBFسو\u200Cريا \u200Fقسد\u200F x\u200By \u202Bبيروت\u202C "
                    "و\u200Dالرقة";
    ner_tokens t = tok(s);
    cr_assert_eq(t.n, 5, "%zu tokens", t.n);
    cr_assert_eq(t.v[0].start, 1);
    cr_assert_eq(t.v[0].end, 7);
    cr_assert_str_eq(t.v[0].norm, "سوريا");
    cr_assert_eq(t.v[1].start, cp_of(s, "قسد"));
    cr_assert_eq(t.v[1].end, cp_of(s, "قسد") + 3);
    cr_assert(same(t.v[1].surface, t.v[1].surface_len, "قسد"));
    cr_assert_eq(t.v[2].start, cp_of(s, "x"));
    cr_assert_eq(t.v[2].end, cp_of(s, "x") + 3);
    cr_assert_str_eq(t.v[2].norm, "xy");
    cr_assert_eq(t.v[3].start, cp_of(s, "بيروت"));
    cr_assert_eq(t.v[3].end, cp_of(s, "بيروت") + 5);
    cr_assert_eq(t.v[4].prefixes, NER_CLITIC_WA | NER_CLITIC_AL);
    cr_assert_eq(t.v[4].start, cp_of(s, "رقة"));
    cr_assert_str_eq(t.v[4].norm, "رقه");
    ner_tokens_free(&t);
}

Test(ner_tokens, sentence_starts)
{
    const char *s = "قال الرئيس. ثم غادر! هل حضر؟ نعم، حضر\n\nفقرة جديدة 3.5 مرة";
    ner_tokens t = tok(s);
    int want[] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0};
    cr_assert_eq(t.n, sizeof want / sizeof want[0], "%zu tokens", t.n);
    for (size_t i = 0; i < t.n; i++)
        cr_assert_eq(t.v[i].sentence_start, want[i], "token %zu '%.*s'", i, (int)t.v[i].surface_len,
                     t.v[i].surface);
    ner_tokens_free(&t);
}

Test(ner_tokens, appends_to_existing_tokens)
{
    ner_tokens t = tok("أولى");
    char err[128];
    const char *s = "ثانية ثالثة";
    cr_assert_eq(ner_tokenize(s, strlen(s), &t, err, sizeof err), NI_OK);
    cr_assert_eq(t.n, 3);
    cr_assert_eq(t.v[1].start, 0); /* offsets are into each call's own text */
    cr_assert_str_eq(t.v[2].norm, "ثالثه");
    ner_tokens_free(&t);
    cr_assert_eq(t.n, 0);
    cr_assert_null(t.v);
    ner_tokens_free(NULL);
}

Test(ner_tokens, ill_formed_utf8_does_not_break_offsets)
{
    const char s[] = "\xff\xfe abc \xc3 سوريا";
    ner_tokens t = {0};
    char err[128];
    cr_assert_eq(ner_tokenize(s, sizeof s - 1, &t, err, sizeof err), NI_OK);
    cr_assert_geq(t.n, 2);
    const ner_token *last = &t.v[t.n - 1];
    cr_assert_str_eq(last->norm, "سوريا");
    cr_assert_eq(last->end - last->start, 5);
    cr_assert_eq(last->surface + last->surface_len, s + sizeof s - 1);
    ner_tokens_free(&t);
}

Test(ner_tokens, hundred_thousand_tokens)
{
    const char *words[] = {"والرئيس", "قال", "Syria", "٢٠٢٤"};
    size_t wcp[] = {7, 3, 5, 4}, n = 100000, len = 0;
    char *s = malloc(n * 16);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i % 4];
        memcpy(s + len, w, strlen(w));
        len += strlen(w);
        s[len++] = ' ';
    }
    ner_tokens t = {0};
    char err[128];
    cr_assert_eq(ner_tokenize(s, len, &t, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(t.n, n);
    size_t cp = 0;
    for (size_t i = 0; i < n; i++) {
        size_t skip = i % 4 == 0 ? 3 : 0; /* و + ال */
        cr_assert_eq(t.v[i].start, cp + skip, "token %zu", i);
        cr_assert_eq(t.v[i].end, cp + wcp[i % 4], "token %zu", i);
        cp += wcp[i % 4] + 1;
    }
    cr_assert_str_eq(t.v[n - 1].norm, "2024");
    ner_tokens_free(&t);
    free(s);
}
