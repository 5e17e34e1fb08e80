"""Shared helpers for Orbit's integration tests.

- free_port(): a free TCP port on 127.0.0.1.
- Orbitd: start orbitd on free ports (pgwire `port`, RESP `resp_port`) with a temporary data directory, wait until it accepts
  connections, stop it (SIGTERM then SIGKILL), kill -9 it, restart it on the same data directory.
- RefPostgres: a throw-away PostgreSQL 15 cluster (Debian's postgresql-15) on a free port,
  run as the unprivileged `postgres` user when the tests run as root.
- PgWire: a tiny raw PostgreSQL v3 protocol client (struct.pack) for protocol-level tests.
- run_psql(): run psql against a port with a fixed, locale-independent environment.

Every helper ends only the processes it started, by PID, and removes its temporary
directories, also when a test fails (use the classes as context managers).

Set ORBIT_TEST_AGAINST_PG=1 (or pass "postgres" instead of the orbitd path) to run a test's
"orbit" side against a second reference PostgreSQL: that is how the harness itself is checked.
Set ORBIT_EXTRA_ARGS to append flags to every orbitd command line.
Set ORBIT_KEEP_TMP=1 to keep temporary directories (their paths are printed).
"""

import os
import pwd
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

PG_BIN = os.environ.get("ORBIT_PG_BIN", "/usr/lib/postgresql/15/bin")
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def log(msg):
    print(msg, flush=True)


def free_port():
    """A port that was free a moment ago on 127.0.0.1 (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_env():
    """Environment for psql/pg_isready/pgbench: no user PG* settings, C messages, UTF8."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8"
    env["LANG"] = "C.UTF-8"
    env["PGCLIENTENCODING"] = "UTF8"
    env["PGCONNECT_TIMEOUT"] = "10"
    env["PGTZ"] = "UTC"
    env["PAGER"] = "cat"
    env["PSQL_PAGER"] = "cat"
    return env


def keep_tmp():
    return os.environ.get("ORBIT_KEEP_TMP") == "1"


def against_pg(argv_binary=None):
    return os.environ.get("ORBIT_TEST_AGAINST_PG") == "1" or argv_binary == "postgres"


def _wait_ready(port, proc, what, log_path, timeout=READY_TIMEOUT):
    """Polls pg_isready until the server answers; fails fast if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with code %s before accepting connections\n%s"
                               % (what, proc.returncode, tail(log_path)))
        r = subprocess.run([shutil.which("pg_isready") or "pg_isready", "-q", "-h", "127.0.0.1",
                            "-p", str(port), "-U", "postgres", "-d", "postgres", "-t", "2"],
                           env=client_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("%s not ready on port %d after %.0fs\n%s"
                       % (what, port, timeout, tail(log_path)))


def tail(path, n=40):
    try:
        with open(path, "r", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return "(no log at %s)" % path
    return "---- last %d lines of %s ----\n%s" % (n, path, "".join(lines[-n:]))


def _stop_pid(proc, sig=signal.SIGTERM, timeout=STOP_TIMEOUT, group=False):
    """Sends sig to the process we started, waits, then SIGKILLs it. Returns the exit code."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        if group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log("process %d did not exit within %.0fs of signal %d; sending SIGKILL"
            % (proc.pid, timeout, sig))
        try:
            if group:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return proc.wait()


# ---------------------------------------------------------------------------------------------
# orbitd
# ---------------------------------------------------------------------------------------------

