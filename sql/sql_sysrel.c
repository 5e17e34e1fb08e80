/* sql/sql_sysrel.c — system relations: read-only pg_catalog relations whose rows Orbit
 * computes when they are scanned (declared once in the table below: name, columns, row
 * producer). They resolve like tables for SELECT and COPY ... TO (sql_catalog_resolve_read)
 * and never for DDL or DML, which therefore say the relation does not exist. A scan calls the
 * producer on the session's thread (sql_shard_scan dispatches here).
 * Today: pg_stat_progress_create_index, fed by the commands in progress registered here
 * (sql_progress_*); pg_namespace and pg_class over Orbit's catalog; pg_inherits and
 * pg_partitioned_table, empty (no inheritance or partitioning). See README.md ("System
 * relations"). */
#include "sql_ddl_int.h"
#include "sql_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- commands in progress ------------------------------------------------------------------ */

typedef struct sql_progress {
    struct sql_progress *next;
    uint64_t act_id;      /* the actors' progress entry (act_progress_*) */
    int32_t pid;
    char datname[64];
    uint32_t relid, index_relid;
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

typedef struct sysrows {
    orb_mcx_t *mcx;
    int ncols;
    sql_value_t **rows;
    size_t n, cap;
} sysrows_t;

static sql_value_t *row_new(sysrows_t *o) {
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 16;
        o->rows = orb_realloc(o->mcx, o->rows, o->cap * sizeof *o->rows, nc * sizeof *o->rows);
        o->cap = nc;
    }
    sql_value_t *r = orb_alloc0(o->mcx, sizeof *r * (size_t)o->ncols);
    for (int i = 0; i < o->ncols; i++) r[i].isnull = true;
    o->rows[o->n++] = r;
    return r;
}

static void set_int(sql_value_t *v, int64_t i) {
    v->isnull = false;
    v->v.i = i;
}

static void set_text(orb_mcx_t *mcx, sql_value_t *v, const char *s) {
    v->isnull = false;
    v->v.s.p = orb_strdup(mcx, s);
    v->v.s.n = (uint32_t)strlen(s);
}

typedef struct syscol {
    const char *name;
    uint32_t type;
} syscol_t;

typedef struct sql_sysrel_def {
    const char *name;
    uint32_t oid;
    int ncols;
    const syscol_t *cols;
    int (*rows)(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err);
} sysrel_def_t;

/* pg_stat_progress_create_index (PostgreSQL 15's columns; pgvector's phase names) */
static const syscol_t progress_ci_cols[] = {
    {"pid", SQL_OID_INT4},          {"datid", SQL_OID_OID},           {"datname", SQL_OID_NAME},
    {"relid", SQL_OID_OID},         {"index_relid", SQL_OID_OID},     {"command", SQL_OID_TEXT},
    {"phase", SQL_OID_TEXT},        {"lockers_total", SQL_OID_INT8},  {"lockers_done", SQL_OID_INT8},
    {"current_locker_pid", SQL_OID_INT8}, {"blocks_total", SQL_OID_INT8}, {"blocks_done", SQL_OID_INT8},
    {"tuples_total", SQL_OID_INT8}, {"tuples_done", SQL_OID_INT8},    {"partitions_total", SQL_OID_INT8},
    {"partitions_done", SQL_OID_INT8},
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
        set_int(&r[0], p->pid);
        set_int(&r[1], 1); /* datid: the one database's oid */
        set_text(out->mcx, &r[2], p->datname);
        set_int(&r[3], p->relid);
        set_int(&r[4], p->index_relid);
        set_text(out->mcx, &r[5], p->command);
        set_text(out->mcx, &r[6], phases[ap.phase >= 0 && ap.phase <= 3 ? ap.phase : 0]);
        for (int i = 7; i <= 11; i++) set_int(&r[i], 0);
        set_int(&r[12], ap.total);
        set_int(&r[13], ap.done);
        set_int(&r[14], 0);
        set_int(&r[15], 0);
    }
    pthread_mutex_unlock(&progress_lock);
    return 0;
}

/* ---- pg_catalog relations over Orbit's catalog ----------------------------------------- */

