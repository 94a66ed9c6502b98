/* test_kafka_offsets.c: unit tests of the per-partition completion tracking (no broker). */
#include "kafka/offsets.h"

#include <criterion/criterion.h>
#include <string.h>

/* committed_at: the offset listed for (topic, partition) in l, or -2 when not listed. */
static int64_t committed_at(const rd_kafka_topic_partition_list_t *l, const char *topic,
                            int32_t partition)
{
    for (int i = 0; l && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &l->elems[i];
        if (e->partition == partition && !strcmp(e->topic, topic)) return e->offset;
    }
    return -2;
}

/* take: the committable list's offset for one partition and the list's length; frees it. */
static int64_t take(kafka_offsets *o, int all, const char *topic, int32_t partition, int *cnt)
{
    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(o, all);
    int64_t off = committed_at(l, topic, partition);
    if (cnt) *cnt = l ? l->cnt : 0;
    if (l) rd_kafka_topic_partition_list_destroy(l);
    return off;
}

Test(kafka_offsets, create_destroy_and_null)
{
    kafka_offsets *o = kafka_offsets_create();
    cr_assert_not_null(o);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    cr_assert_null(kafka_offsets_committable(o, 0));
    cr_assert_null(kafka_offsets_committable(o, 1));
    kafka_offsets_destroy(o);
    kafka_offsets_destroy(NULL);
}

