/* wire/wire_resp_client.c — the RESP client registry and the commands about connections:
 * CLIENT ID/SETNAME/GETNAME/LIST/INFO/KILL/NO-EVICT/NO-TOUCH/SETINFO/HELP and RESET; also the
 * server-wide RESP state (wire_resp_shared_t: created with the server) and the reply helpers the
 * command files share. A record per connection lists what CLIENT LIST shows; it is created on
 * the loop thread (addresses), registered and freed by the connection's executor.
 * Locks: shared->cmu (the list) > a record's mu > conn->mu. See wire/README.md. */
#include "wire_resp_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers shared by the command files ------------------------------------------------------ */

void wire__resp_err(rctx_t *x, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof buf) n = sizeof buf - 1;
    wire_resp_put_error(x->out, buf, (size_t)n);
}

bool wire__resp_arg_is(const rctx_t *x, int i, const char *s) {
    size_t n = strlen(s);
    return i < x->argc && x->lens[i] == n && strncasecmp(x->argv[i], s, n) == 0;
}

void wire__resp_put_str(orb_buf_t *b, const char *s) { wire_resp_put_bulk(b, s, strlen(s)); }

void wire__resp_put_verbatim(orb_buf_t *b, const char *p, size_t n, int proto) {
    if (proto < 3) return wire_resp_put_bulk(b, p, n);
    orb_buf_printf(b, "=%zu\r\ntxt:", n + 4);
    orb_buf_append(b, p, n);
    orb_buf_append(b, "\r\n", 2);
}

int64_t wire__resp_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void wire__resp_fullname(const char *name, int argc, const char **argv, const size_t *lens,
                         char *out, size_t cap) {
    static const char *const containers[] = {"client", "config", "pubsub", "command", "object",
                                             "memory", "debug", "xinfo", "function", "script"};
    bool container = false;
    for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
        if (strcasecmp(name, containers[i]) == 0) container = true;
    size_t n = 0;
    for (; name[n] && n + 1 < cap; n++) out[n] = (char)tolower((unsigned char)name[n]);
    if (container && argc >= 2 && n + 2 < cap) {
        out[n++] = '|';
        for (size_t i = 0; i < lens[1] && n + 1 < cap; i++)
            out[n++] = (char)tolower((unsigned char)argv[1][i]);
    }
    out[n] = 0;
}

/* ---- the shared state ------------------------------------------------------------------------------ */

wire_resp_shared_t *wire__resp_shared_create(void) {
    wire_resp_shared_t *sh = calloc(1, sizeof *sh);
    if (!sh) orb_panic("out of memory");
    sh->start_ms = wire__resp_now_ms();
    pthread_mutex_init(&sh->cmu, NULL);
    atomic_init(&sh->next_id, 1);
    wire__resp_pubsub_init(sh);
    wire__resp_auth_init(sh);
    wire__resp_config_defaults(sh);
    return sh;
}

void wire__resp_shared_destroy(wire_resp_shared_t *sh) {
    if (!sh) return;
    (void)ORB_ALWAYS(sh->clients == NULL); /* every executor unregistered before the stop */
    wire__resp_pubsub_destroy(sh);
    wire__resp_auth_destroy(sh);
    pthread_mutex_destroy(&sh->cmu);
    free(sh);
}

wire_resp_shared_t *wire__resp_shared(const wire_conn_t *c) {
    return wire__server_resp_shared(c->server);
}

/* ---- the registry ------------------------------------------------------------------------------------ */

static void sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t cap) {
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
    }
    snprintf(out, cap, "%s:%d", host, port);
}

wire_resp_client_t *wire__resp_client_create(wire_conn_t *c) {
    wire_resp_shared_t *sh = wire__resp_shared(c);
    wire_resp_client_t *cl = calloc(1, sizeof *cl);
    if (!cl) orb_panic("out of memory");
    cl->c = c;
    cl->id = atomic_fetch_add(&sh->next_id, 1);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0)
        sockaddr_text(&ss, cl->addr, sizeof cl->addr);
    len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&ss, &len) == 0)
        sockaddr_text(&ss, cl->laddr, sizeof cl->laddr);
    uv_os_fd_t fd = -1;
    cl->fd = uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 ? (int)fd : -1;
    cl->ctime_ms = wire__resp_now_ms();
    atomic_init(&cl->last_ms, cl->ctime_ms);
    atomic_init(&cl->proto, 2);
    atomic_init(&cl->db, 0);
    atomic_init(&cl->nsub, 0);
    atomic_init(&cl->npsub, 0);
    atomic_init(&cl->nssub, 0);
    pthread_mutex_init(&cl->mu, NULL);
    strcpy(cl->cmd, "NULL");
    return cl;
}

