/* article.h: stage 2's output, the extracted article (raw text fields, before normalization). */
#ifndef NI_EXTRACT_ARTICLE_H
#define NI_EXTRACT_ARTICLE_H

#include <stddef.h>

typedef enum article_block_kind {
    ARTICLE_BLOCK_PARAGRAPH = 0,
    ARTICLE_BLOCK_HEADING = 1, /* a subheading inside the article body */
} article_block_kind;

typedef struct article_block {
    char *text;
    article_block_kind kind;
} article_block;

typedef struct article_link {
    char *title;
    char *url; /* NULL when the page gave none */
} article_link;

/* A calendar date and/or wall-clock time as the page states it. */
typedef struct article_datetime {
    int year, month, day;     /* year 0 = no date */
    int hour, minute, second; /* hour -1 = no time */
    int has_offset;           /* offset_minutes is meaningful (e.g. "+03:00", "Z") */
    int offset_minutes;
} article_datetime;

#define ARTICLE_DATETIME_NONE                                                                      \
    {                                                                                              \
        0, 0, 0, -1, 0, 0, 0, 0                                                                    \
    }

typedef enum article_time_origin {
    ARTICLE_TIME_NONE = 0,
    ARTICLE_TIME_METADATA, /* JSON-LD, meta tags, <time datetime> */
    ARTICLE_TIME_PAGE,     /* a dateline in the visible text */
} article_time_origin;

#define ARTICLE_VIEWS_NONE (-1LL)

typedef struct article {
    char *title;
    char *author;        /* NULL when none */
    char *site_name;     /* as the page states it ("بلدي نيوز"), NULL when not stated */
    char *url;           /* URL stated in the page (text line, og:url), NULL when none */
    char *canonical_url; /* <link rel=canonical>, NULL when none */
    char *language;      /* BCP 47 when the page declares it, NULL otherwise */
    char *direction;     /* "rtl"/"ltr" when declared, NULL otherwise */
    char *description;   /* meta/og description, NULL when none */
    article_datetime published;
    article_time_origin published_origin;
    long long views; /* ARTICLE_VIEWS_NONE when the page shows no counter */
    unsigned quality;

    article_block *blocks;
    size_t nblocks, cap_blocks;
    char **captions;
    size_t ncaptions, cap_captions;
    article_link *related;
    size_t nrelated, cap_related;
    char **keywords;
    size_t nkeywords, cap_keywords;
} article;

/* article_create: an empty article (views NONE, no time); NULL when out of memory. */
article *article_create(void);
/* article_destroy: frees the article and everything it owns; NULL is a no-op. */
void article_destroy(article *a);

/* article_field_set: replaces *field with a copy of s[0..len) (len (size_t)-1 = strlen). Returns
 * NI_OK or NI_ERR_NOMEM (field unchanged). s NULL clears the field. */
int article_field_set(char **field, const char *s, size_t len);

/* Appenders copy their arguments; NI_OK or NI_ERR_NOMEM. len (size_t)-1 = strlen. */
int article_block_add(article *a, article_block_kind kind, const char *text, size_t len);
int article_caption_add(article *a, const char *text, size_t len);
int article_related_add(article *a, const char *title, const char *url);
int article_keyword_add(article *a, const char *text, size_t len);

#endif
