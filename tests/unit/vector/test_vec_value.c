/* tests/unit/vector/test_vec_value.c — vector/halfvec/sparsevec/bit value formats: text
 * input and output (pgvector's cases and messages), binary round trips, halfvec rounding,
 * the btree order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit_vector.h"
#include "vector/vector.h"

static orb_mcx_t *mcx;

static int setup(void **state) {
    mcx = orb_mcx_create(NULL, "test");
    return 0;
}

static int teardown(void **state) {
    orb_mcx_destroy(mcx);
    return 0;
}

/* text in then out; NULL want: expect an error with code/msg */
static void roundtrip(vec_kind_t k, const char *in, int32_t typmod, const char *want) {
    vec_bytes_t v;
    orb_err_t err;
    int rc = vec_value_in(k, in, strlen(in), typmod, mcx, &v, &err);
    if (rc != 0) fail_msg("input %s failed: %s", in, err.message);
    orb_buf_t b;
    orb_buf_init(&b);
    vec_value_out(k, v.p, v.n, &b);
    assert_string_equal(b.data, want);
    orb_buf_free(&b);
}

static void in_error(vec_kind_t k, const char *in, int32_t typmod, const char *code,
                     const char *msg, const char *detail) {
    vec_bytes_t v;
    orb_err_t err;
    orb_err_clear(&err);
    assert_int_equal(vec_value_in(k, in, strlen(in), typmod, mcx, &v, &err), -1);
    assert_string_equal(orb_sqlstate_code(err.code), code);
    assert_string_equal(err.message, msg);
    if (detail) assert_string_equal(err.detail, detail);
}

static void test_vector_text_in_out(void **state) {
    roundtrip(VEC_KIND_VECTOR, "[1,2,3]", -1, "[1,2,3]");
    roundtrip(VEC_KIND_VECTOR, "[-1,-2,-3]", -1, "[-1,-2,-3]");
    roundtrip(VEC_KIND_VECTOR, "[1.,2.,3.]", -1, "[1,2,3]");
    roundtrip(VEC_KIND_VECTOR, " [ 1,  2 ,    3  ] ", -1, "[1,2,3]");
    roundtrip(VEC_KIND_VECTOR, "[1.23456]", -1, "[1.23456]");
    roundtrip(VEC_KIND_VECTOR, "[1.5e38,-1.5e38]", -1, "[1.5e+38,-1.5e+38]");
    roundtrip(VEC_KIND_VECTOR, "[1.5e-38,-1.5e-38]", -1, "[1.5e-38,-1.5e-38]");
    roundtrip(VEC_KIND_VECTOR, "[1e-46,1]", -1, "[0,1]");
    roundtrip(VEC_KIND_VECTOR, "[-1e-46,1]", -1, "[-0,1]");
    roundtrip(VEC_KIND_VECTOR, "[0.1,100000,1000000]", 3, "[0.1,100000,1e+06]");
}

/* Every element parses to exactly the float strtof gives (the fast path for plain decimals
 * and the fallback): random literals of every shape, bit for bit. */
static void test_vector_text_parse_equals_strtof(void **state) {
    static const char *fixed[] = {"0", "-0", "+0", "1.", ".5", "-.5", "16777216", "16777217",
                                  "-16777217.5", "0.0000000001", "0.00000000001", "1.0000000001",
                                  "3.4028235e38", "1e-45", "0x1p3", "9999999.99", "0.1", "0.3",
                                  "123456.789", "000000000000016777216", "1.17549435e-38"};
    uint64_t seed = 42;
    char lit[64 * 40 + 8], elems[64][40];
    for (int round = 0; round < 400; round++) {
        int n = round == 0 ? (int)(sizeof fixed / sizeof *fixed) : 64;
        size_t off = 0;
        lit[off++] = '[';
        for (int i = 0; i < n; i++) {
            if (round == 0) {
                snprintf(elems[i], sizeof elems[i], "%s", fixed[i]);
            } else {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                uint64_t r = seed >> 11;
                int ndig = 1 + (int)(r % 12), point = (int)((r >> 4) % (uint64_t)(ndig + 1));
                size_t e = 0;
                if (r & (1u << 9)) elems[i][e++] = '-';
                for (int d = 0; d < ndig; d++) {
                    if (d == point && d > 0) elems[i][e++] = '.';
                    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                    elems[i][e++] = (char)('0' + (seed >> 33) % 10);
                }
                if ((r >> 10) % 8 == 0) e += (size_t)snprintf(elems[i] + e, 12, "e%d", (int)((r >> 13) % 21) - 10);
                elems[i][e] = '\0';
            }
            off += (size_t)snprintf(lit + off, sizeof lit - off, "%s%s", i ? "," : "", elems[i]);
        }
        lit[off++] = ']';
        lit[off] = '\0';
        vec_bytes_t v;
        orb_err_t err;
        if (vec_value_in(VEC_KIND_VECTOR, lit, off, -1, mcx, &v, &err) != 0)
            fail_msg("input %s failed: %s", lit, err.message);
        assert_int_equal(v.n, 4 * (uint32_t)n);
        for (int i = 0; i < n; i++) {
            float want = strtof(elems[i], NULL), got;
            memcpy(&got, (const char *)v.p + 4 * i, 4);
            if (memcmp(&want, &got, 4) != 0) fail_msg("%s: strtof %a, parsed %a", elems[i], want, got);
        }
    }
}