void wire__resp_client_register(wire_resp_client_t *cl) {
    wire_resp_shared_t *sh = wire__resp_shared(cl->c);
    atomic_fetch_add(&sh->conns_received, 1);
    pthread_mutex_lock(&sh->cmu);
    cl->next = sh->clients;
    if (sh->clients) sh->clients->prev = cl;
    sh->clients = cl;
    sh->nclients++;
    pthread_mutex_unlock(&sh->cmu);
}

void wire__resp_client_unregister(wire_resp_client_t *cl) {
    wire_resp_shared_t *sh = wire__resp_shared(cl->c);
    pthread_mutex_lock(&sh->cmu);
    if (cl->prev) cl->prev->next = cl->next;
    else sh->clients = cl->next;
    if (cl->next) cl->next->prev = cl->prev;
    sh->nclients--;
    pthread_mutex_unlock(&sh->cmu);
    pthread_mutex_destroy(&cl->mu);
    free(cl->name);
    free(cl);
}

int wire__resp_client_count(wire_resp_shared_t *sh, int *pubsub_clients) {
    pthread_mutex_lock(&sh->cmu);
    int n = sh->nclients, ps = 0;
    for (wire_resp_client_t *cl = sh->clients; cl; cl = cl->next)
        ps += atomic_load(&cl->nsub) + atomic_load(&cl->npsub) + atomic_load(&cl->nssub) > 0;
    pthread_mutex_unlock(&sh->cmu);
    if (pubsub_clients) *pubsub_clients = ps;
    return n;
}

void wire__resp_client_note_command(wire_resp_client_t *cl, int argc, const char **argv,
                                    const size_t *lens) {
    wire_resp_shared_t *sh = wire__resp_shared(cl->c);
    int64_t now = wire__resp_now_ms();
    atomic_store(&cl->last_ms, now);
    uint64_t total = atomic_fetch_add(&sh->commands, 1) + 1;
    char name[32];
    size_t n = lens[0] < sizeof name - 1 ? lens[0] : sizeof name - 1;
    memcpy(name, argv[0], n);
    name[n] = 0;
    pthread_mutex_lock(&cl->mu);
    wire__resp_fullname(name, argc, argv, lens, cl->cmd, sizeof cl->cmd);
    pthread_mutex_unlock(&cl->mu);
    /* instantaneous_ops_per_sec: one sample per 100 ms, taken by whoever runs a command */
    if (pthread_mutex_trylock(&sh->cmu) == 0) {
        int last = (sh->ops_next + 15) % 16;
        if (sh->ops_samples == 0 || now - sh->ops_sample_ms[last] >= 100) {
            sh->ops_sample_ms[sh->ops_next] = now;
            sh->ops_sample_n[sh->ops_next] = total;
            sh->ops_next = (sh->ops_next + 1) % 16;
            if (sh->ops_samples < 16) sh->ops_samples++;
        }
        pthread_mutex_unlock(&sh->cmu);
    }
}

void wire__resp_client_set_name(wire_resp_client_t *cl, const char *p, size_t n) {
    char *name = NULL;
    if (n > 0) {
        name = malloc(n + 1);
        if (!name) orb_panic("out of memory");
        memcpy(name, p, n);
        name[n] = 0;
    }
    pthread_mutex_lock(&cl->mu);
    free(cl->name);
    cl->name = name;
    pthread_mutex_unlock(&cl->mu);
}

void wire__resp_client_set_user(wire_resp_client_t *cl, const char *user) {
    if (!cl) return;
    pthread_mutex_lock(&cl->mu);
    snprintf(cl->user, sizeof cl->user, "%s", user);
    pthread_mutex_unlock(&cl->mu);
}

void wire__resp_clients_kill_user(wire_resp_shared_t *sh, const char *user) {
    pthread_mutex_lock(&sh->cmu);
    for (wire_resp_client_t *cl = sh->clients; cl; cl = cl->next) {
        pthread_mutex_lock(&cl->mu);
        bool hit = strcmp(cl->user[0] ? cl->user : "default", user) == 0;
        pthread_mutex_unlock(&cl->mu);
        if (hit) wire__resp_conn_kill(cl->c);
    }
    pthread_mutex_unlock(&sh->cmu);
}

