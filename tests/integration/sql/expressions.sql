-- Operators and functions with PostgreSQL's NULL semantics, casts and errors.
-- arithmetic
SELECT 2147483647::bigint + 1, 9223372036854775807 - 1, -(-5), +5;
SELECT 7 + 3, 7 - 10, 7 * 6, 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7.0 / 2, 1 / 3.0;
SELECT 1.5::real * 2, 1.0::float8 / 3, 10::smallint / 3::smallint;
SELECT 0.1 + 0.2, 0.1::float8 + 0.2::float8, 1.10 * 3, 2.5 - 2.50, 1 / 7.0;
SELECT 123456789012345678901234567890 + 1, 99999999999999999999.99 * 10;
SELECT 10 / 4, 10 / 4.0, 10::numeric / 4, 10.0 / 3 * 3;
SELECT 1e3::float8, 1.5e-5::float8, 123456789.125::float8, 1e16::float8, 1e15::float8, 0.000123::real;
SELECT 1::float8 / 3 * 3 = 1 AS roundtrip, 100000000000000000000::float8, (-0.0)::float8;
SELECT 'NaN'::float8 > 1e308, 'Infinity'::float8 + 1, 'NaN'::numeric = 'NaN'::numeric;
-- division by zero (22012) and overflow (22003)
SELECT 1 / 0;
SELECT 1 % 0;
SELECT 1.0 / 0;
SELECT 1::float8 / 0;
SELECT 2147483647 + 1;
SELECT -2147483648 - 1;
SELECT 9223372036854775807 + 1;
SELECT 32767::smallint + 1::smallint;
SELECT 65536 * 65536;
SELECT (-2147483648) / -1;
SELECT 1e308::float8 * 10;
SELECT 3000000000::int;
SELECT 99999::smallint;
SELECT 12345.678::numeric(5,2);
-- NULL semantics
SELECT NULL::int + 1 AS plus, NULL::text || 'x' AS concat, NULL::int = NULL AS eq, NULL::int <> 1 AS ne;
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::boolean;
SELECT NULL::boolean AND NULL, NULL::boolean OR NULL;
SELECT NULL IS NULL, 1 IS NULL, NULL IS NOT NULL, 1 IS NOT NULL;
SELECT 1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1, NULL::int IS NOT DISTINCT FROM 2;
SELECT true IS TRUE, NULL::boolean IS UNKNOWN, false IS NOT FALSE, NULL::boolean IS NOT TRUE;
-- comparisons
SELECT 1 < 2, 2 <= 2, 3 > 4, 'abc' < 'abd', 'B' < 'a', 1 = 1.0, 1.5 > 1, date '2024-01-02' > date '2024-01-01';
SELECT 1 BETWEEN 0 AND 2, 5 BETWEEN 6 AND 9, 5 NOT BETWEEN 6 AND 9, NULL BETWEEN 1 AND 2;
SELECT 2 IN (1, 2, 3), 4 IN (1, 2, 3), 4 NOT IN (1, 2, 3), 4 IN (1, NULL), 1 IN (1, NULL), 4 NOT IN (1, NULL);
SELECT 'b' IN ('a', 'b');
-- CASE, COALESCE, NULLIF, GREATEST, LEAST
SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END,
       CASE 3 WHEN 1 THEN 'one' WHEN 3 THEN 'three' END,
       CASE 4 WHEN 1 THEN 'one' END,
       CASE WHEN NULL THEN 'x' ELSE 'y' END;
SELECT COALESCE(NULL, NULL, 3, 4), COALESCE(NULL::text, 'd'), COALESCE(NULL::int, NULL) IS NULL;
SELECT NULLIF(1, 1), NULLIF(1, 2), NULLIF('a', 'b');
SELECT GREATEST(1, 5, 3), LEAST(1, 5, 3), GREATEST(1, NULL, 2), LEAST(NULL::int, NULL), GREATEST('a', 'b'), LEAST(1.5, 2);
-- LIKE / ILIKE
SELECT 'hello' LIKE 'h%', 'hello' LIKE 'H%', 'hello' ILIKE 'H%', 'hello' LIKE '_ello', 'hello' NOT LIKE '%z%';
SELECT 'a%b' LIKE 'a\%b', 'axb' LIKE 'a\%b', 'a_b' LIKE 'a\_b', NULL LIKE 'a', 'abc' LIKE 'abc', 'abc' LIKE 'ab';
SELECT 'Ünï' ILIKE 'üNÏ', '' LIKE '%', 'x' LIKE '';
-- string functions
SELECT length('hello'), length(''), length('ünï');
SELECT lower('HeLLo'), upper('HeLLo'), lower(NULL), upper('straße');
SELECT substring('hello world' FROM 7), substring('hello world' FROM 1 FOR 5), substring('hello', 2, 3), substring('hello', 0, 2);
SELECT trim('  x  ') || '|', trim(leading from '  x  ') || '|', trim(trailing from '  x  ') || '|', trim(both 'x' from 'xxaxx');
SELECT replace('banana', 'an', 'AN'), replace('abc', '', 'x'), replace(NULL, 'a', 'b');
SELECT concat('a', 1, NULL, 2.5, true), concat('x'), concat(NULL);
SELECT 'a' || 'b', 'a' || 1, 1 || 'a', 'a' || NULL, 'x' || 2 || 'y';
-- casts
SELECT '42'::int, 42::text, '3.14'::numeric, 3.14::int, 3.5::int, -3.5::int, '1e2'::float8::int;
SELECT CAST('7' AS bigint), CAST(7 AS text), CAST('t' AS boolean), CAST(1 AS boolean), CAST(true AS int);
SELECT '2024-03-01'::date, '2024-03-01 10:00'::timestamp, '2024-03-01'::date::timestamp, '2024-03-01 10:00+01'::timestamptz;
SELECT 'abc'::varchar(2), 'abc'::char(5) || '|', 12.345::numeric(4,2), 'ab'::bytea, '{"a":1}'::jsonb;
SELECT 1.9::smallint, '  12  '::int, 'true'::boolean::text, 3::float8::text, 0.1::float4::float8;
SELECT 'abc'::int;
SELECT ''::numeric;
SELECT 'x'::boolean;
SELECT CAST('2024-13-01' AS date);
SELECT '1'::int + '2';
SELECT 'a' + 1;
