/* sql/sql_session.c — sessions: the transaction state machine (implicit transactions per
 * Query message or per Sync, explicit blocks, failed blocks), statement dispatch, SET/SHOW,
 * prepared statements and portals of the extended protocol, and result formatting through
 * the sink. Savepoints: a stack of names over act_txn_savepoint/rollback_to/release; a failed
 * block with savepoints keeps its transaction (rolled back to the newest savepoint) so that
 * ROLLBACK TO can resume it. Entry points: the sql_session_* functions of sql.h. See
 * README.md ("Sessions and transactions"). */
#include "sql_backend.h"
#include "sql_ddl_int.h"
#include "sql_acl.h"
#include "sql_role.h"
#include "sql_settings.h"
#include "sql_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct prepared {
    struct prepared *next;
    char *name;
    orb_mcx_t *mcx;            /* owns text, parse tree, analysis */
    char *text;
    PgQuery__Node *stmt;       /* NULL: empty query */
    int nparams;
    uint32_t *param_types;
    sql_query_t *query;        /* analysis as of Parse (for Describe) */
    int ncols;
    sql_column_t *cols;
} prepared_t;

typedef struct portal {
    struct portal *next;
    char *name;
    orb_mcx_t *mcx;
    prepared_t *stmt;          /* borrowed: closing a statement closes its portals */
    sql_value_t *params;
    int nformats;
    int16_t *formats;
    bool done;                 /* executed to completion */
    bool ran;
    sql_result_t res;
    int64_t pos;
    sql_query_t *query;
} portal_t;

struct sql_session {
    sql_engine_t *engine;
    int32_t pid;
    bool ssl_listed;           /* has a pg_stat_ssl row (sql_stat_ssl.c) */
    sql_backend_t *backend;    /* its entry in the backend registry (sql_backend.c) */
    orb_mcx_t *mcx;
    char *user;                /* session_user: the authenticated role */
    char role[64];             /* current_user after SET ROLE; "" when none */
    char *database;
    sql_settings_t settings;
    const sql_sink_t *sink;    /* the sink of the call in progress, for notices */
    /* transaction state */
    uint64_t txn_id;           /* 0: none open */
    bool in_block;             /* BEGIN seen */
    bool failed;               /* an error inside a block: only ROLLBACK works */
    bool implicit_failed;      /* an error in an implicit transaction (extended protocol) */
    bool multi_stmt;           /* the simple Query being run has several statements */
    act_isolation_t block_iso;
    int64_t txn_start_us;
    bool txn_queried;          /* a statement ran in the block (SET TRANSACTION too late) */
    /* SQL savepoints of the block, oldest first; each is one live storage savepoint.
     * Invariant: nsp > 0 implies txn_id != 0. Names are malloc'd. */
    char **sp_names;
    int nsp, capsp;
    /* sequence values seen by this session (currval, lastval), malloc'd */
    struct seq_seen {
        uint64_t id;
        int64_t v;
    } *seqs;
    int nseqs, capseqs;
    bool has_last;
    uint64_t last_seq;
    prepared_t *stmts;
    portal_t *portals;
    sql_stats_xact_t stx;      /* writes of the open transaction, counted when it ends */
    /* a statement ran since the last transaction was counted (xact_commit/xact_rollback):
     * PostgreSQL counts a transaction also for statements Orbit runs without one (DDL, SET) */
    bool xact_open;
    /* ParameterStatus reported at startup */
    const char *rep_names[24];
    const char *rep_values[24];
};

/* ---- engine -------------------------------------------------------------------------------- */

static sql_engine_t *engine_new(act_runtime_t *rt, const sql_config_t *cfg, sql_engine_t *root,
                                const char *db, uint32_t oid, uint32_t cat_id) {
    sql_engine_t *e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory");
    e->rt = rt;
    e->cfg = *cfg;
    if (!e->cfg.default_shards) e->cfg.default_shards = 4;
    pthread_rwlock_init(&e->cat_lock, NULL);
    pthread_mutex_init(&e->dbs_mu, NULL);
    e->start_us = root ? root->start_us : sql_now_us();
    atomic_init(&e->next_backend, 1);
    atomic_init(&e->nsessions, 0);
    e->root = root ? root : e;
    e->db_name = strdup(db);
    if (!e->db_name) orb_panic("out of memory");
    e->db_oid = oid;
    e->cat_id = cat_id;
    e->stats = sql_stats_create();
    if (root)
        e->backends = root->backends; /* the backend registry is node-wide: the root's */
    else
        sql__backends_create(e);
    return e;
}

int sql_engine_create(act_runtime_t *rt, const sql_config_t *cfg, sql_engine_t **out,
                      orb_err_t *err) {
    sql_engine_t *e = engine_new(rt, cfg, NULL, "postgres", 5 /* postgres's oid */, 0);
    /* roles are node-wide: their records and cache live with the root (postgres) engine */
    if (sql_catalog_load(e, err) != 0 || sql_role_load(e, err) != 0) {
        sql_engine_destroy(e);
        return -1;
    }
    *out = e;
    return 0;
}

int sql_engine_create_db(sql_engine_t *root, const char *name, uint32_t oid, uint32_t cat_id,
                         sql_engine_t **out, orb_err_t *err) {
    sql_engine_t *e = engine_new(root->rt, &root->cfg, root, name, oid, cat_id);
    if (sql_catalog_load(e, err) != 0) {
        sql_engine_destroy(e);
        return -1;
    }
    *out = e;
    return 0;
}

void sql_engine_destroy(sql_engine_t *e) {
    if (!e) return;
    if (e->root == e)
        for (int i = 0; i < e->ndbs; i++) sql_engine_destroy(e->dbs[i]);
    free(e->dbs);
    for (int i = 0; i < e->ntables; i++) sql_table_release(e->tables[i]);
    free(e->tables);
    free(e->db_name);
    if (e->root == e) sql__backends_destroy(e);
    if (e->root == e) sql_role_unload(e);
    sql_stats_destroy(e->stats);
    pthread_rwlock_destroy(&e->cat_lock);
    pthread_mutex_destroy(&e->dbs_mu);
    free(e);
}

/* ---- accessors ------------------------------------------------------------------------------ */

sql_engine_t *sql_session_engine(sql_session_t *s) { return s->engine; }
sql_stats_xact_t *sql_session_stats_xact(sql_session_t *s) { return &s->stx; }
act_runtime_t *sql_session_rt(sql_session_t *s) { return s->engine->rt; }
const char *sql_session_setting(sql_session_t *s, const char *name) {
    int i = sql_settings_find(name);
    return i < 0 ? "" : sql_settings_get(&s->settings, i);
}

const char *sql_session_user(sql_session_t *s) { return s->role[0] ? s->role : s->user; }
const char *sql_session_session_user(sql_session_t *s) { return s->user; }
int32_t sql_session_pid(sql_session_t *s) { return s->pid; }
void sql_session_set_backend_key(sql_session_t *s, int32_t pid, int32_t secret) {
    s->pid = pid;
    sql__backend_set_key(s->backend, pid, secret);
}
void sql_session_set_client(sql_session_t *s, const char *addr, int port) {
    sql__backend_set_client(s->backend, addr, port);
}
void sql_session_set_wake(sql_session_t *s, void (*wake)(void *arg), void *arg) {
    sql__backend_set_wake(s->backend, wake, arg);
}
bool sql_session_terminating(const sql_session_t *s) { return sql__backend_terminating(s->backend); }
void sql_session_terminate_error(const sql_session_t *s, orb_err_t *err) {
    sql__backend_terminate_error(s ? s->backend : NULL, err);
}
bool sql_engine_cancel(sql_engine_t *e, int32_t pid, int32_t secret) {
    return sql__backend_signal(e, pid, true, secret, SQL_INTERRUPT_CANCEL);
}
int sql_check_interrupts(sql_session_t *s, orb_err_t *err) {
    return s ? sql__backend_check(s->backend, err) : 0;
}
struct sql_backend *sql_session_backend(sql_session_t *s) { return s->backend; }
void sql_session_set_ssl(sql_session_t *s, const sql_ssl_info_t *info) {
    if (s->ssl_listed) return;
    sql_stat_ssl_add(s->pid, info);
    s->ssl_listed = true;
}
bool sql_session_is_superuser(sql_session_t *s) {
    return strcmp(sql_settings_get(&s->settings, sql_settings_find("is_superuser")), "on") == 0;
}
const char *sql_session_database(sql_session_t *s) { return s->database; }
uint32_t sql_session_database_oid(sql_session_t *s) { return s->engine->db_oid; }
/* search_path, for name resolution (sql_catalog.c; declared in sql_ddl_int.h) */
const char *sql_session_search_path(sql_session_t *s) {
    return sql_settings_get(&s->settings, sql_settings_find("search_path"));
}
int64_t sql_session_txn_start(sql_session_t *s) { return s->txn_start_us ? s->txn_start_us : sql_now_us(); }

