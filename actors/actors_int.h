/* actors/actors_int.h — private declarations of actors/: the runtime, worker, actor, message,
 * parked-lane, call and transaction-registry structs, and the cross-file helpers (act__*).
 * Never included from outside actors/. Invariants and lock order: actors/README.md. */
#ifndef ORB_ACTORS_INT_H
#define ORB_ACTORS_INT_H

#include "actors.h"
#include "storage/storage.h"

#include <pthread.h>
#include <stdatomic.h>
#include <uv.h>

#define ACT_LOG "actors"

typedef struct act_worker act_worker_t;
typedef struct act_actor act_actor_t;
typedef struct act_vec act_vec_t; /* act_vec.c: one vector index of a table-shard actor */
typedef struct act_bulk act_bulk_t; /* act_bulk.c: the file-backed rows of a bulk load */

/* A message in a mailbox. Owns req (malloc'd packed bytes) and, once unpacked on the worker,
 * the unpacked request (freed with orbit__shard_request__free_unpacked). call is borrowed:
 * the poster waits on it until the worker completes it exactly once (README invariant 2). */
typedef struct act_msg {
    struct act_msg *next;
    act_type_t type;
    uint32_t table_id;
    uint32_t shard;
    uint8_t *req;
    size_t req_len;
    Orbit__ShardRequest *unpacked; /* allocated in mcx */
    orb_mcx_t *mcx;                /* the unpacked request; lives as long as the message */
    act_call_t *call;
    uint8_t *out; /* a held reply (kv-shard group commit, README "Group commit") */
    size_t out_len;
} act_msg_t;

/* A parked lane head of a transaction in the process-wide wait-for graph (act_deadlock.c):
 * "txn waiter waits for a row lock that txn holder holds". Embedded in its lane; linked into
 * rt->waits while the head waits. next/prev/waiter/holder/table_id/victim are guarded by
 * rt->wait_lock; linked is written only by the lane's worker (under wait_lock). */
typedef struct act_wait {
    struct act_wait *next, *prev;
    uint64_t waiter;
    uint64_t holder; /* 0: not known (no edge) */
    uint32_t table_id;
    bool victim; /* chosen as a deadlock victim: fail with 40P01 at the next retry */
    bool linked;
} act_wait_t;

/* A lane of parked requests of one transaction on one actor: head is the request waiting for
 * a busy row lock, the rest queued behind it in arrival order (README invariant 5). The
 * lane's memory is freed in the timer's close callback. */
typedef struct act_lane {
    uv_timer_t timer;
    act_worker_t *w;
    act_actor_t *actor;
    struct act_lane *next;
    uint64_t txn_id;
    act_msg_t *head, *tail;
    uint64_t first_ms;      /* loop time of the head's first attempt */
    uint64_t backoff_ms;    /* next retry delay, 1 doubling to 20 */
    uint64_t next_check_ms; /* loop time of the head's next deadlock check */
    bool suspect;           /* the last check found a cycle: confirm it at the next one */
    act_wait_t wait;        /* the head's edge in the wait-for graph (txn_id != 0 only) */
} act_lane_t;

/* Which transaction last took a row lock on a key of this worker's shards (act_deadlock.c).
 * hash: act__lock_hash of (column family, key), never 0; 0 marks an empty slot. */
typedef struct act_owner {
    uint64_t hash;
    uint64_t txn;
} act_owner_t;

