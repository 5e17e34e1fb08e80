/* tests/unit/vector/test_vec_kernel.c — distance kernels against hand-computed values
 * (pgvector's documented results), sparse merges against their dense equivalents, bit
 * distances, and the OpenBLAS batches against the single-pair kernels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit_vector.h"
#include "vector/vec_simd.h"
#include "vector/vector.h"

static void test_dense_distances(void **state) {
    float a[] = {0, 0}, b[] = {3, 4};
    assert_true(vec_l2_sq_f32(a, b, 2) == 25.0f);
    assert_true(sqrt(vec_l2_sq_f32(a, b, 2)) == 5.0);
    assert_true(vec_l1_f32(a, b, 2) == 7.0f);
    float c[] = {1, 2}, d[] = {3, 4};
    assert_true(vec_ip_f32(c, d, 2) == 11.0f);
    float e[] = {2, 4};
    assert_true(vec_cosine_f32(c, e, 2) == 0.0);
    float f[] = {-1, -1}, g[] = {1, 1}, z[] = {0, 0};
    assert_true(vec_cosine_f32(g, f, 2) == 2.0);
    assert_true(isnan(vec_cosine_f32(c, z, 2)));
    float h[] = {1, 0}, i[] = {0, 2};
    assert_true(vec_cosine_f32(h, i, 2) == 1.0);
    assert_true(vec_norm_f32(b, 2) == 5.0);
    float big[] = {3e38f}, nbig[] = {-3e38f};
    assert_true(isinf(sqrt(vec_l2_sq_f32(big, nbig, 1))));
    /* 9 elements: the vectorised body plus a tail */
    float p[] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, q[] = {1, 1, 1, 1, 1, 1, 1, 4, 5};
    assert_true(vec_l2_sq_f32(p, q, 9) == 25.0f);
    float r[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_true(vec_ip_f32(p, r, 9) == 45.0f);
}

static void test_normalize_and_arith(void **state) {
    orb_err_t err;
    float a[] = {3, 4}, out[2];
    assert_int_equal(vec_normalize_f32(a, 2, out, &err), 0);
    assert_true(out[0] == 0.6f && out[1] == 0.8f);
    float z[] = {0, 0};
    assert_int_equal(vec_normalize_f32(z, 2, out, &err), 0);
    assert_true(out[0] == 0 && out[1] == 0);
    float x[] = {1, 2, 3}, y[] = {4, 5, 6}, r[3];
    assert_int_equal(vec_arith_f32('+', x, y, 3, r, &err), 0);
    assert_true(r[0] == 5 && r[1] == 7 && r[2] == 9);
    assert_int_equal(vec_arith_f32('*', x, y, 3, r, &err), 0);
    assert_true(r[2] == 18);
    float big[] = {3e38f};
    assert_int_equal(vec_arith_f32('+', big, big, 1, r, &err), -1);
    assert_string_equal(err.message, "value out of range: overflow");
    float tiny[] = {1e-37f};
    assert_int_equal(vec_arith_f32('*', tiny, tiny, 1, r, &err), -1);
    assert_string_equal(err.message, "value out of range: underflow");
}

static void test_sparse_matches_dense(void **state) {
    int32_t ai[] = {0, 2, 4}, bi[] = {1, 2, 3};
    float av[] = {1, 3, 5}, bv[] = {4, 6, 8};
    vec_sparse_t a = {5, 3, ai, av}, b = {5, 3, bi, bv};
    float ad[] = {1, 0, 3, 0, 5}, bd[] = {0, 4, 6, 8, 0};
    assert_true(vec_sparse_ip(&a, &b) == 18.0f);
    assert_true(vec_sparse_ip(&a, &b) == vec_ip_f32(ad, bd, 5));
    assert_true(vec_sparse_l2_sq(&a, &b) == vec_l2_sq_f32(ad, bd, 5));
    assert_true(vec_sparse_l1(&a, &b) == vec_l1_f32(ad, bd, 5));
    assert_true(fabs(vec_sparse_cosine(&a, &b) - vec_cosine_f32(ad, bd, 5)) < 1e-7);
    assert_true(vec_sparse_norm(&a) == vec_norm_f32(ad, 5));
    vec_sparse_t e = {5, 0, NULL, NULL};
    assert_true(vec_sparse_l2_sq(&e, &b) == 116.0f);
    assert_true(isnan(vec_sparse_cosine(&e, &e)));
}

