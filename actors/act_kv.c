/* actors/act_kv.c — the kv-shard behaviour: Redis strings, hashes, sets, lists and keyspace
 * commands on the keys of one shard, stored in the kv column family as a metadata record per
 * key plus sub-records per hash field, set member or list element (layout: actors/README.md
 * "kv-shard"); sorted sets are in act_kv_zset.c, the shared helpers in act_kv_int.h. Entry
 * points: act__kv_execute (worker thread), act_kv_shard_of, act_kv_call / act_kv_call_many
 * (any thread that may block). Invariants: a request runs in one storage transaction, committed
 * (WAL synced) before the reply when it wrote; a key whose expiry is <= now is invisible to
 * every command (and removed by the first writer or the sweep). Replies and error texts are
 * Redis 7's (docs/redis.md). */
#include "act_kv_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KV_MAX_STRING ((int64_t)512 << 20) /* Redis's proto-max-bulk-len */
#define KV_SWEEP_MAX 1000

/* ---- small helpers ------------------------------------------------------------------- */

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t key_hash32(const char *k, size_t n) {
    return (uint32_t)(st_key_hash(n ? k : "", n) >> 32);
}

uint32_t act_kv_shard_of(const char *key, size_t len) {
    return (uint32_t)(st_key_hash(len ? key : "", len) % ACT_KV_SHARDS);
}

/* Redis's string2ll: no spaces, no '+', no leading zeros, within int64. */
bool act__kv_parse_ll(const char *p, size_t n, int64_t *out) {
    if (n == 0 || n > 20) return false;
    if (n == 1 && p[0] == '0') {
        *out = 0;
        return true;
    }
    size_t i = 0;
    bool neg = false;
    if (p[0] == '-') {
        neg = true;
        i = 1;
        if (n == 1) return false;
    }
    if (p[i] < '1' || p[i] > '9') return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10) return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) return false;
        *out = (int64_t)(0 - v);
    } else {
        if (v > (uint64_t)INT64_MAX) return false;
        *out = (int64_t)v;
    }
    return true;
}

/* Redis's string2ld. */
static bool parse_ld(const char *p, size_t n, long double *out) {
    char buf[5200];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    if (isspace((unsigned char)buf[0])) return false;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != n || errno == ERANGE || isnan(v)) return false;
    *out = v;
    return true;
}

/* Redis's ld2string in human-friendly mode. */
static int fmt_ld(char *buf, size_t cap, long double v) {
    int l = snprintf(buf, cap, "%.17Lf", v);
    if (l < 0 || (size_t)l >= cap) return -1;
    if (strchr(buf, '.')) {
        char *p = buf + l - 1;
        while (*p == '0') {
            p--;
            l--;
        }
        if (*p == '.') l--;
        buf[l] = 0;
    }
    if (l == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        buf[1] = 0;
        l = 1;
    }
    return l;
}

/* Redis's stringmatchlen (case sensitive). */
bool act__kv_glob_match(const char *p, size_t pn, const char *s, size_t sn) {
    while (pn && sn) {
        switch (p[0]) {
        case '*':
            while (pn > 1 && p[1] == '*') {
                p++;
                pn--;
            }
            if (pn == 1) return true;
            while (sn) {
                if (act__kv_glob_match(p + 1, pn - 1, s, sn)) return true;
                s++;
                sn--;
            }
            return false;
        case '?':
            s++;
            sn--;
            break;
        case '[': {
            p++;
            pn--;
            bool neg = pn && p[0] == '^';
            if (neg) {
                p++;
                pn--;
            }
            bool match = false;
            for (;;) {
                if (pn == 0) break;
                if (p[0] == '\\' && pn >= 2) {
                    p++;
                    pn--;
                    if (p[0] == s[0]) match = true;
                } else if (p[0] == ']') {
                    break;
                } else if (pn >= 3 && p[1] == '-') {
                    unsigned char a = (unsigned char)p[0], b = (unsigned char)p[2];
                    unsigned char c = (unsigned char)s[0];
                    if (a > b) {
                        unsigned char t = a;
                        a = b;
                        b = t;
                    }
                    p += 2;
                    pn -= 2;
                    if (c >= a && c <= b) match = true;
                } else if (p[0] == s[0]) {
                    match = true;
                }
                p++;
                pn--;
            }
            if (pn == 0) { /* unterminated class: Redis treats the end as ']' */
                p--;
                pn++;
            }
            if (neg) match = !match;
            if (!match) return false;
            s++;
            sn--;
            break;
        }
        case '\\':
            if (pn >= 2) {
                p++;
                pn--;
            }
            /* fall through */
        default:
            if (p[0] != s[0]) return false;
            s++;
            sn--;
            break;
        }
        p++;
        pn--;
        if (sn == 0) {
            while (pn && p[0] == '*') {
                p++;
                pn--;
            }
            break;
        }
    }
    return pn == 0 && sn == 0;
}

/* ---- keys and records -------------------------------------------------------------------- */

static void k_meta(kv_t *kv, orb_buf_t *b, const char *key, size_t n) {
    orb_buf_reset(b);
    orb_buf_put_be16(b, (uint16_t)kv->shard);
    orb_buf_putc(b, 'M');
    orb_buf_put_u8(b, (uint8_t)kv->db);
    orb_buf_put_be32(b, (uint32_t)key_hash32(key, n));
    orb_buf_append(b, key, n);
}
static void k_meta_db(kv_t *kv, orb_buf_t *b) { /* the prefix of db's metadata records */
    orb_buf_reset(b);
    orb_buf_put_be16(b, (uint16_t)kv->shard);
    orb_buf_putc(b, 'M');
    orb_buf_put_u8(b, (uint8_t)kv->db);
}
void act__kv_key_sub(kv_t *kv, orb_buf_t *b, const char *key, size_t n, uint64_t version) {
    orb_buf_reset(b);
    orb_buf_put_be16(b, (uint16_t)kv->shard);
    orb_buf_putc(b, 'S');
    orb_buf_put_u8(b, (uint8_t)kv->db);
    orb_buf_put_be32(b, (uint32_t)n);
    orb_buf_append(b, key, n);
    orb_buf_put_be64(b, version);
}
static void k_exp(kv_t *kv, orb_buf_t *b, int64_t expire, uint32_t db, const char *key,
                  size_t n) {
    orb_buf_reset(b);
    orb_buf_put_be16(b, (uint16_t)kv->shard);
    orb_buf_putc(b, 'E');
    orb_buf_put_be64(b, (uint64_t)expire);
    orb_buf_put_u8(b, (uint8_t)db);
    orb_buf_append(b, key, n);
}

static uint64_t get_be(const char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | (uint8_t)p[i];
    return v;
}

static bool meta_decode(const char *v, size_t n, meta_t *m) {
    if (n < META_HDR) return false;
    m->type = (uint8_t)v[0];
    m->expire = (int64_t)get_be(v + 1, 8);
    m->version = get_be(v + 9, 8);
    m->size = get_be(v + 17, 8);
    m->val = v + META_HDR;
    m->vlen = n - META_HDR;
    return true;
}

uint64_t act__kv_version_next(void) {
    static _Thread_local uint64_t last;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t v = ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000) << 8;
    last = v > last ? v : last + 1;
    return last;
}

/* Writes without row locks: a kv shard's keys are written only by its own actor, one storage
 * transaction at a time, so no other transaction can hold them; with RocksDB's lock_timeout 0
 * its lock manager only try-locks its stripe mutexes, and a writer on another worker would
 * make these keys look busy. */
static int kv_put(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, const char *v, size_t vn,
                  orb_err_t *err) {
    (void)err;
    st_txn_put_unlocked(t, cf, k, kn, v, vn);
    return 0;
}

static int kv_del(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, orb_err_t *err) {
    (void)err;
    st_txn_delete_unlocked(t, cf, k, kn);
    return 0;
}

int act__kv_put(kv_t *kv, const char *k, size_t kn, const char *v, size_t vn) {
    kv->wrote = true;
    return kv_put(kv->st, ST_CF_KV, k, kn, v, vn, kv->err);
}

int act__kv_del(kv_t *kv, const char *k, size_t kn) {
    kv->wrote = true;
    return kv_del(kv->st, ST_CF_KV, k, kn, kv->err);
}

int act__kv_st_fail(kv_t *kv, int rc) {
    if (rc == ORB_AGAIN)
        return orb_err_set(kv->err, INTERNAL_ERROR, "a kv-shard key was locked by a transaction");
    return -1;
}

/* Reads the metadata record of key. An expired key counts as absent (*found false). */
int act__kv_meta_get(kv_t *kv, const char *key, size_t n, meta_t *m, bool *found) {
    k_meta(kv, &kv->kb, key, n);
    char *v;
    size_t vn;
    int rc = st_txn_get(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, false, kv->mcx, &v, &vn,
                        found, kv->err);
    if (rc != 0) return act__kv_st_fail(kv, rc);
    if (!*found) return 0;
    if (!meta_decode(v, vn, m))
        return orb_err_set(kv->err, DATA_CORRUPTED, "corrupt metadata record of a redis key");
    if (m->expire && m->expire <= kv->now) *found = false;
    return 0;
}

static int del_sub_records(kv_t *kv, const char *key, size_t n, uint64_t version) {
    act__kv_key_sub(kv, &kv->kb2, key, n, version);
    orb_buf_t hi;
    orb_buf_init(&hi);
    orb_buf_append(&hi, kv->kb2.data, kv->kb2.len);
    st_key_prefix_successor(&hi);
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, kv->kb2.data, kv->kb2.len, hi.data, hi.len,
                                   false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn;
        const char *k = st_iter_key(it, &kn);
        rc = kv_del(kv->st, ST_CF_KV, k, kn, kv->err);
    }
    if (rc == 0) rc = st_iter_status(it, kv->err);
    st_iter_destroy(it);
    orb_buf_free(&hi);
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

/* Removes a key (whatever its state) given its stored metadata. */
int act__kv_key_remove(kv_t *kv, const char *key, size_t n, const meta_t *m) {
    kv->wrote = true;
    k_meta(kv, &kv->kb, key, n);
    int rc = kv_del(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, kv->err);
    if (rc == 0 && m->expire) {
        k_exp(kv, &kv->kb, m->expire, kv->db, key, n);
        rc = kv_del(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, kv->err);
    }
    if (rc != 0) return act__kv_st_fail(kv, rc);
    if (m->type != KV_STRING) return del_sub_records(kv, key, n, m->version);
    return 0;
}

/* Reads the raw record (expired or not) and removes it if present: before a key is replaced
 * by a new value of possibly another type. */
int act__kv_key_remove_any(kv_t *kv, const char *key, size_t n, bool *existed) {
    k_meta(kv, &kv->kb, key, n);
    char *v;
    size_t vn;
    bool found;
    int rc = st_txn_get(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, false, kv->mcx, &v, &vn,
                        &found, kv->err);
    if (rc != 0) return act__kv_st_fail(kv, rc);
    meta_t m;
    *existed = false;
    if (!found || !meta_decode(v, vn, &m)) return 0;
    *existed = !(m.expire && m.expire <= kv->now);
    return act__kv_key_remove(kv, key, n, &m);
}

/* Writes the metadata record; keeps the expiry index in step (old_expire: the expiry the
 * stored record has, 0 none). */
