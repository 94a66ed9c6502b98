/* fuzz_charset.c: libFuzzer target for page_decode (charset choice, conversion, cleaning). The
 * first input byte picks the declared type and charset, the second the size limit. */
#include "page/page.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static const char *const charsets[] = {NULL,           "UTF-8",    "windows-1256", "ISO-8859-1",
                                       "UTF-16",       "UTF-16LE", "UTF-32BE",     "Shift_JIS",
                                       "ISO-2022-JP",  "GB18030",  "bogus-name",   "ISO-8859-6",
                                       "windows-1252", "KOI8-R",   "EUC-KR",       "UTF-7"};

/* check: the page contract: NUL-terminated valid UTF-8 without NUL, CR or C0/C1 controls. */
static void check(const page *p)
{
    if (strlen(p->text) != p->len || (p->type != PAGE_TYPE_TEXT && p->type != PAGE_TYPE_HTML))
        abort();
    const uint8_t *s = (const uint8_t *)p->text;
    for (size_t i = 0; i < p->len;) {
        int32_t c;
        U8_NEXT(s, i, p->len, c);
        if (c < 0 || c == '\r' || (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    page_hints h = {(page_type)(data[0] % 3), charsets[(data[0] >> 2) % 16],
                    data[1] < 16 ? (size_t)data[1] * 64 : 0};
    page *p = NULL;
    char err[256];
    int rc = page_decode((const char *)data + 2, size - 2, &h, &p, err, sizeof err);
    if (rc == NI_OK)
        check(p);
    else if (p || !err[0])
        abort();
    page_destroy(p);
    page_type t;
    char ct[40];
    size_t n = size - 2 < sizeof ct - 1 ? size - 2 : sizeof ct - 1;
    memcpy(ct, data + 2, n);
    ct[n] = '\0';
    page_type_parse(ct, &t);
    return 0;
}
