/* sql/sql_sequence.c — sequences as catalog objects: CREATE / DROP SEQUENCE,
 * the records
 * ("sequence", schema, name) in the catalog column family, the sequences owned
 * by serial and identity columns (<table>_<col>_seq), and
 * nextval/currval/setval/lastval. Values come from act_seq_* (durable block
 * reservation, non-transactional as in PostgreSQL); CYCLE wraps by re-creating
 * the actor state at the bound. Entry points: sql_ddl_int.h. See README.md
 * ("Sequences and schemas"). */
#include "sql_ddl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_NVALS 11

static const char SEQ_TAG[] = "sequence";

/* ---- records
 * ------------------------------------------------------------------------------
 */

static void d_int(Orbit__Datum *d, int64_t v) {
  orbit__datum__init(d);
  d->v_case = ORBIT__DATUM__V_I;
  d->i = v;
}

static void d_bool(Orbit__Datum *d, bool v) {
  orbit__datum__init(d);
  d->v_case = ORBIT__DATUM__V_B;
  d->b = v;
}

static int64_t row_int(const Orbit__Row *r, size_t i) {
  return i < r->n_cols && r->cols[i]->v_case == ORBIT__DATUM__V_I
             ? r->cols[i]->i
             : 0;
}

static bool row_bool(const Orbit__Row *r, size_t i) {
  return i < r->n_cols && r->cols[i]->v_case == ORBIT__DATUM__V_B &&
         r->cols[i]->b;
}

static void key_text(const Orbit__Row *k, size_t i, char *out, size_t outn) {
  out[0] = 0;
  if (i >= k->n_cols || k->cols[i]->v_case != ORBIT__DATUM__V_S)
    return;
  size_t n = k->cols[i]->s.len < outn - 1 ? k->cols[i]->s.len : outn - 1;
  memcpy(out, k->cols[i]->s.data, n);
  out[n] = 0;
}

static void def_from_row(const Orbit__Row *k, const Orbit__Row *r,
                         sql_seq_def_t *d) {
  memset(d, 0, sizeof *d);
  key_text(k, 1, d->schema, sizeof d->schema);
  key_text(k, 2, d->name, sizeof d->name);
  d->id = (uint64_t)row_int(r, 0);
  d->type = (uint32_t)row_int(r, 1);
  d->start = row_int(r, 2);
  d->increment = row_int(r, 3);
  d->min_value = row_int(r, 4);
  d->max_value = row_int(r, 5);
  d->cache = row_int(r, 6);
  d->cycle = row_bool(r, 7);
  d->owner_table = (uint32_t)row_int(r, 8);
  d->owner_attnum = (int32_t)row_int(r, 9);
  d->identity = row_bool(r, 10);
}

int sql_sequence_store(sql_engine_t *e, const sql_seq_def_t *d,
                       orb_err_t *err) {
  Orbit__Datum v[SEQ_NVALS], *vp[SEQ_NVALS];
  d_int(&v[0], (int64_t)d->id);
  d_int(&v[1], d->type);
  d_int(&v[2], d->start);
  d_int(&v[3], d->increment);
  d_int(&v[4], d->min_value);
  d_int(&v[5], d->max_value);
  d_int(&v[6], d->cache);
  d_bool(&v[7], d->cycle);
  d_int(&v[8], d->owner_table);
  d_int(&v[9], d->owner_attnum);
  d_bool(&v[10], d->identity);
  for (int i = 0; i < SEQ_NVALS; i++)
    vp[i] = &v[i];
  sql_cat_key_t k = {3, {SEQ_TAG, d->schema, d->name}};
  return sql_catalog_record_put(e, &k, vp, SEQ_NVALS, err);
}

static int seq_forget(sql_engine_t *e, const sql_seq_def_t *d, orb_err_t *err) {
  sql_cat_key_t k = {3, {SEQ_TAG, d->schema, d->name}};
  return sql_catalog_record_delete(e, &k, err);
}

