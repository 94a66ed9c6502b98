/* datetime.c: ISO 8601 parsing/formatting and Arabic/English dateline recognition. */
#include "extract/datetime.h"

#include "extract/vocab.h"
#include "util/err.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* ---- ISO 8601 ---- */

/* digits: reads exactly n ASCII digits at s[*i]; -1 when absent. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || !isdigit((unsigned char)s[*i])) return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

static int date_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* iso_offset: "Z", "+03:00", "+0300", "+03", " UTC", " GMT" at s[*i] (a space before it
 * allowed); NI_OK or NI_ERR_PARSE. */
static int iso_offset(const char *s, size_t len, size_t *i, article_datetime *dt)
{
    if (*i + 1 < len && s[*i] == ' ' && strchr("+-ZzUG", s[*i + 1])) (*i)++;
    if (*i + 3 <= len && (!strncasecmp(s + *i, "UTC", 3) || !strncasecmp(s + *i, "GMT", 3))) {
        *i += 3;
        if (*i == len) {
            dt->has_offset = 1;
            dt->offset_minutes = 0;
            return NI_OK;
        }
    }
    if (*i < len && (s[*i] == 'Z' || s[*i] == 'z')) {
        (*i)++;
        dt->has_offset = 1;
        dt->offset_minutes = 0;
        return NI_OK;
    }
    if (*i >= len || (s[*i] != '+' && s[*i] != '-')) return NI_OK;
    int sign = s[(*i)++] == '-' ? -1 : 1, h = digits(s, len, i, 2), m = 0;
    if (h < 0 || h > 23) return NI_ERR_PARSE;
    if (*i < len && s[*i] == ':') (*i)++;
    if (*i < len && isdigit((unsigned char)s[*i]) && ((m = digits(s, len, i, 2)) < 0 || m > 59))
        return NI_ERR_PARSE;
    dt->has_offset = 1;
    dt->offset_minutes = sign * (h * 60 + m);
    return NI_OK;
}

/* iso_time: "HH:MM[:SS[.fff]]" at s[*i]. */
static int iso_time(const char *s, size_t len, size_t *i, article_datetime *dt)
{
    int h = digits(s, len, i, 2), m = -1, sec = 0;
    if (h < 0 || h > 24 || *i >= len || s[(*i)++] != ':') return NI_ERR_PARSE;
    if ((m = digits(s, len, i, 2)) < 0 || m > 59) return NI_ERR_PARSE;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if ((sec = digits(s, len, i, 2)) < 0 || sec > 60) return NI_ERR_PARSE;
        if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
            (*i)++;
            if (*i >= len || !isdigit((unsigned char)s[*i])) return NI_ERR_PARSE;
            while (*i < len && isdigit((unsigned char)s[*i])) (*i)++;
        }
    }
    if (h == 24 && (m || sec)) return NI_ERR_PARSE;
    dt->hour = h == 24 ? 0 : h, dt->minute = m, dt->second = sec > 59 ? 59 : sec;
    return iso_offset(s, len, i, dt);
}

int extract_datetime_parse_iso(const char *s, size_t len, article_datetime *dt)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    article_datetime r = ARTICLE_DATETIME_NONE;
    size_t i = 0;
    r.year = digits(s, len, &i, 4);
    if (r.year < 0 || i >= len || s[i++] != '-') return NI_ERR_PARSE;
    r.month = digits(s, len, &i, 2);
    if (r.month < 0 || i >= len || s[i++] != '-') return NI_ERR_PARSE;
    r.day = digits(s, len, &i, 2);
    if (r.day < 0 || !date_valid(r.year, r.month, r.day)) return NI_ERR_PARSE;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (iso_time(s, len, &i, &r)) return NI_ERR_PARSE;
    }
    if (i != len) return NI_ERR_PARSE;
    *dt = r;
    return NI_OK;
}

