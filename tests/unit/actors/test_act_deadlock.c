/* tests/unit/actors/test_act_deadlock.c — deadlock detection: the pure cycle search over
 * wait-for edges (act_deadlock_find_cycle), and through the runtime: two- and three-way
 * deadlocks on one actor and across actors fail exactly one waiter with 40P01 after
 * deadlock_timeout_ms, a long wait without a cycle succeeds (lock_timeout_ms 0 waits as long
 * as needed), and the owner table forgets finished transactions. */
#include "tests.h"

#include "actors/actors_int.h" /* act_deadlock_find_cycle */

#include <pthread.h>
#include <string.h>

/* ---- the pure cycle search ------------------------------------------------------------ */

#define E(w, h) ((act_wait_edge_t){.waiter = (w), .holder = (h), .table_id = 7})

static void test_find_cycle_none(void **state) {
    (void)state;
    act_wait_edge_t cyc[8];
    assert_int_equal(act_deadlock_find_cycle(NULL, 0, 1, cyc), 0);
    act_wait_edge_t chain[] = {E(1, 2), E(2, 3), E(3, 4)};
    assert_int_equal(act_deadlock_find_cycle(chain, 3, 1, cyc), 0);
    act_wait_edge_t not_waiting[] = {E(2, 1), E(3, 1)};
    assert_int_equal(act_deadlock_find_cycle(not_waiting, 2, 1, cyc), 0);
}

static void test_find_cycle_two_way(void **state) {
    (void)state;
    act_wait_edge_t edges[] = {E(9, 5), E(2, 1), E(1, 2)};
    act_wait_edge_t cyc[3];
    assert_int_equal(act_deadlock_find_cycle(edges, 3, 1, cyc), 2);
    assert_true(cyc[0].waiter == 1 && cyc[0].holder == 2);
    assert_true(cyc[1].waiter == 2 && cyc[1].holder == 1);
    assert_int_equal(cyc[0].table_id, 7);
}

static void test_find_cycle_three_way_in_order(void **state) {
    (void)state;
    act_wait_edge_t edges[] = {E(30, 10), E(10, 20), E(20, 30), E(40, 10)};
    act_wait_edge_t cyc[4];
    assert_int_equal(act_deadlock_find_cycle(edges, 4, 20, cyc), 3);
    assert_true(cyc[0].waiter == 20 && cyc[0].holder == 30);
    assert_true(cyc[1].waiter == 30 && cyc[1].holder == 10);
    assert_true(cyc[2].waiter == 10 && cyc[2].holder == 20);
    /* 40 waits into the cycle but is not on it */
    act_wait_edge_t again[] = {E(30, 10), E(10, 20), E(20, 30), E(40, 10)};
    assert_int_equal(act_deadlock_find_cycle(again, 4, 40, cyc), 0);
}

static void test_find_cycle_branches_and_self_edges(void **state) {
    (void)state;
    /* 1 waits on two shards: for 2 (a dead end via 3) and for 4, which waits for 1 */
    act_wait_edge_t edges[] = {E(1, 2), E(2, 3), E(3, 3), E(1, 4), E(4, 5), E(4, 1), E(1, 1),
                               E(2, 3)};
    act_wait_edge_t cyc[8];
    size_t n = act_deadlock_find_cycle(edges, 8, 1, cyc);
    assert_int_equal(n, 2);
    assert_true(cyc[0].waiter == 1 && cyc[0].holder == 4);
    assert_true(cyc[1].waiter == 4 && cyc[1].holder == 1);
    /* a self edge alone is no deadlock */
    act_wait_edge_t self[] = {E(5, 5)};
    assert_int_equal(act_deadlock_find_cycle(self, 1, 5, cyc), 0);
}

static void test_find_cycle_long_ring(void **state) {
    (void)state;
    enum { N = 1000 };
    static act_wait_edge_t edges[N + N], cyc[N + N];
    size_t n = 0;
    for (uint64_t i = 1; i <= N; i++) {
        edges[n++] = E(i, i % N + 1);    /* the ring 1 -> 2 -> ... -> N -> 1 */
        edges[n++] = E(i, N + 1 + i);    /* and a dead end from each */
    }
    assert_int_equal(act_deadlock_find_cycle(edges, n, 500, cyc), N);
    assert_true(cyc[0].waiter == 500 && cyc[N - 1].holder == 500);
    for (size_t i = 0; i + 1 < N; i++) assert_true(cyc[i].holder == cyc[i + 1].waiter);
}

/* ---- through the runtime -------------------------------------------------------------- */

