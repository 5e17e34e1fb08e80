/* sql/sql_shard.c — how the executor talks to table-shard actors: building ShardOp and
 * ShardRequest messages from SQL values, scatter-gather scans in batches, point reads, and
 * per-shard write batches sent in parallel. Entry points: sql_shard_scan, sql_wb_*.
 * Always messages (never direct storage calls), so shards can move to other nodes. */
#include "sql_shard.h"
#include "sql_stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCAN_BATCH 2048

Orbit__Datum *sql_pb_datum(orb_mcx_t *mcx, uint32_t type, const sql_value_t *v) {
    Orbit__Datum *d = orb_alloc(mcx, sizeof *d);
    orbit__datum__init(d);
    sql_value_to_datum(type, v, d);
    return d;
}

Orbit__Datum **sql_pb_datums(orb_mcx_t *mcx, int n) {
    return orb_alloc0(mcx, sizeof(Orbit__Datum *) * (size_t)(n ? n : 1));
}

Orbit__Row *sql_pb_row(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals) {
    Orbit__Row *r = orb_alloc(mcx, sizeof *r);
    orbit__row__init(r);
    /* ALTER TABLE DROP COLUMN (sql_alter.c): rows keep one slot per stored column; a
     * dropped column's slot is NULL, live column i goes to slot phys[i]. */
    int np = t->nphys > t->ncols ? t->nphys : t->ncols;
    r->n_cols = (size_t)np;
    r->cols = sql_pb_datums(mcx, np);
    for (int i = 0; i < t->ncols; i++) {
        int p = t->phys ? t->phys[i] : i;
        r->cols[p] = sql_pb_datum(mcx, t->cols[i].type, &vals[i]);
    }
    for (int p = 0; p < np; p++)
        if (!r->cols[p]) {
            static const sql_value_t null_val = {.isnull = true};
            r->cols[p] = sql_pb_datum(mcx, SQL_OID_TEXT, &null_val);
        }
    return r;
}

int sql_row_from_pb_at(const sql_table_t *t, const Orbit__Row *r, orb_mcx_t *mcx, int offset,
                       int width, sql_value_t **out, orb_err_t *err) {
    if (width < offset + t->ncols) width = offset + t->ncols;
    sql_value_t *all = orb_alloc0(mcx, sizeof *all * (size_t)(width + 1));
    sql_value_t *vals = all + offset;
    for (int i = 0; i < t->ncols; i++) {
        /* ALTER TABLE (sql_alter.c): live column i is stored at phys[i] (dropped columns keep
         * their slots); a row written before the column was added reads its missing value */
        size_t p = t->phys ? (size_t)t->phys[i] : (size_t)i;
        if (p >= r->n_cols) {
            if (!t->cols[i].missing) {
                vals[i].isnull = true;
                continue;
            }
            if (sql_value_from_datum(t->cols[i].type, t->cols[i].missing, mcx, &vals[i], err) != 0)
                return -1;
            continue;
        }
        if (sql_value_from_datum(t->cols[i].type, r->cols[p], mcx, &vals[i], err) != 0) return -1;
    }
    *out = all;
    return 0;
}

int sql_row_from_pb(const sql_table_t *t, const Orbit__Row *r, orb_mcx_t *mcx, sql_value_t **out,
                    orb_err_t *err) {
    return sql_row_from_pb_at(t, r, mcx, 0, t->ncols, out, err);
}

/* Copies a key row so it outlives the reply it came from. */
Orbit__Row *sql_pb_row_copy(orb_mcx_t *mcx, const Orbit__Row *src) {
    Orbit__Row *r = orb_alloc(mcx, sizeof *r);
    orbit__row__init(r);
    r->n_cols = src->n_cols;
    r->cols = sql_pb_datums(mcx, (int)src->n_cols);
    for (size_t i = 0; i < src->n_cols; i++) {
        Orbit__Datum *d = orb_memdup(mcx, src->cols[i], sizeof *d);
        if (d->v_case == ORBIT__DATUM__V_S) d->s.data = orb_memdup(mcx, d->s.data, d->s.len);
        if (d->v_case == ORBIT__DATUM__V_BIN) d->bin.data = orb_memdup(mcx, d->bin.data, d->bin.len);
        if (d->v_case == ORBIT__DATUM__V_NUMERIC) d->numeric = orb_strdup(mcx, d->numeric);
        r->cols[i] = d;
    }
    return r;
}