class Orbitd:
    """An orbitd on a free loopback port with its own temporary data directory."""

    def __init__(self, binary, extra_args=None, threads=2):
        self.binary = os.path.abspath(binary)
        self.extra_args = list(extra_args or [])
        self.extra_args += shlex.split(os.environ.get("ORBIT_EXTRA_ARGS", ""))
        self.threads = threads
        self.tmp = tempfile.mkdtemp(prefix="orbit-it-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "orbitd.log")
        self.port = None
        self.resp_port = None
        self.proc = None
        self.starts = 0

    name = "orbitd"

    def command(self):
        return [self.binary, "--data-dir", self.data_dir, "--listen", "127.0.0.1",
                "--port", str(self.port), "--resp-port", str(self.resp_port),
                "--threads", str(self.threads)] + self.extra_args

    def start(self):
        if self.port is None:
            self.port = free_port()
        if self.resp_port is None:
            self.resp_port = free_port()
            while self.resp_port == self.port:
                self.resp_port = free_port()
        self.starts += 1
        logf = open(self.log_path, "a")
        logf.write("==== start %d: %s\n" % (self.starts, " ".join(self.command())))
        logf.flush()
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        self.proc = subprocess.Popen(self.command(), stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.tmp, env=env,
                                     start_new_session=True)
        logf.close()
        _wait_ready(self.port, self.proc, "orbitd", self.log_path)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then SIGKILL after timeout. Returns the exit code (None if not running)."""
        if self.proc is None:
            return None
        code = _stop_pid(self.proc, signal.SIGTERM, timeout)
        return code

    def kill9(self):
        if self.proc is None:
            return None
        return _stop_pid(self.proc, signal.SIGKILL, 10)

    def restart(self):
        """Starts again on the same data directory and port."""
        if self.alive():
            self.stop()
        # The old socket may linger in TIME_WAIT; orbitd should set SO_REUSEADDR. If the
        # port was taken by someone else meanwhile, pick a new one.
        if not _port_bindable(self.port):
            self.port = free_port()
        if not _port_bindable(self.resp_port):
            self.resp_port = free_port()
        return self.start()

    def log_text(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def sanitizer_reports(self):
        return [l for l in self.log_text().splitlines()
                if "AddressSanitizer" in l or "runtime error:" in l
                or "LeakSanitizer" in l or "UndefinedBehaviorSanitizer" in l]

    def cleanup(self):
        if self.alive():
            self.kill9()
        if keep_tmp():
            log("kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


def _port_bindable(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


# ---------------------------------------------------------------------------------------------
# reference PostgreSQL 15
# ---------------------------------------------------------------------------------------------

def _pg_user():
    """(uid, gid) to run PostgreSQL as: ourselves, or the `postgres` system user when root."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--home-dir",
                        "/var/lib/postgresql", "--shell", "/bin/bash", "postgres"], check=True)
        pw = pwd.getpwnam("postgres")
    return pw.pw_uid, pw.pw_gid


