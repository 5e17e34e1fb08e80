/* sql/sql_role.c — roles: the role cache (loaded at engine creation, guarded by its own
 * mutex) over the catalog records ("role", "<oid>") -> (name, oid, attribute bits, connection
 * limit, password, valid until); CREATE ROLE/USER/GROUP, ALTER ROLE, ALTER ROLE ... RENAME TO,
 * DROP ROLE with PostgreSQL 15's checks and messages; the lookups authentication and the
 * catalog relations (pg_authid, pg_roles, pg_user) read. Invariant: the cache and the records
 * agree whenever the mutex is free (a change is persisted first, then cached, under it).
 * Like all DDL here a role change commits at once. See README.md ("Roles"). */
#include "sql_role.h"

#include "sql_acl.h"
#include "sql_ddl_int.h"
#include "sql_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    R_SUPER = 1,
    R_INHERIT = 2,
    R_CREATEROLE = 4,
    R_CREATEDB = 8,
    R_LOGIN = 16,
    R_REPLICATION = 32,
    R_BYPASSRLS = 64,
};

struct sql_roles {
    pthread_mutex_t mu; /* guards everything below; a leaf except around catalog writes */
    sql_role_t *v;
    int n, cap;
    struct conn_count {
        uint32_t oid;
        int n;
    } *conns; /* live connections per role (CONNECTION LIMIT) */
    int nconns;
};

static const char ROLE_TAG[] = "role";

/* ---- records ------------------------------------------------------------------------------ */

static uint32_t flags_of(const sql_role_t *r) {
    return (r->super ? R_SUPER : 0) | (r->inherit ? R_INHERIT : 0) |
           (r->createrole ? R_CREATEROLE : 0) | (r->createdb ? R_CREATEDB : 0) |
           (r->canlogin ? R_LOGIN : 0) | (r->replication ? R_REPLICATION : 0) |
           (r->bypassrls ? R_BYPASSRLS : 0);
}

static void set_flags(sql_role_t *r, uint32_t f) {
    r->super = f & R_SUPER;
    r->inherit = f & R_INHERIT;
    r->createrole = f & R_CREATEROLE;
    r->createdb = f & R_CREATEDB;
    r->canlogin = f & R_LOGIN;
    r->replication = f & R_REPLICATION;
    r->bypassrls = f & R_BYPASSRLS;
}

static int role_persist(sql_engine_t *e, const sql_role_t *r, orb_err_t *err) {
    char id[16];
    snprintf(id, sizeof id, "%010u", r->oid);
    sql_cat_key_t k = {2, {ROLE_TAG, id}};
    Orbit__Datum d[6], *dp[6];
    for (int i = 0; i < 6; i++) {
        orbit__datum__init(&d[i]);
        dp[i] = &d[i];
    }
    d[0].v_case = ORBIT__DATUM__V_S;
    d[0].s.data = (uint8_t *)r->name;
    d[0].s.len = strlen(r->name);
    d[1].v_case = ORBIT__DATUM__V_I;
    d[1].i = r->oid;
    d[2].v_case = ORBIT__DATUM__V_I;
    d[2].i = flags_of(r);
    d[3].v_case = ORBIT__DATUM__V_I;
    d[3].i = r->connlimit;
    if (r->password[0]) {
        d[4].v_case = ORBIT__DATUM__V_S;
        d[4].s.data = (uint8_t *)r->password;
        d[4].s.len = strlen(r->password);
    } else {
        d[4].v_case = ORBIT__DATUM__V_IS_NULL;
        d[4].is_null = true;
    }
    if (r->has_valid_until) {
        d[5].v_case = ORBIT__DATUM__V_I;
        d[5].i = r->valid_until;
    } else {
        d[5].v_case = ORBIT__DATUM__V_IS_NULL;
        d[5].is_null = true;
    }
    return sql_catalog_record_put(e, &k, dp, 6, err);
}

static int role_unpersist(sql_engine_t *e, uint32_t oid, orb_err_t *err) {
    char id[16];
    snprintf(id, sizeof id, "%010u", oid);
    sql_cat_key_t k = {2, {ROLE_TAG, id}};
    return sql_catalog_record_delete(e, &k, err);
}

