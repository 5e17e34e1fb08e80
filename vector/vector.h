/* vector/vector.h — public header of the vector layer (prefix vec_): the pgvector-compatible
 * value formats (vector, halfvec, sparsevec, bit strings), their text and binary forms, and
 * the distance kernels (single pairs and OpenBLAS batches). Pure C; no SQL knowledge.
 * Errors are orb_err_t with pgvector 0.8's messages and SQLSTATEs. See vector/README.md. */
#ifndef ORB_VECTOR_H
#define ORB_VECTOR_H

#include "../common/common.h"

/* ---- value byte formats -------------------------------------------------------------------
 * Values are plain byte strings (sql_value_t.v.s, storage bin datums). The bytes may sit at
 * any address: readers copy or use vec_*_view, never cast a misaligned pointer.
 *   vector    float32[dim], host byte order; dim = nbytes / 4, 1..VEC_MAX_DIM.
 *   halfvec   IEEE binary16 (uint16)[dim], host byte order; dim = nbytes / 2.
 *   sparsevec int32 dim, int32 nnz, int32 indices[nnz] (0-based, strictly increasing),
 *             float32 values[nnz] (never 0), host byte order; nbytes = 8 + 8 * nnz.
 *   bit       uint32 bit length, then ceil(len / 8) bytes, most significant bit first,
 *             unused trailing bits zero (PostgreSQL's VarBit bit order). Used for bit(n) and
 *             bit varying(n) alike. */
#define VEC_MAX_DIM 16000
#define VEC_SPARSE_MAX_DIM 1000000000
#define VEC_SPARSE_MAX_NNZ 16000
#define VEC_BIT_MAX_LEN 83886080 /* PostgreSQL's VARBITMAXLEN */

typedef enum vec_kind {
    VEC_KIND_VECTOR = 0,
    VEC_KIND_HALFVEC,
    VEC_KIND_SPARSEVEC,
} vec_kind_t;

const char *vec_kind_name(vec_kind_t k); /* "vector", "halfvec", "sparsevec" */

/* A value's bytes (borrowed or allocated in an mcx, as each function says). */
typedef struct vec_bytes {
    const char *p;
    uint32_t n;
} vec_bytes_t;

/* Sparse vector decoded to aligned arrays. */
typedef struct vec_sparse {
    int32_t dim;
    int32_t nnz;
    const int32_t *idx; /* 0-based, increasing */
    const float *val;
} vec_sparse_t;

/* ---- validation and views ---------------------------------------------------------------- */
/* Number of dimensions of a value; -1 when the bytes are not a well-formed value of kind
 * (wrong length, bad sparse header). Cheap: looks at lengths and the header only. */
int32_t vec_value_dims(vec_kind_t k, const char *p, uint32_t n);
/* Full check of stored/received bytes: 22P03 "incorrect binary data format" when malformed. */
int vec_value_check(vec_kind_t k, const char *p, uint32_t n, orb_err_t *err);
/* An aligned float[dim] view of a vector value: p itself when 4-byte aligned, else a copy
 * allocated in mcx. */
const float *vec_vector_view(const char *p, uint32_t n, orb_mcx_t *mcx);
/* halfvec decoded to float[dim], allocated in mcx. */
float *vec_halfvec_to_floats(const char *p, uint32_t n, orb_mcx_t *mcx);
/* A sparse view; arrays point into p when aligned, else into copies in mcx. */
void vec_sparse_view(const char *p, uint32_t n, orb_mcx_t *mcx, vec_sparse_t *out);

/* ---- builders (allocate the result in mcx) ------------------------------------------------ */
/* dim floats -> vector bytes (no checks). */
void vec_vector_build(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out);
/* dim floats -> halfvec bytes; 22003 "\"65520\" is out of range for type halfvec" when an
 * element overflows binary16 (the float is printed as float4out does). */
int vec_halfvec_build(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out,
                      orb_err_t *err);
