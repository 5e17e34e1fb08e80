/* sql/sql_sysrel.c — system relations: read-only pg_catalog relations whose rows Orbit
 * computes when they are scanned (declared once in the table below: name, columns, row
 * producer). They resolve like tables for SELECT and COPY ... TO (sql_catalog_resolve_read)
 * and never for DDL or DML, which therefore say the relation does not exist. A scan calls the
 * producer on the session's thread (sql_shard_scan dispatches here).
 * Today: pg_stat_progress_create_index, fed by the commands in progress registered here
 * (sql_progress_*); pg_stat_activity and pg_locks from the backend registry (sql_backend.c)
 * and the actors' wait-for graph (pg_stat_gssapi too); pg_stat_ssl (sql_stat_ssl.c);
 * pg_namespace, pg_class and the rest of the catalog over Orbit's; pg_description from COMMENT
 * ON's records (sql_comment.c); what pgAdmin reads (pg_stat_database, pg_stat_*_tables and
 * pg_stat_*_indexes with sql_stats.c's counters, pg_available_extensions, pg_language);
 * relations of objects Orbit has none of, empty (pg_inherits, pg_trigger, pg_policy, pg_default_acl, security labels, ...);
 * information_schema's views
 * (schemata, tables, columns, views, table_constraints, key_column_usage,
 * referential_constraints, sequences, check_constraints, constraint_column_usage) over the
 * same model. See README.md ("System
 * relations"). */
#include "sql_acl.h"
#include "sql_backend.h"
#include "sql_pgcat.h"
#include "sql_operator.h"
#include "sql_role.h"
#include "sql_settings.h"
#include "sql_shard.h"
#include "sql_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- commands in progress ------------------------------------------------------------------ */

typedef struct sql_progress {
    struct sql_progress *next;
    uint64_t act_id;      /* the actors' progress entry (act_progress_*) */
    int32_t pid;
    char datname[64];
    uint32_t datid, relid, index_relid;
    const char *command;  /* "CREATE INDEX" */
} sql_progress_t;

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER; /* a leaf */
static sql_progress_t *progress_list;

void sql_progress_begin(sql_session_t *s, uint64_t act_id, uint32_t relid, uint32_t index_relid) {
    sql_progress_t *p = calloc(1, sizeof *p);
    if (!p) orb_panic("out of memory");
    p->act_id = act_id;
    p->pid = sql_session_pid(s);
    snprintf(p->datname, sizeof p->datname, "%s", sql_session_database(s));
    p->datid = sql_session_database_oid(s);
    p->relid = relid;
    p->index_relid = index_relid;
    p->command = "CREATE INDEX";
    pthread_mutex_lock(&progress_lock);
    p->next = progress_list;
    progress_list = p;
    pthread_mutex_unlock(&progress_lock);
}

void sql_progress_end(uint64_t act_id) {
    pthread_mutex_lock(&progress_lock);
    for (sql_progress_t **pp = &progress_list; *pp; pp = &(*pp)->next) {
        if ((*pp)->act_id == act_id) {
            sql_progress_t *p = *pp;
            *pp = p->next;
            free(p);
            break;
        }
    }
    pthread_mutex_unlock(&progress_lock);
}

/* ---- the relations ------------------------------------------------------------------------- */
/* A relation is declared by its columns (PostgreSQL 15's names, order and types; columns of
 * types Orbit lacks -- xid, aclitem[], oidvector -- are left out, pg_node_tree is text,
 * int2vector is int2[]) with each column's value when a producer does not set it (text
 * input, NULL for SQL NULL). A producer adds rows (row_new) and sets columns by name. */

typedef struct syscol {
    const char *name;
    uint32_t type;
    const char *dflt; /* the value of a row that does not set it; NULL: SQL NULL */
} syscol_t;

typedef struct sysrows {
    orb_mcx_t *mcx;
    int ncols;
    const syscol_t *cols;
    const sql_value_t *tmpl; /* the defaults */
    sql_value_t **rows;
    size_t n, cap;
    sql_pgrels_t rels; /* loaded on demand (need_rels) */
    sql_engine_t *eng; /* the session's (comment_rows) */
    bool rels_loaded;
} sysrows_t;

typedef struct sql_sysrel_def {
    const char *schema; /* pg_catalog or information_schema */
    const char *name;
    uint32_t oid;
    char kind; /* pg_class.relkind: 'r' catalog table, 'v' view */
    int ncols;
    const syscol_t *cols;
    int (*rows)(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err);
} sysrel_def_t;

static sql_value_t *row_new(sysrows_t *o) {
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 16;
        o->rows = orb_realloc(o->mcx, o->rows, o->cap * sizeof *o->rows, nc * sizeof *o->rows);
        o->cap = nc;
    }
    sql_value_t *r = orb_alloc(o->mcx, sizeof *r * (size_t)o->ncols);
    memcpy(r, o->tmpl, sizeof *r * (size_t)o->ncols);
    o->rows[o->n++] = r;
    return r;
}

static sql_value_t *col(sysrows_t *o, sql_value_t *r, const char *name) {
    for (int i = 0; i < o->ncols; i++)
        if (strcmp(o->cols[i].name, name) == 0) return &r[i];
    if (ORB_NEVER(true)) orb_log(ORB_LOG_ERROR, "sql", "sysrel column=%s unknown", name);
    static sql_value_t sink;
    return &sink;
}

static void put_i(sysrows_t *o, sql_value_t *r, const char *name, int64_t i) {
    sql_value_t *v = col(o, r, name);
    v->isnull = false;
    v->v.i = i;
}

static void put_b(sysrows_t *o, sql_value_t *r, const char *name, bool b) {
    sql_value_t *v = col(o, r, name);
    v->isnull = false;
    v->v.b = b;
}

static void put_f(sysrows_t *o, sql_value_t *r, const char *name, double f) {
    sql_value_t *v = col(o, r, name);
    v->isnull = false;
    v->v.f = f;
}

/* s NULL: SQL NULL */
static void put_s(sysrows_t *o, sql_value_t *r, const char *name, const char *s) {
    sql_value_t *v = col(o, r, name);
    if (!s) {
        v->isnull = true;
        return;
    }
    v->isnull = false;
    v->v.s.p = orb_strdup(o->mcx, s);
    v->v.s.n = (uint32_t)strlen(s);
}

static void put_c(sysrows_t *o, sql_value_t *r, const char *name, char c) {
    char s[2] = {c, 0};
    put_s(o, r, name, s);
}

/* an int2[] of the attnums of stored column positions */
static void put_attnums(sysrows_t *o, sql_value_t *r, const char *name, const sql_table_t *t,
                        const uint32_t *pos, size_t n) {
    sql_value_t *el = orb_alloc0(o->mcx, sizeof *el * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        el[i].v.i = pos[i] < t->desc->n_columns ? t->desc->columns[pos[i]]->attnum : 0;
    orb_err_t e;
    sql_value_t *v = col(o, r, name);
    if (sql_array_build(SQL_OID_INT2, el, (int)n, o->mcx, v, &e) != 0) v->isnull = true;
}

static int need_rels(sql_exec_ctx_t *xc, sysrows_t *o, orb_err_t *err) {
    if (o->rels_loaded) return 0;
    if (sql_pgrels_load(xc->sess, o->mcx, &o->rels, err) != 0) return -1;
    o->rels_loaded = true;
    return 0;
}

static const sysrel_def_t *find_def(uint32_t oid);

static int no_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)out;
    (void)err;
    return 0;
}

#define O SQL_OID_OID
#define NM SQL_OID_NAME
#define TX SQL_OID_TEXT
#define B SQL_OID_BOOL
#define CH SQL_OID_CHAR
#define I2 SQL_OID_INT2
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define F4 SQL_OID_FLOAT4
#define RP SQL_OID_REGPROC
#define I2A SQL_OID_INT2_ARRAY
#define OA SQL_OID_OID_ARRAY
#define I4A SQL_OID_INT4_ARRAY
#define TXA SQL_OID_TEXT_ARRAY
#define TZ SQL_OID_TIMESTAMPTZ
#define F8 SQL_OID_FLOAT8

/* pg_stat_activity: PostgreSQL 15's columns; client_addr is text (Orbit has no inet) and
 * backend_xid / backend_xmin are text, always NULL (no xid type); only client backends. */
static const syscol_t activity_cols[] = {
    {"datid", O, NULL}, {"datname", NM, NULL}, {"pid", I4, NULL}, {"leader_pid", I4, NULL},
    {"usesysid", O, "10"}, {"usename", NM, NULL}, {"application_name", TX, NULL},
    {"client_addr", TX, NULL}, {"client_hostname", TX, NULL}, {"client_port", I4, NULL},
    {"backend_start", TZ, NULL}, {"xact_start", TZ, NULL}, {"query_start", TZ, NULL},
    {"state_change", TZ, NULL}, {"wait_event_type", TX, NULL}, {"wait_event", TX, NULL},
    {"state", TX, NULL}, {"backend_xid", TX, NULL}, {"backend_xmin", TX, NULL},
    {"query_id", I8, NULL}, {"query", TX, NULL}, {"backend_type", TX, "client backend"},
};

static void put_ts(sysrows_t *o, sql_value_t *r, const char *name, int64_t us) {
    if (us) put_i(o, r, name, us);
}

static int activity_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    sql_backend_info_t *v;
    int n = sql__backend_list(sql_session_engine(xc->sess), out->mcx, &v);
    static const char *const states[] = {"idle", "active", "idle in transaction",
                                         "idle in transaction (aborted)"};
    for (int i = 0; i < n; i++) {
        const sql_backend_info_t *b = &v[i];
        if (!b->pid) continue; /* not started yet */
        sql_value_t *r = row_new(out);
        put_i(out, r, "datid", b->datid);
        put_s(out, r, "datname", b->database);
        put_i(out, r, "pid", b->pid);
        put_s(out, r, "usename", b->user);
        sql_role_t role; /* the session's role (the bootstrap superuser's oid otherwise) */
        if (b->user && sql_role_by_name(sql_session_engine(xc->sess), b->user, &role)) put_i(out, r, "usesysid", role.oid);
        put_s(out, r, "application_name", b->application_name);
        if (b->client_addr) {
            put_s(out, r, "client_addr", b->client_addr);
            put_i(out, r, "client_port", b->client_port);
        }
        put_ts(out, r, "backend_start", b->backend_start);
        put_ts(out, r, "xact_start", b->xact_start);
        put_ts(out, r, "query_start", b->query_start);
        put_ts(out, r, "state_change", b->state_change);
        if (b->state != SQL_BACKEND_ACTIVE) {
            put_s(out, r, "wait_event_type", "Client");
            put_s(out, r, "wait_event", "ClientRead");
        } else if (b->lock_wait) {
            put_s(out, r, "wait_event_type", "Lock");
            put_s(out, r, "wait_event", "transactionid");
        } else if (b->sleeping) {
            put_s(out, r, "wait_event_type", "Timeout");
            put_s(out, r, "wait_event", "PgSleep");
        }
        put_s(out, r, "state", states[b->state]);
        put_s(out, r, "query", b->query);
    }
    return 0;
}

/* pg_locks: PostgreSQL 15's columns (transactionid and virtualxid are text: no xid type).
 * Rows: each open transaction's own transactionid ExclusiveLock (granted), and for each wait
 * for a row lock (the actors' wait-for graph) a transactionid ShareLock on the holder's
 * transaction, not granted, as PostgreSQL shows a row lock wait. No relation, tuple or
 * virtualxid rows (docs/sql-compatibility.md). */
static const syscol_t locks_cols[] = {
    {"locktype", TX, NULL}, {"database", O, NULL}, {"relation", O, NULL}, {"page", I4, NULL},
    {"tuple", I2, NULL}, {"virtualxid", TX, NULL}, {"transactionid", TX, NULL},
    {"classid", O, NULL}, {"objid", O, NULL}, {"objsubid", I2, NULL},
    {"virtualtransaction", TX, NULL}, {"pid", I4, NULL}, {"mode", TX, NULL},
    {"granted", B, NULL}, {"fastpath", B, "f"}, {"waitstart", TZ, NULL},
};

static void lock_row(sysrows_t *out, uint64_t txn, int32_t pid, uint64_t own_txn, bool granted) {
    char x[32], vt[48];
    snprintf(x, sizeof x, "%llu", (unsigned long long)txn);
    snprintf(vt, sizeof vt, "%d/%llu", pid, (unsigned long long)own_txn);
    sql_value_t *r = row_new(out);
    put_s(out, r, "locktype", "transactionid");
    put_s(out, r, "transactionid", x);
    put_s(out, r, "virtualtransaction", vt);
    put_i(out, r, "pid", pid);
    put_s(out, r, "mode", granted ? "ExclusiveLock" : "ShareLock");
    put_b(out, r, "granted", granted);
}

static int locks_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    sql_backend_info_t *v;
    int n = sql__backend_list(sql_session_engine(xc->sess), out->mcx, &v);
    act_lock_wait_t *w;
    size_t nw = act_lock_waits(sql_session_rt(xc->sess), &w);
    for (int i = 0; i < n; i++) {
        if (!v[i].txn_id || !v[i].pid) continue;
        lock_row(out, v[i].txn_id, v[i].pid, v[i].txn_id, true);
        for (size_t k = 0; k < nw; k++)
            if (w[k].waiter == v[i].txn_id && w[k].holder)
                lock_row(out, w[k].holder, v[i].pid, v[i].txn_id, false);
    }
    free(w);
    return 0;
}

/* pg_stat_progress_create_index (pgvector's phase names) */
static const syscol_t progress_ci_cols[] = {
    {"pid", I4, NULL}, {"datid", O, NULL}, {"datname", NM, NULL}, {"relid", O, NULL},
    {"index_relid", O, NULL}, {"command", TX, NULL}, {"phase", TX, NULL},
    {"lockers_total", I8, "0"}, {"lockers_done", I8, "0"}, {"current_locker_pid", I8, "0"},
    {"blocks_total", I8, "0"}, {"blocks_done", I8, "0"}, {"tuples_total", I8, NULL},
    {"tuples_done", I8, NULL}, {"partitions_total", I8, "0"}, {"partitions_done", I8, "0"},
};

static int progress_ci_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    act_runtime_t *rt = sql_session_rt(xc->sess);
    static const char *const phases[] = {"initializing", "initializing", "performing k-means",
                                         "loading tuples"};
    pthread_mutex_lock(&progress_lock);
    for (sql_progress_t *p = progress_list; p; p = p->next) {
        act_progress_t ap;
        if (!act_progress_get(rt, p->act_id, &ap)) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "pid", p->pid);
        put_i(out, r, "datid", p->datid);
        put_s(out, r, "datname", p->datname);
        put_i(out, r, "relid", p->relid);
        put_i(out, r, "index_relid", p->index_relid);
        put_s(out, r, "command", p->command);
        put_s(out, r, "phase", phases[ap.phase >= 0 && ap.phase <= 3 ? ap.phase : 0]);
        put_i(out, r, "tuples_total", ap.total);
        put_i(out, r, "tuples_done", ap.done);
    }
    pthread_mutex_unlock(&progress_lock);
    return 0;
}

