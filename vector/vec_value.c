/* vector/vec_value.c — the vector, halfvec and sparsevec value formats: checks, aligned
 * views, builders, text input/output, binary send/recv and the btree order, all with
 * pgvector 0.8's messages and SQLSTATEs. Formats are described in vector.h. Invariant: a
 * value handed out by this file is well formed (vec_value_check passes). See README.md. */
#include "vector.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *vec_kind_name(vec_kind_t k) {
    return k == VEC_KIND_HALFVEC ? "halfvec" : k == VEC_KIND_SPARSEVEC ? "sparsevec" : "vector";
}

/* ---- halfvec elements --------------------------------------------------------------------- */
float vec_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, f;
    if (exp == 0) {
        float v = (float)mant * 5.9604644775390625e-08f; /* 2^-24: subnormal or zero */
        return sign ? -v : v;
    }
    if (exp == 31) f = sign | 0x7f800000u | (mant << 13);
    else f = sign | ((exp + 112) << 23) | (mant << 13);
    float r;
    memcpy(&r, &f, 4);
    return r;
}

uint16_t vec_half_from_float(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    uint32_t ax = u & 0x7fffffffu;
    if (ax >= 0x7f800000u) return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00); /* >= 65520 rounds to infinity */
    if (ax < 0x38800000u) {                                   /* below 2^-14: subnormal */
        float v;
        memcpy(&v, &ax, 4);
        return (uint16_t)(sign | (uint16_t)nearbyintf(v * 16777216.0f));
    }
    uint32_t h = ((ax >> 23) - 112) << 10 | ((ax & 0x7fffff) >> 13), rem = ax & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

/* ---- checks ------------------------------------------------------------------------------- */
int vec_check_dim(vec_kind_t k, int64_t dim, orb_err_t *err) {
    int64_t max = k == VEC_KIND_SPARSEVEC ? VEC_SPARSE_MAX_DIM : VEC_MAX_DIM;
    if (dim < 1)
        return orb_err_set(err, DATA_EXCEPTION, "%s must have at least 1 dimension", vec_kind_name(k));
    if (dim > max)
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "%s cannot have more than %lld dimensions",
                           vec_kind_name(k), (long long)max);
    return 0;
}

int vec_check_typmod(int32_t typmod, int32_t dim, orb_err_t *err) {
    if (typmod != -1 && typmod != dim)
        return orb_err_set(err, DATA_EXCEPTION, "expected %d dimensions, not %d", typmod, dim);
    return 0;
}

int vec_check_element(vec_kind_t k, float v, orb_err_t *err) {
    if (isnan(v)) return orb_err_set(err, DATA_EXCEPTION, "NaN not allowed in %s", vec_kind_name(k));
    if (isinf(v))
        return orb_err_set(err, DATA_EXCEPTION, "infinite value not allowed in %s", vec_kind_name(k));
    return 0;
}

int vec_check_same_dims(vec_kind_t k, int32_t a, int32_t b, orb_err_t *err) {
    if (a != b)
        return orb_err_set(err, DATA_EXCEPTION, "different %s dimensions %d and %d", vec_kind_name(k),
                           a, b);
    return 0;
}

int vec_typmod_in(vec_kind_t k, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err) {
    int32_t max = k == VEC_KIND_SPARSEVEC ? VEC_SPARSE_MAX_DIM : VEC_MAX_DIM;
    if (nmods == 0) { *typmod = -1; return 0; }
    if (nmods != 1) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid type modifier");
    if (mods[0] < 1)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "dimensions for type %s must be at least 1",
                           vec_kind_name(k));
    if (mods[0] > max)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "dimensions for type %s cannot exceed %d",
                           vec_kind_name(k), max);
    *typmod = mods[0];
    return 0;
}

