/* wire/wire_resp_config.c — CONFIG GET/SET/RESETSTAT/REWRITE/HELP over a small table of the
 * parameters clients and redis-benchmark ask for. Each says what orbit does: some can be set
 * (client-output-buffer-limit's pubsub class is enforced by wire_resp_pubsub.c; save is kept
 * and shown), the others only accept the value orbit already has (Redis's "can't set
 * immutable config" otherwise). Errors are Redis 7's texts. Entry: wire__resp_h_config. */
#include "wire_resp_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OBL_HARD ((long long)32 << 20) /* Redis: client-output-buffer-limit pubsub 32mb 8mb 60 */
#define OBL_SOFT ((long long)8 << 20)
#define OBL_SECS 60LL

void wire__resp_config_defaults(wire_resp_shared_t *sh) {
    atomic_init(&sh->obl_hard, OBL_HARD);
    atomic_init(&sh->obl_soft, OBL_SOFT);
    atomic_init(&sh->obl_soft_secs, OBL_SECS);
    atomic_init(&sh->hz, 10);
    snprintf(sh->save, sizeof sh->save, "%s", "");
    snprintf(sh->replica_obl, sizeof sh->replica_obl, "%s", "268435456 67108864 60");
}

typedef struct param param_t;
struct param {
    const char *name;
    /* value into out (cap 256) */
    void (*get)(rctx_t *x, char *out, size_t cap);
    /* NULL: immutable unless the value equals the current one. Returns NULL or the reason. */
    const char *(*check)(rctx_t *x, const char *v, size_t n);
    void (*apply)(rctx_t *x, const char *v, size_t n);
};

static wire_resp_shared_t *SH(rctx_t *x) { return wire__resp_shared(x->c); }

static void get_save(rctx_t *x, char *out, size_t cap) {
    pthread_mutex_lock(&SH(x)->cmu);
    snprintf(out, cap, "%s", SH(x)->save);
    pthread_mutex_unlock(&SH(x)->cmu);
}
static const char *check_save(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    if (n >= 128) return "Invalid save parameters";
    /* "" or pairs "seconds changes" */
    int count = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && v[i] == ' ') i++;
        if (i == n) break;
        size_t j = i;
        while (j < n && isdigit((unsigned char)v[j])) j++;
        if (j == i || (j < n && v[j] != ' ')) return "Invalid save parameters";
        count++;
        i = j;
    }
    return count % 2 ? "Invalid save parameters" : NULL;
}
static void apply_save(rctx_t *x, const char *v, size_t n) {
    pthread_mutex_lock(&SH(x)->cmu);
    snprintf(SH(x)->save, sizeof SH(x)->save, "%.*s", (int)n, v);
    pthread_mutex_unlock(&SH(x)->cmu);
}

#define CONST_GET(fn, text)                                  \
    static void fn(rctx_t *x, char *out, size_t cap) {       \
        ORB_UNUSED(x);                                       \
        snprintf(out, cap, "%s", text);                      \
    }
CONST_GET(get_yes, "yes")
CONST_GET(get_no, "no")
CONST_GET(get_zero, "0")
CONST_GET(get_empty, "")
CONST_GET(get_noeviction, "noeviction")

static void get_databases(rctx_t *x, char *out, size_t cap) {
    ORB_UNUSED(x);
    snprintf(out, cap, "%u", ACT_KV_DATABASES);
}
static void get_port(rctx_t *x, char *out, size_t cap) {
    snprintf(out, cap, "%d", wire_server_resp_port(x->c->server));
}
static void get_bind(rctx_t *x, char *out, size_t cap) { /* the listening address: laddr's host */
    snprintf(out, cap, "%s", x->c->rcl->laddr);
    char *colon = strrchr(out, ':');
    if (colon) *colon = 0;
}
static void get_hz(rctx_t *x, char *out, size_t cap) {
    snprintf(out, cap, "%d", atomic_load(&SH(x)->hz));
}

static const char *const policies[] = {"volatile-lru",   "volatile-lfu", "volatile-random",
                                       "volatile-ttl",   "allkeys-lru",  "allkeys-lfu",
                                       "allkeys-random", "noeviction"};
static const char *check_policy(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    if (n == 10 && strncasecmp(v, "noeviction", n) == 0) return NULL;
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (strlen(policies[i]) == n && strncasecmp(v, policies[i], n) == 0)
            return "orbit does not evict keys (only noeviction is accepted)";
    return "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
           "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";
}

