/* sql/sql_constraint.c — CHECK and FOREIGN KEY constraints: their definition at CREATE TABLE
 * (validated and stored in the table descriptor) and their enforcement on writes: CHECK on
 * every new row (23514), a child's key must exist in the parent (23503, the parent row is
 * locked until commit), a parent's key may not go while children reference it (23503).
 * Entry points: sql_check_add, sql_fk_add, sql_constraints_analyze, sql_constraints_row,
 * sql_constraints_parent. See README.md ("Constraints"). */
#include "sql_ddl_int.h"
#include "sql_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *mstr(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) orb_panic("out of memory");
    return p;
}

static bool name_used(const Orbit__TableDesc *d, const char *name) {
    for (size_t i = 0; i < d->n_checks; i++)
        if (strcmp(d->checks[i]->name, name) == 0) return true;
    for (size_t i = 0; i < d->n_fks; i++)
        if (strcmp(d->fks[i]->name, name) == 0) return true;
    for (size_t i = 0; i < d->n_indexes; i++)
        if (strcmp(d->indexes[i]->name, name) == 0) return true;
    return strcmp(d->pk_name, name) == 0;
}

/* PostgreSQL's ChooseConstraintName: table_col_suffix, made unique with a number. */
static void choose_name(const Orbit__TableDesc *d, const char *col, const char *suffix, char *out,
                        size_t n) {
    char base[160];
    if (col) snprintf(base, sizeof base, "%s_%s", d->name, col);
    else snprintf(base, sizeof base, "%s", d->name);
    snprintf(out, n, "%s_%s", base, suffix);
    for (int k = 1; name_used(d, out); k++) snprintf(out, n, "%s_%s%d", base, suffix, k);
}

static int find_column(const Orbit__TableDesc *d, const char *name) {
    for (size_t i = 0; i < d->n_columns; i++)
        if (!d->columns[i]->dropped && strcmp(d->columns[i]->name, name) == 0) return (int)i;
    return -1;
}

static const sql_expr_t *find_sublink(const sql_expr_t *e) {
    if (!e) return NULL;
    if (e->tag == SQL_T_SUBLINK) return e;
    for (int i = 0; i < e->nargs; i++) {
        const sql_expr_t *f = find_sublink(e->args[i]);
        if (f) return f;
    }
    return NULL;
}

/* The single column a CHECK reads, for its default name (NULL when none or several). */
static void check_column(const sql_expr_t *e, int *col, bool *many) {
    if (!e) return;
    if (e->tag == SQL_T_COLUMN) {
        if (*col >= 0 && *col != e->index) *many = true;
        *col = e->index;
    }
    for (int i = 0; i < e->nargs; i++) check_column(e->args[i], col, many);
}

int sql_check_add(sql_session_t *s, Orbit__TableDesc *d, PgQuery__Constraint *con,
                  orb_mcx_t *mcx, orb_err_t *err) {
    (void)s;
    /* analyze against the table being defined */
    sql_table_t *t = sql_table_from_desc(sql_table_desc_copy(d));
    sql_analyze_ctx_t ac = {.mcx = mcx};
    sql_scope_t sc = {.table = t, .alias = t->name};
    sql_expr_t *e;
    int rc = sql_expr_analyze(&ac, &sc, con->raw_expr, &e, err);
    const sql_expr_t *sl = rc == 0 ? find_sublink(e) : NULL;
    if (sl) {
        rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot use subquery in check constraint");
        sql_err_at(err, sl->location);
    }
    if (rc == 0 && e->type != SQL_OID_BOOL) {
        if (e->type == SQL_OID_UNKNOWN) {
            rc = sql_expr_coerce(&ac, e, SQL_OID_BOOL, -1, SQL_CAST_IMPLICIT, &e, err);
        } else {
            rc = orb_err_set(err, DATATYPE_MISMATCH, "argument of CHECK must be type boolean, not type %s",
                             sql_type_format(e->type, -1, mcx));
            sql_err_at(err, e->location);
        }
    }
    char name[200];
    if (rc == 0) {
        if (con->conname && con->conname[0]) {
            snprintf(name, sizeof name, "%s", con->conname);
            if (name_used(d, name))
                rc = orb_err_set(err, DUPLICATE_OBJECT, "constraint \"%s\" for relation \"%s\" already exists", name, d->name);
        } else {
            int col = -1;
            bool many = false;
            check_column(e, &col, &many);
            choose_name(d, col >= 0 && !many ? t->cols[col].name : NULL, "check", name, sizeof name);
        }
    }
    char *sqltext = rc == 0 ? sql_deparse_expr(con->raw_expr, mcx, err) : NULL;
    sql_table_release(t);
    if (rc != 0 || !sqltext) return -1;
    Orbit__CheckDesc *c = malloc(sizeof *c);
    orbit__check_desc__init(c);
    c->name = mstr(name);
    c->expr_sql = mstr(sqltext);
    d->checks = realloc(d->checks, sizeof *d->checks * (d->n_checks + 1));
    d->checks[d->n_checks++] = c;
    return 0;
}

