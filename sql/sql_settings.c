/* sql/sql_settings.c — run-time settings (GUCs): the declarative table of the settings
 * Orbit knows, their defaults and which are reported in ParameterStatus; SET, RESET and
 * SHOW. Entry points: sql_settings_init, sql_settings_set, sql_settings_get. */
#include "sql_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef int (*check_cb)(const char *in, char *out, size_t outn, orb_err_t *err);

static int check_utc(const char *in, char *out, size_t outn, orb_err_t *err) {
    static const char *const ok[] = {"utc", "gmt", "etc/utc", "etc/gmt", "z", "zulu", "uct", "universal", "0", "+00", "00:00"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (strcasecmp(in, ok[i]) == 0) {
            snprintf(out, outn, "%s", strcasecmp(in, "gmt") == 0 ? "GMT" : "UTC");
            return 0;
        }
    }
    return orb_err_set(err, FEATURE_NOT_SUPPORTED, "time zone \"%s\" is not supported yet: Orbit runs in UTC", in);
}

static int check_datestyle(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strncasecmp(in, "iso", 3) == 0 || strcasecmp(in, "mdy") == 0 || strcasecmp(in, "iso, mdy") == 0) {
        snprintf(out, outn, "ISO, MDY");
        return 0;
    }
    return orb_err_set(err, FEATURE_NOT_SUPPORTED, "DateStyle \"%s\" is not supported yet: only ISO output is", in);
}

static int check_encoding(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcasecmp(in, "utf8") == 0 || strcasecmp(in, "utf-8") == 0 || strcasecmp(in, "unicode") == 0) {
        snprintf(out, outn, "UTF8");
        return 0;
    }
    orb_err_set(err, FEATURE_NOT_SUPPORTED, "conversion between %s and UTF8 is not supported", in);
    return -1;
}

static int check_int(const char *in, char *out, size_t outn, orb_err_t *err) {
    char *end;
    long v = strtol(in, &end, 10);
    if (!*in || *end) return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for integer parameter: \"%s\"", in);
    snprintf(out, outn, "%ld", v);
    return 0;
}

static int check_bool(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcasecmp(in, "on") == 0 || strcasecmp(in, "true") == 0 || strcasecmp(in, "1") == 0 || strcasecmp(in, "yes") == 0) {
        snprintf(out, outn, "on");
        return 0;
    }
    if (strcasecmp(in, "off") == 0 || strcasecmp(in, "false") == 0 || strcasecmp(in, "0") == 0 || strcasecmp(in, "no") == 0) {
        snprintf(out, outn, "off");
        return 0;
    }
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "parameter requires a Boolean value");
}

/* Orbit prints bytea in hex only */
static int check_bytea_output(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcasecmp(in, "hex") == 0) {
        snprintf(out, outn, "hex");
        return 0;
    }
    if (strcasecmp(in, "escape") == 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "bytea_output \"escape\" is not supported yet");
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"bytea_output\": \"%s\"", in);
}

/* Orbit formats messages, numbers, money and times as the C locale does */
static int check_c_locale(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcmp(in, "C") == 0 || strcmp(in, "POSIX") == 0 || strcmp(in, "C.UTF-8") == 0 || !*in) {
        snprintf(out, outn, "%s", *in ? in : "C");
        return 0;
    }
    return orb_err_set(err, FEATURE_NOT_SUPPORTED, "locale \"%s\" is not supported yet", in);
}

/* rows are stored one way; PostgreSQL calls its table access method heap */
static int check_table_am(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcmp(in, "heap") == 0) {
        snprintf(out, outn, "heap");
        return 0;
    }
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"default_table_access_method\": \"%s\"", in);
}

/* the only tablespace is pg_default ("" means it) */
static int check_tablespace(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (!*in || strcmp(in, "pg_default") == 0) {
        snprintf(out, outn, "%s", in);
        return 0;
    }
    return orb_err_set(err, UNDEFINED_OBJECT, "tablespace \"%s\" does not exist", in);
}

static int check_isolation(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (strcasecmp(in, "read committed") == 0 || strcasecmp(in, "read uncommitted") == 0) {
        snprintf(out, outn, "read committed");
        return 0;
    }
    if (strcasecmp(in, "repeatable read") == 0 || strcasecmp(in, "serializable") == 0) {
        snprintf(out, outn, "%s", strcasecmp(in, "serializable") == 0 ? "serializable" : "repeatable read");
        return 0;
    }
    return orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"transaction_isolation\": \"%s\"", in);
}

