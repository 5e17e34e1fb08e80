/* common/orb_log.c — one line per event on stderr with a level and a layer name, and
 * orb_panic for process-level failure. Thread-safe: each line is one fprintf. */
#include "common.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static _Atomic int log_level = ORB_LOG_INFO;
static const char *const level_names[] = {"DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "FATAL"};

void orb_log_set_level(orb_log_level_t lvl) { atomic_store(&log_level, (int)lvl); }
bool orb_log_enabled(orb_log_level_t lvl) { return (int)lvl >= atomic_load(&log_level); }

bool orb_log_level_parse(const char *s, orb_log_level_t *out) {
    for (int i = 0; i <= ORB_LOG_FATAL; i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (orb_log_level_t)i;
            return true;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = ORB_LOG_WARN;
        return true;
    }
    return false;
}

void orb_log(orb_log_level_t lvl, const char *layer, const char *fmt, ...) {
    if (!orb_log_enabled(lvl)) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s [%s] %s\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
            level_names[lvl], layer, msg);
}

void orb_panic(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "PANIC %s\n", msg);
    abort();
}
