/* datetime.h: recognizing datelines and timestamps (Arabic and English, ISO 8601) in text. */
#ifndef NI_EXTRACT_DATETIME_H
#define NI_EXTRACT_DATETIME_H

#include "extract/article.h"

#include <stddef.h>

/* extract_datetime_parse_iso: ISO 8601 / RFC 3339 ("2021-11-05", "2021-11-05T13:04:00+03:00",
 * "2021-11-05 13:04"). Returns NI_OK and fills *dt, or NI_ERR_PARSE (dt untouched). */
int extract_datetime_parse_iso(const char *s, size_t len, article_datetime *dt);

/* extract_datetime_parse_line: a whole line that is a dateline or bare time ("11:20",
 * "الجمعة 05/نوفمبر/2021 - 01:04 م", "Friday, November 5, 2021 1:04 PM", Levantine month names,
 * Arabic-Indic digits, "2025年1月14日（火） 01時28分"). NI_OK when the line is nothing but a
 * date/time (plus weekday, separators and am/pm markers), NI_ERR_PARSE otherwise. */
int extract_datetime_parse_line(const char *s, size_t len, article_datetime *dt);

/* extract_datetime_find: a dated dateline inside a line that holds more ("Posted: Aug 08, 2024 4:00
 * AM EDT | Last Updated ...", "16.05.2024, 11:26 Uhr • Lesezeit: 5 Minuten", "Publiziert17.
 * Dezember 2024, 12:17"): the line cut at | • · / ; and spaced - – and each part tried whole, after
 * a colon, from a digit glued to a label, after up to three leading words or without up to three
 * trailing ones. Only a date with a year counts. NI_OK and *dt, or NI_ERR_PARSE (dt untouched). */
int extract_datetime_find(const char *s, size_t len, article_datetime *dt);

/* extract_datetime_format: ISO 8601 of dt into buf (at least 32 bytes): date only, date+time,
 * with the offset only when has_offset. Returns NI_OK, or NI_ERR_INVALID when dt has no date. */
int extract_datetime_format(const article_datetime *dt, char *buf, size_t buflen);

#endif
