/* sql/sql_pgcat.h — Orbit's catalog seen as PostgreSQL's catalog objects (sql_pgcat.c), shared
 * by the system relations (sql_sysrel.c) and the catalog functions (sql_catfn.c). Private to
 * sql/. */
#ifndef ORB_SQL_PGCAT_H
#define ORB_SQL_PGCAT_H

#include "sql_ddl_int.h"

/* Oids of objects Orbit stores no oid for, derived from their table's id so they survive
 * restarts: 4096 per table above 2^31 (tables past id 16384 + 2^19 wrap). k: the primary
 * key's index and constraint, then the n-th check, foreign key and unique constraint, and
 * the default of column attnum. */
#define SQL_PGCAT_OID(tid, k) (0x80000000u + ((((uint32_t)(tid)) - 16384u) & 0x7ffffu) * 4096u + (uint32_t)(k))
enum {
    SQL_PGCAT_PKEY_INDEX = 0,
    SQL_PGCAT_PKEY_CON = 1,
    SQL_PGCAT_CHECK = 16,
    SQL_PGCAT_FK = 272,
    SQL_PGCAT_UNIQUE_CON = 528,
    SQL_PGCAT_ATTRDEF = 1024,
};
/* pg_am oids of pgvector's access methods: fixed, below 16384 (PostgreSQL assigns them at
 * CREATE EXTENSION; Orbit's exist always) */
#define SQL_PGCAT_AM_HNSW 9001
#define SQL_PGCAT_AM_IVFFLAT 9002
#define SQL_PGCAT_VECTOR_COMMENT "vector data type and ivfflat and hnsw access methods"
/* schema public: its oid and the comment initdb gives it */
#define SQL_PGCAT_PUBLIC_OID 2200
#define SQL_PGCAT_PUBLIC_COMMENT "standard public schema"
/* pg_database.oid of the one database (PostgreSQL gives postgres 5) */
#define SQL_PGCAT_DB_OID 5

/* a system relation as pg_class lists it (sql_sysrel.c) */
typedef struct sql_sysrel_info {
    uint32_t oid;
    char kind;
    const char *schema;
    const char *name;
    int ncols;
} sql_sysrel_info_t;
const sql_sysrel_info_t *sql_sysrel_all(int *n);

/* One pg_class row. */
typedef struct sql_pgrel {
    uint32_t oid;
    char kind;                     /* 'r' table, 'v' view, 'i' index, 'S' sequence */
    const char *schema, *name;
    sql_table_t *table;            /* r, v: the relation; i: the indexed table */
    const Orbit__IndexDesc *index; /* i: the index; NULL for a primary key */
    const sql_seq_def_t *seq;      /* S */
    const sql_sysrel_info_t *sys;  /* a system relation */
} sql_pgrel_t;

typedef struct sql_pgrels {
    sql_pgrel_t *v;
    int n;
    sql_table_t **tables; /* references, released when the context is reset */
    int ntables;
    sql_seq_def_t *seqs;
    int nseqs;
    sql_schema_entry_t *nsp;
    int nnsp;
} sql_pgrels_t;

/* Every relation: tables and views, their indexes (primary keys included), sequences and the
 * system relations. Everything stays valid until mcx is reset. */
int sql_pgrels_load(sql_session_t *s, orb_mcx_t *mcx, sql_pgrels_t *r, orb_err_t *err);
const sql_pgrel_t *sql_pgrels_find(const sql_pgrels_t *r, uint32_t oid);
/* By name: in schema, or (schema NULL) through pg_catalog and the search_path. */
const sql_pgrel_t *sql_pgrels_lookup(sql_session_t *s, const sql_pgrels_t *r, const char *schema,
                                     const char *name);
/* pg_table_is_visible: the unqualified name finds x */
bool sql_pgrels_visible(sql_session_t *s, const sql_pgrels_t *r, const sql_pgrel_t *x);
bool sql_pgcat_schema_visible(sql_session_t *s, const char *schema);
uint32_t sql_pgcat_nsp_oid(const sql_pgrels_t *r, const char *schema);

/* One pg_constraint row of a table. */
typedef struct sql_pgcon {
    uint32_t oid;
    char type; /* p u c f */
    const char *name;
    uint32_t index_oid;          /* p, u: its index; f: the referenced key's */
    const uint32_t *cols;        /* stored positions */
    size_t ncols;
    const Orbit__CheckDesc *check;
    const Orbit__ForeignKeyDesc *fk;
    const sql_table_t *ref;      /* f: the referenced table (NULL if gone) */
} sql_pgcon_t;
/* t's constraints in the order PostgreSQL creates them; *out allocated in mcx. */
int sql_pgcat_constraints(const sql_pgrels_t *r, const sql_table_t *t, orb_mcx_t *mcx,
                          sql_pgcon_t **out);
const char *sql_pgcat_constraintdef(sql_session_t *s, const sql_pgrels_t *r, const sql_table_t *t,
                                    const sql_pgcon_t *c, orb_mcx_t *mcx);
/* pg_get_indexdef(x, column, pretty): the CREATE INDEX statement (column 0) or the column */
const char *sql_pgcat_indexdef(const sql_pgrel_t *x, int column, orb_mcx_t *mcx);
const char *sql_pgcat_index_method(const sql_pgrel_t *x);
uint32_t sql_pgcat_am_oid(const char *method);
void sql_pgcat_index_cols(const sql_pgrel_t *x, const uint32_t **pos, size_t *n);
/* a column default as pg_get_expr prints it */
const char *sql_pgcat_default_expr(const sql_table_t *t, const Orbit__ColumnDesc *c, orb_mcx_t *mcx);
const char *sql_pgcat_check_expr(const Orbit__CheckDesc *c);
/* One stored comment (COMMENT ON, sql_comment.c); shared objects (databases, tablespaces,
 * roles: classoid 1262, 1213, 1260) belong in pg_shdescription. */
typedef struct sql_comment {
    uint32_t classoid, objoid;
    int32_t objsubid;
    const char *text;
} sql_comment_t;
/* Every comment: the stored ones, also of objects dropped since (callers keep those that
 * exist), and the built-in ones (schema public's, the vector extension's) unless COMMENT ON
 * replaced or removed them; *out allocated in mcx. */
int sql_comments_load(sql_engine_t *e, orb_mcx_t *mcx, sql_comment_t **out, int *n, orb_err_t *err);
/* The comment of one object, stored or built in; *out NULL when none (allocated in mcx). */
int sql_comment_get(sql_engine_t *e, uint32_t classoid, uint32_t objoid, int32_t objsubid,
                    orb_mcx_t *mcx, const char **out, orb_err_t *err);

/* quote_ident */
void sql_pgcat_quote_ident(orb_buf_t *b, const char *s);

#endif
