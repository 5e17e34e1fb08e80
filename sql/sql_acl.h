/* sql/sql_acl.h — (sql-private) table privileges: the owner and ACL of each table or view,
 * kept in the catalog record ("acl", "<table id, 10 digits>") -> (owner oid, items); GRANT and
 * REVOKE on tables and views; the check the analyzer makes for every table a statement reads or
 * writes (superusers and owners pass). No record: owned by the bootstrap superuser, default
 * ACL (only the owner). Never included from outside sql/. See README.md ("Privileges"). */
#ifndef ORB_SQL_ACL_H
#define ORB_SQL_ACL_H

#include "sql_int.h"

/* privilege bits, in the order aclitem's text prints them: arwdDxt */
enum {
    SQL_ACL_INSERT = 1,
    SQL_ACL_SELECT = 2,
    SQL_ACL_UPDATE = 4,
    SQL_ACL_DELETE = 8,
    SQL_ACL_TRUNCATE = 16,
    SQL_ACL_REFERENCES = 32,
    SQL_ACL_TRIGGER = 64,
    SQL_ACL_ALL = 127,
    SQL_ACL_USAGE = 256,  /* schemas: U */
    SQL_ACL_CREATE = 512, /* schemas: C */
    SQL_ACL_SCHEMA_ALL = SQL_ACL_USAGE | SQL_ACL_CREATE,
    SQL_ACL_TEMP = 1024,    /* databases: T */
    SQL_ACL_CONNECT = 2048, /* databases: c */
};
/* the grant option of privilege bit b is bit b << SQL_ACL_GO_SHIFT, as PostgreSQL's aclitem */
#define SQL_ACL_GO_SHIFT 16
#define SQL_ROLE_DATABASE_OWNER 6171 /* pg_database_owner: owns public, as in PostgreSQL 15 */

#define SQL_ACL_MAX_ITEMS 64
typedef struct sql_acl_item {
    uint32_t grantee; /* 0: PUBLIC */
    uint32_t privs;
    uint32_t grantor;
} sql_acl_item_t;

typedef struct sql_acl {
    uint32_t table_id;
    char schema[64]; /* schema records */
    uint32_t owner;
    bool has_acl; /* false: the default (the owner's privileges only), relacl NULL */
    int n;
    sql_acl_item_t items[SQL_ACL_MAX_ITEMS];
} sql_acl_t;

/* The record of one table (the default when it has none). */
int sql_acl_get(sql_engine_t *e, uint32_t table_id, sql_acl_t *out, orb_err_t *err);
/* The owner and ACL of a schema: its record ("nspacl", name), else PostgreSQL 15's defaults
 * (public: pg_database_owner=UC, PUBLIC U; pg_catalog and information_schema: postgres=UC,
 * PUBLIC U; others: the owner only). */
int sql_acl_schema_get(sql_engine_t *e, const char *schema, sql_acl_t *out, orb_err_t *err);
/* CREATE SCHEMA by a role other than the bootstrap superuser: it owns the schema. DROP SCHEMA:
 * the record goes with it. */
int sql_acl_note_schema_owner(sql_session_t *s, const char *schema, orb_err_t *err);
int sql_acl_forget_schema(sql_engine_t *e, const char *schema, orb_err_t *err);
/* 42501 "permission denied for schema s" unless the current role is a superuser, owns the
 * schema or holds privs (USAGE / CREATE) on it. */
int sql_acl_check_schema(sql_session_t *s, const char *schema, uint32_t privs, orb_err_t *err);
/* Every schema record (schema set); *out malloc'd, caller frees. */
int sql_acl_schema_list(sql_engine_t *e, sql_acl_t **out, int *n, orb_err_t *err);
/* Every record; *out malloc'd, caller frees. */
int sql_acl_list(sql_engine_t *e, sql_acl_t **out, int *n, orb_err_t *err);
/* CREATE TABLE / VIEW: sql_acl_relation_before gives the id of the relation the statement names
 * in the schema it creates in (0: none) before it runs; after it succeeded,
 * sql_acl_note_owner makes the role that is not the bootstrap superuser the owner of a
 * relation that is new (IF NOT EXISTS and OR REPLACE keep the old owner). */
