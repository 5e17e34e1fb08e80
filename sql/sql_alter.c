/* sql/sql_alter.c — ALTER TABLE [IF EXISTS] t: ADD COLUMN [IF NOT EXISTS], DROP COLUMN
 * [IF EXISTS], ALTER COLUMN SET/DROP DEFAULT and SET/DROP NOT NULL, ADD [CONSTRAINT n]
 * UNIQUE / PRIMARY KEY, DROP CONSTRAINT [IF EXISTS]; and ALTER TABLE ... RENAME [COLUMN].
 *
 * A statement edits a working copy of the table's descriptor command by command; the row
 * work (validating NOT NULL, building unique entries, re-keying the rows for ADD PRIMARY
 * KEY) runs in one transaction of its own, committed before the new descriptor (version + 1)
 * replaces the cached one (sql_catalog_replace_table). Like all DDL here it is not part of
 * the session's transaction (docs/sql-compatibility.md).
 *
 * Columns never move: ADD COLUMN appends a stored column whose "missing value" (the DEFAULT
 * evaluated once, now) is what rows written before read; DROP COLUMN marks the column
 * dropped in the descriptor, so stored rows still decode by position (sql_shard.c maps live
 * columns to stored positions). See README.md ("ALTER TABLE and views"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"
#include "sql_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Write ops per flush of the row work (all shards in parallel), as COPY's batches: fewer,
 * larger round trips to the shard actors (pgbench -i -s 10 re-keys 1,000,000 rows). */
#define ALTER_BATCH_OPS 8192

static char *xstr(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) orb_panic("out of memory");
    return p;
}

/* Replaces a descriptor string (an empty one may be protobuf-c's static empty string). */
static void set_str(char **field, const char *v) {
    if (*field && *field != protobuf_c_empty_string) free(*field);
    *field = xstr(v);
}

typedef struct alter {
    sql_session_t *s;
    sql_engine_t *e;
    orb_mcx_t *mcx;
    const char *text;
    sql_table_t *t;         /* the definition the statement started from (a reference) */
    Orbit__TableDesc *d;    /* the working copy (protobuf-c malloc'd) */
    uint64_t txn;           /* the row work's transaction, 0 until needed */
    uint64_t drop_rowid_seq;
    uint32_t *drop_index;   /* index ids whose entries go after success */
    int ndrop_index;
} alter_t;

static void release_table_cb(void *arg) { sql_table_release(arg); }

/* A table for the working descriptor (to read and write rows as it now is). */
static sql_table_t *work_table(alter_t *a) {
    sql_table_t *wt = sql_table_from_desc(sql_table_desc_copy(a->d));
    orb_mcx_on_reset(a->mcx, release_table_cb, wt);
    return wt;
}

/* The stored position of the live column name, -1 when none. */
static int find_pcol(const Orbit__TableDesc *d, const char *name) {
    for (size_t i = 0; i < d->n_columns; i++)
        if (!d->columns[i]->dropped && strcmp(d->columns[i]->name, name) == 0) return (int)i;
    return -1;
}

static int txn_ensure(alter_t *a, orb_err_t *err) {
    if (a->txn) return 0;
    if (act_txn_begin(a->e->rt, ACT_READ_COMMITTED, &a->txn, err) != 0) return -1;
    if (act_txn_statement_begin(a->e->rt, a->txn, err) != 0) {
        act_txn_rollback(a->e->rt, a->txn);
        a->txn = 0;
        return -1;
    }
    return 0;
}

static sql_exec_ctx_t exec_ctx(alter_t *a) {
    sql_exec_ctx_t xc;
    memset(&xc, 0, sizeof xc);
    xc.sess = a->s;
    xc.mcx = a->mcx;
    xc.txn_id = a->txn;
    return xc;
}

/* ---- reading every row ------------------------------------------------------------------- */

typedef struct rows {
    orb_mcx_t *mcx;
    sql_value_t **vals;
    Orbit__Row **keys;
    int64_t n, cap;
    int stop_after; /* > 0: stop after that many rows */
} rows_t;

static int rows_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    rows_t *r = arg;
    if (r->n == r->cap) {
        int64_t nc = r->cap ? r->cap * 2 : 256;
        r->vals = orb_realloc(r->mcx, r->vals, sizeof *r->vals * (size_t)r->cap, sizeof *r->vals * (size_t)nc);
        r->keys = orb_realloc(r->mcx, r->keys, sizeof *r->keys * (size_t)r->cap, sizeof *r->keys * (size_t)nc);
        r->cap = nc;
    }
    r->vals[r->n] = row;
    r->keys[r->n] = key ? sql_pb_row_copy(r->mcx, key) : NULL;
    r->n++;
    return r->stop_after > 0 && r->n >= r->stop_after ? SQL_SCAN_STOP : 0;
}

/* Every row of wt (at most limit when > 0), read in the statement's transaction. */
static int read_rows(alter_t *a, const sql_table_t *wt, int limit, rows_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    out->mcx = a->mcx;
    out->stop_after = limit;
    if (txn_ensure(a, err) != 0) return -1;
    sql_exec_ctx_t xc = exec_ctx(a);
    sql_path_t p;
    memset(&p, 0, sizeof p);
    p.access = SQL_ACCESS_FULL;
    return sql_shard_scan(&xc, wt, &p, 0, wt->ncols, false, rows_cb, out, err);
}

