/* wire/wire_server.c — the libuv side of the server: the listening socket (accepted on loop
 * 0 with uv_poll + accept4 and handed round robin to the I/O loops through uv_async), one
 * thread and uv_loop per I/O loop, connection reads/writes/close, the per-loop ready list
 * through which executor threads hand output back, and the two-phase shutdown. (CancelRequest
 * goes to sql's backend registry, sql_engine_cancel.) Entry points: wire_server_start / wire_server_stop.
 * Refcounts, lock order and invariants: wire/README.md. */
#define _GNU_SOURCE /* accept4 */
#include "wire_int.h"
#include "wire_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct wire_loop {
    wire_server_t *server;
    int idx;
    uv_loop_t loop;
    uv_async_t async;
    pthread_t thread;
    bool started;
    /* Guarded by mu. */
    pthread_mutex_t mu;
    wire_conn_t *ready_head; /* connections the loop must look at (each holds a ref) */
    int *fds; /* accepted sockets waiting to become connections: fd * 2 + (1 for RESP) */
    int nfds, capfds;
    int phase; /* 0 running, 1 close connections, 2 exit */
    /* Loop-thread only. */
    int handled_phase;
    wire_conn_t *conns;
    uv_poll_t poll; /* loop 0: the listening socket */
    bool polling;
    uv_poll_t rpoll; /* loop 0: the RESP listening socket */
    bool rpolling;
};

struct wire_server {
    wire_config_t cfg;
    sql_engine_t *engine;
    int listen_fd;
    int port;
    int nloops;
    wire_loop_t *loops;
    atomic_uint rr;
    atomic_int next_pid;
    atomic_int nbackends;  /* PostgreSQL-protocol connections past their StartupMessage */
    /* Guarded by mu. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    wire_tls_ctx_t *tls;   /* NULL: no certificate, SSLRequest gets 'N'; immutable */
    int nexec;             /* live executor threads */
    int acks;              /* loops that finished shutdown phase 1 */
    /* RESP */
    wire_hba_t *hba; /* the access rules, immutable while the server runs */
    int resp_fd; /* -1: disabled */
    int resp_port;
    pthread_t sweeper;
    bool sweeping;     /* the sweeper thread runs */
    bool sweeper_stop; /* guarded by mu; signalled on cond */
    struct wire_resp_shared *resp_shared; /* clients, Pub/Sub, settings (wire_resp_int.h) */
};

size_t wire__server_max_message(const wire_server_t *s) { return s->cfg.max_message; }
sql_engine_t *wire__server_engine(const wire_server_t *s) { return s->engine; }
const wire_hba_t *wire__server_hba(const wire_server_t *s) { return s->hba; }
int wire__server_auth_timeout_ms(const wire_server_t *s) {
    return s->cfg.auth_timeout_ms > 0 ? s->cfg.auth_timeout_ms : WIRE_DEFAULT_AUTH_TIMEOUT_MS;
}
static int max_connections(const wire_server_t *s) {
    return s->cfg.max_connections > 0 ? s->cfg.max_connections : 100;
}
bool wire__server_backend_take(wire_server_t *s) {
    int n = atomic_load(&s->nbackends);
    do {
        if (n >= max_connections(s)) return false;
    } while (!atomic_compare_exchange_weak(&s->nbackends, &n, n + 1));
    return true;
}
void wire__server_backend_give(wire_server_t *s) { atomic_fetch_sub(&s->nbackends, 1); }
bool wire__server_backend_reserved(wire_server_t *s) {
    return max_connections(s) - atomic_load(&s->nbackends) < s->cfg.reserved_connections;
}
int wire_server_port(const wire_server_t *s) { return s->port; }
int wire_server_resp_port(const wire_server_t *s) { return s->resp_fd >= 0 ? s->resp_port : 0; }
act_runtime_t *wire__server_runtime(const wire_server_t *s) { return s->cfg.rt; }
bool wire__server_tls(const wire_server_t *s) { return s->tls != NULL; }
struct wire_resp_shared *wire__server_resp_shared(const wire_server_t *s) {
    return s->resp_shared;
}

