/* sql/sql_value.h — (sql-private) the in-memory SQL value, the type OIDs Orbit knows, and
 * the type, operator, function and aggregate interfaces the analyzer and executor use.
 * Implemented by sql_types.c, sql_numeric.c, sql_datetime.c, sql_json.c, sql_builtin.c,
 * sql_agg.c. See sql/README.md ("Values and types"). */
#ifndef ORB_SQL_VALUE_H
#define ORB_SQL_VALUE_H

#include "sql.h"

/* pg_type OIDs (PostgreSQL 15's, so drivers see the types they know). */
#define SQL_OID_BOOL 16
#define SQL_OID_BYTEA 17
#define SQL_OID_CHAR 18 /* "char": one byte (pg_catalog codes such as relkind) */
#define SQL_OID_NAME 19
#define SQL_OID_INT8 20
#define SQL_OID_INT2 21
#define SQL_OID_INT4 23
#define SQL_OID_TEXT 25
#define SQL_OID_OID 26
#define SQL_OID_JSON 114
#define SQL_OID_FLOAT4 700
#define SQL_OID_FLOAT8 701
#define SQL_OID_UNKNOWN 705
#define SQL_OID_BPCHAR 1042
#define SQL_OID_VARCHAR 1043
#define SQL_OID_DATE 1082
#define SQL_OID_TIMESTAMP 1114
#define SQL_OID_TIMESTAMPTZ 1184
#define SQL_OID_INTERVAL 1186
#define SQL_OID_NUMERIC 1700
#define SQL_OID_UUID 2950
#define SQL_OID_JSONB 3802
#define SQL_OID_BIT 1560
#define SQL_OID_VARBIT 1562
/* pgvector's types (sql_vector.c). An extension's types get OIDs at CREATE EXTENSION time in
 * PostgreSQL; Orbit fixes them here, together, so they never move (drivers look them up by
 * name through pg_type anyway). Their array types are not supported yet. */
/* object identifier types (sql_regtype.c): stored like oid; their text I/O looks the name up
 * in the catalog, which needs the session: the analyzer turns casts from and to strings into
 * calls of sql_regtype.c's functions, and the session prints result columns through
 * sql_reg_out. sql_value_in/out alone read and print the number. */
#define SQL_OID_REGPROC 24
#define SQL_OID_REGPROCEDURE 2202
#define SQL_OID_REGOPER 2203
#define SQL_OID_REGCLASS 2205
#define SQL_OID_REGTYPE 2206
#define SQL_OID_REGNAMESPACE 4089
#define SQL_OID_REGROLE 4096
#define SQL_OID_OID_ARRAY 1028
static inline bool sql_type_is_reg(uint32_t t) {
    return t == SQL_OID_REGPROC || t == SQL_OID_REGPROCEDURE || t == SQL_OID_REGOPER ||
           t == SQL_OID_REGCLASS || t == SQL_OID_REGTYPE || t == SQL_OID_REGNAMESPACE ||
           t == SQL_OID_REGROLE;
}
#define SQL_OID_VECTOR 16388
#define SQL_OID_HALFVEC 16390
#define SQL_OID_SPARSEVEC 16392
/* Pseudo-type "any" in sql_builtin.argtypes (concat, concat_ws, text || anynonarray): the
 * resolver reports SQL_OID_TEXT as the cast target for such an argument, and the caller
 * converts it with SQL_CAST_EXPLICIT (the output function), since e.g. int4 -> text is not
 * an implicit cast. */
#define SQL_OID_ANY 2276
#define SQL_OID_VOID 2278 /* pseudo type of pg_sleep() and friends: prints as an empty string */
/* Internal pseudo type "anytext-output": the cast target the resolver reports for an
 * argument declared SQL_OID_ANY (other than an unknown literal, which becomes text). A cast
 * to it converts with the source type's OUTPUT function (bool gives "t", as PostgreSQL's
 * concat and anytextcat); the value is text. Never a column or result type. */
#define SQL_OID_ANYTEXT 99999
/* Internal pseudo type "anyjson-value": an argument declared with it (json_build_object,
 * to_json, ...) accepts any type and is cast to its JSON text as to_json renders it (numbers
 * and booleans bare, strings quoted and escaped, json/jsonb embedded, timestamps in ISO 8601
 * with 'T'); an unknown literal or parameter becomes a JSON string. SQL NULL stays NULL.
 * The value is text. Never a column or result type. */
#define SQL_OID_ANYJSON 99998