/* 23502 "column "c" of relation "t" contains null values" when a row has NULL in column
 * (a live position of wt). */
static int check_no_nulls(alter_t *a, const sql_table_t *wt, int col, orb_err_t *err) {
    rows_t r;
    if (read_rows(a, wt, 0, &r, err) != 0) return -1;
    for (int64_t i = 0; i < r.n; i++)
        if (r.vals[i][col].isnull) {
            orb_err_set(err, NOT_NULL_VIOLATION, "column \"%s\" of relation \"%s\" contains null values",
                        wt->cols[col].name, wt->name);
            snprintf(err->table, sizeof err->table, "%s", wt->name);
            return -1;
        }
    return 0;
}

static int live_of(const sql_table_t *wt, int pcol) {
    for (int i = 0; i < wt->ncols; i++)
        if (wt->phys[i] == pcol) return i;
    return -1;
}

/* A unique-index build failed on a duplicate: PostgreSQL's CREATE INDEX wording. */
static void duplicated(orb_err_t *err, const char *index_name) {
    if (err->code != ORB_SQLSTATE_UNIQUE_VIOLATION) return;
    char detail[sizeof err->detail];
    snprintf(detail, sizeof detail, "%s", err->detail);
    char *at = strstr(detail, " already exists.");
    if (at) snprintf(at, sizeof detail - (size_t)(at - detail), " is duplicated.");
    orb_err_set(err, UNIQUE_VIOLATION, "could not create unique index \"%s\"", index_name);
    orb_err_detail(err, "%s", detail);
}

/* Adds the entries of unique index un for every row of wt (keys: the rows' storage keys).
 * kind INSERT checks uniqueness; PUT rewrites entries. */
static int write_unique_entries(alter_t *a, const sql_table_t *wt, const sql_unique_t *un,
                                rows_t *r, Orbit__Row **keys, Orbit__ShardOp__Kind kind,
                                orb_err_t *err) {
    if (un->vec_method) return 0; /* vector indexes keep their own entries (act_vec.c) */
    sql_wb_t wb;
    sql_wb_init(&wb, a->mcx, wt, a->txn);
    for (int64_t i = 0; i < r->n; i++) {
        const sql_value_t *vals = r->vals[i];
        bool null = false;
        for (int k = 0; k < un->ncols; k++) null |= vals[un->cols[k]].isnull;
        if (null) continue; /* NULLs are distinct */
        Orbit__Datum **uk = sql_pb_datums(a->mcx, un->ncols);
        for (int k = 0; k < un->ncols; k++)
            uk[k] = sql_pb_datum(a->mcx, wt->cols[un->cols[k]].type, &vals[un->cols[k]]);
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)uk, (size_t)un->ncols, wt->nshards, &shard, err) != 0)
            return -1;
        Orbit__ShardOp *op = sql_wb_add(&wb, shard, kind, un->index_id, uk, un->ncols);
        op->row = keys[i];
        if (kind == ORBIT__SHARD_OP__KIND__INSERT) {
            op->conflict_name = (char *)un->name;
            sql_wb_note(&wb, shard, vals, un->cols, un->ncols);
        }
        if (wb.total >= ALTER_BATCH_OPS && sql_wb_flush(&wb, a->e->rt, err) != 0) return -1;
    }
    return sql_wb_flush(&wb, a->e->rt, err);
}

/* ---- DEFAULT expressions ------------------------------------------------------------------- */

/* Checks a DEFAULT for column cd and returns its stored text; value (when not NULL): the
 * expression evaluated now (the missing value of ADD COLUMN). */
static int analyze_default(alter_t *a, const Orbit__ColumnDesc *cd, PgQuery__Node *raw, char **sqltext,
                           sql_value_t *value, orb_err_t *err) {
    sql_analyze_ctx_t ac = {.mcx = a->mcx, .sess = a->s, .text = a->text};
    sql_scope_t sc = {0};
    sql_expr_t *ex, *co;
    /* PostgreSQL reports no position for a bad DEFAULT here */
    if (sql_expr_analyze(&ac, &sc, raw, &ex, err) != 0) return err->position = 0, -1;
    if (ex->type != SQL_OID_UNKNOWN && ex->type != cd->type_oid &&
        !sql_cast_allowed(ex->type, cd->type_oid, SQL_CAST_ASSIGNMENT)) {
        orb_err_set(err, DATATYPE_MISMATCH, "column \"%s\" is of type %s but default expression is of type %s",
                    cd->name, sql_type_format(cd->type_oid, -1, a->mcx), sql_type_format(ex->type, -1, a->mcx));
        orb_err_hint(err, "You will need to rewrite or cast the expression.");
        return -1;
    }
    if (sql_expr_coerce(&ac, ex, cd->type_oid, cd->typmod, SQL_CAST_ASSIGNMENT, &co, err) != 0)
        return err->position = 0, -1;
    char *t = sql_deparse_expr(raw, a->mcx, err);
    if (!t) return -1;
    *sqltext = t;
    if (!value) return 0;
    sql_exec_ctx_t xc = exec_ctx(a);
    sql_eval_ctx_t ec = sql_eval_ctx(&xc, NULL);
    if (sql_expr_eval(&ec, co, value, err) != 0) return -1;
    if (!value->isnull && cd->typmod >= 0) { /* e.g. varchar(n) */
        sql_value_t cv;
        if (sql_value_cast(cd->type_oid, cd->type_oid, cd->typmod, value, a->mcx, &cv, err) != 0) return -1;
        *value = cv;
    }
    return 0;
}

