/* sql/sql_from.c — FROM lists beyond a single table: the range table (tables, subqueries,
 * VALUES, CTEs), joins (INNER/LEFT/RIGHT/FULL/CROSS, ON, USING, NATURAL) with the columns
 * USING merges, pushdown of single-table WHERE conjuncts into shard scans, and execution:
 * hash join on equality conditions, nested loop otherwise. Entry points:
 * sql_from_analyze, sql_from_pushdown, sql_from_exec. See README.md ("Joins"). */
#include "sql_acl.h"
#include "sql_shard.h"

#include <string.h>

/* ---- analysis ------------------------------------------------------------------------------ */

typedef struct from_ctx {
    sql_analyze_ctx_t *ac;
    sql_scope_t *parent; /* the enclosing query (a LATERAL subquery also sees this one's
                          * FROM items before it) */
    sql_query_t *q;
    sql_scope_t *sc;     /* the scope being built */
    int rtecap;
    int mergedcap;
} from_ctx_t;

static sql_rte_t *new_rte(from_ctx_t *fc, const char *alias, int ncols) {
    sql_query_t *q = fc->q;
    for (int r = 0; r < q->nrtes; r++) {
        if (alias[0] && strcmp(q->rtes[r].alias, alias) == 0) return NULL; /* duplicate */
    }
    if (q->nrtes == fc->rtecap) {
        int nc = fc->rtecap ? fc->rtecap * 2 : 8;
        q->rtes = orb_realloc(fc->ac->mcx, q->rtes, sizeof *q->rtes * (size_t)fc->rtecap,
                              sizeof *q->rtes * (size_t)nc);
        fc->rtecap = nc;
    }
    sql_rte_t *r = &q->rtes[q->nrtes++];
    memset(r, 0, sizeof *r);
    r->alias = alias;
    r->offset = q->width;
    r->ncols = ncols;
    r->names = orb_alloc0(fc->ac->mcx, sizeof(char *) * (size_t)(ncols + 1));
    r->types = orb_alloc0(fc->ac->mcx, sizeof(uint32_t) * (size_t)(ncols + 1));
    r->typmods = orb_alloc0(fc->ac->mcx, sizeof(int32_t) * (size_t)(ncols + 1));
    q->width += ncols;
    return r;
}

static void release_table(void *arg) { sql_table_release(arg); }

/* The star list of a single RTE: its columns in order. */
static void rte_star(from_ctx_t *fc, sql_from_t *f, const sql_rte_t *r) {
    f->nstar = r->ncols;
    f->star = orb_alloc0(fc->ac->mcx, sizeof(sql_expr_t *) * (size_t)(r->ncols + 1));
    f->star_names = orb_alloc0(fc->ac->mcx, sizeof(char *) * (size_t)(r->ncols + 1));
    for (int c = 0; c < r->ncols; c++) {
        sql_expr_t *e = SQL_MAKE_NODE(fc->ac->mcx, COLUMN);
        e->index = r->offset + c;
        e->type = r->types[c];
        e->typmod = r->typmods[c];
        f->star[c] = e;
        f->star_names[c] = r->names[c];
    }
}

static int dup_alias(orb_err_t *err, const char *alias, int loc) {
    (void)loc; /* PostgreSQL reports no position here */
    return orb_err_set(err, DUPLICATE_ALIAS, "table name \"%s\" specified more than once", alias);
}

static void apply_colnames(sql_rte_t *r, PgQuery__Alias *alias) {
    if (!alias) return;
    for (size_t i = 0; i < alias->n_colnames && (int)i < r->ncols; i++) {
        const char *n = sql_str_of(alias->colnames[i]);
        if (n) r->names[i] = n;
    }
}

static sql_cte_t *find_cte(sql_analyze_ctx_t *ac, const char *name) {
    for (int i = ac->nctes - 1; i >= 0; i--)
        if (strcmp(ac->ctes[i]->name, name) == 0) return ac->ctes[i];
    return NULL;
}

static int analyze_item(from_ctx_t *fc, PgQuery__Node *n, sql_from_t **out, orb_err_t *err);

static int analyze_range_var(from_ctx_t *fc, PgQuery__RangeVar *rv, sql_from_t **out,
                             orb_err_t *err) {
    sql_analyze_ctx_t *ac = fc->ac;
    const char *alias = rv->alias && rv->alias->aliasname && rv->alias->aliasname[0]
                            ? rv->alias->aliasname
                            : rv->relname;
    sql_from_t *f = orb_alloc0(ac->mcx, sizeof *f);
    bool schema = rv->schemaname && rv->schemaname[0];
    sql_cte_t *cte = schema ? NULL : find_cte(ac, rv->relname);
    if (cte) {
        sql_rte_t *r = new_rte(fc, alias, cte->ncols);
        if (!r) return dup_alias(err, alias, rv->location);
        for (int c = 0; c < cte->ncols; c++) {
            r->names[c] = cte->names[c];
            r->types[c] = cte->types[c];
            r->typmods[c] = cte->typmods[c];
        }
        apply_colnames(r, rv->alias);
        /* inside its own recursive term a CTE names the working table */
        f->kind = cte->analyzing_rec ? SQL_FROM_WORKTABLE : SQL_FROM_SUBQUERY;
        f->cte = cte;
        f->rte = fc->q->nrtes - 1;
        f->offset = r->offset;
        f->width = r->ncols;
        rte_star(fc, f, r);
        *out = f;
        return 0;
    }
    /* search_path resolution (sql_catalog.c) */
    sql_table_t *t = sql_catalog_resolve_read(ac->sess, schema ? rv->schemaname : NULL, rv->relname);
    if (!t) {
        if (schema)
            orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", rv->schemaname,
                        rv->relname);
        else
            orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
        return sql_err_at(err, rv->location);
    }
    orb_mcx_on_reset(ac->mcx, release_table, t);
    if (sql_acl_check_schema(ac->sess, t->schema, SQL_ACL_USAGE, err) != 0) return sql_err_at(err, rv->location);
    if (sql_acl_check(ac->sess, t, SQL_ACL_SELECT, err) != 0) return -1; /* no position, as PostgreSQL */
    if (t->view_sql) {
        /* a view: its SELECT, analyzed as a subquery in FROM (sql_view.c), with the view's
         * column names; its relations are read with the view's rights (sql_acl.h) */
        sql_query_t *sub;
        sql_acl_view_enter();
        int vrc = sql_view_analyze(ac, t, &sub, err);
        sql_acl_view_leave();
        if (vrc != 0) return -1;
        sql_rte_t *vr = new_rte(fc, alias, t->ncols);
        if (!vr) return dup_alias(err, alias, rv->location);
        for (int c = 0; c < t->ncols; c++) {
            vr->names[c] = t->cols[c].name;
            vr->types[c] = sub->targets[c].expr->type;
            vr->typmods[c] = sub->targets[c].expr->typmod;
        }
        apply_colnames(vr, rv->alias);
        f->kind = SQL_FROM_SUBQUERY;
        f->sub = sub;
        f->rte = fc->q->nrtes - 1;
        f->offset = vr->offset;
        f->width = vr->ncols;
        rte_star(fc, f, vr);
        *out = f;
        return 0;
    }
    sql_rte_t *r = new_rte(fc, alias, t->ncols);
    if (!r) return dup_alias(err, alias, rv->location);
    r->table = t;
    for (int c = 0; c < t->ncols; c++) {
        r->names[c] = t->cols[c].name;
        r->types[c] = t->cols[c].type;
        r->typmods[c] = t->cols[c].typmod;
    }
    apply_colnames(r, rv->alias);
    f->kind = SQL_FROM_TABLE;
    f->rte = fc->q->nrtes - 1;
    f->offset = r->offset;
    f->width = r->ncols;
    f->path.access = SQL_ACCESS_FULL;
    rte_star(fc, f, r);
    *out = f;
    return 0;
}

