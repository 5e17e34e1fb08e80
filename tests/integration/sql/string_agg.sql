-- string_agg (NULL values skipped, NULL for no rows), the statistics aggregates with
-- PostgreSQL's result types and scales, bit_and/bit_or/bit_xor, sum/avg/min/max of interval.
CREATE TABLE sa (id int PRIMARY KEY, g int, s text, i int, n numeric, f float8, b int8, iv interval);
INSERT INTO sa VALUES
  (1, 1, 'a', 1, 1.5, 1.5, 12, '1 day'),
  (2, 2, 'b', 2, 2.25, 2.25, 10, '3 hours'),
  (3, 2, NULL, 3, 3.125, 3.125, 7, '1 mon'),
  (4, 3, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 4, 'xyz', 4, 10, 10, 1, '-1 day');
SELECT g, string_agg(s, ',') FROM sa GROUP BY g ORDER BY g;
SELECT string_agg(s, '-') FROM sa WHERE id = 1;
SELECT string_agg(s, ', ') IS NULL FROM sa WHERE id > 100;
SELECT length(string_agg(s, '')), length(string_agg(s, '--')), length(string_agg(s, NULL)) FROM sa;
SELECT g, string_agg(s, ';') FROM sa WHERE id IN (3, 4) GROUP BY g ORDER BY g;
SELECT string_agg(id::text, ',') FROM sa WHERE g = 4;
SELECT variance(i), stddev(i), var_pop(i), stddev_pop(i), var_samp(i), stddev_samp(i) FROM sa;
SELECT variance(n), stddev(n), var_pop(n), stddev_pop(n) FROM sa;
SELECT variance(f), stddev(f), var_pop(f), stddev_pop(f) FROM sa;
SELECT variance(b), stddev(b), var_pop(b::int2), stddev_pop(b::int2) FROM sa;
SELECT g, variance(i), stddev(n), var_pop(f), stddev_pop(i) FROM sa GROUP BY g ORDER BY g;
SELECT variance(g), stddev(g), var_pop(g::numeric) FROM sa WHERE id IN (2, 3);
SELECT variance(1e20::numeric) FROM sa WHERE id = 1;
SELECT bit_and(b), bit_or(b), bit_xor(b), bit_and(i::int2), bit_or(i) FROM sa;
SELECT sum(iv), avg(iv), min(iv), max(iv) FROM sa;
SELECT g, sum(iv), avg(iv) FROM sa GROUP BY g ORDER BY g;
SELECT every(i > 0), bool_and(i > 1), bool_or(i > 3) FROM sa;
SELECT string_agg(s, 1) FROM sa;
DROP TABLE sa;
-- aggregates with ORDER BY, and DISTINCT aggregates (sorted, as PostgreSQL computes them)
CREATE TABLE ao (id int PRIMARY KEY, g int, s text, n int);
INSERT INTO ao VALUES (1,1,'b',3),(2,1,'a',NULL),(3,1,'c',1),(4,2,'z',2),(5,2,NULL,5),(6,2,'z',4),(7,3,'q',7);
SELECT g, string_agg(s, ',' ORDER BY s), string_agg(s, ',' ORDER BY n DESC), array_agg(n ORDER BY n NULLS FIRST), json_agg(s ORDER BY id DESC) FROM ao GROUP BY g ORDER BY g;
SELECT g, array_agg(s ORDER BY s DESC NULLS LAST, id), jsonb_agg(n ORDER BY id), jsonb_object_agg(id, s ORDER BY id) FROM ao GROUP BY g ORDER BY g;
SELECT array_agg(DISTINCT s ORDER BY s DESC), array_agg(DISTINCT n), count(DISTINCT n), array_agg(DISTINCT s), string_agg(DISTINCT s, '-') FROM ao;
SELECT string_agg(s, '' ORDER BY s) FILTER (WHERE g = 2), array_agg(id ORDER BY n, id) FROM ao;
SELECT g, array_agg(id ORDER BY s || n::text NULLS FIRST) FROM ao GROUP BY g HAVING count(*) > 1 ORDER BY g;
SELECT string_agg(s, ',' ORDER BY s) FROM ao WHERE false;
SELECT sum(n ORDER BY n) OVER () FROM ao;
SELECT string_agg(s, ',' ORDER BY count(*)) FROM ao;
DROP TABLE ao;
