/* tagger_feat.c: the tagger's view of a word (normalized form, clitic-stripped stems, affixes,
 * shape, trigger class) and the feature keys of a position (templates over a -2..+2 window). */
#include "tagger_internal.h"

#include "text/fold.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define MAX_CPS 32 /* code points of a word looked at (longer words are cut) */

/* Code points used below. */
enum {
    AR_ALEF = 0x0627,
    AR_BEH = 0x0628,
    AR_TEH_MARBUTA = 0x0629,
    AR_FEH = 0x0641,
    AR_KAF = 0x0643,
    AR_LAM = 0x0644,
    AR_HEH = 0x0647,
    AR_WAW = 0x0648,
    AR_YEH = 0x064A,
};

/* fold: the normalized code point of c (TEXT_FOLD_TAGGER); 0 when it is dropped (marks,
 * tatweel, format chars). */
static UChar32 fold(UChar32 c)
{
    UChar32 f = text_fold(c, TEXT_FOLD_TAGGER);
    return f == TEXT_FOLD_DROP ? 0 : f;
}

/* shape_class: one letter per character class (Arabic, Latin upper/lower, other letter, digit,
 * ASCII punctuation as itself, other). */
static UChar32 shape_class(UChar32 c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return 'X';
        if (c >= 'a' && c <= 'z') return 'x';
        if (c >= '0' && c <= '9') return 'd';
        return c;
    }
    if (u_isdigit(c)) return 'd';
    if (!u_isalpha(c)) return 'p';
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &err);
    if (s == USCRIPT_ARABIC) return 'a';
    if (s == USCRIPT_LATIN) return u_isupper(c) ? 'X' : 'x';
    return 'l';
}

static uint64_t fnv_cp(uint64_t h, UChar32 c)
{
    return (h ^ (uint64_t)(uint32_t)c) * FNV_PRIME;
}

static uint64_t fnv_cps(const UChar32 *c, size_t n)
{
    uint64_t h = FNV_BASIS;
    for (size_t i = 0; i < n; i++) h = fnv_cp(h, c[i]);
    return h;
}

/* stem_start: how many leading code points of c[0..n) are proclitics: [وف]?[بكل]?ال or [وف]?لل
 * before at least two letters; with light set, also a bare [وف]?[بكل]? before three letters. */
static size_t stem_start(const UChar32 *c, size_t n, int light, unsigned *clitics)
{
    size_t s = 0;
    unsigned bits = 0;
    if (n > 3 && (c[0] == AR_WAW || c[0] == AR_FEH))
        s = 1, bits = c[0] == AR_WAW ? NER_CLITIC_WA : NER_CLITIC_FA;
    if (n >= s + 4 && c[s] == AR_LAM && c[s + 1] == AR_LAM) /* لل = ل + ال */
        return *clitics = bits | NER_CLITIC_LI | NER_CLITIC_AL, s + 2;
    size_t p = s;
    unsigned pb = 0;
    if (n > p + 1 && (c[p] == AR_BEH || c[p] == AR_KAF || c[p] == AR_LAM) && c[p + 1] == AR_ALEF &&
        n > p + 2 && c[p + 2] == AR_LAM)
        pb = c[p] == AR_BEH ? NER_CLITIC_BI : c[p] == AR_KAF ? NER_CLITIC_KA : NER_CLITIC_LI, p++;
    if (n >= p + 4 && c[p] == AR_ALEF && c[p + 1] == AR_LAM)
        return *clitics = bits | pb | NER_CLITIC_AL, p + 2;
    if (!light) return *clitics = 0, 0;
    if (n >= s + 4 && (c[s] == AR_BEH || c[s] == AR_KAF || c[s] == AR_LAM))
        bits |= c[s] == AR_BEH   ? NER_CLITIC_BI
                : c[s] == AR_KAF ? NER_CLITIC_KA
                                 : NER_CLITIC_LI,
            s++;
    return *clitics = bits, s;
}

