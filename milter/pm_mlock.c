/*
 * pm_mlock - mlockall for lock_memory; see pm_mlock.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "pm_mlock.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4	/* Linux 4.4; glibc headers before 2.27 lack it */
#endif

/* pm_mlock_all - lock pages as they are touched; see pm_mlock.h */
int
pm_mlock_all(char *err, size_t errlen)
{
	int e;

	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0)
		return 0;
	if (errno == EINVAL && mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
		snprintf(err, errlen, "lock_memory: this kernel has no "
		    "MCL_ONFAULT; memory is locked when it is mapped, so a "
		    "decompressor's reservation (up to 1 GiB for an xz "
		    "dictionary) is resident while it lives");
		return 1;
	}
	e = errno;
	snprintf(err, errlen, "lock_memory: mlockall failed: %s; give the "
	    "service CAP_IPC_LOCK or raise LimitMEMLOCK", strerror(e));
	errno = e;
	return -1;
}
