/* sql/sql_index.c — CREATE [UNIQUE] INDEX and DROP INDEX: the index definition in the table's
 * descriptor, and the backfill of entries for the rows already stored. A unique index keeps
 * one entry per key in the shard the key hashes to (uniqueness across shards); any other
 * index keeps (key columns, row key) next to each row, in the row's shard. Writes keep both
 * current (sql_exec.c); the planner uses them (sql_analyze.c sql_choose_path).
 * Entry points: sql_exec_create_index, sql_exec_drop_index. See README.md ("Indexes"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"
#include "sql_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool relation_name_taken(sql_engine_t *e, const char *schema, const char *name) {
    bool taken = false;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables && !taken; i++) {
        sql_table_t *t = e->tables[i];
        if (strcmp(t->schema, schema) != 0) continue;
        if (strcmp(t->name, name) == 0 || (t->pk_name[0] && strcmp(t->pk_name, name) == 0)) taken = true;
        for (int u = 0; u < t->nunique && !taken; u++) taken = strcmp(t->uniques[u].name, name) == 0;
    }
    pthread_rwlock_unlock(&e->cat_lock);
    return taken;
}

/* The table an index name belongs to (a new reference), and the index. */
static sql_table_t *index_owner(sql_engine_t *e, const char *schema, const char *name, int *which) {
    sql_table_t *found = NULL;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables && !found; i++) {
        sql_table_t *t = e->tables[i];
        if (schema && strcmp(t->schema, schema) != 0) continue;
        for (int u = 0; u < t->nunique; u++) {
            if (strcmp(t->uniques[u].name, name) == 0) {
                found = t;
                *which = u;
                atomic_fetch_add(&t->refs, 1);
                break;
            }
        }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    return found;
}

typedef struct backfill {
    sql_exec_ctx_t *xc;
    sql_wb_t *wb;
    const sql_table_t *t;
    const sql_unique_t *idx;
    orb_err_t *err;
} backfill_t;

static int backfill_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    backfill_t *b = arg;
    const sql_table_t *t = b->t;
    const sql_unique_t *u = b->idx;
    orb_mcx_t *mcx = b->xc->mcx;
    if (u->unique) {
        for (int i = 0; i < u->ncols; i++)
            if (row[u->cols[i]].isnull) return 0; /* NULLs are distinct */
        Orbit__Datum **uk = sql_pb_datums(mcx, u->ncols);
        for (int i = 0; i < u->ncols; i++) uk[i] = sql_pb_datum(mcx, t->cols[u->cols[i]].type, &row[u->cols[i]]);
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)uk, (size_t)u->ncols, t->nshards, &shard, b->err) != 0)
            return -1;
        Orbit__ShardOp *op = sql_wb_add(b->wb, shard, ORBIT__SHARD_OP__KIND__INSERT, u->index_id, uk, u->ncols);
        op->row = sql_pb_row_copy(mcx, key);
        op->conflict_name = u->name;
        sql_wb_note(b->wb, shard, row, u->cols, u->ncols);
    } else {
        Orbit__Datum **ik = sql_pb_datums(mcx, u->ncols + (int)key->n_cols);
        for (int i = 0; i < u->ncols; i++) ik[i] = sql_pb_datum(mcx, t->cols[u->cols[i]].type, &row[u->cols[i]]);
        Orbit__Row *kc = sql_pb_row_copy(mcx, key);
        for (size_t i = 0; i < kc->n_cols; i++) ik[u->ncols + (int)i] = kc->cols[i];
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)kc->cols, kc->n_cols, t->nshards, &shard, b->err) != 0)
            return -1;
        sql_wb_add(b->wb, shard, ORBIT__SHARD_OP__KIND__PUT, u->index_id, ik, u->ncols + (int)kc->n_cols);
    }
    if (b->wb->total >= 4096 && sql_wb_flush(b->wb, sql_session_rt(b->xc->sess), b->err) != 0) return -1;
    return 0;
}