static void test_vector_text_errors(void **state) {
    const vec_kind_t V = VEC_KIND_VECTOR;
    in_error(V, "[hello,1]", -1, "22P02", "invalid input syntax for type vector: \"[hello,1]\"", NULL);
    in_error(V, "[NaN,1]", -1, "22000", "NaN not allowed in vector", NULL);
    in_error(V, "[Infinity,1]", -1, "22000", "infinite value not allowed in vector", NULL);
    in_error(V, "[4e38,1]", -1, "22003", "\"4e38\" is out of range for type vector", NULL);
    in_error(V, "[1,2,3]9", -1, "22P02", "invalid input syntax for type vector: \"[1,2,3]9\"",
             "Junk after closing right brace.");
    in_error(V, "1,2,3", -1, "22P02", "invalid input syntax for type vector: \"1,2,3\"",
             "Vector contents must start with \"[\".");
    in_error(V, "[", -1, "22P02", "invalid input syntax for type vector: \"[\"", NULL);
    in_error(V, "[ ]", -1, "22000", "vector must have at least 1 dimension", NULL);
    in_error(V, "[1,]", -1, "22P02", "invalid input syntax for type vector: \"[1,]\"", NULL);
    in_error(V, "[1,,3]", -1, "22P02", "invalid input syntax for type vector: \"[1,,3]\"", NULL);
    in_error(V, "[1,2,3]", 2, "22000", "expected 2 dimensions, not 3", NULL);
}

static void test_halfvec_text(void **state) {
    roundtrip(VEC_KIND_HALFVEC, "[1.23456]", -1, "[1.234375]");
    roundtrip(VEC_KIND_HALFVEC, "[65519,-65519]", -1, "[65504,-65504]");
    roundtrip(VEC_KIND_HALFVEC, "[1e-8,-1e-8]", -1, "[0,-0]");
    in_error(VEC_KIND_HALFVEC, "[65520,-65520]", -1, "22003", "\"65520\" is out of range for type halfvec", NULL);
    in_error(VEC_KIND_HALFVEC, "[]", -1, "22000", "halfvec must have at least 1 dimension", NULL);
    in_error(VEC_KIND_HALFVEC, "[NaN]", -1, "22000", "NaN not allowed in halfvec", NULL);
}

static void test_half_rounding(void **state) {
    assert_int_equal(vec_half_from_float(1.0f), 0x3c00);
    assert_int_equal(vec_half_from_float(65504.0f), 0x7bff);
    assert_int_equal(vec_half_from_float(65519.0f), 0x7bff);
    assert_int_equal(vec_half_from_float(65520.0f), 0x7c00);
    assert_int_equal(vec_half_from_float(-2.0f), 0xc000);
    assert_int_equal(vec_half_from_float(5.9604644775390625e-08f), 0x0001); /* 2^-24 */
    assert_int_equal(vec_half_from_float(2.98e-08f), 0x0000);              /* < half of 2^-24 */
    assert_int_equal(vec_half_from_float(6.103515625e-05f), 0x0400);        /* 2^-14 */
    assert_true(vec_half_to_float(0x3555) > 0.3332f && vec_half_to_float(0x3555) < 0.3334f);
    assert_true(vec_half_to_float(0x0001) == 5.9604644775390625e-08f);
    for (uint32_t h = 0; h < 0x7c00; h++) /* every finite half survives a round trip */
        assert_int_equal(vec_half_from_float(vec_half_to_float((uint16_t)h)), h);
}

