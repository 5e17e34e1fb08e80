/* sql/sql_window.c — window functions: analysis of f(...) OVER (PARTITION BY ... ORDER BY ...
 * frame) including named windows, and their computation over the rows a SELECT produced
 * after WHERE, GROUP BY and HAVING (row_number, rank, dense_rank, percent_rank, cume_dist,
 * ntile, lag, lead, first_value, last_value, nth_value, and aggregates with ROWS or RANGE
 * frames). Entry points: sql_window_analyze, sql_window_compute. See README.md. */
#include "sql_shard.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    sql_win_kind_t kind;
    int minargs, maxargs;
} win_fns[] = {
    {"row_number", SQL_WIN_ROW_NUMBER, 0, 0}, {"rank", SQL_WIN_RANK, 0, 0},
    {"dense_rank", SQL_WIN_DENSE_RANK, 0, 0}, {"percent_rank", SQL_WIN_PERCENT_RANK, 0, 0},
    {"cume_dist", SQL_WIN_CUME_DIST, 0, 0},   {"ntile", SQL_WIN_NTILE, 1, 1},
    {"lag", SQL_WIN_LAG, 1, 3},               {"lead", SQL_WIN_LEAD, 1, 3},
    {"first_value", SQL_WIN_FIRST_VALUE, 1, 1}, {"last_value", SQL_WIN_LAST_VALUE, 1, 1},
    {"nth_value", SQL_WIN_NTH_VALUE, 2, 2},
};

static PgQuery__WindowDef *find_windef(sql_scope_t *sc, const char *name) {
    for (int i = 0; i < sc->nwindefs; i++) {
        PgQuery__WindowDef *w = sc->windefs[i]->window_def;
        if (w->name && strcmp(w->name, name) == 0) return w;
    }
    return NULL;
}