char sql_session_txn_status(const sql_session_t *s) {
    if (s->in_block) return s->failed ? 'E' : 'T';
    return 'I';
}

static void vnotice(sql_session_t *s, orb_sqlstate_t code, int severity, const char *fmt,
                    va_list ap) {
    if (!s->sink) return;
    orb_err_t n;
    orb_err_clear(&n);
    n.code = code;
    n.severity = severity;
    vsnprintf(n.message, sizeof n.message, fmt, ap);
    s->sink->notice(s->sink->arg, &n);
}

void sql_session_notice(sql_session_t *s, orb_sqlstate_t code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vnotice(s, code, ORB_SEV_NOTICE, fmt, ap);
    va_end(ap);
}

void sql_session_warning(sql_session_t *s, orb_sqlstate_t code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vnotice(s, code, ORB_SEV_WARNING, fmt, ap);
    va_end(ap);
}

void sql_session_notice_detail(sql_session_t *s, orb_sqlstate_t code, const char *detail,
                               const char *fmt, ...) {
    if (!s->sink) return;
    orb_err_t n;
    orb_err_clear(&n);
    n.code = code;
    n.severity = ORB_SEV_NOTICE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n.message, sizeof n.message, fmt, ap);
    va_end(ap);
    if (detail) snprintf(n.detail, sizeof n.detail, "%s", detail);
    s->sink->notice(s->sink->arg, &n);
}

/* ---- sequence values seen by the session (currval, lastval) -------------------------------- */

void sql_session_seq_note(sql_session_t *s, uint64_t seq_id, int64_t v, bool as_last) {
    if (as_last) {
        s->has_last = true;
        s->last_seq = seq_id;
    }
    for (int i = 0; i < s->nseqs; i++) {
        if (s->seqs[i].id == seq_id) {
            s->seqs[i].v = v;
            return;
        }
    }
    if (s->nseqs == s->capseqs) {
        s->capseqs = s->capseqs ? s->capseqs * 2 : 8;
        s->seqs = realloc(s->seqs, sizeof *s->seqs * (size_t)s->capseqs);
        if (!s->seqs) orb_panic("out of memory");
    }
    s->seqs[s->nseqs].id = seq_id;
    s->seqs[s->nseqs].v = v;
    s->nseqs++;
}

bool sql_session_seq_currval(sql_session_t *s, uint64_t seq_id, int64_t *v) {
    for (int i = 0; i < s->nseqs; i++) {
        if (s->seqs[i].id == seq_id) {
            *v = s->seqs[i].v;
            return true;
        }
    }
    return false;
}

bool sql_session_seq_lastval(sql_session_t *s, uint64_t *seq_id, int64_t *v) {
    if (!s->has_last) return false;
    *seq_id = s->last_seq;
    return sql_session_seq_currval(s, s->last_seq, v);
}

static void session_warning(sql_session_t *s, orb_sqlstate_t code, const char *msg) {
    if (!s->sink) return;
    orb_err_t n;
    orb_err_clear(&n);
    n.code = code;
    n.severity = ORB_SEV_WARNING;
    snprintf(n.message, sizeof n.message, "%s", msg);
    s->sink->notice(s->sink->arg, &n);
}

/* ---- sessions ------------------------------------------------------------------------------- */

/* is_superuser is read-only for SET; the session writes it when its role changes */
static void set_superuser(sql_session_t *s, bool on) {
    snprintf(s->settings.values[sql_settings_find("is_superuser")], SQL_SETTING_MAX, "%s", on ? "on" : "off");
}

sql_session_t *sql_session_create(sql_engine_t *root, const char *user, const char *database,
                                  const char *application_name, orb_err_t *err) {
    sql_engine_t *e;
    if (!database || !*database) database = user && *user ? user : "postgres";
    sql_role_t r;
    bool super = sql_role_by_name(root, user && *user ? user : "postgres", &r) && r.super;
    if (sql_database_open(root, database, super, &e, err) != 0) return NULL;
    sql_session_t *s = calloc(1, sizeof *s);
    if (!s) orb_panic("out of memory");
    s->engine = e;
    s->mcx = orb_mcx_create(NULL, "session");
    s->user = orb_strdup(s->mcx, user && *user ? user : "postgres");
    s->database = orb_strdup(s->mcx, database && *database ? database : s->user);
    sql_settings_init(&s->settings, s->user, e->cfg.default_shards);
    if (e->cfg.ssl) /* read-only, server-wide: set here rather than through SET */
        snprintf(s->settings.values[sql_settings_find("ssl")], SQL_SETTING_MAX, "on");
    if (e->cfg.max_connections > 0) { /* orbitd's flags (wire/ enforces them) */
        snprintf(s->settings.values[sql_settings_find("max_connections")], SQL_SETTING_MAX, "%d",
                 e->cfg.max_connections);
        snprintf(s->settings.values[sql_settings_find("superuser_reserved_connections")],
                 SQL_SETTING_MAX, "%d", e->cfg.reserved_connections);
    }
    if (sql_role_by_name(e, s->user, &r)) set_superuser(s, r.super);
    s->backend = sql__backend_register(e, s->user, s->database);
    sql_stats_note_session(e);
    if (application_name) {
        bool rep;
        int idx;
        orb_err_t e2;
        sql_settings_set(&s->settings, "application_name", application_name, &rep, &idx, &e2);
    }
    sql__backend_set_appname(s->backend,
                             sql_settings_get(&s->settings, sql_settings_find("application_name")));
    return s;
}

static void savepoints_clear(sql_session_t *s, int keep) {
    while (s->nsp > keep) free(s->sp_names[--s->nsp]);
    sql_stats_xact_release(&s->stx, keep);
}

/* The transaction PostgreSQL would have ended: counted once (sql_stats.c). */
static void xact_count(sql_session_t *s, bool commit) {
    sql_stats_xact_end(s->engine, &s->stx, commit);
    s->xact_open = false;
}

/* A statement starts: a transaction in PostgreSQL's sense, unless it is BEGIN, COMMIT, ... */
static void xact_note(sql_session_t *s, const PgQuery__Node *stmt) {
    /* in a failed block the transaction was counted when it failed */
    if (stmt && !s->failed && stmt->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT)
        s->xact_open = true;
}

static void txn_abort(sql_session_t *s) {
    if (s->txn_id) act_txn_rollback(s->engine->rt, s->txn_id);
    if (s->txn_id || s->xact_open) xact_count(s, false);
    s->txn_id = 0;
    s->txn_start_us = 0;
    s->txn_queried = false;
    savepoints_clear(s, 0);
    sql__backend_xact(s->backend, 0, 0);
}

static void portal_free(portal_t *p) {
    orb_mcx_destroy(p->mcx);
    free(p);
}

static void prepared_free(prepared_t *p) {
    orb_mcx_destroy(p->mcx);
    free(p);
}

void sql_session_destroy(sql_session_t *s) {
    if (!s) return;
    if (s->ssl_listed) sql_stat_ssl_remove(s->pid);
    txn_abort(s);
    while (s->portals) {
        portal_t *p = s->portals;
        s->portals = p->next;
        portal_free(p);
    }
    while (s->stmts) {
        prepared_t *p = s->stmts;
        s->stmts = p->next;
        prepared_free(p);
    }
    free(s->sp_names);
    free(s->seqs);
    sql_stats_xact_free(&s->stx);
    sql__backend_unregister(s->backend);
    sql_database_close(s->engine);
    orb_mcx_destroy(s->mcx);
    free(s);
}

int sql_session_reported_settings(sql_session_t *s, const char *const **names,
                                  const char *const **values) {
    int n = 0, nd;
    const sql_setting_def_t *defs = sql_settings_defs(&nd);
    for (int i = 0; i < nd && n < 24; i++) {
        if (!defs[i].reported) continue;
        s->rep_names[n] = defs[i].name;
        s->rep_values[n] = sql_settings_get(&s->settings, i);
        n++;
    }
    *names = s->rep_names;
    *values = s->rep_values;
    return n;
}

/* The startup packet's "options" (PGOPTIONS): command-line switches "-c name=value" (also
 * "-cname=value") and "--name=value", separated by spaces, a backslash escaping the next
 * character, as PostgreSQL's pg_split_opts. Other switches are ignored. */
