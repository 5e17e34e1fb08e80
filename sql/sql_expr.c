/* sql/sql_expr.c — expressions: analysis of libpg_query expression nodes into typed
 * sql_expr_t trees (name resolution, operator/function resolution, coercion of unknown
 * literals and parameters), and their evaluation with PostgreSQL's NULL semantics.
 * Entry points: sql_expr_analyze, sql_expr_coerce, sql_expr_eval. See README.md. */
#include "sql_int.h"
#include "sql_acl.h"

#include <stdio.h>
#include <string.h>

sql_expr_t *sql_expr_make(orb_mcx_t *mcx, sql_node_tag_t tag) {
    sql_expr_t *e = orb_alloc0(mcx, sizeof *e);
    e->tag = tag;
    e->typmod = -1;
    e->location = -1;
    return e;
}

static const char *tname(orb_mcx_t *mcx, uint32_t oid) {
    if (oid == SQL_OID_UNKNOWN) return "unknown";
    const char *s = sql_type_format(oid, -1, mcx);
    return s ? s : "unknown";
}

bool sql_expr_is_stable(const sql_expr_t *e) {
    if (!e) return true;
    if (e->tag == SQL_T_COLUMN || e->tag == SQL_T_AGGREF || e->tag == SQL_T_EXCLUDED) return false;
    if (e->tag == SQL_T_FUNC && e->fn && e->fn->volatile_) return false;
    if (e->tag == SQL_T_SUBLINK || e->tag == SQL_T_WINDOW || e->tag == SQL_T_GROUPREF || e->tag == SQL_T_SRF ||
        e->tag == SQL_T_GROUPING)
        return false;
    for (int i = 0; i < e->nargs; i++)
        if (!sql_expr_is_stable(e->args[i])) return false;
    return true;
}

bool sql_expr_columns(const sql_expr_t *e, bool *used, int ncols) {
    if (!e) return true;
    if (e->tag == SQL_T_COLUMN) {
        if (e->index < 0 || e->index >= ncols) return false;
        used[e->index] = true;
        return true;
    }
    /* a correlated subquery gets the whole row as its outer row */
    if (e->tag == SQL_T_SUBLINK && e->correlated) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!sql_expr_columns(e->args[i], used, ncols)) return false;
    return true;
}

static sql_expr_t *make_const(orb_mcx_t *mcx, uint32_t type, int location) {
    sql_expr_t *e = SQL_MAKE_NODE(mcx, CONST);
    e->type = type;
    e->location = location;
    return e;
}

static sql_expr_t **args_alloc(orb_mcx_t *mcx, int n) {
    return orb_alloc0(mcx, sizeof(sql_expr_t *) * (size_t)(n ? n : 1));
}

/* ---- coercion ------------------------------------------------------------------------- */

static bool str_type(uint32_t t) {
    return t == SQL_OID_TEXT || t == SQL_OID_VARCHAR || t == SQL_OID_BPCHAR || t == SQL_OID_NAME ||
           t == SQL_OID_UNKNOWN;
}

/* A cast between a string and a reg* type reads the catalog (sql_reg_in/out): a call of the
 * type's I/O builtin, evaluated now for a constant. Returns false when not such a cast. */
static bool reg_io_coerce(sql_analyze_ctx_t *ac, sql_expr_t *e, uint32_t type, int32_t typmod,
                          sql_cast_ctx_t ctx, sql_expr_t **out, orb_err_t *err, int *rc) {
    bool in = sql_type_is_reg(type);
    if (in ? !str_type(e->type) : !str_type(type)) return false;
    if (in && e->tag == SQL_T_PARAM) return false; /* a parameter's text is read as a number */
    if (!in && ctx == SQL_CAST_IMPLICIT && type != SQL_OID_UNKNOWN) return false;
    const sql_builtin_t *fn = sql_reg_io_fn(in ? type : e->type, in);
    if (!fn) return false;
    *rc = -1;
    if (in && e->type != SQL_OID_TEXT) {
        if (e->tag == SQL_T_CONST && e->type == SQL_OID_UNKNOWN) {
            sql_expr_t *c = make_const(ac->mcx, SQL_OID_TEXT, e->location);
            c->val = e->val;
            e = c;
        } else if (sql_expr_coerce(ac, e, SQL_OID_TEXT, -1, SQL_CAST_EXPLICIT, &e, err) != 0) {
            return true;
        }
    }
    sql_expr_t *f = SQL_MAKE_NODE(ac->mcx, FUNC);
    f->fn = fn;
    f->location = e->location;
    f->nargs = 1;
    f->args = args_alloc(ac->mcx, 1);
    f->args[0] = e;
    f->type = fn->rettype;
    if (e->tag == SQL_T_CONST) {
        sql_expr_t *c = make_const(ac->mcx, fn->rettype, e->location);
        if (e->val.isnull) {
            c->val.isnull = true;
        } else {
            sql_fn_ctx_t fc = {.mcx = ac->mcx, .session = ac->sess};
            if (fn->fn(&fc, &e->val, 1, &c->val, err) != 0) {
                sql_err_at(err, e->location);
                return true;
            }
        }
        f = c;
    }
    if (in) {
        *out = f;
        *rc = 0;
        return true;
    }
    *rc = sql_expr_coerce(ac, f, type, typmod, ctx, out, err);
    return true;
}

int sql_expr_coerce(sql_analyze_ctx_t *ac, sql_expr_t *e, uint32_t type, int32_t typmod,
                    sql_cast_ctx_t ctx, sql_expr_t **out, orb_err_t *err) {
    int rc;
    if (e->type == type && (typmod < 0 || e->typmod == typmod)) {
        *out = e;
        return 0;
    }
    if (e->tag == SQL_T_PARAM && e->type == SQL_OID_UNKNOWN) {
        ac->param_types[e->index] = type;
        e->type = type;
        if (typmod < 0) {
            *out = e;
            return 0;
        }
    }
    if (sql_type_is_reg(type) != sql_type_is_reg(e->type) && reg_io_coerce(ac, e, type, typmod, ctx, out, err, &rc))
        return rc;
    if (e->tag == SQL_T_CONST) {
        /* fold now. Only the input of an untyped literal reports a position, as PostgreSQL:
         * casts and length coercions run as functions, without one. */
        sql_expr_t *c = make_const(ac->mcx, type, e->location);
        c->typmod = typmod;
        if (e->val.isnull) {
            c->val.isnull = true;
            *out = c;
            return 0;
        }
        sql_value_t v = e->val;
        uint32_t from = e->type;
        if (from == SQL_OID_UNKNOWN) {
            if (sql_value_in(type, -1, e->val.v.s.p, e->val.v.s.n, ac->mcx, &v, err) != 0)
                return sql_err_at(err, e->location);
            from = type;
        } else if (from != type && !sql_cast_allowed(from, type, ctx)) {
            goto not_allowed;
        }
        if (from != type || typmod >= 0) {
            if (sql_value_cast_ctx(from, type, typmod, ctx, &v, ac->mcx, &c->val, err) != 0) return -1;
        } else {
            c->val = v;
        }
        *out = c;
        return 0;
    }
    if (e->type != type && !sql_cast_allowed(e->type, type, ctx)) goto not_allowed;
    sql_expr_t *c = SQL_MAKE_NODE(ac->mcx, CAST);
    c->type = type;
    c->typmod = typmod;
    c->flag = (int)ctx;
    c->location = e->location;
    c->nargs = 1;
    c->args = args_alloc(ac->mcx, 1);
    c->args[0] = e;
    *out = c;
    return 0;
not_allowed:
    if (ctx == SQL_CAST_EXPLICIT)
        orb_err_set(err, CANNOT_COERCE, "cannot cast type %s to %s", tname(ac->mcx, e->type),
                    tname(ac->mcx, type));
    else
        orb_err_set(err, DATATYPE_MISMATCH, "cannot coerce type %s to %s", tname(ac->mcx, e->type),
                    tname(ac->mcx, type));
    return sql_err_at(err, e->location);
}

/* PostgreSQL's select_common_type, for the types Orbit has. */
int sql_common_type(sql_analyze_ctx_t *ac, sql_expr_t **es, int n, const char *what,
                    uint32_t *out, orb_err_t *err) {
    static const uint32_t numeric_rank[] = {SQL_OID_INT2, SQL_OID_INT4, SQL_OID_INT8,
                                            SQL_OID_NUMERIC, SQL_OID_FLOAT4, SQL_OID_FLOAT8};
    uint32_t t = SQL_OID_UNKNOWN;
    int loc = -1;
    for (int i = 0; i < n; i++) {
        uint32_t et = es[i]->type;
        if (et == SQL_OID_UNKNOWN) continue;
        if (t == SQL_OID_UNKNOWN) {
            t = et;
            loc = es[i]->location;
            continue;
        }
        if (et == t) continue;
        int rt = -1, re = -1;
        for (int k = 0; k < 6; k++) {
            if (numeric_rank[k] == t) rt = k;
            if (numeric_rank[k] == et) re = k;
        }
        if (rt >= 0 && re >= 0) {
            if (re > rt) t = et;
            continue;
        }
        if (sql_cast_allowed(et, t, SQL_CAST_IMPLICIT)) continue;
        if (sql_cast_allowed(t, et, SQL_CAST_IMPLICIT)) {
            t = et;
            continue;
        }
        orb_err_set(err, DATATYPE_MISMATCH, "%s types %s and %s cannot be matched", what,
                    tname(ac->mcx, t), tname(ac->mcx, et));
        return sql_err_at(err, es[i]->location >= 0 ? es[i]->location : loc);
    }
    *out = t == SQL_OID_UNKNOWN ? SQL_OID_TEXT : t;
    return 0;
}

static int coerce_all(sql_analyze_ctx_t *ac, sql_expr_t **es, int n, uint32_t type,
                      orb_err_t *err) {
    for (int i = 0; i < n; i++)
        if (sql_expr_coerce(ac, es[i], type, -1, SQL_CAST_IMPLICIT, &es[i], err) != 0) return -1;
    return 0;
}

static int coerce_bool(sql_analyze_ctx_t *ac, sql_expr_t **e, const char *what, orb_err_t *err) {
    if ((*e)->type == SQL_OID_BOOL) return 0;
    if ((*e)->type == SQL_OID_UNKNOWN)
        return sql_expr_coerce(ac, *e, SQL_OID_BOOL, -1, SQL_CAST_IMPLICIT, e, err);
    orb_err_set(err, DATATYPE_MISMATCH, "argument of %s must be type boolean, not type %s", what,
                tname(ac->mcx, (*e)->type));
    return sql_err_at(err, (*e)->location);
}

