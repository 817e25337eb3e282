/*
 * test_pm_log - key=value building (escaping, quoting, truncation), the
 * tripwire on log lines, and the fs permission checks.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pm_fsperm.h"
#include "pm_log.h"

static void
test_kv(void **state)
{
	struct pm_kv kv;
	struct pan_masked m1, m2;
	const struct pan_masked *ms[2] = { &m1, &m2 };

	(void)state;
	pm_kv_init(&kv);
	pm_kv_str(&kv, "qid", "ABC123");
	pm_kv_str(&kv, "from", "a b\r\n\"x\"");
	pm_kv_uint(&kv, "pans", 2);
	pan_mask_digits("4111111111111111", 16, PAN_MASK_FIRST6LAST4, &m1);
	pan_mask_digits("378282246310005", 15, PAN_MASK_FIRST6LAST4, &m2);
	pm_kv_masked(&kv, "masked", ms, 2);
	assert_string_equal(kv.buf, "qid=ABC123 from=\"a b\\x0d\\x0a\\x22x"
	    "\\x22\" pans=2 masked=411111******1111,378282*****0005");
}

static void
test_kv_truncates(void **state)
{
	struct pm_kv kv;
	char big[4000];
	size_t i;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	pm_kv_init(&kv);
	for (i = 0; i < 3; i++)
		pm_kv_str(&kv, "k", big);
	assert_true(kv.full);
	assert_true(kv.n < PM_KV_MAX);
	assert_string_equal(kv.buf + kv.n - 3, "...");
}

static void
test_tripwire(void **state)
{
	unsigned long before = pm_log_tripwire_count();

	(void)state;
	assert_false(pm_log_tripwire_guard("masked=411111******1111"));
	assert_true(pm_log_tripwire_guard("oops 4111 1111 1111 1111"));
	assert_int_equal(pm_log_tripwire_count(), before + 1);
	/* the line written to stderr is the fixed replacement */
	pm_log_open("test", "mail", 1, "info");
	pm_log(LOG_INFO, "leak %s", "4111111111111111");
	assert_int_equal(pm_log_tripwire_count(), before + 2);
	assert_int_equal(pm_log_open("t", "nosuch", 1, "info"), -1);
	assert_int_equal(pm_log_open("t", "mail", 1, "loud"), -1);
}

static void
test_fsperm(void **state)
{
	char path[] = "/tmp/test_fsperm_XXXXXX", err[512];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	chmod(path, 0600);
	assert_int_equal(pm_fsperm_check(path, getuid(), 1, err, sizeof(err)),
	    0);
	chmod(path, 0664);
	assert_int_equal(pm_fsperm_check(path, getuid(), 0, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "run: chmod go-w"));
	chmod(path, 0604);
	assert_int_equal(pm_fsperm_check(path, getuid(), 1, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "run: chmod o-rwx"));
	assert_int_equal(pm_fsperm_check(path, getuid(), 0, err, sizeof(err)),
	    0);
	/* owned by someone else (needs root to chown; skipped otherwise) */
	if (getuid() == 0 && chown(path, 65534, 65534) == 0) {
		chmod(path, 0600);
		assert_int_equal(pm_fsperm_check(path, 0, 0, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "run: chown root"));
		assert_int_equal(pm_fsperm_check(path, 65534, 0, err,
		    sizeof(err)), 0);
	}
	unlink(path);
	assert_int_equal(pm_fsperm_check(path, getuid(), 0, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "cannot stat"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_kv_truncates),
		cmocka_unit_test(test_tripwire),
		cmocka_unit_test(test_fsperm),
	};

	return cmocka_run_group_tests_name("pm_log", tests, NULL, NULL);
}
