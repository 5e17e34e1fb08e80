/* sql/sql_vscan.c — the vector index scan (path SQL_ACCESS_VECTOR): every shard's vector
 * index proposes its nearest visible rows with exact distances (ShardOp VEC_SEARCH,
 * actors/act_vec.c); the coordinator pools them (each row once) and evaluates the query's
 * WHERE on each. A shard's answer reaches as far as its last row's distance (its frontier):
 * pooled rows nearer than every unfinished shard's frontier are final. When fewer than
 * `limit` final rows pass the WHERE, the shards whose frontier is nearer than the limit-th
 * passing row are asked again for four times as many rows (they widen their search and, past
 * hnsw.max_scan_tuples candidates, scan their rows exactly). Then the pool goes to the
 * executor nearest first — strictly ordered by exact distance — and the executor applies the
 * WHERE again and stops at the LIMIT. So a filtered query returns `limit` rows whenever that
 * many match, whatever the filter's selectivity. The shards return only the columns the plan
 * reads (path.vec_cols as ShardOp.slots), the others NULL. Entry point: sql_vscan. */
#include "sql_shard.h"
#include "vector/vector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One shard's part: how many rows it was asked for, and how far its answers reach. */
typedef struct vsrc {
    act_call_t *call;
    uint64_t asked;
    double frontier;    /* distance of the last row of its last answer */
    bool last;          /* the shard has no rows beyond its answers */
    bool need;          /* ask again this round */
} vsrc_t;

/* A candidate row: every shard answer's rows, each primary key once. */
typedef struct cand {
    double dist;
    sql_value_t *vals;
    Orbit__Row *pk;
    bool pass;          /* the WHERE holds */
} cand_t;

static int cand_cmp(const void *x, const void *y) {
    const cand_t *a = x, *b = y;
    bool an = isnan(a->dist), bn = isnan(b->dist);
    if (an != bn) return an ? 1 : -1;
    return a->dist < b->dist ? -1 : a->dist > b->dist;
}

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

/* ShardOp.slots of the columns p's rows must carry (see proto/orbit.proto), allocated in
 * xc->mcx; none (every slot) when the plan needs them all or orbit.vector_projection is off. */
