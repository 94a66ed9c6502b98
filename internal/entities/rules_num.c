/* rules_num.c: the pattern rules that read numbers: DATE, TIME, MONEY, PERCENT, QUANTITY
 * (digits of any script, Arabic number words and scales, month names). */
#include "entities/rules_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define WAW 0x648
#define NUMBER_MASK                                                                                \
    (RW_BIT(RW_UNIT) | RW_BIT(RW_TEN) | RW_BIT(RW_HUNDRED) | RW_BIT(RW_FRAC) | RW_BIT(RW_SCALE) |  \
     RW_BIT(RW_SCALE2) | RW_BIT(RW_SCALEP))
#define MAX_ITEMS 16  /* words and numbers in one number phrase */
#define MAX_DIGITS 15 /* integer digits of a number with a value */

/* at: the code point at i, 0 past the end. */
static UChar32 at(const rules_text *t, size_t i)
{
    return i < t->n ? t->cp[i] : 0;
}

static int is_digit_at(const rules_text *t, size_t i)
{
    return i < t->n && rules_digit(t->cp[i]) >= 0;
}

/* digits: the run of digits at p (its value while it fits, *nd digits); returns its end. */
static size_t digits(const rules_text *t, size_t p, long *val, int *nd)
{
    long v = 0;
    int k = 0;
    for (int d; p < t->n && (d = rules_digit(t->cp[p])) >= 0; p++, k++)
        if (k < 9) v = v * 10 + d;
    *val = v;
    *nd = k;
    return p;
}

/* A number in digits: "1,500", "2.5", "٣٫٥", "1٬000". ok is 0 for too many digits. */
typedef struct num {
    double v;
    size_t end;
    int ok;
} num;

/* three_digits: p starts exactly three digits followed by no digit. */
static int three_digits(const rules_text *t, size_t p)
{
    return is_digit_at(t, p) && is_digit_at(t, p + 1) && is_digit_at(t, p + 2) &&
           !is_digit_at(t, p + 3);
}

/* number_at: the digit number at p (thousands separators , ٬; decimal . ٫ or a comma before one
 * or two digits). */
static void number_at(const rules_text *t, size_t p, num *r)
{
    double v = 0;
    int nd = 0;
    for (int d; p < t->n && (d = rules_digit(t->cp[p])) >= 0; p++, nd++) v = v * 10 + d;
    UChar32 c;
    if (nd <= 3)
        while (((c = at(t, p)) == ',' || c == 0x66C) && three_digits(t, p + 1)) {
            for (int k = 1; k <= 3; k++) v = v * 10 + rules_digit(t->cp[p + k]);
            nd += 3;
            p += 4;
        }
    c = at(t, p);
    int dec = (c == '.' || c == 0x66B) && is_digit_at(t, p + 1);
    if (c == ',' && is_digit_at(t, p + 1) && !three_digits(t, p + 1))
        dec = !is_digit_at(t, p + 2) || !is_digit_at(t, p + 3);
    if (dec) {
        double scale = 0.1;
        for (p++; p < t->n && rules_digit(t->cp[p]) >= 0; p++, scale /= 10)
            v += rules_digit(t->cp[p]) * scale;
    }
    r->v = v;
    r->end = p;
    r->ok = nd <= MAX_DIGITS && isfinite(v);
}

/* The value of a number phrase: "11 ألف", "ثلاثة آلاف", "مئة وخمسون ألفا", "2.5 million". */
typedef struct phrase {
    double v;
    int scale; /* a scale word was read */
    size_t end;
} phrase;

enum { L_NONE, L_DIGIT, L_UNIT, L_TEN, L_HUND, L_SCALE, L_FRAC, L_DONE };

/* half_scale: after "مليون ونصف" ending at p, the end of a repeated "مليون"/"المليون". */
static size_t half_scale(const rules_text *t, size_t p, double scale)
{
    size_t q = rules_skip_sp(t, p, 1), we = rules_word_end(t, q), a;
    if (q == p || we == q) return p;
    size_t s = we > q + 2 && t->cp[q] == 0x627 && t->cp[q + 1] == 0x644 ? q + 2 : q;
    const rules_word *w = rules_word_find(t, s, we, RW_BIT(RW_SCALE), 0, &a);
    return w && w->v == scale ? we : p;
}

