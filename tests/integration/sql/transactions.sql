-- BEGIN / COMMIT / ROLLBACK on one session; failed transaction blocks (25P02);
-- statement atomicity.
CREATE TABLE tx_t (id int PRIMARY KEY, v text);
BEGIN;
INSERT INTO tx_t VALUES (1, 'committed');
SELECT * FROM tx_t ORDER BY id;
COMMIT;
SELECT * FROM tx_t ORDER BY id;
BEGIN;
INSERT INTO tx_t VALUES (2, 'rolled back');
UPDATE tx_t SET v = 'changed' WHERE id = 1;
SELECT * FROM tx_t ORDER BY id;
ROLLBACK;
SELECT * FROM tx_t ORDER BY id;
-- a failed statement aborts the block until ROLLBACK
BEGIN;
INSERT INTO tx_t VALUES (3, 'before error');
INSERT INTO tx_t VALUES (1, 'duplicate');
SELECT * FROM tx_t;
INSERT INTO tx_t VALUES (4, 'ignored');
COMMIT;
SELECT * FROM tx_t ORDER BY id;
BEGIN;
SELECT 1 / 0;
SELECT 1;
ROLLBACK;
SELECT 1 AS works_again;
-- COMMIT of a failed block reports ROLLBACK (visible with the command tag)
\set QUIET off
BEGIN;
SELECT nosuch FROM tx_t;
COMMIT;
BEGIN;
INSERT INTO tx_t VALUES (5, 'five');
END;
START TRANSACTION;
DELETE FROM tx_t WHERE id = 5;
ABORT;
BEGIN;
COMMIT;
ROLLBACK;
COMMIT;
BEGIN;
BEGIN;
COMMIT;
\set QUIET on
SELECT * FROM tx_t ORDER BY id;
-- statement atomicity: a multi-row INSERT that hits a duplicate leaves no rows
INSERT INTO tx_t VALUES (10, 'a'), (11, 'b'), (1, 'dup'), (12, 'c');
SELECT count(*) FROM tx_t WHERE id >= 10;
-- an UPDATE that fails half-way leaves every row as it was
INSERT INTO tx_t VALUES (20, '20'), (21, '21'), (22, '0');
UPDATE tx_t SET v = (100 / v::int)::text WHERE id >= 20;
SELECT id, v FROM tx_t WHERE id >= 20 ORDER BY id;
-- inside a block: rows written earlier in the block are visible, then gone after ROLLBACK
BEGIN;
INSERT INTO tx_t VALUES (30, 'x'), (31, 'y');
UPDATE tx_t SET v = 'z' WHERE id = 31;
DELETE FROM tx_t WHERE id = 1;
SELECT id, v FROM tx_t ORDER BY id;
ROLLBACK;
SELECT id, v FROM tx_t ORDER BY id;
-- the same, committed
BEGIN;
INSERT INTO tx_t VALUES (30, 'x'), (31, 'y');
UPDATE tx_t SET v = 'z' WHERE id = 31;
DELETE FROM tx_t WHERE id = 1;
COMMIT;
SELECT id, v FROM tx_t ORDER BY id;
-- DDL in a transaction block
BEGIN;
CREATE TABLE tx_ddl (id int PRIMARY KEY);
INSERT INTO tx_ddl VALUES (1);
COMMIT;
SELECT * FROM tx_ddl;
DROP TABLE tx_t, tx_ddl;
