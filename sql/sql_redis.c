/* sql/sql_redis.c — the Redis keys as SQL sees them (redis.keys, sql_sysrel.c): every database's
 * keys (KEYS * on each kv shard), then for each key its TYPE, PTTL and value (GET, HGETALL,
 * LRANGE 0 -1, SMEMBERS, ZRANGE 0 -1 WITHSCORES), each step sent to all the keys' shards at once
 * (act_kv_call_many). Not a snapshot: a key written meanwhile shows its state at its own read,
 * and a key removed meanwhile is left out. Values become JSON: a string as a JSON string, a
 * hash as an object, a list or set as an array, a sorted set as an object member -> score;
 * bytes that are not UTF-8 as the string "\\x" + hex, as PostgreSQL prints bytea. */
#include "sql_int.h"
#include "sql_types_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_str(orb_buf_t *b, const uint8_t *p, size_t n) {
    orb_err_t e;
    if (sql_utf8_check(p, n, &e) == 0) {
        sql__json_escape(b, (const char *)p, n);
        return;
    }
    orb_buf_puts(b, "\"\\\\x");
    for (size_t i = 0; i < n; i++) orb_buf_printf(b, "%02x", p[i]);
    orb_buf_putc(b, '"');
}

/* v (a kv reply) as JSON for a key of type t. */
static void to_json(orb_buf_t *b, const char *t, const Orbit__KvValue *v) {
    if (v->kind == ORBIT__KV_VALUE__KIND__BULK) {
        put_str(b, v->str.data, v->str.len);
        return;
    }
    bool object = strcmp(t, "hash") == 0 || strcmp(t, "zset") == 0;
    orb_buf_putc(b, object ? '{' : '[');
    for (size_t i = 0; i < v->n_elems; i++) {
        const Orbit__KvValue *e = v->elems[i];
        if (i) orb_buf_putc(b, object && i % 2 ? ':' : ',');
        if (strcmp(t, "zset") == 0 && i % 2) {
            /* a score: Redis's text of a double is JSON's, but for inf */
            if (e->kind == ORBIT__KV_VALUE__KIND__DOUBLE) {
                char num[64];
                snprintf(num, sizeof num, "%.17g", e->dbl);
                if (strstr(num, "inf") || strstr(num, "nan")) put_str(b, (const uint8_t *)num, strlen(num));
                else orb_buf_puts(b, num);
            } else {
                bool finite = e->str.len && !memchr(e->str.data, 'i', e->str.len);
                if (finite) orb_buf_append(b, (const char *)e->str.data, e->str.len);
                else put_str(b, e->str.data, e->str.len);
            }
        } else {
            put_str(b, e->str.data, e->str.len);
        }
    }
    orb_buf_putc(b, object ? '}' : ']');
}

/* One op per key (argv: op, key[, extra...]) on every key's shard at once. */
static int per_key(act_runtime_t *rt, uint32_t db, size_t n, const Orbit__KvValue *const *keys,
                   const char *const *ops, const char *const *extra, int nextra, orb_mcx_t *mcx,
                   Orbit__KvValue **rep, orb_err_t *err) {
    if (n == 0) return 0;
    uint32_t *shards = orb_alloc(mcx, n * sizeof *shards);
    int *argcs = orb_alloc(mcx, n * sizeof *argcs);
    const char *const **avs = orb_alloc(mcx, n * sizeof *avs);
    const size_t **lss = orb_alloc(mcx, n * sizeof *lss);
    for (size_t i = 0; i < n; i++) {
        const char **av = orb_alloc(mcx, (size_t)(2 + nextra) * sizeof *av);
        size_t *ls = orb_alloc(mcx, (size_t)(2 + nextra) * sizeof *ls);
        av[0] = ops[i];
        ls[0] = strlen(ops[i]);
        av[1] = (const char *)keys[i]->str.data;
        ls[1] = keys[i]->str.len;
        for (int j = 0; j < nextra; j++) {
            av[2 + j] = extra[j];
            ls[2 + j] = strlen(extra[j]);
        }
        shards[i] = act_kv_shard_of(av[1], ls[1]);
        argcs[i] = 2 + (strcmp(ops[i], "lrange") == 0 ? 2 : strcmp(ops[i], "zrange") == 0 ? 3 : 0);
        avs[i] = av;
        lss[i] = ls;
    }
    return act_kv_call_many(rt, (int)n, shards, db, argcs, avs, lss, mcx, rep, err);
}