static int startup_options(sql_session_t *s, const char *opts, orb_err_t *err) {
    char tok[2 * SQL_SETTING_MAX];
    bool want_c = false;
    const char *p = opts;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        size_t n = 0;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '\\' && p[1]) p++;
            if (n + 1 < sizeof tok) tok[n++] = *p;
            p++;
        }
        tok[n] = 0;
        const char *kv = NULL;
        if (want_c) {
            kv = tok;
            want_c = false;
        } else if (strcmp(tok, "-c") == 0) {
            want_c = true;
        } else if (strncmp(tok, "-c", 2) == 0) {
            kv = tok + 2;
        } else if (strncmp(tok, "--", 2) == 0) {
            kv = tok + 2;
        }
        if (!kv) continue;
        char *eq = strchr(kv, '=');
        if (!eq)
            return orb_err_set(err, SYNTAX_ERROR, "-c %s requires a value", kv);
        *eq = 0;
        for (char *q = (char *)kv; *q; q++)
            if (*q == '-') *q = '_'; /* as ParseLongOption */
        bool rep;
        int idx;
        if (sql_settings_set(&s->settings, kv, eq + 1, &rep, &idx, err) != 0) return -1;
    }
    return 0;
}

int sql_session_set_startup_option(sql_session_t *s, const char *name, const char *value,
                                   orb_err_t *err) {
    if (strcmp(name, "replication") == 0) return 0;
    int rc;
    if (strcmp(name, "options") == 0) {
        rc = startup_options(s, value, err);
    } else {
        bool rep;
        int idx;
        rc = sql_settings_set(&s->settings, name, value, &rep, &idx, err);
    }
    sql__backend_set_appname(s->backend,
                             sql_settings_get(&s->settings, sql_settings_find("application_name")));
    return rc;
}

/* ---- transactions ------------------------------------------------------------------------ */

static act_isolation_t iso_of(sql_session_t *s) {
    int i = sql_settings_find("transaction_isolation");
    const char *v = sql_settings_get(&s->settings, i);
    return strcmp(v, "read committed") == 0 ? ACT_READ_COMMITTED : ACT_REPEATABLE_READ;
}

static int txn_ensure(sql_session_t *s, orb_err_t *err) {
    if (s->txn_id) return 0;
    if (act_txn_begin(s->engine->rt, s->in_block ? s->block_iso : iso_of(s), &s->txn_id, err) != 0)
        return -1;
    s->txn_start_us = sql_now_us();
    sql__backend_xact(s->backend, s->txn_id, s->txn_start_us);
    return 0;
}

static int txn_commit(sql_session_t *s, orb_err_t *err) {
    if (!s->txn_id) {
        if (s->xact_open) xact_count(s, true);
        return 0;
    }
    uint64_t id = s->txn_id;
    s->txn_id = 0;
    s->txn_start_us = 0;
    s->txn_queried = false;
    savepoints_clear(s, 0);
    sql__backend_xact(s->backend, 0, 0);
    int rc = act_txn_commit(s->engine->rt, id, err);
    xact_count(s, rc == 0);
    return rc;
}

static void reset_txn_settings(sql_session_t *s) {
    bool rep;
    int idx;
    orb_err_t e;
    const char *def = sql_settings_get(&s->settings, sql_settings_find("default_transaction_isolation"));
    sql_settings_set(&s->settings, "transaction_isolation", def, &rep, &idx, &e);
}

/* An error ends an implicit transaction now; inside a block the block becomes failed.
 * Without savepoints the transaction is rolled back at once (its locks go now, as in
 * PostgreSQL). With savepoints it stays open, rolled back to the newest savepoint (which
 * releases the locks taken since), so that ROLLBACK TO can resume it. */
static void on_error(sql_session_t *s) {
    if (s->in_block) {
        s->failed = true;
        if (s->nsp > 0 && s->txn_id) {
            orb_err_t e2;
            if (act_txn_rollback_to(s->engine->rt, s->txn_id, &e2) == 0) {
                sql_stats_xact_rollback_to(&s->stx);
                return;
            }
            orb_log(ORB_LOG_WARN, "sql", "could not roll back to savepoint after an error: %s",
                    e2.message);
        }
        txn_abort(s);
    } else {
        txn_abort(s);
        s->implicit_failed = true;
    }
}

/* ---- utility statements --------------------------------------------------------------------- */

static void result_set_tag(sql_result_t *res, const char *tag) {
    snprintf(res->tag, sizeof res->tag, "%s", tag);
}

static int find_savepoint(sql_session_t *s, const char *name) {
    for (int i = s->nsp - 1; i >= 0; i--)
        if (strcmp(s->sp_names[i], name) == 0) return i;
    return -1;
}

/* Releases the storage savepoints above position keep (newest first) and forgets their names. */
static int savepoints_release_above(sql_session_t *s, int keep, orb_err_t *err) {
    while (s->nsp > keep) {
        if (act_txn_release(s->engine->rt, s->txn_id, err) != 0) return -1;
        free(s->sp_names[--s->nsp]);
        sql_stats_xact_release(&s->stx, s->nsp);
    }
    return 0;
}

/* SAVEPOINT / RELEASE / ROLLBACK TO inside a block (PostgreSQL semantics: the newest savepoint
 * of a name wins; ROLLBACK TO keeps the savepoint and un-fails a failed block; RELEASE removes
 * it and all newer ones). */
static int exec_savepoint(sql_session_t *s, PgQuery__TransactionStmt *ts, sql_result_t *res,
                          orb_err_t *err) {
    const char *name = ts->savepoint_name ? ts->savepoint_name : "";
    if (ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT) {
        result_set_tag(res, "SAVEPOINT");
        if (txn_ensure(s, err) != 0) return -1;
        if (act_txn_savepoint(s->engine->rt, s->txn_id, err) != 0) return -1;
        if (s->nsp == s->capsp) {
            s->capsp = s->capsp ? s->capsp * 2 : 8;
            s->sp_names = realloc(s->sp_names, sizeof *s->sp_names * (size_t)s->capsp);
            if (!s->sp_names) orb_panic("out of memory");
        }
        s->sp_names[s->nsp] = strdup(name);
        if (!s->sp_names[s->nsp]) orb_panic("out of memory");
        s->nsp++;
        sql_stats_xact_savepoint(&s->stx);
        return 0;
    }
    int i = find_savepoint(s, name);
    if (i < 0 || !s->txn_id)
        return orb_err_set(err, INVALID_SAVEPOINT_SPECIFICATION, "savepoint \"%s\" does not exist", name);
    if (ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE) {
        result_set_tag(res, "RELEASE");
        return savepoints_release_above(s, i, err);
    }
    result_set_tag(res, "ROLLBACK");
    if (savepoints_release_above(s, i + 1, err) != 0) return -1;
    if (act_txn_rollback_to(s->engine->rt, s->txn_id, err) != 0) return -1;
    sql_stats_xact_rollback_to(&s->stx);
    s->failed = false;
    return 0;
}

