-- Errors as PostgreSQL reports them: syntax errors (42601) with the cursor position,
-- undefined column (42703) and table (42P01), and the session going on after each.
\set VERBOSITY default
SELEC 1;
SELECT 1 +;
SELECT * FROM;
SELECT 1 FROM t WHERE;
CREATE TABLE (id int);
SELECT 1; SELECT 2 2 2;
INSERT INTO VALUES (1);
SELECT
  1,
  2 3;
SELECT * FROM err_nosuch;
SELECT * FROM err_nosuch AS x WHERE x.id = 1;
CREATE TABLE err_t (id int PRIMARY KEY, v text);
INSERT INTO err_t VALUES (1, 'a');
SELECT nosuch FROM err_t;
SELECT id, v, missing FROM err_t;
SELECT err_t.nosuch FROM err_t;
SELECT * FROM err_t WHERE nosuch = 1;
SELECT * FROM err_t ORDER BY nosuch;
SELECT nosuch();
SELECT length(1, 2);
SELECT id FROM err_t WHERE v = 1;
CREATE TABLE err_t2 (id int PRIMARY KEY, v nosuchtype);
-- SQLSTATE codes, as psql shows them with VERBOSITY sqlstate and in LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELEC 1;
\echo :LAST_ERROR_SQLSTATE
SELECT nosuch FROM err_t;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM err_nosuch;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE err_t (id int);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO err_t VALUES (1, 'dup');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO err_t VALUES (NULL, 'null key');
\echo :LAST_ERROR_SQLSTATE
SELECT 'abc'::int;
\echo :LAST_ERROR_SQLSTATE
SELECT 1 / 0;
\echo :LAST_ERROR_SQLSTATE
SELECT 2147483647 + 1;
\echo :LAST_ERROR_SQLSTATE
SELECT 'abcdef'::varchar(3) AS truncated_by_cast_not_an_error;
INSERT INTO err_t VALUES (2, repeat('x', 3)::char(2));
CREATE TABLE err_v (v varchar(2) PRIMARY KEY);
INSERT INTO err_v VALUES ('abc');
\echo :LAST_ERROR_SQLSTATE
DROP TABLE err_v;
\set VERBOSITY terse
SELEC 1;
SELECT * FROM err_nosuch;
\set VERBOSITY default
-- the session still works
SELECT id, v FROM err_t ORDER BY id;
;
DROP TABLE err_t;
-- RESET of a parameter fixed at server start fails as SET would
RESET server_version;
RESET max_connections;
SELECT 1;
