/* sql/sql_database.c — databases: the registry (postgres, template1 and template0 always,
 * plus the catalog records ("database", name) -> (oid, owner, connection limit) that CREATE
 * DATABASE writes into the postgres database's catalog), one engine per database (its own
 * catalog cache and catalog key space, so its schemas, tables, sequences and extensions are
 * its own; table data is keyed by table oid, unique across databases), and CREATE / DROP
 * DATABASE. Roles, tablespaces and the databases themselves are shared, as in PostgreSQL.
 * Invariants: the root's dbs_mu serialises opening, creating and dropping databases; an
 * engine lives until its database is dropped (never while a session uses it). See
 * README.md ("Databases"). */
#include "sql_ddl_int.h"
#include "sql_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char DB_TAG[] = "database";

typedef struct db_info {
    char name[64];
    uint32_t oid, owner;
    int32_t connlimit;
    bool is_template, allow_conn;
} db_info_t;

/* PostgreSQL's fixed oids: template1 1, template0 4, postgres 5. */
static const db_info_t builtin_dbs[] = {
    {"template1", 1, 10, -1, true, true},
    {"template0", 4, 10, -1, true, false},
    {"postgres", 5, 10, -1, false, true},
};

static const db_info_t *builtin_db(const char *name) {
    for (size_t i = 0; i < sizeof builtin_dbs / sizeof builtin_dbs[0]; i++)
        if (strcmp(builtin_dbs[i].name, name) == 0) return &builtin_dbs[i];
    return NULL;
}

static int64_t datum_int(const Orbit__Row *row, size_t i, int64_t def) {
    return i < row->n_cols && row->cols[i]->v_case == ORBIT__DATUM__V_I ? row->cols[i]->i : def;
}

static int record_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    db_info_t *d = arg;
    if (key->n_cols >= 2 && key->cols[1]->v_case == ORBIT__DATUM__V_S)
        snprintf(d->name, sizeof d->name, "%.*s", (int)key->cols[1]->s.len,
                 (const char *)key->cols[1]->s.data);
    d->oid = (uint32_t)datum_int(row, 0, 0);
    d->owner = (uint32_t)datum_int(row, 1, 10);
    d->connlimit = (int32_t)datum_int(row, 2, -1);
    d->is_template = false;
    d->allow_conn = true;
    return 0;
}

/* The database called name: *found false when there is none. A built-in database has a
 * record only when ALTER DATABASE set its connection limit. */
static int db_lookup(sql_engine_t *root, const char *name, db_info_t *out, bool *found,
                     orb_err_t *err) {
    const db_info_t *b = builtin_db(name);
    memset(out, 0, sizeof *out);
    sql_cat_key_t k = {2, {DB_TAG, name}};
    if (sql_catalog_record_scan(root, &k, true, record_cb, out, err) != 0) return -1;
    if (b) {
        int32_t limit = out->oid ? out->connlimit : b->connlimit;
        *out = *b;
        out->connlimit = limit;
        *found = true;
        return 0;
    }
    *found = out->oid != 0;
    return 0;
}

/* ---- engines of databases ------------------------------------------------------------ */

static sql_engine_t *opened_locked(sql_engine_t *root, const char *name) {
    if (strcmp(root->db_name, name) == 0) return root;
    for (int i = 0; i < root->ndbs; i++)
        if (strcmp(root->dbs[i]->db_name, name) == 0) return root->dbs[i];
    return NULL;
}

/* session: a new session of a role that is superuser (super) or not, which counts against
 * the database's CONNECTION LIMIT (checked and counted under dbs_mu, so two sessions cannot
 * both take the last slot) */
