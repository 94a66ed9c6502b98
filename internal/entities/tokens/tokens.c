/* tokens.c: the words of a text field (ICU word break) with Arabic proclitics split off, offsets in
 * code points into the field. */
#include "entities/ner.h"
#include "normalize/normalize.h"
#include "text/fold.h"
#include "tokens_internal.h"
#include "util/err.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

enum {
    AR_ALEF = 0x0627,
    AR_ALEF_WASLA = 0x0671,
    AR_BEH = 0x0628,
    AR_FEH = 0x0641,
    AR_KAF = 0x0643,
    AR_LAM = 0x0644,
    AR_WAW = 0x0648,
    AR_TATWEEL = 0x0640,
};

/* Words that begin with و ف ب ل ك or ال as part of the word (so the letters are not split off
 * as proclitics): frequent news vocabulary, names of places and people. Written as usual; folded
 * and sorted once. Only words the length rules would split need to be here. */
static const char *const exception_words[] = {
    /* و */
    "وزير",
    "وزيرة",
    "وزراء",
    "وزارة",
    "وزارات",
    "وكالة",
    "وكالات",
    "ولاية",
    "ولايات",
    "والي",
    "والد",
    "والدة",
    "والده",
    "والدي",
    "والدين",
    "وطني",
    "وطنية",
    "وطنيا",
    "وسائل",
    "وسيلة",
    "وسطى",
    "وحدة",
    "وحدات",
    "وحدها",
    "وحده",
    "وحيد",
    "وحيدة",
    "وفاة",
    "وفقا",
    "وقود",
    "واقع",
    "واقعة",
    "واضح",
    "واضحة",
    "واسع",
    "واسعة",
    "واحد",
    "واحدة",
    "وجود",
    "وجهة",
    "وصول",
    "ورقة",
    "وراء",
    "وادي",
    "واشنطن",
    "وليد",
    "وائل",
    "وسام",
    "وفاء",
    "وليام",
    "ويليام",
    "ولادة",
    "وثيقة",
    "وثائق",
    "وجبة",
    "وكيل",
    "وتيرة",
    "وظيفة",
    "وظائف",
    "ودائع",
    "وهران",
    "وارسو",
    "ويلز",
    "وديع",
    "وصفي",
    "وجدي",
    "وليامز",
    /* ف */
    "فرنسا",
    "فرنسي",
    "فرنسية",
    "فرنسيين",
    "فلسطين",
    "فلسطيني",
    "فلسطينية",
    "فلسطينيين",
    "فلسطينيون",
    "فريق",
    "فريقه",
    "فرقة",
    "فروع",
    "فصائل",
    "فصيل",
    "فيلق",
    "فيصل",
    "فؤاد",
    "فادي",
    "فراس",
    "فاطمة",
    "فاروق",
    "فايز",
    "فالح",
    "فتحي",
    "فريد",
    "فيروز",
    "فترة",
    "فرصة",
    "فكرة",
    "فيديو",
    "فيسبوك",
    "فبراير",
    "فنزويلا",
    "فيينا",
    "فنلندا",
    "فيتنام",
    "فوري",
    "فورا",
    "فعلا",
    "فعالية",
    "فعاليات",
    "فقرة",
    "فقراء",
    "فقير",
    "فندق",
    "فنادق",
    "فنان",
    "فنانة",
    "فنون",
    "فيروس",
    "فيضانات",
    "فلاديمير",
    "فولوديمير",
    "فرانس",
    "فرانسوا",
    "فئات",
    "فضائية",
    "فضاء",
    "فوزه",
    "فوضى",
    "فلول",
    "فاعل",
    "فاعلية",
    "فائدة",
    "فوائد",
    "فارس",
    "فارسي",
    "فاغنر",
    "فيلم",
    "فيما",
    "فيها",
    "فيهم",
    "فيهما",
    "فيكم",
    "فقط",
    "فلوريدا",
    "فرجينيا",
    /* ب */
    "بغداد",
    "بيروت",
    "بريطانيا",
    "بريطاني",
    "بريطانية",
    "برلين",
    "باريس",
    "بكين",
    "بلجيكا",
    "بولندا",
    "بروكسل",
    "بنغلاديش",
    "بلغاريا",
    "بنما",
    "بيلاروس",
    "بوتان",
    "بعقوبة",
    "بعشيقة",
    "بانياس",
    "بنغازي",
    "بريدة",
    "بلودان",
    "بيجي",
    "بيان",
    "بيانات",
    "بينما",
    "بلدة",
    "بلدات",
    "بلدية",
    "بلديات",
    "بلاد",
    "بلاده",
    "بلغت",
    "بداية",
    "بدأت",
    "بعدما",
    "بعضها",
    "بعضهم",
    "بعيد",
    "بعيدا",
    "بعيدة",
    "بقية",
    "بقاء",
    "بناء",
    "بنية",
    "برنامج",
    "برامج",
    "برلمان",
    "برلماني",
    "برلمانية",
    "بطولة",
    "بطاقة",
    "بطاقات",
    "بحيرة",
    "بحث",
    "بحثا",
    "بحوث",
    "بريد",
    "بضائع",
    "بنك",
    "بنوك",
    "بورصة",
    "بيئة",
    "بيئي",
    "بيئية",
    "بيوت",
    "بوابة",
    "بالغ",
    "بالغة",
    "بترول",
    "بحرية",
    "برميل",
    "بشار",
    "بوتين",
    "بايدن",
    "باسل",
    "بلال",
    "بهاء",
    "بسام",
    "بشرى",
    "بثينة",
    "بنيامين",
    "بيني",
    "بلير",
    "بولتون",
    "بيتر",
    "باراك",
    "بلينكن",
    "بومبيو",
    "برهم",
    "بشير",
    "بطرس",
    "بيار",
    "بهجت",
    "بيرم",
    "بوريس",
    "بوغدانوف",
    "بيدرسن",
    /* ل */
    "لبنان",
    "لبناني",
    "لبنانية",
    "لبنانيين",
    "ليبيا",
    "ليبي",
    "ليبية",
    "لندن",
    "لجنة",
    "لجان",
    "لقاء",
    "لقاءات",
    "لواء",
    "لحظة",
    "لاعب",
    "لاعبين",
    "لاعبو",
    "لعبة",
    "ليلة",
    "ليلا",
    "لائحة",
    "لافروف",
    "ليبرمان",
    "لوكسمبورغ",
    "لاتفيا",
    "ليتوانيا",
    "ليبيريا",
    "لؤي",
    "ليلى",
    "لقطة",
    "لكنه",
    "لكنها",
    "لكنهم",
    "لماذا",
    "لديه",
    "لديها",
    "لديهم",
    "لدينا",
    "ليست",
    "ليسوا",
    "لاجئ",
    "لاجئين",
    "لاجئون",
    "لاحق",
    "لاحقا",
    "لاحقة",
    "لقاح",
    "لقاحات",
    "لهجة",
    "لوحة",
    "لوحات",
    "ليرة",
    "لطفي",
    "لابيد",
    "لويد",
    "لاريجاني",
    "لوسيل",
    "لحود",
    /* ك */
    "كانوا",
    "كركوك",
    "كردستان",
    "كردستاني",
    "كتيبة",
    "كتائب",
    "كلية",
    "كلمة",
    "كبيرة",
    "كثيرا",
    "كثيرة",
    "كوريا",
    "كولومبيا",
    "كرواتيا",
    "كازاخستان",
    "كمبوديا",
    "كينيا",
    "كوباني",
    "كوفي",
    "كوندوليزا",
    "كارلوس",
    "كمبيوتر",
    "كهرباء",
    "كهربائية",
    "كورونا",
    "كيلومتر",
    "كيلومترات",
    "كيلوغرام",
    "كانون",
    "كميات",
    "كاملة",
    "كاملا",
    "كافية",
    "كبيرا",
    "كويسنجق",
    "كيربي",
    "كيري",
    "كلينتون",
    "كوشنر",
    "كليتشدار",
    /* ال */
    "الله",
    "اللهم",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللاتي",
    "اللواتي",
    "اللذان",
    "اللتان",
    "الاف",
    "الية",
    "اليات",
    "المانيا",
    "الماني",
    "المانية",
    "اليه",
    "اليها",
    "اليهم",
    "الينا",
    "الخ",
};