/* joiner: after a phrase item ending at p, the start of the next one joined by "و" (attached or
 * alone) in *q; else *q is p after spaces. Returns whether "و" joined. */
static int joiner(const rules_text *t, size_t p, size_t *q)
{
    *q = rules_skip_sp(t, p, 2);
    if (at(t, *q) != WAW) return 0;
    size_t r = *q + 1;
    if (rules_is_space(at(t, r))) r = rules_skip_sp(t, r, 2);
    if (r >= t->n || (rules_digit(t->cp[r]) < 0 && !rules_is_wordch(t->cp[r]))) return 0;
    *q = r;
    return 1;
}

/* word_item: adds the number word w to the phrase state; returns 0 when it does not continue it. */
static int word_item(const rules_word *w, int items, int joined, int *last, double *group,
                     double *total)
{
    int k = w->kind;
    if (*last == L_DONE) return 0;
    if (k == RW_FRAC) {
        if (items) return 0;
        *group = w->v, *last = L_FRAC;
        return 1;
    }
    if (k == RW_UNIT || k == RW_TEN || k == RW_HUNDRED) {
        if (!items || (joined && *last != L_DIGIT))
            *group += w->v;
        else if (!joined && *last == L_UNIT && k == RW_HUNDRED && w->v == 100 && *group < 10)
            *group *= 100; /* ثلاث مئة */
        else if (!joined && *last == L_UNIT && k == RW_UNIT && w->v == 10 && *group < 10)
            *group += 10; /* خمسة عشر */
        else
            return 0;
        *last = k == RW_UNIT ? L_UNIT : k == RW_TEN ? L_TEN : L_HUND;
        return 1;
    }
    if (items && ((joined && *last != L_SCALE) || (!joined && *last == L_SCALE))) return 0;
    if (k == RW_SCALEP && *group == 0) return 0; /* آلاف alone: no value */
    if (k == RW_SCALE2) {
        if (*group != 0) return 0;
        *group = 2;
    } else if (*group == 0) {
        *group = 1;
    }
    *total += *group * w->v;
    *group = 0;
    *last = L_SCALE;
    return 1;
}

/* phrase_at: the number phrase at p (a digit number or a number word first). A tail joined by "و"
 * after the last scale that has no scale of its own ("مليون وثلاثة أشخاص") is left out. */
static int phrase_at(const rules_text *t, size_t p, phrase *ph)
{
    double total = 0, group = 0, ck_total = 0, last_scale = 0;
    int last = L_NONE, items = 0, scale = 0, tail = 0;
    size_t end = p, ck_end = p;
    while (items < MAX_ITEMS) {
        size_t q = p;
        int joined = items ? joiner(t, end, &q) : 0;
        if (q >= t->n) break;
        if (rules_digit(t->cp[q]) >= 0) {
            if (items && !(joined && last == L_SCALE)) break;
            num r;
            number_at(t, q, &r);
            if (!r.ok) break;
            group = r.v;
            tail = joined;
            last = L_DIGIT;
            end = r.end;
            items++;
            continue;
        }
        size_t we = rules_word_end(t, q), a;
        const rules_word *w = we > q ? rules_word_find(t, q, we, NUMBER_MASK, 0, &a) : NULL;
        if (w && w->kind == RW_FRAC && joined && last == L_SCALE) {
            total += w->v * last_scale;
            ck_total = total, ck_end = end = half_scale(t, we, last_scale);
            last = L_DONE;
            items++;
            continue;
        }
        if (!w || !word_item(w, items, joined, &last, &group, &total)) break;
        if (last == L_SCALE) last_scale = w->v;
        if (last == L_SCALE) {
            scale = 1, tail = 0, ck_total = total, ck_end = we;
        } else if (joined && w->kind == RW_UNIT && scale) {
            tail = 1;
        }
        end = we;
        items++;
    }
    if (!items) return 0;
    if (tail && scale) total = ck_total, group = 0, end = ck_end;
    ph->v = total + group;
    ph->scale = scale;
    ph->end = end;
    return 1;
}

