/*
 * NAME
 *	pan_mask - masked display form of a PAN, and masking inside text
 * PROMISES
 *	A struct pan_masked never holds more than the first six and last
 *	four digits of a PAN; every other digit is '*'. Masked text scans
 *	clean (pan_detect finds no PAN in it).
 * API
 *	pan_mask_digits(d, n, style, out)	display form of n ASCII digits:
 *				FIRST6LAST4 keeps the first 6 and last 4,
 *				LAST4 only the last 4; '*' for the rest.
 *	pan_mask_text(in, n, ndigits, style, ch, out)	copy the n bytes of
 *				UTF-8 text in (a PAN as found, separators
 *				included, holding ndigits digits) to out,
 *				replacing each hidden digit (ASCII or a
 *				multi-byte Unicode decimal digit) by the one
 *				byte ch; separators and the number of
 *				characters are kept. out needs n bytes;
 *				returns the bytes written (<= n).
 */
#ifndef PAN_MASK_H
#define PAN_MASK_H

#include <stddef.h>

#include "pan_card.h"

enum pan_mask_style {
	PAN_MASK_FIRST6LAST4 = 0,
	PAN_MASK_LAST4
};

struct pan_masked {
	char s[PAN_MAX_DIGITS + 1];	/* NUL-terminated: 411111******1111 */
	unsigned char len;
};

void pan_mask_digits(const char *d, size_t n, enum pan_mask_style style,
    struct pan_masked *out);
size_t pan_mask_text(const char *in, size_t n, size_t ndigits,
    enum pan_mask_style style, char ch, char *out);

#endif
