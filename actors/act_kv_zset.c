/* actors/act_kv_zset.c — Redis sorted sets in a kv-shard: ZADD .. ZSCAN on the keys of one
 * shard. A zset is a metadata record (type KV_ZSET, size = members) plus, under the key's
 * version prefix P, two records per member: P | 'm' | member -> score (8 bytes, encoded) and
 * the index entry P | 's' | score (encoded) | member -> empty, so score and rank ranges are
 * iterator ranges (layout and invariants: actors/README.md "kv-shard", docs/redis.md).
 * Entry point: the op table act__kv_zset_ops, run by act__kv_execute (worker thread).
 * Replies and error texts are Redis 7.0's. */
#include "act_kv_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* ---- scores ---------------------------------------------------------------------------- */

void act__kv_score_enc(char out[8], double d) {
    if (d == 0) d = 0;
    uint64_t u;
    memcpy(&u, &d, 8);
    u = (u >> 63) ? ~u : u ^ (1ULL << 63);
    for (int i = 7; i >= 0; i--, u >>= 8) out[i] = (char)(u & 0xff);
}

double act__kv_score_dec(const char *p) {
    uint64_t u = 0;
    for (int i = 0; i < 8; i++) u = (u << 8) | (uint8_t)p[i];
    u = (u >> 63) ? u ^ (1ULL << 63) : ~u;
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* A NUL-terminated copy of an argument (in kv->mcx). */
static char *arg_cstr(kv_t *kv, int i) {
    char *s = orb_alloc(kv->mcx, kv->lens[i] + 1);
    if (kv->lens[i]) memcpy(s, kv->argv[i], kv->lens[i]);
    s[kv->lens[i]] = 0;
    return s;
}

/* Redis's getDoubleFromObject: the whole string, no leading space, no NaN, no overflow or
 * underflow to zero. */
static bool parse_score(kv_t *kv, int i, double *out) {
    char *s = arg_cstr(kv, i), *end;
    if (kv->lens[i] == 0 || isspace((unsigned char)s[0])) return false;
    errno = 0;
    double v = strtod(s, &end);
    if ((size_t)(end - s) != kv->lens[i] || isnan(v)) return false;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO))
        return false;
    *out = v;
    return true;
}

/* Redis 7.0's d2string (ZSCAN's bulk scores): integral values within +-2^62 as integers,
 * others "%.17g". */
static kvv_t *v_score_bulk(kv_t *kv, double d) {
    char buf[64];
    if (isinf(d)) snprintf(buf, sizeof buf, "%s", d > 0 ? "inf" : "-inf");
    else if (d >= (double)(-(LLONG_MAX / 2)) && d <= (double)(LLONG_MAX / 2) &&
             (double)(long long)d == d)
        snprintf(buf, sizeof buf, "%lld", (long long)d);
    else snprintf(buf, sizeof buf, "%.17g", d);
    return v_bulk(kv, buf, strlen(buf));
}

/* ---- records --------------------------------------------------------------------------- */

typedef struct zs {
    kv_t *kv;
    const char *key;
    size_t n;
    meta_t m;
    int64_t old_expire;
    char *pfx; /* the key's sub-record prefix (kv->mcx) */
    size_t pn;
} zs_t;

static void zs_prefix(zs_t *z) {
    kv_t *kv = z->kv;
    act__kv_key_sub(kv, &kv->kb2, z->key, z->n, z->m.version);
    z->pn = kv->kb2.len;
    z->pfx = orb_alloc(kv->mcx, z->pn);
    memcpy(z->pfx, kv->kb2.data, z->pn);
}

/* P | tag [| score] [| member], allocated in kv->mcx with one spare byte after it. */
static char *zkey(zs_t *z, char tag, const double *score, const char *mem, size_t mn,
                  size_t *len) {
    size_t n = z->pn + 1 + (score ? 8 : 0) + mn;
    char *k = orb_alloc(z->kv->mcx, n + 1), *p = k;
    memcpy(p, z->pfx, z->pn);
    p += z->pn;
    *p++ = tag;
    if (score) {
        act__kv_score_enc(p, *score);
        p += 8;
    }
    if (mn) memcpy(p, mem, mn);
    *len = n;
    return k;
}

static int zfail(kv_t *kv, int rc) { return rc ? act__kv_st_fail(kv, rc) : 0; }

/* The score of member: *found false when it is not in the zset. */
static int zscore_get(zs_t *z, const char *mem, size_t mn, double *score, bool *found) {
    size_t kn;
    char *k = zkey(z, 'm', NULL, mem, mn, &kn), *v;
    size_t vn;
    int rc = st_txn_get(z->kv->st, ST_CF_KV, k, kn, false, z->kv->mcx, &v, &vn, found,
                        z->kv->err);
    if (rc) return zfail(z->kv, rc);
    if (*found) {
        if (vn != 8)
            return orb_err_set(z->kv->err, DATA_CORRUPTED, "corrupt sorted set member record");
        *score = act__kv_score_dec(v);
    }
    return 0;
}

/* Sets member's score (old: its current score, NULL for a new member). */
static int zscore_put(zs_t *z, const char *mem, size_t mn, double score, const double *old) {
    size_t kn;
    char *k;
    int rc = 0;
    if (old) {
        k = zkey(z, 's', old, mem, mn, &kn);
        rc = act__kv_del(z->kv, k, kn);
    }
    char enc[8];
    act__kv_score_enc(enc, score);
    k = zkey(z, 'm', NULL, mem, mn, &kn);
    if (rc == 0) rc = act__kv_put(z->kv, k, kn, enc, 8);
    k = zkey(z, 's', &score, mem, mn, &kn);
    if (rc == 0) rc = act__kv_put(z->kv, k, kn, "", 0);
    if (rc == 0 && !old) z->m.size++;
    return zfail(z->kv, rc);
}

