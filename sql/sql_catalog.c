/* sql/sql_catalog.c — the catalog cache: table definitions loaded from the catalog actor at
 * startup, created and dropped by DDL. Entry points: sql_catalog_get/create_table/
 * drop_table/load. Invariant: the cache and the catalog column family agree whenever
 * cat_lock is free (DDL persists first, then updates the cache under the write lock).
 * See README.md ("Catalog"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) orb_panic("out of memory");
    return p;
}

sql_table_t *sql_table_from_desc(Orbit__TableDesc *d) {
    sql_table_t *t = calloc(1, sizeof *t);
    if (!t) orb_panic("out of memory");
    atomic_init(&t->refs, 1);
    t->desc = d;
    t->id = d->table_id;
    t->name = xstrdup(d->name);
    t->schema = xstrdup(d->schema[0] ? d->schema : "public");
    t->nshards = d->nshards ? d->nshards : 1;
    t->version = d->version;
    t->view_sql = d->view_sql && d->view_sql[0] ? d->view_sql : NULL;
    /* dropped columns stay in the descriptor (rows keep their slots) but are not columns of
     * the table: cols lists the live ones, phys maps them to their stored positions */
    t->nphys = (int)d->n_columns;
    t->phys = calloc((size_t)t->nphys + 1, sizeof(int));
    int *live_of = calloc((size_t)t->nphys + 1, sizeof(int)); /* stored -> live position */
    if (!t->phys || !live_of) orb_panic("out of memory");
    t->cols = calloc((size_t)t->nphys + 1, sizeof *t->cols);
    if (!t->cols) orb_panic("out of memory");
    t->ncols = 0;
    for (int p = 0; p < t->nphys; p++) {
        Orbit__ColumnDesc *c = d->columns[p];
        if (c->dropped) {
            live_of[p] = -1;
            continue;
        }
        int i = t->ncols++;
        live_of[p] = i;
        t->phys[i] = p;
        sql_column_def_t *cd = &t->cols[i];
        cd->name = xstrdup(c->name);
        cd->type = c->type_oid;
        cd->typmod = c->typmod;
        cd->not_null = c->not_null;
        cd->has_default = c->has_default;
        cd->default_sql = c->has_default ? xstrdup(c->default_expr) : NULL;
        cd->identity = (char)c->identity;
        cd->seq_id = c->seq_id;
        cd->missing = c->missing;
    }
    t->npk = (int)d->n_pk_columns;
    t->pk = calloc((size_t)t->npk + 1, sizeof(int));
    for (int i = 0; i < t->npk; i++) {
        uint32_t p = d->pk_columns[i];
        t->pk[i] = p < (uint32_t)t->nphys && live_of[p] >= 0 ? live_of[p] : 0;
    }
    t->pk_name = xstrdup(d->pk_name[0] ? d->pk_name : "");
    t->rowid_seq = d->rowid_seq;
    t->nunique = (int)d->n_indexes;
    t->uniques = calloc((size_t)t->nunique + 1, sizeof *t->uniques);
    for (int i = 0; i < t->nunique; i++) {
        Orbit__IndexDesc *x = d->indexes[i];
        sql_unique_t *u = &t->uniques[i];
        u->index_id = x->index_id;
        u->name = xstrdup(x->name);
        u->ncols = (int)x->n_columns;
        u->cols = calloc((size_t)u->ncols + 1, sizeof(int));
        u->unique = x->unique; /* non-unique: a local index next to the rows (sql_index.c) */
        u->oid = x->oid;
        if (x->method && (strcmp(x->method, "hnsw") == 0 || strcmp(x->method, "ivfflat") == 0)) {
            u->vec_method = strcmp(x->method, "hnsw") == 0 ? 1 : 2;
            u->vec_metric = sql_vec_opclass_metric(x->opclass);
            u->vec_m = x->m;
            u->vec_ef_construction = x->ef_construction;
            u->vec_lists = x->lists;
        }
        for (int k = 0; k < u->ncols; k++) {
            uint32_t p = x->columns[k];
            u->cols[k] = p < (uint32_t)t->nphys && live_of[p] >= 0 ? live_of[p] : 0;
        }
    }
    t->nchecks = (int)d->n_checks;
    t->checks = (const Orbit__CheckDesc *const *)d->checks;
    t->nfks = (int)d->n_fks;
    t->fks = (const Orbit__ForeignKeyDesc *const *)d->fks;
    t->fk_cols = calloc((size_t)t->nfks + 1, sizeof *t->fk_cols);
    for (int i = 0; i < t->nfks; i++) {
        const Orbit__ForeignKeyDesc *fk = d->fks[i];
        t->fk_cols[i] = calloc(fk->n_columns + 1, sizeof(int));
        for (size_t k = 0; k < fk->n_columns; k++) {
            uint32_t p = fk->columns[k];
            t->fk_cols[i][k] = p < (uint32_t)t->nphys && live_of[p] >= 0 ? live_of[p] : 0;
        }
    }
    free(live_of);
    return t;
}

