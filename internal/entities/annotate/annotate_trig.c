/* annotate_trig.c: names the model missed, found from the words around them (a place after a
 * place word, a person after a title), person names completed over their parts, and the closed
 * word lists that say a word is not a name by itself (common nouns, adjectives, nationalities). */
#include "annotate_internal.h"
#include "kb_internal.h"
#include "tokens_internal.h"
#include "util/err.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Common nouns of news text that the model sometimes takes for a name (normalized, no article):
 * fighting, people, places in general, events. Never a name by themselves. */
static const char *const common_nouns[] = {
    "نيران",  "نار",      "محيط",    "جيب",     "جيوب",    "بري",     "حرب",    "معارك",
    "معركه",  "هجوم",     "هجمات",   "قصف",     "غاره",    "غارات",   "اشتباك", "اشتباكات",
    "انفجار", "تفجير",    "كمين",    "عمليه",   "عمليات",  "حمله",    "جبهه",   "جبهات",
    "خط",     "خطوط",     "حدود",    "اطراف",   "اجزاء",   "ساحه",    "سكان",   "اهالي",
    "مدنيين", "مدنيون",   "مقاتلين", "مقاتلون", "مسلحين",  "مسلحون",  "عناصر",  "جنود",
    "اسري",   "قتلي",     "جرحي",    "ضحايا",   "نازحين",  "لاجئين",  "مناطق",  "بلدات",
    "قري",    "مدن",      "احياء",   "سيطره",   "نفوذ",    "نزاع",    "صراع",   "حصار",
    "انسحاب", "تقدم",     "هدنه",    "اتفاق",   "اتفاقيه", "مفاوضات", "بيان",   "تصريحات",
    "تقرير",  "مصادر",    "مصدر",    "اعلام",   "مواجهات", "ضربات",   "ضربه",   "حادث",
    "حادثه",  "مخيمات",   "طائرات",  "طائره",   "مدفعيه",  "صواريخ",  "صاروخ",  "دبابات",
    "اليات",  "اليه",     "اسلحه",   "ذخائر",   "قاعده",   "قواعد",   "نقطه",   "نقاط",
    "حاجز",   "حواجز",    "خلايا",   "خليه",    "امن",     "سلام",    "ارهاب",  "ارهابيين",
    "محاكمه", "انتخابات", "اقتصاد",  "سياسه",   "تحالفات", "مجزره",   "اعتقال", "اعتقالات",
    "منزل",   "منازل",    "مبني",    "مباني",   "مستشفي",  "مدرسه",   "طريق",   "طرق",
    "اراضي",  "ارض",      "مياه",    "نفط",     "غاز",     "حقل",     "حقول",   "حدث",
};

/* Adjectives that follow a place or title word without being a name (normalized, no article). */
static const char *const adjectives[] = {
    "كبير",   "كبيره",  "صغير",  "صغيره",  "جديد",   "جديده",  "قديم",   "قديمه",  "امنه",
    "عازله",  "حدوديه", "حدودي", "عسكري",  "عسكريه", "سكنيه",  "زراعيه", "صناعيه", "تجاريه",
    "اخري",   "اخر",    "واحده", "مجاوره", "مجاور",  "محاذيه", "قريبه",  "قريب",   "بعيده",
    "مهمه",   "محاصره", "محرره", "خاضعه",  "واقعه",  "نائيه",  "ساحليه", "جبليه",  "ريفيه",
    "محلي",   "محليه",  "امني",  "امنيه",  "رفيع",   "سابق",   "سابقه",  "حالي",   "حاليه",
    "بارز",   "بارزه",  "رسمي",  "رسميه",  "اعلامي", "ميداني", "عام",    "عامه",   "تنفيذي",
    "اقليمي", "دولي",   "اممي",  "عربي",   "عربيه",  "كردي",   "كرديه",  "غربي",   "شرقي",
    "شمالي",  "جنوبي",  "منتخب", "مؤقت",   "مكلف",   "اول",    "ثاني",   "ثالث",   "مشترك",
    "مشتركه", "مستقل",  "معارض", "معارضه", "موالي",  "موال",   "مدعوم",  "تابع",   "تابعه",
    "مذكور",  "مذكوره", "ذاتها", "نفسها",  "نفسه",   "ذاته",   "باسم",
};

