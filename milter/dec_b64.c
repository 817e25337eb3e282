/*
 * dec_b64 - tolerant, fast base64 decoder.
 *
 * Three paths, all producing the same bytes:
 *  - an AVX2 block path (32 input characters -> 24 bytes), chosen at run
 *    time through pm_cpu_avx2 (the build is baseline x86-64;
 *    only these functions are compiled for AVX2). A block holding a
 *    line end (CRLF or LF at a quad boundary, as in every RFC 2045
 *    body) is finished with one block that ends at the line end and
 *    overlaps input already decoded, then the line end is skipped
 *    without leaving the loop; anything else (padding, junk, a line
 *    length that is not a multiple of 4) falls back to the paths below;
 *  - a scalar quad path: four 32-bit table lookups per 4 characters,
 *    one OR to detect a character outside the alphabet (bit 31); line
 *    ends between quads are skipped here too;
 *  - a slow path, one character at a time, that handles white space,
 *    junk, padding and quads split by a line end. As soon as it has
 *    completed a quad it hands back to the fast paths.
 *
 * Output never runs ahead of input: after c input characters at most
 * 3c/4 bytes were produced, so a block store of 32 bytes at out + o is
 * done only when at least 48 input characters are left, which keeps it
 * inside dec_b64_bound(n). For the same reason in == out (in-place
 * decoding) is safe: every store lands on input already read (the
 * overlapping block re-read is used only when in and out are apart).
 * pm_cpu_simd() turns the AVX2 path off for tests and benchmarks.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "dec_b64.h"
#include "pm_cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DEC_B64_HAVE_AVX2	1
#else
#define DEC_B64_HAVE_AVX2	0
#endif

#define DEC_B64_BAD	0x80000000u

/* the alphabet, in sextet order */
static const char dec_b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* lookup tables: the sextet pre-shifted to its place in a 24-bit
 * big-endian group, DEC_B64_BAD outside the alphabet */
static uint32_t dec_b64_d0[256], dec_b64_d1[256], dec_b64_d2[256],
    dec_b64_d3[256];
static unsigned char dec_b64_sx[256];	/* sextet, or 0x80 bad */

static pthread_once_t dec_b64_once = PTHREAD_ONCE_INIT;

/* dec_b64_init - fill the tables, once (pthread_once: correct even when
 * called from another constructor or thread) */
static void
dec_b64_init(void)
{
	unsigned c, v;

	for (c = 0; c < 256; c++) {
		dec_b64_d0[c] = dec_b64_d1[c] = DEC_B64_BAD;
		dec_b64_d2[c] = dec_b64_d3[c] = DEC_B64_BAD;
		dec_b64_sx[c] = 0x80;
	}
	for (v = 0; v < 64; v++) {
		c = (unsigned char)dec_b64_alpha[v];
		dec_b64_d0[c] = v << 18;
		dec_b64_d1[c] = v << 12;
		dec_b64_d2[c] = v << 6;
		dec_b64_d3[c] = v;
		dec_b64_sx[c] = (unsigned char)v;
	}
}

/* dec_b64_bound - output bytes needed for n input bytes */
size_t
dec_b64_bound(size_t n)
{
	return n / 4 * 3 + 3;
}

static size_t dec_b64_quads(const unsigned char *in, size_t n,
    unsigned char *out);

#if DEC_B64_HAVE_AVX2
/* dec_b64_avx2_check - per-byte mask, non-zero where s is outside the
 * alphabet; *roll gets the offsets that turn characters into sextets */
