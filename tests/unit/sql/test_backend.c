/* tests/unit/sql/test_backend.c — the backend registry (sql_backend.c): BackendKeyData checks
 * of CancelRequest, cancels ignored while idle, the interrupt errors (57014 with its reason,
 * FATAL 57P01), statement_timeout fired by the watchdog, the rewrite of a parked request's
 * 57014, the listing for pg_stat_activity; and the time settings (sql_settings.c) parsed and
 * shown as PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sql/sql_backend.h"
#include "sql/sql_settings.h"
#include "unit_sql.h"

static void sleep_ms(int ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_cancel_needs_pid_secret_and_a_running_statement(void **state) {
    (void)state;
    sql_engine_t e;
    memset(&e, 0, sizeof e);
    sql__backends_create(&e);
    sql_backend_t *b = sql__backend_register(&e, "alice", "db");
    sql__backend_set_key(b, 4242, 77);
    orb_err_t err;
    /* idle: the backend exists, but there is nothing to cancel */
    assert_true(sql__backend_signal(&e, 4242, true, 77, SQL_INTERRUPT_CANCEL));
    assert_int_equal(sql__backend_check(b, &err), 0);
    sql__backend_message_begin(b, "SELECT 1", "app", 0);
    /* wrong secret, unknown pid: ignored */
    assert_false(sql__backend_signal(&e, 4242, true, 78, SQL_INTERRUPT_CANCEL));
    assert_false(sql__backend_signal(&e, 4243, true, 77, SQL_INTERRUPT_CANCEL));
    assert_int_equal(sql__backend_check(b, &err), 0);
    assert_true(sql__backend_signal(&e, 4242, true, 77, SQL_INTERRUPT_CANCEL));
    assert_int_equal(sql__backend_check(b, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_QUERY_CANCELED);
    assert_string_equal(err.message, "canceling statement due to user request");
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 0);
    /* the next message starts clean */
    sql__backend_message_begin(b, "SELECT 2", "app", 0);
    assert_int_equal(sql__backend_check(b, &err), 0);
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 0);
    sql__backend_unregister(b);
    sql__backends_destroy(&e);
}

static void test_statement_timeout_fires_and_rewrites_parked_errors(void **state) {
    (void)state;
    sql_engine_t e;
    memset(&e, 0, sizeof e);
    sql__backends_create(&e);
    sql_backend_t *b = sql__backend_register(&e, "u", "d");
    sql__backend_set_key(b, 1, 2);
    sql__backend_message_begin(b, "SELECT pg_sleep(1)", "", 0);
    sql__backend_statement_timeout(b, 20);
    orb_err_t err;
    assert_int_equal(sql__backend_check(b, &err), 0);
    /* real time, not a count of sleeps: on a loaded machine a 5 ms sleep takes longer */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long waited = 0;
    while (sql__backend_check(b, &err) == 0 && waited < 2000) {
        sleep_ms(5);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    }
    assert_true(waited >= 15 && waited < 2000);
    assert_string_equal(err.message, "canceling statement due to statement timeout");
    /* a request parked on a row lock reports a generic 57014: rewritten to the reason */
    orb_err_set(&err, QUERY_CANCELED, "canceling statement due to user request");
    sql__backend_fix_error(b, &err);
    assert_string_equal(err.message, "canceling statement due to statement timeout");
    /* other errors stay */
    orb_err_set(&err, UNIQUE_VIOLATION, "duplicate key value violates unique constraint");
    sql__backend_fix_error(b, &err);
    assert_int_equal(err.code, ORB_SQLSTATE_UNIQUE_VIOLATION);
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 0);
    /* 0 disarms */
    sql__backend_message_begin(b, "SELECT 1", "", 0);
    sql__backend_statement_timeout(b, 0);
    sleep_ms(30);
    assert_int_equal(sql__backend_check(b, &err), 0);
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 0);
    sql__backend_unregister(b);
    sql__backends_destroy(&e);
}

static int woken;
static void wake_cb(void *arg) { *(int *)arg += 1; }

static void test_terminate_is_fatal_sticky_and_wakes(void **state) {
    (void)state;
    sql_engine_t e;
    memset(&e, 0, sizeof e);
    sql__backends_create(&e);
    sql_backend_t *b = sql__backend_register(&e, "u", "d");
    sql__backend_set_key(b, 9, 9);
    woken = 0;
    sql__backend_set_wake(b, wake_cb, &woken);
    assert_true(sql__backend_signal(&e, 9, false, 0, SQL_INTERRUPT_TERMINATE));
    assert_int_equal(woken, 1);
    assert_true(sql__backend_terminating(b));
    sql__backend_message_begin(b, "SELECT 1", "", 0); /* does not clear it */
    orb_err_t err;
    assert_int_equal(sql__backend_check(b, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_ADMIN_SHUTDOWN);
    assert_int_equal(err.severity, ORB_SEV_FATAL);
    assert_string_equal(err.message, "terminating connection due to administrator command");
    orb_err_set(&err, DIVISION_BY_ZERO, "division by zero");
    sql__backend_fix_error(b, &err);
    assert_int_equal(err.code, ORB_SQLSTATE_ADMIN_SHUTDOWN);
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 0);
    sql__backend_unregister(b);
    sql__backends_destroy(&e);
}