/* Words before a name that make it a place: singular (construct state: بلدة X) and plural or
 * dual (بلدات X وY، قريتي X وY), whose names may be listed with و and commas. */
static const char *const place_one[] = {"قريه", "بلده", "مدينه", "ناحيه",  "مخيم", "حي",
                                        "ريف",  "قضاء", "ضاحيه", "محافظه", "منطقه"};
static const char *const place_many[] = {"قري",    "بلدات", "مدن",   "قريتي",   "بلدتي",
                                         "مدينتي", "قريتا", "بلدتا", "مدينتا",  "مخيمات",
                                         "مخيمي",  "احياء", "حيي",   "محافظتي", "ناحيتي"};
/* First words of many multi-word place names (دير الزور، تل أبيض، رأس العين، جسر الشغور). */
static const char *const place_heads[] = {"دير",  "تل",   "راس", "عين", "جسر", "ابو", "بئر", "بير",
                                          "بيت",  "كفر",  "خان", "مرج", "جبل", "سد",  "شيخ", "قصر",
                                          "حمام", "معره", "ام",  "بني", "باب", "برج", "وادي"};
/* Prepositions of place before "X في ريف Y", and the place words after X. */
static const char *const place_preps[] = {"في", "من", "الي", "قرب", "نحو", "داخل"};
static const char *const place_after[] = {"ريف",  "محافظه", "شرق",  "غرب",   "شمال",
                                          "جنوب", "شرقي",   "غربي", "شمالي", "جنوبي"};
/* Titles before a person's name (الرئيس X، المتحدث باسم ORG X Y، مدير ORG X Y). */
static const char *const titles[] = {
    "سيد",    "سيده",  "رئيس",  "رئيسه", "متحدث", "متحدثه", "ناطق",  "ناطقه", "قائد",
    "مدير",   "مديره", "وزير",  "وزيره", "زعيم",  "نائب",   "قيادي", "سفير",  "مبعوث",
    "مستشار", "شيخ",   "دكتور", "عميد",  "عقيد",  "جنرال",  "مراسل", "عضو",
};
/* Name words that are never a name alone: عبد الرحمن، أبو محمد، محمد بن سلمان. */
static const char *const name_glue[] = {"عبد", "ابو", "بن", "ابن", "ام", "بنت"};

/* The classes of the listed words, found with one hash lookup per word (the lists are scanned
 * once, at the first call). */
enum {
    W_COMMON = 1 << 0,
    W_ADJ = 1 << 1,
    W_PLACE_ONE = 1 << 2,
    W_PLACE_MANY = 1 << 3,
    W_HEAD = 1 << 4,
    W_PREP = 1 << 5,
    W_AFTER = 1 << 6,
    W_TITLE = 1 << 7,
    W_GLUE = 1 << 8,
};
#define WSLOTS 1024 /* power of two, over twice the listed words */
static struct wslot {
    const char *w;
    unsigned cls;
} wtab[WSLOTS];
static pthread_once_t wtab_once = PTHREAD_ONCE_INIT;

static void wtab_add(const char *const *list, size_t n, unsigned cls)
{
    for (size_t i = 0; i < n; i++)
        for (size_t h = kb_hash(list[i], strlen(list[i]));; h++) {
            struct wslot *s = &wtab[h & (WSLOTS - 1)];
            if (s->w && strcmp(s->w, list[i])) continue;
            s->w = list[i], s->cls |= cls;
            break;
        }
}
#define WTAB_ADD(list, cls) wtab_add(list, sizeof list / sizeof list[0], cls)

static void wtab_init(void)
{
    WTAB_ADD(common_nouns, W_COMMON);
    WTAB_ADD(adjectives, W_ADJ);
    WTAB_ADD(place_one, W_PLACE_ONE);
    WTAB_ADD(place_many, W_PLACE_MANY);
    WTAB_ADD(place_heads, W_HEAD);
    WTAB_ADD(place_preps, W_PREP);
    WTAB_ADD(place_after, W_AFTER);
    WTAB_ADD(titles, W_TITLE);
    WTAB_ADD(name_glue, W_GLUE);
}

