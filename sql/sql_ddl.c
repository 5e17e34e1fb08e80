/* sql/sql_ddl.c — CREATE TABLE, DROP TABLE/SEQUENCE/SCHEMA (dispatch) and TRUNCATE: column
 * types, NOT NULL, DEFAULT (stored as deparsed SQL), PRIMARY KEY, UNIQUE, serial and identity
 * columns (sequences in actors/, named <table>_<col>_seq in the catalog), WITH (shards = n).
 * Entry points: sql_exec_create_table, sql_exec_drop, sql_exec_truncate. DDL and TRUNCATE
 * commit on their own, immediately (docs/sql-compatibility.md). See README.md ("Catalog"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"
#include "sql_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct coldraft {
    Orbit__ColumnDesc *cd;
    bool serial;
    int64_t seq_start, seq_inc;
    bool has_seq_opts;
} coldraft_t;

static char *mstr(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) orb_panic("out of memory");
    return p;
}

static int add_key(int **list, int *n, int col) {
    for (int i = 0; i < *n; i++)
        if ((*list)[i] == col) return 0;
    *list = realloc(*list, sizeof(int) * (size_t)(*n + 1));
    (*list)[(*n)++] = col;
    return 0;
}

static int find_col(coldraft_t *cols, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(cols[i].cd->name, name) == 0) return i;
    return -1;
}

typedef struct uniq_draft {
    char *name;
    int *cols;
    int ncols;
} uniq_draft_t;

static void seq_options(PgQuery__Node **opts, size_t n, coldraft_t *c) {
    for (size_t i = 0; i < n; i++) {
        PgQuery__DefElem *d = opts[i]->def_elem;
        if (!d->arg) continue;
        int64_t v = 0;
        if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER)
            v = d->arg->integer->ival;
        else if (d->arg->node_case == PG_QUERY__NODE__NODE_FLOAT)
            v = strtoll(d->arg->float_->fval, NULL, 10);
        else
            continue;
        if (strcmp(d->defname, "start") == 0) c->seq_start = v, c->has_seq_opts = true;
        if (strcmp(d->defname, "increment") == 0) c->seq_inc = v, c->has_seq_opts = true;
    }
}

static void free_drafts(coldraft_t *cols, int ncols, uniq_draft_t *u, int nu, int *pk) {
    for (int i = 0; i < ncols; i++)
        if (cols[i].cd) orbit__column_desc__free_unpacked(cols[i].cd, NULL);
    free(cols);
    for (int i = 0; i < nu; i++) {
        free(u[i].name);
        free(u[i].cols);
    }
    free(u);
    free(pk);
}

/* Names the sequences of serial and identity columns <table>_<col>_seq in the catalog, as
 * PostgreSQL does, so nextval('t_id_seq') and friends find them. */
static int register_owned_seqs(sql_engine_t *e, const Orbit__TableDesc *d, const coldraft_t *cols,
                               orb_err_t *err) {
    for (size_t i = 0; i < d->n_columns; i++) {
        const Orbit__ColumnDesc *c = d->columns[i];
        if (!c->seq_id) continue;
        sql_seq_def_t sd;
        memset(&sd, 0, sizeof sd);
        if (sql_sequence_owned_name(e, d->schema, d->name, c->name, sd.name, sizeof sd.name, err) != 0)
            return -1;
        snprintf(sd.schema, sizeof sd.schema, "%s", d->schema);
        sd.id = c->seq_id;
        sd.type = c->type_oid;
        sd.start = cols[i].seq_start;
        sd.increment = cols[i].seq_inc ? cols[i].seq_inc : 1;
        sd.min_value = 1;
        sd.max_value = c->type_oid == SQL_OID_INT2   ? 32767
                       : c->type_oid == SQL_OID_INT4 ? 2147483647
                                                     : INT64_MAX;
        sd.cache = 1;
        sd.owner_table = d->table_id;
        sd.owner_attnum = (int32_t)(i + 1);
        sd.identity = c->identity != 0;
        if (sql_sequence_store(e, &sd, err) != 0) return -1;
    }
    return 0;
}

