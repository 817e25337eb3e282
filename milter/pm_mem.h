/*
 * NAME
 *	pm_mem - the process's memory: locked out of swap, and kept
 * PROMISES
 *	- pm_mem_lock(): every page the process has or will have is locked
 *	  when it is first touched (mlockall with MCL_ONFAULT), not when it
 *	  is mapped: a reservation that is never written costs nothing.
 *	  That matters because decompressors reserve what the input asks
 *	  for: liblzma takes the whole dictionary an xz, lzma or 7z header
 *	  declares (up to 1 GiB through libarchive) in one malloc and
 *	  writes only as much of it as the data fills. Without
 *	  MCL_ONFAULT, MCL_FUTURE makes that one malloc resident and
 *	  locked: a 108-byte attachment held 1 GiB. A kernel without
 *	  MCL_ONFAULT (before Linux 4.4) gets MCL_FUTURE alone, and the
 *	  message says so.
 *	- pm_mem_keep(): memory a message freed stays in the process for
 *	  the next one (glibc: blocks under PM_MEM_MMAP_MAX come from the
 *	  heap, and up to PM_MEM_TRIM_MAX of free heap top is not given
 *	  back). By default glibc returned the arena's chunks to the kernel
 *	  after each message and faulted them in again, zeroed, for the
 *	  next: ~3 200 page faults per 10 MB test message, 30 -> 22 ms a
 *	  message scanned again and again. Arena chunks are wiped before
 *	  they are freed (pm_arena), so what is kept holds no message
 *	  bytes of ours; a library's own buffers (libarchive, zlib) are not
 *	  wiped by anyone, kept or not.
 * API
 *	pm_mem_lock(err, n)	0; 1 when locked without MCL_ONFAULT (err
 *				says what that costs); -1 with err (errno
 *				kept) when nothing could be locked.
 *	pm_mem_keep()		set the allocator's thresholds, once, before
 *				any message.
 */
#ifndef PM_MEM_H
#define PM_MEM_H

#include <stddef.h>

#define PM_MEM_MMAP_MAX	((size_t)32 << 20)	/* larger blocks: mmap */
#define PM_MEM_TRIM_MAX	((size_t)64 << 20)	/* free heap top kept */

int pm_mem_lock(char *err, size_t errlen);
void pm_mem_keep(void);

#endif
