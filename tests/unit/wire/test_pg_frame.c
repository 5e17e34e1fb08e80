/* tests/unit/wire/test_pg_frame.c — unit tests of the pgwire frame decoder and the
 * frontend message parsers / backend builders (wire_pg_frame.c, wire_pg_msg.c): valid and
 * incremental input, several frames per buffer, malformed and oversized input, and
 * truncated message bodies, which must fail cleanly rather than crash. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire_int.h"

/* ---- helpers -------------------------------------------------------------------------- */
static void put32(orb_buf_t *b, uint32_t v) { orb_buf_put_be32(b, v); }

static void startup_packet(orb_buf_t *b, uint32_t code, const char *const *kv, int nkv) {
    orb_buf_t body;
    orb_buf_init(&body);
    for (int i = 0; i < nkv; i++)
        orb_buf_append(&body, kv[i], strlen(kv[i]) + 1);
    orb_buf_putc(&body, '\0');
    put32(b, (uint32_t)(8 + body.len));
    put32(b, code);
    orb_buf_append(b, body.data, body.len);
    orb_buf_free(&body);
}

static void typed(orb_buf_t *b, char type, const void *body, size_t len) {
    orb_buf_putc(b, type);
    put32(b, (uint32_t)(len + 4));
    orb_buf_append(b, body, len);
}

static wire_decoder_t typed_decoder(void) {
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    d.typed = true;
    return d;
}

/* ---- startup phase -------------------------------------------------------------------- */
static void test_startup_message_is_decoded_and_switches_to_typed_phase(void **st) {
    (void)st;
    const char *kv[] = {"user", "alice", "database", "shop", "application_name", "psql"};
    orb_buf_t b;
    orb_buf_init(&b);
    startup_packet(&b, WIRE_PROTO_3_0, kv, 6);
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), 0);
    assert_int_equal(f.type, 0);
    assert_int_equal(f.code, WIRE_PROTO_3_0);
    assert_int_equal(f.total, b.len);
    assert_true(d.typed);

    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_startup_t s;
    assert_int_equal(wire_msg_parse_startup(f.body, f.len, f.code, mcx, &s, &err), 0);
    assert_int_equal(s.nparams, 3);
    assert_string_equal(s.user, "alice");
    assert_string_equal(s.database, "shop");
    assert_string_equal(s.application_name, "psql");
    orb_mcx_destroy(mcx);
    orb_buf_free(&b);
}

static void test_ssl_request_then_startup_in_one_buffer(void **st) {
    (void)st;
    const char *kv[] = {"user", "bob"};
    orb_buf_t b;
    orb_buf_init(&b);
    put32(&b, 8);
    put32(&b, WIRE_CODE_SSL);
    startup_packet(&b, WIRE_PROTO_3_0, kv, 2);
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), 0);
    assert_int_equal(f.code, WIRE_CODE_SSL);
    assert_int_equal(f.total, 8);
    assert_false(d.typed); /* still expecting the StartupMessage */
    assert_int_equal(wire_frame_next(&d, b.data + 8, b.len - 8, &f, &err), 0);
    assert_int_equal(f.code, WIRE_PROTO_3_0);
    assert_true(d.typed);
    orb_buf_free(&b);
}

static void test_cancel_request_carries_pid_and_key(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    put32(&b, 16);
    put32(&b, WIRE_CODE_CANCEL);
    put32(&b, 12345);
    put32(&b, 0xdeadbeef);
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), 0);
    assert_int_equal(f.code, WIRE_CODE_CANCEL);
    int32_t pid, key;
    assert_int_equal(wire_msg_parse_cancel(f.body, f.len, &pid, &key, &err), 0);
    assert_int_equal(pid, 12345);
    assert_int_equal((uint32_t)key, 0xdeadbeef);
    orb_buf_free(&b);
}

static void test_unknown_startup_code_is_rejected(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    put32(&b, 8);
    put32(&b, (1234u << 16) | 5681u);
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    orb_buf_free(&b);
}

static void test_protocol_version_2_is_unsupported(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    put32(&b, 9);
    put32(&b, 2u << 16);
    orb_buf_putc(&b, 0);
    wire_decoder_t d;
    wire_decoder_init(&d, 0);
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_FEATURE_NOT_SUPPORTED);
    assert_non_null(strstr(err.message, "unsupported frontend protocol 2.0"));
    orb_buf_free(&b);
}

