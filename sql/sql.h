/* sql/sql.h — the public header of sql/: the engine (catalog cache, settings) and sessions
 * that take query text or extended-protocol steps and produce results through a sink.
 * Prefix sql_. Depends on actors/. See sql/README.md.
 *
 * Threading: an engine is shared; a session is used by one thread at a time (its executor
 * thread, see wire/README.md). Session calls block that thread while shard actors work. */
#ifndef ORB_SQL_H
#define ORB_SQL_H

#include "../actors/actors.h"
#include "../common/common.h"

typedef struct sql_engine sql_engine_t;
typedef struct sql_session sql_session_t;

typedef struct sql_config {
    uint32_t default_shards; /* shards per table unless WITH (shards = n) */
    bool ssl;                /* the server accepts TLS connections (SHOW ssl) */
    int max_connections;     /* what wire/ enforces, for SHOW: 0 = 100 */
    int reserved_connections; /* superuser_reserved_connections */
} sql_config_t;

/* Loads the catalog through the catalog actor. */
int sql_engine_create(act_runtime_t *rt, const sql_config_t *cfg, sql_engine_t **out,
                      orb_err_t *err);
void sql_engine_destroy(sql_engine_t *e);

/* ---- result sink ----------------------------------------------------------------------- */
typedef struct sql_column {
    const char *name;
    uint32_t type_oid;
    int16_t typlen;      /* pg_type.typlen: -1 varlena */
    int32_t typmod;
    uint32_t table_oid;  /* 0 when not a plain column */
    int16_t attnum;      /* 0 when not a plain column */
    int16_t format;      /* 0 text, 1 binary */
} sql_column_t;

/* A result cell already formatted for the wire: len -1 is NULL. */
typedef struct sql_cell {
    const char *data;
    int32_t len;
} sql_cell_t;

/* What a statement produces, in order. Every callback is required. Strings passed are
 * borrowed for the duration of the call. */
typedef struct sql_sink {
    void *arg;
    void (*row_description)(void *arg, const sql_column_t *cols, int ncols);
    void (*no_data)(void *arg); /* Describe of a statement or portal that returns no rows */
    void (*data_row)(void *arg, const sql_cell_t *cells, int ncells);
    void (*command_complete)(void *arg, const char *tag);
    void (*empty_query)(void *arg);
    void (*error)(void *arg, const orb_err_t *err);
    void (*notice)(void *arg, const orb_err_t *notice); /* severity NOTICE/WARNING */
    void (*parameter_status)(void *arg, const char *name, const char *value);
    void (*parameter_description)(void *arg, const uint32_t *type_oids, int n);
    /* COPY (sql_copy.c; wire/README.md, section COPY). copy_begin sends CopyInResponse (in true) or
     * CopyOutResponse: overall format 0 text / 1 binary, the same for every column. A
     * copy-in response is flushed at once (the client waits for it before sending data). */
    void (*copy_begin)(void *arg, bool in, int format, int ncols);
    void (*copy_data)(void *arg, const char *data, size_t len); /* CopyData (out) */
    void (*copy_done)(void *arg);                               /* CopyDone (out) */
    /* Copy-in: the next chunk the client sent, blocking until it arrives. Returns 1 with
     * data and len (borrowed until the next call), 0 at CopyDone, or -1 with err filled:
     * CopyFail (57014 "COPY from stdin failed: ..."), another message type (08P01), or the
     * connection went away. Flush and Sync are skipped, as PostgreSQL does. */
    int (*copy_read)(void *arg, const char **data, size_t *len, orb_err_t *err);
} sql_sink_t;

/* ---- sessions -------------------------------------------------------------------------- */
/* A session of user on database (its name; empty: the user name), on the engine of that
 * database (opened through the root engine e, sql_database.c); NULL with err (3D000 for a
 * database that does not exist, 55000 for template0) when it cannot be opened. */
sql_session_t *sql_session_create(sql_engine_t *e, const char *user, const char *database,
                                  const char *application_name, orb_err_t *err);
/* Rolls back an open transaction. */
void sql_session_destroy(sql_session_t *s);
/* BackendKeyData: the process id the client was given (pg_backend_pid(), pg_stat_activity)
 * and the secret a CancelRequest must quote. Registers them in the engine's backend
 * registry (sql/README.md, "Backends and interrupts"). */
