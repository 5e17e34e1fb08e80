/* sql/sql_copy.c — COPY: bulk load (COPY ... FROM STDIN / 'file') and export (COPY ... TO
 * STDOUT / 'file', COPY (query) TO) in PostgreSQL 15's text, csv and binary formats.
 * Entry point: sql_copy_exec (called by sql_session.c inside the statement's savepoint).
 * COPY FROM streams: input is read in chunks (the client's CopyData messages through the
 * sink, or a file), cut into lines (which may span chunks), parsed, and every row goes
 * through the INSERT path (sql_exec_insert_row: defaults, NOT NULL, CHECK, unique and index
 * entries) into per-shard write batches that are flushed every few thousand ops, so memory
 * stays bounded for any input. Errors carry PostgreSQL's CONTEXT ("COPY t, line 3, column b:
 * "x""). See README.md ("COPY"). */
#include "sql_ddl_int.h"
#include "sql_shard.h"
#include "sql_stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define COPY_BATCH_OPS 8192              /* write ops per flush (all shards) */
#define COPY_BATCH_BYTES ((size_t)16 << 20) /* or this much batch memory */
#define COPY_FILE_CHUNK 65536
#define COPY_DISPLAY_MAX 100 /* PostgreSQL's MAX_COPY_DATA_DISPLAY */

static const char BINARY_SIGNATURE[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};

typedef enum copy_format { COPY_TEXT = 0, COPY_CSV, COPY_BINARY } copy_format_t;
typedef enum copy_header { HEADER_NONE = 0, HEADER_TRUE, HEADER_MATCH } copy_header_t;

typedef struct copy_opts {
    copy_format_t format;
    copy_header_t header;
    const char *delim, *null_print, *quote, *escape; /* NULL until set or defaulted */
    bool force_quote_all;
    PgQuery__List *force_quote, *force_notnull, *force_null;
    bool seen_format, seen_header, seen_freeze, seen_encoding;
} copy_opts_t;

/* ======================================================================================
 * Options (PostgreSQL's ProcessCopyOptions)
 * ====================================================================================== */

static int conflicting(PgQuery__DefElem *d, orb_err_t *err) {
    orb_err_set(err, SYNTAX_ERROR, "conflicting or redundant options");
    return sql_err_at(err, d->location);
}

const char *sql_def_string(PgQuery__DefElem *d, orb_mcx_t *mcx) {
    PgQuery__Node *a = d->arg;
    if (!a) return NULL;
    switch (a->node_case) {
    case PG_QUERY__NODE__NODE_STRING: return a->string->sval;
    case PG_QUERY__NODE__NODE_INTEGER: return orb_sprintf(mcx, "%d", a->integer->ival);
    case PG_QUERY__NODE__NODE_FLOAT: return a->float_->fval;
    case PG_QUERY__NODE__NODE_BOOLEAN: return a->boolean->boolval ? "true" : "false";
    default: return NULL;
    }
}

static int def_string_required(PgQuery__DefElem *d, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    *out = sql_def_string(d, mcx);
    if (!*out) {
        orb_err_set(err, SYNTAX_ERROR, "%s requires a parameter", d->defname);
        return sql_err_at(err, d->location);
    }
    return 0;
}

/* defGetBoolean: no argument is true; 1/0, true/false, on/off, yes/no (prefixes as PG). */
static int bool_of(const char *s, bool *out) {
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "on") == 0 || strcasecmp(s, "yes") == 0 ||
        strcmp(s, "1") == 0 || strcasecmp(s, "t") == 0 || strcasecmp(s, "y") == 0) {
        *out = true;
        return 0;
    }
    if (strcasecmp(s, "false") == 0 || strcasecmp(s, "off") == 0 || strcasecmp(s, "no") == 0 ||
        strcmp(s, "0") == 0 || strcasecmp(s, "f") == 0 || strcasecmp(s, "n") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

static int def_bool(PgQuery__DefElem *d, orb_mcx_t *mcx, bool *out, orb_err_t *err) {
    if (!d->arg) {
        *out = true;
        return 0;
    }
    if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) {
        *out = d->arg->boolean->boolval;
        return 0;
    }
    if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER && (d->arg->integer->ival == 0 || d->arg->integer->ival == 1)) {
        *out = d->arg->integer->ival == 1;
        return 0;
    }
    const char *s = sql_def_string(d, mcx);
    if (s && d->arg->node_case != PG_QUERY__NODE__NODE_INTEGER && bool_of(s, out) == 0) return 0;
    orb_err_set(err, SYNTAX_ERROR, "%s requires a Boolean value", d->defname);
    return sql_err_at(err, d->location);
}

static int def_header(PgQuery__DefElem *d, orb_mcx_t *mcx, bool is_from, copy_header_t *out,
                      orb_err_t *err) {
    if (!d->arg) {
        *out = HEADER_TRUE;
        return 0;
    }
    bool b;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) {
        *out = d->arg->boolean->boolval ? HEADER_TRUE : HEADER_NONE;
        return 0;
    }
    if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) {
        if (d->arg->integer->ival == 0 || d->arg->integer->ival == 1) {
            *out = d->arg->integer->ival ? HEADER_TRUE : HEADER_NONE;
            return 0;
        }
    } else {
        const char *s = sql_def_string(d, mcx);
        if (s && bool_of(s, &b) == 0) {
            *out = b ? HEADER_TRUE : HEADER_NONE;
            return 0;
        }
        if (s && strcasecmp(s, "match") == 0) {
            if (!is_from) {
                orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot use \"%s\" with HEADER in COPY TO", s);
                return sql_err_at(err, d->location);
            }
            *out = HEADER_MATCH;
            return 0;
        }
    }
    orb_err_set(err, SYNTAX_ERROR, "%s requires a Boolean value or \"match\"", d->defname);
    return sql_err_at(err, d->location);
}

static int def_column_list(PgQuery__DefElem *d, PgQuery__List **out, bool *star, orb_err_t *err) {
    if (star && d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_A_STAR) {
        *star = true;
        return 0;
    }
    if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
        *out = d->arg->list;
        return 0;
    }
    orb_err_set(err, INVALID_PARAMETER_VALUE, "argument to option \"%s\" must be a list of column names",
                d->defname);
    return sql_err_at(err, d->location);
}

