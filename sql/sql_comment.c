/* sql/sql_comment.c — COMMENT ON ... IS '...': comments are generic catalog records
 * ("comment", classoid, objoid, objsubid) -> (text), durable like the rest of the catalog,
 * read by pg_description / pg_shdescription (sql_sysrel.c) and obj_description,
 * col_description, shobj_description (sql_catfn.c). Objects: TABLE, VIEW, SEQUENCE, INDEX,
 * COLUMN, CONSTRAINT ... ON, SCHEMA, DATABASE, EXTENSION; others are 0A000. Comments of
 * dropped objects stay stored but are never shown: readers keep only those whose object
 * exists, and oids are never reused. Entry points: sql_exec_comment, sql_comments_load,
 * sql_comment_get. See README.md ("Comments"). */
#include "sql_pgcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMENT_TAG "comment"

/* The object's name parts: a String, or a List of Strings (at most 3). */
static int name_parts(PgQuery__Node *n, const char *parts[3]) {
    if (!n) return 0;
    if (n->node_case == PG_QUERY__NODE__NODE_STRING) {
        parts[0] = n->string->sval;
        return 1;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_LIST || n->list->n_items > 3) return 0;
    for (size_t i = 0; i < n->list->n_items; i++) {
        parts[i] = sql_str_of(n->list->items[i]);
        if (!parts[i]) return 0;
    }
    return (int)n->list->n_items;
}

static const char *kind_word(char kind) {
    return kind == 'r' ? "a table" : kind == 'v' ? "a view" : kind == 'S' ? "a sequence" : "an index";
}

/* The relation named by parts[0..n-1] ([schema.]name). */
static int find_rel(sql_session_t *s, const sql_pgrels_t *rels, const char **parts, int n,
                    const sql_pgrel_t **out, orb_err_t *err) {
    if (n < 1 || n > 2) return orb_err_set(err, SYNTAX_ERROR, "improper relation name");
    const char *schema = n == 2 ? parts[0] : NULL, *name = parts[n - 1];
    *out = sql_pgrels_lookup(s, rels, schema, name);
    if (!*out) {
        if (schema) return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema, name);
        return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", name);
    }
    return 0;
}

typedef struct db_find {
    const char *name;
    uint32_t oid;
} db_find_t;

static void db_find_cb(void *arg, const char *name, uint32_t oid, uint32_t owner, int32_t connlimit,
                       bool is_template, bool allow_conn) {
    (void)owner, (void)connlimit, (void)is_template, (void)allow_conn;
    db_find_t *f = arg;
    if (strcmp(f->name, name) == 0) f->oid = oid;
}

/* Shared objects (databases, tablespaces, roles) are commented in the postgres database's
 * catalog, so that every database sees the comment, as PostgreSQL's pg_shdescription. */
static bool shared_class(uint32_t classoid) {
    return classoid == 1262 || classoid == 1213 || classoid == 1260;
}

static sql_engine_t *engine_for(sql_engine_t *e, uint32_t classoid) {
    return shared_class(classoid) ? e->root : e;
}

