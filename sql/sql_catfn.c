/* sql/sql_catfn.c — the functions client tools call on the catalog (pg_table_is_visible,
 * format_type, pg_get_indexdef, pg_get_constraintdef, pg_get_userbyid, obj_description, the
 * size and privilege functions, ...) and the catalog-aware text I/O of the object identifier
 * types regclass, regtype, regproc, regnamespace and regrole (sql_reg_in / sql_reg_out). The
 * functions are a builtin table (sql__cat_builtins) searched after the main one. Each reads
 * the catalog through the calling session (sql_fn_ctx_t.session). See README.md ("System
 * relations"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"
#include "sql_backend.h"
#include "sql_operator.h"
#include "sql_pgcat.h"
#include "sql_role.h"
#include "sql_settings.h"
#include "sql_stats.h"
#include "sql_types_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARGS sql_fn_ctx_t *ctx, const sql_value_t *a, int nargs, sql_value_t *r, orb_err_t *err
#define UNUSED (void)ctx, (void)a, (void)nargs, (void)err

static int ret_text(orb_mcx_t *mcx, const char *s, sql_value_t *r) {
    r->isnull = false;
    r->v.s.p = orb_strdup(mcx, s);
    r->v.s.n = (uint32_t)strlen(s);
    return 0;
}

static int ret_null(sql_value_t *r) {
    r->isnull = true;
    return 0;
}

static int ret_bool(bool b, sql_value_t *r) {
    r->isnull = false;
    r->v.b = b;
    return 0;
}

static int ret_int(int64_t i, sql_value_t *r) {
    r->isnull = false;
    r->v.i = i;
    return 0;
}

/* ---- names: quoted identifiers and qualified names -------------------------------------- */

/* Splits "a.b" / "\"A\".b" / "b" into at most two identifiers, unquoting and lower-casing
 * unquoted parts as the parser does. Returns the number of parts, 0 when malformed. */
static int split_name(const char *s, size_t n, char parts[2][64]) {
    int np = 0;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    while (i < n) {
        if (np == 2) return 0;
        size_t k = 0;
        if (s[i] == '"') {
            i++;
            while (i < n) {
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') i++;
                    else break;
                }
                if (k < 63) parts[np][k++] = s[i];
                i++;
            }
            if (i >= n) return 0;
            i++;
        } else {
            while (i < n && s[i] != '.' && s[i] != ' ') {
                char c = s[i++];
                if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
                if (k < 63) parts[np][k++] = c;
            }
        }
        parts[np][k] = 0;
        if (k == 0) return 0;
        np++;
        while (i < n && s[i] == ' ') i++;
        if (i < n) {
            if (s[i] != '.') return 0;
            i++;
        }
    }
    return np;
}

static bool all_digits(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* ---- reg* I/O ------------------------------------------------------------------------------ */


int sql_reg_in(sql_session_t *s, uint32_t type, const char *text, size_t n, orb_mcx_t *mcx,
               int64_t *out, orb_err_t *err) {
    if (all_digits(text, n)) {
        sql_value_t v;
        if (sql_value_in(SQL_OID_OID, -1, text, n, mcx, &v, err) != 0) return -1;
        *out = v.v.i;
        return 0;
    }
    if (n == 1 && text[0] == '-' && type != SQL_OID_REGCLASS) {
        *out = 0;
        return 0;
    }
    char parts[2][64];
    int np = split_name(text, n, parts);
    switch (type) {
    case SQL_OID_REGCLASS: {
        if (np == 0) break;
        sql_pgrels_t rels;
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        const sql_pgrel_t *x = sql_pgrels_lookup(s, &rels, np == 2 ? parts[0] : NULL, parts[np - 1]);
        if (!x)
            return orb_err_set(err, UNDEFINED_TABLE, "relation \"%.*s\" does not exist", (int)n, text);
        *out = x->oid;
        return 0;
    }
    case SQL_OID_REGTYPE: {
        uint32_t oid;
        int32_t typmod;
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)n, text);
        char *p = strrchr(buf, '.');
        const char *nm = p ? p + 1 : buf;
        if (sql_type_lookup(nm, NULL, 0, &oid, &typmod, err) != 0) return -1;
        *out = oid;
        return 0;
    }
    case SQL_OID_REGNAMESPACE: {
        if (np != 1) break;
        sql_schema_entry_t *v;
        int nn;
        if (sql_schema_list(sql_session_engine(s), &v, &nn, err) != 0) return -1;
        int64_t found = -1;
        for (int i = 0; i < nn; i++)
            if (strcmp(v[i].name, parts[0]) == 0) found = v[i].oid;
        free(v);
        if (found < 0) return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", parts[0]);
        *out = found;
        return 0;
    }
    case SQL_OID_REGROLE: {
        sql_role_t r;
        if (np == 1 && sql_role_by_name(sql_session_engine(s), parts[0], &r)) {
            *out = r.oid;
            return 0;
        }
        return orb_err_set(err, UNDEFINED_OBJECT, "role \"%.*s\" does not exist", (int)n, text);
    }
    case SQL_OID_REGPROC:
    case SQL_OID_REGPROCEDURE: {
        /* pg_proc's rows (sql_proc.c) */
        uint32_t oid;
        if (sql_proc_lookup(text, n, type == SQL_OID_REGPROCEDURE, &oid, err) != 0) return -1;
        *out = oid;
        return 0;
    }
    default: {
        if (np == 0) break;
        return orb_err_set(err, UNDEFINED_FUNCTION, "function \"%.*s\" does not exist", (int)n, text);
    }
    }
    return orb_err_set(err, INVALID_NAME, "invalid name syntax");
}