/* Trigger words: the next or the same word is often a name of this class. */
enum {
    TRIG_PER = NER_TRIG_PER,
    TRIG_ORG = NER_TRIG_ORG,
    TRIG_LOC = NER_TRIG_LOC,
    TRIG_SAY = NER_TRIG_SAY
};

static const struct {
    const char *word;
    uint8_t cls;
} triggers[] = {
    {"الرئيس", TRIG_PER},
    {"رئيسة", TRIG_PER},
    {"الملك", TRIG_PER},
    {"الأمير", TRIG_PER},
    {"الشيخ", TRIG_PER},
    {"السيد", TRIG_PER},
    {"السيدة", TRIG_PER},
    {"وزير", TRIG_PER},
    {"وزيرة", TRIG_PER},
    {"المتحدث", TRIG_PER},
    {"الناطق", TRIG_PER},
    {"الجنرال", TRIG_PER},
    {"العقيد", TRIG_PER},
    {"اللواء", TRIG_PER},
    {"العميد", TRIG_PER},
    {"الدكتور", TRIG_PER},
    {"النائب", TRIG_PER},
    {"السفير", TRIG_PER},
    {"المستشار", TRIG_PER},
    {"الزعيم", TRIG_PER},
    {"القائد", TRIG_PER},
    {"الأمين", TRIG_PER},
    {"المدير", TRIG_PER},
    {"المبعوث", TRIG_PER},
    {"المرشح", TRIG_PER},
    {"البابا", TRIG_PER},
    {"المراسل", TRIG_PER},
    {"مدينة", TRIG_LOC},
    {"قرية", TRIG_LOC},
    {"محافظة", TRIG_LOC},
    {"بلدة", TRIG_LOC},
    {"منطقة", TRIG_LOC},
    {"ولاية", TRIG_LOC},
    {"إقليم", TRIG_LOC},
    {"عاصمة", TRIG_LOC},
    {"جزيرة", TRIG_LOC},
    {"نهر", TRIG_LOC},
    {"مخيم", TRIG_LOC},
    {"حي", TRIG_LOC},
    {"شارع", TRIG_LOC},
    {"جبل", TRIG_LOC},
    {"بحر", TRIG_LOC},
    {"مطار", TRIG_LOC},
    {"وكالة", TRIG_ORG},
    {"صحيفة", TRIG_ORG},
    {"جريدة", TRIG_ORG},
    {"شركة", TRIG_ORG},
    {"حزب", TRIG_ORG},
    {"حركة", TRIG_ORG},
    {"منظمة", TRIG_ORG},
    {"جامعة", TRIG_ORG},
    {"وزارة", TRIG_ORG},
    {"مجلس", TRIG_ORG},
    {"اتحاد", TRIG_ORG},
    {"جمعية", TRIG_ORG},
    {"هيئة", TRIG_ORG},
    {"مؤسسة", TRIG_ORG},
    {"بنك", TRIG_ORG},
    {"قناة", TRIG_ORG},
    {"إذاعة", TRIG_ORG},
    {"جبهة", TRIG_ORG},
    {"لجنة", TRIG_ORG},
    {"نادي", TRIG_ORG},
    {"محكمة", TRIG_ORG},
    {"باسم", TRIG_ORG},
    {"قال", TRIG_SAY},
    {"قالت", TRIG_SAY},
    {"أعلن", TRIG_SAY},
    {"أعلنت", TRIG_SAY},
    {"صرح", TRIG_SAY},
    {"أكد", TRIG_SAY},
    {"أكدت", TRIG_SAY},
    {"أضاف", TRIG_SAY},
    {"أوضح", TRIG_SAY},
    {"ذكر", TRIG_SAY},
    {"وصرح", TRIG_SAY},
    {"وقال", TRIG_SAY},
    {"وأضاف", TRIG_SAY},
    {"ويقول", TRIG_SAY},
    /* people by occupation or rank */
    {"الفنان", TRIG_PER},
    {"الفنانة", TRIG_PER},
    {"اللاعب", TRIG_PER},
    {"الحارس", TRIG_PER},
    {"المدافع", TRIG_PER},
    {"المهاجم", TRIG_PER},
    {"المدرب", TRIG_PER},
    {"النجم", TRIG_PER},
    {"الكاتب", TRIG_PER},
    {"الكاتبة", TRIG_PER},
    {"الشاعر", TRIG_PER},
    {"المخرج", TRIG_PER},
    {"الممثل", TRIG_PER},
    {"الممثلة", TRIG_PER},
    {"المطرب", TRIG_PER},
    {"المطربة", TRIG_PER},
    {"الصحفي", TRIG_PER},
    {"الأستاذ", TRIG_PER},
    {"الإمام", TRIG_PER},
    {"الفريق", TRIG_PER},
    {"الوزير", TRIG_PER},
    {"الرئيسة", TRIG_PER},
    {"الملكة", TRIG_PER},
    {"الأميرة", TRIG_PER},
    {"المفكر", TRIG_PER},
    {"الباحث", TRIG_PER},
    {"القاضي", TRIG_PER},
    {"المحامي", TRIG_PER},
    {"بن", TRIG_PER},
    {"ابن", TRIG_PER},
    {"أبو", TRIG_PER},
    {"عبد", TRIG_PER},
    /* organizations and places */
    {"منتخب", TRIG_ORG},
    {"فريق", TRIG_ORG},
    {"مصرف", TRIG_ORG},
    {"مجموعة", TRIG_ORG},
    {"برلمان", TRIG_ORG},
    {"مركز", TRIG_ORG},
    {"معهد", TRIG_ORG},
    {"تلفزيون", TRIG_ORG},
    {"ميناء", TRIG_LOC},
    {"مقاطعة", TRIG_LOC},
    {"بلاد", TRIG_LOC},
    {"دولة", TRIG_LOC},
};
#define NTRIGGERS (sizeof triggers / sizeof triggers[0])

