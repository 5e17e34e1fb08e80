/* sql/sql_vindex.c — vector indexes: CREATE INDEX ... USING hnsw | ivfflat with pgvector's
 * operator classes, options, defaults and limits; the messages that build, maintain and drop
 * them in every shard (ShardOp VEC_BUILD / VEC_ADD / VEC_DROP, executed by actors/act_vec.c);
 * and the ORDER BY a vector index serves (sql_vindex_order). The search: sql_vscan.c.
 * See README.md ("Vector indexes"). */
#include "sql_ddl_int.h"
#include "sql_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pgvector 0.8's operator classes. Distances as the operators compute them. */
typedef struct opclass {
    const char *name;
    const char *type;  /* pg_type.typname of the column */
    int metric;        /* 1 l2, 2 ip, 3 cosine, 4 l1, 5 hamming, 6 jaccard */
    bool hnsw, ivfflat;
} opclass_t;

static const opclass_t opclasses[] = {
    {"vector_l2_ops", "vector", 1, true, true},
    {"vector_ip_ops", "vector", 2, true, true},
    {"vector_cosine_ops", "vector", 3, true, true},
    {"vector_l1_ops", "vector", 4, true, false},
    {"halfvec_l2_ops", "halfvec", 1, true, true},
    {"halfvec_ip_ops", "halfvec", 2, true, true},
    {"halfvec_cosine_ops", "halfvec", 3, true, true},
    {"halfvec_l1_ops", "halfvec", 4, true, false},
    {"sparsevec_l2_ops", "sparsevec", 1, true, false},
    {"sparsevec_ip_ops", "sparsevec", 2, true, false},
    {"sparsevec_cosine_ops", "sparsevec", 3, true, false},
    {"sparsevec_l1_ops", "sparsevec", 4, true, false},
    {"bit_hamming_ops", "bit", 5, true, true},
    {"bit_jaccard_ops", "bit", 6, true, false},
};
#define NOPCLASSES (sizeof opclasses / sizeof opclasses[0])

static const char *const metric_ops[] = {"", "<->", "<#>", "<=>", "<+>", "<~>", "<%>"};

static const opclass_t *opclass_find(const char *name) {
    for (size_t i = 0; name && i < NOPCLASSES; i++)
        if (strcmp(opclasses[i].name, name) == 0) return &opclasses[i];
    return NULL;
}

int sql_vec_opclass_metric(const char *name) {
    const opclass_t *o = opclass_find(name);
    return o ? o->metric : 0;
}

/* 1 for vector, 2 for halfvec, 0 for any other column type */
static int elem_of(uint32_t type) {
    return type == SQL_OID_VECTOR ? 1 : type == SQL_OID_HALFVEC ? 2 : 0;
}

