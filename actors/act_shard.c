/* actors/act_shard.c — the table-shard (and catalog) behaviour: executes one
 * Orbit__ShardRequest (GET, LOCK_GET, SCAN, INSERT, PUT, DELETE) against RocksDB on the
 * actor's worker thread, plus datum conversion, act_shard_of and act_table_drop_data.
 * Entry point: act__shard_execute. Invariants: all ops of a request take effect together or
 * not at all; a busy row lock undoes the request and returns ORB_AGAIN so the runtime parks
 * it; the txn lock is held only while one request runs (README invariants 4-6). */
#include "actors_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int act__datum_to_val(const Orbit__Datum *d, st_val_t *v, orb_err_t *err) {
    memset(v, 0, sizeof *v);
    if (!d) {
        v->kind = ST_NULL;
        return 0;
    }
    switch (d->v_case) {
    case ORBIT__DATUM__V__NOT_SET:
    case ORBIT__DATUM__V_IS_NULL: v->kind = ST_NULL; break;
    case ORBIT__DATUM__V_B:
        v->kind = ST_BOOL;
        v->b = d->b;
        break;
    case ORBIT__DATUM__V_I:
        v->kind = ST_INT;
        v->i = d->i;
        break;
    case ORBIT__DATUM__V_F:
        v->kind = ST_FLOAT;
        v->f = d->f;
        break;
    case ORBIT__DATUM__V_NUMERIC:
        v->kind = ST_NUMERIC;
        v->p = d->numeric ? d->numeric : "";
        v->n = strlen(v->p);
        break;
    case ORBIT__DATUM__V_S:
        v->kind = ST_TEXT;
        v->p = (const char *)d->s.data;
        v->n = d->s.len;
        break;
    case ORBIT__DATUM__V_BIN:
        v->kind = ST_BYTES;
        v->p = (const char *)d->bin.data;
        v->n = d->bin.len;
        break;
    default:
        return orb_err_set(err, PROTOCOL_VIOLATION, "unknown datum kind %d", (int)d->v_case);
    }
    return 0;
}

Orbit__Datum *act__datum_from_val(orb_mcx_t *mcx, const st_val_t *v) {
    Orbit__Datum *d = orb_alloc(mcx, sizeof *d);
    orbit__datum__init(d);
    switch (v->kind) {
    case ST_NULL:
        d->v_case = ORBIT__DATUM__V_IS_NULL;
        d->is_null = 1;
        break;
    case ST_BOOL:
        d->v_case = ORBIT__DATUM__V_B;
        d->b = v->b;
        break;
    case ST_INT:
        d->v_case = ORBIT__DATUM__V_I;
        d->i = v->i;
        break;
    case ST_FLOAT:
        d->v_case = ORBIT__DATUM__V_F;
        d->f = v->f;
        break;
    case ST_NUMERIC:
        d->v_case = ORBIT__DATUM__V_NUMERIC;
        d->numeric = orb_strndup(mcx, v->p ? v->p : "", v->n);
        break;
    case ST_TEXT:
        d->v_case = ORBIT__DATUM__V_S;
        d->s.data = (uint8_t *)v->p;
        d->s.len = v->n;
        break;
    case ST_BYTES:
        d->v_case = ORBIT__DATUM__V_BIN;
        d->bin.data = (uint8_t *)v->p;
        d->bin.len = v->n;
        break;
    }
    return d;
}

/* ---- request execution --------------------------------------------------------------- */

typedef struct exec {
    orb_mcx_t *mcx;
    st_txn_t *st;
    const Orbit__ShardRequest *req;
    bool catalog;
    orb_buf_t key; /* scratch */
    orb_buf_t key2;
    orb_buf_t val;
    uint32_t failed_op; /* 1-based index of the op that failed (reported in the reply) */
    uint64_t rows_read; /* counted into the runtime's stats once per request */
    act_worker_t *w;
    act_actor_t *a;
    uint64_t busy_hash; /* with ORB_AGAIN: act__lock_hash of the busy row lock */
    /* bulk mode (README "Bulk inserts"): INSERT/PUT ops of this request write without row
     * locks; per op, its encoded key (bulk_key/bulk_klen) and, for INSERT, whether the key
     * has a committed value (bulk_found, one MultiGet per request) */
    bool bulk;
    bool files; /* file mode: INSERT/PUT entries go to a->bulk_files / bulk_ixfiles */
    size_t cur_op;
    char **bulk_key;
    size_t *bulk_klen;
    bool *bulk_found;
} exec_t;

/* ---- bulk-insert state of a table-shard actor ------------------------------------------ */

static void lockers_prune(act_worker_t *w, act_actor_t *a) {
    if (!a->nlockers) return;
    bool *live = malloc(a->nlockers * sizeof *live);
    if (!live) orb_panic("out of memory pruning row lockers");
    act__txn_live(w->rt, a->lockers, a->nlockers, live);
    size_t n = 0;
    for (size_t i = 0; i < a->nlockers; i++)
        if (live[i]) a->lockers[n++] = a->lockers[i];
    a->nlockers = n;
    free(live);
}

/* txn took a row lock through this actor: remember it until it ends (a bulk owner needs to
 * know that nobody else holds locks on the shard) */
static void locker_note(act_actor_t *a, uint64_t txn) {
    if (txn == a->bulk_txn) a->bulk_self = true; /* its own batch now holds locked writes */
    for (size_t i = a->nlockers; i > 0; i--)
        if (a->lockers[i - 1] == txn) return;
    if (a->nlockers == a->caplockers) {
        /* no pruning here: the txn entry lock is held (pruned at claims and idle ticks) */
        size_t nc = a->caplockers ? a->caplockers * 2 : 8;
        uint64_t *n = realloc(a->lockers, nc * sizeof *n);
        if (!n) orb_panic("out of memory noting row lockers");
        a->lockers = n;
        a->caplockers = nc;
    }
    a->lockers[a->nlockers++] = txn;
}

