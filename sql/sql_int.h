/* sql/sql_int.h — (sql-private) the engine, the catalog cache, analyzed statements,
 * expressions and the session state shared by the sql/ files files. Never included from
 * outside sql/. See sql/README.md for the path of a statement and the invariants. */
#ifndef ORB_SQL_INT_H
#define ORB_SQL_INT_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <pthread.h>
#include <stdatomic.h>

#include "sql.h"
#include "sql_value.h"

/* Sets the error's position (1-based) from a 0-based query location, if it has none yet;
 * returns -1 so callers can `return sql_err_at(err, loc)`. */
static inline int sql_err_at(orb_err_t *err, int location) {
    if (err && location >= 0 && err->position == 0) err->position = location + 1;
    return -1;
}

/* The text of a String node, NULL for any other node. */
static inline const char *sql_str_of(PgQuery__Node *n) {
    return (n && n->node_case == PG_QUERY__NODE__NODE_STRING) ? n->string->sval : NULL;
}

/* ---- catalog cache (sql_catalog.c) ------------------------------------------------------ */
typedef struct sql_column_def {
    char *name;
    uint32_t type;
    int32_t typmod;
    bool not_null;
    bool has_default;
    char *default_sql;   /* "SELECT <expr>" deparsed, NULL when none */
    char identity;       /* 0, 'a' (ALWAYS) or 'd' (BY DEFAULT) */
    uint64_t seq_id;     /* serial / identity sequence, 0 none */
    /* ALTER TABLE ADD COLUMN (sql_alter.c): what rows stored before the column existed
     * read as; NULL: null. Points into the table's desc. */
    const Orbit__Datum *missing;
} sql_column_def_t;

/* A secondary index (index_id > 0). Unique ones keep one global entry per key (in the shard
 * the key hashes to: uniqueness across shards); the others keep an entry (key columns, then
 * the primary key) next to the row, in the row's shard. */
typedef struct sql_unique {
    uint32_t index_id;
    char *name;          /* constraint or index name, e.g. "t_email_key" */
    int ncols;
    int *cols;
    bool unique;
    /* USING hnsw / ivfflat (sql_index.c): one vector column, searched by the table-shard
     * actors' faiss indexes (ShardOp VEC_*); never a key the planner matches predicates on.
     * vec_method 0 for a btree index. */
    int vec_method;      /* 1 hnsw, 2 ivfflat */
    int vec_metric;      /* 1 l2, 2 ip, 3 cosine, 4 l1 */
    uint32_t vec_m, vec_ef_construction, vec_lists;
    uint32_t oid;
} sql_unique_t;

/* An immutable table definition. Shared by sessions; reference counted (the catalog holds
 * one reference; sessions take one per statement). */
typedef struct sql_table {
    _Atomic int refs;
    uint32_t id;
    char *name;
    char *schema;
    uint32_t nshards;
    uint32_t version;
    int ncols;
    sql_column_def_t *cols;
    int npk;             /* 0: hidden row id */
    int *pk;             /* column positions */
    char *pk_name;       /* "t_pkey" */
    uint64_t rowid_seq;
    int nunique;
    sql_unique_t *uniques;
    Orbit__TableDesc *desc; /* the persisted form (owned, protobuf-c allocator) */
    /* ALTER TABLE DROP COLUMN (sql_alter.c): cols/ncols list the live columns only; a stored
     * row has nphys columns (dropped ones included) and live column i is stored at
     * position phys[i]. pk, uniques and every column position are live positions. */
    int nphys;
    int *phys;
    /* CREATE VIEW (sql_view.c): non-NULL for a view, the text of its SELECT (points into
     * desc); cols are the view's output columns. A view has no rows. */
    const char *view_sql;
    /* CHECK constraints (sql_constraint.c): borrowed from desc */
    int nchecks;
    const Orbit__CheckDesc *const *checks;
    /* FOREIGN KEYs: cols are live positions here; the referenced table is looked up by id
     * when used (its stored positions in fk->ref_columns) */
    int nfks;
    const Orbit__ForeignKeyDesc *const *fks;
    int **fk_cols;
    /* a system relation (sql_sysrel.c): rows computed when scanned; never written */
    const struct sql_sysrel_def *sys;
} sql_table_t;

/* One engine per database (sql_database.c): its catalog cache and catalog key space. The
 * engine of database postgres is the root: orbitd creates it, it keeps the registry of the
 * other databases and the engines of those that have been connected to. */
struct sql_engine {
    act_runtime_t *rt;
    sql_config_t cfg;
    pthread_rwlock_t cat_lock; /* guards tables/ntables; DDL holds it for writing */
    sql_table_t **tables;
    int ntables;
    int cap;
    int64_t start_us;
    _Atomic int32_t next_backend;
    struct sql_engine *root; /* the postgres database's engine (itself for the root) */
    uint32_t db_oid;         /* pg_database.oid */
    uint32_t cat_id;         /* catalog records live under this table id (0 for postgres) */
    char *db_name;
    _Atomic int nsessions;   /* sessions connected to this database, and peeks */
    _Atomic int nbackends;   /* sessions connected to this database (CONNECTION LIMIT) */
    /* root only, under dbs_mu: engines of the other databases, opened on first connection */
    pthread_mutex_t dbs_mu;
    struct sql_engine **dbs;
    int ndbs, capdbs;
    struct sql_backends *backends; /* the backend registry (sql_backend.c) */
    struct sql_roles *roles; /* root only: the node-wide role cache (sql_role.c), its own lock */
    struct sql_stats *stats; /* this database's statistics counters (sql_stats.c) */
};
/* Creates the engine of database name (oid, catalog key space cat_id) under root and loads
 * its catalog (sql_session.c). */
int sql_engine_create_db(sql_engine_t *root, const char *name, uint32_t oid, uint32_t cat_id,
                         sql_engine_t **out, orb_err_t *err);
/* Databases (sql_database.c). open: the engine of database name for a new session of a
 * superuser (super) or not (3D000 when there is none, 55000 for one that does not accept
 * connections, 53300 when a role that is not superuser would exceed its CONNECTION LIMIT);
 * close: that session is gone. release: the end of a peek. */