/* an integer WITH option: PostgreSQL's reloption errors */
static int int_option(PgQuery__DefElem *d, long lo, long hi, uint32_t *out, orb_err_t *err) {
    long v;
    const char *txt = NULL;
    char buf[64];
    if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) {
        v = d->arg->integer->ival;
        snprintf(buf, sizeof buf, "%ld", v);
        txt = buf;
    } else {
        txt = d->arg ? sql_str_of(d->arg) : NULL;
        char *end;
        v = txt ? strtol(txt, &end, 10) : 0;
        if (!txt || !*txt || *end)
            return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for integer option \"%s\": %s",
                               d->defname, txt ? txt : "");
    }
    if (v < lo || v > hi) {
        orb_err_set(err, INVALID_PARAMETER_VALUE, "value %s out of bounds for option \"%s\"", txt, d->defname);
        orb_err_detail(err, "Valid values are between \"%ld\" and \"%ld\".", lo, hi);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int sql_vindex_define(const sql_table_t *t, PgQuery__IndexStmt *is, const char *am, int col,
                      Orbit__IndexDesc *x, orb_mcx_t *mcx, orb_err_t *err) {
    bool hnsw = strcmp(am, "hnsw") == 0;
    if (is->unique)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "access method \"%s\" does not support unique indexes", am);
    if (is->n_index_params != 1)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED,
                           "access method \"%s\" does not support multicolumn indexes", am);
    const sql_column_def_t *cd = &t->cols[col];
    const sql_type_info_t *ti = sql_type_get(cd->type);
    const char *tname = ti ? ti->name : "unknown";
    PgQuery__IndexElem *ie = is->index_params[0]->index_elem;
    const opclass_t *oc = NULL;
    if (ie->n_opclass) {
        const char *name = sql_str_of(ie->opclass[ie->n_opclass - 1]);
        oc = opclass_find(name);
        if (!oc || !(hnsw ? oc->hnsw : oc->ivfflat))
            return orb_err_set(err, UNDEFINED_OBJECT, "operator class \"%s\" does not exist for access method \"%s\"",
                               name, am);
        if (strcmp(oc->type, tname) != 0)
            return orb_err_set(err, DATATYPE_MISMATCH, "operator class \"%s\" does not accept data type %s", name,
                               sql_type_format(cd->type, -1, mcx));
    } else {
        /* the default operator class of the type: <type>_l2_ops (bit: bit_hamming_ops) */
        for (size_t i = 0; i < NOPCLASSES && !oc; i++)
            if (strcmp(opclasses[i].type, tname) == 0 && (hnsw ? opclasses[i].hnsw : opclasses[i].ivfflat)) oc = &opclasses[i];
        if (!oc) {
            orb_err_set(err, UNDEFINED_OBJECT, "data type %s has no default operator class for access method \"%s\"",
                        sql_type_format(cd->type, -1, mcx), am);
            orb_err_hint(err, "You must specify an operator class for the index or define a default operator class for the data type.");
            return -1;
        }
    }
    if (strcmp(oc->type, "vector") != 0 && strcmp(oc->type, "halfvec") != 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "%s indexes on %s are not supported yet", am, oc->type);
    uint32_t m = 16, efc = 64, lists = 100;
    for (size_t i = 0; i < is->n_options; i++) {
        PgQuery__DefElem *d = is->options[i]->def_elem;
        int rc;
        if (hnsw && strcmp(d->defname, "m") == 0)
            rc = int_option(d, 2, 100, &m, err);
        else if (hnsw && strcmp(d->defname, "ef_construction") == 0)
            rc = int_option(d, 4, 1000, &efc, err);
        else if (!hnsw && strcmp(d->defname, "lists") == 0)
            rc = int_option(d, 1, 32768, &lists, err);
        else
            rc = orb_err_set(err, INVALID_PARAMETER_VALUE, "unrecognized parameter \"%s\"", d->defname);
        if (rc != 0) return -1;
    }
    int maxdim = strcmp(oc->type, "halfvec") == 0 ? 4000 : 2000;
    if (cd->typmod < 1) return orb_err_set(err, INTERNAL_ERROR, "column does not have dimensions");
    if (cd->typmod > maxdim)
        return orb_err_set(err, INTERNAL_ERROR, "column cannot have more than %d dimensions for %s index", maxdim, am);
    if (hnsw && efc < 2 * m)
        return orb_err_set(err, INTERNAL_ERROR, "ef_construction must be greater than or equal to 2 * m");
    x->method = strdup(am);
    x->opclass = strdup(oc->name);
    x->m = hnsw ? m : 0;
    x->ef_construction = hnsw ? efc : 0;
    x->lists = hnsw ? 0 : lists;
    return 0;
}

Orbit__VecSpec *sql_vindex_spec(orb_mcx_t *mcx, const sql_table_t *t, const sql_unique_t *u) {
    Orbit__VecSpec *s = orb_alloc(mcx, sizeof *s);
    orbit__vec_spec__init(s);
    int col = u->cols[0];
    s->index_id = u->index_id;
    s->method = (uint32_t)u->vec_method;
    s->metric = (uint32_t)u->vec_metric;
    s->dim = t->cols[col].typmod > 0 ? (uint32_t)t->cols[col].typmod : 0;
    s->m = u->vec_m;
    s->ef_construction = u->vec_ef_construction;
    s->lists = u->vec_lists;
    s->slot = (uint32_t)(t->phys ? t->phys[col] : col);
    s->elem = (uint32_t)elem_of(t->cols[col].type);
    s->oid = u->oid;
    return s;
}