/* Key datums of a row: the primary key columns. Tables without a primary key have no key
 * in their rows; their keys come from scans. */
Orbit__Datum **sql_pk_datums(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals) {
    Orbit__Datum **k = sql_pb_datums(mcx, t->npk);
    for (int i = 0; i < t->npk; i++) k[i] = sql_pb_datum(mcx, t->cols[t->pk[i]].type, &vals[t->pk[i]]);
    return k;
}

const char *sql_value_text(orb_mcx_t *mcx, uint32_t type, const sql_value_t *v) {
    if (v->isnull) return "null";
    orb_buf_t b;
    orb_buf_init(&b);
    orb_err_t e;
    const char *s = "?";
    if (sql_value_out(type, -1, v, &b, &e) == 0) s = orb_strndup(mcx, b.data ? b.data : "", b.len);
    orb_buf_free(&b);
    return s;
}

/* "Key (a, b)=(1, x) already exists." */
const char *sql_key_detail(orb_mcx_t *mcx, const sql_table_t *t, const int *cols, int n,
                              const sql_value_t *vals) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_puts(&b, "Key (");
    for (int i = 0; i < n; i++) {
        if (i) orb_buf_puts(&b, ", ");
        orb_buf_puts(&b, t->cols[cols[i]].name);
    }
    orb_buf_puts(&b, ")=(");
    for (int i = 0; i < n; i++) {
        if (i) orb_buf_puts(&b, ", ");
        orb_buf_puts(&b, sql_value_text(mcx, t->cols[cols[i]].type, &vals[cols[i]]));
    }
    orb_buf_puts(&b, ") already exists.");
    const char *s = orb_strndup(mcx, b.data, b.len);
    orb_buf_free(&b);
    return s;
}

/* ---- write batches ------------------------------------------------------------------------ */

void sql_wb_init(sql_wb_t *wb, orb_mcx_t *mcx, const sql_table_t *t, uint64_t txn_id) {
    memset(wb, 0, sizeof *wb);
    wb->mcx = mcx;
    wb->table = t;
    wb->txn_id = txn_id;
    wb->ops = orb_alloc0(mcx, sizeof *wb->ops * t->nshards);
    wb->nops = orb_alloc0(mcx, sizeof *wb->nops * t->nshards);
    wb->caps = orb_alloc0(mcx, sizeof *wb->caps * t->nshards);
    wb->notes = orb_alloc0(mcx, sizeof *wb->notes * t->nshards);
}

void sql_wb_note(sql_wb_t *wb, uint32_t shard, const sql_value_t *vals, const int *cols, int ncols) {
    sql_wb_note_t *n = orb_alloc(wb->mcx, sizeof *n);
    n->vals = vals;
    n->cols = cols;
    n->ncols = ncols;
    n->row_no = wb->row_no;
    wb->notes[shard][wb->nops[shard] - 1] = n;
}

Orbit__ShardOp *sql_wb_add(sql_wb_t *wb, uint32_t shard, Orbit__ShardOp__Kind kind,
                           uint32_t index_id, Orbit__Datum **key, int nkey) {
    if (wb->nops[shard] == wb->caps[shard]) {
        size_t nc = wb->caps[shard] ? wb->caps[shard] * 2 : 16;
        wb->ops[shard] = orb_realloc(wb->mcx, wb->ops[shard], sizeof(Orbit__ShardOp *) * wb->caps[shard],
                                     sizeof(Orbit__ShardOp *) * nc);
        wb->notes[shard] = orb_realloc(wb->mcx, wb->notes[shard], sizeof(sql_wb_note_t *) * wb->caps[shard],
                                       sizeof(sql_wb_note_t *) * nc);
        wb->caps[shard] = nc;
    }
    Orbit__ShardOp *op = orb_alloc(wb->mcx, sizeof *op);
    orbit__shard_op__init(op);
    op->kind = kind;
    op->index_id = index_id;
    op->key = key;
    op->n_key = (size_t)nkey;
    wb->notes[shard][wb->nops[shard]] = NULL;
    wb->ops[shard][wb->nops[shard]++] = op;
    wb->total++;
    return op;
}

