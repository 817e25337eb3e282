/*
 * NAME
 *	pm_status - the status codes every panmilter function returns
 * PROMISES
 *	PM_OK is 0; every other value names one class of failure, and
 *	pm_status_str() gives a short, stable, lower-case name for logs.
 * API
 *	pm_status_str(st)	static string; never NULL.
 */
#ifndef PM_STATUS_H
#define PM_STATUS_H

typedef enum {
	PM_OK = 0,
	PM_ENOMEM,	/* allocation failed or the arena cap was reached */
	PM_ELIMIT,	/* a configured limit was hit (see the reason) */
	PM_EIO,		/* read/write error on a file or socket */
	PM_ECRYPTO,	/* OpenSSL or GPGME failed */
	PM_ENOKEY,	/* no usable key for a recipient */
	PM_ETIMEOUT,	/* an operation took longer than allowed */
	PM_ECONFIG,	/* bad configuration or policy */
	PM_EINTERNAL	/* a broken internal invariant */
} pm_status;

const char *pm_status_str(pm_status st);

#endif