/* ---- refcount ------------------------------------------------------------------------- */
static void conn_free(wire_conn_t *c) {
    wire_item_t *it = c->head;
    while (it) {
        wire_item_t *next = it->next;
        wire__item_free(it);
        it = next;
    }
    orb_buf_free(&c->in);
    orb_buf_free(&c->xin);
    orb_buf_free(&c->pending_out);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cond);
    free(c);
}

void wire__conn_unref(wire_conn_t *c) {
    if (atomic_fetch_sub(&c->refs, 1) == 1)
        conn_free(c);
}

/* ---- writes and close (loop thread) ---------------------------------------------------- */
typedef struct wreq {
    uv_write_t req;
    wire_conn_t *c;
    char *data;
    size_t len;
} wreq_t;

static void on_conn_closed(uv_handle_t *h) {
    wire_conn_t *c = h->data;
    wire_loop_t *l = c->loop;
    if (c->lprev)
        c->lprev->lnext = c->lnext;
    else
        l->conns = c->lnext;
    if (c->lnext)
        c->lnext->lprev = c->lprev;
    orb_log(ORB_LOG_DEBUG, "wire", "connection closed pid=%d", c->pid);
    wire_tls_destroy(c->tls);
    c->tls = NULL;
    wire__conn_unref(c); /* the loop's reference */
}

void wire__conn_close(wire_conn_t *c) {
    if (c->closing)
        return;
    c->closing = true;
    if (c->reading)
        uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
    pthread_mutex_lock(&c->mu);
    c->shut = true;
    wire__conn_wake(c);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_written(uv_write_t *req, int status) {
    wreq_t *w = (wreq_t *)req;
    wire_conn_t *c = w->c;
    pthread_mutex_lock(&c->mu);
    c->inflight -= w->len;
    size_t inflight = c->inflight;
    bool wake = c->out_waiters > 0; /* else the executor waits for input: not its business */
    pthread_mutex_unlock(&c->mu);
    if (wake) pthread_cond_broadcast(&c->cond);
    free(w->data);
    free(w);
    if (c->closing)
        return;
    if (status < 0) {
        orb_log(ORB_LOG_DEBUG, "wire", "write failed pid=%d reason=%s", c->pid,
                uv_strerror(status));
        wire__conn_close(c);
    } else if (c->close_when_drained && inflight == 0) {
        wire__conn_close(c);
    }
}

/* Takes ownership of data (malloc'd): bytes exactly as they go on the socket. */
static void write_raw(wire_conn_t *c, char *data, size_t len) {
    if (c->closing || len == 0) {
        free(data);
        return;
    }
    wreq_t *w = malloc(sizeof *w);
    if (!w)
        orb_panic("out of memory");
    w->c = c;
    w->data = data;
    w->len = len;
    pthread_mutex_lock(&c->mu);
    c->inflight += len;
    pthread_mutex_unlock(&c->mu);
    uv_buf_t buf = uv_buf_init(data, (unsigned)len);
    int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written);
    if (rc != 0) {
        pthread_mutex_lock(&c->mu);
        c->inflight -= len;
        pthread_mutex_unlock(&c->mu);
        free(data);
        free(w);
        wire__conn_close(c);
    }
}

/* Sends the ciphertext the TLS session has ready (handshake messages, records, alerts). */
static void tls_flush(wire_conn_t *c) {
    orb_buf_t b;
    orb_buf_init(&b);
    wire_tls_take_output(c->tls, &b);
    if (b.len)
        write_raw(c, b.data, b.len);
    else
        orb_buf_free(&b);
}

