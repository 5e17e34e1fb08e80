/* sql/sql_builtin.c — the table of built-in operators and functions (one row each: name,
 * argument types, result type, strictness, volatility, handler) and PostgreSQL-style
 * overload resolution over it (exact match, unknown literals, implicit casts, most exact
 * matches, preferred types, string category for unknowns, numeric promotion order).
 * Handlers take already-cast arguments; results are allocated in ctx->mcx. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql_types_int.h"

#define ARGS sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err
#define UNUSED_ARGS (void)ctx, (void)nargs, (void)err

static int ret_text(sql_fn_ctx_t *ctx, const char *p, size_t n, sql_value_t *r) {
    char *c = orb_alloc(ctx->mcx, n + 1);
    if (n) memcpy(c, p, n);
    c[n] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = (uint32_t)n;
    return 0;
}
static int ret_cstr(const char *p, sql_value_t *r) {
    r->isnull = false;
    r->v.s.p = p;
    r->v.s.n = (uint32_t)strlen(p);
    return 0;
}
static int ret_i(int64_t v, sql_value_t *r) { r->isnull = false; r->v.i = v; return 0; }
static int ret_f(double v, sql_value_t *r) { r->isnull = false; r->v.f = v; return 0; }
static int ret_b(bool v, sql_value_t *r) { r->isnull = false; r->v.b = v; return 0; }

/* ---- integer arithmetic -------------------------------------------------------------- */
#define INT_OPS(W, LO, HI, MSG)                                                              \
    static int W##_chk(int64_t v, sql_value_t *r, orb_err_t *err) {                          \
        if (v < (LO) || v > (HI)) return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);  \
        return ret_i(v, r);                                                                  \
    }                                                                                        \
    static int W##_pl(ARGS) {                                                                \
        int64_t v;                                                                           \
        UNUSED_ARGS;                                                                         \
        if (__builtin_add_overflow(a[0].v.i, a[1].v.i, &v))                                  \
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);                        \
        return W##_chk(v, r, err);                                                           \
    }                                                                                        \
    static int W##_mi(ARGS) {                                                                \
        int64_t v;                                                                           \
        UNUSED_ARGS;                                                                         \
        if (__builtin_sub_overflow(a[0].v.i, a[1].v.i, &v))                                  \
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);                        \
        return W##_chk(v, r, err);                                                           \
    }                                                                                        \
    static int W##_mul(ARGS) {                                                               \
        int64_t v;                                                                           \
        UNUSED_ARGS;                                                                         \
        if (__builtin_mul_overflow(a[0].v.i, a[1].v.i, &v))                                  \
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);                        \
        return W##_chk(v, r, err);                                                           \
    }                                                                                        \
    static int W##_div(ARGS) {                                                               \
        UNUSED_ARGS;                                                                         \
        if (a[1].v.i == 0) return orb_err_set(err, DIVISION_BY_ZERO, "division by zero");    \
        if (a[1].v.i == -1) {                                                                \
            if (a[0].v.i == (LO)) return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);  \
            return ret_i(-a[0].v.i, r);                                                      \
        }                                                                                    \
        return ret_i(a[0].v.i / a[1].v.i, r);                                                \
    }                                                                                        \
    static int W##_mod(ARGS) {                                                               \
        UNUSED_ARGS;                                                                         \
        if (a[1].v.i == 0) return orb_err_set(err, DIVISION_BY_ZERO, "division by zero");    \
        if (a[1].v.i == -1) return ret_i(0, r);                                              \
        return ret_i(a[0].v.i % a[1].v.i, r);                                                \
    }                                                                                        \
    static int W##_um(ARGS) {                                                                \
        UNUSED_ARGS;                                                                         \
        if (a[0].v.i == (LO)) return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);      \
        return ret_i(-a[0].v.i, r);                                                          \
    }                                                                                        \
    static int W##_abs(ARGS) {                                                               \
        UNUSED_ARGS;                                                                         \
        if (a[0].v.i == (LO)) return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, MSG);      \
        return ret_i(a[0].v.i < 0 ? -a[0].v.i : a[0].v.i, r);                                \
    }

INT_OPS(i2, INT16_MIN, INT16_MAX, "smallint out of range")
INT_OPS(i4, INT32_MIN, INT32_MAX, "integer out of range")
INT_OPS(i8, INT64_MIN, INT64_MAX, "bigint out of range")

static int any_up(ARGS) { UNUSED_ARGS; *r = a[0]; return 0; }

/* ---- float arithmetic ---------------------------------------------------------------- */
static int fchk(double v, bool inf_ok, bool zero_ok, bool f4, sql_value_t *r, orb_err_t *err) {
    if (f4) v = (float)v;
    if (sql__float_check(v, inf_ok, zero_ok, f4, err)) return -1;
    return ret_f(v, r);
}
#define FLOAT_OPS(W, F4)                                                                     \
    static int W##_pl(ARGS) {                                                                \
        UNUSED_ARGS;                                                                         \
        double x = a[0].v.f, y = a[1].v.f;                                                   \
        return fchk(F4 ? (double)((float)x + (float)y) : x + y, isinf(x) || isinf(y), true, F4, r, err); \
    }                                                                                        \
    static int W##_mi(ARGS) {                                                                \
        UNUSED_ARGS;                                                                         \
        double x = a[0].v.f, y = a[1].v.f;                                                   \
        return fchk(F4 ? (double)((float)x - (float)y) : x - y, isinf(x) || isinf(y), true, F4, r, err); \
    }                                                                                        \
    static int W##_mul(ARGS) {                                                               \
        UNUSED_ARGS;                                                                         \
        double x = a[0].v.f, y = a[1].v.f;                                                   \
        return fchk(F4 ? (double)((float)x * (float)y) : x * y, isinf(x) || isinf(y),        \
                    x == 0.0 || y == 0.0, F4, r, err);                                       \
    }                                                                                        \
    static int W##_div(ARGS) {                                                               \
        UNUSED_ARGS;                                                                         \
        double x = a[0].v.f, y = a[1].v.f;                                                   \
        if (y == 0.0 && !isnan(x)) return orb_err_set(err, DIVISION_BY_ZERO, "division by zero"); \
        return fchk(F4 ? (double)((float)x / (float)y) : x / y, isinf(x), x == 0.0 || isinf(y), F4, r, err); \
    }                                                                                        \
    static int W##_um(ARGS) { UNUSED_ARGS; return ret_f(-a[0].v.f, r); }                    \
    static int W##_abs(ARGS) { UNUSED_ARGS; return ret_f(fabs(a[0].v.f), r); }