static int analyze_subselect(from_ctx_t *fc, PgQuery__RangeSubselect *rs, sql_from_t **out,
                             orb_err_t *err) {
    sql_analyze_ctx_t *ac = fc->ac;
    if (!rs->alias || !rs->alias->aliasname || !rs->alias->aliasname[0]) {
        orb_err_set(err, SYNTAX_ERROR, "subquery in FROM must have an alias");
        orb_err_hint(err, "For example, FROM (SELECT ...) [AS] foo.");
        return -1;
    }
    if (!rs->subquery || rs->subquery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return orb_err_set(err, SYNTAX_ERROR, "malformed subquery in FROM");
    sql_query_t *sub;
    bool corr = false;
    if (rs->lateral) {
        /* LATERAL: one more scope level between the subquery and the enclosing query, the
         * FROM items analyzed so far (the ON scope's way); a name found there becomes an
         * outer reference of level 1 into the left rows, and one found further up marks this
         * query correlated through the copied level_corr */
        sql_scope_t lat = *fc->sc;
        lat.nrtes = fc->q->nrtes;
        lat.rtes = fc->q->rtes;
        lat.parent = fc->parent;
        lat.allow_agg = false;
        if (sql_analyze_subquery(ac, &lat, rs->subquery->select_stmt, &sub, &corr, err) != 0)
            return -1;
    } else {
        if (sql_analyze_subquery(ac, fc->parent, rs->subquery->select_stmt, &sub, &corr, err) != 0)
            return -1;
        if (corr && fc->sc->level_corr) *fc->sc->level_corr = true;
    }
    sql_rte_t *r = new_rte(fc, rs->alias->aliasname, sub->ntargets);
    if (!r) return dup_alias(err, rs->alias->aliasname, -1);
    for (int c = 0; c < sub->ntargets; c++) {
        r->names[c] = sub->targets[c].name;
        r->types[c] = sub->targets[c].expr->type;
        r->typmods[c] = sub->targets[c].expr->typmod;
    }
    apply_colnames(r, rs->alias);
    sql_from_t *f = orb_alloc0(ac->mcx, sizeof *f);
    f->kind = SQL_FROM_SUBQUERY;
    f->sub = sub;
    /* a LATERAL subquery that reads nothing outside itself runs once, like any other; its
     * outer references otherwise count the left rows as one level */
    f->lateral = rs->lateral && corr;
    f->rte = fc->q->nrtes - 1;
    f->offset = r->offset;
    f->width = r->ncols;
    rte_star(fc, f, r);
    *out = f;
    return 0;
}

static void mark_nullable(sql_from_t *f) {
    if (!f) return;
    f->nullable = true;
    mark_nullable(f->left);
    mark_nullable(f->right);
}

static int star_find(const sql_from_t *f, const char *name, int *idx) {
    int n = 0;
    for (int i = 0; i < f->nstar; i++) {
        if (strcmp(f->star_names[i], name) == 0) {
            *idx = i;
            n++;
        }
    }
    return n;
}

static void add_merged(from_ctx_t *fc, const char *name, sql_expr_t *e) {
    sql_scope_t *sc = fc->sc;
    if (sc->nmerged == fc->mergedcap) {
        int nc = fc->mergedcap ? fc->mergedcap * 2 : 8;
        sc->merged = orb_realloc(fc->ac->mcx, sc->merged, sizeof *sc->merged * (size_t)fc->mergedcap,
                                 sizeof *sc->merged * (size_t)nc);
        fc->mergedcap = nc;
    }
    sc->merged[sc->nmerged].name = name;
    sc->merged[sc->nmerged].expr = e;
    sc->nmerged++;
}

static sql_expr_t *and_of(orb_mcx_t *mcx, sql_expr_t *a, sql_expr_t *b) {
    if (!a) return b;
    if (!b) return a;
    sql_expr_t *e = SQL_MAKE_NODE(mcx, AND);
    e->type = SQL_OID_BOOL;
    e->nargs = 2;
    e->args = orb_alloc0(mcx, sizeof(sql_expr_t *) * 2);
    e->args[0] = a;
    e->args[1] = b;
    return e;
}

static int analyze_join(from_ctx_t *fc, PgQuery__JoinExpr *j, sql_from_t **out, orb_err_t *err) {
    sql_analyze_ctx_t *ac = fc->ac;
    if (j->alias && j->alias->aliasname && j->alias->aliasname[0])
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "aliases on joins are not supported yet");
    sql_from_t *l, *r;
    if (analyze_item(fc, j->larg, &l, err) != 0) return -1;
    if (analyze_item(fc, j->rarg, &r, err) != 0) return -1;
    sql_from_t *f = orb_alloc0(ac->mcx, sizeof *f);
    f->kind = SQL_FROM_JOIN;
    f->left = l;
    f->right = r;
    f->offset = l->offset;
    f->width = r->offset + r->width - l->offset;
    switch (j->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT: f->jointype = SQL_JOIN_LEFT; mark_nullable(r); break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT: f->jointype = SQL_JOIN_RIGHT; mark_nullable(l); break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL:
        f->jointype = SQL_JOIN_FULL;
        mark_nullable(l);
        mark_nullable(r);
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_INNER: f->jointype = SQL_JOIN_INNER; break;
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this join type is not supported yet");
    }
    /* USING / NATURAL: the named columns are compared and merged */
    int nusing = 0;
    const char **using = NULL;
    if (j->is_natural) {
        using = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(l->nstar + 1));
        for (int i = 0; i < l->nstar; i++) {
            int ri;
            if (star_find(r, l->star_names[i], &ri) == 1) using[nusing++] = l->star_names[i];
        }
    } else if (j->n_using_clause) {
        using = orb_alloc0(ac->mcx, sizeof(char *) * (j->n_using_clause + 1));
        for (size_t i = 0; i < j->n_using_clause; i++) using[nusing++] = sql_str_of(j->using_clause[i]);
    }
    bool *lused = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(l->nstar + 1));
    bool *rused = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(r->nstar + 1));
    sql_expr_t **merged = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(nusing + 1));
    for (int u = 0; u < nusing; u++) {
        const char *name = using[u];
        int li = -1, ri = -1;
        int nl = star_find(l, name, &li), nr = star_find(r, name, &ri);
        if (nl > 1)
            return orb_err_set(err, AMBIGUOUS_COLUMN,
                               "common column name \"%s\" appears more than once in left table", name);
        if (nl == 0)
            return orb_err_set(err, UNDEFINED_COLUMN,
                               "column \"%s\" specified in USING clause does not exist in left table", name);
        if (nr > 1)
            return orb_err_set(err, AMBIGUOUS_COLUMN,
                               "common column name \"%s\" appears more than once in right table", name);
        if (nr == 0)
            return orb_err_set(err, UNDEFINED_COLUMN,
                               "column \"%s\" specified in USING clause does not exist in right table", name);
        lused[li] = rused[ri] = true;
        sql_expr_t *eq;
        sql_expr_t *both[2] = {l->star[li], r->star[ri]};
        uint32_t ct;
        if (sql_common_type(ac, both, 2, "JOIN/USING", &ct, err) != 0) return -1;
        sql_expr_t *lc, *rc;
        if (sql_expr_coerce(ac, both[0], ct, -1, SQL_CAST_IMPLICIT, &lc, err) != 0) return -1;
        if (sql_expr_coerce(ac, both[1], ct, -1, SQL_CAST_IMPLICIT, &rc, err) != 0) return -1;
        const sql_builtin_t *fn;
        uint32_t t1, t2;
        if (sql_oper_resolve("=", ct, ct, &fn, &t1, &t2, err) != 0) return -1;
        eq = SQL_MAKE_NODE(ac->mcx, FUNC);
        eq->fn = fn;
        eq->type = SQL_OID_BOOL;
        eq->nargs = 2;
        eq->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * 2);
        eq->args[0] = lc;
        eq->args[1] = rc;
        f->quals = and_of(ac->mcx, f->quals, eq);
        sql_expr_t *m;
        if (f->jointype == SQL_JOIN_FULL) {
            m = SQL_MAKE_NODE(ac->mcx, COALESCE);
            m->type = ct;
            m->nargs = 2;
            m->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * 2);
            m->args[0] = lc;
            m->args[1] = rc;
        } else {
            m = f->jointype == SQL_JOIN_RIGHT ? rc : lc;
        }
        merged[u] = m;
        add_merged(fc, name, m);
    }
    /* "*" of the join: merged columns, then the rest of left, then the rest of right */
    f->star = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(l->nstar + r->nstar + 1));
    f->star_names = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(l->nstar + r->nstar + 1));
    for (int u = 0; u < nusing; u++) {
        f->star[f->nstar] = merged[u];
        f->star_names[f->nstar++] = using[u];
    }
    for (int i = 0; i < l->nstar; i++)
        if (!lused[i]) {
            f->star[f->nstar] = l->star[i];
            f->star_names[f->nstar++] = l->star_names[i];
        }
    for (int i = 0; i < r->nstar; i++)
        if (!rused[i]) {
            f->star[f->nstar] = r->star[i];
            f->star_names[f->nstar++] = r->star_names[i];
        }
    if (j->quals) {
        /* ON sees every column so far */
        sql_scope_t on = *fc->sc;
        on.nrtes = fc->q->nrtes;
        on.rtes = fc->q->rtes;
        on.allow_agg = false;
        sql_expr_t *e;
        if (sql_expr_analyze(ac, &on, j->quals, &e, err) != 0) return -1;
        if (e->type != SQL_OID_BOOL) {
            if (e->type == SQL_OID_UNKNOWN) {
                if (sql_expr_coerce(ac, e, SQL_OID_BOOL, -1, SQL_CAST_IMPLICIT, &e, err) != 0) return -1;
            } else {
                orb_err_set(err, DATATYPE_MISMATCH, "argument of JOIN/ON must be type boolean, not type %s",
                            sql_type_format(e->type, -1, ac->mcx));
                return sql_err_at(err, e->location);
            }
        }
        f->quals = and_of(ac->mcx, f->quals, e);
    }
    *out = f;
    return 0;
}