/* analyze: normalized code points and forms of w into out; trigger lookup off while building the
 * trigger table itself. */
static void analyze(const char *w, size_t len, unsigned gaz, ner_word *out, int with_trigger);

/* The trigger table keyed by stem hash, built on first use (pthread_once). */
#define TRIGGER_SLOTS 256 /* power of two, more than twice NTRIGGERS */
static uint64_t trigger_hash[TRIGGER_SLOTS];
static uint8_t trigger_cls[TRIGGER_SLOTS];

static pthread_once_t trigger_once = PTHREAD_ONCE_INIT;

static void trigger_init(void)
{
    for (size_t i = 0; i < NTRIGGERS; i++) {
        ner_word tw;
        analyze(triggers[i].word, strlen(triggers[i].word), 0, &tw, 0);
        uint64_t h = tw.h[NER_H_STEM], s = h & (TRIGGER_SLOTS - 1);
        while (trigger_cls[s] && trigger_hash[s] != h) s = (s + 1) & (TRIGGER_SLOTS - 1);
        trigger_hash[s] = h;
        trigger_cls[s] = triggers[i].cls;
    }
}

static uint8_t trigger_of(uint64_t stem)
{
    pthread_once(&trigger_once, trigger_init);
    for (uint64_t s = stem & (TRIGGER_SLOTS - 1); trigger_cls[s]; s = (s + 1) & (TRIGGER_SLOTS - 1))
        if (trigger_hash[s] == stem) return trigger_cls[s];
    return 0;
}

/* The per-code-point facts analyze needs, for the BMP taken from ICU once: bits 0-20 the folded
 * code point (0 dropped), bits 21-28 the shape class, bit 29 invisible (not in the raw form). */
