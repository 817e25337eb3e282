/*
 * pan_detect - streaming card-number detector.
 *
 * Three layers, each a pure function of the stream's bytes, so the hits
 * do not depend on how the stream is cut into feeds:
 *
 * 1. Kernel (per 64-byte block, stream-aligned: a partial block is
 *    staged until the next feed). AVX2 (nibble look-up with vpshufb,
 *    picked at run time), SSE2 (compares) or portable scalar code
 *    computes two bitmasks: X, bytes
 *    that may belong to a number (ASCII digits, " -./", CR, LF, '>',
 *    UTF-8 continuation bytes and the lead bytes C2 D9 DB DF E0-E3 EA
 *    EF F0 that start every Unicode digit or separator we know: NKo's
 *    are DF 80-89, the digits beyond U+FFFF - Osmanya, Brahmi,
 *    Mathematical, Adlam and the others - all start with F0), and DL,
 *    bytes that may start a digit (ASCII digits and those leads but
 *    C2). A PAN needs 13 digits inside one maximal X-run, so only an
 *    X-run holding >= 13 DL bytes goes to the exact path; runs are
 *    found with shifts and ANDs (13-byte windows: m &= m >> 1, >> 2,
 *    >> 4, >> 5) and a population count, and a run crossing blocks is
 *    carried (DL count + first DL position). A block with < 13 DL bytes
 *    and no run coming in costs ~40 instructions (AVX2) and no
 *    data-dependent branch. Accented prose stays fast: C3 (Latin-1
 *    letters) is not an X lead, so "é" never joins digits into a run.
 *    Where PEXT is fast (pm_cpu_fast_pext), a block with 13 or
 *    more DL bytes gets one more quiet test before the candidate path:
 *    the DL count of every X-run at once (pan_detect_exact). Digit-dense
 *    text (CSV, tables) then reaches the candidate path only where a run
 *    holds 13 digits: CSV 4.2 -> 9.9 GB/s.
 * 2. Tokenizer (exact path, pan_track.c), started at the first DL byte
 *    of a run and run through the byte that ends it. It cuts digit
 *    sequences: groups of digits joined by separator runs of at most 3
 *    separators, plus at most one line break (CRLF, LF or CR) that may
 *    be followed by up to 3 '>' quote marks. A byte that is neither a
 *    digit nor such a separator ends the sequence.
 * 3. Candidates in a sequence (groups g0..gk), in this order:
 *    a. the whole sequence when it has 13..19 digits;
 *    b. otherwise, group-aligned sub-ranges gi..gj (start at a group
 *       start, end at a group end) of 13..19 digits that are either one
 *       group or a card grouping (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3 with
 *       one separator string). Ranges are tried by end group, longest
 *       first; an accepted range blocks ranges overlapping it.
 *    So "4111 1111 1111 1111 1234" gives 4111111111111111 once and no
 *    shifted window, and a 23-digit id gives nothing. A candidate must
 *    pass Luhn and have a brand (pan_card), and must not touch an ASCII
 *    letter on either side, except where track data explains the
 *    letter ('B' format code of track 1, EMV "57LL" hex and 'D'), nor
 *    follow a '+' (phone numbers).
 *    Accepted candidates wait in a queue (pan_track) until 128 bytes
 *    after them are known (or the stream ends); then track data, CVC
 *    and confidence are decided from [start - 128, end + 128).
 *
 * Hits per PAN, in this order: PAN_KIND_PAN (HIGH when track data, CVC,
 * keyword, expiry or card grouping), then PAN_KIND_TRACK1/TRACK2 (HIGH,
 * same digits, start/end = the whole track data), then PAN_KIND_CVC
 * (HIGH, the PAN's digits, start/end = the code).
 *
 * Bench: see README.md, Performance (bench_detect, 64 MiB, one thread).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "pan_detect.h"
#include "pan_track.h"
#include "pm_arena.h"
#include "pm_cpu.h"

#define PAN_DETECT_MIN		PAN_MIN_DIGITS
#define PAN_DETECT_RING		PAN_TRACK_RING

typedef void (*pan_detect_scan_fn)(struct pan_detect *, const uint8_t *, size_t,
    uint64_t);

struct pan_detect {
	pan_detect_scan_fn scan;
	uint64_t pos;		/* bytes fed so far */
	uint8_t stage[64];	/* the partial block at the end of a feed */
	size_t nstage;
	int tok_active;		/* the tokenizer owns the current X-run */
	unsigned run_dig;	/* DL bytes in the open X-run */
	uint64_t run_first;	/* its first DL byte */
	struct pan_track t;	/* tokenizer, candidates, look-back ring */
};

