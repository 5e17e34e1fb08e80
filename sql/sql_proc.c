/* sql/sql_proc.c — the builtin functions as pg_proc rows: every function (not operator) of the
 * core, pgvector and catalog tables whose argument and result types are known, once per
 * signature, in table order, with oids 14000 + its position (stable for a given orbitd; below
 * 16384, where PostgreSQL's initdb assigns its own); then, with PostgreSQL 15's own oids,
 * volatility, source and description, the aggregates Orbit implements (sql_agg.c) and the
 * functions its parser handles (version(), current_database(), now(), ...; a builtin of the
 * same signature takes that row's oid and attributes), and pgvector's avg/sum of vector and
 * halfvec (oids 9301..., namespace public, once CREATE EXTENSION vector ran).
 * pg_get_function_arguments / _result / _identity_arguments format their types. Orbit has no
 * user functions (CREATE FUNCTION is not there), so every row is language internal. */
#include "sql_int.h"
#include "sql_types_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROC_OID0 14000u
#define PROC_MAX (16384u - PROC_OID0)

/* a pg_proc row written out: PostgreSQL's (pg_rows) or pgvector's (vec_rows) */
typedef struct proc_row {
    uint32_t oid;
    const char *name;
    char kind;
    int nargs;
    uint32_t args[2];
    uint32_t ret;
    char volatility, parallel;
    bool strict;
    const char *src, *descr;
    uint32_t variadic; /* provariadic: the last argument is VARIADIC of this type */
} proc_row_t;

/* PostgreSQL 15: SELECT oid, proname, prokind, pronargs, proargtypes, prorettype, provolatile,
 * proparallel, proisstrict, prosrc, obj_description(oid, 'pg_proc') FROM pg_proc WHERE it is
 * one of the aggregates count sum avg min max string_agg array_agg bool_and bool_or every
 * json[b]_agg json[b]_object_agg variance var_samp var_pop stddev stddev_samp stddev_pop
 * bit_and bit_or bit_xor on Orbit's types, or one of the functions the parser handles.
 * Only the aggregates sql_agg.c resolves with exactly these types are listed. */
