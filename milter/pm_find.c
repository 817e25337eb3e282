/*
 * pm_find - substring search (see pm_find.h)
 */
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "pm_cpu.h"
#include "pm_find.h"

#if defined(__x86_64__)
/*
 * pm_memmem_avx2 - the first/last byte filter 64 positions a step (two
 * 32-byte pairs of loads, one branch when neither pair matches). Returns
 * the match, or NULL with *ip the first position it did not test.
 * Precondition: 2 <= nn <= hn.
 */
__attribute__((target("avx2"))) static const unsigned char *
pm_memmem_avx2(const unsigned char *h, size_t hn, const unsigned char *n,
    size_t nn, size_t *ip)
{
	const __m256i f = _mm256_set1_epi8((char)n[0]);
	const __m256i l = _mm256_set1_epi8((char)n[nn - 1]);
	__m256i a, b;
	uint64_t m;
	size_t i = 0;
	unsigned k;

	/* every load ends inside hay: i + nn - 1 + 64 <= hn */
	for (; hn - (nn - 1) >= 64 && i <= hn - (nn - 1) - 64; i += 64) {
		a = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(
		    (const __m256i *)(const void *)(h + i)), f),
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)
		    (const void *)(h + i + nn - 1)), l));
		b = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(
		    (const __m256i *)(const void *)(h + i + 32)), f),
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)
		    (const void *)(h + i + 32 + nn - 1)), l));
		if (_mm256_testz_si256(_mm256_or_si256(a, b),
		    _mm256_or_si256(a, b)))
			continue;
		m = (uint32_t)_mm256_movemask_epi8(a) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32;
		while (m != 0) {
			k = (unsigned)__builtin_ctzll(m);
			if (memcmp(h + i + k + 1, n + 1, nn - 2) == 0)
				return h + i + k;
			m &= m - 1;
		}
	}
	*ip = i;
	return NULL;
}
#endif

/* pm_memmem - first occurrence of needle in hay, or NULL */
const void *
pm_memmem(const void *hay, size_t hn, const void *needle, size_t nn)
{
	const unsigned char *h = hay, *n = needle;
	size_t i = 0;

	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	if (nn == 1)
		return memchr(h, n[0], hn);
#if defined(__x86_64__)
	{
		const __m128i f = _mm_set1_epi8((char)n[0]);
		const __m128i l = _mm_set1_epi8((char)n[nn - 1]);
		const unsigned char *r;
		unsigned m, k;

		if (hn >= 128 && pm_cpu_avx2() &&
		    (r = pm_memmem_avx2(h, hn, n, nn, &i)) != NULL)
			return r;
		/* both loads end inside hay: i + nn - 1 + 16 <= hn */
		for (; hn - (nn - 1) >= 16 && i <= hn - (nn - 1) - 16;
		    i += 16) {
			m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)
			    (const void *)(h + i)), f),
			    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)
			    (const void *)(h + i + nn - 1)), l)));
			while (m != 0) {
				k = (unsigned)__builtin_ctz(m);
				if (memcmp(h + i + k + 1, n + 1, nn - 2) == 0)
					return h + i + k;
				m &= m - 1;
			}
		}
	}
#endif
	for (; i + nn <= hn; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
			return h + i;
	return NULL;
}