/* A malloc'd copy of the datum of v (descriptor memory). */
static Orbit__Datum *datum_malloc(uint32_t type, const sql_value_t *v) {
    Orbit__Datum tmp = ORBIT__DATUM__INIT;
    sql_value_to_datum(type, v, &tmp);
    Orbit__Datum *d = malloc(sizeof *d);
    if (!d) orb_panic("out of memory");
    *d = tmp;
    if (d->v_case == ORBIT__DATUM__V_S || d->v_case == ORBIT__DATUM__V_BIN) {
        ProtobufCBinaryData *b = d->v_case == ORBIT__DATUM__V_S ? &d->s : &d->bin;
        uint8_t *p = malloc(b->len ? b->len : 1);
        if (!p) orb_panic("out of memory");
        if (b->len) memcpy(p, b->data, b->len);
        b->data = p;
    } else if (d->v_case == ORBIT__DATUM__V_NUMERIC) {
        d->numeric = xstr(d->numeric);
    }
    return d;
}

/* ---- constraints ---------------------------------------------------------------------------- */

static bool name_taken(alter_t *a, const char *name) {
    if (a->d->pk_name && strcmp(a->d->pk_name, name) == 0) return true;
    for (size_t i = 0; i < a->d->n_indexes; i++)
        if (strcmp(a->d->indexes[i]->name, name) == 0) return true;
    sql_table_t *o = sql_catalog_get(a->e, a->d->schema, name);
    if (o) {
        sql_table_release(o);
        return true;
    }
    return false;
}

/* PostgreSQL's ChooseConstraintName: base, then base1, base2, ... */
static char *choose_name(alter_t *a, const char *base) {
    char buf[200];
    snprintf(buf, sizeof buf, "%.63s", base);
    for (int n = 1; name_taken(a, buf); n++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "%d", n);
        snprintf(buf, sizeof buf, "%.*s%s", (int)(63 - strlen(suffix)), base, suffix);
    }
    return xstr(buf);
}

/* The stored positions of a key list; 42703 "column "x" named in key does not exist". */
static int key_columns(alter_t *a, PgQuery__Constraint *con, uint32_t **out, int *n, orb_err_t *err) {
    uint32_t *cols = calloc(con->n_keys + 1, sizeof *cols);
    if (!cols) orb_panic("out of memory");
    int k = 0;
    for (size_t i = 0; i < con->n_keys; i++) {
        const char *kn = sql_str_of(con->keys[i]);
        int p = kn ? find_pcol(a->d, kn) : -1;
        if (p < 0) {
            free(cols);
            return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" named in key does not exist", kn ? kn : "?");
        }
        bool dup = false;
        for (int j = 0; j < k; j++) dup |= cols[j] == (uint32_t)p;
        if (dup) {
            free(cols);
            return orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" appears twice in primary key constraint", kn);
        }
        cols[k++] = (uint32_t)p;
    }
    *out = cols;
    *n = k;
    return 0;
}

static int add_unique(alter_t *a, PgQuery__Constraint *con, orb_err_t *err) {
    uint32_t *cols;
    int n;
    if (key_columns(a, con, &cols, &n, err) != 0) return -1;
    char *name;
    if (con->conname && con->conname[0]) {
        if (name_taken(a, con->conname)) {
            free(cols);
            return orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", con->conname);
        }
        name = xstr(con->conname);
    } else {
        char base[400];
        int off = snprintf(base, sizeof base, "%s", a->d->name);
        for (int k = 0; k < n && off < (int)sizeof base - 80; k++)
            off += snprintf(base + off, sizeof base - (size_t)off, "_%s", a->d->columns[cols[k]]->name);
        snprintf(base + off, sizeof base - (size_t)off, "_key");
        name = choose_name(a, base);
    }
    Orbit__IndexDesc *x = malloc(sizeof *x);
    if (!x) orb_panic("out of memory");
    orbit__index_desc__init(x);
    uint32_t id = 1;
    for (size_t i = 0; i < a->d->n_indexes; i++)
        if (a->d->indexes[i]->index_id >= id) id = a->d->indexes[i]->index_id + 1;
    for (int i = 0; i < a->ndrop_index; i++)
        if (a->drop_index[i] >= id) id = a->drop_index[i] + 1; /* never reuse in one statement */
    x->index_id = id;
    x->name = name;
    x->unique = true;
    x->n_columns = (size_t)n;
    x->columns = cols;
    if (act_oid_next(a->e->rt, &x->oid, err) != 0) {
        orbit__index_desc__free_unpacked(x, NULL);
        return -1;
    }
    a->d->indexes = realloc(a->d->indexes, sizeof *a->d->indexes * (a->d->n_indexes + 1));
    if (!a->d->indexes) orb_panic("out of memory");
    a->d->indexes[a->d->n_indexes++] = x;
    /* the entries of the rows there are now */
    sql_table_t *wt = work_table(a);
    rows_t r;
    if (read_rows(a, wt, 0, &r, err) != 0) return -1;
    const sql_unique_t *un = &wt->uniques[wt->nunique - 1];
    if (write_unique_entries(a, wt, un, &r, r.keys, ORBIT__SHARD_OP__KIND__INSERT, err) != 0) {
        duplicated(err, un->name);
        return -1;
    }
    return 0;
}