/* The referenced columns must be the primary key or a unique key of the parent, in some
 * order; returns true when they are. */
static bool is_unique_key(const Orbit__TableDesc *p, const uint32_t *cols, size_t n) {
    bool pk = p->n_pk_columns == n;
    for (size_t i = 0; pk && i < n; i++) {
        bool in = false;
        for (size_t j = 0; j < n; j++) in |= p->pk_columns[i] == cols[j];
        pk = in;
    }
    if (pk) return true;
    for (size_t x = 0; x < p->n_indexes; x++) {
        const Orbit__IndexDesc *ix = p->indexes[x];
        if (!ix->unique || ix->n_columns != n) continue;
        bool all = true;
        for (size_t i = 0; all && i < n; i++) {
            bool in = false;
            for (size_t j = 0; j < n; j++) in |= ix->columns[i] == cols[j];
            all = in;
        }
        if (all) return true;
    }
    return false;
}

int sql_fk_add(sql_session_t *s, Orbit__TableDesc *d, PgQuery__Constraint *con, const char *colname,
               orb_mcx_t *mcx, orb_err_t *err) {
    (void)mcx;
    const char *upd = con->fk_upd_action && con->fk_upd_action[0] ? con->fk_upd_action : "a";
    const char *del = con->fk_del_action && con->fk_del_action[0] ? con->fk_del_action : "a";
    if ((upd[0] != 'a' && upd[0] != 'r') || (del[0] != 'a' && del[0] != 'r'))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "ON DELETE/UPDATE CASCADE, SET NULL and SET DEFAULT are not supported yet");
    if (con->fk_matchtype && con->fk_matchtype[0] == 'f')
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "MATCH FULL is not supported yet");
    /* the referencing columns */
    size_t n = colname ? 1 : con->n_fk_attrs;
    uint32_t *cols = calloc(n + 1, sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        const char *cn = colname ? colname : sql_str_of(con->fk_attrs[i]);
        int c = cn ? find_column(d, cn) : -1;
        if (c < 0) {
            free(cols);
            orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" referenced in foreign key constraint does not exist",
                        cn ? cn : "?");
            return -1;
        }
        cols[i] = (uint32_t)c;
    }
    /* the referenced table: another one, or this one (self-reference) */
    PgQuery__RangeVar *rv = con->pktable;
    const Orbit__TableDesc *p = NULL;
    sql_table_t *pt = NULL;
    bool self = strcmp(rv->relname, d->name) == 0 &&
                (!rv->schemaname || !rv->schemaname[0] || strcmp(rv->schemaname, d->schema) == 0);
    if (self) {
        p = d;
    } else {
        pt = sql_catalog_resolve(s, rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL, rv->relname);
        if (!pt || pt->view_sql) {
            if (pt) sql_table_release(pt);
            free(cols);
            return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
        }
        p = pt->desc;
    }
    int rc = 0;
    uint32_t *refs = calloc(n + 1, sizeof(uint32_t));
    if (con->n_pk_attrs == 0) {
        if (p->n_pk_columns == 0) {
            rc = orb_err_set(err, INVALID_FOREIGN_KEY, "there is no primary key for referenced table \"%s\"", p->name);
        } else if (p->n_pk_columns != n) {
            rc = orb_err_set(err, INVALID_FOREIGN_KEY, "number of referencing and referenced columns for foreign key disagree");
        } else {
            for (size_t i = 0; i < n; i++) refs[i] = p->pk_columns[i];
        }
    } else if (con->n_pk_attrs != n) {
        rc = orb_err_set(err, INVALID_FOREIGN_KEY, "number of referencing and referenced columns for foreign key disagree");
    } else {
        for (size_t i = 0; i < n && rc == 0; i++) {
            const char *cn = sql_str_of(con->pk_attrs[i]);
            int c = cn ? find_column(p, cn) : -1;
            if (c < 0)
                rc = orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" referenced in foreign key constraint does not exist",
                                 cn ? cn : "?");
            else
                refs[i] = (uint32_t)c;
        }
        if (rc == 0 && !is_unique_key(p, refs, n))
            rc = orb_err_set(err, INVALID_FOREIGN_KEY,
                             "there is no unique constraint matching given keys for referenced table \"%s\"", p->name);
    }
    char name[200];
    if (rc == 0) {
        if (con->conname && con->conname[0]) {
            snprintf(name, sizeof name, "%s", con->conname);
        } else {
            char colpart[160];
            int off = 0;
            colpart[0] = 0;
            for (size_t i = 0; i < n && off < (int)sizeof colpart; i++)
                off += snprintf(colpart + off, sizeof colpart - (size_t)off, "%s%s", i ? "_" : "",
                                d->columns[cols[i]]->name);
            choose_name(d, colpart, "fkey", name, sizeof name);
        }
        for (size_t i = 0; i < n && rc == 0; i++) {
            uint32_t ct = d->columns[cols[i]]->type_oid, pt2 = p->columns[refs[i]]->type_oid;
            if (ct != pt2 && !sql_cast_allowed(ct, pt2, SQL_CAST_IMPLICIT) && !sql_cast_allowed(pt2, ct, SQL_CAST_IMPLICIT)) {
                rc = orb_err_set(err, DATATYPE_MISMATCH, "foreign key constraint \"%s\" cannot be implemented", name);
                orb_err_detail(err, "Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
                               d->columns[cols[i]]->name, p->columns[refs[i]]->name,
                               sql_type_format(ct, -1, mcx), sql_type_format(pt2, -1, mcx));
            }
        }
    }
    if (rc == 0) {
        Orbit__ForeignKeyDesc *fk = malloc(sizeof *fk);
        orbit__foreign_key_desc__init(fk);
        fk->name = mstr(name);
        fk->n_columns = n;
        fk->columns = cols;
        fk->ref_table_id = self ? d->table_id : p->table_id;
        fk->n_ref_columns = n;
        fk->ref_columns = refs;
        d->fks = realloc(d->fks, sizeof *d->fks * (d->n_fks + 1));
        d->fks[d->n_fks++] = fk;
        cols = refs = NULL;
    }
    free(cols);
    free(refs);
    if (pt) sql_table_release(pt);
    return rc;
}