/* ---- operators and functions ----------------------------------------------------------- */

static sql_cast_ctx_t arg_ctx(const sql_builtin_t *fn, int i) {
    int k = fn->nargs < 0 ? 0 : i;
    if (k >= SQL_FN_MAXARGS) k = SQL_FN_MAXARGS - 1;
    return fn->argtypes[k] == SQL_OID_ANY ? SQL_CAST_EXPLICIT : SQL_CAST_IMPLICIT;
}

static int make_oper(sql_analyze_ctx_t *ac, const char *op, sql_expr_t *l, sql_expr_t *r,
                     int location, sql_expr_t **out, orb_err_t *err) {
    const sql_builtin_t *fn;
    uint32_t lc = 0, rc = 0;
    if (sql_oper_resolve(op, l ? l->type : 0, r->type, &fn, &lc, &rc, err) != 0)
        return sql_err_at(err, location);
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, FUNC);
    e->fn = fn;
    e->location = location;
    e->nargs = l ? 2 : 1;
    e->args = args_alloc(ac->mcx, e->nargs);
    /* an argument declared "any" takes the resolver's cast even when it is not implicit
     * (text || anynonarray) */
    if (l) {
        if (sql_expr_coerce(ac, l, lc, -1, arg_ctx(fn, 0), &e->args[0], err) != 0) return -1;
        if (sql_expr_coerce(ac, r, rc, -1, arg_ctx(fn, 1), &e->args[1], err) != 0) return -1;
    } else {
        if (sql_expr_coerce(ac, r, rc, -1, arg_ctx(fn, 0), &e->args[0], err) != 0) return -1;
    }
    e->type = fn->rettype ? fn->rettype : e->args[0]->type;
    *out = e;
    return 0;
}

static int analyze_list(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__Node **ns, size_t n,
                        sql_expr_t ***out, orb_err_t *err) {
    sql_expr_t **es = args_alloc(ac->mcx, (int)n);
    for (size_t i = 0; i < n; i++)
        if (sql_expr_analyze(ac, sc, ns[i], &es[i], err) != 0) return -1;
    *out = es;
    return 0;
}

static const char *oper_name(PgQuery__AExpr *a) {
    if (a->n_name == 0) return "";
    return sql_str_of(a->name[a->n_name - 1]);
}

static int analyze_aexpr(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__AExpr *a,
                         sql_expr_t **out, orb_err_t *err) {
    const char *op = oper_name(a);
    int loc = a->location;
    sql_expr_t *l = NULL, *r = NULL;
    switch (a->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR: /* "~" / "!~" of similar_to_escape(pattern) */
        if (a->lexpr && sql_expr_analyze(ac, sc, a->lexpr, &l, err) != 0) return -1;
        if (sql_expr_analyze(ac, sc, a->rexpr, &r, err) != 0) return -1;
        return make_oper(ac, op, l, r, loc, out, err);
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
        if (sql_expr_analyze(ac, sc, a->lexpr, &l, err) != 0) return -1;
        if (sql_expr_analyze(ac, sc, a->rexpr, &r, err) != 0) return -1;
        sql_expr_t *eq;
        if (make_oper(ac, "=", l, r, loc, &eq, err) != 0) return -1;
        sql_expr_t *e;
        if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            e = SQL_MAKE_NODE(ac->mcx, NULLIF);
            e->type = eq->args[0]->type;
        } else {
            e = SQL_MAKE_NODE(ac->mcx, DISTINCT);
            e->type = SQL_OID_BOOL;
            e->flag = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT;
        }
        e->fn = eq->fn;
        e->location = loc;
        e->nargs = 2;
        e->args = eq->args;
        *out = e;
        return 0;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
        if (!a->rexpr || a->rexpr->node_case != PG_QUERY__NODE__NODE_LIST)
            return (orb_err_set(err, FEATURE_NOT_SUPPORTED, "IN with a subquery is not supported yet"),
                    sql_err_at(err, loc));
        bool neg = strcmp(op, "<>") == 0;
        PgQuery__List *lst = a->rexpr->list;
        if (sql_expr_analyze(ac, sc, a->lexpr, &l, err) != 0) return -1;
        sql_expr_t **items;
        if (analyze_list(ac, sc, lst->items, lst->n_items, &items, err) != 0) return -1;
        /* one common type for the left side and the list, as PostgreSQL does */
        sql_expr_t **all = args_alloc(ac->mcx, (int)lst->n_items + 1);
        all[0] = l;
        for (size_t i = 0; i < lst->n_items; i++) all[i + 1] = items[i];
        uint32_t ct;
        if (sql_common_type(ac, all, (int)lst->n_items + 1, "IN", &ct, err) == 0) {
            if (coerce_all(ac, all, (int)lst->n_items + 1, ct, err) != 0) return -1;
        } else {
            orb_err_clear(err);
        }
        sql_expr_t *e = neg ? SQL_MAKE_NODE(ac->mcx, AND) : SQL_MAKE_NODE(ac->mcx, OR);
        e->type = SQL_OID_BOOL;
        e->location = loc;
        e->nargs = (int)lst->n_items;
        e->args = args_alloc(ac->mcx, e->nargs);
        for (size_t i = 0; i < lst->n_items; i++)
            if (make_oper(ac, neg ? "<>" : "=", all[0], all[i + 1], loc, &e->args[i], err) != 0)
                return -1;
        *out = e;
        return 0;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
        if (!a->rexpr || a->rexpr->node_case != PG_QUERY__NODE__NODE_LIST ||
            a->rexpr->list->n_items != 2)
            return (orb_err_set(err, SYNTAX_ERROR, "malformed BETWEEN"), sql_err_at(err, loc));
        bool neg = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN ||
                   a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
        bool sym = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM ||
                   a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
        sql_expr_t *lo, *hi;
        if (sql_expr_analyze(ac, sc, a->lexpr, &l, err) != 0) return -1;
        if (sql_expr_analyze(ac, sc, a->rexpr->list->items[0], &lo, err) != 0) return -1;
        if (sql_expr_analyze(ac, sc, a->rexpr->list->items[1], &hi, err) != 0) return -1;
        sql_expr_t *c1, *c2;
        if (make_oper(ac, neg ? "<" : ">=", l, lo, loc, &c1, err) != 0) return -1;
        if (make_oper(ac, neg ? ">" : "<=", l, hi, loc, &c2, err) != 0) return -1;
        sql_expr_t *e = neg ? SQL_MAKE_NODE(ac->mcx, OR) : SQL_MAKE_NODE(ac->mcx, AND);
        e->type = SQL_OID_BOOL;
        e->nargs = 2;
        e->args = args_alloc(ac->mcx, 2);
        e->args[0] = c1;
        e->args[1] = c2;
        if (sym) {
            /* x BETWEEN SYMMETRIC a AND b == x BETWEEN a AND b OR x BETWEEN b AND a */
            sql_expr_t *d1, *d2;
            if (make_oper(ac, neg ? "<" : ">=", l, hi, loc, &d1, err) != 0) return -1;
            if (make_oper(ac, neg ? ">" : "<=", l, lo, loc, &d2, err) != 0) return -1;
            sql_expr_t *e2 = neg ? SQL_MAKE_NODE(ac->mcx, OR) : SQL_MAKE_NODE(ac->mcx, AND);
            e2->type = SQL_OID_BOOL;
            e2->nargs = 2;
            e2->args = args_alloc(ac->mcx, 2);
            e2->args[0] = d1;
            e2->args[1] = d2;
            sql_expr_t *both = neg ? SQL_MAKE_NODE(ac->mcx, AND) : SQL_MAKE_NODE(ac->mcx, OR);
            both->type = SQL_OID_BOOL;
            both->nargs = 2;
            both->args = args_alloc(ac->mcx, 2);
            both->args[0] = e;
            both->args[1] = e2;
            e = both;
        }
        *out = e;
        return 0;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
        /* x op ANY (array) / x op ALL (array) */
        if (sql_expr_analyze(ac, sc, a->lexpr, &l, err) != 0) return -1;
        if (sql_expr_analyze(ac, sc, a->rexpr, &r, err) != 0) return -1;
        if (r->type == SQL_OID_UNKNOWN && l->type != SQL_OID_UNKNOWN && sql_array_type_of(l->type) &&
            sql_expr_coerce(ac, r, sql_array_type_of(l->type), -1, SQL_CAST_IMPLICIT, &r, err) != 0)
            return -1;
        if (!sql_type_is_array(r->type)) {
            orb_err_set(err, DATATYPE_MISMATCH, "op ANY/ALL (array) requires array on right side");
            return sql_err_at(err, loc);
        }
        uint32_t et = sql_array_elem_of(r->type);
        const sql_builtin_t *fn;
        uint32_t lc = 0, rc = 0;
        if (sql_oper_resolve(op, l->type, et, &fn, &lc, &rc, err) != 0) return sql_err_at(err, loc);
        if (fn->rettype != SQL_OID_BOOL) {
            orb_err_set(err, DATATYPE_MISMATCH, "op ANY/ALL (array) requires operator to yield boolean");
            return sql_err_at(err, loc);
        }
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, ANYARRAY);
        e->type = SQL_OID_BOOL;
        e->fn = fn;
        e->flag = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
        e->location = loc;
        e->nargs = 2;
        e->args = args_alloc(ac->mcx, 2);
        if (sql_expr_coerce(ac, l, lc, -1, SQL_CAST_IMPLICIT, &e->args[0], err) != 0) return -1;
        uint32_t rarr = sql_array_type_of(rc);
        if (sql_expr_coerce(ac, r, rarr ? rarr : r->type, -1, SQL_CAST_IMPLICIT, &e->args[1], err) != 0)
            return -1;
        e->index = (int)rc; /* element type of the (coerced) array */
        *out = e;
        return 0;
    }
    default:
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "this kind of operator expression is not supported yet");
        return sql_err_at(err, loc);
    }
}

/* Functions that read the session rather than their arguments. */
enum { SESS_CURRENT_USER = 1, SESS_SESSION_USER, SESS_CURRENT_DATABASE, SESS_CURRENT_SCHEMA,
       SESS_VERSION, SESS_NOW, SESS_CURRENT_DATE, SESS_STMT_TS, SESS_BACKEND_PID };

static sql_expr_t *make_session(orb_mcx_t *mcx, int op, uint32_t type, int loc) {
    sql_expr_t *e = SQL_MAKE_NODE(mcx, SESSION);
    e->index = op;
    e->type = type;
    e->location = loc;
    return e;
}

