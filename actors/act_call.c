/* actors/act_call.c — calls: a pending request posted to an actor and awaited by a
 * non-loop thread. Entry points: act_call_post, act_call_wait, act_call_free, act_call, and
 * the scatter-gather act_gather_init, act_call_post_in, act_gather_wait.
 * Invariant: a call is completed exactly once, by the worker (or by the poster when the
 * runtime is stopping), and only then may the waiter read its bytes (README invariant 2). */
#include "actors_int.h"

#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Completion is a futex "baton" rather than a mutex and condition variable: the waiter woken
 * by a condition variable signalled under its mutex first blocks again on that mutex (the
 * completer still holds it), one more sleep and wake per call; and the completer cannot
 * signal after unlocking, since the waiter may free the call as soon as it sees it done.
 * With the baton the completer publishes the reply with one atomic exchange and makes a
 * wake-up system call only when the waiter sleeps. A FUTEX_WAKE on an address whose call
 * the waiter has meanwhile freed touches no memory (private futexes are keyed by address),
 * and waiters loop on the state, so a stray wake-up is harmless. */
enum { CALL_PENDING = 0, CALL_DONE = 1, CALL_SLEEPING = 2 };

struct act_call {
    _Atomic uint32_t state; /* CALL_*; bytes and len are the completer's until DONE */
    uint8_t *bytes; /* packed reply, malloc'd */
    size_t len;
    Orbit__ShardReply *reply; /* unpacked by the waiter into mcx */
    orb_mcx_t *mcx;           /* the waiter's: holds the unpacked reply, freed with the call */
    act_interrupts_t in;      /* the poster's binding at post time (README "Interrupts") */
    bool lock_waiting;        /* counted in in.lock_waits; worker thread only */
    act_gather_t *gather;     /* counted down on completion, or NULL */
};

#define GATHER_SLEEPING 0x80000000u

static void futex_wait(_Atomic uint32_t *addr, uint32_t val) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static _Thread_local act_interrupts_t bound;

void act_call_bind_interrupts(const act_interrupts_t *in) {
    if (in)
        bound = *in;
    else
        memset(&bound, 0, sizeof bound);
}

bool act__call_interrupted(const act_call_t *c) {
    return c->in.interrupt && atomic_load_explicit(c->in.interrupt, memory_order_relaxed) != 0;
}

int act__call_lock_timeout(const act_call_t *c) { return c->in.lock_timeout_ms; }

void act__call_lock_wait(act_call_t *c) {
    if (c->lock_waiting || !c->in.lock_waits) return;
    c->lock_waiting = true;
    atomic_fetch_add(c->in.lock_waits, 1);
}

/* Replies are unpacked into the call's arena: one bump allocation per field, freed at once. */
static void *call_pb_alloc(void *data, size_t size) { return orb_alloc(data, size); }
static void call_pb_free(void *data, void *p) {
    (void)data;
    (void)p;
}

uint8_t *act__reply_pack(const Orbit__ShardReply *reply, size_t *len) {
    size_t n = orbit__shard_reply__get_packed_size(reply);
    uint8_t *b = malloc(n ? n : 1);
    if (!b) orb_panic("out of memory packing a reply");
    *len = orbit__shard_reply__pack(reply, b);
    return b;
}

uint8_t *act__error_reply(const orb_err_t *err, uint32_t failed_op, size_t *len) {
    Orbit__Error e = ORBIT__ERROR__INIT;
    e.sqlstate = (char *)orb_sqlstate_code(err->code);
    e.message = (char *)err->message;
    e.detail = (char *)err->detail;
    e.hint = (char *)err->hint;
    e.table = (char *)err->table;
    e.constraint = (char *)err->constraint;
    Orbit__ShardReply r = ORBIT__SHARD_REPLY__INIT;
    r.error = &e;
    r.failed_op = failed_op;
    return act__reply_pack(&r, len);
}

void act__call_complete(act_call_t *c, uint8_t *reply, size_t len) {
    /* before the waiter can see the reply: the counter may go away with it */
    if (c->lock_waiting) atomic_fetch_sub(c->in.lock_waits, 1);
    c->lock_waiting = false;
    act_gather_t *g = c->gather; /* read first: c may be freed once it is done */
    c->bytes = reply;
    c->len = len;
    uint32_t was = atomic_exchange(&c->state, CALL_DONE); /* publishes bytes and len */
    assert(was != CALL_DONE);
    if (was == CALL_SLEEPING) futex_wake(&c->state); /* c may be freed by now: see above */
    if (g && atomic_fetch_sub(&g->word, 1) == (GATHER_SLEEPING | 1u))
        futex_wake(&g->word); /* the last one, and the waiter sleeps */
}

void act__call_fail(act_call_t *c, orb_sqlstate_t code, const char *msg) {
    orb_err_t err;
    orb_err_clear(&err);
    err.code = code;
    snprintf(err.message, sizeof err.message, "%s", msg);
    size_t len;
    uint8_t *b = act__error_reply(&err, 0, &len);
    act__call_complete(c, b, len);
}