static void bulk_reset(act_actor_t *a) {
    act__bulk_destroy(a->bulk_files); /* normally finished or aborted by its transaction */
    act__bulk_destroy(a->bulk_ixfiles);
    a->bulk_files = a->bulk_ixfiles = NULL;
    free(a->bulk_keys);
    a->bulk_keys = NULL;
    a->bulk_n = a->bulk_cap = 0;
    a->bulk_txn = 0;
    a->bulk_self = false;
}

void act__shard_bulk_free(act_actor_t *a) {
    bulk_reset(a);
    free(a->lockers);
    a->lockers = NULL;
    a->nlockers = a->caplockers = 0;
}

/* the bulk owner, or 0 once it has ended */
static uint64_t bulk_owner(act_worker_t *w, act_actor_t *a) {
    if (!a->bulk_txn) return 0;
    bool live;
    act__txn_live(w->rt, &a->bulk_txn, 1, &live);
    if (!live) bulk_reset(a);
    return a->bulk_txn;
}

bool act__shard_bulk_prune(act_worker_t *w, act_actor_t *a) {
    lockers_prune(w, a);
    return bulk_owner(w, a) != 0 || a->nlockers != 0;
}

static bool bulkset_has(const act_actor_t *a, uint64_t h) {
    if (!a->bulk_cap) return false;
    for (size_t i = h & (a->bulk_cap - 1);; i = (i + 1) & (a->bulk_cap - 1)) {
        if (a->bulk_keys[i] == h) return true;
        if (a->bulk_keys[i] == 0) return false;
    }
}

static void bulkset_add(act_actor_t *a, uint64_t h) {
    if ((a->bulk_n + 1) * 2 > a->bulk_cap) {
        size_t nc = a->bulk_cap ? a->bulk_cap * 2 : 4096;
        uint64_t *nk = calloc(nc, sizeof *nk);
        if (!nk) orb_panic("out of memory growing the bulk key set");
        for (size_t i = 0; i < a->bulk_cap; i++) {
            uint64_t k = a->bulk_keys[i];
            if (!k) continue;
            size_t j = k & (nc - 1);
            while (nk[j]) j = (j + 1) & (nc - 1);
            nk[j] = k;
        }
        free(a->bulk_keys);
        a->bulk_keys = nk;
        a->bulk_cap = nc;
    }
    size_t i = h & (a->bulk_cap - 1);
    while (a->bulk_keys[i] && a->bulk_keys[i] != h) i = (i + 1) & (a->bulk_cap - 1);
    if (!a->bulk_keys[i]) {
        a->bulk_keys[i] = h;
        a->bulk_n++;
    }
}

/* rc of a storage call that takes a row lock on (cf, k). For a transaction's request, a lock
 * taken is recorded in the worker's owner table (even if the request later fails: the last
 * transaction to lock a key on its one actor is the one holding it whenever it is busy, see
 * README "Deadlock detection"), and a busy one is remembered for the wait-for graph.
 * Autocommit requests hold their locks only while they run, so nobody can wait for them
 * across a retry; they record nothing. */
static int locked(exec_t *ex, st_cf_t cf, const char *k, size_t kn, int rc) {
    if (ex->req->txn_id == 0 || (rc != 0 && rc != ORB_AGAIN)) return rc;
    uint64_t h = act__lock_hash(cf, k, kn);
    if (rc == 0) {
        act__owner_note(ex->w, h, ex->req->txn_id);
        if (ex->a) locker_note(ex->a, ex->req->txn_id);
    } else
        ex->busy_hash = h;
    return rc;
}

static st_cf_t op_cf(const exec_t *ex, uint32_t index_id) {
    if (ex->catalog) return ST_CF_CATALOG;
    return index_id == 0 ? ST_CF_ROWS : ST_CF_INDEX;
}

static void key_prefix(exec_t *ex, orb_buf_t *b, uint32_t index_id) {
    orb_buf_reset(b);
    st_key_prefix(b, ex->req->table_id, ex->req->shard, index_id);
}

static int key_append(orb_buf_t *b, Orbit__Datum *const *ds, size_t n, orb_err_t *err) {
    for (size_t i = 0; i < n; i++) {
        st_val_t v;
        if (act__datum_to_val(ds[i], &v, err) != 0) return -1;
        if (st_key_append(b, &v, err) != 0) return -1;
    }
    return 0;
}

Orbit__Row *act__row_make(orb_mcx_t *mcx, const st_val_t *vals, size_t n) {
    Orbit__Row *r = orb_alloc(mcx, sizeof *r);
    orbit__row__init(r);
    r->n_cols = n;
    r->cols = orb_alloc(mcx, (n ? n : 1) * sizeof *r->cols);
    for (size_t i = 0; i < n; i++) r->cols[i] = act__datum_from_val(mcx, &vals[i]);
    return r;
}

static int row_decode(orb_mcx_t *mcx, const char *p, size_t n, Orbit__Row **out,
                      orb_err_t *err) {
    uint32_t ver;
    st_val_t *vals;
    size_t nvals;
    if (st_row_decode(p, n, mcx, &ver, &vals, &nvals, err) != 0) return -1;
    *out = act__row_make(mcx, vals, nvals);
    return 0;
}

int act__key_row(orb_mcx_t *mcx, const char *k, size_t n, size_t off, Orbit__Row **out,
                 orb_err_t *err) {
    size_t cap = 4, nv = 0;
    st_val_t *vals = orb_alloc(mcx, cap * sizeof *vals);
    while (off < n) {
        if (nv == cap) {
            vals = orb_realloc(mcx, vals, cap * sizeof *vals, cap * 2 * sizeof *vals);
            cap *= 2;
        }
        if (st_key_decode(k, n, &off, mcx, &vals[nv], err) != 0) return -1;
        nv++;
    }
    *out = act__row_make(mcx, vals, nv);
    return 0;
}

typedef struct rowvec {
    Orbit__Row **v;
    size_t n, cap;
} rowvec_t;