static uint32_t *project_slots(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p,
                               size_t *n) {
    *n = 0;
    if (!p->vec_cols) return NULL;
    const char *on = sql_session_setting(xc->sess, "orbit.vector_projection");
    if (on && strcmp(on, "off") == 0) return NULL;
    uint32_t *slots = orb_alloc(xc->mcx, sizeof *slots * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++)
        if (p->vec_cols[i]) slots[(*n)++] = t->phys ? (uint32_t)t->phys[i] : (uint32_t)i;
    if (!*n) slots[(*n)++] = UINT32_MAX; /* no column at all */
    return slots;
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
    uint64_t want = p->want > 0 ? (uint64_t)p->want : 40;
    size_t nslots;
    uint32_t *slots = project_slots(xc, t, p, &nslots);
    uint32_t ns = t->nshards;
    vsrc_t *src = orb_alloc0(xc->mcx, sizeof *src * ns);
    seen_t seen = {0};
    size_t nc = 0, cc = 0;
    cand_t *cands = NULL;
    int rc = 0;
    /* each shard holds about want / ns of the nearest rows: ask for a share with room to spare;
     * a shard that holds more of them is asked again (its frontier is then nearer than the
     * want-th row), so the answer is the one asking every shard for `want` gives */
    uint64_t share = ns > 1 ? (want * 3 + 2 * ns - 1) / (2 * ns) + 2 : want;
    if (share > want) share = want;
    for (uint32_t s = 0; s < ns; s++) {
        src[s].asked = share;
        src[s].need = true;
    }
    for (;;) {
        /* ask the shards in need for their nearest `asked` rows */
        act_gather_t g;
        act_gather_init(&g);
        for (uint32_t s = 0; s < ns; s++) {
            vsrc_t *m = &src[s];
            if (!m->need) continue;
            Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
            op.kind = ORBIT__SHARD_OP__KIND__VEC_SEARCH;
            op.index_id = spec->index_id;
            op.vec = spec;
            op.vec_query = q;
            op.limit = m->asked;
            op.ef_search = ef;
            op.probes = probes;
            op.max_scan = max_scan;
            op.n_slots = nslots;
            op.slots = slots;
            m->call = sql_shard_post1_in(&g, xc, t, s, &op);
        }
        act_gather_wait(&g); /* one wake-up for all the answers */
        /* pool the answers: each row once, with whether the WHERE holds for it */
        for (uint32_t s = 0; s < ns; s++) {
            vsrc_t *m = &src[s];
            if (!m->need) continue;
            m->need = false;
            Orbit__ShardReply *reply = sql_shard_gather(m->call, &rc, err);
            Orbit__OpResult *r = reply && reply->n_results == 1 ? reply->results[0] : NULL;
            m->last = true;
            if (r && rc == 0) {
                if (r->n_pks < r->n_rows || r->n_dists < r->n_rows) {
                    rc = orb_err_set(err, INTERNAL_ERROR, "vector search reply without keys");
                } else {
                    m->last = r->n_rows < m->asked;
                    m->frontier = r->n_rows ? r->dists[r->n_rows - 1] : INFINITY;
                }
                for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
                    if (!seen_add(xc->mcx, &seen, r->pks[i])) continue;
                    if (nc == cc) {
                        size_t ncap = cc ? cc * 2 : 64;
                        cands = orb_realloc(xc->mcx, cands, cc * sizeof *cands, ncap * sizeof *cands);
                        cc = ncap;
                    }
                    cand_t *c = &cands[nc];
                    c->dist = r->dists[i];
                    c->pk = sql_pb_row_copy(xc->mcx, r->pks[i]);
                    if ((rc = sql_row_from_pb_at(t, r->rows[i], xc->mcx, offset, width, &c->vals, err)) != 0)
                        break;
                    c->pass = true;
                    if (p->vec_filter) {
                        sql_eval_ctx_t ec = sql_eval_ctx(xc, c->vals);
                        if ((rc = sql_expr_eval_bool(&ec, p->vec_filter, &c->pass, err)) != 0) break;
                    }
                    nc++;
                }
            }
            act_call_free(m->call);
            m->call = NULL;
        }
        if (rc != 0) break;
        /* rows nearer than every unfinished shard's frontier are final: enough of them that
         * pass the WHERE, or no shard left to ask, ends the search */
        double bound = INFINITY;
        for (uint32_t s = 0; s < ns; s++)
            if (!src[s].last && src[s].frontier < bound) bound = src[s].frontier;
        qsort(cands, nc, sizeof *cands, cand_cmp);
        uint64_t npass = 0, final_pass = 0;
        double kth = INFINITY; /* distance of the want-th passing row, if there is one */
        for (size_t i = 0; i < nc; i++) {
            if (!cands[i].pass) continue;
            if (++npass == want) kth = cands[i].dist;
            if (cands[i].dist <= bound) final_pass++; /* NaN and beyond the bound: not final */
        }
        bool more = false;
        if (final_pass < want) {
            for (uint32_t s = 0; s < ns; s++) {
                vsrc_t *m = &src[s];
                if (m->last || !(m->frontier <= kth)) continue;
                m->asked *= 4;
                m->need = more = true;
            }
        }
        if (!more) break;
    }
    for (uint32_t s = 0; s < ns; s++)
        if (src[s].call) act_call_free(src[s].call);
    /* nearest first (the pool is sorted) */
    for (size_t i = 0; rc == 0 && i < nc; i++) rc = row_cb(arg, cands[i].vals, cands[i].pk);
    return rc == SQL_SCAN_STOP ? 0 : rc;
}
