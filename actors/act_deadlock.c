/* actors/act_deadlock.c — deadlock detection over parked requests (40P01, as PostgreSQL):
 * each worker's table of row lock owners (which transaction last locked a key of its shards),
 * the process-wide wait-for graph of parked transaction lane heads, and the cycle search a
 * head runs once it has waited deadlock_timeout_ms.
 * Entry points: act__lock_hash, act__owner_note/of/sweep/free, act__wait_update/clear,
 * act_deadlock_find_cycle (pure). Lock order: rt->wait_lock is a leaf; the owner table is
 * touched only by its worker (README "Deadlock detection", invariants 1, 11, 12). */
#include "actors_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWNERS_MIN_CAP 1024
#define OWNERS_SWEEP_MIN 65536

/* ---- row lock owners (worker thread only) --------------------------------------------- */

uint64_t act__lock_hash(st_cf_t cf, const char *key, size_t n) {
    uint64_t h = st_key_hash(key, n) ^ (((uint64_t)cf + 1) * 0x9e3779b97f4a7c15ULL);
    return h ? h : 1;
}

static void owners_rehash(act_worker_t *w, size_t cap, const bool *keep_txn_of_slot) {
    act_owner_t *nt = calloc(cap, sizeof *nt);
    if (!nt) orb_panic("out of memory growing the row lock owner table");
    size_t n = 0;
    for (size_t i = 0; i < w->owners_cap; i++) {
        const act_owner_t *o = &w->owners[i];
        if (!o->hash || (keep_txn_of_slot && !keep_txn_of_slot[i])) continue;
        size_t j = o->hash & (cap - 1);
        while (nt[j].hash) j = (j + 1) & (cap - 1);
        nt[j] = *o;
        n++;
    }
    free(w->owners);
    w->owners = nt;
    w->owners_cap = cap;
    w->owners_n = n;
    atomic_store_explicit(&w->owners_published, n, memory_order_relaxed);
}

void act__owner_note(act_worker_t *w, uint64_t hash, uint64_t txn) {
    if ((w->owners_n + 1) * 4 > w->owners_cap * 3)
        owners_rehash(w, w->owners_cap ? w->owners_cap * 2 : OWNERS_MIN_CAP, NULL);
    size_t mask = w->owners_cap - 1, i = hash & mask;
    while (w->owners[i].hash && w->owners[i].hash != hash) i = (i + 1) & mask;
    if (!w->owners[i].hash) {
        w->owners[i].hash = hash;
        w->owners_n++;
        atomic_store_explicit(&w->owners_published, w->owners_n, memory_order_relaxed);
    }
    w->owners[i].txn = txn;
}

uint64_t act__owner_of(const act_worker_t *w, uint64_t hash) {
    if (!w->owners_cap) return 0;
    size_t mask = w->owners_cap - 1, i = hash & mask;
    while (w->owners[i].hash) {
        if (w->owners[i].hash == hash) return w->owners[i].txn;
        i = (i + 1) & mask;
    }
    return 0;
}

void act__owner_free(act_worker_t *w) {
    free(w->owners);
    w->owners = NULL;
    w->owners_cap = w->owners_n = 0;
    atomic_store_explicit(&w->owners_published, 0, memory_order_relaxed);
}

/* A small set of distinct transaction ids (open addressing; id 0 never occurs). */
typedef struct idset {
    uint64_t *ids;
    size_t cap, n;
} idset_t;

static size_t idset_slot(const idset_t *s, uint64_t id) {
    size_t mask = s->cap - 1, i = (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 17) & mask;
    while (s->ids[i] && s->ids[i] != id) i = (i + 1) & mask;
    return i;
}

static void idset_add(idset_t *s, uint64_t id) {
    if ((s->n + 1) * 2 > s->cap) {
        idset_t g = {.cap = s->cap ? s->cap * 2 : 64};
        g.ids = calloc(g.cap, sizeof *g.ids);
        if (!g.ids) orb_panic("out of memory sweeping row lock owners");
        for (size_t i = 0; i < s->cap; i++)
            if (s->ids[i]) g.ids[idset_slot(&g, s->ids[i])] = s->ids[i];
        g.n = s->n;
        free(s->ids);
        *s = g;
    }
    size_t i = idset_slot(s, id);
    if (!s->ids[i]) {
        s->ids[i] = id;
        s->n++;
    }
}

