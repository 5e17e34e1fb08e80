/* tests/unit/wire/test_tls.c — the TLS session over memory BIOs (wire_tls.c) driven by an
 * OpenSSL client in the same process, no sockets: handshake, data both ways (byte by byte and
 * in MB chunks), close_notify, garbage instead of a ClientHello, connection info, and the
 * certificate/key checks (group/world-readable key, mismatched key, missing file). A
 * throw-away EC key and self-signed certificate are written to a temp directory. Run from
 * test_pg_frame.c's main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "wire/wire_tls.h"

int run_tls_tests(void);

static char dir[256], crt[300], key[300], key2[300];

static EVP_PKEY *write_key(const char *path) {
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    assert_non_null(pk);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    chmod(path, 0600);
    return pk;
}

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/orbit-unit-tls-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(crt, sizeof crt, "%s/server.crt", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    snprintf(key2, sizeof key2, "%s/other.key", dir);
    EVP_PKEY *pk = write_key(key);
    EVP_PKEY_free(write_key(key2));
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                               0);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, pk);
    assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
    FILE *f = fopen(crt, "w");
    assert_non_null(f);
    PEM_write_X509(f, x);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(pk);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(crt);
    unlink(key);
    unlink(key2);
    rmdir(dir);
    return 0;
}

/* ---- an in-memory client ------------------------------------------------------------------ */
typedef struct pair {
    wire_tls_ctx_t *sctx;
    wire_tls_t *srv;
    SSL_CTX *cctx;
    SSL *cli;
    BIO *crb, *cwb;   /* client's read / write BIOs */
    orb_buf_t plain;  /* what the server decrypted */
    int last_rc;
} pair_t;

/* Moves bytes both ways until neither side has anything to send; server-side results in
 * p->plain / p->last_rc. step: feed the server this many bytes at a time (0 = all). */
static void pump(pair_t *p, size_t step) {
    for (int round = 0; round < 100; round++) {
        bool moved = false;
        char buf[1 << 16];
        int n;
        while ((n = BIO_read(p->cwb, buf, sizeof buf)) > 0) {
            moved = true;
            for (size_t off = 0; off < (size_t)n;) {
                size_t k = step && step < (size_t)n - off ? step : (size_t)n - off;
                char why[256];
                p->last_rc = wire_tls_decrypt(p->srv, buf + off, k, &p->plain, why, sizeof why);
                off += k;
                if (p->last_rc < 0)
                    break;
            }
        }
        orb_buf_t out;
        orb_buf_init(&out);
        wire_tls_take_output(p->srv, &out);
        if (out.len) {
            moved = true;
            BIO_write(p->crb, out.data, (int)out.len);
        }
        orb_buf_free(&out);
        if (!SSL_is_init_finished(p->cli)) {
            SSL_do_handshake(p->cli);
            ERR_clear_error();
        }
        if (!moved && BIO_ctrl_pending(p->cwb) == 0)
            return;
    }
}

static void pair_open(pair_t *p) {
    memset(p, 0, sizeof *p);
    orb_err_t err;
    assert_int_equal(wire_tls_ctx_create(crt, key, NULL, &p->sctx, &err), 0);
    p->srv = wire_tls_create(p->sctx);
    p->cctx = SSL_CTX_new(TLS_client_method());
    p->cli = SSL_new(p->cctx);
    p->crb = BIO_new(BIO_s_mem());
    p->cwb = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(p->crb, -1);
    SSL_set_bio(p->cli, p->crb, p->cwb);
    SSL_set_connect_state(p->cli);
    orb_buf_init(&p->plain);
    SSL_do_handshake(p->cli);
    ERR_clear_error();
}

static void pair_close(pair_t *p) {
    SSL_free(p->cli);
    SSL_CTX_free(p->cctx);
    wire_tls_destroy(p->srv);
    wire_tls_ctx_destroy(p->sctx);
    orb_buf_free(&p->plain);
}

/* Reads everything the client can decrypt into out (appends). */
static void client_read_all(pair_t *p, orb_buf_t *out) {
    char buf[1 << 16];
    int n;
    while ((n = SSL_read(p->cli, buf, sizeof buf)) > 0)
        orb_buf_append(out, buf, (size_t)n);
    ERR_clear_error();
}

