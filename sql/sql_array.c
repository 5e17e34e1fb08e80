/* sql/sql_array.c — one-dimensional arrays (PostgreSQL's int4[], text[], ...): the element
 * type <-> array type map, the packed value form (see sql_value.h), text input/output,
 * binary send/recv, element-wise casts, btree comparison and hashing, the array functions
 * and operators of sql_builtin.c, and an accumulator for array_agg. Behaviour and messages
 * follow PostgreSQL 15 (arrayfuncs.c, array_userfuncs.c); multidimensional arrays and lower
 * bounds other than 1 are rejected with 0A000.
 *
 * Packed form (host byte order, pointer may be unaligned): uint32 element type OID, uint32
 * element count n, a null bitmap of (n + 7) / 8 bytes (bit i set: element i is NULL), then
 * for each non-NULL element: uint32 byte length, the bytes, a NUL byte. Element bytes by the
 * element type's storage kind: bool 1 byte, int/date/timestamp 8 (int64), float 8 (double),
 * string-like kinds their v.s bytes. The whole is followed by a NUL byte not counted in n. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_types_int.h"

static const struct {
    uint32_t elem, arr;
} arr_map[] = {
    {SQL_OID_INT2, SQL_OID_INT2_ARRAY},         {SQL_OID_INT4, SQL_OID_INT4_ARRAY},
    {SQL_OID_INT8, SQL_OID_INT8_ARRAY},         {SQL_OID_TEXT, SQL_OID_TEXT_ARRAY},
    {SQL_OID_VARCHAR, SQL_OID_VARCHAR_ARRAY},   {SQL_OID_BPCHAR, SQL_OID_BPCHAR_ARRAY},
    {SQL_OID_FLOAT4, SQL_OID_FLOAT4_ARRAY},     {SQL_OID_FLOAT8, SQL_OID_FLOAT8_ARRAY},
    {SQL_OID_NUMERIC, SQL_OID_NUMERIC_ARRAY},   {SQL_OID_BOOL, SQL_OID_BOOL_ARRAY},
    {SQL_OID_DATE, SQL_OID_DATE_ARRAY},         {SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMP_ARRAY},
    {SQL_OID_TIMESTAMPTZ, SQL_OID_TIMESTAMPTZ_ARRAY}, {SQL_OID_UUID, SQL_OID_UUID_ARRAY},
    {SQL_OID_JSONB, SQL_OID_JSONB_ARRAY},       {SQL_OID_BYTEA, SQL_OID_BYTEA_ARRAY},
    {SQL_OID_NAME, SQL_OID_NAME_ARRAY},         {SQL_OID_OID, SQL_OID_OID_ARRAY},
};
#define NARR (sizeof arr_map / sizeof arr_map[0])

uint32_t sql_array_type_of(uint32_t elem) {
    for (size_t i = 0; i < NARR; i++)
        if (arr_map[i].elem == elem) return arr_map[i].arr;
    return 0;
}

uint32_t sql_array_elem_of(uint32_t arr) {
    for (size_t i = 0; i < NARR; i++)
        if (arr_map[i].arr == arr) return arr_map[i].elem;
    return 0;
}

bool sql_type_is_array(uint32_t oid) { return sql_array_elem_of(oid) != 0; }

int sql__array_elem_index(uint32_t elem) {
    for (size_t i = 0; i < NARR; i++)
        if (arr_map[i].elem == elem) return (int)i;
    return -1;
}

uint32_t sql__array_elem_by_index(int i) {
    return i >= 0 && (size_t)i < NARR ? arr_map[i].elem : 0;
}

/* ---- packed form ---------------------------------------------------------------------- */
static uint32_t rd32(const char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int elem_kind(uint32_t elem) {
    const sql_type_info_t *t = sql_type_get(elem);
    return t ? t->kind : ORBIT__DATUM__V_S;
}

uint32_t sql_array_elem_type(const sql_value_t *arr) {
    if (arr->isnull || arr->v.s.n < 8) return 0;
    return rd32(arr->v.s.p);
}

int sql_array_len(const sql_value_t *arr) {
    if (arr->isnull || arr->v.s.n < 8) return 0;
    return (int)rd32(arr->v.s.p + 4);
}

/* Appends one element's packed bytes (length, bytes, NUL) to b. */
static void put_elem(orb_buf_t *b, int kind, const sql_value_t *e) {
    char tmp[8];
    const char *p;
    uint32_t n;
    switch (kind) {
    case ORBIT__DATUM__V_B: tmp[0] = e->v.b ? 1 : 0; p = tmp; n = 1; break;
    case ORBIT__DATUM__V_I: memcpy(tmp, &e->v.i, 8); p = tmp; n = 8; break;
    case ORBIT__DATUM__V_F: memcpy(tmp, &e->v.f, 8); p = tmp; n = 8; break;
    default: p = e->v.s.p; n = e->v.s.n; break;
    }
    orb_buf_append(b, &n, 4);
    if (n) orb_buf_append(b, p, n);
    orb_buf_putc(b, 0);
}

static void get_elem(int kind, const char *p, uint32_t n, sql_value_t *out) {
    out->isnull = false;
    switch (kind) {
    case ORBIT__DATUM__V_B: out->v.b = p[0] != 0; break;
    case ORBIT__DATUM__V_I: memcpy(&out->v.i, p, 8); break;
    case ORBIT__DATUM__V_F: memcpy(&out->v.f, p, 8); break;
    default: out->v.s.p = p; out->v.s.n = n; break;
    }
}

int sql_array_build(uint32_t elem_type, const sql_value_t *elems, int n, orb_mcx_t *mcx,
                    sql_value_t *out, orb_err_t *err) {
    if (!sql_array_type_of(elem_type))
        return orb_err_set(err, UNDEFINED_OBJECT, "could not find array type for data type %s",
                           sql_type_format(elem_type, -1, mcx));
    if (n < 0) n = 0;
    int kind = elem_kind(elem_type);
    size_t nb = ((size_t)n + 7) / 8;
    orb_buf_t b;
    orb_buf_init(&b);
    uint32_t hdr[2] = {elem_type, (uint32_t)n};
    orb_buf_append(&b, hdr, 8);
    size_t bm = b.len;
    orb_buf_reserve(&b, nb);
    memset(b.data + bm, 0, nb);
    b.len += nb;
    for (int i = 0; i < n; i++) {
        if (elems[i].isnull) b.data[bm + (size_t)i / 8] |= (char)(1u << (i % 8));
        else put_elem(&b, kind, &elems[i]);
    }
    char *c = orb_alloc(mcx, b.len + 1);
    memcpy(c, b.data, b.len);
    c[b.len] = 0;
    out->isnull = false;
    out->v.s.p = c;
    out->v.s.n = (uint32_t)b.len;
    orb_buf_free(&b);
    return 0;
}

int sql_array_elems(const sql_value_t *arr, orb_mcx_t *mcx, sql_value_t **elems, int *n) {
    int cnt = sql_array_len(arr);
    sql_value_t *es = orb_alloc0(mcx, sizeof *es * (size_t)(cnt ? cnt : 1));
    if (cnt) {
        int kind = elem_kind(sql_array_elem_type(arr));
        const char *bm = arr->v.s.p + 8;
        const char *p = bm + ((size_t)cnt + 7) / 8;
        for (int i = 0; i < cnt; i++) {
            if (bm[i / 8] & (1 << (i % 8))) { es[i].isnull = true; continue; }
            uint32_t len = rd32(p);
            get_elem(kind, p + 4, len, &es[i]);
            p += 4 + (size_t)len + 1;
        }
    }
    *elems = es;
    *n = cnt;
    return 0;
}

int sql_array_get(uint32_t elem_type, const sql_value_t *arr, int i, orb_mcx_t *mcx,
                  sql_value_t *out) {
    (void)mcx;
    memset(out, 0, sizeof *out);
    int cnt = sql_array_len(arr);
    if (i < 0 || i >= cnt) { out->isnull = true; return -1; }
    if (!elem_type) elem_type = sql_array_elem_type(arr);
    int kind = elem_kind(elem_type);
    const char *bm = arr->v.s.p + 8;
    if (bm[i / 8] & (1 << (i % 8))) { out->isnull = true; return 0; }
    const char *p = bm + ((size_t)cnt + 7) / 8;
    for (int k = 0; k < i; k++) {
        if (bm[k / 8] & (1 << (k % 8))) continue;
        p += 4 + (size_t)rd32(p) + 1;
    }
    get_elem(kind, p + 4, rd32(p), out);
    return 0;
}

/* ---- accumulator (array_agg) ------------------------------------------------------------ */
void sql_array_acc_init(sql_array_acc_t *acc, uint32_t elem_type) {
    memset(acc, 0, sizeof *acc);
    acc->elem_type = elem_type;
    orb_buf_init(&acc->data);
    orb_buf_init(&acc->nulls);
}

void sql_array_acc_add(sql_array_acc_t *acc, const sql_value_t *e) {
    if ((size_t)acc->n % 8 == 0) orb_buf_putc(&acc->nulls, 0);
    if (e->isnull) acc->nulls.data[acc->n / 8] |= (char)(1u << (acc->n % 8));
    else put_elem(&acc->data, elem_kind(acc->elem_type), e);
    acc->n++;
}

int sql_array_acc_finish(sql_array_acc_t *acc, orb_mcx_t *mcx, sql_value_t *out) {
    size_t nb = ((size_t)acc->n + 7) / 8;
    size_t total = 8 + nb + acc->data.len;
    char *c = orb_alloc(mcx, total + 1);
    uint32_t hdr[2] = {acc->elem_type, (uint32_t)acc->n};
    memcpy(c, hdr, 8);
    if (nb) memcpy(c + 8, acc->nulls.data, nb);
    if (acc->data.len) memcpy(c + 8 + nb, acc->data.data, acc->data.len);
    c[total] = 0;
    out->isnull = false;
    out->v.s.p = c;
    out->v.s.n = (uint32_t)total;
    return 0;
}

void sql_array_acc_free(sql_array_acc_t *acc) {
    orb_buf_free(&acc->data);
    orb_buf_free(&acc->nulls);
    acc->n = 0;
}

/* ---- text input --------------------------------------------------------------------------- */
static bool arr_isspace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int malformed(orb_err_t *err, const char *s, size_t n, const char *detail, ...)
    __attribute__((format(printf, 4, 5)));
static int malformed(orb_err_t *err, const char *s, size_t n, const char *detail, ...) {
    orb_err_set(err, INVALID_TEXT_REPRESENTATION, "malformed array literal: \"%.*s\"", (int)n, s);
    char buf[256];
    va_list ap;
    va_start(ap, detail);
    vsnprintf(buf, sizeof buf, detail, ap);
    va_end(ap);
    orb_err_detail(err, "%s", buf);
    return -1;
}

static int multidim(orb_err_t *err) {
    return orb_err_set(err, FEATURE_NOT_SUPPORTED, "multidimensional arrays are not supported yet");
}

int sql__array_in(uint32_t arrtype, int32_t typmod, const char *s, size_t n, orb_mcx_t *mcx,
                  sql_value_t *out, orb_err_t *err) {
    uint32_t elem = sql_array_elem_of(arrtype);
    const char *p = s, *end = s + n;
    long want = -1;
    while (p < end && arr_isspace(*p)) p++;
    if (p < end && *p == '[') {
        /* dimension information: [lo:hi]= or [hi]= */
        long lo = 1, hi;
        char *e;
        p++;
        hi = strtol(p, &e, 10);
        if (e == p) return malformed(err, s, n, "\"[\" must introduce explicitly-specified array dimensions.");
        p = e;
        if (p < end && *p == ':') {
            lo = hi;
            p++;
            hi = strtol(p, &e, 10);
            if (e == p) return malformed(err, s, n, "Missing array dimension value.");
            p = e;
        }
        if (p >= end || *p != ']') return malformed(err, s, n, "Missing \"%s\" after array dimensions.", "]");
        p++;
        if (p < end && *p == '[') return multidim(err);
        while (p < end && arr_isspace(*p)) p++;
        if (p >= end || *p != '=') return malformed(err, s, n, "Missing \"%s\" after array dimensions.", "=");
        p++;
        while (p < end && arr_isspace(*p)) p++;
        if (hi < lo)
            return orb_err_set(err, ARRAY_SUBSCRIPT_ERROR,
                               "upper bound cannot be less than lower bound");
        if (lo != 1)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                               "array lower bounds other than 1 are not supported yet");
        want = hi - lo + 1;
    }
    if (p >= end || *p != '{')
        return malformed(err, s, n, "Array value must start with \"{\" or dimension information.");
    p++;
    orb_buf_t tok;
    orb_buf_init(&tok);
    int cap = 8, cnt = 0;
    sql_value_t *els = orb_alloc(mcx, sizeof *els * (size_t)cap);
    int rc = 0;
    while (p < end && arr_isspace(*p)) p++;
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            while (p < end && arr_isspace(*p)) p++;
            if (p >= end) { rc = malformed(err, s, n, "Unexpected end of input."); break; }
            if (*p == '{') { rc = multidim(err); break; }
            orb_buf_reset(&tok);
            bool quoted = false, escaped = false;
            size_t keep = 0; /* length up to the last non-space or escaped byte */
            if (*p == '"') {
                quoted = true;
                p++;
                for (;;) {
                    if (p >= end) break;
                    if (*p == '\\') {
                        p++;
                        if (p >= end) break;
                        orb_buf_putc(&tok, *p++);
                        continue;
                    }
                    if (*p == '"') break;
                    orb_buf_putc(&tok, *p++);
                }
                if (p >= end) { rc = malformed(err, s, n, "Unexpected end of input."); break; }
                p++; /* closing quote */
                while (p < end && arr_isspace(*p)) p++;
                if (p < end && *p != ',' && *p != '}') {
                    rc = malformed(err, s, n, "Unexpected array element.");
                    break;
                }
            } else {
                while (p < end && *p != ',' && *p != '}') {
                    if (*p == '\\') {
                        p++;
                        if (p >= end) break;
                        orb_buf_putc(&tok, *p++);
                        escaped = true;
                        keep = tok.len;
                        continue;
                    }
                    if (*p == '"') {
                        rc = malformed(err, s, n, "Unexpected array element.");
                        break;
                    }
                    if (*p == '{') {
                        rc = malformed(err, s, n, "Unexpected \"%c\" character.", *p);
                        break;
                    }
                    orb_buf_putc(&tok, *p);
                    if (!arr_isspace(*p)) keep = tok.len;
                    p++;
                }
                if (rc) break;
                if (p >= end) { rc = malformed(err, s, n, "Unexpected end of input."); break; }
                tok.len = keep;
                if (tok.len == 0 && !escaped) {
                    rc = malformed(err, s, n, "Unexpected \"%c\" character.", *p);
                    break;
                }
            }
            if (cnt == cap) {
                els = orb_realloc(mcx, els, sizeof *els * (size_t)cap, sizeof *els * (size_t)cap * 2);
                cap *= 2;
            }
            if (!quoted && !escaped && tok.len == 4 && strncasecmp(tok.data, "NULL", 4) == 0) {
                els[cnt].isnull = true;
            } else if (sql_value_in(elem, typmod, tok.data ? tok.data : "", tok.len, mcx, &els[cnt],
                                    err)) {
                rc = -1;
                break;
            }
            cnt++;
            if (p >= end) { rc = malformed(err, s, n, "Unexpected end of input."); break; }
            if (*p == ',') { p++; continue; }
            p++; /* '}' */
            break;
        }
    }
    orb_buf_free(&tok);
    if (rc) return -1;
    while (p < end && arr_isspace(*p)) p++;
    if (p < end) return malformed(err, s, n, "Junk after closing right brace.");
    if (want >= 0 && want != cnt)
        return malformed(err, s, n, "Specified array dimensions do not match array contents.");
    return sql_array_build(elem, els, cnt, mcx, out, err);
}

