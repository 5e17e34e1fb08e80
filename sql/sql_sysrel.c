/* sql/sql_sysrel.c — system relations: read-only pg_catalog relations whose rows Orbit
 * computes when they are scanned (declared once in the table below: name, columns, row
 * producer). They resolve like tables for SELECT and COPY ... TO (sql_catalog_resolve_read)
 * and never for DDL or DML, which therefore say the relation does not exist. A scan calls the
 * producer on the session's thread (sql_shard_scan dispatches here).
 * Today: pg_stat_progress_create_index, fed by the commands in progress registered here
 * (sql_progress_*). See README.md ("System relations"). */
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

static const sysrel_def_t defs[] = {
    {"pg_stat_progress_create_index", 12010, sizeof progress_ci_cols / sizeof progress_ci_cols[0],
     progress_ci_cols, progress_ci_rows},
};
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
