/* wire/wire_resp_parse.c — the RESP request parser (pure: no I/O, no state between calls):
 * multibulk commands (`*N\r\n$len\r\n...`) and inline commands (a line split like
 * redis-cli's sdssplitargs), with Redis 7's limits and protocol error texts. Entry point:
 * wire_resp_parse. The caller keeps the unconsumed bytes and calls again when more arrive.
 * See wire/README.md "RESP". */
#include "wire_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void put_arg(orb_buf_t *out, const char *p, size_t n) {
    orb_buf_put_be32(out, (uint32_t)n);
    orb_buf_append(out, p, n);
}

/* Redis's string2ll for the length fields (no '+', no leading zeros). */
static bool parse_len(const char *p, size_t n, long long *out) {
    if (n == 0 || n > 20) return false;
    bool neg = p[0] == '-';
    size_t i = neg ? 1 : 0;
    if (i == n) return false;
    if (n - i > 1 && p[i] == '0') return false;
    unsigned long long v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        if (v > 922337203685477580ULL) return false;
        v = v * 10 + (unsigned long long)(p[i] - '0');
    }
    if (v > 9223372036854775807ULL) return false;
    *out = neg ? -(long long)v : (long long)v;
    return true;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Redis's sdssplitargs: returns the argument count or -1 for unbalanced quotes. */
static int split_inline(const char *p, size_t n, orb_buf_t *out) {
    const char *end = p + n;
    int argc = 0;
    orb_buf_t cur;
    orb_buf_init(&cur);
    for (;;) {
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p >= end) break;
        bool inq = false, insq = false, done = false;
        orb_buf_reset(&cur);
        while (!done) {
            if (inq) {
                if (p >= end) goto fail;
                if (*p == '\\' && p + 3 < end && p[1] == 'x' && hexval(p[2]) >= 0 &&
                    hexval(p[3]) >= 0) {
                    orb_buf_putc(&cur, (char)(hexval(p[2]) * 16 + hexval(p[3])));
                    p += 3;
                } else if (*p == '\\' && p + 1 < end) {
                    p++;
                    char c;
                    switch (*p) {
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'b': c = '\b'; break;
                    case 'a': c = '\a'; break;
                    default: c = *p; break;
                    }
                    orb_buf_putc(&cur, c);
                } else if (*p == '"') {
                    /* the closing quote must be followed by a space or nothing */
                    if (p + 1 < end && !isspace((unsigned char)p[1])) goto fail;
                    done = true;
                } else {
                    orb_buf_putc(&cur, *p);
                }
            } else if (insq) {
                if (p >= end) goto fail;
                if (*p == '\\' && p + 1 < end && p[1] == '\'') {
                    p++;
                    orb_buf_putc(&cur, '\'');
                } else if (*p == '\'') {
                    if (p + 1 < end && !isspace((unsigned char)p[1])) goto fail;
                    done = true;
                } else {
                    orb_buf_putc(&cur, *p);
                }
            } else {
                if (p >= end) break;
                switch (*p) {
                case ' ': case '\n': case '\r': case '\t': case '\0':
                    done = true;
                    break;
                case '"': inq = true; break;
                case '\'': insq = true; break;
                default: orb_buf_putc(&cur, *p); break;
                }
            }
            if (p < end) p++;
        }
        put_arg(out, cur.data ? cur.data : "", cur.len);
        argc++;
    }
    orb_buf_free(&cur);
    return argc;
fail:
    orb_buf_free(&cur);
    return -1;
}

int wire_resp_parse(const char *buf, size_t len, orb_buf_t *out, int *argc, size_t *consumed,
                    char *errmsg, size_t errcap) {
    *argc = 0;
    *consumed = 0;
    if (len == 0) return ORB_AGAIN;
    size_t mark = out->len;
    if (buf[0] != '*') { /* inline */
        const char *nl = memchr(buf, '\n', len);
        if (!nl) {
            if (len > WIRE_RESP_MAX_INLINE) {
                snprintf(errmsg, errcap, "Protocol error: too big inline request");
                return -1;
            }
            return ORB_AGAIN;
        }
        size_t ln = (size_t)(nl - buf);
        if (ln > 0 && buf[ln - 1] == '\r') ln--;
        int n = split_inline(buf, ln, out);
        if (n < 0) {
            out->len = mark;
            snprintf(errmsg, errcap, "Protocol error: unbalanced quotes in request");
            return -1;
        }
        *argc = n;
        *consumed = (size_t)(nl - buf) + 1;
        return 0;
    }
    const char *cr = memchr(buf, '\r', len);
    if (!cr) {
        if (len > WIRE_RESP_MAX_INLINE) {
            snprintf(errmsg, errcap, "Protocol error: too big mbulk count string");
            return -1;
        }
        return ORB_AGAIN;
    }
    size_t pos = (size_t)(cr - buf);
    if (pos + 1 >= len) return ORB_AGAIN; /* the '\n' is not here yet */
    long long count;
    if (!parse_len(buf + 1, pos - 1, &count) || count > WIRE_RESP_MAX_MULTIBULK) {
        snprintf(errmsg, errcap, "Protocol error: invalid multibulk length");
        return -1;
    }
    pos += 2;
    if (count <= 0) {
        *consumed = pos;
        return 0;
    }
    for (long long i = 0; i < count; i++) {
        if (pos >= len) goto again;
        const char *bcr = memchr(buf + pos, '\r', len - pos);
        if (!bcr) {
            if (len - pos > WIRE_RESP_MAX_INLINE) {
                snprintf(errmsg, errcap, "Protocol error: too big bulk count string");
                goto fail;
            }
            goto again;
        }
        if (buf[pos] != '$') {
            snprintf(errmsg, errcap, "Protocol error: expected '$', got '%c'", buf[pos]);
            goto fail;
        }
        size_t lend = (size_t)(bcr - buf);
        if (lend + 1 >= len) goto again;
        long long blen;
        if (!parse_len(buf + pos + 1, lend - pos - 1, &blen) || blen < 0 ||
            blen > WIRE_RESP_MAX_BULK) {
            snprintf(errmsg, errcap, "Protocol error: invalid bulk length");
            goto fail;
        }
        size_t start = lend + 2;
        if (len - start < (size_t)blen + 2) goto again;
        put_arg(out, buf + start, (size_t)blen);
        pos = start + (size_t)blen + 2; /* Redis skips the CRLF without looking at it */
    }
    *argc = (int)count;
    *consumed = pos;
    return 0;
again:
    out->len = mark;
    return ORB_AGAIN;
fail:
    out->len = mark;
    return -1;
}
