/* tests/unit/actors/test_act_seq.c — sequences and oids: nextval increments, values survive
 * a restart without repeats, the maximum is enforced (2200H), setval, drop, and
 * act_oid_next starts at 16384 and stays unique across restarts. */
#include "tests.h"

#include <pthread.h>
#include <stdlib.h>

static void test_seq_next_increments_and_survives_restart(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(act_seq_create(e->rt, 7, 1, 1, 1, INT64_MAX, &err), 0);
    int64_t v, last = 0;
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(act_seq_next(e->rt, 7, &v, &err), 0);
        assert_int_equal(v, i);
        last = v;
    }
    for (int round = 0; round < 3; round++) {
        tenv_stop(e);
        tenv_start(e);
        assert_int_equal(act_seq_next(e->rt, 7, &v, &err), 0);
        assert_true(v > last);
        last = v;
        for (int i = 0; i < 40; i++) { /* crosses a block boundary */
            assert_int_equal(act_seq_next(e->rt, 7, &v, &err), 0);
            assert_int_equal(v, last + 1);
            last = v;
        }
    }
}

static void test_seq_limits_set_and_drop(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    int64_t v;
    assert_int_equal(act_seq_create(e->rt, 8, 10, 5, 1, 20, &err), 0);
    assert_int_equal(act_seq_next(e->rt, 8, &v, &err), 0);
    assert_int_equal(v, 10);
    assert_int_equal(act_seq_next(e->rt, 8, &v, &err), 0);
    assert_int_equal(v, 15);
    assert_int_equal(act_seq_next(e->rt, 8, &v, &err), 0);
    assert_int_equal(v, 20);
    assert_int_equal(act_seq_next(e->rt, 8, &v, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_SEQUENCE_GENERATOR_LIMIT_EXCEEDED);
    /* descending */
    assert_int_equal(act_seq_create(e->rt, 9, -1, -1, -3, -1, &err), 0);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(act_seq_next(e->rt, 9, &v, &err), 0);
        assert_int_equal(v, -i);
    }
    assert_int_equal(act_seq_next(e->rt, 9, &v, &err), -1);
    /* setval: the next nextval returns value + increment, also after a restart */
    assert_int_equal(act_seq_create(e->rt, 10, 1, 1, 1, 1000, &err), 0);
    assert_int_equal(act_seq_set(e->rt, 10, 100, &err), 0);
    assert_int_equal(act_seq_next(e->rt, 10, &v, &err), 0);
    assert_int_equal(v, 101);
    assert_int_equal(act_seq_set(e->rt, 10, 5000, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE);
    assert_int_equal(act_seq_set(e->rt, 10, 500, &err), 0);
    tenv_stop(e);
    tenv_start(e);
    assert_int_equal(act_seq_next(e->rt, 10, &v, &err), 0);
    assert_int_equal(v, 501);
    act_seq_drop(e->rt, 10);
    assert_int_equal(act_seq_next(e->rt, 10, &v, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_UNDEFINED_OBJECT);
    tenv_stop(e);
    tenv_start(e);
    assert_int_equal(act_seq_next(e->rt, 10, &v, &err), -1);
    assert_int_equal(act_seq_create(e->rt, 11, 1, 0, 1, 10, &err), -1);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void test_oid_next_unique_across_restart(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint32_t got[150];
    size_t n = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 50; i++) {
            assert_int_equal(act_oid_next(e->rt, &got[n], &err), 0);
            assert_true(got[n] >= 16384);
            if (n > 0) assert_true(got[n] > got[n - 1]);
            n++;
        }
        tenv_stop(e);
        tenv_start(e);
    }
    assert_int_equal(got[0], 16384);
    qsort(got, n, sizeof got[0], cmp_u32);
    for (size_t i = 1; i < n; i++) assert_true(got[i] != got[i - 1]);
}

typedef struct seqth {
    tenv_t *e;
    int64_t vals[200];
} seqth_t;

static void *seq_main(void *arg) {
    seqth_t *t = arg;
    orb_err_t err;
    for (int i = 0; i < 200; i++)
        if (act_seq_next(t->e->rt, 12, &t->vals[i], &err) != 0) t->vals[i] = -1;
    return NULL;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_seq_concurrent_next_unique(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(act_seq_create(e->rt, 12, 1, 1, 1, INT64_MAX, &err), 0);
    seqth_t t[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        t[i].e = e;
        pthread_create(&th[i], NULL, seq_main, &t[i]);
    }
    int64_t all[600];
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        for (int j = 0; j < 200; j++) all[i * 200 + j] = t[i].vals[j];
    }
    qsort(all, 600, sizeof all[0], cmp_i64);
    for (int i = 0; i < 600; i++) assert_int_equal(all[i], i + 1);
}

const struct CMUnitTest act_seq_tests[] = {
    cmocka_unit_test_setup_teardown(test_seq_next_increments_and_survives_restart, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_seq_limits_set_and_drop, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_oid_next_unique_across_restart, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_seq_concurrent_next_unique, tenv_setup, tenv_teardown),
};
const size_t act_seq_ntests = sizeof act_seq_tests / sizeof act_seq_tests[0];
