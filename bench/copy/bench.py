"""Driver for bench/copy/run.sh (see bench/README.md, "copy")."""

import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import orbit_harness as h  # noqa: E402

N = int(os.environ.get("N", "1000000"))
NVEC = int(os.environ.get("NVEC", "100000"))
DIM = int(os.environ.get("DIM", "128"))
RUNS = int(os.environ.get("RUNS", "3"))
ONLY = os.environ.get("ONLY", "")
TABLES = [t for t in os.environ.get("TABLES", "mixed,vector").split(",") if t]

MIXED_DDL = ("CREATE TABLE %s (id bigint PRIMARY KEY, qty integer NOT NULL, "
             "name text, price numeric(12,2), created timestamp)")
# PostgreSQL here has no pgvector: its side stores the same floats as real[] (the closest
# built-in type; its text form only differs in the brackets).
VEC_DDL = {"orbit": "CREATE TABLE %%s (id bigint PRIMARY KEY, emb vector(%d))" % DIM,
           "postgres": "CREATE TABLE %s (id bigint PRIMARY KEY, emb real[])"}


def gen_mixed(path):
    """N rows of CSV, ids in a shuffled order (as data from elsewhere arrives)."""
    rnd = random.Random(42)
    ids = list(range(1, N + 1))
    rnd.shuffle(ids)
    with open(path, "w") as f:
        for i in ids:
            # every 50th name is NULL (an empty unquoted CSV field)
            name = "" if i % 50 == 0 else "customer-%d-%s" % (i % 9973, "x" * (i % 17))
            f.write("%d,%d,%s,%d.%02d,2024-%02d-%02d %02d:%02d:%02d\n"
                    % (i, rnd.randrange(1000), name, rnd.randrange(100000), i % 100,
                       1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60))


def gen_vec(path, brackets):
    rnd = random.Random(7)
    o, c = brackets
    with open(path, "w") as f:
        for i in range(1, NVEC + 1):
            v = ",".join("%.4f" % rnd.uniform(-1, 1) for _ in range(DIM))
            f.write('%d\t%s%s%s\n' % (i, o, v, c))


def psql(port, cmd):
    rc, out = h.run_psql(port, ["-v", "ON_ERROR_STOP=1", "-c", cmd], timeout=3600)
    if rc != 0:
        raise RuntimeError("psql failed: %s\n%s" % (cmd, out))
    return out


def load(port, ddl, table, path, opts, nrows):
    """One fresh table (a new name per run: dropping the last one would leave each server
    cleaning up during the next load), one \\copy; returns rows/s."""
    psql(port, ddl)
    t0 = time.perf_counter()
    out = psql(port, "\\copy %s FROM '%s' WITH (%s)" % (table, path, opts))
    elapsed = time.perf_counter() - t0
    if ("COPY %d" % nrows) not in out:
        raise RuntimeError("unexpected \\copy output: %s" % out)
    got = psql(port, "SELECT count(*) FROM %s" % table)
    if str(nrows) not in got:
        raise RuntimeError("%s holds %s rows, expected %d" % (table, got.strip(), nrows))
    return nrows / elapsed


def bench(name, server, files):
    server.start()
    res = {}
    try:
        for t in TABLES:
            runs = []
            for r in range(RUNS):
                if t == "mixed":
                    tbl = "bench_copy_%d" % r
                    runs.append(load(server.port, MIXED_DDL % tbl, tbl, files["mixed"],
                                     "FORMAT csv", N))
                else:
                    tbl = "bench_vec_%d" % r
                    runs.append(load(server.port, VEC_DDL[name] % tbl, tbl,
                                     files["vec_" + name], "FORMAT text", NVEC))
                print("  %s %s: %.0f rows/s" % (name, t, runs[-1]), flush=True)
            res[t] = runs
    finally:
        server.stop()
        server.cleanup()
    return res


def main():
    orbitd = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="orbit-bench-copy-")
    os.chmod(tmp, 0o755)
    files = {"mixed": os.path.join(tmp, "mixed.csv"),
             "vec_orbit": os.path.join(tmp, "vec_orbit.txt"),
             "vec_postgres": os.path.join(tmp, "vec_pg.txt")}
    print("copy: psql \\copy of %d rows (bigint pk, int, text, numeric, timestamp; CSV, ids "
          "shuffled) and %d rows of vector(%d) (text), one fresh table per run, median of %d"
          % (N, NVEC, DIM, RUNS))
    print("both servers on this machine, loopback TCP, durable commits (orbitd default sync; "
          "PostgreSQL fsync=on, synchronous_commit=on)", flush=True)
    results = {}
    try:
        if "mixed" in TABLES:
            gen_mixed(files["mixed"])
        if "vector" in TABLES:
            gen_vec(files["vec_orbit"], "[]")
            gen_vec(files["vec_postgres"], "{}")
        for f in files.values():
            if os.path.exists(f):
                os.chmod(f, 0o644)
        if ONLY in ("", "orbit"):
            if not os.access(orbitd, os.X_OK):
                sys.exit("orbitd not found: %s (build with -DCMAKE_BUILD_TYPE=Release)" % orbitd)
            extra = shlex.split(os.environ.get("ORBIT_ARGS", ""))
            results["orbit"] = bench("orbit", h.Orbitd(orbitd, extra,
                                                       threads=os.cpu_count() or 2), files)
        if ONLY in ("", "postgres"):
            results["postgres"] = bench("postgres", h.RefPostgres(fsync=True), files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for t in TABLES:
        for name, res in results.items():
            print("%-8s %-7s %10.0f rows/s  (runs: %s)" % (name, t, statistics.median(res[t]),
                                                         ", ".join("%.0f" % r for r in res[t])))
        if len(results) == 2:
            print("ratio orbit/pg %-7s %.2f" % (t, statistics.median(results["orbit"][t])
                                                / statistics.median(results["postgres"][t])))


if __name__ == "__main__":
    main()