/* ---- text output ------------------------------------------------------------------------ */
static void put_quoted_elem(orb_buf_t *out, const char *p, size_t n) {
    bool q = n == 0 || (n == 4 && strncasecmp(p, "NULL", 4) == 0);
    for (size_t i = 0; i < n && !q; i++) {
        char c = p[i];
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || arr_isspace(c)) q = true;
    }
    if (!q) { orb_buf_append(out, p, n); return; }
    orb_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\') orb_buf_putc(out, '\\');
        orb_buf_putc(out, p[i]);
    }
    orb_buf_putc(out, '"');
}

int sql__array_out(const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    uint32_t elem = sql_array_elem_type(v);
    int cnt = sql_array_len(v);
    orb_mcx_t *m = orb_mcx_create(NULL, "array_out");
    sql_value_t *es;
    int ne;
    sql_array_elems(v, m, &es, &ne);
    orb_buf_t tmp;
    orb_buf_init(&tmp);
    int rc = 0;
    orb_buf_putc(out, '{');
    for (int i = 0; i < cnt; i++) {
        if (i) orb_buf_putc(out, ',');
        if (es[i].isnull) { orb_buf_puts(out, "NULL"); continue; }
        orb_buf_reset(&tmp);
        if (sql_value_out(elem, -1, &es[i], &tmp, err)) { rc = -1; break; }
        put_quoted_elem(out, tmp.data ? tmp.data : "", tmp.len);
    }
    orb_buf_putc(out, '}');
    orb_buf_free(&tmp);
    orb_mcx_destroy(m);
    return rc;
}