static void cache_add(struct sql_roles *rs, const sql_role_t *r) {
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 8;
        rs->v = realloc(rs->v, sizeof *rs->v * (size_t)rs->cap);
        if (!rs->v) orb_panic("out of memory");
    }
    int at = rs->n++;
    while (at > 0 && rs->v[at - 1].oid > r->oid) { /* oid order */
        rs->v[at] = rs->v[at - 1];
        at--;
    }
    rs->v[at] = *r;
}

static int load_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    (void)key;
    struct sql_roles *rs = arg;
    if (row->n_cols < 6 || row->cols[0]->v_case != ORBIT__DATUM__V_S) return 0;
    sql_role_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%.*s", (int)row->cols[0]->s.len, (const char *)row->cols[0]->s.data);
    r.oid = (uint32_t)row->cols[1]->i;
    set_flags(&r, (uint32_t)row->cols[2]->i);
    r.connlimit = (int32_t)row->cols[3]->i;
    if (row->cols[4]->v_case == ORBIT__DATUM__V_S)
        snprintf(r.password, sizeof r.password, "%.*s", (int)row->cols[4]->s.len,
                 (const char *)row->cols[4]->s.data);
    if (row->cols[5]->v_case == ORBIT__DATUM__V_I) {
        r.has_valid_until = true;
        r.valid_until = row->cols[5]->i;
    }
    cache_add(rs, &r);
    return 0;
}

int sql_role_load(sql_engine_t *e, orb_err_t *err) {
    struct sql_roles *rs = calloc(1, sizeof *rs);
    if (!rs) orb_panic("out of memory");
    pthread_mutex_init(&rs->mu, NULL);
    e->roles = rs;
    sql_cat_key_t k = {1, {ROLE_TAG}};
    if (sql_catalog_record_scan(e, &k, false, load_cb, rs, err) != 0) return -1;
    if (rs->n == 0) {
        /* a new data directory: the bootstrap superuser, as initdb makes it */
        sql_role_t r;
        memset(&r, 0, sizeof r);
        r.oid = SQL_BOOTSTRAP_ROLE_OID;
        snprintf(r.name, sizeof r.name, "postgres");
        set_flags(&r, R_SUPER | R_INHERIT | R_CREATEROLE | R_CREATEDB | R_LOGIN | R_REPLICATION | R_BYPASSRLS);
        r.connlimit = -1;
        if (role_persist(e, &r, err) != 0) return -1;
        cache_add(rs, &r);
        orb_log(ORB_LOG_INFO, "sql", "bootstrap superuser created role=postgres oid=10");
    }
    return 0;
}

void sql_role_unload(sql_engine_t *e) {
    struct sql_roles *rs = e->roles;
    if (!rs) return;
    pthread_mutex_destroy(&rs->mu);
    free(rs->v);
    free(rs->conns);
    free(rs);
    e->roles = NULL;
}

static int find_locked(struct sql_roles *rs, const char *name) {
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].name, name) == 0) return i;
    return -1;
}

int sql_role_list(sql_engine_t *e, sql_role_t **out) {
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    sql_role_t *v = malloc(sizeof *v * (size_t)(rs->n + 1));
    if (!v) orb_panic("out of memory");
    memcpy(v, rs->v, sizeof *v * (size_t)rs->n);
    int n = rs->n;
    pthread_mutex_unlock(&rs->mu);
    *out = v;
    return n;
}

bool sql_role_by_name(sql_engine_t *e, const char *name, sql_role_t *out) {
    struct sql_roles *rs = e->roles;
    if (!rs) return false;
    pthread_mutex_lock(&rs->mu);
    int i = find_locked(rs, name);
    if (i >= 0) *out = rs->v[i];
    pthread_mutex_unlock(&rs->mu);
    return i >= 0;
}

bool sql_role_by_oid(sql_engine_t *e, uint32_t oid, sql_role_t *out) {
    struct sql_roles *rs = e->roles;
    if (!rs) return false;
    pthread_mutex_lock(&rs->mu);
    bool found = false;
    for (int i = 0; i < rs->n && !found; i++)
        if (rs->v[i].oid == oid) {
            *out = rs->v[i];
            found = true;
        }
    pthread_mutex_unlock(&rs->mu);
    return found;
}