static int pan_detect_kernel_choice;	/* see pan_detect_set_kernel */

/* pan_detect_ring_put - remember the last bytes of a feed for look-back */
static void
pan_detect_ring_put(struct pan_detect *d, const uint8_t *p, size_t n)
{
	uint64_t at = d->pos;
	size_t r, k;

	if (n > PAN_DETECT_RING) {
		at += n - PAN_DETECT_RING;
		p += n - PAN_DETECT_RING;
		n = PAN_DETECT_RING;
	}
	while (n > 0) {
		r = (size_t)(at & (PAN_DETECT_RING - 1));
		k = PAN_DETECT_RING - r < n ? PAN_DETECT_RING - r : n;
		memcpy(d->t.v.ring + r, p, k);
		p += k;
		at += k;
		n -= k;
	}
}

/* pan_detect_trigger - tokenize from `from` (an X-run's first DL) up to lim */
static void
pan_detect_trigger(struct pan_detect *d, uint64_t from, uint64_t lim,
    int active)
{
	pan_track_run(&d->t, from, lim);
	d->tok_active = active;
}

/* --- the kernel ------------------------------------------------------- */

/* pan_detect_below - bits 0..e-1 */
static inline uint64_t
pan_detect_below(unsigned e)
{
	return e >= 64 ? ~0ULL : (1ULL << e) - 1;
}

#define PAN_DETECT_INLINE	static inline __attribute__((always_inline))

/* pan_detect_few - 1 when x has fewer than 13 bits set (no POPCNT) */
PAN_DETECT_INLINE int
pan_detect_few(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (int)((x * 0x0101010101010101ULL) >> 56) < PAN_DETECT_MIN;
}

/* pan_detect_tail - carry the X-run open at the end of the block */
PAN_DETECT_INLINE void
pan_detect_tail(struct pan_detect *d, uint64_t P, uint64_t x, uint64_t dl)
{
	uint64_t nx = ~x, tm, td;

	/* branch-free: whether the last byte is in a run is a coin toss in
	 * prose. tm = the trailing run's bits (all when x is all ones) */
	tm = nx ? (~0ULL << (63 - __builtin_clzll(nx))) << 1 : ~0ULL;
	td = dl & tm;
	/* td is rarely non-zero: the branch is cheap, and it spares the
	 * SSE2 and scalar builds a libgcc popcount call per block */
	d->run_dig = td ? (unsigned)__builtin_popcountll(td) : 0;
	d->run_first = P + (unsigned)__builtin_ctzll(td | (1ULL << 63));
}

/* pan_detect_runs - in-block X-runs of >= 13 bytes with >= 13 DL bytes */
PAN_DETECT_INLINE void
pan_detect_runs(struct pan_detect *d, uint64_t P, uint64_t x, uint64_t dl,
    uint64_t lim)
{
	uint64_t r = x & (x >> 1), below, above, rd;
	unsigned i, s, e;

	r &= r >> 2;
	r &= r >> 4;
	r &= r >> 5;
	while (r) {
		i = (unsigned)__builtin_ctzll(r);
		below = ~x & pan_detect_below(i);
		s = below ? 64 - (unsigned)__builtin_clzll(below) : 0;
		above = ~x >> i;
		if (above == 0)
			break;	/* reaches the block end: carried */
		e = i + (unsigned)__builtin_ctzll(above);
		rd = dl & pan_detect_below(e) & ~pan_detect_below(s);
		if (__builtin_popcountll(rd) >= PAN_DETECT_MIN)
			pan_detect_trigger(d, P + (unsigned)__builtin_ctzll(rd),
			    P + e + 1 < lim ? P + e + 1 : lim, 0);
		r &= ~pan_detect_below(e + 1);
	}
}

/*
 * pan_detect_block_body - a block that may hold (part of) a candidate
 * run. Inlined into pan_detect_block_slow and into its AVX2 twin, so
 * that one gets the POPCNT instruction (libgcc's popcount was 10% of
 * the CSV profile).
 */
