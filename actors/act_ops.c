/* actors/act_ops.c — the compact form of a bulk request's ops (ShardRequest.bulk_ops): the
 * INSERT/PUT ops of a COPY batch as one byte string instead of one protobuf message per op,
 * row and value (packing those nested messages cost more than writing the rows). Entry
 * points: act__ops_encode (act_call_post), act__ops_decode (the worker, after unpacking).
 * The format (varints are LEB128, ints zigzag) per op:
 *   u8 kind | varint index_id | varint name (0: as the previous op, else length + 1, bytes)
 *   | varint detail length, bytes | varint nkey, datums | u8 has_row [varint n, datums]
 * datum: u8 v_case | is_null: - | b: u8 | i: zigzag varint | f: 8 bytes host order |
 *   numeric: varint length, bytes, NUL | s, bin: varint length, bytes
 * It never leaves the node's memory (a remote hop would need a fixed byte order for f). */
#include "actors_int.h"

#include <string.h>

/* Writers into space reserved beforehand (one reservation per op: datum_max). */
static inline uint8_t *put_varint(uint8_t *p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline uint8_t *put_bytes(uint8_t *p, const void *s, size_t n) {
    if (n) memcpy(p, s, n);
    return p + n;
}

static size_t datum_max(const Orbit__Datum *d) {
    if (!d) return 1;
    switch (d->v_case) {
    case ORBIT__DATUM__V_NUMERIC: return 12 + (d->numeric ? strlen(d->numeric) : 0);
    case ORBIT__DATUM__V_S: return 11 + d->s.len;
    case ORBIT__DATUM__V_BIN: return 11 + d->bin.len;
    default: return 11;
    }
}

static uint8_t *put_datum(uint8_t *p, const Orbit__Datum *d) {
    if (!d) {
        *p++ = ORBIT__DATUM__V_IS_NULL;
        return p;
    }
    *p++ = (uint8_t)d->v_case;
    switch (d->v_case) {
    case ORBIT__DATUM__V_B: *p++ = d->b ? 1 : 0; break;
    case ORBIT__DATUM__V_I: p = put_varint(p, ((uint64_t)d->i << 1) ^ (uint64_t)(d->i >> 63)); break;
    case ORBIT__DATUM__V_F: p = put_bytes(p, &d->f, sizeof d->f); break;
    case ORBIT__DATUM__V_NUMERIC: {
        size_t n = d->numeric ? strlen(d->numeric) : 0;
        p = put_varint(p, n);
        p = put_bytes(p, d->numeric, n);
        *p++ = 0;
        break;
    }
    case ORBIT__DATUM__V_S:
        p = put_varint(p, d->s.len);
        p = put_bytes(p, d->s.data, d->s.len);
        break;
    case ORBIT__DATUM__V_BIN:
        p = put_varint(p, d->bin.len);
        p = put_bytes(p, d->bin.data, d->bin.len);
        break;
    default: break; /* is_null, not set: nothing more */
    }
    return p;
}

int act__ops_encode(const Orbit__ShardRequest *req, orb_buf_t *out) {
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        if ((op->kind != ORBIT__SHARD_OP__KIND__INSERT && op->kind != ORBIT__SHARD_OP__KIND__PUT) ||
            op->vec || op->agg || op->n_lower || op->n_upper)
            return -1;
    }
    const char *prev = NULL;
    for (size_t i = 0; i < req->n_ops; i++) {
        const Orbit__ShardOp *op = req->ops[i];
        const char *name = op->conflict_name ? op->conflict_name : "";
        bool same = prev && (prev == name || strcmp(prev, name) == 0);
        size_t nn = same ? 0 : strlen(name);
        size_t dn = op->conflict_detail ? strlen(op->conflict_detail) : 0;
        size_t need = 1 + 5 + 10 + nn + 10 + dn + 10 + 1 + 10;
        for (size_t k = 0; k < op->n_key; k++) need += datum_max(op->key[k]);
        if (op->row)
            for (size_t c = 0; c < op->row->n_cols; c++) need += datum_max(op->row->cols[c]);
        orb_buf_reserve(out, need);
        uint8_t *p = (uint8_t *)out->data + out->len;
        *p++ = (uint8_t)op->kind;
        p = put_varint(p, op->index_id);
        if (same) {
            *p++ = 0;
        } else {
            p = put_varint(p, nn + 1);
            p = put_bytes(p, name, nn);
            prev = name;
        }
        p = put_varint(p, dn);
        p = put_bytes(p, op->conflict_detail, dn);
        p = put_varint(p, op->n_key);
        for (size_t k = 0; k < op->n_key; k++) p = put_datum(p, op->key[k]);
        *p++ = op->row ? 1 : 0;
        if (op->row) {
            p = put_varint(p, op->row->n_cols);
            for (size_t c = 0; c < op->row->n_cols; c++) p = put_datum(p, op->row->cols[c]);
        }
        out->len = (size_t)(p - (uint8_t *)out->data);
    }
    return 0;
}

