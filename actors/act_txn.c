/* actors/act_txn.c — node-local transactions: the registry id -> {st_txn_t, lock}.
 * Entry points: act_txn_begin, act_txn_statement_begin/end, act_txn_savepoint/rollback_to/
 * release (SQL savepoints), act_txn_commit, act_txn_rollback, act__txn_acquire/release (used
 * by the shard behaviour), act__txn_live (the deadlock detector's owner sweep).
 * Lock order: registry lock (rt->txn_lock) before an entry's lock, never the reverse; no
 * thread holds the registry lock while waiting for an entry lock (README invariants 3, 4). */
#include "actors_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t bucket_of(uint64_t id) { return (size_t)(id % ACT_TXN_BUCKETS); }

/* Finds the entry and takes a reference, under the registry lock. */
static act_txn_ent_t *ent_ref(act_runtime_t *rt, uint64_t id, bool remove) {
    pthread_mutex_lock(&rt->txn_lock);
    act_txn_ent_t **pp = &rt->txn_buckets[bucket_of(id)];
    while (*pp && (*pp)->id != id) pp = &(*pp)->next;
    act_txn_ent_t *e = *pp;
    if (e) {
        e->refs++;
        if (remove) {
            *pp = e->next;
            e->removed = true;
            e->refs--; /* the registry's own reference */
        }
    }
    pthread_mutex_unlock(&rt->txn_lock);
    return e;
}

static void ent_unref(act_runtime_t *rt, act_txn_ent_t *e) {
    pthread_mutex_lock(&rt->txn_lock);
    bool last = --e->refs == 0;
    pthread_mutex_unlock(&rt->txn_lock);
    if (last) {
        assert(e->removed);
        pthread_mutex_destroy(&e->lock);
        free(e->bulk);
        free(e);
    }
}

act_txn_ent_t *act__txn_acquire(act_runtime_t *rt, uint64_t id) {
    act_txn_ent_t *e = ent_ref(rt, id, false);
    if (!e) return NULL;
    pthread_mutex_lock(&e->lock);
    if (!e->st) { /* finished while we waited */
        pthread_mutex_unlock(&e->lock);
        ent_unref(rt, e);
        return NULL;
    }
    return e;
}

void act__txn_release(act_runtime_t *rt, act_txn_ent_t *e) {
    pthread_mutex_unlock(&e->lock);
    ent_unref(rt, e);
}

void act__txn_live(act_runtime_t *rt, const uint64_t *ids, size_t n, bool *live) {
    pthread_mutex_lock(&rt->txn_lock);
    for (size_t i = 0; i < n; i++) {
        const act_txn_ent_t *e = rt->txn_buckets[bucket_of(ids[i])];
        while (e && e->id != ids[i]) e = e->next;
        live[i] = e != NULL; /* removed from the registry when commit or rollback begins */
        /* ... but live until its storage commit or rollback is over: a bulk owner's rows are
         * not in the db (nor locked) before then (README "Bulk inserts") */
        for (const struct act_txn_ending *x = rt->ending; x && !live[i]; x = x->next)
            live[i] = x->id == ids[i];
    }
    pthread_mutex_unlock(&rt->txn_lock);
}

static int no_txn(uint64_t id, orb_err_t *err) {
    return orb_err_set(err, INVALID_TRANSACTION_STATE, "transaction %llu is not active",
                       (unsigned long long)id);
}

int act_txn_begin(act_runtime_t *rt, act_isolation_t iso, uint64_t *txn_id, orb_err_t *err) {
    st_txn_t *st =
        st_txn_begin(rt->db, iso == ACT_REPEATABLE_READ ? ST_REPEATABLE_READ : ST_READ_COMMITTED);
    if (!st) return orb_err_set(err, INTERNAL_ERROR, "could not begin a storage transaction");
    act_txn_ent_t *e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory beginning a transaction");
    e->id = atomic_fetch_add(&rt->next_txn_id, 1);
    e->st = st;
    e->refs = 1; /* the registry's */
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_lock(&rt->txn_lock);
    size_t b = bucket_of(e->id);
    e->next = rt->txn_buckets[b];
    rt->txn_buckets[b] = e;
    pthread_mutex_unlock(&rt->txn_lock);
    *txn_id = e->id;
    return 0;
}

/* ---- bulk loads in file mode (README "Bulk inserts") ------------------------------------ */

