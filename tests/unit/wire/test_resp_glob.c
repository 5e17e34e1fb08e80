/* tests/unit/wire/test_resp_glob.c — Redis glob patterns (wire_resp_glob_match), the rules
 * PSUBSCRIBE, PUBSUB CHANNELS and CONFIG GET share: * ? [set] [^set] ranges, escapes, Redis's
 * edge cases, and no exponential blow-up. Run from test_pg_frame.c's main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire_resp_int.h"

int run_resp_glob_tests(void);

static bool m(const char *pat, const char *s) {
    return wire_resp_glob_match(pat, strlen(pat), s, strlen(s), false);
}

static void test_glob_stars_and_question_marks(void **state) {
    (void)state;
    assert_true(m("*", ""));
    assert_true(m("*", "anything"));
    assert_true(m("news.*", "news.sport"));
    assert_false(m("news.*", "new"));
    assert_true(m("h?llo", "hello"));
    assert_false(m("h?llo", "hllo"));
    assert_true(m("a**b*c", "axxbyyc"));
    assert_false(m("a*b", "a"));
    assert_true(m("", ""));
    assert_false(m("", "x"));
}

static void test_glob_sets_ranges_and_negation(void **state) {
    (void)state;
    assert_true(m("h[ae]llo", "hallo"));
    assert_false(m("h[ae]llo", "hillo"));
    assert_true(m("h[^e]llo", "hallo"));
    assert_false(m("h[^e]llo", "hello"));
    assert_true(m("[a-c]x", "bx"));
    assert_true(m("[c-a]x", "bx")); /* reversed range: swapped as Redis does */
    assert_false(m("[a-c]x", "dx"));
    assert_true(m("[\\]]", "]"));
    assert_true(m("[abc", "b"));  /* unclosed: the rest of the pattern is the set */
    assert_false(m("[abc", "bc"));
}

static void test_glob_escapes_and_case(void **state) {
    (void)state;
    assert_true(m("a\\*b", "a*b"));
    assert_false(m("a\\*b", "axb"));
    assert_true(m("a\\", "a\\")); /* a trailing backslash is literal */
    assert_true(wire_resp_glob_match("MAX*", 4, "maxmemory", 9, true));
    assert_false(wire_resp_glob_match("MAX*", 4, "maxmemory", 9, false));
}

static void test_glob_pathological_pattern_is_fast(void **state) {
    (void)state;
    char pat[64], s[4096];
    strcpy(pat, "*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = 0;
    assert_false(m(pat, s)); /* backtracking on the last star only: quadratic at worst */
}

int run_resp_glob_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_stars_and_question_marks),
        cmocka_unit_test(test_glob_sets_ranges_and_negation),
        cmocka_unit_test(test_glob_escapes_and_case),
        cmocka_unit_test(test_glob_pathological_pattern_is_fast),
    };
    return cmocka_run_group_tests_name("resp_glob", tests, NULL, NULL);
}