PAN_DETECT_INLINE void
pan_detect_block_body(struct pan_detect *d, uint64_t P, uint64_t x,
    uint64_t dl, size_t nvalid)
{
	uint64_t lim = P + nvalid, nx = ~x, low;
	unsigned e;

	if (d->tok_active || d->run_dig) {
		if (nx == 0) {		/* the run covers the block */
			if (!d->tok_active)
				pan_detect_trigger(d, d->run_first, lim, 1);
			else
				pan_track_run(&d->t, 0, lim);
			d->run_dig = 0;
			goto out;
		}
		e = (unsigned)__builtin_ctzll(nx);
		low = pan_detect_below(e);
		if (d->tok_active)
			pan_detect_trigger(d, 0, P + e + 1 < lim ?
			    P + e + 1 : lim, 0);
		else if (d->run_dig + __builtin_popcountll(dl & low) >=
		    PAN_DETECT_MIN)
			pan_detect_trigger(d, d->run_first, P + e + 1 < lim ?
			    P + e + 1 : lim, 0);
		d->run_dig = 0;
		x &= ~pan_detect_below(e + 1);
		dl &= ~pan_detect_below(e + 1);
	}
	if (__builtin_popcountll(dl) >= PAN_DETECT_MIN)
		pan_detect_runs(d, P, x, dl, lim);
	pan_detect_tail(d, P, x, dl);
out:
	if (d->t.qn > 0)
		pan_track_flush(&d->t, 0);
}

/* pan_detect_block_slow - the candidate path, generic build */
static __attribute__((noinline)) void
pan_detect_block_slow(struct pan_detect *d, uint64_t P, uint64_t x,
    uint64_t dl, size_t nvalid)
{
	pan_detect_block_body(d, P, x, dl, nvalid);
}

/* bit 0: X, bit 1: DL, per byte (see the file comment) */
static const uint8_t pan_detect_cls[256] = {
	['\n'] = 1, ['\r'] = 1, [' '] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1,
	['0'] = 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, ['>'] = 1,
	[0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x90] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xA0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xB0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0xC2] = 1, [0xD9] = 3, [0xDB] = 3, [0xDF] = 3, [0xE0] = 3, 3, 3, 3,
	[0xEA] = 3, [0xEF] = 3, [0xF0] = 3,
};

/* pan_detect_masks_scalar - X and DL masks of one 64-byte block */
static void
pan_detect_masks_scalar(const uint8_t *p, uint64_t *xo, uint64_t *dlo)
{
	uint64_t x = 0, dl = 0, c;
	unsigned i;

	for (i = 0; i < 64; i++) {
		c = pan_detect_cls[p[i]];
		x |= (c & 1) << i;
		dl |= (c >> 1) << i;
	}
	*xo = x;
	*dlo = dl;
}

/* pan_detect_scan_scalar - the kernel over nblk whole blocks, portable */
static void
pan_detect_scan_scalar(struct pan_detect *d, const uint8_t *p, size_t nblk,
    uint64_t P)
{
	uint64_t x, dl;

	for (; nblk > 0; nblk--, p += 64, P += 64) {
		pan_detect_masks_scalar(p, &x, &dl);
		if (!d->tok_active && d->run_dig == 0 && pan_detect_few(dl)) {
			pan_detect_tail(d, P, x, dl);
			continue;
		}
		pan_detect_block_slow(d, P, x, dl, 64);
	}
}

#if defined(__x86_64__)
/*
 * SIMD masks. Signed-compare range tricks: v + (0x80 - lo) maps lo..hi
 * onto -128..-128+(hi-lo), so one add and one compare test a range.
 * X = [-./0-9] | ' ' | LF | CR | '>' | 80-BF | C2 D9 DB E0-E3 EA EF;
 * DL = [0-9] | D9 DB E0-E3 EA EF. High bytes are looked at only when
 * the block has any.
 */
#define PAN_DETECT_V16(b)	_mm_set1_epi8((char)(b))