int sql_database_open(sql_engine_t *root, const char *name, bool super, sql_engine_t **out,
                      orb_err_t *err);
void sql_database_close(sql_engine_t *e);
void sql_database_release(sql_engine_t *e);
/* Like sql_database_open for a look at its catalog (pg_database_size): also template0. */
int sql_database_peek(sql_engine_t *root, const char *name, sql_engine_t **out, orb_err_t *err);
/* Every database, in oid order: cb(arg, name, oid, owner oid, connlimit, is_template,
 * allow_connections). */
typedef void (*sql_database_cb)(void *arg, const char *name, uint32_t oid, uint32_t owner,
                                int32_t connlimit, bool is_template, bool allow_conn);
int sql_database_list(sql_engine_t *root, sql_database_cb cb, void *arg, orb_err_t *err);
int sql_exec_create_database(sql_session_t *s, PgQuery__CreatedbStmt *st, bool in_block,
                             orb_err_t *err);
int sql_exec_alter_database(sql_session_t *s, PgQuery__AlterDatabaseStmt *st, orb_err_t *err);
int sql_exec_drop_database(sql_session_t *s, PgQuery__DropdbStmt *st, bool in_block,
                           orb_err_t *err);
uint32_t sql_session_database_oid(sql_session_t *s);
/* Whether s is valid UTF-8 (0), else -1 with PostgreSQL's 22021 report (sql_copy.c). */
int sql_utf8_check(const unsigned char *s, size_t n, orb_err_t *err);
/* The Redis keys of every database (sql_redis.c, for redis.keys): n rows of db, key, type,
 * ttl_ms (-1 none) and the value as JSON text. Allocated in mcx. */
typedef struct sql_redis_key {
    int32_t db;
    const char *key, *type, *json;
    size_t keylen;
    int64_t ttl_ms;
} sql_redis_key_t;
int sql_redis_keys(act_runtime_t *rt, orb_mcx_t *mcx, sql_redis_key_t **out, size_t *n,
                   orb_err_t *err);
/* Operator classes (sql_opclass.c, pg_opclass): PostgreSQL's default btree classes and
 * pgvector's; sql_opclass_of: the class of a column of type in an index (vec_method 0 btree,
 * 1 hnsw, 2 ivfflat, with vec_metric), 0 when none. */
typedef struct sql_opclass {
    uint32_t oid, method, family, intype;
    const char *name;
    bool dflt;
    int metric; /* pgvector's: 1 l2, 2 ip, 3 cosine, 4 l1 */
} sql_opclass_t;
const sql_opclass_t *sql_opclass_list(size_t *n);
uint32_t sql_opclass_of(uint32_t type, int vec_method, int vec_metric);
/* The builtin functions as pg_proc rows (sql_proc.c): i-th function and its oid. */
size_t sql_proc_count(void);
const sql_builtin_t *sql_proc_at(size_t i, uint32_t *oid);
uint32_t sql_proc_rettype(const sql_builtin_t *b);
typedef struct sql_proc_attrs {
    char kind, volatility, parallel; /* prokind, provolatile, proparallel */
    bool strict;
    const char *src; /* prosrc */
    bool vector;     /* pgvector's: namespace public, listed once the extension exists */
    uint32_t variadic; /* provariadic */
    uint32_t lang;     /* prolang: 12 internal, 14 sql */
} sql_proc_attrs_t;
void sql_proc_attrs(size_t i, sql_proc_attrs_t *out);
/* regprocin (with_args false: "name", unique) / regprocedurein ("name(type, ...)"): the oid of a
 * pg_proc row; 42883 none, 42725 several. */
int sql_proc_lookup(const char *text, size_t n, bool with_args, uint32_t *oid, orb_err_t *err);
int sql_fn_functiondef(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err);
const sql_builtin_t *sql_proc_by_oid(uint32_t oid); /* NULL: not a listed function */
const char *sql_proc_description(uint32_t oid);     /* PostgreSQL's, NULL for none */
int sql_fn_function_arguments(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                              orb_err_t *err);
int sql_fn_function_sqlbody(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err);
int sql_fn_function_result(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                           orb_err_t *err);
/* Relation and database sizes (sql_size.c), builtins of pg_catalog. */
int sql_fn_relation_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err);
int sql_fn_table_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                      orb_err_t *err);
int sql_fn_indexes_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                        orb_err_t *err);
int sql_fn_total_relation_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs,
                               sql_value_t *r, orb_err_t *err);
int sql_fn_database_size(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                         orb_err_t *err, bool by_oid);
/* A DefElem's argument as a string (numbers as written); NULL without one (sql_copy.c). */
const char *sql_def_string(PgQuery__DefElem *d, orb_mcx_t *mcx);

/* Like sql_catalog_resolve, for reading (SELECT, COPY TO): also finds the system relations
 * of pg_catalog (sql_sysrel.c). */
sql_table_t *sql_catalog_resolve_read(sql_session_t *s, const char *schema_or_null, const char *name);
/* reg* types (sql_catfn.c): a name (or a number) to an oid through the session's catalog
 * and search_path (42P01 and friends when absent), and an oid to the name PostgreSQL prints
 * (schema-qualified when not visible; the number when unknown; "-" for 0 but regclass).
 * Scratch memory in mcx. sql_reg_io_fn: the builtin the analyzer calls for a cast from text
 * (in) or to text (!in). */
int sql_reg_in(sql_session_t *s, uint32_t type, const char *text, size_t n, orb_mcx_t *mcx,
               int64_t *out, orb_err_t *err);
int sql_reg_out(sql_session_t *s, uint32_t type, int64_t oid, orb_mcx_t *mcx, orb_buf_t *out,
                orb_err_t *err);
const sql_builtin_t *sql_reg_io_fn(uint32_t type, bool in);
/* System relations (sql_sysrel.c): a new reference to pg_catalog's `name`, or NULL. */
sql_table_t *sql_sysrel_find(const char *schema, const char *name);
/* Commands in progress, shown by pg_stat_progress_create_index: act_id names the actors'
 * progress entry the command's shards report to. */