static int open_db(sql_engine_t *root, const char *name, bool session, bool super,
                   sql_engine_t **out, orb_err_t *err) {
    *out = NULL;
    root = root->root;
    pthread_mutex_lock(&root->dbs_mu);
    sql_engine_t *e = opened_locked(root, name);
    int rc = 0;
    db_info_t d;
    bool found = true;
    if (!e || session) /* a session checks the limit as it is now (ALTER DATABASE) */
        rc = db_lookup(root, name, &d, &found, err);
    if (rc == 0 && !found)
        rc = orb_err_set(err, INVALID_CATALOG_NAME, "database \"%s\" does not exist", name);
    if (rc == 0 && session && !d.allow_conn)
        rc = orb_err_set(err, OBJECT_NOT_IN_PREREQUISITE_STATE,
                         "database \"%s\" is not currently accepting connections", name);
    /* PostgreSQL's CheckMyDatabase: superusers are not limited */
    if (rc == 0 && session && !super && d.connlimit >= 0 &&
        (e ? atomic_load(&e->nbackends) : 0) >= d.connlimit)
        rc = orb_err_set(err, TOO_MANY_CONNECTIONS, "too many connections for database \"%s\"", name);
    if (rc == 0 && !e) {
        /* template1's catalog key space is its oid, like every database but postgres */
        rc = sql_engine_create_db(root, d.name, d.oid, d.oid, &e, err);
        if (rc == 0) {
            if (root->ndbs == root->capdbs) {
                int nc = root->capdbs ? root->capdbs * 2 : 4;
                sql_engine_t **nd = realloc(root->dbs, (size_t)nc * sizeof *nd);
                if (!nd) orb_panic("out of memory opening a database");
                root->dbs = nd;
                root->capdbs = nc;
            }
            root->dbs[root->ndbs++] = e;
        }
    }
    if (rc == 0) {
        atomic_fetch_add(&e->nsessions, 1);
        if (session) atomic_fetch_add(&e->nbackends, 1);
        *out = e;
    }
    pthread_mutex_unlock(&root->dbs_mu);
    return rc;
}

int sql_database_open(sql_engine_t *root, const char *name, bool super, sql_engine_t **out,
                      orb_err_t *err) {
    return open_db(root, name, true, super, out, err);
}

int sql_database_peek(sql_engine_t *root, const char *name, sql_engine_t **out, orb_err_t *err) {
    return open_db(root, name, false, true, out, err);
}

void sql_database_release(sql_engine_t *e) {
    if (e) atomic_fetch_sub(&e->nsessions, 1);
}

void sql_database_close(sql_engine_t *e) {
    if (!e) return;
    atomic_fetch_sub(&e->nbackends, 1);
    atomic_fetch_sub(&e->nsessions, 1);
}

int sql_database_stats(sql_engine_t *root, uint32_t oid, sql_stat_db_t *out) {
    root = root->root;
    memset(out, 0, sizeof *out);
    int n = 0;
    pthread_mutex_lock(&root->dbs_mu); /* engines are destroyed under it (DROP DATABASE) */
    sql_engine_t *e = root->db_oid == oid ? root : NULL;
    for (int i = 0; !e && i < root->ndbs; i++)
        if (root->dbs[i]->db_oid == oid) e = root->dbs[i];
    if (e) {
        sql_stats_db_get(e, out);
        n = atomic_load(&e->nbackends);
    }
    pthread_mutex_unlock(&root->dbs_mu);
    return n;
}

/* ---- the list (pg_database) ------------------------------------------------------------ */

typedef struct list_acc {
    db_info_t *v;
    int n, cap;
} list_acc_t;

static int list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    list_acc_t *a = arg;
    if (a->n == a->cap) {
        int nc = a->cap ? a->cap * 2 : 8;
        db_info_t *nv = realloc(a->v, (size_t)nc * sizeof *nv);
        if (!nv) orb_panic("out of memory listing databases");
        a->v = nv;
        a->cap = nc;
    }
    return record_cb(&a->v[a->n++], key, row);
}

static int info_cmp(const void *x, const void *y) {
    const db_info_t *a = x, *b = y;
    return a->oid < b->oid ? -1 : a->oid > b->oid;
}

