/* sql/sql_exec.c — the executor for SELECT, INSERT, UPDATE and DELETE on one table: shard
 * scans (sql_shard.c), filters, grouping and aggregates, projection, DISTINCT, sort,
 * LIMIT/OFFSET, and writes routed to shards with unique checks, defaults, sequences and
 * ON CONFLICT. Entry point: sql_exec_query. See README.md ("Execute"). */
#include "sql_ddl_int.h"
#include "sql_shard.h"
#include "sql_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

sql_eval_ctx_t sql_eval_ctx(sql_exec_ctx_t *xc, const sql_value_t *row) {
    sql_eval_ctx_t ec;
    memset(&ec, 0, sizeof ec);
    ec.fn.mcx = xc->row_mcx ? xc->row_mcx : xc->mcx;
    ec.fn.session = xc->sess;
    ec.fn.txn_start_us = sql_session_txn_start(xc->sess);
    ec.fn.stmt_start_us = sql_now_us();
    ec.params = xc->params;
    ec.row = row;
    ec.outer = xc->outer;
    ec.nouter = xc->nouter;
    ec.xc = xc;
    ec.gmask = UINT64_MAX; /* plain GROUP BY: every grouping expression is grouped */
    return ec;
}

orb_mcx_t *sql_exec_mcx(sql_eval_ctx_t *ec) { return ec->xc ? ec->xc->mcx : ec->fn.mcx; }

int sql_exec_subquery(sql_eval_ctx_t *ec, sql_query_t *sub, bool per_row, sql_result_t *res,
                      orb_err_t *err) {
    sql_exec_ctx_t *px = ec->xc;
    if (!px) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "subqueries are not supported here");
    /* the subquery sees the enclosing rows plus the row being evaluated */
    const sql_value_t **outer = orb_alloc(px->mcx, sizeof *outer * (size_t)(ec->nouter + 1));
    for (int i = 0; i < ec->nouter; i++) outer[i] = ec->outer[i];
    outer[ec->nouter] = ec->row;
    sql_exec_ctx_t x = *px;
    if (per_row) x.mcx = ec->fn.mcx;
    x.outer = outer;
    x.nouter = ec->nouter + 1;
    x.row_mcx = NULL;
    memset(res, 0, sizeof *res);
    return sql_exec_query(&x, sub, res, err);
}

static void result_add(sql_result_t *res, orb_mcx_t *mcx, sql_value_t *row) {
    if (res->nrows == res->cap) {
        int64_t nc = res->cap ? res->cap * 2 : 64;
        res->rows = orb_realloc(mcx, res->rows, sizeof(sql_value_t *) * (size_t)res->cap,
                                sizeof(sql_value_t *) * (size_t)nc);
        res->cap = nc;
    }
    res->rows[res->nrows++] = row;
}

static int project(sql_eval_ctx_t *ec, const sql_query_t *q, sql_value_t **out, orb_err_t *err) {
    sql_value_t *o = orb_alloc0(ec->fn.mcx, sizeof *o * (size_t)(q->nall + 1));
    for (int i = 0; i < q->nall; i++)
        if (sql_expr_eval(ec, q->targets[i].expr, &o[i], err) != 0) return -1;
    *out = o;
    return 0;
}

/* Projects the current row into res: one row, or with set-returning functions in the select
 * list as many as the longest of them returns (the others NULL once exhausted). */
static int project_add(sql_eval_ctx_t *ec, const sql_query_t *q, sql_result_t *res,
                       orb_mcx_t *mcx, orb_err_t *err) {
    sql_value_t *o;
    if (!q->nsrfs) {
        if (project(ec, q, &o, err) != 0) return -1;
        result_add(res, mcx, o);
        return 0;
    }
    sql_value_t **vals = orb_alloc0(mcx, sizeof *vals * (size_t)q->nsrfs);
    int64_t *lens = orb_alloc0(mcx, sizeof *lens * (size_t)q->nsrfs);
    int64_t max = 0;
    for (int k = 0; k < q->nsrfs; k++) {
        const sql_expr_t *s = q->srfs[k];
        sql_value_t a[3];
        for (int i = 0; i < s->nargs && i < 3; i++)
            if (sql_expr_eval(ec, s->args[i], &a[i], err) != 0) return -1;
        if (sql_srf_expand(ec, s->flag, s->fn, s->type, a, s->nargs, mcx, &vals[k], &lens[k], err) != 0)
            return -1;
        if (lens[k] > max) max = lens[k];
    }
    sql_value_t *cur = orb_alloc0(mcx, sizeof *cur * (size_t)q->nsrfs);
    ec->srf_vals = cur;
    for (int64_t r = 0; r < max; r++) {
        for (int k = 0; k < q->nsrfs; k++) {
            if (r < lens[k]) cur[k] = vals[k][r];
            else cur[k].isnull = true;
        }
        if (project(ec, q, &o, err) != 0) return -1;
        result_add(res, mcx, o);
    }
    ec->srf_vals = NULL;
    return 0;
}

/* ---- grouping ---------------------------------------------------------------------------- */

typedef struct group {
    struct group *next;
    uint64_t hash;
    int gset;           /* grouping set index (0 without grouping sets) */
    uint64_t gmask;     /* the expressions that set groups by */
    sql_value_t *keys;
    sql_value_t *first_row;
    sql_agg_state_t **states;
    /* DISTINCT aggregates keep the values already seen */
    struct vset **seen;
    /* aggregates with ORDER BY keep their input rows (arguments, then sort keys) */
    struct aggbuf **buf;
} group_t;

typedef struct seen {
    struct seen *next;
    uint64_t hash;
    sql_value_t v;
} seen_t;

/* a hash set of values (DISTINCT aggregates) */
typedef struct vset {
    seen_t **b;
    size_t nb, n;
    bool null;  /* NULL seen (one NULL is distinct from every value) */
} vset_t;

typedef struct aggbuf {
    sql_value_t **rows;
    int64_t n, cap;
} aggbuf_t;

typedef struct select_state {
    sql_exec_ctx_t *xc;
    sql_query_t *q;
    sql_result_t *res;
    group_t **buckets;
    size_t nbuckets;
    size_t ngroups;
    /* rows go straight out (no sort, grouping or DISTINCT): OFFSET and LIMIT apply here */
    bool direct;
    int64_t skip;       /* OFFSET rows still to drop */
    int64_t left;       /* LIMIT rows still to produce, -1 unlimited */
    int64_t produced;
    /* rows kept for window functions, projected once those are computed */
    sql_prerow_t *pre;
    int64_t npre, precap;
} select_state_t;

/* A row (with its group's aggregates) goes to the projection, or waits for the window
 * functions to be computed over all of them. */
static int produce(select_state_t *st, const sql_value_t *row, const sql_value_t *aggv,
                   const sql_value_t *gkeys, uint64_t gmask, orb_err_t *err) {
    sql_exec_ctx_t *xc = st->xc;
    if (st->q->nwins) {
        if (st->npre == st->precap) {
            int64_t nc = st->precap ? st->precap * 2 : 64;
            st->pre = orb_realloc(xc->mcx, st->pre, sizeof *st->pre * (size_t)st->precap,
                                  sizeof *st->pre * (size_t)nc);
            st->precap = nc;
        }
        st->pre[st->npre].row = row;
        st->pre[st->npre].aggs = aggv;
        st->pre[st->npre].gkeys = gkeys;
        st->pre[st->npre].gmask = gmask;
        st->pre[st->npre].wins = NULL;
        st->npre++;
        return 0;
    }
    sql_eval_ctx_t ec = sql_eval_ctx(xc, row);
    ec.aggs = aggv;
    ec.gkeys = gkeys;
    ec.gmask = gmask;
    return project_add(&ec, st->q, st->res, xc->mcx, err);
}

static bool values_equal(uint32_t type, const sql_value_t *a, const sql_value_t *b) {
    if (a->isnull || b->isnull) return a->isnull && b->isnull;
    return sql_value_cmp(type, a, b) == 0;
}

