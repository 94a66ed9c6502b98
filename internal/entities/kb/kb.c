/* kb.c: the knowledge base: ICU's countries plus a curated TSV file, indexed by normalized name. */
#include "entities/kb.h"

#include "kb_internal.h"
#include "normalize/normalize.h"
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>
#include <xxhash.h>

/* ---- arena: every string and array of the KB, freed at once ------------------------------- */

struct kb_block {
    kb_block *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

/* kb_alloc: n bytes (8-aligned) from the KB's arena; NULL when out of memory. */
static void *kb_alloc(ner_kb *kb, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    kb_block *b = kb->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        *b = (kb_block){kb->arena, 0, cap};
        kb->arena = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

/* kb_strndup: s[0..n) NUL-terminated in the arena. */
static char *kb_strndup(ner_kb *kb, const char *s, size_t n)
{
    char *d = kb_alloc(kb, n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

uint64_t kb_hash(const char *s, size_t len)
{
    return XXH3_64bits(s, len);
}

/* ---- loading state ------------------------------------------------------------------------- */

/* One exclusion ("!name"): a name not indexed for an entry. */
typedef struct kb_excl {
    uint32_t entry;
    const char *full;
} kb_excl;

/* What a load keeps besides the KB: the file name for messages, the exclusions ("!name"). */
typedef struct kb_loader {
    ner_kb *kb;
    const char *path;
    char *errstr;
    size_t errlen;
    kb_excl *excl;
    size_t nexcl, excl_cap;
    uint8_t *curated; /* per ICU country: a line of the file named it already */
    size_t ncountries;
} kb_loader;

/* fail_at: the error for line of the file. */
__attribute__((format(printf, 4, 5))) static int fail_at(kb_loader *ld, unsigned line, int rc,
                                                         const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ni_err_set(ld->errstr, ld->errlen, rc, "%s:%u: %s", ld->path, line, msg);
}

static int nomem(kb_loader *ld)
{
    return ni_err_set(ld->errstr, ld->errlen, NI_ERR_NOMEM, "knowledge base: out of memory");
}

/* grow: room for one more element of size sz in *v (n used of *cap). */
static int grow(void **v, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *p = realloc(*v, c * sz);
    if (!p) return -1;
    *v = p;
    *cap = c;
    return 0;
}

/* ---- names --------------------------------------------------------------------------------- */

/* is_capitals: a Latin word of 2 to 5 letters written in capitals only (dots allowed): an
 * abbreviation (SDF, U.S) that must match with the same capitals (not "us"). */
static int is_capitals(const char *s, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z')
            letters++;
        else if (s[i] != '.')
            return 0;
    }
    return letters >= 2 && letters <= 5;
}

/* word_key: the normalized whole word of token t (clitics kept) into *key (malloc'd). */
static int word_key(const ner_token *t, char **key, char *errstr, size_t errlen)
{
    if (!t->prefixes) {
        *key = strdup(t->norm);
        return *key ? NI_OK : ni_err_set(errstr, errlen, NI_ERR_NOMEM, "out of memory");
    }
    return normalize_search_text(t->surface, t->surface_len, key, errstr, errlen);
}

/* fill_name: nm's keys, exact forms and full form from the tokens of one name. */
static int fill_name(ner_kb *kb, kb_name *nm, const ner_tokens *toks, char *errstr, size_t errlen)
{
    size_t full = 0;
    nm->keys = kb_alloc(kb, toks->n * sizeof *nm->keys);
    if (!nm->keys) return NI_ERR_NOMEM;
    for (size_t j = 0; j < toks->n; j++) {
        char *k = NULL;
        int rc = word_key(&toks->v[j], &k, errstr, errlen);
        if (rc) return rc;
        nm->keys[j] = kb_strndup(kb, k, strlen(k));
        full += strlen(k) + 1;
        free(k);
        if (!nm->keys[j]) return NI_ERR_NOMEM;
        const ner_token *t = &toks->v[j];
        if (!is_capitals(t->surface, t->surface_len)) continue;
        if (!nm->exact) { /* words before this one need no capitals */
            if (!(nm->exact = kb_alloc(kb, toks->n * sizeof *nm->exact))) return NI_ERR_NOMEM;
            memset(nm->exact, 0, toks->n * sizeof *nm->exact);
        }
        if (!(nm->exact[j] = kb_strndup(kb, t->surface, t->surface_len))) return NI_ERR_NOMEM;
    }
    char *f = kb_alloc(kb, full), *p = f;
    if (!f) return NI_ERR_NOMEM;
    for (size_t j = 0; j < toks->n; j++) {
        size_t n = strlen(nm->keys[j]);
        memcpy(p, nm->keys[j], n);
        p[n] = j + 1 < toks->n ? ' ' : '\0';
        p += n + 1;
    }
    nm->full = f;
    return NI_OK;
}

/* name_tokens: the words of s[0..n) into *toks; 0 words is an error for a TSV name. */
static int name_tokens(kb_loader *ld, const char *s, size_t n, unsigned line, ner_tokens *toks)
{
    char err[200];
    int rc = ner_tokenize(s, n, toks, err, sizeof err);
    if (rc) return fail_at(ld, line, rc, "%s", err);
    if (toks->n == 0)
        return fail_at(ld, line, NI_ERR_PARSE, "name \"%.*s\" has no words", (int)n, s);
    return NI_OK;
}

/* glued: the two words of a two-word Arabic name written without the space (دير الزور ->
 * ديرالزور) into buf (cap bytes); 0 when the name is not one (each word needs two letters). */
static size_t glued(const ner_tokens *toks, char *buf, size_t cap)
{
    if (toks->n != 2) return 0;
    size_t len = 0;
    for (size_t i = 0; i < 2; i++) {
        const ner_token *t = &toks->v[i];
        unsigned char c = t->surface_len ? (unsigned char)t->surface[0] : 0;
        if (t->end - t->start < 2 || c < 0xD8 || c > 0xDB || len + t->surface_len >= cap) return 0;
        memcpy(buf + len, t->surface, t->surface_len), len += t->surface_len;
    }
    return len;
}

/* add_tokens: indexes the words toks as a name of entry e; a variant (a spelling the KB does not
 * list) yields to any listed name, as ICU's names do. */
static int add_tokens(kb_loader *ld, uint32_t e, const ner_tokens *toks, unsigned line, int variant)
{
    ner_kb *kb = ld->kb;
    if (grow((void **)&kb->names, kb->nnames, &kb->names_cap, sizeof *kb->names)) return nomem(ld);
    kb_name *nm = &kb->names[kb->nnames];
    *nm =
        (kb_name){.entry = e, .ntok = (uint32_t)toks->n, .line = line, .icu = line == 0 || variant};
    char err[200] = "";
    int rc = fill_name(kb, nm, toks, err, sizeof err);
    if (rc) return rc == NI_ERR_NOMEM ? nomem(ld) : fail_at(ld, line, rc, "%s", err);
    kb->nnames++;
    return NI_OK;
}

/* add_name: indexes s[0..n) as a name of entry e (line 0: from ICU, skipped when wordless), and a
 * two-word Arabic name also written without its space. */
static int add_name(kb_loader *ld, uint32_t e, const char *s, size_t n, unsigned line)
{
    ner_tokens toks = {0}, one = {0};
    int rc = name_tokens(ld, s, n, line, &toks);
    if (rc || toks.n == 0) {
        ner_tokens_free(&toks);
        return line ? rc : NI_OK;
    }
    rc = add_tokens(ld, e, &toks, line, 0);
    char buf[256];
    size_t g = rc ? 0 : glued(&toks, buf, sizeof buf);
    if (g && !(rc = name_tokens(ld, buf, g, line, &one)) && one.n == 1)
        rc = add_tokens(ld, e, &one, line, 1);
    ner_tokens_free(&toks);
    ner_tokens_free(&one);
    return rc;
}

/* add_exclusion: "!name": the name s[0..n) is not indexed for entry e. */
static int add_exclusion(kb_loader *ld, uint32_t e, const char *s, size_t n, unsigned line)
{
    ner_tokens toks = {0};
    kb_name tmp = {0};
    char err[200] = "";
    int rc = name_tokens(ld, s, n, line, &toks);
    if (!rc) rc = fill_name(ld->kb, &tmp, &toks, err, sizeof err);
    ner_tokens_free(&toks);
    if (rc) return rc == NI_ERR_NOMEM ? nomem(ld) : err[0] ? fail_at(ld, line, rc, "%s", err) : rc;
    if (grow((void **)&ld->excl, ld->nexcl, &ld->excl_cap, sizeof *ld->excl)) return nomem(ld);
    ld->excl[ld->nexcl].entry = e;
    ld->excl[ld->nexcl++].full = tmp.full;
    return NI_OK;
}

/* ---- entries ------------------------------------------------------------------------------- */

/* id_find: the index of the entry with this id, or -1. */
static long id_find(const ner_kb *kb, const char *id)
{
    if (!kb->id_slots) return -1;
    for (size_t i = kb_hash(id, strlen(id)) & kb->id_mask;; i = (i + 1) & kb->id_mask) {
        uint32_t s = kb->id_slots[i];
        if (!s) return -1;
        if (!strcmp(kb->entries[s - 1].id, id)) return (long)s - 1;
    }
}

/* id_insert: entry e into the id table (grown to keep it at most half full). */
static int id_insert(ner_kb *kb, uint32_t e)
{
    if (!kb->id_slots || 2 * (kb->nentries + 1) > kb->id_mask + 1) {
        size_t cap = kb->id_slots ? 2 * (kb->id_mask + 1) : 1024;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots) return -1;
        free(kb->id_slots);
        kb->id_slots = slots;
        kb->id_mask = cap - 1;
        for (uint32_t i = 0; i < e; i++) {
            size_t h = kb_hash(kb->entries[i].id, strlen(kb->entries[i].id)) & kb->id_mask;
            while (slots[h]) h = (h + 1) & kb->id_mask;
            slots[h] = i + 1;
        }
    }
    size_t h = kb_hash(kb->entries[e].id, strlen(kb->entries[e].id)) & kb->id_mask;
    while (kb->id_slots[h]) h = (h + 1) & kb->id_mask;
    kb->id_slots[h] = e + 1;
    return 0;
}

/* add_entry: a new entry (strings already in the arena); its index in *e. */
static int add_entry(kb_loader *ld, const ner_kb_entry *en, uint32_t *e)
{
    ner_kb *kb = ld->kb;
    if (grow((void **)&kb->entries, kb->nentries, &kb->entries_cap, sizeof *kb->entries))
        return nomem(ld);
    *e = (uint32_t)kb->nentries;
    kb->entries[*e] = *en;
    if (id_insert(kb, *e)) return nomem(ld);
    kb->nentries++;
    return NI_OK;
}

/* display_country: ICU's name of country code in language lang (UTF-8, arena), NULL when ICU has
 * none (it answers with the code itself). */
static const char *display_country(ner_kb *kb, const char *code, const char *lang, int *nomem_)
{
    char loc[16], out[512];
    UChar buf[256];
    UErrorCode st = U_ZERO_ERROR;
    int32_t olen = 0;
    snprintf(loc, sizeof loc, "und_%s", code);
    int32_t n = uloc_getDisplayCountry(loc, lang, buf, 256, &st);
    if (U_SUCCESS(st)) u_strToUTF8(out, sizeof out, &olen, buf, n, &st);
    if (U_FAILURE(st) || olen == 0 || (size_t)olen >= sizeof out || !strcmp(out, code)) return NULL;
    const char *s = kb_strndup(kb, out, (size_t)olen);
    if (!s) *nomem_ = 1;
    return s;
}

/* add_countries: ICU's ISO 3166 countries with their Arabic and English names. */
static int add_countries(kb_loader *ld)
{
    ner_kb *kb = ld->kb;
    for (const char *const *c = uloc_getISOCountries(); c && *c; c++) {
        int oom = 0;
        const char *id = kb_strndup(kb, *c, strlen(*c));
        const char *ar = id ? display_country(kb, *c, "ar", &oom) : NULL;
        const char *en = id ? display_country(kb, *c, "en", &oom) : NULL;
        if (!id || oom) return nomem(ld);
        ner_kb_entry en_ = {id, "LOC", ar, en, id};
        uint32_t e;
        int rc = add_entry(ld, &en_, &e);
        if (!rc && ar) rc = add_name(ld, e, ar, strlen(ar), 0);
        if (!rc && en) rc = add_name(ld, e, en, strlen(en), 0);
        if (rc) return rc;
    }
    return NI_OK;
}

/* ---- the TSV file ---------------------------------------------------------------------------- */

/* The columns of a line. */
enum { COL_ID, COL_TYPE, COL_AR, COL_EN, COL_ALIASES, COL_COUNTRY, NCOLS };

static const char *const kb_types[] = {"PER", "ORG", "LOC", "MISC"};

/* is_country_code: two capitals naming one of ICU's countries (an entry loaded before). */
static int is_country_code(const ner_kb *kb, const char *s)
{
    return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           id_find(kb, s) >= 0;
}

/* is_slug_id: "kb:" followed by lower-case letters, digits and single hyphens. */
static int is_slug_id(const char *s)
{
    if (strncmp(s, "kb:", 3) || !s[3] || s[3] == '-') return 0;
    for (const char *p = s + 3; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
        if (!ok || (*p == '-' && (p[1] == '-' || p[1] == '\0'))) return 0;
    }
    return 1;
}

/* trim: s without leading/trailing spaces; *n its length. */
static const char *trim(const char *s, size_t *n)
{
    size_t len = strlen(s);
    while (len && (*s == ' ')) s++, len--;
    while (len && s[len - 1] == ' ') len--;
    *n = len;
    return s;
}

/* add_aliases: the '|'-separated aliases of entry e ("!name" = do not index that name). */
static int add_aliases(kb_loader *ld, uint32_t e, char *aliases, unsigned line)
{
    char *save = NULL;
    for (char *a = strtok_r(aliases, "|", &save); a; a = strtok_r(NULL, "|", &save)) {
        size_t n;
        const char *s = trim(a, &n);
        if (n == 0) continue;
        int rc =
            s[0] == '!' ? add_exclusion(ld, e, s + 1, n - 1, line) : add_name(ld, e, s, n, line);
        if (rc) return rc;
    }
    return NI_OK;
}

/* line_entry: the entry of a checked line: new, or the ICU country it adds names to. */
static int line_entry(kb_loader *ld, char **col, unsigned line, const char *type, uint32_t *e)
{
    ner_kb *kb = ld->kb;
    long found = id_find(kb, col[COL_ID]), cc = id_find(kb, col[COL_COUNTRY]);
    if (found >= 0 && ((size_t)found >= ld->ncountries || ld->curated[found]))
        return fail_at(ld, line, NI_ERR_PARSE, "duplicate id %s", col[COL_ID]);
    const char *ar = col[COL_AR][0] ? kb_strndup(kb, col[COL_AR], strlen(col[COL_AR])) : NULL;
    const char *en = col[COL_EN][0] ? kb_strndup(kb, col[COL_EN], strlen(col[COL_EN])) : NULL;
    if ((col[COL_AR][0] && !ar) || (col[COL_EN][0] && !en)) return nomem(ld);
    if (found >= 0) { /* a country: the curated names become the canonical ones */
        ner_kb_entry *x = &kb->entries[found];
        ld->curated[found] = 1;
        x->type = type;
        x->name_ar = ar ? ar : x->name_ar;
        x->name_en = en ? en : x->name_en;
        *e = (uint32_t)found;
        return NI_OK;
    }
    const char *id = kb_strndup(kb, col[COL_ID], strlen(col[COL_ID]));
    if (!id) return nomem(ld);
    ner_kb_entry en_ = {id, type, ar, en, cc >= 0 ? kb->entries[cc].id : NULL};
    return add_entry(ld, &en_, e);
}

/* check_line: the columns of a line are well-formed; *type set. */
static int check_line(kb_loader *ld, char **col, int ncols, unsigned line, const char **type)
{
    if (ncols != NCOLS)
        return fail_at(ld, line, NI_ERR_PARSE, "%d columns, expected %d (tab-separated)", ncols,
                       NCOLS);
    *type = NULL;
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(col[COL_TYPE], kb_types[i])) *type = kb_types[i];
    if (!*type)
        return fail_at(ld, line, NI_ERR_PARSE, "bad type \"%s\" (PER, ORG, LOC or MISC)",
                       col[COL_TYPE]);
    if (!is_slug_id(col[COL_ID]) && !is_country_code(ld->kb, col[COL_ID]))
        return fail_at(ld, line, NI_ERR_PARSE, "bad id \"%s\" (kb:<slug> or an ISO country code)",
                       col[COL_ID]);
    /* a country line may leave both names to ICU */
    if (!col[COL_AR][0] && !col[COL_EN][0] && !is_country_code(ld->kb, col[COL_ID]))
        return fail_at(ld, line, NI_ERR_PARSE, "empty name (no Arabic and no English name)");
    if (col[COL_COUNTRY][0] && !is_country_code(ld->kb, col[COL_COUNTRY]))
        return fail_at(ld, line, NI_ERR_PARSE, "bad country \"%s\"", col[COL_COUNTRY]);
    return NI_OK;
}

/* parse_line: one non-comment line of the file (modified in place). */
static int parse_line(kb_loader *ld, char *s, unsigned line)
{
    char *col[NCOLS + 1];
    int ncols = 0;
    for (char *p = s;; p++) {
        if (ncols <= NCOLS) col[ncols] = p;
        ncols++;
        p = strchr(p, '\t');
        if (!p) break;
        *p = '\0';
    }
    const char *type = NULL;
    uint32_t e = 0;
    int rc = check_line(ld, col, ncols, line, &type);
    if (!rc) rc = line_entry(ld, col, line, type, &e);
    if (!rc && col[COL_AR][0]) rc = add_name(ld, e, col[COL_AR], strlen(col[COL_AR]), line);
    if (!rc && col[COL_EN][0]) rc = add_name(ld, e, col[COL_EN], strlen(col[COL_EN]), line);
    if (!rc) rc = add_aliases(ld, e, col[COL_ALIASES], line);
    return rc;
}

/* is_blank: s holds only spaces and tabs. */
static int is_blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

/* read_file: the whole file, NUL-terminated (caller frees). */
static int read_file(kb_loader *ld, char **out)
{
    FILE *f = fopen(ld->path, "rb");
    if (!f)
        return ni_err_set(ld->errstr, ld->errlen, NI_ERR_IO, "%s: %s", ld->path, strerror(errno));
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        char *b = n + 1 < cap ? buf : realloc(buf, cap *= 2);
        if (!b) free(buf);
        buf = b;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) return nomem(ld);
    buf[n] = '\0';
    if (err || memchr(buf, '\0', n)) {
        free(buf);
        return ni_err_set(ld->errstr, ld->errlen, NI_ERR_IO, "%s: %s", ld->path,
                          err ? "read error" : "binary file (NUL byte)");
    }
    *out = buf;
    return NI_OK;
}

