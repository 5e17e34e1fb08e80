/* sql/sql_aclexplode.c — aclexplode(acl): an ACL in its text form (relacl, nspacl and datacl are
 * text[] here, each element PostgreSQL's aclitem text "grantee=privs/grantor", "*" after a letter
 * for the grant option, an empty grantee for PUBLIC) exploded into one record per item and
 * privilege, in PostgreSQL's order (items in ACL order, privileges in bit order: INSERT, SELECT,
 * UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, EXECUTE, USAGE, CREATE, TEMPORARY, CONNECT, SET,
 * ALTER SYSTEM). A record value is its own text form (record_out's),
 * "(grantor,grantee,privilege_type,is_grantable)", so it prints as PostgreSQL prints it; the field
 * builtins read it back. Entry points: sql_acl.h ("aclexplode"). See README.md. */
#include "sql_acl.h"

#include "sql_role.h"
#include "sql_types_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char LETTERS[] = "arwdDxtXUCTcsA"; /* aclitem's order; bit k is LETTERS[k] */
static const char *const PRIV_NAMES[] = {
    "INSERT",  "SELECT", "UPDATE", "DELETE",    "TRUNCATE", "REFERENCES", "TRIGGER",
    "EXECUTE", "USAGE",  "CREATE", "TEMPORARY", "CONNECT",  "SET",        "ALTER SYSTEM"};
#define NPRIVS 14

/* One role name of an aclitem at *p (double-quoted or bare, up to '=' or '/'), as an oid. Empty:
 * PUBLIC (0). A bare number that names no role is taken as an oid, as a dropped role prints. */
static int parse_role(sql_engine_t *e, const char **p, const char *end, uint32_t *oid,
                      orb_err_t *err) {
    char name[256];
    size_t n = 0;
    const char *s = *p;
    if (s < end && *s == '"') {
        s++;
        for (;;) {
            if (s >= end) return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "unterminated name");
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') {
                    s++;
                } else {
                    s++;
                    break;
                }
            }
            if (n < sizeof name - 1) name[n++] = *s;
            s++;
        }
    } else {
        while (s < end && *s != '=' && *s != '/' && n < sizeof name - 1) name[n++] = *s++;
    }
    name[n] = 0;
    *p = s;
    if (n == 0) {
        *oid = 0;
        return 0;
    }
    if (strcmp(name, "pg_database_owner") == 0) {
        *oid = SQL_ROLE_DATABASE_OWNER;
        return 0;
    }
    sql_role_t r;
    if (sql_role_by_name(e, name, &r)) {
        *oid = r.oid;
        return 0;
    }
    char *tail;
    unsigned long v = strtoul(name, &tail, 10);
    if (isdigit((unsigned char)name[0]) && *tail == 0 && v <= 0xffffffffu) {
        *oid = (uint32_t)v;
        return 0;
    }
    return orb_err_set(err, UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
}

static int bad_key_word(orb_err_t *err, const char *word, size_t n) {
    orb_err_set(err, INVALID_TEXT_REPRESENTATION, "unrecognized key word: \"%.*s\"", (int)n, word);
    orb_err_hint(err, "ACL key word must be \"group\" or \"user\".");
    return -1;
}

int sql_aclitem_parse(sql_engine_t *e, const char *text, size_t len, sql_acl_item_t *out,
                      orb_err_t *err) {
    const char *p = text, *end = text + len;
    memset(out, 0, sizeof *out);
    /* aclparse: "[group |user ]name=privs[/grantor]"; a bare word before a space or the end is
     * a key word */
    const char *word = p;
    while (p < end && *p != '=' && *p != '/' && *p != ' ' && *p != '"') p++;
    if (p < end && *p == ' ') {
        size_t wl = (size_t)(p - word);
        if (!(wl == 5 && strncmp(word, "group", 5) == 0) && !(wl == 4 && strncmp(word, "user", 4) == 0))
            return bad_key_word(err, word, wl);
        while (p < end && *p == ' ') p++;
    } else if (p == end && p > word) {
        return bad_key_word(err, word, (size_t)(p - word));
    } else {
        p = word;
    }
    if (parse_role(e, &p, end, &out->grantee, err) != 0) return -1;
    if (p >= end || *p != '=')
        return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "missing \"=\" sign");
    p++;
    int last = -1;
    while (p < end && *p != '/') {
        if (*p == '*' && last >= 0) {
            out->privs |= (1u << last) << SQL_ACL_GO_SHIFT;
            p++;
            continue;
        }
        const char *l = *p ? strchr(LETTERS, *p) : NULL;
        if (!l)
            return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                               "invalid mode character: must be one of \"%s\"", LETTERS);
        last = (int)(l - LETTERS);
        out->privs |= 1u << last;
        p++;
    }
    if (p >= end) {
        out->grantor = 10; /* PostgreSQL defaults it to the bootstrap superuser (with a WARNING) */
        return 0;
    }
    p++;
    if (p >= end)
        return orb_err_set(err, INVALID_TEXT_REPRESENTATION, "a name must follow the \"/\" sign");
    if (parse_role(e, &p, end, &out->grantor, err) != 0) return -1;
    if (p != end)
        return orb_err_set(err, INVALID_TEXT_REPRESENTATION,
                           "extra garbage at the end of the ACL specification");
    return 0;
}

