/*
 * test_pgp - PGP/MIME through the helper process, checked with a real
 * gpg: a key made for the test, the message encrypted by act_encrypt via
 * pgp_helper, decrypted with the secret key by the gpg command, and the
 * inner entity compared with the original. Also: a fingerprint that is not
 * enrolled, a key file holding another key, Subject protection, and a
 * message with no Content-Type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "act_encrypt.h"
#include "pgp_helper.h"

static char dir[] = "/tmp/test_pgp_XXXXXX";
static char fpr[80], keydir[200], home[200];
static struct pgp_helper *helper;

struct enc_arg {
	const char *fpr;
};

static pm_status
enc_fn(void *arg, const void *plain, size_t len, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct enc_arg *ea = arg;
	const char *f[1] = { ea->fpr };

	return pgp_helper_encrypt(helper, f, 1, plain, len, out, outlen, err,
	    errlen);
}

/* sh - run a shell command; its exit status */
static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
setup(void **state)
{
	char path[600];
	FILE *fp;
	char err[256];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(home, sizeof(home), "%s/secret", dir);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	if (sh("mkdir -m 700 %s %s && GNUPGHOME=%s gpg --batch -q "
	    "--passphrase '' --quick-gen-key 'Bob <bob@partner.example>' "
	    "ed25519 sign 1d 2>/dev/null", home, keydir, home) != 0)
		return -1;
	snprintf(path, sizeof(path), "GNUPGHOME=%s gpg --batch --with-colons"
	    " --list-keys bob@partner.example | awk -F: '/^fpr/ {print $10;"
	    " exit}'", home);
	if ((fp = popen(path, "r")) == NULL || fgets(fpr, sizeof(fpr), fp)
	    == NULL)
		return -1;
	pclose(fp);
	fpr[strcspn(fpr, "\n")] = 0;
	if (sh("GNUPGHOME=%s gpg --batch -q --passphrase '' --quick-add-key "
	    "%s cv25519 encr 1d 2>/dev/null && GNUPGHOME=%s gpg --batch -q "
	    "--armor --export %s > %s/%s.asc 2>/dev/null", home, fpr, home, fpr, keydir,
	    fpr) != 0)
		return -1;
	return pgp_helper_start(1, keydir, dir, 30, &helper, err,
	    sizeof(err)) == PM_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	pgp_helper_stop(helper);
	/* the gpg command started an agent for the secret key: stop it */
	sh("GNUPGHOME=%s gpgconf --kill all 2>/dev/null", home);
	sh("rm -rf %s", dir);
	return 0;
}

/* decrypt - the body's armored part, decrypted with gpg, into out */
static size_t
decrypt(const unsigned char *body, size_t n, char *out, size_t cap)
{
	char path[300], cmd[1200];
	FILE *fp;
	size_t got;

	snprintf(path, sizeof(path), "%s/body.eml", dir);
	fp = fopen(path, "wb");
	fwrite(body, 1, n, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "sed -n '/-----BEGIN PGP MESSAGE/,"
	    "/-----END PGP MESSAGE/p' %s | tr -d '\\r' | GNUPGHOME=%s gpg "
	    "--batch -q --decrypt 2>/dev/null", path, home);
	fp = popen(cmd, "r");
	got = fread(out, 1, cap - 1, fp);
	out[got] = 0;
	pclose(fp);
	return got;
}

static const char msg[] =
    "From: a@corp.example\r\nTo: bob@partner.example\r\n"
    "Subject: card 4111 1111 1111 1111\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "Please charge 4111 1111 1111 1111.\r\n";

