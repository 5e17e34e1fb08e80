-- Orbit-only: WITH (shards = n) at CREATE TABLE. PostgreSQL rejects the storage parameter,
-- so this file is compared with expected/shards.out, not with PostgreSQL. The expected output
-- is what PostgreSQL prints for the same script without the WITH clauses: the shard count
-- must not change any result.
CREATE TABLE sh_eight (id int PRIMARY KEY, v text) WITH (shards = 8);
CREATE TABLE sh_one (id int PRIMARY KEY, v text) WITH (shards = 1);
CREATE TABLE sh_two (a int, b text, c int, PRIMARY KEY (a, b)) WITH (shards = 16);
CREATE TABLE sh_nopk (x int, y text) WITH (shards = 4);
CREATE TABLE IF NOT EXISTS sh_eight (id int PRIMARY KEY) WITH (shards = 3);
INSERT INTO sh_eight VALUES
  (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f'), (7, 'g'), (8, 'h'), (9, 'i'),
  (10, 'j'), (11, 'k'), (12, 'l'), (13, 'm'), (14, 'n'), (15, 'o'), (16, 'p'), (17, 'q'),
  (18, 'r'), (19, 's'), (20, 't'), (-1, 'neg'), (0, 'zero'), (1000000, 'big');
INSERT INTO sh_one VALUES (1, 'x'), (2, 'y'), (3, 'z');
INSERT INTO sh_two VALUES (1, 'a', 1), (1, 'b', 2), (2, 'a', 3), (2, 'b', 4), (3, 'a', 5), (3, 'c', 6);
INSERT INTO sh_nopk VALUES (1, 'p'), (1, 'p'), (2, 'q'), (3, NULL);
-- results are merged across shards: order only by ORDER BY
SELECT * FROM sh_eight ORDER BY id;
SELECT id, v FROM sh_eight ORDER BY v DESC LIMIT 5;
SELECT count(*), sum(id), min(id), max(id) FROM sh_eight;
SELECT * FROM sh_eight WHERE id = 13;
SELECT id FROM sh_eight WHERE id BETWEEN 5 AND 9 ORDER BY id;
SELECT id FROM sh_eight WHERE id IN (1, 9, 17, 1000000, 5000) ORDER BY id;
SELECT id FROM sh_eight ORDER BY id LIMIT 3 OFFSET 10;
SELECT DISTINCT length(v) AS len FROM sh_eight ORDER BY len;
SELECT * FROM sh_one ORDER BY id;
SELECT * FROM sh_two WHERE a = 2 ORDER BY b;
SELECT * FROM sh_two WHERE a = 3 AND b = 'c';
SELECT a, b FROM sh_two WHERE b = 'a' ORDER BY a;
SELECT * FROM sh_nopk ORDER BY x, y;
-- writes that touch several shards are atomic
INSERT INTO sh_eight VALUES (100, 'x'), (101, 'y'), (5, 'dup'), (102, 'z');
SELECT count(*) FROM sh_eight WHERE id >= 100 AND id < 1000;
UPDATE sh_eight SET v = upper(v) WHERE id <= 4;
UPDATE sh_eight SET v = 'div' || (10 / (id - 7))::text WHERE id BETWEEN 6 AND 8;
SELECT id, v FROM sh_eight WHERE id <= 8 ORDER BY id;
DELETE FROM sh_eight WHERE id % 2 = 0;
SELECT count(*) FROM sh_eight;
SELECT id FROM sh_eight ORDER BY id;
BEGIN;
INSERT INTO sh_eight VALUES (200, 'a'), (201, 'b'), (202, 'c'), (203, 'd');
DELETE FROM sh_eight WHERE id < 10;
SELECT count(*) FROM sh_eight;
ROLLBACK;
SELECT count(*) FROM sh_eight;
BEGIN;
INSERT INTO sh_eight VALUES (200, 'a'), (201, 'b'), (202, 'c'), (203, 'd');
DELETE FROM sh_eight WHERE id < 10;
COMMIT;
SELECT id FROM sh_eight ORDER BY id;
UPDATE sh_two SET c = c * 10 WHERE a >= 2;
DELETE FROM sh_two WHERE a = 1 AND b = 'a';
SELECT * FROM sh_two ORDER BY a, b;
UPDATE sh_nopk SET y = 'r' WHERE x = 1;
DELETE FROM sh_nopk WHERE y IS NULL;
SELECT * FROM sh_nopk ORDER BY x, y;
DROP TABLE sh_eight, sh_one, sh_two, sh_nopk;
