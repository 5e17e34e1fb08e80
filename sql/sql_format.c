/* sql/sql_format.c — PostgreSQL's format(formatstr, args...) and the quoting it shares with
 * quote_literal / quote_nullable: specifiers %[n$][-][width]{s|I|L} and %%, width a number, * or
 * *n$ (from an argument; negative: left-aligned), NULL arguments ("" for %s, NULL for %L, 22004 for
 * %I), 22023 for a bad specifier or too few arguments, as varlena.c's text_format. The arguments
 * arrive as text (the builtin is declared variadic "any", cast to text by the analyzer). Entry
 * points: sql_types_int.h ("sql_format.c"); declared in sql_builtin.c's table. */
#include "sql_int.h"
#include "sql_pgcat.h"
#include "sql_types_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's quote_literal: quotes doubled, and an E'' string with backslashes doubled when the
 * value has any. */
static void quote_literal(orb_buf_t *b, const char *s, size_t n) {
    bool bs = memchr(s, '\\', n) != NULL;
    if (bs) orb_buf_putc(b, 'E');
    orb_buf_putc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '\\') orb_buf_putc(b, s[i]);
        orb_buf_putc(b, s[i]);
    }
    orb_buf_putc(b, '\'');
}

static int ret_buf(sql_fn_ctx_t *ctx, orb_buf_t *b, sql_value_t *r) {
    r->isnull = false;
    r->v.s.p = orb_strndup(ctx->mcx, b->data ? b->data : "", b->len);
    r->v.s.n = (uint32_t)b->len;
    orb_buf_free(b);
    return 0;
}

int sql__fn_quote_literal(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                          orb_err_t *err) {
    (void)nargs, (void)err;
    orb_buf_t b;
    orb_buf_init(&b);
    quote_literal(&b, a[0].v.s.p, a[0].v.s.n);
    return ret_buf(ctx, &b, r);
}

int sql__fn_quote_nullable(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                           orb_err_t *err) {
    (void)nargs, (void)err;
    orb_buf_t b;
    orb_buf_init(&b);
    if (a[0].isnull)
        orb_buf_puts(&b, "NULL");
    else
        quote_literal(&b, a[0].v.s.p, a[0].v.s.n);
    return ret_buf(ctx, &b, r);
}

/* 22023 with PostgreSQL's hint: an unknown type character (spec, one character) or, for spec NULL,
 * a specifier cut off by the end of the string */
static int bad_format(orb_err_t *err, const char *spec, size_t speclen) {
    if (spec)
        orb_err_set(err, INVALID_PARAMETER_VALUE, "unrecognized format() type specifier \"%.*s\"",
                    (int)speclen, spec);
    else
        orb_err_set(err, INVALID_PARAMETER_VALUE, "unterminated format() type specifier");
    orb_err_hint(err, "For a single \"%%\" use \"%%%%\".");
    return -1;
}

/* A decimal number at *p (at most INT_MAX: "number is out of range" otherwise); false when there is
 * none. */
static int parse_num(const char **p, const char *end, int *out, bool *found, orb_err_t *err) {
    long long v = 0;
    *found = false;
    while (*p < end && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        if (v > INT_MAX)
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "number is out of range");
        (*p)++;
        *found = true;
    }
    *out = (int)v;
    return 0;
}

/* 54000 as PostgreSQL's enlargeStringInfo when adding extra bytes to cur would pass 1 GB */
static int room(size_t cur, size_t extra, orb_err_t *err) {
    if (extra < 0x3fffffffu - cur) return 0;
    orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "out of memory");
    orb_err_detail(err, "Cannot enlarge string buffer containing %zu bytes by %zu more bytes.", cur, extra);
    return -1;
}

/* appends s padded with spaces to width characters (left-aligned when left) */
static int put_padded(orb_buf_t *b, const char *s, size_t n, int width, bool left, orb_err_t *err) {
    size_t len = sql__utf8_len(s, n);
    size_t pad = width > 0 && (size_t)width > len ? (size_t)width - len : 0;
    if (left ? room(b->len, n, err) || (pad && room(b->len + n, pad, err))
             : (pad && room(b->len, pad, err)) || room(b->len + pad, n, err))
        return -1;
    orb_buf_reserve(b, n + pad + 1);
    if (!left)
        for (size_t i = 0; i < pad; i++) orb_buf_putc(b, ' ');
    orb_buf_append(b, s, n);
    if (left)
        for (size_t i = 0; i < pad; i++) orb_buf_putc(b, ' ');
    return 0;
}

