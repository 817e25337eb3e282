/*
 * NAME
 *	pm_find - substring search for the MIME walker's hot loops
 * PROMISES
 *	pm_memmem() returns what memmem(3) returns (the first occurrence, or
 *	NULL; the haystack itself for an empty needle) and reads no byte
 *	outside the haystack and the needle. On x86-64 it tests 64
 *	positions at a time for the needle's first and last byte (AVX2,
 *	where pm_cpu_avx2() says so; else 16 at a time with SSE2, part of the
 *	x86-64 baseline) and compares the middle only there: about 0.5
 *	instructions a byte with SSE2 where the two bytes are rare, as "--"
 *	is in base64 bodies; glibc's memmem took 2.8.
 * API
 *	pm_memmem(hay, hn, needle, nn)
 */
#ifndef PM_FIND_H
#define PM_FIND_H

#include <stddef.h>

const void *pm_memmem(const void *hay, size_t hn, const void *needle,
    size_t nn);

#endif
