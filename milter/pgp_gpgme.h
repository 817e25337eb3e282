/*
 * NAME
 *	pgp_gpgme - OpenPGP encryption to pinned fingerprints (GPGME)
 * OWNS
 *	A private GnuPG home (a directory of our own, mode 0700, holding
 *	public keys only) and the GPGME context on it. The only file that
 *	includes <gpgme.h>.
 * PROMISES
 *	- Keys are selected by fingerprint only, never by a user-id search;
 *	  a key missing from the home is imported from KEYDIR/<FPR>.asc
 *	  (the enrolled copy) and must then carry exactly that fingerprint.
 *	- Trust comes from enrollment: encryption uses ALWAYS_TRUST on the
 *	  pinned keys; a key that is expired, revoked, disabled or cannot
 *	  encrypt is refused (PM_ENOKEY), never skipped.
 *	- Output is ASCII armored. The plaintext is pulled from the
 *	  caller's reader as gpg takes it (the helper streams its socket
 *	  into gpg); no file holds it.
 *	- gpg runs on an event loop of ours that widens GPGME's pipes to
 *	  gpg to 1 MiB (F_SETPIPE_SZ), so data flows ahead of gpg.
 * API
 *	pgp_gpgme_open(home, keydir, &p, err, n)	home: an existing empty
 *				or earlier directory of ours; keydir: where
 *				enrolled public keys are. PM_OK, PM_ECRYPTO.
 *	pgp_gpgme_encrypt_read(p, fprs, nfpr, rd, arg, len, &out, &outlen,
 *	    err, n)		armored ciphertext (out malloc'd, caller
 *				frees) of the len bytes rd gives, to every
 *				fingerprint. rd returns bytes read, 0 at the
 *				end, -1 on error; it may be left unread on an
 *				error. PM_OK, PM_ENOKEY, PM_ECRYPTO,
 *				PM_ENOMEM.
 *	pgp_gpgme_close(p)
 */
#ifndef PGP_GPGME_H
#define PGP_GPGME_H

#include <stddef.h>
#include <sys/types.h>

#include "pm_status.h"

#define PGP_FPR_MAX	64

struct pgp_gpgme;

pm_status pgp_gpgme_open(const char *home, const char *keydir,
    struct pgp_gpgme **p, char *err, size_t errlen);
typedef ssize_t (*pgp_gpgme_read_fn)(void *arg, void *buf, size_t n);
pm_status pgp_gpgme_encrypt_read(struct pgp_gpgme *p,
    const char *const *fprs, size_t nfpr, pgp_gpgme_read_fn rd, void *arg,
    size_t len, char **out, size_t *outlen, char *err, size_t errlen);
void pgp_gpgme_close(struct pgp_gpgme *p);

#endif
