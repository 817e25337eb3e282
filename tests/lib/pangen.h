/*
 * NAME
 *	pangen - seeded, deterministic generator of Luhn-valid test PANs
 * OWNS
 *	A 64-bit splitmix64 state (no rand(), no global state), and a
 *	static list of (brand, prefix, length) samples that covers every
 *	reachable brand row of pan_card.c and every length it allows.
 * PROMISES
 *	The same seed gives the same numbers on every machine. Every
 *	number pangen_make writes passes the Luhn check and starts with
 *	the prefix given. Tests use these, or the brands' published test
 *	numbers, never real cards.
 * API
 *	pangen_init(g, seed)	seed the generator.
 *	pangen_next(g)		next 64-bit value.
 *	pangen_make(g, prefix, len, out)	len digits (out: len + 1
 *				bytes, NUL-terminated) starting with prefix,
 *				random middle, Luhn check digit last; -1 when
 *				prefix is not digits, or len is not in 2..64
 *				or not longer than the prefix.
 *	pangen_luhn_fix(d, n)	set d[n-1] so the n digits pass Luhn.
 *	pangen_samples(&n)	static array of n samples: brand name (as
 *				pan_card's struct pan_brand name), prefix,
 *				length; every brand and allowed length.
 * LIMITS
 *	Not thread-safe to share one struct pangen between threads.
 */
#ifndef PANGEN_H
#define PANGEN_H

#include <stddef.h>
#include <stdint.h>

#define PANGEN_MAX_LEN	64

struct pangen {
	uint64_t s;
};

struct pangen_sample {
	const char *brand;	/* "visa", ... as pan_card_brand()->name */
	const char *prefix;	/* digits where this brand wins */
	size_t len;		/* an allowed length */
};

void pangen_init(struct pangen *g, uint64_t seed);
uint64_t pangen_next(struct pangen *g);
int pangen_make(struct pangen *g, const char *prefix, size_t len, char *out);
void pangen_luhn_fix(char *d, size_t n);
const struct pangen_sample *pangen_samples(size_t *n);

#endif
