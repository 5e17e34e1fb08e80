/* sql/sql_json.c — json validation and jsonb normalisation. json keeps its input text
 * verbatim once it parses; jsonb is printed as PostgreSQL 15 prints it: ", " and ": "
 * separators, object keys deduplicated (last wins) and sorted by (length, bytes), strings
 * re-escaped, numbers printed as numeric. Errors mirror PostgreSQL's (22P02 "invalid input
 * syntax for type json" with its DETAIL sentences). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_types_int.h"

#define JSON_MAX_DEPTH 6400

typedef enum { JV_NULL, JV_TRUE, JV_FALSE, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type_t;

typedef struct jv jv_t;
typedef struct jpair {
    const char *key;
    size_t klen;
    jv_t *val;
    size_t idx;
} jpair_t;

struct jv {
    jv_type_t t;
    const char *s; /* number text (normalised) or decoded string */
    size_t n;
    jv_t **items;  /* array */
    jpair_t *pairs; /* object */
    size_t count;
    size_t so, eo; /* the value's span in the source text (json -> keeps it verbatim) */
};

typedef struct jparser {
    const char *s;
    size_t n, i;
    int depth;
    orb_mcx_t *mcx; /* NULL: validate only */
    orb_err_t *err;
} jparser_t;

static void ws(jparser_t *p) {
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static int jerr(jparser_t *p, const char *fmt, const char *tok, size_t toklen) {
    orb_err_set(p->err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json");
    if (tok) orb_err_detail(p->err, fmt, (int)toklen, tok);
    else orb_err_detail(p->err, "%s", fmt);
    /* CONTEXT as PostgreSQL gives it: the line up to the end of the offending token */
    if (p->err) {
        size_t end = tok ? (size_t)(tok - p->s) + toklen : p->i;
        if (end > p->n) end = p->n;
        size_t line_start = 0;
        int line = 1;
        for (size_t k = 0; k < end; k++)
            if (p->s[k] == '\n') {
                line++;
                line_start = k + 1;
            }
        snprintf(p->err->context, sizeof p->err->context, "JSON data, line %d: %s%.*s", line,
                 line_start > 0 || end - line_start <= 30 ? "" : "...",
                 (int)(end - line_start), p->s + line_start);
    }
    return -1;
}

static size_t token_len(jparser_t *p) {
    size_t j = p->i;
    if (j >= p->n) return 0;
    unsigned char c = (unsigned char)p->s[j];
    if (isalnum(c) || c == '_' || c == '-' || c >= 0x80) {
        while (j < p->n && (isalnum((unsigned char)p->s[j]) || p->s[j] == '_' ||
                            (unsigned char)p->s[j] >= 0x80 || p->s[j] == '-' || p->s[j] == '.' ||
                            p->s[j] == '+'))
            j++;
        return j - p->i;
    }
    return 1;
}

static int unexpected(jparser_t *p, const char *expected) {
    if (p->i >= p->n) return jerr(p, "The input string ended unexpectedly.", NULL, 0);
    char fmt[96];
    size_t tl = token_len(p);
    unsigned char c = (unsigned char)p->s[p->i];
    if (isalpha(c) && !(tl == 4 && (!memcmp(p->s + p->i, "true", 4) || !memcmp(p->s + p->i, "null", 4))) &&
        !(tl == 5 && !memcmp(p->s + p->i, "false", 5)))
        return jerr(p, "Token \"%.*s\" is invalid.", p->s + p->i, tl);
    snprintf(fmt, sizeof fmt, "Expected %s, but found \"%%.*s\".", expected);
    return jerr(p, fmt, p->s + p->i, tl);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(char *o, size_t *k, unsigned cp) {
    if (cp < 0x80) o[(*k)++] = (char)cp;
    else if (cp < 0x800) {
        o[(*k)++] = (char)(0xC0 | (cp >> 6));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o[(*k)++] = (char)(0xE0 | (cp >> 12));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        o[(*k)++] = (char)(0xF0 | (cp >> 18));
        o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* p->s[p->i] == '"'. Decodes into *out when building. */
static int parse_string(jparser_t *p, const char **out, size_t *outlen) {
    size_t start = ++p->i;
    char *o = NULL;
    size_t k = 0;
    if (p->mcx) o = orb_alloc(p->mcx, p->n - start + 1);
    while (p->i < p->n && p->s[p->i] != '"') {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c < 0x20) {
            orb_err_set(p->err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json");
            orb_err_detail(p->err, "Character with value 0x%02x must be escaped.", c);
            return -1;
        }
        if (c == '\\') {
            p->i++;
            if (p->i >= p->n) break;
            char e = p->s[p->i];
            char r = 0;
            switch (e) {
            case '"': r = '"'; break;
            case '\\': r = '\\'; break;
            case '/': r = '/'; break;
            case 'b': r = '\b'; break;
            case 'f': r = '\f'; break;
            case 'n': r = '\n'; break;
            case 'r': r = '\r'; break;
            case 't': r = '\t'; break;
            case 'u': {
                unsigned cp = 0;
                for (int j = 1; j <= 4; j++) {
                    int h = p->i + (size_t)j < p->n ? hexval(p->s[p->i + (size_t)j]) : -1;
                    if (h < 0) {
                        orb_err_set(p->err, INVALID_TEXT_REPRESENTATION,
                                    "invalid input syntax for type json");
                        orb_err_detail(p->err, "\"\\u\" must be followed by four hexadecimal digits.");
                        return -1;
                    }
                    cp = cp * 16 + (unsigned)h;
                }
                p->i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    /* need a low surrogate */
                    unsigned lo = 0;
                    bool ok = p->i + 6 < p->n + 0 && p->s[p->i + 1] == '\\' && p->s[p->i + 2] == 'u';
                    for (int j = 3; ok && j <= 6; j++) {
                        int h = hexval(p->s[p->i + (size_t)j]);
                        if (h < 0) ok = false;
                        else lo = lo * 16 + (unsigned)h;
                    }
                    if (!ok || lo < 0xDC00 || lo > 0xDFFF) {
                        orb_err_set(p->err, INVALID_TEXT_REPRESENTATION,
                                    "invalid input syntax for type json");
                        orb_err_detail(p->err, "Unicode high surrogate must not follow a high surrogate.");
                        return -1;
                    }
                    p->i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    orb_err_set(p->err, INVALID_TEXT_REPRESENTATION,
                                "invalid input syntax for type json");
                    orb_err_detail(p->err, "Unicode low surrogate must follow a high surrogate.");
                    return -1;
                }
                if (o) {
                    if (cp == 0) {
                        orb_err_set(p->err, UNTRANSLATABLE_CHARACTER,
                                    "unsupported Unicode escape sequence");
                        orb_err_detail(p->err, "\\u0000 cannot be converted to text.");
                        return -1;
                    }
                    put_utf8(o, &k, cp);
                }
                p->i++;
                continue;
            }
            default: {
                size_t tl = 1;
                orb_err_set(p->err, INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json");
                orb_err_detail(p->err, "Escape sequence \"\\%.*s\" is invalid.", (int)tl, p->s + p->i);
                return -1;
            }
            }
            if (o) o[k++] = r;
            p->i++;
            continue;
        }
        if (o) o[k++] = (char)c;
        p->i++;
    }
    if (p->i >= p->n) return jerr(p, "The input string ended unexpectedly.", NULL, 0);
    p->i++;
    if (o) {
        o[k] = 0;
        *out = o;
        *outlen = k;
    }
    return 0;
}

static int parse_value(jparser_t *p, jv_t **out);

static jv_t *newv(jparser_t *p, jv_type_t t) {
    if (!p->mcx) return NULL;
    jv_t *v = orb_alloc0(p->mcx, sizeof *v);
    v->t = t;
    return v;
}

static int parse_number(jparser_t *p, jv_t **out) {
    size_t st = p->i, j = p->i;
    if (j < p->n && p->s[j] == '-') j++;
    if (j < p->n && p->s[j] == '0') j++;
    else if (j < p->n && p->s[j] >= '1' && p->s[j] <= '9') {
        while (j < p->n && isdigit((unsigned char)p->s[j])) j++;
    } else goto bad;
    if (j < p->n && p->s[j] == '.') {
        j++;
        if (!(j < p->n && isdigit((unsigned char)p->s[j]))) goto bad;
        while (j < p->n && isdigit((unsigned char)p->s[j])) j++;
    }
    if (j < p->n && (p->s[j] == 'e' || p->s[j] == 'E')) {
        j++;
        if (j < p->n && (p->s[j] == '+' || p->s[j] == '-')) j++;
        if (!(j < p->n && isdigit((unsigned char)p->s[j]))) goto bad;
        while (j < p->n && isdigit((unsigned char)p->s[j])) j++;
    }
    if (j < p->n && (isalnum((unsigned char)p->s[j]) || p->s[j] == '_')) goto bad;
    p->i = j;
    if (p->mcx) {
        jv_t *v = newv(p, JV_NUM);
        if (sql__numeric_in(p->s + st, j - st, p->mcx, &v->s, p->err)) return -1;
        v->n = strlen(v->s);
        *out = v;
    }
    return 0;
bad:
    return jerr(p, "Token \"%.*s\" is invalid.", p->s + st, token_len(p));
}

static int parse_value1(jparser_t *p, jv_t **out);

static int parse_value(jparser_t *p, jv_t **out) {
    ws(p);
    size_t so = p->i;
    if (parse_value1(p, out)) return -1;
    if (p->mcx && *out) {
        (*out)->so = so;
        (*out)->eo = p->i;
    }
    return 0;
}

static int parse_value1(jparser_t *p, jv_t **out) {
    if (p->i >= p->n) return jerr(p, "The input string ended unexpectedly.", NULL, 0);
    char c = p->s[p->i];
    if (c == '{' || c == '[') {
        if (++p->depth > JSON_MAX_DEPTH)
            return orb_err_set(p->err, PROGRAM_LIMIT_EXCEEDED, "stack depth limit exceeded");
    }
    if (c == '{') {
        p->i++;
        size_t cap = 0, cnt = 0;
        jpair_t *pairs = NULL;
        ws(p);
        if (p->i < p->n && p->s[p->i] == '}') {
            p->i++;
        } else {
            for (;;) {
                ws(p);
                if (p->i >= p->n || p->s[p->i] != '"') return unexpected(p, "string");
                const char *k = NULL;
                size_t kl = 0;
                if (parse_string(p, &k, &kl)) return -1;
                ws(p);
                if (p->i >= p->n || p->s[p->i] != ':') return unexpected(p, "\":\"");
                p->i++;
                jv_t *v = NULL;
                if (parse_value(p, &v)) return -1;
                if (p->mcx) {
                    if (cnt == cap) {
                        size_t nc = cap ? cap * 2 : 4;
                        pairs = orb_realloc(p->mcx, pairs, cap * sizeof *pairs, nc * sizeof *pairs);
                        cap = nc;
                    }
                    pairs[cnt] = (jpair_t){k, kl, v, cnt};
                    cnt++;
                }
                ws(p);
                if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
                if (p->i < p->n && p->s[p->i] == '}') { p->i++; break; }
                return unexpected(p, "\",\" or \"}\"");
            }
        }
        p->depth--;
        if (p->mcx) {
            jv_t *v = newv(p, JV_OBJ);
            v->pairs = pairs;
            v->count = cnt;
            *out = v;
        }
        return 0;
    }
    if (c == '[') {
        p->i++;
        size_t cap = 0, cnt = 0;
        jv_t **items = NULL;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ']') {
            p->i++;
        } else {
            for (;;) {
                jv_t *v = NULL;
                ws(p);
                if (p->i < p->n && (p->s[p->i] == ']' || p->s[p->i] == ',' || p->s[p->i] == '}' ||
                                    p->s[p->i] == ':'))
                    return unexpected(p, "JSON value");
                if (parse_value(p, &v)) return -1;
                if (p->mcx) {
                    if (cnt == cap) {
                        size_t nc = cap ? cap * 2 : 4;
                        items = orb_realloc(p->mcx, items, cap * sizeof *items, nc * sizeof *items);
                        cap = nc;
                    }
                    items[cnt++] = v;
                }
                ws(p);
                if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
                if (p->i < p->n && p->s[p->i] == ']') { p->i++; break; }
                return unexpected(p, "\",\" or \"]\"");
            }
        }
        p->depth--;
        if (p->mcx) {
            jv_t *v = newv(p, JV_ARR);
            v->items = items;
            v->count = cnt;
            *out = v;
        }
        return 0;
    }
    if (c == '"') {
        jv_t *v = newv(p, JV_STR);
        if (parse_string(p, v ? &v->s : NULL, v ? &v->n : NULL)) return -1;
        if (v) *out = v;
        return 0;
    }
    if (c == '-' || isdigit((unsigned char)c)) return parse_number(p, out);
    size_t tl = token_len(p);
    if (tl == 4 && !memcmp(p->s + p->i, "true", 4)) { p->i += 4; if (p->mcx) *out = newv(p, JV_TRUE); return 0; }
    if (tl == 5 && !memcmp(p->s + p->i, "false", 5)) { p->i += 5; if (p->mcx) *out = newv(p, JV_FALSE); return 0; }
    if (tl == 4 && !memcmp(p->s + p->i, "null", 4)) { p->i += 4; if (p->mcx) *out = newv(p, JV_NULL); return 0; }
    return unexpected(p, "JSON value");
}

static int parse_doc(jparser_t *p, jv_t **out) {
    if (parse_value(p, out)) return -1;
    ws(p);
    if (p->i < p->n) return unexpected(p, "end of input");
    return 0;
}

int sql__json_validate(const char *s, size_t len, orb_err_t *err) {
    jparser_t p = {s, len, 0, 0, NULL, err};
    jv_t *v = NULL;
    return parse_doc(&p, &v);
}

static int pair_cmp(const void *a, const void *b) {
    const jpair_t *x = a, *y = b;
    if (x->klen != y->klen) return x->klen < y->klen ? -1 : 1;
    int c = memcmp(x->key, y->key, x->klen);
    if (c) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void put_jstr(orb_buf_t *b, const char *s, size_t n) {
    orb_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': orb_buf_puts(b, "\\\""); break;
        case '\\': orb_buf_puts(b, "\\\\"); break;
        case '\b': orb_buf_puts(b, "\\b"); break;
        case '\f': orb_buf_puts(b, "\\f"); break;
        case '\n': orb_buf_puts(b, "\\n"); break;
        case '\r': orb_buf_puts(b, "\\r"); break;
        case '\t': orb_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20) orb_buf_printf(b, "\\u%04x", c);
            else orb_buf_putc(b, (char)c);
        }
    }
    orb_buf_putc(b, '"');
}

static void emit(const jv_t *v, orb_buf_t *b) {
    switch (v->t) {
    case JV_NULL: orb_buf_puts(b, "null"); break;
    case JV_TRUE: orb_buf_puts(b, "true"); break;
    case JV_FALSE: orb_buf_puts(b, "false"); break;
    case JV_NUM: orb_buf_append(b, v->s, v->n); break;
    case JV_STR: put_jstr(b, v->s, v->n); break;
    case JV_ARR:
        orb_buf_putc(b, '[');
        for (size_t i = 0; i < v->count; i++) {
            if (i) orb_buf_puts(b, ", ");
            emit(v->items[i], b);
        }
        orb_buf_putc(b, ']');
        break;
    case JV_OBJ: {
        jpair_t *ps = v->pairs;
        if (v->count > 1) qsort(ps, v->count, sizeof *ps, pair_cmp);
        orb_buf_putc(b, '{');
        bool first = true;
        for (size_t i = 0; i < v->count; i++) {
            if (i + 1 < v->count && ps[i + 1].klen == ps[i].klen &&
                memcmp(ps[i + 1].key, ps[i].key, ps[i].klen) == 0)
                continue; /* a later duplicate wins */
            if (!first) orb_buf_puts(b, ", ");
            first = false;
            put_jstr(b, ps[i].key, ps[i].klen);
            orb_buf_puts(b, ": ");
            emit(ps[i].val, b);
        }
        orb_buf_putc(b, '}');
        break;
    }
    }
}

int sql__jsonb_normalize(const char *s, size_t len, orb_mcx_t *mcx, const char **out,
                         size_t *outlen, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsonb");
    jparser_t p = {s, len, 0, 0, tmp, err};
    jv_t *v = NULL;
    if (parse_doc(&p, &v)) {
        orb_mcx_destroy(tmp);
        return -1;
    }
    orb_buf_t b;
    orb_buf_init(&b);
    emit(v, &b);
    *out = orb_strndup(mcx, b.data ? b.data : "", b.len);
    *outlen = b.len;
    orb_buf_free(&b);
    orb_mcx_destroy(tmp);
    return 0;
}

/* ---- operators (-> ->> ? @>) ------------------------------------------------------------ */
static bool is_container(const jv_t *v) { return v->t == JV_ARR || v->t == JV_OBJ; }

static int parse_tree(const char *s, size_t n, orb_mcx_t *tmp, jv_t **out, orb_err_t *err) {
    jparser_t p = {s, n, 0, 0, tmp, err};
    *out = NULL;
    return parse_doc(&p, out);
}

/* An object's value for key: the last one given (jsonb keeps the last, json's processing
 * functions use the last). */
static jv_t *obj_get(const jv_t *o, const char *key, size_t klen) {
    jv_t *best = NULL;
    size_t bidx = 0;
    for (size_t i = 0; i < o->count; i++)
        if (o->pairs[i].klen == klen && memcmp(o->pairs[i].key, key, klen) == 0 &&
            (!best || o->pairs[i].idx >= bidx)) {
            best = o->pairs[i].val;
            bidx = o->pairs[i].idx;
        }
    return best;
}

int sql__json_get(bool jsonb, const char *s, size_t n, bool by_index, const char *key,
                  size_t klen, int64_t idx, bool as_text, orb_mcx_t *mcx, sql_value_t *out,
                  orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsonget");
    jv_t *root, *v = NULL;
    out->isnull = true;
    if (parse_tree(s, n, tmp, &root, err)) {
        orb_mcx_destroy(tmp);
        return -1;
    }
    if (by_index && jsonb && !is_container(root)) {
        /* a jsonb scalar is stored as a one-element raw-scalar array */
        if (idx == 0 || idx == -1) v = root;
    } else if (by_index && root->t == JV_ARR) {
        int64_t k = idx < 0 ? (int64_t)root->count + idx : idx;
        if (k >= 0 && k < (int64_t)root->count) v = root->items[k];
    } else if (!by_index && root->t == JV_OBJ) {
        v = obj_get(root, key, klen);
    }
    if (v && !(as_text && v->t == JV_NULL)) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (as_text && v->t == JV_STR) orb_buf_append(&b, v->s, v->n);
        else if (jsonb) emit(v, &b);
        else orb_buf_append(&b, s + v->so, v->eo - v->so);
        out->isnull = false;
        out->v.s.p = orb_strndup(mcx, b.data ? b.data : "", b.len);
        out->v.s.n = (uint32_t)b.len;
        orb_buf_free(&b);
    }
    orb_mcx_destroy(tmp);
    return 0;
}

int sql__jsonb_exists(const char *s, size_t n, const char *key, size_t klen, bool *out,
                      orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(NULL, "jsonexists");
    jv_t *root;
    *out = false;
    if (parse_tree(s, n, tmp, &root, err)) {
        orb_mcx_destroy(tmp);
        return -1;
    }
    if (root->t == JV_OBJ) *out = obj_get(root, key, klen) != NULL;
    else if (root->t == JV_ARR) {
        for (size_t i = 0; i < root->count && !*out; i++)
            *out = root->items[i]->t == JV_STR && root->items[i]->n == klen &&
                   memcmp(root->items[i]->s, key, klen) == 0;
    } else if (root->t == JV_STR) {
        *out = root->n == klen && memcmp(root->s, key, klen) == 0;
    }
    orb_mcx_destroy(tmp);
    return 0;
}

static bool scalar_eq(const jv_t *a, const jv_t *b) {
    if (a->t != b->t) return false;
    if (a->t == JV_STR) return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    if (a->t == JV_NUM) return sql_numeric_cmp(a->s, b->s) == 0;
    return true;
}

/* PostgreSQL's JsonbDeepContains. */
static bool deep_contains(const jv_t *a, const jv_t *b) {
    if (a->t != b->t) return false;
    if (a->t == JV_OBJ) {
        for (size_t i = 0; i < b->count; i++) {
            const jv_t *bv = obj_get(b, b->pairs[i].key, b->pairs[i].klen);
            if (bv != b->pairs[i].val) continue; /* an overridden duplicate */
            const jv_t *av = obj_get(a, b->pairs[i].key, b->pairs[i].klen);
            if (!av) return false;
            if (!is_container(bv)) {
                if (!scalar_eq(av, bv)) return false;
            } else if (!deep_contains(av, bv)) {
                return false;
            }
        }
        return true;
    }
    if (a->t == JV_ARR) {
        for (size_t i = 0; i < b->count; i++) {
            const jv_t *bv = b->items[i];
            bool found = false;
            for (size_t j = 0; j < a->count && !found; j++) {
                const jv_t *av = a->items[j];
                if (!is_container(bv)) found = !is_container(av) && scalar_eq(av, bv);
                else found = is_container(av) && deep_contains(av, bv);
            }
            if (!found) return false;
        }
        return true;
    }
    return scalar_eq(a, b);
}

int sql__jsonb_contains(const char *a, size_t an, const char *b, size_t bn, bool *out,
                        orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(NULL, "jsoncontains");
    jv_t *ra, *rb;
    *out = false;
    if (parse_tree(a, an, tmp, &ra, err) || parse_tree(b, bn, tmp, &rb, err)) {
        orb_mcx_destroy(tmp);
        return -1;
    }
    if (!is_container(ra) && !is_container(rb)) *out = scalar_eq(ra, rb);
    else if (ra->t == JV_ARR && !is_container(rb)) {
        /* a top-level scalar is a one-element "raw scalar" array in jsonb */
        for (size_t j = 0; j < ra->count && !*out; j++)
            *out = !is_container(ra->items[j]) && scalar_eq(ra->items[j], rb);
    } else {
        *out = deep_contains(ra, rb);
    }
    orb_mcx_destroy(tmp);
    return 0;
}

/* ---- building json from SQL values (to_json, json_build_*) ------------------------------- */
void sql__json_escape(orb_buf_t *b, const char *s, size_t n) { put_jstr(b, s, n); }

int sql__json_from_value(uint32_t oid, const sql_value_t *v, orb_buf_t *out, orb_err_t *err) {
    if (v->isnull) { orb_buf_puts(out, "null"); return 0; }
    if (sql_type_is_array(oid)) {
        /* array_to_json: "[1,2]" (no spaces), elements rendered as to_json renders them */
        orb_mcx_t *tmp = orb_mcx_create(NULL, "jsonarr");
        sql_value_t *elems = NULL;
        int n = 0;
        uint32_t et = sql_array_elem_type(v);
        if (!et) et = sql_array_elem_of(oid);
        if (sql_array_elems(v, tmp, &elems, &n)) {
            orb_mcx_destroy(tmp);
            return orb_err_set(err, INTERNAL_ERROR, "could not decode array");
        }
        orb_buf_putc(out, '[');
        for (int i = 0; i < n; i++) {
            if (i) orb_buf_putc(out, ',');
            if (sql__json_from_value(et, &elems[i], out, err)) {
                orb_mcx_destroy(tmp);
                return -1;
            }
        }
        orb_buf_putc(out, ']');
        orb_mcx_destroy(tmp);
        return 0;
    }
    switch (oid) {
    case SQL_OID_BOOL: orb_buf_puts(out, v->v.b ? "true" : "false"); return 0;
    case SQL_OID_INT2: case SQL_OID_INT4: case SQL_OID_INT8: case SQL_OID_OID:
        orb_buf_printf(out, "%lld", (long long)v->v.i);
        return 0;
    case SQL_OID_FLOAT4: case SQL_OID_FLOAT8:
        if (isnan(v->v.f) || isinf(v->v.f)) break;
        sql__float_out(v->v.f, oid == SQL_OID_FLOAT4, out);
        return 0;
    case SQL_OID_NUMERIC:
        if (!isdigit((unsigned char)v->v.s.p[v->v.s.p[0] == '-'])) break;
        orb_buf_append(out, v->v.s.p, v->v.s.n);
        return 0;
    case SQL_OID_JSON: case SQL_OID_JSONB: case SQL_OID_ANYJSON:
        orb_buf_append(out, v->v.s.p, v->v.s.n);
        return 0;
    case SQL_OID_DATE: case SQL_OID_TIMESTAMP: case SQL_OID_TIMESTAMPTZ: {
        /* XSD format, as PostgreSQL's JsonEncodeDateTime */
        orb_buf_t t;
        orb_buf_init(&t);
        if (sql_value_out(oid, -1, v, &t, err)) { orb_buf_free(&t); return -1; }
        char *p = t.data;
        size_t n = t.len;
        if (oid != SQL_OID_DATE && n > 10 && p[10] == ' ' && isdigit((unsigned char)p[0])) p[10] = 'T';
        orb_buf_putc(out, '"');
        orb_buf_append(out, p, n);
        if (oid == SQL_OID_TIMESTAMPTZ && n >= 3 && !strcmp(p + n - 3, "+00")) orb_buf_puts(out, ":00");
        orb_buf_putc(out, '"');
        orb_buf_free(&t);
        return 0;
    }
    default:
        break;
    }
    orb_buf_t t;
    orb_buf_init(&t);
    if (sql_value_out(oid, -1, v, &t, err)) { orb_buf_free(&t); return -1; }
    put_jstr(out, t.data ? t.data : "", t.len);
    orb_buf_free(&t);
    return 0;
}

static int ret_json(orb_mcx_t *mcx, bool jsonb, orb_buf_t *b, sql_value_t *r, orb_err_t *err) {
    r->isnull = false;
    if (jsonb) {
        const char *o;
        size_t ol;
        if (sql__jsonb_normalize(b->data ? b->data : "", b->len, mcx, &o, &ol, err)) return -1;
        r->v.s.p = o;
        r->v.s.n = (uint32_t)ol;
    } else {
        r->v.s.p = orb_strndup(mcx, b->data ? b->data : "", b->len);
        r->v.s.n = (uint32_t)b->len;
    }
    return 0;
}

/* args are json texts (the SQL_OID_ANYJSON cast) or NULL. */
int sql__json_build(bool jsonb, bool object, const sql_value_t *args, int n, orb_mcx_t *mcx,
                    sql_value_t *r, orb_err_t *err) {
    const char *fn = object ? (jsonb ? "jsonb_build_object" : "json_build_object") : NULL;
    if (object && n % 2) {
        orb_err_set(err, INVALID_PARAMETER_VALUE, "argument list must have even number of elements");
        orb_err_hint(err, "The arguments of %s() must consist of alternating keys and values.", fn);
        return -1;
    }
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_putc(&b, object ? '{' : '[');
    for (int i = 0; i < n; i++) {
        if (i && (!object || i % 2 == 0)) orb_buf_puts(&b, ", ");
        if (object && i % 2 == 0) {
            if (args[i].isnull) {
                orb_buf_free(&b);
                return orb_err_set(err, INVALID_PARAMETER_VALUE, "argument %d: key must not be null", i + 1);
            }
            const char *k = args[i].v.s.p;
            size_t kn = args[i].v.s.n;
            if (kn && (k[0] == '{' || k[0] == '[')) {
                orb_buf_free(&b);
                return orb_err_set(err, INVALID_PARAMETER_VALUE,
                                   "key value must be scalar, not array, composite, or json");
            }
            if (kn && k[0] == '"') orb_buf_append(&b, k, kn);
            else put_jstr(&b, k, kn);
            orb_buf_puts(&b, jsonb ? ": " : " : ");
            continue;
        }
        if (args[i].isnull) orb_buf_puts(&b, "null");
        else orb_buf_append(&b, args[i].v.s.p, args[i].v.s.n);
    }
    orb_buf_putc(&b, object ? '}' : ']');
    int rc = ret_json(mcx, jsonb, &b, r, err);
    orb_buf_free(&b);
    return rc;
}

int sql__json_typeof(const char *s, size_t n, orb_mcx_t *mcx, const char **out, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsontype");
    jv_t *v;
    if (parse_tree(s, n, tmp, &v, err)) { orb_mcx_destroy(tmp); return -1; }
    static const char *const names[] = {"null", "boolean", "boolean", "number", "string", "array", "object"};
    *out = names[v->t];
    orb_mcx_destroy(tmp);
    return 0;
}

int sql__json_array_length(const char *s, size_t n, int64_t *out, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(NULL, "jsonlen");
    jv_t *v;
    int rc = 0;
    if (parse_tree(s, n, tmp, &v, err)) rc = -1;
    else if (v->t == JV_OBJ)
        rc = orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot get array length of a non-array");
    else if (v->t != JV_ARR)
        rc = orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot get array length of a scalar");
    else *out = (int64_t)v->count;
    orb_mcx_destroy(tmp);
    return rc;
}

static void pretty(const jv_t *v, orb_buf_t *b, int level) {
    if (v->t != JV_ARR && v->t != JV_OBJ) { emit(v, b); return; }
    bool obj = v->t == JV_OBJ;
    orb_buf_putc(b, obj ? '{' : '[');
    jpair_t *ps = v->pairs;
    if (obj && v->count > 1) qsort(ps, v->count, sizeof *ps, pair_cmp);
    bool first = true;
    for (size_t i = 0; i < v->count; i++) {
        if (obj && i + 1 < v->count && ps[i + 1].klen == ps[i].klen &&
            memcmp(ps[i + 1].key, ps[i].key, ps[i].klen) == 0)
            continue;
        if (!first) orb_buf_putc(b, ',');
        first = false;
        orb_buf_putc(b, '\n');
        for (int k = 0; k < level + 1; k++) orb_buf_puts(b, "    ");
        if (obj) {
            put_jstr(b, ps[i].key, ps[i].klen);
            orb_buf_puts(b, ": ");
            pretty(ps[i].val, b, level + 1);
        } else {
            pretty(v->items[i], b, level + 1);
        }
    }
    orb_buf_putc(b, '\n');
    for (int k = 0; k < level; k++) orb_buf_puts(b, "    ");
    orb_buf_putc(b, obj ? '}' : ']');
}

int sql__jsonb_pretty(const char *s, size_t n, orb_mcx_t *mcx, sql_value_t *r, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsonpretty");
    jv_t *v;
    if (parse_tree(s, n, tmp, &v, err)) { orb_mcx_destroy(tmp); return -1; }
    orb_buf_t b;
    orb_buf_init(&b);
    pretty(v, &b, 0);
    r->isnull = false;
    r->v.s.p = orb_strndup(mcx, b.data ? b.data : "", b.len);
    r->v.s.n = (uint32_t)b.len;
    orb_buf_free(&b);
    orb_mcx_destroy(tmp);
    return 0;
}

/* jsonb || jsonb (PostgreSQL's IteratorConcat). */
int sql__jsonb_concat(const char *a, size_t an, const char *b, size_t bn, orb_mcx_t *mcx,
                      sql_value_t *r, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsoncat");
    jv_t *x, *y;
    if (parse_tree(a, an, tmp, &x, err) || parse_tree(b, bn, tmp, &y, err)) {
        orb_mcx_destroy(tmp);
        return -1;
    }
    orb_buf_t o;
    orb_buf_init(&o);
    if (x->t == JV_OBJ && y->t == JV_OBJ) {
        /* emit() keeps the last of duplicate keys: y's come after x's */
        jv_t m = *x;
        m.count = x->count + y->count;
        m.pairs = orb_alloc(tmp, sizeof(jpair_t) * (m.count ? m.count : 1));
        for (size_t i = 0; i < x->count; i++) { m.pairs[i] = x->pairs[i]; m.pairs[i].idx = i; }
        for (size_t i = 0; i < y->count; i++) {
            m.pairs[x->count + i] = y->pairs[i];
            m.pairs[x->count + i].idx = x->count + i;
        }
        emit(&m, &o);
    } else {
        /* anything else concatenates as arrays, a non-array being one element */
        orb_buf_putc(&o, '[');
        bool first = true;
        const jv_t *parts[2] = {x, y};
        for (int k = 0; k < 2; k++) {
            const jv_t *p = parts[k];
            if (p->t == JV_ARR) {
                for (size_t i = 0; i < p->count; i++) {
                    if (!first) orb_buf_puts(&o, ", ");
                    first = false;
                    emit(p->items[i], &o);
                }
            } else {
                if (!first) orb_buf_puts(&o, ", ");
                first = false;
                emit(p, &o);
            }
        }
        orb_buf_putc(&o, ']');
    }
    int rc = ret_json(mcx, true, &o, r, err);
    orb_buf_free(&o);
    orb_mcx_destroy(tmp);
    return rc;
}

/* jsonb - text: removes a key from an object or matching strings from an array. */
int sql__jsonb_delete(const char *s, size_t n, const char *key, size_t klen, orb_mcx_t *mcx,
                      sql_value_t *r, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsondel");
    jv_t *v;
    if (parse_tree(s, n, tmp, &v, err)) { orb_mcx_destroy(tmp); return -1; }
    if (v->t != JV_OBJ && v->t != JV_ARR) {
        orb_mcx_destroy(tmp);
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "cannot delete from scalar");
    }
    size_t k = 0;
    if (v->t == JV_OBJ) {
        for (size_t i = 0; i < v->count; i++)
            if (!(v->pairs[i].klen == klen && memcmp(v->pairs[i].key, key, klen) == 0))
                v->pairs[k++] = v->pairs[i];
    } else {
        for (size_t i = 0; i < v->count; i++) {
            const jv_t *e = v->items[i];
            if (!(e->t == JV_STR && e->n == klen && memcmp(e->s, key, klen) == 0)) v->items[k++] = v->items[i];
        }
    }
    v->count = k;
    orb_buf_t o;
    orb_buf_init(&o);
    emit(v, &o);
    int rc = ret_json(mcx, true, &o, r, err);
    orb_buf_free(&o);
    orb_mcx_destroy(tmp);
    return rc;
}

