/*
 * bench_detect - pan_detect_buf against memcpy and a PCRE2-JIT baseline.
 *
 * Three deterministic inputs (default 64 MiB each; an argument sets
 * the MiB): English-like prose with small numbers, some accented words
 * and a PAN every ~512 KiB; digit-dense CSV (ids, dates, times, amounts,
 * phone numbers) with a generated PAN every ~10 KB; base64 of random
 * bytes in 76-character lines. For each, in 7 interleaved rounds (best
 * of each kept): memcpy of the same buffer, a read-only pass over it
 * (the ceiling of any one-pass reader), the detector, and the
 * baseline written the obvious way: a candidate regex with look-around,
 * JIT-compiled, each match digit-extracted, Luhn- and brand-checked. PANs in
 * the inputs use ASCII digits and space/hyphen separators only, between
 * words or commas, so both must find exactly the same (offset, digits)
 * set; otherwise the bench prints MISMATCH and exits 1.
 * BENCH_DETECT_KERNEL=1|2|3 forces the scalar, SSE2 or AVX2 kernel.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "pan_card.h"
#include "pan_detect.h"
#include "pm_cpu.h"
#include "pangen.h"

#define BENCH_ROUNDS	7

#define BASELINE_RE \
	"(?<![0-9A-Za-z])(?:[0-9][ -]?){12,18}[0-9](?![0-9A-Za-z])"

struct found {
	uint64_t *start;
	char (*dig)[PAN_MAX_DIGITS + 1];
	size_t n, cap;
};

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* found_add - record one PAN (start, digits) */
static void
found_add(struct found *f, uint64_t start, const char *d, size_t n)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		uint64_t *s = calloc(cap, sizeof(*s));
		char (*dd)[PAN_MAX_DIGITS + 1] = calloc(cap, sizeof(*dd));

		if (s == NULL || dd == NULL) {
			fprintf(stderr, "bench_detect: out of memory\n");
			exit(2);
		}
		if (f->n > 0) {
			memcpy(s, f->start, f->n * sizeof(*s));
			memcpy(dd, f->dig, f->n * sizeof(*dd));
		}
		free(f->start);
		free(f->dig);
		f->start = s;
		f->dig = dd;
		f->cap = cap;
	}
	f->start[f->n] = start;
	memcpy(f->dig[f->n], d, n);
	f->dig[f->n][n] = '\0';
	f->n++;
}

/* --- input generators ---------------------------------------------------- */

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "that", "for", "it", "as",
	"was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
	"his", "from", "at", "which", "but", "have", "an", "had", "they",
	"you", "were", "their", "one", "all", "we", "can", "her", "has",
	"there", "been", "if", "more", "when", "will", "would", "who", "so",
	"no", "meeting", "report", "invoice", "customer", "shipment",
	"quarterly", "numbers", "schedule", "project", "budget", "team",
	"caf\xc3\xa9", "r\xc3\xa9sum\xc3\xa9", "na\xc3\xafve", "Z\xc3\xbcrich",
	"fa\303\247ade", "S\xc3\xa3o", "M\xc3\xbcnchen", "se\xc3\xb1or",
};

#define NWORDS	(sizeof(words) / sizeof(words[0]))

/* put - append s to buf at *o if it fits */
static int
put(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n > cap)
		return 0;
	memcpy(buf + *o, s, n);
	*o += n;
	return 1;
}

/* make_pan - a generated PAN, formatted plain, spaced or hyphenated */
static size_t
make_pan(struct pangen *g, char *out)
{
	static const struct { const char *pfx; size_t len; } kinds[] = {
		{ "4", 16 }, { "51", 16 }, { "37", 15 }, { "6011", 16 },
		{ "3530", 16 }, { "4", 13 }, { "4", 19 }, { "2221", 16 },
	};
	char d[PANGEN_MAX_LEN + 1];
	size_t k = (size_t)(pangen_next(g) % 8), i, o = 0;
	int style = (int)(pangen_next(g) % 3);

	pangen_make(g, kinds[k].pfx, kinds[k].len, d);
	for (i = 0; i < kinds[k].len; i++) {
		if (style && i > 0 && (kinds[k].len == 15 ? (i == 4 ||
		    i == 10) : i % 4 == 0))
			out[o++] = style == 1 ? ' ' : '-';
		out[o++] = d[i];
	}
	return o;
}

/* gen_prose - words, punctuation, small numbers, a PAN per ~512 KiB */
static size_t
gen_prose(char *buf, size_t cap, uint64_t seed)
{
	struct pangen g;
	char tmp[64];
	size_t o = 0, col = 0, next_pan = 1 << 19, l;
	uint64_t r;

	pangen_init(&g, seed);
	while (o + 128 < cap) {
		const char *w = words[pangen_next(&g) % NWORDS];

		l = strlen(w);
		put(buf, cap, &o, w, l);
		col += l + 1;
		r = pangen_next(&g);
		if (r % 29 == 0) {
			l = (size_t)snprintf(tmp, sizeof(tmp), " %u",
			    (unsigned)(r >> 40) % 10000);
			put(buf, cap, &o, tmp, l);
		}
		if (o > next_pan) {
			l = make_pan(&g, tmp + 6);
			memcpy(tmp, " card ", 6);
			put(buf, cap, &o, tmp, l + 6);
			put(buf, cap, &o, " thanks", 7);
			next_pan += 1 << 19;
		}
		if (r % 13 == 1)
			put(buf, cap, &o, r % 2 ? "." : ",", 1);
		if (col > 72) {
			put(buf, cap, &o, "\n", 1);
			col = 0;
		} else {
			put(buf, cap, &o, " ", 1);
		}
	}
	return o;
}

