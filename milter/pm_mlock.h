/*
 * NAME
 *	pm_mlock - keep message bytes out of swap (lock_memory)
 * PROMISES
 *	Every page the process has or will have is locked when it is first
 *	touched (mlockall with MCL_ONFAULT), not when it is mapped: a
 *	reservation that is never written costs nothing. That matters
 *	because decompressors reserve what the input asks for: liblzma
 *	takes the whole dictionary an xz, lzma or 7z header declares (up to
 *	1 GiB through libarchive) in one malloc and writes only as much of
 *	it as the data fills. Without MCL_ONFAULT, MCL_FUTURE makes that
 *	one malloc resident and locked: a 200-byte attachment held 1 GiB.
 *	A kernel without MCL_ONFAULT (before Linux 4.4) gets MCL_FUTURE
 *	alone, and the message says so.
 * API
 *	pm_mlock_all(err, n)	0; 1 when locked without MCL_ONFAULT (err
 *				says what that costs); -1 with err (errno
 *				kept) when nothing could be locked.
 */
#ifndef PM_MLOCK_H
#define PM_MLOCK_H

#include <stddef.h>

int pm_mlock_all(char *err, size_t errlen);

#endif
