/* tests/unit/sql/test_stats.c — the statistics counters (sql_stats.c): scans counted per
 * table and per index, a transaction's writes applied when it ends (n_live_tup only on
 * commit; ROLLBACK TO a savepoint undoes only the live rows), many tables (the map grows),
 * VACUUM/ANALYZE, live rows set and unknown, resets of one table and of the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sql/sql_stats.h"
#include "unit_sql.h"

static sql_engine_t *engine_new(void) {
    static sql_engine_t e;
    memset(&e, 0, sizeof e);
    e.stats = sql_stats_create();
    return &e;
}

static void test_scans_count_per_table_and_index(void **state) {
    (void)state;
    sql_engine_t *e = engine_new();
    sql_stats_count_scan(e, 16400, -1, 10); /* a full scan */
    sql_stats_count_scan(e, 16400, 0, 1);   /* a primary key lookup */
    sql_stats_count_scan(e, 16400, 2, 3);   /* index 2 */
    sql_stats_count_scan(e, 16400, 2, 0);
    sql_stat_rel_t t, pk, ix;
    sql_stats_rel_get(e, 16400, -1, &t);
    sql_stats_rel_get(e, 16400, 0, &pk);
    sql_stats_rel_get(e, 16400, 2, &ix);
    assert_int_equal(t.seq_scan, 1);
    assert_int_equal(t.seq_tup_read, 10);
    assert_int_equal(t.idx_scan, 3);
    assert_int_equal(t.idx_tup_fetch, 4);
    assert_int_equal(pk.idx_scan, 1);
    assert_int_equal(pk.idx_tup_read, 1);
    assert_int_equal(ix.idx_scan, 2);
    assert_int_equal(ix.idx_tup_read, 3);
    assert_int_equal(ix.idx_tup_fetch, 3);
    sql_stat_db_t d;
    sql_stats_db_get(e, &d);
    assert_int_equal(d.tup_returned, 14);
    assert_int_equal(d.tup_fetched, 4);
    sql_stats_destroy(e->stats);
}

static void test_writes_count_when_the_transaction_ends(void **state) {
    (void)state;
    sql_engine_t *e = engine_new();
    sql_stats_xact_t x = {0};
    sql_stats_note_write(&x, 16400, 5, 0, 0);
    sql_stats_note_write(&x, 16400, 0, 2, 1);
    sql_stats_note_write(&x, 16401, 3, 0, 0);
    sql_stat_rel_t t;
    sql_stats_rel_get(e, 16400, -1, &t);
    assert_int_equal(t.n_tup_ins, 0); /* nothing before the end */
    sql_stats_xact_end(e, &x, true);
    sql_stats_rel_get(e, 16400, -1, &t);
    assert_int_equal(t.n_tup_ins, 5);
    assert_int_equal(t.n_tup_upd, 2);
    assert_int_equal(t.n_tup_del, 1);
    assert_int_equal(t.n_live_tup, 4);
    assert_int_equal(t.n_mod_since_analyze, 8);
    /* a rollback counts the rows written, not the live ones */
    sql_stats_note_write(&x, 16400, 7, 0, 0);
    sql_stats_xact_end(e, &x, false);
    sql_stats_rel_get(e, 16400, -1, &t);
    assert_int_equal(t.n_tup_ins, 12);
    assert_int_equal(t.n_live_tup, 4);
    sql_stat_db_t d;
    sql_stats_db_get(e, &d);
    assert_int_equal(d.xact_commit, 1);
    assert_int_equal(d.xact_rollback, 1);
    assert_int_equal(d.tup_inserted, 15);
    assert_int_equal(d.tup_updated, 2);
    assert_int_equal(d.tup_deleted, 1);
    sql_stats_xact_free(&x);
    sql_stats_destroy(e->stats);
}

