/* test_text_fold.c: the text-folding variants (text/fold.h): the letter folds every variant
 * shares, and each variant's distinguishing case. */
#include "text/fold.h"

#include <criterion/criterion.h>

static const text_fold_variant all[] = {TEXT_FOLD_LETTER, TEXT_FOLD_SEARCH, TEXT_FOLD_VOCAB,
                                        TEXT_FOLD_TAGGER, TEXT_FOLD_RULES};
#define NV (sizeof all / sizeof all[0])

Test(text_fold, every_variant_folds_alef_hamza_maksura_and_teh_marbuta)
{
    for (size_t i = 0; i < NV; i++) {
        cr_assert_eq(text_fold(0x0623, all[i]), 0x0627, "variant %zu: أ", i);
        cr_assert_eq(text_fold(0x0625, all[i]), 0x0627, "variant %zu: إ", i);
        cr_assert_eq(text_fold(0x0622, all[i]), 0x0627, "variant %zu: آ", i);
        cr_assert_eq(text_fold(0x0671, all[i]), 0x0627, "variant %zu: ٱ", i);
        cr_assert_eq(text_fold(0x0649, all[i]), 0x064A, "variant %zu: ى", i);
        cr_assert_eq(text_fold(0x0629, all[i]), 0x0647, "variant %zu: ة", i);
        cr_assert_eq(text_fold(0x0628, all[i]), 0x0628, "variant %zu: ب unchanged", i);
    }
}

Test(text_fold, letter_folds_the_three_letters_only)
{
    cr_assert_eq(text_fold(0x0640, TEXT_FOLD_LETTER), 0x0640); /* tatweel kept */
    cr_assert_eq(text_fold(0x064E, TEXT_FOLD_LETTER), 0x064E); /* fatha kept */
    cr_assert_eq(text_fold('A', TEXT_FOLD_LETTER), 'A');
    cr_assert_eq(text_fold(0x06CC, TEXT_FOLD_LETTER), 0x06CC); /* Farsi yeh kept */
    cr_assert_eq(text_fold(-1, TEXT_FOLD_LETTER), -1);         /* ill-formed passes through */
    cr_assert_eq(text_fold_letter(0x0623), 0x0627);
}

Test(text_fold, search_drops_arabic_marks_only_and_lowers_ascii_only)
{
    cr_assert_eq(text_fold(0x0640, TEXT_FOLD_SEARCH), TEXT_FOLD_DROP); /* tatweel */
    cr_assert_eq(text_fold(0x064E, TEXT_FOLD_SEARCH), TEXT_FOLD_DROP); /* fatha */
    cr_assert_eq(text_fold(0x0654, TEXT_FOLD_SEARCH), TEXT_FOLD_DROP); /* hamza above */
    cr_assert_eq(text_fold(0x0301, TEXT_FOLD_SEARCH), 0x0301);         /* a Latin mark kept */
    cr_assert_eq(text_fold(0x0663, TEXT_FOLD_SEARCH), '3');            /* ٣ */
    cr_assert_eq(text_fold(0x06F7, TEXT_FOLD_SEARCH), '7');            /* ۷ */
    cr_assert_eq(text_fold('A', TEXT_FOLD_SEARCH), 'a');
    cr_assert_eq(text_fold(0x00C4, TEXT_FOLD_SEARCH), 0x00C4); /* Ä: ASCII only */
    cr_assert_eq(text_fold(0x00A0, TEXT_FOLD_SEARCH), ' ');
    cr_assert_eq(text_fold(0x01, TEXT_FOLD_SEARCH), TEXT_FOLD_DROP); /* a control */
    cr_assert_eq(text_fold(0x0624, TEXT_FOLD_SEARCH), 0x0624);       /* ؤ kept */
    cr_assert_eq(text_fold(0x06CC, TEXT_FOLD_SEARCH), 0x06CC);       /* ی kept */
}