// clang-format off
static const proc_row_t pg_rows[] = {
    {89, "version", 'f', 0, {0, 0}, 25, 's', 's', true, "pgsql_version", "PostgreSQL version string", 0},
    {745, "current_user", 'f', 0, {0, 0}, 19, 's', 's', true, "current_user", "current user name", 0},
    {746, "session_user", 'f', 0, {0, 0}, 19, 's', 's', true, "session_user", "session user name", 0},
    {861, "current_database", 'f', 0, {0, 0}, 19, 's', 's', true, "current_database", "name of the current database", 0},
    {1299, "now", 'f', 0, {0, 0}, 1184, 's', 's', true, "now", "current transaction time", 0},
    {1402, "current_schema", 'f', 0, {0, 0}, 19, 's', 'u', true, "current_schema", "current schema name", 0},
    {2026, "pg_backend_pid", 'f', 0, {0, 0}, 23, 's', 'r', true, "pg_backend_pid", "statistics: current backend PID", 0},
    {2100, "avg", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as numeric of all bigint values", 0},
    {2101, "avg", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as numeric of all integer values", 0},
    {2102, "avg", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as numeric of all smallint values", 0},
    {2103, "avg", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as numeric of all numeric values", 0},
    {2104, "avg", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as float8 of all float4 values", 0},
    {2105, "avg", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as float8 of all float8 values", 0},
    {2106, "avg", 'a', 1, {1186, 0}, 1186, 'i', 's', false, "aggregate_dummy", "the average (arithmetic mean) as interval of all interval values", 0},
    {2107, "sum", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sum as numeric across all bigint input values", 0},
    {2108, "sum", 'a', 1, {23, 0}, 20, 'i', 's', false, "aggregate_dummy", "sum as bigint across all integer input values", 0},
    {2109, "sum", 'a', 1, {21, 0}, 20, 'i', 's', false, "aggregate_dummy", "sum as bigint across all smallint input values", 0},
    {2110, "sum", 'a', 1, {700, 0}, 700, 'i', 's', false, "aggregate_dummy", "sum as float4 across all float4 input values", 0},
    {2111, "sum", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "sum as float8 across all float8 input values", 0},
    {2113, "sum", 'a', 1, {1186, 0}, 1186, 'i', 's', false, "aggregate_dummy", "sum as interval across all interval input values", 0},
    {2114, "sum", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sum as numeric across all numeric input values", 0},
    {2115, "max", 'a', 1, {20, 0}, 20, 'i', 's', false, "aggregate_dummy", "maximum value of all bigint input values", 0},
    {2116, "max", 'a', 1, {23, 0}, 23, 'i', 's', false, "aggregate_dummy", "maximum value of all integer input values", 0},
    {2117, "max", 'a', 1, {21, 0}, 21, 'i', 's', false, "aggregate_dummy", "maximum value of all smallint input values", 0},
    {2118, "max", 'a', 1, {26, 0}, 26, 'i', 's', false, "aggregate_dummy", "maximum value of all oid input values", 0},
    {2119, "max", 'a', 1, {700, 0}, 700, 'i', 's', false, "aggregate_dummy", "maximum value of all float4 input values", 0},
    {2120, "max", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "maximum value of all float8 input values", 0},
    {2122, "max", 'a', 1, {1082, 0}, 1082, 'i', 's', false, "aggregate_dummy", "maximum value of all date input values", 0},
    {2126, "max", 'a', 1, {1114, 0}, 1114, 'i', 's', false, "aggregate_dummy", "maximum value of all timestamp input values", 0},
    {2127, "max", 'a', 1, {1184, 0}, 1184, 'i', 's', false, "aggregate_dummy", "maximum value of all timestamp with time zone input values", 0},
    {2128, "max", 'a', 1, {1186, 0}, 1186, 'i', 's', false, "aggregate_dummy", "maximum value of all interval input values", 0},
    {2129, "max", 'a', 1, {25, 0}, 25, 'i', 's', false, "aggregate_dummy", "maximum value of all text input values", 0},
    {2130, "max", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "maximum value of all numeric input values", 0},
    {2131, "min", 'a', 1, {20, 0}, 20, 'i', 's', false, "aggregate_dummy", "minimum value of all bigint input values", 0},
    {2132, "min", 'a', 1, {23, 0}, 23, 'i', 's', false, "aggregate_dummy", "minimum value of all integer input values", 0},
    {2133, "min", 'a', 1, {21, 0}, 21, 'i', 's', false, "aggregate_dummy", "minimum value of all smallint input values", 0},
    {2134, "min", 'a', 1, {26, 0}, 26, 'i', 's', false, "aggregate_dummy", "minimum value of all oid input values", 0},
    {2135, "min", 'a', 1, {700, 0}, 700, 'i', 's', false, "aggregate_dummy", "minimum value of all float4 input values", 0},
    {2136, "min", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "minimum value of all float8 input values", 0},
    {2138, "min", 'a', 1, {1082, 0}, 1082, 'i', 's', false, "aggregate_dummy", "minimum value of all date input values", 0},
    {2142, "min", 'a', 1, {1114, 0}, 1114, 'i', 's', false, "aggregate_dummy", "minimum value of all timestamp input values", 0},
    {2143, "min", 'a', 1, {1184, 0}, 1184, 'i', 's', false, "aggregate_dummy", "minimum value of all timestamp with time zone input values", 0},
    {2144, "min", 'a', 1, {1186, 0}, 1186, 'i', 's', false, "aggregate_dummy", "minimum value of all interval input values", 0},
    {2145, "min", 'a', 1, {25, 0}, 25, 'i', 's', false, "aggregate_dummy", "minimum value of all text values", 0},
    {2146, "min", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "minimum value of all numeric input values", 0},
    {2147, "count", 'a', 1, {2276, 0}, 20, 'i', 's', false, "aggregate_dummy", "number of input rows for which the input expression is not null", 0},
    {2148, "variance", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2149, "variance", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2150, "variance", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2151, "variance", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2152, "variance", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2153, "variance", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for var_samp", 0},
    {2154, "stddev", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2155, "stddev", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2156, "stddev", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2157, "stddev", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2158, "stddev", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2159, "stddev", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "historical alias for stddev_samp", 0},
    {2236, "bit_and", 'a', 1, {21, 0}, 21, 'i', 's', false, "aggregate_dummy", "bitwise-and smallint aggregate", 0},
    {2237, "bit_or", 'a', 1, {21, 0}, 21, 'i', 's', false, "aggregate_dummy", "bitwise-or smallint aggregate", 0},
    {2238, "bit_and", 'a', 1, {23, 0}, 23, 'i', 's', false, "aggregate_dummy", "bitwise-and integer aggregate", 0},
    {2239, "bit_or", 'a', 1, {23, 0}, 23, 'i', 's', false, "aggregate_dummy", "bitwise-or integer aggregate", 0},
    {2240, "bit_and", 'a', 1, {20, 0}, 20, 'i', 's', false, "aggregate_dummy", "bitwise-and bigint aggregate", 0},
    {2241, "bit_or", 'a', 1, {20, 0}, 20, 'i', 's', false, "aggregate_dummy", "bitwise-or bigint aggregate", 0},
    {2244, "max", 'a', 1, {1042, 0}, 1042, 'i', 's', false, "aggregate_dummy", "maximum value of all bpchar input values", 0},
    {2245, "min", 'a', 1, {1042, 0}, 1042, 'i', 's', false, "aggregate_dummy", "minimum value of all bpchar input values", 0},
    {2335, "array_agg", 'a', 1, {2776, 0}, 2277, 'i', 's', false, "aggregate_dummy", "concatenate aggregate input into an array", 0},
    {2517, "bool_and", 'a', 1, {16, 0}, 16, 'i', 's', false, "aggregate_dummy", "boolean-and aggregate", 0},
    {2518, "bool_or", 'a', 1, {16, 0}, 16, 'i', 's', false, "aggregate_dummy", "boolean-or aggregate", 0},
    {2519, "every", 'a', 1, {16, 0}, 16, 'i', 's', false, "aggregate_dummy", "boolean-and aggregate", 0},
    {2641, "var_samp", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample variance of bigint input values (square of the sample standard deviation)", 0},
    {2642, "var_samp", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample variance of integer input values (square of the sample standard deviation)", 0},
    {2643, "var_samp", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample variance of smallint input values (square of the sample standard deviation)", 0},
    {2644, "var_samp", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "sample variance of float4 input values (square of the sample standard deviation)", 0},
    {2645, "var_samp", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "sample variance of float8 input values (square of the sample standard deviation)", 0},
    {2646, "var_samp", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample variance of numeric input values (square of the sample standard deviation)", 0},
    {2647, "transaction_timestamp", 'f', 0, {0, 0}, 1184, 's', 's', true, "now", "current transaction time", 0},
    {2648, "statement_timestamp", 'f', 0, {0, 0}, 1184, 's', 's', true, "statement_timestamp", "current statement time", 0},
    {2712, "stddev_samp", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample standard deviation of bigint input values", 0},
    {2713, "stddev_samp", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample standard deviation of integer input values", 0},
    {2714, "stddev_samp", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample standard deviation of smallint input values", 0},
    {2715, "stddev_samp", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "sample standard deviation of float4 input values", 0},
    {2716, "stddev_samp", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "sample standard deviation of float8 input values", 0},
    {2717, "stddev_samp", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "sample standard deviation of numeric input values", 0},
    {2718, "var_pop", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population variance of bigint input values (square of the population standard deviation)", 0},
    {2719, "var_pop", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population variance of integer input values (square of the population standard deviation)", 0},
    {2720, "var_pop", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population variance of smallint input values (square of the population standard deviation)", 0},
    {2721, "var_pop", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "population variance of float4 input values (square of the population standard deviation)", 0},
    {2722, "var_pop", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "population variance of float8 input values (square of the population standard deviation)", 0},
    {2723, "var_pop", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population variance of numeric input values (square of the population standard deviation)", 0},
    {2724, "stddev_pop", 'a', 1, {20, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population standard deviation of bigint input values", 0},
    {2725, "stddev_pop", 'a', 1, {23, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population standard deviation of integer input values", 0},
    {2726, "stddev_pop", 'a', 1, {21, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population standard deviation of smallint input values", 0},
    {2727, "stddev_pop", 'a', 1, {700, 0}, 701, 'i', 's', false, "aggregate_dummy", "population standard deviation of float4 input values", 0},
    {2728, "stddev_pop", 'a', 1, {701, 0}, 701, 'i', 's', false, "aggregate_dummy", "population standard deviation of float8 input values", 0},
    {2729, "stddev_pop", 'a', 1, {1700, 0}, 1700, 'i', 's', false, "aggregate_dummy", "population standard deviation of numeric input values", 0},
    {2803, "count", 'a', 0, {0, 0}, 20, 'i', 's', false, "aggregate_dummy", "number of input rows", 0},
    {3175, "json_agg", 'a', 1, {2283, 0}, 114, 's', 's', false, "aggregate_dummy", "aggregate input into json", 0},
    {3197, "json_object_agg", 'a', 2, {2276, 2276}, 114, 's', 's', false, "aggregate_dummy", "aggregate input into a json object", 0},
    {3267, "jsonb_agg", 'a', 1, {2283, 0}, 3802, 's', 's', false, "aggregate_dummy", "aggregate input into jsonb", 0},
    {3270, "jsonb_object_agg", 'a', 2, {2276, 2276}, 3802, 'i', 's', false, "aggregate_dummy", "aggregate inputs into jsonb object", 0},
    {3538, "string_agg", 'a', 2, {25, 25}, 25, 'i', 's', false, "aggregate_dummy", "concatenate aggregate input into a string", 0},
    {3545, "string_agg", 'a', 2, {17, 17}, 17, 'i', 's', false, "aggregate_dummy", "concatenate aggregate input into a bytea", 0},
    {6164, "bit_xor", 'a', 1, {21, 0}, 21, 'i', 's', false, "aggregate_dummy", "bitwise-xor smallint aggregate", 0},
    {6165, "bit_xor", 'a', 1, {23, 0}, 23, 'i', 's', false, "aggregate_dummy", "bitwise-xor integer aggregate", 0},
    {6166, "bit_xor", 'a', 1, {20, 0}, 20, 'i', 's', false, "aggregate_dummy", "bitwise-xor bigint aggregate", 0},
    /* variadic and polymorphic ones (Orbit's builtins declare them "any") */
    {1283, "quote_literal", 'f', 1, {25, 0}, 25, 'i', 's', true, "quote_literal", "quote a literal for usage in a querystring", 0},
    {1285, "quote_literal", 'f', 1, {2283, 0}, 25, 's', 's', true, "select pg_catalog.quote_literal($1::pg_catalog.text)", "quote a data value for usage in a querystring", 0},
    {1289, "quote_nullable", 'f', 1, {25, 0}, 25, 'i', 's', false, "quote_nullable", "quote a possibly-null literal for usage in a querystring", 0},
    {1290, "quote_nullable", 'f', 1, {2283, 0}, 25, 's', 's', false, "select pg_catalog.quote_nullable($1::pg_catalog.text)", "quote a possibly-null data value for usage in a querystring", 0},
    {3058, "concat", 'f', 1, {2276, 0}, 25, 's', 's', false, "text_concat", "concatenate values", 2276},
    {3059, "concat_ws", 'f', 2, {25, 2276}, 25, 's', 's', false, "text_concat_ws", "concatenate values with separators", 2276},
    {3539, "format", 'f', 2, {25, 2276}, 25, 's', 's', false, "text_format", "format text message", 2276},
    {3540, "format", 'f', 1, {25, 0}, 25, 's', 's', false, "text_format_nv", "format text message", 0},
};
// clang-format on

#define V SQL_OID_VECTOR
#define H SQL_OID_HALFVEC
static const proc_row_t vec_rows[] = {
    {9301, "avg", 'a', 1, {V, 0}, V, 'i', 's', false, "aggregate_dummy", NULL, 0},
    {9302, "sum", 'a', 1, {V, 0}, V, 'i', 's', false, "aggregate_dummy", NULL, 0},
    {9303, "avg", 'a', 1, {H, 0}, H, 'i', 's', false, "aggregate_dummy", NULL, 0},
    {9304, "sum", 'a', 1, {H, 0}, H, 'i', 's', false, "aggregate_dummy", NULL, 0},
};

static const sql_builtin_t *procs[PROC_MAX];
static uint32_t oids[PROC_MAX];
static const proc_row_t *rows_of[PROC_MAX]; /* NULL: a builtin with Orbit's attributes */
static bool vector_of[PROC_MAX];
static sql_builtin_t own[sizeof pg_rows / sizeof pg_rows[0] + sizeof vec_rows / sizeof vec_rows[0]];
static size_t nown;
static size_t nprocs;
static pthread_once_t procs_once = PTHREAD_ONCE_INIT;

static uint32_t ret_of(const sql_builtin_t *b) { return b->rettype ? b->rettype : b->argtypes[0]; }

static bool listable(const sql_builtin_t *b) {
    /* SQL keywords Orbit implements as builtins; PostgreSQL's parser maps them elsewhere */
    static const char *const keywords[] = {"current_timestamp", "current_date", "current_time",
                                           "localtime", "localtimestamp"};
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(b->name, keywords[i]) == 0) return false;
    char c = b->name[0];
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false; /* an operator */
    if (b->nargs < 0 || b->nargs > SQL_FN_MAXARGS) return false; /* variadic */
    for (int i = 0; i < b->nargs; i++)
        if (!b->argtypes[i]) return false;
    return ret_of(b) != 0;
}

static bool same_signature(const sql_builtin_t *a, const sql_builtin_t *b) {
    if (strcmp(a->name, b->name) != 0 || a->nargs != b->nargs) return false;
    for (int i = 0; i < a->nargs; i++)
        if (a->argtypes[i] != b->argtypes[i]) return false;
    return true;
}

static void add(const sql_builtin_t *b) {
    if (nprocs == PROC_MAX || !listable(b)) return;
    for (size_t i = 0; i < nprocs; i++)
        if (same_signature(procs[i], b)) return;
    oids[nprocs] = PROC_OID0 + (uint32_t)nprocs;
    procs[nprocs++] = b;
}

static bool pseudo(uint32_t t) { return t == 2276 || t == 2776 || t == 2283 || t == 2277; }

/* whether sql_agg.c has aggregate row with exactly its argument and result types (pseudo
 * types: any argument; anyarray arguments: no, Orbit's arrays have one dimension) */
static bool agg_implemented(const proc_row_t *row) {
    uint32_t casts[SQL_FN_MAXARGS] = {0}, ret = 0;
    const sql_agg_t *agg;
    orb_err_t e;
    uint32_t args[2] = {row->args[0], row->args[1]};
    for (int i = 0; i < row->nargs; i++) {
        if (row->args[i] == SQL_OID_ANYARRAY) return false;
        if (pseudo(row->args[i])) args[i] = SQL_OID_TEXT; /* any type: try one */
    }
    if (sql_agg_resolve(row->name, row->nargs, args, &agg, casts, &ret, &e) != 0) return false;
    for (int i = 0; i < row->nargs; i++)
        if (!pseudo(row->args[i]) && casts[i] != row->args[i]) return false;
    return pseudo(row->ret) || ret == row->ret;
}

/* a builtin declared with "any" arguments that PostgreSQL declares polymorphic (anyelement) */
static bool polymorphic_of(const sql_builtin_t *builtin, const sql_builtin_t *row) {
    if (strcmp(builtin->name, row->name) != 0 || builtin->nargs != row->nargs) return false;
    for (int i = 0; i < row->nargs; i++)
        if (builtin->argtypes[i] != row->argtypes[i] &&
            !(builtin->argtypes[i] == SQL_OID_ANY && (row->argtypes[i] == 2283 || row->argtypes[i] == 2776)))
            return false;
    return true;
}

static void add_row(const proc_row_t *row, bool vector) {
    if (row->kind == 'a' && !agg_implemented(row)) return;
    sql_builtin_t *b = &own[nown++];
    *b = (sql_builtin_t){row->name, row->nargs, {row->args[0], row->args[1]}, row->ret, row->strict,
                         row->volatility == 'v', NULL};
    size_t at = nprocs;
    for (size_t i = 0; i < nprocs; i++)
        if (!rows_of[i] && (same_signature(procs[i], b) || polymorphic_of(procs[i], b)))
            at = i; /* the builtin takes the row */
    if (at == nprocs) {
        if (nprocs == PROC_MAX) return;
        nprocs++;
    }
    procs[at] = b;
    oids[at] = row->oid;
    rows_of[at] = row;
    vector_of[at] = vector;
}

static void build(void) {
    for (size_t k = 0; k < sql__builtin_count(); k++) add(sql__builtin_at(k));
    for (size_t k = 0; k < sql__vec_nbuiltins; k++) add(&sql__vec_builtins[k]);
    for (size_t k = 0; k < sql__cat_nbuiltins; k++) add(&sql__cat_builtins[k]);
    for (size_t k = 0; k < sizeof pg_rows / sizeof pg_rows[0]; k++) add_row(&pg_rows[k], false);
    for (size_t k = 0; k < sizeof vec_rows / sizeof vec_rows[0]; k++) add_row(&vec_rows[k], true);
}

size_t sql_proc_count(void) {
    pthread_once(&procs_once, build);
    return nprocs;
}

const sql_builtin_t *sql_proc_at(size_t i, uint32_t *oid) {
    pthread_once(&procs_once, build);
    if (i >= nprocs) return NULL;
    if (oid) *oid = oids[i];
    return procs[i];
}

void sql_proc_attrs(size_t i, sql_proc_attrs_t *out) {
    pthread_once(&procs_once, build);
    const sql_builtin_t *b = i < nprocs ? procs[i] : NULL;
    const proc_row_t *row = i < nprocs ? rows_of[i] : NULL;
    out->kind = row ? row->kind : 'f';
    out->volatility = row ? row->volatility : b && b->volatile_ ? 'v' : 's';
    out->parallel = row ? row->parallel : 's';
    out->strict = row ? row->strict : b && b->strict;
    out->src = row ? row->src : b ? b->name : "";
    out->vector = i < nprocs && vector_of[i];
    out->variadic = row ? row->variadic : 0;
    out->lang = row && strncmp(row->src, "select ", 7) == 0 ? 14 : 12; /* sql : internal */
}

uint32_t sql_proc_rettype(const sql_builtin_t *b) { return ret_of(b); }

/* whether b is a written-out row whose last argument is VARIADIC */
static bool variadic_of(const sql_builtin_t *b) {
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i] == b) return rows_of[i] && rows_of[i]->variadic;
    return false;
}

/* a type as format_type(oid, NULL) prints it: "any" quoted (a keyword), bpchar as character */
static const char *type_name(uint32_t t, orb_mcx_t *mcx) {
    if (t == SQL_OID_ANY) return "\"any\"";
    if (t == SQL_OID_BPCHAR) return "character";
    return sql_type_format(t, -1, mcx);
}

int sql_fn_function_sqlbody(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                            orb_err_t *err) {
    (void)ctx, (void)a, (void)nargs, (void)err;
    r->isnull = true; /* no SQL-standard function bodies: every function is internal */
    return 0;
}

static const sql_builtin_t *by_oid(int64_t oid) {
    pthread_once(&procs_once, build);
    for (size_t i = 0; i < nprocs; i++)
        if (oids[i] == oid) return procs[i];
    return NULL;
}

const sql_builtin_t *sql_proc_by_oid(uint32_t oid) { return by_oid(oid); }

const char *sql_proc_description(uint32_t oid) {
    pthread_once(&procs_once, build);
    for (size_t i = 0; i < nprocs; i++)
        if (oids[i] == oid && rows_of[i])
            return rows_of[i]->descr && rows_of[i]->descr[0] ? rows_of[i]->descr : NULL;
    return NULL;
}

/* The builtin named by the oid argument; NULL (r set to NULL) for any other. */
static const sql_builtin_t *arg_proc(const sql_value_t *a, sql_value_t *r) {
    const sql_builtin_t *b = a[0].isnull ? NULL : by_oid(a[0].v.i);
    if (!b) r->isnull = true;
    return b;
}

int sql_fn_function_arguments(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                              orb_err_t *err) {
    (void)nargs, (void)err;
    const sql_builtin_t *b = arg_proc(a, r);
    if (!b) return 0;
    orb_buf_t s;
    orb_buf_init(&s);
    for (int i = 0; i < b->nargs; i++)
        orb_buf_printf(&s, "%s%s%s", i ? ", " : "", i == b->nargs - 1 && variadic_of(b) ? "VARIADIC " : "",
                       type_name(b->argtypes[i], ctx->mcx));
    r->isnull = false;
    r->v.s.p = orb_strndup(ctx->mcx, s.data ? s.data : "", s.len);
    r->v.s.n = (uint32_t)s.len;
    orb_buf_free(&s);
    return 0;
}

int sql_fn_function_result(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                           orb_err_t *err) {
    (void)nargs, (void)err;
    const sql_builtin_t *b = arg_proc(a, r);
    if (!b) return 0;
    const char *t = type_name(ret_of(b), ctx->mcx);
    r->isnull = false;
    r->v.s.p = t;
    r->v.s.n = (uint32_t)strlen(t);
    return 0;
}

/* ---- regproc / regprocedure input, pg_get_functiondef -------------------------------------- */

/* name[(type, ...)] as regprocin / regprocedurein read it: the name lower-cased unless quoted, an
 * optional schema (pg_catalog, or public for pgvector's) */
int sql_proc_lookup(const char *text, size_t n, bool with_args, uint32_t *oid, orb_err_t *err) {
    pthread_once(&procs_once, build);
    char name[128], schema[128] = "";
    size_t k = 0, i = 0;
    while (i < n && text[i] == ' ') i++;
    for (int part = 0; part < 3; part++) {
        k = 0;
        if (i < n && text[i] == '"') {
            for (i++; i < n && !(text[i] == '"' && (i + 1 >= n || text[i + 1] != '"')); i++) {
                if (text[i] == '"') i++;
                if (k < sizeof name - 1) name[k++] = text[i];
            }
            if (i >= n) return orb_err_set(err, INVALID_NAME, "invalid name syntax"); /* unterminated */
            i++;
        } else {
            for (; i < n && text[i] != '.' && text[i] != '(' && text[i] != ' '; i++)
                if (k < sizeof name - 1) name[k++] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
        }
        name[k] = 0;
        if (k == 0) return orb_err_set(err, INVALID_NAME, "invalid name syntax");
        if (i < n && text[i] == '.') {
            if (part == 1)
                return orb_err_set(err, FEATURE_NOT_SUPPORTED, "cross-database references are not implemented: %.*s",
                                   (int)n, text);
            snprintf(schema, sizeof schema, "%s", name);
            i++;
            continue;
        }
        break;
    }
    while (i < n && text[i] == ' ') i++;
    uint32_t types[SQL_FN_MAXARGS];
    int ntypes = -1;
    if (with_args) {
        if (i >= n || text[i] != '(') return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "expected a left parenthesis");
        ntypes = 0;
        size_t start = ++i;
        int depth = 0;
        for (; i <= n; i++) {
            if (i < n && text[i] == '(') depth++;
            if (i < n && text[i] == ')' && depth) {
                depth--;
                continue;
            }
            if (i == n) return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "expected a right parenthesis");
            if (depth == 0 && (text[i] == ',' || text[i] == ')')) {
                char tn[128];
                size_t a = start, b = i;
                while (a < b && text[a] == ' ') a++;
                while (b > a && text[b - 1] == ' ') b--;
                if (b > a) {
                    snprintf(tn, sizeof tn, "%.*s", (int)(b - a), text + a);
                    int32_t typmod;
                    if (ntypes == SQL_FN_MAXARGS)
                        return orb_err_set(err, UNDEFINED_FUNCTION, "function \"%.*s\" does not exist", (int)n, text);
                    if (strcmp(tn, "\"any\"") == 0) types[ntypes++] = SQL_OID_ANY;
                    else if (strcmp(tn, "anyelement") == 0) types[ntypes++] = SQL_OID_ANYELEMENT;
                    else if (strcmp(tn, "anyarray") == 0) types[ntypes++] = SQL_OID_ANYARRAY;
                    else if (strcmp(tn, "anynonarray") == 0) types[ntypes++] = 2776;
                    else if (sql_type_lookup(tn, NULL, 0, &types[ntypes++], &typmod, err) != 0) return -1;
                }
                if (text[i] == ')') break;
                start = i + 1;
            }
        }
    }
    int found = 0;
    for (size_t p = 0; p < nprocs; p++) {
        const sql_builtin_t *b = procs[p];
        if (strcmp(b->name, name) != 0) continue;
        if (schema[0] && strcmp(schema, vector_of[p] ? "public" : "pg_catalog") != 0) continue;
        if (ntypes >= 0) {
            bool same = b->nargs == ntypes;
            for (int a = 0; same && a < ntypes; a++) same = b->argtypes[a] == types[a];
            if (!same) continue;
        }
        *oid = oids[p];
        found++;
    }
    if (found == 1) return 0;
    if (found > 1) return orb_err_set(err, AMBIGUOUS_FUNCTION, "more than one function named \"%s\"", name);
    return orb_err_set(err, UNDEFINED_FUNCTION, "function \"%.*s\" does not exist", (int)n, text);
}

int sql_fn_functiondef(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err) {
    (void)nargs;
    pthread_once(&procs_once, build);
    size_t at = nprocs;
    for (size_t i = 0; i < nprocs; i++)
        if (!a[0].isnull && oids[i] == a[0].v.i) at = i;
    if (at == nprocs) {
        r->isnull = true;
        return 0;
    }
    const sql_builtin_t *b = procs[at];
    sql_proc_attrs_t at_;
    sql_proc_attrs(at, &at_);
    if (at_.kind == 'a') return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is an aggregate function", b->name);
    orb_buf_t s;
    orb_buf_init(&s);
    /* as PostgreSQL's pg_get_functiondef */
    orb_buf_printf(&s, "CREATE OR REPLACE FUNCTION %s.%s(", at_.vector ? "public" : "pg_catalog", b->name);
    for (int i = 0; i < b->nargs; i++)
        orb_buf_printf(&s, "%s%s%s", i ? ", " : "", i == b->nargs - 1 && at_.variadic ? "VARIADIC " : "",
                       type_name(b->argtypes[i], ctx->mcx));
    orb_buf_printf(&s, ")\n RETURNS %s\n LANGUAGE %s\n", type_name(ret_of(b), ctx->mcx),
                   at_.lang == 14 ? "sql" : "internal");
    size_t before = s.len;
    if (at_.volatility == 'i') orb_buf_puts(&s, " IMMUTABLE");
    if (at_.volatility == 's') orb_buf_puts(&s, " STABLE");
    if (at_.parallel == 's') orb_buf_puts(&s, " PARALLEL SAFE");
    if (at_.parallel == 'r') orb_buf_puts(&s, " PARALLEL RESTRICTED");
    if (at_.strict) orb_buf_puts(&s, " STRICT");
    if (at_.lang == 14) orb_buf_puts(&s, " COST 1"); /* sql functions default to 100 */
    if (s.len != before) orb_buf_putc(&s, '\n');
    char dq[32] = "$function";
    while (strstr(at_.src, dq) && strlen(dq) < sizeof dq - 2) strcat(dq, "x");
    strcat(dq, "$");
    orb_buf_printf(&s, "AS %s%s%s\n", dq, at_.src, dq);
    r->isnull = false;
    r->v.s.p = orb_strndup(ctx->mcx, s.data ? s.data : "", s.len);
    r->v.s.n = (uint32_t)s.len;
    orb_buf_free(&s);
    return 0;
}