static int exec_transaction(sql_session_t *s, PgQuery__TransactionStmt *ts, sql_result_t *res,
                            orb_err_t *err) {
    switch (ts->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: {
        result_set_tag(res, ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START ? "START TRANSACTION" : "BEGIN");
        if (s->in_block) {
            session_warning(s, ORB_SQLSTATE_ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress");
            return 0;
        }
        s->in_block = true;
        s->failed = false;
        s->block_iso = iso_of(s);
        for (size_t i = 0; i < ts->n_options; i++) {
            PgQuery__DefElem *d = ts->options[i]->def_elem;
            if (strcmp(d->defname, "transaction_isolation") == 0 && d->arg &&
                d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                d->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
                const char *v = d->arg->a_const->sval->sval;
                s->block_iso = (strcmp(v, "repeatable read") == 0 || strcmp(v, "serializable") == 0)
                                   ? ACT_REPEATABLE_READ
                                   : ACT_READ_COMMITTED;
                bool rep;
                int idx;
                sql_settings_set(&s->settings, "transaction_isolation", v, &rep, &idx, err);
            }
        }
        return 0;
    }
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        if (!s->in_block) {
            session_warning(s, ORB_SQLSTATE_NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
            result_set_tag(res, "COMMIT");
            return txn_commit(s, err);
        }
        s->in_block = false;
        reset_txn_settings(s);
        if (s->failed) {
            s->failed = false;
            txn_abort(s);
            result_set_tag(res, "ROLLBACK");
            return 0;
        }
        result_set_tag(res, "COMMIT");
        return txn_commit(s, err);
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        result_set_tag(res, "ROLLBACK");
        if (!s->in_block) {
            session_warning(s, ORB_SQLSTATE_NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress");
            txn_abort(s);
            return 0;
        }
        s->in_block = false;
        s->failed = false;
        reset_txn_settings(s);
        txn_abort(s);
        return 0;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: {
        const char *what = ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT ? "SAVEPOINT"
                           : ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE
                               ? "RELEASE SAVEPOINT"
                               : "ROLLBACK TO SAVEPOINT";
        if (!s->in_block)
            return orb_err_set(err, NO_ACTIVE_SQL_TRANSACTION, "%s can only be used in transaction blocks", what);
        return exec_savepoint(s, ts, res, err);
    }
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "two-phase commit statements are not supported yet");
    }
}

/* The text of a SET argument list, as PostgreSQL flattens it ("ISO, MDY"). */
static int set_args_text(PgQuery__Node **args, size_t n, orb_mcx_t *mcx, char **out, orb_err_t *err) {
    orb_buf_t b;
    orb_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        PgQuery__Node *a = args[i];
        if (i) orb_buf_puts(&b, ", ");
        if (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) a = a->type_cast->arg;
        if (a->node_case != PG_QUERY__NODE__NODE_A_CONST) {
            orb_buf_free(&b);
            return orb_err_set(err, SYNTAX_ERROR, "SET requires a constant value");
        }
        PgQuery__AConst *c = a->a_const;
        switch (c->val_case) {
        case PG_QUERY__A__CONST__VAL_IVAL: orb_buf_printf(&b, "%d", c->ival->ival); break;
        case PG_QUERY__A__CONST__VAL_FVAL: orb_buf_puts(&b, c->fval->fval); break;
        case PG_QUERY__A__CONST__VAL_SVAL: orb_buf_puts(&b, c->sval->sval); break;
        case PG_QUERY__A__CONST__VAL_BOOLVAL: orb_buf_puts(&b, c->boolval->boolval ? "on" : "off"); break;
        default: break;
        }
    }
    *out = orb_strndup(mcx, b.data ? b.data : "", b.len);
    orb_buf_free(&b);
    return 0;
}

static void report_setting(sql_session_t *s, int idx) {
    int nd;
    const sql_setting_def_t *defs = sql_settings_defs(&nd);
    if (idx >= 0 && s->sink) s->sink->parameter_status(s->sink->arg, defs[idx].name, sql_settings_get(&s->settings, idx));
}

int sql_session_set_config(sql_session_t *s, const char *name, const char *value, orb_err_t *err) {
    bool rep = false;
    int idx = -1;
    if (strcasecmp(name, "timezone") == 0) name = "TimeZone";
    if (sql_settings_set(&s->settings, name, value, &rep, &idx, err) != 0) return -1;
    if (rep) report_setting(s, idx);
    return 0;
}

int sql_session_reset_config(sql_session_t *s, const char *name, orb_err_t *err) {
    bool rep = false;
    int idx = -1;
    if (strcasecmp(name, "timezone") == 0) name = "TimeZone";
    if (sql_settings_reset(&s->settings, name, &rep, &idx, err) != 0) return -1;
    if (rep) report_setting(s, idx);
    return 0;
}

/* SET ROLE name | NONE, RESET ROLE: current_user and is_superuser follow the role. */
static int exec_set_role(sql_session_t *s, PgQuery__VariableSetStmt *vs, orb_mcx_t *mcx,
                         sql_result_t *res, orb_err_t *err) {
    char *v = NULL;
    bool rep;
    int idx;
    if (vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
        if (set_args_text(vs->args, vs->n_args, mcx, &v, err) != 0) return -1;
    } else if (vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT ||
               vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
        v = "none";
    } else {
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SET ROLE FROM CURRENT is not supported");
    }
    sql_role_t r;
    if (strcmp(v, "none") == 0) {
        if (!sql_role_by_name(s->engine, s->user, &r)) r.super = true;
        s->role[0] = 0;
    } else {
        if (sql_role_check_set(s, v, &r, err) != 0) return -1;
        snprintf(s->role, sizeof s->role, "%s", v);
    }
    sql_settings_set(&s->settings, "role", v, &rep, &idx, err);
    set_superuser(s, r.super);
    report_setting(s, sql_settings_find("is_superuser"));
    result_set_tag(res, vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ? "RESET" : "SET");
    return 0;
}

static int exec_set(sql_session_t *s, PgQuery__VariableSetStmt *vs, orb_mcx_t *mcx,
                    sql_result_t *res, orb_err_t *err) {
    bool rep = false;
    int idx = -1;
    const char *name = vs->name ? vs->name : "";
    if (strcmp(name, "timezone") == 0) name = "TimeZone";
    if (strcasecmp(name, "role") == 0) return exec_set_role(s, vs, mcx, res, err);
    if (strcasecmp(name, "session_authorization") == 0 && vs->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SET SESSION AUTHORIZATION is not supported yet");
    switch (vs->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
        char *v = NULL;
        if (set_args_text(vs->args, vs->n_args, mcx, &v, err) != 0) return -1;
        if (sql_settings_set(&s->settings, name, v, &rep, &idx, err) != 0) return -1;
        result_set_tag(res, "SET");
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
        if (sql_settings_reset(&s->settings, name, &rep, &idx, err) != 0) return -1;
        result_set_tag(res, vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ? "RESET" : "SET");
        break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL: {
        int nd;
        const sql_setting_def_t *defs = sql_settings_defs(&nd);
        for (int i = 0; i < nd; i++) {
            if (defs[i].read_only || sql_settings_postmaster(defs[i].name) ||
                strcmp(defs[i].name, "session_authorization") == 0)
                continue;
            const char *before = orb_strdup(mcx, sql_settings_get(&s->settings, i));
            sql_settings_reset(&s->settings, defs[i].name, &rep, &idx, err);
            if (rep && strcmp(before, sql_settings_get(&s->settings, i)) != 0) report_setting(s, i);
        }
        if (s->role[0]) { /* RESET ALL includes the role */
            sql_role_t r;
            if (!sql_role_by_name(s->engine, s->user, &r)) r.super = true;
            s->role[0] = 0;
            set_superuser(s, r.super);
            report_setting(s, sql_settings_find("is_superuser"));
        }
        result_set_tag(res, "RESET");
        return 0;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI:
        /* SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ... */
        for (size_t i = 0; i < vs->n_args; i++) {
            PgQuery__DefElem *d = vs->args[i]->def_elem;
            if (strcmp(d->defname, "transaction_isolation") == 0 && d->arg &&
                d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST) {
                const char *v = d->arg->a_const->sval->sval;
                const char *target = strcmp(name, "TRANSACTION") == 0 ? "transaction_isolation"
                                                                       : "default_transaction_isolation";
                if (sql_settings_set(&s->settings, target, v, &rep, &idx, err) != 0) return -1;
                if (strcmp(target, "transaction_isolation") == 0 && s->in_block) {
                    if (s->nsp > 0 && !s->txn_queried)
                        return orb_err_set(err, ACTIVE_SQL_TRANSACTION,
                                           "SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction");
                    if (s->txn_queried)
                        return orb_err_set(err, ACTIVE_SQL_TRANSACTION,
                                           "SET TRANSACTION ISOLATION LEVEL must be called before any query");
                    s->block_iso = (strcmp(v, "read committed") == 0 || strcmp(v, "read uncommitted") == 0)
                                       ? ACT_READ_COMMITTED
                                       : ACT_REPEATABLE_READ;
                }
            }
        }
        result_set_tag(res, "SET");
        return 0;
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "SET FROM CURRENT is not supported");
    }
    if (rep) report_setting(s, idx);
    return 0;
}

static sql_value_t *text_row(orb_mcx_t *mcx, int n, const char **vals) {
    sql_value_t *r = orb_alloc0(mcx, sizeof *r * (size_t)n);
    for (int i = 0; i < n; i++) {
        r[i].v.s.p = orb_strdup(mcx, vals[i]);
        r[i].v.s.n = (uint32_t)strlen(vals[i]);
    }
    return r;
}

static void text_columns(sql_result_t *res, orb_mcx_t *mcx, int n, const char **names) {
    res->ncols = n;
    res->cols = orb_alloc0(mcx, sizeof(sql_column_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        res->cols[i].name = orb_strdup(mcx, names[i]);
        res->cols[i].type_oid = SQL_OID_TEXT;
        res->cols[i].typlen = -1;
        res->cols[i].typmod = -1;
    }
}

static void result_push(sql_result_t *res, orb_mcx_t *mcx, sql_value_t *row) {
    if (res->nrows == res->cap) {
        int64_t nc = res->cap ? res->cap * 2 : 64;
        res->rows = orb_realloc(mcx, res->rows, sizeof(sql_value_t *) * (size_t)res->cap, sizeof(sql_value_t *) * (size_t)nc);
        res->cap = nc;
    }
    res->rows[res->nrows++] = row;
}

static int exec_show(sql_session_t *s, PgQuery__VariableShowStmt *vs, orb_mcx_t *mcx,
                     sql_result_t *res, orb_err_t *err) {
    const char *name = vs->name;
    if (strcmp(name, "timezone") == 0) name = "TimeZone";
    result_set_tag(res, "SHOW");
    if (strcasecmp(name, "all") == 0) {
        const char *names[3] = {"name", "setting", "description"};
        text_columns(res, mcx, 3, names);
        int nd;
        const sql_setting_def_t *defs = sql_settings_defs(&nd);
        for (int i = 0; i < nd; i++) {
            const char *v[3] = {defs[i].name, sql_settings_get(&s->settings, i), defs[i].description};
            result_push(res, mcx, text_row(mcx, 3, v));
        }
        return 0;
    }
    if (strcasecmp(name, "transaction_isolation") == 0 || strcasecmp(name, "transaction isolation level") == 0) {
        const char *names[1] = {"transaction_isolation"};
        text_columns(res, mcx, 1, names);
        const char *v[1] = {s->in_block ? (s->block_iso == ACT_READ_COMMITTED ? "read committed" : sql_settings_get(&s->settings, sql_settings_find("transaction_isolation"))) : sql_settings_get(&s->settings, sql_settings_find("transaction_isolation"))};
        result_push(res, mcx, text_row(mcx, 1, v));
        return 0;
    }
    /* runtime counters of the actor layer (virtual actors are activated on demand) */
    if (strncasecmp(name, "orbit.actor_", 12) == 0 || strcasecmp(name, "orbit.active_actors") == 0) {
        act_stats_t st;
        act_runtime_stats(s->engine->rt, &st);
        uint64_t v = strcasecmp(name, "orbit.actor_activations") == 0     ? st.activations
                     : strcasecmp(name, "orbit.actor_deactivations") == 0 ? st.deactivations
                     : strcasecmp(name, "orbit.actor_messages") == 0      ? st.messages
                     : strcasecmp(name, "orbit.active_actors") == 0       ? st.active
                     : strcasecmp(name, "orbit.actor_rows_read") == 0     ? st.rows_read
                                                                          : UINT64_MAX;
        if (v != UINT64_MAX) {
            const char *names[1] = {name};
            text_columns(res, mcx, 1, names);
            const char *vals[1] = {orb_sprintf(mcx, "%llu", (unsigned long long)v)};
            result_push(res, mcx, text_row(mcx, 1, vals));
            return 0;
        }
    }
    int i = sql_settings_find(name);
    const char *val;
    if (i < 0) {
        val = sql_settings_custom(&s->settings, name);
        if (!val) return orb_err_set(err, UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
    } else {
        int nd;
        const sql_setting_def_t *defs = sql_settings_defs(&nd);
        name = defs[i].name;
        val = sql_settings_get(&s->settings, i);
    }
    const char *names[1] = {name};
    text_columns(res, mcx, 1, names);
    const char *v[1] = {val};
    result_push(res, mcx, text_row(mcx, 1, v));
    return 0;
}

/* ---- statement execution ----------------------------------------------------------------- */

static bool is_txn_control(PgQuery__Node *n) {
    return n && n->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT;
}

static bool allowed_in_failed(PgQuery__Node *n) {
    if (!is_txn_control(n)) return false;
    PgQuery__TransactionStmtKind k = n->transaction_stmt->kind;
    return k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
           k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
           k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO;
}

/* EXPLAIN [ANALYZE] stmt: the plan; ANALYZE runs the statement (also a write, as PostgreSQL
 * does) and adds what each part produced. */
static int run_explain(sql_session_t *s, PgQuery__ExplainStmt *es, const char *text,
                       const sql_value_t *params, orb_mcx_t *mcx, sql_result_t *res,
                       orb_err_t *err) {
    bool analyze = false;
    for (size_t i = 0; i < es->n_options; i++) {
        PgQuery__DefElem *d = es->options[i]->def_elem;
        const char *v = NULL;
        if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING) v = d->arg->string->sval;
        if (strcmp(d->defname, "analyze") == 0) {
            analyze = !v || strcasecmp(v, "off") != 0;
            if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) analyze = d->arg->boolean->boolval;
        } else if (strcmp(d->defname, "format") == 0) {
            if (v && strcasecmp(v, "text") != 0)
                return orb_err_set(err, FEATURE_NOT_SUPPORTED, "EXPLAIN (FORMAT %s) is not supported yet", v);
        } else if (strcmp(d->defname, "verbose") != 0 && strcmp(d->defname, "costs") != 0 &&
                   strcmp(d->defname, "buffers") != 0 && strcmp(d->defname, "timing") != 0 &&
                   strcmp(d->defname, "summary") != 0 && strcmp(d->defname, "settings") != 0 &&
                   strcmp(d->defname, "wal") != 0) {
            return orb_err_set(err, SYNTAX_ERROR, "unrecognized EXPLAIN option \"%s\"", d->defname);
        }
    }
    PgQuery__Node *inner = es->query;
    if (!inner || (inner->node_case != PG_QUERY__NODE__NODE_SELECT_STMT &&
                   inner->node_case != PG_QUERY__NODE__NODE_INSERT_STMT &&
                   inner->node_case != PG_QUERY__NODE__NODE_UPDATE_STMT &&
                   inner->node_case != PG_QUERY__NODE__NODE_DELETE_STMT))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "EXPLAIN of this statement is not supported yet");
    sql_analyze_ctx_t ac = {.mcx = mcx, .sess = s, .text = text};
    sql_query_t *query;
    if (sql_analyze(&ac, inner, &query, err) != 0) return -1;
    sql_exec_ctx_t xc = {.sess = s, .mcx = mcx, .params = params, .txn_id = s->txn_id};
    if (!analyze) return sql_explain(&xc, query, false, 0, res, err);
    if (txn_ensure(s, err) != 0) return -1;
    s->txn_queried = true;
    if (act_txn_statement_begin(s->engine->rt, s->txn_id, err) != 0) return -1;
    xc.txn_id = s->txn_id;
    xc.instrument = true;
    sql_result_t out;
    memset(&out, 0, sizeof out);
    double t0 = sql_clock_ms();
    int rc = sql_exec_query(&xc, query, &out, err);
    double ms = sql_clock_ms() - t0;
    orb_err_t e2;
    if (act_txn_statement_end(s->engine->rt, s->txn_id, rc == 0, &e2) != 0 && rc == 0) {
        *err = e2;
        rc = -1;
    }
    if (rc != 0) return -1;
    return sql_explain(&xc, query, true, ms, res, err);
}

/* Runs one statement inside the session's transaction. res is filled (columns, rows, tag).
 * query may be pre-analyzed (extended protocol); params are bound values. */
static int run_statement(sql_session_t *s, PgQuery__Node *stmt, const char *text, sql_query_t *query,
                         const sql_value_t *params, orb_mcx_t *mcx, sql_result_t *res,
                         orb_err_t *err) {
    /* keep the caller's streaming hook (res->emit), reset the rest */
    int (*emit)(void *, sql_value_t *, orb_err_t *) = res->emit;
    void *emit_arg = res->emit_arg;
    memset(res, 0, sizeof *res);
    res->emit = emit;
    res->emit_arg = emit_arg;
    if (s->failed && !allowed_in_failed(stmt))
        return orb_err_set(err, IN_FAILED_SQL_TRANSACTION,
                           "current transaction is aborted, commands ignored until end of transaction block");
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        return exec_transaction(s, stmt->transaction_stmt, res, err);
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return exec_set(s, stmt->variable_set_stmt, mcx, res, err);
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        return exec_show(s, stmt->variable_show_stmt, mcx, res, err);
    case PG_QUERY__NODE__NODE_CREATE_STMT: {
        result_set_tag(res, "CREATE TABLE");
        uint32_t before = sql_acl_relation_before(s, stmt->create_stmt->relation);
        if (sql_exec_create_table(s, stmt->create_stmt, mcx, text, err) != 0) return -1;
        return sql_acl_note_owner(s, stmt->create_stmt->relation, before, err);
    }
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        result_set_tag(res, "CREATE INDEX");
        return sql_exec_create_index(s, stmt->index_stmt, mcx, err);
    case PG_QUERY__NODE__NODE_DROP_STMT:
        if (stmt->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
            result_set_tag(res, "DROP INDEX");
            return sql_exec_drop_index(s, stmt->drop_stmt, mcx, err);
        }
        if (stmt->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION) {
            result_set_tag(res, "DROP EXTENSION");
            return sql_exec_drop_extension(s, stmt->drop_stmt, err);
        }
        result_set_tag(res, stmt->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "DROP SEQUENCE"
                            : stmt->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA ? "DROP SCHEMA"
                            : stmt->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW   ? "DROP VIEW"
                                                                                                  : "DROP TABLE");
        return sql_exec_drop(s, stmt->drop_stmt, mcx, err);
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        result_set_tag(res, "TRUNCATE TABLE");
        return sql_exec_truncate(s, stmt->truncate_stmt, err);
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        result_set_tag(res, "CREATE SEQUENCE");
        return sql_exec_create_sequence(s, stmt->create_seq_stmt, mcx, text, err);
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        result_set_tag(res, "CREATE EXTENSION");
        return sql_exec_create_extension(s, stmt->create_extension_stmt, err);
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
        result_set_tag(res, "CREATE DATABASE");
        return sql_exec_create_database(s, stmt->createdb_stmt, s->in_block, err);
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
        result_set_tag(res, "ALTER DATABASE");
        return sql_exec_alter_database(s, stmt->alter_database_stmt, err);
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
        result_set_tag(res, "DROP DATABASE");
        return sql_exec_drop_database(s, stmt->dropdb_stmt, s->in_block, err);
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: {
        result_set_tag(res, "CREATE SCHEMA");
        bool existed = false;
        if (stmt->create_schema_stmt->if_not_exists) /* IF NOT EXISTS of an existing one: no new owner */
            sql_schema_exists(s->engine, stmt->create_schema_stmt->schemaname, &existed, err);
        if (sql_exec_create_schema(s, stmt->create_schema_stmt, err) != 0) return -1;
        return existed ? 0 : sql_acl_note_schema_owner(s, stmt->create_schema_stmt->schemaname, err);
    }
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        result_set_tag(res, "ALTER TABLE");
        return sql_exec_alter_table(s, stmt->alter_table_stmt, mcx, text, err);
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        if (stmt->rename_stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROLE) {
            result_set_tag(res, "ALTER ROLE");
            return sql_exec_rename_role(s, stmt->rename_stmt, err);
        }
        result_set_tag(res, "ALTER TABLE");
        return sql_exec_rename(s, stmt->rename_stmt, err);
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        result_set_tag(res, "COMMENT");
        return sql_exec_comment(s, stmt->comment_stmt, mcx, err);
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
        result_set_tag(res, "CREATE ROLE");
        return sql_exec_create_role(s, stmt->create_role_stmt, err);
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
        result_set_tag(res, "ALTER ROLE");
        return sql_exec_alter_role(s, stmt->alter_role_stmt, err);
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
        result_set_tag(res, "DROP ROLE");
        return sql_exec_drop_role(s, stmt->drop_role_stmt, err);
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "ALTER ROLE ... SET is not supported yet");
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
        result_set_tag(res, stmt->grant_role_stmt->is_grant ? "GRANT ROLE" : "REVOKE ROLE");
        return sql_exec_grant_role(s, stmt->grant_role_stmt, err);
    case PG_QUERY__NODE__NODE_VIEW_STMT: {
        result_set_tag(res, "CREATE VIEW");
        uint32_t before = sql_acl_relation_before(s, stmt->view_stmt->view);
        if (sql_exec_create_view(s, stmt->view_stmt, mcx, text, err) != 0) return -1;
        return sql_acl_note_owner(s, stmt->view_stmt->view, before, err);
    }
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        result_set_tag(res, stmt->grant_stmt->is_grant ? "GRANT" : "REVOKE");
        return sql_exec_grant(s, stmt->grant_stmt, err);
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
        result_set_tag(res, stmt->vacuum_stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE");
        /* a Query of several statements is an implicit transaction block (PostgreSQL's
         * PreventInTransactionBlock counts it as one) */
        return sql_exec_vacuum(s, stmt->vacuum_stmt, s->in_block || s->multi_stmt, err);
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        return run_explain(s, stmt->explain_stmt, text, params, mcx, res, err);
    case PG_QUERY__NODE__NODE_COPY_STMT: {
        /* one statement of the transaction, like INSERT: a failure leaves nothing behind */
        if (txn_ensure(s, err) != 0) return -1;
        s->txn_queried = true;
        if (act_txn_statement_begin(s->engine->rt, s->txn_id, err) != 0) return -1;
        int crc = sql_copy_exec(s, stmt->copy_stmt, mcx, s->txn_id, s->sink, res, err);
        orb_err_t ce;
        if (act_txn_statement_end(s->engine->rt, s->txn_id, crc == 0, &ce) != 0 && crc == 0) {
            *err = ce;
            crc = -1;
        }
        return crc;
    }
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "this statement is not supported yet");
    }
    if (!query) {
        sql_analyze_ctx_t ac = {.mcx = mcx, .sess = s, .text = text};
        if (sql_analyze(&ac, stmt, &query, err) != 0) return -1;
        if (ac.nparams > 0) return orb_err_set(err, UNDEFINED_PARAMETER, "there is no parameter $%d", 1);
    }
    if (query->kind == SQL_STMT_SELECT || query->returning)
        sql_result_describe(query, mcx, &res->cols, &res->ncols);
    if (query->kind != SQL_STMT_SELECT) res->emit = NULL; /* RETURNING rows are kept */
    if (txn_ensure(s, err) != 0) return -1;
    s->txn_queried = true;
    if (act_txn_statement_begin(s->engine->rt, s->txn_id, err) != 0) return -1;
    sql_exec_ctx_t xc = {.sess = s, .mcx = mcx, .params = params, .txn_id = s->txn_id};
    int rc = sql_exec_query(&xc, query, res, err);
    orb_err_t e2;
    if (act_txn_statement_end(s->engine->rt, s->txn_id, rc == 0, &e2) != 0 && rc == 0) {
        *err = e2;
        rc = -1;
    }
    return rc;
}

