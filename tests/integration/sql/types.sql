-- Every column type of issue 2: insert and select, boundaries, bad input.
CREATE TABLE ty_int (id int PRIMARY KEY, s smallint, i integer, b bigint);
INSERT INTO ty_int VALUES (1, -32768, -2147483648, -9223372036854775808);
INSERT INTO ty_int VALUES (2, 32767, 2147483647, 9223372036854775807);
INSERT INTO ty_int VALUES (3, 0, 0, 0);
INSERT INTO ty_int VALUES (4, NULL, NULL, NULL);
INSERT INTO ty_int VALUES (5, '12', ' 34 ', '-56');
SELECT * FROM ty_int ORDER BY id;
INSERT INTO ty_int VALUES (10, 32768, 0, 0);
INSERT INTO ty_int VALUES (11, 0, 2147483648, 0);
INSERT INTO ty_int VALUES (12, 0, 0, 9223372036854775808);
INSERT INTO ty_int VALUES (13, 'abc', 0, 0);
INSERT INTO ty_int VALUES (14, 0, '1.5', 0);
INSERT INTO ty_int VALUES (15, 0, 0, '');
SELECT count(*) FROM ty_int;
-- numeric values are rounded to the column's integer type
INSERT INTO ty_int VALUES (16, 1.5, 2.5, -2.5);
SELECT * FROM ty_int WHERE id = 16;

CREATE TABLE ty_float (id int PRIMARY KEY, r real, d double precision);
INSERT INTO ty_float VALUES (1, 1.5, 2.25), (2, -0.1, 0.1), (3, 3.4028235e38, 1.7976931348623157e308);
INSERT INTO ty_float VALUES (4, 1e-37, 2.2250738585072014e-308), (5, 'NaN', 'Infinity'), (6, '-Infinity', '-0');
INSERT INTO ty_float VALUES (7, 123456789, 0.30000000000000004), (8, 1.0, 100), (9, NULL, NULL);
SELECT * FROM ty_float ORDER BY id;
INSERT INTO ty_float VALUES (20, 'x', 0);
INSERT INTO ty_float VALUES (21, 0, '1e400');
INSERT INTO ty_float VALUES (22, 1e39, 0);

CREATE TABLE ty_num (id int PRIMARY KEY, n numeric(10,2), u numeric);
INSERT INTO ty_num VALUES (1, 12345678.91, 0.1), (2, -0.005, 123456789012345678901234567890.123456789);
INSERT INTO ty_num VALUES (3, 1.235, -1), (4, 0, 0.000), (5, NULL, 'NaN'), (6, '  7.5 ', 1e10);
SELECT * FROM ty_num ORDER BY id;
INSERT INTO ty_num VALUES (7, 123456789.00, 0);
INSERT INTO ty_num VALUES (8, 'abc', 0);
SELECT n + 1, u * 2 FROM ty_num WHERE id = 1;

CREATE TABLE ty_bool (id int PRIMARY KEY, b boolean);
INSERT INTO ty_bool VALUES (1, true), (2, false), (3, NULL), (4, 't'), (5, 'off'), (6, 'YES'), (7, '0');
SELECT * FROM ty_bool ORDER BY id;
INSERT INTO ty_bool VALUES (8, 'maybe');
INSERT INTO ty_bool VALUES (9, 2);

CREATE TABLE ty_text (id int PRIMARY KEY, t text, v varchar(5), c char(5));
INSERT INTO ty_text VALUES (1, 'hello', 'abc', 'ab');
INSERT INTO ty_text VALUES (2, '', '', '');
INSERT INTO ty_text VALUES (3, 'it''s', 'x y', 'abcde');
INSERT INTO ty_text VALUES (4, 'ünïcødé ✓', 'ñandú', 'é');
INSERT INTO ty_text VALUES (5, NULL, NULL, NULL);
INSERT INTO ty_text VALUES (6, 'trailing', 'abc  ', 'abc    ');
SELECT id, t, v, c, length(t) AS lt, length(v) AS lv, length(c) AS lc, c || '|' AS cbar FROM ty_text ORDER BY id;
INSERT INTO ty_text VALUES (10, 'x', 'abcdef', 'a');
INSERT INTO ty_text VALUES (11, 'x', 'a', 'abcdef');
SELECT count(*) FROM ty_text;

CREATE TABLE ty_bytea (id int PRIMARY KEY, b bytea);
INSERT INTO ty_bytea VALUES (1, '\xdeadbeef'), (2, ''), (3, 'abc'), (4, NULL), (5, '\x00ff');
SELECT id, b, length(b) FROM ty_bytea ORDER BY id;
INSERT INTO ty_bytea VALUES (6, '\xzz');

CREATE TABLE ty_time (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz);
INSERT INTO ty_time VALUES (1, '2024-02-29', '2024-02-29 13:45:01', '2024-02-29 13:45:01+02');
INSERT INTO ty_time VALUES (2, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00');
INSERT INTO ty_time VALUES (3, '0001-01-01', '2000-01-01 00:00:00.123456', '2000-01-01 00:00:00.5-05:30');
INSERT INTO ty_time VALUES (4, '9999-12-31', '1999-12-31 23:59:59.999999', '2038-01-19 03:14:08Z');
INSERT INTO ty_time VALUES (5, NULL, NULL, NULL);
INSERT INTO ty_time VALUES (6, '1900-03-01', '1900-03-01 12:00', '1900-03-01 12:00 UTC');
SELECT * FROM ty_time ORDER BY id;
INSERT INTO ty_time VALUES (10, '2023-02-29', NULL, NULL);
INSERT INTO ty_time VALUES (11, 'yesterdayish', NULL, NULL);
INSERT INTO ty_time VALUES (12, NULL, '2024-01-01 25:00:00', NULL);
SELECT d + 1 AS next_day FROM ty_time WHERE id = 1;

CREATE TABLE ty_uuid (id int PRIMARY KEY, u uuid);
INSERT INTO ty_uuid VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, 'A0EEBC999C0B4EF8BB6D6BB9BD380A12'), (3, '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13}'), (4, NULL);
SELECT * FROM ty_uuid ORDER BY id;
SELECT id FROM ty_uuid WHERE u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' ORDER BY id;
INSERT INTO ty_uuid VALUES (5, 'not-a-uuid');

CREATE TABLE ty_json (id int PRIMARY KEY, j json, jb jsonb);
INSERT INTO ty_json VALUES (1, '{"b": 1, "a": [1, 2, {"c": null}]}', '{"b": 1, "a": [1, 2, {"c": null}]}');
INSERT INTO ty_json VALUES (2, '  "str"  ', '  "str"  ');
INSERT INTO ty_json VALUES (3, '[]', '{}'), (4, 'null', 'null'), (5, NULL, NULL), (6, '1.50', '1.50');
INSERT INTO ty_json VALUES (7, '{"k": 1, "k": 2}', '{"k": 1, "k": 2}');
SELECT * FROM ty_json ORDER BY id;
INSERT INTO ty_json VALUES (8, '{bad', NULL);
INSERT INTO ty_json VALUES (9, NULL, '[1,');

DROP TABLE ty_int, ty_float, ty_num, ty_bool, ty_text, ty_bytea, ty_time, ty_uuid, ty_json;