int sql_window_analyze(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                       sql_expr_t **args, int nargs, sql_expr_t **out, orb_err_t *err) {
    const char *name = sql_str_of(f->funcname[f->n_funcname - 1]);
    int loc = f->location;
    if (!sc->allow_win) {
        orb_err_set(err, WINDOWING_ERROR, "window functions are not allowed in %s",
                    sc->allow_agg ? "this context" : "WHERE");
        return sql_err_at(err, loc);
    }
    for (int i = 0; i < nargs; i++) {
        /* no window function inside another */
        sql_expr_t *a = args[i];
        if (a && a->tag == SQL_T_WINDOW) {
            orb_err_set(err, WINDOWING_ERROR, "window function calls cannot be nested");
            return sql_err_at(err, a->location);
        }
    }
    sql_win_call_t w;
    memset(&w, 0, sizeof w);
    for (size_t i = 0; i < sizeof win_fns / sizeof win_fns[0]; i++) {
        if (strcmp(win_fns[i].name, name) != 0) continue;
        if (nargs < win_fns[i].minargs || nargs > win_fns[i].maxargs || f->agg_star) {
            orb_err_set(err, UNDEFINED_FUNCTION, "function %s with %d arguments does not exist",
                        name, nargs);
            return sql_err_at(err, loc);
        }
        w.kind = win_fns[i].kind;
    }
    w.nargs = nargs;
    w.args = args;
    if (w.kind == 0) {
        /* an aggregate used as a window function */
        uint32_t types[SQL_FN_MAXARGS] = {0}, casts[SQL_FN_MAXARGS] = {0}, rt;
        for (int i = 0; i < nargs && i < SQL_FN_MAXARGS; i++) types[i] = args[i]->type;
        if (nargs > SQL_FN_MAXARGS ||
            sql_agg_resolve(name, f->agg_star ? 0 : nargs, types, &w.agg, casts, &rt, err) != 0) {
            orb_err_set(err, UNDEFINED_FUNCTION, "window function %s does not exist", name);
            return sql_err_at(err, loc);
        }
        if (f->agg_distinct) {
            orb_err_set(err, FEATURE_NOT_SUPPORTED, "DISTINCT is not implemented for window functions");
            return sql_err_at(err, loc);
        }
        w.kind = SQL_WIN_AGG;
        w.type = rt;
        if (f->agg_star) w.nargs = 0;
        for (int i = 0; i < w.nargs; i++)
            if (sql_expr_coerce(ac, args[i], casts[i] ? casts[i] : args[i]->type, -1,
                                SQL_CAST_IMPLICIT, &w.args[i], err) != 0)
                return -1;
        w.argtype = w.nargs ? w.args[0]->type : 0;
    } else {
        switch (w.kind) {
        case SQL_WIN_ROW_NUMBER:
        case SQL_WIN_RANK:
        case SQL_WIN_DENSE_RANK: w.type = SQL_OID_INT8; break;
        case SQL_WIN_PERCENT_RANK:
        case SQL_WIN_CUME_DIST: w.type = SQL_OID_FLOAT8; break;
        case SQL_WIN_NTILE:
            w.type = SQL_OID_INT4;
            if (sql_expr_coerce(ac, args[0], SQL_OID_INT4, -1, SQL_CAST_IMPLICIT, &w.args[0], err) != 0)
                return -1;
            break;
        default:
            w.type = args[0]->type == SQL_OID_UNKNOWN ? SQL_OID_TEXT : args[0]->type;
            if (sql_expr_coerce(ac, args[0], w.type, -1, SQL_CAST_IMPLICIT, &w.args[0], err) != 0)
                return -1;
            if ((w.kind == SQL_WIN_LAG || w.kind == SQL_WIN_LEAD) && nargs >= 2 &&
                sql_expr_coerce(ac, args[1], SQL_OID_INT4, -1, SQL_CAST_IMPLICIT, &w.args[1], err) != 0)
                return -1;
            if ((w.kind == SQL_WIN_LAG || w.kind == SQL_WIN_LEAD) && nargs == 3 &&
                sql_expr_coerce(ac, args[2], w.type, -1, SQL_CAST_IMPLICIT, &w.args[2], err) != 0)
                return -1;
            if (w.kind == SQL_WIN_NTH_VALUE &&
                sql_expr_coerce(ac, args[1], SQL_OID_INT4, -1, SQL_CAST_IMPLICIT, &w.args[1], err) != 0)
                return -1;
            break;
        }
    }
    /* the window: inline, or named in the WINDOW clause (possibly extended) */
    PgQuery__WindowDef *def = f->over;
    PgQuery__WindowDef *base = NULL;
    if (def->name && def->name[0]) {
        base = find_windef(sc, def->name);
        if (!base) {
            orb_err_set(err, UNDEFINED_OBJECT, "window \"%s\" does not exist", def->name);
            return sql_err_at(err, def->location >= 0 ? def->location : loc);
        }
        def = base;
    } else if (def->refname && def->refname[0]) {
        base = find_windef(sc, def->refname);
        if (!base) {
            orb_err_set(err, UNDEFINED_OBJECT, "window \"%s\" does not exist", def->refname);
            return sql_err_at(err, def->location);
        }
    }
    PgQuery__WindowDef *pdef = base ? base : def;
    PgQuery__WindowDef *odef = def->n_order_clause ? def : (base ? base : def);
    PgQuery__WindowDef *fdef = (def->frame_options & SQL_FRAME_NONDEFAULT) ? def : (base ? base : def);
    sql_scope_t wsc = *sc;
    wsc.allow_win = false;
    w.npart = (int)pdef->n_partition_clause;
    w.part = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(w.npart + 1));
    for (int i = 0; i < w.npart; i++)
        if (sql_expr_analyze(ac, &wsc, pdef->partition_clause[i], &w.part[i], err) != 0) return -1;
    w.norder = (int)odef->n_order_clause;
    w.order = orb_alloc0(ac->mcx, sizeof(sql_expr_t *) * (size_t)(w.norder + 1));
    w.desc = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(w.norder + 1));
    w.nulls_first = orb_alloc0(ac->mcx, sizeof(bool) * (size_t)(w.norder + 1));
    for (int i = 0; i < w.norder; i++) {
        PgQuery__SortBy *sb = odef->order_clause[i]->sort_by;
        /* aggregates found here belong to the query (window over grouped rows) */
        if (sql_expr_analyze(ac, &wsc, sb->node, &w.order[i], err) != 0) return -1;
        if (w.order[i]->type == SQL_OID_UNKNOWN &&
            sql_expr_coerce(ac, w.order[i], SQL_OID_TEXT, -1, SQL_CAST_IMPLICIT, &w.order[i], err) != 0)
            return -1;
        w.desc[i] = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        w.nulls_first[i] = (sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT ||
                            sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORT_BY_NULLS_UNDEFINED)
                               ? w.desc[i]
                               : sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST;
    }
    sc->aggs = wsc.aggs;
    sc->naggs = wsc.naggs;
    sc->aggcap = wsc.aggcap;
    w.frame = fdef->frame_options;
    if (!(w.frame & SQL_FRAME_NONDEFAULT))
        w.frame = SQL_FRAME_RANGE | SQL_FRAME_START_UNBOUNDED_PRECEDING | SQL_FRAME_END_CURRENT_ROW;
    if (w.frame & (SQL_FRAME_GROUPS | SQL_FRAME_EXCLUSIONS)) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "GROUPS frames and frame exclusions are not supported yet");
        return sql_err_at(err, loc);
    }
    if ((w.frame & SQL_FRAME_RANGE) &&
        (w.frame & (SQL_FRAME_START_OFFSET_PRECEDING | SQL_FRAME_START_OFFSET_FOLLOWING |
                    SQL_FRAME_END_OFFSET_PRECEDING | SQL_FRAME_END_OFFSET_FOLLOWING))) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "RANGE frames with offsets are not supported yet");
        return sql_err_at(err, loc);
    }
    sql_scope_t osc = {.parent = sc->parent, .level_corr = sc->level_corr};
    if (fdef->start_offset) {
        if (sql_expr_analyze(ac, &osc, fdef->start_offset, &w.start_off, err) != 0) return -1;
        if (sql_expr_coerce(ac, w.start_off, SQL_OID_INT8, -1, SQL_CAST_IMPLICIT, &w.start_off, err) != 0) return -1;
    }
    if (fdef->end_offset) {
        if (sql_expr_analyze(ac, &osc, fdef->end_offset, &w.end_off, err) != 0) return -1;
        if (sql_expr_coerce(ac, w.end_off, SQL_OID_INT8, -1, SQL_CAST_IMPLICIT, &w.end_off, err) != 0) return -1;
    }
    if (sc->nwins == sc->wincap) {
        int nc = sc->wincap ? sc->wincap * 2 : 4;
        sc->wins = orb_realloc(ac->mcx, sc->wins, sizeof *sc->wins * (size_t)sc->wincap,
                               sizeof *sc->wins * (size_t)nc);
        sc->wincap = nc;
    }
    sc->wins[sc->nwins] = w;
    sql_expr_t *e = SQL_MAKE_NODE(ac->mcx, WINDOW);
    e->index = sc->nwins++;
    e->type = w.type;
    e->location = loc;
    *out = e;
    return 0;
}

