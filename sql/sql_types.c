/* sql/sql_types.c — the type catalogue (OIDs, names, categories), type-name lookup and
 * formatting, and for every type: text input/output, binary send/recv, casts and the
 * pg_cast context rules, comparison, hashing and conversion to/from Orbit__Datum.
 * Numeric arithmetic lives in sql_numeric.c, dates in sql_datetime.c, json in sql_json.c.
 * Behaviour and messages follow PostgreSQL 15 (extra_float_digits 1, DateStyle ISO/MDY,
 * TimeZone UTC, bytea_output hex). */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_types_int.h"

/* ---- catalogue ----------------------------------------------------------------------- */
/* kind: the Orbit__Datum oneof case the value is stored as (see sql_types_int.h). */
static const sql_type_info_t types[] = {
    {SQL_OID_BOOL, "bool", "boolean", 1, 'B', true, ORBIT__DATUM__V_B},
    {SQL_OID_BYTEA, "bytea", "bytea", -1, 'U', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_CHAR, "char", "\"char\"", 1, 'Z', false, ORBIT__DATUM__V_S},
    {SQL_OID_NAME, "name", "name", 64, 'S', false, ORBIT__DATUM__V_S},
    {SQL_OID_INT8, "int8", "bigint", 8, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_INT2, "int2", "smallint", 2, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_INT4, "int4", "integer", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_TEXT, "text", "text", -1, 'S', true, ORBIT__DATUM__V_S},
    {SQL_OID_OID, "oid", "oid", 4, 'N', true, ORBIT__DATUM__V_I},
    {SQL_OID_REGPROC, "regproc", "regproc", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGPROCEDURE, "regprocedure", "regprocedure", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGOPER, "regoper", "regoper", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGCLASS, "regclass", "regclass", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGTYPE, "regtype", "regtype", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGNAMESPACE, "regnamespace", "regnamespace", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_REGROLE, "regrole", "regrole", 4, 'N', false, ORBIT__DATUM__V_I},
    {SQL_OID_JSON, "json", "json", -1, 'U', false, ORBIT__DATUM__V_S},
    {SQL_OID_FLOAT4, "float4", "real", 4, 'N', false, ORBIT__DATUM__V_F},
    {SQL_OID_FLOAT8, "float8", "double precision", 8, 'N', true, ORBIT__DATUM__V_F},
    {SQL_OID_UNKNOWN, "unknown", "unknown", -2, 'X', false, ORBIT__DATUM__V_S},
    {SQL_OID_BPCHAR, "bpchar", "character", -1, 'S', false, ORBIT__DATUM__V_S},
    {SQL_OID_VARCHAR, "varchar", "character varying", -1, 'S', false, ORBIT__DATUM__V_S},
    {SQL_OID_DATE, "date", "date", 4, 'D', false, ORBIT__DATUM__V_I},
    {SQL_OID_TIMESTAMP, "timestamp", "timestamp without time zone", 8, 'D', false, ORBIT__DATUM__V_I},
    {SQL_OID_TIMESTAMPTZ, "timestamptz", "timestamp with time zone", 8, 'D', true, ORBIT__DATUM__V_I},
    {SQL_OID_NUMERIC, "numeric", "numeric", -1, 'N', false, ORBIT__DATUM__V_NUMERIC},
    {SQL_OID_UUID, "uuid", "uuid", 16, 'U', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_JSONB, "jsonb", "jsonb", -1, 'U', false, ORBIT__DATUM__V_S},
    {SQL_OID_INTERVAL, "interval", "interval", 16, 'T', true, ORBIT__DATUM__V_BIN},
    /* bit strings and pgvector's types (sql_vector.c, sql_bit.c): bytes, stored as bin */
    {SQL_OID_BIT, "bit", "bit", -1, 'V', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_VARBIT, "varbit", "bit varying", -1, 'V', true, ORBIT__DATUM__V_BIN},
    {SQL_OID_VECTOR, "vector", "vector", -1, 'U', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_HALFVEC, "halfvec", "halfvec", -1, 'U', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_SPARSEVEC, "sparsevec", "sparsevec", -1, 'U', false, ORBIT__DATUM__V_BIN},
    /* internal: cast target of "any" builtin arguments, see sql_value.h */
    {SQL_OID_ANYTEXT, "anytext-output", "text", -1, 'S', false, ORBIT__DATUM__V_S},
    {SQL_OID_ANYJSON, "anyjson-value", "json", -1, 'U', false, ORBIT__DATUM__V_S},
    /* arrays (sql_array.c): packed values stored as bin */
    {SQL_OID_BOOL_ARRAY, "_bool", "boolean[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_BYTEA_ARRAY, "_bytea", "bytea[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_INT2_ARRAY, "_int2", "smallint[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_INT4_ARRAY, "_int4", "integer[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_NAME_ARRAY, "_name", "name[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_TEXT_ARRAY, "_text", "text[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_BPCHAR_ARRAY, "_bpchar", "bpchar[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_VARCHAR_ARRAY, "_varchar", "character varying[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_INT8_ARRAY, "_int8", "bigint[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_FLOAT4_ARRAY, "_float4", "real[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_FLOAT8_ARRAY, "_float8", "double precision[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_TIMESTAMP_ARRAY, "_timestamp", "timestamp without time zone[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_DATE_ARRAY, "_date", "date[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_TIMESTAMPTZ_ARRAY, "_timestamptz", "timestamp with time zone[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_NUMERIC_ARRAY, "_numeric", "numeric[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_UUID_ARRAY, "_uuid", "uuid[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_JSONB_ARRAY, "_jsonb", "jsonb[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_OID_ARRAY, "_oid", "oid[]", -1, 'A', false, ORBIT__DATUM__V_BIN},
    /* polymorphic pseudo types (builtin declarations only) */
    {SQL_OID_ANYARRAY, "anyarray", "anyarray", -1, 'P', false, ORBIT__DATUM__V_BIN},
    {SQL_OID_VOID, "void", "void", 4, 'P', false, ORBIT__DATUM__V_S},
    {SQL_OID_ANYELEMENT, "anyelement", "anyelement", 4, 'P', false, ORBIT__DATUM__V_S},
    {SQL_OID_RECORD, "record", "record", -1, 'P', false, ORBIT__DATUM__V_S},
    /* named by pg_operator rows (sql_operator.c) */
    {2776, "anynonarray", "anynonarray", 4, 'P', false, ORBIT__DATUM__V_S},
    {5077, "anycompatible", "anycompatible", 4, 'P', false, ORBIT__DATUM__V_S},
    {5078, "anycompatiblearray", "anycompatiblearray", -1, 'P', false, ORBIT__DATUM__V_BIN},
};

const sql_type_info_t *sql_type_all(int *n) {
    *n = (int)(sizeof types / sizeof types[0]);
    return types;
}

/* reg* types behave as oid in everything but catalog-aware text I/O (sql_regtype.c) */
static uint32_t reg_as_oid(uint32_t t) { return sql_type_is_reg(t) ? SQL_OID_OID : t; }

const sql_type_info_t *sql_type_get(uint32_t oid) {
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].oid == oid) return &types[i];
    return NULL;
}

static const char *tname(uint32_t oid) {
    const sql_type_info_t *t = sql_type_get(oid);
    return t ? t->sql_name : "unknown";
}

static const struct {
    const char *name;
    uint32_t oid;
} type_names[] = {
    {"int", SQL_OID_INT4}, {"integer", SQL_OID_INT4}, {"int4", SQL_OID_INT4},
    {"smallint", SQL_OID_INT2}, {"int2", SQL_OID_INT2}, {"bigint", SQL_OID_INT8},
    {"int8", SQL_OID_INT8}, {"real", SQL_OID_FLOAT4}, {"float4", SQL_OID_FLOAT4},
    {"float8", SQL_OID_FLOAT8}, {"double precision", SQL_OID_FLOAT8}, {"float", SQL_OID_FLOAT8},
    {"numeric", SQL_OID_NUMERIC}, {"decimal", SQL_OID_NUMERIC}, {"bool", SQL_OID_BOOL},
    {"boolean", SQL_OID_BOOL}, {"text", SQL_OID_TEXT}, {"varchar", SQL_OID_VARCHAR},
    {"character varying", SQL_OID_VARCHAR}, {"char", SQL_OID_CHAR} /* only a quoted "char" */, {"character", SQL_OID_BPCHAR},
    {"bpchar", SQL_OID_BPCHAR}, {"date", SQL_OID_DATE}, {"timestamp", SQL_OID_TIMESTAMP},
    {"timestamp without time zone", SQL_OID_TIMESTAMP}, {"timestamptz", SQL_OID_TIMESTAMPTZ},
    {"timestamp with time zone", SQL_OID_TIMESTAMPTZ}, {"uuid", SQL_OID_UUID},
    {"json", SQL_OID_JSON}, {"jsonb", SQL_OID_JSONB}, {"bytea", SQL_OID_BYTEA},
    {"name", SQL_OID_NAME}, {"oid", SQL_OID_OID}, {"unknown", SQL_OID_UNKNOWN},
    {"interval", SQL_OID_INTERVAL}, {"bit", SQL_OID_BIT}, {"varbit", SQL_OID_VARBIT},
    {"bit varying", SQL_OID_VARBIT}, {"vector", SQL_OID_VECTOR}, {"halfvec", SQL_OID_HALFVEC},
    {"sparsevec", SQL_OID_SPARSEVEC}, {"regproc", SQL_OID_REGPROC},
    {"regprocedure", SQL_OID_REGPROCEDURE}, {"regoper", SQL_OID_REGOPER},
    {"regclass", SQL_OID_REGCLASS}, {"regtype", SQL_OID_REGTYPE},
    {"regnamespace", SQL_OID_REGNAMESPACE}, {"regrole", SQL_OID_REGROLE},
    /* array types by their pg_type names ('{1,2}'::_int4); "int[]" is the analyzer's:
     * it looks the element up and maps it with sql_array_type_of */
    {"_bool", SQL_OID_BOOL_ARRAY}, {"_bytea", SQL_OID_BYTEA_ARRAY}, {"_int2", SQL_OID_INT2_ARRAY},
    {"_int4", SQL_OID_INT4_ARRAY}, {"_text", SQL_OID_TEXT_ARRAY}, {"_name", SQL_OID_NAME_ARRAY}, {"_bpchar", SQL_OID_BPCHAR_ARRAY},
    {"_varchar", SQL_OID_VARCHAR_ARRAY}, {"_int8", SQL_OID_INT8_ARRAY},
    {"_float4", SQL_OID_FLOAT4_ARRAY}, {"_float8", SQL_OID_FLOAT8_ARRAY},
    {"_timestamp", SQL_OID_TIMESTAMP_ARRAY}, {"_date", SQL_OID_DATE_ARRAY},
    {"_timestamptz", SQL_OID_TIMESTAMPTZ_ARRAY}, {"_numeric", SQL_OID_NUMERIC_ARRAY},
    {"_uuid", SQL_OID_UUID_ARRAY}, {"_jsonb", SQL_OID_JSONB_ARRAY}, {"_oid", SQL_OID_OID_ARRAY},
};

int sql_type_lookup(const char *name, const int32_t *mods, int nmods, uint32_t *oid,
                    int32_t *typmod, orb_err_t *err) {
    uint32_t o = 0;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcasecmp(type_names[i].name, name) == 0) { o = type_names[i].oid; break; }
    if (!o) return orb_err_set(err, UNDEFINED_OBJECT, "type \"%s\" does not exist", name);
    int32_t tm = -1;
    if (strcasecmp(name, "float") == 0 && nmods == 1) {
        if (mods[0] < 1)
            return orb_err_set(err, INVALID_PARAMETER_VALUE,
                               "precision for type float must be at least 1 bit");
        if (mods[0] > 53)
            return orb_err_set(err, INVALID_PARAMETER_VALUE,
                               "precision for type float must be less than 54 bits");
        *oid = mods[0] <= 24 ? SQL_OID_FLOAT4 : SQL_OID_FLOAT8;
        *typmod = -1;
        return 0;
    }
    switch (o) {
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR: {
        const char *tn = o == SQL_OID_VARCHAR ? "varchar" : "char";
        if (nmods > 1)
            return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid type modifier");
        if (nmods == 1) {
            if (mods[0] < 1)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "length for type %s must be at least 1", tn);
            if (mods[0] > 10485760)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "length for type %s cannot exceed 10485760", tn);
            tm = mods[0] + 4;
        } else if (o == SQL_OID_BPCHAR && strcasecmp(name, "bpchar") != 0) {
            tm = 1 + 4; /* CHAR without a length is char(1) */
        }
        break;
    }
    case SQL_OID_NUMERIC:
        if (nmods > 2) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid NUMERIC type modifier");
        if (nmods >= 1) {
            int p = mods[0], s = nmods == 2 ? mods[1] : 0;
            if (p < 1 || p > 1000)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "NUMERIC precision %d must be between 1 and %d", p, 1000);
            if (s < -1000 || s > 1000)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "NUMERIC scale %d must be between %d and %d", s, -1000, 1000);
            tm = (int32_t)((((uint32_t)p << 16) | ((uint32_t)s & 0x7ff)) + 4);
        }
        break;
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ:
        if (nmods > 1) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid type modifier");
        if (nmods == 1) {
            if (mods[0] < 0)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "TIMESTAMP(%d)%s precision must not be negative", mods[0],
                                   o == SQL_OID_TIMESTAMPTZ ? " WITH TIME ZONE" : "");
            tm = mods[0] > 6 ? 6 : mods[0];
        }
        break;
    case SQL_OID_INTERVAL:
        if (nmods > 0)
            return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                               "interval fields and precision are not supported yet");
        break;
    case SQL_OID_BIT:
    case SQL_OID_VARBIT:
    case SQL_OID_VECTOR:
    case SQL_OID_HALFVEC:
    case SQL_OID_SPARSEVEC:
        if (sql__vec_typmod(o, mods, nmods, &tm, err)) return -1;
        break;
    default:
        if (nmods > 0)
            return orb_err_set(err, SYNTAX_ERROR, "type modifier is not allowed for type \"%s\"",
                               sql_type_get(o)->name);
    }
    *oid = o;
    *typmod = tm;
    return 0;
}