/* An op of kind about index u of t (its definition in mcx). */
static Orbit__ShardOp index_op(Orbit__ShardOp__Kind kind, const sql_table_t *t, const sql_unique_t *u,
                               orb_mcx_t *mcx) {
    Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
    op.kind = kind;
    op.index_id = u->index_id;
    op.vec = sql_vindex_spec(mcx, t, u);
    return op;
}

/* One op to every shard of t outside any transaction, in parallel; the counts summed. */
static int broadcast(act_runtime_t *rt, const sql_table_t *t, Orbit__ShardOp *op, uint64_t *count,
                     orb_err_t *err) {
    act_call_t **calls = calloc(t->nshards ? t->nshards : 1, sizeof *calls);
    if (!calls) orb_panic("out of memory");
    for (uint32_t sh = 0; sh < t->nshards; sh++) {
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        Orbit__ShardOp *ops[1] = {op};
        req.table_id = t->id;
        req.shard = sh;
        req.schema_version = t->version;
        req.n_ops = 1;
        req.ops = ops;
        calls[sh] = act_call_post(rt, ACT_TABLE_SHARD, &req);
    }
    int rc = 0;
    if (count) *count = 0;
    for (uint32_t sh = 0; sh < t->nshards; sh++) {
        Orbit__ShardReply *reply = sql_shard_gather(calls[sh], &rc, err);
        if (reply && count && reply->n_results == 1) *count += reply->results[0]->count;
        act_call_free(calls[sh]);
    }
    free(calls);
    return rc;
}

int sql_vindex_build(sql_session_t *s, const sql_table_t *t, const sql_unique_t *u, orb_mcx_t *mcx,
                     orb_err_t *err) {
    Orbit__ShardOp op = index_op(ORBIT__SHARD_OP__KIND__VEC_BUILD, t, u, mcx);
    /* the shards report to one progress entry (pg_stat_progress_create_index) */
    act_runtime_t *rt = sql_session_rt(s);
    op.progress_id = act_progress_begin(rt);
    sql_progress_begin(s, op.progress_id, t->id, u->oid);
    uint64_t n;
    int rc = broadcast(rt, t, &op, &n, err);
    sql_progress_end(op.progress_id);
    act_progress_end(rt, op.progress_id);
    if (rc != 0) return -1;
    if (u->vec_method == 2 && n < u->vec_lists) /* pgvector's notice: fewer rows than lists */
        sql_session_notice(s, ORB_SQLSTATE_SUCCESSFUL_COMPLETION, "ivfflat index created with little data");
    return 0;
}

int sql_vindex_drop(act_runtime_t *rt, const sql_table_t *t, const sql_unique_t *u, orb_mcx_t *mcx,
                    orb_err_t *err) {
    Orbit__ShardOp op = index_op(ORBIT__SHARD_OP__KIND__VEC_DROP, t, u, mcx);
    return broadcast(rt, t, &op, NULL, err);
}

int sql_vindex_forget_all(act_runtime_t *rt, const sql_table_t *t, orb_err_t *err) {
    orb_mcx_t *mcx = orb_mcx_create(NULL, "vindex forget");
    int rc = 0;
    for (int u = 0; u < t->nunique && rc == 0; u++)
        if (t->uniques[u].vec_method) rc = sql_vindex_drop(rt, t, &t->uniques[u], mcx, err);
    orb_mcx_destroy(mcx);
    return rc;
}

int sql_vindex_add(sql_wb_t *wb, const sql_table_t *t, const sql_unique_t *u,
                   const sql_value_t *vals, Orbit__Datum **key, int nkey, orb_err_t *err) {
    int col = u->cols[0];
    if (vals[col].isnull) return 0; /* NULLs are not indexed */
    uint32_t shard;
    if (act_shard_of((const Orbit__Datum *const *)key, (size_t)nkey, t->nshards, &shard, err) != 0)
        return -1;
    Orbit__ShardOp *op = sql_wb_add(wb, shard, ORBIT__SHARD_OP__KIND__VEC_ADD, u->index_id, key, nkey);
    op->vec = sql_vindex_spec(wb->mcx, t, u);
    op->row = orb_alloc(wb->mcx, sizeof *op->row);
    orbit__row__init(op->row);
    op->row->n_cols = 1;
    op->row->cols = sql_pb_datums(wb->mcx, 1);
    op->row->cols[0] = sql_pb_datum(wb->mcx, t->cols[col].type, &vals[col]);
    return 0;
}

