/* sql/sql_vacuum.c — VACUUM and ANALYZE. Orbit has little for them to do (RocksDB compacts
 * on its own; the planner keeps no statistics): they count each table's rows and record the
 * run for pg_stat_*_tables (sql_stats.c), after validating what PostgreSQL 15 validates: the
 * options (ExecVacuum: names, Boolean/integer values, the combinations it rejects), VACUUM
 * outside a transaction block (25001), each named relation (42P01/3F000), ANALYZE's column
 * lists (42703, 42701, and a column list needing ANALYZE), and the WARNING "skipping ..." for
 * views and sequences. Entry point: sql_exec_vacuum. See README.md. */
#include "sql_ddl_int.h"
#include "sql_stats.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PARALLEL_WORKER_LIMIT 1024

/* defGetBoolean: no argument is true; an integer 0 or 1; true/false/on/off. */
static int def_bool(PgQuery__DefElem *d, bool *out, orb_err_t *err) {
    PgQuery__Node *a = d->arg;
    if (!a) {
        *out = true;
        return 0;
    }
    if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN) {
        *out = a->boolean->boolval;
        return 0;
    }
    if (a->node_case == PG_QUERY__NODE__NODE_INTEGER &&
        (a->integer->ival == 0 || a->integer->ival == 1)) {
        *out = a->integer->ival == 1;
        return 0;
    }
    if (a->node_case == PG_QUERY__NODE__NODE_STRING) {
        const char *v = a->string->sval;
        if (strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0) {
            *out = false;
            return 0;
        }
    }
    orb_err_set(err, SYNTAX_ERROR, "%s requires a Boolean value", d->defname);
    return -1;
}

typedef struct vac_opts {
    bool verbose, skip_locked, analyze, freeze, full, disable_page_skipping;
    bool process_toast;
    int parallel; /* -1: not given */
} vac_opts_t;

/* ExecVacuum's option loop. */
static int parse_options(PgQuery__VacuumStmt *vs, vac_opts_t *o, orb_err_t *err) {
    memset(o, 0, sizeof *o);
    o->process_toast = true;
    o->parallel = -1;
    for (size_t i = 0; i < vs->n_options; i++) {
        PgQuery__DefElem *d = vs->options[i]->def_elem;
        if (!d) continue;
        const char *n = d->defname;
        int rc = 0;
        bool ignored;
        if (strcmp(n, "verbose") == 0) {
            rc = def_bool(d, &o->verbose, err);
        } else if (strcmp(n, "skip_locked") == 0) {
            rc = def_bool(d, &o->skip_locked, err);
        } else if (!vs->is_vacuumcmd) {
            orb_err_set(err, SYNTAX_ERROR, "unrecognized ANALYZE option \"%s\"", n);
            return sql_err_at(err, d->location);
        } else if (strcmp(n, "analyze") == 0) {
            rc = def_bool(d, &o->analyze, err);
        } else if (strcmp(n, "freeze") == 0) {
            rc = def_bool(d, &o->freeze, err);
        } else if (strcmp(n, "full") == 0) {
            rc = def_bool(d, &o->full, err);
        } else if (strcmp(n, "disable_page_skipping") == 0) {
            rc = def_bool(d, &o->disable_page_skipping, err);
        } else if (strcmp(n, "index_cleanup") == 0) {
            /* no value and 'auto' are the default; otherwise a Boolean */
            if (d->arg && !(d->arg->node_case == PG_QUERY__NODE__NODE_STRING &&
                            strcasecmp(d->arg->string->sval, "auto") == 0))
                rc = def_bool(d, &ignored, err);
        } else if (strcmp(n, "process_toast") == 0) {
            rc = def_bool(d, &o->process_toast, err);
        } else if (strcmp(n, "truncate") == 0) {
            rc = def_bool(d, &ignored, err);
        } else if (strcmp(n, "parallel") == 0) {
            if (!d->arg) {
                orb_err_set(err, SYNTAX_ERROR, "parallel option requires a value between 0 and %d",
                            MAX_PARALLEL_WORKER_LIMIT);
                return sql_err_at(err, d->location);
            }
            if (d->arg->node_case != PG_QUERY__NODE__NODE_INTEGER) {
                orb_err_set(err, SYNTAX_ERROR, "%s requires an integer value", n);
                return -1;
            }
            int w = d->arg->integer->ival;
            if (w < 0 || w > MAX_PARALLEL_WORKER_LIMIT) {
                orb_err_set(err, SYNTAX_ERROR, "parallel workers for vacuum must be between 0 and %d",
                            MAX_PARALLEL_WORKER_LIMIT);
                return sql_err_at(err, d->location);
            }
            o->parallel = w;
        } else {
            orb_err_set(err, SYNTAX_ERROR, "unrecognized VACUUM option \"%s\"", n);
            return sql_err_at(err, d->location);
        }
        if (rc != 0) return -1;
    }
    if (o->full && o->parallel > 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "VACUUM FULL cannot be performed in parallel");
    return 0;
}

/* The relation a VacuumRelation names: a new reference in *out, or NULL with *seq set when it
 * is a sequence. Errors as RangeVarGetRelid: 3F000 for a missing schema, 42P01 otherwise. */
static int resolve_rel(sql_session_t *s, PgQuery__RangeVar *rv, sql_table_t **out, bool *seq,
                       orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(s);
    const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
    *out = NULL;
    *seq = false;
    if (schema) {
        bool ok = true;
        if (sql_schema_exists(e, schema, &ok, err) != 0) return -1;
        if (!ok) return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", schema);
    }
    *out = sql_catalog_resolve_read(s, schema, rv->relname);
    if (*out) return 0;
    sql_seq_def_t sd;
    if (sql_sequence_lookup(e, schema, rv->relname, &sd, seq, err) != 0) return -1;
    if (*seq) return 0;
    if (schema)
        return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema, rv->relname);
    return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
}