int sql__fn_format(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                   orb_err_t *err) {
    if (nargs < 1 || a[0].isnull) {
        r->isnull = true;
        return 0;
    }
    const char *p = a[0].v.s.p, *end = p + a[0].v.s.n;
    int nfmt = nargs - 1, next = 1; /* next: the argument an unnumbered specifier takes */
    orb_buf_t b;
    orb_buf_init(&b);
    while (p < end) {
        if (*p != '%') {
            const char *q = memchr(p, '%', (size_t)(end - p));
            if (!q) q = end;
            orb_buf_append(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (++p >= end) goto unterminated;
        if (*p == '%') {
            orb_buf_putc(&b, '%');
            p++;
            continue;
        }
        /* %[n$][-...][width | * | *n$]type, parsed as text_format_parse_format does */
        int argn = 0, width = 0, widthpos = -1, n;
        bool found, left = false;
        if (parse_num(&p, end, &n, &found, err) != 0) goto fail;
        if (found && p >= end) goto unterminated;
        if (found && *p != '$') {
            width = n; /* just a width, then the type */
        } else {
            if (found) {
                if (n == 0) goto arg0;
                argn = n;
                if (++p >= end) goto unterminated;
            }
            while (*p == '-') {
                left = true;
                if (++p >= end) goto unterminated;
            }
            if (*p == '*') {
                if (++p >= end) goto unterminated;
                if (parse_num(&p, end, &n, &found, err) != 0) goto fail;
                if (found) {
                    if (p >= end) goto unterminated;
                    if (*p != '$') {
                        orb_err_set(err, INVALID_PARAMETER_VALUE,
                                    "width argument position must be ended by \"$\"");
                        goto fail;
                    }
                    if (n == 0) goto arg0;
                    widthpos = n;
                    if (++p >= end) goto unterminated;
                } else {
                    widthpos = 0;
                }
            } else {
                if (parse_num(&p, end, &width, &found, err) != 0) goto fail;
                if (found && p >= end) goto unterminated;
            }
        }
        char type = *p;
        if (type != 's' && type != 'I' && type != 'L') {
            size_t len = 1;
            while (p + len < end && ((unsigned char)p[len] & 0xC0) == 0x80)
                len++; /* one character */
            bad_format(err, p, len);
            goto fail;
        }
        p++;
        if (widthpos >= 0) {
            /* the width from an argument (text here): NULL is none, negative left-aligns */
            int wn = widthpos > 0 ? widthpos : next;
            if (wn > nfmt) goto too_few;
            next = wn + 1;
            const sql_value_t *wa = &a[wn];
            if (!wa->isnull) {
                char num[32];
                size_t k = wa->v.s.n < sizeof num - 1 ? wa->v.s.n : sizeof num - 1;
                memcpy(num, wa->v.s.p, k);
                num[k] = 0;
                char *tail;
                long long w = strtoll(num, &tail, 10);
                if (tail == num || *tail) {
                    orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                                "invalid input syntax for type integer: \"%s\"", num);
                    goto fail;
                }
                if (w < INT_MIN || w > INT_MAX) {
                    orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE,
                                "value \"%s\" is out of range for type integer", num);
                    goto fail;
                }
                if (w < 0) {
                    if (w == INT_MIN) {
                        orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "number is out of range");
                        goto fail;
                    }
                    left = true;
                    w = -w;
                }
                width = (int)w;
            }
        }
        if (argn == 0) argn = next;
        if (argn > nfmt) goto too_few;
        next = argn + 1;
        const sql_value_t *v = &a[argn];
        orb_buf_t one;
        orb_buf_init(&one);
        if (v->isnull) {
            if (type == 'I') {
                orb_buf_free(&one);
                orb_err_set(err, NULL_VALUE_NOT_ALLOWED,
                            "null values cannot be formatted as an SQL identifier");
                goto fail;
            }
            if (type == 'L') orb_buf_puts(&one, "NULL");
        } else if (type == 's') {
            orb_buf_append(&one, v->v.s.p, v->v.s.n);
        } else if (type == 'L') {
            quote_literal(&one, v->v.s.p, v->v.s.n);
        } else {
            char *id = orb_strndup(ctx->mcx, v->v.s.p, v->v.s.n);
            sql_pgcat_quote_ident(&one, id);
        }
        int rc = put_padded(&b, one.data ? one.data : "", one.len, width, left, err);
        orb_buf_free(&one);
        if (rc != 0) goto fail;
    }
    return ret_buf(ctx, &b, r);
unterminated:
    bad_format(err, NULL, 0);
    goto fail;
arg0:
    orb_err_set(err, INVALID_PARAMETER_VALUE,
                "format specifies argument 0, but arguments are numbered from 1");
    goto fail;
too_few:
    orb_err_set(err, INVALID_PARAMETER_VALUE, "too few arguments for format()");
fail:
    orb_buf_free(&b);
    return -1;
}
