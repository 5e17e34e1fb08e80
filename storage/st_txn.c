/* storage/st_txn.c — pessimistic RocksDB transactions: begin/commit/rollback, per-statement
 * snapshots (READ COMMITTED) or one txn snapshot (REPEATABLE READ), savepoints, point reads
 * and writes. Entry points: st_txn_begin ... st_txn_rollback.
 * Invariants: locks never wait (busy -> ORB_AGAIN, README invariant 5); a write conflict
 * under REPEATABLE READ is 40001 (invariant 7); snapshots are released when the txn ends. */
#include "storage_int.h"

#include <stdlib.h>
#include <string.h>

static bool has_prefix(const char *s, const char *pre) {
    return strncmp(s, pre, strlen(pre)) == 0;
}

int st__txn_status(orb_err_t *err, char *errptr, const char *what) {
    if (!errptr) return 0;
    int rc = -1;
    if (has_prefix(errptr, "Operation timed out")) {
        /* Lock held by another transaction and lock_timeout is 0: caller parks & retries. */
        orb_err_set(err, LOCK_NOT_AVAILABLE, "could not obtain lock on row");
        rc = ORB_AGAIN;
    } else if (has_prefix(errptr, "Resource busy") && strstr(errptr, "Deadlock")) {
        orb_err_set(err, T_R_DEADLOCK_DETECTED, "deadlock detected");
    } else if (has_prefix(errptr, "Resource busy") && strstr(errptr, "max_num_locks")) {
        orb_err_set(err, OUT_OF_MEMORY, "%s: %s", what, errptr);
    } else if (has_prefix(errptr, "Resource busy")) {
        /* Snapshot validation failed: the key changed after our snapshot. */
        orb_err_set(err, T_R_SERIALIZATION_FAILURE,
                    "could not serialize access due to concurrent update");
    } else {
        orb_err_set(err, IO_ERROR, "%s: %s", what, errptr);
    }
    rocksdb_free(errptr);
    return rc;
}

static st_txn_t *txn_begin(st_db_t *db, st_isolation_t iso, rocksdb_writeoptions_t *wo) {
    st_txn_t *t = calloc(1, sizeof *t);
    if (!t) orb_panic("out of memory");
    t->db = db;
    t->iso = iso;
    t->txn = rocksdb_transaction_begin(db->db, wo,
                                       db->txn_opts[iso == ST_REPEATABLE_READ ? 1 : 0], NULL);
    t->ropts = rocksdb_readoptions_create();
    t->ropts_latest = rocksdb_readoptions_create();
    if (iso == ST_REPEATABLE_READ) {
        t->snap = rocksdb_transaction_get_snapshot(t->txn);
        rocksdb_readoptions_set_snapshot(t->ropts, t->snap);
    }
    return t;
}

st_txn_t *st_txn_begin(st_db_t *db, st_isolation_t iso) { return txn_begin(db, iso, db->wopts); }

st_txn_t *st_txn_begin_group(st_db_t *db, st_isolation_t iso) {
    return txn_begin(db, iso, db->wopts_group);
}

st_txn_t *st_txn_view(st_txn_t *t) {
    st_txn_t *v = calloc(1, sizeof *v);
    if (!v) orb_panic("out of memory");
    v->db = t->db;
    v->iso = t->iso;
    v->txn = NULL; /* reads go to the database at the snapshot: no RocksDB transaction */
    v->ropts = rocksdb_readoptions_create();
    v->ropts_latest = rocksdb_readoptions_create();
    v->snap = t->snap; /* borrowed: txn_free leaves a view's snapshot to t */
    if (v->snap) rocksdb_readoptions_set_snapshot(v->ropts, v->snap);
    v->view = true;
    return v;
}

