/* common/orb_mcx.c — memory contexts: block arenas in a tree, with cleanup callbacks.
 * Entry points: orb_mcx_create/destroy/reset, orb_alloc. Invariant: a context is touched by
 * one thread at a time (see README.md). Large requests get their own block. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MCX_BLOCK 8192
#define MCX_ALIGN 16

typedef struct mcx_block {
    struct mcx_block *next;
    size_t used;
    size_t cap;
    _Alignas(16) char data[];
} mcx_block_t;

typedef struct mcx_cleanup {
    struct mcx_cleanup *next;
    orb_mcx_cleanup_cb fn;
    void *arg;
} mcx_cleanup_t;

struct orb_mcx {
    orb_mcx_t *parent;
    orb_mcx_t *first_child;
    orb_mcx_t *next_sibling;
    mcx_block_t *blocks;
    mcx_cleanup_t *cleanups;
    size_t bytes;
    const char *name;
};

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) orb_panic("out of memory allocating %zu bytes", n);
    return p;
}

orb_mcx_t *orb_mcx_create(orb_mcx_t *parent, const char *name) {
    orb_mcx_t *m = xmalloc(sizeof *m);
    memset(m, 0, sizeof *m);
    m->name = name;
    m->parent = parent;
    if (parent) {
        m->next_sibling = parent->first_child;
        parent->first_child = m;
    }
    return m;
}

static void mcx_release(orb_mcx_t *m) {
    while (m->first_child) orb_mcx_destroy(m->first_child);
    while (m->cleanups) {
        mcx_cleanup_t *c = m->cleanups;
        m->cleanups = c->next;
        c->fn(c->arg);
    }
    mcx_block_t *b = m->blocks;
    while (b) {
        mcx_block_t *n = b->next;
        free(b);
        b = n;
    }
    m->blocks = NULL;
    m->bytes = 0;
}

void orb_mcx_reset(orb_mcx_t *m) {
    if (!m) return;
    mcx_release(m);
}

void orb_mcx_destroy(orb_mcx_t *m) {
    if (!m) return;
    mcx_release(m);
    if (m->parent) {
        orb_mcx_t **pp = &m->parent->first_child;
        while (*pp && *pp != m) pp = &(*pp)->next_sibling;
        if (*pp) *pp = m->next_sibling;
    }
    free(m);
}

void *orb_alloc(orb_mcx_t *m, size_t n) {
    n = (n + MCX_ALIGN - 1) & ~(size_t)(MCX_ALIGN - 1);
    if (n == 0) n = MCX_ALIGN;
    mcx_block_t *b = m->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > MCX_BLOCK / 4 ? n : MCX_BLOCK;
        mcx_block_t *nb = xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->cap = cap;
        if (cap == n && b) {
            /* a large request: keep the current block first so its free space stays usable */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            m->blocks = nb;
        }
        m->bytes += cap;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *orb_alloc0(orb_mcx_t *m, size_t n) {
    void *p = orb_alloc(m, n);
    memset(p, 0, n);
    return p;
}

void *orb_realloc(orb_mcx_t *m, void *p, size_t oldn, size_t newn) {
    if (newn <= oldn && p) return p;
    void *q = orb_alloc(m, newn);
    if (p && oldn) memcpy(q, p, oldn);
    return q;
}

char *orb_strdup(orb_mcx_t *m, const char *s) { return orb_strndup(m, s, strlen(s)); }

char *orb_strndup(orb_mcx_t *m, const char *s, size_t n) {
    char *p = orb_alloc(m, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *orb_memdup(orb_mcx_t *m, const void *src, size_t n) {
    void *p = orb_alloc(m, n ? n : 1);
    if (n) memcpy(p, src, n);
    return p;
}

char *orb_sprintf(orb_mcx_t *m, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = orb_alloc(m, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void orb_mcx_on_reset(orb_mcx_t *m, orb_mcx_cleanup_cb fn, void *arg) {
    mcx_cleanup_t *c = orb_alloc(m, sizeof *c);
    c->fn = fn;
    c->arg = arg;
    c->next = m->cleanups;
    m->cleanups = c;
}

size_t orb_mcx_bytes(const orb_mcx_t *m) {
    size_t n = m->bytes;
    for (const orb_mcx_t *c = m->first_child; c; c = c->next_sibling) n += orb_mcx_bytes(c);
    return n;
}
