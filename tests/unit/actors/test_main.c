/* tests/unit/actors/test_main.c — the test_actors executable: runs the runtime, shard,
 * transaction, sequence, aggregation, deadlock and sorted set groups (tests.h). Client-visible
 * errors are expected by many tests, so logging is raised to FATAL unless ORBIT_TEST_LOG=debug. */
#include "tests.h"

#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *lvl = getenv("ORBIT_TEST_LOG");
    orb_log_level_t l;
    orb_log_set_level(lvl && orb_log_level_parse(lvl, &l) ? l : ORB_LOG_FATAL);
    int failed = 0;
    failed += _cmocka_run_group_tests("actors_runtime", act_runtime_tests, act_runtime_ntests,
                                      NULL, NULL);
    failed += _cmocka_run_group_tests("actors_shard", act_shard_tests, act_shard_ntests, NULL,
                                      NULL);
    failed += _cmocka_run_group_tests("actors_txn", act_txn_tests, act_txn_ntests, NULL, NULL);
    failed += _cmocka_run_group_tests("actors_seq", act_seq_tests, act_seq_ntests, NULL, NULL);
    failed += _cmocka_run_group_tests("actors_agg", act_agg_tests, act_agg_ntests, NULL, NULL);
    failed += _cmocka_run_group_tests("actors_deadlock", act_deadlock_tests, act_deadlock_ntests,
                                      NULL, NULL);
    failed += _cmocka_run_group_tests("actors_kv_zset", act_kv_zset_tests, act_kv_zset_ntests,
                                      NULL, NULL);
    return failed ? 1 : 0;
}
