/*
 * test_dec_iconv - charset families, BOMs, UTF-16 sniffing, invalid
 * input, unknown names; table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "dec_iconv.h"

#define ANYFLAGS	0xffffu

struct ic_case {
	const char *name;
	const char *charset;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
	unsigned flags;		/* ANYFLAGS: not checked */
	int same;		/* output must be the input itself */
};

#define CV	DEC_ICONV_CONVERTED
#define RAW	DEC_ICONV_RAW
#define INV	DEC_ICONV_INVALID
#define SN	DEC_ICONV_SNIFFED
#define ROW(n, cs, i, w, f, s) \
	{ n, cs, i, sizeof(i) - 1, w, sizeof(w) - 1, f, s }

static const struct ic_case ic_cases[] = {
	ROW("utf8_valid", "utf-8", "caf\xc3\xa9 4111", "caf\xc3\xa9 4111",
	    0, 1),
	ROW("utf8_upper_name", "UTF-8", "4111", "4111", 0, 1),
	ROW("utf8_alias_utf8", "utf8", "4111", "4111", 0, 1),
	ROW("utf8_quoted_name", "\"utf-8\"", "4111", "4111", 0, 1),
	ROW("utf8_translit_suffix", "utf-8//TRANSLIT", "41", "41", 0, 1),
	ROW("utf8_bom", "UTF-8", "\xef\xbb\xbf" "4111", "4111", CV, 0),
	ROW("utf8_invalid", "utf-8", "a\xff" "b\xc3",
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd", CV | INV, 0),
	ROW("utf8_overlong", "utf-8", "\xc0\xaf",
	    "\xef\xbf\xbd\xef\xbf\xbd", CV | INV, 0),
	ROW("utf8_surrogate", "utf-8", "\xed\xa0\x80" "1",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "1", CV | INV, 0),
	ROW("utf8_astral_ok", "utf-8", "\xf0\x9f\x98\x80",
	    "\xf0\x9f\x98\x80", 0, 1),
	ROW("utf8_too_big", "utf-8", "\xf4\x90\x80\x80",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", CV | INV, 0),
	ROW("us_ascii", "US-ASCII", "4111 1111", "4111 1111", 0, 1),
	ROW("us_ascii_really_utf8", "us-ascii", "caf\xc3\xa9",
	    "caf\xc3\xa9", 0, 1),
	ROW("us_ascii_really_latin1", "us-ascii", "caf\xe9",
	    "caf\xc3\xa9", CV, 0),
	ROW("iso_8859_1", "ISO-8859-1", "caf\xe9 \x96",
	    "caf\xc3\xa9 \xe2\x80\x93", CV, 0),
	ROW("latin1_alias", "latin1", "\xe9", "\xc3\xa9", CV, 0),
	ROW("latin1_quoted_upper", " 'ISO-8859-1' ", "\xe9", "\xc3\xa9",
	    CV, 0),
	ROW("iso_8859_2", "iso-8859-2", "\xb1", "\xc4\x85", CV, 0),
	ROW("iso_8859_5", "iso-8859-5", "\xb0", "\xd0\x90", CV, 0),
	ROW("iso_8859_15", "ISO-8859-15", "\xa4", "\xe2\x82\xac", CV, 0),
	ROW("iso_ascii_as_is", "iso-8859-2", "4111 1111", "4111 1111", 0, 1),
	ROW("windows_1250", "windows-1250", "\x8a", "\xc5\xa0", CV, 0),
	ROW("windows_1251", "windows-1251", "\xc0", "\xd0\x90", CV, 0),
	ROW("windows_1252", "windows-1252", "\x80", "\xe2\x82\xac", CV, 0),
	ROW("cp1252_alias", "cp1252", "\x96", "\xe2\x80\x93", CV, 0),
	ROW("cp1252_undefined", "cp1252", "1\x81" "2", "1\xef\xbf\xbd" "2",
	    CV | INV, 0),
	ROW("koi8_r", "KOI8-R", "\xe1", "\xd0\x90", CV, 0),
	ROW("utf16_bom_le", "utf-16", "\xff\xfe" "4\0" "1\0", "41", CV, 0),
	ROW("utf16_bom_be", "UTF-16", "\xfe\xff\0" "4\0" "1", "41", CV, 0),
	ROW("utf16_sniff_le", "utf-16", "4\0" "1\0" "1\0", "411",
	    CV | SN, 0),
	ROW("utf16_sniff_be", "utf-16", "\0" "4\0" "1", "41", CV | SN, 0),
	ROW("utf16_default_be", "utf-16", "\x30\x42", "\xe3\x81\x82",
	    CV | SN, 0),
	ROW("utf16le_label", "UTF-16LE", "4\0" "1\0", "41", CV, 0),
	ROW("utf16le_label_bom", "utf-16le", "\xff\xfe" "4\0", "4", CV, 0),
	ROW("utf16be_label", "utf-16be", "\0" "4", "4", CV, 0),
	ROW("utf16be_label_bom", "UTF-16BE", "\xfe\xff\0" "4", "4", CV, 0),
	ROW("utf16_fullwidth_digits", "utf-16le", "\x14\xff\x11\xff",
	    "\xef\xbc\x94\xef\xbc\x91", CV, 0),
	ROW("utf16_odd_count", "utf-16le", "4\0" "1\0" "1", "41",
	    CV | INV, 0),
	ROW("utf16_lone_surrogate", "utf-16le", "\x00\xd8" "4\0",
	    "\xef\xbf\xbd" "4", CV | INV, 0),
	ROW("utf16_one_byte", "utf-16le", "4", "", CV | INV, 0),
	ROW("shift_jis", "Shift_JIS", "\x82\x53\x82\x50",
	    "\xef\xbc\x94\xef\xbc\x91", CV, 0),
	ROW("gb2312", "GB2312", "\xa3\xb4\xa3\xb1",
	    "\xef\xbc\x94\xef\xbc\x91", CV, 0),
	ROW("gbk", "gbk", "\x81\x40", "\xe4\xb8\x82", CV, 0),
	ROW("utf7", "unicode-1-1-utf-7", "+AGEAYgBj-", "abc", CV, 0),
	ROW("iso_2022_jp", "ISO-2022-JP", "\x1b$B#4#1\x1b(B1",
	    "\xef\xbc\x94\xef\xbc\x91" "1", CV, 0),
	ROW("iso_2022_jp_ascii", "iso-2022-jp", "4111", "4111", 0, 1),
	ROW("ebcdic", "IBM1047", "\xf4\xf1", "41", CV, 0),
	ROW("unknown_charset", "x-no-such-charset", "\xe9 4111",
	    "\xe9 4111", RAW, 1),
	ROW("unknown_charset_utf16", "x-foo", "4\0" "1\0" "1\0" "1\0",
	    "4111", CV | SN, 0),
	ROW("path_charset", "../../etc/passwd", "4111", "4111", RAW, 1),
	ROW("garbage_charset", "utf\x01-8\xff", "4111", "4111", RAW, 1),
	ROW("x_unknown", "x-unknown", "abc\xff", "abc\xff", RAW, 1),
	ROW("null_raw", NULL, "4111 \xe9", "4111 \xe9", RAW, 1),
	ROW("null_bom_utf8", NULL, "\xef\xbb\xbf" "41", "41", CV | SN, 0),
	ROW("null_bom_utf16le", NULL, "\xff\xfe" "4\0", "4", CV | SN, 0),
	ROW("null_bom_utf16be", NULL, "\xfe\xff\0" "4", "4", CV | SN, 0),
	ROW("null_nuls", NULL, "\0\0\0\0\0\0\0\0", "\0\0\0\0\0\0\0\0",
	    RAW, 1),
	ROW("empty_utf8", "utf-8", "", "", 0, 0),
	ROW("empty_latin1", "latin1", "", "", ANYFLAGS, 0),
	ROW("empty_utf16", "utf-16", "", "", ANYFLAGS, 0),
	ROW("empty_null", NULL, "", "", RAW, 0),
};

#define IC_NCASES (sizeof(ic_cases) / sizeof(ic_cases[0]))

/* test_ic_row - one row; the input is copied to an exact-size buffer */
static void
test_ic_row(void **state)
{
	const struct ic_case *c = *state;
	struct pm_arena *a = pm_arena_new(0);
	unsigned char *in = malloc(c->in_len + 1);
	const unsigned char *out = NULL;
	size_t outlen = 12345;
	unsigned flags = 0xdead;

	assert_non_null(a);
	assert_non_null(in);
	memcpy(in, c->in, c->in_len);
	assert_int_equal(dec_iconv(a, c->charset, in, c->in_len, &out,
	    &outlen, &flags), PM_OK);
	assert_int_equal(outlen, c->want_len);
	if (outlen > 0)
		assert_memory_equal(out, c->want, outlen);
	if (c->flags != ANYFLAGS)
		assert_int_equal(flags, c->flags);
	if (c->same)
		assert_ptr_equal(out, in);
	pm_arena_free(a);
	free(in);
}

/* test_ic_cap - the arena cap gives PM_ENOMEM and hit_cap */
static void
test_ic_cap(void **state)
{
	struct pm_arena *a = pm_arena_new(64 * 1024);
	size_t n = 100 * 1024;
	unsigned char *in = malloc(n);
	const unsigned char *out = NULL;
	size_t outlen = 0;
	unsigned flags = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	memset(in, 0xe9, n);
	assert_int_equal(dec_iconv(a, "iso-8859-1", in, n, &out, &outlen,
	    &flags), PM_ENOMEM);
	assert_true(pm_arena_hit_cap(a));
	pm_arena_free(a);
	free(in);
}

/* test_ic_big_utf16 - 1 MB of UTF-16LE digits with a few bad units */
static void
test_ic_big_utf16(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	size_t n = 1024 * 1024 + 1, i;
	unsigned char *in = malloc(n);
	const unsigned char *out = NULL;
	size_t outlen = 0;
	unsigned flags = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	for (i = 0; i + 1 < n; i += 2) {
		in[i] = (unsigned char)('0' + i / 2 % 10);
		in[i + 1] = 0;
	}
	in[n - 1] = '7';
	in[1001] = 0xdc;	/* lone low surrogate */
	assert_int_equal(dec_iconv(a, "utf-16", in, n, &out, &outlen,
	    &flags), PM_OK);
	assert_int_equal(outlen, (n - 1) / 2 - 1 + 3);
	assert_int_equal(flags, CV | SN | INV);
	assert_memory_equal(out, "0123456789", 10);
	pm_arena_free(a);
	free(in);
}

/* test_ic_grow - charsets that expand past the first estimate: UTF-7
 * CJK and EBCDIC (all bytes below 0x80 or mapped to 2-byte UTF-8) */
static void
test_ic_grow(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	size_t n = 8 * 3000 + 2, i, outlen = 0;
	unsigned char *in = malloc(n);
	const unsigned char *out = NULL;
	unsigned flags = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	/* "+ZeVnLIqe" is three CJK characters; repeated in one run */
	in[0] = '+';
	for (i = 0; i < 3000; i++)
		memcpy(in + 1 + 8 * i, "ZeVnLIqe", 8);
	in[n - 1] = '-';
	assert_int_equal(dec_iconv(a, "utf-7", in, n, &out, &outlen,
	    &flags), PM_OK);
	assert_int_equal(outlen, 3000 * 3 * 3);
	assert_memory_equal(out, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9);
	assert_memory_equal(out + outlen - 9,
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9);
	assert_int_equal(flags, CV);
	/* EBCDIC 0x4a is U+00A2 (2 bytes) */
	memset(in, 0x4a, n);
	assert_int_equal(dec_iconv(a, "IBM1047", in, n, &out, &outlen,
	    &flags), PM_OK);
	assert_int_equal(outlen, 2 * n);
	assert_memory_equal(out + outlen - 2, "\xc2\xa2", 2);
	pm_arena_free(a);
	free(in);
}

/* test_ic_cp1252_table - our windows-1252 table gives what glibc's
 * iconv gives, for every byte (bytes glibc refuses: U+FFFD) */
static void
test_ic_cp1252_table(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	const unsigned char *out = NULL;
	unsigned char in[1], ref[8];
	char *ip = NULL, *op = NULL;
	size_t outlen, il, ol, rl;
	unsigned flags;
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	int c;

	(void)state;
	assert_non_null(a);
	assert_true(cd != (iconv_t)-1);
	for (c = 0x80; c < 256; c++) {
		in[0] = (unsigned char)c;
		ip = (char *)in;
		op = (char *)ref;
		il = 1;
		ol = sizeof(ref);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			memcpy(ref, "\xef\xbf\xbd", 3);
			rl = 3;
		} else {
			rl = sizeof(ref) - ol;
		}
		assert_int_equal(dec_iconv(a, "cp1252", in, 1, &out, &outlen,
		    &flags), PM_OK);
		assert_int_equal(outlen, rl);
		assert_memory_equal(out, ref, rl);
	}
	iconv_close(cd);
	pm_arena_free(a);
}

/* ic_rand - xorshift32 */
static uint32_t
ic_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* test_ic_random - random bytes in every family: always PM_OK, output
 * readable and within the first estimate */
static void
test_ic_random(void **state)
{
	static const char *const cs[] = {
		NULL, "utf-8", "us-ascii", "latin1", "utf-16", "utf-16le",
		"utf-16be", "shift_jis", "gb2312", "utf-7", "iso-2022-jp",
		"koi8-r", "x-bogus", "utf-32", "euc-jp", "big5",
	};
	unsigned char buf[257], *in = NULL;
	const unsigned char *out = NULL;
	struct pm_arena *a = pm_arena_new(0);
	size_t n, i, outlen;
	unsigned flags, sum = 0;
	uint32_t s = 2024;
	int round;

	(void)state;
	assert_non_null(a);
	for (round = 0; round < 1600; round++) {
		n = ic_rand(&s) % sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)ic_rand(&s);
		in = malloc(n + 1);
		assert_non_null(in);
		memcpy(in, buf, n);
		assert_int_equal(dec_iconv(a, cs[round % 16], in, n, &out,
		    &outlen, &flags), PM_OK);
		assert_true(outlen <= n * 4 + 16);
		for (i = 0; i < outlen; i++)
			sum += out[i];
		free(in);
		pm_arena_reset(a);
	}
	(void)sum;
	pm_arena_free(a);
}

int
main(void)
{
	struct CMUnitTest tests[IC_NCASES + 5];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < IC_NCASES; i++) {
		tests[i].name = ic_cases[i].name;
		tests[i].test_func = test_ic_row;
		tests[i].initial_state = (void *)&ic_cases[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_ic_cap);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_ic_big_utf16);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_ic_grow);
	tests[i++] =
	    (struct CMUnitTest)cmocka_unit_test(test_ic_cp1252_table);
	tests[i] = (struct CMUnitTest)cmocka_unit_test(test_ic_random);
	return cmocka_run_group_tests_name("dec_iconv", tests, NULL, NULL);
}