#define CP_SHAPE_SHIFT 21
#define CP_INVISIBLE (1u << 29)
static uint32_t bmp[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

static uint32_t cp_facts_slow(UChar32 c)
{
    UChar32 f = fold(c);
    uint32_t v = (uint32_t)f | (uint32_t)shape_class(c) << CP_SHAPE_SHIFT;
    if (!f && c != 0x0640 && u_charType(c) != U_NON_SPACING_MARK) v |= CP_INVISIBLE;
    return v;
}

static void bmp_init(void)
{
    for (UChar32 c = 0; c < 0x10000; c++) bmp[c] = cp_facts_slow(c);
}

static inline uint32_t cp_facts(UChar32 c)
{
    return c < 0x10000 ? bmp[c] : cp_facts_slow(c);
}

static void analyze(const char *w, size_t len, unsigned gaz, ner_word *out, int with_trigger)
{
    UChar32 cp[MAX_CPS];
    size_t n = 0, total = 0;
    uint64_t raw = FNV_BASIS, shape = FNV_BASIS;
    uint32_t last_shape = 0;
    pthread_once(&bmp_once, bmp_init);
    for (size_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)w, i, len, c);
        if (c < 0) c = 0xFFFD;
        uint32_t v = cp_facts(c);
        if (v & CP_INVISIBLE) continue;
        raw = fnv_cp(raw, c);
        UChar32 f = (UChar32)(v & 0x1FFFFF);
        if (!f) continue;
        total++;
        if (n < MAX_CPS) cp[n++] = f;
        uint32_t sc = v >> CP_SHAPE_SHIFT & 0xFF;
        if (sc != last_shape) shape = fnv_cp(shape, (UChar32)sc), last_shape = sc;
    }
    memset(out, 0, sizeof *out);
    out->h[NER_H_RAW] = raw;
    out->h[NER_H_NORM] = fnv_cps(cp, n);
    unsigned cl = 0;
    size_t s = stem_start(cp, n, 0, &cl);
    out->h[NER_H_STEM] = s ? fnv_cps(cp + s, n - s) : out->h[NER_H_NORM];
    out->clitics = (uint8_t)cl;
    size_t ls = s ? s : stem_start(cp, n, 1, &cl);
    out->h[NER_H_LSTEM] = ls ? fnv_cps(cp + ls, n - ls) : out->h[NER_H_NORM];
    out->h[NER_H_SPRE2] = n >= s + 2 ? fnv_cps(cp + s, 2) : 0;
    out->h[NER_H_SPRE3] = n >= s + 3 ? fnv_cps(cp + s, 3) : 0;
    uint64_t h = FNV_BASIS;
    for (size_t k = 0; k < 4; k++) {
        if (k < n) h = fnv_cp(h, cp[k]);
        out->h[NER_H_PRE1 + k] = k < n ? h : 0;
        out->h[NER_H_SUF1 + k] = k < n ? fnv_cps(cp + n - k - 1, k + 1) : 0;
    }
    out->h[NER_H_SHAPE] = shape;
    out->len = (uint8_t)(total < 7 ? total : total < 9 ? 7 : 8);
    out->gaz = (uint8_t)gaz;
    if (with_trigger) out->trigger = trigger_of(out->h[NER_H_STEM]);
}

void ner_word_analyze(const char *w, size_t len, unsigned gaz, ner_word *out)
{
    analyze(w, len, gaz, out, 1);
}

/* bare_start: code points of a leading conjunction/preposition before the rest of c[0..n): [وف]
 * then [بكل], or one of them alone, when at least three letters remain; لل (ل + ال) keeps ال. */
static size_t bare_start(const UChar32 *c, size_t n)
{
    size_t s = n > 3 && (c[0] == AR_WAW || c[0] == AR_FEH);
    if (n >= s + 4 && c[s] == AR_LAM && c[s + 1] == AR_LAM) return s + 1;
    if (n >= s + 4 && (c[s] == AR_BEH || c[s] == AR_KAF || c[s] == AR_LAM)) s++;
    return s;
}

