/* sql/sql_password.c — stored passwords as PostgreSQL keeps them: SCRAM-SHA-256 verifiers
 * ("SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>", RFC 5802/7677) and md5 hashes
 * ("md5" + md5(password || role name)); never cleartext. Entry points (sql.h): building a
 * verifier (CREATE/ALTER ROLE ... PASSWORD), parsing one, checking a cleartext password
 * against one, and the SCRAM primitives the wire layer's exchange uses. SHA-256, HMAC, PBKDF2,
 * MD5 and random salts come from OpenSSL's libcrypto. See README.md ("Roles"). */
#include "sql_int.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRAM_PREFIX "SCRAM-SHA-256$"
#define SCRAM_SALT_LEN 16
#define SCRAM_ITERATIONS 4096 /* PostgreSQL's scram_iterations default */

/* ---- base64 (RFC 4648, with padding) ------------------------------------------------------- */

size_t sql_b64_encode(const uint8_t *in, size_t n, char *out) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static int b64_val(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int sql_b64_decode(const char *in, size_t n, uint8_t *out, size_t cap) {
    if (n % 4 != 0) return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = in[i + k];
            if (c == '=') {
                if (i + 4 != n || k < 2) return -1;
                pad++;
                v[k] = 0;
                continue;
            }
            if (pad) return -1;
            if ((v[k] = b64_val(c)) < 0) return -1;
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        uint8_t b[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        for (int k = 0; k < 3 - pad; k++) {
            if (o >= cap) return -1;
            out[o++] = b[k];
        }
    }
    return (int)o;
}

/* ---- SCRAM primitives ----------------------------------------------------------------------- */

void sql_scram_hmac(const uint8_t *key, size_t keylen, const void *msg, size_t n, uint8_t out[32]) {
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)keylen, msg, n, out, &len);
}

void sql_scram_sha256(const uint8_t *in, size_t n, uint8_t out[32]) { SHA256(in, n, out); }

/* The password as PostgreSQL hashes it: SASLprep of the text, which is the identity for
 * printable ASCII. Other passwords are used as given (PostgreSQL falls back to the raw bytes
 * when SASLprep rejects a string; normalisation of non-ASCII text is not done here). */
void sql_scram_salted_password(const char *password, const uint8_t *salt, size_t saltlen,
                               int iterations, uint8_t out[32]) {
    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)saltlen, iterations, EVP_sha256(),
                      32, out);
}

static void scram_keys(const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                       uint8_t stored_key[32], uint8_t server_key[32]) {
    uint8_t salted[32], client_key[32];
    sql_scram_salted_password(password, salt, saltlen, iterations, salted);
    sql_scram_hmac(salted, 32, "Client Key", 10, client_key);
    sql_scram_sha256(client_key, 32, stored_key);
    sql_scram_hmac(salted, 32, "Server Key", 10, server_key);
}

bool sql_scram_parse(const char *verifier, sql_scram_secret_t *out) {
    memset(out, 0, sizeof *out);
    if (!verifier || strncmp(verifier, SCRAM_PREFIX, strlen(SCRAM_PREFIX)) != 0) return false;
    const char *p = verifier + strlen(SCRAM_PREFIX);
    char *end;
    long it = strtol(p, &end, 10);
    if (end == p || *end != ':' || it < 1 || it > 100000000) return false;
    out->iterations = (int)it;
    const char *salt = end + 1;
    const char *dollar = strchr(salt, '$');
    if (!dollar) return false;
    int n = sql_b64_decode(salt, (size_t)(dollar - salt), out->salt, sizeof out->salt);
    if (n <= 0) return false;
    out->salt_len = (size_t)n;
    const char *sk = dollar + 1;
    const char *colon = strchr(sk, ':');
    if (!colon) return false;
    if (sql_b64_decode(sk, (size_t)(colon - sk), out->stored_key, 32) != 32) return false;
    if (sql_b64_decode(colon + 1, strlen(colon + 1), out->server_key, 32) != 32) return false;
    return true;
}

