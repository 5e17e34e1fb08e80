/* wire/wire_resp_auth.c — Redis authentication: requirepass (the default user's password),
 * ACL users with passwords (ACL SETUSER / DELUSER / LIST / USERS / WHOAMI), AUTH [user] pass,
 * HELLO ... AUTH user pass, and -NOAUTH for commands before authentication. Users live in
 * memory, as in Redis without an aclfile; passwords are kept as SHA-256 (ACL LIST prints
 * them as #hex, as Redis). Every user may run every command on every key and channel: rules
 * that would restrict that are refused. The list is guarded by sh->amu (a leaf lock). */
#include "wire_resp_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PASSWORDS 16

struct wire_resp_user {
    wire_resp_user_t *next;
    char name[128];
    bool on, nopass;
    int npass;
    char pass[MAX_PASSWORDS][65]; /* SHA-256, lower-case hex */
};

static void sha256_hex(const char *p, size_t n, char out[65]) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static wire_resp_user_t *find_locked(wire_resp_shared_t *sh, const char *name, size_t n) {
    for (wire_resp_user_t *u = sh->users; u; u = u->next)
        if (strlen(u->name) == n && memcmp(u->name, name, n) == 0) return u;
    return NULL;
}

void wire__resp_auth_init(wire_resp_shared_t *sh) {
    pthread_mutex_init(&sh->amu, NULL);
    wire_resp_user_t *d = calloc(1, sizeof *d);
    if (!d) orb_panic("out of memory");
    snprintf(d->name, sizeof d->name, "default");
    d->on = d->nopass = true;
    sh->users = d;
}

void wire__resp_auth_destroy(wire_resp_shared_t *sh) {
    while (sh->users) {
        wire_resp_user_t *u = sh->users;
        sh->users = u->next;
        free(u);
    }
    pthread_mutex_destroy(&sh->amu);
}

void wire__resp_auth_session(wire_conn_t *c, wire_resp_session_t *rs) {
    wire_resp_shared_t *sh = wire__resp_shared(c);
    pthread_mutex_lock(&sh->amu);
    wire_resp_user_t *d = find_locked(sh, "default", 7);
    rs->authed = d && d->on && d->nopass; /* Redis: such a default user logs everyone in */
    pthread_mutex_unlock(&sh->amu);
    snprintf(rs->user, sizeof rs->user, "default");
}

/* Whether user/pass may log in. */
static bool check(wire_resp_shared_t *sh, const char *user, size_t un, const char *pass,
                  size_t pn) {
    char h[65];
    sha256_hex(pass, pn, h);
    pthread_mutex_lock(&sh->amu);
    wire_resp_user_t *u = find_locked(sh, user, un);
    bool ok = u && u->on && u->nopass;
    for (int i = 0; u && u->on && !ok && i < u->npass; i++) ok = CRYPTO_memcmp(h, u->pass[i], 64) == 0;
    pthread_mutex_unlock(&sh->amu);
    return ok;
}

static void wrongpass(rctx_t *x) {
    const char e[] = "WRONGPASS invalid username-password pair or user is disabled.";
    wire_resp_put_error(x->out, e, sizeof e - 1);
}

bool wire__resp_auth_login(rctx_t *x, const char *user, size_t un, const char *pass, size_t pn) {
    if (!check(wire__resp_shared(x->c), user, un, pass, pn)) {
        orb_log(ORB_LOG_WARN, "wire", "resp authentication failed user=%.*s client_id=%llu",
                (int)(un < 64 ? un : 64), user, (unsigned long long)x->rs->id);
        wrongpass(x);
        return false;
    }
    snprintf(x->rs->user, sizeof x->rs->user, "%.*s", (int)un, user);
    wire__resp_client_set_user(x->c->rcl, x->rs->user);
    x->rs->authed = true;
    return true;
}

bool wire__resp_auth_needed(const rctx_t *x) { return !x->rs->authed; }

void wire__resp_h_auth(rctx_t *x) {
    if (x->argc > 3) {
        wire_resp_put_error(x->out, "ERR syntax error", 16);
        return;
    }
    if (x->argc == 2) {
        wire_resp_shared_t *sh = wire__resp_shared(x->c);
        pthread_mutex_lock(&sh->amu);
        wire_resp_user_t *d = find_locked(sh, "default", 7);
        bool nopass = !d || d->nopass;
        pthread_mutex_unlock(&sh->amu);
        if (nopass) {
            const char e[] = "ERR AUTH <password> called without any password configured for the "
                             "default user. Are you sure your configuration is correct?";
            wire_resp_put_error(x->out, e, sizeof e - 1);
            return;
        }
        if (wire__resp_auth_login(x, "default", 7, x->argv[1], x->lens[1]))
            wire_resp_put_status(x->out, "OK");
        return;
    }
    if (wire__resp_auth_login(x, x->argv[1], x->lens[1], x->argv[2], x->lens[2]))
        wire_resp_put_status(x->out, "OK");
}

