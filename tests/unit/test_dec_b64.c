/*
 * test_dec_b64 - RFC 4648 vectors, tolerance, and round trips through
 * both the SIMD and the scalar paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dec_b64.h"
#include "pm_cpu.h"

struct b64_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
	unsigned defects;
};

#define ROW(n, i, w, d) { n, i, sizeof(i) - 1, w, sizeof(w) - 1, d }

static const struct b64_case b64_cases[] = {
	/* RFC 4648 section 10 */
	ROW("rfc4648_empty", "", "", 0),
	ROW("rfc4648_f", "Zg==", "f", 0),
	ROW("rfc4648_fo", "Zm8=", "fo", 0),
	ROW("rfc4648_foo", "Zm9v", "foo", 0),
	ROW("rfc4648_foob", "Zm9vYg==", "foob", 0),
	ROW("rfc4648_fooba", "Zm9vYmE=", "fooba", 0),
	ROW("rfc4648_foobar", "Zm9vYmFy", "foobar", 0),
	ROW("missing_pad_1", "Zg", "f", DEC_B64_BAD_PADDING),
	ROW("missing_pad_2", "Zm8", "fo", DEC_B64_BAD_PADDING),
	ROW("half_pad", "Zg=", "f", DEC_B64_BAD_PADDING),
	ROW("lone_sextet", "Zm9vY", "foo", DEC_B64_BAD_PADDING),
	ROW("lone_sextet_padded", "Zm9vY===", "foo", DEC_B64_BAD_PADDING),
	ROW("stray_pad", "=Zm9v", "foo", DEC_B64_BAD_PADDING),
	ROW("whitespace_everywhere", " Z m\t9\r\nv Y\fm\vF y \r\n",
	    "foobar", 0),
	ROW("crlf_lines", "NDExMSAx\r\nMTExIDEx\r\nMTEgMTEx\r\nMQ==\r\n",
	    "4111 1111 1111 1111", 0),
	ROW("lf_lines", "NDExMSAx\nMTExIDEx\nMTEgMTEx\nMQ==\n",
	    "4111 1111 1111 1111", 0),
	ROW("junk", "Zm9v*Ym#Fy!", "foobar", DEC_B64_JUNK),
	ROW("nul_junk", "Zm\0009vYmFy", "foobar", DEC_B64_JUNK),
	ROW("concatenated", "Zg==Zm8=Zm9v", "ffofoo", 0),
	ROW("concat_newline", "Zg==\r\nZm9vYg==\r\n", "ffoob", 0),
	ROW("concat_no_pad", "Zg=Zm9v", "ffoo", DEC_B64_BAD_PADDING),
	ROW("only_padding", "====", "", DEC_B64_BAD_PADDING),
	ROW("only_junk", "!!!!", "", DEC_B64_JUNK),
	ROW("high_bytes", "\xff\xfeZm9v\x80", "foo", DEC_B64_JUNK),
	ROW("plus_slash", "+/+/", "\xfb\xff\xbf", 0),
	ROW("long_line_48", "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAA", 0),
};

#define B64_NCASES (sizeof(b64_cases) / sizeof(b64_cases[0]))

/* test_b64_row - one table row, with and without SIMD */
static void
test_b64_row(void **state)
{
	const struct b64_case *c = *state;
	size_t n = c->in_len, got;
	unsigned char *out = NULL;
	unsigned def = 0xffff;
	int simd;

	for (simd = 0; simd <= 1; simd++) {
		pm_cpu_simd(simd);
		out = malloc(dec_b64_bound(n));
		assert_non_null(out);
		got = dec_b64((const unsigned char *)c->in, n, out, &def);
		assert_int_equal(got, c->want_len);
		assert_memory_equal(out, c->want, got);
		assert_int_equal(def, c->defects);
		free(out);
	}
	pm_cpu_simd(1);
}

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_encode - reference encoder: lines of width chars (0: one line),
 * eol between lines; returns length written (out must be big enough) */
