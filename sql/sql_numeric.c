/* sql/sql_numeric.c — exact decimal arithmetic for the numeric type on its canonical text
 * form (see sql_value.h). Values are parsed into a GMP integer (unscaled) plus a scale,
 * computed exactly, and printed back. Scale rules follow PostgreSQL 15's numeric.c:
 * add/sub max scale, mul sum of scales, div select_div_scale, round half away from zero.
 * Special values: NaN, Infinity, -Infinity (PostgreSQL 14+). */
#include <ctype.h>
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_types_int.h"

enum { NUM_FIN = 0, NUM_NAN, NUM_PINF, NUM_NINF };

typedef struct num {
    int kind;
    int scale;
    mpz_t u; /* unscaled value: value = u / 10^scale */
} num_t;

#define NUM_MAX_SCALE 1000
#define NUM_MIN_SIG_DIGITS 16

static void num_init(num_t *n) {
    n->kind = NUM_FIN;
    n->scale = 0;
    mpz_init(n->u);
}
static void num_clear(num_t *n) { mpz_clear(n->u); }

static bool ieq(const char *a, size_t n, const char *lit) {
    return strlen(lit) == n && strncasecmp(a, lit, n) == 0;
}

static void mpz_mul_pow10(mpz_t r, const mpz_t a, unsigned long e) {
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, e);
    mpz_mul(r, a, p);
    mpz_clear(p);
}

/* q = round_half_away(a / d) */
static void mpz_div_round(mpz_t q, const mpz_t a, const mpz_t d) {
    mpz_t r, r2;
    bool neg = (mpz_sgn(a) < 0) != (mpz_sgn(d) < 0);
    mpz_init(r);
    mpz_init(r2);
    mpz_tdiv_qr(q, r, a, d);
    mpz_abs(r2, r);
    mpz_mul_2exp(r2, r2, 1);
    if (mpz_cmpabs(r2, d) >= 0) {
        if (neg)
            mpz_sub_ui(q, q, 1);
        else
            mpz_add_ui(q, q, 1);
    }
    mpz_clear(r);
    mpz_clear(r2);
}

/* Parses numeric text; returns 0 ok, -1 syntax, -2 overflow. */
static int num_parse(const char *s, size_t len, num_t *n) {
    size_t i = 0, e = len;
    while (i < e && isspace((unsigned char)s[i])) i++;
    while (e > i && isspace((unsigned char)s[e - 1])) e--;
    const char *p = s + i;
    size_t m = e - i;
    if (ieq(p, m, "nan")) { n->kind = NUM_NAN; return 0; }
    if (ieq(p, m, "infinity") || ieq(p, m, "+infinity") || ieq(p, m, "inf") ||
        ieq(p, m, "+inf")) { n->kind = NUM_PINF; return 0; }
    if (ieq(p, m, "-infinity") || ieq(p, m, "-inf")) { n->kind = NUM_NINF; return 0; }
    bool neg = false;
    size_t k = 0;
    if (k < m && (p[k] == '+' || p[k] == '-')) neg = p[k++] == '-';
    char stackbuf[128];
    char *digits = m + 2 <= sizeof stackbuf ? stackbuf : malloc(m + 2);
    size_t nd = 0;
    int frac = 0;
    bool seen_dot = false, any = false;
    for (; k < m; k++) {
        char c = p[k];
        if (c >= '0' && c <= '9') {
            digits[nd++] = c;
            any = true;
            if (seen_dot) frac++;
        } else if (c == '.' && !seen_dot) {
            seen_dot = true;
        } else {
            break;
        }
    }
    long exp10 = 0;
    int rc = 0;
    if (!any) rc = -1;
    if (rc == 0 && k < m && (p[k] == 'e' || p[k] == 'E')) {
        k++;
        bool eneg = false;
        if (k < m && (p[k] == '+' || p[k] == '-')) eneg = p[k++] == '-';
        if (k >= m || !isdigit((unsigned char)p[k])) rc = -1;
        while (rc == 0 && k < m && isdigit((unsigned char)p[k])) {
            exp10 = exp10 * 10 + (p[k++] - '0');
            if (exp10 > 100000) rc = -2;
        }
        if (eneg) exp10 = -exp10;
    }
    if (rc == 0 && k != m) rc = -1;
    if (rc == 0) {
        long sc = (long)frac - exp10;
        if (sc > NUM_MAX_SCALE || sc < -100000 || nd - (size_t)frac + (size_t)(exp10 > 0 ? exp10 : 0) > 131072)
            rc = -2;
        else {
            digits[nd] = 0;
            mpz_set_str(n->u, digits, 10);
            if (sc < 0) {
                mpz_mul_pow10(n->u, n->u, (unsigned long)-sc);
                sc = 0;
            }
            if (neg) mpz_neg(n->u, n->u);
            n->scale = (int)sc;
            n->kind = NUM_FIN;
        }
    }
    if (digits != stackbuf) free(digits);
    return rc;
}

static void num_from_canon(const char *a, num_t *n) {
    num_init(n);
    if (num_parse(a, strlen(a), n) != 0) {
        (void)ORB_NEVER(true);
        n->kind = NUM_NAN;
    }
}

static const char *num_to_text(const num_t *n, orb_mcx_t *mcx) {
    if (n->kind == NUM_NAN) return orb_strdup(mcx, "NaN");
    if (n->kind == NUM_PINF) return orb_strdup(mcx, "Infinity");
    if (n->kind == NUM_NINF) return orb_strdup(mcx, "-Infinity");
    size_t nd = mpz_sizeinbase(n->u, 10);
    size_t cap = nd + (size_t)n->scale + 4;
    char *tmp = malloc(nd + 3);
    mpz_get_str(tmp, 10, n->u);
    const char *d = tmp;
    bool neg = false;
    if (*d == '-') { neg = true; d++; }
    size_t dl = strlen(d);
    char *out = orb_alloc(mcx, cap + 1);
    size_t o = 0;
    if (neg) out[o++] = '-';
    size_t sc = (size_t)n->scale;
    if (dl <= sc) {
        out[o++] = '0';
        if (sc) {
            out[o++] = '.';
            for (size_t i = 0; i < sc - dl; i++) out[o++] = '0';
            memcpy(out + o, d, dl);
            o += dl;
        }
    } else {
        memcpy(out + o, d, dl - sc);
        o += dl - sc;
        if (sc) {
            out[o++] = '.';
            memcpy(out + o, d + dl - sc, sc);
            o += sc;
        }
    }
    out[o] = 0;
    free(tmp);
    return out;
}