uint64_t ner_name_key(const char *w, size_t len, uint64_t *bare)
{
    UChar32 cp[MAX_CPS];
    size_t n = 0;
    pthread_once(&bmp_once, bmp_init);
    for (size_t i = 0; i < len && n < MAX_CPS;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)w, i, len, c);
        UChar32 f = (UChar32)(cp_facts(c < 0 ? 0xFFFD : c) & 0x1FFFFF);
        if (f) cp[n++] = f;
    }
    size_t b = bare_start(cp, n);
    *bare = b ? (fnv_cps(cp + b, n - b) & ~3ULL) | 3 : 0;
    if (n < 2) return 0;
    return (fnv_cps(cp, n) & ~3ULL) | (n < 3 ? n : 3);
}

/* Feature templates (their numbers are part of the model file's keys: append only). */
enum {
    T_BIAS = 1,
    T_RAW,
    T_NORM,
    T_STEM,
    T_PRE, /* 4 */
    T_SUF = T_PRE + 4,
    T_SHAPE = T_SUF + 4,
    T_LEN,
    T_CLITICS,
    T_NORM_AT, /* 4: offsets -2 -1 +1 +2 */
    T_STEM_AT = T_NORM_AT + 4,
    T_BIGRAM_L = T_STEM_AT + 4,
    T_BIGRAM_R,
    T_TRIG_AT, /* 4: offsets -2 -1 0 +1 */
    T_SHAPE3 = T_TRIG_AT + 4,
    T_GAZ_AT,                /* 3: offsets -1 0 +1 */
    T_SUF_AT = T_GAZ_AT + 3, /* 2: last two code points at -1 +1 */
    T_LSTEM = T_SUF_AT + 2,  /* 3: offsets -1 0 +1 */
    T_SPRE = T_LSTEM + 3,    /* 2 */
    T_LEX = T_SPRE + 2,      /* 3: lexicon match at 0, -1, +1 */
    T_CL = T_LEX + 3,        /* 10: cluster path prefixes (cl_feats) */
    T_GZ = T_CL + 10,        /* 3: gazetteer lists at 0, -1, +1 */
    T_AL = T_GZ + 3, /* the form's ال share in unlabelled text, with the word's own ال */
};

uint64_t ner_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* key: the 48-bit key of a template and value. */
static uint64_t key(unsigned tmpl, uint64_t h)
{
    return ner_mix64(h ^ ((uint64_t)tmpl * 0x9e3779b97f4a7c15ULL)) & NER_KEY_MASK;
}

uint64_t ner_bias_key(void)
{
    return key(T_BIAS, 0);
}

/* The words before the first and after the last one (only the forms neighbours use). */
static const ner_word boundaries[2] = {
    {.h = {[NER_H_NORM] = 1,
           [NER_H_STEM] = 1,
           [NER_H_SHAPE] = 1,
           [NER_H_SUF1 + 1] = 1,
           [NER_H_LSTEM] = 1}},
    {.h = {[NER_H_NORM] = 2,
           [NER_H_STEM] = 2,
           [NER_H_SHAPE] = 2,
           [NER_H_SUF1 + 1] = 2,
           [NER_H_LSTEM] = 2}},
};

static const ner_word *at(const ner_word *ws, size_t n, size_t i, int off)
{
    if (off < 0 && i < (size_t)-off) return &boundaries[0];
    if (i + off >= n) return &boundaries[1];
    return &ws[i + off];
}

/* Cluster features: position offset and prefix length (bits) of each T_CL template. */
static const struct {
    int8_t off;
    uint8_t bits;
} cl_feats[] = {{0, 4},   {0, 6}, {0, 8},  {0, 10},  {-1, 6},
                {-1, 10}, {1, 6}, {1, 10}, {-2, 10}, {2, 10}};