static void test_sparsevec_text(void **state) {
    const vec_kind_t S = VEC_KIND_SPARSEVEC;
    roundtrip(S, "{1:1.5,3:3.5}/5", -1, "{1:1.5,3:3.5}/5");
    roundtrip(S, " { 1 : 1.5 ,  3  :  3.5  } / 5 ", -1, "{1:1.5,3:3.5}/5");
    roundtrip(S, "{1:0,2:1,3:0}/3", -1, "{2:1}/3");
    roundtrip(S, "{2:1,1:1}/2", -1, "{1:1,2:1}/2");
    roundtrip(S, "{ }/1", -1, "{}/1");
    in_error(S, "{1:1,1:1}/2", -1, "22000", "sparsevec indices must not contain duplicates", NULL);
    in_error(S, "{}/-1", -1, "22000", "sparsevec must have at least 1 dimension", NULL);
    in_error(S, "{}/2147483648", -1, "54000", "sparsevec cannot have more than 1000000000 dimensions", NULL);
    in_error(S, "{2147483648:1}/1", -1, "22000", "sparsevec index out of bounds (> dimensions)", NULL);
    in_error(S, "{-2147483649:1}/1", -1, "22000", "sparsevec index out of bounds (< 1)", NULL);
    in_error(S, "{0:1}/1", -1, "22000", "sparsevec index out of bounds (< 1)", NULL);
    in_error(S, "{}", -1, "22P02", "invalid input syntax for type sparsevec: \"{}\"", "Unexpected end of input.");
    in_error(S, "{}/1a", -1, "22P02", "invalid input syntax for type sparsevec: \"{}/1a\"", "Junk after closing.");
    in_error(S, "{1:1e-46,2:1}/2", -1, "22003", "\"1e-46\" is out of range for type sparsevec", NULL);
    in_error(S, "{}/3", 2, "22000", "expected 2 dimensions, not 3", NULL);
}

static void test_binary_roundtrip(void **state) {
    const char *lits[] = {"[1,-2.5,3e10]", "[1,2,65504]", "{2:1.5,7:-3}/9"};
    vec_kind_t kinds[] = {VEC_KIND_VECTOR, VEC_KIND_HALFVEC, VEC_KIND_SPARSEVEC};
    for (int i = 0; i < 3; i++) {
        vec_bytes_t v, w;
        orb_err_t err;
        assert_int_equal(vec_value_in(kinds[i], lits[i], strlen(lits[i]), -1, mcx, &v, &err), 0);
        assert_int_equal(vec_value_check(kinds[i], v.p, v.n, &err), 0);
        orb_buf_t b;
        orb_buf_init(&b);
        vec_value_send(kinds[i], v.p, v.n, &b);
        assert_int_equal(vec_value_recv(kinds[i], b.data, b.len, -1, mcx, &w, &err), 0);
        assert_int_equal(v.n, w.n);
        assert_memory_equal(v.p, w.p, v.n);
        orb_buf_free(&b);
    }
    /* vector wire format: int16 dim, int16 unused, float4 BE */
    const unsigned char wire[] = {0, 1, 0, 0, 0x3f, 0x80, 0, 0};
    vec_bytes_t v;
    orb_err_t err;
    assert_int_equal(vec_value_recv(VEC_KIND_VECTOR, (const char *)wire, sizeof wire, -1, mcx, &v, &err), 0);
    float f;
    memcpy(&f, v.p, 4);
    assert_true(f == 1.0f);
    assert_int_equal(vec_value_recv(VEC_KIND_VECTOR, (const char *)wire, 6, -1, mcx, &v, &err), -1);
    assert_string_equal(orb_sqlstate_code(err.code), "22P03");
}