static void test_startup_length_too_small_or_too_large_is_rejected(void **st) {
    (void)st;
    wire_decoder_t d;
    wire_frame_t f;
    orb_err_t err;
    char small[8] = {0, 0, 0, 4, 0, 3, 0, 0};
    wire_decoder_init(&d, 0);
    assert_int_equal(wire_frame_next(&d, small, 4, &f, &err), -1);
    char big[4] = {0x7f, 0, 0, 0};
    wire_decoder_init(&d, 0);
    assert_int_equal(wire_frame_next(&d, big, 4, &f, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
}

static void test_startup_without_terminator_fails_to_parse(void **st) {
    (void)st;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_startup_t s;
    orb_err_t err;
    const char body[] = {'u', 's', 'e', 'r', 0, 'x'}; /* value not terminated */
    assert_int_equal(wire_msg_parse_startup(body, sizeof body, WIRE_PROTO_3_0, mcx, &s, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    const char nouser[] = {'d', 'a', 't', 'a', 'b', 'a', 's', 'e', 0, 'x', 0, 0};
    assert_int_equal(wire_msg_parse_startup(nouser, sizeof nouser, WIRE_PROTO_3_0, mcx, &s, &err),
                     -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_AUTHORIZATION_SPECIFICATION);
    assert_int_equal(wire_msg_parse_startup(NULL, 0, WIRE_PROTO_3_0, mcx, &s, &err), -1);
    orb_mcx_destroy(mcx);
}

/* ---- typed phase ---------------------------------------------------------------------- */
static void test_typed_message_delivered_byte_by_byte(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    typed(&b, 'Q', "select 1", 9);
    wire_decoder_t d = typed_decoder();
    wire_frame_t f;
    orb_err_t err;
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(wire_frame_next(&d, b.data, n, &f, &err), ORB_AGAIN);
    assert_int_equal(wire_frame_next(&d, b.data, b.len, &f, &err), 0);
    assert_int_equal(f.type, 'Q');
    assert_int_equal(f.len, 9);
    assert_int_equal(f.total, b.len);
    const char *text;
    assert_int_equal(wire_msg_parse_query(f.body, f.len, &text, &err), 0);
    assert_string_equal(text, "select 1");
    orb_buf_free(&b);
}

static void test_several_messages_in_one_buffer(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    typed(&b, 'P', "\0select $1\0\0\0", 13);
    typed(&b, 'S', NULL, 0);
    typed(&b, 'H', NULL, 0);
    typed(&b, 'X', NULL, 0);
    wire_decoder_t d = typed_decoder();
    wire_frame_t f;
    orb_err_t err;
    const char expect[] = {'P', 'S', 'H', 'X'};
    size_t off = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(wire_frame_next(&d, b.data + off, b.len - off, &f, &err), 0);
        assert_int_equal(f.type, expect[i]);
        off += f.total;
    }
    assert_int_equal(off, b.len);
    assert_int_equal(wire_frame_next(&d, b.data + off, 0, &f, &err), ORB_AGAIN);
    orb_buf_free(&b);
}

static void test_truncated_message_needs_more(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    typed(&b, 'Q', "select 42", 10);
    wire_decoder_t d = typed_decoder();
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, b.data, b.len - 1, &f, &err), ORB_AGAIN);
    assert_int_equal(wire_frame_next(&d, b.data, 3, &f, &err), ORB_AGAIN);
    orb_buf_free(&b);
}

static void test_typed_length_below_four_is_rejected(void **st) {
    (void)st;
    char m[5] = {'Q', 0, 0, 0, 3};
    wire_decoder_t d = typed_decoder();
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, m, sizeof m, &f, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    assert_string_equal(err.message, "invalid message length");
}

static void test_oversized_length_is_rejected_before_body_arrives(void **st) {
    (void)st;
    wire_decoder_t d;
    wire_decoder_init(&d, 1024);
    d.typed = true;
    wire_frame_t f;
    orb_err_t err;
    char m[5] = {'Q', 0, 0, 0x10, 0}; /* 4096 > 1024 */
    assert_int_equal(wire_frame_next(&d, m, sizeof m, &f, &err), -1);
    assert_string_equal(err.message, "invalid message length");
    char huge[5] = {'Q', (char)0xff, (char)0xff, (char)0xff, (char)0xff};
    wire_decoder_t d2 = typed_decoder();
    assert_int_equal(wire_frame_next(&d2, huge, sizeof huge, &f, &err), -1);
    /* The hard limit wins over a larger configured maximum. */
    wire_decoder_init(&d2, (size_t)4 << 30);
    assert_int_equal(d2.max_message, WIRE_HARD_MAX_MESSAGE);
}

static void test_garbage_bytes_are_rejected(void **st) {
    (void)st;
    const char garbage[] = "\x01\x02\x03\x04\x05\x06\x07\x08GET / HTTP/1.1\r\n";
    wire_decoder_t d = typed_decoder();
    wire_frame_t f;
    orb_err_t err;
    assert_int_equal(wire_frame_next(&d, garbage, sizeof garbage - 1, &f, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    assert_non_null(strstr(err.message, "invalid frontend message type 1"));
    /* An HTTP request sent as a startup packet: "GET " is a huge length. */
    wire_decoder_t d2;
    wire_decoder_init(&d2, 0);
    assert_int_equal(wire_frame_next(&d2, "GET / HTTP/1.1\r\n", 16, &f, &err), -1);
}

static void test_decoder_survives_every_prefix_of_random_bytes(void **st) {
    (void)st;
    char buf[512];
    uint32_t x = 2463534242u;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[i] = (char)x;
        }
        if (round % 2)
            buf[0] = "PBDECSHQX"[x % 9];
        wire_decoder_t d;
        wire_decoder_init(&d, 4096);
        d.typed = round % 3 != 0;
        size_t off = 0;
        wire_frame_t f;
        orb_err_t err;
        while (off < sizeof buf) {
            int rc = wire_frame_next(&d, buf + off, sizeof buf - off, &f, &err);
            if (rc != 0)
                break;
            assert_true(f.total <= sizeof buf - off);
            off += f.total;
        }
    }
}

/* ---- body parsers --------------------------------------------------------------------- */
static void test_parse_message_with_param_types(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    orb_buf_append(&b, "s1\0select $1, $2\0", 17);
    orb_buf_put_be16(&b, 2);
    put32(&b, 23);
    put32(&b, 0);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_parse_t p;
    orb_err_t err;
    assert_int_equal(wire_msg_parse_parse(b.data, b.len, mcx, &p, &err), 0);
    assert_string_equal(p.name, "s1");
    assert_string_equal(p.query, "select $1, $2");
    assert_int_equal(p.nparams, 2);
    assert_int_equal(p.param_types[0], 23);
    assert_int_equal(p.param_types[1], 0);
    /* Every truncation fails cleanly. */
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(wire_msg_parse_parse(b.data, n, mcx, &p, &err), -1);
    orb_mcx_destroy(mcx);
    orb_buf_free(&b);
}

static void test_parse_with_missing_terminator_fails(void **st) {
    (void)st;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_parse_t p;
    orb_err_t err;
    const char body[] = {'s', '1', 0, 's', 'e', 'l', 'e', 'c', 't'};
    assert_int_equal(wire_msg_parse_parse(body, sizeof body, mcx, &p, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    const char neg[] = {0, 'x', 0, (char)0xff, (char)0xff};
    assert_int_equal(wire_msg_parse_parse(neg, sizeof neg, mcx, &p, &err), -1);
    orb_mcx_destroy(mcx);
}

static void bind_body(orb_buf_t *b, int nfmt, const int16_t *fmts) {
    orb_buf_append(b, "p\0s\0", 4);
    orb_buf_put_be16(b, (uint16_t)nfmt);
    for (int i = 0; i < nfmt; i++)
        orb_buf_put_be16(b, (uint16_t)fmts[i]);
    orb_buf_put_be16(b, 3);
    put32(b, 2);
    orb_buf_append(b, "42", 2);
    put32(b, 0xffffffffu); /* NULL */
    put32(b, 4);
    orb_buf_append(b, "\0\0\0\x07", 4);
    orb_buf_put_be16(b, 1);
    orb_buf_put_be16(b, 1);
}

static void test_bind_expands_a_single_format_to_all_params(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    int16_t one[] = {1};
    bind_body(&b, 1, one);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_bind_t m;
    orb_err_t err;
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), 0);
    assert_string_equal(m.portal, "p");
    assert_string_equal(m.stmt, "s");
    assert_int_equal(m.nparams, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(m.params[i].format, 1);
    assert_int_equal(m.params[0].len, 2);
    assert_memory_equal(m.params[0].data, "42", 2);
    assert_int_equal(m.params[1].len, -1);
    assert_null(m.params[1].data);
    assert_int_equal(m.params[2].len, 4);
    assert_int_equal(m.nresult_formats, 1);
    assert_int_equal(m.result_formats[0], 1);

    orb_buf_reset(&b);
    bind_body(&b, 0, NULL);
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(m.params[i].format, 0);

    orb_buf_reset(&b);
    int16_t mixed[] = {0, 1, 0};
    bind_body(&b, 3, mixed);
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), 0);
    assert_int_equal(m.params[1].format, 1);
    assert_int_equal(m.params[2].format, 0);
    orb_mcx_destroy(mcx);
    orb_buf_free(&b);
}

