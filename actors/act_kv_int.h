/* actors/act_kv_int.h — what the kv-shard behaviour's files share (act_kv.c: strings, hashes,
 * sets, lists, keyspace; act_kv_zset.c: sorted sets): the request state, the metadata record,
 * reply value constructors and the record helpers (act__kv_*). Private to actors/; layout and
 * invariants: actors/README.md "kv-shard". All of it runs on the shard's worker thread. */
#ifndef ORB_ACT_KV_INT_H
#define ORB_ACT_KV_INT_H

#include "actors_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* key types; all but strings keep sub-records under (key, version) */
enum { KV_STRING = 1, KV_HASH = 2, KV_SET = 3, KV_LIST = 4, KV_ZSET = 5 };
#define META_HDR 25 /* type u8 | expire_ms i64 BE | version u64 BE | size u64 BE */
#define KV_MAX_RANDOM ((int64_t)1 << 24) /* S/ZRANDMEMBER's largest negative count */

typedef struct meta {
    uint8_t type;
    int64_t expire; /* unix ms, 0: none */
    uint64_t version;
    uint64_t size;     /* hash: fields; set, zset: members; list: length */
    const char *val;   /* string: the value (allocated in the request's mcx) */
    size_t vlen;
} meta_t;

/* One request on one shard: its transaction, arguments and scratch key buffers. */
typedef struct kv {
    act_worker_t *w;
    act_actor_t *a;  /* the kv-shard actor (its watches and transaction claim) */
    uint64_t txn_id; /* an EXEC's transaction: writes go to its storage transaction */
    orb_mcx_t *mcx;
    st_txn_t *st;
    uint32_t shard, db;
    int64_t now; /* unix ms, fixed for the request */
    int argc;
    const char **argv;
    const size_t *lens;
    bool wrote;
    orb_err_t *err;
    orb_buf_t kb, kb2, vb; /* kb: metadata keys, kb2: sub-record keys, vb: values */
} kv_t;

typedef Orbit__KvValue kvv_t;

/* A command of the op table: fills *r with the reply (Redis errors are replies); returns -1
 * only for storage failures (kv->err). */
typedef struct kv_op {
    const char *name;
    int (*fn)(kv_t *kv, kvv_t **r);
} kv_op_t;

extern const kv_op_t act__kv_zset_ops[]; /* act_kv_zset.c */
extern const size_t act__kv_zset_nops;
extern const kv_op_t act__kv_exec_ops[]; /* act_kv_exec.c */
extern const size_t act__kv_exec_nops;
/* After a request that wrote: the watched keys among its arguments (all of them when all)
 * count one more write. */
void act__kv_touch(kv_t *kv, bool all);

/* ---- reply values (allocated in kv->mcx) ---------------------------------------------- */

static inline kvv_t *v_new(kv_t *kv, Orbit__KvValue__Kind kind) {
    kvv_t *v = orb_alloc(kv->mcx, sizeof *v);
    orbit__kv_value__init(v);
    v->kind = kind;
    return v;
}
static inline kvv_t *v_bulk(kv_t *kv, const char *p, size_t n) {
    kvv_t *v = v_new(kv, ORBIT__KV_VALUE__KIND__BULK);
    char *d = orb_alloc(kv->mcx, n + 1);
    if (n) memcpy(d, p, n);
    d[n] = 0;
    v->str.data = (uint8_t *)d;
    v->str.len = n;
    return v;
}
static inline kvv_t *v_str(kv_t *kv, Orbit__KvValue__Kind kind, const char *s) {
    kvv_t *v = v_bulk(kv, s, strlen(s));
    v->kind = kind;
    return v;
}
static inline kvv_t *v_ok(kv_t *kv) { return v_str(kv, ORBIT__KV_VALUE__KIND__STATUS, "OK"); }
static inline kvv_t *v_nil(kv_t *kv) { return v_new(kv, ORBIT__KV_VALUE__KIND__NIL); }
static inline kvv_t *v_int(kv_t *kv, int64_t n) {
    kvv_t *v = v_new(kv, ORBIT__KV_VALUE__KIND__INT);
    v->num = n;
    return v;
}
static inline kvv_t *v_dbl(kv_t *kv, double d) {
    kvv_t *v = v_new(kv, ORBIT__KV_VALUE__KIND__DOUBLE);
    v->dbl = d;
    return v;
}
static inline kvv_t *v_err(kv_t *kv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline kvv_t *v_err(kv_t *kv, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return v_str(kv, ORBIT__KV_VALUE__KIND__ERROR, buf);
}
static inline kvv_t *v_wrongtype(kv_t *kv) {
    return v_err(kv, "WRONGTYPE Operation against a key holding the wrong kind of value");
}
static inline kvv_t *v_notint(kv_t *kv) {
    return v_err(kv, "ERR value is not an integer or out of range");
}
static inline kvv_t *v_syntax(kv_t *kv) { return v_err(kv, "ERR syntax error"); }

/* A growable array reply. */
typedef struct vlist {
    kvv_t **items;
    size_t n, cap;
} vlist_t;
static inline void vl_push(kv_t *kv, vlist_t *l, kvv_t *v) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        kvv_t **items = orb_alloc(kv->mcx, cap * sizeof *items);
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = v;
}
static inline kvv_t *v_list(kv_t *kv, Orbit__KvValue__Kind kind, vlist_t *l) {
    kvv_t *v = v_new(kv, kind);
    v->elems = l->items;
    v->n_elems = l->n;
    return v;
}