static bool encoding_is_utf8(const char *name) {
    char n[32];
    size_t j = 0;
    for (const char *p = name; *p && j + 1 < sizeof n; p++)
        if (*p != '-' && *p != '_') n[j++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    n[j] = 0;
    return strcmp(n, "utf8") == 0 || strcmp(n, "unicode") == 0;
}

static bool encoding_known(const char *name) {
    static const char *const names[] = {"sql_ascii", "latin1", "latin2", "latin9", "win1252", "win1251",
                                        "euc_jp", "euc_kr", "euc_cn", "sjis", "big5", "gbk", "koi8r",
                                        "iso_8859_5", "mule_internal", "win866", "gb18030", NULL};
    if (encoding_is_utf8(name)) return true;
    for (int i = 0; names[i]; i++)
        if (strcasecmp(names[i], name) == 0) return true;
    return false;
}

static int parse_options(PgQuery__Node **list, size_t n, bool is_from, orb_mcx_t *mcx,
                         copy_opts_t *o, orb_err_t *err) {
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < n; i++) {
        PgQuery__DefElem *d = list[i]->def_elem;
        const char *name = d->defname;
        if (strcmp(name, "format") == 0) {
            const char *f;
            if (o->seen_format) return conflicting(d, err);
            o->seen_format = true;
            if (def_string_required(d, mcx, &f, err) != 0) return -1;
            if (strcmp(f, "text") == 0) o->format = COPY_TEXT;
            else if (strcmp(f, "csv") == 0) o->format = COPY_CSV;
            else if (strcmp(f, "binary") == 0) o->format = COPY_BINARY;
            else {
                orb_err_set(err, INVALID_PARAMETER_VALUE, "COPY format \"%s\" not recognized", f);
                return sql_err_at(err, d->location);
            }
        } else if (strcmp(name, "freeze") == 0) {
            bool b;
            if (o->seen_freeze) return conflicting(d, err);
            o->seen_freeze = true;
            if (def_bool(d, mcx, &b, err) != 0) return -1; /* accepted: rows are visible at commit anyway */
        } else if (strcmp(name, "delimiter") == 0) {
            if (o->delim) return conflicting(d, err);
            if (def_string_required(d, mcx, &o->delim, err) != 0) return -1;
        } else if (strcmp(name, "null") == 0) {
            if (o->null_print) return conflicting(d, err);
            if (def_string_required(d, mcx, &o->null_print, err) != 0) return -1;
        } else if (strcmp(name, "header") == 0) {
            if (o->seen_header) return conflicting(d, err);
            o->seen_header = true;
            if (def_header(d, mcx, is_from, &o->header, err) != 0) return -1;
        } else if (strcmp(name, "quote") == 0) {
            if (o->quote) return conflicting(d, err);
            if (def_string_required(d, mcx, &o->quote, err) != 0) return -1;
        } else if (strcmp(name, "escape") == 0) {
            if (o->escape) return conflicting(d, err);
            if (def_string_required(d, mcx, &o->escape, err) != 0) return -1;
        } else if (strcmp(name, "force_quote") == 0) {
            if (o->force_quote || o->force_quote_all) return conflicting(d, err);
            if (def_column_list(d, &o->force_quote, &o->force_quote_all, err) != 0) return -1;
        } else if (strcmp(name, "force_not_null") == 0) {
            if (o->force_notnull) return conflicting(d, err);
            if (def_column_list(d, &o->force_notnull, NULL, err) != 0) return -1;
        } else if (strcmp(name, "force_null") == 0) {
            if (o->force_null) return conflicting(d, err);
            if (def_column_list(d, &o->force_null, NULL, err) != 0) return -1;
        } else if (strcmp(name, "convert_selectively") == 0) {
            orb_err_set(err, SYNTAX_ERROR, "option \"%s\" not recognized", name);
            return sql_err_at(err, d->location);
        } else if (strcmp(name, "encoding") == 0) {
            const char *e;
            if (o->seen_encoding) return conflicting(d, err);
            o->seen_encoding = true;
            e = sql_def_string(d, mcx);
            if (!e || !encoding_known(e)) {
                orb_err_set(err, INVALID_PARAMETER_VALUE, "argument to option \"%s\" must be a valid encoding name",
                            name);
                return sql_err_at(err, d->location);
            }
            if (!encoding_is_utf8(e))
                return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY ENCODING \"%s\" is not supported: only UTF8",
                                   e);
        } else {
            orb_err_set(err, SYNTAX_ERROR, "option \"%s\" not recognized", name);
            return sql_err_at(err, d->location);
        }
    }
    bool binary = o->format == COPY_BINARY, csv = o->format == COPY_CSV;
    if (binary && o->delim) return orb_err_set(err, SYNTAX_ERROR, "cannot specify DELIMITER in BINARY mode");
    if (binary && o->null_print) return orb_err_set(err, SYNTAX_ERROR, "cannot specify NULL in BINARY mode");
    if (!o->delim) o->delim = csv ? "," : "\t";
    if (!o->null_print) o->null_print = csv ? "" : "\\N";
    if (csv) {
        if (!o->quote) o->quote = "\"";
        if (!o->escape) o->escape = o->quote;
    }
    if (strlen(o->delim) != 1)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY delimiter must be a single one-byte character");
    if (strchr(o->delim, '\r') || strchr(o->delim, '\n'))
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "COPY delimiter cannot be newline or carriage return");
    if (strchr(o->null_print, '\r') || strchr(o->null_print, '\n'))
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "COPY null representation cannot use newline or carriage return");
    if (!csv && strchr("\\.abcdefghijklmnopqrstuvwxyz0123456789", o->delim[0]))
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "COPY delimiter cannot be \"%s\"", o->delim);
    if (binary && o->header != HEADER_NONE)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "cannot specify HEADER in BINARY mode");
    if (!csv && o->quote) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY quote available only in CSV mode");
    if (csv && strlen(o->quote) != 1)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY quote must be a single one-byte character");
    if (csv && o->delim[0] == o->quote[0])
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "COPY delimiter and quote must be different");
    if (!csv && o->escape) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY escape available only in CSV mode");
    if (csv && strlen(o->escape) != 1)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY escape must be a single one-byte character");
    if (!csv && (o->force_quote || o->force_quote_all))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force quote available only in CSV mode");
    if ((o->force_quote || o->force_quote_all) && is_from)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force quote only available using COPY TO");
    if (!csv && o->force_notnull)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force not null available only in CSV mode");
    if (o->force_notnull && !is_from)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force not null only available using COPY FROM");
    if (!csv && o->force_null)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force null available only in CSV mode");
    if (o->force_null && !is_from)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY force null only available using COPY FROM");
    if (strchr(o->null_print, o->delim[0]))
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY delimiter must not appear in the NULL specification");
    if (csv && strchr(o->null_print, o->quote[0]))
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "CSV quote character must not appear in the NULL specification");
    return 0;
}

/* ======================================================================================
 * Shared state
 * ====================================================================================== */

typedef struct copy_state {
    sql_session_t *sess;
    const sql_sink_t *sink;
    orb_mcx_t *mcx; /* the statement's memory */
    copy_opts_t o;
    const char *relname; /* for CONTEXT */
    /* columns copied, in order */
    int ncols;
    const char **names;
    uint32_t *types;
    int32_t *typmods;
    int *colpos;                  /* COPY FROM: table column of each copied column */
    bool *fq, *fnn, *fnull;       /* force_quote / force_not_null / force_null per copied column */
    FILE *fp;                     /* server-side file, or NULL for the client */
    int64_t count;
    orb_buf_t out;                /* COPY TO: the row being built */
} copy_state_t;

/* The display form PostgreSQL's limit_printout_length gives a value in CONTEXT. */
static const char *display(orb_mcx_t *mcx, const char *s) {
    size_t n = strlen(s);
    if (n <= COPY_DISPLAY_MAX) return s;
    size_t cut = COPY_DISPLAY_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* whole characters */
    return orb_sprintf(mcx, "%.*s...", (int)cut, s);
}

/* Resolves a list of column names against the copied columns (FORCE_* options). */
static int force_flags(copy_state_t *cs, PgQuery__List *list, const char *what, bool **out,
                       const sql_table_t *rel, orb_err_t *err) {
    *out = orb_alloc0(cs->mcx, sizeof(bool) * (size_t)(cs->ncols + 1));
    if (!list) return 0;
    for (size_t i = 0; i < list->n_items; i++) {
        const char *n = sql_str_of(list->items[i]);
        if (!n) continue;
        int found = -1;
        for (int c = 0; c < cs->ncols; c++)
            if (strcmp(cs->names[c], n) == 0) found = c;
        if (found < 0) {
            if (rel && sql_table_column(rel, n) < 0)
                return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist", n,
                                   rel->name);
            if (rel)
                return orb_err_set(err, INVALID_COLUMN_REFERENCE, "%s column \"%s\" not referenced by COPY",
                                   what, n);
            return orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" does not exist", n);
        }
        (*out)[found] = true;
    }
    return 0;
}

/* ======================================================================================
 * COPY TO
 * ====================================================================================== */

static void out_text_field(copy_state_t *cs, const char *s, size_t n) {
    orb_buf_t *b = &cs->out;
    char delim = cs->o.delim[0];
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc = 0;
        if (c < 0x20) {
            switch (c) {
            case '\b': esc = 'b'; break;
            case '\f': esc = 'f'; break;
            case '\n': esc = 'n'; break;
            case '\r': esc = 'r'; break;
            case '\t': esc = 't'; break;
            case '\v': esc = 'v'; break;
            default:
                if (c == (unsigned char)delim) esc = (char)c;
                break;
            }
        } else if (c == '\\' || c == (unsigned char)delim) {
            esc = (char)c;
        }
        if (!esc) continue;
        orb_buf_append(b, s + start, i - start);
        orb_buf_putc(b, '\\');
        orb_buf_putc(b, esc);
        start = i + 1;
    }
    orb_buf_append(b, s + start, n - start);
}

