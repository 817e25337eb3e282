/*
 * test_pan_token - keyed tokens: RFC 4231 HMAC-SHA256 vectors, an
 * independent reference (OpenSSL's one-shot HMAC()), key file errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pan_token.h"
#include "pangen.h"

static char tmpdir[64];

/* write_file - create tmpdir/name with n bytes of p; returns the path */
static const char *
write_file(const char *name, const void *p, size_t n)
{
	static char path[128];
	FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (n > 0)
		assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* ref_token - first 16 hex of HMAC-SHA256 via the one-shot HMAC() */
static void
ref_token(const void *k, size_t kn, const void *d, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;

	assert_non_null(HMAC(EVP_sha256(), k, (int)kn, d, n, md, &mdlen));
	assert_int_equal(mdlen, 32);
	for (i = 0; i < PAN_TOKEN_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* --- RFC 4231 vectors ------------------------------------------------ */

static void
test_rfc4231_case1_file(void **state)
{
	unsigned char k[20];
	struct pan_token_key *key = NULL;
	char tok[PAN_TOKEN_LEN + 1], err[256];
	const char *path = NULL;

	(void)state;
	memset(k, 0x0b, sizeof(k));
	path = write_file("case1.key", k, sizeof(k));
	assert_int_equal(pan_token_load(path, &key, err, sizeof(err)), PM_OK);
	assert_non_null(key);
	assert_int_equal(pan_token_make(key, "Hi There", 8, tok), PM_OK);
	/* RFC 4231 4.2: b0344c61d8db38535ca8afc2c8a1c44a... */
	assert_string_equal(tok, "b0344c61d8db3853");
	pan_token_key_free(key);
}

static void
test_rfc4231_case2_jefe(void **state)
{
	struct pan_token_key *key = NULL;
	char tok[PAN_TOKEN_LEN + 1], err[256];
	const char *path = NULL;

	(void)state;
	key = pan_token_key_new("Jefe", 4);
	assert_non_null(key);
	assert_int_equal(pan_token_make(key, "what do ya want for nothing?",
	    28, tok), PM_OK);
	/* RFC 4231 4.3: 5bdcc146bf60754e6a042426089575c7... */
	assert_string_equal(tok, "5bdcc146bf60754e");
	pan_token_key_free(key);
	/* the same key is too short for a key file */
	path = write_file("jefe.key", "Jefe\n", 5);
	assert_int_equal(pan_token_load(path, &key, err, sizeof(err)),
	    PM_ECONFIG);
	assert_null(key);
	assert_non_null(strstr(err, "token key too short (4 bytes)"));
}

static void
test_rfc4231_case6_long_key(void **state)
{
	static const char data[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	unsigned char k[131];
	struct pan_token_key *key = NULL;
	char tok[PAN_TOKEN_LEN + 1], err[256];
	const char *path = NULL;

	(void)state;
	memset(k, 0xaa, sizeof(k));
	path = write_file("case6.key", k, sizeof(k));
	assert_int_equal(pan_token_load(path, &key, err, sizeof(err)), PM_OK);
	assert_int_equal(pan_token_make(key, data, sizeof(data) - 1, tok),
	    PM_OK);
	/* RFC 4231 4.7: 60e431591ee0b67f0d8a26aacbf5b77f... */
	assert_string_equal(tok, "60e431591ee0b67f");
	pan_token_key_free(key);
}

/* --- against the one-shot reference, generated PANs ------------------ */

static void
test_reference_generated(void **state)
{
	static const unsigned char k[32] = "0123456789abcdef0123456789abcde";
	/* not k minus its last byte: HMAC pads keys with zeros */
	static const unsigned char k2[32] = "0123456789abcdef0123456789abcdX";
	const struct pangen_sample *s = NULL;
	struct pan_token_key *key = NULL, *other = NULL;
	char tok[PAN_TOKEN_LEN + 1], ref[PAN_TOKEN_LEN + 1];
	char tok2[PAN_TOKEN_LEN + 1], d[PANGEN_MAX_LEN + 1];
	struct pangen g;
	size_t ns = 0, i;

	(void)state;
	key = pan_token_key_new(k, sizeof(k));
	other = pan_token_key_new(k2, sizeof(k2));
	assert_non_null(key);
	assert_non_null(other);
	pangen_init(&g, 4231);
	s = pangen_samples(&ns);
	assert_true(ns > 0);
	for (i = 0; i < ns; i++) {
		assert_int_equal(pangen_make(&g, s[i].prefix, s[i].len, d), 0);
		assert_int_equal(pan_token_make(key, d, s[i].len, tok), PM_OK);
		ref_token(k, sizeof(k), d, s[i].len, ref);
		assert_string_equal(tok, ref);
		assert_int_equal(strlen(tok), PAN_TOKEN_LEN);
		/* same card, same key: same token */
		assert_int_equal(pan_token_make(key, d, s[i].len, tok2), PM_OK);
		assert_string_equal(tok, tok2);
		/* another key: another token */
		assert_int_equal(pan_token_make(other, d, s[i].len, tok2),
		    PM_OK);
		assert_string_not_equal(tok, tok2);
	}
	pan_token_key_free(key);
	pan_token_key_free(other);
}

/* --- key files ------------------------------------------------------- */

static void
test_load_newline_stripped_once(void **state)
{
	struct pan_token_key *a = NULL, *b = NULL, *c = NULL;
	char t1[PAN_TOKEN_LEN + 1], t2[PAN_TOKEN_LEN + 1];
	char t3[PAN_TOKEN_LEN + 1], ref[PAN_TOKEN_LEN + 1];
	char err[256];

	(void)state;
	assert_int_equal(pan_token_load(write_file("a.key",
	    "0123456789abcdef", 16), &a, err, sizeof(err)), PM_OK);
	assert_int_equal(pan_token_load(write_file("b.key",
	    "0123456789abcdef\n", 17), &b, err, sizeof(err)), PM_OK);
	/* 15 bytes + two newlines: one newline stays part of the key */
	assert_int_equal(pan_token_load(write_file("c.key",
	    "0123456789abcde\n\n", 17), &c, err, sizeof(err)), PM_OK);
	assert_int_equal(pan_token_make(a, "4111111111111111", 16, t1), PM_OK);
	assert_int_equal(pan_token_make(b, "4111111111111111", 16, t2), PM_OK);
	assert_int_equal(pan_token_make(c, "4111111111111111", 16, t3), PM_OK);
	assert_string_equal(t1, t2);
	ref_token("0123456789abcde\n", 16, "4111111111111111", 16, ref);
	assert_string_equal(t3, ref);
	pan_token_key_free(a);
	pan_token_key_free(b);
	pan_token_key_free(c);
}

struct load_case {
	const char *name;
	const char *file;	/* NULL: do not create */
	size_t n;
	pm_status st;
	const char *msg;	/* expected after "PATH: " */
};

static const struct load_case load_cases[] = {
	{ "load_missing_file", NULL, 0, PM_EIO,
	    "cannot open token key: No such file or directory; generate one "
	    "with: head -c 32 /dev/urandom > PATH" },
	{ "load_empty_file", "", 0, PM_ECONFIG,
	    "token key too short (0 bytes); generate one with: "
	    "head -c 32 /dev/urandom > PATH" },
	{ "load_newline_only", "\n", 1, PM_ECONFIG,
	    "token key too short (0 bytes); generate one with: "
	    "head -c 32 /dev/urandom > PATH" },
	{ "load_short_key", "0123456789", 10, PM_ECONFIG,
	    "token key too short (10 bytes); generate one with: "
	    "head -c 32 /dev/urandom > PATH" },
	{ "load_15_plus_newline", "0123456789abcde\n", 16, PM_ECONFIG,
	    "token key too short (15 bytes); generate one with: "
	    "head -c 32 /dev/urandom > PATH" },
	{ "load_too_large", "BIG", 0, PM_ECONFIG,
	    "token key file too large (more than 4096 bytes); generate one "
	    "with: head -c 32 /dev/urandom > PATH" },
	{ "load_directory", "DIR", 0, PM_EIO,
	    "cannot read token key: Is a directory" },
};

static void
test_load_error(void **state)
{
	const struct load_case *c = *state;
	struct pan_token_key *key = (struct pan_token_key *)(uintptr_t)1;
	char path[128], want[512], err[512];
	char *big = NULL;
	const char *pp = NULL, *m = NULL;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, c->name);
	if (c->file != NULL && strcmp(c->file, "BIG") == 0) {
		big = malloc(4097);
		assert_non_null(big);
		memset(big, 'k', 4097);
		write_file(c->name, big, 4097);
		free(big);
	} else if (c->file != NULL && strcmp(c->file, "DIR") == 0) {
		snprintf(path, sizeof(path), "%s", tmpdir);
	} else if (c->file != NULL) {
		write_file(c->name, c->file, c->n);
	}
	/* want: "PATH: msg" with PATH replaced */
	pp = strstr(c->msg, "PATH");
	if (pp != NULL)
		snprintf(want, sizeof(want), "%s: %.*s%s", path,
		    (int)(pp - c->msg), c->msg, path);
	else
		snprintf(want, sizeof(want), "%s: %s", path, c->msg);
	m = want;
	memset(err, 0, sizeof(err));
	assert_int_equal(pan_token_load(path, &key, err, sizeof(err)), c->st);
	assert_null(key);
	assert_string_equal(err, m);
	/* no room for a message is fine too */
	assert_int_equal(pan_token_load(path, &key, NULL, 0), c->st);
	assert_null(key);
}

static void
test_make_bad_args(void **state)
{
	char tok[PAN_TOKEN_LEN + 1] = "x";

	(void)state;
	assert_int_equal(pan_token_make(NULL, "4111111111111111", 16, tok),
	    PM_EINTERNAL);
	assert_string_equal(tok, "");
	assert_null(pan_token_key_new("k", 0));
	assert_null(pan_token_key_new(NULL, 16));
	pan_token_key_free(NULL);
}

/* --- main ------------------------------------------------------------ */

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pan_token.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

#define NLOAD (sizeof(load_cases) / sizeof(load_cases[0]))

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_rfc4231_case1_file),
		cmocka_unit_test(test_rfc4231_case2_jefe),
		cmocka_unit_test(test_rfc4231_case6_long_key),
		cmocka_unit_test(test_reference_generated),
		cmocka_unit_test(test_load_newline_stripped_once),
		cmocka_unit_test(test_make_bad_args),
	};
	struct CMUnitTest tests[6 + NLOAD];
	size_t n = 0, i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < 6; i++)
		tests[n++] = fixed[i];
	for (i = 0; i < NLOAD; i++) {
		tests[n].name = load_cases[i].name;
		tests[n].test_func = test_load_error;
		tests[n++].initial_state = (void *)&load_cases[i];
	}
	return _cmocka_run_group_tests("pan_token", tests, n, setup_dir,
	    teardown_dir);
}