/* ---- output ------------------------------------------------------------------------------- */

/* Formats one row (text, or binary where formats say so) and hands it to the sink. */
/* A reg* column's text names the object (sql_reg_out reads the session's catalog). */
static int reg_value_out(sql_session_t *s, uint32_t type, const sql_value_t *v, orb_buf_t *b,
                         orb_err_t *err) {
    orb_mcx_t *m = orb_mcx_create(s->mcx, "regout");
    int rc = sql_reg_out(s, type, v->v.i, m, b, err);
    orb_mcx_destroy(m);
    return rc;
}

static int send_row(sql_session_t *s, const sql_sink_t *sink, const sql_result_t *res,
                    const sql_value_t *row, const int16_t *formats, int nformats, orb_buf_t *b,
                    orb_err_t *err) {
    int n = res->ncols;
    size_t offs[n > 0 ? n : 1];
    sql_cell_t cells[n > 0 ? n : 1];
    orb_buf_reset(b);
    for (int c = 0; c < n; c++) {
        offs[c] = b->len;
        if (row[c].isnull) {
            cells[c].len = -1;
            continue;
        }
        int16_t f = nformats == 0 ? 0 : nformats == 1 ? formats[0] : formats[c];
        uint32_t t = res->cols[c].type_oid;
        int rc = f == 1 ? sql_value_send(t, &row[c], b, err)
                 : sql_type_is_reg(t) ? reg_value_out(s, t, &row[c], b, err)
                                      : sql_value_out(t, res->cols[c].typmod, &row[c], b, err);
        if (rc != 0) return -1;
        cells[c].len = (int32_t)(b->len - offs[c]);
    }
    for (int c = 0; c < n; c++)
        if (!row[c].isnull) cells[c].data = b->data ? b->data + offs[c] : "";
    sink->data_row(sink->arg, cells, n);
    return 0;
}

