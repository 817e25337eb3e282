/*
 * bench_decode - throughput of dec_b64 and dec_qp against memcpy.
 *
 * Generates 64 MiB of base64 text (76-character lines, CRLF) and 64 MiB
 * of quoted-printable text (soft breaks, =XX escapes), deterministic, and
 * prints one line per decoder: memcpy best of 5, decoder best of 3, in
 * MB/s (10^6 bytes of input per CPU second of this thread). The machine
 * is shared: best-of figures of CPU time are the meaningful ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec_b64.h"
#include "pm_cpu.h"
#include "dec_qp.h"

#define BENCH_SIZE	(64u * 1024 * 1024)

/* bench_now - seconds of this thread's CPU time: on a shared machine the
 * time spent descheduled would otherwise count against the decoder */
static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_rand - xorshift32 */
static uint32_t
bench_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* bench_gen_b64 - n bytes of base64 text, 76-char lines with CRLF */
static void
bench_gen_b64(unsigned char *p, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t s = 2463534242u;
	size_t i = 0, col = 0;

	while (i < n) {
		if (col == 76) {
			p[i++] = '\r';
			if (i < n)
				p[i++] = '\n';
			col = 0;
			continue;
		}
		p[i++] = (unsigned char)al[bench_rand(&s) & 63];
		col++;
	}
}

/* bench_gen_qp - n bytes of quoted-printable text */
static void
bench_gen_qp(unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	uint32_t s = 88172645u, r;
	size_t i = 0, col = 0;

	while (i + 3 < n) {
		if (col >= 73) {
			memcpy(p + i, "=\r\n", 3);
			i += 3;
			col = 0;
			continue;
		}
		r = bench_rand(&s);
		if (r % 16 == 0) {
			p[i++] = '=';
			p[i++] = (unsigned char)hex[r >> 8 & 15];
			p[i++] = (unsigned char)hex[r >> 12 & 15];
			col += 3;
		} else {
			p[i++] = (unsigned char)(' ' + 1 + r % 60);
			col++;
		}
	}
	while (i < n)
		p[i++] = 'x';
}

/* bench_memcpy - best of 5 memcpy, MB/s */
static double
bench_memcpy(unsigned char *dst, const unsigned char *src, size_t n)
{
	double best = 1e30, t;
	int r;

	for (r = 0; r < 5; r++) {
		t = bench_now();
		memcpy(dst, src, n);
		t = bench_now() - t;
		__asm__ volatile("" : : "r"(dst) : "memory");
		if (t < best)
			best = t;
	}
	return (double)n / best / 1e6;
}

/* bench_b64 - best of 3 dec_b64, MB/s of input */
static double
bench_b64(unsigned char *dst, const unsigned char *src, size_t n,
    size_t *outlen)
{
	double best = 1e30, t;
	int r;

	for (r = 0; r < 3; r++) {
		t = bench_now();
		*outlen = dec_b64(src, n, dst, NULL);
		t = bench_now() - t;
		if (t < best)
			best = t;
	}
	return (double)n / best / 1e6;
}

/* bench_qp - best of 3 dec_qp, MB/s of input */
static double
bench_qp(unsigned char *dst, const unsigned char *src, size_t n,
    size_t *outlen)
{
	double best = 1e30, t;
	int r;

	for (r = 0; r < 3; r++) {
		t = bench_now();
		*outlen = dec_qp(src, n, dst);
		t = bench_now() - t;
		if (t < best)
			best = t;
	}
	return (double)n / best / 1e6;
}

int
main(void)
{
	unsigned char *src = malloc(BENCH_SIZE), *dst = NULL;
	double mc, d, ds;
	size_t outlen = 0;
	int rc = 1;

	dst = malloc(dec_b64_bound(BENCH_SIZE) + BENCH_SIZE);
	if (src == NULL || dst == NULL)
		goto out;
	memset(dst, 0, dec_b64_bound(BENCH_SIZE) + BENCH_SIZE);
	bench_gen_b64(src, BENCH_SIZE);
	mc = bench_memcpy(dst, src, BENCH_SIZE);
	pm_cpu_simd(0);
	ds = bench_b64(dst, src, BENCH_SIZE, &outlen);
	pm_cpu_simd(1);
	d = bench_b64(dst, src, BENCH_SIZE, &outlen);
	printf("decode base64 %.1f MiB: memcpy %.0f MB/s  dec_b64 %.0f MB/s"
	    " = %.2fx memcpy\n", BENCH_SIZE / 1048576.0, mc, d, d / mc);
	printf("decode base64 %.1f MiB: dec_b64 without SIMD %.0f MB/s"
	    " = %.2fx memcpy\n", BENCH_SIZE / 1048576.0, ds, ds / mc);
	bench_gen_qp(src, BENCH_SIZE);
	mc = bench_memcpy(dst, src, BENCH_SIZE);
	d = bench_qp(dst, src, BENCH_SIZE, &outlen);
	printf("decode qp %.1f MiB: memcpy %.0f MB/s  dec_qp %.0f MB/s"
	    " = %.2fx memcpy\n", BENCH_SIZE / 1048576.0, mc, d, d / mc);
	rc = 0;
out:
	if (dst != NULL)
		free(dst);
	free(src);
	return rc;
}
