/* sql/sql_pgcat.c — Orbit's catalog seen as PostgreSQL's catalog objects: the list of
 * relations with their pg_class oids (sql_pgrels_load), name <-> oid lookups for regclass,
 * visibility through the search_path, and the deparsed definitions pg_get_indexdef,
 * pg_get_constraintdef and pg_get_expr print. Objects Orbit keeps no oid for (a primary key's
 * index, constraints, column defaults) get one derived from their table id (SQL_PGCAT_OID), so
 * oids are stable across restarts. Used by sql_sysrel.c and sql_catfn.c. See README.md
 * ("System relations"). */
#include "sql_pgcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rels_cleanup(void *arg) {
    sql_pgrels_t *r = arg;
    for (int i = 0; i < r->ntables; i++) sql_table_release(r->tables[i]);
    free(r->tables);
    free(r->seqs);
    free(r->nsp);
}

static sql_pgrel_t *rel_add(sql_pgrels_t *r, orb_mcx_t *mcx, int *cap) {
    if (r->n == *cap) {
        int nc = *cap ? *cap * 2 : 32;
        r->v = orb_realloc(mcx, r->v, sizeof *r->v * (size_t)*cap, sizeof *r->v * (size_t)nc);
        *cap = nc;
    }
    sql_pgrel_t *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    return x;
}

uint32_t sql_pgcat_nsp_oid(const sql_pgrels_t *r, const char *schema) {
    for (int i = 0; i < r->nnsp; i++)
        if (strcmp(r->nsp[i].name, schema) == 0) return r->nsp[i].oid;
    return 0;
}

int sql_pgrels_load(sql_session_t *s, orb_mcx_t *mcx, sql_pgrels_t *r, orb_err_t *err) {
    memset(r, 0, sizeof *r);
    sql_engine_t *e = sql_session_engine(s);
    if (sql_schema_list(e, &r->nsp, &r->nnsp, err) != 0) return -1;
    if (sql_sequence_list(e, NULL, &r->seqs, &r->nseqs, err) != 0) {
        free(r->nsp);
        return -1;
    }
    sql_pgrels_t *keep = orb_alloc(mcx, sizeof *keep);
    int cap = 0;
    pthread_rwlock_rdlock(&e->cat_lock);
    r->tables = malloc(sizeof *r->tables * (size_t)(e->ntables + 1));
    if (!r->tables) orb_panic("out of memory");
    for (int i = 0; i < e->ntables; i++) {
        sql_table_t *t = e->tables[i];
        atomic_fetch_add(&t->refs, 1);
        r->tables[r->ntables++] = t;
    }
    pthread_rwlock_unlock(&e->cat_lock);
    for (int i = 0; i < r->ntables; i++) {
        sql_table_t *t = r->tables[i];
        sql_pgrel_t *x = rel_add(r, mcx, &cap);
        x->oid = t->id;
        x->kind = t->view_sql ? 'v' : 'r';
        x->schema = t->schema;
        x->name = t->name;
        x->table = t;
        if (t->view_sql) continue;
        if (t->desc->n_pk_columns > 0) {
            x = rel_add(r, mcx, &cap);
            x->oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_PKEY_INDEX);
            x->kind = 'i';
            x->schema = t->schema;
            x->name = t->pk_name ? t->pk_name : orb_sprintf(mcx, "%s_pkey", t->name);
            x->table = t;
        }
        for (size_t k = 0; k < t->desc->n_indexes; k++) {
            const Orbit__IndexDesc *ix = t->desc->indexes[k];
            x = rel_add(r, mcx, &cap);
            x->oid = ix->oid;
            x->kind = 'i';
            x->schema = t->schema;
            x->name = ix->name;
            x->table = t;
            x->index = ix;
        }
    }
    for (int i = 0; i < r->nseqs; i++) {
        sql_pgrel_t *x = rel_add(r, mcx, &cap);
        x->oid = (uint32_t)r->seqs[i].id;
        x->kind = 'S';
        x->schema = r->seqs[i].schema;
        x->name = r->seqs[i].name;
        x->seq = &r->seqs[i];
    }
    int nsys;
    const sql_sysrel_info_t *sys = sql_sysrel_all(&nsys);
    for (int i = 0; i < nsys; i++) {
        sql_pgrel_t *x = rel_add(r, mcx, &cap);
        x->oid = sys[i].oid;
        x->kind = sys[i].kind;
        x->schema = sys[i].schema;
        x->name = sys[i].name;
        x->sys = &sys[i];
    }
    *keep = *r;
    orb_mcx_on_reset(mcx, rels_cleanup, keep);
    return 0;
}