int sql_exec_create_table(sql_session_t *s, PgQuery__CreateStmt *cs, orb_mcx_t *mcx,
                          const char *text, orb_err_t *err) {
    (void)text;
    sql_engine_t *e = sql_session_engine(s);
    act_runtime_t *rt = sql_session_rt(s);
    PgQuery__RangeVar *rv = cs->relation;
    /* the schema named, or the first existing one of search_path */
    char schema_buf[64];
    if (sql_catalog_creation_schema(s, rv->schemaname, schema_buf, sizeof schema_buf, err) != 0)
        return sql_err_at(err, rv->location);
    const char *schema = schema_buf;
    if (rv->relpersistence && rv->relpersistence[0] == 't')
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "temporary tables are not supported yet");
    if (cs->n_inh_relations || cs->partspec || cs->partbound || cs->of_typename)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "inheritance and partitioning are not supported yet");
    if (strlen(rv->relname) > 63) {
        orb_err_set(err, NAME_TOO_LONG, "identifier too long");
        return -1;
    }
    sql_table_t *existing = sql_catalog_get(e, schema, rv->relname);
    bool seq_named = false;
    sql_seq_def_t seq_same;
    if (!existing && sql_sequence_lookup(e, schema, rv->relname, &seq_same, &seq_named, err) != 0)
        return -1;
    if (existing || seq_named) {
        sql_table_release(existing);
        if (cs->if_not_exists) {
            sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists, skipping",
                               rv->relname);
            return 0;
        }
        orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", rv->relname);
        return -1;
    }
    uint32_t nshards = e->cfg.default_shards ? e->cfg.default_shards : 4;
    for (size_t i = 0; i < cs->n_options; i++) {
        PgQuery__DefElem *d = cs->options[i]->def_elem;
        if (strcmp(d->defname, "shards") == 0) {
            long v = -1;
            if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) v = d->arg->integer->ival;
            if (v < 1 || v > 4096) {
                orb_err_set(err, INVALID_PARAMETER_VALUE, "value for \"shards\" must be an integer between 1 and 4096");
                return sql_err_at(err, d->location);
            }
            nshards = (uint32_t)v;
        } else if (strcmp(d->defname, "fillfactor") == 0 || strcmp(d->defname, "autovacuum_enabled") == 0) {
            /* storage tuning parameters of PostgreSQL's heap: accepted, no effect here */
        } else {
            orb_err_set(err, INVALID_PARAMETER_VALUE, "unrecognized parameter \"%s\"", d->defname);
            return -1;
        }
    }

    int ncols = 0;
    coldraft_t *cols = calloc(cs->n_table_elts + 1, sizeof *cols);
    int *pk = NULL, npk = 0;
    bool have_pk = false;
    char *pk_name = NULL;
    uniq_draft_t *uniq = NULL;
    int nuniq = 0;
    /* CHECK and FOREIGN KEY constraints are added once the columns exist */
    PgQuery__Constraint **later = calloc(cs->n_table_elts * 8 + 8, sizeof *later);
    const char **later_col = calloc(cs->n_table_elts * 8 + 8, sizeof *later_col);
    int nlater = 0;
    int rc = -1;