/* pg_stat_ssl: one row per session that reported its connection (sql_stat_ssl.c) */
static const syscol_t stat_ssl_cols[] = {
    {"pid", I4, NULL},       {"ssl", B, "f"},           {"version", TX, NULL},
    {"cipher", TX, NULL},    {"bits", I4, NULL},        {"client_dn", TX, NULL},
    {"client_serial", SQL_OID_NUMERIC, NULL},           {"issuer_dn", TX, NULL},
};

typedef struct stat_ssl_copy {
    int32_t pid;
    sql_ssl_info_t info;
} stat_ssl_copy_t;

typedef struct stat_ssl_acc {
    orb_mcx_t *mcx;
    stat_ssl_copy_t *v;
    size_t n, cap;
} stat_ssl_acc_t;

static void stat_ssl_collect(void *arg, int32_t pid, const sql_ssl_info_t *info) {
    stat_ssl_acc_t *a = arg;
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        a->v = orb_realloc(a->mcx, a->v, a->cap * sizeof *a->v, nc * sizeof *a->v);
        a->cap = nc;
    }
    a->v[a->n].pid = pid;
    a->v[a->n].info = *info;
    a->n++;
}

static int stat_ssl_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    stat_ssl_acc_t a = {.mcx = xc->mcx};
    sql_stat_ssl_each(stat_ssl_collect, &a); /* copy first: the rows are built without the lock */
    for (size_t i = 0; i < a.n; i++) {
        const sql_ssl_info_t *in = &a.v[i].info;
        sql_value_t *r = row_new(out);
        put_i(out, r, "pid", a.v[i].pid);
        put_b(out, r, "ssl", in->ssl);
        if (!in->ssl) continue;
        put_s(out, r, "version", in->version);
        put_s(out, r, "cipher", in->cipher);
        put_i(out, r, "bits", in->bits);
        if (!in->client_cert) continue;
        put_s(out, r, "client_dn", in->client_dn);
        put_s(out, r, "issuer_dn", in->issuer_dn);
        if (in->client_serial[0] &&
            sql_value_in(SQL_OID_NUMERIC, -1, in->client_serial, strlen(in->client_serial),
                         out->mcx, col(out, r, "client_serial"), err) != 0)
            return -1;
    }
    return 0;
}

/* pg_namespace */
static const syscol_t namespace_cols[] = {
    {"oid", O, NULL}, {"nspname", NM, NULL}, {"nspowner", O, "10"}, {"nspacl", TXA, NULL}};

static void put_aclitems(sysrows_t *o, sql_value_t *r, const char *colname, sql_engine_t *e, const sql_acl_t *a) {
    const char **items;
    int n = sql_acl_items_text(e, a, o->mcx, &items);
    sql_value_t *el = orb_alloc0(o->mcx, sizeof *el * (size_t)(n ? n : 1));
    for (int j = 0; j < n; j++) {
        el[j].v.s.p = (char *)items[j];
        el[j].v.s.n = (uint32_t)strlen(items[j]);
    }
    orb_err_t e2;
    sql_value_t *v = col(o, r, colname);
    if (sql_array_build(SQL_OID_TEXT, el, n, o->mcx, v, &e2) != 0) v->isnull = true;
}

static int namespace_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    sql_engine_t *e = sql_session_engine(xc->sess);
    for (int i = 0; i < out->rels.nnsp; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", out->rels.nsp[i].oid);
        put_s(out, r, "nspname", out->rels.nsp[i].name);
        /* owner and ACL (sql_acl.c): public belongs to pg_database_owner (6171) in PostgreSQL 15 */
        sql_acl_t a;
        if (sql_acl_schema_get(e, out->rels.nsp[i].name, &a, err) != 0) return -1;
        put_i(out, r, "nspowner", a.owner);
        if (a.has_acl) put_aclitems(out, r, "nspacl", e, &a);
    }
    return 0;
}

/* pg_class (relfrozenxid, relminmxid left out; relacl is text[]; relpartbound text) */
static const syscol_t class_cols[] = {
    {"oid", O, NULL}, {"relname", NM, NULL}, {"relnamespace", O, NULL}, {"reltype", O, "0"},
    {"reloftype", O, "0"}, {"relowner", O, "10"}, {"relam", O, "0"}, {"relfilenode", O, "0"},
    {"reltablespace", O, "0"}, {"relpages", I4, "0"}, {"reltuples", F4, "-1"},
    {"relallvisible", I4, "0"}, {"reltoastrelid", O, "0"}, {"relhasindex", B, "f"},
    {"relisshared", B, "f"}, {"relpersistence", CH, "p"}, {"relkind", CH, NULL},
    {"relnatts", I2, "0"}, {"relchecks", I2, "0"}, {"relhasrules", B, "f"},
    {"relhastriggers", B, "f"}, {"relhassubclass", B, "f"}, {"relrowsecurity", B, "f"},
    {"relforcerowsecurity", B, "f"}, {"relispopulated", B, "t"}, {"relreplident", CH, "n"},
    {"relispartition", B, "f"}, {"relrewrite", O, "0"}, {"relacl", TXA, NULL}, {"reloptions", TXA, NULL},
    {"relpartbound", TX, NULL},
};

static bool referenced(const sql_pgrels_t *rels, uint32_t oid) {
    for (int i = 0; i < rels->ntables; i++)
        for (int k = 0; k < rels->tables[i]->nfks; k++)
            if (rels->tables[i]->fks[k]->ref_table_id == oid) return true;
    return false;
}

/* relowner and relacl of a table or view from its privilege record (sql_acl.c) */
static void put_acl(sysrows_t *o, sql_value_t *r, sql_engine_t *e, const sql_acl_t *acls, int nacls,
                    uint32_t oid) {
    for (int k = 0; k < nacls; k++) {
        if (acls[k].table_id != oid) continue;
        put_i(o, r, "relowner", acls[k].owner);
        if (!acls[k].has_acl) return;
        const char **items;
        int n = sql_acl_items_text(e, &acls[k], o->mcx, &items);
        sql_value_t *el = orb_alloc0(o->mcx, sizeof *el * (size_t)(n ? n : 1));
        for (int j = 0; j < n; j++) {
            el[j].v.s.p = (char *)items[j];
            el[j].v.s.n = (uint32_t)strlen(items[j]);
        }
        orb_err_t e2;
        sql_value_t *v = col(o, r, "relacl");
        if (sql_array_build(SQL_OID_TEXT, el, n, o->mcx, v, &e2) != 0) v->isnull = true;
        return;
    }
}

static int class_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    sql_acl_t *acls = NULL;
    int nacls = 0;
    if (sql_acl_list(sql_session_engine(xc->sess), &acls, &nacls, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        sql_value_t *r = row_new(out);
        if (!x->sys && (x->kind == 'r' || x->kind == 'v'))
            put_acl(out, r, sql_session_engine(xc->sess), acls, nacls, x->oid);
        put_i(out, r, "oid", x->oid);
        put_s(out, r, "relname", x->name);
        put_i(out, r, "relnamespace", sql_pgcat_nsp_oid(&out->rels, x->schema));
        put_c(out, r, "relkind", x->kind);
        if (x->kind == 'r' || x->kind == 'i' || x->kind == 'S') put_i(out, r, "relfilenode", x->oid);
        if (x->sys) {
            put_i(out, r, "relnatts", x->sys->ncols);
            if (x->kind == 'r') put_i(out, r, "relam", 2);
            continue;
        }
        switch (x->kind) {
        case 'r':
            put_i(out, r, "relam", 2); /* heap */
            put_i(out, r, "relnatts", x->table->ncols);
            put_i(out, r, "relchecks", x->table->nchecks);
            put_b(out, r, "relhasindex", x->table->desc->n_pk_columns > 0 || x->table->desc->n_indexes > 0);
            put_c(out, r, "relreplident", 'd');
            /* PostgreSQL enforces foreign keys with triggers on both tables (psql looks
             * for foreign keys only then) */
            put_b(out, r, "relhastriggers", x->table->nfks > 0 || referenced(&out->rels, x->oid));
            break;
        case 'v':
            put_i(out, r, "relnatts", x->table->ncols);
            put_b(out, r, "relhasrules", true); /* its _RETURN rule */
            break;
        case 'i': {
            const uint32_t *pos;
            size_t n;
            sql_pgcat_index_cols(x, &pos, &n);
            put_i(out, r, "relam", sql_pgcat_am_oid(sql_pgcat_index_method(x)));
            put_i(out, r, "relnatts", (int64_t)n);
            put_f(out, r, "reltuples", 0);
            break;
        }
        case 'S':
            put_i(out, r, "relnatts", 3);
            put_f(out, r, "reltuples", 1);
            break;
        }
    }
    free(acls);
    return 0;
}

/* pg_attribute (attmissingval left out; attacl text[], NULL: no column privileges) */
static const syscol_t attribute_cols[] = {
    {"attrelid", O, NULL}, {"attname", NM, NULL}, {"atttypid", O, NULL},
    {"attstattarget", I4, "-1"}, {"attlen", I2, "-1"}, {"attnum", I2, NULL},
    {"attndims", I4, "0"}, {"attcacheoff", I4, "-1"}, {"atttypmod", I4, "-1"},
    {"attbyval", B, "f"}, {"attalign", CH, "i"}, {"attstorage", CH, "p"},
    {"attcompression", CH, ""}, {"attnotnull", B, "f"}, {"atthasdef", B, "f"},
    {"atthasmissing", B, "f"}, {"attidentity", CH, ""}, {"attgenerated", CH, ""},
    {"attisdropped", B, "f"}, {"attislocal", B, "t"}, {"attinhcount", I4, "0"},
    {"attcollation", O, "0"}, {"attacl", TXA, NULL}, {"attoptions", TXA, NULL},
    {"attfdwoptions", TXA, NULL},
};

static bool collatable(uint32_t t) {
    return t == SQL_OID_TEXT || t == SQL_OID_VARCHAR || t == SQL_OID_BPCHAR || t == SQL_OID_NAME;
}

static void attribute_row(sysrows_t *out, uint32_t relid, const char *name, uint32_t type,
                          int32_t typmod, int attnum, bool notnull) {
    sql_value_t *r = row_new(out);
    const sql_type_info_t *ti = sql_type_get(type);
    put_i(out, r, "attrelid", relid);
    put_s(out, r, "attname", name);
    put_i(out, r, "atttypid", type);
    put_i(out, r, "attnum", attnum);
    put_i(out, r, "atttypmod", typmod);
    put_b(out, r, "attnotnull", notnull);
    if (ti) {
        put_i(out, r, "attlen", ti->typlen);
        bool byval = ti->typlen > 0 && ti->typlen <= 8 && type != SQL_OID_NAME && type != SQL_OID_UUID &&
                     type != SQL_OID_INTERVAL;
        put_b(out, r, "attbyval", byval);
        put_c(out, r, "attalign", ti->typlen == 8 || type == SQL_OID_NUMERIC ? 'd' : ti->typlen == 2 ? 's'
                                 : ti->typlen == 1 || type == SQL_OID_NAME || type == SQL_OID_UUID ? 'c' : 'i');
        put_c(out, r, "attstorage", ti->typlen > 0 ? 'p' : type == SQL_OID_NUMERIC ? 'm' : 'x');
    }
    if (sql_type_is_array(type)) put_i(out, r, "attndims", 1);
    if (collatable(type)) put_i(out, r, "attcollation", 100);
}

static int attribute_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->sys) {
            const sysrel_def_t *d = find_def(x->oid);
            for (int c = 0; d && c < d->ncols; c++)
                attribute_row(out, x->oid, d->cols[c].name, d->cols[c].type, -1, c + 1, false);
            continue;
        }
        if (x->kind == 'S') {
            attribute_row(out, x->oid, "last_value", SQL_OID_INT8, -1, 1, true);
            attribute_row(out, x->oid, "log_cnt", SQL_OID_INT8, -1, 2, true);
            attribute_row(out, x->oid, "is_called", SQL_OID_BOOL, -1, 3, true);
            continue;
        }
        const sql_table_t *t = x->table;
        if (x->kind == 'i') {
            const uint32_t *pos;
            size_t n;
            sql_pgcat_index_cols(x, &pos, &n);
            for (size_t k = 0; k < n; k++) {
                const Orbit__ColumnDesc *c = pos[k] < t->desc->n_columns ? t->desc->columns[pos[k]] : NULL;
                if (c) attribute_row(out, x->oid, c->name, c->type_oid, c->typmod, (int)k + 1, false);
            }
            continue;
        }
        for (size_t k = 0; k < t->desc->n_columns; k++) {
            const Orbit__ColumnDesc *c = t->desc->columns[k];
            if (c->dropped) continue;
            attribute_row(out, x->oid, c->name, c->type_oid, c->typmod, (int)c->attnum, c->not_null);
            sql_value_t *r = out->rows[out->n - 1];
            put_b(out, r, "atthasdef", (c->has_default || c->seq_id) && !c->identity);
            if (c->identity) put_c(out, r, "attidentity", (char)c->identity);
            if (c->missing) put_b(out, r, "atthasmissing", true);
        }
    }
    return 0;
}

/* pg_attrdef */
static const syscol_t attrdef_cols[] = {
    {"oid", O, NULL}, {"adrelid", O, NULL}, {"adnum", I2, NULL}, {"adbin", TX, NULL}};

static int attrdef_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        for (size_t k = 0; k < t->desc->n_columns; k++) {
            const Orbit__ColumnDesc *c = t->desc->columns[k];
            if (c->dropped || !(c->has_default || c->seq_id) || c->identity) continue;
            sql_value_t *r = row_new(out);
            put_i(out, r, "oid", SQL_PGCAT_OID(t->id, SQL_PGCAT_ATTRDEF + c->attnum));
            put_i(out, r, "adrelid", t->id);
            put_i(out, r, "adnum", c->attnum);
            if (c->has_default) {
                put_s(out, r, "adbin", sql_pgcat_default_expr(t, c, out->mcx));
                continue;
            }
            /* serial: nextval of its sequence, named as regclass prints it */
            const sql_pgrel_t *q = sql_pgrels_find(&out->rels, (uint32_t)c->seq_id);
            orb_buf_t b;
            orb_buf_init(&b);
            if (q && !sql_pgrels_visible(xc->sess, &out->rels, q)) {
                sql_pgcat_quote_ident(&b, q->schema);
                orb_buf_putc(&b, '.');
            }
            sql_pgcat_quote_ident(&b, q ? q->name : "?");
            put_s(out, r, "adbin", orb_sprintf(out->mcx, "nextval('%s'::regclass)", b.data ? b.data : ""));
            orb_buf_free(&b);
        }
    }
    return 0;
}