typedef struct rd {
    const uint8_t *p, *end;
    bool bad;
} rd_t;

static uint64_t get_varint(rd_t *r) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) break;
        uint8_t c = *r->p++;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) return v;
    }
    r->bad = true;
    return 0;
}

static uint8_t get_u8(rd_t *r) {
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

static const uint8_t *get_bytes(rd_t *r, uint64_t n) {
    if ((uint64_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *s = r->p;
    r->p += n;
    return s;
}

static Orbit__Datum *get_datum(rd_t *r, Orbit__Datum *d) {
    orbit__datum__init(d);
    uint8_t vc = get_u8(r);
    d->v_case = (Orbit__Datum__VCase)vc;
    switch (vc) {
    case ORBIT__DATUM__V_IS_NULL: d->is_null = 1; break;
    case ORBIT__DATUM__V_B: d->b = get_u8(r) != 0; break;
    case ORBIT__DATUM__V_I: {
        uint64_t z = get_varint(r);
        d->i = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
        break;
    }
    case ORBIT__DATUM__V_F: {
        const uint8_t *s = get_bytes(r, sizeof d->f);
        if (s) memcpy(&d->f, s, sizeof d->f);
        break;
    }
    case ORBIT__DATUM__V_NUMERIC: {
        uint64_t n = get_varint(r);
        const uint8_t *s = get_bytes(r, n + 1);
        if (s && s[n] != 0) r->bad = true;
        d->numeric = (char *)(s ? s : (const uint8_t *)"");
        break;
    }
    case ORBIT__DATUM__V_S:
    case ORBIT__DATUM__V_BIN: {
        uint64_t n = get_varint(r);
        const uint8_t *s = get_bytes(r, n);
        ProtobufCBinaryData bd = {.len = s ? (size_t)n : 0, .data = (uint8_t *)s};
        if (vc == ORBIT__DATUM__V_S) d->s = bd;
        else d->bin = bd;
        break;
    }
    case ORBIT__DATUM__V__NOT_SET: break;
    default: r->bad = true;
    }
    return d;
}

static Orbit__Datum **get_datums(rd_t *r, orb_mcx_t *mcx, size_t *n) {
    uint64_t k = get_varint(r);
    if (k > (uint64_t)(r->end - r->p)) { /* every datum takes at least one byte */
        r->bad = true;
        *n = 0;
        return NULL;
    }
    *n = (size_t)k;
    Orbit__Datum **v = orb_alloc(mcx, (k ? k : 1) * sizeof *v);
    Orbit__Datum *ds = orb_alloc(mcx, (k ? k : 1) * sizeof *ds);
    for (size_t i = 0; i < k && !r->bad; i++) v[i] = get_datum(r, &ds[i]);
    return v;
}

int act__ops_decode(orb_mcx_t *mcx, Orbit__ShardRequest *req) {
    if (req->n_ops) return -1; /* one form or the other */
    rd_t r = {.p = req->bulk_ops.data, .end = req->bulk_ops.data + req->bulk_ops.len};
    size_t cap = 64, n = 0;
    Orbit__ShardOp **ops = orb_alloc(mcx, cap * sizeof *ops);
    const char *prev = "";
    while (r.p < r.end && !r.bad) {
        if (n == cap) {
            ops = orb_realloc(mcx, ops, cap * sizeof *ops, cap * 2 * sizeof *ops);
            cap *= 2;
        }
        Orbit__ShardOp *op = orb_alloc(mcx, sizeof *op);
        orbit__shard_op__init(op);
        op->kind = (Orbit__ShardOp__Kind)get_u8(&r);
        if (op->kind != ORBIT__SHARD_OP__KIND__INSERT && op->kind != ORBIT__SHARD_OP__KIND__PUT) r.bad = true;
        op->index_id = (uint32_t)get_varint(&r);
        uint64_t nl = get_varint(&r);
        if (nl) {
            const uint8_t *s = get_bytes(&r, nl - 1);
            prev = s ? orb_strndup(mcx, (const char *)s, (size_t)(nl - 1)) : "";
        }
        op->conflict_name = (char *)prev;
        uint64_t dl = get_varint(&r);
        const uint8_t *ds = get_bytes(&r, dl);
        op->conflict_detail = ds ? orb_strndup(mcx, (const char *)ds, (size_t)dl) : (char *)"";
        op->key = get_datums(&r, mcx, &op->n_key);
        if (get_u8(&r) && !r.bad) {
            Orbit__Row *row = orb_alloc(mcx, sizeof *row);
            orbit__row__init(row);
            row->cols = get_datums(&r, mcx, &row->n_cols);
            op->row = row;
        }
        ops[n++] = op;
    }
    if (r.bad) return -1;
    req->ops = ops;
    req->n_ops = n;
    return 0;
}
