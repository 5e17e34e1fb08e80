/* actors/act_vec.c — the vector indexes of a table-shard actor: one faiss index (HNSW or
 * IVFFlat, vector/vec_index.h) per vector index per shard, kept in the activated actor.
 * Ops VEC_ADD, VEC_SEARCH, VEC_BUILD and VEC_DROP (proto/orbit.proto); entry points
 * act__vec_op and act__vec_deactivate. See README.md ("Vector indexes").
 *
 * Invariants:
 * - Labels. Every vector added gets a label (1, 2, ... per shard and index) and a durable
 *   entry (table, shard, index_id, label) -> the row's primary-key bytes in the index column
 *   family, written in the adding request's transaction. Those entries are the truth: a label
 *   without a committed entry (its transaction rolled back or is still open) names nothing
 *   to anyone else.
 * - The faiss index only proposes candidates. Every candidate's row is read under the
 *   request's own snapshot and its exact distance recomputed from the row's vector, so rows
 *   deleted, updated, rolled back or not yet committed never come back wrong (tombstones are
 *   filtered at search time); duplicates of a row (an update adds a new label) are dropped.
 * - Persistence. A snapshot file <data_dir>/vec/t<table>_s<shard>_o<index oid>_L<label>.faiss
 *   holds the faiss index with every label up to <label>. Activation loads the newest
 *   snapshot, reads the label entries, and adds the vectors of labels after <label> (the
 *   writes acknowledged since the snapshot: kill -9 loses nothing). Without a usable
 *   snapshot the index is rebuilt from the rows. Snapshots are written on deactivation and
 *   after every ACT_VEC_SAVE_EVERY additions.
 * - A search that cannot find `limit` visible rows in the index widens (k doubles, probes
 *   double) and past max_scan candidates falls back to an exact scan of the shard's rows, so
 *   a filtered query still gets every row it asks for. */
#include "actors_int.h"
#include "vector/vec_index.h"
#include "vector/vector.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACT_VEC_SAVE_EVERY 50000

struct act_vec {
    struct act_vec *next;
    uint32_t index_id;
    uint32_t method, metric, dim, m, ef_construction, lists, slot, elem, oid;
    vec_index_t *ix;        /* NULL: IVFFlat not trained yet (searches scan exactly) */
    /* label -> primary-key bytes (the row key after its 8-byte prefix) */
    uint64_t next_label;    /* the next label to hand out */
    size_t cap;             /* entries of pk_off/pk_len */
    uint64_t *pk_off;       /* into arena; pk_len 0: no row known for the label */
    uint32_t *pk_len;
    uint64_t *txn;          /* the transaction that added the label (0: committed at once) */
    char *arena;
    size_t arena_len, arena_cap;
    uint64_t saved_label;   /* the newest snapshot holds every label <= this */
    uint64_t unsaved;       /* labels added since */
    /* tombstones met by searches since the last compaction, and candidates checked */
    uint64_t dead_seen, checked;
};

/* ---- the label map ----------------------------------------------------------------------- */

static void map_set(act_vec_t *v, uint64_t label, const char *pk, size_t n, uint64_t txn) {
    if (label >= v->cap) {
        size_t nc = v->cap ? v->cap : 1024;
        while (nc <= label) nc *= 2;
        v->pk_off = realloc(v->pk_off, nc * sizeof *v->pk_off);
        v->pk_len = realloc(v->pk_len, nc * sizeof *v->pk_len);
        v->txn = realloc(v->txn, nc * sizeof *v->txn);
        if (!v->pk_off || !v->pk_len || !v->txn) orb_panic("out of memory growing a vector label map");
        memset(v->pk_len + v->cap, 0, (nc - v->cap) * sizeof *v->pk_len);
        memset(v->txn + v->cap, 0, (nc - v->cap) * sizeof *v->txn);
        v->cap = nc;
    }
    if (v->arena_len + n > v->arena_cap) {
        size_t nc = v->arena_cap ? v->arena_cap : 65536;
        while (nc < v->arena_len + n) nc *= 2;
        v->arena = realloc(v->arena, nc);
        if (!v->arena) orb_panic("out of memory growing a vector label map");
        v->arena_cap = nc;
    }
    memcpy(v->arena + v->arena_len, pk, n);
    v->pk_off[label] = v->arena_len;
    v->pk_len[label] = (uint32_t)n;
    v->txn[label] = txn;
    v->arena_len += n;
    if (label >= v->next_label) v->next_label = label + 1;
}

static void vec_free(act_vec_t *v) {
    if (v->ix) vec_index_destroy(v->ix);
    free(v->pk_off);
    free(v->pk_len);
    free(v->txn);
    free(v->arena);
    free(v);
}

/* ---- vectors in rows ---------------------------------------------------------------------- */

/* The vector stored in bytes p/n (vector: float32[dim]; halfvec: float16[dim]) as floats in
 * out[dim]. false when the value does not have the index's dimensions. */
static bool vec_floats(const act_vec_t *v, const char *p, size_t n, float *out) {
    if (v->elem == 2) {
        if (n != (size_t)v->dim * 2) return false;
        for (uint32_t i = 0; i < v->dim; i++) {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            out[i] = vec_half_to_float(h);
        }
        return true;
    }
    if (n != (size_t)v->dim * 4) return false;
    memcpy(out, p, n);
    return true;
}

/* The exact distance in pgvector's units, computed as the SQL operators compute it (the
 * same kernels), so the merge order is the order an exact sort gives. */
static double exact_distance(uint32_t metric, const float *a, const float *b, uint32_t dim) {
    switch (metric) {
    case VEC_METRIC_L2: return sqrt((double)vec_l2_sq_f32(a, b, dim));
    case VEC_METRIC_IP: return (double)-vec_ip_f32(a, b, dim);
    case VEC_METRIC_COSINE: return vec_cosine_f32(a, b, dim);
    default: return (double)vec_l1_f32(a, b, dim);
    }
}

