/* sql/sql_backend.c — the node-wide backend registry: one entry per
 * PostgreSQL-protocol session (pid, secret, user, database, client, times,
 * state, query) for CancelRequest, pg_cancel_backend / pg_terminate_backend and
 * pg_stat_activity; each entry's pending interrupt, polled by the executor
 * (sql__backend_check) and by parked actor requests (act_call_bind_interrupts);
 * and the watchdog thread that fires statement_timeout. Entry points:
 * sql__backend_* (sql_backend.h). Lock: the registry's mu is a leaf (the wake
 * callback it calls takes only the connection's own leaf mutex). See README.md
 * ("Backends and interrupts"). */
#include "sql_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sql_backend {
    sql_backend_t *next; /* guarded by the registry's mu */
    struct sql_backends *reg;
    atomic_int interrupt;  /* sql_interrupt_t pending; TERMINATE is never cleared */
    atomic_int lock_waits; /* actor requests waiting for a row lock (act_interrupts_t) */
    atomic_bool sleeping;  /* in pg_sleep (wait event Timeout / PgSleep) */
    /* guarded by the registry's mu */
    int32_t pid, secret;
    uint32_t datid;
    char user[64], database[64], application_name[64], client_addr[64];
    int client_port;
    int64_t backend_start, xact_start, query_start, state_change; /* timestamptz µs, 0 NULL */
    sql_backend_state_t state;
    char *query;           /* malloc'd, NULL before the first */
    int64_t deadline_mono; /* statement_timeout: CLOCK_MONOTONIC µs, 0 none */
    int64_t idle_deadline_mono; /* idle_in_transaction_session_timeout, 0 none */
    uint64_t txn_id;       /* the open transaction (act_txn_*), 0 none */
    void (*wake)(void *arg);
    void *wake_arg;
};

typedef struct sql_backends {
    pthread_mutex_t mu; /* guards the list and each entry's guarded fields; a leaf */
    pthread_cond_t cv;  /* the watchdog sleeps on it (CLOCK_MONOTONIC) */
    sql_backend_t *head;
    bool stop;
    bool watchdog_started;
    pthread_t watchdog;
} sql_backends_t;

