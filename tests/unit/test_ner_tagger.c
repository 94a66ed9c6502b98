/* test_ner_tagger.c: the named-entity tagger: tag names, training, model files, decoding. */
#include "entities/kb.h"
#include "entities/ner.h"
#include "entities/ner_train.h"
#include "support.h"
#include "support_proc.h"
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny corpus written for these tests (not from any data set). */
static const char tiny[] = "قال O\nالرئيس O\nسمير B-PERS\nنجار I-PERS\nفي O\nحلب B-LOC\n.\tO\n\n"
                           "زار O\nوفد O\nشركة B-ORG\nالنور I-ORG\nمدينة O\nحمص B-LOC\n\n"
                           "أعلنت O\nوكالة B-ORG\nالبرق I-ORG\nأن O\nمهرجان B-MISC\nالربيع I-MISC\n"
                           "بدأ O\n\n"
                           "Visit O\nDamascus B-LOC\nwith O\nAlice B-PER\nBrown I-PER\n\n";

/* Each test sentence of tiny as words + gold tags. */
#define MAX_WORDS 16
typedef struct sent {
    const char *words[MAX_WORDS];
    ner_tag gold[MAX_WORDS];
    size_t n;
} sent;

static const sent tiny_sents[] = {
    {{"قال", "الرئيس", "سمير", "نجار", "في", "حلب", "."},
     {NER_O, NER_O, NER_B_PER, NER_I_PER, NER_O, NER_B_LOC, NER_O},
     7},
    {{"زار", "وفد", "شركة", "النور", "مدينة", "حمص"},
     {NER_O, NER_O, NER_B_ORG, NER_I_ORG, NER_O, NER_B_LOC},
     6},
    {{"أعلنت", "وكالة", "البرق", "أن", "مهرجان", "الربيع", "بدأ"},
     {NER_O, NER_B_ORG, NER_I_ORG, NER_O, NER_B_MISC, NER_I_MISC, NER_O},
     7},
    {{"Visit", "Damascus", "with", "Alice", "Brown"},
     {NER_O, NER_B_LOC, NER_O, NER_B_PER, NER_I_PER},
     5},
};
#define NSENTS (sizeof tiny_sents / sizeof tiny_sents[0])

/* train_tiny: trains on tiny into <tmp>/name with seed; returns the model path (static copy). */
static const char *train_tiny(const char *name, unsigned seed)
{
    static char out[4][4096];
    static int k;
    char conll[4096], err[256] = "";
    snprintf(conll, sizeof conll, "%s", support_write("tiny.conll", tiny, strlen(tiny)));
    char *path = out[k++ % 4];
    snprintf(path, 4096, "%s/%s", support_tmpdir(), name);
    int rc = ner_model_train(conll, NULL, 10, seed, path, err, sizeof err);
    cr_assert_eq(rc, NI_OK, "training failed: %s", err);
    return path;
}

static ner_model *load_ok(const char *path)
{
    char err[512] = "";
    ner_model *m = ner_model_load(path, err, sizeof err);
    cr_assert_not_null(m, "load %s: %s", path, err);
    return m;
}

/* tag_sent: tags s with m into tags (lens from strlen). */
static void tag_sent(const ner_model *m, const sent *s, ner_tag *tags)
{
    size_t lens[MAX_WORDS];
    for (size_t i = 0; i < s->n; i++) lens[i] = strlen(s->words[i]);
    cr_assert_eq(ner_model_tag(m, s->words, lens, s->n, NULL, tags, NULL, 0), NI_OK);
}

/* assert_bio: every I-X follows B-X or I-X. */
static void assert_bio(const ner_tag *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cr_assert_lt((unsigned)t[i], NER_NTAGS, "tag %d at %zu", t[i], i);
        if (t[i] != NER_O && t[i] % 2 == 0)
            cr_assert(i > 0 && (t[i - 1] == t[i] || t[i - 1] == t[i] - 1), "%s at %zu after %s",
                      ner_tag_name(t[i]), i, i ? ner_tag_name(t[i - 1]) : "start");
    }
}

