/*
 * test_kr_view - the milter's view: address normal form (table), lookups
 * (case, sub-address, several keys, pending/revoked absent, expiry at
 * lookup time), the pm_snap adapters, the new inode on every save that
 * the snapshot check relies on, and the private GnuPG home built from
 * the active keys (with a real gpg key; skipped when gpg is missing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kr_state.h"
#include "kr_store.h"
#include "kr_view.h"

#define FPR_A	"BDC55199698530561EF418D0B4AF4BE8AE65BA7E"
#define FPR_B	"0123456789ABCDEF0123456789ABCDEF01234567"
#define FPR_C	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FPR_D	"DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
#define NOW	1800000000

struct fix {
	char dir[64];
	struct kr_view *v;
};

/* add - one enrollment */
static void
add(struct kr_state *st, const char *addr, const char *fpr,
    enum kr_estate s, int64_t expires)
{
	struct kr_enroll e;

	memset(&e, 0, sizeof(e));
	snprintf(e.address, sizeof(e.address), "%s", addr);
	snprintf(e.fpr, sizeof(e.fpr), "%s", fpr);
	e.state = s;
	e.reason = s == KR_REVOKED ? KR_REASON_COMPROMISE : KR_REASON_NONE;
	strcpy(e.algo, "cv25519");
	strcpy(e.primary_algo, "ed25519");
	strcpy(e.enrolled_by, "carol");
	e.expires = expires;
	assert_int_equal(kr_state_add_enroll(st, &e), PM_OK);
}

/* setup - a keyring directory with a mix of enrollments, and its view */
static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct kr_state st;
	char err[512] = "";

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_kr_view.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	kr_state_init(&st);
	st.generation = 7;
	add(&st, "alice@partner.example", FPR_A, KR_ACTIVE, 0);
	add(&st, "alice@partner.example", FPR_B, KR_ACTIVE, NOW + 100);
	add(&st, "bob@partner.example", FPR_C, KR_PENDING, 0);
	add(&st, "carl@partner.example", FPR_D, KR_REVOKED, 0);
	add(&st, "dora@xn--bcher-kva.example", FPR_C, KR_ACTIVE, 0);
	add(&st, "eve@partner.example", FPR_D, KR_ACTIVE, 1000000000);
	assert_int_equal(kr_store_create(f->dir, &st, err, sizeof(err)),
	    PM_OK);
	kr_state_fini(&st);
	assert_int_equal(kr_view_load(f->dir, &f->v, err, sizeof(err)), PM_OK);
	*state = f;
	return 0;
}