/* One activated actor. Touched only by its worker's thread (README invariant 1). */
struct act_actor {
    act_actor_t *hnext;
    act_type_t type;
    uint32_t table_id;
    uint32_t shard;
    uint64_t last_used_ms;
    act_lane_t *lanes;
    act_vec_t *vecs; /* the vector indexes loaded so far (act_vec.c) */
    /* Bulk inserts (act_shard.c, README "Bulk inserts"). lockers: transactions that took a
     * row lock through this actor and may still be live (pruned with act__txn_live).
     * bulk_txn: the transaction that owns the shard for unlocked writes until it ends (0:
     * none); bulk_keys: open-addressing set of act__lock_hash of the keys it inserted (0 is
     * empty); bulk_self: it had locked keys here before, so its own batch is checked too. */
    uint64_t *lockers;
    size_t nlockers, caplockers;
    uint64_t bulk_txn;
    uint64_t *bulk_keys;
    size_t bulk_n, bulk_cap;
    bool bulk_self;
    /* file mode: the owner's rows go to files, ingested at its commit (NULL: they go to its
     * write batch); its index entries go to bulk_ixfiles (created at the first one) */
    act_bulk_t *bulk_files;
    act_bulk_t *bulk_ixfiles;
    /* kv-shard transactions (act_kv_exec.c, README "kv-shard transactions"): kv_owner, the
     * transaction of the EXEC that claimed the shard (0: none); the other requests wait in
     * kv_wait (FIFO) until it releases it; kv_watch: the keys clients WATCH here */
    uint64_t kv_owner;
    act_msg_t *kv_wait_head, *kv_wait_tail;
    struct act_kv_watch *kv_watch;
    size_t kv_nwatch, kv_capwatch;
    uint32_t kv_epoch; /* changes at each activation: a watch from before is stale */
};

struct act_worker {
    act_runtime_t *rt;
    int idx;
    pthread_t thread;
    uv_loop_t loop;
    uv_async_t async;
    uv_timer_t idle_timer;
    /* mu guards head/tail/stopping (the mailbox) and nothing else. */
    pthread_mutex_t mu;
    act_msg_t *head, *tail;
    bool stopping;
    /* actor registry, owned by the worker thread */
    act_actor_t **buckets;
    size_t nbuckets;
    size_t nactors;
    orb_mcx_t *mcx; /* per-request scratch, reset after each reply is packed */
    act_call_t *running; /* the call whose request runs now (README "Interrupts"); worker only */
    /* row lock owners (open addressing, linear probing), owned by the worker thread:
     * entries of finished transactions are dropped by act__owner_sweep */
    act_owner_t *owners;
    size_t owners_cap; /* 0 or a power of two */
    size_t owners_n;
    size_t owners_sweep_at; /* sweep when owners_n reaches this */
    atomic_size_t owners_published; /* owners_n, for act_runtime_stats (relaxed stores) */
    /* kv-shard replies of the current mailbox batch, held until one WAL sync makes its
     * writes durable (README "Group commit"); unsynced: a held request committed a write */
    act_msg_t *held_head, *held_tail;
    bool held_unsynced;
};

/* A transaction registry entry. lock serialises every use of st (rocksdb Transaction objects
 * are not thread-safe). refs and removed are guarded by the registry lock; st by lock. */
typedef struct act_txn_ent {
    struct act_txn_ent *next;
    uint64_t id;
    st_txn_t *st; /* NULL once committed or rolled back */
    pthread_mutex_t lock;
    int refs;
    bool removed;
    /* under lock: the table-shards holding rows of this transaction in files (act_bulk.c),
     * each {table_id, shard}; finished and ingested at commit (README "Bulk inserts") */
    uint32_t (*bulk)[2];
    size_t nbulk, capbulk;
} act_txn_ent_t;

#define ACT_TXN_BUCKETS 1024

typedef struct act_seq_ent act_seq_ent_t;

/* A transaction whose storage commit or rollback is running (act_txn.c; on that thread's
 * stack, linked into rt->ending under rt->txn_lock). */
struct act_txn_ending {
    struct act_txn_ending *next;
    uint64_t id;
};

struct act_runtime {
    act_config_t cfg;
    /* kv-shard durability (act_kv_set_fsync): 0 always (each batch synced before its replies,
     * README "Group commit"), 1 everysec (replies at once; a worker's idle tick syncs the WAL
     * when it was written since the last sync, at most ~1 s later) */
    atomic_int kv_fsync;
    atomic_bool kv_wal_dirty;
    atomic_int_fast64_t kv_last_sync_ms;
    char *data_dir;
    st_db_t *db;
    int nworkers;
    act_worker_t *workers;