static char *file_text(const char *path)
{
    return support_read(path, NULL);
}

/* ---- tags -------------------------------------------------------------------------------- */

Test(ner_tags, names_and_parse)
{
    for (int t = 0; t < NER_NTAGS; t++) {
        const char *name = ner_tag_name((ner_tag)t);
        cr_assert_eq(ner_tag_parse(name, strlen(name)), t, "%s", name);
    }
    cr_assert_str_eq(ner_tag_name(NER_B_PER), "B-PER");
    cr_assert_str_eq(ner_tag_name(NER_I_MISC), "I-MISC");
    cr_assert_eq(ner_tag_parse("B-PERS", 6), NER_B_PER);
    cr_assert_eq(ner_tag_parse("I-PERS", 6), NER_I_PER);
    cr_assert_eq(ner_tag_parse("B-LOCX", 5), NER_B_LOC); /* len bounds the string */
    cr_assert_eq(ner_tag_parse("B-FOO", 5), -1);
    cr_assert_eq(ner_tag_parse("E-PER", 5), -1);
    cr_assert_eq(ner_tag_parse("O", 0), -1);
    cr_assert_eq(ner_tag_parse("OO", 2), -1);
    cr_assert_eq(ner_tag_parse(NULL, 0), -1);
}

Test(ner_tags, span_scoring_follows_conlleval)
{
    ner_tag gold[] = {NER_B_PER, NER_I_PER, NER_O, NER_I_LOC, NER_B_ORG, NER_B_ORG};
    ner_tag pred[] = {NER_B_PER, NER_O, NER_O, NER_B_LOC, NER_B_ORG, NER_B_MISC};
    ner_span_counts c = {0};
    ner_spans_score(gold, pred, 6, &c);
    cr_assert_eq(c.tp[0], 2); /* LOC (I- after O starts a chunk) and the first ORG */
    cr_assert_eq(c.fn[0], 2); /* the PER pair and the second ORG */
    cr_assert_eq(c.fp[0], 2); /* the one-word PER and the MISC */
    cr_assert_eq(c.tp[3], 1);
    cr_assert_eq(c.fp[4], 1);
}

/* ---- training and model files ----------------------------------------------------------- */

Test(ner_train, tags_its_own_training_sentences)
{
    ner_model *m = load_ok(train_tiny("a.model", 1));
    for (size_t s = 0; s < NSENTS; s++) {
        ner_tag tags[MAX_WORDS];
        tag_sent(m, &tiny_sents[s], tags);
        for (size_t i = 0; i < tiny_sents[s].n; i++)
            cr_assert_eq(tags[i], tiny_sents[s].gold[i], "sentence %zu word %zu (%s): %s", s, i,
                         tiny_sents[s].words[i], ner_tag_name(tags[i]));
    }
    ner_model_destroy(m);
}

Test(ner_train, same_seed_gives_identical_file)
{
    char *a = file_text(train_tiny("s1.model", 7));
    char *b = file_text(train_tiny("s2.model", 7));
    cr_assert_str_eq(a, b);
    cr_assert_eq(strncmp(a, "news-ingest-ner-model 3\n", 24), 0);
    free(a), free(b);
}

Test(ner_train, save_load_round_trip)
{
    const char *p1 = train_tiny("r1.model", 3);
    ner_model *m = load_ok(p1);
    char p2[4096], err[256];
    snprintf(p2, sizeof p2, "%s/r2.model", support_tmpdir());
    cr_assert_eq(ner_model_save(m, p2, err, sizeof err), NI_OK, "%s", err);
    ner_model *m2 = load_ok(p2);
    char *a = file_text(p1), *b = file_text(p2);
    cr_assert_str_eq(a, b);
    for (size_t s = 0; s < NSENTS; s++) {
        ner_tag t1[MAX_WORDS], t2[MAX_WORDS];
        tag_sent(m, &tiny_sents[s], t1);
        tag_sent(m2, &tiny_sents[s], t2);
        cr_assert_eq(memcmp(t1, t2, tiny_sents[s].n * sizeof *t1), 0, "sentence %zu", s);
    }
    free(a), free(b);
    ner_model_destroy(m);
    ner_model_destroy(m2);
}

