/* quality.c: names of the quality flags as they appear in records. */
#include "util/quality.h"

static const char *const quality_names[QUALITY_COUNT] = {
    "invalid_bytes",   "charset_converted", "charset_guessed", "charset_mismatch",
    "nul_removed",     "control_removed",   "body_empty",      "title_missing",
    "date_from_fetch", "markup_deep",       "body_truncated",
};

const char *quality_name(int bit)
{
    return bit >= 0 && bit < QUALITY_COUNT ? quality_names[bit] : "unknown";
}
