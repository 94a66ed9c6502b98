/* lang.c: language guess from the dominant script (ICU uscript) plus a Latin stopword vote, and
 * text direction of a BCP 47 tag. */
#include "normalize/normalize.h"

#include "normalize_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define GUESS_WORDS 200 /* words the Latin stopword vote reads */

/* The language each of normalize_scripts names (same order). */
static const char *const script_langs[] = {"ar", "he", "ru", "el", "zh", "ja",
                                           "ja", "ko", "hi", "th", "en"};
#define NSCRIPTS (sizeof script_langs / sizeof script_langs[0])
#define SCRIPT_LATIN 11 /* normalize_script() of Latin letters */
_Static_assert(NSCRIPTS + 1 == sizeof((normalize_lang_counts *)0)->counts / sizeof(size_t),
               "one count slot per script and one for the others");

/* A dozen very common, mostly language-specific words per Latin-script language. */
static const struct {
    const char *lang;
    const char *words[16];
} stopwords[] = {
    {"en",
     {"the", "and", "of", "to", "is", "that", "with", "was", "for", "are", "this", "have", "from",
      "it", "by", "which"}},
    {"fr",
     {"le", "les", "et", "des", "est", "une", "du", "dans", "pour", "qui", "pas", "sur", "au",
      "avec", "ce", "sont"}},
    {"de",
     {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "zu", "von", "sich",
      "auf", "dem", "auch"}},
    {"es",
     {"el", "los", "las", "y", "del", "por", "es", "como", "más", "pero", "su", "fue", "muy",
      "también", "esta", "al"}},
    {"it",
     {"il", "di", "che", "non", "gli", "della", "sono", "anche", "nel", "alla", "è", "più",
      "questo", "delle", "lo", "ha"}},
    {"pt",
     {"o", "os", "da", "do", "das", "dos", "não", "uma", "em", "ao", "mais", "é", "foi", "como",
      "pelo", "também"}},
    {"nl",
     {"het", "een", "van", "dat", "niet", "op", "te", "zijn", "met", "voor", "ook", "maar", "wordt",
      "bij", "er", "naar"}},
    {"tr",
     {"ve", "bir", "bu", "için", "ile", "olarak", "çok", "daha", "gibi", "olan", "ama", "kadar",
      "sonra", "değil", "göre", "ise"}},
    {"id",
     {"yang", "dan", "ini", "itu", "dengan", "untuk", "dari", "dalam", "tidak", "akan", "pada",
      "ke", "juga", "adalah", "oleh", "sudah"}},
};
#define NLANGS (sizeof stopwords / sizeof stopwords[0])

/* Arabic-script letters telling Persian/Urdu apart from Arabic: the vote of c. */
enum { VOTE_NONE, VOTE_ARABIC, VOTE_PERSIAN, VOTE_URDU, VOTES };
_Static_assert(VOTES == sizeof((normalize_lang_counts *)0)->votes / sizeof(size_t), "votes");

static int arabic_vote(UChar32 c)
{
    switch (c) {
    case 0x064A: /* ي ك ة ى: Arabic orthography */
    case 0x0643:
    case 0x0629:
    case 0x0649:
        return VOTE_ARABIC;
    case 0x06CC: /* ی ک پ چ ژ گ: Persian (and Urdu) orthography */
    case 0x06A9:
    case 0x067E:
    case 0x0686:
    case 0x0698:
    case 0x06AF:
        return VOTE_PERSIAN;
    case 0x0679: /* ٹ ڈ ڑ ں ے ہ ھ: Urdu only */
    case 0x0688:
    case 0x0691:
    case 0x06BA:
    case 0x06D2:
    case 0x06C1:
    case 0x06BE:
        return VOTE_URDU;
    default:
        return VOTE_NONE;
    }
}

/* What the guess needs of U+0000..U+07FF in one byte (normalize_lang_tab). */
static uint8_t lang_tab[NORMALIZE_LANG_TAB_N];
static pthread_once_t lang_once = PTHREAD_ONCE_INIT;

static void lang_tab_init(void)
{
    for (UChar32 c = 0; c < NORMALIZE_LANG_TAB_N; c++) {
        int alpha = c < 0x80 ? (unsigned)((c | 0x20) - 'a') < 26 : (normalize_props(c) & NP_ALPHA);
        uint8_t sc = c < 0x80 ? SCRIPT_LATIN : normalize_script(c);
        lang_tab[c] =
            alpha ? (uint8_t)(NORMALIZE_LANG_LETTER | sc | (sc == 1 ? arabic_vote(c) : 0) << 4) : 0;
    }
}

const uint8_t *normalize_lang_tab(void)
{
    pthread_once(&lang_once, lang_tab_init);
    return lang_tab;
}

void normalize_lang_add_slow(normalize_lang_counts *lc, UChar32 c)
{
    if (c < 0 || !(normalize_props(c) & NP_ALPHA)) return;
    lc->letters++;
    lc->counts[normalize_script(c)]++; /* no vote: the voting letters are all two-byte */
}

/* One stopword (its UTF-8 bytes packed into a 64-bit key) and the language it votes for; the
 * index is sorted by key once. Stopwords are at most 8 bytes long. */
typedef struct stopword_entry {
    uint64_t key;
    size_t lang;
} stopword_entry;

static stopword_entry stop_index[NLANGS * 16];
static size_t stop_count;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

/* word_key: w[0..n) (n <= 8) packed into a key. */
static uint64_t word_key(const char *w, size_t n)
{
    uint64_t k = 0;
    memcpy(&k, w, n);
    return k;
}