static int zmember_del(zs_t *z, const char *mem, size_t mn, double score) {
    size_t kn;
    char *k = zkey(z, 'm', NULL, mem, mn, &kn);
    int rc = act__kv_del(z->kv, k, kn);
    k = zkey(z, 's', &score, mem, mn, &kn);
    if (rc == 0) rc = act__kv_del(z->kv, k, kn);
    if (rc == 0) z->m.size--;
    return zfail(z->kv, rc);
}

/* Stores the metadata after changes, or removes the key when it became empty. */
static int zs_finish(zs_t *z) {
    if (z->m.size == 0) return act__kv_key_remove(z->kv, z->key, z->n, &z->m);
    return act__kv_meta_put(z->kv, z->key, z->n, &z->m, z->old_expire);
}

/* argv[ki] for reading: 1 with *r set (if_absent, or WRONGTYPE) when there is no zset. */
static int zs_read(kv_t *kv, int ki, zs_t *z, kvv_t **r, kvv_t *if_absent) {
    memset(z, 0, sizeof *z);
    z->kv = kv;
    z->key = kv->argv[ki];
    z->n = kv->lens[ki];
    bool found;
    if (act__kv_meta_get(kv, z->key, z->n, &z->m, &found) != 0) return -1;
    if (found && z->m.type != KV_ZSET) {
        *r = v_wrongtype(kv);
        return 1;
    }
    if (!found) {
        *r = if_absent;
        return 1;
    }
    z->old_expire = z->m.expire;
    zs_prefix(z);
    return 0;
}

/* argv[ki] for writing: a new zset (not stored yet) when absent; 1 with WRONGTYPE. */
static int zs_write(kv_t *kv, int ki, zs_t *z, kvv_t **r) {
    memset(z, 0, sizeof *z);
    z->kv = kv;
    z->key = kv->argv[ki];
    z->n = kv->lens[ki];
    int rc = act__kv_coll_for_write(kv, KV_ZSET, z->key, z->n, &z->m, &z->old_expire, r);
    if (rc) return rc;
    zs_prefix(z);
    return 0;
}

/* Removes whatever argv[ki] holds and starts a new, empty zset there (stored by zs_finish). */
static int zs_replace(kv_t *kv, int ki, zs_t *z) {
    memset(z, 0, sizeof *z);
    z->kv = kv;
    z->key = kv->argv[ki];
    z->n = kv->lens[ki];
    bool existed;
    if (act__kv_key_remove_any(kv, z->key, z->n, &existed) != 0) return -1;
    z->m.type = KV_ZSET;
    z->m.version = act__kv_version_next();
    zs_prefix(z);
    return 0;
}

/* ---- walking the index ------------------------------------------------------------------ */

typedef struct zitem {
    const char *mem; /* kv->mcx */
    size_t mn;
    double score;
} zitem_t;

typedef struct zlist {
    zitem_t *items;
    size_t n, cap;
} zlist_t;

static void zl_push(kv_t *kv, zlist_t *l, const char *mem, size_t mn, double score) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        zitem_t *items = orb_alloc(kv->mcx, cap * sizeof *items);
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    char *m = orb_alloc(kv->mcx, mn + 1);
    if (mn) memcpy(m, mem, mn);
    m[mn] = 0;
    l->items[l->n++] = (zitem_t){m, mn, score};
}

/* Called per index entry in order; returns 1 to stop, -1 on failure. */
typedef int (*zwalk_cb)(zs_t *z, const char *mem, size_t mn, double score, void *arg);

/* Walks the index entries with keys in [lo, hi) (NULL: the index's ends), reverse from hi. */
static int zwalk(zs_t *z, const char *lo, size_t lon, const char *hi, size_t hin, bool rev,
                 zwalk_cb cb, void *arg) {
    kv_t *kv = z->kv;
    size_t bn;
    char *base = zkey(z, 's', NULL, NULL, 0, &bn);
    orb_buf_t end;
    orb_buf_init(&end);
    if (!hi) {
        orb_buf_append(&end, base, bn);
        st_key_prefix_successor(&end);
        hi = end.data;
        hin = end.len;
    }
    if (!lo) {
        lo = base;
        lon = bn;
    }
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo, lon, hi, hin, rev);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn;
        const char *k = st_iter_key(it, &kn);
        if (kn < bn + 8) continue;
        rc = cb(z, k + bn + 8, kn - bn - 8, act__kv_score_dec(k + bn), arg);
    }
    if (rc >= 0) {
        int s = st_iter_status(it, kv->err);
        if (s) rc = s;
    }
    st_iter_destroy(it);
    orb_buf_free(&end);
    return rc < 0 ? -1 : 0;
}

/* ---- ranges ------------------------------------------------------------------------------ */

typedef struct srange { /* a score range (Redis's zrangespec) */
    double min, max;
    bool minex, maxex;
} srange_t;

typedef struct lbound { /* one end of a lex range: '-', '+', or a member */
    int inf;          /* -1: '-', 1: '+', 0: s */
    const char *s;
    size_t n;
    bool ex;
} lbound_t;