static void table_free(sql_table_t *t) {
    for (int i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].default_sql);
    }
    free(t->cols);
    free(t->phys);
    free(t->pk);
    for (int i = 0; i < t->nunique; i++) {
        free(t->uniques[i].name);
        free(t->uniques[i].cols);
    }
    free(t->uniques);
    for (int i = 0; i < t->nfks; i++) free(t->fk_cols[i]);
    free(t->fk_cols);
    free(t->pk_name);
    free(t->name);
    free(t->schema);
    orbit__table_desc__free_unpacked(t->desc, NULL);
    free(t);
}

void sql_table_release(sql_table_t *t) {
    if (t && atomic_fetch_sub(&t->refs, 1) == 1) table_free(t);
}

int sql_table_column(const sql_table_t *t, const char *name) {
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0) return i;
    return -1;
}

Orbit__TableDesc *sql_table_desc_copy(const Orbit__TableDesc *desc) {
    size_t n = orbit__table_desc__get_packed_size(desc);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) orb_panic("out of memory");
    orbit__table_desc__pack(desc, buf);
    Orbit__TableDesc *copy = orbit__table_desc__unpack(NULL, n, buf);
    free(buf);
    if (!copy) orb_panic("out of memory");
    return copy;
}

static int find_locked(sql_engine_t *e, const char *schema, const char *name) {
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *t = e->tables[i];
        if (strcmp(t->name, name) == 0 && strcmp(t->schema, schema) == 0) return i;
    }
    return -1;
}

sql_table_t *sql_catalog_get(sql_engine_t *e, const char *schema, const char *name) {
    if (!schema) schema = "public";
    pthread_rwlock_rdlock(&e->cat_lock);
    int i = find_locked(e, schema, name);
    sql_table_t *t = NULL;
    if (i >= 0) {
        t = e->tables[i];
        atomic_fetch_add(&t->refs, 1);
    }
    pthread_rwlock_unlock(&e->cat_lock);
    return t;
}

sql_table_t *sql_catalog_get_by_id(sql_engine_t *e, uint32_t id) {
    pthread_rwlock_rdlock(&e->cat_lock);
    sql_table_t *t = NULL;
    for (int i = 0; i < e->ntables && !t; i++)
        if (e->tables[i]->id == id) {
            t = e->tables[i];
            atomic_fetch_add(&t->refs, 1);
        }
    pthread_rwlock_unlock(&e->cat_lock);
    return t;
}

static void add_locked(sql_engine_t *e, sql_table_t *t) {
    if (e->ntables == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->tables = realloc(e->tables, (size_t)e->cap * sizeof *e->tables);
        if (!e->tables) orb_panic("out of memory");
    }
    e->tables[e->ntables++] = t;
}

/* The catalog key of a table record: ("table", id). */
static void table_key(Orbit__Datum *kd, Orbit__Datum **kp, uint32_t id) {
    static const char tag[] = "table";
    orbit__datum__init(&kd[0]);
    kd[0].v_case = ORBIT__DATUM__V_S;
    kd[0].s.data = (uint8_t *)tag;
    kd[0].s.len = sizeof tag - 1;
    orbit__datum__init(&kd[1]);
    kd[1].v_case = ORBIT__DATUM__V_I;
    kd[1].i = id;
    kp[0] = &kd[0];
    kp[1] = &kd[1];
}

