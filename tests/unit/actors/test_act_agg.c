/* tests/unit/actors/test_act_agg.c — partial aggregation inside a shard (act_agg.c): groups
 * found by value (NULL is a group), count / exact 128-bit integer sum / float sum / min / max
 * partials, short rows reading a column's missing value, and the reply layout. */
#include "tests.h"

#include "actors/actors_int.h"

#include <string.h>

static Orbit__AggColumn *col(orb_mcx_t *mcx, uint32_t slot, Orbit__Datum *missing) {
    Orbit__AggColumn *c = orb_alloc(mcx, sizeof *c);
    orbit__agg_column__init(c);
    c->slot = slot;
    c->missing = missing;
    return c;
}

static Orbit__AggItem *item(orb_mcx_t *mcx, Orbit__AggItem__Fn fn, Orbit__AggColumn *c) {
    Orbit__AggItem *it = orb_alloc(mcx, sizeof *it);
    orbit__agg_item__init(it);
    it->fn = fn;
    it->col = c;
    return it;
}

static st_val_t iv(int64_t i) { return (st_val_t){.kind = ST_INT, .i = i}; }
static st_val_t tv(const char *s) { return (st_val_t){.kind = ST_TEXT, .p = s, .n = strlen(s)}; }
static st_val_t nv(void) { return (st_val_t){.kind = ST_NULL}; }

/* the partial row of the group whose first value is the integer g (is_null when g < 0) */
static Orbit__Row *group_row(Orbit__OpResult *r, int64_t g) {
    for (size_t i = 0; i < r->n_rows; i++) {
        Orbit__Datum *d = r->rows[i]->cols[0];
        if (g < 0 ? d->v_case == ORBIT__DATUM__V_IS_NULL : d->v_case == ORBIT__DATUM__V_I && d->i == g)
            return r->rows[i];
    }
    return NULL;
}

static void test_groups_and_partials(void **state) {
    (void)state;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    Orbit__AggSpec spec = ORBIT__AGG_SPEC__INIT;
    Orbit__AggColumn *groups[1] = {col(mcx, 0, NULL)};
    spec.group = groups;
    spec.n_group = 1;
    Orbit__AggItem *items[5] = {
        item(mcx, ORBIT__AGG_ITEM__FN__COUNT_STAR, NULL),
        item(mcx, ORBIT__AGG_ITEM__FN__COUNT, col(mcx, 1, NULL)),
        item(mcx, ORBIT__AGG_ITEM__FN__SUM_INT, col(mcx, 1, NULL)),
        item(mcx, ORBIT__AGG_ITEM__FN__MIN, col(mcx, 2, NULL)),
        item(mcx, ORBIT__AGG_ITEM__FN__MAX, col(mcx, 2, NULL)),
    };
    spec.items = items;
    spec.n_items = 5;
    act_agg_t *a;
    orb_err_t err;
    assert_int_equal(act__agg_begin(mcx, &spec, &a, &err), 0);
    /* group 1: two rows whose sum passes INT64_MAX; group NULL: one row with NULLs */
    st_val_t r1[3] = {iv(1), iv(INT64_MAX), tv("b")};
    st_val_t r2[3] = {iv(1), iv(10), tv("a")};
    st_val_t r3[3] = {nv(), nv(), nv()};
    st_val_t r4[3] = {iv(1), nv(), tv("c")};
    assert_int_equal(act__agg_row(a, r1, 3, &err), 0);
    assert_int_equal(act__agg_row(a, r2, 3, &err), 0);
    assert_int_equal(act__agg_row(a, r3, 3, &err), 0);
    assert_int_equal(act__agg_row(a, r4, 3, &err), 0);
    Orbit__OpResult res = ORBIT__OP_RESULT__INIT;
    assert_int_equal(act__agg_finish(a, &res, &err), 0);
    assert_int_equal(res.n_rows, 2);
    assert_int_equal(res.count, 4);
    Orbit__Row *g1 = group_row(&res, 1);
    assert_non_null(g1);
    /* group value, count(*), count(x), sum: count + text, min, max */
    assert_int_equal(g1->n_cols, 7);
    assert_int_equal(g1->cols[1]->i, 3);
    assert_int_equal(g1->cols[2]->i, 2);
    assert_int_equal(g1->cols[3]->i, 2);
    assert_string_equal(g1->cols[4]->numeric, "9223372036854775817");
    assert_int_equal(g1->cols[5]->s.len, 1);
    assert_memory_equal(g1->cols[5]->s.data, "a", 1);
    assert_memory_equal(g1->cols[6]->s.data, "c", 1);
    Orbit__Row *gn = group_row(&res, -1);
    assert_non_null(gn);
    assert_int_equal(gn->cols[1]->i, 1);
    assert_int_equal(gn->cols[2]->i, 0);
    assert_int_equal(gn->cols[3]->i, 0);
    assert_int_equal(gn->cols[5]->v_case, ORBIT__DATUM__V_IS_NULL);
    orb_mcx_destroy(mcx);
}