/* ---- enforcement --------------------------------------------------------------------------- */

int sql_constraints_analyze(sql_analyze_ctx_t *ac, sql_query_t *q, orb_err_t *err) {
    const sql_table_t *t = q->table;
    if (!t->nchecks) return 0;
    q->checks = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)t->nchecks);
    for (int i = 0; i < t->nchecks; i++) {
        PgQuery__ParseResult *pr;
        if (sql_parse(t->checks[i]->expr_sql, ac->mcx, &pr, err) != 0) return -1;
        if (pr->n_stmts != 1 || pr->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return orb_err_set(err, DATA_CORRUPTED, "bad stored CHECK \"%s\"", t->checks[i]->name);
        PgQuery__SelectStmt *s = pr->stmts[0]->stmt->select_stmt;
        sql_scope_t sc = {.table = (sql_table_t *)t, .alias = t->name};
        if (sql_expr_analyze(ac, &sc, s->target_list[0]->res_target->val, &q->checks[i], err) != 0) return -1;
    }
    return 0;
}

static const char *row_text(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_putc(&b, '(');
    for (int i = 0; i < t->ncols; i++) {
        if (i) orb_buf_puts(&b, ", ");
        orb_buf_puts(&b, sql_value_text(mcx, t->cols[i].type, &vals[i]));
    }
    orb_buf_putc(&b, ')');
    const char *s = orb_strndup(mcx, b.data, b.len);
    orb_buf_free(&b);
    return s;
}