const char *sql_type_format(uint32_t oid, int32_t typmod, orb_mcx_t *mcx) {
    const sql_type_info_t *t = sql_type_get(oid);
    if (!t) return orb_sprintf(mcx, "%u", oid);
    if (sql_type_is_array(oid) && typmod >= 0)
        return orb_sprintf(mcx, "%s[]", sql_type_format(sql_array_elem_of(oid), typmod, mcx));
    if (sql__vec_type_is(oid)) return sql__vec_type_format(oid, typmod, mcx);
    switch (oid) {
    case SQL_OID_VARCHAR:
        if (typmod >= 4) return orb_sprintf(mcx, "character varying(%d)", typmod - 4);
        return "character varying";
    case SQL_OID_BPCHAR:
        if (typmod >= 4) return orb_sprintf(mcx, "character(%d)", typmod - 4);
        return "bpchar";
    case SQL_OID_NUMERIC:
        if (typmod >= 4) {
            int32_t tm = typmod - 4;
            int s = ((tm & 0x7ff) ^ 1024) - 1024;
            return orb_sprintf(mcx, "numeric(%d,%d)", (tm >> 16) & 0xffff, s);
        }
        return "numeric";
    case SQL_OID_TIMESTAMP:
        if (typmod >= 0) return orb_sprintf(mcx, "timestamp(%d) without time zone", typmod);
        return t->sql_name;
    case SQL_OID_TIMESTAMPTZ:
        if (typmod >= 0) return orb_sprintf(mcx, "timestamp(%d) with time zone", typmod);
        return t->sql_name;
    default:
        return t->sql_name;
    }
}

