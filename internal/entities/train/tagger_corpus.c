/* tagger_corpus.c: training-corpus tools: WikiFANE's class map, clitic joining and spelling
 * alignment to ANERcorp's conventions, and the 8-gram overlap check against ANERcorp test. */
#include "entities/tagger_corpus.h"

#include "entities/ner.h"
#include "text/fold.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

/* ---- UTF-8 and folding ---------------------------------------------------------------------- */

/* next_cp: the code point at s[*i] (U+FFFD for an ill-formed sequence), *i moved past it. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    int32_t k = 0, n = len - *i > INT32_MAX ? INT32_MAX : (int32_t)(len - *i);
    UChar32 c;
    U8_NEXT_OR_FFFD((const uint8_t *)s + *i, k, n, c);
    *i += (size_t)k;
    return (uint32_t)c;
}

static int is_mark(uint32_t c) /* harakat, dagger alef, tatweel, format characters */
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 ||
           (c >= 0x200B && c <= 0x200F) || c == 0xFEFF;
}

static int is_arabic_letter(uint32_t c)
{
    return c >= 0x0621 && c <= 0x064A;
}

/* FOLD_CLEAN: marks dropped; FOLD_ALEF: and alef forms as ا (WikiFANE's spelling); FOLD_ALL: and
 * ى as ي, ة as ه, ASCII lower case (the overlap check's comparison). */
enum { FOLD_CLEAN, FOLD_ALEF, FOLD_ALL };

/* fold: w folded into o (room for 3 * len bytes, since an ill-formed byte becomes U+FFFD); its
 * length. */
static size_t fold(const char *w, size_t len, int how, char *o)
{
    int32_t n = 0;
    for (size_t i = 0; i < len;) {
        UChar32 c = (UChar32)next_cp(w, len, &i), f = text_fold_letter(c);
        if (is_mark((uint32_t)c)) continue;
        if (how == FOLD_ALL)
            c = f >= 'A' && f <= 'Z' ? f + 32 : f;
        else if (how == FOLD_ALEF && f == 0x0627)
            c = f;
        U8_APPEND_UNSAFE((uint8_t *)o, n, c);
    }
    return (size_t)n;
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

/* ---- a string table ------------------------------------------------------------------------- */

typedef struct sent_ {
    size_t off;
    uint32_t len, count;
    int64_t best; /* keys table: the forms table's entry of the usual form */
} sent_;

typedef struct strtab {
    uint32_t *slot; /* entry + 1, 0 empty */
    size_t mask;
    sent_ *e;
    size_t n, cap;
    sbuf arena;
} strtab;

static void strtab_free(strtab *t)
{
    free(t->slot), free(t->e), sbuf_free(&t->arena);
}

static int strtab_grow(strtab *t)
{
    size_t cap = t->mask ? 2 * (t->mask + 1) : 1024;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s) return NI_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = fnv(t->arena.data + t->e[i].off, t->e[i].len) & (cap - 1);
        while (s[k]) k = (k + 1) & (cap - 1);
        s[k] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = s, t->mask = cap - 1;
    return NI_OK;
}

/* strtab_find: the entry of w; with add, a new one (count 0) when absent. -1 when absent (or out
 * of memory with add). */
static int64_t strtab_find(strtab *t, const char *w, size_t len, int add)
{
    if (add && 2 * (t->n + 1) > t->mask + 1 && strtab_grow(t)) return -1;
    if (!t->mask) return -1;
    size_t k = fnv(w, len) & t->mask;
    for (; t->slot[k]; k = (k + 1) & t->mask) {
        const sent_ *e = &t->e[t->slot[k] - 1];
        if (e->len == len && !memcmp(t->arena.data + e->off, w, len)) return t->slot[k] - 1;
    }
    if (!add) return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        sent_ *e = realloc(t->e, cap * sizeof *e);
        if (!e) return -1;
        t->e = e, t->cap = cap;
    }
    size_t off = t->arena.len;
    if (sbuf_append(&t->arena, w, len)) return -1;
    t->e[t->n] = (sent_){off, (uint32_t)len, 0, -1};
    t->slot[k] = (uint32_t)++t->n;
    return (int64_t)t->n - 1;
}

