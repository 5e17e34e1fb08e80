/* sql/sql_vector.c — pgvector's types in SQL: vector(n), halfvec(n), sparsevec(n) (and the
 * dispatch for bit/bit varying, whose specifics are in sql_bit.c). Owns their typmods,
 * format_type names, text/binary I/O hooks, casts (pgvector's pg_cast contexts), btree order
 * and hashing, the operator/function table (distances, arithmetic, norms, subvector,
 * binary_quantize) and the sum/avg aggregate steps. Values are the byte formats of
 * vector/vector.h. Types exist without CREATE EXTENSION. See README.md ("Values and types"). */
#include <math.h>
#include <string.h>

#include "../vector/vector.h"
#include "sql_types_int.h"

/* ---- type dispatch ----------------------------------------------------------------------- */
bool sql__vec_type_is(uint32_t oid) {
    return oid == SQL_OID_VECTOR || oid == SQL_OID_HALFVEC || oid == SQL_OID_SPARSEVEC ||
           oid == SQL_OID_BIT || oid == SQL_OID_VARBIT;
}

static bool is_vec(uint32_t oid) {
    return oid == SQL_OID_VECTOR || oid == SQL_OID_HALFVEC || oid == SQL_OID_SPARSEVEC;
}

static bool is_bit(uint32_t oid) { return oid == SQL_OID_BIT || oid == SQL_OID_VARBIT; }

static vec_kind_t kind_of(uint32_t oid) {
    return oid == SQL_OID_HALFVEC ? VEC_KIND_HALFVEC
           : oid == SQL_OID_SPARSEVEC ? VEC_KIND_SPARSEVEC : VEC_KIND_VECTOR;
}

static void set_bytes(const vec_bytes_t *b, sql_value_t *out) {
    out->isnull = false;
    out->v.s.p = b->p;
    out->v.s.n = b->n;
}

int sql__vec_typmod(uint32_t oid, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err) {
    if (is_bit(oid)) return sql__bit_typmod(oid, mods, nmods, typmod, err);
    return vec_typmod_in(kind_of(oid), mods, nmods, typmod, err);
}

const char *sql__vec_type_format(uint32_t oid, int32_t typmod, orb_mcx_t *mcx) {
    const char *n = oid == SQL_OID_BIT ? "bit" : oid == SQL_OID_VARBIT ? "bit varying"
                    : vec_kind_name(kind_of(oid));
    return typmod >= 0 ? orb_sprintf(mcx, "%s(%d)", n, typmod) : n;
}

int sql__vec_in(uint32_t oid, int32_t typmod, const char *s, size_t n, orb_mcx_t *mcx,
                sql_value_t *out, orb_err_t *err) {
    vec_bytes_t b;
    int rc = is_bit(oid) ? vec_bit_in(s, n, oid == SQL_OID_VARBIT, typmod, mcx, &b, err)
                         : vec_value_in(kind_of(oid), s, n, typmod, mcx, &b, err);
    if (rc) return -1;
    set_bytes(&b, out);
    return 0;
}

int sql__vec_out(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    if (is_bit(oid) ? vec_bit_len(v->v.s.p, v->v.s.n) < 0
                    : vec_value_dims(kind_of(oid), v->v.s.p, v->v.s.n) < 0)
        return orb_err_set(err, DATA_CORRUPTED, "malformed %s value", sql_type_get(oid)->name);
    if (is_bit(oid)) vec_bit_out(v->v.s.p, v->v.s.n, out);
    else vec_value_out(kind_of(oid), v->v.s.p, v->v.s.n, out);
    return 0;
}

int sql__vec_send(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    if (is_bit(oid)) vec_bit_send(v->v.s.p, v->v.s.n, out);
    else vec_value_send(kind_of(oid), v->v.s.p, v->v.s.n, out);
    return 0;
}

int sql__vec_recv(uint32_t oid, int32_t typmod, const char *d, size_t n, orb_mcx_t *mcx,
                  sql_value_t *out, orb_err_t *err) {
    vec_bytes_t b;
    int rc = is_bit(oid) ? vec_bit_recv(d, n, oid == SQL_OID_VARBIT, typmod, mcx, &b, err)
                         : vec_value_recv(kind_of(oid), d, n, typmod, mcx, &b, err);
    if (rc) return -1;
    set_bytes(&b, out);
    return 0;
}

