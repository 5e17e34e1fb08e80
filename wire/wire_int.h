/* wire/wire_int.h — private declarations of wire/: the pure frame decoder, the message
 * parsers and builders, and the connection / loop / server structs shared by
 * wire_pg_conn.c (protocol state machine, executor threads) and wire_server.c (libuv).
 * Never included from outside wire/ (tests excepted). See wire/README.md. */
#ifndef ORB_WIRE_INT_H
#define ORB_WIRE_INT_H

#include "wire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <uv.h>

/* ---- protocol constants ------------------------------------------------------------- */
#define WIRE_CODE_SSL 80877103u
#define WIRE_CODE_GSSENC 80877104u
#define WIRE_CODE_CANCEL 80877102u
#define WIRE_PROTO_3_0 196608u
#define WIRE_STARTUP_MAX 10000u /* as PostgreSQL's MAX_STARTUP_PACKET_LENGTH */

/* ---- frame decoder (wire_pg_frame.c) -------------------------------------------------- */
/* Pure: no I/O, no allocation. The decoder starts in the startup phase (untyped packets)
 * and switches itself to the typed phase after returning a StartupMessage. */
typedef struct wire_decoder {
    bool typed;         /* false: startup phase */
    size_t max_message; /* typed-message limit, <= WIRE_HARD_MAX_MESSAGE */
} wire_decoder_t;

typedef struct wire_frame {
    char type;        /* typed phase: message type byte; startup phase: 0 */
    uint32_t code;    /* startup phase: request code / protocol version */
    const char *body; /* borrowed from the input buffer: after the length (and code) */
    size_t len;       /* body length */
    size_t total;     /* bytes this frame consumed from the buffer */
} wire_frame_t;

void wire_decoder_init(wire_decoder_t *d, size_t max_message);
/* Returns 0 with *f filled, ORB_AGAIN when buf holds no complete frame yet, or -1 with err
 * (08P01 malformed / oversized / unknown type, 0A000 unsupported protocol version). After an
 * error the connection must be closed: the stream position is lost. */
int wire_frame_next(wire_decoder_t *d, const char *buf, size_t len, wire_frame_t *f,
                    orb_err_t *err);
bool wire_frame_type_known(char type);

/* ---- frontend message parsers (wire_pg_msg.c) ----------------------------------------- */
/* Every parser bounds-checks each field and requires the body to be consumed exactly.
 * Strings point into body (which must stay alive); arrays are allocated in mcx. Failures
 * are 08P01 (or 22023 for a bad format code). */
typedef struct wire_startup {
    uint32_t version;
    int nparams;
    const char **names; /* allocated in mcx */
    const char **values;
    const char *user, *database, *application_name; /* NULL when absent */
} wire_startup_t;
int wire_msg_parse_startup(const char *body, size_t len, uint32_t version, orb_mcx_t *mcx,
                           wire_startup_t *out, orb_err_t *err);

typedef struct wire_parse {
    const char *name, *query;
    int nparams;
    uint32_t *param_types;
} wire_parse_t;
int wire_msg_parse_parse(const char *body, size_t len, orb_mcx_t *mcx, wire_parse_t *out,
                         orb_err_t *err);

typedef struct wire_bind {
    const char *portal, *stmt;
    int nparams;
    sql_param_t *params; /* formats expanded per parameter */
    int nresult_formats;
    int16_t *result_formats;
} wire_bind_t;
int wire_msg_parse_bind(const char *body, size_t len, orb_mcx_t *mcx, wire_bind_t *out,
                        orb_err_t *err);

typedef struct wire_target {
    char kind; /* 'S' statement or 'P' portal */
    const char *name;
} wire_target_t;
int wire_msg_parse_target(const char *body, size_t len, const char *what, wire_target_t *out,
                          orb_err_t *err); /* Describe and Close */

typedef struct wire_execute {
    const char *portal;
    int64_t max_rows; /* 0 = all */
} wire_execute_t;
int wire_msg_parse_execute(const char *body, size_t len, wire_execute_t *out, orb_err_t *err);
int wire_msg_parse_query(const char *body, size_t len, const char **text, orb_err_t *err);
int wire_msg_parse_cancel(const char *body, size_t len, int32_t *pid, int32_t *key, orb_err_t *err);