static int catalog_write(sql_engine_t *e, Orbit__ShardOp__Kind kind, uint32_t id,
                         const Orbit__TableDesc *desc, orb_err_t *err) {
    Orbit__Datum kd[2], *kp[2];
    table_key(kd, kp, id);
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = kind;
    op.n_key = 2;
    op.key = kp;
    Orbit__Row row = ORBIT__ROW__INIT;
    Orbit__Datum vd = ORBIT__DATUM__INIT, *vp[1] = {&vd};
    uint8_t *packed = NULL;
    if (desc) {
        size_t n = orbit__table_desc__get_packed_size(desc);
        packed = malloc(n ? n : 1);
        if (!packed) orb_panic("out of memory");
        orbit__table_desc__pack(desc, packed);
        vd.v_case = ORBIT__DATUM__V_BIN;
        vd.bin.data = packed;
        vd.bin.len = n;
        row.n_cols = 1;
        row.cols = vp;
        op.row = &row;
    }
    Orbit__ShardOp *ops[1] = {&op};
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.catalog = true;
    req.table_id = e->cat_id; /* the database's catalog key space */
    req.n_ops = 1;
    req.ops = ops;
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    int rc = act_call(e->rt, ACT_CATALOG, &req, &call, &reply, err);
    act_call_free(call);
    free(packed);
    return rc;
}

int sql_catalog_load(sql_engine_t *e, orb_err_t *err) {
    static const char tag[] = "table";
    Orbit__Datum bd = ORBIT__DATUM__INIT, *bp[1] = {&bd};
    bd.v_case = ORBIT__DATUM__V_S;
    bd.s.data = (uint8_t *)tag;
    bd.s.len = sizeof tag - 1;
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__SCAN;
    op.n_lower = 1;
    op.lower = bp;
    op.lower_incl = true;
    op.n_upper = 1;
    op.upper = bp;
    op.upper_incl = true;
    Orbit__ShardOp *ops[1] = {&op};
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.catalog = true;
    req.table_id = e->cat_id; /* the database's catalog key space */
    req.n_ops = 1;
    req.ops = ops;
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    if (act_call(e->rt, ACT_CATALOG, &req, &call, &reply, err) != 0) {
        act_call_free(call);
        return -1;
    }
    int rc = 0;
    if (reply->n_results == 1) {
        Orbit__OpResult *r = reply->results[0];
        pthread_rwlock_wrlock(&e->cat_lock);
        for (size_t i = 0; i < r->n_rows; i++) {
            Orbit__Row *row = r->rows[i];
            if (row->n_cols < 1 || row->cols[0]->v_case != ORBIT__DATUM__V_BIN) continue;
            Orbit__TableDesc *d = orbit__table_desc__unpack(NULL, row->cols[0]->bin.len,
                                                            row->cols[0]->bin.data);
            if (!d) {
                rc = orb_err_set(err, DATA_CORRUPTED, "corrupt table record in the catalog");
                break;
            }
            add_locked(e, sql_table_from_desc(d));
        }
        pthread_rwlock_unlock(&e->cat_lock);
    }
    act_call_free(call);
    if (rc == 0) orb_log(ORB_LOG_INFO, "sql", "catalog loaded tables=%d", e->ntables);
    return rc;
}

int sql_catalog_create_table(sql_engine_t *e, Orbit__TableDesc *desc, bool if_not_exists,
                             bool *existed, orb_err_t *err) {
    *existed = false;
    pthread_rwlock_wrlock(&e->cat_lock);
    if (find_locked(e, desc->schema, desc->name) >= 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        if (if_not_exists) {
            *existed = true;
            return 0;
        }
        return orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", desc->name);
    }
    if (catalog_write(e, ORBIT__SHARD_OP__KIND__PUT, desc->table_id, desc, err) != 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        return -1;
    }
    /* the cache keeps its own copy of the descriptor */
    add_locked(e, sql_table_from_desc(sql_table_desc_copy(desc)));
    pthread_rwlock_unlock(&e->cat_lock);
    return 0;
}