/* Redis's memtoull: b, k, kb, m, mb, g, gb (case-insensitive); -1 when malformed. */
static long long mem_value(const char *v, size_t n) {
    char buf[64];
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, v, n);
    buf[n] = 0;
    size_t d = 0;
    while (d < n && isdigit((unsigned char)buf[d])) d++;
    if (d == 0) return -1;
    const char *u = buf + d;
    unsigned long long mul = 1;
    if (!*u || !strcasecmp(u, "b")) mul = 1;
    else if (!strcasecmp(u, "k")) mul = 1000;
    else if (!strcasecmp(u, "kb")) mul = 1024;
    else if (!strcasecmp(u, "m")) mul = 1000 * 1000;
    else if (!strcasecmp(u, "mb")) mul = 1024 * 1024;
    else if (!strcasecmp(u, "g")) mul = 1000ULL * 1000 * 1000;
    else if (!strcasecmp(u, "gb")) mul = 1024ULL * 1024 * 1024;
    else return -1;
    buf[d] = 0;
    errno = 0;
    unsigned long long x = strtoull(buf, NULL, 10);
    if (errno || x > (unsigned long long)LLONG_MAX / mul) return -1;
    return (long long)(x * mul);
}

static const char *check_maxmemory(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    long long m = mem_value(v, n);
    if (m < 0) return "argument must be a memory value";
    return m == 0 ? NULL : "orbit does not limit its memory (only 0 is accepted)";
}

static bool int_arg(const char *v, size_t n, long long *out) {
    char buf[32];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, v, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    *out = strtoll(buf, &end, 10);
    return !errno && !*end && !isspace((unsigned char)buf[0]);
}

static const char *check_timeout(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    long long t;
    if (!int_arg(v, n, &t)) return "argument couldn't be parsed into an integer";
    if (t < 0 || t > INT_MAX) return "argument must be between 0 and 2147483647 inclusive";
    return t == 0 ? NULL : "orbit has no idle timeout (only 0 is accepted)";
}

static const char *check_notify(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    ORB_UNUSED(v);
    return n == 0 ? NULL : "keyspace notifications are not supported (only \"\" is accepted)";
}

static void get_obl(rctx_t *x, char *out, size_t cap) {
    wire_resp_shared_t *sh = SH(x);
    pthread_mutex_lock(&sh->cmu);
    snprintf(out, cap, "normal 0 0 0 slave %s pubsub %lld %lld %lld", sh->replica_obl,
             (long long)atomic_load(&sh->obl_hard), (long long)atomic_load(&sh->obl_soft),
             (long long)atomic_load(&sh->obl_soft_secs));
    pthread_mutex_unlock(&sh->cmu);
}

typedef struct obl_class {
    int cls; /* 0 normal, 1 replica, 2 pubsub */
    long long hard, soft, secs;
} obl_class_t;

/* Parses "class hard soft secs ..." into up to 8 classes; NULL or Redis's reason. */
static const char *obl_parse(const char *v, size_t n, obl_class_t *out, int *nout) {
    const char *tok[32];
    size_t tl[32];
    int nt = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && v[i] == ' ') i++;
        if (i == n) break;
        size_t j = i;
        while (j < n && v[j] != ' ') j++;
        if (nt == 32) return "Wrong number of arguments in buffer limit configuration.";
        tok[nt] = v + i;
        tl[nt++] = j - i;
        i = j;
    }
    if (nt % 4 != 0 || nt == 0) return "Wrong number of arguments in buffer limit configuration.";
    *nout = 0;
    for (int k = 0; k < nt; k += 4) {
        obl_class_t c;
        if (tl[k] == 6 && strncasecmp(tok[k], "normal", 6) == 0) c.cls = 0;
        else if ((tl[k] == 5 && strncasecmp(tok[k], "slave", 5) == 0) ||
                 (tl[k] == 7 && strncasecmp(tok[k], "replica", 7) == 0))
            c.cls = 1;
        else if (tl[k] == 6 && strncasecmp(tok[k], "pubsub", 6) == 0) c.cls = 2;
        else return "Invalid client class specified in buffer limit configuration.";
        c.hard = mem_value(tok[k + 1], tl[k + 1]);
        c.soft = mem_value(tok[k + 2], tl[k + 2]);
        if (!int_arg(tok[k + 3], tl[k + 3], &c.secs) || c.secs < 0 || c.hard < 0 || c.soft < 0)
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        if (c.cls == 0 && (c.hard || c.soft || c.secs))
            return "orbit bounds normal clients by backpressure (only \"normal 0 0 0\" is "
                   "accepted)";
        out[(*nout)++] = c;
    }
    return NULL;
}

