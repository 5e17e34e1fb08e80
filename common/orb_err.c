/* common/orb_err.c — the error value: SQLSTATE tables generated from sqlstate.def, and the
 * setters. Entry points: orb_err_set, orb_err_detail, orb_sqlstate_code. See README.md. */
#include "common.h"

#include <stdio.h>
#include <string.h>

static const char *const codes[] = {
#define X(name, code, resp) code,
#include "sqlstate.def"
#undef X
};
static const char *const resp_prefixes[] = {
#define X(name, code, resp) resp,
#include "sqlstate.def"
#undef X
};

const char *orb_sqlstate_code(orb_sqlstate_t s) {
    if (s < 0 || s >= ORB_SQLSTATE__COUNT) return "XX000";
    return codes[s];
}

const char *orb_sqlstate_resp_prefix(orb_sqlstate_t s) {
    if (s < 0 || s >= ORB_SQLSTATE__COUNT) return "ERR";
    return resp_prefixes[s];
}

bool orb_sqlstate_from_code(const char *code, orb_sqlstate_t *out) {
    for (int i = 0; i < ORB_SQLSTATE__COUNT; i++) {
        if (strcmp(codes[i], code) == 0) {
            *out = (orb_sqlstate_t)i;
            return true;
        }
    }
    return false;
}

const char *orb_severity_name(orb_severity_t s) {
    switch (s) {
    case ORB_SEV_ERROR: return "ERROR";
    case ORB_SEV_FATAL: return "FATAL";
    case ORB_SEV_PANIC: return "PANIC";
    case ORB_SEV_WARNING: return "WARNING";
    case ORB_SEV_NOTICE: return "NOTICE";
    case ORB_SEV_INFO: return "INFO";
    case ORB_SEV_DEBUG: return "DEBUG";
    }
    return "ERROR";
}

void orb_err_clear(orb_err_t *err) {
    if (!err) return;
    memset(err, 0, sizeof *err);
}

int orb_err_set_at(orb_err_t *err, const char *file, int line, orb_sqlstate_t code,
                   const char *fmt, ...) {
    if (!err) return -1;
    orb_err_clear(err);
    err->code = code;
    err->severity = ORB_SEV_ERROR;
    err->file = file;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (code == ORB_SQLSTATE_INTERNAL_ERROR || code == ORB_SQLSTATE_DATA_CORRUPTED)
        orb_log(ORB_LOG_ERROR, "common", "internal error at %s:%d: %s", file, line, err->message);
    return -1;
}

void orb_err_detail(orb_err_t *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
}

void orb_err_hint(orb_err_t *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}