/* Takes the list of table-shards holding the txn's rows in files (caller frees it). */
static uint32_t (*bulk_take(act_runtime_t *rt, uint64_t txn_id, size_t *n, bool *writes))[2] {
    *n = 0;
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return NULL;
    uint32_t(*list)[2] = e->bulk;
    *n = e->nbulk;
    if (writes) *writes = st_txn_has_writes(e->st);
    e->bulk = NULL;
    e->nbulk = e->capbulk = 0;
    act__txn_release(rt, e);
    return list;
}

/* Sends op kind to every listed shard in parallel. FINISH: paths[2i] (rows) and paths[2i+1]
 * (index entries), malloc'd, NULL when the shard had none. The first failure is kept in err. */
static int bulk_send(act_runtime_t *rt, uint64_t txn_id, uint32_t (*list)[2], size_t n,
                     Orbit__ShardOp__Kind kind, char **paths, orb_err_t *err) {
    act_call_t **calls = calloc(n ? n : 1, sizeof *calls);
    if (!calls) orb_panic("out of memory sending bulk load requests");
    for (size_t i = 0; i < n; i++) {
        Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
        Orbit__ShardOp *ops[1] = {&op};
        op.kind = kind;
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = txn_id;
        req.table_id = list[i][0];
        req.shard = list[i][1];
        req.n_ops = 1;
        req.ops = ops;
        calls[i] = act_call_post(rt, ACT_TABLE_SHARD, &req);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        Orbit__ShardReply *reply = NULL;
        orb_err_t e;
        if (act_call_wait(calls[i], &reply, &e) != 0) {
            if (rc == 0) *err = e;
            rc = -1;
        } else if (paths && reply->n_results == 1) {
            const char *p[2] = {reply->results[0]->path, reply->results[0]->index_path};
            for (int j = 0; j < 2; j++) {
                if (!p[j] || !p[j][0]) continue;
                paths[2 * i + (size_t)j] = strdup(p[j]);
                if (!paths[2 * i + (size_t)j]) orb_panic("out of memory");
            }
        }
        act_call_free(calls[i]);
    }
    free(calls);
    return rc;
}

/* Before anything else happens in the transaction, its file rows join its write batch. */
static int bulk_materialize(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    size_t n;
    uint32_t(*list)[2] = bulk_take(rt, txn_id, &n, NULL);
    int rc = n ? bulk_send(rt, txn_id, list, n, ORBIT__SHARD_OP__KIND__BULK_MATERIALIZE, NULL, err) : 0;
    free(list);
    return rc;
}

static void bulk_abort(act_runtime_t *rt, uint64_t txn_id) {
    size_t n;
    uint32_t(*list)[2] = bulk_take(rt, txn_id, &n, NULL);
    orb_err_t e;
    if (n && bulk_send(rt, txn_id, list, n, ORBIT__SHARD_OP__KIND__BULK_ABORT, NULL, &e) != 0)
        orb_log(ORB_LOG_WARN, ACT_LOG, "could not abort a bulk load txn=%llu: %s",
                (unsigned long long)txn_id, e.message);
    free(list);
}

/* Commit of a transaction with file rows and no other writes: every shard merges its rows
 * into one SST file, and one ingestion makes them all visible, atomically and durably,
 * while the transaction still owns the shards. With other writes the rows join the write
 * batch instead (one commit must cover both). */
static int bulk_commit(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    size_t n;
    bool writes = false;
    uint32_t(*list)[2] = bulk_take(rt, txn_id, &n, &writes);
    if (!n) {
        free(list);
        return 0;
    }
    if (writes) {
        int rc = bulk_send(rt, txn_id, list, n, ORBIT__SHARD_OP__KIND__BULK_MATERIALIZE, NULL, err);
        free(list);
        return rc;
    }
    char **paths = calloc(2 * n, sizeof *paths);
    st_cf_t *cfs = calloc(2 * n, sizeof *cfs);
    if (!paths || !cfs) orb_panic("out of memory committing a bulk load");
    int rc = bulk_send(rt, txn_id, list, n, ORBIT__SHARD_OP__KIND__BULK_FINISH, paths, err);
    if (rc != 0) {
        orb_err_t e2;
        (void)bulk_send(rt, txn_id, list, n, ORBIT__SHARD_OP__KIND__BULK_ABORT, NULL, &e2);
    }
    size_t m = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        if (!paths[i]) continue;
        cfs[m] = i % 2 ? ST_CF_INDEX : ST_CF_ROWS;
        paths[m++] = paths[i];
    }
    /* rows and index entries of every shard in one atomic ingestion */
    if (rc == 0) rc = st_db_ingest(rt->db, cfs, (const char *const *)paths, m, err);
    free(cfs);
    for (size_t i = 0; i < m; i++) {
        unlink(paths[i]); /* moved into the db by a successful ingestion; else garbage */
        free(paths[i]);
    }
    free(paths);
    free(list);
    return rc;
}