static const char *key_text(orb_mcx_t *mcx, const sql_table_t *t, const int *cols, int n,
                            const sql_value_t *vals, const char *what) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_puts(&b, "Key (");
    for (int i = 0; i < n; i++) orb_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[cols[i]].name);
    orb_buf_puts(&b, ")=(");
    for (int i = 0; i < n; i++)
        orb_buf_printf(&b, "%s%s", i ? ", " : "", sql_value_text(mcx, t->cols[cols[i]].type, &vals[cols[i]]));
    orb_buf_printf(&b, ") %s", what);
    const char *s = orb_strndup(mcx, b.data, b.len);
    orb_buf_free(&b);
    return s;
}

/* The live position of stored column p of table t. */
static int live_pos(const sql_table_t *t, uint32_t p) {
    if (!t->phys) return (int)p;
    for (int i = 0; i < t->ncols; i++)
        if ((uint32_t)t->phys[i] == p) return i;
    return -1;
}

static sql_table_t *table_by_id(sql_engine_t *e, uint32_t id) {
    sql_table_t *found = NULL;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables && !found; i++)
        if (e->tables[i]->id == id) {
            found = e->tables[i];
            atomic_fetch_add(&found->refs, 1);
        }
    pthread_rwlock_unlock(&e->cat_lock);
    return found;
}

/* Does the parent hold a row whose referenced columns equal the child's values? Locks it. */
static int parent_has(sql_exec_ctx_t *xc, const sql_table_t *p, const int *refcols, int n,
                      uint32_t *ctypes, const sql_value_t *vals, const int *cols, bool *found,
                      orb_err_t *err) {
    *found = false;
    /* the referenced columns are the primary key or a unique index: pick it, in its order */
    const int *kcols = NULL;
    int nk = 0;
    uint32_t index_id = 0;
    if (p->npk == n) {
        bool all = true;
        for (int i = 0; i < n && all; i++) {
            bool in = false;
            for (int j = 0; j < n; j++) in |= p->pk[i] == refcols[j];
            all = in;
        }
        if (all) {
            kcols = p->pk;
            nk = p->npk;
        }
    }
    for (int u = 0; !kcols && u < p->nunique; u++) {
        const sql_unique_t *ix = &p->uniques[u];
        if (!ix->unique || ix->ncols != n) continue;
        bool all = true;
        for (int i = 0; i < n && all; i++) {
            bool in = false;
            for (int j = 0; j < n; j++) in |= ix->cols[i] == refcols[j];
            all = in;
        }
        if (all) {
            kcols = ix->cols;
            nk = ix->ncols;
            index_id = ix->index_id;
        }
    }
    if (!kcols) return orb_err_set(err, INTERNAL_ERROR, "foreign key without a unique key in \"%s\"", p->name);
    Orbit__Datum **key = sql_pb_datums(xc->mcx, nk);
    for (int i = 0; i < nk; i++) {
        int j = 0;
        while (refcols[j] != kcols[i]) j++;
        sql_value_t v = vals[cols[j]];
        uint32_t pt = p->cols[kcols[i]].type;
        if (ctypes[j] != pt) {
            sql_value_t cv;
            if (sql_value_cast(ctypes[j], pt, -1, &v, xc->mcx, &cv, err) != 0) return -1;
            v = cv;
        }
        key[i] = sql_pb_datum(xc->mcx, pt, &v);
    }
    act_call_t *call;
    Orbit__OpResult *r;
    int rc = sql_shard_get(xc, p, index_id, key, nk, true, &call, &r, err);
    if (rc == 0) *found = r->n_rows > 0;
    act_call_free(call);
    return rc;
}

