/* tests/unit/sql/test_builtin.c — operator and function resolution (exact, unknown
 * literals, implicit promotion, 42883 errors), the behaviour of built-in operators and
 * functions, and aggregates (result types, NULL handling, avg scale). */
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

static const char *out_text(uint32_t oid, const sql_value_t *v) {
    if (v->isnull) return "<null>";
    orb_buf_t b;
    orb_buf_init(&b);
    sql_value_out(oid, -1, v, &b, NULL);
    const char *s = orb_strdup(mcx, b.data);
    orb_buf_free(&b);
    return s;
}

/* Parses args (text, NULL for SQL NULL) as types, casts to the resolved types, calls. */
static const char *invoke(const sql_builtin_t *b, int n, const uint32_t *types,
                          const uint32_t *casts, const char *const *args) {
    sql_value_t vals[8];
    orb_err_t err;
    for (int i = 0; i < n; i++) {
        if (!args[i]) { vals[i].isnull = true; continue; }
        sql_value_t v;
        if (sql_value_in(types[i], -1, args[i], strlen(args[i]), mcx, &v, &err)) return orb_strdup(mcx, err.message);
        if (sql_value_cast_ctx(types[i], casts[i], -1, SQL_CAST_EXPLICIT, &v, mcx, &vals[i], &err))
            return orb_strdup(mcx, err.message);
    }
    if (b->strict)
        for (int i = 0; i < n; i++)
            if (vals[i].isnull) return "<null>";
    sql_fn_ctx_t ctx = {.mcx = mcx, .txn_start_us = 0, .stmt_start_us = 0};
    sql_value_t r;
    memset(&r, 0, sizeof r);
    if (b->fn(&ctx, vals, n, &r, &err)) return orb_strdup(mcx, err.message);
    uint32_t rt = b->rettype ? b->rettype : casts[0];
    return out_text(rt, &r);
}

static const char *op(const char *name, uint32_t lt, const char *l, uint32_t rt, const char *r) {
    const sql_builtin_t *b;
    uint32_t casts[2];
    orb_err_t err;
    if (sql_oper_resolve(name, lt, rt, &b, &casts[0], &casts[1], &err)) return orb_strdup(mcx, err.message);
    if (lt == 0) {
        uint32_t t[1] = {rt};
        const char *a[1] = {r};
        return invoke(b, 1, t, &casts[1], a);
    }
    uint32_t t[2] = {lt, rt};
    const char *a[2] = {l, r};
    return invoke(b, 2, t, casts, a);
}

static const char *fn(const char *name, int n, const uint32_t *types, const char *const *args) {
    const sql_builtin_t *b;
    uint32_t casts[8];
    orb_err_t err;
    if (sql_func_resolve(name, n, types, &b, casts, &err)) return orb_strdup(mcx, err.message);
    return invoke(b, n, types, casts, args);
}
#define FN1(name, t, a) fn(name, 1, (uint32_t[]){t}, (const char *[]){a})
#define FN2(name, t1, a1, t2, a2) fn(name, 2, (uint32_t[]){t1, t2}, (const char *[]){a1, a2})
#define FN3(name, t1, a1, t2, a2, t3, a3)                                                      \
    fn(name, 3, (uint32_t[]){t1, t2, t3}, (const char *[]){a1, a2, a3})

#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define I2 SQL_OID_INT2
#define F8 SQL_OID_FLOAT8
#define NU SQL_OID_NUMERIC
#define TX SQL_OID_TEXT
#define UN SQL_OID_UNKNOWN