/* ---- helpers ------------------------------------------------------------------------- */
uint64_t sql__hash_bytes(const void *p, size_t n, uint64_t seed) {
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

size_t sql__utf8_len(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

size_t sql__utf8_prefix(const char *s, size_t n, size_t nchars) {
    size_t i = 0, c = 0;
    while (i < n) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == nchars) break;
            c++;
        }
        i++;
    }
    return i;
}

size_t sql__bpchar_trimmed_len(const char *s, size_t n) {
    while (n > 0 && s[n - 1] == ' ') n--;
    return n;
}

static void trim_ws(const char **s, size_t *n) {
    while (*n > 0 && isspace((unsigned char)**s)) { (*s)++; (*n)--; }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

static int set_str(orb_mcx_t *mcx, const char *p, size_t n, sql_value_t *out) {
    char *c = orb_alloc(mcx, n + 1);
    if (n) memcpy(c, p, n);
    c[n] = 0;
    out->isnull = false;
    out->v.s.p = c;
    out->v.s.n = (uint32_t)n;
    return 0;
}

/* ---- integers ------------------------------------------------------------------------ */
static int int_in(uint32_t oid, const char *s, size_t len, int64_t *out, orb_err_t *err) {
    const char *tn = tname(oid);
    size_t i = 0;
    while (i < len && isspace((unsigned char)s[i])) i++;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i >= len || !isdigit((unsigned char)s[i])) goto bad;
    uint64_t v = 0;
    bool over = false;
    while (i < len && isdigit((unsigned char)s[i])) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) over = true;
        else v = v * 10 + d;
        i++;
    }
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i != len) goto bad;
    int64_t lo = oid == SQL_OID_INT2 ? INT16_MIN : oid == SQL_OID_INT4 ? INT32_MIN : INT64_MIN;
    int64_t hi = oid == SQL_OID_INT2 ? INT16_MAX : oid == SQL_OID_INT4 ? INT32_MAX : INT64_MAX;
    if (oid == SQL_OID_OID) { lo = -(int64_t)UINT32_MAX; hi = UINT32_MAX; }
    if (!over) {
        if (neg) {
            if (v > (uint64_t)INT64_MAX + 1) over = true;
            else {
                int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
                if (r < lo) over = true;
                else *out = r;
            }
        } else {
            if (v > (uint64_t)hi) over = true;
            else *out = (int64_t)v;
        }
    }
    if (over)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE,
                           "value \"%.*s\" is out of range for type %s", (int)len, s, tn);
    if (oid == SQL_OID_OID && *out < 0) *out += (int64_t)UINT32_MAX + 1;
    return 0;
bad:
    return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type %s: \"%.*s\"",
                       tn, (int)len, s);
}

static const char *int_range_msg(uint32_t oid) {
    return oid == SQL_OID_INT2 ? "smallint out of range"
           : oid == SQL_OID_INT4 ? "integer out of range"
           : oid == SQL_OID_OID ? "OID out of range" : "bigint out of range";
}

static int int_check(uint32_t oid, int64_t v, orb_err_t *err) {
    bool ok = oid == SQL_OID_INT2 ? (v >= INT16_MIN && v <= INT16_MAX)
              : oid == SQL_OID_INT4 ? (v >= INT32_MIN && v <= INT32_MAX)
              : oid == SQL_OID_OID ? (v >= 0 && v <= UINT32_MAX) : true;
    if (!ok) return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "%s", int_range_msg(oid));
    return 0;
}

/* ---- floats -------------------------------------------------------------------------- */
static int float_in(bool f4, const char *s, size_t len, double *out, orb_err_t *err) {
    const char *tn = f4 ? "real" : "double precision";
    const char *p = s;
    size_t n = len;
    trim_ws(&p, &n);
    char buf[512];
    char *tmp = n < sizeof buf ? buf : malloc(n + 1);
    memcpy(tmp, p, n);
    tmp[n] = 0;
    int rc = 0;
    if (n == 0) rc = -1;
    else if (!strcasecmp(tmp, "nan")) *out = NAN;
    else if (!strcasecmp(tmp, "infinity") || !strcasecmp(tmp, "+infinity") || !strcasecmp(tmp, "inf") ||
             !strcasecmp(tmp, "+inf")) *out = INFINITY;
    else if (!strcasecmp(tmp, "-infinity") || !strcasecmp(tmp, "-inf")) *out = -INFINITY;
    else {
        char *end;
        errno = 0;
        double d;
        if (f4) d = strtof(tmp, &end);
        else d = strtod(tmp, &end);
        if (end == tmp || *end != 0) rc = -1;
        else if (errno != ERANGE && (isnan(d) || isinf(d))) rc = -1;
        else if (errno == ERANGE && (d == 0.0 || isinf(d) || d >= (f4 ? FLT_MAX : DBL_MAX) || d <= -(f4 ? FLT_MAX : DBL_MAX)))
            rc = -2;
        else if (errno == ERANGE && d == 0.0) rc = -2;
        else *out = d;
        if (rc == 0 && errno == ERANGE) {
            /* denormal results are accepted, true underflow to 0 and overflow are not */
            if (d == 0.0 || isinf(d)) rc = -2;
        }
    }
    if (tmp != buf) free(tmp);
    if (rc == -1)
        return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type %s: \"%.*s\"",
                           tn, (int)len, s);
    if (rc == -2)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "\"%.*s\" is out of range for type %s",
                           (int)n, p, tn);
    if (f4) *out = (float)*out;
    return 0;
}

void sql__float_out(double d, bool f4, orb_buf_t *out) { orb_float_out(d, f4, out); }

int sql__float_check(double r, bool inf_ok, bool zero_ok, bool f4, orb_err_t *err) {
    if (f4) {
        float f = (float)r;
        if (isinf(f) && !inf_ok)
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
        if (f == 0.0f && !zero_ok)
            return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
        return 0;
    }
    if (isinf(r) && !inf_ok)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
    if (r == 0.0 && !zero_ok)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow");
    return 0;
}

/* ---- bool ---------------------------------------------------------------------------- */
static int bool_in(const char *s0, size_t len0, bool *out, orb_err_t *err) {
    const char *s = s0;
    size_t n = len0;
    trim_ws(&s, &n);
    if (n > 0) {
        switch (tolower((unsigned char)s[0])) {
        case 't': if (strncasecmp(s, "true", n) == 0 && n <= 4) { *out = true; return 0; } break;
        case 'f': if (strncasecmp(s, "false", n) == 0 && n <= 5) { *out = false; return 0; } break;
        case 'y': if (strncasecmp(s, "yes", n) == 0 && n <= 3) { *out = true; return 0; } break;
        case 'n': if (strncasecmp(s, "no", n) == 0 && n <= 2) { *out = false; return 0; } break;
        case 'o':
            if (n >= 2 && n <= 2 && strncasecmp(s, "on", 2) == 0) { *out = true; return 0; }
            if (n >= 2 && n <= 3 && strncasecmp(s, "off", n) == 0) { *out = false; return 0; }
            break;
        case '1': if (n == 1) { *out = true; return 0; } break;
        case '0': if (n == 1) { *out = false; return 0; } break;
        }
    }
    return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                       "invalid input syntax for type boolean: \"%.*s\"", (int)len0, s0);
}