#define NEXC (sizeof exception_words / sizeof exception_words[0])
static char *exc_sorted[NEXC];
static size_t exc_n;
static pthread_once_t exc_once = PTHREAD_ONCE_INIT;

/* is_arabic: c is an Arabic-script letter. */
static int is_arabic(UChar32 c)
{
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF);
}

void ner_letters_scan(const char *w, size_t len, ner_letters *L)
{
    int32_t i = 0, n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    uint32_t cp = 0;
    L->m = L->more = L->arabic = 0;
    while (i < n) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(w, i, n, c);
        cp++;
        if (c >= 0) {
            int8_t t = u_charType(c);
            if (t == U_NON_SPACING_MARK || t == U_FORMAT_CHAR || c == AR_TATWEEL) continue;
        }
        if (L->m == NER_MAXL) {
            L->more = 1;
            return;
        }
        if (L->m == 0) L->arabic = c >= 0 && is_arabic(c);
        L->c[L->m] = c;
        L->f[L->m] = text_fold_letter(c);
        L->at[L->m] = (uint32_t)at;
        L->cp[L->m] = cp - 1;
        L->m++;
    }
}

/* encode_folded: the folded letters f[from..m) as NUL-terminated UTF-8 into buf (cap bytes, at
 * least 4 * NER_MAXL + 1); 0 when a letter is ill-formed. */