static int cmp_lits(vec_kind_t k, const char *a, const char *b) {
    vec_bytes_t x, y;
    orb_err_t err;
    assert_int_equal(vec_value_in(k, a, strlen(a), -1, mcx, &x, &err), 0);
    assert_int_equal(vec_value_in(k, b, strlen(b), -1, mcx, &y, &err), 0);
    return vec_value_cmp(k, x.p, x.n, y.p, y.n);
}

static void test_order(void **state) {
    assert_int_equal(cmp_lits(VEC_KIND_VECTOR, "[1,2,3]", "[1,2,3]"), 0);
    assert_int_equal(cmp_lits(VEC_KIND_VECTOR, "[1,2]", "[1,2,3]"), -1);
    assert_int_equal(cmp_lits(VEC_KIND_VECTOR, "[2,3]", "[1,2,3]"), 1);
    assert_int_equal(cmp_lits(VEC_KIND_SPARSEVEC, "{1:1,2:2,3:3}/3", "{}/3"), 1);
    assert_int_equal(cmp_lits(VEC_KIND_SPARSEVEC, "{}/3", "{1:1,2:2,3:3}/3"), -1);
    assert_int_equal(cmp_lits(VEC_KIND_SPARSEVEC, "{1:1,2:2}/2", "{1:2,2:3,3:4}/3"), -1);
    assert_int_equal(cmp_lits(VEC_KIND_SPARSEVEC, "{1:2,2:3}/2", "{1:1,2:2,3:3}/3"), 1);
    assert_int_equal(cmp_lits(VEC_KIND_SPARSEVEC, "{1:-1}/2", "{2:1}/2"), -1);
}

static void test_bits(void **state) {
    vec_bytes_t v, w;
    orb_err_t err;
    orb_buf_t b;
    assert_int_equal(vec_bit_in("0101", 4, false, 4, mcx, &v, &err), 0);
    assert_int_equal(vec_bit_len(v.p, v.n), 4);
    orb_buf_init(&b);
    vec_bit_out(v.p, v.n, &b);
    assert_string_equal(b.data, "0101");
    orb_buf_reset(&b);
    assert_int_equal(vec_bit_in("X1f", 3, true, -1, mcx, &v, &err), 0);
    vec_bit_out(v.p, v.n, &b);
    assert_string_equal(b.data, "00011111");
    orb_buf_reset(&b);
    assert_int_equal(vec_bit_in("101", 3, false, 4, mcx, &v, &err), -1);
    assert_string_equal(orb_sqlstate_code(err.code), "22026");
    assert_string_equal(err.message, "bit string length 3 does not match type bit(4)");
    assert_int_equal(vec_bit_in("10101", 5, true, 4, mcx, &v, &err), -1);
    assert_string_equal(err.message, "bit string too long for type bit varying(4)");
    assert_int_equal(vec_bit_in("012", 3, true, -1, mcx, &v, &err), -1);
    assert_string_equal(err.message, "\"2\" is not a valid binary digit");
    /* explicit coercion pads bit(n) and truncates */
    assert_int_equal(vec_bit_in("101", 3, false, -1, mcx, &v, &err), 0);
    assert_int_equal(vec_bit_coerce(v.p, v.n, false, 5, true, mcx, &w, &err), 0);
    vec_bit_out(w.p, w.n, &b);
    assert_string_equal(b.data, "10100");
    orb_buf_reset(&b);
    assert_int_equal(vec_bit_coerce(v.p, v.n, false, 2, true, mcx, &w, &err), 0);
    vec_bit_out(w.p, w.n, &b);
    assert_string_equal(b.data, "10");
    orb_buf_reset(&b);
    float x[] = {1, 0, -1, 0.5f, 2, -3, 0, 0, 7};
    vec_bit_quantize(x, 9, mcx, &v);
    vec_bit_out(v.p, v.n, &b);
    assert_string_equal(b.data, "100110001");
    orb_buf_free(&b);
}

int run_vec_value_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_text_in_out),
        cmocka_unit_test(test_vector_text_parse_equals_strtof),
        cmocka_unit_test(test_vector_text_errors),
        cmocka_unit_test(test_halfvec_text),
        cmocka_unit_test(test_half_rounding),
        cmocka_unit_test(test_sparsevec_text),
        cmocka_unit_test(test_binary_roundtrip),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_bits),
    };
    return cmocka_run_group_tests_name("vec_value", tests, setup, teardown);
}
