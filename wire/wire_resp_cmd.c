/* wire/wire_resp_cmd.c — the RESP command table (name, arity, flags, key positions,
 * handler, group, doc: every command is declared here once) and its handlers. Connection
 * commands (PING, HELLO, SELECT, CLIENT, COMMAND...) run here; key commands go to the
 * kv-shard actors owning their keys (actors/act_kv.c), scattered and gathered when they
 * name keys of several shards. Entry point: wire__resp_dispatch (executor thread).
 * Arity, unknown-command and option errors are Redis 7's texts. See docs/redis.md. */
#include "wire_resp_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RESP_VERSION "7.0.15"

/* ---- reply helpers ------------------------------------------------------------------------ */

#define r_err wire__resp_err /* wire_resp_client.c */
static void r_ok(rctx_t *x) { wire_resp_put_status(x->out, "OK"); }
static void r_syntax(rctx_t *x) { r_err(x, "ERR syntax error"); }
static void r_internal(rctx_t *x, const orb_err_t *e) { r_err(x, "ERR %s", e->message); }

static bool arg_is(rctx_t *x, int i, const char *s) {
    size_t n = strlen(s);
    return i < x->argc && x->lens[i] == n && strncasecmp(x->argv[i], s, n) == 0;
}

static bool arg_ll(rctx_t *x, int i, long long *out) {
    char buf[32];
    if (x->lens[i] == 0 || x->lens[i] >= sizeof buf) return false;
    memcpy(buf, x->argv[i], x->lens[i]);
    buf[x->lens[i]] = 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end || isspace((unsigned char)buf[0])) return false;
    *out = v;
    return true;
}

static char *lower_name(rctx_t *x) {
    char *s = orb_alloc(x->mcx, x->lens[0] + 1);
    for (size_t i = 0; i < x->lens[0]; i++) s[i] = (char)tolower((unsigned char)x->argv[0][i]);
    s[x->lens[0]] = 0;
    return s;
}

/* ---- calling kv-shards ------------------------------------------------------------------------- */

/* Pipelining: h_route posts its command and returns; the reply is written by
 * wire__resp_drain, which the dispatcher runs before any other command and the executor
 * before handing replies to the loop. So a pipeline of single-key commands keeps up to
 * PIPELINE_MAX of them in flight over the kv shards (a shard runs its requests in posting
 * order, so commands on one key keep their order), and replies still leave in order. */
#define PIPELINE_MAX 256

typedef struct wire_resp_pending {
    act_call_t *call;
    int proto; /* the reply's form when it was sent (HELLO drains first anyway) */
} wire_resp_pending_t;

void wire__resp_drain(wire_conn_t *c) {
    wire_resp_session_t *rs = c->rs;
    if (!rs || rs->npending == 0) return;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "resp pipeline");
    for (int i = 0; i < rs->npending; i++) {
        Orbit__KvValue *v;
        orb_err_t e;
        orb_err_clear(&e);
        if (act_kv_wait(rs->pending[i].call, mcx, &v, &e) != 0)
            orb_buf_printf(&c->out, "-ERR %s\r\n", e.message);
        else
            wire_resp_put_value(&c->out, v, rs->pending[i].proto);
        orb_mcx_reset(mcx);
    }
    rs->npending = 0;
    orb_mcx_destroy(mcx);
}

/* Sends x's command as it is (name lower-cased) to the shard owning argv[key]. */
static void h_route(rctx_t *x) {
    const char **av = orb_alloc(x->mcx, (size_t)x->argc * sizeof *av);
    memcpy(av, x->argv, (size_t)x->argc * sizeof *av);
    av[0] = lower_name(x);
    wire_resp_session_t *rs = x->rs;
    if (rs->npending == PIPELINE_MAX) wire__resp_drain(x->c);
    if (rs->npending == rs->cappending) {
        int nc = rs->cappending ? rs->cappending * 2 : 16;
        rs->pending = realloc(rs->pending, (size_t)nc * sizeof *rs->pending);
        if (!rs->pending) orb_panic("out of memory pipelining a RESP command");
        rs->cappending = nc;
    }
    uint32_t shard = act_kv_shard_of(x->argv[1], x->lens[1]);
    rs->pending[rs->npending].call = act_kv_post(x->rt, shard, rs->db, x->argc, av, x->lens);
    rs->pending[rs->npending++].proto = rs->proto;
}

/* One internal op on every shard: replies[i] for shard i. */
static int all_shards(rctx_t *x, int argc, const char **av, const size_t *lens,
                      Orbit__KvValue **replies) {
    orb_err_t e;
    if (act_kv_call_all(x->rt, x->rs->db, argc, av, lens, x->mcx, replies, &e) != 0) {
        r_internal(x, &e);
        return -1;
    }
    return 0;
}

/* A command over a list of keys (argv[first], every step-th, to the end): split by shard,
 * sent at once, gathered. per-key replies land in order (MGET) or integers are summed. */
typedef struct split {
    int nshards;
    uint32_t shard[ACT_KV_SHARDS];
    int argc[ACT_KV_SHARDS];
    const char **argv[ACT_KV_SHARDS];
    size_t *lens[ACT_KV_SHARDS];
    int *origin[ACT_KV_SHARDS]; /* argv index of each key sent */
    Orbit__KvValue *reply[ACT_KV_SHARDS];
} split_t;

static int split_call(rctx_t *x, const char *name, int step, split_t *s) {
    memset(s, 0, sizeof *s);
    int slot[ACT_KV_SHARDS];
    for (int i = 0; i < (int)ACT_KV_SHARDS; i++) slot[i] = -1;
    int nkeys = (x->argc - 1) / step;
    for (int i = 1; i + step - 1 < x->argc; i += step) {
        uint32_t sh = act_kv_shard_of(x->argv[i], x->lens[i]);
        if (slot[sh] < 0) {
            int k = s->nshards++;
            slot[sh] = k;
            s->shard[k] = sh;
            s->argv[k] = orb_alloc(x->mcx, (size_t)(1 + nkeys * step) * sizeof(char *));
            s->lens[k] = orb_alloc(x->mcx, (size_t)(1 + nkeys * step) * sizeof(size_t));
            s->origin[k] = orb_alloc(x->mcx, (size_t)(nkeys + 1) * sizeof(int));
            s->argv[k][0] = name;
            s->lens[k][0] = strlen(name);
            s->argc[k] = 1;
        }
        int k = slot[sh];
        s->origin[k][(s->argc[k] - 1) / step] = i;
        for (int j = 0; j < step; j++) {
            s->argv[k][s->argc[k]] = x->argv[i + j];
            s->lens[k][s->argc[k]] = x->lens[i + j];
            s->argc[k]++;
        }
    }
    orb_err_t e;
    if (act_kv_call_many(x->rt, s->nshards, s->shard, x->rs->db, s->argc,
                         (const char *const *const *)s->argv, (const size_t *const *)s->lens,
                         x->mcx, s->reply, &e) != 0) {
        r_internal(x, &e);
        return -1;
    }
    return 0;
}

/* DEL, UNLINK, EXISTS: the sum of the shards' counts. */
static void h_count_keys(rctx_t *x) {
    split_t s;
    if (split_call(x, lower_name(x), 1, &s) != 0) return;
    int64_t n = 0;
    for (int k = 0; k < s.nshards; k++) {
        if (s.reply[k]->kind == ORBIT__KV_VALUE__KIND__ERROR)
            return wire_resp_put_value(x->out, s.reply[k], x->rs->proto);
        n += s.reply[k]->num;
    }
    wire_resp_put_int(x->out, n);
}

static void h_mget(rctx_t *x) {
    split_t s;
    if (split_call(x, "mget", 1, &s) != 0) return;
    Orbit__KvValue **by_arg = orb_alloc0(x->mcx, (size_t)x->argc * sizeof *by_arg);
    for (int k = 0; k < s.nshards; k++)
        for (size_t j = 0; j < s.reply[k]->n_elems && j + 1 < (size_t)s.argc[k]; j++)
            by_arg[s.origin[k][j]] = s.reply[k]->elems[j];
    wire_resp_put_array(x->out, (size_t)x->argc - 1);
    for (int i = 1; i < x->argc; i++) {
        if (by_arg[i]) wire_resp_put_value(x->out, by_arg[i], x->rs->proto);
        else wire_resp_put_null(x->out, x->rs->proto);
    }
}

static bool pairs_ok(rctx_t *x) {
    if ((x->argc - 1) % 2 != 0) {
        r_err(x, "ERR wrong number of arguments for '%s' command", x->cmd->name);
        return false;
    }
    return true;
}

static void h_mset(rctx_t *x) {
    if (!pairs_ok(x)) return;
    split_t s;
    if (split_call(x, "mset", 2, &s) != 0) return;
    r_ok(x);
}

