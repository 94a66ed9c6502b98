/* text.c: the plain-text page extractor: reads classified lines by structure (navigation, title,
 * datelines, bylines, counters, captions, widgets, related/keyword blocks, pull quotes, body). */
#include "extract/extract.h"

#include "extract/datetime.h"
#include "extract/text_date.h"
#include "extract/text_lines.h"
#include "extract/text_shape.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* What a line becomes in the article. */
typedef enum role { ROLE_DROP = 0, ROLE_BODY, ROLE_HEADING } role;

/* The page-level reading of a text page. */
typedef struct reader {
    text_lines t;
    role *roles;
    size_t anchor;    /* first paragraph-like line (t.n when none) */
    size_t title;     /* title line (t.n when none) */
    size_t title_len; /* bytes of the title without a " - Site" suffix */
    size_t last_para; /* last paragraph-like line */
    size_t body_end;  /* first line after the article's prose (t.n when it runs to the end) */
    size_t *run;      /* per line: length of its run of short text lines */
    char *twice;      /* per line: the page says it twice (mark_twice) */
    char *dated;      /* per line: 0 not asked yet, 1 no dateline, 2 a dateline (dated) */
    article *a;
} reader;

#define NONE ((size_t)-1)

/* Lines without a paragraph that end the article's prose (find_body_end; 6, 8, 12, 15, 20, 25,
 * 30, 40, 50, 60, 80 and none compared on both folds: 40; after the new body anchor 8, 12, 15,
 * 20, 25, 30, 40, 60 compared again on fold A: 20, and fold B gained too). */
#define TEXT_BODY_GAP 20

/* Words from which a line has a headline's length (4, 5, 6, 7, 8 words and +1..+4 compared on
 * both folds: 6 words, +3). */
#define TEXT_TITLE_WORDS 6

/* Paragraphs in a row, each after two or more short lines, that make a teaser list
 * (teaser_list_end; 3..7 and 2 or 3 lines compared on both folds: 5 after 2; with the body gap of
 * 20, 3, 4, 5, 6 compared again on fold A: 4, and fold B gained too). */
#define TEXT_TEASER_RUN 4

/* Lines without a paragraph that split two runs of prose (find_anchors). */
#define TEXT_ANCHOR_GAP 5

/* The first run of prose counts as the body from this share of the longest run's words on. */
#define TEXT_ANCHOR_SHARE 4

/* What a title candidate inside a run of short lines loses (0..6 compared on both folds: 2). */
#define TEXT_RUN_COST 2

static int is_text(const reader *r, size_t i)
{
    return r->t.v[i].kind == TEXT_LINE_TEXT;
}

/* para_like: a line that reads as a body paragraph, not a headline or link. */
static int para_like(const text_line *l)
{
    return l->kind == TEXT_LINE_TEXT && (l->words >= 20 || (l->end_punct && l->words >= 8));
}

/* next_line / prev_line: the nearest non-blank line after/before i, NONE at the edges. */
static size_t next_line(const reader *r, size_t i)
{
    for (i++; i < r->t.n; i++)
        if (r->t.v[i].kind != TEXT_LINE_BLANK) return i;
    return NONE;
}

static size_t prev_line(const reader *r, size_t i)
{
    while (i-- > 0)
        if (r->t.v[i].kind != TEXT_LINE_BLANK) return i;
    return NONE;
}

/* is_meta: dateline, URL, counter, label, caption or byline: the furniture around a title. */
static int is_meta(const reader *r, size_t i)
{
    return i != NONE && r->t.v[i].kind != TEXT_LINE_TEXT && r->t.v[i].kind != TEXT_LINE_BLANK;
}

/* in_run: line i is one of >= 3 consecutive short non-blank text lines (a headline list). */
static int in_run(const reader *r, size_t i)
{
    return r->run[i] >= 3;
}

/* count_runs: for every line, the length of its run of consecutive short text lines. */
static int count_runs(reader *r)
{
    r->run = calloc(r->t.n + 1, sizeof *r->run);
    if (!r->run) return NI_ERR_NOMEM;
    for (size_t b = 0, e; b < r->t.n; b = e + 1) {
        for (e = b; e < r->t.n && is_text(r, e) && !para_like(&r->t.v[e]);) e++;
        for (size_t k = b; k < e; k++) r->run[k] = e - b;
    }
    return NI_OK;
}

/* suffix_at: start of a " - Site" / " | Site" suffix in a title, or len when there is none. Only
 * the last occurrence of each separator counts. */