FLOAT_OPS(f4, true)
FLOAT_OPS(f8, false)

static int f8_pow(ARGS) {
    UNUSED_ARGS;
    double x = a[0].v.f, y = a[1].v.f;
    if (isnan(x)) return ret_f(y == 0 ? 1.0 : NAN, r);
    if (isnan(y)) return ret_f(x == 1.0 ? 1.0 : NAN, r);
    /* PostgreSQL raises 2201F here; sqlstate.def lacks it, 22023 stands in. */
    if (x == 0 && y < 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "zero raised to a negative power is undefined");
    if (x < 0 && floor(y) != y)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "a negative number raised to a non-integer power yields a complex result");
    double v = pow(x, y);
    return fchk(v, isinf(x) || isinf(y), x == 0 || isinf(y), false, r, err);
}
static int f8_sqrt(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot take square root of a negative number");
    return ret_f(sqrt(a[0].v.f), r);
}
static int f8_exp(ARGS) {
    UNUSED_ARGS;
    double v = exp(a[0].v.f);
    return fchk(v, isinf(a[0].v.f), isinf(a[0].v.f) || !(a[0].v.f < -700), false, r, err);
}
static int f8_ln(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f == 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot take logarithm of zero");
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot take logarithm of a negative number");
    return ret_f(log(a[0].v.f), r);
}
static int f8_log10(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f == 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot take logarithm of zero");
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot take logarithm of a negative number");
    return ret_f(log10(a[0].v.f), r);
}
static int f8_ceil(ARGS) { UNUSED_ARGS; return ret_f(ceil(a[0].v.f), r); }
static int f8_floor(ARGS) { UNUSED_ARGS; return ret_f(floor(a[0].v.f), r); }
static int f8_round(ARGS) { UNUSED_ARGS; return ret_f(rint(a[0].v.f), r); }
static int f8_trunc(ARGS) { UNUSED_ARGS; return ret_f(trunc(a[0].v.f), r); }
static int f8_sign(ARGS) {
    UNUSED_ARGS;
    double x = a[0].v.f;
    return ret_f(isnan(x) ? x : x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0, r);
}
static int f8_pi(ARGS) { UNUSED_ARGS; (void)a; return ret_f(M_PI, r); }
static int f8_random(ARGS) {
    UNUSED_ARGS;
    (void)a;
    static __thread unsigned long long s;
    if (!s) s = (unsigned long long)time(NULL) ^ (unsigned long long)(uintptr_t)&s ^ 0x9e3779b97f4a7c15ULL;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return ret_f((double)(s >> 11) / 9007199254740992.0, r);
}

/* ---- numeric ------------------------------------------------------------------------- */
#define NUM_BIN(N, F)                                                                        \
    static int N(ARGS) {                                                                     \
        UNUSED_ARGS;                                                                         \
        const char *o;                                                                       \
        if (F(a[0].v.s.p, a[1].v.s.p, ctx->mcx, &o, err)) return -1;                        \
        return ret_cstr(o, r);                                                               \
    }
NUM_BIN(n_pl, sql_numeric_add)
NUM_BIN(n_mi, sql_numeric_sub)
NUM_BIN(n_mul, sql_numeric_mul)
NUM_BIN(n_div, sql_numeric_div)
NUM_BIN(n_mod, sql_numeric_mod)
static int n_um(ARGS) { UNUSED_ARGS; return ret_cstr(sql__numeric_neg(a[0].v.s.p, ctx->mcx), r); }
static int n_abs(ARGS) { UNUSED_ARGS; return ret_cstr(sql__numeric_abs(a[0].v.s.p, ctx->mcx), r); }
static int n_round(ARGS) {
    UNUSED_ARGS;
    const char *o;
    sql_numeric_round(a[0].v.s.p, nargs > 1 ? (int)a[1].v.i : 0, ctx->mcx, &o, err);
    return ret_cstr(o, r);
}
static int n_trunc(ARGS) {
    UNUSED_ARGS;
    const char *o;
    sql__numeric_trunc(a[0].v.s.p, nargs > 1 ? (int)a[1].v.i : 0, ctx->mcx, &o, err);
    return ret_cstr(o, r);
}
static int n_ceil(ARGS) {
    UNUSED_ARGS;
    const char *o;
    sql__numeric_ceil(a[0].v.s.p, true, ctx->mcx, &o, err);
    return ret_cstr(o, r);
}
static int n_floor(ARGS) {
    UNUSED_ARGS;
    const char *o;
    sql__numeric_ceil(a[0].v.s.p, false, ctx->mcx, &o, err);
    return ret_cstr(o, r);
}
static int n_sign(ARGS) {
    UNUSED_ARGS;
    if (sql__numeric_is_nan(a[0].v.s.p)) return ret_cstr("NaN", r);
    int s = sql__numeric_sign(a[0].v.s.p);
    return ret_cstr(s > 0 ? "1" : s < 0 ? "-1" : "0", r);
}
static int n_sqrt(ARGS) {
    UNUSED_ARGS;
    const char *o;
    if (sql__numeric_sqrt(a[0].v.s.p, ctx->mcx, &o, err)) return -1;
    return ret_cstr(o, r);
}

/* ---- comparisons --------------------------------------------------------------------- */
#define CMP_FAMILY(F, OID)                                                                   \
    static int F##_eq(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) == 0, r); } \
    static int F##_ne(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) != 0, r); } \
    static int F##_lt(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) < 0, r); }  \
    static int F##_le(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) <= 0, r); } \
    static int F##_gt(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) > 0, r); }  \
    static int F##_ge(ARGS) { UNUSED_ARGS; return ret_b(sql_value_cmp(OID, &a[0], &a[1]) >= 0, r); }
