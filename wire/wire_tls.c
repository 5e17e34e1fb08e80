/* wire/wire_tls.c — TLS for pgwire with OpenSSL over two memory BIOs (never a socket), so the
 * loop stays non-blocking: wire_server.c feeds the ciphertext it reads (wire_tls_decrypt) and
 * sends what wire_tls_take_output gives it; plaintext goes in through wire_tls_encrypt.
 * Also loads the server's certificate and key (wire_tls_ctx_create) with PostgreSQL's key
 * file permission check. A session is touched only by its connection's loop thread; the
 * SSL_CTX is read-only once built. See wire/README.md ("TLS"). */
#include "wire_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct wire_tls_ctx {
    SSL_CTX *ssl_ctx;
};

struct wire_tls {
    SSL *ssl;
    BIO *rbio, *wbio; /* owned by ssl */
    bool failed;      /* a fatal error: no more reads or writes */
    bool shutdown_sent;
};

/* The oldest queued OpenSSL error as text (empties the thread's error queue). */
static void ssl_reason(char *why, size_t whyn, const char *fallback) {
    unsigned long e = ERR_get_error();
    if (e == 0)
        snprintf(why, whyn, "%s", fallback);
    else
        ERR_error_string_n(e, why, whyn);
    ERR_clear_error();
}

/* ---- the server's certificate and key --------------------------------------------------- */

/* As PostgreSQL's check_ssl_key_file_permissions: a key readable by others is refused. */
static int check_key_file(const char *key, orb_err_t *err) {
    struct stat st;
    if (stat(key, &st) != 0)
        return orb_err_set(err, CONFIG_FILE_ERROR, "could not access private key file \"%s\": %s",
                           key, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return orb_err_set(err, CONFIG_FILE_ERROR, "private key file \"%s\" is not a regular file",
                           key);
    if (st.st_uid != geteuid() && st.st_uid != 0)
        return orb_err_set(err, CONFIG_FILE_ERROR,
                           "private key file \"%s\" must be owned by the database user or root",
                           key);
    if ((st.st_uid == geteuid() && (st.st_mode & (S_IRWXG | S_IRWXO))) ||
        (st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)))) {
        orb_err_set(err, CONFIG_FILE_ERROR, "private key file \"%s\" has group or world access",
                    key);
        orb_err_detail(err, "File must have permissions u=rw (0600) or less if owned by the "
                            "database user, or permissions u=rw,g=r (0640) or less if owned by "
                            "root.");
        return -1;
    }
    return 0;
}

static int ctx_fail(SSL_CTX *c, orb_err_t *err, const char *what, const char *file) {
    char why[256];
    ssl_reason(why, sizeof why, "unknown error");
    SSL_CTX_free(c);
    return orb_err_set(err, CONFIG_FILE_ERROR, "could not load %s \"%s\": %s", what, file, why);
}

int wire_tls_ctx_create(const char *cert, const char *key, const char *ca, wire_tls_ctx_t **out,
                        orb_err_t *err) {
    if (check_key_file(key, err) != 0)
        return -1;
    SSL_CTX *c = SSL_CTX_new(TLS_server_method());
    if (!c) {
        char why[256];
        ssl_reason(why, sizeof why, "unknown error");
        return orb_err_set(err, CONFIG_FILE_ERROR, "could not create SSL context: %s", why);
    }
    /* As PostgreSQL 15's defaults: ssl_min_protocol_version = TLSv1.2, no renegotiation,
     * no session resumption. */
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                               SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* PostgreSQL's ssl_ciphers default (TLS 1.2 and older; TLS 1.3 suites are OpenSSL's),
     * with ssl_prefer_server_ciphers = on (above) */
    if (SSL_CTX_set_cipher_list(c, "HIGH:MEDIUM:+3DES:!aNULL") != 1)
        return ctx_fail(c, err, "cipher list", "HIGH:MEDIUM:+3DES:!aNULL");
    if (SSL_CTX_use_certificate_chain_file(c, cert) != 1)
        return ctx_fail(c, err, "server certificate file", cert);
    if (SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1)
        return ctx_fail(c, err, "private key file", key);
    if (SSL_CTX_check_private_key(c) != 1)
        return ctx_fail(c, err, "private key file (it does not match the certificate)", key);
    if (ca) {
        if (SSL_CTX_load_verify_locations(c, ca, NULL) != 1)
            return ctx_fail(c, err, "root certificate file", ca);
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
        if (!names)
            return ctx_fail(c, err, "root certificate file", ca);
        SSL_CTX_set_client_CA_list(c, names);
        /* Ask for a client certificate and verify one when sent; not sending one is
         * allowed (PostgreSQL with ssl_ca_file and no clientcert rule). */
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, NULL);
    }
    wire_tls_ctx_t *t = calloc(1, sizeof *t);
    if (!t)
        orb_panic("out of memory");
    t->ssl_ctx = c;
    *out = t;
    return 0;
}

void wire_tls_ctx_destroy(wire_tls_ctx_t *ctx) {
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}

const char *wire_tls_library_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

/* ---- one connection ---------------------------------------------------------------------- */

wire_tls_t *wire_tls_create(wire_tls_ctx_t *ctx) {
    wire_tls_t *t = calloc(1, sizeof *t);
    if (!t)
        orb_panic("out of memory");
    t->ssl = SSL_new(ctx->ssl_ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->rbio || !t->wbio)
        orb_panic("out of memory creating a TLS session");
    /* An empty read BIO means "no data yet" (WANT_READ), not end of file. */
    BIO_set_mem_eof_return(t->rbio, -1);
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_accept_state(t->ssl);
    return t;
}