int sql_constraints_row(sql_exec_ctx_t *xc, const sql_query_t *q, const sql_value_t *vals,
                        orb_err_t *err) {
    const sql_table_t *t = q->table;
    for (int i = 0; i < t->nchecks && q->checks; i++) {
        sql_eval_ctx_t ec = sql_eval_ctx(xc, vals);
        sql_value_t v;
        if (sql_expr_eval(&ec, q->checks[i], &v, err) != 0) return -1;
        if (v.isnull || v.v.b) continue; /* NULL passes, as in PostgreSQL */
        orb_err_set(err, CHECK_VIOLATION, "new row for relation \"%s\" violates check constraint \"%s\"", t->name,
                    t->checks[i]->name);
        orb_err_detail(err, "Failing row contains %s.", row_text(xc->mcx, t, vals));
        snprintf(err->table, sizeof err->table, "%s", t->name);
        snprintf(err->constraint, sizeof err->constraint, "%s", t->checks[i]->name);
        return -1;
    }
    return 0;
}

int sql_constraints_fk(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_value_t *vals,
                       orb_err_t *err) {
    for (int f = 0; f < t->nfks; f++) {
        const Orbit__ForeignKeyDesc *fk = t->fks[f];
        int n = (int)fk->n_columns;
        const int *cols = t->fk_cols[f];
        bool null = false;
        for (int i = 0; i < n; i++) null |= vals[cols[i]].isnull;
        if (null) continue; /* MATCH SIMPLE: a NULL column skips the check */
        sql_table_t *p = fk->ref_table_id == t->id ? NULL : table_by_id(sql_session_engine(xc->sess), fk->ref_table_id);
        const sql_table_t *pp = p ? p : t;
        int *refcols = orb_alloc0(xc->mcx, sizeof(int) * (size_t)(n + 1));
        uint32_t *ctypes = orb_alloc0(xc->mcx, sizeof(uint32_t) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            refcols[i] = live_pos(pp, fk->ref_columns[i]);
            ctypes[i] = t->cols[cols[i]].type;
        }
        bool found = false;
        int rc = parent_has(xc, pp, refcols, n, ctypes, vals, cols, &found, err);
        if (p) sql_table_release(p);
        if (rc != 0) return -1;
        if (found) continue;
        /* a self-reference to the row itself is satisfied (e.g. a root row) */
        if (!p) {
            bool same = true;
            for (int i = 0; i < n && same; i++)
                same = sql_value_cmp(t->cols[cols[i]].type, &vals[cols[i]], &vals[refcols[i]]) == 0;
            if (same) continue;
        }
        orb_err_set(err, FOREIGN_KEY_VIOLATION, "insert or update on table \"%s\" violates foreign key constraint \"%s\"",
                    t->name, fk->name);
        orb_err_detail(err, "%s", key_text(xc->mcx, t, cols, n, vals, ""));
        /* "Key (a)=(1) is not present in table "p"." */
        size_t l = strlen(err->detail);
        snprintf(err->detail + l, sizeof err->detail - l, "is not present in table \"%s\".", pp->name);
        snprintf(err->table, sizeof err->table, "%s", t->name);
        snprintf(err->constraint, sizeof err->constraint, "%s", fk->name);
        return -1;
    }
    return 0;
}

typedef struct child_scan {
    orb_mcx_t *mcx;
    const sql_table_t *child;
    const int *cols;
    const int *refcols;
    int n;
    const sql_value_t *key; /* the parent's row */
    const sql_table_t *parent;
    bool found;
} child_scan_t;