/* ---- layout ------------------------------------------------------------------------------- */
static int32_t get_i32(const char *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

int32_t vec_value_dims(vec_kind_t k, const char *p, uint32_t n) {
    switch (k) {
    case VEC_KIND_VECTOR:
        return n % 4 == 0 && n >= 4 && n / 4 <= VEC_MAX_DIM ? (int32_t)(n / 4) : -1;
    case VEC_KIND_HALFVEC:
        return n % 2 == 0 && n >= 2 && n / 2 <= VEC_MAX_DIM ? (int32_t)(n / 2) : -1;
    case VEC_KIND_SPARSEVEC: {
        if (n < 8) return -1;
        int32_t dim = get_i32(p), nnz = get_i32(p + 4);
        if (dim < 1 || dim > VEC_SPARSE_MAX_DIM || nnz < 0 || nnz > dim) return -1;
        if ((uint64_t)n != 8 + 8 * (uint64_t)nnz) return -1;
        return dim;
    }
    }
    return -1;
}

static int bad_binary(orb_err_t *err) {
    return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
}

int vec_value_check(vec_kind_t k, const char *p, uint32_t n, orb_err_t *err) {
    if (vec_value_dims(k, p, n) < 0) return bad_binary(err);
    if (k == VEC_KIND_SPARSEVEC) {
        int32_t nnz = get_i32(p + 4), prev = -1, dim = get_i32(p);
        for (int32_t i = 0; i < nnz; i++) {
            int32_t ix = get_i32(p + 8 + 4 * (size_t)i);
            if (ix <= prev || ix >= dim) return bad_binary(err);
            prev = ix;
        }
    }
    return 0;
}

const float *vec_vector_view(const char *p, uint32_t n, orb_mcx_t *mcx) {
    if (((uintptr_t)p & 3) == 0) return (const float *)(const void *)p;
    float *c = orb_alloc(mcx, n ? n : 4);
    memcpy(c, p, n);
    return c;
}

float *vec_halfvec_to_floats(const char *p, uint32_t n, orb_mcx_t *mcx) {
    uint32_t dim = n / 2;
    float *x = orb_alloc(mcx, (dim ? dim : 1) * sizeof(float));
    for (uint32_t i = 0; i < dim; i++) {
        uint16_t h;
        memcpy(&h, p + 2 * (size_t)i, 2);
        x[i] = vec_half_to_float(h);
    }
    return x;
}

void vec_sparse_view(const char *p, uint32_t n, orb_mcx_t *mcx, vec_sparse_t *out) {
    out->dim = get_i32(p);
    out->nnz = get_i32(p + 4);
    size_t sz = 4 * (size_t)out->nnz;
    if (((uintptr_t)p & 3) == 0) {
        out->idx = (const int32_t *)(const void *)(p + 8);
        out->val = (const float *)(const void *)(p + 8 + sz);
        return;
    }
    char *c = orb_alloc(mcx, 2 * sz + 4);
    memcpy(c, p + 8, 2 * sz);
    out->idx = (const int32_t *)(void *)c;
    out->val = (const float *)(void *)(c + sz);
}

/* ---- builders ----------------------------------------------------------------------------- */
void vec_vector_build(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out) {
    char *c = orb_alloc(mcx, 4 * (size_t)dim + 1);
    memcpy(c, x, 4 * (size_t)dim);
    c[4 * (size_t)dim] = 0;
    out->p = c;
    out->n = (uint32_t)(4 * dim);
}

static int half_range_err(float v, orb_err_t *err) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_float_out(v, true, &b);
    orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"%s\" is out of range for type halfvec", b.data);
    orb_buf_free(&b);
    return -1;
}

int vec_halfvec_build(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out,
                      orb_err_t *err) {
    char *c = orb_alloc(mcx, 2 * (size_t)dim + 1);
    for (int32_t i = 0; i < dim; i++) {
        uint16_t h = vec_half_from_float(x[i]);
        if ((h & 0x7c00) == 0x7c00 && !isinf(x[i]) && !isnan(x[i])) return half_range_err(x[i], err);
        memcpy(c + 2 * (size_t)i, &h, 2);
    }
    c[2 * (size_t)dim] = 0;
    out->p = c;
    out->n = (uint32_t)(2 * dim);
    return 0;
}

