/* offsets.c: per-partition FIFOs of refcounted tickets and the committable offset of each. */
#include "kafka/offsets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One tracked partition. Detached (forgotten or superseded by a re-delivery) partitions stay in
 * the array, invisible to lookups, until their last ticket is freed. */
typedef struct kpart {
    char *topic;
    int32_t partition;
    int detached;
    kafka_ticket *head, *tail; /* FIFO in offset order */
    long nlive;                /* tickets not yet freed */
    long nfailed;              /* failed outputs outstanding on its tickets */
    int64_t last;              /* last tracked offset, -1 none */
    int64_t committable;       /* -1 none */
    int64_t reported;          /* committable at the last kafka_offsets_committable, -1 none */
} kpart;

struct kafka_ticket {
    kpart *part;
    kafka_ticket *prev, *next;
    int64_t offset;
    long refs;
    long nfailed;
    long failures;      /* failed attempts in all (kafka_ticket_failed calls) */
    long long since_ms; /* monotonic ms when tracked */
    int complete;
};

struct kafka_offsets {
    kpart **parts;
    size_t n, cap;
    long inflight;
};

kafka_offsets *kafka_offsets_create(void)
{
    return calloc(1, sizeof(kafka_offsets));
}

static void part_free(kpart *p)
{
    kafka_ticket *t = p->head;
    while (t) {
        kafka_ticket *next = t->next;
        free(t);
        t = next;
    }
    free(p->topic);
    free(p);
}

void kafka_offsets_destroy(kafka_offsets *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) part_free(o->parts[i]);
    free(o->parts);
    free(o);
}

/* part_find: the live partition (topic, partition), or NULL. */
static kpart *part_find(const kafka_offsets *o, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < o->n; i++) {
        kpart *p = o->parts[i];
        if (!p->detached && p->partition == partition && !strcmp(p->topic, topic)) return p;
    }
    return NULL;
}

/* part_new: a new live partition appended to the array; NULL when out of memory. */
static kpart *part_new(kafka_offsets *o, const char *topic, int32_t partition)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        kpart **parts = realloc(o->parts, cap * sizeof *parts);
        if (!parts) return NULL;
        o->parts = parts;
        o->cap = cap;
    }
    kpart *p = calloc(1, sizeof *p);
    if (!p || !(p->topic = strdup(topic))) {
        free(p);
        return NULL;
    }
    p->partition = partition;
    p->last = p->committable = p->reported = -1;
    o->parts[o->n++] = p;
    return p;
}

/* part_remove: drops p from the array and frees it (its FIFO must hold no referenced ticket). */
static void part_remove(kafka_offsets *o, kpart *p)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->parts[i] == p) {
            o->parts[i] = o->parts[--o->n];
            break;
        }
    }
    part_free(p);
}

static void ticket_unlink(kpart *p, kafka_ticket *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        p->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        p->tail = t->prev;
    p->nlive--;
    free(t);
}

/* part_detach: p stops being tracked: complete tickets are freed now, referenced ones when their
 * last reference goes; p itself when it holds no ticket. */
static void part_detach(kafka_offsets *o, kpart *p)
{
    p->detached = 1;
    for (kafka_ticket *t = p->head, *next; t; t = next) {
        next = t->next;
        if (t->complete) ticket_unlink(p, t);
    }
    if (!p->nlive) part_remove(o, p);
}

kafka_ticket *kafka_offsets_track(kafka_offsets *o, const char *topic, int32_t partition,
                                  int64_t offset)
{
    if (!o || !topic) return NULL;
    kpart *p = part_find(o, topic, partition);
    if (p && offset <= p->last) {
        part_detach(o, p); /* re-delivery after a seek: start over from offset */
        p = NULL;
    }
    if (!p && !(p = part_new(o, topic, partition))) return NULL;
    kafka_ticket *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t->part = p;
    t->offset = offset;
    t->refs = 1;
    t->since_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    t->prev = p->tail;
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    p->nlive++;
    p->last = offset;
    o->inflight++;
    return t;
}

void kafka_ticket_ref(kafka_ticket *t)
{
    if (t) t->refs++;
}

/* part_advance: pops the complete prefix of the FIFO, moving the committable offset past it. */
static void part_advance(kpart *p)
{
    while (p->head && p->head->complete) {
        p->committable = p->head->offset + 1;
        ticket_unlink(p, p->head);
    }
}

void kafka_ticket_done(kafka_offsets *o, kafka_ticket *t)
{
    if (!t || t->complete || --t->refs > 0) return;
    kpart *p = t->part;
    t->complete = 1;
    p->nfailed -= t->nfailed;
    t->nfailed = 0;
    o->inflight--;
    if (p->detached) {
        ticket_unlink(p, t);
        if (!p->nlive) part_remove(o, p);
        return;
    }
    part_advance(p);
}

void kafka_ticket_failed(kafka_offsets *o, kafka_ticket *t)
{
    if (!t || t->complete) return;
    t->nfailed++;
    t->failures++;
    t->part->nfailed++;
}

long kafka_ticket_failures(const kafka_ticket *t)
{
    return t ? t->failures : 0;
}

void kafka_ticket_retried(kafka_offsets *o, kafka_ticket *t)
{
    if (!t || t->complete || !t->nfailed) return;
    t->nfailed--;
    t->part->nfailed--;
}

const char *kafka_ticket_topic(const kafka_ticket *t)
{
    return t->part->topic;
}

int32_t kafka_ticket_partition(const kafka_ticket *t)
{
    return t->part->partition;
}

int64_t kafka_ticket_offset(const kafka_ticket *t)
{
    return t->offset;
}

/* wanted: whether p belongs in a committable list (all: any committable offset; else moved). */
static int wanted(const kpart *p, int all)
{
    if (p->detached || p->committable < 0) return 0;
    return all || p->committable != p->reported;
}

rd_kafka_topic_partition_list_t *kafka_offsets_committable(kafka_offsets *o, int all)
{
    if (!o) return NULL;
    int n = 0;
    for (size_t i = 0; i < o->n; i++) n += wanted(o->parts[i], all);
    if (!n) return NULL;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    if (!l) return NULL;
    for (size_t i = 0; i < o->n; i++) {
        kpart *p = o->parts[i];
        if (!wanted(p, all)) continue;
        rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset = p->committable;
        p->reported = p->committable;
    }
    return l;
}

void kafka_offsets_forget(kafka_offsets *o, const char *topic, int32_t partition)
{
    if (!o || !topic) return;
    kpart *p = part_find(o, topic, partition);
    if (p) part_detach(o, p);
}

long kafka_offsets_inflight(const kafka_offsets *o)
{
    return o ? o->inflight : 0;
}

int kafka_offsets_stalled(const kafka_offsets *o, long long now_ms, long limit_ms)
{
    int n = 0;
    for (size_t i = 0; o && i < o->n; i++) {
        const kpart *p = o->parts[i];
        n += !p->detached && !p->nfailed && p->head && !p->head->complete &&
             now_ms - p->head->since_ms > limit_ms;
    }
    return n;
}

int kafka_offsets_stuck(const kafka_offsets *o)
{
    int n = 0;
    for (size_t i = 0; o && i < o->n; i++) n += !o->parts[i]->detached && o->parts[i]->nfailed > 0;
    return n;
}
