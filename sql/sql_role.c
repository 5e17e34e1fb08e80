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
    sql_member_t *mem; /* memberships (GRANT role TO role), in the order they were granted */
    int nmem, capmem;
};

/* Roles are node-wide: the cache and the records belong to the root (postgres) engine, whichever
 * database's engine a caller holds. */
static sql_engine_t *root_of(sql_engine_t *e) { return e->root ? e->root : e; }

static const char ROLE_TAG[] = "role";
static const char MEMBER_TAG[] = "member";

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
    return sql_catalog_record_put(root_of(e), &k, dp, 6, err);
}

static int role_unpersist(sql_engine_t *e, uint32_t oid, orb_err_t *err) {
    char id[16];
    snprintf(id, sizeof id, "%010u", oid);
    sql_cat_key_t k = {2, {ROLE_TAG, id}};
    return sql_catalog_record_delete(root_of(e), &k, err);
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

static int find_locked(struct sql_roles *rs, const char *name);

static void mem_add_locked(struct sql_roles *rs, const sql_member_t *m) {
    if (rs->nmem == rs->capmem) {
        rs->capmem = rs->capmem ? rs->capmem * 2 : 8;
        rs->mem = realloc(rs->mem, sizeof *rs->mem * (size_t)rs->capmem);
        if (!rs->mem) orb_panic("out of memory");
    }
    rs->mem[rs->nmem++] = *m;
}

static int mem_load_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    struct sql_roles *rs = arg;
    if (key->n_cols < 3 || row->n_cols < 2) return 0;
    char a[16], b[16];
    snprintf(a, sizeof a, "%.*s", (int)key->cols[1]->s.len, (const char *)key->cols[1]->s.data);
    snprintf(b, sizeof b, "%.*s", (int)key->cols[2]->s.len, (const char *)key->cols[2]->s.data);
    sql_member_t m = {(uint32_t)strtoul(a, NULL, 10), (uint32_t)strtoul(b, NULL, 10),
                      (uint32_t)row->cols[0]->i, row->cols[1]->i != 0};
    mem_add_locked(rs, &m);
    return 0;
}

static int mem_persist(sql_engine_t *e, const sql_member_t *m, bool del, orb_err_t *err) {
    char a[16], b[16];
    snprintf(a, sizeof a, "%010u", m->roleid);
    snprintf(b, sizeof b, "%010u", m->member);
    sql_cat_key_t k = {3, {MEMBER_TAG, a, b}};
    if (del) return sql_catalog_record_delete(root_of(e), &k, err);
    Orbit__Datum d[2], *dp[2] = {&d[0], &d[1]};
    orbit__datum__init(&d[0]);
    orbit__datum__init(&d[1]);
    d[0].v_case = ORBIT__DATUM__V_I;
    d[0].i = m->grantor;
    d[1].v_case = ORBIT__DATUM__V_I;
    d[1].i = m->admin;
    return sql_catalog_record_put(root_of(e), &k, dp, 2, err);
}

int sql_role_members(sql_engine_t *e, sql_member_t **out) {
    struct sql_roles *rs = root_of(e)->roles;
    pthread_mutex_lock(&rs->mu);
    sql_member_t *v = malloc(sizeof *v * (size_t)(rs->nmem + 1));
    if (!v) orb_panic("out of memory");
    if (rs->nmem) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy(v, rs->mem, sizeof *v * (size_t)rs->nmem);
    int n = rs->nmem;
    pthread_mutex_unlock(&rs->mu);
    *out = v;
    return n;
}

/* Whether member reaches roleid through memberships (itself included); inherit_only: only
 * through roles that have INHERIT (privileges), else any (SET ROLE). Locked. */
static bool reaches_locked(struct sql_roles *rs, uint32_t member, uint32_t roleid, bool inherit_only) {
    if (member == roleid) return true;
    uint32_t set[256];
    int n = 0;
    set[n++] = member;
    for (int i = 0; i < n; i++) {
        if (inherit_only) {
            bool inh = true;
            for (int k = 0; k < rs->n; k++)
                if (rs->v[k].oid == set[i]) inh = rs->v[k].inherit;
            if (!inh) continue;
        }
        for (int k = 0; k < rs->nmem && n < 256; k++) {
            if (rs->mem[k].member != set[i]) continue;
            uint32_t r = rs->mem[k].roleid;
            if (r == roleid) return true;
            bool seen = false;
            for (int j = 0; j < n && !seen; j++) seen = set[j] == r;
            if (!seen) set[n++] = r;
        }
    }
    return false;
}