/* The vector column of a decoded row: bytes, or false when NULL / missing. */
static bool row_vector(const act_vec_t *v, const st_val_t *vals, size_t nvals, const char **p,
                       size_t *n) {
    if (v->slot >= nvals) return false;
    const st_val_t *c = &vals[v->slot];
    if (c->kind != ST_BYTES && c->kind != ST_TEXT) return false;
    *p = c->p;
    *n = c->n;
    return true;
}

/* ---- snapshot files ----------------------------------------------------------------------- */

static void snap_prefix(const act_actor_t *a, const act_vec_t *v, char *buf, size_t n) {
    snprintf(buf, n, "t%u_s%u_o%u_L", a->table_id, a->shard, v->oid);
}

static void snap_dir(act_runtime_t *rt, char *buf, size_t n) { snprintf(buf, n, "%s/vec", rt->data_dir); }

/* Calls fn(path, label) for each snapshot file of v. */
static void snap_each(act_runtime_t *rt, const act_actor_t *a, const act_vec_t *v,
                      void (*fn)(void *, const char *, uint64_t), void *arg) {
    char dir[1024], pre[128];
    snap_dir(rt, dir, sizeof dir);
    snap_prefix(a, v, pre, sizeof pre);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    size_t pl = strlen(pre);
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, pre, pl) != 0) continue;
        char *end;
        unsigned long long l = strtoull(de->d_name + pl, &end, 10);
        if (strcmp(end, ".faiss") != 0) continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        fn(arg, path, l);
    }
    closedir(d);
}

typedef struct newest {
    char path[1400];
    uint64_t label;
    bool found;
} newest_t;

static void pick_newest(void *arg, const char *path, uint64_t label) {
    newest_t *n = arg;
    if (!n->found || label > n->label) {
        snprintf(n->path, sizeof n->path, "%s", path);
        n->label = label;
        n->found = true;
    }
}

typedef struct older {
    uint64_t keep;
} older_t;

static void remove_older(void *arg, const char *path, uint64_t label) {
    older_t *o = arg;
    if (label != o->keep) unlink(path);
}

static void remove_all(void *arg, const char *path, uint64_t label) {
    (void)arg;
    (void)label;
    unlink(path);
}

/* Writes a snapshot of v's index (all labels so far); failures are logged, not fatal: the
 * label entries keep every acknowledged vector. */
static void snap_save(act_runtime_t *rt, const act_actor_t *a, act_vec_t *v) {
    if (!v->ix || v->unsaved == 0) return;
    char dir[1024], pre[128], path[1400];
    snap_dir(rt, dir, sizeof dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        orb_log(ORB_LOG_WARN, ACT_LOG, "could not create %s: %s", dir, strerror(errno));
        return;
    }
    snap_prefix(a, v, pre, sizeof pre);
    uint64_t label = v->next_label - 1;
    snprintf(path, sizeof path, "%s/%s%llu.faiss", dir, pre, (unsigned long long)label);
    orb_err_t err;
    orb_err_clear(&err);
    if (vec_index_save(v->ix, path, &err) != 0) {
        orb_log(ORB_LOG_WARN, ACT_LOG, "could not save vector index %s: %s", path, err.message);
        return;
    }
    v->saved_label = label;
    v->unsaved = 0;
    older_t o = {.keep = label};
    snap_each(rt, a, v, remove_older, &o);
}

/* A put / delete of the index's own label entries in a transaction of ours, without row
 * locks: only this actor ever writes its labels' keys (labels are handed out here), and with
 * lock_timeout 0 RocksDB's lock manager only tries its stripe mutexes, so a concurrent writer
 * on another worker would make these uncontended keys look busy. */
static void own_write(st_txn_t *t, bool del, const char *k, size_t kn, const char *v, size_t vn) {
    if (del)
        st_txn_delete_unlocked(t, ST_CF_INDEX, k, kn);
    else
        st_txn_put_unlocked(t, ST_CF_INDEX, k, kn, v, vn);
}

/* ---- loading ----------------------------------------------------------------------------- */

static int index_create(act_vec_t *v, vec_index_t **out, orb_err_t *err) {
    vec_index_opts_t o = {.method = (vec_method_t)v->method,
                          .metric = (vec_metric_t)v->metric,
                          .dim = (int)v->dim,
                          .m = (int)v->m,
                          .ef_construction = (int)v->ef_construction,
                          .lists = (int)v->lists};
    return vec_index_create(&o, out, err);
}

static void entry_key(orb_buf_t *b, const act_actor_t *a, uint32_t index_id, uint64_t label) {
    orb_buf_reset(b);
    st_key_prefix(b, a->table_id, a->shard, index_id);
    st_val_t lv = {.kind = ST_INT, .i = (int64_t)label};
    orb_err_t err;
    (void)st_key_append(b, &lv, &err); /* ints never fail */
}

static void range_of(orb_buf_t *lo, orb_buf_t *hi, const act_actor_t *a, uint32_t index_id) {
    orb_buf_reset(lo);
    orb_buf_reset(hi);
    st_key_prefix(lo, a->table_id, a->shard, index_id);
    st_key_prefix(hi, a->table_id, a->shard, index_id);
    if (!st_key_prefix_successor(hi)) {
        orb_buf_reset(hi);
        for (int i = 0; i < 16; i++) orb_buf_putc(hi, (char)0xFF);
    }
}

/* Reads the row a label names, under st; *vals NULL when there is none. */
static int label_row(act_vec_t *v, const act_actor_t *a, st_txn_t *st, uint64_t label,
                     orb_buf_t *kb, orb_mcx_t *mcx, st_val_t **vals, size_t *nvals,
                     orb_err_t *err) {
    *vals = NULL;
    *nvals = 0;
    if (label >= v->cap || v->pk_len[label] == 0) return 0;
    orb_buf_reset(kb);
    st_key_prefix(kb, a->table_id, a->shard, 0);
    orb_buf_append(kb, v->arena + v->pk_off[label], v->pk_len[label]);
    char *val;
    size_t vn;
    bool found;
    if (st_txn_get(st, ST_CF_ROWS, kb->data, kb->len, false, mcx, &val, &vn, &found, err) != 0)
        return -1;
    if (!found) return 0;
    uint32_t ver;
    return st_row_decode(val, vn, mcx, &ver, vals, nvals, err);
}