Test(ner_train, bad_corpus_names_file_and_line)
{
    const char *p = support_write("bad.conll", "a O\nb B-PER\nc X-FOO\n", 20);
    char path[4096], out[4096], err[512] = "", want[4200];
    snprintf(path, sizeof path, "%s", p);
    snprintf(out, sizeof out, "%s/never.model", support_tmpdir());
    cr_assert_eq(ner_model_train(path, NULL, 5, 1, out, err, sizeof err), NI_ERR_PARSE);
    snprintf(want, sizeof want, "%s:3:", path);
    cr_assert(strstr(err, want), "%s", err);
    cr_assert_neq(ner_model_train("/nonexistent/x.conll", NULL, 5, 1, out, err, sizeof err), NI_OK);
    cr_assert(strstr(err, "/nonexistent/x.conll"), "%s", err);
}

/* ---- malformed model files -------------------------------------------------------------- */

/* load_bad: a model file with this content must fail naming the file (and want, if given). */
static void load_bad(const char *name, const char *content, size_t len, const char *want)
{
    char err[512] = "";
    const char *p = support_write(name, content, len);
    char path[4096];
    snprintf(path, sizeof path, "%s", p);
    ner_model *m = ner_model_load(path, err, sizeof err);
    cr_assert_null(m, "%s loaded", name);
    cr_assert(strstr(err, path), "error does not name the file: %s", err);
    if (want) cr_assert(strstr(err, want), "error '%s' lacks '%s'", err, want);
}

Test(ner_model_file, malformed_files_are_rejected_with_the_file_named)
{
    char *good = file_text(train_tiny("good.model", 1));
    size_t len = strlen(good);
    load_bad("trunc.model", good, len / 2, NULL);
    load_bad("nofinal.model", good, len - 4, NULL);
    load_bad("magic.model", "not-a-model 1\n", 14, ":1:");
    load_bad("empty.model", "", 0, "end of file");
    char *bad = strdup(good);
    char *l3 = strchr(strchr(strchr(bad, '\n') + 1, '\n') + 1, '\n') + 1; /* 4th line */
    l3[0] = 'x';
    load_bad("number.model", bad, len, ":4:");
    char *feat = strstr(good, "features ");
    cr_assert_not_null(feat);
    memcpy(bad, good, len + 1);
    char *key = strchr(bad + (feat - good), '\n') + 1;
    key[0] = 'g'; /* the first feature key is not hex */
    load_bad("key.model", bad, len, "hex");
    memcpy(bad, good, len + 1);
    key = strchr(bad + (feat - good), '\n') + 1;
    char *colon = strchr(key, ':');
    cr_assert_not_null(colon);
    colon[-1] = '9'; /* tag 9 does not exist */
    load_bad("tag.model", bad, len, "TAG");
    char err[512] = "";
    cr_assert_null(ner_model_load("/nonexistent/ner.model", err, sizeof err));
    cr_assert(strstr(err, "/nonexistent/ner.model"), "%s", err);
    free(bad), free(good);
}

Test(ner_model_file, destroy_null_is_noop)
{
    ner_model_destroy(NULL);
}

/* ---- decoding on arbitrary input -------------------------------------------------------- */

/* The shipped model when present (it is committed), else one trained on tiny. */
static ner_model *some_model(void)
{
    const char *p = support_path("models/ner-ar.model");
    FILE *f = fopen(p, "r");
    if (f) fclose(f);
    return load_ok(f ? p : train_tiny("any.model", 1));
}

/* next_rand: xorshift64 (fixed seed: the same words every run). */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

