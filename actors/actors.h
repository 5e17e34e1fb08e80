/* actors/actors.h — the public header of actors/: the virtual actor runtime (worker threads
 * with one libuv loop each, mailboxes, activation and idle deactivation), node-local
 * transactions, sequences, and the table-shard behaviour. Prefix act_. Depends on storage/
 * and proto/. See actors/README.md for lifecycles, invariants and lock order.
 *
 * The executor reaches shards only through act_call_*: a request is packed into bytes (a
 * proto/ message), posted to the actor's mailbox, executed on the actor's worker thread and
 * answered with a packed reply — also on a single node, so placement can change later. */
#ifndef ORB_ACTORS_H
#define ORB_ACTORS_H

#include "../common/common.h"
#include "orbit.pb-c.h"

#include <stdatomic.h>

typedef struct act_runtime act_runtime_t;

typedef struct act_config {
    const char *data_dir;   /* RocksDB lives in <data_dir>/db */
    int nworkers;           /* worker threads (one libuv loop each), >= 1 */
    int idle_ms;            /* deactivate an actor after this long without messages */
    int lock_timeout_ms;    /* how long a request waits for a busy row lock before 55P03;
                               0 waits as long as needed (PostgreSQL's lock_timeout = 0) */
    int deadlock_timeout_ms; /* a wait this long runs deadlock detection (40P01); <= 0: 1000 */
    bool sync_commit;       /* commits fsync the WAL (default true) */
    int cache_mb;           /* RocksDB block cache; <= 0: a quarter of the RAM, 64 MB to 8 GB */
} act_config_t;

/* Opens storage and starts the workers. Call from the main thread. */
int act_runtime_start(const act_config_t *cfg, act_runtime_t **out, orb_err_t *err);
/* Stops the workers (pending calls fail with 57P01), closes storage. */
void act_runtime_stop(act_runtime_t *rt);
int act_runtime_nworkers(const act_runtime_t *rt);

typedef struct act_stats {
    uint64_t activations;
    uint64_t deactivations;
    uint64_t messages;
    uint64_t active;
    uint64_t rows_read; /* rows and index entries visited by shard reads (gets and scans) */
    uint64_t row_lock_owners; /* row locks remembered for deadlock detection (all workers) */
} act_stats_t;
void act_runtime_stats(act_runtime_t *rt, act_stats_t *out);

/* ---- actor types --------------------------------------------------------------------- */
typedef enum act_type {
    ACT_TABLE_SHARD = 1, /* key (table_id, shard_no): rows and index entries of one shard */
    ACT_CATALOG = 2,     /* key (0, 0): catalog records */
    ACT_KV_SHARD = 3,    /* key (0, shard_no): the Redis keys that hash to shard_no */
} act_type_t;

/* ---- kv-shard actors (act_kv.c, README "kv-shard") ------------------------------------- */
/* Redis keys are spread over a fixed number of kv-shard actors. The number is part of the
 * on-disk layout (a key's records carry its shard), so it never changes. */
#define ACT_KV_SHARDS 16u
#define ACT_KV_DATABASES 16u
/* The kv-shard owning a Redis key. */
uint32_t act_kv_shard_of(const char *key, size_t len);
/* Runs one command (argv[0] lower case, every key in it owned by shard) on kv-shard `shard`
 * of database db and waits for the reply: *reply is allocated in mcx (deep copy). Blocks the
 * calling thread: never call from an actor or I/O loop. Fails only when the runtime is
 * stopping (57P01) or on a storage error. */
int act_kv_call(act_runtime_t *rt, uint32_t shard, uint32_t db, int argc,
                const char *const *argv, const size_t *lens, orb_mcx_t *mcx,
                Orbit__KvValue **reply, orb_err_t *err);
/* The two halves of act_kv_call, for callers that keep several commands in flight (a RESP
 * pipeline): act_kv_post sends the command (argv may be freed on return); act_kv_wait waits
 * for its reply, copies it into mcx and frees the call. Requests posted to one shard run in
 * the order they were posted. */
typedef struct act_call act_call_t;
/* appendfsync for kv-shard writes: ACT_KV_FSYNC_ALWAYS (default: a write is durable when
 * acknowledged) or ACT_KV_FSYNC_EVERYSEC (acknowledged at once, durable within about a
 * second, as Redis's appendfsync everysec). Any thread. */
enum { ACT_KV_FSYNC_ALWAYS = 0, ACT_KV_FSYNC_EVERYSEC = 1 };
void act_kv_set_fsync(act_runtime_t *rt, int mode);
int act_kv_fsync(act_runtime_t *rt);
/* A function told (on a worker thread: it must only signal, never block) of every kv write
 * request that succeeded: its database and arguments (argv[0] the operation). One for the
 * process; NULL removes it. Used for Redis's blocking commands (wire/wire_resp_block.c). */
