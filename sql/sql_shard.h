/* sql/sql_shard.h — (sql-private) message building and shard access used by the executor:
 * datum conversion, write batches per shard (sent in parallel), batched scans. */
#ifndef ORB_SQL_SHARD_H
#define ORB_SQL_SHARD_H

#include "sql_int.h"

Orbit__Datum *sql_pb_datum(orb_mcx_t *mcx, uint32_t type, const sql_value_t *v);
Orbit__Datum **sql_pb_datums(orb_mcx_t *mcx, int n);
Orbit__Row *sql_pb_row(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals);
int sql_row_from_pb_at(const sql_table_t *t, const Orbit__Row *r, orb_mcx_t *mcx, int offset,
                       int width, sql_value_t **out, orb_err_t *err);
Orbit__Row *sql_pb_row_copy(orb_mcx_t *mcx, const Orbit__Row *src);
Orbit__Datum **sql_pk_datums(orb_mcx_t *mcx, const sql_table_t *t, const sql_value_t *vals);

/* Write operations grouped by shard; flushed as one request per shard, in parallel. Every
 * op of a flush commits or fails together per shard, inside the statement's savepoint. */
/* What a write op is about, to explain its failure (the key of a unique violation). */
typedef struct sql_wb_note {
    const sql_value_t *vals;
    const int *cols;
    int ncols;
    int64_t row_no; /* the caller's row number when noted (wb->row_no) */
} sql_wb_note_t;

typedef struct sql_wb {
    orb_mcx_t *mcx;
    const sql_table_t *table;
    uint64_t txn_id;
    Orbit__ShardOp ***ops;
    size_t *nops;
    size_t *caps;
    sql_wb_note_t ***notes; /* parallel to ops; NULL when nothing to explain */
    size_t total;
    /* COPY FROM (sql_copy.c): the input line of the rows being added, kept in each note; after
     * a failed flush, failed_row_no is the noted row of the failing op (0: unknown). */
    int64_t row_no;
    int64_t failed_row_no;
    /* COPY FROM: requests are sent as bulk (ShardRequest.bulk, actors/README "Bulk inserts") */
    bool bulk;
    bool bulk_files; /* ... and the shards may keep the rows in files until commit */
    act_call_t **calls; /* between sql_wb_post and sql_wb_wait: one per shard (or NULL) */
} sql_wb_t;
void sql_wb_init(sql_wb_t *wb, orb_mcx_t *mcx, const sql_table_t *t, uint64_t txn_id);
Orbit__ShardOp *sql_wb_add(sql_wb_t *wb, uint32_t shard, Orbit__ShardOp__Kind kind,
                           uint32_t index_id, Orbit__Datum **key, int nkey);
/* Notes the last op added for shard: a unique violation there reports these key columns. */
void sql_wb_note(sql_wb_t *wb, uint32_t shard, const sql_value_t *vals, const int *cols, int ncols);
int sql_wb_flush(sql_wb_t *wb, act_runtime_t *rt, orb_err_t *err);
/* sql_wb_flush in two steps, so the caller can prepare the next batch meanwhile (COPY):
 * post sends every shard's request; wait collects the replies (every call, also after a
 * failure) and empties the batch. Memory of wb (notes, ops) must live until wait returns. */
void sql_wb_post(sql_wb_t *wb, act_runtime_t *rt);
int sql_wb_wait(sql_wb_t *wb, orb_err_t *err);
/* Adds the VEC_ADD of vector index u for a row written with key (nothing for a NULL vector):
 * the row's shard indexes the vector (sql_vindex.c). */
int sql_vindex_add(sql_wb_t *wb, const sql_table_t *t, const sql_unique_t *u,
                   const sql_value_t *vals, Orbit__Datum **key, int nkey, orb_err_t *err);
/* COPY FROM (sql_copy.c): one row of an INSERT analyzed from INSERT INTO t (cols) DEFAULT
 * VALUES through the INSERT path: vals holds the given columns (q->explicit_cols), the others
 * take their defaults; NOT NULL and CHECK are checked; the row and its index entries go into
 * wb (flushed by the caller). Memory in xc->mcx. */
int sql_exec_insert_row(sql_exec_ctx_t *xc, sql_query_t *q, sql_wb_t *wb, sql_value_t *vals,
                        orb_err_t *err);
/* Text of a value as PostgreSQL prints it ("null" for NULL), and "Key (a)=(1) already exists." */
const char *sql_value_text(orb_mcx_t *mcx, uint32_t type, const sql_value_t *v);
const char *sql_key_detail(orb_mcx_t *mcx, const sql_table_t *t, const int *cols, int n,
                           const sql_value_t *vals);

/* Posts a request of one op to shard `shard` of t, in the statement's transaction. */
act_call_t *sql_shard_post1(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t shard,
                            Orbit__ShardOp *op);
/* The same, counted in gather g (act_gather_t: wait for g before gathering the replies). */
act_call_t *sql_shard_post1_in(act_gather_t *g, sql_exec_ctx_t *xc, const sql_table_t *t,
                               uint32_t shard, Orbit__ShardOp *op);
/* The key bounds of a path's range (equality prefix, then the range on the next column).
 * empty: a bound is NULL, so no row can match. */
typedef struct sql_key_range {
    Orbit__Datum **lower, **upper;
    int nlower, nupper;
    bool lower_incl, upper_incl;
    bool empty;
} sql_key_range_t;
int sql_shard_key_range(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p,
                        sql_key_range_t *kr, orb_err_t *err);
/* Waits for one call of a scatter: its reply, or NULL when it failed, keeping only the first
 * failure of the scatter in *err (*rc 0 -> -1). The reply is owned by the call. */
Orbit__ShardReply *sql_shard_gather(act_call_t *call, int *rc, orb_err_t *err);
/* Reads (lock: locks and reads the latest committed version of) the entry a key names, on
 * the shard the key routes to. *res (0 or 1 row) is owned by *call: free with act_call_free,
 * also on failure. */
int sql_shard_get(sql_exec_ctx_t *xc, const sql_table_t *t, uint32_t index_id,
                  Orbit__Datum **key, int nkey, bool lock, act_call_t **call,
                  Orbit__OpResult **res, orb_err_t *err);

/* An evaluation context for the statement (no row bound). */
sql_eval_ctx_t sql_eval_ctx(sql_exec_ctx_t *xc, const sql_value_t *row);

#endif