static size_t suffix_at(const char *s, size_t len)
{
    static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " • "};
    static const size_t seplen[] = {3, 3, 5, 5, 4, 5};
    enum { NSEPS = sizeof seps / sizeof *seps };
    size_t last[NSEPS], found = 0, best = len;
    for (size_t k = 0; k < NSEPS; k++) last[k] = len;
    for (size_t i = len; found < NSEPS && i-- > 0;) { /* every separator starts with a space */
        if (s[i] != ' ') continue;
        for (size_t k = 0; k < NSEPS; k++) {
            size_t m = seplen[k];
            if (last[k] == len && i + m <= len && s[i + 1] == seps[k][1] &&
                !memcmp(s + i, seps[k], m))
                last[k] = i, found++;
        }
    }
    for (size_t k = 0; k < NSEPS; k++) {
        size_t i = last[k], m = seplen[k], pw = 0, sw = 0;
        if (i == len) continue;
        for (size_t j = 0; j < i; j++) pw += s[j] == ' ';
        for (size_t j = i + m; j < len; j++) sw += s[j] == ' ';
        if (pw >= 2 && sw <= 3 && len - i - m > 0 && len - i - m <= 60 && i < best) best = i;
    }
    return best;
}

/* same_text: two TEXT lines equal in the folded form, or one is the other plus a site suffix. */
static int same_text(const text_line *a, const text_line *b)
{
    if (a->fold_len == b->fold_len) return !memcmp(a->fold, b->fold, a->fold_len);
    const text_line *lo = a->fold_len < b->fold_len ? a : b, *hi = lo == a ? b : a;
    return !memcmp(lo->fold, hi->fold, lo->fold_len) &&
           suffix_at(hi->fold, hi->fold_len) == lo->fold_len;
}

/* repeated: another text line of the page's first part says the same. */
static int repeated(const reader *r, size_t i)
{
    size_t lim = r->anchor + 60 < r->t.n ? r->anchor + 60 : r->t.n;
    for (size_t j = i > 200 ? i - 200 : 0; j < lim; j++)
        if (j != i && is_text(r, j) && same_text(&r->t.v[i], &r->t.v[j])) return 1;
    return 0;
}

static int dated(const reader *r, size_t i);

/* ends_run: line i of 4+ words closes its run of short lines: what follows is a paragraph, a
 * dateline or byline, or nothing. */
static int ends_run(const reader *r, size_t i)
{
    size_t n = next_line(r, i);
    return r->t.v[i].words >= 4 &&
           (n == NONE || !is_text(r, n) || para_like(&r->t.v[n]) || dated(r, n));
}

/* byline_or_date_after: a byline or dateline among the next 4 lines before the first paragraph. */
static int byline_or_date_after(const reader *r, size_t i)
{
    for (int k = 0; k < 4 && (i = next_line(r, i)) != NONE && i < r->anchor; k++) {
        text_line_kind kind = r->t.v[i].kind;
        if (kind == TEXT_LINE_BYLINE || kind == TEXT_LINE_DATE || dated(r, i)) return 1;
    }
    return 0;
}

/* standout: line i has a headline's length among short neighbours and a byline, dateline or
 * other furniture follows it (the headline amid a section label, a byline and share buttons),
 * not one item of a list of headlines or a promotion in the menu. */
static int standout(const reader *r, size_t i)
{
    size_t p = prev_line(r, i), n = next_line(r, i);
    if (r->t.v[i].words < TEXT_TITLE_WORDS || n == NONE) return 0;
    const text_line *nl = &r->t.v[n];
    if (!is_meta(r, n) && !text_shape_names(nl) && !dated(r, n)) return 0;
    return (p == NONE || r->t.v[p].words < TEXT_TITLE_WORDS) && nl->words < TEXT_TITLE_WORDS;
}

/* title_score: how much line i looks like the article title (< 1: not a title). The weights
 * were chosen by coordinate search on fold A of the fundus renderings and kept because fold B
 * gained too (title B 0.448 -> 0.490); the search on fold B alone lost on fold A. */
