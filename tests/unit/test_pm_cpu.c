/*
 * test_pm_cpu - the CPU answers and the switch every AVX2 path reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "pm_cpu.h"

static void
test_switch(void **state)
{
	int has = 0;

	(void)state;
#if defined(__x86_64__)
	__builtin_cpu_init();
	has = __builtin_cpu_supports("avx2") != 0;
#endif
	assert_int_equal(pm_cpu_avx2(), has);
	assert_int_equal(pm_cpu_simd(0), has);	/* the old setting */
	assert_int_equal(pm_cpu_avx2(), 0);
	assert_int_equal(pm_cpu_simd(0), 0);
	assert_int_equal(pm_cpu_simd(1), 0);
	assert_int_equal(pm_cpu_avx2(), has);
}

static void
test_fast_pext(void **state)
{
	int p = pm_cpu_fast_pext();

	(void)state;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("bmi2"))
		assert_int_equal(pm_cpu_fast_pext(), 0);
#else
	assert_int_equal(pm_cpu_fast_pext(), 0);
#endif
	/* the switch is for AVX2 paths; PEXT's answer does not move */
	pm_cpu_simd(0);
	assert_int_equal(pm_cpu_fast_pext(), p);
	pm_cpu_simd(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_fast_pext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