void sql_wb_post(sql_wb_t *wb, act_runtime_t *rt) {
    const sql_table_t *t = wb->table;
    wb->calls = orb_alloc0(wb->mcx, sizeof *wb->calls * t->nshards);
    for (uint32_t s = 0; s < t->nshards; s++) {
        if (!wb->nops[s]) continue;
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = wb->txn_id;
        req.table_id = t->id;
        req.shard = s;
        req.schema_version = t->version;
        req.n_ops = wb->nops[s];
        req.ops = wb->ops[s];
        req.bulk = wb->bulk;
        req.bulk_files = wb->bulk_files;
        wb->calls[s] = act_call_post(rt, ACT_TABLE_SHARD, &req);
    }
}

int sql_wb_wait(sql_wb_t *wb, orb_err_t *err) {
    const sql_table_t *t = wb->table;
    act_call_t **calls = wb->calls;
    int rc = 0;
    for (uint32_t s = 0; calls && s < t->nshards; s++) {
        if (!calls[s]) continue;
        Orbit__ShardReply *reply = NULL;
        orb_err_t e;
        if (act_call_wait(calls[s], &reply, &e) != 0 && rc == 0) {
            /* the DETAIL of a unique violation is formatted here, only when it happens */
            if (e.code == ORB_SQLSTATE_UNIQUE_VIOLATION && !e.detail[0] && reply &&
                reply->failed_op > 0 && reply->failed_op <= wb->nops[s]) {
                sql_wb_note_t *n = wb->notes[s][reply->failed_op - 1];
                if (n)
                    wb->failed_row_no = n->row_no;
                if (n)
                    snprintf(e.detail, sizeof e.detail, "%s",
                             sql_key_detail(wb->mcx, t, n->cols, n->ncols, n->vals));
            }
            if (e.code == ORB_SQLSTATE_UNIQUE_VIOLATION)
                snprintf(e.table, sizeof e.table, "%s", t->name);
            *err = e;
            rc = -1;
        }
        act_call_free(calls[s]);
        wb->nops[s] = 0;
    }
    wb->calls = NULL;
    wb->total = 0;
    return rc;
}

int sql_wb_flush(sql_wb_t *wb, act_runtime_t *rt, orb_err_t *err) {
    sql_wb_post(wb, rt);
    return sql_wb_wait(wb, err);
}

/* ---- single requests ---------------------------------------------------------------------- */

Orbit__ShardReply *sql_shard_gather(act_call_t *call, int *rc, orb_err_t *err) {
    Orbit__ShardReply *reply;
    orb_err_t e;
    if (act_call_wait(call, &reply, &e) == 0) return reply;
    if (*rc == 0) {
        *err = e;
        *rc = -1;
    }
    return NULL;
}

act_call_t *sql_shard_post1(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t shard,
                            Orbit__ShardOp *op) {
    return sql_shard_post1_in(NULL, xc, t, shard, op);
}

act_call_t *sql_shard_post1_in(act_gather_t *g, sql_exec_ctx_t *xc, const sql_table_t *t,
                               uint32_t shard, Orbit__ShardOp *op) {
    Orbit__ShardOp *ops[1] = {op};
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.txn_id = xc->txn_id;
    req.table_id = t->id;
    req.shard = shard;
    req.schema_version = t->version;
    req.n_ops = 1;
    req.ops = ops;
    act_runtime_t *rt = sql_session_rt(xc->sess);
    return g ? act_call_post_in(g, rt, ACT_TABLE_SHARD, &req) : act_call_post(rt, ACT_TABLE_SHARD, &req);
}

int sql_shard_get(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t index_id,
                  Orbit__Datum **key, int nkey, bool lock, act_call_t **call,
                  Orbit__OpResult **res, orb_err_t *err) {
    *call = NULL;
    *res = NULL;
    uint32_t shard;
    if (act_shard_of((const Orbit__Datum *const *)key, (size_t)nkey, t->nshards, &shard, err) != 0)
        return -1;
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = lock ? ORBIT__SHARD_OP__KIND__LOCK_GET : ORBIT__SHARD_OP__KIND__GET;
    op.index_id = index_id;
    op.key = key;
    op.n_key = (size_t)nkey;
    *call = sql_shard_post1(xc, t, shard, &op);
    Orbit__ShardReply *reply;
    if (act_call_wait(*call, &reply, err) != 0) return -1;
    if (reply->n_results != 1) return orb_err_set(err, INTERNAL_ERROR, "shard reply without a result");
    *res = reply->results[0];
    return 0;
}

