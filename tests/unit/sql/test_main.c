/* tests/unit/sql/test_main.c — main() of test_sql: runs every sql/ unit test group. */
#include <stddef.h>

#include "unit_sql.h"

int main(void) {
    int failed = 0;
    failed += run_types_tests();
    failed += run_builtin_tests();
    failed += run_backend_tests();
    failed += run_stats_tests();
    failed += run_catalog_tests();
    if (run_expr_tests) failed += run_expr_tests();
    return failed ? 1 : 0;
}
