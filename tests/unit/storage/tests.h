/* tests/unit/storage/tests.h — the storage unit test groups, run by test_main.c.
 * Each test_<file>.c defines one array of cmocka tests and its length. */
#ifndef ORB_TEST_STORAGE_TESTS_H
#define ORB_TEST_STORAGE_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

extern const struct CMUnitTest st_key_tests[];
extern const size_t st_key_ntests;
extern const struct CMUnitTest st_row_tests[];
extern const size_t st_row_ntests;
extern const struct CMUnitTest st_txn_tests[];
extern const size_t st_txn_ntests;

#endif