/* Redis's zslParseRange item: strtod over the C string, '(' exclusive. */
static bool parse_sbound(kv_t *kv, int i, double *v, bool *ex) {
    char *s = arg_cstr(kv, i), *end;
    *ex = s[0] == '(';
    if (*ex) s++;
    *v = strtod(s, &end);
    return end[0] == 0 && !isnan(*v);
}

static bool parse_srange(kv_t *kv, int imin, int imax, srange_t *r) {
    return parse_sbound(kv, imin, &r->min, &r->minex) &&
           parse_sbound(kv, imax, &r->max, &r->maxex);
}

static bool srange_empty(const srange_t *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}
static bool gte_min(const srange_t *r, double v) { return r->minex ? v > r->min : v >= r->min; }
static bool lte_max(const srange_t *r, double v) { return r->maxex ? v < r->max : v <= r->max; }

static bool parse_lbound(kv_t *kv, int i, lbound_t *b) {
    const char *s = kv->argv[i];
    size_t n = kv->lens[i];
    memset(b, 0, sizeof *b);
    if (n == 0) return false;
    switch (s[0]) {
    case '+':
    case '-':
        if (n > 1 && s[1] != 0) return false;
        b->inf = s[0] == '+' ? 1 : -1;
        b->ex = true;
        return true;
    case '(':
    case '[':
        b->ex = s[0] == '(';
        b->s = s + 1;
        b->n = n - 1;
        return true;
    default: return false;
    }
}