static uint64_t hash_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static group_t *group_find(select_state_t *st, const sql_value_t *keys, sql_value_t *row,
                           int gset) {
    sql_query_t *q = st->q;
    uint64_t h = 1469598103934665603ULL + (uint64_t)gset * 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < q->ngroup; i++)
        h = hash_mix(h, keys[i].isnull ? 0x5bd1e995 : sql_value_hash(q->group[i]->type, &keys[i]));
    size_t b = h % st->nbuckets;
    for (group_t *g = st->buckets[b]; g; g = g->next) {
        if (g->hash != h || g->gset != gset) continue;
        bool eq = true;
        for (int i = 0; i < q->ngroup && eq; i++) eq = values_equal(q->group[i]->type, &g->keys[i], &keys[i]);
        if (eq) return g;
    }
    orb_mcx_t *mcx = st->xc->mcx;
    group_t *g = orb_alloc0(mcx, sizeof *g);
    g->hash = h;
    g->gset = gset;
    g->gmask = q->ngsets ? q->gsets[gset] : UINT64_MAX;
    g->keys = orb_memdup(mcx, keys, sizeof *keys * (size_t)(q->ngroup + 1));
    g->first_row = row;
    g->states = orb_alloc0(mcx, sizeof *g->states * (size_t)(q->naggs + 1));
    g->seen = orb_alloc0(mcx, sizeof *g->seen * (size_t)(q->naggs + 1));
    g->buf = orb_alloc0(mcx, sizeof *g->buf * (size_t)(q->naggs + 1));
    for (int a = 0; a < q->naggs; a++)
        g->states[a] = sql_agg_state_create(q->aggs[a].agg, q->aggs[a].argtype, mcx);
    g->next = st->buckets[b];
    st->buckets[b] = g;
    st->ngroups++;
    return g;
}

/* The groups, collected from the buckets once the scan is done. */
typedef struct group_list {
    group_t **items;
    size_t n, cap;
} group_list_t;

/* true if v was already in the set; adds it otherwise */
static bool vset_seen(orb_mcx_t *mcx, vset_t **setp, uint32_t type, const sql_value_t *v) {
    vset_t *set = *setp;
    if (!set) {
        set = *setp = orb_alloc0(mcx, sizeof *set);
        set->nb = 64;
        set->b = orb_alloc0(mcx, sizeof *set->b * set->nb);
    }
    if (v->isnull) {
        bool was = set->null;
        set->null = true;
        return was;
    }
    uint64_t h = sql_value_hash(type, v);
    for (seen_t *s = set->b[h % set->nb]; s; s = s->next)
        if (s->hash == h && sql_value_cmp(type, &s->v, v) == 0) return true;
    if (set->n >= set->nb) {
        size_t nb = set->nb * 4;
        seen_t **b = orb_alloc0(mcx, sizeof *b * nb);
        for (size_t i = 0; i < set->nb; i++) {
            for (seen_t *s = set->b[i], *next; s; s = next) {
                next = s->next;
                s->next = b[s->hash % nb];
                b[s->hash % nb] = s;
            }
        }
        set->b = b;
        set->nb = nb;
    }
    seen_t *s = orb_alloc(mcx, sizeof *s);
    s->hash = h;
    s->v = *v;
    s->next = set->b[h % set->nb];
    set->b[h % set->nb] = s;
    set->n++;
    return false;
}

/* one input row into aggregate a of group g: DISTINCT drops repeats (a strict aggregate
 * ignores the NULL itself; array_agg keeps one) */
static int agg_feed(select_state_t *st, group_t *g, int a, sql_value_t *argv, orb_err_t *err) {
    sql_agg_call_t *ac = &st->q->aggs[a];
    if (ac->distinct) {
        if (vset_seen(st->xc->mcx, &g->seen[a], ac->argtype, &argv[0])) return 0;
    }
    return sql_agg_step(g->states[a], argv, ac->nargs, err);
}

static int agg_step(select_state_t *st, group_t *g, sql_eval_ctx_t *ec, orb_err_t *err) {
    sql_query_t *q = st->q;
    for (int a = 0; a < q->naggs; a++) {
        sql_agg_call_t *ac = &q->aggs[a];
        if (ac->filter) {
            bool pass;
            if (sql_expr_eval_bool(ec, ac->filter, &pass, err) != 0) return -1;
            if (!pass) continue;
        }
        if (!ac->arg && !ac->norder) {
            if (sql_agg_step(g->states[a], NULL, 0, err) != 0) return -1;
            continue;
        }
        if (ac->norder) {
            /* keep the arguments and the sort keys; stepped in order at the end */
            aggbuf_t *b = g->buf[a];
            if (!b) b = g->buf[a] = orb_alloc0(st->xc->mcx, sizeof *b);
            if (b->n == b->cap) {
                int64_t nc = b->cap ? b->cap * 2 : 16;
                b->rows = orb_realloc(st->xc->mcx, b->rows, sizeof *b->rows * (size_t)b->cap,
                                      sizeof *b->rows * (size_t)nc);
                b->cap = nc;
            }
            sql_value_t *r = orb_alloc0(st->xc->mcx, sizeof *r * (size_t)(ac->nargs + ac->norder + 1));
            for (int k = 0; k < ac->nargs; k++)
                if (sql_expr_eval(ec, ac->args[k], &r[k], err) != 0) return -1;
            for (int k = 0; k < ac->norder; k++)
                if (sql_expr_eval(ec, ac->order[k], &r[ac->nargs + k], err) != 0) return -1;
            b->rows[b->n++] = r;
            continue;
        }
        sql_value_t argv[SQL_FN_MAXARGS];
        for (int k = 0; k < ac->nargs && k < SQL_FN_MAXARGS; k++)
            if (sql_expr_eval(ec, ac->args[k], &argv[k], err) != 0) return -1;
        if (agg_feed(st, g, a, argv, err) != 0) return -1;
    }
    return 0;
}

static int select_row_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    (void)key;
    select_state_t *st = arg;
    sql_query_t *q = st->q;
    q->act_scan_rows++;
    orb_err_t *err = st->xc->err;
    if (sql_check_interrupts(st->xc->sess, err) != 0) return -1;
    sql_eval_ctx_t ec = sql_eval_ctx(st->xc, row);
    if (q->where) {
        bool ok;
        if (sql_expr_eval_bool(&ec, q->where, &ok, err) != 0) return -1;
        if (!ok) {
            if (st->xc->row_mcx) orb_mcx_reset(st->xc->row_mcx);
            return 0;
        }
    }
    if (q->has_agg) {
        sql_value_t *keys = orb_alloc0(st->xc->mcx, sizeof *keys * (size_t)(q->ngroup + 1));
        for (int i = 0; i < q->ngroup; i++)
            if (sql_expr_eval(&ec, q->group[i], &keys[i], err) != 0) return -1;
        if (!q->ngsets) return agg_step(st, group_find(st, keys, row, 0), &ec, err);
        /* each grouping set groups by its own expressions; the others are NULL in its keys */
        for (int s = 0; s < q->ngsets; s++) {
            sql_value_t *mk = orb_alloc0(st->xc->mcx, sizeof *mk * (size_t)(q->ngroup + 1));
            for (int i = 0; i < q->ngroup; i++) {
                if (q->gsets[s] >> i & 1)
                    mk[i] = keys[i];
                else
                    mk[i].isnull = true;
            }
            if (agg_step(st, group_find(st, mk, row, s), &ec, err) != 0) return -1;
        }
        return 0;
    }
    if (!st->direct) return produce(st, row, NULL, NULL, UINT64_MAX, err);
    if (st->direct) {
        if (st->left == 0) return SQL_SCAN_STOP;
        if (st->skip > 0) {
            st->skip--;
            if (st->xc->row_mcx) orb_mcx_reset(st->xc->row_mcx);
            return 0;
        }
    }
    sql_value_t *o;
    if (project(&ec, q, &o, err) != 0) return -1;
    if (st->direct) {
        st->produced++;
        if (st->left > 0) st->left--;
        if (st->res->emit) {
            if (st->res->emit(st->res->emit_arg, o, err) != 0) return -1;
            if (st->xc->row_mcx) orb_mcx_reset(st->xc->row_mcx); /* bounded memory */
        } else {
            result_add(st->res, st->xc->mcx, o);
        }
        return st->left == 0 ? SQL_SCAN_STOP : 0;
    }
    result_add(st->res, st->xc->mcx, o);
    return 0;
}

/* ---- aggregation pushed into the shards (q->agg_pushed) ------------------------------------ */