/* A function in FROM whose arguments read earlier FROM items (implicitly LATERAL, as in
 * PostgreSQL: "FROM pg_class c, aclexplode(c.relacl) d") is analyzed as
 * LATERAL (SELECT * FROM f(...) [AS alias[(cols)]]) AS alias: see "LATERAL" in README.md. */
static int analyze_function_lateral(from_ctx_t *fc, PgQuery__RangeFunction *rf, const char *name,
                                    sql_from_t **out, orb_err_t *err) {
    orb_mcx_t *mcx = fc->ac->mcx;
    PgQuery__RangeFunction *inner = orb_alloc(mcx, sizeof *inner);
    *inner = *rf;
    inner->lateral = false;
    PgQuery__Node *innern = orb_alloc0(mcx, sizeof *innern);
    pg_query__node__init(innern);
    innern->node_case = PG_QUERY__NODE__NODE_RANGE_FUNCTION;
    innern->range_function = inner;
    PgQuery__AStar *star = orb_alloc0(mcx, sizeof *star);
    pg_query__a__star__init(star);
    PgQuery__Node *starn = orb_alloc0(mcx, sizeof *starn);
    pg_query__node__init(starn);
    starn->node_case = PG_QUERY__NODE__NODE_A_STAR;
    starn->a_star = star;
    PgQuery__ColumnRef *cr = orb_alloc0(mcx, sizeof *cr);
    pg_query__column_ref__init(cr);
    cr->n_fields = 1;
    cr->fields = orb_alloc0(mcx, sizeof(PgQuery__Node *));
    cr->fields[0] = starn;
    cr->location = -1;
    PgQuery__Node *crn = orb_alloc0(mcx, sizeof *crn);
    pg_query__node__init(crn);
    crn->node_case = PG_QUERY__NODE__NODE_COLUMN_REF;
    crn->column_ref = cr;
    PgQuery__ResTarget *rt = orb_alloc0(mcx, sizeof *rt);
    pg_query__res_target__init(rt);
    rt->val = crn;
    rt->location = -1;
    PgQuery__Node *rtn = orb_alloc0(mcx, sizeof *rtn);
    pg_query__node__init(rtn);
    rtn->node_case = PG_QUERY__NODE__NODE_RES_TARGET;
    rtn->res_target = rt;
    PgQuery__SelectStmt *sel = orb_alloc0(mcx, sizeof *sel);
    pg_query__select_stmt__init(sel);
    sel->n_target_list = 1;
    sel->target_list = orb_alloc0(mcx, sizeof(PgQuery__Node *));
    sel->target_list[0] = rtn;
    sel->n_from_clause = 1;
    sel->from_clause = orb_alloc0(mcx, sizeof(PgQuery__Node *));
    sel->from_clause[0] = innern;
    sel->limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
    sel->op = PG_QUERY__SET_OPERATION__SETOP_NONE;
    PgQuery__Node *seln = orb_alloc0(mcx, sizeof *seln);
    pg_query__node__init(seln);
    seln->node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
    seln->select_stmt = sel;
    PgQuery__Alias *al = orb_alloc0(mcx, sizeof *al);
    pg_query__alias__init(al);
    al->aliasname = (char *)(rf->alias && rf->alias->aliasname && rf->alias->aliasname[0] ? rf->alias->aliasname : name);
    PgQuery__RangeSubselect rs = PG_QUERY__RANGE_SUBSELECT__INIT;
    rs.lateral = true;
    rs.subquery = seln;
    rs.alias = al;
    return analyze_subselect(fc, &rs, out, err);
}

/* unnest(array), generate_series(start, stop [, step]), aclexplode(acl) and
 * pg_partition_ancestors(rel) in FROM */
