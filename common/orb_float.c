/* common/orb_float.c — shortest round-trip decimal output of float4/float8 values, exactly
 * as PostgreSQL's float4out/float8out print them with extra_float_digits = 1 (Ryu's shortest
 * digits; plain notation for exponents -4..5 (float4) / -4..14 (float8), else d.ddde+XX).
 * Used by sql/ (real, double precision) and vector/ (vector, halfvec, sparsevec output). */
#include "common.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void orb_float_out(double d, bool f4, orb_buf_t *out) {
    if (isnan(d)) { orb_buf_puts(out, "NaN"); return; }
    if (isinf(d)) { orb_buf_puts(out, d > 0 ? "Infinity" : "-Infinity"); return; }
    char buf[64];
    int maxp = f4 ? 9 : 17;
    /* Shortest digits that read back as d, excluding a candidate exactly halfway to a
     * neighbour (PostgreSQL's Ryu does not accept the interval bounds). */
    long double lo_mid, hi_mid;
    if (f4) {
        float f = (float)d;
        lo_mid = ((double)f + (double)nextafterf(f, -INFINITY)) / 2;
        hi_mid = ((double)f + (double)nextafterf(f, INFINITY)) / 2;
    } else {
        lo_mid = ((long double)d + (long double)nextafter(d, -INFINITY)) / 2;
        hi_mid = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
    }
    for (int p = 1; p <= maxp; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        if (!(f4 ? (strtof(buf, NULL) == (float)d) : (strtod(buf, NULL) == d))) continue;
        long double c = strtold(buf, NULL);
        if (p < maxp && (c == lo_mid || c == hi_mid)) continue;
        break;
    }
    /* buf: [-]d[.ddd]e[+-]xx */
    char digits[32];
    int nd = 0;
    bool neg = buf[0] == '-';
    const char *q = buf + (neg ? 1 : 0);
    for (; *q && *q != 'e'; q++)
        if (isdigit((unsigned char)*q)) digits[nd++] = *q;
    int exp10 = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    if (neg) orb_buf_putc(out, '-');
    int lim = f4 ? 6 : 15;
    if (exp10 < -4 || exp10 >= lim) {
        orb_buf_putc(out, digits[0]);
        if (nd > 1) {
            orb_buf_putc(out, '.');
            orb_buf_append(out, digits + 1, (size_t)nd - 1);
        }
        orb_buf_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        orb_buf_puts(out, "0.");
        for (int i = 0; i < -exp10 - 1; i++) orb_buf_putc(out, '0');
        orb_buf_append(out, digits, (size_t)nd);
    } else {
        for (int i = 0; i <= exp10; i++) orb_buf_putc(out, i < nd ? digits[i] : '0');
        if (nd > exp10 + 1) {
            orb_buf_putc(out, '.');
            orb_buf_append(out, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
        }
    }
}

