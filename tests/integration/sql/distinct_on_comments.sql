-- SELECT DISTINCT ON, row_to_json of a FROM item, substring(s FROM pattern), COMMENT ON
-- (what pgAdmin's catalog queries use), compared with PostgreSQL 15.
CREATE TABLE don (id int PRIMARY KEY, g int, name text, price numeric(6,2));
INSERT INTO don VALUES (1, 1, 'a', 1.5), (2, 1, 'b', NULL), (3, 2, 'c', 3), (4, NULL, 'd', 4),
  (5, NULL, 'e', 5), (6, 2, 'f', 0);
SELECT DISTINCT ON (g) g, id, name FROM don ORDER BY g, id DESC;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY g NULLS FIRST, price DESC NULLS LAST;
SELECT DISTINCT ON (1) g, name FROM don ORDER BY 1, 2;
SELECT DISTINCT ON (g, name) g, name FROM don ORDER BY name, g;
SELECT DISTINCT ON (g % 2) g % 2 AS parity, id FROM don WHERE g IS NOT NULL ORDER BY g % 2, id;
SELECT count(*) FROM (SELECT DISTINCT ON (g) id FROM don) s;
SELECT DISTINCT ON (g) g, count(*) FROM don GROUP BY g ORDER BY g;
SELECT DISTINCT ON (g) id FROM don ORDER BY g, id LIMIT 2 OFFSET 1;
SELECT DISTINCT ON (name) name FROM don WHERE id < 4 UNION ALL SELECT 'z';
SELECT DISTINCT ON (g) g FROM don;
SELECT DISTINCT ON (g) g, id FROM don ORDER BY id;
SELECT row_to_json(t) FROM (SELECT id, name, price, g IS NULL AS nog FROM don WHERE id < 3 ORDER BY id) t;
SELECT row_to_json(don) FROM don WHERE id IN (1, 2) ORDER BY id;
SELECT row_to_json(x) FROM (SELECT 1 AS "Total", 'it''s'::text AS "q\"x", NULL::int AS n) x;
SELECT substring('fillfactor=70,autovacuum_enabled=off' FROM 'fillfactor=([0-9]*)'),
       substring('autovacuum_enabled=off' FROM 'autovacuum_enabled=([a-z|0-9]*)')::bool,
       substring('abc' FROM 'x(y)'), substring('abc' FROM 'b.'), substring(NULL FROM 'a');
SELECT '{1,2,3}'::int2[]::oid[], 3::oid = ANY ('{1,2,3}'::int2[]::oid[]);
COMMENT ON TABLE don IS 'distinct on';
COMMENT ON COLUMN don.price IS 'the price';
COMMENT ON CONSTRAINT don_pkey ON don IS 'key';
COMMENT ON INDEX don_pkey IS 'key index';
SELECT obj_description('don'::regclass, 'pg_class'), col_description('don'::regclass, 4),
       col_description('don'::regclass, 1), obj_description('don_pkey'::regclass, 'pg_class');
SELECT c.relname, d.objsubid, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
  WHERE c.relname LIKE 'don%' ORDER BY 1, 2;
SELECT conname, obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conrelid = 'don'::regclass;
COMMENT ON TABLE don IS '';
COMMENT ON COLUMN don.price IS NULL;
SELECT obj_description('don'::regclass, 'pg_class'), col_description('don'::regclass, 4);
COMMENT ON TABLE don_pkey IS 'x';
COMMENT ON INDEX don IS 'x';
COMMENT ON COLUMN nosuch.c IS 'x';
COMMENT ON COLUMN don.nosuch IS 'x';
COMMENT ON CONSTRAINT nosuch ON don IS 'x';
COMMENT ON SCHEMA nosuch IS 'x';
COMMENT ON EXTENSION nosuch IS 'x';
DROP TABLE don;
SELECT obj_description(2200, 'pg_namespace'), (SELECT description FROM pg_description WHERE objoid = 2200);
COMMENT ON SCHEMA public IS NULL;
SELECT obj_description(2200, 'pg_namespace'), (SELECT count(*) FROM pg_description WHERE objoid = 2200);
COMMENT ON SCHEMA public IS 'mine';
SELECT obj_description(2200, 'pg_namespace'), (SELECT description FROM pg_description WHERE objoid = 2200);
COMMENT ON SCHEMA public IS 'standard public schema';
SELECT obj_description(2200, 'pg_namespace');
