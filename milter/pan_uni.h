/*
 * NAME
 *	pan_uni - Unicode decimal digits (general category Nd)
 * OWNS
 *	The one table of digit blocks (their zeros), shared by the detector
 *	(pan_ctx) and the masker (pan_mask) so the two never disagree on
 *	what a digit is.
 * PROMISES
 *	Pure lookup, no state.
 * API
 *	pan_uni_digit(cp)	0-9 for an ASCII or Unicode decimal digit,
 *				-1 for anything else.
 * LIMITS
 *	The detector's kernel sends only 2- and 3-byte UTF-8 with the lead
 *	bytes D9, DB, E0-E3, EA and EF to its exact path, so digits of the
 *	blocks behind other lead bytes (NKo, 4-byte Osmanya and Mathematical
 *	digits) are masked when found but are not found by the detector.
 */
#ifndef PAN_UNI_H
#define PAN_UNI_H

#include <stdint.h>

int pan_uni_digit(uint32_t cp);

#endif
