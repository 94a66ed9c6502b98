/* model_save.c: writes the tagger's model file (the format is described in tagger/tagger_io.c,
 * which reads it). */
#include "tagger_internal.h"
#include "train_internal.h"
#include "util/err.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC NER_MODEL_MAGIC

/* ---- writing ---------------------------------------------------------------------------- */

static const ner_model *sort_model;

static int by_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* write_lexicon: the lexicon section (keys: scratch of m->lex.n keys). */
static void write_lexicon(const char *name, const ner_lex *x, FILE *f, uint64_t *keys)
{
    size_t k = 0;
    for (size_t s = 0; x->val && s <= x->mask; s++)
        if (x->val[s]) keys[k++] = x->keys[s];
    qsort(keys, k, sizeof *keys, by_u64);
    fprintf(f, "%s %zu\n", name, k);
    for (size_t i = 0; i < k; i++)
        fprintf(f, "%016" PRIx64 " %u\n", keys[i], ner_lex_get(x, keys[i]));
}

/* write_clusters: the clusters section (keys: scratch of m->cl.n keys). */
static void write_clusters(const ner_clusters *x, FILE *f, uint64_t *keys)
{
    size_t k = 0;
    for (size_t s = 0; x->val && s <= x->mask; s++)
        if (x->val[s]) keys[k++] = x->keys[s];
    qsort(keys, k, sizeof *keys, by_u64);
    fprintf(f, "clusters %zu\n", k);
    for (size_t i = 0; i < k; i++) {
        unsigned v = ner_clusters_get(x, keys[i]);
        fprintf(f, "%016" PRIx64 " %u %u\n", keys[i], v & NER_CL_PATH, v >> NER_CL_AL_SHIFT & 15);
    }
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = sort_model->keys[*(const size_t *)a], y = sort_model->keys[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

static void put_ints(FILE *f, const int32_t *w)
{
    for (int t = 0; t < NER_NTAGS; t++) fprintf(f, t ? " %" PRId32 : "%" PRId32, w[t]);
    fputc('\n', f);
}

/* write_all: the model text into f, features sorted by key (order: scratch of m->n). */
static void write_all(const ner_model *m, FILE *f, size_t *order, uint64_t *lkeys)
{
    fprintf(f, "%s\ntags", MAGIC);
    for (int t = 0; t < NER_NTAGS; t++) fprintf(f, " %s", ner_tag_name((ner_tag)t));
    fprintf(f, "\ntransitions\n");
    for (int p = 0; p <= NER_NTAGS; p++) put_ints(f, m->trans[p]);
    fprintf(f, "features %zu\n", m->n);
    size_t k = 0;
    for (size_t s = 0; s <= m->mask; s++)
        if (m->slots[s].fp) order[k++] = s;
    sort_model = m; /* qsort has no context argument; saving is single-threaded */
    qsort(order, k, sizeof *order, by_key);
    for (size_t i = 0; i < k; i++) {
        const ner_slot *sl = &m->slots[order[i]];
        fprintf(f, "%012" PRIx64, m->keys[order[i]]);
        for (int t = 0; t < NER_NTAGS; t++)
            if (sl->w[t]) fprintf(f, " %d:%d", t, sl->w[t]);
        fputc('\n', f);
    }
    write_lexicon("lexicon", &m->lex, f, lkeys);
    write_clusters(&m->cl, f, lkeys);
    write_lexicon("gazetteer", &m->gz, f, lkeys);
    fprintf(f, "end\n");
}

int ner_model_save(const ner_model *m, const char *path, char *errstr, size_t errlen)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: path too long", path);
    size_t *order = malloc((m->n + 1) * sizeof *order);
    uint64_t *lkeys = malloc((m->lex.n + m->cl.n + m->gz.n + 1) * sizeof *lkeys);
    if (!order || !lkeys) {
        free(order), free(lkeys);
        return ni_err_set(errstr, errlen, NI_ERR_NOMEM, "%s: out of memory", path);
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(order), free(lkeys);
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    }
    write_all(m, f, order, lkeys);
    free(order), free(lkeys);
    int ok = !ferror(f);
    ok = !fclose(f) && ok;
    if (!ok || rename(tmp, path)) {
        remove(tmp);
        return ni_err_set(errstr, errlen, NI_ERR_IO, "%s: cannot write the NER model", path);
    }
    return NI_OK;
}