/* ---- binary ----------------------------------------------------------------------------- */
int sql__array_send(const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    uint32_t elem = sql_array_elem_type(v);
    orb_mcx_t *m = orb_mcx_create(NULL, "array_send");
    sql_value_t *es;
    int n;
    sql_array_elems(v, m, &es, &n);
    bool has_null = false;
    for (int i = 0; i < n; i++) has_null |= es[i].isnull;
    orb_buf_put_be32(out, n ? 1 : 0);
    orb_buf_put_be32(out, has_null ? 1 : 0);
    orb_buf_put_be32(out, elem);
    if (n) {
        orb_buf_put_be32(out, (uint32_t)n);
        orb_buf_put_be32(out, 1);
    }
    orb_buf_t tmp;
    orb_buf_init(&tmp);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (es[i].isnull) { orb_buf_put_be32(out, UINT32_MAX); continue; }
        orb_buf_reset(&tmp);
        if (sql_value_send(elem, &es[i], &tmp, err)) { rc = -1; break; }
        orb_buf_put_be32(out, (uint32_t)tmp.len);
        if (tmp.len) orb_buf_append(out, tmp.data, tmp.len);
    }
    orb_buf_free(&tmp);
    orb_mcx_destroy(m);
    return rc;
}

int sql__array_recv(uint32_t arrtype, int32_t typmod, const char *d, size_t n, orb_mcx_t *mcx,
                    sql_value_t *out, orb_err_t *err) {
    uint32_t elem = sql_array_elem_of(arrtype);
    if (n < 12) return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
    int32_t ndim = (int32_t)orb_get_be32(d);
    int32_t flags = (int32_t)orb_get_be32(d + 4);
    uint32_t et = orb_get_be32(d + 8);
    if (ndim < 0)
        return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "invalid number of dimensions: %d", ndim);
    if (ndim > 1) return multidim(err);
    if (flags != 0 && flags != 1)
        return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "invalid array flags");
    if (et != elem)
        return orb_err_set(err, DATATYPE_MISMATCH,
                           "binary data has array element type %u (%s) instead of expected %u (%s)",
                           et, sql_type_format(et, -1, mcx), elem, sql_type_format(elem, -1, mcx));
    size_t off = 12;
    int32_t cnt = 0;
    if (ndim == 1) {
        if (n < 20) return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
        cnt = (int32_t)orb_get_be32(d + 12);
        int32_t lb = (int32_t)orb_get_be32(d + 16);
        off = 20;
        if (cnt < 0 || cnt > 100000000)
            return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "array size exceeds the maximum allowed");
        if (lb != 1 && cnt > 0)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                               "array lower bounds other than 1 are not supported yet");
    }
    sql_value_t *els = orb_alloc0(mcx, sizeof *els * (size_t)(cnt ? cnt : 1));
    for (int32_t i = 0; i < cnt; i++) {
        if (n - off < 4) return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
        int32_t len = (int32_t)orb_get_be32(d + off);
        off += 4;
        if (len == -1) { els[i].isnull = true; continue; }
        if (len < 0 || (size_t)len > n - off)
            return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
        if (sql_value_recv(elem, typmod, d + off, (size_t)len, mcx, &els[i], err)) return -1;
        off += (size_t)len;
    }
    if (off != n)
        return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
    return sql_array_build(elem, els, cnt, mcx, out, err);
}