static int title_score(const reader *r, size_t i)
{
    const text_line *l = &r->t.v[i];
    if (!is_text(r, i) || l->words < 2 || l->words > 35 || l->len > 400) return 0;
    size_t p = prev_line(r, i), n = next_line(r, i);
    int s = 1;
    if (repeated(r, i)) s += 3;
    if (is_meta(r, n) && r->t.v[n].kind != TEXT_LINE_LABEL) s += 2; /* a label next: navigation */
    if (p == NONE || is_meta(r, p) || r->t.v[p].block != l->block)
        s -= 3; /* a rendering's
headline follows its breadcrumbs and kicker; a caption or notice stands apart */
    if (n != NONE && r->t.v[n].block == l->block && !is_meta(r, n)) s -= 1;
    if (!is_meta(r, n) && byline_or_date_after(r, i)) s += 4;
    if (ends_run(r, i))
        s += 2;
    else if (in_run(r, i) && !standout(r, i))
        s -= TEXT_RUN_COST;
    if (l->end_punct && l->s[l->len - 1] == '.' && (l->len < 2 || l->s[l->len - 2] != '.')) s -= 4;
    if (l->words >= TEXT_TITLE_WORDS) s += 4; /* a headline's length, not a label's or a name's */
    if (memchr(l->s, ':', l->len)) s += 2;    /* "Kicker: headline" */
    if (text_shape_credit(l)) s -= 3;         /* a photo caption with its credit */
    if (text_shape_names(l)) s -= 2;          /* a byline without a prefix */
    if (dated(r, i)) s -= 3; /* a dateline, not a headline (2..6 compared on both folds: 3) */
    return s;
}

/* headline_shaped: a paragraph-like line that may still be the headline: shorter than a
 * paragraph and not ending a sentence with a full stop ("Can the pier be saved?"). */
static int headline_shaped(const text_line *l)
{
    return l->words < 20 && l->s[l->len - 1] != '.';
}

/* find_title: the best title candidate among the lines before the first paragraph. */
static void find_title(reader *r)
{
    int best = 1;
    r->title = r->t.n;
    size_t from = r->anchor > 80 ? r->anchor - 80 : 0;
    size_t to = r->anchor + (r->anchor < r->t.n && headline_shaped(&r->t.v[r->anchor]));
    for (size_t i = from; i < to; i++) {
        int s = title_score(r, i);
        if (s >= best) best = s, r->title = i;
    }
    if (r->title == r->t.n) return;
    const text_line *l = &r->t.v[r->title];
    r->title_len = suffix_at(l->s, l->len);
}

/* find_anchors: the first paragraph of the page's first substantial run of prose
 * (paragraph-like lines at most TEXT_ANCHOR_GAP lines apart, two or more, with at least
 * 1/TEXT_ANCHOR_SHARE of the words of the longest run: the body, not a notice or a teaser above
 * it), and the last paragraph-like line. */
static void find_anchors(reader *r)
{
    r->anchor = r->t.n;
    r->last_para = 0;
    size_t first = r->t.n, gap = 0, start = r->t.n, paras = 0;
    long weight = 0, best = 0;
    for (int pass = 0; pass < 2; pass++) {
        start = r->t.n, gap = 0, weight = 0, paras = 0;
        for (size_t i = 0; i < r->t.n; i++) {
            const text_line *l = &r->t.v[i];
            if (l->kind == TEXT_LINE_BLANK) continue;
            if (!para_like(l)) {
                gap++;
                continue;
            }
            if (start == r->t.n || gap > TEXT_ANCHOR_GAP) start = i, weight = 0, paras = 0;
            weight += l->words, gap = 0, paras++;
            if (!pass && weight > best) best = weight;
            if (pass && r->anchor == r->t.n && paras >= 2 && weight * TEXT_ANCHOR_SHARE >= best)
                r->anchor = start;
            if (first == r->t.n) first = i;
            r->last_para = i;
        }
    }
    if (r->anchor == r->t.n) r->anchor = first; /* a lone paragraph (a notice) is no anchor */
    if (r->anchor == r->t.n) /* no paragraph: the last text line bounds the header */
        for (size_t i = 0; i < r->t.n; i++)
            if (is_text(r, i)) r->last_para = i;
}

/* is_quote: a short line whose text occurs inside a longer nearby line (a pull quote). */
static int is_quote(const reader *r, size_t i)
{
    const text_line *l = &r->t.v[i];
    if (l->words < 4 || l->words > 60) return 0;
    size_t b = i > 40 ? i - 40 : 0, e = i + 40 < r->t.n ? i + 40 : r->t.n;
    for (size_t j = b; j < e; j++) {
        const text_line *p = &r->t.v[j];
        if (j == i || !p->fold || p->fold_len < l->fold_len + 10) continue;
        if (strstr(p->fold, l->fold)) return 1;
    }
    return 0;
}

/* word_end: end of the whitespace-delimited word starting at s[i]. */
static size_t word_end(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] != ' ') i++;
    return i;
}

/* fold_eq: two words equal in the folded form, ignoring punctuation around them. */
static int fold_eq(const char *a, size_t an, const char *b, size_t bn)
{
    char fa[256], fb[256];
    if (an > 100 || bn > 100) return 0;
    size_t x = vocab_fold(a, an, fa, sizeof fa), y = vocab_fold(b, bn, fb, sizeof fb);
    while (x && strchr(".,:;!?\"'،", fa[x - 1])) x--;
    while (y && strchr(".,:;!?\"'،", fb[y - 1])) y--;
    return x == y && !memcmp(fa, fb, x);
}

