/* sql/sql_settings.h — (sql-private) per-session settings declared once in a table
 * (sql_settings.c): name, default, reported in ParameterStatus, read-only, checker. */
#ifndef ORB_SQL_SETTINGS_H
#define ORB_SQL_SETTINGS_H

#include "sql_int.h"

#define SQL_SETTING_MAX 256
#define SQL_MAX_SETTINGS 80
#define SQL_MAX_CUSTOM 32

typedef struct sql_setting_def {
    const char *name;
    const char *def;
    bool reported;
    bool read_only;
    int (*check)(const char *in, char *out, size_t outn, orb_err_t *err);
    const char *description;
} sql_setting_def_t;

typedef struct sql_settings {
    char values[SQL_MAX_SETTINGS][SQL_SETTING_MAX];
    int ncustom;
    char custom_names[SQL_MAX_CUSTOM][64];
    char custom_values[SQL_MAX_CUSTOM][SQL_SETTING_MAX];
} sql_settings_t;

const sql_setting_def_t *sql_settings_defs(int *n);
void sql_settings_init(sql_settings_t *st, const char *user, uint32_t default_shards);
int sql_settings_find(const char *name);
/* Settings fixed when the server starts (PostgreSQL's postmaster context): max_connections,
 * superuser_reserved_connections (their values come from orbitd's flags, sql_config_t). */
bool sql_settings_postmaster(const char *name);
const char *sql_settings_get(const sql_settings_t *st, int i);
const char *sql_settings_custom(const sql_settings_t *st, const char *name);
/* *index is the setting's position, or -1 for a custom placeholder. */
int sql_settings_set(sql_settings_t *st, const char *name, const char *value, bool *reported,
                     int *index, orb_err_t *err);
/* A time setting's value (as stored: "100ms", "1s", "0") in milliseconds; 0 when none. */
int sql_settings_ms(const char *value);
int sql_settings_reset(sql_settings_t *st, const char *name, bool *reported, int *index,
                       orb_err_t *err);

#endif