/* set: fills m. */
static int set(ner_rule_match *m, ner_rule_type type, size_t s, size_t e, int has, double v,
               const char *unit)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->start = s;
    m->end = e;
    m->has_number = has;
    m->number = has ? v : 0;
    if (unit) snprintf(m->unit, sizeof m->unit, "%s", unit);
    return 1;
}

/* word_of: the table word of a kind in mask at p (no clitics), its end in *we. */
static const rules_word *word_of(const rules_text *t, size_t p, unsigned mask, size_t *we)
{
    size_t a;
    *we = rules_word_end(t, p);
    return *we > p ? rules_word_find(t, p, *we, mask, 0, &a) : NULL;
}

/* currency: "دولار", "ليرة سورية", "dollars", "USD" at q into m (span from s). */
static int currency(const rules_text *t, size_t s, size_t q, double v, ner_rule_match *m)
{
    size_t we, we2;
    const rules_word *w = word_of(t, q, RW_BIT(RW_CUR), &we);
    if (!w) return 0;
    const char *code = w->code;
    const rules_word *adj = word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_CUR_ADJ), &we2);
    if (adj && adj->fam == w->fam) code = adj->code, we = we2;
    return set(m, NER_RULE_MONEY, s, we, 1, v, code);
}

/* tail_at: what follows the phrase (from s) decides: MONEY, PERCENT, QUANTITY or nothing. */
static int tail_at(const rules_text *t, size_t s, const phrase *ph, ner_rule_match *m)
{
    size_t q = rules_skip_sp(t, ph->end, 2), we, we2;
    UChar32 c = at(t, q);
    if (c == '%' || c == 0x66A || c == 0xFF05)
        return set(m, NER_RULE_PERCENT, s, q + 1, 1, ph->v, "%");
    if (c == '$') return set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "USD");
    if (c == 0x20AC) return set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "EUR");
    if (c == 0xA3) return set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "GBP");
    if (currency(t, s, q, ph->v, m)) return 1;
    unsigned mask = RW_BIT(RW_PCT) | RW_BIT(RW_PCT_HEAD) | RW_BIT(RW_MEASURE);
    const rules_word *w = word_of(t, q, mask, &we);
    if (w && w->kind == RW_PCT) return set(m, NER_RULE_PERCENT, s, we, 1, ph->v, "%");
    if (w && w->kind == RW_PCT_HEAD && word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_PCT2), &we2))
        return set(m, NER_RULE_PERCENT, s, we2, 1, ph->v, "%");
    if (w && w->kind == RW_MEASURE) return set(m, NER_RULE_QUANTITY, s, we, 1, ph->v, NULL);
    if (ph->scale) return set(m, NER_RULE_QUANTITY, s, ph->end, 1, ph->v, NULL);
    return 0;
}

/* amount_at: a number phrase at p and what follows it. */
static int amount_at(const rules_text *t, size_t p, ner_rule_match *m)
{
    phrase ph;
    return phrase_at(t, p, &ph) && tail_at(t, p, &ph, m);
}

/* ---- dates and times ------------------------------------------------------------------- */

static int days_in(int y, int mo)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mo == 2 && (leap || y == 0) ? 29 : d[mo - 1];
}

/* date_set: a DATE from y (0: none), mo, d (0: none). */
static int date_set(ner_rule_match *m, size_t s, size_t e, int y, int mo, int d)
{
    set(m, NER_RULE_DATE, s, e, 0, 0, NULL);
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

/* run_end: no digit, nor a separator and a digit, follows p (the number ends there). */
static int run_end(const rules_text *t, size_t p)
{
    UChar32 c = at(t, p);
    if (is_digit_at(t, p)) return 0;
    int sep = c == '.' || c == ',' || c == '/' || c == '-' || c == ':' || c == 0x66B || c == 0x66C;
    return !(sep && is_digit_at(t, p + 1));
}

/* numdate_at: "2019/03/23", "2019-03-23", "23-03-2019", "23/3/2019", "23.03.2019". */
static int numdate_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long a, b, c;
    int na, nb, nc;
    size_t p = digits(t, i, &a, &na);
    UChar32 sep = at(t, p);
    if (sep != '/' && sep != '-' && sep != '.') return 0;
    size_t q = digits(t, p + 1, &b, &nb);
    if (nb < 1 || nb > 2 || at(t, q) != sep) return 0;
    size_t e = digits(t, q + 1, &c, &nc);
    if (!run_end(t, e)) return 0;
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
    const rules_word *w = word_of(t, p, RW_BIT(RW_MONTH) | RW_BIT(RW_MONTH_HEAD), &we);
    if (!w) return 0;
    if (w->kind == RW_MONTH) {
        *mo = (int)w->v, *end = we, *en = w->fam == 1;
        return 1;
    }
    const rules_word *o = word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_MONTH_ORD), &we2);
    if (!o) return 0;
    if (w->fam == 1)
        *mo = o->v == 1 ? 12 : 1; /* كانون الأول, كانون الثاني */
    else
        *mo = o->v == 1 ? 10 : 11; /* تشرين الأول, تشرين الثاني */
    *end = we2, *en = 0;
    return 1;
}

