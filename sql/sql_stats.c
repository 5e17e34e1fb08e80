/* sql/sql_stats.c — statistics counters of one database (its engine): a map from (table id,
 * index) to an entry of atomic counters, found or added under the map's mutex (a leaf) and
 * then counted without it; the database's own counters beside it. Entry points:
 * sql_stats_count_scan (sql_shard.c, sql_exec.c), sql_stats_note_write + sql_stats_xact_end
 * (the executor and COPY note writes in the session, which applies them at commit or
 * rollback), sql_stats_note_maintenance (VACUUM/ANALYZE), the readers of sql_sysrel.c.
 * Invariant: an entry, once added, lives as long as the map (readers keep no lock). Nothing
 * is persisted: n_live_tup is recounted from the shards when unknown. See README.md
 * ("Statistics"). */
#include "sql_stats.h"

#include "sql_pgcat.h"
#include "sql_shard.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint64_t key; /* table id << 32 | (index id + 1); index part 0: the table itself */
    _Atomic int64_t seq_scan, seq_tup_read, idx_scan, idx_tup_read, idx_tup_fetch;
    _Atomic int64_t n_tup_ins, n_tup_upd, n_tup_del;
    _Atomic int64_t n_live_tup, n_mod_since_analyze, n_ins_since_vacuum;
    _Atomic int64_t vacuum_count, analyze_count, last_vacuum_us, last_analyze_us;
    _Atomic bool live_known;
} entry_t;

struct sql_stats {
    pthread_mutex_t mu; /* guards the slots (not the counters); a leaf */
    entry_t **slots;    /* open addressing, power of two */
    size_t cap, n;
    _Atomic int64_t xact_commit, xact_rollback;
    _Atomic int64_t tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted;
    _Atomic int64_t deadlocks, sessions;
    _Atomic int64_t stats_reset_us;
};

struct sql_stats_pend {
    uint32_t table_id;
    int64_t ins, upd, del; /* counted however the transaction ends */
    int64_t live, mod;     /* n_live_tup and n_mod_since_analyze if it commits */
    int64_t live_ins;      /* n_ins_since_vacuum if it commits */
};

struct sql_stats_snap {
    struct sql_stats_pend *v; /* malloc'd */
    int n;
};

sql_stats_t *sql_stats_create(void) {
    sql_stats_t *st = calloc(1, sizeof *st);
    if (!st) orb_panic("out of memory");
    pthread_mutex_init(&st->mu, NULL);
    st->cap = 64;
    st->slots = calloc(st->cap, sizeof *st->slots);
    if (!st->slots) orb_panic("out of memory");
    return st;
}