/* MSETNX: not atomic across shards (docs/redis.md): check every key, then set. */
static void h_msetnx(rctx_t *x) {
    if (!pairs_ok(x)) return;
    split_t s;
    const char **keys = orb_alloc(x->mcx, (size_t)x->argc * sizeof *keys);
    size_t *klens = orb_alloc(x->mcx, (size_t)x->argc * sizeof *klens);
    int nk = 1;
    keys[0] = "exists";
    klens[0] = 6;
    for (int i = 1; i < x->argc; i += 2) {
        keys[nk] = x->argv[i];
        klens[nk++] = x->lens[i];
    }
    rctx_t y = *x;
    y.argc = nk;
    y.argv = keys;
    y.lens = klens;
    if (split_call(&y, "exists", 1, &s) != 0) return;
    for (int k = 0; k < s.nshards; k++)
        if (s.reply[k]->num > 0) return wire_resp_put_int(x->out, 0);
    if (split_call(x, "mset", 2, &s) != 0) return;
    wire_resp_put_int(x->out, 1);
}

static void h_keys(rctx_t *x) {
    const char *av[2] = {"keys", x->argv[1]};
    size_t ls[2] = {4, x->lens[1]};
    Orbit__KvValue *rep[ACT_KV_SHARDS];
    if (all_shards(x, 2, av, ls, rep) != 0) return;
    size_t n = 0;
    for (uint32_t i = 0; i < ACT_KV_SHARDS; i++) n += rep[i]->n_elems;
    wire_resp_put_array(x->out, n);
    for (uint32_t i = 0; i < ACT_KV_SHARDS; i++)
        for (size_t j = 0; j < rep[i]->n_elems; j++)
            wire_resp_put_value(x->out, rep[i]->elems[j], x->rs->proto);
}

static void h_dbsize(rctx_t *x) {
    const char *av[1] = {"__dbsize"};
    size_t ls[1] = {8};
    Orbit__KvValue *rep[ACT_KV_SHARDS];
    if (all_shards(x, 1, av, ls, rep) != 0) return;
    int64_t n = 0;
    for (uint32_t i = 0; i < ACT_KV_SHARDS; i++) n += rep[i]->num;
    wire_resp_put_int(x->out, n);
}

static void flush_generic(rctx_t *x, bool all) {
    if (x->argc > 2 || (x->argc == 2 && !arg_is(x, 1, "async") && !arg_is(x, 1, "sync")))
        return r_syntax(x);
    const char *av[1] = {all ? "__flushall" : "__flushdb"};
    size_t ls[1] = {strlen(av[0])};
    Orbit__KvValue *rep[ACT_KV_SHARDS];
    if (all_shards(x, 1, av, ls, rep) != 0) return;
    r_ok(x);
}
static void h_flushdb(rctx_t *x) { flush_generic(x, false); }
static void h_flushall(rctx_t *x) { flush_generic(x, true); }

