-- GROUPING SETS, ROLLUP, CUBE and GROUPING(), compared with PostgreSQL.
CREATE TABLE gs_t (id int PRIMARY KEY, region text, product text, qty int);
INSERT INTO gs_t VALUES (1, 'east', 'apple', 10), (2, 'east', 'pear', 5), (3, 'west', 'apple', 7),
  (4, 'west', 'apple', 3), (5, 'west', 'plum', NULL), (6, 'north', 'pear', 1);
SELECT region, product, sum(qty), count(*) FROM gs_t GROUP BY ROLLUP (region, product)
  ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, sum(qty) FROM gs_t GROUP BY CUBE (region, product)
  ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, count(*) FROM gs_t GROUP BY GROUPING SETS ((region), (product), ())
  ORDER BY region NULLS LAST, product NULLS LAST;
SELECT region, product, GROUPING(region, product) AS g, sum(qty) FROM gs_t GROUP BY ROLLUP (region, product)
  ORDER BY g, region NULLS LAST, product NULLS LAST;
SELECT region, sum(qty) FROM gs_t GROUP BY region, ROLLUP (product) HAVING sum(qty) > 5
  ORDER BY region, sum(qty);
SELECT sum(qty) FROM gs_t WHERE id > 100 GROUP BY ROLLUP (region);
SELECT region, GROUPING(region) FROM gs_t GROUP BY region ORDER BY 1;
SELECT GROUPING(qty) FROM gs_t GROUP BY region;
DROP TABLE gs_t;
