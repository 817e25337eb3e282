/*
 * test_pan_quick - differential test of pan_track's quick rejection.
 *
 * The quick path skips a whole digit run when no range of its groups
 * can pass Luhn and have a brand. It must never change a hit: each row
 * builds a seeded, digit- and separator-heavy stream (random soup, CSV
 * rows like bench_pipeline's, card groupings, track data and EMV tags,
 * Unicode digits) and compares the hit lists of the exact path alone
 * (quick off, scalar kernel, one feed) with the quick path (one feed,
 * and random chunks with each of the four kernels, fed from one scratch
 * buffer overwritten after each feed). The AVX2 kernels' quiet tests
 * for digit-dense blocks are checked here on the same streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pan_detect.h"
#include "pan_track.h"
#include "pangen.h"

#define TQ_SIZE		(192u * 1024u)
#define TQ_MAXHITS	20000

struct tq_hit {
	enum pan_kind kind;
	enum pan_conf conf;
	const struct pan_brand *brand;
	size_t nd;
	char dig[PAN_MAX_DIGITS];
	uint64_t start, end;
};

struct tq_hits {
	struct tq_hit h[TQ_MAXHITS];
	size_t n;
	int over;
};

typedef void (*tq_gen_fn)(struct pangen *, uint8_t *, size_t);

struct tq_case {
	const char *name;
	tq_gen_fn gen;
	uint64_t seed;
};

/* tq_cb - record one hit */
static void
tq_cb(void *arg, const struct pan_hit *hit)
{
	struct tq_hits *hs = arg;
	struct tq_hit *h = NULL;

	if (hs->n == TQ_MAXHITS) {
		hs->over = 1;
		return;
	}
	h = &hs->h[hs->n++];
	memset(h, 0, sizeof(*h));
	h->kind = hit->kind;
	h->conf = hit->conf;
	h->brand = hit->brand;
	h->nd = hit->ndigits;
	memcpy(h->dig, hit->digits, hit->ndigits);
	h->start = hit->start;
	h->end = hit->end;
}

/* tq_put - append s at *o if it fits */
static void
tq_put(uint8_t *b, size_t n, size_t *o, const char *s)
{
	size_t k = strlen(s);

	if (*o + k <= n) {
		memcpy(b + *o, s, k);
		*o += k;
	}
}

/* tq_pan - a Luhn-valid number of a random brand, maybe grouped */
static void
tq_pan(struct pangen *g, char *out, size_t cap)
{
	static const char *const seps[] = { " ", "-", ".", "  ", " - ", "\r\n",
	    "\n> ", "/", "" };
	const struct pangen_sample *sm = NULL;
	char pan[PANGEN_MAX_LEN + 1];
	const char *sep = NULL;
	size_t ns, i, o = 0, len;

	sm = pangen_samples(&ns);
	sm += pangen_next(g) % ns;
	if (pangen_make(g, sm->prefix, sm->len, pan) != 0)
		snprintf(pan, sizeof(pan), "4111111111111111");
	len = strlen(pan);
	sep = seps[pangen_next(g) % (sizeof(seps) / sizeof(seps[0]))];
	for (i = 0; i < len && o + 8 < cap; i++) {
		if (i > 0 && (len == 15 ? (i == 4 || i == 10) : i % 4 == 0) &&
		    pangen_next(g) % 4 != 0)
			o += (size_t)snprintf(out + o, cap - o, "%s", sep);
		out[o++] = pan[i];
	}
	out[o] = 0;
}

/* tq_gen_soup - random digits, separators, letters, a few PANs */
static void
tq_gen_soup(struct pangen *g, uint8_t *b, size_t n)
{
	static const char *const tok[] = {
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
		" ", " ", "-", ".", "/", "\r\n", "\n", "\r", ">", "  ",
		"D", "d", "B", "a", "x", "+", "=", "^", ",", ";", "%", "?",
		"57", "\xd9\xa3", "\xc2\xa0", "\xc3\xa9", "\xe2\x80\x93",
		"\xef\xbc\x95",
	};
	char pan[64];
	size_t o = 0;

	while (o < n) {
		if (pangen_next(g) % 40 == 0) {
			tq_pan(g, pan, sizeof(pan));
			tq_put(b, n, &o, pan);
		} else {
			tq_put(b, n, &o, tok[pangen_next(g) %
			    (sizeof(tok) / sizeof(tok[0]))]);
		}
		if (o + 64 > n)
			break;
	}
	memset(b + o, ' ', n - o);
}

/* tq_gen_csv - rows like bench_pipeline's, PANs now and then */
static void
tq_gen_csv(struct pangen *g, uint8_t *b, size_t n)
{
	char row[200], pan[64];
	size_t o = 0;
	unsigned long i = pangen_next(g) % 90000;

	while (o + sizeof(row) < n) {
		if (pangen_next(g) % 50 == 0) {
			tq_pan(g, pan, sizeof(pan));
			snprintf(row, sizeof(row), "%lu,2026-11-%02lu,%s,%lu.%02lu"
			    "\r\n", i, i % 28 + 1, pan, i * 7 % 1000, i % 100);
		} else {
			snprintf(row, sizeof(row), "%lu,2026-11-%02lu,+1 415 555 "
			    "%04lu,%lu.%02lu,ORD-%08lu\r\n", i, i % 28 + 1,
			    i % 10000, i * 7 % 1000, i % 100,
			    (unsigned long)(pangen_next(g) % 100000000));
		}
		tq_put(b, n, &o, row);
		i += 1 + pangen_next(g) % 3;
	}
	memset(b + o, '\n', n - o);
}

