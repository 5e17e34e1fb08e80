/* tests/unit/wire/test_resp_parse.c — the RESP request parser (wire_resp_parse) and reply
 * encoder: multibulk and inline commands, incremental input, pipelines, Redis's protocol
 * errors and limits, RESP2/RESP3 encodings. Run from test_pg_frame.c's main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire_int.h"

int run_resp_parse_tests(void);

/* Parses one command; returns rc and fills argv as NUL-terminated copies (static). */
static char args_out[16][256];
static int parse(const char *buf, size_t len, int *argc, size_t *used, char *err) {
    orb_buf_t out;
    orb_buf_init(&out);
    int rc = wire_resp_parse(buf, len, &out, argc, used, err, 128);
    if (rc == 0) {
        size_t off = 0;
        for (int i = 0; i < *argc && i < 16; i++) {
            uint32_t n = (uint32_t)(uint8_t)out.data[off] << 24 | (uint32_t)(uint8_t)out.data[off + 1] << 16 |
                         (uint32_t)(uint8_t)out.data[off + 2] << 8 | (uint32_t)(uint8_t)out.data[off + 3];
            assert_true(n < 256);
            memcpy(args_out[i], out.data + off + 4, n);
            args_out[i][n] = 0;
            off += 4 + n;
        }
        assert_int_equal(off, out.len);
    } else {
        assert_int_equal(out.len, 0); /* nothing appended on AGAIN or error */
    }
    orb_buf_free(&out);
    return rc;
}

static void test_multibulk_command_is_parsed(void **state) {
    (void)state;
    const char *in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";
    int argc;
    size_t used;
    char err[128];
    assert_int_equal(parse(in, strlen(in), &argc, &used, err), 0);
    assert_int_equal(argc, 3);
    assert_int_equal(used, strlen(in));
    assert_string_equal(args_out[0], "SET");
    assert_string_equal(args_out[1], "k");
    assert_string_equal(args_out[2], "");
}

static void test_every_prefix_needs_more(void **state) {
    (void)state;
    const char *in = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
    int argc;
    size_t used;
    char err[128];
    for (size_t n = 0; n < strlen(in); n++)
        assert_int_equal(parse(in, n, &argc, &used, err), ORB_AGAIN);
    assert_int_equal(parse(in, strlen(in), &argc, &used, err), 0);
    assert_string_equal(args_out[1], "hello");
}

static void test_pipeline_is_consumed_one_command_at_a_time(void **state) {
    (void)state;
    const char *in = "*1\r\n$4\r\nPING\r\nPING\r\n*0\r\n*-1\r\n*1\r\n$4\r\nQUIT\r\n";
    size_t off = 0, len = strlen(in);
    int argc, got = 0;
    size_t used;
    char err[128];
    const int want[] = {1, 1, 0, 0, 1};
    while (off < len) {
        assert_int_equal(parse(in + off, len - off, &argc, &used, err), 0);
        assert_int_equal(argc, want[got]);
        got++;
        off += used;
    }
    assert_int_equal(got, 5);
    assert_string_equal(args_out[0], "QUIT");
}

static void test_inline_splits_quotes_and_escapes(void **state) {
    (void)state;
    const char *in = "SET  \"a b\\x41\\n\" 'it\\'s'\r\n";
    int argc;
    size_t used;
    char err[128];
    assert_int_equal(parse(in, strlen(in), &argc, &used, err), 0);
    assert_int_equal(argc, 3);
    assert_string_equal(args_out[1], "a bA\n");
    assert_string_equal(args_out[2], "it's");
    assert_int_equal(parse("\r\n", 2, &argc, &used, err), 0);
    assert_int_equal(argc, 0);
    assert_int_equal(used, 2);
    assert_int_equal(parse("GET k", 5, &argc, &used, err), ORB_AGAIN);
}

static void expect_error(const char *in, size_t len, const char *msg) {
    int argc;
    size_t used;
    char err[128];
    assert_int_equal(parse(in, len, &argc, &used, err), -1);
    assert_string_equal(err, msg);
}

static void test_protocol_errors_have_redis_texts(void **state) {
    (void)state;
    expect_error("*1\r\n$999999999999\r\n", 19, "Protocol error: invalid bulk length");
    expect_error("*1\r\n$-1\r\n", 9, "Protocol error: invalid bulk length");
    expect_error("*1\r\n$01\r\n", 9, "Protocol error: invalid bulk length");
    expect_error("*x\r\n", 4, "Protocol error: invalid multibulk length");
    expect_error("*3000000000\r\n", 13, "Protocol error: invalid multibulk length");
    expect_error("*1\r\n+PING\r\n", 11, "Protocol error: expected '$', got '+'");
    expect_error("SET \"a\r\n", 8, "Protocol error: unbalanced quotes in request");
    expect_error("SET \"a\"b\r\n", 10, "Protocol error: unbalanced quotes in request");
}

static void test_unterminated_lines_are_bounded(void **state) {
    (void)state;
    size_t n = WIRE_RESP_MAX_INLINE + 10;
    char *big = malloc(n + 8);
    assert_non_null(big);
    memset(big, 'x', n);
    expect_error(big, n, "Protocol error: too big inline request");
    big[0] = '*';
    expect_error(big, n, "Protocol error: too big mbulk count string");
    memcpy(big, "*1\r\n$", 5);
    memset(big + 5, '1', n - 5);
    expect_error(big, n, "Protocol error: too big bulk count string");
    free(big);
}

static void test_reply_encodings_resp2_and_resp3(void **state) {
    (void)state;
    orb_buf_t b;
    orb_buf_init(&b);
    wire_resp_put_null(&b, 2);
    wire_resp_put_null(&b, 3);
    wire_resp_put_map(&b, 2, 2);
    wire_resp_put_map(&b, 2, 3);
    wire_resp_put_double(&b, 1.5, 2);
    wire_resp_put_double(&b, 1.5, 3);
    wire_resp_put_error(&b, "ERR a\r\nb", 8);
    wire_resp_put_int(&b, -7);
    orb_buf_putc(&b, 0);
    assert_string_equal(b.data, "$-1\r\n_\r\n*4\r\n%2\r\n$3\r\n1.5\r\n,1.5\r\n-ERR a  b\r\n:-7\r\n");
    orb_buf_free(&b);
}

static void test_random_bytes_never_crash_the_parser(void **state) {
    (void)state;
    unsigned seed = 7;
    char buf[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand_r(&seed) % 64);
        const char alphabet[] = "*$\r\n0123-+x \"'\\";
        for (size_t i = 0; i < n; i++) buf[i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        int argc;
        size_t used;
        char err[128];
        orb_buf_t out;
        orb_buf_init(&out);
        int rc = wire_resp_parse(buf, n, &out, &argc, &used, err, sizeof err);
        assert_true(rc == 0 || rc == ORB_AGAIN || rc == -1);
        if (rc == 0) assert_true(used <= n);
        orb_buf_free(&out);
    }
}

int run_resp_parse_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multibulk_command_is_parsed),
        cmocka_unit_test(test_every_prefix_needs_more),
        cmocka_unit_test(test_pipeline_is_consumed_one_command_at_a_time),
        cmocka_unit_test(test_inline_splits_quotes_and_escapes),
        cmocka_unit_test(test_protocol_errors_have_redis_texts),
        cmocka_unit_test(test_unterminated_lines_are_bounded),
        cmocka_unit_test(test_reply_encodings_resp2_and_resp3),
        cmocka_unit_test(test_random_bytes_never_crash_the_parser),
    };
    return cmocka_run_group_tests_name("resp_parse", tests, NULL, NULL);
}