/* pg_index (indkey and indoption int2[], indcollation and indclass oid[]: 1-based, where
 * PostgreSQL's int2vector and oidvector are 0-based; indexprs and indpred text) */
static const syscol_t index_cols[] = {
    {"indexrelid", O, NULL}, {"indrelid", O, NULL}, {"indnatts", I2, NULL},
    {"indnkeyatts", I2, NULL}, {"indisunique", B, "f"}, {"indnullsnotdistinct", B, "f"},
    {"indisprimary", B, "f"}, {"indisexclusion", B, "f"}, {"indimmediate", B, "t"},
    {"indisclustered", B, "f"}, {"indisvalid", B, "t"}, {"indcheckxmin", B, "f"},
    {"indisready", B, "t"}, {"indislive", B, "t"}, {"indisreplident", B, "f"},
    {"indkey", I2A, NULL}, {"indcollation", OA, NULL}, {"indclass", OA, NULL},
    {"indoption", I2A, NULL}, {"indexprs", TX, NULL}, {"indpred", TX, NULL},
};

static int index_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'i' || !x->table) continue;
        const uint32_t *pos;
        size_t n;
        sql_pgcat_index_cols(x, &pos, &n);
        sql_value_t *r = row_new(out);
        put_i(out, r, "indexrelid", x->oid);
        put_i(out, r, "indrelid", x->table->id);
        put_i(out, r, "indnatts", (int64_t)n);
        put_i(out, r, "indnkeyatts", (int64_t)n);
        put_b(out, r, "indisunique", !x->index || x->index->unique);
        put_b(out, r, "indisprimary", !x->index);
        put_attnums(out, r, "indkey", x->table, pos, n);
        sql_value_t *zero = orb_alloc0(out->mcx, sizeof *zero * (n ? n : 1));
        orb_err_t e;
        if (sql_array_build(SQL_OID_INT2, zero, (int)n, out->mcx, col(out, r, "indoption"), &e) != 0)
            col(out, r, "indoption")->isnull = true;
        /* indclass: each column's operator class (pg_opclass); indcollation: the default
         * collation for a collatable column */
        sql_value_t *cls = orb_alloc0(out->mcx, sizeof *cls * (n ? n : 1));
        const char *m = x->index && x->index->method ? x->index->method : "";
        int vm = strcmp(m, "hnsw") == 0 ? 1 : strcmp(m, "ivfflat") == 0 ? 2 : 0;
        int metric = vm ? sql_vec_opclass_metric(x->index->opclass) : 0;
        for (size_t k = 0; k < n; k++) {
            const Orbit__ColumnDesc *c = pos[k] < x->table->desc->n_columns ? x->table->desc->columns[pos[k]] : NULL;
            cls[k].v.i = c ? sql_opclass_of(c->type_oid, vm, metric) : 0;
        }
        if (sql_array_build(SQL_OID_OID, cls, (int)n, out->mcx, col(out, r, "indclass"), &e) != 0)
            col(out, r, "indclass")->isnull = true;
        sql_value_t *coll = orb_alloc0(out->mcx, sizeof *coll * (n ? n : 1));
        for (size_t k = 0; k < n; k++) {
            const Orbit__ColumnDesc *c = pos[k] < x->table->desc->n_columns ? x->table->desc->columns[pos[k]] : NULL;
            coll[k].v.i = c && collatable(c->type_oid) ? 100 : 0;
        }
        if (sql_array_build(SQL_OID_OID, coll, (int)n, out->mcx, col(out, r, "indcollation"), &e) != 0)
            col(out, r, "indcollation")->isnull = true;
    }
    return 0;
}

/* pg_constraint (conpfeqop, conppeqop, conffeqop of foreign keys from sql_operator.c,
 * conexclop NULL; conbin text) */
static const syscol_t constraint_cols[] = {
    {"oid", O, NULL}, {"conname", NM, NULL}, {"connamespace", O, NULL}, {"contype", CH, NULL},
    {"condeferrable", B, "f"}, {"condeferred", B, "f"}, {"convalidated", B, "t"},
    {"conrelid", O, NULL}, {"contypid", O, "0"}, {"conindid", O, "0"}, {"conparentid", O, "0"},
    {"confrelid", O, "0"}, {"confupdtype", CH, " "}, {"confdeltype", CH, " "},
    {"confmatchtype", CH, " "}, {"conislocal", B, "t"}, {"coninhcount", I4, "0"},
    {"connoinherit", B, "f"}, {"conkey", I2A, NULL}, {"confkey", I2A, NULL},
    {"confdelsetcols", I2A, NULL}, {"conpfeqop", OA, NULL}, {"conppeqop", OA, NULL},
    {"conffeqop", OA, NULL}, {"conexclop", OA, NULL}, {"conbin", TX, NULL},
};

static uint32_t col_type(const sql_table_t *t, uint32_t pos) {
    return pos < t->desc->n_columns ? t->desc->columns[pos]->type_oid : 0;
}

/* conpfeqop / conppeqop / conffeqop of a foreign key: PostgreSQL's = operators for PK = FK,
 * PK = PK and FK = FK per column (sql_operator.c) */
static void put_fk_eqops(sysrows_t *o, sql_value_t *r, const sql_table_t *t, const sql_pgcon_t *c) {
    size_t n = c->ncols < c->fk->n_ref_columns ? c->ncols : c->fk->n_ref_columns;
    static const char *const names[3] = {"conpfeqop", "conppeqop", "conffeqop"};
    for (int w = 0; w < 3; w++) {
        sql_value_t *el = orb_alloc0(o->mcx, sizeof *el * (n ? n : 1));
        for (size_t i = 0; i < n; i++) {
            uint32_t pk = col_type(c->ref, c->fk->ref_columns[i]), fk = col_type(t, c->cols[i]);
            el[i].v.i = sql_operator_eq(w == 2 ? fk : pk, w == 1 ? pk : fk);
        }
        orb_err_t e;
        if (sql_array_build(SQL_OID_OID, el, (int)n, o->mcx, col(o, r, names[w]), &e) != 0)
            col(o, r, names[w])->isnull = true;
    }
}

static int constraint_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            const sql_pgcon_t *c = &cs[k];
            sql_value_t *r = row_new(out);
            put_i(out, r, "oid", c->oid);
            put_s(out, r, "conname", c->name);
            put_i(out, r, "connamespace", sql_pgcat_nsp_oid(&out->rels, t->schema));
            put_c(out, r, "contype", c->type);
            put_i(out, r, "conrelid", t->id);
            put_i(out, r, "conindid", c->index_oid);
            if (c->type == 'c') {
                put_b(out, r, "connoinherit", false);
                put_s(out, r, "conbin", sql_pgcat_check_expr(c->check));
                /* the columns the expression names */
                uint32_t *pos = orb_alloc0(out->mcx, sizeof *pos * (t->desc->n_columns + 1));
                size_t np = 0;
                const char *ex = sql_pgcat_check_expr(c->check);
                for (size_t a = 0; a < t->desc->n_columns; a++) {
                    const char *nm = t->desc->columns[a]->name;
                    if (!t->desc->columns[a]->dropped && strstr(ex, nm)) pos[np++] = (uint32_t)a;
                }
                put_attnums(out, r, "conkey", t, pos, np);
            } else {
                put_attnums(out, r, "conkey", t, c->cols, c->ncols);
            }
            if (c->type == 'f') {
                put_i(out, r, "confrelid", c->fk->ref_table_id);
                put_c(out, r, "confupdtype", 'a');
                put_c(out, r, "confdeltype", 'a');
                put_c(out, r, "confmatchtype", 's');
                if (c->ref) {
                    put_attnums(out, r, "confkey", c->ref, c->fk->ref_columns, c->fk->n_ref_columns);
                    put_fk_eqops(out, r, t, c);
                }
            }
        }
    }
    return 0;
}

/* pg_type (typdefaultbin and typdefault NULL: Orbit has no domains; typacl text[]) */
static const syscol_t type_cols[] = {
    {"oid", O, NULL}, {"typname", NM, NULL}, {"typnamespace", O, "11"}, {"typowner", O, "10"},
    {"typlen", I2, NULL}, {"typbyval", B, "f"}, {"typtype", CH, "b"}, {"typcategory", CH, NULL},
    {"typispreferred", B, "f"}, {"typisdefined", B, "t"}, {"typdelim", CH, ","},
    {"typrelid", O, "0"}, {"typsubscript", RP, "0"}, {"typelem", O, "0"}, {"typarray", O, "0"},
    {"typinput", RP, "0"}, {"typoutput", RP, "0"}, {"typreceive", RP, "0"}, {"typsend", RP, "0"},
    {"typmodin", RP, "0"}, {"typmodout", RP, "0"}, {"typanalyze", RP, "0"}, {"typalign", CH, "i"},
    {"typstorage", CH, "p"}, {"typnotnull", B, "f"}, {"typbasetype", O, "0"},
    {"typtypmod", I4, "-1"}, {"typndims", I4, "0"}, {"typcollation", O, "0"},
    {"typdefaultbin", TX, NULL}, {"typdefault", TX, NULL}, {"typacl", TXA, NULL},
};

static int type_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)err;
    int n;
    const sql_type_info_t *ts = sql_type_all(&n);
    for (int i = 0; i < n; i++) {
        const sql_type_info_t *t = &ts[i];
        if (t->oid == SQL_OID_ANYTEXT || t->oid == SQL_OID_ANYJSON) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", t->oid);
        put_s(out, r, "typname", t->name);
        if (t->oid >= 16384) put_i(out, r, "typnamespace", 2200); /* pgvector's, in public */
        put_i(out, r, "typlen", t->typlen);
        put_b(out, r, "typbyval", t->typlen > 0 && t->typlen <= 8 && t->oid != SQL_OID_NAME &&
                                      t->oid != SQL_OID_UUID && t->oid != SQL_OID_INTERVAL);
        put_c(out, r, "typtype", t->category == 'P' ? 'p' : 'b');
        put_c(out, r, "typcategory", t->category);
        put_b(out, r, "typispreferred", t->preferred);
        if (sql_type_is_array(t->oid)) put_i(out, r, "typelem", sql_array_elem_of(t->oid));
        put_i(out, r, "typarray", sql_array_type_of(t->oid));
        put_c(out, r, "typstorage", t->typlen > 0 ? 'p' : t->oid == SQL_OID_NUMERIC ? 'm' : 'x');
        if (collatable(t->oid)) put_i(out, r, "typcollation", t->oid == SQL_OID_NAME ? 950 : 100);
    }
    return 0;
}

/* pg_am */
static const syscol_t am_cols[] = {
    {"oid", O, NULL}, {"amname", NM, NULL}, {"amhandler", RP, "0"}, {"amtype", CH, NULL}};

static int am_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)err;
    static const struct { uint32_t oid; const char *name; char type; } ams[] = {
        {2, "heap", 't'}, {403, "btree", 'i'}, {405, "hash", 'i'},
        {SQL_PGCAT_AM_HNSW, "hnsw", 'i'}, {SQL_PGCAT_AM_IVFFLAT, "ivfflat", 'i'}};
    for (size_t i = 0; i < sizeof ams / sizeof ams[0]; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", ams[i].oid);
        put_s(out, r, "amname", ams[i].name);
        put_c(out, r, "amtype", ams[i].type);
    }
    return 0;
}

/* pg_database (datfrozenxid and datminmxid left out; datacl text[]): sql_database.c's list */
static const syscol_t database_cols[] = {
    {"oid", O, NULL}, {"datname", NM, NULL}, {"datdba", O, "10"}, {"encoding", I4, "6"},
    {"datlocprovider", CH, "c"}, {"datistemplate", B, "f"}, {"datallowconn", B, "t"},
    {"datconnlimit", I4, "-1"}, {"dattablespace", O, "1663"}, {"datcollate", TX, "C"},
    {"datctype", TX, "C"}, {"daticulocale", TX, NULL}, {"datcollversion", TX, NULL},
    {"datacl", TXA, NULL},
};

static void database_row(void *arg, const char *name, uint32_t oid, uint32_t owner,
                         int32_t connlimit, bool is_template, bool allow_conn) {
    sysrows_t *out = arg;
    sql_value_t *r = row_new(out);
    put_i(out, r, "oid", oid);
    put_s(out, r, "datname", name);
    put_i(out, r, "datdba", owner);
    put_i(out, r, "datconnlimit", connlimit);
    put_b(out, r, "datistemplate", is_template);
    put_b(out, r, "datallowconn", allow_conn);
}

static int database_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return sql_database_list(sql_session_engine(xc->sess), database_row, out, err);
}

/* pg_roles, pg_authid, pg_user: the roles of the role cache (sql_role.c) */
static const syscol_t roles_cols[] = {
    {"rolname", NM, NULL}, {"rolsuper", B, "f"}, {"rolinherit", B, "t"},
    {"rolcreaterole", B, "f"}, {"rolcreatedb", B, "f"}, {"rolcanlogin", B, "f"},
    {"rolreplication", B, "f"}, {"rolconnlimit", I4, "-1"}, {"rolpassword", TX, "********"},
    {"rolvaliduntil", TZ, NULL}, {"rolbypassrls", B, "f"}, {"rolconfig", TXA, NULL},
    {"oid", O, NULL},
};
static const syscol_t authid_cols[] = {
    {"oid", O, NULL}, {"rolname", NM, NULL}, {"rolsuper", B, "f"}, {"rolinherit", B, "t"},
    {"rolcreaterole", B, "f"}, {"rolcreatedb", B, "f"}, {"rolcanlogin", B, "f"},
    {"rolreplication", B, "f"}, {"rolbypassrls", B, "f"}, {"rolconnlimit", I4, "-1"},
    {"rolpassword", TX, NULL}, {"rolvaliduntil", TZ, NULL},
};
static const syscol_t user_cols[] = {
    {"usename", NM, NULL}, {"usesysid", O, NULL}, {"usecreatedb", B, "f"}, {"usesuper", B, "f"},
    {"userepl", B, "f"}, {"usebypassrls", B, "f"}, {"passwd", TX, "********"},
    {"valuntil", TZ, NULL}, {"useconfig", TXA, NULL},
};

static int role_rows_of(sql_exec_ctx_t *xc, sysrows_t *out, int which /* 0 roles, 1 authid */) {
    sql_role_t *v;
    int n = sql_role_list(sql_session_engine(xc->sess), &v);
    for (int i = 0; i < n; i++) {
        const sql_role_t *r = &v[i];
        sql_value_t *row = row_new(out);
        put_i(out, row, "oid", r->oid);
        put_s(out, row, "rolname", r->name);
        put_b(out, row, "rolsuper", r->super);
        put_b(out, row, "rolinherit", r->inherit);
        put_b(out, row, "rolcreaterole", r->createrole);
        put_b(out, row, "rolcreatedb", r->createdb);
        put_b(out, row, "rolcanlogin", r->canlogin);
        put_b(out, row, "rolreplication", r->replication);
        put_b(out, row, "rolbypassrls", r->bypassrls);
        put_i(out, row, "rolconnlimit", r->connlimit);
        if (which == 1) put_s(out, row, "rolpassword", r->password[0] ? r->password : NULL);
        if (r->has_valid_until) put_i(out, row, "rolvaliduntil", r->valid_until);
    }
    free(v);
    return 0;
}

