/* tests/unit/sql/test_expr.c — the expression evaluator: analysis of parsed expressions
 * (types, coercion of literals, operator resolution, name resolution errors with positions)
 * and evaluation with PostgreSQL's NULL semantics, against a hand-made table row; the
 * columns an expression reads (sql_expr_columns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sql/sql_int.h"
#include "unit_sql.h"

typedef struct fixture {
    orb_mcx_t *mcx;
    sql_table_t *table;
    sql_value_t row[3];
} fixture_t;

/* t(id int4, name text, price numeric(10,2)) with the row (7, 'widget', 2.50) */
static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof *f);
    f->mcx = orb_mcx_create(NULL, "test");
    Orbit__TableDesc *d = malloc(sizeof *d);
    orbit__table_desc__init(d);
    d->table_id = 16384;
    d->name = strdup("t");
    d->schema = strdup("public");
    d->nshards = 1;
    d->n_columns = 3;
    d->columns = calloc(3, sizeof *d->columns);
    const char *names[3] = {"id", "name", "price"};
    uint32_t types[3] = {SQL_OID_INT4, SQL_OID_TEXT, SQL_OID_NUMERIC};
    for (int i = 0; i < 3; i++) {
        Orbit__ColumnDesc *c = malloc(sizeof *c);
        orbit__column_desc__init(c);
        c->name = strdup(names[i]);
        c->type_oid = types[i];
        c->typmod = -1;
        c->default_expr = strdup("");
        d->columns[i] = c;
    }
    d->pk_name = strdup("t_pkey");
    f->table = sql_table_from_desc(d);
    f->row[0].v.i = 7;
    f->row[1].v.s.p = "widget";
    f->row[1].v.s.n = 6;
    f->row[2].v.s.p = "2.50";
    f->row[2].v.s.n = 4;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    orb_mcx_destroy(f->mcx);
    sql_table_release(f->table);
    free(f);
    return 0;
}

/* Evaluates "SELECT <expr>" against the fixture row; returns the text output, "NULL", or
 * "ERROR <sqlstate> <position>". */
static const char *eval(fixture_t *f, const char *expr, uint32_t *type) {
    char *sql = orb_sprintf(f->mcx, "SELECT %s FROM t", expr);
    orb_err_t err;
    orb_err_clear(&err);
    PgQuery__ParseResult *pr;
    if (sql_parse(sql, f->mcx, &pr, &err) != 0)
        return orb_sprintf(f->mcx, "ERROR %s %d", orb_sqlstate_code(err.code), err.position);
    PgQuery__SelectStmt *s = pr->stmts[0]->stmt->select_stmt;
    sql_analyze_ctx_t ac = {.mcx = f->mcx, .text = sql};
    sql_scope_t sc = {.table = f->table, .alias = "t", .allow_agg = false};
    sql_expr_t *e;
    if (sql_expr_analyze(&ac, &sc, s->target_list[0]->res_target->val, &e, &err) != 0)
        return orb_sprintf(f->mcx, "ERROR %s %d", orb_sqlstate_code(err.code), err.position);
    if (e->type == SQL_OID_UNKNOWN &&
        sql_expr_coerce(&ac, e, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &e, &err) != 0)
        return orb_sprintf(f->mcx, "ERROR %s %d", orb_sqlstate_code(err.code), err.position);
    if (type) *type = e->type;
    sql_eval_ctx_t ec;
    memset(&ec, 0, sizeof ec);
    ec.fn.mcx = f->mcx;
    ec.row = f->row;
    sql_value_t v;
    if (sql_expr_eval(&ec, e, &v, &err) != 0)
        return orb_sprintf(f->mcx, "ERROR %s %d", orb_sqlstate_code(err.code), err.position);
    if (v.isnull) return "NULL";
    orb_buf_t b;
    orb_buf_init(&b);
    if (sql_value_out(e->type, e->typmod, &v, &b, &err) != 0) {
        orb_buf_free(&b);
        return "OUTPUT ERROR";
    }
    const char *out = orb_strndup(f->mcx, b.data ? b.data : "", b.len);
    orb_buf_free(&b);
    return out;
}

static void test_expr_arithmetic_follows_postgres_types(void **state) {
    fixture_t *f = *state;
    uint32_t t;
    assert_string_equal(eval(f, "1 + 2 * 3", &t), "7");
    assert_int_equal(t, SQL_OID_INT4);
    assert_string_equal(eval(f, "7 / 2", NULL), "3");
    assert_string_equal(eval(f, "-7 % 3", NULL), "-1");
    assert_string_equal(eval(f, "0.1 + 0.2", &t), "0.3");
    assert_int_equal(t, SQL_OID_NUMERIC);
    assert_string_equal(eval(f, "id * 2", NULL), "14");
    assert_string_equal(eval(f, "price * 2", NULL), "5.00");
    assert_string_equal(eval(f, "3000000000", &t), "3000000000");
    assert_int_equal(t, SQL_OID_INT8);
}

static void test_expr_errors_carry_sqlstate_and_position(void **state) {
    fixture_t *f = *state;
    assert_string_equal(eval(f, "1 / 0", NULL), "ERROR 22012 0");
    assert_string_equal(eval(f, "2147483647 + 1", NULL), "ERROR 22003 0");
    /* "SELECT nope FROM t": the column starts at character 8 */
    assert_string_equal(eval(f, "nope", NULL), "ERROR 42703 8");
    assert_string_equal(eval(f, "'abc'::int", NULL), "ERROR 22P02 8");
    assert_string_equal(eval(f, "id + 'x'", NULL), "ERROR 22P02 13");
    assert_string_equal(eval(f, "u.id", NULL), "ERROR 42P01 8");
}

