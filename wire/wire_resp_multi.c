/* wire/wire_resp_multi.c — Redis transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 * After MULTI the dispatcher queues every command but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET
 * (+QUEUED; an unknown command or a wrong arity is answered at once and makes EXEC fail with
 * EXECABORT, as Redis). EXEC begins a node transaction, claims the kv shards its commands
 * and watched keys live on in ascending order (actors/act_kv_exec.c: meanwhile other clients'
 * requests to them wait), checks the watched keys, runs the commands with their kv calls
 * bound to the transaction, commits it (one durable RocksDB commit: all or nothing, across
 * shards), releases the shards and answers the array of replies. Executor thread only. */
#include "wire_resp_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct queued {
    int argc;
    const char **argv;
    size_t *lens;
    char *buf; /* the arguments' bytes */
    const resp_cmd_t *cmd;
} queued_t;

typedef struct watched {
    uint32_t db, shard;
    char *key;
    size_t len;
    char token[24];
} watched_t;

struct wire_resp_multi {
    bool active, dirty;
    queued_t *q;
    int nq, capq;
    watched_t *w;
    int nw, capw;
};

static wire_resp_multi_t *multi_of(rctx_t *x) {
    if (!x->rs->multi) {
        x->rs->multi = calloc(1, sizeof *x->rs->multi);
        if (!x->rs->multi) orb_panic("out of memory starting a transaction");
    }
    return x->rs->multi;
}

static void queue_clear(wire_resp_multi_t *m) {
    for (int i = 0; i < m->nq; i++) {
        free(m->q[i].argv);
        free(m->q[i].lens);
        free(m->q[i].buf);
    }
    m->nq = 0;
    m->active = m->dirty = false;
}

static void unwatch_all(act_runtime_t *rt, wire_resp_multi_t *m) {
    orb_mcx_t *mcx = orb_mcx_create(NULL, "resp unwatch");
    for (int i = 0; i < m->nw; i++) {
        const char *av[2] = {"__unwatch", m->w[i].key};
        size_t ls[2] = {9, m->w[i].len};
        Orbit__KvValue *v;
        orb_err_t e;
        (void)act_kv_call(rt, m->w[i].shard, m->w[i].db, 2, av, ls, mcx, &v, &e);
        free(m->w[i].key);
        orb_mcx_reset(mcx);
    }
    m->nw = 0;
    orb_mcx_destroy(mcx);
}

void wire__resp_multi_end(wire_conn_t *c, act_runtime_t *rt) {
    wire_resp_multi_t *m = c->rs ? c->rs->multi : NULL;
    if (!m) return;
    queue_clear(m);
    unwatch_all(rt, m);
    free(m->q);
    free(m->w);
    free(m);
    c->rs->multi = NULL;
}

bool wire__resp_multi_queueing(const wire_resp_session_t *rs) {
    return rs->multi && rs->multi->active;
}

static bool exempt(const resp_cmd_t *cmd) {
    static const char *const names[] = {"exec", "discard", "multi", "watch", "quit", "reset"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(cmd->name, names[i]) == 0) return true;
    return false;
}

bool wire__resp_multi_intercept(rctx_t *x, const resp_cmd_t *cmd, bool arity_ok) {
    wire_resp_multi_t *m = x->rs->multi;
    if (!m || !m->active || (cmd && exempt(cmd))) return false;
    if (!cmd || !arity_ok) {
        m->dirty = true; /* the dispatcher answers the error itself */
        return false;
    }
    if (m->nq == m->capq) {
        int nc = m->capq ? m->capq * 2 : 8;
        queued_t *nq = realloc(m->q, (size_t)nc * sizeof *nq);
        if (!nq) orb_panic("out of memory queueing a command");
        m->q = nq;
        m->capq = nc;
    }
    queued_t *q = &m->q[m->nq++];
    size_t total = 0;
    for (int i = 0; i < x->argc; i++) total += x->lens[i] + 1;
    q->argc = x->argc;
    q->cmd = cmd;
    q->argv = malloc((size_t)x->argc * sizeof *q->argv);
    q->lens = malloc((size_t)x->argc * sizeof *q->lens);
    q->buf = malloc(total ? total : 1);
    if (!q->argv || !q->lens || !q->buf) orb_panic("out of memory queueing a command");
    char *p = q->buf;
    for (int i = 0; i < x->argc; i++) {
        memcpy(p, x->argv[i], x->lens[i]);
        p[x->lens[i]] = 0;
        q->argv[i] = p;
        q->lens[i] = x->lens[i];
        p += x->lens[i] + 1;
    }
    wire_resp_put_status(x->out, "QUEUED");
    return true;
}