/* Takes ownership of data (malloc'd): protocol bytes, encrypted first on a TLS connection. */
static void write_owned(wire_conn_t *c, char *data, size_t len) {
    if (!c->tls) {
        write_raw(c, data, len);
        return;
    }
    char why[256];
    int rc = c->closing ? 0 : wire_tls_encrypt(c->tls, data, len, why, sizeof why);
    free(data);
    if (c->closing)
        return;
    if (rc != 0) {
        orb_log(ORB_LOG_DEBUG, "wire", "TLS write failed pid=%d reason=%s", c->pid, why);
        wire__conn_close(c);
        return;
    }
    tls_flush(c);
}

void wire__conn_tls_start(wire_conn_t *c) {
    if (ORB_NEVER(!c->server->tls || c->tls))
        return;
    c->tls = wire_tls_create(c->server->tls);
}

void wire__conn_write(wire_conn_t *c, const void *data, size_t len) {
    if (c->closing || len == 0)
        return;
    char *copy = malloc(len);
    if (!copy)
        orb_panic("out of memory");
    memcpy(copy, data, len);
    write_owned(c, copy, len);
}

void wire__conn_close_after_write(wire_conn_t *c) {
    if (c->closing)
        return;
    c->close_when_drained = true;
    wire__conn_read_pause(c);
    if (c->tls) { /* say goodbye with close_notify, as PostgreSQL's SSL_shutdown */
        wire_tls_shutdown(c->tls);
        tls_flush(c);
    }
    pthread_mutex_lock(&c->mu);
    size_t inflight = c->inflight;
    pthread_mutex_unlock(&c->mu);
    if (inflight == 0)
        wire__conn_close(c);
}

/* ---- reads (loop thread) -------------------------------------------------------------- */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    wire_conn_t *c = h->data;
    ORB_UNUSED(suggested);
    orb_buf_reserve(&c->in, 64 << 10);
    /* Keep the byte orb_buf reserves for its NUL terminator. */
    *buf = uv_buf_init(c->in.data + c->in.len, (unsigned)(c->in.cap - c->in.len - 1));
}

/* A TLS connection's ciphertext was read into c->in's spare capacity: decrypt it into c->in
 * (README "TLS"). Returns -1 when the connection is ending (close_notify, a TLS error). */
static int tls_read(wire_conn_t *c, size_t nread) {
    char why[256];
    bool was_done = wire_tls_handshake_done(c->tls);
    int rc = wire_tls_decrypt(c->tls, c->in.data + c->in.len, nread, &c->in, why, sizeof why);
    if (rc == 0 && !was_done && wire_tls_handshake_done(c->tls)) {
        wire_tls_info(c->tls, &c->ssl_info);
        orb_log(ORB_LOG_DEBUG, "wire", "TLS handshake done pid=%d version=%s cipher=%s", c->pid,
                c->ssl_info.version, c->ssl_info.cipher);
    }
    tls_flush(c);
    if (rc == 0)
        return 0;
    if (rc == WIRE_TLS_CLOSED) {
        orb_log(ORB_LOG_DEBUG, "wire", "TLS close_notify pid=%d", c->pid);
    } else {
        /* PostgreSQL logs "could not accept SSL connection" at LOG too */
        orb_log(was_done ? ORB_LOG_INFO : ORB_LOG_NOTICE, "wire",
                "%s pid=%d reason=%s",
                was_done ? "TLS error, closing connection" : "could not accept SSL connection",
                c->pid, why);
    }
    c->no_more_input = true;
    wire__conn_close_after_write(c); /* after the alert or our close_notify */
    return -1;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf) {
    wire_conn_t *c = st->data;
    ORB_UNUSED(buf);
    if (nread < 0) {
        if (nread != UV_EOF)
            orb_log(ORB_LOG_DEBUG, "wire", "read failed pid=%d reason=%s", c->pid,
                    uv_strerror((int)nread));
        if (nread == UV_EOF && c->has_executor && !c->closing) {
            /* the client closed its end: the executor answers what it sent first, then ends
             * and the connection closes after the answers (README "Direct read") */
            c->no_more_input = true;
            wire__conn_read_pause(c);
            pthread_mutex_lock(&c->mu);
            c->x_eof = true;
            wire__conn_wake(c);
            pthread_mutex_unlock(&c->mu);
            pthread_cond_broadcast(&c->cond);
            return;
        }
        wire__conn_close(c);
        return;
    }
    if (nread == 0 || c->no_more_input)
        return;
    if (c->tls && tls_read(c, (size_t)nread) != 0)
        return;
    if (!c->tls)
        c->in.len += (size_t)nread;
    wire__conn_on_input(c);
}