void wire__resp_conn_kill(wire_conn_t *c) {
    pthread_mutex_lock(&c->mu);
    c->kill = true;
    pthread_mutex_unlock(&c->mu);
    wire__conn_schedule(c);
}

/* ---- CLIENT ---------------------------------------------------------------------------------------- */

static bool valid_name(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] < '!' || p[i] > '~') return false;
    return true;
}

static bool parse_u64(const char *p, size_t n, long long *out) {
    char buf[32];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end || isspace((unsigned char)buf[0])) return false;
    *out = v;
    return true;
}

static bool is_pubsub(const wire_resp_client_t *cl) {
    return atomic_load(&cl->nsub) + atomic_load(&cl->npsub) + atomic_load(&cl->nssub) > 0;
}

/* One CLIENT LIST line (Redis 7.0's field order), '\n'-terminated. cmu held. */
static void put_line(orb_buf_t *b, wire_resp_client_t *cl, int64_t now) {
    pthread_mutex_lock(&cl->c->mu);
    size_t omem = cl->c->pending_out.len + cl->c->inflight;
    pthread_mutex_unlock(&cl->c->mu);
    pthread_mutex_lock(&cl->mu);
    int64_t age = (now - cl->ctime_ms) / 1000, idle = (now - atomic_load(&cl->last_ms)) / 1000;
    orb_buf_printf(b,
                   "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%u "
                   "sub=%d psub=%d ssub=%d multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 "
                   "rbs=0 rbp=0 obl=0 oll=0 omem=%zu tot-mem=%zu events=r cmd=%s user=%s "
                   "redir=-1 resp=%d\n",
                   (unsigned long long)cl->id, cl->addr, cl->laddr, cl->fd,
                   cl->name ? cl->name : "", (long long)age, (long long)idle,
                   is_pubsub(cl) ? "P" : "N", atomic_load(&cl->db), atomic_load(&cl->nsub),
                   atomic_load(&cl->npsub), atomic_load(&cl->nssub), omem, omem, cl->cmd,
                   cl->user[0] ? cl->user : "default", atomic_load(&cl->proto));
    pthread_mutex_unlock(&cl->mu);
}

static wire_resp_client_t *self(rctx_t *x) { return x->c->rcl; }

static void client_list(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    int type = 0; /* 0 all, 1 normal, 2 pubsub, 3 none (master/replica) */
    long long *ids = NULL;
    int nids = 0;
    if (x->argc > 2) {
        if (wire__resp_arg_is(x, 2, "type") && x->argc == 4) {
            if (wire__resp_arg_is(x, 3, "normal")) type = 1;
            else if (wire__resp_arg_is(x, 3, "pubsub")) type = 2;
            else if (wire__resp_arg_is(x, 3, "master") || wire__resp_arg_is(x, 3, "replica") ||
                     wire__resp_arg_is(x, 3, "slave"))
                type = 3;
            else
                return wire__resp_err(x, "ERR Unknown client type '%.*s'", (int)x->lens[3],
                                      x->argv[3]);
        } else if (wire__resp_arg_is(x, 2, "id") && x->argc > 3) {
            ids = orb_alloc(x->mcx, sizeof *ids * (size_t)(x->argc - 3));
            for (int i = 3; i < x->argc; i++) {
                if (!parse_u64(x->argv[i], x->lens[i], &ids[nids]) || ids[nids] <= 0)
                    return wire__resp_err(x, "ERR Invalid client ID");
                nids++;
            }
        } else {
            return wire__resp_err(x, "ERR syntax error");
        }
    }
    orb_buf_t b;
    orb_buf_init(&b);
    int64_t now = wire__resp_now_ms();
    pthread_mutex_lock(&sh->cmu);
    /* oldest first, as Redis lists its clients */
    wire_resp_client_t *last = sh->clients;
    while (last && last->next) last = last->next;
    for (wire_resp_client_t *cl = last; cl; cl = cl->prev) {
        if (type == 3 || (type == 1 && is_pubsub(cl)) || (type == 2 && !is_pubsub(cl))) continue;
        if (nids) {
            bool found = false;
            for (int i = 0; i < nids; i++) found |= (uint64_t)ids[i] == cl->id;
            if (!found) continue;
        }
        put_line(&b, cl, now);
    }
    pthread_mutex_unlock(&sh->cmu);
    wire__resp_put_verbatim(x->out, b.data ? b.data : "", b.len, x->rs->proto);
    orb_buf_free(&b);
}

