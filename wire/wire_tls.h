/* wire/wire_tls.h — (wire-private) TLS for pgwire connections with OpenSSL over memory BIOs,
 * so the libuv loops never block: ciphertext read from the socket is fed in, plaintext comes
 * out for the frame decoder; plaintext to send goes in, ciphertext comes out for uv_write.
 * A wire_tls_ctx_t is the server's certificate and key (immutable, shared by every loop);
 * a wire_tls_t is one connection's session, touched only by its loop thread.
 * See wire/README.md ("TLS"). */
#ifndef ORB_WIRE_TLS_H
#define ORB_WIRE_TLS_H

#include "wire.h"

typedef struct wire_tls_ctx wire_tls_ctx_t;
typedef struct wire_tls wire_tls_t;

/* Loads cert (PEM chain) and key (PEM), checking the key file's permissions as PostgreSQL
 * does (group/world access is refused), and ca (PEM, optional: NULL) whose certificates
 * client certificates must chain to when a client sends one. TLS 1.2 and newer, no
 * renegotiation, no session tickets or cache. Errors: F0000 with the file and OpenSSL's
 * reason. Main thread; destroy after every connection is gone. */
int wire_tls_ctx_create(const char *cert, const char *key, const char *ca, wire_tls_ctx_t **out,
                        orb_err_t *err);
void wire_tls_ctx_destroy(wire_tls_ctx_t *ctx);
/* "OpenSSL 3.0.x ..." — the library's version text. */
const char *wire_tls_library_version(void);

/* A server-side session waiting for the ClientHello. Caller frees with wire_tls_destroy. */
wire_tls_t *wire_tls_create(wire_tls_ctx_t *ctx);
void wire_tls_destroy(wire_tls_t *t);

#define WIRE_TLS_CLOSED 1 /* the client sent close_notify */

/* Feeds len ciphertext bytes (copied before plain is touched, so cipher may point into
 * plain's spare capacity) and appends every plaintext byte they complete to plain; handshake
 * and post-handshake messages (TLS 1.3 KeyUpdate, alerts) are handled inside. Returns 0,
 * WIRE_TLS_CLOSED, or -1 with OpenSSL's reason in why (the connection must be closed, after
 * sending wire_tls_take_output's alert). Call wire_tls_take_output afterwards. */
int wire_tls_decrypt(wire_tls_t *t, const char *cipher, size_t len, orb_buf_t *plain, char *why,
                     size_t whyn);
/* Encrypts len plaintext bytes into the pending output. -1 with why once the session failed
 * or was shut down (the bytes are dropped). */
int wire_tls_encrypt(wire_tls_t *t, const char *plain, size_t len, char *why, size_t whyn);
/* Moves the pending ciphertext (records, handshake messages, alerts) to out. */
void wire_tls_take_output(wire_tls_t *t, orb_buf_t *out);
/* Queues close_notify (once); take it with wire_tls_take_output. */
void wire_tls_shutdown(wire_tls_t *t);
bool wire_tls_handshake_done(const wire_tls_t *t);
/* The negotiated protocol, cipher and the client's certificate (pg_stat_ssl). After the
 * handshake. */
void wire_tls_info(const wire_tls_t *t, sql_ssl_info_t *out);

#endif