static int role_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    return role_rows_of(xc, out, 0);
}

/* pg_authid holds the password verifiers: superusers only, as in PostgreSQL */
static int authid_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (!sql_session_is_superuser(xc->sess))
        return orb_err_set(err, INSUFFICIENT_PRIVILEGE, "permission denied for table pg_authid");
    return role_rows_of(xc, out, 1);
}

static int user_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    sql_role_t *v;
    int n = sql_role_list(sql_session_engine(xc->sess), &v);
    for (int i = 0; i < n; i++) {
        const sql_role_t *r = &v[i];
        if (!r->canlogin) continue;
        sql_value_t *row = row_new(out);
        put_s(out, row, "usename", r->name);
        put_i(out, row, "usesysid", r->oid);
        put_b(out, row, "usecreatedb", r->createdb);
        put_b(out, row, "usesuper", r->super);
        put_b(out, row, "userepl", r->replication);
        put_b(out, row, "usebypassrls", r->bypassrls);
        if (r->has_valid_until) put_i(out, row, "valuntil", r->valid_until);
    }
    free(v);
    return 0;
}

static const syscol_t auth_members_cols[] = {
    {"roleid", O, NULL}, {"member", O, NULL}, {"grantor", O, NULL}, {"admin_option", B, NULL}};

/* pg_auth_members: the memberships of the role cache (GRANT role TO role) */
static int auth_members_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    sql_member_t *v;
    int n = sql_role_members(sql_session_engine(xc->sess), &v);
    for (int i = 0; i < n; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "roleid", v[i].roleid);
        put_i(out, r, "member", v[i].member);
        put_i(out, r, "grantor", v[i].grantor);
        put_b(out, r, "admin_option", v[i].admin);
    }
    free(v);
    return 0;
}

/* pg_extension (extconfig, extcondition left out) */
static const syscol_t extension_cols[] = {
    {"oid", O, NULL}, {"extname", NM, NULL}, {"extowner", O, "10"}, {"extnamespace", O, "2200"},
    {"extrelocatable", B, "t"}, {"extversion", TX, NULL},
};

static int extension_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    uint32_t oid;
    if (sql_extension_oid(sql_session_engine(xc->sess), "vector", &oid, err) != 0) return -1;
    if (!oid) return 0;
    sql_value_t *r = row_new(out);
    put_i(out, r, "oid", oid);
    put_s(out, r, "extname", "vector");
    put_s(out, r, "extversion", "0.8.0");
    return 0;
}

/* pg_description, pg_shdescription: the comments (sql_comment.c: COMMENT ON's, and public's
 * and the vector extension's unless replaced) of objects that exist */
static const syscol_t description_cols[] = {
    {"objoid", O, NULL}, {"classoid", O, NULL}, {"objsubid", I4, "0"}, {"description", TX, NULL}};
static const syscol_t shdescription_cols[] = {
    {"objoid", O, NULL}, {"classoid", O, NULL}, {"description", TX, NULL}};

static bool shared_class(uint32_t classoid) {
    return classoid == 1262 || classoid == 1213 || classoid == 1260;
}

typedef struct db_exists {
    uint32_t oid;
    bool found;
} db_exists_t;

static void db_exists_cb(void *arg, const char *name, uint32_t oid, uint32_t owner, int32_t connlimit,
                         bool is_template, bool allow_conn) {
    (void)name, (void)owner, (void)connlimit, (void)is_template, (void)allow_conn;
    db_exists_t *d = arg;
    if (d->oid == oid) d->found = true;
}

/* the commented object still exists (oids are never reused, so a match is the object) */
static bool comment_live(sysrows_t *o, const sql_comment_t *c, uint32_t ext_oid) {
    switch (c->classoid) {
    case 1259: {
        const sql_pgrel_t *x = sql_pgrels_find(&o->rels, c->objoid);
        if (!x) return false;
        if (c->objsubid == 0) return true;
        if (!x->table || x->kind == 'i') return false;
        for (size_t k = 0; k < x->table->desc->n_columns; k++)
            if (!x->table->desc->columns[k]->dropped &&
                (int32_t)x->table->desc->columns[k]->attnum == c->objsubid)
                return true;
        return false;
    }
    case 2606:
        for (int i = 0; i < o->rels.ntables; i++) {
            sql_pgcon_t *cs;
            int n = sql_pgcat_constraints(&o->rels, o->rels.tables[i], o->mcx, &cs);
            for (int k = 0; k < n; k++)
                if (cs[k].oid == c->objoid) return true;
        }
        return false;
    case 2615:
        for (int i = 0; i < o->rels.nnsp; i++)
            if (o->rels.nsp[i].oid == c->objoid) return true;
        return false;
    case 3079:
        return c->objoid == ext_oid;
    case 1262: {
        db_exists_t d = {c->objoid, false};
        orb_err_t e;
        if (sql_database_list(o->eng, db_exists_cb, &d, &e) != 0) return false;
        return d.found;
    }
    default:
        return false;
    }
}

static int comment_rows(sql_exec_ctx_t *xc, sysrows_t *out, bool shared, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(xc->sess);
    out->eng = e;
    uint32_t ext;
    if (sql_extension_oid(e, "vector", &ext, err) != 0) return -1;
    sql_comment_t *cs;
    int n;
    if (sql_comments_load(e, out->mcx, &cs, &n, err) != 0) return -1;
    if (n > 0 && need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < n; i++) {
        if (shared_class(cs[i].classoid) != shared || !comment_live(out, &cs[i], ext)) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "objoid", cs[i].objoid);
        put_i(out, r, "classoid", cs[i].classoid);
        if (!shared) put_i(out, r, "objsubid", cs[i].objsubid);
        put_s(out, r, "description", cs[i].text);
    }
    return 0;
}

static int description_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return comment_rows(xc, out, false, err);
}

static int shdescription_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return comment_rows(xc, out, true, err);
}

/* pg_sequence */
static const syscol_t sequence_cols[] = {
    {"seqrelid", O, NULL}, {"seqtypid", O, NULL}, {"seqstart", I8, NULL},
    {"seqincrement", I8, NULL}, {"seqmax", I8, NULL}, {"seqmin", I8, NULL},
    {"seqcache", I8, NULL}, {"seqcycle", B, NULL},
};

static int sequence_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.nseqs; i++) {
        const sql_seq_def_t *q = &out->rels.seqs[i];
        sql_value_t *r = row_new(out);
        put_i(out, r, "seqrelid", (int64_t)q->id);
        put_i(out, r, "seqtypid", q->type);
        put_i(out, r, "seqstart", q->start);
        put_i(out, r, "seqincrement", q->increment);
        put_i(out, r, "seqmax", q->max_value);
        put_i(out, r, "seqmin", q->min_value);
        put_i(out, r, "seqcache", q->cache);
        put_b(out, r, "seqcycle", q->cycle);
    }
    return 0;
}

/* pg_depend: a sequence owned by a column (serial 'a', identity 'i') and a constraint's
 * index ('i') */
static const syscol_t depend_cols[] = {
    {"classid", O, NULL}, {"objid", O, NULL}, {"objsubid", I4, "0"}, {"refclassid", O, NULL},
    {"refobjid", O, NULL}, {"refobjsubid", I4, "0"}, {"deptype", CH, NULL},
};

static int depend_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.nseqs; i++) {
        const sql_seq_def_t *q = &out->rels.seqs[i];
        if (!q->owner_table) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "classid", 1259);
        put_i(out, r, "objid", (int64_t)q->id);
        put_i(out, r, "refclassid", 1259);
        put_i(out, r, "refobjid", q->owner_table);
        put_i(out, r, "refobjsubid", q->owner_attnum);
        put_c(out, r, "deptype", q->identity ? 'i' : 'a');
    }
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            if (cs[k].type != 'p' && cs[k].type != 'u') continue;
            sql_value_t *r = row_new(out);
            put_i(out, r, "classid", 1259);
            put_i(out, r, "objid", cs[k].index_oid);
            put_i(out, r, "refclassid", 2606);
            put_i(out, r, "refobjid", cs[k].oid);
            put_c(out, r, "deptype", 'i');
        }
    }
    return 0;
}

/* pg_tablespace (spcacl, spcoptions left out) */
static const syscol_t tablespace_cols[] = {
    {"oid", O, NULL}, {"spcname", NM, NULL}, {"spcowner", O, "10"}};

static int tablespace_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)err;
    sql_value_t *r = row_new(out);
    put_i(out, r, "oid", 1663);
    put_s(out, r, "spcname", "pg_default");
    r = row_new(out);
    put_i(out, r, "oid", 1664);
    put_s(out, r, "spcname", "pg_global");
    return 0;
}

/* pg_collation */
static const syscol_t collation_cols[] = {
    {"oid", O, NULL}, {"collname", NM, NULL}, {"collnamespace", O, "11"}, {"collowner", O, "10"},
    {"collprovider", CH, "c"}, {"collisdeterministic", B, "t"}, {"collencoding", I4, "-1"},
    {"collcollate", TX, NULL}, {"collctype", TX, NULL}, {"colliculocale", TX, NULL},
    {"collversion", TX, NULL},
};

static int collation_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)err;
    static const struct { uint32_t oid; const char *name; char prov; } cs[] = {
        {100, "default", 'd'}, {950, "C", 'c'}, {951, "POSIX", 'c'}};
    for (size_t i = 0; i < 3; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", cs[i].oid);
        put_s(out, r, "collname", cs[i].name);
        put_c(out, r, "collprovider", cs[i].prov);
        if (cs[i].prov == 'c') {
            put_s(out, r, "collcollate", cs[i].name);
            put_s(out, r, "collctype", cs[i].name);
        }
    }
    return 0;
}

/* pg_settings: the session's settings */
static const syscol_t settings_cols[] = {
    {"name", TX, NULL}, {"setting", TX, NULL}, {"unit", TX, NULL}, {"category", TX, "Orbit"},
    {"short_desc", TX, NULL}, {"extra_desc", TX, NULL}, {"context", TX, "user"},
    {"vartype", TX, "string"}, {"source", TX, "default"}, {"min_val", TX, NULL},
    {"max_val", TX, NULL}, {"enumvals", TXA, NULL}, {"boot_val", TX, NULL},
    {"reset_val", TX, NULL}, {"sourcefile", TX, NULL}, {"sourceline", I4, NULL},
    {"pending_restart", B, "f"},
};

static int settings_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    int n;
    const sql_setting_def_t *d = sql_settings_defs(&n);
    for (int i = 0; i < n; i++) {
        sql_value_t *r = row_new(out);
        put_s(out, r, "name", d[i].name);
        put_s(out, r, "setting", sql_session_setting(xc->sess, d[i].name));
        put_s(out, r, "short_desc", d[i].description);
        put_s(out, r, "boot_val", d[i].def);
        put_s(out, r, "reset_val", d[i].def);
        if (strstr(d[i].name, "_timeout")) {
            /* time settings: the number of milliseconds, as PostgreSQL's GUC_UNIT_MS */
            char ms[16];
            snprintf(ms, sizeof ms, "%d",
                     sql_settings_ms(sql_session_setting(xc->sess, d[i].name)));
            put_s(out, r, "setting", ms);
            put_s(out, r, "unit", "ms");
            put_s(out, r, "vartype", "integer");
            put_s(out, r, "min_val", "0");
            put_s(out, r, "max_val", "2147483647");
        }
        if (d[i].read_only) put_s(out, r, "context", "internal");
        if (d[i].read_only && strcmp(d[i].name, "ssl") != 0) { /* fixed for the server's life */
            put_s(out, r, "boot_val", sql_session_setting(xc->sess, d[i].name));
            put_s(out, r, "reset_val", sql_session_setting(xc->sess, d[i].name));
        }
        if (sql_settings_postmaster(d[i].name)) { /* orbitd's flags */
            put_s(out, r, "context", "postmaster");
            put_s(out, r, "vartype", "integer");
            put_s(out, r, "min_val", strcmp(d[i].name, "max_connections") == 0 ? "1" : "0");
            put_s(out, r, "max_val", "262143");
            put_s(out, r, "reset_val", sql_session_setting(xc->sess, d[i].name));
        }
        if (strcmp(d[i].name, "ssl") == 0) { /* set at server start, as PostgreSQL's sighup */
            put_s(out, r, "context", "sighup");
            put_s(out, r, "vartype", "bool");
        }
    }
    return 0;
}

/* relations with no rows: Orbit has no inheritance, partitions, triggers, policies,
 * extended statistics, publications or user functions */
static const syscol_t inherits_cols[] = {
    {"inhrelid", O, NULL}, {"inhparent", O, NULL}, {"inhseqno", I4, NULL},
    {"inhdetachpending", B, NULL}};
static const syscol_t partitioned_cols[] = {
    {"partrelid", O, NULL}, {"partstrat", CH, NULL}, {"partnatts", I2, NULL},
    {"partdefid", O, NULL}};
static const syscol_t trigger_cols[] = {
    {"oid", O, NULL}, {"tgrelid", O, NULL}, {"tgparentid", O, NULL}, {"tgname", NM, NULL},
    {"tgfoid", O, NULL}, {"tgtype", I2, NULL}, {"tgenabled", CH, NULL}, {"tgisinternal", B, NULL},
    {"tgconstrrelid", O, NULL}, {"tgconstrindid", O, NULL}, {"tgconstraint", O, NULL},
    {"tgdeferrable", B, NULL}, {"tginitdeferred", B, NULL}, {"tgnargs", I2, NULL},
    {"tgattr", I2A, NULL}, {"tgqual", TX, NULL}, {"tgoldtable", NM, NULL}, {"tgnewtable", NM, NULL}};
static const syscol_t policy_cols[] = {
    {"oid", O, NULL}, {"polname", NM, NULL}, {"polrelid", O, NULL}, {"polcmd", CH, NULL},
    {"polpermissive", B, NULL}, {"polroles", I4A, NULL}, {"polqual", TX, NULL},
    {"polwithcheck", TX, NULL}};
static const syscol_t statistic_ext_cols[] = {
    {"oid", O, NULL}, {"stxrelid", O, NULL}, {"stxname", NM, NULL}, {"stxnamespace", O, NULL},
    {"stxowner", O, NULL}, {"stxstattarget", I4, NULL}, {"stxkeys", I2A, NULL},
    {"stxkind", TXA, NULL}, {"stxexprs", TX, NULL}};
