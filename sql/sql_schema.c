/* sql/sql_schema.c — schemas: CREATE SCHEMA, DROP SCHEMA [CASCADE], and whether
 * a schema exists. A schema is the catalog record ("schema", name) -> (oid);
 * public, pg_catalog and information_schema always exist. The objects of a
 * schema are the tables in the catalog cache whose schema matches and the
 * sequences under ("sequence", schema). Like all DDL here it commits at once.
 * Entry points: sql_ddl_int.h. See README.md ("Sequences and schemas"). */
#include "sql_acl.h"
#include "sql_ddl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SCHEMA_TAG[] = "schema";

static bool builtin_schema(const char *name) {
  return strcmp(name, "public") == 0 || strcmp(name, "pg_catalog") == 0 ||
         strcmp(name, "information_schema") == 0 || strcmp(name, "redis") == 0;
}

static int found_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
  (void)key;
  (void)row;
  *(bool *)arg = true;
  return 0;
}

int sql_schema_exists(sql_engine_t *e, const char *name, bool *exists,
                      orb_err_t *err) {
  *exists = false;
  if (builtin_schema(name)) {
    *exists = true;
    return 0;
  }
  sql_cat_key_t k = {2, {SCHEMA_TAG, name}};
  return sql_catalog_record_scan(e, &k, true, found_cb, exists, err);
}

int sql_exec_create_schema(sql_session_t *s, PgQuery__CreateSchemaStmt *cs,
                           orb_err_t *err) {
  sql_engine_t *e = sql_session_engine(s);
  const char *name = cs->schemaname;
  if (!name || !name[0])
    return orb_err_set(
        err, FEATURE_NOT_SUPPORTED,
        "CREATE SCHEMA without a schema name is not supported yet");
  if (cs->n_schema_elts)
    return orb_err_set(
        err, FEATURE_NOT_SUPPORTED,
        "CREATE SCHEMA with schema elements is not supported yet");
  if (strlen(name) > 63)
    return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
  bool exists;
  if (sql_schema_exists(e, name, &exists, err) != 0)
    return -1;
  if (exists) {
    if (cs->if_not_exists) {
      sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_SCHEMA,
                         "schema \"%s\" already exists, skipping", name);
      return 0;
    }
    return orb_err_set(err, DUPLICATE_SCHEMA, "schema \"%s\" already exists",
                       name);
  }
  if (strncmp(name, "pg_", 3) == 0) {
    orb_err_set(err, RESERVED_NAME, "unacceptable schema name \"%s\"", name);
    orb_err_detail(err, "The prefix \"pg_\" is reserved for system schemas.");
    return -1;
  }
  uint32_t oid;
  if (act_oid_next(e->rt, &oid, err) != 0)
    return -1;
  Orbit__Datum d = ORBIT__DATUM__INIT, *dp[1] = {&d};
  d.v_case = ORBIT__DATUM__V_I;
  d.i = oid;
  sql_cat_key_t k = {2, {SCHEMA_TAG, name}};
  return sql_catalog_record_put(e, &k, dp, 1, err);
}

/* An object of a schema, for PostgreSQL's dependency report (in creation
 * order). */
typedef struct member {
  uint64_t oid;
  bool is_table;
  sql_table_t *table; /* is_table: a reference */
  sql_seq_def_t seq;
} member_t;

static int member_cmp(const void *a, const void *b) {
  const member_t *x = a, *y = b;
  return x->oid < y->oid ? -1 : x->oid > y->oid;
}

/* The tables and (non-owned) sequences of schema, sorted by oid; caller frees
 * with members_free. */
static int members_of(sql_engine_t *e, const char *schema, member_t **out,
                      int *n, orb_err_t *err) {
  sql_table_t **tabs;
  int nt;
  sql_catalog_tables_in_schema(e, schema, &tabs, &nt);
  sql_seq_def_t *seqs;
  int ns;
  if (sql_sequence_list(e, schema, &seqs, &ns, err) != 0) {
    for (int i = 0; i < nt; i++)
      sql_table_release(tabs[i]);
    free(tabs);
    return -1;
  }
  member_t *m = calloc((size_t)(nt + ns) + 1, sizeof *m);
  if (!m)
    orb_panic("out of memory");
  int k = 0;
  for (int i = 0; i < nt; i++)
    m[k++] = (member_t){.oid = tabs[i]->id, .is_table = true, .table = tabs[i]};
  for (int i = 0; i < ns; i++)
    if (!seqs[i].owner_table)
      m[k++] = (member_t){.oid = seqs[i].id, .seq = seqs[i]};
  qsort(m, (size_t)k, sizeof *m, member_cmp);
  free(tabs);
  free(seqs);
  *out = m;
  *n = k;
  return 0;
}