static void out_csv_field(copy_state_t *cs, const char *s, size_t n, bool force, bool single) {
    orb_buf_t *b = &cs->out;
    char delim = cs->o.delim[0], quote = cs->o.quote[0], escape = cs->o.escape[0];
    bool use_quote = force;
    if (!use_quote && strlen(cs->o.null_print) == n && memcmp(s, cs->o.null_print, n) == 0) use_quote = true;
    if (!use_quote) {
        if (single && n == 2 && s[0] == '\\' && s[1] == '.') {
            use_quote = true;
        } else {
            for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == delim || c == quote || c == '\n' || c == '\r') {
                    use_quote = true;
                    break;
                }
            }
        }
    }
    if (!use_quote) {
        orb_buf_append(b, s, n);
        return;
    }
    orb_buf_putc(b, quote);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == quote || s[i] == escape) {
            orb_buf_append(b, s + start, i - start);
            orb_buf_putc(b, escape);
            start = i;
        }
    }
    orb_buf_append(b, s + start, n - start);
    orb_buf_putc(b, quote);
}

static int out_flush_row(copy_state_t *cs, orb_err_t *err) {
    if (cs->fp) {
        if (cs->out.len && fwrite(cs->out.data, 1, cs->out.len, cs->fp) != cs->out.len)
            return orb_err_set(err, IO_ERROR, "could not write to COPY file: %s", strerror(errno));
    } else {
        cs->sink->copy_data(cs->sink->arg, cs->out.data ? cs->out.data : "", cs->out.len);
    }
    orb_buf_reset(&cs->out);
    return 0;
}

static int out_header(copy_state_t *cs, orb_err_t *err) {
    if (cs->o.format == COPY_BINARY) {
        orb_buf_append(&cs->out, BINARY_SIGNATURE, sizeof BINARY_SIGNATURE);
        orb_buf_put_be32(&cs->out, 0); /* flags */
        orb_buf_put_be32(&cs->out, 0); /* header extension length */
        return out_flush_row(cs, err);
    }
    if (cs->o.header == HEADER_NONE) return 0;
    for (int c = 0; c < cs->ncols; c++) {
        if (c) orb_buf_putc(&cs->out, cs->o.delim[0]);
        if (cs->o.format == COPY_CSV)
            out_csv_field(cs, cs->names[c], strlen(cs->names[c]), false, cs->ncols == 1);
        else
            out_text_field(cs, cs->names[c], strlen(cs->names[c]));
    }
    orb_buf_putc(&cs->out, '\n');
    return out_flush_row(cs, err);
}

static int out_row(copy_state_t *cs, const sql_value_t *row, orb_err_t *err) {
    orb_buf_t *b = &cs->out;
    if (cs->o.format == COPY_BINARY) {
        orb_buf_put_be16(b, (uint16_t)cs->ncols);
        for (int c = 0; c < cs->ncols; c++) {
            if (row[c].isnull) {
                orb_buf_put_be32(b, 0xffffffffu);
                continue;
            }
            size_t at = b->len;
            orb_buf_put_be32(b, 0);
            if (sql_value_send(cs->types[c], &row[c], b, err) != 0) return -1;
            orb_set_be32(b->data + at, (uint32_t)(b->len - at - 4));
        }
    } else {
        orb_buf_t v;
        orb_buf_init(&v);
        for (int c = 0; c < cs->ncols; c++) {
            if (c) orb_buf_putc(b, cs->o.delim[0]);
            if (row[c].isnull) {
                orb_buf_puts(b, cs->o.null_print);
                continue;
            }
            orb_buf_reset(&v);
            if (sql_value_out(cs->types[c], cs->typmods[c], &row[c], &v, err) != 0) {
                orb_buf_free(&v);
                return -1;
            }
            if (cs->o.format == COPY_CSV)
                out_csv_field(cs, v.data ? v.data : "", v.len, cs->o.force_quote_all || cs->fq[c], cs->ncols == 1);
            else
                out_text_field(cs, v.data ? v.data : "", v.len);
        }
        orb_buf_free(&v);
        orb_buf_putc(b, '\n');
    }
    cs->count++;
    return out_flush_row(cs, err);
}

static int emit_row_cb(void *arg, sql_value_t *row, orb_err_t *err) {
    return out_row(arg, row, err);
}

static char *quote_ident(orb_mcx_t *mcx, const char *s) {
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_putc(&b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') orb_buf_putc(&b, '"');
        orb_buf_putc(&b, *p);
    }
    orb_buf_putc(&b, '"');
    char *r = orb_strndup(mcx, b.data, b.len);
    orb_buf_free(&b);
    return r;
}

static void release_table_cb(void *arg) { sql_table_release(arg); }

static int copy_to(copy_state_t *cs, PgQuery__CopyStmt *st, uint64_t txn_id, orb_err_t *err) {
    orb_mcx_t *mcx = cs->mcx;
    const sql_table_t *rel = NULL;
    PgQuery__Node *qnode = st->query;
    const char *qtext = NULL;
    if (!qnode) {
        /* COPY t [(cols)] TO: SELECT those columns */
        PgQuery__RangeVar *rv = st->relation;
        const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
        sql_table_t *t = sql_catalog_resolve_read(cs->sess, schema, rv->relname);
        if (!t) {
            if (schema) return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s.%s\" does not exist", schema, rv->relname);
            return orb_err_set(err, UNDEFINED_TABLE, "relation \"%s\" does not exist", rv->relname);
        }
        if (t->view_sql) {
            orb_err_set(err, WRONG_OBJECT_TYPE, "cannot copy from view \"%s\"", t->name);
            orb_err_hint(err, "Try the COPY (SELECT ...) TO variant.");
            sql_table_release(t);
            return -1;
        }
        orb_buf_t b;
        orb_buf_init(&b);
        orb_buf_puts(&b, "SELECT ");
        if (st->n_attlist == 0) {
            for (int c = 0; c < t->ncols; c++) orb_buf_printf(&b, "%s%s", c ? ", " : "", quote_ident(mcx, t->cols[c].name));
        } else {
            for (size_t i = 0; i < st->n_attlist; i++) {
                const char *n = sql_str_of(st->attlist[i]);
                if (sql_table_column(t, n) < 0) {
                    orb_err_set(err, UNDEFINED_COLUMN, "column \"%s\" of relation \"%s\" does not exist", n, t->name);
                    sql_table_release(t);
                    orb_buf_free(&b);
                    return -1;
                }
                for (size_t j = 0; j < i; j++)
                    if (strcmp(sql_str_of(st->attlist[j]), n) == 0) {
                        orb_err_set(err, DUPLICATE_COLUMN, "column \"%s\" specified more than once", n);
                        sql_table_release(t);
                        orb_buf_free(&b);
                        return -1;
                    }
                orb_buf_printf(&b, "%s%s", i ? ", " : "", quote_ident(mcx, n));
            }
        }
        orb_buf_printf(&b, " FROM %s.%s", quote_ident(mcx, t->schema), quote_ident(mcx, t->name));
        cs->relname = orb_strdup(mcx, t->name);
        rel = t;
        orb_mcx_on_reset(mcx, release_table_cb, t);
        qtext = orb_strndup(mcx, b.data, b.len);
        orb_buf_free(&b);
        PgQuery__ParseResult *pr;
        if (sql_parse(qtext, mcx, &pr, err) != 0) return -1;
        qnode = pr->stmts[0]->stmt;
    }
    if (qnode->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY (query) TO supports SELECT and VALUES only");
    sql_analyze_ctx_t ac = {.mcx = mcx, .sess = cs->sess, .text = qtext ? qtext : ""};
    sql_query_t *q;
    if (sql_analyze(&ac, qnode, &q, err) != 0) {
        if (qtext) err->position = 0;
        return -1;
    }
    if (ac.nparams > 0) return orb_err_set(err, UNDEFINED_PARAMETER, "there is no parameter $%d", 1);
    sql_column_t *cols;
    sql_result_describe(q, mcx, &cols, &cs->ncols);
    cs->names = orb_alloc0(mcx, sizeof(char *) * (size_t)(cs->ncols + 1));
    cs->types = orb_alloc0(mcx, sizeof(uint32_t) * (size_t)(cs->ncols + 1));
    cs->typmods = orb_alloc0(mcx, sizeof(int32_t) * (size_t)(cs->ncols + 1));
    for (int c = 0; c < cs->ncols; c++) {
        cs->names[c] = cols[c].name;
        cs->types[c] = cols[c].type_oid;
        cs->typmods[c] = cols[c].typmod;
    }
    if (force_flags(cs, cs->o.force_quote, "FORCE_QUOTE", &cs->fq, rel, err) != 0)
        return -1;
    if (!cs->fp) cs->sink->copy_begin(cs->sink->arg, false, cs->o.format == COPY_BINARY ? 1 : 0, cs->ncols);
    if (out_header(cs, err) != 0) return -1;
    sql_result_t res;
    memset(&res, 0, sizeof res);
    res.emit = emit_row_cb;
    res.emit_arg = cs;
    sql_exec_ctx_t xc = {.sess = cs->sess, .mcx = mcx, .txn_id = txn_id};
    if (sql_exec_query(&xc, q, &res, err) != 0) return -1;
    for (int64_t r = 0; r < res.nrows; r++)
        if (out_row(cs, res.rows[r], err) != 0) return -1;
    if (cs->o.format == COPY_BINARY) {
        orb_buf_put_be16(&cs->out, 0xffff);
        if (out_flush_row(cs, err) != 0) return -1;
    }
    if (!cs->fp) cs->sink->copy_done(cs->sink->arg);
    return 0;
}

