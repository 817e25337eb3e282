/*
 * test_pm_snap - snapshots: load once, reload on change (new inode), keep
 * the old object on a failed load (stale), free old objects only after
 * their last user, forced reload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pm_snap.h"

static int loads, frees;
static char dir[] = "/tmp/test_pm_snap_XXXXXX";
static char path[256];

/* load_int - the file holds a number; "bad" fails */
static int
load_int(const char *p, void **obj, char *err, size_t n)
{
	FILE *fp = fopen(p, "r");
	int v = 0, *o;

	if (fp == NULL || fscanf(fp, "%d", &v) != 1) {
		if (fp != NULL)
			fclose(fp);
		snprintf(err, n, "%s:1: not a number", p);
		return -1;
	}
	fclose(fp);
	o = malloc(sizeof(*o));
	*o = v;
	*obj = o;
	loads++;
	return 0;
}

static void
free_int(void *o)
{
	frees++;
	free(o);
}

/* put - replace the file by rename, as editors and pankey do */
static void
put(const char *text)
{
	char tmp[300];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fp = fopen(tmp, "w");
	fputs(text, fp);
	fclose(fp);
	rename(tmp, path);
}

static void
test_lifecycle(void **state)
{
	struct pm_snap s;
	char err[128];
	int stale, *a, *b, *c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/value", dir);
	put("1\n");
	pm_snap_init(&s, path, load_int, free_int);
	a = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_non_null(a);
	assert_int_equal(*a, 1);
	assert_false(stale);
	b = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_ptr_equal(a, b);
	assert_int_equal(loads, 1);
	pm_snap_release(&s, b);

	put("2\n");			/* new inode: reloaded */
	b = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_int_equal(*b, 2);
	assert_int_equal(*a, 1);	/* a's user still sees version 1 */
	assert_int_equal(frees, 0);
	pm_snap_release(&s, a);		/* last user of version 1 */
	assert_int_equal(frees, 1);

	put("bad\n");			/* failed load: old one stays */
	c = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_true(stale);
	assert_ptr_equal(c, b);
	assert_non_null(strstr(err, ":1: not a number"));
	pm_snap_release(&s, c);

	put("3\n");
	pm_snap_request_reload(&s);
	c = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_false(stale);
	assert_int_equal(*c, 3);
	pm_snap_release(&s, c);
	pm_snap_release(&s, b);
	assert_int_equal(frees, 2);

	unlink(path);			/* file gone: stale, old one kept */
	c = pm_snap_acquire(&s, &stale, err, sizeof(err));
	assert_true(stale);
	assert_int_equal(*c, 3);
	pm_snap_release(&s, c);
	pm_snap_fini(&s);
	assert_int_equal(frees, 3);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
	};

	return cmocka_run_group_tests_name("pm_snap", tests, NULL, NULL);
}