void vec_sparse_build(int32_t dim, int32_t nnz, const int32_t *idx, const float *val,
                      orb_mcx_t *mcx, vec_bytes_t *out) {
    size_t n = 8 + 8 * (size_t)nnz;
    char *c = orb_alloc(mcx, n + 1);
    memcpy(c, &dim, 4);
    memcpy(c + 4, &nnz, 4);
    if (nnz) {
        memcpy(c + 8, idx, 4 * (size_t)nnz);
        memcpy(c + 8 + 4 * (size_t)nnz, val, 4 * (size_t)nnz);
    }
    c[n] = 0;
    out->p = c;
    out->n = (uint32_t)n;
}

void vec_sparse_from_dense(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out) {
    int32_t nnz = 0;
    for (int32_t i = 0; i < dim; i++) nnz += x[i] != 0;
    size_t n = 8 + 8 * (size_t)nnz;
    char *c = orb_alloc(mcx, n + 1);
    memcpy(c, &dim, 4);
    memcpy(c + 4, &nnz, 4);
    int32_t j = 0;
    for (int32_t i = 0; i < dim; i++) {
        if (x[i] == 0) continue;
        memcpy(c + 8 + 4 * (size_t)j, &i, 4);
        memcpy(c + 8 + 4 * (size_t)nnz + 4 * (size_t)j, &x[i], 4);
        j++;
    }
    c[n] = 0;
    out->p = c;
    out->n = (uint32_t)n;
}

float *vec_sparse_to_dense(const vec_sparse_t *s, orb_mcx_t *mcx) {
    float *x = orb_alloc0(mcx, (size_t)s->dim * sizeof(float));
    for (int32_t i = 0; i < s->nnz; i++) x[s->idx[i]] = s->val[i];
    return x;
}

/* ---- text input --------------------------------------------------------------------------- */
static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int syntax_err(vec_kind_t k, const char *lit, const char *detail, orb_err_t *err) {
    orb_err_set(err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type %s: \"%s\"",
                vec_kind_name(k), lit);
    if (detail) orb_err_detail(err, "%s", detail);
    return -1;
}

/* strtof, with a fast path for the plain decimals that vectors are written in: [+-]digits[.digits]
 * whose digits, without leading zeros, form an integer m <= 2^24 with k <= 10 digits after the
 * point. m and 10^k are then exact floats and IEEE division rounds m / 10^k correctly: the
 * float strtof returns (Clinger's fast path). Anything else (exponents, more digits, hex, inf,
 * nan) goes to strtof. */
static float parse_float(const char *s, char **end) {
    static const float p10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    uint64_t m = 0;
    int digits = 0, frac = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        if ((m = m * 10 + (uint64_t)(*p - '0')) > (1u << 24)) return strtof(s, end);
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++, frac++)
            if ((m = m * 10 + (uint64_t)(*p - '0')) > (1u << 24) || frac == 10) return strtof(s, end);
    }
    if (digits == 0 || *p == 'e' || *p == 'E' || *p == 'x' || *p == 'X')
        return strtof(s, end);
    *end = (char *)p;
    float v = (float)m / p10[frac];
    return neg ? -v : v;
}

