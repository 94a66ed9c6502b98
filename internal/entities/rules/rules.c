/* rules.c: ner_rules_find: one left-to-right scan of the text trying the pattern rules only at
 * digits, currency signs, '#', URL starts and word starts (rules_num.c, rules_date.c, tables in
 * rules_words.c).
 *
 * Choices: spans leave out proclitics (بـ25 مليون, و11 ألف, لعام 2020) and a weekday before a
 * date (الأحد، 23 آذار 2019 -> "23 آذار 2019"). DATE iso: YYYY-MM-DD, YYYY-MM (month and year),
 * --MM-DD (day and month, no year), YYYY (a year alone, only after عام/العام/سنة/منذ/in/since/year,
 * the span being the year). Numeric dates are year first or day first (23/03/2019), never
 * month first. TIME needs H:MM, or an hour 1..12 with a spelled suffix (10 صباحا, 7pm; "10 م"
 * could be metres). Bare numbers and a number with a counted noun ("500 مقاتل") are no match;
 * QUANTITY is a number with a scale word (11 ألف) or a unit of measure (40 كم, span with the
 * unit). MONEY defaults: دولار USD, جنيه EGP, ريال SAR, درهم AED; bare دينار and ليرة have unit
 * "" (the country decides). "مليون وثلاثة" stops at مليون (a coordination, not 1000003). */
#include "entities/rules.h"
#include "rules_internal.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

const char *ner_rule_type_name(ner_rule_type t)
{
    switch (t) {
    case NER_RULE_DATE:
        return "DATE";
    case NER_RULE_TIME:
        return "TIME";
    case NER_RULE_MONEY:
        return "MONEY";
    case NER_RULE_PERCENT:
        return "PERCENT";
    case NER_RULE_QUANTITY:
        return "QUANTITY";
    case NER_RULE_URL:
        return "URL";
    case NER_RULE_HASHTAG:
        return "HASHTAG";
    }
    return "UNKNOWN";
}

/* The growing result array. */
typedef struct out {
    ner_rule_match *v;
    size_t n, cap;
} out;

/* push: appends m with its byte offsets; NI_ERR_NOMEM when the array cannot grow. */
static int push(out *o, const rules_text *t, ner_rule_match *m)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        ner_rule_match *v = realloc(o->v, cap * sizeof *v);
        if (!v) return NI_ERR_NOMEM;
        o->v = v, o->cap = cap;
    }
    m->byte_start = t->boff[m->start];
    m->byte_end = t->boff[m->end];
    o->v[o->n++] = *m;
    return NI_OK;
}

/* digit_start: a number may start at the digit i: no digit or letter before it, except up to
 * two proclitics (and tatweel) that start a word: "بـ25", "و11". */
static int digit_start(const rules_text *t, size_t i)
{
    if (i == 0) return 1;
    UChar32 p = t->cp[i - 1];
    if (rules_digit(p) >= 0) return 0;
    if ((p == '.' || p == ',' || p == 0x66B || p == 0x66C) && i >= 2 &&
        rules_digit(t->cp[i - 2]) >= 0)
        return 0;
    if (!rules_is_wordch(p)) return 1;
    size_t k = i;
    while (k > 0 && i - k < 3 && (t->cp[k - 1] == 0x640 || rules_is_clitic(t->cp[k - 1]))) k--;
    return k < i && (k == 0 || !rules_is_wordch(t->cp[k - 1]));
}

/* url_char: ASCII that may appear in a URL (RFC 3986 characters and '%'). */
static int url_char(UChar32 c)
{
    return c > 0x20 && c < 0x7F && !strchr("<>\"`{}|\\^", (int)c);
}

/* prefix_ci: the lower-case ASCII s is at p (case-insensitive). */
static int prefix_ci(const rules_text *t, size_t p, const char *s)
{
    for (; *s; s++, p++) {
        if (p >= t->n) return 0;
        UChar32 c = t->cp[p];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != *s) return 0;
    }
    return 1;
}

/* url_at: "http://...", "https://...", "www.x..." at i, trailing punctuation left out. */
static int url_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    size_t p;
    if (prefix_ci(t, i, "https://"))
        p = i + 8;
    else if (prefix_ci(t, i, "http://"))
        p = i + 7;
    else if (prefix_ci(t, i, "www."))
        p = i + 4;
    else
        return 0;
    if (p >= t->n || !url_char(t->cp[p]) || strchr("./", (int)t->cp[p])) return 0;
    size_t e = p, open = 0, close = 0;
    for (; e < t->n && url_char(t->cp[e]); e++) open += t->cp[e] == '(', close += t->cp[e] == ')';
    for (; e > p; e--) {
        UChar32 c = t->cp[e - 1];
        if (c == ')' && close > open)
            close--;
        else if (!strchr(".,;:!?'*]", (int)c))
            break;
    }
    if (e == p) return 0;
    memset(m, 0, sizeof *m);
    m->type = NER_RULE_URL, m->start = i, m->end = e;
    return 1;
}