static bool contains_aggref(const sql_expr_t *e) {
    if (!e) return false;
    if (e->tag == SQL_T_AGGREF) return true;
    for (int i = 0; i < e->nargs; i++)
        if (contains_aggref(e->args[i])) return true;
    return false;
}

static int analyze_list(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__Node **ns, size_t n,
                        sql_expr_t ***out, orb_err_t *err);

/* (r).field of a record. Orbit's only records are aclexplode's (sql_aclexplode.c): the field
 * is a call of the builtin that reads it from the record's text form. */
static int record_field(sql_analyze_ctx_t *ac, sql_expr_t *base, const char *field, sql_expr_t **out,
                        orb_err_t *err) {
    const sql_builtin_t *fn = sql_aclexplode_field(field, NULL);
    if (!fn) {
        orb_err_set(err, UNDEFINED_COLUMN, "could not identify column \"%s\" in record data type", field);
        return sql_err_at(err, base->location);
    }
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, FUNC);
    e->fn = fn;
    e->type = fn->rettype;
    e->typmod = -1;
    e->location = base->location;
    e->nargs = 1;
    e->args = orb_alloc0(ac->mcx, sizeof(sql_expr_t *));
    e->args[0] = base;
    *out = e;
    return 0;
}

/* unnest(array) / generate_series(...) / aclexplode(acl) in the select list */
static int analyze_srf(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                       const char *name, sql_expr_t **out, orb_err_t *err) {
    int loc = f->location;
    if (!sc->allow_win) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "set-returning functions are not allowed in %s",
                    sc->allow_agg ? "this context" : "WHERE");
        return sql_err_at(err, loc);
    }
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, SRF);
    e->location = loc;
    e->nargs = (int)f->n_args;
    if (analyze_list(ac, sc, f->args, f->n_args, &e->args, err) != 0) return -1;
    for (int i = 0; i < e->nargs; i++)
        if (SQL_IS_A(e->args[i], SRF)) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "set-returning functions must appear at top level of FROM");
            return sql_err_at(err, e->args[i]->location);
        }
    if (strcmp(name, "aclexplode") == 0) {
        /* a record of (grantor oid, grantee oid, privilege_type text, is_grantable bool):
         * see record_field */
        e->flag = 4;
        e->type = SQL_OID_RECORD;
        if (sql_expr_coerce(ac, e->args[0], SQL_OID_TEXT_ARRAY, -1, SQL_CAST_IMPLICIT, &e->args[0], err) != 0)
            return -1;
    } else if (strcmp(name, "unnest") == 0) {
        if (!sql_type_is_array(e->args[0]->type)) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function unnest(%s) does not exist", tname(ac->mcx, e->args[0]->type));
            return sql_err_at(err, loc);
        }
        e->flag = 1;
        e->type = sql_array_elem_of(e->args[0]->type);
    } else {
        e->flag = 2;
        uint32_t t;
        if (sql_common_type(ac, e->args, 2, "generate_series", &t, err) != 0) return -1;
        if (t == SQL_OID_INT2) t = SQL_OID_INT4;
        if (t == SQL_OID_FLOAT4 || t == SQL_OID_FLOAT8) t = SQL_OID_NUMERIC;
        bool is_time = t == SQL_OID_TIMESTAMP || t == SQL_OID_TIMESTAMPTZ || t == SQL_OID_DATE;
        if (t == SQL_OID_DATE) t = SQL_OID_TIMESTAMP;
        if ((t != SQL_OID_INT4 && t != SQL_OID_INT8 && t != SQL_OID_NUMERIC && !is_time) ||
            (is_time && e->nargs != 3)) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function generate_series(%s, %s) does not exist",
                        tname(ac->mcx, e->args[0]->type), tname(ac->mcx, e->args[1]->type));
            return sql_err_at(err, loc);
        }
        for (int i = 0; i < 2; i++)
            if (sql_expr_coerce(ac, e->args[i], t, -1, SQL_CAST_IMPLICIT, &e->args[i], err) != 0) return -1;
        uint32_t st = is_time ? SQL_OID_INTERVAL : t;
        if (e->nargs == 3 && sql_expr_coerce(ac, e->args[2], st, -1, SQL_CAST_IMPLICIT, &e->args[2], err) != 0)
            return -1;
        uint32_t lc, rc;
        if (sql_oper_resolve("+", t, st, &e->fn, &lc, &rc, err) != 0) return -1;
        e->type = t;
    }
    if (sc->nsrfs == sc->srfcap) {
        int nc = sc->srfcap ? sc->srfcap * 2 : 4;
        sc->srfs = orb_realloc(ac->mcx, sc->srfs, sizeof(sql_expr_t *) * (size_t)sc->srfcap,
                               sizeof(sql_expr_t *) * (size_t)nc);
        sc->srfcap = nc;
    }
    e->index = sc->nsrfs;
    sc->srfs[sc->nsrfs++] = e;
    *out = e;
    return 0;
}

/* aggregates whose result depends on the order of their input */
static bool order_sensitive_agg(const char *name) {
    static const char *const names[] = {"array_agg", "string_agg", "json_agg", "jsonb_agg",
                                        "json_object_agg", "jsonb_object_agg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

/* agg(... ORDER BY k [ASC|DESC] [NULLS FIRST|LAST], ...): the sort keys, evaluated per input
 * row where no aggregate may appear */
static int analyze_agg_order(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                             sql_agg_call_t *ag, orb_err_t *err) {
    int n = (int)f->n_agg_order;
    ag->norder = n;
    ag->order = args_alloc(ac->mcx, n);
    ag->order_desc = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)n);
    ag->order_nulls_first = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)n);
    for (int i = 0; i < n; i++) {
        PgQuery__SortBy *sb = f->agg_order[i]->sort_by;
        if (!sb || sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "ORDER BY ... USING is not supported yet");
            return sql_err_at(err, f->location);
        }
        bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        ag->order_desc[i] = desc;
        ag->order_nulls_first[i] =
            sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
            (desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
        sql_expr_t *e;
        if (sql_expr_analyze(ac, sc, sb->node, &e, err) != 0) return -1;
        if (contains_aggref(e)) {
            orb_err_set(err, GROUPING_ERROR, "aggregate function calls cannot be nested");
            return sql_err_at(err, e->location >= 0 ? e->location : f->location);
        }
        if (e->type == SQL_OID_UNKNOWN &&
            sql_expr_coerce(ac, e, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &e, err) != 0)
            return -1;
        ag->order[i] = e;
    }
    return 0;
}

static int analyze_func(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                        sql_expr_t **out, orb_err_t *err);

static PgQuery__Node *node_str(orb_mcx_t *mcx, const char *sval) {
    PgQuery__Node *n = orb_alloc0(mcx, sizeof *n);
    pg_query__node__init(n);
    n->node_case = PG_QUERY__NODE__NODE_STRING;
    n->string = orb_alloc0(mcx, sizeof *n->string);
    pg_query__string__init(n->string);
    n->string->sval = (char *)sval;
    return n;
}

/* The FROM item a bare name in row_to_json(t) means: an alias in scope that is not also a
 * column name there (a column wins, as in PostgreSQL); *out gets its alias and columns
 * (a single-table statement's scope has no range table: its table). */
static bool whole_row_rte(sql_scope_t *sc, const char *name, orb_mcx_t *mcx, sql_rte_t *out) {
    for (sql_scope_t *s = sc; s; s = s->parent) {
        if (s->nrtes == 0) {
            if (!s->table) continue;
            if (sql_table_column(s->table, name) >= 0) return false;
            if (strcmp(s->alias, name) != 0) continue;
            out->alias = s->alias;
            out->ncols = s->table->ncols;
            out->names = orb_alloc0(mcx, sizeof(char *) * (size_t)(out->ncols + 1));
            for (int c = 0; c < out->ncols; c++) out->names[c] = s->table->cols[c].name;
            return true;
        }
        for (int r = 0; r < s->nrtes; r++)
            for (int c = 0; c < s->rtes[r].ncols; c++)
                if (strcmp(s->rtes[r].names[c], name) == 0) return false;
        for (int r = 0; r < s->nrtes; r++) {
            if (strcmp(s->rtes[r].alias, name) != 0) continue;
            *out = s->rtes[r];
            return true;
        }
    }
    return false;
}

/* row_to_json(t) of a FROM item t: the call of an internal builtin with its columns' names
 * and values, alternating ({"col":value,...}, compact as PostgreSQL prints it). Orbit has no
 * composite values otherwise. */
static int analyze_row_to_json(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                               const sql_rte_t *rte, sql_expr_t **out, orb_err_t *err) {
    PgQuery__FuncCall call = PG_QUERY__FUNC_CALL__INIT;
    PgQuery__Node *fname = node_str(ac->mcx, "row_to_json(record)");
    call.n_funcname = 1;
    call.funcname = &fname;
    call.location = f->location;
    call.n_args = (size_t)rte->ncols * 2;
    call.args = orb_alloc0(ac->mcx, sizeof *call.args * (call.n_args + 1));
    for (int c = 0; c < rte->ncols; c++) {
        PgQuery__Node *k = orb_alloc0(ac->mcx, sizeof *k);
        pg_query__node__init(k);
        k->node_case = PG_QUERY__NODE__NODE_A_CONST;
        k->a_const = orb_alloc0(ac->mcx, sizeof *k->a_const);
        pg_query__a__const__init(k->a_const);
        k->a_const->val_case = PG_QUERY__A__CONST__VAL_SVAL;
        k->a_const->sval = node_str(ac->mcx, rte->names[c])->string;
        k->a_const->location = -1;
        PgQuery__Node *v = orb_alloc0(ac->mcx, sizeof *v);
        pg_query__node__init(v);
        v->node_case = PG_QUERY__NODE__NODE_COLUMN_REF;
        v->column_ref = orb_alloc0(ac->mcx, sizeof *v->column_ref);
        pg_query__column_ref__init(v->column_ref);
        v->column_ref->n_fields = 2;
        v->column_ref->fields = orb_alloc0(ac->mcx, sizeof(PgQuery__Node *) * 2);
        v->column_ref->fields[0] = node_str(ac->mcx, rte->alias);
        v->column_ref->fields[1] = node_str(ac->mcx, rte->names[c]);
        v->column_ref->location = f->location;
        call.args[2 * c] = k;
        call.args[2 * c + 1] = v;
    }
    return analyze_func(ac, sc, &call, out, err);
}

