-- SAVEPOINT / ROLLBACK TO [SAVEPOINT] / RELEASE [SAVEPOINT] inside transaction blocks:
-- nesting, reused names, rolling back twice, RELEASE of older savepoints, errors, and
-- ROLLBACK TO resuming a failed block.
CREATE TABLE sp_t (id int PRIMARY KEY, v text);
\set QUIET off
BEGIN;
INSERT INTO sp_t VALUES (1, 'one');
SAVEPOINT a;
INSERT INTO sp_t VALUES (2, 'two');
SAVEPOINT b;
INSERT INTO sp_t VALUES (3, 'three');
SELECT * FROM sp_t ORDER BY id;
ROLLBACK TO SAVEPOINT b;
SELECT * FROM sp_t ORDER BY id;
-- b is still there: roll back to it again
INSERT INTO sp_t VALUES (4, 'four');
ROLLBACK TO b;
SELECT * FROM sp_t ORDER BY id;
-- rolling back to a forgets b
ROLLBACK TO a;
SELECT * FROM sp_t ORDER BY id;
ROLLBACK TO b;
ROLLBACK;
\set QUIET on
SELECT * FROM sp_t ORDER BY id;
INSERT INTO sp_t VALUES (1, 'one'), (2, 'two');
-- RELEASE keeps the work and removes the savepoint and all newer ones
\set QUIET off
BEGIN;
SAVEPOINT a;
INSERT INTO sp_t VALUES (10, 'ten');
SAVEPOINT b;
INSERT INTO sp_t VALUES (11, 'eleven');
RELEASE SAVEPOINT a;
ROLLBACK TO b;
ROLLBACK;
BEGIN;
SAVEPOINT a;
INSERT INTO sp_t VALUES (10, 'ten');
SAVEPOINT b;
INSERT INTO sp_t VALUES (11, 'eleven');
RELEASE a;
COMMIT;
\set QUIET on
SELECT * FROM sp_t ORDER BY id;
-- the same name twice: the newest one wins, RELEASE uncovers the older one
BEGIN;
SAVEPOINT s;
INSERT INTO sp_t VALUES (20, 'first');
SAVEPOINT s;
INSERT INTO sp_t VALUES (21, 'second');
ROLLBACK TO s;
SELECT id FROM sp_t WHERE id >= 20 ORDER BY id;
RELEASE s;
ROLLBACK TO s;
SELECT id FROM sp_t WHERE id >= 20 ORDER BY id;
COMMIT;
SELECT id FROM sp_t WHERE id >= 20 ORDER BY id;
-- a failed statement: ROLLBACK TO makes the block usable again
BEGIN;
INSERT INTO sp_t VALUES (30, 'kept');
SAVEPOINT before_dup;
INSERT INTO sp_t VALUES (31, 'undone');
INSERT INTO sp_t VALUES (1, 'duplicate');
SELECT 1;
SAVEPOINT nope;
RELEASE before_dup;
ROLLBACK TO SAVEPOINT before_dup;
SELECT id, v FROM sp_t WHERE id >= 30 ORDER BY id;
INSERT INTO sp_t VALUES (32, 'after recovery');
-- it can fail and recover again from the same savepoint
SELECT 1 / 0;
ROLLBACK TO before_dup;
INSERT INTO sp_t VALUES (33, 'again');
COMMIT;
SELECT id, v FROM sp_t WHERE id >= 30 ORDER BY id;
-- errors inside a nested savepoint roll back only to the one named
BEGIN;
SAVEPOINT outer_sp;
INSERT INTO sp_t VALUES (40, 'outer');
SAVEPOINT inner_sp;
UPDATE sp_t SET v = 'changed' WHERE id = 40;
SELECT nosuch FROM sp_t;
ROLLBACK TO inner_sp;
SELECT id, v FROM sp_t WHERE id >= 40 ORDER BY id;
UPDATE sp_t SET v = 'changed later' WHERE id = 40;
RELEASE inner_sp;
COMMIT;
SELECT id, v FROM sp_t WHERE id >= 40 ORDER BY id;
-- unknown savepoints
BEGIN;
SAVEPOINT x;
RELEASE y;
ROLLBACK TO y;
ROLLBACK TO x;
SELECT 'usable' AS state;
ROLLBACK;
-- a failed block without savepoints stays failed: ROLLBACK TO cannot help
BEGIN;
SELECT 1 / 0;
ROLLBACK TO x;
SELECT 1;
ROLLBACK;
-- COMMIT of a failed block with savepoints rolls back everything
\set QUIET off
BEGIN;
INSERT INTO sp_t VALUES (50, 'lost');
SAVEPOINT a;
INSERT INTO sp_t VALUES (1, 'dup');
COMMIT;
\set QUIET on
SELECT count(*) FROM sp_t WHERE id = 50;
-- outside a block
SAVEPOINT a;
ROLLBACK TO SAVEPOINT a;
RELEASE SAVEPOINT a;
-- row locks taken after a savepoint are released by ROLLBACK TO (the row is writable by
-- the same block again, and the work before the savepoint stays)
BEGIN;
UPDATE sp_t SET v = 'locked' WHERE id = 1;
SAVEPOINT a;
UPDATE sp_t SET v = 'locked too' WHERE id = 2;
DELETE FROM sp_t WHERE id = 10;
ROLLBACK TO a;
UPDATE sp_t SET v = 'relocked' WHERE id = 10;
COMMIT;
SELECT * FROM sp_t ORDER BY id;
-- SET TRANSACTION after a savepoint
BEGIN;
SAVEPOINT a;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
ROLLBACK;
DROP TABLE sp_t;