/* ======================================================================================
 * COPY FROM: input
 * ====================================================================================== */

enum { EOL_UNKNOWN = 0, EOL_NL, EOL_CR, EOL_CRNL };

typedef struct copy_in {
    copy_state_t *cs;
    orb_buf_t buf;     /* raw input not yet consumed: [start, len) */
    size_t start;      /* start of the current line */
    size_t pos;        /* scan position (resumable across refills) */
    bool src_eof;      /* the source has no more bytes */
    bool in_quote, last_was_esc;
    int eol;
    int64_t lineno;
    int64_t embedded;  /* csv: newlines inside quotes in the current line */
    orb_buf_t line;    /* the current line (NUL-terminated) */
    orb_buf_t fields;  /* de-escaped fields of the current line */
    size_t *foff;      /* field offsets into fields, SIZE_MAX for NULL */
    bool *fquoted;
    int nfields, capfields;
    bool done;         /* the end marker was seen */
    bool spec_ready;
    uint8_t spec[256]; /* bytes in_read_line must look at; runs of others are skipped */
} copy_in_t;

/* Appends the next chunk of input; sets src_eof at the end. */
static int in_fill(copy_in_t *in, orb_err_t *err) {
    copy_state_t *cs = in->cs;
    /* drop the consumed prefix first so the buffer holds at most a line plus a chunk */
    if (in->start > 0 && in->start >= in->buf.len / 2) {
        memmove(in->buf.data, in->buf.data + in->start, in->buf.len - in->start);
        in->buf.len -= in->start;
        in->pos -= in->start;
        in->start = 0;
    }
    if (cs->fp) {
        orb_buf_reserve(&in->buf, COPY_FILE_CHUNK);
        size_t n = fread(in->buf.data + in->buf.len, 1, COPY_FILE_CHUNK, cs->fp);
        if (n == 0) {
            if (ferror(cs->fp))
                return orb_err_set(err, IO_ERROR, "could not read from COPY file: %s", strerror(errno));
            in->src_eof = true;
        }
        in->buf.len += n;
        return 0;
    }
    const char *data;
    size_t len;
    int rc = cs->sink->copy_read(cs->sink->arg, &data, &len, err);
    if (rc < 0) return -1;
    if (rc == 0) {
        in->src_eof = true;
        return 0;
    }
    orb_buf_append(&in->buf, data, len);
    return 0;
}

/* Drains the client's data after the end marker, up to CopyDone (PostgreSQL ignores it). */
static int in_drain(copy_in_t *in, orb_err_t *err) {
    while (!in->src_eof) {
        in->buf.len = 0;
        in->start = in->pos = 0;
        if (in_fill(in, err) != 0) return -1;
    }
    return 0;
}

static int bad_format(orb_err_t *err, const char *msg, const char *hint) {
    orb_err_set(err, BAD_COPY_FILE_FORMAT, "%s", msg);
    if (hint) orb_err_hint(err, "%s", hint);
    return -1;
}

/* Reads the next line (text/csv) into in->line. Returns 1 with a line, 0 at the end of data
 * (end of input or the \. marker), -1 on error. The line number advances as PostgreSQL's
 * cur_lineno does (embedded csv newlines count). */
static int in_read_line(copy_in_t *in, orb_err_t *err) {
    bool csv = in->cs->o.format == COPY_CSV;
    char quote = csv ? in->cs->o.quote[0] : 0, escape = csv ? in->cs->o.escape[0] : 0;
    if (escape == quote) escape = 0; /* the quote then just toggles */
    if (in->done) return 0;
    if (!in->spec_ready) {
        memset(in->spec, 0, sizeof in->spec);
        in->spec['\r'] = in->spec['\n'] = in->spec['\\'] = 1;
        if (csv) in->spec[(uint8_t)quote] = 1;
        if (csv && escape) in->spec[(uint8_t)escape] = 1;
        in->spec_ready = true;
    }
    in->lineno++;
    in->in_quote = false;
    in->last_was_esc = false;
    size_t line_end = 0, next = 0;
    bool end_marker = false;
    for (;;) {
        char *d = in->buf.data;
        size_t len = in->buf.len;
        bool found = false;
        while (in->pos < len) {
            size_t p = in->pos;
            char c = d[p];
            if (!in->spec[(uint8_t)c]) {
                /* a run of ordinary bytes: no quote, escape, newline or backslash */
                size_t q = p + 1;
                while (q < len && !in->spec[(uint8_t)d[q]]) q++;
                in->pos = q;
                in->last_was_esc = false;
                continue;
            }
            if (csv) {
                if (in->in_quote && c == escape) in->last_was_esc = !in->last_was_esc;
                if (c == quote && !in->last_was_esc) in->in_quote = !in->in_quote;
                if (c != escape) in->last_was_esc = false;
                /* as PostgreSQL: before the first line ends the newline style is unknown and
                 * embedded newlines are not counted */
                if (in->in_quote && c == (in->eol == EOL_NL ? '\n' : '\r'))
                    in->lineno++;
            }
            if (c == '\r' && (!csv || !in->in_quote)) {
                if (in->eol == EOL_UNKNOWN || in->eol == EOL_CRNL) {
                    if (p + 1 >= len && !in->src_eof) break; /* need the next byte */
                    if (p + 1 < len && d[p + 1] == '\n') {
                        in->eol = EOL_CRNL;
                        line_end = p;
                        next = p + 2;
                        found = true;
                        break;
                    }
                    if (in->eol == EOL_CRNL && p + 1 < len)
                        return csv ? bad_format(err, "unquoted carriage return found in data",
                                                "Use quoted CSV field to represent carriage return.")
                                   : bad_format(err, "literal carriage return found in data",
                                                "Use \"\\r\" to represent carriage return.");
                    if (in->eol == EOL_UNKNOWN) in->eol = EOL_CR;
                } else if (in->eol == EOL_NL) {
                    return csv ? bad_format(err, "unquoted carriage return found in data",
                                            "Use quoted CSV field to represent carriage return.")
                               : bad_format(err, "literal carriage return found in data",
                                            "Use \"\\r\" to represent carriage return.");
                }
                line_end = p;
                next = p + 1;
                found = true;
                break;
            }
            if (c == '\n' && (!csv || !in->in_quote)) {
                if (in->eol == EOL_CR || in->eol == EOL_CRNL)
                    return csv ? bad_format(err, "unquoted newline found in data",
                                            "Use quoted CSV field to represent newline.")
                               : bad_format(err, "literal newline found in data",
                                            "Use \"\\n\" to represent newline.");
                in->eol = EOL_NL;
                line_end = p;
                next = p + 1;
                found = true;
                break;
            }
            if (c == '\\' && (!csv || p == in->start)) {
                /* the end marker \. (text: anywhere, csv: alone on a line) */
                size_t need = in->eol == EOL_CRNL ? 4 : 3;
                if (p + need > len && !in->src_eof) break;
                if (p + 1 < len && d[p + 1] == '.') {
                    size_t q = p + 2;
                    char c2 = q < len ? d[q] : 0;
                    bool corrupt = false;
                    if (in->eol == EOL_CRNL) {
                        if (c2 == '\n') {
                            if (!csv) return bad_format(err, "end-of-copy marker does not match previous newline style", NULL);
                            corrupt = true;
                        } else if (c2 != '\r') {
                            if (!csv) return bad_format(err, "end-of-copy marker corrupt", NULL);
                            corrupt = true;
                        }
                        q++;
                        c2 = q < len ? d[q] : 0;
                    }
                    if (!corrupt && c2 != '\r' && c2 != '\n') {
                        if (!csv) return bad_format(err, "end-of-copy marker corrupt", NULL);
                        corrupt = true;
                    }
                    if (!corrupt) {
                        if ((in->eol == EOL_NL && c2 != '\n') || (in->eol == EOL_CRNL && c2 != '\n') ||
                            (in->eol == EOL_CR && c2 != '\r'))
                            return bad_format(err, "end-of-copy marker does not match previous newline style", NULL);
                        line_end = p;
                        next = q + 1;
                        end_marker = true;
                        found = true;
                        break;
                    }
                } else if (!csv) {
                    if (p + 1 >= len) { /* a backslash at the very end of the data */
                        in->pos = len;
                        continue;
                    }
                    in->pos = p + 2; /* the escaped byte can be anything, even a newline */
                    continue;
                }
            }
            in->pos = p + 1;
        }
        if (found) break;
        if (in->src_eof) {
            if (in->start >= len) {
                in->lineno--;
                return 0;
            }
            line_end = len;
            next = len;
            break;
        }
        if (in_fill(in, err) != 0) return -1;
    }
    orb_buf_reset(&in->line);
    orb_buf_append(&in->line, in->buf.data + in->start, line_end - in->start);
    orb_buf_putc(&in->line, '\0');
    in->line.len--;
    in->start = in->pos = next;
    if (end_marker) {
        if (in_drain(in, err) != 0) return -1;
        in->start = in->pos = in->buf.len;
        in->done = true;
        if (in->line.len == 0) {
            in->lineno--;
            return 0;
        }
    }
    return 1;
}

