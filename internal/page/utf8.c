/* utf8.c: the UTF-8 validation pass (fast path) and the cleaning sink every decode writes into. */
#include "page_internal.h"

#include "util/quality.h"

#include <string.h>
#include <unicode/utf8.h>

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* word_plain: 8 ASCII bytes with no control byte (< 0x20) and no DEL. */
static int word_plain(uint64_t w)
{
    if (w & HIGHS) return 0;
    uint64_t low = (w - ONES * 0x20) & ~w & HIGHS; /* some byte < 0x20 */
    uint64_t del = w ^ (ONES * 0x7F);
    uint64_t isdel = (del - ONES) & ~del & HIGHS; /* some byte == 0x7F */
    return !low && !isdel;
}

/* scan_ascii: one ASCII byte; tab and LF are clean, every other control is not. */
static void scan_ascii(unsigned char c, page_scan *sc)
{
    if (c >= 0x20 && c != 0x7F) return;
    if (c == '\t' || c == '\n') return;
    sc->dirty = 1;
    if (c != '\r') sc->ctrl++;
}

void page_utf8_scan(const char *s, size_t len, page_scan *sc)
{
    memset(sc, 0, sizeof *sc);
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        uint8_t c = u[i];
        if (c < 0x80) { /* ASCII: skip clean 8-byte words, then one byte */
            uint64_t w;
            while (i + 8 <= len && (memcpy(&w, u + i, 8), word_plain(w))) i += 8;
            if (i >= len) break;
            if ((c = u[i]) < 0x80) {
                if (c < 0x20 || c == 0x7F) scan_ascii(c, sc);
                i++;
                continue;
            }
        }
        if (c >= 0xC2 && c < 0xE0 && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            sc->mb++; /* two-byte sequence (Arabic, Cyrillic, ...): the common case */
            if (c == 0xC2 && u[i + 1] <= 0x9F) sc->dirty = 1; /* C1 control */
            i += 2;
            continue;
        }
        int32_t cp;
        int32_t j = 0, n = (int32_t)(len - i < 4 ? len - i : 4);
        U8_NEXT(u + i, j, n, cp);
        i += (size_t)j;
        if (cp < 0)
            sc->invalid++;
        else
            sc->mb++;
    }
    sc->valid = sc->invalid == 0;
}

/* put_utf8: appends c to the sink buffer (room guaranteed by the caller). */
static void put_utf8(page_sink *k, int32_t c)
{
    uint8_t *b = (uint8_t *)k->buf;
    size_t i = k->len;
    U8_APPEND_UNSAFE(b, i, c);
    k->len = i;
}

void page_sink_put(page_sink *k, int32_t c)
{
    k->cps++;
    if (k->prev_cr) {
        k->prev_cr = 0;
        if (c == '\n') return; /* CRLF: the CR already gave the LF */
    }
    if (c == '\r') {
        k->buf[k->len++] = '\n';
        k->prev_cr = 1;
        return;
    }
    if (c < 0x20 && c != '\t' && c != '\n') {
        k->quality |= c == 0 ? QUALITY_NUL_REMOVED : QUALITY_CONTROL_REMOVED;
        k->ctrl++;
        k->bad++;
        return;
    }
    if (c >= 0x7F && c <= 0x9F) {
        k->quality |= QUALITY_CONTROL_REMOVED;
        k->ctrl++;
        k->bad++;
        return;
    }
    if (c == 0xFFFD) k->bad++;
    if (c < 0x80)
        k->buf[k->len++] = (char)c;
    else
        put_utf8(k, c);
}

size_t page_utf8_clean(const char *s, size_t len, page_sink *k)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0, invalid = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            page_sink_put(k, u[i++]);
            continue;
        }
        int32_t c;
        int32_t j = 0, n = (int32_t)(len - i < 4 ? len - i : 4);
        U8_NEXT(u + i, j, n, c);
        i += (size_t)j;
        if (c < 0) {
            invalid++;
            c = 0xFFFD;
        }
        page_sink_put(k, c);
    }
    return invalid;
}
