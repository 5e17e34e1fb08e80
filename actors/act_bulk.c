/* actors/act_bulk.c — the file-backed rows of a bulk load (COPY into a shard its transaction
 * owns, README "Bulk inserts"): entries are buffered in memory, spilled as sorted run files
 * when the buffer is full, and at commit merged into one sorted SST file for ingestion (or
 * put into the transaction's write batch when the transaction does more afterwards).
 * Entry points: act__bulk_create/add/contains/each/finish/destroy. Worker thread only.
 * Invariants: memory stays under BULK_RUN_BYTES plus a sparse index per run; run files are
 * private temporaries (<data_dir>/bulk, wiped at startup): nothing is durable before the
 * ingestion, which is atomic. */
#include "actors_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BULK_RUN_BYTES ((size_t)16 << 20) /* in-memory buffer per shard before a spill */
#define BULK_SPARSE 64                     /* one sparse index key per this many records */
#define BULK_MAX_RUNS 16                   /* then the runs are merged into one */
#define BULK_READ_BUF ((size_t)1 << 20)

/* A record: u32 key length, u32 value length, key, value (host order; never leaves here). */
typedef struct bulk_run {
    char *path;
    int fd;
    uint64_t n, size;
    char **sk;      /* sparse index: the key of every BULK_SPARSE-th record ... */
    uint32_t *skn;
    uint64_t *soff; /* ... and its offset */
    size_t ns;
} bulk_run_t;

/* A record of the arena: its offset, and bytes 6..21 of its key as two big-endian integers
 * (all keys of one table-shard share table id and shard, bytes 0..5; then come the index id
 * and the first columns, an int key ends within them), so most comparisons of a sort are
 * integer comparisons. */
typedef struct bulk_ent {
    uint64_t pfx, pfx2;
    uint64_t off;
} bulk_ent_t;

struct act_bulk {
    size_t run_bytes; /* BULK_RUN_BYTES; tests make it small with ORBIT_BULK_RUN_BYTES */
    char *dir;
    char *prefix; /* file name prefix: txn, table, shard */
    char *arena;
    size_t len, cap;
    bulk_ent_t *offs; /* records of the arena */
    size_t n, capn;
    bulk_run_t *runs;
    size_t nruns, capruns;
    unsigned seq; /* run file names */
    uint64_t total;
};

static int io_err(orb_err_t *err, const char *what, const char *path) {
    int e = errno;
    if (e == ENOSPC)
        return orb_err_set(err, DISK_FULL, "could not %s bulk load file \"%s\": %s", what, path,
                           strerror(e));
    return orb_err_set(err, IO_ERROR, "could not %s bulk load file \"%s\": %s", what, path,
                       strerror(e));
}

act_bulk_t *act__bulk_create(act_runtime_t *rt, uint64_t txn, uint32_t table_id, uint32_t shard,
                             const char *what) {
    act_bulk_t *b = calloc(1, sizeof *b);
    if (!b) orb_panic("out of memory starting a bulk load");
    size_t n = strlen(rt->data_dir) + 8;
    b->dir = malloc(n);
    b->prefix = malloc(64);
    if (!b->dir || !b->prefix) orb_panic("out of memory starting a bulk load");
    snprintf(b->dir, n, "%s/bulk", rt->data_dir);
    snprintf(b->prefix, 64, "x%llu_t%u_s%u_%s", (unsigned long long)txn, table_id, shard, what);
    b->run_bytes = BULK_RUN_BYTES;
    const char *env = getenv("ORBIT_BULK_RUN_BYTES"); /* test knob (tests/integration/test_copy) */
    if (env && atol(env) > 0) b->run_bytes = (size_t)atol(env);
    return b;
}

static const char *rec_key(const char *r, uint32_t *kn) {
    memcpy(kn, r, 4);
    return r + 8;
}

static int key_cmp(const char *a, uint32_t an, const char *b, uint32_t bn) {
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an < bn ? -1 : an > bn);
}

static _Thread_local const char *tl_arena; /* qsort has no argument: each worker its arena */