Test(ner_decode, bio_constraints_hold_on_random_words)
{
    static const char *pieces[] = {"ال",
                                   "و",
                                   "ب",
                                   "محمد",
                                   "حلب",
                                   "شركة",
                                   "ة",
                                   "ً",
                                   "ـ",
                                   "A",
                                   "x",
                                   "1",
                                   "٣",
                                   "-",
                                   "\xe2\x80\x8f",
                                   "\xf0\x9f\x98\x80",
                                   "é",
                                   "\xff",
                                   "الرئيس",
                                   "مدينة"};
    ner_model *m = some_model();
    uint64_t seed = 88172645463325252ULL;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + next_rand(&seed) % 40;
        char buf[40][64];
        const char *words[40];
        size_t lens[40];
        ner_tag tags[40];
        for (size_t i = 0; i < n; i++) {
            buf[i][0] = '\0';
            for (int k = (int)(next_rand(&seed) % 4); k >= 0; k--)
                strcat(buf[i], pieces[next_rand(&seed) % (sizeof pieces / sizeof *pieces)]);
            words[i] = buf[i], lens[i] = strlen(buf[i]);
        }
        cr_assert_eq(ner_model_tag(m, words, lens, n, NULL, tags, NULL, 0), NI_OK);
        assert_bio(tags, n);
    }
    ner_model_destroy(m);
}

Test(ner_decode, empty_sentence)
{
    ner_model *m = some_model();
    ner_tag t = NER_NTAGS;
    cr_assert_eq(ner_model_tag(m, NULL, NULL, 0, NULL, &t, NULL, 0), NI_OK);
    cr_assert_eq(t, NER_NTAGS, "nothing written for no words");
    ner_model_destroy(m);
}

Test(ner_decode, hundred_thousand_words)
{
    static const char *cycle[] = {"قال", "الرئيس", "سمير", "نجار", "في", "مدينة", "حلب", "أمس"};
    size_t n = 100000;
    const char **words = malloc(n * sizeof *words);
    size_t *lens = malloc(n * sizeof *lens);
    ner_tag *tags = malloc(n * sizeof *tags);
    cr_assert(words && lens && tags);
    for (size_t i = 0; i < n; i++) words[i] = cycle[i % 8], lens[i] = strlen(words[i]);
    ner_model *m = some_model();
    cr_assert_eq(ner_model_tag(m, words, lens, n, NULL, tags, NULL, 0), NI_OK);
    assert_bio(tags, n);
    ner_model_destroy(m);
    free(words), free(lens), free(tags);
}

Test(ner_decode, words_without_letters_and_mixed_scripts)
{
    const char *words[] = {"...", "!!!",           "",  "123",          "٢٠٢٤",   "«",
                           "GPS", "بغداد-Baghdad", "%", "\xe2\x80\x8b", "Москва", "東京"};
    size_t n = sizeof words / sizeof *words, lens[16];
    for (size_t i = 0; i < n; i++) lens[i] = strlen(words[i]);
    ner_tag tags[16];
    ner_model *m = some_model();
    cr_assert_eq(ner_model_tag(m, words, lens, n, NULL, tags, NULL, 0), NI_OK);
    assert_bio(tags, n);
    ner_model_destroy(m);
}

Test(ner_decode, zero_width_and_bidi_controls_change_nothing)
{
    const char *plain[] = {"قال", "الرئيس", "سمير", "نجار", "في", "حلب"};
    const char *marked[] = {"\xe2\x80\x8f"
                            "قال",
                            "ال\xe2\x80\x8c"
                            "رئيس",
                            "سمير\xe2\x80\x8b",
                            "\xe2\x80\xaa"
                            "نجار\xe2\x80\xac",
                            "في\xe2\x81\xa6",
                            "حلب\xef\xbb\xbf"};
    size_t lp[6], lm[6];
    for (int i = 0; i < 6; i++) lp[i] = strlen(plain[i]), lm[i] = strlen(marked[i]);
    ner_tag tp[6], tm[6];
    ner_model *m = some_model();
    cr_assert_eq(ner_model_tag(m, plain, lp, 6, NULL, tp, NULL, 0), NI_OK);
    cr_assert_eq(ner_model_tag(m, marked, lm, 6, NULL, tm, NULL, 0), NI_OK);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(tp[i], tm[i], "word %d: %s vs %s", i, ner_tag_name(tp[i]),
                     ner_tag_name(tm[i]));
    ner_model_destroy(m);
}