/* ---- computation --------------------------------------------------------------------------- */

typedef struct wrow {
    int64_t idx;        /* index into the pre-rows */
    sql_value_t *part;  /* partition key values */
    sql_value_t *ord;   /* order key values */
} wrow_t;

static _Thread_local const sql_win_call_t *cur_win;

static int cmp_vals(uint32_t type, const sql_value_t *a, const sql_value_t *b, bool desc,
                    bool nulls_first) {
    if (a->isnull || b->isnull) {
        if (a->isnull && b->isnull) return 0;
        return a->isnull ? (nulls_first ? -1 : 1) : (nulls_first ? 1 : -1);
    }
    int c = sql_value_cmp(type, a, b);
    return desc ? -c : c;
}

static int cmp_part(const wrow_t *a, const wrow_t *b) {
    const sql_win_call_t *w = cur_win;
    for (int i = 0; i < w->npart; i++) {
        int c = cmp_vals(w->part[i]->type, &a->part[i], &b->part[i], false, false);
        if (c) return c;
    }
    return 0;
}

static int cmp_ord(const wrow_t *a, const wrow_t *b) {
    const sql_win_call_t *w = cur_win;
    for (int i = 0; i < w->norder; i++) {
        int c = cmp_vals(w->order[i]->type, &a->ord[i], &b->ord[i], w->desc[i], w->nulls_first[i]);
        if (c) return c;
    }
    return 0;
}

static int cmp_wrow(const void *pa, const void *pb) {
    const wrow_t *a = pa, *b = pb;
    int c = cmp_part(a, b);
    if (c) return c;
    c = cmp_ord(a, b);
    if (c) return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx; /* stable */
}

static int eval_at(sql_exec_ctx_t *xc, const sql_prerow_t *rows, int64_t i, sql_expr_t *e,
                   sql_value_t *out, orb_err_t *err) {
    sql_eval_ctx_t ec = sql_eval_ctx(xc, rows[i].row);
    ec.aggs = rows[i].aggs;
    return sql_expr_eval(&ec, e, out, err);
}

