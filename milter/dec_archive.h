/*
 * NAME
 *	dec_archive - entries of zip, gzip and office containers (libarchive)
 * OWNS
 *	Entry data, allocated in the caller's arena and released (wiped)
 *	after the entry callback returns.
 * PROMISES
 *	- Reads from memory only (archive_read_open_memory); no temporary
 *	  files. zip (and docx/xlsx/pptx/odt/ods, which are zip), gzip,
 *	  and what else libarchive's formats and filters recognise (tar,
 *	  7z, bzip2, xz) are opened.
 *	- Limits: max_archive_entries, max_archive_ratio (an entry or the
 *	  whole archive expanding past ratio:1 of the archive's size stops
 *	  the walk), and the arena cap. A limit gives PM_ELIMIT with
 *	  res->limit set to the limit's name.
 *	- An encrypted entry is not a failure: res->encrypted counts it and
 *	  the walk goes on with the next entry. A damaged archive sets
 *	  res->damaged and reports the entries read so far.
 * API
 *	dec_archive_sniff(p, n)	1 when p starts like an archive that
 *				dec_archive_walk can open (zip, gzip, ...).
 *	dec_archive_walk(a, p, n, lim, cb, arg, res)	calls cb for every
 *				regular-file entry with its name and
 *				decompressed bytes; returns PM_OK,
 *				PM_ELIMIT, PM_ENOMEM, or cb's status.
 */
#ifndef DEC_ARCHIVE_H
#define DEC_ARCHIVE_H

#include <stddef.h>

#include "pm_arena.h"
#include "pm_limits.h"
#include "pm_status.h"

struct dec_archive_res {
	unsigned entries;	/* entries read */
	unsigned encrypted;	/* entries that could not be read: encrypted */
	int damaged;		/* the archive ended in an error */
	const char *limit;	/* name of the limit hit, or NULL */
	const char *format;	/* libarchive's format name, static */
};

typedef pm_status (*dec_archive_cb)(void *arg, const char *name,
    const unsigned char *data, size_t len);

int dec_archive_sniff(const unsigned char *p, size_t n);
pm_status dec_archive_walk(struct pm_arena *a, const unsigned char *p,
    size_t n, const struct pm_limits *lim, dec_archive_cb cb, void *arg,
    struct dec_archive_res *res);

#endif