static void set_bool(sql_value_t *v, bool b) {
    v->isnull = false;
    v->v.b = b;
}

static void set_char(orb_mcx_t *mcx, sql_value_t *v, char c) {
    char s[2] = {c, 0};
    set_text(mcx, v, s);
}

static void set_float(sql_value_t *v, double f) {
    v->isnull = false;
    v->v.f = f;
}

/* pg_namespace (PostgreSQL 15's columns but nspacl) */
static const syscol_t namespace_cols[] = {
    {"oid", SQL_OID_OID}, {"nspname", SQL_OID_NAME}, {"nspowner", SQL_OID_OID}};

static int namespace_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    sql_schema_entry_t *v;
    int n;
    if (sql_schema_list(sql_session_engine(xc->sess), &v, &n, err) != 0) return -1;
    for (int i = 0; i < n; i++) {
        sql_value_t *r = row_new(out);
        set_int(&r[0], v[i].oid);
        set_text(out->mcx, &r[1], v[i].name);
        set_int(&r[2], 10); /* the bootstrap superuser */
    }
    free(v);
    return 0;
}

/* pg_class (PostgreSQL 15's columns up to relrewrite; relfrozenxid, relminmxid, relacl,
 * reloptions and relpartbound are left out). One row per table, view, sequence and secondary
 * index (a primary key has no oid of its own in Orbit, so it has no row), and one per system
 * relation of this file. */
static const syscol_t class_cols[] = {
    {"oid", SQL_OID_OID},           {"relname", SQL_OID_NAME},         {"relnamespace", SQL_OID_OID},
    {"reltype", SQL_OID_OID},       {"reloftype", SQL_OID_OID},        {"relowner", SQL_OID_OID},
    {"relam", SQL_OID_OID},         {"relfilenode", SQL_OID_OID},      {"reltablespace", SQL_OID_OID},
    {"relpages", SQL_OID_INT4},     {"reltuples", SQL_OID_FLOAT4},     {"relallvisible", SQL_OID_INT4},
    {"reltoastrelid", SQL_OID_OID}, {"relhasindex", SQL_OID_BOOL},     {"relisshared", SQL_OID_BOOL},
    {"relpersistence", SQL_OID_CHAR}, {"relkind", SQL_OID_CHAR},       {"relnatts", SQL_OID_INT2},
    {"relchecks", SQL_OID_INT2},    {"relhasrules", SQL_OID_BOOL},     {"relhastriggers", SQL_OID_BOOL},
    {"relhassubclass", SQL_OID_BOOL}, {"relrowsecurity", SQL_OID_BOOL}, {"relforcerowsecurity", SQL_OID_BOOL},
    {"relispopulated", SQL_OID_BOOL}, {"relreplident", SQL_OID_CHAR},  {"relispartition", SQL_OID_BOOL},
    {"relrewrite", SQL_OID_OID},
};

static uint32_t schema_oid_of(sql_schema_entry_t *v, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0) return v[i].oid;
    return 0;
}

static void class_row(sysrows_t *out, uint32_t oid, const char *name, uint32_t nsp, char kind,
                      int natts, bool hasindex, int nchecks) {
    sql_value_t *r = row_new(out);
    bool stored = kind == 'r' || kind == 'i' || kind == 'S';
    set_int(&r[0], oid);
    set_text(out->mcx, &r[1], name);
    set_int(&r[2], nsp);
    set_int(&r[3], 0);
    set_int(&r[4], 0);
    set_int(&r[5], 10);
    set_int(&r[6], kind == 'r' ? 2 : kind == 'i' ? 403 : 0); /* heap, btree */
    set_int(&r[7], stored ? oid : 0);
    set_int(&r[8], 0);
    set_int(&r[9], 0);
    set_float(&r[10], kind == 'S' ? 1 : -1); /* -1: never vacuumed or analyzed */
    set_int(&r[11], 0);
    set_int(&r[12], 0);
    set_bool(&r[13], hasindex);
    set_bool(&r[14], false);
    set_char(out->mcx, &r[15], 'p');
    set_char(out->mcx, &r[16], kind);
    set_int(&r[17], natts);
    set_int(&r[18], nchecks);
    set_bool(&r[19], kind == 'v'); /* a view's _RETURN rule */
    set_bool(&r[20], false);
    set_bool(&r[21], false);
    set_bool(&r[22], false);
    set_bool(&r[23], false);
    set_bool(&r[24], true);
    set_char(out->mcx, &r[25], kind == 'r' ? 'd' : 'n');
    set_bool(&r[26], false);
    set_int(&r[27], 0);
}

