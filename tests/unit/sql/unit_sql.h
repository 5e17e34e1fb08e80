/* tests/unit/sql/unit_sql.h — the test groups of the test_sql executable; main() in
 * test_main.c runs each group. run_expr_tests is optional (weak). */
#ifndef ORB_UNIT_SQL_H
#define ORB_UNIT_SQL_H

int run_types_tests(void);
int run_builtin_tests(void);
int run_backend_tests(void);
int run_stats_tests(void);
int run_catalog_tests(void);
int run_expr_tests(void) __attribute__((weak));

#endif
