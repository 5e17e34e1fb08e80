/* actors/act_progress.c — progress of long shard operations (CREATE INDEX builds), shared
 * between the actors doing the work and the sessions that report it
 * (pg_stat_progress_create_index). A small registry: begin hands out an id that the work's
 * messages carry; actors add to its counters; readers take a snapshot; end removes it.
 * The registry lock (prog_lock) is a leaf: nothing else is taken while it is held. */
#include "actors_int.h"

#include <stdlib.h>
#include <string.h>

struct act_progress_ent {
    struct act_progress_ent *next;
    uint64_t id;
    int phase;
    int64_t total, done;
};

uint64_t act_progress_begin(act_runtime_t *rt) {
    struct act_progress_ent *p = calloc(1, sizeof *p);
    if (!p) orb_panic("out of memory");
    pthread_mutex_lock(&rt->prog_lock);
    p->id = ++rt->prog_next;
    p->next = rt->progress;
    rt->progress = p;
    pthread_mutex_unlock(&rt->prog_lock);
    return p->id;
}

void act_progress_end(act_runtime_t *rt, uint64_t id) {
    pthread_mutex_lock(&rt->prog_lock);
    for (struct act_progress_ent **pp = &rt->progress; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            struct act_progress_ent *p = *pp;
            *pp = p->next;
            free(p);
            break;
        }
    }
    pthread_mutex_unlock(&rt->prog_lock);
}

bool act_progress_get(act_runtime_t *rt, uint64_t id, act_progress_t *out) {
    bool found = false;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&rt->prog_lock);
    for (struct act_progress_ent *p = rt->progress; p; p = p->next) {
        if (p->id == id) {
            out->phase = p->phase;
            out->total = p->total;
            out->done = p->done;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&rt->prog_lock);
    return found;
}

void act__progress_add(act_runtime_t *rt, uint64_t id, int phase, int64_t total, int64_t done) {
    if (!id) return;
    pthread_mutex_lock(&rt->prog_lock);
    for (struct act_progress_ent *p = rt->progress; p; p = p->next) {
        if (p->id == id) {
            if (phase > p->phase) p->phase = phase; /* shards move on at their own pace */
            p->total += total;
            p->done += done;
            break;
        }
    }
    pthread_mutex_unlock(&rt->prog_lock);
}

void act__progress_close(act_runtime_t *rt) {
    while (rt->progress) {
        struct act_progress_ent *p = rt->progress;
        rt->progress = p->next;
        free(p);
    }
}