void st_txn_statement_snapshot(st_txn_t *t) {
    if (t->iso == ST_REPEATABLE_READ) return;
    rocksdb_readoptions_set_snapshot(t->ropts, NULL);
    if (t->snap) rocksdb_transactiondb_release_snapshot(t->db->db, t->snap);
    t->snap = rocksdb_transactiondb_create_snapshot(t->db->db);
    rocksdb_readoptions_set_snapshot(t->ropts, t->snap);
}

void st_txn_savepoint(st_txn_t *t) {
    if (t->nsps == t->capsps) {
        size_t cap = t->capsps ? t->capsps * 2 : 8;
        st_savepoint_t *n = realloc(t->sps, cap * sizeof *n);
        if (!n) orb_panic("out of memory");
        t->sps = n;
        t->capsps = cap;
    }
    t->sps[t->nsps++].released = false;
    rocksdb_transaction_set_savepoint(t->txn);
}

/* Undoes every write since the newest live savepoint and removes it (RocksDB semantics;
 * to keep it, as SQL ROLLBACK TO does, call st_txn_savepoint again). Released savepoints
 * above it are rolled back on the way: their writes are newer anyway (invariant 8). */
int st_txn_rollback_to_savepoint(st_txn_t *t, orb_err_t *err) {
    size_t live = t->nsps;
    while (live > 0 && t->sps[live - 1].released) live--;
    if (live == 0) return orb_err_set(err, INTERNAL_ERROR, "no savepoint to roll back to");
    while (t->nsps >= live) {
        char *errptr = NULL;
        rocksdb_transaction_rollback_to_savepoint(t->txn, &errptr);
        t->nsps--;
        if (errptr) return st__err_rocks(err, errptr, "could not roll back to savepoint");
    }
    return 0;
}

/* The C API has no PopSavePoint: mark the newest live savepoint released. It stays on
 * RocksDB's stack, which is harmless (invariant 8). */
void st_txn_pop_savepoint(st_txn_t *t) {
    for (size_t i = t->nsps; i > 0; i--) {
        if (!t->sps[i - 1].released) {
            t->sps[i - 1].released = true;
            return;
        }
    }
    if (ORB_NEVER(true)) return; /* pop without a live savepoint */
}

int st_txn_get(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, bool for_update,
               orb_mcx_t *mcx, char **val, size_t *vn, bool *found, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    char *errptr = NULL;
    size_t n = 0;
    char *v;
    *found = false;
    *val = NULL;
    *vn = 0;
    if (for_update) {
        assert(!t->view);
        /* READ COMMITTED locks and reads the latest committed version (no snapshot);
         * REPEATABLE READ reads its snapshot and RocksDB validates that nothing newer was
         * committed (Busy -> 40001). */
        const rocksdb_readoptions_t *ro =
            t->iso == ST_REPEATABLE_READ ? t->ropts : t->ropts_latest;
        v = rocksdb_transaction_get_for_update_cf(t->txn, ro, t->db->cf[cf], k, kn, &n, 1,
                                                  &errptr);
    } else if (!t->txn) { /* a view (no writes of its own): the same as Transaction::Get */
        v = rocksdb_transactiondb_get_cf(t->db->db, t->ropts, t->db->cf[cf], k, kn, &n, &errptr);
    } else {
        v = rocksdb_transaction_get_cf(t->txn, t->ropts, t->db->cf[cf], k, kn, &n, &errptr);
    }
    if (errptr) {
        if (v) rocksdb_free(v);
        return st__txn_status(err, errptr, "could not read from storage");
    }
    if (v) {
        *found = true;
        *val = st__copy_value(mcx, v, n);
        *vn = n;
    }
    return 0;
}

int st_txn_put(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, const char *v, size_t vn,
               orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    assert(!t->view);
    char *errptr = NULL;
    t->nwrites++;
    rocksdb_transaction_put_cf(t->txn, t->db->cf[cf], k, kn, v, vn, &errptr);
    return st__txn_status(err, errptr, "could not write to storage");
}