static const syscol_t publication_cols[] = {
    {"oid", O, NULL}, {"pubname", NM, NULL}, {"pubowner", O, NULL}, {"puballtables", B, NULL},
    {"pubinsert", B, NULL}, {"pubupdate", B, NULL}, {"pubdelete", B, NULL},
    {"pubtruncate", B, NULL}, {"pubviaroot", B, NULL}};
static const syscol_t publication_namespace_cols[] = {
    {"oid", O, NULL}, {"pnpubid", O, NULL}, {"pnnspid", O, NULL}};
static const syscol_t publication_rel_cols[] = {
    {"oid", O, NULL}, {"prpubid", O, NULL}, {"prrelid", O, NULL}, {"prqual", TX, NULL},
    {"prattrs", I2A, NULL}};
static const syscol_t proc_cols[] = {
    {"oid", O, NULL}, {"proname", NM, NULL}, {"pronamespace", O, NULL}, {"proowner", O, NULL},
    {"prolang", O, NULL}, {"procost", F4, NULL}, {"prorows", F4, NULL}, {"provariadic", O, NULL},
    {"prosupport", RP, NULL}, {"prokind", CH, NULL}, {"prosecdef", B, NULL},
    {"proleakproof", B, NULL}, {"proisstrict", B, NULL}, {"proretset", B, NULL},
    {"provolatile", CH, NULL}, {"proparallel", CH, NULL}, {"pronargs", I2, NULL},
    {"pronargdefaults", I2, NULL}, {"prorettype", O, NULL}, {"prosrc", TX, NULL},
    {"proacl", TXA, NULL}};
/* pg_proc: the builtin functions, aggregates and the parser's functions (sql_proc.c);
 * proacl NULL (EXECUTE for PUBLIC, the default) */
static int proc_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    uint32_t ext;
    if (sql_extension_oid(sql_session_engine(xc->sess), "vector", &ext, err) != 0) return -1;
    size_t n = sql_proc_count();
    for (size_t i = 0; i < n; i++) {
        uint32_t oid;
        const sql_builtin_t *b = sql_proc_at(i, &oid);
        sql_proc_attrs_t at;
        sql_proc_attrs(i, &at);
        if (at.vector && !ext) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", oid);
        put_s(out, r, "proname", b->name);
        put_i(out, r, "pronamespace", at.vector ? 2200 : 11);
        put_i(out, r, "proowner", 10);
        put_i(out, r, "prolang", at.lang);
        put_f(out, r, "procost", 1);
        put_f(out, r, "prorows", 0);
        put_i(out, r, "provariadic", at.variadic);
        put_i(out, r, "prosupport", 0);
        put_c(out, r, "prokind", at.kind);
        put_b(out, r, "prosecdef", false);
        put_b(out, r, "proleakproof", false);
        put_b(out, r, "proisstrict", at.strict);
        put_b(out, r, "proretset", false);
        put_c(out, r, "provolatile", at.volatility);
        put_c(out, r, "proparallel", at.parallel);
        put_i(out, r, "pronargs", b->nargs);
        put_i(out, r, "pronargdefaults", 0);
        put_i(out, r, "prorettype", sql_proc_rettype(b));
        put_s(out, r, "prosrc", at.src);
    }
    return 0;
}

static int opclass_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc, (void)err;
    size_t n;
    const sql_opclass_t *v = sql_opclass_list(&n);
    for (size_t i = 0; i < n; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "oid", v[i].oid);
        put_i(out, r, "opcmethod", v[i].method);
        put_s(out, r, "opcname", v[i].name);
        put_i(out, r, "opcnamespace", 11);
        put_i(out, r, "opcowner", 10);
        put_i(out, r, "opcfamily", v[i].family);
        put_i(out, r, "opcintype", v[i].intype);
        put_b(out, r, "opcdefault", v[i].dflt);
        put_i(out, r, "opckeytype", v[i].intype == SQL_OID_NAME ? 2275 : 0); /* name_ops: cstring */
    }
    return 0;
}

static const syscol_t rewrite_cols[] = {
    {"oid", O, NULL}, {"rulename", NM, NULL}, {"ev_class", O, NULL}, {"ev_type", CH, NULL},
    {"ev_enabled", CH, NULL}, {"is_instead", B, NULL}, {"ev_qual", TX, NULL},
    {"ev_action", TX, NULL}};
/* pg_operator: the builtin operators (sql_operator.c), pgvector's once the extension exists */
static const syscol_t operator_cols[] = {
    {"oid", O, NULL}, {"oprname", NM, NULL}, {"oprnamespace", O, NULL}, {"oprowner", O, NULL},
    {"oprkind", CH, NULL}, {"oprcanmerge", B, NULL}, {"oprcanhash", B, NULL}, {"oprleft", O, NULL},
    {"oprright", O, NULL}, {"oprresult", O, NULL}, {"oprcom", O, NULL}, {"oprnegate", O, NULL},
    {"oprcode", RP, NULL}, {"oprrest", RP, NULL}, {"oprjoin", RP, NULL}};
static int operator_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    uint32_t ext;
    if (sql_extension_oid(sql_session_engine(xc->sess), "vector", &ext, err) != 0) return -1;
    for (int part = 0; part < (ext ? 2 : 1); part++) {
        size_t n;
        const sql_operator_t *v = part ? sql_operator_vector(&n) : sql_operator_core(&n);
        for (size_t i = 0; i < n; i++) {
            sql_value_t *r = row_new(out);
            put_i(out, r, "oid", v[i].oid);
            put_s(out, r, "oprname", v[i].name);
            put_i(out, r, "oprnamespace", part ? 2200 : 11);
            put_i(out, r, "oprowner", 10);
            put_c(out, r, "oprkind", v[i].kind);
            put_b(out, r, "oprcanmerge", v[i].canmerge);
            put_b(out, r, "oprcanhash", v[i].canhash);
            put_i(out, r, "oprleft", v[i].left);
            put_i(out, r, "oprright", v[i].right);
            put_i(out, r, "oprresult", v[i].result);
            put_i(out, r, "oprcom", v[i].com);
            put_i(out, r, "oprnegate", v[i].negate);
            put_i(out, r, "oprcode", v[i].code);
            put_i(out, r, "oprrest", v[i].rest);
            put_i(out, r, "oprjoin", v[i].join);
        }
    }
    return 0;
}

static const syscol_t opclass_cols[] = {
    {"oid", O, NULL}, {"opcmethod", O, NULL}, {"opcname", NM, NULL}, {"opcnamespace", O, NULL},
    {"opcowner", O, NULL}, {"opcfamily", O, NULL}, {"opcintype", O, NULL}, {"opcdefault", B, NULL},
    {"opckeytype", O, NULL}};

/* ---- server state and statistics that pgAdmin reads --------------------------------------- */

/* pg_stat_gssapi: a row per backend, as pg_stat_activity (Orbit has no GSSAPI: never
 * authenticated or encrypted by it) */
static const syscol_t stat_gssapi_cols[] = {
    {"pid", I4, NULL}, {"gss_authenticated", B, "f"}, {"principal", TX, NULL}, {"encrypted", B, "f"}};

static int stat_gssapi_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)err;
    sql_backend_info_t *v;
    int n = sql__backend_list(sql_session_engine(xc->sess), out->mcx, &v);
    for (int i = 0; i < n; i++) {
        if (!v[i].pid) continue; /* not started yet */
        put_i(out, row_new(out), "pid", v[i].pid);
    }
    return 0;
}

/* pg_replication_slots (xmin, catalog_xmin: xid, restart_lsn, confirmed_flush_lsn: pg_lsn,
 * are text): Orbit has no replication slots */
static const syscol_t replication_slots_cols[] = {
    {"slot_name", NM, NULL}, {"plugin", NM, NULL}, {"slot_type", TX, NULL}, {"datoid", O, NULL},
    {"database", NM, NULL}, {"temporary", B, NULL}, {"active", B, NULL}, {"active_pid", I4, NULL},
    {"xmin", TX, NULL}, {"catalog_xmin", TX, NULL}, {"restart_lsn", TX, NULL},
    {"confirmed_flush_lsn", TX, NULL}, {"wal_status", TX, NULL}, {"safe_wal_size", I8, NULL},
    {"two_phase", B, NULL}};

/* pg_prepared_xacts (transaction: xid, as text): PREPARE TRANSACTION is not supported, and
 * Orbit's own two-phase commits are internal, so there are none */
static const syscol_t prepared_xacts_cols[] = {
    {"transaction", TX, NULL}, {"gid", TX, NULL}, {"prepared", TZ, NULL}, {"owner", NM, NULL},
    {"database", NM, NULL}};

/* pg_stat_database: a row per database (and PostgreSQL's row for shared objects, datid 0),
 * with the counters of its engine (sql_stats.c) and its sessions now; block, conflict,
 * temporary file, checksum, session-time and abandoned/fatal/killed session columns read 0
 * (Orbit keeps none) */
static const syscol_t stat_database_cols[] = {
    {"datid", O, NULL}, {"datname", NM, NULL}, {"numbackends", I4, "0"},
    {"xact_commit", I8, "0"}, {"xact_rollback", I8, "0"}, {"blks_read", I8, "0"},
    {"blks_hit", I8, "0"}, {"tup_returned", I8, "0"}, {"tup_fetched", I8, "0"},
    {"tup_inserted", I8, "0"}, {"tup_updated", I8, "0"}, {"tup_deleted", I8, "0"},
    {"conflicts", I8, "0"}, {"temp_files", I8, "0"}, {"temp_bytes", I8, "0"},
    {"deadlocks", I8, "0"}, {"checksum_failures", I8, NULL}, {"checksum_last_failure", TZ, NULL},
    {"blk_read_time", F8, "0"}, {"blk_write_time", F8, "0"}, {"session_time", F8, "0"},
    {"active_time", F8, "0"}, {"idle_in_transaction_time", F8, "0"}, {"sessions", I8, "0"},
    {"sessions_abandoned", I8, "0"}, {"sessions_fatal", I8, "0"}, {"sessions_killed", I8, "0"},
    {"stats_reset", TZ, NULL}};

typedef struct stat_db_acc {
    sysrows_t *out;
    sql_engine_t *root;
} stat_db_acc_t;

static void stat_database_row(void *arg, const char *name, uint32_t oid, uint32_t owner,
                              int32_t connlimit, bool is_template, bool allow_conn) {
    (void)owner, (void)connlimit, (void)is_template, (void)allow_conn;
    stat_db_acc_t *a = arg;
    sysrows_t *out = a->out;
    sql_value_t *r = row_new(out);
    put_i(out, r, "datid", oid);
    put_s(out, r, "datname", name);
    sql_stat_db_t d;
    int nb = sql_database_stats(a->root, oid, &d);
    put_i(out, r, "numbackends", nb);
    put_i(out, r, "xact_commit", d.xact_commit);
    put_i(out, r, "xact_rollback", d.xact_rollback);
    put_i(out, r, "tup_returned", d.tup_returned);
    put_i(out, r, "tup_fetched", d.tup_fetched);
    put_i(out, r, "tup_inserted", d.tup_inserted);
    put_i(out, r, "tup_updated", d.tup_updated);
    put_i(out, r, "tup_deleted", d.tup_deleted);
    put_i(out, r, "deadlocks", d.deadlocks);
    put_i(out, r, "sessions", d.sessions);
    put_ts(out, r, "stats_reset", d.stats_reset_us);
}

static int stat_database_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    /* PostgreSQL 15 lists the shared objects first: datid 0, datname NULL */
    sql_value_t *r = row_new(out);
    put_i(out, r, "datid", 0);
    put_i(out, r, "numbackends", 0);
    stat_db_acc_t a = {out, sql_session_engine(xc->sess)->root};
    return sql_database_list(a.root, stat_database_row, &a, err);
}

/* pg_stat_database_conflicts: a row per database; Orbit has no standby, so no conflicts */
static const syscol_t stat_database_conflicts_cols[] = {
    {"datid", O, NULL}, {"datname", NM, NULL}, {"confl_tablespace", I8, "0"},
    {"confl_lock", I8, "0"}, {"confl_snapshot", I8, "0"}, {"confl_bufferpin", I8, "0"},
    {"confl_deadlock", I8, "0"}};

static void stat_conflicts_row(void *arg, const char *name, uint32_t oid, uint32_t owner,
                               int32_t connlimit, bool is_template, bool allow_conn) {
    (void)owner, (void)connlimit, (void)is_template, (void)allow_conn;
    sysrows_t *out = arg;
    sql_value_t *r = row_new(out);
    put_i(out, r, "datid", oid);
    put_s(out, r, "datname", name);
}

static int stat_database_conflicts_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return sql_database_list(sql_session_engine(xc->sess), stat_conflicts_row, out, err);
}

/* pg_stat_user_functions: Orbit has no user functions */
static const syscol_t stat_user_functions_cols[] = {
    {"funcid", O, NULL}, {"schemaname", NM, NULL}, {"funcname", NM, NULL}, {"calls", I8, NULL},
    {"total_time", F8, NULL}, {"self_time", F8, NULL}};

/* pg_available_extensions (also what pg_available_extensions() returns in FROM, with
 * installed_version): vector */
static const syscol_t available_extensions_cols[] = {
    {"name", NM, NULL}, {"default_version", TX, NULL}, {"installed_version", TX, NULL},
    {"comment", TX, NULL}};

static int available_extensions_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    uint32_t oid;
    if (sql_extension_oid(sql_session_engine(xc->sess), "vector", &oid, err) != 0) return -1;
    sql_value_t *r = row_new(out);
    put_s(out, r, "name", "vector");
    put_s(out, r, "default_version", "0.8.0");
    if (oid) put_s(out, r, "installed_version", "0.8.0");
    put_s(out, r, "comment", SQL_PGCAT_VECTOR_COMMENT);
    return 0;
}

/* pg_language: the functions Orbit has are built in ("internal", and "sql" for the
 * SQL-bodied ones PostgreSQL has); there are no procedural languages */
static const syscol_t language_cols[] = {
    {"oid", O, NULL}, {"lanname", NM, NULL}, {"lanowner", O, "10"}, {"lanispl", B, "f"},
    {"lanpltrusted", B, "f"}, {"lanplcallfoid", O, "0"}, {"laninline", O, "0"},
    {"lanvalidator", O, "0"}, {"lanacl", TXA, NULL}};

static int language_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)err;
    sql_value_t *r = row_new(out);
    put_i(out, r, "oid", 12);
    put_s(out, r, "lanname", "internal");
    put_i(out, r, "lanvalidator", 2246);
    /* sql: the language of PostgreSQL's SQL-bodied builtins pg_proc lists (sql_proc.c) */
    r = row_new(out);
    put_i(out, r, "oid", 14);
    put_s(out, r, "lanname", "sql");
    put_b(out, r, "lanpltrusted", true);
    put_i(out, r, "lanvalidator", 2248);
    return 0;
}