bool sql_role_login_info(sql_engine_t *e, const char *name, sql_role_login_t *out) {
    sql_role_t r;
    memset(out, 0, sizeof *out);
    if (!sql_role_by_name(e, name, &r)) return false;
    out->oid = r.oid;
    out->superuser = r.super;
    out->can_login = r.canlogin;
    out->conn_limit = r.connlimit;
    out->password_expired = r.has_valid_until && r.valid_until < sql_now_us();
    snprintf(out->password, sizeof out->password, "%s", r.password);
    return true;
}

bool sql_role_connection_take(sql_engine_t *e, uint32_t oid) {
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    int32_t limit = -1;
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].oid == oid) limit = rs->v[i].super ? -1 : rs->v[i].connlimit;
    struct conn_count *c = NULL;
    for (int i = 0; i < rs->nconns && !c; i++)
        if (rs->conns[i].oid == oid) c = &rs->conns[i];
    if (!c) {
        rs->conns = realloc(rs->conns, sizeof *rs->conns * (size_t)(rs->nconns + 1));
        if (!rs->conns) orb_panic("out of memory");
        c = &rs->conns[rs->nconns++];
        c->oid = oid;
        c->n = 0;
    }
    bool ok = limit < 0 || c->n < limit;
    if (ok) c->n++;
    pthread_mutex_unlock(&rs->mu);
    return ok;
}

void sql_role_connection_give(sql_engine_t *e, uint32_t oid) {
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    for (int i = 0; i < rs->nconns; i++)
        if (rs->conns[i].oid == oid && rs->conns[i].n > 0) rs->conns[i].n--;
    pthread_mutex_unlock(&rs->mu);
}

/* ---- options ------------------------------------------------------------------------------- */

typedef struct role_opts {
    PgQuery__DefElem *super, *inherit, *createrole, *createdb, *canlogin, *replication,
        *bypassrls, *connlimit, *password, *validuntil;
} role_opts_t;

static bool opt_bool(const PgQuery__DefElem *d) {
    if (!d->arg) return true;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return d->arg->boolean->boolval;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) return d->arg->integer->ival != 0;
    return true;
}

static int conflict(PgQuery__DefElem *d, orb_err_t *err) {
    orb_err_set(err, SYNTAX_ERROR, "conflicting or redundant options");
    err->position = d->location >= 0 ? d->location + 1 : 0;
    return -1;
}

static int parse_opts(sql_session_t *s, PgQuery__Node **opts, size_t n, bool create,
                      role_opts_t *o, orb_err_t *err) {
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < n; i++) {
        PgQuery__DefElem *d = opts[i]->def_elem;
        if (!d) continue;
        const char *nm = d->defname;
        PgQuery__DefElem **slot = NULL;
        if (strcmp(nm, "password") == 0) slot = &o->password;
        else if (strcmp(nm, "superuser") == 0) slot = &o->super;
        else if (strcmp(nm, "inherit") == 0) slot = &o->inherit;
        else if (strcmp(nm, "createrole") == 0) slot = &o->createrole;
        else if (strcmp(nm, "createdb") == 0) slot = &o->createdb;
        else if (strcmp(nm, "canlogin") == 0) slot = &o->canlogin;
        else if (strcmp(nm, "isreplication") == 0) slot = &o->replication;
        else if (strcmp(nm, "bypassrls") == 0) slot = &o->bypassrls;
        else if (strcmp(nm, "connectionlimit") == 0) slot = &o->connlimit;
        else if (strcmp(nm, "validUntil") == 0) slot = &o->validuntil;
        else if (strcmp(nm, "sysid") == 0 && create) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "SYSID can no longer be specified");
            continue;
        } else if (strcmp(nm, "rolemembers") == 0 || strcmp(nm, "adminmembers") == 0 ||
                   strcmp(nm, "addroleto") == 0) {
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "role membership is not supported yet");
        } else {
            return orb_err_set(err, SYNTAX_ERROR, "option \"%s\" not recognized", nm);
        }
        if (*slot) return conflict(d, err);
        *slot = d;
    }
    if (o->connlimit) {
        int32_t v = o->connlimit->arg && o->connlimit->arg->node_case == PG_QUERY__NODE__NODE_INTEGER
                        ? o->connlimit->arg->integer->ival
                        : 0;
        if (v < -1) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid connection limit: %d", v);
    }
    return 0;
}