Test(kafka_offsets, ticket_accessors)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *t = kafka_offsets_track(o, "pages", 7, 1234567890123LL);
    cr_assert_not_null(t);
    cr_assert_str_eq(kafka_ticket_topic(t), "pages");
    cr_assert_eq(kafka_ticket_partition(t), 7);
    cr_assert_eq(kafka_ticket_offset(t), 1234567890123LL);
    cr_assert_eq(kafka_offsets_inflight(o), 1);
    kafka_ticket_done(o, t);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    cr_assert_eq(take(o, 0, "pages", 7, NULL), 1234567890124LL);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, out_of_order_completion_advances_over_contiguous_prefix)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *t[5];
    for (int i = 0; i < 5; i++) t[i] = kafka_offsets_track(o, "pages", 0, 10 + i);
    cr_assert_eq(kafka_offsets_inflight(o), 5);

    kafka_ticket_done(o, t[1]);
    kafka_ticket_done(o, t[2]);
    kafka_ticket_done(o, t[4]);
    cr_assert_eq(kafka_offsets_inflight(o), 2);
    cr_assert_null(kafka_offsets_committable(o, 0), "offset 10 is pending: nothing to commit");

    kafka_ticket_done(o, t[0]);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 13, "10..12 complete, 13 pending");
    cr_assert_null(kafka_offsets_committable(o, 0), "nothing moved since the last call");

    kafka_ticket_done(o, t[3]);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 15);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, gaps_in_offsets_are_normal)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 5);
    kafka_ticket *b = kafka_offsets_track(o, "pages", 0, 9); /* 6..8: markers, compacted */
    kafka_ticket *c = kafka_offsets_track(o, "pages", 0, 40);
    kafka_ticket_done(o, b);
    cr_assert_null(kafka_offsets_committable(o, 0));
    kafka_ticket_done(o, a);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 10);
    kafka_ticket_done(o, c);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 41);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, multiple_outputs_per_ticket)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *t = kafka_offsets_track(o, "pages", 2, 100);
    kafka_ticket_ref(t);     /* record */
    kafka_ticket_ref(t);     /* entity events */
    kafka_ticket_done(o, t); /* the worker's own reference */
    cr_assert_null(kafka_offsets_committable(o, 1), "two outputs undelivered");
    cr_assert_eq(kafka_offsets_inflight(o), 1);
    kafka_ticket_done(o, t);
    cr_assert_null(kafka_offsets_committable(o, 1), "one output undelivered");
    kafka_ticket_done(o, t);
    cr_assert_eq(take(o, 0, "pages", 2, NULL), 101);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, failure_blocks_partition_until_retried_and_done)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 0);
    kafka_ticket *b = kafka_offsets_track(o, "pages", 0, 1);
    kafka_ticket *c = kafka_offsets_track(o, "pages", 0, 2);
    kafka_ticket *other = kafka_offsets_track(o, "pages", 1, 0);
    kafka_ticket_ref(b); /* b's record */
    kafka_ticket_done(o, a);
    kafka_ticket_done(o, b);
    kafka_ticket_done(o, c);
    kafka_ticket_done(o, other);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 1);

    kafka_ticket_failed(o, b);
    cr_assert_eq(kafka_offsets_stuck(o), 1);
    cr_assert_eq(kafka_offsets_inflight(o), 1, "the failed output keeps its reference");
    cr_assert_null(kafka_offsets_committable(o, 0), "stuck at offset 1");
    cr_assert_eq(take(o, 1, "pages", 0, NULL), 1, "all still lists the old committable");

    kafka_ticket_retried(o, b);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    kafka_ticket_failed(o, b); /* the retry failed too */
    cr_assert_eq(kafka_offsets_stuck(o), 1);
    kafka_ticket_retried(o, b);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    cr_assert_null(kafka_offsets_committable(o, 0), "retried but not delivered yet");

    kafka_ticket_done(o, b);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 3);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, delivery_after_failure_clears_stuck)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *t = kafka_offsets_track(o, "pages", 0, 0);
    kafka_ticket_ref(t);
    kafka_ticket_done(o, t);
    kafka_ticket_failed(o, t);
    kafka_ticket_failed(o, t);
    cr_assert_eq(kafka_offsets_stuck(o), 1, "stuck counts partitions, not failures");
    kafka_ticket_done(o, t); /* delivered without a separate retried call */
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 1);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, stuck_counts_partitions)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 0);
    kafka_ticket *b = kafka_offsets_track(o, "pages", 1, 0);
    kafka_ticket *c = kafka_offsets_track(o, "other", 0, 0);
    kafka_ticket_failed(o, a);
    kafka_ticket_failed(o, b);
    cr_assert_eq(kafka_offsets_stuck(o), 2);
    kafka_ticket_failed(o, c);
    cr_assert_eq(kafka_offsets_stuck(o), 3);
    kafka_ticket_retried(o, b);
    cr_assert_eq(kafka_offsets_stuck(o), 2);
    kafka_ticket_retried(o, b); /* no failure left: no effect */
    cr_assert_eq(kafka_offsets_stuck(o), 2);
    kafka_offsets_forget(o, "pages", 0);
    cr_assert_eq(kafka_offsets_stuck(o), 1, "a forgotten partition is not stuck");
    kafka_ticket_done(o, a);
    kafka_ticket_done(o, b);
    kafka_ticket_done(o, c);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, committable_lists_moved_partitions_all_lists_all)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *p0 = kafka_offsets_track(o, "pages", 0, 3);
    kafka_ticket *p1 = kafka_offsets_track(o, "pages", 1, 8);
    kafka_ticket *p2 = kafka_offsets_track(o, "pages", 2, 0); /* stays pending */
    kafka_ticket_done(o, p0);
    kafka_ticket_done(o, p1);
    int cnt = 0;
    cr_assert_eq(take(o, 0, "pages", 0, &cnt), 4);
    cr_assert_eq(cnt, 2);

    kafka_ticket *p0b = kafka_offsets_track(o, "pages", 0, 4);
    kafka_ticket_done(o, p0b);
    cr_assert_eq(take(o, 0, "pages", 0, &cnt), 5);
    cr_assert_eq(cnt, 1, "only partition 0 moved");

    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(o, 1);
    cr_assert_not_null(l);
    cr_assert_eq(l->cnt, 2, "all: every partition with a committable offset");
    cr_assert_eq(committed_at(l, "pages", 0), 5);
    cr_assert_eq(committed_at(l, "pages", 1), 9);
    cr_assert_eq(committed_at(l, "pages", 2), -2, "partition 2 has nothing complete");
    rd_kafka_topic_partition_list_destroy(l);
    cr_assert_null(kafka_offsets_committable(o, 0));

    kafka_ticket_done(o, p2);
    cr_assert_eq(take(o, 0, "pages", 2, &cnt), 1);
    cr_assert_eq(cnt, 1);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, two_topics_same_partition_are_separate)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 50);
    kafka_ticket *b = kafka_offsets_track(o, "pages.retry", 0, 7);
    kafka_ticket_done(o, b);
    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(o, 0);
    cr_assert_not_null(l);
    cr_assert_eq(l->cnt, 1);
    cr_assert_eq(committed_at(l, "pages.retry", 0), 8);
    cr_assert_eq(committed_at(l, "pages", 0), -2);
    rd_kafka_topic_partition_list_destroy(l);
    kafka_ticket_done(o, a);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 51);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, many_partitions)
{
    kafka_offsets *o = kafka_offsets_create();
    enum { NP = 64, NM = 20 };
    kafka_ticket *t[NP][NM];
    for (int m = 0; m < NM; m++)
        for (int p = 0; p < NP; p++) t[p][m] = kafka_offsets_track(o, "pages", p, m * 2);
    cr_assert_eq(kafka_offsets_inflight(o), NP * NM);
    for (int p = 0; p < NP; p++)
        for (int m = NM - 1; m >= p % NM; m--) kafka_ticket_done(o, t[p][m]);
    rd_kafka_topic_partition_list_t *l = kafka_offsets_committable(o, 0);
    cr_assert_not_null(l);
    cr_assert_eq(l->cnt, (NP + NM - 1) / NM, "only partitions with p %% 20 == 0 moved");
    for (int p = 0; p < NP; p++)
        cr_assert_eq(committed_at(l, "pages", p), p % NM ? -2 : (NM - 1) * 2 + 1, "p=%d", p);
    rd_kafka_topic_partition_list_destroy(l);
    kafka_offsets_destroy(o); /* pending tickets freed (ASan) */
}