int sql_reg_out(sql_session_t *s, uint32_t type, int64_t oid, orb_mcx_t *mcx, orb_buf_t *out,
                orb_err_t *err) {
    if (oid == 0 && type != SQL_OID_REGCLASS) {
        orb_buf_putc(out, '-');
        return 0;
    }
    switch (type) {
    case SQL_OID_REGCLASS: {
        sql_pgrels_t rels;
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        const sql_pgrel_t *x = sql_pgrels_find(&rels, (uint32_t)oid);
        if (!x) break;
        if (!sql_pgrels_visible(s, &rels, x)) {
            sql_pgcat_quote_ident(out, x->schema);
            orb_buf_putc(out, '.');
        }
        sql_pgcat_quote_ident(out, x->name);
        return 0;
    }
    case SQL_OID_REGTYPE: {
        if (!sql_type_get((uint32_t)oid)) break;
        orb_buf_puts(out, oid == SQL_OID_BPCHAR ? "character" : sql_type_format((uint32_t)oid, -1, mcx));
        return 0;
    }
    case SQL_OID_REGNAMESPACE: {
        sql_schema_entry_t *v;
        int nn;
        if (sql_schema_list(sql_session_engine(s), &v, &nn, err) != 0) return -1;
        bool done = false;
        for (int i = 0; i < nn && !done; i++) {
            if (v[i].oid != (uint32_t)oid) continue;
            sql_pgcat_quote_ident(out, v[i].name);
            done = true;
        }
        free(v);
        if (done) return 0;
        break;
    }
    case SQL_OID_REGROLE: {
        sql_role_t r;
        if (oid >= 0 && oid <= UINT32_MAX && sql_role_by_oid(sql_session_engine(s), (uint32_t)oid, &r)) {
            sql_pgcat_quote_ident(out, r.name);
            return 0;
        }
        break;
    }
    case SQL_OID_REGPROC:
    case SQL_OID_REGPROCEDURE: {
        /* pg_proc's functions (sql_proc.c), else a function an operator names (sql_operator.c) */
        if (oid < 0 || oid > UINT32_MAX) break;
        const sql_builtin_t *b = sql_proc_by_oid((uint32_t)oid);
        const char *name = b ? b->name : sql_operator_proc_name((uint32_t)oid);
        if (!name) break;
        orb_buf_puts(out, name);
        if (type == SQL_OID_REGPROCEDURE && b) {
            orb_buf_putc(out, '(');
            for (int i = 0; i < b->nargs; i++)
                orb_buf_printf(out, "%s%s", i ? "," : "", sql_type_format(b->argtypes[i], -1, mcx));
            orb_buf_putc(out, ')');
        }
        return 0;
    }
    case SQL_OID_REGOPER: {
        /* as regoperout: the bare name when it names one operator, else qualified */
        const sql_operator_t *o = oid >= 0 && oid <= UINT32_MAX ? sql_operator_by_oid((uint32_t)oid) : NULL;
        if (!o) break;
        if (!sql_operator_name_unique(o->name)) orb_buf_puts(out, o->oid >= 9100 && o->oid < 9200 ? "public." : "pg_catalog.");
        orb_buf_puts(out, o->name);
        return 0;
    }
    default:
        break;
    }
    orb_buf_printf(out, "%lld", (long long)oid);
    return 0;
}

/* casts from and to strings, called by the analyzer's coercions (sql_expr.c) */
static int reg_in_fn(sql_fn_ctx_t *ctx, uint32_t type, const sql_value_t *a, sql_value_t *r,
                     orb_err_t *err) {
    r->isnull = false;
    return sql_reg_in(ctx->session, type, a[0].v.s.p, a[0].v.s.n, ctx->mcx, &r->v.i, err);
}

static int reg_out_fn(sql_fn_ctx_t *ctx, uint32_t type, const sql_value_t *a, sql_value_t *r,
                      orb_err_t *err) {
    orb_buf_t b;
    orb_buf_init(&b);
    int rc = sql_reg_out(ctx->session, type, a[0].v.i, ctx->mcx, &b, err);
    if (rc == 0) ret_text(ctx->mcx, b.data ? b.data : "", r);
    orb_buf_free(&b);
    return rc;
}

#define REG_IO(lower, OID)                                                                     \
    static int lower##_in(ARGS) { (void)nargs; return reg_in_fn(ctx, OID, a, r, err); }       \
    static int lower##_out(ARGS) { (void)nargs; return reg_out_fn(ctx, OID, a, r, err); }
REG_IO(regclass, SQL_OID_REGCLASS)
REG_IO(regtype, SQL_OID_REGTYPE)
REG_IO(regproc, SQL_OID_REGPROC)
REG_IO(regprocedure, SQL_OID_REGPROCEDURE)
REG_IO(regoper, SQL_OID_REGOPER)
REG_IO(regnamespace, SQL_OID_REGNAMESPACE)
REG_IO(regrole, SQL_OID_REGROLE)

static int to_regclass(ARGS) {
    (void)nargs;
    if (reg_in_fn(ctx, SQL_OID_REGCLASS, a, r, err) == 0) return 0;
    return ret_null(r); /* NULL instead of an error */
}

/* ---- visibility, owners, definitions --------------------------------------------------- */

static int f_userbyid(ARGS) {
    UNUSED;
    sql_role_t role;
    if (a[0].v.i >= 0 && a[0].v.i <= UINT32_MAX &&
        sql_role_by_oid(sql_session_engine(ctx->session), (uint32_t)a[0].v.i, &role))
        return ret_text(ctx->mcx, role.name, r);
    if (a[0].v.i == 6171) return ret_text(ctx->mcx, "pg_database_owner", r);
    char buf[48];
    snprintf(buf, sizeof buf, "unknown (OID=%lld)", (long long)a[0].v.i);
    return ret_text(ctx->mcx, buf, r);
}

