/* vector/vec_kernel.c — exact distance kernels: dense float loops (the sums stay sequential,
 * in pgvector's accumulation types and order, so results agree with its scalar build bit for
 * bit; gcc vectorises only the element-wise loops), sparse merges,
 * bit popcounts, and OpenBLAS batches (cblas_sgemm) for many-vs-many. Inputs are aligned
 * arrays: callers get them from vec_vector_view & co. See vector/README.md. */
#include "vector.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__)
/* Debug builds compile at -O0; the kernels are still worth vectorising. */
#pragma GCC optimize("O2", "tree-vectorize")
#endif

#if defined(__x86_64__) && defined(__gnu_linux__) && !defined(__SANITIZE_ADDRESS__)
#define VEC_DISPATCH __attribute__((target_clones("default", "avx2", "fma")))
#else
#define VEC_DISPATCH
#endif

VEC_DISPATCH float vec_l2_sq_f32(const float *a, const float *b, size_t n) {
    float d = 0;
    for (size_t i = 0; i < n; i++) {
        float t = a[i] - b[i];
        d += t * t;
    }
    return d;
}

VEC_DISPATCH float vec_ip_f32(const float *a, const float *b, size_t n) {
    float d = 0;
    for (size_t i = 0; i < n; i++) d += a[i] * b[i];
    return d;
}

VEC_DISPATCH float vec_l1_f32(const float *a, const float *b, size_t n) {
    float d = 0;
    for (size_t i = 0; i < n; i++) d += fabsf(a[i] - b[i]);
    return d;
}

static double cosine_from(float ip, float na, float nb) {
    /* sqrt(a * b) rather than sqrt(a) * sqrt(b), as pgvector */
    double sim = (double)ip / sqrt((double)na * (double)nb);
    if (sim > 1) sim = 1.0;
    else if (sim < -1) sim = -1.0;
    return 1.0 - sim; /* NaN stays NaN */
}

VEC_DISPATCH double vec_cosine_f32(const float *a, const float *b, size_t n) {
    float ip = 0, na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        ip += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return cosine_from(ip, na, nb);
}

VEC_DISPATCH double vec_norm_f32(const float *a, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * (double)a[i];
    return sqrt(s);
}

static int overflow(orb_err_t *err) {
    return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
}

int vec_normalize_f32(const float *x, size_t n, float *out, orb_err_t *err) {
    double norm = vec_norm_f32(x, n);
    if (!(norm > 0)) {
        memset(out, 0, n * sizeof *out);
        return 0;
    }
    for (size_t i = 0; i < n; i++) out[i] = (float)(x[i] / norm);
    for (size_t i = 0; i < n; i++)
        if (isinf(out[i])) return overflow(err);
    return 0;
}

