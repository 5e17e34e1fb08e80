/* tests/unit/vector/unit_vector.h — the test groups of the test_vector executable; main() in
 * test_main.c runs each group. Groups other files may add are declared weak. */
#ifndef ORB_UNIT_VECTOR_H
#define ORB_UNIT_VECTOR_H

int run_vec_value_tests(void);
int run_vec_kernel_tests(void);
int run_vec_index_tests(void);

#endif