static int64_t eval_offset(sql_exec_ctx_t *xc, const sql_prerow_t *rows, int64_t i,
                           sql_expr_t *e, orb_err_t *err, bool *bad) {
    sql_value_t v;
    *bad = false;
    if (eval_at(xc, rows, i, e, &v, err) != 0) {
        *bad = true;
        return 0;
    }
    if (v.isnull) {
        orb_err_set(err, NULL_VALUE_NOT_ALLOWED, "frame starting offset must not be null");
        *bad = true;
        return 0;
    }
    if (v.v.i < 0) {
        orb_err_set(err, INVALID_PRECEDING_OR_FOLLOWING_SIZE, "frame starting offset must not be negative");
        *bad = true;
        return 0;
    }
    return v.v.i;
}

/* Computes window call k for one partition p[0..n) (sorted). */
static int compute_partition(sql_exec_ctx_t *xc, const sql_win_call_t *w, int k,
                             sql_prerow_t *rows, wrow_t *p, int64_t n, orb_err_t *err) {
    /* peer groups: rows equal on the ORDER BY keys */
    int64_t *peer_start = orb_alloc(xc->mcx, sizeof(int64_t) * (size_t)(n + 1));
    int64_t *peer_end = orb_alloc(xc->mcx, sizeof(int64_t) * (size_t)(n + 1));
    for (int64_t i = 0; i < n;) {
        int64_t j = i + 1;
        while (j < n && cmp_ord(&p[i], &p[j]) == 0) j++;
        for (int64_t m = i; m < j; m++) {
            peer_start[m] = i;
            peer_end[m] = j;
        }
        i = j;
    }
    int64_t dense = 0;
    for (int64_t i = 0; i < n; i++) {
        sql_value_t *out = &rows[p[i].idx].wins[k];
        memset(out, 0, sizeof *out);
        if (i == peer_start[i]) dense++;
        switch (w->kind) {
        case SQL_WIN_ROW_NUMBER: out->v.i = i + 1; continue;
        case SQL_WIN_RANK: out->v.i = peer_start[i] + 1; continue;
        case SQL_WIN_DENSE_RANK: out->v.i = dense; continue;
        case SQL_WIN_PERCENT_RANK: out->v.f = n > 1 ? (double)peer_start[i] / (double)(n - 1) : 0; continue;
        case SQL_WIN_CUME_DIST: out->v.f = (double)peer_end[i] / (double)n; continue;
        case SQL_WIN_NTILE: {
            sql_value_t b;
            if (eval_at(xc, rows, p[i].idx, w->args[0], &b, err) != 0) return -1;
            if (b.isnull) {
                out->isnull = true;
                continue;
            }
            if (b.v.i <= 0)
                return orb_err_set(err, INVALID_ARGUMENT_FOR_NTILE, "argument of ntile must be greater than zero");
            int64_t buckets = b.v.i, per = n / buckets, extra = n % buckets;
            /* the first `extra` buckets hold one more row */
            int64_t big = extra * (per + 1);
            out->v.i = i < big ? i / (per + 1) + 1 : (per ? extra + (i - big) / per + 1 : i + 1);
            continue;
        }
        case SQL_WIN_LAG:
        case SQL_WIN_LEAD: {
            int64_t off = 1;
            if (w->nargs >= 2) {
                sql_value_t o;
                if (eval_at(xc, rows, p[i].idx, w->args[1], &o, err) != 0) return -1;
                if (o.isnull) {
                    out->isnull = true;
                    continue;
                }
                off = o.v.i;
            }
            int64_t j = w->kind == SQL_WIN_LAG ? i - off : i + off;
            if (j >= 0 && j < n) {
                if (eval_at(xc, rows, p[j].idx, w->args[0], out, err) != 0) return -1;
            } else if (w->nargs == 3) {
                if (eval_at(xc, rows, p[i].idx, w->args[2], out, err) != 0) return -1;
            } else {
                out->isnull = true;
            }
            continue;
        }
        default:
            break;
        }
        /* frame-based: [fs, fe) */
        int64_t fs = 0, fe = n;
        bool rows_mode = (w->frame & SQL_FRAME_ROWS) != 0;
        bool bad;
        if (w->frame & SQL_FRAME_START_CURRENT_ROW) fs = rows_mode ? i : peer_start[i];
        else if (w->frame & SQL_FRAME_START_OFFSET_PRECEDING) {
            fs = i - eval_offset(xc, rows, p[i].idx, w->start_off, err, &bad);
            if (bad) return -1;
        } else if (w->frame & SQL_FRAME_START_OFFSET_FOLLOWING) {
            fs = i + eval_offset(xc, rows, p[i].idx, w->start_off, err, &bad);
            if (bad) return -1;
        }
        if (w->frame & SQL_FRAME_END_UNBOUNDED_FOLLOWING) fe = n;
        else if (w->frame & SQL_FRAME_END_CURRENT_ROW) fe = rows_mode ? i + 1 : peer_end[i];
        else if (w->frame & SQL_FRAME_END_OFFSET_PRECEDING) {
            fe = i - eval_offset(xc, rows, p[i].idx, w->end_off, err, &bad) + 1;
            if (bad) return -1;
        } else if (w->frame & SQL_FRAME_END_OFFSET_FOLLOWING) {
            fe = i + eval_offset(xc, rows, p[i].idx, w->end_off, err, &bad) + 1;
            if (bad) return -1;
        }
        if (fs < 0) fs = 0;
        if (fe > n) fe = n;
        switch (w->kind) {
        case SQL_WIN_FIRST_VALUE:
        case SQL_WIN_LAST_VALUE:
        case SQL_WIN_NTH_VALUE: {
            int64_t j;
            if (w->kind == SQL_WIN_NTH_VALUE) {
                sql_value_t nv;
                if (eval_at(xc, rows, p[i].idx, w->args[1], &nv, err) != 0) return -1;
                if (nv.isnull) {
                    out->isnull = true;
                    continue;
                }
                if (nv.v.i <= 0)
                    return orb_err_set(err, INVALID_ARGUMENT_FOR_NTH_VALUE, "argument of nth_value must be greater than zero");
                j = fs + nv.v.i - 1;
            } else {
                j = w->kind == SQL_WIN_FIRST_VALUE ? fs : fe - 1;
            }
            if (fs >= fe || j < fs || j >= fe) {
                out->isnull = true;
                continue;
            }
            if (eval_at(xc, rows, p[j].idx, w->args[0], out, err) != 0) return -1;
            continue;
        }
        case SQL_WIN_AGG: {
            /* a fresh aggregate over the frame (frames are short in practice; running frames
             * of peers reuse the previous row's result) */
            if (i > 0 && !rows_mode && (w->frame & SQL_FRAME_START_UNBOUNDED_PRECEDING) &&
                peer_start[i] == peer_start[i - 1]) {
                *out = rows[p[i - 1].idx].wins[k];
                continue;
            }
            sql_agg_state_t *st = sql_agg_state_create(w->agg, w->argtype, xc->mcx);
            for (int64_t j = fs; j < fe; j++) {
                sql_value_t av[SQL_FN_MAXARGS];
                for (int a = 0; a < w->nargs && a < SQL_FN_MAXARGS; a++)
                    if (eval_at(xc, rows, p[j].idx, w->args[a], &av[a], err) != 0) return -1;
                if (sql_agg_step(st, w->nargs ? av : NULL, w->nargs, err) != 0) return -1;
            }
            if (sql_agg_final(st, out, err) != 0) return -1;
            continue;
        }
        default:
            return orb_err_set(err, INTERNAL_ERROR, "unknown window function");
        }
    }
    return 0;
}