/* ---- reads ----------------------------------------------------------------------------------- */

static int eval_key(sql_exec_ctx_t *xc, sql_expr_t *e, uint32_t type, Orbit__Datum **out,
                    bool *null, orb_err_t *err) {
    sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
    ec.fn.mcx = xc->mcx; /* bounds outlive every row of the scan */
    sql_value_t v;
    if (sql_expr_eval(&ec, e, &v, err) != 0) return -1;
    if (v.isnull) {
        *null = true;
        return 0;
    }
    *out = sql_pb_datum(xc->mcx, type, &v);
    return 0;
}

static int deliver(sql_exec_ctx_t *xc, const sql_table_t *t, int offset, int width,
                   Orbit__OpResult *r, int (*row_cb)(void *, sql_value_t *, Orbit__Row *),
                   void *arg, orb_err_t *err) {
    for (size_t i = 0; i < r->n_rows; i++) {
        sql_value_t *vals;
        orb_mcx_t *m = xc->row_mcx ? xc->row_mcx : xc->mcx;
        if (sql_row_from_pb_at(t, r->rows[i], m, offset, width, &vals, err) != 0) return -1;
        /* an index scan names each row by its primary key (pks); a key scan by its key */
        Orbit__Row *key = i < r->n_pks ? r->pks[i] : i < r->n_keys ? r->keys[i] : NULL;
        int rc = row_cb(arg, vals, key);
        if (rc != 0) return rc; /* an error, or SQL_SCAN_STOP */
    }
    return 0;
}

/* Key order of two scanned keys as storage orders them (NULL last, NaN after every float). */
static int datum_cmp(const Orbit__Datum *a, const Orbit__Datum *b) {
    bool an = a->v_case == ORBIT__DATUM__V_IS_NULL, bn = b->v_case == ORBIT__DATUM__V_IS_NULL;
    if (an || bn) return an == bn ? 0 : an ? 1 : -1;
    switch (a->v_case) {
    case ORBIT__DATUM__V_B:
        return (int)a->b - (int)b->b;
    case ORBIT__DATUM__V_I:
        return a->i < b->i ? -1 : a->i > b->i;
    case ORBIT__DATUM__V_F:
        if (isnan(a->f)) return isnan(b->f) ? 0 : 1;
        if (isnan(b->f)) return -1;
        return a->f < b->f ? -1 : a->f > b->f;
    case ORBIT__DATUM__V_NUMERIC:
        return sql_numeric_cmp(a->numeric, b->numeric);
    case ORBIT__DATUM__V_S:
    case ORBIT__DATUM__V_BIN: {
        const ProtobufCBinaryData *x = a->v_case == ORBIT__DATUM__V_S ? &a->s : &a->bin;
        const ProtobufCBinaryData *y = b->v_case == ORBIT__DATUM__V_S ? &b->s : &b->bin;
        size_t m = x->len < y->len ? x->len : y->len;
        int c = m ? memcmp(x->data, y->data, m) : 0;
        return c ? c : (x->len < y->len ? -1 : x->len > y->len);
    }
    default:
        return 0;
    }
}

static int key_cmp(const Orbit__Row *a, const Orbit__Row *b) {
    size_t n = a->n_cols < b->n_cols ? a->n_cols : b->n_cols;
    for (size_t i = 0; i < n; i++) {
        int c = datum_cmp(a->cols[i], b->cols[i]);
        if (c) return c;
    }
    return a->n_cols < b->n_cols ? -1 : a->n_cols > b->n_cols;
}

/* One shard's part of an ordered scan: its current batch and where the next one starts. */
typedef struct merge_src {
    act_call_t *call;
    Orbit__OpResult *r;  /* current batch (owned by call) */
    size_t pos;
    bool last;           /* the batch was the shard's last */
    Orbit__Row *resume;  /* key of the batch's last row */
} merge_src_t;

/* Rows in key order across every shard (path.ordered): each shard returns its range in key
 * order, forwards or backwards; the coordinator merges the streams, so a LIMIT stops the scan
 * after reading about limit rows per shard. */