static void test_bind_with_truncated_parameter_list_fails(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    bind_body(&b, 0, NULL);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_bind_t m;
    orb_err_t err;
    for (size_t n = 0; n < b.len; n++) {
        assert_int_equal(wire_msg_parse_bind(b.data, n, mcx, &m, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    }
    /* A parameter length pointing past the end of the message. */
    orb_buf_reset(&b);
    orb_buf_append(&b, "\0\0\0\0\0\x01\x7f\xff\xff\xff", 10);
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), -1);
    orb_mcx_destroy(mcx);
    orb_buf_free(&b);
}

static void test_bind_with_mismatched_format_count_or_bad_code_fails(void **st) {
    (void)st;
    orb_buf_t b;
    orb_buf_init(&b);
    int16_t two[] = {0, 1};
    bind_body(&b, 2, two);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    wire_bind_t m;
    orb_err_t err;
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROTOCOL_VIOLATION);
    orb_buf_reset(&b);
    int16_t bad[] = {7};
    bind_body(&b, 1, bad);
    assert_int_equal(wire_msg_parse_bind(b.data, b.len, mcx, &m, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_PARAMETER_VALUE);
    orb_mcx_destroy(mcx);
    orb_buf_free(&b);
}

static void test_describe_close_execute_parse_and_reject_bad_bodies(void **st) {
    (void)st;
    wire_target_t t;
    wire_execute_t e;
    orb_err_t err;
    assert_int_equal(wire_msg_parse_target("Sname", 6, "Describe", &t, &err), 0);
    assert_int_equal(t.kind, 'S');
    assert_string_equal(t.name, "name");
    assert_int_equal(wire_msg_parse_target("P", 2, "Close", &t, &err), 0);
    assert_int_equal(t.kind, 'P');
    assert_int_equal(wire_msg_parse_target("Xname", 6, "Describe", &t, &err), -1);
    assert_int_equal(wire_msg_parse_target("S", 1, "Describe", &t, &err), -1);
    assert_int_equal(wire_msg_parse_target("", 0, "Describe", &t, &err), -1);
    assert_int_equal(wire_msg_parse_execute("\0\0\0\0\x0a", 5, &e, &err), 0);
    assert_string_equal(e.portal, "");
    assert_int_equal(e.max_rows, 10);
    assert_int_equal(wire_msg_parse_execute("\0\0\0", 3, &e, &err), -1);
    assert_int_equal(wire_msg_parse_execute("\0\0\0\0\0\0", 6, &e, &err), -1);
    const char *q;
    assert_int_equal(wire_msg_parse_query("select", 6, &q, &err), -1);
    assert_int_equal(wire_msg_parse_query("", 1, &q, &err), 0);
    assert_string_equal(q, "");
}