static int analyze_function(from_ctx_t *fc, PgQuery__RangeFunction *rf, sql_from_t **out,
                            orb_err_t *err) {
    sql_analyze_ctx_t *ac = fc->ac;
    if (rf->is_rowsfrom || rf->n_functions != 1 || rf->n_coldeflist)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "ROWS FROM and column definition lists are not supported yet");
    PgQuery__Node *item = rf->functions[0];
    PgQuery__Node *fn = item->node_case == PG_QUERY__NODE__NODE_LIST && item->list->n_items ? item->list->items[0] : item;
    if (fn->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this function in FROM is not supported yet");
    PgQuery__FuncCall *f = fn->func_call;
    const char *name = sql_str_of(f->funcname[f->n_funcname - 1]);
    /* functions that list what a system view shows: read the view, named as the function */
    static const char *const view_fns[][2] = {{"pg_show_all_settings", "pg_settings"},
                                             {"pg_available_extensions", "pg_available_extensions"}};
    for (size_t i = 0; name && f->n_args == 0 && !rf->ordinality && i < 2; i++) {
        if (strcmp(name, view_fns[i][0]) != 0) continue;
        PgQuery__RangeVar rv = PG_QUERY__RANGE_VAR__INIT;
        PgQuery__Alias al = PG_QUERY__ALIAS__INIT;
        rv.schemaname = "pg_catalog";
        rv.relname = (char *)view_fns[i][1];
        rv.location = f->location;
        rv.alias = rf->alias;
        if (!rv.alias) {
            al.aliasname = (char *)name;
            rv.alias = &al;
        }
        return analyze_range_var(fc, &rv, out, err);
    }
    sql_from_t *fr = orb_alloc0(ac->mcx, sizeof *fr);
    fr->kind = SQL_FROM_FUNCTION;
    fr->ordinality = rf->ordinality;
    /* arguments see the enclosing queries, not this FROM list (no LATERAL) */
    sql_scope_t asc = {.parent = fc->parent, .level_corr = fc->sc->level_corr};
    sql_expr_t **args;
    int nargs = (int)f->n_args;
    args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(nargs + 1));
    if (rf->lateral && fc->q->nrtes > 0) return analyze_function_lateral(fc, rf, name, out, err);
    for (int i = 0; i < nargs; i++) {
        if (sql_expr_analyze(ac, &asc, f->args[i], &args[i], err) == 0) continue;
        /* a name of an earlier FROM item: the call is LATERAL */
        if (fc->q->nrtes > 0 && (err->code == ORB_SQLSTATE_UNDEFINED_COLUMN || err->code == ORB_SQLSTATE_UNDEFINED_TABLE))
            return analyze_function_lateral(fc, rf, name, out, err);
        return -1;
    }
    uint32_t coltype;
    if (name && strcmp(name, "unnest") == 0 && nargs == 1) {
        if (!sql_type_is_array(args[0]->type)) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function unnest(%s) does not exist",
                        sql_type_format(args[0]->type, -1, ac->mcx));
            return sql_err_at(err, f->location);
        }
        fr->srf = 1;
        coltype = sql_array_elem_of(args[0]->type);
    } else if (name && strcmp(name, "generate_series") == 0 && (nargs == 2 || nargs == 3)) {
        fr->srf = 2;
        sql_expr_t *ends[2] = {args[0], args[1]};
        if (sql_common_type(ac, ends, 2, "generate_series", &coltype, err) != 0) return -1;
        if (coltype == SQL_OID_INT2) coltype = SQL_OID_INT4;
        if (coltype == SQL_OID_FLOAT4 || coltype == SQL_OID_FLOAT8) coltype = SQL_OID_NUMERIC;
        bool is_time = coltype == SQL_OID_TIMESTAMP || coltype == SQL_OID_TIMESTAMPTZ || coltype == SQL_OID_DATE;
        if (coltype == SQL_OID_DATE) coltype = SQL_OID_TIMESTAMP;
        if (coltype != SQL_OID_INT4 && coltype != SQL_OID_INT8 && coltype != SQL_OID_NUMERIC && !is_time) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function generate_series(%s, %s) does not exist",
                        sql_type_format(args[0]->type, -1, ac->mcx), sql_type_format(args[1]->type, -1, ac->mcx));
            return sql_err_at(err, f->location);
        }
        for (int i = 0; i < 2; i++)
            if (sql_expr_coerce(ac, args[i], coltype, -1, SQL_CAST_IMPLICIT, &args[i], err) != 0) return -1;
        uint32_t steptype = is_time ? SQL_OID_INTERVAL : coltype;
        if (nargs == 3) {
            if (sql_expr_coerce(ac, args[2], steptype, -1, SQL_CAST_IMPLICIT, &args[2], err) != 0) return -1;
        } else if (is_time) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function generate_series(%s, %s) does not exist",
                        sql_type_format(coltype, -1, ac->mcx), sql_type_format(coltype, -1, ac->mcx));
            return sql_err_at(err, f->location);
        }
        uint32_t lc, rc;
        if (sql_oper_resolve("+", coltype, steptype, &fr->srf_add, &lc, &rc, err) != 0) return -1;
    } else if (name && strcmp(name, "pg_partition_ancestors") == 0 && nargs == 1) {
        /* Orbit has no partitions: the relation is its only "ancestor" */
        fr->srf = 3;
        coltype = SQL_OID_REGCLASS;
        if (sql_expr_coerce(ac, args[0], coltype, -1, SQL_CAST_IMPLICIT, &args[0], err) != 0) return -1;
    } else if (name && strcmp(name, "aclexplode") == 0 && nargs == 1) {
        /* columns grantor, grantee, privilege_type, is_grantable (sql_aclexplode.c) */
        fr->srf = 4;
        coltype = SQL_OID_RECORD;
        if (sql_expr_coerce(ac, args[0], SQL_OID_TEXT_ARRAY, -1, SQL_CAST_IMPLICIT, &args[0], err) != 0) return -1;
    } else {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "function %s in FROM is not supported yet", name ? name : "?");
        return sql_err_at(err, f->location);
    }
    fr->srf_type = coltype;
    fr->srf_args = args;
    fr->nsrf_args = nargs;
    const char *alias = rf->alias && rf->alias->aliasname && rf->alias->aliasname[0] ? rf->alias->aliasname : name;
    int ncols = fr->srf == 4 ? 4 : 1;
    sql_rte_t *r = new_rte(fc, alias, ncols + (fr->ordinality ? 1 : 0));
    if (!r) return dup_alias(err, alias, f->location);
    if (fr->srf == 4) {
        static const uint32_t acltypes[4] = {SQL_OID_OID, SQL_OID_OID, SQL_OID_TEXT, SQL_OID_BOOL};
        for (int c = 0; c < 4; c++) {
            r->names[c] = sql_aclexplode_column(c);
            r->types[c] = acltypes[c];
            r->typmods[c] = -1;
        }
    } else {
        /* a scalar function's column takes the alias, as in PostgreSQL */
        r->names[0] = alias;
        r->types[0] = coltype;
        r->typmods[0] = -1;
    }
    if (fr->ordinality) {
        r->names[ncols] = "ordinality";
        r->types[ncols] = SQL_OID_INT8;
        r->typmods[ncols] = -1;
    }
    apply_colnames(r, rf->alias);
    fr->rte = fc->q->nrtes - 1;
    fr->offset = r->offset;
    fr->width = r->ncols;
    rte_star(fc, fr, r);
    *out = fr;
    return 0;
}

static int analyze_item(from_ctx_t *fc, PgQuery__Node *n, sql_from_t **out, orb_err_t *err) {
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        return analyze_range_var(fc, n->range_var, out, err);
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
        return analyze_subselect(fc, n->range_subselect, out, err);
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
        return analyze_join(fc, n->join_expr, out, err);
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
        return analyze_function(fc, n->range_function, out, err);
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this kind of FROM item is not supported yet");
    }
}

int sql_from_analyze(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__Node **items, size_t n,
                     sql_query_t *q, sql_scope_t *sc, orb_err_t *err) {
    from_ctx_t fc = {.ac = ac, .parent = parent, .q = q, .sc = sc};
    sc->parent = parent;
    sql_from_t *root = NULL;
    for (size_t i = 0; i < n; i++) {
        sql_from_t *f;
        if (analyze_item(&fc, items[i], &f, err) != 0) return -1;
        sc->nrtes = q->nrtes;
        sc->rtes = q->rtes;
        if (!root) {
            root = f;
            continue;
        }
        /* a comma is a cross join */
        sql_from_t *j = orb_alloc0(ac->mcx, sizeof *j);
        j->kind = SQL_FROM_JOIN;
        j->jointype = SQL_JOIN_INNER;
        j->left = root;
        j->right = f;
        j->offset = root->offset;
        j->width = f->offset + f->width - root->offset;
        j->nstar = root->nstar + f->nstar;
        j->star = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(j->nstar + 1));
        j->star_names = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(j->nstar + 1));
        memcpy(j->star, root->star, sizeof(sql_expr_t *) * (size_t)root->nstar);
        memcpy(j->star + root->nstar, f->star, sizeof(sql_expr_t *) * (size_t)f->nstar);
        memcpy(j->star_names, root->star_names, sizeof(char *) * (size_t)root->nstar);
        memcpy(j->star_names + root->nstar, f->star_names, sizeof(char *) * (size_t)f->nstar);
        root = j;
    }
    sc->nrtes = q->nrtes;
    sc->rtes = q->rtes;
    q->from = root;
    return 0;
}

/* ---- pushdown ------------------------------------------------------------------------------- */

/* The span of row positions an expression reads; false when it reads more than columns of
 * this row (aggregates, subqueries, excluded rows). */
static bool expr_span(const sql_expr_t *e, int *lo, int *hi) {
    if (!e) return true;
    switch (e->tag) {
    case SQL_T_COLUMN:
        if (e->index < *lo) *lo = e->index;
        if (e->index > *hi) *hi = e->index;
        return true;
    case SQL_T_AGGREF:
    case SQL_T_SUBLINK:
    case SQL_T_EXCLUDED:
        return false;
    default:
        break;
    }
    if (e->tag == SQL_T_FUNC && e->fn && e->fn->volatile_) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!expr_span(e->args[i], lo, hi)) return false;
    return true;
}