/* SCAN cursor: shard * 2^33 + hash position + 1 (0: start, and the end). */
static bool parse_cursor(rctx_t *x, int i, unsigned long long *out) {
    char buf[32];
    if (x->lens[i] == 0 || x->lens[i] >= sizeof buf) return false;
    memcpy(buf, x->argv[i], x->lens[i]);
    buf[x->lens[i]] = 0;
    if (!isdigit((unsigned char)buf[0])) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

static void h_scan(rctx_t *x) {
    unsigned long long cur;
    if (!parse_cursor(x, 1, &cur)) return r_err(x, "ERR invalid cursor");
    long long count = 10;
    const char *av[8];
    size_t ls[8];
    int ac = 3;
    for (int j = 2; j < x->argc; j += 2) {
        if (j + 1 >= x->argc) return r_syntax(x);
        if (arg_is(x, j, "count")) {
            if (!arg_ll(x, j + 1, &count)) return r_err(x, "ERR value is not an integer or out of range");
            if (count < 1) return r_syntax(x);
        } else if ((arg_is(x, j, "match") || arg_is(x, j, "type")) && ac + 2 <= 8) {
            av[ac] = arg_is(x, j, "match") ? "match" : "type";
            ls[ac] = strlen(av[ac]);
            av[ac + 1] = x->argv[j + 1];
            ls[ac + 1] = x->lens[j + 1];
            ac += 2;
        } else {
            return r_syntax(x);
        }
    }
    uint64_t shard = cur >> 33, from = cur ? (cur & ((1ULL << 33) - 1)) - 1 : 0;
    if (shard >= ACT_KV_SHARDS || from > 0xffffffffULL) { /* a cursor we never gave out */
        wire_resp_put_array(x->out, 2);
        wire_resp_put_bulk(x->out, "0", 1);
        wire_resp_put_array(x->out, 0);
        return;
    }
    /* visit shards from the cursor's until `count` keys were looked at or all are done */
    Orbit__KvValue **keys = NULL;
    size_t nkeys = 0, capkeys = 0;
    unsigned long long ncur = 0;
    long long left = count;
    while (shard < ACT_KV_SHARDS) {
        char fb[24], cb[24];
        snprintf(fb, sizeof fb, "%llu", (unsigned long long)from);
        snprintf(cb, sizeof cb, "%lld", left);
        av[0] = "__scan";
        ls[0] = 6;
        av[1] = fb;
        ls[1] = strlen(fb);
        av[2] = cb;
        ls[2] = strlen(cb);
        Orbit__KvValue *rep;
        orb_err_t e;
        if (act_kv_call(x->rt, (uint32_t)shard, x->rs->db, ac, av, ls, x->mcx, &rep, &e) != 0)
            return r_internal(x, &e);
        if (rep->kind != ORBIT__KV_VALUE__KIND__ARRAY || rep->n_elems != 2)
            return wire_resp_put_value(x->out, rep, x->rs->proto);
        Orbit__KvValue *page = rep->elems[1];
        if (nkeys + page->n_elems > capkeys) {
            size_t cap = (nkeys + page->n_elems) * 2;
            Orbit__KvValue **k = orb_alloc(x->mcx, cap * sizeof *k);
            if (nkeys) memcpy(k, keys, nkeys * sizeof *k);
            keys = k;
            capkeys = cap;
        }
        for (size_t i = 0; i < page->n_elems; i++) keys[nkeys++] = page->elems[i];
        left -= (long long)page->n_elems;
        int64_t next = rep->elems[0]->num;
        if (next >= 0) {
            ncur = (shard << 33) + (unsigned long long)next + 1;
            break;
        }
        shard++;
        from = 0;
        if (shard < ACT_KV_SHARDS) ncur = (shard << 33) + 1;
        else ncur = 0;
        if (left <= 0) break;
    }
    char nb[24];
    snprintf(nb, sizeof nb, "%llu", ncur);
    wire_resp_put_array(x->out, 2);
    wire_resp_put_bulk(x->out, nb, strlen(nb));
    wire_resp_put_array(x->out, nkeys);
    for (size_t i = 0; i < nkeys; i++) wire_resp_put_value(x->out, keys[i], x->rs->proto);
}

static void h_randomkey(rctx_t *x) {
    uint32_t r[2] = {0, 0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) r[0] = (uint32_t)rand(), r[1] = (uint32_t)rand();
    char fb[16];
    snprintf(fb, sizeof fb, "%u", r[1]);
    const char *av[2] = {"__randomkey", fb};
    size_t ls[2] = {11, strlen(fb)};
    for (uint32_t i = 0; i < ACT_KV_SHARDS; i++) {
        uint32_t sh = (r[0] + i) % ACT_KV_SHARDS;
        Orbit__KvValue *rep;
        orb_err_t e;
        if (act_kv_call(x->rt, sh, x->rs->db, 2, av, ls, x->mcx, &rep, &e) != 0)
            return r_internal(x, &e);
        if (rep->kind != ORBIT__KV_VALUE__KIND__NIL)
            return wire_resp_put_value(x->out, rep, x->rs->proto);
    }
    wire_resp_put_null(x->out, x->rs->proto);
}

/* Copies argv[1]'s value (type, TTL, records) from its shard (__dump) to argv[2] in database db
 * on its shard (__restore, refusing an existing destination when nx). 0 with *res = the
 * restore's reply (int 1 copied, 0 refused), or NULL when the source does not exist; -1 with
 * the error written. */
static int dump_restore(rctx_t *x, uint32_t db, bool nx, Orbit__KvValue **res) {
    Orbit__KvValue *d;
    orb_err_t e;
    const char *av[2] = {"__dump", x->argv[1]};
    size_t ls[2] = {6, x->lens[1]};
    *res = NULL;
    uint32_t s1 = act_kv_shard_of(x->argv[1], x->lens[1]);
    if (act_kv_call(x->rt, s1, x->rs->db, 2, av, ls, x->mcx, &d, &e) != 0) {
        r_internal(x, &e);
        return -1;
    }
    if (d->kind != ORBIT__KV_VALUE__KIND__ARRAY || d->n_elems < 3) return 0;
    int n = 5 + (int)d->n_elems - 2;
    const char **rv = orb_alloc(x->mcx, (size_t)n * sizeof *rv);
    size_t *rl = orb_alloc(x->mcx, (size_t)n * sizeof *rl);
    char tb[24], eb[24];
    snprintf(tb, sizeof tb, "%lld", (long long)d->elems[0]->num);
    snprintf(eb, sizeof eb, "%lld", (long long)d->elems[1]->num);
    rv[0] = "__restore";
    rv[1] = x->argv[2];
    rv[2] = nx ? "1" : "0";
    rv[3] = tb;
    rv[4] = eb;
    rl[0] = 9;
    rl[1] = x->lens[2];
    rl[2] = 1;
    rl[3] = strlen(tb);
    rl[4] = strlen(eb);
    for (size_t i = 2; i < d->n_elems; i++) {
        rv[5 + i - 2] = (const char *)d->elems[i]->str.data;
        rl[5 + i - 2] = d->elems[i]->str.len;
    }
    uint32_t s2 = act_kv_shard_of(x->argv[2], x->lens[2]);
    if (act_kv_call(x->rt, s2, db, n, rv, rl, x->mcx, res, &e) != 0) {
        r_internal(x, &e);
        return -1;
    }
    return 0;
}

/* RENAME / RENAMENX: one shard -> the actor does it atomically; across shards the value is
 * dumped, restored under the new name, then the old key removed (not atomic: docs/redis.md). */
static void rename_generic(rctx_t *x, bool nx) {
    uint32_t s1 = act_kv_shard_of(x->argv[1], x->lens[1]);
    uint32_t s2 = act_kv_shard_of(x->argv[2], x->lens[2]);
    if (s1 == s2) return h_route(x);
    Orbit__KvValue *r;
    orb_err_t e;
    if (dump_restore(x, x->rs->db, nx, &r) != 0) return;
    if (!r) return r_err(x, "ERR no such key");
    if (r->kind == ORBIT__KV_VALUE__KIND__INT && r->num == 0) return wire_resp_put_int(x->out, 0);
    const char *dv[2] = {"del", x->argv[1]};
    size_t dl[2] = {3, x->lens[1]};
    if (act_kv_call(x->rt, s1, x->rs->db, 2, dv, dl, x->mcx, &r, &e) != 0)
        return r_internal(x, &e);
    if (nx) wire_resp_put_int(x->out, 1);
    else r_ok(x);
}

/* COPY src dst [DB n] [REPLACE]: src's value (with its TTL) is read on its shard and written on
 * dst's, in the target database (dump_restore). Each step is atomic, the pair is not
 * (docs/redis.md). */
static void h_copy(rctx_t *x) {
    long long db = x->rs->db;
    bool replace = false;
    for (int j = 3; j < x->argc; j++) {
        if (arg_is(x, j, "replace")) {
            replace = true;
        } else if (arg_is(x, j, "db") && j + 1 < x->argc) {
            if (!arg_ll(x, j + 1, &db) || db < INT32_MIN || db > INT32_MAX)
                return r_err(x, "ERR value is not an integer or out of range");
            if (db < 0 || db >= ACT_KV_DATABASES) return r_err(x, "ERR DB index is out of range");
            j++;
        } else {
            return r_syntax(x);
        }
    }
    if (db == x->rs->db && x->lens[1] == x->lens[2] &&
        memcmp(x->argv[1], x->argv[2], x->lens[1]) == 0)
        return r_err(x, "ERR source and destination objects are the same");
    Orbit__KvValue *r;
    if (dump_restore(x, (uint32_t)db, !replace, &r) != 0) return;
    if (!r) return wire_resp_put_int(x->out, 0);
    wire_resp_put_value(x->out, r, x->rs->proto);
}

/* OBJECT ENCODING|FREQ key, OBJECT HELP; REFCOUNT and IDLETIME are not tracked. */
static void h_object(rctx_t *x) {
    if (arg_is(x, 1, "help")) {
        if (x->argc != 2)
            return r_err(x, "ERR wrong number of arguments for 'object|help' command");
        static const char *help[] = {
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation the key would have in Redis 7.0.",
            "FREQ <key>",
            "    Return the access frequency index of the key (needs an LFU policy: none here).",
            "HELP",
            "    Print this help."};
        wire_resp_put_array(x->out, sizeof help / sizeof help[0]);
        for (size_t i = 0; i < sizeof help / sizeof help[0]; i++)
            wire_resp_put_status(x->out, help[i]);
        return;
    }
    const char *sub = arg_is(x, 1, "encoding") ? "encoding" : arg_is(x, 1, "freq") ? "freq"
                      : arg_is(x, 1, "refcount") ? "refcount" : arg_is(x, 1, "idletime")
                                                      ? "idletime" : NULL;
    if (!sub) return r_err(x, "ERR unknown subcommand '%.128s'. Try OBJECT HELP.", x->argv[1]);
    if (x->argc != 3) return r_err(x, "ERR wrong number of arguments for 'object|%s' command", sub);
    if (sub[0] == 'r' || sub[0] == 'i')
        return r_err(x, "ERR OBJECT %s is not supported", sub[0] == 'r' ? "REFCOUNT" : "IDLETIME");
    const char *av[3] = {"object", sub, x->argv[2]};
    size_t ls[3] = {6, strlen(sub), x->lens[2]};
    Orbit__KvValue *v;
    orb_err_t e;
    uint32_t shard = act_kv_shard_of(x->argv[2], x->lens[2]);
    if (act_kv_call(x->rt, shard, x->rs->db, 3, av, ls, x->mcx, &v, &e) != 0)
        return r_internal(x, &e);
    wire_resp_put_value(x->out, v, x->rs->proto);
}

static void h_rename(rctx_t *x) { rename_generic(x, false); }
static void h_renamenx(rctx_t *x) { rename_generic(x, true); }

/* ---- set algebra over keys of several shards ------------------------------------------------ */

/* Calls the shard owning av[1] with one command. */
static int kv_call1(rctx_t *x, int argc, const char **av, const size_t *ls, Orbit__KvValue **v) {
    orb_err_t e;
    if (act_kv_call(x->rt, act_kv_shard_of(av[1], ls[1]), x->rs->db, argc, av, ls, x->mcx, v,
                    &e) != 0) {
        r_internal(x, &e);
        return -1;
    }
    return 0;
}

typedef struct member {
    const char *p;
    size_t n;
} member_t;

static int member_cmp(const void *a, const void *b) {
    const member_t *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static bool member_in(const member_t *set, size_t n, const member_t *m) {
    return n && bsearch(m, set, n, sizeof *set, member_cmp) != NULL;
}

enum { SETOP_INTER, SETOP_UNION, SETOP_DIFF };

/* SINTER/SUNION/SDIFF [STORE]: reads each key's members from its shard (SMEMBERS), combines
 * them here, and replies (or writes the result with __setstore). Each read is atomic on its
 * shard, the whole is not (docs/redis.md). */
static void setop_generic(rctx_t *x, int op, bool store) {
    int first = store ? 2 : 1, nk = x->argc - first;
    member_t **sets = orb_alloc(x->mcx, (size_t)nk * sizeof *sets);
    size_t *ns = orb_alloc(x->mcx, (size_t)nk * sizeof *ns);
    bool empty = false;
    for (int k = 0; k < nk; k++) { /* every key is type-checked first, as Redis 7 does */
        const char *av[2] = {"smembers", x->argv[first + k]};
        size_t ls[2] = {8, x->lens[first + k]};
        Orbit__KvValue *v;
        if (kv_call1(x, 2, av, ls, &v) != 0) return;
        if (v->kind == ORBIT__KV_VALUE__KIND__ERROR) return wire_resp_put_value(x->out, v, 2);
        ns[k] = v->n_elems;
        sets[k] = orb_alloc(x->mcx, (v->n_elems + 1) * sizeof **sets);
        for (size_t i = 0; i < v->n_elems; i++)
            sets[k][i] = (member_t){(const char *)v->elems[i]->str.data, v->elems[i]->str.len};
        qsort(sets[k], ns[k], sizeof **sets, member_cmp);
        if (!ns[k]) empty = true;
    }
    size_t cap = 0;
    for (int k = 0; k < nk; k++) cap += ns[k];
    member_t *res = orb_alloc(x->mcx, (cap + 1) * sizeof *res);
    size_t nr = 0;
    if (op == SETOP_UNION) {
        for (int k = 0; k < nk; k++)
            for (size_t i = 0; i < ns[k]; i++) res[nr++] = sets[k][i];
        qsort(res, nr, sizeof *res, member_cmp);
        size_t w = 0;
        for (size_t i = 0; i < nr; i++)
            if (!w || member_cmp(&res[w - 1], &res[i]) != 0) res[w++] = res[i];
        nr = w;
    } else if (op == SETOP_INTER ? !empty : true) {
        for (size_t i = 0; i < ns[0]; i++) {
            bool keep = true;
            for (int k = 1; k < nk && keep; k++) {
                bool in = member_in(sets[k], ns[k], &sets[0][i]);
                keep = op == SETOP_INTER ? in : !in;
            }
            if (keep) res[nr++] = sets[0][i];
        }
    }
    if (!store) {
        orb_buf_printf(x->out, "%c%zu\r\n", x->rs->proto >= 3 ? '~' : '*', nr);
        for (size_t i = 0; i < nr; i++) wire_resp_put_bulk(x->out, res[i].p, res[i].n);
        return;
    }
    const char **av = orb_alloc(x->mcx, (nr + 2) * sizeof *av);
    size_t *ls = orb_alloc(x->mcx, (nr + 2) * sizeof *ls);
    av[0] = "__setstore";
    ls[0] = 10;
    av[1] = x->argv[1];
    ls[1] = x->lens[1];
    for (size_t i = 0; i < nr; i++) {
        av[2 + i] = res[i].p;
        ls[2 + i] = res[i].n;
    }
    Orbit__KvValue *v;
    if (kv_call1(x, (int)nr + 2, av, ls, &v) != 0) return;
    wire_resp_put_value(x->out, v, x->rs->proto);
}
static void h_sinter(rctx_t *x) { setop_generic(x, SETOP_INTER, false); }
static void h_sunion(rctx_t *x) { setop_generic(x, SETOP_UNION, false); }
static void h_sdiff(rctx_t *x) { setop_generic(x, SETOP_DIFF, false); }
static void h_sinterstore(rctx_t *x) { setop_generic(x, SETOP_INTER, true); }
static void h_sunionstore(rctx_t *x) { setop_generic(x, SETOP_UNION, true); }
static void h_sdiffstore(rctx_t *x) { setop_generic(x, SETOP_DIFF, true); }

/* Reads TYPE of argv[i]: "none", "set", ... in *t (borrowed from the reply). */
static int key_type(rctx_t *x, int i, const char **t, size_t *tn) {
    const char *av[2] = {"type", x->argv[i]};
    size_t ls[2] = {4, x->lens[i]};
    Orbit__KvValue *v;
    if (kv_call1(x, 2, av, ls, &v) != 0) return -1;
    *t = (const char *)v->str.data;
    *tn = v->str.len;
    return 0;
}

/* SMOVE src dst member: checks as Redis (src absent -> 0; either key of another type ->
 * WRONGTYPE), then SREM on src's shard and SADD on dst's: not atomic (docs/redis.md). */
static void h_smove(rctx_t *x) {
    const char *t;
    size_t tn;
    if (key_type(x, 1, &t, &tn) != 0) return;
    if (tn == 4 && memcmp(t, "none", 4) == 0) return wire_resp_put_int(x->out, 0);
    if (!(tn == 3 && memcmp(t, "set", 3) == 0))
        return r_err(x, "WRONGTYPE Operation against a key holding the wrong kind of value");
    if (key_type(x, 2, &t, &tn) != 0) return;
    if (!(tn == 4 && memcmp(t, "none", 4) == 0) && !(tn == 3 && memcmp(t, "set", 3) == 0))
        return r_err(x, "WRONGTYPE Operation against a key holding the wrong kind of value");
    Orbit__KvValue *v;
    if (x->lens[1] == x->lens[2] && memcmp(x->argv[1], x->argv[2], x->lens[1]) == 0) {
        const char *av[3] = {"sismember", x->argv[1], x->argv[3]};
        size_t ls[3] = {9, x->lens[1], x->lens[3]};
        if (kv_call1(x, 3, av, ls, &v) != 0) return;
        return wire_resp_put_value(x->out, v, x->rs->proto);
    }
    const char *rv[3] = {"srem", x->argv[1], x->argv[3]};
    size_t rl[3] = {4, x->lens[1], x->lens[3]};
    if (kv_call1(x, 3, rv, rl, &v) != 0) return;
    if (v->kind != ORBIT__KV_VALUE__KIND__INT || v->num == 0)
        return wire_resp_put_value(x->out, v, x->rs->proto);
    const char *av[3] = {"sadd", x->argv[2], x->argv[3]};
    size_t al[3] = {4, x->lens[2], x->lens[3]};
    if (kv_call1(x, 3, av, al, &v) != 0) return;
    if (v->kind == ORBIT__KV_VALUE__KIND__ERROR) return wire_resp_put_value(x->out, v, 2);
    wire_resp_put_int(x->out, 1);
}

/* LMOVE src dst LEFT|RIGHT LEFT|RIGHT (RPOPLPUSH src dst = RIGHT LEFT): one shard -> the actor
 * does it atomically; across shards: both keys' types are checked, the element is popped from
 * src, then pushed onto dst (not atomic: docs/redis.md). */
void wire__resp_lmove(rctx_t *x, const char *from, const char *to) {
    const char *mv[5] = {"lmove", x->argv[1], x->argv[2], from, to};
    size_t ml[5] = {5, x->lens[1], x->lens[2], strlen(from), strlen(to)};
    bool from_left = strcasecmp(from, "left") == 0, to_left = strcasecmp(to, "left") == 0;
    if ((!from_left && strcasecmp(from, "right") != 0) ||
        (!to_left && strcasecmp(to, "right") != 0))
        return r_syntax(x);
    Orbit__KvValue *v;
    if (act_kv_shard_of(x->argv[1], x->lens[1]) == act_kv_shard_of(x->argv[2], x->lens[2])) {
        if (kv_call1(x, 5, mv, ml, &v) != 0) return;
        return wire_resp_put_value(x->out, v, x->rs->proto);
    }
    const char *t;
    size_t tn;
    if (key_type(x, 1, &t, &tn) != 0) return;
    if (tn == 4 && memcmp(t, "none", 4) == 0) return wire_resp_put_null(x->out, x->rs->proto);
    if (!(tn == 4 && memcmp(t, "list", 4) == 0))
        return r_err(x, "WRONGTYPE Operation against a key holding the wrong kind of value");
    if (key_type(x, 2, &t, &tn) != 0) return;
    if (!(tn == 4 && memcmp(t, "none", 4) == 0) && !(tn == 4 && memcmp(t, "list", 4) == 0))
        return r_err(x, "WRONGTYPE Operation against a key holding the wrong kind of value");
    const char *pv[2] = {from_left ? "lpop" : "rpop", x->argv[1]};
    size_t pl[2] = {4, x->lens[1]};
    if (kv_call1(x, 2, pv, pl, &v) != 0) return;
    if (v->kind != ORBIT__KV_VALUE__KIND__BULK) return wire_resp_put_value(x->out, v, x->rs->proto);
    Orbit__KvValue *e = v;
    const char *av[3] = {to_left ? "lpush" : "rpush", x->argv[2], (const char *)e->str.data};
    size_t al[3] = {5, x->lens[2], e->str.len};
    if (kv_call1(x, 3, av, al, &v) != 0) return;
    if (v->kind == ORBIT__KV_VALUE__KIND__ERROR) return wire_resp_put_value(x->out, v, 2);
    wire_resp_put_bulk(x->out, (const char *)e->str.data, e->str.len);
}
static void h_lmove(rctx_t *x) {
    char a[8] = "", b[8] = "";
    if (x->lens[3] < sizeof a) memcpy(a, x->argv[3], x->lens[3]), a[x->lens[3]] = 0;
    if (x->lens[4] < sizeof b) memcpy(b, x->argv[4], x->lens[4]), b[x->lens[4]] = 0;
    wire__resp_lmove(x, a, b);
}
static void h_rpoplpush(rctx_t *x) { wire__resp_lmove(x, "right", "left"); }

/* ---- sorted sets ------------------------------------------------------------------------------ */

/* ZRANGESTORE dst src ...: atomic on one shard; across shards the range is read on src's shard
 * (__zrangeget: the same arguments, PAIRS member, score), then dst is replaced on its shard
 * (__zstore dst member score ...; scores as %.17g text, which reads back exactly). */
static void h_zrangestore(rctx_t *x) {
    uint32_t s1 = act_kv_shard_of(x->argv[2], x->lens[2]);
    uint32_t s2 = act_kv_shard_of(x->argv[1], x->lens[1]);
    if (s1 == s2) return h_route(x);
    const char **av = orb_alloc(x->mcx, (size_t)x->argc * sizeof *av);
    memcpy(av, x->argv, (size_t)x->argc * sizeof *av);
    av[0] = "__zrangeget";
    size_t *ls = orb_alloc(x->mcx, (size_t)x->argc * sizeof *ls);
    memcpy(ls, x->lens, (size_t)x->argc * sizeof *ls);
    ls[0] = strlen(av[0]);
    Orbit__KvValue *v;
    orb_err_t e;
    if (act_kv_call(x->rt, s1, x->rs->db, x->argc, av, ls, x->mcx, &v, &e) != 0)
        return r_internal(x, &e);
    if (v->kind != ORBIT__KV_VALUE__KIND__PAIRS) return wire_resp_put_value(x->out, v, 2);
    int n = 2 + (int)v->n_elems;
    const char **sv = orb_alloc(x->mcx, (size_t)n * sizeof *sv);
    size_t *sl = orb_alloc(x->mcx, (size_t)n * sizeof *sl);
    sv[0] = "__zstore";
    sl[0] = strlen(sv[0]);
    sv[1] = x->argv[1];
    sl[1] = x->lens[1];
    for (size_t i = 0; i + 1 < v->n_elems; i += 2) {
        sv[2 + i] = (const char *)v->elems[i]->str.data;
        sl[2 + i] = v->elems[i]->str.len;
        char *t = orb_alloc(x->mcx, 32);
        snprintf(t, 32, "%.17g", v->elems[i + 1]->dbl);
        sv[3 + i] = t;
        sl[3 + i] = strlen(t);
    }
    Orbit__KvValue *r;
    if (act_kv_call(x->rt, s2, x->rs->db, n, sv, sl, x->mcx, &r, &e) != 0)
        return r_internal(x, &e);
    wire_resp_put_value(x->out, r, x->rs->proto);
}

/* ---- connection and server commands ----------------------------------------------------- */

static void h_ping(rctx_t *x) {
    if (x->argc > 2) return r_err(x, "ERR wrong number of arguments for 'ping' command");
    if (x->rs->proto == 2 && wire__resp_pubsub_active(x->c->rcl)) { /* subscribed: Redis's shape */
        wire_resp_put_array(x->out, 2);
        wire_resp_put_bulk(x->out, "pong", 4);
        return wire_resp_put_bulk(x->out, x->argc == 2 ? x->argv[1] : "", x->argc == 2 ? x->lens[1] : 0);
    }
    if (x->argc == 2) wire_resp_put_bulk(x->out, x->argv[1], x->lens[1]);
    else wire_resp_put_status(x->out, "PONG");
}

static void h_echo(rctx_t *x) { wire_resp_put_bulk(x->out, x->argv[1], x->lens[1]); }

static void h_quit(rctx_t *x) {
    r_ok(x);
    x->close = true;
}

static void h_select(rctx_t *x) {
    long long db;
    if (!arg_ll(x, 1, &db)) return r_err(x, "ERR value is not an integer or out of range");
    if (db < 0 || db >= ACT_KV_DATABASES) return r_err(x, "ERR DB index is out of range");
    x->rs->db = (uint32_t)db;
    r_ok(x);
}

/* DEBUG SLEEP seconds (redis-benchmark and test suites use DEBUG SLEEP 0); the other DEBUG
 * subcommands are Redis internals Orbit has no equivalent of. */
static void h_debug(rctx_t *x) {
    if (arg_is(x, 1, "sleep") && x->argc == 3) {
        char buf[64];
        size_t n = x->lens[2] < sizeof buf - 1 ? x->lens[2] : sizeof buf - 1;
        memcpy(buf, x->argv[2], n);
        buf[n] = 0;
        char *end;
        double d = strtod(buf, &end);
        if (n == 0 || *end || d != d) return r_err(x, "ERR value is not a valid float");
        if (d > 0) {
            struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
            nanosleep(&ts, NULL);
        }
        return r_ok(x);
    }
    r_err(x, "ERR unknown subcommand '%.*s'. Try DEBUG HELP.", (int)(x->lens[1] < 128 ? x->lens[1] : 128),
          x->argv[1]);
}

static void h_time(rctx_t *x) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char a[24], b[24];
    snprintf(a, sizeof a, "%lld", (long long)ts.tv_sec);
    snprintf(b, sizeof b, "%ld", ts.tv_nsec / 1000);
    wire_resp_put_array(x->out, 2);
    wire_resp_put_bulk(x->out, a, strlen(a));
    wire_resp_put_bulk(x->out, b, strlen(b));
}

static bool valid_client_name(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] < '!' || p[i] > '~') return false;
    return true;
}

