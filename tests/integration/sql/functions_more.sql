-- NOT RUN: functions and operators beyond issue 2. Move this file into ../sql/ when Orbit
-- implements them; until then it documents the next gaps (PostgreSQL 15 runs it cleanly).
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
SELECT concat('a', true, 2, NULL, 1.50), concat_ws(',', false, 'x'), 'v' || true, false || 'w', concat('a'::char(3), 'b');
SELECT 2 ^ 0.5::float8, 2::float8 ^ 3, ||/ 27, ~ 5, 5 # 3, -8 >> 1, 1::int8 << 40, 3::int2 & 1::int2, @ -2.5;
SELECT |/ -1;
SELECT ln(0);
SELECT log(-1);
SELECT 0 ^ -1;
SELECT (-8) ^ 0.5;
SELECT substr('abc', 1, -1);
SELECT to_hex(-1), to_hex(4294967296::int8), initcap('o''neil mc-donald 3rd'), position('' IN 'abc');
SELECT 'Hello' ~ '^H.*o$', 'foo123' ~ '\d+', 'ABC' ~* '^abc$', 'abc' !~* 'B', regexp_replace('Hello World', 'o', '0');
SELECT regexp_replace('abcabc', '(b)(c)', '<\2\1>', 'g'), regexp_replace('AbAB', 'b', 'x', 'gi'), regexp_replace('abc', 'x*', '-', 'g');
SELECT 'a' ~ '(';
SELECT 'a' ~ 'a{2,1}';
SELECT 'a' ~ '[b';
SELECT regexp_replace('a', 'a', 'b', 'z');
SELECT date_trunc('year', timestamp '2024-05-06 07:08:09.123456'), date_trunc('hour', timestamp '2024-05-06 07:08:09'), date_trunc('week', timestamp '2024-05-09 07:08:09'), date_trunc('quarter', timestamp '2024-05-06 07:08:09');
SELECT date_trunc('milliseconds', timestamp '2024-05-06 07:08:09.123456'), date_trunc('century', timestamp '2024-05-06'), date_trunc('decade', timestamp '2024-05-06'), date_trunc('day', timestamptz '2024-05-06 07:08:09+00');
SELECT date_trunc('month', date '2024-05-06');
SELECT date_trunc('foo', timestamp '2024-05-06');
SELECT date_trunc('dow', timestamp '2024-05-06');
SELECT date_part('year', date '2024-05-06'), date_part('dow', timestamp '2024-05-06 10:00'), extract(doy FROM date '2024-05-06'), extract(quarter FROM timestamp '2024-05-06'), extract(epoch FROM timestamp '2024-05-06 00:00:01');
SELECT '{"a": [1, {"b": null}], "c": "x"}'::jsonb -> 'a', '{"a": [1, {"b": null}]}'::jsonb -> 'a' -> -1 ->> 'b', '[1, "two", 3]'::jsonb ->> 1, '[1, 2]'::jsonb -> 5, '{"a": 1}'::jsonb -> 'z';
SELECT '{"a":  {"b" :1}}'::json -> 'a', '[1,  [2, 3]]'::json -> 1, '{"a": "x"}'::json ->> 'a', '{"a": "x"}'::jsonb -> 'a', '"s"'::jsonb -> 0;
SELECT '["a", "b"]'::jsonb ? 'a', '{"a": 1}'::jsonb ? 'b', '[1, 2, [3]]'::jsonb @> '[3]', '[1, 2, [3]]'::jsonb @> '[[3]]', '[1, 2]'::jsonb @> '1', '1'::jsonb @> '[1]', '{"a": {"b": 1, "c": 2}}'::jsonb @> '{"a": {"c": 2}}', '{"a": 1.0}'::jsonb @> '{"a": 1}', '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}';
-- similar_to_escape: the POSIX regex PostgreSQL builds for SIMILAR TO (and matching it with ~).
SELECT similar_to_escape('a%b_c.d*e+f(g)h[i]j|k{l}m\n^o$p'), similar_to_escape('a#%b', '#'), similar_to_escape('a%b', NULL), similar_to_escape('ab', ''), similar_to_escape(NULL);
SELECT similar_to_escape('a%', 'xy');
SELECT similar_to_escape('a[%_]b'), similar_to_escape('a\%b'), similar_to_escape('a#"b#"c', '#'), similar_to_escape('(a|b)*c+?{2}'), similar_to_escape('a\'), similar_to_escape('a#"b', '#');
SELECT similar_to_escape('[a]%') a, similar_to_escape('[]]%') b, similar_to_escape('[^^]%') c, similar_to_escape('[^]]%') d, similar_to_escape('[[:alpha:]]%') e, similar_to_escape('[[a]%') f, similar_to_escape('[\]%') g, similar_to_escape('[a#]]%', '#') h, similar_to_escape('[%') i, similar_to_escape('[(]%') j;
SELECT similar_to_escape('[\]%', '#'), similar_to_escape('[[a]]%'), similar_to_escape('é%', 'é'), similar_to_escape('aé_b');
SELECT 'abc' ~ similar_to_escape('a%'), 'abc' ~ similar_to_escape('a_'), 'a.c' ~ similar_to_escape('a.c'), 'abc' ~ similar_to_escape('a.c'), 'abc' ~ similar_to_escape('(a|x)bc'), 'ab' ~ similar_to_escape('a#"b#"', '#'), 'a%' ~ similar_to_escape('a\%'), 'ab' ~ similar_to_escape('a\%'), 'xabcx' ~ similar_to_escape('abc');
-- SIMILAR TO
SELECT 'abc' SIMILAR TO 'a%', 'abc' NOT SIMILAR TO '%(b|d)%', 'a_c' SIMILAR TO 'a#_c' ESCAPE '#', NULL SIMILAR TO 'a', 'xyz' SIMILAR TO 'x';
SELECT 'abcabc' SIMILAR TO '(abc)*', 'ab' SIMILAR TO '[a-c]{2}', 'a+b' SIMILAR TO 'a\+b';
SELECT 'x' SIMILAR TO 'x' ESCAPE 'ab';
SELECT 'abc' SIMILAR TO 'a#"b#"c#"' ESCAPE '#';
