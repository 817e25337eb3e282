/*
 * mlfi_crypt - keyring view + helpers + act_encrypt, for mlfi_decide.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlfi_crypt.h"
#include "pgp_gpgme.h"
#include "pgp_helper.h"
#include "pm_log.h"

#define MLFI_MAX_FPRS	64

static int mlfi_crypt_restart;	/* a helper is gone: restart the worker */

/*
 * mlfi_crypt_want_restart - a helper was stopped (timeout) or died. A new
 * one cannot be forked here (this process has threads), so the worker
 * stops (libmilter's smfi_stop) and exits with PANMILTER_EXIT_RESTART;
 * the supervisor starts a new worker, which forks new helpers. Messages
 * in flight get the MTA's temporary failure and are retried.
 */
static void
mlfi_crypt_want_restart(void)
{
	if (__atomic_exchange_n(&mlfi_crypt_restart, 1, __ATOMIC_SEQ_CST))
		return;
	pm_log(LOG_WARNING, "an encryption helper was stopped; restarting"
	    " the worker to start new helpers (messages in flight get a"
	    " temporary failure and are retried)");
	(void)smfi_stop();
}

/* mlfi_crypt_restart_wanted - 1 once a helper is gone */
int
mlfi_crypt_restart_wanted(void)
{
	return __atomic_load_n(&mlfi_crypt_restart, __ATOMIC_SEQ_CST);
}

/* mlfi_crypt_init - the keyring snapshot, loaded once to check it */
int
mlfi_crypt_init(struct mlfi_daemon *d, char *err, size_t errlen)
{
	const void *v;
	int stale;

	if (d->conf->keyring == NULL)
		return 0;
	snprintf(d->keyring_state, sizeof(d->keyring_state), "%s/state",
	    d->conf->keyring);
	snprintf(d->keyring_keys, sizeof(d->keyring_keys), "%s/keys",
	    d->conf->keyring);
	pm_snap_init(&d->keyring, d->keyring_state, kr_view_snap_load,
	    kr_view_snap_free);
	d->have_keyring = 1;
	v = pm_snap_acquire(&d->keyring, &stale, err, errlen);
	if (v == NULL || stale) {
		if (err[0] == 0)
			snprintf(err, errlen, "%s: cannot read the keyring; run"
			    " pankey -k %s list", d->keyring_state,
			    d->conf->keyring);
		return -1;
	}
	pm_snap_release(&d->keyring, (void *)v);
	return 0;
}

/* mlfi_crypt_start - the helper processes, forked before threads */
int
mlfi_crypt_start(struct mlfi_daemon *d, char *err, size_t errlen)
{
	const char *run = d->conf->run_dir;

	if (!d->have_keyring)
		return 0;
	if (run == NULL)
		run = getenv("RUNTIME_DIRECTORY");
	if (run == NULL)
		run = "/tmp";
	return pgp_helper_start(d->conf->pgp_helpers, d->keyring_keys, run,
	    d->conf->timeout, &d->pgp, err, errlen) == PM_OK ? 0 : -1;
}

/* mlfi_crypt_fini - stop helpers, free views */
void
mlfi_crypt_fini(struct mlfi_daemon *d)
{
	pgp_helper_stop(d->pgp);
	d->pgp = NULL;
	if (d->have_keyring)
		pm_snap_fini(&d->keyring);
	d->have_keyring = 0;
}

/* mlfi_crypt_view - the keyring as of now (per message) */
const struct kr_view *
mlfi_crypt_view(struct mlfi_daemon *d, int *stale, char *err, size_t errlen)
{
	*stale = 0;
	if (!d->have_keyring)
		return NULL;
	return pm_snap_acquire(&d->keyring, stale, err, errlen);
}

/* mlfi_crypt_release - done with a view */
void
mlfi_crypt_release(struct mlfi_daemon *d, const struct kr_view *v)
{
	if (d->have_keyring && v != NULL)
		pm_snap_release(&d->keyring, (void *)v);
}