/* pan_detect_m16_sse2 - X and DL masks of 16 bytes */
static inline void
pan_detect_m16_sse2(const uint8_t *p, unsigned *xo, unsigned *dlo)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i x, dg, sp, ld;

	x = _mm_cmplt_epi8(_mm_add_epi8(v, PAN_DETECT_V16(0x53)),
	    PAN_DETECT_V16(-128 + 13));
	dg = _mm_cmplt_epi8(_mm_add_epi8(v, PAN_DETECT_V16(0x50)),
	    PAN_DETECT_V16(-128 + 10));
	sp = _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(' ')),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16('\n'))), _mm_or_si128(
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16('\r')),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16('>'))));
	x = _mm_or_si128(x, sp);
	/* branch-free: in prose the "any high byte?" test mispredicts */
	ld = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(v,
	    PAN_DETECT_V16(0xA0)), PAN_DETECT_V16(-128 + 4)),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xD9))),
	    _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xDB)),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xEA))),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xEF))));
	ld = _mm_or_si128(ld, _mm_or_si128(
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xDF)),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xF0))));
	dg = _mm_or_si128(dg, ld);
	x = _mm_or_si128(_mm_or_si128(x, ld), _mm_or_si128(
	    _mm_cmplt_epi8(v, PAN_DETECT_V16(0xC0)),
	    _mm_cmpeq_epi8(v, PAN_DETECT_V16(0xC2))));
	*xo = (unsigned)_mm_movemask_epi8(x);
	*dlo = (unsigned)_mm_movemask_epi8(dg);
}

/* pan_detect_scan_sse2 - the kernel over nblk whole blocks, SSE2 */
static void
pan_detect_scan_sse2(struct pan_detect *d, const uint8_t *p, size_t nblk,
    uint64_t P)
{
	unsigned x0, x1, x2, x3, d0, d1, d2, d3;
	uint64_t x, dl;

	for (; nblk > 0; nblk--, p += 64, P += 64) {
		pan_detect_m16_sse2(p, &x0, &d0);
		pan_detect_m16_sse2(p + 16, &x1, &d1);
		pan_detect_m16_sse2(p + 32, &x2, &d2);
		pan_detect_m16_sse2(p + 48, &x3, &d3);
		x = x0 | (uint64_t)x1 << 16 | (uint64_t)x2 << 32 |
		    (uint64_t)x3 << 48;
		dl = d0 | (uint64_t)d1 << 16 | (uint64_t)d2 << 32 |
		    (uint64_t)d3 << 48;
		if (!d->tok_active && d->run_dig == 0 && pan_detect_few(dl)) {
			pan_detect_tail(d, P, x, dl);
			continue;
		}
		pan_detect_block_slow(d, P, x, dl, 64);
	}
}

#define PAN_DETECT_AVX2	__attribute__((target("avx2,popcnt,bmi")))
/* the AVX2 kernel's prefetch: how far ahead, into which cache (see
 * pan_detect_scan_avx2_t; -D either to measure another) */
#ifndef PAN_DETECT_HINT
#define PAN_DETECT_HINT	_MM_HINT_T1
#endif
#ifndef PAN_DETECT_AHEAD
#define PAN_DETECT_AHEAD	6144
#endif
#define PAN_DETECT_V(b)	_mm256_set1_epi8((char)(b))

/*
 * pan_detect_m32_avx2 - not-X and DL masks of 32 bytes, by nibble lookup:
 * each byte's class is LO[low nibble] & HI[high nibble], one bit per
 * (high nibble, set of low nibbles) pair:
 *   0x01 0A 0D C2 (and 02 CA CD, harmless extra X)  0x02 20 2D-2F
 *   0x04 3E  0x08 80-BF  0x10 30-39  0x20 D9 DB DF  0x40 E0-E3 EA EF
 *   0x80 F0
 * X = class != 0; DL = class >= 0x10 (the DL classes are the top four
 * bits), read straight off the sign bit of class + 0x70 (saturating).
 */