static int lex_cmp(const char *a, size_t an, const char *b, size_t bn) {
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* A bound against another (Redis's sdscmplex with its min/max strings). */
static int lbound_cmp(const lbound_t *a, const lbound_t *b) {
    if (a->inf || b->inf) return a->inf == b->inf ? 0 : a->inf < b->inf ? -1 : 1;
    return lex_cmp(a->s, a->n, b->s, b->n);
}

static bool lrange_empty(const lbound_t *min, const lbound_t *max) {
    int c = lbound_cmp(min, max);
    return c > 0 || (c == 0 && (min->ex || max->ex));
}

static bool lex_gte_min(const lbound_t *b, const char *m, size_t mn) {
    if (b->inf) return b->inf < 0;
    int c = lex_cmp(m, mn, b->s, b->n);
    return b->ex ? c > 0 : c >= 0;
}
static bool lex_lte_max(const lbound_t *b, const char *m, size_t mn) {
    if (b->inf) return b->inf > 0;
    int c = lex_cmp(m, mn, b->s, b->n);
    return b->ex ? c < 0 : c <= 0;
}

enum { ZR_RANK, ZR_SCORE, ZR_LEX };

/* What to collect from a walk: the entries of a score or lex range (in walk order) after
 * skipping `offset`, at most `limit` (< 0: all); or, for ranks, `offset` skipped and `limit`
 * taken. count_only counts without collecting. */
typedef struct zsel {
    int type;
    bool rev;
    srange_t sr;
    lbound_t lmin, lmax;
    int64_t offset, limit;
    bool count_only;
    bool started; /* lex: the first entry in range was met */
    int64_t count;
    zlist_t out;
} zsel_t;

static int zsel_cb(zs_t *z, const char *mem, size_t mn, double score, void *arg) {
    zsel_t *s = arg;
    if (s->type == ZR_SCORE) { /* the walk's bounds are the range */
        if (!gte_min(&s->sr, score) || !lte_max(&s->sr, score)) return 1;
    } else if (s->type == ZR_LEX) { /* Redis's listpack walk: first in range, then while in */
        bool head = s->rev ? lex_lte_max(&s->lmax, mem, mn) : lex_gte_min(&s->lmin, mem, mn);
        if (!s->started) {
            if (!head) return 0;
            s->started = true;
        }
        bool tail = s->rev ? lex_gte_min(&s->lmin, mem, mn) : lex_lte_max(&s->lmax, mem, mn);
        if (!tail) return 1;
    }
    if (s->offset > 0) {
        s->offset--;
        return 0;
    }
    if (s->limit == 0) return 1;
    if (s->limit > 0) s->limit--;
    s->count++;
    if (!s->count_only) zl_push(z->kv, &s->out, mem, mn, score);
    return 0;
}

/* The first and the last score of a zset (size > 0). */
typedef struct zfirst {
    bool seen;
    double score;
} zfirst_t;
static int zfirst_cb(zs_t *z, const char *mem, size_t mn, double score, void *arg) {
    ORB_UNUSED(z);
    ORB_UNUSED(mem);
    ORB_UNUSED(mn);
    zfirst_t *f = arg;
    f->seen = true;
    f->score = score;
    return 1;
}

/* P | 's' | score: where the entries of score start, or with `after` where they end (the
 * encoded score plus one; no score encodes as all ones, so the increment stays in 8 bytes). */
static char *score_key(zs_t *z, double score, bool after, size_t *len) {
    char *k = zkey(z, 's', &score, NULL, 0, len);
    unsigned char *u = (unsigned char *)k;
    for (size_t i = *len; after && i > *len - 8; i--)
        if (++u[i - 1] != 0) break;
    return k;
}

/* Runs a selection over the zset (s->type, rev, bounds, offset, limit already set). */
static int zselect(zs_t *z, zsel_t *s) {
    if (s->offset < 0) return 0; /* Redis skips everything for a negative offset */
    size_t lon = 0, hin = 0;
    char *lo = NULL, *hi = NULL;
    if (s->type == ZR_SCORE) {
        if (srange_empty(&s->sr)) return 0;
        lo = score_key(z, s->sr.min, s->sr.minex, &lon);
        hi = score_key(z, s->sr.max, !s->sr.maxex, &hin);
    } else if (s->type == ZR_LEX) {
        if (lrange_empty(&s->lmin, &s->lmax)) return 0;
        /* all members under one score (the normal case for lex ranges): seek to the bounds */
        zfirst_t a = {0}, b = {0};
        if (zwalk(z, NULL, 0, NULL, 0, false, zfirst_cb, &a) != 0 ||
            zwalk(z, NULL, 0, NULL, 0, true, zfirst_cb, &b) != 0)
            return -1;
        if (a.seen && b.seen && a.score == b.score) {
            /* zkey leaves room for one byte: key | 0 is the first key after key */
            if (!s->lmin.inf) {
                lo = zkey(z, 's', &a.score, s->lmin.s, s->lmin.n, &lon);
                if (s->lmin.ex) lo[lon++] = 0;
            }
            if (!s->lmax.inf) {
                hi = zkey(z, 's', &a.score, s->lmax.s, s->lmax.n, &hin);
                if (!s->lmax.ex) hi[hin++] = 0;
            }
        }
    }
    return zwalk(z, lo, lon, hi, hin, s->rev, zsel_cb, s);
}

/* Ranks start..end (sanitized like Redis) in s->out: from the nearer end of the index. */
static int zselect_rank(zs_t *z, int64_t start, int64_t end, bool rev, zsel_t *s) {
    int64_t llen = (int64_t)z->m.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return 0;
    if (end >= llen) end = llen - 1;
    s->type = ZR_RANK;
    s->limit = end - start + 1;
    bool flip = start > llen - 1 - end; /* the range is nearer the other end */
    s->offset = flip ? llen - 1 - end : start;
    s->rev = flip ? !rev : rev;
    if (zwalk(z, NULL, 0, NULL, 0, s->rev, zsel_cb, s) != 0) return -1;
    if (flip) {
        for (size_t i = 0, j = s->out.n; i + 1 < j; i++, j--) {
            zitem_t t = s->out.items[i];
            s->out.items[i] = s->out.items[j - 1];
            s->out.items[j - 1] = t;
        }
    }
    return 0;
}

static kvv_t *v_items(kv_t *kv, const zlist_t *l, bool withscores) {
    vlist_t out = {0};
    for (size_t i = 0; i < l->n; i++) {
        vl_push(kv, &out, v_bulk(kv, l->items[i].mem, l->items[i].mn));
        if (withscores) vl_push(kv, &out, v_dbl(kv, l->items[i].score));
    }
    return v_list(kv, withscores ? ORBIT__KV_VALUE__KIND__PAIRS : ORBIT__KV_VALUE__KIND__ARRAY,
                  &out);
}

static kvv_t *v_empty(kv_t *kv) {
    vlist_t l = {0};
    return v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
}

/* ---- ZADD, ZINCRBY, ZREM ----------------------------------------------------------------- */

enum { Z_NX = 1, Z_XX = 2, Z_GT = 4, Z_LT = 8, Z_INCR = 16 };

/* Redis's zsetAdd for one member: *out 1 added, 2 updated, 0 nothing; -1 NaN. */
static int zadd_one(zs_t *z, int flags, double score, const char *mem, size_t mn, int *out,
                    double *newscore, bool *processed) {
    double cur;
    bool found;
    *out = 0;
    *processed = false;
    if (zscore_get(z, mem, mn, &cur, &found) != 0) return -1;
    if (found) {
        if (flags & Z_NX) return 0;
        if (flags & Z_INCR) {
            score += cur;
            if (isnan(score)) {
                *out = -1;
                return 0;
            }
        }
        if (((flags & Z_LT) && score >= cur) || ((flags & Z_GT) && score <= cur)) return 0;
        *processed = true;
        *newscore = score;
        if (score != cur) {
            if (zscore_put(z, mem, mn, score, &cur) != 0) return -1;
            *out = 2;
        }
        return 0;
    }
    if (flags & Z_XX) return 0;
    *processed = true;
    *newscore = score;
    if (zscore_put(z, mem, mn, score, NULL) != 0) return -1;
    *out = 1;
    return 0;
}

static int zadd_generic(kv_t *kv, kvv_t **r, int flags) {
    int j = 2;
    bool ch = false;
    for (; j < kv->argc; j++) {
        if (arg_is(kv, j, "nx")) flags |= Z_NX;
        else if (arg_is(kv, j, "xx")) flags |= Z_XX;
        else if (arg_is(kv, j, "ch")) ch = true;
        else if (arg_is(kv, j, "incr")) flags |= Z_INCR;
        else if (arg_is(kv, j, "gt")) flags |= Z_GT;
        else if (arg_is(kv, j, "lt")) flags |= Z_LT;
        else break;
    }
    int elements = kv->argc - j;
    if (elements % 2 || !elements) {
        *r = v_syntax(kv);
        return 0;
    }
    elements /= 2;
    if ((flags & Z_NX) && (flags & Z_XX)) {
        *r = v_err(kv, "ERR XX and NX options at the same time are not compatible");
        return 0;
    }
    if (((flags & Z_GT) && (flags & Z_NX)) || ((flags & Z_LT) && (flags & Z_NX)) ||
        ((flags & Z_GT) && (flags & Z_LT))) {
        *r = v_err(kv, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return 0;
    }
    if ((flags & Z_INCR) && elements > 1) {
        *r = v_err(kv, "ERR INCR option supports a single increment-element pair");
        return 0;
    }
    double *scores = orb_alloc(kv->mcx, (size_t)elements * sizeof *scores);
    for (int i = 0; i < elements; i++) {
        if (!parse_score(kv, j + 2 * i, &scores[i])) {
            *r = v_err(kv, "ERR value is not a valid float");
            return 0;
        }
    }
    zs_t z;
    int rc = zs_write(kv, 1, &z, r);
    if (rc) return rc < 0 ? -1 : 0;
    int64_t added = 0, updated = 0, processed = 0;
    double score = 0;
    if (z.m.size > 0 || !(flags & Z_XX)) { /* XX on a missing key: nothing to do */
        for (int i = 0; i < elements; i++) {
            int out;
            bool proc;
            double ns = 0;
            if (zadd_one(&z, flags, scores[i], kv->argv[j + 2 * i + 1], kv->lens[j + 2 * i + 1],
                         &out, &ns, &proc) != 0)
                return -1;
            if (out < 0) {
                *r = v_err(kv, "ERR resulting score is not a number (NaN)");
                return 0; /* nothing was written: INCR takes one member */
            }
            added += out == 1;
            updated += out == 2;
            processed += proc;
            if (proc) score = ns;
        }
        if (added + updated && zs_finish(&z) != 0) return -1;
    }
    if (flags & Z_INCR) *r = processed ? v_dbl(kv, score) : v_nil(kv);
    else *r = v_int(kv, ch ? added + updated : added);
    return 0;
}

static int c_zadd(kv_t *kv, kvv_t **r) { return zadd_generic(kv, r, 0); }
static int c_zincrby(kv_t *kv, kvv_t **r) { return zadd_generic(kv, r, Z_INCR); }

static int c_zrem(kv_t *kv, kvv_t **r) {
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t n = 0;
    for (int i = 2; i < kv->argc; i++) {
        double s;
        bool found;
        if (zscore_get(&z, kv->argv[i], kv->lens[i], &s, &found) != 0) return -1;
        if (!found) continue;
        if (zmember_del(&z, kv->argv[i], kv->lens[i], s) != 0) return -1;
        n++;
    }
    if (n && zs_finish(&z) != 0) return -1;
    *r = v_int(kv, n);
    return 0;
}

/* ---- reads of members ------------------------------------------------------------------ */

static int c_zscore(kv_t *kv, kvv_t **r) {
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    double s;
    bool found;
    if (zscore_get(&z, kv->argv[2], kv->lens[2], &s, &found) != 0) return -1;
    *r = found ? v_dbl(kv, s) : v_nil(kv);
    return 0;
}

static int c_zmscore(kv_t *kv, kvv_t **r) {
    zs_t z;
    vlist_t l = {0};
    int rc = zs_read(kv, 1, &z, r, NULL);
    if (rc < 0) return -1;
    if (rc && *r) return 0;
    for (int i = 2; i < kv->argc; i++) {
        double s;
        bool found = false;
        if (!rc && zscore_get(&z, kv->argv[i], kv->lens[i], &s, &found) != 0) return -1;
        vl_push(kv, &l, found ? v_dbl(kv, s) : v_nil(kv));
    }
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

static int c_zcard(kv_t *kv, kvv_t **r) {
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, (int64_t)z.m.size);
    return 0;
}

/* Parses argv[imin], argv[imax] as s->type's range (ranks into *start, *end): false with the
 * error reply in *r. */
static bool parse_range(kv_t *kv, int imin, int imax, zsel_t *s, int64_t *start, int64_t *end,
                        kvv_t **r) {
    if (s->type == ZR_RANK && (!act__kv_parse_ll(kv->argv[imin], kv->lens[imin], start) ||
                               !act__kv_parse_ll(kv->argv[imax], kv->lens[imax], end))) {
        *r = v_notint(kv);
        return false;
    }
    if (s->type == ZR_SCORE && !parse_srange(kv, imin, imax, &s->sr)) {
        *r = v_err(kv, "ERR min or max is not a float");
        return false;
    }
    if (s->type == ZR_LEX &&
        (!parse_lbound(kv, imin, &s->lmin) || !parse_lbound(kv, imax, &s->lmax))) {
        *r = v_err(kv, "ERR min or max not valid string range item");
        return false;
    }
    return true;
}

static int count_generic(kv_t *kv, kvv_t **r, int type) {
    zsel_t s = {.type = type, .limit = -1, .count_only = true};
    if (!parse_range(kv, 2, 3, &s, NULL, NULL, r)) return 0;
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    if (zselect(&z, &s) != 0) return -1;
    *r = v_int(kv, s.count);
    return 0;
}
static int c_zcount(kv_t *kv, kvv_t **r) { return count_generic(kv, r, ZR_SCORE); }
static int c_zlexcount(kv_t *kv, kvv_t **r) { return count_generic(kv, r, ZR_LEX); }

/* The rank of the index entry k (kn bytes; zkey's spare byte is used) counted from the nearer
 * end: one iterator steps up from the first entry, one down from the last, in turn; the first
 * to reach k decides (the metadata's size gives the other side). O(min(rank, size - rank)). */
static int zrank_of(zs_t *z, char *k, size_t kn, int64_t *rank) {
    kv_t *kv = z->kv;
    size_t bn;
    char *base = zkey(z, 's', NULL, NULL, 0, &bn);
    orb_buf_t end;
    orb_buf_init(&end);
    orb_buf_append(&end, base, bn);
    st_key_prefix_successor(&end);
    k[kn] = 0; /* k | 0: the first key after k */
    st_iter_t *up = st_iter_create(kv->st, ST_CF_KV, base, bn, k, kn, false);
    st_iter_t *down = st_iter_create(kv->st, ST_CF_KV, k, kn + 1, end.data, end.len, true);
    int64_t below = 0, above = 0;
    for (;;) {
        if (!st_iter_valid(up)) {
            *rank = below;
            break;
        }
        if (!st_iter_valid(down)) {
            *rank = (int64_t)z->m.size - 1 - above;
            break;
        }
        below++;
        above++;
        st_iter_next(up);
        st_iter_next(down);
    }
    int rc = st_iter_status(up, kv->err);
    if (rc == 0) rc = st_iter_status(down, kv->err);
    st_iter_destroy(up);
    st_iter_destroy(down);
    orb_buf_free(&end);
    return rc ? -1 : 0;
}

/* ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE: Redis 7.2). */
static int rank_generic(kv_t *kv, kvv_t **r, bool rev) {
    bool withscore = false;
    if (kv->argc > 4) {
        *r = v_err(kv, "ERR wrong number of arguments for '%s' command",
                   rev ? "zrevrank" : "zrank");
        return 0;
    }
    if (kv->argc == 4) {
        if (!arg_is(kv, 3, "withscore")) {
            *r = v_syntax(kv);
            return 0;
        }
        withscore = true;
    }
    kvv_t *null = withscore ? v_new(kv, ORBIT__KV_VALUE__KIND__NIL_ARRAY) : v_nil(kv);
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, null);
    if (rc) return rc < 0 ? -1 : 0;
    double s;
    bool found;
    if (zscore_get(&z, kv->argv[2], kv->lens[2], &s, &found) != 0) return -1;
    if (!found) {
        *r = null;
        return 0;
    }
    size_t kn;
    char *k = zkey(&z, 's', &s, kv->argv[2], kv->lens[2], &kn);
    int64_t n = 0;
    if (zrank_of(&z, k, kn, &n) != 0) return -1;
    if (rev) n = (int64_t)z.m.size - 1 - n;
    if (!withscore) {
        *r = v_int(kv, n);
        return 0;
    }
    vlist_t l = {0};
    vl_push(kv, &l, v_int(kv, n));
    vl_push(kv, &l, v_dbl(kv, s));
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}
static int c_zrank(kv_t *kv, kvv_t **r) { return rank_generic(kv, r, false); }
static int c_zrevrank(kv_t *kv, kvv_t **r) { return rank_generic(kv, r, true); }

/* ---- ZRANGE and its older forms ---------------------------------------------------------- */

enum { DIR_AUTO, DIR_FWD, DIR_REV };
enum { ST_NONE, ST_WRITE, ST_READ }; /* ZRANGESTORE: store here, or only read (wire/ stores) */

/* Redis's zrangeGenericCommand: argv[argstart] is the source key, then min, max, options. */
static int zrange_generic(kv_t *kv, kvv_t **r, int argstart, int store, int type, int dir) {
    int minidx = argstart + 1, maxidx = argstart + 2;
    bool withscores = false;
    int64_t offset = 0, limit = -1;
    for (int j = argstart + 3; j < kv->argc; j++) {
        int left = kv->argc - j - 1;
        if (!store && arg_is(kv, j, "withscores")) {
            withscores = true;
        } else if (arg_is(kv, j, "limit") && left >= 2) {
            if (!act__kv_parse_ll(kv->argv[j + 1], kv->lens[j + 1], &offset) ||
                !act__kv_parse_ll(kv->argv[j + 2], kv->lens[j + 2], &limit)) {
                *r = v_notint(kv);
                return 0;
            }
            j += 2;
        } else if (dir == DIR_AUTO && arg_is(kv, j, "rev")) {
            dir = DIR_REV;
        } else if (type < 0 && arg_is(kv, j, "bylex")) {
            type = ZR_LEX;
        } else if (type < 0 && arg_is(kv, j, "byscore")) {
            type = ZR_SCORE;
        } else {
            *r = v_syntax(kv);
            return 0;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FWD;
    if (type < 0) type = ZR_RANK;
    if (limit != -1 && type == ZR_RANK) {
        *r = v_err(kv, "ERR syntax error, LIMIT is only supported in combination with either "
                       "BYSCORE or BYLEX");
        return 0;
    }
    if (withscores && type == ZR_LEX) {
        *r = v_err(kv, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return 0;
    }
    bool rev = dir == DIR_REV;
    if (rev && type != ZR_RANK) {
        int t = minidx;
        minidx = maxidx;
        maxidx = t;
    }
    zsel_t s = {.type = type, .rev = rev, .offset = offset, .limit = limit};
    int64_t start = 0, end = 0;
    if (!parse_range(kv, minidx, maxidx, &s, &start, &end, r)) return 0;
    zs_t z;
    int rc = zs_read(kv, argstart, &z, r, NULL);
    if (rc < 0) return -1;
    if (rc && *r) return 0; /* WRONGTYPE */
    if (!rc) {
        if (type == ZR_RANK) rc = zselect_rank(&z, start, end, rev, &s);
        else rc = zselect(&z, &s);
        if (rc != 0) return -1;
    }
    if (store == ST_READ) {
        *r = v_items(kv, &s.out, true);
        return 0;
    }
    if (store == ST_WRITE) {
        zs_t d;
        if (zs_replace(kv, 1, &d) != 0) return -1;
        for (size_t i = 0; i < s.out.n; i++)
            if (zscore_put(&d, s.out.items[i].mem, s.out.items[i].mn, s.out.items[i].score,
                           NULL) != 0)
                return -1;
        if (d.m.size && zs_finish(&d) != 0) return -1;
        *r = v_int(kv, (int64_t)s.out.n);
        return 0;
    }
    *r = v_items(kv, &s.out, withscores);
    return 0;
}

static int c_zrange(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, -1, DIR_AUTO);
}
static int c_zrevrange(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, ZR_RANK, DIR_REV);
}
static int c_zrangebyscore(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, ZR_SCORE, DIR_FWD);
}
static int c_zrevrangebyscore(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, ZR_SCORE, DIR_REV);
}
static int c_zrangebylex(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, ZR_LEX, DIR_FWD);
}
static int c_zrevrangebylex(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 1, ST_NONE, ZR_LEX, DIR_REV);
}
/* ZRANGESTORE dst src ...: both keys on this shard. */
static int c_zrangestore(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 2, ST_WRITE, -1, DIR_AUTO);
}
/* __zrangeget dst src ...: ZRANGESTORE's read on src's shard -> PAIRS member, score (or an
 * error reply); wire/ then sends __zstore to dst's shard. */
