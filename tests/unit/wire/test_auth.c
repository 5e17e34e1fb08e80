/* tests/unit/wire/test_auth.c — unit tests of authentication's pure parts: the SCRAM-SHA-256
 * server exchange (wire_scram.c) against RFC 7677's test vector, wrong proofs, mock exchanges
 * and malformed messages; stored verifiers and md5 hashes (sql_password.c) against known
 * values; the access rules (wire_hba.c): parsing errors, first match wins, masks, defaults.
 * Run from test_pg_frame.c's main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "wire/wire_int.h"

/* RFC 7677 section 3: user "user", password "pencil" */
static const char rfc_client_first[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
static const char rfc_server_nonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
static const char rfc_server_first[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
static const char rfc_client_final[] = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                       "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
static const char rfc_server_final[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

static void rfc_verifier(char *out, size_t n) {
    uint8_t salt[32];
    int sl = sql_b64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", 24, salt, sizeof salt);
    assert_int_equal(sl, 16);
    assert_int_equal(sql_scram_build_verifier("pencil", salt, (size_t)sl, 4096, out, n), 0);
}

static void test_scram_rfc7677_vector_authenticates(void **st) {
    (void)st;
    char verifier[256];
    rfc_verifier(verifier, sizeof verifier);
    wire_scram_t s;
    wire_scram_init(&s, verifier, rfc_server_nonce);
    assert_false(s.mock);
    orb_buf_t out;
    orb_buf_init(&out);
    orb_err_t err;
    assert_int_equal(wire_scram_first(&s, rfc_client_first, strlen(rfc_client_first), &out, &err), 0);
    assert_int_equal(out.len, strlen(rfc_server_first));
    assert_memory_equal(out.data, rfc_server_first, out.len);
    orb_buf_reset(&out);
    assert_int_equal(wire_scram_final(&s, rfc_client_final, strlen(rfc_client_final), &out, &err), 0);
    assert_int_equal(out.len, strlen(rfc_server_final));
    assert_memory_equal(out.data, rfc_server_final, out.len);
    orb_buf_free(&out);
    wire_scram_close(&s);
}

static void test_scram_wrong_proof_or_nonce_fails(void **st) {
    (void)st;
    char verifier[256];
    rfc_verifier(verifier, sizeof verifier);
    const char *finals[] = {
        /* one bit of the proof changed */
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVU=",
        /* the server's part of the nonce changed */
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    };
    for (size_t i = 0; i < 2; i++) {
        wire_scram_t s;
        wire_scram_init(&s, verifier, rfc_server_nonce);
        orb_buf_t out;
        orb_buf_init(&out);
        orb_err_t err;
        assert_int_equal(wire_scram_first(&s, rfc_client_first, strlen(rfc_client_first), &out, &err), 0);
        orb_buf_reset(&out);
        assert_int_equal(wire_scram_final(&s, finals[i], strlen(finals[i]), &out, &err), 1);
        assert_int_equal(out.len, 0);
        orb_buf_free(&out);
        wire_scram_close(&s);
    }
}

static void test_scram_without_secret_is_a_mock_that_fails(void **st) {
    (void)st;
    const char *stored[] = {NULL, "", "md5b2a2a0a1b2c3d4e5f60718293a4b5c6d"};
    for (size_t i = 0; i < 3; i++) {
        wire_scram_t s;
        wire_scram_init(&s, stored[i], rfc_server_nonce);
        assert_true(s.mock);
        orb_buf_t out;
        orb_buf_init(&out);
        orb_err_t err;
        assert_int_equal(wire_scram_first(&s, rfc_client_first, strlen(rfc_client_first), &out, &err), 0);
        /* a server-first-message like any other: nonce, a salt, 4096 iterations */
        assert_non_null(strstr(out.data, ",i=4096"));
        orb_buf_reset(&out);
        assert_int_equal(wire_scram_final(&s, rfc_client_final, strlen(rfc_client_final), &out, &err), 1);
        orb_buf_free(&out);
        wire_scram_close(&s);
    }
}

static void test_scram_malformed_messages_are_protocol_violations(void **st) {
    (void)st;
    char verifier[256];
    rfc_verifier(verifier, sizeof verifier);
    const char *firsts[] = {"", "x,,n=user,r=abc", "n,n=user,r=abc", "n,,r=abc", "n,,n=user",
                            "n,,n=user,r=", "p=tls-server-end-point,,n=,r=abc"};
    for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
        wire_scram_t s;
        wire_scram_init(&s, verifier, NULL);
        orb_buf_t out;
        orb_buf_init(&out);
        orb_err_t err;
        assert_int_equal(wire_scram_first(&s, firsts[i], strlen(firsts[i]), &out, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
        orb_buf_free(&out);
        wire_scram_close(&s);
    }
    /* authorization identities are 0A000, as PostgreSQL */
    wire_scram_t s;
    wire_scram_init(&s, verifier, NULL);
    orb_buf_t out;
    orb_buf_init(&out);
    orb_err_t err;
    assert_int_equal(wire_scram_first(&s, "n,a=bob,n=,r=abc", 16, &out, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_FEATURE_NOT_SUPPORTED);
    wire_scram_close(&s);
    /* a final message with the wrong channel binding or a short proof */
    const char *finals[] = {"c=eSws,r=x,p=AAAA", "c=biws,r=x", "c=biws,r=x,p=AAAA", "junk"};
    for (size_t i = 0; i < 4; i++) {
        wire_scram_init(&s, verifier, rfc_server_nonce);
        orb_buf_reset(&out);
        assert_int_equal(wire_scram_first(&s, rfc_client_first, strlen(rfc_client_first), &out, &err), 0);
        orb_buf_reset(&out);
        assert_int_equal(wire_scram_final(&s, finals[i], strlen(finals[i]), &out, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
        wire_scram_close(&s);
    }
    orb_buf_free(&out);
}

static void test_verifiers_and_md5_hashes(void **st) {
    (void)st;
    char v[256];
    orb_err_t err;
    assert_int_equal(sql_password_encrypt("scram-sha-256", "alice", "secret", v, sizeof v, &err), 0);
    assert_int_equal(sql_password_kind(v), SQL_PASSWORD_SCRAM);
    assert_true(strncmp(v, "SCRAM-SHA-256$4096:", 19) == 0);
    assert_true(sql_password_check_plain(v, "alice", "secret"));
    assert_false(sql_password_check_plain(v, "alice", "Secret"));
    /* two verifiers of one password differ (random salt) */
    char v2[256];
    assert_int_equal(sql_password_encrypt("scram-sha-256", "alice", "secret", v2, sizeof v2, &err), 0);
    assert_string_not_equal(v, v2);
    /* md5("secret" || "alice"), as PostgreSQL stores it */
    assert_int_equal(sql_password_encrypt("md5", "alice", "secret", v, sizeof v, &err), 0);
    char want[36];
    sql_md5_password("secret", "alice", want);
    assert_string_equal(v, want);
    assert_int_equal(sql_password_kind(v), SQL_PASSWORD_MD5);
    assert_true(sql_password_check_plain(v, "alice", "secret"));
    assert_false(sql_password_check_plain(v, "bob", "secret"));
    /* md5 of "foo" || "bar" is a known value */
    sql_md5_password("foo", "bar", want);
    assert_string_equal(want, "md53858f62230ac3c915f300c664312c63f");
    /* a verifier given as the password is stored as given */
    assert_int_equal(sql_password_encrypt("md5", "alice", v2, v, sizeof v, &err), 0);
    assert_string_equal(v, v2);
    assert_int_equal(sql_password_kind("plain"), SQL_PASSWORD_PLAIN);
    assert_int_equal(sql_password_kind(""), SQL_PASSWORD_NONE);
}

static struct sockaddr_storage addr_of(const char *ip) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        inet_pton(AF_INET6, ip, &a->sin6_addr);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, ip, &a->sin_addr);
    }
    return ss;
}

static wire_auth_method_t match(const wire_hba_t *h, const char *ip, const char *db, const char *user,
                                int *line) {
    struct sockaddr_storage ss = addr_of(ip);
    wire_auth_method_t m;
    if (!wire_hba_match(h, (struct sockaddr *)&ss, db, user, NULL, NULL, &m, line)) return (wire_auth_method_t)-1;
    return m;
}

static void test_hba_first_match_wins(void **st) {
    (void)st;
    const char *text = "# comment\n"
                       "\n"
                       "local all all trust\n"
                       "host shop alice 10.0.0.0/8 md5   # trailing comment\n"
                       "host all \"all\" 10.1.0.0 255.255.0.0 reject\n"
                       "host sameuser,other +staff 192.168.1.1/32 password\n"
                       "hostssl all all all trust\n"
                       "hostnossl all all ::1/128 trust\n"
                       "host all all 0.0.0.0/0 scram-sha-256\n";
    wire_hba_t *h;
    orb_err_t err;
    assert_int_equal(wire_hba_parse(text, "t.conf", &h, &err), 0);
    int line;
    assert_int_equal(match(h, "10.1.2.3", "shop", "alice", &line), WIRE_AUTH_MD5);
    assert_int_equal(line, 4);
    /* "all" quoted is a role named all */
    assert_int_equal(match(h, "10.1.2.3", "shop", "bob", &line), WIRE_AUTH_SCRAM);
    assert_int_equal(match(h, "10.1.2.3", "shop", "all", &line), WIRE_AUTH_REJECT);
    assert_int_equal(line, 5);
    assert_int_equal(match(h, "192.168.1.1", "staff", "staff", &line), WIRE_AUTH_PASSWORD);
    assert_int_equal(match(h, "192.168.1.1", "other", "staff", &line), WIRE_AUTH_PASSWORD);
    assert_int_equal(match(h, "192.168.1.1", "shop", "staff", &line), WIRE_AUTH_SCRAM);
    /* no TLS: hostssl never matches; ::1 does through hostnossl; IPv4-mapped IPv6 is IPv4 */
    assert_int_equal(match(h, "::1", "x", "y", &line), WIRE_AUTH_TRUST);
    assert_int_equal(line, 8);
    assert_int_equal(match(h, "::ffff:10.0.0.7", "shop", "alice", &line), WIRE_AUTH_MD5);
    assert_int_equal((int)match(h, "2001:db8::1", "x", "y", &line), -1);
    wire_hba_free(h);
}

static void test_hba_defaults_trust_loopback_only(void **st) {
    (void)st;
    wire_hba_t *h;
    orb_err_t err;
    assert_int_equal(wire_hba_load(NULL, &h, &err), 0);
    int line;
    assert_int_equal(match(h, "127.0.0.1", "postgres", "postgres", &line), WIRE_AUTH_TRUST);
    assert_int_equal(match(h, "127.0.0.53", "postgres", "x", &line), WIRE_AUTH_TRUST);
    assert_int_equal(match(h, "::1", "postgres", "x", &line), WIRE_AUTH_TRUST);
    assert_int_equal(match(h, "10.0.0.1", "postgres", "postgres", &line), WIRE_AUTH_SCRAM);
    assert_int_equal(match(h, "2001:db8::1", "postgres", "postgres", &line), WIRE_AUTH_SCRAM);
    wire_hba_free(h);
}

static void test_hba_errors_name_file_and_line(void **st) {
    (void)st;
    const char *bad[] = {"hots all all all trust\n", "host all all 10.0.0.0/33 trust\n",
                         "host all all 10.0.0.0/8 ident\n", "host all all\n",
                         "host all all example.com trust\n", "host all all all md5 clientcert=1\n",
                         "local all\n", "host @dbs all all trust\n", "host all all samenet trust\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "host all all all trust\n%s", bad[i]);
        wire_hba_t *h = NULL;
        orb_err_t err;
        assert_int_equal(wire_hba_parse(text, "t.conf", &h, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_CONFIG_FILE_ERROR);
        assert_non_null(strstr(err.message, "\"t.conf\" line 2"));
    }
    wire_hba_t *h;
    orb_err_t err;
    assert_int_equal(wire_hba_load("/nonexistent/orbit_hba.conf", &h, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_CONFIG_FILE_ERROR);
}

int run_auth_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scram_rfc7677_vector_authenticates),
        cmocka_unit_test(test_scram_wrong_proof_or_nonce_fails),
        cmocka_unit_test(test_scram_without_secret_is_a_mock_that_fails),
        cmocka_unit_test(test_scram_malformed_messages_are_protocol_violations),
        cmocka_unit_test(test_verifiers_and_md5_hashes),
        cmocka_unit_test(test_hba_first_match_wins),
        cmocka_unit_test(test_hba_defaults_trust_loopback_only),
        cmocka_unit_test(test_hba_errors_name_file_and_line),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