/* Builds v->ix from the vectors of labels (from, to] (committed rows), into the existing
 * index when it is there. IVFFlat trains first when it is not trained. */
static int add_labels(act_runtime_t *rt, act_actor_t *a, act_vec_t *v, uint64_t from,
                      orb_err_t *err) {
    st_txn_t *st = st_txn_begin(rt->db, ST_READ_COMMITTED);
    if (!st) return orb_err_set(err, INTERNAL_ERROR, "could not begin a storage transaction");
    orb_mcx_t *mcx = orb_mcx_create(NULL, "vec load");
    orb_buf_t kb;
    orb_buf_init(&kb);
    size_t n = 0, cap = 1024;
    float *x = malloc(cap * v->dim * sizeof *x);
    int64_t *labels = malloc(cap * sizeof *labels);
    int rc = 0;
    for (uint64_t l = from + 1; l < v->next_label && rc == 0; l++) {
        st_val_t *vals;
        size_t nvals;
        orb_mcx_reset(mcx);
        if ((rc = label_row(v, a, st, l, &kb, mcx, &vals, &nvals, err)) != 0) break;
        const char *p;
        size_t pn;
        if (!vals || !row_vector(v, vals, nvals, &p, &pn)) continue;
        if (n == cap) {
            cap *= 2;
            x = realloc(x, cap * v->dim * sizeof *x);
            labels = realloc(labels, cap * sizeof *labels);
            if (!x || !labels) orb_panic("out of memory loading a vector index");
        }
        if (!vec_floats(v, p, pn, x + n * v->dim)) continue;
        labels[n++] = (int64_t)l;
    }
    if (rc == 0 && !v->ix) {
        if ((rc = index_create(v, &v->ix, err)) == 0 && !vec_index_is_trained(v->ix)) {
            if (n == 0) {
                vec_index_destroy(v->ix); /* nothing to train on yet: exact until CREATE INDEX */
                v->ix = NULL;
            } else {
                rc = vec_index_train(v->ix, n, x, err);
            }
        }
    }
    if (rc == 0 && v->ix && n) rc = vec_index_add(v->ix, n, x, labels, NULL, err);
    if (rc == 0 && v->ix) v->unsaved += n;
    free(x);
    free(labels);
    orb_buf_free(&kb);
    orb_mcx_destroy(mcx);
    st_txn_rollback(st);
    return rc;
}

/* Activation: the label entries, the newest snapshot, then the vectors added since. */
static int vec_load(act_runtime_t *rt, act_actor_t *a, act_vec_t *v, orb_err_t *err) {
    st_txn_t *st = st_txn_begin(rt->db, ST_READ_COMMITTED);
    if (!st) return orb_err_set(err, INTERNAL_ERROR, "could not begin a storage transaction");
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    range_of(&lo, &hi, a, v->index_id);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "vec labels");
    st_iter_t *it = st_iter_create(st, ST_CF_INDEX, lo.data, lo.len, hi.data, hi.len, false);
    int rc = 0;
    v->next_label = 1;
    for (; st_iter_valid(it); st_iter_next(it)) {
        size_t kn, vn, off = ST_KEY_PREFIX_LEN;
        const char *k = st_iter_key(it, &kn);
        const char *val = st_iter_value(it, &vn);
        st_val_t lv;
        orb_mcx_reset(mcx);
        if ((rc = st_key_decode(k, kn, &off, mcx, &lv, err)) != 0) break;
        if (lv.kind != ST_INT || lv.i <= 0 || vn == 0) {
            rc = orb_err_set(err, DATA_CORRUPTED, "malformed vector index entry");
            break;
        }
        map_set(v, (uint64_t)lv.i, val, vn, 0);
    }
    if (rc == 0) rc = st_iter_status(it, err);
    st_iter_destroy(it);
    orb_mcx_destroy(mcx);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    st_txn_rollback(st);
    if (rc != 0) return rc;

    newest_t nw = {0};
    snap_each(rt, a, v, pick_newest, &nw);
    uint64_t from = 0;
    if (nw.found) {
        orb_err_t e2;
        orb_err_clear(&e2);
        if (vec_index_load(nw.path, &v->ix, &e2) == 0) {
            from = nw.label;
            v->saved_label = nw.label;
            if (nw.label >= v->next_label) v->next_label = nw.label + 1;
        } else {
            orb_log(ORB_LOG_WARN, ACT_LOG, "vector index snapshot %s unusable (%s): rebuilding",
                    nw.path, e2.message);
            v->ix = NULL;
        }
    }
    rc = add_labels(rt, a, v, from, err);
    orb_log(ORB_LOG_INFO, ACT_LOG, "vector index %u of table %u shard %u loaded: %zu vectors (%s)",
            v->oid, a->table_id, a->shard, v->ix ? vec_index_size(v->ix) : (size_t)0,
            nw.found && from ? "snapshot" : "rebuilt from rows");
    return rc;
}

static act_vec_t *vec_find(act_actor_t *a, uint32_t index_id) {
    for (act_vec_t *v = a->vecs; v; v = v->next)
        if (v->index_id == index_id) return v;
    return NULL;
}

static void vec_unlink(act_actor_t *a, act_vec_t *v) {
    for (act_vec_t **pp = &a->vecs; *pp; pp = &(*pp)->next) {
        if (*pp == v) {
            *pp = v->next;
            return;
        }
    }
}

static bool spec_ok(const Orbit__VecSpec *s, orb_err_t *err) {
    if (!s || s->dim == 0 || s->dim > 16000 || s->method < 1 || s->method > 2 || s->metric < 1 ||
        s->metric > 4 || s->elem < 1 || s->elem > 2) {
        orb_err_set(err, PROTOCOL_VIOLATION, "malformed vector index specification");
        return false;
    }
    return true;
}