static int analyze_func(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                        sql_expr_t **out, orb_err_t *err) {
    const char *name = sql_str_of(f->funcname[f->n_funcname - 1]);
    int loc = f->location;
    if (!name) return (orb_err_set(err, SYNTAX_ERROR, "bad function name"), sql_err_at(err, loc));
    if (strcmp(name, "row_to_json") == 0 && f->n_args == 1 && !f->over &&
        f->args[0]->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        f->args[0]->column_ref->n_fields == 1) {
        const char *t = sql_str_of(f->args[0]->column_ref->fields[0]);
        sql_rte_t rte;
        if (t && whole_row_rte(sc, t, ac->mcx, &rte)) return analyze_row_to_json(ac, sc, f, &rte, out, err);
    }
    if (f->over) {
        if (f->n_agg_order) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED,
                        "aggregate ORDER BY is not implemented for window functions");
            return sql_err_at(err, loc);
        }
        sql_expr_t **wargs;
        if (analyze_list(ac, sc, f->args, f->n_args, &wargs, err) != 0) return -1;
        return sql_window_analyze(ac, sc, f, wargs, (int)f->n_args, out, err);
    }
    int nargs = (int)f->n_args;
    if (nargs == 0 && !f->agg_star) {
        static const struct { const char *n; int op; uint32_t t; } sess[] = {
            {"current_database", SESS_CURRENT_DATABASE, SQL_OID_NAME},
            {"current_schema", SESS_CURRENT_SCHEMA, SQL_OID_NAME},
            {"version", SESS_VERSION, SQL_OID_TEXT},
            {"now", SESS_NOW, SQL_OID_TIMESTAMPTZ},
            {"transaction_timestamp", SESS_NOW, SQL_OID_TIMESTAMPTZ},
            {"statement_timestamp", SESS_STMT_TS, SQL_OID_TIMESTAMPTZ},
            {"pg_backend_pid", SESS_BACKEND_PID, SQL_OID_INT4},
        };
        for (size_t i = 0; i < sizeof sess / sizeof sess[0]; i++) {
            if (strcmp(name, sess[i].n) == 0) {
                *out = make_session(ac->mcx, sess[i].op, sess[i].t, loc);
                return 0;
            }
        }
    }
    sql_expr_t **args;
    if ((strcmp(name, "unnest") == 0 && nargs == 1) ||
        (strcmp(name, "generate_series") == 0 && (nargs == 2 || nargs == 3)) ||
        (strcmp(name, "aclexplode") == 0 && nargs == 1))
        return analyze_srf(ac, sc, f, name, out, err);
    /* aggregates */
    uint32_t argtypes[SQL_FN_MAXARGS] = {0};
    const sql_agg_t *agg = NULL;
    if (analyze_list(ac, sc, f->args, f->n_args, &args, err) != 0) return -1;
    for (int i = 0; i < nargs && i < SQL_FN_MAXARGS; i++) argtypes[i] = args[i]->type;
    uint32_t aggcasts[SQL_FN_MAXARGS] = {0}, aggret = 0;
    orb_err_t tmp;
    if (nargs <= SQL_FN_MAXARGS && sql_agg_resolve(name, f->agg_star ? 0 : nargs, argtypes, &agg,
                                                   aggcasts, &aggret, &tmp) == 0) {
        if (!sc->allow_agg) {
            orb_err_set(err, GROUPING_ERROR, "aggregate functions are not allowed in %s",
                        sc->table ? "WHERE" : "this context");
            return sql_err_at(err, loc);
        }
        for (int i = 0; i < nargs; i++) {
            if (contains_aggref(args[i])) {
                orb_err_set(err, GROUPING_ERROR, "aggregate function calls cannot be nested");
                return sql_err_at(err, args[i]->location >= 0 ? args[i]->location : loc);
            }
        }
        if (f->agg_within_group) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "WITHIN GROUP is not supported yet");
            return sql_err_at(err, loc);
        }
        sql_agg_call_t ag = {.agg = agg, .arg = NULL, .argtype = aggcasts[0], .distinct = f->agg_distinct};
        if (f->agg_filter) {
            sql_scope_t fsc = *sc;
            fsc.allow_agg = false;
            if (sql_expr_analyze(ac, &fsc, f->agg_filter, &ag.filter, err) != 0) return -1;
            if (coerce_bool(ac, &ag.filter, "FILTER", err) != 0) return -1;
        }
        if (f->n_agg_order && analyze_agg_order(ac, sc, f, &ag, err) != 0) return -1;
        if (nargs >= 1 && !f->agg_star) {
            ag.nargs = nargs;
            ag.args = args_alloc(ac->mcx, nargs);
            for (int i = 0; i < nargs; i++)
                if (sql_expr_coerce(ac, args[i], aggcasts[i] ? aggcasts[i] : args[i]->type, -1,
                                    SQL_CAST_IMPLICIT, &ag.args[i], err) != 0)
                    return -1;
            ag.arg = ag.args[0];
            ag.argtype = ag.arg->type;
        }
        if (ag.distinct && !ag.norder && ag.arg && order_sensitive_agg(name)) {
            /* PostgreSQL computes DISTINCT by sorting: array_agg(DISTINCT x) comes out sorted */
            ag.norder = 1;
            ag.order = args_alloc(ac->mcx, 1);
            ag.order[0] = ag.arg;
            ag.order_desc = orb_alloc0(ac->mcx, sizeof(bool));
            ag.order_nulls_first = orb_alloc0(ac->mcx, sizeof(bool));
        }
        if (sc->naggs == sc->aggcap) {
            int nc = sc->aggcap ? sc->aggcap * 2 : 8;
            sc->aggs = orb_realloc(ac->mcx, sc->aggs, sizeof *sc->aggs * (size_t)sc->aggcap,
                                   sizeof *sc->aggs * (size_t)nc);
            sc->aggcap = nc;
        }
        sc->aggs[sc->naggs] = ag;
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, AGGREF);
        e->index = sc->naggs++;
        e->type = aggret;
        e->location = loc;
        *out = e;
        return 0;
    }
    if (f->agg_star) {
        orb_err_set(err, UNDEFINED_FUNCTION, "function %s(*) does not exist", name);
        return sql_err_at(err, loc);
    }
    if (nargs > 100) {
        orb_err_set(err, TOO_MANY_ARGUMENTS, "cannot pass more than 100 arguments to a function");
        return sql_err_at(err, loc);
    }
    uint32_t *types = orb_alloc0(ac->mcx, sizeof(uint32_t) * (size_t)(nargs + 1));
    uint32_t *casts = orb_alloc0(ac->mcx, sizeof(uint32_t) * (size_t)(nargs + 1));
    for (int i = 0; i < nargs; i++) types[i] = args[i]->type;
    const sql_builtin_t *fn;
    if (sql_func_resolve(name, nargs, types, &fn, casts, err) != 0) return sql_err_at(err, loc);
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, FUNC);
    e->fn = fn;
    e->location = loc;
    e->nargs = nargs;
    e->args = args;
    for (int i = 0; i < nargs; i++)
        if (sql_expr_coerce(ac, args[i], casts[i] ? casts[i] : args[i]->type, -1,
                            arg_ctx(fn, i), &e->args[i], err) != 0)
            return -1;
    e->type = fn->rettype ? fn->rettype : (nargs ? e->args[0]->type : SQL_OID_TEXT);
    *out = e;
    return 0;
}