/* lock_timeout 0 (wait as long as needed), deadlock_timeout 100 ms */
static void restart_for_deadlocks(tenv_t *e) {
    tenv_stop(e);
    e->cfg.lock_timeout_ms = 0;
    e->cfg.deadlock_timeout_ms = 100;
    tenv_start(e);
}

typedef struct writer {
    tenv_t *e;
    orb_mcx_t *mcx;
    uint64_t txn;
    uint32_t table;
    int64_t key;
    int rc;
    orb_err_t err;
    uint64_t done_ms;
    pthread_t th;
} writer_t;

static void *writer_main(void *arg) {
    writer_t *wr = arg;
    Orbit__ShardOp *op = op_new(wr->mcx, ORBIT__SHARD_OP__KIND__PUT, 0);
    op_key_int(wr->mcx, op, wr->key);
    op_row_int(wr->mcx, op, wr->key, (int64_t)wr->txn);
    act_call_t *c = act_call_post(wr->e->rt, ACT_TABLE_SHARD,
                                  req_new(wr->mcx, wr->txn, wr->table, 0, 1, op));
    Orbit__ShardReply *rep;
    orb_err_clear(&wr->err);
    wr->rc = act_call_wait(c, &rep, &wr->err);
    __atomic_store_n(&wr->done_ms, now_ms(), __ATOMIC_RELEASE);
    act_call_free(c);
    return NULL;
}

static void writer_start(writer_t *wr, tenv_t *e, uint64_t txn, uint32_t table, int64_t key) {
    memset(wr, 0, sizeof *wr);
    wr->e = e;
    wr->mcx = orb_mcx_create(NULL, "writer");
    wr->txn = txn;
    wr->table = table;
    wr->key = key;
    wr->rc = 1; /* not done */
    pthread_create(&wr->th, NULL, writer_main, wr);
}

static void writer_join(writer_t *wr) {
    pthread_join(wr->th, NULL);
    orb_mcx_destroy(wr->mcx);
}

/* Waits until one of ws (n of them) finished; returns its index. */
static int first_done(writer_t *ws, int n, int timeout_ms) {
    uint64_t until = now_ms() + (uint64_t)timeout_ms;
    while (now_ms() < until) {
        for (int i = 0; i < n; i++)
            if (__atomic_load_n(&ws[i].done_ms, __ATOMIC_ACQUIRE)) return i;
        sleep_ms(5);
    }
    return -1;
}

/* n transactions; txn i holds (tables[i], keys[i]) and then wants (tables[i+1], keys[i+1]). */
static void run_cycle(tenv_t *e, int n, const uint32_t *tables, const int64_t *keys) {
    orb_err_t err;
    uint64_t txn[4];
    writer_t ws[4];
    for (int i = 0; i < n; i++) {
        assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &txn[i], &err), 0);
        assert_int_equal(t_put(e, txn[i], tables[i], keys[i], 0, &err), 0);
    }
    uint64_t t0 = now_ms();
    for (int i = 0; i < n; i++)
        writer_start(&ws[i], e, txn[i], tables[(i + 1) % n], keys[(i + 1) % n]);
    int v = first_done(ws, n, 5000);
    assert_true(v >= 0);
    /* the first to finish is the victim, after deadlock_timeout */
    assert_int_equal(ws[v].rc, -1);
    assert_int_equal(ws[v].err.code, ORB_SQLSTATE_T_R_DEADLOCK_DETECTED);
    assert_string_equal(ws[v].err.message, "deadlock detected");
    assert_non_null(strstr(ws[v].err.detail, "waits for a row lock on relation"));
    assert_true(ws[v].done_ms - t0 >= 90);
    sleep_ms(300); /* nobody else is chosen meanwhile */
    for (int i = 0; i < n; i++)
        if (i != v && __atomic_load_n(&ws[i].done_ms, __ATOMIC_ACQUIRE))
            fail_msg("writer %d (txn %llu) finished too: rc %d %s %s %s (victim %d txn %llu)", i,
                     (unsigned long long)txn[i], ws[i].rc, orb_sqlstate_code(ws[i].err.code),
                     ws[i].err.message, ws[i].err.detail, v, (unsigned long long)txn[v]);
    /* the victim rolls back; the others then finish in turn as each commits */
    act_txn_rollback(e->rt, txn[v]);
    for (int k = 1; k < n; k++) {
        int i = (v + n - k) % n; /* the one that waited for the txn that just finished */
        writer_join(&ws[i]);
        assert_int_equal(ws[i].rc, 0);
        assert_int_equal(act_txn_commit(e->rt, txn[i], &err), 0);
    }
    writer_join(&ws[v]);
    /* every row now carries the value of a winner */
    for (int i = 0; i < n; i++) {
        int64_t val;
        assert_int_equal(t_get(e, 0, tables[i], keys[i], &val, &err), 0);
        int writer_of = (i + n - 1) % n; /* who wanted (tables[i], keys[i]) */
        assert_int_equal(val, writer_of == v ? 0 : (int64_t)txn[writer_of]);
    }
}

