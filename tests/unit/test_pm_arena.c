/* test_pm_arena - the per-message arena: alignment, cap, wipe, marks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pm_arena.h"

static size_t hook_calls, hook_dirty;

/* check_zero - before-free hook: count chunks that were not wiped */
static void
check_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	hook_calls++;
	for (i = 0; i < n; i++)
		if (c[i] != 0) {
			hook_dirty++;
			return;
		}
}

static int
setup(void **state)
{
	hook_calls = hook_dirty = 0;
	pm_arena_before_free_hook = check_zero;
	(void)state;
	return 0;
}

static void
test_alignment(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 1; i < 100; i++) {
		void *p = pm_arena_alloc(a, i);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xaa, i);
	}
	pm_arena_free(a);
	assert_true(hook_calls > 0);
	assert_int_equal(hook_dirty, 0);
}

static void
test_cap(void **state)
{
	struct pm_arena *a = pm_arena_new(100000);

	(void)state;
	assert_non_null(pm_arena_alloc(a, 60000));
	assert_false(pm_arena_hit_cap(a));
	assert_null(pm_arena_alloc(a, 60000));
	assert_true(pm_arena_hit_cap(a));
	assert_null(pm_arena_alloc(a, SIZE_MAX));
	pm_arena_reset(a);
	assert_false(pm_arena_hit_cap(a));
	assert_non_null(pm_arena_alloc(a, 60000));
	pm_arena_free(a);
	assert_int_equal(hook_dirty, 0);
}

static void
test_mark_release_wipes(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	struct pm_arena_mark m;
	unsigned char *keep, *tmp, *big;
	size_t before;

	(void)state;
	keep = pm_arena_alloc(a, 32);
	memset(keep, 0x11, 32);
	pm_arena_mark(a, &m);
	before = pm_arena_used(a);
	tmp = pm_arena_alloc(a, 1000);
	memset(tmp, 0x22, 1000);
	big = pm_arena_alloc(a, 1 << 20);	/* forces a new chunk */
	assert_non_null(big);
	memset(big, 0x33, 1 << 20);
	pm_arena_release(a, &m);
	assert_int_equal(pm_arena_used(a), before);
	/* the tail of the kept chunk is wiped, the kept bytes are not */
	assert_int_equal(tmp[0], 0);
	assert_int_equal(tmp[999], 0);
	assert_int_equal(keep[31], 0x11);
	/* the big chunk was freed through the hook, wiped */
	assert_int_equal(hook_calls, 1);
	assert_int_equal(hook_dirty, 0);
	pm_arena_free(a);
	assert_int_equal(hook_dirty, 0);
}

static void
test_reset_keeps_first_chunk(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	unsigned char *p, *q;

	(void)state;
	p = pm_arena_alloc(a, 100);
	memset(p, 0x44, 100);
	(void)pm_arena_alloc(a, 4 << 20);
	pm_arena_reset(a);
	assert_int_equal(pm_arena_used(a), 0);
	assert_int_equal(p[0], 0);
	q = pm_arena_alloc(a, 100);
	assert_ptr_equal(p, q);
	pm_arena_free(a);
	assert_int_equal(hook_dirty, 0);
}

static void
test_strndup_calloc(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	char *s;
	unsigned char *z;

	(void)state;
	s = pm_arena_strndup(a, "boundary=x", 8);
	assert_string_equal(s, "boundary");
	z = pm_arena_calloc(a, 64);
	assert_int_equal(z[0] | z[63], 0);
	pm_arena_free(a);
	pm_arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alignment, setup),
		cmocka_unit_test_setup(test_cap, setup),
		cmocka_unit_test_setup(test_mark_release_wipes, setup),
		cmocka_unit_test_setup(test_reset_keeps_first_chunk, setup),
		cmocka_unit_test_setup(test_strndup_calloc, setup),
	};

	return cmocka_run_group_tests_name("pm_arena", tests, NULL, NULL);
}