/* vector_in / halfvec_in on a NUL-terminated literal. */
static int dense_in(vec_kind_t k, const char *lit, int32_t typmod, orb_mcx_t *mcx,
                    vec_bytes_t *out, orb_err_t *err) {
    const char *pt = lit;
    float *x = malloc(sizeof(float) * VEC_MAX_DIM);
    if (!x) return orb_err_set(err, OUT_OF_MEMORY, "out of memory");
    int dim = 0, rc = -1;
    while (is_space(*pt)) pt++;
    if (*pt != '[') {
        syntax_err(k, lit, "Vector contents must start with \"[\".", err);
        goto done;
    }
    pt++;
    while (is_space(*pt)) pt++;
    if (*pt == ']') {
        vec_check_dim(k, 0, err);
        goto done;
    }
    for (;;) {
        if (dim == VEC_MAX_DIM) {
            vec_check_dim(k, VEC_MAX_DIM + 1, err);
            goto done;
        }
        while (is_space(*pt)) pt++;
        if (*pt == '\0') {
            syntax_err(k, lit, NULL, err);
            goto done;
        }
        char *end;
        errno = 0;
        float v = parse_float(pt, &end);
        if (end == pt) {
            syntax_err(k, lit, NULL, err);
            goto done;
        }
        if (errno == ERANGE && isinf(v)) {
            orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"%.*s\" is out of range for type %s",
                        (int)(end - pt), pt, vec_kind_name(k));
            goto done;
        }
        if (vec_check_element(k, v, err)) goto done;
        if (k == VEC_KIND_HALFVEC) {
            uint16_t h = vec_half_from_float(v);
            if ((h & 0x7c00) == 0x7c00) {
                orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"%.*s\" is out of range for type halfvec",
                            (int)(end - pt), pt);
                goto done;
            }
        }
        x[dim++] = v;
        pt = end;
        while (is_space(*pt)) pt++;
        if (*pt == ',') pt++;
        else if (*pt == ']') {
            pt++;
            break;
        } else {
            syntax_err(k, lit, NULL, err);
            goto done;
        }
    }
    while (is_space(*pt)) pt++;
    if (*pt != '\0') {
        syntax_err(k, lit, "Junk after closing right brace.", err);
        goto done;
    }
    if (vec_check_dim(k, dim, err) || vec_check_typmod(typmod, dim, err)) goto done;
    if (k == VEC_KIND_HALFVEC) rc = vec_halfvec_build(x, dim, mcx, out, err);
    else {
        vec_vector_build(x, dim, mcx, out);
        rc = 0;
    }
done:
    free(x);
    return rc;
}

typedef struct {
    int32_t index; /* 0-based */
    float value;
} sparse_elem_t;

static int elem_cmp(const void *a, const void *b) {
    int32_t x = ((const sparse_elem_t *)a)->index, y = ((const sparse_elem_t *)b)->index;
    return x < y ? -1 : x > y;
}