void sql_stats_destroy(sql_stats_t *st) {
    if (!st) return;
    for (size_t i = 0; i < st->cap; i++) free(st->slots[i]);
    free(st->slots);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

static uint64_t key_of(uint32_t table_id, int index_id) {
    return (uint64_t)table_id << 32 | (uint32_t)(index_id + 1);
}

static size_t hash_of(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

static entry_t **slot_locked(sql_stats_t *st, uint64_t k) {
    size_t m = st->cap - 1;
    for (size_t i = hash_of(k) & m;; i = (i + 1) & m)
        if (!st->slots[i] || st->slots[i]->key == k) return &st->slots[i];
}

/* The entry of (table_id, index_id); created when create, else NULL when absent. */
static entry_t *entry_get(sql_stats_t *st, uint32_t table_id, int index_id, bool create) {
    uint64_t k = key_of(table_id, index_id);
    pthread_mutex_lock(&st->mu);
    entry_t **sp = slot_locked(st, k);
    entry_t *e = *sp;
    if (!e && create) {
        if ((st->n + 1) * 2 > st->cap) { /* grow: keep the load under a half */
            size_t oc = st->cap;
            entry_t **old = st->slots;
            st->cap *= 2;
            st->slots = calloc(st->cap, sizeof *st->slots);
            if (!st->slots) orb_panic("out of memory");
            for (size_t i = 0; i < oc; i++)
                if (old[i]) *slot_locked(st, old[i]->key) = old[i];
            free(old);
            sp = slot_locked(st, k);
        }
        e = calloc(1, sizeof *e);
        if (!e) orb_panic("out of memory");
        e->key = k;
        *sp = e;
        st->n++;
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

void sql_stats_count_scan(sql_engine_t *e, uint32_t table_id, int index_id, int64_t rows) {
    sql_stats_t *st = e ? e->stats : NULL;
    if (!st || table_id == 0) return;
    entry_t *t = entry_get(st, table_id, -1, true);
    if (index_id < 0) {
        atomic_fetch_add(&t->seq_scan, 1);
        atomic_fetch_add(&t->seq_tup_read, rows);
        atomic_fetch_add(&st->tup_returned, rows);
        return;
    }
    /* an index scan: every entry it returned names a row that is fetched (no dead rows) */
    entry_t *ix = entry_get(st, table_id, index_id, true);
    atomic_fetch_add(&t->idx_scan, 1);
    atomic_fetch_add(&t->idx_tup_fetch, rows);
    atomic_fetch_add(&ix->idx_scan, 1);
    atomic_fetch_add(&ix->idx_tup_read, rows);
    atomic_fetch_add(&ix->idx_tup_fetch, rows);
    atomic_fetch_add(&st->tup_returned, rows);
    atomic_fetch_add(&st->tup_fetched, rows);
}

void sql_stats_note_session(sql_engine_t *e) { atomic_fetch_add(&e->stats->sessions, 1); }
void sql_stats_note_deadlock(sql_engine_t *e) { atomic_fetch_add(&e->stats->deadlocks, 1); }

void sql_stats_note_write(sql_stats_xact_t *x, uint32_t table_id, int64_t ins, int64_t upd,
                          int64_t del) {
    if (ins == 0 && upd == 0 && del == 0) return;
    struct sql_stats_pend *p = NULL;
    for (int i = 0; i < x->n && !p; i++)
        if (x->v[i].table_id == table_id) p = &x->v[i];
    if (!p) {
        if (x->n == x->cap) {
            int nc = x->cap ? x->cap * 2 : 4;
            struct sql_stats_pend *nv = realloc(x->v, (size_t)nc * sizeof *nv);
            if (!nv) orb_panic("out of memory");
            x->v = nv;
            x->cap = nc;
        }
        p = &x->v[x->n++];
        *p = (struct sql_stats_pend){.table_id = table_id};
    }
    p->ins += ins;
    p->upd += upd;
    p->del += del;
    p->live += ins - del;
    p->mod += ins + upd + del;
    p->live_ins += ins;
}

void sql_stats_xact_savepoint(sql_stats_xact_t *x) {
    if (x->nsnaps == x->capsnaps) {
        int nc = x->capsnaps ? x->capsnaps * 2 : 4;
        struct sql_stats_snap *ns = realloc(x->snaps, (size_t)nc * sizeof *ns);
        if (!ns) orb_panic("out of memory");
        x->snaps = ns;
        x->capsnaps = nc;
    }
    struct sql_stats_snap *sn = &x->snaps[x->nsnaps++];
    sn->n = x->n;
    sn->v = NULL;
    if (x->n) {
        sn->v = malloc((size_t)x->n * sizeof *sn->v);
        if (!sn->v) orb_panic("out of memory");
        memcpy(sn->v, x->v, (size_t)x->n * sizeof *sn->v);
    }
}

void sql_stats_xact_release(sql_stats_xact_t *x, int keep) {
    while (x->nsnaps > keep && x->nsnaps > 0) free(x->snaps[--x->nsnaps].v);
}

void sql_stats_xact_rollback_to(sql_stats_xact_t *x) {
    if (x->nsnaps == 0) return;
    const struct sql_stats_snap *sn = &x->snaps[x->nsnaps - 1];
    for (int i = 0; i < x->n; i++) {
        struct sql_stats_pend *p = &x->v[i];
        const struct sql_stats_pend *was = NULL;
        for (int k = 0; k < sn->n && !was; k++)
            if (sn->v[k].table_id == p->table_id) was = &sn->v[k];
        p->live = was ? was->live : 0;
        p->mod = was ? was->mod : 0;
        p->live_ins = was ? was->live_ins : 0;
    }
}

void sql_stats_xact_end(sql_engine_t *e, sql_stats_xact_t *x, bool commit) {
    sql_stats_t *st = e->stats;
    atomic_fetch_add(commit ? &st->xact_commit : &st->xact_rollback, 1);
    for (int i = 0; i < x->n; i++) {
        const struct sql_stats_pend *p = &x->v[i];
        entry_t *t = entry_get(st, p->table_id, -1, true);
        atomic_fetch_add(&t->n_tup_ins, p->ins);
        atomic_fetch_add(&t->n_tup_upd, p->upd);
        atomic_fetch_add(&t->n_tup_del, p->del);
        atomic_fetch_add(&st->tup_inserted, p->ins);
        atomic_fetch_add(&st->tup_updated, p->upd);
        atomic_fetch_add(&st->tup_deleted, p->del);
        if (!commit) continue;
        atomic_fetch_add(&t->n_live_tup, p->live);
        atomic_fetch_add(&t->n_mod_since_analyze, p->mod);
        atomic_fetch_add(&t->n_ins_since_vacuum, p->live_ins);
    }
    x->n = 0;
    sql_stats_xact_release(x, 0);
}

void sql_stats_xact_free(sql_stats_xact_t *x) {
    sql_stats_xact_release(x, 0);
    free(x->snaps);
    free(x->v);
    memset(x, 0, sizeof *x);
}

void sql_stats_set_live(sql_engine_t *e, uint32_t table_id, int64_t live) {
    entry_t *t = entry_get(e->stats, table_id, -1, true);
    atomic_store(&t->live_known, false); /* a reader counting meanwhile cannot win over us */
    atomic_store(&t->n_live_tup, live < 0 ? 0 : live);
    if (live >= 0) atomic_store(&t->live_known, true);
}

void sql_stats_note_maintenance(sql_engine_t *e, uint32_t table_id, bool vacuum, bool analyze,
                                int64_t live) {
    entry_t *t = entry_get(e->stats, table_id, -1, true);
    int64_t now = sql_now_us();
    if (vacuum) {
        atomic_store(&t->last_vacuum_us, now);
        atomic_fetch_add(&t->vacuum_count, 1);
        atomic_store(&t->n_ins_since_vacuum, 0);
    }
    if (analyze) {
        atomic_store(&t->last_analyze_us, now);
        atomic_fetch_add(&t->analyze_count, 1);
        atomic_store(&t->n_mod_since_analyze, 0);
    }
    if (live >= 0) sql_stats_set_live(e, table_id, live);
}

int sql_stats_count_rows(act_runtime_t *rt, const sql_table_t *t, int64_t *out, orb_err_t *err) {
    *out = 0;
    if (t->view_sql || t->sys) return 0;
    /* an aggregating scan without groups or aggregates: each shard folds its rows into
     * nothing and reports how many it read (OpResult.count) */
    Orbit__AggSpec spec = ORBIT__AGG_SPEC__INIT;
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__SCAN;
    op.agg = &spec;
    Orbit__ShardOp *ops[1] = {&op};
    act_call_t **calls = calloc((size_t)t->nshards + 1, sizeof *calls);
    if (!calls) orb_panic("out of memory");
    for (uint32_t s = 0; s < t->nshards; s++) {
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = 0; /* a read of the latest committed state */
        req.table_id = t->id;
        req.shard = s;
        req.schema_version = t->version;
        req.n_ops = 1;
        req.ops = ops;
        calls[s] = act_call_post(rt, ACT_TABLE_SHARD, &req);
    }
    int rc = 0;
    for (uint32_t s = 0; s < t->nshards; s++) {
        Orbit__ShardReply *reply = sql_shard_gather(calls[s], &rc, err);
        if (reply && rc == 0 && reply->n_results == 1) *out += (int64_t)reply->results[0]->count;
        act_call_free(calls[s]);
    }
    free(calls);
    return rc;
}

static void copy_entry(const entry_t *t, sql_stat_rel_t *o) {
    o->seq_scan = atomic_load(&t->seq_scan);
    o->seq_tup_read = atomic_load(&t->seq_tup_read);
    o->idx_scan = atomic_load(&t->idx_scan);
    o->idx_tup_read = atomic_load(&t->idx_tup_read);
    o->idx_tup_fetch = atomic_load(&t->idx_tup_fetch);
    o->n_tup_ins = atomic_load(&t->n_tup_ins);
    o->n_tup_upd = atomic_load(&t->n_tup_upd);
    o->n_tup_del = atomic_load(&t->n_tup_del);
    o->n_live_tup = atomic_load(&t->n_live_tup);
    o->n_mod_since_analyze = atomic_load(&t->n_mod_since_analyze);
    o->n_ins_since_vacuum = atomic_load(&t->n_ins_since_vacuum);
    o->vacuum_count = atomic_load(&t->vacuum_count);
    o->analyze_count = atomic_load(&t->analyze_count);
    o->last_vacuum_us = atomic_load(&t->last_vacuum_us);
    o->last_analyze_us = atomic_load(&t->last_analyze_us);
    o->live_known = atomic_load(&t->live_known);
}

void sql_stats_rel_get(sql_engine_t *e, uint32_t table_id, int index_id, sql_stat_rel_t *out) {
    memset(out, 0, sizeof *out);
    entry_t *t = entry_get(e->stats, table_id, index_id, false);
    if (t) copy_entry(t, out);
    if (out->n_live_tup < 0) out->n_live_tup = 0; /* deletes of rows counted before a reset */
}

void sql_stats_db_get(sql_engine_t *e, sql_stat_db_t *out) {
    sql_stats_t *st = e->stats;
    out->xact_commit = atomic_load(&st->xact_commit);
    out->xact_rollback = atomic_load(&st->xact_rollback);
    out->tup_returned = atomic_load(&st->tup_returned);
    out->tup_fetched = atomic_load(&st->tup_fetched);
    out->tup_inserted = atomic_load(&st->tup_inserted);
    out->tup_updated = atomic_load(&st->tup_updated);
    out->tup_deleted = atomic_load(&st->tup_deleted);
    out->deadlocks = atomic_load(&st->deadlocks);
    out->sessions = atomic_load(&st->sessions);
    out->stats_reset_us = atomic_load(&st->stats_reset_us);
}

static void zero_entry(entry_t *t) {
    _Atomic int64_t *f[] = {&t->seq_scan, &t->seq_tup_read, &t->idx_scan, &t->idx_tup_read,
                            &t->idx_tup_fetch, &t->n_tup_ins, &t->n_tup_upd, &t->n_tup_del,
                            &t->n_mod_since_analyze, &t->n_ins_since_vacuum, &t->vacuum_count,
                            &t->analyze_count, &t->last_vacuum_us, &t->last_analyze_us};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) atomic_store(f[i], 0);
    /* unlike PostgreSQL (which reads 0 until the next VACUUM or ANALYZE), the live rows are
     * recounted when next read */
    atomic_store(&t->live_known, false);
}

void sql_stats_reset(sql_engine_t *e, uint32_t table_id) {
    sql_stats_t *st = e->stats;
    pthread_mutex_lock(&st->mu);
    for (size_t i = 0; i < st->cap; i++) {
        entry_t *t = st->slots[i];
        if (t && (table_id == 0 || (uint32_t)(t->key >> 32) == table_id)) zero_entry(t);
    }
    pthread_mutex_unlock(&st->mu);
    if (table_id == 0) {
        _Atomic int64_t *f[] = {&st->xact_commit, &st->xact_rollback, &st->tup_returned,
                                &st->tup_fetched, &st->tup_inserted, &st->tup_updated,
                                &st->tup_deleted, &st->deadlocks, &st->sessions};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) atomic_store(f[i], 0);
    }
    atomic_store(&st->stats_reset_us, sql_now_us());
}

/* ---- pg_stat_reset() and pg_stat_reset_single_table_counters(oid) ---------------------------- */

/* PostgreSQL 15 revokes both from PUBLIC: superusers only (no GRANT EXECUTE here) */
static int reset_fn(sql_fn_ctx_t *ctx, const char *name, uint32_t table_id, sql_value_t *r,
                    orb_err_t *err) {
    sql_session_t *s = ctx->session;
    if (!s) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "%s needs a session", name);
    if (!sql_session_is_superuser(s))
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for function %s", name);
    sql_stats_reset(sql_session_engine(s), table_id);
    r->isnull = false;
    r->v.s.p = "";
    r->v.s.n = 0;
    return 0;
}

int sql__fn_pg_stat_reset(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                          orb_err_t *err) {
    (void)a;
    (void)nargs;
    return reset_fn(ctx, "pg_stat_reset", 0, r, err);
}

int sql__fn_pg_stat_reset_single_table_counters(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                                sql_value_t *r, orb_err_t *err) {
    (void)nargs;
    if (a[0].v.i == 0) { /* no table has oid 0; PostgreSQL resets nothing either */
        r->isnull = false;
        r->v.s.p = "";
        r->v.s.n = 0;
        return 0;
    }
    return reset_fn(ctx, "pg_stat_reset_single_table_counters", (uint32_t)a[0].v.i, r, err);
}

/* pg_stat_force_next_flush() and pg_stat_clear_snapshot(): Orbit's counters are shared and
 * read as they are (no backend-local pending counts, no snapshot), so there is nothing to do */
int sql__fn_pg_stat_noop(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err) {
    (void)ctx;
    (void)a;
    (void)nargs;
    (void)err;
    r->isnull = false;
    r->v.s.p = "";
    r->v.s.n = 0;
    return 0;
}

/* ---- pg_stat_get_*(oid): the functions PostgreSQL's views are built on --------------------- */

/* The relation oid names in e: a table (*index_id -1) or an index of one; a new reference to
 * the table in *out, NULL when oid is neither. */
static sql_table_t *rel_of_oid(sql_engine_t *e, uint32_t oid, int *index_id) {
    sql_table_t *found = NULL;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables && !found; i++) {
        sql_table_t *t = e->tables[i];
        if (t->view_sql) continue;
        if (t->id == oid) {
            *index_id = -1;
            found = t;
        } else if (t->desc->n_pk_columns > 0 && SQL_PGCAT_OID(t->id, SQL_PGCAT_PKEY_INDEX) == oid) {
            *index_id = 0;
            found = t;
        }
        for (int u = 0; u < t->nunique && !found; u++) {
            if (t->uniques[u].oid == oid) {
                *index_id = (int)t->uniques[u].index_id;
                found = t;
            }
        }
    }
    if (found) atomic_fetch_add(&found->refs, 1);
    pthread_rwlock_unlock(&e->cat_lock);
    return found;
}

