/*
 * test_pan_mask - display forms and masking inside UTF-8 text: every
 * style, lengths 13-19, separators, Unicode digits; never more than 10
 * original digits survive.
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
#include "pan_mask.h"
#include "pangen.h"

/* --- pan_mask_digits ------------------------------------------------- */

struct digits_case {
	char name[40];
	enum pan_mask_style style;
	size_t len;
};

#define NDCASES (2 * 7)
static struct digits_case dcases[NDCASES];

static void
test_digits(void **state)
{
	const struct digits_case *c = *state;
	struct pangen g;
	struct pan_masked m;
	char d[PANGEN_MAX_LEN + 1];
	size_t i, shown = 0;

	pangen_init(&g, 99 + c->len);
	assert_int_equal(pangen_make(&g, "4", c->len, d), 0);
	pan_mask_digits(d, c->len, c->style, &m);
	assert_int_equal(m.len, c->len);
	assert_int_equal(strlen(m.s), c->len);
	for (i = 0; i < c->len; i++) {
		int keep = i >= c->len - 4 ||
		    (c->style == PAN_MASK_FIRST6LAST4 && i < 6);

		if (keep) {
			assert_int_equal(m.s[i], d[i]);
			shown++;
		} else {
			assert_int_equal(m.s[i], '*');
		}
	}
	assert_true(shown <= 10);
	assert_int_equal(shown, c->style == PAN_MASK_LAST4 ? 4 : 10);
}

static void
test_digits_published(void **state)
{
	struct pan_masked m;

	(void)state;
	pan_mask_digits("4111111111111111", 16, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "411111******1111");
	pan_mask_digits("4111111111111111", 16, PAN_MASK_LAST4, &m);
	assert_string_equal(m.s, "************1111");
	pan_mask_digits("378282246310005", 15, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "378282*****0005");
	pan_mask_digits("4222222222222", 13, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "422222***2222");
}

static void
test_digits_odd_lengths(void **state)
{
	struct pan_masked m;

	(void)state;
	pan_mask_digits("", 0, PAN_MASK_FIRST6LAST4, &m);
	assert_int_equal(m.len, 0);
	assert_string_equal(m.s, "");
	/* short: never first six; last four only from 8 digits on */
	pan_mask_digits("1234567", 7, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "*******");
	pan_mask_digits("123456789012", 12, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "********9012");
	/* too long: clamped to 19, keeping the real first six, last four */
	pan_mask_digits("1234567890123456789012345", 25, PAN_MASK_FIRST6LAST4,
	    &m);
	assert_int_equal(m.len, PAN_MAX_DIGITS);
	assert_string_equal(m.s, "123456*********2345");
	/* a non-digit in a visible place is not copied */
	pan_mask_digits("41111x111111111y", 16, PAN_MASK_FIRST6LAST4, &m);
	assert_string_equal(m.s, "41111*******111*");
}

/* --- pan_mask_text --------------------------------------------------- */

struct sep {
	const char *name;
	const char *bytes;	/* "" for none */
};

static const struct sep seps[] = {
	{ "none", "" },
	{ "space", " " },
	{ "dash", "-" },
	{ "nbsp", "\xc2\xa0" },
	{ "thin", "\xe2\x80\x89" },
	{ "zwsp", "\xe2\x80\x8b" },
};
#define NSEPS (sizeof(seps) / sizeof(seps[0]))

struct script {
	const char *name;
	uint32_t zero;
};

static const struct script scripts[] = {
	{ "ascii", '0' },
	{ "fullwidth", 0xFF10 },
	{ "arabic", 0x0660 },
	{ "persian", 0x06F0 },
	{ "devanagari", 0x0966 },
	{ "bengali", 0x09E6 },
	{ "thai", 0x0E50 },
	{ "mathbold", 0x1D7CE },
	{ "nko", 0x07C0 },
	{ "adlam", 0x1E950 },
};
#define NSCRIPTS (sizeof(scripts) / sizeof(scripts[0]))

struct text_case {
	char name[64];
	enum pan_mask_style style;
	size_t len;
	const struct sep *sep;
	const struct script *script;
};

#define NTCASES (2 * 7 * NSEPS * NSCRIPTS)
static struct text_case tcases[NTCASES];