void wire__conn_read_pause(wire_conn_t *c) {
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    if (!c->no_more_input) {
        pthread_mutex_lock(&c->mu);
        c->read_paused = true;
        pthread_mutex_unlock(&c->mu);
    }
}

static void read_start(wire_conn_t *c) {
    if (c->reading || c->closing || c->no_more_input || c->reads_handed)
        return;
    int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc != 0) {
        wire__conn_close(c);
        return;
    }
    c->reading = true;
}

void wire__conn_wake(wire_conn_t *c) {
    if (c->efd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(c->efd, &one, sizeof one); /* EAGAIN: a wake-up is pending already */
        ORB_UNUSED(n);
    }
}

/* README "Direct read": the loop stops reading for good and gives the executor what it read
 * and did not frame yet (never a whole frame: wire__conn_on_input queues those at once). */
void wire__conn_hand_reads(wire_conn_t *c) {
    bool can = !c->closing && !c->no_more_input && !c->tls && !c->reads_handed;
    if (can && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    pthread_mutex_lock(&c->mu);
    c->want_read = false;
    if (can) {
        c->reads_handed = true;
        c->xin = c->in; /* the executor's from here on */
        orb_buf_init(&c->in);
        c->xdec = c->dec;
        c->direct_read = true;
        c->read_paused = false;
        wire__conn_wake(c);
    }
    pthread_mutex_unlock(&c->mu);
    if (can) pthread_cond_broadcast(&c->cond);
}

/* ---- the ready list ------------------------------------------------------------------- */
void wire__conn_schedule(wire_conn_t *c) {
    bool push = false;
    pthread_mutex_lock(&c->mu);
    if (!c->on_ready_list) {
        c->on_ready_list = true;
        atomic_fetch_add(&c->refs, 1);
        push = true;
    }
    pthread_mutex_unlock(&c->mu);
    if (!push)
        return;
    wire_loop_t *l = c->loop;
    pthread_mutex_lock(&l->mu);
    c->ready_next = l->ready_head;
    l->ready_head = c;
    pthread_mutex_unlock(&l->mu);
    uv_async_send(&l->async);
}

/* Loop thread: write what the executor produced, close on its request, resume reading. */
static void conn_service(wire_conn_t *c) {
    orb_buf_t out;
    pthread_mutex_lock(&c->mu);
    c->on_ready_list = false;
    out = c->pending_out;
    orb_buf_init(&c->pending_out);
    if (out.len) c->loop_taking++; /* until write_raw counts it inflight (wire__conn_flush) */
    bool close = c->exec_close;
    bool kill = c->kill;
    bool hand = c->want_read;
    bool resume = c->read_paused && c->in_bytes < WIRE_IN_LOW;
    if (resume)
        c->read_paused = false;
    pthread_mutex_unlock(&c->mu);
    if (c->closing || kill) { /* killed: what is pending is dropped (as Redis) */
        orb_buf_free(&out);
        wire__conn_close(c);
        return;
    }
    if (out.len) {
        write_owned(c, out.data, out.len);
        pthread_mutex_lock(&c->mu);
        c->loop_taking--;
        pthread_mutex_unlock(&c->mu);
    } else {
        orb_buf_free(&out);
    }
    if (close)
        wire__conn_close_after_write(c);
    else if (hand)
        wire__conn_hand_reads(c);
    else if (resume)
        read_start(c);
}

int wire__executor_start(wire_conn_t *c) {
    wire_server_t *s = c->server;
    uv_os_fd_t fd;
    c->direct_fd = !c->tls && uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 ? (int)fd : -1;
    atomic_fetch_add(&c->refs, 1);
    c->has_executor = true;
    pthread_mutex_lock(&s->mu);
    s->nexec++;
    pthread_mutex_unlock(&s->mu);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&c->thread, &attr, c->resp ? wire__resp_executor_main
                                                       : wire__executor_main, c);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        orb_log(ORB_LOG_ERROR, "wire", "could not create executor thread pid=%d errno=%d", c->pid,
                rc);
        c->has_executor = false;
        pthread_mutex_lock(&s->mu);
        s->nexec--;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
        wire__conn_unref(c);
        return -1;
    }
    return 0;
}

