/* tests/unit/storage/test_txn.c — the RocksDB layer: open/close durability, transactions,
 * isolation (READ COMMITTED, REPEATABLE READ), non-waiting locks (ORB_AGAIN), savepoints,
 * iterators and delete_range. Each test gets a fresh database in a mkdtemp directory that
 * teardown removes. See storage/README.md "Transactions". */
#define _XOPEN_SOURCE 700
#include "tests.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/storage.h"

typedef struct fx {
    orb_mcx_t *mcx;
    char dir[64];
    st_db_t *db;
} fx_t;

static int open_db(fx_t *f) {
    orb_err_t err;
    st_db_options_t o = {.sync_commit = true, .cache_mb = 8};
    int rc = st_db_open(f->dir, &o, &f->db, &err);
    if (rc != 0) fprintf(stderr, "open failed: %s\n", err.message);
    return rc;
}

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof *f);
    f->mcx = orb_mcx_create(NULL, "test_txn");
    snprintf(f->dir, sizeof f->dir, "/tmp/orb_st_test_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    *state = f;
    return open_db(f);
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    return remove(p);
}

static int teardown(void **state) {
    fx_t *f = *state;
    st_db_close(f->db);
    nftw(f->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    assert_int_equal(access(f->dir, F_OK), -1);
    orb_mcx_reset(f->mcx);
    assert_int_equal(orb_mcx_bytes(f->mcx), 0);
    orb_mcx_destroy(f->mcx);
    free(f);
    return 0;
}

static void put(st_txn_t *t, const char *k, const char *v) {
    orb_err_t err;
    assert_int_equal(st_txn_put(t, ST_CF_ROWS, k, strlen(k), v, strlen(v), &err), 0);
}

/* Returns the value (in mcx) or NULL when absent. */
static const char *get(fx_t *f, st_txn_t *t, const char *k) {
    orb_err_t err;
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(st_txn_get(t, ST_CF_ROWS, k, strlen(k), false, f->mcx, &v, &vn, &found,
                                &err),
                     0);
    return found ? v : NULL;
}

static void commit(st_txn_t *t) {
    orb_err_t err;
    int rc = st_txn_commit(t, &err);
    if (rc != 0) fail_msg("commit failed: %s", err.message);
}

static void test_txn_commit_persists_after_close_and_reopen(void **state) {
    fx_t *f = *state;
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(t, "k1", "v1");
    put(t, "k2", "v2");
    orb_err_t err;
    assert_int_equal(st_txn_delete(t, ST_CF_ROWS, "k2", 2, &err), 0);
    assert_string_equal(get(f, t, "k1"), "v1"); /* own write visible */
    assert_null(get(f, t, "k2"));
    commit(t);
    st_db_close(f->db);
    f->db = NULL;
    assert_int_equal(open_db(f), 0);
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(st_db_get(f->db, ST_CF_ROWS, "k1", 2, f->mcx, &v, &vn, &found, &err), 0);
    assert_true(found);
    assert_int_equal(vn, 2);
    assert_string_equal(v, "v1");
    assert_int_equal(st_db_get(f->db, ST_CF_ROWS, "k2", 2, f->mcx, &v, &vn, &found, &err), 0);
    assert_false(found);
    /* Column families are separate key spaces. */
    assert_int_equal(st_db_get(f->db, ST_CF_INDEX, "k1", 2, f->mcx, &v, &vn, &found, &err), 0);
    assert_false(found);
}

static void test_txn_rollback_discards_writes(void **state) {
    fx_t *f = *state;
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(t, "k", "v");
    st_txn_rollback(t);
    t = st_txn_begin(f->db, ST_READ_COMMITTED);
    assert_null(get(f, t, "k"));
    st_txn_rollback(t);
}

static void test_txn_uncommitted_write_invisible_to_other_txn(void **state) {
    fx_t *f = *state;
    st_txn_t *a = st_txn_begin(f->db, ST_READ_COMMITTED);
    st_txn_t *b = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(a, "k", "a");
    st_txn_statement_snapshot(b);
    assert_null(get(f, b, "k"));
    st_iter_t *it = st_iter_create(b, ST_CF_ROWS, NULL, 0, NULL, 0, false);
    assert_false(st_iter_valid(it));
    st_iter_destroy(it);
    st_txn_rollback(a);
    st_txn_rollback(b);
}

static void test_txn_write_to_locked_key_returns_again_without_waiting(void **state) {
    fx_t *f = *state;
    orb_err_t err;
    st_txn_t *a = st_txn_begin(f->db, ST_READ_COMMITTED);
    st_txn_t *b = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(a, "k", "a");
    assert_int_equal(st_txn_put(b, ST_CF_ROWS, "k", 1, "b", 1, &err), ORB_AGAIN);
    assert_int_equal(err.code, ORB_SQLSTATE_LOCK_NOT_AVAILABLE);
    assert_int_equal(st_txn_delete(b, ST_CF_ROWS, "k", 1, &err), ORB_AGAIN);
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(
        st_txn_get(b, ST_CF_ROWS, "k", 1, true, f->mcx, &v, &vn, &found, &err), ORB_AGAIN);
    /* A plain read does not lock and sees the committed state (absent). */
    assert_null(get(f, b, "k"));
    commit(a);
    /* After a commits, READ COMMITTED b can lock and sees a's value. */
    assert_int_equal(st_txn_get(b, ST_CF_ROWS, "k", 1, true, f->mcx, &v, &vn, &found, &err),
                     0);
    assert_true(found);
    assert_string_equal(v, "a");
    put(b, "k", "b");
    commit(b);
}

static void test_txn_locking_read_blocks_writer_with_again(void **state) {
    fx_t *f = *state;
    orb_err_t err;
    char *v;
    size_t vn;
    bool found;
    st_txn_t *a = st_txn_begin(f->db, ST_READ_COMMITTED);
    assert_int_equal(st_txn_get(a, ST_CF_ROWS, "x", 1, true, f->mcx, &v, &vn, &found, &err),
                     0);
    assert_false(found);
    st_txn_t *b = st_txn_begin(f->db, ST_READ_COMMITTED);
    assert_int_equal(st_txn_put(b, ST_CF_ROWS, "x", 1, "b", 1, &err), ORB_AGAIN);
    st_txn_rollback(a);
    put(b, "x", "b");
    commit(b);
}

static void test_txn_savepoint_rollback_undoes_only_later_writes(void **state) {
    fx_t *f = *state;
    orb_err_t err;
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(t, "a", "1");
    st_txn_savepoint(t); /* SP1 */
    put(t, "b", "2");
    put(t, "a", "1x");
    assert_int_equal(st_txn_rollback_to_savepoint(t, &err), 0);
    assert_string_equal(get(f, t, "a"), "1");
    assert_null(get(f, t, "b"));

    /* A released (popped) statement savepoint above a live one: rolling back reaches the
     * live one, undoing the released statement's writes too. */
    st_txn_savepoint(t); /* user savepoint */
    put(t, "c", "3");
    st_txn_savepoint(t); /* statement savepoint */
    put(t, "d", "4");
    st_txn_pop_savepoint(t); /* statement succeeded */
    st_txn_savepoint(t);     /* next statement */
    put(t, "e", "5");
    assert_int_equal(st_txn_rollback_to_savepoint(t, &err), 0); /* statement failed */
    assert_null(get(f, t, "e"));
    assert_string_equal(get(f, t, "d"), "4");
    assert_int_equal(st_txn_rollback_to_savepoint(t, &err), 0); /* ROLLBACK TO user sp */
    assert_null(get(f, t, "c"));
    assert_null(get(f, t, "d"));
    assert_string_equal(get(f, t, "a"), "1");
    /* No live savepoint left. */
    assert_int_equal(st_txn_rollback_to_savepoint(t, &err), -1);
    commit(t);
    t = st_txn_begin(f->db, ST_READ_COMMITTED);
    assert_string_equal(get(f, t, "a"), "1");
    assert_null(get(f, t, "c"));
    st_txn_rollback(t);
}

static void put_committed(fx_t *f, const char *k, const char *v) {
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    put(t, k, v);
    commit(t);
}

static void collect(st_iter_t *it, char *out, size_t cap) {
    size_t w = 0;
    for (; st_iter_valid(it); st_iter_next(it)) {
        size_t kn, vn;
        const char *k = st_iter_key(it, &kn);
        const char *v = st_iter_value(it, &vn);
        assert_true(w + kn + vn + 2 < cap);
        memcpy(out + w, k, kn);
        w += kn;
        out[w++] = '=';
        memcpy(out + w, v, vn);
        w += vn;
        out[w++] = ' ';
    }
    out[w] = 0;
    orb_err_t err;
    assert_int_equal(st_iter_status(it, &err), 0);
}

static void test_txn_iterator_bounds_reverse_and_own_writes(void **state) {
    fx_t *f = *state;
    put_committed(f, "a", "1");
    put_committed(f, "b", "2");
    put_committed(f, "d", "4");
    put_committed(f, "f", "6");
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    st_txn_statement_snapshot(t);
    put(t, "c", "3");  /* own write inside the range */
    put(t, "d", "4x"); /* own overwrite */
    put(t, "e0", "5"); /* inside */
    put(t, "e", "u");  /* upper bound itself: excluded */
    put(t, "0", "z");  /* below lower */
    orb_err_t err;
    assert_int_equal(st_txn_delete(t, ST_CF_ROWS, "f", 1, &err), 0);
    char buf[256];
    st_iter_t *it = st_iter_create(t, ST_CF_ROWS, "b", 1, "e", 1, false);
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "b=2 c=3 d=4x ");
    it = st_iter_create(t, ST_CF_ROWS, "b", 1, "e", 1, true);
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "d=4x c=3 b=2 ");
    it = st_iter_create(t, ST_CF_ROWS, "b", 1, "z", 1, true);
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "e0=5 e=u d=4x c=3 b=2 ");
    it = st_iter_create(t, ST_CF_ROWS, NULL, 0, NULL, 0, false);
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "0=z a=1 b=2 c=3 d=4x e=u e0=5 ");
    it = st_iter_create(t, ST_CF_ROWS, "c", 1, "c", 1, true); /* empty range */
    assert_false(st_iter_valid(it));
    st_iter_destroy(it);
    st_txn_rollback(t);
}

