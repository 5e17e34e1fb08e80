/* wire/wire_scram.c — the server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL
 * runs it inside AuthenticationSASL: client-first-message -> server-first-message,
 * client-final-message -> server-final-message, without channel binding (only SCRAM-SHA-256 is
 * advertised; a client asking for binding is refused). A role without a SCRAM secret gets a
 * mock exchange that always fails, so the client cannot tell which roles exist. Pure: no I/O
 * (wire_auth.c sends the messages). Entry points: wire_scram_* (wire_int.h). */
#include "wire_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int malformed(orb_err_t *err, const char *detail) {
    orb_err_set(err, PROTOCOL_VIOLATION, "malformed SCRAM message");
    orb_err_detail(err, "%s", detail);
    return -1;
}

void wire_scram_init(wire_scram_t *st, const char *verifier, const char *server_nonce) {
    memset(st, 0, sizeof *st);
    if (!verifier || !sql_scram_parse(verifier, &st->secret)) {
        st->mock = true;
        st->secret.iterations = 4096;
        st->secret.salt_len = 16;
        sql_random_bytes(st->secret.salt, 16);
        sql_random_bytes(st->secret.stored_key, 32);
        sql_random_bytes(st->secret.server_key, 32);
    }
    if (server_nonce) {
        snprintf(st->server_nonce, sizeof st->server_nonce, "%s", server_nonce);
    } else {
        uint8_t raw[18];
        sql_random_bytes(raw, sizeof raw);
        sql_b64_encode(raw, sizeof raw, st->server_nonce);
    }
}

void wire_scram_close(wire_scram_t *st) {
    free(st->client_first_bare);
    free(st->server_first);
    free(st->nonce);
    memset(st, 0, sizeof *st);
}

/* a printable nonce without ',' (RFC 5802 "printable") */
static bool nonce_ok(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',') return false;
    return true;
}

int wire_scram_first(wire_scram_t *st, const char *msg, size_t len, orb_buf_t *out, orb_err_t *err) {
    if (memchr(msg, 0, len)) return malformed(err, "The message contains a NUL byte.");
    char *m = strndup(msg, len);
    if (!m) orb_panic("out of memory");
    const char *p = m;
    int rc = -1;
    /* gs2-header: cbind-flag "," [authzid] "," */
    if (*p == 'p') {
        malformed(err, "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.");
        goto done;
    }
    if (*p != 'n' && *p != 'y') {
        malformed(err, "Unexpected channel-binding flag.");
        goto done;
    }
    st->cbind_flag = *p++;
    if (*p++ != ',') {
        malformed(err, "Comma expected.");
        goto done;
    }
    if (p[0] == 'a' && p[1] == '=') {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "client uses authorization identity, but it is not supported");
        goto done;
    }
    if (*p++ != ',') {
        malformed(err, "Unexpected attribute in client-first-message.");
        goto done;
    }
    const char *bare = p;
    if (p[0] == 'm' && p[1] == '=') {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "client requires an unsupported SCRAM extension");
        goto done;
    }
    if (p[0] != 'n' || p[1] != '=') {
        malformed(err, "Expected attribute \"n\".");
        goto done;
    }
    p = strchr(p, ','); /* the user name is ignored: the startup packet's counts (as PostgreSQL) */
    if (!p || p[1] != 'r' || p[2] != '=') {
        malformed(err, "Expected attribute \"r\".");
        goto done;
    }
    p += 3;
    const char *nend = strchr(p, ',');
    size_t nlen = nend ? (size_t)(nend - p) : strlen(p);
    if (!nonce_ok(p, nlen)) {
        malformed(err, "The client nonce is empty or not printable.");
        goto done;
    }
    st->client_first_bare = strdup(bare);
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_printf(&b, "%.*s%s", (int)nlen, p, st->server_nonce);
    st->nonce = strndup(b.data, b.len);
    orb_buf_free(&b);
    char salt64[96];
    sql_b64_encode(st->secret.salt, st->secret.salt_len, salt64);
    orb_buf_t sf;
    orb_buf_init(&sf);
    orb_buf_printf(&sf, "r=%s,s=%s,i=%d", st->nonce, salt64, st->secret.iterations);
    st->server_first = strndup(sf.data, sf.len);
    orb_buf_free(&sf);
    if (!st->client_first_bare || !st->nonce || !st->server_first) orb_panic("out of memory");
    orb_buf_append(out, st->server_first, strlen(st->server_first));
    st->state = 1;
    rc = 0;
done:
    free(m);
    return rc;
}

int wire_scram_final(wire_scram_t *st, const char *msg, size_t len, orb_buf_t *out, orb_err_t *err) {
    if (st->state != 1) return malformed(err, "Unexpected client-final-message.");
    if (memchr(msg, 0, len)) return malformed(err, "The message contains a NUL byte.");
    char *m = strndup(msg, len);
    if (!m) orb_panic("out of memory");
    int rc = -1;
    const char *p = m;
    if (p[0] != 'c' || p[1] != '=') {
        malformed(err, "Expected attribute \"c\".");
        goto done;
    }
    p += 2;
    const char *e = strchr(p, ',');
    if (!e) {
        malformed(err, "Expected attribute \"r\".");
        goto done;
    }
    uint8_t cb[64];
    int cbn = sql_b64_decode(p, (size_t)(e - p), cb, sizeof cb);
    char expect[4] = {st->cbind_flag, ',', ',', 0};
    if (cbn != 3 || memcmp(cb, expect, 3) != 0) {
        orb_err_set(err, PROTOCOL_VIOLATION, "SCRAM channel binding check failed");
        goto done;
    }
    p = e + 1;
    if (p[0] != 'r' || p[1] != '=') {
        malformed(err, "Expected attribute \"r\".");
        goto done;
    }
    p += 2;
    e = strchr(p, ',');
    if (!e) {
        malformed(err, "Expected attribute \"p\".");
        goto done;
    }
    bool nonce_match = strlen(st->nonce) == (size_t)(e - p) && memcmp(p, st->nonce, (size_t)(e - p)) == 0;
    /* skip extensions up to ",p=" */
    const char *proof = strstr(e, ",p=");
    if (!proof) {
        malformed(err, "Expected attribute \"p\".");
        goto done;
    }
    size_t without_proof = (size_t)(proof - m);
    proof += 3;
    uint8_t client_proof[32];
    if (sql_b64_decode(proof, strlen(proof), client_proof, sizeof client_proof) != 32) {
        malformed(err, "Malformed proof in client-final-message.");
        goto done;
    }
    orb_buf_t am;
    orb_buf_init(&am);
    orb_buf_printf(&am, "%s,%s,%.*s", st->client_first_bare, st->server_first, (int)without_proof, m);
    uint8_t sig[32], client_key[32], h[32];
    sql_scram_hmac(st->secret.stored_key, 32, am.data, am.len, sig);
    for (int i = 0; i < 32; i++) client_key[i] = client_proof[i] ^ sig[i];
    sql_scram_sha256(client_key, 32, h);
    bool ok = !st->mock && nonce_match;
    uint8_t diff = 0;
    for (int i = 0; i < 32; i++) diff |= (uint8_t)(h[i] ^ st->secret.stored_key[i]);
    ok = ok && diff == 0;
    uint8_t server_sig[32];
    sql_scram_hmac(st->secret.server_key, 32, am.data, am.len, server_sig);
    orb_buf_free(&am);
    char v64[64];
    sql_b64_encode(server_sig, 32, v64);
    if (ok) orb_buf_printf(out, "v=%s", v64);
    st->state = 2;
    rc = ok ? 0 : 1;
done:
    free(m);
    return rc;
}