typedef struct one_ctx {
  sql_seq_def_t *out;
  bool *found;
} one_ctx_t;

static int one_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
  one_ctx_t *c = arg;
  def_from_row(key, row, c->out);
  *c->found = true;
  return 0;
}

int sql_sequence_lookup(sql_engine_t *e, const char *schema, const char *name,
                        sql_seq_def_t *out, bool *found, orb_err_t *err) {
  *found = false;
  sql_cat_key_t k = {3, {SEQ_TAG, schema ? schema : "public", name}};
  one_ctx_t c = {out, found};
  return sql_catalog_record_scan(e, &k, true, one_cb, &c, err);
}

typedef struct list_ctx {
  sql_seq_def_t *v;
  int n, cap;
} list_ctx_t;

static int list_cb(void *arg, const Orbit__Row *key, const Orbit__Row *row) {
  list_ctx_t *c = arg;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->v = realloc(c->v, sizeof *c->v * (size_t)c->cap);
    if (!c->v)
      orb_panic("out of memory");
  }
  def_from_row(key, row, &c->v[c->n++]);
  return 0;
}

int sql_sequence_list(sql_engine_t *e, const char *schema, sql_seq_def_t **out,
                      int *n, orb_err_t *err) {
  sql_cat_key_t k = {schema ? 2 : 1, {SEQ_TAG, schema}};
  list_ctx_t c = {0};
  if (sql_catalog_record_scan(e, &k, false, list_cb, &c, err) != 0) {
    free(c.v);
    return -1;
  }
  *out = c.v;
  *n = c.n;
  return 0;
}

int sql_sequence_owned_name(sql_engine_t *e, const char *schema,
                            const char *table, const char *col, char *out,
                            size_t outn, orb_err_t *err) {
  for (int i = 0; i < 1000; i++) {
    char base[200];
    if (i == 0)
      snprintf(base, sizeof base, "%s_%s_seq", table, col);
    else
      snprintf(base, sizeof base, "%s_%s_seq%d", table, col, i);
    snprintf(out, outn, "%.63s", base);
    bool found = false;
    sql_seq_def_t d;
    if (sql_sequence_lookup(e, schema, out, &d, &found, err) != 0)
      return -1;
    sql_table_t *t = found ? NULL : sql_catalog_get(e, schema, out);
    if (!found && !t)
      return 0;
    sql_table_release(t);
  }
  return orb_err_set(err, DUPLICATE_TABLE,
                     "could not choose a name for the sequence of %s.%s", table,
                     col);
}

int sql_sequence_forget_owned(sql_engine_t *e, const char *schema,
                              uint32_t table_id, orb_err_t *err) {
  sql_seq_def_t *v = NULL;
  int n = 0;
  if (sql_sequence_list(e, schema, &v, &n, err) != 0)
    return -1;
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++)
    if (v[i].owner_table == table_id)
      rc = seq_forget(e, &v[i], err);
  free(v);
  return rc;
}

int sql_sequence_restart(sql_engine_t *e, const sql_seq_def_t *d,
                         orb_err_t *err) {
  return act_seq_create(e->rt, d->id, d->start, d->increment, d->min_value,
                        d->max_value, err);
}

/* ---- CREATE / DROP SEQUENCE
 * --------------------------------------------------------------- */

static int opt_int(PgQuery__DefElem *d, int64_t *v, orb_err_t *err) {
  PgQuery__Node *a = d->arg;
  if (a && a->node_case == PG_QUERY__NODE__NODE_INTEGER) {
    *v = a->integer->ival;
    return 0;
  }
  if (a && a->node_case == PG_QUERY__NODE__NODE_FLOAT) {
    char *end;
    errno = 0;
    long long x = strtoll(a->float_->fval, &end, 10);
    if (errno == 0 && *end == 0) {
      *v = x;
      return 0;
    }
    orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"%s\" is out of range for type bigint",
                a->float_->fval);
    return -1;
  }
  orb_err_set(err, SYNTAX_ERROR, "%s requires a numeric value", d->defname);
  return sql_err_at(err, d->location);
}

