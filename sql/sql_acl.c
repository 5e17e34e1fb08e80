/* sql/sql_acl.c — table privileges: owners and ACLs in the catalog records ("acl", "<id>") ->
 * (owner oid, "grantee:privs:grantor;..." with role oids, so renames follow), GRANT/REVOKE
 * {SELECT | INSERT | UPDATE | DELETE | TRUNCATE | REFERENCES | TRIGGER | ALL} ON [TABLE] t TO
 * role | PUBLIC, the analyzer's check, and aclitem[] text for pg_class.relacl. Entry points:
 * sql_acl.h. Like all DDL here GRANT/REVOKE commit at once. See README.md ("Privileges"). */
#include "sql_acl.h"

#include "sql_ddl_int.h"
#include "sql_role.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ACL_TAG[] = "acl";
static const char LETTERS[] = "arwdDxtXUCTcsA"; /* aclitem's order; bit k is LETTERS[k] */
static const char NSP_TAG[] = "nspacl";

static _Thread_local int view_depth;
void sql_acl_view_enter(void) { view_depth++; }
void sql_acl_view_leave(void) { view_depth--; }

/* ---- records ------------------------------------------------------------------------------ */

static void acl_from_row(const Orbit__Row *row, uint32_t id, sql_acl_t *a) {
    memset(a, 0, sizeof *a);
    a->table_id = id;
    a->owner = 10;
    if (row->n_cols >= 1 && row->cols[0]->v_case == ORBIT__DATUM__V_I) a->owner = (uint32_t)row->cols[0]->i;
    if (row->n_cols >= 2 && row->cols[1]->v_case == ORBIT__DATUM__V_S) {
        a->has_acl = true;
        char buf[4096];
        snprintf(buf, sizeof buf, "%.*s", (int)row->cols[1]->s.len, (const char *)row->cols[1]->s.data);
        char *save = NULL;
        for (char *it = strtok_r(buf, ";", &save); it && a->n < SQL_ACL_MAX_ITEMS; it = strtok_r(NULL, ";", &save)) {
            unsigned g, p, r;
            if (sscanf(it, "%u:%u:%u", &g, &p, &r) == 3) a->items[a->n++] = (sql_acl_item_t){g, p, r};
        }
    }
}

typedef struct get_arg {
    sql_acl_t *out;
    bool found;
} get_arg_t;

static int get_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    (void)key;
    get_arg_t *g = arg;
    acl_from_row(row, g->out->table_id, g->out);
    g->found = true;
    return 0;
}

int sql_acl_get(sql_engine_t *e, uint32_t table_id, sql_acl_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    out->table_id = table_id;
    out->owner = 10;
    char id[16];
    snprintf(id, sizeof id, "%010u", table_id);
    sql_cat_key_t k = {2, {ACL_TAG, id}};
    get_arg_t g = {out, false};
    return sql_catalog_record_scan(e, &k, true, get_cb, &g, err);
}

typedef struct list_arg {
    sql_acl_t *v;
    int n, cap;
} list_arg_t;

static int list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    list_arg_t *l = arg;
    if (key->n_cols < 2 || key->cols[1]->v_case != ORBIT__DATUM__V_S) return 0;
    char id[16];
    snprintf(id, sizeof id, "%.*s", (int)key->cols[1]->s.len, (const char *)key->cols[1]->s.data);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
        if (!l->v) orb_panic("out of memory");
    }
    acl_from_row(row, (uint32_t)strtoul(id, NULL, 10), &l->v[l->n++]);
    return 0;
}