/* gen_csv - ids, dates, times, amounts, phones; a PAN per ~10 KB */
static size_t
gen_csv(char *buf, size_t cap, uint64_t seed)
{
	struct pangen g;
	char row[256], pan[64];
	size_t o = 0, next_pan = 10000, l;
	uint64_t r, s;

	pangen_init(&g, seed);
	while (o + 256 < cap) {
		r = pangen_next(&g);
		s = pangen_next(&g);
		l = (size_t)snprintf(row, sizeof(row),
		    "%08u,20%02u-%02u-%02u,%02u:%02u:%02u,%u.%02u,"
		    "+1 %03u %03u %04u,%u,%s,",
		    (unsigned)(r % 100000000u), (unsigned)(r >> 8) % 30,
		    (unsigned)(r >> 16) % 12 + 1, (unsigned)(r >> 24) % 28 + 1,
		    (unsigned)(s % 24), (unsigned)(s >> 8) % 60,
		    (unsigned)(s >> 16) % 60, (unsigned)(s >> 20) % 100000,
		    (unsigned)(s >> 40) % 100, (unsigned)(r >> 32) % 1000,
		    (unsigned)(r >> 42) % 1000, (unsigned)(s >> 44) % 10000,
		    (unsigned)(s >> 58), words[(r >> 50) % NWORDS]);
		put(buf, cap, &o, row, l);
		if (o > next_pan) {
			l = make_pan(&g, pan);
			put(buf, cap, &o, pan, l);
			next_pan += 10000;
		}
		put(buf, cap, &o, (r >> 60) % 2 ? "ok\n" : "shipped\n",
		    (r >> 60) % 2 ? 3 : 8);
	}
	return o;
}

/* gen_b64 - base64 of random bytes, 76-character lines */
static size_t
gen_b64(char *buf, size_t cap, uint64_t seed)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct pangen g;
	size_t o = 0, col = 0;
	uint64_t r = 0;
	int left = 0;

	pangen_init(&g, seed);
	while (o + 2 < cap) {
		if (left == 0) {
			r = pangen_next(&g);
			left = 10;
		}
		buf[o++] = b64[r & 63];
		r >>= 6;
		left--;
		if (++col == 76) {
			buf[o++] = '\n';
			col = 0;
		}
	}
	return o;
}

/* --- the three contenders ------------------------------------------------ */

/* detect_cb - record PAN hits */
static void
detect_cb(void *arg, const struct pan_hit *hit)
{
	if (hit->kind == PAN_KIND_PAN)
		found_add(arg, hit->start, hit->digits, hit->ndigits);
}

/* baseline - PCRE2-JIT candidates, then digits, Luhn, brand */
static void
baseline(pcre2_code *re, pcre2_match_data *md, const char *p, size_t n,
    struct found *f)
{
	PCRE2_SIZE at = 0, *ov = pcre2_get_ovector_pointer(md);
	char d[64];
	size_t i, nd;

	while (at < n && pcre2_jit_match(re, (PCRE2_SPTR)p, n, at, 0, md,
	    NULL) > 0) {
		for (i = ov[0], nd = 0; i < ov[1] && nd < sizeof(d); i++)
			if (p[i] >= '0' && p[i] <= '9')
				d[nd++] = p[i];
		if (nd >= PAN_MIN_DIGITS && nd <= PAN_MAX_DIGITS &&
		    pan_card_luhn(d, nd) && pan_card_brand(d, nd) != NULL)
			found_add(f, ov[0], d, nd);
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
}

/*
 * readpass - OR of every byte of p: one read pass and nothing else, the
 * ceiling for any single-pass reader of a buffer that comes from memory
 * (memcpy also writes, so a reader can beat it). With the widest loads
 * the CPU has, two accumulators.
 */
#if defined(__x86_64__)
__attribute__((target("avx2"))) static unsigned
readpass_avx2(const char *p, size_t n)
{
	__m256i a = _mm256_setzero_si256(), b = a;
	size_t i;

	for (i = 0; i + 64 <= n; i += 64) {
		a = _mm256_or_si256(a, _mm256_loadu_si256((const void *)
		    (p + i)));
		b = _mm256_or_si256(b, _mm256_loadu_si256((const void *)
		    (p + i + 32)));
	}
	return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(a, b));
}
#endif