/* ---- casts -------------------------------------------------------------------------------- */
int sql__array_cast(uint32_t from, uint32_t to, int32_t typmod, sql_cast_ctx_t ctx,
                    const sql_value_t *in, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    uint32_t fe = sql_array_elem_of(from), te = sql_array_elem_of(to);
    sql_value_t *es;
    int n;
    sql_array_elems(in, mcx, &es, &n);
    for (int i = 0; i < n; i++)
        if (sql_value_cast_ctx(fe, te, typmod, ctx, &es[i], mcx, &es[i], err)) return -1;
    return sql_array_build(te, es, n, mcx, out, err);
}

/* ---- comparison / hashing --------------------------------------------------------------- */
int sql__array_cmp(const sql_value_t *a, const sql_value_t *b) {
    uint32_t elem = sql_array_elem_type(a);
    if (!elem) elem = sql_array_elem_type(b);
    orb_mcx_t *m = orb_mcx_create(NULL, "array_cmp");
    sql_value_t *x, *y;
    int nx, ny;
    sql_array_elems(a, m, &x, &nx);
    sql_array_elems(b, m, &y, &ny);
    int c = 0;
    for (int i = 0; i < nx && i < ny && !c; i++) {
        if (x[i].isnull && y[i].isnull) continue;
        if (x[i].isnull) { c = 1; break; }
        if (y[i].isnull) { c = -1; break; }
        c = sql_value_cmp(elem, &x[i], &y[i]);
    }
    if (!c && nx != ny) c = nx < ny ? -1 : 1;
    orb_mcx_destroy(m);
    return c < 0 ? -1 : c > 0;
}