/* ---- builders ------------------------------------------------------------------------- */
static void test_error_response_has_all_fields(void **st) {
    (void)st;
    orb_err_t err;
    orb_err_set(&err, UNIQUE_VIOLATION,
                "duplicate key value violates unique constraint \"t_pkey\"");
    orb_err_detail(&err, "Key (id)=(1) already exists.");
    err.position = 7;
    strcpy(err.table, "t");
    strcpy(err.constraint, "t_pkey");
    orb_buf_t b;
    orb_buf_init(&b);
    wire_msg_put_error(&b, 'E', &err);
    assert_int_equal(b.data[0], 'E');
    assert_int_equal(orb_get_be32(b.data + 1), b.len - 1);
    assert_int_equal(b.data[b.len - 1], '\0');
    assert_non_null(memmem(b.data, b.len, "SERROR\0VERROR\0C23505\0", 21));
    assert_non_null(memmem(b.data, b.len, "DKey (id)=(1) already exists.", 29));
    assert_non_null(memmem(b.data, b.len, "P7\0", 3));
    assert_non_null(memmem(b.data, b.len, "tt\0nt_pkey\0", 11));
    assert_null(memmem(b.data, b.len, "\0H", 2));
    orb_buf_free(&b);
}

static void test_data_row_encodes_null_and_values(void **st) {
    (void)st;
    sql_cell_t cells[2] = {{"abc", 3}, {NULL, -1}};
    orb_buf_t b;
    orb_buf_init(&b);
    wire_msg_put_data_row(&b, cells, 2);
    const char expect[] = {'D', 0, 0,   0,   17,  0,          2,          0,          0,
                           0,   3, 'a', 'b', 'c', (char)0xff, (char)0xff, (char)0xff, (char)0xff};
    assert_int_equal(b.len, sizeof expect);
    assert_memory_equal(b.data, expect, sizeof expect);
    orb_buf_free(&b);
}

