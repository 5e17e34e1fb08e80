/* wire/wire_resp_pubsub.c — Redis Pub/Sub on one node: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, the sharded forms (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH: a separate
 * namespace) and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB. The registry (channel
 * or pattern -> subscribers) is server-wide under shared->plock. A publisher's executor appends
 * each message straight to the subscriber's pending output (conn->mu) and schedules the
 * subscriber's loop, so publishers never wait for subscribers; a subscriber over the
 * client-output-buffer-limit is closed (README "RESP: clients, Pub/Sub"). Subscribe and
 * unsubscribe replies go the same way, under plock, so no message overtakes its "subscribe". */
#include "wire_resp_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- a hash table of names (channels or patterns) -> subscribers ---------------------------- */
typedef struct ps_entry {
    struct ps_entry *next;
    uint64_t hash;
    char *name;
    size_t len;
    wire_resp_client_t **subs; /* registry tables only */
    size_t nsubs, cap;
} ps_entry_t;

struct ps_table {
    ps_entry_t **b;
    size_t nb, n;
};

static uint64_t hash_name(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static ps_table_t *table_create(void) {
    ps_table_t *t = calloc(1, sizeof *t);
    if (!t) orb_panic("out of memory");
    t->nb = 16;
    t->b = calloc(t->nb, sizeof *t->b);
    if (!t->b) orb_panic("out of memory");
    return t;
}

static void entry_free(ps_entry_t *e) {
    free(e->name);
    free(e->subs);
    free(e);
}

static void table_destroy(ps_table_t *t) {
    if (!t) return;
    for (size_t i = 0; i < t->nb; i++) {
        ps_entry_t *e = t->b[i];
        while (e) {
            ps_entry_t *next = e->next;
            entry_free(e);
            e = next;
        }
    }
    free(t->b);
    free(t);
}

static ps_entry_t *table_find(const ps_table_t *t, const char *p, size_t n) {
    if (!t) return NULL;
    uint64_t h = hash_name(p, n);
    for (ps_entry_t *e = t->b[h & (t->nb - 1)]; e; e = e->next)
        if (e->hash == h && e->len == n && memcmp(e->name, p, n) == 0) return e;
    return NULL;
}

static ps_entry_t *table_add(ps_table_t *t, const char *p, size_t n) {
    if (t->n >= t->nb) { /* grow: load factor 1 */
        size_t nb = t->nb * 2;
        ps_entry_t **b = calloc(nb, sizeof *b);
        if (!b) orb_panic("out of memory");
        for (size_t i = 0; i < t->nb; i++) {
            ps_entry_t *e = t->b[i];
            while (e) {
                ps_entry_t *next = e->next;
                e->next = b[e->hash & (nb - 1)];
                b[e->hash & (nb - 1)] = e;
                e = next;
            }
        }
        free(t->b);
        t->b = b;
        t->nb = nb;
    }
    ps_entry_t *e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory");
    e->hash = hash_name(p, n);
    e->name = malloc(n + 1);
    if (!e->name) orb_panic("out of memory");
    memcpy(e->name, p, n);
    e->name[n] = 0;
    e->len = n;
    e->next = t->b[e->hash & (t->nb - 1)];
    t->b[e->hash & (t->nb - 1)] = e;
    t->n++;
    return e;
}

static void table_remove(ps_table_t *t, ps_entry_t *e) {
    for (ps_entry_t **pp = &t->b[e->hash & (t->nb - 1)]; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            t->n--;
            entry_free(e);
            return;
        }
    }
    (void)ORB_NEVER(true);
}

static void entry_add_sub(ps_entry_t *e, wire_resp_client_t *cl) {
    if (e->nsubs == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        wire_resp_client_t **s = realloc(e->subs, cap * sizeof *s);
        if (!s) orb_panic("out of memory");
        e->subs = s;
        e->cap = cap;
    }
    e->subs[e->nsubs++] = cl;
}