static void test_idle_in_transaction_timeout_terminates(void **state) {
    (void)state;
    sql_engine_t e;
    memset(&e, 0, sizeof e);
    sql__backends_create(&e);
    sql_backend_t *b = sql__backend_register(&e, "u", "d");
    sql__backend_set_key(b, 3, 3);
    woken = 0;
    sql__backend_set_wake(b, wake_cb, &woken);
    /* idle outside a block: not armed */
    sql__backend_message_begin(b, "SELECT 1", "", 0);
    sql__backend_message_end(b, SQL_BACKEND_IDLE, 10);
    sleep_ms(40);
    assert_false(sql__backend_terminating(b));
    /* a new message disarms it */
    sql__backend_message_begin(b, "BEGIN", "", 0);
    sql__backend_message_end(b, SQL_BACKEND_IDLE_IN_TXN, 30);
    sql__backend_message_begin(b, "SELECT 2", "", 0);
    sleep_ms(60);
    assert_false(sql__backend_terminating(b));
    sql__backend_message_end(b, SQL_BACKEND_IDLE_IN_TXN, 10);
    int waited = 0;
    while (!sql__backend_terminating(b) && waited < 2000) {
        sleep_ms(5);
        waited += 5;
    }
    assert_true(sql__backend_terminating(b));
    assert_int_equal(woken, 1);
    orb_err_t err;
    sql__backend_terminate_error(b, &err);
    assert_int_equal(err.code, ORB_SQLSTATE_IDLE_IN_TRANSACTION_SESSION_TIMEOUT);
    assert_int_equal(err.severity, ORB_SEV_FATAL);
    assert_string_equal(err.message, "terminating connection due to idle-in-transaction timeout");
    sql__backend_unregister(b);
    sql__backends_destroy(&e);
}

static void test_list_copies_entries_by_pid(void **state) {
    (void)state;
    sql_engine_t e;
    memset(&e, 0, sizeof e);
    sql__backends_create(&e);
    sql_backend_t *b1 = sql__backend_register(&e, "u1", "d1");
    sql_backend_t *b2 = sql__backend_register(&e, "u2", "d2");
    sql__backend_set_key(b1, 20, 1);
    sql__backend_set_key(b2, 10, 1);
    sql__backend_set_client(b2, "127.0.0.1", 5555);
    sql__backend_message_begin(b2, "SELECT now()", "psql", 0);
    sql__backend_xact(b2, 55, 123);
    orb_mcx_t *m = orb_mcx_create(NULL, "list");
    sql_backend_info_t *v;
    assert_int_equal(sql__backend_list(&e, m, &v), 2);
    assert_int_equal(v[0].pid, 10);
    assert_string_equal(v[0].user, "u2");
    assert_string_equal(v[0].query, "SELECT now()");
    assert_string_equal(v[0].application_name, "psql");
    assert_string_equal(v[0].client_addr, "127.0.0.1");
    assert_int_equal(v[0].client_port, 5555);
    assert_int_equal(v[0].state, SQL_BACKEND_ACTIVE);
    assert_int_equal(v[0].xact_start, 123);
    assert_int_equal(v[0].txn_id, 55);
    assert_int_equal(v[1].pid, 20);
    assert_null(v[1].client_addr);
    assert_int_equal(v[1].state, SQL_BACKEND_IDLE);
    sql__backend_message_end(b2, SQL_BACKEND_IDLE_IN_TXN, 0);
    assert_int_equal(sql__backend_list(&e, m, &v), 2);
    assert_int_equal(v[0].state, SQL_BACKEND_IDLE_IN_TXN);
    orb_mcx_destroy(m);
    sql__backend_unregister(b1);
    sql__backend_unregister(b2);
    sql__backends_destroy(&e);
}

static const char *set_ms(sql_settings_t *st, const char *v, orb_err_t *err) {
    bool rep;
    int idx;
    if (sql_settings_set(st, "statement_timeout", v, &rep, &idx, err) != 0) return NULL;
    return sql_settings_get(st, sql_settings_find("statement_timeout"));
}

static void test_time_settings_parse_and_show_as_postgres(void **state) {
    (void)state;
    sql_settings_t st;
    sql_settings_init(&st, "u", 4);
    orb_err_t err;
    static const struct {
        const char *in, *shown;
        int ms;
    } ok[] = {{"100ms", "100ms", 100}, {"1000", "1s", 1000},     {"60s", "1min", 60000},
              {"1.5s", "1500ms", 1500}, {"0", "0", 0},          {"250 ms", "250ms", 250},
              {"1d", "1d", 86400000},   {"1000us", "1ms", 1},   {"2h", "2h", 7200000},
              {"0.4", "0", 0}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *v = set_ms(&st, ok[i].in, &err);
        assert_non_null(v);
        assert_string_equal(v, ok[i].shown);
        assert_int_equal(sql_settings_ms(v), ok[i].ms);
    }
    assert_null(set_ms(&st, "abc", &err));
    assert_string_equal(err.message, "invalid value for parameter \"statement_timeout\": \"abc\"");
    assert_null(set_ms(&st, "10x", &err));
    assert_string_equal(err.hint,
                        "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", "
                        "\"h\", and \"d\".");
    assert_null(set_ms(&st, "-1", &err));
    assert_string_equal(err.message, "-1 ms is outside the valid range for parameter "
                                     "\"statement_timeout\" (0 .. 2147483647)");
    assert_null(set_ms(&st, "3000000000", &err));
    assert_string_equal(err.hint, "Value exceeds integer range.");
}

int run_backend_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_needs_pid_secret_and_a_running_statement),
        cmocka_unit_test(test_statement_timeout_fires_and_rewrites_parked_errors),
        cmocka_unit_test(test_terminate_is_fatal_sticky_and_wakes),
        cmocka_unit_test(test_idle_in_transaction_timeout_terminates),
        cmocka_unit_test(test_list_copies_entries_by_pid),
        cmocka_unit_test(test_time_settings_parse_and_show_as_postgres),
    };
    return cmocka_run_group_tests_name("sql_backend", tests, NULL, NULL);
}