/* Rescales n to scale s (s >= n->scale: exact; smaller: round half away or truncate). */
static void num_rescale(num_t *n, int s, bool round_) {
    if (n->kind != NUM_FIN) return;
    if (s >= n->scale) {
        mpz_mul_pow10(n->u, n->u, (unsigned long)(s - n->scale));
    } else {
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)(n->scale - s));
        if (round_)
            mpz_div_round(n->u, n->u, d);
        else
            mpz_tdiv_q(n->u, n->u, d);
        mpz_clear(d);
    }
    n->scale = s;
}

int sql__numeric_in(const char *s, size_t len, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    num_t n;
    num_init(&n);
    int rc = num_parse(s, len, &n);
    if (rc == -1) {
        num_clear(&n);
        return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                           "invalid input syntax for type numeric: \"%.*s\"", (int)len, s);
    }
    if (rc == -2) {
        num_clear(&n);
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
    }
    *out = num_to_text(&n, mcx);
    num_clear(&n);
    return 0;
}

int sql__numeric_typmod(const char *a, int32_t typmod, orb_mcx_t *mcx, const char **out,
                        orb_err_t *err) {
    if (typmod < 4) { *out = a; return 0; }
    int32_t tm = typmod - 4;
    int prec = (tm >> 16) & 0xffff;
    int scale = (int)(int16_t)(tm & 0xffff);
    num_t n;
    num_from_canon(a, &n);
    if (n.kind != NUM_FIN) {
        num_clear(&n);
        if (n.kind == NUM_NAN) { *out = a; return 0; }
        orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow");
        orb_err_detail(err, "A field with precision %d, scale %d cannot hold an infinite value.",
                       prec, scale);
        return -1;
    }
    if (scale >= 0) num_rescale(&n, scale, true);
    else {
        num_rescale(&n, 0, true); /* negative scale: round to 10^-scale */
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)-scale);
        mpz_div_round(n.u, n.u, d);
        mpz_mul(n.u, n.u, d);
        mpz_clear(d);
    }
    int maxdigits = prec - scale;
    /* integer digits of |value| must be <= maxdigits, i.e. |u| < 10^(maxdigits + scale) */
    mpz_t lim;
    mpz_init(lim);
    bool over = false;
    long limexp = (long)maxdigits + (n.scale);
    if (mpz_sgn(n.u) != 0) {
        if (limexp <= 0) over = true;
        else {
            mpz_ui_pow_ui(lim, 10, (unsigned long)limexp);
            over = mpz_cmpabs(n.u, lim) >= 0;
        }
    }
    mpz_clear(lim);
    if (over) {
        num_clear(&n);
        orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow");
        if (maxdigits > 0)
            orb_err_detail(err, "A field with precision %d, scale %d must round to an absolute "
                                "value less than 10^%d.", prec, scale, maxdigits);
        else
            orb_err_detail(err, "A field with precision %d, scale %d must round to an absolute "
                                "value less than 1.", prec, scale);
        return -1;
    }
    *out = num_to_text(&n, mcx);
    num_clear(&n);
    return 0;
}

const char *sql__numeric_from_int(int64_t v, orb_mcx_t *mcx) {
    return orb_sprintf(mcx, "%lld", (long long)v);
}

int sql__numeric_to_int(const char *a, int64_t lo, int64_t hi, const char *rangemsg, int64_t *out,
                        orb_err_t *err) {
    num_t n;
    num_from_canon(a, &n);
    if (n.kind == NUM_NAN) {
        num_clear(&n);
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot convert NaN to %s",
                           strstr(rangemsg, "bigint") ? "bigint"
                           : strstr(rangemsg, "smallint") ? "smallint" : "integer");
    }
    if (n.kind != NUM_FIN) {
        num_clear(&n);
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot convert infinity to %s",
                           strstr(rangemsg, "bigint") ? "bigint"
                           : strstr(rangemsg, "smallint") ? "smallint" : "integer");
    }
    num_rescale(&n, 0, true);
    bool ok = mpz_fits_slong_p(n.u);
    long v = ok ? mpz_get_si(n.u) : 0;
    num_clear(&n);
    if (!ok || v < lo || v > hi)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "%s", rangemsg);
    *out = v;
    return 0;
}

double sql__numeric_to_double(const char *a) {
    if (strcmp(a, "NaN") == 0) return NAN;
    return strtod(a, NULL);
}

int sql__numeric_from_double(double d, int digits, orb_mcx_t *mcx, const char **out,
                             orb_err_t *err) {
    if (isnan(d)) { *out = orb_strdup(mcx, "NaN"); return 0; }
    if (isinf(d)) { *out = orb_strdup(mcx, d > 0 ? "Infinity" : "-Infinity"); return 0; }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, d);
    return sql__numeric_in(buf, strlen(buf), mcx, out, err);
}

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD } numop_t;

static int first_group(const num_t *n, int *weight, int *fd) {
    if (mpz_sgn(n->u) == 0) { *weight = 0; *fd = 0; return 0; }
    char *s = mpz_get_str(NULL, 10, n->u);
    const char *d = s[0] == '-' ? s + 1 : s;
    long D = (long)strlen(d);
    long e = D - 1 - n->scale;
    long w = e >= 0 ? e / 4 : -((-e + 3) / 4);
    long k = e - 4 * w;
    int v = 0;
    for (long i = 0; i <= k; i++) v = v * 10 + (i < D ? d[i] - '0' : 0);
    void (*freefn)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefn);
    freefn(s, strlen(s) + 1);
    *weight = (int)w;
    *fd = v;
    return 0;
}

