-- TRUNCATE [TABLE] ... [RESTART IDENTITY] [CASCADE]; CREATE / DROP SCHEMA and
-- schema-qualified tables. (TRUNCATE is not transactional here: docs/sql-compatibility.md.)
CREATE TABLE tr_a (id serial PRIMARY KEY, v text UNIQUE);
CREATE TABLE tr_b (k int, v int);
INSERT INTO tr_a (v) VALUES ('x'), ('y'), ('z');
INSERT INTO tr_b VALUES (1, 1), (2, 2);
\set QUIET off
TRUNCATE tr_a;
\set QUIET on
SELECT count(*) FROM tr_a;
SELECT * FROM tr_b ORDER BY k;
-- the unique index is emptied too, and the sequence continues
INSERT INTO tr_a (v) VALUES ('x');
SELECT * FROM tr_a ORDER BY id;
\set QUIET off
TRUNCATE TABLE tr_a, tr_b RESTART IDENTITY;
\set QUIET on
SELECT count(*) FROM tr_b;
INSERT INTO tr_a (v) VALUES ('again');
SELECT * FROM tr_a ORDER BY id;
TRUNCATE tr_a CONTINUE IDENTITY CASCADE;
INSERT INTO tr_a (v) VALUES ('more');
SELECT * FROM tr_a ORDER BY id;
-- a missing table truncates nothing
INSERT INTO tr_b VALUES (3, 3);
TRUNCATE tr_b, nosuch;
SELECT * FROM tr_b ORDER BY k;
CREATE SEQUENCE tr_seq;
TRUNCATE tr_seq;
DROP SEQUENCE tr_seq;
-- schemas
\set QUIET off
CREATE SCHEMA sch1;
CREATE SCHEMA IF NOT EXISTS sch1;
CREATE SCHEMA sch1;
CREATE SCHEMA public;
CREATE SCHEMA pg_mine;
CREATE TABLE sch1.t (id int PRIMARY KEY, v text);
CREATE TABLE sch1.t (id int);
CREATE TABLE nosuch.t (id int);
\set QUIET on
INSERT INTO sch1.t VALUES (1, 'in sch1'), (2, 'two');
SELECT * FROM sch1.t ORDER BY id;
TRUNCATE sch1.t;
SELECT count(*) FROM sch1.t;
TRUNCATE nosuch.t;
-- same name in two schemas
CREATE TABLE t (id int, w text);
INSERT INTO t VALUES (9, 'in public');
INSERT INTO sch1.t VALUES (5, 'five');
SELECT * FROM t;
SELECT * FROM sch1.t;
SELECT * FROM public.t;
CREATE SEQUENCE sch1.q START 50;
SELECT nextval('sch1.q');
CREATE TABLE sch1.u (id serial, v text);
INSERT INTO sch1.u (v) VALUES ('a');
SELECT nextval('sch1.u_id_seq');
-- DROP SCHEMA with objects
\set QUIET off
DROP SCHEMA sch1;
DROP SCHEMA nosuch;
DROP SCHEMA IF EXISTS nosuch;
DROP TABLE sch1.nosuch;
DROP TABLE IF EXISTS nosuch.t;
DROP SCHEMA sch1 CASCADE;
\set QUIET on
SELECT * FROM t;
CREATE SCHEMA sch2;
CREATE SCHEMA sch3;
CREATE TABLE sch2.only_one (a int);
\set QUIET off
DROP SCHEMA sch2, sch3 CASCADE;
CREATE SCHEMA sch1;
CREATE TABLE sch1.t (x int);
DROP TABLE sch1.t;
DROP SCHEMA sch1;
\set QUIET on
DROP TABLE t, tr_a, tr_b;
