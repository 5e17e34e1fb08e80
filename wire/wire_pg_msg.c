/* wire/wire_pg_msg.c — parsers for frontend message bodies (StartupMessage, Parse, Bind,
 * Describe, Close, Execute, Query, CancelRequest) and builders of backend messages into an
 * orb_buf_t. Parsers bounds-check every field, never read past the body, and require it
 * to be consumed exactly; they fail with 08P01. Pure: no I/O, no sql calls, so the unit
 * tests link them alone. See wire/README.md. */
#include "wire_int.h"

#include <stdio.h>
#include <string.h>

/* ---- a bounds-checked reader ---------------------------------------------------------- */
typedef struct rd {
    const char *p;
    size_t len, pos;
    const char *what; /* message name for errors */
} rd_t;

static int rd_fail(rd_t *r, orb_err_t *err) {
    orb_err_set(err, PROTOCOL_VIOLATION, "invalid %s message format", r->what);
    return -1;
}

static int rd_str(rd_t *r, const char **out, orb_err_t *err) {
    if (r->pos >= r->len)
        return rd_fail(r, err);
    const char *s = r->p + r->pos;
    const char *nul = memchr(s, '\0', r->len - r->pos);
    if (!nul) {
        orb_err_set(err, PROTOCOL_VIOLATION, "invalid string in %s message", r->what);
        orb_err_detail(err, "A string field has no terminating zero byte.");
        return -1;
    }
    *out = s;
    r->pos += (size_t)(nul - s) + 1;
    return 0;
}

static int rd_i16(rd_t *r, int16_t *out, orb_err_t *err) {
    if (r->len - r->pos < 2)
        return rd_fail(r, err);
    *out = (int16_t)orb_get_be16(r->p + r->pos);
    r->pos += 2;
    return 0;
}

static int rd_i32(rd_t *r, int32_t *out, orb_err_t *err) {
    if (r->len - r->pos < 4)
        return rd_fail(r, err);
    *out = (int32_t)orb_get_be32(r->p + r->pos);
    r->pos += 4;
    return 0;
}

static int rd_byte(rd_t *r, char *out, orb_err_t *err) {
    if (r->len - r->pos < 1)
        return rd_fail(r, err);
    *out = r->p[r->pos++];
    return 0;
}

static int rd_end(rd_t *r, orb_err_t *err) {
    if (r->pos != r->len)
        return rd_fail(r, err);
    return 0;
}

static void rd_init(rd_t *r, const char *body, size_t len, const char *what) {
    r->p = body;
    r->len = len;
    r->pos = 0;
    r->what = what;
}