void sql_progress_begin(sql_session_t *s, uint64_t act_id, uint32_t relid, uint32_t index_relid);
void sql_progress_end(uint64_t act_id);
/* pg_stat_ssl's rows (sql_stat_ssl.c): one per session that said how its client connected
 * (sql_session_set_ssl), removed when it ends. each calls fn on a copy of every row, in no
 * particular order, under the registry's leaf lock (fn must take no lock). */
void sql_stat_ssl_add(int32_t pid, const sql_ssl_info_t *info);
void sql_stat_ssl_remove(int32_t pid);
void sql_stat_ssl_each(void (*fn)(void *arg, int32_t pid, const sql_ssl_info_t *info), void *arg);

/* Look up by (schema, name); schema NULL means "public". Returns a new reference or NULL. */
sql_table_t *sql_catalog_get(sql_engine_t *e, const char *schema, const char *name);
void sql_table_release(sql_table_t *t);
int sql_catalog_load(sql_engine_t *e, orb_err_t *err);
/* Persists desc and adds it to the cache. Fails with 42P07 if the name is taken. */
int sql_catalog_create_table(sql_engine_t *e, Orbit__TableDesc *desc, bool if_not_exists,
                             bool *existed, orb_err_t *err);
int sql_catalog_drop_table(sql_engine_t *e, const char *schema, const char *name,
                           orb_err_t *err);
sql_table_t *sql_table_from_desc(Orbit__TableDesc *desc); /* takes ownership of desc */
int sql_table_column(const sql_table_t *t, const char *name); /* -1 when absent */
/* (sql_catalog.c) Resolves a relation name as PostgreSQL does: schema given, or else through
 * the session's search_path. Returns a new reference (a table or a view) or NULL. */
sql_table_t *sql_catalog_resolve(sql_session_t *s, const char *schema_or_null, const char *name);
/* (sql_view.c) Analyzes the SELECT of view v as a subquery (no correlation, no outer CTEs);
 * its first v->ncols targets are the view's columns. */
struct sql_analyze_ctx;
struct sql_query;
int sql_view_analyze(struct sql_analyze_ctx *ac, const sql_table_t *v, struct sql_query **out,
                     orb_err_t *err);

/* ---- expressions (sql_expr.c) ------------------------------------------------------- */
typedef enum sql_node_tag {
    SQL_T_CONST = 1,
    SQL_T_COLUMN,   /* column of the current input row */
    SQL_T_PARAM,    /* $n */
    SQL_T_FUNC,     /* a builtin function or operator */
    SQL_T_CAST,
    SQL_T_AND,
    SQL_T_OR,
    SQL_T_NOT,
    SQL_T_NULLTEST, /* flag: IS NOT NULL */
    SQL_T_BOOLTEST, /* op: PgQuery__BoolTestType */
    SQL_T_CASE,     /* args: when1, then1, ..., [else] */
    SQL_T_COALESCE,
    SQL_T_NULLIF,
    SQL_T_GREATEST,
    SQL_T_LEAST,
    SQL_T_DISTINCT, /* IS DISTINCT FROM; flag: NOT DISTINCT */
    SQL_T_AGGREF,   /* index into the group's aggregate results */
    SQL_T_EXCLUDED, /* column of the row proposed for insertion (ON CONFLICT) */
    SQL_T_SESSION,  /* current_user, current_database(), version() ... */
    SQL_T_OUTER,    /* column of an enclosing query's row: flag = levels up, index = position */
    SQL_T_SUBLINK,  /* subquery: flag = kind (SQL_SUBLINK_*), args[0] = tested expr, sub */
    SQL_T_WINDOW,   /* result of window function call `index` for the current row */
    SQL_T_GROUPREF, /* grouping expression `index` of the current group (NULL when the
                     * grouping set leaves it out) */
    SQL_T_GROUPING, /* GROUPING(args): args are GROUPREFs */
    SQL_T_ARRAY,    /* ARRAY[args...] of element type (type is the array type) */
    SQL_T_ANYARRAY, /* args[0] op ANY/ALL (args[1]): flag 1 = ALL, fn = element operator */
    SQL_T_SUBSCRIPT,/* args[0][args[1]] */
    SQL_T_SRF,      /* set-returning function in the select list: index into q->srfs, flag =
                     * kind (1 unnest, 2 generate_series), fn = generate_series' "+" */
} sql_node_tag_t;

/* Window functions (sql_window.c). */
typedef enum sql_win_kind {
    SQL_WIN_AGG = 1, /* an aggregate OVER (...) */
    SQL_WIN_ROW_NUMBER,
    SQL_WIN_RANK,
    SQL_WIN_DENSE_RANK,
    SQL_WIN_PERCENT_RANK,
    SQL_WIN_CUME_DIST,
    SQL_WIN_NTILE,
    SQL_WIN_LAG,
    SQL_WIN_LEAD,
    SQL_WIN_FIRST_VALUE,
    SQL_WIN_LAST_VALUE,
    SQL_WIN_NTH_VALUE,
} sql_win_kind_t;

/* PostgreSQL's frame option bits (nodes/parsenodes.h) */
#define SQL_FRAME_NONDEFAULT 0x1
#define SQL_FRAME_RANGE 0x2
#define SQL_FRAME_ROWS 0x4
#define SQL_FRAME_GROUPS 0x8
#define SQL_FRAME_START_UNBOUNDED_PRECEDING 0x20
#define SQL_FRAME_END_UNBOUNDED_FOLLOWING 0x100
#define SQL_FRAME_START_CURRENT_ROW 0x200
#define SQL_FRAME_END_CURRENT_ROW 0x400
#define SQL_FRAME_START_OFFSET_PRECEDING 0x800
#define SQL_FRAME_END_OFFSET_PRECEDING 0x1000
#define SQL_FRAME_START_OFFSET_FOLLOWING 0x2000
#define SQL_FRAME_END_OFFSET_FOLLOWING 0x4000
#define SQL_FRAME_EXCLUSIONS 0x38000