/* skip_title_prefix: offset in s after the longest word prefix it shares with the title. */
static size_t skip_title_prefix(const reader *r, const char *s, size_t len)
{
    if (r->title == r->t.n) return 0;
    const char *t = r->t.v[r->title].s;
    size_t tl = r->title_len, i = 0, j = 0, done = 0;
    while (i < len && j < tl) {
        size_t ie = word_end(s, len, i), je = word_end(t, tl, j);
        if (!fold_eq(s + i, ie - i, t + j, je - j)) break;
        done = ie;
        i = ie + 1, j = je + 1;
    }
    return done;
}

/* name_span: the name at the start of s: up to a separator, 1..6 words; 0 when not a name. */
static size_t name_span(const char *s, size_t len)
{
    static const char *const cuts[] = {" | ", ",", "،", " - ", " – ", " — ", " on ", " في ", "  "};
    size_t end = len;
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        for (size_t i = 0; i + strlen(cuts[k]) <= end; i++)
            if (!memcmp(s + i, cuts[k], strlen(cuts[k]))) {
                end = i;
                break;
            }
    }
    while (end && (s[end - 1] == ' ' || s[end - 1] == ':')) end--;
    text_line l = {.s = s, .len = end};
    int words = 1;
    for (size_t i = 0; i < l.len; i++) words += s[i] == ' ';
    if (!end || words > 6 || memchr(s, '.', end) != NULL) return 0;
    for (size_t i = 0; i < end; i++)
        if (isdigit((unsigned char)s[i])) return 0;
    return end;
}

/* name_shaped: a name starts with a letter, a capital in Latin script, and holds no brackets
 * ("in your social network", "(opens in a new window)" are not names). */
static int name_shaped(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80 && !isupper(c)) return 0;
    for (size_t i = 0; i < n; i++)
        if (strchr("()[]{}", s[i])) return 0;
    return 1;
}

/* set_author: the name at s (and a dateline after it, "By X | Nov 5, 2021"). */
static int set_author(reader *r, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == ':')) s++, len--;
    size_t n = name_span(s, len);
    if (!n || vocab_classify(s, n) != VOCAB_NONE || !name_shaped(s, n)) return NI_OK;
    if (memchr(s, ':', n) || ((unsigned char)s[0] < 0x80 && !memchr(s, ' ', n)))
        return NI_OK; /* a label ("Story : Site") or one Latin word ("LOGIN", "Live") */
    if (!r->a->author && article_field_set(&r->a->author, s, n)) return NI_ERR_NOMEM;
    const char *d = s + n;
    size_t dl = len - n;
    while (dl && strchr(" |,-:", *d)) d++, dl--;
    article_datetime dt;
    if (dl && r->a->published_origin == ARTICLE_TIME_NONE &&
        extract_datetime_parse_line(d, dl, &dt) == NI_OK) {
        r->a->published = dt;
        r->a->published_origin = ARTICLE_TIME_PAGE;
    }
    return NI_OK;
}

/* widget_byline: "طباعة <title prefix> <name>" or "Print <name>". */
static int widget_byline(reader *r, const text_line *l)
{
    const char *s = l->s + l->rest;
    size_t len = l->len - l->rest, skip = skip_title_prefix(r, s, len);
    if (!skip && vocab_prefix(s, len, VOCAB_WIDGET)) return NI_OK; /* a row of widgets */
    return set_author(r, s + skip, len - skip);
}

/* views_near: the counter of a number line next to a views label. */
static void views_near(reader *r, size_t i)
{
    size_t p = prev_line(r, i), n = next_line(r, i);
    const text_line *v = r->t.v;
    if ((p != NONE && v[p].kind == TEXT_LINE_LABEL && v[p].label == VOCAB_VIEWS) ||
        (n != NONE && v[n].kind == TEXT_LINE_LABEL && v[n].label == VOCAB_VIEWS))
        r->a->views = v[i].number;
}

/* has_year_digits: the line holds two digits in a row (any script; a dated line needs a year).
 * Byline lines keep no fold: their text is scanned for ASCII digits and non-ASCII bytes. */
static int has_year_digits(const text_line *l)
{
    const char *s = l->fold ? l->fold : l->s;
    size_t n = l->fold ? l->fold_len : l->len;
    for (size_t i = 1; i < n; i++)
        if (isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i - 1])) return 1;
    if (!l->fold)
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80) return 1; /* other digits: let the parser decide */
    return 0;
}

/* date_in: the first dated dateline among lines [from, to), whole or inside a line that holds
 * more (a byline, a reading time), with glued words split (text_date_find) when deep; 0 when
 * none. */
