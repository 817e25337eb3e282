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
 *	Unicode 15's 68 digit blocks. Every one starts with a UTF-8 lead
 *	byte the detector's kernel sends to its exact path (D9 DB DF E0-E3
 *	EA EF F0), so each is found as well as masked.
 */
#ifndef PAN_UNI_H
#define PAN_UNI_H

#include <stdint.h>

int pan_uni_digit(uint32_t cp);

#endif