static int apply_opts(sql_session_t *s, const role_opts_t *o, sql_role_t *r, orb_err_t *err) {
    if (o->super) r->super = opt_bool(o->super);
    if (o->inherit) r->inherit = opt_bool(o->inherit);
    if (o->createrole) r->createrole = opt_bool(o->createrole);
    if (o->createdb) r->createdb = opt_bool(o->createdb);
    if (o->canlogin) r->canlogin = opt_bool(o->canlogin);
    if (o->replication) r->replication = opt_bool(o->replication);
    if (o->bypassrls) r->bypassrls = opt_bool(o->bypassrls);
    if (o->connlimit && o->connlimit->arg && o->connlimit->arg->node_case == PG_QUERY__NODE__NODE_INTEGER)
        r->connlimit = o->connlimit->arg->integer->ival;
    if (o->validuntil) {
        const char *txt = sql_str_of(o->validuntil->arg);
        if (!txt) return orb_err_set(err, SYNTAX_ERROR, "VALID UNTIL requires a string");
        orb_mcx_t *mcx = orb_mcx_create(NULL, "valid until");
        sql_value_t v;
        int rc = sql_value_in(SQL_OID_TIMESTAMPTZ, -1, txt, strlen(txt), mcx, &v, err);
        orb_mcx_destroy(mcx);
        if (rc != 0) return -1;
        r->has_valid_until = true;
        r->valid_until = v.v.i;
    }
    if (o->password) {
        const char *pw = o->password->arg ? sql_str_of(o->password->arg) : NULL;
        if (!pw) {
            r->password[0] = 0; /* PASSWORD NULL */
        } else if (!pw[0]) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                               "empty string is not a valid password, clearing password");
            r->password[0] = 0;
        } else {
            const char *method = sql_session_setting(s, "password_encryption");
            if (sql_password_encrypt(method && method[0] ? method : "scram-sha-256", r->name, pw,
                                     r->password, sizeof r->password, err) != 0)
                return -1;
        }
    }
    return 0;
}

/* The attributes of the session's current role (a role dropped meanwhile has none). */
static sql_role_t current_role(sql_session_t *s) {
    sql_role_t r;
    if (!sql_role_by_name(sql_session_engine(s), sql_session_user(s), &r)) memset(&r, 0, sizeof r);
    return r;
}

static int reserved_name(const char *name, orb_err_t *err) {
    if (strncmp(name, "pg_", 3) == 0) {
        orb_err_set(err, RESERVED_NAME, "role name \"%s\" is reserved", name);
        orb_err_detail(err, "Role names starting with \"pg_\" are reserved.");
        return -1;
    }
    if (strcmp(name, "public") == 0 || strcmp(name, "none") == 0)
        return orb_err_set(err, RESERVED_NAME, "role name \"%s\" is reserved", name);
    return 0;
}

/* ---- CREATE ROLE --------------------------------------------------------------------------- */

