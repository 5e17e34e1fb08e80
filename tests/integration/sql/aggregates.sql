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