/* ADD PRIMARY KEY on a table keyed by its hidden row id: every row moves to its new key. */
static int add_primary_key(alter_t *a, PgQuery__Constraint *con, orb_err_t *err) {
    if (a->d->n_pk_columns > 0) {
        return orb_err_set(err, INVALID_TABLE_DEFINITION, "multiple primary keys for table \"%s\" are not allowed",
                           a->d->name);
    }
    for (size_t i = 0; i < a->d->n_indexes; i++) {
        const char *m = a->d->indexes[i]->method;
        if (m && (strcmp(m, "hnsw") == 0 || strcmp(m, "ivfflat") == 0))
            return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                               "adding a primary key to a table with a vector index is not supported yet");
    }
    uint32_t *cols;
    int n;
    if (key_columns(a, con, &cols, &n, err) != 0) return -1;
    char *name = NULL;
    if (con->conname && con->conname[0]) {
        if (name_taken(a, con->conname)) {
            free(cols);
            return orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", con->conname);
        }
        name = xstr(con->conname);
    } else {
        char base[200];
        snprintf(base, sizeof base, "%s_pkey", a->d->name);
        name = choose_name(a, base);
    }
    sql_table_t *old = work_table(a);
    rows_t r;
    if (read_rows(a, old, 0, &r, err) != 0) {
        free(cols);
        free(name);
        return -1;
    }
    /* rows with a NULL key column fail after the uniqueness check, as in PostgreSQL (the
     * index is built before the NOT NULL scan) */
    bool *nullkey = orb_alloc0(a->mcx, sizeof(bool) * (size_t)(r.n + 1));
    int null_col = -1;
    for (int k = 0; k < n; k++) {
        int lc = live_of(old, (int)cols[k]);
        for (int64_t i = 0; i < r.n; i++)
            if (r.vals[i][lc].isnull) {
                nullkey[i] = true;
                if (null_col < 0) null_col = lc;
            }
    }
    /* the new definition */
    free(a->d->pk_columns);
    a->d->pk_columns = cols;
    a->d->n_pk_columns = (size_t)n;
    if (a->d->pk_name != protobuf_c_empty_string) free(a->d->pk_name);
    a->d->pk_name = name;
    for (int k = 0; k < n; k++) a->d->columns[cols[k]]->not_null = true;
    a->drop_rowid_seq = a->d->rowid_seq;
    a->d->rowid_seq = 0;
    sql_table_t *nw = work_table(a);
    /* old keys out first (row ids and new keys share the key space), then the rows under
     * their new keys, then the unique entries pointing at the new keys */
    sql_wb_t wb;
    sql_wb_init(&wb, a->mcx, nw, a->txn);
    for (int64_t i = 0; i < r.n; i++) {
        Orbit__Row *k = r.keys[i];
        if (!k) return orb_err_set(err, INTERNAL_ERROR, "row without a key");
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)k->cols, k->n_cols, nw->nshards, &shard, err) != 0) return -1;
        sql_wb_add(&wb, shard, ORBIT__SHARD_OP__KIND__DELETE, 0, k->cols, (int)k->n_cols);
        if (wb.total >= ALTER_BATCH_OPS && sql_wb_flush(&wb, a->e->rt, err) != 0) return -1;
    }
    if (sql_wb_flush(&wb, a->e->rt, err) != 0) return -1;
    Orbit__Row **nkeys = orb_alloc0(a->mcx, sizeof *nkeys * (size_t)(r.n + 1));
    for (int64_t i = 0; i < r.n; i++) {
        if (nullkey[i]) continue;
        Orbit__Row *k = orb_alloc(a->mcx, sizeof *k);
        orbit__row__init(k);
        k->n_cols = (size_t)nw->npk;
        k->cols = sql_pk_datums(a->mcx, nw, r.vals[i]);
        nkeys[i] = k;
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)k->cols, k->n_cols, nw->nshards, &shard, err) != 0) return -1;
        Orbit__ShardOp *op = sql_wb_add(&wb, shard, ORBIT__SHARD_OP__KIND__INSERT, 0, k->cols, (int)k->n_cols);
        op->row = sql_pb_row(a->mcx, nw, r.vals[i]);
        op->conflict_name = nw->pk_name;
        sql_wb_note(&wb, shard, r.vals[i], nw->pk, nw->npk);
        if (wb.total >= ALTER_BATCH_OPS && sql_wb_flush(&wb, a->e->rt, err) != 0) {
            duplicated(err, nw->pk_name);
            return -1;
        }
    }
    if (sql_wb_flush(&wb, a->e->rt, err) != 0) {
        duplicated(err, nw->pk_name);
        return -1;
    }
    if (null_col >= 0) {
        orb_err_set(err, NOT_NULL_VIOLATION, "column \"%s\" of relation \"%s\" contains null values",
                    old->cols[null_col].name, old->name);
        snprintf(err->table, sizeof err->table, "%s", old->name);
        return -1;
    }
    for (int u = 0; u < nw->nunique; u++)
        if (write_unique_entries(a, nw, &nw->uniques[u], &r, nkeys, ORBIT__SHARD_OP__KIND__PUT, err) != 0)
            return -1;
    return 0;
}