static void rowvec_push(orb_mcx_t *mcx, rowvec_t *rv, Orbit__Row *r) {
    if (rv->n == rv->cap) {
        size_t nc = rv->cap ? rv->cap * 2 : 16;
        rv->v = orb_realloc(mcx, rv->v, rv->cap * sizeof *rv->v, nc * sizeof *rv->v);
        rv->cap = nc;
    }
    rv->v[rv->n++] = r;
}

static int op_get(exec_t *ex, const Orbit__ShardOp *op, bool for_update, Orbit__OpResult *res,
                  orb_err_t *err) {
    key_prefix(ex, &ex->key, op->index_id);
    if (key_append(&ex->key, op->key, op->n_key, err) != 0) return -1;
    char *val;
    size_t vn;
    bool found;
    st_cf_t cf = op_cf(ex, op->index_id);
    int rc = st_txn_get(ex->st, cf, ex->key.data, ex->key.len, for_update, ex->mcx, &val, &vn,
                        &found, err);
    if (for_update) rc = locked(ex, cf, ex->key.data, ex->key.len, rc);
    if (rc != 0) return rc;
    if (!found) return 0;
    ex->rows_read++;
    Orbit__Row *row;
    if (row_decode(ex->mcx, val, vn, &row, err) != 0) return -1;
    res->rows = orb_alloc(ex->mcx, sizeof *res->rows);
    res->rows[0] = row;
    res->n_rows = 1;
    res->count = 1;
    return 0;
}

/* SCAN with an AggSpec: every row of [lo, hi) folded into one partial row per group */
static int scan_aggregate(exec_t *ex, st_cf_t cf, orb_buf_t *lo, orb_buf_t *hi,
                          const Orbit__ShardOp *op, Orbit__OpResult *res, orb_err_t *err) {
    act_agg_t *agg;
    if (act__agg_begin(ex->mcx, op->agg, &agg, err) != 0) return -1;
    orb_mcx_t *row_mcx = orb_mcx_create(ex->mcx, "agg row");
    st_iter_t *it = st_iter_create(ex->st, cf, lo->data, lo->len, hi->data, hi->len, false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        ex->rows_read++;
        size_t vn;
        const char *v = st_iter_value(it, &vn);
        uint32_t ver;
        st_val_t *vals;
        size_t nvals;
        orb_mcx_reset(row_mcx);
        rc = st_row_decode(v, vn, row_mcx, &ver, &vals, &nvals, err);
        if (rc == 0) rc = act__agg_row(agg, vals, nvals, err);
        /* a whole range in one request: stop when the statement is interrupted */
        if (rc == 0 && (ex->rows_read & 4095) == 0 && ex->w->running &&
            act__call_interrupted(ex->w->running))
            rc = orb_err_set(err, QUERY_CANCELED, "canceling statement due to user request");
    }
    if (rc == 0) rc = st_iter_status(it, err);
    st_iter_destroy(it);
    orb_mcx_destroy(row_mcx);
    if (rc == 0)
        rc = act__agg_finish(agg, res, err);
    else
        act__agg_free(agg);
    return rc;
}

static int op_scan(exec_t *ex, const Orbit__ShardOp *op, Orbit__OpResult *res, orb_err_t *err) {
    orb_buf_t *lo = &ex->key, *hi = &ex->key2;
    key_prefix(ex, lo, op->index_id);
    key_prefix(ex, hi, op->index_id);
    bool empty = false;
    if (op->n_lower) {
        if (key_append(lo, op->lower, op->n_lower, err) != 0) return -1;
        if (!op->lower_incl && !st_key_prefix_successor(lo)) empty = true;
    }
    if (op->n_upper) {
        if (key_append(hi, op->upper, op->n_upper, err) != 0) return -1;
        if (op->upper_incl && !st_key_prefix_successor(hi)) {
            orb_buf_reset(hi);
            for (int i = 0; i < 16; i++) orb_buf_putc(hi, (char)0xFF);
        }
    } else if (!st_key_prefix_successor(hi)) {
        orb_buf_reset(hi);
        for (int i = 0; i < 16; i++) orb_buf_putc(hi, (char)0xFF);
    }
    if (!empty) {
        size_t m = lo->len < hi->len ? lo->len : hi->len;
        int c = memcmp(lo->data, hi->data, m);
        if (c > 0 || (c == 0 && lo->len >= hi->len)) empty = true;
    }
    if (empty) return 0;

    st_cf_t cf = op_cf(ex, op->index_id);
    if (op->agg) {
        if (op->index_id != 0 || op->for_update || op->keys_only)
            return orb_err_set(err, PROTOCOL_VIOLATION, "aggregating scans read rows only");
        return scan_aggregate(ex, cf, lo, hi, op, res, err);
    }
    st_iter_t *it = st_iter_create(ex->st, cf, lo->data, lo->len, hi->data, hi->len, op->reverse);
    rowvec_t rows = {0}, keys = {0}, pks = {0};
    int rc = 0;
    bool fetch = op->fetch_pk_cols > 0 && op->index_id > 0;
    orb_buf_t pkb;
    orb_buf_init(&pkb);
    for (; st_iter_valid(it); st_iter_next(it)) {
        if (op->limit && keys.n >= op->limit) break;
        ex->rows_read++;
        size_t kn, vn;
        const char *k = st_iter_key(it, &kn);
        const char *v = st_iter_value(it, &vn);
        Orbit__Row *row = NULL;
        if (fetch) {
            /* a local index entry: its last key columns name the row, in this shard */
            Orbit__Row *krow;
            if ((rc = act__key_row(ex->mcx, k, kn, ST_KEY_PREFIX_LEN, &krow, err)) != 0) break;
            if (krow->n_cols < op->fetch_pk_cols) {
                rc = orb_err_set(err, DATA_CORRUPTED, "index entry shorter than its primary key");
                break;
            }
            Orbit__Row *pk = orb_alloc(ex->mcx, sizeof *pk);
            orbit__row__init(pk);
            pk->n_cols = op->fetch_pk_cols;
            pk->cols = krow->cols + (krow->n_cols - op->fetch_pk_cols);
            key_prefix(ex, &pkb, 0);
            if ((rc = key_append(&pkb, pk->cols, pk->n_cols, err)) != 0) break;
            char *rv;
            size_t rvn;
            bool found;
            rc = st_txn_get(ex->st, op_cf(ex, 0), pkb.data, pkb.len, op->for_update, ex->mcx, &rv,
                            &rvn, &found, err);
            if (op->for_update) rc = locked(ex, op_cf(ex, 0), pkb.data, pkb.len, rc);
            if (rc != 0) break;
            if (!found) continue; /* the row went away with a transaction that committed */
            if ((rc = row_decode(ex->mcx, rv, rvn, &row, err)) != 0) break;
            rowvec_push(ex->mcx, &keys, krow);
            rowvec_push(ex->mcx, &rows, row);
            rowvec_push(ex->mcx, &pks, pk);
            continue;
        }
        if (op->for_update) {
            char *lv;
            size_t lvn;
            bool found;
            char *kc = orb_memdup(ex->mcx, k, kn);
            rc = st_txn_get(ex->st, cf, kc, kn, true, ex->mcx, &lv, &lvn, &found, err);
            rc = locked(ex, cf, kc, kn, rc);
            if (rc != 0) break;
            if (!found) continue; /* deleted by a transaction that committed meanwhile */
            if (!op->keys_only && (rc = row_decode(ex->mcx, lv, lvn, &row, err)) != 0) break;
        } else if (!op->keys_only) {
            if ((rc = row_decode(ex->mcx, v, vn, &row, err)) != 0) break;
        }
        Orbit__Row *krow;
        if ((rc = act__key_row(ex->mcx, k, kn, ST_KEY_PREFIX_LEN, &krow, err)) != 0) break;
        rowvec_push(ex->mcx, &keys, krow);
        if (row) rowvec_push(ex->mcx, &rows, row);
    }
    if (rc == 0) rc = st_iter_status(it, err);
    st_iter_destroy(it);
    orb_buf_free(&pkb);
    if (rc != 0) return rc;
    res->rows = rows.v;
    res->n_rows = rows.n;
    res->keys = keys.v;
    res->n_keys = keys.n;
    res->pks = pks.v;
    res->n_pks = pks.n;
    res->count = keys.n;
    return 0;
}