PAN_DETECT_AVX2 static inline void
pan_detect_m32_avx2(const uint8_t *p, uint32_t *nxo, uint32_t *dlo)
{
	const __m256i lut_lo = _mm256_setr_epi8(
	    0xda, 0x58, 0x59, 0x58, 0x18, 0x18, 0x18, 0x18,
	    0x18, 0x38, 0x49, 0x28, 0x08, 0x0b, 0x0e, 0x6a,
	    0xda, 0x58, 0x59, 0x58, 0x18, 0x18, 0x18, 0x18,
	    0x18, 0x38, 0x49, 0x28, 0x08, 0x0b, 0x0e, 0x6a);
	const __m256i lut_hi = _mm256_setr_epi8(
	    0x01, 0x00, 0x02, 0x14, 0x00, 0x00, 0x00, 0x00,
	    0x08, 0x08, 0x08, 0x08, 0x01, 0x20, 0x40, 0x80,
	    0x01, 0x00, 0x02, 0x14, 0x00, 0x00, 0x00, 0x00,
	    0x08, 0x08, 0x08, 0x08, 0x01, 0x20, 0x40, 0x80);
	const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i nib = PAN_DETECT_V(0x0F), zero = _mm256_setzero_si256();
	__m256i cls;

	cls = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo,
	    _mm256_and_si256(v, nib)), _mm256_shuffle_epi8(lut_hi,
	    _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
	*nxo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, zero));
	*dlo = (uint32_t)_mm256_movemask_epi8(_mm256_adds_epu8(cls,
	    PAN_DETECT_V(0x70)));
}

/* pan_detect_block_avx2 - the candidate path, with POPCNT */
PAN_DETECT_AVX2 static __attribute__((noinline)) void
pan_detect_block_avx2(struct pan_detect *d, uint64_t P, uint64_t x,
    uint64_t dl)
{
	pan_detect_block_body(d, P, x, dl, 64);
}

/* the carry of the AVX2 kernel between blocks of one feed */
struct pan_detect_av {
	uint64_t pcar;	/* DL bytes of the quiet block before when its
			 * last byte is X, else 0: they count when this
			 * block's first byte is X */
	uint64_t lim;	/* DL bytes that send a block to the candidate
			 * path; 0 while a run is open in d (after a
			 * candidate path block, or from the feed before),
			 * so that every block goes there until it closes */
};

/* pan_detect_tail_at - pan_detect_tail for the quiet block at p (its
 * masks made again: rare, and cheaper than keeping them) */
PAN_DETECT_AVX2 static void
pan_detect_tail_at(struct pan_detect *d, const uint8_t *p, uint64_t P)
{
	uint32_t n0, n1, d0, d1;

	pan_detect_m32_avx2(p, &n0, &d0);
	pan_detect_m32_avx2(p + 32, &n1, &d1);
	pan_detect_tail(d, P, ~((uint64_t)n0 | (uint64_t)n1 << 32),
	    d0 | (uint64_t)d1 << 32);
}

/* pan_detect_pext - the PEXT instruction (BMI2). Inline assembly, so
 * that the one kernel that runs it needs no target of its own: the
 * kernel is picked only where the CPU has BMI2 and runs it fast */
static inline uint64_t
pan_detect_pext(uint64_t src, uint64_t mask)
{
	uint64_t r;

	__asm__("pextq %2, %1, %0" : "=r" (r) : "r" (src), "rm" (mask));
	return r;
}

/*
 * pan_detect_exact - the quiet test of the exact AVX2 kernel for a block
 * with 13 or more DL bytes (digit-dense text: CSV, tables, logs). Drop
 * the X bytes that are not DL (separators) with PEXT: what is left is,
 * in order, 1 for each DL byte and 0 for each byte that ends a run, so
 * an X-run holding 13 DL bytes is 13 ones in a row, found with shifts
 * and ANDs. The run coming in from the block before (its DL bytes in
 * *pcar, exact or an upper bound) joins the ones at the bottom. Returns
 * 1 and sets *pcar to the DL bytes of the run open at the block's end
 * when no X-run in or into the block holds 13 DL bytes and the block
 * is not X from end to end: then the candidate path would only carry
 * that run. CSV rows hold a run of 11 digits in 14 X bytes ("+1 234 567
 * 8901") every ~70 bytes, so a length test would not do.
 */
PAN_DETECT_INLINE int
pan_detect_exact(uint64_t nx, uint64_t dl, uint64_t *pcar)
{
	uint64_t keep = dl | nx, m, w;
	unsigned k;

	if (nx == 0)
		return 0;
	m = pan_detect_pext(dl, keep);
	w = m & (m >> 1);
	w &= w >> 2;
	w &= w >> 4;
	w &= w >> 5;
	/* ~m has a zero: the first byte that is not X */
	if (w != 0 || (*pcar & ((nx & 1) - 1)) +
	    (unsigned)__builtin_ctzll(~m) >= PAN_DETECT_MIN)
		return 0;
	/* the last of the k kept bits at the top; the ones below it down
	 * to the first zero are the trailing run's DL bytes */
	k = (unsigned)__builtin_popcountll(keep);
	*pcar = (unsigned)__builtin_clzll(~(m << (64 - k)));
	return 1;
}

