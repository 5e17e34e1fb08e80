/* sql/sql_analyze.c — semantic analysis of SELECT, INSERT, UPDATE and DELETE into an
 * sql_query_t: name resolution against the catalog, target lists, grouping checks, sort
 * keys, and the access path (primary-key point lookup, range scan or full scan).
 * Entry point: sql_analyze. See README.md ("Analyze and plan"). */
#include "sql_acl.h"
#include "sql_int.h"

#include <string.h>

/* The location of an expression node, -1 when it has none. */
static int node_location(PgQuery__Node *n) {
    if (!n) return -1;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST: return n->a_const->location;
    case PG_QUERY__NODE__NODE_COLUMN_REF: return n->column_ref->location;
    case PG_QUERY__NODE__NODE_A_EXPR: return n->a_expr->location;
    case PG_QUERY__NODE__NODE_FUNC_CALL: return n->func_call->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        int l = node_location(n->type_cast->arg);
        return l >= 0 ? l : n->type_cast->location;
    }
    case PG_QUERY__NODE__NODE_PARAM_REF: return n->param_ref->location;
    case PG_QUERY__NODE__NODE_BOOL_EXPR: return n->bool_expr->location;
    case PG_QUERY__NODE__NODE_CASE_EXPR: return n->case_expr->location;
    case PG_QUERY__NODE__NODE_SET_TO_DEFAULT: return n->set_to_default->location;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: return n->sqlvalue_function->location;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: return n->coalesce_expr->location;
    default: return -1;
    }
}

static void release_table(void *arg) { sql_table_release(arg); }

static int open_table(sql_analyze_ctx_t *ac, PgQuery__RangeVar *rv, sql_query_t *q,
                      orb_err_t *err) {
    const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
    /* search_path resolution (sql_catalog.c) */
    sql_table_t *t = q->kind == SQL_STMT_SELECT ? sql_catalog_resolve_read(ac->sess, schema, rv->relname)
                                                : sql_catalog_resolve(ac->sess, schema, rv->relname);
    if (t && t->view_sql) { /* SELECT reads views through sql_from.c; DML cannot */
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "%s a view is not supported yet",
                    q->kind == SQL_STMT_INSERT   ? "inserting into"
                    : q->kind == SQL_STMT_UPDATE ? "updating"
                                                 : "deleting from");
        sql_table_release(t);
        return sql_err_at(err, rv->location);
    }
    if (!t) {
        if (schema)
            orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema,
                        rv->relname);
        else
            orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
        return sql_err_at(err, rv->location);
    }
    orb_mcx_on_reset(ac->mcx, release_table, t);
    uint32_t priv = q->kind == SQL_STMT_INSERT   ? SQL_ACL_INSERT
                    : q->kind == SQL_STMT_UPDATE ? SQL_ACL_UPDATE
                    : q->kind == SQL_STMT_DELETE ? SQL_ACL_DELETE
                                                 : SQL_ACL_SELECT;
    if (sql_acl_check_schema(ac->sess, t->schema, SQL_ACL_USAGE, err) != 0) return sql_err_at(err, rv->location);
    if (sql_acl_check(ac->sess, t, priv, err) != 0) return -1; /* no position, as PostgreSQL */
    q->table = t;
    q->alias = rv->alias && rv->alias->aliasname && rv->alias->aliasname[0] ? rv->alias->aliasname : t->name;
    return 0;
}

/* The column name PostgreSQL gives an unnamed target (FigureColnameInternal): returns the
 * strength of the name (2 a real name, 1 a type name from a cast, 0 none). */
static int figure_colname_int(PgQuery__Node *n, const char **name) {
    if (!n) return 0;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        PgQuery__ColumnRef *c = n->column_ref;
        const char *s = sql_str_of(c->fields[c->n_fields - 1]);
        if (!s) return 0;
        *name = s;
        return 2;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
        const char *s = sql_str_of(n->func_call->funcname[n->func_call->n_funcname - 1]);
        if (!s) return 0;
        *name = s;
        return 2;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        int strength = figure_colname_int(n->type_cast->arg, name);
        if (strength <= 1) {
            PgQuery__TypeName *tn = n->type_cast->type_name;
            const char *s = sql_str_of(tn->names[tn->n_names - 1]);
            if (s) {
                *name = s;
                return 1;
            }
        }
        return strength;
    }
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
        int strength = figure_colname_int(n->case_expr->defresult, name);
        if (strength <= 1) {
            *name = "case";
            return 1;
        }
        return strength;
    }
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        *name = "coalesce";
        return 2;
    case PG_QUERY__NODE__NODE_GROUPING_FUNC:
        *name = "grouping";
        return 2;
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        *name = "array";
        return 2;
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
        /* (r).field is named field, as PostgreSQL's FigureColname does */
        PgQuery__AIndirection *ai = n->a_indirection;
        if (ai->n_indirection && sql_str_of(ai->indirection[ai->n_indirection - 1])) {
            *name = sql_str_of(ai->indirection[ai->n_indirection - 1]);
            return 2;
        }
        return figure_colname_int(ai->arg, name);
    }
    case PG_QUERY__NODE__NODE_SUB_LINK: {
        PgQuery__SubLink *sl = n->sub_link;
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) {
            *name = "exists";
            return 2;
        }
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) {
            *name = "array";
            return 2;
        }
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK && sl->subselect &&
            sl->subselect->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
            PgQuery__SelectStmt *ss = sl->subselect->select_stmt;
            /* the name of the subquery's single column */
            while (ss->op != PG_QUERY__SET_OPERATION__SETOP_NONE && ss->larg) ss = ss->larg;
            if (ss->n_target_list == 1) {
                PgQuery__ResTarget *rt = ss->target_list[0]->res_target;
                if (rt->name && rt->name[0]) {
                    *name = rt->name;
                    return 2;
                }
                return figure_colname_int(rt->val, name);
            }
        }
        return 0;
    }
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        *name = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
        return 2;
    case PG_QUERY__NODE__NODE_A_EXPR:
        if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            *name = "nullif";
            return 2;
        }
        return 0;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        const char *s = NULL;
        switch (n->sqlvalue_function->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: s = "current_date"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: s = "current_timestamp"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: s = "localtimestamp"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: s = "current_user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: s = "current_role"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: s = "user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: s = "session_user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: s = "current_catalog"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: s = "current_schema"; break;
        default: return 0;
        }
        *name = s;
        return 2;
    }
    default:
        return 0;
    }
}

static const char *figure_colname(PgQuery__Node *n) {
    const char *name = "?column?";
    figure_colname_int(n, &name);
    return name;
}

static void add_target(sql_analyze_ctx_t *ac, sql_query_t *q, int *cap, sql_expr_t *e,
                       const char *name) {
    if (q->nall == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        q->targets = orb_realloc(ac->mcx, q->targets, sizeof *q->targets * (size_t)*cap,
                                 sizeof *q->targets * (size_t)nc);
        *cap = nc;
    }
    sql_target_t *t = &q->targets[q->nall++];
    memset(t, 0, sizeof *t);
    t->expr = e;
    t->name = name;
    if (SQL_IS_A(e, COLUMN) && q->table) {
        t->table_oid = q->table->id;
        t->attnum = (int16_t)(e->index + 1);
    } else if (SQL_IS_A(e, COLUMN) && q->nrtes) {
        const sql_rte_t *rte = sql_rte_of(q, e->index);
        if (rte && rte->table) {
            t->table_oid = rte->table->id;
            t->attnum = (int16_t)(e->index - rte->offset + 1);
        }
    }
}

static sql_expr_t *column_expr(orb_mcx_t *mcx, const sql_table_t *t, int i) {
    sql_expr_t *e = SQL_MAKE_NODE(mcx, COLUMN);
    e->index = i;
    e->type = t->cols[i].type;
    e->typmod = t->cols[i].typmod;
    return e;
}

/* Target list (SELECT list or RETURNING). */
static int analyze_targets(sql_analyze_ctx_t *ac, sql_scope_t *sc, sql_query_t *q,
                           PgQuery__Node **list, size_t n, int *cap, orb_err_t *err) {
    for (size_t i = 0; i < n; i++) {
        PgQuery__ResTarget *rt = list[i]->res_target;
        PgQuery__Node *v = rt->val;
        if (v && v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
            PgQuery__ColumnRef *cr = v->column_ref;
            PgQuery__Node *last = cr->fields[cr->n_fields - 1];
            if (last->node_case == PG_QUERY__NODE__NODE_A_STAR && q->from) {
                const char *rel = cr->n_fields > 1 ? sql_str_of(cr->fields[cr->n_fields - 2]) : NULL;
                if (!rel) {
                    for (int k = 0; k < q->from->nstar; k++)
                        add_target(ac, q, cap, q->from->star[k], q->from->star_names[k]);
                    continue;
                }
                const sql_rte_t *rte = NULL;
                for (int r = 0; r < q->nrtes && !rte; r++)
                    if (strcmp(q->rtes[r].alias, rel) == 0) rte = &q->rtes[r];
                if (!rte) {
                    orb_err_set(err, UNDEFINED_TABLE, "missing FROM-clause entry for table \"%s\"", rel);
                    return sql_err_at(err, cr->location);
                }
                for (int c = 0; c < rte->ncols; c++) {
                    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, COLUMN);
                    e->index = rte->offset + c;
                    e->type = rte->types[c];
                    e->typmod = rte->typmods[c];
                    add_target(ac, q, cap, e, rte->names[c]);
                }
                continue;
            }
            if (last->node_case == PG_QUERY__NODE__NODE_A_STAR) {
                if (!q->table) {
                    orb_err_set(err, SYNTAX_ERROR, "SELECT * with no tables specified is not valid");
                    return sql_err_at(err, cr->location);
                }
                if (cr->n_fields > 1) {
                    const char *rel = sql_str_of(cr->fields[cr->n_fields - 2]);
                    if (!rel || strcmp(rel, q->alias) != 0) {
                        orb_err_set(err, UNDEFINED_TABLE,
                                    "missing FROM-clause entry for table \"%s\"", rel ? rel : "");
                        return sql_err_at(err, cr->location);
                    }
                }
                for (int c = 0; c < q->table->ncols; c++)
                    add_target(ac, q, cap, column_expr(ac->mcx, q->table, c), q->table->cols[c].name);
                continue;
            }
        }
        if (v && v->node_case == PG_QUERY__NODE__NODE_A_INDIRECTION && v->a_indirection->n_indirection &&
            v->a_indirection->indirection[v->a_indirection->n_indirection - 1]->node_case ==
                PG_QUERY__NODE__NODE_A_STAR) {
            /* (record).*: a target per field (Orbit's records are aclexplode's, sql_aclexplode.c) */
            PgQuery__AIndirection base_ind = *v->a_indirection;
            base_ind.n_indirection--;
            PgQuery__Node base_node = *v;
            base_node.a_indirection = &base_ind;
            sql_expr_t *base;
            if (sql_expr_analyze(ac, sc, base_ind.n_indirection ? &base_node : base_ind.arg, &base, err) != 0)
                return -1;
            if (base->type != SQL_OID_RECORD) {
                orb_err_set(err, WRONG_OBJECT_TYPE, "type %s is not composite",
                            sql_type_format(base->type, -1, ac->mcx));
                return sql_err_at(err, base->location);
            }
            for (int c = 0; c < 4; c++) {
                sql_expr_t *f = SQL_MAKE_NODE(ac->mcx, FUNC);
                f->fn = sql_aclexplode_field(sql_aclexplode_column(c), NULL);
                f->type = f->fn->rettype;
                f->typmod = -1;
                f->location = base->location;
                f->nargs = 1;
                f->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *));
                f->args[0] = base;
                add_target(ac, q, cap, f, sql_aclexplode_column(c));
            }
            continue;
        }
        sql_expr_t *e;
        if (sql_expr_analyze(ac, sc, v, &e, err) != 0) return -1;
        if (e->type == SQL_OID_UNKNOWN) {
            bool lit = e->tag == SQL_T_CONST;
            if (sql_expr_coerce(ac, e, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &e, err) != 0) return -1;
            if (lit) e->flag = SQL_CONST_DEFAULTED;
        }
        add_target(ac, q, cap, e, rt->name && rt->name[0] ? rt->name : figure_colname(v));
    }
    return 0;
}