/* sparsevec_in on a NUL-terminated literal. */
static int sparse_in(const char *lit, int32_t typmod, orb_mcx_t *mcx, vec_bytes_t *out,
                     orb_err_t *err) {
    const vec_kind_t k = VEC_KIND_SPARSEVEC;
    int maxnnz = 1;
    for (const char *q = lit; *q; q++) maxnnz += *q == ',';
    if (maxnnz > VEC_SPARSE_MAX_NNZ)
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED,
                           "sparsevec cannot have more than %d non-zero elements", VEC_SPARSE_MAX_NNZ);
    sparse_elem_t *el = malloc(sizeof *el * (size_t)maxnnz);
    if (!el) return orb_err_set(err, OUT_OF_MEMORY, "out of memory");
    int nnz = 0, rc = -1;
    const char *pt = lit;
    char *end;
    while (is_space(*pt)) pt++;
    if (*pt != '{') {
        syntax_err(k, lit, "Vector contents must start with \"{\".", err);
        goto done;
    }
    pt++;
    while (is_space(*pt)) pt++;
    if (*pt == '}') pt++;
    else {
        for (;;) {
            while (is_space(*pt)) pt++;
            if (*pt == '\0') { syntax_err(k, lit, NULL, err); goto done; }
            errno = 0;
            long long index = strtoll(pt, &end, 10);
            if (end == pt) { syntax_err(k, lit, NULL, err); goto done; }
            /* keep in int range so the bounds check below reports it */
            if (index > INT_MAX) index = INT_MAX;
            else if (index < INT_MIN + 1LL) index = INT_MIN + 1LL;
            pt = end;
            while (is_space(*pt)) pt++;
            if (*pt != ':') { syntax_err(k, lit, NULL, err); goto done; }
            pt++;
            while (is_space(*pt)) pt++;
            errno = 0;
            float v = strtof(pt, &end);
            if (end == pt) { syntax_err(k, lit, NULL, err); goto done; }
            if (errno == ERANGE && (v == 0 || isinf(v))) {
                orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"%.*s\" is out of range for type sparsevec",
                            (int)(end - pt), pt);
                goto done;
            }
            if (vec_check_element(k, v, err)) goto done;
            if (v != 0) {
                el[nnz].index = (int32_t)(index - 1);
                el[nnz].value = v;
                nnz++;
            }
            pt = end;
            while (is_space(*pt)) pt++;
            if (*pt == ',') pt++;
            else if (*pt == '}') { pt++; break; }
            else { syntax_err(k, lit, NULL, err); goto done; }
        }
    }
    while (is_space(*pt)) pt++;
    if (*pt != '/') { syntax_err(k, lit, "Unexpected end of input.", err); goto done; }
    pt++;
    while (is_space(*pt)) pt++;
    errno = 0;
    long long dim = strtoll(pt, &end, 10);
    if (end == pt) { syntax_err(k, lit, NULL, err); goto done; }
    if (errno == ERANGE) dim = dim > 0 ? INT_MAX : INT_MIN;
    if (dim > INT_MAX) dim = INT_MAX;
    else if (dim < INT_MIN) dim = INT_MIN;
    pt = end;
    while (is_space(*pt)) pt++;
    if (*pt != '\0') { syntax_err(k, lit, "Junk after closing.", err); goto done; }
    if (vec_check_dim(k, dim, err) || vec_check_typmod(typmod, (int32_t)dim, err)) goto done;
    qsort(el, (size_t)nnz, sizeof *el, elem_cmp);
    int32_t *idx = malloc(sizeof(int32_t) * (size_t)(nnz + 1));
    float *val = malloc(sizeof(float) * (size_t)(nnz + 1));
    if (!idx || !val) {
        free(idx);
        free(val);
        orb_err_set(err, OUT_OF_MEMORY, "out of memory");
        goto done;
    }
    for (int i = 0; i < nnz; i++) {
        idx[i] = el[i].index;
        val[i] = el[i].value;
        if (idx[i] < 0) {
            orb_err_set(err, DATA_EXCEPTION, "sparsevec index out of bounds (< 1)");
            break;
        }
        if (idx[i] >= dim) {
            orb_err_set(err, DATA_EXCEPTION, "sparsevec index out of bounds (> dimensions)");
            break;
        }
        if (i > 0 && idx[i] == idx[i - 1]) {
            orb_err_set(err, DATA_EXCEPTION, "sparsevec indices must not contain duplicates");
            break;
        }
        if (i == nnz - 1) rc = 0;
    }
    if (nnz == 0) rc = 0;
    if (rc == 0) vec_sparse_build((int32_t)dim, nnz, idx, val, mcx, out);
    free(idx);
    free(val);
done:
    free(el);
    return rc;
}

int vec_value_in(vec_kind_t k, const char *s, size_t n, int32_t typmod, orb_mcx_t *mcx,
                 vec_bytes_t *out, orb_err_t *err) {
    char *lit = malloc(n + 1);
    if (!lit) return orb_err_set(err, OUT_OF_MEMORY, "out of memory");
    memcpy(lit, s, n);
    lit[n] = 0;
    /* a NUL inside the text ends the literal, as a C string would */
    int rc = k == VEC_KIND_SPARSEVEC ? sparse_in(lit, typmod, mcx, out, err)
                                     : dense_in(k, lit, typmod, mcx, out, err);
    free(lit);
    return rc;
}

/* ---- text output -------------------------------------------------------------------------- */
void vec_value_out(vec_kind_t k, const char *p, uint32_t n, orb_buf_t *out) {
    if (k == VEC_KIND_SPARSEVEC) {
        int32_t dim = get_i32(p), nnz = get_i32(p + 4);
        orb_buf_reserve(out, (size_t)nnz * 24 + 16);
        orb_buf_putc(out, '{');
        for (int32_t i = 0; i < nnz; i++) {
            float v;
            memcpy(&v, p + 8 + 4 * (size_t)nnz + 4 * (size_t)i, 4);
            if (i) orb_buf_putc(out, ',');
            orb_buf_printf(out, "%d:", get_i32(p + 8 + 4 * (size_t)i) + 1);
            orb_float_out(v, true, out);
        }
        orb_buf_printf(out, "}/%d", dim);
        return;
    }
    uint32_t esz = k == VEC_KIND_HALFVEC ? 2 : 4, dim = n / esz;
    orb_buf_reserve(out, (size_t)dim * 14 + 2);
    orb_buf_putc(out, '[');
    for (uint32_t i = 0; i < dim; i++) {
        float v;
        if (k == VEC_KIND_HALFVEC) {
            uint16_t h;
            memcpy(&h, p + 2 * (size_t)i, 2);
            v = vec_half_to_float(h);
        } else {
            memcpy(&v, p + 4 * (size_t)i, 4);
        }
        if (i) orb_buf_putc(out, ',');
        orb_float_out(v, true, out);
    }
    orb_buf_putc(out, ']');
}