#define FAIL goto out
    /* columns first, so table constraints can name any of them */
    for (size_t i = 0; i < cs->n_table_elts; i++) {
        PgQuery__Node *n = cs->table_elts[i];
        if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
        PgQuery__ColumnDef *cd = n->column_def;
        if (find_col(cols, ncols, cd->colname) >= 0) {
            orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" specified more than once", cd->colname);
            FAIL;
        }
        coldraft_t *c = &cols[ncols];
        c->cd = malloc(sizeof *c->cd);
        orbit__column_desc__init(c->cd);
        ncols++;
        c->cd->name = mstr(cd->colname);
        c->cd->default_expr = mstr("");
        c->cd->attnum = (uint32_t)ncols;
        c->seq_start = 1;
        c->seq_inc = 1;
        PgQuery__TypeName *tn = cd->type_name;
        const char *tname = sql_str_of(tn->names[tn->n_names - 1]);
        sql_analyze_ctx_t ac = {.mcx = mcx, .sess = s, .text = text};
        if (tn->n_names == 1 && tname &&
            (strcmp(tname, "serial") == 0 || strcmp(tname, "bigserial") == 0 ||
             strcmp(tname, "smallserial") == 0 || strcmp(tname, "serial4") == 0 ||
             strcmp(tname, "serial8") == 0 || strcmp(tname, "serial2") == 0)) {
            c->serial = true;
            c->cd->type_oid = (tname[0] == 'b' || tname[6] == '8') ? SQL_OID_INT8
                              : (tname[1] == 'm' || tname[6] == '2') ? SQL_OID_INT2
                                                                     : SQL_OID_INT4;
            c->cd->typmod = -1;
            c->cd->not_null = true;
        } else {
            uint32_t oid;
            int32_t typmod;
            if (sql_expr_resolve_type(&ac, tn, &oid, &typmod, err) != 0) FAIL;
            c->cd->type_oid = oid;
            c->cd->typmod = typmod;
        }
        if (cd->is_not_null) c->cd->not_null = true;
        if (cd->raw_default) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "raw column defaults are not supported");
            FAIL;
        }
        for (size_t k = 0; k < cd->n_constraints; k++) {
            PgQuery__Constraint *con = cd->constraints[k]->constraint;
            switch (con->contype) {
            case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
                c->cd->not_null = true;
                break;
            case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
                break;
            case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: {
                if (c->serial) {
                    orb_err_set(err, SYNTAX_ERROR, "multiple default values specified for column \"%s\" of table \"%s\"",
                                cd->colname, rv->relname);
                    FAIL;
                }
                /* check it now: no column references, and coercible to the column type */
                sql_scope_t sc = {0};
                sql_expr_t *ex, *co;
                if (sql_expr_analyze(&ac, &sc, con->raw_expr, &ex, err) != 0) FAIL;
                if (ex->type != SQL_OID_UNKNOWN && ex->type != c->cd->type_oid &&
                    !sql_cast_allowed(ex->type, c->cd->type_oid, SQL_CAST_ASSIGNMENT)) {
                    orb_err_set(err, DATATYPE_MISMATCH,
                                "column \"%s\" is of type %s but default expression is of type %s",
                                cd->colname, sql_type_format(c->cd->type_oid, -1, mcx),
                                sql_type_format(ex->type, -1, mcx));
                    orb_err_hint(err, "You will need to rewrite or cast the expression.");
                    FAIL;
                }
                if (sql_expr_coerce(&ac, ex, c->cd->type_oid, c->cd->typmod, SQL_CAST_ASSIGNMENT, &co, err) != 0)
                    FAIL;
                char *sqltext = sql_deparse_expr(con->raw_expr, mcx, err);
                if (!sqltext) FAIL;
                free(c->cd->default_expr);
                c->cd->default_expr = mstr(sqltext);
                c->cd->has_default = true;
                break;
            }
            case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
                if (c->cd->type_oid != SQL_OID_INT2 && c->cd->type_oid != SQL_OID_INT4 &&
                    c->cd->type_oid != SQL_OID_INT8) {
                    orb_err_set(err, INVALID_PARAMETER_VALUE,
                                "identity column type must be smallint, integer, or bigint");
                    FAIL;
                }
                c->cd->identity = con->generated_when && con->generated_when[0] == 'd' ? 'd' : 'a';
                c->cd->not_null = true;
                seq_options(con->options, con->n_options, c);
                break;
            case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
                if (have_pk) {
                    orb_err_set(err, INVALID_TABLE_DEFINITION,
                                "multiple primary keys for table \"%s\" are not allowed", rv->relname);
                    sql_err_at(err, con->location);
                    FAIL;
                }
                have_pk = true;
                add_key(&pk, &npk, ncols - 1);
                c->cd->not_null = true;
                if (con->conname && con->conname[0]) pk_name = mstr(con->conname);
                break;
            case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
                uniq = realloc(uniq, sizeof *uniq * (size_t)(nuniq + 1));
                uniq_draft_t *u = &uniq[nuniq++];
                memset(u, 0, sizeof *u);
                add_key(&u->cols, &u->ncols, ncols - 1);
                u->name = con->conname && con->conname[0] ? mstr(con->conname) : NULL;
                break;
            }
            case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
                later[nlater] = con;
                later_col[nlater++] = cd->colname;
                break;
            case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
                orb_err_set(err, FEATURE_NOT_SUPPORTED, "generated columns are not supported yet");
                FAIL;
            default:
                break; /* deferrable attributes: accepted */
            }
        }
        if (c->cd->has_default && c->cd->identity) {
            orb_err_set(err, SYNTAX_ERROR, "both default and identity specified for column \"%s\" of table \"%s\"",
                        cd->colname, rv->relname);
            FAIL;
        }
    }
    if (ncols > 1600) {
        orb_err_set(err, TOO_MANY_COLUMNS, "tables can have at most 1600 columns");
        FAIL;
    }
    /* table constraints */
    for (size_t i = 0; i < cs->n_table_elts; i++) {
        PgQuery__Node *n = cs->table_elts[i];
        if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "LIKE and other table elements are not supported yet");
            FAIL;
        }
        PgQuery__Constraint *con = n->constraint;
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
            con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
            int *keys = NULL, nkeys = 0;
            for (size_t k = 0; k < con->n_keys; k++) {
                const char *kn = sql_str_of(con->keys[k]);
                int ci = kn ? find_col(cols, ncols, kn) : -1;
                if (ci < 0) {
                    orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" named in key does not exist", kn ? kn : "?");
                    sql_err_at(err, con->location);
                    free(keys);
                    FAIL;
                }
                add_key(&keys, &nkeys, ci);
            }
            if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
                if (have_pk) {
                    orb_err_set(err, INVALID_TABLE_DEFINITION,
                                "multiple primary keys for table \"%s\" are not allowed", rv->relname);
                    sql_err_at(err, con->location);
                    free(keys);
                    FAIL;
                }
                have_pk = true;
                free(pk);
                pk = keys;
                npk = nkeys;
                for (int k = 0; k < npk; k++) cols[pk[k]].cd->not_null = true;
                if (con->conname && con->conname[0]) pk_name = mstr(con->conname);
            } else {
                uniq = realloc(uniq, sizeof *uniq * (size_t)(nuniq + 1));
                uniq_draft_t *u = &uniq[nuniq++];
                u->cols = keys;
                u->ncols = nkeys;
                u->name = con->conname && con->conname[0] ? mstr(con->conname) : NULL;
            }
        } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
                   con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
            later[nlater] = con;
            later_col[nlater++] = NULL;
        } else {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "this table constraint is not supported yet");
            FAIL;
        }
    }

    /* the descriptor */
    Orbit__TableDesc *d = malloc(sizeof *d);
    orbit__table_desc__init(d);
    uint32_t id;
    if (act_oid_next(rt, &id, err) != 0) {
        free(d);
        FAIL;
    }
    d->table_id = id;
    d->name = mstr(rv->relname);
    d->schema = mstr(schema);
    d->nshards = nshards;
    d->version = 1;
    d->n_columns = (size_t)ncols;
    d->columns = calloc((size_t)ncols + 1, sizeof *d->columns);
    for (int i = 0; i < ncols; i++) {
        coldraft_t *c = &cols[i];
        if (c->serial || c->cd->identity) {
            uint32_t sid;
            if (act_oid_next(rt, &sid, err) != 0) goto out_desc;
            int64_t maxv = c->cd->type_oid == SQL_OID_INT2   ? 32767
                           : c->cd->type_oid == SQL_OID_INT4 ? 2147483647
                                                             : INT64_MAX;
            if (act_seq_create(rt, sid, c->seq_start, c->seq_inc ? c->seq_inc : 1, 1, maxv, err) != 0)
                goto out_desc;
            c->cd->seq_id = sid;
        }
        d->columns[i] = c->cd;
        c->cd = NULL;
    }
    d->n_pk_columns = (size_t)npk;
    d->pk_columns = calloc((size_t)npk + 1, sizeof(uint32_t));
    for (int i = 0; i < npk; i++) d->pk_columns[i] = (uint32_t)pk[i];
    if (have_pk) {
        char buf[200];
        snprintf(buf, sizeof buf, "%s_pkey", rv->relname);
        d->pk_name = pk_name ? pk_name : mstr(buf);
        pk_name = NULL;
    } else {
        d->pk_name = mstr("");
        uint32_t sid;
        if (act_oid_next(rt, &sid, err) != 0) goto out_desc;
        if (act_seq_create(rt, sid, 1, 1, 1, INT64_MAX, err) != 0) goto out_desc;
        d->rowid_seq = sid;
    }
    d->n_indexes = (size_t)nuniq;
    d->indexes = calloc((size_t)nuniq + 1, sizeof *d->indexes);
    for (int u = 0; u < nuniq; u++) {
        Orbit__IndexDesc *x = malloc(sizeof *x);
        orbit__index_desc__init(x);
        x->index_id = (uint32_t)(u + 1);
        if (uniq[u].name) {
            x->name = uniq[u].name;
            uniq[u].name = NULL;
        } else {
            char buf[400];
            int off = snprintf(buf, sizeof buf, "%s", rv->relname);
            for (int k = 0; k < uniq[u].ncols && off < (int)sizeof buf; k++)
                off += snprintf(buf + off, sizeof buf - (size_t)off, "_%s", d->columns[uniq[u].cols[k]]->name);
            snprintf(buf + off, sizeof buf - (size_t)(off < (int)sizeof buf ? off : 0), "_key");
            x->name = mstr(buf);
        }
        x->unique = true;
        x->is_constraint = true; /* DROP INDEX refuses it; DROP CONSTRAINT removes it */
        x->n_columns = (size_t)uniq[u].ncols;
        x->columns = calloc((size_t)uniq[u].ncols + 1, sizeof(uint32_t));
        for (int k = 0; k < uniq[u].ncols; k++) x->columns[k] = (uint32_t)uniq[u].cols[k];
        if (act_oid_next(rt, &x->oid, err) != 0) {
            d->indexes[u] = x;
            goto out_desc;
        }
        d->indexes[u] = x;
    }
    for (int k = 0; k < nlater; k++) {
        PgQuery__Constraint *con = later[k];
        int crc = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK
                      ? sql_check_add(s, d, con, mcx, err)
                      : sql_fk_add(s, d, con, later_col[k], mcx, err);
        if (crc != 0) goto out_desc;
    }
    bool existed;
    rc = sql_catalog_create_table(e, d, cs->if_not_exists, &existed, err);
    if (rc == 0 && existed)
        sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists, skipping",
                           rv->relname);
    if (rc == 0 && !existed) rc = register_owned_seqs(e, d, cols, err);