int sql_catalog_drop_table(sql_engine_t *e, const char *schema, const char *name,
                           orb_err_t *err) {
    pthread_rwlock_wrlock(&e->cat_lock);
    int i = find_locked(e, schema ? schema : "public", name);
    if (i < 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        return orb_err_set(err, UNDEFINED_TABLE, "table \"%s\" does not exist", name);
    }
    sql_table_t *t = e->tables[i];
    if (catalog_write(e, ORBIT__SHARD_OP__KIND__DELETE, t->id, NULL, err) != 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        return -1;
    }
    e->tables[i] = e->tables[--e->ntables];
    pthread_rwlock_unlock(&e->cat_lock);
    /* rows go after the record: a crash in between leaves unreachable rows, never a table
     * without its rows (table ids are never reused). */
    if (!t->view_sql && (sql_vindex_forget_all(e->rt, t, err) != 0 || act_table_drop_data(e->rt, t->id, err) != 0))
        orb_log(ORB_LOG_WARN, "sql", "could not remove rows of dropped table id=%u: %s", t->id,
                err->message);
    for (int c = 0; c < t->ncols; c++)
        if (t->cols[c].seq_id) act_seq_drop(e->rt, t->cols[c].seq_id);
    if (t->rowid_seq) act_seq_drop(e->rt, t->rowid_seq);
    sql_table_release(t);
    return 0;
}

/* ---- generic catalog records (sequences, schemas: sql_ddl_int.h) -------------------------- */

static void set_key(Orbit__Datum *kd, Orbit__Datum **kp, const sql_cat_key_t *k) {
    for (int i = 0; i < k->n; i++) {
        orbit__datum__init(&kd[i]);
        kd[i].v_case = ORBIT__DATUM__V_S;
        kd[i].s.data = (uint8_t *)k->parts[i];
        kd[i].s.len = strlen(k->parts[i]);
        kp[i] = &kd[i];
    }
}

static int catalog_call(sql_engine_t *e, Orbit__ShardOp *op, act_call_t **call,
                        Orbit__ShardReply **reply, orb_err_t *err) {
    Orbit__ShardOp *ops[1] = {op};
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.catalog = true;
    req.table_id = e->cat_id; /* the database's catalog key space */
    req.n_ops = 1;
    req.ops = ops;
    return act_call(e->rt, ACT_CATALOG, &req, call, reply, err);
}

int sql_catalog_record_put(sql_engine_t *e, const sql_cat_key_t *key, Orbit__Datum **vals,
                           size_t nvals, orb_err_t *err) {
    Orbit__Datum kd[SQL_CAT_KEY_MAX], *kp[SQL_CAT_KEY_MAX];
    set_key(kd, kp, key);
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__PUT;
    op.n_key = (size_t)key->n;
    op.key = kp;
    Orbit__Row row = ORBIT__ROW__INIT;
    row.n_cols = nvals;
    row.cols = vals;
    op.row = &row;
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    int rc = catalog_call(e, &op, &call, &reply, err);
    act_call_free(call);
    return rc;
}

int sql_catalog_record_delete(sql_engine_t *e, const sql_cat_key_t *key, orb_err_t *err) {
    Orbit__Datum kd[SQL_CAT_KEY_MAX], *kp[SQL_CAT_KEY_MAX];
    set_key(kd, kp, key);
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__DELETE;
    op.n_key = (size_t)key->n;
    op.key = kp;
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    int rc = catalog_call(e, &op, &call, &reply, err);
    act_call_free(call);
    return rc;
}

int sql_catalog_record_scan(sql_engine_t *e, const sql_cat_key_t *prefix, bool exact,
                            int (*cb)(void *arg, const Orbit__Row *key, const Orbit__Row *row),
                            void *arg, orb_err_t *err) {
    Orbit__Datum kd[SQL_CAT_KEY_MAX], *kp[SQL_CAT_KEY_MAX];
    set_key(kd, kp, prefix);
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = exact ? ORBIT__SHARD_OP__KIND__GET : ORBIT__SHARD_OP__KIND__SCAN;
    if (exact) {
        op.n_key = (size_t)prefix->n;
        op.key = kp;
    } else {
        op.n_lower = op.n_upper = (size_t)prefix->n;
        op.lower = op.upper = kp;
        op.lower_incl = op.upper_incl = true;
    }
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    if (catalog_call(e, &op, &call, &reply, err) != 0) {
        act_call_free(call);
        return -1;
    }
    int rc = 0;
    if (reply->n_results == 1) {
        Orbit__OpResult *r = reply->results[0];
        Orbit__Row exact_key = ORBIT__ROW__INIT;
        exact_key.n_cols = (size_t)prefix->n;
        exact_key.cols = kp;
        for (size_t i = 0; i < r->n_rows && rc == 0; i++) {
            const Orbit__Row *k = exact ? &exact_key : (i < r->n_keys ? r->keys[i] : NULL);
            if (!k) break;
            rc = cb(arg, k, r->rows[i]);
        }
    }
    act_call_free(call);
    return rc < 0 ? -1 : 0;
}