void wire__resp_h_multi(rctx_t *x) {
    wire_resp_multi_t *m = multi_of(x);
    if (m->active) {
        const char e[] = "ERR MULTI calls can not be nested";
        wire_resp_put_error(x->out, e, sizeof e - 1);
        return;
    }
    m->active = true;
    m->dirty = false;
    wire_resp_put_status(x->out, "OK");
}

void wire__resp_h_discard(rctx_t *x) {
    wire_resp_multi_t *m = x->rs->multi;
    if (!m || !m->active) {
        const char e[] = "ERR DISCARD without MULTI";
        wire_resp_put_error(x->out, e, sizeof e - 1);
        return;
    }
    queue_clear(m);
    unwatch_all(x->rt, m);
    wire_resp_put_status(x->out, "OK");
}

void wire__resp_h_unwatch(rctx_t *x) {
    if (x->rs->multi) unwatch_all(x->rt, x->rs->multi);
    wire_resp_put_status(x->out, "OK");
}

void wire__resp_multi_reset(rctx_t *x) {
    wire_resp_multi_t *m = x->rs->multi;
    if (!m) return;
    queue_clear(m);
    unwatch_all(x->rt, m);
}

void wire__resp_h_watch(rctx_t *x) {
    wire_resp_multi_t *m = multi_of(x);
    if (m->active) {
        const char e[] = "ERR WATCH inside MULTI is not allowed";
        wire_resp_put_error(x->out, e, sizeof e - 1);
        return;
    }
    for (int i = 1; i < x->argc; i++) {
        bool dup = false;
        for (int j = 0; j < m->nw && !dup; j++)
            dup = m->w[j].db == x->rs->db && m->w[j].len == x->lens[i] &&
                  memcmp(m->w[j].key, x->argv[i], x->lens[i]) == 0;
        if (dup) continue;
        uint32_t shard = act_kv_shard_of(x->argv[i], x->lens[i]);
        const char *av[2] = {"__watch", x->argv[i]};
        size_t ls[2] = {7, x->lens[i]};
        Orbit__KvValue *v;
        orb_err_t e;
        if (act_kv_call(x->rt, shard, x->rs->db, 2, av, ls, x->mcx, &v, &e) != 0) {
            char buf[600];
            int n = snprintf(buf, sizeof buf, "ERR %s", e.message);
            wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
            return;
        }
        if (m->nw == m->capw) {
            int nc = m->capw ? m->capw * 2 : 8;
            watched_t *nw = realloc(m->w, (size_t)nc * sizeof *nw);
            if (!nw) orb_panic("out of memory watching a key");
            m->w = nw;
            m->capw = nc;
        }
        watched_t *w = &m->w[m->nw++];
        w->db = x->rs->db;
        w->shard = shard;
        w->len = x->lens[i];
        w->key = malloc(w->len ? w->len : 1);
        if (!w->key) orb_panic("out of memory watching a key");
        memcpy(w->key, x->argv[i], w->len);
        snprintf(w->token, sizeof w->token, "%lld", (long long)v->num);
    }
    wire_resp_put_status(x->out, "OK");
}

/* Marks the kv shards cmd (argv) touches: its keys' shards, or every shard for a command
 * without key positions that is not a connection command. */
static void mark_shards(const queued_t *q, bool *shards) {
    static const char *const local[] = {"ping", "echo", "select", "time", "publish", "spublish"};
    const resp_cmd_t *cmd = q->cmd;
    if (cmd->first_key <= 0) {
        for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
            if (strcmp(cmd->name, local[i]) == 0) return;
        for (uint32_t s = 0; s < ACT_KV_SHARDS; s++) shards[s] = true;
        return;
    }
    int last = cmd->last_key < 0 ? q->argc + cmd->last_key : cmd->last_key;
    int step = cmd->step > 0 ? cmd->step : 1;
    for (int i = cmd->first_key; i <= last && i < q->argc; i += step)
        shards[act_kv_shard_of(q->argv[i], q->lens[i])] = true;
}

