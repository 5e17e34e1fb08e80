/* actors/act_agg.c — partial aggregation inside a shard (ShardOp.agg): the rows of a scanned
 * range are grouped by some columns and folded into count / exact integer sum / float sum /
 * min / max partials, so only one row per group leaves the shard. The coordinator combines the
 * partials (sql_exec.c). Entry points: act__agg_begin, act__agg_row, act__agg_finish
 * (or act__agg_free after a failure).
 * Invariants: values compare in storage key order (NULLs last, NaN after every float), which is
 * the SQL order of the types the planner pushes down; integer sums are exact (128 bits). */
#include "actors_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct agg_part {
    int64_t count;
    __int128 isum;
    double fsum;
    bool have;          /* MIN/MAX: best holds a value */
    st_val_t best;      /* copied into the aggregator's context */
} agg_part_t;

typedef struct agg_group {
    struct agg_group *next;   /* in its bucket */
    struct agg_group *onext;  /* in first-seen order */
    uint64_t hash;
    char *key;          /* the group values, key-encoded */
    size_t keylen;
    st_val_t *vals;     /* the group values */
    agg_part_t *parts;
} agg_group_t;

struct act_agg {
    orb_mcx_t *mcx;
    const Orbit__AggSpec *spec;
    st_val_t *missing_group;   /* per group column: the value of a short row */
    st_val_t *missing_item;
    agg_group_t **buckets;
    size_t nbuckets, ngroups;
    uint64_t nrows;            /* rows folded */
    agg_group_t *order_head, **order_tail; /* groups in first-seen order */
    orb_buf_t kb, cb1, cb2;
};

static uint64_t hash_bytes(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
    return h;
}

static int missing_val(const Orbit__AggColumn *c, st_val_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    out->kind = ST_NULL;
    if (!c->missing) return 0;
    return act__datum_to_val(c->missing, out, err);
}

int act__agg_begin(orb_mcx_t *mcx, const Orbit__AggSpec *spec, act_agg_t **out, orb_err_t *err) {
    act_agg_t *a = orb_alloc0(mcx, sizeof *a);
    a->mcx = mcx;
    a->spec = spec;
    a->nbuckets = 256;
    a->buckets = orb_alloc0(mcx, sizeof *a->buckets * a->nbuckets);
    a->order_tail = &a->order_head;
    a->missing_group = orb_alloc0(mcx, sizeof(st_val_t) * (spec->n_group + 1));
    a->missing_item = orb_alloc0(mcx, sizeof(st_val_t) * (spec->n_items + 1));
    for (size_t i = 0; i < spec->n_group; i++) {
        if (!spec->group[i]) return orb_err_set(err, PROTOCOL_VIOLATION, "aggregate group column missing");
        if (missing_val(spec->group[i], &a->missing_group[i], err) != 0) return -1;
    }
    for (size_t i = 0; i < spec->n_items; i++) {
        const Orbit__AggItem *it = spec->items[i];
        if (!it) return orb_err_set(err, PROTOCOL_VIOLATION, "aggregate item missing");
        if (it->fn != ORBIT__AGG_ITEM__FN__COUNT_STAR) {
            if (!it->col) return orb_err_set(err, PROTOCOL_VIOLATION, "aggregate item without a column");
            if (missing_val(it->col, &a->missing_item[i], err) != 0) return -1;
        }
    }
    orb_buf_init(&a->kb);
    orb_buf_init(&a->cb1);
    orb_buf_init(&a->cb2);
    *out = a;
    return 0;
}

static const st_val_t *col_val(const st_val_t *vals, size_t nvals, const Orbit__AggColumn *c,
                               const st_val_t *missing) {
    return c->slot < nvals ? &vals[c->slot] : missing;
}

/* a value that outlives the row it was read from */
static st_val_t val_copy(orb_mcx_t *mcx, const st_val_t *v) {
    st_val_t c = *v;
    if ((v->kind == ST_TEXT || v->kind == ST_BYTES || v->kind == ST_NUMERIC) && v->p) {
        char *p = orb_alloc(mcx, v->n + 1);
        memcpy(p, v->p, v->n);
        p[v->n] = 0;
        c.p = p;
    }
    return c;
}