void act_kv_set_write_hook(void (*fn)(uint32_t db, int argc, const char *const *argv,
                                      const size_t *lens));
/* Binds the kv calls of this thread to an EXEC's transaction (0: none) and returns the
 * previous binding: requests then carry it (ShardRequest.txn_id), so the shards the EXEC
 * claimed run them in that transaction (actors/README.md "kv-shard transactions"). */
uint64_t act_kv_bind_txn(uint64_t txn_id);
act_call_t *act_kv_post(act_runtime_t *rt, uint32_t shard, uint32_t db, int argc,
                        const char *const *argv, const size_t *lens);
int act_kv_wait(act_call_t *call, orb_mcx_t *mcx, Orbit__KvValue **reply, orb_err_t *err);
/* The same command on every kv shard of database db at once: replies[i] answers shard i. */
int act_kv_call_all(act_runtime_t *rt, uint32_t db, int argc, const char *const *argv,
                    const size_t *lens, orb_mcx_t *mcx, Orbit__KvValue **replies, orb_err_t *err);
/* Posts the same to several shards at once (scatter) and waits for all (gather): replies[i]
 * answers shard shards[i], with the arguments argvs[i]/lens[i]/argcs[i]. */
int act_kv_call_many(act_runtime_t *rt, int n, const uint32_t *shards, uint32_t db,
                     const int *argcs, const char *const *const *argvs,
                     const size_t *const *lens, orb_mcx_t *mcx, Orbit__KvValue **replies,
                     orb_err_t *err);

/* ---- calls ----------------------------------------------------------------------------- */
/* A pending request. Created by act_call_post from any non-loop thread (a session's
 * executor thread); the reply is awaited with act_call_wait, which blocks the calling
 * thread (never an actor loop). Several calls may be in flight at once (scatter-gather). */
typedef struct act_call act_call_t;

/* Packs req and posts it to actor (type, table_id, shard). Never fails: errors arrive as
 * the reply's error. Caller frees with act_call_free after waiting. */
act_call_t *act_call_post(act_runtime_t *rt, act_type_t type, const Orbit__ShardRequest *req);
/* Waits for the reply. *reply is unpacked and owned by the call (freed by act_call_free).
 * Returns -1 with err filled when the reply carries an error. */
int act_call_wait(act_call_t *c, Orbit__ShardReply **reply, orb_err_t *err);
void act_call_free(act_call_t *c);
/* Scatter-gather: calls posted with act_call_post_in count down their gather, and
 * act_gather_wait sleeps once until every one of them is complete, where awaiting the calls
 * one after the other may sleep and wake once per call. Initialise with act_gather_init
 * (again before reusing it); every gather with calls posted must be waited for before it
 * goes out of scope (the completing workers touch it). Then act_call_wait returns at once. */
typedef struct act_gather {
    _Atomic uint32_t word; /* calls not complete yet, plus ACT_GATHER_SLEEPING */
} act_gather_t;
void act_gather_init(act_gather_t *g);
act_call_t *act_call_post_in(act_gather_t *g, act_runtime_t *rt, act_type_t type,
                             const Orbit__ShardRequest *req);
void act_gather_wait(act_gather_t *g);
/* Convenience: post + wait for one request. The reply is owned by *call. */
int act_call(act_runtime_t *rt, act_type_t type, const Orbit__ShardRequest *req,
             act_call_t **call, Orbit__ShardReply **reply, orb_err_t *err);

/* Interrupts of the calling thread's statement (README "Interrupts"). A session binds them
 * to its executor thread for the duration of a statement; every call posted from the thread
 * while bound carries them:
 * - interrupt: when it becomes non-zero, a request parked on a busy row lock fails with
 *   57014 "canceling statement due to user request" at its next retry (within 20 ms); the
 *   caller turns that into the precise reason. Requests that are running are not stopped:
 *   they are short (one batch), and the caller checks the flag between them.
 * - lock_waits: incremented while one of the thread's requests waits for a row lock (for
 *   pg_stat_activity's wait_event), decremented before its reply is delivered.
 * - lock_timeout_ms: > 0 replaces act_config_t.lock_timeout_ms for these requests.
 * The pointed-to counters must outlive every call posted while bound. Pass NULL to unbind. */
typedef struct act_interrupts {
    const atomic_int *interrupt;
    atomic_int *lock_waits;
    int lock_timeout_ms;
} act_interrupts_t;
void act_call_bind_interrupts(const act_interrupts_t *in);

/* The shard a key belongs to: hash of the key columns (encoded as storage keys) mod nshards.
 * Fails only on malformed numeric text (22P02). */
int act_shard_of(const Orbit__Datum *const *key, size_t nkey, uint32_t nshards,
                 uint32_t *shard, orb_err_t *err);

