/* wire/wire_hba.c — the access rules, in pg_hba.conf's format: one rule per line,
 * `host|hostssl|hostnossl DATABASE USER ADDRESS METHOD` or `local DATABASE USER METHOD`, `#`
 * comments, the first rule that matches decides. Methods: trust, reject, scram-sha-256, md5,
 * password. Without a file: trust from loopback (127.0.0.0/8, ::1), scram-sha-256 from
 * everywhere else. Pure: parsing and matching only (wire_auth.c runs the method). Entry points:
 * wire_hba_load/parse/match/free (wire_int.h). See README.md ("Authentication"). */
#include "wire_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HBA_MAX_ITEMS 32

typedef struct hba_rule {
    int line;
    char raw[256];
    int type;                   /* 0 local, 1 host, 2 hostssl, 3 hostnossl */
    char *dbs[HBA_MAX_ITEMS];   /* "all", "sameuser", "samerole" are keywords when unquoted */
    bool db_kw[HBA_MAX_ITEMS];
    int ndbs;
    char *users[HBA_MAX_ITEMS]; /* "all" keyword; "+role": members of role (the role itself) */
    bool user_kw[HBA_MAX_ITEMS];
    int nusers;
    bool addr_all;
    int family;                 /* AF_INET / AF_INET6 */
    uint8_t addr[16], mask[16];
    wire_auth_method_t method;
} hba_rule_t;

struct wire_hba {
    hba_rule_t *rules;
    int n;
};

const char *wire_auth_method_name(wire_auth_method_t m) {
    switch (m) {
    case WIRE_AUTH_TRUST: return "trust";
    case WIRE_AUTH_REJECT: return "reject";
    case WIRE_AUTH_SCRAM: return "scram-sha-256";
    case WIRE_AUTH_MD5: return "md5";
    case WIRE_AUTH_PASSWORD: return "password";
    }
    return "?";
}

void wire_hba_free(wire_hba_t *h) {
    if (!h) return;
    for (int i = 0; i < h->n; i++) {
        for (int k = 0; k < h->rules[i].ndbs; k++) free(h->rules[i].dbs[k]);
        for (int k = 0; k < h->rules[i].nusers; k++) free(h->rules[i].users[k]);
    }
    free(h->rules);
    free(h);
}

/* One whitespace-separated field (quotes keep spaces and commas, and make keywords names).
 * Returns false at the end of the line. */
static bool next_field(const char **p, char *out, size_t outn, bool *quoted_any) {
    const char *s = *p;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#') return false;
    size_t n = 0;
    bool inq = false;
    *quoted_any = false;
    while (*s && (inq || (*s != ' ' && *s != '\t' && *s != '#'))) {
        if (*s == '"') {
            inq = !inq;
            *quoted_any = true;
            s++;
            continue;
        }
        if (n + 1 < outn) out[n++] = *s;
        s++;
    }
    out[n] = 0;
    *p = s;
    return true;
}

/* A comma-separated list: items (malloc'd) and whether each is an unquoted keyword. */
static int split_list(const char *field, bool quoted, char **items, bool *kw, int *n) {
    *n = 0;
    const char *s = field;
    for (;;) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        if (*n == HBA_MAX_ITEMS || len == 0) return -1;
        items[*n] = strndup(s, len);
        if (!items[*n]) orb_panic("out of memory");
        kw[*n] = !quoted;
        (*n)++;
        if (!c) return 0;
        s = c + 1;
    }
}

static int rule_fail(orb_err_t *err, const char *file, int line, const char *what) {
    return orb_err_set(err, CONFIG_FILE_ERROR, "%s in access file \"%s\" line %d", what, file, line);
}