int act__kv_meta_put(kv_t *kv, const char *key, size_t n, const meta_t *m, int64_t old_expire) {
    kv->wrote = true;
    orb_buf_reset(&kv->vb);
    orb_buf_put_u8(&kv->vb, m->type);
    orb_buf_put_be64(&kv->vb, (uint64_t)m->expire);
    orb_buf_put_be64(&kv->vb, m->version);
    orb_buf_put_be64(&kv->vb, m->size);
    if (m->vlen) orb_buf_append(&kv->vb, m->val, m->vlen);
    k_meta(kv, &kv->kb, key, n);
    int rc = kv_put(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, kv->vb.data, kv->vb.len,
                        kv->err);
    if (rc == 0 && old_expire != m->expire) {
        if (old_expire) {
            k_exp(kv, &kv->kb, old_expire, kv->db, key, n);
            rc = kv_del(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, kv->err);
        }
        if (rc == 0 && m->expire) {
            k_exp(kv, &kv->kb, m->expire, kv->db, key, n);
            rc = kv_put(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, "", 0, kv->err);
        }
    }
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

/* Replaces whatever key holds with a string. */
static int string_set(kv_t *kv, const char *key, size_t n, const char *val, size_t vn,
                      int64_t expire) {
    bool existed;
    if (act__kv_key_remove_any(kv, key, n, &existed) != 0) return -1;
    meta_t m = {.type = KV_STRING, .expire = expire, .version = 0, .size = 0, .val = val,
                .vlen = vn};
    return act__kv_meta_put(kv, key, n, &m, 0);
}

/* Reads a string key: *out NULL when absent; WRONGTYPE as a reply in *wrong. */
static int string_get(kv_t *kv, const char *key, size_t n, meta_t *m, bool *found, bool *wrong) {
    if (act__kv_meta_get(kv, key, n, m, found) != 0) return -1;
    *wrong = *found && m->type != KV_STRING;
    return 0;
}

/* ---- hash sub-records ---------------------------------------------------------------------- */

static void k_field(kv_t *kv, orb_buf_t *b, const char *key, size_t n, uint64_t version,
                    const char *f, size_t fn) {
    act__kv_key_sub(kv, b, key, n, version);
    orb_buf_append(b, f, fn);
}

static int field_get(kv_t *kv, const char *key, size_t n, const meta_t *m, const char *f,
                     size_t fn, char **val, size_t *vn, bool *found) {
    k_field(kv, &kv->kb2, key, n, m->version, f, fn);
    int rc = st_txn_get(kv->st, ST_CF_KV, kv->kb2.data, kv->kb2.len, false, kv->mcx, val, vn,
                        found, kv->err);
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

static int field_put(kv_t *kv, const char *key, size_t n, const meta_t *m, const char *f,
                     size_t fn, const char *val, size_t vn) {
    kv->wrote = true;
    k_field(kv, &kv->kb2, key, n, m->version, f, fn);
    int rc = kv_put(kv->st, ST_CF_KV, kv->kb2.data, kv->kb2.len, val, vn, kv->err);
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

static int field_del(kv_t *kv, const char *key, size_t n, const meta_t *m, const char *f,
                     size_t fn) {
    kv->wrote = true;
    k_field(kv, &kv->kb2, key, n, m->version, f, fn);
    int rc = kv_del(kv->st, ST_CF_KV, kv->kb2.data, kv->kb2.len, kv->err);
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

/* Looks a hash up for writing: creates the metadata in *m (not yet stored) when absent.
 * Returns 1 with *reply = WRONGTYPE for another type. */
int act__kv_coll_for_write(kv_t *kv, uint8_t type, const char *key, size_t n, meta_t *m,
                          int64_t *old_expire, kvv_t **reply) {
    bool found;
    if (act__kv_meta_get(kv, key, n, m, &found) != 0) return -1;
    if (found && m->type != type) {
        *reply = v_wrongtype(kv);
        return 1;
    }
    *old_expire = found ? m->expire : 0;
    if (!found) {
        bool existed;
        if (act__kv_key_remove_any(kv, key, n, &existed) != 0) return -1; /* an expired leftover */
        memset(m, 0, sizeof *m);
        m->type = type;
        m->version = act__kv_version_next();
    }
    return 0;
}
static int hash_for_write(kv_t *kv, const char *key, size_t n, meta_t *m, int64_t *old_expire,
                          kvv_t **reply) {
    return act__kv_coll_for_write(kv, KV_HASH, key, n, m, old_expire, reply);
}

typedef int (*field_cb)(kv_t *kv, const char *f, size_t fn, const char *v, size_t vn, void *arg);

static int hash_each(kv_t *kv, const char *key, size_t n, const meta_t *m, field_cb cb,
                     void *arg) {
    act__kv_key_sub(kv, &kv->kb2, key, n, m->version);
    size_t plen = kv->kb2.len;
    orb_buf_t hi;
    orb_buf_init(&hi);
    orb_buf_append(&hi, kv->kb2.data, kv->kb2.len);
    st_key_prefix_successor(&hi);
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, kv->kb2.data, kv->kb2.len, hi.data, hi.len,
                                   false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn, vn;
        const char *k = st_iter_key(it, &kn);
        const char *v = st_iter_value(it, &vn);
        rc = cb(kv, k + plen, kn - plen, v, vn, arg);
    }
    if (rc == 0) rc = st_iter_status(it, kv->err);
    st_iter_destroy(it);
    orb_buf_free(&hi);
    return rc;
}

/* ---- string commands ---------------------------------------------------------------------- */

static int c_get(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    if (string_get(kv, kv->argv[1], kv->lens[1], &m, &found, &wrong) != 0) return -1;
    *r = wrong ? v_wrongtype(kv) : found ? v_bulk(kv, m.val, m.vlen) : v_nil(kv);
    return 0;
}

enum {
    O_NX = 1,
    O_XX = 2,
    O_GET = 4,
    O_KEEPTTL = 8,
    O_PERSIST = 16,
    O_EX = 32,
    O_PX = 64,
    O_EXAT = 128,
    O_PXAT = 256
};

/* SET / GETEX options (Redis's parseExtendedStringArgumentsOrReply). Returns the absolute
 * expiry (0 none) in *when; -1 with *r set on a bad option. */
static int parse_str_opts(kv_t *kv, int from, bool is_set, int *flags, int64_t *when,
                          kvv_t **r) {
    int f = 0;
    int exp_at = -1;
    const int any_exp = O_EX | O_PX | O_EXAT | O_PXAT;
    for (int j = from; j < kv->argc; j++) {
        bool has_next = j + 1 < kv->argc;
        if (is_set && arg_is(kv, j, "nx") && !(f & O_XX)) f |= O_NX;
        else if (is_set && arg_is(kv, j, "xx") && !(f & O_NX)) f |= O_XX;
        else if (is_set && arg_is(kv, j, "get")) f |= O_GET;
        else if (is_set && arg_is(kv, j, "keepttl") && !(f & (O_PERSIST | any_exp))) f |= O_KEEPTTL;
        else if (!is_set && arg_is(kv, j, "persist") && !(f & (any_exp | O_KEEPTTL))) f |= O_PERSIST;
        else if (has_next && !(f & (O_KEEPTTL | O_PERSIST | any_exp)) &&
                 (arg_is(kv, j, "ex") || arg_is(kv, j, "px") || arg_is(kv, j, "exat") ||
                  arg_is(kv, j, "pxat"))) {
            f |= arg_is(kv, j, "ex") ? O_EX : arg_is(kv, j, "px") ? O_PX
                 : arg_is(kv, j, "exat") ? O_EXAT : O_PXAT;
            exp_at = ++j;
        } else {
            *r = v_syntax(kv);
            return -1;
        }
    }
    *when = 0;
    if (exp_at >= 0) {
        int64_t v;
        if (!act__kv_parse_ll(kv->argv[exp_at], kv->lens[exp_at], &v)) {
            *r = v_notint(kv);
            return -1;
        }
        bool secs = f & (O_EX | O_EXAT);
        if (v <= 0 || (secs && v > INT64_MAX / 1000)) {
            *r = v_err(kv, "ERR invalid expire time in '%.*s' command",
                     (int)kv->lens[0], kv->argv[0]);
            return -1;
        }
        if (secs) v *= 1000;
        if (f & (O_EX | O_PX)) {
            if (v > INT64_MAX - kv->now) {
                *r = v_err(kv, "ERR invalid expire time in '%.*s' command",
                     (int)kv->lens[0], kv->argv[0]);
                return -1;
            }
            v += kv->now;
        }
        *when = v;
    }
    *flags = f;
    return 0;
}

static int c_set(kv_t *kv, kvv_t **r) {
    int flags;
    int64_t when;
    if (parse_str_opts(kv, 3, true, &flags, &when, r) != 0) return 0;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, key, n, &m, &found) != 0) return -1;
    kvv_t *old = NULL;
    if (flags & O_GET) {
        if (found && m.type != KV_STRING) {
            *r = v_wrongtype(kv);
            return 0;
        }
        old = found ? v_bulk(kv, m.val, m.vlen) : v_nil(kv);
    }
    if (((flags & O_NX) && found) || ((flags & O_XX) && !found)) {
        *r = old ? old : v_nil(kv);
        return 0;
    }
    if ((flags & O_KEEPTTL) && found) when = m.expire;
    if (string_set(kv, key, n, kv->argv[2], kv->lens[2], when) != 0) return -1;
    *r = old ? old : v_ok(kv);
    return 0;
}

static int c_setnx(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], &m, &found) != 0) return -1;
    if (found) {
        *r = v_int(kv, 0);
        return 0;
    }
    if (string_set(kv, kv->argv[1], kv->lens[1], kv->argv[2], kv->lens[2], 0) != 0) return -1;
    *r = v_int(kv, 1);
    return 0;
}

static int setex_generic(kv_t *kv, kvv_t **r, bool secs) {
    int64_t v;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &v)) {
        *r = v_notint(kv);
        return 0;
    }
    if (v <= 0 || (secs && v > INT64_MAX / 1000) || (secs ? v * 1000 : v) > INT64_MAX - kv->now) {
        *r = v_err(kv, "ERR invalid expire time in '%.*s' command",
                     (int)kv->lens[0], kv->argv[0]);
        return 0;
    }
    if (string_set(kv, kv->argv[1], kv->lens[1], kv->argv[3], kv->lens[3],
                   kv->now + (secs ? v * 1000 : v)) != 0)
        return -1;
    *r = v_ok(kv);
    return 0;
}
static int c_setex(kv_t *kv, kvv_t **r) { return setex_generic(kv, r, true); }
static int c_psetex(kv_t *kv, kvv_t **r) { return setex_generic(kv, r, false); }