/* Array types (one-dimensional, lower bound 1; see "arrays" below). */
#define SQL_OID_BOOL_ARRAY 1000
#define SQL_OID_BYTEA_ARRAY 1001
#define SQL_OID_INT2_ARRAY 1005
#define SQL_OID_INT4_ARRAY 1007
#define SQL_OID_NAME_ARRAY 1003
#define SQL_OID_TEXT_ARRAY 1009
#define SQL_OID_BPCHAR_ARRAY 1014
#define SQL_OID_VARCHAR_ARRAY 1015
#define SQL_OID_INT8_ARRAY 1016
#define SQL_OID_FLOAT4_ARRAY 1021
#define SQL_OID_FLOAT8_ARRAY 1022
#define SQL_OID_TIMESTAMP_ARRAY 1115
#define SQL_OID_DATE_ARRAY 1182
#define SQL_OID_TIMESTAMPTZ_ARRAY 1185
#define SQL_OID_NUMERIC_ARRAY 1231
#define SQL_OID_UUID_ARRAY 2951
#define SQL_OID_JSONB_ARRAY 3807
/* Polymorphic pseudo types in sql_builtin.argtypes / rettype. PostgreSQL 15's
 * anycompatiblearray/anycompatible semantics: every argument declared ANYARRAY must be an
 * array type (or an unknown literal), every ANYELEMENT argument a non-array type with an
 * array type; the element types (of the arrays, and the elements themselves) are unified to
 * a common type T (as select_common_type), unknown literals take T or T[]. The resolver then
 * hands back an instance of the builtin with every ANYARRAY replaced by T[] and ANYELEMENT by
 * T (argtypes and rettype), so callers see concrete types only. Never a column type. */
#define SQL_OID_ANYARRAY 2277
#define SQL_OID_ANYELEMENT 2283
#define SQL_OID_RECORD 2249 /* aclexplode's result: its text form (sql_aclexplode.c) */

/* A value. The type is not stored here: expressions and columns carry it.
 *   bool                       -> b
 *   int2/int4/int8/oid         -> i
 *   float4/float8              -> f (float4 values are kept rounded to float precision)
 *   date                       -> i, days since 2000-01-01
 *   timestamp/timestamptz      -> i, microseconds since 2000-01-01 00:00:00 (UTC for tz)
 *   numeric                    -> s, canonical decimal text: optional '-', digits, optional
 *                                 '.' and exactly `scale` digits; "NaN" for not-a-number
 *   text/varchar/bpchar/name/json/jsonb/unknown -> s, UTF-8, NUL-terminated (n excludes it)
 *   bytea                      -> s, raw bytes
 *   uuid                       -> s, 16 raw bytes
 *   arrays (int4[], text[] ...) -> s, a packed self-describing byte string (element type,
 *                                 count, null bitmap, elements): use sql_array_* below
 *   interval                   -> s, a packed sql_interval_t (n == SQL_INTERVAL_SIZE, 16
 *                                 bytes in host byte order, followed by a NUL byte; the
 *                                 pointer may be unaligned: read it with sql_interval_get)
 * Strings point into a memory context, named by whoever produced the value. */
typedef struct sql_value {
    bool isnull;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const char *p;
            uint32_t n;
        } s;
    } v;
} sql_value_t;

/* interval (sql_datetime.c): PostgreSQL's Interval. Comparison is by the total span with a
 * month as 30 days and a day as 24 hours (so '1 mon' = '30 days'). Storage (Orbit__Datum) is
 * the 16 packed bytes (bin); the binary wire format is PostgreSQL's (time, day, month BE). */
typedef struct sql_interval {
    int64_t time;  /* microseconds */
    int32_t day;
    int32_t month;
} sql_interval_t;
#define SQL_INTERVAL_SIZE 16
void sql_interval_get(const sql_value_t *v, sql_interval_t *out);
/* Copies iv into mcx and makes *out a non-NULL interval value. */
void sql_interval_set(orb_mcx_t *mcx, const sql_interval_t *iv, sql_value_t *out);

/* ---- arrays (sql_array.c) ---------------------------------------------------------------
 * One-dimensional arrays with lower bound 1 of int2, int4, int8, text, varchar, bpchar,
 * float4, float8, numeric, bool, date, timestamp, timestamptz, uuid, jsonb, bytea.
 * Multidimensional input or lower bounds other than 1: 0A000 "multidimensional arrays are
 * not supported yet". The value (v.s) is self-contained and self-describing: it records its
 * element type OID, so builtins and the executor can decode it without the column type.
 * Text I/O, binary send/recv, casts, comparison (PostgreSQL's btree array_cmp: element-wise,
 * NULL elements greater than any value, then length), hashing and storage (bin datum) go
 * through the generic sql_value_* functions with the array type OID. */
