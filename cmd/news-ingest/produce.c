/* produce.c: `news-ingest produce`: page files -> one message each on a topic (backfills). */
#include "cmd.h"

#include "config/config.h"
#include "kafka/kafka.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "news-ingest produce"
#define PRODUCE_MAX_BYTES (64u * 1024 * 1024)

static void usage(FILE *f)
{
    fprintf(f, "usage: news-ingest produce --brokers LIST [OPTIONS] FILE...\n"
               "\n"
               "Publishes each FILE (\"-\" = stdin) as one message, for backfills and for trying\n"
               "the service. Headers: content-type (given, or from the file name: .html/.htm\n"
               "text/html, .txt text/plain, else none so the worker sniffs), url (when given;\n"
               "it is also the key). Idempotent producer, acks=all; waits for every delivery.\n"
               "\n"
               "options:\n"
               "  -b, --brokers LIST        bootstrap servers (host:port,...)\n"
               "  -t, --topic NAME          topic (default pages)\n"
               "  -u, --url URL             the pages' URL (header and key; every FILE)\n"
               "  -c, --content-type TYPE   content-type header for every FILE\n"
               "  -X [producer.]PROP=VALUE  any librdkafka property (SASL/SSL too)\n"
               "  -h, --help                this text\n"
               "\n"
               "exit status: 0 all delivered, 1 some file failed, 2 usage error.\n");
}

typedef struct produce_opts {
    config cfg; /* brokers and -X properties (for kafka_conf_new) */
    const char *topic, *url, *content_type;
} produce_opts;

static int failures;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    if (!m->err) return;
    failures++;
    fprintf(stderr, PROG ": %s: %s\n", (const char *)m->_private, rd_kafka_err2str(m->err));
}

static const char *type_of(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))) return "text/html";
    if (dot && !strcmp(dot, ".txt")) return "text/plain";
    return NULL;
}

/* send_file: one file as one message; 0 or -1 (message on stderr). */
static int send_file(rd_kafka_t *rk, const produce_opts *o, const char *file)
{
    char *buf = NULL, err[512];
    size_t len = 0;
    if (util_file_read(file, PRODUCE_MAX_BYTES, &buf, &len, err, sizeof err)) {
        fprintf(stderr, PROG ": %s: %s\n", file, err);
        return -1;
    }
    rd_kafka_headers_t *h = rd_kafka_headers_new(2);
    const char *type = o->content_type ? o->content_type : type_of(file);
    if (type) rd_kafka_header_add(h, "content-type", -1, type, -1);
    if (o->url) rd_kafka_header_add(h, "url", -1, o->url, -1);
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_KEY(o->url, o->url ? strlen(o->url) : 0),
                RD_KAFKA_V_VALUE(buf, len), RD_KAFKA_V_HEADERS(h),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE), RD_KAFKA_V_OPAQUE((void *)file),
                RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(rk, 100);
    if (!e) return 0;
    rd_kafka_headers_destroy(h);
    free(buf);
    fprintf(stderr, PROG ": %s: %s\n", file, rd_kafka_err2str(e));
    return -1;
}

/* options: fills *o; 0, -1 after --help, or 2 after a usage message. */
static int options(int argc, char **argv, produce_opts *o)
{
    static const struct option longopts[] = {
        {"brokers", required_argument, NULL, 'b'}, {"topic", required_argument, NULL, 't'},
        {"url", required_argument, NULL, 'u'},     {"content-type", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    char err[512];
    int c;
    opterr = 0;
    o->topic = "pages";
    while ((c = getopt_long(argc, argv, ":b:t:u:c:X:h", longopts, NULL)) != -1) {
        if (c == 'h') return usage(stdout), -1;
        if (c == 'b') o->cfg.brokers = optarg;
        if (c == 't') o->topic = optarg;
        if (c == 'u') o->url = optarg;
        if (c == 'c') o->content_type = optarg;
        if (c == 'X' && config_props_parse(&o->cfg.props, optarg, err, sizeof err)) {
            fprintf(stderr, PROG ": -X %s: %s\n", optarg, err);
            return 2;
        }
        if (c == '?' || c == ':') {
            fprintf(stderr, PROG ": bad option or missing value: %s\n", argv[optind - 1]);
            return 2;
        }
    }
    if (!o->cfg.brokers || optind >= argc) {
        fprintf(stderr, PROG ": %s\n", o->cfg.brokers ? "no FILE given" : "--brokers is required");
        return 2;
    }
    return 0;
}

/* client: the producer (idempotent, acks=all) with -X applied; NULL after a message. */
static rd_kafka_t *client(const produce_opts *o, int *status)
{
    rd_kafka_conf_t *conf = NULL;
    char err[512];
    *status = 2;
    if (kafka_conf_new(&o->cfg, CONFIG_SCOPE_PRODUCER, &conf, err, sizeof err)) {
        fprintf(stderr, PROG ": %s\n", err);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf); /* rd_kafka_new takes it only on success */
        fprintf(stderr, PROG ": %s\n", err);
        *status = 1;
    }
    return rk;
}

int cmd_produce(int argc, char **argv)
{
    produce_opts o = {.cfg = {.brokers = NULL}};
    int status = options(argc, argv, &o);
    rd_kafka_t *rk = status ? NULL : client(&o, &status);
    if (!rk) {
        config_props_free(&o.cfg.props);
        return status < 0 ? 0 : status;
    }
    int files = argc - optind, sent = 0;
    for (int i = optind; i < argc; i++) sent += send_file(rk, &o, argv[i]) == 0;
    if (rd_kafka_flush(rk, 60 * 1000)) failures += rd_kafka_outq_len(rk);
    rd_kafka_destroy(rk);
    config_props_free(&o.cfg.props);
    fprintf(stderr, PROG ": %d of %d messages delivered to %s\n", sent - failures, files, o.topic);
    return sent - failures == files ? 0 : 1;
}