static void client_info(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    orb_buf_t b;
    orb_buf_init(&b);
    pthread_mutex_lock(&sh->cmu);
    put_line(&b, self(x), wire__resp_now_ms());
    pthread_mutex_unlock(&sh->cmu);
    wire__resp_put_verbatim(x->out, b.data, b.len, x->rs->proto);
    orb_buf_free(&b);
}

/* CLIENT KILL addr | CLIENT KILL <filter value>... (ID, ADDR, LADDR, TYPE, USER, SKIPME,
 * MAXAGE). */
static void client_kill(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    bool old_form = x->argc == 3;
    long long id = 0, maxage = 0;
    const char *addr = NULL, *laddr = NULL;
    size_t addr_n = 0, laddr_n = 0;
    int type = 0;
    bool skipme = true;
    if (old_form) {
        addr = x->argv[2];
        addr_n = x->lens[2];
        skipme = false;
    } else {
        if ((x->argc - 2) % 2 != 0) return wire__resp_err(x, "ERR syntax error");
        for (int i = 2; i < x->argc; i += 2) {
            int v = i + 1;
            if (wire__resp_arg_is(x, i, "id")) {
                if (!parse_u64(x->argv[v], x->lens[v], &id) || id <= 0)
                    return wire__resp_err(x, "ERR client-id should be greater than 0");
            } else if (wire__resp_arg_is(x, i, "addr")) {
                addr = x->argv[v];
                addr_n = x->lens[v];
            } else if (wire__resp_arg_is(x, i, "laddr")) {
                laddr = x->argv[v];
                laddr_n = x->lens[v];
            } else if (wire__resp_arg_is(x, i, "type")) {
                if (wire__resp_arg_is(x, v, "normal")) type = 1;
                else if (wire__resp_arg_is(x, v, "pubsub")) type = 2;
                else if (wire__resp_arg_is(x, v, "master") || wire__resp_arg_is(x, v, "replica") ||
                         wire__resp_arg_is(x, v, "slave"))
                    type = 3;
                else
                    return wire__resp_err(x, "ERR Unknown client type '%.*s'", (int)x->lens[v],
                                          x->argv[v]);
            } else if (wire__resp_arg_is(x, i, "user")) {
                if (!wire__resp_arg_is(x, v, "default"))
                    return wire__resp_err(x, "ERR No such user '%.*s'", (int)x->lens[v],
                                          x->argv[v]);
            } else if (wire__resp_arg_is(x, i, "skipme")) {
                if (wire__resp_arg_is(x, v, "yes")) skipme = true;
                else if (wire__resp_arg_is(x, v, "no")) skipme = false;
                else return wire__resp_err(x, "ERR syntax error");
            } else if (wire__resp_arg_is(x, i, "maxage")) {
                if (!parse_u64(x->argv[v], x->lens[v], &maxage))
                    return wire__resp_err(x, "ERR syntax error");
            } else {
                return wire__resp_err(x, "ERR syntax error");
            }
        }
    }
    int killed = 0;
    bool me = false;
    int64_t now = wire__resp_now_ms();
    pthread_mutex_lock(&sh->cmu);
    for (wire_resp_client_t *cl = sh->clients; cl; cl = cl->next) {
        if (id && cl->id != (uint64_t)id) continue;
        if (addr && (strlen(cl->addr) != addr_n || memcmp(cl->addr, addr, addr_n) != 0)) continue;
        if (laddr && (strlen(cl->laddr) != laddr_n || memcmp(cl->laddr, laddr, laddr_n) != 0))
            continue;
        if (type == 3 || (type == 1 && is_pubsub(cl)) || (type == 2 && !is_pubsub(cl))) continue;
        if (maxage && (now - cl->ctime_ms) / 1000 < maxage) continue;
        if (cl == self(x)) {
            if (skipme) continue;
            me = true; /* closed after this reply */
        } else {
            wire__resp_conn_kill(cl->c);
        }
        killed++;
    }
    pthread_mutex_unlock(&sh->cmu);
    if (me) x->close = true;
    if (old_form) {
        if (killed == 0) return wire__resp_err(x, "ERR No such client");
        return wire_resp_put_status(x->out, "OK");
    }
    wire_resp_put_int(x->out, killed);
}