static void test_missing_values_and_float_sum(void **state) {
    (void)state;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    Orbit__Datum seven = ORBIT__DATUM__INIT;
    seven.v_case = ORBIT__DATUM__V_I;
    seven.i = 7;
    Orbit__AggSpec spec = ORBIT__AGG_SPEC__INIT;
    Orbit__AggColumn *groups[1] = {col(mcx, 2, &seven)}; /* added later: short rows read 7 */
    spec.group = groups;
    spec.n_group = 1;
    Orbit__AggItem *items[2] = {
        item(mcx, ORBIT__AGG_ITEM__FN__SUM_FLOAT, col(mcx, 1, NULL)),
        item(mcx, ORBIT__AGG_ITEM__FN__SUM_INT, col(mcx, 3, NULL)),
    };
    spec.items = items;
    spec.n_items = 2;
    act_agg_t *a;
    orb_err_t err;
    assert_int_equal(act__agg_begin(mcx, &spec, &a, &err), 0);
    st_val_t shortrow[2] = {iv(1), {.kind = ST_FLOAT, .f = 1.5}};
    st_val_t longrow[4] = {iv(2), {.kind = ST_FLOAT, .f = 2.0}, iv(7), iv(-5)};
    assert_int_equal(act__agg_row(a, shortrow, 2, &err), 0);
    assert_int_equal(act__agg_row(a, longrow, 4, &err), 0);
    Orbit__OpResult res = ORBIT__OP_RESULT__INIT;
    assert_int_equal(act__agg_finish(a, &res, &err), 0);
    assert_int_equal(res.n_rows, 1); /* both rows in group 7 */
    Orbit__Row *g = res.rows[0];
    assert_int_equal(g->cols[0]->i, 7);
    assert_int_equal(g->cols[1]->i, 2);
    assert_true(g->cols[2]->f == 3.5);
    assert_int_equal(g->cols[3]->i, 1);
    assert_string_equal(g->cols[4]->numeric, "-5");
    /* a non-integer under SUM_INT is refused, not summed */
    assert_int_equal(act__agg_begin(mcx, &spec, &a, &err), 0);
    st_val_t bad[4] = {iv(1), {.kind = ST_FLOAT, .f = 1}, iv(7), tv("x")};
    assert_int_not_equal(act__agg_row(a, bad, 4, &err), 0);
    assert_int_equal(err.code, ORB_SQLSTATE_DATATYPE_MISMATCH);
    act__agg_free(a);
    orb_mcx_destroy(mcx);
}

const struct CMUnitTest act_agg_tests[] = {
    cmocka_unit_test(test_groups_and_partials),
    cmocka_unit_test(test_missing_values_and_float_sum),
};
const size_t act_agg_ntests = sizeof act_agg_tests / sizeof act_agg_tests[0];
