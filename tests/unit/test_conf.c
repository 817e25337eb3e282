/* test_conf - panmilter.conf: defaults, every setting, every error form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

struct row {
	const char *name;
	const char *text;
	pm_status st;
	const char *err;	/* substring of the message, after "FILE:" */
};

static const struct row rows[] = {
	{ "empty file", "", PM_OK, NULL },
	{ "every setting",
	  "token_key_file = \"/etc/k\";\nmask = \"last4\";\n"
	  "max_message_size = 1048576;\nmax_depth = 8;\nmax_parts = 10;\n"
	  "max_decoded_size = 2097152;\nmax_archive_entries = 5;\n"
	  "max_archive_ratio = 50;\nmax_archive_depth = 2;\n"
	  "scan_timeout = 30;\n", PM_OK, NULL },
	{ "unknown setting", "\nmax_dept = 3;\n", PM_ECONFIG,
	  ":2: unknown setting \"max_dept\"" },
	{ "syntax error", "max_depth = ;\n", PM_ECONFIG, ":1: " },
	{ "out of range", "max_depth = 0;\n", PM_ECONFIG,
	  ":1: max_depth = 0 is out of range; use a value from 1 to 256" },
	{ "wrong type", "max_parts = \"ten\";\n", PM_ECONFIG,
	  ":1: max_parts has the wrong type; it takes a whole number" },
	{ "bad mask", "mask = \"first4\";\n", PM_ECONFIG,
	  ":1: mask: unknown mask \"first4\"" },
};

static void
run_row(void **state)
{
	const struct row *r = *state;
	char path[] = "/tmp/test_conf_XXXXXX", err[512] = "";
	struct conf c;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->text, strlen(r->text)),
	    (ssize_t)strlen(r->text));
	close(fd);
	conf_default(&c);
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), r->st);
	if (r->err != NULL) {
		assert_non_null(strstr(err, r->err));
		assert_memory_equal(err, path, strlen(path));
	}
	if (r->st == PM_OK && strstr(r->text, "last4") != NULL) {
		assert_int_equal(c.mask, PAN_MASK_LAST4);
		assert_int_equal(c.lim.max_depth, 8);
		assert_int_equal(c.lim.max_message_size, 1048576);
		assert_int_equal(c.lim.scan_timeout, 30);
		assert_string_equal(c.token_key_file, "/etc/k");
	}
	conf_fini(&c);
	unlink(path);
}

static void
test_defaults(void **state)
{
	struct conf c;

	(void)state;
	conf_default(&c);
	assert_int_equal(c.lim.max_message_size, 50u * 1024 * 1024);
	assert_int_equal(c.lim.max_depth, 32);
	assert_int_equal(c.lim.max_parts, 1000);
	assert_int_equal(c.lim.max_decoded_size, 200u * 1024 * 1024);
	assert_int_equal(c.lim.max_archive_entries, 1000);
	assert_int_equal(c.lim.max_archive_ratio, 100);
	assert_null(c.token_key_file);
	conf_fini(&c);
}

static void
test_missing_file(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	conf_default(&c);
	assert_int_equal(conf_load("/nonexistent/p.conf", &c, err,
	    sizeof(err)), PM_EIO);
	assert_non_null(strstr(err, "/nonexistent/p.conf: cannot open"));
	conf_fini(&c);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(rows) / sizeof(rows[0]) + 2];
	size_t i, n = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = rows[i].name;
		tests[n].test_func = run_row;
		tests[n].initial_state = (void *)&rows[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_defaults);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_missing_file);
	return _cmocka_run_group_tests("conf", tests, n, NULL, NULL);
}