static void test_tls_handshake_and_data_both_ways(void **state) {
    (void)state;
    pair_t p;
    pair_open(&p);
    assert_false(wire_tls_handshake_done(p.srv));
    pump(&p, 0);
    assert_true(SSL_is_init_finished(p.cli));
    assert_true(wire_tls_handshake_done(p.srv));
    assert_int_equal(p.last_rc, 0);

    sql_ssl_info_t info;
    wire_tls_info(p.srv, &info);
    assert_true(info.ssl);
    assert_string_equal(info.version, "TLSv1.3");
    assert_true(info.bits >= 128);
    assert_false(info.client_cert);

    /* client -> server, fed one byte at a time: partial records wait for the rest */
    const char *msg = "hello over TLS";
    assert_int_equal(SSL_write(p.cli, msg, (int)strlen(msg)), (int)strlen(msg));
    pump(&p, 1);
    assert_int_equal(p.plain.len, strlen(msg));
    assert_memory_equal(p.plain.data, msg, strlen(msg));

    /* server -> client: 3 MB in one call, many records */
    size_t big = 3u << 20;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 31 + 7);
    char why[256];
    assert_int_equal(wire_tls_encrypt(p.srv, data, big, why, sizeof why), 0);
    orb_buf_t out, got;
    orb_buf_init(&out);
    orb_buf_init(&got);
    wire_tls_take_output(p.srv, &out);
    assert_true(out.len > big);
    BIO_write(p.crb, out.data, (int)out.len);
    client_read_all(&p, &got);
    assert_int_equal(got.len, big);
    assert_memory_equal(got.data, data, big);
    free(data);
    orb_buf_free(&out);
    orb_buf_free(&got);
    pair_close(&p);
}

static void test_tls_close_notify_is_reported_and_answered(void **state) {
    (void)state;
    pair_t p;
    pair_open(&p);
    pump(&p, 0);
    SSL_shutdown(p.cli);
    pump(&p, 0);
    assert_int_equal(p.last_rc, WIRE_TLS_CLOSED);
    wire_tls_shutdown(p.srv);
    orb_buf_t out;
    orb_buf_init(&out);
    wire_tls_take_output(p.srv, &out);
    assert_true(out.len > 0); /* our close_notify */
    BIO_write(p.crb, out.data, (int)out.len);
    char b[16];
    assert_true(SSL_read(p.cli, b, sizeof b) <= 0);
    assert_int_equal(SSL_get_error(p.cli, 0) == SSL_ERROR_ZERO_RETURN ||
                         (SSL_get_shutdown(p.cli) & SSL_RECEIVED_SHUTDOWN),
                     1);
    char why[64];
    assert_int_equal(wire_tls_encrypt(p.srv, "x", 1, why, sizeof why), -1);
    orb_buf_free(&out);
    pair_close(&p);
}

static void test_tls_garbage_instead_of_client_hello_fails(void **state) {
    (void)state;
    orb_err_t err;
    wire_tls_ctx_t *ctx;
    assert_int_equal(wire_tls_ctx_create(crt, key, NULL, &ctx, &err), 0);
    wire_tls_t *t = wire_tls_create(ctx);
    orb_buf_t plain, out;
    orb_buf_init(&plain);
    orb_buf_init(&out);
    char why[256] = "";
    const char *junk = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    assert_int_equal(wire_tls_decrypt(t, junk, strlen(junk), &plain, why, sizeof why), -1);
    assert_true(why[0] != '\0');
    assert_int_equal(plain.len, 0);
    wire_tls_take_output(t, &out); /* an alert, possibly */
    assert_true(out.len < 64);
    /* the session stays failed */
    assert_int_equal(wire_tls_decrypt(t, "x", 1, &plain, why, sizeof why), -1);
    assert_int_equal(wire_tls_encrypt(t, "x", 1, why, sizeof why), -1);
    orb_buf_free(&plain);
    orb_buf_free(&out);
    wire_tls_destroy(t);
    wire_tls_ctx_destroy(ctx);
}

static void test_tls_key_file_checks(void **state) {
    (void)state;
    orb_err_t err;
    wire_tls_ctx_t *ctx = NULL;
    chmod(key, 0644);
    assert_int_equal(wire_tls_ctx_create(crt, key, NULL, &ctx, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_CONFIG_FILE_ERROR);
    assert_non_null(strstr(err.message, "has group or world access"));
    assert_non_null(strstr(err.detail, "u=rw (0600)"));
    chmod(key, 0600);

    assert_int_equal(wire_tls_ctx_create(crt, key2, NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.message, key2)); /* the key does not match the certificate */

    char missing[320];
    snprintf(missing, sizeof missing, "%s/nope.key", dir);
    assert_int_equal(wire_tls_ctx_create(crt, missing, NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.message, "could not access private key file"));

    assert_int_equal(wire_tls_ctx_create(missing, key, NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.message, "could not load server certificate file"));

    assert_int_equal(wire_tls_ctx_create(crt, key, crt, &ctx, &err), 0); /* with a CA */
    wire_tls_ctx_destroy(ctx);
}

int run_tls_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_handshake_and_data_both_ways),
        cmocka_unit_test(test_tls_close_notify_is_reported_and_answered),
        cmocka_unit_test(test_tls_garbage_instead_of_client_hello_fails),
        cmocka_unit_test(test_tls_key_file_checks),
    };
    return cmocka_run_group_tests_name("tls", tests, setup, teardown);
}