static void test_operator_resolution(void **state) {
    (void)state;
    const sql_builtin_t *b;
    uint32_t lc, rc;
    orb_err_t err;
    assert_int_equal(sql_oper_resolve("+", I4, I8, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, I8);
    assert_int_equal(rc, I8);
    assert_int_equal(b->rettype, I8);
    assert_int_equal(sql_oper_resolve("+", I4, UN, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, I4);
    assert_int_equal(rc, I4);
    assert_int_equal(sql_oper_resolve("+", I4, NU, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, NU);
    assert_int_equal(sql_oper_resolve("=", SQL_OID_VARCHAR, TX, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, TX);
    assert_int_equal(sql_oper_resolve("=", SQL_OID_DATE, SQL_OID_TIMESTAMPTZ, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, SQL_OID_TIMESTAMPTZ);
    assert_int_equal(sql_oper_resolve("||", UN, UN, &b, &lc, &rc, &err), 0);
    assert_int_equal(lc, TX);
    assert_int_equal(sql_oper_resolve("+", I4, TX, &b, &lc, &rc, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_UNDEFINED_FUNCTION);
    assert_string_equal(err.message, "operator does not exist: integer + text");
    assert_string_equal(err.hint, "No operator matches the given name and argument types. You "
                                  "might need to add explicit type casts.");
    assert_int_equal(sql_oper_resolve("-", 0, TX, &b, &lc, &rc, &err), -1);
    assert_string_equal(err.message, "operator does not exist: - text");
}

static void test_integer_arithmetic_and_errors(void **state) {
    (void)state;
    assert_string_equal(op("+", I4, "2147483647", I4, "1"), "integer out of range");
    assert_string_equal(op("+", I2, "32767", I2, "1"), "smallint out of range");
    assert_string_equal(op("*", I8, "9223372036854775807", I8, "2"), "bigint out of range");
    assert_string_equal(op("/", I4, "7", I4, "-2"), "-3");
    assert_string_equal(op("%", I4, "-7", I4, "2"), "-1");
    assert_string_equal(op("/", I4, "1", I4, "0"), "division by zero");
    assert_string_equal(op("+", I4, "1", UN, "2"), "3");
    assert_string_equal(op("+", I4, "1", UN, "x"), "invalid input syntax for type integer: \"x\"");
    assert_string_equal(op("-", 0, NULL, I4, "5"), "-5");
    assert_string_equal(op("+", I4, "1", I8, "2"), "3");
    assert_string_equal(op("<", I4, "1", I8, "2"), "t");
}

static void test_float_and_numeric_operators(void **state) {
    (void)state;
    assert_string_equal(op("*", F8, "1e308", F8, "10"), "value out of range: overflow");
    assert_string_equal(op("/", F8, "1", F8, "0"), "division by zero");
    assert_string_equal(op("^", F8, "2", F8, "10"), "1024");
    assert_string_equal(op("/", NU, "1", NU, "3"), "0.33333333333333333333");
    assert_string_equal(op("/", I4, "1", NU, "3"), "0.33333333333333333333");
    assert_string_equal(op("+", NU, "1.5", I4, "1"), "2.5");
    assert_string_equal(op("/", NU, "1.0", NU, "0"), "division by zero");
    assert_string_equal(op("=", NU, "1.50", NU, "1.5"), "t");
    assert_string_equal(op("*", F8, "1.5", I4, "2"), "3");
}

static void test_text_operators(void **state) {
    (void)state;
    assert_string_equal(op("||", UN, "a", UN, "b"), "ab");
    assert_string_equal(op("||", UN, "a", I4, "1"), "a1");
    assert_string_equal(op("||", I4, "1", I4, "2"), "operator does not exist: integer || integer");
    assert_string_equal(op("~~", TX, "hello", UN, "h%o"), "t");
    assert_string_equal(op("~~", TX, "hello", UN, "h_llo"), "t");
    assert_string_equal(op("~~", TX, "hello", UN, "H%"), "f");
    assert_string_equal(op("~~*", TX, "hello", UN, "H%"), "t");
    assert_string_equal(op("!~~", TX, "a%b", UN, "a\\%b"), "f");
    assert_string_equal(op("~~", TX, "axb", UN, "a\\%b"), "f");
    assert_string_equal(op("<", TX, "abc", TX, "abd"), "t");
    assert_string_equal(op("=", SQL_OID_BPCHAR, "ab  ", SQL_OID_BPCHAR, "ab"), "t");
    assert_string_equal(op("-", SQL_OID_DATE, "2024-01-05", SQL_OID_DATE, "2023-01-05"), "365");
    assert_string_equal(op("+", SQL_OID_DATE, "2024-01-05", I4, "3"), "2024-01-08");
}

static void test_string_functions(void **state) {
    (void)state;
    assert_string_equal(FN1("length", UN, "héllo"), "5");
    assert_string_equal(FN1("octet_length", TX, "héllo"), "6");
    assert_string_equal(FN1("upper", TX, "abc"), "ABC");
    assert_string_equal(FN1("lower", UN, "ABC"), "abc");
    assert_string_equal(FN2("substr", TX, "hello", I4, "2"), "ello");
    assert_string_equal(FN3("substr", TX, "hello", I4, "0", I4, "3"), "he");
    assert_string_equal(FN3("substring", TX, "hello", I4, "2", I4, "3"), "ell");
    assert_string_equal(FN2("strpos", TX, "hello", UN, "ll"), "3");
    assert_string_equal(FN1("btrim", TX, "  x  "), "x");
    assert_string_equal(FN2("ltrim", TX, "xxaxx", UN, "x"), "axx");
    assert_string_equal(FN2("rtrim", TX, "xxaxx", UN, "x"), "xxa");
    assert_string_equal(FN3("replace", TX, "abcabc", UN, "b", UN, "XY"), "aXYcaXYc");
    assert_string_equal(FN3("concat", UN, "a", I4, "1", NU, NULL), "a1");
    assert_string_equal(FN3("concat_ws", UN, ",", I4, "1", TX, "b"), "1,b");
    assert_string_equal(FN2("left", TX, "hello", I4, "2"), "he");
    assert_string_equal(FN2("left", TX, "hello", I4, "-2"), "hel");
    assert_string_equal(FN2("right", TX, "hello", I4, "2"), "lo");
    assert_string_equal(FN2("repeat", TX, "ab", I4, "3"), "ababab");
    assert_string_equal(FN1("reverse", TX, "abc"), "cba");
    assert_string_equal(FN3("split_part", TX, "a,b,c", UN, ",", I4, "2"), "b");
    assert_string_equal(FN3("split_part", TX, "a,b,c", UN, ",", I4, "-1"), "c");
    assert_string_equal(FN3("split_part", TX, "a,b,c", UN, ",", I4, "5"), "");
    assert_string_equal(FN2("starts_with", TX, "hello", UN, "he"), "t");
    assert_string_equal(FN1("md5", TX, "abc"), "900150983cd24fb0d6963f7d28e17f72");
    assert_string_equal(FN1("md5", TX, ""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(FN3("lpad", TX, "hi", I4, "5", UN, "xy"), "xyxhi");
    assert_string_equal(FN2("rpad", TX, "hi", I4, "4"), "hi  ");
    assert_string_equal(FN1("nosuch", I4, "1"), "function nosuch(integer) does not exist");
    assert_string_equal(FN2("length", I4, "1", TX, "x"), "function length(integer, text) does not exist");
}

static void test_math_functions(void **state) {
    (void)state;
    assert_string_equal(FN1("abs", I4, "-3"), "3");
    assert_string_equal(FN1("abs", NU, "-3.50"), "3.50");
    assert_string_equal(FN1("round", NU, "2.5"), "3");
    assert_string_equal(FN2("round", NU, "2.345", I4, "2"), "2.35");
    assert_string_equal(FN2("round", F8, "2.345", I4, "2"),
                        "function round(double precision, integer) does not exist");
    assert_string_equal(FN1("round", F8, "2.5"), "2");
    assert_string_equal(FN1("round", I4, "2"), "2");
    assert_string_equal(FN1("ceil", NU, "-1.5"), "-1");
    assert_string_equal(FN1("floor", NU, "-1.5"), "-2");
    assert_string_equal(FN1("trunc", NU, "-1.57"), "-1");
    assert_string_equal(FN2("trunc", NU, "1.57", I4, "1"), "1.5");
    assert_string_equal(FN2("mod", I4, "7", I4, "3"), "1");
    assert_string_equal(FN2("mod", NU, "7.5", I4, "2"), "1.5");
    assert_string_equal(FN2("power", I4, "2", I4, "3"), "8");
    assert_string_equal(FN1("sqrt", F8, "16"), "4");
    assert_string_equal(FN1("sqrt", NU, "2"), "1.414213562373095");
    assert_string_equal(FN1("sqrt", I4, "2"), "1.4142135623730951");
    assert_string_equal(FN1("sign", NU, "-2.5"), "-1");
    assert_string_equal(FN1("ln", F8, "0"), "cannot take logarithm of zero");
    const sql_builtin_t *b;
    uint32_t c[1];
    assert_int_equal(sql_func_resolve("pi", 0, NULL, &b, c, NULL), 0);
    assert_string_equal(invoke(b, 0, NULL, NULL, NULL), "3.141592653589793");
    assert_int_equal(sql_func_resolve("now", 0, NULL, &b, c, NULL), 0);
    assert_int_equal(b->rettype, SQL_OID_TIMESTAMPTZ);
    assert_true(b->volatile_);
    assert_int_equal(sql_func_resolve("gen_random_uuid", 0, NULL, &b, c, NULL), 0);
    assert_int_equal(b->rettype, SQL_OID_UUID);
    assert_string_equal(FN2("extract", TX, "second", SQL_OID_TIMESTAMP, "2024-01-05 10:11:12.5"),
                        "12.500000");
    assert_string_equal(FN2("extract", TX, "epoch", SQL_OID_TIMESTAMP, "2024-01-05 10:11:12.5"),
                        "1704449472.500000");
    assert_string_equal(FN2("extract", TX, "dow", SQL_OID_DATE, "2024-01-05"), "5");
    assert_string_equal(FN2("date_part", TX, "second", SQL_OID_TIMESTAMP, "2024-01-05 10:11:12.5"),
                        "12.5");
}

static const char *agg(const char *name, uint32_t t, int n, const char *const *vals,
                       uint32_t *rettype_out) {
    const sql_agg_t *a;
    uint32_t cast, rt;
    orb_err_t err;
    if (sql_agg_resolve(name, t ? 1 : 0, &t, &a, &cast, &rt, &err)) return orb_strdup(mcx, err.message);
    if (rettype_out) *rettype_out = rt;
    sql_agg_state_t *st = sql_agg_state_create(a, t ? cast : 0, mcx);
    for (int i = 0; i < n; i++) {
        sql_value_t v = {.isnull = true}, c;
        if (t && vals[i]) {
            if (sql_value_in(t, -1, vals[i], strlen(vals[i]), mcx, &v, &err)) return orb_strdup(mcx, err.message);
            if (sql_value_cast(t, cast, -1, &v, mcx, &c, &err)) return orb_strdup(mcx, err.message);
            v = c;
        }
        if (sql_agg_step(st, t ? &v : NULL, t ? 1 : 0, &err)) return orb_strdup(mcx, err.message);
    }
    sql_value_t r;
    if (sql_agg_final(st, &r, &err)) return orb_strdup(mcx, err.message);
    return out_text(rt, &r);
}

#define FN4(name, t1, a1, t2, a2, t3, a3, t4, a4)                                              \
    fn(name, 4, (uint32_t[]){t1, t2, t3, t4}, (const char *[]){a1, a2, a3, a4})
#define JB SQL_OID_JSONB
#define JS SQL_OID_JSON
#define TS SQL_OID_TIMESTAMP

static void test_concat_uses_output_function_for_any_arguments(void **state) {
    (void)state;
    const sql_builtin_t *b;
    uint32_t casts[3];
    orb_err_t err;
    assert_int_equal(sql_func_resolve("concat", 3, (uint32_t[]){UN, SQL_OID_BOOL, I4}, &b, casts, &err), 0);
    assert_int_equal(casts[0], TX);
    assert_int_equal(casts[1], SQL_OID_ANYTEXT);
    assert_int_equal(casts[2], SQL_OID_ANYTEXT);
    assert_int_equal(b->rettype, TX);
    assert_string_equal(FN3("concat", UN, "a", SQL_OID_BOOL, "true", I4, "2"), "at2");
    assert_string_equal(FN3("concat_ws", UN, "-", SQL_OID_BOOL, "false", NU, "1.50"), "f-1.50");
    /* text || bool stays PostgreSQL's anytextcat: the bool -> text cast */
    assert_string_equal(op("||", UN, "v", SQL_OID_BOOL, "true"), "vtrue");
    assert_true(sql_cast_allowed(SQL_OID_DATE, SQL_OID_ANYTEXT, SQL_CAST_IMPLICIT));
    assert_non_null(sql_type_get(SQL_OID_ANYTEXT));
}

static void test_numeric_to_real_overflow_reports_the_value(void **state) {
    (void)state;
    sql_value_t in = {.isnull = false}, out;
    orb_err_t err;
    const char *big = "1000000000000000000000000000000000000000";
    in.v.s.p = big;
    in.v.s.n = (uint32_t)strlen(big);
    assert_int_equal(sql_value_cast(NU, SQL_OID_FLOAT4, -1, &in, mcx, &out, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE);
    assert_string_equal(err.message,
                        "\"1000000000000000000000000000000000000000\" is out of range for type real");
    in.v.s.p = "1.5";
    in.v.s.n = 3;
    assert_int_equal(sql_value_cast(NU, SQL_OID_FLOAT4, -1, &in, mcx, &out, &err), 0);
    assert_true(out.v.f == 1.5);
}

static void test_bitwise_and_prefix_math_operators(void **state) {
    (void)state;
    assert_string_equal(op("&", I4, "7", I4, "3"), "3");
    assert_string_equal(op("|", I4, "7", I4, "8"), "15");
    assert_string_equal(op("#", I4, "5", I4, "3"), "6");
    assert_string_equal(op("~", 0, NULL, I4, "5"), "-6");
    assert_string_equal(op("<<", I4, "1", I4, "4"), "16");
    assert_string_equal(op(">>", I4, "-8", I4, "1"), "-4");
    assert_string_equal(op("<<", I8, "1", I4, "40"), "1099511627776");
    assert_string_equal(op("&", I2, "3", I2, "1"), "1");
    assert_string_equal(op("@", 0, NULL, I4, "-3"), "3");
    assert_string_equal(op("@", 0, NULL, NU, "-2.5"), "2.5");
    assert_string_equal(op("|/", 0, NULL, I4, "16"), "4");
    assert_string_equal(op("||/", 0, NULL, F8, "27"), "3.0000000000000004");
    assert_string_equal(op("^", I4, "2", I4, "10"), "1024");
}

static void test_math_errors_use_postgres_sqlstates(void **state) {
    (void)state;
    const sql_builtin_t *b;
    uint32_t c[2];
    orb_err_t err;
    sql_fn_ctx_t ctx = {.mcx = mcx};
    sql_value_t a[2] = {{.isnull = false}, {.isnull = false}}, r;
    assert_int_equal(sql_func_resolve("ln", 1, (uint32_t[]){F8}, &b, c, &err), 0);
    a[0].v.f = 0;
    assert_int_equal(b->fn(&ctx, a, 1, &r, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_ARGUMENT_FOR_LOGARITHM);
    assert_int_equal(sql_oper_resolve("^", F8, F8, &b, &c[0], &c[1], &err), 0);
    a[0].v.f = 0;
    a[1].v.f = -1;
    assert_int_equal(b->fn(&ctx, a, 2, &r, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_ARGUMENT_FOR_POWER_FUNCTION);
    assert_string_equal(op("|/", 0, NULL, F8, "-1"), "cannot take square root of a negative number");
    assert_string_equal(FN3("substr", TX, "abc", I4, "1", I4, "-1"), "negative substring length not allowed");
}

static void test_more_string_functions(void **state) {
    (void)state;
    assert_string_equal(FN2("position", TX, "hello", TX, "lo"), "4");
    assert_string_equal(FN1("initcap", TX, "hello wORLD o'neil 3rd"), "Hello World O'Neil 3rd");
    assert_string_equal(FN1("to_hex", I4, "255"), "ff");
    assert_string_equal(FN1("to_hex", I4, "-1"), "ffffffff");
    assert_string_equal(FN1("to_hex", I8, "4294967296"), "100000000");
    assert_string_equal(FN1("chr", I4, "65"), "A");
    assert_string_equal(FN1("ascii", TX, "A"), "65");
    assert_string_equal(op("^@", UN, "hello", UN, "he"), "t");
    assert_string_equal(op("^@", UN, "hello", UN, "lo"), "f");
}

static void test_regular_expressions(void **state) {
    (void)state;
    assert_string_equal(op("~", UN, "abc", UN, "b"), "t");
    assert_string_equal(op("~", UN, "abc", UN, "B"), "f");
    assert_string_equal(op("~*", UN, "abc", UN, "B"), "t");
    assert_string_equal(op("!~", UN, "abc", UN, "z"), "t");
    assert_string_equal(op("!~*", UN, "abc", UN, "A"), "f");
    assert_string_equal(op("~", UN, "foo123", UN, "^foo\\d+$"), "t");
    assert_string_equal(op("~", UN, "a", UN, "("), "invalid regular expression: parentheses () not balanced");
    assert_string_equal(FN4("regexp_replace", TX, "a1b22", UN, "[0-9]+", UN, "#", UN, "g"), "a#b#");
    assert_string_equal(FN3("regexp_replace", TX, "a1b22", UN, "[0-9]+", UN, "#"), "a#b22");
    assert_string_equal(FN4("regexp_replace", TX, "AbAB", UN, "b", UN, "x", UN, "gi"), "AxAx");
    assert_string_equal(FN4("regexp_replace", TX, "abcabc", UN, "(b)(c)", UN, "<\\2\\1>", UN, "g"),
                        "a<cb>a<cb>");
    assert_string_equal(FN4("regexp_replace", TX, "abc", UN, "x*", UN, "-", UN, "g"), "-a-b-c-");
    assert_string_equal(FN4("regexp_replace", TX, "a", UN, "a", UN, "b", UN, "z"),
                        "invalid regular expression option: \"z\"");
}

/* substring(s FROM pattern), as pgAdmin reads reloptions: a text pattern picks the regex
 * form over substring(text, int); the first parenthesized part, or the whole match */
static void test_substring_from_pattern(void **state) {
    (void)state;
    assert_string_equal(FN2("substring", TX, "fillfactor=70,x=1", UN, "fillfactor=([0-9]*)"), "70");
    assert_string_equal(FN2("substring", TX, "abcdef", UN, "c.e"), "cde");
    assert_string_equal(FN2("substring", TX, "abc", UN, "x(y)"), "<null>");
    assert_string_equal(FN2("substring", TX, "a=", UN, "a=([0-9]*)"), "");
    assert_string_equal(FN2("substring", TX, "abcdef", I4, "3"), "cdef");
    assert_string_equal(FN2("substring", TX, "abc", UN, "("), "invalid regular expression: parentheses () not balanced");
}

static void test_date_trunc_and_date_part(void **state) {
    (void)state;
    assert_string_equal(FN2("date_trunc", UN, "month", TS, "2024-05-06 07:08:09"), "2024-05-01 00:00:00");
    assert_string_equal(FN2("date_trunc", UN, "YEAR", TS, "2024-05-06 07:08:09"), "2024-01-01 00:00:00");
    assert_string_equal(FN2("date_trunc", UN, "week", TS, "2024-05-09 07:08:09"), "2024-05-06 00:00:00");
    assert_string_equal(FN2("date_trunc", UN, "quarter", TS, "2024-05-06"), "2024-04-01 00:00:00");
    assert_string_equal(FN2("date_trunc", UN, "hour", TS, "2024-05-06 07:08:09"), "2024-05-06 07:00:00");
    assert_string_equal(FN2("date_trunc", UN, "milliseconds", TS, "2024-05-06 07:08:09.123456"),
                        "2024-05-06 07:08:09.123");
    assert_string_equal(FN2("date_trunc", UN, "century", TS, "2024-05-06"), "2001-01-01 00:00:00");
    assert_string_equal(FN2("date_trunc", UN, "foo", TS, "2024-05-06"),
                        "unit \"foo\" not recognized for type timestamp without time zone");
    assert_string_equal(FN2("date_part", UN, "year", SQL_OID_DATE, "2024-05-06"), "2024");
    assert_string_equal(FN2("extract", UN, "doy", SQL_OID_DATE, "2024-05-06"), "127");
}

static void test_json_operators(void **state) {
    (void)state;
    assert_string_equal(op("->", JB, "{\"a\": {\"b\":[1,2]}}", UN, "a"), "{\"b\": [1, 2]}");
    assert_string_equal(op("->>", JB, "[1, \"two\"]", I4, "1"), "two");
    assert_string_equal(op("->", JB, "[1, 2]", I4, "-1"), "2");
    assert_string_equal(op("->", JB, "[1, 2]", I4, "5"), "<null>");
    assert_string_equal(op("->>", JB, "{\"a\": null}", UN, "a"), "<null>");
    assert_string_equal(op("->", JB, "{\"a\": null}", UN, "a"), "null");
    assert_string_equal(op("->", JS, "{\"a\":  {\"b\" :1}}", UN, "a"), "{\"b\" :1}");
    assert_string_equal(op("->>", JS, "{\"a\": 1}", UN, "a"), "1");
    assert_string_equal(op("?", JB, "{\"a\": 1}", UN, "a"), "t");
    assert_string_equal(op("?", JB, "[\"a\", \"b\"]", UN, "b"), "t");
    assert_string_equal(op("?", JB, "{\"a\": 1}", UN, "b"), "f");
    assert_string_equal(op("@>", JB, "{\"a\": 1, \"b\": 2}", UN, "{\"a\": 1}"), "t");
    assert_string_equal(op("@>", JB, "{\"a\": {\"b\": 1, \"c\": 2}}", UN, "{\"a\": {\"c\": 2}}"), "t");
    assert_string_equal(op("@>", JB, "{\"a\": 1}", UN, "{\"a\": 2}"), "f");
    assert_string_equal(op("@>", JB, "[1, 2, [3]]", UN, "[[3]]"), "t");
    assert_string_equal(op("@>", JB, "[1, 2, [3]]", UN, "[3]"), "f");
    assert_string_equal(op("@>", JB, "[1, 2]", UN, "1"), "t");
    assert_string_equal(op("@>", JB, "1", UN, "[1]"), "f");
    assert_string_equal(op("@>", JB, "{\"a\": 1.0}", UN, "{\"a\": 1}"), "t");
    assert_string_equal(op("<@", JB, "{\"a\": 1}", UN, "{\"a\": 1, \"b\": 2}"), "t");
}

static void test_aggregates(void **state) {
    (void)state;
    const char *v12[] = {"1", "2", NULL};
    const char *v124[] = {"1", "2", "4"};
    uint32_t rt;
    assert_string_equal(agg("count", 0, 3, v12, &rt), "3");
    assert_int_equal(rt, I8);
    assert_string_equal(agg("count", I4, 3, v12, &rt), "2");
    assert_string_equal(agg("sum", I4, 3, v12, &rt), "3");
    assert_int_equal(rt, I8);
    assert_string_equal(agg("sum", I8, 3, v12, &rt), "3");
    assert_int_equal(rt, NU);
    assert_string_equal(agg("avg", I4, 3, v12, &rt), "1.5000000000000000");
    assert_int_equal(rt, NU);
    assert_string_equal(agg("avg", I4, 3, v124, &rt), "2.3333333333333333");
    assert_string_equal(agg("avg", NU, 3, v124, &rt), "2.3333333333333333");
    assert_string_equal(agg("avg", F8, 3, v124, &rt), "2.3333333333333335");
    assert_int_equal(rt, F8);
    assert_string_equal(agg("sum", SQL_OID_FLOAT4, 3, v124, &rt), "7");
    assert_int_equal(rt, SQL_OID_FLOAT4);
    assert_string_equal(agg("max", I4, 3, v124, &rt), "4");
    assert_string_equal(agg("min", I4, 3, v124, &rt), "1");
    const char *words[] = {"pear", NULL, "apple", "zoo"};
    assert_string_equal(agg("max", TX, 4, words, &rt), "zoo");
    assert_string_equal(agg("min", SQL_OID_VARCHAR, 4, words, &rt), "apple");
    assert_int_equal(rt, TX);
    assert_string_equal(agg("sum", I4, 0, NULL, &rt), "<null>");
    assert_string_equal(agg("count", I4, 0, NULL, &rt), "0");
    const char *bools[] = {"t", "f", NULL};
    assert_string_equal(agg("bool_and", SQL_OID_BOOL, 3, bools, &rt), "f");
    assert_string_equal(agg("bool_or", SQL_OID_BOOL, 3, bools, &rt), "t");
    assert_string_equal(agg("sum", TX, 0, NULL, &rt), "function sum(text) does not exist");
}

static void test_interval_arithmetic_with_timestamps(void **state) {
    (void)state;
#define IV SQL_OID_INTERVAL
    assert_string_equal(op("+", TS, "2024-01-31 10:00", IV, "1 month"), "2024-02-29 10:00:00");
    assert_string_equal(op("-", TS, "2024-01-01 12:00", TS, "2024-01-03 13:30:15.5"), "-2 days -01:30:15.5");
    assert_string_equal(op("+", SQL_OID_DATE, "2024-01-01", IV, "36 hours"), "2024-01-02 12:00:00");
    assert_string_equal(op("*", IV, "1 hour", F8, "2.5"), "02:30:00");
    assert_string_equal(op("/", IV, "1 mon", F8, "3"), "10 days");
    assert_string_equal(op("/", IV, "1 day", F8, "0"), "division by zero");
    assert_string_equal(op("-", 0, NULL, IV, "1 day 02:00"), "-1 days -02:00:00");
    assert_string_equal(op("<", IV, "1 day", IV, "25 hours"), "t");
    assert_string_equal(FN2("age", TS, "2024-03-15 10:00", TS, "2023-01-20 12:30"), "1 year 1 mon 25 days 21:30:00");
    assert_string_equal(FN1("justify_interval", IV, "1 mon -1 hour"), "29 days 23:00:00");
    assert_string_equal(FN2("extract", TX, "epoch", IV, "1 day 2 hours"), "93600.000000");
    assert_string_equal(FN2("extract", TX, "dow", IV, "1 day"), "unit \"dow\" not supported for type interval");
    assert_string_equal(FN3("make_date", I4, "2023", I4, "2", I4, "29"), "date field value out of range: 2023-02-29");
#undef IV
}

static void test_to_char_and_to_timestamp_patterns(void **state) {
    (void)state;
    assert_string_equal(FN2("to_char", TS, "2024-05-06 17:08:09.123456", TX, "YYYY-MM-DD HH12:MI:SS.MS AM"),
                        "2024-05-06 05:08:09.123 PM");
    assert_string_equal(FN2("to_char", TS, "2024-05-06", TX, "Day Mon FMDDth"), "Monday    May 6th");
    assert_string_equal(FN2("to_char", NU, "-1234.5", TX, "FM9,999.00"), "-1,234.50");
    assert_string_equal(FN2("to_char", I4, "-12", TX, "9999"), "  -12");
    assert_string_equal(FN2("to_char", NU, "12345", TX, "999"), " ###");
    assert_string_equal(FN2("to_char", NU, "1", TX, "FM9.99"), "1.");
    assert_string_equal(FN2("to_timestamp", TX, "05/06/2024 5:08 PM", TX, "MM/DD/YYYY HH12:MI AM"),
                        "2024-05-06 17:08:00+00");
    assert_string_equal(FN2("to_date", TX, "20240506", TX, "YYYYMMDD"), "2024-05-06");
    assert_string_equal(FN2("to_date", TX, "2024-02-30", TX, "YYYY-MM-DD"),
                        "date/time field value out of range: \"2024-02-30\"");
}

static const char *agg2(const char *name, uint32_t t1, uint32_t t2, int n, const char *const *v1,
                        const char *const *v2) {
    const sql_agg_t *a;
    uint32_t in[2] = {t1, t2}, cast[2], rt;
    orb_err_t err;
    if (sql_agg_resolve(name, 2, in, &a, cast, &rt, &err)) return orb_strdup(mcx, err.message);
    sql_agg_state_t *st = sql_agg_state_create(a, cast[0], mcx);
    for (int i = 0; i < n; i++) {
        sql_value_t v[2];
        for (int k = 0; k < 2; k++) {
            const char *s = k ? v2[i] : v1[i];
            v[k].isnull = s == NULL;
            if (s) { v[k].v.s.p = s; v[k].v.s.n = (uint32_t)strlen(s); }
        }
        if (sql_agg_step(st, v, 2, &err)) return orb_strdup(mcx, err.message);
    }
    sql_value_t r;
    if (sql_agg_final(st, &r, &err)) return orb_strdup(mcx, err.message);
    return out_text(rt, &r);
}

static void test_string_agg_and_statistics_aggregates(void **state) {
    (void)state;
    const char *vals[] = {"a", NULL, "b", "c"}, *delims[] = {",", ",", "-", NULL};
    assert_string_equal(agg2("string_agg", TX, TX, 4, vals, delims), "a-bc");
    assert_string_equal(agg2("string_agg", TX, UN, 0, vals, delims), "<null>");
    assert_string_equal(agg2("string_agg", I4, TX, 0, vals, delims),
                        "function string_agg(integer, text) does not exist");
    uint32_t rt;
    const char *v1234[] = {"1", "2", "3", "4"};
    assert_string_equal(agg("variance", I4, 4, v1234, &rt), "1.6666666666666667");
    assert_int_equal(rt, NU);
    assert_string_equal(agg("stddev_pop", I4, 4, v1234, &rt), "1.1180339887498948");
    const char *nums[] = {"1.5", "2.25", "3.125"};
    assert_string_equal(agg("stddev", NU, 3, nums, &rt), "0.81330088733096395985");
    assert_string_equal(agg("var_pop", F8, 3, nums, &rt), "0.44097222222222227");
    assert_int_equal(rt, F8);
    assert_string_equal(agg("var_samp", I4, 1, v1234, &rt), "<null>");
    assert_string_equal(agg("var_pop", I4, 1, v1234, &rt), "0");
    const char *bits[] = {"12", "10"};
    assert_string_equal(agg("bit_and", I4, 2, bits, &rt), "8");
    assert_string_equal(agg("bit_xor", I4, 2, bits, &rt), "6");
    const char *ivs[] = {"1 day", "3 hours", "1 mon"};
    assert_string_equal(agg("avg", SQL_OID_INTERVAL, 3, ivs, &rt), "10 days 09:00:00");
    assert_string_equal(agg("max", SQL_OID_INTERVAL, 3, ivs, &rt), "1 mon");
}

static void test_json_builders_and_functions(void **state) {
    (void)state;
    assert_string_equal(FN4("jsonb_build_object", TX, "b", I4, "1", UN, "a", SQL_OID_BOOL, "true"),
                        "{\"a\": true, \"b\": 1}");
    assert_string_equal(FN3("json_build_array", I4, "1", UN, "x", NU, "2.50"), "[1, \"x\", 2.50]");
    assert_string_equal(FN1("jsonb_build_object", UN, "a"), "argument list must have even number of elements");
    assert_string_equal(FN1("to_json", TS, "2024-05-06 07:08:09"), "\"2024-05-06T07:08:09\"");
    assert_string_equal(FN1("jsonb_typeof", JB, "[1]"), "array");
    assert_string_equal(FN1("jsonb_array_length", JB, "5"), "cannot get array length of a scalar");
    assert_string_equal(op("||", JB, "{\"a\": 1}", JB, "[1]"), "[{\"a\": 1}, 1]");
    assert_string_equal(op("-", JB, "[\"a\", \"b\"]", TX, "a"), "[\"b\"]");
    assert_string_equal(FN3("jsonb_extract_path_text", JB, "{\"a\": {\"b\": \"x\"}}", TX, "a", TX, "b"), "x");
    assert_string_equal(FN1("jsonb_pretty", JB, "{\"a\": [1]}"), "{\n    \"a\": [\n        1\n    ]\n}");
}


#define IA SQL_OID_INT4_ARRAY
#define TA SQL_OID_TEXT_ARRAY

static void test_polymorphic_array_functions_resolve_to_concrete_types(void **state) {
    (void)state;
    const sql_builtin_t *b;
    uint32_t casts[3], lc, rc;
    orb_err_t err;
    assert_int_equal(sql_func_resolve("array_prepend", 2, (uint32_t[]){I4, IA}, &b, casts, &err), 0);
    assert_int_equal(b->rettype, IA);
    assert_int_equal(casts[0], I4);
    assert_int_equal(sql_func_resolve("array_append", 2, (uint32_t[]){SQL_OID_INT8_ARRAY, I4}, &b, casts, &err), 0);
    assert_int_equal(b->rettype, SQL_OID_INT8_ARRAY);
    assert_int_equal(casts[1], I8);
    /* array || unknown is array_cat, as PostgreSQL */
    assert_int_equal(sql_oper_resolve("||", TA, UN, &b, &lc, &rc, &err), 0);
    assert_int_equal(rc, TA);
    assert_int_equal(sql_oper_resolve("=", IA, UN, &b, &lc, &rc, &err), 0);
    assert_int_equal(b->rettype, SQL_OID_BOOL);
    /* plain anyarray operators need one array type */
    assert_int_equal(sql_oper_resolve("&&", IA, SQL_OID_INT8_ARRAY, &b, &lc, &rc, &err), -1);
    assert_string_equal(err.message, "operator does not exist: integer[] && bigint[]");
    assert_int_equal(sql_func_resolve("cardinality", 1, (uint32_t[]){I4}, &b, casts, &err), -1);
}

static void test_array_functions_and_operators(void **state) {
    (void)state;
    assert_string_equal(FN2("array_length", IA, "{1,2,3}", I4, "1"), "3");
    assert_string_equal(FN2("array_length", IA, "{}", I4, "1"), "<null>");
    assert_string_equal(FN1("cardinality", IA, "{}"), "0");
    assert_string_equal(FN1("array_dims", TA, "{a,b}"), "[1:2]");
    assert_string_equal(FN3("array_to_string", IA, "{1,NULL,3}", TX, ",", TX, "*"), "1,*,3");
    assert_string_equal(FN2("array_to_string", IA, "{1,NULL,3}", TX, ","), "1,3");
    assert_string_equal(FN2("string_to_array", TX, "a,b,,c", TX, ","), "{a,b,\"\",c}");
    assert_string_equal(FN3("string_to_array", TX, "a,b", TX, ",", TX, "b"), "{a,NULL}");
    assert_string_equal(FN2("string_to_array", TX, "abc", TX, NULL), "{a,b,c}");
    assert_string_equal(FN2("array_append", IA, NULL, I4, "1"), "{1}");
    assert_string_equal(FN2("array_prepend", I4, "0", IA, "{1}"), "{0,1}");
    assert_string_equal(FN2("array_cat", IA, "{1}", IA, "{2,3}"), "{1,2,3}");
    assert_string_equal(FN2("array_remove", IA, "{1,2,1,NULL}", I4, "1"), "{2,NULL}");
    assert_string_equal(FN3("array_replace", IA, "{1,NULL}", I4, NULL, I4, "0"), "{1,0}");
    assert_string_equal(FN2("array_position", TA, "{a,b}", TX, "b"), "2");
    assert_string_equal(FN2("array_positions", IA, "{1,2,1}", I4, "1"), "{1,3}");
    assert_string_equal(op("||", IA, "{1}", I4, "2"), "{1,2}");
    assert_string_equal(op("||", I4, "0", IA, "{1}"), "{0,1}");
    assert_string_equal(op("@>", IA, "{1,2,3}", IA, "{3,1}"), "t");
    assert_string_equal(op("@>", IA, "{1,NULL}", IA, "{NULL}"), "f");
    assert_string_equal(op("<@", IA, "{4}", IA, "{1}"), "f");
    assert_string_equal(op("&&", IA, "{1,2}", IA, "{2}"), "t");
    assert_string_equal(op("<", IA, "{1,2}", IA, "{1,2,0}"), "t");
    assert_string_equal(op("=", IA, "{1,NULL}", IA, "{1,NULL}"), "t");
}

static void test_json_aggregates_path_operators_and_similar_to_escape(void **state) {
    (void)state;
    uint32_t rt;
    const char *v12n[] = {"1", "2", NULL};
    assert_string_equal(agg("json_agg", I4, 3, v12n, &rt), "[1, 2, null]");
    assert_int_equal(rt, JS);
    assert_string_equal(agg("jsonb_agg", TX, 3, (const char *[]){"a", NULL, "b\"c"}, &rt),
                        "[\"a\", null, \"b\\\"c\"]");
    assert_int_equal(rt, JB);
    assert_string_equal(agg("json_agg", I4, 0, NULL, &rt), "<null>");
    assert_string_equal(agg("json_agg", UN, 0, NULL, &rt),
                        "could not determine polymorphic type because input has type unknown");
    assert_string_equal(agg("json_agg", SQL_OID_INT4_ARRAY, 2, (const char *[]){"{1,2}", "{3}"}, &rt),
                        "[[1,2], \n [3]]");
    /* object aggregates: the value arrives as json text (the SQL_OID_ANYJSON cast) */
    const char *keys[] = {"b", "a", "b"}, *vals[] = {"1", NULL, "\"x\""};
    assert_string_equal(agg2("json_object_agg", TX, I4, 3, keys, vals),
                        "{ \"b\" : 1, \"a\" : null, \"b\" : \"x\" }");
    assert_string_equal(agg2("jsonb_object_agg", TX, I4, 3, keys, vals), "{\"a\": null, \"b\": \"x\"}");
    assert_string_equal(agg2("jsonb_object_agg", TX, I4, 1, (const char *[]){NULL}, vals),
                        "field name must not be null");
    assert_string_equal(op("#>", JB, "{\"a\": [1, {\"b\": 2}]}", SQL_OID_TEXT_ARRAY, "{a,-1,b}"), "2");
    assert_string_equal(op("#>>", JS, "{\"a\": {\"b\": \"x\"}}", UN, "{a,b}"), "x");
    assert_string_equal(op("#>", JS, "{\"a\":  [1,  2]}", UN, "{a}"), "[1,  2]");
    assert_string_equal(op("#>", JB, "[1]", UN, "{x}"), "<null>");
    assert_string_equal(FN1("similar_to_escape", TX, "a%b_c.d(e|f)$"), "^(?:a.*b.c\\.d(?:e|f)\\$)$");
    assert_string_equal(FN2("similar_to_escape", TX, "a#%b#\"c#\"d", TX, "#"), "^(?:a\\%b){1,1}?(c){1,1}(?:d)$");
    assert_string_equal(FN1("similar_to_escape", TX, "[]%][[:alpha:]_]_"), "^(?:[]%][[:alpha:]_].)$");
    assert_string_equal(FN2("similar_to_escape", TX, "a", TX, "xy"), "invalid escape string");
    assert_string_equal(op("~", TX, "abc", TX, "^(?:a.*)$"), "t");
}

static void test_numeric_power_ln_exp_log_use_postgres_scales(void **state) {
    (void)state;
    assert_string_equal(op("^", NU, "2", NU, "0.5"), "1.4142135623730950");
    assert_string_equal(op("^", NU, "2", NU, "10"), "1024.0000000000000000");
    assert_string_equal(FN1("ln", NU, "2"), "0.6931471805599453");
    assert_string_equal(FN1("exp", NU, "10"), "22026.465794806717");
    assert_string_equal(FN1("log", NU, "100"), "2.0000000000000000");
    assert_string_equal(FN2("log", NU, "2", NU, "8"), "3.0000000000000000");
    assert_string_equal(FN2("power", NU, "1.5", NU, "2.5"), "2.7556759606310754");
    assert_string_equal(op("^", NU, "0", NU, "-1"), "zero raised to a negative power is undefined");
    assert_string_equal(FN1("ln", NU, "0"), "cannot take logarithm of zero");
}

static void test_format_specifiers_widths_nulls_and_errors(void **state) {
    (void)state;
    assert_string_equal(FN3("format", TX, "%s|%I|%L", TX, "a b", TX, "it's"),
                        "too few arguments for format()");
    const uint32_t t4[4] = {TX, TX, TX, TX};
    assert_string_equal(fn("format", 4, t4, (const char *[]){"%s|%I|%L", "x", "a b", "it's"}),
                        "x|\"a b\"|'it''s'");
    assert_string_equal(fn("format", 4, t4, (const char *[]){"%2$s %1$s %s", "a", "b", "c"}), "b a b");
    assert_string_equal(fn("format", 4, t4, (const char *[]){"[%-4s][%*s]", "ab", "3", "c"}), "[ab  ][  c]");
    assert_string_equal(fn("format", 4, t4, (const char *[]){"[%*s][%L]", "-3", "x", NULL}),
                        "[x  ][NULL]");
    assert_string_equal(FN2("format", TX, "%I", TX, NULL), "null values cannot be formatted as an SQL identifier");
    assert_string_equal(FN2("format", TX, "%q", TX, "x"), "unrecognized format() type specifier \"q\"");
    assert_string_equal(FN2("format", TX, "50%", TX, "x"), "unterminated format() type specifier");
    assert_string_equal(FN2("format", TX, "%0$s", TX, "x"),
                        "format specifies argument 0, but arguments are numbered from 1");
    assert_string_equal(FN1("format", TX, "100%%"), "100%");
    assert_string_equal(FN1("format", TX, NULL), "<null>");
    assert_string_equal(FN1("quote_literal", TX, "a\\b'c"), "E'a\\\\b''c'");
    assert_string_equal(FN1("quote_nullable", TX, NULL), "NULL");
}

int run_builtin_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_operator_resolution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integer_arithmetic_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_float_and_numeric_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_math_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aggregates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concat_uses_output_function_for_any_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_to_real_overflow_reports_the_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bitwise_and_prefix_math_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_math_errors_use_postgres_sqlstates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_string_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regular_expressions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_trunc_and_date_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_arithmetic_with_timestamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_char_and_to_timestamp_patterns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_agg_and_statistics_aggregates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_builders_and_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_polymorphic_array_functions_resolve_to_concrete_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_array_functions_and_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_power_ln_exp_log_use_postgres_scales, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_aggregates_path_operators_and_similar_to_escape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_substring_from_pattern, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_specifiers_widths_nulls_and_errors, setup, teardown),
    };
    return cmocka_run_group_tests_name("sql_builtin", tests, NULL, NULL);
}
