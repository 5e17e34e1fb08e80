/* bench/ann/ann.cpp — approximate nearest-neighbour benchmark: HNSW and IVFFlat through the
 * SQL path (orbitd over the PostgreSQL wire protocol, libpq) and through faiss in-process, on
 * the same deterministic clustered dataset; recall@10 against exact search, QPS, p50/p99
 * latency per ef_search / probes, build times, and the SQL/faiss QPS ratio at equal recall.
 * Built and run by run.sh (see bench/README.md, "ann"). Starts its own orbitd on a free
 * loopback port with a temporary data directory and removes both when done.
 *
 * Invariants: the dataset, queries and ground truth depend only on N, DIM, NQ, CLUSTERS and
 * SEED (own PRNG, no libc/libstdc++ distributions); coordinates are multiples of 1/1000 so the
 * text form '[...]' sent to orbitd parses back to exactly the floats faiss sees. */
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <libpq-fe.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

/* ---- knobs ------------------------------------------------------------------------------- */

long env_long(const char *name, long def) {
    const char *v = getenv(name);
    return v && *v ? strtol(v, nullptr, 10) : def;
}

double env_double(const char *name, double def) {
    const char *v = getenv(name);
    return v && *v ? strtod(v, nullptr) : def;
}

std::string env_str(const char *name, const char *def) {
    const char *v = getenv(name);
    return v && *v ? v : def;
}

std::vector<int> env_list(const char *name, const char *def) {
    std::string s = env_str(name, def);
    std::vector<int> out;
    for (char *p = &s[0]; *p;) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        out.push_back((int)n);
        p = end;
    }
    return out;
}

struct knobs {
    size_t n, dim, nq, clusters;
    int k = 10;
    int threads;
    uint64_t seed;
    double sigma;       /* noise around each centre (centres are N(0, 1) per coordinate) */
    double min_secs;    /* each sweep point repeats the query set until this much time passed */
    int runs;           /* sweeps per method (alternating raw faiss and SQL); medians reported */
    int lists;          /* IVFFlat lists */
    std::vector<int> efs, probes;
    std::string only;   /* "", "faiss" or "sql" */
    std::string load;   /* "auto", "copy" or "insert" */
    size_t batch;       /* rows per COPY / INSERT statement */
    std::string orbitd, orbit_args;
    bool keep_tmp;
};

knobs K;

void server_stop(); /* below: a failure must not leave the orbitd it started running */

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ann: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    server_stop();
    exit(1);
}

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/* ---- deterministic data ------------------------------------------------------------------ */

