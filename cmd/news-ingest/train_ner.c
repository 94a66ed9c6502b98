/* train_ner.c: `news-ingest train-ner`: trains the entity tagger on a CoNLL file, writes the model.
 */
#include "cmd.h"

#include "entities/ner_train.h"
#include "util/err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "news-ingest train-ner"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: news-ingest train-ner [OPTIONS] TRAIN.conll\n"
            "\n"
            "Trains the named-entity tagger (averaged structured perceptron over BIO tags) on a\n"
            "CoNLL file (WORD ... TAG per line, blank line between sentences; tags O, B-X, I-X\n"
            "with X PER/PERS, ORG, LOC, MISC) and writes the model file. The same options give\n"
            "a byte-identical model.\n"
            "\n"
            "options:\n"
            "  -i, --iterations N  passes over the sentences (default %d)\n"
            "  -s, --seed S        seed of the sentence order (default 1)\n"
            "  -o, --output PATH   model file to write (default models/ner-ar.model)\n"
            "  -d, --dev F         hold out the last fraction F of the sentences (0 <= F < 1),\n"
            "                      train on the rest and print held-out P/R/F1 after each pass\n"
            "                      on stderr (for choosing the iterations and pruning)\n"
            "  -f, --fold K        hold out the K-th part of that size instead of the last\n"
            "  -l, --lexicon 0|1   features from the names seen in training (default 1)\n"
            "  -e, --ensemble N    average the weights of N runs with their own seeds\n"
            "                      (default %d)\n"
            "  -p, --prune N       drop averaged weights below N/10 in magnitude  (default %d)\n"
            "  -r, --dropout P     probability that a feature sits out a training step\n"
            "                      (default %.2f)\n"
            "  -b, --o-bias N      lower the O tag's bias weight by N/10 (more entities\n"
            "                      found, fewer of them right; default %d)\n"
            "  -k, --kb PATH       knowledge base whose matches become hint features, as at\n"
            "                      tagging time (default data/kb/entities.tsv; \"\" for none)\n"
            "  -c, --clusters PATH word clusters whose path prefixes become features\n"
            "                      (`news-ingest train-clusters`; default\n"
            "                      models/ner-ar.clusters; \"\" for none)\n"
            "  -G, --gazetteers DIR name lists whose matches become features: DIR/nerar/\n"
            "                      dico-mono-{PERS,ORG,LOC}.norm and DIR/world-cities.csv\n"
            "                      (default none)\n"
            "  -A, --aux PATH      a second CoNLL corpus (`news-ingest wikifane-conll`)\n"
            "                      trained on with domain-conjoined features: every feature\n"
            "                      also has a copy per corpus and the model keeps the shared\n"
            "                      weight plus the first corpus's copy (default none)\n"
            "  -g, --gaz-dropout P probability that a training sentence gets no KB hints\n"
            "                      (default %.2f)\n"
            "  -w, --window N      held-out scoring: a name the model tagged stands for the\n"
            "                      same untagged words within N sentences (default %d; 0:\n"
            "                      the whole held-out part)\n"
            "  -h, --help          this text\n"
            "\n"
            "exit status: 0 model written, 1 training failed, 2 usage error or unreadable input.\n",
            NER_DEFAULT_ITERATIONS, NER_DEFAULT_ENSEMBLE, NER_DEFAULT_PRUNE, NER_DEFAULT_DROPOUT,
            NER_DEFAULT_O_BIAS, NER_DEFAULT_GAZ_DROPOUT, NER_DOC_WINDOW);
}

/* number: strtod of the whole of s into *v; 0 when it is not a number. */
static int number(const char *s, double *v)
{
    char *e;
    *v = strtod(s, &e);
    return e != s && !*e;
}

int cmd_train_ner(int argc, char **argv)
{
    static const struct option longs[] = {{"iterations", required_argument, 0, 'i'},
                                          {"seed", required_argument, 0, 's'},
                                          {"output", required_argument, 0, 'o'},
                                          {"dev", required_argument, 0, 'd'},
                                          {"prune", required_argument, 0, 'p'},
                                          {"dropout", required_argument, 0, 'r'},
                                          {"o-bias", required_argument, 0, 'b'},
                                          {"kb", required_argument, 0, 'k'},
                                          {"fold", required_argument, 0, 'f'},
                                          {"lexicon", required_argument, 0, 'l'},
                                          {"ensemble", required_argument, 0, 'e'},
                                          {"gaz-dropout", required_argument, 0, 'g'},
                                          {"clusters", required_argument, 0, 'c'},
                                          {"gazetteers", required_argument, 0, 'G'},
                                          {"window", required_argument, 0, 'w'},
                                          {"aux", required_argument, 0, 'A'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    ner_train_opts o = ner_train_opts_default();
    o.kb_path = "data/kb/entities.tsv", o.clusters_path = "models/ner-ar.clusters";
    o.progress = stderr;
    const char *out = "models/ner-ar.model";
    double v = 0;
    optind = 1;
    for (int c;
         (c = getopt_long(argc, argv, "i:s:o:d:f:p:r:b:k:c:G:g:l:e:w:A:h", longs, NULL)) != -1;) {
        int ok = c == 'o' || c == 'k' || c == 'c' || c == 'G' || c == 'A' || c == 'h' ||
                 (optarg && number(optarg, &v));
        if (c == 'i')
            ok = ok && v >= 1 && v <= 1000, o.iterations = (int)v;
        else if (c == 's')
            ok = ok && v >= 0 && v <= 4294967295.0, o.seed = (unsigned)v;
        else if (c == 'd')
            ok = ok && v >= 0 && v < 1, o.dev_fraction = v;
        else if (c == 'p')
            ok = ok && v >= 0 && v <= 1e6, o.prune = (int)v;
        else if (c == 'r')
            ok = ok && v >= 0 && v < 1, o.dropout = v;
        else if (c == 'b')
            ok = ok && v >= -600 && v <= 600, o.o_bias = (int)v;
        else if (c == 'f')
            ok = ok && v >= 0 && v <= 1000, o.dev_fold = (int)v;
        else if (c == 'e')
            ok = ok && v >= 1 && v <= 100, o.ensemble = (int)v;
        else if (c == 'l')
            ok = ok && (v == 0 || v == 1), o.lexicon = (int)v;
        else if (c == 'g')
            ok = ok && v >= 0 && v <= 1, o.gaz_dropout = v;
        else if (c == 'w')
            ok = ok && v >= 0 && v <= 1e6, o.window = (size_t)v;
        else if (c == 'o')
            out = optarg;
        else if (c == 'k')
            o.kb_path = *optarg ? optarg : NULL;
        else if (c == 'c')
            o.clusters_path = *optarg ? optarg : NULL;
        else if (c == 'G')
            o.gaz_dir = *optarg ? optarg : NULL;
        else if (c == 'A')
            o.aux_path = *optarg ? optarg : NULL;
        else if (c == 'h')
            return usage(stdout), 0;
        else
            ok = 0;
        if (!ok) {
            if (c != '?') fprintf(stderr, PROG ": bad value for -%c: %s\n", c, optarg);
            return usage(stderr), 2;
        }
    }
    if (argc - optind != 1) return usage(stderr), 2;
    char err[512];
    int rc = ner_train_run(argv[optind], &o, out, err, sizeof err);
    if (rc) {
        fprintf(stderr, PROG ": %s\n", err);
        return rc == NI_ERR_IO || rc == NI_ERR_PARSE ? 2 : 1;
    }
    fprintf(stderr, PROG ": wrote %s\n", out);
    return 0;
}
