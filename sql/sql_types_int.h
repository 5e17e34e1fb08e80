/* sql/sql_types_int.h — private helpers shared by the value-type files of sql/
 * (sql_types.c, sql_numeric.c, sql_datetime.c, sql_json.c, sql_builtin.c, sql_agg.c).
 * Never included from outside sql/. */
#ifndef ORB_SQL_TYPES_INT_H
#define ORB_SQL_TYPES_INT_H

#include "sql_value.h"


/* sql_type_info.kind holds the Orbit__Datum oneof case the value is stored as
 * (ORBIT__DATUM__V_B, _I, _F, _NUMERIC, _S, _BIN), not storage's st_kind_t, because sql/
 * must not include storage/. */

/* ---- numeric (sql_numeric.c) --------------------------------------------------------- */
/* Parses numeric input text (whitespace, sign, digits, '.', exponent, NaN, Infinity) into
 * canonical text allocated in mcx. 22P02 on bad syntax. */
int sql__numeric_in(const char *s, size_t len, orb_mcx_t *mcx, const char **out, orb_err_t *err);
/* Applies numeric(p,s) typmod (-1: none): rounds, 22003 "numeric field overflow". */
int sql__numeric_typmod(const char *a, int32_t typmod, orb_mcx_t *mcx, const char **out,
                        orb_err_t *err);
const char *sql__numeric_from_int(int64_t v, orb_mcx_t *mcx);
/* Round half away from zero to an integer; 22003 with msg (e.g. "integer out of range"). */
int sql__numeric_to_int(const char *a, int64_t lo, int64_t hi, const char *rangemsg, int64_t *out,
                        orb_err_t *err);
double sql__numeric_to_double(const char *a);
/* float -> numeric as PostgreSQL (digits = 15 for float8, 6 for float4). */
int sql__numeric_from_double(double d, int digits, orb_mcx_t *mcx, const char **out,
                             orb_err_t *err);
