/*
 * NAME
 *	pgp_helper - encryption in helper processes forked at start-up
 * OWNS
 *	N helper processes, each with its own private GnuPG home (public
 *	keys only, under a run directory, removed when it exits), reached
 *	over a socketpair with length-checked framing.
 * PROMISES
 *	- Forked before the milter starts its threads and before memory
 *	  grows, so GPGME's fork+exec of gpg costs the same whatever the
 *	  daemon holds (GPGME forks its caller).
 *	- Frames are bounded (fingerprints <= PGP_FPR_MAX, plaintext <=
 *	  PGP_HELPER_MAX_PLAIN); a malformed frame closes the channel.
 *	- The plaintext crosses only the socketpair. The helper streams it
 *	  from the socket into gpg while gpg starts (pgp_gpgme_encrypt_read)
 *	  and holds no copy; after a refusal it reads and wipes the unread
 *	  rest, so the channel stays in step. A helper that does not
 *	  answer within the timeout is killed and the message gets
 *	  PM_ETIMEOUT (on_error).
 * API
 *	pgp_helper_start(n, keydir, rundir, timeout, &h, err, n)
 *	pgp_helper_encrypt(h, fprs, nfpr, plain, len, &out, &outlen, err, n)
 *				out malloc'd (armored ciphertext).
 *	pgp_helper_dead(h)	how many helpers were stopped or died (they
 *				are not replaced: a new one must be forked
 *				from a process without threads, so the
 *				milter restarts its worker; mlfi_crypt).
 *	pgp_helper_stop(h)	close the channels, reap the children.
 */
#ifndef PGP_HELPER_H
#define PGP_HELPER_H

#include <stddef.h>

#include "pm_status.h"

#define PGP_HELPER_MAX_PLAIN	(256u * 1024 * 1024)

struct pgp_helper;

pm_status pgp_helper_start(unsigned n, const char *keydir, const char *rundir,
    unsigned timeout, struct pgp_helper **h, char *err, size_t errlen);
pm_status pgp_helper_encrypt(struct pgp_helper *h, const char *const *fprs,
    size_t nfpr, const void *plain, size_t len, char **out, size_t *outlen,
    char *err, size_t errlen);
unsigned pgp_helper_dead(struct pgp_helper *h);
void pgp_helper_stop(struct pgp_helper *h);

#endif
