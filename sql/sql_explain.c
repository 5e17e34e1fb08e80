/* sql/sql_explain.c — EXPLAIN [ANALYZE]: the plan of an analyzed statement as indented text
 * lines: where rows come from (which shards, point lookup, key range or full scan, pushed-down
 * filters), joins and their algorithm, and what the coordinator does (aggregation, window
 * functions, DISTINCT, sort, limit). ANALYZE adds the rows and time each part produced.
 * Entry point: sql_explain. See README.md ("EXPLAIN"). */
#include "sql_int.h"

#include <stdio.h>
#include <string.h>

typedef struct plan_text {
    orb_mcx_t *mcx;
    sql_result_t *res;
    const sql_query_t *q; /* for column names */
    bool analyze;
    bool whole_rows;      /* orbit.vector_projection is off */
} plan_text_t;

static void line(plan_text_t *pt, int depth, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(plan_text_t *pt, int depth, const char *fmt, ...) {
    char buf[1024];
    int off = 0;
    if (depth > 0) off = snprintf(buf, sizeof buf, "%*s->  ", (depth - 1) * 6 + 2, "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + off, sizeof buf - (size_t)off, fmt, ap);
    va_end(ap);
    sql_value_t *row = orb_alloc0(pt->mcx, sizeof *row);
    row->v.s.p = orb_strdup(pt->mcx, buf);
    row->v.s.n = (uint32_t)strlen(buf);
    sql_rowset_t rs = {.rows = pt->res->rows, .n = pt->res->nrows, .cap = pt->res->cap};
    sql_rowset_add(&rs, pt->mcx, row);
    pt->res->rows = rs.rows;
    pt->res->nrows = rs.n;
    pt->res->cap = rs.cap;
}

static void detail(plan_text_t *pt, int depth, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void detail(plan_text_t *pt, int depth, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    line(pt, 0, "%*s%s", depth == 0 ? 2 : (depth - 1) * 6 + 8, "", buf);
}

/* ---- expressions as text ---------------------------------------------------------------- */

static void expr_text(plan_text_t *pt, const sql_query_t *q, const sql_expr_t *e, orb_buf_t *b);

static void column_name(const sql_query_t *q, int pos, orb_buf_t *b) {
    if (q->table && !q->nrtes) {
        if (pos < q->table->ncols) {
            orb_buf_puts(b, q->table->cols[pos].name);
            return;
        }
    }
    const sql_rte_t *r = sql_rte_of(q, pos);
    if (r) {
        if (r->alias[0]) orb_buf_printf(b, "%s.", r->alias);
        orb_buf_puts(b, r->names[pos - r->offset]);
        return;
    }
    orb_buf_printf(b, "$col%d", pos + 1);
}

static void expr_text(plan_text_t *pt, const sql_query_t *q, const sql_expr_t *e, orb_buf_t *b) {
    if (!e) return;
    switch (e->tag) {
    case SQL_T_CONST: {
        if (e->val.isnull) {
            orb_buf_puts(b, "NULL");
            return;
        }
        orb_err_t err;
        orb_buf_t v;
        orb_buf_init(&v);
        uint32_t t = e->type == SQL_OID_UNKNOWN ? SQL_OID_TEXT : e->type;
        if (sql_value_out(t, e->typmod, &e->val, &v, &err) == 0) {
            bool quote = t != SQL_OID_INT2 && t != SQL_OID_INT4 && t != SQL_OID_INT8 &&
                         t != SQL_OID_NUMERIC && t != SQL_OID_FLOAT4 && t != SQL_OID_FLOAT8 &&
                         t != SQL_OID_BOOL;
            if (quote) orb_buf_putc(b, '\'');
            orb_buf_append(b, v.data ? v.data : "", v.len);
            if (quote) orb_buf_putc(b, '\'');
        }
        orb_buf_free(&v);
        return;
    }
    case SQL_T_COLUMN: column_name(q, e->index, b); return;
    case SQL_T_PARAM: orb_buf_printf(b, "$%d", e->index + 1); return;
    case SQL_T_OUTER: orb_buf_printf(b, "outer.$col%d", e->index + 1); return;
    case SQL_T_AGGREF: orb_buf_printf(b, "agg%d", e->index + 1); return;
    case SQL_T_WINDOW: orb_buf_printf(b, "window%d", e->index + 1); return;
    case SQL_T_SUBLINK: orb_buf_puts(b, "(SubPlan)"); return;
    case SQL_T_CAST:
        orb_buf_putc(b, '(');
        expr_text(pt, q, e->args[0], b);
        orb_buf_printf(b, ")::%s", sql_type_format(e->type, e->typmod, pt->mcx));
        return;
    case SQL_T_FUNC:
        if (e->fn && e->nargs == 2 && !((e->fn->name[0] >= 'a' && e->fn->name[0] <= 'z'))) {
            orb_buf_putc(b, '(');
            expr_text(pt, q, e->args[0], b);
            orb_buf_printf(b, " %s ", e->fn->name);
            expr_text(pt, q, e->args[1], b);
            orb_buf_putc(b, ')');
            return;
        }
        orb_buf_printf(b, "%s(", e->fn ? e->fn->name : "?");
        for (int i = 0; i < e->nargs; i++) {
            if (i) orb_buf_puts(b, ", ");
            expr_text(pt, q, e->args[i], b);
        }
        orb_buf_putc(b, ')');
        return;
    case SQL_T_AND:
    case SQL_T_OR:
        orb_buf_putc(b, '(');
        for (int i = 0; i < e->nargs; i++) {
            if (i) orb_buf_puts(b, e->tag == SQL_T_AND ? " AND " : " OR ");
            expr_text(pt, q, e->args[i], b);
        }
        orb_buf_putc(b, ')');
        return;
    case SQL_T_NOT:
        orb_buf_puts(b, "NOT ");
        expr_text(pt, q, e->args[0], b);
        return;
    case SQL_T_NULLTEST:
        orb_buf_putc(b, '(');
        expr_text(pt, q, e->args[0], b);
        orb_buf_puts(b, e->flag ? " IS NOT NULL)" : " IS NULL)");
        return;
    default:
        orb_buf_puts(b, "...");
        return;
    }
}

static const char *etext(plan_text_t *pt, const sql_query_t *q, const sql_expr_t *e) {
    orb_buf_t b;
    orb_buf_init(&b);
    expr_text(pt, q, e, &b);
    const char *s = orb_strndup(pt->mcx, b.data ? b.data : "", b.len);
    orb_buf_free(&b);
    return s;
}

static const char *actual(plan_text_t *pt, int64_t rows, double ms) {
    if (!pt->analyze) return "";
    return orb_sprintf(pt->mcx, "  (actual rows=%lld time=%.3f ms)", (long long)rows, ms);
}

/* ---- plan nodes ----------------------------------------------------------------------------- */

static void explain_query(plan_text_t *pt, const sql_query_t *q, int depth);

static void explain_scan(plan_text_t *pt, const sql_query_t *q, const sql_table_t *t,
                         const sql_path_t *p, const sql_expr_t *filter, int depth, int64_t rows,
                         double ms) {
    const char *how = p->access == SQL_ACCESS_POINT   ? "Point Lookup"
                      : p->access == SQL_ACCESS_RANGE ? "Key Range Scan"
                      : p->access == SQL_ACCESS_UNIQUE ? "Unique Index Lookup"
                      : p->access == SQL_ACCESS_INDEX  ? "Index Scan"
                                                       : "Full Scan";
    if (p->access == SQL_ACCESS_VECTOR) {
        if (t->nshards == 1)
            line(pt, depth, "Shard Index Scan using %s on %s  (%s, 1 shard, its nearest rows)%s", p->index->name,
                 t->name, p->index->vec_method == 1 ? "hnsw" : "ivfflat", actual(pt, rows, ms));
        else
            line(pt, depth,
                 "Shard Index Scan using %s on %s  (%s, %u shards in parallel, each its nearest rows, merged by "
                 "distance)%s",
                 p->index->name, t->name, p->index->vec_method == 1 ? "hnsw" : "ivfflat", t->nshards,
                 actual(pt, rows, ms));
        orb_buf_t b;
        orb_buf_init(&b);
        orb_buf_printf(&b, "%s %s ", t->cols[p->index->cols[0]].name, sql_vindex_operator(p->index->vec_metric));
        expr_text(pt, q, p->vec_query, &b);
        line(pt, depth + 1, "Order By: (%s)", b.data);
        /* what the shards' replies carry (sql_vindex.c scan_columns) */
        orb_buf_reset(&b);
        for (int i = 0; p->vec_cols && !pt->whole_rows && i < t->ncols; i++)
            if (p->vec_cols[i]) orb_buf_printf(&b, "%s%s", b.len ? ", " : "", t->cols[i].name);
        detail(pt, depth, "Shard Columns: %s",
               !p->vec_cols || pt->whole_rows ? "(all)" : b.len ? b.data : "(none)");
        orb_buf_free(&b);
    } else if (p->access == SQL_ACCESS_POINT) {
        if (t->nshards == 1)
            line(pt, depth, "Shard %s on %s  (1 shard, primary key %s)%s", how, t->name, t->pk_name,
                 actual(pt, rows, ms));
        else
            line(pt, depth, "Shard %s on %s  (1 of %u shards, primary key %s)%s", how, t->name, t->nshards,
                 t->pk_name, actual(pt, rows, ms));
    } else if (p->access == SQL_ACCESS_UNIQUE) {
        line(pt, depth, "Shard %s using %s on %s  (index entry in 1 shard, then the row in its shard)%s",
             how, p->index->name, t->name, actual(pt, rows, ms));
    } else if (p->access == SQL_ACCESS_INDEX) {
        if (t->nshards == 1)
            line(pt, depth, "Shard %s%s using %s on %s  (1 shard, rows fetched in the shard%s)%s", how,
                 p->reverse ? " Backward" : "", p->index->name, t->name, p->ordered ? ", in index order" : "",
                 actual(pt, rows, ms));
        else
            line(pt, depth, "Shard %s%s using %s on %s  (%u shards in parallel, rows fetched in each shard%s)%s",
                 how, p->reverse ? " Backward" : "", p->index->name, t->name, t->nshards,
                 p->ordered ? ", merged in index order" : "", actual(pt, rows, ms));
    } else if (t->nshards == 1) {
        line(pt, depth, "Shard %s%s on %s  (1 shard%s)%s", how, p->reverse ? " Backward" : "", t->name,
             p->ordered ? ", in primary key order" : "", actual(pt, rows, ms));
    } else {
        line(pt, depth, "Shard %s%s on %s  (%u shards in parallel%s)%s", how,
             p->reverse ? " Backward" : "", t->name, t->nshards,
             p->ordered ? ", merged in primary key order" : "", actual(pt, rows, ms));
    }
    if (p->access != SQL_ACCESS_FULL && p->access != SQL_ACCESS_NONE && p->access != SQL_ACCESS_VECTOR &&
        (p->neq || p->lower || p->upper)) {
        const int *kcols = p->index ? p->index->cols : t->pk;
        orb_buf_t b;
        orb_buf_init(&b);
        for (int i = 0; i < p->neq; i++) {
            if (i) orb_buf_puts(&b, ", ");
            orb_buf_printf(&b, "%s = ", t->cols[kcols[i]].name);
            expr_text(pt, q, p->eq[i], &b);
        }
        if (p->lower || p->upper) {
            const char *col = t->cols[kcols[p->neq]].name;
            if (p->neq) orb_buf_puts(&b, ", ");
            if (p->lower) {
                orb_buf_printf(&b, "%s %s ", col, p->lower_incl ? ">=" : ">");
                expr_text(pt, q, p->lower, &b);
            }
            if (p->lower && p->upper) orb_buf_puts(&b, ", ");
            if (p->upper) {
                orb_buf_printf(&b, "%s %s ", col, p->upper_incl ? "<=" : "<");
                expr_text(pt, q, p->upper, &b);
            }
        }
        detail(pt, depth, "Key: %s", b.data ? b.data : "");
        orb_buf_free(&b);
    }
    if (filter) detail(pt, depth, "Filter: %s", etext(pt, q, filter));
}

static void explain_from(plan_text_t *pt, const sql_query_t *q, const sql_from_t *f, int depth) {
    switch (f->kind) {
    case SQL_FROM_TABLE:
        explain_scan(pt, q, q->rtes[f->rte].table, &f->path, f->filter, depth, f->act_rows, f->act_ms);
        return;
    case SQL_FROM_SUBQUERY:
        line(pt, depth, "%s on %s%s", f->cte ? "CTE Scan" : "Subquery Scan", q->rtes[f->rte].alias,
             actual(pt, f->act_rows, f->act_ms));
        if (!f->cte) explain_query(pt, f->sub, depth + 1);
        return;
    case SQL_FROM_WORKTABLE:
        line(pt, depth, "WorkTable Scan on %s%s", q->rtes[f->rte].alias, actual(pt, f->act_rows, f->act_ms));
        return;
    case SQL_FROM_VALUES:
        line(pt, depth, "Values Scan  (%d rows)%s", f->nvalues, actual(pt, f->act_rows, f->act_ms));
        return;
    case SQL_FROM_FUNCTION:
        line(pt, depth, "Function Scan on %s  (at the coordinator)%s", f->srf == 1 ? "unnest" : f->srf == 3 ? "pg_partition_ancestors" : "generate_series",
             actual(pt, f->act_rows, f->act_ms));
        return;
    case SQL_FROM_JOIN: {
        static const char *const types[] = {"Inner", "Left", "Right", "Full"};
        bool hash = false;
        /* the executor hashes when an equality links the two sides */
        if (f->quals) {
            const sql_expr_t *e = f->quals;
            const sql_expr_t *stack[64];
            int n = 0;
            stack[n++] = e;
            while (n > 0 && !hash) {
                const sql_expr_t *x = stack[--n];
                if (SQL_IS_A(x, AND)) {
                    for (int i = 0; i < x->nargs && n < 64; i++) stack[n++] = x->args[i];
                } else if (SQL_IS_A(x, FUNC) && x->nargs == 2 && strcmp(x->fn->name, "=") == 0 &&
                           x->args[0]->type == x->args[1]->type) {
                    hash = true;
                }
            }
        }
        const sql_from_t *inner = sql_from_index_nl_inner(pt->mcx, q, f);
        if (inner) {
            line(pt, depth, "Nested Loop %s Join  (primary-key lookups on %s per %s row, batched per shard; %s above 4096 outer rows)%s",
                 types[f->jointype], q->rtes[inner->rte].table->name,
                 inner == f->right ? "outer" : "right-side", hash ? "hash join" : "nested loop",
                 actual(pt, f->act_rows, f->act_ms));
        } else {
            line(pt, depth, "%s %s Join  (at the coordinator)%s", hash ? "Hash" : "Nested Loop",
                 types[f->jointype], actual(pt, f->act_rows, f->act_ms));
        }
        if (f->quals) detail(pt, depth, "Join Filter: %s", etext(pt, q, f->quals));
        explain_from(pt, q, f->left, depth + 1);
        explain_from(pt, q, f->right, depth + 1);
        return;
    }
    }
}

static void explain_query(plan_text_t *pt, const sql_query_t *q, int depth) {
    const sql_query_t *saved = pt->q;
    pt->q = q;
    if (q->kind == SQL_STMT_INSERT) {
        line(pt, depth, "Insert on %s  (rows routed to %u shards, written in parallel)%s", q->table->name,
             q->table->nshards, actual(pt, q->act_rows, q->act_ms));
        if (q->insert_src) explain_query(pt, q->insert_src, depth + 1);
        else line(pt, depth + 1, "Values  (%d rows)", q->nrows);
        pt->q = saved;
        return;
    }
    if (q->kind == SQL_STMT_UPDATE || q->kind == SQL_STMT_DELETE) {
        line(pt, depth, "%s on %s%s", q->kind == SQL_STMT_UPDATE ? "Update" : "Delete", q->table->name,
             actual(pt, q->act_rows, q->act_ms));
        explain_scan(pt, q, q->table, &q->path, q->where, depth + 1, q->act_scan_rows, q->act_scan_ms);
        pt->q = saved;
        return;
    }
    if (q->limit || q->offset) {
        line(pt, depth, "Limit%s", actual(pt, q->act_rows, q->act_ms));
        depth++;
    }
    if (q->nsort && !(q->table && q->path.ordered)) {
        orb_buf_t b;
        orb_buf_init(&b);
        for (int i = 0; i < q->nsort; i++) {
            if (i) orb_buf_puts(&b, ", ");
            expr_text(pt, q, q->targets[q->sort[i].target].expr, &b);
            if (q->sort[i].desc) orb_buf_puts(&b, " DESC");
        }
        line(pt, depth, "Sort  (at the coordinator)");
        detail(pt, depth, "Sort Key: %s", b.data ? b.data : "");
        orb_buf_free(&b);
        depth++;
    }
    if (q->distinct) {
        line(pt, depth, "HashAggregate  (DISTINCT, at the coordinator)");
        depth++;
    }
    if (q->nwins) {
        line(pt, depth, "WindowAgg  (%d window functions, at the coordinator)", q->nwins);
        depth++;
    }
    if (q->has_agg) {
        if (q->ngroup) {
            line(pt, depth, "%sHashAggregate  (at the coordinator)%s", q->agg_pushed ? "Finalize " : "",
                 pt->analyze ? orb_sprintf(pt->mcx, "  (actual groups=%lld)", (long long)q->act_groups) : "");
            orb_buf_t b;
            orb_buf_init(&b);
            for (int i = 0; i < q->ngroup; i++) {
                if (i) orb_buf_puts(&b, ", ");
                expr_text(pt, q, q->group[i], &b);
            }
            detail(pt, depth, "Group Key: %s%s", b.data ? b.data : "", q->ngsets ? " (grouping sets)" : "");
            orb_buf_free(&b);
        } else {
            line(pt, depth, "%sAggregate  (at the coordinator)", q->agg_pushed ? "Finalize " : "");
        }
        if (q->having) detail(pt, depth, "Filter: %s", etext(pt, q, q->having));
        depth++;
        if (q->agg_pushed) {
            line(pt, depth, "Partial %sAggregate  (in each shard: one row per group returned)%s",
                 q->ngroup ? "Hash" : "",
                 pt->analyze ? orb_sprintf(pt->mcx, "  (actual partial rows=%lld)", (long long)q->act_partial_rows) : "");
            depth++;
        }
    }
    if (q->setop) {
        static const char *const ops[] = {"", "Union", "Intersect", "Except"};
        if (q->setop == SQL_SETOP_UNION && q->setop_all)
            line(pt, depth, "Append  (at the coordinator)");
        else
            line(pt, depth, "HashSetOp %s%s  (at the coordinator)", ops[q->setop], q->setop_all ? " All" : "");
        explain_query(pt, q->larg, depth + 1);
        explain_query(pt, q->rarg, depth + 1);
    } else if (q->from) {
        if (q->where) {
            line(pt, depth, "Filter  (at the coordinator)");
            detail(pt, depth, "Filter: %s", etext(pt, q, q->where));
            depth++;
        }
        explain_from(pt, q, q->from, depth);
    } else if (q->table) {
        explain_scan(pt, q, q->table, &q->path, q->agg_pushed ? NULL : q->where, depth, q->act_scan_rows,
                     q->act_scan_ms);
    } else {
        line(pt, depth, "Result%s", actual(pt, q->act_rows, q->act_ms));
    }
    pt->q = saved;
}

int sql_explain(sql_exec_ctx_t *xc, sql_query_t *q, bool analyze, double exec_ms,
                sql_result_t *res, orb_err_t *err) {
    (void)err;
    const char *proj = sql_session_setting(xc->sess, "orbit.vector_projection");
    plan_text_t pt = {.mcx = xc->mcx, .res = res, .q = q, .analyze = analyze,
                      .whole_rows = proj && strcmp(proj, "off") == 0};
    memset(res, 0, sizeof *res);
    res->ncols = 1;
    res->cols = orb_alloc0(xc->mcx, sizeof(sql_column_t));
    res->cols[0].name = "QUERY PLAN";
    res->cols[0].type_oid = SQL_OID_TEXT;
    res->cols[0].typlen = -1;
    res->cols[0].typmod = -1;
    explain_query(&pt, q, 0);
    if (analyze) line(&pt, 0, "Execution Time: %.3f ms", exec_ms);
    snprintf(res->tag, sizeof res->tag, "EXPLAIN");
    return 0;
}
