/*
 * test_mime_word - RFC 2047 decoding to UTF-8 and charset conversion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime_walk.h"
#include "mime_word.h"
#include "pm_arena.h"

struct word_case {
	const char *name;
	const char *in;
	const char *out;
	unsigned defects;	/* exact defect bits expected */
};

static const struct word_case word_cases[] = {
	{ "plain_unchanged", "Hello, world", "Hello, world", 0 },
	{ "b_utf8", "=?UTF-8?B?w6kgY2Fmw6k=?=", "\xc3\xa9 caf\xc3\xa9", 0 },
	{ "q_latin1_underscore", "=?iso-8859-1?q?d=E9j=E0_vu?=",
	  "d\xc3\xa9j\xc3\xa0 vu", 0 },
	{ "q_lower_hex", "=?ISO-8859-1?Q?=e9?=", "\xc3\xa9", 0 },
	{ "adjacent_joined", "=?utf-8?q?a?= \t =?utf-8?q?b?=", "ab", 0 },
	{ "adjacent_joined_fold", "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", 0 },
	{ "adjacent_other_charset", "=?utf-8?q?a?= =?iso-8859-1?q?=E9?=",
	  "a\xc3\xa9", 0 },
	{ "text_between_kept", "=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c", 0 },
	{ "split_multibyte", "=?utf-8?b?ww==?= =?utf-8?b?qQ==?=",
	  "\xc3\xa9", 0 },
	{ "windows1252_euro", "=?windows-1252?q?=80=20100?=",
	  "\xe2\x82\xac 100", 0 },
	{ "iso2022jp_stateful", "=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=",
	  "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", 0 },
	{ "unknown_charset_raw", "=?x-no-such-charset?q?abc=41?=",
	  "abcA", 0 },
	{ "language_suffix", "=?utf-8*en?q?hi?=", "hi", 0 },
	{ "inside_word", "abc=?utf-8?q?X?=def", "abcXdef", 0 },
	{ "empty_text", "[=?utf-8?q?\?=]", "[]", 0 },
	{ "q_trailing_equals", "=?utf-8?q?a=?=", "a=", 0 },
	{ "unterminated_left", "=?utf-8?q?broken and more",
	  "=?utf-8?q?broken and more", MIME_DEFECT_BAD_ENCODED_WORD },
	{ "bad_base64_left", "=?utf-8?b?@@@?=", "=?utf-8?b?@@@?=",
	  MIME_DEFECT_BAD_ENCODED_WORD },
	{ "bad_encoding_letter", "=?utf-8?x?abc?=", "=?utf-8?x?abc?=", 0 },
	{ "lone_marker", "a =? b ?= c", "a =? b ?= c", 0 },
	{ "malformed_then_good", "=?utf-8?q?bad =?utf-8?q?good?=",
	  "=?utf-8?q?bad good", MIME_DEFECT_BAD_ENCODED_WORD },
	{ "invalid_sequence_fffd", "=?utf-16le?b?QQA=?= =?shift_jis?b?gQ==?=",
	  "A\xef\xbf\xbd", 0 },
	{ "long_charset_not_word",
	  "=?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaa?q?x?=",
	  "=?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaa?q?x?=", 0 },
	{ "empty_input", "", "", 0 },
};

/* test_word_row - one table row */
static void
test_word_row(void **state)
{
	const struct word_case *c = *state;
	struct pm_arena *a = pm_arena_new(0);
	char *out = NULL;
	size_t outlen = 0;
	unsigned defects = 0;

	assert_non_null(a);
	assert_int_equal(mime_word_decode(a, c->in, strlen(c->in), &out,
	    &outlen, &defects), PM_OK);
	assert_non_null(out);
	assert_int_equal(outlen, strlen(c->out));
	assert_string_equal(out, c->out);
	assert_int_equal(defects, c->defects);
	pm_arena_free(a);
}

/* test_many_words - 20000 words decode to exactly the expected text */
static void
test_many_words(void **state)
{
	static const char w1[] = "=?utf-8?B?w6k=?= ";	/* e-acute */
	static const char w2[] = "=?iso-8859-1?Q?x=E9?=, ";
	struct pm_arena *a = pm_arena_new(0);
	size_t n = 20000, i, k = 0, l1 = sizeof(w1) - 1, l2 = sizeof(w2) - 1;
	char *in = malloc(n * (l1 + l2) + 1), *out = NULL;
	size_t outlen = 0;
	unsigned defects = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	for (i = 0; i < n; i++) {
		memcpy(in + k, w1, l1);
		k += l1;
		memcpy(in + k, w2, l2);
		k += l2;
	}
	assert_int_equal(mime_word_decode(a, in, k, &out, &outlen, &defects),
	    PM_OK);
	/* per pair: e-acute (2) + x (1) + e-acute (2) + ", " (2) */
	assert_int_equal(outlen, n * 7);
	assert_memory_equal(out, "\xc3\xa9x\xc3\xa9, \xc3\xa9x", 10);
	assert_int_equal(defects, 0);
	free(in);
	pm_arena_free(a);
}

