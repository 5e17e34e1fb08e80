/* tests/unit/vector/test_main.c — main() of test_vector: runs every vector/ unit test group. */
#include <stddef.h>

#include "unit_vector.h"

int main(void) {
    int failed = 0;
    failed += run_vec_value_tests();
    failed += run_vec_kernel_tests();
    failed += run_vec_index_tests();
    return failed ? 1 : 0;
}
