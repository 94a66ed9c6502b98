/* broker.c: `news-ingest broker`: a standalone embedded (mock) Kafka cluster until SIGTERM. */
#include "cmd.h"

#include "kafka/kafka.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "news-ingest broker"
#define MAX_TOPICS 16

static void usage(FILE *f)
{
    fprintf(f, "usage: news-ingest broker [OPTIONS]\n"
               "\n"
               "Runs librdkafka's mock cluster (a Kafka-protocol broker in memory) until SIGTERM\n"
               "or SIGINT, for trying the service from several processes and for tests. Not for\n"
               "data that matters: it keeps about 5 MiB per partition. Prints the bootstrap list\n"
               "on stdout.\n"
               "\n"
               "options:\n"
               "  -n, --broker-count N      brokers (default 3)\n"
               "  -p, --partitions N        partitions per topic (default 4)\n"
               "  -t, --topic NAME          a topic to create (repeatable; default pages,\n"
               "                            articles, pages.dlq, entities)\n"
               "  -b, --bootstrap-file PATH also write the bootstrap list to PATH\n"
               "  -h, --help                this text\n");
}

static int positive(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || end == s || v < 1 || v > 1000) return -1;
    *out = (int)v;
    return 0;
}

int cmd_broker(int argc, char **argv)
{
    static const struct option longopts[] = {{"broker-count", required_argument, NULL, 'n'},
                                             {"partitions", required_argument, NULL, 'p'},
                                             {"topic", required_argument, NULL, 't'},
                                             {"bootstrap-file", required_argument, NULL, 'b'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *topics[MAX_TOPICS] = {"pages", "articles", "pages.dlq", "entities"};
    size_t ntopics = 0;
    int brokers = 3, partitions = 4, c;
    const char *file = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:p:t:b:h", longopts, NULL)) != -1) {
        if (c == 'h') return usage(stdout), 0;
        if ((c == 'n' && positive(optarg, &brokers)) ||
            (c == 'p' && positive(optarg, &partitions)) || (c == 't' && ntopics == MAX_TOPICS) ||
            c == '?' || c == ':') {
            fprintf(stderr, PROG ": bad option or value: %s\n", argv[optind - 1]);
            return 2;
        }
        if (c == 't') topics[ntopics++] = optarg;
        if (c == 'b') file = optarg;
    }
    if (!ntopics) ntopics = 4;
    volatile sig_atomic_t *stop = cmd_signals_install();
    char err[512];
    kafka_embedded *e =
        kafka_embedded_create(brokers, partitions, topics, ntopics, err, sizeof err);
    if (!e) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    const char *list = kafka_embedded_bootstraps(e);
    printf("%s\n", list);
    fflush(stdout);
    int status = 0;
    if (file && cmd_bootstrap_file_write(file, list)) {
        fprintf(stderr, PROG ": cannot write %s\n", file);
        status = 1;
    }
    struct timespec tick = {0, 100 * 1000 * 1000};
    while (!*stop && !status) nanosleep(&tick, NULL);
    kafka_embedded_destroy(e);
    if (file) remove(file);
    return status;
}