Test(ner_decode, gazetteer_hints_are_optional_input)
{
    const char *words[] = {"زار", "سمير", "نجار", "حلب"};
    size_t lens[4];
    for (int i = 0; i < 4; i++) lens[i] = strlen(words[i]);
    unsigned gaz[4] = {0, NER_GAZ_PER | NER_GAZ_BEGIN, NER_GAZ_PER, NER_GAZ_LOC | NER_GAZ_BEGIN};
    ner_tag tags[4];
    ner_model *m = some_model();
    cr_assert_eq(ner_model_tag(m, words, lens, 4, gaz, tags, NULL, 0), NI_OK);
    assert_bio(tags, 4);
    ner_model_destroy(m);
}

/* ---- the lexicon of names seen in training ---------------------------------------------- */

/* analyze_words: ner_word of each of words[0..n). */
static void analyze_words(const char *const *words, size_t n, ner_word *ws)
{
    for (size_t i = 0; i < n; i++) ner_word_analyze(words[i], strlen(words[i]), 0, &ws[i]);
}

Test(ner_lexicon, trained_model_marks_names_seen_in_training)
{
    ner_model *m = load_ok(train_tiny("lex.model", 1));
    cr_assert_gt(m->lex.n, 0, "the lexicon is empty");
    /* a new sentence with two names of tiny (one with a clitic) and an unseen word */
    const char *words[] = {"غادر", "وفد", "شركة", "النور", "إلى", "وحلب", "ومدينة"};
    ner_word ws[7];
    analyze_words(words, 7, ws);
    ner_lex_mark(&m->lex, ws, 7);
    cr_assert_eq(ws[2].lex & (NER_LEX_TYPE | NER_LEX_BEGIN), 2 | NER_LEX_BEGIN); /* ORG */
    cr_assert_eq(ws[3].lex & (NER_LEX_TYPE | NER_LEX_BEGIN), 2);
    cr_assert_eq(ws[5].lex & (NER_LEX_TYPE | NER_LEX_BEGIN), 3 | NER_LEX_BEGIN); /* LOC */
    cr_assert_eq(ws[0].lex, 0);
    cr_assert_eq(ws[1].lex, 0);
    cr_assert_eq(ws[4].lex, 0);
    cr_assert_eq(ws[6].lex, 0, "مدينة was never a name");
    ner_model_destroy(m);
}

Test(ner_lexicon, longest_name_wins_and_prefixes_alone_do_not_match)
{
    ner_lex x = {0};
    cr_assert_eq(ner_lex_init(&x, 8), NI_OK);
    const char *words[] = {"جامعة", "النور", "الكبرى", "جامعة"};
    ner_word ws[4];
    analyze_words(words, 4, ws);
    uint64_t k1 = ner_lex_key(0, &ws[0], 1), k2 = ner_lex_key(k1, &ws[1], 0);
    uint64_t k3 = ner_lex_key(k2, &ws[2], 0);
    cr_assert_eq(ner_lex_put(&x, k1, NER_LEX_PREFIX), NI_OK);
    cr_assert_eq(ner_lex_put(&x, k2, 3 | NER_LEX_PREFIX), NI_OK);          /* LOC, and continued */
    cr_assert_eq(ner_lex_put(&x, k3, 2 | 3 << NER_LEX_SURE_SHIFT), NI_OK); /* ORG, sure */
    cr_assert_eq(ner_lex_put(&x, k3, 0), NI_ERR_INVALID);
    ner_lex_mark(&x, ws, 4);
    cr_assert_eq(ws[0].lex, 2 | 3 << NER_LEX_SURE_SHIFT | NER_LEX_BEGIN);
    cr_assert_eq(ws[1].lex, 2 | 3 << NER_LEX_SURE_SHIFT);
    cr_assert_eq(ws[2].lex, 2 | 3 << NER_LEX_SURE_SHIFT);
    cr_assert_eq(ws[3].lex, 0, "a prefix alone is no name");
    ner_lex_mark(&x, ws, 2); /* only the two-word name fits */
    cr_assert_eq(ws[0].lex, 3 | NER_LEX_BEGIN);
    cr_assert_eq(ws[1].lex, 3);
    ner_lex_free(&x);
    ner_lex_free(&x); /* freeing twice is harmless */
}

