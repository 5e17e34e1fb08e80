/* sql/sql_agg.c — aggregate definitions (count, sum, avg, min, max, bool_and, bool_or,
 * every, string_agg, stddev/variance family, bit_and/bit_or/bit_xor), their resolution by
 * argument types and their transition/final steps. Result types follow PostgreSQL 15:
 * sum(int2/int4) -> int8, sum(int8/numeric) -> numeric, avg(int*)/avg(numeric) -> numeric
 * (select_div_scale), avg(float*) -> float8, stddev/variance: numeric for int and numeric
 * input (PostgreSQL's numeric_stddev_internal scales), float8 for floats (Youngs-Cramer),
 * count -> int8, min/max -> argument type. NULL inputs are skipped; no rows give NULL. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sql_types_int.h"

typedef enum {
    AGG_COUNT_STAR, AGG_COUNT, AGG_SUM_INT, AGG_SUM_INT8, AGG_SUM_NUM, AGG_SUM_F4, AGG_SUM_F8,
    AGG_AVG_INT, AGG_AVG_NUM, AGG_AVG_F, AGG_MIN, AGG_MAX, AGG_BOOL_AND, AGG_BOOL_OR,
    AGG_STRING, AGG_SUM_IV, AGG_AVG_IV, AGG_BIT_AND, AGG_BIT_OR, AGG_BIT_XOR,
    /* numeric and float statistics: VAR/STD x SAMP/POP */
    AGG_NVAR_SAMP, AGG_NVAR_POP, AGG_NSTD_SAMP, AGG_NSTD_POP,
    AGG_FVAR_SAMP, AGG_FVAR_POP, AGG_FSTD_SAMP, AGG_FSTD_POP,
    AGG_ARRAY, /* array_agg: NULLs kept, no rows -> NULL */
    /* json_agg / jsonb_agg (NULLs become JSON null) and json_object_agg / jsonb_object_agg
     * (NULL key: 22023; the value is cast to SQL_OID_ANYJSON by the analyzer) */
    AGG_JSON, AGG_JSONB, AGG_JSON_OBJ, AGG_JSONB_OBJ,
    AGG_VEC_SUM, AGG_VEC_AVG, /* vector / halfvec (sql_vector.c) */
} agg_kind_t;

struct sql_agg {
    const char *name;
    int nargs;
    uint32_t argtype; /* SQL_OID_ANY: any type, no cast */
    uint32_t rettype; /* 0: the argument type */
    agg_kind_t kind;
    uint32_t argtype2; /* the second argument's type (string_agg's delimiter) */
};

struct sql_agg_state {
    const sql_agg_t *agg;
    uint32_t argtype;
    orb_mcx_t *mcx;
    orb_mcx_t *work; /* holds the running numeric sum / min / max value */
    int64_t count;
    __int128 isum;
    double fsum;
    const char *nsum;
    sql_value_t best;
    bool have;
    bool bres;
    const char *nsum2;  /* numeric sum of squares */
    double fsxx;        /* float: Youngs-Cramer sum of squared differences */
    char *sbuf;         /* string_agg result so far */
    size_t slen, scap;
    sql_interval_t iv;  /* sum(interval) */
    int64_t bits;       /* bit_and/bit_or/bit_xor */
    sql_array_acc_t acc; /* array_agg */
    sql_vec_agg_t *vec;  /* sum/avg of vector, halfvec */
};