/* cluster_keys: the cluster features of position i into keys; count. */
static size_t cluster_keys(const ner_word *ws, size_t n, size_t i, uint64_t *keys)
{
    size_t k = 0;
    for (size_t j = 0; j < sizeof cl_feats / sizeof cl_feats[0]; j++) {
        unsigned cl = at(ws, n, i, cl_feats[j].off)->cl;
        if (!cl) continue;
        if (cl == NER_CL_UNKNOWN) {
            if (cl_feats[j].bits == NER_CL_BITS) keys[k++] = key(T_CL + (unsigned)j, 1);
            continue;
        }
        unsigned path = (cl & NER_CL_PATH) >> (NER_CL_BITS - cl_feats[j].bits);
        keys[k++] = key(T_CL + (unsigned)j, 2 + path);
    }
    return k;
}

size_t ner_features(const ner_word *ws, size_t n, size_t i, uint64_t *keys)
{
    static const int offs[4] = {-2, -1, 1, 2}, trig_offs[4] = {-2, -1, 0, 1};
    const ner_word *w = &ws[i];
    size_t k = 0;
    keys[k++] = key(T_BIAS, 0);
    keys[k++] = key(T_RAW, w->h[NER_H_RAW]);
    keys[k++] = key(T_NORM, w->h[NER_H_NORM]);
    keys[k++] = key(T_STEM, w->h[NER_H_STEM]);
    for (int j = 0; j < 4; j++) {
        if (w->h[NER_H_PRE1 + j]) keys[k++] = key(T_PRE + j, w->h[NER_H_PRE1 + j]);
        if (w->h[NER_H_SUF1 + j]) keys[k++] = key(T_SUF + j, w->h[NER_H_SUF1 + j]);
    }
    keys[k++] = key(T_SHAPE, w->h[NER_H_SHAPE]);
    keys[k++] = key(T_LEN, w->len);
    keys[k++] = key(T_CLITICS, w->clitics);
    for (int j = 0; j < 4; j++) {
        const ner_word *o = at(ws, n, i, offs[j]);
        keys[k++] = key(T_NORM_AT + j, o->h[NER_H_NORM]);
        keys[k++] = key(T_STEM_AT + j, o->h[NER_H_STEM]);
        const ner_word *t = at(ws, n, i, trig_offs[j]);
        if (t->trigger) keys[k++] = key(T_TRIG_AT + j, t->trigger);
    }
    const ner_word *l = at(ws, n, i, -1), *r = at(ws, n, i, 1);
    keys[k++] = key(T_BIGRAM_L, l->h[NER_H_NORM] * FNV_PRIME + w->h[NER_H_NORM]);
    keys[k++] = key(T_BIGRAM_R, w->h[NER_H_NORM] * FNV_PRIME + r->h[NER_H_NORM]);
    keys[k++] = key(T_SHAPE3, (l->h[NER_H_SHAPE] * FNV_PRIME + w->h[NER_H_SHAPE]) * FNV_PRIME +
                                  r->h[NER_H_SHAPE]);
    if (l->gaz) keys[k++] = key(T_GAZ_AT, l->gaz);
    if (w->gaz) keys[k++] = key(T_GAZ_AT + 1, w->gaz);
    if (w->lex) keys[k++] = key(T_LEX, w->lex);
    if (l->lex) keys[k++] = key(T_LEX + 1, l->lex & (NER_LEX_TYPE | NER_LEX_BEGIN));
    if (r->lex) keys[k++] = key(T_LEX + 2, r->lex & (NER_LEX_TYPE | NER_LEX_BEGIN));
    if (r->gaz) keys[k++] = key(T_GAZ_AT + 2, r->gaz);
    keys[k++] = key(T_SUF_AT, l->h[NER_H_SUF1 + 1]);
    keys[k++] = key(T_SUF_AT + 1, r->h[NER_H_SUF1 + 1]);
    keys[k++] = key(T_LSTEM, l->h[NER_H_LSTEM]);
    keys[k++] = key(T_LSTEM + 1, w->h[NER_H_LSTEM]);
    keys[k++] = key(T_LSTEM + 2, r->h[NER_H_LSTEM]);
    if (w->h[NER_H_SPRE2]) keys[k++] = key(T_SPRE, w->h[NER_H_SPRE2]);
    if (w->h[NER_H_SPRE3]) keys[k++] = key(T_SPRE + 1, w->h[NER_H_SPRE3]);
    k += cluster_keys(ws, n, i, keys + k);
    if (w->al) keys[k++] = key(T_AL, (uint64_t)w->al << 8 | w->clitics);
    if (w->gzl) keys[k++] = key(T_GZ, w->gzl);
    if (l->gzl) keys[k++] = key(T_GZ + 1, l->gzl);
    if (r->gzl) keys[k++] = key(T_GZ + 2, r->gzl);
    return k;
}

