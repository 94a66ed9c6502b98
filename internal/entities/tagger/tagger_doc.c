/* tagger_doc.c: document consistency: a name the tagger found once is the same name where the
 * model missed it (other sentences, an attached clitic, a person's surname alone). */
#include "tagger_internal.h"

#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAME_WORDS NER_LEX_MAX_WORDS

/* One tagged occurrence of a name: the chained key of its words, its sentence and type. */
typedef struct occ {
    uint64_t name;
    size_t sent;
    int type; /* 1..4: PER ORG LOC MISC */
} occ;

/* The occurrences sorted by (name, sentence) and a table of where each name's run starts. */
typedef struct names {
    occ *v;
    size_t n;
    size_t *first; /* slot -> index of the name's first occurrence + 1 (0: empty slot) */
    size_t mask;
} names;

/* chain: the key of a name extended by a word's key. */
static uint64_t chain(uint64_t name, uint64_t key)
{
    return ner_mix64(name * 0x100000001b3ULL ^ key) | 1; /* never 0 */
}

static int tag_type(ner_tag t)
{
    return t == NER_O ? 0 : ((int)t + 1) / 2;
}

static int is_begin(ner_tag t)
{
    return t != NER_O && ((int)t & 1);
}

/* name_of: the chained key of keys[a, b), 0 when a word has no key or a one-word name is short. */
static uint64_t name_of(const uint64_t *keys, size_t a, size_t b)
{
    if (b - a > MAX_NAME_WORDS || (b - a == 1 && (keys[a] & 3) < 3)) return 0;
    uint64_t h = 0;
    for (size_t i = a; i < b; i++) {
        if (!keys[i]) return 0;
        h = chain(h, keys[i]);
    }
    return h;
}

static int occ_push(names *nm, size_t *cap, uint64_t name, size_t sent, int type)
{
    if (!name) return NI_OK;
    if (nm->n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        occ *v = realloc(nm->v, c * sizeof *v);
        if (!v) return NI_ERR_NOMEM;
        nm->v = v, *cap = c;
    }
    nm->v[nm->n++] = (occ){name, sent, type};
    return NI_OK;
}

/* collect: every tagged name (and a person's surname) of the document. */
static int collect(const uint64_t *keys, const size_t *sentence, const ner_tag *tags, size_t n,
                   names *nm)
{
    size_t cap = 0;
    int rc = NI_OK;
    for (size_t a = 0; a < n && !rc;) {
        int ty = tag_type(tags[a]);
        if (!ty) {
            a++;
            continue;
        }
        size_t b = a + 1;
        while (b < n && tag_type(tags[b]) == ty && !is_begin(tags[b])) b++;
        rc = occ_push(nm, &cap, name_of(keys, a, b), sentence[a], ty);
        if (!rc && ty == 1 && b - a >= 2)
            rc = occ_push(nm, &cap, name_of(keys, b - 1, b), sentence[a], ty);
        a = b;
    }
    return rc;
}

static int cmp_occ(const void *x, const void *y)
{
    const occ *a = x, *b = y;
    if (a->name != b->name) return a->name < b->name ? -1 : 1;
    return a->sent < b->sent ? -1 : a->sent > b->sent;
}

/* index: sorts the occurrences and fills the name -> first occurrence table. */
static int index_names(names *nm)
{
    qsort(nm->v, nm->n, sizeof *nm->v, cmp_occ);
    size_t cap = 16;
    while (cap < 2 * nm->n) cap *= 2;
    if (!(nm->first = calloc(cap, sizeof *nm->first))) return NI_ERR_NOMEM;
    nm->mask = cap - 1;
    for (size_t i = 0; i < nm->n; i++) {
        if (i && nm->v[i - 1].name == nm->v[i].name) continue;
        size_t s = (size_t)nm->v[i].name & nm->mask;
        while (nm->first[s]) s = (s + 1) & nm->mask;
        nm->first[s] = i + 1;
    }
    return NI_OK;
}

/* type_near: the type most occurrences of name within window sentences of sent have (ties: the
 * lower type number), 0 when it has none there. */
static int type_near(const names *nm, uint64_t name, size_t sent, size_t window)
{
    size_t s = (size_t)name & nm->mask, i;
    for (; (i = nm->first[s]); s = (s + 1) & nm->mask)
        if (nm->v[i - 1].name == name) break;
    if (!i) return 0;
    size_t count[5] = {0};
    for (i--; i < nm->n && nm->v[i].name == name; i++) {
        size_t d = nm->v[i].sent > sent ? nm->v[i].sent - sent : sent - nm->v[i].sent;
        if (!window || d <= window) count[nm->v[i].type]++;
    }
    int best = 0;
    for (int t = 1; t <= 4; t++)
        if (count[t] > count[best]) best = t;
    return best;
}

/* A document's words as ner_tags_propagate sees them. */
typedef struct doc_words {
    const uint64_t *keys, *bare;
    const size_t *sentence;
    ner_tag *tags;
    size_t n;
} doc_words;