static int type_bounds(uint32_t type, int64_t *lo, int64_t *hi) {
  switch (type) {
  case SQL_OID_INT2:
    *lo = -32768, *hi = 32767;
    return 0;
  case SQL_OID_INT4:
    *lo = INT32_MIN, *hi = INT32_MAX;
    return 0;
  case SQL_OID_INT8:
    *lo = INT64_MIN, *hi = INT64_MAX;
    return 0;
  default:
    return -1;
  }
}

static int conflicting(orb_err_t *err, PgQuery__DefElem *d) {
  orb_err_set(err, SYNTAX_ERROR, "conflicting or redundant options");
  return sql_err_at(err, d->location);
}

/* PostgreSQL's init_params for CREATE SEQUENCE: defaults by direction and type,
 * then the checks in its order and with its messages. */
static int seq_params(sql_session_t *s, PgQuery__Node **opts, size_t nopts,
                      orb_mcx_t *mcx, const char *text, sql_seq_def_t *d,
                      orb_err_t *err) {
  PgQuery__DefElem *as = NULL, *inc = NULL, *minv = NULL, *maxv = NULL,
                   *start = NULL, *cache = NULL, *cycle = NULL;
  for (size_t i = 0; i < nopts; i++) {
    PgQuery__DefElem *o = opts[i]->def_elem;
    PgQuery__DefElem **slot = strcmp(o->defname, "as") == 0          ? &as
                              : strcmp(o->defname, "increment") == 0 ? &inc
                              : strcmp(o->defname, "minvalue") == 0  ? &minv
                              : strcmp(o->defname, "maxvalue") == 0  ? &maxv
                              : strcmp(o->defname, "start") == 0     ? &start
                              : strcmp(o->defname, "cache") == 0     ? &cache
                              : strcmp(o->defname, "cycle") == 0     ? &cycle
                                                                     : NULL;
    if (!slot)
      return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                         "sequence option \"%s\" is not supported", o->defname);
    if (*slot)
      return conflicting(err, o);
    *slot = o;
  }
  d->type = SQL_OID_INT8;
  if (as) {
    sql_analyze_ctx_t ac = {.mcx = mcx, .sess = s, .text = text};
    int32_t typmod;
    if (sql_expr_resolve_type(&ac, as->arg->type_name, &d->type, &typmod,
                              err) != 0)
      return -1;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (type_bounds(d->type, &lo, &hi) != 0) {
      return orb_err_set(err, INVALID_PARAMETER_VALUE,
                         "sequence type must be smallint, integer, or bigint");
    }
  }
  d->increment = 1;
  if (inc && opt_int(inc, &d->increment, err) != 0)
    return -1;
  if (d->increment == 0)
    return orb_err_set(err, INVALID_PARAMETER_VALUE,
                       "INCREMENT must not be zero");
  d->cycle =
      cycle && cycle->arg &&
              cycle->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN
          ? cycle->arg->boolean->boolval
          : (cycle && cycle->arg &&
                     cycle->arg->node_case == PG_QUERY__NODE__NODE_INTEGER
                 ? cycle->arg->integer->ival != 0
                 : false);
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  type_bounds(d->type, &lo, &hi);
  /* NO MAXVALUE / NO MINVALUE come as options without an argument */
  if (maxv && maxv->arg) {
    if (opt_int(maxv, &d->max_value, err) != 0)
      return -1;
  } else {
    d->max_value = d->increment > 0 ? hi : -1;
  }
  if (minv && minv->arg) {
    if (opt_int(minv, &d->min_value, err) != 0)
      return -1;
  } else {
    d->min_value = d->increment > 0 ? 1 : lo;
  }
  const char *tname = d->type == SQL_OID_INT2   ? "smallint"
                      : d->type == SQL_OID_INT4 ? "integer"
                                                : "bigint";
  if (d->max_value < lo || d->max_value > hi)
    return orb_err_set(
        err, INVALID_PARAMETER_VALUE,
        "MAXVALUE (%lld) is out of range for sequence data type %s",
        (long long)d->max_value, tname);
  if (d->min_value < lo || d->min_value > hi)
    return orb_err_set(
        err, INVALID_PARAMETER_VALUE,
        "MINVALUE (%lld) is out of range for sequence data type %s",
        (long long)d->min_value, tname);
  if (d->min_value >= d->max_value)
    return orb_err_set(err, INVALID_PARAMETER_VALUE,
                       "MINVALUE (%lld) must be less than MAXVALUE (%lld)",
                       (long long)d->min_value, (long long)d->max_value);
  if (start) {
    if (opt_int(start, &d->start, err) != 0)
      return -1;
  } else {
    d->start = d->increment > 0 ? d->min_value : d->max_value;
  }
  if (d->start < d->min_value)
    return orb_err_set(err, INVALID_PARAMETER_VALUE,
                       "START value (%lld) cannot be less than MINVALUE (%lld)",
                       (long long)d->start, (long long)d->min_value);
  if (d->start > d->max_value)
    return orb_err_set(
        err, INVALID_PARAMETER_VALUE,
        "START value (%lld) cannot be greater than MAXVALUE (%lld)",
        (long long)d->start, (long long)d->max_value);
  d->cache = 1;
  if (cache && opt_int(cache, &d->cache, err) != 0)
    return -1;
  if (d->cache <= 0)
    return orb_err_set(err, INVALID_PARAMETER_VALUE,
                       "CACHE (%lld) must be greater than zero",
                       (long long)d->cache);
  return 0;
}

