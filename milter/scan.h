/*
 * NAME
 *	scan - message bytes in, verdict and findings out (the engine façade)
 * OWNS
 *	struct scan_result and its findings array (heap; no message bytes:
 *	a finding holds a masked PAN, never a clear one). The work arena
 *	for decoded parts lives only during scan_message() and is wiped.
 * PROMISES
 *	- Every part of the message is reached: headers (RFC 2047 decoded),
 *	  every MIME leaf transfer-decoded, charset-converted, markup
 *	  stripped, archives opened, binary parts scanned for ASCII and
 *	  UTF-16LE digit runs (see scan_leaf.h).
 *	- Verdict precedence: track_data > pan > unscannable > protected >
 *	  clean. A limit never passes a message silently: it makes the
 *	  verdict at least "unscannable" with the limit's name as reason.
 *	- The same result for the same bytes, whatever the caller.
 *	- Bounded: at most SCAN_MAX_FINDINGS findings are kept (the rest are
 *	  counted in dropped; the verdict still sees them) and at most
 *	  SCAN_MAX_PANS distinct PANs are described; distinct PANs are
 *	  counted with a hash set, so a message full of card numbers costs
 *	  linear time.
 * API
 *	scan_opts_default(o)	limits defaults, mask first6last4, no key.
 *	scan_message(msg, len, opts, res)	scan; PM_OK with res filled
 *				(even when a limit was hit), or PM_ENOMEM /
 *				PM_EINTERNAL with res->verdict SCAN_ERROR.
 *	scan_result_fini(res)	free the findings (wiped); idempotent.
 *	scan_verdict_str(v)	"clean", "pan", "track_data", ...
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "pan_detect.h"
#include "pan_mask.h"
#include "pan_token.h"
#include "pm_limits.h"
#include "pm_status.h"

enum scan_verdict {
	SCAN_CLEAN = 0,
	SCAN_PROTECTED,
	SCAN_UNSCANNABLE,
	SCAN_PAN,
	SCAN_TRACK_DATA,
	SCAN_ERROR
};

/* beside the MIME_DEFECT_* bits in scan_result.defects */
#define SCAN_DEFECT_ARCHIVE_DAMAGED	0x8000

#define SCAN_PART_MAX	64
#define SCAN_MAX_FINDINGS	1000	/* findings kept; the rest counted */
#define SCAN_MAX_PANS		256	/* distinct PANs described */
#define SCAN_WHERE_MAX	160

struct scan_finding {
	enum pan_kind kind;
	enum pan_conf conf;
	const char *brand;		/* static brand id, "visa" */
	struct pan_masked masked;
	unsigned length;		/* digits in the PAN */
	int is_test;			/* a brand's published test number */
	char token[PAN_TOKEN_LEN + 1];	/* "" without a token key */
	char part[SCAN_PART_MAX];	/* "1.2", "1.2/zipentry" */
	char where[SCAN_WHERE_MAX];	/* "body", "header:Subject",
					   "attachment:NAME" (NAME masked
					   if it held a PAN) */
	uint64_t offset;		/* byte offset in the decoded text */
	uint64_t id;			/* salted hash of the digits, valid
					   within one scan (never output) */
};

/* one distinct card number, as the policy may see it (no digits) */
struct scan_pan {
	enum pan_conf conf;		/* highest confidence of its findings */
	int is_test;
	char token[PAN_TOKEN_LEN + 1];
	uint64_t id;			/* salted hash, valid within one scan */
};

struct scan_opts {
	struct pm_limits lim;
	enum pan_mask_style mask;
	const struct pan_token_key *key;	/* NULL: no tokens */
};

struct scan_result {
	enum scan_verdict verdict;
	char reason[128];		/* why unscannable/protected/error */
	struct scan_finding *findings;
	size_t nfindings;
	size_t cap;
	unsigned nparts;		/* leaves seen */
	unsigned defects;		/* MIME defect bits */
	uint64_t decoded;		/* decoded bytes scanned */
	size_t dropped;			/* findings past SCAN_MAX_FINDINGS */
	unsigned distinct_pans;		/* distinct PANs, all counted */
	struct scan_pan *pans;		/* the first SCAN_MAX_PANS of them */
	unsigned npans;			/* entries used in pans[] */
};

void scan_opts_default(struct scan_opts *o);
pm_status scan_message(const unsigned char *msg, size_t len,
    const struct scan_opts *opts, struct scan_result *res);
void scan_result_fini(struct scan_result *res);
const char *scan_verdict_str(enum scan_verdict v);

#endif