/* Writes the entries of index u for every stored row, in its own transaction. */
static int backfill(sql_session_t *s, const sql_table_t *t, const sql_unique_t *u, orb_mcx_t *mcx,
                    orb_err_t *err) {
    act_runtime_t *rt = sql_session_rt(s);
    uint64_t txn;
    if (act_txn_begin(rt, ACT_READ_COMMITTED, &txn, err) != 0) return -1;
    if (act_txn_statement_begin(rt, txn, err) != 0) {
        act_txn_rollback(rt, txn);
        return -1;
    }
    sql_exec_ctx_t xc = {.sess = s, .mcx = mcx, .txn_id = txn};
    sql_wb_t wb;
    sql_wb_init(&wb, mcx, t, txn);
    backfill_t b = {.xc = &xc, .wb = &wb, .t = t, .idx = u, .err = err};
    sql_path_t all = {.access = SQL_ACCESS_FULL};
    int rc = sql_shard_scan(&xc, t, &all, 0, t->ncols, false, backfill_cb, &b, err);
    if (rc == 0) rc = sql_wb_flush(&wb, rt, err);
    if (rc != 0) {
        if (err->code == ORB_SQLSTATE_UNIQUE_VIOLATION) {
            /* PostgreSQL's wording for a failed unique build */
            char detail[ORB_ERR_DETAIL_MAX];
            snprintf(detail, sizeof detail, "%s", err->detail);
            char *p = strstr(detail, " already exists.");
            if (p) snprintf(p, sizeof detail - (size_t)(p - detail), " is duplicated.");
            orb_err_set(err, UNIQUE_VIOLATION, "could not create unique index \"%s\"", u->name);
            orb_err_detail(err, "%s", detail);
            snprintf(err->table, sizeof err->table, "%s", t->name);
            snprintf(err->constraint, sizeof err->constraint, "%s", u->name);
        }
        act_txn_rollback(rt, txn);
        return -1;
    }
    orb_err_t e2;
    if (act_txn_statement_end(rt, txn, true, &e2) != 0) {
        *err = e2;
        act_txn_rollback(rt, txn);
        return -1;
    }
    return act_txn_commit(rt, txn, err);
}

int sql_exec_create_index(sql_session_t *s, PgQuery__IndexStmt *is, orb_mcx_t *mcx, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    PgQuery__RangeVar *rv = is->relation;
    const char *am = is->access_method && is->access_method[0] ? is->access_method : "btree";
    bool vec = strcmp(am, "hnsw") == 0 || strcmp(am, "ivfflat") == 0;
    if (strcmp(am, "btree") != 0 && strcmp(am, "hash") != 0 && !vec) {
        if (strcmp(am, "gin") == 0 || strcmp(am, "gist") == 0 || strcmp(am, "brin") == 0 ||
            strcmp(am, "spgist") == 0)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "access method \"%s\" is not supported yet", am);
        return orb_err_set(err, UNDEFINED_OBJECT, "access method \"%s\" does not exist", am);
    }
    if (is->where_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "partial indexes are not supported yet");
    if (is->n_index_including_params)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "INCLUDE columns are not supported yet");
    sql_table_t *t = sql_catalog_resolve(s, rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL,
                                         rv->relname);
    if (!t) {
        return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
    }
    if (!t->view_sql && sql_acl_check_owner(s, t, NULL, NULL, err) != 0) {
        sql_table_release(t);
        return -1;
    }
    int rc = -1;
    int ncols = (int)is->n_index_params;
    int *cols = orb_alloc0(mcx, sizeof(int) * (size_t)(ncols + 1));
    if (t->view_sql) {
        orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", t->name);
        goto out;
    }
    for (int i = 0; i < ncols; i++) {
        PgQuery__IndexElem *ie = is->index_params[i]->index_elem;
        if (!ie->name || !ie->name[0]) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "indexes on expressions are not supported yet");
            goto out;
        }
        if (ie->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC || ie->n_opclass) {
            /* accepted: entries are kept ascending; DESC only changes scan direction */
        }
        int c = sql_table_column(t, ie->name);
        if (c < 0) {
            orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" does not exist", ie->name);
            goto out;
        }
        cols[i] = c;
    }
    /* PostgreSQL's default name: table_col1_col2_idx (made unique with a number) */
    char name[200];
    if (is->idxname && is->idxname[0]) {
        snprintf(name, sizeof name, "%s", is->idxname);
        if (relation_name_taken(e, t->schema, name)) {
            if (is->if_not_exists) {
                sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists, skipping", name);
                rc = 0;
                goto out;
            }
            orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", name);
            goto out;
        }
    } else {
        char base[160];
        int off = snprintf(base, sizeof base, "%s", t->name);
        for (int i = 0; i < ncols && off < (int)sizeof base; i++)
            off += snprintf(base + off, sizeof base - (size_t)off, "_%s", t->cols[cols[i]].name);
        snprintf(name, sizeof name, "%s_idx", base);
        for (int n = 1; relation_name_taken(e, t->schema, name); n++) snprintf(name, sizeof name, "%s_idx%d", base, n);
    }
    uint32_t index_id = 1;
    for (int u = 0; u < t->nunique; u++)
        if (t->uniques[u].index_id >= index_id) index_id = t->uniques[u].index_id + 1;
    /* the new definition: every write from now on keeps the index current */
    Orbit__TableDesc *d = sql_table_desc_copy(t->desc);
    Orbit__IndexDesc *x = malloc(sizeof *x);
    orbit__index_desc__init(x);
    x->index_id = index_id;
    x->name = strdup(name);
    x->unique = is->unique;
    x->n_columns = (size_t)ncols;
    x->columns = calloc((size_t)ncols + 1, sizeof(uint32_t));
    for (int i = 0; i < ncols; i++) x->columns[i] = (uint32_t)(t->phys ? t->phys[cols[i]] : cols[i]);
    if (vec && sql_vindex_define(t, is, am, cols[0], x, mcx, err) != 0) {
        orbit__index_desc__free_unpacked(x, NULL);
        orbit__table_desc__free_unpacked(d, NULL);
        goto out;
    }
    if (act_oid_next(sql_session_rt(s), &x->oid, err) != 0) {
        orbit__index_desc__free_unpacked(x, NULL);
        orbit__table_desc__free_unpacked(d, NULL);
        goto out;
    }
    d->indexes = realloc(d->indexes, sizeof *d->indexes * (d->n_indexes + 1));
    d->indexes[d->n_indexes++] = x;
    d->version = t->version + 1;
    rc = sql_catalog_replace_table(e, d, err);
    orbit__table_desc__free_unpacked(d, NULL);
    if (rc != 0) goto out;
    /* then the rows already stored */
    sql_table_t *nt = sql_catalog_get(e, t->schema, t->name);
    const sql_unique_t *u = NULL;
    for (int i = 0; nt && i < nt->nunique; i++)
        if (nt->uniques[i].index_id == index_id) u = &nt->uniques[i];
    if (!u) {
        rc = orb_err_set(err, INTERNAL_ERROR, "index \"%s\" vanished while it was built", name);
    } else if (u->vec_method ? sql_vindex_build(s, nt, u, mcx, err) != 0 : backfill(s, nt, u, mcx, err) != 0) {
        rc = -1;
        /* undo: the definition goes, and whatever entries were written */
        orb_err_t e2;
        Orbit__TableDesc *back = sql_table_desc_copy(nt->desc);
        size_t w = 0;
        for (size_t i = 0; i < back->n_indexes; i++) {
            if (back->indexes[i]->index_id == index_id) {
                orbit__index_desc__free_unpacked(back->indexes[i], NULL);
                continue;
            }
            back->indexes[w++] = back->indexes[i];
        }
        back->n_indexes = w;
        back->version = nt->version + 1;
        if (sql_catalog_replace_table(e, back, &e2) != 0)
            orb_log(ORB_LOG_WARN, "sql", "could not remove failed index %s: %s", name, e2.message);
        orbit__table_desc__free_unpacked(back, NULL);
        act_index_drop_data(sql_session_rt(s), nt->id, nt->nshards, index_id, &e2);
    }
    if (nt) sql_table_release(nt);
