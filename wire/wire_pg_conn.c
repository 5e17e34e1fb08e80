/* wire/wire_pg_conn.c — the per-connection pgwire state machine. Two halves:
 *  - loop side (wire__conn_on_input): decodes frames from the input buffer, answers the
 *    startup-phase requests (SSLRequest -> 'S' and TLS when a certificate is configured,
 *    else 'N'; GSSENCRequest -> 'N'; CancelRequest) and queues
 *    every complete message, copied, to the connection's executor thread;
 *  - executor side (wire__executor_main): runs the session (sql_session_* block), builds
 *    the response bytes through an sql_sink_t and hands them to the loop at Sync, Flush,
 *    after a simple Query and whenever more than WIRE_FLUSH_AT bytes are buffered.
 * Invariants and lock order: wire/README.md. */
#include "wire_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ======================================================================================
 * Loop side
 * ====================================================================================== */

void wire__item_free(wire_item_t *it) {
    if (!it)
        return;
    free(it->err);
    free(it);
}

wire_item_t *wire__item_new(wire_item_kind_t kind, char type, uint32_t code, const char *body,
                             size_t len) {
    wire_item_t *it = malloc(sizeof *it + len + 1);
    if (!it)
        orb_panic("out of memory queueing a %zu byte message", len);
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->type = type;
    it->code = code;
    it->len = len;
    if (len)
        memcpy(it->body, body, len);
    it->body[len] = '\0';
    return it;
}

void wire__enqueue(wire_conn_t *c, wire_item_t *it) {
    bool pause;
    pthread_mutex_lock(&c->mu);
    wire__conn_queue_locked(c, it);
    pause = c->in_bytes > WIRE_IN_HIGH;
    pthread_mutex_unlock(&c->mu);
    /* after unlocking, so that the woken executor does not block on mu at once (the loop
     * holds a reference: c outlives this call) */
    pthread_cond_broadcast(&c->cond);
    if (pause)
        wire__conn_read_pause(c);
}

/* A protocol error found on the loop: reply FATAL and close. When an executor exists the
 * error is queued behind the messages already accepted so responses stay in order. */
static void protocol_fail(wire_conn_t *c, orb_err_t *err) {
    err->severity = ORB_SEV_FATAL;
    c->no_more_input = true;
    wire__conn_read_pause(c);
    if (c->has_executor) {
        wire_item_t *it = wire__item_new(WIRE_ITEM_FATAL, 0, 0, NULL, 0);
        it->err = malloc(sizeof *err);
        if (!it->err)
            orb_panic("out of memory");
        *it->err = *err;
        wire__enqueue(c, it);
        return;
    }
    orb_buf_t b;
    orb_buf_init(&b);
    wire_msg_put_error(&b, 'E', err);
    wire__conn_write(c, b.data, b.len);
    orb_buf_free(&b);
    wire__conn_close_after_write(c);
}

/* SSLRequest / GSSENCRequest, as PostgreSQL 15's ProcessStartupPacket: each at most once
 * (again: FATAL 0A000, like an unknown protocol version), GSSENCRequest answered 'N',
 * SSLRequest 'S' when a certificate is configured (then TLS starts; no GSSENCRequest after
 * it) or 'N'. Bytes that arrived behind the request were sent before any encryption could be
 * negotiated, maybe injected by a man in the middle (CVE-2021-23214): FATAL 08P01 after the
 * answer. Returns -1 when the connection is failing. */
static int on_negotiate(wire_conn_t *c, const wire_frame_t *f, bool pipelined) {
    orb_err_t err;
    bool ssl = f->code == WIRE_CODE_SSL;
    if (ssl ? c->ssl_done : c->gss_done) {
        orb_err_set(&err, FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0",
                    f->code >> 16, f->code & 0xffff);
        protocol_fail(c, &err);
        return -1;
    }
    bool yes = ssl && wire__server_tls(c->server);
    wire__conn_write(c, yes ? "S" : "N", 1);
    if (ssl)
        c->ssl_done = true;
    else
        c->gss_done = true;
    if (pipelined) {
        orb_err_set(&err, PROTOCOL_VIOLATION, "received unencrypted data after %s",
                    ssl ? "SSL request" : "GSSAPI encryption request");
        orb_err_detail(&err, "This could be either a client-software bug or evidence of an "
                             "attempted man-in-the-middle attack.");
        protocol_fail(c, &err); /* in plaintext, as PostgreSQL */
        return -1;
    }
    if (yes) {
        c->gss_done = true;
        wire__conn_tls_start(c);
    }
    return 0;
}