enum {
    GET_NUMSCANS, GET_RETURNED, GET_FETCHED, GET_INSERTED, GET_UPDATED, GET_DELETED,
    GET_HOT_UPDATED, GET_LIVE, GET_DEAD, GET_MOD_SINCE_ANALYZE, GET_INS_SINCE_VACUUM,
    GET_VACUUM_COUNT, GET_ANALYZE_COUNT, GET_AUTOVACUUM_COUNT, GET_AUTOANALYZE_COUNT,
    GET_LAST_VACUUM, GET_LAST_ANALYZE, GET_LAST_AUTOVACUUM, GET_LAST_AUTOANALYZE,
};

static int stat_get(sql_fn_ctx_t *ctx, const sql_value_t *a, sql_value_t *r, int what,
                    orb_err_t *err) {
    sql_session_t *s = ctx->session;
    r->isnull = false;
    r->v.i = 0; /* PostgreSQL: 0 (NULL for times) for an oid it has no counts of */
    if (!s) return 0;
    sql_engine_t *e = sql_session_engine(s);
    int index_id = -1;
    sql_table_t *t = rel_of_oid(e, (uint32_t)a[0].v.i, &index_id);
    sql_stat_rel_t st;
    memset(&st, 0, sizeof st);
    int rc = 0;
    if (t) {
        sql_stats_rel_get(e, t->id, index_id, &st);
        if (what == GET_LIVE && index_id < 0 && !st.live_known) {
            rc = sql_stats_count_rows(e->rt, t, &st.n_live_tup, err);
            if (rc == 0) sql_stats_set_live(e, t->id, st.n_live_tup);
        }
        sql_table_release(t);
    }
    bool table = index_id < 0;
    switch (what) {
    case GET_NUMSCANS: r->v.i = table ? st.seq_scan : st.idx_scan; break;
    case GET_RETURNED: r->v.i = table ? st.seq_tup_read : st.idx_tup_read; break;
    case GET_FETCHED: r->v.i = table ? 0 : st.idx_tup_fetch; break; /* heap fetches: the indexes' */
    case GET_INSERTED: r->v.i = table ? st.n_tup_ins : 0; break;
    case GET_UPDATED: r->v.i = table ? st.n_tup_upd : 0; break;
    case GET_DELETED: r->v.i = table ? st.n_tup_del : 0; break;
    case GET_LIVE: r->v.i = table ? st.n_live_tup : 0; break;
    case GET_MOD_SINCE_ANALYZE: r->v.i = table ? st.n_mod_since_analyze : 0; break;
    case GET_INS_SINCE_VACUUM: r->v.i = table ? st.n_ins_since_vacuum : 0; break;
    case GET_VACUUM_COUNT: r->v.i = table ? st.vacuum_count : 0; break;
    case GET_ANALYZE_COUNT: r->v.i = table ? st.analyze_count : 0; break;
    case GET_LAST_VACUUM:
    case GET_LAST_ANALYZE: {
        int64_t us = what == GET_LAST_VACUUM ? st.last_vacuum_us : st.last_analyze_us;
        r->isnull = !table || us == 0;
        r->v.i = us;
        break;
    }
    case GET_LAST_AUTOVACUUM:
    case GET_LAST_AUTOANALYZE: r->isnull = true; break; /* no autovacuum */
    default: break; /* hot updates, dead rows, autovacuum counts: none */
    }
    return rc;
}

