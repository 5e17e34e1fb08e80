/* tests/unit/sql/test_types.c — value types: text in/out round trips for every type, the
 * PostgreSQL error codes for bad input and overflow, float shortest output, numeric scales,
 * varchar/char typmods, jsonb normalisation, dates and timestamps, casts, binary format. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sql/sql_types_int.h"
#include "unit_sql.h"

static orb_mcx_t *mcx;

static int setup(void **state) {
    (void)state;
    mcx = orb_mcx_create(NULL, "test");
    return 0;
}
static int teardown(void **state) {
    (void)state;
    orb_mcx_destroy(mcx);
    mcx = NULL;
    return 0;
}

/* input -> output text, allocated in mcx */
static const char *io(uint32_t oid, int32_t typmod, const char *in) {
    sql_value_t v;
    orb_err_t err;
    if (sql_value_in(oid, typmod, in, strlen(in), mcx, &v, &err) != 0) {
        print_error("unexpected error for %s: %s\n", in, err.message);
        return "<error>";
    }
    orb_buf_t b;
    orb_buf_init(&b);
    assert_int_equal(sql_value_out(oid, typmod, &v, &b, &err), 0);
    const char *s = orb_strdup(mcx, b.data);
    orb_buf_free(&b);
    return s;
}
#define assert_io(oid, tm, in, want) assert_string_equal(io(oid, tm, in), want)

static void assert_in_err(uint32_t oid, int32_t typmod, const char *in, orb_sqlstate_t code,
                          const char *msg) {
    sql_value_t v;
    orb_err_t err;
    memset(&err, 0, sizeof err);
    assert_int_equal(sql_value_in(oid, typmod, in, strlen(in), mcx, &v, &err), -1);
    assert_string_equal(orb_sqlstate_code(err.code), orb_sqlstate_code(code));
    assert_string_equal(err.message, msg);
}

static void test_integers_round_trip_and_reject_bad_input(void **state) {
    (void)state;
    assert_io(SQL_OID_INT4, -1, "  -42 ", "-42");
    assert_io(SQL_OID_INT4, -1, "+7", "7");
    assert_io(SQL_OID_INT2, -1, "-32768", "-32768");
    assert_io(SQL_OID_INT8, -1, "-9223372036854775808", "-9223372036854775808");
    assert_in_err(SQL_OID_INT4, -1, "12.5", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type integer: \"12.5\"");
    assert_in_err(SQL_OID_INT4, -1, "", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type integer: \"\"");
    assert_in_err(SQL_OID_INT4, -1, "99999999999", ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                  "value \"99999999999\" is out of range for type integer");
    assert_in_err(SQL_OID_INT2, -1, "40000", ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                  "value \"40000\" is out of range for type smallint");
    assert_in_err(SQL_OID_INT8, -1, "9223372036854775808", ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                  "value \"9223372036854775808\" is out of range for type bigint");
}

static void test_floats_print_shortest_round_trip_form(void **state) {
    (void)state;
    assert_io(SQL_OID_FLOAT8, -1, "1e15", "1e+15");
    assert_io(SQL_OID_FLOAT8, -1, "1e16", "1e+16");
    assert_io(SQL_OID_FLOAT8, -1, "0.0001", "0.0001");
    assert_io(SQL_OID_FLOAT8, -1, "0.00001", "1e-05");
    assert_io(SQL_OID_FLOAT8, -1, "123456789012345", "123456789012345");
    assert_io(SQL_OID_FLOAT8, -1, "1234567890123456", "1.234567890123456e+15");
    assert_io(SQL_OID_FLOAT8, -1, "0.1", "0.1");
    assert_io(SQL_OID_FLOAT8, -1, "100", "100");
    assert_io(SQL_OID_FLOAT8, -1, "-0", "-0");
    assert_io(SQL_OID_FLOAT8, -1, "1.25e-300", "1.25e-300");
    assert_io(SQL_OID_FLOAT8, -1, "nan", "NaN");
    assert_io(SQL_OID_FLOAT8, -1, "-inf", "-Infinity");
    assert_io(SQL_OID_FLOAT8, -1, "Infinity", "Infinity");
    assert_io(SQL_OID_FLOAT4, -1, "123456", "123456");
    assert_io(SQL_OID_FLOAT4, -1, "1234567", "1.234567e+06");
    assert_io(SQL_OID_FLOAT4, -1, "0.1", "0.1");
    assert_io(SQL_OID_FLOAT4, -1, "3.14159", "3.14159");
    orb_buf_t b;
    orb_buf_init(&b);
    sql__float_out(1.0 / 3, false, &b);
    assert_string_equal(b.data, "0.3333333333333333");
    orb_buf_free(&b);
    assert_in_err(SQL_OID_FLOAT8, -1, "1e400", ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                  "\"1e400\" is out of range for type double precision");
    assert_in_err(SQL_OID_FLOAT4, -1, "x", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type real: \"x\"");
}