/* Array type OID of an element type, 0 when there is none (e.g. json, interval, arrays). */
uint32_t sql_array_type_of(uint32_t elem);
/* Element type OID of an array type, 0 when oid is not an array type. */
uint32_t sql_array_elem_of(uint32_t arr);
bool sql_type_is_array(uint32_t oid);
/* Builds an array value of n elements (each a value of elem_type, or NULL) in mcx; strings of
 * elems are copied. 42704 when elem_type has no array type. */
int sql_array_build(uint32_t elem_type, const sql_value_t *elems, int n, orb_mcx_t *mcx,
                    sql_value_t *out, orb_err_t *err);
/* Number of elements of a non-NULL array value (0 for '{}' and for NULL). */
int sql_array_len(const sql_value_t *arr);
/* The element type recorded in a non-NULL array value (0 for NULL). */
uint32_t sql_array_elem_type(const sql_value_t *arr);
/* Element i (0-based) of arr into *out (NULL element: out->isnull). elem_type may be 0 (the
 * one recorded in arr is used). Strings in *out point into arr's bytes (valid as long as arr
 * is; mcx is not used today). O(i). Returns -1 with out->isnull for i out of range: SQL
 * subscripts outside the array give NULL. */
int sql_array_get(uint32_t elem_type, const sql_value_t *arr, int i, orb_mcx_t *mcx,
                  sql_value_t *out);
/* All elements at once (O(n)): *elems is an array of *n values allocated in mcx, strings
 * pointing into arr. For unnest() and iteration. NULL arr gives 0 elements. */
int sql_array_elems(const sql_value_t *arr, orb_mcx_t *mcx, sql_value_t **elems, int *n);
/* Accumulator for array_agg: init, add each input (NULL kept), finish into mcx (a no-row
 * group must give SQL NULL: the caller checks acc.n == 0 / "no rows"), free the heap
 * buffers (always, also after finish). */
typedef struct sql_array_acc {
    uint32_t elem_type;
    int n;
    orb_buf_t data;
    orb_buf_t nulls;
} sql_array_acc_t;
void sql_array_acc_init(sql_array_acc_t *acc, uint32_t elem_type);
void sql_array_acc_add(sql_array_acc_t *acc, const sql_value_t *e);
int sql_array_acc_finish(sql_array_acc_t *acc, orb_mcx_t *mcx, sql_value_t *out);
void sql_array_acc_free(sql_array_acc_t *acc);

/* ---- type catalogue (sql_types.c) ----------------------------------------------------- */
typedef struct sql_type_info {
    uint32_t oid;
    const char *name;     /* pg_type.typname: "int4" */
    const char *sql_name; /* format_type name: "integer" */
    int16_t typlen;       /* pg_type.typlen */
    char category;        /* pg_type.typcategory: 'B','N','S','D','U','X' */
    bool preferred;       /* pg_type.typispreferred */
    int kind;             /* st_kind_t the value is stored as */
} sql_type_info_t;

const sql_type_info_t *sql_type_get(uint32_t oid); /* NULL if unknown */
/* Every type of the catalogue, in a static array (pg_type's rows). */
const sql_type_info_t *sql_type_all(int *n);
/* Maps a SQL type name as written (last name component, lower case: "int", "integer",
 * "int4", "varchar", "character varying", "numeric", "decimal", "timestamptz",
 * "timestamp with time zone" is given as "timestamptz" by the parser, "serial" is NOT
 * handled here) and its integer modifiers to an OID and typmod (PostgreSQL's encoding:
 * varchar(n) -> n + 4, numeric(p,s) -> ((p << 16) | s) + 4, -1 without). 42704 "type "x"
 * does not exist", 22023 for bad modifiers. */
int sql_type_lookup(const char *name, const int32_t *mods, int nmods, uint32_t *oid,
                    int32_t *typmod, orb_err_t *err);
/* "integer", "character varying(10)", "numeric(10,2)" — as format_type prints it. */
const char *sql_type_format(uint32_t oid, int32_t typmod, orb_mcx_t *mcx);

/* Text input: PostgreSQL's accepted forms and errors (22P02 "invalid input syntax for type
 * integer: "abc"", 22003 "value "99999999999" is out of range for type integer", 22007/22008
 * for dates). Applies typmod (varchar(n): 22001 "value too long for type character
 * varying(3)"; bpchar(n) pads; numeric(p,s) rounds, 22003 "numeric field overflow"). */