static size_t
b64_encode(const unsigned char *in, size_t n, char *out, size_t width,
    const char *eol)
{
	size_t i, o = 0, col = 0, k;
	uint32_t v;
	char q[4];

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		q[0] = b64_alpha[v >> 18 & 63];
		q[1] = b64_alpha[v >> 12 & 63];
		q[2] = i + 1 < n ? b64_alpha[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64_alpha[v & 63] : '=';
		for (k = 0; k < 4; k++) {
			if (width > 0 && col == width) {
				memcpy(out + o, eol, strlen(eol));
				o += strlen(eol);
				col = 0;
			}
			out[o++] = q[k];
			col++;
		}
	}
	return o;
}

/* b64_rand - deterministic xorshift so failures reproduce */
static uint32_t
b64_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* b64_check - decode enc[0..m) into an exact-size heap buffer (ASan
 * sees any overrun) and compare with want */
static void
b64_check(const char *enc, size_t m, const unsigned char *want, size_t n,
    unsigned want_def)
{
	unsigned char *in = malloc(m + 1), *out = malloc(dec_b64_bound(m));
	unsigned def = 0;
	size_t got;

	assert_non_null(in);
	assert_non_null(out);
	memcpy(in, enc, m);
	got = dec_b64(in, m, out, &def);
	assert_int_equal(got, n);
	assert_memory_equal(out, want, n);
	assert_int_equal(def, want_def);
	/* in place gives the same bytes */
	got = dec_b64(in, m, in, &def);
	assert_int_equal(got, n);
	assert_memory_equal(in, want, n);
	free(in);
	free(out);
}

/* test_b64_roundtrip - every length 0..100, several line widths */
static void
test_b64_roundtrip(void **state)
{
	static const size_t widths[] = { 0, 76, 64, 4, 5, 73 };
	static const char *const eols[] = { "\r\n", "\n", " " };
	unsigned char data[100];
	char enc[400];
	uint32_t s = 12345;
	size_t len, w, e, m, i;
	int simd;

	(void)state;
	for (simd = 0; simd <= 1; simd++) {
		pm_cpu_simd(simd);
		for (len = 0; len <= 100; len++) {
			for (i = 0; i < len; i++)
				data[i] = (unsigned char)b64_rand(&s);
			for (w = 0; w < 6; w++) {
				for (e = 0; e < 3; e++) {
					m = b64_encode(data, len, enc,
					    widths[w], eols[e]);
					b64_check(enc, m, data, len, 0);
				}
			}
		}
	}
	pm_cpu_simd(1);
}

/* test_b64_long_lines - longer texts, line widths aligned and not
 * aligned to quads, every line end: the SIMD line-end handling */
static void
test_b64_long_lines(void **state)
{
	static const size_t lens[] = { 1000, 4099 };
	static const size_t widths[] = { 76, 72, 64, 60, 75, 33, 4, 0 };
	static const char *const eols[] = { "\r\n", "\n", "\r", " \r\n" };
	unsigned char *data = malloc(4099);
	char *enc = malloc(4099 * 4);
	uint32_t s = 4711;
	size_t l, w, e, m, i;
	int simd;

	(void)state;
	assert_non_null(data);
	assert_non_null(enc);
	for (i = 0; i < 4099; i++)
		data[i] = (unsigned char)b64_rand(&s);
	for (simd = 0; simd <= 1; simd++) {
		pm_cpu_simd(simd);
		for (l = 0; l < 2; l++) {
			for (w = 0; w < 8; w++) {
				for (e = 0; e < 4; e++) {
					m = b64_encode(data, lens[l], enc,
					    widths[w], eols[e]);
					b64_check(enc, m, data, lens[l], 0);
				}
			}
		}
	}
	pm_cpu_simd(1);
	free(data);
	free(enc);
}

/* test_b64_junk_everywhere - a junk byte at every position of a
 * multi-line text: fast paths break there, the slow path resumes */