/* tq_gen_track - track data, EMV tags, glued numbers among digits */
static void
tq_gen_track(struct pangen *g, uint8_t *b, size_t n)
{
	char s[160], pan[PANGEN_MAX_LEN + 1];
	const struct pangen_sample *sm = NULL;
	size_t o = 0, ns;
	unsigned k;

	sm = pangen_samples(&ns);
	while (o + sizeof(s) < n) {
		const struct pangen_sample *x = sm + pangen_next(g) % ns;

		if (pangen_make(g, x->prefix, x->len, pan) != 0)
			snprintf(pan, sizeof(pan), "4111111111111111");
		k = (unsigned)(pangen_next(g) % 8);
		switch (k) {
		case 0:
			snprintf(s, sizeof(s), "%%B%s^DOE/JOHN^2512101000?\n",
			    pan);
			break;
		case 1:
			snprintf(s, sizeof(s), ";%s=25121010000?\n", pan);
			break;
		case 2:
			snprintf(s, sizeof(s), "57 %02zX %sD25121010000F\n",
			    strlen(pan) / 2, pan);
			break;
		case 3:
			snprintf(s, sizeof(s), "57%02zu%sD2512101\n",
			    strlen(pan) / 2, pan);
			break;
		case 4:
			snprintf(s, sizeof(s), "%llu %sd%u\n",
			    (unsigned long long)pangen_next(g) % 100000, pan,
			    (unsigned)pangen_next(g) % 1000);
			break;
		case 5:
			snprintf(s, sizeof(s), "%s %llu\n", pan,
			    (unsigned long long)(pangen_next(g) % 1000000));
			break;
		case 6:
			snprintf(s, sizeof(s), "x%sy 12 34 56 78 90 12 34 \n",
			    pan);
			break;
		default:
			snprintf(s, sizeof(s), "+%s, cvv 123\n", pan);
			break;
		}
		tq_put(b, n, &o, s);
	}
	memset(b + o, ' ', n - o);
}

/* tq_run - hits of b[0..n): one feed, or random chunks when chunked */
static void
tq_run(const uint8_t *b, size_t n, int quick, int kernel, struct pangen *g,
    struct tq_hits *hs)
{
	struct pan_detect *d = NULL;
	uint8_t tmp[300];
	size_t o = 0, k;
	int oq = pan_track_set_quick(quick), ok = pan_detect_set_kernel(kernel);

	hs->n = 0;
	hs->over = 0;
	d = pan_detect_new(tq_cb, hs);
	assert_non_null(d);
	while (o < n) {
		k = g == NULL ? n - o : 1 + pangen_next(g) % sizeof(tmp);
		if (k > n - o)
			k = n - o;
		if (g == NULL) {
			pan_detect_feed(d, b + o, k);
		} else {
			/* one scratch buffer, garbled after each feed, as
			 * callers that convert a stream in slices do */
			memcpy(tmp, b + o, k);
			pan_detect_feed(d, tmp, k);
			memset(tmp, '7', sizeof(tmp));
		}
		o += k;
	}
	pan_detect_finish(d);
	pan_detect_free(d);
	pan_track_set_quick(oq);
	pan_detect_set_kernel(ok);
	assert_false(hs->over);
}

/* tq_same - assert two hit lists are equal */
static void
tq_same(const struct tq_hits *a, const struct tq_hits *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->h[i].kind, b->h[i].kind);
		assert_int_equal(a->h[i].conf, b->h[i].conf);
		assert_ptr_equal(a->h[i].brand, b->h[i].brand);
		assert_int_equal(a->h[i].nd, b->h[i].nd);
		assert_memory_equal(a->h[i].dig, b->h[i].dig, a->h[i].nd);
		assert_int_equal(a->h[i].start, b->h[i].start);
		assert_int_equal(a->h[i].end, b->h[i].end);
	}
}

/* test_quick_same - quick path on/off and chunking give the same hits */
static void
test_quick_same(void **state)
{
	const struct tq_case *c = *state;
	struct tq_hits *ref = calloc(1, sizeof(*ref));
	struct tq_hits *got = calloc(1, sizeof(*got));
	uint8_t *b = malloc(TQ_SIZE);
	struct pangen g;
	int k;

	assert_non_null(ref);
	assert_non_null(got);
	assert_non_null(b);
	pangen_init(&g, c->seed);
	c->gen(&g, b, TQ_SIZE);
	tq_run(b, TQ_SIZE, 0, 1, NULL, ref);
	assert_true(ref->n > 0);
	tq_run(b, TQ_SIZE, 1, 0, NULL, got);
	tq_same(ref, got);
	for (k = 1; k <= 4; k++) {
		tq_run(b, TQ_SIZE, 1, k, &g, got);
		tq_same(ref, got);
	}
	free(b);
	free(got);
	free(ref);
}

static const struct tq_case cases[] = {
	{ "soup_1", tq_gen_soup, 1 },
	{ "soup_2", tq_gen_soup, 2 },
	{ "soup_3", tq_gen_soup, 3 },
	{ "csv_1", tq_gen_csv, 11 },
	{ "csv_2", tq_gen_csv, 12 },
	{ "track_1", tq_gen_track, 21 },
	{ "track_2", tq_gen_track, 22 },
};

int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = test_quick_same;
		tests[i].initial_state = (void *)&cases[i];
	}
	return cmocka_run_group_tests_name("pan_quick", tests, NULL, NULL);
}
