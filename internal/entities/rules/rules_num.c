/* rules_num.c: the MONEY, PERCENT and QUANTITY rules (digits of any script, Arabic number words
 * and scales) and the entry points that pick the longest rule match at a digit or a word. */
#include "rules_internal.h"

#include <math.h>

#define WAW 0x648
#define NUMBER_MASK                                                                                \
    (RW_BIT(RW_UNIT) | RW_BIT(RW_TEN) | RW_BIT(RW_HUNDRED) | RW_BIT(RW_FRAC) | RW_BIT(RW_SCALE) |  \
     RW_BIT(RW_SCALE2) | RW_BIT(RW_SCALEP))
#define MAX_ITEMS 16  /* words and numbers in one number phrase */
#define MAX_DIGITS 15 /* integer digits of a number with a value */

/* A number in digits: "1,500", "2.5", "٣٫٥", "1٬000". ok is 0 for too many digits. */
typedef struct num {
    double v;
    size_t end;
    int ok;
} num;

/* three_digits: p starts exactly three digits followed by no digit. */
static int three_digits(const rules_text *t, size_t p)
{
    return rules_is_digit_at(t, p) && rules_is_digit_at(t, p + 1) && rules_is_digit_at(t, p + 2) &&
           !rules_is_digit_at(t, p + 3);
}

/* number_at: the digit number at p (thousands separators , ٬; decimal . ٫ or a comma before
 * one or two digits). */
static void number_at(const rules_text *t, size_t p, num *r)
{
    double v = 0;
    int nd = 0;
    for (int d; p < t->n && (d = rules_digit(t->cp[p])) >= 0; p++, nd++) v = v * 10 + d;
    UChar32 c;
    if (nd <= 3)
        while (((c = rules_at(t, p)) == ',' || c == 0x66C) && three_digits(t, p + 1)) {
            for (int k = 1; k <= 3; k++) v = v * 10 + rules_digit(t->cp[p + k]);
            nd += 3;
            p += 4;
        }
    c = rules_at(t, p);
    int dec = (c == '.' || c == 0x66B) && rules_is_digit_at(t, p + 1);
    if (c == ',' && rules_is_digit_at(t, p + 1) && !three_digits(t, p + 1))
        dec = !rules_is_digit_at(t, p + 2) || !rules_is_digit_at(t, p + 3);
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

/* joiner: after a phrase item ending at p, the start of the next one joined by "و" (attached
 * or alone) in *q; else *q is p after spaces. Returns whether "و" joined. */
static int joiner(const rules_text *t, size_t p, size_t *q)
{
    *q = rules_skip_sp(t, p, 2);
    if (rules_at(t, *q) != WAW) return 0;
    size_t r = *q + 1;
    if (rules_is_space(rules_at(t, r))) r = rules_skip_sp(t, r, 2);
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

/* phrase_at: the number phrase at p (a digit number or a number word first). A tail joined by
 * "و" after the last scale that has no scale of its own ("مليون وثلاثة أشخاص") is left out. */
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

/* currency: "دولار", "ليرة سورية", "dollars", "USD" at q into m (span from s). */
static int currency(const rules_text *t, size_t s, size_t q, double v, ner_rule_match *m)
{
    size_t we, we2;
    const rules_word *w = rules_word_of(t, q, RW_BIT(RW_CUR), &we);
    if (!w) return 0;
    const char *code = w->code;
    const rules_word *adj = rules_word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_CUR_ADJ), &we2);
    if (adj && adj->fam == w->fam) code = adj->code, we = we2;
    return rules_set(m, NER_RULE_MONEY, s, we, 1, v, code);
}

/* tail_at: what follows the phrase (from s) decides: MONEY, PERCENT, QUANTITY or nothing. */
static int tail_at(const rules_text *t, size_t s, const phrase *ph, ner_rule_match *m)
{
    size_t q = rules_skip_sp(t, ph->end, 2), we, we2;
    UChar32 c = rules_at(t, q);
    if (c == '%' || c == 0x66A || c == 0xFF05)
        return rules_set(m, NER_RULE_PERCENT, s, q + 1, 1, ph->v, "%");
    if (c == '$') return rules_set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "USD");
    if (c == 0x20AC) return rules_set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "EUR");
    if (c == 0xA3) return rules_set(m, NER_RULE_MONEY, s, q + 1, 1, ph->v, "GBP");
    if (currency(t, s, q, ph->v, m)) return 1;
    unsigned mask = RW_BIT(RW_PCT) | RW_BIT(RW_PCT_HEAD) | RW_BIT(RW_MEASURE);
    const rules_word *w = rules_word_of(t, q, mask, &we);
    if (w && w->kind == RW_PCT) return rules_set(m, NER_RULE_PERCENT, s, we, 1, ph->v, "%");
    if (w && w->kind == RW_PCT_HEAD &&
        rules_word_of(t, rules_skip_sp(t, we, 1), RW_BIT(RW_PCT2), &we2))
        return rules_set(m, NER_RULE_PERCENT, s, we2, 1, ph->v, "%");
    if (w && w->kind == RW_MEASURE) return rules_set(m, NER_RULE_QUANTITY, s, we, 1, ph->v, NULL);
    if (ph->scale) return rules_set(m, NER_RULE_QUANTITY, s, ph->end, 1, ph->v, NULL);
    return 0;
}

/* amount_at: a number phrase at p and what follows it. */
static int amount_at(const rules_text *t, size_t p, ner_rule_match *m)
{
    phrase ph;
    return phrase_at(t, p, &ph) && tail_at(t, p, &ph, m);
}

/* ---- entry points ---------------------------------------------------------------------- */

size_t rules_run_end(const rules_text *t, size_t i)
{
    size_t p = i + 1;
    while (p < t->n && !rules_number_end(t, p)) p++;
    return p;
}

int rules_try_digit(const rules_text *t, size_t i, ner_rule_match *m)
{
    int (*const fns[])(const rules_text *, size_t, ner_rule_match *) = {
        rules_numdate_at, rules_daymonth_at, rules_time_at, amount_at, rules_cueyear_at};
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
        if (end == i + 2 && t->cp[i] == 'U' && t->cp[i + 1] == 'S' && rules_at(t, end) == '$' &&
            rules_try_symbol(t, end, m))
            return m->start = i, 1;
        return 0;
    }
    if (w->kind == RW_MONTH || w->kind == RW_MONTH_HEAD) return rules_monthfirst_at(t, a, m);
    return amount_at(t, a, m);
}

int rules_try_symbol(const rules_text *t, size_t i, ner_rule_match *m)
{
    UChar32 c = t->cp[i];
    const char *code = c == '$' ? "USD" : c == 0x20AC ? "EUR" : c == 0xA3 ? "GBP" : NULL;
    size_t q = rules_skip_sp(t, i + 1, 1);
    phrase ph;
    if (!code || !rules_is_digit_at(t, q) || !phrase_at(t, q, &ph)) return 0;
    return rules_set(m, NER_RULE_MONEY, i, ph.end, 1, ph.v, code);
}