static bool expr_equal(const sql_expr_t *a, const sql_expr_t *b) {
    if (a == b) return true;
    if (!a || !b || a->tag != b->tag || a->type != b->type || a->nargs != b->nargs) return false;
    if (a->index != b->index || a->fn != b->fn || a->flag != b->flag) return false;
    if (a->tag == SQL_T_CONST) {
        if (a->val.isnull != b->val.isnull) return false;
        if (!a->val.isnull && sql_value_cmp(a->type, &a->val, &b->val) != 0) return false;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* Every column referenced outside an aggregate must be a GROUP BY expression (42803). */
static int check_grouped(const sql_query_t *q, const sql_expr_t *e, orb_err_t *err) {
    if (!e) return 0;
    for (int g = 0; g < q->ngroup; g++)
        if (expr_equal(e, q->group[g])) return 0;
    if (e->tag == SQL_T_COLUMN) {
        const char *rel = q->alias, *col = "?";
        if (q->table) {
            col = q->table->cols[e->index].name;
        } else {
            const sql_rte_t *rte = sql_rte_of(q, e->index);
            if (rte) {
                rel = rte->alias;
                col = rte->names[e->index - rte->offset];
            }
        }
        orb_err_set(err, GROUPING_ERROR,
                    "column \"%s.%s\" must appear in the GROUP BY clause or be used in an "
                    "aggregate function",
                    rel ? rel : "", col);
        return sql_err_at(err, e->location);
    }
    if (e->tag == SQL_T_SUBLINK || e->tag == SQL_T_WINDOW || e->tag == SQL_T_GROUPING)
        return 0; /* checked where analyzed */
    for (int i = 0; i < e->nargs; i++)
        if (check_grouped(q, e->args[i], err) != 0) return -1;
    return 0;
}

/* ---- GROUPING SETS, ROLLUP, CUBE ----------------------------------------------------------- */

typedef struct gsetlist {
    uint64_t *sets;
    int n, cap;
} gsetlist_t;

static void gs_add(orb_mcx_t *mcx, gsetlist_t *l, uint64_t m) {
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 8;
        l->sets = orb_realloc(mcx, l->sets, sizeof(uint64_t) * (size_t)l->cap, sizeof(uint64_t) * (size_t)nc);
        l->cap = nc;
    }
    l->sets[l->n++] = m;
}

/* The index of a grouping expression in q->group, adding it when new. */
static int group_index(sql_analyze_ctx_t *ac, sql_scope_t *gsc, sql_query_t *q, PgQuery__Node *n,
                       int *cap, orb_err_t *err) {
    sql_expr_t *e = NULL;
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        int k = n->a_const->ival->ival;
        if (k < 1 || k > q->ntargets) {
            orb_err_set(err, INVALID_COLUMN_REFERENCE, "GROUP BY position %d is not in select list", k);
            return sql_err_at(err, n->a_const->location);
        }
        e = q->targets[k - 1].expr;
    } else if (sql_expr_analyze(ac, gsc, n, &e, err) != 0) {
        return -1;
    }
    for (int i = 0; i < q->ngroup; i++)
        if (expr_equal(q->group[i], e)) return i;
    if (q->ngroup >= 63) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many grouping expressions");
    if (q->ngroup == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        q->group = orb_realloc(ac->mcx, q->group, sizeof(sql_expr_t *) * (size_t)*cap, sizeof(sql_expr_t *) * (size_t)nc);
        *cap = nc;
    }
    q->group[q->ngroup] = e;
    return q->ngroup++;
}

/* The mask of one "unit": an expression or a parenthesized list of them. */
static int unit_mask(sql_analyze_ctx_t *ac, sql_scope_t *gsc, sql_query_t *q, PgQuery__Node *n,
                     int *cap, uint64_t *out, orb_err_t *err) {
    *out = 0;
    if (n->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
        PgQuery__GroupingSet *gs = n->grouping_set;
        if (gs->kind != PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SIMPLE &&
            gs->kind != PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "nested ROLLUP or CUBE is not supported here");
        for (size_t i = 0; i < gs->n_content; i++) {
            int k = group_index(ac, gsc, q, gs->content[i], cap, err);
            if (k < 0) return -1;
            *out |= 1ULL << k;
        }
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        PgQuery__RowExpr *r = n->row_expr;
        for (size_t i = 0; i < r->n_args; i++) {
            int k = group_index(ac, gsc, q, r->args[i], cap, err);
            if (k < 0) return -1;
            *out |= 1ULL << k;
        }
        return 0;
    }
    int k = group_index(ac, gsc, q, n, cap, err);
    if (k < 0) return -1;
    *out = 1ULL << k;
    return 0;
}

/* The sets one GROUP BY item stands for. */
static int item_sets(sql_analyze_ctx_t *ac, sql_scope_t *gsc, sql_query_t *q, PgQuery__Node *n,
                     int *cap, gsetlist_t *out, orb_err_t *err) {
    if (n->node_case != PG_QUERY__NODE__NODE_GROUPING_SET) {
        uint64_t m;
        if (unit_mask(ac, gsc, q, n, cap, &m, err) != 0) return -1;
        gs_add(ac->mcx, out, m);
        return 0;
    }
    PgQuery__GroupingSet *gs = n->grouping_set;
    int nu = (int)gs->n_content;
    uint64_t *units = orb_alloc0(ac->mcx, sizeof(uint64_t) * (size_t)(nu + 1));
    switch (gs->kind) {
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY:
        gs_add(ac->mcx, out, 0);
        return 0;
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SIMPLE: {
        uint64_t m;
        if (unit_mask(ac, gsc, q, n, cap, &m, err) != 0) return -1;
        gs_add(ac->mcx, out, m);
        return 0;
    }
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_ROLLUP:
        for (int i = 0; i < nu; i++)
            if (unit_mask(ac, gsc, q, gs->content[i], cap, &units[i], err) != 0) return -1;
        for (int k = nu; k >= 0; k--) {
            uint64_t m = 0;
            for (int i = 0; i < k; i++) m |= units[i];
            gs_add(ac->mcx, out, m);
        }
        return 0;
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_CUBE:
        if (nu > 12) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "CUBE is limited to 12 elements");
        for (int i = 0; i < nu; i++)
            if (unit_mask(ac, gsc, q, gs->content[i], cap, &units[i], err) != 0) return -1;
        /* PostgreSQL's order: by decreasing size */
        for (int size = nu; size >= 0; size--)
            for (uint32_t bits = (1u << nu); bits-- > 0;) {
                if (__builtin_popcount(bits) != size) continue;
                uint64_t m = 0;
                for (int i = 0; i < nu; i++)
                    if (bits & (1u << (nu - 1 - i))) m |= units[i];
                gs_add(ac->mcx, out, m);
            }
        return 0;
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SETS:
        for (int i = 0; i < nu; i++)
            if (item_sets(ac, gsc, q, gs->content[i], cap, out, err) != 0) return -1;
        return 0;
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this grouping set is not supported");
    }
}

static int analyze_grouping_sets(sql_analyze_ctx_t *ac, sql_scope_t *gsc, PgQuery__SelectStmt *s,
                                 sql_query_t *q, orb_err_t *err) {
    int cap = 0;
    gsetlist_t acc = {0};
    gs_add(ac->mcx, &acc, 0);
    for (size_t i = 0; i < s->n_group_clause; i++) {
        gsetlist_t item = {0};
        if (item_sets(ac, gsc, q, s->group_clause[i], &cap, &item, err) != 0) return -1;
        /* GROUP BY a, ROLLUP(b): the cross product of the items' sets */
        gsetlist_t next = {0};
        for (int x = 0; x < acc.n; x++)
            for (int y = 0; y < item.n; y++) gs_add(ac->mcx, &next, acc.sets[x] | item.sets[y]);
        if (next.n > 4096) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many grouping sets present");
        acc = next;
    }
    q->ngsets = acc.n;
    q->gsets = acc.sets;
    return 0;
}