static act_call_t *call_post(act_runtime_t *rt, act_type_t type, const Orbit__ShardRequest *req,
                             act_gather_t *g) {
    act_call_t *c = calloc(1, sizeof *c);
    act_msg_t *m = calloc(1, sizeof *m);
    if (!c || !m) orb_panic("out of memory posting a call");
    atomic_init(&c->state, CALL_PENDING);
    c->gather = g;
    c->in = bound;
    m->type = type;
    m->table_id = type == ACT_CATALOG ? 0 : req->table_id;
    m->shard = type == ACT_CATALOG ? 0 : req->shard;
    /* a bulk request's rows travel in the compact form (act_ops.c): nested messages per
     * value cost more to pack than the rows cost to write */
    Orbit__ShardRequest compact;
    orb_buf_t ops;
    orb_buf_init(&ops);
    if (req->bulk && req->n_ops > 0 && act__ops_encode(req, &ops) == 0) {
        compact = *req;
        compact.n_ops = 0;
        compact.ops = NULL;
        compact.bulk_ops.data = (uint8_t *)ops.data;
        compact.bulk_ops.len = ops.len;
        req = &compact;
    }
    size_t n = orbit__shard_request__get_packed_size(req);
    m->req = malloc(n ? n : 1);
    if (!m->req) orb_panic("out of memory packing a request");
    m->req_len = orbit__shard_request__pack(req, m->req);
    orb_buf_free(&ops);
    m->call = c;
    act__runtime_post(rt, m);
    return c;
}

act_call_t *act_call_post(act_runtime_t *rt, act_type_t type, const Orbit__ShardRequest *req) {
    return call_post(rt, type, req, NULL);
}

void act_gather_init(act_gather_t *g) { atomic_init(&g->word, 0); }

act_call_t *act_call_post_in(act_gather_t *g, act_runtime_t *rt, act_type_t type,
                             const Orbit__ShardRequest *req) {
    atomic_fetch_add(&g->word, 1);
    return call_post(rt, type, req, g);
}

void act_gather_wait(act_gather_t *g) {
    uint32_t w = atomic_load(&g->word);
    while ((w & ~GATHER_SLEEPING) != 0) {
        if (!(w & GATHER_SLEEPING)) {
            if (!atomic_compare_exchange_weak(&g->word, &w, w | GATHER_SLEEPING)) continue;
            w |= GATHER_SLEEPING;
        }
        futex_wait(&g->word, w);
        w = atomic_load(&g->word);
    }
}

static void copy_str(char *dst, size_t cap, const char *s) {
    snprintf(dst, cap, "%s", s ? s : "");
}

int act_call_wait(act_call_t *c, Orbit__ShardReply **reply, orb_err_t *err) {
    uint32_t st = atomic_load(&c->state);
    if (st == CALL_PENDING) {
        uint32_t expect = CALL_PENDING;
        if (atomic_compare_exchange_strong(&c->state, &expect, CALL_SLEEPING))
            st = CALL_SLEEPING;
        else
            st = expect; /* completed meanwhile */
    }
    while (st == CALL_SLEEPING) {
        futex_wait(&c->state, CALL_SLEEPING);
        st = atomic_load(&c->state);
    }
    if (!c->reply) {
        c->mcx = orb_mcx_create(NULL, "call");
        ProtobufCAllocator alloc = {.alloc = call_pb_alloc, .free = call_pb_free, .allocator_data = c->mcx};
        c->reply = orbit__shard_reply__unpack(&alloc, c->len, c->bytes);
        free(c->bytes);
        c->bytes = NULL;
    }
    if (reply) *reply = c->reply;
    if (!c->reply)
        return orb_err_set(err, INTERNAL_ERROR, "could not unpack a shard reply");
    const Orbit__Error *e = c->reply->error;
    if (!e) return 0;
    if (err) {
        orb_sqlstate_t code;
        if (!e->sqlstate || !orb_sqlstate_from_code(e->sqlstate, &code))
            code = ORB_SQLSTATE_INTERNAL_ERROR;
        orb_err_clear(err);
        err->code = code;
        err->severity = ORB_SEV_ERROR;
        err->file = __FILE__;
        err->line = __LINE__;
        copy_str(err->message, sizeof err->message, e->message);
        copy_str(err->detail, sizeof err->detail, e->detail);
        copy_str(err->hint, sizeof err->hint, e->hint);
        copy_str(err->table, sizeof err->table, e->table);
        copy_str(err->constraint, sizeof err->constraint, e->constraint);
    }
    return -1;
}

void act_call_free(act_call_t *c) {
    if (!c) return;
    orb_mcx_destroy(c->mcx); /* the unpacked reply */
    free(c->bytes);
    free(c);
}

int act_call(act_runtime_t *rt, act_type_t type, const Orbit__ShardRequest *req,
             act_call_t **call, Orbit__ShardReply **reply, orb_err_t *err) {
    act_call_t *c = act_call_post(rt, type, req);
    *call = c;
    return act_call_wait(c, reply, err);
}