/* key order of two values of one column */
static int val_cmp(act_agg_t *a, const st_val_t *x, const st_val_t *y, orb_err_t *err, int *out) {
    orb_buf_reset(&a->cb1);
    orb_buf_reset(&a->cb2);
    if (st_key_append(&a->cb1, x, err) != 0 || st_key_append(&a->cb2, y, err) != 0) return -1;
    size_t m = a->cb1.len < a->cb2.len ? a->cb1.len : a->cb2.len;
    int c = m ? memcmp(a->cb1.data, a->cb2.data, m) : 0;
    *out = c ? c : (a->cb1.len < a->cb2.len ? -1 : a->cb1.len > a->cb2.len);
    return 0;
}

static agg_group_t *group_of(act_agg_t *a, const st_val_t *vals, size_t nvals, orb_err_t *err) {
    const Orbit__AggSpec *s = a->spec;
    orb_buf_reset(&a->kb);
    for (size_t i = 0; i < s->n_group; i++)
        if (st_key_append(&a->kb, col_val(vals, nvals, s->group[i], &a->missing_group[i]), err) != 0)
            return NULL;
    uint64_t h = hash_bytes(a->kb.data, a->kb.len);
    for (agg_group_t *g = a->buckets[h % a->nbuckets]; g; g = g->next)
        if (g->hash == h && g->keylen == a->kb.len &&
            (g->keylen == 0 || memcmp(g->key, a->kb.data, g->keylen) == 0))
            return g;
    if (a->ngroups >= a->nbuckets) {
        size_t nb = a->nbuckets * 4;
        agg_group_t **b = orb_alloc0(a->mcx, sizeof *b * nb);
        for (size_t i = 0; i < a->nbuckets; i++) {
            for (agg_group_t *g = a->buckets[i], *next; g; g = next) {
                next = g->next;
                g->next = b[g->hash % nb];
                b[g->hash % nb] = g;
            }
        }
        a->buckets = b;
        a->nbuckets = nb;
    }
    agg_group_t *g = orb_alloc0(a->mcx, sizeof *g);
    g->hash = h;
    g->keylen = a->kb.len;
    g->key = orb_alloc(a->mcx, a->kb.len + 1);
    if (a->kb.len) memcpy(g->key, a->kb.data, a->kb.len);
    g->vals = orb_alloc0(a->mcx, sizeof(st_val_t) * (s->n_group + 1));
    for (size_t i = 0; i < s->n_group; i++)
        g->vals[i] = val_copy(a->mcx, col_val(vals, nvals, s->group[i], &a->missing_group[i]));
    g->parts = orb_alloc0(a->mcx, sizeof(agg_part_t) * (s->n_items + 1));
    g->next = a->buckets[h % a->nbuckets];
    a->buckets[h % a->nbuckets] = g;
    a->ngroups++;
    *a->order_tail = g;
    a->order_tail = &g->onext;
    return g;
}

int act__agg_row(act_agg_t *a, const st_val_t *vals, size_t nvals, orb_err_t *err) {
    const Orbit__AggSpec *s = a->spec;
    agg_group_t *g = group_of(a, vals, nvals, err);
    if (!g) return -1;
    a->nrows++;
    for (size_t i = 0; i < s->n_items; i++) {
        const Orbit__AggItem *it = s->items[i];
        agg_part_t *p = &g->parts[i];
        if (it->fn == ORBIT__AGG_ITEM__FN__COUNT_STAR) {
            p->count++;
            continue;
        }
        const st_val_t *v = col_val(vals, nvals, it->col, &a->missing_item[i]);
        if (v->kind == ST_NULL) continue;
        switch (it->fn) {
        case ORBIT__AGG_ITEM__FN__COUNT:
            p->count++;
            break;
        case ORBIT__AGG_ITEM__FN__SUM_INT:
            if (v->kind != ST_INT) return orb_err_set(err, DATATYPE_MISMATCH, "integer sum of a non-integer");
            p->count++;
            p->isum += v->i;
            break;
        case ORBIT__AGG_ITEM__FN__SUM_FLOAT:
            if (v->kind != ST_FLOAT) return orb_err_set(err, DATATYPE_MISMATCH, "float sum of a non-float");
            p->count++;
            p->fsum += v->f;
            break;
        case ORBIT__AGG_ITEM__FN__MIN:
        case ORBIT__AGG_ITEM__FN__MAX: {
            int c = 0;
            if (p->have && val_cmp(a, v, &p->best, err, &c) != 0) return -1;
            if (!p->have || (it->fn == ORBIT__AGG_ITEM__FN__MIN ? c < 0 : c > 0)) {
                p->best = val_copy(a->mcx, v);
                p->have = true;
            }
            p->count++;
            break;
        }
        default:
            return orb_err_set(err, PROTOCOL_VIOLATION, "unknown aggregate function %d", (int)it->fn);
        }
    }
    return 0;
}

