/* storage/st_row.c — compact row encoding: varint schema_version | varint ncols | per
 * column a kind byte + payload (zigzag varint int, 8-byte LE double, varint length + bytes,
 * one byte bool, nothing for NULL). Entry points: st_row_encode, st_row_decode.
 * Invariant: decode never reads past len and fails with XX001 on any malformed input
 * (README "Row format", invariant 9). */
#include "storage_int.h"

#include <string.h>

static void put_varint(orb_buf_t *b, uint64_t v) {
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    orb_buf_append(b, tmp, n);
}

/* Reads a LEB128 varint of at most 10 bytes; false on truncation or overflow. */
static bool get_varint(const uint8_t *p, size_t len, size_t *off, uint64_t *out) {
    uint64_t v = 0;
    size_t o = *off;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (o >= len) return false;
        uint8_t c = p[o++];
        if (shift == 63 && (c & 0x7E)) return false; /* more than 64 bits */
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *off = o;
            *out = v;
            return true;
        }
    }
    return false;
}

static uint64_t zigzag(int64_t i) { return ((uint64_t)i << 1) ^ (uint64_t)(i >> 63); }
static int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

void st_row_encode(orb_buf_t *b, uint32_t schema_version, const st_val_t *vals, size_t n) {
    put_varint(b, schema_version);
    put_varint(b, n);
    for (size_t i = 0; i < n; i++) {
        const st_val_t *v = &vals[i];
        orb_buf_put_u8(b, (uint8_t)v->kind);
        switch (v->kind) {
        case ST_NULL: break;
        case ST_BOOL: orb_buf_put_u8(b, v->b ? 1 : 0); break;
        case ST_INT: put_varint(b, zigzag(v->i)); break;
        case ST_FLOAT: {
            uint64_t u;
            memcpy(&u, &v->f, sizeof u);
            uint8_t le[8];
            for (int k = 0; k < 8; k++) le[k] = (uint8_t)(u >> (8 * k));
            orb_buf_append(b, le, 8);
            break;
        }
        case ST_NUMERIC:
        case ST_TEXT:
        case ST_BYTES:
            put_varint(b, v->p ? v->n : 0);
            if (v->p) orb_buf_append(b, v->p, v->n);
            break;
        default: assert(!"unknown st_kind_t in st_row_encode"); break;
        }
    }
}

static int corrupt(orb_err_t *err, const char *what, size_t off) {
    return orb_err_set(err, DATA_CORRUPTED, "malformed row: %s at offset %zu", what, off);
}

int st_row_decode(const char *row, size_t len, orb_mcx_t *mcx, uint32_t *schema_version,
                  st_val_t **vals, size_t *nvals, orb_err_t *err) {
    const uint8_t *p = (const uint8_t *)row;
    size_t o = 0;
    uint64_t sv, nc;
    if (!get_varint(p, len, &o, &sv) || sv > UINT32_MAX)
        return corrupt(err, "bad schema version", o);
    if (!get_varint(p, len, &o, &nc)) return corrupt(err, "bad column count", o);
    /* Every column takes at least its kind byte: bounds the allocation by len. */
    if (nc > len - o) return corrupt(err, "column count exceeds row length", o);
    st_val_t *v = orb_alloc0(mcx, (nc ? nc : 1) * sizeof *v);
    for (size_t i = 0; i < nc; i++) {
        if (o >= len) return corrupt(err, "truncated column", o);
        uint8_t kind = p[o++];
        v[i].kind = (st_kind_t)kind;
        switch (kind) {
        case ST_NULL: break;
        case ST_BOOL:
            if (o >= len || p[o] > 1) return corrupt(err, "bad bool", o);
            v[i].b = p[o++] != 0;
            break;
        case ST_INT: {
            uint64_t u;
            if (!get_varint(p, len, &o, &u)) return corrupt(err, "bad int", o);
            v[i].i = unzigzag(u);
            break;
        }
        case ST_FLOAT: {
            if (len - o < 8) return corrupt(err, "truncated float", o);
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) u |= (uint64_t)p[o + k] << (8 * k);
            memcpy(&v[i].f, &u, sizeof u);
            o += 8;
            break;
        }
        case ST_NUMERIC:
        case ST_TEXT:
        case ST_BYTES: {
            uint64_t n;
            if (!get_varint(p, len, &o, &n)) return corrupt(err, "bad length", o);
            if (n > len - o) return corrupt(err, "truncated string", o);
            char *s = orb_alloc(mcx, (size_t)n + 1);
            memcpy(s, p + o, (size_t)n);
            s[n] = 0;
            v[i].p = s;
            v[i].n = (size_t)n;
            o += (size_t)n;
            break;
        }
        default: return corrupt(err, "unknown column kind", o - 1);
        }
    }
    if (o != len) return corrupt(err, "trailing bytes", o);
    *schema_version = (uint32_t)sv;
    *vals = v;
    *nvals = (size_t)nc;
    return 0;
}