static int check_scs(const char *in, char *out, size_t outn, orb_err_t *err) {
    if (check_bool(in, out, outn, err) != 0) return -1;
    if (strcmp(out, "on") != 0)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "standard_conforming_strings = off is not supported");
    return 0;
}

/* pgvector's settings: integers within a range, with PostgreSQL's message when outside */
static int check_range(const char *name, long lo, long hi, const char *in, char *out, size_t outn,
                       orb_err_t *err) {
    char *end;
    long v = strtol(in, &end, 10);
    while (*end == ' ') end++;
    if (!*in || *end)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "invalid value for parameter \"%s\": \"%s\"", name, in);
    if (v < lo || v > hi)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "%ld is outside the valid range for parameter \"%s\" (%ld .. %ld)", v,
                           name, lo, hi);
    snprintf(out, outn, "%ld", v);
    return 0;
}

static int check_ef_search(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_range("hnsw.ef_search", 1, 1000, in, out, outn, err);
}
static int check_max_scan_tuples(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_range("hnsw.max_scan_tuples", 1, 2147483647, in, out, outn, err);
}
static int check_probes(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_range("ivfflat.probes", 1, 32768, in, out, outn, err);
}
static int check_max_probes(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_range("ivfflat.max_probes", 1, 32768, in, out, outn, err);
}
static int check_mem_multiplier(const char *in, char *out, size_t outn, orb_err_t *err) {
    char *end;
    double v = strtod(in, &end);
    if (!*in || *end)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "invalid value for parameter \"hnsw.scan_mem_multiplier\": \"%s\"", in);
    if (v < 1 || v > 1000)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "%g is outside the valid range for parameter \"hnsw.scan_mem_multiplier\" (1 .. 1000)", v);
    snprintf(out, outn, "%g", v);
    return 0;
}
static int check_enum(const char *name, const char *const *ok, const char *in, char *out,
                      size_t outn, orb_err_t *err) {
    for (int i = 0; ok[i]; i++) {
        if (strcasecmp(in, ok[i]) == 0) {
            snprintf(out, outn, "%s", ok[i]);
            return 0;
        }
    }
    orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"%s\": \"%s\"", name, in);
    orb_buf_t hint;
    orb_buf_init(&hint);
    for (int i = 0; ok[i]; i++) orb_buf_printf(&hint, "%s%s", i ? ", " : "", ok[i]);
    orb_err_hint(err, "Available values: %s.", hint.data);
    orb_buf_free(&hint);
    return -1;
}
static int check_hnsw_iterative(const char *in, char *out, size_t outn, orb_err_t *err) {
    static const char *const ok[] = {"off", "relaxed_order", "strict_order", NULL};
    return check_enum("hnsw.iterative_scan", ok, in, out, outn, err);
}
static int check_ivf_iterative(const char *in, char *out, size_t outn, orb_err_t *err) {
    static const char *const ok[] = {"off", "relaxed_order", NULL};
    return check_enum("ivfflat.iterative_scan", ok, in, out, outn, err);
}

static int check_password_encryption(const char *in, char *out, size_t outn, orb_err_t *err) {
    static const char *const ok[] = {"md5", "scram-sha-256", NULL};
    return check_enum("password_encryption", ok, in, out, outn, err);
}

/* Time settings in milliseconds (statement_timeout, lock_timeout, ...) as PostgreSQL's
 * GUC_UNIT_MS: a number (fractions rounded) with an optional unit us, ms, s, min, h, d (no
 * unit: ms), 0 .. INT_MAX ms; shown in the largest unit that divides the value. */
static int parse_ms(const char *in, double *ms, bool *bad_unit) {
    char *end;
    *bad_unit = false;
    double v = strtod(in, &end);
    if (end == in) return -1;
    while (*end == ' ' || *end == '\t') end++;
    static const struct { const char *u; double mul; } units[] = {
        {"us", 0.001}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
    double mul = 1;
    if (*end) {
        size_t n = 0;
        while (end[n] && end[n] != ' ' && end[n] != '\t') n++;
        bool found = false;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (strlen(units[i].u) == n && strncmp(end, units[i].u, n) == 0) {
                mul = units[i].mul;
                found = true;
            }
        }
        const char *rest = end + n;
        while (*rest == ' ' || *rest == '\t') rest++;
        if (!found || *rest) {
            *bad_unit = true;
            return -1;
        }
    }
    *ms = v * mul;
    return 0;
}