    atomic_uint_fast64_t activations;
    atomic_uint_fast64_t deactivations;
    atomic_uint_fast64_t messages;
    atomic_uint_fast64_t rows_read;
    atomic_int_fast64_t active;

    /* transaction registry: txn_lock guards txn_buckets and every entry's refs/removed */
    pthread_mutex_t txn_lock;
    act_txn_ent_t *txn_buckets[ACT_TXN_BUCKETS];
    /* also under txn_lock: transactions whose storage commit or rollback is running (out of
     * the registry already, still holding their writes' locks; act__txn_live counts them) */
    struct act_txn_ending *ending;
    atomic_uint_fast64_t next_txn_id;

    /* wait-for graph: wait_lock guards the list of parked transaction lane heads (a leaf) */
    pthread_mutex_t wait_lock;
    act_wait_t *waits;
    size_t nwaits;

    /* progress entries (act_progress.c): prog_lock guards progress and prog_next (a leaf) */
    pthread_mutex_t prog_lock;
    struct act_progress_ent *progress;
    uint64_t prog_next;

    /* sequences and oids: seq_lock guards seqs and the oid_* fields */
    pthread_mutex_t seq_lock;
    act_seq_ent_t *seqs;
    bool oid_loaded;
    uint64_t oid_next;
    uint64_t oid_reserved_upto;
};

/* act_call.c */
/* Hands packed reply bytes (malloc'd; ownership moves to the call) to the waiter. */
void act__call_complete(act_call_t *c, uint8_t *reply, size_t len);
/* Completes c with an error reply (code, message). */
void act__call_fail(act_call_t *c, orb_sqlstate_t code, const char *msg);
/* The interrupts the call's poster bound (act_call_bind_interrupts): whether its statement
 * was interrupted, its lock_timeout (0: the runtime's), and marking it as waiting for a row
 * lock (counted until completion). Worker thread. */
bool act__call_interrupted(const act_call_t *c);
int act__call_lock_timeout(const act_call_t *c);
void act__call_lock_wait(act_call_t *c);
/* Packs reply into malloc'd bytes. */
uint8_t *act__reply_pack(const Orbit__ShardReply *reply, size_t *len);

/* act_runtime.c */
void act__runtime_post(act_runtime_t *rt, act_msg_t *m);

/* act_txn.c */
/* Finds txn id, takes its lock and returns it (NULL when unknown or finished). Release with
 * act__txn_release. May block briefly on another request of the same txn. */
act_txn_ent_t *act__txn_acquire(act_runtime_t *rt, uint64_t id);
void act__txn_release(act_runtime_t *rt, act_txn_ent_t *e);
void act__txn_registry_close(act_runtime_t *rt);
/* live[i] = transaction ids[i] is still open (begun, not yet committed or rolled back).
 * Takes the registry lock once; call with no entry lock held. */
void act__txn_live(act_runtime_t *rt, const uint64_t *ids, size_t n, bool *live);
/* Bulk-insert state of a table-shard actor (act_shard.c): drops transactions that ended;
 * true while the actor must stay active (a live locker or bulk owner). Frees it all when
 * the actor goes (act__shard_bulk_free). */
bool act__shard_bulk_prune(act_worker_t *w, act_actor_t *a);
/* act_ops.c: the compact form of a bulk request's INSERT/PUT ops (ShardRequest.bulk_ops).
 * encode: -1 (nothing written) when an op has another kind; decode: into ops, in mcx. */
int act__ops_encode(const Orbit__ShardRequest *req, orb_buf_t *out);
int act__ops_decode(orb_mcx_t *mcx, Orbit__ShardRequest *req);
/* act_bulk.c (worker thread only; see its header). */
act_bulk_t *act__bulk_create(act_runtime_t *rt, uint64_t txn, uint32_t table_id, uint32_t shard,
                             const char *what);