static void on_startup_frame(wire_conn_t *c, const wire_frame_t *f) {
    orb_err_t err;
    switch (f->code) {
    case WIRE_CODE_CANCEL: {
        int32_t pid, key;
        if (wire_msg_parse_cancel(f->body, f->len, &pid, &key, &err) == 0) {
            bool found = sql_engine_cancel(wire__server_engine(c->server), pid, key);
            orb_log(ORB_LOG_DEBUG, "wire", "cancel request pid=%d found=%d", pid, (int)found);
        }
        /* The cancel connection gets no reply (as in PostgreSQL). */
        c->no_more_input = true;
        wire__conn_close(c);
        return;
    }
    default:
        break;
    }
    /* A StartupMessage (the decoder only lets protocol 3.x through). Validate it here so a
     * bad packet costs no thread; the executor parses it again to create the session. */
    orb_mcx_t *mcx = orb_mcx_create(NULL, "wire startup");
    wire_startup_t st;
    int rc = wire_msg_parse_startup(f->body, f->len, f->code, mcx, &st, &err);
    orb_mcx_destroy(mcx);
    if (rc != 0) {
        protocol_fail(c, &err);
        return;
    }
    wire__enqueue(c, wire__item_new(WIRE_ITEM_STARTUP, 0, f->code, f->body, f->len));
    if (wire__executor_start(c) != 0) {
        orb_err_set(&err, CONNECTION_EXCEPTION, "could not start a backend thread");
        protocol_fail(c, &err);
    }
}

void wire__conn_on_input(wire_conn_t *c) {
    if (c->resp) {
        wire__resp_on_input(c);
        return;
    }
    size_t off = 0;
    while (!c->no_more_input && !c->closing) {
        wire_frame_t f;
        orb_err_t err;
        int rc = wire_frame_next(&c->dec, c->in.data + off, c->in.len - off, &f, &err);
        if (rc == ORB_AGAIN)
            break;
        if (rc < 0) {
            protocol_fail(c, &err);
            break;
        }
        off += f.total;
        if (f.type == 0 && (f.code == WIRE_CODE_SSL || f.code == WIRE_CODE_GSSENC)) {
            if (on_negotiate(c, &f, off != c->in.len) != 0)
                break;
            continue; /* after 'S' the next bytes are the ClientHello */
        }
        if (f.type == 0) {
            on_startup_frame(c, &f);
            continue;
        }
        if (f.type == 'X') {
            c->no_more_input = true;
            wire__conn_read_pause(c);
        }
        wire__enqueue(c, wire__item_new(WIRE_ITEM_MESSAGE, f.type, 0, f.body, f.len));
    }
    if (c->no_more_input) {
        orb_buf_reset(&c->in);
    } else if (off > 0) {
        memmove(c->in.data, c->in.data + off, c->in.len - off);
        c->in.len -= off;
    }
}

/* ======================================================================================
 * Executor side
 * ====================================================================================== */

/* Hands c->out to the loop. Blocks while the loop already holds more than WIRE_OUT_HIGH
 * unwritten bytes (the client reads slower than we produce); gives up when the loop has
 * closed the socket. */