static int ordered_scan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p,
                        int offset, int width, Orbit__Datum **lower, int nlower, bool lower_incl,
                        Orbit__Datum **upper, int nupper, bool upper_incl,
                        int (*row_cb)(void *, sql_value_t *, Orbit__Row *), void *arg,
                        orb_err_t *err) {
    uint32_t ns = t->nshards;
    merge_src_t *src = orb_alloc0(xc->mcx, sizeof *src * ns);
    uint64_t batch = p->want > 0 && p->want < SCAN_BATCH ? (uint64_t)p->want + 1 : SCAN_BATCH;
    int rc = 0;
    /* refill: post the next batch of every shard in need, then wait for them all */
    bool first = true;
    for (;;) {
        act_gather_t g;
        act_gather_init(&g);
        for (uint32_t s = 0; s < ns; s++) {
            merge_src_t *m = &src[s];
            if (m->call || (!first && (m->last || (m->r && m->pos < m->r->n_rows)))) continue;
            Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
            op.kind = ORBIT__SHARD_OP__KIND__SCAN;
            op.limit = batch;
            op.reverse = p->reverse;
            if (p->access == SQL_ACCESS_INDEX) {
                op.index_id = p->index->index_id;
                op.fetch_pk_cols = (uint32_t)(t->npk ? t->npk : 1);
            }
            op.lower = lower;
            op.n_lower = (size_t)nlower;
            op.lower_incl = lower_incl;
            op.upper = upper;
            op.n_upper = (size_t)nupper;
            op.upper_incl = upper_incl;
            if (m->resume && p->reverse) {
                op.upper = m->resume->cols;
                op.n_upper = m->resume->n_cols;
                op.upper_incl = false;
            } else if (m->resume) {
                op.lower = m->resume->cols;
                op.n_lower = m->resume->n_cols;
                op.lower_incl = false;
            }
            m->call = sql_shard_post1_in(&g, xc, t, s, &op);
        }
        act_gather_wait(&g); /* one wake-up for the batch */
        first = false;
        for (uint32_t s = 0; s < ns; s++) {
            merge_src_t *m = &src[s];
            if (!m->call || m->r) continue;
            Orbit__ShardReply *reply = sql_shard_gather(m->call, &rc, err);
            if (!reply) {
                act_call_free(m->call);
                m->call = NULL;
                m->last = true;
                continue;
            }
            m->r = reply->n_results == 1 ? reply->results[0] : NULL;
            m->pos = 0;
            if (!m->r || m->r->n_rows < batch || m->r->n_keys == 0)
                m->last = true;
            else
                m->resume = sql_pb_row_copy(xc->mcx, m->r->keys[m->r->n_keys - 1]);
        }
        if (rc != 0) break;
        batch = batch * 4 < SCAN_BATCH ? batch * 4 : SCAN_BATCH;
        /* emit while every shard still has a row buffered or is finished */
        bool need = false;
        while (!need && rc == 0) {
            int best = -1;
            for (uint32_t s = 0; s < ns; s++) {
                merge_src_t *m = &src[s];
                if (!m->r || m->pos >= m->r->n_rows) {
                    if (!m->last) need = true;
                    continue;
                }
                if (best < 0) {
                    best = (int)s;
                    continue;
                }
                int c = key_cmp(m->r->keys[m->pos], src[best].r->keys[src[best].pos]);
                if (p->reverse ? c > 0 : c < 0) best = (int)s;
            }
            if (need || best < 0) break;
            merge_src_t *m = &src[best];
            Orbit__OpResult one = *m->r;
            one.rows = m->r->rows + m->pos;
            one.n_rows = 1;
            one.keys = m->r->keys + m->pos;
            one.n_keys = 1;
            one.pks = m->r->n_pks > m->pos ? m->r->pks + m->pos : NULL;
            one.n_pks = one.pks ? 1 : 0;
            m->pos++;
            rc = deliver(xc, t, offset, width, &one, row_cb, arg, err);
        }
        if (rc != 0 || !need) break;
        /* release exhausted batches before asking for the next ones */
        for (uint32_t s = 0; s < ns; s++) {
            merge_src_t *m = &src[s];
            if (m->call && m->r && m->pos >= m->r->n_rows && !m->last) {
                act_call_free(m->call);
                m->call = NULL;
                m->r = NULL;
            }
        }
    }
    /* every posted call was waited for in the round that posted it */
    for (uint32_t s = 0; s < ns; s++)
        if (src[s].call) act_call_free(src[s].call);
    return rc == SQL_SCAN_STOP ? 0 : rc;
}

