/* gaz_build.c: the gazetteers as soft features, built (tagger/tagger_gaz.c marks them): names of
 * people, organizations and places from outside lists (NERAr's person/location/organization lists,
 * in Buckwalter transliteration, and the Arabic city and country names of world-cities.csv) into a
 * table of word sequences with the lists they are in; the tagger's features say which lists a
 * word's longest match is in, never its type (single-word entries are often ordinary words). Built
 * by train-ner, saved in the model. */
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GAZ_MAX_BYTES (64u << 20)

/* Buckwalter transliteration -> Arabic code points (our table; 0: not a Buckwalter letter). */
static unsigned bw_cp(unsigned char c)
{
    switch (c) {
    case '\'':
        return 0x0621;
    case '|':
        return 0x0622;
    case '>':
        return 0x0623;
    case '&':
        return 0x0624;
    case '<':
        return 0x0625;
    case '}':
        return 0x0626;
    case 'A':
        return 0x0627;
    case 'b':
        return 0x0628;
    case 'p':
        return 0x0629;
    case 't':
        return 0x062A;
    case 'v':
        return 0x062B;
    case 'j':
        return 0x062C;
    case 'H':
        return 0x062D;
    case 'x':
        return 0x062E;
    case 'd':
        return 0x062F;
    case '*':
        return 0x0630;
    case 'r':
        return 0x0631;
    case 'z':
        return 0x0632;
    case 's':
        return 0x0633;
    case '$':
        return 0x0634;
    case 'S':
        return 0x0635;
    case 'D':
        return 0x0636;
    case 'T':
        return 0x0637;
    case 'Z':
        return 0x0638;
    case 'E':
        return 0x0639;
    case 'g':
        return 0x063A;
    case '_':
        return 0x0640;
    case 'f':
        return 0x0641;
    case 'q':
        return 0x0642;
    case 'k':
        return 0x0643;
    case 'l':
        return 0x0644;
    case 'm':
        return 0x0645;
    case 'n':
        return 0x0646;
    case 'h':
        return 0x0647;
    case 'w':
        return 0x0648;
    case 'Y':
        return 0x0649;
    case 'y':
        return 0x064A;
    case 'F':
        return 0x064B;
    case 'N':
        return 0x064C;
    case 'K':
        return 0x064D;
    case 'a':
        return 0x064E;
    case 'u':
        return 0x064F;
    case 'i':
        return 0x0650;
    case '~':
        return 0x0651;
    case 'o':
        return 0x0652;
    case '`':
        return 0x0670;
    case '{':
        return 0x0671;
    }
    return 0;
}

/* bw_word: the Buckwalter word s[0..n) in Arabic UTF-8 into out (cap >= 2n + 1); its length, 0
 * when a character is not a Buckwalter letter. */
static size_t bw_word(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = bw_cp((unsigned char)s[i]);
        if (!c) return 0;
        out[k++] = (char)(0xC0 | c >> 6), out[k++] = (char)(0x80 | (c & 0x3F));
    }
    out[k] = '\0';
    return k;
}

/* gz_put: the name of words w[0..n) (UTF-8) with list bits into x (prefixes marked). */
static int gz_put(ner_lex *x, char **w, const size_t *len, size_t n, uint8_t bits)
{
    if (!n || n > NER_LEX_MAX_WORDS) return NI_OK;
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ner_word nw;
        ner_word_analyze(w[i], len[i], 0, &nw);
        k = ner_lex_key(k, &nw, i == 0);
        int rc = ner_lex_put(x, k, i + 1 < n ? NER_LEX_PREFIX : bits);
        if (rc) return rc;
    }
    return NI_OK;
}