static int c_zrangeget(kv_t *kv, kvv_t **r) {
    return zrange_generic(kv, r, 2, ST_READ, -1, DIR_AUTO);
}

/* __zstore dst [member score]... -> the number of members: replaces dst (whatever it holds),
 * or removes it when none are given. Scores are "%.17g" text (exact). */
static int c_zstore(kv_t *kv, kvv_t **r) {
    zs_t d;
    if (zs_replace(kv, 1, &d) != 0) return -1;
    for (int i = 2; i + 1 < kv->argc; i += 2) {
        double s, cur;
        bool found;
        char *t = arg_cstr(kv, i + 1);
        s = strtod(t, NULL);
        if (zscore_get(&d, kv->argv[i], kv->lens[i], &cur, &found) != 0) return -1;
        if (zscore_put(&d, kv->argv[i], kv->lens[i], s, found ? &cur : NULL) != 0) return -1;
    }
    if (d.m.size && zs_finish(&d) != 0) return -1;
    *r = v_int(kv, (int64_t)d.m.size);
    return 0;
}

/* ---- removing ranges, popping ------------------------------------------------------------ */

static int zdel_items(zs_t *z, const zlist_t *l) {
    for (size_t i = 0; i < l->n; i++)
        if (zmember_del(z, l->items[i].mem, l->items[i].mn, l->items[i].score) != 0) return -1;
    return l->n ? zs_finish(z) : 0;
}

