/*
 * fuzz_pan_detect - chunk invariance as a fuzz property: the hits
 * (kind, start, end, digits) of a streaming run, fed in chunks whose
 * sizes come from the first input bytes, equal the one-shot
 * pan_detect_buf() hits; a reset detector gives them again; the portable
 * scalar kernel gives them too (the one-shot run uses the CPU's kernel,
 * AVX2 here, whose quiet-block shortcuts the scalar one does not take);
 * every PAN hit is 13-19 Luhn-valid digits with a brand.
 *
 * Input: byte 0 = k (number of chunk-size bytes, k % 8), then k bytes,
 * each a chunk size (0 means 1; cycled), then the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pan_card.h"
#include "pan_detect.h"
#include "pm_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FD_MAX_HITS	4096
#define FD_MAX_DIGITS	64

struct fd_hit {
	enum pan_kind kind;
	uint64_t start, end;
	size_t ndigits;
	char digits[FD_MAX_DIGITS];
};

struct fd_list {
	struct fd_hit *h;
	size_t n;
	int overflow;
};

/* fd_cb - record one hit, checking what the header promises */
static void
fd_cb(void *arg, const struct pan_hit *hit)
{
	struct fd_list *l = arg;
	struct fd_hit *r = NULL;

	if (hit == NULL || hit->end < hit->start)
		__builtin_trap();
	if (hit->ndigits > 0 && hit->digits == NULL)
		__builtin_trap();
	if (hit->kind == PAN_KIND_PAN &&
	    (hit->ndigits < PAN_MIN_DIGITS || hit->ndigits > PAN_MAX_DIGITS ||
	    !pan_card_luhn(hit->digits, hit->ndigits) ||
	    hit->brand == NULL))
		__builtin_trap();	/* not a PAN by the header's rule */
	if (l->n >= FD_MAX_HITS || hit->ndigits > FD_MAX_DIGITS) {
		l->overflow = 1;
		return;
	}
	r = &l->h[l->n++];
	r->kind = hit->kind;
	r->start = hit->start;
	r->end = hit->end;
	r->ndigits = hit->ndigits;
	if (hit->ndigits > 0)
		memcpy(r->digits, hit->digits, hit->ndigits);
}

/* fd_same - 1 when both lists hold the same hits in the same order */
static int
fd_same(const struct fd_list *a, const struct fd_list *b)
{
	size_t i;

	if (a->overflow || b->overflow)
		return a->overflow == b->overflow;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct fd_hit *x = &a->h[i], *y = &b->h[i];

		if (x->kind != y->kind || x->start != y->start ||
		    x->end != y->end || x->ndigits != y->ndigits ||
		    memcmp(x->digits, y->digits, x->ndigits) != 0)
			return 0;
	}
	return 1;
}

/* fd_stream - feed p in chunks of the sizes in cs[0..k) (cycled) */
static void
fd_stream(struct pan_detect *d, const uint8_t *p, size_t n,
    const uint8_t *cs, size_t k)
{
	size_t off = 0, i = 0, c;

	while (off < n) {
		c = k > 0 ? cs[i++ % k] : n;
		if (c == 0)
			c = 1;
		if (c > n - off)
			c = n - off;
		pan_detect_feed(d, p + off, c);
		off += c;
	}
	pan_detect_finish(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fd_hit h1[FD_MAX_HITS], h2[FD_MAX_HITS], h3[FD_MAX_HITS];
	struct fd_list one = { h1, 0, 0 }, str = { h2, 0, 0 };
	struct fd_list sc = { h3, 0, 0 };
	struct pan_detect *d = NULL;
	const uint8_t *cs = NULL, *p = NULL;
	size_t k, n, i;
	int has_pan = 0, old;
	pm_status st;

	if (size < 1)
		return 0;
	k = data[0] % 8;
	if (size < 1 + k)
		return 0;
	cs = data + 1;
	p = data + 1 + k;
	n = size - 1 - k;
	if (pan_detect_buf(p, n, fd_cb, &one) != PM_OK)
		return 0;	/* ENOMEM: nothing to compare */
	old = pan_detect_set_kernel(1);
	st = pan_detect_buf(p, n, fd_cb, &sc);
	pan_detect_set_kernel(old);
	if (st == PM_OK && !fd_same(&one, &sc))
		__builtin_trap();	/* the kernels disagree */
	d = pan_detect_new(fd_cb, &str);
	if (d == NULL)
		return 0;
	fd_stream(d, p, n, cs, k);
	if (!fd_same(&one, &str))
		__builtin_trap();	/* chunking changed the hits */
	str.n = 0;
	str.overflow = 0;
	pan_detect_reset(d);
	fd_stream(d, p, n, NULL, 0);
	if (!fd_same(&one, &str))
		__builtin_trap();	/* reset did not restart cleanly */
	pan_detect_free(d);
	for (i = 0; i < one.n; i++)
		has_pan |= one.h[i].kind == PAN_KIND_PAN;
	if (has_pan && !pan_detect_has_pan(p, n))
		__builtin_trap();	/* a PAN hit, but "no PAN" */
	pm_wipe(h1, sizeof(h1[0]) * one.n);
	pm_wipe(h2, sizeof(h2[0]) * str.n);
	pm_wipe(h3, sizeof(h3[0]) * sc.n);
	return 0;
}
