/* actors/act_runtime.c — the virtual actor runtime: worker threads (one libuv loop each),
 * mailboxes (mutex FIFO + uv_async_t), the per-worker actor registry, activation on first
 * message, idle deactivation, parking of requests that hit a busy row lock (retried until
 * the lock is free; 55P03 after lock_timeout_ms > 0; 40P01 via act_deadlock.c), shutdown.
 * Entry points: act_runtime_start, act_runtime_stop, act_runtime_stats, act__runtime_post.
 * Invariant: an actor's state is touched only by the worker it hashes to (README inv. 1). */
#include "actors_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define ACT_BACKOFF_MAX_MS 20

static uint64_t mix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t actor_hash(act_type_t type, uint32_t table_id, uint32_t shard) {
    return mix64(((uint64_t)type << 56) ^ ((uint64_t)table_id << 20) ^ shard ^
                 mix64((uint64_t)table_id));
}

static void msg_free(act_msg_t *m) {
    orb_mcx_destroy(m->mcx); /* the unpacked request */
    free(m->req);
    free(m);
}

/* Requests are unpacked into the message's own arena (one bump allocation per field). */
static void *msg_pb_alloc(void *data, size_t size) { return orb_alloc(data, size); }
static void msg_pb_free(void *data, void *p) {
    (void)data;
    (void)p;
}

static void msg_fail(act_msg_t *m, orb_sqlstate_t code, const char *text) {
    act__call_fail(m->call, code, text);
    msg_free(m);
}

static void msg_fail_err(act_msg_t *m, const orb_err_t *err) {
    size_t len;
    uint8_t *b = act__error_reply(err, 0, &len);
    act__call_complete(m->call, b, len);
    msg_free(m);
}

/* ---- registry ------------------------------------------------------------------------ */

static act_actor_t **actor_slot(act_worker_t *w, act_type_t type, uint32_t table_id,
                                uint32_t shard) {
    size_t b = actor_hash(type, table_id, shard) & (w->nbuckets - 1);
    act_actor_t **pp = &w->buckets[b];
    while (*pp && !((*pp)->type == type && (*pp)->table_id == table_id && (*pp)->shard == shard))
        pp = &(*pp)->hnext;
    return pp;
}

static void registry_grow(act_worker_t *w) {
    size_t nb = w->nbuckets * 2;
    act_actor_t **nbk = calloc(nb, sizeof *nbk);
    if (!nbk) return; /* keep the longer chains */
    for (size_t i = 0; i < w->nbuckets; i++) {
        act_actor_t *a = w->buckets[i];
        while (a) {
            act_actor_t *next = a->hnext;
            size_t b = actor_hash(a->type, a->table_id, a->shard) & (nb - 1);
            a->hnext = nbk[b];
            nbk[b] = a;
            a = next;
        }
    }
    free(w->buckets);
    w->buckets = nbk;
    w->nbuckets = nb;
}

static act_actor_t *actor_get(act_worker_t *w, act_type_t type, uint32_t table_id,
                              uint32_t shard) {
    act_actor_t **pp = actor_slot(w, type, table_id, shard);
    if (*pp) return *pp;
    act_actor_t *a = calloc(1, sizeof *a);
    if (!a) orb_panic("out of memory activating an actor");
    a->type = type;
    a->table_id = table_id;
    a->shard = shard;
    *pp = a;
    w->nactors++;
    atomic_fetch_add(&w->rt->activations, 1);
    atomic_fetch_add(&w->rt->active, 1);
    orb_log(ORB_LOG_DEBUG, ACT_LOG, "actor activated type=%d table=%u shard=%u worker=%d",
            (int)type, table_id, shard, w->idx);
    if (w->nactors > w->nbuckets * 2) registry_grow(w);
    return a;
}

static void actor_deactivate(act_worker_t *w, act_actor_t **pp) {
    act_actor_t *a = *pp;
    assert(a->lanes == NULL);
    act__vec_deactivate(w, a);
    act__shard_bulk_free(a);
    while (a->kv_wait_head) { /* only at stop: a waiting actor is never idle */
        act_msg_t *m = a->kv_wait_head;
        a->kv_wait_head = m->next;
        msg_fail(m, ORB_SQLSTATE_ADMIN_SHUTDOWN, "terminating connection due to administrator command");
    }
    a->kv_wait_tail = NULL;
    act__kv_free(a);
    *pp = a->hnext;
    w->nactors--;
    atomic_fetch_add(&w->rt->deactivations, 1);
    atomic_fetch_sub(&w->rt->active, 1);
    orb_log(ORB_LOG_DEBUG, ACT_LOG, "actor deactivated type=%d table=%u shard=%u worker=%d",
            (int)a->type, a->table_id, a->shard, w->idx);
    free(a);
}

