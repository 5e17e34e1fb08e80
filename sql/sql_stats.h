/* sql/sql_stats.h — (sql-private) the statistics counters of one database (sql_stats.c): per
 * table and per index (scans, rows read and fetched, rows inserted/updated/deleted, live rows,
 * VACUUM/ANALYZE times and counts) and per database (transactions, rows), as PostgreSQL's
 * cumulative statistics system keeps them for pg_stat_database, pg_stat_*_tables and
 * pg_stat_*_indexes. In memory only; live rows are recounted from the shards when unknown.
 * See README.md ("Statistics"). */
#ifndef ORB_SQL_STATS_H
#define ORB_SQL_STATS_H

#include "sql_int.h"

/* One relation's counters (a table, or one of its indexes: then only the idx_* fields). */
typedef struct sql_stat_rel {
    int64_t seq_scan, seq_tup_read;
    int64_t idx_scan, idx_tup_read, idx_tup_fetch;
    int64_t n_tup_ins, n_tup_upd, n_tup_del;
    int64_t n_live_tup, n_mod_since_analyze, n_ins_since_vacuum;
    int64_t vacuum_count, analyze_count;
    int64_t last_vacuum_us, last_analyze_us; /* 0: never (NULL) */
    bool live_known; /* n_live_tup is counted (else recounted when read) */
} sql_stat_rel_t;

typedef struct sql_stat_db {
    int64_t xact_commit, xact_rollback;
    int64_t tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted;
    int64_t deadlocks, sessions;
    int64_t stats_reset_us; /* 0: never reset (NULL) */
} sql_stat_db_t;

typedef struct sql_stats sql_stats_t;
/* Created with its engine (sql_session.c engine_new), destroyed with it. */
sql_stats_t *sql_stats_create(void);
void sql_stats_destroy(sql_stats_t *st);

/* A scan of table table_id that handed the executor `rows` rows: index_id < 0 a sequential
 * scan (SQL_ACCESS_FULL), else a scan of that index (0: the primary key). Any thread. */
void sql_stats_count_scan(sql_engine_t *e, uint32_t table_id, int index_id, int64_t rows);

/* A session connected to e's database; a statement of one failed with 40P01. */
void sql_stats_note_session(sql_engine_t *e);
void sql_stats_note_deadlock(sql_engine_t *e);

/* The writes of a transaction, kept by its session until it ends (PostgreSQL counts n_tup_*
 * for committed and aborted transactions alike, n_live_tup only for committed ones). */
typedef struct sql_stats_xact {
    struct sql_stats_pend *v; /* malloc'd */
    int n, cap;
    /* one copy of v per open savepoint, oldest first: ROLLBACK TO restores what would be
     * committed (rows written since then still count in n_tup_*) */
    struct sql_stats_snap *snaps;
    int nsnaps, capsnaps;
} sql_stats_xact_t;
void sql_stats_note_write(sql_stats_xact_t *x, uint32_t table_id, int64_t ins, int64_t upd,
                          int64_t del);
/* The transaction ended (commit or rollback): its writes and one xact_commit/xact_rollback
 * go to e's counters; x is emptied. */
void sql_stats_xact_end(sql_engine_t *e, sql_stats_xact_t *x, bool commit);
void sql_stats_xact_free(sql_stats_xact_t *x);
/* Savepoints, mirroring the session's stack: SAVEPOINT pushes; release pops down to `keep`
 * savepoints; rollback_to undoes the live-row effects of what was written since the newest
 * one, which stays. */
void sql_stats_xact_savepoint(sql_stats_xact_t *x);
void sql_stats_xact_release(sql_stats_xact_t *x, int keep);
void sql_stats_xact_rollback_to(sql_stats_xact_t *x);
/* The session's (sql_session.c), for the executor's writes. */
sql_stats_xact_t *sql_session_stats_xact(sql_session_t *s);

/* VACUUM / ANALYZE of a table ran now; live >= 0: the rows it counted. */
void sql_stats_note_maintenance(sql_engine_t *e, uint32_t table_id, bool vacuum, bool analyze,
                                int64_t live);
/* The table now has exactly `live` rows (TRUNCATE: 0), or -1: unknown, recount when read. */
void sql_stats_set_live(sql_engine_t *e, uint32_t table_id, int64_t live);
/* The rows of table t, counted by every shard (an aggregating scan that ships no rows), at the
 * latest committed state. Blocks; the session's thread. */
int sql_stats_count_rows(act_runtime_t *rt, const sql_table_t *t, int64_t *out, orb_err_t *err);

/* A copy of the counters of table_id (index_id < 0) or of one of its indexes; zeros when
 * nothing was counted. */
void sql_stats_rel_get(sql_engine_t *e, uint32_t table_id, int index_id, sql_stat_rel_t *out);
void sql_stats_db_get(sql_engine_t *e, sql_stat_db_t *out);
/* The counters of database oid (zeros when no session opened it since the start) and its
 * sessions now, the return value (sql_database.c). */
int sql_database_stats(sql_engine_t *root, uint32_t oid, sql_stat_db_t *out);
/* pg_stat_reset(): every counter of e's database back to zero (live rows: recounted when
 * read), stats_reset now. table_id != 0: that table and its indexes only
 * (pg_stat_reset_single_table_counters). */
void sql_stats_reset(sql_engine_t *e, uint32_t table_id);
/* The builtins pg_stat_reset() and pg_stat_reset_single_table_counters(oid) (sql_catfn.c's
 * table): 42501 for a role that is not superuser. */
int sql__fn_pg_stat_reset(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                          orb_err_t *err);
/* pg_stat_force_next_flush(), pg_stat_clear_snapshot(): nothing to do here */
int sql__fn_pg_stat_noop(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err);
int sql__fn_pg_stat_reset_single_table_counters(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                                sql_value_t *r, orb_err_t *err);

/* pg_stat_get_<what>(oid) of a table or index and pg_stat_get_db_<what>(oid) (sql_catfn.c's
 * table); 0, or NULL for a time, for an oid without counts, as PostgreSQL. */
int sql__fn_pg_stat_get_numscans(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                 sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_returned(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                        sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_fetched(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                       sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_inserted(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                        sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_updated(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                       sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_deleted(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                       sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_tuples_hot_updated(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                           sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_live_tuples(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                    sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_dead_tuples(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                    sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_mod_since_analyze(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_ins_since_vacuum(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                         sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_vacuum_count(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                     sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_analyze_count(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                      sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_autovacuum_count(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                         sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_autoanalyze_count(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_last_vacuum_time(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                         sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_last_analyze_time(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_last_autovacuum_time(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                             sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_last_autoanalyze_time(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                              sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_numbackends(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                       sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_xact_commit(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                       sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_xact_rollback(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                         sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_tuples_returned(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                           sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_tuples_fetched(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_tuples_inserted(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                           sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_tuples_updated(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_tuples_deleted(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                          sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_deadlocks(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                     sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_sessions(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                    sql_value_t *r, orb_err_t *err);
int sql__fn_pg_stat_get_db_stat_reset_time(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                                           sql_value_t *r, orb_err_t *err);

#endif