static int64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void copy(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

/* ---- the watchdog: fires statement_timeout
 * ---------------------------------------------- */

static void *watchdog_main(void *arg) {
    sql_backends_t *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        int64_t now = mono_us(), next = 0;
        for (sql_backend_t *b = r->head; b; b = b->next) {
            if (b->deadline_mono) {
                if (now >= b->deadline_mono) {
                    b->deadline_mono = 0;
                    int none = SQL_INTERRUPT_NONE;
                    atomic_compare_exchange_strong(&b->interrupt, &none, SQL_INTERRUPT_TIMEOUT);
                } else if (!next || b->deadline_mono < next) {
                    next = b->deadline_mono;
                }
            }
            if (b->idle_deadline_mono) {
                if (now >= b->idle_deadline_mono) {
                    /* sticky, like terminate: the connection closes with FATAL 25P03 */
                    b->idle_deadline_mono = 0;
                    if (atomic_load(&b->interrupt) != SQL_INTERRUPT_TERMINATE)
                        atomic_store(&b->interrupt, SQL_INTERRUPT_IDLE_TIMEOUT);
                    if (b->wake) b->wake(b->wake_arg);
                } else if (!next || b->idle_deadline_mono < next) {
                    next = b->idle_deadline_mono;
                }
            }
        }
        if (!next) {
            pthread_cond_wait(&r->cv, &r->mu);
        } else {
            struct timespec ts = {.tv_sec = next / 1000000, .tv_nsec = (next % 1000000) * 1000};
            pthread_cond_timedwait(&r->cv, &r->mu, &ts);
        }
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

void sql__backends_create(sql_engine_t *e) {
    sql_backends_t *r = calloc(1, sizeof *r);
    if (!r) orb_panic("out of memory");
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    e->backends = r;
}

void sql__backends_destroy(sql_engine_t *e) {
    sql_backends_t *r = e->backends;
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    bool started = r->watchdog_started;
    pthread_mutex_unlock(&r->mu);
    if (started) pthread_join(r->watchdog, NULL);
    if (!ORB_ALWAYS(r->head == NULL))
        orb_log(ORB_LOG_ERROR, "sql", "backend registry destroyed with sessions registered");
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
    e->backends = NULL;
}

/* ---- entries
 * ------------------------------------------------------------------------------
 */

sql_backend_t *sql__backend_register(sql_engine_t *e, const char *user, const char *database) {
    sql_backend_t *b = calloc(1, sizeof *b);
    if (!b) orb_panic("out of memory");
    sql_backends_t *r = e->backends;
    b->reg = r;
    atomic_init(&b->interrupt, SQL_INTERRUPT_NONE);
    atomic_init(&b->lock_waits, 0);
    atomic_init(&b->sleeping, false);
    copy(b->user, sizeof b->user, user);
    copy(b->database, sizeof b->database, database);
    b->datid = e->db_oid;
    b->backend_start = b->state_change = sql_now_us();
    b->state = SQL_BACKEND_IDLE;
    pthread_mutex_lock(&r->mu);
    b->next = r->head;
    r->head = b;
    pthread_mutex_unlock(&r->mu);
    return b;
}

void sql__backend_unregister(sql_backend_t *b) {
    if (!b) return;
    sql_backends_t *r = b->reg;
    act_call_bind_interrupts(NULL);
    pthread_mutex_lock(&r->mu);
    for (sql_backend_t **pp = &r->head; *pp; pp = &(*pp)->next) {
        if (*pp == b) {
            *pp = b->next;
            break;
        }
    }
    pthread_mutex_unlock(&r->mu);
    free(b->query);
    free(b);
}

void sql__backend_set_key(sql_backend_t *b, int32_t pid, int32_t secret) {
    pthread_mutex_lock(&b->reg->mu);
    b->pid = pid;
    b->secret = secret;
    pthread_mutex_unlock(&b->reg->mu);
}

void sql__backend_set_client(sql_backend_t *b, const char *addr, int port) {
    pthread_mutex_lock(&b->reg->mu);
    copy(b->client_addr, sizeof b->client_addr, addr);
    b->client_port = port;
    pthread_mutex_unlock(&b->reg->mu);
}

void sql__backend_set_wake(sql_backend_t *b, void (*wake)(void *arg), void *arg) {
    pthread_mutex_lock(&b->reg->mu);
    b->wake = wake;
    b->wake_arg = arg;
    pthread_mutex_unlock(&b->reg->mu);
}

void sql__backend_message_begin(sql_backend_t *b, const char *query, const char *appname,
                                int lock_timeout_ms) {
    int cancel = SQL_INTERRUPT_CANCEL, timeout = SQL_INTERRUPT_TIMEOUT;
    atomic_compare_exchange_strong(&b->interrupt, &cancel, SQL_INTERRUPT_NONE);
    atomic_compare_exchange_strong(&b->interrupt, &timeout, SQL_INTERRUPT_NONE);
    char *q = strdup(query ? query : "");
    if (!q) orb_panic("out of memory");
    pthread_mutex_lock(&b->reg->mu);
    b->idle_deadline_mono = 0;
    free(b->query);
    b->query = q;
    copy(b->application_name, sizeof b->application_name, appname);
    b->query_start = b->state_change = sql_now_us();
    b->state = SQL_BACKEND_ACTIVE;
    pthread_mutex_unlock(&b->reg->mu);
    act_interrupts_t in = {.interrupt = &b->interrupt,
                           .lock_waits = &b->lock_waits,
                           .lock_timeout_ms = lock_timeout_ms};
    act_call_bind_interrupts(&in);
}

/* A deadline was armed: the watchdog must look again (started at the first). Holds r->mu. */
static void watchdog_poke(sql_backends_t *r) {
    if (!r->watchdog_started && !r->stop) {
        if (pthread_create(&r->watchdog, NULL, watchdog_main, r) == 0)
            r->watchdog_started = true;
        else
            orb_log(ORB_LOG_ERROR, "sql", "could not start the statement_timeout watchdog");
    }
    pthread_cond_signal(&r->cv);
}

void sql__backend_statement_timeout(sql_backend_t *b, int timeout_ms) {
    sql_backends_t *r = b->reg;
    pthread_mutex_lock(&r->mu);
    b->deadline_mono = timeout_ms > 0 ? mono_us() + (int64_t)timeout_ms * 1000 : 0;
    if (b->deadline_mono) watchdog_poke(r);
    pthread_mutex_unlock(&r->mu);
}

void sql__backend_message_end(sql_backend_t *b, sql_backend_state_t state, int idle_timeout_ms) {
    act_call_bind_interrupts(NULL);
    pthread_mutex_lock(&b->reg->mu);
    b->deadline_mono = 0;
    b->idle_deadline_mono = 0;
    if (idle_timeout_ms > 0 &&
        (state == SQL_BACKEND_IDLE_IN_TXN || state == SQL_BACKEND_IDLE_IN_TXN_ABORTED)) {
        b->idle_deadline_mono = mono_us() + (int64_t)idle_timeout_ms * 1000;
        watchdog_poke(b->reg);
    }
    b->state = state;
    b->state_change = sql_now_us();
    pthread_mutex_unlock(&b->reg->mu);
}

void sql__backend_set_appname(sql_backend_t *b, const char *appname) {
    pthread_mutex_lock(&b->reg->mu);
    copy(b->application_name, sizeof b->application_name, appname);
    pthread_mutex_unlock(&b->reg->mu);
}

void sql__backend_xact(sql_backend_t *b, uint64_t txn_id, int64_t start_us) {
    pthread_mutex_lock(&b->reg->mu);
    b->txn_id = txn_id;
    b->xact_start = start_us;
    pthread_mutex_unlock(&b->reg->mu);
}

/* ---- interrupts
 * ----------------------------------------------------------------------------
 */

static int interrupt_err(int what, orb_err_t *err) {
    switch (what) {
    case SQL_INTERRUPT_TIMEOUT:
        return orb_err_set(err, QUERY_CANCELED, "canceling statement due to statement timeout");
    case SQL_INTERRUPT_TERMINATE:
        orb_err_set(err, ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        err->severity = ORB_SEV_FATAL;
        return -1;
    case SQL_INTERRUPT_IDLE_TIMEOUT:
        orb_err_set(err, IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                    "terminating connection due to idle-in-transaction timeout");
        err->severity = ORB_SEV_FATAL;
        return -1;
    default:
        return orb_err_set(err, QUERY_CANCELED, "canceling statement due to user request");
    }
}

int sql__backend_check(sql_backend_t *b, orb_err_t *err) {
    if (!b) return 0;
    int what = atomic_load_explicit(&b->interrupt, memory_order_relaxed);
    if (what == SQL_INTERRUPT_NONE) return 0;
    return interrupt_err(what, err);
}

void sql__backend_fix_error(sql_backend_t *b, orb_err_t *err) {
    if (!b) return;
    int what = atomic_load(&b->interrupt);
    if (what == SQL_INTERRUPT_NONE) return;
    if (what == SQL_INTERRUPT_TERMINATE || what == SQL_INTERRUPT_IDLE_TIMEOUT ||
        err->code == ORB_SQLSTATE_QUERY_CANCELED)
        interrupt_err(what, err);
}

bool sql__backend_terminating(const sql_backend_t *b) {
    if (!b) return false;
    int what = atomic_load(&((sql_backend_t *)b)->interrupt);
    return what == SQL_INTERRUPT_TERMINATE || what == SQL_INTERRUPT_IDLE_TIMEOUT;
}

void sql__backend_terminate_error(const sql_backend_t *b, orb_err_t *err) {
    int what = b ? atomic_load(&((sql_backend_t *)b)->interrupt) : SQL_INTERRUPT_TERMINATE;
    interrupt_err(what == SQL_INTERRUPT_IDLE_TIMEOUT ? what : SQL_INTERRUPT_TERMINATE, err);
}

int sql__backend_pending(const sql_backend_t *b) {
    return b ? atomic_load(&((sql_backend_t *)b)->interrupt) : 0;
}

bool sql__backend_signal(sql_engine_t *e, int32_t pid, bool check_secret, int32_t secret,
                         sql_interrupt_t what) {
    sql_backends_t *r = e->backends;
    bool found = false;
    pthread_mutex_lock(&r->mu);
    for (sql_backend_t *b = r->head; b; b = b->next) {
        if (b->pid != pid || pid == 0) continue;
        if (check_secret && b->secret != secret) break; /* ignored silently, as PostgreSQL */
        found = true;
        if (what == SQL_INTERRUPT_TERMINATE) {
            atomic_store(&b->interrupt, SQL_INTERRUPT_TERMINATE);
            if (b->wake) b->wake(b->wake_arg); /* an idle backend waits for input */
        } else {
            /* a cancel only hits a running statement (PostgreSQL ignores it when
             * idle) */
            int none = SQL_INTERRUPT_NONE;
            if (b->state == SQL_BACKEND_ACTIVE)
                atomic_compare_exchange_strong(&b->interrupt, &none, (int)what);
        }
        break;
    }
    pthread_mutex_unlock(&r->mu);
    return found;
}

static int by_pid(const void *a, const void *b) {
    const sql_backend_info_t *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int sql__backend_list(sql_engine_t *e, orb_mcx_t *mcx, sql_backend_info_t **out) {
    sql_backends_t *r = e->backends;
    pthread_mutex_lock(&r->mu);
    int n = 0;
    for (sql_backend_t *b = r->head; b; b = b->next)
        n++;
    sql_backend_info_t *v = orb_alloc0(mcx, sizeof *v * (size_t)(n + 1));
    int i = 0;
    for (sql_backend_t *b = r->head; b; b = b->next, i++) {
        v[i].pid = b->pid;
        v[i].user = orb_strdup(mcx, b->user);
        v[i].database = orb_strdup(mcx, b->database);
        v[i].datid = b->datid;
        v[i].application_name = orb_strdup(mcx, b->application_name);
        v[i].client_addr = b->client_addr[0] ? orb_strdup(mcx, b->client_addr) : NULL;
        v[i].client_port = b->client_port;
        v[i].query = orb_strdup(mcx, b->query ? b->query : "");
        v[i].backend_start = b->backend_start;
        v[i].xact_start = b->xact_start;
        v[i].query_start = b->query_start;
        v[i].state_change = b->state_change;
        v[i].state = b->state;
        v[i].lock_wait = atomic_load(&b->lock_waits) > 0;
        v[i].sleeping = atomic_load(&b->sleeping);
        v[i].txn_id = b->txn_id;
    }
    pthread_mutex_unlock(&r->mu);
    qsort(v, (size_t)n, sizeof *v, by_pid);
    *out = v;
    return n;
}

/* ---- SQL functions (declared in sql_catfn.c's table)
 * --------------------------------------- */

/* pg_sleep(seconds): sleeps in slices of at most 10 ms, so that a cancel, a
 * statement timeout or a terminate stops it at once. */
int sql__fn_pg_sleep(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                     orb_err_t *err) {
    (void)nargs;
    sql_session_t *s = ctx->session;
    double secs = a[0].v.f;
    sql_backend_t *b = s ? sql_session_backend(s) : NULL;
    if (secs > 0 && secs == secs) {
        int64_t end = mono_us() + (int64_t)(secs > 1e9 ? 1e15 : secs * 1e6);
        if (b) atomic_store(&b->sleeping, true);
        for (;;) {
            if (sql_check_interrupts(s, err) != 0) {
                if (b) atomic_store(&b->sleeping, false);
                return -1;
            }
            int64_t left = end - mono_us();
            if (left <= 0) break;
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (left > 10000 ? 10000 : left) * 1000};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
        }
        if (b) atomic_store(&b->sleeping, false);
    }
    r->isnull = false;
    r->v.s.p = "";
    r->v.s.n = 0;
    return 0;
}

static int signal_fn(sql_fn_ctx_t *ctx, int64_t pid, sql_interrupt_t what, sql_value_t *r) {
    sql_session_t *s = ctx->session;
    bool found = s && pid >= INT32_MIN && pid <= INT32_MAX &&
                 sql__backend_signal(sql_session_engine(s), (int32_t)pid, false, 0, what);
    if (!found && s)
        sql_session_warning(s, ORB_SQLSTATE_WARNING, "PID %lld is not a PostgreSQL backend process",
                            (long long)pid);
    r->isnull = false;
    r->v.b = found;
    return 0;
}

int sql__fn_pg_cancel_backend(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                              orb_err_t *err) {
    (void)nargs;
    (void)err;
    return signal_fn(ctx, a[0].v.i, SQL_INTERRUPT_CANCEL, r);
}

/* pg_terminate_backend(pid [, timeout]): the timeout (wait for the backend to
 * exit) is validated as PostgreSQL does and otherwise ignored: the call returns
 * at once. */
int sql__fn_pg_terminate_backend(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                                 orb_err_t *err) {
    if (nargs > 1 && a[1].v.i < 0)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"timeout\" must not be negative");
    return signal_fn(ctx, a[0].v.i, SQL_INTERRUPT_TERMINATE, r);
}

/* pg_blocking_pids(pid): the sessions whose transactions hold the row locks pid's transaction
 * waits for (the actors' wait-for graph), ordered by pid; {} when it waits for none. */
int sql__fn_pg_blocking_pids(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                             orb_err_t *err) {
    (void)nargs;
    sql_session_t *s = ctx->session;
    sql_value_t *el = NULL;
    int nel = 0;
    if (s) {
        sql_backend_info_t *v;
        int n = sql__backend_list(sql_session_engine(s), ctx->mcx, &v);
        uint64_t txn = 0;
        for (int i = 0; i < n; i++)
            if (v[i].pid == a[0].v.i) txn = v[i].txn_id;
        act_lock_wait_t *w = NULL;
        size_t nw = txn ? act_lock_waits(sql_session_rt(s), &w) : 0;
        el = orb_alloc0(ctx->mcx, sizeof *el * (size_t)(n + 1));
        for (int i = 0; i < n; i++) { /* by pid: v is sorted */
            if (!v[i].txn_id || v[i].txn_id == txn) continue;
            for (size_t k = 0; k < nw; k++) {
                if (w[k].waiter == txn && w[k].holder == v[i].txn_id) {
                    el[nel++].v.i = v[i].pid;
                    break;
                }
            }
        }
        free(w);
    }
    return sql_array_build(SQL_OID_INT4, el, nel, ctx->mcx, r, err);
}