/* ---- bytea / uuid -------------------------------------------------------------------- */
static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int bytea_in(const char *s, size_t n, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    char *o = orb_alloc(mcx, n + 1);
    size_t k = 0;
    if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
        size_t i = 2;
        while (i < n) {
            if (isspace((unsigned char)s[i])) { i++; continue; }
            int h = hexv(s[i]);
            if (h < 0)
                return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid hexadecimal digit: \"%.*s\"",
                                   (int)(((unsigned char)s[i] & 0x80) ? sql__utf8_prefix(s + i, n - i, 1) : 1),
                                   s + i);
            if (i + 1 >= n)
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "invalid hexadecimal data: odd number of digits");
            int l = hexv(s[i + 1]);
            if (l < 0)
                return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid hexadecimal digit: \"%.*s\"",
                                   (int)(((unsigned char)s[i + 1] & 0x80) ? sql__utf8_prefix(s + i + 1, n - i - 1, 1) : 1),
                                   s + i + 1);
            o[k++] = (char)(h * 16 + l);
            i += 2;
        }
    } else {
        size_t i = 0;
        while (i < n) {
            if (s[i] != '\\') { o[k++] = s[i++]; continue; }
            if (i + 1 < n && s[i + 1] == '\\') { o[k++] = '\\'; i += 2; continue; }
            {
                if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                    o[k++] = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
                    i += 4;
                    continue;
                }
            }
            return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea");
        }
    }
    out->isnull = false;
    out->v.s.p = o;
    out->v.s.n = (uint32_t)k;
    o[k] = 0;
    return 0;
}

static int uuid_in(const char *s0, size_t n, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    unsigned char u[16];
    size_t i = 0;
    bool braces = false;
    if (i < n && s0[i] == '{') { braces = true; i++; }
    for (int b = 0; b < 16; b++) {
        if (i + 1 >= n) goto bad;
        int h = hexv(s0[i]), l = hexv(s0[i + 1]);
        if (h < 0 || l < 0) goto bad;
        u[b] = (unsigned char)(h * 16 + l);
        i += 2;
        if (i < n && s0[i] == '-' && (b % 2) == 1 && b < 15) i++;
    }
    if (braces) {
        if (i >= n || s0[i] != '}') goto bad;
        i++;
    }
    if (i != n) goto bad;
    return set_str(mcx, (const char *)u, 16, out);
bad:
    return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type uuid: \"%.*s\"",
                       (int)n, s0);
}

/* ---- strings with typmods ------------------------------------------------------------ */
/* explicit: truncate silently; otherwise error unless the excess is spaces. */
static int char_typmod(uint32_t oid, int32_t typmod, const char *s, size_t n, bool explicit_,
                       orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    if (typmod < 4 || (oid != SQL_OID_VARCHAR && oid != SQL_OID_BPCHAR))
        return set_str(mcx, s, n, out);
    size_t maxlen = (size_t)(typmod - 4);
    size_t chars = sql__utf8_len(s, n);
    if (chars > maxlen) {
        size_t cut = sql__utf8_prefix(s, n, maxlen);
        if (!explicit_) {
            for (size_t i = cut; i < n; i++)
                if (s[i] != ' ')
                    return orb_err_set(err, STRING_DATA_RIGHT_TRUNCATION,
                                       "value too long for type %s(%zu)",
                                       oid == SQL_OID_VARCHAR ? "character varying" : "character",
                                       maxlen);
        }
        n = cut;
        chars = maxlen;
    }
    if (oid == SQL_OID_BPCHAR && chars < maxlen) {
        size_t pad = maxlen - chars;
        char *c = orb_alloc(mcx, n + pad + 1);
        memcpy(c, s, n);
        memset(c + n, ' ', pad);
        c[n + pad] = 0;
        out->isnull = false;
        out->v.s.p = c;
        out->v.s.n = (uint32_t)(n + pad);
        return 0;
    }
    return set_str(mcx, s, n, out);
}

static int64_t ts_round(int64_t ts, int32_t typmod) {
    if (typmod < 0 || typmod >= 6 || ts == SQL_TS_NOBEGIN || ts == SQL_TS_NOEND) return ts;
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10};
    int64_t sc = scales[typmod];
    int64_t off = sc / 2;
    if (ts >= 0) return (ts + off) / sc * sc;
    return -((-ts + off - 1) / sc * sc) + 0; /* symmetric rounding */
}

/* ---- text input ---------------------------------------------------------------------- */
int sql_value_in(uint32_t oid, int32_t typmod, const char *s, size_t n, orb_mcx_t *mcx,
                 sql_value_t *out, orb_err_t *err) {
    oid = reg_as_oid(oid);
    out->isnull = false;
    switch (oid) {
    case SQL_OID_BOOL:
        return bool_in(s, n, &out->v.b, err);
    case SQL_OID_INT2:
    case SQL_OID_INT4:
    case SQL_OID_INT8:
    case SQL_OID_OID:
        return int_in(oid, s, n, &out->v.i, err);
    case SQL_OID_FLOAT4:
    case SQL_OID_FLOAT8:
        return float_in(oid == SQL_OID_FLOAT4, s, n, &out->v.f, err);
    case SQL_OID_NUMERIC: {
        const char *t, *t2;
        if (sql__numeric_in(s, n, mcx, &t, err)) return -1;
        if (sql__numeric_typmod(t, typmod, mcx, &t2, err)) return -1;
        out->v.s.p = t2;
        out->v.s.n = (uint32_t)strlen(t2);
        return 0;
    }
    case SQL_OID_TEXT:
    case SQL_OID_UNKNOWN:
    case SQL_OID_ANYTEXT:
        return set_str(mcx, s, n, out);
    case SQL_OID_ANYJSON: { /* an untyped literal given to a json builder: a string */
        orb_buf_t b;
        orb_buf_init(&b);
        sql__json_escape(&b, s, n);
        int rc = set_str(mcx, b.data, b.len, out);
        orb_buf_free(&b);
        return rc;
    }
    case SQL_OID_CHAR: /* charin: the first byte */
        return set_str(mcx, s, n > 1 ? 1 : n, out);
    case SQL_OID_NAME:
        if (n > 63) {
            n = 63;
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        }
        return set_str(mcx, s, n, out);
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR:
        return char_typmod(oid, typmod, s, n, false, mcx, out, err);
    case SQL_OID_BYTEA:
        return bytea_in(s, n, mcx, out, err);
    case SQL_OID_UUID:
        return uuid_in(s, n, mcx, out, err);
    case SQL_OID_DATE:
        return sql__date_in(s, n, &out->v.i, err);
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ:
        if (sql__timestamp_in(s, n, oid == SQL_OID_TIMESTAMPTZ, &out->v.i, err)) return -1;
        out->v.i = ts_round(out->v.i, typmod);
        return 0;
    case SQL_OID_INTERVAL: {
        sql_interval_t iv;
        if (sql__interval_in(s, n, &iv, err)) return -1;
        sql_interval_set(mcx, &iv, out);
        return 0;
    }
    case SQL_OID_JSON:
        if (sql__json_validate(s, n, err)) return -1;
        return set_str(mcx, s, n, out);
    case SQL_OID_JSONB: {
        const char *t;
        size_t tl;
        if (sql__jsonb_normalize(s, n, mcx, &t, &tl, err)) return -1;
        out->v.s.p = t;
        out->v.s.n = (uint32_t)tl;
        return 0;
    }
    default:
        if (sql_type_is_array(oid)) return sql__array_in(oid, typmod, s, n, mcx, out, err);
        if (sql__vec_type_is(oid)) return sql__vec_in(oid, typmod, s, n, mcx, out, err);
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "type with OID %u is not supported", oid);
    }
}

