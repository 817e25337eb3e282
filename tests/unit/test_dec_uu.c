/* test_dec_uu - uudecoding: begin/end lines, CRLF, short and bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dec_uu.h"

struct row {
	const char *name;
	const char *in;
	const char *out;
};

/* encodings made with Python's binascii.b2a_uu */
static const struct row rows[] = {
	{ "with begin and end", "begin 644 a.txt\n#86)C\n`\nend\n", "abc" },
	{ "crlf lines", "begin 644 a.txt\r\n#86)C\r\n`\r\nend\r\n", "abc" },
	{ "no begin line", "#86)C\n", "abc" },
	{ "two lines", "$86)C9```\n#9&5F\n", "abcddef" },
	{ "space for zero", "$86)C9    \n", "abcd" },
	{ "truncated line", "-86)C\n", "abc" },
	{ "empty", "", "" },
	{ "garbage only", "\n\n\n", "" },
};

static void
run_row(void **state)
{
	const struct row *r = *state;
	unsigned char out[256];
	size_t n = dec_uu((const unsigned char *)r->in, strlen(r->in), out);

	assert_true(n <= strlen(r->in));
	assert_int_equal(n >= strlen(r->out), 1);
	assert_memory_equal(out, r->out, strlen(r->out));
	if (strcmp(r->name, "truncated line") != 0)
		assert_int_equal(n, strlen(r->out));
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(rows) / sizeof(rows[0])];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = rows[i].name;
		tests[i].test_func = run_row;
		tests[i].initial_state = (void *)&rows[i];
	}
	return _cmocka_run_group_tests("dec_uu", tests, i, NULL, NULL);
}