/* A new, empty state for index spec s (pgvector's defaults for options left 0). */
static act_vec_t *vec_new(const Orbit__VecSpec *s) {
    act_vec_t *v = calloc(1, sizeof *v);
    if (!v) orb_panic("out of memory activating a vector index");
    v->index_id = s->index_id;
    v->method = s->method;
    v->metric = s->metric;
    v->dim = s->dim;
    v->m = s->m ? s->m : 16;
    v->ef_construction = s->ef_construction ? s->ef_construction : 64;
    v->lists = s->lists ? s->lists : 100;
    v->slot = s->slot;
    v->elem = s->elem;
    v->oid = s->oid;
    v->next_label = 1;
    return v;
}

/* The actor's state for index spec, loaded on first use. */
static int vec_get(act_runtime_t *rt, act_actor_t *a, const Orbit__VecSpec *s, act_vec_t **out,
                   orb_err_t *err) {
    if (!spec_ok(s, err)) return -1;
    act_vec_t *v = vec_find(a, s->index_id);
    if (v && (v->oid != s->oid || v->dim != s->dim || v->metric != s->metric ||
              v->method != s->method || v->slot != s->slot)) {
        vec_unlink(a, v); /* redefined (a new index with the same id): start over */
        vec_free(v);
        v = NULL;
    }
    if (v) {
        *out = v;
        return 0;
    }
    v = vec_new(s);
    if (vec_load(rt, a, v, err) != 0) {
        vec_free(v);
        return -1;
    }
    v->next = a->vecs;
    a->vecs = v;
    *out = v;
    return 0;
}

/* ---- VEC_ADD ----------------------------------------------------------------------------- */

static int vec_add(act_vec_ctx_t *c, act_vec_t *v, const Orbit__ShardOp *op, orb_err_t *err) {
    if (!op->row || op->row->n_cols != 1)
        return orb_err_set(err, PROTOCOL_VIOLATION, "VEC_ADD carries one vector");
    st_val_t val;
    if (act__datum_to_val(op->row->cols[0], &val, err) != 0) return -1;
    if (val.kind == ST_NULL) return 0; /* NULLs are not indexed */
    float *x = orb_alloc(c->mcx, v->dim * sizeof *x);
    if (!vec_floats(v, val.p, val.n, x))
        return orb_err_set(err, DATA_EXCEPTION, "expected %u dimensions, not %zu", v->dim,
                           val.n / (v->elem == 2 ? 2 : 4));
    /* the label's durable entry: the primary key, encoded as the row key is */
    orb_buf_t pk, kb;
    orb_buf_init(&pk);
    orb_buf_init(&kb);
    int rc = 0;
    for (size_t i = 0; i < op->n_key && rc == 0; i++) {
        st_val_t kv;
        if ((rc = act__datum_to_val(op->key[i], &kv, err)) == 0) rc = st_key_append(&pk, &kv, err);
    }
    uint64_t label = v->next_label;
    if (rc == 0) {
        entry_key(&kb, c->a, v->index_id, label);
        if (c->put_entry) /* a bulk load's writes wait in files for its commit */
            rc = c->put_entry(c->put_arg, kb.data, kb.len, pk.data, pk.len, err);
        else
            own_write(c->st, false, kb.data, kb.len, pk.data, pk.len); /* a new label: nobody else writes it */
    }
    if (rc == 0) {
        map_set(v, label, pk.data, pk.len, c->txn_id);
        int64_t l = (int64_t)label;
        if (v->ix) rc = vec_index_add(v->ix, 1, x, &l, NULL, err);
        v->unsaved++;
    }
    orb_buf_free(&pk);
    orb_buf_free(&kb);
    if (rc == 0 && v->unsaved >= ACT_VEC_SAVE_EVERY) snap_save(c->w->rt, c->a, v);
    return rc;
}

/* ---- VEC_SEARCH -------------------------------------------------------------------------- */

typedef struct hit {
    double dist;
    uint64_t label;    /* 0: from the exact scan */
    char *pk;          /* primary-key bytes (mcx) */
    size_t pkn;
    Orbit__Row *row;
} hit_t;

static int hit_cmp(const void *x, const void *y) {
    const hit_t *a = x, *b = y;
    bool an = isnan(a->dist), bn = isnan(b->dist);
    if (an != bn) return an ? 1 : -1; /* NaN sorts last, as float8 does */
    if (a->dist < b->dist) return -1;
    if (a->dist > b->dist) return 1;
    if (a->pkn != b->pkn) return a->pkn < b->pkn ? -1 : 1;
    return memcmp(a->pk, b->pk, a->pkn);
}

/* The slots a VEC_SEARCH reply carries (ShardOp.slots): keep[i] for slot i < n, the others
 * NULL; keep NULL: every slot. Slots past ACT_VEC_MAX_SLOT name no stored column (rows have at
 * most one slot per column ever defined) and are ignored. */
#define ACT_VEC_MAX_SLOT 65535
typedef struct proj {
    bool *keep;
    size_t n;
    Orbit__Datum *null; /* shared by every left-out slot (the reply is packed, never freed by
                         * field) */
} proj_t;

static proj_t proj_of(orb_mcx_t *mcx, const Orbit__ShardOp *op) {
    proj_t pj = {0};
    if (!op->n_slots) return pj;
    for (size_t i = 0; i < op->n_slots; i++)
        if (op->slots[i] <= ACT_VEC_MAX_SLOT && op->slots[i] + 1 > pj.n) pj.n = op->slots[i] + 1;
    pj.keep = orb_alloc0(mcx, pj.n ? pj.n : 1);
    for (size_t i = 0; i < op->n_slots; i++)
        if (op->slots[i] <= ACT_VEC_MAX_SLOT) pj.keep[op->slots[i]] = true;
    pj.null = orb_alloc(mcx, sizeof *pj.null);
    orbit__datum__init(pj.null);
    pj.null->v_case = ORBIT__DATUM__V_IS_NULL;
    pj.null->is_null = 1;
    return pj;
}