/* wclass: the W_* classes of a normalized word, 0 when it is in no list. */
static unsigned wclass(const char *w)
{
    pthread_once(&wtab_once, wtab_init);
    for (size_t h = kb_hash(w, strlen(w));; h++) {
        const struct wslot *s = &wtab[h & (WSLOTS - 1)];
        if (!s->w) return 0;
        if (!strcmp(s->w, w)) return s->cls;
    }
}
#define IS(w, cls) ((wclass(w) & (cls)) != 0)

int ann_common_word(const char *norm)
{
    return IS(norm, W_COMMON | W_ADJ);
}

/* Words that name an outlet before its name (وكالة أنا برس، صحيفة الوطن، قناة الجزيرة): the
 * name is an organization whatever the model's type. */
static const char *const outlet_words[] = {"وكاله", "صحيفه", "جريده", "قناه",    "موقع",
                                           "اذاعه", "شبكه",  "مجله",  "تلفزيون", "فضائيه"};

int ann_outlet_word(const char *norm)
{
    return ann_in_words(norm, outlet_words, sizeof outlet_words / sizeof outlet_words[0]);
}

int ann_place_word(const char *norm, int many)
{
    return IS(norm, many ? W_PLACE_MANY : W_PLACE_ONE);
}

/* kb_has_place: the KB holds a one-word LOC name key. */
static int kb_has_place(const ner_kb *kb, const char *key)
{
    const kb_group *g = kb_group_find(kb, key, strlen(key));
    for (uint32_t x = g ? g->begin : 0; g && x < g->end; x++)
        if (kb->names[x].ntok == 1 && !strcmp(kb->entries[kb->names[x].entry].type, "LOC"))
            return 1;
    return 0;
}

int ann_nationality(const ner_kb *kb, const char *norm)
{
    size_t n = strlen(norm), cut = 0;
    static const char yeh_heh[] = "يه", yeh[] = "ي", yin[] = "يين", yun[] = "يون";
    if (n > 4 && !strcmp(norm + n - 4, yeh_heh))
        cut = 4;
    else if (n > 6 && (!strcmp(norm + n - 6, yin) || !strcmp(norm + n - 6, yun)))
        cut = 6;
    else if (n > 2 && !strcmp(norm + n - 2, yeh))
        cut = 2;
    if (!cut || n - cut < 4 || n + 8 > 96) return 0;
    char stem[96], key[112];
    memcpy(stem, norm, n - cut);
    stem[n - cut] = '\0';
    static const char *const forms[][2] = {{"", "يا"}, {"", "ا"},    {"ال", ""},
                                           {"", ""},   {"", "ستان"}, {"", "ان"}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(key, sizeof key, "%s%s%s", forms[i][0], stem, forms[i][1]);
        if (kb_has_place(kb, key)) return 1;
    }
    return 0;
}

/* Words a name of an organization or place may be written with around a KB name without being
 * another name (قوات قسد، تنظيم داعش، ريف دير الزور، شمال سوريا). */
static const char *const generic_words[] = {
    "قوات",  "قوه",   "تنظيم",  "جماعه", "حركه",  "ميليشيا", "ميليشيات", "مليشيات", "فصائل",
    "فصيل",  "عناصر", "مقاتلي", "مدينه", "بلده",  "قريه",    "محافظه",   "منطقه",   "ريف",
    "ناحيه", "شمال",  "جنوب",   "شرق",   "غرب",   "شمالي",   "جنوبي",    "شرقي",    "غربي",
    "وسط",   "دوله",  "مخيم",   "اقليم", "عاصمه", "نهر",     "بحيره",    "جبل",     "حي",
};

int ann_generic_word(const char *norm)
{
    return ann_in_words(norm, generic_words, sizeof generic_words / sizeof generic_words[0]);
}

