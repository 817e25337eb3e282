/*
 * fuzz_dec_qp - dec_qp is total, never writes more than n bytes, and
 * gives the same bytes in place.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec_qp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *a = NULL, *c = NULL;
	size_t na, nc;

	a = malloc(size ? size : 1);
	c = malloc(size ? size : 1);
	if (a == NULL || c == NULL)
		goto out;
	na = dec_qp(data, size, a);
	if (na > size)
		__builtin_trap();
	memcpy(c, data, size);
	nc = dec_qp(c, size, c);
	if (nc != na || memcmp(a, c, na) != 0)
		__builtin_trap();	/* in place differs */
out:
	free(a);
	free(c);
	return 0;
}