/* ---- running and parking ------------------------------------------------------------- */

/* Runs m; on completion replies and frees m. ORB_AGAIN leaves m untouched and sets *holder
 * (the transaction holding the busy row lock, 0 when unknown). */
static int msg_run(act_worker_t *w, act_actor_t *a, act_msg_t *m, uint64_t *holder) {
    uint8_t *out = NULL;
    size_t len = 0;
    *holder = 0;
    w->running = m->call;
    int rc = act__shard_execute(w, a, m->type, m->unpacked, &out, &len, holder);
    w->running = NULL;
    if (rc == ORB_AGAIN) return ORB_AGAIN;
    if (m->type == ACT_KV_SHARD) {
        /* group commit: answered by held_release once the batch's writes are synced */
        m->out = out;
        m->out_len = len;
        m->next = NULL;
        if (w->held_tail) w->held_tail->next = m;
        else w->held_head = m;
        w->held_tail = m;
        return 0;
    }
    act__call_complete(m->call, out, len);
    msg_free(m);
    return 0;
}

/* Answers the held kv-shard requests: first one WAL sync when any of them wrote, so every
 * reply, reads included, leaves only after the writes it may have seen are durable. A failed
 * sync fails them all (their writes are in the db but were never acknowledged). */
static void held_release(act_worker_t *w) {
    act_msg_t *m = w->held_head;
    if (!m) return;
    w->held_head = w->held_tail = NULL;
    orb_err_t err;
    orb_err_clear(&err);
    bool failed = false;
    if (w->held_unsynced && atomic_load(&w->rt->kv_fsync) == ACT_KV_FSYNC_EVERYSEC)
        atomic_store(&w->rt->kv_wal_dirty, true); /* the idle tick syncs it */
    else if (w->held_unsynced)
        failed = st_db_sync_wal(w->rt->db, &err) != 0;
    w->held_unsynced = false;
    if (failed) orb_log(ORB_LOG_ERROR, ACT_LOG, "kv-shard WAL sync failed: %s", err.message);
    while (m) {
        act_msg_t *next = m->next;
        if (failed) {
            free(m->out);
            size_t len;
            uint8_t *b = act__error_reply(&err, 0, &len);
            act__call_complete(m->call, b, len);
        } else {
            act__call_complete(m->call, m->out, m->out_len);
        }
        m->out = NULL;
        msg_free(m);
        m = next;
    }
}

static void lane_close_cb(uv_handle_t *h) { free(h->data); }

static void lane_remove(act_lane_t *lane) {
    act_lane_t **pp = &lane->actor->lanes;
    while (*pp != lane) pp = &(*pp)->next;
    *pp = lane->next;
    act__wait_clear(lane->w->rt, &lane->wait);
    uv_timer_stop(&lane->timer);
    uv_close((uv_handle_t *)&lane->timer, lane_close_cb);
}

/* A new head starts waiting at now. */
static void lane_head_reset(act_lane_t *lane, uint64_t now) {
    lane->first_ms = now;
    lane->next_check_ms = now + (uint64_t)lane->w->rt->cfg.deadlock_timeout_ms;
    lane->suspect = false;
}

/* The head of lane (a transaction's) found its row lock busy again, held by holder: update
 * its edge in the wait-for graph and, once it has waited deadlock_timeout_ms, look for a
 * cycle (README "Deadlock detection"). Returns 1 with err filled when it must fail (40P01). */
static int lane_wait_update(act_lane_t *lane, uint64_t holder, uint64_t now, orb_err_t *err) {
    if (lane->txn_id == 0) return 0; /* autocommit: holds nothing between retries */
    act_runtime_t *rt = lane->w->rt;
    bool check = now >= lane->next_check_ms;
    int rc = act__wait_update(rt, &lane->wait, lane->txn_id, holder, lane->actor->table_id,
                              check, &lane->suspect, err);
    if (check && rc == 0)
        /* a suspected cycle is confirmed after every other edge had a retry to refresh */
        lane->next_check_ms = now + (lane->suspect ? 2 * ACT_BACKOFF_MAX_MS
                                                   : (uint64_t)rt->cfg.deadlock_timeout_ms);
    return rc;
}