static int off_cmp(const void *x, const void *y) {
    const bulk_ent_t *ea = x, *eb = y;
    if (ea->pfx != eb->pfx) return ea->pfx < eb->pfx ? -1 : 1;
    if (ea->pfx2 != eb->pfx2) return ea->pfx2 < eb->pfx2 ? -1 : 1;
    uint32_t an, bn;
    const char *a = rec_key(tl_arena + ea->off, &an);
    const char *b = rec_key(tl_arena + eb->off, &bn);
    return key_cmp(a, an, b, bn);
}

/* Bytes [from, from + 8) of the key, big-endian, zero-padded: equal keys give equal
 * values and a smaller value means a smaller key (a shorter key pads with zeros, which sorts
 * it before or equal to any longer key with the same bytes; equal values fall back to the
 * full comparison). */
static uint64_t key_pfx(const char *k, size_t kn, size_t from) {
    uint8_t p[8] = {0};
    if (kn > from) memcpy(p, k + from, kn - from < 8 ? kn - from : 8);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static void arena_sort(act_bulk_t *b) {
    if (b->n < 2) return; /* a claimed shard that got no rows has no offs at all */
    tl_arena = b->arena;
    qsort(b->offs, b->n, sizeof *b->offs, off_cmp);
}

/* Writing a run file: records in key order through one buffer, with the sparse index. */
typedef struct run_writer {
    bulk_run_t r;
    char *buf;
    size_t bl, capns;
} run_writer_t;

static int rw_open(act_bulk_t *b, run_writer_t *w, orb_err_t *err) {
    memset(w, 0, sizeof *w);
    if (mkdir(b->dir, 0700) != 0 && errno != EEXIST) return io_err(err, "create directory for", b->dir);
    size_t pn = strlen(b->dir) + strlen(b->prefix) + 32;
    w->r.path = malloc(pn);
    w->buf = malloc(BULK_READ_BUF);
    if (!w->r.path || !w->buf) orb_panic("out of memory spilling a bulk load");
    snprintf(w->r.path, pn, "%s/%s_r%u.run", b->dir, b->prefix, b->seq++);
    w->r.fd = open(w->r.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w->r.fd < 0) {
        io_err(err, "create", w->r.path);
        free(w->r.path);
        free(w->buf);
        return -1;
    }
    return 0;
}

static int rw_flush(run_writer_t *w, orb_err_t *err) {
    if (w->bl && write(w->r.fd, w->buf, w->bl) != (ssize_t)w->bl) return io_err(err, "write", w->r.path);
    w->bl = 0;
    return 0;
}

static int rw_add(void *arg, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err) {
    run_writer_t *w = arg;
    bulk_run_t *r = &w->r;
    if (r->n % BULK_SPARSE == 0) {
        if (r->ns == w->capns) {
            size_t nc = w->capns ? w->capns * 2 : 256;
            r->sk = realloc(r->sk, nc * sizeof *r->sk);
            r->skn = realloc(r->skn, nc * sizeof *r->skn);
            r->soff = realloc(r->soff, nc * sizeof *r->soff);
            if (!r->sk || !r->skn || !r->soff) orb_panic("out of memory spilling a bulk load");
            w->capns = nc;
        }
        r->sk[r->ns] = malloc(kn ? kn : 1);
        if (!r->sk[r->ns]) orb_panic("out of memory spilling a bulk load");
        memcpy(r->sk[r->ns], k, kn);
        r->skn[r->ns] = (uint32_t)kn;
        r->soff[r->ns++] = r->size;
    }
    uint32_t hdr[2] = {(uint32_t)kn, (uint32_t)vn};
    size_t rl = 8 + kn + vn;
    if (w->bl + rl > BULK_READ_BUF && rw_flush(w, err) != 0) return -1;
    if (rl > BULK_READ_BUF) {
        if (write(r->fd, hdr, 8) != 8 || write(r->fd, k, kn) != (ssize_t)kn ||
            (vn && write(r->fd, v, vn) != (ssize_t)vn))
            return io_err(err, "write", r->path);
    } else {
        memcpy(w->buf + w->bl, hdr, 8);
        memcpy(w->buf + w->bl + 8, k, kn);
        if (vn) memcpy(w->buf + w->bl + 8 + kn, v, vn);
        w->bl += rl;
    }
    r->n++;
    r->size += rl;
    return 0;
}

static void run_free(bulk_run_t *r) {
    if (r->fd >= 0) close(r->fd);
    unlink(r->path);
    free(r->path);
    for (size_t j = 0; j < r->ns; j++) free(r->sk[j]);
    free(r->sk);
    free(r->skn);
    free(r->soff);
}

/* Ends the run: kept in b->runs on success, removed on failure (rc). */
static int rw_close(act_bulk_t *b, run_writer_t *w, int rc, orb_err_t *err) {
    if (rc == 0) rc = rw_flush(w, err);
    free(w->buf);
    w->buf = NULL;
    if (rc != 0) {
        run_free(&w->r);
        return -1;
    }
    if (b->nruns == b->capruns) {
        size_t nc = b->capruns ? b->capruns * 2 : 8;
        bulk_run_t *nr = realloc(b->runs, nc * sizeof *nr);
        if (!nr) orb_panic("out of memory spilling a bulk load");
        b->runs = nr;
        b->capruns = nc;
    }
    b->runs[b->nruns++] = w->r;
    return 0;
}

static int merge(act_bulk_t *b, int (*cb)(void *, const char *, size_t, const char *, size_t, orb_err_t *),
                 void *arg, bool *dupkey, orb_err_t *err);

/* Writes the arena, sorted, as a new run file with its sparse index; empties the arena.
 * With BULK_MAX_RUNS runs, they are merged into one (so open files and the fan-in of the
 * final merge stay bounded for any input; each byte is rewritten once per 16x growth). */
static int spill(act_bulk_t *b, orb_err_t *err) {
    arena_sort(b);
    run_writer_t w;
    if (rw_open(b, &w, err) != 0) return -1;
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        const char *rec = b->arena + b->offs[i].off;
        uint32_t kn, vn;
        memcpy(&kn, rec, 4);
        memcpy(&vn, rec + 4, 4);
        rc = rw_add(&w, rec + 8, kn, rec + 8 + kn, vn, err);
    }
    if (rw_close(b, &w, rc, err) != 0) return -1;
    b->len = 0;
    b->n = 0;
    if (b->nruns < BULK_MAX_RUNS) return 0;
    if (rw_open(b, &w, err) != 0) return -1;
    bool dup;
    rc = merge(b, rw_add, &w, &dup, err); /* the arena is empty: the runs only */
    if (dup) orb_err_set(err, INTERNAL_ERROR, "bulk load found a duplicate key late");
    size_t old = b->nruns;
    b->nruns = 0; /* rw_close appends the merged run after the old ones are gone */
    bulk_run_t *olds = b->runs;
    b->runs = NULL;
    b->capruns = 0;
    if (rw_close(b, &w, rc, err) != 0) {
        b->runs = olds; /* keep the old runs: they hold the rows */
        b->nruns = old;
        return -1;
    }
    for (size_t i = 0; i < old; i++) run_free(&olds[i]);
    free(olds);
    return 0;
}