/* ANALYZE's column list: every name a live column, none twice (do_analyze_rel). */
static int check_columns(const sql_table_t *t, PgQuery__VacuumRelation *vr, orb_err_t *err) {
    for (size_t i = 0; i < vr->n_va_cols; i++) {
        PgQuery__Node *c = vr->va_cols[i];
        if (!c || c->node_case != PG_QUERY__NODE__NODE_STRING) continue;
        const char *col = c->string->sval;
        if (sql_table_column(t, col) < 0)
            return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist",
                               col, t->name);
        for (size_t k = 0; k < i; k++) {
            PgQuery__Node *p = vr->va_cols[k];
            if (p && p->node_case == PG_QUERY__NODE__NODE_STRING && strcmp(p->string->sval, col) == 0)
                return orb_err_set(err, DUPLICATE_COLUMN,
                                   "column \"%s\" of relation \"%s\" appears more than once", col, t->name);
        }
    }
    return 0;
}

/* VACUUM / ANALYZE of table t: its rows counted (what PostgreSQL's n_live_tup becomes), the
 * time and count recorded (sql_stats.c). */
static int maintain(sql_session_t *s, const sql_table_t *t, bool vacuum, bool analyze, orb_err_t *err) {
    int64_t live;
    if (sql_check_interrupts(s, err) != 0) return -1;
    if (sql_stats_count_rows(sql_session_rt(s), t, &live, err) != 0) return -1;
    sql_stats_note_maintenance(sql_session_engine(s), t->id, vacuum, analyze, live);
    return 0;
}

int sql_exec_vacuum(sql_session_t *s, PgQuery__VacuumStmt *vs, bool in_txn_block, orb_err_t *err) {
    vac_opts_t o;
    if (parse_options(vs, &o, err) != 0) return -1;
    bool vacuum = vs->is_vacuumcmd;
    bool analyze = !vacuum || o.analyze;
    if (vacuum && o.full && o.disable_page_skipping)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "VACUUM option DISABLE_PAGE_SKIPPING cannot be used with FULL");
    if (vacuum && o.full && !o.process_toast)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "PROCESS_TOAST required with VACUUM FULL");
    if (!analyze) {
        for (size_t i = 0; i < vs->n_rels; i++) {
            PgQuery__VacuumRelation *vr = vs->rels[i]->vacuum_relation;
            if (vr && vr->n_va_cols > 0)
                return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                                   "ANALYZE option must be specified when a column list is provided");
        }
    }
    if (vacuum && in_txn_block)
        return orb_err_set(err, ACTIVE_SQL_TRANSACTION, "VACUUM cannot run inside a transaction block");
    /* every relation is resolved before any is processed (expand_vacuum_rel) */
    sql_table_t **tabs = calloc(vs->n_rels + 1, sizeof *tabs);
    if (!tabs) orb_panic("out of memory");
    int rc = 0;
    for (size_t i = 0; i < vs->n_rels && rc == 0; i++) {
        PgQuery__VacuumRelation *vr = vs->rels[i]->vacuum_relation;
        bool seq;
        if (vr && vr->relation) rc = resolve_rel(s, vr->relation, &tabs[i], &seq, err);
    }
    for (size_t i = 0; i < vs->n_rels && rc == 0; i++) {
        PgQuery__VacuumRelation *vr = vs->rels[i]->vacuum_relation;
        if (!vr || !vr->relation) continue;
        sql_table_t *t = tabs[i];
        if (t && !t->view_sql) {
            if (analyze) rc = check_columns(t, vr, err);
            continue;
        }
        /* vacuum_rel / analyze_rel skip what is not a table, with a WARNING each */
        const char *name = t ? t->name : vr->relation->relname;
        if (vacuum)
            sql_session_warning(s, ORB_SQLSTATE_WARNING,
                                "skipping \"%s\" --- cannot vacuum non-tables or special system tables",
                                name);
        if (analyze && !vacuum) /* vacuum() skips ANALYZE where vacuum_rel skipped */
            sql_session_warning(s, ORB_SQLSTATE_WARNING,
                                "skipping \"%s\" --- cannot analyze non-tables or special system tables",
                                name);
    }
    /* what they do here: recount the live rows and record the run (pg_stat_*_tables) */
    if (rc == 0 && vs->n_rels == 0) { /* every table of the database */
        sql_engine_t *e = sql_session_engine(s);
        pthread_rwlock_rdlock(&e->cat_lock);
        sql_table_t **all = calloc((size_t)e->ntables + 1, sizeof *all);
        if (!all) orb_panic("out of memory");
        for (int i = 0; i < e->ntables; i++) {
            all[i] = e->tables[i];
            atomic_fetch_add(&all[i]->refs, 1);
        }
        int n = e->ntables;
        pthread_rwlock_unlock(&e->cat_lock);
        for (int i = 0; i < n; i++) {
            if (rc == 0 && !all[i]->view_sql) rc = maintain(s, all[i], vacuum, analyze, err);
            sql_table_release(all[i]);
        }
        free(all);
    }
    for (size_t i = 0; i < vs->n_rels && rc == 0; i++)
        if (tabs[i] && !tabs[i]->view_sql && !tabs[i]->sys) rc = maintain(s, tabs[i], vacuum, analyze, err);
    for (size_t i = 0; i < vs->n_rels; i++)
        if (tabs[i]) sql_table_release(tabs[i]);
    free(tabs);
    return rc;
}
