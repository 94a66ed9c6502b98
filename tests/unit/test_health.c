/* test_health.c: unit tests of the readiness verdict and the liveness heartbeat. */
#include "metrics/health.h"

#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

static health *h;
static char why[256];

static void setup(void)
{
    h = health_create();
    cr_assert_not_null(h);
}

static void teardown(void)
{
    health_destroy(h);
}

/* all_good: joined with partitions, producer up, nothing stuck, not draining. */
static void all_good(void)
{
    health_assigned_set(h, 2);
    health_producer_up_set(h, 1);
    health_stuck_set(h, 0);
    health_draining_set(h, 0);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

TestSuite(health, .init = setup, .fini = teardown);

Test(health, not_ready_before_joining)
{
    health_producer_up_set(h, 1);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert(strstr(why, "not joined"), "%s", why);
}

Test(health, ready_when_all_good)
{
    all_good();
    strcpy(why, "stale text");
    cr_assert_eq(health_ready(h, why, sizeof why), 1);
    cr_assert_str_eq(why, "");
    cr_assert_eq(health_ready(h, NULL, 0), 1);
}

Test(health, not_ready_without_partitions)
{
    all_good();
    health_assigned_set(h, 0);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why, "not assigned: waiting for a partition assignment");
    health_assigned_set(h, 1);
    cr_assert_eq(health_ready(h, why, sizeof why), 1);
}

Test(health, not_ready_without_producer)
{
    all_good();
    health_producer_up_set(h, 0);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why, "producer: no broker reached yet");
}

Test(health, not_ready_when_stuck)
{
    all_good();
    health_stuck_set(h, 1);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why, "stuck: 1 partition cannot commit (delivery failed)");
    health_stuck_set(h, 3);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why, "stuck: 3 partitions cannot commit (delivery failed)");
    health_stuck_set(h, 0);
    cr_assert_eq(health_ready(h, why, sizeof why), 1);
}

Test(health, draining_wins)
{
    all_good();
    health_stuck_set(h, 1);
    health_draining_set(h, 1);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why, "draining: shutdown in progress");
}

Test(health, small_why_buffer_truncates)
{
    char small[8];
    cr_assert_eq(health_ready(h, small, sizeof small), 0);
    cr_assert_eq(strlen(small), sizeof small - 1);
}

Test(health, live_staleness)
{
    cr_assert_eq(health_live(h, 60000, why, sizeof why), 1, "creation counts as a beat");
    sleep_ms(30);
    cr_assert_eq(health_live(h, 10, why, sizeof why), 0);
    cr_assert(strstr(why, "stale"), "%s", why);
    cr_assert_eq(health_live(h, 0, why, sizeof why), 1, "0 disables the check");
    health_beat(h);
    cr_assert_eq(health_live(h, 60000, why, sizeof why), 1);
    cr_assert_str_eq(why, "");
}

Test(health, destroy_null_is_noop)
{
    health_destroy(NULL);
    cr_assert_not_null(h);
}

Test(health, last_client_error_follows_the_reason_until_a_broker_answers)
{
    health *x = health_create();
    char r[512];
    cr_assert_eq(health_client_error_set(x, -169, "Local: Authentication failure: bad login", 0),
                 1);
    cr_assert_eq(health_client_error_set(x, -187, "Local: All broker connections are down", 1), 0,
                 "a symptom does not replace the cause");
    cr_assert_eq(health_client_error_set(x, -169, "Local: Authentication failure: again", 0), 0,
                 "the same cause again is not new");
    cr_assert_eq(health_client_error_set(x, -195, "Local: Broker transport failure", 0), 1);
    cr_assert_eq(health_client_error_set(x, -169, "Local: Authentication failure: again", 0), 0,
                 "alternating causes are each new once");
    cr_assert_eq(health_ready(x, r, sizeof r), 0);
    cr_assert_str_eq(r, "not joined: waiting to join the consumer group; last Kafka error: "
                        "Local: Authentication failure: again");
    health_producer_up_set(x, 1); /* a broker answered: the error is history */
    cr_assert_eq(health_ready(x, r, sizeof r), 0);
    cr_assert_str_eq(r, "not joined: waiting to join the consumer group");
    health_assigned_set(x, 2);
    cr_assert_eq(health_ready(x, r, sizeof r), 1);
    cr_assert_eq(health_client_error_set(x, -187, "Local: All broker connections are down", 1), 1,
                 "a symptom is shown when no cause is known");
    health_producer_up_set(x, 0);
    cr_assert_eq(health_ready(x, r, sizeof r), 0);
    cr_assert(strstr(r, "producer: no broker reached yet; last Kafka error: Local: All broker"),
              "%s", r);
    health_destroy(x);
    health_destroy(NULL);
}

Test(health, not_ready_while_the_consumer_cannot_read)
{
    all_good();
    health_client_error_set(h, -199, "Local: Bad message format: b/1: Receive failed", 0);
    health_consumer_blocked_set(h, "b/1: Receive failed: increase receive.message.max.bytes");
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert_str_eq(why,
                     "stuck: the consumer cannot read from a broker: b/1: Receive failed: "
                     "increase receive.message.max.bytes",
                     "the reason once, without the client error repeating it");
    health_stuck_set(h, 2);
    cr_assert_eq(health_ready(h, why, sizeof why), 0);
    cr_assert(strstr(why, "cannot read from a broker"), "blocked names the cause first: %s", why);
    health_consumer_blocked_set(h, NULL);
    health_stuck_set(h, 0);
    health_assigned_set(h, 2); /* partitions again: the client error is cleared */
    cr_assert_eq(health_ready(h, why, sizeof why), 1, "%s", why);
}