int sql_exec_create_sequence(sql_session_t *s, PgQuery__CreateSeqStmt *cs,
                             orb_mcx_t *mcx, const char *text, orb_err_t *err) {
  sql_engine_t *e = sql_session_engine(s);
  PgQuery__RangeVar *rv = cs->sequence;
  /* the schema named, or the first existing one of search_path */
  char schema_buf[64];
  if (sql_catalog_creation_schema(s, rv->schemaname, schema_buf,
                                  sizeof schema_buf, err) != 0)
    return sql_err_at(err, rv->location);
  const char *schema = schema_buf;
  if (rv->relpersistence && rv->relpersistence[0] == 't')
    return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                       "temporary sequences are not supported yet");
  if (strlen(rv->relname) > 63)
    return orb_err_set(err, NAME_TOO_LONG, "identifier too long");
  sql_seq_def_t d;
  memset(&d, 0, sizeof d);
  snprintf(d.schema, sizeof d.schema, "%s", schema);
  snprintf(d.name, sizeof d.name, "%s", rv->relname);
  if (seq_params(s, cs->options, cs->n_options, mcx, text, &d, err) != 0)
    return -1;
  bool found;
  sql_seq_def_t old;
  if (sql_sequence_lookup(e, schema, rv->relname, &old, &found, err) != 0)
    return -1;
  sql_table_t *t = found ? NULL : sql_catalog_get(e, schema, rv->relname);
  if (found || t) {
    sql_table_release(t);
    if (cs->if_not_exists) {
      sql_session_notice(s, ORB_SQLSTATE_DUPLICATE_TABLE,
                         "relation \"%s\" already exists, skipping",
                         rv->relname);
      return 0;
    }
    orb_err_set(err, DUPLICATE_TABLE, "relation \"%s\" already exists",
                rv->relname);
    return -1;
  }
  uint32_t id;
  if (act_oid_next(e->rt, &id, err) != 0)
    return -1;
  d.id = id;
  if (act_seq_create(e->rt, d.id, d.start, d.increment, d.min_value,
                     d.max_value, err) != 0)
    return -1;
  if (sql_sequence_store(e, &d, err) != 0) {
    act_seq_drop(e->rt, d.id);
    return -1;
  }
  return 0;
}

