/* sql/sql_extension.c — CREATE EXTENSION / DROP EXTENSION. The only extension available is
 * "vector" (pgvector): its types, operators and functions are built in (sql_vector.c) and
 * usable whether or not it is installed; installing records it in the catalog (generic
 * record ("extension", name) -> oid) so the duplicate and missing cases behave as in
 * PostgreSQL. Entry points: sql_exec_create_extension, sql_exec_drop_extension. */
#include <string.h>

#include "sql_ddl_int.h"

#define EXTENSION_TAG "extension"

static bool available(const char *name) { return strcmp(name, "vector") == 0; }

static int found_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    (void)key;
    *(uint32_t *)arg = row->n_cols > 0 && row->cols[0]->v_case == ORBIT__DATUM__V_I ? (uint32_t)row->cols[0]->i : 1;
    return 0;
}

int sql_extension_oid(sql_engine_t *e, const char *name, uint32_t *oid, orb_err_t *err) {
    *oid = 0;
    sql_cat_key_t k = {2, {EXTENSION_TAG, name}};
    return sql_catalog_record_scan(e, &k, true, found_cb, oid, err);
}

static int installed(sql_engine_t *e, const char *name, bool *out, orb_err_t *err) {
    uint32_t oid;
    if (sql_extension_oid(e, name, &oid, err) != 0) return -1;
    *out = oid != 0;
    return 0;
}

int sql_exec_create_extension(sql_session_t *s, PgQuery__CreateExtensionStmt *cs, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    const char *name = cs->extname;
    bool exists;
    if (installed(e, name, &exists, err) != 0) return -1;
    if (exists) {
        if (cs->if_not_exists) {
            sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_OBJECT,
                               "extension \"%s\" already exists, skipping", name);
            return 0;
        }
        return orb_err_set(err, DUPLICATE_OBJECT, "extension \"%s\" already exists", name);
    }
    if (!available(name)) {
        /* PostgreSQL 16's wording (15 reports the missing control file, 58P01) */
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "extension \"%s\" is not available", name);
        orb_err_hint(err, "The extension must first be installed on the system where PostgreSQL is running.");
        return -1;
    }
    /* options (SCHEMA s, VERSION v, CASCADE) are accepted and ignored: the objects are
     * built in and live in pg_catalog */
    uint32_t oid;
    if (act_oid_next(e->rt, &oid, err) != 0) return -1;
    Orbit__Datum d = ORBIT__DATUM__INIT, *dp[1] = {&d};
    d.v_case = ORBIT__DATUM__V_I;
    d.i = oid;
    sql_cat_key_t k = {2, {EXTENSION_TAG, name}};
    return sql_catalog_record_put(e, &k, dp, 1, err);
}

int sql_exec_drop_extension(sql_session_t *s, PgQuery__DropStmt *ds, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    /* check all first, as PostgreSQL does, so a missing one drops nothing */
    for (size_t i = 0; i < ds->n_objects; i++) {
        const char *name = sql_str_of(ds->objects[i]);
        if (!name) return orb_err_set(err, SYNTAX_ERROR, "invalid extension name");
        bool exists;
        if (installed(e, name, &exists, err) != 0) return -1;
        if (!exists && !ds->missing_ok)
            return orb_err_set(err, UNDEFINED_OBJECT, "extension \"%s\" does not exist", name);
    }
    for (size_t i = 0; i < ds->n_objects; i++) {
        const char *name = sql_str_of(ds->objects[i]);
        bool exists;
        if (installed(e, name, &exists, err) != 0) return -1;
        if (!exists) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                               "extension \"%s\" does not exist, skipping", name);
            continue;
        }
        sql_cat_key_t k = {2, {EXTENSION_TAG, name}};
        if (sql_catalog_record_delete(e, &k, err) != 0) return -1;
    }
    return 0;
}