int sql_database_list(sql_engine_t *root, sql_database_cb cb, void *arg, orb_err_t *err) {
    root = root->root;
    list_acc_t a = {0};
    sql_cat_key_t k = {1, {DB_TAG}};
    if (sql_catalog_record_scan(root, &k, false, list_cb, &a, err) != 0) {
        free(a.v);
        return -1;
    }
    for (size_t i = 0; i < sizeof builtin_dbs / sizeof builtin_dbs[0]; i++) {
        int at = -1; /* a record of ALTER DATABASE's connection limit */
        for (int j = 0; j < a.n && at < 0; j++)
            if (strcmp(a.v[j].name, builtin_dbs[i].name) == 0) at = j;
        int32_t limit = at >= 0 ? a.v[at].connlimit : builtin_dbs[i].connlimit;
        if (at < 0) {
            Orbit__Row none = ORBIT__ROW__INIT;
            list_cb(&a, &none, &none); /* makes room */
            at = a.n - 1;
        }
        a.v[at] = builtin_dbs[i];
        a.v[at].connlimit = limit;
    }
    qsort(a.v, (size_t)a.n, sizeof *a.v, info_cmp);
    for (int i = 0; i < a.n; i++)
        cb(arg, a.v[i].name, a.v[i].oid, a.v[i].owner, a.v[i].connlimit, a.v[i].is_template,
           a.v[i].allow_conn);
    free(a.v);
    return 0;
}

/* ---- CREATE DATABASE ------------------------------------------------------------------- */

static bool ieq(const char *a, const char *b) { return a && strcasecmp(a, b) == 0; }

/* A database's catalog record: (oid, owner, connection limit) under its name. */
static int db_record_put(sql_engine_t *root, const char *name, uint32_t oid, uint32_t owner,
                         int32_t connlimit, orb_err_t *err) {
    Orbit__Datum dv[3], *dp[3];
    int64_t vals[3] = {oid, owner, connlimit};
    for (int i = 0; i < 3; i++) {
        orbit__datum__init(&dv[i]);
        dv[i].v_case = ORBIT__DATUM__V_I;
        dv[i].i = vals[i];
        dp[i] = &dv[i];
    }
    sql_cat_key_t k = {2, {DB_TAG, name}};
    return sql_catalog_record_put(root, &k, dp, 3, err);
}

/* CONNECTION LIMIT n of CREATE / ALTER DATABASE: -1 (no limit) or more. */
static int parse_connlimit(const char *v, int32_t *out, orb_err_t *err) {
    char *end;
    long n = v ? strtol(v, &end, 10) : -2;
    if (!v || *end || n < -1 || n > INT32_MAX)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid connection limit: %s", v ? v : "");
    *out = (int32_t)n;
    return 0;
}

int sql_exec_create_database(sql_session_t *s, PgQuery__CreatedbStmt *st, bool in_block,
                             orb_err_t *err) {
    sql_engine_t *root = sql_session_engine(s)->root;
    const char *name = st->dbname;
    if (in_block)
        return orb_err_set(err, ACTIVE_SQL_TRANSACTION,
                           "CREATE DATABASE cannot run inside a transaction block");
    if (!sql_session_is_superuser(s))
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied to create database");
    if (!name || !name[0]) return orb_err_set(err, INVALID_NAME, "invalid database name");
    if (strlen(name) > 63) return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
    int32_t connlimit = -1;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "create database");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < st->n_options; i++) {
        PgQuery__DefElem *d = st->options[i]->def_elem;
        if (!d) continue;
        const char *v = sql_def_string(d, mcx);
        if (strcmp(d->defname, "owner") == 0 || strcmp(d->defname, "tablespace") == 0) {
            /* OWNER: every role is the bootstrap superuser's peer for now; pg_default only */
            if (strcmp(d->defname, "tablespace") == 0 && v && strcmp(v, "pg_default") != 0)
                rc = orb_err_set(err, UNDEFINED_OBJECT, "tablespace \"%s\" does not exist", v);
        } else if (strcmp(d->defname, "template") == 0) {
            if (v && strcmp(v, "template0") != 0 && strcmp(v, "template1") != 0)
                rc = orb_err_set(err, FEATURE_NOT_SUPPORTED,
                                 "CREATE DATABASE with a template other than template0 or template1 is not supported");
        } else if (strcmp(d->defname, "encoding") == 0) {
            if (v && !ieq(v, "UTF8") && !ieq(v, "UTF-8") && strcmp(v, "6") != 0)
                rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "encoding \"%s\" is not supported", v);
        } else if (strcmp(d->defname, "locale") == 0 || strcmp(d->defname, "lc_collate") == 0 ||
                   strcmp(d->defname, "lc_ctype") == 0) {
            /* text compares bytewise here: the C locale and its UTF-8 variants only */
            if (v && strcmp(v, "C") != 0 && strcmp(v, "POSIX") != 0 && !ieq(v, "C.UTF-8") &&
                !ieq(v, "C.utf8"))
                rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "locale \"%s\" is not supported", v);
        } else if (strcmp(d->defname, "connection_limit") == 0) {
            rc = parse_connlimit(v, &connlimit, err);
        } else {
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED,
                             "CREATE DATABASE option \"%s\" is not supported", d->defname);
        }
    }
    orb_mcx_destroy(mcx);
    if (rc != 0) return -1;
    pthread_mutex_lock(&root->dbs_mu);
    db_info_t d;
    bool found;
    rc = db_lookup(root, name, &d, &found, err);
    if (rc == 0 && found)
        rc = orb_err_set(err, DUPLICATE_DATABASE, "database \"%s\" already exists", name);
    uint32_t oid = 0;
    if (rc == 0) rc = act_oid_next(root->rt, &oid, err);
    if (rc == 0) rc = db_record_put(root, name, oid, 10, connlimit, err);
    pthread_mutex_unlock(&root->dbs_mu);
    return rc;
}

