/*
 * test_enc_mime - base64, quoted-printable and RFC 2047 encoders, checked
 * by round trips through the project's own decoders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dec_b64.h"
#include "dec_qp.h"
#include "enc_mime.h"
#include "mime_word.h"
#include "pm_arena.h"

/* check_lines - every line of p[0..n) (ended by eol) is at most max
 * characters long and has no trailing space or tab */
static void
check_lines(const unsigned char *p, size_t n, const char *eol, size_t max)
{
	size_t el = strlen(eol), s = 0, i;

	for (i = 0; i + el <= n; i++) {
		if (memcmp(p + i, eol, el) != 0)
			continue;
		assert_true(i - s <= max);
		if (i > s)
			assert_true(p[i - 1] != ' ' && p[i - 1] != '\t');
		s = i + el;
		i += el - 1;
	}
	assert_true(n - s <= max);
}

/* test_b64_roundtrip - lengths 0..300, CRLF and LF lines */
static void
test_b64_roundtrip(void **state)
{
	static const char *const eols[] = { "\r\n", "\n" };
	unsigned char in[301], *enc = NULL, *dec = NULL;
	size_t n, i, e, el, got, bound;
	unsigned defects;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (e = 0; e < 2; e++) {
		el = strlen(eols[e]);
		for (n = 0; n <= 300; n++) {
			bound = enc_mime_b64_bound(n, el);
			enc = malloc(bound + 1);
			dec = malloc(dec_b64_bound(bound) + 1);
			assert_non_null(enc);
			assert_non_null(dec);
			got = enc_mime_b64(in, n, eols[e], enc);
			assert_true(got <= bound);
			assert_int_equal(got, n == 0 ? 0 : (n + 2) / 3 * 4
			    + ((n + 2) / 3 * 4 + 75) / 76 * el);
			check_lines(enc, got, eols[e], 76);
			defects = 0;
			assert_int_equal(dec_b64(enc, got, dec, &defects), n);
			assert_int_equal(defects & DEC_B64_BAD_PADDING, 0);
			if (n > 0)
				assert_memory_equal(dec, in, n);
			free(enc);
			free(dec);
		}
	}
}

struct qp_row {
	const char *name;
	const char *in;
	size_t in_len;
	const char *eol;
	const char *want;	/* exact encoding, or NULL: round trip only */
};

#define QROW(n, i, e, w) { n, i, sizeof(i) - 1, e, w }