static void test_numeric_input_keeps_scale_and_applies_typmod(void **state) {
    (void)state;
    assert_io(SQL_OID_NUMERIC, -1, "12.50", "12.50");
    assert_io(SQL_OID_NUMERIC, -1, "-0.5", "-0.5");
    assert_io(SQL_OID_NUMERIC, -1, "1e3", "1000");
    assert_io(SQL_OID_NUMERIC, -1, "1.5e1", "15");
    assert_io(SQL_OID_NUMERIC, -1, ".5", "0.5");
    assert_io(SQL_OID_NUMERIC, -1, "-0.00", "0.00");
    assert_io(SQL_OID_NUMERIC, -1, "nan", "NaN");
    assert_io(SQL_OID_NUMERIC, -1, "1e-3", "0.001");
    int32_t tm;
    uint32_t oid;
    int32_t mods[2] = {5, 2};
    assert_int_equal(sql_type_lookup("numeric", mods, 2, &oid, &tm, NULL), 0);
    assert_io(SQL_OID_NUMERIC, tm, "123.456", "123.46");
    assert_io(SQL_OID_NUMERIC, tm, "-0.005", "-0.01");
    assert_in_err(SQL_OID_NUMERIC, tm, "1234.5", ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                  "numeric field overflow");
    orb_err_t err;
    sql_value_t v;
    assert_int_equal(sql_value_in(SQL_OID_NUMERIC, tm, "999.999", 7, mcx, &v, &err), -1);
    assert_string_equal(err.detail,
                        "A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
    assert_in_err(SQL_OID_NUMERIC, -1, "abc", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type numeric: \"abc\"");
    assert_string_equal(sql_type_format(SQL_OID_NUMERIC, tm, mcx), "numeric(5,2)");
}

static const char *nop(int (*fn)(const char *, const char *, orb_mcx_t *, const char **, orb_err_t *),
                       const char *a, const char *b) {
    const char *o = NULL;
    orb_err_t err;
    if (fn(a, b, mcx, &o, &err)) return orb_strdup(mcx, err.message);
    return o;
}

static void test_numeric_arithmetic_uses_postgres_scales(void **state) {
    (void)state;
    assert_string_equal(nop(sql_numeric_add, "1.5", "2.25"), "3.75");
    assert_string_equal(nop(sql_numeric_sub, "1", "2.50"), "-1.50");
    assert_string_equal(nop(sql_numeric_mul, "1.5", "100.00"), "150.000");
    assert_string_equal(nop(sql_numeric_div, "1", "3"), "0.33333333333333333333");
    assert_string_equal(nop(sql_numeric_div, "10", "4"), "2.5000000000000000");
    assert_string_equal(nop(sql_numeric_div, "1.5", "7"), "0.21428571428571428571");
    assert_string_equal(nop(sql_numeric_div, "123456789", "0.001"), "123456789000.00000000");
    assert_string_equal(nop(sql_numeric_div, "2", "3e-20"),
                        "66666666666666666666.66666666666666666667");
    assert_string_equal(nop(sql_numeric_div, "7.0", "0.5"), "14.0000000000000000");
    assert_string_equal(nop(sql_numeric_div, "1", "0"), "division by zero");
    assert_string_equal(nop(sql_numeric_mod, "-7.5", "2"), "-1.5");
    const char *o;
    sql_numeric_round("1234.5", -2, mcx, &o, NULL);
    assert_string_equal(o, "1200");
    sql_numeric_round("-2.5", 0, mcx, &o, NULL);
    assert_string_equal(o, "-3");
    sql_numeric_round("1.5", 3, mcx, &o, NULL);
    assert_string_equal(o, "1.500");
    assert_true(sql_numeric_cmp("1.50", "1.5") == 0);
    assert_true(sql_numeric_cmp("NaN", "1e100") > 0);
    assert_true(sql_numeric_cmp("-2", "1") < 0);
}

static void test_bool_accepts_postgres_spellings(void **state) {
    (void)state;
    const char *t[] = {"t", "true", "TRUE", "tr", "yes", "y", "on", "1", " true "};
    const char *f[] = {"f", "false", "no", "n", "off", "of", "0"};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) assert_io(SQL_OID_BOOL, -1, t[i], "t");
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) assert_io(SQL_OID_BOOL, -1, f[i], "f");
    assert_in_err(SQL_OID_BOOL, -1, "x", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type boolean: \"x\"");
    assert_in_err(SQL_OID_BOOL, -1, "o", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type boolean: \"o\"");
}