/* month_alt: after a month ending at p, "/آذار" or "(مارس)" naming the same month; the end. */
static size_t month_alt(const rules_text *t, size_t p, int mo)
{
    size_t r = rules_skip_sp(t, p, 1), e;
    int mo2, en;
    UChar32 c = at(t, r);
    if (c != '/' && c != '(') return p;
    if (!month_at(t, rules_skip_sp(t, r + 1, 1), &mo2, &e, &en) || mo2 != mo) return p;
    if (c == '/') return e;
    return at(t, e) == ')' ? e + 1 : p;
}

/* year_after: ", 2019" / " 2019" after p: the year and its end, else 0. */
static long year_after(const rules_text *t, size_t p, size_t *end)
{
    size_t r = p;
    if (at(t, r) == ',' || at(t, r) == 0x60C) r++;
    r = rules_skip_sp(t, r, 1);
    long y;
    int nd;
    size_t e = digits(t, r, &y, &nd);
    if (r == p || !year_ok(y, nd, 1) || !run_end(t, e)) return 0;
    *end = e;
    return y;
}

/* day_at: a day number 1..31 at p (with an English ordinal suffix), its end. */
static int day_at(const rules_text *t, size_t p, size_t *end)
{
    long d;
    int nd;
    size_t e = digits(t, p, &d, &nd), we;
    if (nd < 1 || nd > 2 || d < 1 || d > 31 || is_digit_at(t, e) || at(t, e) == ':') return 0;
    if (word_of(t, e, RW_BIT(RW_ORDINAL), &we)) e = we;
    *end = e;
    return (int)d;
}

/* daymonth_at: "23 آذار 2019", "23 مارس/آذار 2019", "23 March 2019", "23 من آذار". */
static int daymonth_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    size_t p, e, we;
    int d = day_at(t, i, &p), mo, en;
    if (!d) return 0;
    p = rules_skip_sp(t, p, 1);
    if (!month_at(t, p, &mo, &e, &en)) {
        if (!word_of(t, p, RW_BIT(RW_OF), &we)) return 0;
        if (!month_at(t, rules_skip_sp(t, we, 1), &mo, &e, &en)) return 0;
    }
    if (d > days_in(0, mo)) return 0;
    e = month_alt(t, e, mo);
    size_t ye;
    long y = year_after(t, e, &ye);
    return date_set(m, i, y ? ye : e, (int)y, mo, d);
}

/* monthfirst_at: "March 23, 2019", "March 23", "March 2019", "آذار 2019", "مارس/آذار 2019". */
static int monthfirst_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    size_t e, de, ye;
    int mo, en;
    if (!month_at(t, i, &mo, &e, &en)) return 0;
    e = month_alt(t, e, mo);
    if (en) {
        size_t p = at(t, e) == '.' ? e + 1 : e;
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

/* cueyear_at: "عام 2019", "لعام 2019", "in 2019", "منذ 2011": the year alone, iso "2019". */
static int cueyear_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long y;
    int nd;
    size_t e = digits(t, i, &y, &nd), a;
    if (!year_ok(y, nd, 0) || !run_end(t, e)) return 0;
    size_t j = i;
    while (j > 0 && i - j < 2 && rules_is_space(t->cp[j - 1])) j--;
    size_t ws = j;
    while (ws > 0 && j - ws < 24 && rules_is_wordch(t->cp[ws - 1])) ws--;
    if (j == i || ws == j || (ws > 0 && rules_is_wordch(t->cp[ws - 1]))) return 0;
    if (!rules_word_find(t, ws, j, RW_BIT(RW_YEAR_CUE), 1, &a)) return 0;
    set(m, NER_RULE_DATE, i, e, 0, 0, NULL);
    snprintf(m->iso, sizeof m->iso, "%04ld", y);
    return 1;
}