static int f_table_is_visible(ARGS) {
    UNUSED;
    sql_pgrels_t rels;
    if (sql_pgrels_load(ctx->session, ctx->mcx, &rels, err) != 0) return -1;
    const sql_pgrel_t *x = sql_pgrels_find(&rels, (uint32_t)a[0].v.i);
    if (!x) return ret_null(r);
    return ret_bool(sql_pgrels_visible(ctx->session, &rels, x), r);
}

static int f_type_is_visible(ARGS) {
    UNUSED;
    const sql_type_info_t *t = sql_type_get((uint32_t)a[0].v.i);
    if (!t) return ret_null(r);
    return ret_bool(a[0].v.i < 16384 || sql_pgcat_schema_visible(ctx->session, "public"), r);
}

static int f_true(ARGS) {
    UNUSED;
    return ret_bool(true, r);
}

static int f_false(ARGS) {
    UNUSED;
    return ret_bool(false, r);
}

static int f_null(ARGS) {
    UNUSED;
    return ret_null(r);
}

static int f_zero(ARGS) {
    UNUSED;
    return ret_int(0, r);
}

static int f_database_size_name(ARGS) { return sql_fn_database_size(ctx, a, nargs, r, err, false); }
static int f_database_size_oid(ARGS) { return sql_fn_database_size(ctx, a, nargs, r, err, true); }

static int f_format_type(ARGS) {
    UNUSED;
    if (a[0].isnull) return ret_null(r);
    int32_t typmod = nargs > 1 && !a[1].isnull ? (int32_t)a[1].v.i : -1;
    uint32_t oid = (uint32_t)a[0].v.i;
    if (oid == 0) return ret_text(ctx->mcx, "-", r); /* as PostgreSQL: a prefix operator's left */
    if (!sql_type_get(oid)) return ret_text(ctx->mcx, "???", r);
    /* format_type_extended: bpchar without a typmod given is "character" */
    if (oid == SQL_OID_BPCHAR && (nargs < 2 || a[1].isnull)) return ret_text(ctx->mcx, "character", r);
    return ret_text(ctx->mcx, sql_type_format(oid, typmod, ctx->mcx), r);
}

static int f_indexdef(ARGS) {
    UNUSED;
    sql_pgrels_t rels;
    if (sql_pgrels_load(ctx->session, ctx->mcx, &rels, err) != 0) return -1;
    const sql_pgrel_t *x = sql_pgrels_find(&rels, (uint32_t)a[0].v.i);
    if (!x || x->kind != 'i' || !x->table) return ret_null(r);
    int column = nargs > 1 ? (int)a[1].v.i : 0;
    return ret_text(ctx->mcx, sql_pgcat_indexdef(x, column, ctx->mcx), r);
}

static int f_constraintdef(ARGS) {
    UNUSED;
    sql_pgrels_t rels;
    if (sql_pgrels_load(ctx->session, ctx->mcx, &rels, err) != 0) return -1;
    uint32_t oid = (uint32_t)a[0].v.i;
    if (oid < 0x80000000u) return ret_null(r);
    uint32_t tid = ((oid - 0x80000000u) / 4096u) + 16384u;
    const sql_pgrel_t *x = sql_pgrels_find(&rels, tid);
    if (!x || !x->table) return ret_null(r);
    sql_pgcon_t *cs;
    int n = sql_pgcat_constraints(&rels, x->table, ctx->mcx, &cs);
    for (int i = 0; i < n; i++)
        if (cs[i].oid == oid)
            return ret_text(ctx->mcx, sql_pgcat_constraintdef(ctx->session, &rels, x->table, &cs[i], ctx->mcx), r);
    return ret_null(r);
}

/* pg_get_expr(pg_node_tree, relation): the catalog stores expressions as text already */
static int f_get_expr(ARGS) {
    UNUSED;
    *r = a[0];
    return 0;
}

static int f_viewdef(ARGS) {
    UNUSED;
    sql_pgrels_t rels;
    if (sql_pgrels_load(ctx->session, ctx->mcx, &rels, err) != 0) return -1;
    const sql_pgrel_t *x = sql_pgrels_find(&rels, (uint32_t)a[0].v.i);
    if (!x || x->kind != 'v') return ret_null(r);
    return ret_text(ctx->mcx, orb_sprintf(ctx->mcx, " %s;", x->table->view_sql), r);
}

/* the pg_class oid of a catalog named in obj_description(oid, 'pg_class') */
static uint32_t catalog_oid(const sql_value_t *v) {
    static const struct { const char *name; uint32_t oid; } cats[] = {
        {"pg_class", 1259}, {"pg_constraint", 2606}, {"pg_namespace", 2615},
        {"pg_extension", 3079}, {"pg_database", 1262}, {"pg_tablespace", 1213},
        {"pg_authid", 1260}, {"pg_proc", 1255}, {"pg_type", 1247}, {"pg_am", 2601},
        {"pg_trigger", 2620}, {"pg_rewrite", 2618}, {"pg_policy", 3256}, {"pg_operator", 2617}};
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
        if (v->v.s.n == strlen(cats[i].name) && memcmp(v->v.s.p, cats[i].name, v->v.s.n) == 0)
            return cats[i].oid;
    return 0;
}

/* obj_description(oid[, catalog]), col_description(table, attnum),
 * shobj_description(oid, catalog): COMMENT ON's comments (sql_comment.c) */
