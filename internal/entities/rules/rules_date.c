/* rules_date.c: the DATE and TIME rules: numeric dates, day and month names (Levantine,
 * Egyptian, Maghrebi, English), years after a cue word, clock times. */
#include "rules_internal.h"

#include <stdio.h>
#include <string.h>

static int days_in(int y, int mo)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mo == 2 && (leap || y == 0) ? 29 : d[mo - 1];
}

/* date_set: a DATE from y (0: none), mo, d (0: none). */
static int date_set(ner_rule_match *m, size_t s, size_t e, int y, int mo, int d)
{
    rules_set(m, NER_RULE_DATE, s, e, 0, 0, NULL);
    if (y && d)
        snprintf(m->iso, sizeof m->iso, "%04d-%02d-%02d", y, mo, d);
    else if (y)
        snprintf(m->iso, sizeof m->iso, "%04d-%02d", y, mo);
    else
        snprintf(m->iso, sizeof m->iso, "--%02d-%02d", mo, d);
    return 1;
}

/* year_ok: four digits, 1900..2100, or 1000..2199 after a month name (wide). */
static int year_ok(long y, int nd, int wide)
{
    return nd == 4 && y >= (wide ? 1000 : 1900) && y <= (wide ? 2199 : 2100);
}

/* rules_numdate_at: "2019/03/23", "2019-03-23", "23-03-2019", "23/3/2019", "23.03.2019". */
int rules_numdate_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long a, b, c;
    int na, nb, nc;
    size_t p = rules_digits(t, i, &a, &na);
    UChar32 sep = rules_at(t, p);
    if (sep != '/' && sep != '-' && sep != '.') return 0;
    size_t q = rules_digits(t, p + 1, &b, &nb);
    if (nb < 1 || nb > 2 || rules_at(t, q) != sep) return 0;
    size_t e = rules_digits(t, q + 1, &c, &nc);
    if (!rules_number_end(t, e)) return 0;
    long y, d;
    if (year_ok(a, na, 0) && nc >= 1 && nc <= 2)
        y = a, d = c;
    else if (na <= 2 && year_ok(c, nc, 0))
        y = c, d = a;
    else
        return 0;
    if (b < 1 || b > 12 || d < 1 || d > days_in((int)y, (int)b)) return 0;
    return date_set(m, i, e, (int)y, (int)b, (int)d);
}

/* month_at: a month name at p ("آذار", "كانون الثاني", "March"): its number, end, English. */
static int month_at(const rules_text *t, size_t p, int *mo, size_t *end, int *en)
{
    size_t we, we2;
    const rules_word *w = rules_word_of(t, p, RW_BIT(RW_MONTH) | RW_BIT(RW_MONTH_HEAD), &we);
    if (!w) return 0;
    if (w->kind == RW_MONTH) {
        *mo = (int)w->v, *end = we, *en = w->fam == 1;
        return 1;
    }
    const rules_word *o = rules_word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_MONTH_ORD), &we2);
    if (!o) return 0;
    if (w->fam == 1)
        *mo = o->v == 1 ? 12 : 1; /* كانون الأول, كانون الثاني */
    else
        *mo = o->v == 1 ? 10 : 11; /* تشرين الأول, تشرين الثاني */
    *end = we2, *en = 0;
    return 1;
}

/* month_alt: after a month ending at p, "/آذار" or "(مارس)" naming the same month; the end.
 */
static size_t month_alt(const rules_text *t, size_t p, int mo)
{
    size_t r = rules_skip_sp(t, p, 1), e;
    int mo2, en;
    UChar32 c = rules_at(t, r);
    if (c != '/' && c != '(') return p;
    if (!month_at(t, rules_skip_sp(t, r + 1, 1), &mo2, &e, &en) || mo2 != mo) return p;
    if (c == '/') return e;
    return rules_at(t, e) == ')' ? e + 1 : p;
}

/* year_after: ", 2019" / " 2019" after p: the year and its end, else 0. */
static long year_after(const rules_text *t, size_t p, size_t *end)
{
    size_t r = p;
    if (rules_at(t, r) == ',' || rules_at(t, r) == 0x60C) r++;
    r = rules_skip_sp(t, r, 1);
    long y;
    int nd;
    size_t e = rules_digits(t, r, &y, &nd);
    if (r == p || !year_ok(y, nd, 1) || !rules_number_end(t, e)) return 0;
    *end = e;
    return y;
}

/* day_at: a day number 1..31 at p (with an English ordinal suffix), its end. */
static int day_at(const rules_text *t, size_t p, size_t *end)
{
    long d;
    int nd;
    size_t e = rules_digits(t, p, &d, &nd), we;
    if (nd < 1 || nd > 2 || d < 1 || d > 31 || rules_is_digit_at(t, e) || rules_at(t, e) == ':')
        return 0;
    if (rules_word_of(t, e, RW_BIT(RW_ORDINAL), &we)) e = we;
    *end = e;
    return (int)d;
}

