/* wire/wire_resp_block.c — Redis's blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN,
 * BZPOPMAX. The connection's executor thread waits (never an actor worker): it tries the
 * non-blocking command on each key in order; when all are empty it waits on a process-wide
 * condition until a kv write names one of its keys (act_kv_set_write_hook, called by the
 * shard workers: it only bumps a generation and signals), the timeout passes or the client
 * goes away, and tries again. The generation is read before each try, so a push between a
 * failed try and the wait is never missed. Inside EXEC they do not block (Redis). */
#include "wire_resp_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct waiter {
    struct waiter *next;
    uint32_t db;
    int nkeys;
    const char *const *keys;
    const size_t *lens;
} waiter_t;

static pthread_mutex_t bmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bcond;
static pthread_once_t bonce = PTHREAD_ONCE_INIT;
static waiter_t *waiters; /* bmu */
static uint64_t gen;      /* bmu: bumped when a write names a waited-for key */
static atomic_int nwaiting;

static void on_write(uint32_t db, int argc, const char *const *argv, const size_t *lens) {
    if (atomic_load(&nwaiting) == 0) return;
    pthread_mutex_lock(&bmu);
    bool hit = false;
    for (waiter_t *w = waiters; w && !hit; w = w->next) {
        if (w->db != db) continue;
        for (int k = 0; k < w->nkeys && !hit; k++)
            for (int i = 1; i < argc && !hit; i++)
                hit = lens[i] == w->lens[k] && memcmp(argv[i], w->keys[k], lens[i]) == 0;
    }
    if (hit) {
        gen++;
        pthread_cond_broadcast(&bcond);
    }
    pthread_mutex_unlock(&bmu);
}

static void init_once(void) {
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&bcond, &a);
    pthread_condattr_destroy(&a);
    act_kv_set_write_hook(on_write);
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The timeout argument in ms (0: none); false with the error replied. */
static bool parse_timeout(rctx_t *x, int i, int64_t *ms) {
    char buf[64];
    size_t n = x->lens[i];
    if (n == 0 || n >= sizeof buf) goto bad;
    memcpy(buf, x->argv[i], n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end || errno || isnan(d) || isinf(d)) goto bad;
    if (d < 0) {
        wire_resp_put_error(x->out, "ERR timeout is negative", 23);
        return false;
    }
    if (d * 1000 > (double)INT64_MAX / 2) goto bad;
    *ms = (int64_t)ceil(d * 1000);
    return true;
bad:;
    const char e[] = "ERR timeout is not a float or out of range";
    wire_resp_put_error(x->out, e, sizeof e - 1);
    return false;
}

static bool conn_gone(wire_conn_t *c) { return wire__conn_peer_gone(c); }

/* try(x, arg): one non-blocking attempt, replying and returning true when it served. */
typedef bool (*try_fn)(rctx_t *x, void *arg);

/* Tries until served, timed out (null array: *-1, RESP3 _), or the client is gone. */
static void block_on(rctx_t *x, int first_key, int nkeys, int64_t timeout_ms, try_fn try,
                     void *arg) {
    pthread_once(&bonce, init_once);
    int64_t deadline = timeout_ms ? mono_ms() + timeout_ms : 0;
    waiter_t me = {.db = x->rs->db, .nkeys = nkeys, .keys = x->argv + first_key,
                   .lens = x->lens + first_key};
    pthread_mutex_lock(&bmu);
    me.next = waiters;
    waiters = &me;
    atomic_fetch_add(&nwaiting, 1);
    pthread_mutex_unlock(&bmu);
    bool served = false;
    for (;;) {
        pthread_mutex_lock(&bmu);
        uint64_t g0 = gen;
        pthread_mutex_unlock(&bmu);
        if ((served = try(x, arg))) break;
        if (x->in_exec || conn_gone(x->c)) break;
        int64_t now = mono_ms();
        if (deadline && now >= deadline) break;
        pthread_mutex_lock(&bmu);
        while (gen == g0) {
            int64_t until = now + 100; /* wake now and then to notice a closed connection */
            if (deadline && deadline < until) until = deadline;
            struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (until % 1000) * 1000000};
            if (pthread_cond_timedwait(&bcond, &bmu, &ts) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&bmu);
    }
    pthread_mutex_lock(&bmu);
    for (waiter_t **pp = &waiters; *pp; pp = &(*pp)->next)
        if (*pp == &me) {
            *pp = me.next;
            break;
        }
    atomic_fetch_sub(&nwaiting, 1);
    pthread_mutex_unlock(&bmu);
    if (!served) orb_buf_puts(x->out, x->rs->proto == 3 ? "_\r\n" : "*-1\r\n");
}