/* load_file: every line of the TSV file. */
static int load_file(kb_loader *ld)
{
    char *buf = NULL;
    int rc = read_file(ld, &buf);
    unsigned line = 0;
    for (char *p = buf, *next; !rc && p && *p; p = next) {
        next = strchr(p, '\n');
        if (next) *next++ = '\0';
        line++;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r') p[--n] = '\0';
        if (p[0] == '#' || is_blank(p)) continue;
        rc = parse_line(ld, p, line);
    }
    free(buf);
    return rc;
}

/* ---- the index ------------------------------------------------------------------------------ */

static int cmp_full(const void *a, const void *b)
{
    const kb_name *x = a, *y = b;
    int c = strcmp(x->full, y->full);
    if (c) return c;
    if (x->icu != y->icu) return x->icu - y->icu; /* curated names first */
    return x->line < y->line ? -1 : x->line > y->line;
}

/* cmp_excl: exclusions by entry, then name (lookups by bsearch: the file has thousands). */
static int cmp_excl(const void *a, const void *b)
{
    const kb_excl *x = a, *y = b;
    if (x->entry != y->entry) return x->entry < y->entry ? -1 : 1;
    return strcmp(x->full, y->full);
}

/* resolve_names: drops excluded names, repeated names of one entry, and names two entries share
 * (a curated name wins over ICU's; two curated entries sharing a name is an error). */