static unsigned
readpass(const char *p, size_t n)
{
#if defined(__x86_64__)
	__m128i a = _mm_setzero_si128(), b = a;
	size_t i;

	if (__builtin_cpu_supports("avx2"))
		return readpass_avx2(p, n);
	for (i = 0; i + 32 <= n; i += 32) {
		a = _mm_or_si128(a, _mm_loadu_si128((const void *)(p + i)));
		b = _mm_or_si128(b, _mm_loadu_si128((const void *)
		    (p + i + 16)));
	}
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(a, b));
#else
	uint64_t a = 0, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		a |= w;
	}
	return (unsigned)(a >> 56);
#endif
}

/* same - whether two result sets are equal */
static int
same(const struct found *a, const struct found *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->start[i] != b->start[i] ||
		    strcmp(a->dig[i], b->dig[i]) != 0)
			return 0;
	return 1;
}

/* bench_one - time the three on one input and print the line */
static int
bench_one(const char *name, const char *buf, size_t n, char *dst,
    pcre2_code *re, pcre2_match_data *md)
{
	struct found fd = { 0 }, fb = { 0 };
	double t, best_m = 1e9, best_r = 1e9, best_d = 1e9, best_b = 1e9;
	double mb = n / 1e6;
	volatile unsigned sink;
	int i;

	/* interleaved rounds: a slow spell of the (shared) machine hits
	 * all four alike, and the best of each is compared */
	for (i = 0; i < BENCH_ROUNDS; i++) {
		t = now();
		memcpy(dst, buf, n);
		t = now() - t;
		if (t < best_m)
			best_m = t;
		t = now();
		sink = readpass(buf, n);
		t = now() - t;
		if (t < best_r)
			best_r = t;
		fd.n = 0;
		t = now();
		pan_detect_buf(buf, n, detect_cb, &fd);
		t = now() - t;
		if (t < best_d)
			best_d = t;
		fb.n = 0;
		t = now();
		baseline(re, md, buf, n, &fb);
		t = now() - t;
		if (t < best_b)
			best_b = t;
	}
	(void)sink;
	printf("detect %-6s %.1f MiB: memcpy %.0f MB/s  read-only pass %.0f "
	    "MB/s  pcre2-jit %.0f MB/s  panmilter %.0f MB/s  = %.2fx memcpy, "
	    "%.2fx read pass, %.1fx pcre2  (pans %zu/%zu)\n",
	    name, n / 1048576.0, mb / best_m, mb / best_r, mb / best_b,
	    mb / best_d, best_m / best_d, best_r / best_d, best_b / best_d,
	    fd.n, fb.n);
	fflush(stdout);
	if (!same(&fd, &fb)) {
		printf("MISMATCH on %s: detector %zu PANs, baseline %zu\n",
		    name, fd.n, fb.n);
		return 1;
	}
	free(fd.start);
	free(fd.dig);
	free(fb.start);
	free(fb.dig);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t cap = (mib ? mib : 64) << 20, n;
	char *buf = malloc(cap), *dst = malloc(cap);
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	PCRE2_SIZE eoff;
	const char *kernel = NULL, *only;
	int err, rc = 0;

	if (buf == NULL || dst == NULL) {
		fprintf(stderr, "bench_detect: out of memory\n");
		return 2;
	}
	re = pcre2_compile((PCRE2_SPTR)BASELINE_RE, PCRE2_ZERO_TERMINATED, 0,
	    &err, &eoff, NULL);
	if (re == NULL || pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0 ||
	    (md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL) {
		fprintf(stderr, "bench_detect: PCRE2 JIT unavailable\n");
		return 2;
	}
	memset(dst, 0, cap);
	/* 1 scalar, 2 sse2, 3 avx2, 4 avx2 with the PEXT test */
	kernel = getenv("BENCH_DETECT_KERNEL");
	if (kernel != NULL)
		pan_detect_set_kernel(atoi(kernel));
#if defined(__x86_64__)
	printf("bench_detect: kernel %s, %zu MiB inputs, best of %d "
	    "interleaved rounds\n", kernel != NULL ? kernel :
	    !pm_cpu_avx2() ? "sse2 (auto)" : pm_cpu_fast_pext() ?
	    "avx2 with PEXT (auto)" : "avx2 (auto)", cap >> 20, BENCH_ROUNDS);
#endif
	/* BENCH_DETECT_ONLY=csv (or prose, base64): one input, to profile */
	only = getenv("BENCH_DETECT_ONLY");
	if (only == NULL || strcmp(only, "prose") == 0) {
		n = gen_prose(buf, cap, 1);
		rc |= bench_one("prose", buf, n, dst, re, md);
	}
	if (only == NULL || strcmp(only, "csv") == 0) {
		n = gen_csv(buf, cap, 2);
		rc |= bench_one("csv", buf, n, dst, re, md);
	}
	if (only == NULL || strcmp(only, "base64") == 0) {
		n = gen_b64(buf, cap, 3);
		rc |= bench_one("base64", buf, n, dst, re, md);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	free(buf);
	free(dst);
	return rc;
}
