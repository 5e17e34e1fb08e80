/* sql/sql_size.c — pg_relation_size, pg_table_size, pg_indexes_size, pg_total_relation_size
 * and pg_database_size from RocksDB's estimates of the bytes a relation's keys take
 * (act_table_size / act_index_size: SST files and memtables, compressed as stored). A table's
 * rows are its main fork; its secondary index entries are its indexes. A primary key has no
 * structure of its own (the rows are kept in key order), so its index is 0 bytes; views and
 * sequences are 0 bytes; vector index files (faiss) are not counted. */
#include "sql_ddl_int.h"
#include "sql_pgcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SZ_MAIN, SZ_TABLE, SZ_INDEXES, SZ_TOTAL };

static int ret_size(int64_t n, sql_value_t *r) {
    r->isnull = false;
    r->v.i = n;
    return 0;
}

/* The size of relation oid in engine e: *found false when no relation has it. */
static int rel_size(sql_engine_t *e, int64_t oid, int kind, int64_t *out, bool *found,
                    orb_err_t *err) {
    *out = 0;
    *found = false;
    if (oid <= 0 || oid > UINT32_MAX) return 0;
    sql_table_t *t = sql_catalog_get_by_id(e, (uint32_t)oid);
    if (t) {
        *found = true;
        uint64_t rows = 0, ix = 0;
        int rc = t->view_sql ? 0 : act_table_size(e->rt, t->id, &rows, &ix, err);
        sql_table_release(t);
        if (rc != 0) return -1;
        *out = (int64_t)(kind == SZ_INDEXES ? ix : kind == SZ_TOTAL ? rows + ix : rows);
        return 0;
    }
    /* an index: the primary key's (no bytes of its own) or a secondary index's entries */
    pthread_rwlock_rdlock(&e->cat_lock);
    uint32_t tid = 0, nshards = 0, index_id = 0;
    for (int i = 0; i < e->ntables && !*found; i++) {
        sql_table_t *x = e->tables[i];
        if (!x->view_sql && oid == SQL_PGCAT_OID(x->id, SQL_PGCAT_PKEY_INDEX) && x->npk > 0) {
            *found = true;
            break;
        }
        for (int u = 0; u < x->nunique && !*found; u++) {
            if (x->uniques[u].oid != (uint32_t)oid) continue;
            *found = true;
            tid = x->id;
            nshards = x->nshards;
            index_id = x->uniques[u].index_id;
        }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    if (!*found) { /* a sequence: its value lives in the sequence actor, a few bytes */
        sql_seq_def_t *seqs;
        int ns;
        if (sql_sequence_list(e, NULL, &seqs, &ns, err) != 0) return -1;
        for (int i = 0; i < ns && !*found; i++) *found = seqs[i].id == (uint64_t)oid;
        free(seqs);
        return 0;
    }
    if (!tid || kind == SZ_INDEXES) return 0; /* an index has no indexes */
    uint64_t n;
    if (act_index_size(e->rt, tid, nshards, index_id, &n, err) != 0) return -1;
    *out = (int64_t)n;
    return 0;
}

static int size_fn(sql_fn_ctx_t *ctx, const sql_value_t *a, sql_value_t *r, int kind,
                   orb_err_t *err) {
    if (a[0].isnull) {
        r->isnull = true;
        return 0;
    }
    int64_t n;
    bool found;
    if (rel_size(sql_session_engine(ctx->session), a[0].v.i, kind, &n, &found, err) != 0) return -1;
    if (!found) { /* PostgreSQL: NULL for an oid no relation has */
        r->isnull = true;
        return 0;
    }
    return ret_size(n, r);
}

int sql_fn_relation_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err) {
    if (nargs == 2 && !a[1].isnull) {
        const char *f = a[1].v.s.p;
        size_t n = a[1].v.s.n;
        bool main_fork = n == 4 && memcmp(f, "main", 4) == 0;
        bool other = (n == 3 && (memcmp(f, "fsm", 3) == 0)) || (n == 2 && memcmp(f, "vm", 2) == 0) ||
                     (n == 4 && memcmp(f, "init", 4) == 0);
        if (!main_fork && !other) {
            orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid fork name");
            orb_err_hint(err, "Valid fork names are \"main\", \"fsm\", \"vm\", and \"init\".");
            return -1;
        }
        if (other) { /* Orbit keeps no free space map, visibility map or init fork */
            if (a[0].isnull) {
                r->isnull = true;
                return 0;
            }
            return ret_size(0, r);
        }
    }
    return size_fn(ctx, a, r, SZ_MAIN, err);
}

int sql_fn_table_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                      orb_err_t *err) {
    (void)nargs;
    return size_fn(ctx, a, r, SZ_TABLE, err);
}

int sql_fn_indexes_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                        orb_err_t *err) {
    (void)nargs;
    return size_fn(ctx, a, r, SZ_INDEXES, err);
}

int sql_fn_total_relation_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                               sql_value_t *r, orb_err_t *err) {
    (void)nargs;
    return size_fn(ctx, a, r, SZ_TOTAL, err);
}

/* ---- pg_database_size ------------------------------------------------------------------- */

typedef struct find_db {
    int64_t oid;
    char name[64];
} find_db_t;

static void find_cb(void *arg, const char *name, uint32_t oid, uint32_t owner, int32_t connlimit,
                    bool is_template, bool allow_conn) {
    (void)owner, (void)connlimit, (void)is_template, (void)allow_conn;
    find_db_t *f = arg;
    if (oid == f->oid) snprintf(f->name, sizeof f->name, "%s", name);
}

/* The sum of the total sizes of database name's tables. */
static int db_size(sql_session_t *s, const char *name, int64_t *out, orb_err_t *err) {
    sql_engine_t *cur = sql_session_engine(s), *e = cur;
    bool opened = false;
    if (strcmp(cur->db_name, name) != 0) {
        if (sql_database_peek(cur->root, name, &e, err) != 0) return -1;
        opened = true;
    }
    pthread_rwlock_rdlock(&e->cat_lock);
    int n = e->ntables;
    uint32_t *ids = calloc((size_t)n + 1, sizeof *ids);
    if (!ids) orb_panic("out of memory");
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!e->tables[i]->view_sql) ids[k++] = e->tables[i]->id;
    pthread_rwlock_unlock(&e->cat_lock);
    int rc = 0;
    *out = 0;
    for (int i = 0; i < k && rc == 0; i++) {
        uint64_t rows, ix;
        rc = act_table_size(e->rt, ids[i], &rows, &ix, err);
        *out += (int64_t)(rows + ix);
    }
    free(ids);
    if (opened) sql_database_release(e);
    return rc;
}

int sql_fn_database_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err, bool by_oid) {
    (void)nargs;
    if (a[0].isnull) {
        r->isnull = true;
        return 0;
    }
    char name[64];
    if (by_oid) {
        find_db_t f = {.oid = a[0].v.i};
        f.name[0] = 0;
        if (sql_database_list(sql_session_engine(ctx->session), find_cb, &f, err) != 0) return -1;
        if (!f.name[0]) { /* PostgreSQL: NULL for an oid no database has */
            r->isnull = true;
            return 0;
        }
        snprintf(name, sizeof name, "%s", f.name);
    } else {
        snprintf(name, sizeof name, "%.*s", (int)a[0].v.s.n, a[0].v.s.p);
    }
    int64_t n;
    if (db_size(ctx->session, name, &n, err) != 0) return -1;
    return ret_size(n, r);
}