/* hashtag_at: "#" and letters, digits, marks and '_' with at least one letter. */
static int hashtag_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    if (i > 0 && (rules_is_wordch(t->cp[i - 1]) || rules_digit(t->cp[i - 1]) >= 0 ||
                  t->cp[i - 1] == '&' || t->cp[i - 1] == '#'))
        return 0;
    size_t e = i + 1;
    int letters = 0;
    for (; e < t->n; e++) {
        UChar32 c = t->cp[e];
        if (rules_is_wordch(c))
            letters++;
        else if (c != '_' && rules_digit(c) < 0)
            break;
    }
    if (!letters) return 0;
    memset(m, 0, sizeof *m);
    m->type = NER_RULE_HASHTAG, m->start = i, m->end = e;
    return 1;
}

/* try_at: a rule match starting at i (or, for a word, after its proclitics); *next is where the
 * scan goes on when none. */
static int try_at(const rules_text *t, size_t i, ner_rule_match *m, size_t *next)
{
    UChar32 c = t->cp[i];
    *next = i + 1;
    if (rules_digit(c) >= 0) {
        if (digit_start(t, i) && rules_try_digit(t, i, m)) return 1;
        *next = rules_run_end(t, i);
        return 0;
    }
    if (c == '#') return hashtag_at(t, i, m);
    if (c == '$' || c == 0x20AC || c == 0xA3) return rules_try_symbol(t, i, m);
    if (!rules_is_wordch(c)) return 0;
    size_t we = rules_word_end(t, i);
    *next = we;
    if ((c | 32) == 'h' || (c | 32) == 'w') {
        if (url_at(t, i, m)) return 1;
    }
    return rules_try_word(t, i, we, m);
}

/* decode: the code points and their byte offsets; NI_ERR_NOMEM. */
static int decode(const char *s, size_t len, UChar32 **cp, size_t **boff, size_t *n)
{
    *cp = malloc((len + 1) * sizeof **cp);
    *boff = malloc((len + 1) * sizeof **boff);
    if (!*cp || !*boff) return NI_ERR_NOMEM;
    size_t k = 0;
    for (size_t b = 0; b < len;) {
        /* decode in windows of int32 range so very long texts stay correct */
        int32_t j = 0, wl = (int32_t)(len - b < 0x40000000 ? len - b : 0x40000000);
        UChar32 c;
        U8_NEXT(s + b, j, wl, c);
        (*cp)[k] = c < 0 ? 0xFFFD : c;
        (*boff)[k++] = b;
        b += (size_t)j;
    }
    (*boff)[k] = len;
    *n = k;
    return NI_OK;
}

int ner_rules_find(const char *text, size_t len, ner_rule_match **out_, size_t *n, char *errstr,
                   size_t errlen)
{
    *out_ = NULL;
    *n = 0;
    if (!text || !len) return NI_OK;
    UChar32 *cp = NULL;
    size_t *boff = NULL, ncp = 0;
    out o = {0};
    int rc = decode(text, len, &cp, &boff, &ncp);
    rules_text t = {cp, boff, ncp};
    for (size_t i = 0, next; rc == NI_OK && i < ncp; i = next) {
        ner_rule_match m;
        if (try_at(&t, i, &m, &next) && m.end > i) {
            rc = push(&o, &t, &m);
            next = m.end;
        }
    }
    free(cp);
    free(boff);
    if (rc != NI_OK) {
        free(o.v);
        return ni_err_set(errstr, errlen, rc, "rules: out of memory for %zu bytes of text", len);
    }
    *out_ = o.v;
    *n = o.n;
    return NI_OK;
}

int ner_rules_month_word(const char *w, size_t len)
{
    UChar32 cp[64];
    size_t boff[65], n = 0;
    for (int32_t j = 0, wl = (int32_t)len; j < wl && n < 64;) {
        boff[n] = (size_t)j;
        UChar32 c;
        U8_NEXT(w, j, wl, c);
        cp[n++] = c < 0 ? 0xFFFD : c;
        boff[n] = (size_t)j;
    }
    if (!n || n == 64) return 0;
    rules_text t = {cp, boff, n};
    size_t at;
    const rules_word *rw =
        rules_word_find(&t, 0, n, RW_BIT(RW_MONTH) | RW_BIT(RW_MONTH_HEAD), 1, &at);
    return rw != NULL;
}