/* empty: no default privileges, per-role/database settings or security labels */
static const syscol_t default_acl_cols[] = {
    {"oid", O, NULL}, {"defaclrole", O, NULL}, {"defaclnamespace", O, NULL},
    {"defaclobjtype", CH, NULL}, {"defaclacl", TXA, NULL}};
static const syscol_t db_role_setting_cols[] = {
    {"setdatabase", O, NULL}, {"setrole", O, NULL}, {"setconfig", TXA, NULL}};
static const syscol_t seclabel_cols[] = {
    {"objoid", O, NULL}, {"classoid", O, NULL}, {"objsubid", I4, NULL}, {"provider", TX, NULL},
    {"label", TX, NULL}};
static const syscol_t shseclabel_cols[] = {
    {"objoid", O, NULL}, {"classoid", O, NULL}, {"provider", TX, NULL}, {"label", TX, NULL}};
static const syscol_t seclabels_cols[] = {
    {"objoid", O, NULL}, {"classoid", O, NULL}, {"objsubid", I4, NULL}, {"objtype", TX, NULL},
    {"objnamespace", O, NULL}, {"objname", TX, NULL}, {"provider", TX, NULL}, {"label", TX, NULL}};

/* pg_stat_all_tables / pg_stat_user_tables and pg_statio_*: a row per table (the system
 * relations are in the "all" and "sys" views, with zero counters), counted by sql_stats.c:
 * scans and rows read, rows written, live rows (counted from the shards when unknown: after a
 * restart or pg_stat_reset), VACUUM and ANALYZE. Orbit has no dead rows, HOT updates,
 * autovacuum or buffer cache: those columns read 0, block counts 0 (NULL where PostgreSQL
 * has no such relation) */
static const syscol_t stat_tables_cols[] = {
    {"relid", O, NULL}, {"schemaname", NM, NULL}, {"relname", NM, NULL}, {"seq_scan", I8, "0"},
    {"seq_tup_read", I8, "0"}, {"idx_scan", I8, NULL}, {"idx_tup_fetch", I8, NULL},
    {"n_tup_ins", I8, "0"}, {"n_tup_upd", I8, "0"}, {"n_tup_del", I8, "0"},
    {"n_tup_hot_upd", I8, "0"}, {"n_live_tup", I8, "0"}, {"n_dead_tup", I8, "0"},
    {"n_mod_since_analyze", I8, "0"}, {"n_ins_since_vacuum", I8, "0"},
    {"last_vacuum", TZ, NULL}, {"last_autovacuum", TZ, NULL}, {"last_analyze", TZ, NULL},
    {"last_autoanalyze", TZ, NULL}, {"vacuum_count", I8, "0"}, {"autovacuum_count", I8, "0"},
    {"analyze_count", I8, "0"}, {"autoanalyze_count", I8, "0"}};
static const syscol_t statio_tables_cols[] = {
    {"relid", O, NULL}, {"schemaname", NM, NULL}, {"relname", NM, NULL},
    {"heap_blks_read", I8, "0"}, {"heap_blks_hit", I8, "0"}, {"idx_blks_read", I8, NULL},
    {"idx_blks_hit", I8, NULL}, {"toast_blks_read", I8, NULL}, {"toast_blks_hit", I8, NULL},
    {"tidx_blks_read", I8, NULL}, {"tidx_blks_hit", I8, NULL}};

/* which relations a pg_stat view lists: all, user (not pg_catalog's) or sys */
enum { STAT_ALL, STAT_USER, STAT_SYS };

static int stat_tables(sql_exec_ctx_t *xc, sysrows_t *out, int which, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    bool stat = out->cols == stat_tables_cols;
    sql_engine_t *e = sql_session_engine(xc->sess);
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'r' || (which == STAT_USER && x->sys) || (which == STAT_SYS && !x->sys))
            continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "relid", x->oid);
        put_s(out, r, "schemaname", x->schema);
        put_s(out, r, "relname", x->name);
        /* PostgreSQL: NULL index counters for a table without indexes */
        bool indexed = x->table && (x->table->desc->n_pk_columns > 0 || x->table->desc->n_indexes > 0);
        if (!stat) {
            if (indexed) {
                put_i(out, r, "idx_blks_read", 0);
                put_i(out, r, "idx_blks_hit", 0);
            }
            continue;
        }
        if (!x->table) {
            if (indexed) {
                put_i(out, r, "idx_scan", 0);
                put_i(out, r, "idx_tup_fetch", 0);
            }
            continue;
        }
        sql_stat_rel_t st;
        sql_stats_rel_get(e, x->oid, -1, &st);
        if (!st.live_known) { /* after a restart or a reset: count the rows now */
            int64_t live;
            if (sql_stats_count_rows(sql_session_rt(xc->sess), x->table, &live, err) != 0) return -1;
            sql_stats_set_live(e, x->oid, live);
            st.n_live_tup = live;
        }
        put_i(out, r, "seq_scan", st.seq_scan);
        put_i(out, r, "seq_tup_read", st.seq_tup_read);
        if (indexed) {
            put_i(out, r, "idx_scan", st.idx_scan);
            put_i(out, r, "idx_tup_fetch", st.idx_tup_fetch);
        }
        put_i(out, r, "n_tup_ins", st.n_tup_ins);
        put_i(out, r, "n_tup_upd", st.n_tup_upd);
        put_i(out, r, "n_tup_del", st.n_tup_del);
        put_i(out, r, "n_live_tup", st.n_live_tup);
        put_i(out, r, "n_mod_since_analyze", st.n_mod_since_analyze);
        put_i(out, r, "n_ins_since_vacuum", st.n_ins_since_vacuum);
        put_ts(out, r, "last_vacuum", st.last_vacuum_us);
        put_ts(out, r, "last_analyze", st.last_analyze_us);
        put_i(out, r, "vacuum_count", st.vacuum_count);
        put_i(out, r, "analyze_count", st.analyze_count);
    }
    return 0;
}

/* pg_stat_*_indexes / pg_statio_*_indexes: a row per index (primary keys, unique and plain
 * btree indexes, hnsw and ivfflat); every entry an index scan returns names a row it fetches */
static const syscol_t stat_indexes_cols[] = {
    {"relid", O, NULL}, {"indexrelid", O, NULL}, {"schemaname", NM, NULL}, {"relname", NM, NULL},
    {"indexrelname", NM, NULL}, {"idx_scan", I8, "0"}, {"idx_tup_read", I8, "0"},
    {"idx_tup_fetch", I8, "0"}};
static const syscol_t statio_indexes_cols[] = {
    {"relid", O, NULL}, {"indexrelid", O, NULL}, {"schemaname", NM, NULL}, {"relname", NM, NULL},
    {"indexrelname", NM, NULL}, {"idx_blks_read", I8, "0"}, {"idx_blks_hit", I8, "0"}};

static int stat_indexes(sql_exec_ctx_t *xc, sysrows_t *out, int which, orb_err_t *err) {
    if (which == STAT_SYS) return 0; /* Orbit's catalogs have no indexes */
    if (need_rels(xc, out, err) != 0) return -1;
    bool stat = out->cols == stat_indexes_cols;
    sql_engine_t *e = sql_session_engine(xc->sess);
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'i' || !x->table) continue;
        sql_value_t *r = row_new(out);
        put_i(out, r, "relid", x->table->id);
        put_i(out, r, "indexrelid", x->oid);
        put_s(out, r, "schemaname", x->schema);
        put_s(out, r, "relname", x->table->name);
        put_s(out, r, "indexrelname", x->name);
        if (!stat) continue;
        sql_stat_rel_t st;
        sql_stats_rel_get(e, x->table->id, x->index ? (int)x->index->index_id : 0, &st);
        put_i(out, r, "idx_scan", st.idx_scan);
        put_i(out, r, "idx_tup_read", st.idx_tup_read);
        put_i(out, r, "idx_tup_fetch", st.idx_tup_fetch);
    }
    return 0;
}

static int stat_all_indexes_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_indexes(xc, out, STAT_ALL, err);
}

static int stat_user_indexes_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_indexes(xc, out, STAT_USER, err);
}

static int stat_sys_indexes_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_indexes(xc, out, STAT_SYS, err);
}

static int stat_sys_tables_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_tables(xc, out, STAT_SYS, err);
}

/* ---- redis.keys: the Redis keys of every database (sql_redis.c) ---------------------------- */
static const syscol_t redis_keys_cols[] = {
    {"db", I4, NULL}, {"key", TX, NULL}, {"type", TX, NULL}, {"ttl_ms", I8, NULL},
    {"value", SQL_OID_JSONB, NULL},
};

static int redis_keys_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    sql_redis_key_t *k;
    size_t n;
    if (sql_redis_keys(sql_session_rt(xc->sess), out->mcx, &k, &n, err) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        sql_value_t *r = row_new(out);
        put_i(out, r, "db", k[i].db);
        orb_err_t e2;
        if (sql_utf8_check((const unsigned char *)k[i].key, k[i].keylen, &e2) == 0) {
            put_s(out, r, "key", orb_strndup(out->mcx, k[i].key, k[i].keylen));
        } else { /* a binary key: \x and hex, as bytea prints */
            orb_buf_t b;
            orb_buf_init(&b);
            orb_buf_puts(&b, "\\x");
            for (size_t j = 0; j < k[i].keylen; j++) orb_buf_printf(&b, "%02x", (unsigned char)k[i].key[j]);
            put_s(out, r, "key", orb_strndup(out->mcx, b.data, b.len));
            orb_buf_free(&b);
        }
        put_s(out, r, "type", k[i].type);
        if (k[i].ttl_ms >= 0) put_i(out, r, "ttl_ms", k[i].ttl_ms);
        sql_value_t *v = col(out, r, "value");
        if (sql_value_in(SQL_OID_JSONB, -1, k[i].json, strlen(k[i].json), out->mcx, v, err) != 0)
            return -1;
    }
    return 0;
}

static int stat_all_tables_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_tables(xc, out, STAT_ALL, err);
}

static int stat_user_tables_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    return stat_tables(xc, out, STAT_USER, err);
}

/* ---- information_schema -------------------------------------------------------------------- */
/* PostgreSQL 15's views, columns in its order; its domains are their base types here:
 * sql_identifier name, cardinal_number int4, character_data and yes_or_no varchar. Rows are
 * those a superuser sees (Orbit checks no privileges). See docs/sql-compatibility.md. */
#define VC SQL_OID_VARCHAR

static const char *yes_no(bool b) { return b ? "YES" : "NO"; }

static const char *i64_text(orb_mcx_t *mcx, int64_t v) {
    return orb_sprintf(mcx, "%lld", (long long)v);
}

/* information_schema.schemata */
static const syscol_t is_schemata_cols[] = {
    {"catalog_name", NM, NULL}, {"schema_name", NM, NULL}, {"schema_owner", NM, "postgres"},
    {"default_character_set_catalog", NM, NULL}, {"default_character_set_schema", NM, NULL},
    {"default_character_set_name", NM, NULL}, {"sql_path", VC, NULL},
};

static int is_schemata_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.nnsp; i++) {
        sql_value_t *r = row_new(out);
        put_s(out, r, "catalog_name", sql_session_database(xc->sess));
        put_s(out, r, "schema_name", out->rels.nsp[i].name);
        if (strcmp(out->rels.nsp[i].name, "public") == 0)
            put_s(out, r, "schema_owner", "pg_database_owner");
    }
    return 0;
}

/* information_schema.tables */
static const syscol_t is_tables_cols[] = {
    {"table_catalog", NM, NULL}, {"table_schema", NM, NULL}, {"table_name", NM, NULL},
    {"table_type", VC, NULL}, {"self_referencing_column_name", NM, NULL},
    {"reference_generation", VC, NULL}, {"user_defined_type_catalog", NM, NULL},
    {"user_defined_type_schema", NM, NULL}, {"user_defined_type_name", NM, NULL},
    {"is_insertable_into", VC, NULL}, {"is_typed", VC, "NO"}, {"commit_action", VC, NULL},
};

static int is_tables_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'r' && x->kind != 'v') continue;
        sql_value_t *r = row_new(out);
        put_s(out, r, "table_catalog", sql_session_database(xc->sess));
        put_s(out, r, "table_schema", x->schema);
        put_s(out, r, "table_name", x->name);
        put_s(out, r, "table_type", x->kind == 'r' ? "BASE TABLE" : "VIEW");
        /* system relations and views take no INSERT (Orbit has no updatable views) */
        put_s(out, r, "is_insertable_into", yes_no(x->kind == 'r' && !x->sys));
    }
    return 0;
}

/* information_schema.views */
static const syscol_t is_views_cols[] = {
    {"table_catalog", NM, NULL}, {"table_schema", NM, NULL}, {"table_name", NM, NULL},
    {"view_definition", VC, NULL}, {"check_option", VC, "NONE"}, {"is_updatable", VC, "NO"},
    {"is_insertable_into", VC, "NO"}, {"is_trigger_updatable", VC, "NO"},
    {"is_trigger_deletable", VC, "NO"}, {"is_trigger_insertable_into", VC, "NO"},
};

static int is_views_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'v') continue;
        sql_value_t *r = row_new(out);
        put_s(out, r, "table_catalog", sql_session_database(xc->sess));
        put_s(out, r, "table_schema", x->schema);
        put_s(out, r, "table_name", x->name);
        if (x->table) put_s(out, r, "view_definition", x->table->view_sql);
    }
    return 0;
}

/* information_schema.columns */
static const syscol_t is_columns_cols[] = {
    {"table_catalog", NM, NULL}, {"table_schema", NM, NULL}, {"table_name", NM, NULL},
    {"column_name", NM, NULL}, {"ordinal_position", I4, NULL}, {"column_default", VC, NULL},
    {"is_nullable", VC, "YES"}, {"data_type", VC, NULL}, {"character_maximum_length", I4, NULL},
    {"character_octet_length", I4, NULL}, {"numeric_precision", I4, NULL},
    {"numeric_precision_radix", I4, NULL}, {"numeric_scale", I4, NULL},
    {"datetime_precision", I4, NULL}, {"interval_type", VC, NULL}, {"interval_precision", I4, NULL},
    {"character_set_catalog", NM, NULL}, {"character_set_schema", NM, NULL},
    {"character_set_name", NM, NULL}, {"collation_catalog", NM, NULL},
    {"collation_schema", NM, NULL}, {"collation_name", NM, NULL}, {"domain_catalog", NM, NULL},
    {"domain_schema", NM, NULL}, {"domain_name", NM, NULL}, {"udt_catalog", NM, NULL},
    {"udt_schema", NM, "pg_catalog"}, {"udt_name", NM, NULL}, {"scope_catalog", NM, NULL},
    {"scope_schema", NM, NULL}, {"scope_name", NM, NULL}, {"maximum_cardinality", I4, NULL},
    {"dtd_identifier", NM, NULL}, {"is_self_referencing", VC, "NO"}, {"is_identity", VC, "NO"},
    {"identity_generation", VC, NULL}, {"identity_start", VC, NULL},
    {"identity_increment", VC, NULL}, {"identity_maximum", VC, NULL},
    {"identity_minimum", VC, NULL}, {"identity_cycle", VC, "NO"}, {"is_generated", VC, "NEVER"},
    {"generation_expression", VC, NULL}, {"is_updatable", VC, "NO"},
};

