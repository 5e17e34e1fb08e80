/* storage/st_key.c — order-preserving, prefix-free key encoding (memcmp order == SQL ASC
 * order, NULLS LAST) and the shard routing hash.
 * Entry points: st_key_prefix, st_key_append, st_key_decode, st_key_prefix_successor,
 * st_key_hash. Invariants: README "Key layout" and invariants 1-4 (one tag byte per value,
 * no encoding is a prefix of another, numerics encode their normalised value). */
#include "storage_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tag bytes. A column holds one kind, so only NULL's position relative to the others
 * matters: it is greater than every value tag (README invariant 2). */
enum {
    KT_BOOL = 0x10,
    KT_INT = 0x20,
    KT_FLOAT = 0x30,
    KT_NUMERIC = 0x40,
    KT_TEXT = 0x50,
    KT_BYTES = 0x60,
    KT_NULL = 0xF0,
};

/* Numeric class byte after KT_NUMERIC. */
enum {
    NC_NEG_INF = 0x01,
    NC_NEG = 0x02,
    NC_ZERO = 0x03,
    NC_POS = 0x04,
    NC_POS_INF = 0x05,
    NC_NAN = 0x06,
};

/* |exponent| bound: generous next to PostgreSQL's 131072 integer / 16383 fraction digits. */
#define NUM_MAX_EXP 1000000
#define NUM_MAX_DIGITS 1000000

void st_key_prefix(orb_buf_t *b, uint32_t table_id, uint32_t shard, uint32_t index_id) {
    assert(shard <= 0xFFFF && index_id <= 0xFFFF);
    orb_buf_put_be32(b, table_id);
    orb_buf_put_be16(b, (uint16_t)shard);
    orb_buf_put_be16(b, (uint16_t)index_id);
}

static uint64_t float_to_ordered(double d) {
    if (isnan(d)) return UINT64_MAX; /* after +Infinity, as PostgreSQL */
    if (d == 0.0) d = 0.0;           /* -0.0 == 0.0 */
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    if (u & 0x8000000000000000ULL) return ~u;
    return u ^ 0x8000000000000000ULL;
}

static double ordered_to_float(uint64_t u) {
    if (u == UINT64_MAX) return NAN;
    if (u & 0x8000000000000000ULL)
        u ^= 0x8000000000000000ULL;
    else
        u = ~u;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void put_escaped(orb_buf_t *b, const char *p, size_t n) {
    orb_buf_reserve(b, n + 2);
    for (size_t i = 0; i < n; i++) {
        orb_buf_put_u8(b, (uint8_t)p[i]);
        if (p[i] == 0) orb_buf_put_u8(b, 0xFF);
    }
    orb_buf_put_u8(b, 0x00);
    orb_buf_put_u8(b, 0x01);
}

static bool ieq(const char *p, size_t n, const char *lit) {
    size_t l = strlen(lit);
    if (n != l) return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

/* Parses decimal text ("-12.340", "1.5e3", "NaN", "-Infinity") and appends the encoding.
 * Digits are written as d+1 so the 0x00 terminator sorts below every digit. */
static int encode_numeric(orb_buf_t *b, const char *p, size_t n, orb_err_t *err) {
    size_t i = 0;
    while (i < n && (p[i] == ' ')) i++;
    while (n > i && p[n - 1] == ' ') n--;
    const char *s = p + i;
    size_t sn = n - i;
    if (ieq(s, sn, "nan")) {
        orb_buf_put_u8(b, NC_NAN);
        return 0;
    }
    bool neg = false;
    size_t j = 0;
    if (j < sn && (s[j] == '-' || s[j] == '+')) {
        neg = s[j] == '-';
        j++;
    }
    if (ieq(s + j, sn - j, "infinity") || ieq(s + j, sn - j, "inf")) {
        orb_buf_put_u8(b, neg ? NC_NEG_INF : NC_POS_INF);
        return 0;
    }
    /* Mantissa: digits [. digits]; collect significant digits, track the decimal exponent. */
    size_t int_start = j;
    while (j < sn && s[j] >= '0' && s[j] <= '9') j++;
    size_t int_end = j;
    size_t frac_start = j, frac_end = j;
    if (j < sn && s[j] == '.') {
        j++;
        frac_start = j;
        while (j < sn && s[j] >= '0' && s[j] <= '9') j++;
        frac_end = j;
    }
    if (int_end == int_start && frac_end == frac_start) goto bad;
    int64_t e10 = 0;
    if (j < sn && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        bool eneg = false;
        if (j < sn && (s[j] == '-' || s[j] == '+')) {
            eneg = s[j] == '-';
            j++;
        }
        if (j >= sn || s[j] < '0' || s[j] > '9') goto bad;
        while (j < sn && s[j] >= '0' && s[j] <= '9') {
            if (e10 > NUM_MAX_EXP) goto range;
            e10 = e10 * 10 + (s[j] - '0');
            j++;
        }
        if (eneg) e10 = -e10;
    }
    if (j != sn) goto bad;
    if (int_end - int_start + frac_end - frac_start > NUM_MAX_DIGITS) goto range;

    /* Significant digits: the concatenation int||frac without leading/trailing zeros.
     * exp counts integer digits after stripping leading zeros. */
    char tmp_small[64];
    size_t total = (int_end - int_start) + (frac_end - frac_start);
    char *dig = total <= sizeof tmp_small ? tmp_small : malloc(total);
    if (!dig) orb_panic("out of memory encoding a numeric key");
    size_t nd = 0;
    memcpy(dig, s + int_start, int_end - int_start);
    nd = int_end - int_start;
    memcpy(dig + nd, s + frac_start, frac_end - frac_start);
    nd += frac_end - frac_start;
    int64_t exp = (int64_t)(int_end - int_start) + e10;
    size_t lead = 0;
    while (lead < nd && dig[lead] == '0') lead++;
    size_t trail = nd;
    while (trail > lead && dig[trail - 1] == '0') trail--;
    if (lead == trail) {
        if (dig != tmp_small) free(dig);
        orb_buf_put_u8(b, NC_ZERO);
        return 0;
    }
    exp -= (int64_t)lead;
    if (exp > NUM_MAX_EXP || exp < -NUM_MAX_EXP) {
        if (dig != tmp_small) free(dig);
        goto range;
    }
    uint8_t flip = neg ? 0xFF : 0x00;
    orb_buf_put_u8(b, neg ? NC_NEG : NC_POS);
    uint32_t ue = (uint32_t)(int32_t)exp ^ 0x80000000u;
    orb_buf_reserve(b, 4 + (trail - lead) + 1);
    orb_buf_put_u8(b, (uint8_t)((ue >> 24) ^ flip));
    orb_buf_put_u8(b, (uint8_t)((ue >> 16) ^ flip));
    orb_buf_put_u8(b, (uint8_t)((ue >> 8) ^ flip));
    orb_buf_put_u8(b, (uint8_t)(ue ^ flip));
    for (size_t k = lead; k < trail; k++)
        orb_buf_put_u8(b, (uint8_t)((dig[k] - '0' + 1) ^ flip));
    orb_buf_put_u8(b, flip); /* terminator: 0x00, or 0xFF complemented */
    if (dig != tmp_small) free(dig);
    return 0;

bad:
    return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                       "invalid input syntax for type numeric: \"%.*s\"", (int)(n > 64 ? 64 : n),
                       p);
range:
    return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "numeric value out of range for a key");
}

