/* sql/sql_view.c — views: CREATE [OR REPLACE] VIEW v [(cols)] AS SELECT ..., DROP VIEW
 * [IF EXISTS] a [, ...] [CASCADE], and the dependency checks DROP TABLE/VIEW make.
 *
 * A view is a catalog table record (TableDesc) with view_sql set: the deparsed text of its
 * SELECT, its output columns (name, type) and view_deps, the ids of the relations its
 * analysis resolved (recorded by sql_catalog_resolve). It shares the relation namespace with
 * tables and sequences. A query reading a view parses and analyzes the text again, as a
 * subquery in FROM (sql_from.c, analyze_range_var -> sql_view_analyze). Relations a view
 * reads cannot be dropped (2BP01, as PostgreSQL) unless CASCADE drops the view too.
 * Entry points: sql_ddl_int.h. See README.md ("ALTER TABLE and views"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstr(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) orb_panic("out of memory");
    return p;
}

/* The SQL text of a SELECT statement node (libpg_query's deparser). */
static char *deparse_select(PgQuery__Node *sel, orb_mcx_t *mcx, orb_err_t *err) {
    PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
    raw.stmt = sel;
    PgQuery__RawStmt *stmts[1] = {&raw};
    PgQuery__ParseResult pr = PG_QUERY__PARSE_RESULT__INIT;
    pr.version = 150001;
    pr.n_stmts = 1;
    pr.stmts = stmts;
    size_t n = pg_query__parse_result__get_packed_size(&pr);
    char *buf = orb_alloc(mcx, n ? n : 1);
    pg_query__parse_result__pack(&pr, (uint8_t *)buf);
    PgQueryProtobuf pb = {.len = n, .data = buf};
    PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
    if (d.error) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot store this view: %s", d.error->message);
        pg_query_free_deparse_result(d);
        return NULL;
    }
    char *s = orb_strdup(mcx, d.query);
    pg_query_free_deparse_result(d);
    return s;
}

/* ---- binding names at CREATE VIEW ------------------------------------------------------- */

/* Calls fn on every message of the tree under m (protobuf-c reflection; only the set member
 * of a oneof is followed). */
static void walk_tree(ProtobufCMessage *m, void (*fn)(ProtobufCMessage *m, void *arg), void *arg) {
    fn(m, arg);
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
        char *base = (char *)m;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *)(base + f->quantifier_offset);
            ProtobufCMessage **arr = *(ProtobufCMessage ***)(base + f->offset);
            for (size_t k = 0; k < n; k++)
                if (arr[k]) walk_tree(arr[k], fn, arg);
            continue;
        }
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(uint32_t *)(base + f->quantifier_offset) != f->id)
            continue;
        ProtobufCMessage *sub = *(ProtobufCMessage **)(base + f->offset);
        if (sub) walk_tree(sub, fn, arg);
    }
}

typedef struct bind {
    sql_session_t *s;
    orb_mcx_t *mcx;
    const char **ctes;
    int nctes, cap;
} bind_t;

static void collect_ctes(ProtobufCMessage *m, void *arg) {
    bind_t *b = arg;
    if (m->descriptor != &pg_query__common_table_expr__descriptor) return;
    if (b->nctes == b->cap) {
        int nc = b->cap ? b->cap * 2 : 8;
        b->ctes = orb_realloc(b->mcx, b->ctes, sizeof *b->ctes * (size_t)b->cap, sizeof *b->ctes * (size_t)nc);
        b->cap = nc;
    }
    b->ctes[b->nctes++] = ((PgQuery__CommonTableExpr *)m)->ctename;
}

/* An unqualified relation gets the schema search_path finds it in now, as PostgreSQL binds a
 * view's relations when it is created (names of CTEs stay as they are). */
static void qualify(ProtobufCMessage *m, void *arg) {
    bind_t *b = arg;
    if (m->descriptor != &pg_query__range_var__descriptor) return;
    PgQuery__RangeVar *rv = (PgQuery__RangeVar *)m;
    if ((rv->schemaname && rv->schemaname[0]) || !rv->relname) return;
    for (int i = 0; i < b->nctes; i++)
        if (strcmp(b->ctes[i], rv->relname) == 0) return;
    bool rec = sql_catalog_deps_suspend();
    sql_table_t *t = sql_catalog_resolve(b->s, NULL, rv->relname);
    sql_catalog_deps_restore(rec);
    if (!t) return;
    rv->schemaname = orb_strdup(b->mcx, t->schema);
    sql_table_release(t);
}

/* Nesting of views being expanded on this thread (a view reading itself through CREATE OR
 * REPLACE would otherwise recurse forever). */
static _Thread_local int expand_depth;