int act__bulk_add(act_bulk_t *b, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err) {
    size_t rl = 8 + kn + vn;
    if (b->len && b->len + rl > b->run_bytes && spill(b, err) != 0) return -1;
    if (b->len + rl > b->cap) {
        size_t nc = b->cap ? b->cap : (size_t)1 << 20;
        while (nc < b->len + rl) nc *= 2;
        char *na = realloc(b->arena, nc);
        if (!na) orb_panic("out of memory buffering a bulk load");
        b->arena = na;
        b->cap = nc;
    }
    if (b->n == b->capn) {
        size_t nc = b->capn ? b->capn * 2 : 4096;
        bulk_ent_t *no = realloc(b->offs, nc * sizeof *no);
        if (!no) orb_panic("out of memory buffering a bulk load");
        b->offs = no;
        b->capn = nc;
    }
    uint32_t k32 = (uint32_t)kn, v32 = (uint32_t)vn;
    char *p = b->arena + b->len;
    memcpy(p, &k32, 4);
    memcpy(p + 4, &v32, 4);
    memcpy(p + 8, k, kn);
    if (vn) memcpy(p + 8 + kn, v, vn);
    b->offs[b->n].pfx = key_pfx(k, kn, 6);
    b->offs[b->n].pfx2 = key_pfx(k, kn, 14);
    b->offs[b->n++].off = b->len;
    b->len += rl;
    b->total++;
    return 0;
}

