/* storage/st_db.c — the node's RocksDB TransactionDB: open/close with the column families
 * "default" (unused), "catalog", "rows", "index"; non-transactional durable writes
 * (st_db_put_sync, st_db_delete_range) and latest-committed reads (st_db_get).
 * Invariants: every errptr becomes an orb_err_t here and is freed (README invariant 10);
 * commits use wopts (sync = sync_commit), put_sync/delete_range always sync (invariant 6). */
#include "storage_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const cf_names[ST_CF__COUNT + 1] = {"default", "catalog", "rows", "index", "kv"};

/* Keys per write batch in st_db_delete_range: bounds memory and lock count per write. */
#define DELETE_RANGE_BATCH 4096

int st__err_rocks(orb_err_t *err, char *errptr, const char *what) {
    if (!errptr) return 0;
    orb_err_set(err, IO_ERROR, "%s: %s", what, errptr);
    rocksdb_free(errptr);
    return -1;
}

char *st__copy_value(orb_mcx_t *mcx, char *v, size_t vn) {
    char *c = orb_alloc(mcx, vn + 1);
    if (vn) memcpy(c, v, vn);
    c[vn] = 0;
    rocksdb_free(v);
    return c;
}

/* mkdir -p; returns 0 or an errno. */
static int mkdir_parents(const char *path) {
    size_t n = strlen(path);
    char *tmp = malloc(n + 1);
    if (!tmp) orb_panic("out of memory");
    memcpy(tmp, path, n + 1);
    int rc = 0;
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != 0) continue;
        char save = tmp[i];
        tmp[i] = 0;
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
            rc = errno;
            break;
        }
        tmp[i] = save;
    }
    free(tmp);
    return rc;
}

static void db_free(st_db_t *db) {
    for (int i = 0; i < ST_CF__COUNT; i++)
        if (db->cf[i]) rocksdb_column_family_handle_destroy(db->cf[i]);
    if (db->cf_default) rocksdb_column_family_handle_destroy(db->cf_default);
    if (db->db) rocksdb_transactiondb_close(db->db);
    for (int i = 0; i < 2; i++)
        if (db->txn_opts[i]) rocksdb_transaction_options_destroy(db->txn_opts[i]);
    if (db->wopts) rocksdb_writeoptions_destroy(db->wopts);
    if (db->wopts_sync) rocksdb_writeoptions_destroy(db->wopts_sync);
    if (db->wopts_group) rocksdb_writeoptions_destroy(db->wopts_group);
    if (db->ropts) rocksdb_readoptions_destroy(db->ropts);
    if (db->txndb_opts) rocksdb_transactiondb_options_destroy(db->txndb_opts);
    if (db->opts) rocksdb_options_destroy(db->opts);
    if (db->table_opts) rocksdb_block_based_options_destroy(db->table_opts);
    if (db->cache) rocksdb_cache_destroy(db->cache);
    if (db->row_cache) rocksdb_cache_destroy(db->row_cache);
    free(db->path);
    free(db);
}

