/* wire/wire_auth.c — authentication in the startup path, on the connection's executor thread:
 * the first access rule matching (address, database, user) picks the method; trust, reject,
 * scram-sha-256 (AuthenticationSASL / SASLContinue / SASLFinal), md5
 * (AuthenticationMD5Password with a random salt) or password (AuthenticationCleartextPassword).
 * Then the role must exist, have LOGIN and a free connection slot, as PostgreSQL's
 * InitializeSessionUserId checks. Failures are FATAL with PostgreSQL's SQLSTATE and text, and a
 * WARN line in the server log says why. Entry point: wire__auth_run. See README.md
 * ("Authentication"). */
#include "wire_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WIRE_AUTH_MAX_TOKEN 65535

enum {
    AUTH_OK = 0,
    AUTH_CLEARTEXT = 3,
    AUTH_MD5 = 5,
    AUTH_SASL = 10,
    AUTH_SASL_CONTINUE = 11,
    AUTH_SASL_FINAL = 12,
};

static void put_auth(orb_buf_t *b, uint32_t code, const void *data, size_t n) {
    size_t at = wire_msg_begin(b, 'R');
    orb_buf_put_be32(b, code);
    if (n) orb_buf_append(b, data, n);
    wire_msg_end(b, at);
}

static void peer_text(const wire_conn_t *c, char *out, size_t n) {
    const struct sockaddr *sa = (const struct sockaddr *)&c->peer;
    snprintf(out, n, "[unknown]");
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* Waits for the client's PasswordMessage / SASL response (what: "password" or "SASL", for the
 * message): 1 with *it (caller frees), 0 when the client left (psql does that before asking the
 * user for a password), -2 for a message over PostgreSQL's limit (a failed attempt, as there),
 * -1 with err. */
static int read_password_message(wire_conn_t *c, const char *what, wire_item_t **it, orb_err_t *err) {
    wire__conn_flush(c);
    bool timed_out;
    wire_item_t *m = wire__conn_queue_pop_until(c, &c->auth_deadline, &timed_out);
    if (timed_out) /* as PostgreSQL: logged, and the connection closes without a reply */
        orb_log(ORB_LOG_WARN, "wire", "canceling authentication due to timeout pid=%d", c->pid);
    if (!m) return 0;
    if (m->kind == WIRE_ITEM_FATAL) {
        *err = *m->err;
        wire__item_free(m);
        return -1;
    }
    if (m->type == 'X') {
        wire__item_free(m);
        return 0;
    }
    if (m->type == 'p' && m->len > WIRE_AUTH_MAX_TOKEN) { /* PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH */
        orb_log(ORB_LOG_WARN, "wire", "invalid message length pid=%d len=%zu", c->pid, m->len);
        wire__item_free(m);
        return -2;
    }
    if (m->type != 'p') {
        orb_err_set(err, PROTOCOL_VIOLATION, "expected %s response, got message type %d", what,
                    (int)(unsigned char)m->type);
        wire__item_free(m);
        return -1;
    }
    *it = m;
    return 1;
}

/* The SCRAM exchange; 1 authenticated, 0 wrong proof / mock / expired password (PostgreSQL
 * checks VALID UNTIL before it sends SASLFinal), -1 err or client gone. */