Test(kafka_offsets, forget_with_pending_tickets)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 3, 0);
    kafka_ticket *b = kafka_offsets_track(o, "pages", 3, 1);
    kafka_ticket *c = kafka_offsets_track(o, "pages", 3, 2);
    kafka_ticket *keep = kafka_offsets_track(o, "pages", 4, 0);
    kafka_ticket_ref(a);
    kafka_ticket_done(o, a);
    kafka_ticket_done(o, b); /* complete, behind a */
    kafka_ticket_failed(o, c);
    cr_assert_eq(kafka_offsets_stuck(o), 1);

    kafka_offsets_forget(o, "pages", 3);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    cr_assert_eq(kafka_offsets_inflight(o), 3, "forgotten tickets still in flight");
    cr_assert_str_eq(kafka_ticket_topic(a), "pages", "a referenced ticket stays valid");
    cr_assert_eq(kafka_ticket_partition(c), 3);

    kafka_ticket_done(o, a);
    kafka_ticket_retried(o, c);
    kafka_ticket_done(o, c);
    cr_assert_eq(kafka_offsets_inflight(o), 1);
    cr_assert_null(kafka_offsets_committable(o, 1), "nothing committed for a forgotten partition");

    kafka_ticket_done(o, keep);
    int cnt = 0;
    cr_assert_eq(take(o, 1, "pages", 4, &cnt), 1);
    cr_assert_eq(cnt, 1);
    kafka_offsets_forget(o, "pages", 99); /* unknown: no effect */
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, forget_then_reassign_starts_fresh)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *old = kafka_offsets_track(o, "pages", 0, 10);
    kafka_offsets_forget(o, "pages", 0);
    kafka_ticket *t = kafka_offsets_track(o, "pages", 0, 11);
    kafka_ticket_done(o, t);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 12);
    kafka_ticket_done(o, old); /* the old generation completing changes nothing */
    cr_assert_null(kafka_offsets_committable(o, 0));
    cr_assert_eq(take(o, 1, "pages", 0, NULL), 12);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, forget_with_pending_then_destroy)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 0);
    kafka_ticket_ref(a);
    kafka_offsets_track(o, "pages", 0, 1);
    kafka_offsets_forget(o, "pages", 0);
    cr_assert_eq(kafka_offsets_inflight(o), 2);
    kafka_offsets_destroy(o); /* detached tickets freed too (ASan) */
}