static int send_rows(sql_session_t *s, const sql_sink_t *sink, sql_result_t *res, int64_t from, int64_t to,
                     const int16_t *formats, int nformats, orb_err_t *err) {
    orb_buf_t b;
    orb_buf_init(&b);
    int rc = 0;
    for (int64_t r = from; r < to && rc == 0; r++)
        rc = send_row(s, sink, res, res->rows[r], formats, nformats, &b, err);
    orb_buf_free(&b);
    return rc;
}

static void describe_cols(const sql_sink_t *sink, const sql_result_t *res, const int16_t *formats,
                          int nformats) {
    if (nformats == 0) {
        sink->row_description(sink->arg, res->cols, res->ncols);
        return;
    }
    sql_column_t cols[res->ncols > 0 ? res->ncols : 1];
    for (int c = 0; c < res->ncols; c++) {
        cols[c] = res->cols[c];
        cols[c].format = nformats == 1 ? formats[0] : formats[c];
    }
    sink->row_description(sink->arg, cols, res->ncols);
}

/* Streaming of a simple query's rows: RowDescription before the first row, then DataRows
 * as the executor produces them. */
typedef struct stream {
    sql_session_t *sess;
    const sql_sink_t *sink;
    sql_result_t *res;
    bool described;
    orb_buf_t buf;
} stream_t;

static int stream_row(void *arg, sql_value_t *row, orb_err_t *err) {
    stream_t *st = arg;
    if (!st->described) {
        describe_cols(st->sink, st->res, NULL, 0);
        st->described = true;
    }
    return send_row(st->sess, st->sink, st->res, row, NULL, 0, &st->buf, err);
}

/* ---- backend state (sql_backend.c) -------------------------------------------------------- */

static int setting_ms(sql_session_t *s, const char *name) {
    return sql_settings_ms(sql_settings_get(&s->settings, sql_settings_find(name)));
}

/* An interrupt that arrived while a statement ran, e.g. pg_cancel_backend(pg_backend_pid()),
 * fails it as PostgreSQL's next CHECK_FOR_INTERRUPTS would: for the statements whose work the
 * failure undoes (DDL commits on its own: failing it afterwards would misreport it). */
