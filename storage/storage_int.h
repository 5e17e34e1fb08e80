/* storage/storage_int.h — private structures shared by the storage/ .c files: the db
 * handle (st_db.c), the transaction (st_txn.c) and the iterator (st_iter.c), plus the
 * RocksDB errptr conversion helpers. Never included from outside storage/ (STYLE.md 1).
 * Invariants: every RocksDB errptr is converted with st__err_rocks/st__txn_status and
 * freed there; a txn owns its read snapshot (see README invariants 10 and 12). */
#ifndef ORB_STORAGE_INT_H
#define ORB_STORAGE_INT_H

#include "storage.h"

#include <rocksdb/c.h>

struct st_db {
    rocksdb_transactiondb_t *db;
    rocksdb_options_t *opts;
    rocksdb_transactiondb_options_t *txndb_opts;
    rocksdb_block_based_table_options_t *table_opts;
    rocksdb_cache_t *cache;
    rocksdb_cache_t *row_cache; /* point reads' values, ahead of the block cache */
    rocksdb_column_family_handle_t *cf_default; /* unused, RocksDB requires it */
    rocksdb_column_family_handle_t *cf[ST_CF__COUNT];
    rocksdb_writeoptions_t *wopts;      /* sync = sync_commit: used by every commit */
    rocksdb_writeoptions_t *wopts_sync; /* sync = true: put_sync, delete_range */
    rocksdb_writeoptions_t *wopts_group; /* sync = false: commits synced later by st_db_sync_wal */
    bool sync_commit;
    rocksdb_readoptions_t *ropts;       /* latest committed, no snapshot */
    rocksdb_transaction_options_t *txn_opts[2]; /* indexed by st_isolation_t */
    char *path;                                 /* malloc'd copy, for messages */
};

/* One entry per RocksDB savepoint still on the transaction's stack. RocksDB 7.8's C API
 * has no PopSavePoint, so a popped savepoint stays physically and is only marked released
 * (README invariant 8). */
typedef struct st_savepoint {
    bool released;
} st_savepoint_t;

struct st_txn {
    st_db_t *db;
    rocksdb_transaction_t *txn;
    st_isolation_t iso;
    /* READ COMMITTED: a db snapshot owned here, replaced per statement, NULL before the
     * first statement snapshot. REPEATABLE READ: the txn's own snapshot wrapper (malloc'd
     * by the C API; we free the wrapper with rocksdb_free, RocksDB releases the snapshot). */
    const rocksdb_snapshot_t *snap;
    rocksdb_readoptions_t *ropts;        /* carries snap (or none) */
    rocksdb_readoptions_t *ropts_latest; /* never a snapshot: RC locking reads */
    st_savepoint_t *sps;
    size_t nsps, capsps;
    uint64_t nwrites; /* puts and deletes issued; 0 lets commit skip the WAL (invariant 13) */
    /* the txn's own write batch, for st_txn_put_unlocked: a wrapper malloc'd by the C API
     * around the txn's WriteBatchWithIndex (owned by the txn; free the wrapper only) */
    rocksdb_writebatch_wi_t *wbwi;
    bool view; /* st_txn_view: reads only, at a borrowed snapshot */
};

struct st_iter {
    rocksdb_iterator_t *it;
    rocksdb_readoptions_t *ropts;
    char *lower, *upper; /* malloc'd copies that outlive the iterator; NULL = unbounded */
    size_t lown, upn;
    bool reverse;
};

/* Converts errptr (may be NULL: returns 0) into IO_ERROR "<what>: <rocksdb text>", frees
 * it and returns -1. */
int st__err_rocks(orb_err_t *err, char *errptr, const char *what);
/* Like st__err_rocks but classifies transactional failures: a lock timeout ("Operation
 * timed out") fills LOCK_NOT_AVAILABLE and returns ORB_AGAIN; a write conflict ("Resource
 * busy") fills 40001 and returns -1; a deadlock 40P01; anything else IO_ERROR. */
int st__txn_status(orb_err_t *err, char *errptr, const char *what);
/* Copies a RocksDB-malloc'd value into mcx (with a trailing NUL) and frees the original. */
char *st__copy_value(orb_mcx_t *mcx, char *v, size_t vn);

#endif
