/* tests/unit/actors/test_act_txn.c — node-local transactions through the shard actors:
 * visibility until commit, rollback, statement rollback, SQL savepoints (rollback to, keep,
 * release, lock release), parking of a request behind a busy row lock (resumed after the
 * holder commits, or 55P03 after lock_timeout_ms). */
#include "tests.h"

#include <pthread.h>

static void test_txn_insert_invisible_until_commit(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_true(txn != 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, true, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    /* the id is gone */
    assert_int_equal(act_txn_commit(e->rt, txn, &err), -1);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TRANSACTION_STATE);
}

static void test_txn_rollback_discards(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    act_txn_rollback(e->rt, txn);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, -1);
    /* the lock went with it */
    assert_int_equal(t_insert(e, 0, 100, 1, 12, &err), 0);
}

static void test_statement_end_false_undoes_statement(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, true, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 2, 22, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, false, &err), 0);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(t_get(e, 0, 100, 2, &v, &err), 0);
    assert_int_equal(v, -1);
}

typedef struct poster {
    tenv_t *e;
    orb_mcx_t *mcx;
    int rc;
    orb_err_t err;
    uint64_t done_ms;
} poster_t;

/* Helper thread: an autocommit PUT (5 -> 99) on table 100, waiting for its reply. */
static void *poster_main(void *arg) {
    poster_t *p = arg;
    Orbit__ShardOp *op = op_new(p->mcx, ORBIT__SHARD_OP__KIND__PUT, 0);
    op_key_int(p->mcx, op, 5);
    op_row_int(p->mcx, op, 5, 99);
    act_call_t *c = act_call_post(p->e->rt, ACT_TABLE_SHARD, req_new(p->mcx, 0, 100, 0, 1, op));
    Orbit__ShardReply *rep;
    p->rc = act_call_wait(c, &rep, &p->err);
    p->done_ms = now_ms();
    act_call_free(c);
    return NULL;
}

static void test_busy_lock_parks_until_commit(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 5, 55, &err), 0);
    poster_t p = {.e = e, .mcx = orb_mcx_create(NULL, "poster")};
    pthread_t th;
    pthread_create(&th, NULL, poster_main, &p);
    sleep_ms(100);
    /* other actors and other rows stay served while the request is parked */
    assert_int_equal(t_insert(e, 0, 100, 6, 66, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 6, &v, &err), 0);
    assert_int_equal(v, 66);
    /* the lock holder's own later requests are not stuck behind the parked one */
    assert_int_equal(t_put(e, txn, 100, 7, 77, &err), 0);
    uint64_t commit_ms = now_ms();
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    pthread_join(th, NULL);
    assert_int_equal(p.rc, 0);
    assert_true(p.done_ms >= commit_ms);
    assert_int_equal(t_get(e, 0, 100, 5, &v, &err), 0);
    assert_int_equal(v, 99);
    assert_int_equal(t_get(e, 0, 100, 7, &v, &err), 0);
    assert_int_equal(v, 77);
    orb_mcx_destroy(p.mcx);
}

static void test_busy_lock_times_out_55P03(void **state) {
    tenv_t *e = *state;
    tenv_stop(e);
    e->cfg.lock_timeout_ms = 200;
    tenv_start(e);
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 5, 55, &err), 0);
    uint64_t t0 = now_ms();
    poster_t p = {.e = e, .mcx = orb_mcx_create(NULL, "poster")};
    pthread_t th;
    pthread_create(&th, NULL, poster_main, &p);
    pthread_join(th, NULL);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.err.code, ORB_SQLSTATE_LOCK_NOT_AVAILABLE);
    assert_true(p.done_ms - t0 >= 180);
    act_txn_rollback(e->rt, txn);
    assert_int_equal(t_get(e, 0, 100, 5, &v, &err), 0);
    assert_int_equal(v, -1);
    orb_mcx_destroy(p.mcx);
}

