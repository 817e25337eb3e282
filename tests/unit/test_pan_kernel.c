/*
 * test_pan_kernel - the four kernels (scalar, SSE2, AVX2, AVX2 with the
 * exact PEXT test for digit-dense blocks) against each
 * other where their fast paths are cut: X-runs that cross 64-byte block
 * edges with digits on both sides, the digits of the block before
 * counted towards the run (a conservative bound the AVX2 kernel uses),
 * a block that is X from end to end, feeds that end inside such runs.
 * Each row is a named test; each places its run at every offset from
 * the block edge and checks hit count, digits and position under every
 * kernel and under 1-byte and 64-byte feeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pan_detect.h"

#define KBUF	512
#define KMAXH	8

struct krow {
	const char *name;
	const char *pre;	/* bytes at the start of the block before */
	const char *run;	/* the run, placed across the edge at 128 */
	const char *mid;	/* bytes right after the run ("" for none) */
	int hits;		/* PAN hits expected */
	const char *digits;	/* of the first hit, when hits > 0 */
};

#define NB3	"\xc2\xa0\xc2\xa0\xc2\xa0"
#define DENSE	"1234567890,1234567890,1234567890,"
#define DENSE_MID	",1234567890,1234567890,1234567890,1234567890," \
	"1234567890,1234567890,"

static const struct krow rows[] = {
	{ "split_pan_plain", "", "4111111111111111", "", 1,
	    "4111111111111111" },
	{ "split_pan_spaced", "", "4111 1111 1111 1111", "", 1,
	    "4111111111111111" },
	{ "split_12_digits", "", "411111111111", "", 0, NULL },
	{ "split_12_and_digits_before", "12 34 56 78 90 qq ",
	    "411111111111", "", 0, NULL },
	{ "split_pan_digits_before", "12 34 56 78 90 qq ",
	    "4111111111111111", "", 1, "4111111111111111" },
	{ "split_pan_then_x_block", "",
	    "4111 1111 1111 1111", "                                  "
	    "                                                  ", 1,
	    "4111111111111111" },
	{ "split_13_in_x_block", "7 7 7 ", "4222222222222",
	    " - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -"
	    " - - - - - - - -", 1, "4222222222222" },
	/* one digit per 7 bytes (3 no-break spaces between): a block inside
	 * the run is X from end to end and holds only 9 digits */
	{ "split_pan_nbsp_spread", "",
	    "4" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3
	    "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1" NB3 "1", "",
	    1, "4111111111111111" },
	/* digit-dense blocks on both sides (>= 13 digits each, in runs of
	 * 10 that commas end), so the exact AVX2 kernel's PEXT test decides
	 * them; the separators inside the run are dropped by it */
	{ "dense_split_12_digits", DENSE, "4111 1111 1111", DENSE_MID, 0,
	    NULL },
	{ "dense_split_pan_spaced", DENSE, "4111 1111 1111 1111", DENSE_MID,
	    1, "4111111111111111" },
	{ "dense_split_pan_plain", DENSE, "4222222222222", DENSE_MID, 1,
	    "4222222222222" },
	{ "dense_split_11_in_14", DENSE, "1 234 567 8901", DENSE_MID, 0,
	    NULL },
	{ "dense_split_pan_dashes", DENSE, "4111-1111-1111-1111", DENSE_MID,
	    1, "4111111111111111" },
	{ "split_digits_long_x", "", "1 2 3 4 5 6",
	    " . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . ."
	    " . . . . . . . . . . . . . . . . . . . . . . 7 8 9", 0, NULL },
};

struct kres {
	int n;
	char dig[KMAXH][PAN_MAX_DIGITS + 1];
	uint64_t start[KMAXH];
};

static void
kcollect(void *arg, const struct pan_hit *h)
{
	struct kres *r = arg;

	if (h->kind != PAN_KIND_PAN)
		return;
	if (r->n < KMAXH) {
		memcpy(r->dig[r->n], h->digits, h->ndigits);
		r->dig[r->n][h->ndigits] = '\0';
		r->start[r->n] = h->start;
	}
	r->n++;
}

/* kfeed - p in feeds of `step` bytes (0: one call) */
static void
kfeed(const char *p, size_t n, size_t step, struct kres *r)
{
	struct pan_detect *d = NULL;
	size_t o, k;

	memset(r, 0, sizeof(*r));
	if (step == 0) {
		assert_int_equal(pan_detect_buf(p, n, kcollect, r), PM_OK);
		return;
	}
	d = pan_detect_new(kcollect, r);
	assert_non_null(d);
	for (o = 0; o < n; o += k) {
		k = n - o < step ? n - o : step;
		pan_detect_feed(d, p + o, k);
	}
	pan_detect_finish(d);
	pan_detect_free(d);
}

/* test_row - the run across the edge at 128, at every offset */
static void
test_row(void **state)
{
	const struct krow *w = *state;
	static const size_t steps[] = { 0, 1, 64, 7 };
	static char buf[KBUF];
	struct kres ref, got;
	size_t rl = strlen(w->run), ml = strlen(w->mid), at, n, s;
	int k, old, i;

	for (at = 128 - rl - 1; at <= 128; at++) {
		memset(buf, 'q', sizeof(buf));
		memcpy(buf + 64, w->pre, strlen(w->pre));
		buf[at - 1] = ' ';
		memcpy(buf + at, w->run, rl);
		memcpy(buf + at + rl, w->mid, ml);
		buf[at + rl + ml] = ' ';
		n = at + rl + ml + 70;
		assert_true(n <= sizeof(buf));
		old = pan_detect_set_kernel(1);
		kfeed(buf, n, 0, &ref);
		pan_detect_set_kernel(old);
		assert_int_equal(ref.n, w->hits);
		if (w->hits > 0) {
			assert_string_equal(ref.dig[0], w->digits);
			assert_int_equal(ref.start[0], at);
		}
		for (k = 0; k <= 4; k++) {
			old = pan_detect_set_kernel(k);
			for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
				kfeed(buf, n, steps[s], &got);
				assert_int_equal(got.n, ref.n);
				for (i = 0; i < ref.n && i < KMAXH; i++) {
					assert_string_equal(got.dig[i],
					    ref.dig[i]);
					assert_int_equal(got.start[i],
					    ref.start[i]);
				}
			}
			pan_detect_set_kernel(old);
		}
	}
}

int
main(void)
{
	static struct CMUnitTest tests[sizeof(rows) / sizeof(rows[0])];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		tests[i].name = rows[i].name;
		tests[i].test_func = test_row;
		tests[i].initial_state = (void *)&rows[i];
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
	}
	return _cmocka_run_group_tests("pan_kernel", tests, i, NULL, NULL);
}