static void remove_index(alter_t *a, size_t i) {
    Orbit__IndexDesc *x = a->d->indexes[i];
    a->drop_index = realloc(a->drop_index, sizeof *a->drop_index * (size_t)(a->ndrop_index + 1));
    if (!a->drop_index) orb_panic("out of memory");
    a->drop_index[a->ndrop_index++] = x->index_id;
    orbit__index_desc__free_unpacked(x, NULL);
    memmove(&a->d->indexes[i], &a->d->indexes[i + 1], sizeof *a->d->indexes * (a->d->n_indexes - i - 1));
    a->d->n_indexes--;
}

/* ---- views that use a column --------------------------------------------------------------- */

static bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Whether the text of a view may use column col: it names it, or it has a '*' (expanded when
 * the view was created). Conservative: a same-named column of another table counts. */
static bool view_uses(const char *sqltext, const char *col) {
    if (strchr(sqltext, '*')) return true;
    size_t n = strlen(col);
    for (const char *p = strstr(sqltext, col); p; p = strstr(p + 1, col))
        if ((p == sqltext || !is_ident_char(p[-1])) && !is_ident_char(p[n])) return true;
    return false;
}

/* 2BP01 when a view reads column col of the table (col NULL: any view at all, for a
 * rename of the table). */
static int check_view_use(alter_t *a, const char *col, const char *what, orb_err_t *err) {
    sql_table_t **deps;
    int n;
    sql_catalog_dependents(a->e, a->t->id, &deps, &n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (col && !view_uses(deps[i]->view_sql, col)) continue;
        if (col && strcmp(what, "drop") == 0) {
            orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                        "cannot drop column %s of table %s because other objects depend on it", col, a->t->name);
            orb_err_detail(err, "view %s depends on column %s of table %s", deps[i]->name, col, a->t->name);
            orb_err_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
        } else {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot %s because view \"%s\" depends on it (not supported yet)",
                        what, deps[i]->name);
        }
        rc = -1;
    }
    for (int i = 0; i < n; i++) sql_table_release(deps[i]);
    free(deps);
    return rc;
}

/* ---- the commands ---------------------------------------------------------------------------- */

static int col_missing(alter_t *a, const char *col, orb_err_t *err) {
    return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist", col, a->d->name);
}

static int add_column(alter_t *a, PgQuery__AlterTableCmd *cmd, orb_err_t *err) {
    PgQuery__ColumnDef *cd = cmd->def->column_def;
    if (find_pcol(a->d, cd->colname) >= 0) {
        if (cmd->missing_ok) {
            sql_session_notice(a->s, ORB_SQLSTATE_DUPLICATE_COLUMN,
                               "column \"%s\" of relation \"%s\" already exists, skipping", cd->colname, a->d->name);
            return 0;
        }
        return orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" of relation \"%s\" already exists", cd->colname,
                           a->d->name);
    }
    if (strlen(cd->colname) > 63) return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    size_t live = 0;
    for (size_t i = 0; i < a->d->n_columns; i++) live += !a->d->columns[i]->dropped;
    if (a->d->n_columns >= 1600)
        return orb_err_set(err, TOO_MANY_COLUMNS, "tables can have at most 1600 columns");
    (void)live;
    PgQuery__TypeName *tn = cd->type_name;
    const char *tname = sql_str_of(tn->names[tn->n_names - 1]);
    if (tn->n_names == 1 && tname && strstr(tname, "serial"))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "adding a serial column is not supported yet");
    Orbit__ColumnDesc *c = malloc(sizeof *c);
    if (!c) orb_panic("out of memory");
    orbit__column_desc__init(c);
    c->name = xstr(cd->colname);
    c->default_expr = xstr("");
    c->attnum = (uint32_t)a->d->n_columns + 1;
    sql_analyze_ctx_t ac = {.mcx = a->mcx, .sess = a->s, .text = a->text};
    uint32_t oid = 0;
    int32_t typmod = -1;
    if (sql_expr_resolve_type(&ac, tn, &oid, &typmod, err) != 0) {
        orbit__column_desc__free_unpacked(c, NULL);
        return -1;
    }
    c->type_oid = oid;
    c->typmod = typmod;
    if (cd->is_not_null) c->not_null = true;
    PgQuery__Constraint *pk = NULL, *uq = NULL;
    sql_value_t missing = {.isnull = true};
    int rc = 0;
    for (size_t k = 0; k < cd->n_constraints && rc == 0; k++) {
        PgQuery__Constraint *con = cd->constraints[k]->constraint;
        switch (con->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: c->not_null = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: {
            char *sqltext = NULL;
            if ((rc = analyze_default(a, c, con->raw_expr, &sqltext, &missing, err)) != 0) break;
            set_str(&c->default_expr, sqltext);
            c->has_default = true;
            break;
        }
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: pk = con; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: uq = con; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "adding an identity column is not supported yet");
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "CHECK constraints are not supported yet");
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "FOREIGN KEY constraints are not supported yet");
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "generated columns are not supported yet");
            break;
        default: break;
        }
    }
    if (rc != 0) {
        orbit__column_desc__free_unpacked(c, NULL);
        return -1;
    }
    if (!missing.isnull) c->missing = datum_malloc(c->type_oid, &missing);
    a->d->columns = realloc(a->d->columns, sizeof *a->d->columns * (a->d->n_columns + 1));
    if (!a->d->columns) orb_panic("out of memory");
    a->d->columns[a->d->n_columns++] = c;
    if (c->not_null && missing.isnull) {
        /* every existing row would be NULL there */
        sql_table_t *wt = work_table(a);
        rows_t r;
        if (read_rows(a, wt, 1, &r, err) != 0) return -1;
        if (r.n > 0) {
            orb_err_set(err, NOT_NULL_VIOLATION, "column \"%s\" of relation \"%s\" contains null values", c->name,
                        a->d->name);
            snprintf(err->table, sizeof err->table, "%s", a->d->name);
            return -1;
        }
    }
    if (pk) {
        /* a column PRIMARY KEY is a one-column key constraint */
        PgQuery__String sv = PG_QUERY__STRING__INIT;
        sv.sval = c->name;
        PgQuery__Node kn = PG_QUERY__NODE__INIT, *kp[1] = {&kn};
        kn.node_case = PG_QUERY__NODE__NODE_STRING;
        kn.string = &sv;
        PgQuery__Constraint k2 = *pk;
        k2.n_keys = 1;
        k2.keys = kp;
        if (add_primary_key(a, &k2, err) != 0) return -1;
    }
    if (uq) {
        PgQuery__String sv = PG_QUERY__STRING__INIT;
        sv.sval = c->name;
        PgQuery__Node kn = PG_QUERY__NODE__INIT, *kp[1] = {&kn};
        kn.node_case = PG_QUERY__NODE__NODE_STRING;
        kn.string = &sv;
        PgQuery__Constraint k2 = *uq;
        k2.n_keys = 1;
        k2.keys = kp;
        if (add_unique(a, &k2, err) != 0) return -1;
    }
    return 0;
}