/* Normalized words the model sometimes tags alone that are never names by themselves. */
static const char *const not_names[] = {
    "في",   "من",    "الي",  "علي",  "عن",  "مع",   "هذا",   "هذه",  "ذلك",  "تلك",  "التي",
    "الذي", "الذين", "هو",   "هي",   "هم",  "كان",  "كانت",  "قد",   "لا",   "لم",   "لن",
    "ما",   "ان",    "او",   "ثم",   "بعد", "قبل",  "حيث",   "كما",  "بين",  "عند",  "منذ",
    "حتي",  "خلال",  "ضد",   "امام", "قال", "قالت", "اليوم", "امس",  "كل",   "بعض",  "غير",
    "دون",  "اي",    "ايضا", "لكن",  "بل",  "اذا",  "الا",   "انه",  "انها", "عليه", "فيه",
    "فيها", "منه",   "له",   "لها",  "لهم", "وفي",  "وقد",   "وقال", "واكد", "the",  "of",
    "and",  "in",    "a",    "to",   "for", "on",   "by",    "with", "is",
};

/* not_a_noun: a word with tanween (an adverb or indefinite noun: إيماناً) or ending in an attached
 * pronoun (جيوبه، قادتهم) is not a proper name by itself. */
static int not_a_noun(const ner_token *t)
{
    UChar32 c = 0, prev = 0;
    int32_t k = 0, n = (int32_t)t->len, letters = 0;
    while (k < n) {
        UChar32 x;
        U8_NEXT(t->text, k, n, x);
        if (x >= 0x064B && x <= 0x064D) return 1;
        if (x < 0 || !u_isalpha(x)) continue;
        prev = c, c = x, letters++;
    }
    return letters >= 4 && (c == 0x0647 || (c == 0x0645 && prev == 0x0647));
}

int ann_not_a_name(const ann_field *f, size_t t0, size_t t1)
{
    int letters = 0;
    for (size_t i = t0; i < t1 && !letters; i++) {
        const ner_token *t = &f->toks.v[i];
        for (int32_t k = 0, n = (int32_t)t->len; k < n && !letters;) {
            UChar32 c;
            U8_NEXT(t->text, k, n, c);
            letters = c >= 0 && u_isalpha(c);
        }
    }
    if (!letters) return 1;
    if (t1 - t0 > 1) return 0;
    const char *norm = f->toks.v[t0].norm;
    int32_t k = 0, n = (int32_t)strlen(norm), cps = 0;
    while (k < n) {
        U8_FWD_1(norm, k, n);
        cps++;
    }
    if (cps < 2 || ann_common_word(norm) ||
        ann_in_words(norm, not_names, sizeof not_names / sizeof not_names[0]) ||
        ann_generic_word(norm))
        return 1;
    return not_a_noun(&f->toks.v[t0]);
}

/* ---- names from the words around them ------------------------------------------------------ */

/* The state of one field: its tokens' coverage by the kept spans (kb index + 1, or model index
 * + 1 + COV_MODEL; 0 = not covered). */
#define COV_MODEL ((size_t)1 << (sizeof(size_t) * 8 - 1))

typedef struct trig {
    const ann_field *f;
    const ner_kb *kb;
    const ner_tag *tags;
    const unsigned char *brk;
    ann_spans *kb_spans, *model;
    size_t *cov;
    int rc;
} trig;

static const ner_token *tok(const trig *t, size_t i)
{
    return &t->f->toks.v[i];
}

/* covering: the kept span over token i, or NULL. */
static ann_span *covering(const trig *t, size_t i)
{
    size_t c = t->cov[i];
    if (!c) return NULL;
    return c & COV_MODEL ? &t->model->v[(c & ~COV_MODEL) - 1] : &t->kb_spans->v[c - 1];
}

static void cover(trig *t, size_t t0, size_t t1, size_t code)
{
    for (size_t i = t0; i < t1; i++) t->cov[i] = code;
}

/* joined: tokens i - 1 and i are in one sentence with no punctuation between them. */
static int joined(const trig *t, size_t i)
{
    return i > 0 && i < t->f->toks.n && !tok(t, i)->sentence_start && !t->brk[i];
}

/* ends_with: the normalized word ends with suffix and has at least min more bytes. */
static int ends_with(const char *w, const char *suffix, size_t min)
{
    size_t n = strlen(w), k = strlen(suffix);
    return n >= k + min && !strcmp(w + n - k, suffix);
}

/* name_word: token i, not covered, can be (part of) a name: Arabic letters, not a function,
 * generic, common or title word, no pronoun suffix. */