struct rng {
    uint64_t s;
    explicit rng(uint64_t seed) : s(seed) {}
    uint64_t next() { /* splitmix64 */
        uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return ((next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); } /* (0,1) */
    double gauss() { /* Box-Muller, one value per call (simple and reproducible) */
        double u = uniform(), v = uniform();
        return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
    }
};

/* a coordinate rounded to a multiple of 1/1000: its "%.3f" text parses back to the same float */
float quantise(double x) { return (float)(std::lround(x * 1000.0) / 1000.0); }

/* n points (and nq queries, drawn the same way from another stream) around `clusters`
 * gaussian centres */
void make_data(std::vector<float> &base, std::vector<float> &queries) {
    rng cr(K.seed);
    std::vector<double> centres(K.clusters * K.dim);
    for (auto &c : centres) c = cr.gauss();
    auto draw = [&](rng &r, float *out) {
        size_t c = (size_t)(r.next() % K.clusters);
        for (size_t j = 0; j < K.dim; j++) out[j] = quantise(centres[c * K.dim + j] + K.sigma * r.gauss());
    };
    base.resize(K.n * K.dim);
    queries.resize(K.nq * K.dim);
    rng br(K.seed + 1), qr(K.seed + 2);
    for (size_t i = 0; i < K.n; i++) draw(br, &base[i * K.dim]);
    for (size_t i = 0; i < K.nq; i++) draw(qr, &queries[i * K.dim]);
}

std::string vec_text(const float *v) {
    std::string s = "[";
    char buf[32];
    for (size_t j = 0; j < K.dim; j++) {
        snprintf(buf, sizeof buf, j ? ",%.3f" : "%.3f", (double)v[j]);
        s += buf;
    }
    s += "]";
    return s;
}

/* ---- measurement ------------------------------------------------------------------------- */

struct point {
    int param;
    double recall, qps, p50_ms, p99_ms;
    double cpu_ms = 0;  /* CPU per query: this process plus orbitd when it runs (both sides of
                         * the wire), so figures compare even when other work shares the cores */
    double agree = -1; /* SQL only: share of results equal to raw faiss at the same param */
};

double recall_of(const std::vector<int64_t> &got, const std::vector<int64_t> &gt) {
    size_t hit = 0;
    for (size_t q = 0; q < K.nq; q++) {
        const int64_t *g = &gt[q * K.k], *r = &got[q * K.k];
        for (int i = 0; i < K.k; i++)
            for (int j = 0; j < K.k; j++)
                if (r[i] >= 0 && r[i] == g[j]) {
                    hit++;
                    break;
                }
    }
    return (double)hit / (double)(K.nq * K.k);
}

double overlap_of(const std::vector<int64_t> &a, const std::vector<int64_t> &b) {
    return recall_of(a, b); /* same computation: share of a's results found in b */
}

pid_t server_pid(); /* orbitd's pid, or -1 */

/* CPU seconds used so far by this process and by orbitd (if running) */
double cpu_seconds() {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
               ru.ru_stime.tv_usec * 1e-6;
    pid_t pid = server_pid();
    if (pid > 0) {
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = 0;
            const char *p = strrchr(buf, ')'); /* fields after the command name */
            unsigned long ut = 0, st = 0;
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
                s += (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
        }
    }
    return s;
}

/* Runs the query set from K.threads threads, one query per call: a first pass whose results go
 * to *ids and which is not timed (it warms caches: the SQL side's rows, either side's memory),
 * then whole passes until K.min_secs have passed, timed. search(thread, q, out) fills
 * out[0..k) (-1 for missing) and returns false on failure. */
template <typename Fn>
point run_sweep_point(int param, Fn search, std::vector<int64_t> *ids) {
    ids->assign(K.nq * K.k, -1);
    std::vector<std::vector<double>> lat(K.threads);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    size_t passes = 0, done = 0;
    double c0 = cpu_seconds();
    double t0 = now(), elapsed = 0;
    do {
        next = 0;
        bool first = passes == 0;
        std::vector<std::thread> ts;
        for (int t = 0; t < K.threads; t++)
            ts.emplace_back([&, t, first]() {
                omp_set_num_threads(1);
                int64_t out[64];
                for (;;) {
                    size_t q = next++;
                    if (q >= K.nq || failed) break;
                    double a = now();
                    if (!search(t, q, out)) {
                        failed = true;
                        break;
                    }
                    lat[t].push_back(now() - a);
                    if (first) std::copy(out, out + K.k, &(*ids)[q * K.k]);
                }
            });
        for (auto &th : ts) th.join();
        if (failed) die("search failed at param %d", param);
        passes++;
        if (first) { /* the warm-up pass: start timing now */
            for (auto &l : lat) l.clear();
            c0 = cpu_seconds();
            t0 = now();
            continue;
        }
        done += K.nq;
        elapsed = now() - t0;
    } while (passes < 2 || elapsed < K.min_secs);
    std::vector<double> all;
    for (auto &l : lat) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    point p;
    p.param = param;
    p.qps = (double)done / elapsed;
    p.cpu_ms = (cpu_seconds() - c0) * 1e3 / (double)done;
    p.p50_ms = all[all.size() / 2] * 1e3;
    p.p99_ms = all[std::min(all.size() - 1, (size_t)(all.size() * 0.99))] * 1e3;
    p.recall = 0;
    return p;
}

/* ---- raw faiss --------------------------------------------------------------------------- */

/* One method's figures: each run's sweep, and per point the median over the runs. */
struct method_result {
    std::string name;
    double build_s = 0;
    std::vector<std::vector<point>> runs;
    std::vector<point> pts;                /* medians over runs (recall, agree: first run) */
    std::vector<std::vector<int64_t>> ids; /* per point, the first run's first pass */