int st_txn_delete(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    assert(!t->view);
    char *errptr = NULL;
    t->nwrites++;
    rocksdb_transaction_delete_cf(t->txn, t->db->cf[cf], k, kn, &errptr);
    return st__txn_status(err, errptr, "could not delete from storage");
}

void st_txn_put_unlocked(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, const char *v,
                         size_t vn) {
    assert(cf < ST_CF__COUNT);
    if (!t->wbwi) t->wbwi = rocksdb_transaction_get_writebatch_wi(t->txn);
    t->nwrites++;
    /* straight into the transaction's indexed write batch: no lock, no key tracking (what
     * Transaction::PutUntracked does); Commit writes the whole batch */
    rocksdb_writebatch_wi_put_cf(t->wbwi, t->db->cf[cf], k, kn, v, vn);
}

void st_txn_delete_unlocked(st_txn_t *t, st_cf_t cf, const char *k, size_t kn) {
    assert(cf < ST_CF__COUNT);
    if (!t->wbwi) t->wbwi = rocksdb_transaction_get_writebatch_wi(t->txn);
    t->nwrites++;
    rocksdb_writebatch_wi_delete_cf(t->wbwi, t->db->cf[cf], k, kn);
}

bool st_txn_has_writes(const st_txn_t *t) { return t->nwrites > 0; }

int st_txn_batch_has(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, bool *found,
                     orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    *found = false;
    if (t->view) return 0; /* a view writes nothing */
    if (!t->wbwi) t->wbwi = rocksdb_transaction_get_writebatch_wi(t->txn);
    char *errptr = NULL;
    size_t n = 0;
    char *v = rocksdb_writebatch_wi_get_from_batch_cf(t->wbwi, t->db->opts, t->db->cf[cf], k,
                                                      kn, &n, &errptr);
    *found = v != NULL;
    if (v) rocksdb_free(v);
    return st__txn_status(err, errptr, "could not read from storage");
}

static void txn_free(st_txn_t *t) {
    if (t->wbwi) rocksdb_free(t->wbwi); /* the wrapper only: the batch is the txn's */
    rocksdb_readoptions_destroy(t->ropts);
    rocksdb_readoptions_destroy(t->ropts_latest);
    if (t->snap && !t->view) {
        if (t->iso == ST_REPEATABLE_READ)
            rocksdb_free((void *)t->snap); /* wrapper only; the txn owns the snapshot */
        else
            rocksdb_transactiondb_release_snapshot(t->db->db, t->snap);
    }
    if (t->txn) rocksdb_transaction_destroy(t->txn);
    free(t->sps);
    free(t);
}

int st_txn_commit(st_txn_t *t, orb_err_t *err) {
    char *errptr = NULL;
    if (!t->txn) {
        txn_free(t);
        return 0;
    }
    if (t->nwrites == 0) {
        /* a read-only transaction has nothing to make durable: ending it without a WAL write
         * (and its fsync) is equivalent and releases its locks the same way */
        rocksdb_transaction_rollback(t->txn, &errptr);
        if (errptr) rocksdb_free(errptr);
        txn_free(t);
        return 0;
    }
    rocksdb_transaction_commit(t->txn, &errptr);
    int rc = 0;
    if (errptr) {
        rc = st__txn_status(err, errptr, "could not commit transaction");
        if (rc == ORB_AGAIN) rc = -1; /* commit never retries: the txn is gone */
        char *e2 = NULL;
        rocksdb_transaction_rollback(t->txn, &e2);
        if (e2) rocksdb_free(e2);
    }
    txn_free(t);
    return rc;
}

void st_txn_rollback(st_txn_t *t) {
    if (!t) return;
    char *errptr = NULL;
    if (t->txn) rocksdb_transaction_rollback(t->txn, &errptr);
    if (errptr) {
        orb_log(ORB_LOG_WARN, "storage", "transaction rollback failed error=\"%s\"", errptr);
        rocksdb_free(errptr);
    }
    txn_free(t);
}