static void
test_b64_junk_everywhere(void **state)
{
	static const unsigned char junk[] = { '*', 0, 0xff, '-', '.' };
	unsigned char data[300];
	char enc[500], bad[501];
	uint32_t s = 777;
	size_t m, i, pos;
	int simd;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)b64_rand(&s);
	m = b64_encode(data, sizeof(data), enc, 76, "\r\n");
	for (simd = 0; simd <= 1; simd++) {
		pm_cpu_simd(simd);
		for (pos = 0; pos <= m; pos++) {
			memcpy(bad, enc, pos);
			bad[pos] = (char)junk[pos % sizeof(junk)];
			memcpy(bad + pos + 1, enc + pos, m - pos);
			b64_check(bad, m + 1, data, sizeof(data),
			    DEC_B64_JUNK);
		}
	}
	pm_cpu_simd(1);
}

/* test_b64_garbage - random bytes: never more than the bound, and the
 * SIMD and scalar paths agree */
static void
test_b64_garbage(void **state)
{
	unsigned char in[1000], *a = NULL, *b = NULL;
	uint32_t s = 99;
	size_t i, n, ga, gb;
	unsigned da, db;
	int round;

	(void)state;
	for (round = 0; round < 200; round++) {
		n = b64_rand(&s) % sizeof(in);
		for (i = 0; i < n; i++) {
			/* mostly alphabet so the fast paths run */
			in[i] = b64_rand(&s) % 8 == 0 ?
			    (unsigned char)b64_rand(&s) :
			    (unsigned char)b64_alpha[b64_rand(&s) % 64];
		}
		a = malloc(dec_b64_bound(n));
		b = malloc(dec_b64_bound(n));
		assert_non_null(a);
		assert_non_null(b);
		pm_cpu_simd(1);
		ga = dec_b64(in, n, a, &da);
		pm_cpu_simd(0);
		gb = dec_b64(in, n, b, &db);
		assert_true(ga <= dec_b64_bound(n));
		assert_int_equal(ga, gb);
		assert_memory_equal(a, b, ga);
		assert_int_equal(da, db);
		free(a);
		free(b);
	}
	pm_cpu_simd(1);
}

/* test_b64_all_bytes - each of the 256 byte values alone in a quad */
static void
test_b64_all_bytes(void **state)
{
	char q[80];
	unsigned char out[80];
	unsigned def;
	size_t got;
	int c, simd;

	(void)state;
	for (simd = 0; simd <= 1; simd++) {
		pm_cpu_simd(simd);
		for (c = 0; c < 256; c++) {
			/* 64 'A's with c in the middle: SIMD block sees it */
			memset(q, 'A', 64);
			q[20] = (char)c;
			got = dec_b64((unsigned char *)q, 64, out, &def);
			if (strchr(b64_alpha, c) != NULL && c != 0) {
				assert_int_equal(got, 48);
				assert_int_equal(def, 0);
			} else {
				assert_int_equal(got, 47);
				assert_true(def != 0);
			}
		}
	}
	pm_cpu_simd(1);
}

/* test_b64_null_defects - defects may be NULL */
static void
test_b64_null_defects(void **state)
{
	unsigned char out[8];

	(void)state;
	assert_int_equal(dec_b64((const unsigned char *)"Zm9v!", 5, out,
	    NULL), 3);
	assert_int_equal(dec_b64_bound(0), 3);
}

int
main(void)
{
	struct CMUnitTest tests[B64_NCASES + 6];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < B64_NCASES; i++) {
		tests[i].name = b64_cases[i].name;
		tests[i].test_func = test_b64_row;
		tests[i].initial_state = (void *)&b64_cases[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_b64_roundtrip);
	tests[i++] =
	    (struct CMUnitTest)cmocka_unit_test(test_b64_junk_everywhere);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_b64_long_lines);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_b64_garbage);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_b64_all_bytes);
	tests[i++] =
	    (struct CMUnitTest)cmocka_unit_test(test_b64_null_defects);
	return cmocka_run_group_tests_name("dec_b64", tests, NULL, NULL);
}