typedef enum sql_sublink_kind {
    SQL_SUBLINK_EXISTS = 1,
    SQL_SUBLINK_ANY,  /* x op ANY (subquery), x IN (subquery) */
    SQL_SUBLINK_ALL,
    SQL_SUBLINK_EXPR, /* scalar subquery */
    SQL_SUBLINK_ARRAY, /* ARRAY(SELECT ...) */
} sql_sublink_kind_t;

/* CONST flag: an untyped literal ('a', NULL) resolved to text only for want of context; a
 * set operation re-resolves it against the other side's type, as PostgreSQL does */
#define SQL_CONST_DEFAULTED 1

typedef struct sql_expr {
    sql_node_tag_t tag;
    uint32_t type;
    int32_t typmod;
    int location;          /* 0-based offset in the query text, -1 unknown */
    sql_value_t val;       /* CONST */
    int index;             /* COLUMN: position; PARAM: 0-based; AGGREF: agg index; SESSION: op */
    int flag;              /* NULLTEST/DISTINCT/BOOLTEST detail; CASE: has else;
                            * CONST: SQL_CONST_DEFAULTED (an untyped literal given text) */
    const sql_builtin_t *fn;  /* FUNC; SUBLINK ANY/ALL: the comparison operator */
    int nargs;
    struct sql_expr **args;
    struct sql_query *sub;    /* SUBLINK: the subquery */
    bool correlated;          /* SUBLINK: references an enclosing query (no caching) */
    void *cache;              /* SUBLINK: uncorrelated result, per execution */
} sql_expr_t;

#define SQL_MAKE_NODE(mcx, T) sql_expr_make((mcx), SQL_T_##T)
#define SQL_IS_A(n, T) ((n) != NULL && (n)->tag == SQL_T_##T)
sql_expr_t *sql_expr_make(orb_mcx_t *mcx, sql_node_tag_t tag);

typedef struct sql_agg_call {
    const sql_agg_t *agg;
    sql_expr_t *arg;       /* the first argument; NULL for count(*) */
    int nargs;             /* 0 for count(*) */
    sql_expr_t **args;     /* all arguments (args[0] == arg) */
    uint32_t argtype;
    bool distinct;
    sql_expr_t *filter;    /* FILTER (WHERE ...), NULL when none */
    /* agg(x ORDER BY ...): the rows are buffered per group, sorted, then stepped */
    int norder;
    sql_expr_t **order;
    bool *order_desc;
    bool *order_nulls_first;
} sql_agg_call_t;

/* A range-table entry: one FROM item whose columns occupy [offset, offset + ncols) of the
 * query's combined row. */
typedef struct sql_rte {
    const char *alias;     /* the name that qualifies its columns ("" for none) */
    int offset;
    int ncols;
    const char **names;
    uint32_t *types;
    int32_t *typmods;
    sql_table_t *table;    /* a base table, or NULL (subquery, VALUES, CTE) */
} sql_rte_t;

/* A column merged by JOIN ... USING / NATURAL JOIN: an unqualified name resolves to expr. */
typedef struct sql_merged_col {
    const char *name;
    struct sql_expr *expr;
} sql_merged_col_t;

typedef struct sql_win_call {
    sql_win_kind_t kind;
    const sql_agg_t *agg;     /* SQL_WIN_AGG */
    uint32_t argtype;
    uint32_t type;            /* result type */
    int nargs;
    struct sql_expr **args;
    int npart;
    struct sql_expr **part;
    int norder;
    struct sql_expr **order;
    bool *desc;
    bool *nulls_first;
    int frame;                /* SQL_FRAME_* bits */
    struct sql_expr *start_off, *end_off;
} sql_win_call_t;

/* What names resolve against while analyzing one expression. A scope with rtes resolves
 * names through them; a scope with only `table` is the single-table form (DML). */
typedef struct sql_scope {
    sql_table_t *table;    /* NULL: no FROM */
    const char *alias;     /* the table's name or alias in the query */
    int nrtes;
    sql_rte_t *rtes;
    int nmerged;
    sql_merged_col_t *merged;
    struct sql_scope *parent; /* the enclosing query's scope (correlated subqueries) */
    bool *level_corr;      /* the query level's flag: set when a name resolved through parent */
    bool allow_agg;
    bool excluded_ok;      /* EXCLUDED.col allowed (ON CONFLICT DO UPDATE) */
    /* aggregates found while analyzing (allow_agg) */
    sql_agg_call_t *aggs;
    int naggs;
    int aggcap;
    /* window function calls found while analyzing (allow_win) */
    int nsrfs;                /* set-returning functions found (select list only) */
    struct sql_expr **srfs;
    int srfcap;
    bool allow_win;
    sql_win_call_t *wins;
    int nwins;
    int wincap;
    PgQuery__Node **windefs;  /* the SELECT's WINDOW clause */
    int nwindefs;
} sql_scope_t;

typedef struct sql_analyze_ctx {
    struct sql_cte **ctes;  /* CTEs in scope, innermost last */
    int nctes;
    int ctecap;
    orb_mcx_t *mcx;
    sql_session_t *sess;
    const char *text;      /* the whole query string (for positions) */
    uint32_t *param_types; /* grows as $n are seen; 0 = not yet known */
    int nparams;
    int param_cap;
} sql_analyze_ctx_t;

int sql_expr_analyze(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__Node *n, sql_expr_t **out,
                     orb_err_t *err);
/* Coerces e to type/typmod in ctx; unknown literals and parameters adopt it. */
int sql_expr_coerce(sql_analyze_ctx_t *ac, sql_expr_t *e, uint32_t type, int32_t typmod,
                    sql_cast_ctx_t ctx, sql_expr_t **out, orb_err_t *err);
int sql_expr_resolve_type(sql_analyze_ctx_t *ac, const PgQuery__TypeName *tn, uint32_t *oid,
                          int32_t *typmod, orb_err_t *err);
/* PostgreSQL's select_common_type over es (unknown literals take the others' type, numeric
 * types promote); 42804 "<what> types x and y cannot be matched". */
int sql_common_type(sql_analyze_ctx_t *ac, sql_expr_t **es, int n, const char *what,
                    uint32_t *out, orb_err_t *err);