/* ---- text output --------------------------------------------------------------------- */
int sql_value_out(uint32_t oid, int32_t typmod, const sql_value_t *v, orb_buf_t *out,
                  orb_err_t *err) {
    oid = reg_as_oid(oid);
    switch (oid) {
    case SQL_OID_BOOL:
        orb_buf_putc(out, v->v.b ? 't' : 'f');
        break;
    case SQL_OID_INT2:
    case SQL_OID_INT4:
    case SQL_OID_INT8:
    case SQL_OID_OID:
        orb_buf_printf(out, "%lld", (long long)v->v.i);
        break;
    case SQL_OID_FLOAT4:
    case SQL_OID_FLOAT8:
        sql__float_out(v->v.f, oid == SQL_OID_FLOAT4, out);
        break;
    case SQL_OID_VOID:
        break;
    case SQL_OID_NUMERIC:
    case SQL_OID_TEXT:
    case SQL_OID_ANYTEXT:
    case SQL_OID_ANYJSON:
    case SQL_OID_UNKNOWN:
    case SQL_OID_CHAR:
    case SQL_OID_NAME:
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR:
    case SQL_OID_JSON:
    case SQL_OID_JSONB:
    case SQL_OID_RECORD: /* aclexplode's records are their text form (sql_aclexplode.c) */
        orb_buf_append(out, v->v.s.p, v->v.s.n);
        break;
    case SQL_OID_BYTEA: {
        static const char hx[] = "0123456789abcdef";
        orb_buf_reserve(out, 2 + 2 * (size_t)v->v.s.n + 1);
        orb_buf_puts(out, "\\x");
        for (uint32_t i = 0; i < v->v.s.n; i++) {
            unsigned char c = (unsigned char)v->v.s.p[i];
            orb_buf_putc(out, hx[c >> 4]);
            orb_buf_putc(out, hx[c & 15]);
        }
        break;
    }
    case SQL_OID_UUID: {
        const unsigned char *u = (const unsigned char *)v->v.s.p;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) orb_buf_putc(out, '-');
            orb_buf_printf(out, "%02x", u[i]);
        }
        break;
    }
    case SQL_OID_DATE:
        sql__date_out(v->v.i, out);
        break;
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ:
        sql__timestamp_out(v->v.i, oid == SQL_OID_TIMESTAMPTZ, out);
        break;
    case SQL_OID_INTERVAL: {
        sql_interval_t iv;
        sql_interval_get(v, &iv);
        sql__interval_out(&iv, out);
        break;
    }
    default:
        if (sql_type_is_array(oid)) {
            if (sql__array_out(v, out, err)) return -1;
            break;
        }
        if (sql__vec_type_is(oid)) {
            if (sql__vec_out(oid, v, out, err)) return -1;
            break;
        }
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "type with OID %u is not supported", oid);
    }
    if (!out->data) orb_buf_puts(out, "");
    return 0;
}

/* ---- binary -------------------------------------------------------------------------- */
static int bad_binary(orb_err_t *err) {
    return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
}

int sql_value_recv(uint32_t oid, int32_t typmod, const char *d, size_t n, orb_mcx_t *mcx,
                   sql_value_t *out, orb_err_t *err) {
    oid = reg_as_oid(oid);
    out->isnull = false;
    switch (oid) {
    case SQL_OID_BOOL:
        if (n != 1) return bad_binary(err);
        out->v.b = d[0] != 0;
        return 0;
    case SQL_OID_INT2:
        if (n != 2) return bad_binary(err);
        out->v.i = (int16_t)orb_get_be16(d);
        return 0;
    case SQL_OID_INT4:
    case SQL_OID_DATE:
        if (n != 4) return bad_binary(err);
        out->v.i = (int32_t)orb_get_be32(d);
        return 0;
    case SQL_OID_OID:
        if (n != 4) return bad_binary(err);
        out->v.i = orb_get_be32(d);
        return 0;
    case SQL_OID_INT8:
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ:
        if (n != 8) return bad_binary(err);
        out->v.i = (int64_t)orb_get_be64(d);
        if (oid != SQL_OID_INT8) out->v.i = ts_round(out->v.i, typmod);
        return 0;
    case SQL_OID_FLOAT4: {
        if (n != 4) return bad_binary(err);
        uint32_t u = orb_get_be32(d);
        float f;
        memcpy(&f, &u, 4);
        out->v.f = f;
        return 0;
    }
    case SQL_OID_FLOAT8: {
        if (n != 8) return bad_binary(err);
        uint64_t u = orb_get_be64(d);
        memcpy(&out->v.f, &u, 8);
        return 0;
    }
    case SQL_OID_NUMERIC: {
        const char *t, *t2;
        if (sql__numeric_recv(d, n, mcx, &t, err)) return -1;
        if (sql__numeric_typmod(t, typmod, mcx, &t2, err)) return -1;
        out->v.s.p = t2;
        out->v.s.n = (uint32_t)strlen(t2);
        return 0;
    }
    case SQL_OID_TEXT:
    case SQL_OID_CHAR:
    case SQL_OID_NAME:
    case SQL_OID_UNKNOWN:
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR:
        if (memchr(d, 0, n))
            return orb_err_set(err, UNTRANSLATABLE_CHARACTER,
                               "invalid byte sequence for encoding \"UTF8\": 0x00");
        return char_typmod(oid, typmod, d, n, false, mcx, out, err);
    case SQL_OID_BYTEA:
        return set_str(mcx, d, n, out);
    case SQL_OID_UUID:
        if (n != 16) return bad_binary(err);
        return set_str(mcx, d, n, out);
    case SQL_OID_INTERVAL: {
        if (n != 16) return bad_binary(err);
        sql_interval_t iv;
        iv.time = (int64_t)orb_get_be64(d);
        iv.day = (int32_t)orb_get_be32(d + 8);
        iv.month = (int32_t)orb_get_be32(d + 12);
        sql_interval_set(mcx, &iv, out);
        return 0;
    }
    case SQL_OID_JSON:
        return sql_value_in(oid, typmod, d, n, mcx, out, err);
    case SQL_OID_JSONB:
        if (n < 1 || d[0] != 1)
            return orb_err_set(err, INVALID_BINARY_REPRESENTATION, "unsupported jsonb version number %d",
                               n < 1 ? 0 : d[0]);
        return sql_value_in(oid, typmod, d + 1, n - 1, mcx, out, err);
    default:
        if (sql_type_is_array(oid)) return sql__array_recv(oid, typmod, d, n, mcx, out, err);
        if (sql__vec_type_is(oid)) return sql__vec_recv(oid, typmod, d, n, mcx, out, err);
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "binary format is not supported for type with OID %u", oid);
    }
}

int sql_value_send(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    oid = reg_as_oid(oid);
    switch (oid) {
    case SQL_OID_BOOL: orb_buf_put_u8(out, v->v.b ? 1 : 0); break;
    case SQL_OID_INT2: orb_buf_put_be16(out, (uint16_t)v->v.i); break;
    case SQL_OID_INT4:
    case SQL_OID_DATE:
    case SQL_OID_OID: orb_buf_put_be32(out, (uint32_t)v->v.i); break;
    case SQL_OID_INT8:
    case SQL_OID_TIMESTAMP:
    case SQL_OID_TIMESTAMPTZ: orb_buf_put_be64(out, (uint64_t)v->v.i); break;
    case SQL_OID_FLOAT4: {
        float f = (float)v->v.f;
        uint32_t u;
        memcpy(&u, &f, 4);
        orb_buf_put_be32(out, u);
        break;
    }
    case SQL_OID_FLOAT8: {
        uint64_t u;
        memcpy(&u, &v->v.f, 8);
        orb_buf_put_be64(out, u);
        break;
    }
    case SQL_OID_NUMERIC: sql__numeric_send(v->v.s.p, out); break;
    case SQL_OID_INTERVAL: {
        sql_interval_t iv;
        sql_interval_get(v, &iv);
        orb_buf_put_be64(out, (uint64_t)iv.time);
        orb_buf_put_be32(out, (uint32_t)iv.day);
        orb_buf_put_be32(out, (uint32_t)iv.month);
        break;
    }
    case SQL_OID_JSONB:
        orb_buf_put_u8(out, 1);
        orb_buf_append(out, v->v.s.p, v->v.s.n);
        break;
    case SQL_OID_VOID:
        break;
    case SQL_OID_RECORD:
        sql__record_send(v, out);
        break;
    case SQL_OID_TEXT:
    case SQL_OID_CHAR:
    case SQL_OID_NAME:
    case SQL_OID_UNKNOWN:
    case SQL_OID_VARCHAR:
    case SQL_OID_BPCHAR:
    case SQL_OID_BYTEA:
    case SQL_OID_UUID:
    case SQL_OID_JSON:
        orb_buf_append(out, v->v.s.p, v->v.s.n);
        break;
    default:
        if (sql_type_is_array(oid)) {
            if (sql__array_send(v, out, err)) return -1;
            break;
        }
        if (sql__vec_type_is(oid)) {
            if (sql__vec_send(oid, v, out, err)) return -1;
            break;
        }
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "binary format is not supported for type with OID %u", oid);
    }
    if (!out->data) orb_buf_puts(out, "");
    return 0;
}