static void lane_timer_cb(uv_timer_t *t);

static void lane_retry_later(act_lane_t *lane) {
    uv_timer_start(&lane->timer, lane_timer_cb, lane->backoff_ms, 0);
    lane->backoff_ms =
        lane->backoff_ms * 2 > ACT_BACKOFF_MAX_MS ? ACT_BACKOFF_MAX_MS : lane->backoff_ms * 2;
}

/* Retries the lane's head, then the requests queued behind it, until one parks again. A head
 * waits as long as its row lock is held by a live transaction, unless lock_timeout_ms > 0
 * passes (55P03) or it is on a cycle of waits (40P01). */
static void lane_run(act_lane_t *lane) {
    act_worker_t *w = lane->w;
    uint64_t now = uv_now(&w->loop);
    lane->actor->last_used_ms = now;
    while (lane->head) {
        act_msg_t *m = lane->head;
        act_msg_t *next = m->next;
        uint64_t lock_timeout = (uint64_t)w->rt->cfg.lock_timeout_ms;
        if (act__call_lock_timeout(m->call) > 0)
            lock_timeout = (uint64_t)act__call_lock_timeout(m->call);
        uint64_t holder;
        /* an interrupted statement stops waiting (README "Interrupts") */
        int rc = act__call_interrupted(m->call) ? 1 : msg_run(w, lane->actor, m, &holder);
        if (rc == 1) {
            msg_fail(m, ORB_SQLSTATE_QUERY_CANCELED, "canceling statement due to user request");
        } else if (rc == ORB_AGAIN) {
            act__call_lock_wait(m->call);
            orb_err_t err;
            orb_err_clear(&err);
            if (lane_wait_update(lane, holder, now, &err)) {
                msg_fail_err(m, &err);
            } else if (lock_timeout == 0 || now - lane->first_ms < lock_timeout) {
                lane_retry_later(lane);
                return;
            } else {
                orb_log(ORB_LOG_DEBUG, ACT_LOG, "lock timeout table=%u shard=%u txn=%llu",
                        lane->actor->table_id, lane->actor->shard,
                        (unsigned long long)lane->txn_id);
                msg_fail(m, ORB_SQLSTATE_LOCK_NOT_AVAILABLE,
                         "canceling statement due to lock timeout");
            }
        }
        act__wait_clear(w->rt, &lane->wait);
        lane->head = next;
        lane_head_reset(lane, now);
        lane->backoff_ms = 1;
    }
    lane->tail = NULL;
    lane_remove(lane);
}

static void lane_timer_cb(uv_timer_t *t) {
    act_lane_t *lane = t->data;
    act_worker_t *w = lane->w; /* the lane may be closed by lane_run */
    lane_run(lane);
    held_release(w);
}

static void lane_park(act_worker_t *w, act_actor_t *a, act_msg_t *m, uint64_t holder) {
    act_lane_t *lane = calloc(1, sizeof *lane);
    if (!lane) orb_panic("out of memory parking a request");
    uv_timer_init(&w->loop, &lane->timer);
    lane->timer.data = lane;
    lane->w = w;
    lane->actor = a;
    lane->txn_id = m->unpacked->txn_id;
    m->next = NULL;
    lane->head = lane->tail = m;
    uint64_t now = uv_now(&w->loop);
    lane_head_reset(lane, now);
    lane->backoff_ms = 2;
    act__call_lock_wait(m->call);
    lane->next = a->lanes;
    a->lanes = lane;
    orb_err_t err;
    (void)lane_wait_update(lane, holder, now, &err); /* no check yet: never fails */
    uv_timer_start(&lane->timer, lane_timer_cb, 1, 0);
}

static int kv_run(act_worker_t *w, act_actor_t *a, act_msg_t *m) {
    uint64_t holder;
    return msg_run(w, a, m, &holder);
}