out_desc:
    orbit__table_desc__free_unpacked(d, NULL);
out:
    free(later);
    free(later_col);
    free(pk_name);
    free_drafts(cols, ncols, uniq, nuniq, pk);
    return rc;
#undef FAIL
}

int sql_ddl_drop_table(sql_session_t *s, sql_table_t *t, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    if (sql_catalog_drop_table(e, t->schema, t->name, err) != 0) return -1;
    return sql_sequence_forget_owned(e, t->schema, t->id, err);
}

/* Resolves a DROP/TRUNCATE name list to (schema, name); a missing schema is 3F000. */
static int name_of(sql_engine_t *e, const PgQuery__List *l, const char **schema, const char **name,
                   bool *schema_ok, orb_err_t *err) {
    *name = sql_str_of(l->items[l->n_items - 1]);
    *schema = l->n_items > 1 ? sql_str_of(l->items[l->n_items - 2]) : NULL;
    *schema_ok = true;
    if (*schema) return sql_schema_exists(e, *schema, schema_ok, err);
    return 0;
}

int sql_exec_drop(sql_session_t *s, PgQuery__DropStmt *ds, orb_mcx_t *mcx, orb_err_t *err) {
    (void)mcx;
    sql_engine_t *e = sql_session_engine(s);
    if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE)
        return sql_exec_drop_sequences(s, ds, err);
    if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA)
        return sql_exec_drop_schemas(s, ds, err);
    if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW)
        return sql_exec_drop_views(s, ds, err);
    if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "only DROP TABLE, VIEW, SEQUENCE and SCHEMA are supported yet");
    bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    /* check all first, as PostgreSQL does, so a missing table drops nothing */
    for (size_t i = 0; i < ds->n_objects; i++) {
        const char *schema, *name;
        bool schema_ok;
        if (name_of(e, ds->objects[i]->list, &schema, &name, &schema_ok, err) != 0) return -1;
        if (!schema_ok) {
            if (ds->missing_ok) continue;
            return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", schema);
        }
        sql_table_t *t = sql_catalog_resolve(s, schema, name);
        if (t) {
            int rc = 0;
            if (t->view_sql) {
                orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", name);
                orb_err_hint(err, "Use DROP VIEW to remove a view.");
                rc = -1;
            } else if (sql_acl_check_owner(s, t, NULL, NULL, err) != 0) {
                rc = -1;
            } else if (!cascade) {
                rc = sql_view_check_dependents(s, t, "table", false, err); /* 2BP01 */
            }
            char by[64], fkdetail[ORB_ERR_DETAIL_MAX];
            if (rc == 0 && sql_table_is_referenced(e, t, by, sizeof by, fkdetail, sizeof fkdetail)) {
                /* another table's foreign key needs this one */
                bool dropped_too = false;
                for (size_t k = 0; k < ds->n_objects; k++) {
                    PgQuery__List *l = ds->objects[k]->list;
                    const char *nm = sql_str_of(l->items[l->n_items - 1]);
                    if (nm && strcmp(nm, by) == 0) dropped_too = true;
                }
                if (!dropped_too) {
                    if (cascade) {
                        orb_err_set(err, FEATURE_NOT_SUPPORTED,
                                    "DROP TABLE ... CASCADE of a table referenced by a foreign key is not supported yet");
                    } else {
                        orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                                    "cannot drop table %s because other objects depend on it", name);
                        orb_err_detail(err, "%s", fkdetail);
                        orb_err_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
                    }
                    rc = -1;
                }
            }
            sql_table_release(t);
            if (rc != 0) return -1;
            continue;
        }
        bool is_seq;
        sql_seq_def_t sd;
        if (sql_sequence_lookup(e, schema, name, &sd, &is_seq, err) != 0) return -1;
        if (is_seq) {
            orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", name);
            orb_err_hint(err, "Use DROP SEQUENCE to remove a sequence.");
            return -1;
        }
        if (!ds->missing_ok) return orb_err_set(err, UNDEFINED_TABLE, "table \"%s\" does not exist", name);
    }
    for (size_t i = 0; i < ds->n_objects; i++) {
        const char *schema, *name;
        bool schema_ok;
        if (name_of(e, ds->objects[i]->list, &schema, &name, &schema_ok, err) != 0) return -1;
        if (!schema_ok) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "schema \"%s\" does not exist, skipping", schema);
            continue;
        }
        sql_table_t *t = sql_catalog_resolve(s, schema, name);
        if (!t) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "table \"%s\" does not exist, skipping", name);
            continue;
        }
        int rc = sql_view_check_dependents(s, t, "table", cascade, err);
        if (rc == 0) rc = sql_ddl_drop_table(s, t, err);
        sql_table_release(t);
        if (rc != 0) return -1;
    }
    return 0;
}

