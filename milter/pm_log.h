/*
 * NAME
 *	pm_log - log lines to syslog or stderr, key=value, PAN tripwire
 * OWNS
 *	The process-wide sink (set once at start, before threads) and the
 *	tripwire counter (atomic).
 * PROMISES
 *	- One event is one line. Values are typed: pm_kv_str escapes CR, LF
 *	  and controls and quotes values with spaces; pm_kv_masked takes
 *	  only a struct pan_masked. No call takes raw digits.
 *	- Tripwire: every line passes through pan_detect_has_pan() before
 *	  it is written; a line that would hold a card number is replaced
 *	  by "suppressed: would contain card data (bug)" and the counter
 *	  goes up. pm_log_tripwire_guard() does the same for reply texts
 *	  and header values.
 * API
 *	pm_log_open(ident, facility, to_stderr, level)	facility and level
 *				by name ("mail", "info"); -1 if unknown.
 *	pm_log(level, fmt, ...)	one line at a syslog level; -1 when the
 *				line could not be written (stderr: a full
 *				disk, a closed pipe), 0 otherwise.
 *	pm_kv_init(kv) / pm_kv_str / pm_kv_uint / pm_kv_masked /
 *	pm_kv_raw(kv, key, safe)	build "k=v k=v" in kv->buf (bounded,
 *				truncated with "..." when full).
 *	pm_log_tripwire_guard(s)	1 when s holds a card number (counted).
 *	pm_log_tripwire_count()	how many lines were suppressed.
 */
#ifndef PM_LOG_H
#define PM_LOG_H

#include <stddef.h>
#include <syslog.h>

#include "pan_mask.h"

#define PM_KV_MAX	2048

struct pm_kv {
	char buf[PM_KV_MAX];
	size_t n;
	int full;
};

int pm_log_open(const char *ident, const char *facility, int to_stderr,
    const char *level);
int pm_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pm_kv_init(struct pm_kv *kv);
void pm_kv_str(struct pm_kv *kv, const char *key, const char *val);
void pm_kv_uint(struct pm_kv *kv, const char *key, unsigned long long v);
void pm_kv_masked(struct pm_kv *kv, const char *key,
    const struct pan_masked *const *m, size_t n);
int pm_log_tripwire_guard(const char *s);
unsigned long pm_log_tripwire_count(void);

#endif