static int c_getset(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    if (string_get(kv, kv->argv[1], kv->lens[1], &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    *r = found ? v_bulk(kv, m.val, m.vlen) : v_nil(kv);
    return string_set(kv, kv->argv[1], kv->lens[1], kv->argv[2], kv->lens[2], 0);
}

static int c_getdel(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    if (string_get(kv, kv->argv[1], kv->lens[1], &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    if (!found) {
        *r = v_nil(kv);
        return 0;
    }
    *r = v_bulk(kv, m.val, m.vlen);
    return act__kv_key_remove(kv, kv->argv[1], kv->lens[1], &m);
}

static int c_getex(kv_t *kv, kvv_t **r) {
    int flags;
    int64_t when;
    if (parse_str_opts(kv, 2, false, &flags, &when, r) != 0) return 0;
    meta_t m;
    bool found, wrong;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (string_get(kv, key, n, &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    if (!found) {
        *r = v_nil(kv);
        return 0;
    }
    *r = v_bulk(kv, m.val, m.vlen);
    if (when && when <= kv->now) return act__kv_key_remove(kv, key, n, &m);
    if (when || ((flags & O_PERSIST) && m.expire)) {
        int64_t old = m.expire;
        m.expire = when;
        return act__kv_meta_put(kv, key, n, &m, old);
    }
    return 0;
}

static int c_mget(kv_t *kv, kvv_t **r) {
    vlist_t l = {0};
    for (int i = 1; i < kv->argc; i++) {
        meta_t m;
        bool found, wrong;
        if (string_get(kv, kv->argv[i], kv->lens[i], &m, &found, &wrong) != 0) return -1;
        vl_push(kv, &l, found && !wrong ? v_bulk(kv, m.val, m.vlen) : v_nil(kv));
    }
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

static int c_mset(kv_t *kv, kvv_t **r) {
    for (int i = 1; i + 1 < kv->argc; i += 2)
        if (string_set(kv, kv->argv[i], kv->lens[i], kv->argv[i + 1], kv->lens[i + 1], 0) != 0)
            return -1;
    *r = v_ok(kv);
    return 0;
}

/* Stores an updated string value keeping the key's expiry. */
static int string_update(kv_t *kv, const char *key, size_t n, bool found, meta_t *m,
                         const char *val, size_t vn) {
    meta_t nm = {.type = KV_STRING, .expire = found ? m->expire : 0, .val = val, .vlen = vn};
    if (!found) {
        bool existed;
        if (act__kv_key_remove_any(kv, key, n, &existed) != 0) return -1;
    }
    return act__kv_meta_put(kv, key, n, &nm, found ? m->expire : 0);
}

static int incr_generic(kv_t *kv, kvv_t **r, int64_t by) {
    meta_t m;
    bool found, wrong;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (string_get(kv, key, n, &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    int64_t cur = 0;
    if (found && !act__kv_parse_ll(m.val, m.vlen, &cur)) {
        *r = v_notint(kv);
        return 0;
    }
    if ((by < 0 && cur < 0 && by < INT64_MIN - cur) || (by > 0 && cur > 0 && by > INT64_MAX - cur)) {
        *r = v_err(kv, "ERR increment or decrement would overflow");
        return 0;
    }
    cur += by;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%lld", (long long)cur);
    if (string_update(kv, key, n, found, &m, buf, (size_t)len) != 0) return -1;
    *r = v_int(kv, cur);
    return 0;
}
static int c_incr(kv_t *kv, kvv_t **r) { return incr_generic(kv, r, 1); }
static int c_decr(kv_t *kv, kvv_t **r) { return incr_generic(kv, r, -1); }
static int c_incrby(kv_t *kv, kvv_t **r) {
    int64_t by;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &by)) {
        *r = v_notint(kv);
        return 0;
    }
    return incr_generic(kv, r, by);
}
static int c_decrby(kv_t *kv, kvv_t **r) {
    int64_t by;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &by)) {
        *r = v_notint(kv);
        return 0;
    }
    if (by == INT64_MIN) {
        *r = v_err(kv, "ERR decrement would overflow");
        return 0;
    }
    return incr_generic(kv, r, -by);
}

static int c_incrbyfloat(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (string_get(kv, key, n, &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    long double cur = 0, by;
    if ((found && !parse_ld(m.val, m.vlen, &cur)) ||
        !parse_ld(kv->argv[2], kv->lens[2], &by)) {
        *r = v_err(kv, "ERR value is not a valid float");
        return 0;
    }
    cur += by;
    if (isnan(cur) || isinf(cur)) {
        *r = v_err(kv, "ERR increment would produce NaN or Infinity");
        return 0;
    }
    char buf[5200];
    int len = fmt_ld(buf, sizeof buf, cur);
    if (len < 0) {
        *r = v_err(kv, "ERR increment would produce NaN or Infinity");
        return 0;
    }
    if (string_update(kv, key, n, found, &m, buf, (size_t)len) != 0) return -1;
    *r = v_bulk(kv, buf, (size_t)len);
    return 0;
}

static int c_append(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (string_get(kv, key, n, &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    size_t old = found ? m.vlen : 0;
    if ((int64_t)(old + kv->lens[2]) > KV_MAX_STRING) {
        *r = v_err(kv, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return 0;
    }
    char *nv = orb_alloc(kv->mcx, old + kv->lens[2] + 1);
    if (old) memcpy(nv, m.val, old);
    memcpy(nv + old, kv->argv[2], kv->lens[2]);
    if (string_update(kv, key, n, found, &m, nv, old + kv->lens[2]) != 0) return -1;
    *r = v_int(kv, (int64_t)(old + kv->lens[2]));
    return 0;
}

static int c_strlen(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found, wrong;
    if (string_get(kv, kv->argv[1], kv->lens[1], &m, &found, &wrong) != 0) return -1;
    *r = wrong ? v_wrongtype(kv) : v_int(kv, found ? (int64_t)m.vlen : 0);
    return 0;
}

static int c_getrange(kv_t *kv, kvv_t **r) {
    int64_t start, end;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &start) ||
        !act__kv_parse_ll(kv->argv[3], kv->lens[3], &end)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    bool found, wrong;
    if (string_get(kv, kv->argv[1], kv->lens[1], &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    int64_t len = found ? (int64_t)m.vlen : 0;
    if (!found || (start < 0 && end < 0 && start > end)) {
        *r = v_bulk(kv, "", 0);
        return 0;
    }
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) *r = v_bulk(kv, "", 0);
    else *r = v_bulk(kv, m.val + start, (size_t)(end - start + 1));
    return 0;
}

static int c_setrange(kv_t *kv, kvv_t **r) {
    int64_t off;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &off)) {
        *r = v_notint(kv);
        return 0;
    }
    if (off < 0) {
        *r = v_err(kv, "ERR offset is out of range");
        return 0;
    }
    meta_t m;
    bool found, wrong;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (string_get(kv, key, n, &m, &found, &wrong) != 0) return -1;
    if (wrong) {
        *r = v_wrongtype(kv);
        return 0;
    }
    size_t vl = kv->lens[3];
    size_t old = found ? m.vlen : 0;
    if (vl == 0) {
        *r = v_int(kv, (int64_t)old);
        return 0;
    }
    if (off + (int64_t)vl > KV_MAX_STRING) {
        *r = v_err(kv, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return 0;
    }
    size_t nl = (size_t)off + vl > old ? (size_t)off + vl : old;
    char *nv = orb_alloc0(kv->mcx, nl + 1);
    if (old) memcpy(nv, m.val, old);
    memcpy(nv + off, kv->argv[3], vl);
    if (string_update(kv, key, n, found, &m, nv, nl) != 0) return -1;
    *r = v_int(kv, (int64_t)nl);
    return 0;
}

/* ---- keyspace commands ------------------------------------------------------------------- */

static int c_del(kv_t *kv, kvv_t **r) {
    int64_t n = 0;
    for (int i = 1; i < kv->argc; i++) {
        meta_t m;
        bool found;
        if (act__kv_meta_get(kv, kv->argv[i], kv->lens[i], &m, &found) != 0) return -1;
        if (found) {
            if (act__kv_key_remove(kv, kv->argv[i], kv->lens[i], &m) != 0) return -1;
            n++;
        }
    }
    *r = v_int(kv, n);
    return 0;
}

static int c_exists(kv_t *kv, kvv_t **r) {
    int64_t n = 0;
    for (int i = 1; i < kv->argc; i++) {
        meta_t m;
        bool found;
        if (act__kv_meta_get(kv, kv->argv[i], kv->lens[i], &m, &found) != 0) return -1;
        n += found;
    }
    *r = v_int(kv, n);
    return 0;
}

static const char *type_name(uint8_t t) {
    return t == KV_STRING ? "string" : t == KV_HASH ? "hash" : t == KV_SET      ? "set"
                             : t == KV_LIST   ? "list"
                             : t == KV_ZSET   ? "zset"
                                              : "none";
}

static int c_type(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], &m, &found) != 0) return -1;
    *r = v_str(kv, ORBIT__KV_VALUE__KIND__STATUS, found ? type_name(m.type) : "none");
    return 0;
}

enum { X_NX = 1, X_XX = 2, X_GT = 4, X_LT = 8 };

static int expire_generic(kv_t *kv, kvv_t **r, bool secs, bool absolute) {
    int flags = 0;
    for (int j = 3; j < kv->argc; j++) {
        if (arg_is(kv, j, "nx")) flags |= X_NX;
        else if (arg_is(kv, j, "xx")) flags |= X_XX;
        else if (arg_is(kv, j, "gt")) flags |= X_GT;
        else if (arg_is(kv, j, "lt")) flags |= X_LT;
        else {
            *r = v_err(kv, "ERR Unsupported option %.*s", (int)kv->lens[j], kv->argv[j]);
            return 0;
        }
    }
    if ((flags & X_NX) && (flags & (X_XX | X_GT | X_LT))) {
        *r = v_err(kv, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return 0;
    }
    if ((flags & X_GT) && (flags & X_LT)) {
        *r = v_err(kv, "ERR GT and LT options at the same time are not compatible");
        return 0;
    }
    int64_t when;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &when)) {
        *r = v_notint(kv);
        return 0;
    }
    if (secs) {
        if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) goto bad;
        when *= 1000;
    }
    if (!absolute) {
        if (when > INT64_MAX - kv->now) goto bad;
        when += kv->now;
    }
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, key, n, &m, &found) != 0) return -1;
    if (!found) {
        *r = v_int(kv, 0);
        return 0;
    }
    int64_t cur = m.expire ? m.expire : -1;
    if (((flags & X_NX) && cur != -1) || ((flags & X_XX) && cur == -1) ||
        ((flags & X_GT) && (cur == -1 || when <= cur)) ||
        ((flags & X_LT) && cur != -1 && when >= cur)) {
        *r = v_int(kv, 0);
        return 0;
    }
    *r = v_int(kv, 1);
    if (when <= kv->now) return act__kv_key_remove(kv, key, n, &m);
    int64_t old = m.expire;
    m.expire = when;
    return act__kv_meta_put(kv, key, n, &m, old);
bad:
    *r = v_err(kv, "ERR invalid expire time in '%.*s' command",
                     (int)kv->lens[0], kv->argv[0]);
    return 0;
}
static int c_expire(kv_t *kv, kvv_t **r) { return expire_generic(kv, r, true, false); }
static int c_pexpire(kv_t *kv, kvv_t **r) { return expire_generic(kv, r, false, false); }
static int c_expireat(kv_t *kv, kvv_t **r) { return expire_generic(kv, r, true, true); }
static int c_pexpireat(kv_t *kv, kvv_t **r) { return expire_generic(kv, r, false, true); }

static int ttl_generic(kv_t *kv, kvv_t **r, bool secs, bool abs) {
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], &m, &found) != 0) return -1;
    if (!found) *r = v_int(kv, -2);
    else if (!m.expire) *r = v_int(kv, -1);
    else if (abs) *r = v_int(kv, secs ? m.expire / 1000 : m.expire);
    else {
        int64_t left = m.expire - kv->now;
        if (left < 0) left = 0;
        *r = v_int(kv, secs ? (left + 500) / 1000 : left);
    }
    return 0;
}
static int c_ttl(kv_t *kv, kvv_t **r) { return ttl_generic(kv, r, true, false); }
static int c_pttl(kv_t *kv, kvv_t **r) { return ttl_generic(kv, r, false, false); }
static int c_expiretime(kv_t *kv, kvv_t **r) { return ttl_generic(kv, r, true, true); }
static int c_pexpiretime(kv_t *kv, kvv_t **r) { return ttl_generic(kv, r, false, true); }

static int c_persist(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    if (act__kv_meta_get(kv, key, n, &m, &found) != 0) return -1;
    if (!found || !m.expire) {
        *r = v_int(kv, 0);
        return 0;
    }
    int64_t old = m.expire;
    m.expire = 0;
    *r = v_int(kv, 1);
    return act__kv_meta_put(kv, key, n, &m, old);
}

/* Iterates the live metadata records of kv->db from hash position `from`. cb returns 1 to
 * stop. The key passed is borrowed until the next step. */
typedef int (*key_cb)(kv_t *kv, const char *key, size_t kn, uint32_t hash, const meta_t *m,
                      void *arg);
static int keys_each(kv_t *kv, uint32_t from, key_cb cb, void *arg) {
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    k_meta_db(kv, &hi);
    size_t plen = hi.len;
    st_key_prefix_successor(&hi);
    k_meta_db(kv, &lo);
    orb_buf_put_be32(&lo, from);
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo.data, lo.len, hi.data, hi.len, false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn, vn;
        const char *k = st_iter_key(it, &kn);
        const char *v = st_iter_value(it, &vn);
        meta_t m;
        if (kn < plen + 4 || !meta_decode(v, vn, &m)) continue;
        if (m.expire && m.expire <= kv->now) continue;
        rc = cb(kv, k + plen + 4, kn - plen - 4, (uint32_t)get_be(k + plen, 4), &m, arg);
    }
    if (rc >= 0) {
        int s = st_iter_status(it, kv->err);
        if (s) rc = s;
    }
    st_iter_destroy(it);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    return rc < 0 ? -1 : 0;
}

typedef struct keys_arg {
    vlist_t l;
    const char *pat;
    size_t pn;
    const char *type; /* SCAN TYPE filter or NULL */
    size_t tn;
    int64_t count, seen;
    int64_t next; /* SCAN: the hash position to resume at, -1 when the shard is done */
    uint32_t last_hash;
    bool stopping;
} keys_arg_t;

static bool key_wanted(keys_arg_t *a, const char *k, size_t kn, const meta_t *m) {
    if (a->pat && !(a->pn == 1 && a->pat[0] == '*') && !act__kv_glob_match(a->pat, a->pn, k, kn))
        return false;
    if (a->type) {
        const char *t = type_name(m->type);
        if (strlen(t) != a->tn || strncasecmp(t, a->type, a->tn) != 0) return false;
    }
    return true;
}

static int keys_cb(kv_t *kv, const char *k, size_t kn, uint32_t h, const meta_t *m, void *arg) {
    keys_arg_t *a = arg;
    ORB_UNUSED(h);
    if (key_wanted(a, k, kn, m)) vl_push(kv, &a->l, v_bulk(kv, k, kn));
    return 0;
}

static int c_keys(kv_t *kv, kvv_t **r) {
    keys_arg_t a = {.pat = kv->argv[1], .pn = kv->lens[1]};
    if (keys_each(kv, 0, keys_cb, &a) != 0) return -1;
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l);
    return 0;
}

static int scan_cb(kv_t *kv, const char *k, size_t kn, uint32_t h, const meta_t *m, void *arg) {
    keys_arg_t *a = arg;
    /* stop only between hash values, so a resumed scan misses nothing */
    if (a->seen >= a->count && h != a->last_hash) {
        a->next = h;
        return 1;
    }
    a->seen++;
    a->last_hash = h;
    if (key_wanted(a, k, kn, m)) vl_push(kv, &a->l, v_bulk(kv, k, kn));
    return 0;
}

/* __scan from count [match pattern] [type name] -> [next (-1: shard done), [keys]] */
static int c_scan(kv_t *kv, kvv_t **r) {
    int64_t from = 0, count = 10;
    keys_arg_t a = {.next = -1};
    if (kv->argc < 3 || !act__kv_parse_ll(kv->argv[1], kv->lens[1], &from) ||
        !act__kv_parse_ll(kv->argv[2], kv->lens[2], &count)) {
        *r = v_syntax(kv);
        return 0;
    }
    for (int j = 3; j + 1 < kv->argc; j += 2) {
        if (arg_is(kv, j, "match")) {
            a.pat = kv->argv[j + 1];
            a.pn = kv->lens[j + 1];
        } else if (arg_is(kv, j, "type")) {
            a.type = kv->argv[j + 1];
            a.tn = kv->lens[j + 1];
        }
    }
    a.count = count;
    if (keys_each(kv, (uint32_t)from, scan_cb, &a) != 0) return -1;
    vlist_t out = {0};
    vl_push(kv, &out, v_int(kv, a.next));
    vl_push(kv, &out, v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l));
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
    return 0;
}

static int first_cb(kv_t *kv, const char *k, size_t kn, uint32_t h, const meta_t *m, void *arg) {
    ORB_UNUSED(h);
    ORB_UNUSED(m);
    *(kvv_t **)arg = v_bulk(kv, k, kn);
    return 1;
}

/* __randomkey from -> the first live key at or after hash position from (wrapping), or nil */
static int c_randomkey(kv_t *kv, kvv_t **r) {
    int64_t from = 0;
    if (kv->argc > 1) act__kv_parse_ll(kv->argv[1], kv->lens[1], &from);
    kvv_t *k = NULL;
    if (keys_each(kv, (uint32_t)from, first_cb, &k) != 0) return -1;
    if (!k && from && keys_each(kv, 0, first_cb, &k) != 0) return -1;
    *r = k ? k : v_nil(kv);
    return 0;
}

static int count_cb(kv_t *kv, const char *k, size_t kn, uint32_t h, const meta_t *m, void *arg) {
    ORB_UNUSED(kv);
    ORB_UNUSED(k);
    ORB_UNUSED(kn);
    ORB_UNUSED(h);
    ORB_UNUSED(m);
    (*(int64_t *)arg)++;
    return 0;
}

static int c_dbsize(kv_t *kv, kvv_t **r) {
    int64_t n = 0;
    if (keys_each(kv, 0, count_cb, &n) != 0) return -1;
    *r = v_int(kv, n);
    return 0;
}

/* __dbstats (INFO keyspace): [keys, keys with a TTL, sum of their remaining ms] of kv->db on
 * this shard. */
static int stats_cb(kv_t *kv, const char *k, size_t kn, uint32_t h, const meta_t *m, void *arg) {
    ORB_UNUSED(k);
    ORB_UNUSED(kn);
    ORB_UNUSED(h);
    int64_t *n = arg;
    n[0]++;
    if (m->expire) {
        n[1]++;
        n[2] += m->expire - kv->now;
    }
    return 0;
}