/* pan_detect_step_avx2 - one block, its masks made: quiet, or the
 * candidate path. n0, n1: the bytes that are not X (fewer scalar
 * operations than X itself; the candidate path is given X). exact:
 * a block with 13 DL bytes or more gets pan_detect_exact's test */
PAN_DETECT_INLINE void
pan_detect_step_avx2(struct pan_detect *d, const uint8_t *p, uint64_t P,
    struct pan_detect_av *av, uint32_t n0, uint32_t n1, uint64_t dl,
    const int exact)
{
	uint64_t c;

	c = (uint64_t)__builtin_popcountll(dl);
	if (__builtin_expect(c + (av->pcar & ((uint64_t)(n0 & 1) - 1)) <
	    av->lim, 1) && __builtin_expect((n0 | n1) != 0, 1)) {
		av->pcar = c & ((uint64_t)(n1 >> 31) - 1);
		return;
	}
	if (exact && av->lim != 0 && pan_detect_exact((uint64_t)n0 |
	    (uint64_t)n1 << 32, dl, &av->pcar))
		return;
	if (av->pcar && !(n0 & 1))	/* a run from the block before */
		pan_detect_tail_at(d, p - 64, P - 64);
	pan_detect_block_avx2(d, P, ~((uint64_t)n0 | (uint64_t)n1 << 32), dl);
	av->lim = d->tok_active || d->run_dig ? 0 : PAN_DETECT_MIN;
	av->pcar = 0;
}

/*
 * pan_detect_scan_avx2 - the kernel over nblk whole blocks, AVX2. Every
 * block gets its masks (cheaper than a test that skips digit-free blocks:
 * that test's branch mispredicts, a third of the time in prose), and
 * most blocks need nothing more. A block is quiet when its DL bytes, plus
 * those of the quiet block before when a run may come in from it (its
 * last byte and this block's first byte are both X), are fewer than 13,
 * and it is not X from end to end: then no X-run ending in it holds 13
 * DL bytes, and the run open at its end starts in it. A crossing into a
 * block is common in prose (a number at a block edge: " 1234 "), so it
 * must not send the block to the candidate path by itself (that was 4 %
 * of prose blocks, a mispredicted branch and a call each). Only when a
 * block is not quiet and a run may come in is the carried run of the
 * quiet block before worked out, by pan_detect_tail. The other carries
 * (a candidate path block, an earlier feed) are in d, as the other
 * kernels keep them.
 * Blocks go in pairs: when the pair's DL bytes with the carry are fewer
 * than 13 and neither block is X from end to end, both are quiet (each
 * block's own test is implied); otherwise each is stepped alone. The
 * pair test is about 75 instructions for 128 bytes, the single one 41
 * for 64.
 */
