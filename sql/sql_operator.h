/* sql/sql_operator.h — (sql-private) the builtin operators as pg_operator rows (sql_operator.c):
 * PostgreSQL 15's own, with their oids, for the ones Orbit implements, and pgvector's with Orbit's
 * fixed oids. Read-only tables built once; any thread. See README.md ("System relations"). */
#ifndef ORB_SQL_OPERATOR_H
#define ORB_SQL_OPERATOR_H

#include "sql_int.h"

typedef struct sql_operator {
    uint32_t oid;
    const char *name;
    char kind; /* 'b' infix, 'l' prefix (left is 0) */
    uint32_t left, right, result;
    uint32_t com, negate; /* 0: none */
    uint32_t code;        /* the implementing function's pg_proc oid (regproc) */
    const char *code_name;
    uint32_t rest, join; /* selectivity estimators (regproc), 0: none */
    bool canmerge, canhash;
    const char *descr; /* PostgreSQL's description (obj_description), NULL or ""
                          for none */
} sql_operator_t;

/* PostgreSQL 15's operators Orbit implements (namespace pg_catalog), in oid order. */
const sql_operator_t *sql_operator_core(size_t *n);
/* pgvector's (namespace public; listed once the extension exists). */
const sql_operator_t *sql_operator_vector(size_t *n);
/* Either kind by oid, else a PostgreSQL operator Orbit does not implement (a foreign key's
 * cross-type = names one; for regoper); NULL for none. */
const sql_operator_t *sql_operator_by_oid(uint32_t oid);
/* The name of a function an operator row names (oprcode, oprrest, oprjoin), NULL if unknown. */
const char *sql_operator_proc_name(uint32_t oid);
/* PostgreSQL's = operator for (left, right) (cross-type ones too), 0 when there is none. */
uint32_t sql_operator_eq(uint32_t left, uint32_t right);
/* Whether one row has this name (regoper prints it unqualified then). */
bool sql_operator_name_unique(const char *name);
/* PostgreSQL's description of operator oid, NULL for none. */
const char *sql_operator_description(uint32_t oid);

#endif