static int purge_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    (void)row;
    void **a = arg;
    sql_engine_t *e = a[0];
    orb_err_t *err = a[1];
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__DELETE;
    op.n_key = key->n_cols;
    op.key = key->cols;
    act_call_t *call = NULL;
    Orbit__ShardReply *reply = NULL;
    int rc = catalog_call(e, &op, &call, &reply, err);
    act_call_free(call);
    return rc;
}

int sql_catalog_purge(sql_engine_t *e, orb_err_t *err) {
    sql_cat_key_t all = {0, {NULL}};
    void *arg[2] = {e, err};
    return sql_catalog_record_scan(e, &all, false, purge_cb, arg, err);
}

int sql_catalog_tables_in_schema(sql_engine_t *e, const char *schema, sql_table_t ***out,
                                 int *n) {
    pthread_rwlock_rdlock(&e->cat_lock);
    int cnt = 0;
    sql_table_t **list = calloc((size_t)e->ntables + 1, sizeof *list);
    if (!list) orb_panic("out of memory");
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *t = e->tables[i];
        if (strcmp(t->schema, schema) != 0) continue;
        atomic_fetch_add(&t->refs, 1);
        list[cnt++] = t;
    }
    pthread_rwlock_unlock(&e->cat_lock);
    *out = list;
    *n = cnt;
    return 0;
}

/* ---- ALTER TABLE: replacing a definition ---------------------------------------------------- */

int sql_catalog_replace_table(sql_engine_t *e, const Orbit__TableDesc *desc, orb_err_t *err) {
    pthread_rwlock_wrlock(&e->cat_lock);
    int at = -1;
    for (int i = 0; i < e->ntables; i++)
        if (e->tables[i]->id == desc->table_id) at = i;
    if (at < 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", desc->name);
    }
    sql_table_t *old = e->tables[at];
    if (old->version + 1 != desc->version) {
        pthread_rwlock_unlock(&e->cat_lock);
        return orb_err_set(err, T_R_SERIALIZATION_FAILURE,
                           "relation \"%s\" was changed concurrently", old->name);
    }
    int other = find_locked(e, desc->schema, desc->name);
    if (other >= 0 && other != at) {
        pthread_rwlock_unlock(&e->cat_lock);
        return orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", desc->name);
    }
    if (catalog_write(e, ORBIT__SHARD_OP__KIND__PUT, desc->table_id, desc, err) != 0) {
        pthread_rwlock_unlock(&e->cat_lock);
        return -1;
    }
    e->tables[at] = sql_table_from_desc(sql_table_desc_copy(desc));
    pthread_rwlock_unlock(&e->cat_lock);
    sql_table_release(old); /* statements holding it keep it alive */
    return 0;
}

int sql_catalog_dependents(sql_engine_t *e, uint32_t id, sql_table_t ***out, int *n) {
    pthread_rwlock_rdlock(&e->cat_lock);
    int cnt = 0;
    sql_table_t **list = calloc((size_t)e->ntables + 1, sizeof *list);
    if (!list) orb_panic("out of memory");
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *t = e->tables[i];
        if (!t->view_sql) continue;
        bool dep = false;
        for (size_t k = 0; k < t->desc->n_view_deps && !dep; k++) dep = t->desc->view_deps[k] == id;
        if (!dep) continue;
        atomic_fetch_add(&t->refs, 1);
        list[cnt++] = t;
    }
    pthread_rwlock_unlock(&e->cat_lock);
    /* creation (oid) order, as PostgreSQL's dependency reports */
    for (int i = 1; i < cnt; i++)
        for (int j = i; j > 0 && list[j - 1]->id > list[j]->id; j--) {
            sql_table_t *x = list[j];
            list[j] = list[j - 1];
            list[j - 1] = x;
        }
    *out = list;
    *n = cnt;
    return 0;
}

/* ---- name resolution through search_path -------------------------------------------------- */

/* The relations resolved by this thread while recording (CREATE VIEW's dependencies). A
 * session runs on one thread at a time and analysis never waits on another session. */