int sql__vec_cmp(uint32_t oid, const sql_value_t *a, const sql_value_t *b) {
    if (is_bit(oid)) return vec_bit_cmp(a->v.s.p, a->v.s.n, b->v.s.p, b->v.s.n);
    return vec_value_cmp(kind_of(oid), a->v.s.p, a->v.s.n, b->v.s.p, b->v.s.n);
}

uint64_t sql__vec_hash(uint32_t oid, const sql_value_t *v) {
    if (oid == SQL_OID_VECTOR || oid == SQL_OID_HALFVEC) {
        /* equal under vec_value_cmp means equal floats: -0 = 0, so hash the values */
        vec_kind_t k = kind_of(oid);
        int32_t dim = vec_value_dims(k, v->v.s.p, v->v.s.n);
        uint64_t h = (uint64_t)dim;
        for (int32_t i = 0; i < dim; i++) {
            float f;
            if (k == VEC_KIND_HALFVEC) {
                uint16_t x;
                memcpy(&x, v->v.s.p + 2 * (size_t)i, 2);
                f = vec_half_to_float(x);
            } else {
                memcpy(&f, v->v.s.p + 4 * (size_t)i, 4);
            }
            if (f == 0) f = 0;
            h = sql__hash_bytes(&f, 4, h);
        }
        return h;
    }
    /* sparse: zeros are never stored, bits: padding is always zero */
    return sql__hash_bytes(v->v.s.p, v->v.s.n, 7);
}

/* ---- casts ------------------------------------------------------------------------------- */
/* pgvector's CREATE CAST contexts, plus PostgreSQL's bit <-> varbit (implicit). */
char sql__vec_cast_ctx(uint32_t from, uint32_t to) {
    static const struct { uint32_t f, t; char c; } casts[] = {
        {SQL_OID_VECTOR, SQL_OID_FLOAT4_ARRAY, 'i'},
        {SQL_OID_INT4_ARRAY, SQL_OID_VECTOR, 'a'}, {SQL_OID_FLOAT4_ARRAY, SQL_OID_VECTOR, 'a'},
        {SQL_OID_FLOAT8_ARRAY, SQL_OID_VECTOR, 'a'}, {SQL_OID_NUMERIC_ARRAY, SQL_OID_VECTOR, 'a'},
        {SQL_OID_HALFVEC, SQL_OID_VECTOR, 'a'}, {SQL_OID_VECTOR, SQL_OID_HALFVEC, 'i'},
        {SQL_OID_HALFVEC, SQL_OID_FLOAT4_ARRAY, 'a'},
        {SQL_OID_INT4_ARRAY, SQL_OID_HALFVEC, 'a'}, {SQL_OID_FLOAT4_ARRAY, SQL_OID_HALFVEC, 'a'},
        {SQL_OID_FLOAT8_ARRAY, SQL_OID_HALFVEC, 'a'}, {SQL_OID_NUMERIC_ARRAY, SQL_OID_HALFVEC, 'a'},
        {SQL_OID_SPARSEVEC, SQL_OID_VECTOR, 'a'}, {SQL_OID_VECTOR, SQL_OID_SPARSEVEC, 'a'},
        {SQL_OID_SPARSEVEC, SQL_OID_HALFVEC, 'a'}, {SQL_OID_HALFVEC, SQL_OID_SPARSEVEC, 'a'},
        {SQL_OID_INT4_ARRAY, SQL_OID_SPARSEVEC, 'a'}, {SQL_OID_FLOAT4_ARRAY, SQL_OID_SPARSEVEC, 'a'},
        {SQL_OID_FLOAT8_ARRAY, SQL_OID_SPARSEVEC, 'a'}, {SQL_OID_NUMERIC_ARRAY, SQL_OID_SPARSEVEC, 'a'},
        {SQL_OID_BIT, SQL_OID_VARBIT, 'i'}, {SQL_OID_VARBIT, SQL_OID_BIT, 'i'},
    };
    for (size_t i = 0; i < sizeof casts / sizeof casts[0]; i++)
        if (casts[i].f == from && casts[i].t == to) return casts[i].c;
    return 0;
}