static int c_dbstats(kv_t *kv, kvv_t **r) {
    int64_t n[3] = {0, 0, 0};
    if (keys_each(kv, 0, stats_cb, n) != 0) return -1;
    vlist_t l = {0};
    for (int i = 0; i < 3; i++) vl_push(kv, &l, v_int(kv, n[i]));
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

/* Deletes every record of the kv cf in [lo, hi) through the transaction. */
static int delete_range(kv_t *kv, orb_buf_t *lo, orb_buf_t *hi) {
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo->data, lo->len, hi->data, hi->len, false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn;
        const char *k = st_iter_key(it, &kn);
        kv->wrote = true;
        rc = kv_del(kv->st, ST_CF_KV, k, kn, kv->err);
    }
    if (rc == 0) rc = st_iter_status(it, kv->err);
    st_iter_destroy(it);
    return rc ? act__kv_st_fail(kv, rc) : 0;
}

/* __flushdb: every key of kv->db on this shard; __flushall: every database. */
static int flush_generic(kv_t *kv, kvv_t **r, bool all) {
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    int rc = 0;
    const char tags[] = {'M', 'S'};
    for (int t = 0; rc == 0 && t < 2; t++) {
        orb_buf_reset(&lo);
        orb_buf_put_be16(&lo, (uint16_t)kv->shard);
        orb_buf_putc(&lo, tags[t]);
        if (!all) orb_buf_put_u8(&lo, (uint8_t)kv->db);
        orb_buf_reset(&hi);
        orb_buf_append(&hi, lo.data, lo.len);
        st_key_prefix_successor(&hi);
        rc = delete_range(kv, &lo, &hi);
    }
    if (rc == 0) { /* the expiry index is ordered by time: pick the db's entries */
        orb_buf_reset(&lo);
        orb_buf_put_be16(&lo, (uint16_t)kv->shard);
        orb_buf_putc(&lo, 'E');
        orb_buf_reset(&hi);
        orb_buf_append(&hi, lo.data, lo.len);
        st_key_prefix_successor(&hi);
        st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo.data, lo.len, hi.data, hi.len, false);
        for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
            size_t kn;
            const char *k = st_iter_key(it, &kn);
            if (kn < 12 || (!all && (uint8_t)k[11] != kv->db)) continue;
            kv->wrote = true;
            rc = kv_del(kv->st, ST_CF_KV, k, kn, kv->err);
        }
        if (rc == 0) rc = st_iter_status(it, kv->err);
        st_iter_destroy(it);
        if (rc) rc = act__kv_st_fail(kv, rc);
    }
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    if (rc == 0) *r = v_ok(kv);
    return rc;
}
static int c_flushdb(kv_t *kv, kvv_t **r) { return flush_generic(kv, r, false); }
static int c_flushall(kv_t *kv, kvv_t **r) { return flush_generic(kv, r, true); }

/* __sweep: removes keys whose expiry passed (at most KV_SWEEP_MAX) -> the number removed. */
static int c_sweep(kv_t *kv, kvv_t **r) {
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    orb_buf_put_be16(&lo, (uint16_t)kv->shard);
    orb_buf_putc(&lo, 'E');
    orb_buf_append(&hi, lo.data, lo.len);
    orb_buf_put_be64(&hi, (uint64_t)kv->now + 1);
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo.data, lo.len, hi.data, hi.len, false);
    /* collect first: removing rewrites the scratch key buffers */
    vlist_t ekeys = {0};
    for (; st_iter_valid(it) && ekeys.n < KV_SWEEP_MAX; st_iter_next(it)) {
        size_t kn;
        const char *k = st_iter_key(it, &kn);
        if (kn >= 12) vl_push(kv, &ekeys, v_bulk(kv, k, kn));
    }
    int rc = st_iter_status(it, kv->err);
    st_iter_destroy(it);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    int64_t removed = 0;
    uint32_t db0 = kv->db;
    for (size_t i = 0; rc == 0 && i < ekeys.n; i++) {
        const char *ek = (const char *)ekeys.items[i]->str.data;
        size_t ekn = ekeys.items[i]->str.len;
        kv->db = (uint8_t)ek[11];
        const char *k = ek + 12;
        size_t kn = ekn - 12;
        k_meta(kv, &kv->kb, k, kn);
        char *v;
        size_t vn;
        bool found;
        meta_t m;
        rc = st_txn_get(kv->st, ST_CF_KV, kv->kb.data, kv->kb.len, false, kv->mcx, &v, &vn,
                        &found, kv->err);
        if (rc) {
            rc = act__kv_st_fail(kv, rc);
            break;
        }
        if (found && meta_decode(v, vn, &m) && m.expire && m.expire <= kv->now) {
            rc = act__kv_key_remove(kv, k, kn, &m);
            removed++;
        } else { /* a stale index entry (cannot happen; harmless to drop) */
            kv->wrote = true;
            rc = kv_del(kv->st, ST_CF_KV, ek, ekn, kv->err);
            if (rc) rc = act__kv_st_fail(kv, rc);
        }
    }
    kv->db = db0;
    if (rc == 0) *r = v_int(kv, removed);
    return rc;
}

/* OBJECT ENCODING: whether a collection still fits Redis 7.0's compact encoding. */
typedef struct enc_arg {
    uint8_t type;
    bool compact;
} enc_arg_t;
static int enc_cb(kv_t *kv, const char *f, size_t fn, const char *v, size_t vn, void *arg) {
    enc_arg_t *a = arg;
    int64_t ll;
    ORB_UNUSED(kv);
    if (a->type == KV_HASH) a->compact = fn <= 64 && vn <= 64;
    else if (a->type == KV_SET) a->compact = act__kv_parse_ll(f, fn, &ll);
    else if (a->type == KV_ZSET && fn && f[0] == 'm') a->compact = fn - 1 <= 64;
    return a->compact ? 0 : 1;
}

/* OBJECT ENCODING key: the encoding redis-server 7.0 would choose for the key's current
 * contents with its default thresholds (Redis never converts back when a key shrinks; we do).
 * OBJECT FREQ: Redis's error without an LFU policy (we have none). */
static int c_object(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, kv->argv[2], kv->lens[2], &m, &found) != 0) return -1;
    if (!found) {
        *r = v_nil(kv);
        return 0;
    }
    if (arg_is(kv, 1, "freq")) {
        *r = v_err(kv, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                       "Please note that when switching between policies at runtime LRU and LFU "
                       "data will take some time to adjust.");
        return 0;
    }
    const char *e = "quicklist";
    int64_t ll;
    enc_arg_t a = {.type = m.type, .compact = true};
    if (m.type == KV_STRING) {
        e = m.vlen <= 20 && act__kv_parse_ll(m.val, m.vlen, &ll) ? "int"
            : m.vlen <= 44                                      ? "embstr"
                                                                : "raw";
    } else if (m.type != KV_LIST) {
        uint64_t max = m.type == KV_SET ? 512 : 128;
        a.compact = m.size <= max;
        if (a.compact && hash_each(kv, kv->argv[2], kv->lens[2], &m, enc_cb, &a) < 0) return -1;
        e = m.type == KV_HASH  ? (a.compact ? "listpack" : "hashtable")
            : m.type == KV_SET ? (a.compact ? "intset" : "hashtable")
                               : (a.compact ? "listpack" : "skiplist");
    }
    *r = v_bulk(kv, e, strlen(e));
    return 0;
}

/* ---- RENAME and cross-shard moves ------------------------------------------------------- */

typedef struct dump_arg {
    vlist_t *l;
} dump_arg_t;
static int dump_cb(kv_t *kv, const char *f, size_t fn, const char *v, size_t vn, void *arg) {
    dump_arg_t *d = arg;
    vl_push(kv, d->l, v_bulk(kv, f, fn));
    vl_push(kv, d->l, v_bulk(kv, v, vn));
    return 0;
}

/* __dump key -> nil, or [type, expire, string value, field, value, ...] */
static int c_dump(kv_t *kv, kvv_t **r) {
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], &m, &found) != 0) return -1;
    if (!found) {
        *r = v_nil(kv);
        return 0;
    }
    vlist_t l = {0};
    vl_push(kv, &l, v_int(kv, m.type));
    vl_push(kv, &l, v_int(kv, m.expire));
    vl_push(kv, &l, v_bulk(kv, m.val, m.vlen));
    if (m.type != KV_STRING) {
        dump_arg_t d = {&l};
        if (hash_each(kv, kv->argv[1], kv->lens[1], &m, dump_cb, &d) != 0) return -1;
    }
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

/* Writes a dumped value (items: type, expire, value, fields...) under key, replacing it. */
static int restore_items(kv_t *kv, const char *key, size_t n, int64_t type, int64_t expire,
                         int nf, const char *const *fv, const size_t *fl) {
    bool existed;
    if (act__kv_key_remove_any(kv, key, n, &existed) != 0) return -1;
    meta_t m = {.type = (uint8_t)type, .expire = expire};
    m.val = fv[0]; /* a string's value, a list's ends */
    m.vlen = fl[0];
    if (type != KV_STRING) {
        m.version = act__kv_version_next();
        m.size = (uint64_t)(nf / 2);
        if (type == KV_ZSET) m.size /= 2; /* a member and its index entry per member */
        for (int i = 0; i + 1 < nf; i += 2)
            if (field_put(kv, key, n, &m, fv[1 + i], fl[1 + i], fv[2 + i], fl[2 + i]) != 0)
                return -1;
    }
    return act__kv_meta_put(kv, key, n, &m, 0);
}

/* __restore key nx type expire value [field value]... -> 1, or 0 (nx and the key exists) */
static int c_restore(kv_t *kv, kvv_t **r) {
    int64_t nx, type, expire;
    if (kv->argc < 6 || !act__kv_parse_ll(kv->argv[2], kv->lens[2], &nx) ||
        !act__kv_parse_ll(kv->argv[3], kv->lens[3], &type) ||
        !act__kv_parse_ll(kv->argv[4], kv->lens[4], &expire)) {
        *r = v_syntax(kv);
        return 0;
    }
    if (nx) {
        meta_t m;
        bool found;
        if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], &m, &found) != 0) return -1;
        if (found) {
            *r = v_int(kv, 0);
            return 0;
        }
    }
    if (restore_items(kv, kv->argv[1], kv->lens[1], type, expire, kv->argc - 6,
                      kv->argv + 5, kv->lens + 5) != 0)
        return -1;
    *r = v_int(kv, 1);
    return 0;
}

/* RENAME / RENAMENX with both keys on this shard (wire/ moves across shards). */
static int rename_generic(kv_t *kv, kvv_t **r, bool nx) {
    const char *src = kv->argv[1], *dst = kv->argv[2];
    size_t sn = kv->lens[1], dn = kv->lens[2];
    meta_t m;
    bool found;
    if (act__kv_meta_get(kv, src, sn, &m, &found) != 0) return -1;
    if (!found) {
        *r = v_err(kv, "ERR no such key");
        return 0;
    }
    if (sn == dn && memcmp(src, dst, sn) == 0) {
        *r = nx ? v_int(kv, 0) : v_ok(kv);
        return 0;
    }
    if (nx) {
        meta_t d;
        bool dfound;
        if (act__kv_meta_get(kv, dst, dn, &d, &dfound) != 0) return -1;
        if (dfound) {
            *r = v_int(kv, 0);
            return 0;
        }
    }
    vlist_t l = {0};
    vl_push(kv, &l, v_bulk(kv, m.val, m.vlen));
    if (m.type != KV_STRING) {
        dump_arg_t d = {&l};
        if (hash_each(kv, src, sn, &m, dump_cb, &d) != 0) return -1;
    }
    const char **fv = orb_alloc(kv->mcx, (l.n + 1) * sizeof *fv);
    size_t *fl = orb_alloc(kv->mcx, (l.n + 1) * sizeof *fl);
    for (size_t i = 0; i < l.n; i++) {
        fv[i] = (const char *)l.items[i]->str.data;
        fl[i] = l.items[i]->str.len;
    }
    if (act__kv_key_remove(kv, src, sn, &m) != 0) return -1;
    if (restore_items(kv, dst, dn, m.type, m.expire, (int)l.n - 1, fv, fl) != 0) return -1;
    *r = nx ? v_int(kv, 1) : v_ok(kv);
    return 0;
}
static int c_rename(kv_t *kv, kvv_t **r) { return rename_generic(kv, r, false); }
static int c_renamenx(kv_t *kv, kvv_t **r) { return rename_generic(kv, r, true); }

/* ---- hash commands -------------------------------------------------------------------------- */

/* HSET/HMSET: returns the number of new fields. */
static int hset_generic(kv_t *kv, kvv_t **r, bool hmset) {
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    int64_t old_exp;
    int rc = hash_for_write(kv, key, n, &m, &old_exp, r);
    if (rc) return rc < 0 ? -1 : 0;
    int64_t added = 0;
    for (int i = 2; i + 1 < kv->argc; i += 2) {
        char *v;
        size_t vn;
        bool found = false;
        /* the same field twice in one command counts once */
        if (field_get(kv, key, n, &m, kv->argv[i], kv->lens[i], &v, &vn, &found) != 0) return -1;
        if (field_put(kv, key, n, &m, kv->argv[i], kv->lens[i], kv->argv[i + 1],
                      kv->lens[i + 1]) != 0)
            return -1;
        if (!found) added++;
    }
    m.size += (uint64_t)added;
    if (act__kv_meta_put(kv, key, n, &m, old_exp) != 0) return -1;
    *r = hmset ? v_ok(kv) : v_int(kv, added);
    return 0;
}
static int c_hset(kv_t *kv, kvv_t **r) { return hset_generic(kv, r, false); }
static int c_hmset(kv_t *kv, kvv_t **r) { return hset_generic(kv, r, true); }