uint64_t sql__array_hash(const sql_value_t *v) {
    uint32_t elem = sql_array_elem_type(v);
    orb_mcx_t *m = orb_mcx_create(NULL, "array_hash");
    sql_value_t *x;
    int n;
    sql_array_elems(v, m, &x, &n);
    uint64_t h = 1;
    for (int i = 0; i < n; i++) h = h * 31 + sql_value_hash(elem, &x[i]);
    orb_mcx_destroy(m);
    return sql__hash_bytes(&h, sizeof h, 7);
}

/* ---- functions and operators ---------------------------------------------------------------- */
#define AARGS sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err

static bool elem_eq(uint32_t elem, const sql_value_t *x, const sql_value_t *y) {
    if (x->isnull || y->isnull) return x->isnull && y->isnull;
    return sql_value_cmp(elem, x, y) == 0;
}

static int ret_null(sql_value_t *r) { memset(r, 0, sizeof *r); r->isnull = true; return 0; }
static int ret_int(int64_t v, sql_value_t *r) { r->isnull = false; r->v.i = v; return 0; }

int sql__arr_length(AARGS) {
    (void)ctx, (void)nargs, (void)err;
    int n = sql_array_len(&a[0]);
    if (n == 0 || a[1].v.i != 1) return ret_null(r);
    return ret_int(n, r);
}
int sql__arr_cardinality(AARGS) {
    (void)ctx, (void)nargs, (void)err;
    return ret_int(sql_array_len(&a[0]), r);
}
int sql__arr_lower(AARGS) {
    (void)ctx, (void)nargs, (void)err;
    if (sql_array_len(&a[0]) == 0 || a[1].v.i != 1) return ret_null(r);
    return ret_int(1, r);
}
int sql__arr_upper(AARGS) { return sql__arr_length(ctx, a, nargs, r, err); }
int sql__arr_ndims(AARGS) {
    (void)ctx, (void)nargs, (void)err;
    if (sql_array_len(&a[0]) == 0) return ret_null(r);
    return ret_int(1, r);
}
int sql__arr_dims(AARGS) {
    (void)nargs, (void)err;
    int n = sql_array_len(&a[0]);
    if (n == 0) return ret_null(r);
    char *s = orb_sprintf(ctx->mcx, "[1:%d]", n);
    r->isnull = false;
    r->v.s.p = s;
    r->v.s.n = (uint32_t)strlen(s);
    return 0;
}