/* True when e references no column, aggregate or excluded row (constant within a run). */
bool sql_expr_is_stable(const sql_expr_t *e);
/* Sets used[i] for every column i of the current row e reads (COLUMN nodes, also in the tested
 * expression of an uncorrelated subquery). False when e may read the row in a way the flags
 * cannot say: a correlated subquery (it sees the whole row as its outer row) or a column
 * outside [0, ncols). */
bool sql_expr_columns(const sql_expr_t *e, bool *used, int ncols);

typedef struct sql_eval_ctx {
    sql_fn_ctx_t fn;
    const sql_value_t *row;      /* current input row */
    const sql_value_t *params;   /* bound parameter values */
    const sql_value_t *aggs;     /* aggregate results of the current group */
    const sql_value_t *excluded; /* proposed row (ON CONFLICT) */
    const sql_value_t *const *outer; /* rows of the enclosing queries, innermost last */
    int nouter;
    struct sql_exec_ctx *xc;     /* to run subqueries */
    const sql_value_t *wins;     /* window function results of the current row */
    const sql_value_t *srf_vals; /* the current values of the select list's SRFs */
    const sql_value_t *gkeys;    /* grouping sets: the current group's key values */
    uint64_t gmask;              /* grouping sets: the expressions the current set groups by */
} sql_eval_ctx_t;

int sql_expr_eval(sql_eval_ctx_t *ec, const sql_expr_t *e, sql_value_t *out, orb_err_t *err);
/* WHERE semantics: NULL and false both reject. */
int sql_expr_eval_bool(sql_eval_ctx_t *ec, const sql_expr_t *e, bool *out, orb_err_t *err);

/* ---- statements (sql_analyze.c, sql_exec*.c) -------------------------------------------- */
typedef enum sql_stmt_kind {
    SQL_STMT_SELECT = 1,
    SQL_STMT_INSERT,
    SQL_STMT_UPDATE,
    SQL_STMT_DELETE,
    SQL_STMT_UTILITY, /* DDL, transaction control, SET/SHOW */
} sql_stmt_kind_t;

typedef struct sql_target {
    sql_expr_t *expr;
    const char *name;
    uint32_t table_oid;
    int16_t attnum;
} sql_target_t;

typedef struct sql_sort_key {
    int target;     /* index into targets (hidden targets follow the visible ones) */
    bool desc;
    bool nulls_first;
} sql_sort_key_t;

/* How the rows of a single-table statement are reached. */
typedef enum sql_access {
    SQL_ACCESS_NONE = 0, /* no FROM */
    SQL_ACCESS_FULL,     /* every shard, whole range */
    SQL_ACCESS_POINT,    /* full primary key equality: one shard, one GET */
    SQL_ACCESS_RANGE,    /* primary key prefix equality and/or range: every shard, a range */
    SQL_ACCESS_UNIQUE,   /* a unique index fully fixed: one entry in the shard its key hashes
                          * to, then the row in its own shard */
    SQL_ACCESS_INDEX,    /* a secondary index prefix equality and/or range: every shard scans
                          * its local entries and returns the rows they name */
    SQL_ACCESS_VECTOR,   /* ORDER BY col <op> vec_query LIMIT k: every shard's vector index
                          * (hnsw / ivfflat) proposes its nearest rows; merged by distance
                          * (sql_vscan.c) */
} sql_access_t;

typedef struct sql_path {
    sql_access_t access;
    int neq;                 /* leading key columns fixed by equality */
    sql_expr_t **eq;         /* their values (stable expressions) */
    sql_expr_t *lower;       /* range on key column neq, may be NULL */
    bool lower_incl;
    sql_expr_t *upper;
    bool upper_incl;
    const struct sql_unique *index; /* UNIQUE / INDEX: the index used (borrowed from the table) */
    /* FULL / RANGE / INDEX: the rows must come out in key order (descending when reverse), the
     * shards' streams merged, because the query's ORDER BY is that order (no sort) */
    bool ordered;
    bool reverse;
    struct sql_expr *vec_query; /* VECTOR: the query vector (a stable expression) */
    struct sql_expr *vec_filter; /* VECTOR: the query's WHERE, to know when enough rows match */
    bool *vec_cols;  /* VECTOR: the table columns the rows must carry (the shards leave the
                      * others NULL); NULL: every column (sql_vindex_order) */
    int64_t want;  /* set by the executor: rows a LIMIT may need (first batch size), 0 unknown */
} sql_path_t;

/* FROM items as a tree; every item produces rows of the query's full width with its own
 * columns filled. */
typedef enum sql_from_kind {
    SQL_FROM_TABLE = 1,
    SQL_FROM_SUBQUERY,
    SQL_FROM_VALUES,
    SQL_FROM_JOIN,
    SQL_FROM_WORKTABLE, /* the recursive CTE's working table */
    SQL_FROM_FUNCTION,  /* unnest(array) / generate_series(...) [WITH ORDINALITY] */
} sql_from_kind_t;

typedef enum sql_join_type {
    SQL_JOIN_INNER = 0,
    SQL_JOIN_LEFT,
    SQL_JOIN_RIGHT,
    SQL_JOIN_FULL,
} sql_join_type_t;

struct sql_query;
struct sql_cte;

typedef struct sql_from {
    sql_from_kind_t kind;
    int rte;                  /* TABLE, SUBQUERY, VALUES, WORKTABLE */
    int offset, width;        /* the columns it fills */
    struct sql_query *sub;    /* SUBQUERY */
    struct sql_cte *cte;      /* SUBQUERY of a CTE (run once) or WORKTABLE */
    int nvalues;              /* VALUES */
    struct sql_expr ***values;
    sql_join_type_t jointype; /* JOIN */
    struct sql_from *left, *right;
    struct sql_expr *quals;
    struct sql_expr *filter;  /* TABLE: WHERE conjuncts pushed down to the scan */
    sql_path_t path;          /* TABLE: how the scan reaches its rows */
    bool nullable;            /* under the nullable side of an outer join */
    bool lateral;             /* SUBQUERY: LATERAL and reading the FROM items before it, so
                               * run once per row of them (sql_exec_ctx_t.lateral_row) */
    /* what "*" expands to, in order */
    int nstar;
    struct sql_expr **star;
    const char **star_names;
    /* EXPLAIN ANALYZE: what this item produced */
    int64_t act_rows;
    double act_ms;
    /* FUNCTION: which one, its arguments, and for generate_series the operators it steps
     * with (start + step, comparison of the type) */
    int srf;                  /* 1 unnest, 2 generate_series, 3 pg_partition_ancestors */
    int nsrf_args;
    struct sql_expr **srf_args;
    bool ordinality;
    const sql_builtin_t *srf_add;
    uint32_t srf_type;
} sql_from_t;

