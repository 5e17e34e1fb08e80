/* vector/vec_bit.c — PostgreSQL bit strings (bit(n), bit varying(n)) as pgvector uses them
 * (binary_quantize results, Hamming and Jaccard distances): text input/output, length
 * coercion, binary send/recv, order, quantisation. Format in vector.h: uint32 bit length,
 * then the bytes MSB first with zero padding (invariant: padding bits are always 0). */
#include "vector.h"

#include <string.h>

static uint32_t nbytes_of(uint32_t bits) { return (bits + 7) / 8; }

int32_t vec_bit_len(const char *p, uint32_t n) {
    if (n < 4) return -1;
    uint32_t len;
    memcpy(&len, p, 4);
    if (len > VEC_BIT_MAX_LEN || n != 4 + nbytes_of(len)) return -1;
    return (int32_t)len;
}

/* An all-zero bit string of len bits in mcx; *bytes points at its data. */
static char *bit_alloc(uint32_t len, orb_mcx_t *mcx, vec_bytes_t *out) {
    size_t n = 4 + nbytes_of(len);
    char *c = orb_alloc0(mcx, n + 1);
    memcpy(c, &len, 4);
    out->p = c;
    out->n = (uint32_t)n;
    return c + 4;
}

static int len_check(uint32_t len, bool is_varbit, int32_t typmod, orb_err_t *err) {
    if (typmod <= 0) return 0;
    if (!is_varbit && len != (uint32_t)typmod)
        return orb_err_set(err, STRING_DATA_LENGTH_MISMATCH,
                           "bit string length %u does not match type bit(%d)", len, typmod);
    if (is_varbit && len > (uint32_t)typmod)
        return orb_err_set(err, STRING_DATA_RIGHT_TRUNCATION,
                           "bit string too long for type bit varying(%d)", typmod);
    return 0;
}

static size_t mblen_at(const char *s, size_t n) {
    unsigned char c = (unsigned char)s[0];
    size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return l > n ? n : l;
}

int vec_bit_in(const char *s, size_t n, bool is_varbit, int32_t typmod, orb_mcx_t *mcx,
               vec_bytes_t *out, orb_err_t *err) {
    bool hex = false;
    if (n > 0 && (s[0] == 'b' || s[0] == 'B')) { s++; n--; }
    else if (n > 0 && (s[0] == 'x' || s[0] == 'X')) { hex = true; s++; n--; }
    uint64_t len = hex ? 4 * (uint64_t)n : n;
    if (len > VEC_BIT_MAX_LEN)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "bit string length exceeds the maximum allowed (%d)",
                           VEC_BIT_MAX_LEN);
    if (len_check((uint32_t)len, is_varbit, typmod, err)) return -1;
    uint8_t *b = (uint8_t *)bit_alloc((uint32_t)len, mcx, out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!hex) {
            if (c == '1') b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
            else if (c != '0')
                return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "\"%.*s\" is not a valid binary digit",
                                   (int)mblen_at(s + i, n - i), s + i);
        } else {
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (v < 0)
                return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                                   "\"%.*s\" is not a valid hexadecimal digit", (int)mblen_at(s + i, n - i),
                                   s + i);
            b[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
        }
    }
    return 0;
}

void vec_bit_out(const char *p, uint32_t n, orb_buf_t *out) {
    uint32_t len;
    memcpy(&len, p, 4);
    const uint8_t *b = (const uint8_t *)p + 4;
    orb_buf_reserve(out, len + 1);
    for (uint32_t i = 0; i < len; i++) orb_buf_putc(out, (b[i / 8] & (0x80 >> (i % 8))) ? '1' : '0');
    if (len == 0) orb_buf_puts(out, "");
}

int vec_bit_coerce(const char *p, uint32_t n, bool is_varbit, int32_t typmod, bool explicit_,
                   orb_mcx_t *mcx, vec_bytes_t *out, orb_err_t *err) {
    uint32_t len;
    memcpy(&len, p, 4);
    if (typmod <= 0 || len == (uint32_t)typmod || (is_varbit && len <= (uint32_t)typmod)) {
        out->p = p;
        out->n = n;
        return 0;
    }
    if (!explicit_) return len_check(len, is_varbit, typmod, err);
    /* explicit: bit(n) pads with zeros or truncates, bit varying(n) truncates */
    uint32_t nl = (uint32_t)typmod;
    uint8_t *b = (uint8_t *)bit_alloc(nl, mcx, out);
    uint32_t keep = len < nl ? len : nl;
    memcpy(b, p + 4, nbytes_of(keep));
    if (keep % 8) b[keep / 8] &= (uint8_t)(0xFF << (8 - keep % 8));
    return 0;
}

void vec_bit_send(const char *p, uint32_t n, orb_buf_t *out) {
    uint32_t len;
    memcpy(&len, p, 4);
    orb_buf_put_be32(out, len);
    orb_buf_append(out, p + 4, nbytes_of(len));
}

int vec_bit_recv(const char *d, size_t n, bool is_varbit, int32_t typmod, orb_mcx_t *mcx,
                 vec_bytes_t *out, orb_err_t *err) {
    if (n < 4) return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
    int32_t len = (int32_t)orb_get_be32(d);
    if (len < 0 || len > VEC_BIT_MAX_LEN)
        return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "invalid length in external bit string");
    if (n != 4 + nbytes_of((uint32_t)len))
        return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
    if (len_check((uint32_t)len, is_varbit, typmod, err)) return -1;
    uint8_t *b = (uint8_t *)bit_alloc((uint32_t)len, mcx, out);
    memcpy(b, d + 4, nbytes_of((uint32_t)len));
    if (len % 8) b[len / 8] &= (uint8_t)(0xFF << (8 - len % 8)); /* as PostgreSQL: mask pad */
    return 0;
}

int vec_bit_cmp(const char *a, uint32_t an, const char *b, uint32_t bn) {
    uint32_t al, bl;
    memcpy(&al, a, 4);
    memcpy(&bl, b, 4);
    uint32_t ab = nbytes_of(al), bb = nbytes_of(bl), m = ab < bb ? ab : bb;
    int c = m ? memcmp(a + 4, b + 4, m) : 0;
    if (c) return c < 0 ? -1 : 1;
    return al < bl ? -1 : al > bl;
}

void vec_bit_quantize(const float *x, int32_t dim, orb_mcx_t *mcx, vec_bytes_t *out) {
    uint8_t *b = (uint8_t *)bit_alloc((uint32_t)dim, mcx, out);
    for (int32_t i = 0; i < dim; i++) b[i / 8] |= (uint8_t)((x[i] > 0) << (7 - (i % 8)));
}