static int drop_column(alter_t *a, PgQuery__AlterTableCmd *cmd, orb_err_t *err) {
    int p = find_pcol(a->d, cmd->name);
    if (p < 0) {
        if (cmd->missing_ok) {
            sql_session_notice(a->s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                               "column \"%s\" of relation \"%s\" does not exist, skipping", cmd->name, a->d->name);
            return 0;
        }
        return col_missing(a, cmd->name, err);
    }
    for (size_t i = 0; i < a->d->n_pk_columns; i++)
        if (a->d->pk_columns[i] == (uint32_t)p)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "dropping a primary key column is not supported yet");
    if (check_view_use(a, cmd->name, "drop", err) != 0) return -1;
    Orbit__ColumnDesc *c = a->d->columns[p];
    if (c->seq_id) {
        /* a serial/identity column's sequence goes with it */
        sql_seq_def_t *seqs = NULL;
        int ns = 0;
        if (sql_sequence_list(a->e, a->d->schema, &seqs, &ns, err) != 0) return -1;
        for (int k = 0; k < ns; k++)
            if (seqs[k].id == c->seq_id) {
                sql_cat_key_t sk = {3, {"sequence", a->d->schema, seqs[k].name}};
                if (sql_catalog_record_delete(a->e, &sk, err) != 0) {
                    free(seqs);
                    return -1;
                }
            }
        free(seqs);
        act_seq_drop(a->e->rt, c->seq_id);
        c->seq_id = 0;
    }
    /* unique constraints over the column go with it, as PostgreSQL's indexes do */
    for (size_t i = a->d->n_indexes; i-- > 0;) {
        bool uses = false;
        for (size_t k = 0; k < a->d->indexes[i]->n_columns; k++) uses |= a->d->indexes[i]->columns[k] == (uint32_t)p;
        if (uses) remove_index(a, i);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "........pg.dropped.%u........", c->attnum ? c->attnum : (uint32_t)p + 1);
    set_str(&c->name, buf);
    c->dropped = true;
    c->not_null = false;
    c->has_default = false;
    c->identity = 0;
    return 0;
}

static int column_default(alter_t *a, PgQuery__AlterTableCmd *cmd, orb_err_t *err) {
    int p = find_pcol(a->d, cmd->name);
    if (p < 0) return col_missing(a, cmd->name, err);
    Orbit__ColumnDesc *c = a->d->columns[p];
    if (c->identity) {
        orb_err_set(err, SYNTAX_ERROR, "column \"%s\" of relation \"%s\" is an identity column", c->name, a->d->name);
        if (cmd->def) orb_err_hint(err, "Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.");
        return -1;
    }
    if (c->seq_id)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "changing the default of a serial column is not supported yet");
    set_str(&c->default_expr, "");
    c->has_default = false;
    if (!cmd->def) return 0;
    char *sqltext = NULL;
    if (analyze_default(a, c, cmd->def, &sqltext, NULL, err) != 0) return -1;
    set_str(&c->default_expr, sqltext);
    c->has_default = true;
    return 0;
}