typedef struct sql_cte {
    const char *name;
    struct sql_query *query;  /* non-recursive term for a recursive CTE */
    struct sql_query *rec;    /* recursive term, NULL if none */
    bool union_all;
    bool analyzing_rec;       /* while its recursive term is analyzed: references are WORKTABLE */
    int ncols;
    const char **names;
    uint32_t *types;
    int32_t *typmods;
    /* execution state (per statement) */
    bool done;
    void *rows;               /* sql_rowset_t * of the whole result */
    void *work;               /* sql_rowset_t * working table during recursion */
} sql_cte_t;

typedef enum sql_setop {
    SQL_SETOP_NONE = 0,
    SQL_SETOP_UNION,
    SQL_SETOP_INTERSECT,
    SQL_SETOP_EXCEPT,
} sql_setop_t;

typedef struct sql_query {
    sql_stmt_kind_t kind;
    PgQuery__Node *raw;  /* the statement node (borrowed from the parse tree) */
    const char *tag;     /* command tag word */
    sql_table_t *table;  /* referenced until the query's mcx is reset */
    const char *alias;
    /* rows produced (SELECT targets, RETURNING) */
    int ntargets;        /* visible */
    int nall;            /* visible + hidden sort targets */
    sql_target_t *targets;
    sql_expr_t *where;
    sql_path_t path;
    /* SELECT */
    bool has_agg;
    bool agg_pushed;       /* GROUP BY computed as partials inside the shards (sql_analyze.c) */
    int ngroup;
    sql_expr_t **group;
    sql_expr_t *having;
    sql_agg_call_t *aggs;
    int naggs;
    int nsort;
    sql_sort_key_t *sort;
    bool distinct;
    int ndistinct_on;      /* DISTINCT ON (...): its target indexes (distinct is set too) */
    int *distinct_on;
    sql_expr_t *limit;
    sql_expr_t *offset;
    /* INSERT */
    int nrows;
    sql_expr_t ***rows;  /* nrows x table->ncols, NULL entry = DEFAULT */
    int on_conflict;     /* 0 none, 1 nothing, 2 update */
    int nset;
    int *set_cols;       /* UPDATE SET / DO UPDATE SET column positions */
    sql_expr_t **set_exprs;
    sql_expr_t *conflict_where;
    int nconflict_cols;  /* ON CONFLICT (cols): the unique key they name */
    int *conflict_cols;
    sql_expr_t **defaults; /* INSERT/UPDATE: per column DEFAULT expression or NULL */
    bool *explicit_cols;   /* INSERT: columns given by the statement */
    bool returning;
    sql_expr_t **checks;          /* INSERT/UPDATE: the table's CHECK constraints, analyzed */
    struct sql_query *insert_src; /* INSERT ... SELECT: the query; its targets are coerced */
    int *insert_cols;             /* target column of each of its output columns */
    /* general FROM (joins, subqueries, VALUES); NULL for no FROM or a single table in
     * `table`/`path` */
    sql_from_t *from;
    int width;                    /* columns of the combined row */
    int nrtes;
    sql_rte_t *rtes;
    /* set operation: larg OP rarg; targets are COLUMN 0..n-1 of its rows */
    sql_setop_t setop;
    bool setop_all;
    struct sql_query *larg, *rarg;
    /* window functions: computed over the rows after WHERE/GROUP BY/HAVING */
    int nwins;
    sql_win_call_t *wins;
    /* set-returning functions in the select list: each row expands to as many rows as the
     * longest one returns (PostgreSQL 10+ semantics, shorter ones padded with NULL) */
    int nsrfs;
    struct sql_expr **srfs;
    /* GROUPING SETS / ROLLUP / CUBE: each set is a mask over group[] (0 sets: plain GROUP BY) */
    int ngsets;
    uint64_t *gsets;
    /* EXPLAIN ANALYZE: rows read by the single-table scan, rows produced, time */
    int64_t act_scan_rows;
    int64_t act_partial_rows; /* EXPLAIN ANALYZE of agg_pushed: partial rows from the shards */
    double act_scan_ms;
    int64_t act_groups;
    int64_t act_rows;
    double act_ms;
} sql_query_t;

int sql_analyze(sql_analyze_ctx_t *ac, PgQuery__Node *stmt, sql_query_t **out, orb_err_t *err);
/* Analyzes a SELECT nested in another query: names may resolve in parent (correlation);
 * *correlated tells whether they did. */
int sql_analyze_subquery(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__SelectStmt *s,
                         struct sql_query **out, bool *correlated, orb_err_t *err);

/* A materialised result (portals and simple queries). */
typedef struct sql_result {
    int ncols;
    sql_column_t *cols;
    int64_t nrows;
    int64_t cap;
    sql_value_t **rows;
    char tag[64];
    /* When set, a SELECT that needs no sort, grouping or DISTINCT hands each row here as it
     * is produced instead of keeping it (bounded memory for large results); cols are filled
     * before the first call. A non-zero return stops the statement with that error. */
    int (*emit)(void *arg, sql_value_t *row, orb_err_t *err);
    void *emit_arg;
} sql_result_t;

typedef struct sql_exec_ctx {
    sql_session_t *sess;
    orb_mcx_t *mcx;          /* the statement's memory */
    const sql_value_t *params;
    uint64_t txn_id;
    orb_err_t *err;          /* where row callbacks report errors */
    orb_mcx_t *row_mcx;      /* when set: per-row memory, reset after each streamed row */
    const sql_value_t *const *outer; /* rows of the enclosing queries (subqueries) */
    int nouter;
    bool instrument;         /* EXPLAIN ANALYZE: record rows and times in the plan */
    /* while a join runs its right side per left row (LATERAL): the left side's columns, in
     * a row of the query's full width; a lateral subquery sees it as its innermost outer row */
    const sql_value_t *lateral_row;
} sql_exec_ctx_t;