static bool is_dml(const PgQuery__Node *stmt) {
    return stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ||
           stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
           stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
           stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT;
}

static void message_begin(sql_session_t *s, const char *text) {
    sql__backend_message_begin(s->backend, text,
                               sql_settings_get(&s->settings, sql_settings_find("application_name")),
                               setting_ms(s, "lock_timeout"));
}

static void statement_begin(sql_session_t *s) {
    sql__backend_statement_timeout(s->backend, setting_ms(s, "statement_timeout"));
}

/* An Execute is done: its statement_timeout ends; the state stays active until Sync, as in
 * PostgreSQL (which reports idle when it sends ReadyForQuery). */
static void execute_end(sql_session_t *s) {
    sql__backend_statement_timeout(s->backend, 0);
    sql__backend_set_appname(s->backend,
                             sql_settings_get(&s->settings, sql_settings_find("application_name")));
}

static void message_end(sql_session_t *s) {
    sql__backend_set_appname(s->backend,
                             sql_settings_get(&s->settings, sql_settings_find("application_name")));
    sql__backend_message_end(s->backend, !s->in_block ? SQL_BACKEND_IDLE
                                         : s->failed  ? SQL_BACKEND_IDLE_IN_TXN_ABORTED
                                                      : SQL_BACKEND_IDLE_IN_TXN,
                             setting_ms(s, "idle_in_transaction_session_timeout"));
}

/* ---- simple query ----------------------------------------------------------------------- */

void sql_session_simple_query(sql_session_t *s, const char *text, const sql_sink_t *sink) {
    s->sink = sink;
    orb_mcx_t *mcx = orb_mcx_create(s->mcx, "query");
    orb_err_t err;
    orb_err_clear(&err);
    PgQuery__ParseResult *pr;
    s->implicit_failed = false;
    message_begin(s, text);
    if (sql_parse(text, mcx, &pr, &err) != 0) {
        sink->error(sink->arg, &err);
        on_error(s);
        goto done;
    }
    if (pr->n_stmts == 0) {
        sink->empty_query(sink->arg);
        goto done;
    }
    s->multi_stmt = pr->n_stmts > 1;
    for (size_t i = 0; i < pr->n_stmts; i++) {
        orb_mcx_t *smcx = orb_mcx_create(mcx, "statement");
        sql_result_t res;
        memset(&res, 0, sizeof res);
        stream_t st = {.sess = s, .sink = sink, .res = &res};
        orb_buf_init(&st.buf);
        res.emit = stream_row;
        res.emit_arg = &st;
        orb_err_clear(&err);
        PgQuery__Node *stmt = pr->stmts[i]->stmt;
        statement_begin(s);
        xact_note(s, stmt);
        int rc = sql_check_interrupts(s, &err);
        if (rc == 0) rc = run_statement(s, stmt, text, NULL, NULL, smcx, &res, &err);
        if (rc == 0 && is_dml(stmt)) rc = sql_check_interrupts(s, &err);
        if (rc == 0 && res.ncols > 0) {
            if (!st.described) describe_cols(sink, &res, NULL, 0);
            rc = send_rows(s, sink, &res, 0, res.nrows, NULL, 0, &err);
        }
        orb_buf_free(&st.buf);
        if (rc != 0) {
            sql__backend_fix_error(s->backend, &err);
            if (err.code == ORB_SQLSTATE_T_R_DEADLOCK_DETECTED) sql_stats_note_deadlock(s->engine);
            sink->error(sink->arg, &err);
            on_error(s);
            orb_mcx_destroy(smcx);
            goto done;
        }
        sink->command_complete(sink->arg, res.tag);
        orb_mcx_destroy(smcx);
    }
    /* the implicit transaction of this message ends here */
    if (!s->in_block && s->txn_id) {
        orb_err_clear(&err);
        if (txn_commit(s, &err) != 0) sink->error(sink->arg, &err);
    }
done:
    /* a message of statements that needed no transaction here was one in PostgreSQL */
    if (!s->in_block && s->xact_open) xact_count(s, !s->implicit_failed);
    s->multi_stmt = false;
    orb_mcx_destroy(mcx);
    message_end(s);
    s->sink = NULL;
}

/* ---- extended protocol -------------------------------------------------------------------- */

static prepared_t *find_stmt(sql_session_t *s, const char *name, prepared_t ***link) {
    for (prepared_t **pp = &s->stmts; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            if (link) *link = pp;
            return *pp;
        }
    }
    return NULL;
}

static portal_t *find_portal(sql_session_t *s, const char *name, portal_t ***link) {
    for (portal_t **pp = &s->portals; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            if (link) *link = pp;
            return *pp;
        }
    }
    return NULL;
}

static void drop_portal(sql_session_t *s, const char *name) {
    portal_t **link;
    portal_t *p = find_portal(s, name, &link);
    if (!p) return;
    *link = p->next;
    portal_free(p);
}

static void drop_portals_of(sql_session_t *s, prepared_t *st) {
    for (portal_t **pp = &s->portals; *pp;) {
        if ((*pp)->stmt == st) {
            portal_t *p = *pp;
            *pp = p->next;
            portal_free(p);
        } else {
            pp = &(*pp)->next;
        }
    }
}

static void drop_stmt(sql_session_t *s, const char *name) {
    prepared_t **link;
    prepared_t *p = find_stmt(s, name, &link);
    if (!p) return;
    drop_portals_of(s, p);
    *link = p->next;
    prepared_free(p);
}