static void
test_roundtrip(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	struct act_encrypt_edit e;
	struct enc_arg ea = { fpr };
	char err[256] = "", plain[4096];
	size_t i;
	int ct = 0, cte = 0, subj = 0;

	(void)state;
	assert_int_equal(act_encrypt(a, (const unsigned char *)msg,
	    sizeof(msg) - 1, 1, NULL, enc_fn, &ea, &e, err, sizeof(err)), PM_OK);
	assert_null(memmem(e.body, e.body_len, "4111 1111", 9));
	assert_non_null(memmem(e.body, e.body_len, "Version: 1", 10));
	for (i = 0; i < e.nhdrs; i++) {
		if (strcmp(e.hdrs[i].name, "Content-Type") == 0) {
			ct = 1;
			assert_non_null(strstr(e.hdrs[i].value,
			    "multipart/encrypted"));
		}
		if (strcmp(e.hdrs[i].name, "Content-Transfer-Encoding") == 0)
			cte = e.hdrs[i].value == NULL;
		if (strcmp(e.hdrs[i].name, "Subject") == 0)
			subj = strstr(e.hdrs[i].value, "4111") == NULL;
	}
	assert_true(ct && cte && subj);
	assert_true(decrypt(e.body, e.body_len, plain, sizeof(plain)) > 0);
	/* the inner entity keeps the fields in their original order */
	assert_string_equal(plain,
	    "Subject: card 4111 1111 1111 1111\r\n"
	    "Content-Type: text/plain; charset=utf-8;"
	    " protected-headers=\"v1\"\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "Please charge 4111 1111 1111 1111.\r\n");
	pm_arena_free(a);
}

static void
test_no_content_type(void **state)
{
	static const char m2[] = "Subject: x\r\n\r\nhello\r\n";
	struct pm_arena *a = pm_arena_new(0);
	struct act_encrypt_edit e;
	struct enc_arg ea = { fpr };
	char err[256], plain[1024];
	size_t i;
	int added_ct = 0, added_mv = 0;

	(void)state;
	assert_int_equal(act_encrypt(a, (const unsigned char *)m2,
	    sizeof(m2) - 1, 0, NULL, enc_fn, &ea, &e, err, sizeof(err)), PM_OK);
	for (i = 0; i < e.nhdrs; i++) {
		added_ct |= e.hdrs[i].index == 0
		    && strcmp(e.hdrs[i].name, "Content-Type") == 0;
		added_mv |= e.hdrs[i].index == 0
		    && strcmp(e.hdrs[i].name, "MIME-Version") == 0;
	}
	assert_true(added_ct && added_mv);
	decrypt(e.body, e.body_len, plain, sizeof(plain));
	assert_string_equal(plain, "Content-Type: text/plain;"
	    " charset=us-ascii\r\n\r\nhello\r\n");
	pm_arena_free(a);
}

static void
test_unknown_fingerprint(void **state)
{
	struct pm_arena *a = pm_arena_new(0);
	struct act_encrypt_edit e;
	struct enc_arg ea = { "0123456789ABCDEF0123456789ABCDEF01234567" };
	char err[256] = "";

	(void)state;
	assert_int_equal(act_encrypt(a, (const unsigned char *)msg,
	    sizeof(msg) - 1, 0, NULL, enc_fn, &ea, &e, err, sizeof(err)),
	    PM_ENOKEY);
	assert_non_null(strstr(err, "enrolled"));
	pm_arena_free(a);
}

/*
 * test_refused_then_large - a refused request whose plaintext is larger
 * than the socket buffer leaves the helper's channel in step (the helper
 * streams plaintext into gpg and must read the rest after a refusal): the
 * next request, also large, encrypts and decrypts to the same bytes.
 */
static void
test_refused_then_large(void **state)
{
	const size_t n = 600 * 1024;
	const char *bad[1] = { "0123456789ABCDEF0123456789ABCDEF01234567" };
	const char *good[1] = { fpr };
	char *plain = malloc(n), *back = malloc(n + 1), *ct = NULL;
	char err[256] = "";
	size_t i, ctlen = 0;

	(void)state;
	assert_non_null(plain);
	assert_non_null(back);
	for (i = 0; i < n; i++)
		plain[i] = (char)('a' + (i * 7 + i / 61) % 26);
	assert_int_equal(pgp_helper_encrypt(helper, bad, 1, plain, n, &ct,
	    &ctlen, err, sizeof(err)), PM_ENOKEY);
	assert_null(ct);
	assert_int_equal(pgp_helper_encrypt(helper, good, 1, plain, n, &ct,
	    &ctlen, err, sizeof(err)), PM_OK);
	assert_non_null(ct);
	assert_int_equal(decrypt((const unsigned char *)ct, ctlen, back,
	    n + 1), n);
	assert_memory_equal(back, plain, n);
	free(ct);
	free(plain);
	free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_no_content_type),
		cmocka_unit_test(test_unknown_fingerprint),
		cmocka_unit_test(test_refused_then_large),
	};

	return cmocka_run_group_tests_name("pgp", tests, setup, teardown);
}