static int num_binop(numop_t op, const char *as, const char *bs, orb_mcx_t *mcx, const char **out,
                     orb_err_t *err) {
    num_t a, b, r;
    num_from_canon(as, &a);
    num_from_canon(bs, &b);
    num_init(&r);
    int rc = 0;
    if (a.kind == NUM_NAN || b.kind == NUM_NAN) {
        r.kind = NUM_NAN;
    } else if (a.kind != NUM_FIN || b.kind != NUM_FIN) {
        int sa = a.kind == NUM_PINF ? 1 : a.kind == NUM_NINF ? -1 : mpz_sgn(a.u);
        int sb = b.kind == NUM_PINF ? 1 : b.kind == NUM_NINF ? -1 : mpz_sgn(b.u);
        bool ainf = a.kind != NUM_FIN, binf = b.kind != NUM_FIN;
        switch (op) {
        case OP_ADD:
        case OP_SUB: {
            if (op == OP_SUB) sb = -sb;
            if (ainf && binf && sa != sb) r.kind = NUM_NAN;
            else r.kind = (ainf ? sa : sb) > 0 ? NUM_PINF : NUM_NINF;
            break;
        }
        case OP_MUL:
            if (sa == 0 || sb == 0) r.kind = NUM_NAN;
            else r.kind = sa * sb > 0 ? NUM_PINF : NUM_NINF;
            break;
        case OP_DIV:
            if (ainf && binf) r.kind = NUM_NAN;
            else if (binf) { r.kind = NUM_FIN; }
            else if (sb == 0) rc = orb_err_set(err, DIVISION_BY_ZERO, "division by zero");
            else r.kind = sa * sb > 0 ? NUM_PINF : NUM_NINF;
            break;
        case OP_MOD:
            if (!binf && sb == 0) rc = orb_err_set(err, DIVISION_BY_ZERO, "division by zero");
            else if (ainf) r.kind = NUM_NAN;
            else { mpz_set(r.u, a.u); r.scale = a.scale; }
            break;
        }
    } else {
        switch (op) {
        case OP_ADD:
        case OP_SUB: {
            int s = a.scale > b.scale ? a.scale : b.scale;
            num_rescale(&a, s, false);
            num_rescale(&b, s, false);
            if (op == OP_ADD) mpz_add(r.u, a.u, b.u);
            else mpz_sub(r.u, a.u, b.u);
            r.scale = s;
            break;
        }
        case OP_MUL:
            mpz_mul(r.u, a.u, b.u);
            r.scale = a.scale + b.scale;
            if (r.scale > NUM_MAX_SCALE) num_rescale(&r, NUM_MAX_SCALE, true);
            break;
        case OP_DIV: {
            if (mpz_sgn(b.u) == 0) { rc = orb_err_set(err, DIVISION_BY_ZERO, "division by zero"); break; }
            int w1, f1, w2, f2;
            first_group(&a, &w1, &f1);
            first_group(&b, &w2, &f2);
            int qw = w1 - w2;
            if (f1 <= f2) qw--;
            int rs = NUM_MIN_SIG_DIGITS - qw * 4;
            if (rs < a.scale) rs = a.scale;
            if (rs < b.scale) rs = b.scale;
            if (rs < 0) rs = 0;
            if (rs > NUM_MAX_SCALE) rs = NUM_MAX_SCALE;
            mpz_t nn;
            mpz_init(nn);
            mpz_mul_pow10(nn, a.u, (unsigned long)(b.scale + rs - a.scale));
            mpz_div_round(r.u, nn, b.u);
            mpz_clear(nn);
            r.scale = rs;
            break;
        }
        case OP_MOD: {
            if (mpz_sgn(b.u) == 0) { rc = orb_err_set(err, DIVISION_BY_ZERO, "division by zero"); break; }
            int s = a.scale > b.scale ? a.scale : b.scale;
            num_rescale(&a, s, false);
            num_rescale(&b, s, false);
            mpz_tdiv_r(r.u, a.u, b.u);
            r.scale = s;
            break;
        }
        }
    }
    if (rc == 0) *out = num_to_text(&r, mcx);
    num_clear(&a);
    num_clear(&b);
    num_clear(&r);
    return rc;
}

int sql_numeric_add(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return num_binop(OP_ADD, a, b, mcx, out, err);
}
int sql_numeric_sub(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return num_binop(OP_SUB, a, b, mcx, out, err);
}
int sql_numeric_mul(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return num_binop(OP_MUL, a, b, mcx, out, err);
}
int sql_numeric_div(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return num_binop(OP_DIV, a, b, mcx, out, err);
}
int sql_numeric_mod(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return num_binop(OP_MOD, a, b, mcx, out, err);
}

static int kind_rank(const num_t *n) {
    return n->kind == NUM_NINF ? -1 : n->kind == NUM_FIN ? 0 : n->kind == NUM_PINF ? 1 : 2;
}

int sql_numeric_cmp(const char *as, const char *bs) {
    num_t a, b;
    num_from_canon(as, &a);
    num_from_canon(bs, &b);
    int ra = kind_rank(&a), rb = kind_rank(&b), c;
    if (ra != rb || ra != 0) c = ra < rb ? -1 : ra > rb ? 1 : 0;
    else {
        int s = a.scale > b.scale ? a.scale : b.scale;
        num_rescale(&a, s, false);
        num_rescale(&b, s, false);
        c = mpz_cmp(a.u, b.u);
        c = c < 0 ? -1 : c > 0;
    }
    num_clear(&a);
    num_clear(&b);
    return c;
}

static int round_trunc(const char *as, int scale, bool round_, orb_mcx_t *mcx, const char **out) {
    num_t a;
    num_from_canon(as, &a);
    if (a.kind == NUM_FIN) {
        if (scale > NUM_MAX_SCALE) scale = NUM_MAX_SCALE;
        if (scale < -NUM_MAX_SCALE) scale = -NUM_MAX_SCALE;
        if (scale >= 0) {
            num_rescale(&a, scale, round_);
        } else {
            num_rescale(&a, 0, round_);
            mpz_t d;
            mpz_init(d);
            mpz_ui_pow_ui(d, 10, (unsigned long)-scale);
            if (round_) mpz_div_round(a.u, a.u, d);
            else mpz_tdiv_q(a.u, a.u, d);
            mpz_mul(a.u, a.u, d);
            mpz_clear(d);
        }
    }
    *out = num_to_text(&a, mcx);
    num_clear(&a);
    return 0;
}

int sql_numeric_round(const char *a, int scale, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return round_trunc(a, scale, true, mcx, out);
}
int sql__numeric_trunc(const char *a, int scale, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    return round_trunc(a, scale, false, mcx, out);
}

int sql__numeric_ceil(const char *as, bool ceil_, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    num_t a;
    num_from_canon(as, &a);
    if (a.kind == NUM_FIN) {
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)a.scale);
        if (ceil_) mpz_cdiv_q(a.u, a.u, d);
        else mpz_fdiv_q(a.u, a.u, d);
        a.scale = 0;
        mpz_clear(d);
    }
    *out = num_to_text(&a, mcx);
    num_clear(&a);
    return 0;
}

const char *sql__numeric_abs(const char *a, orb_mcx_t *mcx) {
    if (a[0] == '-') return orb_strdup(mcx, a + 1);
    return a;
}

const char *sql__numeric_neg(const char *a, orb_mcx_t *mcx) {
    if (strcmp(a, "NaN") == 0) return a;
    if (a[0] == '-') return orb_strdup(mcx, a + 1);
    if (sql__numeric_sign(a) == 0) return a;
    return orb_sprintf(mcx, "-%s", a);
}

int sql__numeric_sign(const char *a) {
    if (strcmp(a, "NaN") == 0) return 0;
    if (a[0] == '-') return -1;
    for (const char *p = a; *p; p++)
        if ((*p >= '1' && *p <= '9') || *p == 'I') return 1;
    return 0;
}