int sql_window_compute(sql_exec_ctx_t *xc, const sql_query_t *q, sql_prerow_t *rows, int64_t n,
                       orb_err_t *err) {
    for (int64_t i = 0; i < n; i++)
        rows[i].wins = orb_alloc0(xc->mcx, sizeof(sql_value_t) * (size_t)(q->nwins + 1));
    if (n == 0) return 0;
    wrow_t *p = orb_alloc(xc->mcx, sizeof *p * (size_t)n);
    for (int k = 0; k < q->nwins; k++) {
        const sql_win_call_t *w = &q->wins[k];
        for (int64_t i = 0; i < n; i++) {
            p[i].idx = i;
            p[i].part = orb_alloc0(xc->mcx, sizeof(sql_value_t) * (size_t)(w->npart + 1));
            p[i].ord = orb_alloc0(xc->mcx, sizeof(sql_value_t) * (size_t)(w->norder + 1));
            for (int j = 0; j < w->npart; j++)
                if (eval_at(xc, rows, i, w->part[j], &p[i].part[j], err) != 0) return -1;
            for (int j = 0; j < w->norder; j++)
                if (eval_at(xc, rows, i, w->order[j], &p[i].ord[j], err) != 0) return -1;
        }
        cur_win = w;
        qsort(p, (size_t)n, sizeof *p, cmp_wrow);
        for (int64_t s = 0; s < n;) {
            int64_t e = s + 1;
            while (e < n && cmp_part(&p[s], &p[e]) == 0) e++;
            if (compute_partition(xc, w, k, rows, p + s, e - s, err) != 0) {
                cur_win = NULL;
                return -1;
            }
            s = e;
        }
        cur_win = NULL;
    }
    return 0;
}