int sql_exec_create_role(sql_session_t *s, PgQuery__CreateRoleStmt *cs, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    role_opts_t o;
    if (parse_opts(s, cs->options, cs->n_options, true, &o, err) != 0) return -1;
    sql_role_t me = current_role(s);
    if (o.super && opt_bool(o.super)) {
        if (!me.super) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to create superusers");
    } else if (o.replication && opt_bool(o.replication)) {
        if (!me.super)
            return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to create replication users");
    } else if (o.bypassrls && opt_bool(o.bypassrls)) {
        if (!me.super) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to create bypassrls users");
    } else if (!me.super && !me.createrole) {
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to create role");
    }
    const char *name = cs->role;
    if (reserved_name(name, err) != 0) return -1;
    if (strlen(name) > 63) return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    sql_role_t r;
    if (sql_role_by_name(e, name, &r)) /* before the password and VALID UNTIL, as PostgreSQL */
        return orb_err_set(err, DUPLICATE_OBJECT, "role \"%s\" already exists", name);
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.inherit = true;
    r.canlogin = cs->stmt_type == PG_QUERY__ROLE_STMT_TYPE__ROLESTMT_USER;
    r.connlimit = -1;
    if (apply_opts(s, &o, &r, err) != 0) return -1;
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    if (find_locked(rs, name) >= 0) {
        pthread_mutex_unlock(&rs->mu);
        return orb_err_set(err, DUPLICATE_OBJECT, "role \"%s\" already exists", name);
    }
    int rc = act_oid_next(e->rt, &r.oid, err);
    if (rc == 0) rc = role_persist(e, &r, err);
    if (rc == 0) cache_add(rs, &r);
    pthread_mutex_unlock(&rs->mu);
    return rc;
}

/* ---- ALTER ROLE ---------------------------------------------------------------------------- */

static int rolespec_name(sql_session_t *s, const PgQuery__RoleSpec *rs, const char **out, orb_err_t *err) {
    switch (rs->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING: *out = rs->rolename; return 0;
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE:
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER: *out = sql_session_user(s); return 0;
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER: *out = sql_session_session_user(s); return 0;
    default: return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", "public");
    }
}

int sql_exec_alter_role(sql_session_t *s, PgQuery__AlterRoleStmt *as, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    role_opts_t o;
    if (!as->role) return orb_err_set(err, SYNTAX_ERROR, "role name expected");
    if (parse_opts(s, as->options, as->n_options, false, &o, err) != 0) return -1;
    const char *name = NULL;
    if (rolespec_name(s, as->role, &name, err) != 0) return -1;
    sql_role_t r;
    if (!sql_role_by_name(e, name, &r)) return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
    sql_role_t me = current_role(s);
    if (r.super || o.super) {
        if (!me.super)
            return orb_err_set(err, INSUFFICIENT_PRIVILEGE,
                               "must be superuser to alter superuser roles or change superuser attribute");
    } else if (r.replication || o.replication) {
        if (!me.super)
            return orb_err_set(err, INSUFFICIENT_PRIVILEGE,
                               "must be superuser to alter replication roles or change replication attribute");
    } else if (o.bypassrls) {
        if (!me.super) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to change bypassrls attribute");
    } else if (!me.super && !me.createrole) {
        /* without CREATEROLE a role may only change its own password */
        if (o.inherit || o.createrole || o.createdb || o.canlogin || o.connlimit || o.validuntil ||
            !o.password || r.oid != me.oid)
            return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied");
    }
    if (apply_opts(s, &o, &r, err) != 0) return -1;
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    int at = -1;
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].oid == r.oid) at = i;
    int rc;
    if (at < 0) {
        rc = orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
    } else {
        rc = role_persist(e, &r, err);
        if (rc == 0) rs->v[at] = r;
    }
    pthread_mutex_unlock(&rs->mu);
    return rc;
}

int sql_exec_rename_role(sql_session_t *s, PgQuery__RenameStmt *rn, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    const char *old = rn->subname, *nw = rn->newname;
    sql_role_t r;
    if (!sql_role_by_name(e, old, &r)) return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", old);
    if (strcmp(old, sql_session_session_user(s)) == 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "session user cannot be renamed");
    if (strcmp(old, sql_session_user(s)) == 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "current user cannot be renamed");
    if (reserved_name(old, err) != 0 || reserved_name(nw, err) != 0) return -1;
    if (strlen(nw) > 63) return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    sql_role_t other;
    if (sql_role_by_name(e, nw, &other))
        return orb_err_set(err, DUPLICATE_OBJECT, "role \"%s\" already exists", nw);
    sql_role_t me = current_role(s);
    if (r.super) {
        if (!me.super) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to rename superusers");
    } else if (!me.super && !me.createrole) {
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to rename role");
    }
    snprintf(r.name, sizeof r.name, "%s", nw);
    if (sql_password_kind(r.password) == SQL_PASSWORD_MD5) {
        /* the md5 hash is salted with the name */
        r.password[0] = 0;
        sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "MD5 password cleared because of role rename");
    }
    struct sql_roles *rs = e->roles;
    pthread_mutex_lock(&rs->mu);
    int at = -1;
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].oid == r.oid) at = i;
    int rc;
    if (at < 0) rc = orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", old);
    else if (find_locked(rs, nw) >= 0) rc = orb_err_set(err, DUPLICATE_OBJECT, "role \"%s\" already exists", nw);
    else if ((rc = role_persist(e, &r, err)) == 0) rs->v[at] = r;
    pthread_mutex_unlock(&rs->mu);
    return rc;
}