__attribute__((target("avx2"))) static inline __m256i
dec_b64_avx2_check(__m256i s, __m256i *roll)
{
	const __m256i lut_lo = _mm256_setr_epi8(
	    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
	    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
	const __m256i lut_hi = _mm256_setr_epi8(
	    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
	    0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
	    0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
	const __m256i lut_roll = _mm256_setr_epi8(
	    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i m2f = _mm256_set1_epi8(0x2f);
	__m256i hn = _mm256_and_si256(_mm256_srli_epi32(s, 4), m2f);
	__m256i lo = _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(s, m2f));
	__m256i hi = _mm256_shuffle_epi8(lut_hi, hn);
	__m256i e2f = _mm256_cmpeq_epi8(s, m2f);

	*roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(e2f, hn));
	return _mm256_and_si256(lo, hi);
}

/* dec_b64_avx2_pack - 32 sextet bytes to 24 bytes (32 stored) */
__attribute__((target("avx2"))) static inline void
dec_b64_avx2_pack(__m256i s, unsigned char *out)
{
	const __m256i pack = _mm256_setr_epi8(
	    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
	    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	const __m256i perm = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);

	s = _mm256_maddubs_epi16(s, _mm256_set1_epi32(0x01400140));
	s = _mm256_madd_epi16(s, _mm256_set1_epi32(0x00011000));
	s = _mm256_shuffle_epi8(s, pack);
	s = _mm256_permutevar8x32_epi32(s, perm);
	_mm256_storeu_si256((__m256i *)out, s);
}

/* dec_b64_avx2_tail - the valid quads [i, p) before a line end: one
 * block ending at p when the valid run is long enough and in/out do not
 * overlap (it re-reads input already decoded), else the scalar quads */
__attribute__((target("avx2"))) static void
dec_b64_avx2_tail(const unsigned char *in, size_t i, size_t p, size_t run,
    unsigned char *out, int window)
{
	__m256i s, roll;

	if (window && p - run >= 32) {
		s = _mm256_loadu_si256((const __m256i *)(in + p - 32));
		(void)dec_b64_avx2_check(s, &roll);
		dec_b64_avx2_pack(_mm256_add_epi8(s, roll),
		    out + (p - i) / 4 * 3 - 24);
		return;
	}
	(void)dec_b64_quads(in + i, p - i, out);
}

/* dec_b64_avx2 - 32-character blocks, while at least 48 characters are
 * left; a line end (CRLF or LF) at a quad boundary is skipped without
 * leaving the loop. Returns characters used; *produced gets the bytes
 * written. Stops at anything else outside the alphabet. */
__attribute__((target("avx2"))) static size_t
dec_b64_avx2(const unsigned char *in, size_t n, unsigned char *out,
    int window, size_t *produced)
{
	size_t i = 0, o = 0, run = 0, p;
	unsigned k;
	__m256i s, roll, bad;

	while (n - i >= 48) {
		s = _mm256_loadu_si256((const __m256i *)(in + i));
		bad = dec_b64_avx2_check(s, &roll);
		if (_mm256_testz_si256(bad, bad)) {
			dec_b64_avx2_pack(_mm256_add_epi8(s, roll), out + o);
			i += 32;
			o += 24;
			continue;
		}
		k = (unsigned)__builtin_ctz(~(unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(bad, _mm256_setzero_si256())));
		if (k % 4 != 0)
			break;
		p = i + k;
		if (k > 0)
			dec_b64_avx2_tail(in, i, p, run, out + o, window);
		o += k / 4 * 3;
		i = p;
		if (in[i] == '\r' && in[i + 1] == '\n')
			i += 2;
		else if (in[i] == '\n')
			i += 1;
		else
			break;
		run = i;
	}
	*produced = o;
	return i;
}
#endif

/* dec_b64_quads - scalar fast path: whole quads in the alphabet;
 * returns characters used (a multiple of 4) */
static size_t
dec_b64_quads(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0;
	uint32_t x;

	while (n - i >= 4) {
		x = dec_b64_d0[in[i]] | dec_b64_d1[in[i + 1]] |
		    dec_b64_d2[in[i + 2]] | dec_b64_d3[in[i + 3]];
		if (x & DEC_B64_BAD)
			break;
		out[0] = (unsigned char)(x >> 16);
		out[1] = (unsigned char)(x >> 8);
		out[2] = (unsigned char)x;
		out += 3;
		i += 4;
	}
	return i;
}

/* dec_b64_fast - the fast paths from in, at a quad boundary (the AVX2
 * one when avx2); returns characters used, *produced gets the bytes
 * written */
static size_t
dec_b64_fast(const unsigned char *in, size_t n, unsigned char *out,
    int avx2, int window, size_t *produced)
{
	size_t i = 0, o = 0, k, w;

	for (;;) {
#if DEC_B64_HAVE_AVX2
		if (avx2 && n - i >= 48) {
			i += dec_b64_avx2(in + i, n - i, out + o, window, &w);
			o += w;
		}
#else
		(void)avx2;
		(void)window;
		(void)w;
#endif
		k = dec_b64_quads(in + i, n - i, out + o);
		i += k;
		o += k / 4 * 3;
		/* a line end between quads: skip it and stay fast */
		if (i < n && in[i] == '\n') {
			i++;
			continue;
		}
		if (n - i >= 2 && in[i] == '\r' && in[i + 1] == '\n') {
			i += 2;
			continue;
		}
		break;
	}
	*produced = o;
	return i;
}

/* dec_b64_is_space - white space that RFC 2045 lines may carry */
static int
dec_b64_is_space(unsigned char c)
{
	return c == '\r' || c == '\n' || c == ' ' || c == '\t' ||
	    c == '\f' || c == '\v';
}

/* dec_b64_flush - emit the bytes of a partial quad (cnt sextets) */
static size_t
dec_b64_flush(uint32_t acc, unsigned cnt, unsigned char *out)
{
	if (cnt == 2) {
		out[0] = (unsigned char)(acc >> 4);
		return 1;
	}
	if (cnt == 3) {
		out[0] = (unsigned char)(acc >> 10);
		out[1] = (unsigned char)(acc >> 2);
		return 2;
	}
	return 0;
}

/* dec_b64 - decode n characters of base64 into out */
size_t
dec_b64(const unsigned char *in, size_t n, unsigned char *out,
    unsigned *defects)
{
	size_t i = 0, o = 0, k;
	uint32_t acc = 0;
	unsigned cnt = 0, pad = 0, def = 0;
	unsigned char c, v;
	uintptr_t ib = (uintptr_t)in, ob = (uintptr_t)out;
	/* the block re-read of dec_b64_avx2_tail needs in and out apart */
	int window = ob >= ib + n || ib >= ob + dec_b64_bound(n);
	int avx2 = pm_cpu_avx2();

	pthread_once(&dec_b64_once, dec_b64_init);
	while (i < n) {
		if (cnt == 0 && pad == 0) {
			i += dec_b64_fast(in + i, n - i, out + o, avx2,
			    window, &k);
			o += k;
			if (i >= n)
				break;
		}
		c = in[i++];
		v = dec_b64_sx[c];
		if (v < 64) {
			if (pad > 0)
				def |= DEC_B64_BAD_PADDING;
			pad = 0;
			acc = acc << 6 | v;
			if (++cnt == 4) {
				out[o++] = (unsigned char)(acc >> 16);
				out[o++] = (unsigned char)(acc >> 8);
				out[o++] = (unsigned char)acc;
				cnt = 0;
				acc = 0;
			}
		} else if (c == '=') {
			if (cnt >= 2) {
				o += dec_b64_flush(acc, cnt, out + o);
				pad = 4 - cnt - 1;
			} else if (pad > 0) {
				pad--;
			} else {
				def |= DEC_B64_BAD_PADDING;
			}
			cnt = 0;
			acc = 0;
		} else if (!dec_b64_is_space(c)) {
			def |= DEC_B64_JUNK;
		}
	}
	if (cnt > 0 || pad > 0)
		def |= DEC_B64_BAD_PADDING;
	o += dec_b64_flush(acc, cnt, out + o);
	if (defects != NULL)
		*defects = def;
	return o;
}
