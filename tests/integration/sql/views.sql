-- CREATE [OR REPLACE] VIEW, DROP VIEW [IF EXISTS] [CASCADE], dependencies on tables.
CREATE TABLE vw_emp (id int PRIMARY KEY, name text, dept text, salary int);
INSERT INTO vw_emp VALUES (1, 'ann', 'eng', 100), (2, 'bob', 'eng', 80), (3, 'cid', 'ops', 70),
    (4, 'dee', 'ops', NULL);
\set QUIET off
CREATE VIEW vw_eng AS SELECT id, name, salary FROM vw_emp WHERE dept = 'eng';
\set QUIET on
SELECT * FROM vw_eng ORDER BY id;
SELECT name FROM vw_eng WHERE salary > 90;
SELECT v.name, e.dept FROM vw_eng v JOIN vw_emp e ON e.id = v.id ORDER BY 1;
SELECT count(*), sum(salary) FROM vw_eng;
-- column names from the list, the rest from the SELECT
CREATE VIEW vw_totals (department, total) AS
    SELECT dept, sum(salary), count(*) AS n FROM vw_emp GROUP BY dept;
SELECT * FROM vw_totals ORDER BY department;
SELECT department, n FROM vw_totals WHERE total > 100 ORDER BY 1;
CREATE VIEW vw_bad (a, b, c, d) AS SELECT 1, 2;
CREATE VIEW vw_dupcol AS SELECT 1 AS a, 2 AS a;
CREATE VIEW vw_nosuch AS SELECT * FROM vw_nosuch_table;
CREATE VIEW vw_badcol AS SELECT nosuch FROM vw_emp;
-- the view sees later changes to the rows
INSERT INTO vw_emp VALUES (5, 'eve', 'eng', 120);
UPDATE vw_emp SET salary = salary + 1 WHERE id = 2;
SELECT * FROM vw_eng ORDER BY id;
-- views over views, aliases, subqueries
CREATE VIEW vw_rich AS SELECT name FROM vw_eng WHERE salary >= 100;
SELECT * FROM vw_rich ORDER BY name;
SELECT r.name FROM vw_rich AS r(n) ORDER BY 1;
SELECT name FROM vw_emp WHERE name IN (SELECT name FROM vw_rich) ORDER BY 1;
WITH x AS (SELECT * FROM vw_rich) SELECT count(*) FROM x;
SELECT * FROM (SELECT * FROM vw_eng) s WHERE s.id > 1 ORDER BY id;
-- names are shared with tables and sequences
CREATE VIEW vw_emp AS SELECT 1;
CREATE TABLE vw_eng (x int);
CREATE SEQUENCE vw_seq;
CREATE VIEW vw_seq AS SELECT 1;
CREATE OR REPLACE VIEW vw_seq AS SELECT 1;
CREATE OR REPLACE VIEW vw_emp AS SELECT 1;
DROP SEQUENCE vw_seq;
-- CREATE OR REPLACE
\set QUIET off
CREATE OR REPLACE VIEW vw_eng AS SELECT id, name, salary, dept FROM vw_emp WHERE dept = 'eng';
\set QUIET on
SELECT * FROM vw_eng ORDER BY id;
CREATE OR REPLACE VIEW vw_eng AS SELECT id, name FROM vw_emp;
CREATE OR REPLACE VIEW vw_eng AS SELECT id, dept AS name, salary, dept FROM vw_emp;
CREATE OR REPLACE VIEW vw_eng AS SELECT id, name, salary::text, dept FROM vw_emp;
CREATE OR REPLACE VIEW vw_new AS SELECT 'a' AS letter, 2 + 2 AS four;
SELECT * FROM vw_new;
-- a table that views read cannot be dropped
DROP TABLE vw_emp;
DROP VIEW vw_eng;
DROP TABLE vw_new;
DROP VIEW vw_emp;
DROP VIEW vw_nosuch;
\set QUIET off
DROP VIEW IF EXISTS vw_nosuch;
DROP VIEW vw_rich, vw_new;
\set QUIET on
SELECT * FROM vw_rich;
-- CASCADE
CREATE VIEW vw_rich AS SELECT name FROM vw_eng WHERE salary >= 100;
DROP VIEW vw_eng CASCADE;
SELECT * FROM vw_rich;
CREATE VIEW vw_eng AS SELECT id, name FROM vw_emp WHERE dept = 'eng';
DROP TABLE vw_emp CASCADE;
SELECT * FROM vw_eng;
SELECT * FROM vw_totals;
-- views in schemas
CREATE SCHEMA vw_s;
CREATE TABLE vw_s.t (a int);
INSERT INTO vw_s.t VALUES (1), (2);
CREATE VIEW vw_s.v AS SELECT a * 10 AS a10 FROM vw_s.t;
SELECT * FROM vw_s.v ORDER BY a10;
SET search_path TO vw_s;
CREATE VIEW v2 AS SELECT count(*) AS n FROM t;
SELECT * FROM v2;
RESET search_path;
SELECT * FROM vw_s.v2;
DROP TABLE vw_s.t;
DROP SCHEMA vw_s CASCADE;