bool sql_role_has_privs_of(sql_engine_t *e, uint32_t member, uint32_t roleid) {
    struct sql_roles *rs = root_of(e)->roles;
    if (!rs) return member == roleid;
    pthread_mutex_lock(&rs->mu);
    bool r = reaches_locked(rs, member, roleid, true);
    pthread_mutex_unlock(&rs->mu);
    return r;
}

bool sql_role_is_member_of(sql_engine_t *e, const char *member, const char *role) {
    struct sql_roles *rs = root_of(e)->roles;
    if (!rs) return false;
    pthread_mutex_lock(&rs->mu);
    int a = find_locked(rs, member), b = find_locked(rs, role);
    bool r = a >= 0 && b >= 0 && reaches_locked(rs, rs->v[a].oid, rs->v[b].oid, false);
    pthread_mutex_unlock(&rs->mu);
    return r;
}

int sql_role_load(sql_engine_t *e, orb_err_t *err) {
    struct sql_roles *rs = calloc(1, sizeof *rs);
    if (!rs) orb_panic("out of memory");
    pthread_mutex_init(&rs->mu, NULL);
    root_of(e)->roles = rs;
    sql_cat_key_t k = {1, {ROLE_TAG}};
    if (sql_catalog_record_scan(e, &k, false, load_cb, rs, err) != 0) return -1;
    sql_cat_key_t mk = {1, {MEMBER_TAG}};
    if (sql_catalog_record_scan(e, &mk, false, mem_load_cb, rs, err) != 0) return -1;
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
    struct sql_roles *rs = root_of(e)->roles;
    if (!rs) return;
    pthread_mutex_destroy(&rs->mu);
    free(rs->v);
    free(rs->conns);
    free(rs->mem);
    free(rs);
    root_of(e)->roles = NULL;
}

static int find_locked(struct sql_roles *rs, const char *name) {
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].name, name) == 0) return i;
    return -1;
}

int sql_role_list(sql_engine_t *e, sql_role_t **out) {
    struct sql_roles *rs = root_of(e)->roles;
    pthread_mutex_lock(&rs->mu);
    sql_role_t *v = malloc(sizeof *v * (size_t)(rs->n + 1));
    if (!v) orb_panic("out of memory");
    if (rs->n)
        memcpy(v, rs->v, sizeof *v * (size_t)rs->n);
    int n = rs->n;
    pthread_mutex_unlock(&rs->mu);
    *out = v;
    return n;
}

bool sql_role_by_name(sql_engine_t *e, const char *name, sql_role_t *out) {
    struct sql_roles *rs = root_of(e)->roles;
    if (!rs) return false;
    pthread_mutex_lock(&rs->mu);
    int i = find_locked(rs, name);
    if (i >= 0) *out = rs->v[i];
    pthread_mutex_unlock(&rs->mu);
    return i >= 0;
}

bool sql_role_by_oid(sql_engine_t *e, uint32_t oid, sql_role_t *out) {
    struct sql_roles *rs = root_of(e)->roles;
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
    struct sql_roles *rs = root_of(e)->roles;
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
    struct sql_roles *rs = root_of(e)->roles;
    pthread_mutex_lock(&rs->mu);
    for (int i = 0; i < rs->nconns; i++)
        if (rs->conns[i].oid == oid && rs->conns[i].n > 0) rs->conns[i].n--;
    pthread_mutex_unlock(&rs->mu);
}

/* ---- options ------------------------------------------------------------------------------- */