int sql_expr_resolve_type(sql_analyze_ctx_t *ac, const PgQuery__TypeName *tn, uint32_t *oid,
                          int32_t *typmod, orb_err_t *err) {
    const char *name = sql_str_of(tn->names[tn->n_names - 1]);
    int32_t mods[4];
    int nmods = 0;
    for (size_t i = 0; i < tn->n_typmods && i < 4; i++) {
        PgQuery__Node *m = tn->typmods[i];
        if (m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
            mods[nmods++] = m->a_const->ival->ival;
        else {
            orb_err_set(err, SYNTAX_ERROR, "type modifiers must be simple constants or identifiers");
            return sql_err_at(err, tn->location);
        }
    }
    if (sql_type_lookup(name ? name : "", mods, nmods, oid, typmod, err) != 0)
        return sql_err_at(err, tn->location);
    if (tn->n_array_bounds > 0) {
        /* t[] (any number of brackets: PostgreSQL treats int[][] as int[]) */
        uint32_t arr = sql_array_type_of(*oid);
        if (!arr) {
            orb_err_set(err, UNDEFINED_OBJECT, "type \"%s[]\" does not exist", name ? name : "");
            return sql_err_at(err, tn->location);
        }
        *oid = arr; /* the element typmod stays: casts apply it to every element */
    }
    return 0;
}

/* Looks a column up in one scope level. Returns 1 found (*pos, *type, *typmod or *merged
 * set), 0 not found, -1 error (ambiguous). rel_seen tells whether rel named an entry here. */
static int lookup_level(sql_scope_t *sc, const char *rel, const char *col, int loc, int *pos,
                        uint32_t *type, int32_t *typmod, sql_expr_t **merged, bool *rel_seen,
                        orb_err_t *err) {
    *merged = NULL;
    if (sc->nrtes == 0) {
        /* the single-table form */
        if (!sc->table) return 0;
        if (rel && strcmp(rel, sc->alias) != 0) return 0;
        if (rel) *rel_seen = true;
        int i = sql_table_column(sc->table, col);
        if (i < 0) return 0;
        *pos = i;
        *type = sc->table->cols[i].type;
        *typmod = sc->table->cols[i].typmod;
        return 1;
    }
    if (!rel) {
        for (int m = 0; m < sc->nmerged; m++) {
            if (strcmp(sc->merged[m].name, col) == 0) {
                *merged = sc->merged[m].expr;
                return 1;
            }
        }
    }
    int found = 0;
    for (int r = 0; r < sc->nrtes; r++) {
        const sql_rte_t *rte = &sc->rtes[r];
        if (rel && strcmp(rel, rte->alias) != 0) continue;
        if (rel) *rel_seen = true;
        for (int c = 0; c < rte->ncols; c++) {
            if (strcmp(rte->names[c], col) != 0) continue;
            if (found) {
                orb_err_set(err, AMBIGUOUS_COLUMN, "column reference \"%s\" is ambiguous", col);
                return sql_err_at(err, loc);
            }
            found = 1;
            *pos = rte->offset + c;
            *type = rte->types[c];
            *typmod = rte->typmods[c];
        }
    }
    return found;
}

static int levenshtein(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 1 << 20;
    int prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

/* PostgreSQL's "Perhaps you meant to reference the column ..." for a misspelt column: the
 * closest name in this query's tables, if no more than half of it differs. */
static void suggest_column(sql_scope_t *sc, const char *col, orb_err_t *err) {
    int best = 1 << 20, nbest = 0;
    const char *rel1 = NULL, *col1 = NULL, *rel2 = NULL, *col2 = NULL;
    int limit = (int)strlen(col) / 2;
    int nrtes = sc->nrtes;
    for (int r = 0; r < (nrtes ? nrtes : (sc->table ? 1 : 0)); r++) {
        const char *alias = nrtes ? sc->rtes[r].alias : sc->alias;
        int ncols = nrtes ? sc->rtes[r].ncols : sc->table->ncols;
        const char *rbest = NULL;
        int rdist = 1 << 20;
        for (int c = 0; c < ncols; c++) {
            const char *name = nrtes ? sc->rtes[r].names[c] : sc->table->cols[c].name;
            int d = levenshtein(name, col);
            if (d > limit || d >= rdist) continue;
            rdist = d;
            rbest = name;
        }
        if (!rbest) continue;
        if (rdist < best) {
            best = rdist;
            nbest = 1;
            rel1 = alias;
            col1 = rbest;
        } else if (rdist == best && nbest == 1) {
            nbest = 2;
            rel2 = alias;
            col2 = rbest;
        } else if (rdist == best) {
            nbest++;
        }
    }
    if (nbest == 1)
        orb_err_hint(err, "Perhaps you meant to reference the column \"%s.%s\".", rel1, col1);
    else if (nbest == 2)
        orb_err_hint(err, "Perhaps you meant to reference the column \"%s.%s\" or the column \"%s.%s\".",
                     rel1, col1, rel2, col2);
}

/* The base table a reference to its tableoid names: rel's, or the only base table in scope
 * (innermost level first); NULL when none or ambiguous. */
static const sql_table_t *tableoid_table(sql_scope_t *sc, const char *rel) {
    for (sql_scope_t *s = sc; s; s = s->parent) {
        if (s->nrtes == 0) {
            if (s->table && (!rel || strcmp(rel, s->alias) == 0)) return s->table;
            continue;
        }
        const sql_table_t *found = NULL;
        int n = 0;
        for (int r = 0; r < s->nrtes; r++) {
            const sql_rte_t *rte = &s->rtes[r];
            if (rel && strcmp(rel, rte->alias) != 0) continue;
            if (!rte->table) {
                if (rel) return NULL;
                continue;
            }
            found = rte->table;
            n++;
        }
        if (n == 1) return found;
        if (n > 1) return NULL;
    }
    return NULL;
}

static int analyze_colref(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__ColumnRef *cr,
                          sql_expr_t **out, orb_err_t *err) {
    int loc = cr->location;
    const char *rel = NULL, *col = NULL;
    if (cr->n_fields == 1) {
        col = sql_str_of(cr->fields[0]);
    } else if (cr->n_fields == 2) {
        rel = sql_str_of(cr->fields[0]);
        col = sql_str_of(cr->fields[1]);
    } else if (cr->n_fields == 3) {
        rel = sql_str_of(cr->fields[1]);
        col = sql_str_of(cr->fields[2]);
    }
    if (!col) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "\"*\" is not allowed here");
        return sql_err_at(err, loc);
    }
    if (rel && sc->excluded_ok && strcmp(rel, "excluded") == 0) {
        int i = sql_table_column(sc->table, col);
        if (i < 0) {
            orb_err_set(err, UNDEFINED_COLUMN, "column excluded.%s does not exist", col);
            return sql_err_at(err, loc);
        }
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, EXCLUDED);
        e->index = i;
        e->type = sc->table->cols[i].type;
        e->typmod = sc->table->cols[i].typmod;
        e->location = loc;
        *out = e;
        return 0;
    }
    /* this query first, then the enclosing ones (a correlated reference) */
    bool rel_seen = false;
    int levels = 0;
    for (sql_scope_t *s = sc; s; s = s->parent, levels++) {
        int pos = 0;
        uint32_t type = 0;
        int32_t typmod = -1;
        sql_expr_t *merged;
        int r = lookup_level(s, rel, col, loc, &pos, &type, &typmod, &merged, &rel_seen, err);
        if (r < 0) return -1;
        if (r == 0) {
            if (rel_seen) break; /* the table is here but lacks the column */
            continue;
        }
        if (levels > 0) {
            for (sql_scope_t *m = sc; m != s; m = m->parent)
                if (m->level_corr) *m->level_corr = true;
            if (merged) {
                orb_err_set(err, FEATURE_NOT_SUPPORTED,
                            "outer references to JOIN USING columns are not supported yet");
                return sql_err_at(err, loc);
            }
            sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, OUTER);
            e->flag = levels;
            e->index = pos;
            e->type = type;
            e->typmod = typmod;
            e->location = loc;
            *out = e;
            return 0;
        }
        if (merged) {
            *out = merged;
            return 0;
        }
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, COLUMN);
        e->index = pos;
        e->type = type;
        e->typmod = typmod;
        e->location = loc;
        *out = e;
        return 0;
    }
    /* the system column tableoid: the oid of a base table's relation (catalog queries join
     * pg_depend.classid = pg_class.tableoid); a constant, since a table has one relation */
    if (strcmp(col, "tableoid") == 0) {
        const sql_table_t *t = tableoid_table(sc, rel);
        if (t) {
            sql_expr_t *e = make_const(ac->mcx, SQL_OID_OID, loc);
            e->val.v.i = t->id;
            *out = e;
            return 0;
        }
    }
    if (rel && !rel_seen) {
        orb_err_set(err, UNDEFINED_TABLE, "missing FROM-clause entry for table \"%s\"", rel);
        return sql_err_at(err, loc);
    }
    if (rel)
        orb_err_set(err, UNDEFINED_COLUMN, "column %s.%s does not exist", rel, col);
    else
        orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" does not exist", col);
    if (!rel) suggest_column(sc, col, err);
    return sql_err_at(err, loc);
}

/* x IN (SELECT ...), EXISTS (...), (SELECT ...), x op ANY/ALL (SELECT ...) */
static int analyze_sublink(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__SubLink *sl,
                           sql_expr_t **out, orb_err_t *err) {
    int loc = sl->location;
    sql_sublink_kind_t kind;
    switch (sl->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK: kind = SQL_SUBLINK_EXISTS; break;
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK: kind = SQL_SUBLINK_ANY; break;
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: kind = SQL_SUBLINK_ALL; break;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: kind = SQL_SUBLINK_EXPR; break;
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK: kind = SQL_SUBLINK_ARRAY; break;
    default:
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "this kind of subquery is not supported yet");
        return sql_err_at(err, loc);
    }
    if (!sl->subselect || sl->subselect->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return orb_err_set(err, SYNTAX_ERROR, "malformed subquery");
    bool correlated = false;
    struct sql_query *q;
    if (sql_analyze_subquery(ac, sc, sl->subselect->select_stmt, &q, &correlated, err) != 0)
        return -1;
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, SUBLINK);
    e->flag = kind;
    e->sub = q;
    e->correlated = correlated;
    e->location = loc;
    if (kind == SQL_SUBLINK_EXISTS) {
        e->type = SQL_OID_BOOL;
        *out = e;
        return 0;
    }
    if (q->ntargets != 1) {
        if (kind == SQL_SUBLINK_EXPR || kind == SQL_SUBLINK_ARRAY)
            orb_err_set(err, SYNTAX_ERROR, "subquery must return only one column");
        else
            orb_err_set(err, SYNTAX_ERROR, q->ntargets > 1 ? "subquery has too many columns"
                                                           : "subquery has too few columns");
        return sql_err_at(err, loc);
    }
    sql_expr_t *target = q->targets[0].expr;
    if (kind == SQL_SUBLINK_EXPR) {
        e->type = target->type;
        e->typmod = target->typmod;
        *out = e;
        return 0;
    }
    if (kind == SQL_SUBLINK_ARRAY) {
        if (target->type == SQL_OID_UNKNOWN &&
            sql_expr_coerce(ac, target, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &q->targets[0].expr, err) != 0)
            return -1;
        uint32_t et = q->targets[0].expr->type;
        e->type = sql_array_type_of(et == SQL_OID_OID || sql_type_is_reg(et) ? SQL_OID_INT8 : et);
        if (et == SQL_OID_OID || sql_type_is_reg(et)) {
            /* no oid[] yet: oids are collected as bigint[] */
            if (sql_expr_coerce(ac, q->targets[0].expr, SQL_OID_INT8, -1, SQL_CAST_EXPLICIT,
                                &q->targets[0].expr, err) != 0)
                return -1;
        }
        if (!e->type) {
            orb_err_set(err, UNDEFINED_OBJECT, "could not find array type for data type %s",
                        sql_type_format(et, -1, ac->mcx));
            return sql_err_at(err, loc);
        }
        *out = e;
        return 0;
    }
    if (sl->testexpr && sl->testexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "row comparisons with subqueries are not supported yet");
        return sql_err_at(err, loc);
    }
    sql_expr_t *l;
    if (sql_expr_analyze(ac, sc, sl->testexpr, &l, err) != 0) return -1;
    const char *op = sl->n_oper_name ? sql_str_of(sl->oper_name[sl->n_oper_name - 1]) : "=";
    const sql_builtin_t *fn;
    uint32_t lc = 0, rc = 0;
    if (sql_oper_resolve(op ? op : "=", l->type, target->type, &fn, &lc, &rc, err) != 0)
        return sql_err_at(err, loc);
    if (fn->rettype != SQL_OID_BOOL) {
        orb_err_set(err, DATATYPE_MISMATCH, "op ANY/ALL (array) requires operator to yield boolean");
        return sql_err_at(err, loc);
    }
    e->fn = fn;
    e->type = SQL_OID_BOOL;
    e->nargs = 1;
    e->args = args_alloc(ac->mcx, 1);
    if (sql_expr_coerce(ac, l, lc, -1, SQL_CAST_IMPLICIT, &e->args[0], err) != 0) return -1;
    /* the subquery's column takes the operator's right type */
    if (sql_expr_coerce(ac, target, rc, -1, SQL_CAST_IMPLICIT, &q->targets[0].expr, err) != 0)
        return -1;
    *out = e;
    return 0;
}