Test(ner_lexicon, malformed_lexicon_lines_name_the_line)
{
    char *good = file_text(train_tiny("lexbad.model", 1));
    char *lex = strstr(good, "\nlexicon ");
    cr_assert_not_null(lex);
    size_t line = 2; /* the line after "lexicon N" */
    for (const char *p = good; p <= lex; p++) line += *p == '\n';
    char want[32];
    snprintf(want, sizeof want, ":%zu:", line);
    char *bad = strdup(good);
    char *first = strchr(bad + (lex - good) + 1, '\n') + 1;
    first[3] = 'z';
    load_bad("lexkey.model", bad, strlen(bad), want);
    strcpy(bad, good);
    first = strchr(bad + (lex - good) + 1, '\n') + 1;
    first[17] = '0'; /* value 0 (or 0N) */
    first[18] = '\n';
    load_bad("lexval.model", bad, strlen(bad), want);
    free(bad), free(good);
}

/* ---- knowledge-base hints ---------------------------------------------------------------- */

Test(ner_hints, kb_matches_become_word_hints)
{
    char err[512] = "";
    ner_kb *kb = ner_kb_load(NULL, err, sizeof err); /* the countries from ICU */
    cr_assert_not_null(kb, "%s", err);
    const char *words[] = {"زار", "(المملكة", "العربية", "السعودية)", "ثم", "وسوريا"};
    size_t lens[6];
    for (int i = 0; i < 6; i++) lens[i] = strlen(words[i]);
    unsigned gaz[6];
    memset(gaz, 0xff, sizeof gaz);
    cr_assert_eq(ner_words_gaz(kb, words, lens, 6, gaz, err, sizeof err), NI_OK, "%s", err);
    cr_assert_eq(gaz[0], 0);
    cr_assert_eq(gaz[1], NER_GAZ_LOC | NER_GAZ_BEGIN);
    cr_assert_eq(gaz[2], NER_GAZ_LOC);
    cr_assert_eq(gaz[3], NER_GAZ_LOC);
    cr_assert_eq(gaz[4], 0);
    cr_assert_eq(gaz[5], NER_GAZ_LOC | NER_GAZ_BEGIN);
    cr_assert_eq(ner_words_gaz(kb, NULL, NULL, 0, gaz, err, sizeof err), NI_OK);
    ner_kb_destroy(kb);
}

Test(ner_hints, training_with_a_missing_kb_names_it)
{
    const char *p = support_write("kbtiny.conll", tiny, strlen(tiny));
    char conll[4096], out[4096], err[512] = "";
    snprintf(conll, sizeof conll, "%s", p);
    snprintf(out, sizeof out, "%s/kb.model", support_tmpdir());
    cr_assert_neq(ner_model_train(conll, "/nonexistent/kb.tsv", 5, 1, out, err, sizeof err), NI_OK);
    cr_assert(strstr(err, "/nonexistent/kb.tsv"), "%s", err);
}