enum {
    GET_DB_NUMBACKENDS, GET_DB_XACT_COMMIT, GET_DB_XACT_ROLLBACK, GET_DB_RETURNED, GET_DB_FETCHED,
    GET_DB_INSERTED, GET_DB_UPDATED, GET_DB_DELETED, GET_DB_DEADLOCKS, GET_DB_SESSIONS,
    GET_DB_STAT_RESET,
};

static int stat_get_db(sql_fn_ctx_t *ctx, const sql_value_t *a, sql_value_t *r, int what) {
    sql_session_t *s = ctx->session;
    sql_stat_db_t d;
    memset(&d, 0, sizeof d);
    int nb = s ? sql_database_stats(sql_session_engine(s), (uint32_t)a[0].v.i, &d) : 0;
    int64_t v[] = {nb,           d.xact_commit,  d.xact_rollback, d.tup_returned,
                   d.tup_fetched, d.tup_inserted, d.tup_updated,   d.tup_deleted,
                   d.deadlocks,  d.sessions,     d.stats_reset_us};
    r->isnull = what == GET_DB_STAT_RESET && d.stats_reset_us == 0;
    r->v.i = v[what];
    return 0;
}

#define STAT_GET(fname, what)                                                                   \
    int sql__fn_##fname(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,     \
                        orb_err_t *err) {                                                       \
        (void)nargs;                                                                            \
        return stat_get(ctx, a, r, what, err);                                                  \
    }
