/* sql/sql_datetime.c — date, timestamp and timestamptz input, output and field extraction
 * as PostgreSQL 15 does them with DateStyle ISO, MDY and TimeZone UTC. Dates are days since
 * 2000-01-01, timestamps microseconds since 2000-01-01 00:00:00 (UTC for timestamptz);
 * +-infinity are INT32/INT64 min/max. Calendar arithmetic is PostgreSQL's date2j/j2date. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql_types_int.h"

#define PG_EPOCH_JDATE 2451545 /* date2j(2000, 1, 1) */
#define UNIX_EPOCH_JDATE 2440588
#define JULIAN_MINYEAR (-4713)
#define TS_END_JULIAN 109203528 /* date2j(294277, 1, 1) */
#define DATE_END_JULIAN 2147483494

int sql__date2j(int year, int month, int day) {
    int julian, century;
    if (month > 2) {
        month += 1;
        year += 4800;
    } else {
        month += 13;
        year += 4799;
    }
    century = year / 100;
    julian = year * 365 - 32167;
    julian += year / 4 - century + century / 4;
    julian += 7834 * month / 256 + day;
    return julian;
}

void sql__j2date(int jd, int *year, int *month, int *day) {
    unsigned int julian, quad, extra;
    int y;
    julian = (unsigned int)jd;
    julian += 32044;
    quad = julian / 146097;
    extra = (julian - quad * 146097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146097;
    quad = julian / 1461;
    julian -= quad * 1461;
    y = (int)(julian * 4 / 1461);
    julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
    y += (int)quad * 4;
    *year = y - 4800;
    quad = julian * 2141 / 65536;
    *day = (int)(julian - 7834 * quad / 256);
    *month = (int)((quad + 10) % 12 + 1);
}

static bool is_leap(int y) { return (y % 4 == 0) && ((y % 100 != 0) || (y % 400 == 0)); }
static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};
static int month_by_name(const char *w, size_t n) {
    static const char *const full[] = {"january", "february", "march", "april", "may", "june",
                                       "july", "august", "september", "october", "november",
                                       "december"};
    if (n < 3) return 0;
    for (int i = 0; i < 12; i++) {
        if (n == 3 && memcmp(w, months[i], 3) == 0) return i + 1;
        if (strlen(full[i]) == n && memcmp(w, full[i], n) == 0) return i + 1;
        if (i == 8 && n == 4 && memcmp(w, "sept", 4) == 0) return 9;
    }
    return 0;
}

typedef struct dt_fields {
    int year, month, day;
    int hour, min, sec;
    int64_t usec;
    bool has_tz;
    int tz_secs; /* offset east of UTC */
    bool bc;
    int special; /* 0 none, 1 -infinity, 2 infinity, 3 epoch */
} dt_fields_t;

enum { DT_OK = 0, DT_BAD = -1, DT_RANGE = -2, DT_RANGE_MD = -3 };

static int read_num(const char *s, size_t n, size_t *i, int *val, int *ndig) {
    size_t st = *i;
    long v = 0;
    while (*i < n && isdigit((unsigned char)s[*i])) {
        if (v < 100000000) v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    if (*i == st) return -1;
    *val = (int)v;
    if (ndig) *ndig = (int)(*i - st);
    return 0;
}

static void skip_sp(const char *s, size_t n, size_t *i) {
    while (*i < n && (isspace((unsigned char)s[*i]) || s[*i] == ',')) (*i)++;
}

/* Parses into fields; s is lower-cased and trimmed. */
static int dt_parse(const char *s, size_t n, bool want_time, dt_fields_t *f) {
    memset(f, 0, sizeof *f);
    if (n == 8 && memcmp(s, "infinity", 8) == 0) { f->special = 2; return DT_OK; }
    if (n == 9 && memcmp(s, "+infinity", 9) == 0) { f->special = 2; return DT_OK; }
    if (n == 9 && memcmp(s, "-infinity", 9) == 0) { f->special = 1; return DT_OK; }
    if (n == 5 && memcmp(s, "epoch", 5) == 0) { f->special = 3; return DT_OK; }
    size_t i = 0;
    int a, b, c, nd;
    if (i < n && isdigit((unsigned char)s[i])) {
        if (read_num(s, n, &i, &a, &nd)) return DT_BAD;
        if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
            char sep = s[i++];
            if (i < n && isalpha((unsigned char)s[i])) {
                size_t st = i;
                while (i < n && isalpha((unsigned char)s[i])) i++;
                b = month_by_name(s + st, i - st);
                if (!b) return DT_BAD;
                if (i >= n || s[i] != sep) return DT_BAD;
                i++;
                if (read_num(s, n, &i, &c, NULL)) return DT_BAD;
                if (nd >= 3) { f->year = a; f->month = b; f->day = c; }
                else { f->day = a; f->month = b; f->year = c; }
            } else {
                if (read_num(s, n, &i, &b, NULL)) return DT_BAD;
                if (i >= n || s[i] != sep) return DT_BAD;
                i++;
                int nd3;
                if (read_num(s, n, &i, &c, &nd3)) return DT_BAD;
                if (nd >= 3) { f->year = a; f->month = b; f->day = c; }
                else { f->month = a; f->day = b; f->year = c; if (nd3 <= 2) f->year += c < 70 ? 2000 : 1900; }
            }
        } else if (nd == 8) {
            f->year = a / 10000;
            f->month = a / 100 % 100;
            f->day = a % 100;
        } else if (i < n && s[i] == ' ') {
            /* "5 jan 2024" */
            skip_sp(s, n, &i);
            size_t st = i;
            while (i < n && isalpha((unsigned char)s[i])) i++;
            b = month_by_name(s + st, i - st);
            if (!b) return DT_BAD;
            skip_sp(s, n, &i);
            if (read_num(s, n, &i, &c, NULL)) return DT_BAD;
            f->day = a; f->month = b; f->year = c;
        } else {
            return DT_BAD;
        }
    } else if (i < n && isalpha((unsigned char)s[i])) {
        size_t st = i;
        while (i < n && isalpha((unsigned char)s[i])) i++;
        b = month_by_name(s + st, i - st);
        if (!b) return DT_BAD;
        skip_sp(s, n, &i);
        if (read_num(s, n, &i, &a, NULL)) return DT_BAD;
        skip_sp(s, n, &i);
        if (read_num(s, n, &i, &c, NULL)) return DT_BAD;
        f->month = b; f->day = a; f->year = c;
    } else {
        return DT_BAD;
    }
    /* time */
    size_t save = i;
    if (i < n && (s[i] == 't' || s[i] == ' ')) {
        i++;
        while (i < n && s[i] == ' ') i++;
        int h, m, sec = 0;
        size_t t0 = i;
        if (read_num(s, n, &i, &h, NULL) == 0 && i < n && s[i] == ':') {
            i++;
            if (read_num(s, n, &i, &m, NULL)) return DT_BAD;
            if (i < n && s[i] == ':') {
                i++;
                if (read_num(s, n, &i, &sec, NULL)) return DT_BAD;
                if (i < n && s[i] == '.') {
                    i++;
                    int64_t us = 0;
                    int k = 0;
                    bool round_up = false;
                    while (i < n && isdigit((unsigned char)s[i])) {
                        if (k < 6) us = us * 10 + (s[i] - '0');
                        else if (k == 6) round_up = s[i] >= '5';
                        k++;
                        i++;
                    }
                    for (; k < 6; k++) us *= 10;
                    if (round_up) us++;
                    f->usec = us;
                }
            }
            f->hour = h; f->min = m; f->sec = sec;
        } else {
            i = t0;
            if (s[save] == 't') return DT_BAD;
        }
    }
    /* zone, era */
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        if (i >= n) break;
        if (s[i] == '+' || s[i] == '-') {
            int sign = s[i] == '-' ? -1 : 1;
            i++;
            int hh, mm = 0, ss = 0, dg;
            if (read_num(s, n, &i, &hh, &dg)) return DT_BAD;
            if (dg == 4) { mm = hh % 100; hh /= 100; }
            else if (dg == 6) { ss = hh % 100; mm = hh / 100 % 100; hh /= 10000; }
            else if (dg > 2) return DT_BAD;
            if (i < n && s[i] == ':') {
                i++;
                if (read_num(s, n, &i, &mm, NULL)) return DT_BAD;
                if (i < n && s[i] == ':') { i++; if (read_num(s, n, &i, &ss, NULL)) return DT_BAD; }
            }
            if (hh > 15 || mm > 59 || ss > 59) return DT_RANGE;
            f->has_tz = true;
            f->tz_secs = sign * (hh * 3600 + mm * 60 + ss);
        } else if (isalpha((unsigned char)s[i])) {
            size_t st = i;
            while (i < n && isalpha((unsigned char)s[i])) i++;
            size_t l = i - st;
            const char *w = s + st;
            if ((l == 1 && w[0] == 'z') || (l == 3 && (!memcmp(w, "utc", 3) || !memcmp(w, "gmt", 3))) ||
                (l == 4 && !memcmp(w, "zulu", 4))) {
                f->has_tz = true;
                f->tz_secs = 0;
            } else if (l == 2 && !memcmp(w, "bc", 2)) {
                f->bc = true;
            } else if (l == 2 && !memcmp(w, "ad", 2)) {
            } else {
                return DT_BAD;
            }
        } else {
            return DT_BAD;
        }
    }
    if (!want_time && (f->hour || f->min || f->sec || f->usec)) { /* date ignores the time */ }
    if (f->bc) {
        if (f->year <= 0) return DT_RANGE;
        f->year = 1 - f->year;
    } else if (f->year == 0) {
        return DT_RANGE;
    }
    if (f->month < 1 || f->month > 12) return DT_RANGE_MD;
    if (f->day < 1 || f->day > days_in_month(f->year, f->month)) return DT_RANGE;
    if (f->hour > 24 || f->min > 59 || f->sec > 60 ||
        (f->hour == 24 && (f->min || f->sec || f->usec)))
        return DT_RANGE;
    return DT_OK;
}