/* ---- backend message builders (wire_pg_msg.c) ----------------------------------------- */
size_t wire_msg_begin(orb_buf_t *b, char type);    /* returns the length offset */
void wire_msg_end(orb_buf_t *b, size_t at);        /* patches the length */
void wire_msg_put_simple(orb_buf_t *b, char type); /* a message with an empty body */
void wire_msg_put_auth_ok(orb_buf_t *b);
void wire_msg_put_parameter_status(orb_buf_t *b, const char *name, const char *value);
void wire_msg_put_backend_key(orb_buf_t *b, int32_t pid, int32_t key);
void wire_msg_put_ready(orb_buf_t *b, char status);
/* ErrorResponse ('E') or NoticeResponse ('N') from an orb_err_t; the severity names come
 * from err->severity (FATAL for connection-ending errors). */
void wire_msg_put_error(orb_buf_t *b, char type, const orb_err_t *err);
void wire_msg_put_row_description(orb_buf_t *b, const sql_column_t *cols, int ncols);
void wire_msg_put_data_row(orb_buf_t *b, const sql_cell_t *cells, int ncells);
void wire_msg_put_command_complete(orb_buf_t *b, const char *tag);
void wire_msg_put_parameter_description(orb_buf_t *b, const uint32_t *oids, int n);
/* CopyInResponse ('G') / CopyOutResponse ('H'): overall format and per-column formats
 * (all equal to it); CopyData ('d'). */
void wire_msg_put_copy_response(orb_buf_t *b, char type, int format, int ncols);
void wire_msg_put_copy_data(orb_buf_t *b, const char *data, size_t len);
void wire_msg_put_negotiate(orb_buf_t *b, uint32_t newest_minor, int nunknown,
                            const char *const *unknown);

/* ---- RESP (wire_resp_parse.c, wire_resp_out.c) --------------------------------------- */
#define WIRE_RESP_MAX_BULK ((long long)512 << 20) /* Redis's proto-max-bulk-len */
#define WIRE_RESP_MAX_MULTIBULK 2147483647LL     /* Redis 7: INT_MAX arguments */
#define WIRE_RESP_MAX_INLINE ((size_t)64 << 10)  /* PROTO_INLINE_MAX_SIZE */
#define WIRE_RESP_MAX_QUERYBUF ((size_t)1 << 30) /* client-query-buffer-limit */
/* Parses one command from buf. Returns 0 with *consumed set and the arguments appended to out
 * as (u32 BE length, bytes) pairs, *argc of them (0: an empty command, nothing to run);
 * ORB_AGAIN when buf holds no complete command (out unchanged); -1 with errmsg set to Redis's
 * "Protocol error: ..." text (out unchanged): the connection must reply it and close. */
int wire_resp_parse(const char *buf, size_t len, orb_buf_t *out, int *argc, size_t *consumed,
                    char *errmsg, size_t errcap);
void wire_resp_put_status(orb_buf_t *b, const char *s);
void wire_resp_put_error(orb_buf_t *b, const char *s, size_t n); /* s includes the prefix */
void wire_resp_put_int(orb_buf_t *b, int64_t v);
void wire_resp_put_bulk(orb_buf_t *b, const char *p, size_t n);
void wire_resp_put_null(orb_buf_t *b, int proto);
void wire_resp_put_array(orb_buf_t *b, size_t n);
void wire_resp_put_map(orb_buf_t *b, size_t npairs, int proto);
void wire_resp_put_double(orb_buf_t *b, double d, int proto);
void wire_resp_put_value(orb_buf_t *b, const Orbit__KvValue *v, int proto);

/* ---- authentication (wire_hba.c, wire_scram.c, wire_auth.c; README "Authentication") --- */
typedef enum wire_auth_method {
    WIRE_AUTH_TRUST = 0,
    WIRE_AUTH_REJECT,
    WIRE_AUTH_SCRAM,
    WIRE_AUTH_MD5,
    WIRE_AUTH_PASSWORD,
} wire_auth_method_t;
const char *wire_auth_method_name(wire_auth_method_t m);
/* The access rules (pg_hba.conf's format). parse: text of a file named file (for messages);
 * load: the file at path, or the built-in defaults when path is NULL. Errors are F0000 with
 * the file and line. The rules are immutable once loaded; free with wire_hba_free. */
typedef struct wire_hba wire_hba_t;
int wire_hba_parse(const char *text, const char *file, wire_hba_t **out, orb_err_t *err);
int wire_hba_load(const char *path, wire_hba_t **out, orb_err_t *err);
void wire_hba_free(wire_hba_t *h);
/* The first rule matching a TCP client at peer (IPv4-mapped IPv6 addresses match IPv4 rules),
 * over TLS or not (ssl: hostssl rules match only TLS connections, hostnossl only plaintext
 * ones), asking for database db as user: its method and line (0: a built-in rule). false: none.
 * member_of(arg, user, role) answers "+role" items (NULL: only the role itself matches). */