static void collect_conj(sql_expr_t *e, sql_expr_t ***out, int *n, int *cap, orb_mcx_t *mcx) {
    if (!e) return;
    if (SQL_IS_A(e, AND)) {
        for (int i = 0; i < e->nargs; i++) collect_conj(e->args[i], out, n, cap, mcx);
        return;
    }
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        *out = orb_realloc(mcx, *out, sizeof(sql_expr_t *) * (size_t)*cap, sizeof(sql_expr_t *) * (size_t)nc);
        *cap = nc;
    }
    (*out)[(*n)++] = e;
}

/* Inner-join ON conditions that are not under an outer join can filter scans too. */
static void collect_inner_quals(sql_from_t *f, sql_expr_t ***out, int *n, int *cap, orb_mcx_t *mcx) {
    if (!f || f->kind != SQL_FROM_JOIN) return;
    if (f->jointype == SQL_JOIN_INNER && !f->nullable) collect_conj(f->quals, out, n, cap, mcx);
    collect_inner_quals(f->left, out, n, cap, mcx);
    collect_inner_quals(f->right, out, n, cap, mcx);
}

static void push_into(sql_analyze_ctx_t *ac, sql_query_t *q, sql_from_t *f, sql_expr_t **conj,
                      int n) {
    if (!f) return;
    if (f->kind == SQL_FROM_JOIN) {
        push_into(ac, q, f->left, conj, n);
        push_into(ac, q, f->right, conj, n);
        return;
    }
    if (f->kind != SQL_FROM_TABLE || f->nullable) return;
    const sql_rte_t *r = &q->rtes[f->rte];
    for (int i = 0; i < n; i++) {
        int lo = 1 << 30, hi = -1;
        if (!expr_span(conj[i], &lo, &hi) || hi < 0) continue;
        if (lo >= r->offset && hi < r->offset + r->ncols) f->filter = and_of(ac->mcx, f->filter, conj[i]);
    }
    sql_choose_path(ac, r->table, r->offset, f->filter, &f->path);
}

void sql_from_pushdown(sql_analyze_ctx_t *ac, sql_query_t *q) {
    sql_expr_t **conj = NULL;
    int n = 0, cap = 0;
    collect_conj(q->where, &conj, &n, &cap, ac->mcx);
    collect_inner_quals(q->from, &conj, &n, &cap, ac->mcx);
    push_into(ac, q, q->from, conj, n);
}

/* ---- execution ------------------------------------------------------------------------------- */

void sql_rowset_add(sql_rowset_t *rs, orb_mcx_t *mcx, sql_value_t *row) {
    if (rs->n == rs->cap) {
        int64_t nc = rs->cap ? rs->cap * 2 : 64;
        rs->rows = orb_realloc(mcx, rs->rows, sizeof(sql_value_t *) * (size_t)rs->cap,
                               sizeof(sql_value_t *) * (size_t)nc);
        rs->cap = nc;
    }
    rs->rows[rs->n++] = row;
}

static sql_value_t *null_row(orb_mcx_t *mcx, int width) {
    sql_value_t *r = orb_alloc0(mcx, sizeof *r * (size_t)(width + 1));
    for (int i = 0; i < width; i++) r[i].isnull = true;
    return r;
}

typedef struct scan_state {
    sql_exec_ctx_t *xc;
    sql_from_t *f;
    sql_rowset_t *out;
    orb_err_t *err;
} scan_state_t;

static int scan_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    (void)key;
    scan_state_t *st = arg;
    if (st->f->filter) {
        sql_eval_ctx_t ec = sql_eval_ctx(st->xc, row);
        bool ok;
        if (sql_expr_eval_bool(&ec, st->f->filter, &ok, st->err) != 0) return -1;
        if (!ok) return 0;
    }
    sql_rowset_add(st->out, st->xc->mcx, row);
    return 0;
}

/* Places rows of n columns at `offset` of full-width rows. */
static void widen(sql_exec_ctx_t *xc, sql_value_t *const *rows, int64_t nrows, int n, int offset,
                  int width, sql_rowset_t *out) {
    for (int64_t r = 0; r < nrows; r++) {
        sql_value_t *w = null_row(xc->mcx, width);
        memcpy(w + offset, rows[r], sizeof(sql_value_t) * (size_t)n);
        sql_rowset_add(out, xc->mcx, w);
    }
}

static int run_cte(sql_exec_ctx_t *xc, sql_cte_t *c, orb_err_t *err);

static uint64_t row_hash(const sql_value_t *row, const sql_expr_t *const *keys, const sql_value_t *vals, int n,
                         const uint32_t *types) {
    (void)row;
    (void)keys;
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < n; i++) {
        uint64_t v = sql_value_hash(types[i], &vals[i]);
        h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
}

typedef struct hentry {
    struct hentry *next;
    uint64_t hash;
    int64_t row;          /* index into the build side */
    sql_value_t *keys;
} hentry_t;

/* Equality conditions between the two sides: usable as hash keys. */
static int equi_keys(sql_from_t *f, sql_expr_t ***lk, sql_expr_t ***rk, orb_mcx_t *mcx) {
    sql_expr_t **conj = NULL;
    int n = 0, cap = 0, k = 0;
    collect_conj(f->quals, &conj, &n, &cap, mcx);
    *lk = orb_alloc0(mcx, sizeof(sql_expr_t *) * (size_t)(n + 1));
    *rk = orb_alloc0(mcx, sizeof(sql_expr_t *) * (size_t)(n + 1));
    int lo_l = f->left->offset, hi_l = f->left->offset + f->left->width - 1;
    int lo_r = f->right->offset, hi_r = f->right->offset + f->right->width - 1;
    for (int i = 0; i < n; i++) {
        sql_expr_t *e = conj[i];
        if (!SQL_IS_A(e, FUNC) || e->nargs != 2 || strcmp(e->fn->name, "=") != 0) continue;
        if (e->args[0]->type != e->args[1]->type) continue;
        for (int side = 0; side < 2; side++) {
            sql_expr_t *a = e->args[side], *b = e->args[1 - side];
            int alo = 1 << 30, ahi = -1, blo = 1 << 30, bhi = -1;
            if (!expr_span(a, &alo, &ahi) || !expr_span(b, &blo, &bhi) || ahi < 0 || bhi < 0) continue;
            if (alo >= lo_l && ahi <= hi_l && blo >= lo_r && bhi <= hi_r) {
                (*lk)[k] = a;
                (*rk)[k] = b;
                k++;
                break;
            }
        }
    }
    return k;
}

static int eval_keys(sql_exec_ctx_t *xc, const sql_value_t *row, sql_expr_t **ks, int n,
                     sql_value_t *out, bool *has_null, orb_err_t *err) {
    sql_eval_ctx_t ec = sql_eval_ctx(xc, row);
    *has_null = false;
    for (int i = 0; i < n; i++) {
        if (sql_expr_eval(&ec, ks[i], &out[i], err) != 0) return -1;
        if (out[i].isnull) *has_null = true;
    }
    return 0;
}

static sql_value_t *combine(sql_exec_ctx_t *xc, const sql_value_t *l, const sql_value_t *r,
                            const sql_from_t *rf, int width) {
    sql_value_t *c = orb_alloc(xc->mcx, sizeof *c * (size_t)(width + 1));
    memcpy(c, l, sizeof *c * (size_t)width);
    memcpy(c + rf->offset, r + rf->offset, sizeof *c * (size_t)rf->width);
    return c;
}

static sql_value_t *with_nulls(sql_exec_ctx_t *xc, const sql_value_t *row, const sql_from_t *nf,
                               int width) {
    sql_value_t *c = orb_alloc(xc->mcx, sizeof *c * (size_t)(width + 1));
    memcpy(c, row, sizeof *c * (size_t)width);
    for (int i = 0; i < nf->width; i++) c[nf->offset + i].isnull = true;
    return c;
}

/* Index nested-loop join: when the join conditions fix the whole primary key of the right
 * table from left-side values, each left row fetches its partner by point lookups (batched
 * per shard, shards in parallel) instead of scanning the right table. */
