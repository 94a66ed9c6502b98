/* support_text_pages.h: pieces of the harbour article that the text-page tests build their
 * pages from: two body paragraphs and a teaser of another article. */
#ifndef NI_TEST_SUPPORT_TEXT_PAGES_H
#define NI_TEST_SUPPORT_TEXT_PAGES_H

#define B1                                                                                         \
    "The harbour board agreed on Tuesday to rebuild the old stone pier, ending a debate that had " \
    "run for more than six years in the town.\n"
#define B2                                                                                         \
    "Engineers said the new pier would rest on the original foundations, which had survived two "  \
    "storms, and would open to walkers next spring.\n"

/* TEASER: another article's headline, section label and paragraph (h, s, p). */
#define TEASER(h, s, p) h "\n" s "\n" p " The council will decide on the plan next week.\n"

#endif