int sql_utf8_check(const unsigned char *s, size_t n, orb_err_t *err) {
    size_t i = 0;
    while (i < n) {
        /* 8 ASCII bytes at a time: no high bit and no zero byte */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ULL) || ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        size_t l = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = c != 0 && l > 0 && i + l <= n;
        for (size_t k = 1; ok && k < l; k++) ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && l == 2) ok = c >= 0xC2;
        if (ok && l == 3) ok = !(c == 0xE0 && s[i + 1] < 0xA0) && !(c == 0xED && s[i + 1] >= 0xA0);
        if (ok && l == 4) ok = c <= 0xF4 && !(c == 0xF0 && s[i + 1] < 0x90) && !(c == 0xF4 && s[i + 1] >= 0x90);
        if (!ok) {
            char bytes[40];
            size_t show = l ? l : 1, at = 0;
            if (i + show > n) show = n - i;
            for (size_t k = 0; k < show; k++)
                at += (size_t)snprintf(bytes + at, sizeof bytes - at, "%s0x%02x", k ? " " : "", s[i + k]);
            return orb_err_set(err, CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": %s",
                               bytes);
        }
        i += l;
    }
    return 0;
}

static void field_begin(copy_in_t *in) {
    if (in->nfields == in->capfields) {
        int nc = in->capfields ? in->capfields * 2 : 16;
        in->foff = realloc(in->foff, sizeof *in->foff * (size_t)nc);
        in->fquoted = realloc(in->fquoted, sizeof *in->fquoted * (size_t)nc);
        if (!in->foff || !in->fquoted) orb_panic("out of memory");
        in->capfields = nc;
    }
    in->foff[in->nfields] = in->fields.len;
    in->fquoted[in->nfields] = false;
    in->nfields++;
}

static void field_end(copy_in_t *in, bool isnull) {
    if (isnull) {
        in->fields.len = in->foff[in->nfields - 1];
        in->foff[in->nfields - 1] = SIZE_MAX;
        return;
    }
    orb_buf_putc(&in->fields, '\0');
}

static const char *field_at(copy_in_t *in, int i) {
    return in->foff[i] == SIZE_MAX ? NULL : in->fields.data + in->foff[i];
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Splits a text-format line (CopyReadAttributesText). */
static int split_text(copy_in_t *in, orb_err_t *err) {
    const char *p = in->line.data, *end = p + in->line.len;
    char delim = in->cs->o.delim[0];
    const char *np = in->cs->o.null_print;
    size_t nlen = strlen(np);
    orb_buf_reset(&in->fields);
    in->nfields = 0;
    for (;;) {
        const char *start = p;
        bool found_delim = false, saw_special = false;
        field_begin(in);
        while (p < end) {
            const char *q = p;
            while (q < end && *q != delim && *q != '\\') q++;
            if (q > p) orb_buf_append(&in->fields, p, (size_t)(q - p));
            p = q;
            if (p >= end) break;
            char c = *p++;
            if (c == delim) {
                found_delim = true;
                break;
            }
            if (c == '\\') {
                if (p >= end) break;
                c = *p++;
                switch (c) {
                case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                    int val = c - '0';
                    if (p < end && *p >= '0' && *p <= '7') {
                        val = (val << 3) + (*p++ - '0');
                        if (p < end && *p >= '0' && *p <= '7') val = (val << 3) + (*p++ - '0');
                    }
                    c = (char)(val & 0377);
                    if (c == 0 || (unsigned char)c >= 0x80) saw_special = true;
                    break;
                }
                case 'x':
                    if (p < end && hexval(*p) >= 0) {
                        int val = hexval(*p++);
                        if (p < end && hexval(*p) >= 0) val = (val << 4) + hexval(*p++);
                        c = (char)(val & 0xff);
                        if (c == 0 || (unsigned char)c >= 0x80) saw_special = true;
                    }
                    break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                case 'v': c = '\v'; break;
                default: break;
                }
            }
            orb_buf_putc(&in->fields, c);
        }
        size_t rawlen = (size_t)((found_delim ? p - 1 : p) - start);
        bool isnull = rawlen == nlen && memcmp(start, np, nlen) == 0;
        if (!isnull && saw_special) {
            size_t off = in->foff[in->nfields - 1];
            if (sql_utf8_check((const unsigned char *)in->fields.data + off, in->fields.len - off, err) != 0) return -1;
        }
        field_end(in, isnull);
        if (!found_delim) break;
    }
    return 0;
}

/* Splits a csv line (CopyReadAttributesCSV). */
static int split_csv(copy_in_t *in, orb_err_t *err) {
    const char *p = in->line.data, *end = p + in->line.len;
    char delim = in->cs->o.delim[0], quote = in->cs->o.quote[0], escape = in->cs->o.escape[0];
    const char *np = in->cs->o.null_print;
    size_t nlen = strlen(np);
    orb_buf_reset(&in->fields);
    in->nfields = 0;
    for (;;) {
        const char *start = p;
        bool found_delim = false, saw_quote = false;
        field_begin(in);
        for (;;) {
            /* unquoted part */
            bool to_quoted = false;
            while (p < end) {
                const char *q = p;
                while (q < end && *q != delim && *q != quote) q++;
                if (q > p) orb_buf_append(&in->fields, p, (size_t)(q - p));
                p = q;
                if (p >= end) break;
                char c = *p++;
                if (c == delim) {
                    found_delim = true;
                    break;
                }
                if (c == quote) {
                    saw_quote = true;
                    to_quoted = true;
                    break;
                }
                orb_buf_putc(&in->fields, c);
            }
            if (!to_quoted) break;
            /* quoted part */
            for (;;) {
                const char *q = p;
                while (q < end && *q != escape && *q != quote) q++;
                if (q > p) orb_buf_append(&in->fields, p, (size_t)(q - p));
                p = q;
                if (p >= end) return bad_format(err, "unterminated CSV quoted field", NULL);
                char c = *p++;
                if (c == escape && p < end && (*p == escape || *p == quote)) {
                    orb_buf_putc(&in->fields, *p++);
                    continue;
                }
                if (c == quote) break;
                orb_buf_putc(&in->fields, c);
            }
        }
        size_t rawlen = (size_t)((found_delim ? p - 1 : p) - start);
        bool isnull = !saw_quote && rawlen == nlen && memcmp(start, np, nlen) == 0;
        in->fquoted[in->nfields - 1] = saw_quote;
        field_end(in, isnull);
        if (!found_delim) break;
    }
    return 0;
}

