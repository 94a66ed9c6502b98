/* test_worker_first_assignment.c: `news-ingest run` started and stopped 50 times around its
 * first group assignment against a broker helper process: every stop is a clean exit 0 (Debian
 * 12's librdkafka 2.0.2 aborts in rdkafka_sticky_assignor.c when a cooperative-sticky consumer
 * closes between its JoinGroup response and its first assignment; see README, librdkafka). */
#include "support.h"
#include "support_kafka.h"
#include "support_proc.h"
#include "support_spawn.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLES 50
#define WAIT_MS 60000 /* for a stop point or an exit: generous, only a hang reaches it */

/* Where a cycle sends SIGTERM, seen in the worker's log (librdkafka's group debug lines
 * included): before the group join, between the JoinGroup response and the assignment (the
 * window of the librdkafka bug; three cycles in five), right after the first assignment. */
static const char *const stop_points[] = {"\"worker started\"", "JoinGroup response",
                                          "JoinGroup response", "JoinGroup response",
                                          "\"partitions assigned\""};
#define NPOINTS (sizeof stop_points / sizeof *stop_points)

/* cycle: one worker in group "first-assignment", SIGTERM once its log shows point; its exit
 * status (-1: the point never came, -2: no exit within WAIT_MS). */
static int cycle(const char *bs, const char *point, char **err_out)
{
    char *argv[] = {(char *)support_cli(),
                    "run",
                    "--brokers",
                    (char *)bs,
                    "--group",
                    "first-assignment",
                    "--http-listen",
                    "127.0.0.1:0",
                    "--log-level",
                    "debug",
                    "-X",
                    "consumer.debug=cgrp",
                    "-X",
                    "consumer.session.timeout.ms=6000",
                    "-X",
                    "consumer.heartbeat.interval.ms=500",
                    "--grace-ms",
                    "10000",
                    NULL};
    support_proc *w = support_spawn(argv, support_env(NULL));
    int st = -1;
    if (support_proc_wait_line(w, point, WAIT_MS)) {
        support_proc_signal(w, SIGTERM);
        st = support_proc_wait(w, WAIT_MS);
        if (st == -1) st = -2;
    }
    const char *err = support_proc_stderr(w);
    size_t len = strlen(err), keep = len > 3000 ? 3000 : len;
    *err_out = st ? strdup(err + len - keep) : NULL;
    support_proc_free(w);
    return st;
}

Test(worker_first_assignment, fifty_stops_around_the_first_assignment_exit_0, .timeout = 900)
{
    char bs[1024];
    support_proc *broker = support_broker_start(bs, sizeof bs);
    int bad = 0, aborted = 0, missed = 0, hung = 0;
    char *first_err = NULL;
    for (int i = 0; i < CYCLES; i++) {
        const char *point = stop_points[i % NPOINTS];
        char *err = NULL;
        int st = cycle(bs, point, &err);
        if (st) {
            cr_log_warn("cycle %d (SIGTERM at %s): status %d", i, point, st);
            bad++;
            aborted += st == 128 + SIGABRT;
            missed += st == -1;
            hung += st == -2;
            if (!first_err) first_err = err, err = NULL;
        }
        free(err);
    }
    cr_log_info("%d cycles: %d not exit 0 (%d aborted, %d never reached the stop point, %d did "
                "not exit)",
                CYCLES, bad, aborted, missed, hung);
    cr_expect_eq(bad, 0, "%d of %d stops failed (%d aborted); the first one's stderr ends:\n%s",
                 bad, CYCLES, aborted, first_err ? first_err : "");
    free(first_err);
    support_proc_signal(broker, SIGTERM);
    cr_assert_eq(support_proc_wait(broker, 10000), 0, "broker helper: %s",
                 support_proc_stderr(broker));
    support_proc_free(broker);
}