PAN_DETECT_AVX2 PAN_DETECT_INLINE void
pan_detect_scan_avx2_t(struct pan_detect *d, const uint8_t *p, size_t nblk,
    uint64_t P, const int exact)
{
	uint32_t n0, n1, n2, n3, d0, d1, d2, d3;
	uint64_t ca, cb;
	struct pan_detect_av av;

	av.pcar = 0;
	av.lim = d->tok_active || d->run_dig ? 0 : PAN_DETECT_MIN;
	for (; nblk >= 2; nblk -= 2, p += 128, P += 128) {
		/* the loop is short enough that the loads in flight, not
		 * the work, set its pace on a buffer from memory: fetch
		 * ahead (no fault past the end; 11.5 -> 14.3 GB/s on
		 * 64 MiB, session 3). Into L2 (T1), 6144 bytes ahead: on
		 * an AMD EPYC (family 19h) host, 8 rounds of 64 MiB prose
		 * with the variants interleaved, 0.78-0.85x a bare read
		 * (8.2-8.5x PCRE2) against 0.68-0.75x (7.0-7.5x) for T0 at
		 * 2048, the choice of session 5 on another host; T0 at
		 * 4096 or 6144 and T2 at 8192 in between; CSV 2 % slower,
		 * base64 the same. A bare read is fastest with no prefetch
		 * at all (the hardware's own is enough when nothing else
		 * is done between loads). */
		_mm_prefetch((const char *)p + PAN_DETECT_AHEAD,
		    PAN_DETECT_HINT);
		_mm_prefetch((const char *)p + PAN_DETECT_AHEAD + 64,
		    PAN_DETECT_HINT);
		pan_detect_m32_avx2(p, &n0, &d0);
		pan_detect_m32_avx2(p + 32, &n1, &d1);
		pan_detect_m32_avx2(p + 64, &n2, &d2);
		pan_detect_m32_avx2(p + 96, &n3, &d3);
		ca = (uint64_t)__builtin_popcountll(d0 | (uint64_t)d1 << 32);
		cb = (uint64_t)__builtin_popcountll(d2 | (uint64_t)d3 << 32);
		if (__builtin_expect(ca + cb + (av.pcar &
		    ((uint64_t)(n0 & 1) - 1)) < av.lim, 1) &&
		    __builtin_expect((n0 | n1) != 0, 1) &&
		    __builtin_expect((n2 | n3) != 0, 1)) {
			av.pcar = cb & ((uint64_t)(n3 >> 31) - 1);
			continue;
		}
		pan_detect_step_avx2(d, p, P, &av, n0, n1,
		    d0 | (uint64_t)d1 << 32, exact);
		pan_detect_step_avx2(d, p + 64, P + 64, &av, n2, n3,
		    d2 | (uint64_t)d3 << 32, exact);
	}
	if (nblk > 0) {
		pan_detect_m32_avx2(p, &n0, &d0);
		pan_detect_m32_avx2(p + 32, &n1, &d1);
		pan_detect_step_avx2(d, p, P, &av, n0, n1,
		    d0 | (uint64_t)d1 << 32, exact);
		p += 64;
		P += 64;
	}
	if (av.pcar)
		pan_detect_tail_at(d, p - 64, P - 64);
}

/* pan_detect_scan_avx2 - the AVX2 kernel */
PAN_DETECT_AVX2 static void
pan_detect_scan_avx2(struct pan_detect *d, const uint8_t *p, size_t nblk,
    uint64_t P)
{
	pan_detect_scan_avx2_t(d, p, nblk, P, 0);
}

/* pan_detect_scan_exact - the AVX2 kernel with pan_detect_exact */
PAN_DETECT_AVX2 static void
pan_detect_scan_exact(struct pan_detect *d, const uint8_t *p, size_t nblk,
    uint64_t P)
{
	pan_detect_scan_avx2_t(d, p, nblk, P, 1);
}
#endif

/* pan_detect_pick - the kernel for this CPU (or the one a test forced) */
static pan_detect_scan_fn
pan_detect_pick(void)
{
#if defined(__x86_64__)
	if (pan_detect_kernel_choice == 1)
		return pan_detect_scan_scalar;
	if (pan_detect_kernel_choice == 2)
		return pan_detect_scan_sse2;
	if (!pm_cpu_avx2() || !__builtin_cpu_supports("popcnt") ||
	    !__builtin_cpu_supports("bmi"))
		return pan_detect_scan_sse2;
	if (pan_detect_kernel_choice == 3)
		return pan_detect_scan_avx2;
	if (pan_detect_kernel_choice == 4 ? __builtin_cpu_supports("bmi2") :
	    pm_cpu_fast_pext())
		return pan_detect_scan_exact;
	return pan_detect_scan_avx2;
#else
	return pan_detect_scan_scalar;
#endif
}

/* --- public API -------------------------------------------------------- */

/* pan_detect_set_kernel - test hook: 0 auto, 1 scalar, 2 sse2, 3 avx2,
 * 4 avx2 with pan_detect_exact (each falls back where the CPU lacks it) */
int
pan_detect_set_kernel(int k)
{
	int old = pan_detect_kernel_choice;

	pan_detect_kernel_choice = k;
	return old;
}