static void encode_row(exec_t *ex, const Orbit__ShardOp *op, orb_err_t *err, int *rc) {
    orb_buf_reset(&ex->val);
    size_t n = op->row ? op->row->n_cols : 0;
    st_val_t *vals = orb_alloc(ex->mcx, (n ? n : 1) * sizeof *vals);
    for (size_t i = 0; i < n; i++) {
        if (act__datum_to_val(op->row->cols[i], &vals[i], err) != 0) {
            *rc = -1;
            return;
        }
    }
    st_row_encode(&ex->val, ex->req->schema_version, vals, n);
    *rc = 0;
}

static int unique_violation(const Orbit__ShardOp *op, orb_err_t *err) {
    const char *name = op->conflict_name ? op->conflict_name : "";
    orb_err_set(err, UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"%s\"",
                name);
    if (op->conflict_detail && op->conflict_detail[0])
        orb_err_detail(err, "%s", op->conflict_detail);
    snprintf(err->constraint, sizeof err->constraint, "%s", name);
    return -1;
}

/* INSERT/PUT of a bulk request: no row lock (the transaction owns the shard for writing).
 * An INSERT's key is new unless it has a committed value (bulk_found) or this transaction
 * wrote it: its set of inserted key hashes, confirmed in its batch, says so; after it took
 * locks here (bulk_self) every key is read exactly. */
static int op_write_bulk(exec_t *ex, const Orbit__ShardOp *op, Orbit__OpResult *res,
                         orb_err_t *err) {
    const char *k = ex->bulk_key[ex->cur_op];
    size_t kn = ex->bulk_klen[ex->cur_op];
    st_cf_t cf = op_cf(ex, op->index_id);
    act_actor_t *a = ex->a;
    uint64_t h = act__lock_hash(cf, k, kn);
    int rc;
    if (op->kind == ORBIT__SHARD_OP__KIND__INSERT) {
        bool dup = ex->bulk_found[ex->cur_op];
        if (a->bulk_self) {
            /* exact: committed, or written (or deleted) by this transaction */
            char *val;
            size_t vn;
            rc = st_txn_get(ex->st, cf, k, kn, true, ex->mcx, &val, &vn, &dup, err);
            if (rc != 0) return rc;
        } else if (!dup && bulkset_has(a, h)) {
            act_bulk_t *fb = cf == ST_CF_ROWS ? a->bulk_files : a->bulk_ixfiles;
            rc = !ex->files ? st_txn_batch_has(ex->st, cf, k, kn, &dup, err)
                 : fb       ? act__bulk_contains(fb, k, kn, &dup, err)
                            : 0;
            if (rc != 0) return -1;
        }
        if (dup) return unique_violation(op, err);
    }
    encode_row(ex, op, err, &rc);
    if (rc != 0) return rc;
    if (ex->files) {
        act_bulk_t **fb = cf == ST_CF_ROWS ? &a->bulk_files : &a->bulk_ixfiles;
        if (!*fb)
            *fb = act__bulk_create(ex->w->rt, ex->req->txn_id, a->table_id, a->shard,
                                   cf == ST_CF_ROWS ? "rows" : "index");
        if (act__bulk_add(*fb, k, kn, ex->val.data, ex->val.len, err) != 0) return -1;
    } else {
        st_txn_put_unlocked(ex->st, cf, k, kn, ex->val.data, ex->val.len);
    }
    bulkset_add(a, h);
    res->count = 1;
    return 0;
}

/* File mode: an index entry another op makes (a vector index label) joins the index file */
static int bulk_index_entry(void *arg, const char *k, size_t kn, const char *v, size_t vn,
                            orb_err_t *err) {
    exec_t *ex = arg;
    act_actor_t *a = ex->a;
    if (!a->bulk_ixfiles)
        a->bulk_ixfiles = act__bulk_create(ex->w->rt, ex->req->txn_id, a->table_id, a->shard, "index");
    return act__bulk_add(a->bulk_ixfiles, k, kn, v, vn, err);
}