static int zremrange_generic(kv_t *kv, kvv_t **r, int type) {
    zsel_t s = {.type = type, .limit = -1};
    int64_t start = 0, end = 0;
    if (!parse_range(kv, 2, 3, &s, &start, &end, r)) return 0;
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    rc = type == ZR_RANK ? zselect_rank(&z, start, end, false, &s) : zselect(&z, &s);
    if (rc != 0 || zdel_items(&z, &s.out) != 0) return -1;
    *r = v_int(kv, (int64_t)s.out.n);
    return 0;
}
static int c_zremrangebyrank(kv_t *kv, kvv_t **r) { return zremrange_generic(kv, r, ZR_RANK); }
static int c_zremrangebyscore(kv_t *kv, kvv_t **r) { return zremrange_generic(kv, r, ZR_SCORE); }
static int c_zremrangebylex(kv_t *kv, kvv_t **r) { return zremrange_generic(kv, r, ZR_LEX); }

static int zpop_generic(kv_t *kv, kvv_t **r, bool max) {
    if (kv->argc > 3) {
        *r = v_syntax(kv);
        return 0;
    }
    int64_t count = -1;
    if (kv->argc == 3) {
        if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &count) || count < 0) {
            *r = v_err(kv, "ERR value is out of range, must be positive");
            return 0;
        }
    }
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, v_empty(kv));
    if (rc) return rc < 0 ? -1 : 0;
    if (count == 0) {
        *r = v_empty(kv);
        return 0;
    }
    zsel_t s = {.type = ZR_RANK, .rev = max, .limit = count < 0 ? 1 : count};
    if (zwalk(&z, NULL, 0, NULL, 0, max, zsel_cb, &s) != 0) return -1;
    if (zdel_items(&z, &s.out) != 0) return -1;
    *r = v_items(kv, &s.out, true);
    if (count < 0) (*r)->kind = ORBIT__KV_VALUE__KIND__ARRAY; /* flat also in RESP3 */
    return 0;
}
static int c_zpopmin(kv_t *kv, kvv_t **r) { return zpop_generic(kv, r, false); }
static int c_zpopmax(kv_t *kv, kvv_t **r) { return zpop_generic(kv, r, true); }