static void msg_deliver(act_worker_t *w, act_msg_t *m) {
    atomic_fetch_add(&w->rt->messages, 1);
    m->mcx = orb_mcx_create(NULL, "message");
    ProtobufCAllocator alloc = {.alloc = msg_pb_alloc, .free = msg_pb_free, .allocator_data = m->mcx};
    m->unpacked = orbit__shard_request__unpack(&alloc, m->req_len, m->req);
    free(m->req);
    m->req = NULL;
    if (!m->unpacked || (m->unpacked->bulk_ops.len && act__ops_decode(m->mcx, m->unpacked) != 0)) {
        msg_fail(m, ORB_SQLSTATE_PROTOCOL_VIOLATION, "malformed shard request");
        return;
    }
    act_actor_t *a = actor_get(w, m->type, m->table_id, m->shard);
    a->last_used_ms = uv_now(&w->loop);
    if (m->type == ACT_KV_SHARD) {
        /* an EXEC may own the shard: then the others wait in its FIFO (act_kv_exec.c) */
        if (act__kv_hold(a, m)) return;
        uint64_t holder;
        msg_run(w, a, m, &holder); /* kv requests never park */
        act__kv_replay(w, a, kv_run);
        return;
    }
    uint64_t txn = m->unpacked->txn_id;
    if (txn != 0) {
        /* keep a transaction's requests to this actor in order (README invariant 5) */
        for (act_lane_t *l = a->lanes; l; l = l->next) {
            if (l->txn_id == txn) {
                m->next = NULL;
                l->tail->next = m;
                l->tail = m;
                return;
            }
        }
    }
    uint64_t holder;
    if (msg_run(w, a, m, &holder) == ORB_AGAIN) lane_park(w, a, m, holder);
}

/* ---- loop callbacks ------------------------------------------------------------------ */

static void async_cb(uv_async_t *h) {
    act_worker_t *w = h->data;
    pthread_mutex_lock(&w->mu);
    act_msg_t *m = w->head;
    w->head = w->tail = NULL;
    bool stopping = w->stopping;
    pthread_mutex_unlock(&w->mu);
    while (m) {
        act_msg_t *next = m->next;
        m->next = NULL;
        if (stopping)
            msg_fail(m, ORB_SQLSTATE_ADMIN_SHUTDOWN,
                     "terminating connection due to administrator command");
        else
            msg_deliver(w, m);
        m = next;
    }
    held_release(w);
    if (stopping) uv_stop(&w->loop);
}

/* appendfsync everysec: at most one WAL sync a second, by whichever worker ticks first. */
static void kv_everysec(act_runtime_t *rt) {
    if (!atomic_load(&rt->kv_wal_dirty)) return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int64_t last = atomic_load(&rt->kv_last_sync_ms);
    if (now - last < 1000 || !atomic_compare_exchange_strong(&rt->kv_last_sync_ms, &last, now))
        return;
    atomic_store(&rt->kv_wal_dirty, false);
    orb_err_t err;
    if (st_db_sync_wal(rt->db, &err) != 0)
        orb_log(ORB_LOG_ERROR, ACT_LOG, "kv-shard WAL sync (everysec) failed: %s", err.message);
}

void act_kv_set_fsync(act_runtime_t *rt, int mode) { atomic_store(&rt->kv_fsync, mode); }
int act_kv_fsync(act_runtime_t *rt) { return atomic_load(&rt->kv_fsync); }

static void idle_cb(uv_timer_t *t) {
    act_worker_t *w = t->data;
    kv_everysec(w->rt);
    uint64_t now = uv_now(&w->loop);
    uint64_t idle = (uint64_t)w->rt->cfg.idle_ms;
    for (size_t i = 0; i < w->nbuckets; i++) {
        act_actor_t **pp = &w->buckets[i];
        while (*pp) {
            act_actor_t *a = *pp;
            /* an actor that knows of live row lockers or a bulk owner keeps that knowledge
             * (README "Bulk inserts") */
            if (!a->lanes && now - a->last_used_ms >= idle && !act__kv_busy(a) &&
                !act__shard_bulk_prune(w, a))
                actor_deactivate(w, pp);
            else
                pp = &a->hnext;
        }
    }
    /* forget the row locks of transactions that have finished since the last tick */
    if (w->owners_n) act__owner_sweep(w);
}