static int date_in(reader *r, size_t from, size_t to, int deep)
{
    for (size_t i = from; i < to; i++) {
        const text_line *l = &r->t.v[i];
        article_datetime dt;
        if (l->kind == TEXT_LINE_DATE && l->dt.year)
            dt = l->dt;
        else if (!(l->kind == TEXT_LINE_TEXT || l->kind == TEXT_LINE_BYLINE ||
                   l->kind == TEXT_LINE_DATE || l->kind == TEXT_LINE_NUMBER) ||
                 l->words > 25 || !has_year_digits(l) ||
                 (deep ? text_date_find(l->s, l->len, &dt)
                       : extract_datetime_find(l->s, l->len, &dt)) != NI_OK)
            continue;
        r->a->published = dt;
        r->a->published_origin = ARTICLE_TIME_PAGE;
        return 1;
    }
    return 0;
}

/* date_near_title: a dated dateline from the title to a few lines into the body, else in the
 * three lines above the title, else a clock time said to be today's in the first range. */
static int date_near_title(reader *r)
{
    size_t from = r->title != r->t.n ? r->title : r->anchor, to = r->anchor;
    for (int k = 0; k < 8 && to != NONE && to < r->t.n; k++) to = next_line(r, to);
    if (to == NONE || to > r->t.n) to = r->t.n;
    if (date_in(r, from, to, 1) || date_in(r, from > 3 ? from - 3 : 0, from, 1)) return 1;
    for (size_t i = from; i < to; i++) { /* "Heute, 12:37 Uhr": a time, the fetch date's day */
        const text_line *l = &r->t.v[i];
        article_datetime dt;
        if (l->kind != TEXT_LINE_BLANK && text_date_today(l->s, l->len, &dt) == NI_OK) {
            r->a->published = dt;
            r->a->published_origin = ARTICLE_TIME_PAGE;
            return 1;
        }
    }
    return 0;
}

/* clocked: the line holds a clock time (9:30, 21:05, 01時28分) or a numeric date (06.08.2009,
 * 2019/02/08, 2025年1月14日): the stamp of a dateline even when the parser cannot read the rest. */
static int clocked(const text_line *l)
{
    const unsigned char *s = (const unsigned char *)l->s;
    for (size_t i = 1; i + 2 < l->len; i++) {
        if (!isdigit(s[i - 1])) continue;
        int two = isdigit(s[i + 1]) && isdigit(s[i + 2]),
            more = i + 3 < l->len && isdigit(s[i + 3]);
        if (s[i] == ':' && two && !more) return 1;
        if ((s[i] == '.' || s[i] == '/') && two && i + 3 < l->len && s[i + 3] == s[i]) return 1;
        if (i + 3 < l->len && !memcmp(s + i, "\xe5\xb9\xb4", 3) && isdigit(s[i + 3]))
            return 1; /* 年 */
        if (i + 3 < l->len && !memcmp(s + i, "\xe6\x99\x82", 3) && isdigit(s[i + 3]))
            return 1; /* 時 */
    }
    return 0;
}

/* dated: line i is a dateline, holds one, or holds a clock time or numeric date. */
static int dated(const reader *r, size_t i)
{
    article_datetime dt;
    const text_line *l = &r->t.v[i];
    if (r->dated[i]) return r->dated[i] == 2; /* found before: the title scan asks again */
    int d = l->kind == TEXT_LINE_DATE || (l->kind == TEXT_LINE_TEXT && clocked(l)) ||
            (l->kind == TEXT_LINE_TEXT && has_year_digits(l) &&
             extract_datetime_find(l->s, l->len, &dt) == NI_OK);
    r->dated[i] = d ? 2 : 1;
    return d;
}

/* looks_like_name: 2-4 words, each starting with a capital in Latin script, no digit, no
 * sentence end, no chrome word. */
static int looks_like_name(const text_line *l)
{
    if (l->kind != TEXT_LINE_TEXT || l->words < 2 || l->words > 4 || l->end_punct) return 0;
    for (size_t i = 0; i < l->len; i++) {
        unsigned char c = (unsigned char)l->s[i];
        if (isdigit(c) || ((i == 0 || l->s[i - 1] == ' ') && c < 0x80 && !isupper(c))) return 0;
    }
    return name_shaped(l->s, l->len) && vocab_classify(l->s, l->len) == VOCAB_NONE;
}

/* name_near_date: without a byline, a name-shaped line between the title and the body next to a
 * dateline (the byline block of a rendering: "Anna Roth" / "5 May 2024, 10:00"). */