static Orbit__AggColumn *agg_column(orb_mcx_t *mcx, const sql_table_t *t, int col) {
    Orbit__AggColumn *c = orb_alloc(mcx, sizeof *c);
    orbit__agg_column__init(c);
    c->slot = (uint32_t)(t->phys ? t->phys[col] : col);
    c->missing = (Orbit__Datum *)t->cols[col].missing; /* only read while packing */
    return c;
}

/* Each shard returns one partial row per group: the group's column values, then each
 * aggregate's partial (layout: proto AggSpec). The groups are found as for rows, from a row
 * holding only the grouping columns (the analyzer checked nothing else is read). */
static int pushed_aggregate(select_state_t *st, orb_err_t *err) {
    sql_exec_ctx_t *xc = st->xc;
    sql_query_t *q = st->q;
    const sql_table_t *t = q->table;
    Orbit__AggSpec spec = ORBIT__AGG_SPEC__INIT;
    spec.n_group = (size_t)q->ngroup;
    spec.group = orb_alloc0(xc->mcx, sizeof *spec.group * (spec.n_group + 1));
    for (int i = 0; i < q->ngroup; i++) spec.group[i] = agg_column(xc->mcx, t, q->group[i]->index);
    spec.n_items = (size_t)q->naggs;
    spec.items = orb_alloc0(xc->mcx, sizeof *spec.items * (spec.n_items + 1));
    int *kind = orb_alloc0(xc->mcx, sizeof *kind * (size_t)(q->naggs + 1));
    for (int a = 0; a < q->naggs; a++) {
        const sql_agg_call_t *c = &q->aggs[a];
        Orbit__AggItem *it = orb_alloc(xc->mcx, sizeof *it);
        orbit__agg_item__init(it);
        kind[a] = sql_agg_partial_kind(c->agg, c->nargs ? c->argtype : 0);
        it->fn = (Orbit__AggItem__Fn)kind[a];
        if (c->nargs) {
            const sql_expr_t *e = SQL_IS_A(c->arg, CAST) ? c->arg->args[0] : c->arg;
            it->col = agg_column(xc->mcx, t, e->index);
        }
        spec.items[a] = it;
    }
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = ORBIT__SHARD_OP__KIND__SCAN;
    op.agg = &spec;
    sql_key_range_t kr; /* WHERE, when there is one, is exactly this range (sql_analyze.c) */
    if (sql_shard_key_range(xc, t, &q->path, &kr, err) != 0) return -1;
    if (kr.empty) return 0;
    op.lower = kr.lower;
    op.n_lower = (size_t)kr.nlower;
    op.lower_incl = kr.lower_incl;
    op.upper = kr.upper;
    op.n_upper = (size_t)kr.nupper;
    op.upper_incl = kr.upper_incl;
    act_call_t **calls = orb_alloc0(xc->mcx, sizeof *calls * (t->nshards + 1));
    for (uint32_t s = 0; s < t->nshards; s++) calls[s] = sql_shard_post1(xc, t, s, &op);
    int rc = 0;
    int width = t->ncols;
    int64_t scanned = 0;
    for (uint32_t s = 0; s < t->nshards; s++) {
        Orbit__ShardReply *reply = sql_shard_gather(calls[s], &rc, err);
        if (reply && rc == 0 && reply->n_results == 1) {
            Orbit__OpResult *r = reply->results[0];
            for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
                Orbit__Row *pr = r->rows[i];
                sql_value_t *row = orb_alloc0(xc->mcx, sizeof *row * (size_t)(width + 1));
                for (int c = 0; c < width; c++) row[c].isnull = true;
                sql_value_t *keys = orb_alloc0(xc->mcx, sizeof *keys * (size_t)(q->ngroup + 1));
                size_t k = 0;
                for (int g = 0; rc == 0 && g < q->ngroup; g++, k++) {
                    if (k >= pr->n_cols) rc = orb_err_set(err, INTERNAL_ERROR, "short partial row");
                    else rc = sql_value_from_datum(q->group[g]->type, pr->cols[k], xc->mcx, &keys[g], err);
                    if (rc == 0) row[q->group[g]->index] = keys[g];
                }
                group_t *grp = rc == 0 ? group_find(st, keys, row, 0) : NULL;
                for (int a = 0; rc == 0 && a < q->naggs; a++) {
                    bool two = kind[a] == SQL_AGG_PARTIAL_SUM_INT || kind[a] == SQL_AGG_PARTIAL_SUM_FLOAT;
                    bool count = kind[a] != SQL_AGG_PARTIAL_MIN && kind[a] != SQL_AGG_PARTIAL_MAX;
                    if (k + (two ? 2 : 1) > pr->n_cols) {
                        rc = orb_err_set(err, INTERNAL_ERROR, "short partial row");
                        break;
                    }
                    int64_t n = 0;
                    sql_value_t v = {.isnull = true};
                    if (count) n = pr->cols[k++]->i;
                    if (kind[a] == SQL_AGG_PARTIAL_SUM_INT)
                        rc = sql_value_from_datum(SQL_OID_NUMERIC, pr->cols[k++], xc->mcx, &v, err);
                    else if (kind[a] == SQL_AGG_PARTIAL_SUM_FLOAT)
                        rc = sql_value_from_datum(SQL_OID_FLOAT8, pr->cols[k++], xc->mcx, &v, err);
                    else if (!count) /* min/max: a plain column of the argument's type */
                        rc = sql_value_from_datum(q->aggs[a].argtype, pr->cols[k++], xc->mcx, &v, err);
                    if (rc == 0) rc = sql_agg_combine(grp->states[a], n, &v, err);
                }
                q->act_partial_rows++;
            }
            q->act_scan_rows += (int64_t)r->count;
            scanned += (int64_t)r->count;
        }
        act_call_free(calls[s]);
    }
    /* a key range (WHERE) reads the primary key's index, else the whole table */
    sql_stats_count_scan(sql_session_engine(xc->sess), t->id,
                         q->path.access == SQL_ACCESS_FULL ? -1 : 0, scanned);
    return rc;
}

/* ---- sorting -------------------------------------------------------------------------------- */

static _Thread_local const sql_query_t *sort_query;

static int compare_rows(const void *pa, const void *pb) {
    const sql_value_t *a = *(sql_value_t *const *)pa, *b = *(sql_value_t *const *)pb;
    const sql_query_t *q = sort_query;
    for (int i = 0; i < q->nsort; i++) {
        const sql_sort_key_t *k = &q->sort[i];
        const sql_value_t *x = &a[k->target], *y = &b[k->target];
        int c;
        if (x->isnull || y->isnull) {
            if (x->isnull && y->isnull) continue;
            c = x->isnull ? (k->nulls_first ? -1 : 1) : (k->nulls_first ? 1 : -1);
            return c;
        }
        c = sql_value_cmp(q->targets[k->target].expr->type, x, y);
        if (c != 0) return k->desc ? -c : c;
    }
    return 0;
}

/* the session whose statement sorts on this thread: a long sort stops early (leaving the rows
 * unsorted) once it is interrupted; the caller then checks and fails */
static _Thread_local sql_session_t *sort_sess;

/* stable: rows equal under cmp keep their input order */
static void merge_sort_by(sql_value_t **rows, sql_value_t **tmp, int64_t n,
                          int (*cmp)(const void *, const void *)) {
    if (n < 2) return;
    orb_err_t ignored;
    if (n >= 4096 && sort_sess && sql_check_interrupts(sort_sess, &ignored) != 0) return;
    int64_t m = n / 2;
    merge_sort_by(rows, tmp, m, cmp);
    merge_sort_by(rows + m, tmp, n - m, cmp);
    if (n >= 4096 && sort_sess && sql_check_interrupts(sort_sess, &ignored) != 0) return;
    int64_t i = 0, j = m, k = 0;
    while (i < m && j < n) tmp[k++] = cmp(&rows[j], &rows[i]) < 0 ? rows[j++] : rows[i++];
    while (i < m) tmp[k++] = rows[i++];
    while (j < n) tmp[k++] = rows[j++];
    memcpy(rows, tmp, sizeof *rows * (size_t)n);
}

static void merge_sort(sql_value_t **rows, sql_value_t **tmp, int64_t n) {
    merge_sort_by(rows, tmp, n, compare_rows);
}

/* the buffered input of an aggregate with ORDER BY: arguments, then the sort keys */
static _Thread_local const sql_agg_call_t *sort_agg;