/* Sparse bytes from nnz (index, value) pairs (0-based, increasing, non-zero values). */
void vec_sparse_build(int32_t dim, int32_t nnz, const int32_t *idx, const float *val,
                      orb_mcx_t *mcx, vec_bytes_t *out);
/* Dense floats -> sparse (zeros dropped). */
void vec_sparse_from_dense(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out);
/* Sparse -> dense floats (allocated in mcx, dim elements). */
float *vec_sparse_to_dense(const vec_sparse_t *s, orb_mcx_t *mcx);

/* ---- checks shared with sql/ --------------------------------------------------------------- */
/* pgvector's CheckDim: 22000 "vector must have at least 1 dimension", 54000 "vector cannot
 * have more than 16000 dimensions" (sparsevec: 1000000000). */
int vec_check_dim(vec_kind_t k, int64_t dim, orb_err_t *err);
/* typmod (-1: none) against dim: 22000 "expected 3 dimensions, not 2". */
int vec_check_typmod(int32_t typmod, int32_t dim, orb_err_t *err);
/* Finite element: 22000 "NaN not allowed in vector", "infinite value not allowed in vector". */
int vec_check_element(vec_kind_t k, float v, orb_err_t *err);
/* Same dims for a binary operation: 22000 "different vector dimensions 2 and 1". */
int vec_check_same_dims(vec_kind_t k, int32_t a, int32_t b, orb_err_t *err);
/* typmod input (vector(n)): 22023 "invalid type modifier", "dimensions for type vector must
 * be at least 1", "dimensions for type vector cannot exceed 16000". */
int vec_typmod_in(vec_kind_t k, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err);

/* ---- text and binary forms ----------------------------------------------------------------- */
/* Text input exactly as pgvector's vector_in / halfvec_in / sparsevec_in (whitespace rules,
 * 22P02 with its details, range and dimension errors). typmod -1: none. Result in mcx. */
int vec_value_in(vec_kind_t k, const char *s, size_t n, int32_t typmod, orb_mcx_t *mcx,
                 vec_bytes_t *out, orb_err_t *err);
/* Text output: "[1,2.5,3]" / "{1:1.5,3:2}/5" with float4out digits. Appends to out. */
void vec_value_out(vec_kind_t k, const char *p, uint32_t n, orb_buf_t *out);
/* pgvector's binary send/recv (big-endian): vector/halfvec int16 dim, int16 unused, elements;
 * sparsevec int32 dim, int32 nnz, int32 unused, int32 indices (0-based), float4 values. recv
 * errors: 22P03 on short/long data, pgvector's checks otherwise. */
void vec_value_send(vec_kind_t k, const char *p, uint32_t n, orb_buf_t *out);
int vec_value_recv(vec_kind_t k, const char *d, size_t n, int32_t typmod, orb_mcx_t *mcx,
                   vec_bytes_t *out, orb_err_t *err);

/* Total order of pgvector's btree operator class (vector_cmp / halfvec_cmp /
 * sparsevec_cmp): element-wise (missing sparse entries are 0), then by dimensions. */
int vec_value_cmp(vec_kind_t k, const char *a, uint32_t an, const char *b, uint32_t bn);

/* ---- halfvec elements ---------------------------------------------------------------------- */
float vec_half_to_float(uint16_t h);
/* Round to nearest even; values of 65520 and more in magnitude become infinity. */
uint16_t vec_half_from_float(float f);

/* ---- bit strings (PostgreSQL bit / bit varying) -------------------------------------------- */
int32_t vec_bit_len(const char *p, uint32_t n); /* -1 when malformed */
/* Text input as PostgreSQL's bit_in/varbit_in: '0101', 'B0101'/'b0101', 'X1F'/'x1f'.
 * 22P02 "\"2\" is not a valid binary digit" / "... hexadecimal digit". typmod: bit(n) wants
 * exactly n bits (is_varbit false: 22026 "bit string length 3 does not match type bit(4)"),
 * bit varying(n) at most n (22001 "bit string too long for type bit varying(3)"). */