static int name_near_date(reader *r)
{
    if (r->a->author || r->title == r->t.n) return NI_OK;
    for (size_t i = next_line(r, r->title); i != NONE && i < r->anchor; i = next_line(r, i)) {
        if (!looks_like_name(&r->t.v[i])) continue;
        size_t p = prev_line(r, i), n = next_line(r, i);
        if ((p != NONE && p != r->title && dated(r, p)) || (n != NONE && dated(r, n)))
            return article_field_set(&r->a->author, r->t.v[i].s, r->t.v[i].len);
    }
    return NI_OK;
}

/* read_meta: datelines, URL, view counter and byline, the first of each (the date near the title
 * first, then the first dated line anywhere, then a bare dateline). */
static int read_meta(reader *r)
{
    article *a = r->a;
    if (!date_near_title(r)) date_in(r, 0, r->t.n, 0); /* else the first dated line anywhere */
    for (size_t i = 0; i < r->t.n; i++) {
        const text_line *l = &r->t.v[i];
        int rc = NI_OK;
        if (l->kind == TEXT_LINE_DATE && a->published_origin == ARTICLE_TIME_NONE &&
            (l->dt.year || l->dt.hour >= 0))
            a->published = l->dt, a->published_origin = ARTICLE_TIME_PAGE;
        else if (l->kind == TEXT_LINE_URL && !a->url && i < r->last_para)
            rc = article_field_set(&a->url, l->s, l->len);
        else if (l->kind == TEXT_LINE_VIEWS && a->views == ARTICLE_VIEWS_NONE)
            a->views = l->number;
        else if (l->kind == TEXT_LINE_NUMBER && a->views == ARTICLE_VIEWS_NONE)
            views_near(r, i);
        else if (l->kind == TEXT_LINE_BYLINE && !a->author)
            rc = set_author(r, l->s + l->rest, l->len - l->rest);
        else if (l->kind == TEXT_LINE_WIDGET_BYLINE && !a->author)
            rc = widget_byline(r, l);
        if (rc) return rc;
    }
    return NI_OK;
}

typedef enum mode { MODE_BODY, MODE_RELATED, MODE_KEYWORDS } mode;

/* add_keywords: a tag list split at commas, bars and bullets ("#" dropped). */
static int add_keywords(article *a, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && !strchr(",|#", s[e]) && !(e + 1 < len && !memcmp(s + e, "،", 2)) &&
               !(e + 2 < len && !memcmp(s + e, "•", 3)))
            e++;
        size_t b = i, z = e;
        while (b < z && s[b] == ' ') b++;
        while (z > b && s[z - 1] == ' ') z--;
        if (z > b && article_keyword_add(a, s + b, z - b)) return NI_ERR_NOMEM;
        i = e < len ? e + (s[e] == ',' || s[e] == '|' || s[e] == '#' ? 1
                           : (s[e] & 0xE0) == 0xE0                   ? 3
                                                                     : 2)
                    : len;
    }
    return NI_OK;
}

/* add_related: a link title after a read-also head. */
static int add_related(article *a, const char *s, size_t len)
{
    char *t = util_strndup(s, len);
    if (!t) return NI_ERR_NOMEM;
    int rc = article_related_add(a, t, NULL);
    free(t);
    return rc;
}

/* attribution: the short line right after a pull quote ("قيادي في قسد"). */
static size_t attribution(const reader *r, size_t i)
{
    size_t j = next_line(r, i);
    if (j == NONE || !is_text(r, j)) return NONE;
    const text_line *l = &r->t.v[j];
    if (l->words > 6 || l->end_punct || para_like(l)) return NONE;
    return l->block == r->t.v[i].block || l->words <= 4 ? j : NONE;
}

/* is_repeat: the line repeats the title or states the site name. */
static int is_repeat(const reader *r, const text_line *l)
{
    if (r->title != r->t.n && same_text(l, &r->t.v[r->title])) return 1;
    const char *site = r->a->site_name;
    return site && l->len == strlen(site) && !memcmp(l->s, site, l->len);
}

/* text_role: what a TEXT line in the article part becomes; updates the block mode. */
/* A text line's folded form for finding repeats. */
typedef struct fold_key {
    uint64_t h;
    size_t i;
} fold_key;

static int cmp_key(const void *a, const void *b)
{
    const fold_key *x = a, *y = b;
    return x->h < y->h ? -1 : x->h > y->h;
}

/* mark_twice: twice[i] = 1 for every text line (20+ bytes folded) that another text line of the
 * page says exactly the same (a notice or teaser repeated in the page: "This advertisement has not
 * loaded yet, but your article continues below."); all copies go (keeping the first was compared
 * on both folds and lost on both), unless fewer than two paragraphs would be left (a page that
 * is nothing but one text repeated). Hash and sort: O(n log n). NI_OK or NI_ERR_NOMEM. */