int sql_redis_keys(act_runtime_t *rt, orb_mcx_t *mcx, sql_redis_key_t **out, size_t *nout,
                   orb_err_t *err) {
    *out = NULL;
    *nout = 0;
    size_t cap = 0;
    for (uint32_t db = 0; db < ACT_KV_DATABASES; db++) {
        const char *av[2] = {"keys", "*"};
        size_t ls[2] = {4, 1};
        Orbit__KvValue *rep[ACT_KV_SHARDS];
        if (act_kv_call_all(rt, db, 2, av, ls, mcx, rep, err) != 0) return -1;
        size_t n = 0;
        for (uint32_t s = 0; s < ACT_KV_SHARDS; s++) n += rep[s]->n_elems;
        if (n == 0) continue;
        const Orbit__KvValue **keys = orb_alloc(mcx, n * sizeof *keys);
        n = 0;
        for (uint32_t s = 0; s < ACT_KV_SHARDS; s++)
            for (size_t j = 0; j < rep[s]->n_elems; j++) keys[n++] = rep[s]->elems[j];
        const char **ops = orb_alloc(mcx, n * sizeof *ops);
        Orbit__KvValue **types = orb_alloc(mcx, n * sizeof *types);
        Orbit__KvValue **ttls = orb_alloc(mcx, n * sizeof *ttls);
        Orbit__KvValue **vals = orb_alloc(mcx, n * sizeof *vals);
        for (size_t i = 0; i < n; i++) ops[i] = "type";
        if (per_key(rt, db, n, keys, ops, NULL, 0, mcx, types, err) != 0) return -1;
        for (size_t i = 0; i < n; i++) ops[i] = "pttl";
        if (per_key(rt, db, n, keys, ops, NULL, 0, mcx, ttls, err) != 0) return -1;
        for (size_t i = 0; i < n; i++) {
            const char *t = (const char *)types[i]->str.data;
            ops[i] = strcmp(t, "hash") == 0   ? "hgetall"
                     : strcmp(t, "list") == 0 ? "lrange"
                     : strcmp(t, "set") == 0  ? "smembers"
                     : strcmp(t, "zset") == 0 ? "zrange"
                                              : "get";
        }
        /* LRANGE key 0 -1, ZRANGE key 0 -1 WITHSCORES; the others ignore nothing extra */
        static const char *const extra[3] = {"0", "-1", "withscores"};
        if (per_key(rt, db, n, keys, ops, extra, 3, mcx, vals, err) != 0) return -1;
        for (size_t i = 0; i < n; i++) {
            const char *t = (const char *)types[i]->str.data;
            if (strcmp(t, "none") == 0) continue; /* removed meanwhile */
            if (*nout == cap) {
                size_t nc = cap ? cap * 2 : 64;
                *out = orb_realloc(mcx, *out, cap * sizeof **out, nc * sizeof **out);
                cap = nc;
            }
            sql_redis_key_t *k = &(*out)[(*nout)++];
            k->db = (int32_t)db;
            k->key = (const char *)keys[i]->str.data;
            k->keylen = keys[i]->str.len;
            k->type = t;
            k->ttl_ms = ttls[i]->num;
            orb_buf_t b;
            orb_buf_init(&b);
            to_json(&b, t, vals[i]);
            k->json = orb_strndup(mcx, b.data ? b.data : "", b.len);
            orb_buf_free(&b);
        }
    }
    return 0;
}
