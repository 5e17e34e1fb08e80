/* tests/unit/storage/test_key.c — key encoding: memcmp order equals SQL order for every
 * kind, NULL last, composite keys, round trips, prefixes, successor and hash.
 * See storage/README.md "Key layout". */
#include "tests.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage.h"

static int setup(void **state) {
    *state = orb_mcx_create(NULL, "test_key");
    return 0;
}

static int teardown(void **state) {
    orb_mcx_t *mcx = *state;
    orb_mcx_reset(mcx);
    assert_int_equal(orb_mcx_bytes(mcx), 0);
    orb_mcx_destroy(mcx);
    return 0;
}

static int keycmp(const orb_buf_t *a, const orb_buf_t *b) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

static void enc(orb_buf_t *b, const st_val_t *v) {
    orb_err_t err;
    orb_buf_init(b);
    st_key_prefix(b, 7, 3, 1);
    assert_int_equal(st_key_append(b, v, &err), 0);
}

/* Asserts vals[] (ascending; eq[i] means vals[i] == vals[i-1]) encode in the same order. */
static void check_order(const st_val_t *vals, const bool *eq, size_t n) {
    orb_buf_t prev, cur;
    enc(&prev, &vals[0]);
    for (size_t i = 1; i < n; i++) {
        enc(&cur, &vals[i]);
        int c = keycmp(&prev, &cur);
        if (eq && eq[i])
            assert_int_equal(c, 0);
        else if (c >= 0)
            fail_msg("value %zu does not encode after value %zu", i, i - 1);
        orb_buf_free(&prev);
        prev = cur;
    }
    orb_buf_free(&prev);
}

static st_val_t vi(int64_t i) { return (st_val_t){.kind = ST_INT, .i = i}; }
static st_val_t vf(double f) { return (st_val_t){.kind = ST_FLOAT, .f = f}; }
static st_val_t vnum(const char *s) {
    return (st_val_t){.kind = ST_NUMERIC, .p = s, .n = strlen(s)};
}
static st_val_t vtext(const char *s, size_t n) {
    return (st_val_t){.kind = ST_TEXT, .p = s, .n = n};
}
static st_val_t vnull(void) { return (st_val_t){.kind = ST_NULL}; }

static void test_key_int_order_preserved_incl_extremes_and_null_last(void **state) {
    st_val_t v[] = {vi(INT64_MIN), vi(INT64_MIN + 1), vi(-256), vi(-1), vi(0), vi(1),
                    vi(255), vi(256), vi(INT64_MAX), vnull()};
    check_order(v, NULL, sizeof v / sizeof v[0]);
}

static void test_key_float_order_preserved_incl_inf_nan_and_negative_zero(void **state) {
    st_val_t v[] = {vf(-INFINITY), vf(-1e300), vf(-2.5), vf(-1e-300), vf(-0.0), vf(0.0),
                    vf(1e-300), vf(2.5), vf(1e300), vf(INFINITY), vf(NAN), vnull()};
    bool eq[sizeof v / sizeof v[0]] = {0};
    eq[5] = true; /* -0.0 == 0.0 */
    check_order(v, eq, sizeof v / sizeof v[0]);
}

static void test_key_numeric_order_preserved_across_signs_and_exponents(void **state) {
    st_val_t v[] = {vnum("-Infinity"), vnum("-1000"), vnum("-100"), vnum("-99.5"),
                    vnum("-10"), vnum("-1.5"), vnum("-1"), vnum("-0.5"), vnum("-0.01"),
                    vnum("-0.001"), vnum("0"), vnum("0.000"), vnum("-0"), vnum("0.001"),
                    vnum("0.0011"), vnum("0.01"), vnum("1"), vnum("1.5"), vnum("1.50"),
                    vnum("1.501"), vnum("9"), vnum("10"), vnum("99.99"), vnum("100"),
                    vnum("100.0"), vnum("1e3"), vnum("1000.5"), vnum("Infinity"),
                    vnum("NaN"), vnull()};
    bool eq[sizeof v / sizeof v[0]] = {0};
    eq[11] = eq[12] = eq[18] = eq[24] = true;
    check_order(v, eq, sizeof v / sizeof v[0]);
}

static void test_key_numeric_equal_values_encode_identically(void **state) {
    orb_buf_t a, b;
    st_val_t x = vnum("1.5"), y = vnum("001.50000");
    enc(&a, &x);
    enc(&b, &y);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    orb_buf_free(&a);
    orb_buf_free(&b);
}