/* ---- casts --------------------------------------------------------------------------- */
static bool is_int(uint32_t o) { return o == SQL_OID_INT2 || o == SQL_OID_INT4 || o == SQL_OID_INT8; }
static bool is_float(uint32_t o) { return o == SQL_OID_FLOAT4 || o == SQL_OID_FLOAT8; }
static bool is_str(uint32_t o) {
    return o == SQL_OID_TEXT || o == SQL_OID_VARCHAR || o == SQL_OID_BPCHAR || o == SQL_OID_NAME ||
           o == SQL_OID_CHAR;
}

/* pg_cast contexts for the built-in pairs ('i', 'a', 'e'); 0 when there is no entry. */
static char pg_cast_ctx(uint32_t f, uint32_t t) {
    static const struct { uint32_t f, t; char c; } casts[] = {
        {16, 23, 'e'}, {20, 21, 'a'}, {20, 23, 'a'}, {20, 26, 'i'}, {20, 700, 'i'},
        {20, 701, 'i'}, {20, 1700, 'i'}, {21, 20, 'i'}, {21, 23, 'i'}, {21, 26, 'i'},
        {21, 700, 'i'}, {21, 701, 'i'}, {21, 1700, 'i'}, {23, 16, 'e'}, {23, 20, 'i'},
        {23, 21, 'a'}, {23, 26, 'i'}, {23, 700, 'i'}, {23, 701, 'i'}, {23, 1700, 'i'},
        {25, 19, 'i'}, {25, 1042, 'i'}, {25, 1043, 'i'}, {26, 20, 'a'}, {26, 23, 'a'},
        {114, 3802, 'a'}, {700, 20, 'a'}, {700, 21, 'a'}, {700, 23, 'a'}, {700, 701, 'i'},
        {700, 1700, 'a'}, {701, 20, 'a'}, {701, 21, 'a'}, {701, 23, 'a'}, {701, 700, 'a'},
        {701, 1700, 'a'}, {1042, 19, 'i'}, {1042, 25, 'i'}, {1042, 1043, 'i'}, {1043, 19, 'i'},
        {1043, 25, 'i'}, {1043, 1042, 'i'}, {19, 25, 'i'}, {19, 1042, 'a'}, {19, 1043, 'a'},
        {18, 25, 'i'}, {18, 1042, 'a'}, {18, 1043, 'a'}, {25, 18, 'a'}, {1042, 18, 'a'}, {1043, 18, 'a'},
        {1082, 1114, 'i'}, {1082, 1184, 'i'}, {1114, 1082, 'a'}, {1114, 1184, 'i'},
        {1184, 1082, 'a'}, {1184, 1114, 'a'}, {1700, 20, 'a'}, {1700, 21, 'a'},
        {1700, 23, 'a'}, {1700, 700, 'i'}, {1700, 701, 'i'}, {3802, 16, 'e'}, {3802, 20, 'e'},
        {3802, 21, 'e'}, {3802, 23, 'e'}, {3802, 114, 'a'}, {3802, 700, 'e'}, {3802, 701, 'e'},
        {3802, 1700, 'e'},
    };
    for (size_t i = 0; i < sizeof casts / sizeof casts[0]; i++)
        if (casts[i].f == f && casts[i].t == t) return casts[i].c;
    return 0;
}

bool sql_cast_allowed(uint32_t from, uint32_t to, sql_cast_ctx_t ctx) {
    if (from == to) return true;
    /* pg_cast: oid and int4/int8 <-> reg* are implicit (binary or a range check), reg* ->
     * int4/int8 assignment; between two reg* types only through oid; strings <-> reg* are
     * I/O casts (the analyzer calls sql_regtype.c for them) */
    if (sql_type_is_reg(from) || sql_type_is_reg(to)) {
        uint32_t o = sql_type_is_reg(from) ? to : from;
        if (sql_type_is_reg(from) && sql_type_is_reg(to)) return false;
        if (o == SQL_OID_OID || o == SQL_OID_UNKNOWN) return true;
        if (o == SQL_OID_INT4 || o == SQL_OID_INT8 || o == SQL_OID_INT2)
            return sql_type_is_reg(to) || ctx >= SQL_CAST_ASSIGNMENT;
    }
    if (to == SQL_OID_ANY || to == SQL_OID_ANYTEXT || to == SQL_OID_ANYJSON) return true;
    if (from == SQL_OID_UNKNOWN) return sql_type_get(to) != NULL;
    if (to == SQL_OID_ANYARRAY || to == SQL_OID_ANYELEMENT) return false;
    /* array coercion: allowed where the element coercion is (PostgreSQL's ArrayCoerceExpr) */
    if (sql_type_is_array(from) && sql_type_is_array(to) && !sql__vec_type_is(to))
        return sql_cast_allowed(sql_array_elem_of(from), sql_array_elem_of(to), ctx);
    char c = pg_cast_ctx(from, to);
    if (!c && (sql__vec_type_is(from) || sql__vec_type_is(to))) c = sql__vec_cast_ctx(from, to);
    if (c == 'i') return true;
    if (c == 'a') return ctx >= SQL_CAST_ASSIGNMENT;
    if (c == 'e') return ctx >= SQL_CAST_EXPLICIT;
    if (!sql_type_get(from) || !sql_type_get(to)) return false;
    /* I/O conversion casts: to a string type in assignment, from one explicitly. */
    if (to == SQL_OID_TEXT || to == SQL_OID_VARCHAR || to == SQL_OID_BPCHAR || to == SQL_OID_NAME)
        return ctx >= SQL_CAST_ASSIGNMENT;
    if (is_str(from)) return ctx >= SQL_CAST_EXPLICIT;
    return false;
}

static int cast_err(uint32_t from, uint32_t to, orb_err_t *err) {
    return orb_err_set(err, CANNOT_COERCE, "cannot cast type %s to %s", tname(from), tname(to));
}

static int float_to_int(double d, uint32_t to, int64_t *out, orb_err_t *err) {
    double r = rint(d);
    double lo = to == SQL_OID_INT2 ? INT16_MIN : to == SQL_OID_INT4 ? INT32_MIN : -9223372036854775808.0;
    double hi = to == SQL_OID_INT2 ? INT16_MAX + 1.0 : to == SQL_OID_INT4 ? INT32_MAX + 1.0 : 9223372036854775808.0;
    if (isnan(r) || r < lo || r >= hi)
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE, "%s", int_range_msg(to));
    *out = (int64_t)r;
    return 0;
}

