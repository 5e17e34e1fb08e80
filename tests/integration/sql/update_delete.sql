-- UPDATE and DELETE with WHERE and RETURNING, and their command tags.
CREATE TABLE ud_t (id int PRIMARY KEY, name text NOT NULL, qty int, price numeric(6,2));
INSERT INTO ud_t VALUES (1, 'a', 1, 1.00), (2, 'b', 2, 2.00), (3, 'c', 3, 3.00), (4, 'd', 4, 4.00), (5, 'e', NULL, NULL);
UPDATE ud_t SET qty = qty + 10 WHERE id = 1;
UPDATE ud_t SET qty = qty * 2, price = price + 0.5 WHERE id = 2 RETURNING id, qty, price;
UPDATE ud_t SET qty = qty * 2, price = price + 0.5 WHERE id = 3 RETURNING qty, price, id;
UPDATE ud_t SET name = upper(name) WHERE qty IS NULL RETURNING *;
UPDATE ud_t SET qty = 0 WHERE id = 999 RETURNING id;
SELECT * FROM ud_t ORDER BY id;
-- update that references the old value of another column in the same SET
UPDATE ud_t SET qty = id, price = qty WHERE id = 4 RETURNING id, qty, price;
-- update with no WHERE (RETURNING only values that are equal on every row: row order is
-- unspecified without ORDER BY)
UPDATE ud_t SET price = 0 RETURNING price;
-- errors
UPDATE ud_t SET name = NULL WHERE id = 1;
UPDATE ud_t SET nosuch = 1;
UPDATE ud_t SET qty = 'x' WHERE id = 1;
UPDATE ud_nosuch SET qty = 1;
UPDATE ud_t SET qty = 1 / 0 WHERE id = 1;
UPDATE ud_t SET qty = 1 / (id - 3) WHERE id < 5;
SELECT id, qty FROM ud_t ORDER BY id;
-- primary key update
UPDATE ud_t SET id = 10 WHERE id = 1 RETURNING id, name;
UPDATE ud_t SET id = 2 WHERE id = 10;
SELECT id, name FROM ud_t ORDER BY id;
-- DELETE
DELETE FROM ud_t WHERE id = 999;
DELETE FROM ud_t WHERE id = 3 RETURNING *;
DELETE FROM ud_t WHERE qty IS NULL RETURNING id, name;
DELETE FROM ud_t WHERE name = 'nobody' RETURNING id;
SELECT id, name FROM ud_t ORDER BY id;
DELETE FROM ud_t RETURNING 'gone' AS what;
SELECT count(*) FROM ud_t;
DELETE FROM ud_nosuch;
DELETE FROM ud_t WHERE nosuch = 1;
-- command tags (psql prints them without -q; the file runs with -q, so echo them here)
\set QUIET off
INSERT INTO ud_t VALUES (1, 'x', 1, 1), (2, 'y', 2, 2), (3, 'z', 3, 3);
UPDATE ud_t SET qty = qty + 1 WHERE id < 3;
UPDATE ud_t SET qty = 0 WHERE id > 100;
DELETE FROM ud_t WHERE id = 1;
DELETE FROM ud_t WHERE id = 1;
SELECT id FROM ud_t ORDER BY id;
\set QUIET on
DROP TABLE ud_t;