/* ---- ALTER DATABASE -------------------------------------------------------------------- */

int sql_exec_alter_database(sql_session_t *s, PgQuery__AlterDatabaseStmt *st, orb_err_t *err) {
    sql_engine_t *root = sql_session_engine(s)->root;
    const char *name = st->dbname;
    bool have_limit = false;
    int32_t connlimit = -1;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "alter database");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < st->n_options; i++) {
        PgQuery__DefElem *d = st->options[i]->def_elem;
        if (!d) continue;
        const char *v = sql_def_string(d, mcx);
        if (strcmp(d->defname, "connection_limit") == 0) {
            rc = have_limit ? orb_err_set(err, SYNTAX_ERROR, "conflicting or redundant options")
                            : parse_connlimit(v, &connlimit, err);
            have_limit = true;
        } else {
            /* IS_TEMPLATE, ALLOW_CONNECTIONS, TABLESPACE */
            rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "ALTER DATABASE option \"%s\" is not supported",
                             d->defname);
        }
    }
    orb_mcx_destroy(mcx);
    if (rc != 0) return -1;
    pthread_mutex_lock(&root->dbs_mu);
    db_info_t d;
    bool found;
    rc = db_lookup(root, name, &d, &found, err);
    if (rc == 0 && !found)
        rc = orb_err_set(err, INVALID_CATALOG_NAME, "database \"%s\" does not exist", name);
    /* every database is owned by the bootstrap superuser: only superusers own one */
    if (rc == 0 && !sql_session_is_superuser(s))
        rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be owner of database %s", name);
    if (rc == 0 && have_limit) rc = db_record_put(root, name, d.oid, d.owner, connlimit, err);
    pthread_mutex_unlock(&root->dbs_mu);
    return rc;
}

/* ---- DROP DATABASE --------------------------------------------------------------------- */

/* Drops every table, view and sequence of database e (its engine is opened for that) and then
 * every catalog record in its key space. */
static int purge(sql_engine_t *e, orb_err_t *err) {
    pthread_rwlock_rdlock(&e->cat_lock);
    int n = e->ntables;
    sql_table_t **tabs = calloc((size_t)n + 1, sizeof *tabs);
    if (!tabs) orb_panic("out of memory dropping a database");
    for (int i = 0; i < n; i++) {
        tabs[i] = e->tables[i];
        atomic_fetch_add(&tabs[i]->refs, 1);
    }
    pthread_rwlock_unlock(&e->cat_lock);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0) rc = sql_catalog_drop_table(e, tabs[i]->schema, tabs[i]->name, err);
        sql_table_release(tabs[i]);
    }
    free(tabs);
    if (rc != 0) return -1;
    sql_seq_def_t *seqs;
    int ns;
    if (sql_sequence_list(e, NULL, &seqs, &ns, err) != 0) return -1;
    for (int i = 0; i < ns; i++) act_seq_drop(e->rt, seqs[i].id);
    free(seqs);
    return sql_catalog_purge(e, err);
}