typedef struct role_opts {
    PgQuery__DefElem *super, *inherit, *createrole, *createdb, *canlogin, *replication,
        *bypassrls, *connlimit, *password, *validuntil;
    PgQuery__DefElem *rolemembers, *adminmembers, *addroleto; /* lists of RoleSpec */
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
        } else if (strcmp(nm, "rolemembers") == 0) {
            slot = &o->rolemembers;
        } else if (strcmp(nm, "adminmembers") == 0) {
            slot = &o->adminmembers;
        } else if (strcmp(nm, "addroleto") == 0) {
            slot = &o->addroleto;
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

/* ---- memberships ------------------------------------------------------------------------- */

static bool is_admin_locked(struct sql_roles *rs, uint32_t who, uint32_t roleid) {
    for (int k = 0; k < rs->nmem; k++)
        if (rs->mem[k].roleid == roleid && rs->mem[k].admin && reaches_locked(rs, who, rs->mem[k].member, false))
            return true;
    return false;
}

/* PostgreSQL's AddRoleMems / DelRoleMems: members (oids, names for messages) join or leave
 * role (or, admin_only on revoke, lose the admin option). */
static int change_members(sql_session_t *s, const sql_role_t *role, const uint32_t *members,
                          const char *const *names, int n, bool add, bool admin, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    struct sql_roles *rs = root_of(e)->roles;
    sql_role_t me = current_role(s);
    pthread_mutex_lock(&rs->mu);
    int rc = 0;
    if (role->super) {
        if (!me.super) rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be superuser to alter superusers");
    } else if (!me.super && !me.createrole && !is_admin_locked(rs, me.oid, role->oid)) {
        rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must have admin option on role \"%s\"", role->name);
    }
    for (int i = 0; i < n && rc == 0; i++) {
        int at = -1;
        for (int k = 0; k < rs->nmem; k++)
            if (rs->mem[k].roleid == role->oid && rs->mem[k].member == members[i]) at = k;
        if (add) {
            if (reaches_locked(rs, role->oid, members[i], false)) { /* no loops, not itself */
                rc = orb_err_set(err, INVALID_GRANT_OPERATION, "role \"%s\" is a member of role \"%s\"", role->name,
                                 names[i]);
                break;
            }
            if (at >= 0 && (!admin || rs->mem[at].admin)) {
                sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "role \"%s\" is already a member of role \"%s\"",
                                   names[i], role->name);
                continue;
            }
            sql_member_t m = {role->oid, members[i], me.oid ? me.oid : SQL_BOOTSTRAP_ROLE_OID, admin};
            if ((rc = mem_persist(e, &m, false, err)) != 0) break;
            if (at >= 0) rs->mem[at] = m;
            else mem_add_locked(rs, &m);
        } else {
            if (at < 0) {
                sql_session_warning(s, ORB_SQLSTATE_WARNING, "role \"%s\" is not a member of role \"%s\"", names[i],
                                    role->name);
                continue;
            }
            sql_member_t m = rs->mem[at];
            if (admin) { /* REVOKE ADMIN OPTION FOR */
                m.admin = false;
                if ((rc = mem_persist(e, &m, false, err)) == 0) rs->mem[at] = m;
            } else if ((rc = mem_persist(e, &m, true, err)) == 0) {
                memmove(&rs->mem[at], &rs->mem[at + 1], sizeof *rs->mem * (size_t)(rs->nmem - at - 1));
                rs->nmem--;
            }
        }
    }
    pthread_mutex_unlock(&rs->mu);
    return rc;
}

/* The roles of a list of RoleSpec nodes (42704 for a name that is no role). */
static int roles_of_specs(sql_session_t *s, PgQuery__Node **specs, size_t n, sql_role_t *out, orb_err_t *err) {
    for (size_t i = 0; i < n; i++) {
        PgQuery__RoleSpec *sp = specs[i]->role_spec;
        if (!sp) return orb_err_set(err, SYNTAX_ERROR, "role name expected");
        const char *name = NULL;
        switch (sp->roletype) {
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING: name = sp->rolename; break;
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER: name = sql_session_session_user(s); break;
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC: return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", "public");
        default: name = sql_session_user(s); break;
        }
        if (!sql_role_by_name(sql_session_engine(s), name, &out[i]))
            return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
    }
    return 0;
}

/* members (RoleSpec list) join or leave role */
static int change_members_specs(sql_session_t *s, const sql_role_t *role, PgQuery__Node **specs, size_t n, bool add,
                                bool admin, orb_err_t *err) {
    if (n == 0) return 0;
    if (n > 64) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many roles");
    sql_role_t rs[64];
    if (roles_of_specs(s, specs, n, rs, err) != 0) return -1;
    uint32_t ids[64];
    const char *names[64];
    for (size_t i = 0; i < n; i++) {
        ids[i] = rs[i].oid;
        names[i] = rs[i].name;
    }
    return change_members(s, role, ids, names, (int)n, add, admin, err);
}