/* ---- the class map -------------------------------------------------------------------------- */

struct ner_classmap {
    strtab t; /* count = the type 0..4 */
};

ner_classmap *ner_classmap_parse(const char *text, size_t len, const char *name, char *errstr,
                                 size_t errlen)
{
    static const char *types[] = {"O", "PER", "ORG", "LOC", "MISC"};
    ner_classmap *m = calloc(1, sizeof *m);
    if (!m) return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory"), NULL;
    size_t line = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        line++;
        const char *tab = memchr(p, '\t', (size_t)(e - p));
        const char *tab2 = tab ? memchr(tab + 1, '\t', (size_t)(e - tab - 1)) : NULL;
        if (e > p && *p != '#' && !(e == p + 1 && *p == '\r')) {
            int ty = -1;
            for (int k = 0; tab && tab2 && k < 5; k++)
                if ((size_t)(tab2 - tab - 1) == strlen(types[k]) &&
                    !memcmp(tab + 1, types[k], strlen(types[k])))
                    ty = k;
            if (ty < 0 || tab == p) {
                ni_err_set(errstr, errlen, NI_ERR_PARSE,
                           "%s:%zu: expected \"CLASS<TAB>O|PER|ORG|LOC|MISC<TAB>why\"", name, line);
                return ner_classmap_destroy(m), NULL;
            }
            int64_t id = strtab_find(&m->t, p, (size_t)(tab - p), 1);
            if (id < 0) {
                ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
                return ner_classmap_destroy(m), NULL;
            }
            m->t.e[id].count = (uint32_t)ty;
        }
        p = e + 1;
    }
    return m;
}

int ner_classmap_type(const ner_classmap *m, const char *cls, size_t len)
{
    int64_t id = strtab_find((strtab *)&m->t, cls, len, 0);
    return id < 0 ? -1 : (int)m->t.e[id].count;
}

void ner_classmap_destroy(ner_classmap *m)
{
    if (!m) return;
    strtab_free(&m->t);
    free(m);
}

/* ---- spelling ------------------------------------------------------------------------------- */

struct ner_spelling {
    strtab forms; /* clean forms with their counts */
    strtab keys;  /* alef-folded forms, best = the most frequent clean form (first on a tie) */
};

ner_spelling *ner_spelling_create(void)
{
    return calloc(1, sizeof(ner_spelling));
}

int ner_spelling_add(ner_spelling *sp, const char *w, size_t len)
{
    char buf[3 * 256], key[3 * 256];
    if (len > 256) return NI_OK;
    size_t n = fold(w, len, FOLD_CLEAN, buf), kn = fold(w, len, FOLD_ALEF, key);
    if (!n) return NI_OK;
    int64_t f = strtab_find(&sp->forms, buf, n, 1),
            k = f < 0 ? -1 : strtab_find(&sp->keys, key, kn, 1);
    if (k < 0) return NI_ERR_NOMEM;
    sent_ *ke = &sp->keys.e[k];
    sp->forms.e[f].count++;
    if (ke->best < 0 || sp->forms.e[f].count > sp->forms.e[ke->best].count) ke->best = f;
    return NI_OK;
}

/* spelling_get: the usual form of w's folded form (NULL when unseen), its length in *n. */
static const char *spelling_get(const ner_spelling *sp, const char *w, size_t len, size_t *n)
{
    char key[3 * 256];
    if (!sp || len > 256) return NULL;
    int64_t k = strtab_find((strtab *)&sp->keys, key, fold(w, len, FOLD_ALEF, key), 0);
    if (k < 0) return NULL;
    const sent_ *f = &sp->forms.e[sp->keys.e[k].best];
    *n = f->len;
    return sp->forms.arena.data + f->off;
}

void ner_spelling_destroy(ner_spelling *sp)
{
    if (!sp) return;
    strtab_free(&sp->forms), strtab_free(&sp->keys);
    free(sp);
}

/* ---- WikiFANE ------------------------------------------------------------------------------- */

/* A token of the sentence being converted: its cleaned text in the scratch buffer, its tag. */
typedef struct ftok {
    size_t off, len;
    int tag; /* ner_tag */
} ftok;