bool sql__numeric_is_nan(const char *a) { return strcmp(a, "NaN") == 0; }

uint64_t sql__numeric_hash(const char *a) {
    size_t n = strlen(a);
    if (strchr(a, '.')) {
        while (n > 0 && a[n - 1] == '0') n--;
        if (n > 0 && a[n - 1] == '.') n--;
    }
    return sql__hash_bytes(a, n, 0x6e756d);
}

int sql__numeric_sqrt_scale(const char *as, int rscale, orb_mcx_t *mcx, const char **out,
                            orb_err_t *err) {
    num_t a;
    num_from_canon(as, &a);
    if (a.kind == NUM_NAN || a.kind == NUM_PINF) { *out = as; num_clear(&a); return 0; }
    if (a.kind == NUM_NINF || mpz_sgn(a.u) < 0) {
        num_clear(&a);
        return orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                           "cannot take square root of a negative number");
    }
    int rs = rscale < 0 ? 0 : rscale > NUM_MAX_SCALE ? NUM_MAX_SCALE : rscale;
    mpz_t m;
    mpz_init(m);
    /* floor(sqrt(a * 10^(2 rs + 2))) has one digit more than wanted: round it off */
    long sh = 2L * (rs + 1) - a.scale;
    if (sh >= 0) mpz_mul_pow10(m, a.u, (unsigned long)sh);
    else {
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)-sh);
        mpz_tdiv_q(m, a.u, d);
        mpz_clear(d);
    }
    mpz_sqrt(m, m);
    mpz_add_ui(m, m, 5);
    mpz_tdiv_q_ui(m, m, 10);
    mpz_set(a.u, m);
    a.scale = rs;
    mpz_clear(m);
    *out = num_to_text(&a, mcx);
    num_clear(&a);
    return 0;
}

int sql__numeric_sqrt(const char *as, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    num_t a;
    num_from_canon(as, &a);
    if (a.kind == NUM_NAN || a.kind == NUM_PINF) { *out = as; num_clear(&a); return 0; }
    if (a.kind == NUM_NINF || mpz_sgn(a.u) < 0) {
        num_clear(&a);
        return orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                           "cannot take square root of a negative number");
    }
    int w, fd;
    first_group(&a, &w, &fd);
    int sweight = (w + 1) * 4 / 2 - 1;
    int rs = NUM_MIN_SIG_DIGITS - sweight;
    if (rs < a.scale) rs = a.scale;
    if (rs < 0) rs = 0;
    if (rs > NUM_MAX_SCALE) rs = NUM_MAX_SCALE;
    mpz_t m;
    mpz_init(m);
    mpz_mul_pow10(m, a.u, (unsigned long)(2 * (rs + 1) - a.scale));
    mpz_sqrt(m, m);
    mpz_add_ui(m, m, 5);
    mpz_tdiv_q_ui(m, m, 10);
    mpz_set(a.u, m);
    a.scale = rs;
    mpz_clear(m);
    *out = num_to_text(&a, mcx);
    num_clear(&a);
    return 0;
}

/* Binary format: int16 ndigits, int16 weight, uint16 sign, int16 dscale, base-10000 digits. */
int sql__numeric_send(const char *as, orb_buf_t *out) {
    num_t a;
    num_from_canon(as, &a);
    if (a.kind != NUM_FIN) {
        orb_buf_put_be16(out, 0);
        orb_buf_put_be16(out, 0);
        orb_buf_put_be16(out, a.kind == NUM_NAN ? 0xC000 : a.kind == NUM_PINF ? 0xD000 : 0xF000);
        orb_buf_put_be16(out, 0);
        num_clear(&a);
        return 0;
    }
    bool neg = mpz_sgn(a.u) < 0;
    mpz_abs(a.u, a.u);
    /* pad the fraction to a multiple of 4 digits */
    int fracgroups = (a.scale + 3) / 4;
    mpz_t v;
    mpz_init(v);
    mpz_mul_pow10(v, a.u, (unsigned long)(fracgroups * 4 - a.scale));
    uint16_t groups[1024];
    int ng = 0;
    uint16_t *gp = groups;
    uint16_t *heap = NULL;
    size_t maxg = mpz_sizeinbase(v, 10) / 4 + 2;
    if (maxg > 1024) gp = heap = malloc(maxg * sizeof *gp);
    while (mpz_sgn(v) != 0) gp[ng++] = (uint16_t)mpz_tdiv_q_ui(v, v, 10000);
    /* gp[0] is least significant; its weight is -fracgroups */
    int lo = 0;
    while (lo < ng && gp[lo] == 0) lo++;
    int ndig = ng - lo;
    int weight = ng == 0 ? 0 : ng - 1 - fracgroups;
    orb_buf_put_be16(out, (uint16_t)ndig);
    orb_buf_put_be16(out, (uint16_t)(int16_t)weight);
    orb_buf_put_be16(out, neg ? 0x4000 : 0);
    orb_buf_put_be16(out, (uint16_t)a.scale);
    for (int i = ng - 1; i >= lo; i--) orb_buf_put_be16(out, gp[i]);
    free(heap);
    mpz_clear(v);
    num_clear(&a);
    return 0;
}

int sql__numeric_recv(const char *data, size_t len, orb_mcx_t *mcx, const char **out,
                      orb_err_t *err) {
    if (len < 8) goto bad;
    int nd = (int16_t)orb_get_be16(data);
    int weight = (int16_t)orb_get_be16(data + 2);
    uint16_t sign = orb_get_be16(data + 4);
    int dscale = (int16_t)orb_get_be16(data + 6);
    if (nd < 0 || len != 8 + 2 * (size_t)nd || dscale < 0 || dscale > NUM_MAX_SCALE) goto bad;
    if (sign == 0xC000) { *out = orb_strdup(mcx, "NaN"); return 0; }
    if (sign == 0xD000) { *out = orb_strdup(mcx, "Infinity"); return 0; }
    if (sign == 0xF000) { *out = orb_strdup(mcx, "-Infinity"); return 0; }
    if (sign != 0 && sign != 0x4000) goto bad;
    num_t a;
    num_init(&a);
    for (int i = 0; i < nd; i++) {
        uint16_t d = orb_get_be16(data + 8 + 2 * i);
        if (d >= 10000) { num_clear(&a); goto bad; }
        mpz_mul_ui(a.u, a.u, 10000);
        mpz_add_ui(a.u, a.u, d);
    }
    long e = (long)dscale - 4L * (nd - 1 - weight);
    if (e >= 0) mpz_mul_pow10(a.u, a.u, (unsigned long)e);
    else {
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)-e);
        mpz_div_round(a.u, a.u, d);
        mpz_clear(d);
    }
    if (sign == 0x4000) mpz_neg(a.u, a.u);
    a.scale = dscale;
    *out = num_to_text(&a, mcx);
    num_clear(&a);
    return 0;
