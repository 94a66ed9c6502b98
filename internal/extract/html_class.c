/* html_class.c: what an element's class and id say: the attribute values cut into words (at
 * spaces, punctuation, digits and camelCase humps), each word looked up in the tables of
 * structural class words below; a word after a negation ("no-print", "has-ads", "non-paywall")
 * says nothing. */
#include "html_internal.h"

#include <pthread.h>
#include <string.h>

typedef struct class_word {
    const char *word;
    unsigned what; /* HC_* */
    int compounds; /* also inside one word: with a suffix ("sharebar") or prefix ("topnav") */
} class_word;

/* The tables. Strong chrome wins over a content word in the same class and is dropped even when
 * it reads as prose (comments, cookie notices, newsletter calls are prose too); weak chrome is
 * weighed against the text inside. */
static const class_word words[] = {
    {"comment", HC_NEG_STRONG, 1},
    {"disqus", HC_NEG_STRONG, 1},
    {"outbrain", HC_NEG_STRONG, 1},
    {"taboola", HC_NEG_STRONG, 1},
    {"related", HC_NEG_STRONG, 1},
    {"share", HC_NEG_STRONG, 1},
    {"sharing", HC_NEG_STRONG, 1},
    {"social", HC_NEG_STRONG, 1},
    {"newsletter", HC_NEG_STRONG, 1},
    {"cookie", HC_NEG_STRONG, 1},
    {"recommend", HC_NEG_STRONG, 1},
    {"recommended", HC_NEG_STRONG, 1},
    {"recommendation", HC_NEG_STRONG, 1},
    {"sr", HC_NEG_STRONG, 0},
    {"promo", HC_NEG_STRONG, 1},
    {"sidebar", HC_NEG, 1},
    {"footer", HC_NEG, 1},
    {"masthead", HC_NEG, 1},
    {"breadcrumb", HC_NEG, 1},
    {"breadcrumbs", HC_NEG, 1},
    {"subscribe", HC_NEG, 1},
    {"advert", HC_NEG, 1},
    {"advertisement", HC_NEG, 1},
    {"advertising", HC_NEG, 1},
    {"sponsor", HC_NEG, 1},
    {"sponsored", HC_NEG, 1},
    {"popup", HC_NEG, 1},
    {"modal", HC_NEG, 1},
    {"widget", HC_NEG, 1},
    {"trending", HC_NEG, 1},
    {"popular", HC_NEG, 1},
    {"signup", HC_NEG, 1},
    {"login", HC_NEG, 1},
    {"toolbar", HC_NEG, 1},
    {"pagination", HC_NEG, 1},
    {"pager", HC_NEG, 1},
    {"banner", HC_NEG, 1},
    {"skyscraper", HC_NEG, 1},
    {"shoutbox", HC_NEG, 1},
    {"rss", HC_NEG, 0},
    {"menu", HC_NEG, 0},
    {"nav", HC_NEG, 1},
    {"navbar", HC_NEG, 1},
    {"navigation", HC_NEG, 1},
    {"ad", HC_NEG, 0},
    {"ads", HC_NEG, 0},
    {"tags", HC_NEG, 0},
    {"tag", HC_NEG, 0},
    {"print", HC_NEG, 0},
    {"meta", HC_NEG, 0},
    {"more", HC_NEG, 0},
    {"readmore", HC_NEG, 1},
    {"byline", HC_NEG | HC_BYLINE, 1},
    {"author", HC_NEG | HC_BYLINE, 1},
    {"authors", HC_BYLINE, 0},
    {"writer", HC_BYLINE, 1},
    {"dateline", HC_NEG, 1},
    {"timestamp", HC_NEG, 1},
    {"tools", HC_NEG, 0},
    {"tool", HC_NEG, 0},
    {"nocontent", HC_NEG, 1},
    {"subscription", HC_NEG, 1},
    {"paywall", HC_NEG, 1},
    {"gallery", HC_NEG, 1},
    {"slideshow", HC_NEG, 1},
    {"carousel", HC_NEG, 1},
    {"article", HC_POS, 1},
    {"body", HC_POS, 1},
    {"content", HC_POS, 1},
    {"entry", HC_POS, 1},
    {"main", HC_POS, 1},
    {"post", HC_POS, 0},
    {"text", HC_POS, 0},
    {"story", HC_POS, 1},
    {"blog", HC_POS, 1},
    {"prose", HC_POS, 1},
    {"caption", HC_CAPTION, 1},
    {"credit", HC_CAPTION, 1},
    {"credits", HC_CAPTION, 1},
    {"figcaption", HC_CAPTION, 1},
    {"photo", HC_CAPTION, 0},
    {"image", HC_CAPTION, 0},
    {"img", HC_CAPTION, 0},
    {"lead", HC_LEAD, 0},
    {"lede", HC_LEAD, 0},
    {"intro", HC_LEAD, 0},
    {"standfirst", HC_LEAD, 0},
    {"summary", HC_LEAD, 0},
    {"teaser", HC_LEAD, 0},
    {"description", HC_LEAD, 0},
    {"chapo", HC_LEAD, 0},
    {"perex", HC_LEAD, 0},
    {"sapo", HC_LEAD, 0},
    {"deck", HC_LEAD, 0},
    {"dek", HC_LEAD, 0},
    {"excerpt", HC_LEAD, 0},
    {"abstract", HC_LEAD, 0},
    {"subtitle", HC_LEAD, 0},
    {"subheadline", HC_LEAD, 0},
    {"preface", HC_LEAD, 0},
    {"desc", HC_LEAD, 0},
    {"epigraph", HC_LEAD, 0},
    {"ingress", HC_LEAD, 0},
    {"vorspann", HC_LEAD, 0},
    {"entradilla", HC_LEAD, 0},
    {"bajada", HC_LEAD, 0},
    {"sumario", HC_LEAD, 0},
    {"catenaccio", HC_LEAD, 0},
    {"chapeau", HC_LEAD, 0},
};