/* Replaces grouping expressions in e by GROUPREFs (for grouping sets). */
static sql_expr_t *group_refs(sql_analyze_ctx_t *ac, const sql_query_t *q, sql_expr_t *e) {
    if (!e) return NULL;
    if (e->tag == SQL_T_AGGREF || e->tag == SQL_T_WINDOW || e->tag == SQL_T_SUBLINK) return e;
    for (int i = 0; i < q->ngroup; i++) {
        if (expr_equal(e, q->group[i])) {
            sql_expr_t *r = SQL_MAKE_NODE(ac->mcx, GROUPREF);
            r->index = i;
            r->type = e->type;
            r->typmod = e->typmod;
            r->location = e->location;
            return r;
        }
    }
    sql_expr_t *c = orb_memdup(ac->mcx, e, sizeof *e);
    if (e->nargs) {
        c->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) c->args[i] = group_refs(ac, q, e->args[i]);
    }
    return c;
}

/* GROUPING(args): each argument must be a grouping expression; it becomes its GROUPREF. */
static int fix_grouping(sql_analyze_ctx_t *ac, const sql_query_t *q, sql_expr_t *e, orb_err_t *err) {
    if (!e) return 0;
    if (e->tag == SQL_T_GROUPING) {
        for (int i = 0; i < e->nargs; i++) {
            int k = -1;
            for (int g = 0; g < q->ngroup && k < 0; g++)
                if (expr_equal(e->args[i], q->group[g])) k = g;
            if (k < 0) {
                orb_err_set(err, GROUPING_ERROR,
                            "arguments to GROUPING must be grouping expressions of the associated query level");
                return sql_err_at(err, e->args[i]->location);
            }
            sql_expr_t *r = SQL_MAKE_NODE(ac->mcx, GROUPREF);
            r->index = k;
            r->type = e->args[i]->type;
            e->args[i] = r;
        }
        return 0;
    }
    for (int i = 0; i < e->nargs; i++)
        if (fix_grouping(ac, q, e->args[i], err) != 0) return -1;
    return 0;
}

static int coerce_int8(sql_analyze_ctx_t *ac, sql_expr_t **e, const char *what, orb_err_t *err) {
    if ((*e)->type == SQL_OID_INT8) return 0;
    if ((*e)->type == SQL_OID_UNKNOWN || (*e)->type == SQL_OID_INT2 || (*e)->type == SQL_OID_INT4 ||
        (*e)->type == SQL_OID_NUMERIC || (*e)->type == SQL_OID_FLOAT8 ||
        (*e)->type == SQL_OID_FLOAT4)
        return sql_expr_coerce(ac, *e, SQL_OID_INT8, -1, SQL_CAST_ASSIGNMENT, e, err);
    orb_err_set(err, DATATYPE_MISMATCH, "argument of %s must be type bigint, not type %s", what,
                sql_type_format((*e)->type, -1, ac->mcx));
    return sql_err_at(err, (*e)->location);
}

static int coerce_where(sql_analyze_ctx_t *ac, sql_expr_t **e, const char *what, orb_err_t *err) {
    if ((*e)->type == SQL_OID_BOOL) return 0;
    if ((*e)->type == SQL_OID_UNKNOWN)
        return sql_expr_coerce(ac, *e, SQL_OID_BOOL, -1, SQL_CAST_IMPLICIT, e, err);
    orb_err_set(err, DATATYPE_MISMATCH, "argument of %s must be type boolean, not type %s", what,
                sql_type_format((*e)->type, -1, ac->mcx));
    return sql_err_at(err, (*e)->location);
}

/* ---- access path ------------------------------------------------------------------------ */

static void flatten_and(sql_expr_t *e, sql_expr_t **out, int *n, int cap) {
    if (SQL_IS_A(e, AND)) {
        for (int i = 0; i < e->nargs; i++) flatten_and(e->args[i], out, n, cap);
    } else if (*n < cap) {
        out[(*n)++] = e;
    }
}

/* Matches "col OP stable" or "stable OP col" for a builtin comparison; returns the operator
 * as seen with the column on the left. */
static const char *match_cmp(const sql_expr_t *e, int col, sql_expr_t **val) {
    if (!SQL_IS_A(e, FUNC) || e->nargs != 2 || !e->fn) return NULL;
    const char *op = e->fn->name;
    static const char *const ops[] = {"=", "<", "<=", ">", ">="};
    static const char *const flipped[] = {"=", ">", ">=", "<", "<="};
    int k = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(op, ops[i]) == 0) k = i;
    if (k < 0) return NULL;
    const sql_expr_t *a = e->args[0], *b = e->args[1];
    if (SQL_IS_A(a, COLUMN) && a->index == col && sql_expr_is_stable(b) && b->type == a->type) {
        *val = (sql_expr_t *)b;
        return ops[k];
    }
    if (SQL_IS_A(b, COLUMN) && b->index == col && sql_expr_is_stable(a) && a->type == b->type) {
        *val = (sql_expr_t *)a;
        return flipped[k];
    }
    return NULL;
}

/* Leading key columns fixed by equality, and a range on the next one, for a key made of
 * cols (table positions, at `offset` in the combined row). */
static void match_key(sql_analyze_ctx_t *ac, sql_expr_t **conj, int n, const int *cols, int ncols,
                      int offset, sql_path_t *p) {
    memset(p, 0, sizeof *p);
    p->eq = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(ncols + 1));
    for (int k = 0; k < ncols; k++) {
        int col = offset + cols[k];
        sql_expr_t *found = NULL;
        for (int i = 0; i < n && !found; i++) {
            sql_expr_t *v;
            const char *op = match_cmp(conj[i], col, &v);
            if (op && strcmp(op, "=") == 0) found = v;
        }
        if (!found) break;
        p->eq[p->neq++] = found;
    }
    if (p->neq == ncols) return;
    int col = offset + cols[p->neq];
    for (int i = 0; i < n; i++) {
        sql_expr_t *v;
        const char *op = match_cmp(conj[i], col, &v);
        if (!op) continue;
        if (op[0] == '>' && !p->lower) {
            p->lower = v;
            p->lower_incl = op[1] == '=';
        } else if (op[0] == '<' && !p->upper) {
            p->upper = v;
            p->upper_incl = op[1] == '=';
        }
    }
}

/* The access path: primary-key point lookup, then a unique index point lookup, then the key
 * prefix/range that fixes the most columns (primary key or secondary index), else a full
 * scan. */
void sql_choose_path(sql_analyze_ctx_t *ac, const sql_table_t *t, int offset, sql_expr_t *cond,
                     sql_path_t *p) {
    memset(p, 0, sizeof *p);
    p->access = SQL_ACCESS_FULL;
    if (!cond) return;
    sql_expr_t *conj[64];
    int n = 0;
    flatten_and(cond, conj, &n, 64);
    int best_score = 0;
    if (t->npk) {
        sql_path_t pk;
        match_key(ac, conj, n, t->pk, t->npk, offset, &pk);
        if (pk.neq == t->npk) {
            *p = pk;
            p->access = SQL_ACCESS_POINT;
            return;
        }
        if (pk.neq > 0 || pk.lower || pk.upper) {
            *p = pk;
            p->access = SQL_ACCESS_RANGE;
            best_score = pk.neq * 2 + (pk.lower || pk.upper ? 1 : 0);
        }
    }
    for (int u = 0; u < t->nunique; u++) {
        const sql_unique_t *ix = &t->uniques[u];
        if (ix->vec_method) continue; /* searched by distance only (sql_vindex.c) */
        sql_path_t cand;
        match_key(ac, conj, n, ix->cols, ix->ncols, offset, &cand);
        cand.index = ix;
        if (ix->unique && cand.neq == ix->ncols) {
            *p = cand;
            p->access = SQL_ACCESS_UNIQUE;
            return;
        }
        if (ix->unique) continue; /* global entries: only exact lookups */
        int score = cand.neq * 2 + (cand.lower || cand.upper ? 1 : 0);
        if (score > best_score) {
            best_score = score;
            *p = cand;
            p->access = SQL_ACCESS_INDEX;
        }
    }
}

/* ---- ORDER BY from key order ------------------------------------------------------------ */

/* types whose storage key order is their SQL order (storage README: memcmp order == ASC) */
static bool key_order_is_sql_order(uint32_t type) {
    switch (type) {
    case SQL_OID_BOOL: case SQL_OID_INT2: case SQL_OID_INT4: case SQL_OID_INT8:
    case SQL_OID_FLOAT4: case SQL_OID_FLOAT8: case SQL_OID_NUMERIC: case SQL_OID_TEXT:
    case SQL_OID_VARCHAR: case SQL_OID_NAME: case SQL_OID_BYTEA: case SQL_OID_UUID:
    case SQL_OID_DATE: case SQL_OID_TIMESTAMP: case SQL_OID_TIMESTAMPTZ:
        return true;
    default:
        return false;
    }
}

/* Whether the key kcols[0..nk), its first neq columns fixed by equality, yields the rows in the
 * order of q's ORDER BY; *reverse when read backwards. Storage keeps NULLs last, so ASC must be
 * NULLS LAST and DESC NULLS FIRST (both the defaults). */
static bool key_gives_order(const sql_query_t *q, const int *icols, int nicols, const int *pk,
                            int npk, int neq, bool *reverse) {
    /* a secondary index entry's key is its columns, then the primary key */
    int kcols[64], nk = 0;
    if (nicols + npk > 64) return false;
    for (int i = 0; i < nicols; i++) kcols[nk++] = icols[i];
    for (int i = 0; i < npk; i++) kcols[nk++] = pk[i];
    int next = neq;
    int dir = -1;
    for (int i = 0; i < q->nsort; i++) {
        const sql_sort_key_t *k = &q->sort[i];
        const sql_expr_t *e = q->targets[k->target].expr;
        if (!SQL_IS_A(e, COLUMN) || e->index < 0 || e->index >= q->table->ncols) return false;
        if (!key_order_is_sql_order(e->type)) return false;
        bool fixed = false;
        for (int j = 0; j < neq; j++) fixed |= kcols[j] == e->index;
        if (fixed) continue; /* one value: any direction */
        if (k->nulls_first != k->desc) return false;
        if (dir >= 0 && dir != (int)k->desc) return false;
        dir = k->desc;
        if (next >= nk || kcols[next] != e->index) return false;
        next++;
    }
    *reverse = dir == 1;
    return true;
}

