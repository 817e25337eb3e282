/*
 * NAME
 *	pan_card - card-number facts: Luhn, the brand table, test PANs
 * OWNS
 *	The brand table (static data, one row per issuer range, with the
 *	source of each range beside it) and the brands' published test
 *	numbers.
 * PROMISES
 *	Pure functions on ASCII digit strings; no allocation, no state.
 * API
 *	pan_card_luhn(d, n)	1 when the n digits pass the Luhn check.
 *	pan_card_brand(d, n)	the brand whose prefix and length match
 *				the n digits, or NULL (no brand: not a PAN).
 *	pan_card_brand_scan(d, n)	the same by reading every row (the
 *				definition; tests hold pan_card_brand to it).
 *	pan_card_may(f2, n)	0 when no number of n digits starting with
 *				the two digits f2 (0..99) has a brand: a
 *				filter to run before Luhn.
 *	pan_card_is_test(d, n)	1 for a brand's published test number.
 *	pan_card_brand_count() / pan_card_brand_at(i)	iterate the brands
 *				(for tests and documentation).
 */
#ifndef PAN_CARD_H
#define PAN_CARD_H

#include <stddef.h>

#define PAN_MIN_DIGITS	13
#define PAN_MAX_DIGITS	19

struct pan_brand {
	const char *name;	/* stable lower-case id: "visa", "mastercard" */
	const char *label;	/* for people: "Visa", "Mastercard" */
};

int pan_card_luhn(const char *d, size_t n);
const struct pan_brand *pan_card_brand(const char *d, size_t n);
const struct pan_brand *pan_card_brand_scan(const char *d, size_t n);
int pan_card_may(unsigned f2, size_t n);
int pan_card_is_test(const char *d, size_t n);
size_t pan_card_brand_count(void);
const struct pan_brand *pan_card_brand_at(size_t i);

#endif