int sql_acl_list(sql_engine_t *e, sql_acl_t **out, int *n, orb_err_t *err) {
    list_arg_t l = {NULL, 0, 0};
    sql_cat_key_t k = {1, {ACL_TAG}};
    if (sql_catalog_record_scan(e, &k, false, list_cb, &l, err) != 0) {
        free(l.v);
        return -1;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

static int acl_put(sql_engine_t *e, const sql_acl_t *a, orb_err_t *err) {
    char id[16];
    snprintf(id, sizeof id, "%010u", a->table_id);
    sql_cat_key_t k = {2, {ACL_TAG, id}};
    if (a->schema[0]) {
        k.parts[0] = NSP_TAG;
        k.parts[1] = a->schema;
    }
    Orbit__Datum d[2], *dp[2] = {&d[0], &d[1]};
    orbit__datum__init(&d[0]);
    orbit__datum__init(&d[1]);
    d[0].v_case = ORBIT__DATUM__V_I;
    d[0].i = a->owner;
    orb_buf_t b;
    orb_buf_init(&b);
    if (a->has_acl) {
        for (int i = 0; i < a->n; i++)
            orb_buf_printf(&b, "%s%u:%u:%u", i ? ";" : "", a->items[i].grantee, a->items[i].privs,
                           a->items[i].grantor);
        d[1].v_case = ORBIT__DATUM__V_S;
        d[1].s.data = (uint8_t *)(b.data ? b.data : "");
        d[1].s.len = b.len;
    } else {
        d[1].v_case = ORBIT__DATUM__V_IS_NULL;
        d[1].is_null = true;
    }
    int rc = sql_catalog_record_put(e, &k, dp, 2, err);
    orb_buf_free(&b);
    return rc;
}

/* whether role me holds the privileges of role r (itself, or by inheriting memberships) */
static bool privs_of(sql_engine_t *e, uint32_t me, uint32_t r) {
    return me && (me == r || sql_role_has_privs_of(e, me, r));
}

static uint32_t current_oid(sql_session_t *s, bool *super) {
    sql_role_t r;
    if (!sql_role_by_name(sql_session_engine(s), sql_session_user(s), &r)) {
        *super = false;
        return 0;
    }
    *super = r.super;
    return r.oid;
}

/* the relation rv names in the schema a CREATE of it uses; NULL when none */
static sql_table_t *created_relation(sql_session_t *s, PgQuery__RangeVar *rv) {
    char schema[64];
    orb_err_t e2;
    if (sql_catalog_creation_schema(s, rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL, schema,
                                    sizeof schema, &e2) != 0)
        return NULL;
    return sql_catalog_get(sql_session_engine(s), schema, rv->relname);
}

uint32_t sql_acl_relation_before(sql_session_t *s, PgQuery__RangeVar *rv) {
    sql_table_t *t = created_relation(s, rv);
    uint32_t id = t ? t->id : 0;
    if (t) sql_table_release(t);
    return id;
}

int sql_acl_note_owner(sql_session_t *s, PgQuery__RangeVar *rv, uint32_t before, orb_err_t *err) {
    bool super;
    uint32_t me = current_oid(s, &super);
    if (me == 0 || me == 10) return 0; /* no record: owned by the bootstrap superuser */
    sql_table_t *t = created_relation(s, rv);
    if (!t) return 0;
    uint32_t id = t->id;
    sql_table_release(t);
    if (id == before) return 0; /* it existed: IF NOT EXISTS, OR REPLACE */
    sql_acl_t a;
    memset(&a, 0, sizeof a);
    a.table_id = id;
    a.owner = me;
    return acl_put(sql_session_engine(s), &a, err);
}

/* ---- schemas ------------------------------------------------------------------------------- */

int sql_acl_schema_get(sql_engine_t *e, const char *schema, sql_acl_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    snprintf(out->schema, sizeof out->schema, "%s", schema);
    out->owner = 10;
    bool builtin = strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0;
    if (strcmp(schema, "public") == 0) out->owner = SQL_ROLE_DATABASE_OWNER;
    if (builtin || out->owner == SQL_ROLE_DATABASE_OWNER) {
        out->has_acl = true;
        out->n = 2;
        out->items[0] = (sql_acl_item_t){out->owner, SQL_ACL_SCHEMA_ALL, out->owner};
        out->items[1] = (sql_acl_item_t){0, SQL_ACL_USAGE, out->owner};
    }
    sql_cat_key_t k = {2, {NSP_TAG, schema}};
    get_arg_t g = {out, false};
    if (sql_catalog_record_scan(e, &k, true, get_cb, &g, err) != 0) return -1;
    snprintf(out->schema, sizeof out->schema, "%s", schema); /* acl_from_row cleared it */
    return 0;
}

int sql_acl_note_schema_owner(sql_session_t *s, const char *schema, orb_err_t *err) {
    bool super;
    uint32_t me = current_oid(s, &super);
    if (me == 0 || me == 10) return 0;
    sql_acl_t a;
    memset(&a, 0, sizeof a);
    snprintf(a.schema, sizeof a.schema, "%s", schema);
    a.owner = me;
    return acl_put(sql_session_engine(s), &a, err);
}

int sql_acl_forget_schema(sql_engine_t *e, const char *schema, orb_err_t *err) {
    sql_cat_key_t k = {2, {NSP_TAG, schema}};
    return sql_catalog_record_delete(e, &k, err);
}

int sql_acl_check_schema(sql_session_t *s, const char *schema, uint32_t privs, orb_err_t *err) {
    if (view_depth > 0 || sql_session_is_superuser(s)) return 0;
    bool super;
    uint32_t me = current_oid(s, &super);
    if (super) return 0;
    sql_acl_t a;
    sql_engine_t *e = sql_session_engine(s);
    if (sql_acl_schema_get(e, schema, &a, err) != 0) return -1;
    if (privs_of(e, me, a.owner)) return 0;
    uint32_t held = 0;
    for (int i = 0; a.has_acl && i < a.n; i++)
        if (a.items[i].grantee == 0 || privs_of(e, me, a.items[i].grantee)) held |= a.items[i].privs;
    if ((held & privs) == privs) return 0;
    return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for schema %s", schema);
}

/* ---- text ---------------------------------------------------------------------------------- */

static void put_role(orb_buf_t *b, sql_engine_t *e, uint32_t oid) {
    sql_role_t r;
    if (oid == SQL_ROLE_DATABASE_OWNER) {
        orb_buf_puts(b, "pg_database_owner");
        return;
    }
    if (!sql_role_by_oid(e, oid, &r)) {
        orb_buf_printf(b, "%u", oid);
        return;
    }
    bool safe = r.name[0] != 0;
    for (const char *p = r.name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') safe = false;
    if (safe) {
        orb_buf_puts(b, r.name);
        return;
    }
    orb_buf_putc(b, '"');
    for (const char *p = r.name; *p; p++) {
        if (*p == '"') orb_buf_putc(b, '"');
        orb_buf_putc(b, *p);
    }
    orb_buf_putc(b, '"');
}

int sql_acl_items_text(sql_engine_t *e, const sql_acl_t *a, orb_mcx_t *mcx, const char ***out) {
    sql_acl_item_t def = {a->owner, a->schema[0] ? SQL_ACL_SCHEMA_ALL : SQL_ACL_ALL, a->owner};
    const sql_acl_item_t *items = a->has_acl ? a->items : &def;
    int n = a->has_acl ? a->n : 1;
    const char **v = orb_alloc0(mcx, sizeof *v * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (items[i].grantee) put_role(&b, e, items[i].grantee);
        orb_buf_putc(&b, '=');
        for (int k = 0; k < 14; k++) {
            if (items[i].privs & (1u << k)) orb_buf_putc(&b, LETTERS[k]);
            if (items[i].privs & ((1u << k) << SQL_ACL_GO_SHIFT)) orb_buf_putc(&b, '*');
        }
        orb_buf_putc(&b, '/');
        put_role(&b, e, items[i].grantor);
        v[i] = orb_strndup(mcx, b.data ? b.data : "", b.len);
        orb_buf_free(&b);
    }
    *out = v;
    return n;
}

/* ---- the check ----------------------------------------------------------------------------- */

int sql_acl_check(sql_session_t *s, const sql_table_t *t, uint32_t privs, orb_err_t *err) {
    if (view_depth > 0 || t->id < 16384 || sql_session_is_superuser(s)) return 0;
    bool super;
    uint32_t me = current_oid(s, &super);
    if (super) return 0;
    sql_acl_t a;
    if (sql_acl_get(sql_session_engine(s), t->id, &a, err) != 0) return -1;
    sql_engine_t *e = sql_session_engine(s);
    if (privs_of(e, me, a.owner)) return 0; /* owners hold every privilege */
    uint32_t held = 0;
    for (int i = 0; a.has_acl && i < a.n; i++)
        if (a.items[i].grantee == 0 || privs_of(e, me, a.items[i].grantee)) held |= a.items[i].privs;
    if ((held & privs) == privs) return 0;
    return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for %s %s", t->view_sql ? "view" : "table",
                       t->name);
}

/* Whether role_oid holds any of privs on an object with ACL a: its owner (or a member of the
 * owner) holds everything, else what the entries for it, PUBLIC and its roles grant. */
static bool acl_allows(sql_engine_t *e, uint32_t role_oid, const sql_acl_t *a, uint32_t privs) {
    if (privs_of(e, role_oid, a->owner)) return true;
    uint32_t held = 0;
    for (int i = 0; a->has_acl && i < a->n; i++)
        if (a->items[i].grantee == 0 || privs_of(e, role_oid, a->items[i].grantee)) held |= a->items[i].privs;
    return (held & privs) != 0;
}

static bool is_super(sql_engine_t *e, uint32_t role_oid) {
    sql_role_t r;
    return sql_role_by_oid(e, role_oid, &r) && r.super;
}

int sql_acl_role_has(sql_engine_t *e, uint32_t role_oid, uint32_t table_id, uint32_t privs, bool *out,
                     orb_err_t *err) {
    *out = true;
    if (is_super(e, role_oid)) return 0;
    sql_acl_t a;
    if (sql_acl_get(e, table_id, &a, err) != 0) return -1;
    *out = acl_allows(e, role_oid, &a, privs);
    return 0;
}

int sql_acl_role_has_schema(sql_engine_t *e, uint32_t role_oid, const char *schema, uint32_t privs, bool *out,
                            orb_err_t *err) {
    *out = true;
    if (is_super(e, role_oid)) return 0;
    sql_acl_t a;
    if (sql_acl_schema_get(e, schema, &a, err) != 0) return -1;
    *out = acl_allows(e, role_oid, &a, privs);
    return 0;
}

bool sql_acl_role_has_database(sql_engine_t *e, uint32_t role_oid, uint32_t owner, uint32_t privs) {
    sql_role_t r;
    if (sql_role_by_oid(e, role_oid, &r) && r.super) return true;
    if (privs_of(e, role_oid, owner)) return true;
    return (privs & (SQL_ACL_CONNECT | SQL_ACL_TEMP)) != 0;
}

int sql_acl_check_owner(sql_session_t *s, const sql_table_t *t, const char *what, const char *name,
                        orb_err_t *err) {
    if (sql_session_is_superuser(s)) return 0;
    bool super;
    uint32_t me = current_oid(s, &super);
    if (super) return 0;
    sql_acl_t a;
    if (sql_acl_get(sql_session_engine(s), t->id, &a, err) != 0) return -1;
    if (privs_of(sql_session_engine(s), me, a.owner)) return 0;
    return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be owner of %s %s", what ? what : t->view_sql ? "view" : "table",
                       name ? name : t->name);
}

int sql_acl_check_schema_owner(sql_session_t *s, const char *schema, orb_err_t *err) {
    if (sql_session_is_superuser(s)) return 0;
    bool super;
    uint32_t me = current_oid(s, &super);
    if (super) return 0;
    sql_acl_t a;
    if (sql_acl_schema_get(sql_session_engine(s), schema, &a, err) != 0) return -1;
    if (privs_of(sql_session_engine(s), me, a.owner)) return 0;
    return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be owner of schema %s", schema);
}

/* ---- GRANT / REVOKE ------------------------------------------------------------------------ */

static int priv_bits(PgQuery__GrantStmt *gs, uint32_t *out, orb_err_t *err) {
    if (gs->n_privileges == 0) { /* ALL [PRIVILEGES] */
        *out = SQL_ACL_ALL;
        return 0;
    }
    static const char *const names[] = {"insert", "select", "update", "delete", "truncate", "references", "trigger"};
    *out = 0;
    for (size_t i = 0; i < gs->n_privileges; i++) {
        PgQuery__AccessPriv *ap = gs->privileges[i]->access_priv;
        if (!ap) return orb_err_set(err, SYNTAX_ERROR, "privilege expected");
        if (ap->n_cols) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "column privileges are not supported yet");
        int k = -1;
        for (int j = 0; j < 7; j++)
            if (ap->priv_name && strcmp(ap->priv_name, names[j]) == 0) k = j;
        if (k < 0) {
            char up[64];
            size_t j = 0;
            for (const char *p = ap->priv_name ? ap->priv_name : ""; *p && j < sizeof up - 1; p++)
                up[j++] = (char)toupper((unsigned char)*p);
            up[j] = 0;
            return orb_err_set(err, INVALID_GRANT_OPERATION, "invalid privilege type %s for table", up);
        }
        *out |= 1u << k;
    }
    return 0;
}