/* ---- requirepass (CONFIG) --------------------------------------------------------------- */

void wire__resp_auth_requirepass_get(wire_resp_shared_t *sh, char *out, size_t cap) {
    pthread_mutex_lock(&sh->amu);
    snprintf(out, cap, "%s", sh->requirepass);
    pthread_mutex_unlock(&sh->amu);
}

void wire__resp_auth_requirepass_set(wire_resp_shared_t *sh, const char *v, size_t n) {
    pthread_mutex_lock(&sh->amu);
    snprintf(sh->requirepass, sizeof sh->requirepass, "%.*s", (int)n, v);
    wire_resp_user_t *d = find_locked(sh, "default", 7);
    if (d) { /* Redis: requirepass sets the default user's only password (empty: nopass) */
        d->nopass = n == 0;
        d->npass = n ? 1 : 0;
        if (n) sha256_hex(v, n, d->pass[0]);
    }
    pthread_mutex_unlock(&sh->amu);
}

/* ---- ACL ------------------------------------------------------------------------------- */

static void acl_describe(orb_buf_t *b, const wire_resp_user_t *u) {
    orb_buf_printf(b, "user %s %s", u->name, u->on ? "on" : "off");
    if (u->nopass) orb_buf_puts(b, " nopass");
    for (int i = 0; i < u->npass; i++) orb_buf_printf(b, " #%s", u->pass[i]);
    orb_buf_puts(b, " ~* &* +@all");
}

static bool rule_is(const char *r, size_t n, const char *s) {
    return strlen(s) == n && strncasecmp(r, s, n) == 0;
}

/* Applies one SETUSER rule to u; NULL or the error text. */
static const char *apply_rule(wire_resp_user_t *u, const char *r, size_t n) {
    if (rule_is(r, n, "on")) u->on = true;
    else if (rule_is(r, n, "off")) u->on = false;
    else if (rule_is(r, n, "nopass")) {
        u->nopass = true;
        u->npass = 0;
    } else if (rule_is(r, n, "resetpass")) {
        u->nopass = false;
        u->npass = 0;
    } else if (rule_is(r, n, "reset")) {
        u->on = u->nopass = false;
        u->npass = 0;
    } else if (n >= 1 && (r[0] == '>' || r[0] == '<' || r[0] == '#' || r[0] == '!')) {
        char h[65];
        if (r[0] == '>' || r[0] == '<') {
            sha256_hex(r + 1, n - 1, h);
        } else {
            if (n != 65) return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
            for (size_t i = 1; i < n; i++)
                if (!((r[i] >= '0' && r[i] <= '9') || (r[i] >= 'a' && r[i] <= 'f')))
                    return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
            memcpy(h, r + 1, 64);
            h[64] = 0;
        }
        int at = -1;
        for (int i = 0; i < u->npass; i++)
            if (memcmp(u->pass[i], h, 64) == 0) at = i;
        if (r[0] == '>' || r[0] == '#') {
            if (at < 0) {
                if (u->npass == MAX_PASSWORDS) return "orbit keeps at most 16 passwords per user";
                memcpy(u->pass[u->npass++], h, 65);
            }
            u->nopass = false;
        } else {
            if (at < 0) return "no such password";
            memmove(u->pass[at], u->pass[u->npass - 1], 65);
            u->npass--;
        }
    } else if (rule_is(r, n, "~*") || rule_is(r, n, "allkeys") || rule_is(r, n, "%RW~*") ||
               rule_is(r, n, "&*") || rule_is(r, n, "allchannels") || rule_is(r, n, "+@all") ||
               rule_is(r, n, "allcommands") || rule_is(r, n, "resetkeys") ||
               rule_is(r, n, "resetchannels")) {
        /* full access is what every user has here */
    } else {
        return "orbit gives every user every command, key and channel (only rules that keep full access are accepted)";
    }
    return NULL;
}