int wire__resp_blocked_count(void) { return atomic_load(&nwaiting); }

/* ---- BLPOP / BRPOP key [key ...] timeout ------------------------------------------------- */

static bool try_pop(rctx_t *x, void *arg) {
    const char *op = arg; /* "lpop", "rpop", "zpopmin" or "zpopmax" */
    bool z = op[0] == 'z';
    for (int i = 1; i < x->argc - 1; i++) {
        const char *av[2] = {op, x->argv[i]};
        size_t ls[2] = {strlen(op), x->lens[i]};
        Orbit__KvValue *v;
        orb_err_t e;
        if (act_kv_call(x->rt, act_kv_shard_of(x->argv[i], x->lens[i]), x->rs->db, 2, av, ls,
                        x->mcx, &v, &e) != 0) {
            char buf[600];
            int n = snprintf(buf, sizeof buf, "ERR %s", e.message);
            wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
            return true;
        }
        if (v->kind == ORBIT__KV_VALUE__KIND__ERROR) { /* WRONGTYPE: Redis answers it at once */
            wire_resp_put_value(x->out, v, x->rs->proto);
            return true;
        }
        if (!z && v->kind == ORBIT__KV_VALUE__KIND__BULK) {
            wire_resp_put_array(x->out, 2);
            wire_resp_put_bulk(x->out, x->argv[i], x->lens[i]);
            wire_resp_put_value(x->out, v, x->rs->proto);
            return true;
        }
        if (z && v->n_elems >= 2) { /* [member, score] */
            wire_resp_put_array(x->out, 3);
            wire_resp_put_bulk(x->out, x->argv[i], x->lens[i]);
            wire_resp_put_value(x->out, v->elems[0], x->rs->proto);
            wire_resp_put_value(x->out, v->elems[1], x->rs->proto);
            return true;
        }
    }
    return false;
}

static void blocking_pop(rctx_t *x, const char *op) {
    int64_t ms;
    if (!parse_timeout(x, x->argc - 1, &ms)) return;
    block_on(x, 1, x->argc - 2, ms, try_pop, (void *)op);
}

void wire__resp_h_blpop(rctx_t *x) { blocking_pop(x, "lpop"); }
void wire__resp_h_brpop(rctx_t *x) { blocking_pop(x, "rpop"); }
void wire__resp_h_bzpopmin(rctx_t *x) { blocking_pop(x, "zpopmin"); }
void wire__resp_h_bzpopmax(rctx_t *x) { blocking_pop(x, "zpopmax"); }

/* ---- BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH src dst timeout ------------- */

typedef struct move_arg {
    const char *from, *to;
} move_arg_t;

static bool try_move(rctx_t *x, void *arg) {
    move_arg_t *m = arg;
    orb_buf_t tmp;
    orb_buf_init(&tmp);
    rctx_t y = *x;
    y.out = &tmp;
    wire__resp_lmove(&y, m->from, m->to);
    bool nil = tmp.len == 0 || (tmp.len == 5 && memcmp(tmp.data, "$-1\r\n", 5) == 0) ||
               (tmp.len == 3 && memcmp(tmp.data, "_\r\n", 3) == 0);
    if (!nil) orb_buf_append(x->out, tmp.data, tmp.len);
    orb_buf_free(&tmp);
    return !nil;
}

static void blocking_move(rctx_t *x, const char *from, const char *to, int tpos) {
    bool fl = strcasecmp(from, "left") == 0, tl = strcasecmp(to, "left") == 0;
    if ((!fl && strcasecmp(from, "right") != 0) || (!tl && strcasecmp(to, "right") != 0)) {
        wire_resp_put_error(x->out, "ERR syntax error", 16);
        return;
    }
    int64_t ms;
    if (!parse_timeout(x, tpos, &ms)) return;
    move_arg_t m = {fl ? "left" : "right", tl ? "left" : "right"};
    block_on(x, 1, 1, ms, try_move, &m);
}

void wire__resp_h_blmove(rctx_t *x) {
    char a[8] = "", b[8] = "";
    if (x->lens[3] < sizeof a) memcpy(a, x->argv[3], x->lens[3]);
    if (x->lens[4] < sizeof b) memcpy(b, x->argv[4], x->lens[4]);
    blocking_move(x, a, b, 5);
}

void wire__resp_h_brpoplpush(rctx_t *x) { blocking_move(x, "right", "left", 3); }
