-- EXPLAIN shows where rows come from (shards, point lookup, key range, full scan) and what
-- runs at the coordinator. Orbit's own output: compared with expected/explain.out.
CREATE TABLE ex_a (id int PRIMARY KEY, name text, bid int) WITH (shards = 4);
CREATE TABLE ex_b (k1 int, k2 int, label text, PRIMARY KEY (k1, k2)) WITH (shards = 2);
EXPLAIN SELECT * FROM ex_a WHERE id = 1;
EXPLAIN SELECT * FROM ex_b WHERE k1 = 1;
EXPLAIN SELECT * FROM ex_b WHERE k1 = 1 AND k2 >= 3 AND label <> 'x';
EXPLAIN SELECT name FROM ex_a WHERE name = 'q';
EXPLAIN SELECT name, count(*) FROM ex_a JOIN ex_b ON ex_a.bid = ex_b.k1 WHERE ex_a.id < 10 GROUP BY name ORDER BY name LIMIT 5;
EXPLAIN SELECT * FROM ex_a a LEFT JOIN ex_b b ON a.bid > b.k1;
EXPLAIN SELECT id FROM ex_a UNION ALL SELECT k1 FROM ex_b;
EXPLAIN SELECT a.name, p.name FROM ex_a a JOIN ex_a p ON p.id = a.bid;
EXPLAIN UPDATE ex_a SET name = 'z' WHERE id = 7;
EXPLAIN DELETE FROM ex_b WHERE k1 = 2;
EXPLAIN INSERT INTO ex_a VALUES (1, 'a', 1), (2, 'b', 2);
EXPLAIN (FORMAT json) SELECT 1;
DROP TABLE ex_a, ex_b;
