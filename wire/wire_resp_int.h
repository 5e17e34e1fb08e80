/* wire/wire_resp_int.h — private declarations of the RESP command layer, shared by the command
 * table (wire_resp_cmd.c) and the command families kept in their own files: Pub/Sub
 * (wire_resp_pubsub.c), the client registry and CLIENT/RESET (wire_resp_client.c), INFO
 * (wire_resp_info.c), CONFIG (wire_resp_config.c) and Redis glob patterns (wire_resp_glob.c).
 * Never included from outside wire/ (tests excepted). Locks and invariants: wire/README.md,
 * section "RESP: clients, Pub/Sub, INFO, CONFIG". */
#ifndef ORB_WIRE_RESP_INT_H
#define ORB_WIRE_RESP_INT_H

#include "wire_int.h"

/* ---- a command's context (executor thread) ------------------------------------------------ */
typedef struct rctx {
    wire_conn_t *c;
    wire_resp_session_t *rs;
    act_runtime_t *rt;
    int argc;
    const char **argv;
    const size_t *lens;
    orb_mcx_t *mcx;
    orb_buf_t *out;
    const struct resp_cmd *cmd;
    bool close; /* close the connection after this reply (QUIT, CLIENT KILL of itself) */
    bool in_exec; /* run by EXEC: blocking commands do not block */
} rctx_t;

enum {
    RC_WRITE = 1 << 0,
    RC_READONLY = 1 << 1,
    RC_FAST = 1 << 2,
    RC_ADMIN = 1 << 3,
    RC_STALE = 1 << 4,
    RC_LOADING = 1 << 5,
    RC_DENYOOM = 1 << 6,
    RC_PUBSUB = 1 << 7,
    RC_NOSCRIPT = 1 << 8,
    RC_SUBCTX = 1 << 9, /* allowed in a RESP2 connection's subscribed mode (not a Redis flag) */
    RC_NOAUTH = 1 << 10, /* allowed before authentication (Redis's no_auth) */
};

typedef struct resp_cmd {
    const char *name;
    int arity; /* > 0 exactly, < 0 at least -arity arguments (the name counts) */
    int flags;
    int first_key, last_key, step;
    void (*handler)(rctx_t *x);
    const char *group;
    const char *since;
    const char *summary;
} resp_cmd_t;

/* ---- server-wide RESP state (one per wire_server_t) ---------------------------------------- */
typedef struct wire_resp_client wire_resp_client_t;
typedef struct ps_table ps_table_t;

typedef struct wire_resp_user wire_resp_user_t;
typedef struct wire_resp_shared {
    int64_t start_ms; /* CLOCK_MONOTONIC at server start (uptime) */
    /* Users (wire_resp_auth.c): amu (a leaf) guards users and requirepass. */
    pthread_mutex_t amu;
    wire_resp_user_t *users;
    char requirepass[256];
    /* Clients (wire_resp_client.c). cmu guards the list; leaf except for a client's mu and
     * conn->mu taken inside it (CLIENT LIST's omem, CLIENT KILL). */
    pthread_mutex_t cmu;
    wire_resp_client_t *clients;
    int nclients;
    atomic_ullong next_id;
    atomic_ullong conns_received, commands, rejected;
    /* instantaneous_ops_per_sec: a sample every 100 ms (cmu) */
    int64_t ops_sample_ms[16];
    uint64_t ops_sample_n[16];
    int ops_samples, ops_next;
    /* Pub/Sub (wire_resp_pubsub.c). plock: write-locked to (un)subscribe, read-locked to
     * publish; taken before any conn->mu, never inside cmu. */
    pthread_rwlock_t plock;
    ps_table_t *channels, *shard_channels, *patterns; /* name -> subscribers */
    atomic_ullong published; /* messages delivered (stats) */
    /* Settings (wire_resp_config.c): read lock-free by publishers. */
    atomic_llong obl_hard, obl_soft, obl_soft_secs; /* client-output-buffer-limit pubsub */
    atomic_int hz;
    char save[128];            /* cmu */
    size_t used_memory_peak;   /* cmu: the largest used_memory INFO saw */
    char replica_obl[64];      /* cmu: "replica" class (no replicas: kept, not used) */
} wire_resp_shared_t;