static int dt_error(int rc, const char *tname, const char *s, size_t len, orb_err_t *err) {
    if (rc == DT_BAD)
        return orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid input syntax for type %s: \"%.*s\"",
                           tname, (int)len, s);
    orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%.*s\"",
                (int)len, s);
    if (rc == DT_RANGE_MD) orb_err_hint(err, "Perhaps you need a different \"datestyle\" setting.");
    return -1;
}

static int dt_prepare(const char *s, size_t len, char *buf, size_t bufsz, size_t *n) {
    size_t a = 0, e = len;
    while (a < e && isspace((unsigned char)s[a])) a++;
    while (e > a && isspace((unsigned char)s[e - 1])) e--;
    if (e - a >= bufsz) return -1;
    for (size_t i = a; i < e; i++) buf[i - a] = (char)tolower((unsigned char)s[i]);
    buf[e - a] = 0;
    *n = e - a;
    return 0;
}

int sql__date_in(const char *s, size_t len, int64_t *out, orb_err_t *err) {
    char buf[128];
    size_t n;
    dt_fields_t f;
    if (dt_prepare(s, len, buf, sizeof buf, &n)) return dt_error(DT_BAD, "date", s, len, err);
    int rc = dt_parse(buf, n, false, &f);
    if (rc) return dt_error(rc, "date", s, len, err);
    if (f.special == 1) { *out = SQL_DATE_NOBEGIN; return 0; }
    if (f.special == 2) { *out = SQL_DATE_NOEND; return 0; }
    if (f.special == 3) { *out = UNIX_EPOCH_JDATE - PG_EPOCH_JDATE; return 0; }
    if (f.year < JULIAN_MINYEAR || f.year > 5874897)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date out of range: \"%.*s\"", (int)len, s);
    *out = sql__date2j(f.year, f.month, f.day) - PG_EPOCH_JDATE;
    return 0;
}

static void put_date(int jd, orb_buf_t *out, bool *bc) {
    int y, m, d;
    sql__j2date(jd, &y, &m, &d);
    *bc = y <= 0;
    orb_buf_printf(out, "%04d-%02d-%02d", *bc ? 1 - y : y, m, d);
}

void sql__date_out(int64_t d, orb_buf_t *out) {
    if (d == SQL_DATE_NOBEGIN) { orb_buf_puts(out, "-infinity"); return; }
    if (d == SQL_DATE_NOEND) { orb_buf_puts(out, "infinity"); return; }
    bool bc;
    put_date((int)(d + PG_EPOCH_JDATE), out, &bc);
    if (bc) orb_buf_puts(out, " BC");
}

int sql__timestamp_in(const char *s, size_t len, bool with_tz, int64_t *out, orb_err_t *err) {
    const char *tname = with_tz ? "timestamp with time zone" : "timestamp without time zone";
    char buf[128];
    size_t n;
    dt_fields_t f;
    if (dt_prepare(s, len, buf, sizeof buf, &n)) return dt_error(DT_BAD, tname, s, len, err);
    int rc = dt_parse(buf, n, true, &f);
    if (rc) return dt_error(rc, tname, s, len, err);
    if (f.special == 1) { *out = SQL_TS_NOBEGIN; return 0; }
    if (f.special == 2) { *out = SQL_TS_NOEND; return 0; }
    if (f.special == 3) {
        *out = (int64_t)(UNIX_EPOCH_JDATE - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY;
        return 0;
    }
    int jd = sql__date2j(f.year, f.month, f.day);
    if (f.year < JULIAN_MINYEAR || jd >= TS_END_JULIAN)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range: \"%.*s\"",
                           (int)len, s);
    int64_t ts = (int64_t)(jd - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY +
                 ((int64_t)f.hour * 3600 + f.min * 60 + f.sec) * 1000000 + f.usec;
    if (with_tz && f.has_tz) ts -= (int64_t)f.tz_secs * 1000000;
    *out = ts;
    return 0;
}

static int64_t floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

void sql__timestamp_out(int64_t ts, bool with_tz, orb_buf_t *out) {
    if (ts == SQL_TS_NOBEGIN) { orb_buf_puts(out, "-infinity"); return; }
    if (ts == SQL_TS_NOEND) { orb_buf_puts(out, "infinity"); return; }
    int64_t days = floordiv(ts, SQL_USECS_PER_DAY);
    int64_t tod = ts - days * SQL_USECS_PER_DAY;
    bool bc;
    put_date((int)(days + PG_EPOCH_JDATE), out, &bc);
    int64_t secs = tod / 1000000, us = tod % 1000000;
    orb_buf_printf(out, " %02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
                   (int)(secs % 60));
    if (us) {
        char fr[8];
        snprintf(fr, sizeof fr, "%06d", (int)us);
        int l = 6;
        while (l > 0 && fr[l - 1] == '0') l--;
        fr[l] = 0;
        orb_buf_printf(out, ".%s", fr);
    }
    if (with_tz) orb_buf_puts(out, "+00");
    if (bc) orb_buf_puts(out, " BC");
}

int sql__ts_from_date(int64_t d, int64_t *out, orb_err_t *err) {
    if (d == SQL_DATE_NOBEGIN) { *out = SQL_TS_NOBEGIN; return 0; }
    if (d == SQL_DATE_NOEND) { *out = SQL_TS_NOEND; return 0; }
    if (d + PG_EPOCH_JDATE >= TS_END_JULIAN)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date out of range for timestamp");
    *out = d * SQL_USECS_PER_DAY;
    return 0;
}

int64_t sql__date_from_ts(int64_t ts) {
    if (ts == SQL_TS_NOBEGIN) return SQL_DATE_NOBEGIN;
    if (ts == SQL_TS_NOEND) return SQL_DATE_NOEND;
    return floordiv(ts, SQL_USECS_PER_DAY);
}

int sql__ts_part(const char *field, int64_t ts, bool is_date, orb_mcx_t *mcx, const char **out,
                 orb_err_t *err) {
    char f[32];
    size_t n = strlen(field);
    if (n >= sizeof f) n = sizeof f - 1;
    for (size_t i = 0; i < n; i++) f[i] = (char)tolower((unsigned char)field[i]);
    f[n] = 0;
    if (ts == SQL_TS_NOBEGIN || ts == SQL_TS_NOEND) {
        *out = orb_strdup(mcx, strcmp(f, "epoch") == 0 ? (ts > 0 ? "Infinity" : "-Infinity") : "NaN");
        return 0;
    }
    int64_t days = floordiv(ts, SQL_USECS_PER_DAY);
    int64_t tod = ts - days * SQL_USECS_PER_DAY;
    int jd = (int)(days + PG_EPOCH_JDATE);
    int y, m, d;
    sql__j2date(jd, &y, &m, &d);
    int64_t secs = tod / 1000000, us = tod % 1000000;
    const char *unit = f;
    if (!strcmp(f, "years")) unit = "year";
    else if (!strcmp(f, "months") || !strcmp(f, "mon")) unit = "month";
    else if (!strcmp(f, "days")) unit = "day";
    else if (!strcmp(f, "hours")) unit = "hour";
    else if (!strcmp(f, "minutes") || !strcmp(f, "min")) unit = "minute";
    else if (!strcmp(f, "seconds") || !strcmp(f, "sec")) unit = "second";
    else if (!strcmp(f, "milliseconds")) unit = "millisecond";
    else if (!strcmp(f, "microseconds")) unit = "microsecond";
    bool timeunit = !strcmp(unit, "hour") || !strcmp(unit, "minute") || !strcmp(unit, "second") ||
                    !strcmp(unit, "millisecond") || !strcmp(unit, "microsecond");
    if (is_date && timeunit)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "unit \"%s\" not supported for type date",
                           field);
    if (!strcmp(unit, "year")) *out = orb_sprintf(mcx, "%d", y > 0 ? y : y - 1);
    else if (!strcmp(unit, "month")) *out = orb_sprintf(mcx, "%d", m);
    else if (!strcmp(unit, "day")) *out = orb_sprintf(mcx, "%d", d);
    else if (!strcmp(unit, "hour")) *out = orb_sprintf(mcx, "%d", (int)(secs / 3600));
    else if (!strcmp(unit, "minute")) *out = orb_sprintf(mcx, "%d", (int)(secs / 60 % 60));
    else if (!strcmp(unit, "second"))
        *out = orb_sprintf(mcx, "%d.%06d", (int)(secs % 60), (int)us);
    else if (!strcmp(unit, "millisecond"))
        *out = orb_sprintf(mcx, "%d.%03d", (int)(secs % 60 * 1000 + us / 1000), (int)(us % 1000));
    else if (!strcmp(unit, "microsecond"))
        *out = orb_sprintf(mcx, "%lld", (long long)(secs % 60 * 1000000 + us));
    else if (!strcmp(unit, "quarter")) *out = orb_sprintf(mcx, "%d", (m - 1) / 3 + 1);
    else if (!strcmp(unit, "decade")) *out = orb_sprintf(mcx, "%d", y >= 0 ? y / 10 : -((8 - (y - 1)) / 10));
    else if (!strcmp(unit, "century"))
        *out = orb_sprintf(mcx, "%d", y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100));
    else if (!strcmp(unit, "millennium"))
        *out = orb_sprintf(mcx, "%d", y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000));
    else if (!strcmp(unit, "dow")) *out = orb_sprintf(mcx, "%d", (jd + 1) % 7);
    else if (!strcmp(unit, "isodow")) { int w = (jd + 1) % 7; *out = orb_sprintf(mcx, "%d", w == 0 ? 7 : w); }
    else if (!strcmp(unit, "doy")) *out = orb_sprintf(mcx, "%d", jd - sql__date2j(y, 1, 1) + 1);
    else if (!strcmp(unit, "julian")) {
        if (is_date) *out = orb_sprintf(mcx, "%d", jd);
        else return orb_err_set(err, FEATURE_NOT_SUPPORTED, "unit \"%s\" not supported", field);
    } else if (!strcmp(unit, "epoch")) {
        int64_t e = ts - (int64_t)(UNIX_EPOCH_JDATE - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY;
        if (is_date) *out = orb_sprintf(mcx, "%lld", (long long)(e / 1000000));
        else {
            int64_t q = floordiv(e, 1000000), r = e - q * 1000000;
            if (q < 0 && r) *out = orb_sprintf(mcx, "-%lld.%06lld", (long long)(-(q + 1)), (long long)(1000000 - r));
            else *out = orb_sprintf(mcx, "%lld.%06lld", (long long)q, (long long)r);
        }
    } else if (!strcmp(unit, "week")) {
        /* ISO week */
        int w0 = sql__date2j(y, 1, 4);
        int dow = (w0 + 1) % 7; /* 0 = Sunday */
        int wk1 = w0 - (dow == 0 ? 6 : dow - 1);
        int yy = y;
        if (jd < wk1) {
            yy--;
            w0 = sql__date2j(yy, 1, 4);
            dow = (w0 + 1) % 7;
            wk1 = w0 - (dow == 0 ? 6 : dow - 1);
        } else {
            int n0 = sql__date2j(y + 1, 1, 4);
            int ndow = (n0 + 1) % 7;
            int nwk1 = n0 - (ndow == 0 ? 6 : ndow - 1);
            if (jd >= nwk1) wk1 = nwk1;
        }
        *out = orb_sprintf(mcx, "%d", (jd - wk1) / 7 + 1);
    } else {
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "unit \"%s\" not recognized for type %s",
                           field, is_date ? "date" : "timestamp without time zone");
    }
    return 0;
}