void wire__executor_done(wire_conn_t *c) {
    wire_server_t *s = c->server;
    pthread_mutex_lock(&c->mu);
    c->exec_close = true;
    pthread_mutex_unlock(&c->mu);
    wire__conn_schedule(c);
    wire__conn_unref(c); /* the executor's reference */
    pthread_mutex_lock(&s->mu);
    s->nexec--;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

/* ---- accepting ------------------------------------------------------------------------ */
static void conn_open(wire_loop_t *l, int fd, bool resp) {
    wire_server_t *s = l->server;
    wire_conn_t *c = calloc(1, sizeof *c);
    if (!c)
        orb_panic("out of memory");
    c->server = s;
    c->loop = l;
    c->resp = resp;
    c->direct_fd = -1; /* until the executor starts */
    c->efd = -1;
    c->rfd = -1;
    atomic_init(&c->refs, 1);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cond, NULL);
    orb_buf_init(&c->in);
    orb_buf_init(&c->xin);
    orb_buf_init(&c->pending_out);
    wire_decoder_init(&c->dec, s->cfg.max_message);
    c->pid = atomic_fetch_add(&s->next_pid, 1);
    uint32_t secret = 0;
    if (getrandom(&secret, sizeof secret, 0) != (ssize_t)sizeof secret)
        secret = (uint32_t)rand() ^ (uint32_t)(uintptr_t)c;
    c->secret = (int32_t)secret;
    uv_tcp_init(&l->loop, &c->tcp);
    c->tcp.data = c;
    c->lnext = l->conns;
    if (l->conns)
        l->conns->lprev = c;
    l->conns = c;
    /* the client's address: access rules (wire_hba.c) and pg_stat_activity (the executor never
     * touches the socket) */
    socklen_t plen = sizeof c->peer;
    if (getpeername(fd, (struct sockaddr *)&c->peer, &plen) != 0) {
        memset(&c->peer, 0, sizeof c->peer); /* matches no host rule */
    } else if (c->peer.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&c->peer;
        inet_ntop(AF_INET, &in->sin_addr, c->peer_addr, sizeof c->peer_addr);
        c->peer_port = ntohs(in->sin_port);
    } else if (c->peer.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&c->peer;
        inet_ntop(AF_INET6, &in6->sin6_addr, c->peer_addr, sizeof c->peer_addr);
        c->peer_port = ntohs(in6->sin6_port);
    }
    int rc = uv_tcp_open(&c->tcp, fd);
    if (rc != 0) {
        orb_log(ORB_LOG_WARN, "wire", "could not adopt socket reason=%s", uv_strerror(rc));
        close(fd);
        wire__conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    orb_log(ORB_LOG_DEBUG, "wire", "connection accepted pid=%d loop=%d", c->pid, l->idx);
    read_start(c);
}

static void accept_some(wire_loop_t *l0, int listen_fd, bool resp) {
    wire_server_t *s = l0->server;
    for (int n = 0; n < 64; n++) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                orb_log(ORB_LOG_WARN, "wire", "accept failed errno=%d (%s)", errno,
                        strerror(errno));
            return;
        }
        wire_loop_t *l = &s->loops[atomic_fetch_add(&s->rr, 1) % (unsigned)s->nloops];
        pthread_mutex_lock(&l->mu);
        if (l->nfds == l->capfds) {
            int cap = l->capfds ? l->capfds * 2 : 16;
            int *fds = realloc(l->fds, sizeof(int) * (size_t)cap);
            if (!fds)
                orb_panic("out of memory");
            l->fds = fds;
            l->capfds = cap;
        }
        l->fds[l->nfds++] = fd * 2 + (resp ? 1 : 0);
        pthread_mutex_unlock(&l->mu);
        uv_async_send(&l->async);
    }
}

