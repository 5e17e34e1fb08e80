/* sql/sql_shard.c — how the executor talks to table-shard actors: building ShardOp and
 * ShardRequest messages from SQL values, scatter-gather scans in batches, point reads, and
 * per-shard write batches sent in parallel. Entry points: sql_shard_scan, sql_wb_*.
 * Always messages (never direct storage calls), so shards can move to other nodes. */
#include "sql_shard.h"

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

int sql_wb_flush(sql_wb_t *wb, act_runtime_t *rt, orb_err_t *err) {
    const sql_table_t *t = wb->table;
    act_call_t **calls = orb_alloc0(wb->mcx, sizeof *calls * t->nshards);
    for (uint32_t s = 0; s < t->nshards; s++) {
        if (!wb->nops[s]) continue;
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = wb->txn_id;
        req.table_id = t->id;
        req.shard = s;
        req.schema_version = t->version;
        req.n_ops = wb->nops[s];
        req.ops = wb->ops[s];
        calls[s] = act_call_post(rt, ACT_TABLE_SHARD, &req);
    }
    int rc = 0;
    for (uint32_t s = 0; s < t->nshards; s++) {
        if (!calls[s]) continue;
        Orbit__ShardReply *reply = NULL;
        orb_err_t e;
        if (act_call_wait(calls[s], &reply, &e) != 0 && rc == 0) {
            /* the DETAIL of a unique violation is formatted here, only when it happens */
            if (e.code == ORB_SQLSTATE_UNIQUE_VIOLATION && !e.detail[0] && reply &&
                reply->failed_op > 0 && reply->failed_op <= wb->nops[s]) {
                sql_wb_note_t *n = wb->notes[s][reply->failed_op - 1];
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
    wb->total = 0;
    return rc;
}

/* ---- single requests ---------------------------------------------------------------------- */

act_call_t *sql_shard_post1(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t shard,
                            Orbit__ShardOp *op) {
    Orbit__ShardOp *ops[1] = {op};
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.txn_id = xc->txn_id;
    req.table_id = t->id;
    req.shard = shard;
    req.schema_version = t->version;
    req.n_ops = 1;
    req.ops = ops;
    return act_call_post(sql_session_rt(xc->sess), ACT_TABLE_SHARD, &req);
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

int sql_shard_scan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset,
                   int width, bool for_update,
                   int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                   orb_err_t *err) {
    /* key bounds from the path; a NULL bound value matches nothing */
    int nb = p->neq + 1;
    Orbit__Datum **lower = sql_pb_datums(xc->mcx, nb), **upper = sql_pb_datums(xc->mcx, nb);
    int nlower = 0, nupper = 0;
    bool null = false;
    /* the key the path uses: the primary key, or a secondary index */
    const int *kcols = p->index ? p->index->cols : t->pk;
    for (int i = 0; i < p->neq; i++) {
        if (eval_key(xc, p->eq[i], t->cols[kcols[i]].type, &lower[i], &null, err) != 0) return -1;
        if (null) return 0;
        upper[i] = lower[i];
    }
    nlower = nupper = p->neq;
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
    bool lower_incl = true, upper_incl = true;
    if (p->lower) {
        if (eval_key(xc, p->lower, t->cols[kcols[p->neq]].type, &lower[nlower], &null, err) != 0)
            return -1;
        if (null) return 0;
        nlower++;
        lower_incl = p->lower_incl;
    }
    if (p->upper) {
        if (eval_key(xc, p->upper, t->cols[kcols[p->neq]].type, &upper[nupper], &null, err) != 0)
            return -1;
        if (null) return 0;
        nupper++;
        upper_incl = p->upper_incl;
    }
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
            Orbit__ShardReply *reply;
            orb_err_t e;
            if (act_call_wait(calls[s], &reply, &e) != 0) {
                if (rc == 0) {
                    *err = e;
                    rc = -1;
                }
            } else if (rc == 0 && reply->n_results == 1) {
                Orbit__OpResult *r = reply->results[0];
                rc = deliver(xc, t, offset, width, r, row_cb, arg, err);
                if (r->n_rows < SCAN_BATCH || r->n_keys == 0) {
                    done[s] = true;
                    remaining--;
                } else {
                    resume[s] = sql_pb_row_copy(xc->mcx, r->keys[r->n_keys - 1]);
                }
            } else if (rc == 0) {
                done[s] = true;
                remaining--;
            }
            act_call_free(calls[s]);
            calls[s] = NULL;
        }
    }
    return rc == SQL_SCAN_STOP ? 0 : rc;
}
