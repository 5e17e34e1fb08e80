/* tests/unit/storage/test_row.c — row encoding: round trips of every kind, empty and wide
 * rows, and clean XX001 failures for every truncation and for garbage.
 * See storage/README.md "Row format". */
#include "tests.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage.h"

static int setup(void **state) {
    *state = orb_mcx_create(NULL, "test_row");
    return 0;
}

static int teardown(void **state) {
    orb_mcx_t *mcx = *state;
    orb_mcx_reset(mcx);
    assert_int_equal(orb_mcx_bytes(mcx), 0);
    orb_mcx_destroy(mcx);
    return 0;
}

static void assert_val_equal(const st_val_t *a, const st_val_t *b) {
    assert_int_equal(a->kind, b->kind);
    switch (a->kind) {
    case ST_NULL: break;
    case ST_BOOL: assert_int_equal(a->b, b->b); break;
    case ST_INT: assert_true(a->i == b->i); break;
    case ST_FLOAT:
        if (isnan(a->f))
            assert_true(isnan(b->f));
        else
            assert_memory_equal(&a->f, &b->f, sizeof a->f); /* bit-exact, -0.0 kept */
        break;
    case ST_NUMERIC:
    case ST_TEXT:
    case ST_BYTES:
        assert_int_equal(a->n, b->n);
        if (a->n) assert_memory_equal(a->p, b->p, a->n);
        assert_int_equal(b->p[b->n], 0); /* decoded copies are NUL-terminated */
        break;
    }
}

static const st_val_t every_kind[] = {
    {.kind = ST_NULL},
    {.kind = ST_BOOL, .b = true},
    {.kind = ST_BOOL, .b = false},
    {.kind = ST_INT, .i = 0},
    {.kind = ST_INT, .i = -1},
    {.kind = ST_INT, .i = INT64_MIN},
    {.kind = ST_INT, .i = INT64_MAX},
    {.kind = ST_INT, .i = 300},
    {.kind = ST_FLOAT, .f = -0.0},
    {.kind = ST_FLOAT, .f = 3.5e-300},
    {.kind = ST_FLOAT, .f = -INFINITY},
    {.kind = ST_NUMERIC, .p = "-123.4500", .n = 9},
    {.kind = ST_TEXT, .p = "", .n = 0},
    {.kind = ST_TEXT, .p = "h\0llo", .n = 5},
    {.kind = ST_BYTES, .p = "\xff\x00\x80", .n = 3},
};
#define NKINDS (sizeof every_kind / sizeof every_kind[0])

static void test_row_round_trips_every_kind(void **state) {
    orb_mcx_t *mcx = *state;
    orb_buf_t b;
    orb_buf_init(&b);
    st_row_encode(&b, 77, every_kind, NKINDS);
    uint32_t sv = 0;
    st_val_t *out = NULL;
    size_t n = 0;
    orb_err_t err;
    assert_int_equal(st_row_decode(b.data, b.len, mcx, &sv, &out, &n, &err), 0);
    assert_int_equal(sv, 77);
    assert_int_equal(n, NKINDS);
    for (size_t i = 0; i < n; i++) assert_val_equal(&every_kind[i], &out[i]);
    /* NaN survives too. */
    st_val_t nan = {.kind = ST_FLOAT, .f = NAN};
    orb_buf_reset(&b);
    st_row_encode(&b, UINT32_MAX, &nan, 1);
    assert_int_equal(st_row_decode(b.data, b.len, mcx, &sv, &out, &n, &err), 0);
    assert_true(sv == UINT32_MAX);
    assert_true(isnan(out[0].f));
    orb_buf_free(&b);
}

static void test_row_empty_row_round_trips(void **state) {
    orb_mcx_t *mcx = *state;
    orb_buf_t b;
    orb_buf_init(&b);
    st_row_encode(&b, 0, NULL, 0);
    assert_int_equal(b.len, 2);
    uint32_t sv = 9;
    st_val_t *out = NULL;
    size_t n = 9;
    orb_err_t err;
    assert_int_equal(st_row_decode(b.data, b.len, mcx, &sv, &out, &n, &err), 0);
    assert_int_equal(sv, 0);
    assert_int_equal(n, 0);
    orb_buf_free(&b);
}

static void test_row_many_columns_round_trip(void **state) {
    orb_mcx_t *mcx = *state;
    enum { N = 1000 };
    st_val_t *in = orb_alloc0(mcx, N * sizeof *in);
    char *text = orb_alloc(mcx, 300);
    memset(text, 'x', 300);
    for (size_t i = 0; i < N; i++) in[i] = every_kind[i % NKINDS];
    in[5] = (st_val_t){.kind = ST_TEXT, .p = text, .n = 300}; /* 2-byte varint length */
    orb_buf_t b;
    orb_buf_init(&b);
    st_row_encode(&b, 3, in, N);
    uint32_t sv;
    st_val_t *out;
    size_t n;
    orb_err_t err;
    assert_int_equal(st_row_decode(b.data, b.len, mcx, &sv, &out, &n, &err), 0);
    assert_int_equal(n, N);
    for (size_t i = 0; i < N; i++) assert_val_equal(&in[i], &out[i]);
    orb_buf_free(&b);
}

static void test_row_decode_of_every_truncation_fails_cleanly(void **state) {
    orb_mcx_t *mcx = *state;
    orb_buf_t b;
    orb_buf_init(&b);
    st_row_encode(&b, 1000, every_kind, NKINDS);
    for (size_t cut = 0; cut < b.len; cut++) {
        /* Exactly cut bytes on the heap so ASan catches a read past len. */
        char *p = malloc(cut ? cut : 1);
        memcpy(p, b.data, cut);
        uint32_t sv;
        st_val_t *out;
        size_t n;
        orb_err_t err;
        assert_int_equal(st_row_decode(p, cut, mcx, &sv, &out, &n, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_DATA_CORRUPTED);
        free(p);
    }
    orb_buf_free(&b);
}

static void test_row_decode_rejects_garbage(void **state) {
    orb_mcx_t *mcx = *state;
    struct {
        const char *p;
        size_t n;
    } bad[] = {
        {"\x01\x01\x09", 3},                              /* unknown kind */
        {"\x01\x01\x01\x02", 4},                          /* bool not 0/1 */
        {"\x01\xff\xff\xff\xff\x0f", 6},                  /* ncols larger than the row */
        {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11}, /* varint overflow */
        {"\xff\xff\xff\xff\x1f\x00", 6},                  /* schema version > u32 */
        {"\x01\x01\x05\x7f" "ab", 6},                     /* length past end */
        {"\x01\x00\x00", 3},                              /* trailing bytes */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t sv;
        st_val_t *out;
        size_t n;
        orb_err_t err;
        char *p = malloc(bad[i].n);
        memcpy(p, bad[i].p, bad[i].n);
        if (st_row_decode(p, bad[i].n, mcx, &sv, &out, &n, &err) != -1)
            fail_msg("garbage row %zu decoded", i);
        assert_int_equal(err.code, ORB_SQLSTATE_DATA_CORRUPTED);
        free(p);
    }
}

const struct CMUnitTest st_row_tests[] = {
    cmocka_unit_test_setup_teardown(test_row_round_trips_every_kind, setup, teardown),
    cmocka_unit_test_setup_teardown(test_row_empty_row_round_trips, setup, teardown),
    cmocka_unit_test_setup_teardown(test_row_many_columns_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown(test_row_decode_of_every_truncation_fails_cleanly, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_row_decode_rejects_garbage, setup, teardown),
};
const size_t st_row_ntests = sizeof st_row_tests / sizeof st_row_tests[0];