/* SELECT ... ORDER BY ... LIMIT over one table: read the rows in an order the primary key or
 * a secondary index already has, so no sort is needed and the scan stops at the limit. */
static void order_from_key(sql_query_t *q) {
    if (!q->table || !q->nsort || !q->limit || q->has_agg || q->distinct || q->nwins ||
        q->nsrfs)
        return;
    const sql_table_t *t = q->table;
    sql_path_t *p = &q->path;
    bool rev;
    if (p->access == SQL_ACCESS_POINT || p->access == SQL_ACCESS_UNIQUE) return; /* one row */
    if (p->access == SQL_ACCESS_INDEX || ((p->access == SQL_ACCESS_RANGE || p->access == SQL_ACCESS_FULL) && t->npk)) {
        const int *kcols = p->index ? p->index->cols : t->pk;
        int nk = p->index ? p->index->ncols : t->npk;
        if (key_gives_order(q, kcols, nk, p->index ? t->pk : NULL, p->index ? t->npk : 0, p->neq, &rev)) {
            p->ordered = true;
            p->reverse = rev;
            return;
        }
    }
    if (p->access != SQL_ACCESS_FULL) return; /* keep the predicate's narrower range */
    for (int u = 0; u < t->nunique; u++) {
        const sql_unique_t *ix = &t->uniques[u];
        if (ix->unique || ix->vec_method) continue; /* hashed entries, or a vector index */
        if (!key_gives_order(q, ix->cols, ix->ncols, t->pk, t->npk, 0, &rev)) continue;
        memset(p, 0, sizeof *p);
        p->access = SQL_ACCESS_INDEX;
        p->index = ix;
        p->ordered = true;
        p->reverse = rev;
        return;
    }
}

/* ---- partial aggregation inside the shards ------------------------------------------------- */

/* the table column an aggregate argument reads, through value-preserving casts (int2 -> int4 ->
 * int8, float4 -> float8), or -1 */
static int plain_column(const sql_query_t *q, const sql_expr_t *e) {
    if (SQL_IS_A(e, CAST) && e->nargs == 1 && SQL_IS_A(e->args[0], COLUMN)) {
        uint32_t from = e->args[0]->type, to = e->type;
        bool ints = (from == SQL_OID_INT2 || from == SQL_OID_INT4 || from == SQL_OID_INT8) &&
                    (to == SQL_OID_INT4 || to == SQL_OID_INT8) && !(from == SQL_OID_INT8 && to == SQL_OID_INT4);
        bool floats = from == SQL_OID_FLOAT4 && to == SQL_OID_FLOAT8;
        if (!ints && !floats) return -1;
        e = e->args[0];
    }
    if (!SQL_IS_A(e, COLUMN) || e->index < 0 || e->index >= q->table->ncols) return -1;
    return e->index;
}

/* every column e reads outside aggregates is a grouping column (and nothing needs a row) */
static bool reads_only_groups(const sql_query_t *q, const sql_expr_t *e, const bool *grouped) {
    if (!e) return true;
    switch (e->tag) {
    case SQL_T_COLUMN:
        return e->index >= 0 && e->index < q->table->ncols && grouped[e->index];
    case SQL_T_AGGREF:
        return true;
    case SQL_T_SUBLINK:
    case SQL_T_WINDOW:
    case SQL_T_SRF:
    case SQL_T_OUTER:
    case SQL_T_EXCLUDED:
        return false;
    default:
        for (int i = 0; i < e->nargs; i++)
            if (!reads_only_groups(q, e->args[i], grouped)) return false;
        return true;
    }
}

/* SELECT aggregates FROM t [WHERE key range] [GROUP BY columns]: each shard folds the rows of
 * its range into one partial row per group (count, exact integer sum, float sum, min, max) and
 * the coordinator combines the partials. Only with a WHERE that is exactly a primary-key range
 * (the shards evaluate no expressions), without grouping sets,
 * DISTINCT / FILTER / ORDER BY inside aggregates, and with plain columns everywhere. */
/* Whether the primary-key range of path p selects exactly the rows WHERE does: every conjunct
 * is one of the path's bounds on a column of the bound's own type. */
static bool where_is_key_range(const sql_query_t *q, const sql_path_t *p) {
    if (!q->where) return true;
    if (p->access != SQL_ACCESS_RANGE || p->index) return false;
    const sql_table_t *t = q->table;
    sql_expr_t *conj[64];
    int n = 0;
    flatten_and(q->where, conj, &n, 64);
    if (n >= 64) return false;
    for (int i = 0; i < n; i++) {
        bool used = false;
        for (int k = 0; k <= p->neq && k < t->npk && !used; k++) {
            int col = t->pk[k];
            sql_expr_t *v;
            const char *op = match_cmp(conj[i], col, &v);
            if (!op || v->type != t->cols[col].type || !key_order_is_sql_order(v->type)) continue;
            if (k < p->neq)
                used = strcmp(op, "=") == 0 && v == p->eq[k];
            else if (op[0] == '>')
                used = v == p->lower && p->lower_incl == (op[1] == '=');
            else if (op[0] == '<')
                used = v == p->upper && p->upper_incl == (op[1] == '=');
        }
        if (!used) return false;
    }
    return true;
}

static void push_aggregation(sql_analyze_ctx_t *ac, sql_query_t *q) {
    q->agg_pushed = false;
    /* a system relation (sql_sysrel.c) has no shards: its rows are computed here */
    if (!q->table || q->table->sys || !q->has_agg || q->ngsets || q->nwins || q->nsrfs ||
        (q->path.access != SQL_ACCESS_FULL && q->path.access != SQL_ACCESS_RANGE) ||
        !where_is_key_range(q, &q->path))
        return;
    bool *grouped = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(q->table->ncols + 1));
    for (int i = 0; i < q->ngroup; i++) {
        const sql_expr_t *g = q->group[i];
        if (!SQL_IS_A(g, COLUMN) || g->index < 0 || g->index >= q->table->ncols) return;
        if (!key_order_is_sql_order(g->type) || g->type == SQL_OID_FLOAT4 || g->type == SQL_OID_FLOAT8)
            return; /* key bytes equal exactly when SQL values are (floats: NaN, -0) */
        grouped[g->index] = true;
    }
    for (int a = 0; a < q->naggs; a++) {
        const sql_agg_call_t *c = &q->aggs[a];
        if (c->distinct || c->filter || c->norder || c->nargs > 1) return;
        if (c->nargs == 1 && plain_column(q, c->arg) < 0) return;
        int kind = sql_agg_partial_kind(c->agg, c->nargs ? c->argtype : 0);
        if (kind == SQL_AGG_PARTIAL_NONE) return;
        if ((kind == SQL_AGG_PARTIAL_MIN || kind == SQL_AGG_PARTIAL_MAX) && !SQL_IS_A(c->arg, COLUMN))
            return; /* the partial is a stored value, of the column's type */
    }
    for (int t = 0; t < q->nall; t++)
        if (!reads_only_groups(q, q->targets[t].expr, grouped)) return;
    if (!reads_only_groups(q, q->having, grouped)) return;
    q->agg_pushed = true;
}

static void choose_path(sql_analyze_ctx_t *ac, sql_query_t *q) {
    if (!q->table) {
        memset(&q->path, 0, sizeof q->path);
        q->path.access = SQL_ACCESS_NONE;
        return;
    }
    sql_choose_path(ac, q->table, 0, q->where, &q->path);
}

/* ---- SELECT ------------------------------------------------------------------------------ */

/* ORDER BY, DISTINCT, LIMIT and OFFSET of a SELECT (plain or set operation); sc resolves
 * expressions against the rows the targets are computed from. */
/* SELECT DISTINCT, not DISTINCT ON (...): libpg_query gives one empty node */
static bool plain_distinct(const PgQuery__SelectStmt *s) {
    return s->n_distinct_clause == 1 &&
           (!s->distinct_clause[0] || s->distinct_clause[0]->node_case == PG_QUERY__NODE__NODE__NOT_SET);
}

/* DISTINCT ON (exprs): each names a target (an output position or name, or an expression,
 * added as a hidden target); they must be the leading ORDER BY items, in any order, as in
 * PostgreSQL. Execution sorts first, then keeps the first row of each key. */
static int distinct_on_mismatch(orb_err_t *err, int loc) {
    orb_err_set(err, INVALID_COLUMN_REFERENCE,
                "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
    return sql_err_at(err, loc);
}

static int analyze_distinct_on(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__SelectStmt *s,
                               sql_query_t *q, int *cap, orb_err_t *err) {
    q->distinct_on = orb_alloc0(ac->mcx, sizeof(int) * s->n_distinct_clause);
    int *locs = orb_alloc0(ac->mcx, sizeof(int) * s->n_distinct_clause);
    for (size_t i = 0; i < s->n_distinct_clause; i++) {
        PgQuery__Node *n = s->distinct_clause[i];
        int t = -1;
        if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
            int pos = n->a_const->ival->ival;
            if (pos < 1 || pos > q->ntargets) {
                orb_err_set(err, INVALID_COLUMN_REFERENCE, "SELECT DISTINCT ON position %d is not in select list", pos);
                return sql_err_at(err, n->a_const->location);
            }
            t = pos - 1;
            locs[i] = n->a_const->location;
        } else {
            locs[i] = n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ? n->column_ref->location : -1;
            if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) {
                const char *nm = sql_str_of(n->column_ref->fields[0]);
                for (int k = 0; nm && k < q->ntargets && t < 0; k++)
                    if (strcmp(q->targets[k].name, nm) == 0) t = k;
            }
            if (t < 0) {
                sql_expr_t *e;
                if (sql_expr_analyze(ac, sc, n, &e, err) != 0) return -1;
                if (locs[i] < 0) locs[i] = e->location;
                if (e->type == SQL_OID_UNKNOWN &&
                    sql_expr_coerce(ac, e, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &e, err) != 0)
                    return -1;
                for (int k = 0; k < q->nall && t < 0; k++)
                    if (expr_equal(q->targets[k].expr, e)) t = k;
                if (t < 0) {
                    add_target(ac, q, cap, e, "?distinct?");
                    t = q->nall - 1;
                }
            }
        }
        q->distinct_on[q->ndistinct_on++] = t;
    }
    if (q->nsort == 0) {
        /* without ORDER BY, PostgreSQL sorts by the keys (its Unique runs on sorted input),
         * and so the rows come out in key order */
        q->sort = orb_alloc0(ac->mcx, sizeof *q->sort * (size_t)q->ndistinct_on);
        for (int k = 0; k < q->ndistinct_on; k++) q->sort[q->nsort++].target = q->distinct_on[k];
        return 0;
    }
    /* PostgreSQL's transformDistinctOnClause: after an ORDER BY item that is not a DISTINCT
     * ON key, no key may follow in ORDER BY or be missing from it */
    bool skipped = false;
    bool *in_order = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)q->ndistinct_on);
    for (int i = 0; i < q->nsort; i++) {
        int hit = -1;
        for (int k = 0; k < q->ndistinct_on && hit < 0; k++)
            if (expr_equal(q->targets[q->distinct_on[k]].expr, q->targets[q->sort[i].target].expr)) hit = k;
        if (hit < 0) {
            skipped = true;
            continue;
        }
        if (skipped) return distinct_on_mismatch(err, locs[hit]);
        in_order[hit] = true;
    }
    for (int k = 0; k < q->ndistinct_on; k++)
        if (!in_order[k] && skipped) return distinct_on_mismatch(err, locs[k]);
    return 0;
}