    void add_run(std::vector<point> r) {
        runs.push_back(std::move(r));
        pts = runs[0];
        for (size_t i = 0; i < pts.size(); i++) {
            std::vector<double> q, a, b, c;
            for (auto &run : runs) {
                q.push_back(run[i].qps);
                a.push_back(run[i].p50_ms);
                b.push_back(run[i].p99_ms);
                c.push_back(run[i].cpu_ms);
            }
            auto med = [](std::vector<double> v) {
                std::sort(v.begin(), v.end());
                size_t n = v.size();
                return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            };
            pts[i].qps = med(q);
            pts[i].p50_ms = med(a);
            pts[i].p99_ms = med(b);
            pts[i].cpu_ms = med(c);
        }
    }
};

struct raw_index {
    std::unique_ptr<faiss::IndexFlatL2> quantiser;
    std::unique_ptr<faiss::IndexHNSWFlat> hnsw;
    std::unique_ptr<faiss::IndexIVFFlat> ivf;
};

double raw_build_hnsw(raw_index &r, const std::vector<float> &base) {
    r.hnsw.reset(new faiss::IndexHNSWFlat((int)K.dim, 16));
    r.hnsw->hnsw.efConstruction = 64;
    omp_set_num_threads(K.threads);
    double t0 = now();
    r.hnsw->add((faiss::Index::idx_t)K.n, base.data());
    return now() - t0;
}

double raw_build_ivf(raw_index &r, const std::vector<float> &base) {
    r.quantiser.reset(new faiss::IndexFlatL2((int)K.dim));
    r.ivf.reset(new faiss::IndexIVFFlat(r.quantiser.get(), (int)K.dim, (size_t)K.lists, faiss::METRIC_L2));
    omp_set_num_threads(K.threads);
    double t0 = now();
    r.ivf->train((faiss::Index::idx_t)K.n, base.data());
    r.ivf->add((faiss::Index::idx_t)K.n, base.data());
    return now() - t0;
}

/* One sweep of the raw index (HNSW if built, else IVFFlat) over params; the results of each
 * point's first pass go to ids (when empty). */
std::vector<point> raw_sweep(raw_index &r, bool hnsw, const std::vector<int> &params, const std::vector<float> &qs,
                             const std::vector<int64_t> &gt, std::vector<std::vector<int64_t>> &ids) {
    std::vector<point> out;
    bool keep = ids.empty();
    for (int prm : params) {
        /* faiss 1.7.3 sizes the search's candidate heap with hnsw.efSearch and ignores a larger
         * SearchParametersHNSW::efSearch, so set both (the searches only read the field) */
        if (hnsw) r.hnsw->hnsw.efSearch = std::max(prm, K.k);
        std::vector<int64_t> got;
        point p = run_sweep_point(prm, [&](int, size_t q, int64_t *res) {
            float d[64];
            faiss::Index::idx_t l[64];
            if (hnsw) {
                faiss::SearchParametersHNSW sp;
                sp.efSearch = std::max(prm, K.k); /* as vec_index_search: max(ef_search, k) */
                r.hnsw->search(1, &qs[q * K.dim], K.k, d, l, &sp);
            } else {
                faiss::SearchParametersIVF sp;
                sp.nprobe = std::min((size_t)prm, (size_t)K.lists);
                r.ivf->search(1, &qs[q * K.dim], K.k, d, l, &sp);
            }
            for (int i = 0; i < K.k; i++) res[i] = l[i];
            return true;
        }, &got);
        p.recall = recall_of(got, gt);
        out.push_back(p);
        if (keep) ids.push_back(std::move(got));
    }
    return out;
}

/* ---- orbitd ------------------------------------------------------------------------------ */

struct server {
    pid_t pid = -1;
    int port = 0;
    std::string tmp, data_dir, log_path, conninfo;
};

server srv;

pid_t server_pid() { return srv.pid; }

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (sockaddr *)&a, sizeof a) != 0) die("bind: %s", strerror(errno));
    socklen_t n = sizeof a;
    getsockname(fd, (sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

void server_tail_log() {
    std::string cmd = "tail -n 30 '" + srv.log_path + "' >&2";
    if (system(cmd.c_str()) != 0) fprintf(stderr, "(no log)\n");
}

void server_stop() {
    if (srv.pid > 0) {
        kill(srv.pid, SIGTERM);
        int st;
        for (int i = 0; i < 300; i++) { /* 30 s, then SIGKILL */
            if (waitpid(srv.pid, &st, WNOHANG) == srv.pid) {
                srv.pid = -1;
                break;
            }
            usleep(100000);
        }
        if (srv.pid > 0) {
            fprintf(stderr, "ann: orbitd %d did not stop within 30 s; SIGKILL\n", (int)srv.pid);
            kill(srv.pid, SIGKILL);
            waitpid(srv.pid, &st, 0);
            srv.pid = -1;
        }
    }
    if (!srv.tmp.empty()) {
        if (K.keep_tmp) {
            fprintf(stderr, "ann: kept %s\n", srv.tmp.c_str());
        } else {
            std::string cmd = "rm -rf '" + srv.tmp + "'";
            if (system(cmd.c_str()) != 0) fprintf(stderr, "ann: could not remove %s\n", srv.tmp.c_str());
        }
        srv.tmp.clear();
    }
}

void on_signal(int) {
    server_stop();
    _exit(130);
}

void server_start() {
    char tmpl[] = "/tmp/orbit-bench-ann-XXXXXX";
    if (!mkdtemp(tmpl)) die("mkdtemp: %s", strerror(errno));
    srv.tmp = tmpl;
    srv.data_dir = srv.tmp + "/data";
    srv.log_path = srv.tmp + "/orbitd.log";
    srv.port = free_port();
    std::vector<std::string> args = {K.orbitd, "--data-dir", srv.data_dir, "--listen", "127.0.0.1",
                                     "--port", std::to_string(srv.port), "--resp-port", "0", "--threads",
                                     std::to_string(K.threads)};
    for (char *p = &K.orbit_args[0]; !K.orbit_args.empty() && *p;) { /* split on spaces */
        while (*p == ' ') p++;
        char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) args.emplace_back(p, e);
        p = e;
    }
    std::string cmdline;
    for (auto &a : args) cmdline += a + " ";
    printf("orbitd: %s\n", cmdline.c_str());
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) die("fork: %s", strerror(errno));
    if (pid == 0) {
        setsid();
        int fd = open(srv.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(srv.tmp.c_str()) != 0) _exit(127);
        std::vector<char *> av;
        for (auto &a : args) av.push_back(&a[0]);
        av.push_back(nullptr);
        execv(av[0], av.data());
        _exit(127);
    }
    srv.pid = pid;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    srv.conninfo = "host=127.0.0.1 port=" + std::to_string(srv.port) +
                   " user=postgres dbname=postgres connect_timeout=10";
    double deadline = now() + 30;
    for (;;) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            srv.pid = -1;
            server_tail_log();
            die("orbitd exited before accepting connections");
        }
        if (PQping(srv.conninfo.c_str()) == PQPING_OK) break;
        if (now() > deadline) {
            server_tail_log();
            server_stop();
            die("orbitd not ready after 30 s");
        }
        usleep(100000);
    }
}