/* rules_daymonth_at: "23 آذار 2019", "23 مارس/آذار 2019", "23 March 2019", "23 من آذار". */
int rules_daymonth_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    size_t p, e, we;
    int d = day_at(t, i, &p), mo, en;
    if (!d) return 0;
    p = rules_skip_sp(t, p, 1);
    if (!month_at(t, p, &mo, &e, &en)) {
        if (!rules_word_of(t, p, RW_BIT(RW_OF), &we)) return 0;
        if (!month_at(t, rules_skip_sp(t, we, 1), &mo, &e, &en)) return 0;
    }
    if (d > days_in(0, mo)) return 0;
    e = month_alt(t, e, mo);
    size_t ye;
    long y = year_after(t, e, &ye);
    return date_set(m, i, y ? ye : e, (int)y, mo, d);
}

/* rules_monthfirst_at: "March 23, 2019", "March 23", "March 2019", "آذار 2019", "مارس/آذار 2019".
 */
int rules_monthfirst_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    size_t e, de, ye;
    int mo, en;
    if (!month_at(t, i, &mo, &e, &en)) return 0;
    e = month_alt(t, e, mo);
    if (en) {
        size_t p = rules_at(t, e) == '.' ? e + 1 : e;
        size_t q = rules_skip_sp(t, p, 1);
        int d = q > p ? day_at(t, q, &de) : 0;
        if (d && d <= days_in(0, mo)) {
            long y = year_after(t, de, &ye);
            return date_set(m, i, y ? ye : de, (int)y, mo, d);
        }
    }
    long y = year_after(t, e, &ye);
    return y ? date_set(m, i, ye, (int)y, mo, 0) : 0;
}

/* rules_cueyear_at: "عام 2019", "لعام 2019", "in 2019", "منذ 2011": the year alone, iso "2019". */
int rules_cueyear_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long y;
    int nd;
    size_t e = rules_digits(t, i, &y, &nd), a;
    if (!year_ok(y, nd, 0) || !rules_number_end(t, e)) return 0;
    size_t j = i;
    while (j > 0 && i - j < 2 && rules_is_space(t->cp[j - 1])) j--;
    size_t ws = j;
    while (ws > 0 && j - ws < 24 && rules_is_wordch(t->cp[ws - 1])) ws--;
    if (j == i || ws == j || (ws > 0 && rules_is_wordch(t->cp[ws - 1]))) return 0;
    if (!rules_word_find(t, ws, j, RW_BIT(RW_YEAR_CUE), 1, &a)) return 0;
    rules_set(m, NER_RULE_DATE, i, e, 0, 0, NULL);
    snprintf(m->iso, sizeof m->iso, "%04ld", y);
    return 1;
}

/* ascii_ci: the ASCII letters of s (case-insensitive) and '.' are at p. */
static int ascii_ci(const rules_text *t, size_t p, const char *s)
{
    for (; *s; s++, p++) {
        UChar32 c = rules_at(t, p);
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != *s) return 0;
    }
    return 1;
}

/* ampm: a time-of-day word at p: RW_AM, RW_PM, RW_NOON or -1; its end; *letter for ص/م. */
static int ampm(const rules_text *t, size_t p, size_t *end, int *letter)
{
    size_t we;
    *letter = 0;
    if (ascii_ci(t, p, "a.m.") || ascii_ci(t, p, "p.m.")) {
        *end = p + 4;
        return (rules_at(t, p) | 32) == 'a' ? RW_AM : RW_PM;
    }
    unsigned mask = RW_BIT(RW_AM) | RW_BIT(RW_PM) | RW_BIT(RW_NOON);
    const rules_word *w = rules_word_of(t, p, mask, &we);
    if (!w) return -1;
    *letter = (w->w[0] & 0x80) && strlen(w->w) == 2;
    *end = we;
    return w->kind;
}

/* rules_time_at: "14:30", "9:05 pm", "10:30 مساءً", "10 صباحا": iso "HH:MM" (24 h). */
int rules_time_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long h, mi = 0, s;
    int nh, nm, ns;
    size_t e = rules_digits(t, i, &h, &nh), se;
    if (nh > 2) return 0;
    int colon = rules_at(t, e) == ':';
    if (colon) {
        size_t q = rules_digits(t, e + 1, &mi, &nm);
        if (nm != 2 || mi > 59 || h > 24 || (h == 24 && mi)) return 0;
        e = q;
        if (rules_at(t, e) == ':' && (q = rules_digits(t, e + 1, &s, &ns), ns == 2 && s < 60))
            e = q;
        if (!rules_number_end(t, e)) return 0;
    } else if (rules_is_digit_at(t, e) || h < 1 || h > 12) {
        return 0;
    }
    int letter, k = ampm(t, rules_skip_sp(t, e, 1), &se, &letter);
    if (k < 0 && !colon) return 0;
    if (k >= 0 && !colon && letter) return 0; /* "10 م" may be metres */
    if (k >= 0 && h <= 12) {
        if (k == RW_PM && h < 12) h += 12;
        if (k == RW_AM && h == 12) h = 0;
        if (k == RW_NOON && h >= 1 && h <= 6) h += 12;
        e = se;
    }
    rules_set(m, NER_RULE_TIME, i, e, 0, 0, NULL);
    snprintf(m->iso, sizeof m->iso, "%02ld:%02ld", h % 24, mi);
    return 1;
}
