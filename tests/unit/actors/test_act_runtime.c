/* tests/unit/actors/test_act_runtime.c — the runtime: workers, activation on first message,
 * idle deactivation and reactivation with data intact, many concurrent calls across
 * workers, and 57P01 for a call parked when the runtime stops. */
#include "tests.h"

#include <pthread.h>

static void test_runtime_starts_with_two_workers(void **state) {
    tenv_t *e = *state;
    assert_int_equal(act_runtime_nworkers(e->rt), 2);
    act_stats_t s;
    act_runtime_stats(e->rt, &s);
    assert_int_equal(s.active, 0);
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 100, 1, 1, &err), 0);
    assert_int_equal(t_insert(e, 0, 100, 2, 2, &err), 0);
    act_runtime_stats(e->rt, &s);
    assert_int_equal(s.activations, 1);
    assert_int_equal(s.active, 1);
    assert_int_equal(s.messages, 2);
}

static void test_idle_actor_deactivates_and_reactivates(void **state) {
    tenv_t *e = *state;
    tenv_stop(e);
    e->cfg.idle_ms = 50;
    tenv_start(e);
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 100, 1, 11, &err), 0);
    sleep_ms(300);
    act_stats_t s;
    act_runtime_stats(e->rt, &s);
    assert_true(s.deactivations > 0);
    assert_int_equal(s.active, 0);
    uint64_t act0 = s.activations;
    int64_t v;
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    act_runtime_stats(e->rt, &s);
    assert_int_equal(s.activations, act0 + 1);
}

typedef struct many {
    tenv_t *e;
    int base;
    int failures;
} many_t;

static void *many_main(void *arg) {
    many_t *m = arg;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "many");
    for (int round = 0; round < 10; round++) {
        /* scatter: one request to each of 8 shards in flight at once, then gather */
        act_call_t *calls[8];
        for (uint32_t s = 0; s < 8; s++) {
            Orbit__ShardOp *op = op_new(mcx, ORBIT__SHARD_OP__KIND__INSERT, 0);
            op_key_int(mcx, op, m->base + round);
            op_row_int(mcx, op, m->base + round, s);
            calls[s] = act_call_post(m->e->rt, ACT_TABLE_SHARD, req_new(mcx, 0, 500, s, 1, op));
        }
        for (int s = 0; s < 8; s++) {
            Orbit__ShardReply *rep;
            orb_err_t err;
            if (act_call_wait(calls[s], &rep, &err) != 0) m->failures++;
            act_call_free(calls[s]);
        }
        orb_mcx_reset(mcx);
    }
    orb_mcx_destroy(mcx);
    return NULL;
}

static void test_concurrent_scatter_gather(void **state) {
    tenv_t *e = *state;
    pthread_t th[4];
    many_t m[4];
    for (int i = 0; i < 4; i++) {
        m[i] = (many_t){.e = e, .base = i * 100};
        pthread_create(&th[i], NULL, many_main, &m[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(m[i].failures, 0);
    }
    act_stats_t s;
    act_runtime_stats(e->rt, &s);
    assert_int_equal(s.activations, 8);
    assert_int_equal(s.messages, 4 * 10 * 8);
}

static void test_stop_fails_parked_call_57P01(void **state) {
    tenv_t *e = *state;
    tenv_stop(e);
    e->cfg.lock_timeout_ms = 60000;
    tenv_start(e);
    orb_err_t err;
    uint64_t txn;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 5, 55, &err), 0);
    Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__PUT, 0);
    op_key_int(e->mcx, op, 5);
    op_row_int(e->mcx, op, 5, 1);
    act_call_t *c = act_call_post(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, 0, 100, 0, 1, op));
    sleep_ms(50);
    tenv_stop(e); /* rolls back txn too */
    Orbit__ShardReply *rep;
    assert_int_equal(act_call_wait(c, &rep, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_ADMIN_SHUTDOWN);
    act_call_free(c);
    tenv_start(e);
    int64_t v;
    assert_int_equal(t_get(e, 0, 100, 5, &v, &err), 0);
    assert_int_equal(v, -1);
}

const struct CMUnitTest act_runtime_tests[] = {
    cmocka_unit_test_setup_teardown(test_runtime_starts_with_two_workers, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_idle_actor_deactivates_and_reactivates, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_concurrent_scatter_gather, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_stop_fails_parked_call_57P01, tenv_setup,
                                    tenv_teardown),
};
const size_t act_runtime_ntests = sizeof act_runtime_tests / sizeof act_runtime_tests[0];
