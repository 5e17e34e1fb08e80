/* tests/unit/actors/test_act_kv_zset.c — sorted sets in kv-shards (act_kv_zset.c): the score
 * encoding keeps numeric order, a member's index entry moves with its score, an emptied zset
 * is removed, the internal steps of a cross-shard ZRANGESTORE, and a dumped zset restores with
 * its cardinality (README "kv-shard" invariant 5). Replies versus Redis: test_resp. */
#include "tests.h"

#include "actors/act_kv_int.h"

#include <math.h>
#include <string.h>

/* Runs one kv command (NULL-terminated words) on the shard of its key (argv[1], or `on`). */
static Orbit__KvValue *kv(tenv_t *e, const char *on, ...) {
    const char *argv[32];
    size_t lens[32];
    int argc = 0;
    va_list ap;
    va_start(ap, on);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 32;) {
        argv[argc] = a;
        lens[argc++] = strlen(a);
    }
    va_end(ap);
    const char *key = on ? on : argv[1];
    Orbit__KvValue *v = NULL;
    orb_err_t err;
    assert_int_equal(act_kv_call(e->rt, act_kv_shard_of(key, strlen(key)), 0, argc, argv, lens,
                                 e->mcx, &v, &err),
                     0);
    return v;
}

static void expect_members(Orbit__KvValue *v, const char *const *want, size_t n) {
    assert_int_equal(v->kind, ORBIT__KV_VALUE__KIND__ARRAY);
    assert_int_equal(v->n_elems, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal((const char *)v->elems[i]->str.data, want[i]);
}

static void test_score_encoding_orders_like_numbers(void **state) {
    (void)state;
    const double v[] = {-INFINITY, -1e308, -2.5, -1, -4e-320, 0, 4e-320, 1e-300, 1, 1.5,
                        2, 1e17, 1e308, INFINITY};
    size_t n = sizeof v / sizeof v[0];
    char a[8], b[8];
    for (size_t i = 0; i < n; i++) {
        act__kv_score_enc(a, v[i]);
        assert_true(act__kv_score_dec(a) == v[i]);
        if (i + 1 < n) {
            act__kv_score_enc(b, v[i + 1]);
            assert_true(memcmp(a, b, 8) < 0);
        }
    }
    act__kv_score_enc(a, -0.0);
    act__kv_score_enc(b, 0.0);
    assert_memory_equal(a, b, 8);
    assert_false(signbit(act__kv_score_dec(a)));
}

static void test_zset_index_entry_moves_with_score(void **state) {
    tenv_t *e = *state;
    assert_int_equal(kv(e, NULL, "zadd", "z", "3", "c", "1", "a", "2", "b", NULL)->num, 3);
    expect_members(kv(e, NULL, "zrange", "z", "0", "-1", NULL), (const char *[]){"a", "b", "c"},
                   3);
    assert_int_equal(kv(e, NULL, "zadd", "z", "0", "c", NULL)->num, 0); /* an update */
    expect_members(kv(e, NULL, "zrange", "z", "0", "-1", NULL), (const char *[]){"c", "a", "b"},
                   3);
    expect_members(kv(e, NULL, "zrangebyscore", "z", "(0", "2", NULL),
                   (const char *[]){"a", "b"}, 2);
    assert_int_equal(kv(e, NULL, "zcard", "z", NULL)->num, 3);
    Orbit__KvValue *p = kv(e, NULL, "zpopmin", "z", "5", NULL);
    assert_int_equal(p->kind, ORBIT__KV_VALUE__KIND__PAIRS);
    assert_int_equal(p->n_elems, 6);
    assert_int_equal(p->elems[1]->kind, ORBIT__KV_VALUE__KIND__DOUBLE);
    assert_true(p->elems[5]->dbl == 2);
    assert_int_equal(kv(e, NULL, "exists", "z", NULL)->num, 0); /* emptied: removed */
    assert_int_equal(kv(e, NULL, "zrange", "z", "0", "-1", NULL)->n_elems, 0);
}

static void test_zrangestore_steps_across_shards(void **state) {
    tenv_t *e = *state;
    char dst[16] = "d0";
    for (int i = 1; act_kv_shard_of(dst, strlen(dst)) == act_kv_shard_of("src", 3); i++)
        snprintf(dst, sizeof dst, "d%d", i);
    kv(e, NULL, "zadd", "src", "1.5", "a", "-inf", "b", "7", "c", NULL);
    Orbit__KvValue *r = kv(e, "src", "__zrangeget", dst, "src", "-inf", "(7", "byscore", NULL);
    assert_int_equal(r->kind, ORBIT__KV_VALUE__KIND__PAIRS);
    assert_int_equal(r->n_elems, 4);
    assert_string_equal((const char *)r->elems[0]->str.data, "b");
    assert_true(isinf(r->elems[1]->dbl) && r->elems[1]->dbl < 0);
    assert_int_equal(kv(e, NULL, "__zstore", dst, "b", "-inf", "a", "1.5", NULL)->num, 2);
    expect_members(kv(e, NULL, "zrange", dst, "0", "-1", NULL), (const char *[]){"b", "a"}, 2);
    assert_int_equal(kv(e, NULL, "__zstore", dst, NULL)->num, 0); /* an empty range removes */
    assert_int_equal(kv(e, NULL, "exists", dst, NULL)->num, 0);
    /* a wrong type is reported by the read step, before anything is written */
    kv(e, NULL, "set", "str", "x", NULL);
    r = kv(e, "str", "__zrangeget", dst, "str", "0", "-1", NULL);
    assert_int_equal(r->kind, ORBIT__KV_VALUE__KIND__ERROR);
}

static void test_dumped_zset_restores_with_cardinality(void **state) {
    tenv_t *e = *state;
    kv(e, NULL, "zadd", "zd", "1", "a", "2", "b", "3", "c", NULL);
    Orbit__KvValue *d = kv(e, NULL, "__dump", "zd", NULL);
    assert_int_equal(d->kind, ORBIT__KV_VALUE__KIND__ARRAY);
    assert_int_equal(d->n_elems, 3 + 2 * 2 * 3); /* type, expire, value, 2 records a member */
    const char *argv[32] = {"__restore", "zr", "0", "5", "0"};
    size_t lens[32] = {9, 2, 1, 1, 1};
    for (size_t i = 2; i < d->n_elems; i++) {
        argv[5 + i - 2] = (const char *)d->elems[i]->str.data;
        lens[5 + i - 2] = d->elems[i]->str.len;
    }
    Orbit__KvValue *v;
    orb_err_t err;
    assert_int_equal(act_kv_call(e->rt, act_kv_shard_of("zr", 2), 0, (int)(5 + d->n_elems - 2),
                                 argv, lens, e->mcx, &v, &err),
                     0);
    assert_int_equal(v->num, 1);
    assert_int_equal(kv(e, NULL, "zcard", "zr", NULL)->num, 3);
    expect_members(kv(e, NULL, "zrevrange", "zr", "0", "-1", NULL),
                   (const char *[]){"c", "b", "a"}, 3);
    assert_int_equal(kv(e, NULL, "zrank", "zr", "c", NULL)->num, 2);
}

const struct CMUnitTest act_kv_zset_tests[] = {
    cmocka_unit_test(test_score_encoding_orders_like_numbers),
    cmocka_unit_test_setup_teardown(test_zset_index_entry_moves_with_score, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_zrangestore_steps_across_shards, tenv_setup,
                                    tenv_teardown),
    cmocka_unit_test_setup_teardown(test_dumped_zset_restores_with_cardinality, tenv_setup,
                                    tenv_teardown),
};
const size_t act_kv_zset_ntests = sizeof act_kv_zset_tests / sizeof act_kv_zset_tests[0];