static int child_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    (void)key;
    child_scan_t *cs = arg;
    for (int i = 0; i < cs->n; i++) {
        const sql_value_t *a = &row[cs->cols[i]], *b = &cs->key[cs->refcols[i]];
        if (a->isnull || b->isnull) return 0;
        uint32_t ta = cs->child->cols[cs->cols[i]].type, tb = cs->parent->cols[cs->refcols[i]].type;
        sql_value_t ca = *a;
        if (ta != tb) {
            orb_err_t e;
            if (sql_value_cast(ta, tb, -1, a, cs->mcx, &ca, &e) != 0) return 0;
        }
        if (sql_value_cmp(tb, &ca, b) != 0) return 0;
    }
    cs->found = true;
    return SQL_SCAN_STOP;
}

int sql_constraints_parent(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_value_t *old,
                           const sql_value_t *nw, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(xc->sess);
    /* the tables whose foreign keys reference t */
    sql_table_t **kids = NULL;
    int nkids = 0;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *c = e->tables[i];
        for (int f = 0; f < c->nfks; f++)
            if (c->fks[f]->ref_table_id == t->id) {
                kids = realloc(kids, sizeof *kids * (size_t)(nkids + 1));
                kids[nkids++] = c;
                atomic_fetch_add(&c->refs, 1);
                break;
            }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    int rc = 0;
    for (int k = 0; k < nkids && rc == 0; k++) {
        sql_table_t *c = kids[k];
        for (int f = 0; f < c->nfks && rc == 0; f++) {
            const Orbit__ForeignKeyDesc *fk = c->fks[f];
            if (fk->ref_table_id != t->id) continue;
            int n = (int)fk->n_columns;
            int *refcols = orb_alloc0(xc->mcx, sizeof(int) * (size_t)(n + 1));
            bool changed = nw == NULL;
            for (int i = 0; i < n; i++) {
                refcols[i] = live_pos(t, fk->ref_columns[i]);
                if (nw && (old[refcols[i]].isnull != nw[refcols[i]].isnull ||
                           (!old[refcols[i]].isnull &&
                            sql_value_cmp(t->cols[refcols[i]].type, &old[refcols[i]], &nw[refcols[i]]) != 0)))
                    changed = true;
            }
            if (!changed) continue;
            child_scan_t cs = {.mcx = xc->mcx, .child = c, .cols = c->fk_cols[f], .refcols = refcols, .n = n, .key = old, .parent = t};
            sql_path_t all = {.access = SQL_ACCESS_FULL};
            rc = sql_shard_scan(xc, c, &all, 0, c->ncols, false, child_cb, &cs, err);
            if (rc == 0 && cs.found) {
                rc = orb_err_set(err, FOREIGN_KEY_VIOLATION,
                                 "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
                                 t->name, fk->name, c->name);
                orb_err_detail(err, "%s", key_text(xc->mcx, t, refcols, n, old, "is still referenced from table "));
                size_t l = strlen(err->detail);
                snprintf(err->detail + l, sizeof err->detail - l, "\"%s\".", c->name);
                snprintf(err->table, sizeof err->table, "%s", t->name);
                snprintf(err->constraint, sizeof err->constraint, "%s", fk->name);
            }
        }
    }
    for (int k = 0; k < nkids; k++) sql_table_release(kids[k]);
    free(kids);
    return rc;
}

bool sql_table_is_referenced(sql_engine_t *e, const sql_table_t *t, char *by, size_t byn,
                             char *detail, size_t detn) {
    bool ref = false;
    size_t off = 0;
    if (detn) detail[0] = 0;
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *c = e->tables[i];
        if (c->id == t->id) continue;
        for (int f = 0; f < c->nfks; f++)
            if (c->fks[f]->ref_table_id == t->id) {
                if (!ref) snprintf(by, byn, "%s", c->name);
                ref = true;
                /* one DETAIL line per constraint, as PostgreSQL lists them */
                if (off < detn)
                    off += (size_t)snprintf(detail + off, detn - off, "%sconstraint %s on table %s depends on table %s",
                                            off ? "\n" : "", c->fks[f]->name, c->name, t->name);
            }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    return ref;
}
