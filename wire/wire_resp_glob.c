/* wire/wire_resp_glob.c — Redis's glob-style patterns (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB
 * CHANNELS, CONFIG GET): * ? [set] [^set] [a-z] and \x escapes, with Redis's edge cases (an
 * unclosed [ takes the rest of the pattern as its set; reversed ranges are swapped; a trailing
 * backslash is literal). Entry point: wire_resp_glob_match. Pure; see wire/README.md. */
#include "wire_resp_int.h"

#include <ctype.h>

static int fold(int ch, bool nocase) { return nocase ? tolower(ch) : ch; }

/* Does the single-character element at pat[*p] (not '*') match ch? Advances *p past it. */
static bool match_one(const char *pat, size_t plen, size_t *p, unsigned char ch, bool nocase) {
    size_t i = *p;
    if (pat[i] == '?') {
        *p = i + 1;
        return true;
    }
    if (pat[i] == '[') {
        i++;
        bool neg = i < plen && pat[i] == '^';
        if (neg) i++;
        bool match = false;
        for (;;) {
            if (i >= plen) break; /* unclosed: the rest was the set */
            if (pat[i] == '\\' && plen - i >= 2) {
                i++;
                if ((unsigned char)pat[i] == ch) match = true;
            } else if (pat[i] == ']') {
                i++;
                break;
            } else if (plen - i >= 3 && pat[i + 1] == '-') {
                int lo = fold((unsigned char)pat[i], nocase), hi = fold((unsigned char)pat[i + 2], nocase);
                int c = fold(ch, nocase);
                if (lo > hi) {
                    int t = lo;
                    lo = hi;
                    hi = t;
                }
                if (c >= lo && c <= hi) match = true;
                i += 2;
            } else if (fold((unsigned char)pat[i], nocase) == fold(ch, nocase)) {
                match = true;
            }
            i++;
        }
        *p = i;
        return neg ? !match : match;
    }
    if (pat[i] == '\\' && plen - i >= 2) i++;
    *p = i + 1;
    return fold((unsigned char)pat[i], nocase) == fold(ch, nocase);
}

bool wire_resp_glob_match(const char *pat, size_t plen, const char *s, size_t slen, bool nocase) {
    size_t p = 0, i = 0;
    size_t star_p = (size_t)-1, star_i = 0;
    while (i < slen) {
        if (p < plen && pat[p] == '*') {
            while (p < plen && pat[p] == '*') p++;
            if (p == plen) return true;
            star_p = p;
            star_i = i;
            continue;
        }
        size_t np = p;
        if (p < plen && match_one(pat, plen, &np, (unsigned char)s[i], nocase)) {
            p = np;
            i++;
            continue;
        }
        if (star_p == (size_t)-1) return false;
        p = star_p;
        i = ++star_i;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}