static const sql_agg_t aggs[] = {
    {"array_agg", 1, SQL_OID_ANY, 0, AGG_ARRAY, 0},
    {"json_agg", 1, SQL_OID_ANY, SQL_OID_JSON, AGG_JSON, 0},
    {"jsonb_agg", 1, SQL_OID_ANY, SQL_OID_JSONB, AGG_JSONB, 0},
    {"json_object_agg", 2, SQL_OID_ANY, SQL_OID_JSON, AGG_JSON_OBJ, SQL_OID_ANYJSON},
    {"jsonb_object_agg", 2, SQL_OID_ANY, SQL_OID_JSONB, AGG_JSONB_OBJ, SQL_OID_ANYJSON},
    {"count", 0, 0, SQL_OID_INT8, AGG_COUNT_STAR, 0},
    {"count", 1, SQL_OID_ANY, SQL_OID_INT8, AGG_COUNT, 0},
    {"sum", 1, SQL_OID_INT2, SQL_OID_INT8, AGG_SUM_INT, 0},
    {"sum", 1, SQL_OID_INT4, SQL_OID_INT8, AGG_SUM_INT, 0},
    {"sum", 1, SQL_OID_INT8, SQL_OID_NUMERIC, AGG_SUM_INT8, 0},
    {"sum", 1, SQL_OID_NUMERIC, SQL_OID_NUMERIC, AGG_SUM_NUM, 0},
    {"sum", 1, SQL_OID_FLOAT4, SQL_OID_FLOAT4, AGG_SUM_F4, 0},
    {"sum", 1, SQL_OID_FLOAT8, SQL_OID_FLOAT8, AGG_SUM_F8, 0},
    {"avg", 1, SQL_OID_INT2, SQL_OID_NUMERIC, AGG_AVG_INT, 0},
    {"avg", 1, SQL_OID_INT4, SQL_OID_NUMERIC, AGG_AVG_INT, 0},
    {"avg", 1, SQL_OID_INT8, SQL_OID_NUMERIC, AGG_AVG_INT, 0},
    {"avg", 1, SQL_OID_NUMERIC, SQL_OID_NUMERIC, AGG_AVG_NUM, 0},
    {"avg", 1, SQL_OID_FLOAT4, SQL_OID_FLOAT8, AGG_AVG_F, 0},
    {"avg", 1, SQL_OID_FLOAT8, SQL_OID_FLOAT8, AGG_AVG_F, 0},
#define MINMAX(t) {"min", 1, t, 0, AGG_MIN, 0}, {"max", 1, t, 0, AGG_MAX, 0}
    MINMAX(SQL_OID_INT2), MINMAX(SQL_OID_INT4), MINMAX(SQL_OID_INT8), MINMAX(SQL_OID_FLOAT4),
    MINMAX(SQL_OID_FLOAT8), MINMAX(SQL_OID_NUMERIC), MINMAX(SQL_OID_TEXT),
    MINMAX(SQL_OID_BPCHAR), MINMAX(SQL_OID_DATE), MINMAX(SQL_OID_TIMESTAMP),
    MINMAX(SQL_OID_TIMESTAMPTZ), MINMAX(SQL_OID_OID),
    {"bool_and", 1, SQL_OID_BOOL, SQL_OID_BOOL, AGG_BOOL_AND, 0},
    {"every", 1, SQL_OID_BOOL, SQL_OID_BOOL, AGG_BOOL_AND, 0},
    {"bool_or", 1, SQL_OID_BOOL, SQL_OID_BOOL, AGG_BOOL_OR, 0},
    MINMAX(SQL_OID_INTERVAL),
    {"sum", 1, SQL_OID_INTERVAL, SQL_OID_INTERVAL, AGG_SUM_IV, 0},
    {"avg", 1, SQL_OID_INTERVAL, SQL_OID_INTERVAL, AGG_AVG_IV, 0},
    {"string_agg", 2, SQL_OID_TEXT, SQL_OID_TEXT, AGG_STRING, SQL_OID_TEXT},
    {"string_agg", 2, SQL_OID_BYTEA, SQL_OID_BYTEA, AGG_STRING, SQL_OID_BYTEA},
#define STATS(name, nk, fk)                                                                    \
    {name, 1, SQL_OID_INT2, SQL_OID_NUMERIC, nk, 0}, {name, 1, SQL_OID_INT4, SQL_OID_NUMERIC, nk, 0}, \
    {name, 1, SQL_OID_INT8, SQL_OID_NUMERIC, nk, 0}, {name, 1, SQL_OID_NUMERIC, SQL_OID_NUMERIC, nk, 0}, \
    {name, 1, SQL_OID_FLOAT4, SQL_OID_FLOAT8, fk, 0}, {name, 1, SQL_OID_FLOAT8, SQL_OID_FLOAT8, fk, 0}
    STATS("variance", AGG_NVAR_SAMP, AGG_FVAR_SAMP), STATS("var_samp", AGG_NVAR_SAMP, AGG_FVAR_SAMP),
    STATS("var_pop", AGG_NVAR_POP, AGG_FVAR_POP), STATS("stddev", AGG_NSTD_SAMP, AGG_FSTD_SAMP),
    STATS("stddev_samp", AGG_NSTD_SAMP, AGG_FSTD_SAMP), STATS("stddev_pop", AGG_NSTD_POP, AGG_FSTD_POP),
#define BITS(name, k) {name, 1, SQL_OID_INT2, 0, k, 0}, {name, 1, SQL_OID_INT4, 0, k, 0}, {name, 1, SQL_OID_INT8, 0, k, 0}
    BITS("bit_and", AGG_BIT_AND), BITS("bit_or", AGG_BIT_OR), BITS("bit_xor", AGG_BIT_XOR),
    {"sum", 1, SQL_OID_VECTOR, SQL_OID_VECTOR, AGG_VEC_SUM, 0},
    {"avg", 1, SQL_OID_VECTOR, SQL_OID_VECTOR, AGG_VEC_AVG, 0},
    {"sum", 1, SQL_OID_HALFVEC, SQL_OID_HALFVEC, AGG_VEC_SUM, 0},
    {"avg", 1, SQL_OID_HALFVEC, SQL_OID_HALFVEC, AGG_VEC_AVG, 0},
};
#define NAGGS (sizeof aggs / sizeof aggs[0])

