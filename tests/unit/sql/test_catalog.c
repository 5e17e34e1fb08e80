/* tests/unit/sql/test_catalog.c — the builtin catalog tables: every operator of the builtin tables
 * has its pg_operator row (PostgreSQL's oid, or pgvector's in Orbit's range) with a commutator and
 * negator that are rows too; aclitem text parses as PostgreSQL writes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sql/sql_operator.h"
#include "sql/sql_types_int.h"
#include "unit_sql.h"

static bool listed(const sql_builtin_t *b) {
    size_t n;
    for (int part = 0; part < 2; part++) {
        const sql_operator_t *v = part ? sql_operator_vector(&n) : sql_operator_core(&n);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(v[i].name, b->name) != 0) continue;
            uint32_t l = b->nargs == 2 ? b->argtypes[0] : 0, r = b->argtypes[b->nargs - 1];
            if (l == SQL_OID_ANY) l = 2776;
            if (r == SQL_OID_ANY) r = 2776;
            if (v[i].left == 5078 && l == SQL_OID_ANYARRAY) l = 5078; /* anycompatiblearray */
            if (v[i].right == 5078 && r == SQL_OID_ANYARRAY) r = 5078;
            if (v[i].left == 5077 && l == SQL_OID_ANYELEMENT) l = 5077; /* anycompatible */
            if (v[i].right == 5077 && r == SQL_OID_ANYELEMENT) r = 5077;
            if (v[i].left == l && v[i].right == r) return true;
        }
    }
    return false;
}

static void check_table(const sql_builtin_t *t, size_t n, int *missing) {
    for (size_t k = 0; k < n; k++) {
        const sql_builtin_t *b = &t[k];
        char c = b->name[0];
        if ((c >= 'a' && c <= 'z') || c == '_' || strcmp(b->name, "!=") == 0)
            continue; /* != is <> */
        if (b->nargs < 1 || b->nargs > 2) continue;
        if (b->nargs == 1 && strcmp(b->name, "+") == 0 && b->argtypes[0] == SQL_OID_INTERVAL)
            continue; /* Orbit's own: PostgreSQL 15 has no prefix + for interval */
        if (!listed(b)) {
            fprintf(stderr, "operator %s (%u, %u) has no pg_operator row\n", b->name,
                    b->nargs == 2 ? b->argtypes[0] : 0, b->argtypes[b->nargs - 1]);
            (*missing)++;
        }
    }
}

static void test_every_builtin_operator_has_a_pg_operator_row(void **state) {
    (void)state;
    int missing = 0;
    for (size_t k = 0; k < sql__builtin_count(); k++) check_table(sql__builtin_at(k), 1, &missing);
    check_table(sql__vec_builtins, sql__vec_nbuiltins, &missing);
    assert_int_equal(missing, 0);
}

static void test_operator_commutators_and_negators_are_rows(void **state) {
    (void)state;
    size_t n;
    for (int part = 0; part < 2; part++) {
        const sql_operator_t *v = part ? sql_operator_vector(&n) : sql_operator_core(&n);
        for (size_t i = 0; i < n; i++) {
            if (v[i].com) {
                const sql_operator_t *c = sql_operator_by_oid(v[i].com);
                assert_non_null(c);
                assert_int_equal(c->com, v[i].oid);
            }
            if (v[i].negate) {
                const sql_operator_t *g = sql_operator_by_oid(v[i].negate);
                assert_non_null(g);
                assert_int_equal(g->negate, v[i].oid);
            }
            assert_non_null(sql_operator_proc_name(v[i].code));
        }
    }
    assert_int_equal(sql_operator_eq(SQL_OID_INT8, SQL_OID_INT4), 416);   /* int84eq */
    assert_int_equal(sql_operator_eq(SQL_OID_VARCHAR, SQL_OID_TEXT), 98); /* texteq */
    const sql_operator_t *eq = sql_operator_by_oid(96); /* int4 = int4 in PostgreSQL */
    assert_non_null(eq);
    assert_string_equal(eq->name, "=");
    assert_string_equal(sql_operator_proc_name(eq->code), "int4eq");
    assert_string_equal(sql_operator_proc_name(eq->rest), "eqsel");
    assert_string_equal(sql_operator_description(96), "equal");
}

int run_catalog_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_builtin_operator_has_a_pg_operator_row),
        cmocka_unit_test(test_operator_commutators_and_negators_are_rows),
    };
    return cmocka_run_group_tests_name("sql_catalog", tests, NULL, NULL);
}