static int ret_buf(sql_fn_ctx_t *ctx, orb_buf_t *b, sql_value_t *r) {
    char *c = orb_alloc(ctx->mcx, b->len + 1);
    if (b->len) memcpy(c, b->data, b->len);
    c[b->len] = 0;
    r->isnull = false;
    r->v.s.p = c;
    r->v.s.n = (uint32_t)b->len;
    return 0;
}

int sql__arr_to_string(AARGS) {
    if (a[0].isnull || a[1].isnull) return ret_null(r);
    bool use_null = nargs > 2 && !a[2].isnull;
    uint32_t elem = sql_array_elem_type(&a[0]);
    sql_value_t *es;
    int n;
    sql_array_elems(&a[0], ctx->mcx, &es, &n);
    orb_buf_t b;
    orb_buf_init(&b);
    bool first = true;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (es[i].isnull && !use_null) continue;
        if (!first) orb_buf_append(&b, a[1].v.s.p, a[1].v.s.n);
        first = false;
        if (es[i].isnull) orb_buf_append(&b, a[2].v.s.p, a[2].v.s.n);
        else if (sql_value_out(elem, -1, &es[i], &b, err)) { rc = -1; break; }
    }
    if (!rc) ret_buf(ctx, &b, r);
    orb_buf_free(&b);
    return rc;
}