/* TRUNCATE: a durable range delete of every row and index entry of each table (not
 * transactional, like DDL here); RESTART IDENTITY resets the owned sequences to START. */
int sql_exec_truncate(sql_session_t *s, PgQuery__TruncateStmt *ts, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    sql_table_t **tabs = calloc(ts->n_relations + 1, sizeof *tabs);
    if (!tabs) orb_panic("out of memory");
    size_t n = 0;
    int rc = 0;
    /* resolve all first: a missing table truncates nothing */
    for (size_t i = 0; i < ts->n_relations && rc == 0; i++) {
        PgQuery__RangeVar *rv = ts->relations[i]->range_var;
        const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
        bool ok = true;
        if (schema && (rc = sql_schema_exists(e, schema, &ok, err)) != 0) break;
        if (!ok) {
            rc = orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", schema);
            break;
        }
        sql_table_t *t = sql_catalog_resolve(s, schema, rv->relname);
        if (t && t->view_sql) {
            rc = orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", rv->relname);
            sql_table_release(t);
            break;
        }
        if (t && (rc = sql_acl_check(s, t, SQL_ACL_TRUNCATE, err)) != 0) {
            sql_table_release(t);
            break;
        }
        if (!t) {
            bool is_seq;
            sql_seq_def_t sd;
            if ((rc = sql_sequence_lookup(e, schema, rv->relname, &sd, &is_seq, err)) != 0) break;
            if (is_seq)
                rc = orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table", rv->relname);
            else if (schema)
                rc = orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema, rv->relname);
            else
                rc = orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
            break;
        }
        tabs[n++] = t;
    }
    /* a table another table's foreign key references goes only together with it */
    for (size_t i = 0; i < n && rc == 0; i++) {
        char by[64], detail[ORB_ERR_DETAIL_MAX];
        if (!sql_table_is_referenced(e, tabs[i], by, sizeof by, detail, sizeof detail)) continue;
        bool with = false;
        for (size_t k = 0; k < n; k++) with |= strcmp(tabs[k]->name, by) == 0;
        if (with) continue;
        rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot truncate a table referenced in a foreign key constraint");
        orb_err_detail(err, "Table \"%s\" references \"%s\".", by, tabs[i]->name);
        orb_err_hint(err, "Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.", by);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        sql_table_t *t = tabs[i];
        rc = sql_vindex_forget_all(e->rt, t, err);
        if (rc == 0) rc = act_table_drop_data(e->rt, t->id, err);
        if (rc == 0) sql_stats_set_live(e, t->id, 0);
        if (rc != 0 || !ts->restart_seqs) continue;
        sql_seq_def_t *seqs = NULL;
        int ns = 0;
        if ((rc = sql_sequence_list(e, t->schema, &seqs, &ns, err)) != 0) break;
        for (int c = 0; c < t->ncols && rc == 0; c++) {
            if (!t->cols[c].seq_id) continue;
            bool done = false;
            for (int k = 0; k < ns && rc == 0; k++) {
                if (seqs[k].id != t->cols[c].seq_id) continue;
                rc = sql_sequence_restart(e, &seqs[k], err);
                done = true;
            }
            if (!done && rc == 0) { /* a table created before sequences were named */
                int64_t maxv = t->cols[c].type == SQL_OID_INT2   ? 32767
                               : t->cols[c].type == SQL_OID_INT4 ? 2147483647
                                                                 : INT64_MAX;
                rc = act_seq_create(e->rt, t->cols[c].seq_id, 1, 1, 1, maxv, err);
            }
        }
        free(seqs);
    }
    for (size_t i = 0; i < n; i++) sql_table_release(tabs[i]);
    free(tabs);
    return rc;
}