wire_resp_shared_t *wire__resp_shared(const wire_conn_t *c);

/* ---- clients (wire_resp_client.c) ----------------------------------------------------------- */
/* One per RESP connection that sent a command. Created on the loop thread (addresses, fd),
 * registered by the executor when it starts, unregistered and freed by it when it ends
 * (after every subscription was dropped), so `c` is valid while the record is listed. */
struct wire_resp_client {
    wire_resp_client_t *prev, *next; /* shared->cmu */
    wire_conn_t *c;
    uint64_t id;
    char addr[64], laddr[64];
    int fd;
    int64_t ctime_ms; /* monotonic */
    atomic_llong last_ms;
    atomic_int proto;
    atomic_uint db;
    atomic_int nsub, npsub, nssub; /* mirrors of the executor's sets below */
    pthread_mutex_t mu;             /* guards name, cmd, user */
    char *name;
    char cmd[64];
    char user[128];                 /* the ACL user it is logged in as */
    /* Executor-thread only: this client's subscriptions (names only). */
    ps_table_t *my_channels, *my_patterns, *my_shard;
    /* Guarded by c->mu: the output-buffer soft limit's first crossing (0: under it). */
    int64_t soft_since_ms;
};

int64_t wire__resp_now_ms(void); /* CLOCK_MONOTONIC in ms */
/* Loop thread, before the executor starts: the record for c (addresses read here). */
wire_resp_client_t *wire__resp_client_create(wire_conn_t *c);
void wire__resp_client_register(wire_resp_client_t *cl);   /* executor start */
void wire__resp_client_unregister(wire_resp_client_t *cl); /* executor end; frees cl */
/* Executor: after each command (idle time, cmd=, counters). */
void wire__resp_client_note_command(wire_resp_client_t *cl, int argc, const char **argv,
                                    const size_t *lens);
void wire__resp_client_set_name(wire_resp_client_t *cl, const char *p, size_t n);
void wire__resp_client_set_user(wire_resp_client_t *cl, const char *user);
/* Closes every connection logged in as user (ACL DELUSER, as Redis). */
void wire__resp_clients_kill_user(wire_resp_shared_t *sh, const char *user);
/* Asks c's loop to close c at once (CLIENT KILL, output buffer limit). Any thread. */
void wire__resp_conn_kill(wire_conn_t *c);
int wire__resp_client_count(wire_resp_shared_t *sh, int *pubsub_clients);
void wire__resp_h_client(rctx_t *x);

/* ---- authentication (wire_resp_auth.c) --------------------------------------------------- */
void wire__resp_auth_init(wire_resp_shared_t *sh);
void wire__resp_auth_destroy(wire_resp_shared_t *sh);
void wire__resp_auth_session(wire_conn_t *c, wire_resp_session_t *rs); /* executor start */
bool wire__resp_auth_needed(const rctx_t *x);
/* Logs x's connection in as user (WRONGPASS replied and false when it may not). */
bool wire__resp_auth_login(rctx_t *x, const char *user, size_t un, const char *pass, size_t pn);
void wire__resp_auth_requirepass_get(wire_resp_shared_t *sh, char *out, size_t cap);
void wire__resp_auth_requirepass_set(wire_resp_shared_t *sh, const char *v, size_t n);
void wire__resp_h_auth(rctx_t *x);
void wire__resp_h_acl(rctx_t *x);

/* ---- transactions (wire_resp_multi.c) ------------------------------------------------------ */
typedef struct wire_resp_multi wire_resp_multi_t;
/* In MULTI: queues x's command (+QUEUED) and returns true; a command the dispatcher will
 * refuse (cmd NULL, wrong arity) marks the transaction for EXECABORT. */