/* A reply row of the stored values, only the projected slots filled and none after the last
 * of them (allocated in mcx). */
static Orbit__Row *row_project(orb_mcx_t *mcx, const proj_t *pj, const st_val_t *vals, size_t n) {
    if (!pj->keep) return act__row_make(mcx, vals, n);
    if (n > pj->n) n = pj->n;
    Orbit__Row *r = orb_alloc(mcx, sizeof *r);
    orbit__row__init(r);
    r->n_cols = n;
    r->cols = orb_alloc(mcx, (n ? n : 1) * sizeof *r->cols);
    for (size_t i = 0; i < n; i++)
        r->cols[i] = i < pj->n && pj->keep[i] ? act__datum_from_val(mcx, &vals[i]) : pj->null;
    return r;
}

/* A set of primary keys seen in one search (open addressing). */
typedef struct pkset {
    uint64_t *h;
    size_t cap, n;
} pkset_t;

static uint64_t pk_hash(const char *p, size_t n) {
    uint64_t h = st_key_hash(p, n);
    return h ? h : 1;
}

/* true when added, false when present. The 64-bit hash stands for the key (collisions of
 * distinct keys of one shard are astronomically unlikely and only drop a duplicate hit). */
static bool pkset_add(pkset_t *s, const char *p, size_t n) {
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        uint64_t *nh = calloc(nc, sizeof *nh);
        if (!nh) orb_panic("out of memory in a vector search");
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->h[i]) continue;
            size_t j = s->h[i] & (nc - 1);
            while (nh[j]) j = (j + 1) & (nc - 1);
            nh[j] = s->h[i];
        }
        free(s->h);
        s->h = nh;
        s->cap = nc;
    }
    uint64_t h = pk_hash(p, n);
    size_t j = h & (s->cap - 1);
    while (s->h[j]) {
        if (s->h[j] == h) return false;
        j = (j + 1) & (s->cap - 1);
    }
    s->h[j] = h;
    s->n++;
    return true;
}

/* Every row of the shard, exact distances, the nearest k (NaN distances last). */
static int exact_scan(act_vec_ctx_t *c, act_vec_t *v, const float *q, uint64_t k,
                      const proj_t *pj, hit_t **out, size_t *nout, orb_err_t *err) {
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    range_of(&lo, &hi, c->a, 0);
    st_iter_t *it = st_iter_create(c->st, ST_CF_ROWS, lo.data, lo.len, hi.data, hi.len, false);
    orb_mcx_t *rm = orb_mcx_create(c->mcx, "vec exact row");
    float *x = orb_alloc(c->mcx, v->dim * sizeof *x);
    size_t n = 0, cap = 64;
    hit_t *h = malloc(cap * sizeof *h); /* (dist, key) of every row; rows read afterwards */
    int rc = 0;
    for (; st_iter_valid(it); st_iter_next(it)) {
        c->rows_read++;
        size_t kn, vn;
        const char *key = st_iter_key(it, &kn);
        const char *val = st_iter_value(it, &vn);
        uint32_t ver;
        st_val_t *vals;
        size_t nvals;
        orb_mcx_reset(rm);
        if ((rc = st_row_decode(val, vn, rm, &ver, &vals, &nvals, err)) != 0) break;
        const char *p;
        size_t pn;
        if (!row_vector(v, vals, nvals, &p, &pn) || !vec_floats(v, p, pn, x)) continue;
        if (n == cap) {
            cap *= 2;
            h = realloc(h, cap * sizeof *h);
            if (!h) orb_panic("out of memory in an exact vector scan");
        }
        h[n].dist = exact_distance(v->metric, q, x, v->dim);
        h[n].label = 0;
        h[n].pkn = kn - ST_KEY_PREFIX_LEN;
        h[n].pk = malloc(h[n].pkn ? h[n].pkn : 1);
        memcpy(h[n].pk, key + ST_KEY_PREFIX_LEN, h[n].pkn);
        h[n].row = NULL;
        n++;
    }
    if (rc == 0) rc = st_iter_status(it, err);
    st_iter_destroy(it);
    orb_mcx_destroy(rm);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    if (rc == 0) {
        if (n > 1) qsort(h, n, sizeof *h, hit_cmp);
        size_t keep = n < k ? n : (size_t)k;
        hit_t *res = orb_alloc(c->mcx, (keep ? keep : 1) * sizeof *res);
        orb_buf_t kb;
        orb_buf_init(&kb);
        size_t w = 0;
        for (size_t i = 0; i < keep && rc == 0; i++) {
            orb_buf_reset(&kb);
            st_key_prefix(&kb, c->a->table_id, c->a->shard, 0);
            orb_buf_append(&kb, h[i].pk, h[i].pkn);
            char *val;
            size_t vn;
            bool found;
            rc = st_txn_get(c->st, ST_CF_ROWS, kb.data, kb.len, false, c->mcx, &val, &vn, &found, err);
            if (rc != 0 || !found) continue;
            uint32_t ver;
            st_val_t *vals;
            size_t nvals;
            if ((rc = st_row_decode(val, vn, c->mcx, &ver, &vals, &nvals, err)) != 0) break;
            res[w] = h[i];
            res[w].pk = orb_memdup(c->mcx, h[i].pk, h[i].pkn ? h[i].pkn : 1);
            res[w].row = row_project(c->mcx, pj, vals, nvals);
            w++;
        }
        orb_buf_free(&kb);
        *out = res;
        *nout = w;
    }
    for (size_t i = 0; i < n; i++) free(h[i].pk);
    free(h);
    return rc;
}

/* ---- compaction ------------------------------------------------------------------------ */

/* Rebuilds v's faiss index from the labels that still name a committed row holding a vector
 * (the newest label of each row), dropping the other labels and their entries. Skipped while
 * a transaction that added a label is still open (its rows are not readable here). */
