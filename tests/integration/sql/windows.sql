-- Window functions: ranking, offsets, frames, aggregates OVER, named windows, windows over
-- grouped rows, and their errors, compared with PostgreSQL.
CREATE TABLE win_t (id int PRIMARY KEY, g text, v int, x numeric(6,2));
INSERT INTO win_t VALUES (1, 'a', 10, 1.5), (2, 'a', 20, 2.5), (3, 'b', 5, 3.0), (4, 'b', 5, NULL),
  (5, 'b', 7, 4.25), (6, 'c', NULL, 5.0), (7, 'a', 20, 0.5);
SELECT id, g, v, row_number() OVER (PARTITION BY g ORDER BY v, id), rank() OVER (PARTITION BY g ORDER BY v),
       dense_rank() OVER (ORDER BY v) FROM win_t ORDER BY id;
SELECT id, sum(v) OVER (PARTITION BY g), sum(v) OVER (ORDER BY id), count(*) OVER (ORDER BY v) FROM win_t ORDER BY id;
SELECT id, avg(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING),
       sum(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),
       max(v) OVER (ORDER BY id ROWS 2 PRECEDING) FROM win_t ORDER BY id;
SELECT id, lag(v) OVER (ORDER BY id), lead(v, 2, -1) OVER (ORDER BY id), lag(g, 1, 'none') OVER (ORDER BY id)
  FROM win_t ORDER BY id;
SELECT id, first_value(v) OVER (PARTITION BY g ORDER BY id),
       last_value(v) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
       nth_value(v, 2) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  FROM win_t ORDER BY id;
SELECT id, ntile(3) OVER (ORDER BY id), percent_rank() OVER (ORDER BY id), cume_dist() OVER (ORDER BY v)
  FROM win_t ORDER BY id;
SELECT g, count(*), sum(count(*)) OVER (), rank() OVER (ORDER BY count(*) DESC) FROM win_t GROUP BY g ORDER BY g;
SELECT id, count(*) OVER w, max(v) OVER w, min(v) OVER (w ORDER BY id) FROM win_t WINDOW w AS (PARTITION BY g) ORDER BY id;
SELECT id, row_number() OVER () > 0 AS numbered FROM win_t ORDER BY id;
SELECT g, v, sum(v) OVER (PARTITION BY g ORDER BY v) FROM win_t WHERE v IS NOT NULL ORDER BY g, v;
SELECT * FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY id) AS rn FROM win_t) s WHERE rn = 1 ORDER BY id;
SELECT id FROM win_t WHERE row_number() OVER () > 1;
SELECT ntile(0) OVER () FROM win_t;
SELECT sum(v) OVER nope FROM win_t;
DROP TABLE win_t;
