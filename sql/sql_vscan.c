/* sql/sql_vscan.c — the vector index scan (path SQL_ACCESS_VECTOR): every shard's vector
 * index proposes its nearest visible rows with exact distances (ShardOp VEC_SEARCH,
 * actors/act_vec.c); the coordinator merges the shards' streams by distance and hands rows
 * to the executor, which applies the WHERE filter and stops at the LIMIT. When a shard's
 * batch is used up before the executor has its rows (a selective filter), that shard is asked
 * again for four times as many; it widens its search and, past hnsw.max_scan_tuples
 * candidates, scans its rows exactly — so the query returns `limit` rows whenever that many
 * match, whatever the filter's selectivity. Entry point: sql_vscan. */
#include "sql_shard.h"
#include "vector/vector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One shard's part: its current batch and how many rows it was asked for. */
typedef struct vsrc {
    act_call_t *call;
    Orbit__OpResult *r; /* current batch (owned by call) */
    size_t pos;
    uint64_t asked;
    bool last;          /* the shard has no rows beyond its batch */
} vsrc_t;

/* Primary keys already handed to the executor (a refilled batch starts from the nearest
 * again), as their packed bytes. */
typedef struct seen {
    char **k;
    size_t *n;
    size_t cap, used;
} seen_t;

static uint64_t bytes_hash(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
    return h;
}

/* true when added, false when already there */
static bool seen_add(orb_mcx_t *mcx, seen_t *s, const Orbit__Row *pk) {
    size_t n = orbit__row__get_packed_size(pk);
    char *b = orb_alloc(mcx, n ? n : 1);
    orbit__row__pack(pk, (uint8_t *)b);
    if ((s->used + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **nk = orb_alloc0(mcx, nc * sizeof *nk);
        size_t *nn = orb_alloc0(mcx, nc * sizeof *nn);
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->k[i]) continue;
            size_t j = bytes_hash(s->k[i], s->n[i]) & (nc - 1);
            while (nk[j]) j = (j + 1) & (nc - 1);
            nk[j] = s->k[i];
            nn[j] = s->n[i];
        }
        s->k = nk;
        s->n = nn;
        s->cap = nc;
    }
    size_t j = bytes_hash(b, n) & (s->cap - 1);
    while (s->k[j]) {
        if (s->n[j] == n && memcmp(s->k[j], b, n) == 0) return false;
        j = (j + 1) & (s->cap - 1);
    }
    s->k[j] = b;
    s->n[j] = n;
    s->used++;
    return true;
}

/* The query vector as float32 bytes for the shards (halfvec converted). */
static int query_floats(sql_exec_ctx_t *xc, const sql_path_t *p, const Orbit__VecSpec *spec,
                        ProtobufCBinaryData *out, bool *null, orb_err_t *err) {
    sql_eval_ctx_t ec = sql_eval_ctx(xc, NULL);
    sql_value_t v;
    if (sql_expr_eval(&ec, p->vec_query, &v, err) != 0) return -1;
    *null = v.isnull;
    if (v.isnull) return 0;
    size_t width = spec->elem == 2 ? 2 : 4;
    size_t dim = v.v.s.n / width;
    if (dim != spec->dim)
        return orb_err_set(err, DATA_EXCEPTION, "different vector dimensions %u and %zu", spec->dim, dim);
    float *f;
    if (spec->elem == 2) {
        f = vec_halfvec_to_floats(v.v.s.p, v.v.s.n, xc->mcx);
    } else {
        f = orb_alloc(xc->mcx, (dim ? dim : 1) * sizeof *f);
        memcpy(f, v.v.s.p, dim * 4);
    }
    out->data = (uint8_t *)f;
    out->len = dim * 4;
    return 0;
}

static long setting_long(sql_exec_ctx_t *xc, const char *name, long def) {
    const char *v = sql_session_setting(xc->sess, name);
    char *end;
    long n = v && *v ? strtol(v, &end, 10) : def;
    return n > 0 ? n : def;
}