static void list_name(const PgQuery__List *l, const char **schema,
                      const char **name) {
  *name = sql_str_of(l->items[l->n_items - 1]);
  *schema = l->n_items > 1 ? sql_str_of(l->items[l->n_items - 2]) : NULL;
}

/* The error for dropping a sequence that a column uses. */
static int owned_error(sql_engine_t *e, const sql_seq_def_t *d,
                       orb_err_t *err) {
  sql_table_t *owner = NULL;
  pthread_rwlock_rdlock(&e->cat_lock);
  for (int i = 0; i < e->ntables; i++)
    if (e->tables[i]->id == d->owner_table) {
      owner = e->tables[i];
      atomic_fetch_add(&owner->refs, 1);
    }
  pthread_rwlock_unlock(&e->cat_lock);
  const char *col =
      owner && d->owner_attnum >= 1 && d->owner_attnum <= owner->ncols
          ? owner->cols[d->owner_attnum - 1].name
          : "?";
  const char *tab = owner ? owner->name : "?";
  if (d->identity) {
    orb_err_set(
        err, DEPENDENT_OBJECTS_STILL_EXIST,
        "cannot drop sequence %s because column %s of table %s requires it",
        d->name, col, tab);
    orb_err_hint(err, "You can drop column %s of table %s instead.", col, tab);
  } else {
    orb_err_set(err, DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop sequence %s because other objects depend on it",
                d->name);
    orb_err_detail(
        err, "default value for column %s of table %s depends on sequence %s",
        col, tab, d->name);
    orb_err_hint(err,
                 "Use DROP ... CASCADE to drop the dependent objects too.");
  }
  sql_table_release(owner);
  return -1;
}

int sql_exec_drop_sequences(sql_session_t *s, PgQuery__DropStmt *ds,
                            orb_err_t *err) {
  sql_engine_t *e = sql_session_engine(s);
  bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  /* check all first, as PostgreSQL does, so a missing one drops nothing */
  for (size_t i = 0; i < ds->n_objects; i++) {
    const char *schema, *name;
    list_name(ds->objects[i]->list, &schema, &name);
    bool found, ok = true;
    sql_seq_def_t d;
    if (schema && sql_schema_exists(e, schema, &ok, err) != 0)
      return -1;
    if (!ok) {
      if (ds->missing_ok)
        continue;
      return orb_err_set(err, INVALID_SCHEMA_NAME,
                         "schema \"%s\" does not exist", schema);
    }
    if (sql_sequence_lookup(e, schema, name, &d, &found, err) != 0)
      return -1;
    if (found) {
      if (d.owner_table && (d.identity || !cascade))
        return owned_error(e, &d, err);
      continue;
    }
    sql_table_t *t = sql_catalog_get(e, schema, name);
    if (t) {
      sql_table_release(t);
      orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a sequence", name);
      orb_err_hint(err, "Use DROP TABLE to remove a table.");
      return -1;
    }
    if (!ds->missing_ok)
      return orb_err_set(err, UNDEFINED_TABLE, "sequence \"%s\" does not exist",
                         name);
  }
  for (size_t i = 0; i < ds->n_objects; i++) {
    const char *schema, *name;
    list_name(ds->objects[i]->list, &schema, &name);
    bool found, ok = true;
    sql_seq_def_t d;
    if (schema && sql_schema_exists(e, schema, &ok, err) != 0)
      return -1;
    if (!ok) {
      sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                         "schema \"%s\" does not exist, skipping", schema);
      continue;
    }
    if (sql_sequence_lookup(e, schema, name, &d, &found, err) != 0)
      return -1;
    if (!found) {
      sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION,
                         "sequence \"%s\" does not exist, skipping", name);
      continue;
    }
    if (d.owner_table) /* CASCADE of a serial's sequence: PostgreSQL drops the
                          default */
      return orb_err_set(
          err, FEATURE_NOT_SUPPORTED,
          "dropping the sequence of a serial column is not supported yet");
    if (seq_forget(e, &d, err) != 0)
      return -1;
    act_seq_drop(e->rt, d.id);
  }
  return 0;
}