static int compare_agg_rows(const void *pa, const void *pb) {
    const sql_value_t *a = *(sql_value_t *const *)pa, *b = *(sql_value_t *const *)pb;
    const sql_agg_call_t *ac = sort_agg;
    for (int i = 0; i < ac->norder; i++) {
        const sql_value_t *x = &a[ac->nargs + i], *y = &b[ac->nargs + i];
        bool nf = ac->order_nulls_first[i];
        if (x->isnull || y->isnull) {
            if (x->isnull && y->isnull) continue;
            return x->isnull ? (nf ? -1 : 1) : (nf ? 1 : -1);
        }
        int c = sql_value_cmp(ac->order[i]->type, x, y);
        if (c != 0) return ac->order_desc[i] ? -c : c;
    }
    return 0;
}

/* steps the aggregates with ORDER BY of g over their buffered rows, in order */
static int agg_flush_ordered(select_state_t *st, group_t *g, orb_err_t *err) {
    sql_query_t *q = st->q;
    for (int a = 0; a < q->naggs; a++) {
        sql_agg_call_t *ac = &q->aggs[a];
        aggbuf_t *b = g->buf ? g->buf[a] : NULL;
        if (!ac->norder || !b) continue;
        sql_value_t **tmp = orb_alloc(st->xc->mcx, sizeof *tmp * (size_t)(b->n + 1));
        sort_agg = ac;
        sort_sess = st->xc->sess;
        merge_sort_by(b->rows, tmp, b->n, compare_agg_rows);
        sort_sess = NULL;
        sort_agg = NULL;
        if (sql_check_interrupts(st->xc->sess, err) != 0) return -1;
        for (int64_t r = 0; r < b->n; r++) {
            int rc = ac->nargs ? agg_feed(st, g, a, b->rows[r], err)
                               : sql_agg_step(g->states[a], NULL, 0, err);
            if (rc != 0) return -1;
        }
        g->buf[a] = NULL;
    }
    return 0;
}

static int eval_count(sql_exec_ctx_t *xc, sql_expr_t *e, const char *what, int64_t *out,
                      bool *present, orb_err_t *err) {
    *present = false;
    if (!e) return 0;
    sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
    sql_value_t v;
    if (sql_expr_eval(&ec, e, &v, err) != 0) return -1;
    if (v.isnull) return 0;
    if (v.v.i < 0) {
        if (strcmp(what, "LIMIT") == 0)
            return orb_err_set(err, INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, "LIMIT must not be negative");
        return orb_err_set(err, INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE, "OFFSET must not be negative");
    }
    *out = v.v.i;
    *present = true;
    return 0;
}

/* ---- set operations ------------------------------------------------------------------------ */

typedef struct srow {
    struct srow *next;
    uint64_t hash;
    sql_value_t *row;
    int64_t count;    /* occurrences still to match (INTERSECT/EXCEPT ALL) */
    bool emitted;
} srow_t;

typedef struct rowtab {
    srow_t **b;
    size_t nb;
    int n;
    const sql_query_t *q;
} rowtab_t;

static uint64_t rt_hash(const rowtab_t *t, const sql_value_t *row) {
    uint64_t h = 1469598103934665603ULL;
    for (int c = 0; c < t->n; c++)
        h = hash_mix(h, row[c].isnull ? 0x5bd1e995 : sql_value_hash(t->q->targets[c].expr->type, &row[c]));
    return h;
}

/* Finds the entry of a row (NULLs equal, as set operations treat them), adding it if asked. */
static srow_t *rt_find(rowtab_t *t, orb_mcx_t *mcx, sql_value_t *row, bool add) {
    uint64_t h = rt_hash(t, row);
    for (srow_t *e = t->b[h % t->nb]; e; e = e->next) {
        if (e->hash != h) continue;
        bool eq = true;
        for (int c = 0; c < t->n && eq; c++) eq = values_equal(t->q->targets[c].expr->type, &e->row[c], &row[c]);
        if (eq) return e;
    }
    if (!add) return NULL;
    srow_t *e = orb_alloc0(mcx, sizeof *e);
    e->hash = h;
    e->row = row;
    e->next = t->b[h % t->nb];
    t->b[h % t->nb] = e;
    return e;
}

static int exec_setop(sql_exec_ctx_t *xc, sql_query_t *q, sql_rowset_t *out, orb_err_t *err) {
    sql_result_t L, R;
    memset(&L, 0, sizeof L);
    memset(&R, 0, sizeof R);
    if (sql_exec_query(xc, q->larg, &L, err) != 0) return -1;
    if (sql_exec_query(xc, q->rarg, &R, err) != 0) return -1;
    rowtab_t t = {.nb = (size_t)(L.nrows + R.nrows) * 2 + 1, .n = q->width, .q = q};
    t.b = orb_alloc0(xc->mcx, sizeof *t.b * t.nb);
    if (q->setop == SQL_SETOP_UNION) {
        for (int side = 0; side < 2; side++) {
            sql_result_t *r = side ? &R : &L;
            for (int64_t i = 0; i < r->nrows; i++) {
                if (!q->setop_all) {
                    srow_t *e = rt_find(&t, xc->mcx, r->rows[i], true);
                    if (e->emitted) continue;
                    e->emitted = true;
                }
                sql_rowset_add(out, xc->mcx, r->rows[i]);
            }
        }
        return 0;
    }
    for (int64_t i = 0; i < R.nrows; i++) rt_find(&t, xc->mcx, R.rows[i], true)->count++;
    rowtab_t seen = {.nb = (size_t)L.nrows * 2 + 1, .n = q->width, .q = q};
    seen.b = orb_alloc0(xc->mcx, sizeof *seen.b * seen.nb);
    for (int64_t i = 0; i < L.nrows; i++) {
        sql_value_t *row = L.rows[i];
        srow_t *e = rt_find(&t, xc->mcx, row, false);
        bool in_r = e && e->count > 0;
        if (q->setop_all) {
            if (q->setop == SQL_SETOP_INTERSECT ? in_r : !in_r) sql_rowset_add(out, xc->mcx, row);
            if (in_r) e->count--;
            continue;
        }
        srow_t *s = rt_find(&seen, xc->mcx, row, true);
        if (s->emitted) continue;
        s->emitted = true;
        if (q->setop == SQL_SETOP_INTERSECT ? (e != NULL) : (e == NULL)) sql_rowset_add(out, xc->mcx, row);
    }
    return 0;
}