static _Thread_local bool rec_on;
static _Thread_local uint32_t *rec_ids;
static _Thread_local int rec_n, rec_cap;

void sql_catalog_deps_begin(void) {
    rec_on = true;
    rec_n = 0;
}

int sql_catalog_deps_end(uint32_t **ids) {
    rec_on = false;
    *ids = rec_ids;
    int n = rec_n;
    rec_ids = NULL;
    rec_n = rec_cap = 0;
    return n;
}

bool sql_catalog_deps_suspend(void) {
    bool was = rec_on;
    rec_on = false;
    return was;
}

void sql_catalog_deps_restore(bool was) { rec_on = was; }

static void rec_note(uint32_t id) {
    if (!rec_on) return;
    for (int i = 0; i < rec_n; i++)
        if (rec_ids[i] == id) return;
    if (rec_n == rec_cap) {
        rec_cap = rec_cap ? rec_cap * 2 : 8;
        rec_ids = realloc(rec_ids, sizeof *rec_ids * (size_t)rec_cap);
        if (!rec_ids) orb_panic("out of memory");
    }
    rec_ids[rec_n++] = id;
}

int sql_search_path(sql_session_t *s, char (*out)[64], int max) {
    const char *p = sql_session_search_path(s);
    int n = 0;
    while (p && *p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        char name[64];
        size_t len = 0;
        if (*p == '"') {
            p++;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"') p++; /* "" inside quotes */
                if (len < sizeof name - 1) name[len++] = *p;
                p++;
            }
            if (*p == '"') p++;
        } else {
            while (*p && *p != ',' && *p != ' ' && *p != '\t') {
                char c = *p++;
                if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
                if (len < sizeof name - 1) name[len++] = c;
            }
        }
        name[len] = 0;
        while (*p && *p != ',') p++;
        if (strcmp(name, "$user") == 0) snprintf(name, sizeof name, "%s", sql_session_user(s));
        if (!name[0]) continue;
        snprintf(out[n++], 64, "%s", name);
    }
    return n;
}

sql_table_t *sql_catalog_resolve(sql_session_t *s, const char *schema, const char *name) {
    sql_engine_t *e = sql_session_engine(s);
    char path[16][64];
    int n = 0;
    if (schema) {
        snprintf(path[n++], 64, "%s", schema);
    } else {
        snprintf(path[n++], 64, "pg_catalog"); /* searched first (no user relations yet) */
        n += sql_search_path(s, path + 1, 15);
    }
    sql_table_t *t = NULL;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < n && !t; i++) {
        int at = find_locked(e, path[i], name);
        if (at >= 0) {
            t = e->tables[at];
            atomic_fetch_add(&t->refs, 1);
        }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    if (t) rec_note(t->id);
    return t;
}

sql_table_t *sql_catalog_resolve_read(sql_session_t *s, const char *schema, const char *name) {
    sql_table_t *t = sql_catalog_resolve(s, schema, name);
    if (t) return t;
    if (schema) return sql_sysrel_find(schema, name);
    if ((t = sql_sysrel_find("pg_catalog", name))) return t;
    /* information_schema's views when it is on the search path (after the tables found
     * above, which is PostgreSQL's order unless information_schema comes first) */
    char path[16][64];
    int n = sql_search_path(s, path, 16);
    for (int i = 0; i < n; i++)
        if (strcmp(path[i], "information_schema") == 0) return sql_sysrel_find(path[i], name);
    return NULL;
}

int sql_catalog_creation_schema(sql_session_t *s, const char *given, char *out, size_t outn,
                                orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    if (given && given[0]) {
        bool ok;
        if (sql_schema_exists(e, given, &ok, err) != 0) return -1;
        if (!ok) return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", given);
        snprintf(out, outn, "%s", given);
        return sql_acl_check_schema(s, out, SQL_ACL_CREATE, err);
    }
    char path[16][64];
    int n = sql_search_path(s, path, 16);
    for (int i = 0; i < n; i++) {
        bool ok;
        if (sql_schema_exists(e, path[i], &ok, err) != 0) return -1;
        if (!ok) continue;
        snprintf(out, outn, "%s", path[i]);
        return sql_acl_check_schema(s, out, SQL_ACL_CREATE, err);
    }
    return orb_err_set(err, INVALID_SCHEMA_NAME, "no schema has been selected to create in");
}