int sql_view_analyze(struct sql_analyze_ctx *ac, const sql_table_t *v, struct sql_query **out,
                     orb_err_t *err) {
    if (expand_depth > 32)
        return orb_err_set(err, INVALID_OBJECT_DEFINITION, "infinite recursion detected in rules for relation \"%s\"",
                           v->name);
    PgQuery__ParseResult *pr;
    if (sql_parse(v->view_sql, ac->mcx, &pr, err) != 0) return -1;
    if (pr->n_stmts != 1 || pr->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return orb_err_set(err, DATA_CORRUPTED, "bad stored definition of view \"%s\"", v->name);
    /* the view's own scope: no outer CTEs, no correlation; positions are not the query's */
    sql_analyze_ctx_t vac = *ac;
    vac.ctes = NULL;
    vac.nctes = vac.ctecap = 0;
    vac.text = v->view_sql;
    bool corr = false;
    expand_depth++;
    bool rec = sql_catalog_deps_suspend();
    int rc = sql_analyze_subquery(&vac, NULL, pr->stmts[0]->stmt->select_stmt, out, &corr, err);
    sql_catalog_deps_restore(rec);
    expand_depth--;
    ac->param_types = vac.param_types;
    ac->nparams = vac.nparams;
    ac->param_cap = vac.param_cap;
    if (rc != 0) {
        err->position = 0;
        return -1;
    }
    if ((*out)->ntargets < v->ncols)
        return orb_err_set(err, OBJECT_NOT_IN_PREREQUISITE_STATE,
                           "view \"%s\" no longer matches the relations it reads", v->name);
    /* columns added to a table after the view was created (SELECT *) are not the view's */
    (*out)->ntargets = v->ncols;
    return 0;
}

/* "view v" / "table t", schema-qualified when the name alone would not find it. */
static void rel_desc(sql_session_t *s, orb_buf_t *b, const sql_table_t *t) {
    sql_table_t *vis = sql_catalog_resolve(s, NULL, t->name);
    bool qualify = !vis || vis->id != t->id;
    sql_table_release(vis);
    orb_buf_printf(b, "%s ", t->view_sql ? "view" : "table");
    if (qualify) orb_buf_printf(b, "%s.", t->schema);
    orb_buf_puts(b, t->name);
}

/* Every view reading t, directly or through other views, in PostgreSQL's report order;
 * each with the relation it depends on. References; caller releases. */
typedef struct dep {
    sql_table_t *view;
    sql_table_t *on; /* borrowed from the list (or t) */
} dep_t;

static void collect_rec(sql_engine_t *e, sql_table_t *on, uint32_t root, dep_t **list, int *cnt, int *cap) {
    sql_table_t **deps;
    int nd;
    sql_catalog_dependents(e, on->id, &deps, &nd);
    for (int i = 0; i < nd; i++) {
        bool seen = deps[i]->id == root;
        for (int k = 0; k < *cnt && !seen; k++) seen = (*list)[k].view->id == deps[i]->id;
        if (seen) {
            sql_table_release(deps[i]);
            continue;
        }
        if (*cnt == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *list = realloc(*list, sizeof **list * (size_t)*cap);
            if (!*list) orb_panic("out of memory");
        }
        (*list)[(*cnt)++] = (dep_t){.view = deps[i], .on = on};
        collect_rec(e, deps[i], root, list, cnt, cap); /* depth first, as PostgreSQL reports */
    }
    free(deps);
}

static int collect_deps(sql_engine_t *e, sql_table_t *t, dep_t **out, int *n) {
    dep_t *list = NULL;
    int cnt = 0, cap = 0;
    collect_rec(e, t, t->id, &list, &cnt, &cap);
    *out = list;
    *n = cnt;
    return 0;
}

static int drop_view_record(sql_session_t *s, sql_table_t *v, orb_err_t *err) {
    return sql_catalog_drop_table(sql_session_engine(s), v->schema, v->name, err);
}

int sql_view_check_dependents(sql_session_t *s, sql_table_t *t, const char *what, bool cascade,
                              orb_err_t *err) {
    dep_t *deps;
    int n;
    collect_deps(sql_session_engine(s), t, &deps, &n);
    int rc = 0;
    if (n > 0) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (!cascade) {
            for (int i = 0; i < n; i++) {
                if (i) orb_buf_puts(&b, "\n");
                rel_desc(s, &b, deps[i].view);
                orb_buf_puts(&b, " depends on ");
                rel_desc(s, &b, deps[i].on);
            }
            orb_buf_t m;
            orb_buf_init(&m);
            rel_desc(s, &m, t);
            /* "cannot drop table t because ..." without the object kind word repeated */
            const char *name = strchr(m.data, ' ') + 1;
            orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST, "cannot drop %s %s because other objects depend on it",
                        what, name);
            orb_err_detail(err, "%s", b.data);
            orb_err_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
            orb_buf_free(&m);
            rc = -1;
        } else {
            for (int i = 0; i < n; i++) {
                if (i) orb_buf_puts(&b, "\n");
                orb_buf_puts(&b, "drop cascades to ");
                rel_desc(s, &b, deps[i].view);
            }
            if (n == 1)
                sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "%s", b.data);
            else
                sql_session_notice_detail(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, b.data,
                                          "drop cascades to %d other objects", n);
            /* dependents first */
            for (int i = n; i-- > 0 && rc == 0;) rc = drop_view_record(s, deps[i].view, err);
        }
        orb_buf_free(&b);
    }
    for (int i = 0; i < n; i++) sql_table_release(deps[i].view);
    free(deps);
    return rc;
}