/* The floats of a vector, halfvec or sparsevec value (allocated in mcx or borrowed). */
static const float *floats_of(uint32_t oid, const sql_value_t *v, orb_mcx_t *mcx, int32_t *dim) {
    switch (oid) {
    case SQL_OID_HALFVEC:
        *dim = (int32_t)(v->v.s.n / 2);
        return vec_halfvec_to_floats(v->v.s.p, v->v.s.n, mcx);
    case SQL_OID_SPARSEVEC: {
        vec_sparse_t s;
        vec_sparse_view(v->v.s.p, v->v.s.n, mcx, &s);
        *dim = s.dim;
        return s.dim <= VEC_MAX_DIM ? vec_sparse_to_dense(&s, mcx) : NULL;
    }
    default:
        *dim = (int32_t)(v->v.s.n / 4);
        return vec_vector_view(v->v.s.p, v->v.s.n, mcx);
    }
}

/* Builds a value of type to (vector/halfvec/sparsevec) from dense floats. */
static int build_from_floats(uint32_t to, const float *x, int32_t dim, orb_mcx_t *mcx,
                             sql_value_t *out, orb_err_t *err) {
    vec_bytes_t b;
    if (to == SQL_OID_HALFVEC) {
        if (vec_halfvec_build(x, dim, mcx, &b, err)) return -1;
    } else if (to == SQL_OID_SPARSEVEC) {
        vec_sparse_from_dense(x, dim, mcx, &b);
    } else {
        vec_vector_build(x, dim, mcx, &b);
    }
    set_bytes(&b, out);
    return 0;
}

/* array_to_vector / array_to_halfvec / array_to_sparsevec */
static int array_to_vec(uint32_t to, int32_t typmod, const sql_value_t *in, orb_mcx_t *mcx,
                        sql_value_t *out, orb_err_t *err) {
    vec_kind_t k = kind_of(to);
    sql_value_t *el;
    int n;
    if (sql_array_elems(in, mcx, &el, &n)) return -1;
    uint32_t et = sql_array_elem_type(in);
    for (int i = 0; i < n; i++)
        if (el[i].isnull) return orb_err_set(err, NULL_VALUE_NOT_ALLOWED, "array must not contain nulls");
    if (vec_check_dim(k, n, err)) return -1;
    if (vec_check_typmod(typmod, n, err)) return -1;
    float *x = orb_alloc(mcx, sizeof(float) * (size_t)n);
    for (int i = 0; i < n; i++) {
        switch (et) {
        case SQL_OID_INT4: case SQL_OID_INT2: case SQL_OID_INT8: x[i] = (float)el[i].v.i; break;
        case SQL_OID_FLOAT4: case SQL_OID_FLOAT8: x[i] = (float)el[i].v.f; break;
        case SQL_OID_NUMERIC: {
            sql_value_t f;
            if (sql_value_cast(SQL_OID_NUMERIC, SQL_OID_FLOAT4, -1, &el[i], mcx, &f, err)) return -1;
            x[i] = (float)f.v.f;
            break;
        }
        default:
            return orb_err_set(err, DATA_EXCEPTION, "unsupported array type");
        }
    }
    for (int i = 0; i < n; i++)
        if (vec_check_element(k, x[i], err)) return -1;
    return build_from_floats(to, x, n, mcx, out, err);
}