/* ---- ZRANDMEMBER, ZSCAN ------------------------------------------------------------------ */

static int all_cb(zs_t *z, const char *mem, size_t mn, double score, void *arg) {
    zl_push(z->kv, arg, mem, mn, score);
    return 0;
}

/* ZRANDMEMBER key [count [WITHSCORES]]: reads the whole zset (O(size)), like SRANDMEMBER. */
static int c_zrandmember(kv_t *kv, kvv_t **r) {
    int64_t count = 1;
    bool with_count = kv->argc >= 3, withscores = false;
    if (with_count) {
        if (!act__kv_random_count(kv, &count, r)) return 0;
        if (kv->argc > 4 || (kv->argc == 4 && !arg_is(kv, 3, "withscores"))) {
            *r = v_syntax(kv);
            return 0;
        }
        withscores = kv->argc == 4;
        if (withscores && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) {
            *r = v_err(kv, "ERR value is out of range");
            return 0;
        }
    }
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, with_count ? v_empty(kv) : v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    if (count == 0) {
        *r = v_empty(kv);
        return 0;
    }
    if (count < -KV_MAX_RANDOM) { /* redis-server 7.0 tries to build such a reply */
        *r = v_err(kv, "ERR value is out of range");
        return 0;
    }
    zlist_t all = {0};
    if (zwalk(&z, NULL, 0, NULL, 0, false, all_cb, &all) != 0) return -1;
    if (all.n == 0) { /* cannot happen: empty zsets are removed */
        *r = with_count ? v_empty(kv) : v_nil(kv);
        return 0;
    }
    if (!with_count) {
        zitem_t *it = &all.items[act__kv_rand() % all.n];
        *r = v_bulk(kv, it->mem, it->mn);
        return 0;
    }
    zlist_t out = {0};
    if (count < 0 || count == 1) { /* with repetitions */
        int64_t n = count < 0 ? -count : count;
        for (int64_t i = 0; i < n; i++) {
            zitem_t *it = &all.items[act__kv_rand() % all.n];
            zl_push(kv, &out, it->mem, it->mn, it->score);
        }
    } else if ((uint64_t)count >= all.n) { /* the whole zset, highest first (as Redis) */
        for (size_t i = all.n; i > 0; i--)
            zl_push(kv, &out, all.items[i - 1].mem, all.items[i - 1].mn, all.items[i - 1].score);
    } else { /* distinct: a partial Fisher-Yates shuffle */
        for (int64_t i = 0; i < count; i++) {
            size_t j = (size_t)i + (size_t)(act__kv_rand() % (all.n - (size_t)i));
            zitem_t t = all.items[i];
            all.items[i] = all.items[j];
            all.items[j] = t;
        }
        all.n = (size_t)count;
        out = all;
    }
    *r = v_items(kv, &out, withscores);
    return 0;
}

