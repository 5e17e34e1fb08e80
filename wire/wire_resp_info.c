/* wire/wire_resp_info.c — INFO [section ...]: server, clients, memory, stats, replication, cpu
 * and keyspace, in Redis's "# Section\r\nfield:value\r\n" text (a bulk string; RESP3: verbatim).
 * Only fields backed by real figures are listed (docs/redis.md names them); "default", "all"
 * and "everything" give every section. Entry point: wire__resp_h_info (executor thread). */
#include "wire_resp_int.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define INFO_REDIS_VERSION "7.0.15" /* the Redis we answer like (HELLO says the same) */
#define INFO_ORBIT_VERSION "0.1.0"  /* orbitd.c's ORBITD_VERSION */

static const char *const sections[] = {"server", "clients", "memory", "stats",
                                       "replication", "cpu", "keyspace"};
#define NSECTIONS (sizeof sections / sizeof sections[0])

static void human(char *out, size_t cap, double v) {
    const char *units = "BKMGTP";
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    if (u == 0) snprintf(out, cap, "%.0fB", v);
    else snprintf(out, cap, "%.2f%c", v, units[u]);
}

static size_t rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        fclose(f);
    }
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

static void sec_server(rctx_t *x, orb_buf_t *b, wire_resp_shared_t *sh) {
    struct utsname u;
    if (uname(&u) != 0) memset(&u, 0, sizeof u);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t up = (wire__resp_now_ms() - sh->start_ms) / 1000;
    orb_buf_printf(b,
                   "# Server\r\nredis_version:%s\r\norbit_version:%s\r\nredis_git_sha1:00000000\r\n"
                   "redis_git_dirty:0\r\nredis_mode:standalone\r\nos:%s %s %s\r\narch_bits:%d\r\n"
                   "multiplexing_api:epoll\r\nprocess_id:%ld\r\nprocess_supervised:no\r\n"
                   "tcp_port:%d\r\nserver_time_usec:%lld\r\nuptime_in_seconds:%lld\r\n"
                   "uptime_in_days:%lld\r\nhz:%d\r\nconfigured_hz:%d\r\nconfig_file:\r\n",
                   INFO_REDIS_VERSION, INFO_ORBIT_VERSION, u.sysname, u.release, u.machine,
                   (int)(sizeof(void *) * 8), (long)getpid(),
                   wire_server_resp_port(x->c->server),
                   (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, (long long)up,
                   (long long)(up / 86400), atomic_load(&sh->hz), atomic_load(&sh->hz));
}

static void sec_clients(orb_buf_t *b, wire_resp_shared_t *sh) {
    int ps = 0;
    int n = wire__resp_client_count(sh, &ps);
    orb_buf_printf(b,
                   "# Clients\r\nconnected_clients:%d\r\ncluster_connections:0\r\n"
                   "blocked_clients:%d\r\ntracking_clients:0\r\npubsub_clients:%d\r\n",
                   n, wire__resp_blocked_count(), ps);
}

static void sec_memory(orb_buf_t *b, wire_resp_shared_t *sh) {
    struct mallinfo2 mi = mallinfo2();
    size_t used = mi.uordblks + mi.hblkhd, rss = rss_bytes();
    if (used == 0) used = rss; /* an allocator that keeps no statistics (sanitizers) */
    pthread_mutex_lock(&sh->cmu);
    if (used > sh->used_memory_peak) sh->used_memory_peak = used;
    size_t peak = sh->used_memory_peak;
    pthread_mutex_unlock(&sh->cmu);
    char hu[32], hr[32], hp[32];
    human(hu, sizeof hu, (double)used);
    human(hr, sizeof hr, (double)rss);
    human(hp, sizeof hp, (double)peak);
    orb_buf_printf(b,
                   "# Memory\r\nused_memory:%zu\r\nused_memory_human:%s\r\nused_memory_rss:%zu\r\n"
                   "used_memory_rss_human:%s\r\nused_memory_peak:%zu\r\nused_memory_peak_human:%s\r\n"
                   "maxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\n"
                   "mem_allocator:libc\r\n",
                   used, hu, rss, hr, peak, hp);
}

static void sec_stats(orb_buf_t *b, wire_resp_shared_t *sh) {
    size_t ch, pat, sch;
    wire__resp_pubsub_counts(sh, &ch, &pat, &sch);
    uint64_t total = atomic_load(&sh->commands);
    double ops = 0;
    int64_t now = wire__resp_now_ms();
    pthread_mutex_lock(&sh->cmu);
    if (sh->ops_samples > 0) { /* rate over the samples of the last 1.6 s, now included */
        int oldest = (sh->ops_next + 16 - sh->ops_samples) % 16;
        for (int k = 0; k < sh->ops_samples; k++) {
            int i = (oldest + k) % 16;
            if (now - sh->ops_sample_ms[i] <= 1600) {
                int64_t dt = now - sh->ops_sample_ms[i];
                if (dt > 0) ops = (double)(total - sh->ops_sample_n[i]) * 1000.0 / (double)dt;
                break;
            }
        }
    }
    pthread_mutex_unlock(&sh->cmu);
    orb_buf_printf(b,
                   "# Stats\r\ntotal_connections_received:%llu\r\ntotal_commands_processed:%llu\r\n"
                   "instantaneous_ops_per_sec:%lld\r\nrejected_connections:0\r\n"
                   "pubsub_channels:%zu\r\npubsub_patterns:%zu\r\npubsubshard_channels:%zu\r\n"
                   "pubsub_messages_delivered:%llu\r\n",
                   (unsigned long long)atomic_load(&sh->conns_received),
                   (unsigned long long)total, (long long)(ops + 0.5), ch, pat, sch,
                   (unsigned long long)atomic_load(&sh->published));
}

static void sec_cpu(orb_buf_t *b) {
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
#define TV(t) ((double)(t).tv_sec + (double)(t).tv_usec / 1e6)
    orb_buf_printf(b,
                   "# CPU\r\nused_cpu_sys:%.6f\r\nused_cpu_user:%.6f\r\n"
                   "used_cpu_sys_children:%.6f\r\nused_cpu_user_children:%.6f\r\n",
                   TV(self.ru_stime), TV(self.ru_utime), TV(kids.ru_stime), TV(kids.ru_utime));
#undef TV
}

/* Keys, keys with a TTL and their exact average remaining TTL (ms) per database: one __dbstats
 * round over every shard per database (O(keys)). */
static int sec_keyspace(rctx_t *x, orb_buf_t *b) {
    orb_buf_puts(b, "# Keyspace\r\n");
    const char *av[1] = {"__dbstats"};
    size_t ls[1] = {9};
    for (uint32_t db = 0; db < ACT_KV_DATABASES; db++) {
        Orbit__KvValue *rep[ACT_KV_SHARDS];
        orb_err_t e;
        if (act_kv_call_all(x->rt, db, 1, av, ls, x->mcx, rep, &e) != 0) {
            wire__resp_err(x, "ERR %s", e.message);
            return -1;
        }
        long long keys = 0, expires = 0, ttl_ms = 0;
        for (uint32_t i = 0; i < ACT_KV_SHARDS; i++) {
            if (rep[i]->n_elems != 3) {
                wire__resp_err(x, "ERR unexpected reply of a kv-shard to __dbstats");
                return -1;
            }
            keys += rep[i]->elems[0]->num;
            expires += rep[i]->elems[1]->num;
            ttl_ms += rep[i]->elems[2]->num;
        }
        if (keys > 0)
            orb_buf_printf(b, "db%u:keys=%lld,expires=%lld,avg_ttl=%lld\r\n", db, keys, expires,
                           expires ? ttl_ms / expires : 0);
    }
    return 0;
}

void wire__resp_h_info(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    bool want[NSECTIONS] = {false};
    if (x->argc == 1) {
        for (size_t i = 0; i < NSECTIONS; i++) want[i] = true;
    }
    for (int a = 1; a < x->argc; a++) {
        if (wire__resp_arg_is(x, a, "default") || wire__resp_arg_is(x, a, "all") ||
            wire__resp_arg_is(x, a, "everything")) {
            for (size_t i = 0; i < NSECTIONS; i++) want[i] = true;
            continue;
        }
        for (size_t i = 0; i < NSECTIONS; i++)
            if (wire__resp_arg_is(x, a, sections[i])) want[i] = true;
    }
    orb_buf_t b;
    orb_buf_init(&b);
    for (size_t i = 0; i < NSECTIONS; i++) {
        if (!want[i]) continue;
        if (b.len) orb_buf_puts(&b, "\r\n");
        switch (i) {
        case 0: sec_server(x, &b, sh); break;
        case 1: sec_clients(&b, sh); break;
        case 2: sec_memory(&b, sh); break;
        case 3: sec_stats(&b, sh); break;
        case 4: orb_buf_puts(&b, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"); break;
        case 5: sec_cpu(&b); break;
        case 6:
            if (sec_keyspace(x, &b) != 0) {
                orb_buf_free(&b);
                return;
            }
            break;
        }
    }
    wire__resp_put_verbatim(x->out, b.data ? b.data : "", b.len, x->rs->proto);
    orb_buf_free(&b);
}
