/* sql/sql_datetime.c — date, timestamp and timestamptz input, output and field extraction
 * as PostgreSQL 15 does them with DateStyle ISO, MDY and TimeZone UTC. Dates are days since
 * 2000-01-01, timestamps microseconds since 2000-01-01 00:00:00 (UTC for timestamptz);
 * +-infinity are INT32/INT64 min/max. Calendar arithmetic is PostgreSQL's date2j/j2date. */
#include <ctype.h>
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