static int c_hsetnx(kv_t *kv, kvv_t **r) {
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    int64_t old_exp;
    int rc = hash_for_write(kv, key, n, &m, &old_exp, r);
    if (rc) return rc < 0 ? -1 : 0;
    char *v;
    size_t vn;
    bool found = false;
    if (m.size && field_get(kv, key, n, &m, kv->argv[2], kv->lens[2], &v, &vn, &found) != 0)
        return -1;
    if (found) {
        *r = v_int(kv, 0);
        return 0;
    }
    if (field_put(kv, key, n, &m, kv->argv[2], kv->lens[2], kv->argv[3], kv->lens[3]) != 0)
        return -1;
    m.size++;
    if (act__kv_meta_put(kv, key, n, &m, old_exp) != 0) return -1;
    *r = v_int(kv, 1);
    return 0;
}

/* Looks a hash up for reading: 1 with *r set when absent (empty) or of another type. */
int act__kv_coll_for_read(kv_t *kv, uint8_t type, meta_t *m, kvv_t **r, kvv_t *if_absent) {
    bool found;
    if (act__kv_meta_get(kv, kv->argv[1], kv->lens[1], m, &found) != 0) return -1;
    if (found && m->type != type) {
        *r = v_wrongtype(kv);
        return 1;
    }
    if (!found) {
        *r = if_absent;
        return 1;
    }
    return 0;
}
static int hash_for_read(kv_t *kv, meta_t *m, kvv_t **r, kvv_t *if_absent) {
    return act__kv_coll_for_read(kv, KV_HASH, m, r, if_absent);
}

/* Field argv[2] of hash argv[1]: 1 with *r set (absent key: `absent`, or WRONGTYPE), -1 on a
 * storage error, 0 with *found and the value. */
static int hash_field(kv_t *kv, kvv_t **r, kvv_t *absent, char **v, size_t *vn, bool *found) {
    meta_t m;
    int rc = hash_for_read(kv, &m, r, absent);
    if (rc) return rc < 0 ? -1 : 1;
    return field_get(kv, kv->argv[1], kv->lens[1], &m, kv->argv[2], kv->lens[2], v, vn, found) ? -1 : 0;
}

static int c_hget(kv_t *kv, kvv_t **r) {
    char *v;
    size_t vn;
    bool found;
    int rc = hash_field(kv, r, v_nil(kv), &v, &vn, &found);
    if (rc) return rc < 0 ? -1 : 0;
    *r = found ? v_bulk(kv, v, vn) : v_nil(kv);
    return 0;
}

static int c_hmget(kv_t *kv, kvv_t **r) {
    meta_t m;
    vlist_t l = {0};
    kvv_t *absent = v_nil(kv);
    int rc = hash_for_read(kv, &m, r, absent);
    if (rc < 0) return -1;
    if (rc && *r != absent) return 0;
    for (int i = 2; i < kv->argc; i++) {
        char *v;
        size_t vn;
        bool found = false;
        if (!rc && field_get(kv, kv->argv[1], kv->lens[1], &m, kv->argv[i], kv->lens[i], &v,
                             &vn, &found))
            return -1;
        vl_push(kv, &l, found ? v_bulk(kv, v, vn) : v_nil(kv));
    }
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

typedef struct hall_arg {
    vlist_t l;
    bool keys, vals;
    const char *pat;
    size_t pn;
} hall_arg_t;
static int hall_cb(kv_t *kv, const char *f, size_t fn, const char *v, size_t vn, void *arg) {
    hall_arg_t *a = arg;
    if (a->pat && !act__kv_glob_match(a->pat, a->pn, f, fn)) return 0;
    if (a->keys) vl_push(kv, &a->l, v_bulk(kv, f, fn));
    if (a->vals) vl_push(kv, &a->l, v_bulk(kv, v, vn));
    return 0;
}

static int hall_generic(kv_t *kv, kvv_t **r, bool keys, bool vals) {
    meta_t m;
    Orbit__KvValue__Kind kind = keys && vals ? ORBIT__KV_VALUE__KIND__MAP
                                             : ORBIT__KV_VALUE__KIND__ARRAY;
    vlist_t empty = {0};
    int rc = hash_for_read(kv, &m, r, v_list(kv, kind, &empty));
    if (rc) return rc < 0 ? -1 : 0;
    hall_arg_t a = {.keys = keys, .vals = vals};
    if (hash_each(kv, kv->argv[1], kv->lens[1], &m, hall_cb, &a) != 0) return -1;
    *r = v_list(kv, kind, &a.l);
    return 0;
}
static int c_hgetall(kv_t *kv, kvv_t **r) { return hall_generic(kv, r, true, true); }
static int c_hkeys(kv_t *kv, kvv_t **r) { return hall_generic(kv, r, true, false); }
static int c_hvals(kv_t *kv, kvv_t **r) { return hall_generic(kv, r, false, true); }

static int c_hlen(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = hash_for_read(kv, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, (int64_t)m.size);
    return 0;
}

static int c_hdel(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = hash_for_read(kv, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    int64_t deleted = 0;
    for (int i = 2; i < kv->argc; i++) {
        char *v;
        size_t vn;
        bool found;
        if (field_get(kv, key, n, &m, kv->argv[i], kv->lens[i], &v, &vn, &found)) return -1;
        if (!found) continue;
        if (field_del(kv, key, n, &m, kv->argv[i], kv->lens[i])) return -1;
        deleted++;
    }
    *r = v_int(kv, deleted);
    if (!deleted) return 0;
    m.size -= (uint64_t)deleted < m.size ? (uint64_t)deleted : m.size;
    if (m.size == 0) return act__kv_key_remove(kv, key, n, &m);
    return act__kv_meta_put(kv, key, n, &m, m.expire);
}

static int c_hexists(kv_t *kv, kvv_t **r) {
    char *v;
    size_t vn;
    bool found;
    int rc = hash_field(kv, r, v_int(kv, 0), &v, &vn, &found);
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, found);
    return 0;
}

static int c_hstrlen(kv_t *kv, kvv_t **r) {
    char *v;
    size_t vn;
    bool found;
    int rc = hash_field(kv, r, v_int(kv, 0), &v, &vn, &found);
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, found ? (int64_t)vn : 0);
    return 0;
}

static int hincr_generic(kv_t *kv, kvv_t **r, bool flt) {
    int64_t by = 0;
    long double fby = 0;
    if (!flt && !act__kv_parse_ll(kv->argv[3], kv->lens[3], &by)) {
        *r = v_notint(kv);
        return 0;
    }
    if (flt && !parse_ld(kv->argv[3], kv->lens[3], &fby)) {
        *r = v_err(kv, "ERR value is not a valid float");
        return 0;
    }
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    int64_t old_exp;
    int rc = hash_for_write(kv, key, n, &m, &old_exp, r);
    if (rc) return rc < 0 ? -1 : 0;
    char *v = NULL;
    size_t vn = 0;
    bool found = false;
    if (m.size && field_get(kv, key, n, &m, kv->argv[2], kv->lens[2], &v, &vn, &found)) return -1;
    char buf[5200];
    int len;
    if (!flt) {
        int64_t cur = 0;
        if (found && !act__kv_parse_ll(v, vn, &cur)) {
            *r = v_err(kv, "ERR hash value is not an integer");
            return 0;
        }
        if ((by < 0 && cur < 0 && by < INT64_MIN - cur) ||
            (by > 0 && cur > 0 && by > INT64_MAX - cur)) {
            *r = v_err(kv, "ERR increment or decrement would overflow");
            return 0;
        }
        cur += by;
        len = snprintf(buf, sizeof buf, "%lld", (long long)cur);
        *r = v_int(kv, cur);
    } else {
        long double cur = 0;
        if (found && !parse_ld(v, vn, &cur)) {
            *r = v_err(kv, "ERR hash value is not a float");
            return 0;
        }
        cur += fby;
        if (isnan(cur) || isinf(cur) || (len = fmt_ld(buf, sizeof buf, cur)) < 0) {
            *r = v_err(kv, "ERR increment would produce NaN or Infinity");
            return 0;
        }
        *r = v_bulk(kv, buf, (size_t)len);
    }
    if (field_put(kv, key, n, &m, kv->argv[2], kv->lens[2], buf, (size_t)len) != 0) return -1;
    if (!found) m.size++;
    return act__kv_meta_put(kv, key, n, &m, old_exp);
}
static int c_hincrby(kv_t *kv, kvv_t **r) { return hincr_generic(kv, r, false); }
static int c_hincrbyfloat(kv_t *kv, kvv_t **r) { return hincr_generic(kv, r, true); }

int act__kv_scan_opts(kv_t *kv, kvv_t **r, const char **pat, size_t *pn) {
    char *end;
    char buf[32];
    *pat = NULL;
    *pn = 0;
    if (kv->lens[2] == 0 || kv->lens[2] >= sizeof buf) goto badcursor;
    memcpy(buf, kv->argv[2], kv->lens[2]);
    buf[kv->lens[2]] = 0;
    errno = 0;
    (void)strtoull(buf, &end, 10);
    if (errno || *end || isspace((unsigned char)buf[0]) || buf[0] == '-') goto badcursor;
    for (int j = 3; j < kv->argc; j += 2) {
        if (j + 1 >= kv->argc) {
            *r = v_syntax(kv);
            return 1;
        }
        if (arg_is(kv, j, "count")) {
            int64_t c;
            if (!act__kv_parse_ll(kv->argv[j + 1], kv->lens[j + 1], &c)) {
                *r = v_notint(kv);
                return 1;
            }
            if (c < 1) {
                *r = v_syntax(kv);
                return 1;
            }
        } else if (arg_is(kv, j, "match")) {
            *pat = kv->argv[j + 1];
            *pn = kv->lens[j + 1];
            if (*pn == 1 && (*pat)[0] == '*') *pat = NULL;
        } else {
            *r = v_syntax(kv);
            return 1;
        }
    }
    return 0;
badcursor:
    *r = v_err(kv, "ERR invalid cursor");
    return 1;
}

/* HSCAN key cursor [MATCH p] [COUNT n]: the whole hash in one reply with cursor 0 (what Redis
 * does for small hashes; valid SCAN semantics for any size). */
static int scan_generic(kv_t *kv, kvv_t **r, uint8_t type) {
    hall_arg_t a = {.keys = true, .vals = type == KV_HASH};
    if (act__kv_scan_opts(kv, r, &a.pat, &a.pn)) return 0;
    meta_t m;
    vlist_t out = {0};
    vlist_t empty = {0};
    vl_push(kv, &out, v_bulk(kv, "0", 1));
    int rc = act__kv_coll_for_read(kv, type, &m, r, NULL);
    if (rc < 0) return -1;
    if (rc && *r) return 0;
    if (!rc && hash_each(kv, kv->argv[1], kv->lens[1], &m, hall_cb, &a) != 0) return -1;
    vl_push(kv, &out, v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, rc ? &empty : &a.l));
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
    return 0;
}
static int c_hscan(kv_t *kv, kvv_t **r) { return scan_generic(kv, r, KV_HASH); }
static int c_sscan(kv_t *kv, kvv_t **r) { return scan_generic(kv, r, KV_SET); }
/* ---- set commands ------------------------------------------------------------------------ */
/* A set is a metadata record (type KV_SET, size = members) plus one sub-record per member
 * (member -> empty value), the hash layout. SPOP and SRANDMEMBER read the whole set to pick
 * members (O(size)). */

uint64_t act__kv_rand(void) { /* xorshift64*, per worker thread */
    static _Thread_local uint64_t s;
    if (!s) s = act__kv_version_next() | 1;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
}

static int c_sadd(kv_t *kv, kvv_t **r) {
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    meta_t m;
    int64_t old_exp;
    int rc = act__kv_coll_for_write(kv, KV_SET, key, n, &m, &old_exp, r);
    if (rc) return rc < 0 ? -1 : 0;
    int64_t added = 0;
    for (int i = 2; i < kv->argc; i++) {
        char *v;
        size_t vn;
        bool found = false;
        if (field_get(kv, key, n, &m, kv->argv[i], kv->lens[i], &v, &vn, &found) != 0) return -1;
        if (found) continue;
        if (field_put(kv, key, n, &m, kv->argv[i], kv->lens[i], "", 0) != 0) return -1;
        added++;
    }
    *r = v_int(kv, added);
    if (!added) return 0;
    m.size += (uint64_t)added;
    return act__kv_meta_put(kv, key, n, &m, old_exp);
}

/* Removes members of a set whose metadata is m; drops the key when it becomes empty. */
static int set_remove(kv_t *kv, meta_t *m, int nm, const char *const *mv, const size_t *ml,
                      int64_t *removed) {
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    *removed = 0;
    for (int i = 0; i < nm; i++) {
        char *v;
        size_t vn;
        bool found;
        if (field_get(kv, key, n, m, mv[i], ml[i], &v, &vn, &found)) return -1;
        if (!found) continue;
        if (field_del(kv, key, n, m, mv[i], ml[i])) return -1;
        (*removed)++;
    }
    if (!*removed) return 0;
    m->size -= (uint64_t)*removed < m->size ? (uint64_t)*removed : m->size;
    if (m->size == 0) return act__kv_key_remove(kv, key, n, m);
    return act__kv_meta_put(kv, key, n, m, m->expire);
}

static int c_srem(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t removed;
    if (set_remove(kv, &m, kv->argc - 2, kv->argv + 2, kv->lens + 2, &removed) != 0) return -1;
    *r = v_int(kv, removed);
    return 0;
}

static int set_members(kv_t *kv, const meta_t *m, vlist_t *l) {
    hall_arg_t a = {.keys = true};
    if (hash_each(kv, kv->argv[1], kv->lens[1], m, hall_cb, &a) != 0) return -1;
    *l = a.l;
    return 0;
}

