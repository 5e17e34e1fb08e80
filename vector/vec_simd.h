/* vector/vec_simd.h — the distance kernels of the vector indexes (vec_simd.c): squared L2,
 * inner product and L1 over float arrays at any alignment, summed in 16-lane blocks (so the
 * order of additions differs from the exact kernels of vector.h, which follow pgvector's
 * sequential sums). The index only ranks candidates with them; distances a query prints are
 * computed again by the exact kernels. Plain C, also included from C++ (vec_faiss.cpp). */
#ifndef ORB_VEC_SIMD_H
#define ORB_VEC_SIMD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef float (*vec_simd_fn)(const float *a, const float *b, size_t n);

/* The best variant for this CPU (AVX2 + FMA when present, else baseline SSE2), chosen at the
 * first call and fixed afterwards; safe from any thread. */
float vec_simd_l2_sq(const float *a, const float *b, size_t n);
float vec_simd_ip(const float *a, const float *b, size_t n);
float vec_simd_l1(const float *a, const float *b, size_t n);

#ifdef __cplusplus
}
#endif

#endif