static void test_expr_null_semantics_are_three_valued(void **state) {
    fixture_t *f = *state;
    assert_string_equal(eval(f, "NULL::int + 1", NULL), "NULL");
    assert_string_equal(eval(f, "NULL::bool AND false", NULL), "f");
    assert_string_equal(eval(f, "NULL::bool AND true", NULL), "NULL");
    assert_string_equal(eval(f, "NULL::bool OR true", NULL), "t");
    assert_string_equal(eval(f, "NOT NULL::bool", NULL), "NULL");
    assert_string_equal(eval(f, "NULL = NULL", NULL), "NULL");
    assert_string_equal(eval(f, "NULL IS NULL", NULL), "t");
    assert_string_equal(eval(f, "NULL IS DISTINCT FROM 1", NULL), "t");
    assert_string_equal(eval(f, "1 IS NOT DISTINCT FROM 1", NULL), "t");
    assert_string_equal(eval(f, "1 IN (2, NULL)", NULL), "NULL");
    assert_string_equal(eval(f, "1 IN (1, NULL)", NULL), "t");
    assert_string_equal(eval(f, "1 NOT IN (2, NULL)", NULL), "NULL");
    assert_string_equal(eval(f, "NULL::bool IS UNKNOWN", NULL), "t");
}

static void test_expr_special_forms(void **state) {
    fixture_t *f = *state;
    assert_string_equal(eval(f, "CASE WHEN id > 5 THEN 'big' ELSE 'small' END", NULL), "big");
    assert_string_equal(eval(f, "CASE id WHEN 1 THEN 'one' END", NULL), "NULL");
    assert_string_equal(eval(f, "COALESCE(NULL, NULL, 3)", NULL), "3");
    assert_string_equal(eval(f, "NULLIF(id, 7)", NULL), "NULL");
    assert_string_equal(eval(f, "NULLIF(id, 8)", NULL), "7");
    assert_string_equal(eval(f, "GREATEST(1, id, 3)", NULL), "7");
    assert_string_equal(eval(f, "LEAST(1.5, id, NULL)", NULL), "1.5");
    assert_string_equal(eval(f, "id BETWEEN 1 AND 10", NULL), "t");
    assert_string_equal(eval(f, "id NOT BETWEEN 1 AND 10", NULL), "f");
    assert_string_equal(eval(f, "name LIKE 'wid%'", NULL), "t");
    assert_string_equal(eval(f, "name || '-' || id", NULL), "widget-7");
    assert_string_equal(eval(f, "CAST(price AS int)", NULL), "3");
}

static void test_expr_rejects_non_boolean_conditions(void **state) {
    fixture_t *f = *state;
    assert_string_equal(eval(f, "id AND true", NULL), "ERROR 42804 8");
    assert_string_equal(eval(f, "CASE WHEN 1 THEN 2 END", NULL), "ERROR 42804 18");
}

/* The columns sql_expr_columns says "SELECT <expr> FROM t" reads, as "id,name,price" (in
 * column order), or "ALL" when it cannot say. */
static const char *columns(fixture_t *f, const char *expr) {
    char *sql = orb_sprintf(f->mcx, "SELECT %s FROM t", expr);
    orb_err_t err;
    orb_err_clear(&err);
    PgQuery__ParseResult *pr;
    if (sql_parse(sql, f->mcx, &pr, &err) != 0) return "PARSE ERROR";
    sql_analyze_ctx_t ac = {.mcx = f->mcx, .text = sql};
    sql_scope_t sc = {.table = f->table, .alias = "t", .allow_agg = false};
    sql_expr_t *e;
    if (sql_expr_analyze(&ac, &sc, pr->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val, &e, &err) != 0)
        return "ANALYZE ERROR";
    bool used[3] = {false, false, false};
    if (!sql_expr_columns(e, used, 3)) return "ALL";
    const char *names[3] = {"id", "name", "price"};
    const char *out = "";
    for (int i = 0; i < 3; i++)
        if (used[i]) out = orb_sprintf(f->mcx, "%s%s%s", out, *out ? "," : "", names[i]);
    return out;
}

static void test_expr_columns_lists_the_columns_read(void **state) {
    fixture_t *f = *state;
    assert_string_equal(columns(f, "1 + 2"), "");
    assert_string_equal(columns(f, "id * 2"), "id");
    assert_string_equal(columns(f, "t.price::int + id"), "id,price");
    assert_string_equal(columns(f, "CASE WHEN id > 5 THEN name ELSE 'x' END"), "id,name");
    assert_string_equal(columns(f, "COALESCE(NULL, price)"), "price");
    assert_string_equal(columns(f, "row_to_json(t)"), "id,name,price"); /* a whole-row reference */
    assert_string_equal(columns(f, "name LIKE 'w%' AND id IN (1, 2)"), "id,name");
    /* what the flags cannot say */
    sql_expr_t *c = SQL_MAKE_NODE(f->mcx, COLUMN);
    c->index = 3;
    bool used[3] = {false, false, false};
    assert_false(sql_expr_columns(c, used, 3));
    sql_expr_t *sub = SQL_MAKE_NODE(f->mcx, SUBLINK);
    sub->flag = SQL_SUBLINK_EXISTS;
    sub->correlated = true; /* sees the whole row as its outer row */
    assert_false(sql_expr_columns(sub, used, 3));
    sub->correlated = false;
    assert_true(sql_expr_columns(sub, used, 3));
}

int run_expr_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expr_arithmetic_follows_postgres_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expr_errors_carry_sqlstate_and_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expr_null_semantics_are_three_valued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expr_special_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expr_rejects_non_boolean_conditions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expr_columns_lists_the_columns_read, setup, teardown),
    };
    return cmocka_run_group_tests_name("sql_expr", tests, NULL, NULL);
}