int sql_session_parse(sql_session_t *s, const char *stmt_name, const char *text, int nparams,
                      const uint32_t *param_types, orb_err_t *err) {
    if (stmt_name[0] && find_stmt(s, stmt_name, NULL))
        return orb_err_set(err, DUPLICATE_PREPARED_STATEMENT, "prepared statement \"%s\" already exists", stmt_name);
    prepared_t *p = calloc(1, sizeof *p);
    if (!p) orb_panic("out of memory");
    p->mcx = orb_mcx_create(NULL, "prepared");
    p->name = orb_strdup(p->mcx, stmt_name);
    p->text = orb_strdup(p->mcx, text);
    PgQuery__ParseResult *pr;
    if (sql_parse(p->text, p->mcx, &pr, err) != 0) goto fail;
    if (pr->n_stmts > 1) {
        orb_err_set(err, SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        goto fail;
    }
    p->stmt = pr->n_stmts ? pr->stmts[0]->stmt : NULL;
    if (s->failed && !allowed_in_failed(p->stmt)) {
        orb_err_set(err, IN_FAILED_SQL_TRANSACTION,
                    "current transaction is aborted, commands ignored until end of transaction block");
        goto fail;
    }
    sql_analyze_ctx_t ac = {.mcx = p->mcx, .sess = s, .text = p->text};
    ac.param_cap = nparams > 16 ? nparams : 16;
    ac.param_types = orb_alloc0(p->mcx, sizeof(uint32_t) * (size_t)ac.param_cap);
    for (int i = 0; i < nparams; i++) {
        uint32_t t = param_types[i];
        if (t && !sql_type_get(t)) {
            orb_err_set(err, UNDEFINED_OBJECT, "type with OID %u does not exist", t);
            goto fail;
        }
        ac.param_types[i] = t == SQL_OID_UNKNOWN ? 0 : t;
    }
    ac.nparams = nparams;
    if (p->stmt && (p->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ||
                    p->stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
                    p->stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
                    p->stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT)) {
        if (sql_analyze(&ac, p->stmt, &p->query, err) != 0) goto fail;
        if (p->query->kind == SQL_STMT_SELECT || p->query->returning)
            sql_result_describe(p->query, p->mcx, &p->cols, &p->ncols);
    }
    p->nparams = ac.nparams;
    p->param_types = ac.param_types;
    if (!stmt_name[0]) drop_stmt(s, "");
    p->next = s->stmts;
    s->stmts = p;
    return 0;
fail:
    prepared_free(p);
    if (s->in_block && !s->failed) on_error(s);
    return -1;
}

int sql_session_bind(sql_session_t *s, const char *portal, const char *stmt_name, int nparams,
                     const sql_param_t *params, int nformats, const int16_t *result_formats,
                     orb_err_t *err) {
    prepared_t *st = find_stmt(s, stmt_name, NULL);
    if (!st) {
        if (stmt_name[0])
            return orb_err_set(err, INVALID_SQL_STATEMENT_NAME, "prepared statement \"%s\" does not exist", stmt_name);
        return orb_err_set(err, INVALID_SQL_STATEMENT_NAME, "unnamed prepared statement does not exist");
    }
    if (nparams != st->nparams)
        return orb_err_set(err, PROTOCOL_VIOLATION,
                           "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
                           nparams, stmt_name, st->nparams);
    if (nformats > 1 && nformats != st->ncols)
        return orb_err_set(err, PROTOCOL_VIOLATION, "bind message has %d result formats but query has %d columns",
                           nformats, st->ncols);
    if (s->failed && !allowed_in_failed(st->stmt))
        return orb_err_set(err, IN_FAILED_SQL_TRANSACTION,
                           "current transaction is aborted, commands ignored until end of transaction block");
    if (portal[0] && find_portal(s, portal, NULL))
        return orb_err_set(err, DUPLICATE_OBJECT, "portal \"%s\" already exists", portal);
    drop_portal(s, portal);
    portal_t *p = calloc(1, sizeof *p);
    if (!p) orb_panic("out of memory");
    p->mcx = orb_mcx_create(NULL, "portal");
    p->name = orb_strdup(p->mcx, portal);
    p->stmt = st;
    p->params = orb_alloc0(p->mcx, sizeof(sql_value_t) * (size_t)(nparams + 1));
    for (int i = 0; i < nparams; i++) {
        if (params[i].len < 0) {
            p->params[i].isnull = true;
            continue;
        }
        uint32_t t = st->param_types[i] ? st->param_types[i] : SQL_OID_TEXT;
        int rc = params[i].format == 1
                     ? sql_value_recv(t, -1, params[i].data, (size_t)params[i].len, p->mcx, &p->params[i], err)
                     : sql_value_in(t, -1, params[i].data, (size_t)params[i].len, p->mcx, &p->params[i], err);
        if (rc != 0) {
            portal_free(p);
            return -1;
        }
    }
    p->nformats = nformats;
    p->formats = orb_memdup(p->mcx, result_formats, sizeof(int16_t) * (size_t)(nformats + 1));
    p->next = s->portals;
    s->portals = p;
    return 0;
}

static void describe_prepared(const sql_sink_t *sink, prepared_t *st, const int16_t *formats,
                              int nformats) {
    if (st->ncols == 0) {
        sink->no_data(sink->arg);
        return;
    }
    sql_result_t r = {.ncols = st->ncols, .cols = st->cols};
    describe_cols(sink, &r, formats, nformats);
}

int sql_session_describe_statement(sql_session_t *s, const char *stmt_name,
                                   const sql_sink_t *sink, orb_err_t *err) {
    prepared_t *st = find_stmt(s, stmt_name, NULL);
    if (!st) return orb_err_set(err, INVALID_SQL_STATEMENT_NAME, "prepared statement \"%s\" does not exist", stmt_name);
    sink->parameter_description(sink->arg, st->param_types, st->nparams);
    if (st->stmt && st->stmt->node_case == PG_QUERY__NODE__NODE_EXPLAIN_STMT) {
        sql_column_t c = {.name = "QUERY PLAN", .type_oid = SQL_OID_TEXT, .typlen = -1, .typmod = -1};
        sink->row_description(sink->arg, &c, 1);
        return 0;
    }
    if (st->stmt && st->stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT) {
        /* SHOW returns one text column named after the setting */
        sql_column_t c = {.name = st->stmt->variable_show_stmt->name, .type_oid = SQL_OID_TEXT, .typlen = -1, .typmod = -1};
        sink->row_description(sink->arg, &c, 1);
        return 0;
    }
    describe_prepared(sink, st, NULL, 0);
    return 0;
}

int sql_session_describe_portal(sql_session_t *s, const char *portal, const sql_sink_t *sink,
                                orb_err_t *err) {
    portal_t *p = find_portal(s, portal, NULL);
    if (!p) return orb_err_set(err, INVALID_CURSOR_NAME, "portal \"%s\" does not exist", portal);
    if (p->stmt->stmt && p->stmt->stmt->node_case == PG_QUERY__NODE__NODE_EXPLAIN_STMT) {
        sql_column_t c = {.name = "QUERY PLAN", .type_oid = SQL_OID_TEXT, .typlen = -1, .typmod = -1};
        sink->row_description(sink->arg, &c, 1);
        return 0;
    }
    if (p->stmt->stmt && p->stmt->stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT) {
        sql_column_t c = {.name = p->stmt->stmt->variable_show_stmt->name, .type_oid = SQL_OID_TEXT, .typlen = -1, .typmod = -1};
        sink->row_description(sink->arg, &c, 1);
        return 0;
    }
    describe_prepared(sink, p->stmt, p->formats, p->nformats);
    return 0;
}

int sql_session_execute(sql_session_t *s, const char *portal, int64_t max_rows,
                        const sql_sink_t *sink, bool *suspended, orb_err_t *err) {
    *suspended = false;
    portal_t *p = find_portal(s, portal, NULL);
    if (!p) return orb_err_set(err, INVALID_CURSOR_NAME, "portal \"%s\" does not exist", portal);
    s->sink = sink;
    int rc = 0;
    if (!p->stmt->stmt) {
        sink->empty_query(sink->arg);
        s->sink = NULL;
        return 0;
    }
    message_begin(s, p->stmt->text);
    statement_begin(s);
    if (!p->ran) {
        p->ran = true;
        xact_note(s, p->stmt->stmt);
        /* re-analyze against the current catalog, with the statement's parameter types */
        sql_query_t *q = NULL;
        PgQuery__Node *stmt = p->stmt->stmt;
        if (stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ||
            stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
            stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
            stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
            sql_analyze_ctx_t ac = {.mcx = p->mcx, .sess = s, .text = p->stmt->text};
            ac.param_cap = p->stmt->nparams > 16 ? p->stmt->nparams : 16;
            ac.param_types = orb_alloc0(p->mcx, sizeof(uint32_t) * (size_t)ac.param_cap);
            memcpy(ac.param_types, p->stmt->param_types, sizeof(uint32_t) * (size_t)p->stmt->nparams);
            ac.nparams = p->stmt->nparams;
            if (s->failed)
                rc = orb_err_set(err, IN_FAILED_SQL_TRANSACTION,
                                 "current transaction is aborted, commands ignored until end of transaction block");
            else
                rc = sql_analyze(&ac, stmt, &q, err);
        }
        if (rc == 0) rc = sql_check_interrupts(s, err);
        if (rc == 0)
            rc = run_statement(s, stmt, p->stmt->text, q, p->params, p->mcx, &p->res, err);
        if (rc == 0 && is_dml(stmt)) rc = sql_check_interrupts(s, err);
        if (rc != 0) {
            sql__backend_fix_error(s->backend, err);
            if (err->code == ORB_SQLSTATE_T_R_DEADLOCK_DETECTED) sql_stats_note_deadlock(s->engine);
            on_error(s);
            execute_end(s);
            s->sink = NULL;
            return -1;
        }
        p->pos = 0;
    }
    int64_t end = p->res.nrows;
    if (max_rows > 0 && p->pos + max_rows < end) end = p->pos + max_rows;
    if (p->res.ncols > 0) rc = send_rows(s, sink, &p->res, p->pos, end, p->formats, p->nformats, err);
    if (rc != 0) {
        sql__backend_fix_error(s->backend, err);
        on_error(s);
        execute_end(s);
        s->sink = NULL;
        return -1;
    }
    int64_t sent = end - p->pos;
    p->pos = end;
    bool is_select = strncmp(p->res.tag, "SELECT ", 7) == 0;
    /* like PostgreSQL, a fetch that fills its row limit suspends even when no row is left;
     * the next Execute completes with "SELECT 0" */
    if (p->pos < p->res.nrows || (max_rows > 0 && sent == max_rows && is_select && !p->done)) {
        *suspended = true;
    } else if (!p->done) {
        p->done = true;
        if (strncmp(p->res.tag, "SELECT ", 7) == 0) {
            /* a SELECT portal reports the rows this Execute returned */
            char tag[64];
            snprintf(tag, sizeof tag, "SELECT %lld", (long long)sent);
            sink->command_complete(sink->arg, tag);
        } else {
            sink->command_complete(sink->arg, p->res.tag);
        }
    } else {
        sink->command_complete(sink->arg, is_select ? "SELECT 0" : p->res.tag);
    }
    execute_end(s);
    s->sink = NULL;
    return 0;
}

int sql_session_close_statement(sql_session_t *s, const char *name, orb_err_t *err) {
    (void)err;
    drop_stmt(s, name);
    return 0;
}

int sql_session_close_portal(sql_session_t *s, const char *name, orb_err_t *err) {
    (void)err;
    drop_portal(s, name);
    return 0;
}

void sql_session_sync(sql_session_t *s, const sql_sink_t *sink) {
    s->sink = sink;
    if (!s->in_block && s->txn_id) {
        orb_err_t err;
        orb_err_clear(&err);
        if (s->implicit_failed) {
            txn_abort(s);
        } else if (txn_commit(s, &err) != 0) {
            sink->error(sink->arg, &err);
        }
    }
    if (!s->in_block && s->xact_open) xact_count(s, !s->implicit_failed);
    s->implicit_failed = false;
    drop_portal(s, "");
    message_end(s);
    s->sink = NULL;
}