typedef struct fane {
    const ner_classmap *m;
    const ner_spelling *sp;
    sbuf scratch; /* cleaned token text, then joined words */
    ftok *in, *out;
    size_t nin, nout, cap;
    ner_fane_stats st;
} fane;

static int is_one_of(const char *w, size_t len, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == len && !memcmp(*list, w, len)) return 1;
    return 0;
}

static const char *const PROCLITICS[] = {"و", "ف", "ب", "ل", "ك", NULL};
/* كم is left alone: WikiFANE writes the kilometre (600000 كم) the same way. */
static const char *const ENCLITICS[] = {"ه",  "ها", "هم", "هما", "هن", "كما",
                                        "كن", "ي",  "نا", "ني",  NULL};

static uint32_t first_cp(const char *w, size_t len)
{
    size_t i = 0;
    return len ? next_cp(w, len, &i) : 0;
}

static uint32_t last_cp(const char *w, size_t len)
{
    if (!len) return 0;
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)w[i] & 0xC0) == 0x80) i--;
    return first_cp(w + i, len - i);
}

/* push_word: appends the word made of the parts text (already joined) with tag to out. */
static int push_word(fane *f, const char *w, size_t len, int tag)
{
    size_t n;
    const char *r = spelling_get(f->sp, w, len, &n);
    if (r && (n != len || memcmp(r, w, len))) w = r, len = n, f->st.respelled++;
    size_t off = f->scratch.len;
    if (sbuf_append(&f->scratch, w, len)) return NI_ERR_NOMEM;
    f->out[f->nout++] = (ftok){off, len, tag};
    return NI_OK;
}

/* join: the sentence's tokens (f->in) into words (f->out), clitics joined. */
static int join(fane *f)
{
    char buf[1024];
    size_t pre = 0; /* bytes of pending proclitics in buf */
    int pretag = NER_O, rc = NI_OK;
    f->nout = 0;
    for (size_t i = 0; !rc && i < f->nin; i++) {
        const ftok *t = &f->in[i];
        const char *w = f->scratch.data + t->off;
        int next_word =
            i + 1 < f->nin &&
            is_arabic_letter(first_cp(f->scratch.data + f->in[i + 1].off, f->in[i + 1].len));
        if (is_one_of(w, t->len, PROCLITICS) && next_word && pre + t->len < 64) {
            memcpy(buf + pre, w, t->len), pre += t->len;
            if (pretag == NER_O) pretag = t->tag;
            f->st.proclitics++;
            continue;
        }
        ftok *last = f->nout ? &f->out[f->nout - 1] : NULL;
        if (!pre && last && is_one_of(w, t->len, ENCLITICS) &&
            is_arabic_letter(last_cp(f->scratch.data + last->off, last->len)) &&
            last->len + t->len < sizeof buf - 8) {
            size_t n = last->len;
            memcpy(buf, f->scratch.data + last->off, n);
            if (last_cp(buf, n) == 0x0629) buf[n - 1] = (char)0xAA; /* ة -> ت (U+062A) */
            memcpy(buf + n, w, t->len);
            int tag = last->tag;
            f->nout--;
            f->st.enclitics++;
            rc = push_word(f, buf, n + t->len, tag);
            continue;
        }
        if (t->len + pre >= sizeof buf) pre = 0; /* an absurdly long token: clitics dropped */
        size_t skip = 0;
        if (pre >= 2 && !memcmp(buf + pre - 2, "ل", 2) && t->len >= 4 && !memcmp(w, "ال", 4))
            skip = 2; /* ل + ال: the article's alef is not written (للحرب) */
        memcpy(buf + pre, w + skip, t->len - skip);
        rc = push_word(f, buf, pre + t->len - skip, pretag != NER_O ? pretag : t->tag);
        pre = 0, pretag = NER_O;
    }
    return rc;
}