Test(ner_hints, the_shipped_model_listens_to_hints)
{
    /* an invented word: a place with a LOC hint, not one without (the shipped model was trained
     * with the KB's hints) */
    const char *words[] = {"وصل", "إلى", "بلاتوبيا"};
    size_t lens[3];
    for (int i = 0; i < 3; i++) lens[i] = strlen(words[i]);
    unsigned gaz[3] = {0, 0, NER_GAZ_LOC | NER_GAZ_BEGIN};
    ner_tag with[3], without[3];
    ner_model *m = load_ok(support_path("models/ner-ar.model"));
    cr_assert_eq(ner_model_tag(m, words, lens, 3, gaz, with, NULL, 0), NI_OK);
    cr_assert_eq(ner_model_tag(m, words, lens, 3, NULL, without, NULL, 0), NI_OK);
    cr_assert_eq(with[2], NER_B_LOC, "with the hint: %s", ner_tag_name(with[2]));
    cr_assert_eq(without[2], NER_O, "without: %s", ner_tag_name(without[2]));
    ner_model_destroy(m);
}

/* ---- span confidence ----------------------------------------------------------------------- */

/* brute_span: the probability of exactly the span [a, b) of type tag t (B-X) in an n-word
 * sentence whose every word has emissions e (the bias feature only), under p(tags) proportional
 * to exp(score / NER_CONF_SCALE), by enumerating every allowed tag sequence. */
static double brute_span(const ner_model *m, const int32_t *e, size_t n, size_t a, size_t b, int t)
{
    double z = 0, hit = 0;
    size_t total = 1;
    for (size_t i = 0; i < n; i++) total *= NER_NTAGS;
    for (size_t code = 0; code < total; code++) {
        int y[8], ok = 1;
        size_t c = code;
        for (size_t i = 0; i < n; i++) y[i] = (int)(c % NER_NTAGS), c /= NER_NTAGS;
        double s = 0;
        for (size_t i = 0; i < n && ok; i++) {
            int prev = i ? y[i - 1] : NER_NTAGS;
            ok = ner_tag_allowed(prev, y[i]);
            s += m->trans[prev][y[i]] + e[y[i]];
        }
        if (!ok) continue;
        double p = exp(s / NER_CONF_SCALE);
        z += p;
        int match = y[a] == t && (b == n || y[b] != t + 1);
        for (size_t i = a + 1; i < b && match; i++) match = y[i] == t + 1;
        if (match) hit += p;
    }
    return hit / z;
}

Test(ner_conf, span_probability_matches_enumeration)
{
    ner_model *m = ner_model_new(4);
    cr_assert_not_null(m);
    int32_t e[NER_NTAGS] = {40, 30, 35, 10, 5, 20, 25, -10, 0};
    cr_assert_eq(ner_model_add(m, ner_bias_key(), e), NI_OK);
    for (int p = 0; p <= NER_NTAGS; p++)
        for (int t = 0; t < NER_NTAGS; t++) m->trans[p][t] = (p * 7 + t * 13) % 50 - 20;
    const char *words[] = {"أ", "ب", "ج", "د"};
    size_t lens[4] = {2, 2, 2, 2};
    ner_tag tags[4];
    double conf[4];
    cr_assert_eq(ner_model_tag_conf(m, words, lens, 4, NULL, tags, conf, NULL, 0), NI_OK);
    int spans = 0;
    for (size_t a = 0; a < 4;) {
        if (tags[a] == NER_O) {
            cr_assert_eq(conf[a], 0.0);
            a++;
            continue;
        }
        size_t b = a + 1;
        while (b < 4 && tags[b] == tags[a] + 1) b++;
        double want = brute_span(m, e, 4, a, b, (int)tags[a]);
        for (size_t i = a; i < b; i++)
            cr_assert_float_eq(conf[i], want, 1e-9, "word %zu: %f, enumeration %f", i, conf[i],
                               want);
        spans++, a = b;
    }
    cr_assert_gt(spans, 0, "the emissions favour names: some span expected");
    ner_tag plain[4];
    cr_assert_eq(ner_model_tag(m, words, lens, 4, NULL, plain, NULL, 0), NI_OK);
    cr_assert_arr_eq(plain, tags, sizeof tags);
    ner_model_destroy(m);
}