/* the type columns as information_schema's _pg_* functions compute them */
static void is_column_type(sysrows_t *out, sql_value_t *r, uint32_t type, int32_t typmod) {
    const sql_type_info_t *ti = sql_type_get(type);
    bool user = type >= 16384 || (sql_type_is_array(type) && sql_array_elem_of(type) >= 16384);
    put_s(out, r, "data_type", sql_type_is_array(type) ? "ARRAY"
                               : user                   ? "USER-DEFINED"
                               : type == SQL_OID_BPCHAR ? "character"
                               : ti                     ? sql_type_format(type, -1, out->mcx)
                                                        : NULL);
    put_s(out, r, "udt_name", ti ? ti->name : NULL);
    if (user) put_s(out, r, "udt_schema", "public");
    switch (type) {
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR:
        if (typmod >= 4) {
            put_i(out, r, "character_maximum_length", typmod - 4);
            put_i(out, r, "character_octet_length", (int64_t)(typmod - 4) * 4); /* UTF8 */
            break;
        }
        /* fall through */
    case SQL_OID_TEXT:
        put_i(out, r, "character_octet_length", 1073741824);
        break;
    case SQL_OID_INT2:
    case SQL_OID_INT4:
    case SQL_OID_INT8:
        put_i(out, r, "numeric_precision",
              type == SQL_OID_INT2 ? 16 : type == SQL_OID_INT4 ? 32 : 64);
        put_i(out, r, "numeric_precision_radix", 2);
        put_i(out, r, "numeric_scale", 0);
        break;
    case SQL_OID_FLOAT4:
    case SQL_OID_FLOAT8:
        put_i(out, r, "numeric_precision", type == SQL_OID_FLOAT4 ? 24 : 53);
        put_i(out, r, "numeric_precision_radix", 2);
        break;
    case SQL_OID_NUMERIC:
        put_i(out, r, "numeric_precision_radix", 10);
        if (typmod >= 4) {
            put_i(out, r, "numeric_precision", ((typmod - 4) >> 16) & 65535);
            put_i(out, r, "numeric_scale", (typmod - 4) & 65535);
        }
        break;
    case SQL_OID_DATE:
        put_i(out, r, "datetime_precision", 0);
        break;
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ:
    case SQL_OID_INTERVAL:
        put_i(out, r, "datetime_precision", typmod < 0 ? 6 : typmod);
        break;
    default:
        break;
    }
}

static sql_value_t *is_column_row(sql_exec_ctx_t *xc, sysrows_t *out, const sql_pgrel_t *x,
                                  const char *name, int attnum, uint32_t type, int32_t typmod) {
    sql_value_t *r = row_new(out);
    put_s(out, r, "table_catalog", sql_session_database(xc->sess));
    put_s(out, r, "table_schema", x->schema);
    put_s(out, r, "table_name", x->name);
    put_s(out, r, "column_name", name);
    put_i(out, r, "ordinal_position", attnum);
    put_s(out, r, "udt_catalog", sql_session_database(xc->sess));
    put_s(out, r, "dtd_identifier", orb_sprintf(out->mcx, "%d", attnum));
    is_column_type(out, r, type, typmod);
    return r;
}

static const sql_seq_def_t *owned_seq(const sql_pgrels_t *rels, uint32_t table, int attnum) {
    for (int i = 0; i < rels->nseqs; i++)
        if (rels->seqs[i].owner_table == table && rels->seqs[i].owner_attnum == attnum)
            return &rels->seqs[i];
    return NULL;
}

static int is_columns_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.n; i++) {
        const sql_pgrel_t *x = &out->rels.v[i];
        if (x->kind != 'r' && x->kind != 'v') continue;
        if (x->sys) {
            const sysrel_def_t *d = find_def(x->oid);
            for (int c = 0; d && c < d->ncols; c++)
                is_column_row(xc, out, x, d->cols[c].name, c + 1, d->cols[c].type, -1);
            continue;
        }
        const sql_table_t *t = x->table;
        for (size_t k = 0; k < t->desc->n_columns; k++) {
            const Orbit__ColumnDesc *c = t->desc->columns[k];
            if (c->dropped) continue;
            sql_value_t *r =
                is_column_row(xc, out, x, c->name, (int)c->attnum, c->type_oid, c->typmod);
            if (x->kind == 'v') continue;
            put_s(out, r, "is_nullable", yes_no(!c->not_null));
            put_s(out, r, "is_updatable", "YES");
            if (c->identity) {
                const sql_seq_def_t *q = owned_seq(&out->rels, t->id, (int)c->attnum);
                put_s(out, r, "is_identity", "YES");
                put_s(out, r, "identity_generation", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
                if (q) {
                    put_s(out, r, "identity_start", i64_text(out->mcx, q->start));
                    put_s(out, r, "identity_increment", i64_text(out->mcx, q->increment));
                    put_s(out, r, "identity_maximum", i64_text(out->mcx, q->max_value));
                    put_s(out, r, "identity_minimum", i64_text(out->mcx, q->min_value));
                    put_s(out, r, "identity_cycle", yes_no(q->cycle));
                }
            } else if (c->has_default) {
                put_s(out, r, "column_default", sql_pgcat_default_expr(t, c, out->mcx));
            } else if (c->seq_id) {
                const sql_pgrel_t *s = sql_pgrels_find(&out->rels, (uint32_t)c->seq_id);
                orb_buf_t b;
                orb_buf_init(&b);
                if (s && !sql_pgrels_visible(xc->sess, &out->rels, s)) {
                    sql_pgcat_quote_ident(&b, s->schema);
                    orb_buf_putc(&b, '.');
                }
                sql_pgcat_quote_ident(&b, s ? s->name : "?");
                put_s(out, r, "column_default",
                      orb_sprintf(out->mcx, "nextval('%s'::regclass)", b.data ? b.data : ""));
                orb_buf_free(&b);
            }
        }
    }
    return 0;
}

/* information_schema.table_constraints: PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK, and a CHECK
 * named <nsp oid>_<table oid>_<attnum>_not_null per NOT NULL column */
static const syscol_t is_table_constraints_cols[] = {
    {"constraint_catalog", NM, NULL}, {"constraint_schema", NM, NULL},
    {"constraint_name", NM, NULL}, {"table_catalog", NM, NULL}, {"table_schema", NM, NULL},
    {"table_name", NM, NULL}, {"constraint_type", VC, NULL}, {"is_deferrable", VC, "NO"},
    {"initially_deferred", VC, "NO"}, {"enforced", VC, "YES"}, {"nulls_distinct", VC, NULL},
};

static const char *con_type_name(char t) {
    return t == 'p' ? "PRIMARY KEY" : t == 'u' ? "UNIQUE" : t == 'f' ? "FOREIGN KEY" : "CHECK";
}

static sql_value_t *is_con_row(sql_exec_ctx_t *xc, sysrows_t *out, const sql_table_t *t,
                               const char *name) {
    sql_value_t *r = row_new(out);
    const char *db = sql_session_database(xc->sess);
    put_s(out, r, "constraint_catalog", db);
    put_s(out, r, "constraint_schema", t->schema);
    put_s(out, r, "constraint_name", name);
    put_s(out, r, "table_catalog", db);
    put_s(out, r, "table_schema", t->schema);
    put_s(out, r, "table_name", t->name);
    return r;
}

static int is_table_constraints_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        if (t->view_sql) continue;
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            sql_value_t *r = is_con_row(xc, out, t, cs[k].name);
            put_s(out, r, "constraint_type", con_type_name(cs[k].type));
            if (cs[k].type == 'u') put_s(out, r, "nulls_distinct", "YES");
        }
        uint32_t nsp = sql_pgcat_nsp_oid(&out->rels, t->schema);
        for (size_t k = 0; k < t->desc->n_columns; k++) {
            const Orbit__ColumnDesc *c = t->desc->columns[k];
            if (c->dropped || !c->not_null) continue;
            const char *name = orb_sprintf(out->mcx, "%u_%u_%u_not_null", nsp, t->id, c->attnum);
            sql_value_t *r = is_con_row(xc, out, t, name);
            put_s(out, r, "constraint_type", "CHECK");
        }
    }
    return 0;
}

/* information_schema.key_column_usage: the columns of PRIMARY KEY, UNIQUE and FOREIGN KEY */
static const syscol_t is_key_column_usage_cols[] = {
    {"constraint_catalog", NM, NULL}, {"constraint_schema", NM, NULL},
    {"constraint_name", NM, NULL}, {"table_catalog", NM, NULL}, {"table_schema", NM, NULL},
    {"table_name", NM, NULL}, {"column_name", NM, NULL}, {"ordinal_position", I4, NULL},
    {"position_in_unique_constraint", I4, NULL},
};

/* the position (1-based) of the referenced column ref_pos in the key whose index is index_oid */
static int unique_position(const sql_pgrels_t *rels, const sql_table_t *ref, uint32_t index_oid,
                           uint32_t ref_pos, orb_mcx_t *mcx) {
    sql_pgcon_t *cs;
    int n = sql_pgcat_constraints(rels, ref, mcx, &cs);
    for (int k = 0; k < n; k++) {
        if ((cs[k].type != 'p' && cs[k].type != 'u') || cs[k].index_oid != index_oid) continue;
        for (size_t j = 0; j < cs[k].ncols; j++)
            if (cs[k].cols[j] == ref_pos) return (int)j + 1;
    }
    return 0;
}

static int is_key_column_usage_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        if (t->view_sql) continue;
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            const sql_pgcon_t *c = &cs[k];
            if (c->type == 'c') continue;
            for (size_t j = 0; j < c->ncols; j++) {
                if (c->cols[j] >= t->desc->n_columns) continue;
                sql_value_t *r = is_con_row(xc, out, t, c->name);
                put_s(out, r, "column_name", t->desc->columns[c->cols[j]]->name);
                put_i(out, r, "ordinal_position", (int64_t)j + 1);
                if (c->type == 'f' && c->ref && j < c->fk->n_ref_columns) {
                    int p = unique_position(&out->rels, c->ref, c->index_oid,
                                            c->fk->ref_columns[j], out->mcx);
                    if (p > 0) put_i(out, r, "position_in_unique_constraint", p);
                }
            }
        }
    }
    return 0;
}

/* information_schema.referential_constraints */
static const syscol_t is_referential_constraints_cols[] = {
    {"constraint_catalog", NM, NULL}, {"constraint_schema", NM, NULL},
    {"constraint_name", NM, NULL}, {"unique_constraint_catalog", NM, NULL},
    {"unique_constraint_schema", NM, NULL}, {"unique_constraint_name", NM, NULL},
    {"match_option", VC, "NONE"}, {"update_rule", VC, "NO ACTION"},
    {"delete_rule", VC, "NO ACTION"},
};

static int is_referential_constraints_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    const char *db = sql_session_database(xc->sess);
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        if (t->view_sql) continue;
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            const sql_pgcon_t *c = &cs[k];
            if (c->type != 'f') continue;
            sql_value_t *r = row_new(out);
            put_s(out, r, "constraint_catalog", db);
            put_s(out, r, "constraint_schema", t->schema);
            put_s(out, r, "constraint_name", c->name);
            if (!c->ref) continue;
            sql_pgcon_t *rc;
            int nr = sql_pgcat_constraints(&out->rels, c->ref, out->mcx, &rc);
            for (int j = 0; j < nr; j++) {
                if ((rc[j].type != 'p' && rc[j].type != 'u') || rc[j].index_oid != c->index_oid)
                    continue;
                put_s(out, r, "unique_constraint_catalog", db);
                put_s(out, r, "unique_constraint_schema", c->ref->schema);
                put_s(out, r, "unique_constraint_name", rc[j].name);
            }
        }
    }
    return 0;
}

/* information_schema.sequences */
static const syscol_t is_sequences_cols[] = {
    {"sequence_catalog", NM, NULL}, {"sequence_schema", NM, NULL}, {"sequence_name", NM, NULL},
    {"data_type", VC, NULL}, {"numeric_precision", I4, NULL},
    {"numeric_precision_radix", I4, "2"}, {"numeric_scale", I4, "0"}, {"start_value", VC, NULL},
    {"minimum_value", VC, NULL}, {"maximum_value", VC, NULL}, {"increment", VC, NULL},
    {"cycle_option", VC, NULL},
};

static int is_sequences_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.nseqs; i++) {
        const sql_seq_def_t *q = &out->rels.seqs[i];
        if (q->identity) continue; /* an identity column's: PostgreSQL leaves it out */
        sql_value_t *r = row_new(out);
        put_s(out, r, "sequence_catalog", sql_session_database(xc->sess));
        put_s(out, r, "sequence_schema", q->schema);
        put_s(out, r, "sequence_name", q->name);
        put_s(out, r, "data_type", sql_type_format(q->type, -1, out->mcx));
        put_i(out, r, "numeric_precision",
              q->type == SQL_OID_INT2 ? 16 : q->type == SQL_OID_INT4 ? 32 : 64);
        put_s(out, r, "start_value", i64_text(out->mcx, q->start));
        put_s(out, r, "minimum_value", i64_text(out->mcx, q->min_value));
        put_s(out, r, "maximum_value", i64_text(out->mcx, q->max_value));
        put_s(out, r, "increment", i64_text(out->mcx, q->increment));
        put_s(out, r, "cycle_option", yes_no(q->cycle));
    }
    return 0;
}
/* information_schema.check_constraints: CHECK constraints, and NOT NULL columns as
 * "<column> IS NOT NULL" */
static const syscol_t is_check_constraints_cols[] = {
    {"constraint_catalog", NM, NULL}, {"constraint_schema", NM, NULL},
    {"constraint_name", NM, NULL}, {"check_clause", VC, NULL},
};

