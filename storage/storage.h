/* storage/storage.h — the public header of storage/: one RocksDB TransactionDB per node,
 * order-preserving key encoding, compact row encoding, transactions, iterators.
 * Prefix st_. Depends on nothing but common/. See storage/README.md for the key layout
 * and invariants. Thread-safety: st_db_t is shared by all threads; an st_txn_t is used by
 * one thread at a time (callers serialise, see actors/README.md). */
#ifndef ORB_STORAGE_H
#define ORB_STORAGE_H

#include "../common/common.h"

/* ---- values ---------------------------------------------------------------------------- */
/* The kinds storage knows. SQL types map onto them (sql/README.md). A column always holds
 * one kind (or NULL), so keys never compare values of different kinds. */
typedef enum st_kind {
    ST_NULL = 0,
    ST_BOOL,
    ST_INT,     /* int64 */
    ST_FLOAT,   /* double */
    ST_NUMERIC, /* canonical decimal text "-12.340" in p/n */
    ST_TEXT,    /* bytes in p/n, compared bytewise */
    ST_BYTES,   /* bytes in p/n, compared bytewise */
} st_kind_t;

typedef struct st_val {
    st_kind_t kind;
    bool b;
    int64_t i;
    double f;
    const char *p; /* borrowed: owner documented by the function that fills it */
    size_t n;
} st_val_t;

/* ---- key encoding (st_key.c) -------------------------------------------------------- */
/* Key = table_id (u32 BE) | shard (u16 BE) | index_id (u16 BE) | encoded values.
 * memcmp order of encoded values == SQL ascending order, NULL sorting after every value
 * (PostgreSQL's NULLS LAST for ASC). Encodings are prefix-free, so a key of a prefix of the
 * columns is a prefix of the full key. */
#define ST_KEY_PREFIX_LEN 8
void st_key_prefix(orb_buf_t *b, uint32_t table_id, uint32_t shard, uint32_t index_id);
/* Appends one encoded value. Fails (22P02) only for a malformed numeric text. */
int st_key_append(orb_buf_t *b, const st_val_t *v, orb_err_t *err);
/* Decodes one value starting at *off, advancing *off. Text/bytes/numeric are copied into
 * mcx. Fails with XX001 on malformed input. */
int st_key_decode(const char *key, size_t len, size_t *off, orb_mcx_t *mcx, st_val_t *out,
                  orb_err_t *err);
/* Makes b the smallest key greater than every key that starts with b's current bytes
 * (an exclusive upper bound for a prefix scan). Returns false if none exists (all 0xFF). */
bool st_key_prefix_successor(orb_buf_t *b);
/* Shard routing hash of the encoded key columns (stable across versions and nodes). */
uint64_t st_key_hash(const char *p, size_t n);

/* ---- row encoding (st_row.c) -------------------------------------------------------- */
/* Row = varint schema_version | varint ncols | per column: kind byte + payload
 * (zigzag varint ints, 8-byte doubles, varint length + bytes). */
void st_row_encode(orb_buf_t *b, uint32_t schema_version, const st_val_t *vals, size_t n);
/* Decodes into an array allocated in mcx; p/n of text values point into mcx copies.
 * Fails with XX001 on truncated or malformed input, never reads past len. */
int st_row_decode(const char *row, size_t len, orb_mcx_t *mcx, uint32_t *schema_version,
                  st_val_t **vals, size_t *nvals, orb_err_t *err);

/* ---- database (st_db.c) ------------------------------------------------------------- */
typedef enum st_cf {
    ST_CF_CATALOG = 0, /* catalog records: tables, sequences, settings */
    ST_CF_ROWS,        /* table rows (index_id 0) */
    ST_CF_INDEX,       /* secondary index entries (index_id > 0) */
    ST_CF_KV,          /* Redis data of the kv-shard actors (actors/README.md "kv-shard") */
    ST_CF__COUNT
} st_cf_t;

typedef struct st_db st_db_t;
typedef struct st_db_options {
    bool sync_commit;     /* fsync the WAL before a commit returns (default true) */
    size_t cache_mb;      /* block cache size */
} st_db_options_t;

int st_db_open(const char *path, const st_db_options_t *opts, st_db_t **out, orb_err_t *err);
void st_db_close(st_db_t *db);
/* Non-transactional durable write (sequences' high-water marks). */
/* RocksDB's estimate of the bytes keys [lo, hi) of cf take, in SST files and memtables. */
int st_db_approx_size(st_db_t *db, st_cf_t cf, const char *lo, size_t lon, const char *hi,
                      size_t hin, uint64_t *out, orb_err_t *err);
/* fsyncs the WAL: every commit that returned before the call is durable when it returns 0.
 * No-op when the db was opened without sync_commit. */
int st_db_sync_wal(st_db_t *db, orb_err_t *err);
int st_db_put_sync(st_db_t *db, st_cf_t cf, const char *k, size_t kn, const char *v, size_t vn,
                   orb_err_t *err);

/* Non-transactional removal of every key in [lower, upper) of cf, durable (DROP TABLE after
 * its catalog record is gone; table ids are never reused). */
int st_db_delete_range(st_db_t *db, st_cf_t cf, const char *lower, size_t lown,
                       const char *upper, size_t upn, orb_err_t *err);
/* Reads the latest committed value outside any transaction; *val allocated in mcx. */
int st_db_get(st_db_t *db, st_cf_t cf, const char *k, size_t kn, orb_mcx_t *mcx, char **val,
              size_t *vn, bool *found, orb_err_t *err);

