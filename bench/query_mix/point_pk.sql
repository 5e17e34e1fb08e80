\set id random(1, :n)
SELECT v FROM bench_a WHERE id = :id;