int vec_arith_f32(char op, const float *a, const float *b, size_t n, float *out, orb_err_t *err) {
    switch (op) {
    case '+': for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case '-': for (size_t i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    default: for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    }
    for (size_t i = 0; i < n; i++) {
        if (isinf(out[i])) return overflow(err);
        if (op == '*' && out[i] == 0 && !(a[i] == 0 || b[i] == 0))
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
    }
    return 0;
}

/* ---- sparse: merges in index order (pgvector's summation order) --------------------------- */
float vec_sparse_l2_sq(const vec_sparse_t *a, const vec_sparse_t *b) {
    float d = 0;
    int32_t i = 0, j = 0;
    while (i < a->nnz || j < b->nnz) {
        if (j >= b->nnz || (i < a->nnz && a->idx[i] < b->idx[j])) {
            d += a->val[i] * a->val[i];
            i++;
        } else if (i >= a->nnz || b->idx[j] < a->idx[i]) {
            d += b->val[j] * b->val[j];
            j++;
        } else {
            float t = a->val[i] - b->val[j];
            d += t * t;
            i++;
            j++;
        }
    }
    return d;
}

float vec_sparse_ip(const vec_sparse_t *a, const vec_sparse_t *b) {
    float d = 0;
    int32_t i = 0, j = 0;
    while (i < a->nnz && j < b->nnz) {
        if (a->idx[i] < b->idx[j]) i++;
        else if (a->idx[i] > b->idx[j]) j++;
        else d += a->val[i++] * b->val[j++];
    }
    return d;
}

float vec_sparse_l1(const vec_sparse_t *a, const vec_sparse_t *b) {
    float d = 0;
    int32_t i = 0, j = 0;
    while (i < a->nnz || j < b->nnz) {
        if (j >= b->nnz || (i < a->nnz && a->idx[i] < b->idx[j])) d += fabsf(a->val[i++]);
        else if (i >= a->nnz || b->idx[j] < a->idx[i]) d += fabsf(b->val[j++]);
        else {
            d += fabsf(a->val[i] - b->val[j]);
            i++;
            j++;
        }
    }
    return d;
}

double vec_sparse_cosine(const vec_sparse_t *a, const vec_sparse_t *b) {
    float ip = vec_sparse_ip(a, b), na = 0, nb = 0;
    for (int32_t i = 0; i < a->nnz; i++) na += a->val[i] * a->val[i];
    for (int32_t i = 0; i < b->nnz; i++) nb += b->val[i] * b->val[i];
    return cosine_from(ip, na, nb);
}

double vec_sparse_norm(const vec_sparse_t *a) { return vec_norm_f32(a->val, (size_t)a->nnz); }

/* ---- bits --------------------------------------------------------------------------------- */
uint64_t vec_bit_hamming(const uint8_t *a, const uint8_t *b, size_t nbytes) {
    uint64_t d = 0;
    size_t i = 0;
    for (; i + 8 <= nbytes; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        d += (uint64_t)__builtin_popcountll(x ^ y);
    }
    for (; i < nbytes; i++) d += (uint64_t)__builtin_popcount((unsigned)(a[i] ^ b[i]));
    return d;
}

double vec_bit_jaccard(const uint8_t *a, const uint8_t *b, size_t nbytes) {
    uint64_t ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < nbytes; i++) {
        ab += (uint64_t)__builtin_popcount((unsigned)(a[i] & b[i]));
        aa += (uint64_t)__builtin_popcount(a[i]);
        bb += (uint64_t)__builtin_popcount(b[i]);
    }
    if (ab == 0) return 1; /* pgvector: no common bits (and 0/0) is distance 1 */
    return 1 - (double)ab / (double)(aa + bb - ab);
}

/* ---- OpenBLAS batches --------------------------------------------------------------------- */
void vec_batch_ip(const float *X, size_t nx, const float *Y, size_t ny, size_t dim, float *out) {
    if (nx == 0 || ny == 0) return;
    if (dim == 0) {
        memset(out, 0, nx * ny * sizeof *out);
        return;
    }
    /* out (nx x ny) = X (nx x dim) * Y^T (dim x ny) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nx, (int)ny, (int)dim, 1.0f, X,
                (int)dim, Y, (int)dim, 0.0f, out, (int)ny);
}

void vec_batch_l2(const float *X, size_t nx, const float *Y, size_t ny, size_t dim, float *out) {
    if (nx == 0 || ny == 0) return;
    float *nxs = malloc(nx * sizeof(float)), *nys = malloc(ny * sizeof(float));
    if (!nxs || !nys) orb_panic("out of memory in vec_batch_l2");
    for (size_t i = 0; i < nx; i++) nxs[i] = vec_ip_f32(X + i * dim, X + i * dim, dim);
    for (size_t j = 0; j < ny; j++) nys[j] = vec_ip_f32(Y + j * dim, Y + j * dim, dim);
    vec_batch_ip(X, nx, Y, ny, dim, out);
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
            float d = nxs[i] + nys[j] - 2 * out[i * ny + j];
            out[i * ny + j] = d > 0 ? d : 0;
        }
    free(nxs);
    free(nys);
}
