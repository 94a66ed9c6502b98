/* fold.h: the one text-folding module: the Arabic letter folding (آ أ إ ٱ -> ا, ى -> ي, ة -> ه)
 * written once, in the named variants the stages compare text with. */
#ifndef NI_TEXT_FOLD_H
#define NI_TEXT_FOLD_H

#include <unicode/umachine.h>

/* What a code point folds to, TEXT_FOLD_DROP when the variant drops it. Every variant folds
 * آ أ إ ٱ -> ا, ى -> ي, ة -> ه (text_fold_letter); what else each does:
 *
 *           ی->ي ک->ك  ؤ->و ئ->ي  tatweel  marks dropped      digits        case       spaces
 *   LETTER  -          -          kept     none               kept          kept       kept
 *   SEARCH  -          -          dropped  Arabic-block Mn    Arabic-Indic  ASCII      any -> ' '
 *   VOCAB   -          yes        dropped  Mn Me Cf           any -> ASCII  u_tolower  any -> ' '
 *   TAGGER  yes        -          dropped  Mn Me Cf, Cc>0x7F  any -> '0'    u_tolower  kept
 *   RULES   yes        -          dropped  Mn Cf              kept          u_tolower  kept
 *
 * SEARCH also drops controls; Arabic-Indic digits are U+0660-U+0669 and U+06F0-U+06F9. */
typedef enum text_fold_variant {
    TEXT_FOLD_LETTER, /* the tokenizer's proclitic test: the three letter folds only */
    TEXT_FOLD_SEARCH, /* normalize's search text: CAMeL Tools' dediac + alef/maksura/teh
                         marbuta normalization and Lucene's ArabicNormalizer */
    TEXT_FOLD_VOCAB,  /* the extractor's chrome vocabulary */
    TEXT_FOLD_TAGGER, /* the entity tagger's normalized word form (features) */
    TEXT_FOLD_RULES,  /* the entity rules' word-table lookups */
} text_fold_variant;

#define TEXT_FOLD_DROP (-1)

/* text_fold_letter: آ أ إ ٱ -> ا, ى -> ي, ة -> ه; any other value (negative too) unchanged. */
static inline UChar32 text_fold_letter(UChar32 c)
{
    switch (c) {
    case 0x0622: /* آ */
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0671: /* ٱ */
        return 0x0627;
    case 0x0649: /* ى */
        return 0x064A;
    case 0x0629: /* ة */
        return 0x0647;
    default:
        return c;
    }
}

/* text_fold: the code point c (0..0x10FFFF) folded by variant v, TEXT_FOLD_DROP when v drops
 * it (LETTER also returns a negative, ill-formed value unchanged). Never fails. */
UChar32 text_fold(UChar32 c, text_fold_variant v);

/* text_arabic_mark: c is a nonspacing mark of the Arabic blocks (U+0610-U+06FF, U+0750-U+077F,
 * U+08A0-U+08FF). */
int text_arabic_mark(UChar32 c);

#endif