static int comment_of(sql_fn_ctx_t *ctx, uint32_t classoid, uint32_t objoid, int32_t objsubid,
                      sql_value_t *r, orb_err_t *err) {
    sql_engine_t *e = sql_session_engine(ctx->session);
    const char *text;
    if (sql_comment_get(e, classoid, objoid, objsubid, ctx->mcx, &text, err) != 0) return -1;
    /* builtin objects: PostgreSQL's descriptions (sql_operator.c, sql_proc.c) */
    if (!text && classoid == 2617 && objsubid == 0) text = sql_operator_description(objoid);
    if (!text && classoid == 1255 && objsubid == 0) text = sql_proc_description(objoid);
    return text ? ret_text(ctx->mcx, text, r) : ret_null(r);
}

static int f_obj_description(ARGS) {
    UNUSED;
    uint32_t oid = (uint32_t)a[0].v.i;
    if (nargs >= 2) return comment_of(ctx, catalog_oid(&a[1]), oid, 0, r, err);
    /* the deprecated one-argument form: any non-shared object with that oid */
    static const uint32_t classes[] = {1259, 2606, 2615, 3079};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (comment_of(ctx, classes[i], oid, 0, r, err) != 0) return -1;
        if (!r->isnull) return 0;
    }
    return 0;
}

static int f_col_description(ARGS) {
    UNUSED;
    return comment_of(ctx, 1259, (uint32_t)a[0].v.i, (int32_t)a[1].v.i, r, err);
}

static int f_shobj_description(ARGS) {
    UNUSED;
    return comment_of(ctx, catalog_oid(&a[1]), (uint32_t)a[0].v.i, 0, r, err);
}

static int f_encoding_to_char(ARGS) {
    UNUSED;
    return ret_text(ctx->mcx, a[0].v.i == 6 ? "UTF8" : a[0].v.i == 0 ? "SQL_ASCII" : "", r);
}

/* pg_size_pretty as PostgreSQL 15: bytes, kB, MB, GB, TB with half-rounding */
static int f_size_pretty(ARGS) {
    UNUSED;
    int64_t size = a[0].v.i;
    static const char *const units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    int64_t limit = 10 * 1024, abs = size < 0 ? -size : size;
    if (abs < limit) return ret_text(ctx->mcx, orb_sprintf(ctx->mcx, "%lld bytes", (long long)size), r);
    size /= 512; /* half-units, rounded below */
    abs = size < 0 ? -size : size;
    u = 1;
    while (abs >= limit * 2 && u < 5) {
        size /= 1024;
        abs = size < 0 ? -size : size;
        u++;
    }
    size = size < 0 ? -((-size + 1) / 2) : (size + 1) / 2;
    return ret_text(ctx->mcx, orb_sprintf(ctx->mcx, "%lld %s", (long long)size, units[u]), r);
}

static int f_quote_ident(ARGS) {
    UNUSED;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)a[0].v.s.n, a[0].v.s.p);
    orb_buf_t b;
    orb_buf_init(&b);
    sql_pgcat_quote_ident(&b, buf);
    ret_text(ctx->mcx, b.data ? b.data : "", r);
    orb_buf_free(&b);
    return 0;
}

static int f_start_time(ARGS) {
    UNUSED;
    return ret_int(sql_session_engine(ctx->session)->start_us, r);
}

static int f_current_setting(ARGS) {
    UNUSED;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)a[0].v.s.n, a[0].v.s.p);
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    if (sql_settings_find(name) < 0) {
        if (nargs > 1 && a[1].v.b) return ret_null(r);
        return orb_err_set(err, UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
    }
    return ret_text(ctx->mcx, sql_session_setting(ctx->session, name), r);
}

/* set_config(name, value, is_local): SET name = value (also SET LOCAL for now); returns the
 * setting's new value */
static int f_set_config(ARGS) {
    UNUSED;
    if (a[0].isnull)
        return orb_err_set(err, NULL_VALUE_NOT_ALLOWED, "SET requires parameter name");
    char *name = orb_strndup(ctx->mcx, a[0].v.s.p, a[0].v.s.n);
    const char *value = a[1].isnull ? "" : orb_strndup(ctx->mcx, a[1].v.s.p, a[1].v.s.n);
    int rc = a[1].isnull ? sql_session_reset_config(ctx->session, name, err)
                         : sql_session_set_config(ctx->session, name, value, err);
    if (rc != 0) return -1;
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    if (sql_settings_find(name) < 0) return ret_text(ctx->mcx, value, r);
    return ret_text(ctx->mcx, sql_session_setting(ctx->session, name), r);
}

static int f_partition_ancestors(ARGS) {
    UNUSED;
    *r = a[0];
    return 0;
}

/* has_table_privilege([role name | oid,] table text | oid, privileges text): from the ACLs
 * (sql_acl.c). A table named by text must exist (42P01); by oid, an unknown one is NULL;
 * system relations are readable by everyone. privileges: a comma-separated list, any of which
 * suffices; "x WITH GRANT OPTION" asks for x's grant option (sql_acl.h SQL_ACL_GO_SHIFT). */
/* A has_*_privilege privileges argument: a comma-separated list of names[i] (bit 1 << bit[i]),
 * each perhaps "x WITH GRANT OPTION" (x's grant-option bit, SQL_ACL_GO_SHIFT above it); any
 * of them suffices. *grant_opt: some entry asks for a grant option. */