void act__owner_sweep(act_worker_t *w) {
    if (w->owners_n == 0) {
        w->owners_sweep_at = OWNERS_SWEEP_MIN;
        return;
    }
    idset_t set = {0};
    for (size_t i = 0; i < w->owners_cap; i++)
        if (w->owners[i].hash) idset_add(&set, w->owners[i].txn);
    /* the distinct ids, densely, and whether each is still open */
    uint64_t *ids = malloc(set.n * sizeof *ids);
    bool *live = malloc(set.n * sizeof *live);
    bool *keep = malloc(w->owners_cap * sizeof *keep);
    if (!ids || !live || !keep) orb_panic("out of memory sweeping row lock owners");
    size_t k = 0;
    for (size_t i = 0; i < set.cap; i++)
        if (set.ids[i]) ids[k++] = set.ids[i];
    act__txn_live(w->rt, ids, set.n, live);
    /* liveness by set slot, so each entry finds its transaction's with one probe */
    bool *live_of_slot = calloc(set.cap, sizeof *live_of_slot);
    if (!live_of_slot) orb_panic("out of memory sweeping row lock owners");
    for (size_t j = 0; j < set.n; j++) live_of_slot[idset_slot(&set, ids[j])] = live[j];
    size_t nkeep = 0;
    for (size_t i = 0; i < w->owners_cap; i++) {
        keep[i] = w->owners[i].hash && live_of_slot[idset_slot(&set, w->owners[i].txn)];
        nkeep += keep[i];
    }
    if (nkeep == 0) {
        act__owner_free(w);
    } else if (nkeep != w->owners_n) {
        size_t cap = OWNERS_MIN_CAP;
        while (nkeep * 2 > cap) cap *= 2;
        owners_rehash(w, cap, keep);
    }
    w->owners_sweep_at = w->owners_n * 2 > OWNERS_SWEEP_MIN ? w->owners_n * 2 : OWNERS_SWEEP_MIN;
    free(live_of_slot);
    free(keep);
    free(live);
    free(ids);
    free(set.ids);
}

/* ---- the cycle search (pure) ---------------------------------------------------------- */

static int edge_cmp(const void *a, const void *b) {
    const act_wait_edge_t *x = a, *y = b;
    return x->waiter < y->waiter ? -1 : x->waiter > y->waiter;
}

/* The index of the first edge of waiter in the sorted edges, or n when it waits for nothing. */
static size_t group_of(const act_wait_edge_t *edges, size_t n, uint64_t waiter) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (edges[mid].waiter < waiter)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && edges[lo].waiter == waiter ? lo : n;
}

typedef struct frame {
    uint64_t node; /* a waiting transaction */
    size_t cur;    /* its next edge to follow (its edges are contiguous after sorting) */
    size_t in;     /* the edge that led to it (unused for start) */
} frame_t;

size_t act_deadlock_find_cycle(act_wait_edge_t *edges, size_t n, uint64_t start,
                               act_wait_edge_t *cycle) {
    if (n == 0) return 0;
    qsort(edges, n, sizeof *edges, edge_cmp);
    size_t g = group_of(edges, n, start);
    if (g == n) return 0;
    /* Depth-first from start; a node is expanded at most once (a node already explored
     * without reaching start cannot reach it later), so this is O(n log n). */
    bool *seen = calloc(n, sizeof *seen); /* indexed by a node's first edge */
    frame_t *stack = malloc(n * sizeof *stack);
    if (!seen || !stack) orb_panic("out of memory searching for a deadlock");
    size_t depth = 0, found = 0;
    seen[g] = true;
    stack[depth++] = (frame_t){.node = start, .cur = g, .in = n};
    while (depth > 0) {
        frame_t *f = &stack[depth - 1];
        if (f->cur >= n || edges[f->cur].waiter != f->node) {
            depth--; /* every edge of this node explored */
            continue;
        }
        size_t e = f->cur++;
        uint64_t h = edges[e].holder;
        if (h == f->node) continue;
        if (h == start) {
            for (size_t i = 1; i < depth; i++) cycle[found++] = edges[stack[i].in];
            cycle[found++] = edges[e];
            break;
        }
        size_t hg = group_of(edges, n, h);
        if (hg == n || seen[hg]) continue;
        seen[hg] = true;
        stack[depth++] = (frame_t){.node = h, .cur = hg, .in = e};
    }
    free(stack);
    free(seen);
    return found;
}

/* ---- the wait-for graph (rt->wait_lock) ---------------------------------------------- */

static void wait_link(act_runtime_t *rt, act_wait_t *wt) {
    wt->prev = NULL;
    wt->next = rt->waits;
    if (rt->waits) rt->waits->prev = wt;
    rt->waits = wt;
    rt->nwaits++;
    wt->linked = true;
}

static void wait_unlink(act_runtime_t *rt, act_wait_t *wt) {
    if (wt->prev)
        wt->prev->next = wt->next;
    else
        rt->waits = wt->next;
    if (wt->next) wt->next->prev = wt->prev;
    wt->next = wt->prev = NULL;
    rt->nwaits--;
    wt->linked = false;
    wt->victim = false;
}

void act__wait_clear(act_runtime_t *rt, act_wait_t *wt) {
    if (!wt->linked) return;
    pthread_mutex_lock(&rt->wait_lock);
    wait_unlink(rt, wt);
    pthread_mutex_unlock(&rt->wait_lock);
}