static void test_rollback_to_savepoint_keeps_rows_written_not_live(void **state) {
    (void)state;
    sql_engine_t *e = engine_new();
    sql_stats_xact_t x = {0};
    sql_stats_note_write(&x, 16400, 1, 0, 0);
    sql_stats_xact_savepoint(&x);
    sql_stats_note_write(&x, 16400, 2, 0, 0);
    sql_stats_note_write(&x, 16401, 5, 0, 0); /* a table first written after the savepoint */
    sql_stats_xact_savepoint(&x);
    sql_stats_note_write(&x, 16400, 0, 0, 1);
    sql_stats_xact_release(&x, 1); /* RELEASE the newer one: its write stays */
    sql_stats_xact_rollback_to(&x); /* back to the first */
    sql_stats_note_write(&x, 16400, 0, 1, 0);
    sql_stats_xact_end(e, &x, true);
    sql_stat_rel_t t, u;
    sql_stats_rel_get(e, 16400, -1, &t);
    sql_stats_rel_get(e, 16401, -1, &u);
    assert_int_equal(t.n_tup_ins, 3);
    assert_int_equal(t.n_tup_upd, 1);
    assert_int_equal(t.n_tup_del, 1);
    assert_int_equal(t.n_live_tup, 1);
    assert_int_equal(t.n_mod_since_analyze, 2);
    assert_int_equal(u.n_tup_ins, 5);
    assert_int_equal(u.n_live_tup, 0);
    assert_int_equal(x.nsnaps, 0);
    sql_stats_xact_free(&x);
    sql_stats_destroy(e->stats);
}

static void test_many_tables_and_resets(void **state) {
    (void)state;
    sql_engine_t *e = engine_new();
    for (uint32_t id = 16384; id < 16384 + 1000; id++) sql_stats_count_scan(e, id, -1, id);
    sql_stat_rel_t t;
    for (uint32_t id = 16384; id < 16384 + 1000; id += 97) {
        sql_stats_rel_get(e, id, -1, &t);
        assert_int_equal(t.seq_scan, 1);
        assert_int_equal(t.seq_tup_read, id);
    }
    sql_stats_set_live(e, 16384, 42);
    sql_stats_note_maintenance(e, 16385, true, true, 7);
    sql_stats_rel_get(e, 16384, -1, &t);
    assert_true(t.live_known);
    assert_int_equal(t.n_live_tup, 42);
    sql_stats_rel_get(e, 16385, -1, &t);
    assert_int_equal(t.vacuum_count, 1);
    assert_int_equal(t.analyze_count, 1);
    assert_true(t.last_vacuum_us != 0 && t.last_analyze_us != 0);
    assert_int_equal(t.n_live_tup, 7);
    sql_stats_reset(e, 16385); /* one table */
    sql_stats_rel_get(e, 16385, -1, &t);
    assert_int_equal(t.seq_scan, 0);
    assert_int_equal(t.vacuum_count, 0);
    assert_false(t.live_known); /* recounted when read */
    sql_stats_rel_get(e, 16386, -1, &t);
    assert_int_equal(t.seq_scan, 1);
    sql_stat_db_t d;
    sql_stats_db_get(e, &d);
    assert_true(d.stats_reset_us != 0);
    assert_true(d.tup_returned > 0);
    sql_stats_reset(e, 0); /* everything */
    sql_stats_rel_get(e, 16386, -1, &t);
    assert_int_equal(t.seq_scan, 0);
    sql_stats_db_get(e, &d);
    assert_int_equal(d.tup_returned, 0);
    sql_stats_rel_get(e, 99999, -1, &t); /* never counted: zeros */
    assert_int_equal(t.seq_scan, 0);
    assert_false(t.live_known);
    sql_stats_destroy(e->stats);
}

int run_stats_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scans_count_per_table_and_index),
        cmocka_unit_test(test_writes_count_when_the_transaction_ends),
        cmocka_unit_test(test_rollback_to_savepoint_keeps_rows_written_not_live),
        cmocka_unit_test(test_many_tables_and_resets),
    };
    return cmocka_run_group_tests_name("sql_stats", tests, NULL, NULL);
}