/* EXPLAIN [ANALYZE] (sql_explain.c): the plan of an analyzed query as text lines, in res
 * (one text column "QUERY PLAN"). */
int sql_explain(sql_exec_ctx_t *xc, struct sql_query *q, bool analyze, double exec_ms,
                sql_result_t *res, orb_err_t *err);
double sql_clock_ms(void);

/* A materialised set of rows. */
typedef struct sql_rowset {
    sql_value_t **rows;
    int64_t n, cap;
} sql_rowset_t;
void sql_rowset_add(sql_rowset_t *rs, orb_mcx_t *mcx, sql_value_t *row);

/* FROM (sql_from.c): analysis of the FROM list into q->from / q->rtes, and execution into
 * full-width rows. */
int sql_from_analyze(sql_analyze_ctx_t *ac, sql_scope_t *parent, PgQuery__Node **items, size_t n,
                     sql_query_t *q, sql_scope_t *sc, orb_err_t *err);
void sql_from_pushdown(sql_analyze_ctx_t *ac, sql_query_t *q);
/* The values of a set-returning function (1 unnest, 2 generate_series) for arguments a. */
int sql_srf_expand(sql_eval_ctx_t *ec, int srf, const sql_builtin_t *add, uint32_t type,
                   const sql_value_t *a, int nargs, orb_mcx_t *mcx, sql_value_t **out, int64_t *n,
                   orb_err_t *err);
/* the table an index nested-loop join looks rows up in (f->right, or f->left of an inner join
 * keyed by the right side), or NULL when the join cannot run as one */
const sql_from_t *sql_from_index_nl_inner(orb_mcx_t *mcx, const sql_query_t *q, const sql_from_t *f);
int sql_from_exec(sql_exec_ctx_t *xc, sql_query_t *q, sql_from_t *f, sql_rowset_t *out,
                  orb_err_t *err);
/* Runs a SELECT as a subquery of the row being evaluated in ec; per_row: its result is only
 * needed while this row is evaluated (allocated in the row's memory). */
int sql_exec_subquery(sql_eval_ctx_t *ec, struct sql_query *sub, bool per_row, sql_result_t *res,
                      orb_err_t *err);
/* The statement's memory of an evaluation (outlives per-row memory). */
orb_mcx_t *sql_exec_mcx(sql_eval_ctx_t *ec);
/* Chooses how a base table at `offset` of the combined row is reached, from the conjuncts
 * of cond (sql_analyze.c). */
void sql_choose_path(sql_analyze_ctx_t *ac, const sql_table_t *t, int offset, sql_expr_t *cond,
                     sql_path_t *p);
/* Window functions (sql_window.c): analysis of f(...) OVER (...), and evaluation over the
 * rows a SELECT produced before projection. */
int sql_window_analyze(sql_analyze_ctx_t *ac, sql_scope_t *sc, PgQuery__FuncCall *f,
                       struct sql_expr **args, int nargs, struct sql_expr **out, orb_err_t *err);
typedef struct sql_prerow {
    const sql_value_t *row;   /* input row (or a group's first row) */
    const sql_value_t *aggs;  /* the group's aggregate results, NULL without grouping */
    const sql_value_t *gkeys; /* grouping sets: the group's keys */
    uint64_t gmask;
    sql_value_t *wins;        /* filled by sql_window_compute: one value per window call */
} sql_prerow_t;
int sql_window_compute(sql_exec_ctx_t *xc, const sql_query_t *q, sql_prerow_t *rows, int64_t n,
                       orb_err_t *err);
/* The RTE a combined-row position belongs to. */
const sql_rte_t *sql_rte_of(const sql_query_t *q, int pos);

int sql_exec_query(sql_exec_ctx_t *xc, sql_query_t *q, sql_result_t *res, orb_err_t *err);
void sql_result_describe(const sql_query_t *q, orb_mcx_t *mcx, sql_column_t **cols, int *ncols);

/* shard access helpers (sql_shard.c) */
/* A row callback returning SQL_SCAN_STOP ends the scan early, successfully. */
#define SQL_SCAN_STOP 1
/* Reads the rows of t that path selects, as rows of `width` columns with t's columns at
 * `offset`, and hands each to row_cb with its storage key. */
/* The rows of a system relation (sql_sysrel.c), as sql_shard_scan delivers a table's. */
int sql_sysrel_scan(sql_exec_ctx_t *xc, const sql_table_t *t, int offset, int width,
                    int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                    orb_err_t *err);
int sql_shard_scan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *path, int offset,
                   int width, bool for_update,
                   int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                   orb_err_t *err);
int sql_row_from_pb(const sql_table_t *t, const Orbit__Row *r, orb_mcx_t *mcx, sql_value_t **out,
                    orb_err_t *err);

/* ---- sessions (sql_session.c) --------------------------------------------------------- */
sql_engine_t *sql_session_engine(sql_session_t *s);
act_runtime_t *sql_session_rt(sql_session_t *s);
/* The is_superuser setting: the current role's rolsuper (on for a role not in the catalog). */
bool sql_session_is_superuser(sql_session_t *s);
/* COPY (sql_copy.c): runs inside the statement's savepoint of transaction txn_id; client
 * data moves through sink's copy callbacks; res->tag is "COPY n". */
int sql_copy_exec(sql_session_t *s, PgQuery__CopyStmt *st, orb_mcx_t *mcx, uint64_t txn_id,
                  const sql_sink_t *sink, sql_result_t *res, orb_err_t *err);
/* current_user (SET ROLE's role, else the session user) and session_user (the role the
 * connection authenticated as). */