int sql__vec_cast(uint32_t from, uint32_t to, int32_t typmod, bool explicit_, const sql_value_t *in,
                  orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    if (is_bit(from) && is_bit(to)) {
        vec_bytes_t b;
        if (vec_bit_coerce(in->v.s.p, in->v.s.n, to == SQL_OID_VARBIT, typmod, explicit_, mcx, &b, err))
            return -1;
        set_bytes(&b, out);
        return 0;
    }
    if (is_vec(from) && from == to) {
        int32_t dim = vec_value_dims(kind_of(from), in->v.s.p, in->v.s.n);
        if (vec_check_typmod(typmod, dim, err)) return -1;
        *out = *in;
        return 0;
    }
    if (is_vec(from) && is_vec(to)) {
        int32_t dim;
        if (from == SQL_OID_SPARSEVEC) {
            dim = vec_value_dims(VEC_KIND_SPARSEVEC, in->v.s.p, in->v.s.n);
            if (vec_check_dim(kind_of(to), dim, err)) return -1;
        }
        const float *x = floats_of(from, in, mcx, &dim);
        if (vec_check_typmod(typmod, dim, err)) return -1;
        return build_from_floats(to, x, dim, mcx, out, err);
    }
    if (is_vec(to) && sql_type_is_array(from)) return array_to_vec(to, typmod, in, mcx, out, err);
    if (is_vec(from) && to == SQL_OID_FLOAT4_ARRAY && from != SQL_OID_SPARSEVEC) {
        int32_t dim;
        const float *x = floats_of(from, in, mcx, &dim);
        sql_value_t *el = orb_alloc(mcx, sizeof *el * (size_t)dim);
        for (int32_t i = 0; i < dim; i++) {
            el[i].isnull = false;
            el[i].v.f = x[i];
        }
        return sql_array_build(SQL_OID_FLOAT4, el, dim, mcx, out, err);
    }
    return ORB_DECLINED;
}

/* ---- builtins ---------------------------------------------------------------------------- */
#define VARGS sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err

static int ret_f(double v, sql_value_t *r) {
    r->isnull = false;
    r->v.f = v;
    return 0;
}

/* Dense operands (vector or halfvec: t) as floats, dims checked equal. */
static int dense2(uint32_t t, sql_fn_ctx_t *ctx, const sql_value_t *a, const float **x,
                  const float **y, int32_t *dim, orb_err_t *err) {
    int32_t da, db;
    *x = floats_of(t, &a[0], ctx->mcx, &da);
    *y = floats_of(t, &a[1], ctx->mcx, &db);
    *dim = da;
    return vec_check_same_dims(kind_of(t), da, db, err);
}

static int sparse2(sql_fn_ctx_t *ctx, const sql_value_t *a, vec_sparse_t *x, vec_sparse_t *y,
                   orb_err_t *err) {
    vec_sparse_view(a[0].v.s.p, a[0].v.s.n, ctx->mcx, x);
    vec_sparse_view(a[1].v.s.p, a[1].v.s.n, ctx->mcx, y);
    return vec_check_same_dims(VEC_KIND_SPARSEVEC, x->dim, y->dim, err);
}

enum { D_L2, D_L2SQ, D_IP, D_NIP, D_COS, D_L1 };

static int dense_dist(uint32_t t, int which, VARGS) {
    const float *x, *y;
    int32_t n;
    if (dense2(t, ctx, a, &x, &y, &n, err)) return -1;
    switch (which) {
    case D_L2: return ret_f(sqrt((double)vec_l2_sq_f32(x, y, (size_t)n)), r);
    case D_L2SQ: return ret_f((double)vec_l2_sq_f32(x, y, (size_t)n), r);
    case D_IP: return ret_f((double)vec_ip_f32(x, y, (size_t)n), r);
    case D_NIP: return ret_f((double)-vec_ip_f32(x, y, (size_t)n), r);
    case D_COS: return ret_f(vec_cosine_f32(x, y, (size_t)n), r);
    default: return ret_f((double)vec_l1_f32(x, y, (size_t)n), r);
    }
}

static int sparse_dist(int which, VARGS) {
    vec_sparse_t x, y;
    if (sparse2(ctx, a, &x, &y, err)) return -1;
    switch (which) {
    case D_L2: return ret_f(sqrt((double)vec_sparse_l2_sq(&x, &y)), r);
    case D_L2SQ: return ret_f((double)vec_sparse_l2_sq(&x, &y), r);
    case D_IP: return ret_f((double)vec_sparse_ip(&x, &y), r);
    case D_NIP: return ret_f((double)-vec_sparse_ip(&x, &y), r);
    case D_COS: return ret_f(vec_sparse_cosine(&x, &y), r);
    default: return ret_f((double)vec_sparse_l1(&x, &y), r);
    }
}