static int rank(uint32_t t) {
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

int sql_agg_resolve(const char *name, int nargs, const uint32_t *argtypes, const sql_agg_t **out,
                    uint32_t *argcast, uint32_t *rettype, orb_err_t *err) {
    const sql_agg_t *best = NULL;
    int bestcost = 1 << 30;
    bool known_name = false;
    for (size_t k = 0; k < NAGGS; k++) {
        const sql_agg_t *a = &aggs[k];
        if (strcmp(a->name, name) != 0) continue;
        known_name = true;
        if (a->nargs != nargs) continue;
        if (nargs == 0) { best = a; bestcost = 0; break; }
        int cost = 0;
        bool ok = true;
        for (int i = 0; i < nargs && ok; i++) {
            uint32_t in = argtypes[i], want = i == 0 ? a->argtype : a->argtype2;
            if (want == SQL_OID_ANY || want == SQL_OID_ANYJSON || want == in) continue;
            if (in == SQL_OID_UNKNOWN) cost += want == SQL_OID_TEXT ? 50 : 1000;
            else if (sql_cast_allowed(in, want, SQL_CAST_IMPLICIT)) {
                int ri = rank(in), ra = rank(want);
                cost += ri && ra ? 1 + ra - ri : 20;
                const sql_type_info_t *ti = sql_type_get(want);
                if (!(ri && ra) && ti && ti->preferred) cost--;
            } else ok = false;
        }
        if (!ok) continue;
        if (cost < bestcost) { bestcost = cost; best = a; }
    }
    if (!best || bestcost >= 1000) {
        (void)known_name;
        orb_buf_t b;
        orb_buf_init(&b);
        orb_mcx_t *m = orb_mcx_create(NULL, "aggerr");
        for (int i = 0; i < nargs; i++) {
            if (i) orb_buf_puts(&b, ", ");
            orb_buf_puts(&b, sql_type_format(argtypes[i], -1, m));
        }
        if (nargs == 0 && strcmp(name, "count") != 0) orb_buf_puts(&b, "*");
        orb_err_set(err, UNDEFINED_FUNCTION, "function %s(%s) does not exist", name,
                    b.data ? b.data : "");
        orb_err_hint(err, "No function matches the given name and argument types. You might need "
                          "to add explicit type casts.");
        orb_buf_free(&b);
        orb_mcx_destroy(m);
        return -1;
    }
    *out = best;
    if (nargs > 0 && argcast) {
        argcast[0] = best->argtype == SQL_OID_ANY
                         ? (argtypes[0] == SQL_OID_UNKNOWN ? SQL_OID_TEXT : argtypes[0])
                         : best->argtype;
        if (nargs > 1) argcast[1] = best->argtype2;
    }
    if (rettype) *rettype = best->rettype ? best->rettype : best->argtype;
    if ((best->kind == AGG_JSON || best->kind == AGG_JSONB) && argtypes[0] == SQL_OID_UNKNOWN)
        return orb_err_set(err, DATATYPE_MISMATCH,
                           "could not determine polymorphic type because input has type unknown");
    if (best->kind == AGG_ARRAY) {
        uint32_t et = argtypes[0] == SQL_OID_UNKNOWN ? SQL_OID_TEXT : argtypes[0];
        uint32_t at = sql_array_type_of(et);
        if (!at) {
            const sql_type_info_t *ti = sql_type_get(et);
            return orb_err_set(err, UNDEFINED_FUNCTION, "could not find array type for data type %s",
                               ti ? ti->sql_name : "unknown");
        }
        if (rettype) *rettype = at;
    }
    return 0;
}

static void acc_cleanup(void *arg) { sql_array_acc_free(arg); }

sql_agg_state_t *sql_agg_state_create(const sql_agg_t *agg, uint32_t argtype, orb_mcx_t *mcx) {
    sql_agg_state_t *st = orb_alloc0(mcx, sizeof *st);
    st->agg = agg;
    st->argtype = agg->argtype == SQL_OID_ANY || agg->nargs == 0 ? argtype : agg->argtype;
    st->mcx = mcx;
    st->work = orb_mcx_create(mcx, "agg");
    st->bres = agg->kind == AGG_BOOL_AND;
    if (agg->kind == AGG_VEC_SUM || agg->kind == AGG_VEC_AVG)
        st->vec = sql__vec_agg_create(agg->argtype, agg->kind == AGG_VEC_AVG, mcx);
    if (agg->kind == AGG_ARRAY) {
        sql_array_acc_init(&st->acc, st->argtype);
        orb_mcx_on_reset(mcx, acc_cleanup, &st->acc);
    }
    return st;
}

static const char *i128_text(__int128 v, orb_mcx_t *mcx) {
    char buf[48];
    int k = sizeof buf - 1;
    buf[k] = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        buf[--k] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg) buf[--k] = '-';
    return orb_strdup(mcx, buf + k);
}