#define INDEX_NL_MAX_OUTER 4096

/* The expressions over the outer side's columns that fix the whole primary key of inner (a
 * table: f->right, or f->left of an inner join), or NULL. */
static sql_expr_t **pk_from_outer(orb_mcx_t *mcx, const sql_query_t *q, const sql_from_t *f,
                                  const sql_from_t *r, const sql_from_t *outer) {
    if (r->kind != SQL_FROM_TABLE) return NULL;
    if (!(f->jointype == SQL_JOIN_INNER || (f->jointype == SQL_JOIN_LEFT && r == f->right)))
        return NULL;
    const sql_table_t *t = q->rtes[r->rte].table;
    if (t->npk == 0) return NULL;
    sql_expr_t **conj = NULL;
    int n = 0, cap = 0;
    collect_conj(f->quals, &conj, &n, &cap, mcx);
    sql_expr_t **keys = orb_alloc0(mcx, sizeof(sql_expr_t *) * (size_t)t->npk);
    int lo_l = outer->offset, hi_l = outer->offset + outer->width - 1;
    for (int k = 0; k < t->npk; k++) {
        int col = r->offset + t->pk[k];
        for (int i = 0; i < n && !keys[k]; i++) {
            sql_expr_t *e = conj[i];
            if (!SQL_IS_A(e, FUNC) || e->nargs != 2 || strcmp(e->fn->name, "=") != 0) continue;
            for (int side = 0; side < 2 && !keys[k]; side++) {
                sql_expr_t *a = e->args[side], *b = e->args[1 - side];
                if (!SQL_IS_A(a, COLUMN) || a->index != col || b->type != a->type) continue;
                int blo = 1 << 30, bhi = -1;
                if (!expr_span(b, &blo, &bhi)) continue;
                if (bhi < 0 || (blo >= lo_l && bhi <= hi_l)) keys[k] = b;
            }
        }
        if (!keys[k]) return NULL;
    }
    return keys;
}

static sql_expr_t **pk_from_left(orb_mcx_t *mcx, const sql_query_t *q, const sql_from_t *f) {
    return pk_from_outer(mcx, q, f, f->right, f->left);
}

/* an inner join whose left side is a table keyed by the right side's values (and not the
 * other way round): run the right side first, look the left rows up */
static sql_expr_t **pk_from_right(orb_mcx_t *mcx, const sql_query_t *q, const sql_from_t *f) {
    if (f->jointype != SQL_JOIN_INNER || pk_from_left(mcx, q, f)) return NULL;
    return pk_from_outer(mcx, q, f, f->left, f->right);
}

/* L: the outer rows; r: the inner table item (f->right, or f->left when swapped) */
static int index_nl_join(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *L,
                         sql_from_t *r, sql_expr_t **keys, sql_rowset_t *out, orb_err_t *err) {
    const sql_table_t *t = q->rtes[r->rte].table;
    uint32_t ns = t->nshards;
    /* per shard: the GET ops and which left row each serves */
    Orbit__ShardOp ***ops = orb_alloc0(xc->mcx, sizeof *ops * ns);
    int64_t **owner = orb_alloc0(xc->mcx, sizeof *owner * ns);
    size_t *nops = orb_alloc0(xc->mcx, sizeof *nops * ns);
    for (uint32_t s = 0; s < ns; s++) {
        ops[s] = orb_alloc0(xc->mcx, sizeof(Orbit__ShardOp *) * (size_t)(L->n + 1));
        owner[s] = orb_alloc0(xc->mcx, sizeof(int64_t) * (size_t)(L->n + 1));
    }
    for (int64_t l = 0; l < L->n; l++) {
        sql_eval_ctx_t ec = sql_eval_ctx(xc, L->rows[l]);
        Orbit__Datum **kd = sql_pb_datums(xc->mcx, t->npk);
        bool null = false;
        for (int k = 0; k < t->npk && !null; k++) {
            sql_value_t v;
            if (sql_expr_eval(&ec, keys[k], &v, err) != 0) return -1;
            if (v.isnull) null = true;
            else kd[k] = sql_pb_datum(xc->mcx, t->cols[t->pk[k]].type, &v);
        }
        if (null) continue; /* NULL never equals: no partner */
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)kd, (size_t)t->npk, ns, &shard, err) != 0) return -1;
        Orbit__ShardOp *op = orb_alloc(xc->mcx, sizeof *op);
        orbit__shard_op__init(op);
        op->kind = ORBIT__SHARD_OP__KIND__GET;
        op->key = kd;
        op->n_key = (size_t)t->npk;
        owner[shard][nops[shard]] = l;
        ops[shard][nops[shard]++] = op;
    }
    act_call_t **calls = orb_alloc0(xc->mcx, sizeof *calls * ns);
    for (uint32_t s = 0; s < ns; s++) {
        if (!nops[s]) continue;
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = xc->txn_id;
        req.table_id = t->id;
        req.shard = s;
        req.schema_version = t->version;
        req.n_ops = nops[s];
        req.ops = ops[s];
        calls[s] = act_call_post(sql_session_rt(xc->sess), ACT_TABLE_SHARD, &req);
    }
    /* partners[l]: the right row of left row l (the key is unique: at most one) */
    sql_value_t **partner = orb_alloc0(xc->mcx, sizeof *partner * (size_t)(L->n + 1));
    int rc = 0;
    for (uint32_t s = 0; s < ns; s++) {
        if (!calls[s]) continue;
        Orbit__ShardReply *reply = sql_shard_gather(calls[s], &rc, err);
        if (reply) {
            for (size_t i = 0; rc == 0 && i < reply->n_results && i < nops[s]; i++) {
                Orbit__OpResult *res = reply->results[i];
                if (res->n_rows != 1) continue;
                sql_value_t *row;
                rc = sql_row_from_pb_at(t, res->rows[0], xc->mcx, r->offset, q->width, &row, err);
                if (rc == 0) partner[owner[s][i]] = row;
            }
        }
        act_call_free(calls[s]);
    }
    if (rc != 0) return -1;
    for (int64_t l = 0; l < L->n; l++) {
        bool matched = false;
        if (partner[l]) {
            sql_value_t *c = orb_alloc(xc->mcx, sizeof *c * (size_t)(q->width + 1));
            memcpy(c, L->rows[l], sizeof *c * (size_t)q->width);
            memcpy(c + r->offset, partner[l] + r->offset, sizeof *c * (size_t)r->width);
            sql_eval_ctx_t ec = sql_eval_ctx(xc, c);
            bool ok = true;
            if (r->filter && sql_expr_eval_bool(&ec, r->filter, &ok, err) != 0) return -1;
            if (ok && f->quals && sql_expr_eval_bool(&ec, f->quals, &ok, err) != 0) return -1;
            if (ok) {
                matched = true;
                sql_rowset_add(out, xc->mcx, c);
            }
        }
        if (!matched && f->jointype == SQL_JOIN_LEFT)
            sql_rowset_add(out, xc->mcx, with_nulls(xc, L->rows[l], f->right, q->width));
    }
    r->act_rows += L->n;
    return 0;
}

static bool has_lateral(const sql_from_t *f) {
    if (!f) return false;
    if (f->kind == SQL_FROM_JOIN) return has_lateral(f->left) || has_lateral(f->right);
    return f->lateral;
}

/* A join whose right side reads the left side's columns (LATERAL): the right side runs once
 * per left row, with that row (over any enclosing lateral row) as xc->lateral_row. */