static int analyze_order_limit(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__SelectStmt *s,
                               sql_query_t *q, int *cap, bool setop, orb_err_t *err) {
    if (s->n_sort_clause) {
        q->sort = orb_alloc0(ac->mcx, sizeof *q->sort * s->n_sort_clause);
        for (size_t i = 0; i < s->n_sort_clause; i++) {
            PgQuery__SortBy *sb = s->sort_clause[i]->sort_by;
            if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
                return orb_err_set(err, FEATURE_NOT_SUPPORTED, "ORDER BY ... USING is not supported yet");
            sql_sort_key_t *k = &q->sort[q->nsort++];
            k->desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
            k->nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT ||
                                     sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORT_BY_NULLS_UNDEFINED
                                 ? k->desc
                                 : sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST;
            k->target = -1;
            PgQuery__Node *n = sb->node;
            if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
                int pos = n->a_const->ival->ival;
                if (pos < 1 || pos > q->ntargets) {
                    orb_err_set(err, INVALID_COLUMN_REFERENCE,
                                "ORDER BY position %d is not in select list", pos);
                    return sql_err_at(err, n->a_const->location);
                }
                k->target = pos - 1;
                continue;
            }
            if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) {
                const char *nm = sql_str_of(n->column_ref->fields[0]);
                for (int t = 0; nm && t < q->ntargets; t++) {
                    if (strcmp(q->targets[t].name, nm) == 0) {
                        if (k->target >= 0 && !expr_equal(q->targets[t].expr, q->targets[k->target].expr)) {
                            orb_err_set(err, AMBIGUOUS_COLUMN, "ORDER BY \"%s\" is ambiguous", nm);
                            return sql_err_at(err, n->column_ref->location);
                        }
                        if (k->target < 0) k->target = t;
                    }
                }
                if (k->target >= 0) continue;
            }
            sql_expr_t *e;
            if (sql_expr_analyze(ac, sc, n, &e, err) != 0) return -1;
            if (e->type == SQL_OID_UNKNOWN &&
                sql_expr_coerce(ac, e, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &e, err) != 0)
                return -1;
            for (int t = 0; t < q->ntargets && k->target < 0; t++)
                if (expr_equal(q->targets[t].expr, e)) k->target = t;
            if (k->target < 0) {
                if (setop) {
                    orb_err_set(err, FEATURE_NOT_SUPPORTED,
                                "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
                    orb_err_detail(err, "Only result column names can be used, not expressions or functions.");
                    return sql_err_at(err, e->location);
                }
                if (plain_distinct(s)) {
                    orb_err_set(err, INVALID_COLUMN_REFERENCE,
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
                    return sql_err_at(err, e->location);
                }
                add_target(ac, q, cap, e, "?sort?");
                k->target = q->nall - 1;
            }
        }
    }
    if (s->n_distinct_clause) {
        q->distinct = true;
        if (!plain_distinct(s) && analyze_distinct_on(ac, sc, s, q, cap, err) != 0) return -1;
    }
    if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "FETCH ... WITH TIES is not supported yet");
    sql_scope_t lsc = {.allow_agg = false, .parent = sc->parent, .level_corr = sc->level_corr};
    if (s->limit_count) {
        bool is_null = s->limit_count->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                       s->limit_count->a_const->isnull;
        if (!is_null) {
            if (sql_expr_analyze(ac, &lsc, s->limit_count, &q->limit, err) != 0) return -1;
            if (coerce_int8(ac, &q->limit, "LIMIT", err) != 0) return -1;
        }
    }
    if (s->limit_offset) {
        if (sql_expr_analyze(ac, &lsc, s->limit_offset, &q->offset, err) != 0) return -1;
        if (coerce_int8(ac, &q->offset, "OFFSET", err) != 0) return -1;
    }
    return 0;
}

static sql_cte_t *find_cte(sql_analyze_ctx_t *ac, const char *name) {
    for (int i = ac->nctes - 1; i >= 0; i--)
        if (strcmp(ac->ctes[i]->name, name) == 0) return ac->ctes[i];
    return NULL;
}

static void push_cte(sql_analyze_ctx_t *ac, sql_cte_t *c) {
    if (ac->nctes == ac->ctecap) {
        int nc = ac->ctecap ? ac->ctecap * 2 : 8;
        ac->ctes = orb_realloc(ac->mcx, ac->ctes, sizeof *ac->ctes * (size_t)ac->ctecap,
                               sizeof *ac->ctes * (size_t)nc);
        ac->ctecap = nc;
    }
    ac->ctes[ac->nctes++] = c;
}

static int analyze_select(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                          sql_query_t *q, bool *corr, orb_err_t *err);

/* The output columns of an analyzed query, for the RTE or CTE that exposes it. */
static void query_columns(sql_analyze_ctx_t *ac, const sql_query_t *q, PgQuery__Node **aliases,
                          size_t naliases, const char ***names, uint32_t **types,
                          int32_t **typmods) {
    int n = q->ntargets;
    *names = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(n + 1));
    *types = orb_alloc0(ac->mcx, sizeof(uint32_t) * (size_t)(n + 1));
    *typmods = orb_alloc0(ac->mcx, sizeof(int32_t) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const char *alias = (size_t)i < naliases ? sql_str_of(aliases[i]) : NULL;
        (*names)[i] = alias ? alias : q->targets[i].name;
        (*types)[i] = q->targets[i].expr->type;
        (*typmods)[i] = q->targets[i].expr->typmod;
    }
}

/* WITH [RECURSIVE]: each CTE is analyzed once and visible to the CTEs after it and to the
 * query body. A recursive CTE is `non-recursive term UNION [ALL] recursive term`. */
static int analyze_with(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__WithClause *w,
                        bool *corr, orb_err_t *err) {
    for (size_t i = 0; i < w->n_ctes; i++) {
        PgQuery__CommonTableExpr *ce = w->ctes[i]->common_table_expr;
        if (!ce->ctequery || ce->ctequery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "data-modifying statements in WITH are not supported yet");
        if (ce->search_clause || ce->cycle_clause)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SEARCH and CYCLE clauses are not supported yet");
        PgQuery__SelectStmt *cs = ce->ctequery->select_stmt;
        sql_cte_t *c = orb_alloc0(ac->mcx, sizeof *c);
        c->name = ce->ctename;
        bool recursive = w->recursive && cs->op == PG_QUERY__SET_OPERATION__SETOP_UNION && cs->larg &&
                         cs->rarg;
        if (recursive) {
            /* the non-recursive term fixes the columns; the recursive one reads the work table */
            c->union_all = cs->all;
            c->query = orb_alloc0(ac->mcx, sizeof *c->query);
            if (analyze_select(ac, parent, cs->larg, c->query, corr, err) != 0) return -1;
            query_columns(ac, c->query, ce->aliascolnames, ce->n_aliascolnames, &c->names, &c->types,
                          &c->typmods);
            c->ncols = c->query->ntargets;
            push_cte(ac, c);
            sql_query_t *rec = orb_alloc0(ac->mcx, sizeof *rec);
            c->analyzing_rec = true;
            int rrc = analyze_select(ac, parent, cs->rarg, rec, corr, err);
            c->analyzing_rec = false;
            if (rrc != 0) return -1;
            c->rec = rec;
            if (c->rec->ntargets != c->ncols) {
                orb_err_set(err, SYNTAX_ERROR, "each UNION query must have the same number of columns");
                return sql_err_at(err, ce->location);
            }
            for (int k = 0; k < c->ncols; k++) {
                sql_target_t *t = &c->rec->targets[k];
                if (t->expr->type != c->types[k] &&
                    sql_expr_coerce(ac, t->expr, c->types[k], -1, SQL_CAST_IMPLICIT, &t->expr, err) != 0)
                    return -1;
            }
            continue;
        }
        c->query = orb_alloc0(ac->mcx, sizeof *c->query);
        if (analyze_select(ac, parent, cs, c->query, corr, err) != 0) return -1;
        query_columns(ac, c->query, ce->aliascolnames, ce->n_aliascolnames, &c->names, &c->types,
                      &c->typmods);
        c->ncols = c->query->ntargets;
        push_cte(ac, c);
    }
    return 0;
}

/* a UNION/INTERSECT/EXCEPT b: columns take the common type of both sides */
/* the untyped literal a defaulted text constant came from, to resolve again */
static sql_expr_t *undefault_const(sql_analyze_ctx_t *ac, const sql_expr_t *c) {
    sql_expr_t *u = orb_alloc(ac->mcx, sizeof *u);
    *u = *c;
    u->type = SQL_OID_UNKNOWN;
    u->typmod = -1;
    u->flag = 0;
    return u;
}