PGconn *connect_db() {
    PGconn *c = PQconnectdb(srv.conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "ann: connect: %s", PQerrorMessage(c));
        server_stop();
        exit(1);
    }
    return c;
}

/* Runs sql; on failure returns the error text (empty: success). */
std::string try_exec(PGconn *c, const std::string &sql) {
    PGresult *r = PQexec(c, sql.c_str());
    ExecStatusType s = PQresultStatus(r);
    std::string e = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && e.empty()) e = PQresStatus(s);
    PQclear(r);
    return e;
}

void exec_or_die(PGconn *c, const std::string &sql) {
    std::string e = try_exec(c, sql);
    if (!e.empty()) {
        fprintf(stderr, "ann: query failed: %.300s\nerror: %s", sql.c_str(), e.c_str());
        server_tail_log();
        server_stop();
        exit(1);
    }
}

std::string query_text(PGconn *c, const std::string &sql) {
    PGresult *r = PQexec(c, sql.c_str());
    std::string out;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQntuples(r); i++) out += std::string(PQgetvalue(r, i, 0)) + "\n";
    } else {
        out = std::string("ERROR: ") + PQresultErrorMessage(r);
    }
    PQclear(r);
    return out;
}

/* COPY rows [lo, hi) in one statement; returns "" or the error */
std::string copy_rows(PGconn *c, const std::vector<float> &base, size_t lo, size_t hi) {
    PGresult *r = PQexec(c, "COPY items (id, embedding) FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        std::string e = PQresultErrorMessage(r);
        if (e.empty()) e = PQresStatus(PQresultStatus(r));
        PQclear(r);
        /* drain anything left (a server that answered oddly) */
        while ((r = PQgetResult(c))) PQclear(r);
        return e;
    }
    PQclear(r);
    std::string buf;
    for (size_t i = lo; i < hi; i++) {
        buf += std::to_string(i) + "\t" + vec_text(&base[i * K.dim]) + "\n";
        if (buf.size() > (1 << 20) || i + 1 == hi) {
            if (PQputCopyData(c, buf.data(), (int)buf.size()) != 1) return PQerrorMessage(c);
            buf.clear();
        }
    }
    if (PQputCopyEnd(c, nullptr) != 1) return PQerrorMessage(c);
    std::string e;
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && e.empty()) e = PQresultErrorMessage(r);
        PQclear(r);
    }
    return e;
}

std::string insert_rows(PGconn *c, const std::vector<float> &base, size_t lo, size_t hi) {
    std::string sql = "INSERT INTO items (id, embedding) VALUES ";
    for (size_t i = lo; i < hi; i++) {
        if (i > lo) sql += ",";
        sql += "(" + std::to_string(i) + ",'" + vec_text(&base[i * K.dim]) + "')";
    }
    return try_exec(c, sql);
}

/* Loads the rows from K.threads connections in batches; returns the method used. */
std::string load_rows(const std::vector<float> &base, double *secs) {
    std::string method = K.load;
    if (method == "auto" || method == "copy") {
        /* probe COPY with the first batch */
        PGconn *c = connect_db();
        double t0 = now();
        size_t hi = std::min(K.n, K.batch);
        std::string e = copy_rows(c, base, 0, hi);
        double t_first = now() - t0;
        PQfinish(c);
        if (!e.empty()) {
            if (method == "copy") die("COPY failed: %s", e.c_str());
            printf("load: COPY items FROM STDIN failed (%s); falling back to multi-row INSERTs\n",
                   std::string(e, 0, e.find('\n')).c_str());
            method = "insert";
        } else {
            method = "copy";
        }
        if (method == "copy") {
            std::atomic<size_t> next{hi};
            std::atomic<bool> failed{false};
            std::string err;
            t0 = now();
            std::vector<std::thread> ts;
            for (int t = 0; t < K.threads; t++)
                ts.emplace_back([&]() {
                    PGconn *cc = connect_db();
                    for (;;) {
                        size_t lo = next.fetch_add(K.batch);
                        if (lo >= K.n || failed) break;
                        std::string e2 = copy_rows(cc, base, lo, std::min(K.n, lo + K.batch));
                        if (!e2.empty()) {
                            failed = true;
                            err = e2;
                        }
                    }
                    PQfinish(cc);
                });
            for (auto &th : ts) th.join();
            if (failed) die("COPY failed: %s", err.c_str());
            *secs = t_first + (now() - t0);
            return "COPY FROM STDIN";
        }
    }
    size_t batch = std::min<size_t>(K.batch, 1000);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::string err;
    double t0 = now();
    std::vector<std::thread> ts;
    for (int t = 0; t < K.threads; t++)
        ts.emplace_back([&]() {
            PGconn *cc = connect_db();
            for (;;) {
                size_t lo = next.fetch_add(batch);
                if (lo >= K.n || failed) break;
                std::string e2 = insert_rows(cc, base, lo, std::min(K.n, lo + batch));
                if (!e2.empty()) {
                    failed = true;
                    err = e2;
                }
            }
            PQfinish(cc);
        });
    for (auto &th : ts) th.join();
    if (failed) die("INSERT failed: %s", err.c_str());
    *secs = now() - t0;
    return "multi-row INSERT (" + std::to_string(batch) + " rows per statement)";
}

