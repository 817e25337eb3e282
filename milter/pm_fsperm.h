/*
 * NAME
 *	pm_fsperm - refuse configuration files that others could change
 * PROMISES
 *	A file (or directory) passes when it is owned by root or by the
 *	user the daemon runs as, and is not writable by group or others;
 *	a secret (the token key) must also not be readable by others.
 *	The message names the file and the exact command to fix it.
 * API
 *	pm_fsperm_check(path, run_uid, secret, err, n)	0, or -1 with err.
 */
#ifndef PM_FSPERM_H
#define PM_FSPERM_H

#include <stddef.h>
#include <sys/types.h>

int pm_fsperm_check(const char *path, uid_t run_uid, int secret, char *err,
    size_t errlen);

#endif