/* GRANT (go: WITH GRANT OPTION, the option bits too) or REVOKE (go: GRANT OPTION FOR, only the
 * option bits; else the privileges and their options) */
static void acl_apply(sql_acl_t *a, bool grant, bool go, uint32_t grantee, uint32_t bits) {
    if (!a->has_acl) { /* materialise the default: the owner's privileges */
        a->has_acl = true;
        a->n = 0;
        a->items[a->n++] = (sql_acl_item_t){a->owner, a->schema[0] ? SQL_ACL_SCHEMA_ALL : SQL_ACL_ALL, a->owner};
    }
    int at = -1;
    for (int i = 0; i < a->n; i++)
        if (a->items[i].grantee == grantee && a->items[i].grantor == a->owner) at = i;
    if (grant) {
        if (at < 0 && a->n < SQL_ACL_MAX_ITEMS) {
            at = a->n++;
            a->items[at] = (sql_acl_item_t){grantee, 0, a->owner};
        }
        if (at >= 0) a->items[at].privs |= bits | (go ? bits << SQL_ACL_GO_SHIFT : 0);
    } else if (at >= 0) {
        a->items[at].privs &= go ? ~(bits << SQL_ACL_GO_SHIFT) : ~(bits | bits << SQL_ACL_GO_SHIFT);
        if (!a->items[at].privs) {
            memmove(&a->items[at], &a->items[at + 1], sizeof a->items[0] * (size_t)(a->n - at - 1));
            a->n--;
        }
    }
}