int sql__numeric_trunc(const char *a, int scale, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql__numeric_ceil(const char *a, bool ceil_, orb_mcx_t *mcx, const char **out, orb_err_t *err);
const char *sql__numeric_abs(const char *a, orb_mcx_t *mcx);
const char *sql__numeric_neg(const char *a, orb_mcx_t *mcx);
int sql__numeric_sign(const char *a); /* -1, 0, 1; 0 for NaN */
bool sql__numeric_is_nan(const char *a);
uint64_t sql__numeric_hash(const char *a);
int sql__numeric_send(const char *a, orb_buf_t *out);
int sql__numeric_recv(const char *data, size_t len, orb_mcx_t *mcx, const char **out,
                      orb_err_t *err);
int sql__numeric_sqrt(const char *a, orb_mcx_t *mcx, const char **out, orb_err_t *err);
/* sqrt rounded to rscale digits (PostgreSQL's sqrt_var). 2201F for negative input. */
int sql__numeric_sqrt_scale(const char *a, int rscale, orb_mcx_t *mcx, const char **out,
                            orb_err_t *err);
/* Digits after the point of a canonical numeric (0 for NaN/Infinity). */
int sql__numeric_scale(const char *a);

/* ---- floats (sql_types.c) ------------------------------------------------------------ */
void sql__float_out(double d, bool is_float4, orb_buf_t *out);
int sql__float_check(double r, bool inf_ok, bool zero_ok, bool is_float4, orb_err_t *err);

/* ---- date/time (sql_datetime.c) ------------------------------------------------------ */
#define SQL_DATE_NOBEGIN INT32_MIN
#define SQL_DATE_NOEND INT32_MAX
#define SQL_TS_NOBEGIN INT64_MIN
#define SQL_TS_NOEND INT64_MAX
#define SQL_USECS_PER_DAY INT64_C(86400000000)
int sql__date_in(const char *s, size_t len, int64_t *out, orb_err_t *err);
void sql__date_out(int64_t d, orb_buf_t *out);
/* with_tz: timestamptz (zone applied, result UTC); otherwise a zone is ignored. */
int sql__timestamp_in(const char *s, size_t len, bool with_tz, int64_t *out, orb_err_t *err);
void sql__timestamp_out(int64_t ts, bool with_tz, orb_buf_t *out);
/* Calendar helpers (PostgreSQL's date2j/j2date, Julian days). */
int sql__date2j(int y, int m, int d);
void sql__j2date(int jd, int *y, int *m, int *d);
int sql__ts_from_date(int64_t d, int64_t *out, orb_err_t *err);
int64_t sql__date_from_ts(int64_t ts);
/* Extract field (year, month, day, hour, minute, second, epoch, dow, doy, ...) as numeric
 * text: date_part semantics. */
int sql__ts_part(const char *field, int64_t ts, bool is_date, orb_mcx_t *mcx, const char **out,
                 orb_err_t *err);
/* interval (sql_datetime.c), see sql_interval_t in sql_value.h */
int sql__interval_in(const char *s, size_t len, sql_interval_t *out, orb_err_t *err);
void sql__interval_out(const sql_interval_t *iv, orb_buf_t *out);
int sql__interval_cmp(const sql_interval_t *a, const sql_interval_t *b);
uint64_t sql__interval_hash(const sql_interval_t *a);
int sql__interval_add(const sql_interval_t *a, const sql_interval_t *b, bool sub,
                      sql_interval_t *out, orb_err_t *err);
int sql__interval_neg(const sql_interval_t *a, sql_interval_t *out, orb_err_t *err);
int sql__interval_mul(const sql_interval_t *span, double factor, bool div, sql_interval_t *out,
                      orb_err_t *err);
int sql__ts_pl_interval(int64_t ts, const sql_interval_t *iv, int64_t *out, orb_err_t *err);
int sql__ts_mi(int64_t a, int64_t b, sql_interval_t *out, orb_err_t *err);
int sql__ts_age(int64_t a, int64_t b, sql_interval_t *out, orb_err_t *err);
void sql__interval_justify_hours(sql_interval_t *r);
void sql__interval_justify_days(sql_interval_t *r);
void sql__interval_justify(sql_interval_t *r);
int sql__interval_part(const char *field, const sql_interval_t *iv, orb_mcx_t *mcx,
                       const char **out, orb_err_t *err);
/* to_char for timestamps/dates (1: the result is NULL, for infinities) and to_timestamp /
 * to_date parsing (date_only: *out is a date). */
int sql__ts_to_char(int64_t ts, bool with_tz, const char *fmt, size_t n, orb_buf_t *out,
                    orb_err_t *err);
int sql__ts_from_char(const char *s, size_t sn, const char *fmt, size_t n, bool date_only,
                      int64_t *out, orb_err_t *err);
/* to_char for numbers: a numeric's canonical text with a format (9 0 . , D G FM S MI PL). */
int sql__numeric_to_char(const char *num, const char *fmt, size_t n, orb_mcx_t *mcx,
                         orb_buf_t *out, orb_err_t *err);

/* ---- json (sql_json.c) --------------------------------------------------------------- */
int sql__json_validate(const char *s, size_t len, orb_err_t *err);
/* Validates and normalises to PostgreSQL's jsonb text output, allocated in mcx. */
int sql__jsonb_normalize(const char *s, size_t len, orb_mcx_t *mcx, const char **out,
                         size_t *outlen, orb_err_t *err);
/* -> and ->> on json (jsonb false: the sub-value's original text) or jsonb (normalised):
 * object field key (by_index false) or array element idx (negative counts from the end).
 * out is NULL when absent; as_text (->>) gives strings unquoted and JSON null as NULL. */
int sql__json_get(bool jsonb, const char *s, size_t n, bool by_index, const char *key,
                  size_t klen, int64_t idx, bool as_text, orb_mcx_t *mcx, sql_value_t *out,
                  orb_err_t *err);
/* jsonb ? key: an object key, a string array element or the string scalar itself. */
int sql__jsonb_exists(const char *s, size_t n, const char *key, size_t klen, bool *out,
                      orb_err_t *err);
/* jsonb @> (PostgreSQL's containment, JsonbDeepContains). */
int sql__jsonb_contains(const char *a, size_t an, const char *b, size_t bn, bool *out,
                        orb_err_t *err);

/* to_json rendering of any value (NULL gives null) appended to out. */
int sql__json_from_value(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err);
void sql__json_escape(orb_buf_t *b, const char *s, size_t n);
/* json[b]_build_object / _array from SQL_OID_ANYJSON-cast arguments. */
int sql__json_build(bool jsonb, bool object, const sql_value_t *args, int n, orb_mcx_t *mcx,
                    sql_value_t *r, orb_err_t *err);
int sql__json_typeof(const char *s, size_t n, orb_mcx_t *mcx, const char **out, orb_err_t *err);
int sql__json_array_length(const char *s, size_t n, int64_t *out, orb_err_t *err);
int sql__jsonb_pretty(const char *s, size_t n, orb_mcx_t *mcx, sql_value_t *r, orb_err_t *err);
int sql__jsonb_concat(const char *a, size_t an, const char *b, size_t bn, orb_mcx_t *mcx,
                      sql_value_t *r, orb_err_t *err);
int sql__jsonb_delete(const char *s, size_t n, const char *key, size_t klen, orb_mcx_t *mcx,
                      sql_value_t *r, orb_err_t *err);
int sql__json_extract_path(bool jsonb, const char *s, size_t n, const sql_value_t *path, int np,
                           bool as_text, orb_mcx_t *mcx, sql_value_t *r, orb_err_t *err);

/* similar_to_escape (sql_builtin.c): the POSIX regex for a SQL SIMILAR TO pattern, appended to
 * out. has_e false: the default escape (backslash); an empty e: no escape. 22025 "invalid
 * escape string" for an escape longer than one character. */
int sql__similar_escape(const char *p, size_t plen, const char *e, size_t elen, bool has_e,
                        orb_buf_t *out, orb_err_t *err);

/* ---- arrays (sql_array.c) ------------------------------------------------------------ */
int sql__array_elem_index(uint32_t elem);    /* 0..15 in sql_array.c's table, -1 if none */
uint32_t sql__array_elem_by_index(int i);    /* inverse; 0 out of range */
#define SQL__ARRAY_NELEM 17
int sql__array_in(uint32_t arrtype, int32_t typmod, const char *s, size_t n, orb_mcx_t *mcx,
                  sql_value_t *out, orb_err_t *err);
int sql__array_out(const sql_value_t *v, orb_buf_t *out, orb_err_t *err);
int sql__array_send(const sql_value_t *v, orb_buf_t *out, orb_err_t *err);
int sql__array_recv(uint32_t arrtype, int32_t typmod, const char *d, size_t n, orb_mcx_t *mcx,
                    sql_value_t *out, orb_err_t *err);
/* Element-wise cast from one array type to another (typmod applies to the elements). */
int sql__array_cast(uint32_t from, uint32_t to, int32_t typmod, sql_cast_ctx_t ctx,
                    const sql_value_t *in, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err);
int sql__array_cmp(const sql_value_t *a, const sql_value_t *b);
uint64_t sql__array_hash(const sql_value_t *v);
/* builtins (sql_builtin.c's table) */
#define SQL__AARGS sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err
int sql__arr_length(SQL__AARGS);
int sql__arr_cardinality(SQL__AARGS);
int sql__arr_lower(SQL__AARGS);
int sql__arr_upper(SQL__AARGS);
int sql__arr_ndims(SQL__AARGS);
int sql__arr_dims(SQL__AARGS);
int sql__arr_to_string(SQL__AARGS);
int sql__string_to_array(SQL__AARGS);
/* these need the element type even when the array argument is NULL */
int sql__arr_append(SQL__AARGS, uint32_t elem);
int sql__arr_prepend(SQL__AARGS, uint32_t elem);
int sql__arr_cat(SQL__AARGS, uint32_t elem);
int sql__arr_remove(SQL__AARGS);
int sql__arr_replace(SQL__AARGS);
int sql__arr_position(SQL__AARGS);
int sql__arr_positions(SQL__AARGS);
int sql__arr_contains(SQL__AARGS);
int sql__arr_contained(SQL__AARGS);
int sql__arr_overlap(SQL__AARGS);
int sql__arr_eq(SQL__AARGS);
int sql__arr_ne(SQL__AARGS);
int sql__arr_lt(SQL__AARGS);
int sql__arr_le(SQL__AARGS);
int sql__arr_gt(SQL__AARGS);
int sql__arr_ge(SQL__AARGS);

/* ---- vector, halfvec, sparsevec, bit, varbit (sql_vector.c, sql_bit.c) ----------------- */
bool sql__vec_type_is(uint32_t oid);
int sql__vec_typmod(uint32_t oid, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err);
const char *sql__vec_type_format(uint32_t oid, int32_t typmod, orb_mcx_t *mcx);
int sql__vec_in(uint32_t oid, int32_t typmod, const char *s, size_t n, orb_mcx_t *mcx,
                sql_value_t *out, orb_err_t *err);
int sql__vec_out(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err);
int sql__vec_send(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err);
int sql__vec_recv(uint32_t oid, int32_t typmod, const char *d, size_t n, orb_mcx_t *mcx,
                  sql_value_t *out, orb_err_t *err);
/* pg_cast context ('i', 'a', 'e') of a cast to or from these types, 0 when there is none. */
char sql__vec_cast_ctx(uint32_t from, uint32_t to);
/* Casts among these types and to/from arrays; ORB_DECLINED when another path applies (text
 * input and output). */
int sql__vec_cast(uint32_t from, uint32_t to, int32_t typmod, bool explicit_, const sql_value_t *in,
                  orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err);
int sql__vec_cmp(uint32_t oid, const sql_value_t *a, const sql_value_t *b);
uint64_t sql__vec_hash(uint32_t oid, const sql_value_t *v);
/* The operators and functions of these types: a second builtin table, searched after
 * sql_builtin.c's own. */
extern const sql_builtin_t sql__vec_builtins[];
extern const size_t sql__vec_nbuiltins;
/* The core builtins table (sql_builtin.c), as written (polymorphic entries uninstantiated). */
size_t sql__builtin_count(void);
const sql_builtin_t *sql__builtin_at(size_t k);
/* The catalog functions (sql_catfn.c): a third table, searched after the vector one. */
extern const sql_builtin_t sql__cat_builtins[];
extern const size_t sql__cat_nbuiltins;
/* sum/avg over vector and halfvec: state allocated in mcx; NULL inputs are skipped, no rows
 * give NULL. */
typedef struct sql_vec_agg sql_vec_agg_t;
sql_vec_agg_t *sql__vec_agg_create(uint32_t type, bool avg, orb_mcx_t *mcx);
int sql__vec_agg_step(sql_vec_agg_t *st, const sql_value_t *v, orb_mcx_t *mcx, orb_err_t *err);
int sql__vec_agg_final(sql_vec_agg_t *st, orb_mcx_t *mcx, sql_value_t *out, orb_err_t *err);
/* sql_bit.c */
int sql__bit_typmod(uint32_t oid, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err);
int sql__bit_length(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                    orb_err_t *err);

/* ---- strings (sql_types.c) ------------------------------------------------------------ */
size_t sql__utf8_len(const char *s, size_t n);         /* characters */
size_t sql__utf8_prefix(const char *s, size_t n, size_t nchars); /* bytes of first nchars */
size_t sql__bpchar_trimmed_len(const char *s, size_t n);
uint64_t sql__hash_bytes(const void *p, size_t n, uint64_t seed);
/* sql_aclexplode.c: aclexplode's records compared field by field, as record_cmp does */
int sql__record_cmp(const sql_value_t *a, const sql_value_t *b);
/* ... and their binary form (record_send's: field count, then type oid, length, value each) */
void sql__record_send(const sql_value_t *v, orb_buf_t *out);
/* sql_format.c: format(fmt, "any"...), quote_literal("any"), quote_nullable("any") */
int sql__fn_format(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err);
int sql__fn_quote_literal(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err);
int sql__fn_quote_nullable(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err);

#endif
