/*
 * NAME
 *	pol_decide - facts about a message + envelope + key availability
 *	-> one decision (action, rule per recipient, why, masks, keys)
 * OWNS
 *	struct pol_decision (one heap block, freed by pol_decision_free).
 *	It points into the struct pol it was made from (rules, patterns):
 *	keep the policy alive while the decision is used.
 * PROMISES
 *	- Pure and thread-safe: reads the immutable policy and the facts,
 *	  calls has_key, allocates one block. No global state.
 *	- The policy never sees a clear PAN: struct pol_facts carries only
 *	  the verdict and, per distinct PAN, its confidence, whether it is a
 *	  brand's test number, and its keyed token.
 *	- Per recipient the most specific applicable rule wins (address >
 *	  @domain > .domain, longest first > "*" > default; a rule with
 *	  senders before the same pattern without; then file order); a rule
 *	  applies when its senders match and the counted PANs reach its
 *	  min_pans. The message gets the strictest recipient action
 *	  (reject > tempfail > quarantine > encrypt > mask > pass).
 *	- encrypt: every recipient needs a key; when one lacks it the
 *	  strictest if_no_key of the rules that asked for encryption
 *	  applies, and those recipients are flagged.
 *	- Track data always gets track_data; unscannable and protected
 *	  messages get their settings; a clean message, or one whose
 *	  findings are all ignored, passes.
 *	- The cost per recipient does not depend on the number of rules
 *	  (hash lookups, see pol_load).
 * API
 *	pol_decide(p, from, rcpts, n, facts, has_key, arg, &dec)
 *		from and rcpts as given by the MTA (angle brackets allowed);
 *		has_key NULL: nobody has a key. PM_OK, PM_ENOMEM,
 *		PM_EINTERNAL (p, facts or dec NULL).
 *	pol_decision_free(dec)	NULL is fine.
 *	pol_verdict_str(v), pol_why_str(w)	names for output.
 * LIMITS
 *	At most POL_FACTS_MAX_PANS PANs are described one by one; the
 *	engine adds the rest as pans_more, which always count (they cannot
 *	be recognised as tests or ignored tokens): fail closed.
 */
#ifndef POL_DECIDE_H
#define POL_DECIDE_H

#include <stddef.h>

#include "pm_status.h"
#include "pol_addr.h"
#include "pol_load.h"

#define POL_FACTS_MAX_PANS	64

enum pol_verdict {
	POL_V_CLEAN = 0,
	POL_V_PAN,
	POL_V_TRACK,		/* track 1/2 data found (with or without PANs) */
	POL_V_PROTECTED,	/* already OpenPGP or S/MIME encrypted */
	POL_V_UNSCANNABLE	/* a limit, an encrypted archive, ... */
};

/* one distinct PAN, as the policy may see it */
struct pol_pan {
	enum pol_conf confidence;
	int is_test;			/* a brand's published test number */
	char token[POL_TOKEN_LEN + 1];	/* keyed token; "" without a key */
};

struct pol_facts {
	enum pol_verdict verdict;
	unsigned npans;			/* entries used in pans[] */
	struct pol_pan pans[POL_FACTS_MAX_PANS];
	unsigned pans_more;		/* distinct PANs beyond the array */
};

typedef int (*pol_has_key_fn)(void *arg, const char *addr);

enum pol_why {
	POL_WHY_RULE = 0,	/* a rule matched */
	POL_WHY_DEFAULT,	/* no rule matched */
	POL_WHY_CLEAN,		/* no card data */
	POL_WHY_IGNORED,	/* every finding was ignored */
	POL_WHY_TRACK,		/* track data: track_data */
	POL_WHY_PROTECTED,	/* already encrypted: protected */
	POL_WHY_UNSCANNABLE	/* unscannable */
};

struct pol_rcpt {
	char addr[POL_ADDR_MAX];	/* normal form */
	int addr_ok;			/* 0: could not be normalised */
	enum pol_why why;
	const struct pol_rule *rule;	/* rule or &p->def; NULL otherwise */
	const struct pol_pat *pat;	/* the pattern that matched */
	const struct pol_rule *skipped;	/* first rule passed over for
					   min_pans, or NULL */
	enum pol_action action;
	enum pol_mask mask;
	int needs_key;			/* the message is to be encrypted */
	int has_key;
};

struct pol_decision {
	enum pol_action action;		/* the message's action */
	enum pol_mask mask;		/* when action is mask */
	enum pol_why why;
	enum pol_action wanted;		/* before the if_no_key fallback */
	const struct pol_rule *fallback;	/* rule whose if_no_key
					   applied, or NULL */
	const struct pol_rule *deciding;	/* rule of the strictest
					   recipient, or NULL */
	unsigned pans_found;		/* distinct PANs reported */
	unsigned pans_counted;		/* after the ignore settings */
	unsigned ignored_confidence, ignored_test, ignored_token;
	size_t nmissing;		/* recipients without a key */
	size_t nrcpts;
	struct pol_rcpt rcpts[];
};

pm_status pol_decide(const struct pol *p, const char *from,
    const char *const *rcpts, size_t n, const struct pol_facts *f,
    pol_has_key_fn has_key, void *arg, struct pol_decision **out);
void pol_decision_free(struct pol_decision *dec);
const char *pol_verdict_str(enum pol_verdict v);
const char *pol_why_str(enum pol_why w);

#endif
