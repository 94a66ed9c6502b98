/* robots.c: robots.txt rules (RFC 9309 groups, longest match, '*' and '$') for one path. */
#include "fetch/fetch.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* The best rule seen so far for one kind of group (the agent's own, or "*"). */
typedef struct verdict {
    int seen;    /* a group for this kind exists */
    long len;    /* length of the longest matching pattern, -1 none */
    int allowed; /* that pattern's verdict */
} verdict;

/* pattern_match: whether pattern p[0..n) matches a prefix of path ('*' any run, '$' at the end
 * anchors). Iterative with one backtrack point per '*', so linear-ish in practice. */
static int pattern_match(const char *p, size_t n, const char *path)
{
    size_t i = 0;
    const char *s = path, *star_p = NULL, *star_s = NULL;
    while (1) {
        if (i == n) return 1;
        if (p[i] == '$' && i + 1 == n) {
            if (!*s) return 1;
        } else if (p[i] == '*') {
            star_p = p + ++i;
            star_s = s;
            continue;
        } else if (*s && *s == p[i]) {
            i++;
            s++;
            continue;
        }
        if (!star_p || !*star_s) return 0;
        i = (size_t)(star_p - p);
        s = ++star_s;
    }
}

/* rule_apply: a rule line's pattern against path into v (longest wins, allow on a tie). */
static void rule_apply(verdict *v, int allow, const char *pat, size_t n, const char *path)
{
    if (n == 0 || !pattern_match(pat, n, path)) return;
    if ((long)n > v->len || ((long)n == v->len && allow)) {
        v->len = (long)n;
        v->allowed = allow;
    }
}

/* agent_matches: a user-agent line's value names the token (case-insensitive, as a word). */
static int agent_matches(const char *val, size_t n, const char *agent)
{
    size_t an = strlen(agent);
    for (size_t i = 0; an && i + an <= n; i++)
        if (strncasecmp(val + i, agent, an) == 0 &&
            (i + an == n || !isalnum((unsigned char)val[i + an])))
            return 1;
    return 0;
}

/* line_split: "key: value # comment" into trimmed key and value; 0 when the line has no ':'. */
static int line_split(const char *l, size_t n, const char **k, size_t *kn, const char **v,
                      size_t *vn)
{
    const char *hash = memchr(l, '#', n);
    if (hash) n = (size_t)(hash - l);
    const char *colon = memchr(l, ':', n);
    if (!colon) return 0;
    *k = l;
    *kn = (size_t)(colon - l);
    *v = colon + 1;
    *vn = n - *kn - 1;
    while (*kn && isspace((unsigned char)(*k)[*kn - 1])) (*kn)--;
    while (*kn && isspace((unsigned char)**k)) (*k)++, (*kn)--;
    while (*vn && isspace((unsigned char)**v)) (*v)++, (*vn)--;
    while (*vn && isspace((unsigned char)(*v)[*vn - 1])) (*vn)--;
    return 1;
}

int fetch_robots_allowed(const char *robots, const char *agent, const char *path)
{
    verdict own = {0, -1, 1}, star = {0, -1, 1};
    int in_agents = 0, g_own = 0, g_star = 0;
    for (const char *l = robots; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        const char *k, *v;
        size_t kn, vn;
        if (line_split(l, n, &k, &kn, &v, &vn)) {
            if (kn == 10 && strncasecmp(k, "user-agent", 10) == 0) {
                if (!in_agents) g_own = g_star = 0;
                in_agents = 1;
                if (vn == 1 && *v == '*')
                    g_star = star.seen = 1;
                else if (agent_matches(v, vn, agent))
                    g_own = own.seen = 1;
            } else {
                int allow = kn == 5 && strncasecmp(k, "allow", 5) == 0;
                int disallow = kn == 8 && strncasecmp(k, "disallow", 8) == 0;
                in_agents = 0;
                if ((allow || disallow) && g_own) rule_apply(&own, allow, v, vn, path);
                if ((allow || disallow) && g_star) rule_apply(&star, allow, v, vn, path);
            }
        }
        l = end ? end + 1 : NULL;
    }
    const verdict *use = own.seen ? &own : &star;
    return use->len < 0 ? 1 : use->allowed;
}
