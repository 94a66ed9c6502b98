/* rules_words.c: the pattern rules' word tables (number words, scales, currencies, months, units),
 * their folded, clitic-aware lookup, and the small text readers the rule files share. */
#include "rules_internal.h"
#include "text/fold.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define KEYMAX 24

/* Currency families (RW_CUR_ADJ must match its noun's family). */
enum { F_DOLLAR = 1, F_EURO, F_POUND, F_RIYAL, F_DIRHAM, F_DINAR, F_LIRA, F_OTHER };

static const rules_word words[] = {
    /* units (feminine and masculine forms; 1 and 2 also as in 11 and 12) */
    {"واحد", RW_UNIT, 0, 1, NULL},
    {"واحدة", RW_UNIT, 0, 1, NULL},
    {"أحد", RW_UNIT, 0, 1, NULL},
    {"إحدى", RW_UNIT, 0, 1, NULL},
    {"اثنان", RW_UNIT, 0, 2, NULL},
    {"اثنين", RW_UNIT, 0, 2, NULL},
    {"اثنتان", RW_UNIT, 0, 2, NULL},
    {"اثنتين", RW_UNIT, 0, 2, NULL},
    {"اثنا", RW_UNIT, 0, 2, NULL},
    {"اثني", RW_UNIT, 0, 2, NULL},
    {"ثلاث", RW_UNIT, 0, 3, NULL},
    {"ثلاثة", RW_UNIT, 0, 3, NULL},
    {"أربع", RW_UNIT, 0, 4, NULL},
    {"أربعة", RW_UNIT, 0, 4, NULL},
    {"خمس", RW_UNIT, 0, 5, NULL},
    {"خمسة", RW_UNIT, 0, 5, NULL},
    {"ست", RW_UNIT, 0, 6, NULL},
    {"ستة", RW_UNIT, 0, 6, NULL},
    {"سبع", RW_UNIT, 0, 7, NULL},
    {"سبعة", RW_UNIT, 0, 7, NULL},
    {"ثمان", RW_UNIT, 0, 8, NULL},
    {"ثماني", RW_UNIT, 0, 8, NULL},
    {"ثمانية", RW_UNIT, 0, 8, NULL},
    {"تسع", RW_UNIT, 0, 9, NULL},
    {"تسعة", RW_UNIT, 0, 9, NULL},
    {"عشر", RW_UNIT, 0, 10, NULL},
    {"عشرة", RW_UNIT, 0, 10, NULL},
    /* tens */
    {"عشرون", RW_TEN, 0, 20, NULL},
    {"عشرين", RW_TEN, 0, 20, NULL},
    {"ثلاثون", RW_TEN, 0, 30, NULL},
    {"ثلاثين", RW_TEN, 0, 30, NULL},
    {"أربعون", RW_TEN, 0, 40, NULL},
    {"أربعين", RW_TEN, 0, 40, NULL},
    {"خمسون", RW_TEN, 0, 50, NULL},
    {"خمسين", RW_TEN, 0, 50, NULL},
    {"ستون", RW_TEN, 0, 60, NULL},
    {"ستين", RW_TEN, 0, 60, NULL},
    {"سبعون", RW_TEN, 0, 70, NULL},
    {"سبعين", RW_TEN, 0, 70, NULL},
    {"ثمانون", RW_TEN, 0, 80, NULL},
    {"ثمانين", RW_TEN, 0, 80, NULL},
    {"تسعون", RW_TEN, 0, 90, NULL},
    {"تسعين", RW_TEN, 0, 90, NULL},
    /* hundreds */
    {"مئة", RW_HUNDRED, 0, 100, NULL},
    {"مائة", RW_HUNDRED, 0, 100, NULL},
    {"مئتان", RW_HUNDRED, 0, 200, NULL},
    {"مئتين", RW_HUNDRED, 0, 200, NULL},
    {"مائتان", RW_HUNDRED, 0, 200, NULL},
    {"مائتين", RW_HUNDRED, 0, 200, NULL},
    {"مئتا", RW_HUNDRED, 0, 200, NULL},
    {"مئتي", RW_HUNDRED, 0, 200, NULL},
    {"مائتا", RW_HUNDRED, 0, 200, NULL},
    {"ثلاثمئة", RW_HUNDRED, 0, 300, NULL},
    {"ثلاثمائة", RW_HUNDRED, 0, 300, NULL},
    {"أربعمئة", RW_HUNDRED, 0, 400, NULL},
    {"أربعمائة", RW_HUNDRED, 0, 400, NULL},
    {"خمسمئة", RW_HUNDRED, 0, 500, NULL},
    {"خمسمائة", RW_HUNDRED, 0, 500, NULL},
    {"ستمئة", RW_HUNDRED, 0, 600, NULL},
    {"ستمائة", RW_HUNDRED, 0, 600, NULL},
    {"سبعمئة", RW_HUNDRED, 0, 700, NULL},
    {"سبعمائة", RW_HUNDRED, 0, 700, NULL},
    {"ثمانمئة", RW_HUNDRED, 0, 800, NULL},
    {"ثمانمائة", RW_HUNDRED, 0, 800, NULL},
    {"ثمانيمئة", RW_HUNDRED, 0, 800, NULL},
    {"ثمانيمائة", RW_HUNDRED, 0, 800, NULL},
    {"تسعمئة", RW_HUNDRED, 0, 900, NULL},
    {"تسعمائة", RW_HUNDRED, 0, 900, NULL},
    {"نصف", RW_FRAC, 0, 0.5, NULL},
    {"ربع", RW_FRAC, 0, 0.25, NULL},
    /* scales: singular (and accusative), dual, plural */
    {"ألف", RW_SCALE, 0, 1e3, NULL},
    {"ألفا", RW_SCALE, 0, 1e3, NULL},
    {"ألفان", RW_SCALE2, 0, 1e3, NULL},
    {"ألفين", RW_SCALE2, 0, 1e3, NULL},
    {"ألفي", RW_SCALE2, 0, 1e3, NULL},
    {"مليوني", RW_SCALE2, 0, 1e6, NULL},
    {"ملياري", RW_SCALE2, 0, 1e9, NULL},
    {"آلاف", RW_SCALEP, 0, 1e3, NULL},
    {"ألوف", RW_SCALEP, 0, 1e3, NULL},
    {"مليون", RW_SCALE, 0, 1e6, NULL},
    {"مليونا", RW_SCALE, 0, 1e6, NULL},
    {"مليونان", RW_SCALE2, 0, 1e6, NULL},
    {"مليونين", RW_SCALE2, 0, 1e6, NULL},
    {"ملايين", RW_SCALEP, 0, 1e6, NULL},
    {"مليار", RW_SCALE, 0, 1e9, NULL},
    {"مليارا", RW_SCALE, 0, 1e9, NULL},
    {"ملياران", RW_SCALE2, 0, 1e9, NULL},
    {"مليارين", RW_SCALE2, 0, 1e9, NULL},
    {"مليارات", RW_SCALEP, 0, 1e9, NULL},
    {"بليون", RW_SCALE, 0, 1e9, NULL},
    {"بليونا", RW_SCALE, 0, 1e9, NULL},
    {"بلايين", RW_SCALEP, 0, 1e9, NULL},
    {"تريليون", RW_SCALE, 0, 1e12, NULL},
    {"تريليونات", RW_SCALEP, 0, 1e12, NULL},
    {"thousand", RW_SCALE, 0, 1e3, NULL},
    {"million", RW_SCALE, 0, 1e6, NULL},
    {"mn", RW_SCALE, 0, 1e6, NULL},
    {"mln", RW_SCALE, 0, 1e6, NULL},
    {"billion", RW_SCALE, 0, 1e9, NULL},
    {"bn", RW_SCALE, 0, 1e9, NULL},
    {"bln", RW_SCALE, 0, 1e9, NULL},
    {"trillion", RW_SCALE, 0, 1e12, NULL},
    /* currencies: the noun with its default code ("" when the country must be said) */
    {"دولار", RW_CUR, F_DOLLAR, 0, "USD"},
    {"دولارا", RW_CUR, F_DOLLAR, 0, "USD"},
    {"دولارات", RW_CUR, F_DOLLAR, 0, "USD"},
    {"dollar", RW_CUR, F_DOLLAR, 0, "USD"},
    {"dollars", RW_CUR, F_DOLLAR, 0, "USD"},
    {"يورو", RW_CUR, F_EURO, 0, "EUR"},
    {"euro", RW_CUR, F_EURO, 0, "EUR"},
    {"euros", RW_CUR, F_EURO, 0, "EUR"},
    {"جنيه", RW_CUR, F_POUND, 0, "EGP"},
    {"جنيها", RW_CUR, F_POUND, 0, "EGP"},
    {"جنيهات", RW_CUR, F_POUND, 0, "EGP"},
    {"ريال", RW_CUR, F_RIYAL, 0, "SAR"},
    {"ريالا", RW_CUR, F_RIYAL, 0, "SAR"},
    {"ريالات", RW_CUR, F_RIYAL, 0, "SAR"},
    {"درهم", RW_CUR, F_DIRHAM, 0, "AED"},
    {"درهما", RW_CUR, F_DIRHAM, 0, "AED"},
    {"دراهم", RW_CUR, F_DIRHAM, 0, "AED"},
    {"دينار", RW_CUR, F_DINAR, 0, ""},
    {"دينارا", RW_CUR, F_DINAR, 0, ""},
    {"دنانير", RW_CUR, F_DINAR, 0, ""},
    {"ليرة", RW_CUR, F_LIRA, 0, ""},
    {"ليرات", RW_CUR, F_LIRA, 0, ""},
    {"يوان", RW_CUR, F_OTHER, 0, "CNY"},
    {"روبل", RW_CUR, F_OTHER, 0, "RUB"},
    {"شيكل", RW_CUR, F_OTHER, 0, "ILS"},
    {"شيقل", RW_CUR, F_OTHER, 0, "ILS"},
    {"شواكل", RW_CUR, F_OTHER, 0, "ILS"},
    {"تومان", RW_CUR, F_OTHER, 0, "IRR"},
    {"ILS", RW_CUR, F_OTHER, 0, "ILS"},
    {"USD", RW_CUR, F_OTHER, 0, "USD"},
    {"EUR", RW_CUR, F_OTHER, 0, "EUR"},
    {"GBP", RW_CUR, F_OTHER, 0, "GBP"},
    {"SYP", RW_CUR, F_OTHER, 0, "SYP"},
    {"LBP", RW_CUR, F_OTHER, 0, "LBP"},
    {"IQD", RW_CUR, F_OTHER, 0, "IQD"},
    {"JOD", RW_CUR, F_OTHER, 0, "JOD"},
    {"KWD", RW_CUR, F_OTHER, 0, "KWD"},
    {"SAR", RW_CUR, F_OTHER, 0, "SAR"},
    {"QAR", RW_CUR, F_OTHER, 0, "QAR"},
    {"AED", RW_CUR, F_OTHER, 0, "AED"},
    {"EGP", RW_CUR, F_OTHER, 0, "EGP"},
    {"TRY", RW_CUR, F_OTHER, 0, "TRY"},
    /* currency adjectives (masculine and feminine: جنيهات مصرية) */
    {"أمريكي", RW_CUR_ADJ, F_DOLLAR, 0, "USD"},
    {"أميركي", RW_CUR_ADJ, F_DOLLAR, 0, "USD"},
    {"كندي", RW_CUR_ADJ, F_DOLLAR, 0, "CAD"},
    {"أسترالي", RW_CUR_ADJ, F_DOLLAR, 0, "AUD"},
    {"مصري", RW_CUR_ADJ, F_POUND, 0, "EGP"},
    {"مصرية", RW_CUR_ADJ, F_POUND, 0, "EGP"},
    {"إسترليني", RW_CUR_ADJ, F_POUND, 0, "GBP"},
    {"استرليني", RW_CUR_ADJ, F_POUND, 0, "GBP"},
    {"إسترلينية", RW_CUR_ADJ, F_POUND, 0, "GBP"},
    {"سوداني", RW_CUR_ADJ, F_POUND, 0, "SDG"},
    {"سعودي", RW_CUR_ADJ, F_RIYAL, 0, "SAR"},
    {"سعودية", RW_CUR_ADJ, F_RIYAL, 0, "SAR"},
    {"قطري", RW_CUR_ADJ, F_RIYAL, 0, "QAR"},
    {"قطرية", RW_CUR_ADJ, F_RIYAL, 0, "QAR"},
    {"عماني", RW_CUR_ADJ, F_RIYAL, 0, "OMR"},
    {"يمني", RW_CUR_ADJ, F_RIYAL, 0, "YER"},
    {"إيراني", RW_CUR_ADJ, F_RIYAL, 0, "IRR"},
    {"إماراتي", RW_CUR_ADJ, F_DIRHAM, 0, "AED"},
    {"إماراتية", RW_CUR_ADJ, F_DIRHAM, 0, "AED"},
    {"مغربي", RW_CUR_ADJ, F_DIRHAM, 0, "MAD"},
    {"عراقي", RW_CUR_ADJ, F_DINAR, 0, "IQD"},
    {"عراقية", RW_CUR_ADJ, F_DINAR, 0, "IQD"},
    {"أردني", RW_CUR_ADJ, F_DINAR, 0, "JOD"},
    {"أردنية", RW_CUR_ADJ, F_DINAR, 0, "JOD"},
    {"كويتي", RW_CUR_ADJ, F_DINAR, 0, "KWD"},
    {"كويتية", RW_CUR_ADJ, F_DINAR, 0, "KWD"},
    {"بحريني", RW_CUR_ADJ, F_DINAR, 0, "BHD"},
    {"ليبي", RW_CUR_ADJ, F_DINAR, 0, "LYD"},
    {"تونسي", RW_CUR_ADJ, F_DINAR, 0, "TND"},
    {"جزائري", RW_CUR_ADJ, F_DINAR, 0, "DZD"},
    {"سوري", RW_CUR_ADJ, F_LIRA, 0, "SYP"},
    {"سورية", RW_CUR_ADJ, F_LIRA, 0, "SYP"},
    {"لبناني", RW_CUR_ADJ, F_LIRA, 0, "LBP"},
    {"لبنانية", RW_CUR_ADJ, F_LIRA, 0, "LBP"},
    {"تركي", RW_CUR_ADJ, F_LIRA, 0, "TRY"},
    {"تركية", RW_CUR_ADJ, F_LIRA, 0, "TRY"},
    /* months: Egyptian/Western, Levantine, Maghrebi; English (capitalized) */
    {"يناير", RW_MONTH, 0, 1, NULL},
    {"فبراير", RW_MONTH, 0, 2, NULL},
    {"شباط", RW_MONTH, 0, 2, NULL},
    {"مارس", RW_MONTH, 0, 3, NULL},
    {"آذار", RW_MONTH, 0, 3, NULL},
    {"أبريل", RW_MONTH, 0, 4, NULL},
    {"إبريل", RW_MONTH, 0, 4, NULL},
    {"نيسان", RW_MONTH, 0, 4, NULL},
    {"مايو", RW_MONTH, 0, 5, NULL},
    {"أيار", RW_MONTH, 0, 5, NULL},
    {"يونيو", RW_MONTH, 0, 6, NULL},
    {"يونيه", RW_MONTH, 0, 6, NULL},
    {"حزيران", RW_MONTH, 0, 6, NULL},
    {"يوليو", RW_MONTH, 0, 7, NULL},
    {"يوليه", RW_MONTH, 0, 7, NULL},
    {"تموز", RW_MONTH, 0, 7, NULL},
    {"أغسطس", RW_MONTH, 0, 8, NULL},
    {"آب", RW_MONTH, 0, 8, NULL},
    {"سبتمبر", RW_MONTH, 0, 9, NULL},
    {"أيلول", RW_MONTH, 0, 9, NULL},
    {"أكتوبر", RW_MONTH, 0, 10, NULL},
    {"نوفمبر", RW_MONTH, 0, 11, NULL},
    {"ديسمبر", RW_MONTH, 0, 12, NULL},
    {"جانفي", RW_MONTH, 0, 1, NULL},
    {"فيفري", RW_MONTH, 0, 2, NULL},
    {"أفريل", RW_MONTH, 0, 4, NULL},
    {"جوان", RW_MONTH, 0, 6, NULL},
    {"جويلية", RW_MONTH, 0, 7, NULL},
    {"أوت", RW_MONTH, 0, 8, NULL},
    {"كانون", RW_MONTH_HEAD, 1, 0, NULL},
    {"تشرين", RW_MONTH_HEAD, 2, 0, NULL},
    {"الأول", RW_MONTH_ORD, 0, 1, NULL},
    {"أول", RW_MONTH_ORD, 0, 1, NULL},
    {"الثاني", RW_MONTH_ORD, 0, 2, NULL},
    {"ثاني", RW_MONTH_ORD, 0, 2, NULL},
    {"January", RW_MONTH, 1, 1, NULL},
    {"February", RW_MONTH, 1, 2, NULL},
    {"March", RW_MONTH, 1, 3, NULL},
    {"April", RW_MONTH, 1, 4, NULL},
    {"May", RW_MONTH, 1, 5, NULL},
    {"June", RW_MONTH, 1, 6, NULL},
    {"July", RW_MONTH, 1, 7, NULL},
    {"August", RW_MONTH, 1, 8, NULL},
    {"September", RW_MONTH, 1, 9, NULL},
    {"October", RW_MONTH, 1, 10, NULL},
    {"November", RW_MONTH, 1, 11, NULL},
    {"December", RW_MONTH, 1, 12, NULL},
    {"Jan", RW_MONTH, 1, 1, NULL},
    {"Feb", RW_MONTH, 1, 2, NULL},
    {"Mar", RW_MONTH, 1, 3, NULL},
    {"Apr", RW_MONTH, 1, 4, NULL},
    {"Jun", RW_MONTH, 1, 6, NULL},
    {"Jul", RW_MONTH, 1, 7, NULL},
    {"Aug", RW_MONTH, 1, 8, NULL},
    {"Sep", RW_MONTH, 1, 9, NULL},
    {"Sept", RW_MONTH, 1, 9, NULL},
    {"Oct", RW_MONTH, 1, 10, NULL},
    {"Nov", RW_MONTH, 1, 11, NULL},
    {"Dec", RW_MONTH, 1, 12, NULL},
    /* percent */
    {"بالمئة", RW_PCT, 0, 0, NULL},
    {"بالمائة", RW_PCT, 0, 0, NULL},
    {"بالمية", RW_PCT, 0, 0, NULL},
    {"percent", RW_PCT, 0, 0, NULL},
    {"pct", RW_PCT, 0, 0, NULL},
    {"في", RW_PCT_HEAD, 0, 0, NULL},
    {"per", RW_PCT_HEAD, 0, 0, NULL},
    {"المئة", RW_PCT2, 0, 0, NULL},
    {"المائة", RW_PCT2, 0, 0, NULL},
    {"المية", RW_PCT2, 0, 0, NULL},
    {"cent", RW_PCT2, 0, 0, NULL},
    /* units of measure */
    {"كيلومتر", RW_MEASURE, 0, 0, NULL},
    {"كيلومترا", RW_MEASURE, 0, 0, NULL},
    {"كيلومترات", RW_MEASURE, 0, 0, NULL},
    {"كم", RW_MEASURE, 0, 0, NULL},
    {"كلم", RW_MEASURE, 0, 0, NULL},
    {"متر", RW_MEASURE, 0, 0, NULL},
    {"مترا", RW_MEASURE, 0, 0, NULL},
    {"أمتار", RW_MEASURE, 0, 0, NULL},
    {"ميل", RW_MEASURE, 0, 0, NULL},
    {"ميلا", RW_MEASURE, 0, 0, NULL},
    {"أميال", RW_MEASURE, 0, 0, NULL},
    {"طن", RW_MEASURE, 0, 0, NULL},
    {"طنا", RW_MEASURE, 0, 0, NULL},
    {"أطنان", RW_MEASURE, 0, 0, NULL},
    {"برميل", RW_MEASURE, 0, 0, NULL},
    {"برميلا", RW_MEASURE, 0, 0, NULL},
    {"براميل", RW_MEASURE, 0, 0, NULL},
    {"كيلوغرام", RW_MEASURE, 0, 0, NULL},
    {"كيلوغراما", RW_MEASURE, 0, 0, NULL},
    {"كيلوجرام", RW_MEASURE, 0, 0, NULL},
    {"كغ", RW_MEASURE, 0, 0, NULL},
    {"كلغ", RW_MEASURE, 0, 0, NULL},
    {"غرام", RW_MEASURE, 0, 0, NULL},
    {"لتر", RW_MEASURE, 0, 0, NULL},
    {"لترات", RW_MEASURE, 0, 0, NULL},
    {"هكتار", RW_MEASURE, 0, 0, NULL},
    {"هكتارات", RW_MEASURE, 0, 0, NULL},
    {"دونم", RW_MEASURE, 0, 0, NULL},
    {"دونمات", RW_MEASURE, 0, 0, NULL},
    {"ميغاواط", RW_MEASURE, 0, 0, NULL},
    {"km", RW_MEASURE, 0, 0, NULL},
    {"kilometres", RW_MEASURE, 0, 0, NULL},
    {"kilometers", RW_MEASURE, 0, 0, NULL},
    {"kilometre", RW_MEASURE, 0, 0, NULL},
    {"kilometer", RW_MEASURE, 0, 0, NULL},
    {"miles", RW_MEASURE, 0, 0, NULL},
    {"mile", RW_MEASURE, 0, 0, NULL},
    {"tonnes", RW_MEASURE, 0, 0, NULL},
    {"tonne", RW_MEASURE, 0, 0, NULL},
    {"tons", RW_MEASURE, 0, 0, NULL},
    {"ton", RW_MEASURE, 0, 0, NULL},
    {"barrels", RW_MEASURE, 0, 0, NULL},
    {"barrel", RW_MEASURE, 0, 0, NULL},
    {"kg", RW_MEASURE, 0, 0, NULL},
    {"kilograms", RW_MEASURE, 0, 0, NULL},
    {"metres", RW_MEASURE, 0, 0, NULL},
    {"meters", RW_MEASURE, 0, 0, NULL},
    {"hectares", RW_MEASURE, 0, 0, NULL},
    {"litres", RW_MEASURE, 0, 0, NULL},
    {"liters", RW_MEASURE, 0, 0, NULL},
    {"MW", RW_MEASURE, 0, 0, NULL},
    /* a year follows */
    {"عام", RW_YEAR_CUE, 0, 0, NULL},
    {"العام", RW_YEAR_CUE, 0, 0, NULL},
    {"سنة", RW_YEAR_CUE, 0, 0, NULL},
    {"السنة", RW_YEAR_CUE, 0, 0, NULL},
    {"منذ", RW_YEAR_CUE, 0, 0, NULL},
    {"in", RW_YEAR_CUE, 0, 0, NULL},
    {"since", RW_YEAR_CUE, 0, 0, NULL},
    {"year", RW_YEAR_CUE, 0, 0, NULL},
    /* time of day */
    {"ص", RW_AM, 0, 0, NULL},
    {"صباحا", RW_AM, 0, 0, NULL},
    {"صباح", RW_AM, 0, 0, NULL},
    {"فجرا", RW_AM, 0, 0, NULL},
    {"am", RW_AM, 0, 0, NULL},
    {"م", RW_PM, 0, 0, NULL},
    {"مساء", RW_PM, 0, 0, NULL},
    {"مساءا", RW_PM, 0, 0, NULL},
    {"عصرا", RW_PM, 0, 0, NULL},
    {"ليلا", RW_PM, 0, 0, NULL},
    {"pm", RW_PM, 0, 0, NULL},
    {"ظهرا", RW_NOON, 0, 0, NULL},
    {"ظهر", RW_NOON, 0, 0, NULL},
    /* between a day and its month */
    {"st", RW_ORDINAL, 0, 0, NULL},
    {"nd", RW_ORDINAL, 0, 0, NULL},
    {"rd", RW_ORDINAL, 0, 0, NULL},
    {"th", RW_ORDINAL, 0, 0, NULL},
    {"من", RW_OF, 0, 0, NULL},
    {"of", RW_OF, 0, 0, NULL},
};
#define NWORDS (sizeof words / sizeof words[0])