void wire__conn_flush(wire_conn_t *c) {
    if (c->out.len == 0)
        return;
    pthread_mutex_lock(&c->mu);
    c->out_waiters++; /* on_written wakes the executor only when someone waits for space */
    while (!c->shut && c->pending_out.len + c->inflight > WIRE_OUT_HIGH)
        pthread_cond_wait(&c->cond, &c->mu);
    c->out_waiters--;
    if (c->shut) {
        pthread_mutex_unlock(&c->mu);
        orb_buf_reset(&c->out);
        return;
    }
    if (c->pending_out.len == 0 && c->inflight == 0 && c->loop_taking == 0 && c->direct_fd >= 0) {
        /* Nothing of ours is on its way: write on this thread, sparing the loop a wake-up
         * per response. Under mu, so the loop neither starts a write meanwhile (write_raw
         * counts inflight under mu first) nor closes the socket (wire__conn_close sets shut
         * under mu before uv_close). What the socket does not take goes to the loop. */
        ssize_t n = send(c->direct_fd, c->out.data, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == (ssize_t)c->out.len) {
            pthread_mutex_unlock(&c->mu);
            orb_buf_reset(&c->out);
            return;
        }
        if (n > 0) { /* the rest goes to the loop; on an error it finds it again and closes */
            memmove(c->out.data, c->out.data + n, c->out.len - (size_t)n);
            c->out.len -= (size_t)n;
        }
    }
    if (c->pending_out.len == 0) {
        orb_buf_t t = c->pending_out;
        c->pending_out = c->out;
        c->out = t;
        orb_buf_reset(&c->out);
    } else {
        orb_buf_append(&c->pending_out, c->out.data, c->out.len);
        orb_buf_reset(&c->out);
    }
    pthread_mutex_unlock(&c->mu);
    wire__conn_schedule(c);
}

static void maybe_flush(wire_conn_t *c) {
    if (c->out.len >= WIRE_FLUSH_AT)
        wire__conn_flush(c);
}

/* Takes the next queued message, waiting for one; NULL once the loop has closed the socket.
 * Resumes reading when the queue fell below the low-water mark (README "Backpressure"). */
wire_item_t *wire__conn_queue_pop(wire_conn_t *c) { return wire__conn_queue_pop_until(c, NULL, NULL); }

/* ---- direct reads (README "Direct read") ------------------------------------------------ */

/* After the startup (RESP: at once): asks the loop to hand reading over, so that a query wakes
 * this thread straight from the socket instead of the loop and then this thread. Connections
 * without TLS only (TLS records are decrypted on the loop). The executor reads a dup of the
 * socket: the loop may close its own descriptor meanwhile (uv_close) without the number being
 * reused under a poll of ours. */
void wire__conn_want_direct_reads(wire_conn_t *c) {
    if (c->direct_fd < 0)
        return;
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0)
        return;
    pthread_mutex_lock(&c->mu);
    /* shut is set under mu before the loop closes the socket: direct_fd is open here */
    int rfd = c->shut ? -1 : fcntl(c->direct_fd, F_DUPFD_CLOEXEC, 0);
    if (rfd >= 0) {
        c->rfd = rfd;
        c->efd = efd;
        c->want_read = true;
    }
    pthread_mutex_unlock(&c->mu);
    if (rfd < 0) {
        close(efd);
        return;
    }
    wire__conn_schedule(c);
}

void wire__conn_direct_reads_end(wire_conn_t *c) {
    pthread_mutex_lock(&c->mu);
    if (c->efd >= 0)
        close(c->efd);
    c->efd = -1;
    pthread_mutex_unlock(&c->mu);
    if (c->rfd >= 0)
        close(c->rfd);
    c->rfd = -1;
}

void wire__conn_queue_locked(wire_conn_t *c, wire_item_t *it) {
    if (c->tail)
        c->tail->next = it;
    else
        c->head = it;
    c->tail = it;
    c->in_bytes += it->len + sizeof *it;
}

/* Frames every complete message in c->xin into items and queues them (mu held); as the
 * loop's wire__conn_on_input, a framing error queues a FATAL and Terminate ends the input. */