static void test_scan_for_update_locks_rows(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    for (int k = 1; k <= 5; k++) assert_int_equal(t_insert(e, 0, 100, k, k * 10, &err), 0);
    uint64_t txn;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__SCAN, 0);
    op->for_update = true;
    act_call_t *c;
    Orbit__ShardReply *rep;
    assert_int_equal(
        act_call(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, txn, 100, 0, 1, op), &c, &rep, &err),
        0);
    assert_int_equal(rep->results[0]->n_rows, 5);
    assert_int_equal(rep->results[0]->n_keys, 5);
    assert_int_equal(rep->results[0]->keys[4]->cols[0]->i, 5);
    act_call_free(c);
    assert_int_equal(act_txn_statement_end(e->rt, txn, true, &err), 0);
    /* row 5 is locked: a writer parks, then proceeds after commit */
    poster_t p = {.e = e, .mcx = orb_mcx_create(NULL, "poster")};
    pthread_t th;
    pthread_create(&th, NULL, poster_main, &p);
    sleep_ms(50);
    uint64_t commit_ms = now_ms();
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    pthread_join(th, NULL);
    assert_int_equal(p.rc, 0);
    assert_true(p.done_ms >= commit_ms);
    orb_mcx_destroy(p.mcx);
}

/* ---- SQL savepoints ------------------------------------------------------------------ */

static void test_savepoint_rollback_to_undoes_later_writes_and_keeps_savepoint(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 2, 22, &err), 0);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, txn, 100, 2, &v, &err), 0);
    assert_int_equal(v, -1);
    /* the savepoint is still there: roll back to it a second time */
    assert_int_equal(t_insert(e, txn, 100, 3, 33, &err), 0);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, txn, 100, 3, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(t_get(e, 0, 100, 2, &v, &err), 0);
    assert_int_equal(v, -1);
}

static void test_savepoint_release_keeps_writes(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_release(e->rt, txn, &err), 0);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
}

static void test_savepoint_rollback_to_outer_after_releasing_inner(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0); /* a */
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0); /* b */
    assert_int_equal(t_insert(e, txn, 100, 2, 22, &err), 0);
    /* ROLLBACK TO a: b goes first, then a is rolled back to (and kept) */
    assert_int_equal(act_txn_release(e->rt, txn, &err), 0);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(t_get(e, txn, 100, 2, &v, &err), 0);
    assert_int_equal(v, -1);
    /* a is live: release it, then nothing is left to roll back to */
    assert_int_equal(act_txn_release(e->rt, txn, &err), 0);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INTERNAL_ERROR);
    act_txn_rollback(e->rt, txn);
}

static void test_savepoint_survives_failed_statement(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 1, 11, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, true, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 2, 22, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, false, &err), 0);
    /* the statement savepoint went; the SQL savepoint still undoes row 1 */
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, -1);
}

static void test_savepoint_rollback_to_releases_row_locks(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    int64_t v;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), 0);
    assert_int_equal(t_insert(e, txn, 100, 5, 55, &err), 0);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), 0);
    /* another writer gets row 5 at once while txn is still open */
    uint64_t t0 = now_ms();
    assert_int_equal(t_insert(e, 0, 100, 5, 99, &err), 0);
    assert_true(now_ms() - t0 < 500);
    assert_int_equal(t_get(e, 0, 100, 5, &v, &err), 0);
    assert_int_equal(v, 99);
    act_txn_rollback(e->rt, txn);
}

static void test_savepoint_calls_on_finished_txn_fail_25000(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    uint64_t txn;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    act_txn_rollback(e->rt, txn);
    assert_int_equal(act_txn_savepoint(e->rt, txn, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TRANSACTION_STATE);
    assert_int_equal(act_txn_rollback_to(e->rt, txn, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TRANSACTION_STATE);
    assert_int_equal(act_txn_release(e->rt, txn, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TRANSACTION_STATE);
}

const struct CMUnitTest act_txn_tests[] = {
    cmocka_unit_test_setup_teardown(test_txn_insert_invisible_until_commit, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_txn_rollback_discards, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_statement_end_false_undoes_statement, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_busy_lock_parks_until_commit, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_busy_lock_times_out_55P03, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_scan_for_update_locks_rows, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(
        test_savepoint_rollback_to_undoes_later_writes_and_keeps_savepoint, tenv_setup,
        tenv_teardown),
    cmocka_unit_test_setup_teardown(test_savepoint_release_keeps_writes, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_savepoint_rollback_to_outer_after_releasing_inner,
                                    tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_savepoint_survives_failed_statement, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_savepoint_rollback_to_releases_row_locks, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_savepoint_calls_on_finished_txn_fail_25000, tenv_setup,
                                    tenv_teardown),
};
const size_t act_txn_ntests = sizeof act_txn_tests / sizeof act_txn_tests[0];