static int run_scram(wire_conn_t *c, const char *stored, bool expired, orb_err_t *err) {
    static const char mechs[] = "SCRAM-SHA-256\0"; /* the list ends with an empty name */
    put_auth(&c->out, AUTH_SASL, mechs, sizeof mechs);
    wire_item_t *it = NULL;
    int r = read_password_message(c, "SASL", &it, err);
    if (r == -2) return 0;
    if (r <= 0) {
        if (r == 0) c->auth_gone = true;
        return -1;
    }
    /* SASLInitialResponse: mechanism, int32 length (-1: none), data */
    const char *nul = memchr(it->body, 0, it->len);
    if (!nul || (size_t)(nul - it->body) + 5 > it->len) {
        wire__item_free(it);
        return orb_err_set(err, PROTOCOL_VIOLATION, "invalid SASL initial response message");
    }
    if (strcmp(it->body, "SCRAM-SHA-256") != 0) {
        wire__item_free(it);
        return orb_err_set(err, PROTOCOL_VIOLATION, "client selected an invalid SASL authentication mechanism");
    }
    const char *p = nul + 1;
    int32_t dlen = (int32_t)orb_get_be32(p);
    p += 4;
    size_t avail = it->len - (size_t)(p - it->body);
    if (dlen < 0 || (size_t)dlen != avail) {
        wire__item_free(it);
        return orb_err_set(err, PROTOCOL_VIOLATION, "invalid SASL initial response message");
    }
    wire_scram_t st;
    wire_scram_init(&st, stored, NULL);
    orb_buf_t reply;
    orb_buf_init(&reply);
    int rc = wire_scram_first(&st, p, (size_t)dlen, &reply, err);
    wire__item_free(it);
    if (rc != 0) goto out;
    put_auth(&c->out, AUTH_SASL_CONTINUE, reply.data, reply.len);
    orb_buf_reset(&reply);
    r = read_password_message(c, "SASL", &it, err);
    if (r == -2) {
        rc = 0;
        goto out;
    }
    if (r <= 0) {
        if (r == 0) c->auth_gone = true;
        rc = -1;
        goto out;
    }
    rc = wire_scram_final(&st, it->body, it->len, &reply, err);
    wire__item_free(it);
    if (rc == 0 && expired) {
        rc = 0; /* a right proof for an expired password: no SASLFinal (as PostgreSQL) */
    } else if (rc == 0) {
        put_auth(&c->out, AUTH_SASL_FINAL, reply.data, reply.len);
        rc = 1;
    } else if (rc == 1) {
        rc = 0;
    }
out:
    orb_buf_free(&reply);
    wire_scram_close(&st);
    return rc;
}

static int run_md5(wire_conn_t *c, const char *stored, orb_err_t *err) {
    uint8_t salt[4];
    if (!sql_random_bytes(salt, sizeof salt)) return orb_err_set(err, INTERNAL_ERROR, "could not generate random MD5 salt");
    put_auth(&c->out, AUTH_MD5, salt, sizeof salt);
    wire_item_t *it = NULL;
    int r = read_password_message(c, "password", &it, err);
    if (r == -2) return 0;
    if (r <= 0) {
        if (r == 0) c->auth_gone = true;
        return -1;
    }
    bool ok = false;
    if (sql_password_kind(stored) == SQL_PASSWORD_MD5 && it->len >= 35) {
        char want[36];
        sql_md5_salted(stored, salt, want);
        ok = strlen(it->body) == 35 && memcmp(it->body, want, 35) == 0;
    }
    wire__item_free(it);
    return ok ? 1 : 0;
}

static int run_password(wire_conn_t *c, const char *user, const char *stored, orb_err_t *err) {
    put_auth(&c->out, AUTH_CLEARTEXT, NULL, 0);
    wire_item_t *it = NULL;
    int r = read_password_message(c, "password", &it, err);
    if (r == -2) return 0;
    if (r <= 0) {
        if (r == 0) c->auth_gone = true;
        return -1;
    }
    bool ok = it->body[0] && sql_password_check_plain(stored, user, it->body);
    wire__item_free(it);
    return ok ? 1 : 0;
}

static bool member_of(void *arg, const char *user, const char *role) {
    return sql_role_is_member_of(arg, user, role);
}