/* exact decimal text of a 128-bit integer */
static const char *i128_text(orb_mcx_t *mcx, __int128 v) {
    char tmp[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    char *out = orb_alloc(mcx, (size_t)n + 2);
    size_t k = 0;
    if (neg) out[k++] = '-';
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    return out;
}

static Orbit__Datum *int_datum(orb_mcx_t *mcx, int64_t i) {
    st_val_t v = {.kind = ST_INT, .i = i};
    return act__datum_from_val(mcx, &v);
}

int act__agg_finish(act_agg_t *a, Orbit__OpResult *res, orb_err_t *err) {
    (void)err;
    const Orbit__AggSpec *s = a->spec;
    res->rows = orb_alloc(a->mcx, sizeof *res->rows * (a->ngroups + 1));
    res->n_rows = 0;
    for (agg_group_t *g = a->order_head; g; g = g->onext) {
        size_t n = s->n_group;
        for (size_t i = 0; i < s->n_items; i++)
            n += s->items[i]->fn == ORBIT__AGG_ITEM__FN__SUM_INT ||
                         s->items[i]->fn == ORBIT__AGG_ITEM__FN__SUM_FLOAT
                     ? 2 : 1;
        Orbit__Row *r = orb_alloc(a->mcx, sizeof *r);
        orbit__row__init(r);
        r->cols = orb_alloc(a->mcx, sizeof *r->cols * (n + 1));
        for (size_t i = 0; i < s->n_group; i++) r->cols[r->n_cols++] = act__datum_from_val(a->mcx, &g->vals[i]);
        for (size_t i = 0; i < s->n_items; i++) {
            agg_part_t *p = &g->parts[i];
            switch (s->items[i]->fn) {
            case ORBIT__AGG_ITEM__FN__SUM_INT: {
                r->cols[r->n_cols++] = int_datum(a->mcx, p->count);
                st_val_t v = {.kind = ST_NUMERIC};
                v.p = i128_text(a->mcx, p->isum);
                v.n = strlen(v.p);
                r->cols[r->n_cols++] = act__datum_from_val(a->mcx, &v);
                break;
            }
            case ORBIT__AGG_ITEM__FN__SUM_FLOAT: {
                r->cols[r->n_cols++] = int_datum(a->mcx, p->count);
                st_val_t v = {.kind = ST_FLOAT, .f = p->fsum};
                r->cols[r->n_cols++] = act__datum_from_val(a->mcx, &v);
                break;
            }
            case ORBIT__AGG_ITEM__FN__MIN:
            case ORBIT__AGG_ITEM__FN__MAX: {
                st_val_t nul = {.kind = ST_NULL};
                r->cols[r->n_cols++] = act__datum_from_val(a->mcx, p->have ? &p->best : &nul);
                break;
            }
            default:
                r->cols[r->n_cols++] = int_datum(a->mcx, p->count);
                break;
            }
        }
        res->rows[res->n_rows++] = r;
    }
    res->count = a->nrows;
    act__agg_free(a);
    return 0;
}

void act__agg_free(act_agg_t *a) {
    orb_buf_free(&a->kb);
    orb_buf_free(&a->cb1);
    orb_buf_free(&a->cb2);
}