static int not_null(alter_t *a, PgQuery__AlterTableCmd *cmd, bool set, orb_err_t *err) {
    int p = find_pcol(a->d, cmd->name);
    if (p < 0) return col_missing(a, cmd->name, err);
    Orbit__ColumnDesc *c = a->d->columns[p];
    if (!set) {
        for (size_t i = 0; i < a->d->n_pk_columns; i++)
            if (a->d->pk_columns[i] == (uint32_t)p)
                return orb_err_set(err, INVALID_TABLE_DEFINITION, "column \"%s\" is in a primary key", c->name);
        if (c->identity)
            return orb_err_set(err, INVALID_TABLE_DEFINITION, "column \"%s\" of relation \"%s\" is an identity column",
                               c->name, a->d->name);
        c->not_null = false;
        return 0;
    }
    if (c->not_null) return 0;
    sql_table_t *wt = work_table(a);
    if (check_no_nulls(a, wt, live_of(wt, p), err) != 0) return -1;
    c->not_null = true;
    return 0;
}

/* ADD CONSTRAINT ... CHECK (expr): every stored row must pass it */
static int add_check(alter_t *a, PgQuery__Constraint *con, orb_err_t *err) {
    if (sql_check_add(a->s, a->d, con, a->mcx, err) != 0) return -1;
    const Orbit__CheckDesc *c = a->d->checks[a->d->n_checks - 1];
    sql_table_t *wt = work_table(a);
    sql_query_t q;
    memset(&q, 0, sizeof q);
    q.table = wt;
    sql_analyze_ctx_t ac = {.mcx = a->mcx, .sess = a->s};
    if (sql_constraints_analyze(&ac, &q, err) != 0) return -1;
    rows_t r;
    if (read_rows(a, wt, 0, &r, err) != 0) return -1;
    sql_exec_ctx_t xc = exec_ctx(a);
    int k = wt->nchecks - 1;
    for (int64_t i = 0; i < r.n; i++) {
        sql_eval_ctx_t ec = sql_eval_ctx(&xc, r.vals[i]);
        sql_value_t v;
        if (sql_expr_eval(&ec, q.checks[k], &v, err) != 0) return -1;
        if (!v.isnull && !v.v.b) {
            orb_err_set(err, CHECK_VIOLATION, "check constraint \"%s\" of relation \"%s\" is violated by some row",
                        c->name, wt->name);
            snprintf(err->table, sizeof err->table, "%s", wt->name);
            snprintf(err->constraint, sizeof err->constraint, "%s", c->name);
            return -1;
        }
    }
    return 0;
}

/* ADD CONSTRAINT ... FOREIGN KEY: every stored row must find its parent */
static int add_foreign_key(alter_t *a, PgQuery__Constraint *con, orb_err_t *err) {
    if (sql_fk_add(a->s, a->d, con, NULL, a->mcx, err) != 0) return -1;
    sql_table_t *wt = work_table(a);
    rows_t r;
    if (read_rows(a, wt, 0, &r, err) != 0) return -1;
    sql_exec_ctx_t xc = exec_ctx(a);
    for (int64_t i = 0; i < r.n; i++)
        if (sql_constraints_fk(&xc, wt, r.vals[i], err) != 0) return -1;
    return 0;
}

static int drop_constraint(alter_t *a, PgQuery__AlterTableCmd *cmd, orb_err_t *err) {
    for (size_t i = 0; i < a->d->n_indexes; i++)
        if (strcmp(a->d->indexes[i]->name, cmd->name) == 0) {
            remove_index(a, i);
            return 0;
        }
    for (size_t i = 0; i < a->d->n_checks; i++)
        if (strcmp(a->d->checks[i]->name, cmd->name) == 0) {
            orbit__check_desc__free_unpacked(a->d->checks[i], NULL);
            a->d->checks[i] = a->d->checks[--a->d->n_checks];
            return 0;
        }
    for (size_t i = 0; i < a->d->n_fks; i++)
        if (strcmp(a->d->fks[i]->name, cmd->name) == 0) {
            orbit__foreign_key_desc__free_unpacked(a->d->fks[i], NULL);
            a->d->fks[i] = a->d->fks[--a->d->n_fks];
            return 0;
        }
    if (a->d->n_pk_columns && strcmp(a->d->pk_name, cmd->name) == 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "dropping a primary key is not supported yet");
    if (cmd->missing_ok) {
        sql_session_notice(a->s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                           "constraint \"%s\" of relation \"%s\" does not exist, skipping", cmd->name, a->d->name);
        return 0;
    }
    return orb_err_set(err, UNDEFINED_OBJECT, "constraint \"%s\" of relation \"%s\" does not exist", cmd->name,
                       a->d->name);
}

static int run_cmd(alter_t *a, PgQuery__AlterTableCmd *cmd, orb_err_t *err) {
    switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        return add_column(a, cmd, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        return drop_column(a, cmd, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        return column_default(a, cmd, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        return not_null(a, cmd, true, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        return not_null(a, cmd, false, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
        PgQuery__Constraint *con = cmd->def->constraint;
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) return add_unique(a, con, err);
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) return add_primary_key(a, con, err);
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) return add_check(a, con, err);
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return add_foreign_key(a, con, err);
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this constraint is not supported yet");
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        return drop_constraint(a, cmd, err);
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "ALTER COLUMN ... TYPE is not supported yet");
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this ALTER TABLE command is not supported yet");
    }
}