static int c_smembers(kv_t *kv, kvv_t **r) {
    meta_t m;
    vlist_t l = {0};
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, v_list(kv, ORBIT__KV_VALUE__KIND__SET, &l));
    if (rc) return rc < 0 ? -1 : 0;
    if (set_members(kv, &m, &l) != 0) return -1;
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__SET, &l);
    return 0;
}

static int c_sismember(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    char *v;
    size_t vn;
    bool found;
    if (field_get(kv, kv->argv[1], kv->lens[1], &m, kv->argv[2], kv->lens[2], &v, &vn, &found))
        return -1;
    *r = v_int(kv, found);
    return 0;
}

static int c_smismember(kv_t *kv, kvv_t **r) {
    meta_t m;
    kvv_t *absent = v_nil(kv);
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, absent);
    if (rc < 0) return -1;
    if (rc && *r != absent) return 0;
    vlist_t l = {0};
    for (int i = 2; i < kv->argc; i++) {
        char *v;
        size_t vn;
        bool found = false;
        if (!rc && field_get(kv, kv->argv[1], kv->lens[1], &m, kv->argv[i], kv->lens[i], &v,
                             &vn, &found))
            return -1;
        vl_push(kv, &l, v_int(kv, found));
    }
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

static int c_scard(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, (int64_t)m.size);
    return 0;
}

/* Moves count random members of l to its front (partial Fisher-Yates). */
static void shuffle_front(vlist_t *l, size_t count) {
    for (size_t i = 0; i < count && i + 1 < l->n; i++) {
        size_t j = i + (size_t)(act__kv_rand() % (l->n - i));
        kvv_t *t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
}

/* SPOP key [count] */
static int c_spop(kv_t *kv, kvv_t **r) {
    if (kv->argc > 3) {
        *r = v_syntax(kv);
        return 0;
    }
    bool with_count = kv->argc == 3;
    int64_t count = 1;
    if (with_count) {
        if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &count) || count < 0) {
            *r = v_err(kv, "ERR value is out of range, must be positive");
            return 0;
        }
    }
    meta_t m;
    vlist_t l = {0};
    kvv_t *empty = with_count ? v_list(kv, ORBIT__KV_VALUE__KIND__SET, &l) : v_nil(kv);
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, empty);
    if (rc) return rc < 0 ? -1 : 0;
    if (count == 0) {
        *r = empty;
        return 0;
    }
    if (set_members(kv, &m, &l) != 0) return -1;
    if ((uint64_t)count < l.n) shuffle_front(&l, (size_t)count);
    else count = (int64_t)l.n;
    const char **mv = orb_alloc(kv->mcx, (size_t)count * sizeof *mv);
    size_t *ml = orb_alloc(kv->mcx, (size_t)count * sizeof *ml);
    for (int64_t i = 0; i < count; i++) {
        mv[i] = (const char *)l.items[i]->str.data;
        ml[i] = l.items[i]->str.len;
    }
    int64_t removed;
    if (set_remove(kv, &m, (int)count, mv, ml, &removed) != 0) return -1;
    if (!with_count) {
        *r = l.items[0];
        return 0;
    }
    l.n = (size_t)count;
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__SET, &l);
    return 0;
}

bool act__kv_random_count(kv_t *kv, int64_t *count, kvv_t **r) {
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], count)) {
        *r = v_notint(kv);
        return false;
    }
    if (*count == INT64_MIN) {
        *r = v_err(kv, "ERR value is out of range, value must between -9223372036854775807 "
                       "and 9223372036854775807");
        return false;
    }
    return true;
}

/* SRANDMEMBER key [count] */
static int c_srandmember(kv_t *kv, kvv_t **r) {
    if (kv->argc > 3) {
        *r = v_syntax(kv);
        return 0;
    }
    bool with_count = kv->argc == 3;
    int64_t count = 1;
    if (with_count && !act__kv_random_count(kv, &count, r)) return 0;
    meta_t m;
    vlist_t l = {0};
    kvv_t *empty = with_count ? v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l) : v_nil(kv);
    int rc = act__kv_coll_for_read(kv, KV_SET, &m, r, empty);
    if (rc) return rc < 0 ? -1 : 0;
    if (count == 0) {
        *r = empty;
        return 0;
    }
    if (set_members(kv, &m, &l) != 0) return -1;
    if (!with_count) {
        *r = l.items[act__kv_rand() % l.n];
        return 0;
    }
    if (count < 0) { /* with repetitions */
        if (count < -KV_MAX_RANDOM) { /* redis-server 7.0 dies building such a reply */
            *r = v_err(kv, "ERR value is out of range");
            return 0;
        }
        vlist_t out = {0};
        for (int64_t i = 0; i < -count; i++) vl_push(kv, &out, l.items[act__kv_rand() % l.n]);
        *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
        return 0;
    }
    if ((uint64_t)count >= l.n) {
        *r = v_list(kv, ORBIT__KV_VALUE__KIND__SET, &l);
        return 0;
    }
    shuffle_front(&l, (size_t)count);
    l.n = (size_t)count;
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &l);
    return 0;
}

/* HRANDFIELD key [count [WITHVALUES]]: as SRANDMEMBER over the fields (count > 0: distinct,
 * count < 0: with repetitions), WITHVALUES adds each field's value (PAIRS: RESP3 pairs). */
static int c_hrandfield(kv_t *kv, kvv_t **r) {
    bool with_count = kv->argc >= 3, with_values = kv->argc == 4 && arg_is(kv, 3, "withvalues");
    if (kv->argc > 4 || (kv->argc == 4 && !with_values)) {
        *r = v_syntax(kv);
        return 0;
    }
    int64_t count = 1;
    if (with_count && !act__kv_random_count(kv, &count, r)) return 0;
    meta_t m;
    vlist_t none = {0};
    kvv_t *empty = with_count ? v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &none) : v_nil(kv);
    int rc = hash_for_read(kv, &m, r, empty);
    if (rc) return rc < 0 ? -1 : 0;
    if (count == 0) {
        *r = empty;
        return 0;
    }
    if (count < -KV_MAX_RANDOM) { /* redis-server 7.0 dies building such a reply */
        *r = v_err(kv, "ERR value is out of range");
        return 0;
    }
    hall_arg_t a = {.keys = true, .vals = true};
    if (hash_each(kv, kv->argv[1], kv->lens[1], &m, hall_cb, &a) != 0) return -1;
    size_t nf = a.l.n / 2; /* field, value, field, value ... */
    if (nf == 0) {
        *r = empty;
        return 0;
    }
    if (!with_count) {
        *r = a.l.items[2 * (act__kv_rand() % nf)];
        return 0;
    }
    size_t want = count < 0 ? (size_t)-count : (size_t)count < nf ? (size_t)count : nf;
    size_t *pick = orb_alloc(kv->mcx, (nf > want ? nf : want) * sizeof *pick);
    if (count < 0) {
        for (size_t i = 0; i < want; i++) pick[i] = act__kv_rand() % nf;
    } else { /* distinct: a partial shuffle of the indexes (all of them when count >= nf) */
        for (size_t i = 0; i < nf; i++) pick[i] = i;
        for (size_t i = 0; i < want && (size_t)count < nf && i + 1 < nf; i++) {
            size_t j = i + (size_t)(act__kv_rand() % (nf - i)), t = pick[i];
            pick[i] = pick[j];
            pick[j] = t;
        }
    }
    vlist_t out = {0};
    for (size_t i = 0; i < want; i++) {
        vl_push(kv, &out, a.l.items[2 * pick[i]]);
        if (with_values) vl_push(kv, &out, a.l.items[2 * pick[i] + 1]);
    }
    *r = v_list(kv, with_values ? ORBIT__KV_VALUE__KIND__PAIRS : ORBIT__KV_VALUE__KIND__ARRAY, &out);
    return 0;
}

/* ---- list commands ------------------------------------------------------------------------ */
/* A list is a metadata record (type KV_LIST, size = length, value = head i64 BE | tail i64 BE)
 * plus one sub-record per element keyed by its sequence number (i64, sign bit flipped so that
 * byte order is numeric order): the elements occupy head .. tail-1 without gaps. LPUSH/LPOP
 * move head, RPUSH/RPOP move tail: one record and the metadata per element, never a rewrite.
 * LINDEX/LSET read or write one record (head + index); LRANGE reads just its range; LTRIM
 * deletes what it trims. LINSERT and LREM read the whole list and rewrite the elements from
 * the first changed position to the tail (O(length)); LPOS reads up to the match. */

typedef struct lst {
    int64_t head, tail;
} lst_t;

static lst_t list_ends(const meta_t *m) {
    lst_t l = {0, 0};
    if (m->vlen == 16) {
        l.head = (int64_t)get_be(m->val, 8);
        l.tail = (int64_t)get_be(m->val + 8, 8);
    }
    return l;
}

/* Stores l in m (the value bytes allocated in kv->mcx) and m->size. */
static void list_set_ends(kv_t *kv, meta_t *m, lst_t l) {
    char *p = orb_alloc(kv->mcx, 16);
    for (int i = 0; i < 8; i++) {
        p[i] = (char)((uint64_t)l.head >> (56 - 8 * i));
        p[8 + i] = (char)((uint64_t)l.tail >> (56 - 8 * i));
    }
    m->val = p;
    m->vlen = 16;
    m->size = (uint64_t)(l.tail - l.head);
}

static void seq_enc(char out[8], int64_t seq) {
    uint64_t u = (uint64_t)seq ^ (UINT64_C(1) << 63);
    for (int i = 0; i < 8; i++) out[i] = (char)(u >> (56 - 8 * i));
}

static int elem_get(kv_t *kv, const meta_t *m, int64_t seq, char **v, size_t *vn, bool *found) {
    char s[8];
    seq_enc(s, seq);
    return field_get(kv, kv->argv[1], kv->lens[1], m, s, 8, v, vn, found);
}
static int elem_put_k(kv_t *kv, const char *key, size_t n, const meta_t *m, int64_t seq,
                      const char *v, size_t vn) {
    char s[8];
    seq_enc(s, seq);
    return field_put(kv, key, n, m, s, 8, v, vn);
}
static int elem_del(kv_t *kv, const meta_t *m, int64_t seq) {
    char s[8];
    seq_enc(s, seq);
    return field_del(kv, kv->argv[1], kv->lens[1], m, s, 8);
}

/* Writes m (its ends in l) or removes the key when l is empty. */
static int list_store_k(kv_t *kv, const char *key, size_t n, meta_t *m, lst_t l,
                        int64_t old_exp) {
    if (l.tail == l.head) return act__kv_key_remove(kv, key, n, m);
    list_set_ends(kv, m, l);
    return act__kv_meta_put(kv, key, n, m, old_exp);
}
static int list_store(kv_t *kv, meta_t *m, lst_t l) {
    return list_store_k(kv, kv->argv[1], kv->lens[1], m, l, m->expire);
}

/* Pushes vals at one end of key's list (created when absent unless xx). */
static int list_push(kv_t *kv, const char *key, size_t n, bool left, bool xx, int nv,
                     const char *const *vv, const size_t *vl, kvv_t **r) {
    meta_t m;
    int64_t old_exp;
    if (xx) {
        bool found;
        if (act__kv_meta_get(kv, key, n, &m, &found) != 0) return -1;
        if (!found) {
            *r = v_int(kv, 0);
            return 0;
        }
    }
    int rc = act__kv_coll_for_write(kv, KV_LIST, key, n, &m, &old_exp, r);
    if (rc) return rc < 0 ? -1 : 0;
    lst_t l = list_ends(&m);
    for (int i = 0; i < nv; i++) {
        int64_t seq = left ? --l.head : l.tail++;
        if (elem_put_k(kv, key, n, &m, seq, vv[i], vl[i]) != 0) return -1;
    }
    if (list_store_k(kv, key, n, &m, l, old_exp) != 0) return -1;
    *r = v_int(kv, l.tail - l.head);
    return 0;
}
static int c_lpush(kv_t *kv, kvv_t **r) {
    return list_push(kv, kv->argv[1], kv->lens[1], true, false, kv->argc - 2, kv->argv + 2,
                     kv->lens + 2, r);
}
static int c_rpush(kv_t *kv, kvv_t **r) {
    return list_push(kv, kv->argv[1], kv->lens[1], false, false, kv->argc - 2, kv->argv + 2,
                     kv->lens + 2, r);
}
static int c_lpushx(kv_t *kv, kvv_t **r) {
    return list_push(kv, kv->argv[1], kv->lens[1], true, true, kv->argc - 2, kv->argv + 2,
                     kv->lens + 2, r);
}
static int c_rpushx(kv_t *kv, kvv_t **r) {
    return list_push(kv, kv->argv[1], kv->lens[1], false, true, kv->argc - 2, kv->argv + 2,
                     kv->lens + 2, r);
}

/* Pops up to count elements from one end of argv[1]'s list (m, l) into out. */
static int list_pop(kv_t *kv, meta_t *m, lst_t *l, bool left, int64_t count, vlist_t *out) {
    for (int64_t i = 0; i < count && l->tail > l->head; i++) {
        int64_t seq = left ? l->head++ : --l->tail;
        char *v;
        size_t vn;
        bool found;
        if (elem_get(kv, m, seq, &v, &vn, &found) != 0) return -1;
        if (!ORB_ALWAYS(found))
            return orb_err_set(kv->err, DATA_CORRUPTED, "a list element is missing");
        if (elem_del(kv, m, seq) != 0) return -1;
        vl_push(kv, out, v_bulk(kv, v, vn));
    }
    return list_store(kv, m, *l);
}