/* The grantees of a GRANT/REVOKE as role oids (0: PUBLIC); 42704 for an unknown role. */
static int grantees_of(sql_session_t *s, PgQuery__GrantStmt *gs, uint32_t *grantees, size_t *n, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    size_t ng = 0;
    for (size_t i = 0; i < gs->n_grantees && ng < 64; i++) {
        PgQuery__RoleSpec *rs = gs->grantees[i]->role_spec;
        if (!rs) return orb_err_set(err, SYNTAX_ERROR, "role name expected");
        const char *name = NULL;
        switch (rs->roletype) {
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC: grantees[ng++] = 0; continue;
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING: name = rs->rolename; break;
        case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER: name = sql_session_session_user(s); break;
        default: name = sql_session_user(s); break;
        }
        sql_role_t r;
        if (!sql_role_by_name(e, name, &r)) return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
        grantees[ng++] = r.oid;
    }
    *n = ng;
    return 0;
}

static int grant_schemas(sql_session_t *s, PgQuery__GrantStmt *gs, const uint32_t *grantees, size_t ng,
                         orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    uint32_t bits = 0;
    if (gs->n_privileges == 0) bits = SQL_ACL_SCHEMA_ALL;
    for (size_t i = 0; i < gs->n_privileges; i++) {
        PgQuery__AccessPriv *ap = gs->privileges[i]->access_priv;
        if (ap && ap->priv_name && strcmp(ap->priv_name, "usage") == 0) bits |= SQL_ACL_USAGE;
        else if (ap && ap->priv_name && strcmp(ap->priv_name, "create") == 0) bits |= SQL_ACL_CREATE;
        else {
            char up[64];
            size_t j = 0;
            for (const char *p = ap && ap->priv_name ? ap->priv_name : ""; *p && j < sizeof up - 1; p++)
                up[j++] = (char)toupper((unsigned char)*p);
            up[j] = 0;
            return orb_err_set(err, INVALID_GRANT_OPERATION, "invalid privilege type %s for schema", up);
        }
    }
    bool super;
    uint32_t me = current_oid(s, &super);
    for (size_t i = 0; i < gs->n_objects; i++) { /* check all first: DDL commits at once */
        const char *name = sql_str_of(gs->objects[i]);
        bool exists;
        if (!name) return orb_err_set(err, SYNTAX_ERROR, "schema name expected");
        if (sql_schema_exists(e, name, &exists, err) != 0) return -1;
        if (!exists) return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", name);
        sql_acl_t a;
        if (sql_acl_schema_get(e, name, &a, err) != 0) return -1;
        if (!super && a.owner != me) return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for schema %s", name);
    }
    for (size_t i = 0; i < gs->n_objects; i++) {
        sql_acl_t a;
        if (sql_acl_schema_get(e, sql_str_of(gs->objects[i]), &a, err) != 0) return -1;
        for (size_t g = 0; g < ng; g++) acl_apply(&a, gs->is_grant, gs->grant_option, grantees[g], bits);
        if (acl_put(e, &a, err) != 0) return -1;
    }
    return 0;
}