static int name_word(const trig *t, size_t i)
{
    const ner_token *w = tok(t, i);
    if (t->cov[i] || w->len < 4 || (unsigned char)w->text[0] < 0xD8 ||
        (unsigned char)w->text[0] > 0xDB)
        return 0;
    if (ann_not_a_name(t->f, i, i + 1) || ann_common_word(w->norm) || IS(w->norm, W_TITLE) ||
        IS(w->norm, W_PLACE_ONE) || IS(w->norm, W_PLACE_MANY))
        return 0;
    return !ends_with(w->norm, "ها", 6) && !ends_with(w->norm, "هم", 6);
}

/* name_like: name_word, and not a nationality adjective (التركية). */
static int name_like(const trig *t, size_t i)
{
    return name_word(t, i) && !ann_nationality(t->kb, tok(t, i)->norm);
}

/* word_of: the normalized word of token i for the place and title lists: its norm when listed,
 * else, for a word read as ب + ل..., its letters with only a leading و or ف taken off (the
 * tokenizer reads بلدتي as ب + لدتي);
 * buf holds at least 4 * NER_MAXL + 1 bytes. */
static const char *word_of(const trig *t, size_t i, char *buf)
{
    const ner_token *w = tok(t, i);
    const unsigned char *s = (const unsigned char *)w->surface;
    if (!(w->prefixes & NER_CLITIC_BI) || w->surface_len < 8) return w->norm;
    if (w->prefixes & (NER_CLITIC_WA | NER_CLITIC_FA)) s += 2;
    if (s[0] != 0xD8 || s[1] != 0xA8 || s[2] != 0xD9 || s[3] != 0x84) return w->norm; /* بل */
    ner_letters L;
    ner_letters_scan(w->surface, w->surface_len, &L);
    int p = L.m > 3 && (L.f[0] == 0x0648 || L.f[0] == 0x0641);
    size_t k = 0;
    for (int x = p; x < L.m && !L.more; x++) {
        if (L.f[x] < 0) return w->norm;
        U8_APPEND_UNSAFE(buf, k, L.f[x]);
    }
    buf[k] = '\0';
    return L.more ? w->norm : buf;
}

/* place_span: a place of tokens [t0, t1) that starts after a leading و only (وكريدية ->
 * كريدية, not ك + ريدية): a place word's name has no other proclitic. */
static ann_span place_span(const trig *t, size_t t0, size_t t1)
{
    ann_span sp = ann_model_span(t->f, t0, t1, "LOC");
    const ner_token *w = tok(t, t0);
    if (!(w->prefixes & (NER_CLITIC_BI | NER_CLITIC_LI | NER_CLITIC_KA))) return sp;
    ner_letters L;
    unsigned pre;
    ner_letters_scan(w->surface, w->surface_len, &L);
    int k = ner_clitic_split(&L, &pre), p = (w->prefixes & NER_CLITIC_WA) != 0;
    if (k <= p || k >= L.m) return sp;
    sp.start = w->start - (L.cp[k] - L.cp[p]);
    sp.b0 = (size_t)(w->surface - t->f->text) + L.at[p];
    return sp;
}

/* add: a new model span [t0, t1) of type. */
static void add(trig *t, size_t t0, size_t t1, const char *type)
{
    ann_span sp = strcmp(type, "LOC") ? ann_model_span(t->f, t0, t1, type) : place_span(t, t0, t1);
    if (sp.conf < ANN_CONF_TRIGGER) sp.conf = ANN_CONF_TRIGGER;
    if (t->rc || (t->rc = ann_spans_push(t->model, &sp))) return;
    cover(t, t0, t1, t->model->n | COV_MODEL);
}

/* place_name: the end of the place name starting at token i (a head word takes the next word
 * too: تل أبيض), or i when there is none. */
static size_t place_name(const trig *t, size_t i)
{
    if (i >= t->f->toks.n || !name_like(t, i)) return i;
    if (IS(tok(t, i)->norm, W_HEAD) && joined(t, i + 1) && name_like(t, i + 1)) return i + 2;
    return IS(tok(t, i)->norm, W_HEAD) || IS(tok(t, i)->norm, W_GLUE) ? i : i + 1;
}