const sql_pgrel_t *sql_pgrels_find(const sql_pgrels_t *r, uint32_t oid) {
    for (int i = 0; i < r->n; i++)
        if (r->v[i].oid == oid) return &r->v[i];
    return NULL;
}

/* the search path as PostgreSQL searches it: pg_catalog first unless listed */
static int effective_path(sql_session_t *s, char (*path)[64], int max) {
    char p[32][64];
    int np = sql_search_path(s, p, 32), n = 0;
    bool listed = false;
    for (int i = 0; i < np; i++) listed |= strcmp(p[i], "pg_catalog") == 0;
    if (!listed) snprintf(path[n++], 64, "pg_catalog");
    for (int i = 0; i < np && n < max; i++) {
        memcpy(path[n], p[i], 64); /* both NUL-terminated within 64 bytes */
        path[n++][63] = 0;
    }
    return n;
}

const sql_pgrel_t *sql_pgrels_lookup(sql_session_t *s, const sql_pgrels_t *r, const char *schema,
                                     const char *name) {
    if (schema) {
        for (int i = 0; i < r->n; i++)
            if (strcmp(r->v[i].schema, schema) == 0 && strcmp(r->v[i].name, name) == 0)
                return &r->v[i];
        return NULL;
    }
    char path[33][64];
    int n = effective_path(s, path, 33);
    for (int p = 0; p < n; p++) {
        const sql_pgrel_t *x = sql_pgrels_lookup(s, r, path[p], name);
        if (x) return x;
    }
    return NULL;
}

bool sql_pgrels_visible(sql_session_t *s, const sql_pgrels_t *r, const sql_pgrel_t *x) {
    return sql_pgrels_lookup(s, r, NULL, x->name) == x;
}

bool sql_pgcat_schema_visible(sql_session_t *s, const char *schema) {
    char path[33][64];
    int n = effective_path(s, path, 33);
    for (int p = 0; p < n; p++)
        if (strcmp(path[p], schema) == 0) return true;
    return false;
}

/* ---- identifiers and definitions --------------------------------------------------------- */

static bool ident_plain(const char *s) {
    static const char *const reserved[] = {"all", "analyse", "analyze", "and", "any", "array", "as",
        "asc", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
        "current_date", "current_role", "current_time", "current_timestamp", "current_user",
        "default", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
        "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
        "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only",
        "or", "order", "placing", "primary", "references", "returning", "select", "session_user",
        "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
        "using", "variadic", "when", "where", "window", "with"};
    if (!s[0] || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(reserved[i], s) == 0) return false;
    return true;
}

void sql_pgcat_quote_ident(orb_buf_t *b, const char *s) {
    if (ident_plain(s)) {
        orb_buf_puts(b, s);
        return;
    }
    orb_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') orb_buf_putc(b, '"');
        orb_buf_putc(b, *p);
    }
    orb_buf_putc(b, '"');
}

/* the live column at stored position pos of t's descriptor */
static const Orbit__ColumnDesc *desc_col(const sql_table_t *t, uint32_t pos) {
    return pos < t->desc->n_columns ? t->desc->columns[pos] : NULL;
}

static void col_list(orb_buf_t *b, const sql_table_t *t, const uint32_t *pos, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const Orbit__ColumnDesc *c = desc_col(t, pos[i]);
        if (i) orb_buf_puts(b, ", ");
        sql_pgcat_quote_ident(b, c ? c->name : "?");
    }
}

const char *sql_pgcat_index_method(const sql_pgrel_t *x) {
    if (!x->index || !x->index->method || !x->index->method[0]) return "btree";
    return x->index->method;
}

uint32_t sql_pgcat_am_oid(const char *method) {
    if (strcmp(method, "hnsw") == 0) return SQL_PGCAT_AM_HNSW;
    if (strcmp(method, "ivfflat") == 0) return SQL_PGCAT_AM_IVFFLAT;
    return 403; /* btree */
}