/* gz_nerar: every line of a NERAr list (Buckwalter words separated by spaces) with bits. */
static int gz_nerar(ner_lex *x, const char *path, uint8_t bits, char *errstr, size_t errlen)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    if (util_file_read(path, GAZ_MAX_BYTES, &buf, &len, err, sizeof err))
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: %s", path, err);
    int rc = NI_OK;
    for (char *p = buf, *nl; !rc && p < buf + len; p = nl + 1) {
        if (!(nl = memchr(p, '\n', (size_t)(buf + len - p)))) nl = buf + len;
        char words[NER_LEX_MAX_WORDS][128], *w[NER_LEX_MAX_WORDS];
        size_t wl[NER_LEX_MAX_WORDS], n = 0, ok = 1;
        for (char *q = p; q < nl && ok;) {
            while (q < nl && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
            char *e = q;
            while (e < nl && *e != ' ' && *e != '\t' && *e != '\r') e++;
            if (e == q) break;
            ok = n < NER_LEX_MAX_WORDS && (size_t)(e - q) < 60 &&
                 (wl[n] = bw_word(q, (size_t)(e - q), words[n])) > 0;
            w[n] = words[n], n++, q = e;
        }
        if (ok) rc = gz_put(x, w, wl, n, bits);
    }
    free(buf);
    return rc == NI_ERR_NOMEM ? ni_err_set(errstr, errlen, rc, "gazetteers: table full") : rc;
}

/* csv_field: the k-th comma-separated field of line (quotes removed) into out (cap bytes). */
static int csv_field(const char *line, int k, char *out, size_t cap)
{
    const char *p = line;
    for (int i = 0; i < k; i++) {
        int q = 0;
        while (*p && (q || *p != ',')) q ^= *p++ == '"';
        if (!*p) return 0;
        p++;
    }
    size_t n = 0;
    int q = 0;
    for (; *p && (q || *p != ','); p++) {
        if (*p == '"') {
            q ^= 1;
            continue;
        }
        if (*p == '\r' || *p == '\n' || n + 1 >= cap) break;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n > 0;
}

/* gz_words: s split at spaces into w/len (in place); the count (0 when too many words). */
static size_t gz_words(char *s, char **w, size_t *len)
{
    size_t n = 0;
    for (char *t = strtok(s, " "); t; t = strtok(NULL, " ")) {
        if (n == NER_LEX_MAX_WORDS) return 0;
        w[n] = t, len[n++] = strlen(t);
    }
    return n;
}

/* gz_cities: the Arabic city (column 2) and country (column 0) names of world-cities.csv. */
static int gz_cities(ner_lex *x, const char *path, char *errstr, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot open", path);
    char line[4096], name[1024];
    int rc = NI_OK;
    for (size_t ln = 0; !rc && fgets(line, sizeof line, f); ln++) {
        for (int col = 0; ln && col <= 2 && !rc; col += 2) {
            char *w[NER_LEX_MAX_WORDS];
            size_t len[NER_LEX_MAX_WORDS], n;
            if (csv_field(line, col, name, sizeof name) && (n = gz_words(name, w, len)))
                rc = gz_put(x, w, len, n, NER_GAZ_LOC);
        }
    }
    fclose(f);
    return rc == NI_ERR_NOMEM ? ni_err_set(errstr, errlen, rc, "gazetteers: table full") : rc;
}

int ner_gaz_build(const char *dir, ner_lex *x, char *errstr, size_t errlen)
{
    static const struct {
        const char *file;
        uint8_t bits;
    } lists[] = {{"nerar/dico-mono-PERS.norm", NER_GAZ_PER},
                 {"nerar/dico-mono-ORG.norm", NER_GAZ_ORG},
                 {"nerar/dico-mono-LOC.norm", NER_GAZ_LOC}};
    char path[4096];
    ner_lex_free(x);
    int rc = ner_lex_init(x, 1u << 18);
    if (rc) return ni_err_set(errstr, errlen, rc, "gazetteers: out of memory");
    for (size_t i = 0; !rc && i < sizeof lists / sizeof lists[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, lists[i].file);
        rc = gz_nerar(x, path, lists[i].bits, errstr, errlen);
    }
    snprintf(path, sizeof path, "%s/world-cities.csv", dir);
    if (!rc) rc = gz_cities(x, path, errstr, errlen);
    if (rc) ner_lex_free(x);
    return rc;
}
