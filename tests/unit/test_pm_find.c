/*
 * test_pm_find - pm_memmem against memmem(3), with its SSE2 loop and with
 * its AVX2 loop (where the CPU has it): the edge cases, then every
 * haystack length up to 300 with needles drawn from a three-letter
 * alphabet ('-', '\n', 'a': many near misses, as boundary lines give).
 * Haystacks are malloc'd to their exact size, so the sanitizer build
 * catches a read past either end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pm_cpu.h"
#include "pm_find.h"

/* same - pm_memmem and memmem agree on (h, hn, n, nn) */
static void
same(const char *h, size_t hn, const char *n, size_t nn)
{
	char *hc = malloc(hn ? hn : 1), *nc = malloc(nn ? nn : 1);
	const char *want, *got;
	int simd, old;

	assert_non_null(hc);
	assert_non_null(nc);
	memcpy(hc, h, hn);
	memcpy(nc, n, nn);
	want = memmem(hc, hn, nc, nn);
	for (simd = 0; simd < 2; simd++) {	/* SSE2, then AVX2 */
		old = pm_cpu_simd(simd);
		got = pm_memmem(hc, hn, nc, nn);
		pm_cpu_simd(old);
		if (want == NULL)
			assert_null(got);
		else
			assert_int_equal(got - hc, want - hc);
	}
	free(hc);
	free(nc);
}

static void
test_edges(void **state)
{
	(void)state;
	same("", 0, "", 0);
	same("abc", 3, "", 0);
	same("ab", 2, "abc", 3);
	same("abc", 3, "abc", 3);
	same("aaab", 4, "aab", 3);
	same("x\n--b\n--b", 9, "\n--b", 4);
	same("0123456789abcdef0123456789abcdef--B", 35, "--B", 3);
	same("0123456789abcdef0123456789abcde--B", 34, "--B", 3);
	same("--B0123456789abcdef0123456789abcdef", 35, "--B", 3);
	same("-------------------------------------", 37, "--X", 3);
	same("a", 1, "a", 1);
	same("ba", 2, "a", 1);
}

static void
test_random(void **state)
{
	static const char al[] = "-\na";
	char h[300], n[40];
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	size_t hn, nn, i, k;

	(void)state;
	for (hn = 0; hn <= sizeof(h); hn++)
		for (k = 0; k < 40; k++) {
			for (i = 0; i < hn; i++) {
				s = s * 6364136223846793005ULL + 1;
				h[i] = al[(s >> 33) % 3];
			}
			nn = 1 + k % sizeof(n);
			for (i = 0; i < nn; i++) {
				s = s * 6364136223846793005ULL + 1;
				n[i] = al[(s >> 33) % 3];
			}
			same(h, hn, n, nn);
			/* and a needle that is there, near the end */
			if (hn >= nn && nn > 0) {
				memcpy(n, h + hn - nn, nn);
				same(h, hn, n, nn);
			}
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("pm_find", tests, NULL, NULL);
}
