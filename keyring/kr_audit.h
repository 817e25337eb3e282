/*
 * NAME
 *	kr_audit - the keyring's hash-chained audit log (SHA-256, OpenSSL)
 * OWNS
 *	Nothing beyond the calls: entries are written to DIR/audit.log and
 *	parsed into caller structs.
 * PROMISES
 *	- One entry a line: SEQ TAB TIME TAB OS_USER TAB BY TAB ACTION TAB
 *	  DETAIL TAB PREV TAB HASH, text fields percent-escaped like the
 *	  state file. SEQ counts from 1 without gaps; PREV is the HASH of
 *	  the entry before (64 zeros for the first); HASH is SHA-256, in
 *	  upper-case hex, of the line up to and including PREV.
 *	- The state file records the sequence number and hash of the last
 *	  entry (kr_state.audit_seq/audit_head), so deleting entries at the
 *	  end is found too, not only edits in the middle.
 *	- kr_audit_verify() names the first problem and where it is:
 *	  "entry 3 (line 3): its hash does not match its content: the
 *	  entry was edited"; deletion ("entry 3 is missing"), reordering
 *	  ("line 3 holds entry 4, entry 3 is on line 4"), a broken chain
 *	  link and a log that ends before or after the state's head.
 *	- Appends are O_APPEND writes of whole lines followed by fsync.
 * API
 *	kr_audit_format(e, line, n)	computes e->hash from the other
 *				fields (prev included) and writes the whole
 *				line, newline included, into line. PM_ELIMIT
 *				when it does not fit.
 *	kr_audit_append(dir, st, os_user, by, action, detail, now, &oldsize,
 *	    err, n)		appends entry st->audit_seq + 1 chained to
 *				st->audit_head, then updates both in st.
 *				oldsize is the log's size before, for
 *				kr_audit_rollback(). PM_EIO, PM_ELIMIT.
 *	kr_audit_rollback(dir, oldsize)	truncates the log back (used when
 *				the state could not be saved after an append).
 *	kr_audit_parse(line, len, e)	one line (without newline) into e;
 *				0, or -1 when malformed.
 *	kr_audit_verify(buf, len, want_seq, want_head, why, n)	0 when the
 *				log is intact and ends at the state's head;
 *				-1 with why naming the entry and line.
 * LIMITS
 *	The chain proves order and integrity relative to the state file;
 *	someone who can rewrite both the log and the state can forge a
 *	consistent history. Ship the log to a remote syslog or a WORM
 *	store as well (pankey(8) SECURITY).
 * SEE ALSO
 *	PCI DSS 10.3, kr_store, pankey(8).
 */
#ifndef KR_AUDIT_H
#define KR_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kr_state.h"
#include "pm_status.h"

#define KR_AUDIT_ACTION_MAX	32
#define KR_AUDIT_DETAIL_MAX	1024
#define KR_AUDIT_LINE_MAX	4096
#define KR_AUDIT_TIME_MAX	32

struct kr_audit_entry {
	int64_t seq;
	char time[KR_AUDIT_TIME_MAX];	/* "2026-11-23T01:02:03Z" */
	char os_user[KR_NAME_MAX];
	char by[KR_NAME_MAX];
	char action[KR_AUDIT_ACTION_MAX];
	char detail[KR_AUDIT_DETAIL_MAX];
	char prev[KR_HASH_HEX];
	char hash[KR_HASH_HEX];
};

pm_status kr_audit_format(struct kr_audit_entry *e, char *line,
    size_t linelen);
pm_status kr_audit_append(const char *dir, struct kr_state *st,
    const char *os_user, const char *by, const char *action,
    const char *detail, int64_t now, off_t *oldsize, char *err,
    size_t errlen);
void kr_audit_rollback(const char *dir, off_t oldsize);
int kr_audit_parse(const char *line, size_t len, struct kr_audit_entry *e);
int kr_audit_verify(const char *buf, size_t len, int64_t want_seq,
    const char *want_head, char *why, size_t whylen);

#endif
