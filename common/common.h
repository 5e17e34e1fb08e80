/* common/common.h — the public header of common/: the error value, memory contexts,
 * logging, asserts and a growable byte buffer. Every layer may include it.
 * See common/README.md. */
#ifndef ORB_COMMON_H
#define ORB_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- asserts ------------------------------------------------------------------------- */
#include <assert.h>
#ifdef NDEBUG
#define ORB_ALWAYS(x) (x)
#define ORB_NEVER(x) (x)
#else
#define ORB_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define ORB_NEVER(x) ((x) ? (assert(0 && #x), 1) : 0)
#endif
#define ORB_UNUSED(x) ((void)(x))
_Noreturn void orb_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Non-blocking status codes besides 0 / -1 (see STYLE.md section 3). */
#define ORB_AGAIN (-2)
#define ORB_DECLINED (-3)

/* ---- errors -------------------------------------------------------------------------- */
typedef enum orb_sqlstate {
#define X(name, code, resp) ORB_SQLSTATE_##name,
#include "sqlstate.def"
#undef X
    ORB_SQLSTATE__COUNT
} orb_sqlstate_t;

typedef enum orb_severity {
    ORB_SEV_ERROR = 0,
    ORB_SEV_FATAL,
    ORB_SEV_PANIC,
    ORB_SEV_WARNING,
    ORB_SEV_NOTICE,
    ORB_SEV_INFO,
    ORB_SEV_DEBUG,
} orb_severity_t;

#define ORB_ERR_MSG_MAX 512
#define ORB_ERR_DETAIL_MAX 512

/* The one error value (STYLE.md section 3). Fixed-size so it can live on the stack and be
 * filled without allocating. position is 1-based into the query text, 0 when unknown. */
typedef struct orb_err {
    orb_sqlstate_t code;
    orb_severity_t severity;
    int position;
    char message[ORB_ERR_MSG_MAX];
    char detail[ORB_ERR_DETAIL_MAX];
    char hint[ORB_ERR_DETAIL_MAX];
    char context[ORB_ERR_DETAIL_MAX]; /* optional: pgwire 'W' (where the error happened) */
    char table[64];      /* optional: table name field (pgwire 't') */
    char constraint[64]; /* optional: constraint name field (pgwire 'n') */
    const char *file;    /* for logs only */
    int line;
} orb_err_t;

const char *orb_sqlstate_code(orb_sqlstate_t s);      /* "42P01" */
const char *orb_sqlstate_resp_prefix(orb_sqlstate_t s); /* "ERR", "WRONGTYPE" ... */
const char *orb_severity_name(orb_severity_t s);      /* "ERROR" */
bool orb_sqlstate_from_code(const char *code, orb_sqlstate_t *out);

void orb_err_clear(orb_err_t *err);
/* Fill err (may be NULL) and return -1 so callers can `return orb_err_set(...)`. */
int orb_err_set_at(orb_err_t *err, const char *file, int line, orb_sqlstate_t code,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define orb_err_set(err, code, ...)                                                         \
    orb_err_set_at((err), __FILE__, __LINE__, ORB_SQLSTATE_##code, __VA_ARGS__)
void orb_err_detail(orb_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void orb_err_hint(orb_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- memory contexts ----------------------------------------------------------------- */
/* An arena: allocations are freed together by reset or destroy. Contexts form a tree;
 * destroying a parent destroys its children. Not thread-safe: one owner thread at a time. */
typedef struct orb_mcx orb_mcx_t;
typedef void (*orb_mcx_cleanup_cb)(void *arg);

orb_mcx_t *orb_mcx_create(orb_mcx_t *parent, const char *name);
void orb_mcx_destroy(orb_mcx_t *mcx);
/* Frees every allocation and child context and runs the cleanups (last registered first). */
void orb_mcx_reset(orb_mcx_t *mcx);
void *orb_alloc(orb_mcx_t *mcx, size_t n);  /* uninitialised, 16-byte aligned */
void *orb_alloc0(orb_mcx_t *mcx, size_t n); /* zeroed */
void *orb_realloc(orb_mcx_t *mcx, void *p, size_t oldn, size_t newn);
char *orb_strdup(orb_mcx_t *mcx, const char *s);
char *orb_strndup(orb_mcx_t *mcx, const char *s, size_t n);
void *orb_memdup(orb_mcx_t *mcx, const void *p, size_t n);
char *orb_sprintf(orb_mcx_t *mcx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void orb_mcx_on_reset(orb_mcx_t *mcx, orb_mcx_cleanup_cb fn, void *arg);
size_t orb_mcx_bytes(const orb_mcx_t *mcx); /* bytes held, children included */

/* ---- growable buffer ----------------------------------------------------------------- */
/* Heap-backed (malloc) so it can outlive contexts; caller frees with orb_buf_free. */
typedef struct orb_buf {
    char *data;
    size_t len;
    size_t cap;
} orb_buf_t;
void orb_buf_init(orb_buf_t *b);
void orb_buf_free(orb_buf_t *b);
void orb_buf_reserve(orb_buf_t *b, size_t extra);
void orb_buf_append(orb_buf_t *b, const void *p, size_t n);
void orb_buf_putc(orb_buf_t *b, char c);
void orb_buf_puts(orb_buf_t *b, const char *s);
void orb_buf_printf(orb_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void orb_buf_reset(orb_buf_t *b);
void orb_buf_put_u8(orb_buf_t *b, uint8_t v);
void orb_buf_put_be16(orb_buf_t *b, uint16_t v);
void orb_buf_put_be32(orb_buf_t *b, uint32_t v);
void orb_buf_put_be64(orb_buf_t *b, uint64_t v);

/* ---- float output (orb_float.c) ----------------------------------------------------- */
/* Appends d as PostgreSQL prints it with extra_float_digits = 1: the shortest digits that
 * read back as the same float4 (is_float4) or float8; NaN, Infinity, -Infinity. */
void orb_float_out(double d, bool is_float4, orb_buf_t *out);

/* ---- logging ------------------------------------------------------------------------- */
typedef enum orb_log_level {
    ORB_LOG_DEBUG = 0,
    ORB_LOG_INFO,
    ORB_LOG_NOTICE,
    ORB_LOG_WARN,
    ORB_LOG_ERROR,
    ORB_LOG_FATAL,
} orb_log_level_t;
void orb_log_set_level(orb_log_level_t lvl);
bool orb_log_level_parse(const char *s, orb_log_level_t *out);
bool orb_log_enabled(orb_log_level_t lvl);
/* One line per event: "ts LEVEL [layer] message key=value ..." on stderr. */
void orb_log(orb_log_level_t lvl, const char *layer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- big-endian helpers -------------------------------------------------------------- */
static inline uint16_t orb_get_be16(const void *p) {
    const uint8_t *b = p;
    return (uint16_t)((b[0] << 8) | b[1]);
}
static inline uint32_t orb_get_be32(const void *p) {
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static inline uint64_t orb_get_be64(const void *p) {
    const uint8_t *b = p;
    return ((uint64_t)orb_get_be32(b) << 32) | orb_get_be32(b + 4);
}
static inline void orb_set_be32(void *p, uint32_t v) {
    uint8_t *b = p;
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

#endif
