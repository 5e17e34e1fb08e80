/* sql/sql_bit.c — PostgreSQL's bit(n) and bit varying(n) in SQL: typmods and the bit-string
 * builtins beyond pgvector's distances (length). The value format, text/binary forms and
 * length coercion are vector/vec_bit.c's; sql_vector.c dispatches the generic hooks (I/O,
 * casts, order) for both. B'0101' and X'1F' literals are typed bit (sql_expr.c). */
#include "../vector/vector.h"
#include "sql_types_int.h"

/* PostgreSQL's anybit_typmodin: bit(n) / varbit(n), 1 <= n <= 83886080. */
int sql__bit_typmod(uint32_t oid, const int32_t *mods, int nmods, int32_t *typmod, orb_err_t *err) {
    const char *tn = oid == SQL_OID_BIT ? "bit" : "varbit";
    if (nmods == 0) {
        *typmod = -1;
        return 0;
    }
    if (nmods != 1) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid type modifier");
    if (mods[0] < 1)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "length for type %s must be at least 1", tn);
    if (mods[0] > VEC_BIT_MAX_LEN)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "length for type %s cannot exceed %d", tn,
                           VEC_BIT_MAX_LEN);
    *typmod = mods[0];
    return 0;
}

/* length(bit) / bit_length(bit): the number of bits. */
int sql__bit_length(sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r,
                    orb_err_t *err) {
    r->isnull = false;
    r->v.i = vec_bit_len(a[0].v.s.p, a[0].v.s.n);
    return 0;
}
