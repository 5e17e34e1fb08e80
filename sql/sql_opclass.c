/* sql/sql_opclass.c — operator classes as pg_opclass shows them: PostgreSQL 15's default btree
 * class of each type Orbit indexes (same oids, families and names as PostgreSQL's catalog; a
 * varchar column uses text_ops, as there), and pgvector's classes for hnsw (pg_am 9001) and
 * ivfflat (9002) on vector and halfvec, with fixed oids (PostgreSQL assigns theirs at CREATE
 * EXTENSION; each is its own family here). pg_index.indclass names them per column. */
#include "sql_int.h"
#include "sql_pgcat.h"

#include <string.h>

#define BTREE 403u

static const sql_opclass_t classes[] = {
    {10003, BTREE, 424, SQL_OID_BOOL, "bool_ops", true, 0},
    {10006, BTREE, 428, SQL_OID_BYTEA, "bytea_ops", true, 0},
    {10007, BTREE, 429, 18 /* "char" */, "char_ops", true, 0},
    {10028, BTREE, 1994, SQL_OID_NAME, "name_ops", true, 0},
    {3124, BTREE, 1976, SQL_OID_INT8, "int8_ops", true, 0},
    {1979, BTREE, 1976, SQL_OID_INT2, "int2_ops", true, 0},
    {1978, BTREE, 1976, SQL_OID_INT4, "int4_ops", true, 0},
    {3126, BTREE, 1994, SQL_OID_TEXT, "text_ops", true, 0},
    {1981, BTREE, 1989, SQL_OID_OID, "oid_ops", true, 0},
    {10012, BTREE, 1970, SQL_OID_FLOAT4, "float4_ops", true, 0},
    {3123, BTREE, 1970, SQL_OID_FLOAT8, "float8_ops", true, 0},
    {10004, BTREE, 426, SQL_OID_BPCHAR, "bpchar_ops", true, 0},
    {3122, BTREE, 434, SQL_OID_DATE, "date_ops", true, 0},
    {10038, BTREE, 1996, 1083 /* time */, "time_ops", true, 0},
    {3128, BTREE, 434, SQL_OID_TIMESTAMP, "timestamp_ops", true, 0},
    {3127, BTREE, 434, SQL_OID_TIMESTAMPTZ, "timestamptz_ops", true, 0},
    {10022, BTREE, 1982, SQL_OID_INTERVAL, "interval_ops", true, 0},
    {3125, BTREE, 1988, SQL_OID_NUMERIC, "numeric_ops", true, 0},
    {10065, BTREE, 2968, SQL_OID_UUID, "uuid_ops", true, 0},
    {10088, BTREE, 4033, SQL_OID_JSONB, "jsonb_ops", true, 0},
    /* pgvector 0.8: metric 1 l2, 2 ip, 3 cosine, 4 l1 (hnsw only) */
    {9011, SQL_PGCAT_AM_HNSW, 9011, SQL_OID_VECTOR, "vector_l2_ops", false, 1},
    {9012, SQL_PGCAT_AM_HNSW, 9012, SQL_OID_VECTOR, "vector_ip_ops", false, 2},
    {9013, SQL_PGCAT_AM_HNSW, 9013, SQL_OID_VECTOR, "vector_cosine_ops", false, 3},
    {9014, SQL_PGCAT_AM_HNSW, 9014, SQL_OID_VECTOR, "vector_l1_ops", false, 4},
    {9015, SQL_PGCAT_AM_IVFFLAT, 9015, SQL_OID_VECTOR, "vector_l2_ops", true, 1},
    {9016, SQL_PGCAT_AM_IVFFLAT, 9016, SQL_OID_VECTOR, "vector_ip_ops", false, 2},
    {9017, SQL_PGCAT_AM_IVFFLAT, 9017, SQL_OID_VECTOR, "vector_cosine_ops", false, 3},
    {9021, SQL_PGCAT_AM_HNSW, 9021, SQL_OID_HALFVEC, "halfvec_l2_ops", false, 1},
    {9022, SQL_PGCAT_AM_HNSW, 9022, SQL_OID_HALFVEC, "halfvec_ip_ops", false, 2},
    {9023, SQL_PGCAT_AM_HNSW, 9023, SQL_OID_HALFVEC, "halfvec_cosine_ops", false, 3},
    {9024, SQL_PGCAT_AM_HNSW, 9024, SQL_OID_HALFVEC, "halfvec_l1_ops", false, 4},
    {9025, SQL_PGCAT_AM_IVFFLAT, 9025, SQL_OID_HALFVEC, "halfvec_l2_ops", true, 1},
    {9026, SQL_PGCAT_AM_IVFFLAT, 9026, SQL_OID_HALFVEC, "halfvec_ip_ops", false, 2},
    {9027, SQL_PGCAT_AM_IVFFLAT, 9027, SQL_OID_HALFVEC, "halfvec_cosine_ops", false, 3},
};

const sql_opclass_t *sql_opclass_list(size_t *n) {
    *n = sizeof classes / sizeof classes[0];
    return classes;
}

uint32_t sql_opclass_of(uint32_t type, int vec_method, int vec_metric) {
    uint32_t am = vec_method == 1 ? SQL_PGCAT_AM_HNSW : vec_method == 2 ? SQL_PGCAT_AM_IVFFLAT : BTREE;
    if (am == BTREE && type == SQL_OID_VARCHAR) type = SQL_OID_TEXT; /* binary coercible */
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const sql_opclass_t *c = &classes[i];
        if (c->method == am && c->intype == type && (am == BTREE ? c->dflt : c->metric == vec_metric))
            return c->oid;
    }
    return 0;
}