#define DIST_FNS(suffix, which)                                                               \
    static int v_##suffix(VARGS) { return dense_dist(SQL_OID_VECTOR, which, ctx, a, nargs, r, err); } \
    static int h_##suffix(VARGS) { return dense_dist(SQL_OID_HALFVEC, which, ctx, a, nargs, r, err); } \
    static int s_##suffix(VARGS) { return sparse_dist(which, ctx, a, nargs, r, err); }
DIST_FNS(l2, D_L2)
DIST_FNS(l2sq, D_L2SQ)
DIST_FNS(ip, D_IP)
DIST_FNS(nip, D_NIP)
DIST_FNS(cos, D_COS)
DIST_FNS(l1, D_L1)

static int dense_arith(uint32_t t, char op, VARGS) {
    const float *x, *y;
    int32_t n;
    if (dense2(t, ctx, a, &x, &y, &n, err)) return -1;
    float *o = orb_alloc(ctx->mcx, sizeof(float) * (size_t)n);
    if (vec_arith_f32(op, x, y, (size_t)n, o, err)) return -1;
    if (t == SQL_OID_HALFVEC) {
        /* pgvector computes in float and rounds to half: overflow there is an error too,
         * and a product that rounds to 0 from non-zero halves is underflow */
        for (int32_t i = 0; i < n; i++) {
            uint16_t h = vec_half_from_float(o[i]);
            if ((h & 0x7c00) == 0x7c00)
                return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
            if (op == '*' && (h & 0x7fff) == 0 && x[i] != 0 && y[i] != 0)
                return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
        }
    }
    return build_from_floats(t, o, n, ctx->mcx, r, err);
}

static int v_add(VARGS) { return dense_arith(SQL_OID_VECTOR, '+', ctx, a, nargs, r, err); }
static int v_sub(VARGS) { return dense_arith(SQL_OID_VECTOR, '-', ctx, a, nargs, r, err); }
static int v_mul(VARGS) { return dense_arith(SQL_OID_VECTOR, '*', ctx, a, nargs, r, err); }
static int h_add(VARGS) { return dense_arith(SQL_OID_HALFVEC, '+', ctx, a, nargs, r, err); }
static int h_sub(VARGS) { return dense_arith(SQL_OID_HALFVEC, '-', ctx, a, nargs, r, err); }
static int h_mul(VARGS) { return dense_arith(SQL_OID_HALFVEC, '*', ctx, a, nargs, r, err); }

static int dense_concat(uint32_t t, VARGS) {
    size_t esz = t == SQL_OID_HALFVEC ? 2 : 4;
    size_t dim = (a[0].v.s.n + a[1].v.s.n) / esz;
    if (vec_check_dim(kind_of(t), (int64_t)dim, err)) return -1;
    char *c = orb_alloc(ctx->mcx, a[0].v.s.n + a[1].v.s.n + 1);
    memcpy(c, a[0].v.s.p, a[0].v.s.n);
    memcpy(c + a[0].v.s.n, a[1].v.s.p, a[1].v.s.n);
    c[a[0].v.s.n + a[1].v.s.n] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = a[0].v.s.n + a[1].v.s.n;
    return 0;
}
static int v_cat(VARGS) { return dense_concat(SQL_OID_VECTOR, ctx, a, nargs, r, err); }
static int h_cat(VARGS) { return dense_concat(SQL_OID_HALFVEC, ctx, a, nargs, r, err); }

static int cmp_of(uint32_t t, const sql_value_t *a) { return sql__vec_cmp(t, &a[0], &a[1]); }
#define CMP_FNS(p, t)                                                                         \
    static int p##_eq(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) == 0; return 0; }      \
    static int p##_ne(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) != 0; return 0; }      \
    static int p##_lt(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) < 0; return 0; }       \
    static int p##_le(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) <= 0; return 0; }      \
    static int p##_gt(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) > 0; return 0; }       \
    static int p##_ge(VARGS) { r->isnull = false; r->v.b = cmp_of(t, a) >= 0; return 0; }      \
    static int p##_cmp(VARGS) { r->isnull = false; r->v.i = cmp_of(t, a); return 0; }