void wire_tls_destroy(wire_tls_t *t) {
    if (!t)
        return;
    SSL_free(t->ssl); /* frees both BIOs */
    free(t);
}

int wire_tls_decrypt(wire_tls_t *t, const char *cipher, size_t len, orb_buf_t *plain, char *why,
                     size_t whyn) {
    if (t->failed) {
        snprintf(why, whyn, "TLS session already failed");
        return -1;
    }
    while (len > 0) { /* a memory BIO takes everything; the loop only guards int overflow */
        int n = len > (1u << 30) ? (1 << 30) : (int)len;
        int w = BIO_write(t->rbio, cipher, n);
        if (w <= 0)
            orb_panic("out of memory buffering TLS input");
        cipher += w;
        len -= (size_t)w;
    }
    for (;;) {
        orb_buf_reserve(plain, 16 << 10);
        size_t room = plain->cap - plain->len - 1; /* orb_buf keeps a byte for its NUL */
        int n = SSL_read(t->ssl, plain->data + plain->len, room > INT32_MAX ? INT32_MAX : (int)room);
        if (n > 0) {
            plain->len += (size_t)n;
            continue;
        }
        int e = SSL_get_error(t->ssl, n);
        switch (e) {
        case SSL_ERROR_WANT_READ: /* all input consumed (also mid-handshake) */
            ERR_clear_error();
            return 0;
        case SSL_ERROR_WANT_WRITE: /* cannot happen with a memory BIO: it grows */
            ERR_clear_error();
            return 0;
        case SSL_ERROR_ZERO_RETURN:
            ERR_clear_error();
            return WIRE_TLS_CLOSED;
        default:
            t->failed = true;
            ssl_reason(why, whyn, e == SSL_ERROR_SYSCALL ? "unexpected end of TLS stream"
                                                         : "TLS protocol error");
            return -1;
        }
    }
}

int wire_tls_encrypt(wire_tls_t *t, const char *plain, size_t len, char *why, size_t whyn) {
    if (t->failed || t->shutdown_sent) {
        snprintf(why, whyn, "TLS session closed");
        return -1;
    }
    while (len > 0) {
        int n = len > (1u << 30) ? (1 << 30) : (int)len;
        int w = SSL_write(t->ssl, plain, n);
        if (w <= 0) {
            int e = SSL_get_error(t->ssl, w);
            t->failed = true;
            ssl_reason(why, whyn, e == SSL_ERROR_WANT_READ ? "TLS handshake not finished"
                                                           : "TLS write failed");
            return -1;
        }
        plain += w;
        len -= (size_t)w;
    }
    return 0;
}

void wire_tls_take_output(wire_tls_t *t, orb_buf_t *out) {
    size_t pending = BIO_ctrl_pending(t->wbio);
    if (pending == 0)
        return;
    orb_buf_reserve(out, pending);
    int n = BIO_read(t->wbio, out->data + out->len, (int)pending);
    if (n > 0)
        out->len += (size_t)n;
}

void wire_tls_shutdown(wire_tls_t *t) {
    if (t->shutdown_sent || t->failed || !SSL_is_init_finished(t->ssl))
        return;
    t->shutdown_sent = true;
    SSL_shutdown(t->ssl); /* queues close_notify; we do not wait for the client's */
    ERR_clear_error();
}

bool wire_tls_handshake_done(const wire_tls_t *t) { return SSL_is_init_finished(t->ssl); }

/* As PostgreSQL's X509_NAME_to_cstring: "/CN=name/O=org". */
static void name_text(X509_NAME *name, char *out, size_t outn) {
    out[0] = '\0';
    if (!name)
        return;
    BIO *m = BIO_new(BIO_s_mem());
    if (!m)
        return;
    int count = X509_NAME_entry_count(name);
    for (int i = 0; i < count; i++) {
        X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        const char *sn = nid == NID_undef ? "?" : OBJ_nid2sn(nid);
        BIO_printf(m, "/%s=", sn);
        ASN1_STRING_print_ex(m, X509_NAME_ENTRY_get_data(e),
                             (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
                                 ASN1_STRFLGS_UTF8_CONVERT);
    }
    char *p;
    long n = BIO_get_mem_data(m, &p);
    if (n < 0)
        n = 0;
    if ((size_t)n >= outn)
        n = (long)outn - 1;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    BIO_free(m);
}

void wire_tls_info(const wire_tls_t *t, sql_ssl_info_t *out) {
    memset(out, 0, sizeof *out);
    out->ssl = true;
    snprintf(out->version, sizeof out->version, "%s", SSL_get_version(t->ssl));
    snprintf(out->cipher, sizeof out->cipher, "%s", SSL_get_cipher_name(t->ssl));
    out->bits = SSL_get_cipher_bits(t->ssl, NULL);
    X509 *peer = SSL_get1_peer_certificate(t->ssl);
    if (peer) {
        out->client_cert = true;
        name_text(X509_get_subject_name(peer), out->client_dn, sizeof out->client_dn);
        name_text(X509_get_issuer_name(peer), out->issuer_dn, sizeof out->issuer_dn);
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(peer), NULL);
        if (bn) {
            char *dec = BN_bn2dec(bn);
            if (dec) {
                snprintf(out->client_serial, sizeof out->client_serial, "%s", dec);
                OPENSSL_free(dec);
            }
            BN_free(bn);
        }
        X509_free(peer);
    }
}
