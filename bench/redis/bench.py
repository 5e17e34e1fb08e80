"""Driver for bench/redis/run.sh (see bench/README.md)."""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import orbit_harness as h  # noqa: E402

TESTS = os.environ.get("TESTS", "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,zadd,mset")
REQUESTS = int(os.environ.get("REQUESTS", "100000"))
CLIENTS = int(os.environ.get("CLIENTS", "50"))
PIPELINES = [int(p) for p in os.environ.get("PIPELINES", "1 16").split()]
RUNS = int(os.environ.get("RUNS", "3"))
KEYSPACE = int(os.environ.get("KEYSPACE", "100000"))
ONLY = os.environ.get("ONLY", "")


class RedisServer:
    """A redis-server on a free loopback port with its own directory."""

    def __init__(self, persist, fsync="always"):
        self.persist = persist
        self.fsync = fsync
        self.proc = None
        self.tmp = None
        self.port = None

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="orbit-bench-redis-")
        self.port = h.free_port()
        args = [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
                "--bind", "127.0.0.1", "--dir", self.tmp, "--save", ""]
        if self.persist:
            args += ["--appendonly", "yes", "--appendfsync", self.fsync]
        else:
            args += ["--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(30)
            self.proc = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def wait_port(port, proc, secs=30):
    deadline = time.time() + secs
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not accept connections on port %d" % port)


def flush(port):
    subprocess.run([shutil.which("redis-cli") or "redis-cli", "-p", str(port), "FLUSHALL"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def redis_benchmark(port, pipeline):
    """ops/s per test name (lower case), or the error text when a test failed."""
    cmd = [shutil.which("redis-benchmark") or "redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
           "-t", TESTS, "-n", str(REQUESTS), "-c", str(CLIENTS), "-P", str(pipeline),
           "-r", str(KEYSPACE), "--csv"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=3600)
    out = {}
    for line in r.stdout.splitlines():
        cells = [c.strip('"') for c in line.split('","')]
        if len(cells) < 2 or cells[0] == "test":
            if "ERR" in line or "Error" in line:
                out.setdefault("_errors", []).append(line.strip())
            continue
        name = cells[0].split()[0].lower()
        try:
            out[name] = float(cells[1])
        except ValueError:
            out.setdefault("_errors", []).append(line.strip())
    if r.returncode != 0:
        out.setdefault("_errors", []).append("redis-benchmark exited %d" % r.returncode)
    return out


def main():
    orbitd = sys.argv[1]
    names = [t.strip().lower() for t in TESTS.split(",")]
    print("redis-benchmark -t %s -n %d -c %d -r %d, pipelines %s, median of %d runs; loopback TCP"
          % (TESTS, REQUESTS, CLIENTS, KEYSPACE, PIPELINES, RUNS))
    print("orbit: RESP port, default appendfsync always (WAL synced before replies, one sync per "
          "batch); orbit-everysec: --appendfsync everysec; redis: appendonly yes + appendfsync "
          "always; redis-everysec; redis-nopersist: no AOF, no RDB", flush=True)
    servers = []
    if ONLY in ("", "orbit"):
        if not os.access(orbitd, os.X_OK):
            sys.exit("orbitd not found: %s (build with -DCMAKE_BUILD_TYPE=Release)" % orbitd)
        servers.append(("orbit", lambda: h.Orbitd(orbitd, [], threads=os.cpu_count() or 2)))
    if ONLY in ("", "orbit-everysec"):
        servers.append(("orbit-everysec", lambda: h.Orbitd(orbitd, ["--appendfsync", "everysec"],
                                                           threads=os.cpu_count() or 2)))
    if ONLY in ("", "redis"):
        servers.append(("redis", lambda: RedisServer(True)))
    if ONLY in ("", "redis-everysec"):
        servers.append(("redis-everysec", lambda: RedisServer(True, "everysec")))
    if ONLY in ("", "redis-nopersist"):
        servers.append(("redis-nopersist", lambda: RedisServer(False)))
    # results[server][pipeline][test] = [ops/s per run]
    results = {name: {p: {t: [] for t in names} for p in PIPELINES} for name, _ in servers}
    errors = {}
    for run in range(RUNS):
        for name, make in servers:  # alternate servers so load changes hit all of them
            srv = make()
            srv.start()
            port = srv.resp_port if name.startswith("orbit") else srv.port
            try:
                for p in PIPELINES:
                    flush(port)
                    got = redis_benchmark(port, p)
                    for t in names:
                        if t in got:
                            results[name][p][t].append(got[t])
                    if got.get("_errors"):
                        errors.setdefault((name, p), set()).update(got["_errors"][:5])
                    print("  run %d %-16s -P %-3d %s" % (run + 1, name, p, "  ".join(
                        "%s %.0f" % (t, got[t]) for t in names if t in got)), flush=True)
            finally:
                srv.stop()
                if name.startswith("orbit"):
                    srv.cleanup()
    med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
    pairs = [("orbit", "redis"), ("orbit-everysec", "redis-everysec"), ("orbit", "redis-nopersist"),
             ("orbit-everysec", "redis-nopersist")]
    cols = [name for name, _ in servers]
    pairs = [(a, b) for a, b in pairs if a in cols and b in cols]
    for p in PIPELINES:
        print("\n-P %d (ops/s, median of %d runs)" % (p, RUNS))
        hdr = "%-8s" % "test" + "".join("%16s" % c for c in cols)
        hdr += "".join("%22s" % ("%s/%s" % (a.replace("orbit", "o"), b.replace("redis", "r"))) for a, b in pairs)
        print(hdr)
        for t in names:
            vals = {c: med(results[c][p][t]) for c in cols}
            line = "%-8s" % t + "".join("%16s" % ("%.0f" % vals[c] if vals[c] else "-") for c in cols)
            for a, b in pairs:
                line += "%22s" % ("%.2f" % (vals[a] / vals[b]) if vals[a] and vals[b] else "-")
            print(line)
    for (name, p), errs in sorted(errors.items()):
        print("errors from %s at -P %d: %s" % (name, p, "; ".join(sorted(errs))))


if __name__ == "__main__":
    main()