static void test_bit_distances(void **state) {
    uint8_t a[] = {0xF0}, b[] = {0xE0}, z[] = {0};
    assert_int_equal(vec_bit_hamming(a, b, 1), 1);
    assert_true(vec_bit_jaccard(a, b, 1) == 0.25);
    assert_true(vec_bit_jaccard(z, z, 1) == 1.0);
    uint8_t l1[65], l2[65];
    memset(l1, 0xAA, sizeof l1);
    memset(l2, 0x55, sizeof l2);
    assert_int_equal(vec_bit_hamming(l1, l2, sizeof l1), 520);
    assert_true(vec_bit_jaccard(l1, l2, sizeof l1) == 1.0);
    assert_true(vec_bit_jaccard(l1, l1, sizeof l1) == 0.0);
}

static void test_batch_matches_pairs(void **state) {
    enum { NX = 7, NY = 5, DIM = 13 };
    float X[NX * DIM], Y[NY * DIM], ip[NX * NY], l2[NX * NY];
    srand(42);
    for (int i = 0; i < NX * DIM; i++) X[i] = (float)(rand() % 200 - 100) / 10;
    for (int i = 0; i < NY * DIM; i++) Y[i] = (float)(rand() % 200 - 100) / 10;
    vec_batch_ip(X, NX, Y, NY, DIM, ip);
    vec_batch_l2(X, NX, Y, NY, DIM, l2);
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) {
            float want_ip = vec_ip_f32(X + i * DIM, Y + j * DIM, DIM);
            float want_l2 = vec_l2_sq_f32(X + i * DIM, Y + j * DIM, DIM);
            assert_true(fabsf(ip[i * NY + j] - want_ip) <= 1e-3f * (1 + fabsf(want_ip)));
            assert_true(fabsf(l2[i * NY + j] - want_l2) <= 1e-3f * (1 + fabsf(want_l2)));
        }
    /* one query against itself: distance 0, never negative */
    vec_batch_l2(X, 1, X, 1, DIM, l2);
    assert_true(l2[0] >= 0 && l2[0] < 1e-3f);
}

/* The index kernels sum in another order; on integer-valued elements every partial sum is
 * exact, so they must equal the sequential kernels for every length (body, 8-lane loop, tail)
 * and at any alignment. */
static void test_simd_matches_exact(void **state) {
    enum { MAXN = 1001 };
    float *a = malloc((MAXN + 1) * sizeof *a), *b = malloc((MAXN + 1) * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    srand(7);
    for (int i = 0; i <= MAXN; i++) {
        a[i] = (float)(rand() % 21 - 10);
        b[i] = (float)(rand() % 21 - 10);
    }
    static const size_t lens[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 100, 128, 129, 1000};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t n = lens[k];
        for (int off = 0; off < 2; off++) { /* off 1: not 32-byte aligned */
            const float *x = a + off, *y = b + off;
            assert_true(vec_simd_l2_sq(x, y, n) == vec_l2_sq_f32(x, y, n));
            assert_true(vec_simd_ip(x, y, n) == vec_ip_f32(x, y, n));
            assert_true(vec_simd_l1(x, y, n) == vec_l1_f32(x, y, n));
        }
    }
    /* fractional values: equal within float rounding */
    for (int i = 0; i <= MAXN; i++) a[i] = (float)(rand() % 2001 - 1000) / 997.0f;
    float e = vec_l2_sq_f32(a, b, 128), s = vec_simd_l2_sq(a, b, 128);
    assert_true(fabsf(e - s) <= 1e-5f * e);
    free(a);
    free(b);
}

int run_vec_kernel_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_distances),
        cmocka_unit_test(test_normalize_and_arith),
        cmocka_unit_test(test_sparse_matches_dense),
        cmocka_unit_test(test_bit_distances),
        cmocka_unit_test(test_batch_matches_pairs),
        cmocka_unit_test(test_simd_matches_exact),
    };
    return cmocka_run_group_tests_name("vec_kernel", tests, NULL, NULL);
}
