/* vector/vec_simd.c — index distance kernels (vec_simd.h). Debian's libfaiss.a is built for
 * baseline x86-64, where faiss 1.7.3's fvec_L2sqr & co. fall back to one scalar add per
 * element (a dependency chain of 128 adds for vector(128)); the HNSW and IVFFlat wrappers use
 * these instead. Each kernel keeps 32 independent partial sums in gcc vector types (four
 * 8-lane accumulators), so the compiler emits packed loads and FMAs without -ffast-math;
 * an AVX2+FMA copy of each kernel is compiled with a target attribute and picked once with
 * __builtin_cpu_supports (no ifunc, so sanitizer builds work the same way). */
#include "vector/vec_simd.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__)
/* Debug builds compile at -O0; these loops are only worth it optimised. */
#pragma GCC optimize("O2")
#endif

typedef float v8sf __attribute__((vector_size(32)));

/* Macros, not functions: a vector argument or return value wider than the baseline's
 * registers would change the ABI between the two targets (gcc's -Wpsabi). */
#define LOAD8(v, p) memcpy(&(v), (p), sizeof(v)) /* any alignment */

/* One body per kernel, instantiated for each target: PAIR adds the term of 8 lanes to an
 * accumulator, LANE is the term of one element (the tail). Four accumulators of 8 lanes:
 * enough independent sums to hide the FMA latency. */
#define KERNEL(name, attr, PAIR, LANE)                                                            \
    attr static float name(const float *a, const float *b, size_t n) {                           \
        v8sf acc0 = {0}, acc1 = {0}, acc2 = {0}, acc3 = {0}, x, y;                                \
        size_t i = 0;                                                                             \
        for (; i + 32 <= n; i += 32) {                                                            \
            LOAD8(x, a + i);                                                                      \
            LOAD8(y, b + i);                                                                      \
            PAIR(acc0, x, y);                                                                     \
            LOAD8(x, a + i + 8);                                                                  \
            LOAD8(y, b + i + 8);                                                                  \
            PAIR(acc1, x, y);                                                                     \
            LOAD8(x, a + i + 16);                                                                 \
            LOAD8(y, b + i + 16);                                                                 \
            PAIR(acc2, x, y);                                                                     \
            LOAD8(x, a + i + 24);                                                                 \
            LOAD8(y, b + i + 24);                                                                 \
            PAIR(acc3, x, y);                                                                     \
        }                                                                                         \
        for (; i + 8 <= n; i += 8) {                                                              \
            LOAD8(x, a + i);                                                                      \
            LOAD8(y, b + i);                                                                      \
            PAIR(acc0, x, y);                                                                     \
        }                                                                                         \
        acc0 += acc1;                                                                             \
        acc2 += acc3;                                                                             \
        acc0 += acc2;                                                                             \
        float s = 0;                                                                              \
        for (int l = 0; l < 8; l++) s += acc0[l];                                                 \
        for (; i < n; i++) s += LANE(a[i], b[i]);                                                 \
        return s;                                                                                 \
    }

#define L2_PAIR(acc, x, y) ((x) -= (y), (acc) += (x) * (x))
#define L2_LANE(x, y) (((x) - (y)) * ((x) - (y)))
#define IP_PAIR(acc, x, y) ((acc) += (x) * (y))
#define IP_LANE(x, y) ((x) * (y))
#define L1_PAIR(acc, x, y)                                                                        \
    do {                                                                                          \
        (x) -= (y);                                                                               \
        for (int l_ = 0; l_ < 8; l_++) (acc)[l_] += fabsf((x)[l_]);                               \
    } while (0)
#define L1_LANE(x, y) fabsf((x) - (y))

#define BASE_ATTR
#if defined(__x86_64__) && defined(__GNUC__)
#define FAST_ATTR __attribute__((target("avx2,fma")))
#define HAVE_FAST 1
#else
#define HAVE_FAST 0
#endif

KERNEL(l2_base, BASE_ATTR, L2_PAIR, L2_LANE)
KERNEL(ip_base, BASE_ATTR, IP_PAIR, IP_LANE)
KERNEL(l1_base, BASE_ATTR, L1_PAIR, L1_LANE)
#if HAVE_FAST
KERNEL(l2_fast, FAST_ATTR, L2_PAIR, L2_LANE)
KERNEL(ip_fast, FAST_ATTR, IP_PAIR, IP_LANE)
KERNEL(l1_fast, FAST_ATTR, L1_PAIR, L1_LANE)
#endif

static bool use_fast(void) {
#if HAVE_FAST
    /* __builtin_cpu_supports reads data libgcc fills before main; idempotent, so racing first
     * callers compute the same answer */
    static int cached = -1;
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c < 0) {
        __builtin_cpu_init();
        c = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    return c;
#else
    return false;
#endif
}

float vec_simd_l2_sq(const float *a, const float *b, size_t n) {
#if HAVE_FAST
    if (use_fast()) return l2_fast(a, b, n);
#endif
    return l2_base(a, b, n);
}

float vec_simd_ip(const float *a, const float *b, size_t n) {
#if HAVE_FAST
    if (use_fast()) return ip_fast(a, b, n);
#endif
    return ip_base(a, b, n);
}

float vec_simd_l1(const float *a, const float *b, size_t n) {
#if HAVE_FAST
    if (use_fast()) return l1_fast(a, b, n);
#endif
    return l1_base(a, b, n);
}