int act_txn_statement_begin(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    if (bulk_materialize(rt, txn_id, err) != 0) return -1;
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return no_txn(txn_id, err);
    st_txn_statement_snapshot(e->st);
    st_txn_savepoint(e->st);
    act__txn_release(rt, e);
    return 0;
}

int act_txn_statement_end(act_runtime_t *rt, uint64_t txn_id, bool ok, orb_err_t *err) {
    if (!ok) bulk_abort(rt, txn_id); /* only this statement can have left file rows */
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return no_txn(txn_id, err);
    int rc = 0;
    if (ok)
        st_txn_pop_savepoint(e->st);
    else
        rc = st_txn_rollback_to_savepoint(e->st, err);
    act__txn_release(rt, e);
    return rc;
}

/* SQL savepoints: the session calls these between statements, so the statement savepoint
 * of act_txn_statement_begin/end is never live at the same time (see README,
 * "Transactions"). */
int act_txn_savepoint(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    if (bulk_materialize(rt, txn_id, err) != 0) return -1;
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return no_txn(txn_id, err);
    st_txn_savepoint(e->st);
    act__txn_release(rt, e);
    return 0;
}

/* Storage removes the savepoint it rolls back to (RocksDB semantics); SQL keeps it, so it
 * is set again at once. Row locks taken since the savepoint are released by RocksDB. */
int act_txn_rollback_to(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    if (bulk_materialize(rt, txn_id, err) != 0) return -1;
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return no_txn(txn_id, err);
    int rc = st_txn_rollback_to_savepoint(e->st, err);
    if (rc == 0) st_txn_savepoint(e->st);
    act__txn_release(rt, e);
    return rc;
}

int act_txn_release(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    if (bulk_materialize(rt, txn_id, err) != 0) return -1;
    act_txn_ent_t *e = act__txn_acquire(rt, txn_id);
    if (!e) return no_txn(txn_id, err);
    st_txn_pop_savepoint(e->st);
    act__txn_release(rt, e);
    return 0;
}

/* Removes the entry, waits for the request using it (if any) and detaches its st_txn. */
static st_txn_t *txn_detach(act_runtime_t *rt, uint64_t id) {
    act_txn_ent_t *e = ent_ref(rt, id, true);
    if (!e) return NULL;
    pthread_mutex_lock(&e->lock);
    st_txn_t *st = e->st;
    e->st = NULL;
    pthread_mutex_unlock(&e->lock);
    ent_unref(rt, e);
    return st;
}

static void ending_add(act_runtime_t *rt, struct act_txn_ending *x) {
    pthread_mutex_lock(&rt->txn_lock);
    x->next = rt->ending;
    rt->ending = x;
    pthread_mutex_unlock(&rt->txn_lock);
}

static void ending_remove(act_runtime_t *rt, struct act_txn_ending *x) {
    pthread_mutex_lock(&rt->txn_lock);
    struct act_txn_ending **pp = &rt->ending;
    while (*pp && *pp != x) pp = &(*pp)->next;
    if (*pp) *pp = x->next;
    pthread_mutex_unlock(&rt->txn_lock);
}

int act_txn_commit(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err) {
    if (bulk_commit(rt, txn_id, err) != 0) {
        act_txn_rollback(rt, txn_id);
        return -1;
    }
    struct act_txn_ending x = {.id = txn_id};
    ending_add(rt, &x);
    st_txn_t *st = txn_detach(rt, txn_id);
    int rc = st ? st_txn_commit(st, err) : no_txn(txn_id, err);
    ending_remove(rt, &x);
    return rc;
}

void act_txn_rollback(act_runtime_t *rt, uint64_t txn_id) {
    bulk_abort(rt, txn_id);
    struct act_txn_ending x = {.id = txn_id};
    ending_add(rt, &x);
    st_txn_t *st = txn_detach(rt, txn_id);
    if (st) st_txn_rollback(st);
    ending_remove(rt, &x);
}

void act__txn_registry_close(act_runtime_t *rt) {
    for (size_t b = 0; b < ACT_TXN_BUCKETS; b++) {
        while (rt->txn_buckets[b]) {
            uint64_t id = rt->txn_buckets[b]->id;
            orb_log(ORB_LOG_DEBUG, ACT_LOG, "rolling back open transaction at shutdown txn=%llu",
                    (unsigned long long)id);
            act_txn_rollback(rt, id);
        }
    }
}