static inline bool arg_is(const kv_t *kv, int i, const char *s) {
    size_t n = strlen(s);
    return i < kv->argc && kv->lens[i] == n && strncasecmp(kv->argv[i], s, n) == 0;
}

/* ---- sorted set scores (act_kv_zset.c) -------------------------------------------------- */

/* 8 bytes whose byte order is the numeric order of the doubles (NaN excluded): the sign bit
 * flipped for non-negative values, every bit for negative ones; -0 encodes as 0 (Redis 7.0
 * answers "0" for it too). */
void act__kv_score_enc(char out[8], double d);
double act__kv_score_dec(const char *p);

/* ---- helpers (act_kv.c) ---------------------------------------------------------------- */

/* Redis's string2ll: no spaces, no '+', no leading zeros, within int64. */
bool act__kv_parse_ll(const char *p, size_t n, int64_t *out);
/* Redis's stringmatchlen (case sensitive). */
bool act__kv_glob_match(const char *p, size_t pn, const char *s, size_t sn);
/* A pseudo-random 64-bit number (per worker thread). */
uint64_t act__kv_rand(void);
/* A fresh version for a new collection's sub-records (monotonic per thread). */
uint64_t act__kv_version_next(void);

/* b = the prefix of key's sub-records of `version`: shard | 'S' | db | len | key | version. */
void act__kv_key_sub(kv_t *kv, orb_buf_t *b, const char *key, size_t n, uint64_t version);
/* A storage call's rc as the request's failure: -1 (ORB_AGAIN becomes an internal error). */
int act__kv_st_fail(kv_t *kv, int rc);
/* Writes and deletes through the request's transaction without row locks (README inv. 4). */
int act__kv_put(kv_t *kv, const char *k, size_t kn, const char *v, size_t vn);
int act__kv_del(kv_t *kv, const char *k, size_t kn);
/* Reads key's metadata; an expired key counts as absent (*found false). */
int act__kv_meta_get(kv_t *kv, const char *key, size_t n, meta_t *m, bool *found);
/* Writes key's metadata, keeping the expiry index in step (old_expire: the stored one). */
int act__kv_meta_put(kv_t *kv, const char *key, size_t n, const meta_t *m, int64_t old_expire);
/* Removes a key, its expiry entry and its sub-records, given its stored metadata. */
int act__kv_key_remove(kv_t *kv, const char *key, size_t n, const meta_t *m);
/* Removes whatever key holds (expired or not): before it is replaced. */
int act__kv_key_remove_any(kv_t *kv, const char *key, size_t n, bool *existed);
/* Looks a collection up for writing: 1 with *reply = WRONGTYPE for another type; a new one
 * gets fresh metadata in *m (not yet stored; *old_expire 0). */
int act__kv_coll_for_write(kv_t *kv, uint8_t type, const char *key, size_t n, meta_t *m,
                           int64_t *old_expire, kvv_t **reply);
/* Looks argv[1] up for reading: 1 with *r = if_absent when absent, WRONGTYPE for another
 * type; 0 when it is a live collection of `type` (in *m). */
int act__kv_coll_for_read(kv_t *kv, uint8_t type, meta_t *m, kvv_t **r, kvv_t *if_absent);
/* S/ZRANDMEMBER's count (argv[2], Redis's -LONG_MAX..LONG_MAX): false with the error in *r. */
bool act__kv_random_count(kv_t *kv, int64_t *count, kvv_t **r);
/* Parses the cursor and options of H/S/ZSCAN (argv[2..]): 1 with *r = the error reply, else 0
 * with *pat (NULL: every element). */
int act__kv_scan_opts(kv_t *kv, kvv_t **r, const char **pat, size_t *pn);

#endif