static int priv_bits(const sql_value_t *v, const char *const *names, const uint32_t *bit, int n,
                     uint32_t *bits, bool *grant_opt, orb_err_t *err) {
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)v->v.s.n, v->v.s.p);
    *bits = 0;
    *grant_opt = false;
    char *save = NULL;
    for (char *it = strtok_r(buf, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
        while (*it == ' ') it++;
        size_t len = strlen(it);
        while (len && it[len - 1] == ' ') it[--len] = 0;
        const char *wgo = " with grant option";
        size_t wl = strlen(wgo);
        bool go = false;
        if (len > wl && strcasecmp(it + len - wl, wgo) == 0) {
            it[len - wl] = 0;
            go = *grant_opt = true;
        }
        int k = -1;
        for (int j = 0; j < n && k < 0; j++)
            if (strcasecmp(it, names[j]) == 0) k = j;
        if (k < 0) return orb_err_set(err, INVALID_PARAMETER_VALUE, "unrecognized privilege type: \"%s\"", it);
        *bits |= go ? bit[k] << SQL_ACL_GO_SHIFT : bit[k];
    }
    return 0;
}

/* The role a has_*_privilege call asks about: the session's (has_role false), or a[0] by oid
 * or by name. Returns 1 with *role; 0 when the answer is already in *r (the session user is
 * not a catalog role: true; an unknown role oid: NULL); -1 on error (an unknown name). */
static int priv_role(sql_fn_ctx_t *ctx, bool has_role, bool role_by_oid, const sql_value_t *a,
                     sql_role_t *role, sql_value_t *r, orb_err_t *err) {
    sql_session_t *s = ctx->session;
    sql_engine_t *e = sql_session_engine(s);
    if (!has_role) {
        if (!sql_role_by_name(e, sql_session_user(s), role)) return ret_bool(true, r), 0;
    } else if (role_by_oid) {
        if (a[0].v.i < 0 || a[0].v.i > UINT32_MAX || !sql_role_by_oid(e, (uint32_t)a[0].v.i, role))
            return ret_null(r), 0;
    } else {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)a[0].v.s.n, a[0].v.s.p);
        if (!sql_role_by_name(e, name, role))
            return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
    }
    return 1;
}

static int table_priv(sql_fn_ctx_t *ctx, bool has_role, bool role_by_oid, bool table_by_oid, const sql_value_t *a,
                      sql_value_t *r, orb_err_t *err) {
    sql_session_t *s = ctx->session;
    sql_engine_t *e = sql_session_engine(s);
    sql_role_t role;
    int known = priv_role(ctx, has_role, role_by_oid, a, &role, r, err);
    if (known <= 0) return known;
    const sql_value_t *t = &a[has_role ? 1 : 0], *p = &a[has_role ? 2 : 1];
    int64_t oid;
    if (table_by_oid) {
        oid = t->v.i;
    } else if (sql_reg_in(s, SQL_OID_REGCLASS, t->v.s.p, t->v.s.n, ctx->mcx, &oid, err) != 0) {
        return -1;
    }
    uint32_t bits;
    bool grant_opt;
    static const char *const names[] = {"insert", "select", "update", "delete", "truncate", "references", "trigger"};
    static const uint32_t bit[] = {1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6};
    if (priv_bits(p, names, bit, 7, &bits, &grant_opt, err) != 0) return -1;
    if (oid < 16384) return ret_bool(!grant_opt || role.super, r); /* system relations: readable */
    sql_table_t *tab = oid <= UINT32_MAX ? sql_catalog_get_by_id(e, (uint32_t)oid) : NULL;
    if (!tab) return ret_null(r);
    sql_table_release(tab);
    bool ok;
    if (sql_acl_role_has(e, role.oid, (uint32_t)oid, bits, &ok, err) != 0) return -1;
    return ret_bool(ok, r);
}

/* has_schema_privilege([role name | oid,] schema text | oid, privileges text): USAGE, CREATE,
 * "x WITH GRANT OPTION", a comma-separated list any of which suffices (sql_acl.c). A schema
 * named by text must exist (3F000), by oid an unknown one is NULL. */
static int schema_priv(sql_fn_ctx_t *ctx, bool has_role, bool role_by_oid, bool nsp_by_oid, const sql_value_t *a,
                       sql_value_t *r, orb_err_t *err) {
    sql_session_t *s = ctx->session;
    sql_engine_t *e = sql_session_engine(s);
    sql_role_t role;
    int known = priv_role(ctx, has_role, role_by_oid, a, &role, r, err);
    if (known <= 0) return known;
    const sql_value_t *n = &a[has_role ? 1 : 0], *p = &a[has_role ? 2 : 1];
    /* the privileges first, as PostgreSQL checks them before the schema */
    static const char *const names[] = {"usage", "create"};
    static const uint32_t bit[] = {SQL_ACL_USAGE, SQL_ACL_CREATE};
    uint32_t bits;
    bool grant_opt;
    if (priv_bits(p, names, bit, 2, &bits, &grant_opt, err) != 0) return -1;
    char schema[64] = "";
    sql_schema_entry_t *v;
    int nn;
    if (sql_schema_list(e, &v, &nn, err) != 0) return -1;
    bool found = false;
    for (int i = 0; i < nn && !found; i++) {
        if (nsp_by_oid ? n->v.i == v[i].oid : (n->v.s.n == strlen(v[i].name) && memcmp(n->v.s.p, v[i].name, n->v.s.n) == 0)) {
            snprintf(schema, sizeof schema, "%s", v[i].name);
            found = true;
        }
    }
    free(v);
    if (!found) {
        if (nsp_by_oid) return ret_null(r);
        return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%.*s\" does not exist", (int)n->v.s.n, n->v.s.p);
    }
    bool ok;
    if (sql_acl_role_has_schema(e, role.oid, schema, bits, &ok, err) != 0) return -1;
    return ret_bool(ok, r);
}

/* has_database_privilege([role name | oid,] database text | oid, privileges text): CREATE,
 * CONNECT, TEMPORARY / TEMP, "x WITH GRANT OPTION" (sql_acl.c: the default ACL). A database
 * named by text must exist (3D000), by oid an unknown one is NULL. */
