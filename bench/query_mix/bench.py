"""Driver for bench/query_mix/run.sh (see bench/README.md)."""

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

N = int(os.environ.get("N", "1000000"))
NB = max(N // 10, 10)
RUNS = int(os.environ.get("RUNS", "3"))
SECS = int(os.environ.get("SECS", "5"))
MODE = os.environ.get("MODE", "prepared")
LOAD_BATCH = int(os.environ.get("LOAD_BATCH", "5000"))
ONLY = os.environ.get("ONLY", "")


def _queries():
    """(label, script in this folder, rows come in the query's own total order, the parameter
    sets with which both servers' rows are compared). The group by is timed in Python, the
    others with pgbench."""
    return [
        ("point pk", "point_pk.sql", False, [{"id": v} for v in (1, N // 2, N)]),
        ("point secondary idx", "point_k.sql", False, [{"k": v} for v in (0, N // 3, N - 1)]),
        ("range id>= LIMIT 10", "range_limit.sql", True,
         [{"id": v} for v in (1, N // 2, N - 5)]),
        ("join a JOIN b (10 rows)", "join.sql", False, [{"id": v} for v in (1, NB // 2, NB - 9)]),
        ("join b JOIN a (same)", "join_ba.sql", False, [{"id": v} for v in (1, NB // 2, NB - 9)]),
        ("group by grp (%d rows)" % N, "group_by.sql", False, [{}]),
    ]


QUERIES = _queries()
QUERIES_PARAMS = {q[1]: q[3] for q in QUERIES}
GROUP_BY = "group_by.sql"


def query_text(script):
    """The SQL line of a pgbench script (the lines that are not meta-commands)."""
    with open(os.path.join(HERE, script)) as f:
        return " ".join(l.strip() for l in f if l.strip() and not l.startswith("\\"))


def substitute(sql, params):
    for k, v in sorted(params.items(), key=lambda kv: -len(kv[0])):
        sql = re.sub(r":%s\b" % re.escape(k), str(v), sql)
    return sql


def psql(port, sql, timeout=3600):
    """Runs SQL through psql -X -v ON_ERROR_STOP=1 -A -t; returns (ok, output)."""
    rc, out = h.run_psql(port, ["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-F", "|"],
                         input_text=sql, timeout=timeout)
    return rc == 0, out


def load(port):
    """DDL, then N + N/10 rows with INSERT ... SELECT generate_series in LOAD_BATCH batches,
    through one psql session in autocommit. Returns (seconds, error or None)."""
    with open(os.path.join(HERE, "schema.sql")) as f:
        ok, out = psql(port, f.read())
    if not ok:
        return None, "schema.sql failed: %s" % out.strip()
    stmts = []
    for lo in range(1, N + 1, LOAD_BATCH):
        hi = min(lo + LOAD_BATCH - 1, N)
        stmts.append("INSERT INTO bench_a SELECT g, (g::bigint * 7919) %% %d, g %% 100, "
                     "'value-' || g FROM generate_series(%d, %d) g;" % (N, lo, hi))
    for lo in range(1, NB + 1, LOAD_BATCH):
        hi = min(lo + LOAD_BATCH - 1, NB)
        stmts.append("INSERT INTO bench_b SELECT g, (g::bigint * 7919) %% %d + 1, g %% 1000 "
                     "FROM generate_series(%d, %d) g;" % (N, lo, hi))
    t0 = time.perf_counter()
    ok, out = psql(port, "\n".join(stmts) + "\n")
    elapsed = time.perf_counter() - t0
    if not ok:
        return None, "load failed: %s" % out.strip()[-2000:]
    ok, out = psql(port, "SELECT count(*) FROM bench_a; SELECT count(*) FROM bench_b;")
    counts = out.split()
    if not ok or counts != [str(N), str(NB)]:
        return None, "after load, counts are %r, expected [%d, %d]" % (out.strip(), N, NB)
    return elapsed, None


def capture(port, outdir):
    """Runs every query once per verification parameter with psql; writes one file per query.
    Rows of queries without their own total order are sorted. Returns {script: error}."""
    errors = {}
    for _, script, ordered, params in QUERIES:
        chunks = []
        for p in params:
            sql = substitute(query_text(script), p)
            ok, out = psql(port, sql + "\n", timeout=600)
            if not ok:
                errors[script] = "%s\n  -> %s" % (sql, out.strip())
                break
            lines = out.splitlines()
            if not ordered:
                lines.sort()
            chunks.append("-- %s\n%s\n" % (sql, "\n".join(lines)))
        with open(os.path.join(outdir, script + ".out"), "w") as f:
            f.write("".join(chunks))
    return errors


def pgbench(port, script):
    """RUNS pgbench runs; returns ([(latency ms, tps)], error or None)."""
    runs = []
    for _ in range(RUNS):
        cmd = [shutil.which("pgbench") or "pgbench", "-n", "-M", MODE, "-c", "1", "-T", str(SECS),
               "-D", "n=%d" % N, "-D", "nb=%d" % NB, "-f", os.path.join(HERE, script),
               "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "postgres"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=h.client_env())
        lat = re.search(r"latency average = ([0-9.]+) ms", r.stdout)
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", r.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
        if r.returncode != 0 or not lat or not tps or (failed and int(failed.group(1))):
            err = [l for l in r.stdout.splitlines() if "ERROR" in l or "abort" in l
                   or "error" in l.lower()]
            return runs, "pgbench %s: %s" % (script, "\n  ".join(err or r.stdout.splitlines()))
        runs.append((float(lat.group(1)), float(tps.group(1))))
    return runs, None


def timed_python(port, script):
    """RUNS executions with psycopg2 (one connection, execute + fetchall); returns
    ([(latency ms, 1000/latency)], error or None)."""
    sql = query_text(script)
    runs = []
    try:
        conn = h.connect(port)
        conn.autocommit = True
        cur = conn.cursor()
        for _ in range(RUNS):
            t0 = time.perf_counter()
            cur.execute(sql)
            cur.fetchall()
            ms = (time.perf_counter() - t0) * 1000.0
            runs.append((ms, 1000.0 / ms))
        conn.close()
    except Exception as e:  # noqa: BLE001 - report the server's error as is
        return runs, "%s: %s" % (sql, str(e).strip())
    return runs, None


def bench(name, server, outdir):
    res = {"load": None, "errors": {}, "runs": {}}
    print("[%s] starting" % name, flush=True)
    server.start()
    try:
        secs, err = load(server.port)
        if err:
            res["errors"]["load"] = err
            print("[%s] %s" % (name, err), flush=True)
            return res
        res["load"] = secs
        print("[%s] loaded %d + %d rows in %.1f s" % (name, N, NB, secs), flush=True)
        if name == "postgres":
            t0 = time.perf_counter()
            psql(server.port, "ANALYZE;\n")
            print("[postgres] ANALYZE (not in the load time): %.1f s"
                  % (time.perf_counter() - t0), flush=True)
        res["errors"].update(capture(server.port, outdir))
        for label, script, _, _ in QUERIES:
            if script in res["errors"]:
                continue
            if script == GROUP_BY:
                runs, err = timed_python(server.port, script)
            else:
                runs, err = pgbench(server.port, script)
            res["runs"][script] = runs
            if err:
                res["errors"][script] = err
            print("[%s] %-28s %s%s" % (name, label, ", ".join("%.3f ms" % r[0] for r in runs),
                                        ("  ERROR " + err) if err else ""), flush=True)
    finally:
        server.stop()
        server.cleanup()
    return res


def diff(a, b):
    r = subprocess.run(["diff", "-u", a, b], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return r.returncode, r.stdout


def med(runs):
    return statistics.median(r[0] for r in runs) if runs else None


def main():
    orbitd = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="orbit-bench-qm-")
    print("query_mix: bench_a %d rows (PK id, index on k), bench_b %d rows; pgbench -n -M %s "
          "-c 1 -T %d per run, %d runs per query, median; group by timed in Python "
          "(psycopg2, execute + fetch), %d runs, median" % (N, NB, MODE, SECS, RUNS, RUNS))
    print("both servers on this machine, loopback TCP, durable commits (orbitd default sync; "
          "PostgreSQL fsync=on, synchronous_commit=on)", flush=True)
    results = {}
    try:
        if ONLY in ("", "orbit"):
            if not os.access(orbitd, os.X_OK):
                sys.exit("orbitd not found: %s (build with -DCMAKE_BUILD_TYPE=Release)" % orbitd)
            extra = shlex.split(os.environ.get("ORBIT_ARGS", ""))
            d = os.path.join(tmp, "orbit")
            os.mkdir(d)
            results["orbit"] = bench("orbit", h.Orbitd(orbitd, extra,
                                                       threads=os.cpu_count() or 2), d)
        if ONLY in ("", "postgres"):
            d = os.path.join(tmp, "postgres")
            os.mkdir(d)
            results["postgres"] = bench("postgres", h.RefPostgres(fsync=True), d)

        same = {}
        if len(results) == 2:
            for _, script, _, _ in QUERIES:
                if any(script in r["errors"] or r["load"] is None for r in results.values()):
                    same[script] = "-"
                    continue
                rc, out = diff(os.path.join(tmp, "postgres", script + ".out"),
                               os.path.join(tmp, "orbit", script + ".out"))
                with open(os.path.join(tmp, "postgres", script + ".out")) as f:
                    nrows = sum(1 for l in f if l.strip() and not l.startswith("-- "))
                same[script] = ("yes (%d rows, %d params)" % (nrows, len(QUERIES_PARAMS[script]))
                                if rc == 0 else "MISMATCH")
                if rc != 0:
                    print("MISMATCH %s (diff -u postgres orbit):\n%s" % (script, out[:4000]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    for name, r in results.items():
        print("%-8s load: %s" % (name, "%.1f s (%.0f rows/s)" % (r["load"], (N + NB) / r["load"])
                                  if r["load"] else "FAILED"))
    print()
    print("latency in ms, median of %d runs; ratio = orbit latency / pg latency "
          "(above 1 means Orbit is slower)" % RUNS)
    hdr = "%-28s | %16s | %16s | %14s | %s" % ("query", "orbit latency ms", "pg latency ms",
                                               "ratio orbit/pg", "same rows")
    print(hdr)
    print("-" * len(hdr))
    for label, script, _, _ in QUERIES:
        cells = []
        for name in ("orbit", "postgres"):
            r = results.get(name)
            if r is None:
                cells.append("-")
            elif script in r["errors"] or r["load"] is None:
                cells.append("ERROR")
            else:
                cells.append("%.3f" % med(r["runs"][script]))
        try:
            ratio = "%.2f" % (float(cells[0]) / float(cells[1]))
        except ValueError:
            ratio = "-"
        print("%-28s | %16s | %16s | %14s | %s" % (label, cells[0], cells[1], ratio,
                                                   same.get(script, "-")))
    print()
    print("each run (latency ms / tps; for the group by, tps = 1000 / latency):")
    for label, script, _, _ in QUERIES:
        for name, r in results.items():
            runs = r["runs"].get(script, [])
            print("  %-28s %-8s %s" % (label, name, ",  ".join("%.3f / %.1f" % x for x in runs)
                                       or "-"))
    errs = [(name, k, v) for name, r in results.items() for k, v in r["errors"].items()]
    if errs:
        print()
        print("errors:")
        for name, k, v in errs:
            print("  [%s] %s: %s" % (name, k, v))
    for label, script, _, _ in QUERIES:
        if same.get(script) == "MISMATCH":
            print("MISMATCH: %s (%s) returned different rows on orbit and postgres"
                  % (label, query_text(script)))
    if errs or "MISMATCH" in same.values():
        sys.exit(1)


if __name__ == "__main__":
    main()