static int exec_select(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res, orb_err_t *err) {
    select_state_t st;
    memset(&st, 0, sizeof st);
    st.xc = xc;
    st.q = q;
    st.res = res;
    group_list_t order = {0};
    if (q->has_agg) {
        st.nbuckets = 1024;
        st.buckets = orb_alloc0(xc->mcx, sizeof *st.buckets * st.nbuckets);
    }
    int64_t limit = 0, offset = 0;
    bool has_limit, has_offset;
    if (eval_count(xc, q->limit, "LIMIT", &limit, &has_limit, err) != 0) return -1;
    if (eval_count(xc, q->offset, "OFFSET", &offset, &has_offset, err) != 0) return -1;
    /* a scan in ORDER BY order (path.ordered) needs no sort */
    bool sorted = !q->nsort || (q->table && !q->from && !q->setop && q->path.ordered);
    st.direct = !q->has_agg && sorted && !q->distinct && !q->nwins && !q->nsrfs;
    st.skip = has_offset ? offset : 0;
    st.left = has_limit ? limit : -1;
    xc->err = err;
    /* streamed rows live only until they are sent */
    if (st.direct && res->emit && q->table) xc->row_mcx = orb_mcx_create(xc->mcx, "row");
    int rc;
    if (q->setop || q->from) {
        /* rows from a set operation or a FROM tree, then the same pipeline */
        sql_rowset_t in = {0};
        rc = q->setop ? exec_setop(xc, q, &in, err) : sql_from_exec(xc, q, q->from, &in, err);
        for (int64_t r = 0; rc == 0 && r < in.n; r++) rc = select_row_cb(&st, in.rows[r], NULL);
        if (rc == SQL_SCAN_STOP) rc = 0;
    } else if (q->path.access == SQL_ACCESS_NONE) {
        rc = select_row_cb(&st, NULL, NULL);
        if (rc == SQL_SCAN_STOP) rc = 0;
    } else {
        double t0 = xc->instrument ? sql_clock_ms() : 0;
        if (q->agg_pushed) {
            rc = pushed_aggregate(&st, err);
        } else {
            q->path.want = has_limit && q->path.ordered ? limit + (has_offset ? offset : 0) : 0;
            rc = sql_shard_scan(xc, q->table, &q->path, 0, q->table->ncols, false, select_row_cb,
                                &st, err);
        }
        if (xc->instrument) q->act_scan_ms += sql_clock_ms() - t0;
    }
    xc->row_mcx = NULL; /* freed with the statement's context */
    if (rc != 0) return -1;
    if (q->has_agg) {
        /* collect groups in a stable order: walk buckets (hash order, like HashAggregate) */
        for (size_t b = 0; b < st.nbuckets; b++) {
            for (group_t *g = st.buckets[b]; g; g = g->next) {
                if (order.n == order.cap) {
                    size_t nc = order.cap ? order.cap * 2 : 64;
                    order.items = orb_realloc(xc->mcx, order.items, sizeof *order.items * order.cap,
                                              sizeof *order.items * nc);
                    order.cap = nc;
                }
                order.items[order.n++] = g;
            }
        }
        /* a grouping set with no expressions has its one row even without input */
        for (int s = 0; s < q->ngsets; s++) {
            if (q->gsets[s] != 0) continue;
            bool have = false;
            for (size_t i = 0; i < order.n && !have; i++) have = order.items[i]->gset == s;
            if (have) continue;
            sql_value_t *mk = orb_alloc0(xc->mcx, sizeof *mk * (size_t)(q->ngroup + 1));
            for (int i = 0; i < q->ngroup; i++) mk[i].isnull = true;
            int width = q->table ? q->table->ncols : q->width;
            sql_value_t *nullrow = orb_alloc0(xc->mcx, sizeof(sql_value_t) * (size_t)(width + 1));
            for (int c = 0; c < width; c++) nullrow[c].isnull = true;
            group_t *g = group_find(&st, mk, nullrow, s);
            if (order.n == order.cap) {
                size_t nc = order.cap ? order.cap * 2 : 64;
                order.items = orb_realloc(xc->mcx, order.items, sizeof *order.items * order.cap,
                                          sizeof *order.items * nc);
                order.cap = nc;
            }
            order.items[order.n++] = g;
        }
        group_t empty;
        if (order.n == 0 && q->ngroup == 0) {
            memset(&empty, 0, sizeof empty);
            empty.states = orb_alloc0(xc->mcx, sizeof *empty.states * (size_t)(q->naggs + 1));
            for (int a = 0; a < q->naggs; a++)
                empty.states[a] = sql_agg_state_create(q->aggs[a].agg, q->aggs[a].argtype, xc->mcx);
            empty.first_row = NULL;
            group_t *ep = &empty;
            order.items = &ep;
            order.n = 1;
            /* evaluate right here since ep lives on this frame */
            sql_value_t *aggv = orb_alloc0(xc->mcx, sizeof *aggv * (size_t)(q->naggs + 1));
            for (int a = 0; a < q->naggs; a++)
                if (sql_agg_final(empty.states[a], &aggv[a], err) != 0) return -1;
            int width = q->table ? q->table->ncols : q->width;
            sql_value_t *nullrow = orb_alloc0(xc->mcx, sizeof(sql_value_t) * (size_t)(width + 1));
            for (int c = 0; c < width; c++) nullrow[c].isnull = true;
            sql_eval_ctx_t ec = sql_eval_ctx(xc, nullrow);
            ec.aggs = aggv;
            bool keep = true;
            if (q->having && sql_expr_eval_bool(&ec, q->having, &keep, err) != 0) return -1;
            if (keep && produce(&st, nullrow, aggv, NULL, UINT64_MAX, err) != 0) return -1;
        } else {
            for (size_t i = 0; i < order.n; i++) {
                group_t *g = order.items[i];
                if (agg_flush_ordered(&st, g, err) != 0) return -1;
                sql_value_t *aggv = orb_alloc0(xc->mcx, sizeof *aggv * (size_t)(q->naggs + 1));
                for (int a = 0; a < q->naggs; a++)
                    if (sql_agg_final(g->states[a], &aggv[a], err) != 0) return -1;
                sql_eval_ctx_t ec = sql_eval_ctx(xc, g->first_row);
                ec.aggs = aggv;
                ec.gkeys = g->keys;
                ec.gmask = g->gmask;
                bool keep = true;
                if (q->having && sql_expr_eval_bool(&ec, q->having, &keep, err) != 0) return -1;
                if (!keep) continue;
                if (produce(&st, g->first_row, aggv, g->keys, g->gmask, err) != 0) return -1;
            }
        }
    }
    q->act_groups += (int64_t)st.ngroups;
    if (q->nwins) {
        if (sql_window_compute(xc, q, st.pre, st.npre, err) != 0) return -1;
        for (int64_t i = 0; i < st.npre; i++) {
            sql_eval_ctx_t ec = sql_eval_ctx(xc, st.pre[i].row);
            ec.aggs = st.pre[i].aggs;
            ec.wins = st.pre[i].wins;
            ec.gkeys = st.pre[i].gkeys;
            ec.gmask = st.pre[i].gmask;
            if (project_add(&ec, q, res, xc->mcx, err) != 0) return -1;
        }
    }
    if (q->ndistinct_on && !sorted && res->nrows > 1) {
        /* DISTINCT ON keeps the first row of each key in ORDER BY order: sort first */
        sql_value_t **tmp = orb_alloc(xc->mcx, sizeof *tmp * (size_t)res->nrows);
        sort_query = q;
        merge_sort(res->rows, tmp, res->nrows);
        sort_query = NULL;
        sorted = true;
    }
    if (q->distinct && res->nrows > 1) {
        /* hash on the visible columns (DISTINCT ON: its keys), keep the first of each */
        int nkeys = q->ndistinct_on ? q->ndistinct_on : q->ntargets;
        size_t nb = (size_t)res->nrows * 2 + 1;
        seen_t **tab = orb_alloc0(xc->mcx, sizeof *tab * nb);
        int64_t w = 0;
        for (int64_t r = 0; r < res->nrows; r++) {
            sql_value_t *row = res->rows[r];
            uint64_t h = 1469598103934665603ULL;
            for (int k = 0; k < nkeys; k++) {
                int c = q->ndistinct_on ? q->distinct_on[k] : k;
                h = hash_mix(h, row[c].isnull ? 0x5bd1e995 : sql_value_hash(q->targets[c].expr->type, &row[c]));
            }
            bool dup = false;
            for (seen_t *s = tab[h % nb]; s && !dup; s = s->next) {
                if (s->hash != h) continue;
                const sql_value_t *other = s->v.v.s.p ? (const sql_value_t *)s->v.v.s.p : NULL;
                bool eq = true;
                for (int k = 0; k < nkeys && eq; k++) {
                    int c = q->ndistinct_on ? q->distinct_on[k] : k;
                    eq = values_equal(q->targets[c].expr->type, &other[c], &row[c]);
                }
                dup = eq;
            }
            if (dup) continue;
            seen_t *s = orb_alloc0(xc->mcx, sizeof *s);
            s->hash = h;
            s->v.v.s.p = (const char *)row;
            s->next = tab[h % nb];
            tab[h % nb] = s;
            res->rows[w++] = row;
        }
        res->nrows = w;
    }
    if (!sorted && res->nrows > 1) {
        sql_value_t **tmp = orb_alloc(xc->mcx, sizeof *tmp * (size_t)res->nrows);
        sort_query = q;
        if (sql_check_interrupts(xc->sess, err) != 0) return -1;
        sort_sess = xc->sess;
        merge_sort(res->rows, tmp, res->nrows);
        sort_sess = NULL;
        if (sql_check_interrupts(xc->sess, err) != 0) return -1;
        sort_query = NULL;
    }
    if (st.direct) {
        snprintf(res->tag, sizeof res->tag, "SELECT %lld", (long long)st.produced);
        return 0;
    }
    if (has_offset) {
        if (offset >= res->nrows) {
            res->nrows = 0;
        } else {
            res->rows += offset;
            res->nrows -= offset;
        }
    }
    if (has_limit && limit < res->nrows) res->nrows = limit;
    snprintf(res->tag, sizeof res->tag, "SELECT %lld", (long long)res->nrows);
    return 0;
}