void sql_session_set_backend_key(sql_session_t *s, int32_t pid, int32_t secret);
/* The client's address and port (pg_stat_activity.client_addr, client_port). */
void sql_session_set_client(sql_session_t *s, const char *addr, int port);
/* wake(arg) is called (from another session's thread, under the registry's leaf lock; it may
 * take only leaf locks) when pg_terminate_backend targets this session, so that a connection
 * waiting for client input notices (also when idle_in_transaction_session_timeout passes);
 * sql_session_terminating then returns true and the connection must send the FATAL error of
 * sql_session_terminate_error (57P01 "terminating connection due to administrator command",
 * or 25P03 "terminating connection due to idle-in-transaction timeout") and close. */
void sql_session_set_wake(sql_session_t *s, void (*wake)(void *arg), void *arg);
bool sql_session_terminating(const sql_session_t *s);
void sql_session_terminate_error(const sql_session_t *s, orb_err_t *err);
/* CancelRequest: cancels the running statement of the session with this pid and secret
 * (57014 "canceling statement due to user request"). A wrong secret or an idle session is
 * ignored. Any thread. Returns whether (pid, secret) named a session. */
bool sql_engine_cancel(sql_engine_t *e, int32_t pid, int32_t secret);
/* How the client is connected, for pg_stat_ssl (one row per session that called this; text
 * fields "" mean NULL). Call once, after sql_session_set_backend_key; the row goes away with
 * the session. Any session thread. */
typedef struct sql_ssl_info {
    bool ssl;
    char version[16]; /* "TLSv1.3" */
    char cipher[64];
    int bits;
    bool client_cert;
    char client_dn[256], client_serial[64], issuer_dn[256];
} sql_ssl_info_t;
void sql_session_set_ssl(sql_session_t *s, const sql_ssl_info_t *info);

/* The settings reported in ParameterStatus at startup, in order; name/value pairs are
 * borrowed from the session. Returns the count. */
int sql_session_reported_settings(sql_session_t *s, const char *const **names,
                                  const char *const **values);
/* Applies a startup-packet option (e.g. "DateStyle", "application_name", "options").
 * Unknown names fail with 42704. */
int sql_session_set_startup_option(sql_session_t *s, const char *name, const char *value,
                                   orb_err_t *err);

/* 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
char sql_session_txn_status(const sql_session_t *s);

/* Simple Query: runs every statement of text, reporting each through the sink. Stops at the
 * first error (as PostgreSQL does); an implicit transaction wraps the whole message. */
void sql_session_simple_query(sql_session_t *s, const char *text, const sql_sink_t *sink);

/* Extended protocol. Each returns 0, or -1 with err filled (the wire layer then skips until
 * Sync). Names "" are the unnamed statement / portal. */
int sql_session_parse(sql_session_t *s, const char *stmt_name, const char *text, int nparams,
                      const uint32_t *param_types, orb_err_t *err);
typedef struct sql_param {
    const char *data; /* borrowed for the call */
    int32_t len;      /* -1 NULL */
    int16_t format;   /* 0 text, 1 binary */
} sql_param_t;
int sql_session_bind(sql_session_t *s, const char *portal, const char *stmt_name, int nparams,
                     const sql_param_t *params, int nformats, const int16_t *result_formats,
                     orb_err_t *err);
/* Describe: statement -> parameter_description then row_description or no_data;
 * portal -> row_description or no_data. */
int sql_session_describe_statement(sql_session_t *s, const char *stmt_name,
                                   const sql_sink_t *sink, orb_err_t *err);
int sql_session_describe_portal(sql_session_t *s, const char *portal, const sql_sink_t *sink,
                                orb_err_t *err);
/* Execute: max_rows 0 = all. *suspended is set when rows remain (PortalSuspended). Rows and
 * CommandComplete go through the sink; an error returns -1 (not through the sink). */
int sql_session_execute(sql_session_t *s, const char *portal, int64_t max_rows,
                        const sql_sink_t *sink, bool *suspended, orb_err_t *err);
