/* common/orb_buf.c — a growable heap byte buffer used for building protocol output and
 * encodings. Entry points: orb_buf_append and the put helpers. See README.md. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void orb_buf_init(orb_buf_t *b) { memset(b, 0, sizeof *b); }

void orb_buf_free(orb_buf_t *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

void orb_buf_reset(orb_buf_t *b) { b->len = 0; }

void orb_buf_reserve(orb_buf_t *b, size_t extra) {
    if (b->cap - b->len >= extra + 1) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) orb_panic("out of memory growing a buffer to %zu bytes", cap);
    b->data = p;
    b->cap = cap;
}

void orb_buf_append(orb_buf_t *b, const void *p, size_t n) {
    orb_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void orb_buf_putc(orb_buf_t *b, char c) { orb_buf_append(b, &c, 1); }
void orb_buf_puts(orb_buf_t *b, const char *s) { orb_buf_append(b, s, strlen(s)); }

void orb_buf_printf(orb_buf_t *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    orb_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void orb_buf_put_u8(orb_buf_t *b, uint8_t v) { orb_buf_append(b, &v, 1); }
void orb_buf_put_be16(orb_buf_t *b, uint16_t v) {
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    orb_buf_append(b, x, 2);
}
void orb_buf_put_be32(orb_buf_t *b, uint32_t v) {
    uint8_t x[4];
    orb_set_be32(x, v);
    orb_buf_append(b, x, 4);
}
void orb_buf_put_be64(orb_buf_t *b, uint64_t v) {
    orb_buf_put_be32(b, (uint32_t)(v >> 32));
    orb_buf_put_be32(b, (uint32_t)v);
}
