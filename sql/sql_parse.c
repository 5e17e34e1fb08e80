/* sql/sql_parse.c — parsing with libpg_query: pg_query_parse_protobuf, unpacked with
 * protobuf-c into a tree whose lifetime is tied to a memory context; syntax errors become
 * 42601 with the cursor position. Also deparses expressions (stored DEFAULTs).
 * See README.md ("Parse"). */
#include "sql_int.h"

#include <string.h>
#include <time.h>

/* The tree is unpacked into the caller's memory context: thousands of small nodes cost one
 * bump allocation each and are freed with the context, never one by one. */
static void *mcx_pb_alloc(void *data, size_t size) { return orb_alloc(data, size); }
static void mcx_pb_free(void *data, void *p) {
    (void)data;
    (void)p;
}

int sql_parse(const char *text, orb_mcx_t *mcx, PgQuery__ParseResult **out, orb_err_t *err) {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text);
    if (r.error) {
        orb_err_set(err, SYNTAX_ERROR, "%s", r.error->message);
        err->position = r.error->cursorpos;
        /* libpg_query keeps no HINT; restore the ones PostgreSQL's grammar gives */
        if (strcmp(r.error->message, "subquery in FROM must have an alias") == 0)
            orb_err_hint(err, "For example, FROM (SELECT ...) [AS] foo.");
        pg_query_free_protobuf_parse_result(r);
        return -1;
    }
    ProtobufCAllocator alloc = {.alloc = mcx_pb_alloc, .free = mcx_pb_free, .allocator_data = mcx};
    PgQuery__ParseResult *pr = pg_query__parse_result__unpack(&alloc, r.parse_tree.len,
                                                              (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!pr) return orb_err_set(err, INTERNAL_ERROR, "could not unpack the parse tree");
    *out = pr;
    return 0;
}

char *sql_deparse_expr(PgQuery__Node *expr, orb_mcx_t *mcx, orb_err_t *err) {
    PgQuery__ResTarget rt = PG_QUERY__RES_TARGET__INIT;
    rt.val = expr;
    PgQuery__Node rtn = PG_QUERY__NODE__INIT;
    rtn.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
    rtn.res_target = &rt;
    PgQuery__Node *targets[1] = {&rtn};
    PgQuery__SelectStmt sel = PG_QUERY__SELECT_STMT__INIT;
    sel.n_target_list = 1;
    sel.target_list = targets;
    sel.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
    sel.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
    PgQuery__Node seln = PG_QUERY__NODE__INIT;
    seln.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
    seln.select_stmt = &sel;
    PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
    raw.stmt = &seln;
    PgQuery__RawStmt *stmts[1] = {&raw};
    PgQuery__ParseResult pr = PG_QUERY__PARSE_RESULT__INIT;
    pr.version = 150001;
    pr.n_stmts = 1;
    pr.stmts = stmts;
    size_t n = pg_query__parse_result__get_packed_size(&pr);
    char *buf = orb_alloc(mcx, n ? n : 1);
    pg_query__parse_result__pack(&pr, (uint8_t *)buf);
    PgQueryProtobuf pb = {.len = n, .data = buf};
    PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
    if (d.error) {
        orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot store this DEFAULT expression: %s",
                    d.error->message);
        pg_query_free_deparse_result(d);
        return NULL;
    }
    char *s = orb_strdup(mcx, d.query);
    pg_query_free_deparse_result(d);
    return s;
}

int64_t sql_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 946684800 = seconds from 1970-01-01 to 2000-01-01 */
    return ((int64_t)ts.tv_sec - 946684800LL) * 1000000LL + ts.tv_nsec / 1000;
}
