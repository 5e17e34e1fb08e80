/* actors/act_kv_exec.c — kv-shard transactions (Redis MULTI/EXEC/WATCH; README
 * "kv-shard transactions"). An EXEC runs in a node transaction T (act_txn.c): it claims each
 * shard it touches, in ascending shard order, with __claim (sent with txn_id T); while T owns
 * a shard every other request to it waits in the actor's FIFO kv_wait, so no other client's
 * command interleaves; T's commands run in T's storage transaction (act_kv.c), committed once
 * by the connection, then __release frees each shard and the waiters run in arrival order.
 * Claims in one order cannot deadlock. WATCH: the actor counts writes to the keys clients
 * watch (kv_watch); __watch returns a token (activation epoch, count) that __watchcheck
 * compares under the EXEC's claim. All of it on the shard's worker thread. */
#include "act_kv_int.h"

#include <stdlib.h>

typedef struct act_kv_watch {
    uint32_t db;
    char *key;
    size_t len;
    uint32_t refs;
    uint32_t version; /* writes seen since the first WATCH */
} kv_watch_t;

static atomic_uint next_epoch = 1;

static bool is_op(const act_msg_t *m, const char *name) {
    const Orbit__KvRequest *kr = m->unpacked ? m->unpacked->kv : NULL;
    size_t n = strlen(name);
    return kr && kr->n_argv > 0 && kr->argv[0].len == n && memcmp(kr->argv[0].data, name, n) == 0;
}

bool act__kv_hold(act_actor_t *a, act_msg_t *m) {
    uint64_t t = m->unpacked->txn_id;
    if (a->kv_owner == 0 && !a->kv_wait_head) {
        if (t && is_op(m, "__claim")) a->kv_owner = t;
        return false;
    }
    if (a->kv_owner != 0 && t == a->kv_owner) return false; /* the owner's own requests */
    m->next = NULL;
    if (a->kv_wait_tail) a->kv_wait_tail->next = m;
    else a->kv_wait_head = m;
    a->kv_wait_tail = m;
    return true;
}

void act__kv_replay(act_worker_t *w, act_actor_t *a,
                    int (*run)(act_worker_t *w, act_actor_t *a, act_msg_t *m)) {
    while (a->kv_owner == 0 && a->kv_wait_head) {
        act_msg_t *m = a->kv_wait_head;
        a->kv_wait_head = m->next;
        if (!a->kv_wait_head) a->kv_wait_tail = NULL;
        m->next = NULL;
        uint64_t t = m->unpacked->txn_id;
        if (t && is_op(m, "__claim")) a->kv_owner = t;
        run(w, a, m);
    }
}

bool act__kv_busy(const act_actor_t *a) {
    return a->kv_owner != 0 || a->kv_wait_head != NULL || a->kv_nwatch > 0;
}

void act__kv_free(act_actor_t *a) {
    for (size_t i = 0; i < a->kv_nwatch; i++) free(a->kv_watch[i].key);
    free(a->kv_watch);
    a->kv_watch = NULL;
    a->kv_nwatch = a->kv_capwatch = 0;
}

/* ---- watches ------------------------------------------------------------------------- */

static kv_watch_t *watch_find(act_actor_t *a, uint32_t db, const char *k, size_t n) {
    for (size_t i = 0; i < a->kv_nwatch; i++) {
        kv_watch_t *x = &a->kv_watch[i];
        if (x->db == db && x->len == n && memcmp(x->key, k, n) == 0) return x;
    }
    return NULL;
}

static int64_t token_of(const act_actor_t *a, const kv_watch_t *x) {
    return (int64_t)((uint64_t)(a->kv_epoch & 0x7fffffffu) << 32 | x->version);
}

void act__kv_touch(kv_t *kv, bool all) {
    act_actor_t *a = kv->a;
    if (!a || a->kv_nwatch == 0) return;
    for (size_t i = 0; i < a->kv_nwatch; i++) {
        kv_watch_t *x = &a->kv_watch[i];
        bool hit = all;
        for (int j = 1; !hit && j < kv->argc; j++)
            hit = x->db == kv->db && kv->lens[j] == x->len && memcmp(kv->argv[j], x->key, x->len) == 0;
        if (hit) x->version++;
    }
}

/* __watch key -> token */
static int c_watch(kv_t *kv, kvv_t **r) {
    act_actor_t *a = kv->a;
    if (kv->argc != 2 || !a) return (*r = v_err(kv, "ERR malformed __watch")), 0;
    if (a->kv_epoch == 0) a->kv_epoch = atomic_fetch_add(&next_epoch, 1);
    kv_watch_t *x = watch_find(a, kv->db, kv->argv[1], kv->lens[1]);
    if (!x) {
        if (a->kv_nwatch == a->kv_capwatch) {
            size_t nc = a->kv_capwatch ? a->kv_capwatch * 2 : 8;
            kv_watch_t *nw = realloc(a->kv_watch, nc * sizeof *nw);
            if (!nw) orb_panic("out of memory watching a key");
            a->kv_watch = nw;
            a->kv_capwatch = nc;
        }
        x = &a->kv_watch[a->kv_nwatch++];
        x->db = kv->db;
        x->len = kv->lens[1];
        x->key = malloc(x->len ? x->len : 1);
        if (!x->key) orb_panic("out of memory watching a key");
        memcpy(x->key, kv->argv[1], x->len);
        x->refs = 0;
        x->version = 0;
    }
    x->refs++;
    *r = v_int(kv, token_of(a, x));
    return 0;
}

/* __unwatch key: one client less */
static int c_unwatch(kv_t *kv, kvv_t **r) {
    act_actor_t *a = kv->a;
    kv_watch_t *x = a && kv->argc == 2 ? watch_find(a, kv->db, kv->argv[1], kv->lens[1]) : NULL;
    if (x && --x->refs == 0) {
        free(x->key);
        *x = a->kv_watch[--a->kv_nwatch];
    }
    *r = v_ok(kv);
    return 0;
}

/* __watchcheck key token -> 1 when nothing wrote the key since the WATCH that gave token */
static int c_watchcheck(kv_t *kv, kvv_t **r) {
    act_actor_t *a = kv->a;
    kv_watch_t *x = a && kv->argc == 3 ? watch_find(a, kv->db, kv->argv[1], kv->lens[1]) : NULL;
    char buf[32];
    size_t n = kv->argc == 3 && kv->lens[2] < sizeof buf ? kv->lens[2] : 0;
    memcpy(buf, kv->argv[kv->argc == 3 ? 2 : 0], n);
    buf[n] = 0;
    *r = v_int(kv, x && n && strtoll(buf, NULL, 10) == token_of(a, x) ? 1 : 0);
    return 0;
}

/* __claim / __release: the ownership itself changes in act__kv_hold and here */
static int c_claim(kv_t *kv, kvv_t **r) {
    *r = v_ok(kv);
    return 0;
}

static int c_release(kv_t *kv, kvv_t **r) {
    if (kv->a && kv->a->kv_owner == kv->txn_id) kv->a->kv_owner = 0;
    *r = v_ok(kv);
    return 0;
}

const kv_op_t act__kv_exec_ops[] = {
    {"__claim", c_claim},         {"__release", c_release}, {"__watch", c_watch},
    {"__unwatch", c_unwatch},     {"__watchcheck", c_watchcheck},
};
const size_t act__kv_exec_nops = sizeof act__kv_exec_ops / sizeof act__kv_exec_ops[0];