/* conjunct: token i continues a list of places (و X، or after a comma in a plural list); the
 * end of that name, or i. The word is taken only when definite or ending in ة (a verb never
 * does), but a و word with no other proclitic after a plural place word whatever it is; a word
 * after a comma only without a proclitic. */
static size_t conjunct(trig *t, size_t i, int many)
{
    if (i >= t->f->toks.n || tok(t, i)->sentence_start || (t->brk[i] && !many)) return i;
    const ner_token *w = tok(t, i);
    if (!(w->prefixes & NER_CLITIC_WA) && !(many && t->brk[i])) return i;
    ann_span *c = covering(t, i);
    if (c) return c->t0 == i && !strcmp(c->type, "LOC") ? c->t1 : i;
    unsigned other = w->prefixes & ~(unsigned)(NER_CLITIC_WA | NER_CLITIC_AL);
    if (!(w->prefixes & NER_CLITIC_WA) && other) return i; /* ، ليتمكن */
    int wa = (w->prefixes & NER_CLITIC_WA) != 0;
    if ((!many || !wa || other) && !(w->prefixes & NER_CLITIC_AL) && !ends_with(w->norm, "ه", 2))
        return i;
    return place_name(t, i);
}

/* after_place_word: names after the place word at token i (بلدة X وY، قرى X، Y وZ). */
static void after_place_word(trig *t, size_t i)
{
    char buf[4 * NER_MAXL + 1];
    const ner_token *w = tok(t, i);
    const char *word = word_of(t, i, buf);
    int many = IS(word, W_PLACE_MANY);
    if ((w->prefixes & NER_CLITIC_AL) || !(many || IS(word, W_PLACE_ONE)) || !joined(t, i + 1))
        return;
    ann_span *c = covering(t, i + 1);
    if (c && c->src == ANN_MODEL && c->t0 == i + 1 && !strcmp(c->type, "PER"))
        c->type = "LOC"; /* بلدة X: a place whatever the model said */
    size_t e =
        c ? (c->t0 == i + 1 && !strcmp(c->type, "LOC") ? c->t1 : i + 1) : place_name(t, i + 1);
    if (!strcmp(word, "منطقه") && !c && (tok(t, i + 1)->prefixes & NER_CLITIC_AL))
        return; /* منطقة العمليات: too often a common noun */
    if (e > i + 1 && !c) add(t, i + 1, e, "LOC");
    for (size_t k = e, n = 0; !t->rc && e > i + 1 && n < 16; n++, k = e) {
        if ((e = conjunct(t, k, many)) == k) break;
        if (!covering(t, k)) add(t, k, e, "LOC");
    }
}

/* before_place_word: "في X في ريف Y", "من X بريف Y", "قرب X شرق Y": X is a place when Y is. */
static void before_place_word(trig *t, size_t i)
{
    size_t n = t->f->toks.n, e;
    if (!joined(t, i) || !IS(tok(t, i - 1)->norm, W_PREP) || tok(t, i - 1)->prefixes ||
        (tok(t, i)->prefixes & NER_CLITIC_AL) || (e = place_name(t, i)) == i || !joined(t, e))
        return;
    size_t k = e;
    if (!strcmp(tok(t, k)->norm, "في") && !tok(t, k)->prefixes && joined(t, k + 1))
        k++;
    else if (tok(t, k)->prefixes & ~(unsigned)NER_CLITIC_BI)
        return;
    if (!IS(tok(t, k)->norm, W_AFTER) || !joined(t, k + 1) || k + 1 >= n) return;
    const ann_span *y = covering(t, k + 1);
    if (y && y->t0 == k + 1 && !strcmp(y->type, "LOC")) add(t, i, e, "LOC");
}

/* reshape: model span c now covers tokens [t0, t1). */
static void reshape(trig *t, ann_span *c, size_t t0, size_t t1)
{
    ann_span w = ann_model_span(t->f, t0, t1, c->type);
    c->t0 = w.t0, c->t1 = w.t1, c->start = w.start, c->end = w.end, c->b0 = w.b0, c->b1 = w.b1;
    cover(t, t0, t1, (size_t)(c - t->model->v + 1) | COV_MODEL);
}

/* person_word: token i can be the k-th word of a person's name after a title: name-like, no
 * proclitic, definite only right after عبد/أبو/بن (عبد الرحمن). */