void wire__resp_h_exec(rctx_t *x) {
    wire_resp_multi_t *m = x->rs->multi;
    if (!m || !m->active) {
        const char e[] = "ERR EXEC without MULTI";
        wire_resp_put_error(x->out, e, sizeof e - 1);
        return;
    }
    if (m->dirty) {
        queue_clear(m);
        unwatch_all(x->rt, m);
        const char e[] = "EXECABORT Transaction discarded because of previous errors.";
        wire_resp_put_error(x->out, e, sizeof e - 1);
        return;
    }
    bool shards[ACT_KV_SHARDS] = {0};
    for (int i = 0; i < m->nq; i++) mark_shards(&m->q[i], shards);
    for (int i = 0; i < m->nw; i++) shards[m->w[i].shard] = true;
    orb_err_t err;
    uint64_t txn;
    if (act_txn_begin(x->rt, ACT_READ_COMMITTED, &txn, &err) != 0) {
        queue_clear(m);
        unwatch_all(x->rt, m);
        char buf[600];
        int n = snprintf(buf, sizeof buf, "ERR %s", err.message);
        wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
        return;
    }
    uint64_t prev = act_kv_bind_txn(txn);
    const char *claim[1] = {"__claim"}, *release[1] = {"__release"};
    size_t claim_l[1] = {7}, release_l[1] = {9};
    Orbit__KvValue *v;
    int rc = 0;
    bool claimed[ACT_KV_SHARDS] = {0};
    for (uint32_t s = 0; s < ACT_KV_SHARDS && rc == 0; s++) {
        if (!shards[s]) continue;
        rc = act_kv_call(x->rt, s, 0, 1, claim, claim_l, x->mcx, &v, &err);
        claimed[s] = rc == 0;
    }
    bool aborted = false; /* a watched key changed */
    for (int i = 0; rc == 0 && i < m->nw && !aborted; i++) {
        const char *av[3] = {"__watchcheck", m->w[i].key, m->w[i].token};
        size_t ls[3] = {12, m->w[i].len, strlen(m->w[i].token)};
        rc = act_kv_call(x->rt, m->w[i].shard, m->w[i].db, 3, av, ls, x->mcx, &v, &err);
        if (rc == 0 && v->num != 1) aborted = true;
    }
    orb_buf_t replies;
    orb_buf_init(&replies);
    int nreplies = 0;
    if (rc == 0 && !aborted) {
        /* the commands' replies go to a buffer of their own: swap it in as c->out (the
         * pipelined ones are drained into c->out as well) */
        wire__resp_drain(x->c);
        orb_buf_t saved = x->c->out;
        orb_buf_init(&x->c->out);
        for (int i = 0; i < m->nq; i++) {
            rctx_t y = *x;
            y.argc = m->q[i].argc;
            y.argv = m->q[i].argv;
            y.lens = m->q[i].lens;
            y.cmd = m->q[i].cmd;
            y.out = &x->c->out;
            y.close = false;
            y.in_exec = true;
            m->q[i].cmd->handler(&y);
            wire__resp_drain(x->c); /* a routed command's reply, before the next one's */
            nreplies++;
        }
        wire__resp_drain(x->c);
        replies = x->c->out;
        x->c->out = saved;
        rc = act_txn_commit(x->rt, txn, &err);
    } else {
        act_txn_rollback(x->rt, txn);
    }
    for (uint32_t s = 0; s < ACT_KV_SHARDS; s++) {
        orb_err_t e2;
        if (claimed[s] && act_kv_call(x->rt, s, 0, 1, release, release_l, x->mcx, &v, &e2) != 0)
            orb_log(ORB_LOG_WARN, "wire", "could not release kv shard %u after EXEC: %s", s,
                    e2.message);
    }
    act_kv_bind_txn(prev);
    queue_clear(m);
    unwatch_all(x->rt, m);
    if (rc != 0) {
        char buf[600];
        int n = snprintf(buf, sizeof buf, "ERR %s", err.message);
        wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
    } else if (aborted) {
        orb_buf_puts(x->out, x->rs->proto == 3 ? "_\r\n" : "*-1\r\n");
    } else {
        wire_resp_put_array(x->out, (size_t)nreplies);
        orb_buf_append(x->out, replies.data, replies.len);
    }
    orb_buf_free(&replies);
}