static int cast_impl(uint32_t from, uint32_t to, int32_t typmod, bool explicit_,
                     const sql_value_t *in, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    sql_value_t tmp;
    out->isnull = false;
    if (from == SQL_OID_UNKNOWN && to != SQL_OID_UNKNOWN) from = SQL_OID_TEXT;
    if (from == SQL_OID_ANYTEXT) from = SQL_OID_TEXT;
    if (to == SQL_OID_ANYJSON) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (sql__json_from_value(from, in, &b, err)) { orb_buf_free(&b); return -1; }
        int rc = set_str(mcx, b.data ? b.data : "", b.len, out);
        orb_buf_free(&b);
        return rc;
    }
    /* "any" builtin argument: the type's output function, as PostgreSQL's concat() and
     * anytextcat (bool gives "t", where bool::text gives "true") */
    if (to == SQL_OID_ANYTEXT) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (sql_value_out(from, -1, in, &b, err)) { orb_buf_free(&b); return -1; }
        int rc = set_str(mcx, b.data ? b.data : "", b.len, out);
        orb_buf_free(&b);
        return rc;
    }
    if (sql__vec_type_is(from) || sql__vec_type_is(to)) {
        int rc = sql__vec_cast(from, to, typmod, explicit_, in, mcx, out, err);
        if (rc != ORB_DECLINED) return rc;
    }
    /* string -> string */
    if (is_str(from) && (is_str(to) || to == SQL_OID_UNKNOWN)) {
        const char *p = in->v.s.p;
        size_t n = in->v.s.n;
        if (from == SQL_OID_BPCHAR && to != SQL_OID_BPCHAR) n = sql__bpchar_trimmed_len(p, n);
        if (to == SQL_OID_NAME && n > 63) n = sql__utf8_prefix(p, 63, 63);
        if (to == SQL_OID_CHAR && n > 1) n = 1;
        if (from == to && from != SQL_OID_BPCHAR && from != SQL_OID_VARCHAR && !(from == SQL_OID_BPCHAR)) {
            *out = *in;
            out->v.s.n = (uint32_t)n;
            return 0;
        }
        return char_typmod(to, typmod, p, n, explicit_, mcx, out, err);
    }
    if (sql_type_is_array(from) && sql_type_is_array(to)) {
        if (from == to && typmod < 0) { *out = *in; return 0; }
        return sql__array_cast(from, to, typmod, explicit_ ? SQL_CAST_EXPLICIT : SQL_CAST_ASSIGNMENT,
                               in, mcx, out, err);
    }
    if (from == to) {
        switch (to) {
        case SQL_OID_NUMERIC: {
            const char *t;
            if (sql__numeric_typmod(in->v.s.p, typmod, mcx, &t, err)) return -1;
            out->v.s.p = t;
            out->v.s.n = (uint32_t)strlen(t);
            return 0;
        }
        case SQL_OID_TIMESTAMP:
        case SQL_OID_TIMESTAMPTZ:
            out->v.i = ts_round(in->v.i, typmod);
            return 0;
        default:
            *out = *in;
            return 0;
        }
    }
    /* anything -> string via output */
    if (is_str(to)) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (from == SQL_OID_BOOL) orb_buf_puts(&b, in->v.b ? "true" : "false");
        else if (sql_value_out(from, -1, in, &b, err)) { orb_buf_free(&b); return -1; }
        int rc = char_typmod(to, typmod, b.data ? b.data : "", b.len, explicit_, mcx, out, err);
        orb_buf_free(&b);
        return rc;
    }
    /* string -> anything via input */
    if (is_str(from)) {
        const char *p = in->v.s.p;
        size_t n = in->v.s.n;
        return sql_value_in(to, typmod, p, n, mcx, out, err);
    }
    if ((is_int(from) || from == SQL_OID_OID) && (is_int(to) || to == SQL_OID_OID)) {
        if (int_check(to, in->v.i, err)) return -1;
        out->v.i = in->v.i;
        return 0;
    }
    if (is_int(from) && is_float(to)) {
        out->v.f = to == SQL_OID_FLOAT4 ? (double)(float)in->v.i : (double)in->v.i;
        return 0;
    }
    if (is_int(from) && to == SQL_OID_NUMERIC) {
        const char *t = sql__numeric_from_int(in->v.i, mcx);
        if (sql__numeric_typmod(t, typmod, mcx, &t, err)) return -1;
        out->v.s.p = t;
        out->v.s.n = (uint32_t)strlen(t);
        return 0;
    }
    if (is_float(from) && is_int(to)) return float_to_int(in->v.f, to, &out->v.i, err);
    if (is_float(from) && is_float(to)) {
        if (to == SQL_OID_FLOAT4) {
            if (!isinf(in->v.f) && sql__float_check(in->v.f, false, in->v.f == 0.0, true, err))
                return -1;
            out->v.f = (float)in->v.f;
        } else {
            out->v.f = in->v.f;
        }
        return 0;
    }
    if (is_float(from) && to == SQL_OID_NUMERIC) {
        const char *t;
        if (sql__numeric_from_double(in->v.f, from == SQL_OID_FLOAT4 ? 6 : 15, mcx, &t, err))
            return -1;
        if (sql__numeric_typmod(t, typmod, mcx, &t, err)) return -1;
        out->v.s.p = t;
        out->v.s.n = (uint32_t)strlen(t);
        return 0;
    }
    if (from == SQL_OID_NUMERIC && is_int(to)) {
        int64_t lo = to == SQL_OID_INT2 ? INT16_MIN : to == SQL_OID_INT4 ? INT32_MIN : INT64_MIN;
        int64_t hi = to == SQL_OID_INT2 ? INT16_MAX : to == SQL_OID_INT4 ? INT32_MAX : INT64_MAX;
        return sql__numeric_to_int(in->v.s.p, lo, hi, int_range_msg(to), &out->v.i, err);
    }
    if (from == SQL_OID_NUMERIC && is_float(to)) {
        /* PostgreSQL's numeric_float4/8 print the numeric and read it back with float4in /
         * float8in, so overflow reads ""1000...000" is out of range for type real" */
        return float_in(to == SQL_OID_FLOAT4, in->v.s.p, in->v.s.n, &out->v.f, err);
    }
    if (from == SQL_OID_BOOL && to == SQL_OID_INT4) { out->v.i = in->v.b ? 1 : 0; return 0; }
    if (from == SQL_OID_INT4 && to == SQL_OID_BOOL) { out->v.b = in->v.i != 0; return 0; }
    if (from == SQL_OID_DATE && (to == SQL_OID_TIMESTAMP || to == SQL_OID_TIMESTAMPTZ))
        return sql__ts_from_date(in->v.i, &out->v.i, err);
    if ((from == SQL_OID_TIMESTAMP || from == SQL_OID_TIMESTAMPTZ) && to == SQL_OID_DATE) {
        out->v.i = sql__date_from_ts(in->v.i);
        return 0;
    }
    if ((from == SQL_OID_TIMESTAMP || from == SQL_OID_TIMESTAMPTZ) &&
        (to == SQL_OID_TIMESTAMP || to == SQL_OID_TIMESTAMPTZ)) {
        out->v.i = ts_round(in->v.i, typmod); /* session TimeZone is UTC */
        return 0;
    }
    if (from == SQL_OID_JSON && to == SQL_OID_JSONB) {
        const char *t;
        size_t tl;
        if (sql__jsonb_normalize(in->v.s.p, in->v.s.n, mcx, &t, &tl, err)) return -1;
        out->v.s.p = t;
        out->v.s.n = (uint32_t)tl;
        return 0;
    }
    if (from == SQL_OID_JSONB && to == SQL_OID_JSON) { *out = *in; return 0; }
    if (from == SQL_OID_JSONB && (to == SQL_OID_BOOL || is_int(to) || is_float(to) ||
                                  to == SQL_OID_NUMERIC)) {
        const char *p = in->v.s.p;
        size_t n = in->v.s.n;
        const char *what = p[0] == '"' ? "string" : p[0] == '{' ? "object" : p[0] == '[' ? "array"
                         : p[0] == 'n' ? "null" : (p[0] == 't' || p[0] == 'f') ? "boolean" : "numeric";
        bool want_bool = to == SQL_OID_BOOL;
        if (want_bool ? strcmp(what, "boolean") != 0 : strcmp(what, "numeric") != 0)
            return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot cast jsonb %s to type %s", what,
                               tname(to));
        if (want_bool) { out->v.b = p[0] == 't'; return 0; }
        tmp.isnull = false;
        tmp.v.s.p = p;
        tmp.v.s.n = (uint32_t)n;
        return cast_impl(SQL_OID_NUMERIC, to, typmod, explicit_, &tmp, mcx, out, err);
    }
    return cast_err(from, to, err);
}

