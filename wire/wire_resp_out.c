/* wire/wire_resp_out.c — RESP reply encoding: simple strings, errors (newlines replaced by
 * spaces, as Redis does), integers, bulk strings, nulls, arrays, maps, pairs (WITHSCORES) and
 * doubles in RESP2 or RESP3 form, and whole Orbit__KvValue trees from kv-shard actors. Pure,
 * no I/O. See wire/README.md "RESP". */
#include "wire_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void wire_resp_put_status(orb_buf_t *b, const char *s) {
    orb_buf_putc(b, '+');
    orb_buf_puts(b, s);
    orb_buf_append(b, "\r\n", 2);
}

void wire_resp_put_error(orb_buf_t *b, const char *s, size_t n) {
    orb_buf_putc(b, '-');
    for (size_t i = 0; i < n; i++) orb_buf_putc(b, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
    orb_buf_append(b, "\r\n", 2);
}

void wire_resp_put_int(orb_buf_t *b, int64_t v) { orb_buf_printf(b, ":%lld\r\n", (long long)v); }

void wire_resp_put_bulk(orb_buf_t *b, const char *p, size_t n) {
    orb_buf_printf(b, "$%zu\r\n", n);
    orb_buf_append(b, p, n);
    orb_buf_append(b, "\r\n", 2);
}

void wire_resp_put_null(orb_buf_t *b, int proto) {
    if (proto >= 3) orb_buf_append(b, "_\r\n", 3);
    else orb_buf_append(b, "$-1\r\n", 5);
}

void wire_resp_put_array(orb_buf_t *b, size_t n) { orb_buf_printf(b, "*%zu\r\n", n); }

void wire_resp_put_map(orb_buf_t *b, size_t npairs, int proto) {
    if (proto >= 3) orb_buf_printf(b, "%%%zu\r\n", npairs);
    else orb_buf_printf(b, "*%zu\r\n", npairs * 2);
}

void wire_resp_put_double(orb_buf_t *b, double d, int proto) {
    char tmp[64];
    if (isinf(d)) snprintf(tmp, sizeof tmp, "%s", d > 0 ? "inf" : "-inf");
    else if (isnan(d)) snprintf(tmp, sizeof tmp, "nan");
    else snprintf(tmp, sizeof tmp, "%.17g", d);
    if (proto >= 3) orb_buf_printf(b, ",%s\r\n", tmp);
    else wire_resp_put_bulk(b, tmp, strlen(tmp));
}

void wire_resp_put_value(orb_buf_t *b, const Orbit__KvValue *v, int proto) {
    switch (v->kind) {
    case ORBIT__KV_VALUE__KIND__STATUS:
        orb_buf_putc(b, '+');
        orb_buf_append(b, v->str.data, v->str.len);
        orb_buf_append(b, "\r\n", 2);
        break;
    case ORBIT__KV_VALUE__KIND__ERROR:
        wire_resp_put_error(b, (const char *)v->str.data, v->str.len);
        break;
    case ORBIT__KV_VALUE__KIND__INT: wire_resp_put_int(b, v->num); break;
    case ORBIT__KV_VALUE__KIND__BULK:
        wire_resp_put_bulk(b, (const char *)v->str.data, v->str.len);
        break;
    case ORBIT__KV_VALUE__KIND__ARRAY:
        wire_resp_put_array(b, v->n_elems);
        for (size_t i = 0; i < v->n_elems; i++) wire_resp_put_value(b, v->elems[i], proto);
        break;
    case ORBIT__KV_VALUE__KIND__SET:
        orb_buf_printf(b, "%c%zu\r\n", proto >= 3 ? '~' : '*', v->n_elems);
        for (size_t i = 0; i < v->n_elems; i++) wire_resp_put_value(b, v->elems[i], proto);
        break;
    case ORBIT__KV_VALUE__KIND__PAIRS: /* WITHSCORES replies: nested pairs in RESP3 */
        wire_resp_put_array(b, proto >= 3 ? v->n_elems / 2 : v->n_elems);
        for (size_t i = 0; i < v->n_elems; i++) {
            if (proto >= 3 && i % 2 == 0) wire_resp_put_array(b, 2);
            wire_resp_put_value(b, v->elems[i], proto);
        }
        break;
    case ORBIT__KV_VALUE__KIND__MAP:
        wire_resp_put_map(b, v->n_elems / 2, proto);
        for (size_t i = 0; i < v->n_elems; i++) wire_resp_put_value(b, v->elems[i], proto);
        break;
    case ORBIT__KV_VALUE__KIND__DOUBLE: wire_resp_put_double(b, v->dbl, proto); break;
    case ORBIT__KV_VALUE__KIND__NIL_ARRAY:
        if (proto >= 3) orb_buf_append(b, "_\r\n", 3);
        else orb_buf_append(b, "*-1\r\n", 5);
        break;
    case ORBIT__KV_VALUE__KIND__NIL:
    default: wire_resp_put_null(b, proto); break;
    }
}
