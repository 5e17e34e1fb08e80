/* tests/unit/actors/test_act_shard.c — the table-shard behaviour through act_call:
 * autocommit insert/get, 23505 with the constraint name, request atomicity, SCAN bounds,
 * the catalog actor, act_table_drop_data and act_shard_of. */
#include "tests.h"

#include <string.h>

static void test_insert_then_get_autocommit(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 100, 1, 11, &err), 0);
    int64_t v;
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(t_get(e, 0, 100, 2, &v, &err), 0);
    assert_int_equal(v, -1);
}

static void test_insert_existing_key_fails_23505(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 100, 1, 11, &err), 0);
    assert_int_equal(t_insert(e, 0, 100, 1, 12, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_UNIQUE_VIOLATION);
    assert_string_equal(err.constraint, "t_pkey");
    assert_string_equal(err.message, "duplicate key value violates unique constraint \"t_pkey\"");
    assert_string_equal(err.detail, "Key (id) already exists.");
    int64_t v;
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
}

static void test_failed_second_op_undoes_first(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 100, 1, 11, &err), 0);
    Orbit__ShardOp *a = op_new(e->mcx, ORBIT__SHARD_OP__KIND__INSERT, 0);
    op_key_int(e->mcx, a, 10);
    op_row_int(e->mcx, a, 10, 100);
    Orbit__ShardOp *b = op_new(e->mcx, ORBIT__SHARD_OP__KIND__INSERT, 0);
    op_key_int(e->mcx, b, 1);
    op_row_int(e->mcx, b, 1, 100);
    Orbit__ShardOp *d = op_new(e->mcx, ORBIT__SHARD_OP__KIND__DELETE, 0);
    op_key_int(e->mcx, d, 1);
    act_call_t *c;
    Orbit__ShardReply *rep;
    /* autocommit */
    assert_int_equal(act_call(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, 0, 100, 0, 2, a, b), &c,
                              &rep, &err),
                     -1);
    assert_int_equal(err.code, ORB_SQLSTATE_UNIQUE_VIOLATION);
    act_call_free(c);
    int64_t v;
    assert_int_equal(t_get(e, 0, 100, 10, &v, &err), 0);
    assert_int_equal(v, -1);
    /* inside a transaction: the request is undone, the transaction goes on */
    uint64_t txn;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn, &err), 0);
    assert_int_equal(act_txn_statement_begin(e->rt, txn, &err), 0);
    assert_int_equal(act_call(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, txn, 100, 0, 3, d, a, a),
                              &c, &rep, &err),
                     -1);
    act_call_free(c);
    assert_int_equal(t_get(e, txn, 100, 10, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(t_get(e, txn, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
    assert_int_equal(t_insert(e, txn, 100, 20, 200, &err), 0);
    assert_int_equal(act_txn_statement_end(e->rt, txn, true, &err), 0);
    assert_int_equal(act_txn_commit(e->rt, txn, &err), 0);
    assert_int_equal(t_get(e, 0, 100, 20, &v, &err), 0);
    assert_int_equal(v, 200);
    assert_int_equal(t_get(e, 0, 100, 1, &v, &err), 0);
    assert_int_equal(v, 11);
}

/* Scans table 200 (keys 1..10) and checks the keys returned, in order. */
static void check_scan(tenv_t *e, int64_t lo, bool lo_incl, int64_t hi, bool hi_incl,
                       bool reverse, uint64_t limit, bool keys_only, const int64_t *want,
                       size_t nwant) {
    Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__SCAN, 0);
    if (lo >= 0) {
        op->n_lower = 1;
        op->lower = orb_alloc(e->mcx, sizeof *op->lower);
        op->lower[0] = d_int(e->mcx, lo);
        op->lower_incl = lo_incl;
    }
    if (hi >= 0) {
        op->n_upper = 1;
        op->upper = orb_alloc(e->mcx, sizeof *op->upper);
        op->upper[0] = d_int(e->mcx, hi);
        op->upper_incl = hi_incl;
    }
    op->reverse = reverse;
    op->limit = limit;
    op->keys_only = keys_only;
    act_call_t *c;
    Orbit__ShardReply *rep;
    orb_err_t err;
    assert_int_equal(act_call(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, 0, 200, 3, 1, op), &c,
                              &rep, &err),
                     0);
    Orbit__OpResult *r = rep->results[0];
    assert_int_equal(r->n_keys, nwant);
    assert_int_equal(r->n_rows, keys_only ? 0 : nwant);
    assert_int_equal(r->count, nwant);
    for (size_t i = 0; i < nwant; i++) {
        assert_int_equal(r->keys[i]->n_cols, 1);
        assert_int_equal(r->keys[i]->cols[0]->i, want[i]);
        if (!keys_only) assert_int_equal(r->rows[i]->cols[1]->i, want[i] * 10);
    }
    act_call_free(c);
}

static void test_scan_bounds(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    for (int64_t k = 1; k <= 10; k++) {
        Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__PUT, 0);
        op_key_int(e->mcx, op, k);
        op_row_int(e->mcx, op, k, k * 10);
        act_call_t *c;
        Orbit__ShardReply *rep;
        assert_int_equal(act_call(e->rt, ACT_TABLE_SHARD, req_new(e->mcx, 0, 200, 3, 1, op), &c,
                                  &rep, &err),
                         0);
        act_call_free(c);
    }
    /* a neighbour shard and table must not leak into the scan */
    assert_int_equal(t_insert(e, 0, 200, 5, 5, &err), 0);
    assert_int_equal(t_insert(e, 0, 201, 5, 5, &err), 0);
    const int64_t all[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    check_scan(e, -1, false, -1, false, false, 0, false, all, 10);
    check_scan(e, 3, true, 7, true, false, 0, false, (const int64_t[]){3, 4, 5, 6, 7}, 5);
    check_scan(e, 3, false, 7, false, false, 0, false, (const int64_t[]){4, 5, 6}, 3);
    check_scan(e, 3, true, 7, false, false, 0, false, (const int64_t[]){3, 4, 5, 6}, 4);
    check_scan(e, 3, true, 7, true, true, 2, false, (const int64_t[]){7, 6}, 2);
    check_scan(e, -1, false, -1, false, true, 3, false, (const int64_t[]){10, 9, 8}, 3);
    check_scan(e, 8, false, -1, false, false, 0, false, (const int64_t[]){9, 10}, 2);
    check_scan(e, -1, false, 2, true, false, 0, true, (const int64_t[]){1, 2}, 2);
    check_scan(e, 7, true, 3, true, false, 0, false, NULL, 0);
    check_scan(e, 5, false, 5, true, false, 0, false, NULL, 0);
}

static void test_catalog_actor_put_get(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__PUT, 0);
    op->n_key = 1;
    op->key = orb_alloc(e->mcx, sizeof *op->key);
    op->key[0] = d_text(e->mcx, "public.t");
    op_row_int(e->mcx, op, 1, 42);
    Orbit__ShardRequest *req = req_new(e->mcx, 0, 0, 0, 1, op);
    req->catalog = true;
    act_call_t *c;
    Orbit__ShardReply *rep;
    assert_int_equal(act_call(e->rt, ACT_CATALOG, req, &c, &rep, &err), 0);
    act_call_free(c);
    Orbit__ShardOp *g = op_new(e->mcx, ORBIT__SHARD_OP__KIND__GET, 0);
    g->n_key = 1;
    g->key = op->key;
    req = req_new(e->mcx, 0, 0, 0, 1, g);
    req->catalog = true;
    assert_int_equal(act_call(e->rt, ACT_CATALOG, req, &c, &rep, &err), 0);
    assert_int_equal(rep->results[0]->n_rows, 1);
    assert_int_equal(rep->results[0]->rows[0]->cols[1]->i, 42);
    act_call_free(c);
    /* not visible as a row of table 0 */
    req = req_new(e->mcx, 0, 0, 0, 1, g);
    assert_int_equal(act_call(e->rt, ACT_TABLE_SHARD, req, &c, &rep, &err), 0);
    assert_int_equal(rep->results[0]->n_rows, 0);
    act_call_free(c);
}

