/*
 * test_pan_track - the pieces under the detector, on their own: the
 * track data recognisers (pan_track_find), the character classes and
 * the context rules (pan_ctx_char, pan_ctx_high, pan_ctx_cvc).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pan_ctx.h"
#include "pan_track.h"

#define V16	"4111111111111111"

/* --- pan_track_find ---------------------------------------------------- */

struct tcase {
	const char *name;
	const char *text;	/* the PAN is the first occurrence of V16 */
	int kind;		/* 0: none, else enum pan_kind */
	int emv;
	size_t start, end;	/* track data extent */
};

static const struct tcase tcases[] = {
	{ "t1_full", "%B" V16 "^DOE/JOHN^2512101000?", PAN_KIND_TRACK1, 0,
	    0, 39 },
	{ "t1_no_percent", "B" V16 "^DOE/J^2512101", PAN_KIND_TRACK1, 0, 0,
	    31 },
	{ "t1_no_b", V16 "^A^2512101", PAN_KIND_TRACK1, 0, 0, 26 },
	{ "t1_name_too_long", "B" V16 "^ABCDEFGHIJKLMNOPQRSTUVWXYZ0^2512101",
	    0, 0, 0, 0 },
	{ "t1_empty_name", "B" V16 "^^2512101", 0, 0, 0, 0 },
	{ "t1_short_tail", "B" V16 "^DOE/J^251210", 0, 0, 0, 0 },
	{ "t2_full", ";" V16 "=2512101000?", PAN_KIND_TRACK2, 0, 0, 29 },
	{ "t2_bare", V16 "=2512101", PAN_KIND_TRACK2, 0, 0, 24 },
	{ "t2_short_tail", V16 "=251210", 0, 0, 0, 0 },
	{ "t2_url_param", V16 "=abc", 0, 0, 0, 0 },
	{ "emv_spaced", "5713 " V16 "D2512101F", PAN_KIND_TRACK2, 1, 0, 30 },
	{ "emv_glued", "5713" V16 "D2512101FF", PAN_KIND_TRACK2, 1, 0, 30 },
	{ "emv_lower_d", "5713" V16 "d2512101", PAN_KIND_TRACK2, 1, 0, 28 },
	{ "emv_no_tag", "5813" V16 "D2512101", 0, 0, 0, 0 },
	{ "emv_bad_len", "57G3" V16 "D2512101", 0, 0, 0, 0 },
	{ "emv_short_tail", "5713" V16 "D251210", 0, 0, 0, 0 },
	{ "emv_tag_len_spaced", "57 13 " V16 "D2512101F", PAN_KIND_TRACK2, 1,
	    0, 31 },
	{ "emv_tag_len_spaced_glued", "57 13" V16 "D2512101", PAN_KIND_TRACK2,
	    1, 0, 29 },
	{ "t2d_no_tag", V16 "D2512101000", PAN_KIND_TRACK2, 1, 0, 27 },
	{ "t2d_no_tag_after_space", "x " V16 "D2512101", PAN_KIND_TRACK2, 1,
	    2, 26 },
	{ "t2d_format_b", "B" V16 "D0511000000F", PAN_KIND_TRACK2, 1, 0, 29 },
	{ "t2d_sentinel", ";" V16 "D2512101", PAN_KIND_TRACK2, 1, 0, 25 },
	{ "t2d_month_13", V16 "D2513101", 0, 0, 0, 0 },
	{ "t2d_month_00", V16 "D2500101", 0, 0, 0, 0 },
	{ "t2d_hex_glued", "a3f" V16 "D2512101", 0, 0, 0, 0 },
	{ "t2d_letter_glued", "x" V16 "D2512101", 0, 0, 0, 0 },
	{ "t2d_short_tail", V16 "D251210", 0, 0, 0, 0 },
	{ "plain", "x " V16 " y", 0, 0, 0, 0 },
	{ "at_end", V16, 0, 0, 0, 0 },
};