static int compact(act_runtime_t *rt, act_actor_t *a, act_vec_t *v, orb_err_t *err) {
    v->dead_seen = v->checked = 0;
    size_t nt = 0;
    for (uint64_t l = 1; l < v->next_label; l++)
        if (l < v->cap && v->pk_len[l] && v->txn[l]) nt++;
    if (nt) {
        uint64_t *ids = malloc(nt * sizeof *ids);
        bool *live = malloc(nt * sizeof *live);
        size_t j = 0;
        for (uint64_t l = 1; l < v->next_label; l++)
            if (l < v->cap && v->pk_len[l] && v->txn[l]) ids[j++] = v->txn[l];
        act__txn_live(rt, ids, nt, live);
        bool any = false;
        for (size_t i = 0; i < nt; i++) any |= live[i];
        j = 0;
        for (uint64_t l = 1; l < v->next_label; l++)
            if (l < v->cap && v->pk_len[l] && v->txn[l]) v->txn[l] = live[j++] ? v->txn[l] : 0;
        free(ids);
        free(live);
        if (any) return 0; /* try again after more searches */
    }
    st_txn_t *rd = st_txn_begin(rt->db, ST_READ_COMMITTED);
    st_txn_t *wr = rd ? st_txn_begin(rt->db, ST_READ_COMMITTED) : NULL;
    if (!rd || !wr) {
        if (rd) st_txn_rollback(rd);
        return orb_err_set(err, INTERNAL_ERROR, "could not begin a storage transaction");
    }
    orb_mcx_t *mcx = orb_mcx_create(NULL, "vec compact");
    orb_buf_t kb;
    orb_buf_init(&kb);
    pkset_t newest = {0};
    size_t n = 0, cap = 1024, dropped = 0;
    float *x = malloc(cap * v->dim * sizeof *x);
    int64_t *labels = malloc(cap * sizeof *labels);
    int rc = 0;
    /* newest first, so the first label met for a row is the one kept */
    for (uint64_t l = v->next_label; rc == 0 && l-- > 1;) {
        if (l >= v->cap || !v->pk_len[l]) continue;
        st_val_t *vals;
        size_t nvals;
        orb_mcx_reset(mcx);
        if ((rc = label_row(v, a, rd, l, &kb, mcx, &vals, &nvals, err)) != 0) break;
        const char *p;
        size_t pn;
        bool keep = vals && row_vector(v, vals, nvals, &p, &pn) &&
                    pkset_add(&newest, v->arena + v->pk_off[l], v->pk_len[l]);
        if (keep) {
            if (n == cap) {
                cap *= 2;
                x = realloc(x, cap * v->dim * sizeof *x);
                labels = realloc(labels, cap * sizeof *labels);
                if (!x || !labels) orb_panic("out of memory compacting a vector index");
            }
            keep = vec_floats(v, p, pn, x + n * v->dim);
            if (keep) labels[n++] = (int64_t)l;
        }
        if (!keep) {
            entry_key(&kb, a, v->index_id, l);
            own_write(wr, true, kb.data, kb.len, NULL, 0);
            v->pk_len[l] = 0;
            dropped++;
        }
    }
    vec_index_t *ix = NULL;
    if (rc == 0) rc = index_create(v, &ix, err);
    if (rc == 0 && !vec_index_is_trained(ix) && n) rc = vec_index_train(ix, n, x, err);
    if (rc == 0 && vec_index_is_trained(ix) && n) rc = vec_index_add(ix, n, x, labels, NULL, err);
    if (rc == 0) rc = st_txn_commit(wr, err);
    else st_txn_rollback(wr);
    st_txn_rollback(rd);
    if (rc == 0) {
        if (v->ix) vec_index_destroy(v->ix);
        v->ix = vec_index_is_trained(ix) ? ix : NULL;
        if (!v->ix) vec_index_destroy(ix);
        v->unsaved = n ? n : 1;
        snap_save(rt, a, v);
        orb_log(ORB_LOG_INFO, ACT_LOG, "vector index %u of table %u shard %u compacted: %zu kept, %zu dropped",
                v->oid, a->table_id, a->shard, n, dropped);
    } else if (ix) {
        vec_index_destroy(ix);
    }
    free(newest.h);
    free(x);
    free(labels);
    orb_buf_free(&kb);
    orb_mcx_destroy(mcx);
    return rc;
}