static void test_txn_read_committed_sees_new_commit_only_after_statement_snapshot(void **state) {
    fx_t *f = *state;
    put_committed(f, "k", "old");
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    st_txn_statement_snapshot(t);
    assert_string_equal(get(f, t, "k"), "old");
    put_committed(f, "k", "new");
    put_committed(f, "n", "1");
    assert_string_equal(get(f, t, "k"), "old"); /* same statement: same snapshot */
    assert_null(get(f, t, "n"));
    st_iter_t *it = st_iter_create(t, ST_CF_ROWS, NULL, 0, NULL, 0, false);
    char buf[64];
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "k=old ");
    st_txn_statement_snapshot(t); /* next statement */
    assert_string_equal(get(f, t, "k"), "new");
    assert_string_equal(get(f, t, "n"), "1");
    /* Locking reads always see the latest committed version. */
    put_committed(f, "k", "newest");
    orb_err_t err;
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(st_txn_get(t, ST_CF_ROWS, "k", 1, true, f->mcx, &v, &vn, &found, &err),
                     0);
    assert_string_equal(v, "newest");
    put(t, "k", "mine");
    commit(t);
}

static void test_txn_repeatable_read_keeps_snapshot_and_fails_on_conflict(void **state) {
    fx_t *f = *state;
    put_committed(f, "k", "old");
    st_txn_t *t = st_txn_begin(f->db, ST_REPEATABLE_READ);
    st_txn_statement_snapshot(t); /* no-op */
    assert_string_equal(get(f, t, "k"), "old");
    put_committed(f, "k", "new");
    put_committed(f, "n", "1");
    st_txn_statement_snapshot(t);
    assert_string_equal(get(f, t, "k"), "old");
    assert_null(get(f, t, "n"));
    orb_err_t err;
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(st_txn_get(t, ST_CF_ROWS, "k", 1, true, f->mcx, &v, &vn, &found, &err),
                     -1);
    assert_int_equal(err.code, ORB_SQLSTATE_T_R_SERIALIZATION_FAILURE);
    assert_int_equal(st_txn_put(t, ST_CF_ROWS, "n", 1, "2", 1, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_T_R_SERIALIZATION_FAILURE);
    /* Keys nobody else touched can still be written and committed. */
    put(t, "other", "x");
    commit(t);
    t = st_txn_begin(f->db, ST_REPEATABLE_READ);
    assert_string_equal(get(f, t, "other"), "x");
    assert_string_equal(get(f, t, "k"), "new");
    st_txn_rollback(t);
}

/* st_txn_view reads at its transaction's snapshot (point reads and iterators alike), for
 * both isolation levels, and ending it leaves the snapshot to the transaction. */
static void test_txn_view_reads_at_the_transaction_snapshot(void **state) {
    fx_t *f = *state;
    for (int rr = 0; rr < 2; rr++) {
        put_committed(f, "k", "old");
        st_txn_t *t = st_txn_begin(f->db, rr ? ST_REPEATABLE_READ : ST_READ_COMMITTED);
        st_txn_statement_snapshot(t);
        put_committed(f, "k", "new");
        put_committed(f, "n", "1");
        st_txn_t *v = st_txn_view(t);
        assert_string_equal(get(f, v, "k"), "old");
        assert_null(get(f, v, "n"));
        st_iter_t *it = st_iter_create(v, ST_CF_ROWS, NULL, 0, NULL, 0, false);
        char buf[64];
        collect(it, buf, sizeof buf);
        st_iter_destroy(it);
        assert_string_equal(buf, "k=old ");
        st_txn_rollback(v);
        /* the transaction's snapshot is still there */
        assert_string_equal(get(f, t, "k"), "old");
        it = st_iter_create(t, ST_CF_ROWS, NULL, 0, NULL, 0, false);
        collect(it, buf, sizeof buf);
        st_iter_destroy(it);
        assert_string_equal(buf, "k=old ");
        st_txn_rollback(t);
        orb_err_t err;
        assert_int_equal(st_db_delete_range(f->db, ST_CF_ROWS, "", 0, "z", 1, &err), 0);
    }
}

static void test_txn_delete_range_removes_only_the_range(void **state) {
    fx_t *f = *state;
    orb_err_t err;
    const char *keys[] = {"a", "b", "b1", "b2", "c", "d"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(st_db_put_sync(f->db, ST_CF_ROWS, keys[i], strlen(keys[i]), "v", 1,
                                        &err),
                         0);
    assert_int_equal(st_db_put_sync(f->db, ST_CF_INDEX, "b1", 2, "i", 1, &err), 0);
    assert_int_equal(st_db_delete_range(f->db, ST_CF_ROWS, "b", 1, "c", 1, &err), 0);
    st_txn_t *t = st_txn_begin(f->db, ST_READ_COMMITTED);
    st_iter_t *it = st_iter_create(t, ST_CF_ROWS, NULL, 0, NULL, 0, false);
    char buf[128];
    collect(it, buf, sizeof buf);
    st_iter_destroy(it);
    assert_string_equal(buf, "a=v c=v d=v ");
    char *v;
    size_t vn;
    bool found;
    assert_int_equal(st_txn_get(t, ST_CF_INDEX, "b1", 2, false, f->mcx, &v, &vn, &found, &err),
                     0);
    assert_true(found); /* other column family untouched */
    st_txn_rollback(t);
    /* Many keys (more than one internal batch). */
    for (int i = 0; i < 5000; i++) {
        char k[16];
        snprintf(k, sizeof k, "m%05d", i);
        assert_int_equal(st_db_put_sync(f->db, ST_CF_CATALOG, k, strlen(k), "", 0, &err), 0);
    }
    assert_int_equal(st_db_delete_range(f->db, ST_CF_CATALOG, "m", 1, "n", 1, &err), 0);
    t = st_txn_begin(f->db, ST_READ_COMMITTED);
    it = st_iter_create(t, ST_CF_CATALOG, NULL, 0, NULL, 0, false);
    assert_false(st_iter_valid(it));
    st_iter_destroy(it);
    st_txn_rollback(t);
}

static void test_txn_open_on_a_file_path_fails_with_io_error(void **state) {
    fx_t *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/file", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    char sub[160];
    snprintf(sub, sizeof sub, "%s/db", path);
    st_db_t *db = (st_db_t *)1;
    orb_err_t err;
    assert_int_equal(st_db_open(sub, NULL, &db, &err), -1);
    assert_null(db);
    assert_int_equal(err.code, ORB_SQLSTATE_IO_ERROR);
    assert_non_null(strstr(err.message, "could not open storage at"));
    /* Nested missing parents are created. */
    snprintf(sub, sizeof sub, "%s/x/y/z", f->dir);
    assert_int_equal(st_db_open(sub, NULL, &db, &err), 0);
    st_db_close(db);
}

const struct CMUnitTest st_txn_tests[] = {
    cmocka_unit_test_setup_teardown(test_txn_commit_persists_after_close_and_reopen, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_rollback_discards_writes, setup, teardown),
    cmocka_unit_test_setup_teardown(test_txn_uncommitted_write_invisible_to_other_txn, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_write_to_locked_key_returns_again_without_waiting,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(test_txn_locking_read_blocks_writer_with_again, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_savepoint_rollback_undoes_only_later_writes, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_iterator_bounds_reverse_and_own_writes, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(
        test_txn_read_committed_sees_new_commit_only_after_statement_snapshot, setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_txn_repeatable_read_keeps_snapshot_and_fails_on_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_txn_view_reads_at_the_transaction_snapshot, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_delete_range_removes_only_the_range, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_txn_open_on_a_file_path_fails_with_io_error, setup,
                                    teardown),
};
const size_t st_txn_ntests = sizeof st_txn_tests / sizeof st_txn_tests[0];