CMP_FAMILY(ci, SQL_OID_INT8)
CMP_FAMILY(cf, SQL_OID_FLOAT8)
CMP_FAMILY(cn, SQL_OID_NUMERIC)
CMP_FAMILY(ct, SQL_OID_TEXT)
CMP_FAMILY(cc, SQL_OID_BPCHAR)
CMP_FAMILY(cb, SQL_OID_BOOL)

/* ---- strings ------------------------------------------------------------------------- */
#define S(i) a[i].v.s.p
#define N(i) ((size_t)a[i].v.s.n)

static int t_cat(ARGS) {
    UNUSED_ARGS;
    size_t n = N(0) + N(1);
    char *c = orb_alloc(ctx->mcx, n + 1);
    memcpy(c, S(0), N(0));
    memcpy(c + N(0), S(1), N(1));
    c[n] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = (uint32_t)n;
    return 0;
}
static int t_len(ARGS) { UNUSED_ARGS; return ret_i((int64_t)sql__utf8_len(S(0), N(0)), r); }
static int t_octlen(ARGS) { UNUSED_ARGS; return ret_i((int64_t)N(0), r); }
static int t_lower(ARGS) {
    UNUSED_ARGS;
    ret_text(ctx, S(0), N(0), r);
    char *c = (char *)r->v.s.p;
    for (size_t i = 0; i < N(0); i++) c[i] = (char)(c[i] >= 'A' && c[i] <= 'Z' ? c[i] + 32 : c[i]);
    return 0;
}
static int t_upper(ARGS) {
    UNUSED_ARGS;
    ret_text(ctx, S(0), N(0), r);
    char *c = (char *)r->v.s.p;
    for (size_t i = 0; i < N(0); i++) c[i] = (char)(c[i] >= 'a' && c[i] <= 'z' ? c[i] - 32 : c[i]);
    return 0;
}
static int t_substr(ARGS) {
    UNUSED_ARGS;
    int64_t start = a[1].v.i, len;
    int64_t total = (int64_t)sql__utf8_len(S(0), N(0));
    int64_t end;
    if (nargs > 2) {
        len = a[2].v.i;
        if (len < 0)
            return orb_err_set(err, INVALID_PARAMETER_VALUE, "negative substring length not allowed");
        end = start + len; /* exclusive, 1-based */
    } else {
        end = total + 1;
    }
    if (start < 1) start = 1;
    if (end > total + 1) end = total + 1;
    if (end <= start) return ret_text(ctx, "", 0, r);
    size_t b0 = sql__utf8_prefix(S(0), N(0), (size_t)(start - 1));
    size_t b1 = sql__utf8_prefix(S(0), N(0), (size_t)(end - 1));
    return ret_text(ctx, S(0) + b0, b1 - b0, r);
}
static int t_strpos(ARGS) {
    UNUSED_ARGS;
    if (N(1) == 0) return ret_i(1, r);
    for (size_t i = 0; i + N(1) <= N(0); i++)
        if (memcmp(S(0) + i, S(1), N(1)) == 0)
            return ret_i((int64_t)sql__utf8_len(S(0), i) + 1, r);
    return ret_i(0, r);
}
static bool in_set(const char *set, size_t setn, const char *p, size_t clen) {
    for (size_t i = 0; i < setn;) {
        size_t l = sql__utf8_prefix(set + i, setn - i, 1);
        if (l == clen && memcmp(set + i, p, clen) == 0) return true;
        i += l ? l : 1;
    }
    return false;
}
static int do_trim(ARGS, bool left, bool right) {
    UNUSED_ARGS;
    const char *set = nargs > 1 ? S(1) : " ";
    size_t setn = nargs > 1 ? N(1) : 1;
    size_t b = 0, e = N(0);
    if (left)
        while (b < e) {
            size_t l = sql__utf8_prefix(S(0) + b, e - b, 1);
            if (!in_set(set, setn, S(0) + b, l)) break;
            b += l;
        }
    if (right)
        while (e > b) {
            size_t st = e - 1;
            while (st > b && ((unsigned char)S(0)[st] & 0xC0) == 0x80) st--;
            if (!in_set(set, setn, S(0) + st, e - st)) break;
            e = st;
        }
    return ret_text(ctx, S(0) + b, e - b, r);
}
static int t_btrim(ARGS) { return do_trim(ctx, a, nargs, r, err, true, true); }
static int t_ltrim(ARGS) { return do_trim(ctx, a, nargs, r, err, true, false); }
static int t_rtrim(ARGS) { return do_trim(ctx, a, nargs, r, err, false, true); }
static int t_replace(ARGS) {
    UNUSED_ARGS;
    if (N(1) == 0) return ret_text(ctx, S(0), N(0), r);
    orb_buf_t b;
    orb_buf_init(&b);
    size_t i = 0;
    while (i < N(0)) {
        if (i + N(1) <= N(0) && memcmp(S(0) + i, S(1), N(1)) == 0) {
            orb_buf_append(&b, S(2), N(2));
            i += N(1);
        } else {
            orb_buf_putc(&b, S(0)[i++]);
        }
    }
    ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return 0;
}
static int t_concat(ARGS) {
    UNUSED_ARGS;
    orb_buf_t b;
    orb_buf_init(&b);
    for (int i = 0; i < nargs; i++)
        if (!a[i].isnull) orb_buf_append(&b, S(i), N(i));
    ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return 0;
}
static int t_concat_ws(ARGS) {
    UNUSED_ARGS;
    if (nargs < 1 || a[0].isnull) { r->isnull = true; return 0; }
    orb_buf_t b;
    orb_buf_init(&b);
    bool first = true;
    for (int i = 1; i < nargs; i++) {
        if (a[i].isnull) continue;
        if (!first) orb_buf_append(&b, S(0), N(0));
        first = false;
        orb_buf_append(&b, S(i), N(i));
    }
    ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return 0;
}
static int t_left(ARGS) {
    UNUSED_ARGS;
    int64_t total = (int64_t)sql__utf8_len(S(0), N(0)), n = a[1].v.i;
    int64_t k = n >= 0 ? n : total + n;
    if (k < 0) k = 0;
    if (k > total) k = total;
    return ret_text(ctx, S(0), sql__utf8_prefix(S(0), N(0), (size_t)k), r);
}
static int t_right(ARGS) {
    UNUSED_ARGS;
    int64_t total = (int64_t)sql__utf8_len(S(0), N(0)), n = a[1].v.i;
    int64_t k = n >= 0 ? n : total + n;
    if (k < 0) k = 0;
    if (k > total) k = total;
    size_t off = sql__utf8_prefix(S(0), N(0), (size_t)(total - k));
    return ret_text(ctx, S(0) + off, N(0) - off, r);
}
static int t_repeat(ARGS) {
    UNUSED_ARGS;
    int64_t k = a[1].v.i;
    if (k <= 0 || N(0) == 0) return ret_text(ctx, "", 0, r);
    if ((uint64_t)k * N(0) > 0x3fffffff)
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "requested length too large");
    size_t n = (size_t)k * N(0);
    char *c = orb_alloc(ctx->mcx, n + 1);
    for (int64_t i = 0; i < k; i++) memcpy(c + (size_t)i * N(0), S(0), N(0));
    c[n] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = (uint32_t)n;
    return 0;
}
static int t_reverse(ARGS) {
    UNUSED_ARGS;
    char *c = orb_alloc(ctx->mcx, N(0) + 1);
    size_t o = N(0);
    for (size_t i = 0; i < N(0);) {
        size_t l = sql__utf8_prefix(S(0) + i, N(0) - i, 1);
        if (!l) l = 1;
        o -= l;
        memcpy(c + o, S(0) + i, l);
        i += l;
    }
    c[N(0)] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = (uint32_t)N(0);
    return 0;
}
static int t_split_part(ARGS) {
    UNUSED_ARGS;
    int64_t f = a[2].v.i;
    if (f == 0) return orb_err_set(err, INVALID_PARAMETER_VALUE, "field position must not be zero");
    /* collect field boundaries */
    size_t starts[256], ends[256];
    size_t nf = 0;
    if (N(1) == 0) {
        starts[0] = 0; ends[0] = N(0); nf = 1;
    } else {
        size_t st = 0, i = 0;
        while (i + N(1) <= N(0) && nf < 255) {
            if (memcmp(S(0) + i, S(1), N(1)) == 0) {
                starts[nf] = st; ends[nf++] = i;
                i += N(1);
                st = i;
            } else i++;
        }
        starts[nf] = st; ends[nf++] = N(0);
    }
    if (N(0) == 0) return ret_text(ctx, "", 0, r);
    int64_t idx = f > 0 ? f - 1 : (int64_t)nf + f;
    if (idx < 0 || idx >= (int64_t)nf) return ret_text(ctx, "", 0, r);
    return ret_text(ctx, S(0) + starts[idx], ends[idx] - starts[idx], r);
}
static int t_starts_with(ARGS) {
    UNUSED_ARGS;
    return ret_b(N(1) <= N(0) && memcmp(S(0), S(1), N(1)) == 0, r);
}
static int do_pad(ARGS, bool left) {
    UNUSED_ARGS;
    int64_t len = a[1].v.i;
    const char *fill = nargs > 2 ? S(2) : " ";
    size_t filln = nargs > 2 ? N(2) : 1;
    if (len < 0) len = 0;
    int64_t have = (int64_t)sql__utf8_len(S(0), N(0));
    if (have >= len || filln == 0)
        return ret_text(ctx, S(0), sql__utf8_prefix(S(0), N(0), (size_t)(have < len ? have : len)), r);
    orb_buf_t b;
    orb_buf_init(&b);
    if (!left) orb_buf_append(&b, S(0), N(0));
    int64_t need = len - have;
    size_t fi = 0;
    while (need > 0) {
        size_t l = sql__utf8_prefix(fill + fi, filln - fi, 1);
        orb_buf_append(&b, fill + fi, l);
        fi += l;
        if (fi >= filln) fi = 0;
        need--;
    }
    if (left) orb_buf_append(&b, S(0), N(0));
    ret_text(ctx, b.data, b.len, r);
    orb_buf_free(&b);
    return 0;
}
static int t_lpad(ARGS) { return do_pad(ctx, a, nargs, r, err, true); }
static int t_rpad(ARGS) { return do_pad(ctx, a, nargs, r, err, false); }
static int t_ascii(ARGS) {
    UNUSED_ARGS;
    if (N(0) == 0) return ret_i(0, r);
    const unsigned char *p = (const unsigned char *)S(0);
    unsigned cp = p[0];
    if (cp >= 0xF0 && N(0) >= 4) cp = ((cp & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
    else if (cp >= 0xE0 && N(0) >= 3) cp = ((cp & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
    else if (cp >= 0xC0 && N(0) >= 2) cp = ((cp & 31u) << 6) | (p[1] & 63u);
    return ret_i(cp, r);
}
static int t_chr(ARGS) {
    UNUSED_ARGS;
    int64_t cp = a[0].v.i;
    if (cp == 0) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "null character not permitted");
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "requested character too large for encoding: %lld",
                           (long long)cp);
    char b[5];
    size_t k = 0;
    unsigned c = (unsigned)cp;
    if (c < 0x80) b[k++] = (char)c;
    else if (c < 0x800) { b[k++] = (char)(0xC0 | (c >> 6)); b[k++] = (char)(0x80 | (c & 63)); }
    else if (c < 0x10000) { b[k++] = (char)(0xE0 | (c >> 12)); b[k++] = (char)(0x80 | ((c >> 6) & 63)); b[k++] = (char)(0x80 | (c & 63)); }
    else { b[k++] = (char)(0xF0 | (c >> 18)); b[k++] = (char)(0x80 | ((c >> 12) & 63)); b[k++] = (char)(0x80 | ((c >> 6) & 63)); b[k++] = (char)(0x80 | (c & 63)); }
    return ret_text(ctx, b, k, r);
}

/* LIKE with % and _ and backslash escape; ci: ASCII case-insensitive (C locale). */
static bool like_match(const char *s, size_t sn, const char *p, size_t pn, bool ci) {
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pn) {
            size_t pl, sl = sql__utf8_prefix(s + si, sn - si, 1);
            const char *pc = p + pi;
            bool esc = false;
            if (*pc == '\\' && pi + 1 < pn) { esc = true; pc++; }
            pl = sql__utf8_prefix(pc, pn - (size_t)(pc - p), 1);
            bool ok;
            if (!esc && *pc == '_') ok = true;
            else if (pl == sl) {
                ok = memcmp(pc, s + si, sl) == 0;
                if (!ok && ci && sl == 1) ok = tolower((unsigned char)*pc) == tolower((unsigned char)s[si]);
            } else ok = false;
            if (ok) {
                si += sl;
                pi = (size_t)(pc - p) + pl;
                continue;
            }
        }
        if (star_p == (size_t)-1) return false;
        star_s += sql__utf8_prefix(s + star_s, sn - star_s, 1);
        si = star_s;
        pi = star_p;
    }
    while (pi < pn && p[pi] == '%') pi++;
    return pi == pn;
}
static int t_like(ARGS) { UNUSED_ARGS; return ret_b(like_match(S(0), N(0), S(1), N(1), false), r); }
static int t_nlike(ARGS) { UNUSED_ARGS; return ret_b(!like_match(S(0), N(0), S(1), N(1), false), r); }
static int t_ilike(ARGS) { UNUSED_ARGS; return ret_b(like_match(S(0), N(0), S(1), N(1), true), r); }
static int t_nilike(ARGS) { UNUSED_ARGS; return ret_b(!like_match(S(0), N(0), S(1), N(1), true), r); }

