/* main.c: news-ingest entry point: argument parsing and wiring of the commands only. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: news-ingest COMMAND [OPTIONS]\n"
               "\n"
               "commands:\n"
               "  run       the worker: consume pages from Kafka, publish article records\n"
               "  parse     turn page files into article records (JSON lines on stdout)\n"
               "  produce   publish page files to a Kafka topic (backfills, trying the service)\n"
               "  broker    run an in-memory Kafka-protocol cluster (trying the service, tests)\n"
               "  tag       tag CoNLL tokens with named entities (tag --conll < tokens)\n"
               "  train-ner train the named-entity tagger on a CoNLL file\n"
               "  train-clusters learn word clusters from unlabelled text (for train-ner)\n"
               "  kb-cities world-cities.csv as knowledge-base lines (make kb-cities)\n"
               "  wikifane-conll WikiFANE as a second training corpus (for train-ner --aux)\n"
               "  ner-overlap 8-gram overlap of training text with ANERcorp test\n"
               "  version   print the version\n"
               "\n"
               "news-ingest COMMAND --help shows the options of a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "parse")) return cmd_parse(argc - 1, argv + 1);
    if (!strcmp(cmd, "produce")) return cmd_produce(argc - 1, argv + 1);
    if (!strcmp(cmd, "broker")) return cmd_broker(argc - 1, argv + 1);
    if (!strcmp(cmd, "tag")) return cmd_tag(argc - 1, argv + 1);
    if (!strcmp(cmd, "train-ner")) return cmd_train_ner(argc - 1, argv + 1);
    if (!strcmp(cmd, "train-clusters")) return cmd_train_clusters(argc - 1, argv + 1);
    if (!strcmp(cmd, "kb-cities")) return cmd_kb_cities(argc - 1, argv + 1);
    if (!strcmp(cmd, "wikifane-conll")) return cmd_wikifane_conll(argc - 1, argv + 1);
    if (!strcmp(cmd, "ner-overlap")) return cmd_ner_overlap(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("news-ingest %s\n", NI_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "news-ingest: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