static int encode_folded(const UChar32 *f, int from, int m, char *buf, size_t cap)
{
    size_t k = 0;
    for (int i = from; i < m; i++) {
        if (f[i] < 0 || k + 4 >= cap) return 0;
        U8_APPEND_UNSAFE(buf, k, f[i]);
    }
    buf[k] = '\0';
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* exc_init: the exception words folded and sorted (once per process). */
static void exc_init(void)
{
    for (size_t i = 0; i < NEXC; i++) {
        ner_letters L;
        char buf[4 * NER_MAXL + 1];
        const char *w = exception_words[i];
        ner_letters_scan(w, strlen(w), &L);
        if (L.more || !encode_folded(L.f, 0, L.m, buf, sizeof buf)) continue;
        char *s = malloc(strlen(buf) + 1);
        if (!s) continue; /* a missing exception only means one more split */
        memcpy(s, buf, strlen(buf) + 1);
        exc_sorted[exc_n++] = s;
    }
    qsort(exc_sorted, exc_n, sizeof exc_sorted[0], cmp_str);
}

/* is_exception: the letters of L from p on form a word of the exception table. */
static int is_exception(const ner_letters *L, int p)
{
    char buf[4 * NER_MAXL + 1];
    const char *key = buf;
    if (L->more || !encode_folded(L->f, p, L->m, buf, sizeof buf)) return 0;
    pthread_once(&exc_once, exc_init);
    return bsearch(&key, exc_sorted, exc_n, sizeof exc_sorted[0], cmp_str) != NULL;
}

/* rem: letters of L from p on (at least NER_MAXL when the word is longer). */
static int rem(const ner_letters *L, int p)
{
    return L->m - p + (L->more ? NER_MAXL : 0);
}

/* is_al: the article ال (bare or wasla alef) at letter p. */
static int is_al(const ner_letters *L, int p)
{
    return p + 1 < L->m && (L->c[p] == AR_ALEF || L->c[p] == AR_ALEF_WASLA) &&
           L->c[p + 1] == AR_LAM;
}

/* prep_bit: the NER_CLITIC_* bit of a preposition letter, 0 for other letters. */
static unsigned prep_bit(UChar32 c)
{
    return c == AR_BEH   ? NER_CLITIC_BI
           : c == AR_LAM ? NER_CLITIC_LI
           : c == AR_KAF ? NER_CLITIC_KA
                         : 0;
}

/* split_prep: the preposition at letter p (with the لل = ل + ال form), adding bits to *pre;
 * returns the letters it takes. */
static int split_prep(const ner_letters *L, int p, unsigned *pre)
{
    unsigned bit = p < L->m ? prep_bit(L->c[p]) : 0;
    if (!bit || is_exception(L, p)) return 0;
    if (bit == NER_CLITIC_LI && p + 1 < L->m && L->c[p + 1] == AR_LAM && rem(L, p + 2) >= 2) {
        *pre |= NER_CLITIC_LI | NER_CLITIC_AL;
        return 2;
    }
    if ((is_al(L, p + 1) && rem(L, p + 3) >= 2) ||
        rem(L, p + 1) >= (bit == NER_CLITIC_KA ? 4 : 3)) {
        *pre |= bit;
        return 1;
    }
    return 0;
}

int ner_clitic_split(const ner_letters *L, unsigned *prefixes)
{
    unsigned pre = 0;
    int p = 0;
    *prefixes = 0;
    if (!L->arabic || L->m < 3) return 0;
    UChar32 c0 = L->c[0];
    if ((c0 == AR_WAW || c0 == AR_FEH) && rem(L, 1) >= 3 && !is_exception(L, 0)) {
        pre |= c0 == AR_WAW ? NER_CLITIC_WA : NER_CLITIC_FA;
        p = 1;
    }
    int took = split_prep(L, p, &pre);
    p += took;
    if (!(pre & NER_CLITIC_AL) && is_al(L, p) && rem(L, p + 2) >= 2 && !is_exception(L, p)) {
        pre |= NER_CLITIC_AL;
        p += 2;
    }
    *prefixes = pre;
    return p;
}

/* add_reading: appends (key_at, span_at, alef) unless present or the key is under 2 letters. */
static void add_reading(const ner_letters *L, ner_clitic_reading *r, int *n, int cap, int key_at,
                        int span_at, int alef)
{
    if (rem(L, key_at) + alef < 2 || rem(L, span_at) < 1 || *n >= cap) return;
    for (int i = 0; i < *n; i++)
        if (r[i].key_at == key_at && r[i].alef == alef) return;
    r[(*n)++] = (ner_clitic_reading){key_at, span_at, alef};
}

int ner_clitic_readings(const ner_letters *L, ner_clitic_reading *r, int cap)
{
    int n = 0;
    add_reading(L, r, &n, cap, 0, 0, 0);
    if (!L->arabic || L->m < 3) return n;
    int pos[2] = {0, 0}, npos = 1;
    if (L->c[0] == AR_WAW || L->c[0] == AR_FEH) pos[npos++] = 1;
    for (int i = 0; i < npos; i++) {
        int p = pos[i];
        if (p != 0) add_reading(L, r, &n, cap, p, p, 0);
        if (is_al(L, p)) add_reading(L, r, &n, cap, p + 2, p + 2, 0);
        if (p >= L->m || !prep_bit(L->c[p])) continue;
        add_reading(L, r, &n, cap, p + 1, p + 1, 0);
        if (is_al(L, p + 1)) add_reading(L, r, &n, cap, p + 3, p + 3, 0);
        if (L->c[p] == AR_LAM && p + 1 < L->m && L->c[p + 1] == AR_LAM) {
            add_reading(L, r, &n, cap, p + 1, p + 2, 1); /* لل: ل + ال */
            add_reading(L, r, &n, cap, p + 2, p + 2, 0);
        }
    }
    for (int i = 1; i < n; i++) /* fewer letters stripped first (stable) */
        for (int j = i; j > 0 && r[j - 1].key_at > r[j].key_at; j--) {
            ner_clitic_reading x = r[j];
            r[j] = r[j - 1];
            r[j - 1] = x;
        }
    return n;
}

/* ---- the word breaker --------------------------------------------------------------------- */

/* The field as UTF-16 for the break iterator, without format characters (zero-width and bidi
 * controls neither split nor end a word), and per UTF-16 unit the byte offset, byte length and
 * code point index of its character in the field. */
typedef struct utext16 {
    UChar *u;
    uint32_t *b0, *cp;
    uint8_t *bl;
    int32_t n;
} utext16;

static void utext16_free(utext16 *t)
{
    free(t->u);
    free(t->b0);
    free(t->cp);
    free(t->bl);
}

/* utext16_fill: t from text[0..len); NI_ERR_NOMEM when out of memory or too long. */
static int utext16_fill(utext16 *t, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    if (len > INT32_MAX / 2) return NI_ERR_NOMEM;
    size_t cap = len + 1;
    t->u = malloc(cap * sizeof *t->u);
    t->b0 = malloc(cap * sizeof *t->b0);
    t->cp = malloc(cap * sizeof *t->cp);
    t->bl = malloc(cap);
    if (!t->u || !t->b0 || !t->cp || !t->bl) return NI_ERR_NOMEM;
    int32_t i = 0, n = (int32_t)len;
    uint32_t cp = 0;
    while (i < n) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(text, i, n, c);
        if (c < 0) c = 0xFFFD;
        cp++;
        if (u_charType(c) == U_FORMAT_CHAR) continue;
        int32_t k0 = t->n;
        U16_APPEND_UNSAFE(t->u, t->n, c);
        for (int32_t k = k0; k < t->n; k++) {
            t->b0[k] = (uint32_t)at;
            t->bl[k] = (uint8_t)(i - at);
            t->cp[k] = cp - 1;
        }
    }
    return NI_OK;
}