static void context_line(copy_state_t *cs, copy_in_t *in, orb_err_t *err, bool with_text) {
    if (with_text && cs->o.format != COPY_BINARY)
        snprintf(err->context, sizeof err->context, "COPY %s, line %lld: \"%s\"", cs->relname,
                 (long long)in->lineno, display(cs->mcx, in->line.data ? in->line.data : ""));
    else
        snprintf(err->context, sizeof err->context, "COPY %s, line %lld", cs->relname, (long long)in->lineno);
}

/* The header line: skipped, or with HEADER MATCH checked against the column names. */
static int check_header(copy_state_t *cs, copy_in_t *in, orb_err_t *err) {
    if (cs->o.header == HEADER_NONE) return 0;
    int rc = in_read_line(in, err);
    if (rc <= 0) return rc;
    if (sql_utf8_check((const unsigned char *)in->line.data, in->line.len, err) != 0) return -1;
    if (cs->o.header != HEADER_MATCH) return 1;
    if ((cs->o.format == COPY_CSV ? split_csv(in, err) : split_text(in, err)) != 0) goto fail;
    if (in->nfields != cs->ncols) {
        orb_err_set(err, BAD_COPY_FILE_FORMAT, "wrong number of fields in header line: got %d, expected %d",
                    in->nfields, cs->ncols);
        goto fail;
    }
    for (int c = 0; c < cs->ncols; c++) {
        const char *f = field_at(in, c);
        if (!f) {
            orb_err_set(err, BAD_COPY_FILE_FORMAT,
                        "column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"",
                        c + 1, cs->o.null_print, cs->names[c]);
            goto fail;
        }
        if (strcmp(f, cs->names[c]) != 0) {
            orb_err_set(err, BAD_COPY_FILE_FORMAT,
                        "column name mismatch in header line field %d: got \"%s\", expected \"%s\"", c + 1, f,
                        cs->names[c]);
            goto fail;
        }
    }
    return 1;
fail:
    context_line(cs, in, err, true);
    return -1;
}

/* ---- binary input ---------------------------------------------------------------------- */

/* Makes n bytes available at in->start: 1, or 0 when the input ends first, -1 on error. */
static int in_need(copy_in_t *in, size_t n, orb_err_t *err) {
    while (in->buf.len - in->start < n) {
        if (in->src_eof) return 0;
        in->pos = in->buf.len;
        if (in_fill(in, err) != 0) return -1;
    }
    return 1;
}

static int bin_header(copy_in_t *in, orb_err_t *err) {
    int rc = in_need(in, sizeof BINARY_SIGNATURE, err);
    if (rc < 0) return -1;
    if (rc == 0 || memcmp(in->buf.data + in->start, BINARY_SIGNATURE, sizeof BINARY_SIGNATURE) != 0)
        return bad_format(err, "COPY file signature not recognized", NULL);
    in->start += sizeof BINARY_SIGNATURE;
    if ((rc = in_need(in, 4, err)) < 0) return -1;
    if (rc == 0) return bad_format(err, "invalid COPY file header (missing flags)", NULL);
    uint32_t flags = orb_get_be32(in->buf.data + in->start);
    in->start += 4;
    if (flags & (1u << 16)) return bad_format(err, "invalid COPY file header (WITH OIDS)", NULL);
    flags &= ~(1u << 16);
    if ((flags >> 16) != 0) return bad_format(err, "unrecognized critical flags in COPY file header", NULL);
    if ((rc = in_need(in, 4, err)) < 0) return -1;
    if (rc == 0) return bad_format(err, "invalid COPY file header (missing length)", NULL);
    int32_t ext = (int32_t)orb_get_be32(in->buf.data + in->start);
    in->start += 4;
    if (ext < 0) return bad_format(err, "invalid COPY file header (missing length)", NULL);
    while (ext > 0) {
        size_t step = ext > 65536 ? 65536 : (size_t)ext;
        if ((rc = in_need(in, step, err)) < 0) return -1;
        if (rc == 0) return bad_format(err, "invalid COPY file header (wrong length)", NULL);
        in->start += step;
        ext -= (int32_t)step;
    }
    in->pos = in->start;
    return 0;
}

/* ======================================================================================
 * COPY FROM: rows
 * ====================================================================================== */

typedef struct copy_from_ctx {
    copy_state_t *cs;
    copy_in_t in;
    sql_query_t *q;
    uint64_t txn_id;
    orb_mcx_t *batch;
    sql_exec_ctx_t xc;
    sql_wb_t wb;
    sql_rowset_t fkrows;
    /* the batch posted to the shards and not yet waited for (pipelining: the next batch is
     * parsed meanwhile); its memory is pend_batch, reused for the batch after next */
    bool pending;
    orb_mcx_t *pend_batch;
    sql_wb_t pend_wb;
    sql_rowset_t pend_fkrows;
    int64_t pend_line; /* the input line when it was posted */
} copy_from_ctx_t;

/* COPY's writes are bulk requests (actors/README.md "Bulk inserts"). Rows and index entries
 * may wait in files for the commit's ingestion unless a foreign key refers to the table itself
 * (its checks would read rows of this COPY). A vector index's VEC_ADD puts the vector into
 * faiss at once and its label entry into the index file; searches verify rows, so they skip
 * rows still in files until the commit ingests them. */
static void copy_bulk_flags(sql_wb_t *wb, const sql_table_t *t) {
    wb->bulk = true;
    wb->bulk_files = true;
    for (int i = 0; i < t->nfks; i++)
        if (t->fks[i]->ref_table_id == t->id) wb->bulk_files = false;
}

/* Claims the table's shards for this load, one after the other in shard order, before any
 * row is sent. Rows then reach their shards in any order, so without this two concurrent
 * COPYs into one table each claim some shards and wait for the other's: a deadlock. Taken
 * in one order, the later load queues behind the earlier one instead (actors/README.md
 * "Bulk inserts"). A shard with other row lockers is not claimed; its rows go in as usual. */
static int copy_claim_shards(copy_from_ctx_t *f, orb_err_t *err) {
    const sql_table_t *t = f->q->table;
    act_runtime_t *rt = sql_session_rt(f->cs->sess);
    for (uint32_t s = 0; s < t->nshards; s++) {
        Orbit__ShardOp op = ORBIT__SHARD_OP__INIT;
        op.kind = ORBIT__SHARD_OP__KIND__BULK_CLAIM;
        Orbit__ShardOp *ops[1] = {&op};
        Orbit__ShardRequest req = ORBIT__SHARD_REQUEST__INIT;
        req.txn_id = f->txn_id;
        req.table_id = t->id;
        req.shard = s;
        req.schema_version = t->version;
        req.n_ops = 1;
        req.ops = ops;
        req.bulk = true;
        req.bulk_files = f->wb.bulk_files;
        act_call_t *call = act_call_post(rt, ACT_TABLE_SHARD, &req);
        Orbit__ShardReply *reply;
        int rc = act_call_wait(call, &reply, err);
        act_call_free(call);
        if (rc != 0) return -1;
    }
    return 0;
}

/* Waits for the posted batch, then checks its rows' foreign keys; its memory is reset. */
static int pending_wait(copy_from_ctx_t *f, orb_err_t *err) {
    if (!f->pending) return 0;
    copy_state_t *cs = f->cs;
    const sql_table_t *t = f->q->table;
    f->pending = false;
    f->pend_wb.failed_row_no = 0;
    if (sql_wb_wait(&f->pend_wb, err) != 0) {
        int64_t line = f->pend_wb.failed_row_no ? f->pend_wb.failed_row_no : f->pend_line;
        snprintf(err->context, sizeof err->context, "COPY %s, line %lld", cs->relname, (long long)line);
        return -1;
    }
    orb_mcx_t *cur = f->xc.mcx;
    f->xc.mcx = f->pend_batch;
    int rc = 0;
    for (int64_t i = 0; i < f->pend_fkrows.n && rc == 0; i++)
        rc = sql_constraints_fk(&f->xc, t, f->pend_fkrows.rows[i], err);
    f->xc.mcx = cur;
    orb_mcx_reset(f->pend_batch);
    memset(&f->pend_fkrows, 0, sizeof f->pend_fkrows);
    return rc;
}

/* Posts the current batch and makes the other memory current: at most one batch is in
 * flight while the next one is parsed (requests of a transaction to one shard run in order,
 * actors/README invariant 5). final: also waits for it. */
