/*
 * fuzz_pan_mask - masking is total on any bytes and keeps its promises:
 * the output is never longer than the input, shows at most ten ASCII
 * digits, and scans clean (pan_detect_has_pan is 0). pan_mask_digits
 * and the pan_card predicates run on the same bytes.
 *
 * Input: byte 0 = style (bit 0) and the ndigits the caller claims
 * (byte 0 >> 1), then the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pan_card.h"
#include "pan_detect.h"
#include "pan_mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fm_ascii_digits - ASCII digits in p[0..n) */
static size_t
fm_ascii_digits(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i] >= '0' && p[i] <= '9';
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pan_mask_style style;
	struct pan_masked m;
	const char *in = NULL;
	char *out = NULL;
	size_t n, w, nd;

	if (size < 1)
		return 0;
	style = (data[0] & 1) ? PAN_MASK_LAST4 : PAN_MASK_FIRST6LAST4;
	nd = data[0] >> 1;
	in = (const char *)data + 1;
	n = size - 1;
	out = malloc(n ? n : 1);
	if (out == NULL)
		return 0;
	w = pan_mask_text(in, n, nd, style, '*', out);
	if (w > n || fm_ascii_digits(out, w) > 10)
		__builtin_trap();
	if (pan_detect_has_pan(out, w))
		__builtin_trap();	/* masked text must scan clean */
	pan_mask_digits(in, n, style, &m);
	if (m.len != (n > PAN_MAX_DIGITS ? PAN_MAX_DIGITS : n) ||
	    strlen(m.s) != m.len || fm_ascii_digits(m.s, m.len) > 10)
		__builtin_trap();
	(void)pan_card_luhn(in, n);
	(void)pan_card_brand(in, n);
	(void)pan_card_is_test(in, n);
	free(out);
	return 0;
}
