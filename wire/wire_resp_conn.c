/* wire/wire_resp_conn.c — a RESP connection. Two halves, like pgwire's:
 *  - loop side (wire__resp_on_input): parses complete commands out of the input buffer
 *    (wire_resp_parse) and queues each, its arguments packed, to the connection's executor
 *    thread; a protocol error queues the error behind the accepted commands and ends input;
 *  - executor side (wire__resp_executor_main): runs the commands in order (kv-shard calls
 *    block) and hands the replies to the loop whenever its queue runs dry or more than
 *    WIRE_FLUSH_AT bytes wait, so a pipeline of any depth is answered in batches.
 * Backpressure, refcounts and shutdown are the pgwire ones (wire/README.md). */
#include "wire_resp_int.h"

#include <stdlib.h>
#include <string.h>

/* Queues, through put, every complete command in *in and drops them from it. Returns 0;
 * -1 when a protocol error's FATAL item (Redis's "Protocol error: ..." text) was queued last;
 * -2 when an incomplete command passed the query buffer limit (Redis closes such clients).
 * After -1 or -2, *in is empty and nothing more may be read. */
static int take_commands(wire_conn_t *c, orb_buf_t *in, void (*put)(wire_conn_t *, wire_item_t *)) {
    size_t off = 0;
    int rc = 0;
    orb_buf_t args;
    orb_buf_init(&args);
    for (;;) {
        int argc;
        size_t used;
        char msg[128];
        orb_buf_reset(&args);
        int prc = wire_resp_parse(in->data + off, in->len - off, &args, &argc, &used, msg, sizeof msg);
        if (prc == ORB_AGAIN) {
            if (in->len - off > WIRE_RESP_MAX_QUERYBUF) {
                orb_log(ORB_LOG_WARN, "wire", "resp client reached the query buffer limit pid=%d",
                        c->pid);
                rc = -2;
            }
            break;
        }
        if (prc < 0) {
            put(c, wire__item_new(WIRE_ITEM_FATAL, 0, 0, msg, strlen(msg)));
            rc = -1;
            break;
        }
        off += used;
        if (argc > 0)
            put(c, wire__item_new(WIRE_ITEM_MESSAGE, 0, (uint32_t)argc, args.data, args.len));
    }
    orb_buf_free(&args);
    if (rc != 0) {
        orb_buf_reset(in);
    } else if (off > 0) {
        memmove(in->data, in->data + off, in->len - off);
        in->len -= off;
    }
    return rc;
}

/* ---- loop side -------------------------------------------------------------------------- */

void wire__resp_on_input(wire_conn_t *c) {
    if (!c->has_executor) {
        c->rcl = wire__resp_client_create(c);
        wire__resp_client_register(c->rcl);
    }
    if (!c->has_executor && wire__executor_start(c) != 0) {
        static const char e[] = "-ERR could not start a connection thread\r\n";
        wire__resp_client_unregister(c->rcl);
        c->rcl = NULL;
        c->no_more_input = true;
        wire__conn_write(c, e, sizeof e - 1);
        wire__conn_close_after_write(c);
        return;
    }
    if (c->no_more_input || c->closing)
        return;
    int rc = take_commands(c, &c->in, wire__enqueue);
    if (rc != 0)
        c->no_more_input = true;
    if (rc == -1)
        wire__conn_read_pause(c); /* the error is the last reply */
    else if (rc == -2)
        wire__conn_close(c);
}

/* ---- executor side ---------------------------------------------------------------------- */

/* Direct reads (wire/README.md): the commands complete in c->xin, queued as the loop's
 * wire__resp_on_input queues them (mu held). */
void wire__resp_frame_direct(wire_conn_t *c) {
    if (c->x_stop)
        return;
    int rc = take_commands(c, &c->xin, wire__conn_queue_locked);
    if (rc != 0)
        c->x_stop = true;
    if (rc == -2)
        c->x_eof = true;
}

/* The next command; flushes the replies so far before waiting. NULL once the socket closed. */
static wire_item_t *next_item(wire_conn_t *c) {
    pthread_mutex_lock(&c->mu);
    bool empty = !c->head && !c->shut;
    pthread_mutex_unlock(&c->mu);
    if (empty) {
        wire__resp_drain(c);
        wire__conn_flush(c);
    }
    return wire__conn_queue_pop(c); /* waits on the loop's queue or, once handed, the socket */
}

void *wire__resp_executor_main(void *arg) {
    wire_conn_t *c = arg;
    wire_resp_client_t *cl = c->rcl;
    wire_resp_session_t rs = {.proto = 2, .db = 0, .id = cl->id};
    c->rs = &rs;
    wire__resp_auth_session(c, &rs);
    wire__conn_want_direct_reads(c);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "resp command");
    orb_buf_init(&c->out);
    size_t cap = 0;
    const char **argv = NULL;
    size_t *lens = NULL;
    for (;;) {
        wire_item_t *it = next_item(c);
        if (!it) break;
        bool stop = false;
        if (it->kind == WIRE_ITEM_FATAL) {
            wire__resp_drain(c);
            orb_buf_puts(&c->out, "-ERR ");
            orb_buf_append(&c->out, it->body, it->len);
            orb_buf_append(&c->out, "\r\n", 2);
            stop = true;
        } else {
            size_t argc = it->code;
            if (argc > cap) {
                cap = argc;
                argv = realloc(argv, cap * sizeof *argv);
                lens = realloc(lens, cap * sizeof *lens);
                if (!argv || !lens) orb_panic("out of memory");
            }
            size_t off = 0;
            for (size_t i = 0; i < argc; i++) { /* packed by the loop: trusted */
                uint32_t n = (uint32_t)(uint8_t)it->body[off] << 24 |
                             (uint32_t)(uint8_t)it->body[off + 1] << 16 |
                             (uint32_t)(uint8_t)it->body[off + 2] << 8 |
                             (uint32_t)(uint8_t)it->body[off + 3];
                argv[i] = it->body + off + 4;
                lens[i] = n;
                off += 4 + n;
            }
            wire__resp_client_note_command(cl, (int)argc, argv, lens);
            stop = wire__resp_dispatch(c, (int)argc, argv, lens, mcx, &c->out);
            atomic_store(&cl->proto, rs.proto);
            atomic_store(&cl->db, rs.db);
            orb_mcx_reset(mcx);
        }
        wire__item_free(it);
        if (stop) break;
        if (c->out.len >= WIRE_FLUSH_AT) {
            wire__resp_drain(c);
            wire__conn_flush(c);
        }
    }
    wire__resp_drain(c);
    wire__conn_flush(c);
    free(argv);
    free(lens);
    free(rs.name);
    free(rs.pending);
    wire__resp_multi_end(c, wire__server_runtime(c->server)); /* its watches go */
    c->rs = NULL;
    wire__resp_pubsub_drop_all(cl); /* before the record goes: publishers hold pointers to it */
    wire__resp_client_unregister(cl);
    c->rcl = NULL;
    orb_mcx_destroy(mcx);
    orb_buf_free(&c->out);
    wire__conn_direct_reads_end(c);
    wire__executor_done(c);
    return NULL;
}