/* match: the type of the longest name in reach whose first word is first and whose others are
 * the keys of a + 1 .., with its length in *len; 0 when none. */
static int match(const names *nm, const doc_words *d, size_t a, uint64_t first, size_t window,
                 size_t *len)
{
    uint64_t h[MAX_NAME_WORDS], k = chain(0, first);
    size_t n = 0;
    for (h[n++] = k;
         n < MAX_NAME_WORDS && a + n < d->n && d->tags[a + n] == NER_O && d->keys[a + n]; n++)
        h[n] = k = chain(k, d->keys[a + n]);
    for (; n; n--) {
        ner_tag next = a + n < d->n ? d->tags[a + n] : NER_O;
        if (next != NER_O && !is_begin(next)) continue;
        if (n == 1 && (first & 3) < 3) break;
        int ty = type_near(nm, h[n - 1], d->sentence[a], window);
        if (ty) return *len = n, ty;
    }
    return 0;
}

/* spread: gives the untagged word a the longest name in reach that starts there, as written or
 * without an attached clitic; the name's length or 0. */
static size_t spread(const names *nm, const doc_words *d, size_t a, size_t window)
{
    size_t len = 0, blen = 0;
    int ty = d->keys[a] ? match(nm, d, a, d->keys[a], window, &len) : 0;
    int bty = d->bare[a] ? match(nm, d, a, d->bare[a], window, &blen) : 0;
    if (bty && blen > len) ty = bty, len = blen;
    if (!ty) return 0;
    d->tags[a] = (ner_tag)(2 * ty - 1);
    for (size_t i = a + 1; i < a + len; i++) d->tags[i] = (ner_tag)(2 * ty);
    return len;
}

/* extend: a one-word name tagged at a that begins a longer name of its type in reach (a first
 * name whose surname was missed) becomes that name; the words it covers. */
static size_t extend(const names *nm, const doc_words *d, size_t a, size_t window)
{
    size_t len = 0;
    if (a + 1 >= d->n || d->tags[a + 1] != NER_O || !d->keys[a]) return 1;
    int ty = match(nm, d, a, d->keys[a], window, &len);
    if (ty != tag_type(d->tags[a]) || len < 2) return 1;
    for (size_t i = a + 1; i < a + len; i++) d->tags[i] = (ner_tag)(2 * ty);
    return len;
}

int ner_tags_propagate(const uint64_t *keys, const uint64_t *bare, const size_t *sentence,
                       ner_tag *tags, size_t n, size_t window)
{
    names nm = {0};
    doc_words d = {keys, bare, sentence, tags, n};
    int rc = collect(keys, sentence, tags, n, &nm);
    if (!rc && nm.n) rc = index_names(&nm);
    for (size_t a = 0; !rc && nm.n && a < n;) {
        size_t len = tags[a] == NER_O    ? spread(&nm, &d, a, window)
                     : is_begin(tags[a]) ? extend(&nm, &d, a, window)
                                         : 1;
        a += len ? len : 1;
    }
    free(nm.v), free(nm.first);
    return rc;
}

int ner_model_tag_doc(const ner_model *m, const char *const *words, const size_t *lens,
                      const size_t *sent, size_t nsent, const unsigned *gaz, size_t window,
                      ner_tag *tags, char *errstr, size_t errlen)
{
    return ner_model_tag_doc_conf(m, words, lens, sent, nsent, gaz, window, tags, NULL, errstr,
                                  errlen);
}

int ner_model_tag_doc_conf(const ner_model *m, const char *const *words, const size_t *lens,
                           const size_t *sent, size_t nsent, const unsigned *gaz, size_t window,
                           ner_tag *tags, double *conf, char *errstr, size_t errlen)
{
    if (!nsent) return NI_OK;
    size_t a = sent[0], n = sent[nsent] - a;
    int rc = NI_OK;
    for (size_t s = 0; s < nsent && !rc; s++)
        rc = ner_model_tag_conf(m, words + sent[s], lens + sent[s], sent[s + 1] - sent[s],
                                gaz ? gaz + sent[s] : NULL, tags + sent[s],
                                conf ? conf + sent[s] : NULL, errstr, errlen);
    if (rc || !n) return rc;
    uint64_t *keys = malloc(2 * n * sizeof *keys);
    size_t *sentence = malloc(n * sizeof *sentence);
    if (keys && sentence) {
        for (size_t s = 0; s < nsent; s++)
            for (size_t i = sent[s]; i < sent[s + 1]; i++)
                keys[i - a] = ner_name_key(words[i], lens[i], &keys[n + i - a]),
                         sentence[i - a] = s;
        rc = ner_tags_propagate(keys, keys + n, sentence, tags + a, n, window);
    } else {
        rc = NI_ERR_NOMEM;
    }
    free(keys), free(sentence);
    if (rc) ni_err_set(errstr, errlen, rc, "tagger: out of memory (%zu words)", n);
    return rc;
}
