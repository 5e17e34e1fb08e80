\set id random(1, :n)
SELECT id, v FROM bench_a WHERE id >= :id ORDER BY id LIMIT 10;