/* Bulk mode: the keys of the request's INSERT/PUT ops, and one MultiGet per column family
 * for whether the INSERTs' keys have committed values (the shard is ours: nobody else can
 * add one before we end). */
static int bulk_prepare(exec_t *ex, orb_err_t *err) {
    const Orbit__ShardRequest *req = ex->req;
    size_t n = req->n_ops ? req->n_ops : 1;
    ex->bulk_key = orb_alloc0(ex->mcx, n * sizeof *ex->bulk_key);
    ex->bulk_klen = orb_alloc0(ex->mcx, n * sizeof *ex->bulk_klen);
    ex->bulk_found = orb_alloc0(ex->mcx, n * sizeof *ex->bulk_found);
    const char **keys = orb_alloc(ex->mcx, n * sizeof *keys);
    size_t *lens = orb_alloc(ex->mcx, n * sizeof *lens);
    size_t *idx = orb_alloc(ex->mcx, n * sizeof *idx);
    bool *found = orb_alloc(ex->mcx, n * sizeof *found);
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        if (op->kind != ORBIT__SHARD_OP__KIND__INSERT && op->kind != ORBIT__SHARD_OP__KIND__PUT)
            continue;
        key_prefix(ex, &ex->key, op->index_id);
        if (key_append(&ex->key, op->key, op->n_key, err) != 0) {
            ex->failed_op = (uint32_t)i + 1;
            return -1;
        }
        ex->bulk_key[i] = orb_memdup(ex->mcx, ex->key.data, ex->key.len);
        ex->bulk_klen[i] = ex->key.len;
    }
    for (int cf = 0; cf < ST_CF__COUNT; cf++) {
        size_t m = 0;
        for (size_t i = 0; i < req->n_ops; i++) {
            const Orbit__ShardOp *op = req->ops[i];
            if (op->kind != ORBIT__SHARD_OP__KIND__INSERT || op_cf(ex, op->index_id) != (st_cf_t)cf)
                continue;
            keys[m] = ex->bulk_key[i];
            lens[m] = ex->bulk_klen[i];
            idx[m++] = i;
        }
        if (!m) continue;
        if (st_db_multi_exists(ex->w->rt->db, (st_cf_t)cf, m, keys, lens, found, err) != 0)
            return -1;
        for (size_t j = 0; j < m; j++) ex->bulk_found[idx[j]] = found[j];
    }
    return 0;
}

static int op_write(exec_t *ex, const Orbit__ShardOp *op, Orbit__OpResult *res,
                    orb_err_t *err) {
    if (ex->bulk && op->kind != ORBIT__SHARD_OP__KIND__DELETE) return op_write_bulk(ex, op, res, err);
    key_prefix(ex, &ex->key, op->index_id);
    if (key_append(&ex->key, op->key, op->n_key, err) != 0) return -1;
    st_cf_t cf = op_cf(ex, op->index_id);
    int rc;
    if (op->kind == ORBIT__SHARD_OP__KIND__INSERT || op->kind == ORBIT__SHARD_OP__KIND__DELETE) {
        char *val;
        size_t vn;
        bool found;
        rc = st_txn_get(ex->st, cf, ex->key.data, ex->key.len, true, ex->mcx, &val, &vn, &found,
                        err);
        rc = locked(ex, cf, ex->key.data, ex->key.len, rc);
        if (rc != 0) return rc;
        if (op->kind == ORBIT__SHARD_OP__KIND__DELETE) {
            if (!found) return 0;
            rc = locked(ex, cf, ex->key.data, ex->key.len,
                        st_txn_delete(ex->st, cf, ex->key.data, ex->key.len, err));
            if (rc == 0) res->count = 1;
            return rc;
        }
        if (found) return unique_violation(op, err);
    }
    encode_row(ex, op, err, &rc);
    if (rc != 0) return rc;
    rc = locked(ex, cf, ex->key.data, ex->key.len,
                st_txn_put(ex->st, cf, ex->key.data, ex->key.len, ex->val.data, ex->val.len, err));
    if (rc == 0) res->count = 1;
    return rc;
}

static int run_ops(exec_t *ex, Orbit__ShardReply *reply, orb_err_t *err) {
    const Orbit__ShardRequest *req = ex->req;
    reply->n_results = req->n_ops;
    reply->results = orb_alloc(ex->mcx, (req->n_ops ? req->n_ops : 1) * sizeof *reply->results);
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        Orbit__OpResult *res = orb_alloc(ex->mcx, sizeof *res);
        orbit__op_result__init(res);
        reply->results[i] = res;
        ex->cur_op = i;
        int rc;
        switch (op->kind) {
        case ORBIT__SHARD_OP__KIND__GET: rc = op_get(ex, op, false, res, err); break;
        case ORBIT__SHARD_OP__KIND__LOCK_GET: rc = op_get(ex, op, true, res, err); break;
        case ORBIT__SHARD_OP__KIND__SCAN: rc = op_scan(ex, op, res, err); break;
        case ORBIT__SHARD_OP__KIND__INSERT:
        case ORBIT__SHARD_OP__KIND__PUT:
        case ORBIT__SHARD_OP__KIND__DELETE: rc = op_write(ex, op, res, err); break;
        case ORBIT__SHARD_OP__KIND__BULK_CLAIM:
            /* the claim itself happened (or could not, the shard having row lockers) before
             * the ops ran; a claim outside a bulk request is a caller's mistake */
            rc = req->bulk ? 0 : orb_err_set(err, PROTOCOL_VIOLATION, "BULK_CLAIM outside a bulk request");
            break;
        case ORBIT__SHARD_OP__KIND__VEC_ADD:
        case ORBIT__SHARD_OP__KIND__VEC_SEARCH:
        case ORBIT__SHARD_OP__KIND__VEC_BUILD:
        case ORBIT__SHARD_OP__KIND__VEC_DROP: {
            if (ex->catalog) {
                rc = orb_err_set(err, PROTOCOL_VIOLATION, "vector operations address table shards");
                break;
            }
            act_vec_ctx_t vc = {.w = ex->w, .a = ex->a, .st = ex->st, .txn_id = ex->req->txn_id, .mcx = ex->mcx};
            if (ex->files) {
                vc.put_entry = bulk_index_entry;
                vc.put_arg = ex;
            }
            rc = act__vec_op(&vc, op, res, err);
            ex->rows_read += vc.rows_read;
            break;
        }
        default:
            rc = orb_err_set(err, PROTOCOL_VIOLATION, "unknown shard operation %d",
                             (int)op->kind);
        }
        if (rc != 0) {
            ex->failed_op = (uint32_t)i + 1;
            return rc;
        }
    }
    return 0;
}