static int lateral_join(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                        orb_err_t *err) {
    if (f->jointype == SQL_JOIN_RIGHT || f->jointype == SQL_JOIN_FULL)
        return orb_err_set(err, INVALID_COLUMN_REFERENCE,
                           "the combining JOIN type must be INNER or LEFT for a LATERAL reference");
    sql_rowset_t L = {0};
    if (sql_from_exec(xc, q, f->left, &L, err) != 0) return -1;
    int width = q->width;
    for (int64_t l = 0; l < L.n; l++) {
        if (sql_check_interrupts(xc->sess, err) != 0) return -1;
        const sql_value_t *lrow = L.rows[l];
        const sql_value_t *ctx = lrow;
        if (xc->lateral_row) {
            sql_value_t *c = orb_alloc(xc->mcx, sizeof *c * (size_t)(width + 1));
            memcpy(c, xc->lateral_row, sizeof *c * (size_t)width);
            memcpy(c + f->left->offset, lrow + f->left->offset, sizeof *c * (size_t)f->left->width);
            ctx = c;
        }
        sql_exec_ctx_t x = *xc;
        x.lateral_row = ctx;
        sql_rowset_t R = {0};
        if (sql_from_exec(&x, q, f->right, &R, err) != 0) return -1;
        bool matched = false;
        for (int64_t r = 0; r < R.n; r++) {
            sql_value_t *c = combine(xc, lrow, R.rows[r], f->right, width);
            bool ok = true;
            if (f->quals) {
                sql_eval_ctx_t ec = sql_eval_ctx(&x, c);
                if (sql_expr_eval_bool(&ec, f->quals, &ok, err) != 0) return -1;
            }
            if (!ok) continue;
            matched = true;
            sql_rowset_add(out, xc->mcx, c);
        }
        if (!matched && f->jointype == SQL_JOIN_LEFT)
            sql_rowset_add(out, xc->mcx, with_nulls(xc, lrow, f->right, width));
    }
    return 0;
}

static int exec_join(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                     orb_err_t *err) {
    if (has_lateral(f->right)) return lateral_join(xc, q, f, out, err);
    sql_rowset_t L = {0}, R = {0};
    sql_expr_t **lkeys = pk_from_right(xc->mcx, q, f);
    if (lkeys) {
        if (sql_from_exec(xc, q, f->right, &R, err) != 0) return -1;
        if (R.n <= INDEX_NL_MAX_OUTER) return index_nl_join(xc, q, f, &R, f->left, lkeys, out, err);
        if (sql_from_exec(xc, q, f->left, &L, err) != 0) return -1;
    } else {
        if (sql_from_exec(xc, q, f->left, &L, err) != 0) return -1;
        sql_expr_t **pkeys = L.n <= INDEX_NL_MAX_OUTER ? pk_from_left(xc->mcx, q, f) : NULL;
        if (pkeys) return index_nl_join(xc, q, f, &L, f->right, pkeys, out, err);
        if (sql_from_exec(xc, q, f->right, &R, err) != 0) return -1;
    }
    int width = q->width;
    bool *rmatched = orb_alloc0(xc->mcx, sizeof(bool) * (size_t)(R.n + 1));
    sql_expr_t **lk, **rk;
    int nk = equi_keys(f, &lk, &rk, xc->mcx);
    uint32_t *types = orb_alloc0(xc->mcx, sizeof(uint32_t) * (size_t)(nk + 1));
    for (int i = 0; i < nk; i++) types[i] = lk[i]->type;
    hentry_t **tab = NULL;
    size_t nb = 0;
    if (nk > 0) {
        nb = (size_t)R.n * 2 + 1;
        tab = orb_alloc0(xc->mcx, sizeof *tab * nb);
        for (int64_t r = 0; r < R.n; r++) {
            sql_value_t *kv = orb_alloc(xc->mcx, sizeof *kv * (size_t)nk);
            bool has_null;
            if (eval_keys(xc, R.rows[r], rk, nk, kv, &has_null, err) != 0) return -1;
            if (has_null) continue; /* NULL never equals anything */
            hentry_t *h = orb_alloc(xc->mcx, sizeof *h);
            h->hash = row_hash(NULL, NULL, kv, nk, types);
            h->row = r;
            h->keys = kv;
            h->next = tab[h->hash % nb];
            tab[h->hash % nb] = h;
        }
    }
    sql_value_t *kv = orb_alloc(xc->mcx, sizeof *kv * (size_t)(nk + 1));
    for (int64_t l = 0; l < L.n; l++) {
        if (sql_check_interrupts(xc->sess, err) != 0) return -1;
        bool matched = false;
        const sql_value_t *lrow = L.rows[l];
        if (nk > 0) {
            bool has_null;
            if (eval_keys(xc, lrow, lk, nk, kv, &has_null, err) != 0) return -1;
            if (!has_null) {
                uint64_t hh = row_hash(NULL, NULL, kv, nk, types);
                for (hentry_t *h = tab[hh % nb]; h; h = h->next) {
                    if (h->hash != hh) continue;
                    bool eq = true;
                    for (int i = 0; i < nk && eq; i++) eq = sql_value_cmp(types[i], &h->keys[i], &kv[i]) == 0;
                    if (!eq) continue;
                    sql_value_t *c = combine(xc, lrow, R.rows[h->row], f->right, width);
                    sql_eval_ctx_t ec = sql_eval_ctx(xc, c);
                    bool ok = true;
                    if (f->quals && sql_expr_eval_bool(&ec, f->quals, &ok, err) != 0) return -1;
                    if (!ok) continue;
                    matched = true;
                    rmatched[h->row] = true;
                    sql_rowset_add(out, xc->mcx, c);
                }
            }
        } else {
            for (int64_t r = 0; r < R.n; r++) {
                if ((r & 1023) == 1023 && sql_check_interrupts(xc->sess, err) != 0) return -1;
                sql_value_t *c = combine(xc, lrow, R.rows[r], f->right, width);
                bool ok = true;
                if (f->quals) {
                    sql_eval_ctx_t ec = sql_eval_ctx(xc, c);
                    if (sql_expr_eval_bool(&ec, f->quals, &ok, err) != 0) return -1;
                }
                if (!ok) continue;
                matched = true;
                rmatched[r] = true;
                sql_rowset_add(out, xc->mcx, c);
            }
        }
        if (!matched && (f->jointype == SQL_JOIN_LEFT || f->jointype == SQL_JOIN_FULL))
            sql_rowset_add(out, xc->mcx, with_nulls(xc, lrow, f->right, width));
    }
    if (f->jointype == SQL_JOIN_RIGHT || f->jointype == SQL_JOIN_FULL)
        for (int64_t r = 0; r < R.n; r++)
            if (!rmatched[r]) sql_rowset_add(out, xc->mcx, with_nulls(xc, R.rows[r], f->left, width));
    return 0;
}

static int from_exec(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                     orb_err_t *err);

int sql_from_exec(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                  orb_err_t *err) {
    if (!xc->instrument) return from_exec(xc, q, f, out, err);
    double t0 = sql_clock_ms();
    int64_t n0 = out->n;
    int rc = from_exec(xc, q, f, out, err);
    f->act_ms += sql_clock_ms() - t0;
    f->act_rows += out->n - n0;
    return rc;
}

#define SRF_MAX_ROWS 50000000