static int b_len(ARGS) { UNUSED_ARGS; return ret_i((int64_t)N(0), r); }
static int b_cat(ARGS) { return t_cat(ctx, a, nargs, r, err); }

/* md5 (RFC 1321) */
static void md5_block(uint32_t h[4], const unsigned char *blk) {
    static const uint32_t K[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static const int R[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)blk[i * 4] | ((uint32_t)blk[i * 4 + 1] << 8) | ((uint32_t)blk[i * 4 + 2] << 16) |
               ((uint32_t)blk[i * 4 + 3] << 24);
    uint32_t A = h[0], B = h[1], C = h[2], D = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t F;
        int g;
        if (i < 16) { F = (B & C) | (~B & D); g = i; }
        else if (i < 32) { F = (D & B) | (~D & C); g = (5 * i + 1) % 16; }
        else if (i < 48) { F = B ^ C ^ D; g = (3 * i + 5) % 16; }
        else { F = C ^ (B | ~D); g = (7 * i) % 16; }
        uint32_t t = D;
        D = C;
        C = B;
        uint32_t x = A + F + K[i] + w[g];
        B = B + ((x << R[i]) | (x >> (32 - R[i])));
        A = t;
    }
    h[0] += A; h[1] += B; h[2] += C; h[3] += D;
}
static int t_md5(ARGS) {
    UNUSED_ARGS;
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t n = N(0), i;
    const unsigned char *p = (const unsigned char *)S(0);
    for (i = 0; i + 64 <= n; i += 64) md5_block(h, p + i);
    unsigned char tail[128] = {0};
    size_t rem = n - i;
    memcpy(tail, p + i, rem);
    tail[rem] = 0x80;
    size_t tl = rem + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++) tail[tl - 8 + (size_t)k] = (unsigned char)(bits >> (8 * k));
    md5_block(h, tail);
    if (tl == 128) md5_block(h, tail + 64);
    char out[33];
    for (int k = 0; k < 16; k++) snprintf(out + 2 * k, 3, "%02x", (h[k / 4] >> (8 * (k % 4))) & 0xff);
    return ret_text(ctx, out, 32, r);
}