static int person_word(const trig *t, size_t i, size_t k)
{
    unsigned pre = tok(t, i)->prefixes;
    if (k && !joined(t, i)) return 0;
    if (pre == NER_CLITIC_AL && k && IS(tok(t, i - 1)->norm, W_GLUE)) return !t->cov[i];
    return !pre && name_like(t, i);
}

/* clause_end: token k ends a name said after a title and an organization: punctuation or the
 * end of the sentence before it, or "إن/أن" (... X Y، / X Y إن). */
static int clause_end(const trig *t, size_t k)
{
    return !joined(t, k) || (!tok(t, k)->prefixes && !strcmp(tok(t, k)->norm, "ان"));
}

/* place_surname: the KB span c at token k is a one-word place that ends the name of a person
 * said after a title (القيادي بقسد حقي كوباني، ...: a name of origin or war): the name's first
 * word before it, the clause ends after it. */
static int place_surname(const trig *t, const ann_span *c, size_t k)
{
    return c->src != ANN_MODEL && c->t0 == k && c->t1 == k + 1 && !strcmp(c->type, "LOC") &&
           !tok(t, k)->prefixes && k + 1 <= t->f->toks.n &&
           (k + 1 == t->f->toks.n || clause_end(t, k + 1));
}

/* after_title: the name after a title at token i (السيد X Y، المتحدث باسم ORG X Y، مدير ORG X
 * عبد Y): at least two name words, or words before a person span of the model, which then
 * takes them. Definite words, "باسم" and spans of other types between title and name are
 * passed over. */
static void after_title(trig *t, size_t i)
{
    size_t n = t->f->toks.n, j = i + 1;
    for (int skip = 0; skip < 4 && j < n && joined(t, j); skip++) {
        ann_span *c = covering(t, j);
        if (c && strcmp(c->type, "PER"))
            j = c->t1;
        else if (!c && (tok(t, j)->prefixes & NER_CLITIC_AL || !strcmp(tok(t, j)->norm, "اسم")))
            j++;
        else
            break;
    }
    if (j >= n || !joined(t, j) || t->cov[j]) return;
    size_t k = j;
    while (k < n && k - j < 4 && person_word(t, k, k - j)) k++;
    ann_span *c = k < n && k > j && joined(t, k) ? covering(t, k) : NULL;
    if (c && c->t0 == k && c->src == ANN_MODEL && !strcmp(c->type, "PER"))
        reshape(t, c, j, c->t1);
    else if (c && k - j == 1 && place_surname(t, c, k))
        c->drop = 1, cover(t, k, k + 1, 0), add(t, j, k + 1, "PER");
    else if (k - j >= 2 && !IS(tok(t, k - 1)->norm, W_GLUE) && (j == i + 1 || clause_end(t, k)))
        add(t, j, k, "PER");
}

/* quote_len: the length of the quotation mark at text[a] (within b), 0 when there is none. */
static size_t quote_len(const char *text, size_t a, size_t b)
{
    static const char *const quotes[] = {"\"", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C",
                                         "\xE2\x80\x9D"};
    for (size_t k = 0; k < sizeof quotes / sizeof quotes[0]; k++) {
        size_t q = strlen(quotes[k]);
        if (a + q <= b && !strncmp(text + a, quotes[k], q)) return q;
    }
    return 0;
}

/* quote_only: text[a, b) is white space around one quotation mark. */
static int quote_only(const char *text, size_t a, size_t b)
{
    int seen = 0;
    while (a < b) {
        size_t q = text[a] == ' ' ? 1 : quote_len(text, a, b);
        if (!q || (text[a] != ' ' && seen++)) return 0;
        a += q;
    }
    return seen;
}

/* after_outlet: the quoted name after an outlet word at token i (وكالة "أعماق"، صحيفة «الوطن»):
 * one to three words between quotation marks right after it are an organization. */