/* ---- parsers -------------------------------------------------------------------------- */
int wire_msg_parse_startup(const char *body, size_t len, uint32_t version, orb_mcx_t *mcx,
                           wire_startup_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    out->version = version;
    rd_t r;
    rd_init(&r, body, len, "startup packet");
    /* Count pairs first so the arrays are allocated once. */
    int cap = 0;
    for (size_t i = 0; i < len; i++)
        if (body[i] == '\0')
            cap++;
    out->names = orb_alloc0(mcx, sizeof(char *) * (size_t)(cap / 2 + 1));
    out->values = orb_alloc0(mcx, sizeof(char *) * (size_t)(cap / 2 + 1));
    for (;;) {
        const char *name, *value;
        if (rd_str(&r, &name, err)) {
            orb_err_set(err, PROTOCOL_VIOLATION,
                        "invalid startup packet layout: expected "
                        "terminator as last byte");
            return -1;
        }
        if (name[0] == '\0')
            break;
        if (rd_str(&r, &value, err)) {
            orb_err_set(err, PROTOCOL_VIOLATION,
                        "invalid startup packet layout: expected terminator as last byte");
            return -1;
        }
        if (ORB_NEVER(out->nparams >= cap / 2 + 1))
            return rd_fail(&r, err);
        out->names[out->nparams] = name;
        out->values[out->nparams] = value;
        out->nparams++;
        if (strcmp(name, "user") == 0)
            out->user = value;
        else if (strcmp(name, "database") == 0)
            out->database = value;
        else if (strcmp(name, "application_name") == 0)
            out->application_name = value;
    }
    if (rd_end(&r, err)) {
        orb_err_set(err, PROTOCOL_VIOLATION,
                    "invalid startup packet layout: expected terminator as last byte");
        return -1;
    }
    if (!out->user || out->user[0] == '\0') {
        orb_err_set(err, INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
        return -1;
    }
    return 0;
}

int wire_msg_parse_parse(const char *body, size_t len, orb_mcx_t *mcx, wire_parse_t *out,
                         orb_err_t *err) {
    memset(out, 0, sizeof *out);
    rd_t r;
    rd_init(&r, body, len, "Parse");
    int16_t n;
    if (rd_str(&r, &out->name, err) || rd_str(&r, &out->query, err) || rd_i16(&r, &n, err))
        return -1;
    if (n < 0 || (size_t)n * 4 > r.len - r.pos)
        return rd_fail(&r, err);
    out->nparams = n;
    out->param_types = orb_alloc0(mcx, sizeof(uint32_t) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        int32_t oid;
        if (rd_i32(&r, &oid, err))
            return -1;
        out->param_types[i] = (uint32_t)oid;
    }
    return rd_end(&r, err);
}

static int check_format(int16_t f, orb_err_t *err) {
    if (f == 0 || f == 1)
        return 0;
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "unsupported format code: %d", f);
}

int wire_msg_parse_bind(const char *body, size_t len, orb_mcx_t *mcx, wire_bind_t *out,
                        orb_err_t *err) {
    memset(out, 0, sizeof *out);
    rd_t r;
    rd_init(&r, body, len, "Bind");
    int16_t nfmt, np, nres;
    if (rd_str(&r, &out->portal, err) || rd_str(&r, &out->stmt, err) || rd_i16(&r, &nfmt, err))
        return -1;
    if (nfmt < 0 || (size_t)nfmt * 2 > r.len - r.pos)
        return rd_fail(&r, err);
    int16_t *fmts = orb_alloc0(mcx, sizeof(int16_t) * (size_t)(nfmt + 1));
    for (int i = 0; i < nfmt; i++)
        if (rd_i16(&r, &fmts[i], err) || check_format(fmts[i], err))
            return -1;
    if (rd_i16(&r, &np, err))
        return -1;
    if (np < 0 || (size_t)np * 4 > r.len - r.pos)
        return rd_fail(&r, err);
    if (nfmt > 1 && nfmt != np) {
        orb_err_set(err, PROTOCOL_VIOLATION,
                    "bind message has %d parameter formats but %d parameters", nfmt, np);
        return -1;
    }
    out->nparams = np;
    out->params = orb_alloc0(mcx, sizeof(sql_param_t) * (size_t)(np + 1));
    for (int i = 0; i < np; i++) {
        int32_t plen;
        if (rd_i32(&r, &plen, err))
            return -1;
        sql_param_t *p = &out->params[i];
        p->format = nfmt == 0 ? 0 : nfmt == 1 ? fmts[0] : fmts[i];
        if (plen == -1) {
            p->data = NULL;
            p->len = -1;
            continue;
        }
        if (plen < 0 || (size_t)plen > r.len - r.pos) {
            orb_err_set(err, PROTOCOL_VIOLATION, "insufficient data left in message");
            orb_err_detail(err, "Parameter %d claims %d bytes but the Bind message ends first.",
                           i + 1, (int)plen);
            return -1;
        }
        p->data = r.p + r.pos;
        p->len = plen;
        r.pos += (size_t)plen;
    }
    if (rd_i16(&r, &nres, err))
        return -1;
    if (nres < 0 || (size_t)nres * 2 > r.len - r.pos)
        return rd_fail(&r, err);
    out->nresult_formats = nres;
    out->result_formats = orb_alloc0(mcx, sizeof(int16_t) * (size_t)(nres + 1));
    for (int i = 0; i < nres; i++)
        if (rd_i16(&r, &out->result_formats[i], err) || check_format(out->result_formats[i], err))
            return -1;
    return rd_end(&r, err);
}

