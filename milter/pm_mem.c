/*
 * pm_mem - mlockall for lock_memory, and the allocator's thresholds;
 * see pm_mem.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pm_mem.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4	/* Linux 4.4; glibc headers before 2.27 lack it */
#endif

/* pm_mem_lock - lock pages as they are touched; see pm_mem.h */
int
pm_mem_lock(char *err, size_t errlen)
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

/* pm_mem_keep - keep freed memory for the next message; see pm_mem.h */
void
pm_mem_keep(void)
{
#if defined(__GLIBC__)
	(void)mallopt(M_MMAP_THRESHOLD, (int)PM_MEM_MMAP_MAX);
	(void)mallopt(M_TRIM_THRESHOLD, (int)PM_MEM_TRIM_MAX);
#endif
}