int sql_value_in(uint32_t oid, int32_t typmod, const char *text, size_t len, orb_mcx_t *mcx,
                 sql_value_t *out, orb_err_t *err);
/* Text output exactly as PostgreSQL 15 prints it (extra_float_digits = 1: shortest
 * round-trip floats; DateStyle ISO, MDY; TimeZone UTC; bytea hex; jsonb normalised).
 * Appends to out (NUL-terminated by orb_buf). Not for NULL. */
int sql_value_out(uint32_t oid, int32_t typmod, const sql_value_t *v, orb_buf_t *out,
                  orb_err_t *err);
/* Binary wire format (send/recv) for bool, int2, int4, int8, float4, float8, text, varchar,
 * bpchar, name, bytea, uuid, date, timestamp, timestamptz, interval, numeric, json, jsonb
 * (version byte 1). Other types: 0A000. recv errors: 22P03 "incorrect binary data format". */
int sql_value_recv(uint32_t oid, int32_t typmod, const char *data, size_t len, orb_mcx_t *mcx,
                   sql_value_t *out, orb_err_t *err);
int sql_value_send(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err);

typedef enum sql_cast_ctx {
    SQL_CAST_IMPLICIT = 0,  /* in expressions */
    SQL_CAST_ASSIGNMENT,    /* INSERT/UPDATE target columns */
    SQL_CAST_EXPLICIT,      /* CAST(x AS t), x::t */
} sql_cast_ctx_t;
/* Whether a cast from -> to is allowed in ctx (PostgreSQL's pg_cast rules for these
 * types; unknown -> anything; anything -> text explicit/assignment via output). */
bool sql_cast_allowed(uint32_t from, uint32_t to, sql_cast_ctx_t ctx);
/* Converts a non-NULL value (NULL passes through) and applies to_typmod (-1 none).
 * Errors as PostgreSQL: 22003 "integer out of range", 22P02 for text -> number, ... */
int sql_value_cast(uint32_t from, uint32_t to, int32_t to_typmod, const sql_value_t *in,
                   orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err);
/* Same, with the cast context: SQL_CAST_EXPLICIT truncates varchar(n)/char(n) silently
 * (x::varchar(3)); the others raise 22001 unless the excess is spaces. sql_value_cast is
 * this with SQL_CAST_ASSIGNMENT. Also bool -> text gives "true"/"false" as PostgreSQL. */
int sql_value_cast_ctx(uint32_t from, uint32_t to, int32_t to_typmod, sql_cast_ctx_t ctx,
                       const sql_value_t *in, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err);
/* Total order of two non-NULL values of the same type (bpchar ignores trailing spaces,
 * text compares bytewise (C collation), floats: NaN greatest as PostgreSQL). */
int sql_value_cmp(uint32_t oid, const sql_value_t *a, const sql_value_t *b);
/* Equality usable for DISTINCT and hashing: sql_value_cmp == 0. Hash consistent with it. */
uint64_t sql_value_hash(uint32_t oid, const sql_value_t *v);

/* Conversion to and from the storage/message form. Strings in d are borrowed from v
 * (to_datum) or copied into mcx (from_datum). */
void sql_value_to_datum(uint32_t oid, const sql_value_t *v, Orbit__Datum *d);
int sql_value_from_datum(uint32_t oid, const Orbit__Datum *d, orb_mcx_t *mcx, sql_value_t *out,
                         orb_err_t *err);

/* ---- numeric (sql_numeric.c): exact decimal arithmetic on canonical text ------------- */
/* All results allocated in mcx. Scale rules as PostgreSQL (add/sub: max scale; mul: sum of
 * scales; div: PostgreSQL's select_div_scale; round(x, s)). */
