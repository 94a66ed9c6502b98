/* train_internal.h: what the training room's files share (not public): the model writer, the
 * clusters file reader and the gazetteer builder, training-time parts of the tagger's tables. */
#ifndef NI_ENTITIES_TRAIN_INTERNAL_H
#define NI_ENTITIES_TRAIN_INTERNAL_H

#include "tagger_internal.h"

#include <stddef.h>

/* ner_model_save: writes m to path (text format, see tagger/tagger_io.c). NI_OK or NI_ERR_IO. */
int ner_model_save(const ner_model *m, const char *path, char *errstr, size_t errlen);
/* ner_clusters_read: the clusters file at path (format in tagger/tagger_clusters.c, checksum
 * verified) into *x (emptied first). NI_OK, NI_ERR_IO / NI_ERR_PARSE naming the file and line, or
 * NI_ERR_NOMEM; *x is empty on error. */
int ner_clusters_read(const char *path, ner_clusters *x, char *errstr, size_t errlen);
/* ner_gaz_build: the gazetteer table from the lists under dir (../shared/data/arabic: nerar/
 * dico-mono-{PERS,ORG,LOC}.norm and world-cities.csv) into *x (emptied first). NI_OK, NI_ERR_IO
 * naming the file, or NI_ERR_NOMEM; *x is empty on error. */
int ner_gaz_build(const char *dir, ner_lex *x, char *errstr, size_t errlen);

#endif