/* One folded key of the index. */
typedef struct wkey {
    UChar32 k[KEYMAX];
    int n;
    const rules_word *e;
} wkey;

static wkey index_[NWORDS];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
/* The kinds of the table words by first folded letter (ASCII, then U+0620..U+064F). */
static unsigned first_kinds[128 + 48];

/* first_slot: c's index in first_kinds, -1 when no table word can start with it. */
static int first_slot(UChar32 c)
{
    if (c >= 0 && c < 128) return (int)c;
    if (c >= 0x620 && c <= 0x64F) return 128 + (int)(c - 0x620);
    return -1;
}

/* fold: the lookup form of c (TEXT_FOLD_RULES: Arabic letter variants merged, Latin
 * lower-cased); 0 to skip. */
static UChar32 fold(UChar32 c)
{
    UChar32 f = text_fold(c, TEXT_FOLD_RULES);
    return f == TEXT_FOLD_DROP ? 0 : f;
}

/* wkey_cmp: keys ordered by letters, then length. */
static int wkey_cmp(const void *a, const void *b)
{
    const wkey *x = a, *y = b;
    int n = x->n < y->n ? x->n : y->n;
    for (int i = 0; i < n; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

/* index_build: fold every table word once, sorted for bsearch. */
static void index_build(void)
{
    for (size_t i = 0; i < NWORDS; i++) {
        const char *s = words[i].w;
        int32_t len = (int32_t)strlen(s), j = 0;
        wkey *k = &index_[i];
        k->n = 0;
        k->e = &words[i];
        while (j < len && k->n < KEYMAX) {
            UChar32 c;
            U8_NEXT(s, j, len, c);
            UChar32 f = c < 0 ? 0 : fold(c);
            if (f) k->k[k->n++] = f;
        }
        int slot = first_slot(k->k[0]);
        if (slot >= 0) first_kinds[slot] |= RW_BIT(words[i].kind);
    }
    qsort(index_, NWORDS, sizeof index_[0], wkey_cmp);
}

int rules_is_clitic(UChar32 c)
{
    return c == 0x648 || c == 0x641 || c == 0x628 || c == 0x644 || c == 0x643;
}

int rules_is_wordch(UChar32 c)
{
    if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
    if (c >= 0x621 && c <= 0x652) return 1; /* Arabic letters, tatweel, marks */
    int8_t t = u_charType(c);
    return u_isalpha(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || c == 0x640;
}

int rules_digit(UChar32 c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c < 0x80) return -1;
    return u_charType(c) == U_DECIMAL_DIGIT_NUMBER ? u_charDigitValue(c) : -1;
}

int rules_is_space(UChar32 c)
{
    return c == ' ' || c == 0xA0 || c == 0x202F || c == 0x2009 || c == 0x200A;
}

size_t rules_word_end(const rules_text *t, size_t i)
{
    while (i < t->n && rules_is_wordch(t->cp[i])) i++;
    return i;
}

size_t rules_skip_sp(const rules_text *t, size_t i, int max)
{
    for (int k = 0; k < max && i < t->n && rules_is_space(t->cp[i]); k++) i++;
    return i;
}

/* find_key: the entry of a kind in mask with key k[0..n); case: a table word written with a
 * capital (English months, ISO codes) needs a capital in the text (first). */
static const rules_word *find_key(const UChar32 *k, int n, unsigned mask, UChar32 first)
{
    wkey key;
    memcpy(key.k, k, (size_t)n * sizeof k[0]);
    key.n = n;
    wkey *hit = bsearch(&key, index_, NWORDS, sizeof index_[0], wkey_cmp);
    if (!hit) return NULL;
    while (hit > index_ && wkey_cmp(hit - 1, &key) == 0) hit--;
    for (; hit < index_ + NWORDS && wkey_cmp(hit, &key) == 0; hit++) {
        const rules_word *e = hit->e;
        if (!(mask & RW_BIT(e->kind))) continue;
        if (e->w[0] >= 'A' && e->w[0] <= 'Z' && !(first >= 'A' && first <= 'Z')) continue;
        return e;
    }
    return NULL;
}

const rules_word *rules_word_find(const rules_text *t, size_t i, size_t end, unsigned mask,
                                  int clitics, size_t *at)
{
    pthread_once(&index_once, index_build);
    UChar32 k[KEYMAX];
    size_t pos[KEYMAX];
    int n = 0;
    for (size_t j = i; j < end; j++) {
        UChar32 f = fold(t->cp[j]);
        if (!f) continue;
        if (n == KEYMAX) return NULL;
        pos[n] = j;
        k[n++] = f;
    }
    for (int s = 0; s <= (clitics ? 2 : 0) && s < n; s++) {
        if (s > 0 && !rules_is_clitic(k[s - 1])) break;
        int slot = first_slot(k[s]);
        if (slot < 0 || !(first_kinds[slot] & mask)) continue;
        const rules_word *e = find_key(k + s, n - s, mask, t->cp[pos[s]]);
        if (e) {
            *at = pos[s];
            return e;
        }
    }
    return NULL;
}

/* ---- small readers shared by the rule files (see rules_internal.h) ----------------------- */

/* rules_digits: the run of digits at p. */
size_t rules_digits(const rules_text *t, size_t p, long *val, int *nd)
{
    long v = 0;
    int k = 0;
    for (int d; p < t->n && (d = rules_digit(t->cp[p])) >= 0; p++, k++)
        if (k < 9) v = v * 10 + d;
    *val = v;
    *nd = k;
    return p;
}

/* rules_number_end: no digit, nor a separator and a digit, follows p. */
int rules_number_end(const rules_text *t, size_t p)
{
    UChar32 c = rules_at(t, p);
    if (rules_is_digit_at(t, p)) return 0;
    int sep = c == '.' || c == ',' || c == '/' || c == '-' || c == ':' || c == 0x66B || c == 0x66C;
    return !(sep && rules_is_digit_at(t, p + 1));
}

/* rules_set: fills m from scratch. */
int rules_set(ner_rule_match *m, ner_rule_type type, size_t s, size_t e, int has, double v,
              const char *unit)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->start = s;
    m->end = e;
    m->has_number = has;
    m->number = has ? v : 0;
    if (unit) snprintf(m->unit, sizeof m->unit, "%s", unit);
    return 1;
}

/* rules_word_of: the table word of a kind in mask at p (no clitics), its end in *we. */
const rules_word *rules_word_of(const rules_text *t, size_t p, unsigned mask, size_t *we)
{
    size_t a;
    *we = rules_word_end(t, p);
    return *we > p ? rules_word_find(t, p, *we, mask, 0, &a) : NULL;
}