int wire__auth_run(wire_conn_t *c, const char *user, const char *db, orb_err_t *err) {
    sql_engine_t *e = wire__server_engine(c->server);
    int tmo = wire__server_auth_timeout_ms(c->server);
    clock_gettime(CLOCK_REALTIME, &c->auth_deadline);
    c->auth_deadline.tv_sec += tmo / 1000;
    c->auth_deadline.tv_nsec += (long)(tmo % 1000) * 1000000L;
    if (c->auth_deadline.tv_nsec >= 1000000000L) {
        c->auth_deadline.tv_sec++;
        c->auth_deadline.tv_nsec -= 1000000000L;
    }
    char host[64];
    peer_text(c, host, sizeof host);
    wire_auth_method_t method;
    int line;
    /* c->ssl_info was written by the loop before this thread started (README "TLS") */
    bool ssl = c->ssl_info.ssl;
    const char *enc = ssl ? "SSL encryption" : "no encryption";
    if (!wire_hba_match(wire__server_hba(c->server), (const struct sockaddr *)&c->peer, ssl, db, user,
                        member_of, e, &method, &line)) {
        orb_log(ORB_LOG_WARN, "wire", "no access rule pid=%d host=%s user=%s database=%s", c->pid, host, user, db);
        return orb_err_set(err, INVALID_AUTHORIZATION_SPECIFICATION,
                           "no pg_hba.conf entry for host \"%s\", user \"%s\", database \"%s\", %s",
                           host, user, db, enc);
    }
    if (method == WIRE_AUTH_REJECT) {
        orb_log(ORB_LOG_WARN, "wire", "connection rejected pid=%d host=%s user=%s database=%s rule_line=%d",
                c->pid, host, user, db, line);
        return orb_err_set(err, INVALID_AUTHORIZATION_SPECIFICATION,
                           "pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", %s",
                           host, user, db, enc);
    }
    sql_role_login_t role;
    bool exists = sql_role_login_info(e, user, &role);
    if (method != WIRE_AUTH_TRUST) {
        const char *stored = exists ? role.password : "";
        int r;
        /* an md5 rule asks for md5 only when the stored password is an md5 hash; otherwise (a
         * SCRAM secret, no password, no such role) it runs SCRAM, as PostgreSQL does */
        if (method == WIRE_AUTH_SCRAM || (method == WIRE_AUTH_MD5 && sql_password_kind(stored) != SQL_PASSWORD_MD5))
            r = run_scram(c, stored, exists && role.password_expired, err);
        else if (method == WIRE_AUTH_MD5)
            r = run_md5(c, stored, err);
        else
            r = run_password(c, user, stored, err);
        if (r < 0) return -1;
        const char *why = !exists      ? "role does not exist"
                          : !stored[0] ? "role has no password assigned"
                          : method == WIRE_AUTH_SCRAM && sql_password_kind(stored) != SQL_PASSWORD_SCRAM
                              ? "role does not have a valid SCRAM secret"
                          : role.password_expired ? "password has expired"
                          : r == 0                ? "password does not match"
                                                  : NULL;
        if (why) {
            orb_log(ORB_LOG_WARN, "wire",
                    "password authentication failed for user \"%s\" pid=%d host=%s method=%s rule_line=%d reason=\"%s\"",
                    user, c->pid, host, wire_auth_method_name(method), line, why);
            return orb_err_set(err, INVALID_PASSWORD, "password authentication failed for user \"%s\"", user);
        }
    }
    if (!exists)
        return orb_err_set(err, INVALID_AUTHORIZATION_SPECIFICATION, "role \"%s\" does not exist", user);
    if (!role.can_login)
        return orb_err_set(err, INVALID_AUTHORIZATION_SPECIFICATION, "role \"%s\" is not permitted to log in", user);
    if (!sql_role_connection_take(e, role.oid))
        return orb_err_set(err, TOO_MANY_CONNECTIONS, "too many connections for role \"%s\"", user);
    c->role_oid = role.oid;
    c->role_counted = true;
    c->role_super = role.superuser;
    orb_log(ORB_LOG_DEBUG, "wire", "authenticated pid=%d host=%s user=%s method=%s rule_line=%d", c->pid, host,
            user, wire_auth_method_name(method), line);
    return 0;
}
