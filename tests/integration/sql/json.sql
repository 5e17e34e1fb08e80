-- json/jsonb builders (json_build_object, to_jsonb, ...), jsonb_typeof, array length,
-- jsonb_pretty, jsonb || jsonb, jsonb - text, json[b]_extract_path[_text].
SELECT jsonb_build_object('a', 1, 'b', 'x'), json_build_object('a', 1, 'b', true), jsonb_build_array(1, 'a', NULL, 2.50), json_build_array(1, 'a', NULL, false);
SELECT jsonb_build_object(), json_build_array(), jsonb_build_object(1, 2), json_build_object('t', timestamp '2024-05-06 07:08:09', 'tz', timestamptz '2024-05-06 07:08:09+00');
SELECT jsonb_build_object('a', NULL);
SELECT jsonb_build_object(NULL, 1);
SELECT jsonb_build_object('a');
SELECT to_jsonb(1.50), to_json('a"b'::text), to_jsonb(true), to_json(date '2024-01-02'), to_jsonb('{"b":1, "a":2}'::jsonb), to_json(interval '1 day'), to_jsonb('NaN'::float8), to_json(1e3::float8);
SELECT jsonb_typeof('{"a":1}'), jsonb_typeof('[1]'), jsonb_typeof('"x"'), jsonb_typeof('1.5'), jsonb_typeof('true'), jsonb_typeof('null'), json_typeof('{"a": 1}');
SELECT jsonb_array_length('[1,2,[3]]'), json_array_length('[]');
SELECT jsonb_array_length('{"a":1}');
SELECT jsonb_array_length('5');
SELECT jsonb_pretty('{"a": 1, "b": [1, 2, {"c": null}], "d": {}, "e": []}');
SELECT '{"a":1,"b":2}'::jsonb || '{"b":3,"c":4}', '[1,2]'::jsonb || '[3]', '[1]'::jsonb || '2', '{"a":1}'::jsonb || '[1]', '1'::jsonb || '2', '{"a":1}'::jsonb || '"x"';
SELECT '{"a":1,"b":2}'::jsonb - 'a', '["a","b","a"]'::jsonb - 'a', '{"a":1}'::jsonb - 'z';
SELECT '5'::jsonb - 'a';
SELECT jsonb_extract_path_text('{"a":{"b":"x"}}', 'a', 'b'), jsonb_extract_path('{"a":{"b":[1]}}', 'a', 'b'), jsonb_extract_path_text('{"a":1}', 'z');
SELECT jsonb_build_object(1.5, 'x', true, 'y'), jsonb_build_object('k', '{"x":1}'::jsonb);
CREATE TABLE js (id int PRIMARY KEY, name text, score numeric, ok bool);
INSERT INTO js VALUES (1, 'ann', 9.50, true), (2, 'bob', NULL, false);
SELECT id, jsonb_build_object('name', name, 'score', score), json_build_array(id, ok, name) FROM js ORDER BY id;
SELECT to_jsonb(name), to_json(score), jsonb_build_object('k', ok) || jsonb_build_object('id', id) FROM js ORDER BY id;
SELECT jsonb_build_object('n', name) - 'n', jsonb_typeof(to_jsonb(score)) FROM js ORDER BY id;
DROP TABLE js;