int wire_msg_parse_target(const char *body, size_t len, const char *what, wire_target_t *out,
                          orb_err_t *err) {
    memset(out, 0, sizeof *out);
    rd_t r;
    rd_init(&r, body, len, what);
    if (rd_byte(&r, &out->kind, err) || rd_str(&r, &out->name, err) || rd_end(&r, err))
        return -1;
    if (out->kind != 'S' && out->kind != 'P') {
        orb_err_set(err, PROTOCOL_VIOLATION, "invalid %s message subtype %d", what,
                    (int)(unsigned char)out->kind);
        return -1;
    }
    return 0;
}

int wire_msg_parse_execute(const char *body, size_t len, wire_execute_t *out, orb_err_t *err) {
    memset(out, 0, sizeof *out);
    rd_t r;
    rd_init(&r, body, len, "Execute");
    int32_t n;
    if (rd_str(&r, &out->portal, err) || rd_i32(&r, &n, err) || rd_end(&r, err))
        return -1;
    out->max_rows = n > 0 ? n : 0;
    return 0;
}

int wire_msg_parse_query(const char *body, size_t len, const char **text, orb_err_t *err) {
    rd_t r;
    rd_init(&r, body, len, "Query");
    if (rd_str(&r, text, err) || rd_end(&r, err))
        return -1;
    return 0;
}

int wire_msg_parse_cancel(const char *body, size_t len, int32_t *pid, int32_t *key,
                          orb_err_t *err) {
    rd_t r;
    rd_init(&r, body, len, "CancelRequest");
    if (rd_i32(&r, pid, err) || rd_i32(&r, key, err) || rd_end(&r, err))
        return -1;
    return 0;
}

/* ---- builders ------------------------------------------------------------------------- */
size_t wire_msg_begin(orb_buf_t *b, char type) {
    orb_buf_putc(b, type);
    size_t at = b->len;
    orb_buf_put_be32(b, 0);
    return at;
}

void wire_msg_end(orb_buf_t *b, size_t at) { orb_set_be32(b->data + at, (uint32_t)(b->len - at)); }

void wire_msg_put_simple(orb_buf_t *b, char type) {
    orb_buf_putc(b, type);
    orb_buf_put_be32(b, 4);
}

void wire_msg_put_auth_ok(orb_buf_t *b) {
    orb_buf_putc(b, 'R');
    orb_buf_put_be32(b, 8);
    orb_buf_put_be32(b, 0);
}

static void put_cstr(orb_buf_t *b, const char *s) {
    orb_buf_append(b, s ? s : "", strlen(s ? s : "") + 1);
}

void wire_msg_put_parameter_status(orb_buf_t *b, const char *name, const char *value) {
    size_t at = wire_msg_begin(b, 'S');
    put_cstr(b, name);
    put_cstr(b, value);
    wire_msg_end(b, at);
}

void wire_msg_put_backend_key(orb_buf_t *b, int32_t pid, int32_t key) {
    orb_buf_putc(b, 'K');
    orb_buf_put_be32(b, 12);
    orb_buf_put_be32(b, (uint32_t)pid);
    orb_buf_put_be32(b, (uint32_t)key);
}

void wire_msg_put_ready(orb_buf_t *b, char status) {
    orb_buf_putc(b, 'Z');
    orb_buf_put_be32(b, 5);
    orb_buf_putc(b, status);
}

static void put_field(orb_buf_t *b, char code, const char *value) {
    orb_buf_putc(b, code);
    put_cstr(b, value);
}