static void test_table_drop_data_removes_rows(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    assert_int_equal(t_insert(e, 0, 300, 1, 1, &err), 0);
    assert_int_equal(t_insert(e, 0, 301, 1, 1, &err), 0);
    assert_int_equal(act_table_drop_data(e->rt, 300, &err), 0);
    int64_t v;
    assert_int_equal(t_get(e, 0, 300, 1, &v, &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(t_get(e, 0, 301, 1, &v, &err), 0);
    assert_int_equal(v, 1);
}

static void test_shard_of_stable_and_in_range(void **state) {
    tenv_t *e = *state;
    orb_err_t err;
    bool seen[8] = {false};
    int distinct = 0;
    for (int64_t k = 0; k < 200; k++) {
        const Orbit__Datum *key[2] = {d_int(e->mcx, k), d_text(e->mcx, "x")};
        uint32_t s1, s2;
        assert_int_equal(act_shard_of(key, 2, 8, &s1, &err), 0);
        assert_int_equal(act_shard_of(key, 2, 8, &s2, &err), 0);
        assert_int_equal(s1, s2);
        assert_true(s1 < 8);
        if (!seen[s1]) distinct++;
        seen[s1] = true;
    }
    assert_true(distinct >= 4);
    Orbit__Datum *bad = d_int(e->mcx, 0);
    bad->v_case = ORBIT__DATUM__V_NUMERIC;
    bad->numeric = "12x";
    const Orbit__Datum *key[1] = {bad};
    uint32_t s;
    assert_int_equal(act_shard_of(key, 1, 8, &s, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION);
}

const struct CMUnitTest act_shard_tests[] = {
    cmocka_unit_test_setup_teardown(test_insert_then_get_autocommit, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_insert_existing_key_fails_23505, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_failed_second_op_undoes_first, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_scan_bounds, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_catalog_actor_put_get, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_table_drop_data_removes_rows, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_shard_of_stable_and_in_range, tenv_setup,
                                    tenv_teardown),
};
const size_t act_shard_ntests = sizeof act_shard_tests / sizeof act_shard_tests[0];