static void acl_setuser(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    pthread_mutex_lock(&sh->amu);
    wire_resp_user_t *u = find_locked(sh, x->argv[2], x->lens[2]);
    wire_resp_user_t tmp;
    if (u) {
        tmp = *u;
    } else {
        memset(&tmp, 0, sizeof tmp);
        if (x->lens[2] >= sizeof tmp.name) {
            pthread_mutex_unlock(&sh->amu);
            wire_resp_put_error(x->out, "ERR Usernames can't be longer than 127 characters", 50);
            return;
        }
        snprintf(tmp.name, sizeof tmp.name, "%.*s", (int)x->lens[2], x->argv[2]);
    }
    for (int i = 3; i < x->argc; i++) {
        const char *why = apply_rule(&tmp, x->argv[i], x->lens[i]);
        if (why) {
            pthread_mutex_unlock(&sh->amu);
            char buf[512];
            int n = snprintf(buf, sizeof buf, "ERR Error in ACL SETUSER modifier '%.*s': %s",
                             (int)(x->lens[i] < 100 ? x->lens[i] : 100), x->argv[i], why);
            wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
            return;
        }
    }
    if (!u) {
        u = malloc(sizeof *u);
        if (!u) orb_panic("out of memory");
        tmp.next = sh->users;
        *u = tmp;
        sh->users = u;
    } else {
        tmp.next = u->next;
        *u = tmp;
    }
    pthread_mutex_unlock(&sh->amu);
    wire_resp_put_status(x->out, "OK");
}

static int name_cmp(const void *a, const void *b) {
    return strcmp((*(wire_resp_user_t *const *)a)->name, (*(wire_resp_user_t *const *)b)->name);
}

void wire__resp_h_acl(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    if (rule_is(x->argv[1], x->lens[1], "whoami") && x->argc == 2) {
        wire_resp_put_bulk(x->out, x->rs->user, strlen(x->rs->user));
        return;
    }
    if (rule_is(x->argv[1], x->lens[1], "setuser") && x->argc >= 3) return acl_setuser(x);
    if ((rule_is(x->argv[1], x->lens[1], "list") || rule_is(x->argv[1], x->lens[1], "users")) &&
        x->argc == 2) {
        bool list = rule_is(x->argv[1], x->lens[1], "list");
        pthread_mutex_lock(&sh->amu);
        size_t n = 0;
        for (wire_resp_user_t *u = sh->users; u; u = u->next) n++;
        wire_resp_user_t **v = malloc((n ? n : 1) * sizeof *v);
        if (!v) orb_panic("out of memory");
        n = 0;
        for (wire_resp_user_t *u = sh->users; u; u = u->next) v[n++] = u;
        qsort(v, n, sizeof *v, name_cmp);
        wire_resp_put_array(x->out, n);
        for (size_t i = 0; i < n; i++) {
            if (!list) {
                wire_resp_put_bulk(x->out, v[i]->name, strlen(v[i]->name));
                continue;
            }
            orb_buf_t d;
            orb_buf_init(&d);
            acl_describe(&d, v[i]);
            wire_resp_put_bulk(x->out, d.data, d.len);
            orb_buf_free(&d);
        }
        pthread_mutex_unlock(&sh->amu);
        free(v);
        return;
    }
    if (rule_is(x->argv[1], x->lens[1], "deluser") && x->argc >= 3) {
        pthread_mutex_lock(&sh->amu);
        for (int i = 2; i < x->argc; i++)
            if (rule_is(x->argv[i], x->lens[i], "default")) {
                pthread_mutex_unlock(&sh->amu);
                const char e[] = "ERR The 'default' user cannot be removed";
                wire_resp_put_error(x->out, e, sizeof e - 1);
                return;
            }
        int64_t deleted = 0;
        char gone[16][128];
        int ngone = 0;
        for (int i = 2; i < x->argc; i++) {
            for (wire_resp_user_t **pp = &sh->users; *pp; pp = &(*pp)->next) {
                if (strlen((*pp)->name) == x->lens[i] && memcmp((*pp)->name, x->argv[i], x->lens[i]) == 0) {
                    wire_resp_user_t *u = *pp;
                    *pp = u->next;
                    if (ngone < 16) snprintf(gone[ngone++], sizeof gone[0], "%s", u->name);
                    free(u);
                    deleted++;
                    break;
                }
            }
        }
        pthread_mutex_unlock(&sh->amu);
        wire_resp_put_int(x->out, deleted);
        /* Redis closes the connections logged in as a deleted user (this one after its reply) */
        for (int i = 0; i < ngone; i++) {
            if (strcmp(gone[i], x->rs->user) == 0) x->close = true;
            wire__resp_clients_kill_user(sh, gone[i]);
        }
        return;
    }
    char buf[300];
    int n = snprintf(buf, sizeof buf,
                     "ERR unknown subcommand '%.*s'. Try ACL HELP.",
                     (int)(x->lens[1] < 128 ? x->lens[1] : 128), x->argv[1]);
    wire_resp_put_error(x->out, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
}