bad:
    return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "invalid external \"numeric\" value");
}

int sql__numeric_scale(const char *a) {
    const char *dot = strchr(a, '.');
    return dot ? (int)strlen(dot + 1) : 0;
}

/* to_char(number, fmt): the common parts of PostgreSQL's NUM_processor. Digit positions 9
 * (blank when leading) and 0 (always a digit), decimal point . or D, group separator , or
 * G (blank while leading), FM (no padding, no trailing fraction zeros for 9), S / MI / PL
 * signs; too many integer digits print '#'. */
int sql__numeric_to_char(const char *num, const char *f, size_t n, orb_mcx_t *mcx,
                         orb_buf_t *out, orb_err_t *err) {
    int pre = 0, post = 0, zero_start = -1, zero_end = -1;
    bool dec = false, fm = false, sign_s = false, sign_mi = false, sign_pl = false;
    bool s_leading = false, seen_digit = false;
    for (size_t i = 0; i < n; i++) {
        char c = f[i];
        if (c == '9' || c == '0' || c == '.' || c == 'D' || c == 'd') seen_digit = true;
        if (c == '9' || c == '0') {
            if (!dec) { if (c == '0' && zero_start < 0) zero_start = pre; pre++; }
            else { post++; if (c == '0') zero_end = post; }
        } else if (c == '.' || c == 'D' || c == 'd') {
            dec = true;
        } else if ((c == 'F' || c == 'f') && i + 1 < n && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
            fm = true;
            i++;
        } else if (c == 'S' || c == 's') {
            sign_s = true;
            s_leading = !seen_digit;
        } else if ((c == 'M' || c == 'm') && i + 1 < n && (f[i + 1] == 'I' || f[i + 1] == 'i')) {
            sign_mi = true;
            i++;
        } else if ((c == 'P' || c == 'p') && i + 1 < n && (f[i + 1] == 'L' || f[i + 1] == 'l')) {
            sign_pl = true;
            i++;
        }
    }
    const char *r;
    if (sql__numeric_is_nan(num) || strchr(num, 'I')) r = num;
    else if (sql_numeric_round(num, post, mcx, &r, err)) return -1;
    bool neg = r[0] == '-';
    if (neg) r++;
    const char *dot = strchr(r, '.');
    size_t il = dot ? (size_t)(dot - r) : strlen(r);
    const char *frac = dot ? dot + 1 : "";
    /* integer digits without leading zeros */
    while (il > 0 && r[0] == '0') { r++; il--; }
    bool iszero = il == 0 && strspn(frac, "0") == strlen(frac);
    if (iszero) neg = false;
    if (il == 0 && !dec && pre > 0) { r = "0"; il = 1; } /* 0 prints one digit */
    bool overflow = (int)il > pre || sql__numeric_is_nan(num) || strchr(num, 'I');
    int first = pre - (int)il; /* position of the first integer digit */
    if (zero_start >= 0 && zero_start < first) first = zero_start;
    /* fraction digits to print: FM drops trailing zeros in 9 positions */
    int fpost = post;
    if (fm && !overflow) {
        while (fpost > 0 && fpost > zero_end && frac[fpost - 1] == '0') fpost--;
    }
    bool plain_sign = !sign_s && !sign_mi && !sign_pl;
    int pos = 0, fpos = 0;
    bool in_frac = false, started = false;
    orb_buf_t b;
    orb_buf_init(&b);
    /* the sign goes right before the first printed digit or the point */
    const char *sgn = neg ? "-" : (sign_s ? "+" : (fm ? "" : " "));
#define START_NUM()                                                                          \
    do {                                                                                     \
        if (!started) {                                                                      \
            started = true;                                                                  \
            if (plain_sign || (sign_s && s_leading)) orb_buf_puts(&b, sgn);                  \
        }                                                                                    \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        char c = f[i];
        if (c == '9' || c == '0') {
            if (!in_frac) {
                if (overflow) { START_NUM(); orb_buf_putc(&b, '#'); pos++; continue; }
                if (pos < first) {
                    if (!fm) orb_buf_putc(&b, ' ');
                } else {
                    START_NUM();
                    int di = pos - (pre - (int)il);
                    orb_buf_putc(&b, di >= 0 ? r[di] : '0');
                }
                pos++;
            } else {
                fpos++;
                if (overflow) { orb_buf_putc(&b, '#'); continue; }
                if (fpos <= fpost) orb_buf_putc(&b, frac[fpos - 1]);
                else if (!fm) orb_buf_putc(&b, ' ');
            }
        } else if (c == '.' || c == 'D' || c == 'd') {
            START_NUM();
            orb_buf_putc(&b, '.');
            in_frac = true;
        } else if (c == ',' || c == 'G' || c == 'g') {
            if (!in_frac && pos <= first && !overflow) { if (!fm) orb_buf_putc(&b, ' '); }
            else orb_buf_putc(&b, ',');
        } else if ((c == 'F' || c == 'f') && i + 1 < n && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
            i++;
        } else if (c == 'S' || c == 's') {
            if (!s_leading) orb_buf_puts(&b, neg ? "-" : "+");
        } else if ((c == 'M' || c == 'm') && i + 1 < n && (f[i + 1] == 'I' || f[i + 1] == 'i')) {
            i++;
            orb_buf_puts(&b, neg ? "-" : (fm ? "" : " "));
        } else if ((c == 'P' || c == 'p') && i + 1 < n && (f[i + 1] == 'L' || f[i + 1] == 'l')) {
            i++;
            orb_buf_puts(&b, neg ? "" : "+");
        } else {
            orb_buf_putc(&b, c);
        }
    }
#undef START_NUM
    if (b.len) orb_buf_append(out, b.data, b.len);
    orb_buf_free(&b);
    return 0;
}

/* ---- power, ln, exp, log ------------------------------------------------------------------
 * PostgreSQL 15's result scales (numeric.c: numeric_power/power_var/power_var_int,
 * numeric_ln/estimate_ln_dweight, numeric_exp, numeric_log/log_var); the values themselves
 * are computed in fixed point with GMP (scale W: value = X / 10^W) with guard digits and
 * rounded half away from zero to the result scale. */
#define NUM_MAX_RESULT_SCALE 2000

/* Base-10000 view of a finite non-zero value: weight of the first digit, the first two
 * digits and whether there are more than one (trailing zero digits stripped, as PG). */