/* ---- writes ----------------------------------------------------------------------------------- */

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

static int check_not_null(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_value_t *vals,
                           orb_err_t *err) {
    for (int i = 0; i < t->ncols; i++) {
        if (!t->cols[i].not_null || !vals[i].isnull) continue;
        orb_err_set(err, NOT_NULL_VIOLATION,
                    "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                    t->cols[i].name, t->name);
        orb_err_detail(err, "Failing row contains %s.", row_text(xc->mcx, t, vals));
        snprintf(err->table, sizeof err->table, "%s", t->name);
        return -1;
    }
    return 0;
}

static bool any_null(const sql_value_t *vals, const int *cols, int n) {
    for (int i = 0; i < n; i++)
        if (vals[cols[i]].isnull) return true;
    return false;
}

static Orbit__Datum **cols_datums(orb_mcx_t *mcx, const sql_table_t *t, const int *cols, int n,
                                  const sql_value_t *vals) {
    Orbit__Datum **k = sql_pb_datums(mcx, n);
    for (int i = 0; i < n; i++) k[i] = sql_pb_datum(mcx, t->cols[cols[i]].type, &vals[cols[i]]);
    return k;
}

/* The storage key of a row: its primary key, or the hidden row id. */
static int row_key(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_value_t *vals,
                   Orbit__Datum ***key, int *nkey, uint32_t *shard, orb_err_t *err) {
    if (t->npk) {
        *key = sql_pk_datums(xc->mcx, t, vals);
        *nkey = t->npk;
    } else {
        int64_t id;
        if (act_seq_next(sql_session_rt(xc->sess), t->rowid_seq, &id, err) != 0) return -1;
        Orbit__Datum **k = sql_pb_datums(xc->mcx, 1);
        k[0] = orb_alloc(xc->mcx, sizeof *k[0]);
        orbit__datum__init(k[0]);
        k[0]->v_case = ORBIT__DATUM__V_I;
        k[0]->i = id;
        *key = k;
        *nkey = 1;
    }
    return act_shard_of((const Orbit__Datum *const *)*key, (size_t)*nkey, t->nshards, shard, err);
}

/* Adds the unique-index entries of a row (value: the row's key). */
static int add_unique_entries(sql_exec_ctx_t *xc, sql_wb_t *wb, const sql_table_t *t,
                              const sql_value_t *vals, Orbit__Datum **key, int nkey,
                              Orbit__ShardOp__Kind kind, orb_err_t *err) {
    for (int u = 0; u < t->nunique; u++) {
        const sql_unique_t *un = &t->uniques[u];
        if (un->vec_method) {
            /* a vector index: the new vector is added; a deleted or replaced one is a
             * tombstone the search skips (act_vec.c) */
            if (kind == ORBIT__SHARD_OP__KIND__INSERT &&
                sql_vindex_add(wb, t, un, vals, key, nkey, err) != 0)
                return -1;
            continue;
        }
        if (!un->unique) {
            /* a local index: (index columns, row key) next to the row, in its shard */
            Orbit__Datum **ik = sql_pb_datums(xc->mcx, un->ncols + nkey);
            for (int i = 0; i < un->ncols; i++)
                ik[i] = sql_pb_datum(xc->mcx, t->cols[un->cols[i]].type, &vals[un->cols[i]]);
            for (int i = 0; i < nkey; i++) ik[un->ncols + i] = key[i];
            uint32_t rshard;
            if (act_shard_of((const Orbit__Datum *const *)key, (size_t)nkey, t->nshards, &rshard, err) != 0)
                return -1;
            sql_wb_add(wb, rshard,
                       kind == ORBIT__SHARD_OP__KIND__INSERT ? ORBIT__SHARD_OP__KIND__PUT
                                                             : ORBIT__SHARD_OP__KIND__DELETE,
                       un->index_id, ik, un->ncols + nkey);
            continue;
        }
        if (any_null(vals, un->cols, un->ncols)) continue; /* NULLs are distinct */
        Orbit__Datum **uk = cols_datums(xc->mcx, t, un->cols, un->ncols, vals);
        uint32_t shard;
        if (act_shard_of((const Orbit__Datum *const *)uk, (size_t)un->ncols, t->nshards, &shard, err) != 0)
            return -1;
        Orbit__ShardOp *op = sql_wb_add(wb, shard, kind, un->index_id, uk, un->ncols);
        if (kind == ORBIT__SHARD_OP__KIND__INSERT) {
            Orbit__Row *r = orb_alloc(xc->mcx, sizeof *r);
            orbit__row__init(r);
            r->n_cols = (size_t)nkey;
            r->cols = key;
            op->row = r;
            op->conflict_name = (char *)un->name;
            sql_wb_note(wb, shard, vals, un->cols, un->ncols);
        }
    }
    return 0;
}

static int add_row_insert(sql_exec_ctx_t *xc, sql_wb_t *wb, const sql_table_t *t,
                          const sql_value_t *vals, orb_err_t *err) {
    Orbit__Datum **key;
    int nkey;
    uint32_t shard;
    if (row_key(xc, t, vals, &key, &nkey, &shard, err) != 0) return -1;
    Orbit__ShardOp *op = sql_wb_add(wb, shard, ORBIT__SHARD_OP__KIND__INSERT, 0, key, nkey);
    op->row = sql_pb_row(xc->mcx, t, vals);
    if (t->npk) {
        op->conflict_name = t->pk_name;
        sql_wb_note(wb, shard, vals, t->pk, t->npk);
    }
    return add_unique_entries(xc, wb, t, vals, key, nkey, ORBIT__SHARD_OP__KIND__INSERT, err);
}

static int column_default(sql_exec_ctx_t *xc, const sql_query_t *q, int c, sql_value_t *out,
                          orb_err_t *err) {
    const sql_column_def_t *cd = &q->table->cols[c];
    if (cd->seq_id) {
        int64_t v;
        if (act_seq_next(sql_session_rt(xc->sess), cd->seq_id, &v, err) != 0) return -1;
        sql_session_seq_note(xc->sess, cd->seq_id, v, true); /* currval()/lastval() see it */
        out->isnull = false;
        sql_value_t iv = {.isnull = false, .v.i = v};
        if (cd->type == SQL_OID_INT8 || cd->type == SQL_OID_INT4 || cd->type == SQL_OID_INT2)
            return sql_value_cast(SQL_OID_INT8, cd->type, -1, &iv, xc->mcx, out, err);
        *out = iv;
        return 0;
    }
    if (q->defaults && q->defaults[c]) {
        sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
        return sql_expr_eval(&ec, q->defaults[c], out, err);
    }
    out->isnull = true;
    return 0;
}

static int returning_row(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res,
                         const sql_value_t *row, orb_err_t *err) {
    if (!q->returning) return 0;
    sql_eval_ctx_t ec = sql_eval_ctx(xc, row);
    sql_value_t *o;
    if (project(&ec, q, &o, err) != 0) return -1;
    result_add(res, xc->mcx, o);
    return 0;
}

/* Locks and reads the row a key names; *found false when absent. */
static int lock_get(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t index_id,
                    Orbit__Datum **key, int nkey, sql_value_t **row, Orbit__Row **rawrow,
                    bool *found, orb_err_t *err) {
    act_call_t *call;
    Orbit__OpResult *r;
    int rc = sql_shard_get(xc, t, index_id, key, nkey, true, &call, &r, err);
    *found = false;
    if (rc == 0 && r->n_rows == 1) {
        *found = true;
        if (rawrow) *rawrow = sql_pb_row_copy(xc->mcx, r->rows[0]);
        if (row) rc = sql_row_from_pb(t, r->rows[0], xc->mcx, row, err);
    }
    act_call_free(call);
    return rc;
}

typedef struct update_item {
    sql_value_t *old;
    Orbit__Row *key;
} update_item_t;

/* Writes the new version of a row: same key -> PUT, new key -> DELETE + INSERT; unique
 * index entries follow changed values. */
static int add_row_update(sql_exec_ctx_t *xc, sql_wb_t *wb, const sql_table_t *t,
                          const sql_value_t *old, Orbit__Row *oldkey, const sql_value_t *nw,
                          orb_err_t *err) {
    bool key_changed = false;
    for (int i = 0; i < t->npk; i++)
        if (!values_equal(t->cols[t->pk[i]].type, &old[t->pk[i]], &nw[t->pk[i]])) key_changed = true;
    Orbit__Datum **key = oldkey->cols;
    int nkey = (int)oldkey->n_cols;
    uint32_t shard;
    if (key_changed) {
        if (act_shard_of((const Orbit__Datum *const *)key, (size_t)nkey, t->nshards, &shard, err) != 0)
            return -1;
        sql_wb_add(wb, shard, ORBIT__SHARD_OP__KIND__DELETE, 0, key, nkey);
        if (add_unique_entries(xc, wb, t, old, key, nkey, ORBIT__SHARD_OP__KIND__DELETE, err) != 0)
            return -1;
        return add_row_insert(xc, wb, t, nw, err);
    }
    if (act_shard_of((const Orbit__Datum *const *)key, (size_t)nkey, t->nshards, &shard, err) != 0)
        return -1;
    Orbit__ShardOp *op = sql_wb_add(wb, shard, ORBIT__SHARD_OP__KIND__PUT, 0, key, nkey);
    op->row = sql_pb_row(xc->mcx, t, nw);
    for (int u = 0; u < t->nunique; u++) {
        const sql_unique_t *un = &t->uniques[u];
        bool changed = false;
        for (int i = 0; i < un->ncols; i++)
            if (!values_equal(t->cols[un->cols[i]].type, &old[un->cols[i]], &nw[un->cols[i]])) changed = true;
        if (!changed) continue;
        sql_unique_t one = *un;
        sql_table_t tmp = *t;
        tmp.nunique = 1;
        tmp.uniques = &one;
        if (add_unique_entries(xc, wb, &tmp, old, key, nkey, ORBIT__SHARD_OP__KIND__DELETE, err) != 0)
            return -1;
        if (add_unique_entries(xc, wb, &tmp, nw, key, nkey, ORBIT__SHARD_OP__KIND__INSERT, err) != 0)
            return -1;
    }
    return 0;
}

static int compute_update(sql_exec_ctx_t *xc, sql_query_t *q, const sql_value_t *old,
                          const sql_value_t *excluded, sql_value_t **out, orb_err_t *err) {
    const sql_table_t *t = q->table;
    sql_value_t *nw = orb_memdup(xc->mcx, old, sizeof *old * (size_t)(t->ncols + 1));
    sql_eval_ctx_t ec = sql_eval_ctx(xc, old);
    ec.excluded = excluded;
    for (int i = 0; i < q->nset; i++) {
        int c = q->set_cols[i];
        if (!q->set_exprs[i]) {
            if (column_default(xc, q, c, &nw[c], err) != 0) return -1;
        } else if (sql_expr_eval(&ec, q->set_exprs[i], &nw[c], err) != 0) {
            return -1;
        }
    }
    if (check_not_null(xc, t, nw, err) != 0 || sql_constraints_row(xc, q, nw, err) != 0) return -1;
    *out = nw;
    return 0;
}

static int build_insert_row(sql_exec_ctx_t *xc, sql_query_t *q, int r, sql_value_t **out,
                            orb_err_t *err) {
    const sql_table_t *t = q->table;
    sql_value_t *vals = orb_alloc0(xc->mcx, sizeof *vals * (size_t)(t->ncols + 1));
    sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
    for (int c = 0; c < t->ncols; c++) {
        if (q->rows[r][c]) {
            if (sql_expr_eval(&ec, q->rows[r][c], &vals[c], err) != 0) return -1;
        } else if (column_default(xc, q, c, &vals[c], err) != 0) {
            return -1;
        }
    }
    if (check_not_null(xc, t, vals, err) != 0 || sql_constraints_row(xc, q, vals, err) != 0) return -1;
    *out = vals;
    return 0;
}

/* Fills the columns the statement did not give (q->explicit_cols false) with their defaults,
 * then checks NOT NULL and CHECK. Shared by INSERT ... SELECT and COPY FROM. */
static int complete_row(sql_exec_ctx_t *xc, const sql_query_t *q, sql_value_t *vals,
                        orb_err_t *err) {
    const sql_table_t *t = q->table;
    for (int c = 0; c < t->ncols; c++)
        if (!q->explicit_cols[c] && column_default(xc, q, c, &vals[c], err) != 0) return -1;
    if (check_not_null(xc, t, vals, err) != 0 || sql_constraints_row(xc, q, vals, err) != 0) return -1;
    return 0;
}

/* A row of INSERT ... SELECT: the query's values in their columns, defaults elsewhere. */
static int build_src_row(sql_exec_ctx_t *xc, sql_query_t *q, const sql_value_t *src,
                         sql_value_t **out, orb_err_t *err) {
    const sql_table_t *t = q->table;
    sql_value_t *vals = orb_alloc0(xc->mcx, sizeof *vals * (size_t)(t->ncols + 1));
    for (int i = 0; i < q->insert_src->ntargets; i++) vals[q->insert_cols[i]] = src[i];
    if (complete_row(xc, q, vals, err) != 0) return -1;
    *out = vals;
    return 0;
}

int sql_exec_insert_row(sql_exec_ctx_t *xc, sql_query_t *q, sql_wb_t *wb, sql_value_t *vals,
                        orb_err_t *err) {
    if (complete_row(xc, q, vals, err) != 0) return -1;
    return add_row_insert(xc, wb, q->table, vals, err);
}

static int exec_insert(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res, orb_err_t *err) {
    const sql_table_t *t = q->table;
    act_runtime_t *rt = sql_session_rt(xc->sess);
    sql_wb_t wb;
    sql_wb_init(&wb, xc->mcx, t, xc->txn_id);
    sql_rowset_t fkrows = {0}; /* new rows whose foreign keys are checked once all are written */
    int64_t count = 0, updated = 0; /* rows written; of them, updated by ON CONFLICT */
    /* INSERT ... SELECT reads everything first, so it never sees its own rows */
    sql_result_t src;
    memset(&src, 0, sizeof src);
    if (q->insert_src && sql_exec_query(xc, q->insert_src, &src, err) != 0) return -1;
    int64_t nrows = q->insert_src ? src.nrows : q->nrows;
    for (int64_t r = 0; r < nrows; r++) {
        sql_value_t *vals;
        if (q->insert_src ? build_src_row(xc, q, src.rows[r], &vals, err) != 0
                          : build_insert_row(xc, q, (int)r, &vals, err) != 0)
            return -1;
        if (!q->on_conflict) {
            if (add_row_insert(xc, &wb, t, vals, err) != 0) return -1;
            if (t->nfks) sql_rowset_add(&fkrows, xc->mcx, vals);
            if (returning_row(xc, q, res, vals, err) != 0) return -1;
            count++;
            if (wb.total >= 4096 && sql_wb_flush(&wb, rt, err) != 0) return -1;
            continue;
        }
        /* ON CONFLICT: row at a time, locking the conflicting key first */
        if (sql_wb_flush(&wb, rt, err) != 0) return -1;
        sql_value_t *existing = NULL;
        Orbit__Row *existing_key = NULL;
        bool found = false;
        bool check_pk = q->nconflict_cols == 0 || (t->npk && q->nconflict_cols == t->npk);
        if (q->nconflict_cols && t->npk && q->nconflict_cols == t->npk) {
            for (int i = 0; i < t->npk && check_pk; i++) {
                bool in = false;
                for (int j = 0; j < q->nconflict_cols; j++) in |= q->conflict_cols[j] == t->pk[i];
                check_pk = in;
            }
        }
        if (check_pk && t->npk) {
            Orbit__Datum **key = sql_pk_datums(xc->mcx, t, vals);
            if (lock_get(xc, t, 0, key, t->npk, &existing, NULL, &found, err) != 0) return -1;
            if (found) {
                existing_key = orb_alloc(xc->mcx, sizeof *existing_key);
                orbit__row__init(existing_key);
                existing_key->n_cols = (size_t)t->npk;
                existing_key->cols = key;
            }
        }
        for (int u = 0; u < t->nunique && !found; u++) {
            const sql_unique_t *un = &t->uniques[u];
            if (!un->unique) continue;
            if (q->nconflict_cols && q->nconflict_cols != un->ncols) continue;
            if (q->nconflict_cols) {
                bool match = true;
                for (int i = 0; i < un->ncols && match; i++) {
                    bool in = false;
                    for (int j = 0; j < q->nconflict_cols; j++) in |= q->conflict_cols[j] == un->cols[i];
                    match = in;
                }
                if (!match) continue;
            }
            if (any_null(vals, un->cols, un->ncols)) continue;
            Orbit__Datum **uk = cols_datums(xc->mcx, t, un->cols, un->ncols, vals);
            Orbit__Row *pkrow = NULL;
            bool ifound;
            if (lock_get(xc, t, un->index_id, uk, un->ncols, NULL, &pkrow, &ifound, err) != 0) return -1;
            if (ifound) {
                if (lock_get(xc, t, 0, pkrow->cols, (int)pkrow->n_cols, &existing, NULL, &found, err) != 0)
                    return -1;
                existing_key = pkrow;
            }
        }
        if (!found) {
            if (add_row_insert(xc, &wb, t, vals, err) != 0) return -1;
            if (t->nfks) sql_rowset_add(&fkrows, xc->mcx, vals);
            if (sql_wb_flush(&wb, rt, err) != 0) return -1;
            if (returning_row(xc, q, res, vals, err) != 0) return -1;
            count++;
            continue;
        }
        if (q->on_conflict == 1) continue; /* DO NOTHING */
        if (q->conflict_where) {
            sql_eval_ctx_t ec = sql_eval_ctx(xc, existing);
            ec.excluded = vals;
            bool ok;
            if (sql_expr_eval_bool(&ec, q->conflict_where, &ok, err) != 0) return -1;
            if (!ok) continue;
        }
        sql_value_t *nw;
        if (compute_update(xc, q, existing, vals, &nw, err) != 0) return -1;
        if (add_row_update(xc, &wb, t, existing, existing_key, nw, err) != 0) return -1;
        if (t->nfks) sql_rowset_add(&fkrows, xc->mcx, nw);
        if (sql_wb_flush(&wb, rt, err) != 0) return -1;
        if (returning_row(xc, q, res, nw, err) != 0) return -1;
        count++;
        updated++;
    }
    if (sql_wb_flush(&wb, rt, err) != 0) return -1;
    for (int64_t i = 0; i < fkrows.n; i++)
        if (sql_constraints_fk(xc, t, fkrows.rows[i], err) != 0) return -1;
    sql_stats_note_write(sql_session_stats_xact(xc->sess), t->id, count - updated, updated, 0);
    snprintf(res->tag, sizeof res->tag, "INSERT 0 %lld", (long long)count);
    return 0;
}

typedef struct collect_state {
    sql_exec_ctx_t *xc;
    sql_query_t *q;
    update_item_t *items;
    size_t n, cap;
    orb_err_t *err;
} collect_state_t;

static int collect_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    collect_state_t *cs = arg;
    cs->q->act_scan_rows++;
    if (sql_check_interrupts(cs->xc->sess, cs->err) != 0) return -1;
    if (cs->q->where) {
        sql_eval_ctx_t ec = sql_eval_ctx(cs->xc, row);
        bool ok;
        if (sql_expr_eval_bool(&ec, cs->q->where, &ok, cs->err) != 0) return -1;
        if (!ok) return 0;
    }
    if (!key) return orb_err_set(cs->err, INTERNAL_ERROR, "scan returned a row without its key");
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 64;
        cs->items = orb_realloc(cs->xc->mcx, cs->items, sizeof *cs->items * cs->cap, sizeof *cs->items * nc);
        cs->cap = nc;
    }
    cs->items[cs->n].old = row;
    cs->items[cs->n].key = sql_pb_row_copy(cs->xc->mcx, key);
    cs->n++;
    return 0;
}

