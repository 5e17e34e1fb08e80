/* wire/orbitd.c — the Orbit server binary: parses flags, starts the actor runtime, the SQL
 * engine and the pgwire server, then waits on the main uv loop for SIGINT/SIGTERM and shuts
 * down in reverse order (wire, sql, actors). Exit codes: 0 clean, 1 startup failure
 * (e.g. bind), 2 bad usage. See wire/README.md. */
#include "wire.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define ORBITD_VERSION "0.1.0"

static void usage(FILE *f) {
    fprintf(f, "orbitd — Orbit distributed SQL server (PostgreSQL v3 wire protocol)\n"
               "\n"
               "Usage: orbitd [OPTION]...\n"
               "\n"
               "Options:\n"
               "  --data-dir DIR         data directory (default ./orbit-data)\n"
               "  --listen ADDR          address to listen on (default 127.0.0.1)\n"
               "  --port N               TCP port (default 5433)\n"
               "  --resp-port N          Redis protocol (RESP) port (default 6380; 0 disables)\n"
               "  --threads N            I/O loops and actor workers (default: number of cores)\n"
               "  --log-level LEVEL      debug|info|notice|warn|error (default info)\n"
               "  --shards N             default shards per table (default: one per two\n"
               "                         threads, at least 1)\n"
               "  --idle-ms N            deactivate idle actors after N ms (default 60000)\n"
               "  --lock-timeout-ms N    row lock wait before 55P03 (default 0: as long as needed)\n"
               "  --no-sync              commits do not fsync (benchmarks only)\n"
               "  --cache-mb N           storage block cache in MB (default: a quarter of the\n"
               "                         RAM, 64 to 8192)\n"
               "  --ssl-cert FILE        TLS certificate chain (PEM); default DIR/server.crt\n"
               "                         when present in the data directory\n"
               "  --ssl-key FILE         TLS private key (PEM, mode 0600); default DIR/server.key\n"
               "  --ssl-ca FILE          roots that client certificates must chain to (optional)\n"
               "  --appendfsync MODE     Redis writes: always (default: durable when acknowledged)\n"
               "                         or everysec (WAL synced about once a second)\n"
               "  --hba-file PATH        access rules, pg_hba.conf format (default DIR/orbit_hba.conf\n"
               "                         if it exists, else trust on loopback, scram-sha-256 elsewhere)\n"
               "  --authentication-timeout N  seconds a client has to log in (default 60)\n"
               "  --max-connections N    concurrent PostgreSQL-protocol sessions (default 100)\n"
               "  --superuser-reserved-connections N  of them, kept for superusers (default 3)\n"
               "  --help                 show this help and exit\n"
               "  --version              show the version and exit\n");
}

static bool parse_int(const char *s, long lo, long hi, int *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static void on_signal(uv_signal_t *h, int signum) {
    orb_log(ORB_LOG_INFO, "wire", "orbitd shutting down signal=%s", strsignal(signum));
    uv_signal_t *sigs = h->data;
    uv_close((uv_handle_t *)&sigs[0], NULL);
    uv_close((uv_handle_t *)&sigs[1], NULL);
}

/* faiss builds vector indexes with OpenMP threads; libgomp's default makes idle team threads
 * spin, burning cores the actor workers need. libgomp reads OMP_WAIT_POLICY only when it is
 * loaded, so orbitd sets it (unless the user did) and re-executes itself once. */
static void omp_passive(char **argv) {
    if (getenv("OMP_WAIT_POLICY")) return;
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv); /* only returns on failure: then run as we are */
}

