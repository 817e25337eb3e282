/*
 * NAME
 *	pm_limits - the engine's limits, their defaults and names
 * PROMISES
 *	Every limit has a default chosen for a mail gateway (the reason is
 *	beside it in pm_limits.c) and a snake_case name that is also its
 *	panmilter.conf key. Hitting one is an outcome (PM_ELIMIT with the
 *	limit's name as the reason), never a crash or a silent skip.
 * API
 *	pm_limits_default(l)	fill l with the defaults.
 */
#ifndef PM_LIMITS_H
#define PM_LIMITS_H

#include <stddef.h>

struct pm_limits {
	size_t max_message_size;	/* bytes of raw message */
	unsigned max_depth;		/* MIME + archive nesting */
	unsigned max_parts;		/* leaves per message */
	size_t max_decoded_size;	/* decoded bytes per message */
	unsigned max_archive_entries;	/* entries per archive */
	unsigned max_archive_ratio;	/* expansion ratio, n:1 */
	unsigned max_archive_depth;	/* archives nested in archives */
	unsigned scan_timeout;		/* seconds per message, 0 = none */
};

void pm_limits_default(struct pm_limits *l);

#endif
