-- Functions and operators beyond issue 2's list (kept apart so that a gap here does not hide
-- a failure in expressions.sql).
SELECT 2 ^ 10, @ -3, |/ 16, 7 & 3, 7 | 8, 1 << 4;
SELECT round(2.5), round(-2.5), round(2.345, 2), round(2.5::float8), trunc(2.99), trunc(-2.99, 1);
SELECT abs(-4), abs(-4.5), ceil(4.1), floor(-4.1), sign(-3), mod(7, 3), power(2, 10), sqrt(2::float8);
SELECT char_length('abc'), octet_length('ünï'), substr('hello', 4), ltrim('  x  ') || '|', rtrim('  x  ') || '|', btrim('xyaxy', 'xy');
SELECT position('lo' IN 'hello'), strpos('hello', 'z'), left('hello', 2), right('hello', 2), repeat('ab', 3), reverse('abc');
SELECT lpad('7', 3, '0'), rpad('ab', 4, '.'), initcap('hello wORLD'), concat_ws('-', 'a', NULL, 'b'), split_part('a,b,c', ',', 2);
SELECT starts_with('hello', 'he'), 'hello' ^@ 'he', md5('abc'), to_hex(255), chr(65), ascii('A');
SELECT 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ 'z', regexp_replace('a1b22', '[0-9]+', '#', 'g');
SELECT date '2024-02-28' + 2, date '2024-03-01' - date '2024-02-01', extract(year FROM date '2024-05-06'), date_trunc('month', timestamp '2024-05-06 07:08:09');
SELECT '{"a": {"b": [1, 2]}}'::jsonb -> 'a' -> 'b' ->> 1, '{"a": 1}'::json ->> 'a', '{"a": 1}'::jsonb ? 'a', '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}';
