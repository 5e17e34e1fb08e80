SELECT grp, count(*), sum(k) FROM bench_a GROUP BY grp;
