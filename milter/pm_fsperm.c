/* pm_fsperm - ownership and mode checks with the fix in the message. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pm_fsperm.h"

/* pm_fsperm_check - owner root or run_uid; no group/other write */
int
pm_fsperm_check(const char *path, uid_t run_uid, int secret, char *err,
    size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s; check the path in"
		    " the configuration", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != run_uid) {
		snprintf(err, errlen, "%s: owned by uid %lu, which is neither"
		    " root nor the daemon's user; run: chown root %s", path,
		    (unsigned long)st.st_uid, path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: writable by group or others (mode"
		    " %04o); run: chmod go-w %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	if (secret && (st.st_mode & S_IRWXO)) {
		snprintf(err, errlen, "%s: readable by others (mode %04o);"
		    " run: chmod o-rwx %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}
