/* parse.c: `news-ingest parse`: page files -> one JSON record per line on stdout, in order. */
#include "cmd.h"

#include "entities/entities.h"
#include "extract/datetime.h"
#include "page/page.h"
#include "pipeline/pipeline.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "news-ingest parse"

/* The command line, after parsing. */
typedef struct parse_opts {
    page_hints hints;
    const char *url;
    const char *fetched_at;
    const char *ner_model, *kb; /* NULL: the defaults (cmd_data_path) */
    int no_entities;
    char **files;
    int nfiles;
} parse_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest parse [OPTIONS] FILE...\n"
            "\n"
            "Turns raw scraped news pages (plain text as a scraper saved it, or HTML) into\n"
            "article records (schema news.article/1): one JSON object per input on stdout, one\n"
            "per line, in input order. FILE \"-\" reads standard input.\n"
            "\n"
            "options:\n"
            "  -t, --content-type TYPE  text/plain, text/html or auto (default: auto, sniffed\n"
            "                           from the bytes)\n"
            "  -u, --url URL            the pages' URL (wins over a URL the page states); sets\n"
            "                           url, canonical_url, source.domain and the record id.\n"
            "                           Applies to every FILE\n"
            "  -f, --fetched-at TIME    ISO 8601 fetch time (e.g. 2026-11-21T10:00:00Z); a page\n"
            "                           that shows only a time of day takes this date\n"
            "                           (published_at_source \"page_time+fetched_date\")\n"
            "  -c, --charset NAME       declared charset of the bytes (e.g. windows-1256); wins\n"
            "                           over BOM/meta sniffing unless the bytes are invalid in it\n"
            "  -m, --max-bytes N        size limit per input, in bytes, or with a K/M/G suffix\n"
            "                           (default 16M); larger inputs fail with a clear error\n"
            "      --ner-model PATH     entity tagger model (default: $NEWS_INGEST_NER_MODEL,\n"
            "                           else <program dir>/../" CMD_NER_MODEL_REL ",\n"
            "                           else ./" CMD_NER_MODEL_REL ")\n"
            "      --kb PATH            entity knowledge base (default: $NEWS_INGEST_KB, else\n"
            "                           <program dir>/../" CMD_KB_REL ",\n"
            "                           else ./" CMD_KB_REL ")\n"
            "      --no-entities        skip entity annotation (`entities` is [])\n"
            "  -h, --help               this text\n"
            "\n"
            "A file that cannot be read or processed gives one line on stderr,\n"
            "  news-ingest parse: FILE: STAGE: REASON\n"
            "(STAGE is read, page, extract, normalize, entities or record) and the other files\n"
            "are still processed. The model and knowledge base are loaded once, before any\n"
            "page: a missing or malformed one gives one line naming the file (and line) and\n"
            "exit status 2.\n"
            "When stderr is a terminal and there are more than 20 files, a progress line is\n"
            "shown on stderr.\n"
            "\n"
            "exit status: 0 all inputs gave a record, 1 some input failed, 2 usage error or\n"
            "unusable model or knowledge base.\n");
}

/* parse_size: "N", "NK", "NM", "NG" (binary multiples) -> bytes; NI_ERR_INVALID otherwise. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-') return NI_ERR_INVALID;
    int shift = 0;
    if (*end) {
        const char *units = "KMG";
        int ch = *end & ~0x20;
        const char *u = ch ? strchr(units, ch) : NULL;
        if (!u || end[1]) return NI_ERR_INVALID;
        shift = 10 * (int)(u - units + 1);
    }
    if (v == 0 || v > (SIZE_MAX >> shift)) return NI_ERR_INVALID;
    *out = (size_t)(v << shift);
    return NI_OK;
}

/* bad_usage: one line naming the problem, then the usage; returns exit status 2. */
static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

/* opts_parse: fills *o from argv; returns -1 to go on, else the exit status. */
static int opts_parse(int argc, char **argv, parse_opts *o)
{
    static const struct option longopts[] = {
        {"content-type", required_argument, NULL, 't'},
        {"url", required_argument, NULL, 'u'},
        {"fetched-at", required_argument, NULL, 'f'},
        {"charset", required_argument, NULL, 'c'},
        {"max-bytes", required_argument, NULL, 'm'},
        {"ner-model", required_argument, NULL, 'M'},
        {"kb", required_argument, NULL, 'K'},
        {"no-entities", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    article_datetime dt;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":t:u:f:c:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (page_type_parse(optarg, &o->hints.type))
                return bad_usage("bad --content-type", optarg);
            break;
        case 'u':
            o->url = optarg;
            break;
        case 'f':
            if (extract_datetime_parse_iso(optarg, strlen(optarg), &dt) || !dt.year)
                return bad_usage("bad --fetched-at (want ISO 8601)", optarg);
            o->fetched_at = optarg;
            break;
        case 'c':
            if (!*optarg) return bad_usage("empty --charset", NULL);
            o->hints.charset = optarg;
            break;
        case 'm':
            if (parse_size(optarg, &o->hints.max_bytes))
                return bad_usage("bad --max-bytes", optarg);
            break;
        case 'M':
            o->ner_model = optarg;
            break;
        case 'K':
            o->kb = optarg;
            break;
        case 'N':
            o->no_entities = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            return bad_usage("option needs a value", argv[optind - 1]);
        default:
            return bad_usage("unknown option", argv[optind - 1]);
        }
    }
    if (!o->hints.max_bytes) o->hints.max_bytes = PAGE_DEFAULT_MAX_BYTES;
    o->files = argv + optind;
    o->nfiles = argc - optind;
    return o->nfiles ? -1 : bad_usage("no FILE given (use - for standard input)", NULL);
}