static void test_varchar_and_char_typmods(void **state) {
    (void)state;
    assert_io(SQL_OID_VARCHAR, 3 + 4, "abc", "abc");
    assert_io(SQL_OID_VARCHAR, 3 + 4, "abc  ", "abc");
    assert_in_err(SQL_OID_VARCHAR, 3 + 4, "abcd", ORB_SQLSTATE_STRING_DATA_RIGHT_TRUNCATION,
                  "value too long for type character varying(3)");
    assert_in_err(SQL_OID_BPCHAR, 2 + 4, "abc", ORB_SQLSTATE_STRING_DATA_RIGHT_TRUNCATION,
                  "value too long for type character(2)");
    assert_io(SQL_OID_BPCHAR, 5 + 4, "ab", "ab   ");
    assert_io(SQL_OID_VARCHAR, 2 + 4, "\xc3\xa9\xc3\xa9", "\xc3\xa9\xc3\xa9");
    sql_value_t in = {.v.s = {"abcd", 4}}, out;
    orb_err_t err;
    assert_int_equal(sql_value_cast_ctx(SQL_OID_TEXT, SQL_OID_VARCHAR, 3 + 4, SQL_CAST_EXPLICIT,
                                        &in, mcx, &out, &err), 0);
    assert_int_equal(out.v.s.n, 3);
    assert_int_equal(sql_value_cast(SQL_OID_TEXT, SQL_OID_VARCHAR, 3 + 4, &in, mcx, &out, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_STRING_DATA_RIGHT_TRUNCATION);
    /* bpchar: trailing spaces ignored by cmp/hash, stripped on cast to text */
    sql_value_t a = {.v.s = {"ab   ", 5}}, b = {.v.s = {"ab", 2}};
    assert_int_equal(sql_value_cmp(SQL_OID_BPCHAR, &a, &b), 0);
    assert_true(sql_value_hash(SQL_OID_BPCHAR, &a) == sql_value_hash(SQL_OID_BPCHAR, &b));
    assert_int_equal(sql_value_cast(SQL_OID_BPCHAR, SQL_OID_TEXT, -1, &a, mcx, &out, &err), 0);
    assert_int_equal(out.v.s.n, 2);
    uint32_t oid;
    int32_t tm;
    int32_t m10 = 10;
    assert_int_equal(sql_type_lookup("varchar", &m10, 1, &oid, &tm, NULL), 0);
    assert_string_equal(sql_type_format(oid, tm, mcx), "character varying(10)");
    int32_t m1 = 1;
    assert_int_equal(sql_type_lookup("bpchar", &m1, 1, &oid, &tm, NULL), 0);
    assert_string_equal(sql_type_format(oid, tm, mcx), "character(1)");
    /* the name "char" reaches the lookup only quoted ("char"): PostgreSQL's one-byte type
     * (an unquoted char(n) arrives from the parser as pg_catalog.bpchar) */
    assert_int_equal(sql_type_lookup("char", NULL, 0, &oid, &tm, NULL), 0);
    assert_int_equal(oid, SQL_OID_CHAR);
    assert_string_equal(sql_type_format(oid, tm, mcx), "\"char\"");
    assert_int_equal(sql_type_lookup("nosuch", NULL, 0, &oid, &tm, &err), -1);
    assert_string_equal(err.message, "type \"nosuch\" does not exist");
}

static void test_bytea_and_uuid_formats(void **state) {
    (void)state;
    assert_io(SQL_OID_BYTEA, -1, "\\x01ff", "\\x01ff");
    assert_io(SQL_OID_BYTEA, -1, "a\\\\b\\001", "\\x615c6201");
    assert_in_err(SQL_OID_BYTEA, -1, "\\xg", ORB_SQLSTATE_INVALID_PARAMETER_VALUE,
                  "invalid hexadecimal digit: \"g\"");
    assert_in_err(SQL_OID_BYTEA, -1, "\\x0", ORB_SQLSTATE_INVALID_PARAMETER_VALUE,
                  "invalid hexadecimal data: odd number of digits");
    assert_in_err(SQL_OID_BYTEA, -1, "a\\9", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type bytea");
    assert_io(SQL_OID_UUID, -1, "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}",
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert_io(SQL_OID_UUID, -1, "a0eebc999c0b4ef8bb6d6bb9bd380a11",
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert_in_err(SQL_OID_UUID, -1, "x", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type uuid: \"x\"");
}

static void test_dates_and_timestamps_parse_and_format(void **state) {
    (void)state;
    assert_io(SQL_OID_DATE, -1, "2024-01-05", "2024-01-05");
    assert_io(SQL_OID_DATE, -1, "20240105", "2024-01-05");
    assert_io(SQL_OID_DATE, -1, "Jan 5 2024", "2024-01-05");
    assert_io(SQL_OID_DATE, -1, "01/02/2024", "2024-01-02");
    assert_io(SQL_OID_DATE, -1, "0001-01-01 BC", "0001-01-01 BC");
    assert_io(SQL_OID_DATE, -1, "epoch", "1970-01-01");
    assert_io(SQL_OID_DATE, -1, "infinity", "infinity");
    assert_in_err(SQL_OID_DATE, -1, "x", ORB_SQLSTATE_INVALID_DATETIME_FORMAT,
                  "invalid input syntax for type date: \"x\"");
    assert_in_err(SQL_OID_DATE, -1, "2024-13-01", ORB_SQLSTATE_DATETIME_FIELD_OVERFLOW,
                  "date/time field value out of range: \"2024-13-01\"");
    assert_in_err(SQL_OID_DATE, -1, "2024-02-30", ORB_SQLSTATE_DATETIME_FIELD_OVERFLOW,
                  "date/time field value out of range: \"2024-02-30\"");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05 10:11:12.500", "2024-01-05 10:11:12.5");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05T10:11:12", "2024-01-05 10:11:12");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05", "2024-01-05 00:00:00");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05 10:11:12.1234567", "2024-01-05 10:11:12.123457");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05 24:00:00", "2024-01-06 00:00:00");
    assert_io(SQL_OID_TIMESTAMP, -1, "2024-01-05 10:11:12-08", "2024-01-05 10:11:12");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "2024-01-05T10:11:12+02", "2024-01-05 08:11:12+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "2024-01-05 10:11:12+05:30", "2024-01-05 04:41:12+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "2024-01-05 10:11:12+0530", "2024-01-05 04:41:12+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "2024-01-05 10:11:12 UTC", "2024-01-05 10:11:12+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "2024-01-05 10:11:12Z", "2024-01-05 10:11:12+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "epoch", "1970-01-01 00:00:00+00");
    assert_io(SQL_OID_TIMESTAMPTZ, -1, "0001-12-31 00:00:00+00 BC", "0001-12-31 00:00:00+00 BC");
    assert_in_err(SQL_OID_TIMESTAMPTZ, -1, "x", ORB_SQLSTATE_INVALID_DATETIME_FORMAT,
                  "invalid input syntax for type timestamp with time zone: \"x\"");
}

static void test_jsonb_normalises_and_json_keeps_text(void **state) {
    (void)state;
    assert_io(SQL_OID_JSONB, -1,
              "{\"b\":1, \"a\" : [1,2e3,{\"x\":null}], \"b\":\"\\u0041\\n\", \"aa\":1.50}",
              "{\"a\": [1, 2000, {\"x\": null}], \"b\": \"A\\n\", \"aa\": 1.50}");
    assert_io(SQL_OID_JSON, -1, "{\"b\":1,  \"a\":2}", "{\"b\":1,  \"a\":2}");
    assert_io(SQL_OID_JSONB, -1, " [] ", "[]");
    assert_io(SQL_OID_JSONB, -1, "{}", "{}");
    assert_io(SQL_OID_JSONB, -1, "\"x\"", "\"x\"");
    assert_in_err(SQL_OID_JSON, -1, "{", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type json");
    orb_err_t err;
    sql_value_t v;
    assert_int_equal(sql_value_in(SQL_OID_JSONB, -1, "[1,]", 4, mcx, &v, &err), -1);
    assert_string_equal(err.detail, "Expected JSON value, but found \"]\".");
    assert_int_equal(sql_value_in(SQL_OID_JSON, -1, "{", 1, mcx, &v, &err), -1);
    assert_string_equal(err.detail, "The input string ended unexpectedly.");
    assert_int_equal(sql_value_in(SQL_OID_JSON, -1, "[tru]", 5, mcx, &v, &err), -1);
    assert_string_equal(err.detail, "Token \"tru\" is invalid.");
}

static const char *cast_out(uint32_t from, const char *in, uint32_t to, int32_t tm, sql_cast_ctx_t c) {
    sql_value_t v, o;
    orb_err_t err;
    if (sql_value_in(from, -1, in, strlen(in), mcx, &v, &err)) return orb_strdup(mcx, err.message);
    if (sql_value_cast_ctx(from, to, tm, c, &v, mcx, &o, &err)) return orb_strdup(mcx, err.message);
    orb_buf_t b;
    orb_buf_init(&b);
    sql_value_out(to, tm, &o, &b, &err);
    const char *s = orb_strdup(mcx, b.data);
    orb_buf_free(&b);
    return s;
}

static void test_casts_follow_pg_cast(void **state) {
    (void)state;
    assert_true(sql_cast_allowed(SQL_OID_INT4, SQL_OID_INT8, SQL_CAST_IMPLICIT));
    assert_false(sql_cast_allowed(SQL_OID_INT8, SQL_OID_INT4, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_INT8, SQL_OID_INT4, SQL_CAST_ASSIGNMENT));
    assert_true(sql_cast_allowed(SQL_OID_NUMERIC, SQL_OID_INT4, SQL_CAST_ASSIGNMENT));
    assert_false(sql_cast_allowed(SQL_OID_FLOAT8, SQL_OID_NUMERIC, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_INT4, SQL_OID_NUMERIC, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_INT4, SQL_OID_FLOAT8, SQL_CAST_IMPLICIT));
    assert_false(sql_cast_allowed(SQL_OID_TEXT, SQL_OID_INT4, SQL_CAST_ASSIGNMENT));
    assert_true(sql_cast_allowed(SQL_OID_TEXT, SQL_OID_INT4, SQL_CAST_EXPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_VARCHAR, SQL_OID_TEXT, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_TEXT, SQL_OID_VARCHAR, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_UNKNOWN, SQL_OID_DATE, SQL_CAST_IMPLICIT));
    assert_false(sql_cast_allowed(SQL_OID_INT4, SQL_OID_TEXT, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_INT4, SQL_OID_TEXT, SQL_CAST_ASSIGNMENT));
    assert_false(sql_cast_allowed(SQL_OID_INT4, SQL_OID_BOOL, SQL_CAST_ASSIGNMENT));
    assert_true(sql_cast_allowed(SQL_OID_INT4, SQL_OID_BOOL, SQL_CAST_EXPLICIT));

    assert_string_equal(cast_out(SQL_OID_FLOAT8, "2.5", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "2");
    assert_string_equal(cast_out(SQL_OID_FLOAT8, "3.5", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "4");
    assert_string_equal(cast_out(SQL_OID_NUMERIC, "2.5", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "3");
    assert_string_equal(cast_out(SQL_OID_NUMERIC, "-2.5", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "-3");
    assert_string_equal(cast_out(SQL_OID_INT8, "3000000000", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT),
                        "integer out of range");
    assert_string_equal(cast_out(SQL_OID_FLOAT8, "0.1", SQL_OID_NUMERIC, -1, SQL_CAST_EXPLICIT), "0.1");
    assert_string_equal(cast_out(SQL_OID_FLOAT8, "0.3333333333333333", SQL_OID_NUMERIC, -1,
                                 SQL_CAST_EXPLICIT), "0.333333333333333");
    assert_string_equal(cast_out(SQL_OID_FLOAT8, "1e20", SQL_OID_NUMERIC, -1, SQL_CAST_EXPLICIT),
                        "100000000000000000000");
    assert_string_equal(cast_out(SQL_OID_BOOL, "t", SQL_OID_TEXT, -1, SQL_CAST_EXPLICIT), "true");
    assert_string_equal(cast_out(SQL_OID_BOOL, "t", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "1");
    assert_string_equal(cast_out(SQL_OID_TEXT, "12", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT), "12");
    assert_string_equal(cast_out(SQL_OID_TEXT, "x", SQL_OID_INT4, -1, SQL_CAST_EXPLICIT),
                        "invalid input syntax for type integer: \"x\"");
    assert_string_equal(cast_out(SQL_OID_DATE, "2024-01-05", SQL_OID_TIMESTAMPTZ, -1, SQL_CAST_IMPLICIT),
                        "2024-01-05 00:00:00+00");
    assert_string_equal(cast_out(SQL_OID_TIMESTAMP, "2024-01-05 23:59:59", SQL_OID_DATE, -1,
                                 SQL_CAST_ASSIGNMENT), "2024-01-05");
    assert_string_equal(cast_out(SQL_OID_NUMERIC, "1.005", SQL_OID_NUMERIC, 4 + ((5 << 16) | 2),
                                 SQL_CAST_ASSIGNMENT), "1.01");
    assert_string_equal(cast_out(SQL_OID_JSON, "{\"b\":1,\"a\":2}", SQL_OID_JSONB, -1,
                                 SQL_CAST_ASSIGNMENT), "{\"a\": 2, \"b\": 1}");
    assert_string_equal(cast_out(SQL_OID_INT4, "42", SQL_OID_FLOAT4, -1, SQL_CAST_IMPLICIT), "42");
    assert_string_equal(cast_out(SQL_OID_FLOAT8, "1e300", SQL_OID_FLOAT4, -1, SQL_CAST_ASSIGNMENT),
                        "value out of range: overflow");
}

static void test_cmp_and_hash_agree(void **state) {
    (void)state;
    sql_value_t a = {.v.f = 0.0}, b = {.v.f = -0.0}, n = {.v.f = NAN}, big = {.v.f = 1e300};
    assert_int_equal(sql_value_cmp(SQL_OID_FLOAT8, &a, &b), 0);
    assert_true(sql_value_hash(SQL_OID_FLOAT8, &a) == sql_value_hash(SQL_OID_FLOAT8, &b));
    assert_int_equal(sql_value_cmp(SQL_OID_FLOAT8, &n, &big), 1);
    assert_int_equal(sql_value_cmp(SQL_OID_FLOAT8, &n, &n), 0);
    sql_value_t x = {.v.s = {"1.50", 4}}, y = {.v.s = {"1.5", 3}};
    assert_int_equal(sql_value_cmp(SQL_OID_NUMERIC, &x, &y), 0);
    assert_true(sql_value_hash(SQL_OID_NUMERIC, &x) == sql_value_hash(SQL_OID_NUMERIC, &y));
    sql_value_t s1 = {.v.s = {"abc", 3}}, s2 = {.v.s = {"abd", 3}}, s3 = {.v.s = {"ab", 2}};
    assert_true(sql_value_cmp(SQL_OID_TEXT, &s1, &s2) < 0);
    assert_true(sql_value_cmp(SQL_OID_TEXT, &s3, &s1) < 0);
    sql_value_t i1 = {.v.i = -5}, i2 = {.v.i = 3};
    assert_true(sql_value_cmp(SQL_OID_INT8, &i1, &i2) < 0);
    sql_value_t t = {.v.b = true}, f = {.v.b = false};
    assert_true(sql_value_cmp(SQL_OID_BOOL, &f, &t) < 0);
}

static void test_binary_send_recv_round_trip(void **state) {
    (void)state;
    struct { uint32_t oid; const char *text; } cases[] = {
        {SQL_OID_INT4, "-123"}, {SQL_OID_INT2, "7"}, {SQL_OID_INT8, "-9000000000"},
        {SQL_OID_FLOAT8, "1.5"}, {SQL_OID_FLOAT4, "0.1"}, {SQL_OID_BOOL, "t"},
        {SQL_OID_TEXT, "héllo"}, {SQL_OID_NUMERIC, "-12345.678900"}, {SQL_OID_NUMERIC, "0.0001"},
        {SQL_OID_NUMERIC, "100000000"}, {SQL_OID_NUMERIC, "0"}, {SQL_OID_NUMERIC, "NaN"},
        {SQL_OID_NUMERIC, "0.00"}, {SQL_OID_DATE, "2024-01-05"},
        {SQL_OID_TIMESTAMPTZ, "2024-01-05 10:11:12.5+00"},
        {SQL_OID_UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, {SQL_OID_BYTEA, "\\x00ff"},
        {SQL_OID_JSONB, "{\"a\": 1}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sql_value_t v, w;
        orb_err_t err;
        assert_int_equal(sql_value_in(cases[i].oid, -1, cases[i].text, strlen(cases[i].text), mcx, &v, &err), 0);
        orb_buf_t b, t;
        orb_buf_init(&b);
        orb_buf_init(&t);
        assert_int_equal(sql_value_send(cases[i].oid, &v, &b, &err), 0);
        assert_int_equal(sql_value_recv(cases[i].oid, -1, b.data, b.len, mcx, &w, &err), 0);
        sql_value_out(cases[i].oid, -1, &w, &t, &err);
        assert_string_equal(t.data, io(cases[i].oid, -1, cases[i].text));
        orb_buf_free(&b);
        orb_buf_free(&t);
    }
    /* numeric 1.5 in PostgreSQL's binary layout: ndigits 2, weight 0, sign 0, dscale 1, 1, 5000 */
    orb_buf_t b;
    orb_buf_init(&b);
    sql_value_t v = {.v.s = {"1.5", 3}};
    sql_value_send(SQL_OID_NUMERIC, &v, &b, NULL);
    const unsigned char want[] = {0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    orb_buf_free(&b);
    orb_err_t err;
    sql_value_t w;
    assert_int_equal(sql_value_recv(SQL_OID_INT4, -1, "ab", 2, mcx, &w, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_BINARY_REPRESENTATION);
}

static void test_datum_round_trip(void **state) {
    (void)state;
    Orbit__Datum d;
    sql_value_t v = {.v.s = {"12.50", 5}}, w;
    sql_value_to_datum(SQL_OID_NUMERIC, &v, &d);
    assert_int_equal(d.v_case, ORBIT__DATUM__V_NUMERIC);
    assert_int_equal(sql_value_from_datum(SQL_OID_NUMERIC, &d, mcx, &w, NULL), 0);
    assert_string_equal(w.v.s.p, "12.50");
    sql_value_t nul = {.isnull = true};
    sql_value_to_datum(SQL_OID_INT4, &nul, &d);
    assert_int_equal(sql_value_from_datum(SQL_OID_INT4, &d, mcx, &w, NULL), 0);
    assert_true(w.isnull);
    sql_value_t i = {.v.i = 42};
    sql_value_to_datum(SQL_OID_DATE, &i, &d);
    assert_int_equal(d.v_case, ORBIT__DATUM__V_I);
    assert_int_equal(sql_type_get(SQL_OID_UUID)->kind, ORBIT__DATUM__V_BIN);
}

static void test_interval_input_output_postgres_style(void **state) {
    (void)state;
#define IV SQL_OID_INTERVAL
    assert_io(IV, -1, "1 day", "1 day");
    assert_io(IV, -1, "2 hours 30 minutes", "02:30:00");
    assert_io(IV, -1, "1 year 2 mons", "1 year 2 mons");
    assert_io(IV, -1, "01:02:03", "01:02:03");
    assert_io(IV, -1, "-1 day", "-1 days");
    assert_io(IV, -1, "@ 1 hour ago", "-01:00:00");
    assert_io(IV, -1, "0", "00:00:00");
    assert_io(IV, -1, "-1 sec", "-00:00:01");
    assert_io(IV, -1, "1.5 months", "1 mon 15 days");
    assert_io(IV, -1, "-1 day +2 hours", "-1 days +02:00:00");
    assert_io(IV, -1, "P1Y2M3DT4H5M6.5S", "1 year 2 mons 3 days 04:05:06.5");
    assert_in_err(IV, -1, "xyz", ORB_SQLSTATE_INVALID_DATETIME_FORMAT,
                  "invalid input syntax for type interval: \"xyz\"");
    assert_in_err(IV, -1, "1 day 1 day", ORB_SQLSTATE_INVALID_DATETIME_FORMAT,
                  "invalid input syntax for type interval: \"1 day 1 day\"");
    assert_in_err(IV, -1, "2147483648 days", ORB_SQLSTATE_INTERVAL_FIELD_OVERFLOW,
                  "interval field value out of range: \"2147483648 days\"");
}

static void test_interval_compares_by_total_span_and_round_trips(void **state) {
    (void)state;
    orb_err_t err;
    sql_value_t a, b, c;
    assert_int_equal(sql_value_in(IV, -1, "1 mon", 5, mcx, &a, &err), 0);
    assert_int_equal(sql_value_in(IV, -1, "30 days", 7, mcx, &b, &err), 0);
    assert_int_equal(sql_value_in(IV, -1, "721 hours", 9, mcx, &c, &err), 0);
    assert_int_equal(sql_value_cmp(IV, &a, &b), 0);
    assert_true(sql_value_hash(IV, &a) == sql_value_hash(IV, &b));
    assert_true(sql_value_cmp(IV, &c, &a) > 0);
    /* binary: PostgreSQL's (time int64, day int32, month int32) big-endian */
    orb_buf_t buf;
    orb_buf_init(&buf);
    assert_int_equal(sql_value_send(IV, &c, &buf, &err), 0);
    assert_int_equal(buf.len, 16);
    sql_value_t w;
    assert_int_equal(sql_value_recv(IV, -1, buf.data, buf.len, mcx, &w, &err), 0);
    assert_int_equal(sql_value_cmp(IV, &c, &w), 0);
    orb_buf_free(&buf);
    Orbit__Datum d;
    sql_value_to_datum(IV, &a, &d);
    assert_int_equal(d.v_case, ORBIT__DATUM__V_BIN);
    assert_int_equal(sql_value_from_datum(IV, &d, mcx, &w, &err), 0);
    sql_interval_t iv;
    sql_interval_get(&w, &iv);
    assert_int_equal(iv.month, 1);
    assert_int_equal(iv.day, 0);
    assert_true(sql_cast_allowed(SQL_OID_TEXT, IV, SQL_CAST_EXPLICIT));
    assert_true(sql_cast_allowed(IV, SQL_OID_TEXT, SQL_CAST_ASSIGNMENT));
#undef IV
}

static void test_anyjson_cast_renders_values_as_json(void **state) {
    (void)state;
    orb_err_t err;
    sql_value_t v = {.v.i = 42}, o;
    assert_int_equal(sql_value_cast_ctx(SQL_OID_INT4, SQL_OID_ANYJSON, -1, SQL_CAST_IMPLICIT, &v, mcx, &o, &err), 0);
    assert_string_equal(o.v.s.p, "42");
    sql_value_t t = {.v.s = {"a\"b", 3}};
    assert_int_equal(sql_value_cast_ctx(SQL_OID_TEXT, SQL_OID_ANYJSON, -1, SQL_CAST_IMPLICIT, &t, mcx, &o, &err), 0);
    assert_string_equal(o.v.s.p, "\"a\\\"b\"");
    sql_value_t b = {.v.b = true};
    assert_int_equal(sql_value_cast_ctx(SQL_OID_BOOL, SQL_OID_ANYJSON, -1, SQL_CAST_IMPLICIT, &b, mcx, &o, &err), 0);
    assert_string_equal(o.v.s.p, "true");
    assert_int_equal(sql_value_in(SQL_OID_ANYJSON, -1, "x", 1, mcx, &o, &err), 0);
    assert_string_equal(o.v.s.p, "\"x\"");
}


/* ---- arrays ------------------------------------------------------------------------------ */
static void test_arrays_text_io_quotes_like_postgres(void **state) {
    (void)state;
    assert_io(SQL_OID_INT4_ARRAY, -1, " { 1 , 2 ,NULL} ", "{1,2,NULL}");
    assert_io(SQL_OID_INT4_ARRAY, -1, "{}", "{}");
    assert_io(SQL_OID_TEXT_ARRAY, -1, "{\"a b\",\"c,d\",NULL,\"NULL\",\"\",\"x\\\"y\"}",
              "{\"a b\",\"c,d\",NULL,\"NULL\",\"\",\"x\\\"y\"}");
    assert_io(SQL_OID_TEXT_ARRAY, -1, "{a,  b c  ,d}", "{a,\"b c\",d}");
    assert_io(SQL_OID_BYTEA_ARRAY, -1, "{\"\\\\x01\"}", "{\"\\\\x01\"}");
    assert_io(SQL_OID_NUMERIC_ARRAY, -1, "{1.50,-2}", "{1.50,-2}");
    assert_io(SQL_OID_BOOL_ARRAY, -1, "{t,no}", "{t,f}");
    assert_io(SQL_OID_VARCHAR_ARRAY, 3 + 4, "{ab,c}", "{ab,c}");
}

static void test_arrays_reject_malformed_and_multidimensional_input(void **state) {
    (void)state;
    assert_in_err(SQL_OID_INT4_ARRAY, -1, "{1,2", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "malformed array literal: \"{1,2\"");
    assert_in_err(SQL_OID_INT4_ARRAY, -1, "x", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "malformed array literal: \"x\"");
    assert_in_err(SQL_OID_INT4_ARRAY, -1, "{1,,2}", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "malformed array literal: \"{1,,2}\"");
    assert_in_err(SQL_OID_INT4_ARRAY, -1, "{{1},{2}}", ORB_SQLSTATE_FEATURE_NOT_SUPPORTED,
                  "multidimensional arrays are not supported yet");
    assert_in_err(SQL_OID_INT4_ARRAY, -1, "{1,a}", ORB_SQLSTATE_INVALID_TEXT_REPRESENTATION,
                  "invalid input syntax for type integer: \"a\"");
    sql_value_t v;
    orb_err_t err;
    assert_int_equal(sql_value_in(SQL_OID_INT4_ARRAY, -1, "x", 1, mcx, &v, &err), -1);
    assert_string_equal(err.detail, "Array value must start with \"{\" or dimension information.");
}

static void test_arrays_build_get_and_map_types(void **state) {
    (void)state;
    assert_int_equal(sql_array_type_of(SQL_OID_INT4), SQL_OID_INT4_ARRAY);
    assert_int_equal(sql_array_elem_of(SQL_OID_JSONB_ARRAY), SQL_OID_JSONB);
    assert_int_equal(sql_array_type_of(SQL_OID_JSON), 0);
    assert_int_equal(sql_array_elem_of(SQL_OID_INT4), 0);
    sql_value_t es[3], arr, e;
    orb_err_t err;
    es[0].isnull = false;
    es[0].v.s.p = "x";
    es[0].v.s.n = 1;
    es[1].isnull = true;
    es[2].isnull = false;
    es[2].v.s.p = "hello";
    es[2].v.s.n = 5;
    assert_int_equal(sql_array_build(SQL_OID_TEXT, es, 3, mcx, &arr, &err), 0);
    assert_int_equal(sql_array_len(&arr), 3);
    assert_int_equal(sql_array_elem_type(&arr), SQL_OID_TEXT);
    assert_int_equal(sql_array_get(SQL_OID_TEXT, &arr, 2, mcx, &e), 0);
    assert_false(e.isnull);
    assert_string_equal(e.v.s.p, "hello");
    assert_int_equal(sql_array_get(0, &arr, 1, mcx, &e), 0);
    assert_true(e.isnull);
    assert_int_equal(sql_array_get(0, &arr, 3, mcx, &e), -1);
    assert_true(e.isnull);
    sql_array_acc_t acc;
    sql_array_acc_init(&acc, SQL_OID_INT8);
    for (int i = 0; i < 10; i++) {
        sql_value_t x = {.isnull = i == 4, .v.i = i};
        sql_array_acc_add(&acc, &x);
    }
    assert_int_equal(sql_array_acc_finish(&acc, mcx, &arr), 0);
    sql_array_acc_free(&acc);
    orb_buf_t b;
    orb_buf_init(&b);
    assert_int_equal(sql_value_out(SQL_OID_INT8_ARRAY, -1, &arr, &b, &err), 0);
    assert_string_equal(b.data, "{0,1,2,3,NULL,5,6,7,8,9}");
    orb_buf_free(&b);
}

static void test_arrays_cast_compare_send_and_store(void **state) {
    (void)state;
    sql_value_t a, b, c, r;
    orb_err_t err;
    assert_int_equal(sql_value_in(SQL_OID_INT4_ARRAY, -1, "{1,2,NULL}", 10, mcx, &a, &err), 0);
    assert_true(sql_cast_allowed(SQL_OID_INT4_ARRAY, SQL_OID_INT8_ARRAY, SQL_CAST_IMPLICIT));
    assert_false(sql_cast_allowed(SQL_OID_INT8_ARRAY, SQL_OID_INT4_ARRAY, SQL_CAST_IMPLICIT));
    assert_true(sql_cast_allowed(SQL_OID_TEXT, SQL_OID_INT4_ARRAY, SQL_CAST_EXPLICIT));
    assert_int_equal(sql_value_cast(SQL_OID_INT4_ARRAY, SQL_OID_INT8_ARRAY, -1, &a, mcx, &b, &err), 0);
    assert_int_equal(sql_array_elem_type(&b), SQL_OID_INT8);
    assert_int_equal(sql_value_cast(SQL_OID_INT4_ARRAY, SQL_OID_TEXT, -1, &a, mcx, &c, &err), 0);
    assert_string_equal(c.v.s.p, "{1,2,NULL}");
    /* btree order: element-wise, NULL greatest, then length */
    assert_int_equal(sql_value_in(SQL_OID_INT4_ARRAY, -1, "{1,2}", 5, mcx, &b, &err), 0);
    assert_int_equal(sql_value_cmp(SQL_OID_INT4_ARRAY, &b, &a), -1);
    assert_int_equal(sql_value_in(SQL_OID_INT4_ARRAY, -1, "{1,3}", 5, mcx, &c, &err), 0);
    assert_int_equal(sql_value_cmp(SQL_OID_INT4_ARRAY, &c, &a), 1);
    assert_int_equal(sql_value_in(SQL_OID_INT4_ARRAY, -1, "{ 1, 2 }", 8, mcx, &c, &err), 0);
    assert_int_equal(sql_value_cmp(SQL_OID_INT4_ARRAY, &b, &c), 0);
    assert_true(sql_value_hash(SQL_OID_INT4_ARRAY, &b) == sql_value_hash(SQL_OID_INT4_ARRAY, &c));
    /* binary: PostgreSQL's array_send layout */
    orb_buf_t buf;
    orb_buf_init(&buf);
    assert_int_equal(sql_value_send(SQL_OID_INT4_ARRAY, &a, &buf, &err), 0);
    assert_int_equal(buf.len, 20 + 8 + 8 + 4);
    assert_int_equal(orb_get_be32(buf.data), 1);
    assert_int_equal(orb_get_be32(buf.data + 4), 1);
    assert_int_equal(orb_get_be32(buf.data + 8), SQL_OID_INT4);
    assert_int_equal(orb_get_be32(buf.data + 12), 3);
    assert_int_equal(sql_value_recv(SQL_OID_INT4_ARRAY, -1, buf.data, buf.len, mcx, &r, &err), 0);
    assert_int_equal(sql_value_cmp(SQL_OID_INT4_ARRAY, &a, &r), 0);
    orb_buf_free(&buf);
    /* storage */
    Orbit__Datum d;
    sql_value_to_datum(SQL_OID_INT4_ARRAY, &a, &d);
    assert_int_equal(d.v_case, ORBIT__DATUM__V_BIN);
    assert_int_equal(sql_value_from_datum(SQL_OID_INT4_ARRAY, &d, mcx, &r, &err), 0);
    assert_int_equal(sql_value_cmp(SQL_OID_INT4_ARRAY, &a, &r), 0);
}

int run_types_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_integers_round_trip_and_reject_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_floats_print_shortest_round_trip_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_input_keeps_scale_and_applies_typmod, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_arithmetic_uses_postgres_scales, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bool_accepts_postgres_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_varchar_and_char_typmods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytea_and_uuid_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates_and_timestamps_parse_and_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonb_normalises_and_json_keeps_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_casts_follow_pg_cast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cmp_and_hash_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_send_recv_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datum_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_input_output_postgres_style, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_compares_by_total_span_and_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anyjson_cast_renders_values_as_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_text_io_quotes_like_postgres, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_reject_malformed_and_multidimensional_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_build_get_and_map_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_cast_compare_send_and_store, setup, teardown),
    };
    return cmocka_run_group_tests_name("sql_types", tests, NULL, NULL);
}