/* mlfi_crypt_has_key - pol_has_key_fn over a view */
int
mlfi_crypt_has_key(void *view, const char *addr)
{
	return view != NULL && kr_view_has_key(view, addr);
}

/* fpr_list - split "FPR, FPR ..." into out; returns the count */
static size_t
fpr_list(const char *s, char buf[][PGP_FPR_MAX + 1], const char **out,
    size_t have, size_t max)
{
	size_t n = have, l;

	while (s != NULL && *s && n < max) {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		for (l = 0; isxdigit((unsigned char)s[l]); l++)
			;
		if (l == 0)
			break;
		if (l <= PGP_FPR_MAX) {
			memcpy(buf[n], s, l);
			buf[n][l] = 0;
			out[n] = buf[n];
			n++;
		}
		s += l;
	}
	return n;
}

struct crypt_arg {
	struct pgp_helper *pgp;
	const char **fprs;
	size_t n;
};

/* crypt_fn - act_encrypt_fn bound to a helper and fingerprints */
static pm_status
crypt_fn(void *arg, const void *plain, size_t len, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct crypt_arg *ca = arg;
	pm_status st;

	st = pgp_helper_encrypt(ca->pgp, ca->fprs, ca->n, plain, len, out,
	    outlen, err, errlen);
	if (pgp_helper_dead(ca->pgp) > 0)
		mlfi_crypt_want_restart();
	return st;
}

/* envelope - the original envelope as header lines, for quarantine */
static char *
envelope(struct pm_arena *a, const char *from, char *const *rcpts, size_t n)
{
	size_t i, len = strlen(from) + 64, o;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(rcpts[i]) + 32;
	if ((s = pm_arena_alloc(a, len)) == NULL)
		return NULL;
	o = (size_t)snprintf(s, len, "X-PAN-Quarantine-From: %s\r\n", from);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, len - o,
		    "X-PAN-Quarantine-To: %s\r\n", rcpts[i]);
	return s;
}

/* mlfi_crypt_run - encrypt (or quarantine) one message */
pm_status
mlfi_crypt_run(struct mlfi_daemon *d, const struct kr_view *v,
    struct pm_arena *a, const unsigned char *msg, size_t len,
    const char *from, char *const *rcpts, size_t nrcpts, int quarantine,
    int protect_subject, struct act_encrypt_edit *edit, char *why,
    size_t whylen)
{
	char own[MLFI_MAX_FPRS][PGP_FPR_MAX + 1];
	const char *fprs[MLFI_MAX_FPRS];
	struct crypt_arg ca;
	size_t n = 0, i, k;

	if (d->pgp == NULL || v == NULL) {
		snprintf(why, whylen, "no keyring or encryption helper; set"
		    " keyring in panmilter.conf");
		return PM_ENOKEY;
	}
	if (quarantine)
		n = fpr_list(d->conf->quarantine_keys, own, fprs, 0,
		    MLFI_MAX_FPRS);
	else {
		for (i = 0; i < nrcpts && n < MLFI_MAX_FPRS; i++) {
			k = kr_view_keys_for(v, rcpts[i], fprs + n,
			    MLFI_MAX_FPRS - n);
			if (k == 0) {
				snprintf(why, whylen, "no active key for a"
				    " recipient; enroll one with pankey");
				return PM_ENOKEY;
			}
			n += k < MLFI_MAX_FPRS - n ? k : MLFI_MAX_FPRS - n;
		}
		n = fpr_list(d->conf->encrypt_also, own, fprs, n,
		    MLFI_MAX_FPRS);
	}
	if (n == 0) {
		snprintf(why, whylen, "no keys to encrypt to; set"
		    " quarantine_keys");
		return PM_ENOKEY;
	}
	ca.pgp = d->pgp;
	ca.fprs = fprs;
	ca.n = n;
	return act_encrypt(a, msg, len, protect_subject, quarantine
	    ? envelope(a, from, rcpts, nrcpts) : NULL, crypt_fn, &ca, edit,
	    why, whylen);
}