/* Resolves the table of an ALTER; *t NULL (and a NOTICE) when missing_ok and absent. */
static int open_alter_table(sql_session_t *s, PgQuery__RangeVar *rv, bool missing_ok, sql_table_t **t,
                            orb_err_t *err) {
    const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
    *t = NULL;
    if (schema) {
        bool ok;
        if (sql_schema_exists(sql_session_engine(s), schema, &ok, err) != 0) return -1;
        if (!ok) {
            if (missing_ok) {
                sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "schema \"%s\" does not exist, skipping",
                                   schema);
                return 0;
            }
            return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", schema);
        }
    }
    *t = sql_catalog_resolve(s, schema, rv->relname);
    if (*t && (*t)->view_sql) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "ALTER TABLE on a view is not supported yet");
        sql_table_release(*t);
        *t = NULL;
        return -1;
    }
    if (*t && sql_acl_check_owner(s, *t, NULL, NULL, err) != 0) {
        sql_table_release(*t);
        *t = NULL;
        return -1;
    }
    if (*t) return 0;
    if (missing_ok) {
        sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "relation \"%s\" does not exist, skipping",
                           rv->relname);
        return 0;
    }
    bool is_seq = false;
    sql_seq_def_t sd;
    if (sql_sequence_lookup(sql_session_engine(s), schema, rv->relname, &sd, &is_seq, err) != 0) return -1;
    if (is_seq) return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", rv->relname);
    if (schema)
        orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema, rv->relname);
    else
        orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
    return -1;
}

/* Commits the row work, then installs the new descriptor; cleans up what went away. */
static int finish(alter_t *a, int rc, orb_err_t *err) {
    if (a->txn) {
        if (rc == 0) {
            orb_err_t e2;
            if (act_txn_statement_end(a->e->rt, a->txn, true, &e2) != 0) {
                *err = e2;
                rc = -1;
                act_txn_rollback(a->e->rt, a->txn);
            } else if (act_txn_commit(a->e->rt, a->txn, err) != 0) {
                rc = -1;
            }
        } else {
            orb_err_t e2;
            act_txn_statement_end(a->e->rt, a->txn, false, &e2);
            act_txn_rollback(a->e->rt, a->txn);
        }
        a->txn = 0;
    }
    if (rc == 0) {
        a->d->version = a->t->version + 1;
        rc = sql_catalog_replace_table(a->e, a->d, err);
    }
    if (rc == 0) {
        if (a->drop_rowid_seq) act_seq_drop(a->e->rt, a->drop_rowid_seq);
        for (int i = 0; i < a->ndrop_index; i++) {
            orb_err_t e2;
            if (act_index_drop_data(a->e->rt, a->t->id, a->t->nshards, a->drop_index[i], &e2) != 0)
                orb_log(ORB_LOG_WARN, "sql", "could not remove index entries table=%u index=%u: %s", a->t->id,
                        a->drop_index[i], e2.message);
        }
    }
    free(a->drop_index);
    orbit__table_desc__free_unpacked(a->d, NULL);
    sql_table_release(a->t);
    return rc;
}

int sql_exec_alter_table(sql_session_t *s, PgQuery__AlterTableStmt *as, orb_mcx_t *mcx, const char *text,
                         orb_err_t *err) {
    if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "only ALTER TABLE is supported yet");
    alter_t a;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.e = sql_session_engine(s);
    a.mcx = mcx;
    a.text = text;
    if (open_alter_table(s, as->relation, as->missing_ok, &a.t, err) != 0) return -1;
    if (!a.t) return 0;
    a.d = sql_table_desc_copy(a.t->desc);
    int rc = 0;
    for (size_t i = 0; i < as->n_cmds && rc == 0; i++)
        rc = run_cmd(&a, as->cmds[i]->alter_table_cmd, err);
    return finish(&a, rc, err);
}

/* ALTER TABLE [IF EXISTS] t RENAME [COLUMN] a TO b, ALTER TABLE t RENAME TO u. */
int sql_exec_rename(sql_session_t *s, PgQuery__RenameStmt *rs, orb_err_t *err) {
    bool column = rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN;
    if (!(rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
          (column && rs->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)) ||
        !rs->relation)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "only ALTER TABLE ... RENAME is supported yet");
    alter_t a;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.e = sql_session_engine(s);
    if (open_alter_table(s, rs->relation, rs->missing_ok, &a.t, err) != 0) return -1;
    if (!a.t) return 0;
    a.d = sql_table_desc_copy(a.t->desc);
    int rc = 0;
    if (strlen(rs->newname) > 63) {
        rc = orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    } else if (column) {
        int p = find_pcol(a.d, rs->subname);
        if (p < 0)
            rc = orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" does not exist", rs->subname);
        else if (find_pcol(a.d, rs->newname) >= 0)
            rc = orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" of relation \"%s\" already exists", rs->newname,
                             a.d->name);
        else if ((rc = check_view_use(&a, rs->subname, "rename a column that a view uses", err)) == 0) {
            set_str(&a.d->columns[p]->name, rs->newname);
        }
    } else {
        sql_table_t *other = sql_catalog_get(a.e, a.d->schema, rs->newname);
        bool is_seq = false;
        sql_seq_def_t sd;
        if (!other) rc = sql_sequence_lookup(a.e, a.d->schema, rs->newname, &sd, &is_seq, err);
        if (rc == 0 && (other || is_seq))
            rc = orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", rs->newname);
        sql_table_release(other);
        if (rc == 0) rc = check_view_use(&a, NULL, "rename a table that a view uses", err);
        if (rc == 0) {
            set_str(&a.d->name, rs->newname);
        }
    }
    return finish(&a, rc, err);
}
