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

/* st_ingest.cpp */
int st__ingest_multi(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t **cfs, size_t ncf,
                     const char *const *paths, const size_t *cf_of, size_t npaths, char **errptr);

int st_db_ingest(st_db_t *db, const st_cf_t *cf_of, const char *const *paths, size_t n,
                 orb_err_t *err) {
    if (n == 0) return 0;
    size_t *cfi = malloc(n * sizeof *cfi);
    if (!cfi) orb_panic("out of memory ingesting bulk load files");
    for (size_t i = 0; i < n; i++) {
        assert(cf_of[i] < ST_CF__COUNT);
        cfi[i] = (size_t)cf_of[i];
    }
    char *errptr = NULL;
    st__ingest_multi(db->db, db->cf, ST_CF__COUNT, paths, cfi, n, &errptr);
    free(cfi);
    if (errptr) {
        orb_err_set(err, IO_ERROR, "could not ingest bulk load files: %s", errptr);
        free(errptr); /* strdup'd by st_ingest.cpp */
        return -1;
    }
    return 0;
}
