\set id random(1, :nb - 9)
SELECT a.v, b.w FROM bench_b b JOIN bench_a a ON a.id = b.a_id WHERE b.id BETWEEN :id AND :id + 9;