class RefPostgres:
    """A throw-away PostgreSQL 15 cluster: initdb into a temp dir, postgres on a free port."""

    name = "postgres"

    def __init__(self, fsync=False, extra_conf=None):
        self.fsync = fsync
        self.extra_conf = list(extra_conf or [])
        self.tmp = tempfile.mkdtemp(prefix="orbit-pg-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.sock_dir = self.tmp
        self.log_path = os.path.join(self.tmp, "postgres.log")
        self.port = None
        self.proc = None
        self.ids = _pg_user()
        if self.ids:
            os.chown(self.tmp, *self.ids)
        self._initdb()

    def _popen_kwargs(self):
        kw = dict(cwd=self.tmp, stdin=subprocess.DEVNULL)
        env = client_env()
        env["HOME"] = self.tmp
        kw["env"] = env
        if self.ids:
            kw["user"] = self.ids[0]
            kw["group"] = self.ids[1]
            kw["extra_groups"] = []
        return kw

    def _initdb(self):
        with open(self.log_path, "ab") as logf:
            r = subprocess.run([os.path.join(PG_BIN, "initdb"), "-D", self.data_dir,
                                "--locale=C", "-E", "UTF8", "-A", "trust", "-U", "postgres",
                                "--no-sync"],
                               stdout=logf, stderr=subprocess.STDOUT, **self._popen_kwargs())
        if r.returncode != 0:
            raise RuntimeError("initdb failed\n" + tail(self.log_path))

    def start(self):
        if self.port is None:
            self.port = free_port()
        cmd = [os.path.join(PG_BIN, "postgres"), "-D", self.data_dir, "-p", str(self.port),
               "-c", "listen_addresses=127.0.0.1", "-k", self.sock_dir,
               "-c", "timezone=UTC", "-c", "datestyle=ISO, MDY",
               "-c", "fsync=%s" % ("on" if self.fsync else "off"),
               "-c", "max_connections=100", "-c", "shared_buffers=128MB",
               "-c", "log_min_messages=warning"]
        # fsync=off still writes WAL to the OS before a commit is acknowledged, so a kill -9
        # of PostgreSQL (not of the machine) loses nothing: test_kill9 can self-check on it.
        for c in self.extra_conf:
            cmd += ["-c", c]
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                     start_new_session=True, **self._popen_kwargs())
        logf.close()
        _wait_ready(self.port, self.proc, "postgres", self.log_path)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        # SIGINT is PostgreSQL's "fast" shutdown (SIGTERM waits for clients to leave).
        if self.proc is None:
            return None
        return _stop_pid(self.proc, signal.SIGINT, timeout, group=False)

    def kill9(self):
        # Kill the postmaster and its backends (its process group, which we created), or the
        # orphaned backends would keep the shared memory and block a restart.
        if self.proc is None:
            return None
        return _stop_pid(self.proc, signal.SIGKILL, 10, group=True)

    def restart(self):
        if self.alive():
            self.stop()
        return self.start()

    def sanitizer_reports(self):
        return []

    def log_text(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        if self.alive():
            self.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.kill9()
        if keep_tmp():
            log("kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


def server_under_test(argv, extra_args=None):
    """The server a test drives: orbitd from argv[1], or a second PostgreSQL for self-checks."""
    binary = argv[1] if len(argv) > 1 else os.environ.get("ORBITD")
    if against_pg(binary):
        return RefPostgres()
    if not binary:
        sys.exit("usage: %s <path-to-orbitd>" % argv[0])
    if not os.access(binary, os.X_OK):
        sys.exit("orbitd not found or not executable: %s" % binary)
    return Orbitd(binary, extra_args)


# ---------------------------------------------------------------------------------------------
# psql
# ---------------------------------------------------------------------------------------------

def run_psql(port, args, input_text=None, timeout=120):
    """Runs psql -X against 127.0.0.1:port; returns (exit code, stdout+stderr merged)."""
    cmd = [shutil.which("psql") or "psql", "-X", "-h", "127.0.0.1", "-p", str(port),
           "-U", "postgres", "-d", "postgres"] + list(args)
    try:
        r = subprocess.run(cmd, input=input_text, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=client_env(), timeout=timeout,
                           text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -1, out + "\n(psql timed out after %ds)\n" % timeout
    return r.returncode, r.stdout


def connect(port, **kw):
    """A psycopg2 connection to 127.0.0.1:port (imported lazily)."""
    import psycopg2
    return psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                            connect_timeout=10, **kw)


# ---------------------------------------------------------------------------------------------
# raw protocol v3
# ---------------------------------------------------------------------------------------------

PROTOCOL_V3 = 196608
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102

OID_BOOL, OID_BYTEA, OID_INT8, OID_INT2, OID_INT4, OID_TEXT = 16, 17, 20, 21, 23, 25
OID_FLOAT4, OID_FLOAT8, OID_VARCHAR, OID_NUMERIC = 700, 701, 1043, 1700


def cstr(s):
    return s.encode() + b"\0"


def startup_packet(params):
    body = struct.pack("!i", PROTOCOL_V3)
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def msg(t, payload=b""):
    return t + struct.pack("!i", len(payload) + 4) + payload


def query_msg(sql):
    return msg(b"Q", cstr(sql))


def parse_msg(sql, name="", param_oids=()):
    return msg(b"P", cstr(name) + cstr(sql) + struct.pack("!h", len(param_oids))
               + b"".join(struct.pack("!I", o) for o in param_oids))


def bind_msg(params=(), portal="", stmt="", param_formats=(), result_formats=()):
    """params: list of bytes or None (NULL), already encoded in the chosen format."""
    p = cstr(portal) + cstr(stmt)
    p += struct.pack("!h", len(param_formats)) + b"".join(struct.pack("!h", f)
                                                          for f in param_formats)
    p += struct.pack("!h", len(params))
    for v in params:
        if v is None:
            p += struct.pack("!i", -1)
        else:
            p += struct.pack("!i", len(v)) + v
    p += struct.pack("!h", len(result_formats)) + b"".join(struct.pack("!h", f)
                                                           for f in result_formats)
    return msg(b"B", p)


def describe_msg(kind, name=""):
    return msg(b"D", kind + cstr(name))


def execute_msg(portal="", max_rows=0):
    return msg(b"E", cstr(portal) + struct.pack("!i", max_rows))


def close_msg(kind, name=""):
    return msg(b"C", kind + cstr(name))


def sync_msg():
    return msg(b"S")


def flush_msg():
    return msg(b"H")


def terminate_msg():
    return msg(b"X")


def parse_fields(payload):
    """ErrorResponse / NoticeResponse fields as a dict keyed by the one-letter code."""
    out = {}
    i = 0
    while i < len(payload) and payload[i] != 0:
        code = chr(payload[i])
        j = payload.index(b"\0", i + 1)
        out[code] = payload[i + 1:j].decode(errors="replace")
        i = j + 1
    return out


def parse_row_description(payload):
    n = struct.unpack("!h", payload[:2])[0]
    i = 2
    cols = []
    for _ in range(n):
        j = payload.index(b"\0", i)
        name = payload[i:j].decode()
        table_oid, attnum, type_oid, typlen, typmod, fmt = struct.unpack("!IhIhih",
                                                                        payload[j + 1:j + 19])
        cols.append(dict(name=name, table_oid=table_oid, attnum=attnum, type_oid=type_oid,
                         typlen=typlen, typmod=typmod, format=fmt))
        i = j + 19
    return cols


def parse_data_row(payload):
    n = struct.unpack("!h", payload[:2])[0]
    i = 2
    vals = []
    for _ in range(n):
        ln = struct.unpack("!i", payload[i:i + 4])[0]
        i += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(payload[i:i + ln])
            i += ln
    return vals


def tag_of(payload):
    return payload.rstrip(b"\0").decode()


class PgWire:
    """A raw protocol v3 connection. Messages are (type byte, payload bytes)."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.params = {}
        self.backend_key = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk

    def read_byte(self):
        self._fill(1)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_msg(self):
        self._fill(5)
        t = self.buf[:1]
        ln = struct.unpack("!i", self.buf[1:5])[0]
        if ln < 4 or ln > 1 << 30:
            raise ValueError("bad length %d from server for message %r" % (ln, t))
        self._fill(1 + ln)
        payload = self.buf[5:1 + ln]
        self.buf = self.buf[1 + ln:]
        return t, payload

    def read_until(self, types):
        """Reads messages until one whose type is in types; returns all of them."""
        out = []
        while True:
            m = self.read_msg()
            out.append(m)
            if m[0] in types:
                return out

    def read_until_ready(self):
        return self.read_until((b"Z",))

    def startup(self, user="postgres", database="postgres", **extra):
        params = {"user": user, "database": database}
        params.update(extra)
        self.send(startup_packet(params))
        msgs = self.read_until((b"Z", b"E"))
        for t, p in msgs:
            if t == b"S":
                k, v = p.split(b"\0")[:2]
                self.params[k.decode()] = v.decode()
            elif t == b"K":
                self.backend_key = struct.unpack("!ii", p)
            elif t == b"E":
                raise RuntimeError("startup failed: %r" % parse_fields(p))
        return msgs

    def simple(self, sql):
        """Sends a simple Query and returns the messages up to ReadyForQuery."""
        self.send(query_msg(sql))
        return self.read_until_ready()

    def is_closed(self, timeout=5.0):
        """True if the server closes the connection (EOF or reset) within timeout, reading
        and discarding whatever it sends first (e.g. an ErrorResponse)."""
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        return False


def summarize(msgs):
    """A compact, readable form of a message list for assertions and failure output."""
    out = []
    for t, p in msgs:
        if t == b"E":
            f = parse_fields(p)
            out.append(("E", f.get("C"), f.get("M")))
        elif t == b"N":
            f = parse_fields(p)
            out.append(("N", f.get("C"), f.get("M")))
        elif t == b"T":
            out.append(("T", tuple(c["name"] for c in parse_row_description(p))))
        elif t == b"D":
            out.append(("D", tuple(None if v is None else v.decode(errors="replace")
                                   for v in parse_data_row(p))))
        elif t == b"C":
            out.append(("C", tag_of(p)))
        elif t == b"Z":
            out.append(("Z", p.decode()))
        else:
            out.append((t.decode(errors="replace"),))
    return out


# ---------------------------------------------------------------------------------------------
# tiny check framework
# ---------------------------------------------------------------------------------------------

class Checks:
    """Runs named checks, prints PASS/FAIL per check and `N passed, M failed` at the end."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            self.failed += 1
            log("FAIL %s: %s: %s" % (name, type(e).__name__, e))
            return False
        self.passed += 1
        log("PASS %s" % name)
        return True

    def ok(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            log("PASS %s" % name)
        else:
            self.failed += 1
            log("FAIL %s%s" % (name, (": " + detail) if detail else ""))
        return cond

    def finish(self):
        log("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_eq(got, want, what=""):
    if got != want:
        raise AssertionError("%sgot %r, want %r" % ((what + ": ") if what else "", got, want))