static int check_ms(const char *name, const char *in, char *out, size_t outn, orb_err_t *err) {
    double v;
    bool bad_unit;
    if (parse_ms(in, &v, &bad_unit) != 0) {
        orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"%s\": \"%s\"",
                    name, in);
        if (bad_unit)
            snprintf(err->hint, sizeof err->hint,
                     "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
        return -1;
    }
    if (v >= 2147483647.5 || v <= -2147483648.5) {
        orb_err_set(err, INVALID_PARAMETER_VALUE, "invalid value for parameter \"%s\": \"%s\"",
                    name, in);
        snprintf(err->hint, sizeof err->hint, "Value exceeds integer range.");
        return -1;
    }
    double r = v < 0 ? -(double)(long long)(-v + 0.5) : (double)(long long)(v + 0.5);
    if (r < 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "%.0f ms is outside the valid range for parameter \"%s\" (0 .. 2147483647)",
                           r, name);
    long long ms = (long long)r;
    static const struct { const char *u; long long div; } show[] = {
        {"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}};
    if (ms == 0) {
        snprintf(out, outn, "0");
        return 0;
    }
    for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
        if (ms % show[i].div == 0) {
            snprintf(out, outn, "%lld%s", ms / show[i].div, show[i].u);
            return 0;
        }
    }
    snprintf(out, outn, "%lldms", ms);
    return 0;
}

int sql_settings_ms(const char *value) {
    double v;
    bool bad_unit;
    if (!value || parse_ms(value, &v, &bad_unit) != 0 || v <= 0) return 0;
    return v > 2147483647.0 ? 2147483647 : (int)(v + 0.5);
}

static int check_statement_timeout(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_ms("statement_timeout", in, out, outn, err);
}
static int check_lock_timeout(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_ms("lock_timeout", in, out, outn, err);
}
static int check_idle_timeout(const char *in, char *out, size_t outn, orb_err_t *err) {
    return check_ms("idle_in_transaction_session_timeout", in, out, outn, err);
}

/* The settings table: name (as SHOW prints it), default, reported in ParameterStatus,
 * read-only, checker, description. */
static const sql_setting_def_t defs[] = {
    {"application_name", "", true, false, NULL, "Sets the application name to be reported in statistics and logs."},
    {"client_encoding", "UTF8", true, false, check_encoding, "Sets the client's character set encoding."},
    {"DateStyle", "ISO, MDY", true, false, check_datestyle, "Sets the display format for date and time values."},
    {"default_transaction_isolation", "read committed", false, false, check_isolation, "Sets the transaction isolation level of each new transaction."},
    {"default_transaction_read_only", "off", true, false, check_bool, "Sets the default read-only status of new transactions."},
    {"extra_float_digits", "1", false, false, check_int, "Sets the number of digits displayed for floating-point values."},
    {"in_hot_standby", "off", true, true, NULL, "Shows whether hot standby is currently active."},
    {"integer_datetimes", "on", true, true, NULL, "Shows whether datetimes are integer based."},
    {"IntervalStyle", "postgres", true, false, NULL, "Sets the display format for interval values."},
    {"is_superuser", "on", true, true, NULL, "Shows whether the current user is a superuser."},
    {"lock_timeout", "0", false, false, check_lock_timeout, "Sets the maximum allowed duration of any wait for a lock."},
    {"client_min_messages", "notice", false, false, NULL, "Sets the message levels that are sent to the client."},
    {"max_identifier_length", "63", false, true, NULL, "Shows the maximum identifier length."},
    {"password_encryption", "scram-sha-256", false, false, check_password_encryption, "Chooses the algorithm for encrypting passwords."},
    {"role", "none", false, false, NULL, "Sets the current role."},
    {"search_path", "\"$user\", public", false, false, NULL, "Sets the schema search order for names that are not schema-qualified."},
    {"server_encoding", "UTF8", true, true, NULL, "Shows the server (database) character set encoding."},
    {"server_version", "15.0 (Orbit 0.1)", true, true, NULL, "Shows the server version."},
    {"server_version_num", "150000", false, true, NULL, "Shows the server version as an integer."},
    {"session_authorization", "", true, true, NULL, "Sets the session user name."},
    {"ssl", "off", false, true, NULL, "Enables SSL connections."},
    {"max_connections", "100", false, true, NULL, "Sets the maximum number of concurrent connections."},
    {"superuser_reserved_connections", "3", false, true, NULL, "Sets the number of connection slots reserved for superusers."},
    {"ssl_library", "OpenSSL", false, true, NULL, "Shows the name of the SSL library."},
    {"standard_conforming_strings", "on", true, false, check_scs, "Causes '...' strings to treat backslashes literally."},
    {"statement_timeout", "0", false, false, check_statement_timeout, "Sets the maximum allowed duration of any statement."},
    {"TimeZone", "UTC", true, false, check_utc, "Sets the time zone for displaying and interpreting time stamps."},
    {"transaction_isolation", "read committed", false, false, check_isolation, "Sets the current transaction's isolation level."},
    {"idle_in_transaction_session_timeout", "0", false, false, check_idle_timeout, "Sets the maximum allowed idle time between queries, when in a transaction."},
    {"synchronous_commit", "on", false, false, NULL, "Sets the current transaction's synchronization level."},
    {"orbit.default_shards", "4", false, true, NULL, "Number of shards of a table created without WITH (shards = n)."},
    {"orbit.vector_projection", "on", false, false, check_bool, "Vector index scans fetch only the columns the query reads (off: whole rows, to compare)."},
    /* what clients such as pgAdmin read or set; each describes Orbit as it is (byte-order
     * comparisons are the C collation, output is formatted as in the C locale, bytea is
     * printed in hex, no TLS, no JIT, no tablespaces but pg_default) */
    {"bytea_output", "hex", false, false, check_bytea_output, "Sets the output format for bytea."},
    {"lc_collate", "C", false, true, NULL, "Shows the collation order locale."},
    {"lc_ctype", "C", false, true, NULL, "Shows the character classification and case conversion locale."},
    {"lc_messages", "C", false, false, check_c_locale, "Sets the language in which messages are displayed."},
    {"lc_monetary", "C", false, false, check_c_locale, "Sets the locale for formatting monetary amounts."},
    {"lc_numeric", "C", false, false, check_c_locale, "Sets the locale for formatting numbers."},
    {"lc_time", "C", false, false, check_c_locale, "Sets the locale for formatting date and time values."},
    {"default_table_access_method", "heap", false, false, check_table_am, "Sets the default table access method for new tables."},
    {"default_tablespace", "", false, false, check_tablespace, "Sets the default tablespace to create tables and indexes in."},
    {"temp_tablespaces", "", false, false, check_tablespace, "Sets the tablespace(s) to use for temporary tables and sort files."},
    {"row_security", "on", false, false, check_bool, "Enable row security."},
    {"check_function_bodies", "on", false, false, check_bool, "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."},
    {"escape_string_warning", "on", false, false, check_bool, "Warn about backslash escapes in ordinary string literals."},
    {"array_nulls", "on", false, false, check_bool, "Enable input of NULL elements in arrays."},
    {"quote_all_identifiers", "off", false, false, check_bool, "When generating SQL fragments, quote all identifiers."},
    {"xmloption", "content", false, false, NULL, "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."},
    {"default_transaction_deferrable", "off", false, false, check_bool, "Sets the default deferrable status of new transactions."},
    {"transaction_deferrable", "off", false, false, check_bool, "Whether to defer a read-only serializable transaction until it can be executed with no possible serialization failures."},
    {"max_index_keys", "32", false, true, NULL, "Shows the maximum number of index keys."},
    {"max_function_args", "100", false, true, NULL, "Shows the maximum number of function arguments."},
    {"jit", "off", false, false, check_bool, "Allow JIT compilation."},
    {"cluster_name", "", false, true, NULL, "Sets the name of the cluster, which is included in the process title."},
    {"timezone_abbreviations", "Default", false, false, NULL, "Selects a file of time zone abbreviations."},
    /* pgvector 0.8's (see docs/vectors.md: Orbit's index scans always find `limit` matching
     * rows when they exist, so the iterative_scan modes change nothing but are accepted) */
    {"hnsw.ef_search", "40", false, false, check_ef_search, "Sets the size of the dynamic candidate list for search"},
    {"hnsw.iterative_scan", "off", false, false, check_hnsw_iterative, "Sets the mode for iterative scans"},
    {"hnsw.max_scan_tuples", "20000", false, false, check_max_scan_tuples, "Sets the max number of tuples to visit for iterative scans"},
    {"hnsw.scan_mem_multiplier", "1", false, false, check_mem_multiplier, "Sets the multiple of work_mem to use for iterative scans"},
    {"ivfflat.probes", "1", false, false, check_probes, "Sets the number of probes"},
    {"ivfflat.iterative_scan", "off", false, false, check_ivf_iterative, "Sets the mode for iterative scans"},
    {"ivfflat.max_probes", "32768", false, false, check_max_probes, "Sets the max number of probes for iterative scans"},
};
#define NDEFS (sizeof defs / sizeof defs[0])
_Static_assert(NDEFS <= SQL_MAX_SETTINGS, "sql_settings_t.values is too small for the settings");

const sql_setting_def_t *sql_settings_defs(int *n) {
    *n = (int)NDEFS;
    return defs;
}

void sql_settings_init(sql_settings_t *st, const char *user, uint32_t default_shards) {
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < NDEFS; i++) {
        snprintf(st->values[i], sizeof st->values[i], "%s", defs[i].def);
        if (strcmp(defs[i].name, "session_authorization") == 0)
            snprintf(st->values[i], sizeof st->values[i], "%s", user);
        if (strcmp(defs[i].name, "orbit.default_shards") == 0)
            snprintf(st->values[i], sizeof st->values[i], "%u", default_shards);
    }
}