/* Replaces the work context, keeping only the current running values. */
static void compact(sql_agg_state_t *st) {
    orb_mcx_t *nw = orb_mcx_create(st->mcx, "agg");
    if (st->nsum) st->nsum = orb_strdup(nw, st->nsum);
    if (st->nsum2) st->nsum2 = orb_strdup(nw, st->nsum2);
    if (st->have && !st->best.isnull &&
        (sql_type_get(st->argtype) ? sql_type_get(st->argtype)->kind : 0) != ORBIT__DATUM__V_I &&
        st->argtype != SQL_OID_FLOAT4 && st->argtype != SQL_OID_FLOAT8 && st->argtype != SQL_OID_BOOL) {
        st->best.v.s.p = orb_memdup(nw, st->best.v.s.p, st->best.v.s.n + 1);
    }
    orb_mcx_destroy(st->work);
    st->work = nw;
}

static void sbuf_append(sql_agg_state_t *st, const char *p, size_t n) {
    size_t need = st->slen + n + 1;
    if (need > st->scap) {
        size_t nc = st->scap ? st->scap * 2 : 64;
        while (nc < need) nc *= 2;
        st->sbuf = orb_realloc(st->mcx, st->sbuf, st->scap, nc);
        st->scap = nc;
    }
    if (n) memcpy(st->sbuf + st->slen, p, n);
    st->slen += n;
    st->sbuf[st->slen] = 0;
}
static void sbuf_puts(sql_agg_state_t *st, const char *p) { sbuf_append(st, p, strlen(p)); }

/* json_agg / jsonb_agg / json_object_agg / jsonb_object_agg transition (PostgreSQL 15's
 * json_agg_transfn, json_object_agg_transfn and the jsonb ones): the text is built in sbuf,
 * jsonb is normalised at the end. */
static int json_step(sql_agg_state_t *st, const sql_value_t *args, int nargs, orb_err_t *err) {
    agg_kind_t k = st->agg->kind;
    bool obj = k == AGG_JSON_OBJ || k == AGG_JSONB_OBJ, jsonb = k == AGG_JSONB || k == AGG_JSONB_OBJ;
    orb_buf_t b;
    if (nargs < (obj ? 2 : 1)) return 0;
    if (obj && args[0].isnull)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "field name must not be null");
    orb_buf_init(&b);
    if (sql__json_from_value(st->argtype, &args[0], &b, err)) {
        orb_buf_free(&b);
        return -1;
    }
    if (obj) {
        if (sql_type_is_array(st->argtype) || st->argtype == SQL_OID_JSON ||
            st->argtype == SQL_OID_JSONB) {
            orb_buf_free(&b);
            return orb_err_set(err, INVALID_PARAMETER_VALUE,
                               "key value must be scalar, not array, composite, or json");
        }
        /* a key is always a JSON string ("true", "1.50") */
        if (b.len == 0 || b.data[0] != '"') {
            orb_buf_t q;
            orb_buf_init(&q);
            sql__json_escape(&q, b.data ? b.data : "", b.len);
            orb_buf_free(&b);
            b = q;
        }
    }
    st->count++;
    if (st->count == 1) sbuf_puts(st, obj ? (jsonb ? "{" : "{ ") : "[");
    else sbuf_puts(st, ", ");
    /* json_agg: "\n " before a structured (array) value that is not the first */
    if (!obj && !jsonb && st->count > 1 && !args[0].isnull && sql_type_is_array(st->argtype))
        sbuf_puts(st, "\n ");
    sbuf_append(st, b.data ? b.data : "", b.len);
    orb_buf_free(&b);
    if (obj) {
        sbuf_puts(st, jsonb ? ": " : " : ");
        if (args[1].isnull) sbuf_puts(st, "null");
        else sbuf_append(st, args[1].v.s.p, args[1].v.s.n);
    }
    return 0;
}