static const char *check_obl(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    obl_class_t c[8];
    int nc;
    return obl_parse(v, n, c, &nc);
}

static void apply_obl(rctx_t *x, const char *v, size_t n) {
    wire_resp_shared_t *sh = SH(x);
    obl_class_t c[8];
    int nc = 0;
    if (obl_parse(v, n, c, &nc) != NULL) return;
    for (int i = 0; i < nc; i++) {
        if (c[i].cls == 2) {
            atomic_store(&sh->obl_hard, c[i].hard);
            atomic_store(&sh->obl_soft, c[i].soft);
            atomic_store(&sh->obl_soft_secs, c[i].secs);
        } else if (c[i].cls == 1) {
            pthread_mutex_lock(&sh->cmu);
            snprintf(sh->replica_obl, sizeof sh->replica_obl, "%lld %lld %lld", c[i].hard,
                     c[i].soft, c[i].secs);
            pthread_mutex_unlock(&sh->cmu);
        }
    }
}

static void get_appendfsync(rctx_t *x, char *out, size_t cap) {
    snprintf(out, cap, "%s", act_kv_fsync(x->rt) == ACT_KV_FSYNC_EVERYSEC ? "everysec" : "always");
}
static const char *check_appendfsync(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    if ((n == 6 && strncasecmp(v, "always", 6) == 0) || (n == 8 && strncasecmp(v, "everysec", 8) == 0))
        return NULL;
    if (n == 2 && strncasecmp(v, "no", 2) == 0)
        return "orbit syncs its log itself: appendfsync is always or everysec";
    return "argument(s) must be one of the following: always, everysec, no";
}
static void apply_appendfsync(rctx_t *x, const char *v, size_t n) {
    act_kv_set_fsync(x->rt, n == 8 ? ACT_KV_FSYNC_EVERYSEC : ACT_KV_FSYNC_ALWAYS);
    ORB_UNUSED(v);
}

static void get_requirepass(rctx_t *x, char *out, size_t cap) {
    wire__resp_auth_requirepass_get(SH(x), out, cap);
}
static const char *check_any(rctx_t *x, const char *v, size_t n) {
    ORB_UNUSED(x);
    ORB_UNUSED(v);
    return n < 256 ? NULL : "orbit keeps passwords up to 255 bytes";
}
static void apply_requirepass(rctx_t *x, const char *v, size_t n) {
    wire__resp_auth_requirepass_set(SH(x), v, n);
}

static const param_t params[] = {
    {"save", get_save, check_save, apply_save},
    {"appendonly", get_yes, NULL, NULL},
    {"appendfsync", get_appendfsync, check_appendfsync, apply_appendfsync},
    {"maxmemory", get_zero, check_maxmemory, NULL},
    {"maxmemory-policy", get_noeviction, check_policy, NULL},
    {"databases", get_databases, NULL, NULL},
    {"port", get_port, NULL, NULL},
    {"bind", get_bind, NULL, NULL},
    {"timeout", get_zero, check_timeout, NULL},
    {"tcp-keepalive", get_zero, NULL, NULL},
    {"requirepass", get_requirepass, check_any, apply_requirepass},
    {"protected-mode", get_no, NULL, NULL},
    {"client-output-buffer-limit", get_obl, check_obl, apply_obl},
    {"notify-keyspace-events", get_empty, check_notify, NULL},
    {"hz", get_hz, NULL, NULL},
    {"cluster-enabled", get_no, NULL, NULL},
};
#define NPARAMS (sizeof params / sizeof params[0])

static const param_t *param_find(const char *p, size_t n) {
    for (size_t i = 0; i < NPARAMS; i++)
        if (strlen(params[i].name) == n && strncasecmp(params[i].name, p, n) == 0)
            return &params[i];
    return NULL;
}

/* A name without glob characters is answered under the spelling asked (Redis 7.0). */
static bool is_glob(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] == '*' || p[i] == '?' || p[i] == '[') return true;
    return false;
}