/* ---- interval ------------------------------------------------------------------------ */
#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)

void sql_interval_get(const sql_value_t *v, sql_interval_t *out) {
    if (v->v.s.n >= SQL_INTERVAL_SIZE) memcpy(out, v->v.s.p, SQL_INTERVAL_SIZE);
    else memset(out, 0, sizeof *out);
}

void sql_interval_set(orb_mcx_t *mcx, const sql_interval_t *iv, sql_value_t *out) {
    char *p = orb_alloc(mcx, SQL_INTERVAL_SIZE + 1);
    memcpy(p, iv, SQL_INTERVAL_SIZE);
    p[SQL_INTERVAL_SIZE] = 0;
    out->isnull = false;
    out->v.s.p = p;
    out->v.s.n = SQL_INTERVAL_SIZE;
}

enum { IU_US = 1, IU_MS = 2, IU_SEC = 4, IU_MIN = 8, IU_HOUR = 16, IU_DAY = 32, IU_WEEK = 64,
       IU_MON = 128, IU_YEAR = 256, IU_DEC = 512, IU_CENT = 1024, IU_MIL = 2048, IU_AGO = 4096 };

static int interval_unit(const char *w, size_t n) {
    static const struct { const char *n; int u; } units[] = {
        {"microsecond", IU_US}, {"microseconds", IU_US}, {"microsecon", IU_US}, {"us", IU_US},
        {"usec", IU_US}, {"usecs", IU_US}, {"useconds", IU_US}, {"usecond", IU_US},
        {"millisecond", IU_MS}, {"milliseconds", IU_MS}, {"millisecon", IU_MS}, {"ms", IU_MS},
        {"msec", IU_MS}, {"msecs", IU_MS}, {"mseconds", IU_MS}, {"msecond", IU_MS},
        {"second", IU_SEC}, {"seconds", IU_SEC}, {"sec", IU_SEC}, {"secs", IU_SEC}, {"s", IU_SEC},
        {"minute", IU_MIN}, {"minutes", IU_MIN}, {"min", IU_MIN}, {"mins", IU_MIN}, {"m", IU_MIN},
        {"hour", IU_HOUR}, {"hours", IU_HOUR}, {"h", IU_HOUR}, {"hr", IU_HOUR}, {"hrs", IU_HOUR},
        {"day", IU_DAY}, {"days", IU_DAY}, {"d", IU_DAY},
        {"week", IU_WEEK}, {"weeks", IU_WEEK}, {"w", IU_WEEK},
        {"month", IU_MON}, {"months", IU_MON}, {"mon", IU_MON}, {"mons", IU_MON},
        {"year", IU_YEAR}, {"years", IU_YEAR}, {"y", IU_YEAR}, {"yr", IU_YEAR}, {"yrs", IU_YEAR},
        {"decade", IU_DEC}, {"decades", IU_DEC}, {"dec", IU_DEC}, {"decs", IU_DEC},
        {"century", IU_CENT}, {"centuries", IU_CENT}, {"c", IU_CENT}, {"cent", IU_CENT},
        {"millennium", IU_MIL}, {"millennia", IU_MIL}, {"mil", IU_MIL}, {"mils", IU_MIL},
        {"millenniums", IU_MIL}, {"ago", IU_AGO},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].n) == n && memcmp(units[i].n, w, n) == 0) return units[i].u;
    return 0;
}

typedef struct itm_in {
    int64_t usec;
    int32_t mday, mon, year;
} itm_in_t;

enum { IV_OK = 0, IV_BAD = -1, IV_FIELD = -2, IV_RANGE = -3 };

static int adj_fract_us(double frac, int64_t scale, itm_in_t *t) {
    if (frac == 0) return IV_OK;
    frac *= (double)scale;
    if (!(frac > -9.2e18 && frac < 9.2e18)) return IV_FIELD;
    int64_t us = (int64_t)frac;
    frac -= (double)us;
    us += (int64_t)rint(frac);
    if (__builtin_add_overflow(t->usec, us, &t->usec)) return IV_FIELD;
    return IV_OK;
}
static int adj_us(int64_t val, double fval, int64_t scale, itm_in_t *t) {
    int64_t x;
    if (__builtin_mul_overflow(val, scale, &x) || __builtin_add_overflow(t->usec, x, &t->usec))
        return IV_FIELD;
    return adj_fract_us(fval, scale, t);
}
static int adj_days(int64_t val, int scale, itm_in_t *t) {
    int64_t d = val * scale;
    if (d > INT32_MAX || d < INT32_MIN || __builtin_add_overflow(t->mday, (int32_t)d, &t->mday))
        return IV_FIELD;
    return IV_OK;
}
static int adj_fract_days(double frac, int scale, itm_in_t *t) {
    if (frac == 0) return IV_OK;
    frac *= scale;
    int extra = (int)frac;
    if (__builtin_add_overflow(t->mday, extra, &t->mday)) return IV_FIELD;
    frac -= extra;
    return adj_fract_us(frac, SQL_USECS_PER_DAY, t);
}
static int adj_months(int64_t val, int64_t scale, itm_in_t *t) {
    int64_t m = val * scale;
    if (m > INT32_MAX || m < INT32_MIN || __builtin_add_overflow(t->mon, (int32_t)m, &t->mon))
        return IV_FIELD;
    return IV_OK;
}
static int adj_fract_years(double frac, int scale, itm_in_t *t) {
    double m = rint(frac * scale * 12);
    if (m > INT32_MAX || m < INT32_MIN || __builtin_add_overflow(t->mon, (int32_t)m, &t->mon))
        return IV_FIELD;
    return IV_OK;
}

