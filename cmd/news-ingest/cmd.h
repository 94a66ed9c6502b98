/* cmd.h: the news-ingest commands; each takes its own argv (argv[0] = command name), returns the
 * process exit status (0 ok, 1 failure, 2 usage or configuration error). */
#ifndef NI_CMD_H
#define NI_CMD_H

#include "entities/entities.h"

#include <signal.h>

int cmd_parse(int argc, char **argv);          /* page files -> records on stdout */
int cmd_run(int argc, char **argv);            /* the Kafka worker */
int cmd_produce(int argc, char **argv);        /* page files -> messages on a topic */
int cmd_broker(int argc, char **argv);         /* a standalone embedded (mock) cluster */
int cmd_tag(int argc, char **argv);            /* CoNLL tokens -> named-entity tags */
int cmd_train_ner(int argc, char **argv);      /* CoNLL file -> tagger model */
int cmd_train_clusters(int argc, char **argv); /* unlabelled text -> word clusters */
int cmd_kb_cities(int argc, char **argv);      /* world-cities.csv -> knowledge-base lines */
int cmd_wikifane_conll(int argc, char **argv); /* WikiFANE -> ANERcorp-style CoNLL */
int cmd_ner_overlap(int argc, char **argv);    /* 8-gram overlap with ANERcorp test */

/* cmd_signals_install: SIGTERM/SIGINT only set the returned flag; SIGPIPE is ignored. */
volatile sig_atomic_t *cmd_signals_install(void);
/* cmd_reload_install: SIGHUP only sets the returned flag (the worker reloads the KB and model). */
volatile sig_atomic_t *cmd_reload_install(void);

/* Data files the commands load, relative to the project (or install) root. */
#define CMD_NER_MODEL_REL NER_MODEL_REL
#define CMD_KB_REL NER_KB_REL

/* cmd_data_path: where to load a data file from when no option names it: the environment
 * variable env when set and non-empty, else <executable dir>/../rel when readable, else rel
 * (relative to the working directory). Returns a static buffer (one per call site is not kept:
 * copy it before the next call). Never NULL. */
const char *cmd_data_path(const char *env, const char *rel);

/* cmd_bootstrap_file_write: writes "list\n" to path atomically (temporary file + rename) so a
 * reader polling for it never sees half a line. NI_OK or NI_ERR_IO. */
int cmd_bootstrap_file_write(const char *path, const char *list);

#endif
