/*
 * test_pm_text - the hex digit value and the UTF-8 writer the decoders
 * share: every byte for the one, every code point (against iconv's
 * UTF-32 to UTF-8) for the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "pm_text.h"

static void
test_hexval_every_byte(void **state)
{
	static const char digits[] = "0123456789abcdef";
	unsigned c;
	const char *p;
	int want;

	(void)state;
	for (c = 0; c < 256; c++) {
		p = c == 0 ? NULL : strchr(digits,
		    c >= 'A' && c <= 'F' ? (int)(c + 32) : (int)c);
		want = p == NULL ? -1 : (int)(p - digits);
		assert_int_equal(pm_hexval((unsigned char)c), want);
	}
}

/* every code point but the surrogates, against iconv */
static void
test_utf8_every_code_point(void **state)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-32LE");
	unsigned char in[4], want[8], got[8];
	uint32_t cp;
	size_t n, il, ol;
	char *ip, *op;

	(void)state;
	assert_true(cd != (iconv_t)-1);
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		in[0] = (unsigned char)cp;
		in[1] = (unsigned char)(cp >> 8);
		in[2] = (unsigned char)(cp >> 16);
		in[3] = 0;
		ip = (char *)in;
		op = (char *)want;
		il = 4;
		ol = sizeof(want);
		assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol),
		    (size_t)-1);
		memset(got, 0xAA, sizeof(got));
		n = pm_utf8_put(got, cp);
		assert_int_equal(n, sizeof(want) - ol);
		assert_memory_equal(got, want, n);
		assert_int_equal(got[n], 0xAA);	/* nothing past it */
	}
	iconv_close(cd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hexval_every_byte),
		cmocka_unit_test(test_utf8_every_code_point),
	};

	return cmocka_run_group_tests_name("pm_text", tests, NULL, NULL);
}
