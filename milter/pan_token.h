/*
 * NAME
 *	pan_token - keyed tokens of card numbers (HMAC-SHA256, OpenSSL)
 * OWNS
 *	The token key, read from a file and wiped on free.
 * PROMISES
 *	A token is the first 16 hex digits of HMAC-SHA256(key, digits):
 *	the same card gives the same token under one key, and the token
 *	says nothing about the card to someone without the key.
 * API
 *	pan_token_load(path, &key, err, errlen)	read the key file (whole
 *				file, trailing newline stripped, at least 16
 *				bytes); PM_EIO / PM_ECONFIG with a message.
 *	pan_token_key_new(p, n)	key from memory (tests).
 *	pan_token_make(key, d, n, out)	out: 17 bytes, 16 hex + NUL.
 *	pan_token_key_free(key)	wipe and free; NULL is fine.
 */
#ifndef PAN_TOKEN_H
#define PAN_TOKEN_H

#include <stddef.h>

#include "pm_status.h"

#define PAN_TOKEN_LEN	16

struct pan_token_key;

pm_status pan_token_load(const char *path, struct pan_token_key **key,
    char *err, size_t errlen);
struct pan_token_key *pan_token_key_new(const void *p, size_t n);
pm_status pan_token_make(const struct pan_token_key *key, const char *d,
    size_t n, char out[PAN_TOKEN_LEN + 1]);
void pan_token_key_free(struct pan_token_key *key);

#endif