static int rel_missing(const char *schema, const char *name, orb_err_t *err) {
    (void)schema;
    return orb_err_set(err, UNDEFINED_TABLE, "view \"%s\" does not exist", name);
}

int sql_exec_drop_views(sql_session_t *s, PgQuery__DropStmt *ds, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    /* check all first, as PostgreSQL does, so an error drops nothing */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ds->n_objects; i++) {
            PgQuery__List *l = ds->objects[i]->list;
            const char *name = sql_str_of(l->items[l->n_items - 1]);
            const char *schema = l->n_items > 1 ? sql_str_of(l->items[l->n_items - 2]) : NULL;
            bool schema_ok = true;
            if (schema && sql_schema_exists(e, schema, &schema_ok, err) != 0) return -1;
            if (!schema_ok) {
                if (!ds->missing_ok)
                    return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", schema);
                if (pass == 1)
                    sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "schema \"%s\" does not exist, skipping",
                                       schema);
                continue;
            }
            sql_table_t *v = sql_catalog_resolve(s, schema, name);
            if (!v) {
                if (!ds->missing_ok) return rel_missing(schema, name, err);
                if (pass == 1)
                    sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "view \"%s\" does not exist, skipping",
                                       name);
                continue;
            }
            int rc = 0;
            if (!v->view_sql) {
                orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a view", name);
                orb_err_hint(err, "Use DROP TABLE to remove a table.");
                rc = -1;
            } else if (pass == 0 && sql_acl_check_owner(s, v, NULL, NULL, err) != 0) {
                rc = -1;
            } else if (pass == 0 && !cascade) {
                rc = sql_view_check_dependents(s, v, "view", false, err);
            } else if (pass == 1) {
                rc = sql_view_check_dependents(s, v, "view", cascade, err);
                if (rc == 0) rc = drop_view_record(s, v, err);
            }
            sql_table_release(v);
            if (rc != 0) return -1;
        }
    }
    return 0;
}