static bool is_strlike(uint32_t t) {
    const sql_type_info_t *ti = sql_type_get(t);
    return ti && (ti->kind == ORBIT__DATUM__V_S || ti->kind == ORBIT__DATUM__V_NUMERIC ||
                  ti->kind == ORBIT__DATUM__V_BIN);
}

int sql_agg_step(sql_agg_state_t *st, const sql_value_t *args, int nargs, orb_err_t *err) {
    const sql_value_t *arg = nargs > 0 ? args : NULL;
    const sql_agg_t *a = st->agg;
    if (a->kind == AGG_COUNT_STAR) { st->count++; return 0; }
    if (a->kind == AGG_VEC_SUM || a->kind == AGG_VEC_AVG)
        return arg ? sql__vec_agg_step(st->vec, arg, st->mcx, err) : 0;
    if (a->kind == AGG_JSON || a->kind == AGG_JSONB || a->kind == AGG_JSON_OBJ ||
        a->kind == AGG_JSONB_OBJ)
        return json_step(st, args, nargs, err);
    if (a->kind == AGG_ARRAY) {
        if (!arg) return 0;
        st->count++;
        sql_array_acc_add(&st->acc, arg);
        return 0;
    }
    if (!arg || arg->isnull) return 0;
    st->count++;
    switch (a->kind) {
    case AGG_COUNT:
        break;
    case AGG_SUM_INT:
    case AGG_SUM_INT8:
    case AGG_AVG_INT:
        st->isum += arg->v.i;
        break;
    case AGG_SUM_F4: {
        float s = (float)st->fsum + (float)arg->v.f;
        if (sql__float_check(s, isinf(st->fsum) || isinf(arg->v.f), true, true, err)) return -1;
        st->fsum = s;
        break;
    }
    case AGG_SUM_F8:
    case AGG_AVG_F: {
        double s = st->fsum + arg->v.f;
        if (sql__float_check(s, isinf(st->fsum) || isinf(arg->v.f), true, false, err)) return -1;
        st->fsum = s;
        break;
    }
    case AGG_SUM_NUM:
    case AGG_AVG_NUM: {
        const char *o;
        if (!st->nsum) st->nsum = orb_strdup(st->work, arg->v.s.p);
        else {
            if (sql_numeric_add(st->nsum, arg->v.s.p, st->work, &o, err)) return -1;
            st->nsum = o;
        }
        if (st->count % 256 == 0) compact(st);
        break;
    }
    case AGG_MIN:
    case AGG_MAX: {
        int c = st->have ? sql_value_cmp(st->argtype, arg, &st->best) : 0;
        if (!st->have || (a->kind == AGG_MIN ? c < 0 : c > 0)) {
            st->best = *arg;
            if (is_strlike(st->argtype)) {
                char *p = orb_alloc(st->work, (size_t)arg->v.s.n + 1);
                memcpy(p, arg->v.s.p, arg->v.s.n);
                p[arg->v.s.n] = 0;
                st->best.v.s.p = p;
                if (st->count % 256 == 0) compact(st);
            }
            st->have = true;
        }
        break;
    }
    case AGG_STRING: {
        /* the delimiter goes before every value but the first; a NULL one is empty */
        const sql_value_t *dl = nargs > 1 && !args[1].isnull ? &args[1] : NULL;
        size_t need = st->slen + arg->v.s.n + (dl && st->count > 1 ? dl->v.s.n : 0) + 1;
        if (need > st->scap) {
            size_t nc = st->scap ? st->scap * 2 : 64;
            while (nc < need) nc *= 2;
            st->sbuf = orb_realloc(st->mcx, st->sbuf, st->scap, nc);
            st->scap = nc;
        }
        if (dl && st->count > 1) {
            memcpy(st->sbuf + st->slen, dl->v.s.p, dl->v.s.n);
            st->slen += dl->v.s.n;
        }
        memcpy(st->sbuf + st->slen, arg->v.s.p, arg->v.s.n);
        st->slen += arg->v.s.n;
        st->sbuf[st->slen] = 0;
        break;
    }
    case AGG_SUM_IV:
    case AGG_AVG_IV: {
        sql_interval_t x;
        sql_interval_get(arg, &x);
        if (sql__interval_add(&st->iv, &x, false, &st->iv, err)) return -1;
        break;
    }
    case AGG_BIT_AND:
        st->bits = st->count == 1 ? arg->v.i : (st->bits & arg->v.i);
        break;
    case AGG_BIT_OR:
        st->bits |= arg->v.i;
        break;
    case AGG_BIT_XOR:
        st->bits ^= arg->v.i;
        break;
    case AGG_NVAR_SAMP:
    case AGG_NVAR_POP:
    case AGG_NSTD_SAMP:
    case AGG_NSTD_POP: {
        const char *x = st->argtype == SQL_OID_NUMERIC ? arg->v.s.p
                                                       : sql__numeric_from_int(arg->v.i, st->work);
        const char *sq, *o;
        if (sql_numeric_mul(x, x, st->work, &sq, err)) return -1;
        if (!st->nsum) {
            st->nsum = orb_strdup(st->work, x);
            st->nsum2 = sq;
        } else {
            if (sql_numeric_add(st->nsum, x, st->work, &o, err)) return -1;
            st->nsum = o;
            if (sql_numeric_add(st->nsum2, sq, st->work, &o, err)) return -1;
            st->nsum2 = o;
        }
        if (st->count % 256 == 0) compact(st);
        break;
    }
    case AGG_FVAR_SAMP:
    case AGG_FVAR_POP:
    case AGG_FSTD_SAMP:
    case AGG_FSTD_POP: {
        /* PostgreSQL's float8_accum (Youngs-Cramer) */
        double x = arg->v.f, n_old = (double)(st->count - 1), n = (double)st->count;
        double sx = st->fsum + x, sxx = st->fsxx;
        if (n_old > 0.0) {
            double tmp = x * n - sx;
            sxx += tmp * tmp / (n * n_old);
            if (isinf(sx) || isinf(sxx)) {
                if (!isinf(st->fsum) && !isinf(x))
                    return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                sxx = NAN;
            }
        } else if (isnan(x) || isinf(x)) {
            sxx = NAN;
        }
        st->fsum = sx;
        st->fsxx = sxx;
        break;
    }
    case AGG_BOOL_AND:
        st->bres = st->bres && arg->v.b;
        break;
    case AGG_BOOL_OR:
        st->bres = st->bres || arg->v.b;
        break;
    default:
        break;
    }
    return 0;
}