static void test_key_numeric_malformed_text_fails_22P02(void **state) {
    const char *bad[] = {"1e", "", "-", ".", "abc", "1.2.3", "1e+", "--1", "1 2", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        orb_buf_t b;
        orb_buf_init(&b);
        st_key_prefix(&b, 1, 0, 0);
        orb_err_t err;
        st_val_t v = vnum(bad[i]);
        assert_int_equal(st_key_append(&b, &v, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION);
        assert_int_equal(b.len, ST_KEY_PREFIX_LEN); /* nothing half-written */
        orb_buf_free(&b);
    }
}

static void test_key_text_order_preserved_with_nul_bytes_and_prefixes(void **state) {
    st_val_t v[] = {vtext("", 0),      vtext("\0", 1),   vtext("\0\0", 2), vtext("\0a", 2),
                    vtext("a", 1),     vtext("a\0", 2),  vtext("a\0\0", 3), vtext("a\0b", 3),
                    vtext("a\x01", 2), vtext("ab", 2),   vtext("b", 1),     vtext("\xff", 1),
                    vnull()};
    check_order(v, NULL, sizeof v / sizeof v[0]);
    st_val_t b[] = {{.kind = ST_BYTES, .p = "a", .n = 1},
                    {.kind = ST_BYTES, .p = "a\0", .n = 2},
                    {.kind = ST_BYTES, .p = "ab", .n = 2},
                    {.kind = ST_BYTES, .p = "b", .n = 1},
                    vnull()};
    check_order(b, NULL, sizeof b / sizeof b[0]);
}

static void test_key_bool_false_before_true_before_null(void **state) {
    st_val_t v[] = {{.kind = ST_BOOL, .b = false}, {.kind = ST_BOOL, .b = true}, vnull()};
    check_order(v, NULL, 3);
}

static void enc2(orb_buf_t *b, st_val_t x, st_val_t y) {
    orb_err_t err;
    orb_buf_init(b);
    st_key_prefix(b, 9, 0, 2);
    assert_int_equal(st_key_append(b, &x, &err), 0);
    assert_int_equal(st_key_append(b, &y, &err), 0);
}

static void test_key_composite_order_is_lexicographic(void **state) {
    /* (text, int) tuples in SQL order. */
    struct {
        const char *s;
        size_t n;
        int64_t i;
        bool null_i;
    } t[] = {{"a", 1, -5, false}, {"a", 1, 7, false},   {"a", 1, 0, true},
             {"a\0", 2, -100, false}, {"ab", 2, INT64_MIN, false}, {"ab", 2, 3, false},
             {"b", 1, 0, false}};
    size_t n = sizeof t / sizeof t[0];
    for (size_t i = 0; i + 1 < n; i++) {
        orb_buf_t a, b;
        enc2(&a, vtext(t[i].s, t[i].n), t[i].null_i ? vnull() : vi(t[i].i));
        enc2(&b, vtext(t[i + 1].s, t[i + 1].n), t[i + 1].null_i ? vnull() : vi(t[i + 1].i));
        if (keycmp(&a, &b) >= 0) fail_msg("tuple %zu not before tuple %zu", i, i + 1);
        orb_buf_free(&a);
        orb_buf_free(&b);
    }
    /* Different tables / shards / indexes sort by the prefix first. */
    orb_buf_t p1, p2;
    orb_buf_init(&p1);
    orb_buf_init(&p2);
    st_key_prefix(&p1, 1, 0xFFFF, 0xFFFF);
    st_key_prefix(&p2, 2, 0, 0);
    assert_true(keycmp(&p1, &p2) < 0);
    assert_int_equal(p1.len, ST_KEY_PREFIX_LEN);
    assert_memory_equal(p2.data, "\0\0\0\x02\0\0\0\0", 8);
    orb_buf_free(&p1);
    orb_buf_free(&p2);
}

static void test_key_decode_round_trips_every_kind(void **state) {
    orb_mcx_t *mcx = *state;
    st_val_t v[] = {vnull(),
                    {.kind = ST_BOOL, .b = true},
                    {.kind = ST_BOOL, .b = false},
                    vi(INT64_MIN),
                    vi(-1),
                    vi(0),
                    vi(INT64_MAX),
                    vf(-INFINITY),
                    vf(-2.5),
                    vf(0.0),
                    vf(3.25),
                    vf(INFINITY),
                    vtext("", 0),
                    vtext("a\0b\0", 4),
                    {.kind = ST_BYTES, .p = "\xff\0\x01", .n = 3},
                    vnum("-123.4500"),
                    vnum("0.00"),
                    vnum("100"),
                    vnum("0.001"),
                    vnum("NaN"),
                    vnum("-Infinity")};
    const char *num_canon[] = {"-123.45", "0", "100", "0.001", "NaN", "-Infinity"};
    size_t n = sizeof v / sizeof v[0];
    orb_buf_t b;
    orb_buf_init(&b);
    st_key_prefix(&b, 1, 2, 3);
    orb_err_t err;
    for (size_t i = 0; i < n; i++) assert_int_equal(st_key_append(&b, &v[i], &err), 0);
    size_t off = ST_KEY_PREFIX_LEN;
    size_t ni = 0;
    for (size_t i = 0; i < n; i++) {
        st_val_t out;
        assert_int_equal(st_key_decode(b.data, b.len, &off, mcx, &out, &err), 0);
        assert_int_equal(out.kind, v[i].kind);
        switch (v[i].kind) {
        case ST_BOOL: assert_int_equal(out.b, v[i].b); break;
        case ST_INT: assert_true(out.i == v[i].i); break;
        case ST_FLOAT: assert_true(out.f == v[i].f); break;
        case ST_TEXT:
        case ST_BYTES:
            assert_int_equal(out.n, v[i].n);
            assert_memory_equal(out.p, v[i].p, v[i].n);
            assert_int_equal(out.p[out.n], 0);
            break;
        case ST_NUMERIC: assert_string_equal(out.p, num_canon[ni++]); break;
        case ST_NULL: break;
        }
    }
    assert_int_equal(off, b.len);
    /* NaN and -0.0 decode as NaN and 0.0. */
    orb_buf_reset(&b);
    st_val_t nan = vf(NAN), nz = vf(-0.0);
    assert_int_equal(st_key_append(&b, &nan, &err), 0);
    assert_int_equal(st_key_append(&b, &nz, &err), 0);
    off = 0;
    st_val_t out;
    assert_int_equal(st_key_decode(b.data, b.len, &off, mcx, &out, &err), 0);
    assert_true(isnan(out.f));
    assert_int_equal(st_key_decode(b.data, b.len, &off, mcx, &out, &err), 0);
    assert_true(out.f == 0.0 && !signbit(out.f));
    orb_buf_free(&b);
}

static void test_key_numeric_decode_is_canonical_text(void **state) {
    orb_mcx_t *mcx = *state;
    const char *in[] = {"12.340", "-0.0500", "1e3", "1.5e-3", "-120", "7"};
    const char *out_s[] = {"12.34", "-0.05", "1000", "0.0015", "-120", "7"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        orb_buf_t b;
        orb_buf_init(&b);
        orb_err_t err;
        st_val_t v = vnum(in[i]), out;
        assert_int_equal(st_key_append(&b, &v, &err), 0);
        size_t off = 0;
        assert_int_equal(st_key_decode(b.data, b.len, &off, mcx, &out, &err), 0);
        assert_string_equal(out.p, out_s[i]);
        assert_int_equal(out.n, strlen(out_s[i]));
        orb_buf_free(&b);
    }
}

static void test_key_decode_of_truncated_or_garbage_fails_cleanly(void **state) {
    orb_mcx_t *mcx = *state;
    st_val_t v[] = {vi(5), vf(1.0), vtext("ab\0c", 4), vnum("-12.5"), vnum("3"),
                    {.kind = ST_BOOL, .b = true}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        orb_buf_t b;
        orb_buf_init(&b);
        orb_err_t err;
        assert_int_equal(st_key_append(&b, &v[i], &err), 0);
        for (size_t cut = 0; cut < b.len; cut++) {
            /* A heap copy of exactly cut bytes so ASan catches any overread. */
            char *p = malloc(cut ? cut : 1);
            memcpy(p, b.data, cut);
            size_t off = 0;
            st_val_t out;
            assert_int_equal(st_key_decode(p, cut, &off, mcx, &out, &err), -1);
            assert_int_equal(err.code, ORB_SQLSTATE_DATA_CORRUPTED);
            free(p);
        }
        orb_buf_free(&b);
    }
    const char junk[] = {0x7, 0x1};
    size_t off = 0;
    st_val_t out;
    orb_err_t err;
    assert_int_equal(st_key_decode(junk, 2, &off, mcx, &out, &err), -1);
}

static void test_key_first_column_key_is_byte_prefix_of_full_key(void **state) {
    orb_buf_t pre, full;
    orb_err_t err;
    st_val_t a = vtext("user\0x", 6), b = vi(42), c = vnum("-3.5");
    orb_buf_init(&pre);
    st_key_prefix(&pre, 5, 1, 2);
    assert_int_equal(st_key_append(&pre, &a, &err), 0);
    orb_buf_init(&full);
    st_key_prefix(&full, 5, 1, 2);
    assert_int_equal(st_key_append(&full, &a, &err), 0);
    assert_int_equal(st_key_append(&full, &b, &err), 0);
    assert_int_equal(st_key_append(&full, &c, &err), 0);
    assert_true(pre.len < full.len);
    assert_memory_equal(pre.data, full.data, pre.len);
    /* And the prefix successor bounds it: pre <= full < succ(pre). */
    assert_true(st_key_prefix_successor(&pre));
    assert_true(keycmp(&full, &pre) < 0);
    /* A longer text value with the same first bytes is not inside the prefix range. */
    orb_buf_t other;
    st_val_t a2 = vtext("user\0xy", 7);
    orb_buf_init(&other);
    st_key_prefix(&other, 5, 1, 2);
    assert_int_equal(st_key_append(&other, &a2, &err), 0);
    assert_true(keycmp(&other, &pre) > 0);
    orb_buf_free(&other);
    orb_buf_free(&pre);
    orb_buf_free(&full);
}

static void test_key_prefix_successor_increments_last_non_ff_byte(void **state) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_append(&b, "\x01\x02\xff\xff", 4);
    assert_true(st_key_prefix_successor(&b));
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "\x01\x03", 2);
    orb_buf_reset(&b);
    orb_buf_append(&b, "\x00\x7f", 2);
    assert_true(st_key_prefix_successor(&b));
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "\x00\x80", 2);
    orb_buf_reset(&b);
    orb_buf_append(&b, "\xff\xff", 2);
    assert_false(st_key_prefix_successor(&b));
    orb_buf_reset(&b);
    assert_false(st_key_prefix_successor(&b));
    orb_buf_free(&b);
}