/* jsonb_extract_path(_text): follows object keys / array indexes; NULL when absent. */
int sql__json_extract_path(bool jsonb, const char *s, size_t n, const sql_value_t *path, int np,
                           bool as_text, orb_mcx_t *mcx, sql_value_t *r, orb_err_t *err) {
    orb_mcx_t *tmp = orb_mcx_create(mcx, "jsonpath");
    jv_t *v;
    r->isnull = true;
    if (parse_tree(s, n, tmp, &v, err)) { orb_mcx_destroy(tmp); return -1; }
    for (int i = 0; i < np && v; i++) {
        if (path[i].isnull) { v = NULL; break; }
        if (v->t == JV_OBJ) v = obj_get(v, path[i].v.s.p, path[i].v.s.n);
        else if (v->t == JV_ARR) {
            char *end;
            long long idx = strtoll(path[i].v.s.p, &end, 10);
            if (end == path[i].v.s.p || *end) { v = NULL; break; }
            if (idx < 0) idx += (long long)v->count;
            v = idx >= 0 && idx < (long long)v->count ? v->items[idx] : NULL;
        } else v = NULL;
    }
    if (v && !(as_text && v->t == JV_NULL)) {
        orb_buf_t b;
        orb_buf_init(&b);
        if (as_text && v->t == JV_STR) orb_buf_append(&b, v->s, v->n);
        else if (jsonb) emit(v, &b);
        else orb_buf_append(&b, s + v->so, v->eo - v->so);
        r->isnull = false;
        r->v.s.p = orb_strndup(mcx, b.data ? b.data : "", b.len);
        r->v.s.n = (uint32_t)b.len;
        orb_buf_free(&b);
    }
    orb_mcx_destroy(tmp);
    return 0;
}