/* put_cp - UTF-8 encode cp at p; returns bytes written */
static size_t
put_cp(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		p[0] = (char)(0xC0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		p[0] = (char)(0xE0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		p[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	p[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* render - d in the script, grouped by four with sep; mask: NULL keeps
 * all, else a digit is written only where mask[i] != '*' */
static size_t
render(char *p, const char *d, size_t n, const struct text_case *c,
    const char *mask, char ch)
{
	size_t w = 0, i, sl = strlen(c->sep->bytes);

	for (i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0) {
			memcpy(p + w, c->sep->bytes, sl);
			w += sl;
		}
		if (mask != NULL && mask[i] == '*')
			p[w++] = ch;
		else
			w += put_cp(p + w, c->script->zero +
			    (uint32_t)(d[i] - '0'));
	}
	return w;
}

/* count_cps - UTF-8 code points in n bytes (the text is valid) */
static size_t
count_cps(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)p[i] & 0xC0) != 0x80;
	return k;
}

/* count_script_digits - digits of the given script in n bytes */
static size_t
count_script_digits(const char *p, size_t n, const struct script *s)
{
	char enc[10][4];
	size_t el[10], i, j, k = 0;

	for (j = 0; j < 10; j++)
		el[j] = put_cp(enc[j], s->zero + (uint32_t)j);
	for (i = 0; i < n; i++)
		for (j = 0; j < 10; j++)
			if (i + el[j] <= n && memcmp(p + i, enc[j], el[j]) == 0)
				k++;
	return k;
}

static void
test_text(void **state)
{
	const struct text_case *c = *state;
	struct pangen g;
	struct pan_masked m;
	char d[PANGEN_MAX_LEN + 1];
	char in[256], want[256], out[256];
	size_t n, nw, w;

	pangen_init(&g, 1000 + c->len);
	assert_int_equal(pangen_make(&g, "5", c->len, d), 0);
	pan_mask_digits(d, c->len, c->style, &m);
	n = render(in, d, c->len, c, NULL, 0);
	nw = render(want, d, c->len, c, m.s, '#');
	memset(out, 0x55, sizeof(out));
	w = pan_mask_text(in, n, c->len, c->style, '#', out);
	assert_int_equal(w, nw);
	assert_true(w <= n);
	assert_memory_equal(out, want, nw);
	assert_int_equal((unsigned char)out[w], 0x55);	/* no overrun */
	assert_int_equal(count_cps(out, w), count_cps(in, n));
	assert_true(count_script_digits(out, w, c->script) <= 10);
	assert_int_equal(count_script_digits(out, w, c->script),
	    c->style == PAN_MASK_LAST4 ? 4 : 10);
	/* the header's promise: masked text scans clean */
	assert_int_equal(pan_detect_has_pan(out, w), 0);
}

static void
test_text_wrong_ndigits(void **state)
{
	char out[32];
	size_t w;

	(void)state;
	w = pan_mask_text("4111 1111 1111 1111", 19, 15, PAN_MASK_LAST4,
	    '*', out);
	assert_int_equal(w, 19);
	assert_memory_equal(out, "**** **** **** ****", 19);
}

static void
test_text_digit_ch(void **state)
{
	char out[32];
	size_t w;

	(void)state;
	assert_int_equal(pan_detect_has_pan("4111111111111111", 16), 1);
	w = pan_mask_text("4111111111111111", 16, 16, PAN_MASK_FIRST6LAST4,
	    '0', out);
	assert_int_equal(w, 16);
	assert_memory_equal(out, "411111******1111", 16);
	assert_int_equal(pan_detect_has_pan(out, w), 0);
	w = pan_mask_text("4111111111111111", 16, 16, PAN_MASK_FIRST6LAST4,
	    '\xe2', out);
	assert_memory_equal(out, "411111******1111", 16);
}

static void
test_text_invalid_utf8(void **state)
{
	/* a stray lead byte and an overlong '1' are not digits: copied */
	const char in[] = "4111\xe2 1111\xc0\xb1 1111 1111";
	char out[sizeof(in)];
	size_t w;

	(void)state;
	w = pan_mask_text(in, sizeof(in) - 1, 16, PAN_MASK_FIRST6LAST4, 'x',
	    out);
	assert_int_equal(w, sizeof(in) - 1);
	assert_memory_equal(out, "4111\xe2 11xx\xc0\xb1 xxxx 1111",
	    sizeof(in) - 1);
}

static void
test_text_in_place(void **state)
{
	char buf[64];
	size_t n, w;

	(void)state;
	/* full-width 4111 1111 1111 1111, masked in place */
	n = 0;
	for (w = 0; w < 16; w++) {
		if (w > 0 && w % 4 == 0)
			buf[n++] = ' ';
		n += put_cp(buf + n, 0xFF10 + (w == 0 ? 4 : 1));
	}
	w = pan_mask_text(buf, n, 16, PAN_MASK_LAST4, '*', buf);
	assert_int_equal(w, 15 + 12);
	assert_memory_equal(buf, "**** **** **** \xef\xbc\x91\xef\xbc\x91"
	    "\xef\xbc\x91\xef\xbc\x91", 15 + 12);
}

/* --- main ------------------------------------------------------------ */

static const char *
style_name(enum pan_mask_style s)
{
	return s == PAN_MASK_LAST4 ? "last4" : "first6last4";
}

int
main(void)
{
	static struct CMUnitTest tests[6 + NDCASES + NTCASES];
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_digits_published),
		cmocka_unit_test(test_digits_odd_lengths),
		cmocka_unit_test(test_text_wrong_ndigits),
		cmocka_unit_test(test_text_digit_ch),
		cmocka_unit_test(test_text_invalid_utf8),
		cmocka_unit_test(test_text_in_place),
	};
	size_t n = 0, nd = 0, nt = 0, i, len, s, sc;
	int st;

	for (i = 0; i < 6; i++)
		tests[n++] = fixed[i];
	for (st = 0; st < 2; st++) {
		for (len = 13; len <= 19; len++) {
			struct digits_case *c = &dcases[nd++];

			c->style = (enum pan_mask_style)st;
			c->len = len;
			snprintf(c->name, sizeof(c->name), "digits_%s_len%zu",
			    style_name(c->style), len);
			tests[n].name = c->name;
			tests[n].test_func = test_digits;
			tests[n++].initial_state = c;
		}
	}
	for (st = 0; st < 2; st++)
		for (len = 13; len <= 19; len++)
			for (s = 0; s < NSEPS; s++)
				for (sc = 0; sc < NSCRIPTS; sc++) {
					struct text_case *c = &tcases[nt++];

					c->style = (enum pan_mask_style)st;
					c->len = len;
					c->sep = &seps[s];
					c->script = &scripts[sc];
					snprintf(c->name, sizeof(c->name),
					    "text_%s_len%zu_%s_%s",
					    style_name(c->style), len,
					    seps[s].name, scripts[sc].name);
					tests[n].name = c->name;
					tests[n].test_func = test_text;
					tests[n++].initial_state = c;
				}
	return _cmocka_run_group_tests("pan_mask", tests, n, NULL, NULL);
}