int sql_vscan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset, int width,
              int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
              orb_err_t *err) {
    Orbit__VecSpec *spec = sql_vindex_spec(xc->mcx, t, p->index);
    ProtobufCBinaryData q;
    bool null;
    if (query_floats(xc, p, spec, &q, &null, err) != 0) return -1;
    if (null) return 0; /* every distance is NULL: an index scan finds nothing (pgvector) */
    uint32_t ef = (uint32_t)setting_long(xc, "hnsw.ef_search", 40);
    uint32_t probes = (uint32_t)setting_long(xc, "ivfflat.probes", 1);
    uint64_t max_scan = (uint64_t)setting_long(xc, "hnsw.max_scan_tuples", 20000);
    uint64_t first = p->want > 0 ? (uint64_t)p->want : 40;
    uint32_t ns = t->nshards;
    vsrc_t *src = orb_alloc0(xc->mcx, sizeof *src * ns);
    seen_t seen = {0};
    int rc = 0;
    for (uint32_t s = 0; s < ns; s++) src[s].asked = first;
    bool round1 = true;
    for (;;) {
        /* ask every shard in need (all of them at first) for its nearest `asked` rows */
        for (uint32_t s = 0; s < ns; s++) {
            vsrc_t *m = &src[s];
            if (m->call || (!round1 && (m->last || (m->r && m->pos < m->r->n_rows)))) continue;
            Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
            op.kind = ORBIT__SHARD_OP__KIND__VEC_SEARCH;
            op.index_id = spec->index_id;
            op.vec = spec;
            op.vec_query = q;
            op.limit = m->asked;
            op.ef_search = ef;
            op.probes = probes;
            op.max_scan = max_scan;
            m->call = sql_shard_post1(xc, t, s, &op);
        }
        round1 = false;
        for (uint32_t s = 0; s < ns; s++) {
            vsrc_t *m = &src[s];
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
            if (!m->r || m->r->n_rows < m->asked) m->last = true;
        }
        if (rc != 0) break;
        /* emit nearest first while every shard still has a row buffered or is finished */
        bool need = false;
        while (!need && rc == 0) {
            int best = -1;
            for (uint32_t s = 0; s < ns; s++) {
                vsrc_t *m = &src[s];
                if (!m->r || m->pos >= m->r->n_rows) {
                    if (!m->last) need = true;
                    continue;
                }
                if (best < 0) {
                    best = (int)s;
                    continue;
                }
                double a = m->r->dists[m->pos], b = src[best].r->dists[src[best].pos];
                if ((!isnan(a) && isnan(b)) || a < b) best = (int)s;
            }
            if (need || best < 0) break;
            vsrc_t *m = &src[best];
            size_t i = m->pos++;
            if (i >= m->r->n_pks || i >= m->r->n_dists) {
                rc = orb_err_set(err, INTERNAL_ERROR, "vector search reply without keys");
                break;
            }
            if (!seen_add(xc->mcx, &seen, m->r->pks[i])) continue; /* handed out already */
            sql_value_t *vals;
            orb_mcx_t *rm = xc->row_mcx ? xc->row_mcx : xc->mcx;
            if ((rc = sql_row_from_pb_at(t, m->r->rows[i], rm, offset, width, &vals, err)) != 0) break;
            rc = row_cb(arg, vals, m->r->pks[i]);
        }
        if (rc != 0 || !need) break;
        /* the shards whose batch is used up: ask again for four times as many */
        for (uint32_t s = 0; s < ns; s++) {
            vsrc_t *m = &src[s];
            if (m->call && m->r && m->pos >= m->r->n_rows && !m->last) {
                act_call_free(m->call);
                m->call = NULL;
                m->r = NULL;
                m->asked *= 4;
            }
        }
    }
    for (uint32_t s = 0; s < ns; s++)
        if (src[s].call) act_call_free(src[s].call);
    return rc == SQL_SCAN_STOP ? 0 : rc;
}