static int parse_address(hba_rule_t *r, const char *field, const char **rest, orb_err_t *err,
                         const char *file) {
    if (strcmp(field, "all") == 0) {
        r->addr_all = true;
        return 0;
    }
    if (strcmp(field, "samehost") == 0 || strcmp(field, "samenet") == 0)
        return rule_fail(err, file, r->line, "samehost and samenet are not supported");
    char buf[128];
    if (strlen(field) >= sizeof buf) return rule_fail(err, file, r->line, "invalid IP address");
    memcpy(buf, field, strlen(field) + 1);
    char *slash = strchr(buf, '/');
    int bits = -1;
    if (slash) {
        *slash = 0;
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || b < 0) return rule_fail(err, file, r->line, "invalid CIDR mask in address");
        bits = (int)b;
    }
    size_t alen;
    if (inet_pton(AF_INET, buf, r->addr) == 1) {
        r->family = AF_INET;
        alen = 4;
    } else if (inet_pton(AF_INET6, buf, r->addr) == 1) {
        r->family = AF_INET6;
        alen = 16;
    } else {
        return rule_fail(err, file, r->line, "invalid IP address (host names are not supported)");
    }
    if (bits < 0) {
        /* a separate mask column */
        char m[128];
        bool q;
        if (!next_field(rest, m, sizeof m, &q))
            return rule_fail(err, file, r->line, "end-of-line before netmask specification");
        if (inet_pton(r->family, m, r->mask) != 1) return rule_fail(err, file, r->line, "invalid IP mask");
        return 0;
    }
    if ((size_t)bits > alen * 8) return rule_fail(err, file, r->line, "invalid CIDR mask in address");
    memset(r->mask, 0, sizeof r->mask);
    for (int i = 0; i < bits; i++) r->mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    for (size_t i = 0; i < alen; i++) r->addr[i] &= r->mask[i];
    return 0;
}

static int parse_line(hba_rule_t *r, const char *line, int lineno, const char *file, bool *empty,
                      orb_err_t *err) {
    memset(r, 0, sizeof *r);
    r->line = lineno;
    snprintf(r->raw, sizeof r->raw, "%s", line);
    const char *p = line;
    char f[512];
    bool q;
    *empty = !next_field(&p, f, sizeof f, &q);
    if (*empty) return 0;
    if (strcmp(f, "local") == 0) r->type = 0;
    else if (strcmp(f, "host") == 0) r->type = 1;
    else if (strcmp(f, "hostssl") == 0) r->type = 2;
    else if (strcmp(f, "hostnossl") == 0) r->type = 3;
    else if (strcmp(f, "hostgssenc") == 0 || strcmp(f, "hostnogssenc") == 0)
        return rule_fail(err, file, lineno, "GSSAPI connection types are not supported");
    else {
        char what[600];
        snprintf(what, sizeof what, "invalid connection type \"%s\"", f);
        return rule_fail(err, file, lineno, what);
    }
    if (!next_field(&p, f, sizeof f, &q)) return rule_fail(err, file, lineno, "end-of-line before database specification");
    if (f[0] == '@') return rule_fail(err, file, lineno, "@file inclusions are not supported");
    if (split_list(f, q, r->dbs, r->db_kw, &r->ndbs) != 0) return rule_fail(err, file, lineno, "invalid database list");
    if (!next_field(&p, f, sizeof f, &q)) return rule_fail(err, file, lineno, "end-of-line before role specification");
    if (f[0] == '@') return rule_fail(err, file, lineno, "@file inclusions are not supported");
    if (split_list(f, q, r->users, r->user_kw, &r->nusers) != 0) return rule_fail(err, file, lineno, "invalid role list");
    if (r->type != 0) {
        if (!next_field(&p, f, sizeof f, &q)) return rule_fail(err, file, lineno, "end-of-line before IP address specification");
        if (parse_address(r, f, &p, err, file) != 0) return -1;
    }
    if (!next_field(&p, f, sizeof f, &q)) return rule_fail(err, file, lineno, "end-of-line before authentication method");
    if (strcmp(f, "trust") == 0) r->method = WIRE_AUTH_TRUST;
    else if (strcmp(f, "reject") == 0) r->method = WIRE_AUTH_REJECT;
    else if (strcmp(f, "scram-sha-256") == 0) r->method = WIRE_AUTH_SCRAM;
    else if (strcmp(f, "md5") == 0) r->method = WIRE_AUTH_MD5;
    else if (strcmp(f, "password") == 0) r->method = WIRE_AUTH_PASSWORD;
    else {
        char what[600];
        snprintf(what, sizeof what, "invalid or unsupported authentication method \"%s\"", f);
        return rule_fail(err, file, lineno, what);
    }
    if (next_field(&p, f, sizeof f, &q)) {
        char what[600];
        snprintf(what, sizeof what, "authentication option \"%s\" is not supported", f);
        return rule_fail(err, file, lineno, what);
    }
    return 0;
}