/* ends_sentence: the non-word span u[0..n) holds a sentence end (. ! ? ؟ ۔ … or a newline). */
static int ends_sentence(const UChar *u, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        UChar c = u[i];
        if (c == '.' || c == '!' || c == '?' || c == '\n' || c == 0x061F || c == 0x06D4 ||
            c == 0x2026 || c == 0x2029)
            return 1;
    }
    return 0;
}

/* tokens_push: room for one more token in out. */
static ner_token *tokens_push(ner_tokens *out)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        ner_token *v = realloc(out->v, cap * sizeof *v);
        if (!v) return NULL;
        out->v = v;
        out->cap = cap;
    }
    return &out->v[out->n];
}

/* add_word: the word u[s..e) as a token with its proclitics split off. */
static int add_word(const char *text, const utext16 *t, int32_t s, int32_t e, int sent,
                    ner_tokens *out, char *errstr, size_t errlen)
{
    size_t b0 = t->b0[s], b1 = t->b0[e - 1] + t->bl[e - 1];
    ner_token *tk = tokens_push(out);
    if (!tk) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    ner_letters L;
    unsigned pre = 0;
    ner_letters_scan(text + b0, b1 - b0, &L);
    int k = ner_clitic_split(&L, &pre);
    size_t off = k ? L.at[k] : 0, cpoff = k ? L.cp[k] : 0;
    *tk = (ner_token){.text = text + b0 + off,
                      .len = b1 - b0 - off,
                      .start = t->cp[s] + cpoff,
                      .end = (size_t)t->cp[e - 1] + 1,
                      .surface = text + b0,
                      .surface_len = b1 - b0,
                      .prefixes = pre,
                      .sentence_start = sent};
    int rc = normalize_search_text(tk->text, tk->len, &tk->norm, errstr, errlen);
    if (rc) return rc;
    out->n++;
    return NI_OK;
}

