/*
 * kr_key - the GPGME seam of the keyring.
 *
 * Every GPGME call's result is checked here and turned into a message;
 * no other keyring file sees a gpgme_error_t. Each operation gets its
 * own context bound to its own home (gpgme_ctx_set_engine_info), so
 * nothing depends on $GNUPGHOME or on ~/.gnupg.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gpgme.h>

#include "kr_key.h"
#include "kr_store.h"

/* kr_key_fpr_norm - typed fingerprint into 40/64 upper-case hex */
int
kr_key_fpr_norm(const char *typed, char *out, size_t outlen)
{
	size_t o = 0;

	if (typed[0] == '0' && (typed[1] == 'x' || typed[1] == 'X'))
		typed += 2;
	for (; *typed != '\0'; typed++) {
		unsigned char c = (unsigned char)*typed;

		if (c == ' ' || c == ':' || c == '\t')
			continue;
		if (!isxdigit(c) || o + 1 >= outlen)
			return -1;
		out[o++] = (char)toupper(c);
	}
	out[o] = '\0';
	return kr_fpr_valid(out) ? 0 : -1;
}

/* kr_key_rm_cb - nftw callback removing one entry */
static int
kr_key_rm_cb(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* kr_key_remove_home - delete a temporary GnuPG home and its contents */
void
kr_key_remove_home(const char *home)
{
	if (home != NULL && home[0] != '\0')
		(void)nftw(home, kr_key_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static pthread_once_t kr_key_once = PTHREAD_ONCE_INIT;
static int kr_key_version_ok;

/* kr_key_init - gpgme_check_version, which must precede any other call */
static void
kr_key_init(void)
{
	kr_key_version_ok = gpgme_check_version(NULL) != NULL;
}

/* kr_key_ctx - a GPGME context bound to home; NULL with err */
static gpgme_ctx_t
kr_key_ctx(const char *home, char *err, size_t errlen)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t ge;

	pthread_once(&kr_key_once, kr_key_init);
	if (!kr_key_version_ok) {
		snprintf(err, errlen, "GPGME: version check failed");
		return NULL;
	}
	ge = gpgme_new(&ctx);
	if (ge == 0)
		ge = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
	if (ge == 0)
		ge = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
		    NULL, home);
	if (ge != 0) {
		snprintf(err, errlen, "GPGME: %s; is gpg installed?",
		    gpgme_strerror(ge));
		if (ctx != NULL)
			gpgme_release(ctx);
		return NULL;
	}
	gpgme_set_armor(ctx, 1);
	return ctx;
}

/* kr_key_import - import data into ctx's home; the import result */
static gpgme_import_result_t
kr_key_import(gpgme_ctx_t ctx, const void *data, size_t len, char *err,
    size_t errlen)
{
	gpgme_data_t d = NULL;
	gpgme_error_t ge;
	gpgme_import_result_t res = NULL;

	ge = gpgme_data_new_from_mem(&d, data, len, 0);
	if (ge == 0)
		ge = gpgme_op_import(ctx, d);
	if (ge == 0)
		res = gpgme_op_import_result(ctx);
	if (ge != 0 || res == NULL)
		snprintf(err, errlen, "GPGME import: %s",
		    ge ? gpgme_strerror(ge) : "no result");
	gpgme_data_release(d);
	return res;
}

/* kr_key_algo - our name for a (sub)key's algorithm */
static void
kr_key_algo(gpgme_subkey_t sk, char *out, size_t outlen)
{
	const char *n = NULL;
	size_t i;

	switch (sk->pubkey_algo) {
	case GPGME_PK_RSA: case GPGME_PK_RSA_E: case GPGME_PK_RSA_S:
		n = "rsa";
		break;
	case GPGME_PK_DSA:
		n = "dsa";
		break;
	case GPGME_PK_ELG: case GPGME_PK_ELG_E:
		n = "elg";
		break;
	default:
		n = sk->curve != NULL && sk->curve[0] != '\0' ? sk->curve :
		    gpgme_pubkey_algo_name(sk->pubkey_algo);
		break;
	}
	snprintf(out, outlen, "%s", n != NULL ? n : "unknown");
	for (i = 0; out[i] != '\0'; i++) {
		if (!isalnum((unsigned char)out[i]))
			out[i] = '-';
	}
}

/* kr_key_facts - fill ki from a listed key */
static void
kr_key_facts(gpgme_key_t key, struct kr_key_info *ki)
{
	gpgme_subkey_t pk = key->subkeys, sk = NULL, enc = NULL;
	gpgme_user_id_t uid = NULL;

	snprintf(ki->fpr, sizeof(ki->fpr), "%s", pk->fpr);
	kr_key_algo(pk, ki->primary_algo, sizeof(ki->primary_algo));
	ki->primary_bits = pk->length;
	ki->created = pk->timestamp > 0 ? pk->timestamp : 0;
	ki->revoked = key->revoked;
	ki->expired = key->expired;
	ki->disabled = key->disabled;
	ki->invalid = key->invalid;
	for (sk = pk; sk != NULL; sk = sk->next) {
		if (!sk->can_encrypt || sk->revoked || sk->expired ||
		    sk->invalid || sk->disabled)
			continue;
		if (enc == NULL || sk->timestamp > enc->timestamp)
			enc = sk;
	}
	ki->can_encrypt = enc != NULL && !key->revoked && !key->expired &&
	    !key->disabled && !key->invalid;
	ki->expires = pk->expires > 0 ? pk->expires : 0;
	if (enc != NULL) {
		kr_key_algo(enc, ki->algo, sizeof(ki->algo));
		ki->bits = enc->length;
		if (enc->expires > 0 && (ki->expires == 0 ||
		    enc->expires < ki->expires))
			ki->expires = enc->expires;
	}
	for (uid = key->uids; uid != NULL; uid = uid->next) {
		if (uid->revoked || uid->invalid || uid->address == NULL ||
		    ki->nuids == KR_KEY_MAX_UIDS)
			continue;
		snprintf(ki->uids[ki->nuids++], KR_ADDR_MAX, "%s",
		    uid->address);
	}
}

/* kr_key_one_fpr - the single key fingerprint of an import; NULL + err */
static const char *
kr_key_one_fpr(gpgme_import_result_t res, char *err, size_t errlen)
{
	gpgme_import_status_t is = NULL;
	const char *fpr = NULL;

	if (res->secret_read > 0) {
		snprintf(err, errlen, "the key file holds a private key; the "
		    "gateway holds public keys only: export with "
		    "gpg --export --armor FINGERPRINT");
		return NULL;
	}
	for (is = res->imports; is != NULL; is = is->next) {
		if (is->fpr == NULL || is->result != 0)
			continue;
		if (fpr != NULL && strcmp(fpr, is->fpr) != 0) {
			snprintf(err, errlen, "the key file holds more than "
			    "one key; give one key per file");
			return NULL;
		}
		fpr = is->fpr;
	}
	if (fpr == NULL)
		snprintf(err, errlen, "the file holds no usable OpenPGP public "
		    "key (considered %d, not imported %d)", res->considered,
		    res->not_imported);
	return fpr;
}

/* kr_key_export - minimal armored export of key into a malloc'd buffer */
static pm_status
kr_key_export(gpgme_ctx_t ctx, gpgme_key_t key, char **armor, size_t *alen,
    char *err, size_t errlen)
{
	gpgme_key_t keys[2] = { key, NULL };
	gpgme_data_t d = NULL;
	gpgme_error_t ge;
	char *mem = NULL;
	size_t n = 0;

	ge = gpgme_data_new(&d);
	if (ge == 0)
		ge = gpgme_op_export_keys(ctx, keys, GPGME_EXPORT_MODE_MINIMAL,
		    d);
	if (ge != 0) {
		snprintf(err, errlen, "GPGME export: %s", gpgme_strerror(ge));
		gpgme_data_release(d);
		return PM_ECRYPTO;
	}
	mem = gpgme_data_release_and_get_mem(d, &n);
	*armor = mem != NULL && n > 0 ? malloc(n) : NULL;
	if (*armor != NULL) {
		memcpy(*armor, mem, n);
		*alen = n;
	}
	gpgme_free(mem);
	if (*armor == NULL) {
		snprintf(err, errlen, "GPGME export: empty result");
		return PM_ECRYPTO;
	}
	return PM_OK;
}

/* kr_key_mkhome - a fresh private home under parent; 0 or -1 with err */
static int
kr_key_mkhome(const char *parent, char *home, size_t homelen, char *err,
    size_t errlen)
{
	int n = snprintf(home, homelen, "%s/panmilter-gnupg.XXXXXX", parent);

	if (n < 0 || (size_t)n >= homelen || mkdtemp(home) == NULL) {
		snprintf(err, errlen, "%s: cannot create a private GnuPG home: "
		    "%s", parent, n < 0 || (size_t)n >= homelen ?
		    "path too long" : strerror(errno));
		home[0] = '\0';
		return -1;
	}
	return 0;
}

/* kr_key_inspect - import data into a throw-away home and report on it */
pm_status
kr_key_inspect(const void *data, size_t len, struct kr_key_info *ki,
    char **armor, size_t *armorlen, char *err, size_t errlen)
{
	char home[KR_STORE_PATH_MAX];
	const char *tmp = getenv("TMPDIR"), *fpr = NULL;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_import_result_t res = NULL;
	gpgme_error_t ge;
	pm_status rc = PM_ECRYPTO;

	memset(ki, 0, sizeof(*ki));
	*armor = NULL;
	*armorlen = 0;
	if (kr_key_mkhome(tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", home,
	    sizeof(home), err, errlen) != 0)
		return PM_EIO;
	ctx = kr_key_ctx(home, err, errlen);
	if (ctx == NULL)
		goto out;
	res = kr_key_import(ctx, data, len, err, errlen);
	if (res == NULL)
		goto out;
	fpr = kr_key_one_fpr(res, err, errlen);
	if (fpr == NULL) {
		rc = PM_ECONFIG;
		goto out;
	}
	ge = gpgme_get_key(ctx, fpr, &key, 0);
	if (ge != 0 || key == NULL || key->subkeys == NULL) {
		snprintf(err, errlen, "GPGME get key %s: %s", fpr,
		    ge ? gpgme_strerror(ge) : "no key");
		goto out;
	}
	kr_key_facts(key, ki);
	rc = kr_key_export(ctx, key, armor, armorlen, err, errlen);
out:
	if (key != NULL)
		gpgme_key_unref(key);
	if (ctx != NULL)
		gpgme_release(ctx);
	kr_key_remove_home(home);
	return rc;
}

/* kr_key_import_file - import one armored key file into ctx's home */
static pm_status
kr_key_import_file(gpgme_ctx_t ctx, const char *file, char *err,
    size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	pm_status rc;

	rc = kr_store_read(file, KR_STORE_MAX_KEY, &buf, &len, err, errlen);
	if (rc != PM_OK)
		return rc;
	if (kr_key_import(ctx, buf, len, err, errlen) == NULL)
		rc = PM_ECRYPTO;
	free(buf);
	return rc;
}

/* kr_key_build_home - a private home holding exactly the given keys */
pm_status
kr_key_build_home(const char *parent, const char *const *files,
    size_t nfiles, const char *const *fprs, char *home, size_t homelen,
    char *err, size_t errlen)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	pm_status rc = PM_ECRYPTO;
	size_t i;

	if (kr_key_mkhome(parent, home, homelen, err, errlen) != 0)
		return PM_EIO;
	ctx = kr_key_ctx(home, err, errlen);
	if (ctx == NULL)
		goto out;
	for (i = 0; i < nfiles; i++) {
		rc = kr_key_import_file(ctx, files[i], err, errlen);
		if (rc != PM_OK)
			goto out;
		rc = PM_ENOKEY;
		if (gpgme_get_key(ctx, fprs[i], &key, 0) != 0 || key == NULL) {
			snprintf(err, errlen, "%s: does not hold key %s; the "
			    "keyring is damaged", files[i], fprs[i]);
			goto out;
		}
		gpgme_key_unref(key);
		key = NULL;
	}
	rc = PM_OK;
out:
	if (ctx != NULL)
		gpgme_release(ctx);
	if (rc != PM_OK) {
		kr_key_remove_home(home);
		home[0] = '\0';
	}
	return rc;
}