static void nbase_head(const num_t *n, int *weight, int *d0, int *d1, int *ndig) {
    char *s = mpz_get_str(NULL, 10, n->u);
    const char *d = s[0] == '-' ? s + 1 : s;
    long D = (long)strlen(d);
    long e = D - 1 - n->scale;  /* decimal exponent of the first digit */
    long w = e >= 0 ? e / 4 : -((-e + 3) / 4);
    long lead = e - 4 * w + 1; /* decimal digits of d in the first group */
    int g[2] = {0, 0};
    long pos = 0;
    for (int k = 0; k < 2; k++) {
        long len = k == 0 ? lead : 4;
        int v = 0;
        for (long i = 0; i < len; i++, pos++) v = v * 10 + (pos < D ? d[pos] - '0' : 0);
        g[k] = v;
    }
    /* more digits after the first group that are not all zero? */
    bool more = false;
    for (long i = lead; i < D; i++)
        if (d[i] != '0') { more = true; break; }
    void (*freefn)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefn);
    freefn(s, strlen(s) + 1);
    *weight = (int)w;
    *d0 = g[0];
    *d1 = g[1];
    *ndig = more ? 2 : 1;
}

/* decimal exponent of the most significant digit (value != 0) */
static long dexp_of(const mpz_t u, int scale) {
    return (long)mpz_sizeinbase(u, 10) - 1 - scale; /* sizeinbase may be 1 too big */
}

/* log10(|x|) in double precision, for x finite non-zero */
static double approx_log10(const num_t *x) {
    char *s = mpz_get_str(NULL, 10, x->u);
    const char *d = s[0] == '-' ? s + 1 : s;
    double mant = 0;
    int used = 0;
    for (; used < 17 && d[used]; used++) mant = mant * 10 + (d[used] - '0');
    long D = (long)strlen(d);
    void (*freefn)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefn);
    freefn(s, strlen(s) + 1);
    return log10(mant) + (double)(D - used - x->scale);
}

static int estimate_ln_dweight(const num_t *x) {
    if (mpz_sgn(x->u) <= 0) return 0;
    /* 0.9 <= x <= 1.1 */
    mpz_t lo, hi, t;
    mpz_inits(lo, hi, t, NULL);
    mpz_ui_pow_ui(t, 10, (unsigned long)x->scale);
    mpz_mul_ui(lo, t, 9);
    mpz_mul_ui(hi, t, 11);
    mpz_mul_ui(t, x->u, 10);
    int r;
    if (mpz_cmp(t, lo) >= 0 && mpz_cmp(t, hi) <= 0) {
        mpz_ui_pow_ui(t, 10, (unsigned long)x->scale);
        mpz_sub(t, x->u, t);
        if (mpz_sgn(t) == 0) r = 0;
        else {
            char *s = mpz_get_str(NULL, 10, t);
            const char *d = s[0] == '-' ? s + 1 : s;
            r = (int)((long)strlen(d) - 1 - x->scale);
            void (*freefn)(void *, size_t);
            mp_get_memory_functions(NULL, NULL, &freefn);
            freefn(s, strlen(s) + 1);
        }
    } else {
        int w, d0, d1, nd;
        nbase_head(x, &w, &d0, &d1, &nd);
        int digits = d0, dweight = w * 4;
        if (nd > 1) { digits = digits * 10000 + d1; dweight -= 4; }
        double lnv = log((double)digits) + dweight * 2.302585092994046;
        r = (int)log10(fabs(lnv));
    }
    mpz_clears(lo, hi, t, NULL);
    return r;
}

/* X (scale W) from a finite num */
static void fx_from(mpz_t X, const num_t *n, long W) {
    if (W >= n->scale) mpz_mul_pow10(X, n->u, (unsigned long)(W - n->scale));
    else {
        mpz_t d;
        mpz_init(d);
        mpz_ui_pow_ui(d, 10, (unsigned long)(n->scale - W));
        mpz_div_round(X, n->u, d);
        mpz_clear(d);
    }
}

/* r = round(X * Y / 10^W) */
static void fx_mul(mpz_t r, const mpz_t X, const mpz_t Y, const mpz_t one) {
    mpz_t t;
    mpz_init(t);
    mpz_mul(t, X, Y);
    mpz_div_round(r, t, one);
    mpz_clear(t);
}

/* exp(X / 10^W) at scale W (W should carry the guard digits; relative error ~ 2^m 10^-W) */
static void fx_exp(mpz_t r, const mpz_t X, long W) {
    mpz_t one, t, sum, term;
    mpz_inits(one, t, sum, term, NULL);
    mpz_ui_pow_ui(one, 10, (unsigned long)W);
    bool neg = mpz_sgn(X) < 0;
    mpz_abs(t, X);
    /* halve until t < 0.01 */
    mpz_t lim;
    mpz_init(lim);
    mpz_tdiv_q_ui(lim, one, 100);
    int m = 0;
    while (mpz_cmp(t, lim) > 0) {
        mpz_tdiv_q_2exp(t, t, 1);
        m++;
    }
    mpz_set(sum, one);
    mpz_set(term, one);
    for (unsigned long k = 1;; k++) {
        fx_mul(term, term, t, one);
        mpz_tdiv_q_ui(term, term, k);
        if (mpz_sgn(term) == 0) break;
        mpz_add(sum, sum, term);
    }
    for (int i = 0; i < m; i++) fx_mul(sum, sum, sum, one);
    if (neg) {
        mpz_mul(t, one, one);
        mpz_div_round(r, t, sum);
    } else {
        mpz_set(r, sum);
    }
    mpz_clears(one, t, sum, term, lim, NULL);
}