/* one range bound (lower or upper) after the equality prefix, when the path has it */
static int add_bound(sql_exec_ctx_t *xc, sql_expr_t *e, uint32_t type, bool incl,
                     Orbit__Datum **vals, int *n, bool *out_incl, bool *empty, orb_err_t *err) {
    if (!e) return 0;
    if (eval_key(xc, e, type, &vals[*n], empty, err) != 0) return -1;
    if (*empty) return 0;
    (*n)++;
    *out_incl = incl;
    return 0;
}

int sql_shard_key_range(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p,
                        sql_key_range_t *kr, orb_err_t *err) {
    memset(kr, 0, sizeof *kr);
    int nb = p->neq + 1;
    kr->lower = sql_pb_datums(xc->mcx, nb);
    kr->upper = sql_pb_datums(xc->mcx, nb);
    kr->lower_incl = kr->upper_incl = true;
    /* the key the path uses: the primary key, or a secondary index */
    const int *kcols = p->index ? p->index->cols : t->pk;
    for (int i = 0; i < p->neq; i++) {
        if (eval_key(xc, p->eq[i], t->cols[kcols[i]].type, &kr->lower[i], &kr->empty, err) != 0)
            return -1;
        if (kr->empty) return 0;
        kr->upper[i] = kr->lower[i];
    }
    kr->nlower = kr->nupper = p->neq;
    uint32_t type = p->neq < (p->index ? p->index->ncols : t->npk) ? t->cols[kcols[p->neq]].type : 0;
    if (add_bound(xc, p->lower, type, p->lower_incl, kr->lower, &kr->nlower, &kr->lower_incl,
                  &kr->empty, err) != 0)
        return -1;
    if (kr->empty) return 0;
    return add_bound(xc, p->upper, type, p->upper_incl, kr->upper, &kr->nupper, &kr->upper_incl,
                     &kr->empty, err);
}

/* The rows a scan hands on, for its statistics (sql_stats.c). */
typedef struct counted {
    int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key);
    void *arg;
    int64_t n;
} counted_t;

static int counted_cb(void *arg, sql_value_t *row, Orbit__Row *key) {
    counted_t *c = arg;
    c->n++;
    return c->row_cb(c->arg, row, key);
}

static int scan_rows(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset,
                     int width, bool for_update,
                     int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                     orb_err_t *err);

int sql_shard_scan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset,
                   int width, bool for_update,
                   int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                   orb_err_t *err) {
    if (t->sys || !xc->sess)
        return scan_rows(xc, t, p, offset, width, for_update, row_cb, arg, err);
    /* a full scan is sequential; a key lookup or range reads the primary key's index */
    int index_id = p->access == SQL_ACCESS_FULL                                 ? -1
                   : p->access == SQL_ACCESS_POINT || p->access == SQL_ACCESS_RANGE ? 0
                   : p->index                                                   ? (int)p->index->index_id
                                                                                : -1;
    counted_t c = {row_cb, arg, 0};
    int rc = scan_rows(xc, t, p, offset, width, for_update, counted_cb, &c, err);
    sql_stats_count_scan(sql_session_engine(xc->sess), t->id, index_id, c.n);
    return rc;
}