/* ---- planning: ORDER BY col <op> q LIMIT k ------------------------------------------------ */

static bool stable_expr(const sql_expr_t *e) {
    if (!e) return true;
    switch (e->tag) {
    case SQL_T_CONST:
    case SQL_T_PARAM:
        return true;
    case SQL_T_SUBLINK: /* an uncorrelated scalar subquery runs once (PostgreSQL's InitPlan) */
        return e->flag == SQL_SUBLINK_EXPR && !e->correlated;
    case SQL_T_CAST:
        return e->nargs == 1 && stable_expr(e->args[0]);
    case SQL_T_FUNC:
        if (!e->fn || e->fn->volatile_) return false;
        for (int i = 0; i < e->nargs; i++)
            if (!stable_expr(e->args[i])) return false;
        return true;
    case SQL_T_ARRAY:
        for (int i = 0; i < e->nargs; i++)
            if (!stable_expr(e->args[i])) return false;
        return true;
    default:
        return false;
    }
}

/* The columns the rows of q's vector scan must carry (allocated in mcx): what the select list
 * and the WHERE read, and a hidden target unless it is the ORDER BY the index serves (the
 * shards' exact distances order the rows; evaluated on a row without its vector it is NULL,
 * and nobody reads it). NULL (every column) when something reads the row as a whole. Whole-row
 * references (row_to_json(t), t.*) are expanded to their columns by the analyzer; SELECT ...
 * FOR UPDATE is refused before planning. */
static bool *scan_columns(const sql_query_t *q, int order_target, orb_mcx_t *mcx) {
    int n = q->table->ncols;
    bool *used = orb_alloc0(mcx, (size_t)(n ? n : 1));
    for (int i = 0; i < q->nall; i++) {
        if (i >= q->ntargets && i == order_target) continue;
        if (!sql_expr_columns(q->targets[i].expr, used, n)) return NULL;
    }
    if (!sql_expr_columns(q->where, used, n)) return NULL;
    return used;
}

void sql_vindex_order(sql_query_t *q, orb_mcx_t *mcx) {
    if (!q->table || q->nsort != 1 || !q->limit || q->has_agg || q->distinct || q->nwins || q->nsrfs ||
        q->from || q->setop)
        return;
    const sql_table_t *t = q->table;
    sql_path_t *p = &q->path;
    if (p->access == SQL_ACCESS_POINT || p->access == SQL_ACCESS_UNIQUE || p->ordered) return;
    const sql_sort_key_t *k = &q->sort[0];
    if (k->desc || k->nulls_first) return;
    const sql_expr_t *e = q->targets[k->target].expr;
    if (!SQL_IS_A(e, FUNC) || !e->fn || e->nargs != 2) return;
    int metric = 0;
    for (int i = 1; i <= 4; i++)
        if (strcmp(e->fn->name, metric_ops[i]) == 0) metric = i;
    if (!metric) return;
    const sql_expr_t *c = e->args[0], *qv = e->args[1];
    if (!SQL_IS_A(c, COLUMN) || c->index < 0 || c->index >= t->ncols || !stable_expr(qv)) return;
    for (int u = 0; u < t->nunique; u++) {
        const sql_unique_t *ix = &t->uniques[u];
        if (!ix->vec_method || ix->vec_metric != metric || ix->cols[0] != c->index) continue;
        if (c->type != t->cols[c->index].type) continue;
        memset(p, 0, sizeof *p);
        p->access = SQL_ACCESS_VECTOR;
        p->index = ix;
        p->vec_query = (sql_expr_t *)qv;
        p->vec_filter = q->where;
        p->vec_cols = scan_columns(q, k->target, mcx);
        p->ordered = true;
        return;
    }
}

const char *sql_vindex_operator(int metric) {
    return metric >= 1 && metric <= 6 ? metric_ops[metric] : "?";
}
