/*
 * test_pm_mem - the process's memory settings.
 *
 * test_mem_lock_xz_dictionary: lock_memory must not make a
 * decompressor's reservation resident. An xz stream of 108 bytes whose LZMA2 filter declares a
 * 1 GiB dictionary (dictionary byte 36, block header CRC made again;
 * the data itself needs 4 KiB) goes through dec_archive_walk after
 * pm_mem_lock, and the resident set, read from /proc/self/status while
 * the entry is open, must grow by far less than the dictionary. With
 * mlockall(MCL_CURRENT | MCL_FUTURE), as the daemon called it before,
 * VmRSS went from 42 452 kB to 1 091 324 kB here; with pm_mem_lock it
 * grows by under 1 MB.
 * Locking needs CAP_IPC_LOCK (or a RLIMIT_MEMLOCK above the process's
 * size): without it the test is skipped, saying why; `make check` runs
 * as root. AddressSanitizer makes mlockall a no-op, so the sanitizer
 * build skips it too.
 *
 * test_mem_keep: after pm_mem_keep, a message's arena (chunks growing
 * from 64 KiB to 16 MiB, 24 MiB in all, every byte written) freed and
 * made again comes back without page faults; with glibc's defaults the
 * third round faulted ~5 300 pages here (5 345 measured), as the first did.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "dec_archive.h"
#include "pm_mem.h"

/* "monthly report, no card numbers in here\n" x 4, xz, 1 GiB dictionary */
static const unsigned char xz_1g[] = {
	0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36,
	0x02, 0x00, 0x21, 0x01, 0x24, 0x00, 0x00, 0x00, 0x5e, 0x1f, 0xc7, 0xf9,
	0xe0, 0x00, 0x9f, 0x00, 0x2d, 0x5d, 0x00, 0x36, 0x9b, 0xca, 0x19, 0xdb,
	0x13, 0xc1, 0xd6, 0x7b, 0xdd, 0x53, 0x67, 0xe6, 0x4b, 0xb7, 0xb6, 0x28,
	0x9b, 0x22, 0x9e, 0x92, 0x8a, 0xdb, 0x69, 0x0e, 0x0c, 0x44, 0xb0, 0x95,
	0xca, 0xc6, 0x45, 0xe6, 0x45, 0x80, 0x43, 0xc2, 0x3a, 0xe4, 0x63, 0x30,
	0xa5, 0xe4, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0x5a, 0xf6, 0xde,
	0x00, 0x01, 0x45, 0xa0, 0x01, 0x00, 0x00, 0x00, 0xf1, 0xb7, 0x5b, 0x54,
	0x3e, 0x30, 0x0d, 0x8b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x5a,
};

/* status_kb - a "Name:  N kB" line of /proc/self/status, or -1 */
static long
status_kb(const char *name)
{
	char line[256];
	size_t l = strlen(name);
	long v = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, name, l) == 0 && line[l] == ':')
			v = strtol(line + l + 1, NULL, 10);
	fclose(fp);
	return v;
}

struct seen {
	unsigned entries;
	size_t len;
	long rss_kb;	/* VmRSS while the entry (and its decoder) is open */
};

static pm_status
entry_cb(void *arg, const char *name, const unsigned char *data, size_t len)
{
	struct seen *s = arg;

	(void)name;
	s->entries++;
	s->len = len;
	s->rss_kb = status_kb("VmRSS");
	assert_true(len >= 40 && memcmp(data, "monthly report", 14) == 0);
	return PM_OK;
}

/* minflt - minor page faults of this process so far */
static long
minflt(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

static void
test_mem_keep(void **state)
{
	long f[3];
	int round, k;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	print_message("skipped: AddressSanitizer has its own allocator\n");
	skip();
#endif
	pm_mem_keep();
	for (round = 0; round < 3; round++) {
		struct pm_arena *a = pm_arena_new(0);
		unsigned char *p;

		assert_non_null(a);
		f[round] = minflt();
		for (k = 0; k < 24; k++) {
			p = pm_arena_alloc(a, (size_t)1 << 20);
			assert_non_null(p);
			memset(p, 0x5a, (size_t)1 << 20);
		}
		pm_arena_free(a);
		f[round] = minflt() - f[round];
	}
	print_message("page faults per round: %ld, %ld, %ld\n", f[0], f[1],
	    f[2]);
	assert_true(f[0] > 1000);	/* 24 MiB: the first round faults */
	assert_true(f[2] < f[0] / 20);
}

static void
test_mem_lock_xz_dictionary(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	struct pm_limits lim;
	struct dec_archive_res res;
	struct seen s = { 0, 0, -1 };
	char err[512];
	long before;
	int rc;

	(void)state;
	assert_non_null(a);
	pm_limits_default(&lim);
	memset(&res, 0, sizeof(res));
	rc = pm_mem_lock(err, sizeof(err));
	if (rc < 0 && (errno == EPERM || errno == ENOMEM || errno == EAGAIN)) {
		print_message("skipped: %s\n", err);
		pm_arena_free(a);
		skip();
	}
	assert_int_equal(rc, 0);
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer intercepts mlockall and does nothing */
	print_message("skipped: mlockall is a no-op under AddressSanitizer\n");
	pm_arena_free(a);
	skip();
#endif
	/* the lock is in force: otherwise a small RSS would prove nothing */
	assert_true(status_kb("VmLck") > 0);
	before = status_kb("VmRSS");
	assert_true(before > 0);
	assert_int_equal(dec_archive_walk(a, xz_1g, sizeof(xz_1g), &lim,
	    entry_cb, &s, &res), PM_OK);
	assert_int_equal(munlockall(), 0);
	assert_int_equal(s.entries, 1);
	assert_int_equal(s.len, 160);
	assert_int_equal(res.damaged, 0);
	print_message("VmRSS %ld kB before, %ld kB with the 1 GiB-dictionary "
	    "decoder open\n", before, s.rss_kb);
	assert_true(s.rss_kb - before < 64L * 1024);
	pm_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_keep),
		cmocka_unit_test(test_mem_lock_xz_dictionary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