const char *sql_session_user(sql_session_t *s);
const char *sql_session_session_user(sql_session_t *s);
int32_t sql_session_pid(sql_session_t *s); /* the BackendKeyData process id (0: none) */
/* Returns 0, or -1 with err filled when the session's statement must stop: canceled (57014),
 * past statement_timeout (57014) or terminated (FATAL 57P01). The executor calls it at its
 * row-loop points (README "Backends and interrupts"); cheap when nothing is pending. */
int sql_check_interrupts(sql_session_t *s, orb_err_t *err);
/* The engine of a session's backend registry, for pg_cancel_backend and pg_stat_activity. */
struct sql_backend *sql_session_backend(sql_session_t *s);
/* The current value of a setting of the settings table (sql_settings.c) by name; "" when
 * there is no such setting. */
const char *sql_session_setting(sql_session_t *s, const char *name);
/* set_config(name, value, is_local): as SET (SET LOCAL is SET here too), reporting a
 * reported setting's new value to the client. */
int sql_session_set_config(sql_session_t *s, const char *name, const char *value, orb_err_t *err);
/* set_config(name, NULL, ...): as RESET name */
int sql_session_reset_config(sql_session_t *s, const char *name, orb_err_t *err);
const char *sql_session_database(sql_session_t *s);
int64_t sql_session_txn_start(sql_session_t *s);
/* Emits a NOTICE through the statement's sink. */
void sql_session_notice(sql_session_t *s, orb_sqlstate_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Emits a WARNING through the statement's sink. */
void sql_session_warning(sql_session_t *s, orb_sqlstate_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* utility statements (sql_ddl.c, sql_set.c) */
/* CHECK and FOREIGN KEY constraints (sql_constraint.c) */
int sql_check_add(sql_session_t *s, Orbit__TableDesc *d, PgQuery__Constraint *con, orb_mcx_t *mcx,
                  orb_err_t *err);
int sql_fk_add(sql_session_t *s, Orbit__TableDesc *d, PgQuery__Constraint *con, const char *colname,
               orb_mcx_t *mcx, orb_err_t *err);
int sql_constraints_analyze(sql_analyze_ctx_t *ac, struct sql_query *q, orb_err_t *err);
int sql_constraints_row(struct sql_exec_ctx *xc, const struct sql_query *q, const sql_value_t *vals,
                        orb_err_t *err);
/* A child row's foreign keys must find their parent rows (locked until commit); run after the
 * statement's own rows are written, so rows of the same statement can be parents. */
int sql_constraints_fk(struct sql_exec_ctx *xc, const sql_table_t *t, const sql_value_t *vals,
                       orb_err_t *err);
int sql_constraints_parent(struct sql_exec_ctx *xc, const sql_table_t *t, const sql_value_t *old,
                           const sql_value_t *nw, orb_err_t *err);
/* Whether another table's foreign key references t: the first such table in by, and the
 * DETAIL lines naming every such constraint. */
bool sql_table_is_referenced(sql_engine_t *e, const sql_table_t *t, char *by, size_t byn,
                             char *detail, size_t detn);
/* vector indexes (sql_vindex.c, sql_vscan.c) */
int sql_vec_opclass_metric(const char *opclass); /* 0 for an unknown name */
const char *sql_vindex_operator(int metric);      /* "<->" for 1 ... */
/* CREATE INDEX ... USING hnsw | ivfflat on column col of t: checks the operator class and
 * options as pgvector does and fills x's method, opclass and options. */
int sql_vindex_define(const sql_table_t *t, PgQuery__IndexStmt *is, const char *am, int col,
                      Orbit__IndexDesc *x, orb_mcx_t *mcx, orb_err_t *err);
/* Builds index u in every shard from the rows stored (after its definition is in the
 * catalog); drops it from every shard's memory and disk. */
int sql_vindex_build(sql_session_t *s, const sql_table_t *t, const sql_unique_t *u, orb_mcx_t *mcx,
                     orb_err_t *err);
int sql_vindex_drop(act_runtime_t *rt, const sql_table_t *t, const sql_unique_t *u, orb_mcx_t *mcx,
                    orb_err_t *err);
/* Drops every vector index of t from the shards' memory and disk (before DROP TABLE and
 * TRUNCATE remove the rows: a later use rebuilds from what is left). */
int sql_vindex_forget_all(act_runtime_t *rt, const sql_table_t *t, orb_err_t *err);
/* The index as the shards build it (allocated in mcx). */
Orbit__VecSpec *sql_vindex_spec(orb_mcx_t *mcx, const sql_table_t *t, const sql_unique_t *u);
/* Planner: a single-table SELECT ... ORDER BY col <op> q LIMIT k that a vector index of col
 * with the operator's metric serves gets path SQL_ACCESS_VECTOR. */
void sql_vindex_order(struct sql_query *q, orb_mcx_t *mcx);
/* Executor: the rows of a VECTOR path nearest first (sql_vscan.c); see sql_shard_scan. */
int sql_vscan(sql_exec_ctx_t *xc, const sql_table_t *t, const sql_path_t *p, int offset, int width,
              int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
              orb_err_t *err);

/* CREATE [UNIQUE] INDEX / DROP INDEX (sql_index.c) */
int sql_exec_create_index(sql_session_t *s, PgQuery__IndexStmt *is, orb_mcx_t *mcx, orb_err_t *err);
int sql_exec_drop_index(sql_session_t *s, PgQuery__DropStmt *ds, orb_mcx_t *mcx, orb_err_t *err);
int sql_exec_create_table(sql_session_t *s, PgQuery__CreateStmt *cs, orb_mcx_t *mcx,
                          const char *text, orb_err_t *err);
int sql_exec_drop(sql_session_t *s, PgQuery__DropStmt *ds, orb_mcx_t *mcx, orb_err_t *err);

/* parse (sql_parse.c): the parse tree is allocated by protobuf-c; freed with the context. */
int sql_parse(const char *text, orb_mcx_t *mcx, PgQuery__ParseResult **out, orb_err_t *err);
/* Deparses one expression node as "SELECT <expr>". */
char *sql_deparse_expr(PgQuery__Node *expr, orb_mcx_t *mcx, orb_err_t *err);
int64_t sql_now_us(void); /* timestamptz now: µs since 2000-01-01 UTC */

#endif
