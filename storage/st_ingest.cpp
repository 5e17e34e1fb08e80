// storage/st_ingest.cpp — the one RocksDB call the 7.8 C API lacks for bulk loading:
// DB::IngestExternalFiles, which ingests files into several column families atomically (one
// MANIFEST record). Entry point: st__ingest_multi (st_sst.c). See README "Bulk loading".
#include "st_cxx.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" int st__ingest_multi(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t **cfs,
                                size_t ncf, const char *const *paths, const size_t *cf_of,
                                size_t npaths, char **errptr);

extern "C" int st__ingest_multi(rocksdb_transactiondb_t *db, rocksdb_column_family_handle_t **cfs,
                                size_t ncf, const char *const *paths, const size_t *cf_of,
                                size_t npaths, char **errptr) {
    try {
        std::vector<rocksdb::IngestExternalFileArg> args;
        for (size_t c = 0; c < ncf; c++) {
            rocksdb::IngestExternalFileArg a;
            a.column_family = cfs[c]->rep;
            // hard-link the files (ours, written for this), a sequence number newer than every
            // snapshot, flush an overlapping memtable first
            a.options.move_files = true;
            a.options.snapshot_consistency = true;
            a.options.allow_global_seqno = true;
            a.options.allow_blocking_flush = true;
            for (size_t i = 0; i < npaths; i++)
                if (cf_of[i] == c) a.external_files.emplace_back(paths[i]);
            if (!a.external_files.empty()) args.push_back(std::move(a));
        }
        if (args.empty()) return 0;
        // A TransactionDB is a StackableDB: ingestion goes to the base db, past the lock manager.
        rocksdb::Status s = db->rep->IngestExternalFiles(args);
        if (s.ok()) return 0;
        *errptr = strdup(s.ToString().c_str());
    } catch (const std::exception &e) {
        *errptr = strdup(e.what());
    }
    return -1;
}