typedef struct db_find {
    const sql_value_t *key;
    bool by_oid, found;
    uint32_t owner;
} db_find_t;

static void db_find_cb(void *arg, const char *name, uint32_t oid, uint32_t owner, int32_t connlimit,
                       bool is_template, bool allow_conn) {
    (void)connlimit, (void)is_template, (void)allow_conn;
    db_find_t *d = arg;
    bool hit = d->by_oid ? d->key->v.i == oid
                         : d->key->v.s.n == strlen(name) && memcmp(d->key->v.s.p, name, d->key->v.s.n) == 0;
    if (hit) {
        d->found = true;
        d->owner = owner;
    }
}

static int database_priv(sql_fn_ctx_t *ctx, bool has_role, bool role_by_oid, bool db_by_oid, const sql_value_t *a,
                         sql_value_t *r, orb_err_t *err) {
    sql_session_t *s = ctx->session;
    sql_engine_t *e = sql_session_engine(s);
    sql_role_t role;
    int known = priv_role(ctx, has_role, role_by_oid, a, &role, r, err);
    if (known <= 0) return known;
    const sql_value_t *n = &a[has_role ? 1 : 0], *p = &a[has_role ? 2 : 1];
    static const char *const names[] = {"create", "connect", "temporary", "temp"};
    static const uint32_t bit[] = {SQL_ACL_CREATE, SQL_ACL_CONNECT, SQL_ACL_TEMP, SQL_ACL_TEMP};
    uint32_t bits;
    bool grant_opt;
    if (priv_bits(p, names, bit, 4, &bits, &grant_opt, err) != 0) return -1;
    db_find_t d = {n, db_by_oid, false, 0};
    if (sql_database_list(e, db_find_cb, &d, err) != 0) return -1;
    if (!d.found) {
        if (db_by_oid) return ret_null(r);
        return orb_err_set(err, INVALID_CATALOG_NAME, "database \"%.*s\" does not exist", (int)n->v.s.n, n->v.s.p);
    }
    return ret_bool(sql_acl_role_has_database(e, role.oid, d.owner, bits), r);
}

static int f_hdp_tt(ARGS) { (void)nargs; return database_priv(ctx, false, false, false, a, r, err); }
static int f_hdp_ot(ARGS) { (void)nargs; return database_priv(ctx, false, false, true, a, r, err); }
static int f_hdp_ntt(ARGS) { (void)nargs; return database_priv(ctx, true, false, false, a, r, err); }
static int f_hdp_not(ARGS) { (void)nargs; return database_priv(ctx, true, false, true, a, r, err); }
static int f_hdp_ott(ARGS) { (void)nargs; return database_priv(ctx, true, true, false, a, r, err); }
static int f_hdp_oot(ARGS) { (void)nargs; return database_priv(ctx, true, true, true, a, r, err); }

static int f_hsp_tt(ARGS) { (void)nargs; return schema_priv(ctx, false, false, false, a, r, err); }
static int f_hsp_ot(ARGS) { (void)nargs; return schema_priv(ctx, false, false, true, a, r, err); }
static int f_hsp_ntt(ARGS) { (void)nargs; return schema_priv(ctx, true, false, false, a, r, err); }
static int f_hsp_not(ARGS) { (void)nargs; return schema_priv(ctx, true, false, true, a, r, err); }
static int f_hsp_ott(ARGS) { (void)nargs; return schema_priv(ctx, true, true, false, a, r, err); }
static int f_hsp_oot(ARGS) { (void)nargs; return schema_priv(ctx, true, true, true, a, r, err); }

static int f_htp_tt(ARGS) { (void)nargs; return table_priv(ctx, false, false, false, a, r, err); }
static int f_htp_ot(ARGS) { (void)nargs; return table_priv(ctx, false, false, true, a, r, err); }
static int f_htp_ntt(ARGS) { (void)nargs; return table_priv(ctx, true, false, false, a, r, err); }
static int f_htp_not(ARGS) { (void)nargs; return table_priv(ctx, true, false, true, a, r, err); }
static int f_htp_ott(ARGS) { (void)nargs; return table_priv(ctx, true, true, false, a, r, err); }
static int f_htp_oot(ARGS) { (void)nargs; return table_priv(ctx, true, true, true, a, r, err); }