static void config_get(rctx_t *x) {
    int hit[NPARAMS]; /* the argument that matched, -1 none */
    size_t nhit = 0;
    for (size_t i = 0; i < NPARAMS; i++) hit[i] = -1;
    for (int a = 2; a < x->argc; a++)
        for (size_t i = 0; i < NPARAMS; i++)
            if (hit[i] < 0 && wire_resp_glob_match(x->argv[a], x->lens[a], params[i].name,
                                                   strlen(params[i].name), true)) {
                hit[i] = a;
                nhit++;
            }
    wire_resp_put_map(x->out, nhit, x->rs->proto);
    for (size_t i = 0; i < NPARAMS; i++) {
        if (hit[i] < 0) continue;
        char v[256];
        params[i].get(x, v, sizeof v);
        int a = hit[i];
        if (is_glob(x->argv[a], x->lens[a])) wire__resp_put_str(x->out, params[i].name);
        else wire_resp_put_bulk(x->out, x->argv[a], x->lens[a]);
        wire__resp_put_str(x->out, v);
    }
}

static void config_set(rctx_t *x) {
    int npairs = (x->argc - 2) / 2;
    const param_t **ps = orb_alloc(x->mcx, sizeof *ps * (size_t)npairs);
    for (int k = 0; k < npairs; k++) {
        int a = 2 + 2 * k;
        ps[k] = param_find(x->argv[a], x->lens[a]);
        if (!ps[k])
            return wire__resp_err(x, "ERR Unknown option or number of arguments for CONFIG SET "
                                     "- '%.*s'",
                                  (int)(x->lens[a] < 128 ? x->lens[a] : 128), x->argv[a]);
        for (int j = 0; j < k; j++)
            if (ps[j] == ps[k])
                return wire__resp_err(x, "ERR CONFIG SET failed (possibly related to argument "
                                         "'%s') - duplicate parameter",
                                      ps[k]->name);
    }
    for (int k = 0; k < npairs; k++) {
        const char *v = x->argv[3 + 2 * k];
        size_t n = x->lens[3 + 2 * k];
        const char *why = NULL;
        if (ps[k]->check) {
            why = ps[k]->check(x, v, n);
        } else {
            char cur[256];
            ps[k]->get(x, cur, sizeof cur);
            if (strlen(cur) != n || strncasecmp(cur, v, n) != 0) why = "can't set immutable config";
        }
        if (why)
            return wire__resp_err(x, "ERR CONFIG SET failed (possibly related to argument '%s') - "
                                     "%s",
                                  ps[k]->name, why);
    }
    for (int k = 0; k < npairs; k++)
        if (ps[k]->apply) ps[k]->apply(x, x->argv[3 + 2 * k], x->lens[3 + 2 * k]);
    wire_resp_put_status(x->out, "OK");
}

static const char *const config_help[] = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
};

void wire__resp_h_config(rctx_t *x) {
    char full[64];
    wire__resp_fullname("config", x->argc, x->argv, x->lens, full, sizeof full);
    bool get = wire__resp_arg_is(x, 1, "get"), set = wire__resp_arg_is(x, 1, "set");
    bool reset = wire__resp_arg_is(x, 1, "resetstat"), rewrite = wire__resp_arg_is(x, 1, "rewrite");
    bool help = wire__resp_arg_is(x, 1, "help");
    if ((get && x->argc < 3) || (set && (x->argc < 4 || x->argc % 2 != 0)) ||
        ((reset || rewrite || help) && x->argc != 2))
        return wire__resp_err(x, "ERR wrong number of arguments for '%s' command", full);
    if (get) return config_get(x);
    if (set) return config_set(x);
    if (reset) {
        wire_resp_shared_t *sh = SH(x);
        atomic_store(&sh->conns_received, 0);
        atomic_store(&sh->commands, 0);
        atomic_store(&sh->published, 0);
        pthread_mutex_lock(&sh->cmu);
        sh->ops_samples = 0;
        sh->used_memory_peak = 0;
        pthread_mutex_unlock(&sh->cmu);
        return wire_resp_put_status(x->out, "OK");
    }
    if (rewrite) return wire__resp_err(x, "ERR The server is running without a config file");
    if (help) {
        size_t n = sizeof config_help / sizeof config_help[0];
        wire_resp_put_array(x->out, n);
        for (size_t i = 0; i < n; i++) wire_resp_put_status(x->out, config_help[i]);
        return;
    }
    wire__resp_err(x, "ERR unknown subcommand '%.*s'. Try CONFIG HELP.",
                   (int)(x->lens[1] < 128 ? x->lens[1] : 128), x->argv[1]);
}