static int analyze_const(sql_analyze_ctx_t *ac, PgQuery__AConst *c, sql_expr_t **out,
                         orb_err_t *err) {
    int loc = c->location;
    sql_expr_t *e;
    if (c->isnull) {
        e = make_const(ac->mcx, SQL_OID_UNKNOWN, loc);
        e->val.isnull = true;
        *out = e;
        return 0;
    }
    switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        e = make_const(ac->mcx, SQL_OID_INT4, loc);
        e->val.v.i = c->ival->ival;
        break;
    case PG_QUERY__A__CONST__VAL_FVAL: {
        /* integers too large for int4 arrive as Float: int8 when they fit, else numeric */
        const char *s = c->fval->fval;
        bool integral = strspn(s, "-0123456789") == strlen(s);
        e = make_const(ac->mcx, SQL_OID_NUMERIC, loc);
        if (integral) {
            /* as PostgreSQL's make_const: int4 when it fits (e.g. -2147483648), else int8 */
            orb_err_t tmp;
            if (sql_value_in(SQL_OID_INT8, -1, s, strlen(s), ac->mcx, &e->val, &tmp) == 0) {
                e->type = (e->val.v.i >= INT32_MIN && e->val.v.i <= INT32_MAX) ? SQL_OID_INT4
                                                                              : SQL_OID_INT8;
                break;
            }
        }
        if (sql_value_in(SQL_OID_NUMERIC, -1, s, strlen(s), ac->mcx, &e->val, err) != 0)
            return sql_err_at(err, loc);
        break;
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        e = make_const(ac->mcx, SQL_OID_BOOL, loc);
        e->val.v.b = c->boolval->boolval;
        break;
    case PG_QUERY__A__CONST__VAL_SVAL:
        e = make_const(ac->mcx, SQL_OID_UNKNOWN, loc);
        e->val.v.s.p = orb_strdup(ac->mcx, c->sval->sval);
        e->val.v.s.n = (uint32_t)strlen(c->sval->sval);
        break;
    case PG_QUERY__A__CONST__VAL_BSVAL: {
        /* B'0101' / X'1F': the parser hands "b0101" / "x1F"; typed bit as PostgreSQL */
        const char *s = c->bsval->bsval;
        e = make_const(ac->mcx, SQL_OID_BIT, loc);
        if (sql_value_in(SQL_OID_BIT, -1, s, strlen(s), ac->mcx, &e->val, err) != 0)
            return sql_err_at(err, loc);
        break;
    }
    default:
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "this constant is not supported yet");
        return sql_err_at(err, loc);
    }
    *out = e;
    return 0;
}

static int analyze_variadic(sql_analyze_ctx_t *ac, sql_scope_t *sc, sql_node_tag_t tag,
                            PgQuery__Node **ns, size_t n, const char *what, int loc,
                            sql_expr_t **out, orb_err_t *err) {
    sql_expr_t *e = sql_expr_make(ac->mcx, tag);
    e->location = loc;
    if (analyze_list(ac, sc, ns, n, &e->args, err) != 0) return -1;
    e->nargs = (int)n;
    uint32_t t;
    if (sql_common_type(ac, e->args, e->nargs, what, &t, err) != 0) return -1;
    if (coerce_all(ac, e->args, e->nargs, t, err) != 0) return -1;
    e->type = t;
    if (tag == SQL_T_GREATEST || tag == SQL_T_LEAST) {
        const sql_builtin_t *fn;
        uint32_t lc, rc;
        if (sql_oper_resolve("<", t, t, &fn, &lc, &rc, err) != 0) return sql_err_at(err, loc);
    }
    *out = e;
    return 0;
}

int sql_expr_analyze(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__Node *n, sql_expr_t **out,
                     orb_err_t *err) {
    if (!n) return orb_err_set(err, INTERNAL_ERROR, "missing expression");
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return analyze_const(ac, n->a_const, out, err);
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        return analyze_colref(ac, sc, n->column_ref, out, err);
    case PG_QUERY__NODE__NODE_PARAM_REF: {
        int num = n->param_ref->number;
        if (num < 1 || num > 65535) {
            orb_err_set(err, UNDEFINED_PARAMETER, "there is no parameter $%d", num);
            return sql_err_at(err, n->param_ref->location);
        }
        if (num > ac->nparams) {
            if (num > ac->param_cap) {
                int nc = num < 16 ? 16 : num * 2;
                ac->param_types = orb_realloc(ac->mcx, ac->param_types,
                                              sizeof(uint32_t) * (size_t)ac->param_cap,
                                              sizeof(uint32_t) * (size_t)nc);
                memset(ac->param_types + ac->param_cap, 0,
                       sizeof(uint32_t) * (size_t)(nc - ac->param_cap));
                ac->param_cap = nc;
            }
            ac->nparams = num;
        }
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, PARAM);
        e->index = num - 1;
        e->type = ac->param_types[num - 1] ? ac->param_types[num - 1] : SQL_OID_UNKNOWN;
        e->location = n->param_ref->location;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_EXPR:
        return analyze_aexpr(ac, sc, n->a_expr, out, err);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        PgQuery__BoolExpr *b = n->bool_expr;
        sql_node_tag_t tag = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? SQL_T_AND
                             : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? SQL_T_OR
                                                                              : SQL_T_NOT;
        const char *what = tag == SQL_T_AND ? "AND" : tag == SQL_T_OR ? "OR" : "NOT";
        sql_expr_t *e = sql_expr_make(ac->mcx, tag);
        e->type = SQL_OID_BOOL;
        e->location = b->location;
        if (analyze_list(ac, sc, b->args, b->n_args, &e->args, err) != 0) return -1;
        e->nargs = (int)b->n_args;
        for (int i = 0; i < e->nargs; i++)
            if (coerce_bool(ac, &e->args[i], what, err) != 0) return -1;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_NULL_TEST: {
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, NULLTEST);
        e->type = SQL_OID_BOOL;
        e->flag = n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
        e->nargs = 1;
        e->args = args_alloc(ac->mcx, 1);
        if (sql_expr_analyze(ac, sc, n->null_test->arg, &e->args[0], err) != 0) return -1;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, BOOLTEST);
        e->type = SQL_OID_BOOL;
        e->flag = n->boolean_test->booltesttype;
        e->nargs = 1;
        e->args = args_alloc(ac->mcx, 1);
        if (sql_expr_analyze(ac, sc, n->boolean_test->arg, &e->args[0], err) != 0) return -1;
        if (coerce_bool(ac, &e->args[0], "IS TRUE", err) != 0) return -1;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        sql_expr_t *arg;
        if (n->type_cast->arg && n->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR &&
            n->type_cast->arg->a_array_expr->n_elements == 0) {
            /* ARRAY[]::t[]: the cast gives the empty array its type */
            uint32_t oid;
            int32_t typmod;
            if (sql_expr_resolve_type(ac, n->type_cast->type_name, &oid, &typmod, err) != 0) return -1;
            if (!sql_type_is_array(oid)) {
                orb_err_set(err, CANNOT_COERCE, "cannot cast type %s to %s", "unknown[]", tname(ac->mcx, oid));
                return sql_err_at(err, n->type_cast->location);
            }
            sql_expr_t *c = make_const(ac->mcx, oid, n->type_cast->location);
            if (sql_array_build(sql_array_elem_of(oid), NULL, 0, ac->mcx, &c->val, err) != 0) return -1;
            *out = c;
            return 0;
        }
        if (sql_expr_analyze(ac, sc, n->type_cast->arg, &arg, err) != 0) return -1;
        uint32_t oid;
        int32_t typmod;
        if (sql_expr_resolve_type(ac, n->type_cast->type_name, &oid, &typmod, err) != 0) return -1;
        if (arg->location < 0) arg->location = n->type_cast->location;
        if (sql_expr_coerce(ac, arg, oid, typmod, SQL_CAST_EXPLICIT, out, err) != 0) return -1;
        if (*out == arg && arg->tag != SQL_T_CONST) {
            /* same type: keep a node so the typmod is applied */
            if (typmod >= 0 && arg->typmod != typmod) {
                sql_expr_t *c = SQL_MAKE_NODE(ac->mcx, CAST);
                c->type = oid;
                c->typmod = typmod;
                c->flag = SQL_CAST_EXPLICIT;
                c->nargs = 1;
                c->args = args_alloc(ac->mcx, 1);
                c->args[0] = arg;
                *out = c;
            }
        }
        return 0;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return analyze_func(ac, sc, n->func_call, out, err);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: {
        /* Orbit compares strings bytewise (the C collation); "default", "C" and "POSIX" are
         * that collation, others are not available */
        PgQuery__CollateClause *cc = n->collate_clause;
        const char *coll = cc->n_collname ? sql_str_of(cc->collname[cc->n_collname - 1]) : NULL;
        if (!coll || (strcmp(coll, "default") != 0 && strcmp(coll, "C") != 0 &&
                      strcmp(coll, "POSIX") != 0 && strcmp(coll, "ucs_basic") != 0)) {
            orb_err_set(err, UNDEFINED_OBJECT, "collation \"%s\" for encoding \"UTF8\" does not exist",
                        coll ? coll : "");
            return sql_err_at(err, cc->location);
        }
        if (sql_expr_analyze(ac, sc, cc->arg, out, err) != 0) return -1;
        if ((*out)->type == SQL_OID_UNKNOWN)
            return sql_expr_coerce(ac, *out, SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, out, err);
        return 0;
    }
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return analyze_variadic(ac, sc, SQL_T_COALESCE, n->coalesce_expr->args,
                                n->coalesce_expr->n_args, "COALESCE", n->coalesce_expr->location,
                                out, err);
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
        bool greatest = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
        return analyze_variadic(ac, sc, greatest ? SQL_T_GREATEST : SQL_T_LEAST,
                                n->min_max_expr->args, n->min_max_expr->n_args,
                                greatest ? "GREATEST" : "LEAST", n->min_max_expr->location, out,
                                err);
    }
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
        PgQuery__CaseExpr *c = n->case_expr;
        sql_expr_t *arg = NULL;
        if (c->arg && sql_expr_analyze(ac, sc, c->arg, &arg, err) != 0) return -1;
        int nw = (int)c->n_args;
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, CASE);
        e->location = c->location;
        e->nargs = nw * 2 + (c->defresult ? 1 : 0);
        e->flag = c->defresult != NULL;
        e->args = args_alloc(ac->mcx, e->nargs);
        sql_expr_t **results = args_alloc(ac->mcx, nw + 1);
        int nres = 0;
        for (int i = 0; i < nw; i++) {
            PgQuery__CaseWhen *w = c->args[i]->case_when;
            sql_expr_t *cond, *res;
            if (sql_expr_analyze(ac, sc, w->expr, &cond, err) != 0) return -1;
            if (arg) {
                if (make_oper(ac, "=", arg, cond, w->location, &cond, err) != 0) return -1;
            }
            if (coerce_bool(ac, &cond, "CASE/WHEN", err) != 0) return -1;
            if (sql_expr_analyze(ac, sc, w->result, &res, err) != 0) return -1;
            e->args[2 * i] = cond;
            results[nres++] = res;
        }
        if (c->defresult) {
            if (sql_expr_analyze(ac, sc, c->defresult, &results[nres], err) != 0) return -1;
            nres++;
        }
        uint32_t t;
        if (sql_common_type(ac, results, nres, "CASE", &t, err) != 0) return -1;
        if (coerce_all(ac, results, nres, t, err) != 0) return -1;
        for (int i = 0; i < nw; i++) e->args[2 * i + 1] = results[i];
        if (c->defresult) e->args[2 * nw] = results[nw];
        e->type = t;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        PgQuery__SQLValueFunction *f = n->sqlvalue_function;
        int loc = f->location;
        switch (f->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
            *out = make_session(ac->mcx, SESS_NOW, SQL_OID_TIMESTAMPTZ, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
            *out = make_session(ac->mcx, SESS_NOW, SQL_OID_TIMESTAMP, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
            *out = make_session(ac->mcx, SESS_CURRENT_DATE, SQL_OID_DATE, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
            *out = make_session(ac->mcx, SESS_CURRENT_USER, SQL_OID_NAME, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER:
            *out = make_session(ac->mcx, SESS_SESSION_USER, SQL_OID_NAME, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
            *out = make_session(ac->mcx, SESS_CURRENT_DATABASE, SQL_OID_NAME, loc);
            return 0;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
            *out = make_session(ac->mcx, SESS_CURRENT_SCHEMA, SQL_OID_NAME, loc);
            return 0;
        default:
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "time without time zone is not supported yet");
            return sql_err_at(err, loc);
        }
    }
    case PG_QUERY__NODE__NODE_SUB_LINK:
        return analyze_sublink(ac, sc, n->sub_link, out, err);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC: {
        /* GROUPING(a, b): args are mapped to grouping expressions once GROUP BY is known */
        PgQuery__GroupingFunc *gf = n->grouping_func;
        if (!sc->allow_agg) {
            orb_err_set(err, GROUPING_ERROR, "grouping operations are not allowed in WHERE");
            return sql_err_at(err, gf->location);
        }
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, GROUPING);
        e->type = SQL_OID_INT4;
        e->location = gf->location;
        e->nargs = (int)gf->n_args;
        if (analyze_list(ac, sc, gf->args, gf->n_args, &e->args, err) != 0) return -1;
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: {
        PgQuery__AArrayExpr *ae = n->a_array_expr;
        sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, ARRAY);
        e->location = ae->location;
        e->nargs = (int)ae->n_elements;
        if (analyze_list(ac, sc, ae->elements, ae->n_elements, &e->args, err) != 0) return -1;
        for (int i = 0; i < e->nargs; i++) {
            if (SQL_IS_A(e->args[i], ARRAY) || sql_type_is_array(e->args[i]->type)) {
                orb_err_set(err, FEATURE_NOT_SUPPORTED, "multidimensional arrays are not supported yet");
                return sql_err_at(err, e->args[i]->location);
            }
        }
        if (e->nargs == 0) {
            orb_err_set(err, INDETERMINATE_DATATYPE, "cannot determine type of empty array");
            orb_err_hint(err, "Explicitly cast to the desired type, for example ARRAY[]::integer[].");
            return sql_err_at(err, ae->location);
        }
        uint32_t et;
        if (sql_common_type(ac, e->args, e->nargs, "ARRAY", &et, err) != 0) return -1;
        if (coerce_all(ac, e->args, e->nargs, et, err) != 0) return -1;
        e->type = sql_array_type_of(et);
        if (!e->type) {
            orb_err_set(err, UNDEFINED_OBJECT, "could not find array type for data type %s", tname(ac->mcx, et));
            return sql_err_at(err, ae->location);
        }
        e->index = (int)et; /* element type */
        *out = e;
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
        PgQuery__AIndirection *ai = n->a_indirection;
        sql_expr_t *base;
        if (sql_expr_analyze(ac, sc, ai->arg, &base, err) != 0) return -1;
        for (size_t i = 0; i < ai->n_indirection; i++) {
            PgQuery__Node *ind = ai->indirection[i];
            if (ind->node_case == PG_QUERY__NODE__NODE_STRING && base->type == SQL_OID_RECORD) {
                if (record_field(ac, base, ind->string->sval, &base, err) != 0) return -1;
                continue;
            }
            if (ind->node_case != PG_QUERY__NODE__NODE_A_INDICES || ind->a_indices->is_slice) {
                orb_err_set(err, FEATURE_NOT_SUPPORTED, "array slices and field selection are not supported yet");
                return sql_err_at(err, base->location);
            }
            if (!sql_type_is_array(base->type)) {
                orb_err_set(err, DATATYPE_MISMATCH, "cannot subscript type %s because it does not support subscripting",
                            tname(ac->mcx, base->type));
                return sql_err_at(err, base->location);
            }
            sql_expr_t *idx;
            if (sql_expr_analyze(ac, sc, ind->a_indices->uidx, &idx, err) != 0) return -1;
            if (sql_expr_coerce(ac, idx, SQL_OID_INT4, -1, SQL_CAST_IMPLICIT, &idx, err) != 0) return -1;
            sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, SUBSCRIPT);
            e->type = sql_array_elem_of(base->type);
            e->location = base->location;
            e->nargs = 2;
            e->args = args_alloc(ac->mcx, 2);
            e->args[0] = base;
            e->args[1] = idx;
            base = e;
        }
        *out = base;
        return 0;
    }
    case PG_QUERY__NODE__NODE_SET_TO_DEFAULT:
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "DEFAULT is not allowed in this context");
        return sql_err_at(err, n->set_to_default->location);
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "this kind of expression is not supported yet (node %d)",
                           (int)n->node_case);
    }
}