void wire_msg_put_error(orb_buf_t *b, char type, const orb_err_t *err) {
    size_t at = wire_msg_begin(b, type);
    const char *sev = orb_severity_name(err->severity);
    if (type == 'N' && err->severity == ORB_SEV_ERROR)
        sev = "NOTICE";
    put_field(b, 'S', sev);
    put_field(b, 'V', sev);
    put_field(b, 'C', orb_sqlstate_code(err->code));
    put_field(b, 'M', err->message);
    if (err->detail[0])
        put_field(b, 'D', err->detail);
    if (err->hint[0])
        put_field(b, 'H', err->hint);
    if (err->position > 0) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", err->position);
        put_field(b, 'P', pos);
    }
    if (err->context[0])
        put_field(b, 'W', err->context);
    if (err->table[0])
        put_field(b, 't', err->table);
    if (err->constraint[0])
        put_field(b, 'n', err->constraint);
    orb_buf_putc(b, '\0');
    wire_msg_end(b, at);
}

void wire_msg_put_row_description(orb_buf_t *b, const sql_column_t *cols, int ncols) {
    size_t at = wire_msg_begin(b, 'T');
    orb_buf_put_be16(b, (uint16_t)ncols);
    for (int i = 0; i < ncols; i++) {
        put_cstr(b, cols[i].name);
        orb_buf_put_be32(b, cols[i].table_oid);
        orb_buf_put_be16(b, (uint16_t)cols[i].attnum);
        orb_buf_put_be32(b, cols[i].type_oid);
        orb_buf_put_be16(b, (uint16_t)cols[i].typlen);
        orb_buf_put_be32(b, (uint32_t)cols[i].typmod);
        orb_buf_put_be16(b, (uint16_t)cols[i].format);
    }
    wire_msg_end(b, at);
}

void wire_msg_put_data_row(orb_buf_t *b, const sql_cell_t *cells, int ncells) {
    size_t need = 7;
    for (int i = 0; i < ncells; i++)
        need += 4 + (cells[i].len > 0 ? (size_t)cells[i].len : 0);
    orb_buf_reserve(b, need);
    size_t at = wire_msg_begin(b, 'D');
    orb_buf_put_be16(b, (uint16_t)ncells);
    for (int i = 0; i < ncells; i++) {
        if (cells[i].len < 0 || (!cells[i].data && cells[i].len > 0)) {
            orb_buf_put_be32(b, 0xffffffffu);
            continue;
        }
        orb_buf_put_be32(b, (uint32_t)cells[i].len);
        orb_buf_append(b, cells[i].data, (size_t)cells[i].len);
    }
    wire_msg_end(b, at);
}

void wire_msg_put_command_complete(orb_buf_t *b, const char *tag) {
    size_t at = wire_msg_begin(b, 'C');
    put_cstr(b, tag);
    wire_msg_end(b, at);
}

void wire_msg_put_parameter_description(orb_buf_t *b, const uint32_t *oids, int n) {
    size_t at = wire_msg_begin(b, 't');
    orb_buf_put_be16(b, (uint16_t)n);
    for (int i = 0; i < n; i++)
        orb_buf_put_be32(b, oids[i]);
    wire_msg_end(b, at);
}

void wire_msg_put_copy_response(orb_buf_t *b, char type, int format, int ncols) {
    size_t at = wire_msg_begin(b, type);
    orb_buf_putc(b, (char)format);
    orb_buf_put_be16(b, (uint16_t)ncols);
    for (int i = 0; i < ncols; i++)
        orb_buf_put_be16(b, (uint16_t)format);
    wire_msg_end(b, at);
}

void wire_msg_put_copy_data(orb_buf_t *b, const char *data, size_t len) {
    orb_buf_reserve(b, len + 5);
    size_t at = wire_msg_begin(b, 'd');
    orb_buf_append(b, data, len);
    wire_msg_end(b, at);
}

void wire_msg_put_negotiate(orb_buf_t *b, uint32_t newest_minor, int nunknown,
                            const char *const *unknown) {
    size_t at = wire_msg_begin(b, 'v');
    orb_buf_put_be32(b, newest_minor);
    orb_buf_put_be32(b, (uint32_t)nunknown);
    for (int i = 0; i < nunknown; i++)
        put_cstr(b, unknown[i]);
    wire_msg_end(b, at);
}