int sql_exec_grant_role(sql_session_t *s, PgQuery__GrantRoleStmt *gs, orb_err_t *err) {
    if (gs->grantor) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "GRANTED BY is not supported yet");
    if (gs->n_grantee_roles > 64) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many roles");
    sql_role_t grantees[64];
    if (roles_of_specs(s, gs->grantee_roles, gs->n_grantee_roles, grantees, err) != 0) return -1;
    for (size_t i = 0; i < gs->n_granted_roles; i++) {
        PgQuery__AccessPriv *ap = gs->granted_roles[i]->access_priv;
        if (!ap || !ap->priv_name) return orb_err_set(err, SYNTAX_ERROR, "role name expected");
        if (ap->n_cols)
            return orb_err_set(err, INVALID_GRANT_OPERATION, "column names cannot be included in GRANT/REVOKE ROLE");
        sql_role_t role;
        if (!sql_role_by_name(sql_session_engine(s), ap->priv_name, &role))
            return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", ap->priv_name);
        uint32_t ids[64];
        const char *names[64];
        for (size_t k = 0; k < gs->n_grantee_roles; k++) {
            ids[k] = grantees[k].oid;
            names[k] = grantees[k].name;
        }
        if (change_members(s, &role, ids, names, (int)gs->n_grantee_roles, gs->is_grant, gs->admin_opt, err) != 0)
            return -1;
    }
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
    struct sql_roles *rs = root_of(e)->roles;
    pthread_mutex_lock(&rs->mu);
    if (find_locked(rs, name) >= 0) {
        pthread_mutex_unlock(&rs->mu);
        return orb_err_set(err, DUPLICATE_OBJECT, "role \"%s\" already exists", name);
    }
    int rc = act_oid_next(e->rt, &r.oid, err);
    if (rc == 0) rc = role_persist(e, &r, err);
    if (rc == 0) cache_add(rs, &r);
    pthread_mutex_unlock(&rs->mu);
    if (rc != 0) return -1;
    /* IN ROLE: the new role joins those; ROLE / USER and ADMIN: those join it (PostgreSQL's
     * order; the role stays created when one fails, as DDL here commits at once) */
    if (o.addroleto) {
        PgQuery__List *l = o.addroleto->arg ? o.addroleto->arg->list : NULL;
        for (size_t i = 0; l && i < l->n_items; i++) {
            sql_role_t old;
            if (roles_of_specs(s, &l->items[i], 1, &old, err) != 0) return -1;
            const char *nm = r.name;
            if (change_members(s, &old, &r.oid, &nm, 1, true, false, err) != 0) return -1;
        }
    }
    if (o.adminmembers && o.adminmembers->arg &&
        change_members_specs(s, &r, o.adminmembers->arg->list->items, o.adminmembers->arg->list->n_items, true, true, err) != 0)
        return -1;
    if (o.rolemembers && o.rolemembers->arg &&
        change_members_specs(s, &r, o.rolemembers->arg->list->items, o.rolemembers->arg->list->n_items, true, false, err) != 0)
        return -1;
    return 0;
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
    if (o.rolemembers && o.rolemembers->arg && /* ALTER GROUP g ADD | DROP USER u */
        change_members_specs(s, &r, o.rolemembers->arg->list->items, o.rolemembers->arg->list->n_items,
                             as->action >= 0, false, err) != 0)
        return -1;
    struct sql_roles *rs = root_of(e)->roles;
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
    struct sql_roles *rs = root_of(e)->roles;
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
    struct sql_roles *rs = root_of(e)->roles;
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
        /* its memberships, both ways, go with it (as pg_auth_members rows do) */
        for (int k = 0; k < rs->nmem && rc == 0;) {
            if (rs->mem[k].roleid != oids[i] && rs->mem[k].member != oids[i]) {
                k++;
                continue;
            }
            if ((rc = mem_persist(e, &rs->mem[k], true, err)) != 0) break;
            memmove(&rs->mem[k], &rs->mem[k + 1], sizeof *rs->mem * (size_t)(rs->nmem - k - 1));
            rs->nmem--;
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
    if (!is_super && !sql_role_is_member_of(e, sql_session_session_user(s), name))
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to set role \"%s\"", name);
    return 0;
}