static void set_name(rctx_t *x, const char *p, size_t n) {
    wire__resp_client_set_name(x->c->rcl, p, n);
}

static void put_str(rctx_t *x, const char *s) { wire_resp_put_bulk(x->out, s, strlen(s)); }

static void h_hello(rctx_t *x) {
    long long ver = x->rs->proto;
    int j = 1;
    if (x->argc >= 2) {
        if (!arg_ll(x, 1, &ver))
            return r_err(x, "ERR Protocol version is not an integer or out of range");
        if (ver < 2 || ver > 3) return r_err(x, "NOPROTO unsupported protocol version");
        j = 2;
    }
    const char *name = NULL;
    size_t name_len = 0;
    int auth_at = 0;
    for (; j < x->argc; j++) {
        int more = x->argc - j - 1;
        if (arg_is(x, j, "auth") && more >= 2) {
            auth_at = j;
            j += 2;
        } else if (arg_is(x, j, "setname") && more >= 1) {
            name = x->argv[j + 1];
            name_len = x->lens[j + 1];
            if (!valid_client_name(name, name_len))
                return r_err(x, "ERR Client names cannot contain spaces, newlines or special "
                                "characters.");
            j++;
        } else {
            return r_err(x, "ERR Syntax error in HELLO option '%.*s'", (int)x->lens[j],
                         x->argv[j]);
        }
    }
    if (auth_at && !wire__resp_auth_login(x, x->argv[auth_at + 1], x->lens[auth_at + 1],
                                          x->argv[auth_at + 2], x->lens[auth_at + 2]))
        return;
    if (wire__resp_auth_needed(x))
        return r_err(x, "NOAUTH HELLO must be called with the client already authenticated, "
                        "otherwise the HELLO AUTH <user> <pass> option can be used to "
                        "authenticate the client and select the RESP protocol version at the same "
                        "time");
    if (name) set_name(x, name, name_len);
    x->rs->proto = (int)ver;
    int p = x->rs->proto;
    wire_resp_put_map(x->out, 7, p);
    put_str(x, "server");
    put_str(x, "redis");
    put_str(x, "version");
    put_str(x, RESP_VERSION);
    put_str(x, "proto");
    wire_resp_put_int(x->out, p);
    put_str(x, "id");
    wire_resp_put_int(x->out, (int64_t)x->rs->id);
    put_str(x, "mode");
    put_str(x, "standalone");
    put_str(x, "role");
    put_str(x, "master");
    put_str(x, "modules");
    wire_resp_put_array(x->out, 0);
}