/* one connection per client thread, with the KNN query (and a point select) prepared */
struct sql_clients {
    std::vector<PGconn *> conns;
    std::vector<std::string> qtext;
    explicit sql_clients(const std::vector<float> &qs) {
        for (int t = 0; t < K.threads; t++) {
            PGconn *c = connect_db();
            PGresult *r = PQprepare(c, "knn", "SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 10", 1,
                                    nullptr);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) die("prepare: %s", PQresultErrorMessage(r));
            PQclear(r);
            r = PQprepare(c, "point", "SELECT id FROM items WHERE id = $1", 1, nullptr);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) die("prepare: %s", PQresultErrorMessage(r));
            PQclear(r);
            conns.push_back(c);
        }
        for (size_t q = 0; q < K.nq; q++) qtext.push_back(vec_text(&qs[q * K.dim]));
    }
    ~sql_clients() {
        for (auto c : conns) PQfinish(c);
    }
    void set_all(const std::string &sql) {
        for (auto c : conns) exec_or_die(c, sql);
    }
    bool search(int t, size_t q, int64_t *out) {
        const char *v[1] = {qtext[q].c_str()};
        PGresult *r = PQexecPrepared(conns[t], "knn", 1, v, nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "ann: knn query %zu: %s", q, PQresultErrorMessage(r));
            PQclear(r);
            return false;
        }
        int n = PQntuples(r);
        for (int i = 0; i < K.k; i++) out[i] = i < n ? strtoll(PQgetvalue(r, i, 0), nullptr, 10) : -1;
        PQclear(r);
        return true;
    }
    /* the floor: a one-row primary-key lookup, same connections, same protocol path */
    bool point(int t, size_t q, int64_t *out) {
        std::string id = std::to_string(q * 7919 % K.n);
        const char *v[1] = {id.c_str()};
        PGresult *r = PQexecPrepared(conns[t], "point", 1, v, nullptr, nullptr, 0);
        bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        if (!ok) fprintf(stderr, "ann: point select %s: %s", id.c_str(), PQresultErrorMessage(r));
        PQclear(r);
        for (int i = 0; i < K.k; i++) out[i] = -1;
        return ok;
    }
};

void check_plan(PGconn *c, const std::vector<float> &qs, const char *index) {
    std::string plan = query_text(c, "EXPLAIN SELECT id FROM items ORDER BY embedding <-> '" +
                                         vec_text(&qs[0]) + "' LIMIT 10");
    printf("plan:\n");
    for (size_t a = 0, b; a < plan.size(); a = b + 1) { /* one line each, the query vector cut */
        b = plan.find('\n', a);
        if (b == std::string::npos) b = plan.size();
        std::string line = plan.substr(a, b - a);
        printf("  %s\n", line.size() > 110 ? (line.substr(0, 110) + "...").c_str() : line.c_str());
    }
    if (plan.find(std::string("Index Scan using ") + index) == std::string::npos)
        printf("WARNING: the plan does not use %s\n", index);
}

/* The exact answer through SQL (no index yet) for a few queries equals the ground truth. */
void check_exact(PGconn *c, const std::vector<float> &qs, const std::vector<int64_t> &gt) {
    size_t nq = std::min<size_t>(K.nq, 5), same = 0;
    double t0 = now();
    for (size_t q = 0; q < nq; q++) {
        std::string out = query_text(c, "SELECT id FROM items ORDER BY embedding <-> '" +
                                            vec_text(&qs[q * K.dim]) + "' LIMIT 10");
        std::string want;
        for (int i = 0; i < K.k; i++) want += std::to_string(gt[q * K.k + i]) + "\n";
        if (out == want) same++;
        else printf("exact check: query %zu differs\n  sql:   %s\n  exact: %s\n", q, out.c_str(), want.c_str());
    }
    printf("exact check (no index, %zu queries, %.2f s each): %zu/%zu identical to the ground truth\n", nq,
           (now() - t0) / (double)nq, same, nq);
}