/* Parts that join a class word into one word: "sharebar", "commentlist", "topnav". */
static const char *const suffixes[] = {
    "s",     "bar",       "box",     "list",   "links", "link",     "buttons", "button",
    "btn",   "container", "wrapper", "wrap",   "block", "area",     "section", "icons",
    "icon",  "tools",     "widget",  "module", "posts", "articles", "stories", "news",
    "items", "item",      "content", "body",   "text",  "count",    "form",    "panel",
    "line",  "info",      "name",    "tag",    "tags",  "area",
};
static const char *const prefixes[] = {
    "main", "post",  "article", "story", "entry",  "page", "site",   "top",    "bottom",
    "left", "right", "social",  "user",  "global", "sub",  "header", "footer",
};

/* Words that make a following "by" a byline ("writeBy", "posted-by"). */
static const char *const by_verbs[] = {"write", "written", "posted", "authored", "words"};

/* Words that negate the word after them within one class token. */
static const char *const negations[] = {"no", "non", "not", "has", "without", "hide", "disable"};

static int in_list(const char *const *list, size_t n, const char *w, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && !memcmp(list[i], w, len)) return 1;
    return 0;
}

#define NLIST(a) (sizeof a / sizeof a[0])

/* The table by first letter, with lengths (built once). */
static unsigned char word_len[NLIST(words)], bucket[26][NLIST(words)], bucket_n[26];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static void words_init(void)
{
    for (size_t i = 0; i < NLIST(words); i++) {
        int c = words[i].word[0] - 'a';
        word_len[i] = (unsigned char)strlen(words[i].word);
        bucket[c][bucket_n[c]++] = (unsigned char)i;
    }
}

/* lookup: the HC_* bits of table words that w is (exactly, or with a joining suffix when
 * suffixed is set; compounds only when compound is set). */
static unsigned lookup(const char *w, size_t len, int suffixed, int compound)
{
    unsigned what = 0;
    int c = w[0] - 'a';
    if (c < 0 || c >= 26) return 0;
    for (size_t b = 0; b < bucket_n[c]; b++) {
        size_t i = bucket[c][b], n = word_len[i];
        if (n > len || memcmp(words[i].word, w, n) || (compound && !words[i].compounds)) continue;
        if (n == len)
            what |= words[i].what;
        else if (suffixed && words[i].compounds &&
                 in_list(suffixes, NLIST(suffixes), w + n, len - n))
            what |= words[i].what;
    }
    return what;
}

/* word_what: the HC_* bits of one lower-case word: a table word, a table word with a joining
 * suffix ("sharebar"), or a joining prefix and a table word ("topnav"). */
static unsigned word_what(const char *w, size_t len)
{
    pthread_once(&words_once, words_init);
    unsigned what = lookup(w, len, 1, 0);
    for (size_t p = 0; p < NLIST(prefixes); p++) {
        size_t n = strlen(prefixes[p]);
        if (n < len && !memcmp(prefixes[p], w, n)) what |= lookup(w + n, len - n, 0, 1);
    }
    return what;
}

static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* is_sep: what separates the segments of a class token ('-', '_') and the tokens (white space). */
static int is_sep(char c)
{
    return c == '-' || c == '_' || c == ' ' || c == '\t' || c == '\n';
}

/* is_hash: the segment at s is a generated name (CSS modules "qSR5N", "pqUbH"): letters mixed
 * with digits, or two capitals after the first letter in at most 8 characters. */
static int is_hash(const char *s, size_t len)
{
    size_t n = 0, upper = 0;
    int digit = 0, letter = 0;
    for (; n < len && !is_sep(s[n]); n++) {
        digit |= s[n] >= '0' && s[n] <= '9';
        letter |= is_lower(s[n]) || is_upper(s[n]);
        upper += n > 0 && is_upper(s[n]);
    }
    return (digit && letter) || (upper >= 2 && n <= 8);
}

unsigned extract_html_class_what(const char *s, size_t len)
{
    unsigned what = 0;
    char w[64];
    size_t n = 0;
    int negated = 0, next_negated = 0, by_verb = 0;
    size_t hash_end = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i >= hash_end && i < len && (i == 0 || is_sep(s[i - 1])) && is_hash(s + i, len - i)) {
            while (i < len && !is_sep(s[i])) i++; /* a generated name says nothing */
            hash_end = i;
        }
        char c = i < len ? s[i] : ' ';
        int letter = is_lower(c) || is_upper(c);
        int hump = n && is_upper(c) && i && is_lower(s[i - 1]);
        if ((!letter || hump) && n) {
            if (n < sizeof w) {
                if (!negated) what |= word_what(w, n);
                if (by_verb && n == 2 && !memcmp(w, "by", 2)) what |= HC_BYLINE;
                next_negated = in_list(negations, NLIST(negations), w, n);
                by_verb = in_list(by_verbs, NLIST(by_verbs), w, n);
            }
            n = 0;
        }
        if (c == ' ' || c == '\t' || c == '\n') next_negated = by_verb = 0; /* a new class token */
        if (!letter) {
            negated = next_negated;
            continue;
        }
        if (hump) negated = next_negated;
        if (n < sizeof w) w[n] = (char)(c | 0x20);
        n++;
    }
    return what;
}
