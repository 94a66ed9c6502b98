/* text_shape.h: shapes of a single text-page line that speak against a headline (a photo credit,
 * a list of names). */
#ifndef NI_EXTRACT_TEXT_SHAPE_H
#define NI_EXTRACT_TEXT_SHAPE_H

#include "extract/text_lines.h"

/* text_shape_credit: a TEXT line carries a photo credit or caption marker anywhere ("©", "Credit:",
 * "Foto:", "(Bild: ...)", a closing "(Agency/Agency)"). Never fails; 1 or 0. */
int text_shape_credit(const text_line *l);

/* text_shape_names: a TEXT line reads as a byline of names without a prefix ("Anna Roth and
 * Ben Dahl", "Mara Quill Political Correspondent"): up to 4 capitalized Latin words, or up to 8
 * joined by "and"/"und"/"&"/commas. Never fails; 1 or 0. */
int text_shape_names(const text_line *l);

#endif