/* ---- DROP ROLE ----------------------------------------------------------------------------- */

int sql_exec_drop_role(sql_session_t *s, PgQuery__DropRoleStmt *ds, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    sql_role_t me = current_role(s);
    if (!me.super && !me.createrole) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to drop role");
    /* check every role first: DDL commits at once, so an error must drop nothing */
    uint32_t *oids = calloc(ds->n_roles + 1, sizeof *oids);
    if (!oids) orb_panic("out of memory");
    for (size_t i = 0; i < ds->n_roles; i++) {
        PgQuery__RoleSpec *spec = ds->roles[i]->role_spec;
        if (!spec || spec->roletype != PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING) {
            free(oids);
            return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot use special role specifier in DROP ROLE");
        }
        sql_role_t r;
        if (!sql_role_by_name(e, spec->rolename, &r)) {
            if (!ds->missing_ok) {
                free(oids);
                return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", spec->rolename);
            }
            continue;
        }
        int rc = 0;
        if (strcmp(r.name, sql_session_user(s)) == 0)
            rc = orb_err_set(err, OBJECT_IN_USE, "current user cannot be dropped");
        else if (strcmp(r.name, sql_session_session_user(s)) == 0)
            rc = orb_err_set(err, OBJECT_IN_USE, "session user cannot be dropped");
        else if (r.super && !me.super)
            rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to drop superusers");
        else if (r.oid == SQL_BOOTSTRAP_ROLE_OID)
            rc = orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                             "cannot drop role %s because it is required by the database system", r.name);
        else {
            orb_buf_t detail;
            orb_buf_init(&detail);
            int nd = sql_acl_role_dependents(s, r.oid, &detail, err);
            if (nd < 0) {
                rc = -1;
            } else if (nd > 0) {
                rc = orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                                 "role \"%s\" cannot be dropped because some objects depend on it", r.name);
                orb_err_detail(err, "%s", detail.data);
            }
            orb_buf_free(&detail);
        }
        if (rc != 0) {
            free(oids);
            return -1;
        }
        oids[i] = r.oid;
    }
    struct sql_roles *rs = e->roles;
    int rc = 0;
    for (size_t i = 0; i < ds->n_roles && rc == 0; i++) {
        if (!oids[i]) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "role \"%s\" does not exist, skipping",
                               ds->roles[i]->role_spec->rolename);
            continue;
        }
        pthread_mutex_lock(&rs->mu);
        for (int k = 0; k < rs->n; k++) {
            if (rs->v[k].oid != oids[i]) continue;
            if ((rc = role_unpersist(e, oids[i], err)) == 0) {
                memmove(&rs->v[k], &rs->v[k + 1], sizeof *rs->v * (size_t)(rs->n - k - 1));
                rs->n--;
            }
            break;
        }
        pthread_mutex_unlock(&rs->mu);
    }
    free(oids);
    return rc;
}

/* ---- SET ROLE ------------------------------------------------------------------------------ */

int sql_role_check_set(sql_session_t *s, const char *name, sql_role_t *out, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    if (!sql_role_by_name(e, name, out))
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "role \"%s\" does not exist", name);
    sql_role_t su;
    bool is_super = sql_role_by_name(e, sql_session_session_user(s), &su) && su.super;
    if (!is_super && strcmp(name, sql_session_session_user(s)) != 0)
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to set role \"%s\"", name);
    return 0;
}
