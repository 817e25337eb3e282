/*
 * fuzz_dec_uu - dec_uu is total and never writes more than n bytes
 * (the output buffer is exactly n bytes, so ASan catches an overrun).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dec_uu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = malloc(size ? size : 1);
	size_t n;

	if (out == NULL)
		return 0;
	n = dec_uu(data, size, out);
	if (n > size)
		__builtin_trap();
	free(out);
	return 0;
}
