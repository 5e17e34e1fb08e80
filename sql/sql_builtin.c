/* sql/sql_builtin.c — the table of built-in operators and functions (one row each: name,
 * argument types, result type, strictness, volatility, handler) and PostgreSQL-style
 * overload resolution over it (exact match, unknown literals, implicit casts, most exact
 * matches, preferred types, string category for unknowns, numeric promotion order).
 * Handlers take already-cast arguments; results are allocated in ctx->mcx. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql_types_int.h"
#include "sql_ddl_int.h" /* the sequence functions */

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
    if (x == 0 && y < 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                           "zero raised to a negative power is undefined");
    if (x < 0 && floor(y) != y)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                           "a negative number raised to a non-integer power yields a complex result");
    double v = pow(x, y);
    return fchk(v, isinf(x) || isinf(y), x == 0 || isinf(y), false, r, err);
}
static int f8_sqrt(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                           "cannot take square root of a negative number");
    return ret_f(sqrt(a[0].v.f), r);
}
static int f8_cbrt(ARGS) { UNUSED_ARGS; return ret_f(cbrt(a[0].v.f), r); }
static int f8_exp(ARGS) {
    UNUSED_ARGS;
    double v = exp(a[0].v.f);
    return fchk(v, isinf(a[0].v.f), isinf(a[0].v.f) || !(a[0].v.f < -700), false, r, err);
}
static int f8_ln(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f == 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of zero");
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of a negative number");
    return ret_f(log(a[0].v.f), r);
}
static int f8_log10(ARGS) {
    UNUSED_ARGS;
    if (a[0].v.f == 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of zero");
    if (a[0].v.f < 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of a negative number");
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
NUM_BIN(n_pow, sql_numeric_power)
NUM_BIN(n_log2, sql_numeric_log)
static int n_ln(ARGS) {
    UNUSED_ARGS;
    const char *o;
    if (sql_numeric_ln(a[0].v.s.p, ctx->mcx, &o, err)) return -1;
    return ret_cstr(o, r);
}
static int n_exp(ARGS) {
    UNUSED_ARGS;
    const char *o;
    if (sql_numeric_exp(a[0].v.s.p, ctx->mcx, &o, err)) return -1;
    return ret_cstr(o, r);
}
static int n_log10(ARGS) { /* log(numeric) is SQL "select log(10, $1)" */
    UNUSED_ARGS;
    const char *o;
    if (sql_numeric_log("10", a[0].v.s.p, ctx->mcx, &o, err)) {
        if (err) snprintf(err->context, sizeof err->context, "SQL function \"log\" statement 1");
        return -1;
    }
    return ret_cstr(o, r);
}

/* ---- arrays (sql_array.c) ------------------------------------------------------------- */
/* array_append/array_prepend/array_cat must know the element type when the array argument
 * is NULL (array_append(NULL::int[], 1)); builtins only receive values, so each polymorphic
 * instance gets a trampoline that passes its element type (index into sql_array.c's table). */
#define ARR_TRAMP1(impl, k)                                                                  \
    static int impl##_##k(ARGS) { return sql__arr_##impl(ctx, a, nargs, r, err, sql__array_elem_by_index(k)); }
#define ARR_TRAMP(impl)                                                                      \
    ARR_TRAMP1(impl, 0) ARR_TRAMP1(impl, 1) ARR_TRAMP1(impl, 2) ARR_TRAMP1(impl, 3)          \
    ARR_TRAMP1(impl, 4) ARR_TRAMP1(impl, 5) ARR_TRAMP1(impl, 6) ARR_TRAMP1(impl, 7)          \
    ARR_TRAMP1(impl, 8) ARR_TRAMP1(impl, 9) ARR_TRAMP1(impl, 10) ARR_TRAMP1(impl, 11)        \
    ARR_TRAMP1(impl, 12) ARR_TRAMP1(impl, 13) ARR_TRAMP1(impl, 14) ARR_TRAMP1(impl, 15)      \
    ARR_TRAMP1(impl, 16)                                                                     \
    static const sql_fn_cb impl##_tab[SQL__ARRAY_NELEM] = {                                  \
        impl##_0, impl##_1, impl##_2, impl##_3, impl##_4, impl##_5, impl##_6, impl##_7,      \
        impl##_8, impl##_9, impl##_10, impl##_11, impl##_12, impl##_13, impl##_14, impl##_15, \
        impl##_16};
ARR_TRAMP(append)
ARR_TRAMP(prepend)
ARR_TRAMP(cat)
/* the generic rows in the table carry element 0's trampoline; instantiation swaps it */
static const struct {
    sql_fn_cb generic;
    const sql_fn_cb *tab;
} arr_tramps[] = {{append_0, append_tab}, {prepend_0, prepend_tab}, {cat_0, cat_tab}};

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
CMP_FAMILY(civ, SQL_OID_INTERVAL)

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
            return orb_err_set(err, SUBSTRING_ERROR, "negative substring length not allowed");
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
    /* PostgreSQL's limit: a result must fit in 1 GB (4 bytes per character at most) */
    if ((uint64_t)len * 4 > 0x3fffffff)
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "requested length too large");
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


/* ---- interval ---------------------------------------------------------------------------- */
#define IVGET(k, x) sql_interval_t x; sql_interval_get(&a[k], &x)
static int ret_iv(sql_fn_ctx_t *ctx, const sql_interval_t *iv, sql_value_t *r) {
    sql_interval_set(ctx->mcx, iv, r);
    return 0;
}
static int iv_pl(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x); IVGET(1, y);
    sql_interval_t o;
    if (sql__interval_add(&x, &y, false, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int iv_mi(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x); IVGET(1, y);
    sql_interval_t o;
    if (sql__interval_add(&x, &y, true, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int iv_um(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x);
    sql_interval_t o;
    if (sql__interval_neg(&x, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
/* interval a[iv] times (or divided by) the float a[1 - iv] */
static int iv_scale(sql_fn_ctx_t *ctx, const sql_value_t *a, int iv, bool divide, sql_value_t *r,
                    orb_err_t *err) {
    IVGET(iv, x);
    sql_interval_t o;
    if (sql__interval_mul(&x, a[1 - iv].v.f, divide, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int iv_mul(ARGS) {
    UNUSED_ARGS;
    return iv_scale(ctx, a, 0, false, r, err);
}
static int iv_fmul(ARGS) {
    UNUSED_ARGS;
    return iv_scale(ctx, a, 1, false, r, err);
}
static int iv_div(ARGS) {
    UNUSED_ARGS;
    return iv_scale(ctx, a, 0, true, r, err);
}
static int ts_pl_iv(ARGS) {
    UNUSED_ARGS;
    IVGET(1, x);
    int64_t o;
    if (sql__ts_pl_interval(a[0].v.i, &x, &o, err)) return -1;
    return ret_i(o, r);
}
static int iv_pl_ts(ARGS) {
    sql_value_t sw[2] = {a[1], a[0]};
    return ts_pl_iv(ctx, sw, nargs, r, err);
}
static int ts_mi_iv(ARGS) {
    UNUSED_ARGS;
    IVGET(1, x);
    sql_interval_t n;
    if (sql__interval_neg(&x, &n, err)) return -1;
    int64_t o;
    if (sql__ts_pl_interval(a[0].v.i, &n, &o, err)) return -1;
    return ret_i(o, r);
}
static int d_pl_iv(ARGS) {
    sql_value_t sw[2] = {a[0], a[1]};
    if (sql__ts_from_date(a[0].v.i, &sw[0].v.i, err)) return -1;
    return ts_pl_iv(ctx, sw, nargs, r, err);
}
static int iv_pl_d(ARGS) {
    sql_value_t sw[2] = {a[1], a[0]};
    if (sql__ts_from_date(a[1].v.i, &sw[0].v.i, err)) return -1;
    return ts_pl_iv(ctx, sw, nargs, r, err);
}
static int d_mi_iv(ARGS) {
    sql_value_t sw[2] = {a[0], a[1]};
    if (sql__ts_from_date(a[0].v.i, &sw[0].v.i, err)) return -1;
    return ts_mi_iv(ctx, sw, nargs, r, err);
}
static int ts_mi_ts(ARGS) {
    UNUSED_ARGS;
    sql_interval_t o;
    if (sql__ts_mi(a[0].v.i, a[1].v.i, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int f_age2(ARGS) {
    UNUSED_ARGS;
    sql_interval_t o;
    if (sql__ts_age(a[0].v.i, a[1].v.i, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int f_age1(ARGS) {
    UNUSED_ARGS;
    /* age(ts) = age(current_date at midnight, ts) */
    int64_t today = sql__date_from_ts(ctx->txn_start_us) * SQL_USECS_PER_DAY;
    sql_interval_t o;
    if (sql__ts_age(today, a[0].v.i, &o, err)) return -1;
    return ret_iv(ctx, &o, r);
}
static int f_justify_days(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x);
    sql__interval_justify_days(&x);
    return ret_iv(ctx, &x, r);
}
static int f_justify_hours(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x);
    sql__interval_justify_hours(&x);
    return ret_iv(ctx, &x, r);
}
static int f_justify_interval(ARGS) {
    UNUSED_ARGS;
    IVGET(0, x);
    sql__interval_justify(&x);
    return ret_iv(ctx, &x, r);
}
static int do_iv_part(ARGS, bool as_float) {
    UNUSED_ARGS;
    char f[32];
    size_t n = N(0) < sizeof f - 1 ? N(0) : sizeof f - 1;
    memcpy(f, S(0), n);
    f[n] = 0;
    IVGET(1, x);
    const char *o;
    if (sql__interval_part(f, &x, ctx->mcx, &o, err)) return -1;
    if (as_float) return ret_f(sql__numeric_to_double(o), r);
    return ret_cstr(o, r);
}
static int f_part_iv(ARGS) { return do_iv_part(ctx, a, nargs, r, err, true); }
static int f_extract_iv(ARGS) { return do_iv_part(ctx, a, nargs, r, err, false); }
static int f_make_date(ARGS) {
    UNUSED_ARGS;
    int64_t y = a[0].v.i, m = a[1].v.i, d = a[2].v.i;
    int64_t yy = y < 0 ? y + 1 : y;
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (yy % 4 == 0) && ((yy % 100 != 0) || (yy % 400 == 0));
    if (y == 0 || m < 1 || m > 12 || d < 1 || d > (m == 2 && leap ? 29 : dm[m - 1]))
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date field value out of range: %lld-%02lld-%02lld",
                           (long long)y, (long long)m, (long long)d);
    if (yy < -4713 || yy > 5874897)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date out of range: %lld-%02lld-%02lld",
                           (long long)y, (long long)m, (long long)d);
    return ret_i((int64_t)sql__date2j((int)yy, (int)m, (int)d) - 2451545, r);
}


/* ---- to_char / to_timestamp / to_date ---------------------------------------------------- */
static int to_char_ts(ARGS, bool tz) {
    UNUSED_ARGS;
    orb_buf_t b;
    orb_buf_init(&b);
    int rc = sql__ts_to_char(a[0].v.i, tz, S(1), N(1), &b, err);
    if (rc == 1) { orb_buf_free(&b); r->isnull = true; return 0; }
    if (rc == 0) ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return rc;
}
static int f_to_char_ts(ARGS) { return to_char_ts(ctx, a, nargs, r, err, false); }
static int f_to_char_tz(ARGS) { return to_char_ts(ctx, a, nargs, r, err, true); }
static int to_char_num(ARGS, const char *num) {
    UNUSED_ARGS;
    orb_buf_t b;
    orb_buf_init(&b);
    int rc = sql__numeric_to_char(num, S(1), N(1), ctx->mcx, &b, err);
    if (rc == 0) ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return rc;
}
static int f_to_char_n(ARGS) { return to_char_num(ctx, a, nargs, r, err, S(0)); }
static int f_to_char_i(ARGS) {
    return to_char_num(ctx, a, nargs, r, err, sql__numeric_from_int(a[0].v.i, ctx->mcx));
}
static int f_to_char_f(ARGS) {
    const char *t;
    if (isnan(a[0].v.f)) t = "NaN";
    else if (isinf(a[0].v.f)) t = a[0].v.f > 0 ? "Infinity" : "-Infinity";
    else if (sql__numeric_from_double(a[0].v.f, 15, ctx->mcx, &t, err)) return -1;
    return to_char_num(ctx, a, nargs, r, err, t);
}
static int f_to_timestamp(ARGS) {
    UNUSED_ARGS;
    int64_t v;
    if (sql__ts_from_char(S(0), N(0), S(1), N(1), false, &v, err)) return -1;
    return ret_i(v, r);
}
static int f_to_date(ARGS) {
    UNUSED_ARGS;
    int64_t v;
    if (sql__ts_from_char(S(0), N(0), S(1), N(1), true, &v, err)) return -1;
    return ret_i(v, r);
}
static int f_to_timestamp_epoch(ARGS) {
    UNUSED_ARGS;
    double x = a[0].v.f;
    if (isnan(x))
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp cannot be NaN");
    if (isinf(x)) return ret_i(x > 0 ? SQL_TS_NOEND : SQL_TS_NOBEGIN, r);
    double us = rint(x * 1000000.0) - 946684800000000.0;
    if (!(us > -211813488000000000.0 && us < 9224318016000000000.0))
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"%g\"", x);
    return ret_i((int64_t)us, r);
}


/* ---- json builders and functions --------------------------------------------------------- */
static int f_jb_obj(ARGS) { UNUSED_ARGS; return sql__json_build(true, true, a, nargs, ctx->mcx, r, err); }
static int f_js_obj(ARGS) { UNUSED_ARGS; return sql__json_build(false, true, a, nargs, ctx->mcx, r, err); }
/* row_to_json(t) (sql_expr.c rewrites it to this with names and values alternating) */
static int f_row_json(ARGS) {
    UNUSED_ARGS;
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_putc(&b, '{');
    for (int i = 0; i + 1 < nargs; i += 2) {
        if (i) orb_buf_putc(&b, ',');
        if (a[i].v.s.n && a[i].v.s.p[0] == '"') orb_buf_append(&b, a[i].v.s.p, a[i].v.s.n);
        else sql__json_escape(&b, a[i].v.s.p, a[i].v.s.n);
        orb_buf_putc(&b, ':');
        if (a[i + 1].isnull) orb_buf_puts(&b, "null");
        else orb_buf_append(&b, a[i + 1].v.s.p, a[i + 1].v.s.n);
    }
    orb_buf_putc(&b, '}');
    int rc = ret_text(ctx, b.data, b.len, r);
    orb_buf_free(&b);
    return rc;
}
static int f_jb_arr(ARGS) { UNUSED_ARGS; return sql__json_build(true, false, a, nargs, ctx->mcx, r, err); }
static int f_js_arr(ARGS) { UNUSED_ARGS; return sql__json_build(false, false, a, nargs, ctx->mcx, r, err); }
static int f_to_json(ARGS) {
    UNUSED_ARGS;
    if (a[0].isnull) { r->isnull = true; return 0; }
    return ret_text(ctx, S(0), N(0), r);
}
static int f_to_jsonb(ARGS) {
    UNUSED_ARGS;
    if (a[0].isnull) { r->isnull = true; return 0; }
    const char *o;
    size_t ol;
    if (sql__jsonb_normalize(S(0), N(0), ctx->mcx, &o, &ol, err)) return -1;
    r->isnull = false;
    r->v.s.p = o;
    r->v.s.n = (uint32_t)ol;
    return 0;
}
static int f_json_typeof(ARGS) {
    UNUSED_ARGS;
    const char *o;
    if (sql__json_typeof(S(0), N(0), ctx->mcx, &o, err)) return -1;
    return ret_cstr(o, r);
}
static int f_json_alen(ARGS) {
    UNUSED_ARGS;
    int64_t v;
    if (sql__json_array_length(S(0), N(0), &v, err)) return -1;
    return ret_i(v, r);
}
static int f_jb_pretty(ARGS) { UNUSED_ARGS; return sql__jsonb_pretty(S(0), N(0), ctx->mcx, r, err); }
static int f_jb_cat(ARGS) { UNUSED_ARGS; return sql__jsonb_concat(S(0), N(0), S(1), N(1), ctx->mcx, r, err); }
static int f_jb_del(ARGS) { UNUSED_ARGS; return sql__jsonb_delete(S(0), N(0), S(1), N(1), ctx->mcx, r, err); }
static int f_jb_path(ARGS) { UNUSED_ARGS; return sql__json_extract_path(true, S(0), N(0), a + 1, nargs - 1, false, ctx->mcx, r, err); }
static int f_jb_path_t(ARGS) { UNUSED_ARGS; return sql__json_extract_path(true, S(0), N(0), a + 1, nargs - 1, true, ctx->mcx, r, err); }
static int f_js_path(ARGS) { UNUSED_ARGS; return sql__json_extract_path(false, S(0), N(0), a + 1, nargs - 1, false, ctx->mcx, r, err); }
static int f_js_path_t(ARGS) { UNUSED_ARGS; return sql__json_extract_path(false, S(0), N(0), a + 1, nargs - 1, true, ctx->mcx, r, err); }

/* ---- bitwise integer operators (& | # ~ << >>) --------------------------------------- */
/* Shifts behave as PostgreSQL's C code does on x86-64: the count is taken modulo the
 * promoted operand width (32 for int2/int4, 64 for int8). */
static int i2_and(ARGS) { UNUSED_ARGS; return ret_i(a[0].v.i & a[1].v.i, r); }
static int i2_or(ARGS) { UNUSED_ARGS; return ret_i(a[0].v.i | a[1].v.i, r); }
static int i2_xor(ARGS) { UNUSED_ARGS; return ret_i(a[0].v.i ^ a[1].v.i, r); }
static int i2_not(ARGS) { UNUSED_ARGS; return ret_i((int16_t)~a[0].v.i, r); }
static int i4_not(ARGS) { UNUSED_ARGS; return ret_i((int32_t)~a[0].v.i, r); }
static int i8_not(ARGS) { UNUSED_ARGS; return ret_i(~a[0].v.i, r); }
static int i2_shl(ARGS) {
    UNUSED_ARGS;
    return ret_i((int16_t)(uint16_t)((uint32_t)(int32_t)a[0].v.i << (a[1].v.i & 31)), r);
}
static int i2_shr(ARGS) { UNUSED_ARGS; return ret_i((int16_t)((int32_t)a[0].v.i >> (a[1].v.i & 31)), r); }
static int i4_shl(ARGS) {
    UNUSED_ARGS;
    return ret_i((int32_t)((uint32_t)(int32_t)a[0].v.i << (a[1].v.i & 31)), r);
}
static int i4_shr(ARGS) { UNUSED_ARGS; return ret_i((int32_t)a[0].v.i >> (a[1].v.i & 31), r); }
static int i8_shl(ARGS) { UNUSED_ARGS; return ret_i((int64_t)((uint64_t)a[0].v.i << (a[1].v.i & 63)), r); }
static int i8_shr(ARGS) { UNUSED_ARGS; return ret_i(a[0].v.i >> (a[1].v.i & 63), r); }

/* ---- more strings ---------------------------------------------------------------------- */
/* initcap as PostgreSQL in the C locale (asc_initcap): ASCII letters only, a word is a run of
 * ASCII letters and digits. */
static int t_initcap(ARGS) {
    UNUSED_ARGS;
    ret_text(ctx, S(0), N(0), r);
    char *c = (char *)r->v.s.p;
    bool wasalnum = false;
    for (size_t i = 0; i < N(0); i++) {
        char ch = c[i];
        if (wasalnum) c[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        else c[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        wasalnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    }
    return 0;
}
static int i4_to_hex(ARGS) {
    UNUSED_ARGS;
    char b[24];
    snprintf(b, sizeof b, "%x", (unsigned)(uint32_t)a[0].v.i);
    return ret_text(ctx, b, strlen(b), r);
}
static int i8_to_hex(ARGS) {
    UNUSED_ARGS;
    char b[24];
    snprintf(b, sizeof b, "%llx", (unsigned long long)(uint64_t)a[0].v.i);
    return ret_text(ctx, b, strlen(b), r);
}

/* ---- regular expressions --------------------------------------------------------------- */
/* PostgreSQL uses Henry Spencer's ARE engine; Orbit uses glibc's POSIX regex (REG_EXTENDED).
 * They agree on common patterns, but differ on ARE-only syntax (\m \M \y, lookahead,
 * non-greedy quantifiers, embedded options, back references in some forms) and on error
 * message wording. \d \D are rewritten to bracket expressions; \w \s are GNU extensions. */
static int re_compile(regex_t *re, const char *pat, size_t n, int cflags, orb_err_t *err) {
    orb_buf_t b;
    orb_buf_init(&b);
    bool in_br = false;
    for (size_t i = 0; i < n; i++) {
        char c = pat[i];
        if (!in_br && c == '\\' && i + 1 < n) {
            char d = pat[i + 1];
            if (d == 'd') { orb_buf_puts(&b, "[0-9]"); i++; continue; }
            if (d == 'D') { orb_buf_puts(&b, "[^0-9]"); i++; continue; }
            orb_buf_putc(&b, c);
            orb_buf_putc(&b, d);
            i++;
            continue;
        }
        if (!in_br && c == '(' && i + 2 < n && pat[i + 1] == '?' && pat[i + 2] == ':' &&
            (cflags & REG_NOSUB)) {
            /* ARE non-capturing group (similar_to_escape's output): a plain group is the
             * same for a match test */
            orb_buf_putc(&b, '(');
            i += 2;
            continue;
        }
        if (!in_br && c == '[') {
            in_br = true;
            orb_buf_putc(&b, c);
            if (i + 1 < n && pat[i + 1] == '^') orb_buf_putc(&b, pat[++i]);
            if (i + 1 < n && pat[i + 1] == ']') orb_buf_putc(&b, pat[++i]);
            continue;
        }
        if (in_br && c == '[' && i + 1 < n && (pat[i + 1] == ':' || pat[i + 1] == '.' || pat[i + 1] == '=')) {
            /* [:class:], [.coll.], [=equiv=]: copied through their closing "x]" */
            char close = pat[i + 1];
            size_t j = i + 2;
            while (j + 1 < n && !(pat[j] == close && pat[j + 1] == ']')) j++;
            if (j + 1 >= n) j = n - 1; else j++;
            orb_buf_append(&b, pat + i, j - i + 1);
            i = j;
            continue;
        }
        if (in_br && c == ']') in_br = false;
        orb_buf_putc(&b, c);
    }
    int rc = regcomp(re, b.data ? b.data : "", cflags | REG_EXTENDED);
    orb_buf_free(&b);
    if (rc != 0) {
        /* PostgreSQL's wording (regerrs.h) for the glibc codes */
        const char *msg;
        switch (rc) {
        case REG_ECOLLATE: msg = "invalid collating element"; break;
        case REG_ECTYPE: msg = "invalid character class"; break;
        case REG_EESCAPE: msg = "invalid escape \\ sequence"; break;
        case REG_ESUBREG: msg = "invalid backreference number"; break;
        case REG_EBRACK: msg = "brackets [] not balanced"; break;
        case REG_EPAREN: case REG_ERPAREN: msg = "parentheses () not balanced"; break;
        case REG_EBRACE: msg = "braces {} not balanced"; break;
        case REG_BADBR: msg = "invalid repetition count(s)"; break;
        case REG_ERANGE: msg = "invalid character range"; break;
        case REG_ESPACE: msg = "out of memory"; break;
        case REG_BADRPT: msg = "quantifier operand invalid"; break;
        default: {
            static __thread char buf[128];
            regerror(rc, re, buf, sizeof buf);
            for (char *m = buf; *m; m++) *m = (char)tolower((unsigned char)*m);
            msg = buf;
        }
        }
        return orb_err_set(err, INVALID_REGULAR_EXPRESSION, "invalid regular expression: %s", msg);
    }
    return 0;
}
static int do_re_match(ARGS, bool icase, bool negate) {
    UNUSED_ARGS;
    regex_t re;
    if (re_compile(&re, S(1), N(1), REG_NOSUB | (icase ? REG_ICASE : 0), err)) return -1;
    int rc = regexec(&re, S(0), 0, NULL, 0);
    regfree(&re);
    return ret_b((rc == 0) != negate, r);
}
static int t_re(ARGS) { return do_re_match(ctx, a, nargs, r, err, false, false); }
static int t_nre(ARGS) { return do_re_match(ctx, a, nargs, r, err, false, true); }
static int t_icre(ARGS) { return do_re_match(ctx, a, nargs, r, err, true, false); }
static int t_nicre(ARGS) { return do_re_match(ctx, a, nargs, r, err, true, true); }

/* substring(string FROM pattern): the part that matches the first parenthesized
 * subexpression, or the whole match when there is none; NULL without a match */
static int t_substring_re(ARGS) {
    UNUSED_ARGS;
    regex_t re;
    if (re_compile(&re, S(1), N(1), 0, err)) return -1;
    regmatch_t m[2];
    int rc = regexec(&re, S(0), 2, m, 0);
    int g = re.re_nsub > 0 ? 1 : 0;
    regfree(&re);
    if (rc != 0 || m[g].rm_so < 0) {
        r->isnull = true;
        return 0;
    }
    return ret_text(ctx, S(0) + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so), r);
}

static int t_regexp_replace(ARGS) {
    UNUSED_ARGS;
    int cflags = 0;
    bool global = false;
    if (nargs > 3) {
        for (size_t i = 0; i < N(3); i++) {
            switch (S(3)[i]) {
            case 'g': global = true; break;
            case 'i': cflags |= REG_ICASE; break;
            case 'c': cflags &= ~REG_ICASE; break;
            case 'n': case 'm': cflags |= REG_NEWLINE; break;
            case 's': cflags &= ~REG_NEWLINE; break;
            case 'e': break; /* ERE: what glibc gives anyway */
            default:
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "invalid regular expression option: \"%.*s\"",
                                   (int)sql__utf8_prefix(S(3) + i, N(3) - i, 1), S(3) + i);
            }
        }
    }
    regex_t re;
    if (re_compile(&re, S(1), N(1), cflags, err)) return -1;
    orb_buf_t b;
    orb_buf_init(&b);
    size_t pos = 0;
    regmatch_t m[10];
    while (pos <= N(0)) {
        if (regexec(&re, S(0) + pos, 10, m, pos > 0 ? REG_NOTBOL : 0) != 0) break;
        size_t ms = pos + (size_t)m[0].rm_so, me = pos + (size_t)m[0].rm_eo;
        orb_buf_append(&b, S(0) + pos, ms - pos);
        for (size_t i = 0; i < N(2); i++) {
            char c = S(2)[i];
            if (c == '\\' && i + 1 < N(2)) {
                char d = S(2)[i + 1];
                if (d >= '1' && d <= '9') {
                    int g = d - '0';
                    if (g <= (int)re.re_nsub && m[g].rm_so >= 0)
                        orb_buf_append(&b, S(0) + pos + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
                    i++;
                    continue;
                }
                if (d == '&') { orb_buf_append(&b, S(0) + ms, me - ms); i++; continue; }
                if (d == '\\') { orb_buf_putc(&b, '\\'); i++; continue; }
            }
            orb_buf_putc(&b, c);
        }
        if (me == ms) {
            /* empty match: copy one character and go on */
            if (ms >= N(0)) { pos = N(0) + 1; break; }
            size_t l = sql__utf8_prefix(S(0) + ms, N(0) - ms, 1);
            if (!l) l = 1;
            orb_buf_append(&b, S(0) + ms, l);
            pos = ms + l;
        } else {
            pos = me;
        }
        if (!global) break;
    }
    if (pos < N(0)) orb_buf_append(&b, S(0) + pos, N(0) - pos);
    regfree(&re);
    ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return 0;
}

/* ---- json operators ---------------------------------------------------------------------- */
static int j_get(ARGS, bool jsonb, bool by_index, bool as_text) {
    UNUSED_ARGS;
    return sql__json_get(jsonb, S(0), N(0), by_index, by_index ? NULL : S(1), by_index ? 0 : N(1),
                         by_index ? a[1].v.i : 0, as_text, ctx->mcx, r, err);
}
static int jb_field(ARGS) { return j_get(ctx, a, nargs, r, err, true, false, false); }
static int jb_elem(ARGS) { return j_get(ctx, a, nargs, r, err, true, true, false); }
static int jb_field_t(ARGS) { return j_get(ctx, a, nargs, r, err, true, false, true); }
static int jb_elem_t(ARGS) { return j_get(ctx, a, nargs, r, err, true, true, true); }
static int js_field(ARGS) { return j_get(ctx, a, nargs, r, err, false, false, false); }
static int js_elem(ARGS) { return j_get(ctx, a, nargs, r, err, false, true, false); }
static int js_field_t(ARGS) { return j_get(ctx, a, nargs, r, err, false, false, true); }
static int js_elem_t(ARGS) { return j_get(ctx, a, nargs, r, err, false, true, true); }
/* json #> text[], #>> text[] (PostgreSQL's json_extract_path via the path array). */
static int j_path_op(ARGS, bool jsonb, bool as_text) {
    UNUSED_ARGS;
    sql_value_t *path = NULL;
    int np = 0;
    if (sql_array_elems(&a[1], ctx->mcx, &path, &np)) {
        r->isnull = true;
        return 0;
    }
    return sql__json_extract_path(jsonb, S(0), N(0), path, np, as_text, ctx->mcx, r, err);
}
static int jb_path_op(ARGS) { return j_path_op(ctx, a, nargs, r, err, true, false); }
static int jb_path_op_t(ARGS) { return j_path_op(ctx, a, nargs, r, err, true, true); }
static int js_path_op(ARGS) { return j_path_op(ctx, a, nargs, r, err, false, false); }
static int js_path_op_t(ARGS) { return j_path_op(ctx, a, nargs, r, err, false, true); }

/* similar_to_escape(pattern [, escape]): the POSIX regex PostgreSQL 15 builds for SIMILAR TO
 * (regexp.c's similar_escape_internal, with the nested character class handling of 15.13+):
 * "^(?:" ... ")$", % -> .*, _ -> ., ( -> (?:, \ . ^ $ escaped, escape-double-quote
 * separators -> "){1,1}?(" and "){1,1}(?:". The default escape is backslash; an empty escape
 * string means none. */
int sql__similar_escape(const char *p, size_t plen, const char *e, size_t elen, bool has_e,
                        orb_buf_t *out, orb_err_t *err) {
    if (!has_e) {
        e = "\\";
        elen = 1;
    } else if (elen == 0) {
        e = NULL;
    } else if (sql__utf8_len(e, elen) != 1) {
        orb_err_set(err, INVALID_ESCAPE_SEQUENCE, "invalid escape string");
        orb_err_hint(err, "Escape string must be empty or one character.");
        return -1;
    }
    bool afterescape = false;
    int nquotes = 0, depth = 0, cstart = 0;
    orb_buf_puts(out, "^(?:");
    size_t i = 0;
    while (i < plen) {
        char pc = p[i];
        if (elen > 1) {
            size_t ml = sql__utf8_prefix(p + i, plen - i, 1);
            if (ml > 1) {
                if (afterescape) {
                    orb_buf_putc(out, '\\');
                    orb_buf_append(out, p + i, ml);
                    afterescape = false;
                } else if (e && elen == ml && memcmp(e, p + i, ml) == 0) {
                    afterescape = true;
                } else {
                    orb_buf_append(out, p + i, ml);
                }
                i += ml;
                continue;
            }
        }
        if (afterescape) {
            if (pc == '"' && depth == 0) {
                if (nquotes == 0) orb_buf_puts(out, "){1,1}?(");
                else if (nquotes == 1) orb_buf_puts(out, "){1,1}(?:");
                else
                    return orb_err_set(err, INVALID_USE_OF_ESCAPE_CHARACTER,
                                       "SQL regular expression may not contain more than two "
                                       "escape-double-quote separators");
                nquotes++;
            } else {
                orb_buf_putc(out, '\\');
                orb_buf_putc(out, pc);
            }
            afterescape = false;
        } else if (e && pc == e[0]) {
            afterescape = true;
        } else if (depth > 0) {
            if (pc == '\\') orb_buf_putc(out, '\\');
            orb_buf_putc(out, pc);
            /* a ']' right after "[" or "[^" is literal */
            if (pc == ']' && cstart > 2) depth--;
            else if (pc == '[') depth++;
            if (pc == '^') cstart++;
            else cstart = 3;
        } else if (pc == '[') {
            orb_buf_putc(out, pc);
            depth = 1;
            cstart = 1;
        } else if (pc == '%') {
            orb_buf_puts(out, ".*");
        } else if (pc == '_') {
            orb_buf_putc(out, '.');
        } else if (pc == '(') {
            orb_buf_puts(out, "(?:");
        } else if (pc == '\\' || pc == '.' || pc == '^' || pc == '$') {
            orb_buf_putc(out, '\\');
            orb_buf_putc(out, pc);
        } else {
            orb_buf_putc(out, pc);
        }
        i++;
    }
    orb_buf_puts(out, ")$");
    return 0;
}
static int t_similar_escape(ARGS) {
    UNUSED_ARGS;
    orb_buf_t b;
    orb_buf_init(&b);
    if (sql__similar_escape(S(0), N(0), nargs > 1 ? S(1) : NULL, nargs > 1 ? N(1) : 0, nargs > 1,
                            &b, err)) {
        orb_buf_free(&b);
        return -1;
    }
    ret_text(ctx, b.data ? b.data : "", b.len, r);
    orb_buf_free(&b);
    return 0;
}

static int jb_exists(ARGS) {
    UNUSED_ARGS;
    bool b;
    if (sql__jsonb_exists(S(0), N(0), S(1), N(1), &b, err)) return -1;
    return ret_b(b, r);
}
static int jb_contains(ARGS) {
    UNUSED_ARGS;
    bool b;
    if (sql__jsonb_contains(S(0), N(0), S(1), N(1), &b, err)) return -1;
    return ret_b(b, r);
}
static int jb_contained(ARGS) {
    UNUSED_ARGS;
    bool b;
    if (sql__jsonb_contains(S(1), N(1), S(0), N(0), &b, err)) return -1;
    return ret_b(b, r);
}

/* ---- date_trunc ------------------------------------------------------------------------ */
enum { TR_US, TR_MS, TR_SEC, TR_MIN, TR_HOUR, TR_DAY, TR_WEEK, TR_MON, TR_QTR, TR_YEAR,
       TR_DEC, TR_CENT, TR_MIL, TR_UNSUPPORTED, TR_UNKNOWN };
static int trunc_unit(const char *u) {
    static const struct { const char *n; int k; } units[] = {
        {"microseconds", TR_US}, {"microsecond", TR_US}, {"microsecon", TR_US}, {"us", TR_US},
        {"usec", TR_US}, {"usecs", TR_US}, {"useconds", TR_US}, {"usecond", TR_US},
        {"milliseconds", TR_MS}, {"millisecond", TR_MS}, {"millisecon", TR_MS}, {"ms", TR_MS},
        {"msec", TR_MS}, {"msecs", TR_MS}, {"mseconds", TR_MS}, {"msecond", TR_MS},
        {"second", TR_SEC}, {"seconds", TR_SEC}, {"sec", TR_SEC}, {"secs", TR_SEC}, {"s", TR_SEC},
        {"minute", TR_MIN}, {"minutes", TR_MIN}, {"min", TR_MIN}, {"mins", TR_MIN}, {"m", TR_MIN},
        {"hour", TR_HOUR}, {"hours", TR_HOUR}, {"h", TR_HOUR}, {"hr", TR_HOUR}, {"hrs", TR_HOUR},
        {"day", TR_DAY}, {"days", TR_DAY}, {"d", TR_DAY},
        {"week", TR_WEEK}, {"weeks", TR_WEEK}, {"w", TR_WEEK},
        {"month", TR_MON}, {"months", TR_MON}, {"mon", TR_MON}, {"mons", TR_MON},
        {"quarter", TR_QTR}, {"qtr", TR_QTR},
        {"year", TR_YEAR}, {"years", TR_YEAR}, {"y", TR_YEAR}, {"yr", TR_YEAR}, {"yrs", TR_YEAR},
        {"decade", TR_DEC}, {"decades", TR_DEC}, {"dec", TR_DEC}, {"decs", TR_DEC},
        {"century", TR_CENT}, {"centuries", TR_CENT}, {"c", TR_CENT}, {"cent", TR_CENT},
        {"millennium", TR_MIL}, {"millennia", TR_MIL}, {"mil", TR_MIL}, {"mils", TR_MIL},
        {"millenniums", TR_MIL},
        /* DecodeUnits knows these as units, timestamp_trunc does not support them (dow,
         * doy, isodow, epoch are not units there: "not recognized") */
        {"isoyear", TR_UNSUPPORTED}, {"julian", TR_UNSUPPORTED}, {"j", TR_UNSUPPORTED},
        {"jd", TR_UNSUPPORTED},
        {"timezone", TR_UNSUPPORTED}, {"timezone_h", TR_UNSUPPORTED},
        {"timezone_m", TR_UNSUPPORTED},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(units[i].n, u)) return units[i].k;
    return TR_UNKNOWN;
}
static int do_date_trunc(ARGS, bool tz) {
    UNUSED_ARGS;
    const char *tn = tz ? "timestamp with time zone" : "timestamp without time zone";
    char u[64];
    size_t n = N(0) < sizeof u - 1 ? N(0) : sizeof u - 1;
    for (size_t i = 0; i < n; i++) u[i] = (char)tolower((unsigned char)S(0)[i]);
    u[n] = 0;
    int64_t ts = a[1].v.i;
    if (ts == SQL_TS_NOBEGIN || ts == SQL_TS_NOEND) return ret_i(ts, r);
    int k = trunc_unit(u);
    if (k == TR_UNKNOWN)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "unit \"%s\" not recognized for type %s", u, tn);
    if (k == TR_UNSUPPORTED)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "unit \"%s\" not supported for type %s", u, tn);
    int64_t day = ts / SQL_USECS_PER_DAY, tod = ts % SQL_USECS_PER_DAY;
    if (tod < 0) { tod += SQL_USECS_PER_DAY; day--; }
    int jd = (int)(day + 2451545);
    int y, mo, d;
    sql__j2date(jd, &y, &mo, &d);
    int64_t hh = tod / INT64_C(3600000000), mi = tod / 60000000 % 60, ss = tod / 1000000 % 60,
            fs = tod % 1000000;
    switch (k) {
    case TR_US: return ret_i(ts, r);
    case TR_MS: fs = fs / 1000 * 1000; break;
    case TR_WEEK: {
        int dow = (jd + 1) % 7; /* 0 = Sunday */
        jd -= (dow + 6) % 7;
        sql__j2date(jd, &y, &mo, &d);
        hh = mi = ss = fs = 0;
        break;
    }
    default:
        if (k == TR_MIL) y = y > 0 ? ((y + 999) / 1000) * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1;
        if (k == TR_CENT) y = y > 0 ? ((y + 99) / 100) * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1;
        if (k == TR_DEC) y = y > 0 ? (y / 10) * 10 : -((8 - (y - 1)) / 10) * 10;
        if (k >= TR_YEAR) mo = 1;
        if (k >= TR_QTR) mo = 3 * ((mo - 1) / 3) + 1;
        if (k >= TR_MON) d = 1;
        if (k >= TR_DAY) hh = 0;
        if (k >= TR_HOUR) mi = 0;
        if (k >= TR_MIN) ss = 0;
        fs = 0;
        break;
    }
    int64_t nd = (int64_t)sql__date2j(y, mo, d) - 2451545;
    return ret_i(nd * SQL_USECS_PER_DAY + ((hh * 60 + mi) * 60 + ss) * 1000000 + fs, r);
}
static int f_trunc_ts(ARGS) { return do_date_trunc(ctx, a, nargs, r, err, false); }
static int f_trunc_tz(ARGS) { return do_date_trunc(ctx, a, nargs, r, err, true); }
static int f_part_d(ARGS) {
    UNUSED_ARGS;
    char f[32];
    size_t n = N(0) < sizeof f - 1 ? N(0) : sizeof f - 1;
    for (size_t i = 0; i < n; i++) f[i] = (char)tolower((unsigned char)S(0)[i]);
    f[n] = 0;
    int64_t ts;
    if (sql__ts_from_date(a[1].v.i, &ts, err)) return -1;
    const char *o;
    if (sql__ts_part(f, ts, false, ctx->mcx, &o, err)) return -1;
    return ret_f(sql__numeric_to_double(o), r);
}

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
#define CH SQL_OID_CHAR
#define OI SQL_OID_OID
#define JB SQL_OID_JSONB
#define JS SQL_OID_JSON
#define ANY SQL_OID_ANY
#define IV SQL_OID_INTERVAL
#define AJ SQL_OID_ANYJSON
#define AA SQL_OID_ANYARRAY
#define AE SQL_OID_ANYELEMENT

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
    CMPS(NU, cn), CMPS(TX, ct), CMPS(NM, ct), CMPS(CH, ct), CMPS(BC, cc), CMPS(BY, ct), CMPS(UU, ct),
    CMPS(B, cb), CMPS(DT, ci), CMPS(TS, ci), CMPS(TZ, ci), CMPS(JB, ct),
    OP2("||", TX, TX, TX, t_cat), OP2("||", BY, BY, BY, b_cat),
    OP2("||", TX, ANY, TX, t_cat), OP2("||", ANY, TX, TX, t_cat), /* anytextcat, textanycat */
    OP2("~~", TX, TX, B, t_like), OP2("!~~", TX, TX, B, t_nlike),
    OP2("~~*", TX, TX, B, t_ilike), OP2("!~~*", TX, TX, B, t_nilike),
    OP2("+", DT, I4, DT, d_pli), OP2("+", I4, DT, DT, d_ipl), OP2("-", DT, I4, DT, d_mii),
    OP2("-", DT, DT, I4, d_mi),
    CMPS(IV, civ), OP2("+", IV, IV, IV, iv_pl), OP2("-", IV, IV, IV, iv_mi), OP1("-", IV, IV, iv_um),
    OP1("+", IV, IV, any_up), OP2("*", IV, F8, IV, iv_mul), OP2("*", F8, IV, IV, iv_fmul),
    OP2("/", IV, F8, IV, iv_div),
    OP2("+", TS, IV, TS, ts_pl_iv), OP2("+", IV, TS, TS, iv_pl_ts), OP2("-", TS, IV, TS, ts_mi_iv),
    OP2("+", TZ, IV, TZ, ts_pl_iv), OP2("+", IV, TZ, TZ, iv_pl_ts), OP2("-", TZ, IV, TZ, ts_mi_iv),
    OP2("+", DT, IV, TS, d_pl_iv), OP2("+", IV, DT, TS, iv_pl_d), OP2("-", DT, IV, TS, d_mi_iv),
    OP2("-", TS, TS, IV, ts_mi_ts), OP2("-", TZ, TZ, IV, ts_mi_ts),
    OP1("@", I2, I2, i2_abs), OP1("@", I4, I4, i4_abs), OP1("@", I8, I8, i8_abs),
    OP1("@", F4, F4, f4_abs), OP1("@", F8, F8, f8_abs), OP1("@", NU, NU, n_abs),
    OP1("|/", F8, F8, f8_sqrt), OP1("||/", F8, F8, f8_cbrt),
    OP2("&", I2, I2, I2, i2_and), OP2("&", I4, I4, I4, i2_and), OP2("&", I8, I8, I8, i2_and),
    OP2("|", I2, I2, I2, i2_or), OP2("|", I4, I4, I4, i2_or), OP2("|", I8, I8, I8, i2_or),
    OP2("#", I2, I2, I2, i2_xor), OP2("#", I4, I4, I4, i2_xor), OP2("#", I8, I8, I8, i2_xor),
    OP1("~", I2, I2, i2_not), OP1("~", I4, I4, i4_not), OP1("~", I8, I8, i8_not),
    OP2("<<", I2, I4, I2, i2_shl), OP2(">>", I2, I4, I2, i2_shr),
    OP2("<<", I4, I4, I4, i4_shl), OP2(">>", I4, I4, I4, i4_shr),
    OP2("<<", I8, I4, I8, i8_shl), OP2(">>", I8, I4, I8, i8_shr),
    OP2("^@", TX, TX, B, t_starts_with),
    OP2("~", TX, TX, B, t_re), OP2("!~", TX, TX, B, t_nre),
    OP2("~*", TX, TX, B, t_icre), OP2("!~*", TX, TX, B, t_nicre),
    OP2("->", JB, TX, JB, jb_field), OP2("->", JB, I4, JB, jb_elem),
    OP2("->>", JB, TX, TX, jb_field_t), OP2("->>", JB, I4, TX, jb_elem_t),
    OP2("->", JS, TX, JS, js_field), OP2("->", JS, I4, JS, js_elem),
    OP2("->>", JS, TX, TX, js_field_t), OP2("->>", JS, I4, TX, js_elem_t),
    OP2("#>", JB, SQL_OID_TEXT_ARRAY, JB, jb_path_op), OP2("#>>", JB, SQL_OID_TEXT_ARRAY, TX, jb_path_op_t),
    OP2("#>", JS, SQL_OID_TEXT_ARRAY, JS, js_path_op), OP2("#>>", JS, SQL_OID_TEXT_ARRAY, TX, js_path_op_t),
    FN("similar_to_escape", 1, TX, t_similar_escape, TX),
    FN("similar_to_escape", 2, TX, t_similar_escape, TX, TX),
    OP2("?", JB, TX, B, jb_exists), OP2("@>", JB, JB, B, jb_contains),
    OP2("<@", JB, JB, B, jb_contained),
    OP2("||", JB, JB, JB, f_jb_cat), OP2("-", JB, TX, JB, f_jb_del),
    OP2("^", NU, NU, NU, n_pow),
    /* arrays (polymorphic: see SQL_OID_ANYARRAY) */
    OP2("=", AA, AA, B, sql__arr_eq), OP2("<>", AA, AA, B, sql__arr_ne),
    OP2("!=", AA, AA, B, sql__arr_ne), OP2("<", AA, AA, B, sql__arr_lt),
    OP2("<=", AA, AA, B, sql__arr_le), OP2(">", AA, AA, B, sql__arr_gt),
    OP2(">=", AA, AA, B, sql__arr_ge),
    OP2("@>", AA, AA, B, sql__arr_contains), OP2("<@", AA, AA, B, sql__arr_contained),
    OP2("&&", AA, AA, B, sql__arr_overlap),
    {"||", 2, {AA, AE}, AA, false, false, append_0},
    {"||", 2, {AE, AA}, AA, false, false, prepend_0},
    {"||", 2, {AA, AA}, AA, false, false, cat_0},

    FN("length", 1, I4, t_len, TX), FN("char_length", 1, I4, t_len, TX),
    FN("character_length", 1, I4, t_len, TX), FN("length", 1, I4, b_len, BY),
    FN("octet_length", 1, I4, t_octlen, TX), FN("octet_length", 1, I4, b_len, BY),
    FN("lower", 1, TX, t_lower, TX), FN("upper", 1, TX, t_upper, TX),
    FN("substr", 2, TX, t_substr, TX, I4), FN("substr", 3, TX, t_substr, TX, I4, I4),
    FN("substring", 2, TX, t_substr, TX, I4), FN("substring", 3, TX, t_substr, TX, I4, I4),
    FN("substring", 2, TX, t_substring_re, TX, TX),
    FN("strpos", 2, I4, t_strpos, TX, TX), FN("position", 2, I4, t_strpos, TX, TX),
    FN("initcap", 1, TX, t_initcap, TX),
    FN("to_hex", 1, TX, i4_to_hex, I4), FN("to_hex", 1, TX, i8_to_hex, I8),
    FN("regexp_replace", 3, TX, t_regexp_replace, TX, TX, TX),
    FN("regexp_replace", 4, TX, t_regexp_replace, TX, TX, TX, TX),
    FN("btrim", 1, TX, t_btrim, TX), FN("btrim", 2, TX, t_btrim, TX, TX),
    FN("trim", 1, TX, t_btrim, TX), FN("trim", 2, TX, t_btrim, TX, TX),
    FN("ltrim", 1, TX, t_ltrim, TX), FN("ltrim", 2, TX, t_ltrim, TX, TX),
    FN("rtrim", 1, TX, t_rtrim, TX), FN("rtrim", 2, TX, t_rtrim, TX, TX),
    FN("replace", 3, TX, t_replace, TX, TX, TX),
    {"concat", -1, {ANY}, TX, false, false, t_concat},
    {"concat_ws", -1, {ANY}, TX, false, false, t_concat_ws},
    {"format", -1, {ANY}, TX, false, false, sql__fn_format}, /* sql_format.c */
    {"quote_literal", 1, {ANY}, TX, true, false, sql__fn_quote_literal},
    {"quote_nullable", 1, {ANY}, TX, false, false, sql__fn_quote_nullable},
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
    FN("sqrt", 1, F8, f8_sqrt, F8), FN("sqrt", 1, NU, n_sqrt, NU), FN("cbrt", 1, F8, f8_cbrt, F8),
    FN("exp", 1, F8, f8_exp, F8), FN("ln", 1, F8, f8_ln, F8), FN("log", 1, F8, f8_log10, F8),
    FN("log10", 1, F8, f8_log10, F8),
    FN("power", 2, NU, n_pow, NU, NU), FN("pow", 2, NU, n_pow, NU, NU),
    FN("ln", 1, NU, n_ln, NU), FN("exp", 1, NU, n_exp, NU), FN("log", 1, NU, n_log10, NU),
    FN("log10", 1, NU, n_log10, NU), FN("log", 2, NU, n_log2, NU, NU),
    /* arrays */
    FN("array_length", 2, I4, sql__arr_length, AA, I4), FN("cardinality", 1, I4, sql__arr_cardinality, AA),
    FN("array_lower", 2, I4, sql__arr_lower, AA, I4), FN("array_upper", 2, I4, sql__arr_upper, AA, I4),
    FN("array_ndims", 1, I4, sql__arr_ndims, AA), FN("array_dims", 1, TX, sql__arr_dims, AA),
    FN("array_to_string", 2, TX, sql__arr_to_string, AA, TX),
    {"array_to_string", 3, {AA, TX, TX}, TX, false, false, sql__arr_to_string},
    {"string_to_array", 2, {TX, TX}, SQL_OID_TEXT_ARRAY, false, false, sql__string_to_array},
    {"string_to_array", 3, {TX, TX, TX}, SQL_OID_TEXT_ARRAY, false, false, sql__string_to_array},
    {"array_append", 2, {AA, AE}, AA, false, false, append_0},
    {"array_prepend", 2, {AE, AA}, AA, false, false, prepend_0},
    {"array_cat", 2, {AA, AA}, AA, false, false, cat_0},
    {"array_remove", 2, {AA, AE}, AA, false, false, sql__arr_remove},
    {"array_replace", 3, {AA, AE, AE}, AA, false, false, sql__arr_replace},
    {"array_position", 2, {AA, AE}, I4, false, false, sql__arr_position},
    {"array_position", 3, {AA, AE, I4}, I4, false, false, sql__arr_position},
    {"array_positions", 2, {AA, AE}, SQL_OID_INT4_ARRAY, false, false, sql__arr_positions},
    FN("sign", 1, F8, f8_sign, F8), FN("sign", 1, NU, n_sign, NU),
    FN("pi", 0, F8, f8_pi, 0), FNV("random", 0, F8, f8_random, 0),
    FNV("gen_random_uuid", 0, UU, f_gen_uuid, 0),
    FNV("now", 0, TZ, f_now, 0), FNV("current_timestamp", 0, TZ, f_now, 0),
    FNV("transaction_timestamp", 0, TZ, f_now, 0), FNV("statement_timestamp", 0, TZ, f_stmt_ts, 0),
    FNV("clock_timestamp", 0, TZ, f_clock_ts, 0),
    FN("date_part", 2, F8, f_part_ts, TX, TS), FN("date_part", 2, F8, f_part_ts, TX, TZ),
    FN("extract", 2, NU, f_extract_ts, TX, TS), FN("extract", 2, NU, f_extract_ts, TX, TZ),
    FN("extract", 2, NU, f_extract_d, TX, DT), FN("date_part", 2, F8, f_part_d, TX, DT),
    FN("date_trunc", 2, TS, f_trunc_ts, TX, TS), FN("date_trunc", 2, TZ, f_trunc_tz, TX, TZ),
    FN("date_part", 2, F8, f_part_iv, TX, IV), FN("extract", 2, NU, f_extract_iv, TX, IV),
    FN("age", 2, IV, f_age2, TS, TS), FN("age", 2, IV, f_age2, TZ, TZ),
    FNV("age", 1, IV, f_age1, TS), FNV("age", 1, IV, f_age1, TZ),
    FN("justify_days", 1, IV, f_justify_days, IV), FN("justify_hours", 1, IV, f_justify_hours, IV),
    FN("justify_interval", 1, IV, f_justify_interval, IV),
    FN("make_date", 3, DT, f_make_date, I4, I4, I4),
    {"jsonb_build_object", -1, {AJ}, JB, false, false, f_jb_obj},
    {"jsonb_build_object", 0, {0}, JB, false, false, f_jb_obj},
    {"json_build_object", -1, {AJ}, JS, false, false, f_js_obj},
    {"json_build_object", 0, {0}, JS, false, false, f_js_obj},
    {"row_to_json(record)", -1, {AJ}, JS, false, false, f_row_json},
    {"jsonb_build_array", -1, {AJ}, JB, false, false, f_jb_arr},
    {"jsonb_build_array", 0, {0}, JB, false, false, f_jb_arr},
    {"json_build_array", -1, {AJ}, JS, false, false, f_js_arr},
    {"json_build_array", 0, {0}, JS, false, false, f_js_arr},
    {"to_json", 1, {AJ}, JS, true, false, f_to_json}, {"to_jsonb", 1, {AJ}, JB, true, false, f_to_jsonb},
    FN("jsonb_typeof", 1, TX, f_json_typeof, JB), FN("json_typeof", 1, TX, f_json_typeof, JS),
    FN("jsonb_array_length", 1, I4, f_json_alen, JB), FN("json_array_length", 1, I4, f_json_alen, JS),
    FN("jsonb_pretty", 1, TX, f_jb_pretty, JB),
    FN("jsonb_extract_path", 2, JB, f_jb_path, JB, TX), FN("jsonb_extract_path", 3, JB, f_jb_path, JB, TX, TX),
    FN("jsonb_extract_path", 4, JB, f_jb_path, JB, TX, TX, TX),
    FN("jsonb_extract_path_text", 2, TX, f_jb_path_t, JB, TX),
    FN("jsonb_extract_path_text", 3, TX, f_jb_path_t, JB, TX, TX),
    FN("jsonb_extract_path_text", 4, TX, f_jb_path_t, JB, TX, TX, TX),
    FN("json_extract_path", 2, JS, f_js_path, JS, TX), FN("json_extract_path", 3, JS, f_js_path, JS, TX, TX),
    FN("json_extract_path", 4, JS, f_js_path, JS, TX, TX, TX),
    FN("json_extract_path_text", 2, TX, f_js_path_t, JS, TX),
    FN("json_extract_path_text", 3, TX, f_js_path_t, JS, TX, TX),
    FN("json_extract_path_text", 4, TX, f_js_path_t, JS, TX, TX, TX),
    FN("to_char", 2, TX, f_to_char_ts, TS, TX), FN("to_char", 2, TX, f_to_char_tz, TZ, TX),
    FN("to_char", 2, TX, f_to_char_n, NU, TX), FN("to_char", 2, TX, f_to_char_i, I4, TX),
    FN("to_char", 2, TX, f_to_char_i, I8, TX), FN("to_char", 2, TX, f_to_char_f, F8, TX),
    FN("to_char", 2, TX, f_to_char_f, F4, TX),
    FN("to_timestamp", 2, TZ, f_to_timestamp, TX, TX), FN("to_date", 2, DT, f_to_date, TX, TX),
    FN("to_timestamp", 1, TZ, f_to_timestamp_epoch, F8),
    /* sequences (sql_sequence.c) */
    FNV("nextval", 1, I8, sql_fn_nextval, TX), FNV("currval", 1, I8, sql_fn_currval, TX),
    FNV("setval", 2, I8, sql_fn_setval, TX, I8), FNV("setval", 3, I8, sql_fn_setval, TX, I8, B),
    FNV("lastval", 0, I8, sql_fn_lastval, 0),
    /* schemas (sql_schema.c) */
    FNV("current_schemas", 1, SQL_OID_NAME_ARRAY, sql_fn_current_schemas, B),
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

/* ---- polymorphic builtins (anyarray / anyelement) ------------------------------------- */
static bool is_poly(uint32_t t) { return t == SQL_OID_ANYARRAY || t == SQL_OID_ANYELEMENT; }

static bool builtin_is_poly(const sql_builtin_t *b) {
    if (is_poly(b->rettype)) return true;
    for (int i = 0; i < SQL_FN_MAXARGS; i++)
        if (is_poly(b->argtypes[i])) return true;
    return false;
}

/* Instances: for every polymorphic row and element type, a copy with concrete types. Built
 * once (pthread_once); pointers stay valid for the life of the process. */
#define POLY_MAX 64
static sql_builtin_t poly_inst[POLY_MAX][SQL__ARRAY_NELEM];
static int poly_index[sizeof builtins / sizeof builtins[0]];
static const sql_builtin_t *poly_generic[POLY_MAX];
static pthread_once_t poly_once = PTHREAD_ONCE_INIT;

static void poly_build(void) {
    int np = 0;
    for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++) {
        poly_index[k] = -1;
        if (!builtin_is_poly(&builtins[k])) continue;
        if (ORB_NEVER(np >= POLY_MAX)) break;
        poly_index[k] = np;
        poly_generic[np] = &builtins[k];
        for (int e = 0; e < SQL__ARRAY_NELEM; e++) {
            sql_builtin_t *b = &poly_inst[np][e];
            uint32_t elem = sql__array_elem_by_index(e), arr = sql_array_type_of(elem);
            *b = builtins[k];
            for (int i = 0; i < SQL_FN_MAXARGS; i++) {
                if (b->argtypes[i] == SQL_OID_ANYARRAY) b->argtypes[i] = arr;
                else if (b->argtypes[i] == SQL_OID_ANYELEMENT) b->argtypes[i] = elem;
            }
            if (b->rettype == SQL_OID_ANYARRAY) b->rettype = arr;
            else if (b->rettype == SQL_OID_ANYELEMENT) b->rettype = elem;
            for (size_t t = 0; t < sizeof arr_tramps / sizeof arr_tramps[0]; t++)
                if (b->fn == arr_tramps[t].generic) b->fn = arr_tramps[t].tab[e];
        }
        np++;
    }
}

/* The common element type of a polymorphic call (PostgreSQL's anycompatible rules,
 * select_common_type), 0 when the inputs do not fit the declaration. */
static uint32_t poly_elem(const sql_builtin_t *b, int nargs, const uint32_t *in) {
    uint32_t ts[SQL_FN_MAXARGS];
    int nt = 0;
    for (int i = 0; i < nargs && i < SQL_FN_MAXARGS; i++) {
        uint32_t t = b->argtypes[i];
        if (!is_poly(t) || in[i] == SQL_OID_UNKNOWN) continue;
        if (t == SQL_OID_ANYARRAY) {
            uint32_t e = sql_array_elem_of(in[i]);
            if (!e) return 0;
            ts[nt++] = e;
        } else {
            if (sql_type_is_array(in[i]) || !sql_array_type_of(in[i])) return 0;
            ts[nt++] = in[i];
        }
    }
    if (nt == 0) return 0;
    /* plain anyarray (=, @>, &&, ...): the arrays must be of one type; the anycompatible
     * functions (anything with an element argument, array_cat / array || array) unify */
    bool compatible = b->fn == cat_0;
    for (int i = 0; i < nargs && i < SQL_FN_MAXARGS; i++) compatible |= b->argtypes[i] == SQL_OID_ANYELEMENT;
    if (!compatible)
        for (int j = 1; j < nt; j++)
            if (ts[j] != ts[0]) return 0;
    uint32_t p = ts[0];
    for (int j = 1; j < nt; j++) {
        uint32_t n = ts[j];
        if (n == p) continue;
        const sql_type_info_t *pi = sql_type_get(p), *ni = sql_type_get(n);
        if (!pi || !ni || pi->category != ni->category) return 0;
        if (!pi->preferred && sql_cast_allowed(p, n, SQL_CAST_IMPLICIT) &&
            !sql_cast_allowed(n, p, SQL_CAST_IMPLICIT))
            p = n;
    }
    for (int j = 0; j < nt; j++)
        if (ts[j] != p && !sql_cast_allowed(ts[j], p, SQL_CAST_IMPLICIT)) return 0;
    return p;
}

/* The declared type of argument i: the generic (polymorphic) one for an instance. PostgreSQL
 * does not count a polymorphic argument as an exact match. */
static uint32_t decl_type(const sql_builtin_t *b, int i) {
    const sql_builtin_t *first = &poly_inst[0][0], *last = &poly_inst[POLY_MAX - 1][SQL__ARRAY_NELEM - 1];
    if (b >= first && b <= last) {
        size_t idx = (size_t)(b - first) / SQL__ARRAY_NELEM;
        return cand_type(poly_generic[idx], i);
    }
    return cand_type(b, i);
}

/* The concrete instance of builtin k for these inputs (itself when not polymorphic), NULL
 * when the inputs cannot match it. */
size_t sql__builtin_count(void) { return NBUILTINS; }
const sql_builtin_t *sql__builtin_at(size_t k) { return k < NBUILTINS ? &builtins[k] : NULL; }

static const sql_builtin_t *instantiate(size_t k, int nargs, const uint32_t *in) {
    pthread_once(&poly_once, poly_build);
    if (poly_index[k] < 0) return &builtins[k];
    uint32_t e = poly_elem(&builtins[k], nargs, in);
    int ei = e ? sql__array_elem_index(e) : -1;
    if (ei < 0) return NULL;
    return &poly_inst[poly_index[k]][ei];
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
        b = instantiate(k, nargs, in);
        if (!b) continue;
        if (nc < 64) cands[nc++] = b;
    }
    for (size_t k = 0; k < sql__vec_nbuiltins; k++) { /* pgvector's (sql_vector.c) */
        const sql_builtin_t *b = &sql__vec_builtins[k];
        if (strcmp(b->name, name) != 0 || b->nargs != nargs) continue;
        if (nc < 64) cands[nc++] = b;
    }
    for (size_t k = 0; k < sql__cat_nbuiltins; k++) { /* the catalog's (sql_catfn.c) */
        const sql_builtin_t *b = &sql__cat_builtins[k];
        if (strcmp(b->name, name) != 0 || b->nargs != nargs) continue;
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
            /* text || anynonarray: "any" of an operator takes no arrays */
            if (ok && t == SQL_OID_ANY && is_op && sql_type_is_array(in[i])) ok = false;
        }
        if (ok) cands[m++] = cands[c];
    }
    nc = m;
    if (nc <= 1) return nc ? cands[0] : NULL;
    /* 3. most exact matches */
    int best = -1, score[64];
    for (int c = 0; c < nc; c++) {
        score[c] = 0;
        for (int i = 0; i < nargs; i++) score[c] += decl_type(cands[c], i) == in[i];
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

/* The cast target for a function argument declared t given input type in: an "any"
 * argument (concat, concat_ws) is converted with its type's output function
 * (SQL_OID_ANYTEXT), an unknown literal or parameter simply becomes text. */
static uint32_t any_cast(uint32_t t, uint32_t in) {
    if (t != SQL_OID_ANY) return t;
    return in == SQL_OID_UNKNOWN || in == SQL_OID_TEXT ? SQL_OID_TEXT : SQL_OID_ANYTEXT;
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
            /* text || anynonarray is PostgreSQL's anytextcat, "$1 || $2::text": the cast
             * (true || 'x' gives "truex"), unlike concat() which uses the output function */
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
            argcasts[i] = any_cast(t, argtypes[i]);
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