#define STAT_GET_DB(fname, what)                                                                \
    int sql__fn_##fname(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,     \
                        orb_err_t *err) {                                                       \
        (void)nargs;                                                                            \
        (void)err;                                                                              \
        return stat_get_db(ctx, a, r, what);                                                    \
    }
STAT_GET(pg_stat_get_numscans, GET_NUMSCANS)
STAT_GET(pg_stat_get_tuples_returned, GET_RETURNED)
STAT_GET(pg_stat_get_tuples_fetched, GET_FETCHED)
STAT_GET(pg_stat_get_tuples_inserted, GET_INSERTED)
STAT_GET(pg_stat_get_tuples_updated, GET_UPDATED)
STAT_GET(pg_stat_get_tuples_deleted, GET_DELETED)
STAT_GET(pg_stat_get_tuples_hot_updated, GET_HOT_UPDATED)
STAT_GET(pg_stat_get_live_tuples, GET_LIVE)
STAT_GET(pg_stat_get_dead_tuples, GET_DEAD)
STAT_GET(pg_stat_get_mod_since_analyze, GET_MOD_SINCE_ANALYZE)
STAT_GET(pg_stat_get_ins_since_vacuum, GET_INS_SINCE_VACUUM)
STAT_GET(pg_stat_get_vacuum_count, GET_VACUUM_COUNT)
STAT_GET(pg_stat_get_analyze_count, GET_ANALYZE_COUNT)
STAT_GET(pg_stat_get_autovacuum_count, GET_AUTOVACUUM_COUNT)
STAT_GET(pg_stat_get_autoanalyze_count, GET_AUTOANALYZE_COUNT)
STAT_GET(pg_stat_get_last_vacuum_time, GET_LAST_VACUUM)
STAT_GET(pg_stat_get_last_analyze_time, GET_LAST_ANALYZE)
STAT_GET(pg_stat_get_last_autovacuum_time, GET_LAST_AUTOVACUUM)
STAT_GET(pg_stat_get_last_autoanalyze_time, GET_LAST_AUTOANALYZE)
STAT_GET_DB(pg_stat_get_db_numbackends, GET_DB_NUMBACKENDS)
STAT_GET_DB(pg_stat_get_db_xact_commit, GET_DB_XACT_COMMIT)
STAT_GET_DB(pg_stat_get_db_xact_rollback, GET_DB_XACT_ROLLBACK)
STAT_GET_DB(pg_stat_get_db_tuples_returned, GET_DB_RETURNED)
STAT_GET_DB(pg_stat_get_db_tuples_fetched, GET_DB_FETCHED)
STAT_GET_DB(pg_stat_get_db_tuples_inserted, GET_DB_INSERTED)
STAT_GET_DB(pg_stat_get_db_tuples_updated, GET_DB_UPDATED)
STAT_GET_DB(pg_stat_get_db_tuples_deleted, GET_DB_DELETED)
STAT_GET_DB(pg_stat_get_db_deadlocks, GET_DB_DEADLOCKS)
STAT_GET_DB(pg_stat_get_db_sessions, GET_DB_SESSIONS)
STAT_GET_DB(pg_stat_get_db_stat_reset_time, GET_DB_STAT_RESET)
