/* health.c: readiness facts in C11 atomics, the /readyz verdict and the /livez heartbeat. */
#include "metrics/health.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct health {
    atomic_int assigned; /* -1 until the first assignment (not joined yet) */
    atomic_int producer_up;
    atomic_int stuck;
    atomic_int draining;
    atomic_llong beat_ms; /* CLOCK_MONOTONIC milliseconds of the last beat */
    pthread_mutex_t lock; /* guards the last client error */
    int error_code;       /* 0: none */
    char error[200];
    int seen[8], nseen; /* codes reported since the last clear (each logged once) */
    char blocked[200];  /* under lock: why the consumer cannot read a fetch response ("": it can) */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

health *health_create(void)
{
    health *h = malloc(sizeof *h);
    if (!h) return NULL;
    atomic_init(&h->assigned, -1);
    atomic_init(&h->producer_up, 0);
    atomic_init(&h->stuck, 0);
    atomic_init(&h->draining, 0);
    atomic_init(&h->beat_ms, now_ms()); /* creation counts as the first beat */
    pthread_mutex_init(&h->lock, NULL);
    h->error_code = 0;
    h->error[0] = '\0';
    h->nseen = 0;
    h->blocked[0] = '\0';
    return h;
}

void health_destroy(health *h)
{
    if (!h) return;
    pthread_mutex_destroy(&h->lock);
    free(h);
}

int health_client_error_set(health *h, int code, const char *text, int symptom)
{
    pthread_mutex_lock(&h->lock);
    if (symptom && text && h->error_code) {
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    int changed = 0;
    if (text) {
        changed = 1;
        for (int i = 0; i < h->nseen && changed; i++) changed = h->seen[i] != code;
        if (changed && h->nseen < 8) h->seen[h->nseen++] = code;
    } else {
        h->nseen = 0;
    }
    h->error_code = text ? code : 0;
    snprintf(h->error, sizeof h->error, "%s", text ? text : "");
    pthread_mutex_unlock(&h->lock);
    return changed;
}

void health_assigned_set(health *h, int partitions)
{
    atomic_store(&h->assigned, partitions < 0 ? 0 : partitions);
    if (partitions > 0) health_client_error_set(h, 0, NULL, 0);
}

void health_producer_up_set(health *h, int up)
{
    atomic_store(&h->producer_up, up != 0);
    if (up) health_client_error_set(h, 0, NULL, 0);
}

void health_stuck_set(health *h, int partitions)
{
    atomic_store(&h->stuck, partitions);
}

void health_consumer_blocked_set(health *h, const char *why)
{
    pthread_mutex_lock(&h->lock);
    snprintf(h->blocked, sizeof h->blocked, "%s", why ? why : "");
    pthread_mutex_unlock(&h->lock);
}

void health_draining_set(health *h, int draining)
{
    atomic_store(&h->draining, draining != 0);
}

void health_beat(health *h)
{
    atomic_store(&h->beat_ms, now_ms());
}

/* not_ready: writes the reason into why and returns 0. */
static int not_ready(char *why, size_t whylen, const char *reason)
{
    if (why && whylen) snprintf(why, whylen, "%s", reason);
    return 0;
}

/* verdict: ready's answer with the last client error appended to a reason for not being ready. */
static int verdict(health *h, char *why, size_t whylen);

int health_ready(health *h, char *why, size_t whylen)
{
    if (verdict(h, why, whylen)) return 1;
    if (!why || !whylen) return 0;
    pthread_mutex_lock(&h->lock);
    size_t n = strlen(why);
    if (h->error[0] && !h->blocked[0] && n < whylen) /* blocked: the error is the reason */
        snprintf(why + n, whylen - n, "; last Kafka error: %s", h->error);
    pthread_mutex_unlock(&h->lock);
    return 0;
}

/* blocked: 1 with the reason in why while the consumer cannot read a fetch response. */
static int blocked(health *h, char *why, size_t whylen)
{
    pthread_mutex_lock(&h->lock);
    int b = h->blocked[0] != '\0';
    if (b && why && whylen)
        snprintf(why, whylen, "stuck: the consumer cannot read from a broker: %s", h->blocked);
    pthread_mutex_unlock(&h->lock);
    return b;
}

static int verdict(health *h, char *why, size_t whylen)
{
    int assigned = atomic_load(&h->assigned), stuck = atomic_load(&h->stuck);
    if (atomic_load(&h->draining)) return not_ready(why, whylen, "draining: shutdown in progress");
    if (blocked(h, why, whylen)) return 0;
    if (stuck > 0) {
        if (why && whylen)
            snprintf(why, whylen, "stuck: %d partition%s cannot commit (delivery failed)", stuck,
                     stuck == 1 ? "" : "s");
        return 0;
    }
    if (assigned < 0)
        return not_ready(why, whylen, "not joined: waiting to join the consumer group");
    if (assigned == 0)
        return not_ready(why, whylen, "not assigned: waiting for a partition assignment");
    if (!atomic_load(&h->producer_up))
        return not_ready(why, whylen, "producer: no broker reached yet");
    if (why && whylen) why[0] = '\0';
    return 1;
}

int health_live(health *h, long stale_ms, char *why, size_t whylen)
{
    long long age = now_ms() - atomic_load(&h->beat_ms);
    if (stale_ms <= 0 || age <= stale_ms) {
        if (why && whylen) why[0] = '\0';
        return 1;
    }
    if (why && whylen)
        snprintf(why, whylen, "stale: worker loop last seen %lld ms ago (limit %ld ms)", age,
                 stale_ms);
    return 0;
}