typedef bool (*wire_hba_member_cb)(void *arg, const char *user, const char *role);
bool wire_hba_match(const wire_hba_t *h, const struct sockaddr *peer, bool ssl, const char *db,
                    const char *user, wire_hba_member_cb member_of, void *arg,
                    wire_auth_method_t *method, int *line);

/* One SCRAM-SHA-256 exchange, server side. init: against the stored verifier (NULL or not a
 * SCRAM verifier: a mock exchange that fails at the end); server_nonce NULL picks a random
 * one (tests pass RFC 7677's). first: client-first-message -> server-first-message appended
 * to out. final: client-final-message -> 0 and server-final-message ("v=...") appended to out
 * when the proof is right, 1 when it is wrong. Both: -1 with err (08P01 "malformed SCRAM
 * message", 0A000) for bad input. close frees. */
typedef struct wire_scram {
    sql_scram_secret_t secret;
    bool mock;
    char cbind_flag; /* 'n' or 'y' */
    int state;       /* 0 new, 1 first answered, 2 done */
    char server_nonce[64];
    char *client_first_bare, *server_first, *nonce; /* malloc'd */
} wire_scram_t;
void wire_scram_init(wire_scram_t *st, const char *verifier, const char *server_nonce);
int wire_scram_first(wire_scram_t *st, const char *msg, size_t len, orb_buf_t *out,
                     orb_err_t *err);
int wire_scram_final(wire_scram_t *st, const char *msg, size_t len, orb_buf_t *out,
                     orb_err_t *err);
void wire_scram_close(wire_scram_t *st);

/* ---- connections, loops, server (wire_server.c, wire_pg_conn.c) ------------------------ */
typedef struct wire_loop wire_loop_t;
typedef struct wire_conn wire_conn_t;

/* A complete frontend message copied out of the input buffer, queued to the executor. */
typedef enum wire_item_kind {
    WIRE_ITEM_STARTUP = 1, /* body = startup packet after the version code */
    WIRE_ITEM_MESSAGE,     /* a typed message */
    WIRE_ITEM_FATAL,       /* a protocol error found by the loop: send it FATAL and close */
} wire_item_kind_t;
typedef struct wire_item {
    struct wire_item *next;
    wire_item_kind_t kind;
    char type;
    uint32_t code;
    orb_err_t *err; /* WIRE_ITEM_FATAL only, malloc'd */
    size_t len;
    char body[]; /* NUL-terminated copy */
} wire_item_t;

struct wire_conn {
    wire_server_t *server;
    wire_loop_t *loop;
    atomic_int refs; /* loop side (until close cb), executor, loop ready-list entry */
    int32_t pid, secret;       /* BackendKeyData, set at accept, never change */
    char peer_addr[64];        /* the client's address and port, set at accept */
    int peer_port;

    /* Loop-thread only. */
    uv_tcp_t tcp;
    wire_conn_t *lprev, *lnext; /* the loop's connection list */
    orb_buf_t in;               /* bytes read, not yet decoded */
    wire_decoder_t dec;
    bool closing;       /* uv_close called */
    bool reading;       /* uv_read_start active */
    bool no_more_input; /* Terminate, fatal error or startup failure seen */
    bool close_when_drained;
    bool has_executor;
    bool reads_handed;  /* reading belongs to the executor now (direct_read): never restart */
    struct wire_tls *tls; /* set once SSLRequest was answered 'S' (wire_tls.h) */
    bool ssl_done, gss_done; /* SSLRequest / GSSENCRequest answered (each allowed once) */

    /* Guarded by mu (shared by the loop and the executor thread). */
    pthread_mutex_t mu;
    pthread_cond_t cond;      /* executor waits for items / output space / closing */
    wire_item_t *head, *tail; /* input queue */
    size_t in_bytes;          /* bytes queued in items */
    orb_buf_t pending_out;    /* produced by the executor, not yet handed to uv_write */
    size_t inflight;          /* bytes in uv_write requests not yet completed */
    int out_waiters;          /* executors blocked in wire__conn_flush for output space */
    int loop_taking;          /* the loop took pending_out and has not counted it inflight yet */
    int direct_fd;            /* socket the executor may write itself (no TLS), else -1; set
                                 before the executor starts, constant after */
    bool shut;                /* loop closed the socket: executor must exit */
    bool exec_close;          /* executor asks the loop to close after writing */
    bool read_paused;         /* loop stopped reading because of backpressure */
    bool terminate;           /* pg_terminate_backend: the executor sends FATAL 57P01 */
    bool on_ready_list;
    bool kill;               /* close at the next service (CLIENT KILL, output buffer limit) */
    /* Direct reads (README "Direct read"): the executor asks (want_read) and the loop hands
     * reading over (direct_read) with its undecoded bytes (xin) and decoder state (xdec). */
    bool want_read;
    bool direct_read;
    int efd;                 /* eventfd waking an executor blocked in poll (-1: none); written
                                by wire__conn_wake under mu, closed by the executor under mu */
    wire_conn_t *ready_next; /* guarded by loop->mu */