CMP_FNS(cv, SQL_OID_VECTOR)
CMP_FNS(ch, SQL_OID_HALFVEC)
CMP_FNS(cs, SQL_OID_SPARSEVEC)
CMP_FNS(cbit, SQL_OID_BIT)

static int v_dims(VARGS) {
    r->isnull = false;
    r->v.i = a[0].v.s.n / 4;
    return 0;
}
static int h_dims(VARGS) {
    r->isnull = false;
    r->v.i = a[0].v.s.n / 2;
    return 0;
}

static int dense_norm(uint32_t t, VARGS) {
    int32_t n;
    const float *x = floats_of(t, &a[0], ctx->mcx, &n);
    return ret_f(vec_norm_f32(x, (size_t)n), r);
}
static int v_norm(VARGS) { return dense_norm(SQL_OID_VECTOR, ctx, a, nargs, r, err); }
static int h_norm(VARGS) { return dense_norm(SQL_OID_HALFVEC, ctx, a, nargs, r, err); }
static int s_norm(VARGS) {
    vec_sparse_t s;
    vec_sparse_view(a[0].v.s.p, a[0].v.s.n, ctx->mcx, &s);
    return ret_f(vec_sparse_norm(&s), r);
}

static int dense_normalize(uint32_t t, VARGS) {
    int32_t n;
    const float *x = floats_of(t, &a[0], ctx->mcx, &n);
    float *o = orb_alloc(ctx->mcx, sizeof(float) * (size_t)n);
    if (vec_normalize_f32(x, (size_t)n, o, err)) return -1;
    return build_from_floats(t, o, n, ctx->mcx, r, err);
}
static int v_normalize(VARGS) { return dense_normalize(SQL_OID_VECTOR, ctx, a, nargs, r, err); }
static int h_normalize(VARGS) { return dense_normalize(SQL_OID_HALFVEC, ctx, a, nargs, r, err); }
static int s_normalize(VARGS) {
    vec_sparse_t s;
    vec_sparse_view(a[0].v.s.p, a[0].v.s.n, ctx->mcx, &s);
    float *o = orb_alloc(ctx->mcx, sizeof(float) * (size_t)s.nnz + 4);
    int32_t *ix = orb_alloc(ctx->mcx, sizeof(int32_t) * (size_t)s.nnz + 4);
    if (vec_normalize_f32(s.val, (size_t)s.nnz, o, err)) return -1;
    int32_t m = 0; /* values that became 0 are dropped */
    for (int32_t i = 0; i < s.nnz; i++)
        if (o[i] != 0) {
            ix[m] = s.idx[i];
            o[m++] = o[i];
        }
    vec_bytes_t b;
    vec_sparse_build(s.dim, m, ix, o, ctx->mcx, &b);
    set_bytes(&b, r);
    return 0;
}

static int dense_subvector(uint32_t t, VARGS) {
    int32_t n;
    const float *x = floats_of(t, &a[0], ctx->mcx, &n);
    int64_t start = a[1].v.i, end = a[1].v.i + a[2].v.i; /* 64-bit: no overflow */
    if (start < 1) start = 1;
    if (end > n) end = (int64_t)n + 1;
    int64_t dim = end - start;
    if (vec_check_dim(kind_of(t), dim, err)) return -1;
    return build_from_floats(t, x + start - 1, (int32_t)dim, ctx->mcx, r, err);
}
static int v_subvector(VARGS) { return dense_subvector(SQL_OID_VECTOR, ctx, a, nargs, r, err); }
static int h_subvector(VARGS) { return dense_subvector(SQL_OID_HALFVEC, ctx, a, nargs, r, err); }

static int dense_quantize(uint32_t t, VARGS) {
    int32_t n;
    const float *x = floats_of(t, &a[0], ctx->mcx, &n);
    vec_bytes_t b;
    vec_bit_quantize(x, n, ctx->mcx, &b);
    set_bytes(&b, r);
    return 0;
}
static int v_quantize(VARGS) { return dense_quantize(SQL_OID_VECTOR, ctx, a, nargs, r, err); }
static int h_quantize(VARGS) { return dense_quantize(SQL_OID_HALFVEC, ctx, a, nargs, r, err); }