static int resolve_names(kb_loader *ld)
{
    ner_kb *kb = ld->kb;
    if (ld->nexcl) qsort(ld->excl, ld->nexcl, sizeof *ld->excl, cmp_excl);
    for (size_t i = 0; i < kb->nnames && ld->nexcl; i++) {
        kb_excl key = {.entry = kb->names[i].entry, .full = kb->names[i].full};
        if (bsearch(&key, ld->excl, ld->nexcl, sizeof *ld->excl, cmp_excl))
            kb->names[i].dropped = 1;
    }
    qsort(kb->names, kb->nnames, sizeof *kb->names, cmp_full);
    for (size_t i = 0, j; i < kb->nnames; i = j) {
        kb_name *first = &kb->names[i];
        int ambiguous_icu = 0;
        for (j = i + 1; j < kb->nnames && !strcmp(kb->names[j].full, first->full); j++) {
            kb_name *nm = &kb->names[j];
            if (nm->entry == first->entry || nm->icu) {
                ambiguous_icu |= nm->entry != first->entry && first->icu;
                nm->dropped = 1;
            } else if (!nm->dropped && !first->dropped) {
                return fail_at(ld, nm->line, NI_ERR_PARSE, "name \"%s\" already names %s (line %u)",
                               nm->full, kb->entries[first->entry].id, first->line);
            }
        }
        if (ambiguous_icu) first->dropped = 1; /* two countries, one name: neither */
    }
    return NI_OK;
}