static void on_listen_readable(uv_poll_t *p, int status, int events) {
    wire_loop_t *l0 = p->data;
    ORB_UNUSED(events);
    if (status >= 0)
        accept_some(l0, l0->server->listen_fd, false);
}

static void on_resp_readable(uv_poll_t *p, int status, int events) {
    wire_loop_t *l0 = p->data;
    ORB_UNUSED(events);
    if (status >= 0)
        accept_some(l0, l0->server->resp_fd, true);
}

/* ---- loop thread ---------------------------------------------------------------------- */
static void on_async(uv_async_t *a) {
    wire_loop_t *l = a->data;
    wire_server_t *s = l->server;
    int fds[64];
    for (;;) { /* drain the accepted sockets, 64 at a time */
        pthread_mutex_lock(&l->mu);
        int n = l->nfds < 64 ? l->nfds : 64;
        if (n > 0)
            memcpy(fds, l->fds + (l->nfds - n), sizeof(int) * (size_t)n);
        l->nfds -= n;
        int phase = l->phase;
        pthread_mutex_unlock(&l->mu);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            if (phase > 0)
                close(fds[i] / 2);
            else
                conn_open(l, fds[i] / 2, fds[i] % 2 == 1);
        }
    }
    pthread_mutex_lock(&l->mu);
    wire_conn_t *ready = l->ready_head;
    l->ready_head = NULL;
    int phase = l->phase;
    pthread_mutex_unlock(&l->mu);
    while (ready) {
        wire_conn_t *c = ready;
        ready = c->ready_next;
        c->ready_next = NULL;
        conn_service(c);
        wire__conn_unref(c); /* the ready list's reference */
    }
    if (phase >= 1 && l->handled_phase < 1) {
        l->handled_phase = 1;
        if (l->polling) {
            uv_poll_stop(&l->poll);
            uv_close((uv_handle_t *)&l->poll, NULL);
            l->polling = false;
        }
        if (l->rpolling) {
            uv_poll_stop(&l->rpoll);
            uv_close((uv_handle_t *)&l->rpoll, NULL);
            l->rpolling = false;
        }
        for (wire_conn_t *c = l->conns; c; c = c->lnext)
            wire__conn_close(c);
        pthread_mutex_lock(&s->mu);
        s->acks++;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
    }
    if (phase >= 2 && l->handled_phase < 2) {
        l->handled_phase = 2;
        uv_close((uv_handle_t *)&l->async, NULL);
    }
}

static void *loop_main(void *arg) {
    wire_loop_t *l = arg;
    uv_run(&l->loop, UV_RUN_DEFAULT);
    return NULL;
}

/* ---- the expiry sweeper (RESP) ---------------------------------------------------------- */
/* Every 100 ms asks every kv-shard to remove keys whose expiry passed (each shard removes at
 * most 1000 per round; lazy expiry on access hides the rest meanwhile). Blocking calls: its
 * own thread, never a loop. */
static void *sweeper_main(void *arg) {
    wire_server_t *s = arg;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "resp sweeper");
    const char *av[1] = {"__sweep"};
    size_t ls[1] = {7};
    pthread_mutex_lock(&s->mu);
    while (!s->sweeper_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->cond, &s->mu, &ts);
        if (s->sweeper_stop)
            break;
        pthread_mutex_unlock(&s->mu);
        Orbit__KvValue *rep[ACT_KV_SHARDS];
        orb_err_t err;
        if (act_kv_call_all(s->cfg.rt, 0, 1, av, ls, mcx, rep, &err) != 0)
            orb_log(ORB_LOG_DEBUG, "wire", "expiry sweep failed reason=%s", err.message);
        orb_mcx_reset(mcx);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    orb_mcx_destroy(mcx);
    return NULL;
}