static int analyze_setop(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                         sql_query_t *q, bool *corr, orb_err_t *err) {
    q->setop = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? SQL_SETOP_UNION
               : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? SQL_SETOP_INTERSECT
                                                                   : SQL_SETOP_EXCEPT;
    const char *what = q->setop == SQL_SETOP_UNION ? "UNION" : q->setop == SQL_SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
    q->setop_all = s->all;
    q->larg = orb_alloc0(ac->mcx, sizeof *q->larg);
    q->rarg = orb_alloc0(ac->mcx, sizeof *q->rarg);
    if (analyze_select(ac, parent, s->larg, q->larg, corr, err) != 0) return -1;
    if (analyze_select(ac, parent, s->rarg, q->rarg, corr, err) != 0) return -1;
    int n = q->larg->ntargets;
    if (q->rarg->ntargets != n) {
        orb_err_set(err, SYNTAX_ERROR, "each %s query must have the same number of columns", what);
        return sql_err_at(err, q->rarg->ntargets ? q->rarg->targets[0].expr->location : -1);
    }
    sql_rte_t *rte = orb_alloc0(ac->mcx, sizeof *rte);
    rte->alias = "";
    rte->ncols = n;
    rte->names = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(n + 1));
    rte->types = orb_alloc0(ac->mcx, sizeof(uint32_t) * (size_t)(n + 1));
    rte->typmods = orb_alloc0(ac->mcx, sizeof(int32_t) * (size_t)(n + 1));
    int cap = 0;
    for (int i = 0; i < n; i++) {
        sql_expr_t *both[2] = {q->larg->targets[i].expr, q->rarg->targets[i].expr};
        for (int k = 0; k < 2; k++)
            if (both[k]->tag == SQL_T_CONST && both[k]->flag == SQL_CONST_DEFAULTED)
                both[k] = undefault_const(ac, both[k]);
        uint32_t t;
        if (sql_common_type(ac, both, 2, what, &t, err) != 0) return -1;
        if (sql_expr_coerce(ac, both[0], t, -1, SQL_CAST_IMPLICIT, &q->larg->targets[i].expr, err) != 0) return -1;
        if (sql_expr_coerce(ac, both[1], t, -1, SQL_CAST_IMPLICIT, &q->rarg->targets[i].expr, err) != 0) return -1;
        int32_t tm = q->larg->targets[i].expr->typmod == q->rarg->targets[i].expr->typmod
                         ? q->larg->targets[i].expr->typmod : -1;
        rte->names[i] = q->larg->targets[i].name;
        rte->types[i] = t;
        rte->typmods[i] = tm;
        sql_expr_t *col = SQL_MAKE_NODE(ac->mcx, COLUMN);
        col->index = i;
        col->type = t;
        col->typmod = tm;
        add_target(ac, q, &cap, col, q->larg->targets[i].name);
    }
    q->ntargets = q->nall;
    q->width = n;
    q->nrtes = 1;
    q->rtes = rte;
    sql_scope_t sc = {.nrtes = 1, .rtes = rte, .parent = parent, .level_corr = corr};
    if (analyze_order_limit(ac, &sc, s, q, &cap, true, err) != 0) return -1;
    q->path.access = SQL_ACCESS_NONE;
    return 0;
}

/* VALUES (...), (...) as a query: columns column1..N of the common type of each column */
static int analyze_values(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                          sql_query_t *q, bool *corr, orb_err_t *err) {
    int nrows = (int)s->n_values_lists;
    int n = (int)s->values_lists[0]->list->n_items;
    sql_from_t *f = orb_alloc0(ac->mcx, sizeof *f);
    f->kind = SQL_FROM_VALUES;
    f->width = n;
    f->nvalues = nrows;
    f->values = orb_alloc0(ac->mcx, sizeof(sql_expr_t **) * (size_t)nrows);
    sql_scope_t vsc = {.parent = parent, .level_corr = corr};
    for (int r = 0; r < nrows; r++) {
        PgQuery__List *l = s->values_lists[r]->list;
        if ((int)l->n_items != n) {
            orb_err_set(err, SYNTAX_ERROR, "VALUES lists must all be the same length");
            return -1;
        }
        f->values[r] = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(n + 1));
        for (int c = 0; c < n; c++)
            if (sql_expr_analyze(ac, &vsc, l->items[c], &f->values[r][c], err) != 0) return -1;
    }
    sql_rte_t *rte = orb_alloc0(ac->mcx, sizeof *rte);
    rte->alias = "*VALUES*";
    rte->ncols = n;
    rte->names = orb_alloc0(ac->mcx, sizeof(char *) * (size_t)(n + 1));
    rte->types = orb_alloc0(ac->mcx, sizeof(uint32_t) * (size_t)(n + 1));
    rte->typmods = orb_alloc0(ac->mcx, sizeof(int32_t) * (size_t)(n + 1));
    int cap = 0;
    sql_expr_t **col = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(nrows + 1));
    for (int c = 0; c < n; c++) {
        for (int r = 0; r < nrows; r++) col[r] = f->values[r][c];
        uint32_t t;
        if (sql_common_type(ac, col, nrows, "VALUES", &t, err) != 0) return -1;
        for (int r = 0; r < nrows; r++)
            if (sql_expr_coerce(ac, f->values[r][c], t, -1, SQL_CAST_IMPLICIT, &f->values[r][c], err) != 0)
                return -1;
        rte->names[c] = orb_sprintf(ac->mcx, "column%d", c + 1);
        rte->types[c] = t;
        rte->typmods[c] = -1;
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, COLUMN);
        e->index = c;
        e->type = t;
        add_target(ac, q, &cap, e, rte->names[c]);
    }
    q->ntargets = q->nall;
    q->from = f;
    q->width = n;
    q->nrtes = 1;
    q->rtes = rte;
    q->path.access = SQL_ACCESS_NONE;
    sql_scope_t sc = {.nrtes = 1, .rtes = rte, .parent = parent, .level_corr = corr};
    return analyze_order_limit(ac, &sc, s, q, &cap, false, err);
}

static int analyze_select_body(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                               sql_query_t *q, bool *corr, orb_err_t *err) {
    if (s->n_locking_clause)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SELECT ... FOR UPDATE/SHARE is not supported yet");
    if (s->into_clause)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SELECT INTO is not supported yet");
    sql_scope_t base = {.parent = parent, .level_corr = corr};
    bool single = s->n_from_clause == 1 &&
                  s->from_clause[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR &&
                  !((!s->from_clause[0]->range_var->schemaname ||
                     !s->from_clause[0]->range_var->schemaname[0]) &&
                    find_cte(ac, s->from_clause[0]->range_var->relname));
    if (single) { /* a view goes through sql_from.c (analyze_range_var expands it) */
        PgQuery__RangeVar *rv = s->from_clause[0]->range_var;
        sql_table_t *vt = sql_catalog_resolve(ac->sess, rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL,
                                              rv->relname);
        single = !(vt && vt->view_sql);
        sql_table_release(vt);
    }
    if (single) {
        if (open_table(ac, s->from_clause[0]->range_var, q, err) != 0) return -1;
        base.table = q->table;
        base.alias = q->alias;
    } else if (s->n_from_clause > 0) {
        if (sql_from_analyze(ac, parent, s->from_clause, s->n_from_clause, q, &base, err) != 0)
            return -1;
        base.level_corr = corr;
    }
    sql_scope_t sc = base;
    sc.allow_agg = true;
    sc.allow_win = true;
    sc.windefs = s->window_clause;
    sc.nwindefs = (int)s->n_window_clause;
    int cap = 0;
    if (analyze_targets(ac, &sc, q, s->target_list, s->n_target_list, &cap, err) != 0) return -1;
    q->ntargets = q->nall;
    if (s->where_clause) {
        sql_scope_t wsc = base;
        wsc.allow_agg = false;
        if (sql_expr_analyze(ac, &wsc, s->where_clause, &q->where, err) != 0) return -1;
        if (coerce_where(ac, &q->where, "WHERE", err) != 0) return -1;
    }
    bool has_sets = false;
    for (size_t i = 0; i < s->n_group_clause; i++)
        has_sets |= s->group_clause[i]->node_case == PG_QUERY__NODE__NODE_GROUPING_SET;
    if (has_sets) {
        sql_scope_t gsc = base;
        gsc.allow_agg = false;
        if (analyze_grouping_sets(ac, &gsc, s, q, err) != 0) return -1;
    } else if (s->n_group_clause) {
        q->group = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * s->n_group_clause);
        sql_scope_t gsc = base;
        gsc.allow_agg = false;
        for (size_t i = 0; i < s->n_group_clause; i++) {
            PgQuery__Node *g = s->group_clause[i];
            if (g->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                g->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
                int k = g->a_const->ival->ival;
                if (k < 1 || k > q->ntargets) {
                    orb_err_set(err, INVALID_COLUMN_REFERENCE, "GROUP BY position %d is not in select list", k);
                    return sql_err_at(err, g->a_const->location);
                }
                q->group[q->ngroup++] = q->targets[k - 1].expr;
                continue;
            }
            if (g->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && g->column_ref->n_fields == 1) {
                /* an output column name that is not an input column */
                const char *nm = sql_str_of(g->column_ref->fields[0]);
                sql_expr_t *probe;
                orb_err_t tmp;
                orb_err_clear(&tmp);
                if (nm && sql_expr_analyze(ac, &gsc, g, &probe, &tmp) != 0) {
                    int found = -1;
                    for (int t = 0; t < q->ntargets; t++)
                        if (strcmp(q->targets[t].name, nm) == 0) found = t;
                    if (found >= 0) {
                        q->group[q->ngroup++] = q->targets[found].expr;
                        continue;
                    }
                }
            }
            if (sql_expr_analyze(ac, &gsc, g, &q->group[q->ngroup], err) != 0) return -1;
            q->ngroup++;
        }
    }
    if (s->having_clause) {
        sql_scope_t hsc = sc;
        hsc.allow_win = false;
        if (sql_expr_analyze(ac, &hsc, s->having_clause, &q->having, err) != 0) return -1;
        sc.aggs = hsc.aggs;
        sc.naggs = hsc.naggs;
        sc.aggcap = hsc.aggcap;
        if (coerce_where(ac, &q->having, "HAVING", err) != 0) return -1;
    }
    if (analyze_order_limit(ac, &sc, s, q, &cap, false, err) != 0) return -1;
    q->aggs = sc.aggs;
    q->naggs = sc.naggs;
    q->wins = sc.wins;
    q->nwins = sc.nwins;
    q->srfs = sc.srfs;
    q->nsrfs = sc.nsrfs;
    q->has_agg = sc.naggs > 0 || q->ngroup > 0 || q->having;
    if (q->has_agg && (q->table || q->from)) {
        for (int t = 0; t < q->nall; t++)
            if (check_grouped(q, q->targets[t].expr, err) != 0) return -1;
        if (check_grouped(q, q->having, err) != 0) return -1;
    }
    for (int t = 0; t < q->nall; t++)
        if (fix_grouping(ac, q, q->targets[t].expr, err) != 0) return -1;
    if (fix_grouping(ac, q, q->having, err) != 0) return -1;
    if (q->ngsets) {
        /* grouping expressions read the group's keys: NULL where a set leaves them out */
        for (int t = 0; t < q->nall; t++) q->targets[t].expr = group_refs(ac, q, q->targets[t].expr);
        q->having = group_refs(ac, q, q->having);
    }
    if (q->from) {
        q->path.access = SQL_ACCESS_NONE;
        sql_from_pushdown(ac, q);
    } else {
        choose_path(ac, q);
        order_from_key(q);
        sql_vindex_order(q, ac->mcx);
        push_aggregation(ac, q);
    }
    return 0;
}