/* The table is below its handlers. */
static const resp_cmd_t *cmd_find(const char *p, size_t n);
static size_t cmd_count(void);
static const resp_cmd_t *cmd_at(size_t i);

static void put_flags(rctx_t *x, int f) {
    static const struct {
        int bit;
        const char *name;
    } names[] = {{RC_WRITE, "write"},     {RC_READONLY, "readonly"}, {RC_DENYOOM, "denyoom"},
                 {RC_ADMIN, "admin"},     {RC_PUBSUB, "pubsub"},     {RC_NOSCRIPT, "noscript"},
                 {RC_STALE, "stale"},     {RC_LOADING, "loading"},   {RC_FAST, "fast"},
                 {RC_NOAUTH, "no_auth"}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) n += (f & names[i].bit) != 0;
    if (x->rs->proto >= 3) orb_buf_printf(x->out, "~%zu\r\n", n);
    else wire_resp_put_array(x->out, n);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) wire_resp_put_status(x->out, names[i].name);
}

static void put_info(rctx_t *x, const resp_cmd_t *c) {
    wire_resp_put_array(x->out, 10);
    put_str(x, c->name);
    wire_resp_put_int(x->out, c->arity);
    put_flags(x, c->flags);
    wire_resp_put_int(x->out, c->first_key);
    wire_resp_put_int(x->out, c->last_key);
    wire_resp_put_int(x->out, c->step);
    wire_resp_put_array(x->out, 0); /* acl categories */
    wire_resp_put_array(x->out, 0); /* tips */
    wire_resp_put_array(x->out, 0); /* key specs */
    wire_resp_put_array(x->out, 0); /* subcommands */
}

static void put_doc(rctx_t *x, const resp_cmd_t *c) {
    put_str(x, c->name);
    wire_resp_put_map(x->out, 3, x->rs->proto);
    put_str(x, "summary");
    put_str(x, c->summary);
    put_str(x, "since");
    put_str(x, c->since);
    put_str(x, "group");
    put_str(x, c->group);
}