static void frame_direct(wire_conn_t *c) {
    if (c->resp) {
        wire__resp_frame_direct(c);
        return;
    }
    size_t off = 0;
    while (!c->x_stop) {
        wire_frame_t f;
        orb_err_t err;
        wire_item_t *it;
        int rc = wire_frame_next(&c->xdec, c->xin.data + off, c->xin.len - off, &f, &err);
        if (rc == ORB_AGAIN)
            break;
        if (rc < 0 || f.type == 0) { /* the decoder is past the startup phase: type 0 is a bug */
            if (rc >= 0)
                orb_err_set(&err, PROTOCOL_VIOLATION, "unexpected startup packet");
            err.severity = ORB_SEV_FATAL;
            it = wire__item_new(WIRE_ITEM_FATAL, 0, 0, NULL, 0);
            it->err = malloc(sizeof *it->err);
            if (!it->err)
                orb_panic("out of memory");
            *it->err = err;
            c->x_stop = true;
        } else {
            off += f.total;
            it = wire__item_new(WIRE_ITEM_MESSAGE, f.type, 0, f.body, f.len);
            if (f.type == 'X')
                c->x_stop = true;
        }
        wire__conn_queue_locked(c, it);
    }
    if (c->x_stop) {
        orb_buf_reset(&c->xin);
    } else if (off > 0) {
        memmove(c->xin.data, c->xin.data + off, c->xin.len - off);
        c->xin.len -= off;
    }
}

/* Waits (mu not held) for the socket, a wake-up or the deadline, and reads what is there.
 * Returns false when the deadline passed. */
static bool read_direct(wire_conn_t *c, const struct timespec *deadline) {
    int ms = -1;
    if (deadline) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t left = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
                       (deadline->tv_nsec - now.tv_nsec) / 1000000;
        if (left <= 0)
            return false;
        ms = left >= INT32_MAX ? INT32_MAX : (int)left + 1;
    }
    struct pollfd p[2] = {{.fd = c->rfd, .events = POLLIN}, {.fd = c->efd, .events = POLLIN}};
    int rc = poll(p, 2, ms);
    if (rc <= 0)
        return rc == 0 && deadline ? false : true; /* EINTR: the caller looks again */
    if (p[1].revents) {
        uint64_t v;
        ssize_t n = read(c->efd, &v, sizeof v);
        ORB_UNUSED(n);
    }
    if (!p[0].revents)
        return true;
    orb_buf_reserve(&c->xin, 64 << 10);
    ssize_t n = recv(c->rfd, c->xin.data + c->xin.len, c->xin.cap - c->xin.len - 1, MSG_DONTWAIT);
    bool eof = false;
    if (n > 0)
        c->xin.len += (size_t)n;
    else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        eof = true;
    if (eof && n < 0)
        orb_log(ORB_LOG_DEBUG, "wire", "read failed pid=%d errno=%d", c->pid, errno);
    pthread_mutex_lock(&c->mu);
    if (n > 0)
        frame_direct(c);
    if (eof)
        c->x_eof = true;
    pthread_mutex_unlock(&c->mu);
    return true;
}