std::vector<point> sql_sweep(sql_clients &cl, const std::vector<int> &params, const char *setting,
                             const std::vector<int64_t> &gt, const method_result *ref,
                             std::vector<std::vector<int64_t>> &ids) {
    std::vector<point> out;
    bool keep = ids.empty();
    for (size_t i = 0; i < params.size(); i++) {
        cl.set_all(std::string("SET ") + setting + " = " + std::to_string(params[i]));
        std::vector<int64_t> got;
        point p = run_sweep_point(params[i], [&](int t, size_t q, int64_t *res) { return cl.search(t, q, res); },
                                  &got);
        p.recall = recall_of(got, gt);
        if (ref && i < ref->ids.size()) p.agree = overlap_of(got, ref->ids[i]);
        out.push_back(p);
        if (keep) ids.push_back(std::move(got));
    }
    return out;
}

/* ---- report ------------------------------------------------------------------------------ */

/* The raw faiss figure at the given recall: the best (highest QPS, or least CPU per query with
 * cpu) of the raw settings whose recall is at least that — the usual recall/QPS frontier, so
 * noise in one point cannot make a higher recall look cheaper. When no raw setting reaches it,
 * the highest-recall one, and *in_range is false. */
double raw_at_recall(const method_result &m, double recall, bool cpu, bool *in_range) {
    const point *best = nullptr, *top = &m.pts[0];
    for (const auto &p : m.pts) {
        if (p.recall >= recall - 1e-9 && (!best || (cpu ? p.cpu_ms < best->cpu_ms : p.qps > best->qps))) best = &p;
        if (p.recall > top->recall) top = &p;
    }
    *in_range = best != nullptr;
    if (!best) best = top;
    return cpu ? best->cpu_ms : best->qps;
}

void print_method(const method_result &m, const char *pname, const method_result *raw) {
    printf("\n%s  (build %.2f s)\n", m.name.c_str(), m.build_s);
    printf("  %-10s %9s %9s %8s %8s %9s", pname, "recall@10", "QPS", "p50 ms", "p99 ms", "cpu ms/q");
    if (raw) printf(" %11s %10s %7s %10s %7s", "same as raw", "raw QPS", "sql/raw", "raw cpu", "raw/sql");
    printf("\n");
    for (const auto &p : m.pts) {
        printf("  %-10d %9.4f %9.0f %8.3f %8.3f %9.3f", p.param, p.recall, p.qps, p.p50_ms, p.p99_ms, p.cpu_ms);
        if (raw) {
            bool in, in2;
            double rq = raw_at_recall(*raw, p.recall, false, &in);
            double rc = raw_at_recall(*raw, p.recall, true, &in2);
            printf(" %11.4f %9.0f%s %7.2f %9.3f%s %7.2f", p.agree, rq, in ? " " : "*", p.qps / rq, rc,
                   in2 ? " " : "*", rc / p.cpu_ms);
        }
        if (m.runs.size() > 1) {
            size_t i = (size_t)(&p - &m.pts[0]);
            printf("   QPS runs:");
            for (auto &run : m.runs) printf(" %.0f", run[i].qps);
        }
        printf("\n");
    }
}

/* The goal: the best QPS with recall@10 >= 0.95 through SQL against the same for raw faiss;
 * and the same with CPU per query (least CPU at recall >= 0.95), which load on the machine
 * disturbs less. */
void print_goal(const method_result &sql, const method_result &raw, const char *pname) {
    const point *bs = nullptr, *br = nullptr, *cs = nullptr, *cr = nullptr;
    for (const auto &p : sql.pts) {
        if (p.recall < 0.95) continue;
        if (!bs || p.qps > bs->qps) bs = &p;
        if (!cs || p.cpu_ms < cs->cpu_ms) cs = &p;
    }
    for (const auto &p : raw.pts) {
        if (p.recall < 0.95) continue;
        if (!br || p.qps > br->qps) br = &p;
        if (!cr || p.cpu_ms < cr->cpu_ms) cr = &p;
    }
    const char *what = sql.name.c_str() + 4; /* "SQL HNSW" -> "HNSW" */
    if (!bs || !br) {
        printf("  %s: no %s reached recall@10 0.95 (%s)\n", what, pname, bs ? "raw faiss" : "SQL");
        return;
    }
    printf("  %s: best QPS at recall@10 >= 0.95: SQL %.0f (%s %d, recall %.4f), raw faiss %.0f (%s %d, recall "
           "%.4f); ratio %.2f (goal >= 0.5: %s)\n",
           what, bs->qps, pname, bs->param, bs->recall, br->qps, pname, br->param, br->recall, bs->qps / br->qps,
           bs->qps / br->qps >= 0.5 ? "met" : "NOT met");
    printf("  %s: least CPU per query at recall@10 >= 0.95: SQL %.3f ms (%s %d), raw faiss %.3f ms (%s %d); "
           "raw/sql %.2f\n",
           what, cs->cpu_ms, pname, cs->param, cr->cpu_ms, pname, cr->param, cr->cpu_ms / cs->cpu_ms);
}

}  // namespace