/* ---- nextval / currval / setval / lastval
 * ------------------------------------------------- */

/* Parses a regclass-style name: unquoted parts fold to lower case, "quoted"
 * parts keep case
 * ("" is a quote). */
static int parse_name(const sql_value_t *arg, char *schema, char *name,
                      orb_err_t *err) {
  const char *p = arg->v.s.p;
  size_t n = arg->v.s.n;
  char parts[3][64];
  int np = 0;
  size_t i = 0;
  for (;;) {
    if (np == 3)
      goto bad;
    size_t o = 0;
    while (i < n && isspace((unsigned char)p[i]))
      i++;
    if (i < n && p[i] == '"') {
      i++;
      for (;;) {
        if (i >= n)
          goto bad;
        if (p[i] == '"') {
          if (i + 1 < n && p[i + 1] == '"') {
            i++;
          } else {
            i++;
            break;
          }
        }
        if (o < 63)
          parts[np][o++] = p[i];
        i++;
      }
      if (o == 0)
        goto bad;
    } else {
      while (i < n && p[i] != '.' && !isspace((unsigned char)p[i])) {
        if (o < 63)
          parts[np][o++] = (char)tolower((unsigned char)p[i]);
        i++;
      }
      if (o == 0)
        goto bad;
    }
    parts[np++][o] = 0;
    while (i < n && isspace((unsigned char)p[i]))
      i++;
    if (i >= n)
      break;
    if (p[i] != '.')
      goto bad;
    i++;
  }
  if (np == 3)
    return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                       "cross-database references are not implemented: %.*s",
                       (int)n, p);
  if (np == 2) {
    snprintf(schema, 64, "%s", parts[0]);
    snprintf(name, 64, "%s", parts[1]);
  } else {
    schema[0] = 0;
    snprintf(name, 64, "%s", parts[0]);
  }
  return 0;
bad:
  return orb_err_set(err, INVALID_NAME, "invalid name syntax");
}

static int seq_resolve(sql_fn_ctx_t *ctx, const sql_value_t *arg,
                       sql_seq_def_t *d, orb_err_t *err) {
  sql_session_t *s = ctx->session;
  if (ORB_NEVER(!s))
    return orb_err_set(err, INTERNAL_ERROR,
                       "sequence function without a session");
  sql_engine_t *e = sql_session_engine(s);
  char schema[64], name[64];
  if (parse_name(arg, schema, name, err) != 0)
    return -1;
  if (schema[0]) {
    bool ok;
    if (sql_schema_exists(e, schema, &ok, err) != 0)
      return -1;
    if (!ok)
      return orb_err_set(err, INVALID_SCHEMA_NAME,
                         "schema \"%s\" does not exist", schema);
  }
  bool found;
  if (!schema[0]) {
    /* unqualified: the first schema of search_path holding a relation of that
     * name */
    char path[16][64];
    int np = sql_search_path(s, path, 16);
    for (int i = 0; i < np; i++) {
      if (sql_sequence_lookup(e, path[i], name, d, &found, err) != 0)
        return -1;
      if (found)
        return 0;
      sql_table_t *t = sql_catalog_get(e, path[i], name);
      if (t) {
        sql_table_release(t);
        return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a sequence",
                           name);
      }
    }
    return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist",
                       name);
  }
  if (sql_sequence_lookup(e, schema, name, d, &found, err) != 0)
    return -1;
  if (found)
    return 0;
  sql_table_t *t = sql_catalog_get(e, schema, name);
  if (t) {
    sql_table_release(t);
    return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is not a sequence",
                       name);
  }
  if (schema[0])
    return orb_err_set(err, UNDEFINED_TABLE,
                       "relation \"%s.%s\" does not exist", schema, name);
  return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist",
                     name);
}

