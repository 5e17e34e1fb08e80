"""Driver for bench/pgbench/run.sh (see bench/README.md)."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import orbit_harness as h  # noqa: E402

SCALE = int(os.environ.get("SCALE", "10"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
JOBS = int(os.environ.get("JOBS", "2"))
SECS = int(os.environ.get("SECS", "30"))
INIT_STEPS = os.environ.get("INIT_STEPS", "dtgvp")
ONLY = os.environ.get("ONLY", "")

# (label, extra pgbench arguments)
WORKLOADS = [
    ("tpcb simple", ["-M", "simple"]),
    ("tpcb prepared", ["-M", "prepared"]),
    ("select-only", ["-S", "-M", "simple"]),
]


def pgbench(port, args, timeout=None):
    cmd = [shutil.which("pgbench") or "pgbench", "-h", "127.0.0.1", "-p", str(port),
           "-U", "postgres"] + args + ["postgres"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=h.client_env(), timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), r.stdout[-3000:]))
    return r.stdout


def psql_value(port, sql):
    code, out = h.run_psql(port, ["-At", "-c", sql])
    if code != 0:
        raise RuntimeError("psql failed on %s: %s" % (sql, out))
    return out.strip()


def invariant(port):
    return psql_value(port, "SELECT (SELECT sum(abalance) FROM pgbench_accounts) || ' ' || "
                            "(SELECT sum(bbalance) FROM pgbench_branches) || ' ' || "
                            "(SELECT sum(tbalance) FROM pgbench_tellers)")


def run_workload(port, args):
    out = pgbench(port, ["-c", str(CLIENTS), "-j", str(JOBS), "-T", str(SECS)] + args,
                  timeout=SECS * 4 + 600)
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    lat = re.search(r"latency average = ([0-9.]+) ms", out)
    done = re.search(r"number of transactions actually processed: (\d+)", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if not (tps and lat and done):
        raise RuntimeError("unexpected pgbench output:\n%s" % out)
    nfailed = int(failed.group(1)) if failed else 0
    if nfailed or "aborted" in out:
        raise RuntimeError("pgbench reported failures or aborted clients:\n%s" % out)
    return float(tps.group(1)), float(lat.group(1)), int(done.group(1))


def bench(server, name):
    server.start()
    res = {}
    try:
        t0 = time.perf_counter()
        out = pgbench(server.port, ["-i", "-s", str(SCALE), "-q", "-I", INIT_STEPS])
        res["init"] = time.perf_counter() - t0
        m = re.search(r"done in [0-9.]+ s \((.*)\)", out)
        res["init_detail"] = m.group(1) if m else ""
        for label, args in WORKLOADS:
            res[label] = run_workload(server.port, args)
            print("  %-8s %-14s tps %10.1f   latency %8.3f ms   (%d transactions)"
                  % (name, label, res[label][0], res[label][1], res[label][2]), flush=True)
        inv = invariant(server.port).split()
        res["invariant"] = "ok" if len(inv) == 3 and len(set(inv)) == 1 else "BROKEN %s" % inv
    finally:
        server.stop()
        server.cleanup()
    return res


def main():
    orbitd = sys.argv[1]
    print("pgbench: -i -s %d -I %s; workloads -c %d -j %d -T %d: %s"
          % (SCALE, INIT_STEPS, CLIENTS, JOBS, SECS, ", ".join(w[0] for w in WORKLOADS)))
    print("both servers on this machine, one after the other, loopback TCP, durable commits "
          "(orbitd default sync; PostgreSQL fsync=on, synchronous_commit=on)", flush=True)
    results = {}
    if ONLY in ("", "orbit"):
        if not os.access(orbitd, os.X_OK):
            sys.exit("orbitd not found: %s (build with -DCMAKE_BUILD_TYPE=Release)" % orbitd)
        extra = shlex.split(os.environ.get("ORBIT_ARGS", ""))
        results["orbit"] = bench(h.Orbitd(orbitd, extra, threads=os.cpu_count() or 2), "orbit")
    if ONLY in ("", "postgres"):
        results["postgres"] = bench(h.RefPostgres(fsync=True), "postgres")
    print()
    print("%-14s %14s %14s %14s %14s %9s %9s" % ("", "orbit tps", "pg tps", "orbit lat ms",
                                                 "pg lat ms", "tps o/pg", "lat o/pg"))
    for label, _ in WORKLOADS:
        o = results.get("orbit", {}).get(label)
        p = results.get("postgres", {}).get(label)
        cell = lambda r, i, fmt: (fmt % r[i]) if r else "-"  # noqa: E731
        ratio_t = "%.2f" % (o[0] / p[0]) if o and p else "-"
        ratio_l = "%.2f" % (o[1] / p[1]) if o and p else "-"
        print("%-14s %14s %14s %14s %14s %9s %9s" % (label, cell(o, 0, "%.1f"), cell(p, 0, "%.1f"),
                                                     cell(o, 1, "%.3f"), cell(p, 1, "%.3f"),
                                                     ratio_t, ratio_l))
    for name, r in results.items():
        print("%-8s init %.1f s (%s); balance invariant after the runs: %s"
              % (name, r["init"], r["init_detail"], r["invariant"]))
    if len(results) == 2:
        print("ratio orbit/pg  init time: %.2f" % (results["orbit"]["init"] / results["postgres"]["init"]))
    if any(r["invariant"] != "ok" for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