static int pop_generic(kv_t *kv, kvv_t **r, bool left) {
    if (kv->argc > 3) {
        *r = v_err(kv, "ERR wrong number of arguments for '%s' command", left ? "lpop" : "rpop");
        return 0;
    }
    bool with_count = kv->argc == 3;
    int64_t count = 1;
    if (with_count && (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &count) || count < 0)) {
        *r = v_err(kv, "ERR value is out of range, must be positive");
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r,
                           with_count ? v_new(kv, ORBIT__KV_VALUE__KIND__NIL_ARRAY) : v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    vlist_t out = {0};
    if (count == 0) {
        *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
        return 0;
    }
    lst_t l = list_ends(&m);
    if (list_pop(kv, &m, &l, left, count, &out) != 0) return -1;
    *r = with_count ? v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out) : out.items[0];
    return 0;
}
static int c_lpop(kv_t *kv, kvv_t **r) { return pop_generic(kv, r, true); }
static int c_rpop(kv_t *kv, kvv_t **r) { return pop_generic(kv, r, false); }

static int c_llen(kv_t *kv, kvv_t **r) {
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    *r = v_int(kv, (int64_t)m.size);
    return 0;
}

typedef struct range_arg {
    vlist_t l;
    int64_t left; /* elements still wanted */
} range_arg_t;
static int range_cb(kv_t *kv, const char *f, size_t fn, const char *v, size_t vn, void *arg) {
    range_arg_t *a = arg;
    ORB_UNUSED(f);
    ORB_UNUSED(fn);
    if (a->left-- <= 0) return 1;
    vl_push(kv, &a->l, v_bulk(kv, v, vn));
    return 0;
}

/* Appends elements head+from .. head+to (inclusive, in range) of argv[1]'s list to a->l. */
static int list_range(kv_t *kv, const meta_t *m, int64_t from, int64_t to, range_arg_t *a) {
    lst_t l = list_ends(m);
    char s[8];
    act__kv_key_sub(kv, &kv->kb2, kv->argv[1], kv->lens[1], m->version);
    size_t plen = kv->kb2.len;
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    orb_buf_append(&lo, kv->kb2.data, plen);
    orb_buf_append(&hi, kv->kb2.data, plen);
    seq_enc(s, l.head + from);
    orb_buf_append(&lo, s, 8);
    st_key_prefix_successor(&hi);
    a->left = to - from + 1;
    st_iter_t *it = st_iter_create(kv->st, ST_CF_KV, lo.data, lo.len, hi.data, hi.len, false);
    int rc = 0;
    for (; rc == 0 && st_iter_valid(it); st_iter_next(it)) {
        size_t kn, vn;
        const char *k = st_iter_key(it, &kn);
        const char *v = st_iter_value(it, &vn);
        rc = range_cb(kv, k + plen, kn - plen, v, vn, a);
    }
    if (rc == 1) rc = 0;
    if (rc == 0) rc = st_iter_status(it, kv->err);
    st_iter_destroy(it);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    return rc;
}

static int c_lrange(kv_t *kv, kvv_t **r) {
    int64_t start, end;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &start) ||
        !act__kv_parse_ll(kv->argv[3], kv->lens[3], &end)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    range_arg_t a = {0};
    int rc =
        act__kv_coll_for_read(kv, KV_LIST, &m, r, v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t len = (int64_t)m.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l);
        return 0;
    }
    if (end >= len) end = len - 1;
    if (list_range(kv, &m, start, end, &a) != 0) return -1;
    *r = v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &a.l);
    return 0;
}

static int c_lindex(kv_t *kv, kvv_t **r) {
    int64_t idx;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &idx)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t len = (int64_t)m.size;
    if (idx < 0) idx += len;
    if (idx < 0 || idx >= len) {
        *r = v_nil(kv);
        return 0;
    }
    char *v;
    size_t vn;
    bool found;
    if (elem_get(kv, &m, list_ends(&m).head + idx, &v, &vn, &found) != 0) return -1;
    *r = found ? v_bulk(kv, v, vn) : v_nil(kv);
    return 0;
}

static int c_lset(kv_t *kv, kvv_t **r) {
    int64_t idx;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &idx)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_err(kv, "ERR no such key"));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t len = (int64_t)m.size;
    if (idx < 0) idx += len;
    if (idx < 0 || idx >= len) {
        *r = v_err(kv, "ERR index out of range");
        return 0;
    }
    if (elem_put_k(kv, kv->argv[1], kv->lens[1], &m, list_ends(&m).head + idx, kv->argv[3],
                   kv->lens[3]) != 0)
        return -1;
    *r = v_ok(kv);
    return 0;
}

static int c_ltrim(kv_t *kv, kvv_t **r) {
    int64_t start, end;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &start) ||
        !act__kv_parse_ll(kv->argv[3], kv->lens[3], &end)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_ok(kv));
    if (rc) return rc < 0 ? -1 : 0;
    int64_t len = (int64_t)m.size, ltrim, rtrim;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        ltrim = len;
        rtrim = 0;
    } else {
        if (end >= len) end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
    }
    lst_t l = list_ends(&m);
    for (int64_t i = 0; i < ltrim; i++)
        if (elem_del(kv, &m, l.head++) != 0) return -1;
    for (int64_t i = 0; i < rtrim; i++)
        if (elem_del(kv, &m, --l.tail) != 0) return -1;
    if ((ltrim || rtrim) && list_store(kv, &m, l) != 0) return -1;
    *r = v_ok(kv);
    return 0;
}

/* The whole list of argv[1] (m) as bulk values in a->l. */
static int list_all(kv_t *kv, const meta_t *m, range_arg_t *a) {
    if (m->size == 0) return 0;
    return list_range(kv, m, 0, (int64_t)m->size - 1, a);
}

/* Replaces the list's elements from position p on with nv[p..nn-1] (old: the current ones). */
static int list_rewrite(kv_t *kv, meta_t *m, const vlist_t *old, kvv_t **nv, size_t nn,
                        size_t p) {
    lst_t l = list_ends(m);
    for (size_t i = p; i < old->n; i++)
        if (elem_del(kv, m, l.head + (int64_t)i) != 0) return -1;
    for (size_t i = p; i < nn; i++)
        if (elem_put_k(kv, kv->argv[1], kv->lens[1], m, l.head + (int64_t)i,
                       (const char *)nv[i]->str.data, nv[i]->str.len) != 0)
            return -1;
    l.tail = l.head + (int64_t)nn;
    return list_store(kv, m, l);
}

static bool elem_eq(const kvv_t *e, const char *p, size_t n) {
    return e->str.len == n && memcmp(e->str.data, p, n) == 0;
}

static int c_lrem(kv_t *kv, kvv_t **r) {
    int64_t count;
    if (!act__kv_parse_ll(kv->argv[2], kv->lens[2], &count)) {
        *r = v_notint(kv);
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    range_arg_t a = {0};
    if (list_all(kv, &m, &a) != 0) return -1;
    size_t n = a.l.n;
    bool *drop = orb_alloc(kv->mcx, n + 1);
    memset(drop, 0, n + 1);
    int64_t removed = 0, want = count < 0 ? -count : count;
    for (size_t k = 0; k < n && (count == 0 || removed < want); k++) {
        size_t i = count < 0 ? n - 1 - k : k;
        if (elem_eq(a.l.items[i], kv->argv[3], kv->lens[3])) {
            drop[i] = true;
            removed++;
        }
    }
    *r = v_int(kv, removed);
    if (!removed) return 0;
    kvv_t **nv = orb_alloc(kv->mcx, (n + 1) * sizeof *nv);
    size_t nn = 0, p = n;
    for (size_t i = 0; i < n; i++) {
        if (drop[i]) {
            if (p == n) p = i;
            continue;
        }
        nv[nn++] = a.l.items[i];
    }
    return list_rewrite(kv, &m, &a.l, nv, nn, p);
}

static int c_linsert(kv_t *kv, kvv_t **r) {
    bool after;
    if (arg_is(kv, 2, "after")) after = true;
    else if (arg_is(kv, 2, "before")) after = false;
    else {
        *r = v_syntax(kv);
        return 0;
    }
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_int(kv, 0));
    if (rc) return rc < 0 ? -1 : 0;
    range_arg_t a = {0};
    if (list_all(kv, &m, &a) != 0) return -1;
    size_t n = a.l.n, at = n;
    for (size_t i = 0; i < n && at == n; i++)
        if (elem_eq(a.l.items[i], kv->argv[3], kv->lens[3])) at = i;
    if (at == n) {
        *r = v_int(kv, -1);
        return 0;
    }
    size_t p = after ? at + 1 : at;
    kvv_t **nv = orb_alloc(kv->mcx, (n + 1) * sizeof *nv);
    for (size_t i = 0; i < p; i++) nv[i] = a.l.items[i];
    nv[p] = v_bulk(kv, kv->argv[4], kv->lens[4]);
    for (size_t i = p; i < n; i++) nv[i + 1] = a.l.items[i];
    if (list_rewrite(kv, &m, &a.l, nv, n + 1, p) != 0) return -1;
    *r = v_int(kv, (int64_t)n + 1);
    return 0;
}

static int c_lpos(kv_t *kv, kvv_t **r) {
    int64_t rank = 1, count = -1, maxlen = 0;
    for (int j = 3; j < kv->argc; j++) {
        bool more = j + 1 < kv->argc;
        if (arg_is(kv, j, "rank") && more) {
            j++;
            if (!act__kv_parse_ll(kv->argv[j], kv->lens[j], &rank)) {
                *r = v_notint(kv);
                return 0;
            }
            if (rank == 0) {
                *r = v_err(kv, "ERR RANK can't be zero: use 1 to start from the first match, 2 "
                               "from the second ... or use negative to start from the end of "
                               "the list");
                return 0;
            }
        } else if (arg_is(kv, j, "count") && more) {
            j++;
            if (!act__kv_parse_ll(kv->argv[j], kv->lens[j], &count) || count < 0) {
                *r = v_err(kv, "ERR COUNT can't be negative");
                return 0;
            }
        } else if (arg_is(kv, j, "maxlen") && more) {
            j++;
            if (!act__kv_parse_ll(kv->argv[j], kv->lens[j], &maxlen) || maxlen < 0) {
                *r = v_err(kv, "ERR MAXLEN can't be negative");
                return 0;
            }
        } else {
            *r = v_syntax(kv);
            return 0;
        }
    }
    meta_t m;
    vlist_t out = {0};
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r,
                           count != -1 ? v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out)
                                       : v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    range_arg_t a = {0};
    if (list_all(kv, &m, &a) != 0) return -1;
    int64_t n = (int64_t)a.l.n, matches = 0;
    bool fwd = rank > 0;
    /* RANK -2^63: Redis 7.0 negates it to itself, i.e. the first match from the tail */
    int64_t want = fwd ? rank : rank == INT64_MIN ? 1 : -rank;
    for (int64_t k = 0; k < n && (maxlen == 0 || k < maxlen); k++) {
        int64_t i = fwd ? k : n - 1 - k;
        if (!elem_eq(a.l.items[i], kv->argv[2], kv->lens[2])) continue;
        if (++matches < want) continue;
        if (count == -1) {
            *r = v_int(kv, i);
            return 0;
        }
        vl_push(kv, &out, v_int(kv, i));
        if (count && matches - want + 1 >= count) break;
    }
    *r = count == -1 ? v_nil(kv) : v_list(kv, ORBIT__KV_VALUE__KIND__ARRAY, &out);
    return 0;
}

/* LMOVE src dst LEFT|RIGHT LEFT|RIGHT with both keys on this shard (wire/ moves across). */
static int c_lmove(kv_t *kv, kvv_t **r) {
    bool from_left, to_left;
    if (arg_is(kv, 3, "left")) from_left = true;
    else if (arg_is(kv, 3, "right")) from_left = false;
    else goto syntax;
    if (arg_is(kv, 4, "left")) to_left = true;
    else if (arg_is(kv, 4, "right")) to_left = false;
    else goto syntax;
    meta_t m;
    int rc = act__kv_coll_for_read(kv, KV_LIST, &m, r, v_nil(kv));
    if (rc) return rc < 0 ? -1 : 0;
    meta_t d;
    bool dfound;
    if (act__kv_meta_get(kv, kv->argv[2], kv->lens[2], &d, &dfound) != 0) return -1;
    if (dfound && d.type != KV_LIST) {
        *r = v_wrongtype(kv);
        return 0;
    }
    vlist_t out = {0};
    lst_t l = list_ends(&m);
    if (list_pop(kv, &m, &l, from_left, 1, &out) != 0) return -1;
    kvv_t *e = out.items[0];
    const char *ev = (const char *)e->str.data;
    size_t en = e->str.len;
    kvv_t *ignored;
    if (list_push(kv, kv->argv[2], kv->lens[2], to_left, false, 1, &ev, &en, &ignored) != 0)
        return -1;
    *r = e;
    return 0;
syntax:
    *r = v_syntax(kv);
    return 0;
}

/* __setstore dst [member]... -> the number of members: replaces dst (whatever it holds) with
 * the set of the members, or removes it when none are given (S*STORE; wire/ computed them). */
static int c_setstore(kv_t *kv, kvv_t **r) {
    const char *key = kv->argv[1];
    size_t n = kv->lens[1];
    bool existed;
    if (act__kv_key_remove_any(kv, key, n, &existed) != 0) return -1;
    meta_t m = {.type = KV_SET, .version = act__kv_version_next()};
    for (int i = 2; i < kv->argc; i++) {
        char *v;
        size_t vn;
        bool found = false;
        if (field_get(kv, key, n, &m, kv->argv[i], kv->lens[i], &v, &vn, &found) != 0) return -1;
        if (found) continue;
        if (field_put(kv, key, n, &m, kv->argv[i], kv->lens[i], "", 0) != 0) return -1;
        m.size++;
    }
    if (m.size && act__kv_meta_put(kv, key, n, &m, 0) != 0) return -1;
    *r = v_int(kv, (int64_t)m.size);
    return 0;
}