bool sql_settings_postmaster(const char *name) {
    return strcmp(name, "max_connections") == 0 || strcmp(name, "superuser_reserved_connections") == 0;
}

int sql_settings_find(const char *name) {
    for (size_t i = 0; i < NDEFS; i++)
        if (strcasecmp(defs[i].name, name) == 0) return (int)i;
    return -1;
}

const char *sql_settings_get(const sql_settings_t *st, int i) { return st->values[i]; }

int sql_settings_set(sql_settings_t *st, const char *name, const char *value, bool *reported,
                     int *index, orb_err_t *err) {
    int i = sql_settings_find(name);
    *reported = false;
    if (i < 0) {
        if (strchr(name, '.')) {
            /* placeholder variables ("myapp.x"), as PostgreSQL allows */
            for (int k = 0; k < st->ncustom; k++) {
                if (strcasecmp(st->custom_names[k], name) == 0) {
                    snprintf(st->custom_values[k], sizeof st->custom_values[k], "%s", value);
                    *index = -1;
                    return 0;
                }
            }
            if (st->ncustom == SQL_MAX_CUSTOM)
                return orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "too many custom settings");
            snprintf(st->custom_names[st->ncustom], sizeof st->custom_names[0], "%s", name);
            snprintf(st->custom_values[st->ncustom], sizeof st->custom_values[0], "%s", value);
            st->ncustom++;
            *index = -1;
            return 0;
        }
        return orb_err_set(err, UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
    }
    if (sql_settings_postmaster(defs[i].name))
        return orb_err_set(err, CANT_CHANGE_RUNTIME_PARAM,
                           "parameter \"%s\" cannot be changed without restarting the server",
                           defs[i].name);
    if (defs[i].read_only) /* ssl is a server (sighup) setting in PostgreSQL: "... now" */
        return orb_err_set(err, CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be changed%s",
                           defs[i].name, strcmp(defs[i].name, "ssl") == 0 ? " now" : "");
    char buf[SQL_SETTING_MAX];
    if (defs[i].check) {
        if (defs[i].check(value, buf, sizeof buf, err) != 0) return -1;
    } else {
        snprintf(buf, sizeof buf, "%s", value);
    }
    snprintf(st->values[i], sizeof st->values[i], "%s", buf);
    *reported = defs[i].reported;
    *index = i;
    return 0;
}

int sql_settings_reset(sql_settings_t *st, const char *name, bool *reported, int *index,
                       orb_err_t *err) {
    int i = sql_settings_find(name);
    if (i < 0) return sql_settings_set(st, name, "", reported, index, err);
    if (sql_settings_postmaster(defs[i].name) || defs[i].read_only) /* PostgreSQL: the SET errors */
        return sql_settings_set(st, name, st->values[i], reported, index, err);
    snprintf(st->values[i], sizeof st->values[i], "%s", defs[i].def);
    *reported = defs[i].reported;
    *index = i;
    return 0;
}

const char *sql_settings_custom(const sql_settings_t *st, const char *name) {
    for (int k = 0; k < st->ncustom; k++)
        if (strcasecmp(st->custom_names[k], name) == 0) return st->custom_values[k];
    return NULL;
}