/* add_in: token w without marks, as a new entry of f->in with tag. */
static int add_in(fane *f, const char *w, size_t len, int tag)
{
    if (f->nin == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 256;
        ftok *a = realloc(f->in, cap * sizeof *a), *b = a ? realloc(f->out, cap * sizeof *b) : NULL;
        if (a) f->in = a;
        if (!b) return NI_ERR_NOMEM;
        f->out = b, f->cap = cap;
    }
    if (sbuf_reserve(&f->scratch, 3 * len + 1)) return NI_ERR_NOMEM;
    size_t off = f->scratch.len, n = fold(w, len, FOLD_CLEAN, f->scratch.data + off);
    for (size_t i = 0; i < len;)
        if (is_mark(next_cp(w, len, &i))) f->st.marks++;
    f->scratch.len += n;
    if (n) f->in[f->nin++] = (ftok){off, n, tag};
    return NI_OK;
}

/* flush: writes the sentence (valid BIO) to out. */
static int flush(fane *f, sbuf *out)
{
    int rc = f->nin ? join(f) : NI_OK;
    int prev = NER_O;
    for (size_t i = 0; !rc && i < f->nout; i++) {
        int tag = f->out[i].tag;
        if (tag != NER_O && !(tag & 1) && prev != tag && prev != tag - 1) tag--; /* I -> B */
        if (tag != NER_O && (tag & 1)) f->st.entities[(tag + 1) / 2]++;
        prev = tag;
        rc = sbuf_append(out, f->scratch.data + f->out[i].off, f->out[i].len) ||
             sbuf_printf(out, "\t%s\n", ner_tag_name((ner_tag)tag));
    }
    if (!rc && f->nout) rc = sbuf_append_char(out, '\n'), f->st.sentences++;
    f->st.tokens += f->nout;
    f->nin = f->nout = 0;
    sbuf_reset(&f->scratch);
    return rc ? NI_ERR_NOMEM : NI_OK;
}

/* tag_of: the ner_tag of a WikiFANE tag ("O", "B-Class", "I-Class"); -1 when malformed, -2 when
 * the class is not in the map. */
static int tag_of(const ner_classmap *m, const char *t, size_t len)
{
    if (len == 1 && *t == 'O') return NER_O;
    if (len < 3 || (t[0] != 'B' && t[0] != 'I') || t[1] != '-') return -1;
    int ty = ner_classmap_type(m, t + 2, len - 2);
    if (ty < 0) return -2;
    if (ty == 0) return NER_O;
    return 2 * ty - 1 + (t[0] == 'I');
}

int ner_fane_convert(const char *text, size_t len, const ner_classmap *m, const ner_spelling *sp,
                     sbuf *out, ner_fane_stats *st, char *errstr, size_t errlen)
{
    fane f = {.m = m, .sp = sp};
    int rc = NI_OK;
    for (const char *p = text, *end = text + len; !rc && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        f.st.lines++;
        size_t l = (size_t)(e - p);
        if (l && p[l - 1] == '\r') l--;
        const char *tab = memchr(p, '\t', l);
        char tmp[3 * 64];
        size_t wl = tab ? (size_t)(tab - p) : l;
        size_t clean = wl < 64 ? fold(p, wl, FOLD_CLEAN, tmp) : wl;
        if (!clean) { /* a blank token: the sentence ends */
            rc = flush(&f, out);
        } else {
            const char *t = tab ? tab + 1 : p + l;
            int tag = tag_of(m, t, (size_t)(p + l - t));
            if (tag < 0) {
                rc = ni_err_set(errstr, errlen, NI_ERR_PARSE,
                                tag == -2 ? "line %zu: class not in the class map: %.*s"
                                          : "line %zu: expected \"TOKEN<TAB>TAG\"%.*s",
                                f.st.lines, tag == -2 ? (int)(p + l - t) : 0, t);
                break;
            }
            rc = add_in(&f, p, wl, tag);
        }
        p = e + 1;
    }
    if (!rc) rc = flush(&f, out);
    if (rc == NI_ERR_NOMEM) ni_err_set(errstr, errlen, rc, "out of memory");
    if (st) *st = f.st;
    free(f.in), free(f.out), sbuf_free(&f.scratch);
    return rc;
}

/* ---- 8-gram overlap ------------------------------------------------------------------------- */

struct ner_overlap {
    uint64_t *key; /* 0 empty */
    uint8_t *found;
    size_t mask, n;
};

ner_overlap *ner_overlap_create(void)
{
    return calloc(1, sizeof(ner_overlap));
}