out:
    sql_table_release(t);
    return rc;
}

int sql_exec_drop_index(sql_session_t *s, PgQuery__DropStmt *ds, orb_mcx_t *mcx, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    for (size_t i = 0; i < ds->n_objects; i++) {
        PgQuery__List *l = ds->objects[i]->list;
        const char *name = sql_str_of(l->items[l->n_items - 1]);
        const char *schema = l->n_items > 1 ? sql_str_of(l->items[l->n_items - 2]) : NULL;
        int which = -1;
        sql_table_t *t = index_owner(e, schema, name, &which);
        if (!t) {
            if (ds->missing_ok) {
                sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "index \"%s\" does not exist, skipping", name);
                continue;
            }
            return orb_err_set(err, UNDEFINED_OBJECT, "index \"%s\" does not exist", name);
        }
        if (sql_acl_check_owner(s, t, "index", name, err) != 0) {
            sql_table_release(t);
            return -1;
        }
        const sql_unique_t *u = &t->uniques[which];
        /* an index that backs a UNIQUE constraint goes with the constraint */
        bool is_constraint = false;
        for (size_t k = 0; k < t->desc->n_indexes; k++)
            if (t->desc->indexes[k]->index_id == u->index_id) is_constraint = t->desc->indexes[k]->is_constraint;
        if (is_constraint && u->unique) {
            orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                        "cannot drop index %s because constraint %s on table %s requires it", name, name, t->name);
            orb_err_hint(err, "You can drop constraint %s on table %s instead.", name, t->name);
            sql_table_release(t);
            return -1;
        }
        uint32_t index_id = u->index_id;
        Orbit__TableDesc *d = sql_table_desc_copy(t->desc);
        size_t w = 0;
        for (size_t k = 0; k < d->n_indexes; k++) {
            if (d->indexes[k]->index_id == index_id) {
                orbit__index_desc__free_unpacked(d->indexes[k], NULL);
                continue;
            }
            d->indexes[w++] = d->indexes[k];
        }
        d->n_indexes = w;
        d->version = t->version + 1;
        int rc = sql_catalog_replace_table(e, d, err);
        orbit__table_desc__free_unpacked(d, NULL);
        if (rc == 0) rc = act_index_drop_data(sql_session_rt(s), t->id, t->nshards, index_id, err);
        if (rc == 0 && u->vec_method) rc = sql_vindex_drop(sql_session_rt(s), t, u, mcx, err);
        sql_table_release(t);
        if (rc != 0) return -1;
    }
    return 0;
}