size_t act_lock_waits(act_runtime_t *rt, act_lock_wait_t **out) {
    pthread_mutex_lock(&rt->wait_lock);
    size_t n = 0;
    act_lock_wait_t *v = malloc(sizeof *v * (rt->nwaits + 1));
    if (!v) orb_panic("out of memory listing lock waits");
    for (act_wait_t *wt = rt->waits; wt; wt = wt->next)
        v[n++] = (act_lock_wait_t){wt->waiter, wt->holder, wt->table_id};
    pthread_mutex_unlock(&rt->wait_lock);
    *out = v;
    return n;
}

static void deadlock_err(orb_err_t *err, const act_wait_edge_t *cycle, size_t n,
                         const act_wait_t *wt) {
    orb_err_set(err, T_R_DEADLOCK_DETECTED, "deadlock detected");
    /* PostgreSQL: "Process %d waits for ShareLock on transaction %u; blocked by process %d."
     * per edge; Orbit names transactions (sessions have no process ids here). */
    size_t off = 0;
    char *d = err->detail;
    size_t cap = sizeof err->detail;
    if (n == 0) {
        snprintf(d, cap,
                 "Transaction %llu waits for a row lock on relation %u; blocked by transaction "
                 "%llu.\nTransaction %llu was chosen as the deadlock victim.",
                 (unsigned long long)wt->waiter, wt->table_id, (unsigned long long)wt->holder,
                 (unsigned long long)wt->waiter);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char line[160];
        int len = snprintf(line, sizeof line,
                           "%sTransaction %llu waits for a row lock on relation %u; blocked by "
                           "transaction %llu.",
                           i ? "\n" : "", (unsigned long long)cycle[i].waiter, cycle[i].table_id,
                           (unsigned long long)cycle[i].holder);
        if (len < 0 || off + (size_t)len >= cap) break;
        memcpy(d + off, line, (size_t)len + 1);
        off += (size_t)len;
    }
}

int act__wait_update(act_runtime_t *rt, act_wait_t *wt, uint64_t waiter, uint64_t holder,
                     uint32_t table_id, bool check, bool *suspect, orb_err_t *err) {
    if (holder == waiter) holder = 0;
    pthread_mutex_lock(&rt->wait_lock);
    if (!wt->linked) wait_link(rt, wt);
    wt->waiter = waiter;
    wt->holder = holder;
    wt->table_id = table_id;
    if (wt->victim) {
        deadlock_err(err, NULL, 0, wt);
        pthread_mutex_unlock(&rt->wait_lock);
        return 1;
    }
    if (!check || holder == 0) {
        if (check) *suspect = false;
        pthread_mutex_unlock(&rt->wait_lock);
        return 0;
    }
    /* Victims are no longer waiting as far as the graph goes: their requests fail at their
     * next retry and the session rolls the transaction back. */
    act_wait_edge_t *edges = malloc(rt->nwaits * sizeof *edges);
    act_wait_edge_t *cycle = malloc(rt->nwaits * sizeof *cycle);
    if (!edges || !cycle) orb_panic("out of memory searching for a deadlock");
    size_t n = 0;
    for (act_wait_t *x = rt->waits; x; x = x->next) {
        if (x->victim || x->holder == 0 || x->holder == x->waiter) continue;
        edges[n++] = (act_wait_edge_t){.waiter = x->waiter, .holder = x->holder,
                                       .table_id = x->table_id};
    }
    size_t nc = act_deadlock_find_cycle(edges, n, waiter, cycle);
    int rc = 0;
    if (nc == 0) {
        *suspect = false;
    } else if (!*suspect) {
        /* Edges are refreshed at every retry (<= 20 ms apart): confirm the cycle at the
         * next check so that an edge another worker has not refreshed yet cannot make one. */
        *suspect = true;
    } else {
        /* every edge of the victim leaves the graph now (this one too: until its lane
         * clears it, other searches must not find the cycle again) */
        for (act_wait_t *x = rt->waits; x; x = x->next)
            if (x->waiter == waiter) x->victim = true;
        deadlock_err(err, cycle, nc, wt);
        char chain[256];
        size_t off = 0;
        for (size_t i = 0; i < nc && off < sizeof chain; i++) {
            int len = snprintf(chain + off, sizeof chain - off, "%llu->",
                               (unsigned long long)cycle[i].waiter);
            if (len < 0) break;
            off += (size_t)len;
        }
        if (off < sizeof chain)
            snprintf(chain + off, sizeof chain - off, "%llu", (unsigned long long)waiter);
        orb_log(ORB_LOG_INFO, ACT_LOG, "deadlock detected victim=%llu cycle=%s table=%u",
                (unsigned long long)waiter, chain, table_id);
        rc = 1;
    }
    pthread_mutex_unlock(&rt->wait_lock);
    free(cycle);
    free(edges);
    return rc;
}