int st_db_open(const char *path, const st_db_options_t *opts, st_db_t **out, orb_err_t *err) {
    st_db_options_t defaults = {.sync_commit = true, .cache_mb = 64};
    if (!opts) opts = &defaults;
    *out = NULL;
    int e = mkdir_parents(path);
    if (e != 0)
        return orb_err_set(err, IO_ERROR, "could not open storage at \"%s\": %s", path,
                           strerror(e));

    st_db_t *db = calloc(1, sizeof *db);
    if (!db) orb_panic("out of memory");
    db->path = strdup(path);
    if (!db->path) orb_panic("out of memory");

    /* A quarter of the budget caches rows by key (RocksDB's row cache: a point read that hits
     * skips the filter, index and data block lookups), the rest caches blocks. */
    size_t cache_bytes = (opts->cache_mb ? opts->cache_mb : 64) << 20;
    db->cache = rocksdb_cache_create_lru(cache_bytes - cache_bytes / 4);
    db->row_cache = rocksdb_cache_create_lru(cache_bytes / 4);
    db->table_opts = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_block_cache(db->table_opts, db->cache);
    rocksdb_block_based_options_set_filter_policy(db->table_opts,
                                                  rocksdb_filterpolicy_create_bloom(10));
    rocksdb_block_based_options_set_cache_index_and_filter_blocks(db->table_opts, 1);
    rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(db->table_opts, 1);
    rocksdb_block_based_options_set_format_version(db->table_opts, 5);

    db->opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(db->opts, 1);
    rocksdb_options_set_create_missing_column_families(db->opts, 1);
    rocksdb_options_increase_parallelism(db->opts, 2);
    rocksdb_options_set_enable_pipelined_write(db->opts, 1);
    rocksdb_options_set_max_background_jobs(db->opts, 4);
    rocksdb_options_set_bytes_per_sync(db->opts, 1 << 20);
    rocksdb_options_set_level_compaction_dynamic_level_bytes(db->opts, 1);
    rocksdb_options_set_block_based_table_factory(db->opts, db->table_opts);
    rocksdb_options_set_keep_log_file_num(db->opts, 4);
    rocksdb_options_set_row_cache(db->opts, db->row_cache);

    db->txndb_opts = rocksdb_transactiondb_options_create();
    rocksdb_transactiondb_options_set_transaction_lock_timeout(db->txndb_opts, 0);

    const rocksdb_options_t *cf_opts[ST_CF__COUNT + 1];
    rocksdb_column_family_handle_t *handles[ST_CF__COUNT + 1] = {0};
    for (int i = 0; i <= ST_CF__COUNT; i++) cf_opts[i] = db->opts;

    char *errptr = NULL;
    db->db = rocksdb_transactiondb_open_column_families(db->opts, db->txndb_opts, path,
                                                        ST_CF__COUNT + 1, cf_names, cf_opts,
                                                        handles, &errptr);
    if (errptr) {
        orb_err_set(err, IO_ERROR, "could not open storage at \"%s\": %s", path, errptr);
        rocksdb_free(errptr);
        db->db = NULL;
        db_free(db);
        return -1;
    }
    db->cf_default = handles[0];
    for (int i = 0; i < ST_CF__COUNT; i++) db->cf[i] = handles[i + 1];

    db->wopts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(db->wopts, opts->sync_commit ? 1 : 0);
    db->wopts_sync = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(db->wopts_sync, 1);
    db->wopts_group = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(db->wopts_group, 0);
    db->sync_commit = opts->sync_commit;
    db->ropts = rocksdb_readoptions_create();
    for (int i = 0; i < 2; i++) {
        /* Never wait for a row lock (README invariant 5); no deadlock detection needed
         * since nobody waits. REPEATABLE READ sets the txn snapshot at begin so writes and
         * locking reads validate against it (write conflict -> 40001). */
        db->txn_opts[i] = rocksdb_transaction_options_create();
        rocksdb_transaction_options_set_lock_timeout(db->txn_opts[i], 0);
        rocksdb_transaction_options_set_deadlock_detect(db->txn_opts[i], 0);
        rocksdb_transaction_options_set_set_snapshot(db->txn_opts[i],
                                                     i == ST_REPEATABLE_READ ? 1 : 0);
    }
    orb_log(ORB_LOG_INFO, "storage", "opened storage path=%s sync_commit=%d cache_mb=%zu", path,
            opts->sync_commit ? 1 : 0, opts->cache_mb ? opts->cache_mb : 64);
    *out = db;
    return 0;
}

void st_db_close(st_db_t *db) {
    if (!db) return;
    db_free(db);
}

int st__approx_size(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t *cf, const char *lo,
                    size_t lon, const char *hi, size_t hin, uint64_t *out, char **errptr);

int st_db_approx_size(st_db_t *db, st_cf_t cf, const char *lo, size_t lon, const char *hi,
                      size_t hin, uint64_t *out, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    char *errptr = NULL;
    st__approx_size(db->db, db->cf[cf], lo, lon, hi, hin, out, &errptr);
    return st__err_rocks(err, errptr, "could not estimate a size");
}

int st_db_sync_wal(st_db_t *db, orb_err_t *err) {
    if (!db->sync_commit) return 0;
    char *errptr = NULL;
    rocksdb_transactiondb_flush_wal(db->db, 1, &errptr);
    return st__err_rocks(err, errptr, "could not sync the write-ahead log");
}