uint32_t sql_acl_relation_before(sql_session_t *s, PgQuery__RangeVar *rv);
int sql_acl_note_owner(sql_session_t *s, PgQuery__RangeVar *rv, uint32_t before, orb_err_t *err);
/* The items as aclitem[] text elements ("alice=r/postgres"), allocated in mcx; the owner's
 * default when !has_acl. Returns the count. */
int sql_acl_items_text(sql_engine_t *e, const sql_acl_t *a, orb_mcx_t *mcx, const char ***out);
/* 42501 "permission denied for table|view x" unless the session's current role is a
 * superuser, owns t, or holds privs (all of them) directly or through PUBLIC. (The analyzer
 * checks USAGE on t's schema first, with the name's position, as PostgreSQL's parser does.) System relations
 * and the relations read inside a view (checked as the view's) always pass. */
int sql_acl_check(sql_session_t *s, const sql_table_t *t, uint32_t privs, orb_err_t *err);
/* has_table_privilege: whether role holds any of privs on the relation table_id (superusers
 * and the owner hold all). */
int sql_acl_role_has(sql_engine_t *e, uint32_t role_oid, uint32_t table_id, uint32_t privs, bool *out,
                     orb_err_t *err);
/* has_schema_privilege: the same for a schema (privs USAGE / CREATE, their grant options
 * shifted by SQL_ACL_GO_SHIFT). */
int sql_acl_role_has_schema(sql_engine_t *e, uint32_t role_oid, const char *schema, uint32_t privs, bool *out,
                            orb_err_t *err);
/* has_database_privilege: databases have the default ACL (PUBLIC: CONNECT, TEMPORARY; the
 * owner: everything), GRANT on databases is not there yet. */
bool sql_acl_role_has_database(sql_engine_t *e, uint32_t role_oid, uint32_t owner, uint32_t privs);
/* 42501 "must be owner of <what> <name>" unless the current role is a superuser or owns t
 * (DROP, ALTER, CREATE/DROP INDEX); what: "table", "view" or "index" (NULL: t's kind). */
int sql_acl_check_owner(sql_session_t *s, const sql_table_t *t, const char *what, const char *name,
                        orb_err_t *err);
/* The same for a schema (DROP SCHEMA). */
int sql_acl_check_schema_owner(sql_session_t *s, const char *schema, orb_err_t *err);
/* Views are analyzed with their owner's rights: checks are off while depth > 0. */
void sql_acl_view_enter(void);
void sql_acl_view_leave(void);
int sql_exec_grant(sql_session_t *s, PgQuery__GrantStmt *gs, orb_err_t *err);
/* The objects that keep role oid from being dropped, as PostgreSQL's DETAIL lists them ("owner
 * of table t", "privileges for schema s", in oid order as PostgreSQL sorts them, names
 * qualified when not visible), appended to detail one per line; returns the count. */
int sql_acl_role_dependents(sql_session_t *s, uint32_t oid, orb_buf_t *detail, orb_err_t *err);

/* ---- aclexplode (sql_aclexplode.c) ------------------------------------------------------- */
/* One aclitem text ("bob=a*r/alice", "=U/postgres" for PUBLIC, names double-quoted when
 * needed) as an item; 22P02 for bad syntax, 42704 for an unknown role. */
int sql_aclitem_parse(sql_engine_t *e, const char *text, size_t len, sql_acl_item_t *out, orb_err_t *err);
/* aclexplode(acl): acl is a text[] of aclitems (NULL or empty: no rows); *out gets one record
 * value (SQL_OID_RECORD, its text form "(grantor,grantee,privilege_type,is_grantable)") per
 * item and privilege in PostgreSQL's order, allocated in mcx. */
int sql_aclexplode(sql_engine_t *e, const sql_value_t *acl, orb_mcx_t *mcx, sql_value_t **out, int64_t *n,
                   orb_err_t *err);
/* The four fields of such a record (oid, oid, text borrowed from rec, bool); all NULL for NULL. */
void sql_aclexplode_fields(const sql_value_t *rec, sql_value_t out[4]);
/* The builtin that reads field name of an aclexplode record (NULL: no such field), its index in
 * *index; sql_aclexplode_column(i) is the name of column i (0..3) of aclexplode in FROM. */
const sql_builtin_t *sql_aclexplode_field(const char *name, int *index);
const char *sql_aclexplode_column(int i);

#endif