static void entry_remove_sub(ps_entry_t *e, wire_resp_client_t *cl) {
    for (size_t i = 0; i < e->nsubs; i++) {
        if (e->subs[i] == cl) {
            /* keep subscription order: Redis delivers to subscribers in the order they came */
            memmove(e->subs + i, e->subs + i + 1, (e->nsubs - i - 1) * sizeof *e->subs);
            e->nsubs--;
            return;
        }
    }
    (void)ORB_NEVER(true);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

void wire__resp_pubsub_init(wire_resp_shared_t *sh) {
    pthread_rwlock_init(&sh->plock, NULL);
    sh->channels = table_create();
    sh->shard_channels = table_create();
    sh->patterns = table_create();
}

void wire__resp_pubsub_destroy(wire_resp_shared_t *sh) {
    table_destroy(sh->channels);
    table_destroy(sh->shard_channels);
    table_destroy(sh->patterns);
    pthread_rwlock_destroy(&sh->plock);
}

void wire__resp_pubsub_counts(wire_resp_shared_t *sh, size_t *channels, size_t *patterns,
                              size_t *shard_channels) {
    pthread_rwlock_rdlock(&sh->plock);
    *channels = sh->channels->n;
    *patterns = sh->patterns->n;
    *shard_channels = sh->shard_channels->n;
    pthread_rwlock_unlock(&sh->plock);
}

bool wire__resp_pubsub_active(const wire_resp_client_t *cl) {
    return atomic_load(&cl->nsub) + atomic_load(&cl->npsub) + atomic_load(&cl->nssub) > 0;
}

/* ---- delivery ----------------------------------------------------------------------------------- */

/* Appends msg (RESP2 framing; '>' replaces the leading '*' for a RESP3 client) to cl's pending
 * output and asks its loop to write it. Past the pubsub output limit the client is closed.
 * Returns whether the client took the message. plock held (read or write). */
static bool deliver(wire_resp_shared_t *sh, wire_resp_client_t *cl, const char *msg, size_t n) {
    wire_conn_t *c = cl->c;
    bool took = false, kill = false;
    size_t total = 0;
    const char *why = "";
    pthread_mutex_lock(&c->mu);
    if (!c->shut && !c->kill) {
        size_t at = c->pending_out.len;
        orb_buf_append(&c->pending_out, msg, n);
        if (atomic_load(&cl->proto) >= 3 && msg[0] == '*') c->pending_out.data[at] = '>';
        took = true;
        total = c->pending_out.len + c->inflight;
        long long hard = atomic_load(&sh->obl_hard), soft = atomic_load(&sh->obl_soft);
        long long secs = atomic_load(&sh->obl_soft_secs);
        if (hard > 0 && total >= (size_t)hard) {
            kill = true;
            why = "hard";
        } else if (soft > 0 && total >= (size_t)soft) {
            int64_t now = wire__resp_now_ms();
            if (cl->soft_since_ms == 0) cl->soft_since_ms = now;
            else if (now - cl->soft_since_ms >= secs * 1000) {
                kill = true;
                why = "soft";
            }
        } else {
            cl->soft_since_ms = 0;
        }
        if (kill) c->kill = true;
    }
    pthread_mutex_unlock(&c->mu);
    if (kill)
        orb_log(ORB_LOG_WARN, "wire",
                "closing pubsub client over its output buffer limit id=%llu addr=%s omem=%zu "
                "limit=%s",
                (unsigned long long)cl->id, cl->addr, total, why);
    if (took) wire__conn_schedule(c);
    return took;
}

static void put_bulk_raw(orb_buf_t *b, const char *p, size_t n) { wire_resp_put_bulk(b, p, n); }

/* The caller's own replies: everything already in c->out first, then `b`, straight into the
 * pending output (so ordered with the messages publishers append there). */
static void emit_own(rctx_t *x, orb_buf_t *b) {
    wire_conn_t *c = x->c;
    pthread_mutex_lock(&c->mu);
    if (!c->shut) orb_buf_append(&c->pending_out, b->data, b->len);
    pthread_mutex_unlock(&c->mu);
    orb_buf_reset(b);
}

/* ---- (un)subscribing ------------------------------------------------------------------------------ */

typedef enum { NS_CHANNEL, NS_PATTERN, NS_SHARD } ns_t;

static const char *const sub_verb[] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_verb[] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

static ps_table_t *registry(wire_resp_shared_t *sh, ns_t ns) {
    return ns == NS_CHANNEL ? sh->channels : ns == NS_PATTERN ? sh->patterns : sh->shard_channels;
}

static ps_table_t **mine(wire_resp_client_t *cl, ns_t ns) {
    return ns == NS_CHANNEL ? &cl->my_channels : ns == NS_PATTERN ? &cl->my_patterns : &cl->my_shard;
}

static atomic_int *counter(wire_resp_client_t *cl, ns_t ns) {
    return ns == NS_CHANNEL ? &cl->nsub : ns == NS_PATTERN ? &cl->npsub : &cl->nssub;
}

/* The count Redis reports: channels + patterns, or shard channels alone. */
static long long sub_count(wire_resp_client_t *cl, ns_t ns) {
    if (ns == NS_SHARD) return atomic_load(&cl->nssub);
    return atomic_load(&cl->nsub) + atomic_load(&cl->npsub);
}

static void put_notice(orb_buf_t *b, int proto, const char *verb, const char *name, size_t n,
                       long long count) {
    orb_buf_puts(b, proto >= 3 ? ">3\r\n" : "*3\r\n");
    wire__resp_put_str(b, verb);
    if (name) put_bulk_raw(b, name, n);
    else wire_resp_put_null(b, proto);
    wire_resp_put_int(b, count);
}

/* plock write-locked. */
static bool add_sub(wire_resp_shared_t *sh, wire_resp_client_t *cl, ns_t ns, const char *p,
                    size_t n) {
    ps_table_t **my = mine(cl, ns);
    if (!*my) *my = table_create();
    if (table_find(*my, p, n)) return false;
    table_add(*my, p, n);
    ps_table_t *reg = registry(sh, ns);
    ps_entry_t *e = table_find(reg, p, n);
    if (!e) e = table_add(reg, p, n);
    entry_add_sub(e, cl);
    atomic_fetch_add(counter(cl, ns), 1);
    return true;
}

/* plock write-locked. */
static bool remove_sub(wire_resp_shared_t *sh, wire_resp_client_t *cl, ns_t ns, const char *p,
                       size_t n) {
    ps_table_t *my = *mine(cl, ns);
    ps_entry_t *me = table_find(my, p, n);
    if (!me) return false;
    ps_table_t *reg = registry(sh, ns);
    ps_entry_t *e = table_find(reg, p, n);
    if (ORB_ALWAYS(e)) {
        entry_remove_sub(e, cl);
        if (e->nsubs == 0) table_remove(reg, e);
    }
    table_remove(my, me);
    atomic_fetch_sub(counter(cl, ns), 1);
    return true;
}

static void subscribe_generic(rctx_t *x, ns_t ns) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    wire_resp_client_t *cl = x->c->rcl;
    wire__conn_flush(x->c); /* earlier replies go first */
    orb_buf_t b;
    orb_buf_init(&b);
    for (int i = 1; i < x->argc; i++) {
        pthread_rwlock_wrlock(&sh->plock);
        add_sub(sh, cl, ns, x->argv[i], x->lens[i]);
        put_notice(&b, x->rs->proto, sub_verb[ns], x->argv[i], x->lens[i], sub_count(cl, ns));
        emit_own(x, &b);
        pthread_rwlock_unlock(&sh->plock);
    }
    orb_buf_free(&b);
    wire__conn_schedule(x->c);
}