int wire_hba_parse(const char *text, const char *file, wire_hba_t **out, orb_err_t *err) {
    wire_hba_t *h = calloc(1, sizeof *h);
    if (!h) orb_panic("out of memory");
    int cap = 0, lineno = 0;
    const char *s = text;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char *line = strndup(s, len);
        if (!line) orb_panic("out of memory");
        if (len && line[len - 1] == '\r') line[len - 1] = 0;
        lineno++;
        if (h->n == cap) {
            cap = cap ? cap * 2 : 8;
            h->rules = realloc(h->rules, sizeof *h->rules * (size_t)cap);
            if (!h->rules) orb_panic("out of memory");
        }
        bool empty;
        int rc = parse_line(&h->rules[h->n], line, lineno, file, &empty, err);
        free(line);
        if (rc != 0) {
            h->n++; /* free what the failed line allocated */
            wire_hba_free(h);
            return -1;
        }
        if (!empty) h->n++;
        if (!nl) break;
        s = nl + 1;
    }
    *out = h;
    return 0;
}

static const char default_rules[] =
    "host all all 127.0.0.0/8 trust\n"
    "host all all ::1/128 trust\n"
    "host all all all scram-sha-256\n";

int wire_hba_load(const char *path, wire_hba_t **out, orb_err_t *err) {
    if (!path) {
        if (wire_hba_parse(default_rules, "(default)", out, err) != 0) return -1;
        for (int i = 0; i < (*out)->n; i++) (*out)->rules[i].line = 0; /* built in */
        return 0;
    }
    FILE *f = fopen(path, "r");
    if (!f) return orb_err_set(err, CONFIG_FILE_ERROR, "could not open access file \"%s\": %s", path, strerror(errno));
    orb_buf_t b;
    orb_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) orb_buf_append(&b, chunk, n);
    fclose(f);
    orb_buf_putc(&b, '\0');
    int rc = wire_hba_parse(b.data, path, out, err);
    orb_buf_free(&b);
    return rc;
}

static bool list_has(char *const *items, const bool *kw, int n, const char *name, const char *user,
                     bool is_db, wire_hba_member_cb member_of, void *arg) {
    for (int i = 0; i < n; i++) {
        if (kw[i] && strcmp(items[i], "all") == 0) return true;
        if (is_db && kw[i] && (strcmp(items[i], "sameuser") == 0 || strcmp(items[i], "samerole") == 0 ||
                               strcmp(items[i], "samegroup") == 0)) {
            if (strcmp(name, user) == 0) return true;
            continue;
        }
        /* "+role": the role and its members, directly or not */
        if (!is_db && items[i][0] == '+') {
            if (strcmp(items[i] + 1, name) == 0 || (member_of && member_of(arg, name, items[i] + 1))) return true;
            continue;
        }
        if (strcmp(items[i], name) == 0) return true;
    }
    return false;
}

bool wire_hba_match(const wire_hba_t *h, const struct sockaddr *peer, const char *db,
                    const char *user, wire_hba_member_cb member_of, void *arg,
                    wire_auth_method_t *method, int *line) {
    uint8_t a[16];
    int fam = 0;
    if (peer && peer->sa_family == AF_INET) {
        memcpy(a, &((const struct sockaddr_in *)peer)->sin_addr, 4);
        fam = AF_INET;
    } else if (peer && peer->sa_family == AF_INET6) {
        const uint8_t *v6 = (const uint8_t *)&((const struct sockaddr_in6 *)peer)->sin6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(v6, mapped, 12) == 0) { /* IPv4-mapped: matches IPv4 rules */
            memcpy(a, v6 + 12, 4);
            fam = AF_INET;
        } else {
            memcpy(a, v6, 16);
            fam = AF_INET6;
        }
    }
    for (int i = 0; i < h->n; i++) {
        const hba_rule_t *r = &h->rules[i];
        if (r->type == 0 || r->type == 2) continue; /* no Unix socket, no TLS */
        if (!fam) continue;
        if (!r->addr_all) {
            if (r->family != fam) continue;
            size_t alen = fam == AF_INET ? 4 : 16;
            bool ok = true;
            for (size_t k = 0; k < alen && ok; k++) ok = (a[k] & r->mask[k]) == r->addr[k];
            if (!ok) continue;
        }
        if (!list_has(r->dbs, r->db_kw, r->ndbs, db, user, true, NULL, NULL)) continue;
        if (!list_has(r->users, r->user_kw, r->nusers, user, user, false, member_of, arg)) continue;
        *method = r->method;
        *line = r->line;
        return true;
    }
    return false;
}