/* ln(x) for finite x > 0, at scale W (absolute error ~10^-(W-10)) */
static void fx_ln(mpz_t r, const num_t *x, long W) {
    long de = dexp_of(x->u, x->scale);
    long Wx = W + 12 + (de < 0 ? -de : 0);
    /* double estimate: mantissa and exponent */
    char *s = mpz_get_str(NULL, 10, x->u);
    double mant = 0;
    for (int i = 0; i < 17 && s[i]; i++) mant = mant * 10 + (s[i] - '0');
    long D = (long)strlen(s);
    int used = D < 17 ? (int)D : 17;
    void (*freefn)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefn);
    freefn(s, strlen(s) + 1);
    double y0 = log(mant) + (double)(D - used - x->scale) * 2.302585092994046;
    mpz_t one, X, Y, E, num, den, t;
    mpz_inits(one, X, Y, E, num, den, t, NULL);
    mpz_ui_pow_ui(one, 10, (unsigned long)Wx);
    fx_from(X, x, Wx);
    /* Y = y0 at scale Wx */
    mpz_set_d(Y, y0 * 1e15);
    mpz_mul_pow10(Y, Y, (unsigned long)(Wx - 15 > 0 ? Wx - 15 : 0));
    if (Wx < 15) mpz_set_d(Y, y0 * pow(10, (double)Wx));
    long prec = 14;
    for (int it = 0; it < 60; it++) {
        long Wexp = Wx + (de > 0 ? de : 0) + 10;
        mpz_t Yx;
        mpz_init(Yx);
        mpz_mul_pow10(Yx, Y, (unsigned long)(Wexp - Wx));
        fx_exp(E, Yx, Wexp);
        mpz_clear(Yx);
        /* back to scale Wx */
        mpz_ui_pow_ui(t, 10, (unsigned long)(Wexp - Wx));
        mpz_div_round(E, E, t);
        mpz_sub(num, X, E);
        mpz_add(den, X, E);
        mpz_mul_2exp(num, num, 1);
        mpz_mul(num, num, one);
        if (mpz_sgn(den) == 0) break;
        mpz_div_round(t, num, den);
        mpz_add(Y, Y, t);
        if (prec > Wx + 10) {
            if (mpz_cmpabs_ui(t, 10) <= 0) break;
        }
        prec *= 3;
    }
    /* to scale W */
    mpz_ui_pow_ui(t, 10, (unsigned long)(Wx - W));
    mpz_div_round(r, Y, t);
    mpz_clears(one, X, Y, E, num, den, t, NULL);
}

static int clamp_rscale(int rs, int s1, int s2) {
    if (rs < s1) rs = s1;
    if (rs < s2) rs = s2;
    if (rs < 0) rs = 0;
    if (rs > NUM_MAX_SCALE) rs = NUM_MAX_SCALE;
    return rs;
}

/* result = round(X / 10^W, rscale) as text */
static const char *fx_out(const mpz_t X, long W, int rscale, orb_mcx_t *mcx) {
    num_t r;
    num_init(&r);
    mpz_set(r.u, X);
    r.scale = (int)W;
    num_rescale(&r, rscale, true);
    const char *o = num_to_text(&r, mcx);
    num_clear(&r);
    return o;
}

static int log_errors(const num_t *x, orb_err_t *err) {
    if (x->kind == NUM_NINF || (x->kind == NUM_FIN && mpz_sgn(x->u) < 0))
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM,
                           "cannot take logarithm of a negative number");
    if (x->kind == NUM_FIN && mpz_sgn(x->u) == 0)
        return orb_err_set(err, INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of zero");
    return 0;
}

int sql_numeric_ln(const char *as, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    num_t a;
    num_from_canon(as, &a);
    int rc = 0;
    if (log_errors(&a, err)) rc = -1;
    else if (a.kind != NUM_FIN) *out = orb_strdup(mcx, as);
    else {
        int rscale = clamp_rscale(NUM_MIN_SIG_DIGITS - estimate_ln_dweight(&a), a.scale, 0);
        mpz_t Y;
        mpz_init(Y);
        fx_ln(Y, &a, rscale + 10);
        *out = fx_out(Y, rscale + 10, rscale, mcx);
        mpz_clear(Y);
    }
    num_clear(&a);
    return rc;
}

/* exp(x) rounded to rscale; 22003 on overflow */
static int num_exp_scaled(const mpz_t X, long W, double val, int rscale, orb_mcx_t *mcx,
                          const char **out, orb_err_t *err) {
    if (fabs(val) >= NUM_MAX_RESULT_SCALE * 3) {
        if (val > 0)
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
        mpz_t z;
        mpz_init(z);
        *out = fx_out(z, 0, rscale, mcx);
        mpz_clear(z);
        return 0;
    }
    long dw = (long)(val * 0.434294481903252);
    long Wk = rscale + 20 + (dw > 0 ? dw : 0) + 20;
    mpz_t Xk, E, t;
    mpz_inits(Xk, E, t, NULL);
    if (Wk >= W) mpz_mul_pow10(Xk, X, (unsigned long)(Wk - W));
    else {
        mpz_ui_pow_ui(t, 10, (unsigned long)(W - Wk));
        mpz_div_round(Xk, X, t);
    }
    fx_exp(E, Xk, Wk);
    *out = fx_out(E, Wk, rscale, mcx);
    mpz_clears(Xk, E, t, NULL);
    return 0;
}

int sql_numeric_exp(const char *as, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    num_t a;
    num_from_canon(as, &a);
    int rc = 0;
    if (a.kind == NUM_NAN || a.kind == NUM_PINF) *out = orb_strdup(mcx, as);
    else if (a.kind == NUM_NINF) *out = orb_strdup(mcx, "0");
    else {
        double val = sql__numeric_to_double(as) * 0.434294481903252;
        if (val < -NUM_MAX_RESULT_SCALE) val = -NUM_MAX_RESULT_SCALE;
        if (val > NUM_MAX_RESULT_SCALE) val = NUM_MAX_RESULT_SCALE;
        int rscale = clamp_rscale(NUM_MIN_SIG_DIGITS - (int)val, a.scale, 0);
        rc = num_exp_scaled(a.u, a.scale, sql__numeric_to_double(as), rscale, mcx, out, err);
    }
    num_clear(&a);
    return rc;
}

int sql_numeric_log(const char *bs, const char *as, orb_mcx_t *mcx, const char **out,
                    orb_err_t *err) {
    num_t b, a;
    num_from_canon(bs, &b);
    num_from_canon(as, &a);
    int rc = 0;
    if (a.kind == NUM_NAN || b.kind == NUM_NAN) *out = orb_strdup(mcx, "NaN");
    else if (log_errors(&b, err) || log_errors(&a, err)) rc = -1;
    else if (a.kind != NUM_FIN || b.kind != NUM_FIN) *out = orb_strdup(mcx, "NaN");
    else {
        int lb = estimate_ln_dweight(&b), la = estimate_ln_dweight(&a);
        int rscale = clamp_rscale(NUM_MIN_SIG_DIGITS - (la - lb), b.scale, a.scale);
        long W = rscale + 30 + (lb < 0 ? -lb : lb) + (la < 0 ? -la : la);
        mpz_t LB, LA, q;
        mpz_inits(LB, LA, q, NULL);
        fx_ln(LB, &b, W);
        fx_ln(LA, &a, W);
        if (mpz_sgn(LB) == 0) {
            rc = orb_err_set(err, DIVISION_BY_ZERO, "division by zero");
        } else {
            mpz_mul_pow10(LA, LA, (unsigned long)rscale + 5);
            mpz_tdiv_q(q, LA, LB);
            *out = fx_out(q, rscale + 5, rscale, mcx);
        }
        mpz_clears(LB, LA, q, NULL);
    }
    num_clear(&a);
    num_clear(&b);
    return rc;
}