static int mark_twice(reader *r)
{
    r->twice = calloc(r->t.n + 1, 1);
    fold_key *k = malloc((r->t.n + 1) * sizeof *k);
    if (!r->twice || !k) return free(k), NI_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < r->t.n; i++)
        if (is_text(r, i) && r->t.v[i].fold_len >= 20)
            k[n++] = (fold_key){XXH3_64bits(r->t.v[i].fold, r->t.v[i].fold_len), i};
    qsort(k, n, sizeof *k, cmp_key);
    for (size_t j = 1; j < n; j++) {
        const text_line *a = &r->t.v[k[j - 1].i], *b = &r->t.v[k[j].i];
        if (k[j].h == k[j - 1].h && a->fold_len == b->fold_len &&
            !memcmp(a->fold, b->fold, a->fold_len))
            r->twice[k[j].i] = r->twice[k[j - 1].i] = 1;
    }
    free(k);
    size_t single = 0; /* a page that is nothing but repeats keeps them */
    for (size_t i = 0; i < r->t.n && single < 2; i++)
        single += para_like(&r->t.v[i]) && !r->twice[i];
    if (single < 2) memset(r->twice, 0, r->t.n + 1);
    return NI_OK;
}

static int text_role(reader *r, size_t i, mode *m, char *skip)
{
    const text_line *l = &r->t.v[i];
    if (skip[i] || is_repeat(r, l) || r->twice[i]) return NI_OK;
    if (*m == MODE_RELATED && !para_like(l)) return add_related(r->a, l->s, l->len);
    if (*m == MODE_KEYWORDS && !para_like(l) && l->words <= 6)
        return add_keywords(r->a, l->s, l->len);
    *m = MODE_BODY;
    if (is_quote(r, i)) {
        size_t j = attribution(r, i);
        if (j != NONE) skip[j] = 1;
        return NI_OK;
    }
    if (para_like(l) || l->end_punct)
        return article_block_add(r->a, ARTICLE_BLOCK_PARAGRAPH, l->s, l->len);
    if (in_run(r, i) || i > r->last_para) return NI_OK;
    return article_block_add(r->a, ARTICLE_BLOCK_HEADING, l->s, l->len);
}

/* label_role: chrome labels open related/keyword blocks or end them. */
static int label_role(reader *r, const text_line *l, mode *m)
{
    const char *rest = l->s + l->rest;
    size_t n = l->rest ? l->len - l->rest : 0;
    if (l->label == VOCAB_RELATED) {
        *m = MODE_RELATED;
        return n ? add_related(r->a, rest, n) : NI_OK;
    }
    if (l->label == VOCAB_KEYWORDS) {
        *m = MODE_KEYWORDS;
        return n ? add_keywords(r->a, rest, n) : NI_OK;
    }
    *m = MODE_BODY;
    return NI_OK;
}

/* find_body_end: the article's prose ends before the first stretch of TEXT_BODY_GAP lines after
 * the anchor that holds no paragraph (navigation, related headlines, author boxes, footers,
 * then reader comments); everything from there on is dropped. */
static void find_body_end(reader *r)
{
    size_t gap = 0, last = r->anchor;
    r->body_end = r->t.n;
    for (size_t i = r->anchor; i < r->t.n; i++) {
        const text_line *l = &r->t.v[i];
        if (l->kind == TEXT_LINE_BLANK) continue;
        if (para_like(l)) {
            gap = 0, last = i;
            continue;
        }
        if (++gap >= TEXT_BODY_GAP) {
            r->body_end = last + 1;
            return;
        }
    }
}

/* bio_after: line i is a name alone and the next line starts with it ("Anna Roth" / "Anna Roth
 * is a reporter who covers ..."): an author's bio. */
static int bio_after(const reader *r, size_t i)
{
    const text_line *l = &r->t.v[i];
    size_t n = next_line(r, i);
    if (n == NONE || !looks_like_name(l)) return 0;
    const text_line *b = &r->t.v[n];
    return b->len > l->len + 1 && !memcmp(b->s, l->s, l->len) && b->s[l->len] == ' ';
}

/* author_box_end: the article ends before an author box: a line that is the author's name alone
 * (or a name that the next line's bio starts with) after two paragraphs or more of the body
 * ("Anna Roth" / "Editor" / a short bio, then related headlines, offers and comments). */
