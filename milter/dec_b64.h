/*
 * NAME
 *	dec_b64 - tolerant, fast base64 decoder (RFC 2045 6.8)
 * PROMISES
 *	Never fails: white space and characters outside the alphabet are
 *	skipped, missing padding is accepted, data after '=' padding goes
 *	on being decoded (concatenated base64 blocks), a trailing lone
 *	sextet is dropped. Output never exceeds dec_b64_bound(n).
 * API
 *	dec_b64_bound(n)	output bytes needed for n input bytes.
 *	dec_b64(in, n, out, &defects)	decode; returns bytes written;
 *				defects gets DEC_B64_* bits (may be NULL).
 *				in == out (in place) is allowed.
 *	The AVX2 path runs where pm_cpu_avx2() says so (pm_cpu_simd()
 *	switches it off for tests and benchmarks).
 */
#ifndef DEC_B64_H
#define DEC_B64_H

#include <stddef.h>

#define DEC_B64_JUNK		0x01	/* characters outside the alphabet */
#define DEC_B64_BAD_PADDING	0x02	/* missing or misplaced '=' */

size_t dec_b64_bound(size_t n);
size_t dec_b64(const unsigned char *in, size_t n, unsigned char *out,
    unsigned *defects);

#endif