/* test_cache_eviction - six charsets cycling through a 4-slot cache */
static void
test_cache_eviction(void **state)
{
	static const char *cs[] = { "iso-8859-1", "iso-8859-15",
	    "windows-1252", "cp850", "iso-8859-2", "latin1" };
	struct pm_arena *a = pm_arena_new(0);
	struct mime_word_cache cache;
	char in[128], *out = NULL;
	size_t outlen, i;

	(void)state;
	assert_non_null(a);
	mime_word_cache_init(&cache);
	for (i = 0; i < 60; i++) {
		/* 0x41 is 'A' in all of them; 0xE9 is e-acute but in cp850 */
		snprintf(in, sizeof(in), "=?%s?q?=41?= x", cs[i % 6]);
		assert_int_equal(mime_word_decode_cached(a, &cache, in,
		    strlen(in), &out, &outlen, NULL), PM_OK);
		assert_string_equal(out, "A x");
		snprintf(in, sizeof(in), "=?%s?q?=E9?=", cs[i % 6]);
		assert_int_equal(mime_word_decode_cached(a, &cache, in,
		    strlen(in), &out, &outlen, NULL), PM_OK);
		assert_string_equal(out, i % 6 == 3 ? "\xc3\x9a" :
		    "\xc3\xa9");
	}
	assert_true(cache.opens <= MIME_WORD_MAX_OPENS);
	mime_word_cache_fini(&cache);
	pm_arena_free(a);
}

/* test_open_cap - past MIME_WORD_MAX_OPENS new charsets stay raw */
static void
test_open_cap(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	char *in = malloc(64 * (MIME_WORD_MAX_OPENS + 2)), *out = NULL;
	size_t k, outlen;
	unsigned i, nunk;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	for (nunk = 10; nunk <= MIME_WORD_MAX_OPENS; nunk +=
	    MIME_WORD_MAX_OPENS - 10) {
		k = 0;
		for (i = 0; i < nunk; i++)	/* distinct unknown charsets */
			k += (size_t)sprintf(in + k, "=?x-none-%u?q?b?= ", i);
		k += (size_t)sprintf(in + k, "=?iso-8859-1?q?=E9?=");
		assert_int_equal(mime_word_decode(a, in, k, &out, &outlen,
		    NULL), PM_OK);
		assert_int_equal(outlen, nunk + (nunk < MIME_WORD_MAX_OPENS ?
		    2 : 1));
		if (nunk < MIME_WORD_MAX_OPENS)
			assert_memory_equal(out + nunk, "\xc3\xa9", 2);
		else
			assert_memory_equal(out + nunk, "\xe9", 1);
	}
	free(in);
	pm_arena_free(a);
}

/* test_to_utf8 - direct conversion, raw flag on unknown charsets */
static void
test_to_utf8(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	char *out = NULL;
	size_t n = 0;
	int raw = -1;

	(void)state;
	assert_non_null(a);
	assert_int_equal(mime_word_to_utf8(a, "ISO-8859-2", "\xb1", 1, &out,
	    &n, &raw), PM_OK);
	assert_string_equal(out, "\xc4\x85");
	assert_int_equal(raw, 0);
	assert_int_equal(mime_word_to_utf8(a, "bogus-cs", "\xff\x01", 2,
	    &out, &n, &raw), PM_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "\xff\x01", 2);
	assert_int_equal(raw, 1);
	assert_int_equal(mime_word_to_utf8(a, NULL, "abc", 3, &out, &n,
	    &raw), PM_OK);
	assert_string_equal(out, "abc");
	assert_int_equal(raw, 0);
	assert_int_equal(mime_word_to_utf8(a, "utf-8", "", 0, &out, &n,
	    NULL), PM_OK);
	assert_string_equal(out, "");
	pm_arena_free(a);
}

/* test_enomem - a capped arena gives PM_ENOMEM, not a crash */
static void
test_enomem(void **state)
{
	struct pm_arena *a = pm_arena_new(1024);
	size_t n = 64 * 1024;
	char *in = malloc(n), *out = NULL;
	size_t outlen;

	(void)state;
	assert_non_null(a);
	assert_non_null(in);
	memset(in, 'a', n);
	assert_int_equal(mime_word_decode(a, in, n, &out, &outlen, NULL),
	    PM_ENOMEM);
	free(in);
	pm_arena_free(a);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_many_words),
		cmocka_unit_test(test_to_utf8),
		cmocka_unit_test(test_cache_eviction),
		cmocka_unit_test(test_open_cap),
		cmocka_unit_test(test_enomem),
	};
	enum { NROWS = sizeof(word_cases) / sizeof(word_cases[0]),
	    NFIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NROWS + NFIXED];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NROWS; i++) {
		tests[i].name = word_cases[i].name;
		tests[i].test_func = test_word_row;
		tests[i].initial_state = (void *)&word_cases[i];
	}
	for (i = 0; i < NFIXED; i++)
		tests[NROWS + i] = fixed[i];
	return cmocka_run_group_tests_name("mime_word", tests, NULL, NULL);
}