int sql_session_close_statement(sql_session_t *s, const char *name, orb_err_t *err);
int sql_session_close_portal(sql_session_t *s, const char *name, orb_err_t *err);
/* Sync: commits an implicit transaction (or rolls it back after an error), drops the
 * unnamed portal. */
void sql_session_sync(sql_session_t *s, const sql_sink_t *sink);

/* ---- roles and passwords (sql_role.c, sql_password.c) ---------------------------------- */
/* What authentication needs to know of a role, copied out of the role cache. */
typedef struct sql_role_login {
    uint32_t oid;
    bool superuser;
    bool can_login;
    bool password_expired; /* VALID UNTIL is in the past */
    int32_t conn_limit;    /* -1: no limit */
    char password[256];    /* the stored verifier or md5 hash, "" when none */
} sql_role_login_t;
/* false when no role is named name. Any thread. */
bool sql_role_login_info(sql_engine_t *e, const char *name, sql_role_login_t *out);
/* Whether role member is role or a member of it, directly or not (pg_hba.conf's "+role"). */
bool sql_role_is_member_of(sql_engine_t *e, const char *member, const char *role);
/* Counts a connection of role oid against its CONNECTION LIMIT: false (nothing counted) when
 * the limit is reached; the caller gives the slot back when the connection ends. Any thread. */
bool sql_role_connection_take(sql_engine_t *e, uint32_t oid);
void sql_role_connection_give(sql_engine_t *e, uint32_t oid);

typedef enum sql_password_kind {
    SQL_PASSWORD_NONE = 0,
    SQL_PASSWORD_PLAIN, /* not a verifier: never produced, never matches */
    SQL_PASSWORD_MD5,
    SQL_PASSWORD_SCRAM,
} sql_password_kind_t;
sql_password_kind_t sql_password_kind(const char *stored);
/* A SCRAM-SHA-256 verifier taken apart; false when verifier is not one. */
typedef struct sql_scram_secret {
    int iterations;
    uint8_t salt[64];
    size_t salt_len;
    uint8_t stored_key[32], server_key[32];
} sql_scram_secret_t;
bool sql_scram_parse(const char *verifier, sql_scram_secret_t *out);
/* The verifier of password with this salt and iteration count, written to out. */
int sql_scram_build_verifier(const char *password, const uint8_t *salt, size_t saltlen,
                             int iterations, char *out, size_t outn);
/* What PASSWORD 'x' stores: method "scram-sha-256" or "md5" (password_encryption); a
 * password that already is a verifier or an md5 hash is kept as given. */
int sql_password_encrypt(const char *method, const char *role, const char *password, char *out,
                         size_t outn, orb_err_t *err);
/* A cleartext password (AuthenticationCleartextPassword) against the stored verifier. */
bool sql_password_check_plain(const char *stored, const char *role, const char *password);
/* The primitives of the SCRAM exchange (OpenSSL): HMAC-SHA-256, SHA-256, Hi() (PBKDF2). */
void sql_scram_hmac(const uint8_t *key, size_t keylen, const void *msg, size_t n, uint8_t out[32]);
void sql_scram_sha256(const uint8_t *in, size_t n, uint8_t out[32]);
void sql_scram_salted_password(const char *password, const uint8_t *salt, size_t saltlen,
                               int iterations, uint8_t out[32]);
/* md5 passwords: "md5" + md5hex(password || role); the salted answer of the md5 exchange,
 * "md5" + md5hex(md5hex-part-of-stored || salt). out holds 35 characters and a NUL. */
void sql_md5_password(const char *password, const char *role, char out[36]);
void sql_md5_salted(const char *stored_md5, const uint8_t salt[4], char out[36]);
/* Base64 with padding: encode writes 4*ceil(n/3) characters and a NUL; decode returns the
 * byte count, or -1 for bad input or when cap is too small. */
size_t sql_b64_encode(const uint8_t *in, size_t n, char *out);
int sql_b64_decode(const char *in, size_t n, uint8_t *out, size_t cap);
/* Cryptographically strong random bytes (OpenSSL's RAND_bytes); false on failure. */
bool sql_random_bytes(void *out, size_t n);

#endif