int sql_numeric_add(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_sub(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_mul(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_div(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_mod(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_cmp(const char *a, const char *b);
int sql_numeric_round(const char *a, int scale, orb_mcx_t *mcx, const char **out, orb_err_t *err);
/* PostgreSQL 15's numeric_power / numeric_ln / numeric_exp / numeric_log result scales:
 * power(a, b) ("a ^ b"), ln(a), exp(a), log(base, a) (log(a) is log(10, a)). Errors 2201F
 * (zero to a negative power, negative to a non-integer power), 2201E (log of zero or a
 * negative number), 22003 "value overflows numeric format". */
int sql_numeric_power(const char *a, const char *b, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_ln(const char *a, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_exp(const char *a, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql_numeric_log(const char *base, const char *a, orb_mcx_t *mcx, const char **out, orb_err_t *err);

/* ---- functions and operators (sql_builtin.c) ------------------------------------------ */
/* Context handed to every builtin: the statement's memory and the session facts some
 * functions need (now() is the transaction start time). */
typedef struct sql_fn_ctx {
    orb_mcx_t *mcx;
    int64_t txn_start_us;   /* timestamptz of the transaction start */
    int64_t stmt_start_us;  /* timestamptz of the statement start */
    void *session;          /* sql_session_t *, for functions that read session state */
} sql_fn_ctx_t;

typedef int (*sql_fn_cb)(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                         sql_value_t *result, orb_err_t *err);

#define SQL_FN_MAXARGS 4
typedef struct sql_builtin {
    const char *name;       /* function name or operator symbol ("+", "~~", "||") */
    int nargs;              /* -1: variadic, all of argtypes[0] */
    uint32_t argtypes[SQL_FN_MAXARGS];
    uint32_t rettype;       /* 0: same as the first argument's type */
    bool strict;            /* NULL in any argument -> NULL without calling fn */
    bool volatile_;         /* now(), random(): not folded */
    sql_fn_cb fn;
} sql_builtin_t;

/* Resolves an operator (ltype 0 for a prefix operator) like PostgreSQL: exact match, then
 * unknown literals taking the other side's type, then implicit casts preferring the
 * numeric promotion order int2 < int4 < int8 < numeric < float8. On success *out is the
 * builtin and lcast/rcast are the types each argument must be cast to (== its own type when
 * none). 42883 "operator does not exist: integer + text" with PostgreSQL's hint. */
int sql_oper_resolve(const char *op, uint32_t ltype, uint32_t rtype, const sql_builtin_t **out,
                     uint32_t *lcast, uint32_t *rcast, orb_err_t *err);
/* Resolves a function call the same way; argcasts[i] is the type arg i must be cast to.
 * 42883 "function foo(integer) does not exist". */
int sql_func_resolve(const char *name, int nargs, const uint32_t *argtypes,
                     const sql_builtin_t **out, uint32_t *argcasts, orb_err_t *err);

/* ---- aggregates (sql_agg.c) -------------------------------------------------------------- */
typedef struct sql_agg sql_agg_t;   /* the definition */
typedef struct sql_agg_state sql_agg_state_t;
/* count(*) is name "count" with nargs 0. Result types as PostgreSQL: sum(int4) -> int8,
 * sum(int8) -> numeric, avg(int) -> numeric, avg(float8) -> float8, min/max -> arg type. */
/* argcasts has nargs entries: the type each argument must be cast to. */
int sql_agg_resolve(const char *name, int nargs, const uint32_t *argtypes, const sql_agg_t **out,
                    uint32_t *argcasts, uint32_t *rettype, orb_err_t *err);
sql_agg_state_t *sql_agg_state_create(const sql_agg_t *agg, uint32_t argtype, orb_mcx_t *mcx);
/* args: the aggregate's arguments for one input row (NULL with nargs 0 for count(*)). */
int sql_agg_step(sql_agg_state_t *st, const sql_value_t *args, int nargs, orb_err_t *err);
int sql_agg_final(sql_agg_state_t *st, sql_value_t *out, orb_err_t *err);
/* Partial aggregation inside shards (proto AggSpec): which shard-side partial computes agg
 * over an argument of argtype (SQL_AGG_PARTIAL_*), or SQL_AGG_PARTIAL_NONE when the aggregate
 * must see every row at the coordinator. */
enum {
    SQL_AGG_PARTIAL_NONE = -1,
    SQL_AGG_PARTIAL_COUNT_STAR = 0,
    SQL_AGG_PARTIAL_COUNT,
    SQL_AGG_PARTIAL_SUM_INT,
    SQL_AGG_PARTIAL_SUM_FLOAT,
    SQL_AGG_PARTIAL_MIN,
    SQL_AGG_PARTIAL_MAX,
};
int sql_agg_partial_kind(const sql_agg_t *agg, uint32_t argtype);
/* Folds one shard's partial into st: count (COUNT*, COUNT, SUM_*), and for SUM_INT the exact
 * sum as numeric text, for SUM_FLOAT the sum as float8, for MIN/MAX the value (*v). */
int sql_agg_combine(sql_agg_state_t *st, int64_t count, const sql_value_t *v, orb_err_t *err);

#endif
