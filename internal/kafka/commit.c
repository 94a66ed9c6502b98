/* commit.c: consumed, asked and acknowledged commit offsets per partition (see commit.h). */
#include "kafka/commit.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct centry {
    char *topic;
    int32_t partition;
    int64_t base;     /* first offset consumed since the partition was taken, -1 none */
    int64_t consumed; /* next offset after the last consumed one, -1 none */
    int64_t asked;    /* highest offset asked to commit, -1 none */
    int64_t acked;    /* highest offset acknowledged, -1 none */
} centry;

struct kafka_commits {
    centry *v;
    size_t n, cap;
};

kafka_commits *kafka_commits_create(void)
{
    return calloc(1, sizeof(kafka_commits));
}

void kafka_commits_destroy(kafka_commits *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) free(c->v[i].topic);
    free(c->v);
    free(c);
}

/* find: the entry of (topic, partition); created when asked (NULL when out of memory). */
static centry *find(kafka_commits *c, const char *topic, int32_t partition, int create)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].partition == partition && !strcmp(c->v[i].topic, topic)) return &c->v[i];
    if (!create) return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        centry *v = realloc(c->v, cap * sizeof *v);
        if (!v) return NULL;
        c->v = v;
        c->cap = cap;
    }
    char *t = strdup(topic);
    if (!t) return NULL;
    c->v[c->n] = (centry){t, partition, -1, -1, -1, -1};
    return &c->v[c->n++];
}

int kafka_commits_consumed(kafka_commits *c, const char *topic, int32_t partition, int64_t offset)
{
    centry *e = c ? find(c, topic, partition, 1) : NULL;
    if (!e) return NI_ERR_NOMEM;
    if (e->base < 0 || offset < e->base) e->base = offset;
    e->consumed = offset + 1; /* a re-delivery after a seek moves it back */
    return NI_OK;
}

void kafka_commits_asked(kafka_commits *c, const rd_kafka_topic_partition_list_t *l)
{
    for (int i = 0; c && l && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &l->elems[i];
        centry *e = p->err || p->offset < 0 ? NULL : find(c, p->topic, p->partition, 0);
        if (e && p->offset > e->asked) e->asked = p->offset;
    }
}

int kafka_commits_result(kafka_commits *c, rd_kafka_resp_err_t err,
                         const rd_kafka_topic_partition_list_t *l)
{
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET || !l || !l->cnt) return -1;
    int ok = !err;
    for (int i = 0; l && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &l->elems[i];
        if (err || p->err || p->offset < 0) {
            ok = ok && p->offset < 0 && !p->err; /* a partition with nothing to commit */
            continue;
        }
        centry *e = c ? find(c, p->topic, p->partition, 0) : NULL;
        if (e && p->offset > e->acked) e->acked = p->offset;
    }
    return ok;
}

/* behind_of: offsets consumed or asked and not acknowledged (inputs the next owner processes
 * again); acknowledged counts from the first consumed offset when nothing was acknowledged. */
static long behind_of(const centry *e)
{
    int64_t top = e->consumed > e->asked ? e->consumed : e->asked;
    int64_t from = e->acked >= 0 ? e->acked : e->base;
    return top >= 0 && from >= 0 && top > from ? (long)(top - from) : 0;
}

long kafka_commits_forget(kafka_commits *c, const char *topic, int32_t partition)
{
    centry *e = c ? find(c, topic, partition, 0) : NULL;
    if (!e) return 0;
    long lost = behind_of(e);
    free(e->topic);
    *e = c->v[--c->n];
    return lost;
}

long kafka_commits_uncommitted(const kafka_commits *c)
{
    long n = 0;
    for (size_t i = 0; c && i < c->n; i++) {
        const centry *e = &c->v[i];
        int64_t from = e->acked > e->base ? e->acked : e->base;
        if (e->consumed >= 0 && from >= 0 && e->consumed > from) n += (long)(e->consumed - from);
    }
    return n;
}

long kafka_commits_behind(const kafka_commits *c, char *desc, size_t desclen)
{
    long n = 0;
    size_t len = 0;
    if (desc && desclen) desc[0] = '\0';
    for (size_t i = 0; c && i < c->n; i++) {
        long b = behind_of(&c->v[i]);
        if (!b) continue;
        n += b;
        if (desc && len + 1 < desclen)
            len += (size_t)snprintf(desc + len, desclen - len, "%s%s[%d] committed %lld of %lld",
                                    len ? ", " : "", c->v[i].topic, (int)c->v[i].partition,
                                    (long long)c->v[i].acked, (long long)c->v[i].asked);
        if (len >= desclen) len = desclen - 1;
    }
    return n;
}