/* Applies value val.fval (fval carries val's sign) in unit u. */
static int iv_apply(int u, int64_t val, double fval, itm_in_t *t) {
    switch (u) {
    case IU_US: return adj_us(val, fval, 1, t);
    case IU_MS: return adj_us(val, fval, 1000, t);
    case IU_SEC: return adj_us(val, fval, USECS_PER_SEC, t);
    case IU_MIN: return adj_us(val, fval, USECS_PER_MINUTE, t);
    case IU_HOUR: return adj_us(val, fval, USECS_PER_HOUR, t);
    case IU_DAY:
        if (adj_days(val, 1, t)) return IV_FIELD;
        return adj_fract_us(fval, SQL_USECS_PER_DAY, t);
    case IU_WEEK:
        if (adj_days(val, 7, t)) return IV_FIELD;
        return adj_fract_days(fval, 7, t);
    case IU_MON:
        if (adj_months(val, 1, t)) return IV_FIELD;
        return adj_fract_days(fval, 30, t);
    case IU_YEAR:
        if (adj_months(val, 12, t)) return IV_FIELD;
        return adj_fract_years(fval, 1, t);
    case IU_DEC:
        if (adj_months(val, 120, t)) return IV_FIELD;
        return adj_fract_years(fval, 10, t);
    case IU_CENT:
        if (adj_months(val, 1200, t)) return IV_FIELD;
        return adj_fract_years(fval, 100, t);
    case IU_MIL:
        if (adj_months(val, 12000, t)) return IV_FIELD;
        return adj_fract_years(fval, 1000, t);
    default: return IV_BAD;
    }
}

/* "[-]digits[.digits]" -> val, fval (fval with val's sign). */
static int iv_number(const char *s, size_t n, int64_t *val, double *fval) {
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (i >= n || !(isdigit((unsigned char)s[i]) || s[i] == '.')) return IV_BAD;
    uint64_t v = 0;
    bool any = false;
    while (i < n && isdigit((unsigned char)s[i])) {
        if (v > (uint64_t)INT64_MAX / 10) return IV_FIELD;
        v = v * 10 + (uint64_t)(s[i++] - '0');
        any = true;
    }
    double f = 0;
    if (i < n && s[i] == '.') {
        char buf[64];
        size_t st = i++;
        while (i < n && isdigit((unsigned char)s[i])) { i++; any = true; }
        size_t l = i - st < sizeof buf - 2 ? i - st : sizeof buf - 2;
        buf[0] = '0';
        memcpy(buf + 1, s + st, l);
        buf[l + 1] = 0;
        f = strtod(buf, NULL);
    }
    if (!any || i != n) return IV_BAD;
    if (v > (uint64_t)INT64_MAX) return IV_FIELD;
    *val = neg ? -(int64_t)v : (int64_t)v;
    *fval = neg ? -f : f;
    return IV_OK;
}

/* "h:m", "h:m:s[.f]", "m:s.f" (sign already removed) -> microseconds. */
static int iv_time(const char *s, size_t n, int64_t *us) {
    int64_t parts[3] = {0, 0, 0};
    int np = 0;
    double frac = 0;
    size_t i = 0;
    while (np < 3) {
        if (i >= n || !isdigit((unsigned char)s[i])) return IV_BAD;
        int64_t v = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (v > INT64_C(100000000000)) return IV_FIELD;
            v = v * 10 + (s[i++] - '0');
        }
        parts[np++] = v;
        if (i < n && s[i] == ':') { i++; continue; }
        break;
    }
    if (i < n && s[i] == '.') {
        char buf[64];
        size_t st = i++;
        while (i < n && isdigit((unsigned char)s[i])) i++;
        size_t l = i - st < sizeof buf - 2 ? i - st : sizeof buf - 2;
        buf[0] = '0';
        memcpy(buf + 1, s + st, l);
        buf[l + 1] = 0;
        frac = strtod(buf, NULL);
    }
    if (i != n || np < 2) return IV_BAD;
    int64_t h, m, sec;
    if (np == 2 && frac != 0) { h = 0; m = parts[0]; sec = parts[1]; }
    else if (np == 2) { h = parts[0]; m = parts[1]; sec = 0; }
    else { h = parts[0]; m = parts[1]; sec = parts[2]; }
    if (m > 59 || sec > 59) return IV_FIELD;
    int64_t fs = (int64_t)rint(frac * 1000000.0);
    if (h > INT64_MAX / USECS_PER_HOUR - 1) return IV_FIELD;
    *us = h * USECS_PER_HOUR + m * USECS_PER_MINUTE + sec * USECS_PER_SEC + fs;
    return IV_OK;
}

/* ISO 8601 "P1Y2M3DT4H5M6S" (with fractions and W). */
static int iv_iso(const char *s, size_t n, itm_in_t *t) {
    size_t i = 1;
    bool in_time = false, any = false;
    if (i >= n) return IV_BAD;
    while (i < n) {
        if (s[i] == 't') {
            if (in_time) return IV_BAD;
            in_time = true;
            i++;
            continue;
        }
        size_t st = i;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.')) i++;
        if (i == st || i >= n) return IV_BAD;
        int64_t val;
        double fval;
        int rc = iv_number(s + st, i - st, &val, &fval);
        if (rc) return rc;
        char u = s[i++];
        int unit;
        if (!in_time) unit = u == 'y' ? IU_YEAR : u == 'm' ? IU_MON : u == 'w' ? IU_WEEK : u == 'd' ? IU_DAY : 0;
        else unit = u == 'h' ? IU_HOUR : u == 'm' ? IU_MIN : u == 's' ? IU_SEC : 0;
        if (!unit) return IV_BAD;
        rc = iv_apply(unit, val, fval, t);
        if (rc) return rc;
        any = true;
    }
    return any ? IV_OK : IV_BAD;
}

static int iv_decode(const char *s, size_t n, itm_in_t *t) {
    memset(t, 0, sizeof *t);
    if (n > 0 && s[0] == 'p') return iv_iso(s, n, t);
    /* tokenize */
    struct { size_t st, len; int kind; } tok[64]; /* kind: 0 number, 1 time, 2 word */
    int nt = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (isspace((unsigned char)c) || (ispunct((unsigned char)c) && c != '-' && c != '+' && c != '.')) {
            i++;
            continue;
        }
        if (nt >= 64) return IV_BAD;
        size_t st = i;
        if (isalpha((unsigned char)c)) {
            while (i < n && isalpha((unsigned char)s[i])) i++;
            tok[nt].kind = 2;
        } else {
            if (c == '-' || c == '+') i++;
            bool colon = false;
            while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == ':')) {
                if (s[i] == ':') colon = true;
                i++;
            }
            if (i == st + (c == '-' || c == '+')) return IV_BAD;
            tok[nt].kind = colon ? 1 : 0;
        }
        tok[nt].st = st;
        tok[nt].len = i - st;
        nt++;
    }
    int unit = 0, fmask = 0;
    bool ago = false;
    for (int k = nt - 1; k >= 0; k--) {
        const char *w = s + tok[k].st;
        size_t l = tok[k].len;
        int tmask, rc;
        if (tok[k].kind == 2) {
            int u = interval_unit(w, l);
            if (!u) return IV_BAD;
            if (u == IU_AGO) { ago = true; continue; }
            unit = u;
            continue;
        }
        if (tok[k].kind == 1) {
            bool neg = w[0] == '-';
            size_t off = (w[0] == '-' || w[0] == '+') ? 1 : 0;
            int64_t us;
            rc = iv_time(w + off, l - off, &us);
            if (rc) return rc;
            if (__builtin_add_overflow(t->usec, neg ? -us : us, &t->usec)) return IV_FIELD;
            tmask = IU_HOUR | IU_MIN | IU_SEC | IU_MS | IU_US;
            unit = IU_DAY;
        } else {
            int64_t val;
            double fval;
            int u = unit ? unit : IU_SEC;
            rc = iv_number(w, l, &val, &fval);
            if (rc) return rc;
            rc = iv_apply(u, val, fval, t);
            if (rc) return rc;
            tmask = u;
            if (u == IU_SEC && fval != 0) tmask |= IU_MS | IU_US;
            unit = 0;
        }
        if (tmask & fmask) return IV_BAD;
        fmask |= tmask;
    }
    if (fmask == 0) return IV_BAD;
    if (ago) {
        t->usec = -t->usec;
        t->mday = -t->mday;
        t->mon = -t->mon;
    }
    return IV_OK;
}

int sql__interval_in(const char *s, size_t len, sql_interval_t *out, orb_err_t *err) {
    char buf[256];
    size_t n;
    itm_in_t t;
    int rc = dt_prepare(s, len, buf, sizeof buf, &n) ? IV_BAD : iv_decode(buf, n, &t);
    if (rc == IV_BAD)
        return orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid input syntax for type interval: \"%.*s\"",
                           (int)len, s);
    if (rc == IV_FIELD)
        return orb_err_set(err, INTERVAL_FIELD_OVERFLOW, "interval field value out of range: \"%.*s\"",
                           (int)len, s);
    out->time = t.usec;
    out->day = t.mday;
    out->month = t.mon;
    return 0;
}

static void iv_part(orb_buf_t *out, int64_t v, const char *unit, bool *is_zero, bool *is_before) {
    if (v == 0) return;
    orb_buf_printf(out, "%s%s%lld %s%s", !*is_zero ? " " : "", (*is_before && v > 0) ? "+" : "",
                   (long long)v, unit, v != 1 ? "s" : "");
    *is_before = v < 0;
    *is_zero = false;
}