/* The word break iterator every call clones (its rules are loaded once). */
static UBreakIterator *word_bi;
static UErrorCode word_bi_status = U_ZERO_ERROR;
static pthread_once_t word_bi_once = PTHREAD_ONCE_INIT;

static void word_bi_init(void)
{
    word_bi = ubrk_open(UBRK_WORD, "", NULL, 0, &word_bi_status);
}

/* break_words: runs bi over t and adds every letter/number/ideographic word to out. */
static int break_words(UBreakIterator *bi, const char *text, const utext16 *t, ner_tokens *out,
                       char *errstr, size_t errlen)
{
    int sent = 1;
    int32_t s = ubrk_first(bi), e;
    while ((e = ubrk_next(bi)) != UBRK_DONE) {
        int32_t st = ubrk_getRuleStatus(bi);
        if (st >= UBRK_WORD_NONE && st < UBRK_WORD_NONE_LIMIT) {
            sent |= ends_sentence(t->u + s, e - s);
        } else {
            int rc = add_word(text, t, s, e, sent, out, errstr, errlen);
            if (rc) return rc;
            sent = 0;
        }
        s = e;
    }
    return NI_OK;
}

int ner_tokenize(const char *text, size_t len, ner_tokens *out, char *errstr, size_t errlen)
{
    size_t n0 = out->n;
    utext16 t;
    if (len == 0) return NI_OK;
    int rc = utext16_fill(&t, text, len);
    if (rc) {
        utext16_free(&t);
        return ni_err_set(errstr, errlen, rc, "tokenizer: out of memory for %zu bytes", len);
    }
    pthread_once(&word_bi_once, word_bi_init);
    UErrorCode st = word_bi_status;
    UBreakIterator *bi = U_SUCCESS(st) ? ubrk_clone(word_bi, &st) : NULL;
    if (bi) ubrk_setText(bi, t.u, t.n, &st);
    if (U_FAILURE(st)) {
        rc = ni_err_set(errstr, errlen, NI_ERR_CHARSET, "tokenizer: ICU word break: %s",
                        u_errorName(st));
    } else {
        rc = break_words(bi, text, &t, out, errstr, errlen);
    }
    ubrk_close(bi);
    utext16_free(&t);
    while (rc && out->n > n0) free(out->v[--out->n].norm);
    return rc;
}

void ner_tokens_free(ner_tokens *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) free(t->v[i].norm);
    free(t->v);
    memset(t, 0, sizeof *t);
}