static int class_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err);

/* pg_inherits: Orbit has no inheritance or partitions, so no rows */
static const syscol_t inherits_cols[] = {
    {"inhrelid", SQL_OID_OID}, {"inhparent", SQL_OID_OID}, {"inhseqno", SQL_OID_INT4},
    {"inhdetachpending", SQL_OID_BOOL}};

/* pg_partitioned_table (PostgreSQL 15's columns up to partdefid; partattrs, partclass,
 * partcollation and partexprs are left out): no partitioned tables, so no rows */
static const syscol_t partitioned_cols[] = {
    {"partrelid", SQL_OID_OID}, {"partstrat", SQL_OID_CHAR}, {"partnatts", SQL_OID_INT2},
    {"partdefid", SQL_OID_OID}};

static int no_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    (void)xc;
    (void)out;
    (void)err;
    return 0;
}

#define NCOLS(a) (int)(sizeof a / sizeof a[0])
static const sysrel_def_t defs[] = {
    {"pg_stat_progress_create_index", 12010, NCOLS(progress_ci_cols), progress_ci_cols,
     progress_ci_rows},
    {"pg_namespace", 2615, NCOLS(namespace_cols), namespace_cols, namespace_rows},
    {"pg_class", 1259, NCOLS(class_cols), class_cols, class_rows},
    {"pg_inherits", 2611, NCOLS(inherits_cols), inherits_cols, no_rows},
    {"pg_partitioned_table", 3350, NCOLS(partitioned_cols), partitioned_cols, no_rows},
};
#define NDEFS (sizeof defs / sizeof defs[0])

static int class_rows(sql_exec_ctx_t *xc, sysrows_t *out, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(xc->sess);
    sql_schema_entry_t *nsp;
    int nn;
    if (sql_schema_list(e, &nsp, &nn, err) != 0) return -1;
    sql_seq_def_t *seqs = NULL;
    int ns = 0;
    if (sql_sequence_list(e, NULL, &seqs, &ns, err) != 0) {
        free(nsp);
        return -1;
    }
    pthread_rwlock_rdlock(&e->cat_lock);
    for (int i = 0; i < e->ntables; i++) {
        const sql_table_t *t = e->tables[i];
        uint32_t so = schema_oid_of(nsp, nn, t->schema);
        bool view = t->view_sql != NULL;
        class_row(out, t->id, t->name, so, view ? 'v' : 'r', t->ncols,
                  !view && (t->npk > 0 || t->nunique > 0), t->nchecks);
        for (int u = 0; u < t->nunique; u++) {
            const sql_unique_t *x = &t->uniques[u];
            if (x->oid) class_row(out, x->oid, x->name, so, 'i', x->ncols, false, 0);
        }
    }
    pthread_rwlock_unlock(&e->cat_lock);
    for (int i = 0; i < ns; i++)
        class_row(out, (uint32_t)seqs[i].id, seqs[i].name, schema_oid_of(nsp, nn, seqs[i].schema),
                  'S', 3, false, 0);
    for (size_t i = 0; i < NDEFS; i++)
        class_row(out, defs[i].oid, defs[i].name, 11,
                  strncmp(defs[i].name, "pg_stat", 7) == 0 ? 'v' : 'r', defs[i].ncols, false, 0);
    free(seqs);
    free(nsp);
    return 0;
}
#define NDEFS (sizeof defs / sizeof defs[0])

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
        td->schema = strdup("pg_catalog");
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
    if (strcmp(schema, "pg_catalog") != 0) return NULL;
    pthread_once(&sys_once, sys_init);
    for (size_t i = 0; i < NDEFS; i++) {
        if (strcmp(defs[i].name, name) == 0) {
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
    sysrows_t rows = {.mcx = xc->mcx, .ncols = d->ncols};
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
