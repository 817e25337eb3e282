/*
 * NAME
 *	kr_state - the keyring state file: in-memory form, parse, serialize
 * OWNS
 *	struct kr_state: the keyring settings, the custodian register and
 *	the enrollment list, in two heap arrays freed by kr_state_fini().
 *	Every string is a fixed-size array inside its record, so a record
 *	can be copied by assignment.
 * PROMISES
 *	- The format is versioned text: the first line is exactly
 *	  "pankey-state 1"; then one record a line: a record type, then
 *	  TAB-separated key=value fields. Values are percent-escaped
 *	  (%XX, upper-case hex) for '%', every byte below 0x20 and 0x7f.
 *	- Parsing is strict: an unknown record type or key, a duplicate
 *	  or missing key, a bad number, escape, fingerprint or state name,
 *	  a value too long for its field, a NUL byte, a missing final
 *	  newline, a second "keyring" record or a duplicate custodian is
 *	  an error naming the line ("line 4: enrollment: unknown key
 *	  'color'"). The parser is total on any input (fuzzed).
 *	- kr_state_serialize() output parses back to an equal state, and
 *	  the same state always gives the same bytes.
 *	- Self-contained: libc and pm_status only, so a fuzz target can
 *	  compile it in.
 * API
 *	kr_state_init(st)	an empty state with the default settings.
 *	kr_state_fini(st)	frees the arrays; st can be init'ed again.
 *	kr_state_parse(buf, len, st, err, n)	st must be init'ed; on
 *				error st is left empty (fini'ed and init'ed)
 *				and err holds "line N: problem".
 *				PM_ECONFIG bad input, PM_ENOMEM.
 *	kr_state_serialize(st, &out, &len)	malloc'd text (caller frees);
 *				PM_ENOMEM.
 *	kr_state_add_custodian(st, c) / kr_state_add_enroll(st, e)
 *				append a copy; PM_ENOMEM.
 *	kr_state_find_custodian(st, name)	the record or NULL.
 *	kr_estate_str(s) / kr_reason_str(r)	stable names.
 *	kr_reason_parse(s, &r)	0 ok, -1 unknown name.
 *	kr_fpr_valid(s)		1 for 40 or 64 upper-case hex digits.
 *	kr_state_escape(s, out, n)	percent-escaped copy; -1 if too long.
 *	kr_state_unescape(v, vlen, out, n)	NULL, or why v is malformed.
 * LIMITS
 *	At most KR_STATE_MAX_RECORDS records (a keyring of a few thousand
 *	partners is the expected size). Times are seconds since the epoch
 *	(UTC); 0 means "none" (never expires, not approved, ...).
 * SEE ALSO
 *	kr_store (where the file lives), kr_life (what may change), pankey(8).
 */
#ifndef KR_STATE_H
#define KR_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "pm_status.h"

#define KR_STATE_MAGIC		"pankey-state 1"
#define KR_STATE_MAX_RECORDS	100000
#define KR_FPR_MAX		65	/* 64 hex digits (v5) + NUL */
#define KR_ADDR_MAX		256
#define KR_NAME_MAX		64
#define KR_ALGO_MAX		32
#define KR_TEXT_MAX		256
#define KR_HASH_HEX		65	/* SHA-256 in hex + NUL */

#define KR_DEFAULT_MIN_RSA_BITS		3072
#define KR_DEFAULT_MIN_ECC_BITS		256
#define KR_DEFAULT_CRYPTOPERIOD_DAYS	730

enum kr_estate {
	KR_PENDING = 0,		/* enrolled, waiting for a second custodian */
	KR_ACTIVE,		/* usable for encryption */
	KR_REVOKED		/* never used again; fingerprint refused */
};

enum kr_reason {
	KR_REASON_NONE = 0,
	KR_REASON_COMPROMISE,	/* "key-compromise" */
	KR_REASON_SUPERSEDED,	/* "superseded" */
	KR_REASON_LEFT,		/* "left": the person left the partner */
	KR_REASON_OTHER		/* "other" */
};

struct kr_custodian {
	char name[KR_NAME_MAX];
	char os_user[KR_NAME_MAX];	/* login that ran "custodian add" */
	int64_t uid;
	int64_t acknowledged;		/* when responsibilities accepted */
};

struct kr_enroll {
	char address[KR_ADDR_MAX];	/* normalised recipient address */
	char fpr[KR_FPR_MAX];		/* pinned primary fingerprint */
	enum kr_estate state;
	char algo[KR_ALGO_MAX];		/* encryption subkey: "rsa", "cv25519" */
	uint32_t bits;
	char primary_algo[KR_ALGO_MAX];	/* primary key: "rsa", "ed25519" */
	uint32_t primary_bits;
	int64_t key_created;		/* primary key creation */
	int64_t expires;		/* earliest of key and subkey; 0 never */
	char enrolled_by[KR_NAME_MAX];
	char enrolled_os_user[KR_NAME_MAX];
	int64_t enrolled_at;
	char approved_by[KR_NAME_MAX];	/* "" without dual control */
	char approved_os_user[KR_NAME_MAX];
	int64_t approved_at;
	char uid_mismatch_reason[KR_TEXT_MAX];	/* "" when a uid matched */
	char revoked_by[KR_NAME_MAX];
	char revoked_os_user[KR_NAME_MAX];
	int64_t revoked_at;
	enum kr_reason reason;
};

struct kr_state {
	int dual_control;
	int allow_same_os_user;		/* weaker dual control, chosen at init */
	uint32_t min_rsa_bits;
	uint32_t min_ecc_bits;
	uint32_t cryptoperiod_days;
	int64_t created;
	int64_t generation;		/* +1 on every change */
	int64_t audit_seq;		/* last audit entry written */
	char audit_head[KR_HASH_HEX];	/* its hash; "" before the first */
	struct kr_custodian *cust;
	size_t ncust;
	struct kr_enroll *enr;
	size_t nenr;
};

void kr_state_init(struct kr_state *st);
void kr_state_fini(struct kr_state *st);
pm_status kr_state_parse(const char *buf, size_t len, struct kr_state *st,
    char *err, size_t errlen);
pm_status kr_state_serialize(const struct kr_state *st, char **out,
    size_t *outlen);
pm_status kr_state_add_custodian(struct kr_state *st,
    const struct kr_custodian *c);
pm_status kr_state_add_enroll(struct kr_state *st, const struct kr_enroll *e);
const struct kr_custodian *kr_state_find_custodian(const struct kr_state *st,
    const char *name);
const char *kr_estate_str(enum kr_estate s);
const char *kr_reason_str(enum kr_reason r);
int kr_reason_parse(const char *s, enum kr_reason *r);
int kr_fpr_valid(const char *s);
int kr_state_escape(const char *s, char *out, size_t outlen);
const char *kr_state_unescape(const char *v, size_t n, char *out,
    size_t outlen);

#endif