void sql_pgcat_index_cols(const sql_pgrel_t *x, const uint32_t **pos, size_t *n) {
    if (x->index) {
        *pos = x->index->columns;
        *n = x->index->n_columns;
    } else {
        *pos = x->table->desc->pk_columns;
        *n = x->table->desc->n_pk_columns;
    }
}

const char *sql_pgcat_indexdef(const sql_pgrel_t *x, int column, orb_mcx_t *mcx) {
    const uint32_t *pos;
    size_t n;
    sql_pgcat_index_cols(x, &pos, &n);
    orb_buf_t b;
    orb_buf_init(&b);
    if (column > 0) {
        const Orbit__ColumnDesc *c = (size_t)column <= n ? desc_col(x->table, pos[column - 1]) : NULL;
        if (c) sql_pgcat_quote_ident(&b, c->name);
    } else {
        bool unique = !x->index || x->index->unique;
        orb_buf_printf(&b, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
        sql_pgcat_quote_ident(&b, x->name);
        orb_buf_puts(&b, " ON ");
        sql_pgcat_quote_ident(&b, x->table->schema);
        orb_buf_putc(&b, '.');
        sql_pgcat_quote_ident(&b, x->table->name);
        orb_buf_printf(&b, " USING %s (", sql_pgcat_index_method(x));
        col_list(&b, x->table, pos, n);
        if (x->index && x->index->opclass && x->index->opclass[0])
            orb_buf_printf(&b, " %s", x->index->opclass);
        orb_buf_putc(&b, ')');
        if (x->index && strcmp(sql_pgcat_index_method(x), "hnsw") == 0 &&
            (x->index->m != 16 || x->index->ef_construction != 64))
            orb_buf_printf(&b, " WITH (m='%u', ef_construction='%u')", x->index->m,
                           x->index->ef_construction);
        if (x->index && strcmp(sql_pgcat_index_method(x), "ivfflat") == 0 && x->index->lists != 100)
            orb_buf_printf(&b, " WITH (lists='%u')", x->index->lists);
    }
    const char *r = orb_strdup(mcx, b.data ? b.data : "");
    orb_buf_free(&b);
    return r;
}

/* "SELECT <expr>" as stored -> "<expr>" */
static const char *strip_select(const char *sql) {
    if (sql && strncmp(sql, "SELECT ", 7) == 0) return sql + 7;
    return sql ? sql : "";
}

const char *sql_pgcat_default_expr(const sql_table_t *t, const Orbit__ColumnDesc *c, orb_mcx_t *mcx) {
    const char *e = strip_select(c->default_expr);
    size_t n = strlen(e);
    /* PostgreSQL prints a string literal with its cast to the column's type, and the
     * sequence name of nextval() as a regclass literal */
    if (n >= 2 && e[0] == '\'' && e[n - 1] == '\'') {
        const char *tn = sql_type_format(c->type_oid, -1, mcx);
        if (c->type_oid == SQL_OID_TEXT || c->type_oid == SQL_OID_VARCHAR ||
            c->type_oid == SQL_OID_BPCHAR || c->type_oid == SQL_OID_JSONB ||
            c->type_oid == SQL_OID_JSON || c->type_oid == SQL_OID_DATE ||
            c->type_oid == SQL_OID_TIMESTAMP || c->type_oid == SQL_OID_TIMESTAMPTZ ||
            c->type_oid == SQL_OID_UUID || c->type_oid == SQL_OID_BYTEA)
            return orb_sprintf(mcx, "%s::%s", e, tn);
    }
    if (strncmp(e, "nextval('", 9) == 0 && n > 11 && strcmp(e + n - 2, "')") == 0)
        return orb_sprintf(mcx, "%.*s'::regclass)", (int)(n - 2), e);
    (void)t;
    return orb_strdup(mcx, e);
}

const char *sql_pgcat_check_expr(const Orbit__CheckDesc *c) { return strip_select(c->expr_sql); }

int sql_pgcat_constraints(const sql_pgrels_t *r, const sql_table_t *t, orb_mcx_t *mcx,
                          sql_pgcon_t **out) {
    int n = 0, cap = 4 + (int)t->desc->n_indexes + (int)t->desc->n_checks + (int)t->desc->n_fks;
    sql_pgcon_t *v = orb_alloc0(mcx, sizeof *v * (size_t)cap);
    if (t->view_sql) {
        *out = v;
        return 0;
    }
    if (t->desc->n_pk_columns > 0) {
        sql_pgcon_t *c = &v[n++];
        c->oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_PKEY_CON);
        c->type = 'p';
        c->name = t->pk_name ? t->pk_name : orb_sprintf(mcx, "%s_pkey", t->name);
        c->index_oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_PKEY_INDEX);
        c->cols = t->desc->pk_columns;
        c->ncols = t->desc->n_pk_columns;
    }
    for (size_t k = 0; k < t->desc->n_indexes; k++) {
        const Orbit__IndexDesc *ix = t->desc->indexes[k];
        if (!ix->is_constraint) continue;
        sql_pgcon_t *c = &v[n++];
        c->oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_UNIQUE_CON + (uint32_t)k);
        c->type = 'u';
        c->name = ix->name;
        c->index_oid = ix->oid;
        c->cols = ix->columns;
        c->ncols = ix->n_columns;
    }
    for (size_t k = 0; k < t->desc->n_checks; k++) {
        sql_pgcon_t *c = &v[n++];
        c->oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_CHECK + (uint32_t)k);
        c->type = 'c';
        c->name = t->desc->checks[k]->name;
        c->check = t->desc->checks[k];
    }
    for (size_t k = 0; k < t->desc->n_fks; k++) {
        const Orbit__ForeignKeyDesc *fk = t->desc->fks[k];
        sql_pgcon_t *c = &v[n++];
        c->oid = SQL_PGCAT_OID(t->id, SQL_PGCAT_FK + (uint32_t)k);
        c->type = 'f';
        c->name = fk->name;
        c->cols = fk->columns;
        c->ncols = fk->n_columns;
        c->fk = fk;
        const sql_pgrel_t *ref = sql_pgrels_find(r, fk->ref_table_id);
        c->ref = ref ? ref->table : NULL;
        if (c->ref && c->ref->desc->n_pk_columns > 0) {
            /* the referenced key's index: the primary key or a unique constraint on them */
            c->index_oid = SQL_PGCAT_OID(c->ref->id, SQL_PGCAT_PKEY_INDEX);
            for (size_t u = 0; u < c->ref->desc->n_indexes; u++) {
                const Orbit__IndexDesc *ix = c->ref->desc->indexes[u];
                if (ix->unique && ix->n_columns == fk->n_ref_columns &&
                    memcmp(ix->columns, fk->ref_columns, sizeof(uint32_t) * ix->n_columns) == 0)
                    c->index_oid = ix->oid;
            }
        }
    }
    *out = v;
    return n;
}

