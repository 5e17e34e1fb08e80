-- SELECT: expressions, WHERE, ORDER BY, LIMIT/OFFSET, DISTINCT, aliases, no FROM, aggregates.
SELECT 1;
SELECT 1 AS one, 'two' AS two, 3.0 AS three, NULL AS nothing, true AS yes;
SELECT 1 + 2 * 3, (1 + 2) * 3, -5 % 3, -2 * -3;
SELECT 'a' AS "Mixed Case", 1 AS "select";
CREATE TABLE sel_t (id int PRIMARY KEY, grp text, score int, price numeric(8,2));
INSERT INTO sel_t VALUES
  (1, 'a', 10, 1.50), (2, 'b', NULL, 2.00), (3, 'a', 30, NULL), (4, 'c', 20, 0.25),
  (5, 'b', 10, 9.99), (6, NULL, 50, 3.00), (7, 'a', NULL, 4.75), (8, 'c', 40, 1.00);
SELECT * FROM sel_t ORDER BY id;
SELECT id, score FROM sel_t WHERE score > 15 ORDER BY id;
SELECT id FROM sel_t WHERE grp = 'a' AND score IS NOT NULL ORDER BY id;
SELECT id FROM sel_t WHERE grp = 'b' OR price < 1 ORDER BY id;
SELECT id FROM sel_t WHERE NOT (score >= 20) ORDER BY id;
SELECT id FROM sel_t WHERE false;
SELECT id FROM sel_t WHERE score IN (10, 50) ORDER BY id DESC;
SELECT id, score * 2 AS double_score, price * 2 AS double_price, grp || '!' AS loud FROM sel_t ORDER BY id;
SELECT id AS ident, sel_t.grp AS g FROM sel_t ORDER BY ident;
SELECT t.id FROM sel_t AS t WHERE t.id < 3 ORDER BY t.id;
-- ORDER BY directions and NULL placement
SELECT id, score FROM sel_t ORDER BY score, id;
SELECT id, score FROM sel_t ORDER BY score DESC, id;
SELECT id, score FROM sel_t ORDER BY score ASC NULLS FIRST, id;
SELECT id, score FROM sel_t ORDER BY score DESC NULLS LAST, id DESC;
SELECT id, grp FROM sel_t ORDER BY grp NULLS FIRST, id DESC;
SELECT id, score FROM sel_t ORDER BY 2 DESC, 1;
SELECT id, score * -1 AS neg FROM sel_t ORDER BY neg, id;
SELECT id FROM sel_t ORDER BY score + id, id;
-- LIMIT / OFFSET
SELECT id FROM sel_t ORDER BY id LIMIT 3;
SELECT id FROM sel_t ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM sel_t ORDER BY id OFFSET 6;
SELECT id FROM sel_t ORDER BY id LIMIT 0;
SELECT id FROM sel_t ORDER BY id LIMIT ALL OFFSET 7;
SELECT id FROM sel_t ORDER BY id DESC FETCH FIRST 2 ROWS ONLY;
SELECT id FROM sel_t ORDER BY id LIMIT -1;
-- DISTINCT
SELECT DISTINCT grp FROM sel_t ORDER BY grp;
SELECT DISTINCT grp, score FROM sel_t WHERE score IS NOT NULL ORDER BY grp, score;
SELECT DISTINCT score % 20 AS m FROM sel_t ORDER BY m;
-- aggregates on a table
SELECT count(*) FROM sel_t;
SELECT count(score), count(grp), count(*) FROM sel_t;
SELECT sum(score), min(score), max(score) FROM sel_t;
SELECT sum(price), min(price), max(price) FROM sel_t;
SELECT min(grp), max(grp) FROM sel_t;
SELECT count(*), sum(score), max(score) FROM sel_t WHERE id > 100;
SELECT count(*) AS n FROM sel_t WHERE grp = 'a';
-- errors
SELECT nosuch FROM sel_t;
SELECT * FROM sel_t ORDER BY 9;
SELECT id FROM sel_t WHERE score = 'abc';
SELECT id FROM sel_t WHERE grp;
DROP TABLE sel_t;