/* ---- the op table ------------------------------------------------------------------------- */

/* Arity is checked by wire/ (wire_resp_cmd.c); internal ops check their own arguments. */
static const kv_op_t kv_ops[] = {
    {"get", c_get},           {"set", c_set},
    {"setnx", c_setnx},       {"setex", c_setex},
    {"psetex", c_psetex},     {"getset", c_getset},
    {"getdel", c_getdel},     {"getex", c_getex},
    {"mget", c_mget},         {"mset", c_mset},
    {"incr", c_incr},         {"decr", c_decr},
    {"incrby", c_incrby},     {"decrby", c_decrby},
    {"incrbyfloat", c_incrbyfloat}, {"append", c_append},
    {"strlen", c_strlen},     {"getrange", c_getrange},
    {"setrange", c_setrange}, {"del", c_del},
    {"unlink", c_del},        {"exists", c_exists},
    {"type", c_type},         {"object", c_object},         {"expire", c_expire},
    {"pexpire", c_pexpire},   {"expireat", c_expireat},
    {"pexpireat", c_pexpireat}, {"ttl", c_ttl},
    {"pttl", c_pttl},         {"expiretime", c_expiretime},
    {"pexpiretime", c_pexpiretime}, {"persist", c_persist},
    {"keys", c_keys},         {"rename", c_rename},
    {"renamenx", c_renamenx}, {"hset", c_hset},
    {"hmset", c_hmset},       {"hsetnx", c_hsetnx},
    {"hget", c_hget},         {"hmget", c_hmget},
    {"hgetall", c_hgetall},   {"hkeys", c_hkeys},       {"hrandfield", c_hrandfield},
    {"hvals", c_hvals},       {"hlen", c_hlen},
    {"hdel", c_hdel},         {"hexists", c_hexists},
    {"hstrlen", c_hstrlen},   {"hincrby", c_hincrby},
    {"hincrbyfloat", c_hincrbyfloat}, {"hscan", c_hscan},
    {"__scan", c_scan},       {"__randomkey", c_randomkey},
    {"__dbsize", c_dbsize},   {"__flushdb", c_flushdb},
    {"__flushall", c_flushall}, {"__sweep", c_sweep},
    {"__dump", c_dump},       {"__restore", c_restore},
    {"__dbstats", c_dbstats},
    {"sadd", c_sadd},         {"srem", c_srem},
    {"smembers", c_smembers}, {"sismember", c_sismember},
    {"smismember", c_smismember}, {"scard", c_scard},
    {"spop", c_spop},         {"srandmember", c_srandmember},
    {"sscan", c_sscan},       {"__setstore", c_setstore},
    {"lpush", c_lpush},       {"rpush", c_rpush},
    {"lpushx", c_lpushx},     {"rpushx", c_rpushx},
    {"lpop", c_lpop},         {"rpop", c_rpop},
    {"llen", c_llen},         {"lrange", c_lrange},
    {"lindex", c_lindex},     {"lset", c_lset},
    {"ltrim", c_ltrim},       {"lrem", c_lrem},
    {"linsert", c_linsert},   {"lpos", c_lpos},
    {"lmove", c_lmove},
};

/* act_kv_set_write_hook: told of every write request that succeeded (wire's blocked
 * clients, BLPOP & co.); runs on the worker thread, so it must not block. */
static void (*_Atomic kv_write_hook)(uint32_t db, int argc, const char *const *argv,
                                     const size_t *lens);

void act_kv_set_write_hook(void (*fn)(uint32_t db, int argc, const char *const *argv,
                                      const size_t *lens)) {
    atomic_store(&kv_write_hook, fn);
}

static void write_hook(const kv_t *kv) {
    void (*fn)(uint32_t, int, const char *const *, const size_t *) = atomic_load(&kv_write_hook);
    if (fn) fn(kv->db, kv->argc, (const char *const *)kv->argv, kv->lens);
}

int act__kv_execute(act_worker_t *w, act_actor_t *a, const Orbit__ShardRequest *req,
                    uint32_t shard, uint8_t **out, size_t *outlen) {
    orb_err_t err;
    orb_err_clear(&err);
    kv_t kv = {.w = w, .a = a, .txn_id = req->txn_id, .mcx = w->mcx, .shard = shard,
               .now = now_ms(), .err = &err};
    orb_buf_init(&kv.kb);
    orb_buf_init(&kv.kb2);
    orb_buf_init(&kv.vb);
    Orbit__ShardReply *reply = orb_alloc(kv.mcx, sizeof *reply);
    orbit__shard_reply__init(reply);
    int rc = 0;
    const Orbit__KvRequest *kr = req->kv;
    if (!kr || kr->n_argv == 0 || kr->db >= ACT_KV_DATABASES || shard >= ACT_KV_SHARDS) {
        rc = orb_err_set(&err, PROTOCOL_VIOLATION, "malformed kv-shard request");
    } else {
        kv.db = kr->db;
        kv.argc = (int)kr->n_argv;
        kv.argv = orb_alloc(kv.mcx, kr->n_argv * sizeof(char *));
        size_t *lens = orb_alloc(kv.mcx, kr->n_argv * sizeof(size_t));
        for (size_t i = 0; i < kr->n_argv; i++) {
            kv.argv[i] = kr->argv[i].len ? (const char *)kr->argv[i].data : "";
            lens[i] = kr->argv[i].len;
        }
        kv.lens = lens;
        const kv_op_t *op = NULL;
        for (size_t i = 0; i < sizeof kv_ops / sizeof kv_ops[0]; i++) {
            if (strlen(kv_ops[i].name) == lens[0] &&
                memcmp(kv_ops[i].name, kv.argv[0], lens[0]) == 0) {
                op = &kv_ops[i];
                break;
            }
        }
        for (size_t i = 0; !op && i < act__kv_zset_nops; i++) {
            if (strlen(act__kv_zset_ops[i].name) == lens[0] &&
                memcmp(act__kv_zset_ops[i].name, kv.argv[0], lens[0]) == 0)
                op = &act__kv_zset_ops[i];
        }
        for (size_t i = 0; !op && i < act__kv_exec_nops; i++) {
            if (strlen(act__kv_exec_ops[i].name) == lens[0] &&
                memcmp(act__kv_exec_ops[i].name, kv.argv[0], lens[0]) == 0)
                op = &act__kv_exec_ops[i];
        }
        if (!op) {
            rc = orb_err_set(&err, PROTOCOL_VIOLATION, "unknown kv-shard operation \"%.*s\"",
                             (int)lens[0], kv.argv[0]);
        } else if (kv.txn_id && a && a->kv_owner == kv.txn_id &&
                   !(op >= act__kv_exec_ops && op < act__kv_exec_ops + act__kv_exec_nops)) {
            /* an EXEC's command: in its transaction's storage transaction, committed by the
             * EXEC (act_kv_exec.c); a failing command leaves no partial write */
            act_txn_ent_t *e = act__txn_acquire(w->rt, kv.txn_id);
            if (!e || !e->st) {
                if (e) act__txn_release(w->rt, e);
                rc = orb_err_set(&err, INVALID_TRANSACTION_STATE, "transaction %llu is not active",
                                 (unsigned long long)kv.txn_id);
            } else {
                kv.st = e->st;
                st_txn_savepoint(kv.st);
                kvv_t *r = NULL;
                rc = op->fn(&kv, &r);
                orb_err_t e2;
                if (rc == 0) st_txn_pop_savepoint(kv.st);
                else if (st_txn_rollback_to_savepoint(kv.st, &e2) != 0) err = e2;
                act__txn_release(w->rt, e);
                if (rc == 0 && kv.wrote) {
                    act__kv_touch(&kv, lens[0] > 2 && kv.argv[0][0] == '_');
                    write_hook(&kv);
                }
                reply->kv = r ? r : v_nil(&kv);
            }
        } else {
            /* group commit: the worker syncs the WAL once for its batch before any reply
             * leaves (act_runtime.c held_release, README "Group commit") */
            kv.st = st_txn_begin_group(w->rt->db, ST_READ_COMMITTED);
            if (!kv.st) {
                rc = orb_err_set(&err, INTERNAL_ERROR, "could not begin a storage transaction");
            } else {
                kvv_t *r = NULL;
                rc = op->fn(&kv, &r);
                if (rc == 0 && kv.wrote) {
                    if (st_txn_commit(kv.st, &err) != 0) {
                        rc = -1;
                    } else {
                        w->held_unsynced = true;
                        /* internal ops (__flushdb, __sweep, __restore, ...) count as a write
                         * to every watched key */
                        act__kv_touch(&kv, lens[0] > 2 && kv.argv[0][0] == '_');
                        write_hook(&kv);
                    }
                } else {
                    st_txn_rollback(kv.st);
                }
                reply->kv = r ? r : v_nil(&kv);
            }
        }
    }
    orb_buf_free(&kv.kb);
    orb_buf_free(&kv.kb2);
    orb_buf_free(&kv.vb);
    if (rc != 0) {
        orb_log(ORB_LOG_ERROR, ACT_LOG, "kv-shard request failed shard=%u reason=%s", shard,
                err.message);
        *out = act__error_reply(&err, 0, outlen);
    } else {
        *out = act__reply_pack(reply, outlen);
    }
    orb_mcx_reset(kv.mcx);
    return 0;
}

/* ---- calls (caller threads) ------------------------------------------------------------ */

static kvv_t *kvv_copy(const kvv_t *v, orb_mcx_t *mcx) {
    kvv_t *c = orb_alloc(mcx, sizeof *c);
    orbit__kv_value__init(c);
    c->kind = v->kind;
    c->num = v->num;
    c->dbl = v->dbl;
    c->str.len = v->str.len;
    c->str.data = orb_alloc(mcx, v->str.len + 1);
    if (v->str.len) memcpy(c->str.data, v->str.data, v->str.len);
    c->str.data[v->str.len] = 0;
    c->n_elems = v->n_elems;
    if (v->n_elems) {
        c->elems = orb_alloc(mcx, v->n_elems * sizeof *c->elems);
        for (size_t i = 0; i < v->n_elems; i++) c->elems[i] = kvv_copy(v->elems[i], mcx);
    }
    return c;
}

static _Thread_local uint64_t tl_exec_txn; /* act_kv_bind_txn */

uint64_t act_kv_bind_txn(uint64_t txn_id) {
    uint64_t old = tl_exec_txn;
    tl_exec_txn = txn_id;
    return old;
}

act_call_t *act_kv_post(act_runtime_t *rt, uint32_t shard, uint32_t db, int argc,
                        const char *const *argv, const size_t *lens) {
    Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
    req.txn_id = tl_exec_txn;
    Orbit__KvRequest kr = ORBIT__KV_REQUEST__INIT;
    ProtobufCBinaryData *av = malloc((size_t)(argc ? argc : 1) * sizeof *av);
    if (!av) orb_panic("out of memory posting kv calls");
    for (int j = 0; j < argc; j++) {
        av[j].data = (uint8_t *)argv[j];
        av[j].len = lens[j];
    }
    kr.db = db;
    kr.n_argv = (size_t)argc;
    kr.argv = av;
    req.shard = shard;
    req.kv = &kr;
    act_call_t *call = act_call_post(rt, ACT_KV_SHARD, &req); /* packs: av may go */
    free(av);
    return call;
}

int act_kv_wait(act_call_t *call, orb_mcx_t *mcx, Orbit__KvValue **reply, orb_err_t *err) {
    Orbit__ShardReply *r = NULL;
    orb_err_t e;
    int rc = 0;
    if (act_call_wait(call, &r, &e) != 0) {
        if (err) *err = e;
        rc = -1;
    } else if (!r->kv) {
        orb_err_set(err, INTERNAL_ERROR, "a kv-shard reply carries no value");
        rc = -1;
    } else {
        *reply = kvv_copy(r->kv, mcx);
    }
    act_call_free(call);
    return rc;
}

int act_kv_call_many(act_runtime_t *rt, int n, const uint32_t *shards, uint32_t db,
                     const int *argcs, const char *const *const *argvs,
                     const size_t *const *lens, orb_mcx_t *mcx, Orbit__KvValue **replies,
                     orb_err_t *err) {
    act_call_t **calls = calloc((size_t)n, sizeof *calls);
    if (!calls) orb_panic("out of memory posting kv calls");
    for (int i = 0; i < n; i++) calls[i] = act_kv_post(rt, shards[i], db, argcs[i], argvs[i], lens[i]);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        orb_err_t e;
        if (act_kv_wait(calls[i], mcx, &replies[i], &e) != 0 && rc == 0) {
            if (err) *err = e;
            rc = -1;
        }
    }
    free(calls);
    return rc;
}

int act_kv_call_all(act_runtime_t *rt, uint32_t db, int argc, const char *const *argv,
                    const size_t *lens, orb_mcx_t *mcx, Orbit__KvValue **replies, orb_err_t *err) {
    uint32_t shards[ACT_KV_SHARDS];
    int argcs[ACT_KV_SHARDS];
    const char *const *avs[ACT_KV_SHARDS];
    const size_t *lss[ACT_KV_SHARDS];
    for (uint32_t i = 0; i < ACT_KV_SHARDS; i++) {
        shards[i] = i;
        argcs[i] = argc;
        avs[i] = argv;
        lss[i] = lens;
    }
    return act_kv_call_many(rt, ACT_KV_SHARDS, shards, db, argcs, avs, lss, mcx, replies, err);
}

int act_kv_call(act_runtime_t *rt, uint32_t shard, uint32_t db, int argc,
                const char *const *argv, const size_t *lens, orb_mcx_t *mcx,
                Orbit__KvValue **reply, orb_err_t *err) {
    return act_kv_call_many(rt, 1, &shard, db, &argc, &argv, &lens, mcx, reply, err);
}
