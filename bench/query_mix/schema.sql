CREATE TABLE bench_a (id bigint PRIMARY KEY, k integer, grp integer, v text);
CREATE INDEX bench_a_k ON bench_a (k);
CREATE TABLE bench_b (id bigint PRIMARY KEY, a_id bigint, w integer);