/* ---- binary ------------------------------------------------------------------------------- */
void vec_value_send(vec_kind_t k, const char *p, uint32_t n, orb_buf_t *out) {
    if (k == VEC_KIND_SPARSEVEC) {
        int32_t nnz = get_i32(p + 4);
        orb_buf_put_be32(out, (uint32_t)get_i32(p));
        orb_buf_put_be32(out, (uint32_t)nnz);
        orb_buf_put_be32(out, 0);
        for (int32_t i = 0; i < 2 * nnz; i++) orb_buf_put_be32(out, (uint32_t)get_i32(p + 8 + 4 * (size_t)i));
        return;
    }
    uint32_t esz = k == VEC_KIND_HALFVEC ? 2 : 4, dim = n / esz;
    orb_buf_put_be16(out, (uint16_t)dim);
    orb_buf_put_be16(out, 0);
    for (uint32_t i = 0; i < dim; i++) {
        if (esz == 2) {
            uint16_t h;
            memcpy(&h, p + 2 * (size_t)i, 2);
            orb_buf_put_be16(out, h);
        } else {
            orb_buf_put_be32(out, (uint32_t)get_i32(p + 4 * (size_t)i));
        }
    }
}

int vec_value_recv(vec_kind_t k, const char *d, size_t n, int32_t typmod, orb_mcx_t *mcx,
                   vec_bytes_t *out, orb_err_t *err) {
    if (k == VEC_KIND_SPARSEVEC) {
        if (n < 12) return bad_binary(err);
        int32_t dim = (int32_t)orb_get_be32(d), nnz = (int32_t)orb_get_be32(d + 4),
                unused = (int32_t)orb_get_be32(d + 8);
        if (vec_check_dim(k, dim, err)) return -1;
        if (nnz < 0)
            return orb_err_set(err, DATA_EXCEPTION, "sparsevec cannot have negative number of elements");
        if (nnz > VEC_SPARSE_MAX_NNZ)
            return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED,
                               "sparsevec cannot have more than %d non-zero elements", VEC_SPARSE_MAX_NNZ);
        if (nnz > dim)
            return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED,
                               "sparsevec cannot have more elements than dimensions");
        if (vec_check_typmod(typmod, dim, err)) return -1;
        if (unused != 0)
            return orb_err_set(err, DATA_EXCEPTION, "expected unused to be 0, not %d", unused);
        if (n != 12 + 8 * (size_t)nnz) return bad_binary(err);
        int32_t *idx = orb_alloc(mcx, 4 * (size_t)nnz + 4);
        float *val = orb_alloc(mcx, 4 * (size_t)nnz + 4);
        for (int32_t i = 0; i < nnz; i++) {
            idx[i] = (int32_t)orb_get_be32(d + 12 + 4 * (size_t)i);
            if (idx[i] < 0) return orb_err_set(err, DATA_EXCEPTION, "sparsevec index out of bounds (< 1)");
            if (idx[i] >= dim)
                return orb_err_set(err, DATA_EXCEPTION, "sparsevec index out of bounds (> dimensions)");
            if (i > 0 && idx[i] < idx[i - 1])
                return orb_err_set(err, DATA_EXCEPTION, "sparsevec indices must be in ascending order");
            if (i > 0 && idx[i] == idx[i - 1])
                return orb_err_set(err, DATA_EXCEPTION, "sparsevec indices must not contain duplicates");
        }
        for (int32_t i = 0; i < nnz; i++) {
            uint32_t u = orb_get_be32(d + 12 + 4 * (size_t)nnz + 4 * (size_t)i);
            memcpy(&val[i], &u, 4);
            if (vec_check_element(k, val[i], err)) return -1;
            if (val[i] == 0)
                return orb_err_set(err, DATA_EXCEPTION,
                                   "binary representation of sparsevec cannot contain zero values");
        }
        vec_sparse_build(dim, nnz, idx, val, mcx, out);
        return 0;
    }
    if (n < 4) return bad_binary(err);
    int16_t dim = (int16_t)orb_get_be16(d), unused = (int16_t)orb_get_be16(d + 2);
    if (vec_check_dim(k, dim, err) || vec_check_typmod(typmod, dim, err)) return -1;
    if (unused != 0) return orb_err_set(err, DATA_EXCEPTION, "expected unused to be 0, not %d", unused);
    uint32_t esz = k == VEC_KIND_HALFVEC ? 2 : 4;
    if (n != 4 + esz * (size_t)dim) return bad_binary(err);
    char *c = orb_alloc(mcx, esz * (size_t)dim + 1);
    for (int i = 0; i < dim; i++) {
        float v;
        if (esz == 2) {
            uint16_t h = orb_get_be16(d + 4 + 2 * (size_t)i);
            v = vec_half_to_float(h);
            memcpy(c + 2 * (size_t)i, &h, 2);
        } else {
            uint32_t u = orb_get_be32(d + 4 + 4 * (size_t)i);
            memcpy(&v, &u, 4);
            memcpy(c + 4 * (size_t)i, &v, 4);
        }
        if (vec_check_element(k, v, err)) return -1;
    }
    c[esz * (size_t)dim] = 0;
    out->p = c;
    out->n = esz * (uint32_t)dim;
    return 0;
}