int extract_datetime_format(const article_datetime *dt, char *buf, size_t buflen)
{
    if (!dt->year || buflen < 32) return NI_ERR_INVALID;
    int n = snprintf(buf, buflen, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
    if (dt->hour < 0) return NI_OK;
    n += snprintf(buf + n, buflen - (size_t)n, "T%02d:%02d:%02d", dt->hour, dt->minute, dt->second);
    if (!dt->has_offset) return NI_OK;
    int off = dt->offset_minutes, a = off < 0 ? -off : off;
    if (off == 0)
        snprintf(buf + n, buflen - (size_t)n, "Z");
    else
        snprintf(buf + n, buflen - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
    return NI_OK;
}

/* ---- datelines ---- */

typedef enum word_kind { W_MONTH, W_WEEKDAY, W_AM, W_PM, W_ERA, W_FILLER, W_UTC } word_kind;

typedef struct date_word {
    const char *text;
    word_kind kind;
    int value; /* month number */
} date_word;

/* Month names (Egyptian/Gulf, Levantine, Maghrebi, English, and the main European languages,
 * Turkish, Indonesian), weekdays, am/pm and the labels that may precede a dateline. Compared in
 * the vocab_fold form. */
static const date_word date_words[] = {
    {"يناير", W_MONTH, 1},
    {"فبراير", W_MONTH, 2},
    {"مارس", W_MONTH, 3},
    {"أبريل", W_MONTH, 4},
    {"إبريل", W_MONTH, 4},
    {"مايو", W_MONTH, 5},
    {"يونيو", W_MONTH, 6},
    {"يونيه", W_MONTH, 6},
    {"يوليو", W_MONTH, 7},
    {"يوليه", W_MONTH, 7},
    {"أغسطس", W_MONTH, 8},
    {"سبتمبر", W_MONTH, 9},
    {"أكتوبر", W_MONTH, 10},
    {"نوفمبر", W_MONTH, 11},
    {"ديسمبر", W_MONTH, 12},
    {"كانون الثاني", W_MONTH, 1},
    {"شباط", W_MONTH, 2},
    {"آذار", W_MONTH, 3},
    {"نيسان", W_MONTH, 4},
    {"أيار", W_MONTH, 5},
    {"حزيران", W_MONTH, 6},
    {"تموز", W_MONTH, 7},
    {"آب", W_MONTH, 8},
    {"أيلول", W_MONTH, 9},
    {"تشرين الأول", W_MONTH, 10},
    {"تشرين الثاني", W_MONTH, 11},
    {"كانون الأول", W_MONTH, 12},
    {"جانفي", W_MONTH, 1},
    {"فيفري", W_MONTH, 2},
    {"أفريل", W_MONTH, 4},
    {"ماي", W_MONTH, 5},
    {"جوان", W_MONTH, 6},
    {"جويلية", W_MONTH, 7},
    {"أوت", W_MONTH, 8},
    {"january", W_MONTH, 1},
    {"jan", W_MONTH, 1},
    {"february", W_MONTH, 2},
    {"feb", W_MONTH, 2},
    {"march", W_MONTH, 3},
    {"mar", W_MONTH, 3},
    {"april", W_MONTH, 4},
    {"apr", W_MONTH, 4},
    {"may", W_MONTH, 5},
    {"june", W_MONTH, 6},
    {"jun", W_MONTH, 6},
    {"july", W_MONTH, 7},
    {"jul", W_MONTH, 7},
    {"august", W_MONTH, 8},
    {"aug", W_MONTH, 8},
    {"september", W_MONTH, 9},
    {"sept", W_MONTH, 9},
    {"sep", W_MONTH, 9},
    {"october", W_MONTH, 10},
    {"oct", W_MONTH, 10},
    {"november", W_MONTH, 11},
    {"nov", W_MONTH, 11},
    {"december", W_MONTH, 12},
    {"dec", W_MONTH, 12},
    {"الأحد", W_WEEKDAY, 0},
    {"الاثنين", W_WEEKDAY, 0},
    {"الإثنين", W_WEEKDAY, 0},
    {"الثلاثاء", W_WEEKDAY, 0},
    {"الأربعاء", W_WEEKDAY, 0},
    {"الخميس", W_WEEKDAY, 0},
    {"الجمعة", W_WEEKDAY, 0},
    {"السبت", W_WEEKDAY, 0},
    {"monday", W_WEEKDAY, 0},
    {"mon", W_WEEKDAY, 0},
    {"tuesday", W_WEEKDAY, 0},
    {"tue", W_WEEKDAY, 0},
    {"tues", W_WEEKDAY, 0},
    {"wednesday", W_WEEKDAY, 0},
    {"wed", W_WEEKDAY, 0},
    {"thursday", W_WEEKDAY, 0},
    {"thu", W_WEEKDAY, 0},
    {"thurs", W_WEEKDAY, 0},
    {"friday", W_WEEKDAY, 0},
    {"fri", W_WEEKDAY, 0},
    {"saturday", W_WEEKDAY, 0},
    {"sat", W_WEEKDAY, 0},
    {"sunday", W_WEEKDAY, 0},
    {"sun", W_WEEKDAY, 0},
    {"ص", W_AM, 0},
    {"صباحا", W_AM, 0},
    {"صباحًا", W_AM, 0},
    {"am", W_AM, 0},
    {"م", W_PM, 0},
    {"مساء", W_PM, 0},
    {"مساءً", W_PM, 0},
    {"pm", W_PM, 0},
    {"ميلادي", W_ERA, 0},
    {"updated", W_FILLER, 0},
    {"last updated", W_FILLER, 0},
    {"published", W_FILLER, 0},
    {"posted", W_FILLER, 0},
    {"date", W_FILLER, 0},
    {"on", W_FILLER, 0},
    {"at", W_FILLER, 0},
    {"تاريخ النشر", W_FILLER, 0},
    {"نشر في", W_FILLER, 0},
    {"نشر", W_FILLER, 0},
    {"نشر بتاريخ", W_FILLER, 0},
    {"بتاريخ", W_FILLER, 0},
    {"آخر تحديث", W_FILLER, 0},
    {"تحديث", W_FILLER, 0},
    {"محدث", W_FILLER, 0},
    {"في", W_FILLER, 0},
    {"يوم", W_FILLER, 0},
    {"الساعة", W_FILLER, 0},
    {"التاريخ", W_FILLER, 0},
    /* other languages: months (genitive forms where dates use them), weekdays, labels and
       time-zone names read as labels (the time stays local) */
    {"januar", W_MONTH, 1},
    {"jänner", W_MONTH, 1},
    {"jän", W_MONTH, 1},
    {"janvier", W_MONTH, 1},
    {"janv", W_MONTH, 1},
    {"enero", W_MONTH, 1},
    {"gennaio", W_MONTH, 1},
    {"janeiro", W_MONTH, 1},
    {"januari", W_MONTH, 1},
    {"stycznia", W_MONTH, 1},
    {"ledna", W_MONTH, 1},
    {"ocak", W_MONTH, 1},
    {"februar", W_MONTH, 2},
    {"feber", W_MONTH, 2},
    {"février", W_MONTH, 2},
    {"févr", W_MONTH, 2},
    {"febrero", W_MONTH, 2},
    {"febbraio", W_MONTH, 2},
    {"fevereiro", W_MONTH, 2},
    {"februari", W_MONTH, 2},
    {"lutego", W_MONTH, 2},
    {"února", W_MONTH, 2},
    {"şubat", W_MONTH, 2},
    {"märz", W_MONTH, 3},
    {"mär", W_MONTH, 3},
    {"mrz", W_MONTH, 3},
    {"mars", W_MONTH, 3},
    {"marzo", W_MONTH, 3},
    {"março", W_MONTH, 3},
    {"maart", W_MONTH, 3},
    {"marca", W_MONTH, 3},
    {"března", W_MONTH, 3},
    {"mart", W_MONTH, 3},
    {"maret", W_MONTH, 3},
    {"avril", W_MONTH, 4},
    {"abril", W_MONTH, 4},
    {"aprile", W_MONTH, 4},
    {"kwietnia", W_MONTH, 4},
    {"dubna", W_MONTH, 4},
    {"nisan", W_MONTH, 4},
    {"mai", W_MONTH, 5},
    {"mayo", W_MONTH, 5},
    {"maggio", W_MONTH, 5},
    {"maio", W_MONTH, 5},
    {"mei", W_MONTH, 5},
    {"maj", W_MONTH, 5},
    {"maja", W_MONTH, 5},
    {"května", W_MONTH, 5},
    {"mayıs", W_MONTH, 5},
    {"juni", W_MONTH, 6},
    {"juin", W_MONTH, 6},
    {"junio", W_MONTH, 6},
    {"giugno", W_MONTH, 6},
    {"junho", W_MONTH, 6},
    {"czerwca", W_MONTH, 6},
    {"června", W_MONTH, 6},
    {"haziran", W_MONTH, 6},
    {"juli", W_MONTH, 7},
    {"juillet", W_MONTH, 7},
    {"juil", W_MONTH, 7},
    {"julio", W_MONTH, 7},
    {"luglio", W_MONTH, 7},
    {"julho", W_MONTH, 7},
    {"lipca", W_MONTH, 7},
    {"července", W_MONTH, 7},
    {"temmuz", W_MONTH, 7},
    {"augusti", W_MONTH, 8},
    {"augustus", W_MONTH, 8},
    {"août", W_MONTH, 8},
    {"agosto", W_MONTH, 8},
    {"sierpnia", W_MONTH, 8},
    {"srpna", W_MONTH, 8},
    {"ağustos", W_MONTH, 8},
    {"agustus", W_MONTH, 8},
    {"septembre", W_MONTH, 9},
    {"septiembre", W_MONTH, 9},
    {"setiembre", W_MONTH, 9},
    {"settembre", W_MONTH, 9},
    {"setembro", W_MONTH, 9},
    {"września", W_MONTH, 9},
    {"září", W_MONTH, 9},
    {"eylül", W_MONTH, 9},
    {"oktober", W_MONTH, 10},
    {"okt", W_MONTH, 10},
    {"octobre", W_MONTH, 10},
    {"octubre", W_MONTH, 10},
    {"ottobre", W_MONTH, 10},
    {"outubro", W_MONTH, 10},
    {"października", W_MONTH, 10},
    {"října", W_MONTH, 10},
    {"ekim", W_MONTH, 10},
    {"novembre", W_MONTH, 11},
    {"noviembre", W_MONTH, 11},
    {"novembro", W_MONTH, 11},
    {"listopada", W_MONTH, 11},
    {"listopadu", W_MONTH, 11},
    {"kasım", W_MONTH, 11},
    {"dezember", W_MONTH, 12},
    {"dez", W_MONTH, 12},
    {"décembre", W_MONTH, 12},
    {"déc", W_MONTH, 12},
    {"diciembre", W_MONTH, 12},
    {"dicembre", W_MONTH, 12},
    {"dezembro", W_MONTH, 12},
    {"desember", W_MONTH, 12},
    {"grudnia", W_MONTH, 12},
    {"prosince", W_MONTH, 12},
    {"aralık", W_MONTH, 12},
    {"montag", W_WEEKDAY, 0},
    {"dienstag", W_WEEKDAY, 0},
    {"mittwoch", W_WEEKDAY, 0},
    {"donnerstag", W_WEEKDAY, 0},
    {"freitag", W_WEEKDAY, 0},
    {"samstag", W_WEEKDAY, 0},
    {"sonnabend", W_WEEKDAY, 0},
    {"sonntag", W_WEEKDAY, 0},
    {"mo", W_WEEKDAY, 0},
    {"di", W_WEEKDAY, 0},
    {"mi", W_WEEKDAY, 0},
    {"do", W_WEEKDAY, 0},
    {"fr", W_WEEKDAY, 0},
    {"sa", W_WEEKDAY, 0},
    {"so", W_WEEKDAY, 0},
    {"lundi", W_WEEKDAY, 0},
    {"mardi", W_WEEKDAY, 0},
    {"mercredi", W_WEEKDAY, 0},
    {"jeudi", W_WEEKDAY, 0},
    {"vendredi", W_WEEKDAY, 0},
    {"samedi", W_WEEKDAY, 0},
    {"dimanche", W_WEEKDAY, 0},
    {"lunes", W_WEEKDAY, 0},
    {"martes", W_WEEKDAY, 0},
    {"miércoles", W_WEEKDAY, 0},
    {"jueves", W_WEEKDAY, 0},
    {"viernes", W_WEEKDAY, 0},
    {"sábado", W_WEEKDAY, 0},
    {"domingo", W_WEEKDAY, 0},
    {"lunedì", W_WEEKDAY, 0},
    {"martedì", W_WEEKDAY, 0},
    {"mercoledì", W_WEEKDAY, 0},
    {"giovedì", W_WEEKDAY, 0},
    {"venerdì", W_WEEKDAY, 0},
    {"sabato", W_WEEKDAY, 0},
    {"domenica", W_WEEKDAY, 0},
    {"segunda", W_WEEKDAY, 0},
    {"terça", W_WEEKDAY, 0},
    {"quarta", W_WEEKDAY, 0},
    {"quinta", W_WEEKDAY, 0},
    {"sexta", W_WEEKDAY, 0},
    {"feira", W_WEEKDAY, 0},
    {"maandag", W_WEEKDAY, 0},
    {"dinsdag", W_WEEKDAY, 0},
    {"woensdag", W_WEEKDAY, 0},
    {"donderdag", W_WEEKDAY, 0},
    {"vrijdag", W_WEEKDAY, 0},
    {"zaterdag", W_WEEKDAY, 0},
    {"zondag", W_WEEKDAY, 0},
    {"pazartesi", W_WEEKDAY, 0},
    {"salı", W_WEEKDAY, 0},
    {"çarşamba", W_WEEKDAY, 0},
    {"perşembe", W_WEEKDAY, 0},
    {"cuma", W_WEEKDAY, 0},
    {"cumartesi", W_WEEKDAY, 0},
    {"pazar", W_WEEKDAY, 0},
    {"uhr", W_FILLER, 0},
    {"um", W_FILLER, 0},
    {"stand", W_FILLER, 0},
    {"veröffentlicht", W_FILLER, 0},
    {"aktualisiert", W_FILLER, 0},
    {"erstellt", W_FILLER, 0},
    {"datum", W_FILLER, 0},
    {"vom", W_FILLER, 0},
    {"zuletzt", W_FILLER, 0},
    {"publié", W_FILLER, 0},
    {"mis", W_FILLER, 0},
    {"à", W_FILLER, 0},
    {"jour", W_FILLER, 0},
    {"le", W_FILLER, 0},
    {"publicado", W_FILLER, 0},
    {"actualizado", W_FILLER, 0},
    {"el", W_FILLER, 0},
    {"de", W_FILLER, 0},
    {"del", W_FILLER, 0},
    {"las", W_FILLER, 0},
    {"pubblicato", W_FILLER, 0},
    {"aggiornato", W_FILLER, 0},
    {"il", W_FILLER, 0},
    {"alle", W_FILLER, 0},
    {"ore", W_FILLER, 0},
    {"em", W_FILLER, 0},
    {"às", W_FILLER, 0},
    {"atualizado", W_FILLER, 0},
    {"op", W_FILLER, 0},
    {"om", W_FILLER, 0},
    {"gepubliceerd", W_FILLER, 0},
    {"bijgewerkt", W_FILLER, 0},
    {"publisert", W_FILLER, 0},
    {"oppdatert", W_FILLER, 0},
    {"publicerad", W_FILLER, 0},
    {"uppdaterad", W_FILLER, 0},
    {"kl", W_FILLER, 0},
    {"güncelleme", W_FILLER, 0},
    {"güncellenme", W_FILLER, 0},
    {"yayınlanma", W_FILLER, 0},
    {"tarihi", W_FILLER, 0},
    {"aktualizováno", W_FILLER, 0},
    {"opublikowano", W_FILLER, 0},
    {"aktualizacja", W_FILLER, 0},
    {"edt", W_FILLER, 0},
    {"est", W_FILLER, 0},
    {"cdt", W_FILLER, 0},
    {"cst", W_FILLER, 0},
    {"pdt", W_FILLER, 0},
    {"pst", W_FILLER, 0},
    {"cet", W_FILLER, 0},
    {"cest", W_FILLER, 0},
    {"mez", W_FILLER, 0},
    {"mesz", W_FILLER, 0},
    {"bst", W_FILLER, 0},
    {"ist", W_FILLER, 0},
    {"gmt", W_UTC, 0},
    {"utc", W_UTC, 0},
    {"غرينتش", W_UTC, 0},
};

#define DATE_WORDS_N (sizeof date_words / sizeof date_words[0])
#define DATE_WORD_MAX 32

static char dw_folded[DATE_WORDS_N][DATE_WORD_MAX];
static size_t dw_len[DATE_WORDS_N];
/* the words ordered by their folded first byte; dw_first[b]..dw_first[b + 1] those starting
 * with byte b (word_at looks at those only) */
static unsigned short dw_order[DATE_WORDS_N], dw_first[257];
static pthread_once_t dw_once = PTHREAD_ONCE_INIT;

static void dw_init(void)
{
    unsigned count[256] = {0};
    for (size_t i = 0; i < DATE_WORDS_N; i++) {
        const char *t = date_words[i].text;
        if (vocab_fold(t, strlen(t), dw_folded[i], DATE_WORD_MAX) >= DATE_WORD_MAX)
            dw_folded[i][0] = '\0';
        dw_len[i] = strlen(dw_folded[i]);
        count[(unsigned char)dw_folded[i][0]]++;
    }
    for (int b = 0; b < 256; b++) dw_first[b + 1] = (unsigned short)(dw_first[b] + count[b]);
    unsigned short fill[256];
    memcpy(fill, dw_first, sizeof fill);
    for (size_t i = 0; i < DATE_WORDS_N; i++)
        dw_order[fill[(unsigned char)dw_folded[i][0]]++] = (unsigned short)i;
}

/* One token of a folded dateline. */
typedef enum tok_kind { T_NUM, T_WORD, T_SEP } tok_kind;
typedef struct tok {
    tok_kind kind;
    int value, ndigits;  /* T_NUM */
    const date_word *dw; /* T_WORD */
    char sep;            /* T_SEP: the ASCII separator, or ',' for other punctuation */
    int used;
} tok;

#define MAX_TOKS 32

/* word_at: the date word (one or two words long) starting at f[i]; *n = bytes used. */
static const date_word *word_at(const char *f, size_t len, size_t i, size_t *n)
{
    pthread_once(&dw_once, dw_init);
    const date_word *best = NULL;
    size_t best_n = 0;
    unsigned char b = (unsigned char)f[i];
    for (size_t o = dw_first[b]; b && o < dw_first[b + 1]; o++) {
        size_t k = dw_order[o], m = dw_len[k];
        if (!m || m <= best_n || i + m > len || memcmp(f + i, dw_folded[k], m)) continue;
        unsigned char next = i + m < len ? (unsigned char)f[i + m] : ' ';
        if (next >= 0x80 || isalnum(next)) continue;
        best = &date_words[k], best_n = m;
    }
    *n = best_n;
    return best;
}

/* is_letter_at: f[i] starts a letter (ASCII or not). */
static int is_letter_at(const char *f, size_t len, size_t i)
{
    UChar32 c;
    int32_t k = (int32_t)i;
    U8_NEXT(f, k, (int32_t)len, c);
    return c >= 0 && u_isalpha(c);
}

/* tokenize: folded line -> tokens; NI_ERR_PARSE on an unknown word or too many tokens. */
static int tokenize(const char *f, size_t len, tok *t, int *nt)
{
    size_t i = 0;
    *nt = 0;
    while (i < len) {
        unsigned char c = (unsigned char)f[i];
        if (c == ' ') {
            i++;
            continue;
        }
        if (*nt == MAX_TOKS) return NI_ERR_PARSE;
        tok *k = &t[(*nt)++];
        memset(k, 0, sizeof *k);
        if (isdigit(c)) {
            k->kind = T_NUM;
            while (i < len && isdigit((unsigned char)f[i]) && k->ndigits < 6)
                k->value = k->value * 10 + (f[i++] - '0'), k->ndigits++;
            if (i < len && isdigit((unsigned char)f[i])) return NI_ERR_PARSE;
        } else if (is_letter_at(f, len, i)) {
            size_t n;
            k->kind = T_WORD;
            if (!(k->dw = word_at(f, len, i, &n))) return NI_ERR_PARSE;
            i += n;
        } else {
            k->kind = T_SEP;
            k->sep = c < 0x80 && strchr("/-.:+|()[]", c) ? (char)c : ',';
            U8_FWD_1(f, i, len);
        }
    }
    return NI_OK;
}

static int is_sep(const tok *t, char c)
{
    return t->kind == T_SEP && t->sep == c;
}

/* find_time: "H:MM[:SS]" (+ am/pm, + GMT offset) among the tokens; marks them used. */
static int find_time(tok *t, int nt, article_datetime *dt)
{
    for (int i = 0; i + 2 < nt; i++) {
        if (t[i].kind != T_NUM || !is_sep(&t[i + 1], ':') || t[i + 2].kind != T_NUM) continue;
        if (t[i].ndigits > 2 || t[i].value > 23 || t[i + 2].ndigits != 2 || t[i + 2].value > 59)
            return NI_ERR_PARSE;
        dt->hour = t[i].value, dt->minute = t[i + 2].value, dt->second = 0;
        int j = i + 3;
        t[i].used = t[i + 1].used = t[i + 2].used = 1;
        if (j + 1 < nt && is_sep(&t[j], ':') && t[j + 1].kind == T_NUM && t[j + 1].ndigits == 2) {
            dt->second = t[j + 1].value > 59 ? 59 : t[j + 1].value;
            t[j].used = t[j + 1].used = 1, j += 2;
        }
        if (j < nt && t[j].kind == T_WORD && (t[j].dw->kind == W_AM || t[j].dw->kind == W_PM)) {
            if (dt->hour > 12 || dt->hour == 0) return NI_ERR_PARSE;
            if (t[j].dw->kind == W_PM && dt->hour < 12) dt->hour += 12;
            if (t[j].dw->kind == W_AM && dt->hour == 12) dt->hour = 0;
            t[j].used = 1;
        }
        return NI_OK;
    }
    return NI_OK;
}

/* find_offset: "GMT", "GMT+3", "UTC+03:00" after the time. */
static void find_offset(tok *t, int nt, article_datetime *dt)
{
    for (int i = 0; i < nt; i++) {
        if (t[i].used || t[i].kind != T_WORD || t[i].dw->kind != W_UTC) continue;
        t[i].used = 1;
        dt->has_offset = 1, dt->offset_minutes = 0;
        if (i + 2 < nt && (is_sep(&t[i + 1], '+') || is_sep(&t[i + 1], '-')) &&
            t[i + 2].kind == T_NUM && t[i + 2].value <= 14) {
            int m = t[i + 2].value * 60;
            t[i + 1].used = t[i + 2].used = 1;
            if (i + 4 < nt && is_sep(&t[i + 3], ':') && t[i + 4].kind == T_NUM) {
                m += t[i + 4].value;
                t[i + 3].used = t[i + 4].used = 1;
            }
            dt->offset_minutes = is_sep(&t[i + 1], '-') ? -m : m;
        }
        return;
    }
}

/* A date part: a number or a month name. */
typedef struct part {
    int value, ndigits, is_name;
} part;

/* set_date: y/m/d when valid; two-digit years are 20xx. */
static int set_date(article_datetime *dt, int y, int m, int d, int ydigits)
{
    if (ydigits == 2)
        y += 2000;
    else if (ydigits != 4)
        return NI_ERR_PARSE;
    if (!date_valid(y, m, d)) return NI_ERR_PARSE;
    dt->year = y, dt->month = m, dt->day = d;
    return NI_OK;
}

/* parts_to_date: Y-M-D, D-M-Y (M/D/Y when the day slot cannot be a month), "Month D, Y",
 * "D Month" / "Month D" (no year: recognized, no date stored). */
static int parts_to_date(const part *p, int n, article_datetime *dt)
{
    if (n == 0) return NI_OK;
    if (n == 2 && (p[0].is_name ^ p[1].is_name)) {
        const part *d = p[0].is_name ? &p[1] : &p[0];
        return d->ndigits <= 2 && d->value >= 1 && d->value <= 31 ? NI_OK : NI_ERR_PARSE;
    }
    if (n != 3) return NI_ERR_PARSE;
    if (!p[0].is_name && p[0].ndigits == 4 && !p[2].is_name)
        return set_date(dt, p[0].value, p[1].value, p[2].value, 4);
    if (p[2].is_name || p[0].ndigits > 2) return NI_ERR_PARSE;
    if (p[0].is_name) return set_date(dt, p[2].value, p[0].value, p[1].value, p[2].ndigits);
    if (!p[1].is_name && p[1].value > 12 && p[0].value <= 12)
        return set_date(dt, p[2].value, p[0].value, p[1].value, p[2].ndigits);
    return set_date(dt, p[2].value, p[1].value, p[0].value, p[2].ndigits);
}

/* collect_parts: the unused numbers and month names; unused words other than weekdays, eras
 * and labels make the line something else. */
static int collect_parts(const tok *t, int nt, part *p, int *np)
{
    *np = 0;
    for (int i = 0; i < nt; i++) {
        if (t[i].used || t[i].kind == T_SEP) continue;
        if (t[i].kind == T_WORD && t[i].dw->kind != W_MONTH) {
            /* an "am" that no time precedes is the German "am" (on) before a date */
            int german_am = t[i].dw->kind == W_AM && *np == 0 && !strcmp(t[i].dw->text, "am");
            if ((t[i].dw->kind == W_AM && !german_am) || t[i].dw->kind == W_UTC)
                return NI_ERR_PARSE;
            continue; /* weekday, label, era ("م" after a date) */
        }
        if (*np == 3) return NI_ERR_PARSE;
        part *q = &p[(*np)++];
        q->is_name = t[i].kind == T_WORD;
        q->value = q->is_name ? t[i].dw->value : t[i].value;
        q->ndigits = q->is_name ? 0 : t[i].ndigits;
    }
    return NI_OK;
}

/* cjk_marks: the CJK date and time marks after a number rewritten in place to the separators
 * the tokenizer reads ("2025年1月14日（火） 01時28分" -> "2025-1-14  01:28"); a one-character
 * weekday in brackets after the day is dropped. Returns the new length. */
static size_t cjk_marks(char *f, size_t n)
{
    static const struct {
        const char *mark;
        char to;
    } marks[] = {{"\xe5\xb9\xb4", '-'}, {"\xe6\x9c\x88", '-'}, {"\xe6\x97\xa5", ' '},
                 {"\xe6\x99\x82", ':'}, {"\xe6\x97\xb6", ':'}, {"\xe5\x88\x86", ' '}};
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        while (k < sizeof marks / sizeof *marks &&
               !(o && isdigit((unsigned char)f[o - 1]) && i + 3 <= n &&
                 !memcmp(f + i, marks[k].mark, 3)))
            k++;
        if (k == sizeof marks / sizeof *marks) {
            f[o++] = f[i++];
            continue;
        }
        f[o++] = marks[k].to, i += 3;
        if (marks[k].to != ' ' || marks[k].mark[2] != '\xa5') continue; /* after the day only */
        size_t b = i < n && f[i] == '('                              ? 1
                   : i + 3 <= n && !memcmp(f + i, "\xef\xbc\x88", 3) ? 3
                                                                     : 0;
        size_t c = i + b + 3; /* one three-byte character, then the closing bracket */
        if (b && c < n && f[c] == ')')
            i = c + 1;
        else if (b && c + 3 <= n && !memcmp(f + c, "\xef\xbc\x89", 3))
            i = c + 3;
    }
    return o;
}

int extract_datetime_parse_line(const char *s, size_t len, article_datetime *dt)
{
    char f[256];
    if (len == 0 || len > 120) return NI_ERR_PARSE;
    if (extract_datetime_parse_iso(s, len, dt) == NI_OK) return NI_OK;
    size_t n = vocab_fold(s, len, f, sizeof f);
    if (n >= sizeof f) return NI_ERR_PARSE;
    n = cjk_marks(f, n), f[n] = '\0';
    for (char *a; (a = strstr(f, "a.m.")) || (a = strstr(f, "p.m."));) /* a.m. -> am */
        a[1] = a[2], memmove(a + 2, a + 4, strlen(a + 4) + 1), n -= 2;
    tok t[MAX_TOKS];
    part p[3];
    int nt, np;
    article_datetime r = ARTICLE_DATETIME_NONE;
    if (tokenize(f, n, t, &nt) || find_time(t, nt, &r)) return NI_ERR_PARSE;
    find_offset(t, nt, &r);
    if (collect_parts(t, nt, p, &np) || parts_to_date(p, np, &r)) return NI_ERR_PARSE;
    if (np == 0 && r.hour < 0) return NI_ERR_PARSE;
    *dt = r;
    return NI_OK;
}

/* try_from: parse_line on s[from..len) trimmed, a date with a year only. */
static int try_from(const char *s, size_t from, size_t len, article_datetime *dt)
{
    while (from < len && (s[from] == ' ' || s[from] == ':' || s[from] == ',')) from++;
    while (len > from && (s[len - 1] == ' ' || s[len - 1] == ',')) len--;
    article_datetime r;
    if (len <= from || extract_datetime_parse_line(s + from, len - from, &r) != NI_OK || !r.year)
        return NI_ERR_PARSE;
    *dt = r;
    return NI_OK;
}

/* segment_date: the date of one segment: whole, after its first ':', from its first digit (a
 * label glued to the date), after one to three leading words (a name or place before it), or
 * without one to three trailing words. */
static int segment_date(const char *s, size_t len, article_datetime *dt)
{
    if (try_from(s, 0, len, dt) == NI_OK) return NI_OK;
    const char *colon = memchr(s, ':', len);
    if (colon && try_from(s, (size_t)(colon - s) + 1, len, dt) == NI_OK) return NI_OK;
    for (size_t i = 1; i < len; i++)
        if (isdigit((unsigned char)s[i]) && !isdigit((unsigned char)s[i - 1]) && s[i - 1] != ' ') {
            if (try_from(s, i, len, dt) == NI_OK) return NI_OK;
            break;
        }
    for (size_t i = 0, words = 0; i < len && words < 3; i++)
        if (s[i] == ' ' && ++words && try_from(s, i + 1, len, dt) == NI_OK) return NI_OK;
    for (size_t i = len, words = 0; i-- > 1 && words < 3;) /* a date, then other words */
        if (s[i] == ' ' && ++words && try_from(s, 0, i, dt) == NI_OK) return NI_OK;
    return NI_ERR_PARSE;
}

int extract_datetime_find(const char *s, size_t len, article_datetime *dt)
{
    static const char *const seps[] = {"|", "\xe2\x80\xa2", "\xc2\xb7",      " / ",
                                       ";", " - ",          " \xe2\x80\x93 "};
    if (len == 0 || len > 240) return NI_ERR_PARSE;
    size_t b = 0;
    while (b < len) {
        size_t e = len, n = 0;
        for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
            const char *hit = NULL;
            size_t m = strlen(seps[k]);
            for (size_t i = b; i + m <= len && !hit; i++)
                if (!memcmp(s + i, seps[k], m)) hit = s + i;
            if (hit && (size_t)(hit - s) < e) e = (size_t)(hit - s), n = m;
        }
        if (e - b <= 120 && segment_date(s + b, e - b, dt) == NI_OK) return NI_OK;
        b = e + n;
    }
    return NI_ERR_PARSE;
}
