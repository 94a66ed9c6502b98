/* text_date.h: finding the dateline inside a rendered text-page line that the line parsers do
 * not read as it stands (words glued together by the rendering, a clause after the date). */
#ifndef NI_EXTRACT_TEXT_DATE_H
#define NI_EXTRACT_TEXT_DATE_H

#include "extract/article.h"

#include <stddef.h>

/* text_date_find: a dated (year known) dateline inside s[0..len): as extract_datetime_find, then
 * with glued words split ("2024Updated", "UhrLesedauer", "20232:23 PM") and Unicode spaces read
 * as spaces, then between a few words on a short line. NI_OK and *dt, or NI_ERR_PARSE (dt
 * untouched); never allocates. */
int text_date_find(const char *s, size_t len, article_datetime *dt);

/* text_date_today: a line that says "today" with a clock time ("Heute, 12:37 Uhr", "Publié
 * aujourd'hui à 09:15", "today at 9:30"): NI_OK and *dt with the time only (year 0: the record
 * takes the fetch date), or NI_ERR_PARSE (dt untouched). */
int text_date_today(const char *s, size_t len, article_datetime *dt);

#endif
