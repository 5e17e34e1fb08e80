// storage/st_size.cpp — DB::GetApproximateSizes (files and memtables) for a key range of one
// column family, which the 7.8 C API offers for plain DBs only. Entry point: st__approx_size
// (st_db.c's st_db_approx_size). An estimate: RocksDB's own, from SST index blocks.
#include "st_cxx.h"

#include <cstdlib>
#include <cstring>

extern "C" int st__approx_size(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t *cf,
                               const char *lo, size_t lon, const char *hi, size_t hin,
                               uint64_t *out, char **errptr);

extern "C" int st__approx_size(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t *cf,
                               const char *lo, size_t lon, const char *hi, size_t hin,
                               uint64_t *out, char **errptr) {
    *out = 0;
    try {
        rocksdb::SizeApproximationOptions o;
        o.include_memtables = true;
        o.include_files = true;
        rocksdb::Range r(rocksdb::Slice(lo, lon), rocksdb::Slice(hi, hin));
        rocksdb::Status s = db->rep->GetApproximateSizes(o, cf->rep, &r, 1, out);
        if (!s.ok()) {
            *errptr = strdup(s.ToString().c_str());
            return -1;
        }
        return 0;
    } catch (...) {
        *errptr = strdup("could not estimate a size");
        return -1;
    }
}