int sql__string_to_array(AARGS) {
    if (a[0].isnull) return ret_null(r);
    const char *s = a[0].v.s.p;
    size_t n = a[0].v.s.n;
    bool has_null = nargs > 2 && !a[2].isnull;
    int cap = 8, cnt = 0;
    sql_value_t *es = orb_alloc(ctx->mcx, sizeof *es * (size_t)cap);
#define PUSH(P, L)                                                                                 \
    do {                                                                                           \
        if (cnt == cap) {                                                                          \
            es = orb_realloc(ctx->mcx, es, sizeof *es * (size_t)cap, sizeof *es * (size_t)cap * 2); \
            cap *= 2;                                                                              \
        }                                                                                          \
        const char *p_ = (P);                                                                      \
        size_t l_ = (L);                                                                           \
        if (has_null && l_ == a[2].v.s.n && memcmp(p_, a[2].v.s.p, l_) == 0) {                    \
            es[cnt].isnull = true;                                                                 \
        } else {                                                                                   \
            char *c_ = orb_alloc(ctx->mcx, l_ + 1);                                                \
            if (l_) memcpy(c_, p_, l_);                                                            \
            c_[l_] = 0;                                                                            \
            es[cnt].isnull = false;                                                                \
            es[cnt].v.s.p = c_;                                                                    \
            es[cnt].v.s.n = (uint32_t)l_;                                                          \
        }                                                                                          \
        cnt++;                                                                                     \
    } while (0)
    if (n > 0) {
        if (a[1].isnull) {
            size_t i = 0;
            while (i < n) {
                size_t l = sql__utf8_prefix(s + i, n - i, 1);
                PUSH(s + i, l);
                i += l;
            }
        } else if (a[1].v.s.n == 0) {
            PUSH(s, n);
        } else {
            const char *d = a[1].v.s.p;
            size_t dn = a[1].v.s.n, start = 0, i = 0;
            while (i + dn <= n) {
                if (memcmp(s + i, d, dn) == 0) {
                    PUSH(s + start, i - start);
                    i += dn;
                    start = i;
                } else {
                    i += sql__utf8_prefix(s + i, n - i, 1);
                }
            }
            PUSH(s + start, n - start);
        }
    }
#undef PUSH
    return sql_array_build(SQL_OID_TEXT, es, cnt, ctx->mcx, r, err);
}

static int concat_elems(sql_fn_ctx_t *ctx, uint32_t elem, const sql_value_t *x, int nx,
                        const sql_value_t *y, int ny, sql_value_t *r, orb_err_t *err) {
    sql_value_t *es = orb_alloc(ctx->mcx, sizeof *es * (size_t)(nx + ny + 1));
    if (nx) memcpy(es, x, sizeof *es * (size_t)nx);
    if (ny) memcpy(es + nx, y, sizeof *es * (size_t)ny);
    return sql_array_build(elem, es, nx + ny, ctx->mcx, r, err);
}

int sql__arr_append(AARGS, uint32_t elem) {
    (void)nargs;
    sql_value_t *es;
    int n;
    sql_array_elems(&a[0], ctx->mcx, &es, &n); /* NULL array: no elements */
    return concat_elems(ctx, elem, es, n, &a[1], 1, r, err);
}

int sql__arr_prepend(AARGS, uint32_t elem) {
    (void)nargs;
    sql_value_t *es;
    int n;
    sql_array_elems(&a[1], ctx->mcx, &es, &n);
    return concat_elems(ctx, elem, &a[0], 1, es, n, r, err);
}

int sql__arr_cat(AARGS, uint32_t elem) {
    (void)nargs;
    if (a[0].isnull && a[1].isnull) return ret_null(r);
    if (a[0].isnull) { *r = a[1]; return 0; }
    if (a[1].isnull) { *r = a[0]; return 0; }
    sql_value_t *x, *y;
    int nx, ny;
    sql_array_elems(&a[0], ctx->mcx, &x, &nx);
    sql_array_elems(&a[1], ctx->mcx, &y, &ny);
    return concat_elems(ctx, elem, x, nx, y, ny, r, err);
}

