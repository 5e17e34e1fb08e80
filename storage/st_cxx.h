// storage/st_cxx.h — for the C++ files of storage/ (st_ingest.cpp, st_size.cpp): the RocksDB
// 7.8 C API's handles (rocksdb/c.cc) are structs holding just the C++ pointer, declared opaque
// in c.h; these mirror their layout to reach the C++ objects for the calls the C API lacks.
#ifndef ORB_ST_CXX_H
#define ORB_ST_CXX_H

#include <rocksdb/c.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/transaction_db.h>

struct rocksdb_transactiondb_t {
    rocksdb::TransactionDB *rep;
};
struct rocksdb_column_family_handle_t {
    rocksdb::ColumnFamilyHandle *rep;
};

#endif