/* Whether a run holds the key: the sparse index narrows it to one stretch of records. */
static int run_contains(const bulk_run_t *r, const char *k, uint32_t kn, bool *found, orb_err_t *err) {
    *found = false;
    if (!r->ns) return 0;
    size_t lo = 0, hi = r->ns; /* last sparse key <= k */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (key_cmp(r->sk[mid], r->skn[mid], k, kn) <= 0) lo = mid;
        else hi = mid;
    }
    if (key_cmp(r->sk[lo], r->skn[lo], k, kn) > 0) return 0;
    uint64_t from = r->soff[lo], to = lo + 1 < r->ns ? r->soff[lo + 1] : r->size;
    size_t n = (size_t)(to - from);
    char *buf = malloc(n ? n : 1);
    if (!buf) orb_panic("out of memory reading a bulk load");
    ssize_t got = pread(r->fd, buf, n, (off_t)from);
    if (got != (ssize_t)n) {
        free(buf);
        return io_err(err, "read", r->path);
    }
    for (size_t off = 0; off + 8 <= n;) {
        uint32_t rkn, rvn;
        memcpy(&rkn, buf + off, 4);
        memcpy(&rvn, buf + off + 4, 4);
        if (rkn == kn && memcmp(buf + off + 8, k, kn) == 0) {
            *found = true;
            break;
        }
        off += 8 + (size_t)rkn + rvn;
    }
    free(buf);
    return 0;
}

int act__bulk_contains(act_bulk_t *b, const char *k, size_t kn, bool *found, orb_err_t *err) {
    *found = false;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t rkn;
        const char *rk = rec_key(b->arena + b->offs[i].off, &rkn);
        if (rkn == kn && memcmp(rk, k, kn) == 0) {
            *found = true;
            return 0;
        }
    }
    for (size_t i = 0; i < b->nruns && !*found; i++)
        if (run_contains(&b->runs[i], k, (uint32_t)kn, found, err) != 0) return -1;
    return 0;
}

/* ---- reading the runs back in order ---------------------------------------------------- */

typedef struct src {
    /* a run file read sequentially, or the (sorted) arena */
    FILE *fp;
    const act_bulk_t *mem;
    size_t mi;
    char *buf;
    size_t bufcap;
    const char *k, *v;
    uint32_t kn, vn;
    bool done;
} src_t;

static int src_next(src_t *s, orb_err_t *err, const char *path) {
    if (s->mem) {
        if (s->mi >= s->mem->n) {
            s->done = true;
            return 0;
        }
        const char *rec = s->mem->arena + s->mem->offs[s->mi++].off;
        memcpy(&s->kn, rec, 4);
        memcpy(&s->vn, rec + 4, 4);
        s->k = rec + 8;
        s->v = rec + 8 + s->kn;
        return 0;
    }
    uint32_t hdr[2];
    size_t got = fread(hdr, 1, 8, s->fp);
    if (got == 0 && feof(s->fp)) {
        s->done = true;
        return 0;
    }
    if (got != 8) return io_err(err, "read", path);
    size_t need = (size_t)hdr[0] + hdr[1];
    if (need > s->bufcap) {
        char *nb = realloc(s->buf, need);
        if (!nb) orb_panic("out of memory reading a bulk load");
        s->buf = nb;
        s->bufcap = need;
    }
    if (need && fread(s->buf, 1, need, s->fp) != need) return io_err(err, "read", path);
    s->kn = hdr[0];
    s->vn = hdr[1];
    s->k = s->buf;
    s->v = s->buf + s->kn;
    return 0;
}

static void srcs_close(src_t *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i].fp) fclose(s[i].fp);
        free(s[i].buf);
    }
    free(s);
}

