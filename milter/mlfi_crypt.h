/*
 * NAME
 *	mlfi_crypt - the milter's encrypt and quarantine actions
 * OWNS
 *	The keyring snapshot (kr_view behind pm_snap on KEYRING/state, so a
 *	revocation is seen by the next message) and the encryption helper
 *	processes (pgp_helper), both parts of struct mlfi_daemon.
 * PROMISES
 *	- Keys come only from the current view's pinned fingerprints; a
 *	  keyring change that fails to load is never answered from the
 *	  stale view: encrypt and quarantine then fail (on_error).
 *	- encrypt: every recipient's active keys plus encrypt_also;
 *	  quarantine: the quarantine_keys only, the original envelope
 *	  inside the encrypted part, recipients replaced by
 *	  quarantine_address.
 * API
 *	mlfi_crypt_init(d, err, n)	keyring snapshot (none without a
 *				keyring setting); 0 or -1.
 *	mlfi_crypt_start(d, err, n)	fork the helpers (before threads).
 *	mlfi_crypt_fini(d)
 *	mlfi_crypt_view(d, &stale, err, n) / mlfi_crypt_release(d, v)
 *	mlfi_crypt_has_key(view, addr)	pol_has_key_fn adapter.
 *	mlfi_crypt_run(d, v, a, msg, len, from, rcpts, n, quarantine,
 *	    protect_subject, &edit, why, n)	PM_OK with the edits, or the
 *				failing status with a reason.
 *	mlfi_crypt_restart_wanted()	1 once a helper was stopped or
 *				died: mlfi_crypt_run has logged it and called
 *				smfi_stop(); the worker then exits with
 *				PANMILTER_EXIT_RESTART and the supervisor
 *				starts a new worker with new helpers.
 */
#ifndef MLFI_CRYPT_H
#define MLFI_CRYPT_H

#include <stddef.h>

#include "act_encrypt.h"
#include "kr_view.h"
#include "mlfi.h"

#define PANMILTER_EXIT_RESTART	75	/* worker: start me again */

int mlfi_crypt_init(struct mlfi_daemon *d, char *err, size_t errlen);
int mlfi_crypt_start(struct mlfi_daemon *d, char *err, size_t errlen);
void mlfi_crypt_fini(struct mlfi_daemon *d);
const struct kr_view *mlfi_crypt_view(struct mlfi_daemon *d, int *stale,
    char *err, size_t errlen);
void mlfi_crypt_release(struct mlfi_daemon *d, const struct kr_view *v);
int mlfi_crypt_has_key(void *view, const char *addr);
pm_status mlfi_crypt_run(struct mlfi_daemon *d, const struct kr_view *v,
    struct pm_arena *a, const unsigned char *msg, size_t len,
    const char *from, char *const *rcpts, size_t nrcpts, int quarantine,
    int protect_subject, struct act_encrypt_edit *edit, char *why,
    size_t whylen);
int mlfi_crypt_restart_wanted(void);

#endif