typedef struct zscan_arg {
    const char *pat;
    size_t pn;
    vlist_t l;
} zscan_arg_t;

static int zscan_cb(zs_t *z, const char *mem, size_t mn, double score, void *arg) {
    zscan_arg_t *a = arg;
    if (a->pat && !act__kv_glob_match(a->pat, a->pn, mem, mn)) return 0;
    vl_push(z->kv, &a->l, v_bulk(z->kv, mem, mn));
    vl_push(z->kv, &a->l, v_score_bulk(z->kv, score));
    return 0;
}

/* ZSCAN key cursor [MATCH p] [COUNT n]: the whole zset in score order in one reply with cursor
 * 0 (what Redis does for small zsets), scores as bulk strings in RESP2 and RESP3. */
static int c_zscan(kv_t *kv, kvv_t **r) {
    zscan_arg_t a = {0};
    if (act__kv_scan_opts(kv, r, &a.pat, &a.pn)) return 0;
    zs_t z;
    int rc = zs_read(kv, 1, &z, r, NULL);
    if (rc < 0) return -1;
    if (rc && *r) return 0;
    if (!rc && zwalk(&z, NULL, 0, NULL, 0, false, zscan_cb, &a) != 0) return -1;
    vlist_t out = {0};
    vl_push(kv, &out, v_bulk(kv, "0", 1));
    vl_push(kv, &out, v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l));
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
    return 0;
}

/* ---- the op table (arity is checked by wire/) -------------------------------------------- */

const kv_op_t act__kv_zset_ops[] = {
    {"zadd", c_zadd},
    {"zincrby", c_zincrby},
    {"zrem", c_zrem},
    {"zscore", c_zscore},
    {"zmscore", c_zmscore},
    {"zcard", c_zcard},
    {"zcount", c_zcount},
    {"zlexcount", c_zlexcount},
    {"zrank", c_zrank},
    {"zrevrank", c_zrevrank},
    {"zrange", c_zrange},
    {"zrevrange", c_zrevrange},
    {"zrangebyscore", c_zrangebyscore},
    {"zrevrangebyscore", c_zrevrangebyscore},
    {"zrangebylex", c_zrangebylex},
    {"zrevrangebylex", c_zrevrangebylex},
    {"zrangestore", c_zrangestore},
    {"__zrangeget", c_zrangeget},
    {"__zstore", c_zstore},
    {"zremrangebyrank", c_zremrangebyrank},
    {"zremrangebyscore", c_zremrangebyscore},
    {"zremrangebylex", c_zremrangebylex},
    {"zpopmin", c_zpopmin},
    {"zpopmax", c_zpopmax},
    {"zrandmember", c_zrandmember},
    {"zscan", c_zscan},
};
const size_t act__kv_zset_nops = sizeof act__kv_zset_ops / sizeof act__kv_zset_ops[0];
