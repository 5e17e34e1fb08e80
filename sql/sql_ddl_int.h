/* sql/sql_ddl_int.h — (sql-private) what the DDL files share: generic catalog
 * records (sql_catalog.c), sequences as objects and
 * nextval/currval/setval/lastval (sql_sequence.c), schemas (sql_schema.c),
 * TRUNCATE (sql_ddl.c) and the session's sequence state (sql_session.c). Never
 * included from outside sql/. See README.md ("Catalog", "Sequences and
 * schemas"). */
#ifndef ORB_SQL_DDL_INT_H
#define ORB_SQL_DDL_INT_H

#include "sql_int.h"

/* ---- generic catalog records (sql_catalog.c)
 * -------------------------------------------- */
/* A catalog key made of text parts, e.g. ("sequence", schema, name). */
#define SQL_CAT_KEY_MAX 4
typedef struct sql_cat_key {
  int n;
  const char *parts[SQL_CAT_KEY_MAX];
} sql_cat_key_t;

/* Writes (overwrites) the record key -> vals through the catalog actor; durable
 * on return. */
int sql_catalog_record_put(sql_engine_t *e, const sql_cat_key_t *key,
                           Orbit__Datum **vals, size_t nvals, orb_err_t *err);
int sql_catalog_record_delete(sql_engine_t *e, const sql_cat_key_t *key,
                              orb_err_t *err);
/* exact: the one record at key (cb not called when absent); otherwise every
 * record whose key starts with the parts of key, in key order. key and row are
 * borrowed for the call. A cb returning -1 stops the scan and makes the call
 * return -1 (cb fills its own error). */
int sql_catalog_record_scan(sql_engine_t *e, const sql_cat_key_t *key,
                            bool exact,
                            int (*cb)(void *arg, const Orbit__Row *key,
                                      const Orbit__Row *row),
                            void *arg, orb_err_t *err);
/* New references to the tables of schema; caller releases each and frees *out.
 */
int sql_catalog_tables_in_schema(sql_engine_t *e, const char *schema,
                                 sql_table_t ***out, int *n);

/* ---- sequences (sql_sequence.c)
 * ------------------------------------------------------- */
typedef struct sql_seq_def {
  uint64_t id; /* act_seq_* id */
  char schema[64];
  char name[64];
  uint32_t type; /* SQL_OID_INT2 / INT4 / INT8 */
  int64_t start, increment, min_value, max_value, cache;
  bool cycle;
  uint32_t owner_table; /* serial / identity: the table, 0 none */
  int32_t owner_attnum; /* 1-based column of owner_table */
  bool identity;        /* owned by an identity column (not a serial default) */
} sql_seq_def_t;

/* Looks a sequence up by (schema, name); schema NULL: "public". *found false
 * when absent. */
int sql_sequence_lookup(sql_engine_t *e, const char *schema, const char *name,
                        sql_seq_def_t *out, bool *found, orb_err_t *err);
/* Persists def (the act_seq_* state must already exist). */
int sql_sequence_store(sql_engine_t *e, const sql_seq_def_t *def,
                       orb_err_t *err);
/* The sequences of a schema (all of them when schema NULL), in name order; *out
 * malloc'd, caller frees. */
int sql_sequence_list(sql_engine_t *e, const char *schema, sql_seq_def_t **out,
                      int *n, orb_err_t *err);
/* A free name "<table>_<col>_seq" (PostgreSQL adds a digit when taken), written
 * to out. */
int sql_sequence_owned_name(sql_engine_t *e, const char *schema,
                            const char *table, const char *col, char *out,
                            size_t outn, orb_err_t *err);
/* Removes the records of the sequences owned by table_id (the values go with
 * the table). */
int sql_sequence_forget_owned(sql_engine_t *e, const char *schema,
                              uint32_t table_id, orb_err_t *err);
/* Resets a sequence to its START (TRUNCATE ... RESTART IDENTITY). */
int sql_sequence_restart(sql_engine_t *e, const sql_seq_def_t *def,
                         orb_err_t *err);

int sql_exec_create_sequence(sql_session_t *s, PgQuery__CreateSeqStmt *cs,
                             orb_mcx_t *mcx, const char *text, orb_err_t *err);
int sql_exec_drop_sequences(sql_session_t *s, PgQuery__DropStmt *ds,
                            orb_err_t *err);

/* Builtins (sql_fn_cb). Argument 1 is the sequence name as text (regclass input
 * rules: "s", "sch.s", "\"S\""). All volatile and strict, result int8:
 *   nextval(text), currval(text), setval(text, int8), setval(text, int8, bool),
 * lastval(). */
int sql_fn_nextval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err);
int sql_fn_currval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err);
int sql_fn_setval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                  sql_value_t *result, orb_err_t *err);
int sql_fn_lastval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err);

/* ---- schemas (sql_schema.c)
 * ------------------------------------------------------------ */
/* public, pg_catalog and information_schema always exist. */
int sql_schema_exists(sql_engine_t *e, const char *name, bool *exists,
                      orb_err_t *err);
int sql_exec_create_schema(sql_session_t *s, PgQuery__CreateSchemaStmt *cs,
                           orb_err_t *err);
int sql_exec_drop_schemas(sql_session_t *s, PgQuery__DropStmt *ds,
                          orb_err_t *err);

/* ---- TRUNCATE (sql_ddl.c)
 * -------------------------------------------------------------- */
int sql_exec_truncate(sql_session_t *s, PgQuery__TruncateStmt *ts,
                      orb_err_t *err);
/* Drops one table (catalog record, rows, owned sequences). */
int sql_ddl_drop_table(sql_session_t *s, sql_table_t *t, orb_err_t *err);

/* ---- the session's sequence state (sql_session.c)
 * -------------------------------------- */
/* Records v as currval of seq_id in this session; as_last: also lastval's
 * sequence. The executor calls it for serial/identity values too, so
 * currval('t_id_seq') works. */
void sql_session_seq_note(sql_session_t *s, uint64_t seq_id, int64_t v,
                          bool as_last);
/* false when nextval was not called for seq_id in this session */
bool sql_session_seq_currval(sql_session_t *s, uint64_t seq_id, int64_t *v);
/* false when no nextval was called in this session; *seq_id is the sequence */
bool sql_session_seq_lastval(sql_session_t *s, uint64_t *seq_id, int64_t *v);
/* A NOTICE with a DETAIL (e.g. "drop cascades to ..."), through the statement's
 * sink. */
void sql_session_notice_detail(sql_session_t *s, orb_sqlstate_t code,
                               const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