static int exec_update_delete(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res,
                              orb_err_t *err) {
    const sql_table_t *t = q->table;
    act_runtime_t *rt = sql_session_rt(xc->sess);
    collect_state_t cs = {.xc = xc, .q = q, .err = err};
    /* rows are locked and read at their latest committed version, then re-checked (as
     * PostgreSQL's READ COMMITTED re-evaluates WHERE on the updated row) */
    if (sql_shard_scan(xc, q->table, &q->path, 0, q->table->ncols, true, collect_cb, &cs, err) != 0)
        return -1;
    sql_wb_t wb;
    sql_wb_init(&wb, xc->mcx, t, xc->txn_id);
    sql_rowset_t fkrows = {0};
    for (size_t i = 0; i < cs.n; i++) {
        update_item_t *it = &cs.items[i];
        if (q->kind == SQL_STMT_DELETE) {
            if (sql_constraints_parent(xc, t, it->old, NULL, err) != 0) return -1;
            uint32_t shard;
            if (act_shard_of((const Orbit__Datum *const *)it->key->cols, it->key->n_cols, t->nshards,
                             &shard, err) != 0)
                return -1;
            sql_wb_add(&wb, shard, ORBIT__SHARD_OP__KIND__DELETE, 0, it->key->cols, (int)it->key->n_cols);
            if (add_unique_entries(xc, &wb, t, it->old, it->key->cols, (int)it->key->n_cols,
                                   ORBIT__SHARD_OP__KIND__DELETE, err) != 0)
                return -1;
            if (returning_row(xc, q, res, it->old, err) != 0) return -1;
        } else {
            sql_value_t *nw;
            if (compute_update(xc, q, it->old, NULL, &nw, err) != 0) return -1;
            if (sql_constraints_parent(xc, t, it->old, nw, err) != 0) return -1;
            if (add_row_update(xc, &wb, t, it->old, it->key, nw, err) != 0) return -1;
            if (t->nfks) sql_rowset_add(&fkrows, xc->mcx, nw);
            if (returning_row(xc, q, res, nw, err) != 0) return -1;
        }
        if (wb.total >= 4096 && sql_wb_flush(&wb, rt, err) != 0) return -1;
    }
    if (sql_wb_flush(&wb, rt, err) != 0) return -1;
    for (int64_t i = 0; i < fkrows.n; i++)
        if (sql_constraints_fk(xc, t, fkrows.rows[i], err) != 0) return -1;
    bool del = q->kind == SQL_STMT_DELETE;
    sql_stats_note_write(sql_session_stats_xact(xc->sess), t->id, 0, del ? 0 : (int64_t)cs.n,
                         del ? (int64_t)cs.n : 0);
    snprintf(res->tag, sizeof res->tag, "%s %zu", del ? "DELETE" : "UPDATE", cs.n);
    return 0;
}