int main(int argc, char **argv) {
    omp_passive(argv);
    const char *data_dir = "./orbit-data";
    const char *listen_addr = "127.0.0.1";
    const char *hba_file = NULL;
    int auth_timeout_s = 60;
    int max_connections = 100, reserved_connections = 3; /* PostgreSQL's defaults */
    int resp_port = WIRE_DEFAULT_RESP_PORT;
    int port = WIRE_DEFAULT_PORT, threads = 0, cache_mb = 0, shards = 0, idle_ms = 60000, lock_timeout_ms = 0;
    bool sync_commit = true;
    const char *ssl_cert = NULL, *ssl_key = NULL, *ssl_ca = NULL;
    int appendfsync = ACT_KV_FSYNC_ALWAYS;
    orb_log_level_t level = ORB_LOG_INFO;

    enum {
        OPT_DATA = 256,
        OPT_LISTEN,
        OPT_PORT,
        OPT_RESP_PORT,
        OPT_THREADS,
        OPT_LOG,
        OPT_SHARDS,
        OPT_IDLE,
        OPT_LOCK,
        OPT_NOSYNC,
        OPT_CACHE,
        OPT_SSL_CERT,
        OPT_SSL_KEY,
        OPT_SSL_CA,
        OPT_APPENDFSYNC,
        OPT_HBA,
        OPT_AUTH_TIMEOUT,
        OPT_MAX_CONN,
        OPT_RESERVED_CONN,
        OPT_HELP,
        OPT_VERSION
    };
    static const struct option opts[] = {
        {"data-dir", required_argument, NULL, OPT_DATA},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"port", required_argument, NULL, OPT_PORT},
        {"resp-port", required_argument, NULL, OPT_RESP_PORT},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"log-level", required_argument, NULL, OPT_LOG},
        {"shards", required_argument, NULL, OPT_SHARDS},
        {"cache-mb", required_argument, NULL, OPT_CACHE},
        {"idle-ms", required_argument, NULL, OPT_IDLE},
        {"lock-timeout-ms", required_argument, NULL, OPT_LOCK},
        {"no-sync", no_argument, NULL, OPT_NOSYNC},
        {"ssl-cert", required_argument, NULL, OPT_SSL_CERT},
        {"ssl-key", required_argument, NULL, OPT_SSL_KEY},
        {"ssl-ca", required_argument, NULL, OPT_SSL_CA},
        {"appendfsync", required_argument, NULL, OPT_APPENDFSYNC},
        {"hba-file", required_argument, NULL, OPT_HBA},
        {"authentication-timeout", required_argument, NULL, OPT_AUTH_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {"superuser-reserved-connections", required_argument, NULL, OPT_RESERVED_CONN},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int ch;
    bool bad = false;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case OPT_DATA:
            data_dir = optarg;
            break;
        case OPT_LISTEN:
            listen_addr = optarg;
            break;
        case OPT_PORT:
            bad |= !parse_int(optarg, 0, 65535, &port);
            break;
        case OPT_RESP_PORT:
            bad |= !parse_int(optarg, 0, 65535, &resp_port);
            break;
        case OPT_THREADS:
            bad |= !parse_int(optarg, 1, 1024, &threads);
            break;
        case OPT_SHARDS:
            bad |= !parse_int(optarg, 1, 4096, &shards);
            break;
        case OPT_CACHE:
            bad |= !parse_int(optarg, 8, 1048576, &cache_mb);
            break;
        case OPT_IDLE:
            bad |= !parse_int(optarg, 1, 86400000, &idle_ms);
            break;
        case OPT_LOCK:
            bad |= !parse_int(optarg, 0, 86400000, &lock_timeout_ms);
            break;
        case OPT_LOG:
            bad |= !orb_log_level_parse(optarg, &level);
            break;
        case OPT_NOSYNC:
            sync_commit = false;
            break;
        case OPT_SSL_CERT:
            ssl_cert = optarg;
            break;
        case OPT_SSL_KEY:
            ssl_key = optarg;
            break;
        case OPT_SSL_CA:
            ssl_ca = optarg;
            break;
        case OPT_APPENDFSYNC:
            if (strcmp(optarg, "always") == 0) appendfsync = ACT_KV_FSYNC_ALWAYS;
            else if (strcmp(optarg, "everysec") == 0) appendfsync = ACT_KV_FSYNC_EVERYSEC;
            else bad = true;
            break;
        case OPT_HBA:
            hba_file = optarg;
            break;
        case OPT_AUTH_TIMEOUT:
            bad |= !parse_int(optarg, 1, 600, &auth_timeout_s); /* PostgreSQL's range */
            break;
        case OPT_MAX_CONN: /* PostgreSQL's ranges (MAX_BACKENDS) */
            bad |= !parse_int(optarg, 1, 262143, &max_connections);
            break;
        case OPT_RESERVED_CONN:
            bad |= !parse_int(optarg, 0, 262143, &reserved_connections);
            break;
        case OPT_HELP:
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("orbitd %s\n", ORBITD_VERSION);
            return 0;
        default:
            bad = true;
            break;
        }
        if (bad) {
            if (ch != '?')
                fprintf(stderr, "orbitd: invalid value for option: %s\n", argv[optind - 1]);
            break;
        }
    }
    if (!bad && (ssl_cert == NULL) != (ssl_key == NULL)) {
        fprintf(stderr, "orbitd: --ssl-cert and --ssl-key go together\n");
        bad = true;
    }
    if (!bad && reserved_connections >= max_connections) { /* PostgreSQL's startup check */
        fprintf(stderr, "orbitd: superuser_reserved_connections (%d) must be less than max_connections (%d)\n",
                reserved_connections, max_connections);
        bad = true;
    }
    if (bad || optind < argc) {
        if (!bad)
            fprintf(stderr, "orbitd: unexpected argument: %s\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    if (shards == 0) /* docs/architecture.md "Shards per table" */
        shards = threads >= 2 ? threads / 2 : 1;
    orb_log_set_level(level);
    signal(SIGPIPE, SIG_IGN);
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "orbitd: could not create data directory \"%s\": %s\n", data_dir,
                strerror(errno));
        return 1;
    }

    /* PostgreSQL's defaults: server.crt and server.key in the data directory */
    char def_cert[4096], def_key[4096];
    if (!ssl_cert) {
        snprintf(def_cert, sizeof def_cert, "%s/server.crt", data_dir);
        snprintf(def_key, sizeof def_key, "%s/server.key", data_dir);
        if (access(def_cert, F_OK) == 0 || access(def_key, F_OK) == 0) {
            ssl_cert = def_cert; /* a missing half fails below with the file's name */
            ssl_key = def_key;
        }
    }

    orb_err_t err;
    act_config_t acfg = {.data_dir = data_dir,
                         .nworkers = threads,
                         .idle_ms = idle_ms,
                         .lock_timeout_ms = lock_timeout_ms,
                         .sync_commit = sync_commit,
                         .cache_mb = cache_mb};
    act_runtime_t *rt = NULL;
    if (act_runtime_start(&acfg, &rt, &err) != 0) {
        orb_log(ORB_LOG_FATAL, "wire", "could not start the actor runtime: %s", err.message);
        return 1;
    }
    act_kv_set_fsync(rt, appendfsync);
    sql_config_t scfg = {.default_shards = (uint32_t)shards,
                         .ssl = ssl_cert != NULL,
                         .max_connections = max_connections,
                         .reserved_connections = reserved_connections};
    sql_engine_t *engine = NULL;
    if (sql_engine_create(rt, &scfg, &engine, &err) != 0) {
        orb_log(ORB_LOG_FATAL, "wire", "could not start the sql engine: %s", err.message);
        act_runtime_stop(rt);
        return 1;
    }
    /* the access rules: --hba-file, else <data_dir>/orbit_hba.conf when it exists */
    char hba_default[4096];
    snprintf(hba_default, sizeof hba_default, "%s/orbit_hba.conf", data_dir);
    if (!hba_file && access(hba_default, F_OK) == 0)
        hba_file = hba_default;
    wire_config_t wcfg = {.listen_addr = listen_addr,
                          .port = port,
                          .nthreads = threads,
                          .resp_port = resp_port,
                          .rt = rt,
                          .ssl_cert = ssl_cert,
                          .ssl_key = ssl_key,
                          .ssl_ca = ssl_ca,
                          .hba_file = hba_file,
                          .auth_timeout_ms = auth_timeout_s * 1000,
                          .max_connections = max_connections,
                          .reserved_connections = reserved_connections};
    wire_server_t *server = NULL;
    if (wire_server_start(&wcfg, engine, &server, &err) != 0) {
        orb_log(ORB_LOG_FATAL, "wire", "%s%s%s%s%s", err.message, err.detail[0] ? " detail=" : "",
                err.detail, err.hint[0] ? " hint=" : "", err.hint);
        fprintf(stderr, "orbitd: %s\n", err.message);
        sql_engine_destroy(engine);
        act_runtime_stop(rt);
        return 1;
    }

    uv_loop_t *main_loop = uv_default_loop();
    uv_signal_t sigs[2];
    uv_signal_init(main_loop, &sigs[0]);
    uv_signal_init(main_loop, &sigs[1]);
    sigs[0].data = sigs;
    sigs[1].data = sigs;
    uv_signal_start(&sigs[0], on_signal, SIGINT);
    uv_signal_start(&sigs[1], on_signal, SIGTERM);
    orb_log(ORB_LOG_INFO, "wire",
            "orbitd listening on %s:%d resp_port=%d data_dir=%s threads=%d shards=%d ssl=%s hba_file=%s",
            listen_addr, wire_server_port(server), wire_server_resp_port(server), data_dir, threads, shards,
            ssl_cert ? "on" : "off", hba_file ? hba_file : "(default)");
    uv_run(main_loop, UV_RUN_DEFAULT);

    wire_server_stop(server);
    sql_engine_destroy(engine);
    act_runtime_stop(rt);
    uv_loop_close(main_loop);
    orb_log(ORB_LOG_INFO, "wire", "orbitd stopped");
    return 0;
}