static int cmp_first(const void *a, const void *b)
{
    const kb_name *x = a, *y = b;
    int c = strcmp(x->keys[0], y->keys[0]);
    if (c) return c;
    if (x->ntok != y->ntok) return x->ntok > y->ntok ? -1 : 1;
    return strcmp(x->full, y->full);
}

/* build_index: the kept names grouped by first word, the groups in a hash table. */
static int build_index(kb_loader *ld)
{
    ner_kb *kb = ld->kb;
    size_t k = 0;
    for (size_t i = 0; i < kb->nnames; i++)
        if (!kb->names[i].dropped) kb->names[k++] = kb->names[i];
    kb->nnames = k;
    qsort(kb->names, kb->nnames, sizeof *kb->names, cmp_first);
    size_t cap = 1024;
    while (cap < 2 * kb->nnames) cap *= 2;
    kb->groups = malloc((kb->nnames + 1) * sizeof *kb->groups);
    kb->group_slots = calloc(cap, sizeof *kb->group_slots);
    if (!kb->groups || !kb->group_slots) return nomem(ld);
    kb->group_mask = cap - 1;
    for (size_t i = 0, j; i < kb->nnames; i = j) {
        const char *key = kb->names[i].keys[0];
        for (j = i + 1; j < kb->nnames && !strcmp(kb->names[j].keys[0], key); j++) {
        }
        kb->groups[kb->ngroups] = (kb_group){key, (uint32_t)i, (uint32_t)j};
        size_t h = kb_hash(key, strlen(key)) & kb->group_mask;
        while (kb->group_slots[h]) h = (h + 1) & kb->group_mask;
        kb->group_slots[h] = (uint32_t)++kb->ngroups;
    }
    return NI_OK;
}