/* test_track - one recogniser row */
static void
test_track(void **state)
{
	const struct tcase *c = *state;
	const char *p = strstr(c->text, V16);
	struct pan_track_m m;
	size_t s, n = strlen(c->text);
	int got;

	assert_non_null(p);
	s = (size_t)(p - c->text);
	memset(&m, 0, sizeof(m));
	got = pan_track_find((const uint8_t *)c->text, n, s, s + 16, &m);
	assert_int_equal(got, c->kind != 0);
	if (!got)
		return;
	assert_int_equal(m.kind, c->kind);
	assert_int_equal(m.emv, c->emv);
	assert_int_equal(m.start, c->start);
	assert_int_equal(m.end, c->end);
}

/* --- pan_ctx_char -------------------------------------------------------- */

struct ccase {
	const char *name;
	const char *bytes;
	size_t n;
	int eof;
	int cls;
	size_t len;
	int val;
};

static const struct ccase ccases[] = {
	{ "ascii_digit", "7", 1, 0, PAN_CLS_DIGIT, 1, 7 },
	{ "ascii_letter", "q", 1, 0, PAN_CLS_ALNUM, 1, 0 },
	{ "ascii_space", " ", 1, 0, PAN_CLS_SEP, 1, 0 },
	{ "ascii_slash", "/", 1, 0, PAN_CLS_SEP, 1, 0 },
	{ "ascii_comma", ",", 1, 0, PAN_CLS_OTHER, 1, 0 },
	{ "ascii_tab", "\t", 1, 0, PAN_CLS_OTHER, 1, 0 },
	{ "cr", "\r", 1, 0, PAN_CLS_CR, 1, 0 },
	{ "lf", "\n", 1, 0, PAN_CLS_LF, 1, 0 },
	{ "gt", ">", 1, 0, PAN_CLS_GT, 1, 0 },
	{ "nbsp", "\xc2\xa0", 2, 0, PAN_CLS_SEP, 2, 0 },
	{ "thin_space", "\xe2\x80\x89", 3, 0, PAN_CLS_SEP, 3, 0 },
	{ "word_joiner", "\xe2\x81\xa0", 3, 0, PAN_CLS_SEP, 3, 0 },
	{ "bom", "\xef\xbb\xbf", 3, 0, PAN_CLS_SEP, 3, 0 },
	{ "en_dash", "\xe2\x80\x93", 3, 0, PAN_CLS_SEP, 3, 0 },
	{ "ideographic_space", "\xe3\x80\x80", 3, 0, PAN_CLS_SEP, 3, 0 },
	{ "fullwidth_9", "\xef\xbc\x99", 3, 0, PAN_CLS_DIGIT, 3, 9 },
	{ "arabic_indic_3", "\xd9\xa3", 2, 0, PAN_CLS_DIGIT, 2, 3 },
	{ "devanagari_0", "\xe0\xa5\xa6", 3, 0, PAN_CLS_DIGIT, 3, 0 },
	{ "euro_sign", "\xe2\x82\xac", 3, 0, PAN_CLS_OTHER, 3, 0 },
	{ "latin1_e_acute", "\xc3\xa9", 2, 0, PAN_CLS_OTHER, 1, 0 },
	{ "cut_char_needs_more", "\xef\xbc", 2, 0, PAN_CLS_MORE, 1, 0 },
	{ "cut_char_at_eof", "\xef\xbc", 2, 1, PAN_CLS_OTHER, 1, 0 },
	{ "bad_continuation", "\xef\x41\x41", 3, 0, PAN_CLS_OTHER, 1, 0 },
	{ "overlong", "\xe0\x80\xb0", 3, 0, PAN_CLS_OTHER, 1, 0 },
	{ "stray_continuation", "\x99", 1, 0, PAN_CLS_OTHER, 1, 0 },
	{ "byte_ff", "\xff", 1, 0, PAN_CLS_OTHER, 1, 0 },
};