/* ---- start / stop --------------------------------------------------------------------- */
static int listen_socket(const wire_config_t *cfg, int port, const char *flag, int *port_out,
                         orb_err_t *err) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    const char *addr = cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
    socklen_t slen;
    if (uv_ip4_addr(addr, port, (struct sockaddr_in *)&ss) == 0) {
        slen = sizeof(struct sockaddr_in);
    } else if (uv_ip6_addr(addr, port, (struct sockaddr_in6 *)&ss) == 0) {
        slen = sizeof(struct sockaddr_in6);
    } else {
        orb_err_set(err, CONNECTION_EXCEPTION, "invalid listen address \"%s\"", addr);
        orb_err_hint(err, "Give an IPv4 or IPv6 address literal such as 127.0.0.1.");
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        orb_err_set(err, CONNECTION_EXCEPTION, "could not create socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, slen) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        orb_err_set(err, CONNECTION_EXCEPTION, "could not listen on %s:%d: %s", addr, port,
                    strerror(e));
        if (e == EADDRINUSE)
            orb_err_hint(err,
                         "Another server may be running on port %d; stop it or pass "
                         "%s.",
                         port, flag);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    *port_out = port;
    if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
        *port_out = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                      : ((struct sockaddr_in *)&bound)->sin_port);
    return fd;
}

int wire_server_start(const wire_config_t *cfg, sql_engine_t *engine, wire_server_t **out,
                      orb_err_t *err) {
    int port = 0, resp_port = 0, resp_fd = -1;
    wire_tls_ctx_t *tls = NULL;
    if ((cfg->ssl_cert || cfg->ssl_key) &&
        wire_tls_ctx_create(cfg->ssl_cert ? cfg->ssl_cert : "", cfg->ssl_key ? cfg->ssl_key : "",
                            cfg->ssl_ca, &tls, err) != 0)
        return -1;
    wire_hba_t *hba = NULL;
    if (wire_hba_load(cfg->hba_file, &hba, err) != 0) {
        wire_tls_ctx_destroy(tls);
        return -1;
    }
    int fd = listen_socket(cfg, cfg->port, "--port", &port, err);
    if (fd < 0) {
        wire_tls_ctx_destroy(tls);
        wire_hba_free(hba);
        return -1;
    }
    if (cfg->resp_port != 0) {
        if (!cfg->rt) {
            close(fd);
            wire_tls_ctx_destroy(tls);
            wire_hba_free(hba);
            return orb_err_set(err, CONNECTION_EXCEPTION, "RESP needs the actor runtime");
        }
        resp_fd = listen_socket(cfg, cfg->resp_port < 0 ? 0 : cfg->resp_port, "--resp-port",
                                &resp_port, err);
        if (resp_fd < 0) {
            close(fd);
            wire_tls_ctx_destroy(tls);
            wire_hba_free(hba);
            return -1;
        }
    }
    wire_server_t *s = calloc(1, sizeof *s);
    if (!s)
        orb_panic("out of memory");
    s->cfg = *cfg;
    s->tls = tls;
    s->hba = hba;
    if (s->cfg.max_message == 0)
        s->cfg.max_message = WIRE_DEFAULT_MAX_MESSAGE;
    if (s->cfg.max_message > WIRE_HARD_MAX_MESSAGE)
        s->cfg.max_message = WIRE_HARD_MAX_MESSAGE;
    s->engine = engine;
    s->resp_shared = wire__resp_shared_create();
    s->listen_fd = fd;
    s->port = port;
    s->resp_fd = resp_fd;
    s->resp_port = resp_port;
    s->nloops = cfg->nthreads > 0 ? cfg->nthreads : 1;
    atomic_init(&s->rr, 0);
    atomic_init(&s->next_pid, 10000 + (int)(getpid() % 10000) * 10);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->loops = calloc((size_t)s->nloops, sizeof *s->loops);
    if (!s->loops)
        orb_panic("out of memory");
    for (int i = 0; i < s->nloops; i++) {
        wire_loop_t *l = &s->loops[i];
        l->server = s;
        l->idx = i;
        pthread_mutex_init(&l->mu, NULL);
        int rc = uv_loop_init(&l->loop);
        if (rc == 0)
            rc = uv_async_init(&l->loop, &l->async, on_async);
        if (rc != 0)
            orb_panic("could not initialise an I/O loop: %s", uv_strerror(rc));
        l->async.data = l;
    }
    wire_loop_t *l0 = &s->loops[0];
    int rc = uv_poll_init(&l0->loop, &l0->poll, fd);
    if (rc == 0)
        rc = uv_poll_start(&l0->poll, UV_READABLE, on_listen_readable);
    if (rc != 0)
        orb_panic("could not poll the listening socket: %s", uv_strerror(rc));
    l0->poll.data = l0;
    l0->polling = true;
    if (resp_fd >= 0) {
        rc = uv_poll_init(&l0->loop, &l0->rpoll, resp_fd);
        if (rc == 0)
            rc = uv_poll_start(&l0->rpoll, UV_READABLE, on_resp_readable);
        if (rc != 0)
            orb_panic("could not poll the RESP listening socket: %s", uv_strerror(rc));
        l0->rpoll.data = l0;
        l0->rpolling = true;
        if (pthread_create(&s->sweeper, NULL, sweeper_main, s) != 0)
            orb_panic("could not create the expiry sweeper thread");
        s->sweeping = true;
    }
    for (int i = 0; i < s->nloops; i++) {
        wire_loop_t *l = &s->loops[i];
        if (pthread_create(&l->thread, NULL, loop_main, l) != 0)
            orb_panic("could not create I/O thread %d", i);
        l->started = true;
    }
    *out = s;
    return 0;
}