int st_db_put_sync(st_db_t *db, st_cf_t cf, const char *k, size_t kn, const char *v, size_t vn,
                   orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    char *errptr = NULL;
    rocksdb_transactiondb_put_cf(db->db, db->wopts_sync, db->cf[cf], k, kn, v, vn, &errptr);
    return st__err_rocks(err, errptr, "could not write to storage");
}

static int flush_batch(st_db_t *db, rocksdb_writebatch_t *wb, orb_err_t *err) {
    if (rocksdb_writebatch_count(wb) == 0) return 0;
    char *errptr = NULL;
    rocksdb_transactiondb_write(db->db, db->wopts_sync, wb, &errptr);
    rocksdb_writebatch_clear(wb);
    return st__err_rocks(err, errptr, "could not delete range from storage");
}

/* RocksDB 7.8's C API has no DeleteRange on a TransactionDB (and TransactionDB::Write
 * rejects range deletions), so iterate and delete point keys in synced batches. */
int st_db_delete_range(st_db_t *db, st_cf_t cf, const char *lower, size_t lown,
                       const char *upper, size_t upn, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    if (lower) rocksdb_readoptions_set_iterate_lower_bound(ro, lower, lown);
    if (upper) rocksdb_readoptions_set_iterate_upper_bound(ro, upper, upn);
    rocksdb_readoptions_set_fill_cache(ro, 0);
    rocksdb_iterator_t *it = rocksdb_transactiondb_create_iterator_cf(db->db, ro, db->cf[cf]);
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    int rc = 0;
    if (lower)
        rocksdb_iter_seek(it, lower, lown);
    else
        rocksdb_iter_seek_to_first(it);
    for (; rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kn;
        const char *k = rocksdb_iter_key(it, &kn);
        rocksdb_writebatch_delete_cf(wb, db->cf[cf], k, kn);
        if (rocksdb_writebatch_count(wb) >= DELETE_RANGE_BATCH && flush_batch(db, wb, err)) {
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        char *errptr = NULL;
        rocksdb_iter_get_error(it, &errptr);
        rc = st__err_rocks(err, errptr, "could not scan storage");
    }
    if (rc == 0) rc = flush_batch(db, wb, err);
    rocksdb_writebatch_destroy(wb);
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    return rc;
}

int st_db_get(st_db_t *db, st_cf_t cf, const char *k, size_t kn, orb_mcx_t *mcx, char **val,
              size_t *vn, bool *found, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    char *errptr = NULL;
    size_t n = 0;
    char *v = rocksdb_transactiondb_get_cf(db->db, db->ropts, db->cf[cf], k, kn, &n, &errptr);
    if (errptr) return st__err_rocks(err, errptr, "could not read from storage");
    *found = v != NULL;
    *val = v ? st__copy_value(mcx, v, n) : NULL;
    *vn = v ? n : 0;
    return 0;
}

int st_db_multi_exists(st_db_t *db, st_cf_t cf, size_t n, const char *const *keys,
                       const size_t *lens, bool *found, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    if (n == 0) return 0;
    const rocksdb_column_family_handle_t **cfs = malloc(n * sizeof *cfs);
    char **vals = malloc(n * sizeof *vals);
    size_t *vlens = malloc(n * sizeof *vlens);
    char **errs = malloc(n * sizeof *errs);
    if (!cfs || !vals || !vlens || !errs) orb_panic("out of memory reading keys");
    for (size_t i = 0; i < n; i++) cfs[i] = db->cf[cf];
    rocksdb_transactiondb_multi_get_cf(db->db, db->ropts, cfs, n, keys, lens, vals, vlens, errs);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        found[i] = vals[i] != NULL;
        if (vals[i]) rocksdb_free(vals[i]);
        if (errs[i]) {
            if (rc == 0) rc = st__err_rocks(err, errs[i], "could not read from storage");
            else rocksdb_free(errs[i]);
        }
    }
    free(cfs);
    free(vals);
    free(vlens);
    free(errs);
    return rc;
}