static int analyze_select(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                          sql_query_t *q, bool *corr, orb_err_t *err) {
    q->kind = SQL_STMT_SELECT;
    q->tag = "SELECT";
    int nctes = ac->nctes;
    int rc = 0;
    if (s->with_clause) rc = analyze_with(ac, parent, s->with_clause, corr, err);
    if (rc == 0) {
        if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE)
            rc = analyze_setop(ac, parent, s, q, corr, err);
        else if (s->n_values_lists)
            rc = analyze_values(ac, parent, s, q, corr, err);
        else
            rc = analyze_select_body(ac, parent, s, q, corr, err);
    }
    ac->nctes = nctes; /* CTEs are visible in this SELECT only */
    return rc;
}

int sql_analyze_subquery(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                         sql_query_t **out, bool *correlated, orb_err_t *err) {
    sql_query_t *q = orb_alloc0(ac->mcx, sizeof *q);
    bool corr = false;
    if (analyze_select(ac, parent, s, q, &corr, err) != 0) return -1;
    *correlated = corr;
    *out = q;
    return 0;
}

/* ---- INSERT / UPDATE / DELETE --------------------------------------------------------------- */

static int assign_coerce(sql_analyze_ctx_t *ac, const sql_table_t *t, int col, sql_expr_t *e,
                         sql_expr_t **out, orb_err_t *err) {
    const sql_column_def_t *cd = &t->cols[col];
    if (e->type != cd->type && e->type != SQL_OID_UNKNOWN &&
        !sql_cast_allowed(e->type, cd->type, SQL_CAST_ASSIGNMENT)) {
        orb_err_set(err, DATATYPE_MISMATCH, "column \"%s\" is of type %s but expression is of type %s",
                    cd->name, sql_type_format(cd->type, -1, ac->mcx),
                    sql_type_format(e->type, -1, ac->mcx));
        orb_err_hint(err, "You will need to rewrite or cast the expression.");
        return sql_err_at(err, e->location);
    }
    if (sql_expr_coerce(ac, e, cd->type, cd->typmod, SQL_CAST_ASSIGNMENT, out, err) != 0) return -1;
    if (*out == e && cd->typmod >= 0 && e->typmod != cd->typmod) {
        sql_expr_t *c = SQL_MAKE_NODE(ac->mcx, CAST);
        c->type = cd->type;
        c->typmod = cd->typmod;
        c->flag = SQL_CAST_ASSIGNMENT;
        c->location = e->location;
        c->nargs = 1;
        c->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *));
        c->args[0] = e;
        *out = c;
    }
    return 0;
}

/* Analyzes the DEFAULT expressions of t (stored as "SELECT <expr>"). */
static int analyze_defaults(sql_analyze_ctx_t *ac, sql_query_t *q, orb_err_t *err) {
    const sql_table_t *t = q->table;
    q->defaults = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(t->ncols + 1));
    for (int c = 0; c < t->ncols; c++) {
        if (!t->cols[c].default_sql) continue;
        PgQuery__ParseResult *pr;
        if (sql_parse(t->cols[c].default_sql, ac->mcx, &pr, err) != 0) return -1;
        if (pr->n_stmts != 1 || pr->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return orb_err_set(err, DATA_CORRUPTED, "bad stored DEFAULT for column \"%s\"", t->cols[c].name);
        PgQuery__SelectStmt *s = pr->stmts[0]->stmt->select_stmt;
        sql_scope_t sc = {0};
        sql_expr_t *e;
        if (sql_expr_analyze(ac, &sc, s->target_list[0]->res_target->val, &e, err) != 0) return -1;
        e->location = -1;
        if (assign_coerce(ac, t, c, e, &q->defaults[c], err) != 0) return -1;
    }
    return 0;
}

static int analyze_returning(sql_analyze_ctx_t *ac, sql_query_t *q, PgQuery__Node **list,
                             size_t n, orb_err_t *err) {
    if (!n) return 0;
    sql_scope_t sc = {.table = q->table, .alias = q->alias};
    int cap = 0;
    if (analyze_targets(ac, &sc, q, list, n, &cap, err) != 0) return -1;
    q->ntargets = q->nall;
    q->returning = true;
    return 0;
}

static int identity_always_error(const sql_column_def_t *cd, orb_err_t *err) {
    orb_err_set(err, GENERATED_ALWAYS, "cannot insert a non-DEFAULT value into column \"%s\"",
                cd->name);
    orb_err_detail(err, "Column \"%s\" is an identity column defined as GENERATED ALWAYS.", cd->name);
    orb_err_hint(err, "Use OVERRIDING SYSTEM VALUE to override.");
    return -1;
}

static int analyze_set_list(sql_analyze_ctx_t *ac, sql_scope_t *sc, sql_query_t *q,
                            PgQuery__Node **list, size_t n, bool is_update, orb_err_t *err) {
    q->nset = (int)n;
    q->set_cols = orb_alloc0(ac->mcx, sizeof(int) * (n + 1));
    q->set_exprs = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        PgQuery__ResTarget *rt = list[i]->res_target;
        if (rt->n_indirection)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "assignment to a field or subscript is not supported yet");
        int c = sql_table_column(q->table, rt->name);
        if (c < 0) {
            orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist",
                        rt->name, q->table->name);
            return sql_err_at(err, rt->location);
        }
        for (size_t j = 0; j < i; j++)
            if (q->set_cols[j] == c) {
                orb_err_set(err, SYNTAX_ERROR, "multiple assignments to same column \"%s\"", rt->name);
                return sql_err_at(err, rt->location);
            }
        q->set_cols[i] = c;
        if (rt->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
            q->set_exprs[i] = NULL; /* DEFAULT */
            continue;
        }
        if (is_update && q->table->cols[c].identity == 'a') {
            orb_err_set(err, GENERATED_ALWAYS, "column \"%s\" can only be updated to DEFAULT", rt->name);
            orb_err_detail(err, "Column \"%s\" is an identity column defined as GENERATED ALWAYS.", rt->name);
            return sql_err_at(err, rt->location);
        }
        sql_expr_t *e;
        if (sql_expr_analyze(ac, sc, rt->val, &e, err) != 0) return -1;
        if (assign_coerce(ac, q->table, c, e, &q->set_exprs[i], err) != 0) return -1;
    }
    return 0;
}