void sql__interval_out(const sql_interval_t *iv, orb_buf_t *out) {
    bool is_zero = true, is_before = false;
    int64_t year = iv->month / 12, mon = iv->month % 12;
    iv_part(out, year, "year", &is_zero, &is_before);
    iv_part(out, mon, "mon", &is_zero, &is_before);
    iv_part(out, iv->day, "day", &is_zero, &is_before);
    int64_t t = iv->time;
    int64_t hour = t / USECS_PER_HOUR;
    t -= hour * USECS_PER_HOUR;
    int64_t min = t / USECS_PER_MINUTE;
    t -= min * USECS_PER_MINUTE;
    int64_t sec = t / USECS_PER_SEC;
    int64_t fsec = t - sec * USECS_PER_SEC;
    if (is_zero || hour || min || sec || fsec) {
        bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
        unsigned long long ah = hour < 0 ? (unsigned long long)(-(hour + 1)) + 1 : (unsigned long long)hour;
        orb_buf_printf(out, "%s%s%02llu:%02d:%02d", is_zero ? "" : " ", minus ? "-" : (is_before ? "+" : ""),
                       ah, (int)(min < 0 ? -min : min), (int)(sec < 0 ? -sec : sec));
        if (fsec) {
            char fr[8];
            snprintf(fr, sizeof fr, "%06d", (int)(fsec < 0 ? -fsec : fsec));
            int l = 6;
            while (l > 0 && fr[l - 1] == '0') l--;
            fr[l] = 0;
            orb_buf_printf(out, ".%s", fr);
        }
    }
}

static __int128 iv_span(const sql_interval_t *a) {
    return (__int128)a->time + ((__int128)a->day + (__int128)a->month * 30) * SQL_USECS_PER_DAY;
}

int sql__interval_cmp(const sql_interval_t *a, const sql_interval_t *b) {
    __int128 x = iv_span(a), y = iv_span(b);
    return x < y ? -1 : x > y;
}

uint64_t sql__interval_hash(const sql_interval_t *a) {
    __int128 x = iv_span(a);
    return sql__hash_bytes(&x, sizeof x, 7);
}

static int iv_range(orb_err_t *err) {
    return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "interval out of range");
}

int sql__interval_add(const sql_interval_t *a, const sql_interval_t *b, bool sub,
                      sql_interval_t *out, orb_err_t *err) {
    bool o;
    if (sub)
        o = __builtin_sub_overflow(a->month, b->month, &out->month) ||
            __builtin_sub_overflow(a->day, b->day, &out->day) ||
            __builtin_sub_overflow(a->time, b->time, &out->time);
    else
        o = __builtin_add_overflow(a->month, b->month, &out->month) ||
            __builtin_add_overflow(a->day, b->day, &out->day) ||
            __builtin_add_overflow(a->time, b->time, &out->time);
    return o ? iv_range(err) : 0;
}

int sql__interval_neg(const sql_interval_t *a, sql_interval_t *out, orb_err_t *err) {
    if (a->month == INT32_MIN || a->day == INT32_MIN || a->time == INT64_MIN) return iv_range(err);
    out->month = -a->month;
    out->day = -a->day;
    out->time = -a->time;
    return 0;
}