bool wire__conn_peer_gone(wire_conn_t *c) {
    pthread_mutex_lock(&c->mu);
    bool gone = c->shut || c->x_eof, direct = c->direct_read;
    pthread_mutex_unlock(&c->mu);
    if (gone || !direct)
        return gone;
    char b;
    ssize_t n = recv(c->rfd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

wire_item_t *wire__conn_queue_pop_until(wire_conn_t *c, const struct timespec *deadline, bool *timed_out) {
    if (timed_out)
        *timed_out = false;
    pthread_mutex_lock(&c->mu);
    while (!c->head && !c->shut && !c->terminate && !c->x_eof) {
        if (c->direct_read) {
            if (c->x_stop) { /* Terminate or a FATAL was queued and taken: nothing follows */
                c->x_eof = true;
                break;
            }
            pthread_mutex_unlock(&c->mu);
            bool in_time = read_direct(c, deadline);
            pthread_mutex_lock(&c->mu);
            if (!in_time && !c->head && !c->shut && !c->terminate && !c->x_eof) {
                pthread_mutex_unlock(&c->mu);
                if (timed_out)
                    *timed_out = true;
                return NULL;
            }
        } else if (!deadline) {
            pthread_cond_wait(&c->cond, &c->mu);
        } else if (pthread_cond_timedwait(&c->cond, &c->mu, deadline) == ETIMEDOUT && !c->head && !c->shut &&
                   !c->terminate && !c->direct_read) {
            pthread_mutex_unlock(&c->mu);
            if (timed_out)
                *timed_out = true;
            return NULL;
        }
    }
    if (c->shut || (!c->terminate && !c->head)) { /* closed by the loop, or the client left */
        pthread_mutex_unlock(&c->mu);
        return NULL;
    }
    if (c->terminate) {
        /* pg_terminate_backend or idle_in_transaction_session_timeout while waiting for
         * input: FATAL now, as PostgreSQL */
        c->terminate = false;
        pthread_mutex_unlock(&c->mu);
        wire_item_t *it = wire__item_new(WIRE_ITEM_FATAL, 0, 0, NULL, 0);
        it->err = malloc(sizeof *it->err);
        if (!it->err)
            orb_panic("out of memory");
        sql_session_terminate_error(c->session, it->err);
        return it;
    }
    wire_item_t *it = c->head;
    c->head = it->next;
    if (!c->head)
        c->tail = NULL;
    c->in_bytes -= it->len + sizeof *it;
    bool resume = c->read_paused && c->in_bytes < WIRE_IN_LOW;
    pthread_mutex_unlock(&c->mu);
    if (resume)
        wire__conn_schedule(c);
    return it;
}

/* ---- the sink: sql results -> backend messages ---------------------------------------- */
static void sink_row_description(void *arg, const sql_column_t *cols, int ncols) {
    wire_conn_t *c = arg;
    wire_msg_put_row_description(&c->out, cols, ncols);
}
static void sink_no_data(void *arg) {
    wire_conn_t *c = arg;
    wire_msg_put_simple(&c->out, 'n');
}
static void sink_data_row(void *arg, const sql_cell_t *cells, int ncells) {
    wire_conn_t *c = arg;
    wire_msg_put_data_row(&c->out, cells, ncells);
    maybe_flush(c);
}
static void sink_command_complete(void *arg, const char *tag) {
    wire_conn_t *c = arg;
    wire_msg_put_command_complete(&c->out, tag);
    maybe_flush(c);
}
static void sink_empty_query(void *arg) {
    wire_conn_t *c = arg;
    wire_msg_put_simple(&c->out, 'I');
}
static void sink_error(void *arg, const orb_err_t *err) {
    wire_conn_t *c = arg;
    wire_msg_put_error(&c->out, 'E', err);
    if (err->severity == ORB_SEV_FATAL)
        c->fatal_sent = true;
}
static void sink_notice(void *arg, const orb_err_t *notice) {
    wire_conn_t *c = arg;
    wire_msg_put_error(&c->out, 'N', notice);
}
static void sink_parameter_status(void *arg, const char *name, const char *value) {
    wire_conn_t *c = arg;
    wire_msg_put_parameter_status(&c->out, name, value);
}
static void sink_parameter_description(void *arg, const uint32_t *oids, int n) {
    wire_conn_t *c = arg;
    wire_msg_put_parameter_description(&c->out, oids, n);
}

static void sink_copy_begin(void *arg, bool in, int format, int ncols) {
    wire_conn_t *c = arg;
    wire_msg_put_copy_response(&c->out, in ? 'G' : 'H', format, ncols);
    if (in)
        wire__conn_flush(c);
}
static void sink_copy_data(void *arg, const char *data, size_t len) {
    wire_conn_t *c = arg;
    wire_msg_put_copy_data(&c->out, data, len);
    maybe_flush(c);
}
static void sink_copy_done(void *arg) {
    wire_conn_t *c = arg;
    wire_msg_put_simple(&c->out, 'c');
}

/* Copy-in sub-protocol (README "COPY"): pulls the client's messages straight off the queue
 * while a COPY FROM STDIN runs, so the input stays bounded by the queue's backpressure. */
static int sink_copy_read(void *arg, const char **data, size_t *len, orb_err_t *err) {
    wire_conn_t *c = arg;
    if (c->copy_item) {
        wire__item_free(c->copy_item);
        c->copy_item = NULL;
    }
    for (;;) {
        wire_item_t *it = wire__conn_queue_pop(c);
        if (!it) {
            c->stop_after = true;
            return orb_err_set(err, CONNECTION_EXCEPTION,
                               "unexpected EOF on client connection with an open transaction");
        }
        if (it->kind == WIRE_ITEM_FATAL) {
            *err = *it->err;
            wire__item_free(it);
            c->stop_after = true;
            return -1;
        }
        switch (it->type) {
        case 'd':
            c->copy_item = it;
            *data = it->body;
            *len = it->len;
            return 1;
        case 'c':
            wire__item_free(it);
            return 0;
        case 'f': {
            const char *msg = it->len ? it->body : "";
            orb_err_set(err, QUERY_CANCELED, "COPY from stdin failed: %s", msg);
            wire__item_free(it);
            return -1;
        }
        case 'H': /* Flush and Sync are ignored during copy-in (PostgreSQL's CopyGetData) */
        case 'S':
            wire__item_free(it);
            continue;
        default:
            /* as PostgreSQL: an error now, then FATAL (the stream position is lost) */
            c->copy_desync = true;
            orb_err_set(err, PROTOCOL_VIOLATION,
                        "unexpected message type 0x%02X during COPY from stdin",
                        (unsigned)(unsigned char)it->type);
            wire__item_free(it);
            return -1;
        }
    }
}

static void sink_init(wire_conn_t *c, sql_sink_t *k) {
    k->arg = c;
    k->row_description = sink_row_description;
    k->no_data = sink_no_data;
    k->data_row = sink_data_row;
    k->command_complete = sink_command_complete;
    k->empty_query = sink_empty_query;
    k->error = sink_error;
    k->notice = sink_notice;
    k->parameter_status = sink_parameter_status;
    k->parameter_description = sink_parameter_description;
    k->copy_begin = sink_copy_begin;
    k->copy_data = sink_copy_data;
    k->copy_done = sink_copy_done;
    k->copy_read = sink_copy_read;
}

/* ---- message handlers: return true when the connection must end ---------------------- */
static bool fatal(wire_conn_t *c, orb_err_t *err) {
    err->severity = ORB_SEV_FATAL;
    c->fatal_sent = true;
    wire_msg_put_error(&c->out, 'E', err);
    wire__conn_flush(c);
    return true;
}

/* An error inside the extended protocol: report it and skip until Sync. */
static void ext_error(wire_conn_t *c, const orb_err_t *err) {
    wire_msg_put_error(&c->out, 'E', err);
    if (err->severity == ORB_SEV_FATAL)
        c->fatal_sent = true;
    c->skip_to_sync = true;
}

/* A malformed body is a protocol violation (FATAL); a bad value (e.g. format code) is an
 * ordinary error. */
static bool body_error(wire_conn_t *c, orb_err_t *err) {
    if (err->code == ORB_SQLSTATE_PROTOCOL_VIOLATION)
        return fatal(c, err);
    ext_error(c, err);
    return false;
}

/* pg_terminate_backend of this connection's session (another session's thread, under sql's
 * registry lock: takes only c->mu, a leaf). The executor lives while the session does. */
static void wake_for_terminate(void *arg) {
    wire_conn_t *c = arg;
    pthread_mutex_lock(&c->mu);
    c->terminate = true;
    wire__conn_wake(c);
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

static bool do_startup(wire_conn_t *c, const wire_item_t *it, const sql_sink_t *sink) {
    orb_err_t err;
    wire_startup_t st;
    if (wire_msg_parse_startup(it->body, it->len, it->code, c->msg_mcx, &st, &err) != 0)
        return fatal(c, &err);
    /* Protocol 3.x, x > 0, or _pq_. options: tell the client what we speak. */
    const char **unknown = orb_alloc0(c->msg_mcx, sizeof(char *) * (size_t)(st.nparams + 1));
    int nunknown = 0;
    for (int i = 0; i < st.nparams; i++)
        if (strncmp(st.names[i], "_pq_.", 5) == 0)
            unknown[nunknown++] = st.names[i];
    if ((it->code & 0xffff) > 0 || nunknown > 0)
        wire_msg_put_negotiate(&c->out, 0, nunknown, unknown);

    const char *db = st.database && st.database[0] ? st.database : st.user;
    /* PostgreSQL's order: a free slot before authentication (InitProcess), the role's checks
     * with it, then the superusers' reserve (InitPostgres), then the database's */
    if (!wire__server_backend_take(c->server)) {
        orb_err_set(&err, TOO_MANY_CONNECTIONS, "sorry, too many clients already");
        return fatal(c, &err);
    }
    c->backend_counted = true;
    if (wire__auth_run(c, st.user, db, &err) != 0) {
        if (c->auth_gone) {
            orb_buf_reset(&c->out);
            return true;
        }
        return fatal(c, &err);
    }
    if (!c->role_super && wire__server_backend_reserved(c->server)) {
        orb_err_set(&err, TOO_MANY_CONNECTIONS,
                    "remaining connection slots are reserved for non-replication superuser connections");
        return fatal(c, &err);
    }
    c->session = sql_session_create(wire__server_engine(c->server), st.user, db,
                                    st.application_name ? st.application_name : "", &err);
    if (!c->session) return fatal(c, &err);
    sql_session_set_backend_key(c->session, c->pid, c->secret);
    sql_session_set_ssl(c->session, &c->ssl_info);
    sql_session_set_client(c->session, c->peer_addr, c->peer_port);
    sql_session_set_wake(c->session, wake_for_terminate, c);
    for (int i = 0; i < st.nparams; i++) {
        const char *n = st.names[i];
        if (strcmp(n, "user") == 0 || strcmp(n, "database") == 0 ||
            strcmp(n, "application_name") == 0 || strncmp(n, "_pq_.", 5) == 0)
            continue;
        if (sql_session_set_startup_option(c->session, n, st.values[i], &err) != 0)
            orb_log(ORB_LOG_DEBUG, "wire", "ignored startup option pid=%d name=%s reason=%s",
                    c->pid, n, err.message);
    }
    wire_msg_put_auth_ok(&c->out);
    const char *const *names, *const *values;
    int n = sql_session_reported_settings(c->session, &names, &values);
    for (int i = 0; i < n; i++)
        wire_msg_put_parameter_status(&c->out, names[i], values[i]);
    wire_msg_put_backend_key(&c->out, c->pid, c->secret);
    wire_msg_put_ready(&c->out, sql_session_txn_status(c->session));
    wire__conn_flush(c);
    wire__conn_want_direct_reads(c);
    ORB_UNUSED(sink);
    orb_log(ORB_LOG_DEBUG, "wire", "session started pid=%d user=%s database=%s", c->pid, st.user,
            db);
    return false;
}

static bool do_message(wire_conn_t *c, const wire_item_t *it, const sql_sink_t *sink) {
    orb_err_t err;
    char t = it->type;
    if (c->skip_to_sync && t != 'S' && t != 'X')
        return false;
    switch (t) {
    case 'Q': {
        const char *text;
        if (wire_msg_parse_query(it->body, it->len, &text, &err))
            return fatal(c, &err);
        sql_session_simple_query(c->session, text, sink);
        if (!c->copy_desync && !sql_session_terminating(c->session)) /* a FATAL follows instead */
            wire_msg_put_ready(&c->out, sql_session_txn_status(c->session));
        wire__conn_flush(c);
        return false;
    }
    case 'P': {
        wire_parse_t p;
        if (wire_msg_parse_parse(it->body, it->len, c->msg_mcx, &p, &err))
            return body_error(c, &err);
        if (sql_session_parse(c->session, p.name, p.query, p.nparams, p.param_types, &err))
            ext_error(c, &err);
        else
            wire_msg_put_simple(&c->out, '1');
        break;
    }
    case 'B': {
        wire_bind_t b;
        if (wire_msg_parse_bind(it->body, it->len, c->msg_mcx, &b, &err))
            return body_error(c, &err);
        if (sql_session_bind(c->session, b.portal, b.stmt, b.nparams, b.params, b.nresult_formats,
                             b.result_formats, &err))
            ext_error(c, &err);
        else
            wire_msg_put_simple(&c->out, '2');
        break;
    }
    case 'D': {
        wire_target_t d;
        if (wire_msg_parse_target(it->body, it->len, "Describe", &d, &err))
            return body_error(c, &err);
        int rc = d.kind == 'S' ? sql_session_describe_statement(c->session, d.name, sink, &err)
                               : sql_session_describe_portal(c->session, d.name, sink, &err);
        if (rc)
            ext_error(c, &err);
        break;
    }
    case 'E': {
        wire_execute_t e;
        bool suspended = false;
        if (wire_msg_parse_execute(it->body, it->len, &e, &err))
            return body_error(c, &err);
        if (sql_session_execute(c->session, e.portal, e.max_rows, sink, &suspended, &err))
            ext_error(c, &err);
        else if (suspended)
            wire_msg_put_simple(&c->out, 's');
        break;
    }
    case 'C': {
        wire_target_t d;
        if (wire_msg_parse_target(it->body, it->len, "Close", &d, &err))
            return body_error(c, &err);
        int rc = d.kind == 'S' ? sql_session_close_statement(c->session, d.name, &err)
                               : sql_session_close_portal(c->session, d.name, &err);
        if (rc)
            ext_error(c, &err);
        else
            wire_msg_put_simple(&c->out, '3');
        break;
    }
    case 'S':
        c->skip_to_sync = false;
        sql_session_sync(c->session, sink);
        wire_msg_put_ready(&c->out, sql_session_txn_status(c->session));
        wire__conn_flush(c);
        return false;
    case 'H':
        wire__conn_flush(c);
        return false;
    case 'X':
        return true;
    case 'd': /* CopyData / CopyDone / CopyFail outside COPY are ignored, as in PostgreSQL */
    case 'c':
    case 'f':
        return false;
    case 'F':
        orb_err_set(&err, FEATURE_NOT_SUPPORTED, "function call messages are not supported");
        wire_msg_put_error(&c->out, 'E', &err);
        wire_msg_put_ready(&c->out, sql_session_txn_status(c->session));
        wire__conn_flush(c);
        return false;
    default:
        orb_err_set(&err, PROTOCOL_VIOLATION, "invalid frontend message type %d",
                    (int)(unsigned char)t);
        return fatal(c, &err);
    }
    maybe_flush(c);
    return false;
}

static bool process(wire_conn_t *c, const wire_item_t *it, const sql_sink_t *sink) {
    switch (it->kind) {
    case WIRE_ITEM_STARTUP:
        return do_startup(c, it, sink);
    case WIRE_ITEM_FATAL:
        return fatal(c, it->err);
    case WIRE_ITEM_MESSAGE:
        if (ORB_NEVER(!c->session))
            return true;
        return do_message(c, it, sink);
    }
    return true;
}

void *wire__executor_main(void *arg) {
    wire_conn_t *c = arg;
    sql_sink_t sink;
    sink_init(c, &sink);
    c->msg_mcx = orb_mcx_create(NULL, "wire message");
    orb_buf_init(&c->out);
    for (;;) {
        wire_item_t *it = wire__conn_queue_pop(c);
        if (!it)
            break;
        bool stop = process(c, it, &sink);
        wire__item_free(it);
        if (c->copy_item) {
            wire__item_free(c->copy_item);
            c->copy_item = NULL;
        }
        orb_mcx_reset(c->msg_mcx);
        if (!stop && c->session && sql_session_terminating(c->session)) {
            /* terminated while running (the FATAL went out with the statement's error) or
             * after it (e.g. pg_terminate_backend(pg_backend_pid())) */
            if (!c->fatal_sent) {
                orb_err_t e;
                sql_session_terminate_error(c->session, &e);
                fatal(c, &e);
            }
            stop = true;
        }
        if (!stop && c->copy_desync) {
            orb_err_t e;
            orb_err_set(&e, PROTOCOL_VIOLATION,
                        "terminating connection because protocol synchronization was lost");
            stop = fatal(c, &e);
        }
        if (stop || c->stop_after)
            break;
    }
    wire__conn_flush(c);
    if (c->session) {
        sql_session_destroy(c->session); /* rolls back an open transaction */
        c->session = NULL;
    }
    if (c->role_counted) {
        sql_role_connection_give(wire__server_engine(c->server), c->role_oid);
        c->role_counted = false;
    }
    if (c->backend_counted) {
        wire__server_backend_give(c->server);
        c->backend_counted = false;
    }
    orb_mcx_destroy(c->msg_mcx);
    c->msg_mcx = NULL;
    orb_buf_free(&c->out);
    wire__conn_direct_reads_end(c);
    wire__executor_done(c);
    return NULL;
}