/* The result lives in the state's memory context. */
int sql_agg_partial_kind(const sql_agg_t *agg, uint32_t argtype) {
    switch (agg->kind) {
    case AGG_COUNT_STAR:
        return SQL_AGG_PARTIAL_COUNT_STAR;
    case AGG_COUNT:
        return SQL_AGG_PARTIAL_COUNT;
    case AGG_SUM_INT:
    case AGG_SUM_INT8:
    case AGG_AVG_INT:
        return argtype == SQL_OID_INT2 || argtype == SQL_OID_INT4 || argtype == SQL_OID_INT8
                   ? SQL_AGG_PARTIAL_SUM_INT : SQL_AGG_PARTIAL_NONE;
    case AGG_SUM_F8:
    case AGG_AVG_F:
        return argtype == SQL_OID_FLOAT8 ? SQL_AGG_PARTIAL_SUM_FLOAT : SQL_AGG_PARTIAL_NONE;
    case AGG_MIN:
    case AGG_MAX:
        switch (argtype) {
        case SQL_OID_INT2: case SQL_OID_INT4: case SQL_OID_INT8: case SQL_OID_FLOAT4:
        case SQL_OID_FLOAT8: case SQL_OID_NUMERIC: case SQL_OID_TEXT: case SQL_OID_VARCHAR:
        case SQL_OID_DATE: case SQL_OID_TIMESTAMP: case SQL_OID_TIMESTAMPTZ:
            return agg->kind == AGG_MIN ? SQL_AGG_PARTIAL_MIN : SQL_AGG_PARTIAL_MAX;
        default:
            return SQL_AGG_PARTIAL_NONE;
        }
    default:
        return SQL_AGG_PARTIAL_NONE;
    }
}

