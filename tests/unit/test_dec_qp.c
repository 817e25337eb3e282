/*
 * test_dec_qp - quoted-printable decoding, table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dec_qp.h"

struct qp_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
};

#define ROW(n, i, w) { n, i, sizeof(i) - 1, w, sizeof(w) - 1 }

static const struct qp_case qp_cases[] = {
	ROW("empty", "", ""),
	ROW("plain", "4111 1111 1111 1111", "4111 1111 1111 1111"),
	ROW("soft_crlf", "4111 11=\r\n11 1111 1111", "4111 1111 1111 1111"),
	ROW("soft_lf", "4111 11=\n11 1111 1111", "4111 1111 1111 1111"),
	ROW("soft_cr", "4111 11=\r11 1111 1111", "4111 1111 1111 1111"),
	ROW("soft_trailing_ws", "4111 11= \t \r\n11 1111", "4111 1111 1111"),
	ROW("soft_at_end", "abc=", "abc"),
	ROW("soft_ws_at_end", "abc=  ", "abc"),
	ROW("soft_every_digit", "4=\n1=\n1=\n1", "4111"),
	ROW("hex_upper", "=34=31=31=31", "4111"),
	ROW("hex_lower", "=3d=c3=a9", "=\xc3\xa9"),
	ROW("hex_mixed", "=3D=c3=A9", "=\xc3\xa9"),
	ROW("nul_byte", "a=00b", "a\0b"),
	ROW("bad_hex", "=G1x", "=G1x"),
	ROW("half_hex", "=4", "=4"),
	ROW("half_hex_g", "=4g", "=4g"),
	ROW("eq_eq_hex", "==41", "=A"),
	ROW("eq_then_space_text", "a= b", "a= b"),
	ROW("lone_eq", "=", ""),
	ROW("hard_crlf_kept", "a\r\nb", "a\r\nb"),
	ROW("trailing_ws_kept", "a  \r\nb\t\n", "a  \r\nb\t\n"),
	ROW("eq_at_line_start", "=\r\n=\r\n4111", "4111"),
	ROW("long_escape_run", "=41=42=43=44=45=46=47=48", "ABCDEFGH"),
	ROW("binary_passthrough", "\xff\x80\x01", "\xff\x80\x01"),
};

#define QP_NCASES (sizeof(qp_cases) / sizeof(qp_cases[0]))

/* test_qp_row - one row, out of place and in place */
static void
test_qp_row(void **state)
{
	const struct qp_case *c = *state;
	unsigned char *out = malloc(c->in_len + 1), *buf = NULL;
	size_t got;

	assert_non_null(out);
	got = dec_qp((const unsigned char *)c->in, c->in_len, out);
	assert_int_equal(got, c->want_len);
	assert_memory_equal(out, c->want, got);
	buf = malloc(c->in_len + 1);
	assert_non_null(buf);
	memcpy(buf, c->in, c->in_len);
	got = dec_qp(buf, c->in_len, buf);
	assert_int_equal(got, c->want_len);
	assert_memory_equal(buf, c->want, got);
	free(out);
	free(buf);
}

/* test_qp_random - random QP-ish input: output never longer, exact-size
 * buffers for ASan */
static void
test_qp_random(void **state)
{
	static const char alpha[] = "=\r\n \t0123456789abcdefABCDEFxyz";
	unsigned char *in = NULL, *out = NULL;
	uint32_t s = 4242;
	size_t n, i, got;
	int round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		n = s % 64;
		in = malloc(n + 1);
		out = malloc(n + 1);
		assert_non_null(in);
		assert_non_null(out);
		for (i = 0; i < n; i++) {
			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			in[i] = (unsigned char)alpha[s % (sizeof(alpha) - 1)];
		}
		got = dec_qp(in, n, out);
		assert_true(got <= n);
		free(in);
		free(out);
	}
}

int
main(void)
{
	struct CMUnitTest tests[QP_NCASES + 1];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < QP_NCASES; i++) {
		tests[i].name = qp_cases[i].name;
		tests[i].test_func = test_qp_row;
		tests[i].initial_state = (void *)&qp_cases[i];
	}
	tests[i] = (struct CMUnitTest)cmocka_unit_test(test_qp_random);
	return cmocka_run_group_tests_name("dec_qp", tests, NULL, NULL);
}
