-- VACUUM / ANALYZE (nothing to do in Orbit, validated as PostgreSQL does), LATERAL
-- subqueries, current_schemas, "char", and the pg_catalog relations pgbench reads
CREATE TABLE vc_a (id int PRIMARY KEY, b int, f char(10));
CREATE TABLE vc_h (x int, y text) WITH (fillfactor=100);
INSERT INTO vc_a VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, NULL);
CREATE VIEW vc_v AS SELECT id FROM vc_a;
CREATE SEQUENCE vc_s;
VACUUM;
VACUUM vc_a;
VACUUM ANALYZE vc_a, vc_h;
VACUUM (ANALYZE, VERBOSE false) vc_a (b, f);
VACUUM (FREEZE, SKIP_LOCKED on, INDEX_CLEANUP auto, TRUNCATE off, PARALLEL 2, PROCESS_TOAST) vc_a;
VACUUM FULL vc_h;
VACUUM FREEZE ANALYZE public.vc_a;
ANALYZE;
ANALYZE vc_a;
ANALYZE vc_a (id, b);
ANALYZE (SKIP_LOCKED) vc_h;
VACUUM vc_v;
ANALYZE vc_v;
VACUUM ANALYZE vc_s;
-- errors
VACUUM nope;
VACUUM vc_a, nope;
VACUUM nosuchschema.vc_a;
ANALYZE public.nope;
ANALYZE vc_a (nope);
ANALYZE vc_a (b, b);
VACUUM vc_a (b);
VACUUM (BOGUS) vc_a;
ANALYZE (FREEZE) vc_a;
VACUUM (VERBOSE maybe) vc_a;
VACUUM (PARALLEL) vc_a;
VACUUM (PARALLEL -1) vc_a;
VACUUM (FULL, PARALLEL 2) vc_a;
VACUUM (FULL, DISABLE_PAGE_SKIPPING) vc_a;
VACUUM (FULL, PROCESS_TOAST false) vc_a;
BEGIN;
VACUUM vc_a;
ROLLBACK;
BEGIN;
ANALYZE vc_a;
COMMIT;
VACUUM vc_a; SELECT 1;
-- LATERAL
SELECT a.id, l.d FROM vc_a a CROSS JOIN LATERAL (SELECT a.b * 2 AS d) l ORDER BY 1;
SELECT a.id, l.c FROM vc_a a, LATERAL (SELECT count(*) AS c FROM vc_a x WHERE x.id <= a.id) l ORDER BY 1;
SELECT a.id, l.y FROM vc_a a LEFT JOIN LATERAL (SELECT x.id AS y FROM vc_a x WHERE x.id > a.id) l ON true ORDER BY 1, 2;
SELECT a.id, l.y FROM vc_a a JOIN LATERAL (SELECT x.id AS y FROM vc_a x WHERE x.id > a.id) l ON l.y = 3 ORDER BY 1, 2;
SELECT a.id, l.y, m.z FROM vc_a a, LATERAL (SELECT a.id + 1 AS y) l, LATERAL (SELECT l.y * 10 + a.id AS z) m ORDER BY 1;
SELECT a.id, l.k FROM vc_a a CROSS JOIN LATERAL (SELECT 7 AS k) l ORDER BY 1;
SELECT (SELECT max(l.d) FROM vc_a a2, LATERAL (SELECT a2.b + o.id AS d) l) FROM vc_a o ORDER BY 1;
-- current_schemas, array_position over name[]
SELECT current_schemas(true), current_schemas(false);
SELECT pg_catalog.array_position(pg_catalog.current_schemas(true), 'public');
SET search_path = nosuch, public;
SELECT current_schemas(true);
RESET search_path;
-- "char"
SELECT 'r'::"char", 'xyz'::"char", ''::"char" IS NULL, 'a'::"char" = 'a', 'a'::"char" < 'b'::"char";
SELECT 'r'::"char"::text || 'x', 'r'::"char" IN ('r', 'p');
-- pg_catalog relations
SELECT c.relname, c.relkind, n.nspname, c.relnatts, c.relhasindex, c.relpersistence
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname LIKE 'vc\_%' AND c.relkind <> 'i' ORDER BY 1;
SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog', 'information_schema') ORDER BY 1;
SELECT count(*) FROM pg_inherits;
SELECT count(*) FROM pg_partitioned_table;
SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog') ORDER BY 1;
-- pgbench's partition detection (GetTableInfo)
CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor=100);
select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1;
select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_nothing' and o.n is not null group by 1, 2 order by 1 asc limit 1;
DROP TABLE pgbench_accounts;
DROP VIEW vc_v;
DROP SEQUENCE vc_s;
DROP TABLE vc_a, vc_h;