static const char *const client_help[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME, MAXAGE.",
    "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]",
    "    Return information about client connections.",
    "NO-EVICT (ON|OFF)",
    "    Accepted; orbit does not evict clients.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <LIB-NAME|LIB-VER> <value>",
    "    Accepted and ignored.",
    "HELP",
    "    Print this help.",
};

void wire__resp_h_client(rctx_t *x) {
    char full[64];
    wire__resp_fullname("client", x->argc, x->argv, x->lens, full, sizeof full);
#define ARGC_IS(cond)                                                                         \
    do {                                                                                      \
        if (!(cond))                                                                          \
            return wire__resp_err(x, "ERR wrong number of arguments for '%s' command", full); \
    } while (0)
    if (wire__resp_arg_is(x, 1, "id")) {
        ARGC_IS(x->argc == 2);
        return wire_resp_put_int(x->out, (int64_t)self(x)->id);
    }
    if (wire__resp_arg_is(x, 1, "getname")) {
        ARGC_IS(x->argc == 2);
        wire_resp_client_t *cl = self(x);
        pthread_mutex_lock(&cl->mu);
        if (cl->name) wire__resp_put_str(x->out, cl->name);
        else wire_resp_put_null(x->out, x->rs->proto);
        pthread_mutex_unlock(&cl->mu);
        return;
    }
    if (wire__resp_arg_is(x, 1, "setname")) {
        ARGC_IS(x->argc == 3);
        if (!valid_name(x->argv[2], x->lens[2]))
            return wire__resp_err(x, "ERR Client names cannot contain spaces, newlines or "
                                     "special characters.");
        wire__resp_client_set_name(self(x), x->argv[2], x->lens[2]);
        return wire_resp_put_status(x->out, "OK");
    }
    if (wire__resp_arg_is(x, 1, "list")) return client_list(x);
    if (wire__resp_arg_is(x, 1, "info")) {
        ARGC_IS(x->argc == 2);
        return client_info(x);
    }
    if (wire__resp_arg_is(x, 1, "kill")) {
        ARGC_IS(x->argc >= 3);
        return client_kill(x);
    }
    if (wire__resp_arg_is(x, 1, "no-evict") || wire__resp_arg_is(x, 1, "no-touch")) {
        ARGC_IS(x->argc == 3);
        if (!wire__resp_arg_is(x, 2, "on") && !wire__resp_arg_is(x, 2, "off"))
            return wire__resp_err(x, "ERR syntax error");
        return wire_resp_put_status(x->out, "OK");
    }
    if (wire__resp_arg_is(x, 1, "setinfo")) {
        ARGC_IS(x->argc == 4);
        if (!wire__resp_arg_is(x, 2, "lib-name") && !wire__resp_arg_is(x, 2, "lib-ver"))
            return wire__resp_err(x, "ERR Unrecognized option '%.*s'", (int)x->lens[2],
                                  x->argv[2]);
        if (!valid_name(x->argv[3], x->lens[3]))
            return wire__resp_err(x, "ERR %.*s cannot contain spaces, newlines or special "
                                     "characters.",
                                  (int)x->lens[2], x->argv[2]);
        return wire_resp_put_status(x->out, "OK");
    }
    if (wire__resp_arg_is(x, 1, "help")) {
        ARGC_IS(x->argc == 2);
        size_t n = sizeof client_help / sizeof client_help[0];
        wire_resp_put_array(x->out, n);
        for (size_t i = 0; i < n; i++) wire_resp_put_status(x->out, client_help[i]);
        return;
    }
#undef ARGC_IS
    wire__resp_err(x, "ERR unknown subcommand '%.*s'. Try CLIENT HELP.",
                   (int)(x->lens[1] < 128 ? x->lens[1] : 128), x->argv[1]);
}

/* RESET: back to a fresh connection's state (Redis 7: db 0, RESP2, no name, no subscriptions
 * -- dropped without unsubscribe replies). */
void wire__resp_h_reset(rctx_t *x) {
    wire__resp_multi_reset(x);
    wire__resp_pubsub_drop_all(self(x));
    x->rs->db = 0;
    x->rs->proto = 2;
    atomic_store(&self(x)->db, 0);
    atomic_store(&self(x)->proto, 2);
    wire__resp_client_set_name(self(x), NULL, 0);
    wire_resp_put_status(x->out, "RESET");
}