static void h_command(rctx_t *x) {
    if (x->argc == 1) {
        wire_resp_put_array(x->out, cmd_count());
        for (size_t i = 0; i < cmd_count(); i++) put_info(x, cmd_at(i));
        return;
    }
    if (arg_is(x, 1, "count")) {
        if (x->argc != 2)
            return r_err(x, "ERR wrong number of arguments for 'command|count' command");
        return wire_resp_put_int(x->out, (int64_t)cmd_count());
    }
    if (arg_is(x, 1, "info")) {
        if (x->argc == 2) {
            wire_resp_put_array(x->out, cmd_count());
            for (size_t i = 0; i < cmd_count(); i++) put_info(x, cmd_at(i));
            return;
        }
        wire_resp_put_array(x->out, (size_t)x->argc - 2);
        for (int i = 2; i < x->argc; i++) {
            const resp_cmd_t *c = cmd_find(x->argv[i], x->lens[i]);
            if (c) put_info(x, c);
            else wire_resp_put_null(x->out, x->rs->proto);
        }
        return;
    }
    if (arg_is(x, 1, "docs")) {
        if (x->argc == 2) {
            wire_resp_put_map(x->out, cmd_count(), x->rs->proto);
            for (size_t i = 0; i < cmd_count(); i++) put_doc(x, cmd_at(i));
            return;
        }
        size_t n = 0;
        for (int i = 2; i < x->argc; i++) n += cmd_find(x->argv[i], x->lens[i]) != NULL;
        wire_resp_put_map(x->out, n, x->rs->proto);
        for (int i = 2; i < x->argc; i++) {
            const resp_cmd_t *c = cmd_find(x->argv[i], x->lens[i]);
            if (c) put_doc(x, c);
        }
        return;
    }
    r_err(x, "ERR unknown subcommand '%.128s'. Try COMMAND HELP.", x->argv[1]);
}

/* ---- the table ---------------------------------------------------------------------------------- */