int st_key_append(orb_buf_t *b, const st_val_t *v, orb_err_t *err) {
    switch (v->kind) {
    case ST_NULL:
        orb_buf_put_u8(b, KT_NULL);
        return 0;
    case ST_BOOL:
        orb_buf_put_u8(b, KT_BOOL);
        orb_buf_put_u8(b, v->b ? 1 : 0);
        return 0;
    case ST_INT:
        orb_buf_put_u8(b, KT_INT);
        orb_buf_put_be64(b, (uint64_t)v->i ^ 0x8000000000000000ULL);
        return 0;
    case ST_FLOAT:
        orb_buf_put_u8(b, KT_FLOAT);
        orb_buf_put_be64(b, float_to_ordered(v->f));
        return 0;
    case ST_NUMERIC: {
        size_t mark = b->len;
        orb_buf_put_u8(b, KT_NUMERIC);
        if (encode_numeric(b, v->p ? v->p : "", v->p ? v->n : 0, err) != 0) {
            b->len = mark;
            return -1;
        }
        return 0;
    }
    case ST_TEXT:
    case ST_BYTES:
        orb_buf_put_u8(b, v->kind == ST_TEXT ? KT_TEXT : KT_BYTES);
        put_escaped(b, v->p, v->p ? v->n : 0);
        return 0;
    }
    return orb_err_set(err, INTERNAL_ERROR, "unknown value kind %d in a key", (int)v->kind);
}

static int corrupt(orb_err_t *err, const char *what, size_t off) {
    return orb_err_set(err, DATA_CORRUPTED, "malformed key: %s at offset %zu", what, off);
}