int act__bulk_add(act_bulk_t *b, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err);
int act__bulk_contains(act_bulk_t *b, const char *k, size_t kn, bool *found, orb_err_t *err);
/* every entry in key order (a repeated key fails) */
int act__bulk_each(act_bulk_t *b,
                   int (*cb)(void *, const char *, size_t, const char *, size_t, orb_err_t *),
                   void *arg, orb_err_t *err);
/* merges everything into one SST file: *path malloc'd (NULL when empty); *dupkey on a key
 * met twice (then -1) */
int act__bulk_finish(act_bulk_t *b, st_db_t *db, char **path, bool *dupkey, orb_err_t *err);
uint64_t act__bulk_count(const act_bulk_t *b);
void act__bulk_destroy(act_bulk_t *b); /* removes its run files; NULL is fine */
void act__bulk_wipe(act_runtime_t *rt); /* startup: files of loads that never committed */
void act__shard_bulk_free(act_actor_t *a);
void act__seq_registry_close(act_runtime_t *rt);

/* act_deadlock.c */
/* The owner-table key of a row lock: a hash of (cf, key bytes), never 0. */
uint64_t act__lock_hash(st_cf_t cf, const char *key, size_t n);
/* Worker thread only. Records that txn (!= 0) holds the row lock hash. */
void act__owner_note(act_worker_t *w, uint64_t hash, uint64_t txn);
/* Worker thread only. The transaction that last took the row lock hash, 0 when unknown. */
uint64_t act__owner_of(const act_worker_t *w, uint64_t hash);
/* Worker thread only, holding no txn entry lock. Drops the entries of finished
 * transactions (one registry lock for all of them). */
void act__owner_sweep(act_worker_t *w);
void act__owner_free(act_worker_t *w);
/* Worker thread of wt's lane. Records that the lane head of transaction waiter waits for a
 * row lock held by holder (0: unknown) on table_id; with check, searches the wait-for graph
 * for a cycle through waiter. Returns 1 when the head must fail with 40P01 (err filled):
 * another waiter's search chose this transaction as the victim, or check found a cycle that
 * the previous check (*suspect) had found too. Else 0, *suspect = whether a cycle was found. */
int act__wait_update(act_runtime_t *rt, act_wait_t *wt, uint64_t waiter, uint64_t holder,
                     uint32_t table_id, bool check, bool *suspect, orb_err_t *err);
/* Removes wt from the wait-for graph (no-op when not linked). Worker thread of wt's lane. */
void act__wait_clear(act_runtime_t *rt, act_wait_t *wt);

/* One edge of the wait-for graph: waiter waits for a row lock of table_id held by holder. */
typedef struct act_wait_edge {
    uint64_t waiter;
    uint64_t holder;
    uint32_t table_id;
} act_wait_edge_t;
/* Pure. Sorts edges[0..n) by waiter (in place) and searches for a cycle through start. On
 * success writes the cycle's edges to cycle (room for n; cycle[0].waiter == start, each
 * edge's holder is the next edge's waiter, the last one's holder is start) and returns their
 * number; returns 0 when start is on no cycle. Edges with waiter == holder are ignored. */
size_t act_deadlock_find_cycle(act_wait_edge_t *edges, size_t n, uint64_t start,
                               act_wait_edge_t *cycle);

/* act_shard.c */
/* Executes req on (type, table_id, shard) from the actor's worker thread. Returns ORB_AGAIN
 * when a row lock was busy (no effect, nothing replied: park and retry; *holder = the
 * transaction holding it when known, else 0), else 0 with *out a malloc'd packed
 * Orbit__ShardReply (which may carry an error). */
/* act_kv.c: runs a kv-shard request on the worker; always replies (errors inside). */
/* kv-shard transactions (act_kv_exec.c). hold: whether m (a kv-shard request) must wait
 * behind another transaction's claim (then it is queued on a, and run by replay); replay:
 * after a request ran, runs the waiting requests while the shard is free; busy: the actor
 * must stay active (claimed, waiters or watches). */