static int batch_flush(copy_from_ctx_t *f, bool final, orb_err_t *err) {
    const sql_table_t *t = f->q->table;
    if (pending_wait(f, err) != 0) return -1;
    sql_wb_post(&f->wb, sql_session_rt(f->cs->sess));
    orb_mcx_t *b = f->pend_batch;
    f->pend_batch = f->batch;
    f->pend_wb = f->wb;
    f->pend_fkrows = f->fkrows;
    f->pend_line = f->in.lineno;
    f->pending = true;
    f->batch = b;
    f->xc.mcx = b;
    sql_wb_init(&f->wb, f->batch, t, f->txn_id);
    copy_bulk_flags(&f->wb, t);
    memset(&f->fkrows, 0, sizeof f->fkrows);
    return final ? pending_wait(f, err) : 0;
}

static int convert_field(copy_from_ctx_t *f, int c, const char *s, size_t len, bool binary,
                         sql_value_t *vals, orb_err_t *err) {
    copy_state_t *cs = f->cs;
    int col = cs->colpos[c];
    int rc = binary ? sql_value_recv(cs->types[c], cs->typmods[c], s, len, f->batch, &vals[col], err)
                    : sql_value_in(cs->types[c], cs->typmods[c], s, len, f->batch, &vals[col], err);
    if (rc != 0) {
        if (binary)
            snprintf(err->context, sizeof err->context, "COPY %s, line %lld, column %s", cs->relname,
                     (long long)f->in.lineno, cs->names[c]);
        else
            snprintf(err->context, sizeof err->context, "COPY %s, line %lld, column %s: \"%s\"", cs->relname,
                     (long long)f->in.lineno, cs->names[c], display(f->batch, s));
        return -1;
    }
    return 0;
}

/* The next row into vals: 1, 0 at the end of data, -1 on error. */
static int next_row_text(copy_from_ctx_t *f, sql_value_t *vals, orb_err_t *err) {
    copy_state_t *cs = f->cs;
    copy_in_t *in = &f->in;
    int rc = in_read_line(in, err);
    if (rc <= 0) return rc;
    if (sql_utf8_check((const unsigned char *)in->line.data, in->line.len, err) != 0) {
        context_line(cs, in, err, false);
        return -1;
    }
    bool csv = cs->o.format == COPY_CSV;
    if ((csv ? split_csv(in, err) : split_text(in, err)) != 0) {
        context_line(cs, in, err, true);
        return -1;
    }
    if (in->nfields > cs->ncols) {
        bad_format(err, "extra data after last expected column", NULL);
        context_line(cs, in, err, true);
        return -1;
    }
    for (int c = 0; c < cs->ncols; c++) {
        if (c >= in->nfields) {
            orb_err_set(err, BAD_COPY_FILE_FORMAT, "missing data for column \"%s\"", cs->names[c]);
            context_line(cs, in, err, true);
            return -1;
        }
        const char *s = field_at(in, c);
        if (csv) {
            if (!s && cs->fnn[c]) s = cs->o.null_print;
            else if (s && cs->fnull[c] && strcmp(s, cs->o.null_print) == 0) s = NULL;
        }
        if (!s) {
            vals[cs->colpos[c]].isnull = true;
            continue;
        }
        if (convert_field(f, c, s, strlen(s), false, vals, err) != 0) return -1;
    }
    return 1;
}

static int next_row_binary(copy_from_ctx_t *f, sql_value_t *vals, orb_err_t *err) {
    copy_state_t *cs = f->cs;
    copy_in_t *in = &f->in;
    if (in->done) return 0;
    in->lineno++;
    int rc = in_need(in, 2, err);
    if (rc < 0) return -1;
    if (rc == 0) {
        in->lineno--;
        return 0; /* end of data without a trailer */
    }
    int16_t nf = (int16_t)orb_get_be16(in->buf.data + in->start);
    in->start += 2;
    if (nf == -1) {
        in->done = true;
        if ((rc = in_need(in, 1, err)) < 0) return -1;
        if (rc == 1) {
            bad_format(err, "received copy data after EOF marker", NULL);
            context_line(cs, in, err, false);
            return -1;
        }
        in->lineno--;
        return 0;
    }
    if (nf != cs->ncols) {
        orb_err_set(err, BAD_COPY_FILE_FORMAT, "row field count is %d, expected %d", nf, cs->ncols);
        context_line(cs, in, err, false);
        return -1;
    }
    for (int c = 0; c < cs->ncols; c++) {
        if ((rc = in_need(in, 4, err)) < 0) return -1;
        if (rc == 0) goto eof;
        int32_t len = (int32_t)orb_get_be32(in->buf.data + in->start);
        in->start += 4;
        if (len == -1) {
            vals[cs->colpos[c]].isnull = true;
            continue;
        }
        if (len < 0) {
            bad_format(err, "invalid field size", NULL);
            goto field_ctx;
        }
        if ((rc = in_need(in, (size_t)len, err)) < 0) return -1;
        if (rc == 0) goto eof;
        const char *data = in->buf.data + in->start;
        in->start += (size_t)len;
        if (convert_field(f, c, data, (size_t)len, true, vals, err) != 0) return -1;
        continue;
    eof:
        bad_format(err, "unexpected EOF in COPY data", NULL);
    field_ctx:
        snprintf(err->context, sizeof err->context, "COPY %s, line %lld, column %s", cs->relname,
                 (long long)in->lineno, cs->names[c]);
        return -1;
    }
    in->pos = in->start;
    return 1;
}

/* Whether PostgreSQL would insert row by row (a volatile default other than nextval fills a
 * column COPY does not give, see its contain_volatile_functions_not_nextval): its unique
 * violations then show the line's text in CONTEXT. */
static bool single_insert_mode(const sql_query_t *q) {
    const sql_table_t *t = q->table;
    for (int c = 0; c < t->ncols; c++) {
        if (q->explicit_cols[c]) continue;
        const char *d = t->cols[c].default_sql;
        if (d && (strstr(d, "random(") || strstr(d, "gen_random_uuid(") ||
                  strstr(d, "clock_timestamp(")))
            return true;
    }
    return false;
}