static bool req_writes(const Orbit__ShardRequest *req) {
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        if (op->kind != ORBIT__SHARD_OP__KIND__GET &&
            op->kind != ORBIT__SHARD_OP__KIND__VEC_SEARCH &&
            !(op->kind == ORBIT__SHARD_OP__KIND__SCAN && !op->for_update))
            return true;
    }
    return false;
}

/* Whether every op of a request can go to the files of a bulk load (rows, index entries). */
static bool req_file_ops(const Orbit__ShardRequest *req) {
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        /* a vector index's VEC_ADD: its label entry joins the index file, the vector goes to
         * faiss at once (searches verify rows, so rows still in files are skipped) */
        if (op->kind != ORBIT__SHARD_OP__KIND__INSERT && op->kind != ORBIT__SHARD_OP__KIND__PUT &&
            op->kind != ORBIT__SHARD_OP__KIND__VEC_ADD && op->kind != ORBIT__SHARD_OP__KIND__BULK_CLAIM)
            return false;
    }
    return req->n_ops > 0;
}

static bool is_bulk_control(const Orbit__ShardRequest *req) {
    if (req->n_ops != 1) return false;
    Orbit__ShardOp__Kind k = req->ops[0]->kind;
    return k == ORBIT__SHARD_OP__KIND__BULK_FINISH || k == ORBIT__SHARD_OP__KIND__BULK_MATERIALIZE ||
           k == ORBIT__SHARD_OP__KIND__BULK_ABORT;
}

static int materialize_rows_cb(void *arg, const char *k, size_t kn, const char *v, size_t vn,
                               orb_err_t *err) {
    (void)err;
    st_txn_put_unlocked(arg, ST_CF_ROWS, k, kn, v, vn);
    return 0;
}

static int materialize_index_cb(void *arg, const char *k, size_t kn, const char *v, size_t vn,
                                orb_err_t *err) {
    (void)err;
    st_txn_put_unlocked(arg, ST_CF_INDEX, k, kn, v, vn);
    return 0;
}

/* The owner's file rows go into its write batch; the shard continues in write-batch mode. */
static int bulk_materialize(act_actor_t *a, st_txn_t *st, orb_err_t *err) {
    act_bulk_t *b = a->bulk_files, *ix = a->bulk_ixfiles;
    if (!b) return 0;
    a->bulk_files = a->bulk_ixfiles = NULL;
    int rc = act__bulk_each(b, materialize_rows_cb, st, err);
    if (rc == 0 && ix) rc = act__bulk_each(ix, materialize_index_cb, st, err);
    act__bulk_destroy(b);
    act__bulk_destroy(ix);
    return rc;
}

/* BULK_FINISH / BULK_MATERIALIZE / BULK_ABORT from the owner's transaction (act_txn.c).
 * *ep is released early when the work needs no storage transaction (FINISH, ABORT), so the
 * shards of one transaction finish in parallel. */
static int bulk_control(exec_t *ex, act_txn_ent_t **ep, Orbit__ShardReply *reply, orb_err_t *err) {
    act_actor_t *a = ex->a;
    const Orbit__ShardOp *op = ex->req->ops[0];
    Orbit__OpResult *res = orb_alloc(ex->mcx, sizeof *res);
    orbit__op_result__init(res);
    reply->n_results = 1;
    reply->results = orb_alloc(ex->mcx, sizeof *reply->results);
    reply->results[0] = res;
    if (!a || a->bulk_txn != ex->req->txn_id || !a->bulk_files) return 0; /* nothing here */
    act_bulk_t *b = a->bulk_files, *ix = a->bulk_ixfiles;
    res->count = act__bulk_count(b) + (ix ? act__bulk_count(ix) : 0);
    if (op->kind == ORBIT__SHARD_OP__KIND__BULK_MATERIALIZE) return bulk_materialize(a, (*ep)->st, err);
    act__txn_release(ex->w->rt, *ep);
    *ep = NULL;
    a->bulk_files = a->bulk_ixfiles = NULL;
    int rc = 0;
    if (op->kind == ORBIT__SHARD_OP__KIND__BULK_FINISH) {
        for (int i = 0; i < 2 && rc == 0; i++) {
            act_bulk_t *fb = i == 0 ? b : ix;
            if (!fb) continue;
            char *path = NULL;
            bool dup = false;
            rc = act__bulk_finish(fb, ex->w->rt->db, &path, &dup, err);
            if (dup)
                orb_err_set(err, INTERNAL_ERROR,
                            "bulk load of relation %u found a duplicate key late", a->table_id);
            if (path) {
                if (i == 0) res->path = orb_strdup(ex->mcx, path);
                else res->index_path = orb_strdup(ex->mcx, path);
                free(path);
            }
        }
        if (rc != 0) {
            /* the finished file is not ingested: remove it */
            if (res->path && res->path[0]) unlink(res->path);
            if (res->index_path && res->index_path[0]) unlink(res->index_path);
        }
    } else {
        /* ABORT: the rows are gone, so are their keys */
        free(a->bulk_keys);
        a->bulk_keys = NULL;
        a->bulk_n = a->bulk_cap = 0;
    }
    act__bulk_destroy(b);
    act__bulk_destroy(ix);
    return rc;
}