/* ---- evaluation ---------------------------------------------------------------------- */

static const char *const version_string =
    "PostgreSQL 15.0 (Orbit 0.1) on x86_64-pc-linux-gnu, compiled by gcc, 64-bit";

static void set_text(orb_mcx_t *mcx, sql_value_t *out, const char *s) {
    out->isnull = false;
    out->v.s.p = orb_strdup(mcx, s);
    out->v.s.n = (uint32_t)strlen(s);
}

static int eval_session(sql_eval_ctx_t *ec, const sql_expr_t *e, sql_value_t *out) {
    sql_session_t *s = ec->fn.session;
    out->isnull = false;
    switch (e->index) {
    case SESS_CURRENT_USER:
        set_text(ec->fn.mcx, out, s ? sql_session_user(s) : "postgres");
        return 0;
    case SESS_SESSION_USER:
        set_text(ec->fn.mcx, out, s ? sql_session_session_user(s) : "postgres");
        return 0;
    case SESS_CURRENT_DATABASE:
        set_text(ec->fn.mcx, out, s ? sql_session_database(s) : "postgres");
        return 0;
    case SESS_CURRENT_SCHEMA:
        set_text(ec->fn.mcx, out, "public");
        return 0;
    case SESS_VERSION:
        set_text(ec->fn.mcx, out, version_string);
        return 0;
    case SESS_NOW:
        out->v.i = ec->fn.txn_start_us;
        return 0;
    case SESS_STMT_TS:
        out->v.i = ec->fn.stmt_start_us;
        return 0;
    case SESS_CURRENT_DATE: {
        int64_t us = ec->fn.txn_start_us;
        int64_t days = us / 86400000000LL;
        if (us < 0 && us % 86400000000LL) days--;
        out->v.i = days;
        return 0;
    }
    case SESS_BACKEND_PID:
        out->v.i = ec->fn.session ? sql_session_pid(ec->fn.session) : 0;
        return 0;
    }
    out->isnull = true;
    return 0;
}

static int cmp_values(uint32_t type, const sql_value_t *a, const sql_value_t *b) {
    return sql_value_cmp(type, a, b);
}

static int eval_sublink(sql_eval_ctx_t *ec, const sql_expr_t *e, sql_value_t *out,
                        orb_err_t *err) {
    sql_result_t *res = e->correlated ? NULL : e->cache;
    sql_result_t local;
    if (!res) {
        /* an uncorrelated result lives as long as the statement (row memory may be reset
         * after each row); a correlated one only as long as this row */
        res = e->correlated ? &local : orb_alloc0(sql_exec_mcx(ec), sizeof *res);
        if (sql_exec_subquery(ec, e->sub, e->correlated, res, err) != 0) return -1;
        if (!e->correlated) ((sql_expr_t *)e)->cache = res; /* uncorrelated: run once */
    }
    out->isnull = false;
    switch ((sql_sublink_kind_t)e->flag) {
    case SQL_SUBLINK_EXISTS:
        out->v.b = res->nrows > 0;
        return 0;
    case SQL_SUBLINK_ARRAY: {
        orb_mcx_t *m = sql_exec_mcx(ec);
        sql_value_t *el = orb_alloc0(m, sizeof *el * (size_t)(res->nrows ? res->nrows : 1));
        for (int64_t r = 0; r < res->nrows; r++) el[r] = res->rows[r][0];
        return sql_array_build(sql_array_elem_of(e->type), el, (int)res->nrows, m, out, err);
    }
    case SQL_SUBLINK_EXPR:
        if (res->nrows > 1)
            return orb_err_set(err, CARDINALITY_VIOLATION,
                               "more than one row returned by a subquery used as an expression");
        if (res->nrows == 0) {
            out->isnull = true;
            return 0;
        }
        *out = res->rows[0][0];
        return 0;
    case SQL_SUBLINK_ANY:
    case SQL_SUBLINK_ALL: {
        bool any = e->flag == SQL_SUBLINK_ANY, saw_null = false;
        sql_value_t a[2];
        if (sql_expr_eval(ec, e->args[0], &a[0], err) != 0) return -1;
        for (int64_t r = 0; r < res->nrows; r++) {
            a[1] = res->rows[r][0];
            if (a[0].isnull || a[1].isnull) {
                saw_null = true;
                continue;
            }
            sql_value_t b;
            memset(&b, 0, sizeof b);
            if (e->fn->fn(&ec->fn, a, 2, &b, err) != 0) return -1;
            if (b.isnull) {
                saw_null = true;
                continue;
            }
            if (b.v.b == any) {
                out->v.b = any;
                return 0;
            }
        }
        if (saw_null) {
            out->isnull = true;
            return 0;
        }
        out->v.b = !any;
        return 0;
    }
    }
    return orb_err_set(err, INTERNAL_ERROR, "unknown subquery kind");
}

