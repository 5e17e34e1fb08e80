/* sql/sql_backend.h — (sql-private) the node-wide backend registry
 * (sql_backend.c): one entry per PostgreSQL-protocol session with its
 * BackendKeyData (pid, secret), what pg_stat_activity shows, and its pending
 * interrupt (cancel, statement timeout, terminate), which the executor polls at
 * row-loop points. See README.md ("Backends and interrupts"). */
#ifndef ORB_SQL_BACKEND_H
#define ORB_SQL_BACKEND_H

#include "sql_int.h"

#include <stdatomic.h>

/* The pending interrupt of a backend (sql_backend_t.interrupt). */
typedef enum sql_interrupt {
    SQL_INTERRUPT_NONE = 0,
    SQL_INTERRUPT_CANCEL = 1,    /* CancelRequest, pg_cancel_backend: 57014 */
    SQL_INTERRUPT_TIMEOUT = 2,   /* statement_timeout: 57014 */
    SQL_INTERRUPT_TERMINATE = 3, /* pg_terminate_backend: FATAL 57P01 */
    SQL_INTERRUPT_IDLE_TIMEOUT = 4, /* idle_in_transaction_session_timeout: FATAL 25P03 */
} sql_interrupt_t;

typedef enum sql_backend_state {
    SQL_BACKEND_IDLE = 0,
    SQL_BACKEND_ACTIVE,
    SQL_BACKEND_IDLE_IN_TXN,
    SQL_BACKEND_IDLE_IN_TXN_ABORTED,
} sql_backend_state_t;

typedef struct sql_backend sql_backend_t;

/* A copy of one entry, for pg_stat_activity. Strings allocated in the caller's
 * mcx; times are timestamptz microseconds, 0 for NULL. */
typedef struct sql_backend_info {
    int32_t pid;
    uint32_t datid;
    const char *user, *database, *application_name, *client_addr, *query;
    int client_port;
    int64_t backend_start, xact_start, query_start, state_change;
    sql_backend_state_t state;
    bool lock_wait; /* a request waits for a row lock */
    bool sleeping;  /* in pg_sleep */
    uint64_t txn_id; /* the open transaction, 0 none */
} sql_backend_info_t;

/* Registry of an engine: created with it, destroyed after every session. */
void sql__backends_create(sql_engine_t *e);
void sql__backends_destroy(sql_engine_t *e);

/* A session's entry, registered at once (pid from the caller, 0 when it has
 * none yet). */
sql_backend_t *sql__backend_register(sql_engine_t *e, const char *user, const char *database);
void sql__backend_unregister(sql_backend_t *b);
void sql__backend_set_key(sql_backend_t *b, int32_t pid, int32_t secret);
void sql__backend_set_client(sql_backend_t *b, const char *addr, int port);
void sql__backend_set_wake(sql_backend_t *b, void (*wake)(void *arg), void *arg);

/* A Query or Execute message starts: state active, query text,
 * application_name; clears a pending cancel (one that arrived while idle is
 * ignored, as in PostgreSQL) and binds the interrupts to the calling thread's
 * actor calls; lock_timeout_ms > 0 overrides the node's. */
void sql__backend_message_begin(sql_backend_t *b, const char *query, const char *appname,
                                int lock_timeout_ms);
/* Each statement arms statement_timeout (0: none) from now. */
void sql__backend_statement_timeout(sql_backend_t *b, int timeout_ms);
/* application_name changed (SET): shown at once. */
void sql__backend_set_appname(sql_backend_t *b, const char *appname);
/* The message is done: disarms the timeout, unbinds the interrupts; the new state. Idle in a
 * transaction, idle_timeout_ms > 0 arms idle_in_transaction_session_timeout (the next
 * message_begin disarms it): when it passes, the session is terminated (FATAL 25P03). */
void sql__backend_message_end(sql_backend_t *b, sql_backend_state_t state, int idle_timeout_ms);
/* The open transaction (for pg_locks, pg_blocking_pids) and its start (xact_start); 0, 0
 * when none is open. */
void sql__backend_xact(sql_backend_t *b, uint64_t txn_id, int64_t start_us);

/* Returns 0, or -1 with err filled when an interrupt is pending (57014 with the
 * reason, or FATAL 57P01). Cheap: one relaxed atomic load when nothing is
 * pending. */
int sql__backend_check(sql_backend_t *b, orb_err_t *err);
/* After a statement failed: an error caused by the interrupt (57014 from a
 * parked actor request, or any error while terminating) is rewritten to the
 * interrupt's. */
void sql__backend_fix_error(sql_backend_t *b, orb_err_t *err);
/* pg_terminate_backend or the idle-in-transaction timeout reached this backend: its
 * connection must close; terminate_error is the FATAL it gets. */
bool sql__backend_terminating(const sql_backend_t *b);
void sql__backend_terminate_error(const sql_backend_t *b, orb_err_t *err);
int sql__backend_pending(const sql_backend_t *b);

/* Sends an interrupt to the backend `pid` (secret checked unless check_secret
 * is false). Terminate also wakes an idle backend (its wake callback). Returns
 * whether it exists. */
bool sql__backend_signal(sql_engine_t *e, int32_t pid, bool check_secret, int32_t secret,
                         sql_interrupt_t what);
/* Copies every entry into *out (allocated in mcx), ordered by pid. */
int sql__backend_list(sql_engine_t *e, orb_mcx_t *mcx, sql_backend_info_t **out);

/* SQL functions, declared in sql_catfn.c's table: pg_sleep(float8) -> void,
 * pg_cancel_backend(int4) -> bool, pg_terminate_backend(int4 [, int8]) -> bool
 * (WARNING "PID %d is not a PostgreSQL backend process" and false for an
 * unknown pid). */
int sql__fn_pg_sleep(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                     orb_err_t *err);
int sql__fn_pg_cancel_backend(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                              orb_err_t *err);
int sql__fn_pg_blocking_pids(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                             orb_err_t *err);
int sql__fn_pg_terminate_backend(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                                 orb_err_t *err);

#endif
