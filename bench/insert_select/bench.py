"""Driver for bench/insert_select/run.sh (see bench/README.md)."""

import os
import re
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

N = int(os.environ.get("N", "100000"))
BATCH = int(os.environ.get("BATCH", "1000"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
JOBS = int(os.environ.get("JOBS", "2"))
SECONDS = int(os.environ.get("SECONDS_PER_RUN", "10"))
RUNS = int(os.environ.get("RUNS", "3"))
MODE = os.environ.get("MODE", "simple")
ONLY = os.environ.get("ONLY", "")

DDL = "CREATE TABLE bench_kv (id bigint PRIMARY KEY, v text NOT NULL, n integer)"


def load(port):
    """Inserts N rows, BATCH per statement, one autocommit client; returns rows/s."""
    stmts = []
    for start in range(1, N + 1, BATCH):
        ids = range(start, min(start + BATCH, N + 1))
        stmts.append("INSERT INTO bench_kv VALUES "
                     + ",".join("(%d,'value-%08d',%d)" % (i, i, i % 1000) for i in ids))
    conn = h.connect(port)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(DDL)
    t0 = time.perf_counter()
    for s in stmts:
        cur.execute(s)
    elapsed = time.perf_counter() - t0
    cur.execute("SELECT count(*) FROM bench_kv")
    (count,) = cur.fetchone()
    conn.close()
    if count != N:
        raise RuntimeError("loaded %d rows, expected %d" % (count, N))
    return N / elapsed


def point_selects(port, script):
    """pgbench runs; returns the list of queries/s (one per run)."""
    out = []
    for _ in range(RUNS):
        cmd = [shutil.which("pgbench") or "pgbench", "-n", "-f", script, "-c", str(CLIENTS),
               "-j", str(JOBS), "-T", str(SECONDS), "-M", MODE, "-h", "127.0.0.1",
               "-p", str(port), "-U", "postgres", "postgres"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=h.client_env())
        m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", r.stdout)
        if r.returncode != 0 or not m:
            raise RuntimeError("pgbench failed:\n%s" % r.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
        if failed and int(failed.group(1)):
            raise RuntimeError("pgbench reported failed transactions:\n%s" % r.stdout)
        out.append(float(m.group(1)))
    return out


def bench(server, script):
    server.start()
    try:
        rows = load(server.port)
        qps = point_selects(server.port, script)
    finally:
        server.stop()
        server.cleanup()
    return rows, qps


def main():
    orbitd = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="orbit-bench-")
    script = os.path.join(tmp, "point_select.sql")
    with open(script, "w") as f:
        f.write("\\set id random(1, %d)\nSELECT v, n FROM bench_kv WHERE id = :id;\n" % N)
    os.chmod(tmp, 0o755)
    os.chmod(script, 0o644)
    print("insert_select: N=%d rows, %d rows per INSERT; point selects: pgbench -c %d -j %d "
          "-T %d -M %s, median of %d runs" % (N, BATCH, CLIENTS, JOBS, SECONDS, MODE, RUNS))
    print("both servers on this machine, loopback TCP, durable commits (orbitd default sync; "
          "PostgreSQL fsync=on, synchronous_commit=on)")
    results = {}
    try:
        if ONLY in ("", "orbit"):
            if not os.access(orbitd, os.X_OK):
                sys.exit("orbitd not found: %s (build with -DCMAKE_BUILD_TYPE=Release)" % orbitd)
            extra = shlex.split(os.environ.get("ORBIT_ARGS", ""))
            results["orbit"] = bench(h.Orbitd(orbitd, extra, threads=os.cpu_count() or 2),
                                     script)
        if ONLY in ("", "postgres"):
            results["postgres"] = bench(h.RefPostgres(fsync=True), script)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, (rows, qps) in results.items():
        print("%-8s insert: %10.0f rows/s   point select: %10.0f queries/s  (runs: %s)"
              % (name, rows, statistics.median(qps), ", ".join("%.0f" % q for q in qps)))
    if len(results) == 2:
        o, p = results["orbit"], results["postgres"]
        print("ratio orbit/pg  insert: %.2f   point select: %.2f"
              % (o[0] / p[0], statistics.median(o[1]) / statistics.median(p[1])))


if __name__ == "__main__":
    main()