Test(text_fold, vocab_folds_hamza_seats_and_every_digit)
{
    cr_assert_eq(text_fold(0x0624, TEXT_FOLD_VOCAB), 0x0648); /* ؤ -> و */
    cr_assert_eq(text_fold(0x0626, TEXT_FOLD_VOCAB), 0x064A); /* ئ -> ي */
    cr_assert_eq(text_fold(0x0663, TEXT_FOLD_VOCAB), '3');
    cr_assert_eq(text_fold(0x0969, TEXT_FOLD_VOCAB), '3'); /* Devanagari three */
    cr_assert_eq(text_fold(0x0301, TEXT_FOLD_VOCAB), TEXT_FOLD_DROP);
    cr_assert_eq(text_fold(0x200C, TEXT_FOLD_VOCAB), TEXT_FOLD_DROP); /* ZWNJ (Cf) */
    cr_assert_eq(text_fold(0x00C4, TEXT_FOLD_VOCAB), 0x00E4);
    cr_assert_eq(text_fold('\t', TEXT_FOLD_VOCAB), ' ');
    cr_assert_eq(text_fold(0x00A0, TEXT_FOLD_VOCAB), ' ');
    cr_assert_eq(text_fold(0x01, TEXT_FOLD_VOCAB), 0x01); /* an ASCII control kept */
    cr_assert_eq(text_fold(0x06CC, TEXT_FOLD_VOCAB), 0x06CC);
}

Test(text_fold, tagger_folds_persian_letters_and_digits_to_zero)
{
    cr_assert_eq(text_fold(0x06CC, TEXT_FOLD_TAGGER), 0x064A); /* ی -> ي */
    cr_assert_eq(text_fold(0x06A9, TEXT_FOLD_TAGGER), 0x0643); /* ک -> ك */
    cr_assert_eq(text_fold('7', TEXT_FOLD_TAGGER), '0');
    cr_assert_eq(text_fold(0x0663, TEXT_FOLD_TAGGER), '0');
    cr_assert_eq(text_fold(0x20DD, TEXT_FOLD_TAGGER), TEXT_FOLD_DROP); /* enclosing mark (Me) */
    cr_assert_eq(text_fold(0x0085, TEXT_FOLD_TAGGER), TEXT_FOLD_DROP); /* C1 control */
    cr_assert_eq(text_fold(0x01, TEXT_FOLD_TAGGER), 0x01);             /* ASCII control kept */
    cr_assert_eq(text_fold(0x0640, TEXT_FOLD_TAGGER), TEXT_FOLD_DROP);
    cr_assert_eq(text_fold(0x00C4, TEXT_FOLD_TAGGER), 0x00E4);
    cr_assert_eq(text_fold(0x0624, TEXT_FOLD_TAGGER), 0x0624); /* ؤ kept */
}

Test(text_fold, rules_fold_persian_letters_and_keep_digits)
{
    cr_assert_eq(text_fold(0x06CC, TEXT_FOLD_RULES), 0x064A);
    cr_assert_eq(text_fold(0x06A9, TEXT_FOLD_RULES), 0x0643);
    cr_assert_eq(text_fold('7', TEXT_FOLD_RULES), '7');
    cr_assert_eq(text_fold(0x0663, TEXT_FOLD_RULES), 0x0663);
    cr_assert_eq(text_fold(0x20DD, TEXT_FOLD_RULES), 0x20DD); /* Me kept */
    cr_assert_eq(text_fold(0x064E, TEXT_FOLD_RULES), TEXT_FOLD_DROP);
    cr_assert_eq(text_fold(0x200C, TEXT_FOLD_RULES), TEXT_FOLD_DROP); /* Cf */
    cr_assert_eq(text_fold('A', TEXT_FOLD_RULES), 'a');
    cr_assert_eq(text_fold(0x0624, TEXT_FOLD_RULES), 0x0624);
}

Test(text_fold, arabic_mark_is_arabic_block_nonspacing_only)
{
    cr_assert(text_arabic_mark(0x064E));
    cr_assert(text_arabic_mark(0x0670));
    cr_assert_not(text_arabic_mark(0x0301));
    cr_assert_not(text_arabic_mark(0x0628));
}