/* ascii_ci: the ASCII letters of s (case-insensitive) and '.' are at p. */
static int ascii_ci(const rules_text *t, size_t p, const char *s)
{
    for (; *s; s++, p++) {
        UChar32 c = at(t, p);
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
        return (at(t, p) | 32) == 'a' ? RW_AM : RW_PM;
    }
    unsigned mask = RW_BIT(RW_AM) | RW_BIT(RW_PM) | RW_BIT(RW_NOON);
    const rules_word *w = word_of(t, p, mask, &we);
    if (!w) return -1;
    *letter = (w->w[0] & 0x80) && strlen(w->w) == 2;
    *end = we;
    return w->kind;
}

/* time_at: "14:30", "9:05 pm", "10:30 مساءً", "10 صباحا": iso "HH:MM" (24 h). */
static int time_at(const rules_text *t, size_t i, ner_rule_match *m)
{
    long h, mi = 0, s;
    int nh, nm, ns;
    size_t e = digits(t, i, &h, &nh), se;
    if (nh > 2) return 0;
    int colon = at(t, e) == ':';
    if (colon) {
        size_t q = digits(t, e + 1, &mi, &nm);
        if (nm != 2 || mi > 59 || h > 24 || (h == 24 && mi)) return 0;
        e = q;
        if (at(t, e) == ':' && (q = digits(t, e + 1, &s, &ns), ns == 2 && s < 60)) e = q;
        if (!run_end(t, e)) return 0;
    } else if (is_digit_at(t, e) || h < 1 || h > 12) {
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
    set(m, NER_RULE_TIME, i, e, 0, 0, NULL);
    snprintf(m->iso, sizeof m->iso, "%02ld:%02ld", h % 24, mi);
    return 1;
}

/* ---- entry points ---------------------------------------------------------------------- */

size_t rules_run_end(const rules_text *t, size_t i)
{
    size_t p = i + 1;
    while (p < t->n && !run_end(t, p)) p++;
    return p;
}

int rules_try_digit(const rules_text *t, size_t i, ner_rule_match *m)
{
    int (*const fns[])(const rules_text *, size_t, ner_rule_match *) = {
        numdate_at, daymonth_at, time_at, amount_at, cueyear_at};
    ner_rule_match c;
    int found = 0;
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
        if (fns[k](t, i, &c) && (!found || c.end > m->end)) *m = c, found = 1;
    return found;
}

int rules_try_word(const rules_text *t, size_t i, size_t end, ner_rule_match *m)
{
    size_t a;
    unsigned mask = NUMBER_MASK | RW_BIT(RW_MONTH) | RW_BIT(RW_MONTH_HEAD);
    const rules_word *w = rules_word_find(t, i, end, mask, 1, &a);
    if (!w) {
        if (end == i + 2 && t->cp[i] == 'U' && t->cp[i + 1] == 'S' && at(t, end) == '$' &&
            rules_try_symbol(t, end, m))
            return m->start = i, 1;
        return 0;
    }
    if (w->kind == RW_MONTH || w->kind == RW_MONTH_HEAD) return monthfirst_at(t, a, m);
    return amount_at(t, a, m);
}

int rules_try_symbol(const rules_text *t, size_t i, ner_rule_match *m)
{
    UChar32 c = t->cp[i];
    const char *code = c == '$' ? "USD" : c == 0x20AC ? "EUR" : c == 0xA3 ? "GBP" : NULL;
    size_t q = rules_skip_sp(t, i + 1, 1);
    phrase ph;
    if (!code || !is_digit_at(t, q) || !phrase_at(t, q, &ph)) return 0;
    return set(m, NER_RULE_MONEY, i, ph.end, 1, ph.v, code);
}
