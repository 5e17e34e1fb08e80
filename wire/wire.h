/* wire/wire.h — the public header of wire/: the PostgreSQL v3 wire-protocol server (libuv
 * I/O loops, one executor thread per connection that drives an sql_session_t).
 * Prefix wire_. Depends on sql/. See wire/README.md for threading, lifecycles and lock order.
 *
 * Entry points: wire_server_start (binds and starts the I/O threads) and wire_server_stop
 * (closes every connection, waits for executor threads, joins the I/O threads). */
#ifndef ORB_WIRE_H
#define ORB_WIRE_H

#include "../common/common.h"
#include "../sql/sql.h"

typedef struct wire_server wire_server_t;

typedef struct wire_config {
    const char *listen_addr; /* IPv4 or IPv6 literal, default "127.0.0.1" */
    int port;                /* default 5433 */
    int nthreads;            /* I/O loops, >= 1 */
    size_t max_message;      /* largest accepted frontend message; 0 = 256 MiB (cap 1 GiB) */
    int resp_port;           /* RESP listener port; 0 disables it, -1 picks a free one */
    act_runtime_t *rt;       /* kv-shard actors for RESP (required when resp_port != 0) */
    const char *ssl_cert;    /* TLS (README "TLS"): PEM certificate chain and key; both NULL: */
    const char *ssl_key;     /* SSLRequest is answered 'N' */
    const char *ssl_ca;      /* optional: roots that client certificates must chain to */
    const char *hba_file;    /* access rules (pg_hba.conf format); NULL: trust from loopback,
                                scram-sha-256 from elsewhere (README "Authentication") */
    int auth_timeout_ms;     /* a client must finish authenticating within; 0 = 60 s */
    int max_connections;     /* PostgreSQL-protocol sessions at once (starting ones too);
                                0 = 100 (README "Connection limits") */
    int reserved_connections; /* of them, the last ones only superusers may take */
} wire_config_t;

#define WIRE_DEFAULT_PORT 5433
#define WIRE_DEFAULT_RESP_PORT 6380
#define WIRE_DEFAULT_MAX_MESSAGE ((size_t)256 << 20)
#define WIRE_DEFAULT_AUTH_TIMEOUT_MS 60000 /* PostgreSQL's authentication_timeout */
#define WIRE_HARD_MAX_MESSAGE ((size_t)1 << 30)

/* Loads the TLS certificate and key when configured (F0000 for a bad or group/world-readable
 * key) and the access rules (F0000 for a bad file), then binds and listens synchronously (so a
 * busy port fails here with 08000 and the OS reason),
 * then starts cfg->nthreads I/O threads. engine is borrowed and must outlive the server.
 * Call from the main thread. */
int wire_server_start(const wire_config_t *cfg, sql_engine_t *engine, wire_server_t **out,
                      orb_err_t *err);
/* The port actually bound (useful with port 0). */
int wire_server_port(const wire_server_t *s);
/* The RESP port bound, 0 when RESP is disabled. */
int wire_server_resp_port(const wire_server_t *s);
/* Stops accepting, closes every connection (open transactions roll back when each
 * executor thread destroys its session), waits for the executor threads, joins the I/O
 * threads and frees s. Call from the thread that started the server. */
void wire_server_stop(wire_server_t *s);

#endif