static void test_row_description_layout(void **st) {
    (void)st;
    sql_column_t col = {.name = "id",
                        .type_oid = 23,
                        .typlen = 4,
                        .typmod = -1,
                        .table_oid = 16384,
                        .attnum = 1,
                        .format = 0};
    orb_buf_t b;
    orb_buf_init(&b);
    wire_msg_put_row_description(&b, &col, 1);
    assert_int_equal(b.data[0], 'T');
    assert_int_equal(orb_get_be32(b.data + 1), b.len - 1);
    assert_int_equal(orb_get_be16(b.data + 5), 1);
    assert_string_equal(b.data + 7, "id");
    const char *p = b.data + 10;
    assert_int_equal(orb_get_be32(p), 16384);
    assert_int_equal(orb_get_be16(p + 4), 1);
    assert_int_equal(orb_get_be32(p + 6), 23);
    assert_int_equal(orb_get_be16(p + 10), 4);
    assert_int_equal(orb_get_be32(p + 12), 0xffffffffu);
    assert_int_equal(orb_get_be16(p + 16), 0);
    assert_int_equal(b.len, 10 + 18);
    orb_buf_free(&b);
}

int run_resp_parse_tests(void); /* test_resp_parse.c */
int run_auth_tests(void);       /* test_auth.c */
int run_resp_glob_tests(void);  /* test_resp_glob.c */

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_message_is_decoded_and_switches_to_typed_phase),
        cmocka_unit_test(test_ssl_request_then_startup_in_one_buffer),
        cmocka_unit_test(test_cancel_request_carries_pid_and_key),
        cmocka_unit_test(test_unknown_startup_code_is_rejected),
        cmocka_unit_test(test_protocol_version_2_is_unsupported),
        cmocka_unit_test(test_startup_length_too_small_or_too_large_is_rejected),
        cmocka_unit_test(test_startup_without_terminator_fails_to_parse),
        cmocka_unit_test(test_typed_message_delivered_byte_by_byte),
        cmocka_unit_test(test_several_messages_in_one_buffer),
        cmocka_unit_test(test_truncated_message_needs_more),
        cmocka_unit_test(test_typed_length_below_four_is_rejected),
        cmocka_unit_test(test_oversized_length_is_rejected_before_body_arrives),
        cmocka_unit_test(test_garbage_bytes_are_rejected),
        cmocka_unit_test(test_decoder_survives_every_prefix_of_random_bytes),
        cmocka_unit_test(test_parse_message_with_param_types),
        cmocka_unit_test(test_parse_with_missing_terminator_fails),
        cmocka_unit_test(test_bind_expands_a_single_format_to_all_params),
        cmocka_unit_test(test_bind_with_truncated_parameter_list_fails),
        cmocka_unit_test(test_bind_with_mismatched_format_count_or_bad_code_fails),
        cmocka_unit_test(test_describe_close_execute_parse_and_reject_bad_bodies),
        cmocka_unit_test(test_error_response_has_all_fields),
        cmocka_unit_test(test_data_row_encodes_null_and_values),
        cmocka_unit_test(test_row_description_layout),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed + run_resp_parse_tests() + run_resp_glob_tests() + run_auth_tests();
}