Test(kafka_offsets, redelivery_of_lower_offset_restarts_tracking)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *a = kafka_offsets_track(o, "pages", 0, 20);
    kafka_ticket *b = kafka_offsets_track(o, "pages", 0, 21);
    kafka_ticket_done(o, a);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 21);

    kafka_ticket *r = kafka_offsets_track(o, "pages", 0, 15); /* seek back */
    cr_assert_eq(kafka_ticket_offset(r), 15);
    cr_assert_eq(kafka_offsets_inflight(o), 2);
    kafka_ticket_done(o, b); /* the old generation: ignored */
    cr_assert_null(kafka_offsets_committable(o, 0), "offset 15 is pending");
    kafka_ticket_done(o, r);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 16, "tracking restarted from 15");

    kafka_ticket *same = kafka_offsets_track(o, "pages", 0, 15); /* same offset again */
    kafka_ticket *next = kafka_offsets_track(o, "pages", 0, 16);
    kafka_ticket_done(o, next);
    cr_assert_null(kafka_offsets_committable(o, 0));
    kafka_ticket_done(o, same);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 17);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, destroy_with_pending_tickets_leaks_nothing)
{
    kafka_offsets *o = kafka_offsets_create();
    for (int p = 0; p < 4; p++)
        for (int i = 0; i < 100; i++) {
            kafka_ticket *t = kafka_offsets_track(o, p % 2 ? "a" : "b", p, i);
            if (i % 3 == 0)
                kafka_ticket_done(o, t);
            else
                kafka_ticket_ref(t);
        }
    cr_assert_eq(kafka_offsets_inflight(o), 4 * 66);
    kafka_offsets_destroy(o); /* ASan/valgrind: no leak */
}

Test(kafka_offsets, null_arguments_are_harmless)
{
    kafka_offsets *o = kafka_offsets_create();
    cr_assert_null(kafka_offsets_track(o, NULL, 0, 0));
    cr_assert_null(kafka_offsets_track(NULL, "pages", 0, 0));
    kafka_ticket_ref(NULL);
    kafka_ticket_done(o, NULL);
    kafka_ticket_failed(o, NULL);
    kafka_ticket_retried(o, NULL);
    kafka_offsets_forget(o, NULL, 0);
    kafka_offsets_forget(NULL, "pages", 0);
    cr_assert_null(kafka_offsets_committable(NULL, 1));
    cr_assert_eq(kafka_offsets_inflight(NULL), 0);
    cr_assert_eq(kafka_offsets_stuck(NULL), 0);
    cr_assert_eq(kafka_offsets_inflight(o), 0);
    kafka_offsets_destroy(o);
}

Test(kafka_offsets, failure_on_a_forgotten_ticket_is_not_stuck)
{
    kafka_offsets *o = kafka_offsets_create();
    kafka_ticket *t = kafka_offsets_track(o, "pages", 0, 0);
    kafka_ticket_ref(t);
    kafka_offsets_forget(o, "pages", 0);
    kafka_ticket_failed(o, t);
    cr_assert_eq(kafka_offsets_stuck(o), 0);
    kafka_ticket *n = kafka_offsets_track(o, "pages", 0, 0); /* reassigned meanwhile */
    kafka_ticket_done(o, t);
    kafka_ticket_done(o, t);
    cr_assert_eq(kafka_offsets_inflight(o), 1);
    cr_assert_null(kafka_offsets_committable(o, 1));
    kafka_ticket_done(o, n);
    cr_assert_eq(take(o, 0, "pages", 0, NULL), 1);
    kafka_offsets_destroy(o);
}