#define O SQL_OID_OID
#define TX SQL_OID_TEXT
#define NM SQL_OID_NAME
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define B SQL_OID_BOOL
#define ANY SQL_OID_ANY
#define RC SQL_OID_REGCLASS
#define FN(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, true, false, fn}
#define FNN(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, false, false, fn}
#define FNV(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, true, true, fn}
#define FNNV(name, n, ret, fn, ...) {name, n, {__VA_ARGS__}, ret, false, true, fn}
#define REG_FNS(lower, OID)                                                                    \
    FN(#lower "in", 1, OID, lower##_in, TX), FN(#lower "out", 1, TX, lower##_out, OID)
#define PRIV(name)                                                                             \
    FN(name, 2, B, f_true, ANY, TX), FN(name, 3, B, f_true, ANY, ANY, TX)

const sql_builtin_t sql__cat_builtins[] = {
    REG_FNS(regclass, SQL_OID_REGCLASS), REG_FNS(regtype, SQL_OID_REGTYPE),
    REG_FNS(regproc, SQL_OID_REGPROC), REG_FNS(regprocedure, SQL_OID_REGPROCEDURE),
    REG_FNS(regoper, SQL_OID_REGOPER), REG_FNS(regnamespace, SQL_OID_REGNAMESPACE),
    REG_FNS(regrole, SQL_OID_REGROLE),
    FNN("to_regclass", 1, RC, to_regclass, TX),
    /* backends (sql_backend.c) */
    {"pg_sleep", 1, {SQL_OID_FLOAT8}, SQL_OID_VOID, true, true, sql__fn_pg_sleep},
    {"pg_blocking_pids", 1, {SQL_OID_INT4}, SQL_OID_INT4_ARRAY, true, true, sql__fn_pg_blocking_pids},
    {"pg_cancel_backend", 1, {SQL_OID_INT4}, SQL_OID_BOOL, true, true, sql__fn_pg_cancel_backend},
    {"pg_terminate_backend", 1, {SQL_OID_INT4}, SQL_OID_BOOL, true, true, sql__fn_pg_terminate_backend},
    {"pg_terminate_backend", 2, {SQL_OID_INT4, SQL_OID_INT8}, SQL_OID_BOOL, true, true,
     sql__fn_pg_terminate_backend},
    /* statistics (sql_stats.c) */
    {"pg_stat_reset", 0, {0}, SQL_OID_VOID, false, true, sql__fn_pg_stat_reset},
    {"pg_stat_force_next_flush", 0, {0}, SQL_OID_VOID, false, true, sql__fn_pg_stat_noop},
    {"pg_stat_clear_snapshot", 0, {0}, SQL_OID_VOID, false, true, sql__fn_pg_stat_noop},
    {"pg_stat_reset_single_table_counters", 1, {SQL_OID_OID}, SQL_OID_VOID, true, true,
     sql__fn_pg_stat_reset_single_table_counters},
    /* pg_stat_get_*(oid) (sql_stats.c) */
    {"pg_stat_get_numscans", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_numscans},
    {"pg_stat_get_tuples_returned", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_returned},
    {"pg_stat_get_tuples_fetched", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_fetched},
    {"pg_stat_get_tuples_inserted", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_inserted},
    {"pg_stat_get_tuples_updated", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_updated},
    {"pg_stat_get_tuples_deleted", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_deleted},
    {"pg_stat_get_tuples_hot_updated", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_tuples_hot_updated},
    {"pg_stat_get_live_tuples", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_live_tuples},
    {"pg_stat_get_dead_tuples", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_dead_tuples},
    {"pg_stat_get_mod_since_analyze", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_mod_since_analyze},
    {"pg_stat_get_ins_since_vacuum", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_ins_since_vacuum},
    {"pg_stat_get_vacuum_count", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_vacuum_count},
    {"pg_stat_get_analyze_count", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_analyze_count},
    {"pg_stat_get_autovacuum_count", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_autovacuum_count},
    {"pg_stat_get_autoanalyze_count", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_autoanalyze_count},
    {"pg_stat_get_last_vacuum_time", 1, {SQL_OID_OID}, SQL_OID_TIMESTAMPTZ, true, true, sql__fn_pg_stat_get_last_vacuum_time},
    {"pg_stat_get_last_analyze_time", 1, {SQL_OID_OID}, SQL_OID_TIMESTAMPTZ, true, true, sql__fn_pg_stat_get_last_analyze_time},
    {"pg_stat_get_last_autovacuum_time", 1, {SQL_OID_OID}, SQL_OID_TIMESTAMPTZ, true, true, sql__fn_pg_stat_get_last_autovacuum_time},
    {"pg_stat_get_last_autoanalyze_time", 1, {SQL_OID_OID}, SQL_OID_TIMESTAMPTZ, true, true, sql__fn_pg_stat_get_last_autoanalyze_time},
    {"pg_stat_get_db_numbackends", 1, {SQL_OID_OID}, SQL_OID_INT4, true, true, sql__fn_pg_stat_get_db_numbackends},
    {"pg_stat_get_db_xact_commit", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_xact_commit},
    {"pg_stat_get_db_xact_rollback", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_xact_rollback},
    {"pg_stat_get_db_tuples_returned", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_tuples_returned},
    {"pg_stat_get_db_tuples_fetched", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_tuples_fetched},
    {"pg_stat_get_db_tuples_inserted", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_tuples_inserted},
    {"pg_stat_get_db_tuples_updated", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_tuples_updated},
    {"pg_stat_get_db_tuples_deleted", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_tuples_deleted},
    {"pg_stat_get_db_deadlocks", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_deadlocks},
    {"pg_stat_get_db_sessions", 1, {SQL_OID_OID}, SQL_OID_INT8, true, true, sql__fn_pg_stat_get_db_sessions},
    {"pg_stat_get_db_stat_reset_time", 1, {SQL_OID_OID}, SQL_OID_TIMESTAMPTZ, true, true, sql__fn_pg_stat_get_db_stat_reset_time},
    FN("pg_get_userbyid", 1, NM, f_userbyid, O),
    FN("pg_table_is_visible", 1, B, f_table_is_visible, O),
    FN("pg_type_is_visible", 1, B, f_type_is_visible, O),
    FN("pg_function_is_visible", 1, B, f_true, O),
    FN("pg_operator_is_visible", 1, B, f_true, O),
    FN("pg_opclass_is_visible", 1, B, f_true, O),
    FN("pg_collation_is_visible", 1, B, f_true, O),
    FNN("format_type", 2, TX, f_format_type, O, I4),
    FN("pg_get_indexdef", 1, TX, f_indexdef, O),
    FN("pg_get_indexdef", 3, TX, f_indexdef, O, I4, B),
    FN("pg_get_constraintdef", 1, TX, f_constraintdef, O),
    FN("pg_get_constraintdef", 2, TX, f_constraintdef, O, B),
    FN("pg_get_expr", 2, TX, f_get_expr, TX, O),
    FN("pg_get_expr", 3, TX, f_get_expr, TX, O, B),
    FN("pg_get_viewdef", 1, TX, f_viewdef, O),
    FN("pg_get_viewdef", 2, TX, f_viewdef, O, B),
    FN("pg_get_ruledef", 1, TX, f_null, O), FN("pg_get_ruledef", 2, TX, f_null, O, B),
    FN("pg_get_triggerdef", 1, TX, f_null, O), FN("pg_get_triggerdef", 2, TX, f_null, O, B),
    FN("pg_get_statisticsobjdef_columns", 1, TX, f_null, O),
    FN("pg_get_function_result", 1, TX, sql_fn_function_result, O),
    FNN("pg_get_function_sqlbody", 1, TX, sql_fn_function_sqlbody, O),
    FN("pg_get_functiondef", 1, TX, sql_fn_functiondef, O),
    FN("pg_get_function_arguments", 1, TX, sql_fn_function_arguments, O),
    FN("pg_get_function_identity_arguments", 1, TX, sql_fn_function_arguments, O),
    FN("pg_get_partkeydef", 1, TX, f_null, O), /* no partitioned tables */
    FN("obj_description", 1, TX, f_obj_description, O),
    FN("obj_description", 2, TX, f_obj_description, O, NM),
    FN("col_description", 2, TX, f_col_description, O, I4),
    FN("shobj_description", 2, TX, f_shobj_description, O, NM),
    FN("pg_encoding_to_char", 1, NM, f_encoding_to_char, I4),
    FN("pg_size_pretty", 1, TX, f_size_pretty, I8),
    /* sizes: Orbit does not account storage per relation yet */
    FN("pg_relation_size", 1, I8, sql_fn_relation_size, RC),
    FN("pg_relation_size", 2, I8, sql_fn_relation_size, RC, TX),
    FN("pg_table_size", 1, I8, sql_fn_table_size, RC),
    FN("pg_total_relation_size", 1, I8, sql_fn_total_relation_size, RC),
    FN("pg_indexes_size", 1, I8, sql_fn_indexes_size, RC),
    FN("pg_database_size", 1, I8, f_database_size_name, NM),
    FN("pg_database_size", 1, I8, f_database_size_oid, O),
    FN("pg_tablespace_location", 1, TX, f_null, O),
    FNV("pg_is_in_recovery", 0, B, f_false, 0),
    FNV("pg_is_wal_replay_paused", 0, B, f_false, 0),
    FNNV("set_config", 3, TX, f_set_config, TX, TX, B),
    FN("pg_postmaster_start_time", 0, SQL_OID_TIMESTAMPTZ, f_start_time, 0),
    FNV("current_setting", 1, TX, f_current_setting, TX),
    FNV("current_setting", 2, TX, f_current_setting, TX, B),
    FN("quote_ident", 1, TX, f_quote_ident, TX),
    FN("pg_partition_ancestors", 1, RC, f_partition_ancestors, RC),
    FN("pg_relation_is_publishable", 1, B, f_false, RC),
    FN("pg_my_temp_schema", 0, O, f_zero, 0),
    FN("pg_is_other_temp_schema", 1, B, f_false, O),
    FN("has_table_privilege", 2, B, f_htp_tt, TX, TX), FN("has_table_privilege", 2, B, f_htp_ot, O, TX),
    FN("has_table_privilege", 3, B, f_htp_ntt, NM, TX, TX), FN("has_table_privilege", 3, B, f_htp_not, NM, O, TX),
    FN("has_table_privilege", 3, B, f_htp_ott, O, TX, TX), FN("has_table_privilege", 3, B, f_htp_oot, O, O, TX),
    FN("has_schema_privilege", 2, B, f_hsp_tt, TX, TX), FN("has_schema_privilege", 2, B, f_hsp_ot, O, TX),
    FN("has_schema_privilege", 3, B, f_hsp_ntt, NM, TX, TX), FN("has_schema_privilege", 3, B, f_hsp_not, NM, O, TX),
    FN("has_schema_privilege", 3, B, f_hsp_ott, O, TX, TX), FN("has_schema_privilege", 3, B, f_hsp_oot, O, O, TX),
    FN("has_database_privilege", 2, B, f_hdp_tt, TX, TX), FN("has_database_privilege", 2, B, f_hdp_ot, O, TX),
    FN("has_database_privilege", 3, B, f_hdp_ntt, NM, TX, TX), FN("has_database_privilege", 3, B, f_hdp_not, NM, O, TX),
    FN("has_database_privilege", 3, B, f_hdp_ott, O, TX, TX), FN("has_database_privilege", 3, B, f_hdp_oot, O, O, TX),
    PRIV("has_sequence_privilege"), PRIV("has_function_privilege"),
    PRIV("has_tablespace_privilege"), PRIV("has_foreign_data_wrapper_privilege"),
    PRIV("has_server_privilege"), PRIV("has_language_privilege"), PRIV("has_type_privilege"),
    FN("has_column_privilege", 3, B, f_true, ANY, ANY, TX),
    FN("has_column_privilege", 4, B, f_true, ANY, ANY, ANY, TX),
    FN("pg_has_role", 2, B, f_true, ANY, TX), FN("pg_has_role", 3, B, f_true, ANY, ANY, TX),
};
const size_t sql__cat_nbuiltins = sizeof sql__cat_builtins / sizeof sql__cat_builtins[0];

const sql_builtin_t *sql_reg_io_fn(uint32_t type, bool in) {
    for (size_t i = 0; i < sql__cat_nbuiltins; i++) {
        const sql_builtin_t *b = &sql__cat_builtins[i];
        if (b->nargs != 1) continue;
        if (in ? (b->rettype == type && b->argtypes[0] == SQL_OID_TEXT && b->fn != to_regclass)
               : (b->argtypes[0] == type && b->rettype == SQL_OID_TEXT && strstr(b->name, "out")))
            return b;
    }
    return NULL;
}