    /* Written by the loop before the executor starts, read-only afterwards. */
    sql_ssl_info_t ssl_info; /* for pg_stat_ssl */
    /* Set by the loop when it adopts the socket, read-only afterwards. */
    struct sockaddr_storage peer;

    /* Executor-thread only. */
    pthread_t thread;
    uint32_t role_oid;  /* the authenticated role, counted against its CONNECTION LIMIT */
    bool role_counted;
    bool role_super;      /* the authenticated role is a superuser */
    bool backend_counted; /* holds one of max_connections' slots (executor only) */
    bool auth_gone;     /* the client left during authentication (or timed out): no reply */
    struct timespec auth_deadline; /* authentication must end by then (--authentication-timeout) */
    sql_session_t *session;
    orb_buf_t out;      /* response bytes being built */
    bool skip_to_sync;  /* after an extended-protocol error */
    orb_mcx_t *msg_mcx; /* reset per message */
    wire_item_t *copy_item; /* copy-in: the CopyData whose bytes sql reads now */
    bool stop_after;        /* the connection went away inside COPY */
    bool copy_desync;       /* another message inside copy-in: FATAL after the error */
    bool fatal_sent;        /* a FATAL ErrorResponse went out: close after it */
    /* Direct reads, once direct_read is set: the executor's own dup of the socket (it outlives
     * the loop's uv_close until the executor ends), bytes read and not yet framed, the frame
     * decoder, and whether the input ended (EOF, error, Terminate, a framing error). */
    int rfd;
    orb_buf_t xin;
    wire_decoder_t xdec;
    bool x_eof;   /* the client closed or the socket failed: no more messages (under mu;
                     also set by the loop when it reads EOF before handing reads over) */
    bool x_stop;  /* Terminate or a framing error was queued: read no more */

    /* RESP connections (wire_resp_conn.c): set at accept, never changes. */
    bool resp;
    struct wire_resp_session *rs; /* executor-thread only */
    /* The client record (wire_resp_int.h): created by the loop before the executor starts,
     * then the executor's until it frees it. */
    struct wire_resp_client *rcl;
};

/* Thresholds (README "backpressure"). */
#define WIRE_IN_HIGH ((size_t)4 << 20)
#define WIRE_IN_LOW ((size_t)1 << 20)
#define WIRE_OUT_HIGH ((size_t)4 << 20)
#define WIRE_FLUSH_AT ((size_t)64 << 10)

/* wire_server.c, callable from the loop thread only. */
void wire__conn_write(wire_conn_t *c, const void *data, size_t len);
void wire__conn_close(wire_conn_t *c);
void wire__conn_close_after_write(wire_conn_t *c);
void wire__conn_read_pause(wire_conn_t *c);
int wire__executor_start(wire_conn_t *c);
/* TLS (wire_server.c): whether the server has a certificate; switching c to TLS after 'S'
 * was written (later writes are encrypted, later reads decrypted). */
bool wire__server_tls(const wire_server_t *s);
void wire__conn_tls_start(wire_conn_t *c);
bool wire__server_cancel(wire_server_t *s, int32_t pid, int32_t secret);
const wire_hba_t *wire__server_hba(const wire_server_t *s);
int wire__server_auth_timeout_ms(const wire_server_t *s);
/* max_connections (README "Connection limits"): take counts a connection that sent its
 * StartupMessage, false (nothing counted) when max_connections are there already; give when
 * it ends; reserved: true when fewer than superuser_reserved_connections slots are free. */
bool wire__server_backend_take(wire_server_t *s);
void wire__server_backend_give(wire_server_t *s);
bool wire__server_backend_reserved(wire_server_t *s);
/* Executor side (wire_pg_conn.c, wire_auth.c). queue_pop: the next queued message, waiting
 * for one; NULL once the loop closed the socket. */