bool wire__resp_multi_intercept(rctx_t *x, const struct resp_cmd *cmd, bool arity_ok);
bool wire__resp_multi_queueing(const wire_resp_session_t *rs);
void wire__resp_h_multi(rctx_t *x);
/* ---- blocking pops (wire_resp_block.c) ---------------------------------------------------- */
void wire__resp_h_blpop(rctx_t *x);
void wire__resp_h_brpop(rctx_t *x);
void wire__resp_h_bzpopmin(rctx_t *x);
void wire__resp_h_bzpopmax(rctx_t *x);
void wire__resp_h_blmove(rctx_t *x);
void wire__resp_h_brpoplpush(rctx_t *x);
int wire__resp_blocked_count(void); /* clients in a blocking command (INFO) */
/* LMOVE src dst from to (argv[1], argv[2]) replied into x->out (wire_resp_cmd.c). */
void wire__resp_lmove(rctx_t *x, const char *from, const char *to);
void wire__resp_h_exec(rctx_t *x);
void wire__resp_h_discard(rctx_t *x);
void wire__resp_h_watch(rctx_t *x);
void wire__resp_h_unwatch(rctx_t *x);
void wire__resp_multi_reset(rctx_t *x);           /* RESET */
void wire__resp_multi_end(wire_conn_t *c, act_runtime_t *rt); /* the connection ends */
void wire__resp_h_reset(rctx_t *x);

/* ---- Pub/Sub (wire_resp_pubsub.c) ------------------------------------------------------------ */
void wire__resp_pubsub_init(wire_resp_shared_t *sh);
void wire__resp_pubsub_destroy(wire_resp_shared_t *sh);
/* Executor: drops every subscription of cl silently (RESET, end of the connection). */
void wire__resp_pubsub_drop_all(wire_resp_client_t *cl);
void wire__resp_pubsub_counts(wire_resp_shared_t *sh, size_t *channels, size_t *patterns,
                              size_t *shard_channels);
/* True when cl is subscribed to anything (RESP2: only a few commands are allowed). */
bool wire__resp_pubsub_active(const wire_resp_client_t *cl);
void wire__resp_h_subscribe(rctx_t *x);
void wire__resp_h_unsubscribe(rctx_t *x);
void wire__resp_h_psubscribe(rctx_t *x);
void wire__resp_h_punsubscribe(rctx_t *x);
void wire__resp_h_ssubscribe(rctx_t *x);
void wire__resp_h_sunsubscribe(rctx_t *x);
void wire__resp_h_publish(rctx_t *x);
void wire__resp_h_spublish(rctx_t *x);
void wire__resp_h_pubsub(rctx_t *x);

/* ---- INFO and CONFIG (wire_resp_info.c, wire_resp_config.c) ------------------------------------ */
void wire__resp_h_info(rctx_t *x);
void wire__resp_h_config(rctx_t *x);
void wire__resp_config_defaults(wire_resp_shared_t *sh);
/* Container commands' "name|sub" as Redis spells it (error texts, CLIENT LIST cmd=). */
void wire__resp_fullname(const char *name, int argc, const char **argv, const size_t *lens,
                         char *out, size_t cap);

/* ---- Redis glob patterns (wire_resp_glob.c) --------------------------------------------------- */
/* Redis's stringmatchlen: * ? [abc] [^a-z] and \x escapes; an unclosed [ takes the rest of the
 * pattern as its set. Linear backtracking on the last star (no exponential cases). */
bool wire_resp_glob_match(const char *pat, size_t plen, const char *s, size_t slen, bool nocase);

/* Small reply helpers shared by the command files. */
void wire__resp_err(rctx_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool wire__resp_arg_is(const rctx_t *x, int i, const char *s);
void wire__resp_put_str(orb_buf_t *b, const char *s);
/* A bulk string (RESP2) or a verbatim "txt" string (RESP3), as INFO and CLIENT LIST reply. */
void wire__resp_put_verbatim(orb_buf_t *b, const char *p, size_t n, int proto);

#endif