static int scan_rows(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset,
                     int width, bool for_update,
                     int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                     orb_err_t *err) {
    if (t->sys) {
        if (for_update)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "FOR UPDATE of a system relation is not supported");
        return sql_sysrel_scan(xc, t, offset, width, row_cb, arg, err);
    }
    if (p->access == SQL_ACCESS_VECTOR) {
        if (for_update)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "FOR UPDATE with a vector index scan is not supported yet");
        return sql_vscan(xc, t, p, offset, width, row_cb, arg, err);
    }
    sql_key_range_t kr;
    if (sql_shard_key_range(xc, t, p, &kr, err) != 0) return -1;
    if (kr.empty) return 0; /* a NULL bound value matches nothing */
    Orbit__Datum **lower = kr.lower, **upper = kr.upper;
    int nlower = kr.nlower, nupper = kr.nupper;
    bool lower_incl = kr.lower_incl, upper_incl = kr.upper_incl;
    if (p->access == SQL_ACCESS_POINT) {
        act_call_t *call;
        Orbit__OpResult *r;
        int rc = sql_shard_get(xc, t, 0, lower, p->neq, for_update, &call, &r, err);
        for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
            /* GET returns no key: the key is the one we asked for */
            sql_value_t *vals;
            Orbit__Row key = ORBIT__ROW__INIT;
            key.n_cols = (size_t)p->neq;
            key.cols = lower;
            rc = sql_row_from_pb_at(t, r->rows[i], xc->row_mcx ? xc->row_mcx : xc->mcx, offset,
                                    width, &vals, err);
            if (rc == 0) rc = row_cb(arg, vals, &key);
        }
        act_call_free(call);
        return rc == SQL_SCAN_STOP ? 0 : rc;
    }
    if (p->access == SQL_ACCESS_UNIQUE) {
        /* the global entry names the row's primary key; then the row, in its shard */
        act_call_t *call;
        Orbit__OpResult *r;
        int rc = sql_shard_get(xc, t, p->index->index_id, lower, p->neq, for_update, &call, &r, err);
        Orbit__Row *pk = NULL;
        if (rc == 0 && r->n_rows == 1) pk = sql_pb_row_copy(xc->mcx, r->rows[0]);
        act_call_free(call);
        if (rc != 0 || !pk) return rc;
        rc = sql_shard_get(xc, t, 0, pk->cols, (int)pk->n_cols, for_update, &call, &r, err);
        for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
            sql_value_t *vals;
            rc = sql_row_from_pb_at(t, r->rows[i], xc->row_mcx ? xc->row_mcx : xc->mcx, offset,
                                    width, &vals, err);
            if (rc == 0) rc = row_cb(arg, vals, pk);
        }
        act_call_free(call);
        return rc == SQL_SCAN_STOP ? 0 : rc;
    }
    if (p->ordered && !for_update)
        return ordered_scan(xc, t, p, offset, width, lower, nlower, lower_incl, upper, nupper,
                            upper_incl, row_cb, arg, err);
    /* one cursor per shard, advanced in batches until every shard is exhausted */
    uint32_t ns = t->nshards;
    Orbit__Row **resume = orb_alloc0(xc->mcx, sizeof *resume * ns);
    bool *done = orb_alloc0(xc->mcx, sizeof *done * ns);
    act_call_t **calls = orb_alloc0(xc->mcx, sizeof *calls * ns);
    uint32_t remaining = ns;
    int rc = 0;
    while (remaining > 0 && rc == 0) {
        for (uint32_t s = 0; s < ns; s++) {
            if (done[s]) continue;
            Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
            op.kind = ORBIT__SHARD_OP__KIND__SCAN;
            op.for_update = for_update;
            op.limit = SCAN_BATCH;
            if (p->access == SQL_ACCESS_INDEX) {
                op.index_id = p->index->index_id;
                op.fetch_pk_cols = (uint32_t)(t->npk ? t->npk : 1);
            }
            if (resume[s]) {
                op.lower = resume[s]->cols;
                op.n_lower = resume[s]->n_cols;
                op.lower_incl = false;
            } else {
                op.lower = lower;
                op.n_lower = (size_t)nlower;
                op.lower_incl = lower_incl;
            }
            op.upper = upper;
            op.n_upper = (size_t)nupper;
            op.upper_incl = upper_incl;
            calls[s] = sql_shard_post1(xc, t, s, &op);
        }
        for (uint32_t s = 0; s < ns; s++) {
            if (done[s]) continue;
            Orbit__ShardReply *reply = sql_shard_gather(calls[s], &rc, err);
            if (reply && rc == 0 && reply->n_results == 1) {
                Orbit__OpResult *r = reply->results[0];
                rc = deliver(xc, t, offset, width, r, row_cb, arg, err);
                if (r->n_rows < SCAN_BATCH || r->n_keys == 0) {
                    done[s] = true;
                    remaining--;
                } else {
                    resume[s] = sql_pb_row_copy(xc->mcx, r->keys[r->n_keys - 1]);
                }
            } else if (reply && rc == 0) {
                done[s] = true;
                remaining--;
            }
            act_call_free(calls[s]);
            calls[s] = NULL;
        }
    }
    return rc == SQL_SCAN_STOP ? 0 : rc;
}
