/*
 * NAME
 *	pol_addr - address normalisation and pattern parsing for the policy
 * OWNS
 *	Nothing: pure functions writing into caller buffers.
 * PROMISES
 *	- One normal form for addresses and patterns: angle brackets and
 *	  surrounding blanks removed, ASCII lower case, a sub-address
 *	  ("user+tag@") cut to "user@", a trailing dot of the domain
 *	  removed, and a non-ASCII domain converted to its IDNA A-label
 *	  form with libidn2 (UTS#46 non-transitional, then transitional).
 *	- Pattern kinds are ranked by specificity: POL_PAT_ADDR (full
 *	  address) > POL_PAT_DOMAIN ("@domain") > POL_PAT_SUFFIX
 *	  (".domain": any subdomain, not the domain itself) > POL_PAT_ANY
 *	  ("*").
 *	- Thread-safe; no allocation except inside libidn2 (freed here).
 * API
 *	pol_addr_norm(in, out, outlen, &dom)	normal form of an envelope
 *				address; dom points into out after the '@'
 *				("" when there is none). PM_ECONFIG when the
 *				address is too long or its domain is not a
 *				valid IDN (out then holds the lower-cased
 *				input, usable as a key that matches nothing
 *				but "*"). The null sender "<>" gives "".
 *	pol_addr_pattern(in, &kind, out, outlen, &why)	parse one policy
 *				pattern into its kind and lookup key ("" for
 *				"*", the domain for "@domain", ".domain" for a
 *				suffix, the address otherwise). PM_ECONFIG
 *				with why set to "is/has what is wrong; what to do".
 *	pol_addr_match(kind, key, addr, dom)	1 when a normalised
 *				address matches a pattern (used for senders).
 *	pol_pat_kind_str(kind)	"address", "domain", "subdomain", "any".
 * LIMITS
 *	Quoted local parts are not parsed: '+' inside quotes is cut too.
 *	A domain literal ("[192.0.2.1]") is compared as text.
 * SEE ALSO
 *	RFC 5321 4.1.2, RFC 5890, UTS#46, pol_decide.
 */
#ifndef POL_ADDR_H
#define POL_ADDR_H

#include <stddef.h>

#include "pm_status.h"

#define POL_ADDR_MAX	512

enum pol_pat_kind {
	POL_PAT_ANY = 0,	/* "*" */
	POL_PAT_SUFFIX,		/* ".domain": any subdomain */
	POL_PAT_DOMAIN,		/* "@domain" */
	POL_PAT_ADDR		/* "user@domain" */
};

pm_status pol_addr_norm(const char *in, char *out, size_t outlen,
    const char **dom);
pm_status pol_addr_pattern(const char *in, enum pol_pat_kind *kind,
    char *out, size_t outlen, const char **why);
int pol_addr_match(enum pol_pat_kind kind, const char *key,
    const char *addr, const char *dom);
const char *pol_pat_kind_str(enum pol_pat_kind kind);

#endif