static const struct qp_row qp_rows[] = {
	QROW("qp_empty", "", "\r\n", ""),
	QROW("qp_plain", "hello world", "\r\n", "hello world"),
	QROW("qp_equals", "a=b", "\r\n", "a=3Db"),
	QROW("qp_trailing_space_end", "abc  ", "\r\n", "abc =20"),
	QROW("qp_trailing_tab_crlf", "abc\t\r\nx", "\r\n", "abc=09\r\nx"),
	QROW("qp_trailing_space_lf", "abc \nx", "\n", "abc=20\nx"),
	QROW("qp_8bit", "caf\xc3\xa9", "\r\n", "caf=C3=A9"),
	QROW("qp_lone_cr", "a\rb", "\r\n", "a=0Db"),
	QROW("qp_nul", "a\0b", "\r\n", "a=00b"),
	QROW("qp_crlf_kept", "l1\r\nl2\r\n", "\r\n", "l1\r\nl2\r\n"),
	QROW("qp_lf_to_crlf", "l1\nl2", "\r\n", "l1\r\nl2"),
	QROW("qp_long_line", "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789", "\r\n", NULL),
	QROW("qp_long_8bit", "\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf"
	    "\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf"
	    "\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf\xe2\x80\xaf x", "\n", NULL),
	QROW("qp_long_spaces", "                                        "
	    "                                                  \r\nz", "\r\n",
	    NULL),
	QROW("qp_exact_76", "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345\r\nnext", "\r\n",
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345\r\nnext"),
	QROW("qp_card_digits", "card 4111 1111 1111 1111 = paid", "\r\n",
	    "card 4111 1111 1111 1111 =3D paid"),
};

#define QP_NROWS (sizeof(qp_rows) / sizeof(qp_rows[0]))

/* want_qp_dec - the input with every line break written as eol */
static size_t
want_qp_dec(const struct qp_row *r, unsigned char *out)
{
	size_t i, o = 0, el = strlen(r->eol);

	for (i = 0; i < r->in_len; i++) {
		if (r->in[i] == '\r' && i + 1 < r->in_len
		    && r->in[i + 1] == '\n')
			continue;
		if (r->in[i] == '\n') {
			memcpy(out + o, r->eol, el);
			o += el;
		} else
			out[o++] = (unsigned char)r->in[i];
	}
	return o;
}

/* test_qp_row - exact output (when given), line rules, round trip */
static void
test_qp_row(void **state)
{
	const struct qp_row *r = *state;
	size_t el = strlen(r->eol), bound, got, i, wl, dl;
	unsigned char *enc = NULL, *dec = NULL, *want = NULL;

	bound = enc_mime_qp_bound(r->in_len, el);
	enc = malloc(bound + 1);
	dec = malloc(bound + 1);
	want = malloc(r->in_len * 2 + 1);
	assert_non_null(enc);
	assert_non_null(dec);
	assert_non_null(want);
	got = enc_mime_qp((const unsigned char *)r->in, r->in_len, r->eol,
	    enc);
	assert_true(got <= bound);
	if (r->want != NULL) {
		assert_int_equal(got, strlen(r->want));
		assert_memory_equal(enc, r->want, got);
	}
	check_lines(enc, got, r->eol, 76);
	for (i = 0; i < got; i++)
		assert_true((enc[i] >= 32 && enc[i] < 127) || enc[i] == '\r'
		    || enc[i] == '\n');
	dl = dec_qp(enc, got, dec);
	wl = want_qp_dec(r, want);
	assert_int_equal(dl, wl);
	if (wl > 0)
		assert_memory_equal(dec, want, wl);
	free(enc);
	free(dec);
	free(want);
}

struct word_row {
	const char *name;
	const char *in;
	const char *fold;
};

static const struct word_row word_rows[] = {
	{ "word_ascii", "Invoice 42", " " },
	{ "word_utf8_short", "Rechnung f\xc3\xbcr M\xc3\xa4rz", " " },
	{ "word_utf8_long_fold", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5"
	    "\xd1\x82 \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac "
	    "card 4111 11** **** 1111 \xf0\x9f\x92\xb3\xf0\x9f\x92\xb3"
	    "\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3 end", "\r\n " },
	{ "word_4byte_boundary", "\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f"
	    "\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f"
	    "\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f"
	    "\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3\xf0\x9f\x92\xb3", "\n " },
};

#define WORD_NROWS (sizeof(word_rows) / sizeof(word_rows[0]))

/* test_word_row - encode, every word <= 64 chars, decode back */
static void
test_word_row(void **state)
{
	const struct word_row *r = *state;
	struct pm_arena *a = NULL;
	size_t n = strlen(r->in), bound, got, ol = 0, i, s = 0;
	unsigned char *enc = NULL;
	char *out = NULL;
	unsigned defects = 0;

	a = pm_arena_new(0);
	assert_non_null(a);
	bound = enc_mime_word_bound(n, strlen(r->fold));
	enc = pm_arena_alloc(a, bound + 1);
	assert_non_null(enc);
	got = enc_mime_word((const unsigned char *)r->in, n, r->fold, enc);
	assert_true(got <= bound);
	assert_memory_equal(enc, "=?UTF-8?B?", 10);
	for (i = 0; i <= got; i++) {
		if (i == got || enc[i] == ' ' || enc[i] == '\n'
		    || enc[i] == '\r') {
			assert_true(i - s <= 64);
			s = i + 1;
		}
	}
	assert_int_equal(mime_word_decode(a, (const char *)enc, got, &out,
	    &ol, &defects), PM_OK);
	assert_int_equal(ol, n);
	assert_memory_equal(out, r->in, n);
	pm_arena_free(a);
}

int
main(void)
{
	struct CMUnitTest tests[1 + QP_NROWS + WORD_NROWS];
	size_t i, k = 0;

	memset(tests, 0, sizeof(tests));
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_b64_roundtrip);
	for (i = 0; i < QP_NROWS; i++, k++) {
		tests[k].name = qp_rows[i].name;
		tests[k].test_func = test_qp_row;
		tests[k].initial_state = (void *)&qp_rows[i];
	}
	for (i = 0; i < WORD_NROWS; i++, k++) {
		tests[k].name = word_rows[i].name;
		tests[k].test_func = test_word_row;
		tests[k].initial_state = (void *)&word_rows[i];
	}
	return cmocka_run_group_tests_name("enc_mime", tests, NULL, NULL);
}