/* Resolves the statement's object to (classoid, objoid, objsubid). */
static int resolve(sql_session_t *s, PgQuery__CommentStmt *cs, orb_mcx_t *mcx, uint32_t *classoid,
                   uint32_t *objoid, int32_t *objsubid, orb_err_t *err) {
    const char *parts[3] = {0};
    int n = name_parts(cs->object, parts);
    if (n == 0) return orb_err_set(err, SYNTAX_ERROR, "improper object name in COMMENT");
    *objsubid = 0;
    sql_pgrels_t rels;
    switch (cs->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        char want = cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE  ? 'r'
                    : cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? 'v'
                    : cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? 'S'
                                                                          : 'i';
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        const sql_pgrel_t *x;
        if (find_rel(s, &rels, parts, n, &x, err) != 0) return -1;
        if (x->kind != want || x->sys)
            return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not %s", x->name, kind_word(want));
        *classoid = 1259;
        *objoid = x->oid;
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
        if (n < 2) return orb_err_set(err, SYNTAX_ERROR, "column name must be qualified");
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        const sql_pgrel_t *x;
        if (find_rel(s, &rels, parts, n - 1, &x, err) != 0) return -1;
        if ((x->kind != 'r' && x->kind != 'v') || x->sys || !x->table)
            return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a table or a view", x->name);
        const Orbit__TableDesc *d = x->table->desc;
        for (size_t i = 0; i < d->n_columns; i++) {
            if (d->columns[i]->dropped || strcmp(d->columns[i]->name, parts[n - 1]) != 0) continue;
            *classoid = 1259;
            *objoid = x->oid;
            *objsubid = (int32_t)d->columns[i]->attnum;
            return 0;
        }
        return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist",
                           parts[n - 1], x->name);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
        if (n < 2) return orb_err_set(err, SYNTAX_ERROR, "improper constraint name");
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        const sql_pgrel_t *x;
        if (find_rel(s, &rels, parts, n - 1, &x, err) != 0) return -1;
        if (x->kind == 'r' && !x->sys && x->table) {
            sql_pgcon_t *c;
            int nc = sql_pgcat_constraints(&rels, x->table, mcx, &c);
            for (int i = 0; i < nc; i++) {
                if (strcmp(c[i].name, parts[n - 1]) != 0) continue;
                *classoid = 2606;
                *objoid = c[i].oid;
                return 0;
            }
        }
        return orb_err_set(err, UNDEFINED_OBJECT, "constraint \"%s\" for table \"%s\" does not exist",
                           parts[n - 1], x->name);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        if (sql_pgrels_load(s, mcx, &rels, err) != 0) return -1;
        for (int i = 0; i < rels.nnsp; i++) {
            if (strcmp(rels.nsp[i].name, parts[0]) != 0) continue;
            *classoid = 2615;
            *objoid = rels.nsp[i].oid;
            return 0;
        }
        return orb_err_set(err, INVALID_SCHEMA_NAME, "schema \"%s\" does not exist", parts[0]);
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE: {
        db_find_t f = {parts[0], 0};
        if (sql_database_list(sql_session_engine(s), db_find_cb, &f, err) != 0) return -1;
        if (!f.oid) return orb_err_set(err, INVALID_CATALOG_NAME, "database \"%s\" does not exist", parts[0]);
        *classoid = 1262;
        *objoid = f.oid;
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
        if (sql_extension_oid(sql_session_engine(s), parts[0], objoid, err) != 0) return -1;
        if (!*objoid) return orb_err_set(err, UNDEFINED_OBJECT, "extension \"%s\" does not exist", parts[0]);
        *classoid = 3079;
        return 0;
    default:
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COMMENT on this kind of object is not supported yet");
    }
}

static void key_of(char buf[3][16], sql_cat_key_t *k, uint32_t classoid, uint32_t objoid,
                   int32_t objsubid) {
    snprintf(buf[0], 16, "%u", classoid);
    snprintf(buf[1], 16, "%u", objoid);
    snprintf(buf[2], 16, "%d", objsubid);
    *k = (sql_cat_key_t){4, {COMMENT_TAG, buf[0], buf[1], buf[2]}};
}

/* Comments objects have without COMMENT ON: schema public's (initdb's) and the vector
 * extension's. Removing one stores an empty comment that hides it. *out NULL: none. */
static int builtin_comment(sql_engine_t *e, uint32_t classoid, uint32_t objoid, int32_t objsubid,
                           const char **out, orb_err_t *err) {
    *out = NULL;
    if (objsubid != 0) return 0;
    if (classoid == 2615 && objoid == SQL_PGCAT_PUBLIC_OID) *out = SQL_PGCAT_PUBLIC_COMMENT;
    if (classoid == 3079) {
        uint32_t ext;
        if (sql_extension_oid(e, "vector", &ext, err) != 0) return -1;
        if (ext && ext == objoid) *out = SQL_PGCAT_VECTOR_COMMENT;
    }
    return 0;
}

int sql_exec_comment(sql_session_t *s, PgQuery__CommentStmt *cs, orb_mcx_t *mcx, orb_err_t *err) {
    uint32_t classoid = 0, objoid = 0;
    int32_t objsubid = 0;
    if (resolve(s, cs, mcx, &classoid, &objoid, &objsubid, err) != 0) return -1;
    char buf[3][16];
    sql_cat_key_t k;
    key_of(buf, &k, classoid, objoid, objsubid);
    sql_engine_t *e = engine_for(sql_session_engine(s), classoid);
    /* as PostgreSQL: NULL or '' removes the comment (a built-in one is hidden by '') */
    const char *text = cs->comment ? cs->comment : "";
    if (!text[0]) {
        const char *builtin;
        if (builtin_comment(e, classoid, objoid, objsubid, &builtin, err) != 0) return -1;
        if (!builtin) return sql_catalog_record_delete(e, &k, err);
    }
    Orbit__Datum d = ORBIT__DATUM__INIT, *dp[1] = {&d};
    d.v_case = ORBIT__DATUM__V_S;
    d.s.data = (uint8_t *)text;
    d.s.len = strlen(text);
    return sql_catalog_record_put(e, &k, dp, 1, err);
}

