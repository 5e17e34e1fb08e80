/* tests/unit/actors/tests.h — the actors unit test groups (run by test_main.c) and the
 * shared helpers of test_util.c: temp data dirs, runtime start/stop, request builders.
 * Each test_<file>.c defines one array of cmocka tests and its length. */
#ifndef ORB_TEST_ACTORS_TESTS_H
#define ORB_TEST_ACTORS_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "actors/actors.h"

extern const struct CMUnitTest act_runtime_tests[];
extern const size_t act_runtime_ntests;
extern const struct CMUnitTest act_shard_tests[];
extern const size_t act_shard_ntests;
extern const struct CMUnitTest act_txn_tests[];
extern const size_t act_txn_ntests;
extern const struct CMUnitTest act_seq_tests[];
extern const size_t act_seq_ntests;
extern const struct CMUnitTest act_agg_tests[];
extern const size_t act_agg_ntests;
extern const struct CMUnitTest act_deadlock_tests[];
extern const size_t act_deadlock_ntests;
extern const struct CMUnitTest act_kv_zset_tests[];
extern const size_t act_kv_zset_ntests;

/* A started runtime on a fresh temp dir plus a context for request building. */
typedef struct tenv {
    char dir[256];
    act_config_t cfg;
    act_runtime_t *rt;
    orb_mcx_t *mcx;
} tenv_t;

/* setup/teardown for cmocka: *state is a tenv_t with nworkers 2, idle 60 s, lock 1 s. */
int tenv_setup(void **state);
int tenv_teardown(void **state);
/* Starts (or restarts) e->rt with e->cfg. */
void tenv_start(tenv_t *e);
void tenv_stop(tenv_t *e);
void sleep_ms(int ms);
uint64_t now_ms(void);

Orbit__Datum *d_int(orb_mcx_t *m, int64_t v);
Orbit__Datum *d_text(orb_mcx_t *m, const char *s);
Orbit__ShardOp *op_new(orb_mcx_t *m, Orbit__ShardOp__Kind kind, uint32_t index_id);
void op_key_int(orb_mcx_t *m, Orbit__ShardOp *op, int64_t k);
/* row (k, v) */
void op_row_int(orb_mcx_t *m, Orbit__ShardOp *op, int64_t k, int64_t v);
Orbit__ShardRequest *req_new(orb_mcx_t *m, uint64_t txn, uint32_t table, uint32_t shard,
                             size_t nops, ...);

/* Single-op shortcuts on table/shard: row (k, v) keyed by k. Return act_call's result. */
int t_insert(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t v, orb_err_t *err);
int t_put(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t v, orb_err_t *err);
/* *v = -1 when absent */
int t_get(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t *v, orb_err_t *err);

#endif
