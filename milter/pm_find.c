/*
 * pm_find - substring search (see pm_find.h)
 */
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "pm_find.h"

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
		unsigned m, k;

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