static void set_phase(wire_server_t *s, int phase) {
    for (int i = 0; i < s->nloops; i++) {
        wire_loop_t *l = &s->loops[i];
        pthread_mutex_lock(&l->mu);
        l->phase = phase;
        pthread_mutex_unlock(&l->mu);
        uv_async_send(&l->async);
    }
}

void wire_server_stop(wire_server_t *s) {
    if (!s)
        return;
    /* Phase 1: stop accepting, close every connection; executors see `shut` and exit once
     * their current call returns (destroying their sessions). */
    if (s->sweeping) {
        pthread_mutex_lock(&s->mu);
        s->sweeper_stop = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->sweeper, NULL);
    }
    set_phase(s, 1);
    pthread_mutex_lock(&s->mu);
    while (s->acks < s->nloops)
        pthread_cond_wait(&s->cond, &s->mu);
    while (s->nexec > 0)
        pthread_cond_wait(&s->cond, &s->mu);
    pthread_mutex_unlock(&s->mu);
    /* Phase 2: no executor can post any more; close the asyncs and let the loops end. */
    set_phase(s, 2);
    for (int i = 0; i < s->nloops; i++) {
        wire_loop_t *l = &s->loops[i];
        if (l->started)
            pthread_join(l->thread, NULL);
        int rc = uv_loop_close(&l->loop);
        if (rc != 0)
            orb_log(ORB_LOG_WARN, "wire", "loop %d closed with open handles", i);
        for (int k = 0; k < l->nfds; k++)
            close(l->fds[k] / 2);
        free(l->fds);
        pthread_mutex_destroy(&l->mu);
    }
    close(s->listen_fd);
    if (s->resp_fd >= 0)
        close(s->resp_fd);
    free(s->loops);
    wire_tls_ctx_destroy(s->tls);
    wire_hba_free(s->hba);
    wire__resp_shared_destroy(s->resp_shared);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s);
}