/* Column names of a view: the alias list, then the SELECT's names. */
int sql_exec_create_view(sql_session_t *s, PgQuery__ViewStmt *vs, orb_mcx_t *mcx, const char *text,
                         orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    PgQuery__RangeVar *rv = vs->view;
    if (rv->relpersistence && rv->relpersistence[0] == 't')
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "temporary views are not supported yet");
    if (vs->with_check_option == PG_QUERY__VIEW_CHECK_OPTION__LOCAL_CHECK_OPTION ||
        vs->with_check_option == PG_QUERY__VIEW_CHECK_OPTION__CASCADED_CHECK_OPTION)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "WITH CHECK OPTION is not supported yet");
    if (vs->n_options) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "view options are not supported yet");
    if (!vs->query || vs->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this view definition is not supported yet");
    if (strlen(rv->relname) > 63) return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    char schema[64];
    if (sql_catalog_creation_schema(s, rv->schemaname, schema, sizeof schema, err) != 0)
        return sql_err_at(err, rv->location);
    /* validate: analyze it as a query would, recording what it reads */
    sql_analyze_ctx_t ac = {.mcx = mcx, .sess = s, .text = text};
    sql_query_t *q = NULL;
    bool corr = false;
    sql_catalog_deps_begin();
    int rc = sql_analyze_subquery(&ac, NULL, vs->query->select_stmt, &q, &corr, err);
    uint32_t *deps = NULL;
    int ndeps = sql_catalog_deps_end(&deps);
    if (rc == 0 && ac.nparams > 0) rc = orb_err_set(err, UNDEFINED_PARAMETER, "there is no parameter $%d", 1);
    if (rc == 0 && (int)vs->n_aliases > q->ntargets)
        rc = orb_err_set(err, SYNTAX_ERROR, "CREATE VIEW specifies more column names than columns");
    const char **names = NULL;
    if (rc == 0) {
        names = orb_alloc0(mcx, sizeof *names * (size_t)(q->ntargets + 1));
        for (int i = 0; i < q->ntargets && rc == 0; i++) {
            names[i] = i < (int)vs->n_aliases ? sql_str_of(vs->aliases[i]) : q->targets[i].name;
            if (!names[i] || !names[i][0]) names[i] = "?column?";
            for (int k = 0; k < i && rc == 0; k++)
                if (strcmp(names[k], names[i]) == 0)
                    rc = orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" specified more than once", names[i]);
        }
    }
    if (rc == 0) {
        bind_t b = {.s = s, .mcx = mcx};
        walk_tree(&vs->query->base, collect_ctes, &b);
        walk_tree(&vs->query->base, qualify, &b);
    }
    char *sqltext = rc == 0 ? deparse_select(vs->query, mcx, err) : NULL;
    if (rc == 0 && !sqltext) rc = -1;
    if (rc != 0) {
        free(deps);
        return -1;
    }
    /* the name: a view to replace, or free */
    sql_table_t *old = sql_catalog_get(e, schema, rv->relname);
    bool is_seq = false;
    sql_seq_def_t sd;
    if (!old && sql_sequence_lookup(e, schema, rv->relname, &sd, &is_seq, err) != 0) {
        free(deps);
        return -1;
    }
    if (old || is_seq) {
        if (!vs->replace) {
            rc = orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists", rv->relname);
        } else if (!old || !old->view_sql) {
            rc = orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a view", rv->relname);
        } else if (sql_acl_check_owner(s, old, NULL, NULL, err) != 0) {
            rc = -1;
        } else if (q->ntargets < old->ncols) {
            rc = orb_err_set(err, INVALID_TABLE_DEFINITION, "cannot drop columns from view");
        } else {
            for (int i = 0; i < old->ncols && rc == 0; i++) {
                if (strcmp(old->cols[i].name, names[i]) != 0) {
                    orb_err_set(err, INVALID_TABLE_DEFINITION, "cannot change name of view column \"%s\" to \"%s\"",
                                old->cols[i].name, names[i]);
                    orb_err_hint(err, "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.");
                    rc = -1;
                } else if (old->cols[i].type != q->targets[i].expr->type) {
                    rc = orb_err_set(err, INVALID_TABLE_DEFINITION,
                                     "cannot change data type of view column \"%s\" from %s to %s", names[i],
                                     sql_type_format(old->cols[i].type, old->cols[i].typmod, mcx),
                                     sql_type_format(q->targets[i].expr->type, q->targets[i].expr->typmod, mcx));
                }
            }
        }
        if (rc != 0) {
            sql_table_release(old);
            free(deps);
            return -1;
        }
    }
    Orbit__TableDesc *d = malloc(sizeof *d);
    if (!d) orb_panic("out of memory");
    orbit__table_desc__init(d);
    if (old) {
        d->table_id = old->id;
        d->version = old->version + 1;
    } else if (act_oid_next(e->rt, &d->table_id, err) != 0) {
        free(d);
        free(deps);
        return -1;
    } else {
        d->version = 1;
    }
    d->name = xstr(rv->relname);
    d->schema = xstr(schema);
    d->nshards = 1;
    d->pk_name = xstr("");
    d->view_sql = xstr(sqltext);
    /* a view reading its own previous definition does not depend on itself */
    int nd = 0;
    d->view_deps = calloc((size_t)ndeps + 1, sizeof *d->view_deps);
    for (int i = 0; i < ndeps; i++)
        if (deps[i] != d->table_id) d->view_deps[nd++] = deps[i];
    d->n_view_deps = (size_t)nd;
    free(deps);
    d->n_columns = (size_t)q->ntargets;
    d->columns = calloc((size_t)q->ntargets + 1, sizeof *d->columns);
    for (int i = 0; i < q->ntargets; i++) {
        Orbit__ColumnDesc *c = malloc(sizeof *c);
        if (!c) orb_panic("out of memory");
        orbit__column_desc__init(c);
        c->name = xstr(names[i]);
        c->type_oid = q->targets[i].expr->type;
        c->typmod = q->targets[i].expr->typmod;
        c->default_expr = xstr("");
        c->attnum = (uint32_t)i + 1;
        d->columns[i] = c;
    }
    if (old) {
        rc = sql_catalog_replace_table(e, d, err);
    } else {
        bool existed = false;
        rc = sql_catalog_create_table(e, d, false, &existed, err);
    }
    sql_table_release(old);
    orbit__table_desc__free_unpacked(d, NULL);
    return rc;
}
