/* html_parsers.c: times libxml2's HTML parser, gumbo and myhtml on a set of pages (parser choice):
 * html-parser-bench PAGE.html.gz... (each parser parses every page 5 times, one thread). */
#define _POSIX_C_SOURCE 200809L
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <myhtml/api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static char *read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int r;
    if (!f || !buf) return NULL;
    while ((r = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    gzclose(f);
    *len = n;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t total = 0;
    int rounds = 5;
    char **pages = calloc((size_t)argc, sizeof *pages);
    size_t *lens = calloc((size_t)argc, sizeof *lens);
    for (int i = 1; i < argc; i++) {
        pages[i] = read_gz(argv[i], &lens[i]);
        total += lens[i];
    }
    double t0 = now();
    for (int r = 0; r < rounds; r++)
        for (int i = 1; i < argc; i++) {
            htmlDocPtr d = htmlReadMemory(pages[i], (int)lens[i], NULL, "UTF-8",
                                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                              HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
            xmlFreeDoc(d);
        }
    double t1 = now();
    for (int r = 0; r < rounds; r++)
        for (int i = 1; i < argc; i++) {
            GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, pages[i], lens[i]);
            gumbo_destroy_output(&kGumboDefaultOptions, o);
        }
    double t2 = now();
    myhtml_t *mh = myhtml_create();
    myhtml_init(mh, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0);
    for (int r = 0; r < rounds; r++)
        for (int i = 1; i < argc; i++) {
            myhtml_tree_t *t = myhtml_tree_create();
            myhtml_tree_init(t, mh);
            myhtml_parse(t, MyENCODING_UTF_8, pages[i], lens[i]);
            myhtml_tree_destroy(t);
        }
    double t3 = now();
    myhtml_destroy(mh);
    double mb = (double)total * rounds / 1e6;
    int n = (argc - 1) * rounds;
    printf("pages=%d bytes=%zu\n", argc - 1, total);
    printf("libxml2: %.1f pages/s %.1f MB/s\n", n / (t1 - t0), mb / (t1 - t0));
    printf("gumbo:   %.1f pages/s %.1f MB/s\n", n / (t2 - t1), mb / (t2 - t1));
    printf("myhtml:  %.1f pages/s %.1f MB/s\n", n / (t3 - t2), mb / (t3 - t2));
    return 0;
}
