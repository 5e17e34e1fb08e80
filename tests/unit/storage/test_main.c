/* tests/unit/storage/test_main.c — the test_storage executable: runs the key, row and txn
 * groups (tests.h). Errors are logged at ERROR by orb_err_set for XX001; the corruption
 * tests trigger many, so logging is raised to FATAL. */
#include "tests.h"

#include "common/common.h"

int main(void) {
    orb_log_set_level(ORB_LOG_FATAL);
    int failed = 0;
    failed += _cmocka_run_group_tests("storage_key", st_key_tests, st_key_ntests, NULL, NULL);
    failed += _cmocka_run_group_tests("storage_row", st_row_tests, st_row_ntests, NULL, NULL);
    failed += _cmocka_run_group_tests("storage_txn", st_txn_tests, st_txn_ntests, NULL, NULL);
    return failed ? 1 : 0;
}