int sql_value_cast(uint32_t from, uint32_t to, int32_t to_typmod, const sql_value_t *in,
                   orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    return sql_value_cast_ctx(from, to, to_typmod, SQL_CAST_ASSIGNMENT, in, mcx, out, err);
}

int sql_value_cast_ctx(uint32_t from, uint32_t to, int32_t to_typmod, sql_cast_ctx_t ctx,
                       const sql_value_t *in, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err) {
    from = reg_as_oid(from);
    to = reg_as_oid(to);
    if (in->isnull) {
        *out = *in;
        return 0;
    }
    sql_value_t r;
    if (cast_impl(from, to, to_typmod, ctx == SQL_CAST_EXPLICIT, in, mcx, &r, err)) return -1;
    *out = r;
    return 0;
}

/* ---- compare / hash ------------------------------------------------------------------ */
static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn) {
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

int sql_value_cmp(uint32_t oid, const sql_value_t *a, const sql_value_t *b) {
    oid = reg_as_oid(oid);
    switch (oid) {
    case SQL_OID_BOOL:
        return (int)a->v.b - (int)b->v.b;
    case SQL_OID_FLOAT4:
    case SQL_OID_FLOAT8: {
        double x = a->v.f, y = b->v.f;
        if (isnan(x)) return isnan(y) ? 0 : 1;
        if (isnan(y)) return -1;
        return x < y ? -1 : x > y;
    }
    case SQL_OID_NUMERIC:
        return sql_numeric_cmp(a->v.s.p, b->v.s.p);
    case SQL_OID_INTERVAL: {
        sql_interval_t x, y;
        sql_interval_get(a, &x);
        sql_interval_get(b, &y);
        return sql__interval_cmp(&x, &y);
    }
    case SQL_OID_BPCHAR:
        return bytes_cmp(a->v.s.p, sql__bpchar_trimmed_len(a->v.s.p, a->v.s.n), b->v.s.p,
                         sql__bpchar_trimmed_len(b->v.s.p, b->v.s.n));
    case SQL_OID_TEXT:
    case SQL_OID_ANYTEXT:
    case SQL_OID_VARCHAR:
    case SQL_OID_CHAR:
    case SQL_OID_NAME:
    case SQL_OID_UNKNOWN:
    case SQL_OID_JSON:
    case SQL_OID_JSONB:
    case SQL_OID_BYTEA:
    case SQL_OID_UUID:
        return bytes_cmp(a->v.s.p, a->v.s.n, b->v.s.p, b->v.s.n);
    case SQL_OID_RECORD:
        return sql__record_cmp(a, b);
    default:
        if (sql_type_is_array(oid)) return sql__array_cmp(a, b);
        if (sql__vec_type_is(oid)) return sql__vec_cmp(oid, a, b);
        return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
    }
}

uint64_t sql_value_hash(uint32_t oid, const sql_value_t *v) {
    oid = reg_as_oid(oid);
    if (v->isnull) return 0x9e3779b97f4a7c15ULL;
    switch (oid) {
    case SQL_OID_BOOL: {
        int64_t i = v->v.b;
        return sql__hash_bytes(&i, sizeof i, 1);
    }
    case SQL_OID_FLOAT4:
    case SQL_OID_FLOAT8: {
        double d = v->v.f;
        if (d == 0.0) d = 0.0;
        if (isnan(d)) return 0x7ff8000000000000ULL;
        return sql__hash_bytes(&d, sizeof d, 2);
    }
    case SQL_OID_NUMERIC:
        return sql__numeric_hash(v->v.s.p);
    case SQL_OID_INTERVAL: {
        sql_interval_t x;
        sql_interval_get(v, &x);
        return sql__interval_hash(&x);
    }
    case SQL_OID_BPCHAR:
        return sql__hash_bytes(v->v.s.p, sql__bpchar_trimmed_len(v->v.s.p, v->v.s.n), 3);
    case SQL_OID_TEXT:
    case SQL_OID_ANYTEXT:
    case SQL_OID_VARCHAR:
    case SQL_OID_CHAR:
    case SQL_OID_NAME:
    case SQL_OID_UNKNOWN:
    case SQL_OID_JSON:
    case SQL_OID_JSONB:
    case SQL_OID_RECORD: /* aclexplode's text form is canonical */
        return sql__hash_bytes(v->v.s.p, v->v.s.n, 3);
    case SQL_OID_BYTEA:
    case SQL_OID_UUID:
        return sql__hash_bytes(v->v.s.p, v->v.s.n, 4);
    default:
        if (sql_type_is_array(oid)) return sql__array_hash(v);
        if (sql__vec_type_is(oid)) return sql__vec_hash(oid, v);
        return sql__hash_bytes(&v->v.i, sizeof v->v.i, 5);
    }
}

/* ---- Orbit__Datum -------------------------------------------------------------------- */
void sql_value_to_datum(uint32_t oid, const sql_value_t *v, Orbit__Datum *d) {
    oid = reg_as_oid(oid);
    orbit__datum__init(d);
    if (v->isnull) {
        d->v_case = ORBIT__DATUM__V_IS_NULL;
        d->is_null = true;
        return;
    }
    const sql_type_info_t *t = sql_type_get(oid);
    int kind = t ? t->kind : ORBIT__DATUM__V_S;
    switch (kind) {
    case ORBIT__DATUM__V_B: d->v_case = ORBIT__DATUM__V_B; d->b = v->v.b; break;
    case ORBIT__DATUM__V_I: d->v_case = ORBIT__DATUM__V_I; d->i = v->v.i; break;
    case ORBIT__DATUM__V_F: d->v_case = ORBIT__DATUM__V_F; d->f = v->v.f; break;
    case ORBIT__DATUM__V_NUMERIC:
        d->v_case = ORBIT__DATUM__V_NUMERIC;
        d->numeric = (char *)v->v.s.p;
        break;
    case ORBIT__DATUM__V_BIN:
        d->v_case = ORBIT__DATUM__V_BIN;
        d->bin.data = (uint8_t *)v->v.s.p;
        d->bin.len = v->v.s.n;
        break;
    default:
        d->v_case = ORBIT__DATUM__V_S;
        d->s.data = (uint8_t *)v->v.s.p;
        d->s.len = v->v.s.n;
        break;
    }
}

int sql_value_from_datum(uint32_t oid, const Orbit__Datum *d, orb_mcx_t *mcx, sql_value_t *out,
                         orb_err_t *err) {
    memset(out, 0, sizeof *out);
    if (d->v_case == ORBIT__DATUM__V_IS_NULL || d->v_case == ORBIT__DATUM__V__NOT_SET) {
        out->isnull = true;
        return 0;
    }
    const sql_type_info_t *t = sql_type_get(oid);
    int kind = t ? t->kind : ORBIT__DATUM__V_S;
    if ((int)d->v_case != kind)
        return orb_err_set(err, DATA_CORRUPTED, "stored datum kind %d does not match type %s",
                           (int)d->v_case, tname(oid));
    switch (kind) {
    case ORBIT__DATUM__V_B: out->v.b = d->b; return 0;
    case ORBIT__DATUM__V_I: out->v.i = d->i; return 0;
    case ORBIT__DATUM__V_F: out->v.f = d->f; return 0;
    case ORBIT__DATUM__V_NUMERIC:
        return set_str(mcx, d->numeric ? d->numeric : "0", d->numeric ? strlen(d->numeric) : 1, out);
    case ORBIT__DATUM__V_BIN:
        return set_str(mcx, (const char *)d->bin.data, d->bin.len, out);
    default:
        return set_str(mcx, (const char *)d->s.data, d->s.len, out);
    }
}