int sql_exec_grant(sql_session_t *s, PgQuery__GrantStmt *gs, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    if (gs->targtype != PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_OBJECT)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "GRANT and REVOKE on ALL TABLES IN SCHEMA are not supported yet");
    if (gs->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && gs->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "GRANT and REVOKE on objects other than tables, views and schemas are not supported yet");
    if (gs->grant_option && gs->is_grant) {
        for (size_t i = 0; i < gs->n_grantees; i++) {
            PgQuery__RoleSpec *rs = gs->grantees[i]->role_spec;
            if (rs && rs->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC)
                return orb_err_set(err, INVALID_GRANT_OPERATION, "grant options can only be granted to roles");
        }
    }
    if (gs->grantor) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "GRANTED BY is not supported yet");
    uint32_t grantees[64];
    size_t ng;
    if (gs->n_grantees > 64) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many grantees");
    if (gs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
        if (grantees_of(s, gs, grantees, &ng, err) != 0) return -1;
        return grant_schemas(s, gs, grantees, ng, err);
    }
    uint32_t bits;
    if (priv_bits(gs, &bits, err) != 0) return -1;
    if (grantees_of(s, gs, grantees, &ng, err) != 0) return -1;
    bool super;
    uint32_t me = current_oid(s, &super);
    /* resolve and check every relation first: DDL commits at once */
    sql_table_t **ts = calloc(gs->n_objects + 1, sizeof *ts);
    if (!ts) orb_panic("out of memory");
    int rc = 0;
    for (size_t i = 0; i < gs->n_objects && rc == 0; i++) {
        PgQuery__RangeVar *rv = gs->objects[i]->range_var;
        if (!rv) {
            rc = orb_err_set(err, SYNTAX_ERROR, "relation name expected");
            break;
        }
        const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
        ts[i] = sql_catalog_resolve(s, schema, rv->relname);
        if (!ts[i]) {
            rc = orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
            break;
        }
        if (!super) {
            sql_acl_t a;
            if ((rc = sql_acl_get(e, ts[i]->id, &a, err)) != 0) break;
            if (a.owner == me) continue;
            /* a role holding some privilege without its grant option grants nothing (a
             * WARNING, as PostgreSQL), one holding none is refused; re-granting what one
             * received WITH GRANT OPTION (grantor other than the owner) is not there yet */
            bool holds = false, go = false;
            for (int k = 0; a.has_acl && k < a.n; k++)
                if (a.items[k].grantee == 0 || a.items[k].grantee == me) {
                    holds = true;
                    go = go || (a.items[k].privs >> SQL_ACL_GO_SHIFT) != 0;
                }
            if (go) {
                rc = orb_err_set(err, FEATURE_NOT_SUPPORTED,
                                 "granting privileges held WITH GRANT OPTION by a role other than the owner is not supported yet");
                break;
            }
            if (!holds) {
                rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for %s %s",
                                 ts[i]->view_sql ? "view" : "table", ts[i]->name);
                break;
            }
            sql_session_warning(s, ORB_SQLSTATE_WARNING_PRIVILEGE_NOT_GRANTED, "no privileges were %s for \"%s\"",
                                gs->is_grant ? "granted" : "revoked", ts[i]->name);
            sql_table_release(ts[i]);
            ts[i] = NULL;
        }
    }
    for (size_t i = 0; i < gs->n_objects && rc == 0; i++) {
        if (!ts[i]) continue;
        sql_acl_t a;
        if ((rc = sql_acl_get(e, ts[i]->id, &a, err)) != 0) break;
        for (size_t g = 0; g < ng; g++) acl_apply(&a, gs->is_grant, gs->grant_option, grantees[g], bits);
        rc = acl_put(e, &a, err);
    }
    for (size_t i = 0; i < gs->n_objects; i++)
        if (ts[i]) sql_table_release(ts[i]);
    free(ts);
    return rc;
}

