/*
 * pan_token - keyed tokens of card numbers (HMAC-SHA256, OpenSSL 3).
 *
 * The key lives in one malloc'd buffer that is wiped before free; the
 * file is read into a stack buffer that is wiped on every path. The
 * HMAC runs through EVP_MAC ("HMAC", digest "SHA256") with a context
 * per call, so one key may be used from several threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "pan_token.h"
#include "pm_arena.h"

#define PAN_TOKEN_KEY_MAX	4096	/* bytes in a key file */
#define PAN_TOKEN_KEY_MIN	16	/* bytes after the newline strip */

struct pan_token_key {
	unsigned char *k;
	size_t n;
	EVP_MAC *mac;
};

/* pan_token_key_new - key from n bytes at p; NULL on ENOMEM or n == 0 */
struct pan_token_key *
pan_token_key_new(const void *p, size_t n)
{
	struct pan_token_key *key = NULL;

	if (p == NULL || n == 0)
		return NULL;
	key = calloc(1, sizeof(*key));
	if (key == NULL)
		goto fail;
	key->k = malloc(n);
	if (key->k == NULL)
		goto fail;
	memcpy(key->k, p, n);
	key->n = n;
	key->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (key->mac == NULL)
		goto fail;
	return key;
fail:
	pan_token_key_free(key);
	return NULL;
}

/* pan_token_key_free - wipe and free the key; NULL is fine */
void
pan_token_key_free(struct pan_token_key *key)
{
	if (key == NULL)
		return;
	if (key->k != NULL) {
		pm_wipe(key->k, key->n);
		free(key->k);
	}
	EVP_MAC_free(key->mac);
	pm_wipe(key, sizeof(*key));
	free(key);
}

/* pan_token_read - read up to cap bytes of fd into buf; -1 on error */
static ssize_t
pan_token_read(int fd, unsigned char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t r;

	while (got < cap) {
		r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* pan_token_err - format an error message if there is room for one */
static void __attribute__((format(printf, 3, 4)))
pan_token_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* pan_token_load - read the key file at path into *key */
pm_status
pan_token_load(const char *path, struct pan_token_key **key, char *err,
    size_t errlen)
{
	unsigned char buf[PAN_TOKEN_KEY_MAX + 1];
	pm_status st = PM_EIO;
	ssize_t got = -1;
	size_t n = 0;
	int fd = -1;

	*key = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		pan_token_err(err, errlen, "%s: cannot open token key: %s; "
		    "generate one with: head -c 32 /dev/urandom > %s", path,
		    strerror(errno), path);
		goto out;
	} else if (fd < 0) {
		pan_token_err(err, errlen, "%s: cannot open token key: %s; "
		    "check its owner and mode", path, strerror(errno));
		goto out;
	}
	got = pan_token_read(fd, buf, sizeof(buf));
	if (got < 0) {
		pan_token_err(err, errlen, "%s: cannot read token key: %s",
		    path, strerror(errno));
		goto out;
	}
	n = (size_t)got;
	st = PM_ECONFIG;
	if (n > PAN_TOKEN_KEY_MAX) {
		pan_token_err(err, errlen, "%s: token key file too large "
		    "(more than %d bytes); generate one with: "
		    "head -c 32 /dev/urandom > %s", path, PAN_TOKEN_KEY_MAX,
		    path);
		goto out;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < PAN_TOKEN_KEY_MIN) {
		pan_token_err(err, errlen, "%s: token key too short (%zu "
		    "bytes); generate one with: head -c 32 /dev/urandom > %s",
		    path, n, path);
		goto out;
	}
	*key = pan_token_key_new(buf, n);
	st = *key != NULL ? PM_OK : PM_ENOMEM;
	if (st != PM_OK)
		pan_token_err(err, errlen, "%s: cannot set up token key: "
		    "out of memory, or OpenSSL has no HMAC", path);
out:
	pm_wipe(buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return st;
}

/* pan_token_make - first 16 hex digits of HMAC-SHA256(key, d[0..n)) */
pm_status
pan_token_make(const struct pan_token_key *key, const char *d, size_t n,
    char out[PAN_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char digest[] = "SHA256";
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	pm_status st = PM_ECRYPTO;
	size_t mdlen = 0, i;

	out[0] = '\0';
	if (key == NULL || (d == NULL && n > 0)) {
		st = PM_EINTERNAL;
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(key->mac);
	if (ctx == NULL)
		goto out;
	if (EVP_MAC_init(ctx, key->k, key->n, params) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)d, n) != 1 ||
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) != 1 ||
	    mdlen < PAN_TOKEN_LEN / 2)
		goto out;
	for (i = 0; i < PAN_TOKEN_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0F];
	}
	out[PAN_TOKEN_LEN] = '\0';
	st = PM_OK;
out:
	pm_wipe(md, sizeof(md));
	EVP_MAC_CTX_free(ctx);
	return st;
}