static void unsubscribe_generic(rctx_t *x, ns_t ns) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    wire_resp_client_t *cl = x->c->rcl;
    wire__conn_flush(x->c);
    orb_buf_t b;
    orb_buf_init(&b);
    pthread_rwlock_wrlock(&sh->plock);
    if (x->argc > 1) {
        for (int i = 1; i < x->argc; i++) {
            remove_sub(sh, cl, ns, x->argv[i], x->lens[i]);
            put_notice(&b, x->rs->proto, unsub_verb[ns], x->argv[i], x->lens[i],
                       sub_count(cl, ns));
        }
    } else {
        ps_table_t *my = *mine(cl, ns);
        bool any = false;
        while (my && my->n > 0) {
            ps_entry_t *e = NULL;
            for (size_t k = 0; k < my->nb && !e; k++) e = my->b[k];
            size_t n = e->len;
            char *name = orb_memdup(x->mcx, e->name, n);
            remove_sub(sh, cl, ns, name, n);
            put_notice(&b, x->rs->proto, unsub_verb[ns], name, n, sub_count(cl, ns));
            any = true;
        }
        if (!any) put_notice(&b, x->rs->proto, unsub_verb[ns], NULL, 0, sub_count(cl, ns));
    }
    emit_own(x, &b);
    pthread_rwlock_unlock(&sh->plock);
    orb_buf_free(&b);
    wire__conn_schedule(x->c);
}

