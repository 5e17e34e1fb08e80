/* sql/sql_proc.c — the builtin functions as pg_proc rows: every function (not operator) of the
 * core, pgvector and catalog tables whose argument and result types are known, once per
 * signature, in table order, with oids 14000 + its position (stable for a given orbitd; below
 * 16384, where PostgreSQL's initdb assigns its own). pg_get_function_arguments / _result /
 * _identity_arguments format their types. Orbit has no user functions (CREATE FUNCTION is
 * not there), so every row is in pg_catalog, language internal. */
#include "sql_int.h"
#include "sql_types_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PROC_OID0 14000u
#define PROC_MAX (16384u - PROC_OID0)

static const sql_builtin_t *procs[PROC_MAX];
static size_t nprocs;
static pthread_once_t procs_once = PTHREAD_ONCE_INIT;

static uint32_t ret_of(const sql_builtin_t *b) { return b->rettype ? b->rettype : b->argtypes[0]; }

static bool listable(const sql_builtin_t *b) {
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
    procs[nprocs++] = b;
}

static void build(void) {
    for (size_t k = 0; k < sql__builtin_count(); k++) add(sql__builtin_at(k));
    for (size_t k = 0; k < sql__vec_nbuiltins; k++) add(&sql__vec_builtins[k]);
    for (size_t k = 0; k < sql__cat_nbuiltins; k++) add(&sql__cat_builtins[k]);
}

size_t sql_proc_count(void) {
    pthread_once(&procs_once, build);
    return nprocs;
}

const sql_builtin_t *sql_proc_at(size_t i, uint32_t *oid) {
    pthread_once(&procs_once, build);
    if (i >= nprocs) return NULL;
    if (oid) *oid = PROC_OID0 + (uint32_t)i;
    return procs[i];
}

uint32_t sql_proc_rettype(const sql_builtin_t *b) { return ret_of(b); }

static const sql_builtin_t *by_oid(int64_t oid) {
    pthread_once(&procs_once, build);
    if (oid < PROC_OID0 || oid >= PROC_OID0 + (int64_t)nprocs) return NULL;
    return procs[oid - PROC_OID0];
}

const sql_builtin_t *sql_proc_by_oid(uint32_t oid) { return by_oid(oid); }

const char *sql_proc_description(uint32_t oid) {
    (void)oid;
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
        orb_buf_printf(&s, "%s%s", i ? ", " : "", sql_type_format(b->argtypes[i], -1, ctx->mcx));
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
    const char *t = sql_type_format(ret_of(b), -1, ctx->mcx);
    r->isnull = false;
    r->v.s.p = t;
    r->v.s.n = (uint32_t)strlen(t);
    return 0;
}