static int nsp_list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    list_arg_t *l = arg;
    if (key->n_cols < 2 || key->cols[1]->v_case != ORBIT__DATUM__V_S) return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
        if (!l->v) orb_panic("out of memory");
    }
    sql_acl_t *a = &l->v[l->n++];
    acl_from_row(row, 0, a);
    snprintf(a->schema, sizeof a->schema, "%.*s", (int)key->cols[1]->s.len, (const char *)key->cols[1]->s.data);
    return 0;
}

int sql_acl_schema_list(sql_engine_t *e, sql_acl_t **out, int *n, orb_err_t *err) {
    list_arg_t l = {NULL, 0, 0};
    sql_cat_key_t k = {1, {NSP_TAG}};
    if (sql_catalog_record_scan(e, &k, false, nsp_list_cb, &l, err) != 0) {
        free(l.v);
        return -1;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

typedef struct dep {
    uint32_t oid; /* the object's: PostgreSQL's DETAIL is sorted by it */
    char *text; /* malloc'd */
} dep_t;

static int dep_cmp(const void *x, const void *y) {
    const dep_t *a = x, *b = y;
    return a->oid < b->oid ? -1 : a->oid > b->oid;
}

static void dep_add(dep_t **v, int *n, uint32_t oid, const char *text) {
    *v = realloc(*v, sizeof **v * (size_t)(*n + 1));
    if (!*v) orb_panic("out of memory");
    (*v)[*n].oid = oid;
    (*v)[*n].text = strdup(text);
    if (!(*v)[*n].text) orb_panic("out of memory");
    (*n)++;
}

/* whether role oid holds privileges in a */
static bool holds(const sql_acl_t *a, uint32_t oid) {
    for (int k = 0; a->has_acl && k < a->n; k++)
        if (a->items[k].grantee == oid) return true;
    return false;
}

int sql_acl_role_dependents(sql_session_t *s, uint32_t oid, orb_buf_t *detail, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    dep_t *deps = NULL;
    int nd = 0;
    sql_acl_t *v;
    int n;
    char text[256];
    if (sql_acl_schema_list(e, &v, &n, err) != 0) return -1;
    for (int i = 0; i < n; i++) {
        bool owner = v[i].owner == oid;
        if (!owner && !holds(&v[i], oid)) continue;
        uint32_t nsp_oid = 0;
        bool exists;
        if (sql_schema_oid(e, v[i].schema, &nsp_oid, &exists, err) != 0) {
            free(v);
            for (int k = 0; k < nd; k++) free(deps[k].text);
            free(deps);
            return -1;
        }
        if (!exists) continue;
        snprintf(text, sizeof text, "%s schema %s", owner ? "owner of" : "privileges for", v[i].schema);
        dep_add(&deps, &nd, nsp_oid, text);
    }
    free(v);
    if (sql_acl_list(e, &v, &n, err) != 0) {
        for (int i = 0; i < nd; i++) free(deps[i].text);
        free(deps);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        bool owner = v[i].owner == oid;
        if (!owner && !holds(&v[i], oid)) continue;
        sql_table_t *t = sql_catalog_get_by_id(e, v[i].table_id);
        if (!t) continue; /* dropped */
        sql_table_t *vis = sql_catalog_resolve(s, NULL, t->name);
        bool visible = vis && vis->id == t->id;
        if (vis) sql_table_release(vis);
        snprintf(text, sizeof text, "%s %s %s%s%s", owner ? "owner of" : "privileges for", t->view_sql ? "view" : "table",
                 visible ? "" : t->schema, visible ? "" : ".", t->name);
        dep_add(&deps, &nd, t->id, text);
        sql_table_release(t);
    }
    free(v);
    if (nd > 1) qsort(deps, (size_t)nd, sizeof *deps, dep_cmp);
    for (int i = 0; i < nd; i++) {
        orb_buf_printf(detail, "%s%s", i ? "\n" : "", deps[i].text);
        free(deps[i].text);
    }
    free(deps);
    return nd;
}