static int analyze_insert(sql_analyze_ctx_t *ac, PgQuery__InsertStmt *s, sql_query_t *q,
                          orb_err_t *err) {
    q->kind = SQL_STMT_INSERT;
    q->tag = "INSERT";
    if (s->with_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "WITH queries are not supported yet");
    if (open_table(ac, s->relation, q, err) != 0) return -1;
    /* RETURNING reads the rows; ON CONFLICT DO UPDATE updates them (sql_acl.h) */
    uint32_t more = (s->n_returning_list ? SQL_ACL_SELECT : 0) |
                    (s->on_conflict_clause && s->on_conflict_clause->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE
                         ? SQL_ACL_UPDATE
                         : 0);
    if (more && sql_acl_check(ac->sess, q->table, more, err) != 0) return -1;
    const sql_table_t *t = q->table;
    PgQuery__SelectStmt *src = s->select_stmt ? s->select_stmt->select_stmt : NULL;
    int ncols = (int)s->n_cols;
    if (!s->n_cols) {
        /* without a column list, VALUES fill the first columns in order */
        ncols = t->ncols;
        if (src && src->n_values_lists) {
            int nv = (int)src->values_lists[0]->list->n_items;
            if (nv > t->ncols) {
                orb_err_set(err, SYNTAX_ERROR, "INSERT has more expressions than target columns");
                return sql_err_at(err, node_location(src->values_lists[0]->list->items[t->ncols]));
            }
            ncols = nv;
        }
    }
    int *target = orb_alloc0(ac->mcx, sizeof(int) * (size_t)(ncols + 1));
    q->explicit_cols = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(t->ncols + 1));
    for (int i = 0; i < ncols; i++) {
        if (!s->n_cols) {
            target[i] = i;
            continue;
        }
        PgQuery__ResTarget *rt = s->cols[i]->res_target;
        int c = sql_table_column(t, rt->name);
        if (c < 0) {
            orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist",
                        rt->name, t->name);
            return sql_err_at(err, rt->location);
        }
        if (q->explicit_cols[c]) {
            orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" specified more than once", rt->name);
            return sql_err_at(err, rt->location);
        }
        q->explicit_cols[c] = true;
        target[i] = c;
    }
    if (src && !src->n_values_lists) {
        /* INSERT ... SELECT: the query's columns fill the target columns in order */
        bool corr = false;
        sql_query_t *sub;
        if (sql_analyze_subquery(ac, NULL, src, &sub, &corr, err) != 0) return -1;
        int n = s->n_cols ? ncols : t->ncols;
        if (sub->ntargets > n) {
            orb_err_set(err, SYNTAX_ERROR, "INSERT has more expressions than target columns");
            return sql_err_at(err, sub->targets[n].expr->location);
        }
        if (sub->ntargets < n && s->n_cols) {
            orb_err_set(err, SYNTAX_ERROR, "INSERT has more target columns than expressions");
            return sql_err_at(err, s->cols[sub->ntargets]->res_target->location);
        }
        q->insert_cols = orb_alloc0(ac->mcx, sizeof(int) * (size_t)(sub->ntargets + 1));
        memset(q->explicit_cols, 0, sizeof(bool) * (size_t)t->ncols);
        for (int i = 0; i < sub->ntargets; i++) {
            int c = s->n_cols ? target[i] : i;
            if (t->cols[c].identity == 'a' && s->override != PG_QUERY__OVERRIDING_KIND__OVERRIDING_SYSTEM_VALUE)
                return identity_always_error(&t->cols[c], err);
            q->insert_cols[i] = c;
            q->explicit_cols[c] = true;
            if (assign_coerce(ac, t, c, sub->targets[i].expr, &sub->targets[i].expr, err) != 0) return -1;
        }
        q->insert_src = sub;
        q->nrows = 0;
        if (analyze_defaults(ac, q, err) != 0 || sql_constraints_analyze(ac, q, err) != 0) return -1;
        goto conflict;
    }
    int nrows = src ? (int)src->n_values_lists : 1; /* DEFAULT VALUES: one row of defaults */
    q->nrows = nrows;
    q->rows = orb_alloc0(ac->mcx, sizeof(sql_expr_t **) * (size_t)nrows);
    sql_scope_t sc = {0};
    for (int r = 0; r < nrows; r++) {
        q->rows[r] = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(t->ncols + 1));
        if (!src) continue;
        PgQuery__List *vl = src->values_lists[r]->list;
        if ((int)vl->n_items > ncols) {
            orb_err_set(err, SYNTAX_ERROR, "INSERT has more expressions than target columns");
            return sql_err_at(err, node_location(vl->items[ncols]));
        }
        if ((int)vl->n_items < ncols) {
            orb_err_set(err, SYNTAX_ERROR, "INSERT has more target columns than expressions");
            return sql_err_at(err, s->n_cols ? s->cols[vl->n_items]->res_target->location : -1);
        }
        for (int i = 0; i < ncols; i++) {
            PgQuery__Node *v = vl->items[i];
            int c = target[i];
            if (v->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) continue;
            if (t->cols[c].identity == 'a' && s->override != PG_QUERY__OVERRIDING_KIND__OVERRIDING_SYSTEM_VALUE)
                return identity_always_error(&t->cols[c], err);
            sql_expr_t *e;
            if (sql_expr_analyze(ac, &sc, v, &e, err) != 0) return -1;
            if (assign_coerce(ac, t, c, e, &q->rows[r][c], err) != 0) return -1;
        }
        if (!s->n_cols)
            for (int c = 0; c < ncols; c++) q->explicit_cols[c] = true;
    }
    if (analyze_defaults(ac, q, err) != 0 || sql_constraints_analyze(ac, q, err) != 0) return -1;
conflict:
    if (s->on_conflict_clause) {
        PgQuery__OnConflictClause *oc = s->on_conflict_clause;
        q->on_conflict = oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE ? 2 : 1;
        if (oc->infer) {
            if (oc->infer->conname && oc->infer->conname[0])
                return orb_err_set(err, FEATURE_NOT_SUPPORTED, "ON CONFLICT ON CONSTRAINT is not supported yet");
            q->nconflict_cols = (int)oc->infer->n_index_elems;
            q->conflict_cols = orb_alloc0(ac->mcx, sizeof(int) * (size_t)(q->nconflict_cols + 1));
            for (int i = 0; i < q->nconflict_cols; i++) {
                PgQuery__IndexElem *ie = oc->infer->index_elems[i]->index_elem;
                int c = ie->name && ie->name[0] ? sql_table_column(t, ie->name) : -1;
                if (c < 0) {
                    orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" does not exist",
                                ie->name ? ie->name : "?");
                    return sql_err_at(err, oc->infer->location);
                }
                q->conflict_cols[i] = c;
            }
            /* the columns must name the primary key or a unique constraint */
            bool ok = false;
            if (t->npk == q->nconflict_cols) {
                ok = true;
                for (int i = 0; i < t->npk; i++) {
                    bool in = false;
                    for (int j = 0; j < q->nconflict_cols; j++) in |= q->conflict_cols[j] == t->pk[i];
                    ok &= in;
                }
            }
            for (int u = 0; u < t->nunique && !ok; u++) {
                if (!t->uniques[u].unique || t->uniques[u].ncols != q->nconflict_cols) continue;
                bool all = true;
                for (int i = 0; i < t->uniques[u].ncols; i++) {
                    bool in = false;
                    for (int j = 0; j < q->nconflict_cols; j++)
                        in |= q->conflict_cols[j] == t->uniques[u].cols[i];
                    all &= in;
                }
                ok = all;
            }
            if (!ok) {
                orb_err_set(err, INVALID_COLUMN_REFERENCE,
                            "there is no unique or exclusion constraint matching the ON CONFLICT specification");
                return -1;
            }
        } else if (q->on_conflict == 2) {
            orb_err_set(err, SYNTAX_ERROR, "ON CONFLICT DO UPDATE requires inference specification or constraint name");
            orb_err_hint(err, "For example, ON CONFLICT (column_name).");
            return sql_err_at(err, oc->location);
        }
        if (q->on_conflict == 2) {
            sql_scope_t usc = {.table = q->table, .alias = q->alias, .excluded_ok = true};
            if (analyze_set_list(ac, &usc, q, oc->target_list, oc->n_target_list, true, err) != 0)
                return -1;
            if (oc->where_clause) {
                if (sql_expr_analyze(ac, &usc, oc->where_clause, &q->conflict_where, err) != 0) return -1;
                if (coerce_where(ac, &q->conflict_where, "WHERE", err) != 0) return -1;
            }
        }
    }
    return analyze_returning(ac, q, s->returning_list, s->n_returning_list, err);
}

static int analyze_update(sql_analyze_ctx_t *ac, PgQuery__UpdateStmt *s, sql_query_t *q,
                          orb_err_t *err) {
    q->kind = SQL_STMT_UPDATE;
    q->tag = "UPDATE";
    if (s->with_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "WITH queries are not supported yet");
    if (s->n_from_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "UPDATE ... FROM is not supported yet");
    if (open_table(ac, s->relation, q, err) != 0) return -1;
    /* a WHERE or RETURNING reads the rows (sql_acl.h) */
    if ((s->where_clause || s->n_returning_list) && sql_acl_check(ac->sess, q->table, SQL_ACL_SELECT, err) != 0) return -1;
    sql_scope_t sc = {.table = q->table, .alias = q->alias};
    if (analyze_set_list(ac, &sc, q, s->target_list, s->n_target_list, true, err) != 0) return -1;
    if (s->where_clause) {
        if (sql_expr_analyze(ac, &sc, s->where_clause, &q->where, err) != 0) return -1;
        if (coerce_where(ac, &q->where, "WHERE", err) != 0) return -1;
    }
    if (analyze_defaults(ac, q, err) != 0 || sql_constraints_analyze(ac, q, err) != 0) return -1;
    choose_path(ac, q);
    return analyze_returning(ac, q, s->returning_list, s->n_returning_list, err);
}

static int analyze_delete(sql_analyze_ctx_t *ac, PgQuery__DeleteStmt *s, sql_query_t *q,
                          orb_err_t *err) {
    q->kind = SQL_STMT_DELETE;
    q->tag = "DELETE";
    if (s->with_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "WITH queries are not supported yet");
    if (s->n_using_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "DELETE ... USING is not supported yet");
    if (open_table(ac, s->relation, q, err) != 0) return -1;
    if ((s->where_clause || s->n_returning_list) && sql_acl_check(ac->sess, q->table, SQL_ACL_SELECT, err) != 0) return -1;
    sql_scope_t sc = {.table = q->table, .alias = q->alias};
    if (s->where_clause) {
        if (sql_expr_analyze(ac, &sc, s->where_clause, &q->where, err) != 0) return -1;
        if (coerce_where(ac, &q->where, "WHERE", err) != 0) return -1;
    }
    choose_path(ac, q);
    return analyze_returning(ac, q, s->returning_list, s->n_returning_list, err);
}

int sql_analyze(sql_analyze_ctx_t *ac, PgQuery__Node *stmt, sql_query_t **out, orb_err_t *err) {
    sql_query_t *q = orb_alloc0(ac->mcx, sizeof *q);
    q->raw = stmt;
    int rc;
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
        bool corr = false;
        rc = analyze_select(ac, NULL, stmt->select_stmt, q, &corr, err);
        break;
    }
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        rc = analyze_insert(ac, stmt->insert_stmt, q, err);
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        rc = analyze_update(ac, stmt->update_stmt, q, err);
        break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        rc = analyze_delete(ac, stmt->delete_stmt, q, err);
        break;
    default:
        q->kind = SQL_STMT_UTILITY;
        rc = 0;
        break;
    }
    if (rc != 0) return -1;
    /* parameters never constrained by context are text, as PostgreSQL infers them */
    for (int i = 0; i < ac->nparams; i++)
        if (ac->param_types[i] == 0) ac->param_types[i] = SQL_OID_TEXT;
    *out = q;
    return 0;
}

void sql_result_describe(const sql_query_t *q, orb_mcx_t *mcx, sql_column_t **cols, int *ncols) {
    *ncols = q->ntargets;
    *cols = orb_alloc0(mcx, sizeof(sql_column_t) * (size_t)(q->ntargets + 1));
    for (int i = 0; i < q->ntargets; i++) {
        sql_column_t *c = &(*cols)[i];
        const sql_target_t *t = &q->targets[i];
        const sql_type_info_t *ti = sql_type_get(t->expr->type);
        c->name = t->name;
        c->type_oid = t->expr->type;
        c->typlen = ti ? ti->typlen : -1;
        c->typmod = t->expr->typmod;
        c->table_oid = t->table_oid;
        c->attnum = t->attnum;
    }
}

const sql_rte_t *sql_rte_of(const sql_query_t *q, int pos) {
    for (int r = 0; r < q->nrtes; r++)
        if (pos >= q->rtes[r].offset && pos < q->rtes[r].offset + q->rtes[r].ncols) return &q->rtes[r];
    return NULL;
}