static void test_key_hash_is_stable_and_spreads(void **state) {
    assert_true(st_key_hash("abc", 3) == st_key_hash("abc", 3));
    assert_true(st_key_hash("abc", 3) != st_key_hash("abd", 3));
    assert_true(st_key_hash("", 0) != st_key_hash("\0", 1));
    /* Sequential int keys spread evenly over 16 shards. */
    int buckets[16] = {0};
    for (int64_t i = 0; i < 16000; i++) {
        orb_buf_t b;
        st_val_t v = vi(i);
        orb_err_t err;
        orb_buf_init(&b);
        assert_int_equal(st_key_append(&b, &v, &err), 0);
        buckets[st_key_hash(b.data, b.len) % 16]++;
        orb_buf_free(&b);
    }
    for (int i = 0; i < 16; i++) assert_in_range(buckets[i], 850, 1150);
}

const struct CMUnitTest st_key_tests[] = {
    cmocka_unit_test_setup_teardown(test_key_int_order_preserved_incl_extremes_and_null_last,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_key_float_order_preserved_incl_inf_nan_and_negative_zero, setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_key_numeric_order_preserved_across_signs_and_exponents, setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_numeric_equal_values_encode_identically, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_key_numeric_malformed_text_fails_22P02, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_key_text_order_preserved_with_nul_bytes_and_prefixes,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_bool_false_before_true_before_null, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_key_composite_order_is_lexicographic, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_key_decode_round_trips_every_kind, setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_numeric_decode_is_canonical_text, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_key_decode_of_truncated_or_garbage_fails_cleanly,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_first_column_key_is_byte_prefix_of_full_key,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_prefix_successor_increments_last_non_ff_byte,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_hash_is_stable_and_spreads, setup, teardown),
};
const size_t st_key_ntests = sizeof st_key_tests / sizeof st_key_tests[0];