static int is_punct(uint32_t c)
{
    return (c < 0x80 && !((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9')) ||
           c == 0x060C || c == 0x061B || c == 0x061F || c == 0x06D4 || c == 0x00AB || c == 0x00BB ||
           (c >= 0x2010 && c <= 0x2027) || is_mark(c);
}

/* words: the folded hashes of the words of text into h (at most max); their count. */
static size_t words(const char *text, size_t len, uint64_t *h, size_t max)
{
    size_t n = 0;
    char buf[3 * 128];
    for (size_t i = 0; i < len && n < max;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
            i++;
        size_t a = i;
        while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
            i++;
        size_t b = i, lo = b, hi = a; /* [lo, hi): from the first to past the last non-punct */
        for (size_t j = a; j < b;) {
            size_t s = j;
            if (!is_punct(next_cp(text, b, &j))) lo = lo < s ? lo : s, hi = j;
        }
        if (lo >= hi || hi - lo > 128) continue;
        h[n++] = fnv(buf, fold(text + lo, hi - lo, FOLD_ALL, buf)) | 1;
    }
    return n;
}

/* gram: the key of the 8 words from w. */
static uint64_t gram(const uint64_t *w)
{
    uint64_t k = 0x9e3779b97f4a7c15ULL;
    for (int j = 0; j < NER_OVERLAP_N; j++) {
        k = (k ^ w[j]) * 0xbf58476d1ce4e5b9ULL;
        k ^= k >> 31;
    }
    return k | 1;
}

static int64_t ov_find(const ner_overlap *o, uint64_t k)
{
    if (!o->mask) return -1;
    for (size_t s = k & o->mask; o->key[s]; s = (s + 1) & o->mask)
        if (o->key[s] == k) return (int64_t)s;
    return -1;
}

static int ov_insert(ner_overlap *o, uint64_t k)
{
    if (2 * (o->n + 1) > o->mask + 1) {
        size_t cap = o->mask ? 2 * (o->mask + 1) : 1 << 16;
        uint64_t *key = calloc(cap, sizeof *key);
        uint8_t *found = calloc(cap, 1);
        if (!key || !found) return free(key), free(found), NI_ERR_NOMEM;
        for (size_t i = 0; o->mask && i <= o->mask; i++) {
            if (!o->key[i]) continue;
            size_t s = o->key[i] & (cap - 1);
            while (key[s]) s = (s + 1) & (cap - 1);
            key[s] = o->key[i], found[s] = o->found[i];
        }
        free(o->key), free(o->found);
        o->key = key, o->found = found, o->mask = cap - 1;
    }
    if (ov_find(o, k) >= 0) return NI_OK;
    size_t s = k & o->mask;
    while (o->key[s]) s = (s + 1) & o->mask;
    o->key[s] = k, o->n++;
    return NI_OK;
}

#define MAX_LINE_WORDS 4096

int ner_overlap_add_ref(ner_overlap *o, const char *text, size_t len)
{
    uint64_t w[MAX_LINE_WORDS];
    size_t n = words(text, len, w, MAX_LINE_WORDS);
    for (size_t i = 0; i + NER_OVERLAP_N <= n; i++)
        if (ov_insert(o, gram(w + i))) return NI_ERR_NOMEM;
    return NI_OK;
}

void ner_overlap_scan(ner_overlap *o, const char *text, size_t len, size_t *grams, size_t *hits)
{
    uint64_t w[MAX_LINE_WORDS];
    size_t n = words(text, len, w, MAX_LINE_WORDS);
    for (size_t i = 0; i + NER_OVERLAP_N <= n; i++) {
        int64_t s = ov_find(o, gram(w + i));
        ++*grams;
        if (s >= 0) ++*hits, o->found[s] = 1;
    }
}

size_t ner_overlap_found(const ner_overlap *o, size_t *total)
{
    size_t f = 0;
    for (size_t i = 0; o->mask && i <= o->mask; i++) f += o->found[i];
    if (total) *total = o->n;
    return f;
}

void ner_overlap_reset(ner_overlap *o)
{
    if (o->mask) memset(o->found, 0, o->mask + 1);
}

void ner_overlap_destroy(ner_overlap *o)
{
    if (!o) return;
    free(o->key), free(o->found);
    free(o);
}