static void after_outlet(trig *t, size_t i)
{
    const ann_field *f = t->f;
    size_t n = f->toks.n, j = i + 1, k = j;
    if ((tok(t, i)->prefixes & NER_CLITIC_AL) || j >= n || tok(t, j)->sentence_start) return;
    size_t a = (size_t)(tok(t, i)->surface + tok(t, i)->surface_len - f->text);
    if (!quote_only(f->text, a, (size_t)(tok(t, j)->surface - f->text))) return;
    while (k < n && k - j < 3 && (k == j || joined(t, k)) && name_word(t, k)) k++;
    size_t end = (size_t)(tok(t, k - 1)->surface + tok(t, k - 1)->surface_len - f->text);
    if (k > j && quote_len(f->text, end, f->len)) add(t, j, k, "ORG");
}

#define NAME_PARTS 512 /* person-name words of a field remembered for completion, at most */

/* known_part: token i's word is a word of another person span of the field. */
static int known_part(const trig *t, const char *const *parts, size_t np, size_t i)
{
    for (size_t k = 0; k < np; k++)
        if (!strcmp(parts[k], tok(t, i)->norm)) return 1;
    return 0;
}

/* complete: a model person span c grows over the words its name is written with: عبد/أبو/بن
 * and the word after them (never split عبد الرحمن), a word next to it that another person span
 * of the field has (أحمد when "أحمد الزعبي" is named elsewhere; after the name, with its article:
 * هشام + الحلبي). */
static void complete(trig *t, ann_span *c, const char *const *parts, size_t np)
{
    size_t n = t->f->toks.n;
    for (int step = 0; step < 4; step++) {
        size_t a = c->t0, b = c->t1;
        if (b < n && joined(t, b) && !t->cov[b] &&
            !(tok(t, b)->prefixes & ~(unsigned)NER_CLITIC_AL) &&
            (IS(tok(t, b - 1)->norm, W_GLUE) || (name_word(t, b) && known_part(t, parts, np, b))))
            b++;
        else if (a > 0 && joined(t, a) && !t->cov[a - 1] && !tok(t, a - 1)->prefixes &&
                 (IS(tok(t, a - 1)->norm, W_GLUE) ||
                  (name_word(t, a - 1) && known_part(t, parts, np, a - 1))))
            a--;
        if (a == c->t0 && b == c->t1) return;
        reshape(t, c, a, b);
    }
}

int ann_trigger_spans(const ann_field *f, const ner_kb *kb, const ner_tag *tags,
                      const unsigned char *brk, ann_spans *kb_spans, ann_spans *model)
{
    size_t n = f->toks.n;
    trig t = {.f = f, .kb = kb, .tags = tags, .brk = brk, .kb_spans = kb_spans, .model = model};
    if (!n) return NI_OK;
    const char **parts = malloc(NAME_PARTS * sizeof *parts);
    if (!parts || !(t.cov = calloc(n, sizeof *t.cov))) {
        free(parts);
        return NI_ERR_NOMEM;
    }
    size_t np = 0;
    for (size_t k = 0; k < kb_spans->n; k++)
        if (!kb_spans->v[k].drop) cover(&t, kb_spans->v[k].t0, kb_spans->v[k].t1, k + 1);
    for (size_t k = 0; k < model->n; k++) {
        const ann_span *m = &model->v[k];
        if (m->drop) continue;
        cover(&t, m->t0, m->t1, (k + 1) | COV_MODEL);
        for (size_t i = m->t0; !strcmp(m->type, "PER") && i < m->t1 && np < NAME_PARTS; i++)
            if (!IS(f->toks.v[i].norm, W_GLUE)) parts[np++] = f->toks.v[i].norm;
    }
    for (size_t k = 0, m = model->n; k < m; k++)
        if (!model->v[k].drop && !strcmp(model->v[k].type, "PER"))
            complete(&t, &model->v[k], parts, np);
    for (size_t i = 0; i < n && !t.rc; i++) {
        char buf[4 * NER_MAXL + 1];
        unsigned c = wclass(word_of(&t, i, buf));
        if (c & (W_PLACE_ONE | W_PLACE_MANY))
            after_place_word(&t, i);
        else if (c & W_TITLE)
            after_title(&t, i);
        else if (ann_outlet_word(tok(&t, i)->norm))
            after_outlet(&t, i);
        else if (!t.cov[i] && tags[i] == NER_O)
            before_place_word(&t, i);
    }
    free(parts);
    free(t.cov);
    return t.rc;
}