double sql_clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int sql_exec_query(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res, orb_err_t *err) {
    if (xc->lateral_row) {
        /* a LATERAL join's left row belongs to the query running the join, not to the
         * queries it starts (their rows have other widths) */
        sql_exec_ctx_t x = *xc;
        x.lateral_row = NULL;
        return sql_exec_query(&x, q, res, err);
    }
    if (xc->instrument) {
        double t0 = sql_clock_ms();
        int64_t n0 = res->nrows;
        int rc;
        switch (q->kind) {
        case SQL_STMT_SELECT: rc = exec_select(xc, q, res, err); break;
        case SQL_STMT_INSERT: rc = exec_insert(xc, q, res, err); break;
        case SQL_STMT_UPDATE:
        case SQL_STMT_DELETE: rc = exec_update_delete(xc, q, res, err); break;
        default: rc = orb_err_set(err, INTERNAL_ERROR, "not an executable query");
        }
        q->act_ms += sql_clock_ms() - t0;
        if (q->kind == SQL_STMT_SELECT) {
            q->act_rows += res->nrows - n0;
        } else {
            /* writes: the count of the command tag ("UPDATE 3", "INSERT 0 3") */
            const char *sp = strrchr(res->tag, ' ');
            if (rc == 0 && sp) q->act_rows += strtoll(sp + 1, NULL, 10);
        }
        return rc;
    }
    switch (q->kind) {
    case SQL_STMT_SELECT:
        return exec_select(xc, q, res, err);
    case SQL_STMT_INSERT:
        return exec_insert(xc, q, res, err);
    case SQL_STMT_UPDATE:
    case SQL_STMT_DELETE:
        return exec_update_delete(xc, q, res, err);
    default:
        return orb_err_set(err, INTERNAL_ERROR, "not an executable query");
    }
}