void wire__resp_pubsub_drop_all(wire_resp_client_t *cl) {
    wire_resp_shared_t *sh = wire__resp_shared(cl->c);
    pthread_rwlock_wrlock(&sh->plock);
    for (ns_t ns = NS_CHANNEL; ns <= NS_SHARD; ns++) {
        ps_table_t *my = *mine(cl, ns);
        while (my && my->n > 0) {
            ps_entry_t *e = NULL;
            for (size_t k = 0; k < my->nb && !e; k++) e = my->b[k];
            ps_table_t *reg = registry(sh, ns);
            ps_entry_t *r = table_find(reg, e->name, e->len);
            if (ORB_ALWAYS(r)) {
                entry_remove_sub(r, cl);
                if (r->nsubs == 0) table_remove(reg, r);
            }
            table_remove(my, e);
        }
        table_destroy(my);
        *mine(cl, ns) = NULL;
        atomic_store(counter(cl, ns), 0);
    }
    pthread_rwlock_unlock(&sh->plock);
}

void wire__resp_h_subscribe(rctx_t *x) { subscribe_generic(x, NS_CHANNEL); }
void wire__resp_h_psubscribe(rctx_t *x) { subscribe_generic(x, NS_PATTERN); }
void wire__resp_h_ssubscribe(rctx_t *x) { subscribe_generic(x, NS_SHARD); }
void wire__resp_h_unsubscribe(rctx_t *x) { unsubscribe_generic(x, NS_CHANNEL); }
void wire__resp_h_punsubscribe(rctx_t *x) { unsubscribe_generic(x, NS_PATTERN); }
void wire__resp_h_sunsubscribe(rctx_t *x) { unsubscribe_generic(x, NS_SHARD); }

/* ---- publishing --------------------------------------------------------------------------------- */

static void publish_generic(rctx_t *x, bool shard) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    const char *ch = x->argv[1], *msg = x->argv[2];
    size_t chn = x->lens[1], msgn = x->lens[2];
    /* A RESP3 client may receive its own message: its earlier replies go first. */
    if (wire__resp_pubsub_active(x->c->rcl)) wire__conn_flush(x->c);
    orb_buf_t m, pm;
    orb_buf_init(&m);
    orb_buf_init(&pm);
    orb_buf_puts(&m, "*3\r\n");
    wire__resp_put_str(&m, shard ? "smessage" : "message");
    put_bulk_raw(&m, ch, chn);
    put_bulk_raw(&m, msg, msgn);
    long long receivers = 0;
    pthread_rwlock_rdlock(&sh->plock);
    ps_entry_t *e = table_find(shard ? sh->shard_channels : sh->channels, ch, chn);
    if (e)
        for (size_t i = 0; i < e->nsubs; i++) receivers += deliver(sh, e->subs[i], m.data, m.len);
    if (!shard && sh->patterns->n > 0) {
        for (size_t k = 0; k < sh->patterns->nb; k++) {
            for (ps_entry_t *p = sh->patterns->b[k]; p; p = p->next) {
                if (!wire_resp_glob_match(p->name, p->len, ch, chn, false)) continue;
                orb_buf_reset(&pm);
                orb_buf_puts(&pm, "*4\r\n");
                wire__resp_put_str(&pm, "pmessage");
                put_bulk_raw(&pm, p->name, p->len);
                put_bulk_raw(&pm, ch, chn);
                put_bulk_raw(&pm, msg, msgn);
                for (size_t i = 0; i < p->nsubs; i++)
                    receivers += deliver(sh, p->subs[i], pm.data, pm.len);
            }
        }
    }
    pthread_rwlock_unlock(&sh->plock);
    atomic_fetch_add(&sh->published, (unsigned long long)receivers);
    orb_buf_free(&m);
    orb_buf_free(&pm);
    wire_resp_put_int(x->out, receivers);
}