Test(ner_conf, shipped_model_is_surer_of_a_known_name)
{
    ner_model *m = load_ok(support_path("models/ner-ar.model"));
    const char *a[] = {"وصل", "الرئيس", "الفرنسي", "إيمانويل", "ماكرون", "إلى", "بغداد"};
    size_t la[7];
    for (int i = 0; i < 7; i++) la[i] = strlen(a[i]);
    ner_tag tags[7];
    double conf[7];
    cr_assert_eq(ner_model_tag_conf(m, a, la, 7, NULL, tags, conf, NULL, 0), NI_OK);
    for (int i = 0; i < 7; i++) {
        cr_assert(conf[i] >= 0 && conf[i] <= 1);
        cr_assert_eq(conf[i] == 0, tags[i] == NER_O, "word %d", i);
    }
    cr_assert_eq(tags[6], NER_B_LOC);
    cr_assert_gt(conf[6], 0.8, "بغداد: %f", conf[6]);
    ner_model_destroy(m);
}

/* tag_words: the shipped model's tags of a sentence given as one string of space-separated words.
 */
static void tag_words(const ner_model *m, const char *s, ner_tag *tags, size_t *n)
{
    static char buf[1024];
    const char *w[64];
    size_t len[64];
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && *n < 64;
         t = strtok_r(NULL, " ", &save))
        w[*n] = t, len[(*n)++] = strlen(t);
    cr_assert_eq(ner_model_tag(m, w, len, *n, NULL, tags, NULL, 0), NI_OK);
}

Test(ner_errors, ordinary_words_from_unlabelled_text_are_not_names)
{
    ner_model *m = load_ok(support_path("models/ner-ar.model"));
    ner_tag tags[64];
    size_t n;
    /* سينمائي (an adjective the unlabelled text writes with and without ال) is no ORG alone; the
     * scores alone make it one (B-ORG) */
    tag_words(m, "وأسس الزوجان شركة إنتاج سينمائي أنتجت أفلاما كثيرة .", tags, &n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(tags[i], NER_O, "word %zu: %s", i, ner_tag_name(tags[i]));
    /* a first name that is also an ordinary word stays a person */
    tag_words(m, "وقال بدر إن الحفل تأجل .", tags, &n);
    cr_assert_eq(tags[1], NER_B_PER);
    ner_model_destroy(m);
}

/* ---- the word clusters file ---------------------------------------------------------------- */

Test(ner_clusters, committed_file_loads_and_a_changed_byte_is_caught)
{
    ner_clusters cl = {0};
    char err[512] = "";
    const char *path = support_path("models/ner-ar.clusters");
    cr_assert_eq(ner_clusters_read(path, &cl, err, sizeof err), NI_OK, "%s", err);
    cr_assert_gt(cl.n, 10000);
    ner_word w;
    ner_word_analyze("وسوريا", strlen("وسوريا"), 0, &w);
    ner_clusters_mark(&cl, &w, 1);
    cr_assert(w.cl & NER_CL_KNOWN, "a frequent name has a cluster");
    cr_assert_eq(w.al, 1, "سوريا is never written with ال: share 0 (+1)");
    ner_word_analyze("كزقثفلاا", strlen("كزقثفلاا"), 0, &w);
    ner_clusters_mark(&cl, &w, 1);
    cr_assert_eq(w.cl, NER_CL_UNKNOWN);
    ner_clusters_free(&cl);

    size_t len;
    char *text = support_read(path, &len);
    char *path2 = strdup(support_write("changed.clusters", text, len));
    char *digit = strstr(text, "\nwords ") + 7; /* one word count changed: the checksum fails */
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    support_write("changed.clusters", text, len);
    cr_assert_neq(ner_clusters_read(path2, &cl, err, sizeof err), NI_OK);
    cr_assert(strstr(err, "changed.clusters:"), "%s", err);
    cr_assert_eq(cl.n, 0);
    support_write("changed.clusters", text, len / 2); /* cut short */
    cr_assert_neq(ner_clusters_read(path2, &cl, err, sizeof err), NI_OK);
    cr_assert(strstr(err, "malformed word clusters"), "%s", err);
    free(path2), free(text);
}
