/* sql/sql_shard.h — (sql-private) message building and shard access used by the executor:
 * datum conversion, write batches per shard (sent in parallel), batched scans. */
#ifndef ORB_SQL_SHARD_H
#define ORB_SQL_SHARD_H

#include "sql_int.h"

Orbit__Datum *sql_pb_datum(orb_mcx_t *mcx, uint32_t type, const sql_value_t *v);
Orbit__Datum **sql_pb_datums(orb_mcx_t *mcx, int n);
Orbit__Row *sql_pb_row(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals);
Orbit__Row *sql_pb_row_copy(orb_mcx_t *mcx, const Orbit__Row *src);
Orbit__Datum **sql_pk_datums(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals);

/* Write operations grouped by shard; flushed as one request per shard, in parallel. Every
 * op of a flush commits or fails together per shard, inside the statement's savepoint. */
typedef struct sql_wb {
    orb_mcx_t *mcx;
    const sql_table_t *table;
    uint64_t txn_id;
    Orbit__ShardOp ***ops;
    size_t *nops;
    size_t *caps;
    size_t total;
} sql_wb_t;
void sql_wb_init(sql_wb_t *wb, orb_mcx_t *mcx, const sql_table_t *t, uint64_t txn_id);
Orbit__ShardOp *sql_wb_add(sql_wb_t *wb, uint32_t shard, Orbit__ShardOp__Kind kind,
                           uint32_t index_id, Orbit__Datum **key, int nkey);
int sql_wb_flush(sql_wb_t *wb, act_runtime_t *rt, orb_err_t *err);

/* An evaluation context for the statement (no row bound). */
sql_eval_ctx_t sql_eval_ctx(sql_exec_ctx_t *xc, const sql_value_t *row);

#endif