typedef struct comment_list {
    orb_mcx_t *mcx;
    sql_comment_t *v;
    int n, cap;
    int want; /* 1: shared classes only, -1: the others only, 0: all */
} comment_list_t;

static uint32_t key_u32(const Orbit__Datum *d) {
    char buf[16];
    size_t n = d->s.len < sizeof buf - 1 ? d->s.len : sizeof buf - 1;
    memcpy(buf, d->s.data, n);
    buf[n] = 0;
    return (uint32_t)strtol(buf, NULL, 10);
}

static int list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
    comment_list_t *l = arg;
    if (key->n_cols != 4 || row->n_cols < 1 || row->cols[0]->v_case != ORBIT__DATUM__V_S) return 0;
    bool shared = shared_class(key_u32(key->cols[1]));
    if ((l->want > 0 && !shared) || (l->want < 0 && shared)) return 0;
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        l->v = orb_realloc(l->mcx, l->v, sizeof *l->v * (size_t)l->cap, sizeof *l->v * (size_t)nc);
        l->cap = nc;
    }
    sql_comment_t *c = &l->v[l->n++];
    c->classoid = key_u32(key->cols[1]);
    c->objoid = key_u32(key->cols[2]);
    c->objsubid = (int32_t)key_u32(key->cols[3]);
    /* an empty comment (one that hides a built-in comment) has no data */
    const ProtobufCBinaryData *t = &row->cols[0]->s;
    c->text = t->len ? orb_strndup(l->mcx, (const char *)t->data, t->len) : "";
    return 0;
}

static void list_add(comment_list_t *l, uint32_t classoid, uint32_t objoid, const char *text) {
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        l->v = orb_realloc(l->mcx, l->v, sizeof *l->v * (size_t)l->cap, sizeof *l->v * (size_t)nc);
        l->cap = nc;
    }
    l->v[l->n++] = (sql_comment_t){classoid, objoid, 0, text};
}

static bool listed(const comment_list_t *l, uint32_t classoid, uint32_t objoid) {
    for (int i = 0; i < l->n; i++)
        if (l->v[i].classoid == classoid && l->v[i].objoid == objoid && l->v[i].objsubid == 0) return true;
    return false;
}

int sql_comments_load(sql_engine_t *e, orb_mcx_t *mcx, sql_comment_t **out, int *n, orb_err_t *err) {
    comment_list_t l = {.mcx = mcx, .want = e == e->root ? 0 : -1};
    sql_cat_key_t k = {1, {COMMENT_TAG}};
    if (sql_catalog_record_scan(e, &k, false, list_cb, &l, err) != 0) return -1;
    l.want = 1;
    if (e != e->root && sql_catalog_record_scan(e->root, &k, false, list_cb, &l, err) != 0) return -1;
    /* the built-in comments no record replaces or hides */
    const char *text;
    if (!listed(&l, 2615, SQL_PGCAT_PUBLIC_OID)) list_add(&l, 2615, SQL_PGCAT_PUBLIC_OID, SQL_PGCAT_PUBLIC_COMMENT);
    uint32_t ext;
    if (sql_extension_oid(e, "vector", &ext, err) != 0) return -1;
    if (ext && !listed(&l, 3079, ext)) {
        if (builtin_comment(e, 3079, ext, 0, &text, err) != 0) return -1;
        if (text) list_add(&l, 3079, ext, text);
    }
    /* empty comments only hide built-in ones */
    int w = 0;
    for (int i = 0; i < l.n; i++)
        if (l.v[i].text[0]) l.v[w++] = l.v[i];
    *out = l.v;
    *n = w;
    return 0;
}

int sql_comment_get(sql_engine_t *e, uint32_t classoid, uint32_t objoid, int32_t objsubid,
                    orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    char buf[3][16];
    sql_cat_key_t k;
    key_of(buf, &k, classoid, objoid, objsubid);
    comment_list_t l = {.mcx = mcx};
    if (sql_catalog_record_scan(engine_for(e, classoid), &k, true, list_cb, &l, err) != 0) return -1;
    if (!l.n) return builtin_comment(e, classoid, objoid, objsubid, out, err);
    *out = l.v[0].text[0] ? l.v[0].text : NULL;
    return 0;
}