static int f_gen_uuid(ARGS) {
    UNUSED_ARGS;
    (void)a;
    unsigned char u[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(u, 1, 16, f) != 16) {
        for (int i = 0; i < 16; i++) u[i] = (unsigned char)(rand() & 0xff);
    }
    if (f) fclose(f);
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    return ret_text(ctx, (const char *)u, 16, r);
}

/* ---- date/time ----------------------------------------------------------------------- */
static int d_pli(ARGS) {
    UNUSED_ARGS;
    int64_t v = a[0].v.i + a[1].v.i;
    if (a[0].v.i == SQL_DATE_NOBEGIN || a[0].v.i == SQL_DATE_NOEND) return ret_i(a[0].v.i, r);
    if (v < -2451545 || v > 2147483494 - 2451545)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date out of range");
    return ret_i(v, r);
}
static int d_ipl(ARGS) {
    sql_value_t sw[2] = {a[1], a[0]};
    return d_pli(ctx, sw, nargs, r, err);
}
static int d_mii(ARGS) {
    sql_value_t sw[2] = {a[0], a[1]};
    sw[1].v.i = -sw[1].v.i;
    return d_pli(ctx, sw, nargs, r, err);
}
static int d_mi(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.i == SQL_DATE_NOBEGIN || a[0].v.i == SQL_DATE_NOEND || a[1].v.i == SQL_DATE_NOBEGIN ||
        a[1].v.i == SQL_DATE_NOEND)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "cannot subtract infinite dates");
    return ret_i(a[0].v.i - a[1].v.i, r);
}
static int f_now(ARGS) { UNUSED_ARGS; (void)a; return ret_i(ctx->txn_start_us, r); }
static int f_stmt_ts(ARGS) { UNUSED_ARGS; (void)a; return ret_i(ctx->stmt_start_us, r); }
static int f_clock_ts(ARGS) {
    UNUSED_ARGS;
    (void)a;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    return ret_i(us - INT64_C(946684800000000), r);
}
static int do_part(ARGS, bool is_date, bool as_float) {
    UNUSED_ARGS;
    char f[32];
    size_t n = N(0) < sizeof f - 1 ? N(0) : sizeof f - 1;
    memcpy(f, S(0), n);
    f[n] = 0;
    int64_t ts = a[1].v.i;
    if (is_date) {
        if (sql__ts_from_date(a[1].v.i, &ts, err)) return -1;
    }
    const char *o;
    if (sql__ts_part(f, ts, is_date && !as_float, ctx->mcx, &o, err)) return -1;
    if (as_float) return ret_f(sql__numeric_to_double(o), r);
    return ret_cstr(o, r);
}
static int f_part_ts(ARGS) { return do_part(ctx, a, nargs, r, err, false, true); }
static int f_extract_ts(ARGS) { return do_part(ctx, a, nargs, r, err, false, false); }
static int f_extract_d(ARGS) { return do_part(ctx, a, nargs, r, err, true, false); }

