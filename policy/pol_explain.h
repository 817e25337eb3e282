/*
 * NAME
 *	pol_explain - renders a policy decision for people (text) and for
 *	programs (JSON, jansson)
 * OWNS
 *	Nothing beyond the returned JSON object (the caller json_decref's
 *	it).
 * PROMISES
 *	- Says, per recipient, the action, the rule (name, file:line), the
 *	  pattern that matched and its kind, rules passed over for min_pans,
 *	  and for encrypt whether a key is there; then the message's action
 *	  and why, and which keys would be used and which are missing.
 *	- Prints no card number: the facts hold none, and every address is
 *	  passed through pol_diag_safe before it is printed.
 *	- The text layout is stable (tests compare it byte for byte and
 *	  panmilter-policy(5) quotes it).
 * API
 *	pol_explain_text(x, fp)	human lines on fp.
 *	pol_explain_json(x)	a new JSON object, or NULL on ENOMEM.
 *	x: struct pol_explain_in; rcpts are the addresses as given (same
 *	order and count as dec->rcpts); keys_known 0 adds a note that no
 *	keyring was consulted.
 * LIMITS
 *	Text lines are not wrapped. Lists of addresses in one line are cut
 *	at about 1000 bytes (the JSON arrays are complete).
 */
#ifndef POL_EXPLAIN_H
#define POL_EXPLAIN_H

#include <stdio.h>

#include <jansson.h>

#include "pol_decide.h"

struct pol_explain_in {
	const struct pol *p;
	const struct pol_facts *facts;
	const char *from;
	const char *const *rcpts;
	const struct pol_decision *dec;
	int keys_known;
};

void pol_explain_text(const struct pol_explain_in *x, FILE *fp);
json_t *pol_explain_json(const struct pol_explain_in *x);

#endif
