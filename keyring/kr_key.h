/*
 * NAME
 *	kr_key - OpenPGP key inspection and private GnuPG homes, via GPGME
 * OWNS
 *	The temporary GnuPG home of one inspection (created with mkdtemp,
 *	mode 0700, removed before returning). The armored export returned
 *	by kr_key_inspect() is malloc'd and belongs to the caller.
 *	This is the only keyring file that includes <gpgme.h>.
 * PROMISES
 *	- A key is selected by the fingerprint gpg reports for the import,
 *	  never by a user-id search; the home is private to the call, so
 *	  no other key can be picked up.
 *	- Facts reported: the primary fingerprint; the encryption subkey
 *	  gpg would use (usable, newest) with its algorithm and size; the
 *	  primary's algorithm and size; creation; the earliest expiry of
 *	  primary and encryption subkey; revoked/expired/disabled/invalid;
 *	  and the mail addresses of the valid user ids.
 *	- A key file with no key, with several keys or with a private key
 *	  is refused (PM_ECONFIG): the gateway holds public keys only.
 *	- The export stored in the keyring is minimal (GPGME_EXPORT_MODE_
 *	  MINIMAL: self-signatures only) and ASCII-armored.
 * API
 *	kr_key_fpr_norm(typed, out, n)	"0x", spaces and colons removed,
 *				upper-cased; 0, or -1 when not 40 or 64 hex.
 *	kr_key_inspect(data, len, ki, &armor, &alen, err, n)
 *				PM_OK; PM_ECONFIG (refused file, err says
 *				why); PM_ECRYPTO (GPGME or gpg failed).
 *	kr_key_build_home(parent, files, nfiles, fprs, home, homelen, err, n)
 *				mkdtemp PARENT/panmilter-gnupg.XXXXXX (0700),
 *				imports each file and checks that each of
 *				fprs[] is then present. On error nothing is
 *				left behind.
 *	kr_key_remove_home(home)	deletes a home made by this module.
 * LIMITS
 *	Each call forks gpg (through GPGME); fine for pankey and for a
 *	rebuild when the keyring changes, not for per-message use.
 *	gpg writes into the home (pubring.kbx, trustdb.gpg, lock files),
 *	so it must be on a writable, process-owned file system (/run).
 * SEE ALSO
 *	RFC 4880 (RFC 9580) 5.5, 12.2; gpgme.h; kr_view.
 */
#ifndef KR_KEY_H
#define KR_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "kr_state.h"
#include "pm_status.h"

#define KR_KEY_MAX_UIDS	32

struct kr_key_info {
	char fpr[KR_FPR_MAX];
	char algo[KR_ALGO_MAX];		/* encryption subkey ("" if none) */
	uint32_t bits;
	char primary_algo[KR_ALGO_MAX];
	uint32_t primary_bits;
	int64_t created;
	int64_t expires;		/* 0: never */
	int can_encrypt;		/* a usable encryption subkey exists */
	int revoked, expired, disabled, invalid;
	char uids[KR_KEY_MAX_UIDS][KR_ADDR_MAX];	/* addresses as in the key */
	size_t nuids;
};

int kr_key_fpr_norm(const char *typed, char *out, size_t outlen);
pm_status kr_key_inspect(const void *data, size_t len,
    struct kr_key_info *ki, char **armor, size_t *armorlen, char *err,
    size_t errlen);
pm_status kr_key_build_home(const char *parent, const char *const *files,
    size_t nfiles, const char *const *fprs, char *home, size_t homelen,
    char *err, size_t errlen);
void kr_key_remove_home(const char *home);

#endif
