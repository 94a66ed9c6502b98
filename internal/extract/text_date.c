/* text_date.c: the dateline inside a rendered text-page line, glued words split. */
#include "extract/text_date.h"

#include "extract/datetime.h"
#include "util/err.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_DATE_MAX 240   /* extract_datetime_find reads no longer line */
#define TEXT_DATE_WINDOW 10 /* words of the longest line window_date reads */
#define TEXT_DATE_WORDS 2   /* words dropped on either side of a dateline (window_date) */

/* glued_at: s[i] starts a word glued to the one before: a capital after a small letter or a
 * digit followed by a small letter ("2024Updated", "08:01Mis", "UhrLesedauer"), or a clock time
 * glued to a year ("20232:23": i is after the year's four digits). */
static int glued_at(const char *s, size_t len, size_t i)
{
    unsigned char p = (unsigned char)s[i - 1], c = (unsigned char)s[i];
    if (isupper(c) && (islower(p) || isdigit(p)) && i + 1 < len && islower((unsigned char)s[i + 1]))
        return 1;
    if (i < 4 || !isdigit(c) || !isdigit(p)) return 0;
    for (size_t k = i - 4; k < i; k++)
        if (!isdigit((unsigned char)s[k])) return 0;
    if (i > 4 && isdigit((unsigned char)s[i - 5])) return 0;
    size_t e = i;
    while (e < len && isdigit((unsigned char)s[e])) e++;
    return e - i <= 2 && e < len && s[e] == ':' && (s[i - 4] == '1' || s[i - 4] == '2');
}

/* uspace_at: the byte length of a Unicode space other than U+0020 at s[i] (no-break, en, em,
 * thin, narrow no-break spaces: U+00A0, U+2000..U+200A, U+202F), else 0. */
static size_t uspace_at(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (i + 1 < len && u[0] == 0xC2 && u[1] == 0xA0) return 2;
    if (i + 2 < len && u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xAF)) return 3;
    return 0;
}

/* unglue: s into out (TEXT_DATE_MAX * 2 bytes) with Unicode spaces as ' ', " | " at each glue
 * point and ideographic space and ": " for a full-width colon; returns the length, 0 when
 * nothing changed. */
static size_t unglue(const char *s, size_t len, char *out)
{
    size_t o = 0, changed = 0;
    for (size_t i = 0; i < len && o + 4 < 2 * TEXT_DATE_MAX; i++) {
        if (i + 2 < len &&
            (!memcmp(s + i, "\xe3\x80\x80", 3) || !memcmp(s + i, "\xef\xbc\x9a", 3))) {
            memcpy(out + o, s[i + 2] == '\x80' ? " | " : ": ", 3), o += 3, changed++, i += 2;
            continue; /* an ideographic space or full-width colon between label and date */
        }
        size_t sp = uspace_at(s, len, i);
        if (sp) {
            out[o++] = ' ', changed++, i += sp - 1;
            continue;
        }
        if (i && glued_at(s, len, i)) memcpy(out + o, " | ", 3), o += 3, changed++;
        out[o++] = s[i];
    }
    return changed ? o : 0;
}

/* has_duration: a clock followed by a unit of duration ("01:54 min"): the line is a video
 * teaser's length and date, not a dateline. */
static int has_duration(const char *s, size_t len)
{
    for (size_t i = 1; i + 4 < len; i++) {
        if (s[i] != ':' || !isdigit((unsigned char)s[i - 1]) || !isdigit((unsigned char)s[i + 1]))
            continue;
        size_t e = i + 1;
        while (e < len && isdigit((unsigned char)s[e])) e++;
        while (e < len && s[e] == ' ') e++;
        if (len - e >= 3 && !strncasecmp(s + e, "min", 3)) return 1;
    }
    return 0;
}

/* window_date: a dateline between words on a short line (TEXT_DATE_WINDOW words at most): up to
 * TEXT_DATE_WORDS words dropped before it and after it ("Geschrieben am 15. April 2025 in
 * Nachrichten"). */