static void members_free(member_t *m, int n) {
  for (int i = 0; i < n; i++)
    if (m[i].is_table)
      sql_table_release(m[i].table);
  free(m);
}

static void member_desc(orb_buf_t *b, const member_t *m, const char *schema) {
  if (m->is_table)
    orb_buf_printf(b, "%s %s.%s", m->table->view_sql ? "view" : "table",
                   schema, m->table->name);
  else
    orb_buf_printf(b, "sequence %s.%s", schema, m->seq.name);
}

int sql_exec_drop_schemas(sql_session_t *s, PgQuery__DropStmt *ds,
                          orb_err_t *err) {
  sql_engine_t *e = sql_session_engine(s);
  bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  /* check all first, so an error drops nothing */
  for (size_t i = 0; i < ds->n_objects; i++) {
    const char *name = sql_str_of(ds->objects[i]);
    if (!name)
      return orb_err_set(err, SYNTAX_ERROR, "schema name expected");
    bool exists;
    if (sql_schema_exists(e, name, &exists, err) != 0)
      return -1;
    if (!exists) {
      if (ds->missing_ok)
        continue;
      return orb_err_set(err, INVALID_SCHEMA_NAME,
                         "schema \"%s\" does not exist", name);
    }
    if (sql_acl_check_schema_owner(s, name, err) != 0)
      return -1;
    if (strcmp(name, "pg_catalog") == 0 ||
        strcmp(name, "information_schema") == 0) {
      orb_err_set(
          err, DEPENDENT_OBJECTS_STILL_EXIST,
          "cannot drop schema %s because it is required by the database system",
          name);
      return -1;
    }
    member_t *m;
    int n;
    if (members_of(e, name, &m, &n, err) != 0)
      return -1;
    if (n > 0 && !cascade) {
      orb_buf_t b;
      orb_buf_init(&b);
      for (int k = 0; k < n; k++) {
        if (k)
          orb_buf_puts(&b, "\n");
        member_desc(&b, &m[k], name);
        orb_buf_printf(&b, " depends on schema %s", name);
      }
      orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                  "cannot drop schema %s because other objects depend on it",
                  name);
      orb_err_detail(err, "%s", b.data ? b.data : "");
      orb_err_hint(err,
                   "Use DROP ... CASCADE to drop the dependent objects too.");
      orb_buf_free(&b);
      members_free(m, n);
      return -1;
    }
    members_free(m, n);
    if (strcmp(name, "public") == 0)
      return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                         "dropping schema public is not supported");
  }
  for (size_t i = 0; i < ds->n_objects; i++) {
    const char *name = sql_str_of(ds->objects[i]);
    bool exists;
    if (sql_schema_exists(e, name, &exists, err) != 0)
      return -1;
    if (!exists) {
      sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                         "schema \"%s\" does not exist, skipping", name);
      continue;
    }
    member_t *m;
    int n;
    if (members_of(e, name, &m, &n, err) != 0)
      return -1;
    if (n == 1) {
      orb_buf_t b;
      orb_buf_init(&b);
      member_desc(&b, &m[0], name);
      sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                         "drop cascades to %s", b.data);
      orb_buf_free(&b);
    } else if (n > 1) {
      orb_buf_t b;
      orb_buf_init(&b);
      for (int k = 0; k < n; k++) {
        if (k)
          orb_buf_puts(&b, "\n");
        orb_buf_puts(&b, "drop cascades to ");
        member_desc(&b, &m[k], name);
      }
      sql_session_notice_detail(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, b.data,
                                "drop cascades to %d other objects", n);
      orb_buf_free(&b);
    }
    int rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
      if (m[k].is_table) {
        rc = sql_ddl_drop_table(s, m[k].table, err);
      } else {
        sql_cat_key_t sk = {3, {"sequence", name, m[k].seq.name}};
        rc = sql_catalog_record_delete(e, &sk, err);
        if (rc == 0)
          act_seq_drop(e->rt, m[k].seq.id);
      }
    }
    members_free(m, n);
    if (rc != 0)
      return -1;
    sql_cat_key_t k = {2, {SCHEMA_TAG, name}};
    if (sql_catalog_record_delete(e, &k, err) != 0)
      return -1;
    if (sql_acl_forget_schema(e, name, err) != 0) /* its owner and privileges */
      return -1;
  }
  return 0;
}

/* ---- oids, the list of schemas, current_schemas (pg_namespace, search_path) ----------- */