/* ---- order -------------------------------------------------------------------------------- */
static float elem_at(vec_kind_t k, const char *p, uint32_t i) {
    if (k == VEC_KIND_HALFVEC) {
        uint16_t h;
        memcpy(&h, p + 2 * (size_t)i, 2);
        return vec_half_to_float(h);
    }
    float v;
    memcpy(&v, p + 4 * (size_t)i, 4);
    return v;
}

/* Dense order over min(dim) (a missing sparse entry is 0), then the dimensions: pgvector's
 * sparsevec_cmp_internal gives the same order. */
static int sparse_cmp(const char *a, const char *b) {
    int32_t ad = get_i32(a), bd = get_i32(b), an = get_i32(a + 4), bn = get_i32(b + 4);
    int32_t lim = ad < bd ? ad : bd, i = 0, j = 0;
    for (;;) {
        int32_t ai = i < an ? get_i32(a + 8 + 4 * (size_t)i) : INT32_MAX;
        int32_t bi = j < bn ? get_i32(b + 8 + 4 * (size_t)j) : INT32_MAX;
        int32_t at = ai < bi ? ai : bi;
        if (at >= lim) break;
        float av = 0, bv = 0;
        if (ai == at) { memcpy(&av, a + 8 + 4 * (size_t)an + 4 * (size_t)i, 4); i++; }
        if (bi == at) { memcpy(&bv, b + 8 + 4 * (size_t)bn + 4 * (size_t)j, 4); j++; }
        if (av < bv) return -1;
        if (av > bv) return 1;
    }
    return ad < bd ? -1 : ad > bd;
}

int vec_value_cmp(vec_kind_t k, const char *a, uint32_t an, const char *b, uint32_t bn) {
    if (k == VEC_KIND_SPARSEVEC) return sparse_cmp(a, b);
    uint32_t esz = k == VEC_KIND_HALFVEC ? 2 : 4, ad = an / esz, bd = bn / esz;
    uint32_t m = ad < bd ? ad : bd;
    for (uint32_t i = 0; i < m; i++) {
        float x = elem_at(k, a, i), y = elem_at(k, b, i);
        if (x < y) return -1;
        if (x > y) return 1;
    }
    return ad < bd ? -1 : ad > bd;
}