/* Decodes a numeric body at key[*off] into canonical text "-12.34" allocated in mcx. */
static int decode_numeric(const uint8_t *k, size_t len, size_t *off, orb_mcx_t *mcx,
                          st_val_t *out, orb_err_t *err) {
    size_t o = *off;
    if (o >= len) return corrupt(err, "truncated numeric", o);
    uint8_t cls = k[o++];
    const char *lit = NULL;
    switch (cls) {
    case NC_NAN: lit = "NaN"; break;
    case NC_POS_INF: lit = "Infinity"; break;
    case NC_NEG_INF: lit = "-Infinity"; break;
    case NC_ZERO: lit = "0"; break;
    case NC_POS:
    case NC_NEG: break;
    default: return corrupt(err, "bad numeric class", o - 1);
    }
    if (lit) {
        out->p = orb_strdup(mcx, lit);
        out->n = strlen(lit);
        *off = o;
        return 0;
    }
    uint8_t flip = cls == NC_NEG ? 0xFF : 0x00;
    if (len - o < 5) return corrupt(err, "truncated numeric exponent", o);
    uint32_t ue = ((uint32_t)(k[o] ^ flip) << 24) | ((uint32_t)(k[o + 1] ^ flip) << 16) |
                  ((uint32_t)(k[o + 2] ^ flip) << 8) | (uint32_t)(k[o + 3] ^ flip);
    int64_t exp = (int32_t)(ue ^ 0x80000000u);
    o += 4;
    size_t ds = o;
    while (o < len && (k[o] ^ flip) != 0) {
        uint8_t d = k[o] ^ flip;
        if (d < 1 || d > 10) return corrupt(err, "bad numeric digit", o);
        o++;
    }
    if (o >= len) return corrupt(err, "unterminated numeric", o);
    size_t nd = o - ds;
    o++; /* terminator */
    if (nd == 0 || exp > NUM_MAX_EXP || exp < -NUM_MAX_EXP)
        return corrupt(err, "bad numeric body", ds);
    /* Text: [-] then digits with the point placed by exp. */
    size_t cap = nd + (size_t)(exp < 0 ? -exp : exp) + 4;
    char *t = orb_alloc(mcx, cap);
    size_t w = 0;
    if (cls == NC_NEG) t[w++] = '-';
    if (exp <= 0) {
        t[w++] = '0';
        t[w++] = '.';
        for (int64_t z = 0; z < -exp; z++) t[w++] = '0';
        for (size_t q = 0; q < nd; q++) t[w++] = (char)('0' + (k[ds + q] ^ flip) - 1);
    } else {
        for (size_t q = 0; q < nd || (int64_t)q < exp; q++) {
            if ((int64_t)q == exp) t[w++] = '.';
            t[w++] = q < nd ? (char)('0' + (k[ds + q] ^ flip) - 1) : '0';
        }
    }
    t[w] = 0;
    out->p = t;
    out->n = w;
    *off = o;
    return 0;
}

int st_key_decode(const char *key, size_t len, size_t *off, orb_mcx_t *mcx, st_val_t *out,
                  orb_err_t *err) {
    const uint8_t *k = (const uint8_t *)key;
    size_t o = *off;
    memset(out, 0, sizeof *out);
    if (o >= len) return corrupt(err, "missing value", o);
    uint8_t tag = k[o++];
    switch (tag) {
    case KT_NULL:
        out->kind = ST_NULL;
        break;
    case KT_BOOL:
        if (o >= len || k[o] > 1) return corrupt(err, "bad bool", o);
        out->kind = ST_BOOL;
        out->b = k[o++] != 0;
        break;
    case KT_INT:
        if (len - o < 8) return corrupt(err, "truncated int", o);
        out->kind = ST_INT;
        out->i = (int64_t)(orb_get_be64(k + o) ^ 0x8000000000000000ULL);
        o += 8;
        break;
    case KT_FLOAT:
        if (len - o < 8) return corrupt(err, "truncated float", o);
        out->kind = ST_FLOAT;
        out->f = ordered_to_float(orb_get_be64(k + o));
        o += 8;
        break;
    case KT_NUMERIC:
        out->kind = ST_NUMERIC;
        *off = o;
        return decode_numeric(k, len, off, mcx, out, err);
    case KT_TEXT:
    case KT_BYTES: {
        /* First pass: find the terminator and the decoded length. */
        size_t q = o, n = 0;
        for (;;) {
            if (q >= len) return corrupt(err, "unterminated string", q);
            if (k[q] == 0) {
                if (q + 1 >= len) return corrupt(err, "truncated string escape", q);
                if (k[q + 1] == 0x01) break;
                if (k[q + 1] != 0xFF) return corrupt(err, "bad string escape", q);
                q += 2;
            } else {
                q++;
            }
            n++;
        }
        char *s = orb_alloc(mcx, n + 1);
        size_t w = 0;
        while (o < q) {
            s[w++] = (char)k[o];
            o += k[o] == 0 ? 2 : 1;
        }
        s[w] = 0;
        o = q + 2;
        out->kind = tag == KT_TEXT ? ST_TEXT : ST_BYTES;
        out->p = s;
        out->n = n;
        break;
    }
    default:
        return corrupt(err, "unknown tag", o - 1);
    }
    *off = o;
    return 0;
}

bool st_key_prefix_successor(orb_buf_t *b) {
    size_t n = b->len;
    while (n > 0 && (uint8_t)b->data[n - 1] == 0xFF) n--;
    if (n == 0) return false;
    b->data[n - 1] = (char)((uint8_t)b->data[n - 1] + 1);
    b->len = n;
    return true;
}

/* FNV-1a 64 followed by the splitmix64 finaliser for avalanche on short keys. Stable: the
 * routing of existing rows depends on it (README invariant 4). */
uint64_t st_key_hash(const char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}