int sql_srf_expand(sql_eval_ctx_t *ec, int srf, const sql_builtin_t *add, uint32_t type,
                   const sql_value_t *a, int nargs, orb_mcx_t *mcx, sql_value_t **out, int64_t *n,
                   orb_err_t *err) {
    *out = NULL;
    *n = 0;
    if (srf == 3) { /* pg_partition_ancestors: no partitions, the relation itself */
        if (a[0].isnull) return 0;
        sql_value_t *v = orb_alloc0(mcx, sizeof *v);
        *v = a[0];
        *out = v;
        *n = 1;
        return 0;
    }
    if (srf == 4) {
        /* aclexplode(acl): a record per item and privilege (sql_aclexplode.c) */
        return sql_aclexplode(sql_session_engine(ec->fn.session), &a[0], mcx, out, n, err);
    }
    if (srf == 1) {
        if (a[0].isnull) return 0;
        int len = sql_array_len(&a[0]);
        sql_value_t *v = orb_alloc0(mcx, sizeof *v * (size_t)(len + 1));
        for (int i = 0; i < len; i++)
            if (sql_array_get(0, &a[0], i, mcx, &v[i]) != 0) v[i].isnull = true;
        *out = v;
        *n = len;
        return 0;
    }
    /* generate_series: start, start + step, ... while not past stop */
    for (int i = 0; i < nargs; i++)
        if (a[i].isnull) return 0;
    sql_value_t step;
    if (nargs == 3) {
        step = a[2];
    } else {
        memset(&step, 0, sizeof step);
        if (type == SQL_OID_NUMERIC) {
            step.v.s.p = "1";
            step.v.s.n = 1;
        } else {
            step.v.i = 1;
        }
    }
    sql_value_t args[2] = {a[0], step}, next;
    memset(&next, 0, sizeof next);
    if (add->fn(&ec->fn, args, 2, &next, err) != 0) return -1;
    int dir = sql_value_cmp(type, &next, &a[0]);
    if (dir == 0) return orb_err_set(err, INVALID_PARAMETER_VALUE, "step size cannot equal zero");
    sql_value_t cur = a[0];
    int64_t cnt = 0, cap = 0;
    sql_value_t *v = NULL;
    for (;;) {
        int c = sql_value_cmp(type, &cur, &a[1]);
        if ((dir > 0 && c > 0) || (dir < 0 && c < 0)) break;
        if (cnt >= SRF_MAX_ROWS)
            return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "generate_series produces more than %d rows", SRF_MAX_ROWS);
        if (cnt == cap) {
            int64_t nc = cap ? cap * 2 : 64;
            v = orb_realloc(mcx, v, sizeof *v * (size_t)cap, sizeof *v * (size_t)nc);
            cap = nc;
        }
        v[cnt++] = cur;
        args[0] = cur;
        memset(&next, 0, sizeof next);
        orb_err_t e2;
        if (add->fn(&ec->fn, args, 2, &next, &e2) != 0) break; /* overflow past stop */
        cur = next;
    }
    *out = v;
    *n = cnt;
    return 0;
}

static int exec_function(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                         orb_err_t *err) {
    sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
    sql_value_t a[3];
    for (int i = 0; i < f->nsrf_args; i++)
        if (sql_expr_eval(&ec, f->srf_args[i], &a[i], err) != 0) return -1;
    sql_value_t *vals;
    int64_t n;
    if (sql_srf_expand(&ec, f->srf, f->srf_add, f->srf_type, a, f->nsrf_args, xc->mcx, &vals, &n, err) != 0)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        sql_value_t *row = null_row(xc->mcx, q->width);
        int ncols = 1;
        if (f->srf == 4) {
            sql_aclexplode_fields(&vals[i], &row[f->offset]);
            ncols = 4;
        } else {
            row[f->offset] = vals[i];
        }
        if (f->ordinality) {
            row[f->offset + ncols].isnull = false;
            row[f->offset + ncols].v.i = i + 1;
        }
        sql_rowset_add(out, xc->mcx, row);
    }
    return 0;
}

static int from_exec(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                     orb_err_t *err) {
    switch (f->kind) {
    case SQL_FROM_TABLE: {
        const sql_rte_t *r = &q->rtes[f->rte];
        scan_state_t st = {.xc = xc, .f = f, .out = out, .err = err};
        return sql_shard_scan(xc, r->table, &f->path, r->offset, q->width, false, scan_cb, &st, err);
    }
    case SQL_FROM_SUBQUERY: {
        if (f->cte) {
            if (run_cte(xc, f->cte, err) != 0) return -1;
            sql_rowset_t *rs = f->cte->rows;
            widen(xc, rs->rows, rs->n, f->width, f->offset, q->width, out);
            return 0;
        }
        sql_result_t res;
        memset(&res, 0, sizeof res);
        if (f->lateral) {
            /* the left rows are the subquery's innermost outer level */
            if (!xc->lateral_row) return orb_err_set(err, INTERNAL_ERROR, "LATERAL subquery without its row");
            const sql_value_t **outer = orb_alloc(xc->mcx, sizeof *outer * (size_t)(xc->nouter + 1));
            for (int i = 0; i < xc->nouter; i++) outer[i] = xc->outer[i];
            outer[xc->nouter] = xc->lateral_row;
            sql_exec_ctx_t x = *xc;
            x.outer = outer;
            x.nouter = xc->nouter + 1;
            x.lateral_row = NULL;
            x.row_mcx = NULL;
            if (sql_exec_query(&x, f->sub, &res, err) != 0) return -1;
        } else if (sql_exec_query(xc, f->sub, &res, err) != 0) {
            return -1;
        }
        widen(xc, res.rows, res.nrows, f->width, f->offset, q->width, out);
        return 0;
    }
    case SQL_FROM_WORKTABLE: {
        sql_rowset_t *rs = f->cte->work;
        if (rs) widen(xc, rs->rows, rs->n, f->width, f->offset, q->width, out);
        return 0;
    }
    case SQL_FROM_VALUES: {
        sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
        for (int r = 0; r < f->nvalues; r++) {
            sql_value_t *row = null_row(xc->mcx, q->width);
            for (int c = 0; c < f->width; c++)
                if (sql_expr_eval(&ec, f->values[r][c], &row[f->offset + c], err) != 0) return -1;
            sql_rowset_add(out, xc->mcx, row);
        }
        return 0;
    }
    case SQL_FROM_JOIN:
        return exec_join(xc, q, f, out, err);
    case SQL_FROM_FUNCTION:
        return exec_function(xc, q, f, out, err);
    }
    return orb_err_set(err, INTERNAL_ERROR, "unknown FROM item");
}

/* ---- common table expressions ------------------------------------------------------------ */

static bool rows_equal(const sql_cte_t *c, const sql_value_t *a, const sql_value_t *b) {
    for (int i = 0; i < c->ncols; i++) {
        if (a[i].isnull || b[i].isnull) {
            if (a[i].isnull != b[i].isnull) return false;
            continue;
        }
        if (sql_value_cmp(c->types[i], &a[i], &b[i]) != 0) return false;
    }
    return true;
}

/* Runs a CTE once per statement; a recursive one iterates its recursive term over the rows
 * the previous round produced until a round produces none (UNION drops repeats). */
static int run_cte(sql_exec_ctx_t *xc, sql_cte_t *c, orb_err_t *err) {
    if (c->done) return 0;
    sql_rowset_t *all = orb_alloc0(xc->mcx, sizeof *all);
    sql_result_t res;
    memset(&res, 0, sizeof res);
    if (sql_exec_query(xc, c->query, &res, err) != 0) return -1;
    for (int64_t r = 0; r < res.nrows; r++) {
        bool dup = false;
        for (int64_t k = 0; !c->union_all && c->rec && k < all->n && !dup; k++)
            dup = rows_equal(c, all->rows[k], res.rows[r]);
        if (!dup) sql_rowset_add(all, xc->mcx, res.rows[r]);
    }
    if (c->rec) {
        sql_rowset_t *work = orb_alloc0(xc->mcx, sizeof *work);
        *work = *all;
        for (int round = 0; work->n > 0; round++) {
            if (round > 1000000)
                return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "recursive query \"%s\" did not end", c->name);
            c->work = work;
            memset(&res, 0, sizeof res);
            if (sql_exec_query(xc, c->rec, &res, err) != 0) return -1;
            sql_rowset_t *next = orb_alloc0(xc->mcx, sizeof *next);
            for (int64_t r = 0; r < res.nrows; r++) {
                bool dup = false;
                for (int64_t k = 0; !c->union_all && k < all->n && !dup; k++)
                    dup = rows_equal(c, all->rows[k], res.rows[r]);
                if (dup) continue;
                sql_rowset_add(all, xc->mcx, res.rows[r]);
                sql_rowset_add(next, xc->mcx, res.rows[r]);
            }
            work = next;
        }
        c->work = NULL;
    }
    c->rows = all;
    c->done = true;
    return 0;
}

const sql_from_t *sql_from_index_nl_inner(orb_mcx_t *mcx, const sql_query_t *q, const sql_from_t *f) {
    if (f->kind != SQL_FROM_JOIN) return NULL;
    if (pk_from_left(mcx, q, f)) return f->right;
    if (pk_from_right(mcx, q, f)) return f->left;
    return NULL;
}