/* ---- transactions (node-local) ----------------------------------------------------- */
/* A transaction spans every shard actor on this node; requests carry its id. One session
 * uses a transaction at a time. Ids are never 0. */
typedef enum act_isolation { ACT_READ_COMMITTED = 0, ACT_REPEATABLE_READ } act_isolation_t;
int act_txn_begin(act_runtime_t *rt, act_isolation_t iso, uint64_t *txn_id, orb_err_t *err);
/* Statement boundaries: begin takes a fresh snapshot (READ COMMITTED) and a savepoint; end
 * with ok=false rolls the statement's writes back (statement atomicity). */
int act_txn_statement_begin(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err);
int act_txn_statement_end(act_runtime_t *rt, uint64_t txn_id, bool ok, orb_err_t *err);
/* Durable before it returns 0. The id is invalid afterwards, whatever the result. */
int act_txn_commit(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err);
void act_txn_rollback(act_runtime_t *rt, uint64_t txn_id);
/* SQL savepoints (SAVEPOINT / ROLLBACK TO / RELEASE) over the storage savepoint stack.
 * Call them only between statements (never inside statement_begin/end). The caller keeps
 * the names; each user savepoint is one live entry of the stack, the newest on top.
 * - act_txn_savepoint pushes a savepoint.
 * - act_txn_rollback_to undoes every write since the newest live savepoint, releases the row
 *   locks taken since, and keeps the savepoint (it can be rolled back to again).
 * - act_txn_release removes the newest live savepoint; its writes stay in the transaction.
 * To roll back to (or release) an older savepoint, release the newer ones first.
 * 25000 when the transaction is not active; rollback_to: XX000 when no savepoint is live
 * (release without a live savepoint is a caller bug: ORB_NEVER in storage). */
int act_txn_savepoint(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err);
int act_txn_rollback_to(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err);
int act_txn_release(act_runtime_t *rt, uint64_t txn_id, orb_err_t *err);

/* Removes every row and index entry of a table, on all shards (after DROP TABLE committed). */
int act_table_drop_data(act_runtime_t *rt, uint32_t table_id, orb_err_t *err);
/* RocksDB's estimates of the bytes a table's rows (all shards) and its secondary index
 * entries take; of one secondary index's entries. */
int act_table_size(act_runtime_t *rt, uint32_t table_id, uint64_t *rows, uint64_t *indexes,
                   orb_err_t *err);
int act_index_size(act_runtime_t *rt, uint32_t table_id, uint32_t nshards, uint32_t index_id,
                   uint64_t *out, orb_err_t *err);
/* Removes the entries of one secondary index on every shard (after DROP INDEX). */
int act_index_drop_data(act_runtime_t *rt, uint32_t table_id, uint32_t nshards,
                        uint32_t index_id, orb_err_t *err);

/* A snapshot of the wait-for graph (act_deadlock.c): transaction `waiter` waits for a row
 * lock of table_id that transaction `holder` holds (0: not known yet). For pg_locks and
 * pg_blocking_pids. *out is malloc'd (caller frees); returns the count. Any thread. */
typedef struct act_lock_wait {
    uint64_t waiter, holder;
    uint32_t table_id;
} act_lock_wait_t;
size_t act_lock_waits(act_runtime_t *rt, act_lock_wait_t **out);

/* ---- progress of long operations (act_progress.c) ------------------------------------- */
/* A build's shards add to one entry: phase (the furthest any shard reached: 1 initializing,
 * 2 performing k-means, 3 loading tuples), tuples total and done. */
typedef struct act_progress {
    int phase;
    int64_t total, done;
} act_progress_t;
uint64_t act_progress_begin(act_runtime_t *rt); /* a new entry's id (never 0) */
void act_progress_end(act_runtime_t *rt, uint64_t id);
bool act_progress_get(act_runtime_t *rt, uint64_t id, act_progress_t *out); /* false: gone */

/* ---- sequences ------------------------------------------------------------------------- */
/* Sequences are non-transactional, as in PostgreSQL. Values are reserved in durable blocks,
 * so a restart never hands out a value twice (it may skip some). */
int act_seq_create(act_runtime_t *rt, uint64_t seq_id, int64_t start, int64_t increment,
                   int64_t min_value, int64_t max_value, orb_err_t *err);
int act_seq_next(act_runtime_t *rt, uint64_t seq_id, int64_t *out, orb_err_t *err);
int act_seq_set(act_runtime_t *rt, uint64_t seq_id, int64_t value, orb_err_t *err);
void act_seq_drop(act_runtime_t *rt, uint64_t seq_id);
/* A node-wide unique id generator for catalog objects (table ids, sequence ids), durable. */
int act_oid_next(act_runtime_t *rt, uint32_t *out, orb_err_t *err);

#endif
