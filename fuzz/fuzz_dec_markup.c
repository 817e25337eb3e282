/*
 * fuzz_dec_markup - dec_markup is total and its output is never longer
 * than its input (out is exactly n bytes, so ASan sees an overrun).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dec_markup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL;
	size_t n;

	out = malloc(size ? size : 1);
	if (out == NULL)
		return 0;
	n = dec_markup(data, size, out);
	if (n > size)
		__builtin_trap();
	free(out);
	return 0;
}