static void set_i8(sql_value_t *r, int64_t v) {
  memset(r, 0, sizeof *r);
  r->v.i = v;
}

int sql_fn_nextval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err) {
  (void)nargs;
  sql_seq_def_t d;
  if (seq_resolve(ctx, &args[0], &d, err) != 0)
    return -1;
  sql_session_t *s = ctx->session;
  act_runtime_t *rt = sql_session_rt(s);
  int64_t v;
  orb_err_t e2;
  orb_err_clear(&e2);
  if (act_seq_next(rt, d.id, &v, &e2) != 0) {
    if (e2.code != ORB_SQLSTATE_SEQUENCE_GENERATOR_LIMIT_EXCEEDED) {
      *err = e2;
      return -1;
    }
    bool up = d.increment > 0;
    if (!d.cycle)
      return orb_err_set(err, SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                         "nextval: reached %s value of sequence \"%s\" (%lld)",
                         up ? "maximum" : "minimum", d.name,
                         (long long)(up ? d.max_value : d.min_value));
    /* CYCLE: start over at the other bound */
    if (act_seq_create(rt, d.id, up ? d.min_value : d.max_value, d.increment,
                       d.min_value, d.max_value, err) != 0 ||
        act_seq_next(rt, d.id, &v, err) != 0)
      return -1;
  }
  sql_session_seq_note(s, d.id, v, true);
  set_i8(result, v);
  return 0;
}

int sql_fn_currval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err) {
  (void)nargs;
  sql_seq_def_t d;
  if (seq_resolve(ctx, &args[0], &d, err) != 0)
    return -1;
  int64_t v;
  if (!sql_session_seq_currval(ctx->session, d.id, &v))
    return orb_err_set(
        err, OBJECT_NOT_IN_PREREQUISITE_STATE,
        "currval of sequence \"%s\" is not yet defined in this session",
        d.name);
  set_i8(result, v);
  return 0;
}

int sql_fn_setval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                  sql_value_t *result, orb_err_t *err) {
  sql_seq_def_t d;
  if (seq_resolve(ctx, &args[0], &d, err) != 0)
    return -1;
  int64_t v = args[1].v.i;
  bool is_called = nargs < 3 || args[2].v.b;
  if (v < d.min_value || v > d.max_value)
    return orb_err_set(
        err, NUMERIC_VALUE_OUT_OF_RANGE,
        "setval: value %lld is out of bounds for sequence \"%s\" (%lld..%lld)",
        (long long)v, d.name, (long long)d.min_value, (long long)d.max_value);
  act_runtime_t *rt = sql_session_rt(ctx->session);
  /* is_called false: the next nextval returns v itself */
  int rc = is_called ? act_seq_set(rt, d.id, v, err)
                     : act_seq_create(rt, d.id, v, d.increment, d.min_value,
                                      d.max_value, err);
  if (rc != 0)
    return -1;
  if (is_called)
    sql_session_seq_note(ctx->session, d.id, v, false);
  set_i8(result, v);
  return 0;
}

int sql_fn_lastval(sql_fn_ctx_t *ctx, const sql_value_t *args, int nargs,
                   sql_value_t *result, orb_err_t *err) {
  (void)args;
  (void)nargs;
  uint64_t id;
  int64_t v;
  if (!ctx->session || !sql_session_seq_lastval(ctx->session, &id, &v))
    return orb_err_set(err, OBJECT_NOT_IN_PREREQUISITE_STATE,
                       "lastval is not yet defined in this session");
  set_i8(result, v);
  return 0;
}