bool act__kv_hold(act_actor_t *a, act_msg_t *m);
void act__kv_replay(act_worker_t *w, act_actor_t *a,
                    int (*run)(act_worker_t *w, act_actor_t *a, act_msg_t *m));
bool act__kv_busy(const act_actor_t *a);
void act__kv_free(act_actor_t *a);
int act__kv_execute(act_worker_t *w, act_actor_t *a, const Orbit__ShardRequest *req, uint32_t shard,
                    uint8_t **out, size_t *outlen);
int act__shard_execute(act_worker_t *w, act_actor_t *a, act_type_t type, const Orbit__ShardRequest *req,
                       uint8_t **out, size_t *outlen, uint64_t *holder);
/* Datum <-> storage value. to_val borrows from d; from_val allocates in mcx. */
int act__datum_to_val(const Orbit__Datum *d, st_val_t *v, orb_err_t *err);
/* A row of n values (datums allocated in mcx, bytes borrowed from vals). */
Orbit__Row *act__row_make(orb_mcx_t *mcx, const st_val_t *vals, size_t n);
/* The encoded key values of k[off..n) as a row (allocated in mcx). */
int act__key_row(orb_mcx_t *mcx, const char *k, size_t n, size_t off, Orbit__Row **out,
                 orb_err_t *err);
Orbit__Datum *act__datum_from_val(orb_mcx_t *mcx, const st_val_t *v);

/* ---- partial aggregation inside a shard (act_agg.c) -------------------------------------- */
typedef struct act_agg act_agg_t;
/* An aggregator for spec; everything it keeps lives in mcx. */
int act__agg_begin(orb_mcx_t *mcx, const Orbit__AggSpec *spec, act_agg_t **out, orb_err_t *err);
/* Folds one stored row (decoded values; a short row reads the columns' missing values). */
int act__agg_row(act_agg_t *a, const st_val_t *vals, size_t nvals, orb_err_t *err);
/* One partial row per group into res->rows (layout: proto AggSpec). */
int act__agg_finish(act_agg_t *a, Orbit__OpResult *res, orb_err_t *err);
/* Releases an aggregator that will not finish (after an error); finish releases it itself. */
void act__agg_free(act_agg_t *a);
/* A packed error reply (malloc'd). */
uint8_t *act__error_reply(const orb_err_t *err, uint32_t failed_op, size_t *len);

/* act_progress.c: adds to entry id's counters (id 0: nothing); frees every entry at stop */
void act__progress_add(act_runtime_t *rt, uint64_t id, int phase, int64_t total, int64_t done);
void act__progress_close(act_runtime_t *rt);

/* act_vec.c: the vector index operations of one request on a table-shard actor */
typedef struct act_vec_ctx {
    act_worker_t *w;
    act_actor_t *a;
    st_txn_t *st;       /* the request's storage transaction (its snapshot and writes) */
    uint64_t txn_id;    /* the request's transaction, 0 for an autocommit request */
    /* where VEC_ADD's label entries go when the request's writes wait in bulk files (COPY,
     * README "Bulk inserts"); NULL: into st */
    int (*put_entry)(void *arg, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err);
    void *put_arg;
    orb_mcx_t *mcx;     /* the request's scratch: results live here */
    uint64_t rows_read;
} act_vec_ctx_t;
/* VEC_ADD, VEC_SEARCH, VEC_BUILD, VEC_DROP (proto/orbit.proto). */
int act__vec_op(act_vec_ctx_t *c, const Orbit__ShardOp *op, Orbit__OpResult *res, orb_err_t *err);
/* Saves (when changed) and frees the actor's vector indexes. Worker thread of a. */
void act__vec_deactivate(act_worker_t *w, act_actor_t *a);
/* Removes the snapshot files of every vector index of a table (after DROP TABLE). */
void act__vec_drop_table_files(act_runtime_t *rt, uint32_t table_id);

#endif
