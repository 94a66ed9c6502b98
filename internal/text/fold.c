/* fold.c: the text-folding variants of fold.h, each what one stage compares text with; the
 * Arabic letter folding they share is text_fold_letter. */
#include "text/fold.h"

#include <unicode/uchar.h>

int text_arabic_mark(UChar32 c)
{
    int block = (c >= 0x0610 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
                (c >= 0x08A0 && c <= 0x08FF);
    return block && u_charType(c) == U_NON_SPACING_MARK;
}

/* fold_search: spaces -> ' ', controls, tatweel and Arabic-block marks (U+0653-U+0655
 * included) dropped, ASCII lower-cased, Arabic-Indic digits -> ASCII. */
static UChar32 fold_search(UChar32 c)
{
    if (u_isUWhiteSpace(c)) return ' ';
    if (u_charType(c) == U_CONTROL_CHAR) return TEXT_FOLD_DROP;
    if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
    if (c == 0x0640) return TEXT_FOLD_DROP; /* tatweel */
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9))
        return '0' + u_charDigitValue(c);
    if (text_arabic_mark(c) || (c >= 0x0653 && c <= 0x0655)) return TEXT_FOLD_DROP;
    return text_fold_letter(c);
}

/* vocab_fast: fold_vocab for ASCII and the Arabic block without ICU lookups; -2 = ask ICU. */
static UChar32 vocab_fast(UChar32 c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return c + 32;
        return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ? ' ' : c;
    }
    if (c < 0x0621 || c > 0x06F9) return -2;
    if (c >= 0x064B && c <= 0x065F) return TEXT_FOLD_DROP; /* harakat */
    if (c >= 0x0660 && c <= 0x0669) return '0' + (c - 0x0660);
    if (c >= 0x06F0) return '0' + (c - 0x06F0);
    if (c <= 0x064A && c != 0x0640 && c != 0x0622 && c != 0x0623 && c != 0x0624 && c != 0x0625 &&
        c != 0x0626 && c != 0x0629)
        return text_fold_letter(c); /* ى -> ي */
    return -2;
}

/* fold_vocab: tatweel and marks (Mn, Me, Cf) dropped, ؤ -> و, ئ -> ي, any decimal digit ->
 * ASCII, spaces (NBSP too) -> ' ', lower-cased. */
static UChar32 fold_vocab(UChar32 c)
{
    UChar32 f = vocab_fast(c);
    if (f != -2) return f;
    if (c == 0x0640) return TEXT_FOLD_DROP; /* tatweel */
    int8_t t = u_charType(c);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR)
        return TEXT_FOLD_DROP;
    if (text_fold_letter(c) != c) return text_fold_letter(c);
    if (c == 0x0624) return 0x0648; /* ؤ -> و */
    if (c == 0x0626) return 0x064A; /* ئ -> ي */
    if (u_isdigit(c) && u_charDigitValue(c) >= 0) return '0' + u_charDigitValue(c);
    if (c == 0xA0 || u_isUWhiteSpace(c)) return ' ';
    return u_tolower(c);
}

/* fold_persian: ی -> ي, ک -> ك, tatweel dropped; any other c as it is. */
static UChar32 fold_persian(UChar32 c)
{
    switch (c) {
    case 0x06CC: /* Farsi yeh */
        return 0x064A;
    case 0x06A9: /* keheh */
        return 0x0643;
    case 0x0640: /* tatweel */
        return TEXT_FOLD_DROP;
    default:
        return c;
    }
}

/* fold_tagger: ASCII lower-cased and digits -> '0' (ASCII controls kept), ی -> ي, ک -> ك,
 * tatweel and marks (Mn, Me, Cf, Cc) dropped, any decimal digit -> '0', lower-cased. */
static UChar32 fold_tagger(UChar32 c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return c + 32;
        return c >= '0' && c <= '9' ? '0' : c;
    }
    if (text_fold_letter(c) != c) return text_fold_letter(c);
    if (fold_persian(c) != c) return fold_persian(c);
    int8_t t = u_charType(c);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR ||
        t == U_CONTROL_CHAR)
        return TEXT_FOLD_DROP;
    if (t == U_DECIMAL_DIGIT_NUMBER) return '0';
    return u_tolower(c);
}

/* fold_rules: ی -> ي, ک -> ك, tatweel, harakat and marks (Mn, Cf) dropped, lower-cased; digits
 * kept. */
static UChar32 fold_rules(UChar32 c)
{
    if (text_fold_letter(c) != c) return text_fold_letter(c);
    if (fold_persian(c) != c) return fold_persian(c);
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0x621 && c <= 0x64A) return c;
    if (c >= 0x64B && c <= 0x652) return TEXT_FOLD_DROP; /* harakat */
    int8_t t = u_charType(c);
    if (t == U_NON_SPACING_MARK || t == U_FORMAT_CHAR) return TEXT_FOLD_DROP;
    return u_tolower(c);
}

UChar32 text_fold(UChar32 c, text_fold_variant v)
{
    switch (v) {
    case TEXT_FOLD_LETTER:
        return text_fold_letter(c);
    case TEXT_FOLD_SEARCH:
        return fold_search(c);
    case TEXT_FOLD_VOCAB:
        return fold_vocab(c);
    case TEXT_FOLD_TAGGER:
        return fold_tagger(c);
    case TEXT_FOLD_RULES:
        return fold_rules(c);
    }
    return c;
}
