/* tests/unit/actors/test_util.c — helpers shared by the actors tests (tests.h): a runtime on
 * a temp dir removed at teardown, and builders for Orbit__ShardRequest allocated in a test
 * memory context. */
#define _GNU_SOURCE
#include "tests.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void tenv_start(tenv_t *e) {
    orb_err_t err;
    int rc = act_runtime_start(&e->cfg, &e->rt, &err);
    if (rc != 0) fail_msg("act_runtime_start: %s", err.message);
}

void tenv_stop(tenv_t *e) {
    act_runtime_stop(e->rt);
    e->rt = NULL;
}

int tenv_setup(void **state) {
    tenv_t *e = calloc(1, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "/tmp/orbit-actors-XXXXXX");
    if (!mkdtemp(e->dir)) return -1;
    e->cfg.data_dir = e->dir;
    e->cfg.nworkers = 2;
    e->cfg.idle_ms = 60000;
    e->cfg.lock_timeout_ms = 1000;
    e->cfg.sync_commit = false;
    e->mcx = orb_mcx_create(NULL, "test");
    tenv_start(e);
    *state = e;
    return 0;
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int tenv_teardown(void **state) {
    tenv_t *e = *state;
    if (e->rt) tenv_stop(e);
    orb_mcx_destroy(e->mcx);
    nftw(e->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    int gone = access(e->dir, F_OK) != 0;
    free(e);
    return gone ? 0 : -1;
}

Orbit__Datum *d_int(orb_mcx_t *m, int64_t v) {
    Orbit__Datum *d = orb_alloc(m, sizeof *d);
    orbit__datum__init(d);
    d->v_case = ORBIT__DATUM__V_I;
    d->i = v;
    return d;
}

Orbit__Datum *d_text(orb_mcx_t *m, const char *s) {
    Orbit__Datum *d = orb_alloc(m, sizeof *d);
    orbit__datum__init(d);
    d->v_case = ORBIT__DATUM__V_S;
    d->s.data = (uint8_t *)orb_strdup(m, s);
    d->s.len = strlen(s);
    return d;
}

Orbit__ShardOp *op_new(orb_mcx_t *m, Orbit__ShardOp__Kind kind, uint32_t index_id) {
    Orbit__ShardOp *op = orb_alloc(m, sizeof *op);
    orbit__shard_op__init(op);
    op->kind = kind;
    op->index_id = index_id;
    return op;
}

void op_key_int(orb_mcx_t *m, Orbit__ShardOp *op, int64_t k) {
    op->n_key = 1;
    op->key = orb_alloc(m, sizeof *op->key);
    op->key[0] = d_int(m, k);
}

void op_row_int(orb_mcx_t *m, Orbit__ShardOp *op, int64_t k, int64_t v) {
    Orbit__Row *r = orb_alloc(m, sizeof *r);
    orbit__row__init(r);
    r->n_cols = 2;
    r->cols = orb_alloc(m, 2 * sizeof *r->cols);
    r->cols[0] = d_int(m, k);
    r->cols[1] = d_int(m, v);
    op->row = r;
}

Orbit__ShardRequest *req_new(orb_mcx_t *m, uint64_t txn, uint32_t table, uint32_t shard,
                             size_t nops, ...) {
    Orbit__ShardRequest *r = orb_alloc(m, sizeof *r);
    orbit__shard_request__init(r);
    r->txn_id = txn;
    r->table_id = table;
    r->shard = shard;
    r->schema_version = 1;
    r->n_ops = nops;
    r->ops = orb_alloc(m, (nops ? nops : 1) * sizeof *r->ops);
    va_list ap;
    va_start(ap, nops);
    for (size_t i = 0; i < nops; i++) r->ops[i] = va_arg(ap, Orbit__ShardOp *);
    va_end(ap);
    return r;
}

static int write_one(tenv_t *e, Orbit__ShardOp__Kind kind, uint64_t txn, uint32_t table,
                     int64_t k, int64_t v, orb_err_t *err) {
    Orbit__ShardOp *op = op_new(e->mcx, kind, 0);
    op_key_int(e->mcx, op, k);
    op_row_int(e->mcx, op, k, v);
    op->conflict_name = "t_pkey";
    op->conflict_detail = "Key (id) already exists.";
    Orbit__ShardRequest *req = req_new(e->mcx, txn, table, 0, 1, op);
    act_call_t *c;
    Orbit__ShardReply *rep;
    int rc = act_call(e->rt, ACT_TABLE_SHARD, req, &c, &rep, err);
    act_call_free(c);
    return rc;
}

int t_insert(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t v, orb_err_t *err) {
    return write_one(e, ORBIT__SHARD_OP__KIND__INSERT, txn, table, k, v, err);
}

int t_put(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t v, orb_err_t *err) {
    return write_one(e, ORBIT__SHARD_OP__KIND__PUT, txn, table, k, v, err);
}

int t_get(tenv_t *e, uint64_t txn, uint32_t table, int64_t k, int64_t *v, orb_err_t *err) {
    Orbit__ShardOp *op = op_new(e->mcx, ORBIT__SHARD_OP__KIND__GET, 0);
    op_key_int(e->mcx, op, k);
    Orbit__ShardRequest *req = req_new(e->mcx, txn, table, 0, 1, op);
    act_call_t *c;
    Orbit__ShardReply *rep;
    int rc = act_call(e->rt, ACT_TABLE_SHARD, req, &c, &rep, err);
    if (rc == 0) {
        *v = -1;
        if (rep->n_results == 1 && rep->results[0]->n_rows == 1) {
            Orbit__Row *row = rep->results[0]->rows[0];
            if (row->n_cols != 2 || row->cols[1]->v_case != ORBIT__DATUM__V_I)
                fail_msg("unexpected row shape");
            *v = row->cols[1]->i;
        }
    }
    act_call_free(c);
    return rc;
}
