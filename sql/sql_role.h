/* sql/sql_role.h — (sql-private) roles: the role cache over the catalog records
 * ("role", oid) -> (name, oid, attribute bits, connection limit, password, valid until), and
 * CREATE/ALTER/DROP ROLE, ALTER ROLE ... RENAME TO, SET ROLE's check. The bootstrap superuser
 * `postgres` (oid 10) is written when a data directory has no role yet. Never included from
 * outside sql/. See README.md ("Roles"). */
#ifndef ORB_SQL_ROLE_H
#define ORB_SQL_ROLE_H

#include "sql_int.h"

#define SQL_BOOTSTRAP_ROLE_OID 10

typedef struct sql_role {
    uint32_t oid;
    char name[64];
    bool super, inherit, createrole, createdb, canlogin, replication, bypassrls;
    int32_t connlimit;     /* -1: none */
    char password[256];    /* verifier / md5 hash, "" none */
    bool has_valid_until;
    int64_t valid_until;   /* timestamptz: µs since 2000-01-01 UTC */
} sql_role_t;

/* A membership: member belongs to roleid (GRANT roleid TO member). */
typedef struct sql_member {
    uint32_t roleid, member, grantor;
    bool admin;
} sql_member_t;
/* Copies of every membership; *out malloc'd, caller frees. */
int sql_role_members(sql_engine_t *e, sql_member_t **out);
/* Whether member has the privileges of roleid: itself, or through memberships whose members
 * have INHERIT (PostgreSQL's has_privs_of_role). */
bool sql_role_has_privs_of(sql_engine_t *e, uint32_t member, uint32_t roleid);
int sql_exec_grant_role(sql_session_t *s, PgQuery__GrantRoleStmt *gs, orb_err_t *err);

/* Loads the roles (engine creation), writing the bootstrap superuser into an empty catalog. */
int sql_role_load(sql_engine_t *e, orb_err_t *err);
void sql_role_unload(sql_engine_t *e);
/* Copies of every role in oid order; *out malloc'd, caller frees. */
int sql_role_list(sql_engine_t *e, sql_role_t **out);
/* Copies one role out of the cache; false when absent. */
bool sql_role_by_name(sql_engine_t *e, const char *name, sql_role_t *out);
bool sql_role_by_oid(sql_engine_t *e, uint32_t oid, sql_role_t *out);

int sql_exec_create_role(sql_session_t *s, PgQuery__CreateRoleStmt *cs, orb_err_t *err);
int sql_exec_alter_role(sql_session_t *s, PgQuery__AlterRoleStmt *as, orb_err_t *err);
int sql_exec_drop_role(sql_session_t *s, PgQuery__DropRoleStmt *ds, orb_err_t *err);
int sql_exec_rename_role(sql_session_t *s, PgQuery__RenameStmt *rs, orb_err_t *err);
/* SET ROLE name | NONE: checks the role exists (22023) and that the session user may become
 * it (42501: a superuser any role, others themselves and the roles they are members of). */
int sql_role_check_set(sql_session_t *s, const char *name, sql_role_t *out, orb_err_t *err);

#endif
