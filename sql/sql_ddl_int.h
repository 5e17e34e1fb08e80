/* sql/sql_ddl_int.h — (sql-private) what the DDL files share: generic catalog
 * records (sql_catalog.c), sequences as objects and
 * nextval/currval/setval/lastval (sql_sequence.c), schemas (sql_schema.c),
 * TRUNCATE (sql_ddl.c) and the session's sequence state (sql_session.c). Never
 * included from outside sql/. See README.md ("Catalog", "Sequences and
 * schemas"). */
#ifndef ORB_SQL_DDL_INT_H
#define ORB_SQL_DDL_INT_H

#include "sql_int.h"

/* ---- CREATE / DROP EXTENSION (sql_extension.c): only "vector" is available -------------- */
int sql_exec_create_extension(sql_session_t *s, PgQuery__CreateExtensionStmt *cs, orb_err_t *err);
int sql_exec_drop_extension(sql_session_t *s, PgQuery__DropStmt *ds, orb_err_t *err);

/* ---- COMMENT ON (sql_comment.c): stored as ("comment", classoid, objoid, objsubid) ------ */
int sql_exec_comment(sql_session_t *s, PgQuery__CommentStmt *cs, orb_mcx_t *mcx, orb_err_t *err);

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
/* Deletes every catalog record of e's database (DROP DATABASE, after its tables). */
int sql_catalog_purge(sql_engine_t *e, orb_err_t *err);
/* New references to the tables of schema; caller releases each and frees *out.
 */
int sql_catalog_tables_in_schema(sql_engine_t *e, const char *schema,
                                 sql_table_t ***out, int *n);

/* A new reference to the table or view with this id, NULL when there is none. */
sql_table_t *sql_catalog_get_by_id(sql_engine_t *e, uint32_t id);
/* A copy of desc (protobuf-c allocator; free with orbit__table_desc__free_unpacked). */
Orbit__TableDesc *sql_table_desc_copy(const Orbit__TableDesc *desc);
/* Replaces the cached and persisted definition of table desc->table_id by desc (copied).
 * desc->version must be the current version + 1 (40001 otherwise: a concurrent ALTER);
 * a new name must be free (42P07). Statements holding the old sql_table_t keep it. */
int sql_catalog_replace_table(sql_engine_t *e, const Orbit__TableDesc *desc,
                              orb_err_t *err);
/* New references to the views that read relation id (view_deps), in oid order; caller
 * releases each and frees *out. */
int sql_catalog_dependents(sql_engine_t *e, uint32_t id, sql_table_t ***out,
                           int *n);
/* Records the ids of the relations sql_catalog_resolve finds on this thread between
 * begin and end (CREATE VIEW's dependencies); *ids malloc'd, caller frees. */
void sql_catalog_deps_begin(void);
int sql_catalog_deps_end(uint32_t **ids);
/* Pauses recording (views expanded inside a view are not its dependencies). */
bool sql_catalog_deps_suspend(void);
void sql_catalog_deps_restore(bool was);
/* The session's search_path as schema names ("$user" replaced by the user name), at most
 * max; schemas that do not exist are included. */
int sql_search_path(sql_session_t *s, char (*out)[64], int max);
/* The schema a CREATE puts an object in: given (3F000 when it does not exist), or the first
 * existing schema of search_path (3F000 "no schema has been selected to create in"). */
int sql_catalog_creation_schema(sql_session_t *s, const char *given, char *out,
                                size_t outn, orb_err_t *err);

/* ---- ALTER TABLE (sql_alter.c), views (sql_view.c) ---------------------------------- */
int sql_exec_alter_table(sql_session_t *s, PgQuery__AlterTableStmt *as,
                         orb_mcx_t *mcx, const char *text, orb_err_t *err);
int sql_exec_rename(sql_session_t *s, PgQuery__RenameStmt *rs, orb_err_t *err);
int sql_exec_create_view(sql_session_t *s, PgQuery__ViewStmt *vs, orb_mcx_t *mcx,
                         const char *text, orb_err_t *err);
int sql_exec_drop_views(sql_session_t *s, PgQuery__DropStmt *ds, orb_err_t *err);
/* 2BP01 when views read relation t (what PostgreSQL's DROP/ALTER report); with cascade
 * drops them instead, with PostgreSQL's NOTICE. what: "table" or "view". */
int sql_view_check_dependents(sql_session_t *s, sql_table_t *t, const char *what,
                              bool cascade, orb_err_t *err);

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
/* current_schemas(include_implicit boolean) -> name[]: the schemas of search_path that
 * exist, in order, with pg_catalog first when include_implicit (PostgreSQL 15). */
int sql_fn_current_schemas(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                           sql_value_t *result, orb_err_t *err);
/* The oid of schema name (fixed for pg_catalog 11, public 2200, information_schema 13183);
 * *exists false when there is no such schema. */
int sql_schema_oid(sql_engine_t *e, const char *name, uint32_t *oid, bool *exists,
                   orb_err_t *err);
/* Every schema as (name, oid), the built-in ones first, then the others in name order;
 * *out malloc'd, caller frees. */
typedef struct sql_schema_entry {
  char name[64];
  uint32_t oid;
} sql_schema_entry_t;
int sql_schema_list(sql_engine_t *e, sql_schema_entry_t **out, int *n, orb_err_t *err);
/* (sql_extension.c) the oid CREATE EXTENSION name gave it, 0 when not installed */
int sql_extension_oid(sql_engine_t *e, const char *name, uint32_t *oid, orb_err_t *err);
int sql_exec_create_schema(sql_session_t *s, PgQuery__CreateSchemaStmt *cs,
                           orb_err_t *err);
int sql_exec_drop_schemas(sql_session_t *s, PgQuery__DropStmt *ds,
                          orb_err_t *err);

/* ---- TRUNCATE (sql_ddl.c)
 * -------------------------------------------------------------- */
int sql_exec_truncate(sql_session_t *s, PgQuery__TruncateStmt *ts,
                      orb_err_t *err);
/* ---- VACUUM / ANALYZE (sql_vacuum.c): validated as PostgreSQL does, nothing to do -------- */
/* in_txn_block: inside BEGIN or a Query of several statements (VACUUM fails with 25001). */
int sql_exec_vacuum(sql_session_t *s, PgQuery__VacuumStmt *vs, bool in_txn_block,
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
/* The session's search_path setting (sql_session.c). */
const char *sql_session_search_path(sql_session_t *s);
/* A NOTICE with a DETAIL (e.g. "drop cascades to ..."), through the statement's
 * sink. */
void sql_session_notice_detail(sql_session_t *s, orb_sqlstate_t code,
                               const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