int vec_bit_in(const char *s, size_t n, bool is_varbit, int32_t typmod, orb_mcx_t *mcx,
               vec_bytes_t *out, orb_err_t *err);
void vec_bit_out(const char *p, uint32_t n, orb_buf_t *out);
/* Length coercion as PostgreSQL's bit()/varbit() casts: explicit pads with zeros or
 * truncates bit(n); otherwise the errors of vec_bit_in. */
int vec_bit_coerce(const char *p, uint32_t n, bool is_varbit, int32_t typmod, bool explicit_,
                   orb_mcx_t *mcx, vec_bytes_t *out, orb_err_t *err);
/* PostgreSQL's bit_send/bit_recv: int32 bit length, then the bytes. */
void vec_bit_send(const char *p, uint32_t n, orb_buf_t *out);
int vec_bit_recv(const char *d, size_t n, bool is_varbit, int32_t typmod, orb_mcx_t *mcx,
                 vec_bytes_t *out, orb_err_t *err);
/* PostgreSQL's bitcmp: bytewise over the common length, then the shorter first. */
int vec_bit_cmp(const char *a, uint32_t an, const char *b, uint32_t bn);
/* binary_quantize: bit i is set when x[i] > 0. */
void vec_bit_quantize(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out);

/* ---- exact kernels (aligned inputs; sequential sums; the indexes use vec_simd.h) ---------- */
/* float accumulation as pgvector (so results match it bit for bit). */
float vec_l2_sq_f32(const float *a, const float *b, size_t n);
float vec_ip_f32(const float *a, const float *b, size_t n);
float vec_l1_f32(const float *a, const float *b, size_t n);
/* 1 - a.b / sqrt(|a|^2 |b|^2), clamped to [0, 2]; NaN for a zero vector. */
double vec_cosine_f32(const float *a, const float *b, size_t n);
/* sqrt of the double sum of squares. */
double vec_norm_f32(const float *a, size_t n);
/* x / |x| into out (zeros for a zero vector); 22003 "value out of range: overflow". */
int vec_normalize_f32(const float *x, size_t n, float *out, orb_err_t *err);
/* Element-wise +, -, * with pgvector's overflow (22003 "value out of range: overflow") and,
 * for *, underflow checks. op is '+', '-' or '*'. */
int vec_arith_f32(char op, const float *a, const float *b, size_t n, float *out, orb_err_t *err);

/* Sparse kernels (same dims assumed; the caller checks). */
float vec_sparse_l2_sq(const vec_sparse_t *a, const vec_sparse_t *b);
float vec_sparse_ip(const vec_sparse_t *a, const vec_sparse_t *b);
float vec_sparse_l1(const vec_sparse_t *a, const vec_sparse_t *b);
double vec_sparse_cosine(const vec_sparse_t *a, const vec_sparse_t *b);
double vec_sparse_norm(const vec_sparse_t *a);

/* Bits: nbytes of each; hamming counts differing bits, jaccard is 1 - |a&b| / |a|b|
 * (1 when both are all zero, as pgvector). */
uint64_t vec_bit_hamming(const uint8_t *a, const uint8_t *b, size_t nbytes);
double vec_bit_jaccard(const uint8_t *a, const uint8_t *b, size_t nbytes);

/* Batches with OpenBLAS (cblas_sgemm): X is nx rows of dim floats, Y ny rows, row-major;
 * out[i * ny + j] is the inner product (ip) or squared L2 distance (l2, computed as
 * |x|^2 + |y|^2 - 2 x.y and clamped at 0) of X[i] and Y[j]. Any thread may call; BLAS thread
 * counts are set once at startup (STYLE.md section 5). */
void vec_batch_ip(const float *X, size_t nx, const float *Y, size_t ny, size_t dim, float *out);
void vec_batch_l2(const float *X, size_t nx, const float *Y, size_t ny, size_t dim, float *out);

#endif