/* test_char - one character-class row */
static void
test_char(void **state)
{
	const struct ccase *c = *state;
	size_t len = 99;
	int val = -1, cls;

	cls = pan_ctx_char((const uint8_t *)c->bytes, c->n, c->eof, &len,
	    &val);
	assert_int_equal(cls, c->cls);
	if (cls == PAN_CLS_MORE)
		return;
	assert_int_equal(len, c->len);
	if (cls == PAN_CLS_DIGIT)
		assert_int_equal(val, c->val);
}

/* --- pan_ctx_high and pan_ctx_cvc --------------------------------------- */

struct xcase {
	const char *name;
	const char *text;	/* the candidate is the first V16 */
	int high;
	int ncvc;
	size_t cvc_at;		/* start of the first code */
};

static const struct xcase xcases[] = {
	{ "kw_card_before", "card " V16, 1, 0, 0 },
	{ "kw_visa_after", V16 " visa", 1, 0, 0 },
	{ "kw_upper", "CREDIT " V16, 1, 0, 0 },
	{ "kw_inside_word", "discardable " V16, 0, 0, 0 },
	{ "kw_cc_in_account", "account " V16, 0, 0, 0 },
	{ "kw_pan_in_company", "company " V16, 0, 0, 0 },
	{ "expiry_mm_yy", V16 " 03/29", 1, 0, 0 },
	{ "expiry_mm_yyyy", V16 " 03/2029", 1, 0, 0 },
	{ "expiry_month_13", V16 " 13/29", 0, 0, 0 },
	{ "expiry_in_iso_date", V16 " 2029-03-01", 0, 0, 0 },
	{ "expiry_in_us_date", V16 " 03/01/2029", 0, 0, 0 },
	{ "plain", "ref " V16 " ok", 0, 0, 0 },
	{ "cvc_colon", V16 " CVV: 123", 1, 1, 22 },
	{ "cvc_hash", V16 " cvc#4321", 1, 1, 21 },
	{ "cvc_glued", V16 " CVC2 987", 1, 1, 22 },
	{ "cvc_before", "csc 555 " V16, 1, 1, 4 },
	{ "cvc_five_digits", V16 " CVV 12345", 1, 0, 0 },
	{ "cvc_word_code", V16 " security code: 789", 0, 1, 32 },
	{ "cvc_codice", "codice di sicurezza 246 " V16, 0, 1, 20 },
};

/* test_ctx - one context row */
static void
test_ctx(void **state)
{
	const struct xcase *c = *state;
	const char *p = strstr(c->text, V16);
	size_t out[4][2], s, n = strlen(c->text), got;

	assert_non_null(p);
	s = (size_t)(p - c->text);
	assert_int_equal(pan_ctx_high((const uint8_t *)c->text, n, s, s + 16),
	    c->high);
	got = pan_ctx_cvc((const uint8_t *)c->text, n, s, s + 16, out, 4);
	assert_int_equal(got, c->ncvc);
	if (got > 0)
		assert_int_equal(out[0][0], c->cvc_at);
}

#define NT	(sizeof(tcases) / sizeof(tcases[0]))
#define NC	(sizeof(ccases) / sizeof(ccases[0]))
#define NX	(sizeof(xcases) / sizeof(xcases[0]))

int
main(void)
{
	static struct CMUnitTest tests[NT + NC + NX];
	size_t i, n = 0;

	for (i = 0; i < NT; i++) {
		tests[n].name = tcases[i].name;
		tests[n].test_func = test_track;
		tests[n++].initial_state = (void *)&tcases[i];
	}
	for (i = 0; i < NC; i++) {
		tests[n].name = ccases[i].name;
		tests[n].test_func = test_char;
		tests[n++].initial_state = (void *)&ccases[i];
	}
	for (i = 0; i < NX; i++) {
		tests[n].name = xcases[i].name;
		tests[n].test_func = test_ctx;
		tests[n++].initial_state = (void *)&xcases[i];
	}
	if (n != NT + NC + NX)
		return 1;
	return cmocka_run_group_tests_name("pan_track", tests, NULL, NULL);
}
