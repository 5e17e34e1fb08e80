/* storage/st_sst.c — bulk loading through SST files: a writer for one sorted file of a column
 * family (RocksDB's SstFileWriter with the db's own options) and the atomic ingestion of a
 * set of such files. Entry points: st_sst_create/put/finish/destroy, st_db_ingest.
 * Invariants: keys are put in strictly increasing order; an ingestion makes all its files
 * visible at once or none (one MANIFEST record), and is durable when it returns. See README
 * "Bulk loading". */
#include "storage_int.h"

#include <stdlib.h>
#include <string.h>

struct st_sst {
    rocksdb_envoptions_t *env;
    rocksdb_sstfilewriter_t *w;
    uint64_t n;
};

st_sst_t *st_sst_create(st_db_t *db, const char *path, orb_err_t *err) {
    st_sst_t *s = calloc(1, sizeof *s);
    if (!s) orb_panic("out of memory creating an SST writer");
    s->env = rocksdb_envoptions_create();
    /* every column family shares db->opts (README "Column families"): same table format,
     * bloom filters and comparator as the files RocksDB writes itself */
    s->w = rocksdb_sstfilewriter_create(s->env, db->opts);
    char *errptr = NULL;
    rocksdb_sstfilewriter_open(s->w, path, &errptr);
    if (errptr) {
        st__err_rocks(err, errptr, "could not create bulk load file");
        st_sst_destroy(s);
        return NULL;
    }
    return s;
}

int st_sst_put(st_sst_t *s, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err) {
    char *errptr = NULL;
    rocksdb_sstfilewriter_put(s->w, k, kn, v, vn, &errptr);
    s->n++;
    return st__err_rocks(err, errptr, "could not write bulk load file");
}

int st_sst_finish(st_sst_t *s, orb_err_t *err) {
    char *errptr = NULL;
    rocksdb_sstfilewriter_finish(s->w, &errptr); /* syncs the file */
    return st__err_rocks(err, errptr, "could not finish bulk load file");
}

void st_sst_destroy(st_sst_t *s) {
    if (!s) return;
    rocksdb_sstfilewriter_destroy(s->w);
    rocksdb_envoptions_destroy(s->env);
    free(s);
}

int st_db_ingest(st_db_t *db, st_cf_t cf, const char *const *paths, size_t n, orb_err_t *err) {
    assert(cf < ST_CF__COUNT);
    if (n == 0) return 0;
    rocksdb_ingestexternalfileoptions_t *o = rocksdb_ingestexternalfileoptions_create();
    /* hard-link the files into the db (they are ours, written for this), give them a
     * sequence number newer than every snapshot, flush an overlapping memtable first */
    rocksdb_ingestexternalfileoptions_set_move_files(o, 1);
    rocksdb_ingestexternalfileoptions_set_snapshot_consistency(o, 1);
    rocksdb_ingestexternalfileoptions_set_allow_global_seqno(o, 1);
    rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(o, 1);
    char *errptr = NULL;
    /* The C API ingests through a rocksdb_t; a TransactionDB is a DB (StackableDB forwards
     * IngestExternalFile to the base db, bypassing the lock manager), and both C handles are
     * a struct holding just the C++ pointer, so the handle converts as the pointer does. */
    rocksdb_ingest_external_file_cf((rocksdb_t *)db->db, db->cf[cf], paths, n, o, &errptr);
    rocksdb_ingestexternalfileoptions_destroy(o);
    return st__err_rocks(err, errptr, "could not ingest bulk load files");
}
