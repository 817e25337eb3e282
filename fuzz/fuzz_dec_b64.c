/*
 * fuzz_dec_b64 - dec_b64 is total, stays within dec_b64_bound(n), and
 * gives the same bytes with and without SIMD, and in place.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec_b64.h"
#include "pm_cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bound = dec_b64_bound(size);
	unsigned char *a = NULL, *b = NULL, *c = NULL;
	unsigned da = 0, db = 0;
	size_t na, nb, nc;

	/* exact-size buffers, so ASan sees any write past the bound */
	a = malloc(bound + 1);
	b = malloc(bound + 1);
	c = malloc(size + 1);
	if (a == NULL || b == NULL || c == NULL)
		goto out;
	pm_cpu_simd(1);
	na = dec_b64(data, size, a, &da);
	pm_cpu_simd(0);
	nb = dec_b64(data, size, b, &db);
	if (na > bound || nb > bound)
		__builtin_trap();
	if (na != nb || memcmp(a, b, na) != 0 || da != db)
		__builtin_trap();	/* SIMD and scalar disagree */
	memcpy(c, data, size);
	pm_cpu_simd(1);
	nc = dec_b64(c, size, c, NULL);
	if (nc != na || memcmp(a, c, nc) != 0)
		__builtin_trap();	/* in place differs */
out:
	free(a);
	free(b);
	free(c);
	return 0;
}