static int vec_search(act_vec_ctx_t *c, act_vec_t *v, const Orbit__ShardOp *op,
                      Orbit__OpResult *res, orb_err_t *err) {
    uint64_t k = op->limit ? op->limit : 10;
    if (op->vec_query.len != (size_t)v->dim * 4)
        return orb_err_set(err, DATA_EXCEPTION, "different vector dimensions %u and %zu", v->dim,
                           op->vec_query.len / 4);
    float *q = orb_alloc(c->mcx, v->dim * sizeof *q);
    memcpy(q, op->vec_query.data, op->vec_query.len);
    proj_t pj = proj_of(c->mcx, op);
    hit_t *hits = NULL;
    size_t nh = 0;
    int rc = 0;
    bool exact = v->ix == NULL;
    uint64_t dead = 0;
    if (!exact) {
        size_t total = vec_index_size(v->ix);
        uint64_t kk = k;
        int probes = op->probes ? (int)op->probes : 1;
        orb_buf_t kb;
        orb_buf_init(&kb);
        float *x = orb_alloc(c->mcx, v->dim * sizeof *x);
        for (;;) {
            size_t want = kk < total ? (size_t)kk : total;
            if (want == 0) break;
            float *d = malloc(want * sizeof *d);
            int64_t *l = malloc(want * sizeof *l);
            int nf = 0;
            vec_search_params_t sp = {.k = (int)want,
                                      .ef_search = op->ef_search ? (int)op->ef_search : 40,
                                      .probes = probes};
            rc = vec_index_search(v->ix, q, &sp, d, l, &nf, err);
            pkset_t seen = {0};
            size_t cap = (size_t)nf + 1;
            hit_t *hs = orb_alloc(c->mcx, cap * sizeof *hs);
            size_t n = 0;
            for (int i = 0; rc == 0 && i < nf; i++) {
                if (l[i] <= 0) continue;
                st_val_t *vals;
                size_t nvals;
                rc = label_row(v, c->a, c->st, (uint64_t)l[i], &kb, c->mcx, &vals, &nvals, err);
                c->rows_read++;
                const char *p;
                size_t pn;
                if (rc != 0 || !vals || !row_vector(v, vals, nvals, &p, &pn) || !vec_floats(v, p, pn, x)) {
                    dead++; /* a tombstone: deleted, rolled back, not visible, or NULL now */
                    continue;
                }
                const char *pk = v->arena + v->pk_off[l[i]];
                size_t pkn = v->pk_len[l[i]];
                if (!pkset_add(&seen, pk, pkn)) { /* an older label of the same row */
                    dead++;
                    continue;
                }
                hs[n].dist = exact_distance(v->metric, q, x, v->dim);
                hs[n].label = (uint64_t)l[i];
                hs[n].pk = orb_memdup(c->mcx, pk, pkn);
                hs[n].pkn = pkn;
                hs[n].row = row_project(c->mcx, &pj, vals, nvals);
                n++;
            }
            free(seen.h);
            free(d);
            free(l);
            v->checked += (uint64_t)nf;
            if (rc != 0) break;
            bool everything = want >= total && (v->method != VEC_METHOD_IVFFLAT || probes >= (int)v->lists);
            if (n >= k || (everything && (size_t)nf >= total)) {
                hits = hs;
                nh = n;
                break;
            }
            if (everything) { /* the graph did not reach every vector: read them all */
                exact = true;
                break;
            }
            /* not enough visible rows within reach: look further */
            if ((size_t)nf < want && v->method == VEC_METHOD_IVFFLAT && probes < (int)v->lists) {
                probes = probes * 2 < (int)v->lists ? probes * 2 : (int)v->lists;
            } else {
                kk *= 2;
            }
            if (op->max_scan && kk > op->max_scan) {
                exact = true;
                break;
            }
        }
        orb_buf_free(&kb);
    }
    if (rc == 0 && exact) rc = exact_scan(c, v, q, k, &pj, &hits, &nh, err);
    if (rc != 0) return rc;
    if (nh > 1) qsort(hits, nh, sizeof *hits, hit_cmp); /* hits is NULL when nh is 0 */
    if (nh > k) nh = (size_t)k;
    res->n_rows = res->n_pks = res->n_dists = nh;
    res->rows = orb_alloc(c->mcx, (nh ? nh : 1) * sizeof *res->rows);
    res->pks = orb_alloc(c->mcx, (nh ? nh : 1) * sizeof *res->pks);
    res->dists = orb_alloc(c->mcx, (nh ? nh : 1) * sizeof *res->dists);
    for (size_t i = 0; i < nh; i++) {
        res->rows[i] = hits[i].row;
        res->dists[i] = hits[i].dist;
        if (act__key_row(c->mcx, hits[i].pk, hits[i].pkn, 0, &res->pks[i], err) != 0) return -1;
    }
    res->count = nh;
    v->dead_seen += dead;
    if (v->checked >= 2000 && v->dead_seen * 10 >= v->checked * 3 && vec_index_size(v->ix) >= 1000) {
        orb_err_t e2;
        orb_err_clear(&e2);
        if (compact(c->w->rt, c->a, v, &e2) != 0)
            orb_log(ORB_LOG_WARN, ACT_LOG, "vector index %u of table %u shard %u: compaction failed: %s",
                    v->oid, c->a->table_id, c->a->shard, e2.message);
    }
    return 0;
}

/* ---- VEC_BUILD: every row of the shard, new labels ------------------------------------- */

/* pg_stat_progress_create_index phases (pgvector's) */
#define PHASE_INIT 1
#define PHASE_KMEANS 2
#define PHASE_LOAD 3
#define ADD_STEPS 8
#define ADD_CHUNK_MIN 2048