/* the exact integer a shard's SUM_INT partial spells */
static int parse_i128(const char *p, __int128 *out, orb_err_t *err) {
    bool neg = *p == '-';
    if (neg || *p == '+') p++;
    if (!*p) return orb_err_set(err, INTERNAL_ERROR, "empty partial sum");
    __int128 v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return orb_err_set(err, INTERNAL_ERROR, "malformed partial sum");
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

int sql_agg_combine(sql_agg_state_t *st, int64_t count, const sql_value_t *v, orb_err_t *err) {
    switch (st->agg->kind) {
    case AGG_COUNT_STAR:
    case AGG_COUNT:
        st->count += count;
        return 0;
    case AGG_SUM_INT:
    case AGG_SUM_INT8:
    case AGG_AVG_INT: {
        if (count == 0 || !v || v->isnull) return 0;
        __int128 part = 0;
        if (parse_i128(v->v.s.p, &part, err) != 0) return -1;
        st->count += count;
        st->isum += part;
        return 0;
    }
    case AGG_SUM_F8:
    case AGG_AVG_F: {
        if (count == 0 || !v || v->isnull) return 0;
        double s = st->fsum + v->v.f;
        if (sql__float_check(s, isinf(st->fsum) || isinf(v->v.f), true, false, err)) return -1;
        st->fsum = s;
        st->count += count;
        return 0;
    }
    case AGG_MIN:
    case AGG_MAX:
        if (!v || v->isnull) return 0;
        return sql_agg_step(st, v, 1, err);
    default:
        return orb_err_set(err, INTERNAL_ERROR, "aggregate has no partial form");
    }
}

int sql_agg_final(sql_agg_state_t *st, sql_value_t *out, orb_err_t *err) {
    const sql_agg_t *a = st->agg;
    memset(out, 0, sizeof *out);
    if (a->kind == AGG_COUNT_STAR || a->kind == AGG_COUNT) {
        out->v.i = st->count;
        return 0;
    }
    if (a->kind == AGG_VEC_SUM || a->kind == AGG_VEC_AVG)
        return sql__vec_agg_final(st->vec, st->mcx, out, err);
    if (a->kind == AGG_ARRAY) {
        if (st->count == 0) {
            out->isnull = true;
            return 0;
        }
        return sql_array_acc_finish(&st->acc, st->mcx, out);
    }
    if (a->kind == AGG_JSON || a->kind == AGG_JSONB || a->kind == AGG_JSON_OBJ ||
        a->kind == AGG_JSONB_OBJ) {
        if (st->count == 0) {
            out->isnull = true;
            return 0;
        }
        bool obj = a->kind == AGG_JSON_OBJ || a->kind == AGG_JSONB_OBJ;
        bool jsonb = a->kind == AGG_JSONB || a->kind == AGG_JSONB_OBJ;
        orb_buf_t b;
        orb_buf_init(&b);
        orb_buf_append(&b, st->sbuf ? st->sbuf : "", st->slen);
        orb_buf_puts(&b, obj ? (jsonb ? "}" : " }") : "]");
        int rc = 0;
        if (jsonb) {
            const char *o = NULL;
            size_t ol = 0;
            rc = sql__jsonb_normalize(b.data, b.len, st->mcx, &o, &ol, err);
            if (rc == 0) {
                out->v.s.p = o;
                out->v.s.n = (uint32_t)ol;
            }
        } else {
            out->v.s.p = orb_strndup(st->mcx, b.data, b.len);
            out->v.s.n = (uint32_t)b.len;
        }
        orb_buf_free(&b);
        return rc;
    }
    if (st->count == 0) {
        out->isnull = true;
        return 0;
    }
    const char *o;
    switch (a->kind) {
    case AGG_SUM_INT:
        if (st->isum > INT64_MAX || st->isum < INT64_MIN)
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
        out->v.i = (int64_t)st->isum;
        return 0;
    case AGG_SUM_INT8:
        o = i128_text(st->isum, st->mcx);
        break;
    case AGG_SUM_NUM:
        o = orb_strdup(st->mcx, st->nsum);
        break;
    case AGG_AVG_INT:
        if (sql_numeric_div(i128_text(st->isum, st->mcx), sql__numeric_from_int(st->count, st->mcx),
                            st->mcx, &o, err))
            return -1;
        break;
    case AGG_AVG_NUM:
        if (sql_numeric_div(st->nsum, sql__numeric_from_int(st->count, st->mcx), st->mcx, &o, err))
            return -1;
        break;
    case AGG_SUM_F4:
    case AGG_SUM_F8:
        out->v.f = st->fsum;
        return 0;
    case AGG_AVG_F:
        out->v.f = st->fsum / (double)st->count;
        return 0;
    case AGG_MIN:
    case AGG_MAX:
        *out = st->best;
        if (is_strlike(st->argtype)) out->v.s.p = orb_memdup(st->mcx, st->best.v.s.p, st->best.v.s.n + 1);
        return 0;
    case AGG_BOOL_AND:
    case AGG_BOOL_OR:
        out->v.b = st->bres;
        return 0;
    case AGG_STRING:
        out->v.s.p = orb_memdup(st->mcx, st->sbuf ? st->sbuf : "", st->slen + 1);
        out->v.s.n = (uint32_t)st->slen;
        return 0;
    case AGG_SUM_IV:
        sql_interval_set(st->mcx, &st->iv, out);
        return 0;
    case AGG_AVG_IV: {
        sql_interval_t r;
        if (sql__interval_mul(&st->iv, (double)st->count, true, &r, err)) return -1;
        sql_interval_set(st->mcx, &r, out);
        return 0;
    }
    case AGG_BIT_AND:
    case AGG_BIT_OR:
    case AGG_BIT_XOR:
        out->v.i = st->bits;
        return 0;
    case AGG_NVAR_SAMP:
    case AGG_NVAR_POP:
    case AGG_NSTD_SAMP:
    case AGG_NSTD_POP: {
        /* PostgreSQL's numeric_stddev_internal */
        bool sample = a->kind == AGG_NVAR_SAMP || a->kind == AGG_NSTD_SAMP;
        bool var = a->kind == AGG_NVAR_SAMP || a->kind == AGG_NVAR_POP;
        if (sample && st->count <= 1) { out->isnull = true; return 0; }
        if (sql__numeric_is_nan(st->nsum)) { o = orb_strdup(st->mcx, "NaN"); break; }
        const char *n = sql__numeric_from_int(st->count, st->mcx), *sx2, *nsx2, *num, *den, *v;
        if (sql_numeric_mul(st->nsum, st->nsum, st->mcx, &sx2, err) ||
            sql_numeric_mul(n, st->nsum2, st->mcx, &nsx2, err) ||
            sql_numeric_sub(nsx2, sx2, st->mcx, &num, err))
            return -1;
        if (sql__numeric_sign(num) <= 0) { o = orb_strdup(st->mcx, "0"); break; }
        if (sql_numeric_mul(n, sample ? sql__numeric_from_int(st->count - 1, st->mcx) : n, st->mcx,
                            &den, err) ||
            sql_numeric_div(num, den, st->mcx, &v, err))
            return -1;
        if (var) { o = v; break; }
        if (sql__numeric_sqrt_scale(v, sql__numeric_scale(v), st->mcx, &o, err)) return -1;
        break;
    }
    case AGG_FVAR_SAMP:
    case AGG_FVAR_POP:
    case AGG_FSTD_SAMP:
    case AGG_FSTD_POP: {
        bool sample = a->kind == AGG_FVAR_SAMP || a->kind == AGG_FSTD_SAMP;
        bool var = a->kind == AGG_FVAR_SAMP || a->kind == AGG_FVAR_POP;
        if (sample && st->count <= 1) { out->isnull = true; return 0; }
        double r = st->fsxx / (double)(sample ? st->count - 1 : st->count);
        out->v.f = var ? r : sqrt(r);
        return 0;
    }
    default:
        return orb_err_set(err, INTERNAL_ERROR, "unexpected aggregate kind");
    }
    out->v.s.p = o;
    out->v.s.n = (uint32_t)strlen(o);
    return 0;
}