/* ---- transactions (st_txn.c) -------------------------------------------------------- */
typedef struct st_txn st_txn_t;
typedef enum st_isolation { ST_READ_COMMITTED = 0, ST_REPEATABLE_READ } st_isolation_t;

/* Begins a pessimistic RocksDB transaction. Row locks are taken without waiting: a busy
 * lock returns ORB_AGAIN and the caller retries later (actors never block their loop). */
st_txn_t *st_txn_begin(st_db_t *db, st_isolation_t iso);
/* Group commit: a transaction whose commit writes the WAL without waiting for its fsync. It
 * is durable only once a later st_db_sync_wal returns 0; the caller must not acknowledge it
 * (nor anything that read its writes) before that. */
st_txn_t *st_txn_begin_group(st_db_t *db, st_isolation_t iso);
/* Takes a fresh read snapshot for the next statement (READ COMMITTED); no-op under
 * REPEATABLE READ. */
void st_txn_statement_snapshot(st_txn_t *t);
/* A read-only transaction that reads at t's current snapshot (the latest committed data when
 * t has none yet), for reads of t's statement that run on other threads while t itself is
 * in use: it sees none of t's writes, so use it only while t has none (st_txn_has_writes);
 * it borrows t's snapshot, so end it (st_txn_rollback) before t's next statement snapshot
 * and before t ends. Never written to. */
st_txn_t *st_txn_view(st_txn_t *t);
void st_txn_savepoint(st_txn_t *t);
int st_txn_rollback_to_savepoint(st_txn_t *t, orb_err_t *err);
void st_txn_pop_savepoint(st_txn_t *t);
/* Point read through the snapshot (own writes visible). for_update: lock the key and read
 * the latest committed version; returns ORB_AGAIN when the lock is held by another txn.
 * *val is allocated in mcx; *found false when absent. */
int st_txn_get(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, bool for_update,
               orb_mcx_t *mcx, char **val, size_t *vn, bool *found, orb_err_t *err);
/* Writes lock the key; ORB_AGAIN when another transaction holds it. */
int st_txn_put(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, const char *v, size_t vn,
               orb_err_t *err);
int st_txn_delete(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, orb_err_t *err);
/* Bulk loading (COPY FROM, actors/README.md "Bulk inserts"). A put into the transaction's
 * write batch WITHOUT a row lock: the caller guarantees that no other transaction can write
 * the key before this one ends. It is committed, rolled back and undone by savepoints like
 * any other write, and reads of this transaction see it. */
void st_txn_put_unlocked(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, const char *v,
                         size_t vn);
/* The same for a delete (keys only this caller ever writes, e.g. vector index labels). */
void st_txn_delete_unlocked(st_txn_t *t, st_cf_t cf, const char *k, size_t kn);
/* Whether the transaction has issued any put or delete. */
bool st_txn_has_writes(const st_txn_t *t);
/* Whether this transaction's own (uncommitted) writes hold a value for the key. */
int st_txn_batch_has(st_txn_t *t, st_cf_t cf, const char *k, size_t kn, bool *found,
                     orb_err_t *err);
/* Whether each of n keys has a latest committed value in cf (one RocksDB MultiGet, no
 * locks, no snapshot). found[i] is set for every i. */
int st_db_multi_exists(st_db_t *db, st_cf_t cf, size_t n, const char *const *keys,
                       const size_t *lens, bool *found, orb_err_t *err);
/* Commit: durable (WAL synced when sync_commit) before it returns 0. Frees the txn either
 * way. */
int st_txn_commit(st_txn_t *t, orb_err_t *err);
/* Rollback and free. */
void st_txn_rollback(st_txn_t *t);

/* ---- bulk loading through SST files (st_sst.c) ---------------------------------------- */
/* A sorted file for one column family, written outside any transaction and made visible
 * later by st_db_ingest. Keys must be put in strictly increasing order. */
typedef struct st_sst st_sst_t;
st_sst_t *st_sst_create(st_db_t *db, const char *path, orb_err_t *err);
int st_sst_put(st_sst_t *s, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err);
int st_sst_finish(st_sst_t *s, orb_err_t *err); /* synced when it returns 0 */
void st_sst_destroy(st_sst_t *s);               /* the file stays; NULL is fine */
/* Makes the files' entries visible at once (one atomic, durable ingestion into the column
 * families cf_of[i] of paths[i]; newer than every existing version of their keys). The files
 * are moved (hard-linked) into the db. */
int st_db_ingest(st_db_t *db, const st_cf_t *cf_of, const char *const *paths, size_t n,
                 orb_err_t *err);

/* ---- iterators (st_iter.c) ---------------------------------------------------------- */
/* Iterates keys in [lower, upper) of cf through the txn's snapshot, own writes included.
 * The bounds are copied. Caller frees with st_iter_destroy (or ties it to a context). */
typedef struct st_iter st_iter_t;
st_iter_t *st_iter_create(st_txn_t *t, st_cf_t cf, const char *lower, size_t lown,
                          const char *upper, size_t upn, bool reverse);
bool st_iter_valid(st_iter_t *it);
void st_iter_next(st_iter_t *it);
const char *st_iter_key(st_iter_t *it, size_t *n);   /* borrowed until the next move */
const char *st_iter_value(st_iter_t *it, size_t *n); /* borrowed until the next move */
int st_iter_status(st_iter_t *it, orb_err_t *err);   /* 0, or -1 with the RocksDB error */
void st_iter_destroy(st_iter_t *it);

#endif