#define W RC_WRITE
#define R RC_READONLY
#define F RC_FAST
#define D RC_DENYOOM
static const resp_cmd_t resp_cmds[] = {
    /* connection and server */
    {"ping", -1, F | RC_STALE | RC_SUBCTX, 0, 0, 0, h_ping, "connection", "1.0.0", "Returns the server's liveliness response."},
    {"multi", 1, RC_NOSCRIPT | RC_LOADING | RC_STALE | F, 0, 0, 0, wire__resp_h_multi, "transactions", "1.2.0", "Starts a transaction."},
    {"exec", 1, RC_NOSCRIPT | RC_LOADING | RC_STALE, 0, 0, 0, wire__resp_h_exec, "transactions", "1.2.0", "Executes all commands in a transaction."},
    {"discard", 1, RC_NOSCRIPT | RC_LOADING | RC_STALE | F, 0, 0, 0, wire__resp_h_discard, "transactions", "2.0.0", "Discards a transaction."},
    {"watch", -2, RC_NOSCRIPT | RC_LOADING | RC_STALE | F, 1, -1, 1, wire__resp_h_watch, "transactions", "2.2.0", "Monitors changes to keys to determine the execution of a transaction."},
    {"unwatch", 1, RC_NOSCRIPT | RC_LOADING | RC_STALE | F, 0, 0, 0, wire__resp_h_unwatch, "transactions", "2.2.0", "Forgets about watched keys of a transaction."},
    {"echo", 2, F, 0, 0, 0, h_echo, "connection", "1.0.0", "Returns the given string."},
    {"quit", -1, F | RC_STALE | RC_SUBCTX | RC_NOAUTH, 0, 0, 0, h_quit, "connection", "1.0.0", "Closes the connection."},
    {"select", 2, F | RC_STALE | RC_LOADING, 0, 0, 0, h_select, "connection", "1.0.0", "Changes the selected database."},
    {"hello", -1, F | RC_STALE | RC_LOADING | RC_NOAUTH, 0, 0, 0, h_hello, "connection", "6.0.0", "Handshakes with the Redis server."},
    {"auth", -2, F | RC_STALE | RC_LOADING | RC_NOSCRIPT | RC_NOAUTH, 0, 0, 0, wire__resp_h_auth, "connection", "1.0.0", "Authenticates the connection."},
    {"acl", -2, RC_ADMIN | RC_NOSCRIPT | RC_LOADING | RC_STALE, 0, 0, 0, wire__resp_h_acl, "server", "6.0.0", "A container for Access List Control commands."},
    {"client", -2, RC_STALE | RC_LOADING, 0, 0, 0, wire__resp_h_client, "connection", "2.4.0", "A container for client connection commands."},
    {"reset", 1, F | RC_STALE | RC_LOADING | RC_NOSCRIPT | RC_SUBCTX | RC_NOAUTH, 0, 0, 0, wire__resp_h_reset, "connection", "6.2.0", "Resets the connection."},
    {"info", -1, RC_STALE | RC_LOADING, 0, 0, 0, wire__resp_h_info, "server", "1.0.0", "Returns information and statistics about the server."},
    {"config", -2, RC_ADMIN | RC_STALE | RC_LOADING | RC_NOSCRIPT, 0, 0, 0, wire__resp_h_config, "server", "2.0.0", "A container for server configuration commands."},
    /* pub/sub (wire_resp_pubsub.c) */
    {"subscribe", -2, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 0, 0, 0, wire__resp_h_subscribe, "pubsub", "2.0.0", "Listens for messages published to channels."},
    {"unsubscribe", -1, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 0, 0, 0, wire__resp_h_unsubscribe, "pubsub", "2.0.0", "Stops listening to messages posted to channels."},
    {"psubscribe", -2, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 0, 0, 0, wire__resp_h_psubscribe, "pubsub", "2.0.0", "Listens for messages published to channels that match one or more patterns."},
    {"punsubscribe", -1, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 0, 0, 0, wire__resp_h_punsubscribe, "pubsub", "2.0.0", "Stops listening to messages published to channels that match one or more patterns."},
    {"ssubscribe", -2, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 1, -1, 1, wire__resp_h_ssubscribe, "pubsub", "7.0.0", "Listens for messages published to shard channels."},
    {"sunsubscribe", -1, RC_PUBSUB | RC_NOSCRIPT | RC_LOADING | RC_STALE | RC_SUBCTX, 1, -1, 1, wire__resp_h_sunsubscribe, "pubsub", "7.0.0", "Stops listening to messages posted to shard channels."},
    {"publish", 3, RC_PUBSUB | RC_LOADING | RC_STALE | F, 0, 0, 0, wire__resp_h_publish, "pubsub", "2.0.0", "Posts a message to a channel."},
    {"spublish", 3, RC_PUBSUB | RC_LOADING | RC_STALE | F, 1, 1, 1, wire__resp_h_spublish, "pubsub", "7.0.0", "Post a message to a shard channel"},
    {"pubsub", -2, 0, 0, 0, 0, wire__resp_h_pubsub, "pubsub", "2.8.0", "A container for Pub/Sub commands."},
    {"command", -1, RC_STALE | RC_LOADING, 0, 0, 0, h_command, "server", "2.8.13", "Returns detailed information about all commands."},
    {"dbsize", 1, R | F, 0, 0, 0, h_dbsize, "server", "1.0.0", "Returns the number of keys in the database."},
    {"flushdb", -1, W, 0, 0, 0, h_flushdb, "server", "1.0.0", "Removes all keys from the current database."},
    {"flushall", -1, W, 0, 0, 0, h_flushall, "server", "1.0.0", "Removes all keys from all databases."},
    {"debug", -2, RC_ADMIN | RC_NOSCRIPT | RC_LOADING | RC_STALE, 0, 0, 0, h_debug, "server", "1.0.0", "A container for debugging commands."},
    {"time", 1, F | RC_STALE | RC_LOADING, 0, 0, 0, h_time, "server", "2.6.0", "Returns the server time."},
    /* strings */
    {"get", 2, R | F, 1, 1, 1, h_route, "string", "1.0.0", "Returns the string value of a key."},
    {"set", -3, W | D, 1, 1, 1, h_route, "string", "1.0.0", "Sets the string value of a key, ignoring its type."},
    {"setnx", 3, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist."},
    {"setex", 4, W | D, 1, 1, 1, h_route, "string", "2.0.0", "Sets the string value and expiration time of a key."},
    {"psetex", 4, W | D, 1, 1, 1, h_route, "string", "2.6.0", "Sets both string value and expiration time in milliseconds of a key."},
    {"getset", 3, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value."},
    {"getdel", 2, W | F, 1, 1, 1, h_route, "string", "6.2.0", "Returns the string value of a key after deleting the key."},
    {"getex", -2, W | F, 1, 1, 1, h_route, "string", "6.2.0", "Returns the string value of a key after setting its expiration time."},
    {"mget", -2, R | F, 1, -1, 1, h_mget, "string", "1.0.0", "Atomically returns the string values of one or more keys."},
    {"mset", -3, W | D, 1, -1, 2, h_mset, "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys."},
    {"msetnx", -3, W | D, 1, -1, 2, h_msetnx, "string", "1.0.1", "Modifies the string values of one or more keys only when all keys don't exist."},
    {"incr", 2, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Increments the integer value of a key by one."},
    {"decr", 2, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Decrements the integer value of a key by one."},
    {"incrby", 3, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Increments the integer value of a key by a number."},
    {"decrby", 3, W | D | F, 1, 1, 1, h_route, "string", "1.0.0", "Decrements a number from the integer value of a key."},
    {"incrbyfloat", 3, W | D | F, 1, 1, 1, h_route, "string", "2.6.0", "Increment the floating point value of a key by a number."},
    {"append", 3, W | D | F, 1, 1, 1, h_route, "string", "2.0.0", "Appends a string to the value of a key."},
    {"strlen", 2, R | F, 1, 1, 1, h_route, "string", "2.2.0", "Returns the length of a string value."},
    {"getrange", 4, R, 1, 1, 1, h_route, "string", "2.4.0", "Returns a substring of the string stored at a key."},
    {"setrange", 4, W | D, 1, 1, 1, h_route, "string", "2.2.0", "Overwrites a part of a string value with another by an offset."},
    /* keys */
    {"del", -2, W, 1, -1, 1, h_count_keys, "generic", "1.0.0", "Deletes one or more keys."},
    {"unlink", -2, W | F, 1, -1, 1, h_count_keys, "generic", "4.0.0", "Asynchronously deletes one or more keys."},
    {"exists", -2, R | F, 1, -1, 1, h_count_keys, "generic", "1.0.0", "Determines whether one or more keys exist."},
    {"type", 2, R | F, 1, 1, 1, h_route, "generic", "1.0.0", "Determines the type of value stored at a key."},
    {"expire", -3, W | F, 1, 1, 1, h_route, "generic", "1.0.0", "Sets the expiration time of a key in seconds."},
    {"pexpire", -3, W | F, 1, 1, 1, h_route, "generic", "2.6.0", "Sets the expiration time of a key in milliseconds."},
    {"expireat", -3, W | F, 1, 1, 1, h_route, "generic", "1.2.0", "Sets the expiration time of a key to a Unix timestamp."},
    {"pexpireat", -3, W | F, 1, 1, 1, h_route, "generic", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp."},
    {"ttl", 2, R | F, 1, 1, 1, h_route, "generic", "1.0.0", "Returns the expiration time in seconds of a key."},
    {"pttl", 2, R | F, 1, 1, 1, h_route, "generic", "2.6.0", "Returns the expiration time in milliseconds of a key."},
    {"expiretime", 2, R | F, 1, 1, 1, h_route, "generic", "7.0.0", "Returns the expiration time of a key as a Unix timestamp."},
    {"pexpiretime", 2, R | F, 1, 1, 1, h_route, "generic", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp."},
    {"persist", 2, W | F, 1, 1, 1, h_route, "generic", "2.2.0", "Removes the expiration time of a key."},
    {"keys", 2, R, 0, 0, 0, h_keys, "generic", "1.0.0", "Returns all key names that match a pattern."},
    {"scan", -2, R, 0, 0, 0, h_scan, "generic", "2.8.0", "Iterates over the key names in the database."},
    {"randomkey", 1, R, 0, 0, 0, h_randomkey, "generic", "1.0.0", "Returns a random key name from the database."},
    {"rename", 3, W, 1, 2, 1, h_rename, "generic", "1.0.0", "Renames a key and overwrites the destination."},
    {"copy", -3, W | D, 1, 2, 1, h_copy, "generic", "6.2.0", "Copies the value of a key to a new key."},
    {"object", -2, R, 2, 2, 1, h_object, "generic", "2.2.3", "A container for object introspection commands (ENCODING, FREQ, HELP)."},
    {"renamenx", 3, W | F, 1, 2, 1, h_renamenx, "generic", "1.0.0", "Renames a key only when the target key name doesn't exist."},
    /* hashes */
    {"hset", -4, W | D | F, 1, 1, 1, h_route, "hash", "2.0.0", "Creates or modifies the value of a field in a hash."},
    {"hsetnx", 4, W | D | F, 1, 1, 1, h_route, "hash", "2.0.0", "Sets the value of a field in a hash only when the field doesn't exist."},
    {"hmset", -4, W | D | F, 1, 1, 1, h_route, "hash", "2.0.0", "Sets the values of multiple fields."},
    {"hget", 3, R | F, 1, 1, 1, h_route, "hash", "2.0.0", "Returns the value of a field in a hash."},
    {"hmget", -3, R | F, 1, 1, 1, h_route, "hash", "2.0.0", "Returns the values of all fields in a hash."},
    {"hgetall", 2, R, 1, 1, 1, h_route, "hash", "2.0.0", "Returns all fields and values in a hash."},
    {"hrandfield", -2, R, 1, 1, 1, h_route, "hash", "6.2.0", "Returns one or more random fields from a hash."},
    {"hdel", -3, W | F, 1, 1, 1, h_route, "hash", "2.0.0", "Deletes one or more fields and their values from a hash."},
    {"hexists", 3, R | F, 1, 1, 1, h_route, "hash", "2.0.0", "Determines whether a field exists in a hash."},
    {"hkeys", 2, R, 1, 1, 1, h_route, "hash", "2.0.0", "Returns all fields in a hash."},
    {"hvals", 2, R, 1, 1, 1, h_route, "hash", "2.0.0", "Returns all values in a hash."},
    {"hlen", 2, R | F, 1, 1, 1, h_route, "hash", "2.0.0", "Returns the number of fields in a hash."},
    {"hstrlen", 3, R | F, 1, 1, 1, h_route, "hash", "3.2.0", "Returns the length of the value of a field."},
    {"hincrby", 4, W | D | F, 1, 1, 1, h_route, "hash", "2.0.0", "Increments the integer value of a field in a hash by a number."},
    {"hincrbyfloat", 4, W | D | F, 1, 1, 1, h_route, "hash", "2.6.0", "Increments the floating point value of a field by a number."},
    {"hscan", -3, R, 1, 1, 1, h_route, "hash", "2.8.0", "Iterates over fields and values of a hash."},

    {"sadd", -3, W | D | F, 1, 1, 1, h_route, "set", "1.0.0", "Adds one or more members to a set. Creates the key if it doesn't exist."},
    {"srem", -3, W | F, 1, 1, 1, h_route, "set", "1.0.0", "Removes one or more members from a set. Deletes the set if the last member was removed."},
    {"smembers", 2, R, 1, 1, 1, h_route, "set", "1.0.0", "Returns all members of a set."},
    {"sismember", 3, R | F, 1, 1, 1, h_route, "set", "1.0.0", "Determines whether a member belongs to a set."},
    {"smismember", -3, R | F, 1, 1, 1, h_route, "set", "6.2.0", "Determines whether multiple members belong to a set."},
    {"scard", 2, R | F, 1, 1, 1, h_route, "set", "1.0.0", "Returns the number of members in a set."},
    {"spop", -2, W | F, 1, 1, 1, h_route, "set", "1.0.0", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."},
    {"srandmember", -2, R, 1, 1, 1, h_route, "set", "1.0.0", "Get one or multiple random members from a set"},
    {"sscan", -3, R, 1, 1, 1, h_route, "set", "2.8.0", "Iterates over members of a set."},
    {"sinter", -2, R, 1, -1, 1, h_sinter, "set", "1.0.0", "Returns the intersect of multiple sets."},
    {"sinterstore", -3, W | D, 1, -1, 1, h_sinterstore, "set", "1.0.0", "Stores the intersect of multiple sets in a key."},
    {"sunion", -2, R, 1, -1, 1, h_sunion, "set", "1.0.0", "Returns the union of multiple sets."},
    {"sunionstore", -3, W | D, 1, -1, 1, h_sunionstore, "set", "1.0.0", "Stores the union of multiple sets in a key."},
    {"sdiff", -2, R, 1, -1, 1, h_sdiff, "set", "1.0.0", "Returns the difference of multiple sets."},
    {"sdiffstore", -3, W | D, 1, -1, 1, h_sdiffstore, "set", "1.0.0", "Stores the difference of multiple sets in a key."},
    {"smove", 4, W | F, 1, 2, 1, h_smove, "set", "1.0.0", "Moves a member from one set to another."},

    {"lpush", -3, W | D | F, 1, 1, 1, h_route, "list", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist."},
    {"rpush", -3, W | D | F, 1, 1, 1, h_route, "list", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist."},
    {"lpushx", -3, W | D | F, 1, 1, 1, h_route, "list", "2.2.0", "Prepends one or more elements to a list only when the list exists."},
    {"rpushx", -3, W | D | F, 1, 1, 1, h_route, "list", "2.2.0", "Appends an element to a list only when the list exists."},
    {"lpop", -2, W | F, 1, 1, 1, h_route, "list", "1.0.0", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."},
    {"rpop", -2, W | F, 1, 1, 1, h_route, "list", "1.0.0", "Returns and removes the last elements of a list. Deletes the list if the last element was popped."},
    {"llen", 2, R | F, 1, 1, 1, h_route, "list", "1.0.0", "Returns the length of a list."},
    {"lrange", 4, R, 1, 1, 1, h_route, "list", "1.0.0", "Returns a range of elements from a list."},
    {"lindex", 3, R, 1, 1, 1, h_route, "list", "1.0.0", "Returns an element from a list by its index."},
    {"lset", 4, W | D, 1, 1, 1, h_route, "list", "1.0.0", "Sets the value of an element in a list by its index."},
    {"ltrim", 4, W, 1, 1, 1, h_route, "list", "1.0.0", "Removes elements from both ends a list. Deletes the list if all elements were trimmed."},
    {"lrem", 4, W, 1, 1, 1, h_route, "list", "1.0.0", "Removes elements from a list. Deletes the list if the last element was removed."},
    {"linsert", 5, W | D, 1, 1, 1, h_route, "list", "2.2.0", "Inserts an element before or after another element in a list."},
    {"lpos", -3, R, 1, 1, 1, h_route, "list", "6.0.6", "Returns the index of matching elements in a list."},
    {"lmove", 5, W | D, 1, 2, 1, h_lmove, "list", "6.2.0", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."},
    {"blpop", -3, W, 1, -2, 1, wire__resp_h_blpop, "list", "2.0.0", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
    {"brpop", -3, W, 1, -2, 1, wire__resp_h_brpop, "list", "2.0.0", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
    {"blmove", 6, W | D, 1, 2, 1, wire__resp_h_blmove, "list", "6.2.0", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."},
    {"brpoplpush", 4, W | D, 1, 2, 1, wire__resp_h_brpoplpush, "list", "2.2.0", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."},
    {"bzpopmin", -3, W | F, 1, -2, 1, wire__resp_h_bzpopmin, "sorted_set", "5.0.0", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."},
    {"bzpopmax", -3, W | F, 1, -2, 1, wire__resp_h_bzpopmax, "sorted_set", "5.0.0", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped."},
    {"rpoplpush", 3, W | D, 1, 2, 1, h_rpoplpush, "list", "1.2.0", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."},

    {"zadd", -4, W | D | F, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."},
    {"zincrby", 4, W | D | F, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Increments the score of a member in a sorted set."},
    {"zrem", -3, W | F, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."},
    {"zscore", 3, R | F, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Returns the score of a member in a sorted set."},
    {"zmscore", -3, R | F, 1, 1, 1, h_route, "sorted_set", "6.2.0", "Returns the score of one or more members in a sorted set."},
    {"zcard", 2, R | F, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Returns the number of members in a sorted set."},
    {"zcount", 4, R | F, 1, 1, 1, h_route, "sorted_set", "2.0.0", "Returns the count of members in a sorted set that have scores within a range."},
    {"zlexcount", 4, R | F, 1, 1, 1, h_route, "sorted_set", "2.8.9", "Returns the number of members in a sorted set within a lexicographical range."},
    {"zrange", -4, R, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Returns members in a sorted set within a range of indexes."},
    {"zrangestore", -5, W | D, 1, 2, 1, h_zrangestore, "sorted_set", "6.2.0", "Stores a range of members from sorted set in a key."},
    {"zrangebyscore", -4, R, 1, 1, 1, h_route, "sorted_set", "1.0.5", "Returns members in a sorted set within a range of scores."},
    {"zrevrangebyscore", -4, R, 1, 1, 1, h_route, "sorted_set", "2.2.0", "Returns members in a sorted set within a range of scores in reverse order."},
    {"zrangebylex", -4, R, 1, 1, 1, h_route, "sorted_set", "2.8.9", "Returns members in a sorted set within a lexicographical range."},
    {"zrevrangebylex", -4, R, 1, 1, 1, h_route, "sorted_set", "2.8.9", "Returns members in a sorted set within a lexicographical range in reverse order."},
    {"zrevrange", -4, R, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Returns members in a sorted set within a range of indexes in reverse order."},
    {"zrank", -3, R | F, 1, 1, 1, h_route, "sorted_set", "2.0.0", "Returns the index of a member in a sorted set ordered by ascending scores."},
    {"zrevrank", -3, R | F, 1, 1, 1, h_route, "sorted_set", "2.0.0", "Returns the index of a member in a sorted set ordered by descending scores."},
    {"zpopmin", -2, W | F, 1, 1, 1, h_route, "sorted_set", "5.0.0", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
    {"zpopmax", -2, W | F, 1, 1, 1, h_route, "sorted_set", "5.0.0", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
    {"zremrangebyrank", 4, W, 1, 1, 1, h_route, "sorted_set", "2.0.0", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."},
    {"zremrangebyscore", 4, W, 1, 1, 1, h_route, "sorted_set", "1.2.0", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."},
    {"zremrangebylex", 4, W, 1, 1, 1, h_route, "sorted_set", "2.8.9", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."},
    {"zrandmember", -2, R, 1, 1, 1, h_route, "sorted_set", "6.2.0", "Returns one or more random members from a sorted set."},
    {"zscan", -3, R, 1, 1, 1, h_route, "sorted_set", "2.8.0", "Iterates over members and scores of a sorted set."},
};
#undef W
#undef R
#undef F
#undef D
static size_t cmd_count(void) { return sizeof resp_cmds / sizeof resp_cmds[0]; }
static const resp_cmd_t *cmd_at(size_t i) { return &resp_cmds[i]; }

static const resp_cmd_t *cmd_find(const char *p, size_t n) {
    for (size_t i = 0; i < cmd_count(); i++)
        if (strlen(resp_cmds[i].name) == n && strncasecmp(resp_cmds[i].name, p, n) == 0)
            return &resp_cmds[i];
    return NULL;
}

/* ---- dispatch ------------------------------------------------------------------------------------ */

bool wire__resp_dispatch(wire_conn_t *c, int argc, const char **argv, const size_t *lens,
                         orb_mcx_t *mcx, orb_buf_t *out) {
    rctx_t x = {.c = c, .rs = c->rs, .rt = wire__server_runtime(c->server), .argc = argc,
                .argv = argv, .lens = lens, .mcx = mcx, .out = out};
    const resp_cmd_t *cmd = cmd_find(argv[0], lens[0]);
    bool arity_ok = cmd && ((cmd->arity > 0 && argc == cmd->arity) || (cmd->arity < 0 && argc >= -cmd->arity));
    bool noauth = cmd && arity_ok && wire__resp_auth_needed(&x) && !(cmd->flags & RC_NOAUTH);
    if (!cmd || !arity_ok || noauth || cmd->handler != h_route || wire__resp_multi_queueing(x.rs))
        wire__resp_drain(c); /* the replies of the commands before this one go first */
    if (!noauth && wire__resp_multi_intercept(&x, cmd, arity_ok)) return false;
    if (noauth) {
        (void)wire__resp_multi_intercept(&x, NULL, false); /* in MULTI: EXECABORT later */
        const char e[] = "NOAUTH Authentication required.";
        wire_resp_put_error(out, e, sizeof e - 1);
        return false;
    }
    if (!cmd) {
        /* Redis: the name, then each argument quoted while under 128 bytes of them */
        orb_buf_t args;
        orb_buf_init(&args);
        for (int i = 1; i < argc && args.len < 128; i++) {
            int room = 128 - (int)args.len;
            int n = (int)lens[i] < room ? (int)lens[i] : room;
            orb_buf_printf(&args, "'%.*s' ", n, argv[i]);
        }
        int nn = lens[0] < 128 ? (int)lens[0] : 128;
        r_err(&x, "ERR unknown command '%.*s', with args beginning with: %s", nn, argv[0],
              args.data ? args.data : "");
        orb_buf_free(&args);
        return false;
    }
    if (!arity_ok) {
        r_err(&x, "ERR wrong number of arguments for '%s' command", cmd->name);
        return false;
    }
    if (x.rs->proto == 2 && !(cmd->flags & RC_SUBCTX) && wire__resp_pubsub_active(c->rcl)) {
        wire__resp_drain(c); /* a refused routed command: earlier replies still go first */
        char full[64];
        wire__resp_fullname(cmd->name, argc, argv, lens, full, sizeof full);
        r_err(&x, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                  "/ RESET are allowed in this context",
              full);
        return false;
    }
    x.cmd = cmd;
    cmd->handler(&x);
    return x.close;
}