static void test_two_way_deadlock_one_actor_fails_one_40P01(void **state) {
    tenv_t *e = *state;
    restart_for_deadlocks(e);
    uint32_t tables[] = {100, 100};
    int64_t keys[] = {1, 2};
    run_cycle(e, 2, tables, keys);
}

static void test_two_way_deadlock_across_actors(void **state) {
    tenv_t *e = *state;
    restart_for_deadlocks(e);
    uint32_t tables[] = {100, 101};
    int64_t keys[] = {1, 1};
    run_cycle(e, 2, tables, keys);
}

static void test_three_way_deadlock(void **state) {
    tenv_t *e = *state;
    restart_for_deadlocks(e);
    uint32_t tables[] = {100, 101, 102};
    int64_t keys[] = {1, 2, 3};
    run_cycle(e, 3, tables, keys);
}

static void test_long_wait_without_cycle_succeeds(void **state) {
    tenv_t *e = *state;
    restart_for_deadlocks(e);
    orb_err_t err;
    uint64_t a, b;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &a, &err), 0);
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &b, &err), 0);
    assert_int_equal(t_put(e, a, 100, 1, 1, &err), 0);
    writer_t wb, wc;
    writer_start(&wb, e, b, 100, 1);  /* a transaction waits */
    writer_start(&wc, e, 0, 100, 1);  /* and an autocommit request */
    sleep_ms(1500);                   /* far beyond deadlock_timeout and the old 1 s bound */
    assert_int_equal(__atomic_load_n(&wb.done_ms, __ATOMIC_ACQUIRE), 0);
    assert_int_equal(__atomic_load_n(&wc.done_ms, __ATOMIC_ACQUIRE), 0);
    uint64_t commit_ms = now_ms();
    assert_int_equal(act_txn_commit(e->rt, a, &err), 0);
    /* b gets the row lock at once (maybe after the autocommit write), then holds it */
    writer_join(&wb);
    assert_int_equal(wb.rc, 0);
    assert_true(wb.done_ms - commit_ms < 500); /* retried promptly */
    assert_int_equal(act_txn_commit(e->rt, b, &err), 0);
    writer_join(&wc);
    assert_int_equal(wc.rc, 0);
}

static size_t owners(tenv_t *e) {
    act_stats_t st;
    act_runtime_stats(e->rt, &st);
    return (size_t)st.row_lock_owners;
}

static void test_owner_table_forgets_finished_transactions(void **state) {
    tenv_t *e = *state;
    tenv_stop(e);
    e->cfg.idle_ms = 200; /* idle tick every 100 ms sweeps the owner tables */
    tenv_start(e);
    orb_err_t err;
    uint64_t a, b;
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &a, &err), 0);
    assert_int_equal(act_txn_begin(e->rt, ACT_READ_COMMITTED, &b, &err), 0);
    for (int k = 0; k < 10; k++) assert_int_equal(t_put(e, a, 100, k, k, &err), 0);
    assert_int_equal(t_put(e, b, 100, 100, 1, &err), 0);
    assert_int_equal(t_put(e, 0, 100, 200, 1, &err), 0); /* autocommit records nothing */
    assert_int_equal(owners(e), 11);
    assert_int_equal(act_txn_commit(e->rt, a, &err), 0);
    sleep_ms(400);
    assert_int_equal(owners(e), 1); /* b's row: b is still open */
    act_txn_rollback(e->rt, b);
    sleep_ms(400);
    assert_int_equal(owners(e), 0);
}

const struct CMUnitTest act_deadlock_tests[] = {
    cmocka_unit_test(test_find_cycle_none),
    cmocka_unit_test(test_find_cycle_two_way),
    cmocka_unit_test(test_find_cycle_three_way_in_order),
    cmocka_unit_test(test_find_cycle_branches_and_self_edges),
    cmocka_unit_test(test_find_cycle_long_ring),
    cmocka_unit_test_setup_teardown(test_two_way_deadlock_one_actor_fails_one_40P01, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_two_way_deadlock_across_actors, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_three_way_deadlock, tenv_setup, tenv_teardown),
    cmocka_unit_test_setup_teardown(test_long_wait_without_cycle_succeeds, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_owner_table_forgets_finished_transactions, tenv_setup,
                                    tenv_teardown),
};
const size_t act_deadlock_ntests = sizeof act_deadlock_tests / sizeof act_deadlock_tests[0];