static int window_date(const char *s, size_t len, article_datetime *dt)
{
    size_t starts[TEXT_DATE_WORDS + 1], ns = 0, words = 1;
    for (size_t i = 0; i < len; i++) words += s[i] == ' ';
    if (words > TEXT_DATE_WINDOW || has_duration(s, len)) return NI_ERR_PARSE;
    for (size_t i = 0; i < len && ns <= TEXT_DATE_WORDS; i++)
        if (i == 0 || s[i - 1] == ' ') starts[ns++] = i;
    for (size_t k = 0; k < ns; k++) {
        size_t e = len;
        for (int w = 0; w <= TEXT_DATE_WORDS && e > starts[k]; w++) {
            article_datetime d;
            if (extract_datetime_parse_line(s + starts[k], e - starts[k], &d) == NI_OK && d.year) {
                *dt = d;
                return NI_OK;
            }
            while (e > starts[k] && s[e - 1] != ' ') e--; /* drop the last word */
            while (e > starts[k] && s[e - 1] == ' ') e--;
        }
    }
    return NI_ERR_PARSE;
}

int text_date_find(const char *s, size_t len, article_datetime *dt)
{
    article_datetime d;
    if (len == 0 || len > TEXT_DATE_MAX) return NI_ERR_PARSE;
    if (extract_datetime_find(s, len, &d) == NI_OK && d.year) {
        *dt = d;
        return NI_OK;
    }
    char buf[2 * TEXT_DATE_MAX];
    size_t n = unglue(s, len, buf);
    if (n && n <= TEXT_DATE_MAX && extract_datetime_find(buf, n, &d) == NI_OK && d.year) {
        *dt = d;
        return NI_OK;
    }
    return window_date(s, len, dt);
}

/* today_word: "today" in the main languages of the corpus, lower case (ASCII-folded below). */
static const char *const today_words[] = {"today",   "heute", "aujourd'hui", "hoy",  "oggi",
                                          "vandaag", "idag",  "i dag",       "hoje", "dzisiaj",
                                          "bugün",   "dnes",  "сегодня"};

/* has_today: s holds a "today" word at a word start (ASCII letters compared case-blind). */
static int has_today(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((i && s[i - 1] != ' ' && s[i - 1] != ',') || !strchr("tThHaAoOvViIdDbB\xd1", s[i]))
            continue; /* not a word start, or no today word starts so */
        for (size_t k = 0; k < sizeof today_words / sizeof *today_words; k++) {
            size_t m = strlen(today_words[k]);
            if (i + m <= len && !strncasecmp(s + i, today_words[k], m) &&
                (i + m == len || !isalnum((unsigned char)s[i + m])))
                return 1;
        }
    }
    return 0;
}

/* clock_at: "h:mm" / "hh:mm" (or '.') starting at s[i], not inside a longer number: the hour
 * and minute, 0 when none. */
static int clock_at(const char *s, size_t len, size_t i, int *h, int *m)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!isdigit(u[i]) || (i && isdigit(u[i - 1]))) return 0;
    size_t c = i + 1 + (i + 1 < len && isdigit(u[i + 1]));
    if (c + 2 >= len || (s[c] != ':' && s[c] != '.') || !isdigit(u[c + 1]) || !isdigit(u[c + 2]) ||
        (c + 3 < len && isdigit(u[c + 3])))
        return 0;
    *h = atoi(s + i), *m = (s[c + 1] - '0') * 10 + (s[c + 2] - '0');
    return *h <= 23 && *m <= 59;
}

int text_date_today(const char *s, size_t len, article_datetime *dt)
{
    int h, m;
    size_t digits = 0;
    for (size_t i = 0; i < len && len <= 80; i++) digits += isdigit((unsigned char)s[i]) != 0;
    if (digits < 3 || !has_today(s, len)) return NI_ERR_PARSE; /* a clock needs three digits */
    for (size_t i = 0; i + 3 < len; i++)
        if (clock_at(s, len, i, &h, &m)) {
            *dt = (article_datetime)ARTICLE_DATETIME_NONE;
            dt->hour = h, dt->minute = m;
            return NI_OK;
        }
    return NI_ERR_PARSE;
}