int sql_numeric_power(const char *as, const char *bs, orb_mcx_t *mcx, const char **out,
                      orb_err_t *err) {
    num_t x, y;
    num_from_canon(as, &x);
    num_from_canon(bs, &y);
    int rc = 0;
    mpz_t t, X, Y;
    mpz_inits(t, X, Y, NULL);
    if (x.kind == NUM_NAN || y.kind == NUM_NAN) {
        bool one = false;
        if (x.kind == NUM_NAN && y.kind == NUM_FIN && mpz_sgn(y.u) == 0) one = true;
        if (y.kind == NUM_NAN && x.kind == NUM_FIN) {
            mpz_ui_pow_ui(t, 10, (unsigned long)x.scale);
            one = mpz_cmp(x.u, t) == 0;
        }
        *out = orb_strdup(mcx, one ? "1" : "NaN");
        goto done;
    }
    if (x.kind != NUM_FIN || y.kind != NUM_FIN) {
        *out = orb_strdup(mcx, "NaN"); /* infinities: not modelled */
        goto done;
    }
    /* is y an integer? */
    mpz_ui_pow_ui(t, 10, (unsigned long)y.scale);
    bool yint = mpz_divisible_p(y.u, t) != 0;
    if (mpz_sgn(x.u) == 0 && mpz_sgn(y.u) < 0) {
        rc = orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                         "zero raised to a negative power is undefined");
        goto done;
    }
    if (mpz_sgn(x.u) < 0 && !yint) {
        rc = orb_err_set(err, INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                         "a negative number raised to a non-integer power yields a complex result");
        goto done;
    }
    if (yint) {
        mpz_tdiv_q(Y, y.u, t);
        if (mpz_fits_slong_p(Y) && mpz_get_si(Y) >= INT32_MIN && mpz_get_si(Y) <= INT32_MAX) {
            long e = mpz_get_si(Y);
            int rscale = clamp_rscale(NUM_MIN_SIG_DIGITS, x.scale, 0);
            if (e == 0) {
                mpz_set_ui(X, 1);
                *out = fx_out(X, 0, rscale, mcx);
                goto done;
            }
            if (mpz_sgn(x.u) != 0) {
                /* crude overflow test as power_var_int */
                double f = (double)e * approx_log10(&x);
                if (f > 32768.0 * 4) {
                    rc = orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
                    goto done;
                }
                if (f + 1 < -NUM_MAX_SCALE) {
                    mpz_set_ui(X, 0);
                    *out = fx_out(X, 0, NUM_MAX_SCALE, mcx);
                    goto done;
                }
            }
            unsigned long ue = (unsigned long)(e < 0 ? -e : e);
            if ((double)mpz_sizeinbase(x.u, 10) * (double)ue > 20000.0) {
                /* too many exact digits: exp(e * ln|x|) in fixed point, sign by parity */
                bool negr = mpz_sgn(x.u) < 0 && (ue & 1);
                mpz_abs(x.u, x.u);
                double lv = (double)e * approx_log10(&x);
                long W = rscale + 30 + (lv > 0 ? (long)lv : 0);
                long Wl = W + 12;
                mpz_t L;
                mpz_init(L);
                fx_ln(L, &x, Wl);
                mpz_mul_si(L, L, e);
                rc = num_exp_scaled(L, Wl, lv * 2.302585092994046, rscale, mcx, out, err);
                mpz_clear(L);
                if (!rc && negr) *out = sql__numeric_neg(*out, mcx);
                goto done;
            }
            mpz_pow_ui(X, x.u, ue); /* scale x.scale * ue */
            long sc = (long)x.scale * (long)ue;
            if (e > 0) {
                *out = fx_out(X, sc, rscale, mcx);
            } else {
                /* 1 / (X / 10^sc) = 10^sc / X, at scale rscale + 5 then rounded */
                mpz_ui_pow_ui(t, 10, (unsigned long)(sc + rscale + 5));
                mpz_tdiv_q(Y, t, X);
                *out = fx_out(Y, rscale + 5, rscale, mcx);
            }
            goto done;
        }
    }
    if (mpz_sgn(x.u) == 0) {
        mpz_set_ui(X, 0);
        *out = fx_out(X, 0, NUM_MIN_SIG_DIGITS, mcx);
        goto done;
    }
    {
        /* low-precision exp * ln(base) for the result scale, as power_var */
        int ln_dweight = estimate_ln_dweight(&x);
        int local_rscale = 8 - ln_dweight;
        if (local_rscale < 0) local_rscale = 0;
        if (local_rscale > NUM_MAX_SCALE) local_rscale = NUM_MAX_SCALE;
        mpz_t L, P;
        mpz_inits(L, P, NULL);
        fx_ln(L, &x, local_rscale + 10);
        num_t ln1;
        num_init(&ln1);
        mpz_set(ln1.u, L);
        ln1.scale = local_rscale + 10;
        num_rescale(&ln1, local_rscale, true);
        mpz_mul(P, ln1.u, y.u); /* scale local_rscale + y.scale */
        num_t pr;
        num_init(&pr);
        mpz_set(pr.u, P);
        pr.scale = local_rscale + y.scale;
        num_rescale(&pr, local_rscale, true);
        const char *ptxt = num_to_text(&pr, mcx);
        double val = sql__numeric_to_double(ptxt);
        num_clear(&ln1);
        num_clear(&pr);
        if (fabs(val) > NUM_MAX_RESULT_SCALE * 3.01) {
            if (val > 0) rc = orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
            else {
                mpz_set_ui(X, 0);
                *out = fx_out(X, 0, NUM_MAX_SCALE, mcx);
            }
            mpz_clears(L, P, NULL);
            goto done;
        }
        double dv = val * 0.434294481903252;
        int rscale = clamp_rscale(NUM_MIN_SIG_DIGITS - (int)dv, x.scale, y.scale);
        /* precise: exp(y * ln(x)) */
        long W = rscale + 30 + (dv > 0 ? (long)dv : 0) + (ln_dweight < 0 ? -ln_dweight : 0);
        long Wl = W + 10 + (long)mpz_sizeinbase(y.u, 10) - y.scale;
        if (Wl < W) Wl = W;
        fx_ln(L, &x, Wl);
        mpz_mul(P, L, y.u); /* scale Wl + y.scale */
        rc = num_exp_scaled(P, Wl + y.scale, val, rscale, mcx, out, err);
        mpz_clears(L, P, NULL);
    }
done:
    mpz_clears(t, X, Y, NULL);
    num_clear(&x);
    num_clear(&y);
    return rc;
}