/* ---- the lexicon of names seen in training ------------------------------------------------ */

int ner_lex_init(ner_lex *x, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2) cap *= 2; /* load <= 1/2 */
    x->keys = calloc(cap, sizeof *x->keys);
    x->val = calloc(cap, sizeof *x->val);
    x->mask = cap - 1;
    x->n = 0;
    x->cap = n;
    if (x->keys && x->val) return NI_OK;
    ner_lex_free(x);
    return NI_ERR_NOMEM;
}

void ner_lex_free(ner_lex *x)
{
    free(x->keys), free(x->val);
    memset(x, 0, sizeof *x);
}

/* lex_slot: the slot of key (its own or the empty one where it would go). */
static size_t lex_slot(const ner_lex *x, uint64_t key)
{
    size_t s = (size_t)(key ^ (key >> 32)) & x->mask;
    while (x->val[s] && x->keys[s] != key) s = (s + 1) & x->mask;
    return s;
}

int ner_lex_put(ner_lex *x, uint64_t key, uint8_t val)
{
    if (!val) return NI_ERR_INVALID;
    size_t s = lex_slot(x, key);
    if (!x->val[s]) {
        if (x->n >= x->cap) return NI_ERR_NOMEM;
        x->n++, x->keys[s] = key;
    }
    x->val[s] |= val;
    return NI_OK;
}

uint8_t ner_lex_get(const ner_lex *x, uint64_t key)
{
    if (!x->val) return 0;
    size_t s = lex_slot(x, key);
    return x->val[s];
}

uint64_t ner_lex_key(uint64_t prev, const ner_word *w, int first)
{
    return first ? ner_mix64(w->h[NER_H_LSTEM] ^ 0x4c4558ULL) : ner_mix64(prev ^ w->h[NER_H_NORM]);
}

size_t ner_lex_longest(const ner_lex *x, const ner_word *ws, size_t i, size_t n, uint8_t *val)
{
    size_t best = 0;
    uint64_t k = 0;
    *val = 0;
    for (size_t j = i; j < n && j - i < NER_LEX_MAX_WORDS; j++) {
        k = ner_lex_key(k, &ws[j], j == i);
        uint8_t v = ner_lex_get(x, k);
        if (v & NER_LEX_TYPE) best = j + 1 - i, *val = v;
        if (!(v & NER_LEX_PREFIX)) break;
    }
    return best;
}

void ner_lex_mark(const ner_lex *x, ner_word *ws, size_t n)
{
    for (size_t i = 0; i < n; i++) ws[i].lex = 0;
    if (!x->n) return;
    for (size_t i = 0; i < n;) {
        uint8_t bv;
        size_t best = ner_lex_longest(x, ws, i, n, &bv);
        if (!best) {
            i++;
            continue;
        }
        ws[i].lex = (uint8_t)((bv & (NER_LEX_TYPE | NER_LEX_SURE)) | NER_LEX_BEGIN);
        for (size_t j = i + 1; j < i + best; j++) ws[j].lex = bv & (NER_LEX_TYPE | NER_LEX_SURE);
        i += best;
    }
}