/* hamming_distance / jaccard_distance on bit strings */
static int bit_pair(const sql_value_t *a, int32_t *len, orb_err_t *err) {
    int32_t la = vec_bit_len(a[0].v.s.p, a[0].v.s.n), lb = vec_bit_len(a[1].v.s.p, a[1].v.s.n);
    if (la != lb) return orb_err_set(err, DATA_EXCEPTION, "different bit lengths %d and %d", la, lb);
    *len = la;
    return 0;
}
static int b_hamming(VARGS) {
    int32_t len;
    if (bit_pair(a, &len, err)) return -1;
    return ret_f((double)vec_bit_hamming((const uint8_t *)a[0].v.s.p + 4,
                                         (const uint8_t *)a[1].v.s.p + 4, ((size_t)len + 7) / 8), r);
}
static int b_jaccard(VARGS) {
    int32_t len;
    if (bit_pair(a, &len, err)) return -1;
    return ret_f(vec_bit_jaccard((const uint8_t *)a[0].v.s.p + 4, (const uint8_t *)a[1].v.s.p + 4,
                                 ((size_t)len + 7) / 8), r);
}

#define V SQL_OID_VECTOR
#define H SQL_OID_HALFVEC
#define S SQL_OID_SPARSEVEC
#define BT SQL_OID_BIT
#define F8 SQL_OID_FLOAT8
#define I4 SQL_OID_INT4
#define BO SQL_OID_BOOL
#define OP2(name, t1, t2, ret, fn) {name, 2, {t1, t2}, ret, true, false, fn}
#define FN(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, true, false, fn}
#define CMPS(t, f)                                                                            \
    OP2("=", t, t, BO, f##_eq), OP2("<>", t, t, BO, f##_ne), OP2("!=", t, t, BO, f##_ne),      \
    OP2("<", t, t, BO, f##_lt), OP2("<=", t, t, BO, f##_le), OP2(">", t, t, BO, f##_gt),        \
    OP2(">=", t, t, BO, f##_ge)
#define DISTS(t, p)                                                                           \
    OP2("<->", t, t, F8, p##_l2), OP2("<#>", t, t, F8, p##_nip), OP2("<=>", t, t, F8, p##_cos),  \
    OP2("<+>", t, t, F8, p##_l1), FN("l2_distance", 2, F8, p##_l2, t, t),                       \
    FN("inner_product", 2, F8, p##_ip, t, t), FN("cosine_distance", 2, F8, p##_cos, t, t),      \
    FN("l1_distance", 2, F8, p##_l1, t, t)

const sql_builtin_t sql__vec_builtins[] = {
    DISTS(V, v), DISTS(H, h), DISTS(S, s),
    CMPS(V, cv), CMPS(H, ch), CMPS(S, cs), CMPS(BT, cbit),
    FN("vector_cmp", 2, I4, cv_cmp, V, V), FN("halfvec_cmp", 2, I4, ch_cmp, H, H),
    FN("sparsevec_cmp", 2, I4, cs_cmp, S, S), FN("bitcmp", 2, I4, cbit_cmp, BT, BT),
    FN("vector_l2_squared_distance", 2, F8, v_l2sq, V, V),
    FN("halfvec_l2_squared_distance", 2, F8, h_l2sq, H, H),
    FN("sparsevec_l2_squared_distance", 2, F8, s_l2sq, S, S),
    FN("vector_negative_inner_product", 2, F8, v_nip, V, V),
    FN("halfvec_negative_inner_product", 2, F8, h_nip, H, H),
    FN("sparsevec_negative_inner_product", 2, F8, s_nip, S, S),
    OP2("+", V, V, V, v_add), OP2("-", V, V, V, v_sub), OP2("*", V, V, V, v_mul),
    OP2("||", V, V, V, v_cat),
    OP2("+", H, H, H, h_add), OP2("-", H, H, H, h_sub), OP2("*", H, H, H, h_mul),
    OP2("||", H, H, H, h_cat),
    FN("vector_dims", 1, I4, v_dims, V), FN("vector_dims", 1, I4, h_dims, H),
    FN("vector_norm", 1, F8, v_norm, V), FN("l2_norm", 1, F8, h_norm, H),
    FN("l2_norm", 1, F8, s_norm, S),
    FN("l2_normalize", 1, V, v_normalize, V), FN("l2_normalize", 1, H, h_normalize, H),
    FN("l2_normalize", 1, S, s_normalize, S),
    FN("subvector", 3, V, v_subvector, V, I4, I4), FN("subvector", 3, H, h_subvector, H, I4, I4),
    FN("binary_quantize", 1, BT, v_quantize, V), FN("binary_quantize", 1, BT, h_quantize, H),
    FN("hamming_distance", 2, F8, b_hamming, BT, BT), FN("jaccard_distance", 2, F8, b_jaccard, BT, BT),
    OP2("<~>", BT, BT, F8, b_hamming), OP2("<%>", BT, BT, F8, b_jaccard),
    FN("length", 1, I4, sql__bit_length, BT), FN("bit_length", 1, I4, sql__bit_length, BT),
};
const size_t sql__vec_nbuiltins = sizeof sql__vec_builtins / sizeof sql__vec_builtins[0];

/* ---- aggregates: sum(vector|halfvec), avg(vector|halfvec) --------------------------------- */
/* State: the running sum in double (avg, as pgvector's float8[] state) or in the element
 * type (sum, which is pgvector's vector_add/halfvec_add applied row by row). */
struct sql_vec_agg {
    uint32_t type;
    bool avg;
    int32_t dim;
    int64_t n;
    double *acc;  /* avg */
    float *sum;   /* sum */
    orb_mcx_t *scratch; /* per-row decoding, reset at each step */
};

sql_vec_agg_t *sql__vec_agg_create(uint32_t type, bool avg, orb_mcx_t *mcx) {
    sql_vec_agg_t *st = orb_alloc0(mcx, sizeof *st);
    st->type = type;
    st->avg = avg;
    st->scratch = orb_mcx_create(mcx, "vecagg");
    return st;
}

int sql__vec_agg_step(sql_vec_agg_t *st, const sql_value_t *v, orb_mcx_t *mcx, orb_err_t *err) {
    if (v->isnull) return 0;
    int32_t dim;
    orb_mcx_reset(st->scratch);
    const float *x = floats_of(st->type, v, st->scratch, &dim);
    if (st->n == 0) {
        st->dim = dim;
        if (st->avg) {
            st->acc = orb_alloc(mcx, sizeof(double) * (size_t)dim);
            for (int32_t i = 0; i < dim; i++) st->acc[i] = x[i];
        } else {
            st->sum = orb_alloc(mcx, sizeof(float) * (size_t)dim);
            memcpy(st->sum, x, sizeof(float) * (size_t)dim);
        }
        st->n = 1;
        return 0;
    }
    if (st->avg) {
        if (vec_check_typmod(st->dim, dim, err)) return -1;
        for (int32_t i = 0; i < dim; i++) {
            st->acc[i] += x[i];
            if (isinf(st->acc[i]))
                return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
        }
    } else {
        if (vec_check_same_dims(kind_of(st->type), st->dim, dim, err)) return -1;
        if (vec_arith_f32('+', st->sum, x, (size_t)dim, st->sum, err)) return -1;
        if (st->type == SQL_OID_HALFVEC)
            for (int32_t i = 0; i < dim; i++) {
                uint16_t h = vec_half_from_float(st->sum[i]);
                if ((h & 0x7c00) == 0x7c00)
                    return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                st->sum[i] = vec_half_to_float(h);
            }
    }
    st->n++;
    return 0;
}

int sql__vec_agg_final(sql_vec_agg_t *st, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    if (st->n == 0) {
        out->isnull = true;
        return 0;
    }
    if (!st->avg) return build_from_floats(st->type, st->sum, st->dim, mcx, out, err);
    float *x = orb_alloc(mcx, sizeof(float) * (size_t)st->dim);
    for (int32_t i = 0; i < st->dim; i++) {
        x[i] = (float)(st->acc[i] / (double)st->n);
        if (vec_check_element(kind_of(st->type), x[i], err)) return -1;
    }
    return build_from_floats(st->type, x, st->dim, mcx, out, err);
}