wire_item_t *wire__conn_queue_pop(wire_conn_t *c);
/* The same, giving up at deadline (CLOCK_REALTIME; NULL: never) with *timed_out set. */
wire_item_t *wire__conn_queue_pop_until(wire_conn_t *c, const struct timespec *deadline, bool *timed_out);
/* Authenticates the startup's user for database db by the first matching access rule
 * (README "Authentication"): 0 when the client may proceed (c->role_oid set and counted),
 * -1 with err filled (FATAL 28000/28P01/53300/08P01) or c->auth_gone set. */
int wire__auth_run(wire_conn_t *c, const char *user, const char *db, orb_err_t *err);
void wire__server_register(wire_conn_t *c);
size_t wire__server_max_message(const wire_server_t *s);
sql_engine_t *wire__server_engine(const wire_server_t *s);

/* wire_server.c, callable from any thread: asks the loop to look at c (write pending
 * output, close, resume reading). Takes a reference for the ready list. */
void wire__conn_schedule(wire_conn_t *c);
void wire__conn_unref(wire_conn_t *c);
/* Executor thread bookkeeping: called once when the executor thread is finished. */
void wire__executor_done(wire_conn_t *c);

/* wire_pg_conn.c */
void wire__conn_on_input(wire_conn_t *c); /* loop thread: decode c->in and dispatch */
wire_item_t *wire__item_new(wire_item_kind_t kind, char type, uint32_t code, const char *body,
                            size_t len);
void wire__enqueue(wire_conn_t *c, wire_item_t *it); /* loop thread */
void wire__conn_flush(wire_conn_t *c);               /* executor thread */
/* Executor thread: asks the loop for the socket's reads (README "Direct read"); a no-op on
 * TLS connections. */
void wire__conn_want_direct_reads(wire_conn_t *c);
void wire__conn_direct_reads_end(wire_conn_t *c); /* executor thread, as it ends */
/* Executor thread: whether the client closed its end (the loop saw it, or, with direct reads,
 * the socket says so now), for waits that do not read (blocking pops). */
bool wire__conn_peer_gone(wire_conn_t *c);
/* c->mu held: appends an item to the input queue. */
void wire__conn_queue_locked(wire_conn_t *c, wire_item_t *it);
/* Any thread, with c->mu held: wakes an executor blocked reading the socket itself. */
void wire__conn_wake(wire_conn_t *c);
/* Loop thread (conn_service): hands reading to the executor when it asked (want_read). */
void wire__conn_hand_reads(wire_conn_t *c);
act_runtime_t *wire__server_runtime(const wire_server_t *s);

/* Server-wide RESP state (wire_resp_int.h): created and destroyed with the server. */
struct wire_resp_shared;
struct wire_resp_shared *wire__resp_shared_create(void);
void wire__resp_shared_destroy(struct wire_resp_shared *sh);
struct wire_resp_shared *wire__server_resp_shared(const wire_server_t *s);

/* wire_resp_conn.c */
void wire__resp_on_input(wire_conn_t *c);    /* loop thread */
void wire__resp_frame_direct(wire_conn_t *c); /* executor thread, mu held: commands in c->xin */
void *wire__resp_executor_main(void *arg);   /* executor thread body of a RESP connection */
/* wire_resp_cmd.c: runs one command (executor thread); returns true when the connection
 * must close after the reply (QUIT). */
struct wire_resp_session;
bool wire__resp_dispatch(wire_conn_t *c, int argc, const char **argv, const size_t *lens,
                         orb_mcx_t *mcx, orb_buf_t *out);
typedef struct wire_resp_session {
    int proto;      /* 2 or 3 (HELLO) */
    uint32_t db;    /* SELECT */
    uint64_t id;    /* CLIENT ID */
    char *name;     /* CLIENT SETNAME, malloc'd or NULL */
    /* single-key commands of a pipeline posted to their kv shards and not yet answered
     * (wire_resp_cmd.c h_route); wire__resp_drain writes their replies, in order */
    struct wire_resp_pending *pending;
    int npending, cappending;
    struct wire_resp_multi *multi; /* MULTI/WATCH state (wire_resp_multi.c), NULL: none yet */
    bool authed;    /* AUTH / HELLO AUTH done, or the default user needs no password */
    char user[128]; /* the user logged in as (ACL WHOAMI, CLIENT LIST) */
} wire_resp_session_t;
/* Waits for the pipelined commands in flight and writes their replies to c->out, in order.
 * Runs before any other command's reply and before c->out is handed to the loop. */
void wire__resp_drain(wire_conn_t *c);
void *wire__executor_main(void *arg);     /* executor thread body */
void wire__item_free(wire_item_t *it);

#endif
