/* parse.c: `news-ingest parse`: page files -> one JSON record per line (MINIMAL; to be completed). */
#include "cmd.h"

#include "pipeline/pipeline.h"
#include "util/err.h"
#include "util/sbuf.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_parse(int argc, char **argv)
{
    char errstr[256];
    pipeline *p = pipeline_create(errstr, sizeof errstr);
    if (!p) {
        fprintf(stderr, "news-ingest parse: %s\n", errstr);
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        char *buf;
        size_t len;
        if (util_file_read(argv[i], 0, &buf, &len, errstr, sizeof errstr)) {
            fprintf(stderr, "news-ingest parse: %s: %s\n", argv[i], errstr);
            status = 1;
            continue;
        }
        pipeline_input in = {.bytes = buf, .len = len};
        pipeline_output out;
        pipeline_error err;
        if (pipeline_process(p, &in, &out, &err)) {
            fprintf(stderr, "news-ingest parse: %s: %s: %s\n", argv[i], err.stage, err.message);
            status = 1;
        } else {
            printf("%s\n", out.json);
            free(out.json);
        }
        free(buf);
    }
    pipeline_destroy(p);
    return status;
}