#define TSROUND(j) (rint((j) * 1000000.0) / 1000000.0)
static bool fits_i32(double d) { return !isnan(d) && d >= (double)INT32_MIN && d <= (double)INT32_MAX; }
static bool fits_i64(double d) { return !isnan(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0; }

/* interval * factor (div: interval / factor) as PostgreSQL 15's interval_mul/interval_div. */
int sql__interval_mul(const sql_interval_t *span, double factor, bool div, sql_interval_t *out,
                      orb_err_t *err) {
    if (div && factor == 0.0) return orb_err_set(err, DIVISION_BY_ZERO, "division by zero");
    double md = div ? span->month / factor : span->month * factor;
    if (!fits_i32(md)) return iv_range(err);
    out->month = (int32_t)md;
    double dd = div ? span->day / factor : span->day * factor;
    if (!fits_i32(dd)) return iv_range(err);
    out->day = (int32_t)dd;
    double month_rem_days = (md - out->month) * 30;
    month_rem_days = TSROUND(month_rem_days);
    double sec_rem = (dd - out->day + month_rem_days - (int)month_rem_days) * 86400;
    sec_rem = TSROUND(sec_rem);
    if (fabs(sec_rem) >= 86400) {
        out->day += (int)(sec_rem / 86400);
        sec_rem -= (int)(sec_rem / 86400) * 86400;
    }
    out->day += (int32_t)month_rem_days;
    double td = rint((div ? (double)span->time / factor : (double)span->time * factor) + sec_rem * 1000000.0);
    if (!fits_i64(td)) return iv_range(err);
    out->time = (int64_t)td;
    return 0;
}

static void ts2tm(int64_t ts, int *y, int *m, int *d, int64_t *tod) {
    int64_t days = floordiv(ts, SQL_USECS_PER_DAY);
    *tod = ts - days * SQL_USECS_PER_DAY;
    sql__j2date((int)(days + PG_EPOCH_JDATE), y, m, d);
}

/* timestamp + interval (PostgreSQL's timestamp_pl_interval): months first (day clamped
 * to the month's length), then days, then the time. */
int sql__ts_pl_interval(int64_t ts, const sql_interval_t *iv, int64_t *out, orb_err_t *err) {
    if (ts == SQL_TS_NOBEGIN || ts == SQL_TS_NOEND) { *out = ts; return 0; }
    if (iv->month != 0) {
        int y, m, d;
        int64_t tod;
        ts2tm(ts, &y, &m, &d, &tod);
        int64_t mm = (int64_t)m + iv->month;
        if (mm > 12) { y += (int)((mm - 1) / 12); mm = (mm - 1) % 12 + 1; }
        else if (mm < 1) { y += (int)(mm / 12 - 1); mm = mm % 12 + 12; }
        m = (int)mm;
        if (d > days_in_month(y, m)) d = days_in_month(y, m);
        int jd = sql__date2j(y, m, d);
        if (y < JULIAN_MINYEAR || jd >= TS_END_JULIAN)
            return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        ts = (int64_t)(jd - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY + tod;
    }
    if (iv->day != 0) {
        int y, m, d;
        int64_t tod;
        ts2tm(ts, &y, &m, &d, &tod);
        int64_t jd = (int64_t)sql__date2j(y, m, d) + iv->day;
        if (jd < 0 || jd >= TS_END_JULIAN)
            return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        ts = (jd - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY + tod;
    }
    if (__builtin_add_overflow(ts, iv->time, &ts))
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range");
    int64_t lo = (int64_t)(sql__date2j(JULIAN_MINYEAR, 11, 24) - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY;
    int64_t hi = (int64_t)(TS_END_JULIAN - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY;
    if (ts < lo || ts >= hi) return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "timestamp out of range");
    *out = ts;
    return 0;
}

void sql__interval_justify_hours(sql_interval_t *r) {
    int64_t wd = r->time / SQL_USECS_PER_DAY;
    r->time -= wd * SQL_USECS_PER_DAY;
    r->day += (int32_t)wd;
    if (r->day > 0 && r->time < 0) { r->time += SQL_USECS_PER_DAY; r->day--; }
    else if (r->day < 0 && r->time > 0) { r->time -= SQL_USECS_PER_DAY; r->day++; }
}

void sql__interval_justify_days(sql_interval_t *r) {
    int32_t wm = r->day / 30;
    r->day -= wm * 30;
    r->month += wm;
    if (r->month > 0 && r->day < 0) { r->day += 30; r->month--; }
    else if (r->month < 0 && r->day > 0) { r->day -= 30; r->month++; }
}

void sql__interval_justify(sql_interval_t *r) {
    int64_t wd = r->time / SQL_USECS_PER_DAY;
    r->time -= wd * SQL_USECS_PER_DAY;
    r->day += (int32_t)wd;
    int32_t wm = r->day / 30;
    r->day -= wm * 30;
    r->month += wm;
    if (r->month > 0 && (r->day < 0 || (r->day == 0 && r->time < 0))) { r->day += 30; r->month--; }
    else if (r->month < 0 && (r->day > 0 || (r->day == 0 && r->time > 0))) { r->day -= 30; r->month++; }
    if (r->day > 0 && r->time < 0) { r->time += SQL_USECS_PER_DAY; r->day--; }
    else if (r->day < 0 && r->time > 0) { r->time -= SQL_USECS_PER_DAY; r->day++; }
}

int sql__ts_mi(int64_t a, int64_t b, sql_interval_t *out, orb_err_t *err) {
    if (a == SQL_TS_NOBEGIN || a == SQL_TS_NOEND || b == SQL_TS_NOBEGIN || b == SQL_TS_NOEND)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "cannot subtract infinite timestamps");
    if (__builtin_sub_overflow(a, b, &out->time)) return iv_range(err);
    out->day = 0;
    out->month = 0;
    sql__interval_justify_hours(out);
    return 0;
}

/* age(a, b): symbolic field-wise difference (PostgreSQL's timestamp_age). */
int sql__ts_age(int64_t dt1, int64_t dt2, sql_interval_t *out, orb_err_t *err) {
    if (dt1 == SQL_TS_NOBEGIN || dt1 == SQL_TS_NOEND || dt2 == SQL_TS_NOBEGIN || dt2 == SQL_TS_NOEND)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "cannot subtract infinite timestamps");
    int y1, m1, d1, y2, m2, d2;
    int64_t t1, t2;
    ts2tm(dt1, &y1, &m1, &d1, &t1);
    ts2tm(dt2, &y2, &m2, &d2, &t2);
    int64_t fsec = t1 % USECS_PER_SEC - t2 % USECS_PER_SEC;
    int64_t sec = t1 / USECS_PER_SEC % 60 - t2 / USECS_PER_SEC % 60;
    int64_t min = t1 / USECS_PER_MINUTE % 60 - t2 / USECS_PER_MINUTE % 60;
    int64_t hour = t1 / USECS_PER_HOUR - t2 / USECS_PER_HOUR;
    int64_t mday = d1 - d2, mon = m1 - m2, year = (int64_t)y1 - y2;
    bool flip = dt1 < dt2;
    if (flip) { fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
    while (fsec < 0) { fsec += USECS_PER_SEC; sec--; }
    while (sec < 0) { sec += 60; min--; }
    while (min < 0) { min += 60; hour--; }
    while (hour < 0) { hour += 24; mday--; }
    while (mday < 0) {
        if (flip) mday += days_in_month(y1, m1);
        else mday += days_in_month(y2, m2);
        mon--;
    }
    while (mon < 0) { mon += 12; year--; }
    if (flip) { fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
    int64_t nmon = year * 12 + mon;
    if (nmon > INT32_MAX || nmon < INT32_MIN) return iv_range(err);
    out->month = (int32_t)nmon;
    out->day = (int32_t)mday;
    out->time = ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec;
    return 0;
}

/* extract/date_part on an interval: numeric text (PostgreSQL's interval_part_common). */
static const char *fixed_scale(int64_t v, int scale, orb_mcx_t *mcx) {
    if (scale == 0) return orb_sprintf(mcx, "%lld", (long long)v);
    int64_t p = 1;
    for (int i = 0; i < scale; i++) p *= 10;
    bool neg = v < 0;
    unsigned long long u = neg ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
    return orb_sprintf(mcx, "%s%llu.%0*llu", neg ? "-" : "", u / (unsigned long long)p, scale,
                       u % (unsigned long long)p);
}

int sql__interval_part(const char *field, const sql_interval_t *iv, orb_mcx_t *mcx,
                       const char **out, orb_err_t *err) {
    char f[32];
    size_t n = strlen(field);
    if (n >= sizeof f) n = sizeof f - 1;
    for (size_t i = 0; i < n; i++) f[i] = (char)tolower((unsigned char)field[i]);
    f[n] = 0;
    int u = interval_unit(f, n);
    int64_t year = iv->month / 12, mon = iv->month % 12;
    int64_t t = iv->time;
    int64_t hour = t / USECS_PER_HOUR;
    t -= hour * USECS_PER_HOUR;
    int64_t min = t / USECS_PER_MINUTE;
    t -= min * USECS_PER_MINUTE;
    int64_t usec = t; /* seconds and microseconds */
    if (!strcmp(f, "epoch")) {
        __int128 secs = (__int128)31557600 * (iv->month / 12) + (__int128)2592000 * (iv->month % 12) +
                        (__int128)86400 * iv->day;
        __int128 v = secs * 1000000 + iv->time;
        if (v > INT64_MAX || v < INT64_MIN) {
            *out = orb_sprintf(mcx, "%.6f", (double)v / 1e6);
            return 0;
        }
        *out = fixed_scale((int64_t)v, 6, mcx);
        return 0;
    }
    switch (u) {
    case IU_US: *out = fixed_scale(usec, 0, mcx); return 0;
    case IU_MS: *out = fixed_scale(usec, 3, mcx); return 0;
    case IU_SEC: *out = fixed_scale(usec, 6, mcx); return 0;
    case IU_MIN: *out = fixed_scale(min, 0, mcx); return 0;
    case IU_HOUR: *out = fixed_scale(hour, 0, mcx); return 0;
    case IU_DAY: *out = fixed_scale(iv->day, 0, mcx); return 0;
    case IU_MON: *out = fixed_scale(mon, 0, mcx); return 0;
    case IU_YEAR: *out = fixed_scale(year, 0, mcx); return 0;
    case IU_DEC: *out = fixed_scale(year / 10, 0, mcx); return 0;
    case IU_CENT: *out = fixed_scale(year / 100, 0, mcx); return 0;
    case IU_MIL: *out = fixed_scale(year / 1000, 0, mcx); return 0;
    default: break;
    }
    if (!strcmp(f, "quarter") || !strcmp(f, "qtr")) { *out = fixed_scale(mon / 3 + 1, 0, mcx); return 0; }
    if (u == IU_WEEK || !strcmp(f, "dow") || !strcmp(f, "doy") || !strcmp(f, "isodow") ||
        !strcmp(f, "isoyear") || !strcmp(f, "julian") || !strcmp(f, "timezone") ||
        !strcmp(f, "timezone_h") || !strcmp(f, "timezone_m"))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "unit \"%s\" not supported for type interval", f);
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "unit \"%s\" not recognized for type interval", f);
}

/* ---- to_char / to_timestamp / to_date (PostgreSQL's formatting.c, common patterns) ----- */
enum {
    K_AD_DOT, K_AM_DOT, K_AD, K_AM, K_BC_DOT, K_PM_DOT, K_BC, K_PM, K_CC, K_DAY, K_DDD, K_DD,
    K_DY, K_D, K_FF1, K_FF2, K_FF3, K_FF4, K_FF5, K_FF6, K_FX, K_HH24, K_HH12, K_HH, K_IDDD,
    K_ID, K_IW, K_IYYY, K_IYY, K_IY, K_I, K_J, K_MI, K_MM, K_MONTH, K_MON, K_MS, K_OF, K_Q,
    K_RM, K_SSSSS, K_SSSS, K_SS, K_TZH, K_TZM, K_TZ, K_US, K_WW, K_W, K_Y_YYY, K_YYYY, K_YYY,
    K_YY, K_Y,
};
static const struct { const char *s; int id; } dt_keys[] = {
    {"A.D.", K_AD_DOT}, {"A.M.", K_AM_DOT}, {"AD", K_AD}, {"AM", K_AM}, {"B.C.", K_BC_DOT},
    {"P.M.", K_PM_DOT}, {"BC", K_BC}, {"PM", K_PM}, {"CC", K_CC}, {"DAY", K_DAY}, {"Day", K_DAY},
    {"DDD", K_DDD}, {"DD", K_DD}, {"DY", K_DY}, {"Dy", K_DY}, {"D", K_D}, {"FF1", K_FF1},
    {"FF2", K_FF2}, {"FF3", K_FF3}, {"FF4", K_FF4}, {"FF5", K_FF5}, {"FF6", K_FF6}, {"FX", K_FX},
    {"HH24", K_HH24}, {"HH12", K_HH12}, {"HH", K_HH}, {"IDDD", K_IDDD}, {"ID", K_ID},
    {"IW", K_IW}, {"IYYY", K_IYYY}, {"IYY", K_IYY}, {"IY", K_IY}, {"I", K_I}, {"J", K_J},
    {"MI", K_MI}, {"MM", K_MM}, {"MONTH", K_MONTH}, {"Month", K_MONTH}, {"MON", K_MON},
    {"Mon", K_MON}, {"MS", K_MS}, {"OF", K_OF}, {"Q", K_Q}, {"RM", K_RM}, {"SSSSS", K_SSSSS},
    {"SSSS", K_SSSS}, {"SS", K_SS}, {"TZH", K_TZH}, {"TZM", K_TZM}, {"TZ", K_TZ}, {"US", K_US},
    {"WW", K_WW}, {"W", K_W}, {"Y,YYY", K_Y_YYY}, {"YYYY", K_YYYY}, {"YYY", K_YYY}, {"YY", K_YY},
    {"Y", K_Y},
    {"a.d.", K_AD_DOT}, {"a.m.", K_AM_DOT}, {"ad", K_AD}, {"am", K_AM}, {"b.c.", K_BC_DOT},
    {"p.m.", K_PM_DOT}, {"bc", K_BC}, {"pm", K_PM}, {"cc", K_CC}, {"day", K_DAY},
    {"ddd", K_DDD}, {"dd", K_DD}, {"dy", K_DY}, {"d", K_D}, {"ff1", K_FF1}, {"ff2", K_FF2},
    {"ff3", K_FF3}, {"ff4", K_FF4}, {"ff5", K_FF5}, {"ff6", K_FF6}, {"fx", K_FX},
    {"hh24", K_HH24}, {"hh12", K_HH12}, {"hh", K_HH}, {"iddd", K_IDDD}, {"id", K_ID},
    {"iw", K_IW}, {"iyyy", K_IYYY}, {"iyy", K_IYY}, {"iy", K_IY}, {"i", K_I}, {"j", K_J},
    {"mi", K_MI}, {"mm", K_MM}, {"month", K_MONTH}, {"mon", K_MON}, {"ms", K_MS}, {"of", K_OF},
    {"q", K_Q}, {"rm", K_RM}, {"sssss", K_SSSSS}, {"ssss", K_SSSS}, {"ss", K_SS}, {"tzh", K_TZH},
    {"tzm", K_TZM}, {"tz", K_TZ}, {"us", K_US}, {"ww", K_WW}, {"w", K_W}, {"y,yyy", K_Y_YYY},
    {"yyyy", K_YYYY}, {"yyy", K_YYY}, {"yy", K_YY}, {"y", K_Y},
};

/* Longest keyword at f; returns its length (0: none), *id and the matched text. */
static size_t dt_key(const char *f, size_t n, int *id, const char **ks) {
    size_t best = 0;
    for (size_t i = 0; i < sizeof dt_keys / sizeof dt_keys[0]; i++) {
        size_t l = strlen(dt_keys[i].s);
        if (l > best && l <= n && memcmp(f, dt_keys[i].s, l) == 0) {
            best = l;
            *id = dt_keys[i].id;
            *ks = dt_keys[i].s;
        }
    }
    return best;
}

static const char *const mon_full[] = {"January", "February", "March", "April", "May", "June",
                                       "July", "August", "September", "October", "November",
                                       "December"};
static const char *const day_full[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                                       "Friday", "Saturday"};
static const char *const rm_month[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
                                       "X", "XI", "XII"};

/* case of a keyword as written: 0 upper ("MONTH"), 1 capitalised ("Month"), 2 lower */
static int key_case(const char *ks) {
    if (islower((unsigned char)ks[0])) return 2;
    if (ks[1] && islower((unsigned char)ks[1])) return 1;
    return 0;
}

static void put_name(orb_buf_t *out, const char *name, size_t maxlen, int kc, bool fm, int pad) {
    char b[16];
    size_t l = strlen(name);
    if (l > maxlen) l = maxlen;
    for (size_t i = 0; i < l; i++) {
        char c = name[i];
        b[i] = (char)(kc == 0 ? toupper((unsigned char)c) : kc == 2 || i > 0 ? tolower((unsigned char)c) : c);
    }
    b[l] = 0;
    if (fm || pad == 0) orb_buf_puts(out, b);
    else orb_buf_printf(out, "%-*s", pad, b);
}

static const char *ordinal(int64_t v, bool upper) {
    int64_t a = v < 0 ? -v : v;
    const char *s = "th";
    if (a % 100 < 11 || a % 100 > 13) {
        if (a % 10 == 1) s = "st";
        else if (a % 10 == 2) s = "nd";
        else if (a % 10 == 3) s = "rd";
    }
    if (!upper) return s;
    return !strcmp(s, "st") ? "ST" : !strcmp(s, "nd") ? "ND" : !strcmp(s, "rd") ? "RD" : "TH";
}

/* ISO 8601 week-numbering year and week of a Julian day. */
static void iso_week(int jd, int y, int *iy, int *wk) {
    int yy = y;
    int w0 = sql__date2j(yy, 1, 4);
    int wk1 = w0 - (w0 + 1 + 6) % 7; /* Monday on or before Jan 4 */
    if (jd < wk1) {
        yy--;
        w0 = sql__date2j(yy, 1, 4);
        wk1 = w0 - (w0 + 1 + 6) % 7;
    } else {
        int n0 = sql__date2j(yy + 1, 1, 4);
        int nwk1 = n0 - (n0 + 1 + 6) % 7;
        if (jd >= nwk1) { yy++; wk1 = nwk1; }
    }
    *iy = yy;
    *wk = (jd - wk1) / 7 + 1;
}

int sql__ts_to_char(int64_t ts, bool with_tz, const char *f, size_t n, orb_buf_t *out,
                    orb_err_t *err) {
    (void)err;
    if (ts == SQL_TS_NOBEGIN || ts == SQL_TS_NOEND) return 1; /* NULL */
    int y, m, d;
    int64_t tod;
    ts2tm(ts, &y, &m, &d, &tod);
    int jd = sql__date2j(y, m, d);
    int hour = (int)(tod / USECS_PER_HOUR), min = (int)(tod / USECS_PER_MINUTE % 60),
        sec = (int)(tod / USECS_PER_SEC % 60), us = (int)(tod % USECS_PER_SEC);
    int dow = (jd + 1) % 7;
    int doy = jd - sql__date2j(y, 1, 1) + 1;
    int ayear = y > 0 ? y : 1 - y; /* year as printed with BC */
    size_t i = 0;
    bool fm = false;
    while (i < n) {
        if (f[i] == '"') {
            i++;
            while (i < n && f[i] != '"') {
                if (f[i] == '\\' && i + 1 < n) i++;
                orb_buf_putc(out, f[i++]);
            }
            if (i < n) i++;
            continue;
        }
        if (f[i] == '\\' && i + 1 < n && f[i + 1] == '"') {
            orb_buf_putc(out, '"');
            i += 2;
            continue;
        }
        if (n - i >= 2 && (!memcmp(f + i, "FM", 2) || !memcmp(f + i, "fm", 2))) {
            fm = true;
            i += 2;
            continue;
        }
        int id;
        const char *ks;
        size_t kl = dt_key(f + i, n - i, &id, &ks);
        if (!kl) {
            orb_buf_putc(out, f[i++]);
            fm = false;
            continue;
        }
        i += kl;
        int kc = key_case(ks);
        int64_t num = 0;
        int width = 0;
        bool numeric = true;
        switch (id) {
        case K_AD_DOT: case K_BC_DOT:
            numeric = false;
            orb_buf_puts(out, y > 0 ? (kc ? "a.d." : "A.D.") : (kc ? "b.c." : "B.C."));
            break;
        case K_AD: case K_BC:
            numeric = false;
            orb_buf_puts(out, y > 0 ? (kc ? "ad" : "AD") : (kc ? "bc" : "BC"));
            break;
        case K_AM_DOT: case K_PM_DOT:
            numeric = false;
            orb_buf_puts(out, hour < 12 ? (kc ? "a.m." : "A.M.") : (kc ? "p.m." : "P.M."));
            break;
        case K_AM: case K_PM:
            numeric = false;
            orb_buf_puts(out, hour < 12 ? (kc ? "am" : "AM") : (kc ? "pm" : "PM"));
            break;
        case K_CC: num = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100); width = 2; break;
        case K_DAY: numeric = false; put_name(out, day_full[dow], 9, kc, fm, 9); break;
        case K_DY: numeric = false; put_name(out, day_full[dow], 3, kc, fm, 0); break;
        case K_DDD: num = doy; width = 3; break;
        case K_DD: num = d; width = 2; break;
        case K_D: num = dow + 1; width = 1; break;
        case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5: case K_FF6: {
            int digs = id - K_FF1 + 1, div = 1;
            for (int k = digs; k < 6; k++) div *= 10;
            num = us / div;
            width = digs;
            break;
        }
        case K_FX: numeric = false; break;
        case K_HH24: num = hour; width = 2; break;
        case K_HH12: case K_HH: num = hour % 12 == 0 ? 12 : hour % 12; width = 2; break;
        case K_IDDD: case K_ID: case K_IW: case K_IYYY: case K_IYY: case K_IY: case K_I: {
            int iy, wk;
            iso_week(jd, y, &iy, &wk);
            if (id == K_ID) { num = dow == 0 ? 7 : dow; width = 1; }
            else if (id == K_IDDD) { num = (wk - 1) * 7 + (dow == 0 ? 7 : dow); width = 3; }
            else if (id == K_IW) { num = wk; width = 2; }
            else if (id == K_IYYY) { num = iy; width = 4; }
            else if (id == K_IYY) { num = iy % 1000; width = 3; }
            else if (id == K_IY) { num = iy % 100; width = 2; }
            else { num = iy % 10; width = 1; }
            break;
        }
        case K_J: num = jd; width = 0; break;
        case K_MI: num = min; width = 2; break;
        case K_MM: num = m; width = 2; break;
        case K_MONTH: numeric = false; put_name(out, mon_full[m - 1], 9, kc, fm, 9); break;
        case K_MON: numeric = false; put_name(out, mon_full[m - 1], 3, kc, fm, 0); break;
        case K_MS: num = us / 1000; width = 3; break;
        case K_US: num = us; width = 6; break;
        case K_OF: numeric = false; orb_buf_puts(out, "+00"); break;
        case K_TZH: numeric = false; orb_buf_puts(out, "+00"); break;
        case K_TZM: numeric = false; orb_buf_puts(out, "00"); break;
        case K_TZ: numeric = false; if (with_tz) orb_buf_puts(out, kc ? "utc" : "UTC"); break;
        case K_Q: num = (m - 1) / 3 + 1; width = 1; break;
        case K_RM:
            numeric = false;
            if (kc) {
                char b[8];
                size_t l = strlen(rm_month[m - 1]);
                for (size_t k = 0; k <= l; k++) b[k] = (char)tolower((unsigned char)rm_month[m - 1][k]);
                orb_buf_printf(out, fm ? "%s" : "%-4s", b);
            } else {
                orb_buf_printf(out, fm ? "%s" : "%-4s", rm_month[m - 1]);
            }
            break;
        case K_SSSSS: case K_SSSS: num = hour * 3600 + min * 60 + sec; width = 0; break;
        case K_SS: num = sec; width = 2; break;
        case K_WW: num = (doy - 1) / 7 + 1; width = 2; break;
        case K_W: num = (d - 1) / 7 + 1; width = 1; break;
        case K_Y_YYY:
            numeric = false;
            orb_buf_printf(out, "%d,%03d", ayear / 1000, ayear % 1000);
            break;
        case K_YYYY: num = ayear; width = 4; break;
        case K_YYY: num = ayear % 1000; width = 3; break;
        case K_YY: num = ayear % 100; width = 2; break;
        case K_Y: num = ayear % 10; width = 1; break;
        default: numeric = false; break;
        }
        if (numeric) {
            if (fm) orb_buf_printf(out, "%lld", (long long)num);
            else orb_buf_printf(out, "%0*lld", width, (long long)num);
            if (n - i >= 2 && (!memcmp(f + i, "TH", 2) || !memcmp(f + i, "th", 2))) {
                orb_buf_puts(out, ordinal(num, f[i] == 'T'));
                i += 2;
            }
        }
        fm = false;
    }
    return 0;
}

/* to_timestamp(text, fmt) / to_date: numeric fields, month and day names, AM/PM, BC;
 * separators in the format match any run of non-alphanumerics in the input. */
int sql__ts_from_char(const char *s, size_t sn, const char *f, size_t n, bool date_only,
                      int64_t *out, orb_err_t *err) {
    int year = 0, mon = 1, day = 1, hour = 0, min = 0, sec = 0, doy = 0;
    int64_t us = 0;
    bool pm = false, have_ampm = false, bc = false, have_year = false, hh12 = false;
    size_t i = 0, p = 0;
    while (i < n) {
        if (f[i] == '"') {
            i++;
            while (i < n && f[i] != '"') { i++; if (p < sn) p++; }
            if (i < n) i++;
            continue;
        }
        if (n - i >= 2 && (!memcmp(f + i, "FM", 2) || !memcmp(f + i, "fm", 2))) { i += 2; continue; }
        int id;
        const char *ks;
        size_t kl = dt_key(f + i, n - i, &id, &ks);
        if (!kl) {
            /* a separator (or space) in the format skips one input char if it is not alnum */
            if (isspace((unsigned char)f[i])) {
                while (p < sn && isspace((unsigned char)s[p])) p++;
            } else if (p < sn && !isalnum((unsigned char)s[p])) {
                p++;
            }
            i++;
            continue;
        }
        i += kl;
        while (p < sn && isspace((unsigned char)s[p]) && id != K_FX) p++;
        if (n - i >= 2 && (!memcmp(f + i, "TH", 2) || !memcmp(f + i, "th", 2))) i += 2;
        /* next format item numeric without separator: fixed width */
        int nid;
        const char *nks;
        bool fixed = i < n && dt_key(f + i, n - i, &nid, &nks) > 0;
        int width = 0;
        switch (id) {
        case K_MONTH: case K_MON: case K_DAY: case K_DY: {
            const char *const *names = id == K_MONTH || id == K_MON ? mon_full : day_full;
            int cnt = id == K_MONTH || id == K_MON ? 12 : 7, found = -1;
            size_t fl = 0;
            for (int k = 0; k < cnt && found < 0; k++) {
                size_t l = id == K_MONTH || id == K_DAY ? strlen(names[k]) : 3;
                if (p + l <= sn && strncasecmp(s + p, names[k], l) == 0) { found = k; fl = l; }
            }
            if (found < 0) {
                size_t e = p;
                while (e < sn && isalpha((unsigned char)s[e])) e++;
                return orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid value \"%.*s\" for \"%s\"",
                                   (int)(e - p), s + p, ks);
            }
            if (id == K_MONTH || id == K_MON) mon = found + 1;
            p += fl;
            continue;
        }
        case K_AM: case K_PM: case K_AM_DOT: case K_PM_DOT: {
            size_t l = id == K_AM || id == K_PM ? 2 : 4;
            if (p + l > sn) return orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid value \"%.*s\" for \"%s\"", (int)(sn - p), s + p, ks);
            char c = (char)tolower((unsigned char)s[p]);
            if (c != 'a' && c != 'p')
                return orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid value \"%.*s\" for \"%s\"", (int)l, s + p, ks);
            pm = c == 'p';
            have_ampm = true;
            p += l;
            continue;
        }
        case K_AD: case K_BC: case K_AD_DOT: case K_BC_DOT: {
            size_t l = id == K_AD || id == K_BC ? 2 : 4;
            if (p + l <= sn && tolower((unsigned char)s[p]) == 'b') bc = true;
            p += p + l <= sn ? l : sn - p;
            continue;
        }
        case K_TZ: case K_OF: case K_FX: case K_TZH: case K_TZM:
            continue;
        case K_YYYY: case K_IYYY: width = 4; break;
        case K_YYY: case K_IYY: case K_DDD: case K_MS: width = 3; break;
        case K_US: width = 6; break;
        case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5: case K_FF6: width = id - K_FF1 + 1; break;
        case K_D: case K_Y: case K_Q: case K_I: case K_ID: case K_W: width = 1; break;
        case K_J: case K_SSSS: case K_SSSSS: width = 10; break;
        default: width = 2; break;
        }
        size_t st = p;
        bool neg = false;
        if (p < sn && s[p] == '-' && (id == K_YYYY || id == K_J)) { neg = true; p++; }
        size_t maxw = fixed ? (size_t)width : 12;
        if (id == K_Y_YYY) maxw = 5;
        int64_t v = 0;
        size_t nd = 0;
        while (p < sn && nd < maxw && (isdigit((unsigned char)s[p]) || (id == K_Y_YYY && s[p] == ','))) {
            if (s[p] != ',') { v = v * 10 + (s[p] - '0'); nd++; }
            p++;
        }
        if (nd == 0) {
            size_t e = p;
            while (e < sn && !isspace((unsigned char)s[e])) e++;
            orb_err_set(err, INVALID_DATETIME_FORMAT, "invalid value \"%.*s\" for \"%s\"",
                        (int)(e - st > 0 ? e - st : 0), s + st, ks);
            orb_err_detail(err, "Value must be an integer.");
            return -1;
        }
        if (neg) v = -v;
        switch (id) {
        case K_YYYY: case K_IYYY: case K_Y_YYY: year = (int)v; have_year = true; break;
        case K_YYY: case K_IYY: year = (int)(v < 100 ? v + 2000 : v + 1000); have_year = true; break;
        case K_YY: case K_IY: year = (int)(v < 70 ? v + 2000 : v + 1900); have_year = true; break;
        case K_Y: case K_I: year = (int)v + 2000; have_year = true; break;
        case K_MM: mon = (int)v; break;
        case K_DD: day = (int)v; break;
        case K_DDD: doy = (int)v; break;
        case K_HH: case K_HH12: hour = (int)v; hh12 = true; break;
        case K_HH24: hour = (int)v; break;
        case K_MI: min = (int)v; break;
        case K_SS: sec = (int)v; break;
        case K_MS: us = v * 1000; { for (size_t k = nd; k < 3; k++) us *= 10; } break;
        case K_US: us = v; { for (size_t k = nd; k < 6; k++) us *= 10; } break;
        case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5: case K_FF6:
            us = v;
            for (size_t k = nd; k < 6; k++) us *= 10;
            break;
        case K_SSSS: case K_SSSSS: hour = (int)(v / 3600); min = (int)(v / 60 % 60); sec = (int)(v % 60); break;
        case K_J: {
            int yy, mm, dd;
            sql__j2date((int)v, &yy, &mm, &dd);
            year = yy; mon = mm; day = dd; have_year = true;
            break;
        }
        case K_CC: if (!have_year) { year = (int)(v - 1) * 100 + 1; } break;
        default: break;
        }
    }
    if (hh12 || have_ampm) {
        if (hour < 1 || hour > 12) {
            orb_err_set(err, INVALID_DATETIME_FORMAT, "hour \"%d\" is invalid for the 12-hour clock", hour);
            orb_err_hint(err, "Use the 24-hour clock, or give an hour between 1 and 12.");
            return -1;
        }
        if (pm && hour < 12) hour += 12;
        else if (!pm && hour == 12) hour = 0;
    }
    if (!have_year) year = 1;
    if (bc) year = -(year - 1);
    if (doy && mon == 1 && day == 1) {
        int jd0 = sql__date2j(year, 1, 1) + doy - 1;
        sql__j2date(jd0, &year, &mon, &day);
    }
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hour > 24 || min > 59 ||
        sec > 60)
        return orb_err_set(err, DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%.*s\"",
                           (int)sn, s);
    int64_t jd = sql__date2j(year, mon, day);
    if (date_only) {
        *out = jd - PG_EPOCH_JDATE;
        return 0;
    }
    *out = (jd - PG_EPOCH_JDATE) * SQL_USECS_PER_DAY +
           ((int64_t)hour * 3600 + min * 60 + sec) * USECS_PER_SEC + us;
    return 0;
}