/* The built-in schemas and the oids PostgreSQL 15 gives them (information_schema's is
 * assigned by initdb there; Orbit fixes one below 16384). */
static const sql_schema_entry_t builtin_schemas[] = {
    {"pg_catalog", 11}, {"public", 2200}, {"information_schema", 13183},
    {"redis", 13300} /* redis.keys (sql_redis.c): the Redis keys */};
#define NBUILTIN_SCHEMAS (sizeof builtin_schemas / sizeof builtin_schemas[0])

typedef struct schema_list {
  sql_schema_entry_t *v;
  int n, cap;
} schema_list_t;

static int schema_list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
  schema_list_t *l = arg;
  if (key->n_cols < 2 || key->cols[1]->v_case != ORBIT__DATUM__V_S) return 0;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
    if (!l->v) orb_panic("out of memory");
  }
  sql_schema_entry_t *s = &l->v[l->n++];
  size_t n = key->cols[1]->s.len < sizeof s->name - 1 ? key->cols[1]->s.len : sizeof s->name - 1;
  memcpy(s->name, key->cols[1]->s.data, n);
  s->name[n] = 0;
  s->oid = row->n_cols > 0 && row->cols[0]->v_case == ORBIT__DATUM__V_I ? (uint32_t)row->cols[0]->i
                                                                      : 0;
  return 0;
}

int sql_schema_list(sql_engine_t *e, sql_schema_entry_t **out, int *n, orb_err_t *err) {
  schema_list_t l = {0};
  l.cap = (int)NBUILTIN_SCHEMAS + 8;
  l.v = malloc(sizeof *l.v * (size_t)l.cap);
  if (!l.v) orb_panic("out of memory");
  for (size_t i = 0; i < NBUILTIN_SCHEMAS; i++) l.v[l.n++] = builtin_schemas[i];
  sql_cat_key_t k = {1, {SCHEMA_TAG}};
  if (sql_catalog_record_scan(e, &k, false, schema_list_cb, &l, err) != 0) {
    free(l.v);
    return -1;
  }
  *out = l.v;
  *n = l.n;
  return 0;
}

static int oid_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
  (void)key;
  *(uint32_t *)arg = row->n_cols > 0 && row->cols[0]->v_case == ORBIT__DATUM__V_I
                         ? (uint32_t)row->cols[0]->i
                         : 0;
  return 0;
}

int sql_schema_oid(sql_engine_t *e, const char *name, uint32_t *oid, bool *exists,
                   orb_err_t *err) {
  *oid = 0;
  *exists = false;
  for (size_t i = 0; i < NBUILTIN_SCHEMAS; i++) {
    if (strcmp(builtin_schemas[i].name, name) == 0) {
      *oid = builtin_schemas[i].oid;
      *exists = true;
      return 0;
    }
  }
  uint32_t o = UINT32_MAX;
  sql_cat_key_t k = {2, {SCHEMA_TAG, name}};
  if (sql_catalog_record_scan(e, &k, true, oid_cb, &o, err) != 0) return -1;
  if (o != UINT32_MAX) {
    *oid = o;
    *exists = true;
  }
  return 0;
}

int sql_fn_current_schemas(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                           sql_value_t *result, orb_err_t *err) {
  (void)nargs;
  sql_session_t *s = ctx->session;
  char path[32][64];
  int np = s ? sql_search_path(s, path, 32) : 0;
  sql_value_t el[33];
  int n = 0;
  /* pg_catalog is searched first unless the path names it (namespace.c) */
  bool cat_listed = false;
  for (int i = 0; i < np; i++) cat_listed |= strcmp(path[i], "pg_catalog") == 0;
  if (args[0].v.b && !cat_listed) {
    memset(&el[n], 0, sizeof el[n]);
    el[n].v.s.p = "pg_catalog";
    el[n].v.s.n = 10;
    n++;
  }
  for (int i = 0; i < np; i++) {
    bool exists = false;
    if (sql_schema_exists(sql_session_engine(s), path[i], &exists, err) != 0) return -1;
    if (!exists) continue;
    bool dup = false;
    for (int k = 0; k < n; k++) dup |= strcmp(el[k].v.s.p, path[i]) == 0;
    if (dup) continue;
    memset(&el[n], 0, sizeof el[n]);
    el[n].v.s.p = orb_strdup(ctx->mcx, path[i]);
    el[n].v.s.n = (uint32_t)strlen(path[i]);
    n++;
  }
  return sql_array_build(SQL_OID_NAME, el, n, ctx->mcx, result, err);
}
