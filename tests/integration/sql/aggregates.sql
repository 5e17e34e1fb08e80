-- Aggregates and grouping on one table (count, sum, avg, min, max, bool_and/or, DISTINCT,
-- FILTER, GROUP BY positions/expressions, HAVING) and the grouping errors.
CREATE TABLE agg_t (id int PRIMARY KEY, g text, n int, x numeric(8,2), f float8, ok boolean);
INSERT INTO agg_t VALUES
  (1, 'a', 10, 1.50, 0.5, true), (2, 'a', 20, 2.25, 1.5, true), (3, 'b', NULL, 3.00, NULL, false),
  (4, 'b', 40, NULL, 2.0, NULL), (5, NULL, 50, 5.75, 2.5, true), (6, 'c', -5, -1.00, -0.25, false);
SELECT count(*), count(n), count(DISTINCT g), sum(n), avg(n), min(n), max(n) FROM agg_t;
SELECT sum(x), avg(x), min(x), max(x), sum(f), avg(f), bool_and(ok), bool_or(ok) FROM agg_t;
SELECT g, count(*), sum(n), avg(x) FROM agg_t GROUP BY g ORDER BY g NULLS FIRST;
SELECT g, count(*) AS c FROM agg_t GROUP BY 1 HAVING count(*) > 1 ORDER BY 1;
SELECT n % 2 AS parity, count(*) FROM agg_t WHERE n IS NOT NULL GROUP BY n % 2 ORDER BY parity;
SELECT count(*) FILTER (WHERE ok), sum(n) FILTER (WHERE g = 'a') FROM agg_t;
SELECT max(g), min(g) FROM agg_t WHERE id > 100;
SELECT count(*) FROM agg_t WHERE id > 100;
SELECT g FROM agg_t GROUP BY g HAVING max(n) > 15 ORDER BY g;
SELECT sum(n) + 1 AS s, count(*) * 2 AS c FROM agg_t;
SELECT g, sum(n) FROM agg_t GROUP BY g ORDER BY sum(n) DESC NULLS LAST, g;
SELECT n FROM agg_t GROUP BY g;
SELECT sum(count(*)) FROM agg_t;
SELECT id FROM agg_t WHERE sum(n) > 0;
SELECT DISTINCT g FROM agg_t ORDER BY g;
SELECT DISTINCT ok, g FROM agg_t ORDER BY ok, g;
DROP TABLE agg_t;
-- aggregates whose partials are computed inside each shard (no WHERE, plain columns)
CREATE TABLE pagg (id int PRIMARY KEY, g int, s smallint, b bigint, f float8, t text, n numeric, d date);
INSERT INTO pagg SELECT i, i % 5, (i % 7)::smallint, i * 1000000000000000::bigint, i / 4.0, 't' || (i % 3), i / 8.0, DATE '2020-01-01' + i FROM generate_series(1, 700) i;
INSERT INTO pagg VALUES (1001, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (1002, 3, NULL, 9223372036854775807, 'NaN', 'zz', NULL, 'infinity');
SELECT g, count(*), count(s), sum(s), sum(b), avg(s), avg(b), sum(f), min(t), max(t), min(n), max(n), min(d), max(d), min(id), max(f) FROM pagg GROUP BY g ORDER BY g;
SELECT count(*), sum(id), max(id), min(t), count(n), avg(id) FROM pagg;
SELECT t, count(*) AS c FROM pagg GROUP BY t HAVING count(*) > 200 ORDER BY c DESC, t;
SELECT g, t, count(*), sum(s) FROM pagg GROUP BY g, t ORDER BY g, t;
SELECT count(*) + 1, max(id) - min(id), g FROM pagg GROUP BY 3 ORDER BY 3 NULLS FIRST;
ALTER TABLE pagg ADD COLUMN z int DEFAULT 7;
INSERT INTO pagg (id, g, z) VALUES (2000, 1, 8);
SELECT z, count(*), sum(z), min(z) FROM pagg GROUP BY z ORDER BY z;
CREATE TABLE pagg_empty (a int, b text);
SELECT count(*), sum(a), max(b) FROM pagg_empty;
SELECT a, count(*) FROM pagg_empty GROUP BY a;
CREATE TABLE pagg_big (id int PRIMARY KEY, v int, w bigint);
INSERT INTO pagg_big SELECT i, 2147483647, 9223372036854775807 FROM generate_series(1, 10) i;
SELECT sum(v), sum(w), avg(w) FROM pagg_big;
BEGIN;
INSERT INTO pagg_big VALUES (11, 1, 1);
SELECT count(*), sum(v) FROM pagg_big;
ROLLBACK;
SELECT count(*) FROM pagg_big;
DROP TABLE pagg, pagg_empty, pagg_big;
-- partial aggregation over a primary-key range (the WHERE is exactly the range)
CREATE TABLE pkr (a int, b int, v int, f float8, PRIMARY KEY (a, b));
INSERT INTO pkr SELECT i / 10, i % 10, i, i / 2.0 FROM generate_series(0, 999) i;
SELECT count(*), sum(v), avg(v), min(f), max(b) FROM pkr WHERE a = 5;
SELECT b, count(*), max(v), sum(f) FROM pkr WHERE a >= 90 GROUP BY b ORDER BY b;
SELECT count(*), sum(v) FROM pkr WHERE a = 5 AND b > 3 AND b <= 7;
SELECT count(*), sum(v) FROM pkr WHERE 5 = a AND 7 >= b;
SELECT count(*) FROM pkr WHERE a = 5 AND v > 53;
SELECT count(*) FROM pkr WHERE a = NULL;
SELECT count(*) FROM pkr WHERE a < 2.5;
SELECT a, count(*) FROM pkr WHERE a > 97 GROUP BY a ORDER BY a;
DROP TABLE pkr;