const kb_group *kb_group_find(const ner_kb *kb, const char *key, size_t len)
{
    for (size_t h = kb_hash(key, len) & kb->group_mask;; h = (h + 1) & kb->group_mask) {
        uint32_t s = kb->group_slots[h];
        if (!s) return NULL;
        const kb_group *g = &kb->groups[s - 1];
        if (!strncmp(g->key, key, len) && g->key[len] == '\0') return g;
    }
}

/* ---- public --------------------------------------------------------------------------------- */

ner_kb *ner_kb_load(const char *path, char *errstr, size_t errlen)
{
    ner_kb *kb = calloc(1, sizeof *kb);
    kb_loader ld = {.kb = kb, .path = path, .errstr = errstr, .errlen = errlen};
    if (!kb) {
        nomem(&ld);
        return NULL;
    }
    int rc = add_countries(&ld);
    ld.ncountries = kb->nentries;
    if (!rc && path && !(ld.curated = calloc(ld.ncountries + 1, 1))) rc = nomem(&ld);
    if (!rc && path) rc = load_file(&ld);
    if (!rc) rc = resolve_names(&ld);
    if (!rc) rc = build_index(&ld);
    free(ld.excl);
    free(ld.curated);
    if (rc) {
        ner_kb_destroy(kb);
        return NULL;
    }
    return kb;
}

void ner_kb_destroy(ner_kb *kb)
{
    if (!kb) return;
    while (kb->arena) {
        kb_block *b = kb->arena;
        kb->arena = b->next;
        free(b);
    }
    free(kb->entries);
    free(kb->names);
    free(kb->groups);
    free(kb->group_slots);
    free(kb->id_slots);
    free(kb);
}

size_t ner_kb_size(const ner_kb *kb)
{
    return kb ? kb->nentries : 0;
}

const ner_kb_entry *ner_kb_lookup(const ner_kb *kb, const char *id)
{
    long i = kb && id ? id_find(kb, id) : -1;
    return i >= 0 ? &kb->entries[i] : NULL;
}