static int vec_build(act_vec_ctx_t *c, const Orbit__VecSpec *s, uint64_t progress,
                     Orbit__OpResult *res, orb_err_t *err) {
    act_runtime_t *rt = c->w->rt;
    if (!spec_ok(s, err)) return -1;
    act__progress_add(rt, progress, PHASE_INIT, 0, 0);
    act_vec_t *old = vec_find(c->a, s->index_id);
    if (old) {
        vec_unlink(c->a, old);
        snap_each(rt, c->a, old, remove_all, NULL);
        vec_free(old);
    }
    act_vec_t *v = vec_new(s);
    snap_each(rt, c->a, v, remove_all, NULL);

    orb_buf_t lo, hi, kb;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    orb_buf_init(&kb);
    /* forget any entries of an earlier build */
    range_of(&lo, &hi, c->a, v->index_id);
    int rc = st_db_delete_range(rt->db, ST_CF_INDEX, lo.data, lo.len, hi.data, hi.len, err);
    range_of(&lo, &hi, c->a, 0);
    st_txn_t *rd = rc == 0 ? st_txn_begin(rt->db, ST_READ_COMMITTED) : NULL;
    st_txn_t *wr = rd ? st_txn_begin(rt->db, ST_READ_COMMITTED) : NULL;
    if (rc == 0 && (!rd || !wr)) rc = orb_err_set(err, INTERNAL_ERROR, "could not begin a storage transaction");
    size_t n = 0, cap = 1024, pending = 0;
    float *x = malloc(cap * v->dim * sizeof *x);
    int64_t *labels = malloc(cap * sizeof *labels);
    orb_mcx_t *rm = orb_mcx_create(NULL, "vec build row");
    st_iter_t *it = rc == 0 ? st_iter_create(rd, ST_CF_ROWS, lo.data, lo.len, hi.data, hi.len, false) : NULL;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        c->rows_read++;
        size_t kn, vn;
        const char *key = st_iter_key(it, &kn);
        const char *val = st_iter_value(it, &vn);
        uint32_t ver;
        st_val_t *vals;
        size_t nvals;
        orb_mcx_reset(rm);
        if ((rc = st_row_decode(val, vn, rm, &ver, &vals, &nvals, err)) != 0) break;
        const char *p;
        size_t pn;
        if (!row_vector(v, vals, nvals, &p, &pn)) continue;
        if (n == cap) {
            cap *= 2;
            x = realloc(x, cap * v->dim * sizeof *x);
            labels = realloc(labels, cap * sizeof *labels);
            if (!x || !labels) orb_panic("out of memory building a vector index");
        }
        if (!vec_floats(v, p, pn, x + n * v->dim)) {
            rc = orb_err_set(err, DATA_EXCEPTION, "expected %u dimensions, not %zu", v->dim,
                             pn / (v->elem == 2 ? 2 : 4));
            break;
        }
        uint64_t label = v->next_label;
        map_set(v, label, key + ST_KEY_PREFIX_LEN, kn - ST_KEY_PREFIX_LEN, 0);
        entry_key(&kb, c->a, v->index_id, label);
        own_write(wr, false, kb.data, kb.len, key + ST_KEY_PREFIX_LEN, kn - ST_KEY_PREFIX_LEN);
        labels[n++] = (int64_t)label;
        if (n % 1024 == 0) act__progress_add(rt, progress, PHASE_INIT, 1024, 0);
        if (++pending >= 10000) { /* keep the write transaction small */
            if ((rc = st_txn_commit(wr, err)) != 0) {
                wr = NULL;
                break;
            }
            wr = st_txn_begin(rt->db, ST_READ_COMMITTED);
            pending = 0;
        }
    }
    if (it) {
        if (rc == 0) rc = st_iter_status(it, err);
        st_iter_destroy(it);
    }
    if (wr) {
        if (rc == 0) rc = st_txn_commit(wr, err);
        else st_txn_rollback(wr);
    }
    if (rd) st_txn_rollback(rd);
    orb_mcx_destroy(rm);
    act__progress_add(rt, progress, PHASE_INIT, (int64_t)(n % 1024), 0);
    if (rc == 0) rc = index_create(v, &v->ix, err);
    if (rc == 0 && !vec_index_is_trained(v->ix)) {
        if (n == 0) {
            vec_index_destroy(v->ix); /* an empty IVFFlat shard: exact until rebuilt */
            v->ix = NULL;
        } else {
            act__progress_add(rt, progress, PHASE_KMEANS, 0, 0);
            rc = vec_index_train(v->ix, n, x, err);
        }
    }
    act__progress_add(rt, progress, PHASE_LOAD, 0, 0);
    /* in ADD_STEPS chunks, so pg_stat_progress_create_index moves: few and large, because
     * faiss inserts a batch's upper-level HNSW nodes before its level-0 ones, and batches of
     * 2048 made a graph of visibly lower recall (bench/ann at 100k, ef_search 30: 0.973; 8
     * batches 0.979-0.981; one batch 0.979-0.982) */
    size_t chunk = (n + ADD_STEPS - 1) / ADD_STEPS;
    if (chunk < ADD_CHUNK_MIN) chunk = ADD_CHUNK_MIN;
    for (size_t at = 0; rc == 0 && v->ix && at < n; at += chunk) {
        size_t m = n - at < chunk ? n - at : chunk;
        rc = vec_index_add(v->ix, m, x + at * v->dim, labels + at, NULL, err);
        act__progress_add(rt, progress, PHASE_LOAD, 0, (int64_t)m);
    }
    free(x);
    free(labels);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    orb_buf_free(&kb);
    if (rc != 0) {
        orb_log(ORB_LOG_DEBUG, ACT_LOG, "vector index %u of table %u shard %u: build stopped rc=%d after %zu rows",
                v->oid, c->a->table_id, c->a->shard, rc, n);
        vec_free(v);
        return rc;
    }
    orb_log(ORB_LOG_INFO, ACT_LOG, "vector index %u of table %u shard %u built: %zu vectors",
            v->oid, c->a->table_id, c->a->shard, n);
    v->unsaved = n ? n : 1;
    snap_save(rt, c->a, v);
    v->next = c->a->vecs;
    c->a->vecs = v;
    res->count = n;
    return 0;
}

/* ---- entry points ------------------------------------------------------------------------ */

int act__vec_op(act_vec_ctx_t *c, const Orbit__ShardOp *op, Orbit__OpResult *res, orb_err_t *err) {
    act_runtime_t *rt = c->w->rt;
    if (!c->a || c->a->type != ACT_TABLE_SHARD)
        return orb_err_set(err, PROTOCOL_VIOLATION, "vector operations address table shards");
    if (op->kind == ORBIT__SHARD_OP__KIND__VEC_BUILD) return vec_build(c, op->vec, op->progress_id, res, err);
    if (op->kind == ORBIT__SHARD_OP__KIND__VEC_DROP) {
        if (!op->vec) return orb_err_set(err, PROTOCOL_VIOLATION, "VEC_DROP without an index");
        act_vec_t *v = vec_find(c->a, op->vec->index_id);
        act_vec_t tmp = {.oid = op->vec->oid};
        snap_each(rt, c->a, v ? v : &tmp, remove_all, NULL);
        if (v) {
            vec_unlink(c->a, v);
            vec_free(v);
        }
        return 0;
    }
    act_vec_t *v;
    if (vec_get(rt, c->a, op->vec, &v, err) != 0) return -1;
    if (op->kind == ORBIT__SHARD_OP__KIND__VEC_ADD) return vec_add(c, v, op, err);
    return vec_search(c, v, op, res, err);
}

void act__vec_deactivate(act_worker_t *w, act_actor_t *a) {
    while (a->vecs) {
        act_vec_t *v = a->vecs;
        a->vecs = v->next;
        snap_save(w->rt, a, v);
        vec_free(v);
    }
}

void act__vec_drop_table_files(act_runtime_t *rt, uint32_t table_id) {
    char dir[1024], pre[64];
    snap_dir(rt, dir, sizeof dir);
    snprintf(pre, sizeof pre, "t%u_", table_id);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, pre, strlen(pre)) != 0) continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    closedir(d);
}