int act__shard_execute(act_worker_t *w, act_actor_t *a, act_type_t type, const Orbit__ShardRequest *req,
                       uint8_t **out, size_t *outlen, uint64_t *holder) {
    act_runtime_t *rt = w->rt;
    orb_err_t err;
    orb_err_clear(&err);
    exec_t ex = {
        .mcx = w->mcx, .req = req, .catalog = req->catalog || type == ACT_CATALOG, .w = w, .a = a};
    orb_buf_init(&ex.key);
    orb_buf_init(&ex.key2);
    orb_buf_init(&ex.val);
    Orbit__ShardReply *reply = orb_alloc(ex.mcx, sizeof *reply);
    orbit__shard_reply__init(reply);
    int rc;
    uint64_t bulk_holder = 0;

    if (type == ACT_KV_SHARD) {
        orb_buf_free(&ex.key);
        orb_buf_free(&ex.key2);
        orb_buf_free(&ex.val);
        orb_mcx_reset(ex.mcx);
        return act__kv_execute(w, a, req, a ? a->shard : req->shard, out, outlen);
    }
    if (type != ACT_TABLE_SHARD && type != ACT_CATALOG) {
        rc = orb_err_set(&err, INTERNAL_ERROR, "unknown actor type %d", (int)type);
    } else if (req->txn_id != 0) {
        /* both take the registry lock: before the entry lock (README lock order) */
        uint64_t owner = type == ACT_TABLE_SHARD && a ? bulk_owner(w, a) : 0;
        if (a && ((req->bulk && !owner) || a->nlockers > 16)) lockers_prune(w, a);
        act_txn_ent_t *e = act__txn_acquire(rt, req->txn_id);
        if (e && owner && owner != req->txn_id && req_writes(req)) {
            /* the shard is another transaction's bulk load: wait for it like for a row lock */
            act__txn_release(rt, e);
            e = NULL;
            rc = ORB_AGAIN;
            bulk_holder = owner;
        } else if (!e) {
            rc = orb_err_set(&err, INVALID_TRANSACTION_STATE, "transaction %llu is not active",
                             (unsigned long long)req->txn_id);
        } else if (type == ACT_TABLE_SHARD && !ex.catalog && !req->bulk && req->n_ops > 0 &&
                   !req_writes(req) && owner != req->txn_id && !st_txn_has_writes(e->st)) {
            /* Reads of a transaction that has written nothing: at its snapshot through a view,
             * without holding the entry lock while they run, so that the shards of one
             * statement are read in parallel (README "Transactions"). The session awaits
             * every request of a statement before it moves the snapshot or ends the txn. */
            ex.st = st_txn_view(e->st);
            act__txn_release(rt, e);
            e = NULL;
            rc = run_ops(&ex, reply, &err);
            st_txn_rollback(ex.st);
            ex.st = NULL;
        } else if (is_bulk_control(req)) {
            rc = bulk_control(&ex, &e, reply, &err);
            if (e) act__txn_release(rt, e);
            e = NULL;
        } else {
            ex.st = e->st;
            bool mine = false;
            if (req->bulk && type == ACT_TABLE_SHARD && a && !ex.catalog) {
                /* claim the shard for unlocked writes when no other live transaction holds
                 * row locks on it (README "Bulk inserts"); else the ops run as usual */
                if (!owner) {
                    bool others = false, self = false;
                    for (size_t i = 0; i < a->nlockers; i++) {
                        if (a->lockers[i] == req->txn_id) self = true;
                        else others = true;
                    }
                    if (!others) {
                        bulk_reset(a);
                        a->bulk_txn = owner = req->txn_id;
                        a->bulk_self = self;
                        if (req->bulk_files && !self) {
                            /* file mode: registered with the txn, which finishes it */
                            a->bulk_files = act__bulk_create(rt, req->txn_id, a->table_id, a->shard,
                                                             "rows");
                            if (e->nbulk == e->capbulk) {
                                size_t nc = e->capbulk ? e->capbulk * 2 : 8;
                                uint32_t(*nb)[2] = realloc(e->bulk, nc * sizeof *nb);
                                if (!nb) orb_panic("out of memory noting a bulk load");
                                e->bulk = nb;
                                e->capbulk = nc;
                            }
                            e->bulk[e->nbulk][0] = a->table_id;
                            e->bulk[e->nbulk++][1] = a->shard;
                        }
                    }
                }
                mine = owner == req->txn_id;
            }
            rc = 0;
            if (mine && a->bulk_files && !req_file_ops(req)) rc = bulk_materialize(a, ex.st, &err);
            if (rc == 0 && mine && a->bulk_files) {
                /* file mode needs no storage transaction: let the txn's other shards run. A
                 * failure leaves rows in the files; the statement fails and aborts them. */
                act__txn_release(rt, e);
                e = NULL;
                ex.st = NULL;
                ex.bulk = true;
                ex.files = true;
                rc = bulk_prepare(&ex, &err);
                if (rc == 0) rc = run_ops(&ex, reply, &err);
            }
        }
        if (e) {
            st_txn_savepoint(ex.st); /* request atomicity (README invariant 6) */
            ex.bulk = a && owner && owner == req->txn_id && req->bulk;
            if (rc == 0 && ex.bulk) rc = bulk_prepare(&ex, &err);
            if (rc == 0) rc = run_ops(&ex, reply, &err);
            if (rc == 0) {
                st_txn_pop_savepoint(ex.st);
            } else {
                orb_err_t e2;
                orb_err_clear(&e2);
                if (st_txn_rollback_to_savepoint(ex.st, &e2) != 0) {
                    orb_log(ORB_LOG_ERROR, ACT_LOG,
                            "rollback to savepoint failed txn=%llu: %s",
                            (unsigned long long)req->txn_id, e2.message);
                    err = e2;
                    rc = -1;
                }
            }
            act__txn_release(rt, e);
        }
    } else if (type == ACT_TABLE_SHARD && a && req_writes(req) && bulk_owner(w, a)) {
        rc = ORB_AGAIN; /* another transaction's bulk load */
        bulk_holder = a->bulk_txn;
    } else {
        ex.st = st_txn_begin(rt->db, ST_READ_COMMITTED);
        if (!ex.st) {
            rc = orb_err_set(&err, INTERNAL_ERROR, "could not begin a storage transaction");
        } else {
            rc = run_ops(&ex, reply, &err);
            if (rc == 0 && req_writes(req)) {
                if (st_txn_commit(ex.st, &err) != 0) rc = -1;
            } else {
                st_txn_rollback(ex.st);
            }
        }
    }

    orb_buf_free(&ex.key);
    orb_buf_free(&ex.key2);
    orb_buf_free(&ex.val);
    if (ex.rows_read) atomic_fetch_add(&rt->rows_read, ex.rows_read);
    /* no txn entry lock is held here (lock order: the sweep takes the registry lock) */
    if (w->owners_n >= w->owners_sweep_at) act__owner_sweep(w);
    if (rc == ORB_AGAIN) {
        *holder = bulk_holder ? bulk_holder : ex.busy_hash ? act__owner_of(w, ex.busy_hash) : 0;
        orb_mcx_reset(ex.mcx);
        return ORB_AGAIN;
    }
    if (req->bulk) reply->n_results = 0; /* COPY needs no per-row results */
    if (rc != 0)
        *out = act__error_reply(&err, ex.failed_op, outlen);
    else
        *out = act__reply_pack(reply, outlen);
    orb_mcx_reset(ex.mcx);
    return 0;
}