static int copy_from(copy_state_t *cs, PgQuery__CopyStmt *st, uint64_t txn_id, orb_err_t *err) {
    orb_mcx_t *mcx = cs->mcx;
    /* The INSERT the rows go through: INSERT INTO t (cols) DEFAULT VALUES, analyzed once
     * (defaults, CHECK constraints); each row then fills the copied columns. */
    PgQuery__InsertStmt ins = PG_QUERY__INSERT_STMT__INIT;
    ins.relation = st->relation;
    ins.n_cols = st->n_attlist;
    ins.cols = orb_alloc0(mcx, sizeof(PgQuery__Node *) * (st->n_attlist + 1));
    for (size_t i = 0; i < st->n_attlist; i++) {
        PgQuery__ResTarget *rt = orb_alloc(mcx, sizeof *rt);
        pg_query__res_target__init(rt);
        rt->name = (char *)sql_str_of(st->attlist[i]);
        rt->location = -1;
        PgQuery__Node *n = orb_alloc(mcx, sizeof *n);
        pg_query__node__init(n);
        n->node_case = PG_QUERY__NODE__NODE_RES_TARGET;
        n->res_target = rt;
        ins.cols[i] = n;
    }
    PgQuery__Node node = PG_QUERY__NODE__INIT;
    node.node_case = PG_QUERY__NODE__NODE_INSERT_STMT;
    node.insert_stmt = &ins;
    PgQuery__RangeVar *rv = st->relation;
    {
        const char *schema = rv->schemaname && rv->schemaname[0] ? rv->schemaname : NULL;
        sql_table_t *vt = sql_catalog_resolve(cs->sess, schema, rv->relname);
        if (vt && vt->view_sql) {
            orb_err_set(err, WRONG_OBJECT_TYPE, "cannot copy to view \"%s\"", vt->name);
            orb_err_hint(err, "To enable copying to a view, provide an INSTEAD OF INSERT trigger.");
            sql_table_release(vt);
            return -1;
        }
        if (vt) sql_table_release(vt);
    }
    sql_analyze_ctx_t ac = {.mcx = mcx, .sess = cs->sess, .text = ""};
    copy_from_ctx_t f;
    memset(&f, 0, sizeof f);
    if (sql_analyze(&ac, &node, &f.q, err) != 0) {
        err->position = 0;
        return -1;
    }
    const sql_table_t *t = f.q->table;
    cs->relname = t->name;
    cs->ncols = st->n_attlist ? (int)st->n_attlist : t->ncols;
    cs->names = orb_alloc0(mcx, sizeof(char *) * (size_t)(cs->ncols + 1));
    cs->types = orb_alloc0(mcx, sizeof(uint32_t) * (size_t)(cs->ncols + 1));
    cs->typmods = orb_alloc0(mcx, sizeof(int32_t) * (size_t)(cs->ncols + 1));
    cs->colpos = orb_alloc0(mcx, sizeof(int) * (size_t)(cs->ncols + 1));
    for (int c = 0; c < cs->ncols; c++) {
        int col = st->n_attlist ? sql_table_column(t, sql_str_of(st->attlist[c])) : c;
        f.q->explicit_cols[col] = true;
        cs->colpos[c] = col;
        cs->names[c] = t->cols[col].name;
        cs->types[c] = t->cols[col].type;
        cs->typmods[c] = t->cols[col].typmod;
    }
    if (force_flags(cs, cs->o.force_notnull, "FORCE_NOT_NULL", &cs->fnn, t, err) != 0 ||
        force_flags(cs, cs->o.force_null, "FORCE_NULL", &cs->fnull, t, err) != 0)
        return -1;
    if (!cs->fp) cs->sink->copy_begin(cs->sink->arg, true, cs->o.format == COPY_BINARY ? 1 : 0, cs->ncols);

    f.cs = cs;
    f.txn_id = txn_id;
    f.in.cs = cs;
    orb_buf_init(&f.in.buf);
    orb_buf_init(&f.in.line);
    orb_buf_init(&f.in.fields);
    f.batch = orb_mcx_create(mcx, "copy batch");
    f.pend_batch = orb_mcx_create(mcx, "copy batch");
    f.xc = (sql_exec_ctx_t){.sess = cs->sess, .mcx = f.batch, .txn_id = txn_id};
    sql_wb_init(&f.wb, f.batch, t, txn_id);
    copy_bulk_flags(&f.wb, t);
    bool binary = cs->o.format == COPY_BINARY;
    bool single = single_insert_mode(f.q);
    int rc = 0;
    if (binary) {
        rc = bin_header(&f.in, err);
    } else if (check_header(cs, &f.in, err) < 0) {
        if (!err->context[0] && err->code != ORB_SQLSTATE_CONNECTION_EXCEPTION)
            context_line(cs, &f.in, err, false);
        rc = -1;
    }
    if (rc == 0) rc = copy_claim_shards(&f, err);
    while (rc == 0) {
        sql_value_t *vals = orb_alloc0(f.batch, sizeof *vals * (size_t)(t->ncols + 1));
        int r = binary ? next_row_binary(&f, vals, err) : next_row_text(&f, vals, err);
        if (r < 0) {
            /* reading failed (bad line ending, CopyFail, protocol): the line, no text */
            if (!err->context[0] && err->code != ORB_SQLSTATE_CONNECTION_EXCEPTION)
                context_line(cs, &f.in, err, false);
            rc = -1;
            break;
        }
        if (r == 0) break;
        if (sql_check_interrupts(cs->sess, err) != 0) {
            context_line(cs, &f.in, err, false);
            rc = -1;
            break;
        }
        f.wb.row_no = f.in.lineno;
        if (sql_exec_insert_row(&f.xc, f.q, &f.wb, vals, err) != 0) {
            context_line(cs, &f.in, err, true);
            rc = -1;
            break;
        }
        if (single) {
            /* row by row, as PostgreSQL does here: a duplicate shows its line */
            f.wb.failed_row_no = 0;
            if (sql_wb_flush(&f.wb, sql_session_rt(cs->sess), err) != 0) {
                context_line(cs, &f.in, err, true);
                rc = -1;
                break;
            }
        }
        if (t->nfks) sql_rowset_add(&f.fkrows, f.batch, vals);
        cs->count++;
        if (f.wb.total >= COPY_BATCH_OPS || (cs->count % 256 == 0 && orb_mcx_bytes(f.batch) > COPY_BATCH_BYTES) ||
            (single && cs->count % 1024 == 0))
            rc = batch_flush(&f, false, err);
    }
    if (rc == 0) rc = batch_flush(&f, true, err);
    if (rc == 0)
        sql_stats_note_write(sql_session_stats_xact(cs->sess), f.q->table->id, cs->count, 0, 0);
    if (f.pending) {
        /* a failure while a batch was in flight: collect its replies; its own failure is on
         * an earlier line, so it is the one to report (as PostgreSQL, which goes in order) */
        orb_err_t e2;
        orb_err_clear(&e2);
        if (pending_wait(&f, &e2) != 0) *err = e2;
    }
    /* after an error, the rest of the client's data is skipped by the wire layer */
    orb_buf_free(&f.in.buf);
    orb_buf_free(&f.in.line);
    orb_buf_free(&f.in.fields);
    free(f.in.foff);
    free(f.in.fquoted);
    return rc;
}

/* ======================================================================================
 * Entry point
 * ====================================================================================== */

int sql_copy_exec(sql_session_t *s, PgQuery__CopyStmt *st, orb_mcx_t *mcx, uint64_t txn_id,
                  const sql_sink_t *sink, sql_result_t *res, orb_err_t *err) {
    bool is_from = st->is_from;
    const char *file = st->filename && st->filename[0] ? st->filename : NULL;
    if (st->is_program) {
        if (!sql_session_is_superuser(s))
            return orb_err_set(err, INSUFFICIENT_PRIVILEGE,
                               "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program");
        return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY ... PROGRAM is not supported");
    }
    if (file && !sql_session_is_superuser(s)) {
        orb_err_set(err, INSUFFICIENT_PRIVILEGE,
                    is_from ? "must be superuser or have privileges of the pg_read_server_files role to COPY from a file"
                            : "must be superuser or have privileges of the pg_write_server_files role to COPY to a file");
        orb_err_hint(err, "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.");
        return -1;
    }
    if (st->where_clause) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY FROM ... WHERE is not supported yet");
    copy_state_t cs;
    memset(&cs, 0, sizeof cs);
    cs.sess = s;
    cs.sink = sink;
    cs.mcx = mcx;
    cs.relname = st->relation ? st->relation->relname : "";
    if (parse_options(st->options, st->n_options, is_from, mcx, &cs.o, err) != 0) return -1;
    if (!file && !sink) return orb_err_set(err, FEATURE_NOT_SUPPORTED, "COPY to or from a client needs a connection");
    if (file) {
        if (!is_from && file[0] != '/')
            return orb_err_set(err, INVALID_NAME, "relative path not allowed for COPY to file");
        cs.fp = fopen(file, is_from ? "r" : "w");
        if (!cs.fp) {
            int e = errno;
            if (e == ENOENT)
                orb_err_set(err, UNDEFINED_FILE, "could not open file \"%s\" for %s: %s", file,
                            is_from ? "reading" : "writing", strerror(e));
            else if (e == EACCES || e == EPERM)
                orb_err_set(err, INSUFFICIENT_PRIVILEGE, "could not open file \"%s\" for %s: %s", file,
                            is_from ? "reading" : "writing", strerror(e));
            else if (e == EISDIR)
                orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is a directory", file);
            else
                orb_err_set(err, IO_ERROR, "could not open file \"%s\" for %s: %s", file,
                            is_from ? "reading" : "writing", strerror(e));
            if (!is_from && (e == EACCES || e == EPERM))
                orb_err_hint(err, "COPY TO instructs the PostgreSQL server process to write a file. You may want a client-side facility such as psql's \\copy.");
            return -1;
        }
        struct stat sb;
        if (fstat(fileno(cs.fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
            fclose(cs.fp);
            return orb_err_set(err, WRONG_OBJECT_TYPE, "\"%s\" is a directory", file);
        }
    }
    orb_buf_init(&cs.out);
    int rc = is_from ? copy_from(&cs, st, txn_id, err) : copy_to(&cs, st, txn_id, err);
    orb_buf_free(&cs.out);
    if (cs.fp) {
        if (fclose(cs.fp) != 0 && rc == 0)
            rc = orb_err_set(err, IO_ERROR, "could not close file \"%s\": %s", file, strerror(errno));
    }
    if (rc == 0) snprintf(res->tag, sizeof res->tag, "COPY %lld", (long long)cs.count);
    return rc;
}