/* teardown - free the view, remove the directory */
static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	kr_view_free(f->v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* test_lookup - active keys by normalised address, in fingerprint order */
static void
test_lookup(void **state)
{
	struct fix *f = *state;
	const char *fprs[4] = { NULL };

	assert_int_equal(kr_view_count(f->v), 4);
	assert_int_equal(kr_view_generation(f->v), 7);
	assert_int_equal(kr_view_keys_for_at(f->v, "alice@partner.example",
	    NOW, fprs, 4), 2);
	assert_string_equal(fprs[0], FPR_B);
	assert_string_equal(fprs[1], FPR_A);
	assert_int_equal(kr_view_keys_for_at(f->v,
	    "<Alice+Invoices@PARTNER.example.>", NOW, fprs, 4), 2);
	/* more keys than room: the count still says how many */
	fprs[1] = NULL;
	assert_int_equal(kr_view_keys_for_at(f->v, "alice@partner.example",
	    NOW, fprs, 1), 2);
	assert_null(fprs[1]);
	assert_int_equal(kr_view_keys_for_at(f->v, "dora@b\xc3\xbc" "cher."
	    "example", NOW, fprs, 4), 1);
	assert_string_equal(fprs[0], FPR_C);
	assert_int_equal(kr_view_keys_for_at(f->v, "nobody@partner.example",
	    NOW, fprs, 4), 0);
	assert_int_equal(kr_view_keys_for_at(f->v, "partner.example", NOW,
	    fprs, 4), 0);
	assert_int_equal(kr_view_keys_for_at(NULL, "alice@partner.example",
	    NOW, fprs, 4), 0);
}

/* test_absent - pending and revoked enrollments are never in the view */
static void
test_absent(void **state)
{
	struct fix *f = *state;
	const char *fprs[4];

	assert_int_equal(kr_view_keys_for_at(f->v, "bob@partner.example", NOW,
	    fprs, 4), 0);
	assert_int_equal(kr_view_keys_for_at(f->v, "carl@partner.example",
	    NOW, fprs, 4), 0);
	assert_int_equal(kr_view_has_key(f->v, "bob@partner.example"), 0);
	assert_int_equal(kr_view_has_key(f->v, "carl@partner.example"), 0);
	assert_int_equal(kr_view_has_key(f->v, "alice@partner.example"), 1);
}

/* test_expiry - an expired key drops out at lookup time */
static void
test_expiry(void **state)
{
	struct fix *f = *state;
	const char *fprs[4];

	assert_int_equal(kr_view_keys_for_at(f->v, "alice@partner.example",
	    NOW + 100, fprs, 4), 1);
	assert_string_equal(fprs[0], FPR_A);
	assert_int_equal(kr_view_keys_for_at(f->v, "eve@partner.example",
	    999999999, fprs, 4), 1);
	assert_int_equal(kr_view_keys_for_at(f->v, "eve@partner.example",
	    1000000000, fprs, 4), 0);
	/* in real time eve's key (expired in 2001) is not offered */
	assert_int_equal(kr_view_has_key(f->v, "eve@partner.example"), 0);
}

/* test_snap_and_inode - pm_snap adapters; every save is a new inode */
static void
test_snap_and_inode(void **state)
{
	struct fix *f = *state;
	struct kr_state st;
	struct stat a, b;
	char path[128], err[512] = "";
	void *obj = NULL;
	FILE *fp = NULL;

	snprintf(path, sizeof(path), "%s/state", f->dir);
	assert_int_equal(kr_view_snap_load(path, &obj, err, sizeof(err)), 0);
	assert_non_null(obj);
	assert_int_equal(kr_view_count(obj), 4);
	kr_view_snap_free(obj);
	assert_int_equal(stat(path, &a), 0);
	kr_state_init(&st);
	assert_int_equal(kr_store_load(f->dir, &st, err, sizeof(err)), PM_OK);
	st.enr[0].state = KR_REVOKED;
	st.enr[0].reason = KR_REASON_SUPERSEDED;
	st.generation++;
	assert_int_equal(kr_store_save(f->dir, &st, err, sizeof(err)), PM_OK);
	kr_state_fini(&st);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_ino != b.st_ino);
	assert_int_equal(kr_view_snap_load(path, &obj, err, sizeof(err)), 0);
	assert_int_equal(kr_view_generation(obj), 8);
	assert_int_equal(kr_view_keys_for_at(obj, "alice@partner.example",
	    NOW, NULL, 0), 1);
	kr_view_snap_free(obj);
	/* a damaged state: the load fails and says where */
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("bogus\n", fp);
	fclose(fp);
	obj = (void *)1;
	assert_int_equal(kr_view_snap_load(path, &obj, err, sizeof(err)), -1);
	assert_null(obj);
	assert_non_null(strstr(err, "line 9: unknown record type"));
	assert_int_equal(kr_view_snap_load("/nonexistent/state", &obj, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a keyring"));
}

struct norm {
	const char *name;
	const char *in;
	const char *out;	/* NULL: PM_ECONFIG */
};

static const struct norm norms[] = {
	{ "plain", "bob@example.com", "bob@example.com" },
	{ "case", "Bob@EXAMPLE.Com", "bob@example.com" },
	{ "brackets and blanks", " <bob@example.com> ", "bob@example.com" },
	{ "sub-address", "bob+invoices@example.com", "bob@example.com" },
	{ "leading plus kept", "+tag@example.com", "+tag@example.com" },
	{ "trailing dot", "bob@example.com.", "bob@example.com" },
	{ "idn u-label", "x@b\xc3\xbc" "cher.example",
	    "x@xn--bcher-kva.example" },
	{ "idn a-label upper", "x@XN--BCHER-KVA.example",
	    "x@xn--bcher-kva.example" },
	{ "bad utf-8 domain", "x@\xff\xfe.example", NULL },
	{ "no domain", "postmaster", "postmaster" },
};

/* test_norm - one address into its normal form */
static void
test_norm(void **state)
{
	const struct norm *n = *state;
	char out[KR_ADDR_MAX];

	if (n->out == NULL) {
		assert_int_equal(kr_view_addr_norm(n->in, out, sizeof(out)),
		    PM_ECONFIG);
		return;
	}
	assert_int_equal(kr_view_addr_norm(n->in, out, sizeof(out)), PM_OK);
	assert_string_equal(out, n->out);
}

static char cmd[1024];	/* the shell command being built */

/* test_export_home - a private home with exactly the active keys */
static void
test_export_home(void **state)
{
	char dir[] = "/tmp/test_kr_view_gpg.XXXXXX", gh[128], home[512];
	char err[512] = "", fpr[KR_FPR_MAX] = "", path[256];
	struct kr_state st;
	struct kr_view *v = NULL;
	struct stat sb;
	FILE *fp = NULL;

	(void)state;
	if (system("command -v gpg >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(gh, sizeof(gh), "%s/gnupg", dir);
	assert_int_equal(mkdir(gh, 0700), 0);
	snprintf(cmd, sizeof(cmd), "GNUPGHOME=%s gpg --batch --quiet "
	    "--passphrase '' --quick-gen-key 'Ann <ann@partner.example>' "
	    "ed25519 default 1d 2>/dev/null", gh);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "GNUPGHOME=%s gpg --with-colons "
	    "--list-keys 2>/dev/null | awk -F: '/^fpr/{print $10; exit}'", gh);
	fp = popen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(fpr, sizeof(fpr), fp));
	pclose(fp);
	fpr[strcspn(fpr, "\n")] = '\0';
	assert_int_equal(kr_fpr_valid(fpr), 1);
	kr_state_init(&st);
	add(&st, "ann@partner.example", fpr, KR_ACTIVE, 0);
	add(&st, "old@partner.example", FPR_D, KR_REVOKED, 0);	/* no file */
	assert_int_equal(kr_store_create(dir, &st, err, sizeof(err)), PM_OK);
	kr_state_fini(&st);
	snprintf(path, sizeof(path), "%s/keys/%s.asc", dir, fpr);
	snprintf(cmd, sizeof(cmd), "GNUPGHOME=%s gpg --armor --export >%s "
	    "2>/dev/null", gh, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(kr_view_load(dir, &v, err, sizeof(err)), PM_OK);
	assert_int_equal(kr_view_export_home(v, dir, home, sizeof(home), err,
	    sizeof(err)), PM_OK);
	assert_int_equal(stat(home, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(cmd, sizeof(cmd), "gpg --homedir %s --batch --list-keys %s "
	    ">/dev/null 2>&1", home, fpr);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "gpg --homedir %s --batch "
	    "--list-secret-keys %s >/dev/null 2>&1", home, fpr);
	assert_int_not_equal(system(cmd), 0);
	kr_view_remove_home(home);
	assert_int_equal(stat(home, &sb), -1);
	/* a missing key file: nothing is left behind */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(kr_view_export_home(v, dir, home, sizeof(home), err,
	    sizeof(err)) != PM_OK, 1);
	assert_string_equal(home, "");
	kr_view_free(v);
	snprintf(cmd, sizeof(cmd), "gpgconf --homedir %s --kill all "
	    ">/dev/null 2>&1; rm -rf '%s'", gh, dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snap_and_inode, setup,
		    teardown),
		cmocka_unit_test(test_export_home),
	};
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) +
	    sizeof(norms) / sizeof(norms[0])];
	size_t i, n = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	for (i = 0; i < sizeof(norms) / sizeof(norms[0]); i++) {
		tests[n].name = norms[i].name;
		tests[n].test_func = test_norm;
		tests[n].initial_state = (void *)&norms[i];
		n++;
	}
	return cmocka_run_group_tests_name("kr_view", tests, NULL, NULL);
}