/* The progress line (only on a terminal, only for many files). */
typedef struct progress {
    int on, done, total, failed;
} progress;

static void progress_show(progress *pr, int final)
{
    if (!pr->on) return;
    int step = pr->total / 100 > 0 ? pr->total / 100 : 1;
    if (!final && pr->done % step) return;
    fprintf(stderr, "\r\033[K" PROG ": %d/%d files, %d failed%s", pr->done, pr->total, pr->failed,
            final ? "\n" : "");
}

/* report: the one stderr line for a failed file. */
static void report(progress *pr, const char *file, const char *stage, const char *reason)
{
    pr->failed++;
    fprintf(stderr, "%s" PROG ": %s: %s: %s\n", pr->on ? "\r\033[K" : "", file, stage, reason);
}

/* one: reads and processes one file; prints its record or its error line. NI_OK or an error. */
static int one(pipeline *p, const ner_resources *ner, const parse_opts *o, const char *file,
               progress *pr)
{
    char errstr[256], *buf = NULL;
    size_t len = 0;
    int rc = util_file_read(file, o->hints.max_bytes, &buf, &len, errstr, sizeof errstr);
    if (rc) {
        if (rc == NI_ERR_TOO_LARGE)
            snprintf(errstr, sizeof errstr, "larger than the %zu-byte limit (see --max-bytes)",
                     o->hints.max_bytes);
        report(pr, file, "read", errstr);
        return rc;
    }
    pipeline_input in = {.bytes = buf,
                         .len = len,
                         .hints = o->hints,
                         .url = o->url,
                         .fetched_at = o->fetched_at,
                         .ner = ner};
    pipeline_output out;
    pipeline_error err;
    rc = pipeline_process(p, &in, &out, &err);
    free(buf);
    if (rc) {
        report(pr, file, err.stage, err.message);
        return rc;
    }
    fwrite(out.json, 1, out.len, stdout);
    putchar('\n');
    pipeline_output_free(&out);
    return NI_OK;
}

/* load_ner: the model and KB named by the options or found by cmd_data_path; NULL with errstr
 * naming the file (and line). */
static ner_resources *load_ner(const parse_opts *o, char *errstr, size_t errlen)
{
    char model[4096];
    const char *m =
        o->ner_model ? o->ner_model : cmd_data_path("NEWS_INGEST_NER_MODEL", CMD_NER_MODEL_REL);
    snprintf(model, sizeof model, "%s", m); /* cmd_data_path's buffer is reused below */
    const char *kb = o->kb ? o->kb : cmd_data_path("NEWS_INGEST_KB", CMD_KB_REL);
    return ner_resources_load(model, kb, errstr, errlen);
}

int cmd_parse(int argc, char **argv)
{
    parse_opts o = {0};
    int status = opts_parse(argc, argv, &o);
    if (status >= 0) return status;
    char errstr[512];
    ner_resources *ner = NULL;
    if (!o.no_entities && !(ner = load_ner(&o, errstr, sizeof errstr))) {
        fprintf(stderr, PROG ": %s\n", errstr);
        return 2;
    }
    pipeline *p = pipeline_create(errstr, sizeof errstr);
    if (!p) {
        fprintf(stderr, PROG ": %s\n", errstr);
        ner_resources_unref(ner);
        return 1;
    }
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    progress pr = {isatty(STDERR_FILENO) && o.nfiles > 20, 0, o.nfiles, 0};
    status = 0;
    for (int i = 0; i < o.nfiles; i++) {
        if (one(p, ner, &o, o.files[i], &pr)) status = 1;
        pr.done++;
        progress_show(&pr, pr.done == pr.total);
    }
    pipeline_destroy(p);
    ner_resources_unref(ner);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, PROG ": writing standard output: %s\n", strerror(errno));
        return 1;
    }
    return status;
}