void wire__resp_h_publish(rctx_t *x) { publish_generic(x, false); }
void wire__resp_h_spublish(rctx_t *x) { publish_generic(x, true); }

/* ---- PUBSUB --------------------------------------------------------------------------------------- */

static void list_channels(rctx_t *x, ps_table_t *t) {
    const char *pat = x->argc == 3 ? x->argv[2] : NULL;
    size_t patn = x->argc == 3 ? x->lens[2] : 0;
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    orb_buf_t b;
    orb_buf_init(&b);
    size_t n = 0;
    pthread_rwlock_rdlock(&sh->plock);
    for (size_t k = 0; k < t->nb; k++) {
        for (ps_entry_t *e = t->b[k]; e; e = e->next) {
            if (pat && !wire_resp_glob_match(pat, patn, e->name, e->len, false)) continue;
            put_bulk_raw(&b, e->name, e->len);
            n++;
        }
    }
    pthread_rwlock_unlock(&sh->plock);
    wire_resp_put_array(x->out, n);
    if (n) orb_buf_append(x->out, b.data, b.len);
    orb_buf_free(&b);
}

static void numsub(rctx_t *x, ps_table_t *t) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    wire_resp_put_array(x->out, (size_t)(x->argc - 2) * 2);
    pthread_rwlock_rdlock(&sh->plock);
    for (int i = 2; i < x->argc; i++) {
        ps_entry_t *e = table_find(t, x->argv[i], x->lens[i]);
        put_bulk_raw(x->out, x->argv[i], x->lens[i]);
        wire_resp_put_int(x->out, e ? (int64_t)e->nsubs : 0);
    }
    pthread_rwlock_unlock(&sh->plock);
}

static const char *const pubsub_help[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
};

void wire__resp_h_pubsub(rctx_t *x) {
    wire_resp_shared_t *sh = wire__resp_shared(x->c);
    char full[64];
    wire__resp_fullname("pubsub", x->argc, x->argv, x->lens, full, sizeof full);
    bool chans = wire__resp_arg_is(x, 1, "channels"), schans = wire__resp_arg_is(x, 1, "shardchannels");
    if (chans || schans) {
        if (x->argc > 3)
            return wire__resp_err(x, "ERR unknown subcommand or wrong number of arguments for "
                                     "'%.*s'. Try PUBSUB HELP.",
                                  (int)x->lens[1], x->argv[1]);
        return list_channels(x, chans ? sh->channels : sh->shard_channels);
    }
    if (wire__resp_arg_is(x, 1, "numsub")) return numsub(x, sh->channels);
    if (wire__resp_arg_is(x, 1, "shardnumsub")) return numsub(x, sh->shard_channels);
    if (wire__resp_arg_is(x, 1, "numpat")) {
        if (x->argc != 2)
            return wire__resp_err(x, "ERR wrong number of arguments for '%s' command", full);
        pthread_rwlock_rdlock(&sh->plock);
        size_t n = sh->patterns->n;
        pthread_rwlock_unlock(&sh->plock);
        return wire_resp_put_int(x->out, (int64_t)n);
    }
    if (wire__resp_arg_is(x, 1, "help") && x->argc == 2) {
        size_t n = sizeof pubsub_help / sizeof pubsub_help[0];
        wire_resp_put_array(x->out, n);
        for (size_t i = 0; i < n; i++) wire_resp_put_status(x->out, pubsub_help[i]);
        return;
    }
    wire__resp_err(x, "ERR unknown subcommand '%.*s'. Try PUBSUB HELP.",
                   (int)(x->lens[1] < 128 ? x->lens[1] : 128), x->argv[1]);
}