static int entry_cmp(const void *a, const void *b)
{
    uint64_t x = ((const stopword_entry *)a)->key, y = ((const stopword_entry *)b)->key;
    return (x > y) - (x < y);
}

static void stop_index_build(void)
{
    for (size_t l = 0; l < NLANGS; l++)
        for (size_t k = 0; k < 16 && stopwords[l].words[k]; k++) {
            const char *w = stopwords[l].words[k];
            stop_index[stop_count++] = (stopword_entry){word_key(w, strlen(w)), l};
        }
    qsort(stop_index, stop_count, sizeof stop_index[0], entry_cmp);
}

/* latin_vote: adds the word w[0..n) (lower-cased UTF-8) to the per-language stopword counts (a
 * word in several lists votes for each). */
static void latin_vote(const char *w, size_t n, size_t *votes)
{
    if (n > 8) return;
    uint64_t key = word_key(w, n);
    size_t lo = 0, hi = stop_count;
    while (lo < hi) { /* first entry >= key */
        size_t mid = (lo + hi) / 2;
        if (stop_index[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < stop_count && stop_index[lo].key == key; lo++) votes[stop_index[lo].lang]++;
}

/* latin_guess: the language with the most stopwords among the first words of text, "en" when
 * none. */
static const char *latin_guess(const char *s, size_t len)
{
    size_t votes[NLANGS] = {0}, i = 0, n = 0, words = 0;
    char w[16];
    pthread_once(&stop_once, stop_index_build);
    while (i < len && words < GUESS_WORDS) {
        UChar32 c = (uint8_t)s[i];
        if (c < 0x80)
            i++;
        else
            U8_NEXT(s, i, len, c);
        int alpha =
            c < 0x80 ? (unsigned)((c | 0x20) - 'a') < 26 : c > 0 && (normalize_props(c) & NP_ALPHA);
        if (alpha) {
            c = c < 0x80 ? c | 0x20 : u_tolower(c);
            if (n + U8_LENGTH(c) <= 8)
                U8_APPEND_UNSAFE(w, n, c);
            else
                n = 9; /* too long to be a stopword */
            continue;
        }
        if (n) latin_vote(w, n, votes), words++;
        n = 0;
    }
    if (n) latin_vote(w, n, votes);
    size_t best = 0;
    for (size_t l = 1; l < NLANGS; l++)
        if (votes[l] > votes[best]) best = l;
    return stopwords[best].lang;
}

/* letter_counts: the letters of the first NORMALIZE_GUESS_LETTERS of text[0..len) into lc (one-
 * and two-byte characters from the table, picked without a branch: they alternate in Arabic). */
static void letter_counts(const char *text, size_t len, normalize_lang_counts *lc)
{
    const uint8_t *s = (const uint8_t *)text, *tab = normalize_lang_tab();
    size_t i = 0;
    while (i < len && lc->letters < NORMALIZE_GUESS_LETTERS) {
        unsigned b = s[i], b1 = i + 1 < len ? s[i + 1] : 0, two = b >> 7, m = 0u - two;
        UChar32 c = (UChar32)((b & ~m) | (((b & 0x1F) << 6 | (b1 & 0x3F)) & m));
        if ((two ^ 1u) | ((b - 0xC2u < 0x1Eu) & ((b1 & 0xC0) == 0x80))) {
            i += 1 + two;
            normalize_lang_add(lc, tab[c]);
            continue;
        }
        U8_NEXT(text, i, len, c);
        normalize_lang_add_slow(lc, c);
    }
    lc->end = i;
}

const char *normalize_lang_decide(const normalize_lang_counts *lc, const char *text)
{
    const size_t *counts = lc->counts, *votes = lc->votes;
    size_t best = 1, kana = counts[6] + counts[7];
    for (size_t k = 2; k <= NSCRIPTS; k++)
        if (counts[k] > counts[best]) best = k;
    if (counts[best] == 0) return "und";
    const char *lang = script_langs[best - 1];
    if (best == 5 && kana * 20 >= counts[best]) return "ja"; /* Han with kana */
    if (best == 1 && votes[VOTE_PERSIAN] > votes[VOTE_ARABIC])
        return votes[VOTE_URDU] * 100 >= counts[best] && votes[VOTE_URDU] >= 2 ? "ur" : "fa";
    if (best == SCRIPT_LATIN) return latin_guess(text, lc->end);
    return lang;
}

const char *normalize_language_guess(const char *text, size_t len)
{
    normalize_lang_counts lc = {{0}, {0}, 0, 0};
    if (!text) return "und";
    letter_counts(text, len, &lc);
    return normalize_lang_decide(&lc, text);
}

const char *normalize_direction(const char *language)
{
    static const char *const rtl[] = {"ar", "fa", "ur", "he",  "iw",  "ps", "sd",
                                      "ug", "yi", "dv", "ckb", "syr", "arc"};
    if (!language) return "ltr";
    size_t n = strcspn(language, "-_");
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
        if (strlen(rtl[i]) == n && !strncasecmp(language, rtl[i], n)) return "rtl";
    /* A script subtag decides for languages written in several scripts ("az-Arab"). */
    const char *p = language + n;
    while (*p) {
        p++;
        size_t m = strcspn(p, "-_");
        if (m == 4 && (!strncasecmp(p, "arab", 4) || !strncasecmp(p, "hebr", 4) ||
                       !strncasecmp(p, "thaa", 4) || !strncasecmp(p, "syrc", 4)))
            return "rtl";
        p += m;
    }
    return "ltr";
}