int sql_aclexplode(sql_engine_t *e, const sql_value_t *acl, orb_mcx_t *mcx, sql_value_t **out,
                   int64_t *n, orb_err_t *err) {
    *out = NULL;
    *n = 0;
    if (acl->isnull) return 0;
    int len = sql_array_len(acl);
    /* empty: an ACL everything was revoked from (PostgreSQL's literal '{}'::aclitem[], which has no
     * dimension, is refused there with 2202E; Orbit's text[] cannot tell them apart) */
    if (len <= 0) return 0;
    int64_t cap = (int64_t)len * NPRIVS, cnt = 0;
    sql_value_t *v = orb_alloc0(mcx, sizeof *v * (size_t)cap);
    for (int i = 0; i < len; i++) {
        sql_value_t el;
        if (sql_array_get(SQL_OID_TEXT, acl, i, mcx, &el) != 0 || el.isnull)
            continue; /* PostgreSQL: no NULL items */
        sql_acl_item_t it;
        if (sql_aclitem_parse(e, el.v.s.p, el.v.s.n, &it, err) != 0) return -1;
        for (int k = 0; k < NPRIVS; k++) {
            if (!(it.privs & (1u << k))) continue;
            char buf[96];
            int m = snprintf(buf, sizeof buf, "(%u,%u,%s%s%s,%c)", it.grantor, it.grantee,
                             strchr(PRIV_NAMES[k], ' ') ? "\"" : "", PRIV_NAMES[k],
                             strchr(PRIV_NAMES[k], ' ') ? "\"" : "",
                             (it.privs >> SQL_ACL_GO_SHIFT) & (1u << k) ? 't' : 'f');
            v[cnt].v.s.p = orb_strndup(mcx, buf, (size_t)m);
            v[cnt].v.s.n = (uint32_t)m;
            cnt++;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* The fields of a record made by sql_aclexplode: "(grantor,grantee,privilege,t|f)". */
static void split(const sql_value_t *rec, uint32_t *grantor, uint32_t *grantee, const char **priv,
                  uint32_t *privn, bool *grantable) {
    const char *s = rec->v.s.p, *end = s + rec->v.s.n;
    *grantor = 0, *grantee = 0, *priv = "", *privn = 0, *grantable = false;
    if (s < end && *s == '(') s++;
    while (s < end && isdigit((unsigned char)*s)) *grantor = *grantor * 10 + (uint32_t)(*s++ - '0');
    if (s < end && *s == ',') s++;
    while (s < end && isdigit((unsigned char)*s)) *grantee = *grantee * 10 + (uint32_t)(*s++ - '0');
    if (s < end && *s == ',') s++;
    bool q = s < end && *s == '"';
    if (q) s++;
    *priv = s;
    while (s < end && (q ? *s != '"' : *s != ',')) s++;
    *privn = (uint32_t)(s - *priv);
    if (q && s < end) s++;
    if (s < end && *s == ',') s++;
    *grantable = s < end && *s == 't';
}

void sql_aclexplode_fields(const sql_value_t *rec, sql_value_t out[4]) {
    memset(out, 0, sizeof(sql_value_t) * 4);
    if (rec->isnull) {
        for (int i = 0; i < 4; i++) out[i].isnull = true;
        return;
    }
    uint32_t gor, gee, pn;
    const char *p;
    bool g;
    split(rec, &gor, &gee, &p, &pn, &g);
    out[0].v.i = gor;
    out[1].v.i = gee;
    out[2].v.s.p = p;
    out[2].v.s.n = pn;
    out[3].v.b = g;
}

static int field_fn(const sql_value_t *a, int k, sql_value_t *r) {
    sql_value_t f[4];
    sql_aclexplode_fields(&a[0], f);
    *r = f[k];
    return 0;
}
static int f_grantor(sql_fn_ctx_t *c, const sql_value_t *a, int n, sql_value_t *r, orb_err_t *e) {
    (void)c, (void)n, (void)e;
    return field_fn(a, 0, r);
}
static int f_grantee(sql_fn_ctx_t *c, const sql_value_t *a, int n, sql_value_t *r, orb_err_t *e) {
    (void)c, (void)n, (void)e;
    return field_fn(a, 1, r);
}
static int f_priv(sql_fn_ctx_t *c, const sql_value_t *a, int n, sql_value_t *r, orb_err_t *e) {
    (void)c, (void)n, (void)e;
    return field_fn(a, 2, r);
}
static int f_grantable(sql_fn_ctx_t *c, const sql_value_t *a, int n, sql_value_t *r, orb_err_t *e) {
    (void)c, (void)n, (void)e;
    return field_fn(a, 3, r);
}

/* not in any builtin table: reached only through (record).field */
static const sql_builtin_t fields[4] = {
    {"(record).grantor", 1, {SQL_OID_RECORD}, SQL_OID_OID, true, false, f_grantor},
    {"(record).grantee", 1, {SQL_OID_RECORD}, SQL_OID_OID, true, false, f_grantee},
    {"(record).privilege_type", 1, {SQL_OID_RECORD}, SQL_OID_TEXT, true, false, f_priv},
    {"(record).is_grantable", 1, {SQL_OID_RECORD}, SQL_OID_BOOL, true, false, f_grantable},
};
static const char *const field_names[4] = {"grantor", "grantee", "privilege_type", "is_grantable"};

const sql_builtin_t *sql_aclexplode_field(const char *name, int *index) {
    for (int i = 0; i < 4; i++)
        if (strcmp(name, field_names[i]) == 0) {
            if (index) *index = i;
            return &fields[i];
        }
    return NULL;
}

const char *sql_aclexplode_column(int i) { return i >= 0 && i < 4 ? field_names[i] : NULL; }

int sql__record_cmp(const sql_value_t *a, const sql_value_t *b) {
    sql_value_t x[4], y[4];
    sql_aclexplode_fields(a, x);
    sql_aclexplode_fields(b, y);
    for (int k = 0; k < 2; k++)
        if (x[k].v.i != y[k].v.i) return x[k].v.i < y[k].v.i ? -1 : 1;
    size_t n = x[2].v.s.n < y[2].v.s.n ? x[2].v.s.n : y[2].v.s.n;
    int c = memcmp(x[2].v.s.p, y[2].v.s.p, n);
    if (c || x[2].v.s.n != y[2].v.s.n) return c ? (c < 0 ? -1 : 1) : x[2].v.s.n < y[2].v.s.n ? -1 : 1;
    return x[3].v.b == y[3].v.b ? 0 : x[3].v.b ? 1 : -1;
}

void sql__record_send(const sql_value_t *v, orb_buf_t *out) {
    sql_value_t f[4];
    sql_aclexplode_fields(v, f);
    static const uint32_t types[4] = {SQL_OID_OID, SQL_OID_OID, SQL_OID_TEXT, SQL_OID_BOOL};
    orb_buf_put_be32(out, 4);
    for (int k = 0; k < 4; k++) {
        orb_buf_put_be32(out, types[k]);
        if (k < 2) {
            orb_buf_put_be32(out, 4);
            orb_buf_put_be32(out, (uint32_t)f[k].v.i);
        } else if (k == 2) {
            orb_buf_put_be32(out, f[2].v.s.n);
            orb_buf_append(out, f[2].v.s.p, f[2].v.s.n);
        } else {
            orb_buf_put_be32(out, 1);
            orb_buf_put_u8(out, f[3].v.b ? 1 : 0);
        }
    }
}