/* ---- routing and bulk removal -------------------------------------------------------- */

int act_shard_of(const Orbit__Datum *const *key, size_t nkey, uint32_t nshards,
                 uint32_t *shard, orb_err_t *err) {
    if (ORB_NEVER(nshards == 0))
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "a table needs at least one shard");
    orb_buf_t b;
    orb_buf_init(&b);
    for (size_t i = 0; i < nkey; i++) {
        st_val_t v;
        if (act__datum_to_val(key[i], &v, err) != 0 || st_key_append(&b, &v, err) != 0) {
            orb_buf_free(&b);
            return -1;
        }
    }
    *shard = (uint32_t)(st_key_hash(b.data ? b.data : "", b.len) % nshards);
    orb_buf_free(&b);
    return 0;
}

/* The keys of every shard and index of a table: [lo, hi). */
static void table_range(orb_buf_t *lo, orb_buf_t *hi, uint32_t table_id) {
    orb_buf_init(lo);
    orb_buf_init(hi);
    st_key_prefix(lo, table_id, 0, 0);
    if (table_id < UINT32_MAX) {
        st_key_prefix(hi, table_id + 1, 0, 0);
    } else {
        for (int i = 0; i < 16; i++) orb_buf_putc(hi, (char)0xFF);
    }
}

int act_table_size(act_runtime_t *rt, uint32_t table_id, uint64_t *rows, uint64_t *indexes,
                   orb_err_t *err) {
    orb_buf_t lo, hi;
    table_range(&lo, &hi, table_id);
    int rc = st_db_approx_size(rt->db, ST_CF_ROWS, lo.data, lo.len, hi.data, hi.len, rows, err);
    if (rc == 0) rc = st_db_approx_size(rt->db, ST_CF_INDEX, lo.data, lo.len, hi.data, hi.len, indexes, err);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    return rc;
}

/* Calls fn on the key range of one secondary index in each shard, until one fails. */
static int each_index_range(act_runtime_t *rt, uint32_t table_id, uint32_t nshards,
                            uint32_t index_id,
                            int (*fn)(act_runtime_t *rt, const orb_buf_t *lo, const orb_buf_t *hi,
                                      void *arg, orb_err_t *err),
                            void *arg, orb_err_t *err) {
    int rc = 0;
    for (uint32_t s = 0; s < nshards && rc == 0; s++) {
        orb_buf_t lo, hi;
        orb_buf_init(&lo);
        orb_buf_init(&hi);
        st_key_prefix(&lo, table_id, s, index_id);
        st_key_prefix(&hi, table_id, s, index_id + 1);
        rc = fn(rt, &lo, &hi, arg, err);
        orb_buf_free(&lo);
        orb_buf_free(&hi);
    }
    return rc;
}

static int range_size(act_runtime_t *rt, const orb_buf_t *lo, const orb_buf_t *hi, void *arg,
                      orb_err_t *err) {
    uint64_t n = 0;
    int rc = st_db_approx_size(rt->db, ST_CF_INDEX, lo->data, lo->len, hi->data, hi->len, &n, err);
    *(uint64_t *)arg += n;
    return rc;
}

static int range_delete(act_runtime_t *rt, const orb_buf_t *lo, const orb_buf_t *hi, void *arg,
                        orb_err_t *err) {
    (void)arg;
    return st_db_delete_range(rt->db, ST_CF_INDEX, lo->data, lo->len, hi->data, hi->len, err);
}

int act_index_size(act_runtime_t *rt, uint32_t table_id, uint32_t nshards, uint32_t index_id,
                   uint64_t *out, orb_err_t *err) {
    *out = 0;
    return each_index_range(rt, table_id, nshards, index_id, range_size, out, err);
}

int act_table_drop_data(act_runtime_t *rt, uint32_t table_id, orb_err_t *err) {
    orb_buf_t lo, hi;
    table_range(&lo, &hi, table_id);
    int rc = 0;
    act__vec_drop_table_files(rt, table_id);
    st_cf_t cfs[] = {ST_CF_ROWS, ST_CF_INDEX};
    for (size_t i = 0; i < sizeof cfs / sizeof cfs[0] && rc == 0; i++)
        rc = st_db_delete_range(rt->db, cfs[i], lo.data, lo.len, hi.data, hi.len, err);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    return rc;
}

int act_index_drop_data(act_runtime_t *rt, uint32_t table_id, uint32_t nshards,
                        uint32_t index_id, orb_err_t *err) {
    return each_index_range(rt, table_id, nshards, index_id, range_delete, NULL, err);
}
