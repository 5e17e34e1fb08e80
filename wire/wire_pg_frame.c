/* wire/wire_pg_frame.c — the pure, incremental pgwire frame decoder. Entry point:
 * wire_frame_next, which returns one complete frame, ORB_AGAIN ("need more bytes") or a
 * protocol error. Startup phase: int32 length + int32 code (SSLRequest, GSSENCRequest,
 * CancelRequest, protocol 3.x StartupMessage). Typed phase: 1 type byte + int32 length
 * that counts itself. Lengths are checked as soon as the header is complete, so an
 * oversized message is rejected before its body arrives. See wire/README.md. */
#include "wire_int.h"

#include <string.h>

void wire_decoder_init(wire_decoder_t *d, size_t max_message) {
    d->typed = false;
    if (max_message == 0)
        max_message = WIRE_DEFAULT_MAX_MESSAGE;
    if (max_message > WIRE_HARD_MAX_MESSAGE)
        max_message = WIRE_HARD_MAX_MESSAGE;
    d->max_message = max_message;
}

bool wire_frame_type_known(char type) {
    switch (type) {
    case 'B': /* Bind */
    case 'C': /* Close */
    case 'D': /* Describe */
    case 'E': /* Execute */
    case 'F': /* FunctionCall */
    case 'H': /* Flush */
    case 'P': /* Parse */
    case 'Q': /* Query */
    case 'S': /* Sync */
    case 'X': /* Terminate */
    case 'd': /* CopyData */
    case 'c': /* CopyDone */
    case 'f': /* CopyFail */
    case 'p': /* Password / SASL response */
        return true;
    default:
        return false;
    }
}

static int next_startup(wire_decoder_t *d, const char *buf, size_t len, wire_frame_t *f,
                        orb_err_t *err) {
    if (len < 4)
        return ORB_AGAIN;
    uint32_t n = orb_get_be32(buf);
    if (n < 8 || n > WIRE_STARTUP_MAX)
        return orb_err_set(err, PROTOCOL_VIOLATION, "invalid length of startup packet");
    if (len < 8)
        return ORB_AGAIN;
    uint32_t code = orb_get_be32(buf + 4);
    bool special = (code >> 16) == 1234;
    if (special) {
        if (code != WIRE_CODE_SSL && code != WIRE_CODE_GSSENC && code != WIRE_CODE_CANCEL)
            return orb_err_set(err, PROTOCOL_VIOLATION, "unsupported startup request code %u",
                               code);
        /* SSL/GSS requests are exactly 8 bytes, CancelRequest exactly 16. */
        if ((code == WIRE_CODE_CANCEL && n != 16) || (code != WIRE_CODE_CANCEL && n != 8))
            return orb_err_set(err, PROTOCOL_VIOLATION, "invalid length of startup packet");
    } else if ((code >> 16) != 3) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0", code >> 16,
                    code & 0xffff);
        return -1;
    }
    if (len < n)
        return ORB_AGAIN;
    f->type = 0;
    f->code = code;
    f->body = buf + 8;
    f->len = n - 8;
    f->total = n;
    if (!special)
        d->typed = true;
    return 0;
}

static int next_typed(wire_decoder_t *d, const char *buf, size_t len, wire_frame_t *f,
                      orb_err_t *err) {
    if (len < 1)
        return ORB_AGAIN;
    char type = buf[0];
    if (!wire_frame_type_known(type))
        return orb_err_set(err, PROTOCOL_VIOLATION, "invalid frontend message type %d",
                           (int)(unsigned char)type);
    if (len < 5)
        return ORB_AGAIN;
    uint32_t n = orb_get_be32(buf + 1);
    if (n < 4)
        return orb_err_set(err, PROTOCOL_VIOLATION, "invalid message length");
    if ((size_t)n - 4 > d->max_message || (size_t)n > WIRE_HARD_MAX_MESSAGE) {
        orb_err_set(err, PROTOCOL_VIOLATION, "invalid message length");
        orb_err_detail(err, "Message of type '%c' is %u bytes; the limit is %zu bytes.", type, n,
                       d->max_message);
        return -1;
    }
    if (len - 1 < n)
        return ORB_AGAIN;
    f->type = type;
    f->code = 0;
    f->body = buf + 5;
    f->len = n - 4;
    f->total = (size_t)n + 1;
    return 0;
}

int wire_frame_next(wire_decoder_t *d, const char *buf, size_t len, wire_frame_t *f,
                    orb_err_t *err) {
    memset(f, 0, sizeof *f);
    return d->typed ? next_typed(d, buf, len, f, err) : next_startup(d, buf, len, f, err);
}