/* pan_detect_new - a detector calling cb(arg, hit) for each hit */
struct pan_detect *
pan_detect_new(pan_detect_cb cb, void *arg)
{
	struct pan_detect *d = NULL;

	if (cb == NULL || (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->t.cb = cb;
	d->t.arg = arg;
	d->t.last_acc = -1;
	d->scan = pan_detect_pick();
	return d;
}

/* pan_detect_feed - feed the next n bytes of the stream */
void
pan_detect_feed(struct pan_detect *d, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t off = 0, k, nb;

	if (d == NULL || b == NULL || n == 0 || d->t.v.eof)
		return;
	d->t.v.cp = b;
	d->t.v.cbase = d->pos;
	d->t.v.cend = d->pos + n;
	if (d->nstage > 0) {
		k = 64 - d->nstage < n ? 64 - d->nstage : n;
		memcpy(d->stage + d->nstage, b, k);
		d->nstage += k;
		off = k;
		if (d->nstage == 64) {
			d->nstage = 0;
			d->scan(d, d->stage, 1, d->pos + k - 64);
		}
	}
	if (d->nstage == 0) {
		nb = (n - off) / 64;
		if (nb > 0)
			d->scan(d, b + off, nb, d->pos + off);
		off += nb * 64;
		memcpy(d->stage, b + off, n - off);
		d->nstage = n - off;
	}
	pan_track_flush(&d->t, 0);
	pan_detect_ring_put(d, b, n);
	d->pos += n;
	d->t.v.cp = NULL;
	d->t.v.cbase = d->t.v.cend = d->pos;
}

/* pan_detect_finish - end of stream: the last block, pending hits */
void
pan_detect_finish(struct pan_detect *d)
{
	uint8_t blk[64];
	uint64_t x, dl;

	if (d == NULL || d->t.v.eof)
		return;
	d->t.v.eof = 1;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, d->stage, d->nstage);
	pan_detect_masks_scalar(blk, &x, &dl);
	pan_detect_block_slow(d, d->pos - d->nstage, x, dl, d->nstage);
	pan_track_end(&d->t);
	pan_track_flush(&d->t, 1);
	pm_wipe(blk, sizeof(blk));
	pm_wipe(d->stage, sizeof(d->stage));
}

/* pan_detect_reset - wipe all state; ready for a new stream */
void
pan_detect_reset(struct pan_detect *d)
{
	pan_detect_cb cb;
	void *arg;
	pan_detect_scan_fn scan;

	if (d == NULL)
		return;
	cb = d->t.cb;
	arg = d->t.arg;
	scan = d->scan;
	pm_wipe(d, sizeof(*d));
	d->t.cb = cb;
	d->t.arg = arg;
	d->t.last_acc = -1;
	d->scan = scan;
}

/* pan_detect_free - wipe and free; NULL is fine */
void
pan_detect_free(struct pan_detect *d)
{
	if (d == NULL)
		return;
	pm_wipe(d, sizeof(*d));
	free(d);
}

/* pan_detect_buf - one-shot detection over a whole buffer */
pm_status
pan_detect_buf(const void *p, size_t n, pan_detect_cb cb, void *arg)
{
	struct pan_detect *d = pan_detect_new(cb, arg);

	if (d == NULL)
		return PM_ENOMEM;
	pan_detect_feed(d, p, n);
	pan_detect_finish(d);
	pan_detect_free(d);
	return PM_OK;
}

/* pan_detect_has_cb - note that a PAN was seen */
static void
pan_detect_has_cb(void *arg, const struct pan_hit *hit)
{
	if (hit->kind == PAN_KIND_PAN)
		*(int *)arg = 1;
}

/* pan_detect_has_pan - 1 when p holds a PAN; 1 on ENOMEM (fail closed) */
int
pan_detect_has_pan(const void *p, size_t n)
{
	int found = 0;

	if (pan_detect_buf(p, n, pan_detect_has_cb, &found) != PM_OK)
		return 1;
	return found;
}

/* pan_kind_str - "pan", "track1", "track2", "cvc" */
const char *
pan_kind_str(enum pan_kind k)
{
	switch (k) {
	case PAN_KIND_PAN:
		return "pan";
	case PAN_KIND_TRACK1:
		return "track1";
	case PAN_KIND_TRACK2:
		return "track2";
	case PAN_KIND_CVC:
		return "cvc";
	default:
		return "unknown";
	}
}

/* pan_conf_str - "medium", "high" */
const char *
pan_conf_str(enum pan_conf c)
{
	switch (c) {
	case PAN_CONF_MEDIUM:
		return "medium";
	case PAN_CONF_HIGH:
		return "high";
	default:
		return "unknown";
	}
}