static void author_box_end(reader *r)
{
    const char *au = r->a->author;
    size_t al = au ? strlen(au) : 0, paras = 0;
    for (size_t i = r->anchor; i < r->body_end; i++) {
        const text_line *l = &r->t.v[i];
        if (para_like(l))
            paras++;
        else if (paras >= 2 && is_text(r, i) &&
                 ((al && l->len == al && !memcmp(l->s, au, al)) || bio_after(r, i))) {
            r->body_end = i;
            return;
        }
    }
}

/* teaser_list_end: the article ends before a list of teasers: TEXT_TEASER_RUN paragraphs in a
 * row after the body, each after two or more short lines (a headline and a section label), where
 * the article's own paragraphs follow each other or one subheading. */
static void teaser_list_end(reader *r)
{
    size_t paras = 0, gap = 0, streak = 0, before = NONE, last = NONE;
    for (size_t i = r->anchor; i < r->body_end; i++) {
        const text_line *l = &r->t.v[i];
        if (l->kind == TEXT_LINE_BLANK) continue;
        if (!para_like(l)) {
            gap++;
            continue;
        }
        if (gap >= 2 && paras >= 2) {
            if (!streak++) before = last;
            if (streak >= TEXT_TEASER_RUN) {
                r->body_end = before + 1;
                return;
            }
        } else
            streak = 0;
        paras++, gap = 0, last = i;
    }
}

/* read_body: the article part: everything after the title, line by line. */
static int read_body(reader *r)
{
    char *skip = calloc(r->t.n + 1, 1);
    if (!skip) return NI_ERR_NOMEM;
    mode m = MODE_BODY;
    article *a = r->a;
    int rc = NI_OK;
    for (size_t i = r->title == r->t.n ? 0 : r->title + 1; i < r->body_end && !rc; i++) {
        const text_line *l = &r->t.v[i];
        if (l->kind == TEXT_LINE_TEXT)
            rc = text_role(r, i, &m, skip);
        else if (l->kind == TEXT_LINE_LABEL)
            rc = label_role(r, l, &m);
        else if (l->kind == TEXT_LINE_CAPTION)
            rc = article_caption_add(a, l->s, l->len);
        else if (l->kind == TEXT_LINE_URL && m == MODE_RELATED && a->nrelated &&
                 !a->related[a->nrelated - 1].url)
            a->related[a->nrelated - 1].url = util_strndup(l->s, l->len),
                                     rc = a->related[a->nrelated - 1].url ? NI_OK : NI_ERR_NOMEM;
    }
    free(skip);
    return rc;
}

/* set_title: title without its site suffix; the suffix is the site name. */
static int set_title(reader *r)
{
    if (r->title == r->t.n) return NI_OK;
    const text_line *l = &r->t.v[r->title];
    if (article_field_set(&r->a->title, l->s, r->title_len)) return NI_ERR_NOMEM;
    size_t cut = r->title_len;
    for (size_t j = 0; cut == l->len && j < r->anchor; j++) /* a copy with the suffix */
        if (j != r->title && is_text(r, j) && same_text(l, &r->t.v[j]))
            l = &r->t.v[j], cut = suffix_at(l->s, l->len);
    if (cut == l->len) return NI_OK;
    const char *s = l->s + cut;
    size_t n = l->len - cut;
    for (size_t k; n; s += k, n -= k) { /* skip the separator */
        k = *s == ' ' || *s == '|' || *s == '-' || *s == ':' ? 1 : 0;
        if (!k && n >= 3 && (!memcmp(s, "–", 3) || !memcmp(s, "—", 3) || !memcmp(s, "•", 3))) k = 3;
        if (!k) break;
    }
    return article_field_set(&r->a->site_name, s, n);
}

int extract_text(const page *pg, article **out, char *errstr, size_t errlen)
{
    reader r = {0};
    *out = NULL;
    r.a = article_create();
    if (!r.a || text_lines_split(pg->text, pg->len, &r.t) || count_runs(&r) || mark_twice(&r) ||
        !(r.dated = calloc(r.t.n + 1, 1))) {
        text_lines_free(&r.t);
        free(r.run);
        free(r.twice);
        free(r.dated);
        article_destroy(r.a);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory reading a text page");
    }
    find_anchors(&r);
    find_title(&r);
    find_body_end(&r);
    int rc = set_title(&r);
    if (!rc) rc = read_meta(&r);
    if (!rc) rc = name_near_date(&r);
    if (!rc) author_box_end(&r);
    if (!rc) teaser_list_end(&r);
    if (!rc) rc = read_body(&r);
    text_lines_free(&r.t);
    free(r.run);
    free(r.twice);
    free(r.dated);
    if (rc) {
        article_destroy(r.a);
        return ni_err_set(errstr, errlen, rc, "out of memory reading a text page");
    }
    *out = r.a;
    return NI_OK;
}