int sql__arr_remove(AARGS) {
    (void)nargs;
    if (a[0].isnull) return ret_null(r);
    uint32_t elem = sql_array_elem_type(&a[0]);
    sql_value_t *es;
    int n, m = 0;
    sql_array_elems(&a[0], ctx->mcx, &es, &n);
    for (int i = 0; i < n; i++)
        if (!elem_eq(elem, &es[i], &a[1])) es[m++] = es[i];
    if (m == n) { *r = a[0]; return 0; }
    return sql_array_build(elem, es, m, ctx->mcx, r, err);
}

int sql__arr_replace(AARGS) {
    (void)nargs;
    if (a[0].isnull) return ret_null(r);
    uint32_t elem = sql_array_elem_type(&a[0]);
    sql_value_t *es;
    int n;
    sql_array_elems(&a[0], ctx->mcx, &es, &n);
    for (int i = 0; i < n; i++)
        if (elem_eq(elem, &es[i], &a[1])) es[i] = a[2];
    return sql_array_build(elem, es, n, ctx->mcx, r, err);
}

int sql__arr_position(AARGS) {
    if (a[0].isnull) return ret_null(r);
    int start = 0;
    if (nargs > 2) {
        if (a[2].isnull)
            return orb_err_set(err, NULL_VALUE_NOT_ALLOWED, "initial position must not be null");
        start = (int)(a[2].v.i - 1);
        if (a[2].v.i < 1) start = 0;
    }
    uint32_t elem = sql_array_elem_type(&a[0]);
    sql_value_t *es;
    int n;
    sql_array_elems(&a[0], ctx->mcx, &es, &n);
    for (int i = start; i < n; i++)
        if (elem_eq(elem, &es[i], &a[1])) return ret_int(i + 1, r);
    return ret_null(r);
}

int sql__arr_positions(AARGS) {
    (void)nargs;
    if (a[0].isnull) return ret_null(r);
    uint32_t elem = sql_array_elem_type(&a[0]);
    sql_value_t *es;
    int n, m = 0;
    sql_array_elems(&a[0], ctx->mcx, &es, &n);
    sql_value_t *pos = orb_alloc(ctx->mcx, sizeof *pos * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        if (elem_eq(elem, &es[i], &a[1])) { pos[m].isnull = false; pos[m++].v.i = i + 1; }
    return sql_array_build(SQL_OID_INT4, pos, m, ctx->mcx, r, err);
}

/* PostgreSQL's array_contain_compare: every non-NULL element of b in a (matchall) or any
 * (overlap); a NULL in b never matches. */
static bool contain_cmp(sql_fn_ctx_t *ctx, const sql_value_t *x, const sql_value_t *y,
                        bool matchall) {
    uint32_t elem = sql_array_elem_type(x);
    if (!elem) elem = sql_array_elem_type(y);
    sql_value_t *xs, *ys;
    int nx, ny;
    sql_array_elems(x, ctx->mcx, &xs, &nx);
    sql_array_elems(y, ctx->mcx, &ys, &ny);
    for (int i = 0; i < nx; i++) {
        bool found = false;
        if (!xs[i].isnull)
            for (int j = 0; j < ny && !found; j++)
                found = !ys[j].isnull && sql_value_cmp(elem, &xs[i], &ys[j]) == 0;
        if (found && !matchall) return true;
        if (!found && matchall) return false;
    }
    return matchall;
}

int sql__arr_contains(AARGS) {
    (void)nargs, (void)err;
    r->isnull = false;
    r->v.b = contain_cmp(ctx, &a[1], &a[0], true);
    return 0;
}
int sql__arr_contained(AARGS) {
    (void)nargs, (void)err;
    r->isnull = false;
    r->v.b = contain_cmp(ctx, &a[0], &a[1], true);
    return 0;
}
int sql__arr_overlap(AARGS) {
    (void)nargs, (void)err;
    r->isnull = false;
    r->v.b = contain_cmp(ctx, &a[0], &a[1], false);
    return 0;
}

#define ACMP(name, expr)                                                                         \
    int sql__arr_##name(AARGS) {                                                                 \
        (void)ctx, (void)nargs, (void)err;                                                       \
        int c = sql__array_cmp(&a[0], &a[1]);                                                    \
        r->isnull = false;                                                                       \
        r->v.b = (expr);                                                                         \
        return 0;                                                                                \
    }
ACMP(eq, c == 0)
ACMP(ne, c != 0)
ACMP(lt, c < 0)
ACMP(le, c <= 0)
ACMP(gt, c > 0)
ACMP(ge, c >= 0)