/* ---- the table ----------------------------------------------------------------------- */
#define B SQL_OID_BOOL
#define I2 SQL_OID_INT2
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define F4 SQL_OID_FLOAT4
#define F8 SQL_OID_FLOAT8
#define NU SQL_OID_NUMERIC
#define TX SQL_OID_TEXT
#define BC SQL_OID_BPCHAR
#define BY SQL_OID_BYTEA
#define DT SQL_OID_DATE
#define TS SQL_OID_TIMESTAMP
#define TZ SQL_OID_TIMESTAMPTZ
#define UU SQL_OID_UUID
#define NM SQL_OID_NAME
#define OI SQL_OID_OID
#define JB SQL_OID_JSONB
#define ANY SQL_OID_ANY

#define OP2(name, t1, t2, ret, fn) {name, 2, {t1, t2}, ret, true, false, fn}
#define OP1(name, t1, ret, fn) {name, 1, {t1}, ret, true, false, fn}
#define ARITH(t, p)                                                                          \
    OP2("+", t, t, t, p##_pl), OP2("-", t, t, t, p##_mi), OP2("*", t, t, t, p##_mul),       \
    OP2("/", t, t, t, p##_div), OP1("-", t, t, p##_um), OP1("+", t, t, any_up)
#define CMPS(t, f)                                                                           \
    OP2("=", t, t, B, f##_eq), OP2("<>", t, t, B, f##_ne), OP2("!=", t, t, B, f##_ne),      \
    OP2("<", t, t, B, f##_lt), OP2("<=", t, t, B, f##_le), OP2(">", t, t, B, f##_gt),        \
    OP2(">=", t, t, B, f##_ge)
#define FN(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, true, false, fn}
#define FNV(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, true, true, fn}

static const sql_builtin_t builtins[] = {
    ARITH(I2, i2), OP2("%", I2, I2, I2, i2_mod),
    ARITH(I4, i4), OP2("%", I4, I4, I4, i4_mod),
    ARITH(I8, i8), OP2("%", I8, I8, I8, i8_mod),
    ARITH(F4, f4), ARITH(F8, f8), OP2("^", F8, F8, F8, f8_pow),
    ARITH(NU, n), OP2("%", NU, NU, NU, n_mod),
    CMPS(I2, ci), CMPS(I4, ci), CMPS(I8, ci), CMPS(OI, ci), CMPS(F4, cf), CMPS(F8, cf),
    CMPS(NU, cn), CMPS(TX, ct), CMPS(NM, ct), CMPS(BC, cc), CMPS(BY, ct), CMPS(UU, ct),
    CMPS(B, cb), CMPS(DT, ci), CMPS(TS, ci), CMPS(TZ, ci), CMPS(JB, ct),
    OP2("||", TX, TX, TX, t_cat), OP2("||", BY, BY, BY, b_cat),
    OP2("||", TX, ANY, TX, t_cat), OP2("||", ANY, TX, TX, t_cat), /* anytextcat, textanycat */
    OP2("~~", TX, TX, B, t_like), OP2("!~~", TX, TX, B, t_nlike),
    OP2("~~*", TX, TX, B, t_ilike), OP2("!~~*", TX, TX, B, t_nilike),
    OP2("+", DT, I4, DT, d_pli), OP2("+", I4, DT, DT, d_ipl), OP2("-", DT, I4, DT, d_mii),
    OP2("-", DT, DT, I4, d_mi),

    FN("length", 1, I4, t_len, TX), FN("char_length", 1, I4, t_len, TX),
    FN("character_length", 1, I4, t_len, TX), FN("length", 1, I4, b_len, BY),
    FN("octet_length", 1, I4, t_octlen, TX), FN("octet_length", 1, I4, b_len, BY),
    FN("lower", 1, TX, t_lower, TX), FN("upper", 1, TX, t_upper, TX),
    FN("substr", 2, TX, t_substr, TX, I4), FN("substr", 3, TX, t_substr, TX, I4, I4),
    FN("substring", 2, TX, t_substr, TX, I4), FN("substring", 3, TX, t_substr, TX, I4, I4),
    FN("strpos", 2, I4, t_strpos, TX, TX),
    FN("btrim", 1, TX, t_btrim, TX), FN("btrim", 2, TX, t_btrim, TX, TX),
    FN("trim", 1, TX, t_btrim, TX), FN("trim", 2, TX, t_btrim, TX, TX),
    FN("ltrim", 1, TX, t_ltrim, TX), FN("ltrim", 2, TX, t_ltrim, TX, TX),
    FN("rtrim", 1, TX, t_rtrim, TX), FN("rtrim", 2, TX, t_rtrim, TX, TX),
    FN("replace", 3, TX, t_replace, TX, TX, TX),
    {"concat", -1, {ANY}, TX, false, false, t_concat},
    {"concat_ws", -1, {ANY}, TX, false, false, t_concat_ws},
    FN("left", 2, TX, t_left, TX, I4), FN("right", 2, TX, t_right, TX, I4),
    FN("repeat", 2, TX, t_repeat, TX, I4), FN("reverse", 1, TX, t_reverse, TX),
    FN("split_part", 3, TX, t_split_part, TX, TX, I4),
    FN("starts_with", 2, B, t_starts_with, TX, TX), FN("md5", 1, TX, t_md5, TX),
    FN("lpad", 2, TX, t_lpad, TX, I4), FN("lpad", 3, TX, t_lpad, TX, I4, TX),
    FN("rpad", 2, TX, t_rpad, TX, I4), FN("rpad", 3, TX, t_rpad, TX, I4, TX),
    FN("ascii", 1, I4, t_ascii, TX), FN("chr", 1, TX, t_chr, I4),
    FN("abs", 1, I2, i2_abs, I2), FN("abs", 1, I4, i4_abs, I4), FN("abs", 1, I8, i8_abs, I8),
    FN("abs", 1, F4, f4_abs, F4), FN("abs", 1, F8, f8_abs, F8), FN("abs", 1, NU, n_abs, NU),
    FN("ceil", 1, F8, f8_ceil, F8), FN("ceil", 1, NU, n_ceil, NU),
    FN("ceiling", 1, F8, f8_ceil, F8), FN("ceiling", 1, NU, n_ceil, NU),
    FN("floor", 1, F8, f8_floor, F8), FN("floor", 1, NU, n_floor, NU),
    FN("round", 1, F8, f8_round, F8), FN("round", 1, NU, n_round, NU),
    FN("round", 2, NU, n_round, NU, I4),
    FN("trunc", 1, F8, f8_trunc, F8), FN("trunc", 1, NU, n_trunc, NU),
    FN("trunc", 2, NU, n_trunc, NU, I4),
    FN("mod", 2, I2, i2_mod, I2, I2), FN("mod", 2, I4, i4_mod, I4, I4),
    FN("mod", 2, I8, i8_mod, I8, I8), FN("mod", 2, NU, n_mod, NU, NU),
    FN("power", 2, F8, f8_pow, F8, F8), FN("pow", 2, F8, f8_pow, F8, F8),
    FN("sqrt", 1, F8, f8_sqrt, F8), FN("sqrt", 1, NU, n_sqrt, NU),
    FN("exp", 1, F8, f8_exp, F8), FN("ln", 1, F8, f8_ln, F8), FN("log", 1, F8, f8_log10, F8),
    FN("log10", 1, F8, f8_log10, F8),
    FN("sign", 1, F8, f8_sign, F8), FN("sign", 1, NU, n_sign, NU),
    FN("pi", 0, F8, f8_pi, 0), FNV("random", 0, F8, f8_random, 0),
    FNV("gen_random_uuid", 0, UU, f_gen_uuid, 0),
    FNV("now", 0, TZ, f_now, 0), FNV("current_timestamp", 0, TZ, f_now, 0),
    FNV("transaction_timestamp", 0, TZ, f_now, 0), FNV("statement_timestamp", 0, TZ, f_stmt_ts, 0),
    FNV("clock_timestamp", 0, TZ, f_clock_ts, 0),
    FN("date_part", 2, F8, f_part_ts, TX, TS), FN("date_part", 2, F8, f_part_ts, TX, TZ),
    FN("extract", 2, NU, f_extract_ts, TX, TS), FN("extract", 2, NU, f_extract_ts, TX, TZ),
    FN("extract", 2, NU, f_extract_d, TX, DT),
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

/* ---- resolution ---------------------------------------------------------------------- */
static int promo_rank(uint32_t t) {
    switch (t) {
    case SQL_OID_INT2: return 1;
    case SQL_OID_INT4: return 2;
    case SQL_OID_INT8: return 3;
    case SQL_OID_NUMERIC: return 4;
    case SQL_OID_FLOAT4: return 5;
    case SQL_OID_FLOAT8: return 6;
    default: return 0;
    }
}

static uint32_t cand_type(const sql_builtin_t *b, int i) { return b->nargs < 0 ? b->argtypes[0] : b->argtypes[i]; }

static bool is_string_type(uint32_t t) {
    return t == SQL_OID_TEXT || t == SQL_OID_VARCHAR || t == SQL_OID_BPCHAR || t == SQL_OID_NAME;
}

/* Core of func_select_candidate. is_op: operator rules for unknown. */
static const sql_builtin_t *select_candidate(const char *name, int nargs, const uint32_t *in,
                                             bool is_op) {
    const sql_builtin_t *cands[64];
    int nc = 0;
    for (size_t k = 0; k < NBUILTINS; k++) {
        const sql_builtin_t *b = &builtins[k];
        if (strcmp(b->name, name) != 0) continue;
        if (b->nargs >= 0 ? b->nargs != nargs : nargs < 1) continue;
        if (nc < 64) cands[nc++] = b;
    }
    if (!nc) return NULL;
    /* 1. exact */
    for (int c = 0; c < nc; c++) {
        bool ok = true;
        for (int i = 0; i < nargs && ok; i++) ok = cand_type(cands[c], i) == in[i];
        if (ok) return cands[c];
    }
    /* 1b. binary operator with one unknown side: assume the other side's type */
    if (is_op && nargs == 2 && ((in[0] == SQL_OID_UNKNOWN) != (in[1] == SQL_OID_UNKNOWN))) {
        uint32_t known = in[0] == SQL_OID_UNKNOWN ? in[1] : in[0];
        for (int c = 0; c < nc; c++)
            if (cand_type(cands[c], 0) == known && cand_type(cands[c], 1) == known) return cands[c];
    }
    /* 2. keep candidates reachable by implicit coercion */
    int m = 0;
    for (int c = 0; c < nc; c++) {
        bool ok = true;
        for (int i = 0; i < nargs && ok; i++) {
            uint32_t t = cand_type(cands[c], i);
            ok = t == in[i] || t == SQL_OID_ANY || sql_cast_allowed(in[i], t, SQL_CAST_IMPLICIT);
        }
        if (ok) cands[m++] = cands[c];
    }
    nc = m;
    if (nc <= 1) return nc ? cands[0] : NULL;
    /* 3. most exact matches */
    int best = -1, score[64];
    for (int c = 0; c < nc; c++) {
        score[c] = 0;
        for (int i = 0; i < nargs; i++) score[c] += cand_type(cands[c], i) == in[i];
        if (score[c] > best) best = score[c];
    }
    m = 0;
    for (int c = 0; c < nc; c++)
        if (score[c] == best) cands[m++] = cands[c];
    nc = m;
    if (nc == 1) return cands[0];
    /* 4. most preferred types where coercion is needed */
    best = -1;
    for (int c = 0; c < nc; c++) {
        score[c] = 0;
        for (int i = 0; i < nargs; i++) {
            uint32_t t = cand_type(cands[c], i);
            const sql_type_info_t *ti = sql_type_get(t);
            if (t != in[i] && in[i] != SQL_OID_UNKNOWN && ti && ti->preferred) score[c]++;
        }
        if (score[c] > best) best = score[c];
    }
    m = 0;
    for (int c = 0; c < nc; c++)
        if (score[c] == best) cands[m++] = cands[c];
    nc = m;
    if (nc == 1) return cands[0];
    /* 5. unknown inputs: prefer string category, then its preferred type */
    for (int i = 0; i < nargs; i++) {
        if (in[i] != SQL_OID_UNKNOWN) continue;
        bool any_str = false;
        for (int c = 0; c < nc; c++) any_str |= is_string_type(cand_type(cands[c], i));
        if (any_str) {
            m = 0;
            for (int c = 0; c < nc; c++)
                if (is_string_type(cand_type(cands[c], i))) cands[m++] = cands[c];
            nc = m;
            bool any_text = false;
            for (int c = 0; c < nc; c++) any_text |= cand_type(cands[c], i) == SQL_OID_TEXT;
            if (any_text) {
                m = 0;
                for (int c = 0; c < nc; c++)
                    if (cand_type(cands[c], i) == SQL_OID_TEXT) cands[m++] = cands[c];
                nc = m;
            }
        }
    }
    if (nc == 1) return cands[0];
    /* 6. all known inputs of one type: unknowns assumed to be it */
    uint32_t common = 0;
    bool same = true;
    for (int i = 0; i < nargs; i++) {
        if (in[i] == SQL_OID_UNKNOWN) continue;
        if (common && common != in[i]) same = false;
        common = in[i];
    }
    if (common && same) {
        for (int c = 0; c < nc; c++) {
            bool ok = true;
            for (int i = 0; i < nargs && ok; i++)
                if (in[i] == SQL_OID_UNKNOWN) ok = cand_type(cands[c], i) == common;
            if (ok) return cands[c];
        }
    }
    /* 7. cheapest numeric promotion */
    int bc = 0, bcost = 1 << 30;
    for (int c = 0; c < nc; c++) {
        int cost = 0;
        for (int i = 0; i < nargs; i++) {
            int rt = promo_rank(cand_type(cands[c], i)), ri = promo_rank(in[i]);
            cost += rt && ri ? rt - ri : (cand_type(cands[c], i) == in[i] ? 0 : 10);
        }
        if (cost < bcost) { bcost = cost; bc = c; }
    }
    return cands[bc];
}

static void fmt_types(orb_buf_t *b, int nargs, const uint32_t *t) {
    orb_mcx_t *m = orb_mcx_create(NULL, "fmt");
    for (int i = 0; i < nargs; i++) {
        if (i) orb_buf_puts(b, ", ");
        orb_buf_puts(b, sql_type_format(t[i], -1, m));
    }
    orb_mcx_destroy(m);
}

int sql_oper_resolve(const char *op, uint32_t ltype, uint32_t rtype, const sql_builtin_t **out,
                     uint32_t *lcast, uint32_t *rcast, orb_err_t *err) {
    uint32_t in[2] = {ltype, rtype};
    const sql_builtin_t *b = NULL;
    if (ltype == 0) {
        b = select_candidate(op, 1, in + 1, true);
        if (b) {
            *out = b;
            *rcast = b->argtypes[0] == SQL_OID_ANY ? SQL_OID_TEXT : b->argtypes[0];
            if (lcast) *lcast = 0;
            return 0;
        }
    } else {
        b = select_candidate(op, 2, in, true);
        if (b) {
            *out = b;
            *lcast = b->argtypes[0] == SQL_OID_ANY ? SQL_OID_TEXT : b->argtypes[0];
            *rcast = b->argtypes[1] == SQL_OID_ANY ? SQL_OID_TEXT : b->argtypes[1];
            return 0;
        }
    }
    orb_mcx_t *m = orb_mcx_create(NULL, "operr");
    if (ltype == 0)
        orb_err_set(err, UNDEFINED_FUNCTION, "operator does not exist: %s %s", op,
                    sql_type_format(rtype, -1, m));
    else
        orb_err_set(err, UNDEFINED_FUNCTION, "operator does not exist: %s %s %s",
                    sql_type_format(ltype, -1, m), op, sql_type_format(rtype, -1, m));
    orb_mcx_destroy(m);
    orb_err_hint(err, "No operator matches the given name and argument types. You might need to "
                      "add explicit type casts.");
    return -1;
}

int sql_func_resolve(const char *name, int nargs, const uint32_t *argtypes,
                     const sql_builtin_t **out, uint32_t *argcasts, orb_err_t *err) {
    char lname[64];
    size_t n = strlen(name);
    if (n >= sizeof lname) n = sizeof lname - 1;
    for (size_t i = 0; i < n; i++) lname[i] = (char)tolower((unsigned char)name[i]);
    lname[n] = 0;
    const sql_builtin_t *b = select_candidate(lname, nargs, argtypes, false);
    if (b) {
        for (int i = 0; i < nargs; i++) {
            uint32_t t = cand_type(b, i);
            argcasts[i] = t == SQL_OID_ANY ? SQL_OID_TEXT : t;
        }
        *out = b;
        return 0;
    }
    orb_buf_t buf;
    orb_buf_init(&buf);
    fmt_types(&buf, nargs, argtypes);
    orb_err_set(err, UNDEFINED_FUNCTION, "function %s(%s) does not exist", name,
                buf.data ? buf.data : "");
    orb_buf_free(&buf);
    orb_err_hint(err, "No function matches the given name and argument types. You might need to "
                      "add explicit type casts.");
    return -1;
}
