\set k random(0, :n - 1)
SELECT id, v FROM bench_a WHERE k = :k;
