/*
 * NAME
 *	pol_check - what a policy may contain and the checks across rules
 * OWNS
 *	The schema (the settings allowed at the top, in "default" and in a
 *	rule), the "did you mean" suggestion, the token syntax; nothing
 *	allocated beyond the messages it adds.
 * PROMISES
 *	- Every message reads "what is wrong; what to do" and names the
 *	  rule and the file:line where the fix belongs.
 *	- The checks are the ones pol_load runs, so a policy that loads is a
 *	  policy that passes "panpolicy check" without a keyring.
 *	- No card number is echoed (pol_diag scrubs every message).
 * API
 *	pol_check_known(ctx, name)	1 when name is a setting of ctx.
 *	pol_check_suggest(ctx, name)	the closest known setting within an
 *				edit distance of 2, or NULL.
 *	pol_check_known_list(ctx)	"a, b, c" for messages.
 *	pol_check_token(s, out)	POL_TOKEN_OK (out: 16 lower-case hex),
 *				POL_TOKEN_PAN (looks like a card number),
 *				POL_TOKEN_BAD.
 *	pol_check_rules(p, d)	duplicate names, duplicate patterns in a
 *				rule, duplicate rules, shadowed patterns and
 *				unreachable rules. PM_OK or PM_ECONFIG.
 *	pol_check_keys(p, has_key, arg, d)	an "encrypt" rule for an
 *				exact address that has no enrolled key.
 *				PM_OK or PM_ECONFIG; has_key NULL: no check.
 * LIMITS
 *	Shadowing is decided per pattern key: a pattern is shadowed by an
 *	earlier rule with the same pattern, the same senders and a min_pans
 *	not larger. Broader overlaps (an "@domain" rule that makes every
 *	address rule of that domain irrelevant because both have the same
 *	action) are not reported: the more specific rule still wins.
 */
#ifndef POL_CHECK_H
#define POL_CHECK_H

#include "pol_decide.h"
#include "pol_load.h"

enum pol_ctx {
	POL_CTX_TOP = 0,
	POL_CTX_DEFAULT,
	POL_CTX_RULE
};

enum pol_token_rc {
	POL_TOKEN_OK = 0,
	POL_TOKEN_PAN,
	POL_TOKEN_BAD
};

int pol_check_known(enum pol_ctx ctx, const char *name);
const char *pol_check_suggest(enum pol_ctx ctx, const char *name);
const char *pol_check_known_list(enum pol_ctx ctx);
enum pol_token_rc pol_check_token(const char *s,
    char out[POL_TOKEN_LEN + 1]);
pm_status pol_check_rules(const struct pol *p, struct pol_diags *d);
pm_status pol_check_keys(const struct pol *p, pol_has_key_fn has_key,
    void *arg, struct pol_diags *d);

#endif