/* Three-valued AND (all = true) / OR (all = false) over a sequence of booleans, as for x op
 * ALL/ANY (array): a step is decisive once a non-NULL value differs from `all`; NULLs seen
 * make an undecided result NULL. */
static bool tv_decides(const sql_value_t *v, bool all, bool *saw_null) {
    if (v->isnull) {
        *saw_null = true;
        return false;
    }
    return v->v.b != all;
}

static int tv_result(sql_value_t *out, bool decided, bool all, bool saw_null) {
    out->isnull = !decided && saw_null;
    out->v.b = decided ? !all : all;
    return 0;
}

int sql_expr_eval(sql_eval_ctx_t *ec, const sql_expr_t *e, sql_value_t *out, orb_err_t *err) {
    switch (e->tag) {
    case SQL_T_CONST:
        *out = e->val;
        return 0;
    case SQL_T_COLUMN:
        *out = ec->row[e->index];
        return 0;
    case SQL_T_EXCLUDED:
        *out = ec->excluded[e->index];
        return 0;
    case SQL_T_PARAM:
        if (!ec->params) return orb_err_set(err, UNDEFINED_PARAMETER, "there is no parameter $%d", e->index + 1);
        *out = ec->params[e->index];
        return 0;
    case SQL_T_AGGREF:
        *out = ec->aggs[e->index];
        return 0;
    case SQL_T_OUTER:
        if (e->flag < 1 || e->flag > ec->nouter)
            return orb_err_set(err, INTERNAL_ERROR, "outer reference without its row");
        *out = ec->outer[ec->nouter - e->flag][e->index];
        return 0;
    case SQL_T_SUBLINK:
        return eval_sublink(ec, e, out, err);
    case SQL_T_WINDOW:
        if (!ec->wins) return orb_err_set(err, INTERNAL_ERROR, "window function outside a window");
        *out = ec->wins[e->index];
        return 0;
    case SQL_T_ARRAY: {
        sql_value_t *el = orb_alloc(ec->fn.mcx, sizeof *el * (size_t)(e->nargs + 1));
        for (int i = 0; i < e->nargs; i++)
            if (sql_expr_eval(ec, e->args[i], &el[i], err) != 0) return -1;
        return sql_array_build((uint32_t)e->index, el, e->nargs, ec->fn.mcx, out, err);
    }
    case SQL_T_SUBSCRIPT: {
        sql_value_t arr, idx;
        if (sql_expr_eval(ec, e->args[0], &arr, err) != 0) return -1;
        if (sql_expr_eval(ec, e->args[1], &idx, err) != 0) return -1;
        if (arr.isnull || idx.isnull || sql_array_get(0, &arr, (int)idx.v.i - 1, ec->fn.mcx, out) != 0)
            out->isnull = true;
        return 0;
    }
    case SQL_T_ANYARRAY: {
        sql_value_t a[2], arr;
        if (sql_expr_eval(ec, e->args[0], &a[0], err) != 0) return -1;
        if (sql_expr_eval(ec, e->args[1], &arr, err) != 0) return -1;
        if (arr.isnull) {
            out->isnull = true;
            return 0;
        }
        bool all = e->flag, saw_null = false;
        int n = sql_array_len(&arr);
        for (int i = 0; i < n; i++) {
            if (sql_array_get((uint32_t)e->index, &arr, i, ec->fn.mcx, &a[1]) != 0) a[1].isnull = true;
            if (a[0].isnull || a[1].isnull) {
                saw_null = true;
                continue;
            }
            sql_value_t b;
            memset(&b, 0, sizeof b);
            if (e->fn->fn(&ec->fn, a, 2, &b, err) != 0) return -1;
            if (tv_decides(&b, all, &saw_null)) return tv_result(out, true, all, saw_null);
        }
        return tv_result(out, false, all, saw_null);
    }
    case SQL_T_SRF:
        if (!ec->srf_vals) return orb_err_set(err, INTERNAL_ERROR, "set-returning function outside a select list");
        *out = ec->srf_vals[e->index];
        return 0;
    case SQL_T_GROUPREF:
        if (!ec->gkeys) return orb_err_set(err, INTERNAL_ERROR, "grouping reference outside a group");
        *out = ec->gkeys[e->index];
        return 0;
    case SQL_T_GROUPING: {
        int64_t bits = 0;
        for (int i = 0; i < e->nargs; i++)
            bits = (bits << 1) | ((ec->gmask >> e->args[i]->index) & 1 ? 0 : 1);
        out->isnull = false;
        out->v.i = bits;
        return 0;
    }
    case SQL_T_SESSION:
        return eval_session(ec, e, out);
    case SQL_T_FUNC: {
        sql_value_t args[64];
        sql_value_t *av = e->nargs <= 64 ? args : orb_alloc(ec->fn.mcx, sizeof *av * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) {
            if (sql_expr_eval(ec, e->args[i], &av[i], err) != 0) return -1;
            if (av[i].isnull && e->fn->strict) {
                out->isnull = true;
                return 0;
            }
        }
        memset(out, 0, sizeof *out);
        return e->fn->fn(&ec->fn, av, e->nargs, out, err);
    }
    case SQL_T_CAST: {
        sql_value_t v;
        if (sql_expr_eval(ec, e->args[0], &v, err) != 0) return -1;
        if (v.isnull) {
            out->isnull = true;
            return 0;
        }
        return sql_value_cast_ctx(e->args[0]->type, e->type, e->typmod, (sql_cast_ctx_t)e->flag, &v,
                                  ec->fn.mcx, out, err);
    }
    case SQL_T_AND:
    case SQL_T_OR: {
        bool is_and = e->tag == SQL_T_AND, saw_null = false;
        for (int i = 0; i < e->nargs; i++) {
            sql_value_t v;
            if (sql_expr_eval(ec, e->args[i], &v, err) != 0) return -1;
            if (tv_decides(&v, is_and, &saw_null)) return tv_result(out, true, is_and, saw_null);
        }
        return tv_result(out, false, is_and, saw_null);
    }
    case SQL_T_NOT: {
        sql_value_t v;
        if (sql_expr_eval(ec, e->args[0], &v, err) != 0) return -1;
        out->isnull = v.isnull;
        out->v.b = !v.isnull && !v.v.b;
        return 0;
    }
    case SQL_T_NULLTEST: {
        sql_value_t v;
        if (sql_expr_eval(ec, e->args[0], &v, err) != 0) return -1;
        out->isnull = false;
        out->v.b = e->flag ? !v.isnull : v.isnull;
        return 0;
    }
    case SQL_T_BOOLTEST: {
        sql_value_t v;
        if (sql_expr_eval(ec, e->args[0], &v, err) != 0) return -1;
        out->isnull = false;
        switch (e->flag) {
        case PG_QUERY__BOOL_TEST_TYPE__IS_TRUE: out->v.b = !v.isnull && v.v.b; break;
        case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_TRUE: out->v.b = v.isnull || !v.v.b; break;
        case PG_QUERY__BOOL_TEST_TYPE__IS_FALSE: out->v.b = !v.isnull && !v.v.b; break;
        case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_FALSE: out->v.b = v.isnull || v.v.b; break;
        case PG_QUERY__BOOL_TEST_TYPE__IS_UNKNOWN: out->v.b = v.isnull; break;
        default: out->v.b = !v.isnull; break;
        }
        return 0;
    }
    case SQL_T_CASE: {
        int nw = (e->nargs - (e->flag ? 1 : 0)) / 2;
        for (int i = 0; i < nw; i++) {
            bool b;
            if (sql_expr_eval_bool(ec, e->args[2 * i], &b, err) != 0) return -1;
            if (b) return sql_expr_eval(ec, e->args[2 * i + 1], out, err);
        }
        if (e->flag) return sql_expr_eval(ec, e->args[e->nargs - 1], out, err);
        out->isnull = true;
        return 0;
    }
    case SQL_T_COALESCE:
        for (int i = 0; i < e->nargs; i++) {
            if (sql_expr_eval(ec, e->args[i], out, err) != 0) return -1;
            if (!out->isnull) return 0;
        }
        out->isnull = true;
        return 0;
    case SQL_T_GREATEST:
    case SQL_T_LEAST: {
        bool have = false;
        for (int i = 0; i < e->nargs; i++) {
            sql_value_t v;
            if (sql_expr_eval(ec, e->args[i], &v, err) != 0) return -1;
            if (v.isnull) continue;
            if (!have) {
                *out = v;
                have = true;
                continue;
            }
            int c = cmp_values(e->type, &v, out);
            if ((e->tag == SQL_T_GREATEST && c > 0) || (e->tag == SQL_T_LEAST && c < 0)) *out = v;
        }
        if (!have) out->isnull = true;
        return 0;
    }
    case SQL_T_NULLIF:
    case SQL_T_DISTINCT: {
        sql_value_t a[2];
        if (sql_expr_eval(ec, e->args[0], &a[0], err) != 0) return -1;
        if (sql_expr_eval(ec, e->args[1], &a[1], err) != 0) return -1;
        bool eq;
        if (a[0].isnull || a[1].isnull) {
            eq = a[0].isnull && a[1].isnull;
        } else {
            sql_value_t r;
            memset(&r, 0, sizeof r);
            if (e->fn->fn(&ec->fn, a, 2, &r, err) != 0) return -1;
            eq = !r.isnull && r.v.b;
        }
        if (e->tag == SQL_T_NULLIF) {
            if (eq && !a[0].isnull)
                out->isnull = true;
            else
                *out = a[0];
            return 0;
        }
        out->isnull = false;
        out->v.b = e->flag ? eq : !eq;
        return 0;
    }
    }
    return orb_err_set(err, INTERNAL_ERROR, "unknown expression node %d", (int)e->tag);
}

int sql_expr_eval_bool(sql_eval_ctx_t *ec, const sql_expr_t *e, bool *out, orb_err_t *err) {
    sql_value_t v;
    if (sql_expr_eval(ec, e, &v, err) != 0) return -1;
    *out = !v.isnull && v.v.b;
    return 0;
}
