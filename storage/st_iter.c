/* storage/st_iter.c — range iterators over one column family through a transaction: the
 * txn's current read snapshot plus its own uncommitted writes, bounded to [lower, upper),
 * forward or reverse. Entry points: st_iter_create ... st_iter_destroy.
 * Invariants: the bound copies outlive the RocksDB iterator; bounds are also checked here
 * because the txn's write-batch overlay does not honour them (README invariant 11); an
 * iterator is destroyed before its transaction ends. */
#include "storage_int.h"

#include <stdlib.h>
#include <string.h>

static char *dup_bytes(const char *p, size_t n) {
    char *c = malloc(n ? n : 1);
    if (!c) orb_panic("out of memory");
    if (n) memcpy(c, p, n);
    return c;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c) return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Skips keys outside [lower, upper) that the overlay may surface at the start. */
static void settle(st_iter_t *it) {
    while (rocksdb_iter_valid(it->it)) {
        size_t kn;
        const char *k = rocksdb_iter_key(it->it, &kn);
        if (!it->reverse) {
            if (it->lower && cmp_bytes(k, kn, it->lower, it->lown) < 0) {
                rocksdb_iter_next(it->it);
                continue;
            }
        } else {
            if (it->upper && cmp_bytes(k, kn, it->upper, it->upn) >= 0) {
                rocksdb_iter_prev(it->it);
                continue;
            }
        }
        break;
    }
}

st_iter_t *st_iter_create(st_txn_t *t, st_cf_t cf, const char *lower, size_t lown,
                          const char *upper, size_t upn, bool reverse) {
    assert(cf < ST_CF__COUNT);
    st_iter_t *it = calloc(1, sizeof *it);
    if (!it) orb_panic("out of memory");
    it->reverse = reverse;
    it->ropts = rocksdb_readoptions_create();
    if (t->snap) rocksdb_readoptions_set_snapshot(it->ropts, t->snap);
    if (lower) {
        it->lower = dup_bytes(lower, lown);
        it->lown = lown;
        rocksdb_readoptions_set_iterate_lower_bound(it->ropts, it->lower, it->lown);
    }
    if (upper) {
        it->upper = dup_bytes(upper, upn);
        it->upn = upn;
        rocksdb_readoptions_set_iterate_upper_bound(it->ropts, it->upper, it->upn);
    }
    it->it = t->txn ? rocksdb_transaction_create_iterator_cf(t->txn, it->ropts, t->db->cf[cf])
                    : rocksdb_transactiondb_create_iterator_cf(t->db->db, it->ropts, t->db->cf[cf]); /* a view */
    if (!reverse) {
        if (it->lower)
            rocksdb_iter_seek(it->it, it->lower, it->lown);
        else
            rocksdb_iter_seek_to_first(it->it);
    } else {
        if (it->upper)
            rocksdb_iter_seek_for_prev(it->it, it->upper, it->upn);
        else
            rocksdb_iter_seek_to_last(it->it);
    }
    settle(it);
    return it;
}

bool st_iter_valid(st_iter_t *it) {
    if (!rocksdb_iter_valid(it->it)) return false;
    size_t kn;
    const char *k = rocksdb_iter_key(it->it, &kn);
    if (it->lower && cmp_bytes(k, kn, it->lower, it->lown) < 0) return false;
    if (it->upper && cmp_bytes(k, kn, it->upper, it->upn) >= 0) return false;
    return true;
}

void st_iter_next(st_iter_t *it) {
    if (it->reverse)
        rocksdb_iter_prev(it->it);
    else
        rocksdb_iter_next(it->it);
}

const char *st_iter_key(st_iter_t *it, size_t *n) { return rocksdb_iter_key(it->it, n); }

const char *st_iter_value(st_iter_t *it, size_t *n) { return rocksdb_iter_value(it->it, n); }

int st_iter_status(st_iter_t *it, orb_err_t *err) {
    char *errptr = NULL;
    rocksdb_iter_get_error(it->it, &errptr);
    return st__err_rocks(err, errptr, "could not iterate storage");
}

void st_iter_destroy(st_iter_t *it) {
    if (!it) return;
    rocksdb_iter_destroy(it->it);
    rocksdb_readoptions_destroy(it->ropts);
    free(it->lower);
    free(it->upper);
    free(it);
}
