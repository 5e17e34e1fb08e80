-- ALTER TABLE: ADD/DROP COLUMN, RENAME COLUMN/TABLE, SET/DROP DEFAULT, SET/DROP NOT NULL,
-- ADD/DROP CONSTRAINT (UNIQUE, PRIMARY KEY); search_path. (ALTER TABLE is not transactional
-- here: docs/sql-compatibility.md.)
CREATE TABLE at_t (id int PRIMARY KEY, v text);
INSERT INTO at_t VALUES (1, 'one'), (2, 'two'), (3, NULL);
\set QUIET off
ALTER TABLE at_t ADD COLUMN n int DEFAULT 7;
\set QUIET on
-- existing rows show the default (the "missing value")
SELECT * FROM at_t ORDER BY id;
INSERT INTO at_t (id, v) VALUES (4, 'four');
INSERT INTO at_t VALUES (5, 'five', 50);
SELECT * FROM at_t ORDER BY id;
ALTER TABLE at_t ADD COLUMN w varchar(5);
ALTER TABLE at_t ADD COLUMN IF NOT EXISTS w text;
ALTER TABLE at_t ADD COLUMN w text;
ALTER TABLE at_t ADD COLUMN k int NOT NULL;
ALTER TABLE at_t ADD COLUMN k int NOT NULL DEFAULT 0;
ALTER TABLE at_t ADD COLUMN s text DEFAULT 'x' || 'y';
SELECT id, v, n, w, k, s FROM at_t ORDER BY id;
SELECT * FROM at_t WHERE id = 2;
-- DROP COLUMN
ALTER TABLE at_t DROP COLUMN w;
ALTER TABLE at_t DROP COLUMN w;
ALTER TABLE at_t DROP COLUMN IF EXISTS w;
SELECT * FROM at_t ORDER BY id;
SELECT w FROM at_t;
INSERT INTO at_t VALUES (6, 'six', 60, 6, 'z');
INSERT INTO at_t VALUES (7, 'seven', 70, 7, 'z', 'too many');
UPDATE at_t SET n = n + 1 WHERE id IN (1, 6) RETURNING *;
SELECT * FROM at_t ORDER BY id;
-- a column added again after a drop is a new column
ALTER TABLE at_t ADD COLUMN w int DEFAULT 42;
SELECT * FROM at_t ORDER BY id;
-- RENAME COLUMN / RENAME TO
ALTER TABLE at_t RENAME COLUMN v TO label;
ALTER TABLE at_t RENAME COLUMN nosuch TO x;
ALTER TABLE at_t RENAME COLUMN label TO n;
ALTER TABLE at_t RENAME label TO name;
SELECT id, name FROM at_t ORDER BY id;
\set QUIET off
ALTER TABLE at_t RENAME TO at_t2;
\set QUIET on
SELECT count(*) FROM at_t;
SELECT count(*) FROM at_t2;
CREATE TABLE at_other (x int);
ALTER TABLE at_t2 RENAME TO at_other;
DROP TABLE at_other;
ALTER TABLE at_t2 RENAME TO at_t;
-- SET / DROP DEFAULT
ALTER TABLE at_t ALTER COLUMN n SET DEFAULT 100;
INSERT INTO at_t (id) VALUES (10);
ALTER TABLE at_t ALTER COLUMN n DROP DEFAULT;
INSERT INTO at_t (id) VALUES (11);
ALTER TABLE at_t ALTER n SET DEFAULT 'abc';
ALTER TABLE at_t ALTER COLUMN nosuch SET DEFAULT 1;
SELECT id, n, k FROM at_t WHERE id >= 10 ORDER BY id;
-- SET / DROP NOT NULL
ALTER TABLE at_t ALTER COLUMN name SET NOT NULL;
UPDATE at_t SET name = 'x' WHERE name IS NULL;
ALTER TABLE at_t ALTER COLUMN name SET NOT NULL;
INSERT INTO at_t (id, name) VALUES (12, NULL);
ALTER TABLE at_t ALTER COLUMN name DROP NOT NULL;
INSERT INTO at_t (id, name) VALUES (12, NULL);
ALTER TABLE at_t ALTER COLUMN id DROP NOT NULL;
-- ADD CONSTRAINT UNIQUE / DROP CONSTRAINT
ALTER TABLE at_t ADD CONSTRAINT at_t_n_uq UNIQUE (n);
UPDATE at_t SET n = id WHERE n IS NOT NULL;
\set QUIET off
ALTER TABLE at_t ADD CONSTRAINT at_t_n_uq UNIQUE (n);
\set QUIET on
INSERT INTO at_t (id, n) VALUES (20, 1);
INSERT INTO at_t (id, n) VALUES (20, 20);
ALTER TABLE at_t ADD UNIQUE (name);
UPDATE at_t SET name = 'n' || id;
ALTER TABLE at_t ADD UNIQUE (name);
INSERT INTO at_t (id, name) VALUES (21, 'n1');
ALTER TABLE at_t ADD CONSTRAINT at_t_n_uq UNIQUE (k);
ALTER TABLE at_t ADD UNIQUE (nosuch);
ALTER TABLE at_t DROP CONSTRAINT at_t_n_uq;
INSERT INTO at_t (id, n) VALUES (22, 1);
ALTER TABLE at_t DROP CONSTRAINT at_t_n_uq;
ALTER TABLE at_t DROP CONSTRAINT IF EXISTS at_t_n_uq;
SELECT id, name, n FROM at_t ORDER BY id;
-- dropping a column drops the unique constraints over it
ALTER TABLE at_t DROP COLUMN name;
INSERT INTO at_t (id) VALUES (23);
SELECT count(*) FROM at_t;
-- several commands in one statement
ALTER TABLE at_t ADD COLUMN a1 int DEFAULT 1, ADD COLUMN a2 text DEFAULT 'two', DROP COLUMN s;
SELECT * FROM at_t WHERE id <= 3 ORDER BY id;
-- a failing command leaves the table as it was
ALTER TABLE at_t ADD COLUMN a3 int, ADD COLUMN a1 int;
SELECT * FROM at_t WHERE id = 1;
-- ADD PRIMARY KEY on a table without one (rows move to their new keys)
CREATE TABLE at_nopk (aid int, bid int, filler text);
INSERT INTO at_nopk VALUES (3, 1, 'c'), (1, 1, 'a'), (2, 2, 'b');
ALTER TABLE at_nopk ADD CONSTRAINT at_nopk_f_key UNIQUE (filler);
\set QUIET off
ALTER TABLE at_nopk ADD PRIMARY KEY (aid);
\set QUIET on
SELECT * FROM at_nopk ORDER BY aid;
SELECT * FROM at_nopk WHERE aid = 2;
INSERT INTO at_nopk VALUES (2, 9, 'dup');
INSERT INTO at_nopk VALUES (4, 9, 'a');
INSERT INTO at_nopk VALUES (4, 9, 'd');
UPDATE at_nopk SET filler = 'bb' WHERE aid = 2;
SELECT * FROM at_nopk ORDER BY aid;
ALTER TABLE at_nopk ADD PRIMARY KEY (bid);
ALTER TABLE at_nopk ALTER COLUMN aid DROP NOT NULL;
CREATE TABLE at_dup (a int, b int);
INSERT INTO at_dup VALUES (1, 1), (2, 1), (3, NULL);
ALTER TABLE at_dup ADD PRIMARY KEY (b);
DELETE FROM at_dup WHERE b IS NULL;
ALTER TABLE at_dup ADD PRIMARY KEY (b);
ALTER TABLE at_dup ADD CONSTRAINT at_dup_b UNIQUE (b);
ALTER TABLE at_dup ADD PRIMARY KEY (a);
SELECT * FROM at_dup ORDER BY a;
INSERT INTO at_dup VALUES (1, 5);
-- errors
ALTER TABLE at_nosuch ADD COLUMN x int;
ALTER TABLE IF EXISTS at_nosuch ADD COLUMN x int;
ALTER TABLE IF EXISTS at_nosuch RENAME TO at_nosuch2;
ALTER TABLE at_nosuch RENAME COLUMN a TO b;
-- search_path
CREATE SCHEMA at_s;
CREATE TABLE at_s.at_t (x text);
INSERT INTO at_s.at_t VALUES ('in at_s');
SELECT count(*) FROM at_t;
SET search_path TO at_s, public;
SHOW search_path;
SELECT * FROM at_t;
CREATE TABLE at_made (y int);
SELECT count(*) FROM at_s.at_made;
ALTER TABLE at_t ADD COLUMN z int DEFAULT 5;
SELECT * FROM at_s.at_t;
SELECT count(*) FROM at_nopk;
SET search_path TO at_nosuch_schema;
CREATE TABLE at_nowhere (x int);
SELECT count(*) FROM at_t;
SELECT count(*) FROM public.at_t;
RESET search_path;
SELECT count(*) FROM at_t;
DROP SCHEMA at_s CASCADE;
DROP TABLE at_t, at_nopk, at_dup;