/* Every entry in key order: cb(arg, key, value); a key met twice fails with *dupkey set. */
static int merge(act_bulk_t *b, int (*cb)(void *, const char *, size_t, const char *, size_t, orb_err_t *),
                 void *arg, bool *dupkey, orb_err_t *err) {
    *dupkey = false;
    arena_sort(b);
    size_t ns = b->nruns + 1;
    src_t *s = calloc(ns, sizeof *s);
    if (!s) orb_panic("out of memory merging a bulk load");
    int rc = 0;
    for (size_t i = 0; i < b->nruns && rc == 0; i++) {
        int fd = dup(b->runs[i].fd);
        s[i].fp = fd >= 0 ? fdopen(fd, "r") : NULL;
        if (!s[i].fp) {
            if (fd >= 0) close(fd);
            rc = io_err(err, "read", b->runs[i].path);
            break;
        }
        setvbuf(s[i].fp, NULL, _IOFBF, BULK_READ_BUF);
        if (fseeko(s[i].fp, 0, SEEK_SET) != 0) rc = io_err(err, "read", b->runs[i].path);
        if (rc == 0) rc = src_next(&s[i], err, b->runs[i].path);
    }
    s[ns - 1].mem = b;
    if (rc == 0) rc = src_next(&s[ns - 1], err, NULL);
    char *last = NULL;
    size_t lastn = 0, lastcap = 0;
    bool have_last = false;
    while (rc == 0) {
        src_t *m = NULL;
        for (size_t i = 0; i < ns; i++)
            if (!s[i].done && (!m || key_cmp(s[i].k, s[i].kn, m->k, m->kn) < 0)) m = &s[i];
        if (!m) break;
        if (have_last && key_cmp(last, (uint32_t)lastn, m->k, m->kn) == 0) {
            *dupkey = true; /* the add path checks every key, so this is only a safety net */
            rc = -1;
            break;
        }
        if (m->kn > lastcap) {
            char *nl = realloc(last, m->kn);
            if (!nl) orb_panic("out of memory merging a bulk load");
            last = nl;
            lastcap = m->kn;
        }
        memcpy(last, m->k, m->kn);
        lastn = m->kn;
        have_last = true;
        rc = cb(arg, m->k, m->kn, m->v, m->vn, err);
        if (rc == 0) rc = src_next(m, err, m->mem ? NULL : b->runs[m - s].path);
    }
    free(last);
    srcs_close(s, ns);
    return rc;
}

int act__bulk_each(act_bulk_t *b, int (*cb)(void *, const char *, size_t, const char *, size_t, orb_err_t *),
                   void *arg, orb_err_t *err) {
    bool dup;
    return merge(b, cb, arg, &dup, err);
}

static int sst_put_cb(void *arg, const char *k, size_t kn, const char *v, size_t vn, orb_err_t *err) {
    return st_sst_put(arg, k, kn, v, vn, err);
}

int act__bulk_finish(act_bulk_t *b, st_db_t *db, char **path, bool *dupkey, orb_err_t *err) {
    *path = NULL;
    *dupkey = false;
    if (b->total == 0) return 0;
    if (mkdir(b->dir, 0700) != 0 && errno != EEXIST) return io_err(err, "create directory for", b->dir);
    size_t pn = strlen(b->dir) + strlen(b->prefix) + 16;
    char *p = malloc(pn);
    if (!p) orb_panic("out of memory finishing a bulk load");
    snprintf(p, pn, "%s/%s.sst", b->dir, b->prefix);
    st_sst_t *sst = st_sst_create(db, p, err);
    if (!sst) {
        free(p);
        return -1;
    }
    int rc = merge(b, sst_put_cb, sst, dupkey, err);
    if (rc == 0) rc = st_sst_finish(sst, err);
    st_sst_destroy(sst);
    if (rc != 0) {
        unlink(p);
        free(p);
        return -1;
    }
    *path = p;
    return 0;
}

uint64_t act__bulk_count(const act_bulk_t *b) { return b->total; }

void act__bulk_destroy(act_bulk_t *b) {
    if (!b) return;
    for (size_t i = 0; i < b->nruns; i++) run_free(&b->runs[i]);
    free(b->runs);
    free(b->arena);
    free(b->offs);
    free(b->dir);
    free(b->prefix);
    free(b);
}

void act__bulk_wipe(act_runtime_t *rt) {
    /* leftovers of loads that never reached their ingestion (a crash): not in the db */
    size_t n = strlen(rt->data_dir) + 8;
    char *dir = malloc(n);
    if (!dir) orb_panic("out of memory");
    snprintf(dir, n, "%s/bulk", rt->data_dir);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue;
            size_t fn = n + strlen(de->d_name) + 2;
            char *f = malloc(fn);
            if (!f) orb_panic("out of memory");
            snprintf(f, fn, "%s/%s", dir, de->d_name);
            unlink(f);
            free(f);
        }
        closedir(d);
    }
    free(dir);
}