static int scram_build(const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                       char *out, size_t outn) {
    uint8_t stored[32], server[32];
    scram_keys(password, salt, saltlen, iterations, stored, server);
    char s64[128], k1[64], k2[64];
    sql_b64_encode(salt, saltlen, s64);
    sql_b64_encode(stored, 32, k1);
    sql_b64_encode(server, 32, k2);
    int n = snprintf(out, outn, SCRAM_PREFIX "%d:%s$%s:%s", iterations, s64, k1, k2);
    return n > 0 && (size_t)n < outn ? 0 : -1;
}

int sql_scram_build_verifier(const char *password, const uint8_t *salt, size_t saltlen,
                             int iterations, char *out, size_t outn) {
    return scram_build(password, salt, saltlen, iterations, out, outn);
}

/* ---- md5 ----------------------------------------------------------------------------------- */

static void md5_hex(const void *data, size_t n, char out[33]) {
    uint8_t d[16];
    unsigned int len = 16;
    EVP_Digest(data, n, d, &len, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

void sql_md5_password(const char *password, const char *role, char out[36]) {
    size_t a = strlen(password), b = strlen(role);
    char *buf = malloc(a + b + 1);
    if (!buf) orb_panic("out of memory");
    memcpy(buf, password, a);
    memcpy(buf + a, role, b);
    memcpy(out, "md5", 3);
    md5_hex(buf, a + b, out + 3);
    free(buf);
}

void sql_md5_salted(const char *stored_md5, const uint8_t salt[4], char out[36]) {
    char buf[32 + 4];
    memcpy(buf, stored_md5 + 3, 32);
    memcpy(buf + 32, salt, 4);
    memcpy(out, "md5", 3);
    md5_hex(buf, sizeof buf, out + 3);
}

static bool is_md5(const char *s) {
    if (strncmp(s, "md5", 3) != 0 || strlen(s) != 35) return false;
    for (int i = 3; i < 35; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

sql_password_kind_t sql_password_kind(const char *stored) {
    if (!stored || !stored[0]) return SQL_PASSWORD_NONE;
    if (is_md5(stored)) return SQL_PASSWORD_MD5;
    sql_scram_secret_t sec;
    if (sql_scram_parse(stored, &sec)) return SQL_PASSWORD_SCRAM;
    return SQL_PASSWORD_PLAIN;
}

/* ---- building and checking ------------------------------------------------------------------ */

int sql_password_encrypt(const char *method, const char *role, const char *password, char *out,
                         size_t outn, orb_err_t *err) {
    /* a password that already is a verifier or an md5 hash is stored as given (pg_dump) */
    sql_password_kind_t k = sql_password_kind(password);
    if (k == SQL_PASSWORD_MD5 || k == SQL_PASSWORD_SCRAM) {
        if (strlen(password) >= outn) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "password too long");
        snprintf(out, outn, "%s", password);
        return 0;
    }
    if (strcmp(method, "md5") == 0) {
        if (outn < 36) return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "password too long");
        sql_md5_password(password, role, out);
        return 0;
    }
    uint8_t salt[SCRAM_SALT_LEN];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return orb_err_set(err, INTERNAL_ERROR, "could not generate random salt");
    if (scram_build(password, salt, sizeof salt, SCRAM_ITERATIONS, out, outn) != 0)
        return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "password too long");
    return 0;
}

bool sql_password_check_plain(const char *stored, const char *role, const char *password) {
    switch (sql_password_kind(stored)) {
    case SQL_PASSWORD_MD5: {
        char h[36];
        sql_md5_password(password, role, h);
        return CRYPTO_memcmp(h, stored, 35) == 0;
    }
    case SQL_PASSWORD_SCRAM: {
        sql_scram_secret_t sec;
        sql_scram_parse(stored, &sec);
        uint8_t stored_key[32], server_key[32];
        scram_keys(password, sec.salt, sec.salt_len, sec.iterations, stored_key, server_key);
        return CRYPTO_memcmp(stored_key, sec.stored_key, 32) == 0 &&
               CRYPTO_memcmp(server_key, sec.server_key, 32) == 0;
    }
    default:
        return false;
    }
}

bool sql_random_bytes(void *out, size_t n) { return RAND_bytes(out, (int)n) == 1; }
