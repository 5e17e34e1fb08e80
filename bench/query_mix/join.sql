\set id random(1, :nb - 9)
SELECT a.v, b.w FROM bench_a a JOIN bench_b b ON b.a_id = a.id WHERE b.id BETWEEN :id AND :id + 9;