static void *worker_main(void *arg) {
    act_worker_t *w = arg;
    uv_run(&w->loop, UV_RUN_DEFAULT);

    /* Stopping: fail everything undelivered or parked (README invariant 2), drop actors. */
    pthread_mutex_lock(&w->mu);
    act_msg_t *m = w->head;
    w->head = w->tail = NULL;
    pthread_mutex_unlock(&w->mu);
    while (m) {
        act_msg_t *next = m->next;
        msg_fail(m, ORB_SQLSTATE_ADMIN_SHUTDOWN,
                 "terminating connection due to administrator command");
        m = next;
    }
    for (size_t i = 0; i < w->nbuckets; i++) {
        while (w->buckets[i]) {
            act_actor_t *a = w->buckets[i];
            while (a->lanes) {
                act_lane_t *l = a->lanes;
                for (act_msg_t *pm = l->head; pm;) {
                    act_msg_t *next = pm->next;
                    msg_fail(pm, ORB_SQLSTATE_ADMIN_SHUTDOWN,
                             "terminating connection due to administrator command");
                    pm = next;
                }
                l->head = l->tail = NULL;
                lane_remove(l);
            }
            actor_deactivate(w, &w->buckets[i]);
        }
    }
    uv_close((uv_handle_t *)&w->async, NULL);
    uv_timer_stop(&w->idle_timer);
    uv_close((uv_handle_t *)&w->idle_timer, NULL);
    uv_run(&w->loop, UV_RUN_DEFAULT); /* let close callbacks run */
    return NULL;
}

/* ---- public -------------------------------------------------------------------------- */

/* The shards of one table go round robin from a worker picked by the table, so a statement
 * that works on all of them (a scan, a COPY's commit) keeps every worker equally busy. */
static size_t worker_of(const act_runtime_t *rt, act_type_t type, uint32_t table_id,
                        uint32_t shard) {
    return (size_t)((actor_hash(type, table_id, 0) + shard) % (uint64_t)rt->nworkers);
}

void act__runtime_post(act_runtime_t *rt, act_msg_t *m) {
    act_worker_t *w = &rt->workers[worker_of(rt, m->type, m->table_id, m->shard)];
    m->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        msg_fail(m, ORB_SQLSTATE_ADMIN_SHUTDOWN,
                 "terminating connection due to administrator command");
        return;
    }
    if (w->tail)
        w->tail->next = m;
    else
        w->head = m;
    w->tail = m;
    /* under mu: the worker closes the async handle only after seeing stopping under mu */
    uv_async_send(&w->async);
    pthread_mutex_unlock(&w->mu);
}

/* The block cache holds uncompressed blocks: a miss costs a read and a decompression, so a
 * server sized like PostgreSQL's 128 MB shared_buffers reads most rows of a 1 GB table from
 * the OS on every query. Unless configured: a quarter of the RAM, within 64 MB .. 8 GB
 * (RocksDB's advice for a dedicated server is a third). */
static size_t default_cache_mb(int configured) {
    if (configured > 0) return (size_t)configured;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    size_t mb = pages > 0 && psz > 0 ? (size_t)pages / 4 * (size_t)psz >> 20 : 64;
    if (mb < 64) mb = 64;
    if (mb > 8192) mb = 8192;
    return mb;
}