static int is_check_constraints_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    const char *db = sql_session_database(xc->sess);
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        if (t->view_sql) continue;
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            if (cs[k].type != 'c') continue;
            sql_value_t *r = row_new(out);
            put_s(out, r, "constraint_catalog", db);
            put_s(out, r, "constraint_schema", t->schema);
            put_s(out, r, "constraint_name", cs[k].name);
            /* PostgreSQL: substring(pg_get_constraintdef(oid) from 7), not pretty-printed, so
             * a comparison is "((qty > 0))"; Orbit keeps the pretty form, "qty > 0", and
             * parenthesizes it as the non-pretty form of one operator (nested operators
             * differ: see docs/sql-compatibility.md) */
            put_s(out, r, "check_clause",
                  orb_sprintf(out->mcx, "((%s))", sql_pgcat_check_expr(cs[k].check)));
        }
        uint32_t nsp = sql_pgcat_nsp_oid(&out->rels, t->schema);
        for (size_t k = 0; k < t->desc->n_columns; k++) {
            const Orbit__ColumnDesc *c = t->desc->columns[k];
            if (c->dropped || !c->not_null) continue;
            sql_value_t *r = row_new(out);
            put_s(out, r, "constraint_catalog", db);
            put_s(out, r, "constraint_schema", t->schema);
            put_s(out, r, "constraint_name",
                  orb_sprintf(out->mcx, "%u_%u_%u_not_null", nsp, t->id, c->attnum));
            orb_buf_t b;
            orb_buf_init(&b);
            sql_pgcat_quote_ident(&b, c->name);
            put_s(out, r, "check_clause", orb_sprintf(out->mcx, "%s IS NOT NULL", b.data));
            orb_buf_free(&b);
        }
    }
    return 0;
}

/* information_schema.constraint_column_usage: the columns a constraint uses -- a CHECK's
 * (those its expression names), a key's, a foreign key's referenced columns */
static const syscol_t is_constraint_column_usage_cols[] = {
    {"table_catalog", NM, NULL}, {"table_schema", NM, NULL}, {"table_name", NM, NULL},
    {"column_name", NM, NULL}, {"constraint_catalog", NM, NULL},
    {"constraint_schema", NM, NULL}, {"constraint_name", NM, NULL},
};

static void ccu_row(sql_exec_ctx_t *xc, sysrows_t *out, const sql_table_t *t,
                    const sql_table_t *used, uint32_t pos, const char *con) {
    if (pos >= used->desc->n_columns) return;
    const char *db = sql_session_database(xc->sess);
    sql_value_t *r = row_new(out);
    put_s(out, r, "table_catalog", db);
    put_s(out, r, "table_schema", used->schema);
    put_s(out, r, "table_name", used->name);
    put_s(out, r, "column_name", used->desc->columns[pos]->name);
    put_s(out, r, "constraint_catalog", db);
    put_s(out, r, "constraint_schema", t->schema);
    put_s(out, r, "constraint_name", con);
}

static int is_constraint_column_usage_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    if (need_rels(xc, out, err) != 0) return -1;
    for (int i = 0; i < out->rels.ntables; i++) {
        const sql_table_t *t = out->rels.tables[i];
        if (t->view_sql) continue;
        sql_pgcon_t *cs;
        int n = sql_pgcat_constraints(&out->rels, t, out->mcx, &cs);
        for (int k = 0; k < n; k++) {
            const sql_pgcon_t *c = &cs[k];
            if (c->type == 'c') {
                /* as pg_constraint.conkey of a CHECK (constraint_rows) */
                const char *ex = sql_pgcat_check_expr(c->check);
                for (size_t a = 0; a < t->desc->n_columns; a++)
                    if (!t->desc->columns[a]->dropped && strstr(ex, t->desc->columns[a]->name))
                        ccu_row(xc, out, t, t, (uint32_t)a, c->name);
            } else if (c->type == 'f') {
                for (size_t j = 0; c->ref && j < c->fk->n_ref_columns; j++)
                    ccu_row(xc, out, t, c->ref, c->fk->ref_columns[j], c->name);
            } else {
                for (size_t j = 0; j < c->ncols; j++) ccu_row(xc, out, t, t, c->cols[j], c->name);
            }
        }
    }
    return 0;
}
#undef VC

#undef O
#undef NM
#undef TX
#undef B
#undef CH
#undef I2
#undef I4
#undef I8
#undef F4
#undef RP
#undef I2A
#undef OA
#undef I4A
#undef TXA
#undef TZ
#undef F8

#define NCOLS(a) (int)(sizeof a / sizeof a[0])
#define REL(name, oid, kind, cols, fn) {"pg_catalog", name, oid, kind, NCOLS(cols), cols, fn}
#define ISREL(name, oid, cols, fn) {"information_schema", name, oid, 'v', NCOLS(cols), cols, fn}
#define RDREL(name, oid, cols, fn) {"redis", name, oid, 'v', NCOLS(cols), cols, fn}
static const sysrel_def_t defs[] = {
    REL("pg_stat_progress_create_index", 12010, 'v', progress_ci_cols, progress_ci_rows),
    REL("pg_stat_activity", 12222, 'v', activity_cols, activity_rows),
    REL("pg_locks", 12106, 'v', locks_cols, locks_rows),
    REL("pg_stat_ssl", 12011, 'v', stat_ssl_cols, stat_ssl_rows),
    REL("pg_namespace", 2615, 'r', namespace_cols, namespace_rows),
    REL("pg_class", 1259, 'r', class_cols, class_rows),
    REL("pg_attribute", 1249, 'r', attribute_cols, attribute_rows),
    REL("pg_attrdef", 2604, 'r', attrdef_cols, attrdef_rows),
    REL("pg_index", 2610, 'r', index_cols, index_rows),
    REL("pg_constraint", 2606, 'r', constraint_cols, constraint_rows),
    REL("pg_type", 1247, 'r', type_cols, type_rows),
    REL("pg_am", 2601, 'r', am_cols, am_rows),
    REL("pg_database", 1262, 'r', database_cols, database_rows),
    REL("pg_roles", 12001, 'v', roles_cols, role_rows),
    REL("pg_authid", 1260, 'r', authid_cols, authid_rows),
    REL("pg_user", 12006, 'v', user_cols, user_rows),
    REL("pg_auth_members", 1261, 'r', auth_members_cols, auth_members_rows),
    REL("pg_extension", 3079, 'r', extension_cols, extension_rows),
    REL("pg_description", 2609, 'r', description_cols, description_rows),
    REL("pg_shdescription", 2396, 'r', shdescription_cols, shdescription_rows),
    REL("pg_sequence", 2224, 'r', sequence_cols, sequence_rows),
    REL("pg_depend", 2608, 'r', depend_cols, depend_rows),
    REL("pg_tablespace", 1213, 'r', tablespace_cols, tablespace_rows),
    REL("pg_collation", 3456, 'r', collation_cols, collation_rows),
    REL("pg_settings", 12227, 'v', settings_cols, settings_rows),
    REL("pg_inherits", 2611, 'r', inherits_cols, no_rows),
    REL("pg_partitioned_table", 3350, 'r', partitioned_cols, no_rows),
    REL("pg_trigger", 2620, 'r', trigger_cols, no_rows),
    REL("pg_policy", 3256, 'r', policy_cols, no_rows),
    REL("pg_statistic_ext", 3381, 'r', statistic_ext_cols, no_rows),
    REL("pg_publication", 6104, 'r', publication_cols, no_rows),
    REL("pg_publication_namespace", 6237, 'r', publication_namespace_cols, no_rows),
    REL("pg_publication_rel", 6106, 'r', publication_rel_cols, no_rows),
    REL("pg_proc", 1255, 'r', proc_cols, proc_rows),
    REL("pg_opclass", 2616, 'r', opclass_cols, opclass_rows),
    REL("pg_rewrite", 2618, 'r', rewrite_cols, no_rows),
    REL("pg_operator", 2617, 'r', operator_cols, operator_rows),
    REL("pg_stat_gssapi", 12253, 'v', stat_gssapi_cols, stat_gssapi_rows),
    REL("pg_replication_slots", 12257, 'v', replication_slots_cols, no_rows),
    REL("pg_prepared_xacts", 12090, 'v', prepared_xacts_cols, no_rows),
    REL("pg_stat_database", 12266, 'v', stat_database_cols, stat_database_rows),
    REL("pg_stat_database_conflicts", 12271, 'v', stat_database_conflicts_cols,
        stat_database_conflicts_rows),
    REL("pg_stat_user_functions", 12275, 'v', stat_user_functions_cols, no_rows),
    REL("pg_available_extensions", 12081, 'v', available_extensions_cols, available_extensions_rows),
    REL("pg_language", 2612, 'r', language_cols, language_rows),
    REL("pg_default_acl", 826, 'r', default_acl_cols, no_rows),
    REL("pg_db_role_setting", 2964, 'r', db_role_setting_cols, no_rows),
    REL("pg_seclabel", 3596, 'r', seclabel_cols, no_rows),
    REL("pg_shseclabel", 3592, 'r', shseclabel_cols, no_rows),
    REL("pg_seclabels", 12099, 'v', seclabels_cols, no_rows),
    REL("pg_stat_all_tables", 12142, 'v', stat_tables_cols, stat_all_tables_rows),
    REL("pg_stat_user_tables", 12161, 'v', stat_tables_cols, stat_user_tables_rows),
    REL("pg_statio_all_tables", 12170, 'v', statio_tables_cols, stat_all_tables_rows),
    REL("pg_statio_user_tables", 12179, 'v', statio_tables_cols, stat_user_tables_rows),
    REL("pg_stat_sys_tables", 12152, 'v', stat_tables_cols, stat_sys_tables_rows),
    REL("pg_statio_sys_tables", 12175, 'v', statio_tables_cols, stat_sys_tables_rows),
    REL("pg_stat_all_indexes", 12183, 'v', stat_indexes_cols, stat_all_indexes_rows),
    REL("pg_stat_sys_indexes", 12188, 'v', stat_indexes_cols, stat_sys_indexes_rows),
    REL("pg_stat_user_indexes", 12192, 'v', stat_indexes_cols, stat_user_indexes_rows),
    REL("pg_statio_all_indexes", 12196, 'v', statio_indexes_cols, stat_all_indexes_rows),
    REL("pg_statio_sys_indexes", 12201, 'v', statio_indexes_cols, stat_sys_indexes_rows),
    REL("pg_statio_user_indexes", 12205, 'v', statio_indexes_cols, stat_user_indexes_rows),
    /* information_schema's views (PostgreSQL's initdb assigns their oids; fixed here) */
    RDREL("keys", 13301, redis_keys_cols, redis_keys_rows),
    ISREL("schemata", 13200, is_schemata_cols, is_schemata_rows),
    ISREL("tables", 13201, is_tables_cols, is_tables_rows),
    ISREL("columns", 13202, is_columns_cols, is_columns_rows),
    ISREL("views", 13203, is_views_cols, is_views_rows),
    ISREL("table_constraints", 13204, is_table_constraints_cols, is_table_constraints_rows),
    ISREL("key_column_usage", 13205, is_key_column_usage_cols, is_key_column_usage_rows),
    ISREL("referential_constraints", 13206, is_referential_constraints_cols,
          is_referential_constraints_rows),
    ISREL("sequences", 13207, is_sequences_cols, is_sequences_rows),
    ISREL("check_constraints", 13208, is_check_constraints_cols, is_check_constraints_rows),
    ISREL("constraint_column_usage", 13209, is_constraint_column_usage_cols,
          is_constraint_column_usage_rows),
};
#define NDEFS (sizeof defs / sizeof defs[0])

static const sysrel_def_t *find_def(uint32_t oid) {
    for (size_t i = 0; i < NDEFS; i++)
        if (defs[i].oid == oid) return &defs[i];
    return NULL;
}

static sql_sysrel_info_t sys_info[NDEFS];
static pthread_once_t info_once = PTHREAD_ONCE_INIT;

static void info_init(void) {
    for (size_t i = 0; i < NDEFS; i++)
        sys_info[i] = (sql_sysrel_info_t){defs[i].oid, defs[i].kind, defs[i].schema, defs[i].name,
                                          defs[i].ncols};
}

const sql_sysrel_info_t *sql_sysrel_all(int *n) {
    pthread_once(&info_once, info_init);
    *n = (int)NDEFS;
    return sys_info;
}
static sql_table_t *sys_tables[NDEFS];
static pthread_once_t sys_once = PTHREAD_ONCE_INIT;

static void sys_init(void) {
    for (size_t i = 0; i < NDEFS; i++) {
        const sysrel_def_t *d = &defs[i];
        Orbit__TableDesc *td = malloc(sizeof *td);
        if (!td) orb_panic("out of memory");
        orbit__table_desc__init(td);
        td->table_id = d->oid;
        td->name = strdup(d->name);
        td->schema = strdup(d->schema);
        td->nshards = 1;
        td->version = 1;
        td->n_columns = (size_t)d->ncols;
        td->columns = calloc((size_t)d->ncols, sizeof *td->columns);
        for (int c = 0; c < d->ncols; c++) {
            Orbit__ColumnDesc *cd = malloc(sizeof *cd);
            if (!cd) orb_panic("out of memory");
            orbit__column_desc__init(cd);
            cd->name = strdup(d->cols[c].name);
            cd->type_oid = d->cols[c].type;
            cd->typmod = -1;
            cd->attnum = (uint32_t)c + 1;
            td->columns[c] = cd;
        }
        sql_table_t *t = sql_table_from_desc(td);
        t->sys = d;
        sys_tables[i] = t; /* lives as long as the process */
    }
}

sql_table_t *sql_sysrel_find(const char *schema, const char *name) {
    pthread_once(&sys_once, sys_init);
    for (size_t i = 0; i < NDEFS; i++) {
        if (strcmp(defs[i].schema, schema) == 0 && strcmp(defs[i].name, name) == 0) {
            atomic_fetch_add(&sys_tables[i]->refs, 1);
            return sys_tables[i];
        }
    }
    return NULL;
}

int sql_sysrel_scan(sql_exec_ctx_t *xc, const sql_table_t *t, int offset, int width,
                    int (*row_cb)(void *arg, sql_value_t *row, Orbit__Row *key), void *arg,
                    orb_err_t *err) {
    const sysrel_def_t *d = t->sys;
    sql_value_t *tmpl = orb_alloc0(xc->mcx, sizeof *tmpl * (size_t)d->ncols);
    for (int c = 0; c < d->ncols; c++) {
        const char *v = d->cols[c].dflt;
        tmpl[c].isnull = v == NULL;
        if (v && sql_value_in(d->cols[c].type, -1, v, strlen(v), xc->mcx, &tmpl[c], err) != 0)
            return -1;
    }
    sysrows_t rows = {.mcx = xc->mcx, .ncols = d->ncols, .cols = d->cols, .tmpl = tmpl};
    if (d->rows(xc, &rows, err) != 0) return -1;
    if (width < offset + t->ncols) width = offset + t->ncols;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < rows.n; i++) {
        orb_mcx_t *m = xc->row_mcx ? xc->row_mcx : xc->mcx;
        sql_value_t *all = orb_alloc0(m, sizeof *all * (size_t)(width + 1));
        memcpy(all + offset, rows.rows[i], sizeof *all * (size_t)d->ncols);
        rc = row_cb(arg, all, NULL);
    }
    return rc == SQL_SCAN_STOP ? 0 : rc;
}