int main(int argc, char **argv) {
    K.n = (size_t)env_long("N", 100000);
    K.dim = (size_t)env_long("DIM", 128);
    K.nq = (size_t)env_long("NQ", 1000);
    K.clusters = (size_t)env_long("CLUSTERS", 1000);
    K.sigma = env_double("SIGMA", 0.5);
    K.seed = (uint64_t)env_long("SEED", 42);
    K.threads = (int)env_long("THREADS", (long)std::thread::hardware_concurrency());
    if (K.threads < 1) K.threads = 1;
    K.min_secs = env_double("MIN_SECS", 2.0);
    K.runs = (int)std::max(1L, env_long("RUNS", 3));
    K.lists = (int)env_long("LISTS", K.n >= 1000000 ? 1000 : std::max<long>(1, (long)K.n / 1000));
    K.efs = env_list("EF", "10 20 40 80 160 320");
    K.probes = env_list("PROBES", "1 2 4 8 16 32 64");
    K.only = env_str("ONLY", "");
    K.load = env_str("LOAD", "auto");
    K.batch = (size_t)env_long("BATCH", 5000);
    K.orbit_args = env_str("ORBIT_ARGS", "");
    K.keep_tmp = env_long("ORBIT_KEEP_TMP", 0) == 1;
    K.orbitd = argc > 1 ? argv[1] : "build-release/orbitd";
    if (K.only != "" && K.only != "faiss" && K.only != "sql") die("ONLY must be faiss or sql");
    if (K.dim < 1 || K.nq < 1 || K.n < (size_t)K.k) die("bad N/DIM/NQ");
    setvbuf(stdout, nullptr, _IOLBF, 0);

    printf("ann: N=%zu DIM=%zu NQ=%zu, %zu gaussian clusters (centres N(0,1), noise sigma %.2f), seed %llu, "
           "k=10, %d client threads, >= %.1f s per point, %d runs\n",
           K.n, K.dim, K.nq, K.clusters, K.sigma, (unsigned long long)K.seed, K.threads, K.min_secs, K.runs);
    printf("HNSW m=16 ef_construction=64; IVFFlat lists=%d\n", K.lists);
    double t0 = now();
    std::vector<float> base, qs;
    make_data(base, qs);
    printf("data: generated in %.2f s\n", now() - t0);

    std::vector<int64_t> gt(K.nq * K.k);
    {
        omp_set_num_threads(K.threads);
        faiss::IndexFlatL2 flat((int)K.dim);
        flat.add((faiss::Index::idx_t)K.n, base.data());
        std::vector<float> d(K.nq * K.k);
        t0 = now();
        flat.search((faiss::Index::idx_t)K.nq, qs.data(), K.k, d.data(), gt.data());
        printf("ground truth: exact search (IndexFlatL2) in %.2f s; mean 10th-neighbour distance %.3f\n",
               now() - t0, [&]() {
                   double s = 0;
                   for (size_t q = 0; q < K.nq; q++) s += sqrt(d[q * K.k + K.k - 1]);
                   return s / (double)K.nq;
               }());
    }

    method_result fh, fi, sh, si;
    fh.name = "faiss HNSW";
    fi.name = "faiss IVFFlat";
    sh.name = "SQL HNSW";
    si.name = "SQL IVFFlat";
    double floor_qps = 0;
    bool have_faiss = K.only != "sql", have_sql = K.only != "faiss";
    raw_index raw;
    if (have_faiss) {
        fh.build_s = raw_build_hnsw(raw, base);
        fi.build_s = raw_build_ivf(raw, base);
        printf("raw faiss build: IndexHNSWFlat %.2f s, IndexIVFFlat (train + add) %.2f s, %d OpenMP threads\n",
               fh.build_s, fi.build_s, K.threads);
    }
    PGconn *c = nullptr;
    if (have_sql) {
        if (access(K.orbitd.c_str(), X_OK) != 0) die("orbitd not found: %s", K.orbitd.c_str());
        server_start();
        c = connect_db();
        printf("server: %s", query_text(c, "SELECT version()").c_str());
        exec_or_die(c, "CREATE TABLE items (id int PRIMARY KEY, embedding vector(" + std::to_string(K.dim) + "))");
        double load_s;
        std::string how = load_rows(base, &load_s);
        std::string count = query_text(c, "SELECT count(*) FROM items");
        printf("load: %s, %d connections: %.2f s (%.0f rows/s); count(*) = %s", how.c_str(), K.threads, load_s,
               (double)K.n / load_s, count.c_str());
        if (strtoull(count.c_str(), nullptr, 10) != K.n) die("expected %zu rows", K.n);
        check_exact(c, qs, gt);
        {
            sql_clients cl(qs);
            std::vector<int64_t> ids;
            point p = run_sweep_point(0, [&](int t, size_t q, int64_t *out) { return cl.point(t, q, out); }, &ids);
            printf("floor: prepared SELECT id FROM items WHERE id = $1, %d connections: %.0f QPS, p50 %.3f ms, "
                   "p99 %.3f ms\n", K.threads, p.qps, p.p50_ms, p.p99_ms);
            floor_qps = p.qps;
        }
        t0 = now();
        exec_or_die(c, "CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_l2_ops) "
                       "WITH (m = 16, ef_construction = 64)");
        sh.build_s = now() - t0;
        printf("SQL build: CREATE INDEX ... USING hnsw %.2f s\n", sh.build_s);
        check_plan(c, qs, "items_hnsw");
    }
    /* the runs alternate raw faiss and SQL sweeps, so a change of machine load hits both */
    printf("\nsweeps: raw faiss in-process, one query per search call, %d threads; SQL: libpq over loopback TCP, "
           "%d connections, prepared SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 10; %d run(s), "
           "medians\n", K.threads, K.threads, K.runs);
    {
        std::unique_ptr<sql_clients> cl(have_sql ? new sql_clients(qs) : nullptr);
        for (int r = 0; r < K.runs; r++) {
            if (have_faiss) fh.add_run(raw_sweep(raw, true, K.efs, qs, gt, fh.ids));
            if (have_sql)
                sh.add_run(sql_sweep(*cl, K.efs, "hnsw.ef_search", gt, have_faiss ? &fh : nullptr, sh.ids));
            printf("run %d/%d HNSW done\n", r + 1, K.runs);
        }
    }
    if (have_faiss) print_method(fh, "ef_search", nullptr);
    if (have_sql) print_method(sh, "ef_search", have_faiss ? &fh : nullptr);
    raw.hnsw.reset();
    if (have_sql) {
        exec_or_die(c, "DROP INDEX items_hnsw");
        t0 = now();
        exec_or_die(c, "CREATE INDEX items_ivf ON items USING ivfflat (embedding vector_l2_ops) WITH (lists = " +
                           std::to_string(K.lists) + ")");
        si.build_s = now() - t0;
        printf("SQL build: CREATE INDEX ... USING ivfflat %.2f s\n", si.build_s);
        check_plan(c, qs, "items_ivf");
    }
    {
        std::unique_ptr<sql_clients> cl(have_sql ? new sql_clients(qs) : nullptr);
        for (int r = 0; r < K.runs; r++) {
            if (have_faiss) fi.add_run(raw_sweep(raw, false, K.probes, qs, gt, fi.ids));
            if (have_sql)
                si.add_run(sql_sweep(*cl, K.probes, "ivfflat.probes", gt, have_faiss ? &fi : nullptr, si.ids));
            printf("run %d/%d IVFFlat done\n", r + 1, K.runs);
        }
    }
    if (have_faiss) print_method(fi, "probes", nullptr);
    if (have_sql) print_method(si, "probes", have_faiss ? &fi : nullptr);
    if (have_sql) {
        PQfinish(c);
        server_stop();
    }

    printf("\n==== summary (N=%zu, DIM=%zu, NQ=%zu, %d threads, median of %d runs) ====\n", K.n, K.dim, K.nq,
           K.threads, K.runs);
    if (have_faiss) print_method(fh, "ef_search", nullptr);
    if (have_sql) print_method(sh, "ef_search", have_faiss ? &fh : nullptr);
    if (have_faiss) print_method(fi, "probes", nullptr);
    if (have_sql) print_method(si, "probes", have_faiss ? &fi : nullptr);
    if (have_sql && have_faiss) {
        printf("\n'same as raw': share of the SQL top-10 also in raw faiss's top-10 at the same parameter.\n"
               "'raw QPS': QPS of the fastest raw faiss setting with at least the SQL row's recall (* = no raw\n"
               "setting reached it; the highest-recall one); sql/raw = SQL QPS / that. 'cpu ms/q': CPU time per\n"
               "query, of this process and (SQL) orbitd, both sides of the wire; 'raw cpu': least raw CPU per\n"
               "query at that recall; raw/sql = raw cpu / SQL cpu (the QPS ratio if both had the cores alone).\n");
        printf("build: HNSW faiss %.2f s, SQL CREATE INDEX %.2f s (%.2fx); IVFFlat faiss %.2f s, SQL %.2f s (%.2fx)\n",
               fh.build_s, sh.build_s, sh.build_s / fh.build_s, fi.build_s, si.build_s, si.build_s / fi.build_s);
        printf("SQL floor (primary-key point select over the same connections): %.0f QPS\n", floor_qps);
        printf("goal (recall@10 >= 0.95 with SQL QPS >= 0.5 x raw faiss at equal recall):\n");
        print_goal(sh, fh, "ef_search");
        print_goal(si, fi, "probes");
    }
    return 0;
}
