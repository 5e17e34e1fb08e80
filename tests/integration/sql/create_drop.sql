-- CREATE TABLE [IF NOT EXISTS], DROP TABLE [IF EXISTS] and their errors (42P07, 42P01).
CREATE TABLE cd_a (id integer PRIMARY KEY, name text);
CREATE TABLE cd_a (id integer PRIMARY KEY);
CREATE TABLE IF NOT EXISTS cd_a (id integer PRIMARY KEY);
INSERT INTO cd_a VALUES (1, 'one');
-- IF NOT EXISTS on an existing table keeps its rows and columns.
CREATE TABLE IF NOT EXISTS cd_a (x bigint);
SELECT id, name FROM cd_a ORDER BY id;
CREATE TABLE IF NOT EXISTS cd_b (id bigint PRIMARY KEY, v text NOT NULL DEFAULT 'x');
INSERT INTO cd_b (id) VALUES (7);
SELECT * FROM cd_b ORDER BY id;
-- names are case-folded unless quoted
CREATE TABLE CD_Upper (ID int PRIMARY KEY);
INSERT INTO cd_upper VALUES (1);
SELECT id FROM CD_UPPER ORDER BY id;
CREATE TABLE "CD_Quoted" ("Id" int PRIMARY KEY);
INSERT INTO "CD_Quoted" VALUES (2);
SELECT "Id" FROM "CD_Quoted" ORDER BY "Id";
SELECT * FROM cd_quoted;
DROP TABLE "CD_Quoted";
DROP TABLE cd_upper;
-- duplicate column, two primary keys
CREATE TABLE cd_bad (a int, a int);
CREATE TABLE cd_bad (a int PRIMARY KEY, b int PRIMARY KEY);
SELECT * FROM cd_bad;
-- DROP
DROP TABLE cd_a;
SELECT * FROM cd_a;
DROP TABLE cd_a;
DROP TABLE IF EXISTS cd_a;
DROP TABLE IF EXISTS cd_a, cd_b;
SELECT * FROM cd_b;
-- drop and re-create with a different shape
CREATE TABLE cd_c (id int PRIMARY KEY, v text);
INSERT INTO cd_c VALUES (1, 'old');
DROP TABLE cd_c;
CREATE TABLE cd_c (id int PRIMARY KEY, w integer);
INSERT INTO cd_c VALUES (1, 5);
SELECT * FROM cd_c ORDER BY id;
DROP TABLE cd_c;
-- a table without columns other than the key, and one without a primary key
CREATE TABLE cd_d (id int PRIMARY KEY);
CREATE TABLE cd_e (v text);
INSERT INTO cd_d VALUES (1), (2);
INSERT INTO cd_e VALUES ('a'), ('a'), (NULL);
SELECT count(*) FROM cd_d;
SELECT v FROM cd_e ORDER BY v;
DROP TABLE cd_d, cd_e;
SELECT * FROM cd_e;