int act_runtime_start(const act_config_t *cfg, act_runtime_t **out, orb_err_t *err) {
    *out = NULL;
    if (!cfg || !cfg->data_dir || !cfg->data_dir[0])
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "actor runtime needs a data directory");
    act_runtime_t *rt = calloc(1, sizeof *rt);
    if (!rt) orb_panic("out of memory starting the actor runtime");
    rt->cfg = *cfg;
    if (rt->cfg.nworkers < 1) rt->cfg.nworkers = 1;
    if (rt->cfg.idle_ms <= 0) rt->cfg.idle_ms = 30000;
    if (rt->cfg.lock_timeout_ms < 0) rt->cfg.lock_timeout_ms = 0; /* 0: wait as needed */
    if (rt->cfg.deadlock_timeout_ms <= 0) rt->cfg.deadlock_timeout_ms = 1000;
    rt->data_dir = strdup(cfg->data_dir);
    rt->cfg.data_dir = rt->data_dir;
    rt->nworkers = rt->cfg.nworkers;
    atomic_init(&rt->activations, 0);
    atomic_init(&rt->deactivations, 0);
    atomic_init(&rt->messages, 0);
    atomic_init(&rt->rows_read, 0);
    atomic_init(&rt->active, 0);
    atomic_init(&rt->next_txn_id, 1);
    pthread_mutex_init(&rt->txn_lock, NULL);
    pthread_mutex_init(&rt->seq_lock, NULL);
    pthread_mutex_init(&rt->prog_lock, NULL);
    pthread_mutex_init(&rt->wait_lock, NULL);

    if (mkdir(rt->data_dir, 0700) != 0 && errno != EEXIST) {
        int e = errno;
        orb_err_set(err, IO_ERROR, "could not create directory \"%s\": %s", rt->data_dir,
                    strerror(e));
        goto fail;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/db", rt->data_dir);
    st_db_options_t opts = {.sync_commit = cfg->sync_commit, .cache_mb = default_cache_mb(cfg->cache_mb)};
    if (st_db_open(path, &opts, &rt->db, err) != 0) goto fail;
    act__bulk_wipe(rt);

    rt->workers = calloc((size_t)rt->nworkers, sizeof *rt->workers);
    if (!rt->workers) orb_panic("out of memory starting workers");
    uint64_t tick = (uint64_t)rt->cfg.idle_ms / 2;
    if (tick > 1000) tick = 1000;
    if (tick < 1) tick = 1;
    for (int i = 0; i < rt->nworkers; i++) {
        act_worker_t *w = &rt->workers[i];
        w->rt = rt;
        w->idx = i;
        pthread_mutex_init(&w->mu, NULL);
        w->nbuckets = 64;
        w->buckets = calloc(w->nbuckets, sizeof *w->buckets);
        w->mcx = orb_mcx_create(NULL, "actor worker");
        atomic_init(&w->owners_published, 0);
        if (!w->buckets) orb_panic("out of memory starting workers");
        uv_loop_init(&w->loop);
        uv_async_init(&w->loop, &w->async, async_cb);
        w->async.data = w;
        uv_timer_init(&w->loop, &w->idle_timer);
        w->idle_timer.data = w;
        uv_timer_start(&w->idle_timer, idle_cb, tick, tick);
    }
    for (int i = 0; i < rt->nworkers; i++) {
        if (pthread_create(&rt->workers[i].thread, NULL, worker_main, &rt->workers[i]) != 0)
            orb_panic("could not start actor worker thread %d", i);
    }
    orb_log(ORB_LOG_INFO, ACT_LOG, "actor runtime started workers=%d data_dir=%s", rt->nworkers,
            rt->data_dir);
    *out = rt;
    return 0;

fail:
    pthread_mutex_destroy(&rt->txn_lock);
    pthread_mutex_destroy(&rt->seq_lock);
    pthread_mutex_destroy(&rt->prog_lock);
    pthread_mutex_destroy(&rt->wait_lock);
    free(rt->data_dir);
    free(rt);
    return -1;
}

void act_runtime_stop(act_runtime_t *rt) {
    if (!rt) return;
    for (int i = 0; i < rt->nworkers; i++) {
        act_worker_t *w = &rt->workers[i];
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        uv_async_send(&w->async);
        pthread_mutex_unlock(&w->mu);
    }
    for (int i = 0; i < rt->nworkers; i++) {
        act_worker_t *w = &rt->workers[i];
        pthread_join(w->thread, NULL);
        uv_loop_close(&w->loop);
        pthread_mutex_destroy(&w->mu);
        free(w->buckets);
        act__owner_free(w);
        orb_mcx_destroy(w->mcx);
    }
    free(rt->workers);
    act__txn_registry_close(rt);
    act__seq_registry_close(rt);
    act__progress_close(rt);
    st_db_close(rt->db);
    assert(rt->waits == NULL); /* every lane left the wait-for graph when it was removed */
    pthread_mutex_destroy(&rt->txn_lock);
    pthread_mutex_destroy(&rt->seq_lock);
    pthread_mutex_destroy(&rt->prog_lock);
    pthread_mutex_destroy(&rt->wait_lock);
    orb_log(ORB_LOG_INFO, ACT_LOG, "actor runtime stopped");
    free(rt->data_dir);
    free(rt);
}

int act_runtime_nworkers(const act_runtime_t *rt) { return rt->nworkers; }

void act_runtime_stats(act_runtime_t *rt, act_stats_t *out) {
    out->activations = atomic_load(&rt->activations);
    out->deactivations = atomic_load(&rt->deactivations);
    out->messages = atomic_load(&rt->messages);
    out->rows_read = atomic_load(&rt->rows_read);
    out->row_lock_owners = 0;
    for (int i = 0; i < rt->nworkers; i++)
        out->row_lock_owners +=
            atomic_load_explicit(&rt->workers[i].owners_published, memory_order_relaxed);
    int64_t a = atomic_load(&rt->active);
    out->active = a > 0 ? (uint64_t)a : 0;
}