int sql_exec_drop_database(sql_session_t *s, PgQuery__DropdbStmt *st, bool in_block,
                           orb_err_t *err) {
    sql_engine_t *cur = sql_session_engine(s), *root = cur->root;
    const char *name = st->dbname;
    for (size_t i = 0; i < st->n_options; i++) {
        PgQuery__DefElem *d = st->options[i]->def_elem;
        if (d && strcmp(d->defname, "force") == 0)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED, "DROP DATABASE WITH (FORCE) is not supported");
    }
    if (in_block)
        return orb_err_set(err, ACTIVE_SQL_TRANSACTION,
                           "DROP DATABASE cannot run inside a transaction block");
    pthread_mutex_lock(&root->dbs_mu);
    db_info_t d;
    bool found;
    int rc = db_lookup(root, name, &d, &found, err);
    if (rc == 0 && !found) {
        pthread_mutex_unlock(&root->dbs_mu);
        if (st->missing_ok) {
            sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                               "database \"%s\" does not exist, skipping", name);
            return 0;
        }
        return orb_err_set(err, INVALID_CATALOG_NAME, "database \"%s\" does not exist", name);
    }
    if (rc == 0 && strcmp(cur->db_name, name) == 0)
        rc = orb_err_set(err, OBJECT_IN_USE, "cannot drop the currently open database");
    if (rc == 0 && !sql_session_is_superuser(s))
        rc = orb_err_set(err, INSUFFICIENT_PRIVILEGE, "must be owner of database %s", name);
    if (rc == 0 && d.is_template)
        rc = orb_err_set(err, WRONG_OBJECT_TYPE, "cannot drop a template database");
    if (rc == 0 && builtin_db(name))
        rc = orb_err_set(err, FEATURE_NOT_SUPPORTED, "dropping database \"%s\" is not supported", name);
    sql_engine_t *e = NULL;
    int at = -1;
    if (rc == 0) {
        for (int i = 0; i < root->ndbs; i++)
            if (strcmp(root->dbs[i]->db_name, name) == 0) at = i;
        e = at >= 0 ? root->dbs[at] : NULL;
        int others = e ? atomic_load(&e->nsessions) : 0;
        /* as PostgreSQL's CountOtherDBBackends: give sessions that are closing up to 5 s */
        int tries = 0;
        for (; others > 0 && tries < 50; tries++) {
            pthread_mutex_unlock(&root->dbs_mu);
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&root->dbs_mu);
            at = -1;
            for (int i = 0; i < root->ndbs; i++)
                if (strcmp(root->dbs[i]->db_name, name) == 0) at = i;
            e = at >= 0 ? root->dbs[at] : NULL;
            others = e ? atomic_load(&e->nsessions) : 0;
        }
        if (tries > 0 && others == 0) { /* dropped by another session meanwhile? */
            rc = db_lookup(root, name, &d, &found, err);
            if (rc == 0 && !found)
                rc = orb_err_set(err, INVALID_CATALOG_NAME, "database \"%s\" does not exist", name);
        }
        if (rc == 0 && others > 0) {
            orb_err_set(err, OBJECT_IN_USE, "database \"%s\" is being accessed by other users", name);
            orb_err_detail(err, others == 1 ? "There is %d other session using the database."
                                            : "There are %d other sessions using the database.",
                           others);
            rc = -1;
        }
    }
    bool dropping = false; /* e has no session and is about to go */
    if (rc == 0 && !e) rc = sql_engine_create_db(root, d.name, d.oid, d.oid, &e, err);
    if (rc == 0) {
        dropping = true;
        rc = purge(e, err);
    }
    if (rc == 0) {
        sql_cat_key_t k = {2, {DB_TAG, name}};
        rc = sql_catalog_record_delete(root, &k, err);
    }
    if (dropping) {
        if (at >= 0) root->dbs[at] = root->dbs[--root->ndbs];
        sql_engine_destroy(e); /* reopened from the catalog if the drop failed half way */
    }
    pthread_mutex_unlock(&root->dbs_mu);
    return rc;
}