const char *sql_pgcat_constraintdef(sql_session_t *s, const sql_pgrels_t *r, const sql_table_t *t,
                                    const sql_pgcon_t *c, orb_mcx_t *mcx) {
    orb_buf_t b;
    orb_buf_init(&b);
    switch (c->type) {
    case 'p':
    case 'u':
        orb_buf_puts(&b, c->type == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
        col_list(&b, t, c->cols, c->ncols);
        orb_buf_putc(&b, ')');
        break;
    case 'c':
        orb_buf_printf(&b, "CHECK (%s)", sql_pgcat_check_expr(c->check));
        break;
    case 'f':
        orb_buf_puts(&b, "FOREIGN KEY (");
        col_list(&b, t, c->cols, c->ncols);
        orb_buf_puts(&b, ") REFERENCES ");
        if (c->ref) {
            const sql_pgrel_t *x = sql_pgrels_find(r, c->ref->id);
            if (x && !sql_pgrels_visible(s, r, x)) {
                sql_pgcat_quote_ident(&b, c->ref->schema);
                orb_buf_putc(&b, '.');
            }
            sql_pgcat_quote_ident(&b, c->ref->name);
            orb_buf_putc(&b, '(');
            col_list(&b, c->ref, c->fk->ref_columns, c->fk->n_ref_columns);
            orb_buf_putc(&b, ')');
        }
        break;
    }
    const char *out = orb_strdup(mcx, b.data ? b.data : "");
    orb_buf_free(&b);
    return out;
}
